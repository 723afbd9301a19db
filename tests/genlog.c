/*
 * genlog: deterministic generator of Apache/nginx "combined" access logs,
 * used as benchmark and test input for ipwhois (make bench, integration
 * tests). Written from scratch for this project; only libc is needed.
 *
 *   genlog [-s SEED] [-u UNIQUE] [-6 PERCENT_V6] [-m PERCENT_MALFORMED]
 *          [-f FORMAT] SIZE
 *
 * SIZE is in bytes, with an optional k, M, G or T suffix (powers of 1024).
 * The output, on standard output, is as many whole lines as fit in SIZE
 * bytes (it falls short of SIZE by less than one line). The same arguments
 * give byte-identical output on every machine: the generator has its own
 * PRNG (splitmix64) and uses only integer arithmetic, no clock, no locale;
 * no expression here draws twice from the PRNG, since the order of
 * evaluation within one would be up to the compiler.
 *
 * The client addresses come from a pool of UNIQUE distinct addresses
 * (default 200000) clustered in a few thousand public networks: random
 * IPv4 /16../24 prefixes outside the special-purpose ranges, IPv6 /32../48
 * prefixes under 2001::, 2400::, 2600::, 2800::, 2a00:: and 2c00::, and
 * about 1% private IPv4 addresses. PERCENT_V6 (default 5) of the pool, and
 * about as much of the traffic, is IPv6. Popularity is Zipf-like (exponent
 * 1) over the pool, and the whole pool is also emitted once in a shuffled
 * order spread through the file, so every address appears when SIZE
 * allows. Browsers fetch a page and then some of its assets, interleaved
 * with other clients. Timestamps increase monotonically, a few lines per
 * second, from 17/May/2015:10:05:03 +0000.
 *
 * PERCENT_MALFORMED (default 0.5) of the lines are broken on purpose:
 * garbage text, truncated lines, 999.1.2.3 or another invalid client,
 * empty lines, and lines of binary bytes (NUL included).
 *
 * FORMAT (default combined) rewrites each well-formed line as another
 * server would have logged the same request: w3c (IIS, with its
 * directives first), caddy (Caddy v2 JSON), haproxy (httplog through
 * syslog) or syslog (sshd's messages about the same clients).  Broken
 * lines stay as they are.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- PRNG */

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0; the bias is negligible here. Small n take
 * the fast multiply-shift instead of a division. */
static inline uint64_t below(uint64_t n)
{
	if (n <= UINT32_MAX)
		return ((rnd() >> 32) * n) >> 32;
	return rnd() % n;
}

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 33)) * UINT64_C(0xFF51AFD7ED558CCD);
	z = (z ^ (z >> 33)) * UINT64_C(0xC4CEB9FE1A85EC53);
	return z ^ (z >> 33);
}

/* ------------------------------------------------------------- helpers */

static _Noreturn void die(const char *msg)
{
	fprintf(stderr, "genlog: %s\n", msg);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die("out of memory");
	return p;
}

struct str {
	const char *s;
	size_t n;
};

#define S(x) { x, sizeof(x) - 1 }
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static inline char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static inline char *puts_(char *p, struct str s)
{
	return put(p, s.s, s.n);
}

static inline char *putu(char *p, uint64_t v)
{
	char t[24];
	int n = 0;

	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*p++ = t[--n];
	return p;
}

static inline char *put2(char *p, unsigned v)
{
	*p++ = (char)('0' + v / 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static const char hexdig[] = "0123456789abcdef";

static inline char *puthex(char *p, unsigned v)
{
	int sh = 12;

	while (sh > 0 && ((v >> sh) & 0xf) == 0)
		sh -= 4;
	for (; sh >= 0; sh -= 4)
		*p++ = hexdig[(v >> sh) & 0xf];
	return p;
}

/* ----------------------------------------------------------- addresses */

static char *put_v4(char *p, uint32_t a)
{
	p = putu(p, a >> 24);
	*p++ = '.';
	p = putu(p, (a >> 16) & 0xff);
	*p++ = '.';
	p = putu(p, (a >> 8) & 0xff);
	*p++ = '.';
	return putu(p, a & 0xff);
}

/* RFC 5952: lowercase, no leading zeros, the longest run (first on a tie)
 * of two or more zero groups as "::". */
static char *put_v6(char *p, uint64_t hi, uint64_t lo)
{
	unsigned g[8];
	int i, bs = -1, bl = 0;

	for (i = 0; i < 4; i++) {
		g[i] = (unsigned)(hi >> (48 - 16 * i)) & 0xffff;
		g[i + 4] = (unsigned)(lo >> (48 - 16 * i)) & 0xffff;
	}
	for (i = 0; i < 8; i++) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bl && j - i >= 2) {
			bs = i;
			bl = j - i;
		}
		if (j > i)
			i = j - 1;
	}
	for (i = 0; i < 8; i++) {
		if (i == bs) {
			*p++ = ':';
			*p++ = ':';
			i += bl - 1;
			continue;
		}
		if (i > 0 && i != bs + bl)
			*p++ = ':';
		p = puthex(p, g[i]);
	}
	return p;
}

/* IPv4 ranges no public network prefix may overlap. */
static const struct { uint32_t base; unsigned len; } v4_special[] = {
	{ 0x00000000, 8 },	/* 0.0.0.0/8 "this network" */
	{ 0x0A000000, 8 },	/* 10.0.0.0/8 private */
	{ 0x64400000, 10 },	/* 100.64.0.0/10 CGN */
	{ 0x7F000000, 8 },	/* 127.0.0.0/8 loopback */
	{ 0xA9FE0000, 16 },	/* 169.254.0.0/16 link local */
	{ 0xAC100000, 12 },	/* 172.16.0.0/12 private */
	{ 0xC0000000, 24 },	/* 192.0.0.0/24 IETF protocol assignments */
	{ 0xC0000200, 24 },	/* 192.0.2.0/24 TEST-NET-1 */
	{ 0xC0586300, 24 },	/* 192.88.99.0/24 6to4 relay anycast */
	{ 0xC0A80000, 16 },	/* 192.168.0.0/16 private */
	{ 0xC6120000, 15 },	/* 198.18.0.0/15 benchmarking */
	{ 0xC6336400, 24 },	/* 198.51.100.0/24 TEST-NET-2 */
	{ 0xCB007100, 24 },	/* 203.0.113.0/24 TEST-NET-3 */
	{ 0xE0000000, 3 },	/* 224.0.0.0/3 multicast, reserved, broadcast */
};

static inline uint32_t v4mask(unsigned len)
{
	return len ? UINT32_C(0xFFFFFFFF) << (32 - len) : 0;
}

