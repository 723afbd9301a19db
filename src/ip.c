/*
 * Addresses: parse every textual form a log or a registry writes, format
 * canonically (RFC 5952), compare, hash.  Pure functions, no allocation.
 *
 * IPv4 is held IPv4-mapped (::ffff:a.b.c.d), which folds mapped IPv6 into
 * IPv4 for free.  Prefix lengths are always in 128-bit terms internally.
 */
#include <string.h>

#include "ipwhois.h"

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A dotted quad at the start of [p, end): the end of it, or NULL.  Octets
 * are decimal with at most three digits; zero padding ("074.125.000.001")
 * is read as decimal, as registries and some loggers write it, never as
 * octal.  Straight-line code: this runs once per log line.
 */
static const char *
v4_prefix(const char *p, const char *end, uint8_t out[4])
{
	for (int part = 0; part < 4; part++) {
		unsigned v, d;

		if (part > 0) {
			if (p >= end || *p != '.')
				return NULL;
			p++;
		}
		if (p >= end || (v = (unsigned)(*p - '0')) > 9)
			return NULL;
		p++;
		if (p < end && (d = (unsigned)(*p - '0')) <= 9) {
			v = v * 10 + d;
			p++;
			if (p < end && (d = (unsigned)(*p - '0')) <= 9) {
				v = v * 10 + d;
				p++;
				if (v > 255)
					return NULL;
			}
		}
		out[part] = (uint8_t)v;
	}
	/* A fourth digit or a fifth part: not an address. */
	if (p < end && ((unsigned)(*p - '0') <= 9 || (*p == '.' &&
	    p + 1 < end && (unsigned)(p[1] - '0') <= 9)))
		return NULL;
	return p;
}

static int
parse_v4(const char *s, size_t n, uint8_t out[4])
{
	return v4_prefix(s, s + n, out) == s + n ? 0 : -1;
}

/* The IPv4 address at the start of [p, end), for the log scanners. */
const char *
ip_v4_prefix(const char *p, const char *end, struct ip *ip)
{
	memcpy(ip->b, v4_mapped, 12);
	return v4_prefix(p, end, ip->b + 12);
}

static int
parse_v6(const char *s, size_t n, uint8_t out[16])
{
	uint8_t b[16];
	int ngroups = 0, gap = -1;
	size_t i = 0;

	if (n < 2)
		return -1;
	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		gap = 0;
		i = 2;
		if (i == n)
			goto done;
	}
	for (;;) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && i - start < 5 && hexval((unsigned char)s[i]) >= 0)
			v = (v << 4) | (unsigned)hexval((unsigned char)s[i++]);
		if (i < n && s[i] == '.') {
			/* Embedded IPv4 in the last 32 bits. */
			if (ngroups > 6 || start == i)
				return -1;
			if (parse_v4(s + start, n - start, b + 2 * ngroups) == -1)
				return -1;
			ngroups += 2;
			break;
		}
		if (i == start || i - start > 4 || ngroups >= 8)
			return -1;
		b[2 * ngroups] = (uint8_t)(v >> 8);
		b[2 * ngroups + 1] = (uint8_t)v;
		ngroups++;
		if (i == n)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < n && s[i] == ':') {
			if (gap != -1)
				return -1;
			gap = ngroups;
			i++;
			if (i == n)
				break;
		} else if (i == n)
			return -1;	/* a trailing single colon */
	}
done:
	if (gap == -1) {
		if (ngroups != 8)
			return -1;
		memcpy(out, b, 16);
		return 0;
	}
	if (ngroups > 7)
		return -1;
	memset(out, 0, 16);
	memcpy(out, b, 2 * (size_t)gap);
	memcpy(out + 16 - 2 * (ngroups - gap), b + 2 * gap,
	    2 * (size_t)(ngroups - gap));
	return 0;
}

/* Exactly one address, nothing around it (a zone id is allowed on IPv6). */
int
ip_parse(const char *s, size_t n, struct ip *ip)
{
	const char *pct;

	if (n == 0 || n > 64)
		return -1;
	/* Most addresses in logs are IPv4: try that first, without a scan. */
	memcpy(ip->b, v4_mapped, 12);
	if (parse_v4(s, n, ip->b + 12) == 0)
		return 0;
	if (memchr(s, ':', n) == NULL)
		return -1;
	if ((pct = memchr(s, '%', n)) != NULL) {
		if (pct + 1 == s + n)
			return -1;
		n = (size_t)(pct - s);
	}
	return parse_v6(s, n, ip->b);
}