static int v4_is_special(uint32_t a, unsigned len)
{
	size_t i;

	for (i = 0; i < NELEM(v4_special); i++) {
		unsigned m = len < v4_special[i].len ? len : v4_special[i].len;

		if (((a ^ v4_special[i].base) & v4mask(m)) == 0)
			return 1;
	}
	return 0;
}

struct net {
	uint64_t hi;		/* IPv6: first 64 bits; IPv4: 0 */
	uint32_t v4;		/* IPv4 prefix */
	uint32_t count;		/* addresses drawn from it */
	unsigned len;		/* prefix length */
};

static void make_v4_net(struct net *n)
{
	do {
		n->len = 16 + (unsigned)below(9);
		n->v4 = (uint32_t)rnd() & v4mask(n->len);
	} while (v4_is_special(n->v4, n->len));
	n->hi = 0;
	n->count = 0;
}

static void make_v6_net(struct net *n)
{
	/* Regional registry blocks, roughly weighted by use. */
	unsigned r = (unsigned)below(100), first, second;

	second = (unsigned)below(0x10000);
	if (r < 15) {
		first = 0x2001;	/* 2001:200:: and up; not 2001:db8:: */
		second = 0x200 + (unsigned)below(0xfe00);
		if (second == 0x0db8)
			second = 0x0db9;
	} else if (r < 35) {
		first = 0x2400 + (unsigned)below(16);
	} else if (r < 60) {
		first = 0x2600 + (unsigned)below(8);
	} else if (r < 67) {
		first = 0x2800 + (unsigned)below(4);
	} else if (r < 97) {
		first = 0x2a00 + (unsigned)below(16);
	} else {
		first = 0x2c0f;
	}
	n->len = 32 + (unsigned)below(17);
	n->hi = (uint64_t)first << 48 | (uint64_t)second << 32 |
		((uint64_t)(uint32_t)rnd() & ~(UINT64_C(0xFFFFFFFF) >> (n->len - 32)));
	n->v4 = 0;
	n->count = 0;
}

/* A host in n; 0 on failure (never a valid IPv4 host here). */
static uint32_t v4_host(const struct net *n)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		uint32_t a = n->v4 | ((uint32_t)rnd() & ~v4mask(n->len));

		if ((a & 0xff) != 0 && (a & 0xff) != 0xff)
			return a;
	}
	return 0;
}

static void v6_host(const struct net *n, uint64_t *hi, uint64_t *lo)
{
	uint64_t sub = ~(~UINT64_C(0) << (64 - n->len));
	unsigned r = (unsigned)below(100);

	/* The subnet: often 0 or a small number, else anything. */
	if (r < 30)
		*hi = n->hi;
	else if (r < 70)
		*hi = n->hi | (below(64) & sub);
	else
		*hi = n->hi | (rnd() & sub);

	r = (unsigned)below(100);
	if (r < 55) {			/* temporary / privacy address */
		*lo = rnd();
	} else if (r < 70) {		/* EUI-64 from a MAC address */
		uint64_t mac = rnd() & UINT64_C(0xFFFFFFFFFFFF);

		*lo = ((mac >> 24) << 40 | UINT64_C(0xFFFE) << 24 |
		       (mac & 0xFFFFFF)) ^ (UINT64_C(0x02) << 56);
	} else if (r < 90) {		/* ::1 .. ::fff, servers */
		*lo = 1 + below(0xfff);
	} else {			/* ::a:b style */
		*lo = below(0x10000) << 16;
		*lo |= 1 + below(0xffff);
	}
}

/* Open addressing set of (hi, lo) pairs, to keep the pool distinct. */
struct aset {
	uint64_t *k;		/* pairs; hi == lo == ~0 marks a free slot */
	size_t mask;
};

static void aset_init(struct aset *s, size_t n)
{
	size_t cap = 16, i;

	while (cap < 2 * n)
		cap <<= 1;
	s->k = xcalloc(cap * 2, sizeof(uint64_t));
	for (i = 0; i < cap * 2; i++)
		s->k[i] = ~UINT64_C(0);
	s->mask = cap - 1;
}

/* 1 if added, 0 if already present. */
static int aset_add(struct aset *s, uint64_t hi, uint64_t lo)
{
	size_t i = (size_t)mix64(hi * UINT64_C(0x9E3779B97F4A7C15) ^ lo) & s->mask;

	for (;; i = (i + 1) & s->mask) {
		uint64_t *e = s->k + 2 * i;

		if (e[0] == ~UINT64_C(0) && e[1] == ~UINT64_C(0)) {
			e[0] = hi;
			e[1] = lo;
			return 1;
		}
		if (e[0] == hi && e[1] == lo)
			return 0;
	}
}

/* Index in [0, n), skewed towards 0: a few networks are big. */
static size_t skewed(size_t n)
{
	uint64_t a = below(n);

	return (size_t)(a * below(n) / n);
}

/* The pool: n4 IPv4 then n6 IPv6 addresses, in random order within each. */
static size_t n4, n6;
static uint32_t *pool4;
static uint64_t *pool6;		/* pairs hi, lo */

static void build_pool(size_t unique, uint64_t v6_ppm)
{
	struct aset set;
	struct net *nets;
	size_t nn4, nn6, i;

	n6 = (size_t)(unique * v6_ppm / 1000000);
	n4 = unique - n6;
	pool4 = xcalloc(n4, sizeof(*pool4));
	pool6 = xcalloc(n6 * 2, sizeof(*pool6));
	aset_init(&set, unique);

	nn4 = n4 / 40;
	if (nn4 > 4000)
		nn4 = 4000;
	if (nn4 < n4 / 500)
		nn4 = n4 / 500;
	if (nn4 < 16)
		nn4 = 16;
	nets = xcalloc(nn4, sizeof(*nets));
	for (i = 0; i < nn4; i++)
		make_v4_net(&nets[i]);
	for (i = 0; i < n4; i++) {
		uint32_t a = 0;

		if (below(100) == 0) {
			/* Private: a few home/office LANs and 10/8. */
			static const unsigned lan[] = { 0, 1, 2, 10, 100, 178 };

			if (below(2)) {
				a = 0x0A000000 | (uint32_t)below(0x1000000);
			} else {
				a = 0xC0A80000 | (uint32_t)lan[below(NELEM(lan))] << 8;
				a |= (uint32_t)below(256);
			}
			if ((a & 0xff) == 0 || (a & 0xff) == 0xff) {
				i--;
				continue;
			}
		} else {
			struct net *n = NULL;
			int tries;

			for (tries = 0; tries < 64; tries++) {
				n = &nets[tries < 32 ? skewed(nn4) : below(nn4)];
				if (n->count < (UINT32_C(1) << (32 - n->len)) / 2)
					break;
				n = NULL;
			}
			if (!n) {	/* all tried were half full: replace one */
				n = &nets[below(nn4)];
				make_v4_net(n);
			}
			if ((a = v4_host(n)) == 0) {
				i--;
				continue;
			}
			n->count++;
		}
		if (!aset_add(&set, 0, a))
			i--;	/* a duplicate: draw again */
		else
			pool4[i] = a;
	}
	free(nets);

	nn6 = n6 / 20;
	if (nn6 > 1500)
		nn6 = 1500;
	if (nn6 < 4)
		nn6 = 4;
	nets = xcalloc(nn6, sizeof(*nets));
	for (i = 0; i < nn6; i++)
		make_v6_net(&nets[i]);
	for (i = 0; i < n6; i++) {
		uint64_t hi, lo;

		v6_host(&nets[skewed(nn6)], &hi, &lo);
		if (!aset_add(&set, hi, lo)) {
			i--;
			continue;
		}
		pool6[2 * i] = hi;
		pool6[2 * i + 1] = lo;
	}
	free(nets);
	free(set.k);
}

static char *put_addr(char *p, size_t idx)
{
	if (idx < n4)
		return put_v4(p, pool4[idx]);
	idx -= n4;
	return put_v6(p, pool6[2 * idx], pool6[2 * idx + 1]);
}

/* Zipf, exponent 1, in integers: weight of rank k is 2^40 / (k + 1). */
struct zipf {
	uint64_t *cum;
	size_t n;
};

static void zipf_init(struct zipf *z, size_t n)
{
	uint64_t sum = 0;
	size_t k;

	z->n = n;
	z->cum = xcalloc(n, sizeof(uint64_t));
	for (k = 0; k < n; k++) {
		sum += (UINT64_C(1) << 40) / (k + 1);
		z->cum[k] = sum;
	}
}

static size_t zipf_draw(const struct zipf *z)
{
	uint64_t r = below(z->cum[z->n - 1]);
	size_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---------------------------------------------------------------- time */

static unsigned t_year = 2015, t_mon = 4, t_day = 17, t_h = 10, t_m = 5, t_s = 3;
static char tstamp[32];
static size_t tstamp_len;

static const char mon_name[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static unsigned mdays(unsigned y, unsigned m)
{
	static const unsigned d[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m];
}

static void tstamp_format(void)
{
	char *p = tstamp;

	*p++ = '[';
	p = put2(p, t_day);
	*p++ = '/';
	p = put(p, mon_name[t_mon], 3);
	*p++ = '/';
	p = putu(p, t_year);
	*p++ = ':';
	p = put2(p, t_h);
	*p++ = ':';
	p = put2(p, t_m);
	*p++ = ':';
	p = put2(p, t_s);
	p = put(p, " +0000]", 7);
	tstamp_len = (size_t)(p - tstamp);
}

static void tick(unsigned secs)
{
	t_s += secs;
	while (t_s >= 60) {
		t_s -= 60;
		if (++t_m < 60)
			continue;
		t_m = 0;
		if (++t_h < 24)
			continue;
		t_h = 0;
		if (++t_day <= mdays(t_year, t_mon))
			continue;
		t_day = 1;
		if (++t_mon < 12)
			continue;
		t_mon = 0;
		t_year++;
	}
	tstamp_format();
}

/* --------------------------------------------------------- vocabulary */

enum { UA_BROWSER, UA_BOT, UA_TOOL };

static const struct {
	struct str s;
	int kind;
	unsigned weight;
} uas[] = {
	{ S("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36"), UA_BROWSER, 160 },
	{ S("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36"), UA_BROWSER, 60 },
	{ S("Mozilla/5.0 (Windows NT 6.1; WOW64; rv:37.0) Gecko/20100101 Firefox/37.0"), UA_BROWSER, 90 },
	{ S("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"), UA_BROWSER, 50 },
	{ S("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_3) AppleWebKit/600.5.17 (KHTML, like Gecko) Version/8.0.5 Safari/600.5.17"), UA_BROWSER, 50 },
	{ S("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36"), UA_BROWSER, 50 },
	{ S("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:37.0) Gecko/20100101 Firefox/37.0"), UA_BROWSER, 30 },
	{ S("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36"), UA_BROWSER, 20 },
	{ S("Mozilla/5.0 (iPhone; CPU iPhone OS 8_3 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12F70 Safari/600.1.4"), UA_BROWSER, 70 },
	{ S("Mozilla/5.0 (iPad; CPU OS 8_3 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12F69 Safari/600.1.4"), UA_BROWSER, 25 },
	{ S("Mozilla/5.0 (Linux; Android 5.0.2; SM-G900F Build/LRX22G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.111 Mobile Safari/537.36"), UA_BROWSER, 60 },
	{ S("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.118 Safari/537.36 OPR/28.0.1750.51"), UA_BROWSER, 10 },
	{ S("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), UA_BOT, 60 },
	{ S("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"), UA_BOT, 30 },
	{ S("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"), UA_BOT, 15 },
	{ S("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"), UA_BOT, 15 },
	{ S("Mozilla/5.0 (compatible; AhrefsBot/5.0; +http://ahrefs.com/robot/)"), UA_BOT, 15 },
	{ S("Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)"), UA_BOT, 10 },
	{ S("curl/7.38.0"), UA_TOOL, 25 },
	{ S("Wget/1.16 (linux-gnu)"), UA_TOOL, 10 },
	{ S("python-requests/2.7.0 CPython/2.7.9 Linux/3.16.0-4-amd64"), UA_TOOL, 15 },
	{ S("Go 1.1 package http"), UA_TOOL, 8 },
	{ S("Mozilla/5.0 zgrab/0.x"), UA_TOOL, 5 },
	{ S("-"), UA_TOOL, 7 },
};

static unsigned ua_total;

/* Each client mostly keeps one user agent. */
static uint64_t ua_salt;

static unsigned ua_for(size_t idx)
{
	uint64_t h = below(10) ? mix64((uint64_t)idx ^ ua_salt) : rnd();
	unsigned r = (unsigned)(h % ua_total), i;

	for (i = 0; r >= uas[i].weight; i++)
		r -= uas[i].weight;
	return i;
}

static const struct str words[] = {
	S("linux"), S("server"), S("backup"), S("nginx"), S("apache"),
	S("release"), S("notes"), S("howto"), S("install"), S("debian"),
	S("kernel"), S("network"), S("firewall"), S("ssh"), S("keys"),
	S("docker"), S("cluster"), S("storage"), S("raid"), S("zfs"),
	S("python"), S("golang"), S("rust"), S("performance"), S("tuning"),
	S("monitoring"), S("logs"), S("privacy"), S("security"), S("update"),
	S("review"), S("camera"), S("laptop"), S("garden"), S("recipes"),
	S("bread"), S("coffee"), S("travel"), S("berlin"), S("tokyo"),
	S("lisbon"), S("photos"), S("summer"), S("music"), S("guitar"),
	S("books"), S("weekly"), S("digest"), S("open"), S("source"),
	S("community"), S("meetup"), S("talk"), S("slides"), S("video"),
	S("podcast"), S("episode"), S("faq"), S("about"), S("contact"),
	S("pricing"), S("team"), S("jobs"), S("press"),
};

#define WORD() words[below(NELEM(words))]

static const struct str users[] = {
	S("alice"), S("bob"), S("admin"), S("deploy"), S("jsmith"), S("guest"),
	S("m.mueller"), S("webmaster"),
};

static const struct str search_refs[] = {
	S("https://www.google.com/"), S("https://www.google.de/"),
	S("https://www.google.co.uk/"), S("https://www.bing.com/search?q="),
	S("https://duckduckgo.com/"), S("https://search.yahoo.com/"),
	S("https://yandex.ru/"), S("https://www.baidu.com/"),
};

/* Other referers; 'n' ends them with a number, 'a' with an id. */
static const struct { struct str s; char tail; } other_refs[] = {
	{ S("https://t.co/"), 'a' },
	{ S("https://www.facebook.com/"), 0 },
	{ S("https://news.ycombinator.com/item?id="), 'n' },
	{ S("https://www.reddit.com/r/linux/comments/"), 'a' },
	{ S("http://m.facebook.com/"), 0 },
	{ S("https://lobste.rs/s/"), 'a' },
	{ S("http://planet.debian.org/"), 0 },
	{ S("https://feedly.com/i/subscription/feed/"), 0 },
};

static const struct str scanner_paths[] = {
	S("/wp-login.php"), S("/xmlrpc.php"), S("/.env"), S("/phpmyadmin/"),
	S("/admin/"), S("/cgi-bin/test.cgi"), S("/.git/HEAD"),
	S("/wp-admin/admin-ajax.php"), S("/manager/html"), S("/config.php.bak"),
};

#define SITE "https://www.example.org"

/* ------------------------------------------------------------- paths */

enum { P_PAGE, P_FILE, P_API, P_SCAN, P_SMALL };

/* A page-ish path; *kind tells what the response looks like. */
static char *put_path(char *p, int *kind)
{
	unsigned r = (unsigned)below(1000);

	*kind = P_PAGE;
	if (r < 120) {
		*p++ = '/';
	} else if (r < 480) {		/* /blog/2015/04/some-slug/ */
		p = put(p, "/blog/", 6);
		p = putu(p, 2008 + below(7));	/* before the log starts */
		*p++ = '/';
		p = put2(p, 1 + (unsigned)below(12));
		*p++ = '/';
		p = puts_(p, WORD());
		for (unsigned n = 1 + (unsigned)below(4); n; n--) {
			*p++ = '-';
			p = puts_(p, WORD());
		}
		*p++ = '/';
		if (below(20) == 0) {
			p = put(p, "?utm_source=newsletter&utm_medium=email", 39);
		} else if (below(30) == 0) {
			p = put(p, "?replytocom=", 12);
			p = putu(p, 1000 + below(90000));
		}
	} else if (r < 560) {		/* /tag/word/ /category/word/page/2/ */
		p = below(2) ? put(p, "/tag/", 5) : put(p, "/category/", 10);
		p = puts_(p, WORD());
		*p++ = '/';
		if (below(4) == 0) {
			p = put(p, "page/", 5);
			p = putu(p, 2 + below(20));
			*p++ = '/';
		}
	} else if (r < 640) {		/* /products/12345 */
		p = put(p, "/products/", 10);
		p = putu(p, 10000 + below(5000));
		if (below(3) == 0) {
			p = put(p, "?color=", 7);
			p = puts_(p, WORD());
		}
	} else if (r < 700) {		/* /search?q=a+b */
		p = put(p, "/search?q=", 10);
		p = puts_(p, WORD());
		for (unsigned n = (unsigned)below(3); n; n--) {
			*p++ = '+';
			p = puts_(p, WORD());
		}
	} else if (r < 790) {		/* /api/v1/items/123 */
		*kind = P_API;
		p = put(p, "/api/v1/", 8);
		p = puts_(p, WORD());
		if (below(2)) {
			*p++ = '/';
			p = putu(p, below(100000));
		}
	} else if (r < 820) {
		*kind = P_FILE;
		p = put(p, "/downloads/", 11);
		p = puts_(p, WORD());
		*p++ = '-';
		p = putu(p, below(4));
		*p++ = '.';
		p = putu(p, below(20));
		*p++ = '.';
		p = putu(p, below(10));
		p = below(3) ? put(p, ".tar.gz", 7) : put(p, ".zip", 4);
	} else if (r < 850) {
		*kind = P_SMALL;
		p = put(p, "/robots.txt", 11);
	} else if (r < 880) {
		*kind = P_SMALL;
		p = put(p, "/favicon.ico", 12);
	} else if (r < 910) {
		*kind = P_SMALL;
		p = below(2) ? put(p, "/feed/", 6) : put(p, "/sitemap.xml", 12);
	} else if (r < 940) {
		*kind = P_SCAN;
		p = puts_(p, scanner_paths[below(NELEM(scanner_paths))]);
	} else if (r < 970) {		/* /about/ */
		*p++ = '/';
		p = puts_(p, WORD());
		*p++ = '/';
	} else {
		p = put(p, "/index.php?id=", 14);
		p = putu(p, below(3000));
		p = put(p, "&lang=", 6);
		p = below(2) ? put(p, "en", 2) : put(p, "de", 2);
	}
	return p;
}

/* An asset path; *maxbytes is a plausible upper bound of its size. */
static char *put_asset_path(char *p, unsigned *maxbytes)
{
	unsigned r = (unsigned)below(100);

	*maxbytes = 250000;

	if (r < 20) {
		p = put(p, "/static/css/", 12);
		p = puts_(p, WORD());
		p = put(p, ".css?v=", 7);
		*maxbytes = 60000;
		p = putu(p, 100 + below(40));
	} else if (r < 45) {
		p = put(p, "/static/js/", 11);
		p = puts_(p, WORD());
		p = below(2) ? put(p, ".min.js", 7) : put(p, ".js", 3);
	} else if (r < 90) {
		static const struct str ext[] = {
			S(".jpg"), S(".png"), S(".gif"), S(".svg"), S(".webp"),
		};

		p = put(p, "/images/", 8);
		if (below(3) == 0) {
			p = putu(p, 2008 + below(8));
			*p++ = '/';
		}
		p = puts_(p, WORD());
		*p++ = '-';
		p = putu(p, below(400));
		p = puts_(p, ext[below(NELEM(ext))]);
	} else if (r < 95) {
		p = put(p, "/fonts/", 7);
		p = puts_(p, WORD());
		p = put(p, "-regular.woff2", 14);
		*maxbytes = 80000;
	} else {
		p = put(p, "/favicon.ico", 12);
		*maxbytes = 5000;
	}
	return p;
}

/* --------------------------------------------------------------- lines */

static const struct str protos[] = {
	S("HTTP/1.1"), S("HTTP/1.0"), S("HTTP/2.0"),
};

static unsigned pick_proto(int uakind)
{
	unsigned r = (unsigned)below(100);

	if (uakind == UA_TOOL)
		return r < 80 ? 0 : 1;
	return r < 84 ? 0 : r < 90 ? 1 : 2;
}

struct session {
	size_t idx;		/* client */
	unsigned ua, proto;
	unsigned left;		/* assets still to fetch; 0: slot free */
	size_t reflen;
	char ref[256];		/* the page, as the assets' referer */
};

#define NSLOTS 24
static struct session slots[NSLOTS];
static unsigned nactive;

static char *put_head(char *p, const struct str *client, size_t idx, int user)
{
	p = client ? puts_(p, *client) : put_addr(p, idx);
	p = put(p, " - ", 3);
	if (user)
		p = puts_(p, users[below(NELEM(users))]);
	else
		*p++ = '-';
	*p++ = ' ';
	p = put(p, tstamp, tstamp_len);
	*p++ = ' ';
	*p++ = '"';
	return p;
}

static char *put_tail(char *p, unsigned ua)
{
	*p++ = ' ';
	*p++ = '"';
	p = puts_(p, uas[ua].s);
	*p++ = '"';
	*p++ = '\n';
	return p;
}

static unsigned page_status(int pk)
{
	static const struct { unsigned code, permille; } tab[] = {
		{ 200, 790 }, { 304, 60 }, { 301, 25 }, { 302, 30 },
		{ 404, 60 }, { 403, 10 }, { 500, 10 }, { 502, 3 },
		{ 503, 5 }, { 206, 5 }, { 400, 1 }, { 401, 1 },
	};
	unsigned r = (unsigned)below(1000), i;

	if (pk == P_SCAN)
		return r < 850 ? 404 : r < 950 ? 403 : 200;
	if (pk == P_SMALL)
		return r < 850 ? 200 : r < 950 ? 304 : 404;
	for (i = 0; i < NELEM(tab) - 1 && r >= tab[i].permille; i++)
		r -= tab[i].permille;
	return tab[i].code;
}

static char *put_bytes(char *p, unsigned status, int pk, int head)
{
	uint64_t n;

	if (head || status == 304 || below(50) == 0) {
		if (below(2))
			*p++ = '-';
		else
			*p++ = '0';
		return p;
	}
	switch (status) {
	case 200:
		switch (pk) {
		case P_PAGE: n = 3000 + below(57000); break;
		case P_API: n = 50 + below(5000); break;
		case P_FILE: n = 100000 + below(50000000); break;
		case P_SMALL: n = 40 + below(3000); break;
		default: n = 100 + below(3000); break;
		}
		break;
	case 206: n = 1000 + below(1000000); break;
	case 301: case 302: n = 178 + below(80); break;
	default: n = 150 + below(450); break;
	}
	return putu(p, n);
}

static char *put_referer(char *p, int uakind)
{
	unsigned r = (unsigned)below(100);
	int kind;

	*p++ = '"';
	if (uakind != UA_BROWSER) {
		if (uakind == UA_BOT && r < 4)
			p = put(p, SITE "/", sizeof(SITE));
		else
			*p++ = '-';
	} else if (r < 45) {
		*p++ = '-';
	} else if (r < 70) {
		p = put(p, SITE, sizeof(SITE) - 1);
		p = put_path(p, &kind);
	} else if (r < 90) {
		p = puts_(p, search_refs[below(NELEM(search_refs))]);
	} else {
		static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
		unsigned i = (unsigned)below(NELEM(other_refs));

		p = puts_(p, other_refs[i].s);
		if (other_refs[i].tail == 'n') {
			p = putu(p, 9000000 + below(900000));
		} else if (other_refs[i].tail == 'a') {
			for (unsigned n = 6 + (unsigned)below(5); n; n--)
				*p++ = b36[below(36)];
		}
	}
	*p++ = '"';
	return p;
}

static const struct str *method_for(int uakind, int *head)
{
	static const struct str m[] = {
		S("GET"), S("POST"), S("HEAD"), S("OPTIONS"), S("PUT"),
		S("DELETE"),
	};
	unsigned r = (unsigned)below(1000), i;

	switch (uakind) {
	case UA_BROWSER:
		i = r < 930 ? 0 : r < 980 ? 1 : r < 990 ? 2 : 3;
		break;
	case UA_BOT:
		i = r < 970 ? 0 : 2;
		break;
	default:
		i = r < 700 ? 0 : r < 850 ? 2 : r < 950 ? 1 : r < 980 ? 4 : 5;
		break;
	}
	*head = i == 2;
	return &m[i];
}

/* A request for a page (or an API call, a download...) by client idx;
 * client, when set, replaces the address. May open a session. */
static char *gen_hit(char *p, size_t idx, const struct str *client, int may_session)
{
	unsigned ua = ua_for(idx), status, proto;
	int uakind = uas[ua].kind, pk, head;
	const struct str *method = method_for(uakind, &head);
	char *path;
	size_t pathlen;

	p = put_head(p, client, idx, below(300) == 0);
	p = puts_(p, *method);
	*p++ = ' ';
	path = p;
	p = put_path(p, &pk);
	pathlen = (size_t)(p - path);
	*p++ = ' ';
	proto = pick_proto(uakind);
	p = puts_(p, protos[proto]);
	*p++ = '"';
	*p++ = ' ';
	status = page_status(pk);
	p = putu(p, status);
	*p++ = ' ';
	p = put_bytes(p, status, pk, head);
	*p++ = ' ';
	p = put_referer(p, uakind);
	p = put_tail(p, ua);

	if (may_session && uakind == UA_BROWSER && status == 200 &&
	    pk == P_PAGE && !head && nactive < NSLOTS && below(100) < 35 &&
	    pathlen + sizeof(SITE) <= sizeof(slots[0].ref)) {
		struct session *s = slots;

		while (s->left)
			s++;
		s->idx = idx;
		s->ua = ua;
		s->proto = proto;
		s->left = 1 + (unsigned)below(14);
		memcpy(s->ref, SITE, sizeof(SITE) - 1);
		memcpy(s->ref + sizeof(SITE) - 1, path, pathlen);
		s->reflen = sizeof(SITE) - 1 + pathlen;
		nactive++;
	}
	return p;
}

/* The next asset of a random open session. */
static char *gen_asset(char *p)
{
	unsigned i = (unsigned)below(NSLOTS), status, r, maxbytes;
	struct session *s;

	while (!slots[i].left)
		i = (i + 1) % NSLOTS;
	s = &slots[i];
	if (--s->left == 0)
		nactive--;
	p = put_head(p, NULL, s->idx, 0);
	p = put(p, "GET ", 4);
	p = put_asset_path(p, &maxbytes);
	*p++ = ' ';
	p = puts_(p, protos[s->proto]);
	*p++ = '"';
	*p++ = ' ';
	r = (unsigned)below(100);
	status = r < 80 ? 200 : r < 98 ? 304 : 404;
	p = putu(p, status);
	*p++ = ' ';
	if (status == 200)
		p = putu(p, 300 + below(maxbytes));
	else if (status == 304)
		*p++ = below(2) ? '-' : '0';
	else
		p = putu(p, 150 + below(450));
	*p++ = ' ';
	*p++ = '"';
	p = put(p, s->ref, s->reflen);
	*p++ = '"';
	return put_tail(p, s->ua);
}

static size_t zipf_client(void);

/* A line broken on purpose. */
static char *gen_bad(char *p)
{
	static const struct str bad_clients[] = {
		S("999.1.2.3"), S("256.300.1.1"), S("1.2.3"), S("2001:db8:::1"),
		S("crawler.example.net"), S("::ffff:999.1.1.1"), S("12.34.56.78.90"),
		S("unknown"),
	};
	static const struct str prefixes[] = {
		S("[error] "), S("-- MARK --"), S("PHP Warning:  "), S(""),
		S("#Fields: "), S("Segmentation fault "),
	};
	unsigned r = (unsigned)below(100), n;
	char *start = p;

	if (r < 25) {			/* garbage text */
		p = puts_(p, prefixes[below(NELEM(prefixes))]);
		for (n = 3 + (unsigned)below(13); n; n--) {
			p = puts_(p, WORD());
			*p++ = n > 1 ? ' ' : '\n';
		}
	} else if (r < 50) {		/* truncated, maybe inside the address */
		size_t len;

		p = gen_hit(p, zipf_client(), NULL, 0);
		len = (size_t)(p - start);
		p = start + 1 + below(len - 2);
		*p++ = '\n';
	} else if (r < 70) {		/* 999.1.2.3 as the client */
		p = gen_hit(p, zipf_client(), &bad_clients[0], 0);
	} else if (r < 85) {		/* empty */
		*p++ = '\n';
	} else if (r < 93) {		/* binary */
		for (n = 8 + (unsigned)below(120); n; n--) {
			char c = (char)(unsigned char)below(256);

			*p++ = c == '\n' ? '\0' : c;
		}
		*p++ = '\n';
	} else {			/* another invalid client */
		const struct str *client = &bad_clients[below(NELEM(bad_clients))];

		p = gen_hit(p, zipf_client(), client, 0);
	}
	return p;
}

/* ---------------------------------------------------------- the clients */

static struct zipf z4, z6;
static uint64_t v6_ppm;
static uint32_t *perm;		/* the pool in a shuffled order */
static size_t perm_next, unique;

static size_t zipf_client(void)
{
	if (n6 == 0 || (n4 > 0 && below(1000000) >= v6_ppm))
		return zipf_draw(&z4);
	return n4 + zipf_draw(&z6);
}

/* ------------------------------------------------------ other formats */

#define PUTL(p, lit)	put((p), (lit), sizeof(lit) - 1)

enum outfmt { OUT_COMBINED, OUT_W3C, OUT_CADDY, OUT_HAPROXY, OUT_SYSLOG };

static const char *const outfmt_names[] = {
	"combined", "w3c", "caddy", "haproxy", "syslog",
};

/* Days since 1970-01-01 of a Gregorian date (month 1-12). */
static int64_t days_of(unsigned y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = yy / 400, yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;

	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The fields of a generated combined line. */
struct req {
	const char *client, *time, *request, *status, *bytes, *ua;
	size_t client_len, request_len, status_len, bytes_len, ua_len;
	unsigned y, mon, d, H, M, S;
};

static unsigned num(const char *p, int n)
{
	unsigned v = 0;

	while (n--)
		v = v * 10 + (unsigned)(*p++ - '0');
	return v;
}

/* A well-formed generated line into its fields; 0 when it is not one. */
static int split_line(const char *p, const char *end, struct req *r)
{
	const char *q, *t;
	unsigned m;

	if ((q = memchr(p, ' ', (size_t)(end - p))) == NULL)
		return 0;
	r->client = p;
	r->client_len = (size_t)(q - p);
	if ((t = memchr(q, '[', (size_t)(end - q))) == NULL || end - t < 30 ||
	    t[3] != '/' || t[27] != ']')
		return 0;
	r->time = t + 1;
	for (m = 0; m < 12 && memcmp(t + 4, mon_name[m], 3); m++)
		;
	r->d = num(t + 1, 2);
	r->mon = m + 1;
	r->y = num(t + 8, 4);
	r->H = num(t + 13, 2);
	r->M = num(t + 16, 2);
	r->S = num(t + 19, 2);
	if (m == 12 || t[28] != ' ' || t[29] != '"')
		return 0;
	r->request = t + 30;
	if ((q = memchr(r->request, '"', (size_t)(end - r->request))) == NULL)
		return 0;
	r->request_len = (size_t)(q - r->request);
	r->status = q + 2;
	if ((q = memchr(r->status, ' ', (size_t)(end - r->status))) == NULL)
		return 0;
	r->status_len = (size_t)(q - r->status);
	r->bytes = q + 1;
	if ((q = memchr(r->bytes, ' ', (size_t)(end - r->bytes))) == NULL)
		return 0;
	r->bytes_len = (size_t)(q - r->bytes);
	if (end - p < 3 || end[-1] != '"')
		return 0;
	for (q = end - 2; q > r->bytes && *q != '"'; q--)
		;
	r->ua = q + 1;
	r->ua_len = (size_t)(end - 1 - r->ua);
	return r->status_len == 3 && r->bytes_len > 0;
}

static char *put_date(char *p, const struct req *r, char sep)
{
	p = putu(p, r->y);
	*p++ = '-';
	p = put2(p, r->mon);
	*p++ = '-';
	p = put2(p, r->d);
	*p++ = sep;
	p = put2(p, r->H);
	*p++ = ':';
	p = put2(p, r->M);
	*p++ = ':';
	return put2(p, r->S);
}

/* "Mon dd HH:MM:SS ": the syslog time. */
static char *put_syslog_time(char *p, const struct req *r)
{
	p = put(p, mon_name[r->mon - 1], 3);
	*p++ = ' ';
	*p++ = r->d < 10 ? ' ' : (char)('0' + r->d / 10);
	*p++ = (char)('0' + r->d % 10);
	*p++ = ' ';
	p = put2(p, r->H);
	*p++ = ':';
	p = put2(p, r->M);
	*p++ = ':';
	p = put2(p, r->S);
	*p++ = ' ';
	return p;
}

/* The request line's method and path. */
static void request_parts(const struct req *r, const char **path,
    size_t *method_len, size_t *path_len)
{
	const char *sp = memchr(r->request, ' ', r->request_len), *sp2;

	*method_len = sp ? (size_t)(sp - r->request) : r->request_len;
	*path = sp ? sp + 1 : r->request + r->request_len;
	sp2 = memchr(*path, ' ', (size_t)(r->request + r->request_len - *path));
	*path_len = sp2 ? (size_t)(sp2 - *path) :
	    (size_t)(r->request + r->request_len - *path);
}

/* Text as a JSON string's contents. */
static char *put_json(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			p = PUTL(p, "\\u00");
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else
			*p++ = (char)c;
	}
	return p;
}

/* IIS writes a space inside a field as '+', an empty one as '-'. */
static char *put_w3c_field(char *p, const char *s, size_t n)
{
	if (n == 0 || (n == 1 && *s == '-'))
		return PUTL(p, "-");
	for (size_t i = 0; i < n; i++)
		*p++ = s[i] == ' ' ? '+' : s[i];
	return p;
}

static char *out_w3c(char *p, const struct req *r)
{
	const char *path;
	size_t ml, pl;

	request_parts(r, &path, &ml, &pl);
	p = put_date(p, r, ' ');
	p = PUTL(p, " 192.0.2.80 ");
	p = put_w3c_field(p, r->request, ml);
	*p++ = ' ';
	p = put_w3c_field(p, path, pl);
	p = PUTL(p, " - 443 - ");
	p = put(p, r->client, r->client_len);
	*p++ = ' ';
	p = put_w3c_field(p, r->ua, r->ua_len);
	p = PUTL(p, " - ");
	p = put(p, r->status, 3);
	p = PUTL(p, " 0 0 ");
	p = put(p, *r->bytes == '-' ? "0" : r->bytes,
	    *r->bytes == '-' ? 1 : r->bytes_len);
	return PUTL(p, " 15\n");
}

static char *out_caddy(char *p, const struct req *r)
{
	const char *path;
	size_t ml, pl;
	int64_t ts = (days_of(r->y, r->mon, r->d) * 24 + r->H) * 3600 +
	    r->M * 60 + r->S;

	/* The generated times are all UTC. */

	request_parts(r, &path, &ml, &pl);
	p = PUTL(p, "{\"level\":\"info\",\"ts\":");
	p = putu(p, (uint64_t)ts);
	p = PUTL(p, ".5241024,\"logger\":\"http.log.access.log0\",\"msg\":"
	    "\"handled request\",\"request\":{\"remote_ip\":\"");
	p = put(p, r->client, r->client_len);
	p = PUTL(p, "\",\"remote_port\":\"41342\",\"client_ip\":\"");
	p = put(p, r->client, r->client_len);
	p = PUTL(p, "\",\"proto\":\"HTTP/1.1\",\"method\":\"");
	p = put_json(p, r->request, ml);
	p = PUTL(p, "\",\"host\":\"www.example.com\",\"uri\":\"");
	p = put_json(p, path, pl);
	p = PUTL(p, "\",\"headers\":{\"User-Agent\":[\"");
	p = put_json(p, r->ua, r->ua_len);
	p = PUTL(p, "\"]}},\"bytes_read\":0,\"user_id\":\"\",\"duration\":"
	    "0.000929675,\"size\":");
	p = put(p, *r->bytes == '-' ? "0" : r->bytes,
	    *r->bytes == '-' ? 1 : r->bytes_len);
	p = PUTL(p, ",\"status\":");
	p = put(p, r->status, 3);
	return PUTL(p, "}\n");
}

/* An IPv6 client is written bracketed before its port. */
static char *put_client_port(char *p, const struct req *r)
{
	int v6 = memchr(r->client, ':', r->client_len) != NULL;

	if (v6)
		*p++ = '[';
	p = put(p, r->client, r->client_len);
	if (v6)
		*p++ = ']';
	return PUTL(p, ":41342");
}

static char *out_haproxy(char *p, const struct req *r)
{
	p = put_syslog_time(p, r);
	p = PUTL(p, "lb1 haproxy[2918]: ");
	p = put_client_port(p, r);
	*p++ = ' ';
	*p++ = '[';
	p = put(p, r->time, 20);
	p = PUTL(p, ".123] http-in static/srv1 10/0/30/69/109 ");
	p = put(p, r->status, 3);
	*p++ = ' ';
	p = put(p, *r->bytes == '-' ? "0" : r->bytes,
	    *r->bytes == '-' ? 1 : r->bytes_len);
	p = PUTL(p, " - - ---- 1/1/1/1/0 0/0 \"");
	p = put(p, r->request, r->request_len);
	return PUTL(p, "\"\n");
}

static char *out_syslog(char *p, const struct req *r)
{
	static const struct str msgs[] = {
		S("Failed password for invalid user admin from "),
		S("Failed password for root from "),
		S("Accepted publickey for deploy from "),
		S("Disconnected from invalid user oracle "),
		S("Connection closed by authenticating user root "),
	};
	const struct str *m = &msgs[(r->S + r->client_len) % NELEM(msgs)];

	p = put_syslog_time(p, r);
	p = PUTL(p, "gate sshd[24200]: ");
	p = put(p, m->s, m->n);
	p = put(p, r->client, r->client_len);
	p = PUTL(p, " port 41342 ssh2\n");
	return p;
}

/* The line [start, end) (newline included) rewritten in place. */
static char *reformat(enum outfmt f, char *start, char *end)
{
	static char tmp[16384];
	struct req r;
	char *p = tmp;

	if (f == OUT_COMBINED || !split_line(start, end - 1, &r))
		return end;
	switch (f) {
	case OUT_W3C:
		p = out_w3c(p, &r);
		break;
	case OUT_CADDY:
		p = out_caddy(p, &r);
		break;
	case OUT_HAPROXY:
		p = out_haproxy(p, &r);
		break;
	case OUT_SYSLOG:
		p = out_syslog(p, &r);
		break;
	case OUT_COMBINED:
		break;
	}
	memcpy(start, tmp, (size_t)(p - tmp));
	return start + (p - tmp);
}

static const char w3c_head[] =
"#Software: Microsoft Internet Information Services 10.0\n"
"#Version: 1.0\n"
"#Date: 2015-05-17 10:05:03\n"
"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
"cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
"sc-win32-status sc-bytes time-taken\n";

/* ---------------------------------------------------------------- main */

static const char usage[] =
"usage: genlog [-s SEED] [-u UNIQUE] [-6 PERCENT_V6] [-m PERCENT_MALFORMED] SIZE\n"
"  SIZE        output bytes, with an optional k, M, G or T suffix\n"
"  -s SEED     PRNG seed (default 1)\n"
"  -u UNIQUE   distinct client addresses (default 200000)\n"
"  -6 PERCENT  share of IPv6 clients (default 5)\n"
"  -m PERCENT  share of malformed lines (default 0.5)\n"
"  -f FORMAT   combined (default), w3c, caddy, haproxy or syslog\n";

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		goto bad;
	return v;
bad:
	fprintf(stderr, "genlog: bad %s: %s\n", what, s);
	exit(2);
}

/* "12.5" -> parts per million (125000); at most 4 decimals, 0..100. */
static uint64_t parse_percent(const char *s, const char *what)
{
	uint64_t v = 0, scale = 10000;
	const char *q = s;

	if (*q < '0' || *q > '9')
		goto bad;
	while (*q >= '0' && *q <= '9' && v <= 1000)
		v = v * 10 + (uint64_t)(*q++ - '0');
	v *= 10000;
	if (*q == '.') {
		q++;
		while (*q >= '0' && *q <= '9') {
			if (scale == 1)
				goto bad;
			scale /= 10;
			v += (uint64_t)(*q++ - '0') * scale;
		}
	}
	if (*q || v > 1000000)
		goto bad;
	return v;
bad:
	fprintf(stderr, "genlog: bad %s (a percentage, 0 to 100): %s\n", what, s);
	exit(2);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: goto bad;
	}
	if (*end == 'B' || (*end == 'i' && end[1] == 'B' && end++))
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		goto bad;
	return (uint64_t)v << shift;
bad:
	fprintf(stderr, "genlog: bad SIZE: %s\n", s);
	exit(2);
}

#define BUFSZ (1u << 21)
#define LINEMAX 4096

static char outbuf[BUFSZ + LINEMAX];

static void flush(size_t n)
{
	if (n && fwrite(outbuf, 1, n, stdout) != n)
		die("write error");
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, mal_ppm = 5000, size = 0, written = 0;
	uint64_t newhits = 0;
	const char *size_arg = NULL;
	size_t pos = 0, i;
	enum outfmt fmt = OUT_COMBINED;
	int a;

	unique = 200000;
	v6_ppm = 50000;
	for (a = 1; a < argc; a++) {
		const char *arg = argv[a], *val;
		char opt;

		if (arg[0] != '-' || arg[1] == '\0') {
			if (size_arg) {
				fputs(usage, stderr);
				return 2;
			}
			size_arg = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			if (a + 1 < argc && !size_arg)
				size_arg = argv[++a];
			if (a + 1 != argc) {
				fputs(usage, stderr);
				return 2;
			}
			break;
		}
		opt = arg[1];
		if (opt == 'h' || strcmp(arg, "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (strchr("su6mf", opt) == NULL) {
			fprintf(stderr, "genlog: unknown option %s\n%s", arg, usage);
			return 2;
		}
		if (arg[2])
			val = arg + 2;
		else if (a + 1 < argc)
			val = argv[++a];
		else {
			fprintf(stderr, "genlog: %s needs a value\n%s", arg, usage);
			return 2;
		}
		switch (opt) {
		case 's': seed = parse_u64(val, "seed"); break;
		case 'u': unique = (size_t)parse_u64(val, "UNIQUE"); break;
		case '6': v6_ppm = parse_percent(val, "PERCENT_V6"); break;
		case 'm': mal_ppm = parse_percent(val, "PERCENT_MALFORMED"); break;
		case 'f':
			for (i = 0; i < NELEM(outfmt_names) &&
			    strcmp(val, outfmt_names[i]); i++)
				;
			if (i == NELEM(outfmt_names)) {
				fprintf(stderr, "genlog: unknown format %s\n%s",
				    val, usage);
				return 2;
			}
			fmt = (enum outfmt)i;
			break;
		}
	}
	if (!size_arg) {
		fputs(usage, stderr);
		return 2;
	}
	size = parse_size(size_arg);
	if (unique < 1 || unique > 100000000) {
		fputs("genlog: UNIQUE must be 1 to 100000000\n", stderr);
		return 2;
	}

	rng_state = mix64(seed ^ UINT64_C(0x6C6F6767656E2D31));
	ua_salt = rnd();
	for (i = 0; i < NELEM(uas); i++)
		ua_total += uas[i].weight;
	build_pool(unique, v6_ppm);
	if (n4)
		zipf_init(&z4, n4);
	if (n6)
		zipf_init(&z6, n6);
	perm = xcalloc(unique, sizeof(*perm));
	for (i = 0; i < unique; i++)
		perm[i] = (uint32_t)i;
	for (i = unique - 1; i > 0; i--) {
		size_t j = (size_t)below(i + 1);
		uint32_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	tstamp_format();
	if (fmt == OUT_W3C) {
		memcpy(outbuf, w3c_head, sizeof(w3c_head) - 1);
		pos = written = sizeof(w3c_head) - 1;
	}

	for (;;) {
		char *start, *p;
		size_t len;
		unsigned r;
		int bad;

		if (pos >= BUFSZ) {
			flush(pos);
			pos = 0;
		}
		start = p = outbuf + pos;

		r = (unsigned)below(1000);
		if (r < 300)
			tick(1);
		else if (r < 303)
			tick(2 + (unsigned)below(30));

		bad = below(1000000) < mal_ppm;
		if (bad) {
			p = gen_bad(p);
			/* A W3C log's directives are its server's, never
			 * garbage: one would redefine the columns. */
			if (fmt == OUT_W3C && *start == '#')
				*start = '%';
		} else if (nactive && below(100) < 45) {
			p = gen_asset(p);
		} else {
			size_t left = unique - perm_next, idx;

			/* Take the next of the shuffled pool at a rate that
			 * ends the pool at about 90% of the output. */
			if (left) {
				uint64_t per = newhits ? written / newhits : 400;
				uint64_t est = (size - written) / (per ? per : 1) * 9 / 10;

				if (est <= left || below(est) < left)
					idx = perm[perm_next++];
				else
					idx = zipf_client();
			} else {
				idx = zipf_client();
			}
			p = gen_hit(p, idx, NULL, 1);
			newhits++;
		}
		if (!bad)
			p = reformat(fmt, start, p);
		len = (size_t)(p - start);
		if (len > size - written)
			break;
		written += len;
		pos += len;
	}
	flush(pos);
	if (fflush(stdout) != 0)
		die("write error");
	return 0;
}