static int
all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * A log field holding a client: a bare address, "[v6]", "[v6]:port" or
 * "v4:port".  A bare IPv6 address with a port cannot be told from an
 * address, so none is guessed.
 */
int
ip_token(const char *s, size_t n, struct ip *ip)
{
	const char *colon;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL)
			return -1;
		if ((size_t)(close - s) + 1 != n &&
		    (close[1] != ':' ||
		    !all_digits(close + 2, (size_t)(s + n - close - 2))))
			return -1;
		return ip_parse(s + 1, (size_t)(close - s - 1), ip);
	}
	if (ip_parse(s, n, ip) == 0)
		return 0;
	/* "v4:port": one colon, after a dotted quad. */
	colon = memchr(s, ':', n);
	if (colon == NULL || !all_digits(colon + 1, (size_t)(s + n - colon - 1)))
		return -1;
	memcpy(ip->b, v4_mapped, 12);
	return parse_v4(s, (size_t)(colon - s), ip->b + 12);
}

static int
addr_char(int c)
{
	return hexval(c) >= 0 || c == ':' || c == '.';
}

/* Characters that glue a run to a word: the run is part of something else. */
static int
word_char(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || c == '_' || c == '-' || c == '/' ||
	    c == '\\';
}

static int
only_colons(const char *p, const char *end)
{
	while (p < end && *p == ':')
		p++;
	return p == end;
}

/*
 * The first address-looking token in [p, end).  A token is a run of hex
 * digits, colons and dots standing on its own: "1.2.3.4" in "from 1.2.3.4"
 * or "[1.2.3.4]", not in "Chrome/1.2.3.4" or "ip-1-2-3-4".  Runs that are
 * not addresses (times, fingerprints, versions) are passed over.
 * Returns the end of the token (*tok: its start), or NULL.
 */
const char *
ip_find(const char *p, const char *end, struct ip *ip, const char **tok)
{
	const char *base = p;

	while (p < end) {
		const char *start, *stop, *next;

		while (p < end && !addr_char((unsigned char)*p))
			p++;
		start = p;
		while (p < end && addr_char((unsigned char)*p))
			p++;
		stop = next = p;
		if (next < end && *next == '%') {
			/* An IPv6 zone id belongs to the token. */
			next++;
			while (next < end && (word_char((unsigned char)*next) ||
			    *next == '.') && *next != '/')
				next++;
		}
		/* A sentence may end right after an address. */
		while (stop > start && stop[-1] == '.')
			stop--;
		p = next;
		if (next == p && next != stop && stop[0] != '%')
			next = stop;
		/* "key:1.2.3.4": the colon is a separator, not part of it. */
		if (stop - start > 1 && start[0] == ':' && start[1] != ':')
			start++;
		else if (start > base && word_char((unsigned char)start[-1]))
			continue;	/* glued to a word: part of something else */
		if (stop - start < 2)
			continue;
		if (p < end && word_char((unsigned char)*p))
			continue;
		/* "::" alone is punctuation in prose, never a client. */
		if (only_colons(start, stop))
			continue;
		/* "from 1.2.3.4: 11: Bye": a colon may end it, too. */
		if (ip_token(start, (size_t)(next - start), ip) != 0) {
			if (next - start < 3 || next[-1] != ':' ||
			    next[-2] == ':' ||
			    ip_token(start, (size_t)(next - start - 1), ip) != 0)
				continue;
			p = next - 1;
		}
		if (tok)
			*tok = start;
		return p;
	}
	return NULL;
}

int
ip_is_v4(const struct ip *ip)
{
	return memcmp(ip->b, v4_mapped, 12) == 0;
}

void
ip_from_v4(struct ip *ip, uint32_t v4)
{
	memcpy(ip->b, v4_mapped, 12);
	ip->b[12] = (uint8_t)(v4 >> 24);
	ip->b[13] = (uint8_t)(v4 >> 16);
	ip->b[14] = (uint8_t)(v4 >> 8);
	ip->b[15] = (uint8_t)v4;
}

uint32_t
ip_v4(const struct ip *ip)
{
	return (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 |
	    (uint32_t)ip->b[14] << 8 | ip->b[15];
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

/* The address as two numbers, high and low: their order is the
 * addresses' numeric order. */
void
ip_words(const struct ip *ip, uint64_t *hi, uint64_t *lo)
{
	*hi = be64(ip->b);
	*lo = be64(ip->b + 8);
}

/* Report order: IPv4 before IPv6, each numerically. */
int
ip_cmp(const struct ip *a, const struct ip *b)
{
	uint64_t ah = be64(a->b), bh = be64(b->b), al, bl;
	int a4 = ah == 0 && (be64(a->b + 8) >> 32) == 0xffff;
	int b4 = bh == 0 && (be64(b->b + 8) >> 32) == 0xffff;

	if (a4 != b4)
		return a4 ? -1 : 1;
	if (ah != bh)
		return ah < bh ? -1 : 1;
	al = be64(a->b + 8);
	bl = be64(b->b + 8);
	return al < bl ? -1 : al > bl;
}

static uint64_t
mix(uint64_t h)
{
	/* The 64-bit finalizer of MurmurHash3: every input bit moves. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t
hash_bytes(const uint8_t b[16], uint64_t mask_lo)
{
	uint64_t hi, lo;

	memcpy(&hi, b, 8);
	memcpy(&lo, b + 8, 8);
	return mix(hi ^ mix(lo & mask_lo));
}

uint64_t
ip_hash(const struct ip *ip)
{
	return hash_bytes(ip->b, ~0ULL);
}

/*
 * The worker an address goes to: by its /24 (IPv4) or /48 (IPv6), so
 * neighbours meet the worker that already knows their network.
 */
uint64_t
ip_route_hash(const struct ip *ip)
{
	struct ip net = *ip;

	if (ip_is_v4(ip))
		net.b[15] = 0;
	else
		memset(net.b + 6, 0, 10);
	return hash_bytes(net.b, ~0ULL);
}

/* Is a inside net/plen (plen in 128-bit terms)? */
int
ip_in_net(const struct ip *a, const struct ip *net, unsigned plen)
{
	unsigned whole = plen / 8, rest = plen % 8;

	if (plen > 128)
		return 0;
	if (memcmp(a->b, net->b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a->b[whole] ^ net->b[whole]) & (0xff00 >> rest)) == 0;
}

/* "a.b.c.d/n" or "v6/n" into a network and a 128-bit prefix length. */
int
ip_net_parse(const char *s, struct ip *net, unsigned *plen)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned len = 0, digits = 0;

	if (ip_parse(s, n, net) == -1)
		return -1;
	if (slash == NULL)
		len = memchr(s, ':', n) == NULL ? 32 : 128;
	else {
		for (const char *p = slash + 1; *p; p++) {
			if (*p < '0' || *p > '9' || ++digits > 3)
				return -1;
			len = len * 10 + (unsigned)(*p - '0');
		}
		if (digits == 0)
			return -1;
	}
	/* IPv4 is held IPv4-mapped: a dotted prefix counts from bit 96,
	 * one written as IPv6 (::ffff:0:0/96) from bit 0. */
	if (memchr(s, ':', n) == NULL) {
		if (len > 32)
			return -1;
		len += 96;
	}
	if (len > 128)
		return -1;
	*plen = len;
	/* Clear host bits so that equal networks compare equal. */
	for (unsigned bit = len; bit < 128; bit++)
		net->b[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	return 0;
}

/* Whether ip is in one of l's networks. */
int
netlist_has(const struct netlist *l, const struct ip *ip)
{
	for (int i = 0; i < l->n; i++)
		if (ip_in_net(ip, &l->net[i], l->plen[i]))
			return 1;
	return 0;
}

static char *
put_u(char *p, unsigned v)
{
	char tmp[4];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Canonical text (RFC 5952 for IPv6) into buf[IP_STRLEN]; returns length. */
size_t
ip_format(const struct ip *ip, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	int best = -1, bestlen = 0;

	if (ip_is_v4(ip)) {
		for (int i = 12; i < 16; i++) {
			if (i > 12)
				*p++ = '.';
			p = put_u(p, ip->b[i]);
		}
		*p = '\0';
		return (size_t)(p - buf);
	}
	/* The longest run of two or more zero groups, the first on a tie. */
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && ip->b[2 * j] == 0 && ip->b[2 * j + 1] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		unsigned g;
		int started = 0;

		if (i == best) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		g = (unsigned)ip->b[2 * i] << 8 | ip->b[2 * i + 1];
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = (g >> shift) & 0xf;

			if (d || started || shift == 0) {
				*p++ = hex[d];
				started = 1;
			}
		}
		if (i < 7)
			*p++ = ':';
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* "net/len" with the length in the family's own terms. */
size_t
ip_net_format(const struct ip *net, unsigned plen, char *buf)
{
	size_t n = ip_format(net, buf);
	char *p;

	if (ip_is_v4(net))
		plen -= 96;
	buf[n++] = '/';
	p = put_u(buf + n, plen);
	*p = '\0';
	return (size_t)(p - buf);
}

/*
 * Ranges into prefixes.  Registries give a network as first..last address
 * (RDAP startAddress/endAddress, whois "inetnum: a - b"), which is often
 * not one prefix.  The arithmetic is on 128-bit numbers, two halves.
 */
struct u128 {
	uint64_t hi, lo;
};

static struct u128
u128_of(const struct ip *ip)
{
	struct u128 v = { be64(ip->b), be64(ip->b + 8) };

	return v;
}

static void
u128_to_ip(struct u128 v, struct ip *ip)
{
	for (int i = 0; i < 8; i++) {
		ip->b[i] = (uint8_t)(v.hi >> (56 - 8 * i));
		ip->b[8 + i] = (uint8_t)(v.lo >> (56 - 8 * i));
	}
}

static int
u128_lt(struct u128 a, struct u128 b)
{
	return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
}

static struct u128
u128_sub(struct u128 a, struct u128 b)
{
	struct u128 d = { a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo };

	return d;
}

/* 2^k - 1 for k in 0..128: the host part of a block of 2^k addresses. */
static struct u128
u128_mask(unsigned k)
{
	struct u128 m = { 0, 0 };

	if (k >= 128)
		m.hi = m.lo = ~0ULL;
	else if (k >= 64) {
		m.lo = ~0ULL;
		m.hi = k == 64 ? 0 : ~0ULL >> (128 - k);
	} else
		m.lo = k == 0 ? 0 : ~0ULL >> (64 - k);
	return m;
}

/* Trailing zero bits: how large an aligned block may start at v. */
static unsigned
u128_ctz(struct u128 v)
{
	if (v.lo)
		return (unsigned)__builtin_ctzll(v.lo);
	if (v.hi)
		return 64 + (unsigned)__builtin_ctzll(v.hi);
	return 128;
}

/* The largest k with 2^k - 1 <= d: how large a block fits in d + 1. */
static unsigned
u128_fit(struct u128 d)
{
	if (d.hi == ~0ULL && d.lo == ~0ULL)
		return 128;
	/* d + 1 has no overflow now; its highest bit is the answer. */
	if (++d.lo == 0)
		d.hi++;
	if (d.hi)
		return 127 - (unsigned)__builtin_clzll(d.hi);
	return 63 - (unsigned)__builtin_clzll(d.lo);
}

/*
 * The fewest prefixes that cover lo..hi exactly, space-separated into buf
 * (cut after the last whole prefix that fits).  Greedy from the bottom:
 * each step takes the largest block aligned at lo that ends by hi, which
 * is optimal (at most 2 * 128 - 2 prefixes).  Returns the length.
 */
size_t
ip_range_cidrs(const struct ip *lo, const struct ip *hi, char *buf,
    size_t len)
{
	struct u128 cur = u128_of(lo), last = u128_of(hi);
	size_t out = 0;

	if (len > 0)
		buf[0] = '\0';
	if (ip_is_v4(lo) != ip_is_v4(hi) || u128_lt(last, cur))
		return 0;
	for (;;) {
		unsigned k = u128_fit(u128_sub(last, cur)), tz = u128_ctz(cur);
		struct u128 end;
		struct ip net;
		char tmp[IP_STRLEN + 5];
		size_t n;

		if (k > tz)
			k = tz;
		u128_to_ip(cur, &net);
		n = ip_net_format(&net, 128 - k, tmp);
		if (out + (out > 0) + n + 1 > len)
			break;
		if (out > 0)
			buf[out++] = ' ';
		memcpy(buf + out, tmp, n + 1);
		out += n;
		/* Stop on reaching hi, before cur + 2^k can wrap past ~0. */
		end = u128_mask(k);
		end.lo |= cur.lo;
		end.hi |= cur.hi;
		if (end.hi == last.hi && end.lo == last.lo)
			break;
		if (++end.lo == 0)
			end.hi++;
		cur = end;
	}
	return out;
}
