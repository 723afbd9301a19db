/*
 * testserver: a loopback RDAP and whois server for the test suite.
 *
 *	build/testserver [-v] [-c countfile] [-d fixture_dir] [-l latency_ms]
 *	    [-p portfile] [-t seconds] [--fault kind:match[:arg]] ...
 *
 * Answers from hand-written fixtures, the most specific network first,
 * and misbehaves on request (--fault) the ways registries and the
 * proxies in front of them do: errors, rate limits, junk, endless
 * bodies, slow drips, silence, resets, redirects, referrals.
 *
 * One process, one poll loop, timers instead of sleeps: a slow or silent
 * connection holds no other up.  It listens on 127.0.0.1 only, and ends
 * by itself when its parent dies or its time (-t) is up, so a failed test
 * never leaves it behind.  Plain libc and POSIX (plus Linux's prctl).
 *
 * Options:
 *   -d DIR	fixtures (default tests/data/server): DIR/rdap/NETWORK.json and
 *		DIR/whois/NETWORK.txt, NETWORK a CIDR with '_' for '/'
 *		("8.8.8.0_24.json", "2001:db8::_32.txt")
 *   -p FILE	"http=PORT whois=PORT" once listening (else on stdout);
 *		written beside and renamed, so it appears whole
 *   -c FILE	counters, on SIGUSR1 and at the end, also renamed into place:
 *		rdap_requests N, whois_requests N, rdap_connections N,
 *		whois_connections N, then "path TARGET N" per request target
 *		and "query LINE N" per whois query line, sorted
 *   -l MS	delay before each answer, RDAP and whois
 *   -t SECS	gives up after SECS (default 300), exit status 2
 *   -v		one line per request on stderr
 *   -s DIR	files: GET /db/PATH answers DIR/PATH as text/csv (404 when
 *		there is none), for ipwhois --update-db
 *   --file-fault PATH:KIND:N	for /db/PATH: "cut" sends the whole
 *		Content-Length but closes after N bytes of the body;
 *		"status" answers HTTP status N instead
 *
 * RDAP: GET or HEAD of any path ending in /ip/ADDR or /ip/ADDR/LEN, ADDR
 * maybe percent-encoded; HTTP/1.1 keep-alive and pipelining, heads up to
 * 8 KB (431 beyond).  Whois: one query line, its last word the address.
 *
 * Faults: KIND:MATCH[:ARG], MATCH "*", an IPv4 address or network, an
 * IPv6 network (ADDR/LEN) or any address in brackets ("[2001:db8::1]").
 * The most specific MATCH holding the address applies, "*" last; the
 * kinds are in kinds[] below.  SIGTERM or SIGINT ends it (status 0).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* accept4, ppoll, memmem, vasprintf */
#endif

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define HDR_MAX		8192		/* longest request head; 431 beyond */
#define INBUF		(2 * HDR_MAX)	/* a head and what is pipelined after it */
#define QUERY_MAX	1024		/* longest whois query line */
#define BLOCK		16384		/* filler bytes per step of a huge body */
#define WRITE_TURN	(256 * 1024)	/* bytes per connection per loop turn */
#define DRAIN_MS	2000		/* a closing connection's time to say bye */
#define ACCEPT_PAUSE_MS	100		/* out of descriptors: stop accepting */
#define FIXTURE_MAX	(4 * 1024 * 1024)
#define ADDR_TEXT	64		/* an address with "/len", and then some */

static const char rdap_type[] = "application/rdap+json";

enum proto { P_RDAP, P_WHOIS };

/* ------------------------------------------------------------ options */

static struct {
	const char	*dir;		/* -d */
	const char	*portfile;	/* -p */
	const char	*countfile;	/* -c */
	long		 latency;	/* -l, ms before each answer */
	long		 limit;		/* -t, seconds before giving up */
	int		 verbose;	/* -v */
	int		 http_port;
	int		 whois_port;
	const char	*files;		/* -s */
} opt = { "tests/data/server", NULL, NULL, 0, 300, 0, 0, 0, NULL };

/* --file-fault PATH:KIND:N */
struct file_fault {
	char		*path;
	int		 cut;		/* 1: cut after n bytes; 0: status n */
	long		 n;
};

static struct file_fault *file_faults;
static size_t nfile_faults;

static volatile sig_atomic_t got_stop, got_dump;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_dump = 1;
	else
		got_stop = 1;
}

static void logmsg(const char *, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	if (!opt.verbose)
		return;
	va_start(ap, fmt);
	fputs("testserver: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n, size)) == NULL)
		err(1, "calloc");
	return p;
}

static void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		errx(1, "too many items");
	if ((p = realloc(p, n * size)) == NULL)
		err(1, "realloc");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		err(1, "strdup");
	return p;
}

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1)
		err(1, "vasprintf");
	return s;
}

static FILE *
xmemstream(char **p, size_t *len)
{
	FILE *m;

	if ((m = open_memstream(p, len)) == NULL)
		err(1, "open_memstream");
	return m;
}

static void
xmemclose(FILE *m)
{
	if (fclose(m) != 0)
		err(1, "open_memstream");
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Control bytes and non-ASCII become '?', so that a count is one line. */
static void
printable(char *dst, const char *src, size_t dstlen)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < dstlen; i++)
		dst[i] = (unsigned char)src[i] < 0x20 ||
		    (unsigned char)src[i] > 0x7e ? '?' : src[i];
	dst[i] = '\0';
}

/* ---------------------------------------------------------- addresses */

struct addr {
	int		 af;		/* AF_INET, AF_INET6; 0: any ("*") */
	int		 plen;
	unsigned char	 b[16];
};

static int
addr_bits(int af)
{
	return af == AF_INET ? 32 : 128;
}

/* "ADDR" or "ADDR/LEN" of either family: n bytes of s. */
static int
addr_parse(const char *s, size_t n, struct addr *a)
{
	char buf[ADDR_TEXT], *slash, *end;
	long len;

	if (n == 0 || n >= sizeof(buf) || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(a, 0, sizeof(*a));
	a->af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	a->plen = addr_bits(a->af);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (*slash < '0' || *slash > '9' || strlen(slash) > 3)
			return -1;
		len = strtol(slash, &end, 10);
		if (*end != '\0' || len > a->plen)
			return -1;
		a->plen = (int)len;
	}
	return inet_pton(a->af, buf, a->b) == 1 ? 0 : -1;
}

static void
addr_mask(struct addr *a)
{
	int i;

	for (i = a->plen; a->af != 0 && i < addr_bits(a->af); i++)
		a->b[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
}

/* Whether a (an address or a network) lies inside net. */
static int
addr_within(const struct addr *a, const struct addr *net)
{
	int full, rest;

	if (net->af == 0)
		return 1;
	if (net->af != a->af || net->plen > a->plen)
		return 0;
	full = net->plen / 8;
	rest = net->plen % 8;
	if (memcmp(a->b, net->b, (size_t)full) != 0)
		return 0;
	return rest == 0 ||
	    ((a->b[full] ^ net->b[full]) & (0xff00u >> rest) & 0xffu) == 0;
}

static const char *
addr_text(const struct addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->af == 0) {
		snprintf(buf, len, "*");
		return buf;
	}
	inet_ntop(a->af, a->b, ip, sizeof(ip));
	if (a->plen < addr_bits(a->af))
		snprintf(buf, len, "%s/%d", ip, a->plen);
	else
		snprintf(buf, len, "%s", ip);
	return buf;
}

/* ----------------------------------------------------------- fixtures */

/* One answer file: DIR/rdap/NETWORK.json or DIR/whois/NETWORK.txt, with
 * NETWORK a CIDR whose '/' is written '_'. */
struct fixture {
	struct addr	 net;
	char		*text;
	size_t		 len;
};

struct fixtures {
	struct fixture	*v;
	size_t		 n;
};

static struct fixtures rdap_fixtures, whois_fixtures;

static char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	char *p;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return NULL;
	}
	if (st.st_size > FIXTURE_MAX) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	p = xcalloc(1, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, p + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(p);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return p;
}

/* Every NETWORK.ext under DIR/sub; no such subdirectory, no fixtures. */
static void
fixtures_load(struct fixtures *f, const char *sub, const char *ext)
{
	struct fixture *fx;
	struct dirent *de;
	DIR *d;
	char *dir, *file, name[ADDR_TEXT], *us;
	size_t nl, el = strlen(ext);

	dir = xasprintf("%s/%s", opt.dir, sub);
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			err(1, "%s", dir);
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		if (nl <= el || strcmp(de->d_name + nl - el, ext) != 0)
			continue;
		if (nl - el >= sizeof(name))
			errx(1, "%s/%s: not NETWORK%s", dir, de->d_name, ext);
		memcpy(name, de->d_name, nl - el);
		name[nl - el] = '\0';
		if ((us = strrchr(name, '_')) != NULL)
			*us = '/';
		f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
		fx = &f->v[f->n];
		if (us == NULL || addr_parse(name, strlen(name), &fx->net) == -1)
			errx(1, "%s/%s: not NETWORK%s", dir, de->d_name, ext);
		addr_mask(&fx->net);
		file = xasprintf("%s/%s", dir, de->d_name);
		if ((fx->text = slurp(file, &fx->len)) == NULL)
			err(1, "%s", file);
		free(file);
		f->n++;
	}
	closedir(d);
	free(dir);
}

/* The most specific fixture whose network holds a. */
static const struct fixture *
fixture_find(const struct fixtures *f, const struct addr *a)
{
	const struct fixture *best = NULL;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (addr_within(a, &f->v[i].net) &&
		    (best == NULL || f->v[i].net.plen > best->net.plen))
			best = &f->v[i];
	return best;
}

static void
fixtures_free(struct fixtures *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].text);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* ------------------------------------------------------------- tallies */

/* Counts by string: requests per path, queries, a fault's hits per address. */
struct tally {
	char		**key;
	unsigned long	 *count;
	size_t		  cap;		/* a power of two, or 0 */
	size_t		  used;
};

static struct {
	unsigned long	 rdap_requests, whois_requests;
	unsigned long	 rdap_connections, whois_connections;
	struct tally	 paths, queries;
} stats;

static struct tally fault_hits;

static size_t
hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * UINT64_C(1099511628211);
	return (size_t)(h ^ (h >> 32));
}

static void
tally_grow(struct tally *t)
{
	struct tally n;
	size_t i, j;

	n.cap = t->cap != 0 ? 2 * t->cap : 64;
	n.used = t->used;
	n.key = xcalloc(n.cap, sizeof(*n.key));
	n.count = xcalloc(n.cap, sizeof(*n.count));
	for (i = 0; i < t->cap; i++) {
		if (t->key[i] == NULL)
			continue;
		for (j = hash(t->key[i]) & (n.cap - 1); n.key[j] != NULL;
		    j = (j + 1) & (n.cap - 1))
			;
		n.key[j] = t->key[i];
		n.count[j] = t->count[i];
	}
	free(t->key);
	free(t->count);
	*t = n;
}

static unsigned long *
tally_at(struct tally *t, const char *key)
{
	size_t i;

	if (2 * (t->used + 1) > t->cap)
		tally_grow(t);
	for (i = hash(key) & (t->cap - 1); t->key[i] != NULL;
	    i = (i + 1) & (t->cap - 1))
		if (strcmp(t->key[i], key) == 0)
			return &t->count[i];
	t->key[i] = xstrdup(key);
	t->count[i] = 0;
	t->used++;
	return &t->count[i];
}

struct kv {
	const char	*key;
	unsigned long	 count;
};

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

/* "LABEL KEY COUNT" lines, sorted by key. */
static void
tally_write(FILE *f, const struct tally *t, const char *label)
{
	struct kv *v;
	size_t i, n = 0;

	if (t->used == 0)
		return;
	v = xcalloc(t->used, sizeof(*v));
	for (i = 0; i < t->cap; i++)
		if (t->key[i] != NULL) {
			v[n].key = t->key[i];
			v[n++].count = t->count[i];
		}
	qsort(v, n, sizeof(*v), kv_cmp);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s %lu\n", label, v[i].key, v[i].count);
	free(v);
}

static void
tally_free(struct tally *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->key[i]);
	free(t->key);
	free(t->count);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------- faults */

enum fkind {
	F_STATUS, F_RATELIMIT, F_RATELIMIT_ALWAYS, F_GARBAGE, F_BADJSON,
	F_HUGE, F_HUGE_CHUNKED, F_HUGE_CLOSE, F_DRIP, F_HANG, F_RESET,
	F_REDIRECT, F_FLAKY,
	F_WHOIS_RATELIMIT, F_WHOIS_GARBAGE, F_WHOIS_HANG, F_WHOIS_REFERRAL,
	F_WHOIS_DRIP, F_WHOIS_RESET, F_WHOIS_TRANSFER
};

enum farg { A_NONE, A_NUM, A_TEXT };

static const struct kind {
	const char	*name;
	enum fkind	 kind;
	enum proto	 proto;
	enum farg	 arg;
	long		 min, max;	/* of an A_NUM argument */
} kinds[] = {
	/* HTTP CODE with an RDAP error object */
	{ "status",		F_STATUS,	P_RDAP,	A_NUM, 200, 599 },
	/* 429 with Retry-After: SECONDS, first request of each address */
	{ "ratelimit",		F_RATELIMIT,	P_RDAP,	A_NUM, 0, 86400 },
	/* 429 with Retry-After: SECONDS, every request */
	{ "ratelimit-always",	F_RATELIMIT_ALWAYS, P_RDAP, A_NUM, 0, 86400 },
	/* 200, RDAP content type, an HTML page: a proxy's error page */
	{ "garbage",		F_GARBAGE,	P_RDAP,	A_NONE, 0, 0 },
	/* 200, JSON cut off in the middle of a string */
	{ "badjson",		F_BADJSON,	P_RDAP,	A_NONE, 0, 0 },
	/* 200, MB megabytes of body, Content-Length */
	{ "huge",		F_HUGE,		P_RDAP,	A_NUM, 1, 65536 },
	/* 200, MB megabytes of body, chunked */
	{ "huge-chunked",	F_HUGE_CHUNKED,	P_RDAP,	A_NUM, 1, 65536 },
	/* 200, MB megabytes of body, ended by closing the connection */
	{ "huge-close",		F_HUGE_CLOSE,	P_RDAP,	A_NUM, 1, 65536 },
	/* the usual answer, one byte every MS milliseconds */
	{ "drip",		F_DRIP,		P_RDAP,	A_NUM, 1, 60000 },
	/* reads the request, never answers */
	{ "hang",		F_HANG,		P_RDAP,	A_NONE, 0, 0 },
	/* reads the request, closes with a TCP reset */
	{ "reset",		F_RESET,	P_RDAP,	A_NONE, 0, 0 },
	/* 301 to URL, {addr} and {port} expanded; never to itself */
	{ "redirect",		F_REDIRECT,	P_RDAP,	A_TEXT, 0, 0 },
	/* 503 for the first N requests of each address */
	{ "flaky",		F_FLAKY,	P_RDAP,	A_NUM, 1, 1000000 },
	/* RIPE's "%ERROR:201: access denied" */
	{ "whois-ratelimit",	F_WHOIS_RATELIMIT, P_WHOIS, A_NONE, 0, 0 },
	/* binary junk */
	{ "whois-garbage",	F_WHOIS_GARBAGE, P_WHOIS, A_NONE, 0, 0 },
	/* reads the query, never answers */
	{ "whois-hang",		F_WHOIS_HANG,	P_WHOIS, A_NONE, 0, 0 },
	/* ARIN-style "ReferralServer: whois://HOST:PORT", {port} expanded */
	{ "whois-referral",	F_WHOIS_REFERRAL, P_WHOIS, A_TEXT, 0, 0 },
	/* the usual answer, one byte every MS milliseconds */
	{ "whois-drip",		F_WHOIS_DRIP,	P_WHOIS, A_NUM, 1, 60000 },
	/* reads the query, closes with a TCP reset */
	{ "whois-reset",	F_WHOIS_RESET,	P_WHOIS, A_NONE, 0, 0 },
	/*
	 * ARIN's form of query ("n + ADDR") gets ARIN's record of a block
	 * "Transferred to" the registry TEXT names; any other form gets the
	 * fixture as usual (the new holder's answer)
	 */
	{ "whois-transfer",	F_WHOIS_TRANSFER, P_WHOIS, A_TEXT, 0, 0 },
};

struct fault {
	const struct kind *k;
	struct addr	 match;
	long		 num;
	const char	*text;		/* in argv */
	const char	*spec;		/* in argv */
};

static struct fault *faults;
static size_t nfaults;

/*
 * KIND:MATCH[:ARG].  MATCH is "*", [ADDR] or [ADDR/LEN], an IPv4 address
 * or network, or an IPv6 network (ADDR/LEN: the length ends it).
 */
static const char *
fault_parse(const char *spec, struct fault *f)
{
	const char *m, *end, *colon;
	struct addr a;
	size_t i, klen;
	char *e;

	memset(f, 0, sizeof(*f));
	f->spec = spec;
	if ((colon = strchr(spec, ':')) == NULL)
		return "no MATCH";
	klen = (size_t)(colon - spec);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == klen &&
		    strncmp(kinds[i].name, spec, klen) == 0)
			f->k = &kinds[i];
	if (f->k == NULL)
		return "unknown kind";
	m = colon + 1;
	if (*m == '*') {
		end = m + 1;
	} else if (*m == '[') {
		if ((end = strchr(m, ']')) == NULL ||
		    addr_parse(m + 1, (size_t)(end - m - 1), &f->match) == -1)
			return "bad [address]";
		end++;
	} else {
		end = strchr(m, ':');
		if (end == NULL)
			end = m + strlen(m);
		if (addr_parse(m, (size_t)(end - m), &a) == -1 ||
		    a.af != AF_INET) {
			if ((end = strchr(m, '/')) == NULL)
				end = m + strlen(m);
			else
				for (end++; *end >= '0' && *end <= '9'; end++)
					;
			if (addr_parse(m, (size_t)(end - m), &a) == -1)
				return "bad MATCH";
		}
		f->match = a;
	}
	addr_mask(&f->match);
	if (*end != '\0' && *end != ':')
		return "bad MATCH";
	if (*end == ':')
		end++;
	else
		end = NULL;
	switch (f->k->arg) {
	case A_NONE:
		if (end != NULL)
			return "takes no argument";
		break;
	case A_NUM:
		if (end == NULL || *end < '0' || *end > '9')
			return "needs a number";
		errno = 0;
		f->num = strtol(end, &e, 10);
		if (errno != 0 || *e != '\0' || f->num < f->k->min ||
		    f->num > f->k->max)
			return "number out of range";
		break;
	case A_TEXT:
		if (end == NULL || *end == '\0')
			return "needs an argument";
		f->text = end;
		break;
	}
	return NULL;
}

/* The most specific fault for a; "*" is the least specific of all. */
static const struct fault *
fault_find(enum proto p, const struct addr *a)
{
	const struct fault *best = NULL;
	int bestlen = -2, len;
	size_t i;

	for (i = 0; i < nfaults; i++) {
		if (faults[i].k->proto != p || !addr_within(a, &faults[i].match))
			continue;
		len = faults[i].match.af == 0 ? -1 : faults[i].match.plen;
		if (len > bestlen) {
			best = &faults[i];
			bestlen = len;
		}
	}
	return best;
}

/* How many times f has now been met by a (this one included). */
static unsigned long
fault_count(const struct fault *f, const struct addr *a)
{
	char key[ADDR_TEXT + 32], at[ADDR_TEXT];

	snprintf(key, sizeof(key), "%zu %s", (size_t)(f - faults),
	    addr_text(a, at, sizeof(at)));
	return ++*tally_at(&fault_hits, key);
}

/* TEMPLATE with each {addr} and {port} replaced. */
static char *
expand(const char *t, const char *addr, int port)
{
	FILE *m;
	char *s;
	size_t len;

	m = xmemstream(&s, &len);
	while (*t != '\0') {
		if (strncmp(t, "{addr}", 6) == 0) {
			fputs(addr, m);
			t += 6;
		} else if (strncmp(t, "{port}", 6) == 0) {
			fprintf(m, "%d", port);
			t += 6;
		} else
			fputc(*t++, m);
	}
	xmemclose(m);
	return s;
}

/* A URL's path and query: what a client asks for after connecting. */
static const char *
url_path(const char *url)
{
	const char *p;

	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)
		return url;
	p = strchr(url, ':') + 3;
	return (p = strchr(p, '/')) != NULL ? p : "/";
}

/* ---------------------------------------------------- canned answers */

static const char not_found_whois[] =
    "% No entries found for the selected source(s).\n";

static const char garbage_html[] =
    "<!DOCTYPE html>\n"
    "<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><h1>Bad Gateway</h1>\n"
    "<p>The proxy server received an invalid response from an upstream "
    "server.</p>\n<hr><address>testserver at 127.0.0.1</address>\n"
    "</body></html>\n";

static const char bad_json[] =
    "{\"rdapConformance\":[\"rdap_level_0\"],\"objectClassName\":"
    "\"ip network\",\"handle\":\"TEST-BADJSON\",\"startAddress\":\"192.0.2.0\","
    "\"endAddress\":\"192.0.2.255\",\"name\":\"TRUNCATED-NE";

static const char huge_open[] =
    "{\"rdapConformance\":[\"rdap_level_0\"],\"objectClassName\":"
    "\"ip network\",\"handle\":\"TEST-HUGE\",\"remarks\":[{\"title\":"
    "\"padding\",\"description\":[\"";
static const char huge_close[] = "\"]}]}";

static char spaces[BLOCK];		/* a huge body's filler */
static char chunk[BLOCK + 16];		/* the same as one chunk */
static size_t chunklen;
static char chunk_tail[64];		/* last chunks of a chunked huge body */
static size_t chunk_taillen;
static char junk[512];			/* whois-garbage */

static void
canned_init(void)
{
	uint32_t x = 2463534242u;
	size_t i;

	memset(spaces, ' ', sizeof(spaces));
	chunklen = (size_t)snprintf(chunk, sizeof(chunk), "%x\r\n", BLOCK);
	memcpy(chunk + chunklen, spaces, BLOCK);
	chunklen += BLOCK;
	memcpy(chunk + chunklen, "\r\n", 2);
	chunklen += 2;
	chunk_taillen = (size_t)snprintf(chunk_tail, sizeof(chunk_tail),
	    "%zx\r\n%s\r\n0\r\n\r\n", sizeof(huge_close) - 1, huge_close);
	for (i = 0; i < sizeof(junk); i++) {	/* xorshift32 */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (char)(x >> 24);
	}
}

static const char *
reason(int code)
{
	static const struct {
		int		 code;
		const char	*text;
	} r[] = {
		{ 200, "OK" },
		{ 301, "Moved Permanently" },
		{ 400, "Bad Request" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" },
	};
	size_t i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (r[i].code == code)
			return r[i].text;
	return "Status";
}

/* -------------------------------------------------------- connections */

enum cstate {
	C_READ,		/* waiting for a request */
	C_WAIT,		/* answer ready, held back by -l */
	C_WRITE,	/* sending; between two bytes of a drip if deadline set */
	C_HANG,		/* never answers: reads and drops until the peer leaves */
	C_DRAIN,	/* answered, write side shut: waits for the peer's close */
	C_DEAD
};

/* An answer: four parts sent in turn, only the first owned. */
struct resp {
	char		*head;		/* owned: status, headers, a small body */
	size_t		 headlen;
	const char	*body;		/* a fixture or a constant */
	size_t		 bodylen;
	const char	*block;		/* a constant, sent nblocks times */
	size_t		 blocklen;
	uint64_t	 nblocks;
	const char	*tail;		/* a constant */
	size_t		 taillen;
	int		 part;		/* going out: 0 head .. 3 tail, 4 done */
	size_t		 off;		/* into that part (or block) */
	uint64_t	 blocks_sent;
	long		 drip;		/* ms between bytes; 0: no drip */
	int		 close;		/* close the connection after it */
};

struct conn {
	int		 fd;
	enum proto	 proto;
	enum cstate	 state;
	int		 eof;		/* the peer has shut its side */
	int64_t		 deadline;	/* of the state; -1: none */
	uint64_t	 skip;		/* request body bytes still to drop */
	struct resp	 r;
	size_t		 inlen;
	char		 in[INBUF];
};

static struct conn **conns;
static size_t nconns, conncap;

static void
resp_free(struct resp *r)
{
	free(r->head);
	memset(r, 0, sizeof(*r));
}

static void
conn_close(struct conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->state = C_DEAD;
	resp_free(&c->r);
}

/* A reset, not a goodbye: SO_LINGER with no time sends RST. */
static void
conn_reset(struct conn *c)
{
	struct linger l = { 1, 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	conn_close(c);
}

static void
consume(struct conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->inlen - n);
	c->inlen -= n;
}

/* Hands the answer in c->r to the loop, after the latency if any. */
static void
queue(struct conn *c, int64_t now)
{
	c->state = opt.latency > 0 ? C_WAIT : C_WRITE;
	c->deadline = opt.latency > 0 ? now + opt.latency : -1;
}

/* The bytes that go out next; 0 once the answer is all sent. */
static size_t
resp_next(struct resp *r, const char **p)
{
	for (;; r->part++, r->off = 0) {
		switch (r->part) {
		case 0:
			if (r->off < r->headlen) {
				*p = r->head + r->off;
				return r->headlen - r->off;
			}
			break;
		case 1:
			if (r->off < r->bodylen) {
				*p = r->body + r->off;
				return r->bodylen - r->off;
			}
			break;
		case 2:
			if (r->blocks_sent < r->nblocks) {
				*p = r->block + r->off;
				return r->blocklen - r->off;
			}
			break;
		case 3:
			if (r->off < r->taillen) {
				*p = r->tail + r->off;
				return r->taillen - r->off;
			}
			break;
		default:
			return 0;
		}
	}
}

static void
resp_sent(struct resp *r, size_t n)
{
	r->off += n;
	if (r->part == 2 && r->off == r->blocklen) {
		r->blocks_sent++;
		r->off = 0;
	}
}

static void conn_advance(struct conn *, int64_t);

/* Answered: goodbye, or on to the next request. */
static void
resp_done(struct conn *c, int64_t now)
{
	int close_after = c->r.close;

	resp_free(&c->r);
	c->deadline = -1;
	if (!close_after) {
		c->state = C_READ;
		conn_advance(c, now);
		return;
	}
	if (c->eof) {
		conn_close(c);
		return;
	}
	/* Shut down first, then wait for the peer: closing with its bytes
	 * unread would reset the connection and could lose the answer. */
	shutdown(c->fd, SHUT_WR);
	c->state = C_DRAIN;
	c->deadline = now + DRAIN_MS;
	c->inlen = 0;
}

static void
conn_write(struct conn *c, int64_t now)
{
	const char *p;
	size_t n, turn = 0;
	ssize_t w;

	while ((n = resp_next(&c->r, &p)) > 0) {
		if (c->r.drip > 0)
			n = 1;
		else if (turn >= WRITE_TURN)
			return;		/* the others' turn; POLLOUT again */
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(c);
			return;
		}
		resp_sent(&c->r, (size_t)w);
		turn += (size_t)w;
		if (c->r.drip > 0 && resp_next(&c->r, &p) > 0) {
			c->deadline = now + c->r.drip;
			return;
		}
	}
	resp_done(c, now);
}

/* ---------------------------------------------------------------- HTTP */

struct request {
	char		 method[16];
	char		 target[HDR_MAX];	/* as sent */
	int		 nobody;		/* HEAD */
	int		 close;			/* close after the answer */
	const struct fault *fault;		/* the one that fired */
};

/* Bytes up to and including the empty line that ends a head; 0: none yet. */
static size_t
head_end(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t' ||
	    e[-1] == '\r'); e--)
		;
	*e = '\0';
	return s;
}

/* Cuts the line at h; returns the next one. */
static char *
line_cut(char *h)
{
	char *nl = strchr(h, '\n');

	*nl = '\0';
	if (nl > h && nl[-1] == '\r')
		nl[-1] = '\0';
	return nl + 1;
}

/*
 * A request head (NUL-terminated, ends in an empty line) into rq and
 * the body length to skip.  0, or the status to answer with.
 */
static int
http_parse(char *h, struct request *rq, uint64_t *length)
{
	char *line, *next, *sp1, *sp2, *v, *tok;
	int minor, keep = 0, close_hdr = 0, havelen = 0, chunked = 0;
	uint64_t len;

	rq->close = 1;
	next = line_cut(h);
	if ((sp1 = strchr(h, ' ')) == NULL || sp1 == h ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL || sp2 == sp1 + 1 ||
	    strchr(sp2 + 1, ' ') != NULL)
		return 400;
	*sp1 = *sp2 = '\0';
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		minor = 1;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		minor = 0;
	else
		return strncmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
	if ((size_t)(sp1 - h) >= sizeof(rq->method))
		return 501;			/* no such method here */
	memcpy(rq->method, h, (size_t)(sp1 - h) + 1);
	memcpy(rq->target, sp1 + 1, (size_t)(sp2 - sp1));	/* < HDR_MAX */
	rq->nobody = strcmp(h, "HEAD") == 0;
	*length = 0;
	for (line = next; *line != '\0'; line = next) {
		next = line_cut(line);
		if (*line == '\0')
			break;
		if (*line == ' ' || *line == '\t')
			return 400;		/* obsolete line folding */
		if ((v = strchr(line, ':')) == NULL || v == line ||
		    strcspn(line, " \t") < (size_t)(v - line))
			return 400;
		*v++ = '\0';
		v = trim(v);
		if (strcasecmp(line, "Connection") == 0) {
			for (tok = strtok(v, ","); tok != NULL;
			    tok = strtok(NULL, ",")) {
				tok = trim(tok);
				close_hdr |= strcasecmp(tok, "close") == 0;
				keep |= strcasecmp(tok, "keep-alive") == 0;
			}
		} else if (strcasecmp(line, "Content-Length") == 0) {
			if (*v == '\0' || strspn(v, "0123456789") != strlen(v) ||
			    strlen(v) > 18)
				return 400;
			len = strtoull(v, NULL, 10);
			if (havelen && len != *length)
				return 400;
			*length = len;
			havelen = 1;
		} else if (strcasecmp(line, "Transfer-Encoding") == 0)
			chunked = 1;
	}
	if (chunked)
		return 501;		/* request bodies: not needed here */
	rq->close = close_hdr || (minor == 0 && !keep);
	return 0;
}

/*
 * Queues an answer.  The body is borrowed (a fixture or a constant) and
 * must outlive the connection, unless copy is set.
 */
static void
http_send(struct conn *c, const struct request *rq, int code,
    const char *extra, const char *body, size_t len, int copy)
{
	FILE *m;

	resp_free(&c->r);
	m = xmemstream(&c->r.head, &c->r.headlen);
	fprintf(m, "HTTP/1.1 %d %s\r\nServer: testserver\r\n", code,
	    reason(code));
	if (len > 0)
		fprintf(m, "Content-Type: %s\r\n", rdap_type);
	fprintf(m, "Content-Length: %zu\r\n%sConnection: %s\r\n\r\n", len,
	    extra != NULL ? extra : "", rq->close ? "close" : "keep-alive");
	if (!rq->nobody && copy)
		fwrite(body, 1, len, m);
	else if (!rq->nobody) {
		c->r.body = body;
		c->r.bodylen = len;
	}
	xmemclose(m);
	c->r.close = rq->close;
	logmsg("rdap %s %s %d%s%s", rq->method, rq->target, code,
	    rq->fault != NULL ? " fault " : "",
	    rq->fault != NULL ? rq->fault->spec : "");
}

static void
http_error(struct conn *c, const struct request *rq, int code,
    const char *extra)
{
	char body[128];
	int n;

	n = snprintf(body, sizeof(body), "{\"errorCode\":%d,\"title\":\"%s\"}",
	    code, reason(code));
	http_send(c, rq, code, extra, body, (size_t)n, 1);
}

/* 200 with MB megabytes of spaces inside a JSON string, never in memory. */
static void
http_huge(struct conn *c, struct request *rq, const struct fault *f)
{
	uint64_t fill = (uint64_t)f->num * 1024 * 1024;
	size_t olen = sizeof(huge_open) - 1, clen = sizeof(huge_close) - 1;
	enum fkind k = f->k->kind;
	FILE *m;

	resp_free(&c->r);
	if (k == F_HUGE_CLOSE)
		rq->close = 1;
	m = xmemstream(&c->r.head, &c->r.headlen);
	fprintf(m, "HTTP/1.1 200 OK\r\nServer: testserver\r\n"
	    "Content-Type: %s\r\n", rdap_type);
	if (k == F_HUGE)
		fprintf(m, "Content-Length: %" PRIu64 "\r\n",
		    olen + fill + clen);
	else if (k == F_HUGE_CHUNKED)
		fputs("Transfer-Encoding: chunked\r\n", m);
	fprintf(m, "Connection: %s\r\n\r\n", rq->close ? "close" : "keep-alive");
	if (!rq->nobody) {
		c->r.nblocks = fill / BLOCK;
		if (k == F_HUGE_CHUNKED) {
			fprintf(m, "%zx\r\n%s\r\n", olen, huge_open);
			c->r.block = chunk;
			c->r.blocklen = chunklen;
			c->r.tail = chunk_tail;
			c->r.taillen = chunk_taillen;
		} else {
			fputs(huge_open, m);
			c->r.block = spaces;
			c->r.blocklen = BLOCK;
			c->r.tail = huge_close;
			c->r.taillen = clen;
		}
	}
	xmemclose(m);
	c->r.close = rq->close;
	logmsg("rdap %s %s 200 fault %s", rq->method, rq->target, f->spec);
}

static void
rdap_usual(struct conn *c, const struct request *rq, const struct addr *a)
{
	const struct fixture *fx;

	if ((fx = fixture_find(&rdap_fixtures, a)) == NULL)
		http_error(c, rq, 404, NULL);
	else
		http_send(c, rq, 200, NULL, fx->text, fx->len, 0);
}

/* Answers for fault f if it fires; 0: it does not, answer as usual. */
static int
rdap_fault(struct conn *c, struct request *rq, const struct fault *f,
    const struct addr *a, const char *raw, const char *path)
{
	char *s = NULL, *hdr;

	switch (f->k->kind) {
	case F_RATELIMIT:
		if (fault_count(f, a) > 1)
			return 0;
		break;
	case F_FLAKY:
		if (fault_count(f, a) > (unsigned long)f->num)
			return 0;
		break;
	case F_REDIRECT:
		s = expand(f->text, raw, opt.http_port);
		if (strcmp(url_path(s), path) == 0) {
			free(s);
			return 0;
		}
		break;
	default:
		break;
	}
	rq->fault = f;
	switch (f->k->kind) {
	case F_STATUS:
		http_error(c, rq, (int)f->num, NULL);
		break;
	case F_RATELIMIT:
	case F_RATELIMIT_ALWAYS:
		hdr = xasprintf("Retry-After: %ld\r\n", f->num);
		http_error(c, rq, 429, hdr);
		free(hdr);
		break;
	case F_FLAKY:
		http_error(c, rq, 503, NULL);
		break;
	case F_GARBAGE:
		http_send(c, rq, 200, NULL, garbage_html,
		    sizeof(garbage_html) - 1, 0);
		break;
	case F_BADJSON:
		http_send(c, rq, 200, NULL, bad_json, sizeof(bad_json) - 1, 0);
		break;
	case F_HUGE:
	case F_HUGE_CHUNKED:
	case F_HUGE_CLOSE:
		http_huge(c, rq, f);
		break;
	case F_DRIP:
		rdap_usual(c, rq, a);
		c->r.drip = f->num;
		break;
	case F_HANG:
		logmsg("rdap %s %s hang fault %s", rq->method, rq->target,
		    f->spec);
		c->state = C_HANG;
		break;
	case F_RESET:
		logmsg("rdap %s %s reset fault %s", rq->method, rq->target,
		    f->spec);
		conn_reset(c);
		break;
	case F_REDIRECT:
		hdr = xasprintf("Location: %s\r\n", s);
		http_send(c, rq, 301, hdr, "", 0, 0);
		free(hdr);
		free(s);
		break;
	default:
		break;
	}
	return 1;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int
pct_decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;
	int ch;

	for (i = 0; i < n; i++) {
		ch = (unsigned char)s[i];
		if (ch == '%') {
			if (i + 2 >= n ||
			    hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
				return -1;
			ch = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			i += 2;
		}
		if (ch == '\0' || o + 1 >= outlen)
			return -1;
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	return 0;
}

/* -s: /db/PATH, PATH plain (no "..", no empty part); 1 when answered. */
static int
file_route(struct conn *c, struct request *rq, const char *path, size_t plen)
{
	const struct file_fault *ff = NULL;
	char name[512], *full, *body;
	size_t len, send;
	FILE *m;

	if (opt.files == NULL || plen < 4 || memcmp(path, "/db/", 4) != 0)
		return 0;
	path += 4;
	plen -= 4;
	if (plen == 0 || plen >= sizeof(name) || path[0] == '/' ||
	    memmem(path, plen, "..", 2) != NULL ||
	    memmem(path, plen, "//", 2) != NULL) {
		http_error(c, rq, 404, NULL);
		return 1;
	}
	memcpy(name, path, plen);
	name[plen] = '\0';
	for (size_t i = 0; i < nfile_faults; i++)
		if (strcmp(file_faults[i].path, name) == 0)
			ff = &file_faults[i];
	if (ff != NULL && !ff->cut) {
		http_error(c, rq, (int)ff->n, NULL);
		return 1;
	}
	full = xasprintf("%s/%s", opt.files, name);
	body = slurp(full, &len);
	free(full);
	if (body == NULL) {
		http_error(c, rq, 404, NULL);
		return 1;
	}
	send = ff != NULL && (size_t)ff->n < len ? (size_t)ff->n : len;
	if (ff != NULL)
		rq->close = 1;
	resp_free(&c->r);
	m = xmemstream(&c->r.head, &c->r.headlen);
	fprintf(m, "HTTP/1.1 200 OK\r\nServer: testserver\r\n"
	    "Content-Type: text/csv\r\nContent-Length: %zu\r\n"
	    "Connection: %s\r\n\r\n", len, rq->close ? "close" : "keep-alive");
	if (!rq->nobody)
		fwrite(body, 1, send, m);
	xmemclose(m);
	free(body);
	c->r.close = rq->close;
	logmsg("file %s %s 200%s", rq->method, rq->target,
	    ff != NULL ? " cut" : "");
	return 1;
}

/* One request: GET [anything]/ip/ADDR[/LEN], ADDR maybe percent-encoded. */
static void
rdap_route(struct conn *c, struct request *rq)
{
	const struct fault *f;
	struct addr a;
	char raw[ADDR_TEXT], dec[ADDR_TEXT], label[256];
	const char *path, *q, *ip = NULL;
	size_t plen, rlen;

	stats.rdap_requests++;
	printable(label, rq->target, sizeof(label));
	++*tally_at(&stats.paths, label);
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		http_error(c, rq, 405, "Allow: GET, HEAD\r\n");
		return;
	}
	path = url_path(rq->target);
	plen = strcspn(path, "?#");
	if (file_route(c, rq, path, plen))
		return;
	for (q = path; (q = memmem(q, plen - (size_t)(q - path), "/ip/", 4)) !=
	    NULL; q++)
		ip = q;
	if (ip == NULL) {
		http_error(c, rq, 404, NULL);
		return;
	}
	ip += 4;
	rlen = plen - (size_t)(ip - path);
	if (rlen >= sizeof(raw) ||
	    pct_decode(ip, rlen, dec, sizeof(dec)) == -1 ||
	    addr_parse(dec, strlen(dec), &a) == -1) {
		http_error(c, rq, 400, NULL);
		return;
	}
	memcpy(raw, ip, rlen);
	raw[rlen] = '\0';
	if ((f = fault_find(P_RDAP, &a)) != NULL &&
	    rdap_fault(c, rq, f, &a, raw, path))
		return;
	rdap_usual(c, rq, &a);
}

/* Takes one request off the buffer; 0: not whole yet. */
static int
http_next(struct conn *c)
{
	struct request rq;
	char head[HDR_MAX + 1];
	size_t lead = 0, end;
	uint64_t length = 0;
	int code;

	while (lead < c->inlen && (c->in[lead] == '\r' || c->in[lead] == '\n'))
		lead++;
	consume(c, lead);
	if (c->inlen == 0)
		return 0;
	memset(&rq, 0, sizeof(rq));
	end = head_end(c->in, c->inlen < HDR_MAX ? c->inlen : HDR_MAX);
	if (end == 0 && c->inlen < HDR_MAX)
		return 0;
	if (end == 0) {
		stats.rdap_requests++;
		snprintf(rq.method, sizeof(rq.method), "?");
		rq.close = 1;
		http_error(c, &rq, 431, NULL);
		c->inlen = 0;
		return 1;
	}
	memcpy(head, c->in, end);
	head[end] = '\0';
	consume(c, end);
	if (memchr(head, '\0', end) != NULL)
		code = 400;
	else
		code = http_parse(head, &rq, &length);
	if (code != 0) {
		stats.rdap_requests++;
		rq.close = 1;
		http_error(c, &rq, code, NULL);
		return 1;
	}
	c->skip = length;
	rdap_route(c, &rq);
	return 1;
}

/* --------------------------------------------------------------- whois */

static void
whois_route(struct conn *c, const char *query)
{
	const struct fixture *fx;
	const struct fault *f = NULL;
	struct addr a;
	const char *tok;
	char label[QUERY_MAX + 1];
	size_t n;
	int ok;

	stats.whois_requests++;
	printable(label, query, sizeof(label));
	++*tally_at(&stats.queries, label);
	n = strlen(query);
	for (tok = query + n; tok > query && tok[-1] != ' ' && tok[-1] != '\t';
	    tok--)
		;
	ok = addr_parse(tok, strlen(tok), &a) == 0;
	if (ok)
		f = fault_find(P_WHOIS, &a);
	resp_free(&c->r);
	c->r.close = 1;
	if (f != NULL) {
		logmsg("whois '%s' fault %s", label, f->spec);
		switch (f->k->kind) {
		case F_WHOIS_RATELIMIT:
			c->r.head = xasprintf(
			    "%% This is a test server in the RIPE Database "
			    "style.\n%%\n%%ERROR:201: access denied for "
			    "127.0.0.1\n%%\n%% Sorry, access from your host "
			    "has been temporarily\n%% denied because of "
			    "excessive querying (testserver fault).\n\n");
			c->r.headlen = strlen(c->r.head);
			return;
		case F_WHOIS_GARBAGE:
			c->r.body = junk;
			c->r.bodylen = sizeof(junk);
			return;
		case F_WHOIS_HANG:
			c->state = C_HANG;
			return;
		case F_WHOIS_RESET:
			conn_reset(c);
			return;
		case F_WHOIS_REFERRAL: {
			char *to = expand(f->text, tok, opt.whois_port);

			c->r.head = xasprintf(
			    "#\n# Test server in the ARIN WHOIS style: "
			    "a referral and nothing else.\n#\n\n"
			    "ReferralServer:  whois://%s\n\n#\n# End of "
			    "referral (testserver fault).\n#\n", to);
			c->r.headlen = strlen(c->r.head);
			free(to);
			return;
		}
		case F_WHOIS_DRIP:
			c->r.drip = f->num;
			break;
		case F_WHOIS_TRANSFER:
			if (strncmp(query, "n + ", 4) != 0)
				break;
			c->r.head = xasprintf(
			    "#\n# Test server in the ARIN WHOIS style: "
			    "a transferred block.\n#\n\n"
			    "NetRange:       %s - %s\n"
			    "NetName:        TRANSFERRED-BLOCK\n"
			    "NetType:        Early Registrations, Transferred "
			    "to %s\n\n#\n# End (testserver fault).\n#\n",
			    tok, tok, f->text);
			c->r.headlen = strlen(c->r.head);
			return;
		default:
			break;
		}
	}
	if (ok && (fx = fixture_find(&whois_fixtures, &a)) != NULL) {
		c->r.body = fx->text;
		c->r.bodylen = fx->len;
		if (f == NULL)
			logmsg("whois '%s' found", label);
	} else {
		c->r.body = not_found_whois;
		c->r.bodylen = sizeof(not_found_whois) - 1;
		if (f == NULL)
			logmsg("whois '%s' not found", label);
	}
}

/* The query line (RFC 3912: one line, then the answer, then close). */
static int
whois_next(struct conn *c)
{
	char line[QUERY_MAX + 1];
	char *nl;
	size_t n;

	nl = memchr(c->in, '\n', c->inlen);
	if (nl != NULL)
		n = (size_t)(nl - c->in);
	else if (c->inlen >= QUERY_MAX || (c->eof && c->inlen > 0))
		n = c->inlen;
	else
		return 0;
	if (n > QUERY_MAX)
		n = QUERY_MAX;
	memcpy(line, c->in, n);
	line[n] = '\0';
	c->inlen = 0;			/* one query a connection */
	whois_route(c, trim(line));
	return 1;
}

/* ---------------------------------------------------------- the loop */

/* A request if there is a whole one; the peer gone and none: close. */
static void
conn_advance(struct conn *c, int64_t now)
{
	size_t n;

	if (c->skip > 0) {
		n = c->inlen < c->skip ? c->inlen : (size_t)c->skip;
		consume(c, n);
		c->skip -= n;
	}
	if (c->skip == 0 &&
	    (c->proto == P_RDAP ? http_next(c) : whois_next(c))) {
		if (c->state == C_READ)
			queue(c, now);
		return;
	}
	if (c->eof)
		conn_close(c);
}

static void
conn_read(struct conn *c, int64_t now)
{
	char drop[4096];
	ssize_t n;

	if (c->state == C_HANG || c->state == C_DRAIN) {
		while ((n = read(c->fd, drop, sizeof(drop))) != 0) {
			if (n > 0 || errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(c);
			return;
		}
		conn_close(c);
		return;
	}
	if (c->eof || c->inlen == INBUF)
		return;
	n = read(c->fd, c->in + c->inlen, INBUF - c->inlen);
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close(c);
		return;
	}
	if (n == 0)
		c->eof = 1;
	c->inlen += (size_t)n;
	if (c->state == C_READ)
		conn_advance(c, now);
}

static short
conn_events(const struct conn *c)
{
	short ev = !c->eof && c->inlen < INBUF ? POLLIN : 0;

	switch (c->state) {
	case C_WRITE:
		return c->deadline < 0 ? ev | POLLOUT : ev;
	case C_HANG:
	case C_DRAIN:
		return POLLIN;
	default:
		return ev;
	}
}

static void
conn_event(struct conn *c, short revents, int64_t now)
{
	if (c->state == C_DEAD)
		return;
	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		conn_close(c);
		return;
	}
	if (revents & POLLIN)
		conn_read(c, now);
	if (c->state == C_WRITE && c->deadline < 0 && (revents & POLLOUT))
		conn_write(c, now);
}

static void
timers(int64_t now)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < nconns; i++) {
		c = conns[i];
		if (c->deadline < 0 || c->deadline > now)
			continue;
		c->deadline = -1;
		switch (c->state) {
		case C_WAIT:
			c->state = C_WRITE;
			/* FALLTHROUGH */
		case C_WRITE:
			conn_write(c, now);
			break;
		case C_DRAIN:
			conn_close(c);
			break;
		default:
			break;
		}
	}
}

static void
sweep(void)
{
	size_t i, n = 0;

	for (i = 0; i < nconns; i++) {
		if (conns[i]->state == C_DEAD)
			free(conns[i]);
		else
			conns[n++] = conns[i];
	}
	nconns = n;
}

/* Takes every waiting connection; out of descriptors, pauses instead. */
static void
accept_all(int lfd, enum proto p, int64_t now, int64_t *pause)
{
	struct conn *c;
	int fd, one = 1;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				*pause = now + ACCEPT_PAUSE_MS;
			return;
		}
		/* A drip is one byte a segment, not one a delayed ACK. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->proto = p;
		c->state = C_READ;
		c->deadline = -1;
		if (nconns == conncap) {
			conncap = conncap != 0 ? 2 * conncap : 64;
			conns = xreallocarray(conns, conncap, sizeof(*conns));
		}
		conns[nconns++] = c;
		if (p == P_RDAP)
			stats.rdap_connections++;
		else
			stats.whois_connections++;
	}
}

/* ----------------------------------------------------------- outputs */

static void
write_ports(FILE *f)
{
	fprintf(f, "http=%d whois=%d\n", opt.http_port, opt.whois_port);
}

static void
write_counts(FILE *f)
{
	fprintf(f, "rdap_requests %lu\nwhois_requests %lu\n"
	    "rdap_connections %lu\nwhois_connections %lu\n",
	    stats.rdap_requests, stats.whois_requests,
	    stats.rdap_connections, stats.whois_connections);
	tally_write(f, &stats.paths, "path");
	tally_write(f, &stats.queries, "query");
}

/* Written beside, then renamed: a reader sees all of it or none. */
static int
write_atomic(const char *path, void (*fill)(FILE *))
{
	char *tmp;
	FILE *f;
	int bad;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		warn("%s", tmp);
		free(tmp);
		return -1;
	}
	fill(f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, path) == -1) {
		warn("%s", path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static void
dump_counts(void)
{
	if (opt.countfile != NULL)
		write_atomic(opt.countfile, write_counts);
}

/* ------------------------------------------------------------- main */

static int
listen_local(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;			/* the kernel picks */
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind 127.0.0.1");
	if (listen(fd, SOMAXCONN) == -1)
		err(1, "listen");
	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "getsockname");
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Serves until a signal or the time limit: 0, or 2 at the limit. */
static int
serve(int lh, int lw, const sigset_t *mask)
{
	struct pollfd *pfd = NULL;
	struct timespec ts;
	size_t npfd, built, i, base;
	int64_t now, wake, until, pause = -1;
	int status = 0, listening;

	until = now_ms() + opt.limit * 1000;
	for (;;) {
		if (got_stop)
			break;
		if (got_dump) {
			got_dump = 0;
			dump_counts();
		}
		now = now_ms();
		if (now >= until) {
			warnx("time limit of %ld s reached", opt.limit);
			status = 2;
			break;
		}
		timers(now);
		sweep();
		pfd = xreallocarray(pfd, nconns + 2, sizeof(*pfd));
		wake = until;
		npfd = 0;
		if ((listening = pause <= now)) {
			pfd[npfd].fd = lh;
			pfd[npfd++].events = POLLIN;
			pfd[npfd].fd = lw;
			pfd[npfd++].events = POLLIN;
		} else if (pause < wake)
			wake = pause;
		base = npfd;
		for (i = 0; i < nconns; i++) {
			pfd[npfd].fd = conns[i]->fd;
			pfd[npfd++].events = conn_events(conns[i]);
			if (conns[i]->deadline >= 0 && conns[i]->deadline < wake)
				wake = conns[i]->deadline;
		}
		built = nconns;
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(wake / 1000);
		ts.tv_nsec = (long)(wake % 1000) * 1000000;
		if (ppoll(pfd, npfd, &ts, mask) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "ppoll");
		}
		now = now_ms();
		for (i = 0; i < built; i++)
			conn_event(conns[i], pfd[base + i].revents, now);
		if (listening && (pfd[0].revents & POLLIN))
			accept_all(lh, P_RDAP, now, &pause);
		if (listening && (pfd[1].revents & POLLIN))
			accept_all(lw, P_WHOIS, now, &pause);
	}
	free(pfd);
	return status;
}

/* Room for many slow connections: the soft descriptor limit up to the hard. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ?
	    65536 : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static long
number(const char *s, const char *what, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		errx(1, "%s: %s: not a number from %ld to %ld", what, s, min,
		    max);
	return n;
}

/* --file-fault PATH:KIND:N */
static void
file_fault_parse(const char *spec)
{
	const char *k = strchr(spec, ':'), *n = k ? strchr(k + 1, ':') : NULL;
	struct file_fault ff;

	if (k == NULL || n == NULL || k == spec)
		errx(1, "--file-fault %s: PATH:cut:BYTES or PATH:status:CODE",
		    spec);
	if ((size_t)(n - k - 1) == 3 && strncmp(k + 1, "cut", 3) == 0)
		ff.cut = 1;
	else if ((size_t)(n - k - 1) == 6 && strncmp(k + 1, "status", 6) == 0)
		ff.cut = 0;
	else
		errx(1, "--file-fault %s: kind cut or status", spec);
	ff.n = number(n + 1, "--file-fault", ff.cut ? 0 : 100,
	    ff.cut ? FIXTURE_MAX : 599);
	ff.path = xasprintf("%.*s", (int)(k - spec), spec);
	file_faults = xreallocarray(file_faults, nfile_faults + 1,
	    sizeof(*file_faults));
	file_faults[nfile_faults++] = ff;
}

static void __attribute__((noreturn))
usage(void)
{
	size_t i;

	fprintf(stderr, "usage: testserver [-v] [-c countfile] "
	    "[-d fixture_dir] [-l latency_ms]\n"
	    "\t[-p portfile] [-s dir] [-t seconds] [--fault kind:match[:arg]] ...\n"
	    "\t[--file-fault path:cut|status:n] ...\n"
	    "fault kinds:");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(stderr, " %s", kinds[i].name);
	fputc('\n', stderr);
	exit(1);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "fault", required_argument, NULL, 'f' },
		{ "file-fault", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa;
	struct stat st;
	sigset_t block, mask;
	const char *why;
	pid_t parent = getppid();
	size_t i;
	int ch, lh, lw, status;

#ifdef __linux__
	/* Dies with its parent; and if the parent is already gone, now. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		err(1, "prctl");
	if (getppid() != parent)
		errx(1, "parent gone");
#else
	(void)parent;
#endif
	while ((ch = getopt_long(argc, argv, "c:d:l:p:s:t:vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			opt.countfile = optarg;
			break;
		case 'd':
			opt.dir = optarg;
			break;
		case 'f':
			faults = xreallocarray(faults, nfaults + 1,
			    sizeof(*faults));
			if ((why = fault_parse(optarg, &faults[nfaults])) != NULL)
				errx(1, "--fault %s: %s", optarg, why);
			nfaults++;
			break;
		case 'l':
			opt.latency = number(optarg, "-l", 0, 600000);
			break;
		case 'p':
			opt.portfile = optarg;
			break;
		case 's':
			opt.files = optarg;
			break;
		case 'F':
			file_fault_parse(optarg);
			break;
		case 't':
			opt.limit = number(optarg, "-t", 1, 86400);
			break;
		case 'v':
			opt.verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	/* A backstop for the backstop: -t is checked by the loop. */
	alarm((unsigned)opt.limit + 5);
	raise_nofile();
	canned_init();
	if (stat(opt.dir, &st) == -1)
		err(1, "%s", opt.dir);
	if (!S_ISDIR(st.st_mode))
		errx(1, "%s: not a directory", opt.dir);
	fixtures_load(&rdap_fixtures, "rdap", ".json");
	fixtures_load(&whois_fixtures, "whois", ".txt");

	/* The signals wait, blocked, for ppoll: none is lost between the
	 * check of its flag and the wait. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &block, &mask) == -1)
		err(1, "sigprocmask");
	sigdelset(&mask, SIGTERM);
	sigdelset(&mask, SIGINT);
	sigdelset(&mask, SIGUSR1);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGUSR1, &sa, NULL) == -1)
		err(1, "sigaction");
	signal(SIGPIPE, SIG_IGN);

	lh = listen_local(&opt.http_port);
	lw = listen_local(&opt.whois_port);
	if (opt.portfile != NULL) {
		if (write_atomic(opt.portfile, write_ports) == -1)
			exit(1);
	} else {
		write_ports(stdout);
		fflush(stdout);
	}
	logmsg("http=%d whois=%d, %zu rdap and %zu whois fixtures, %zu faults",
	    opt.http_port, opt.whois_port, rdap_fixtures.n, whois_fixtures.n,
	    nfaults);

	status = serve(lh, lw, &mask);

	close(lh);
	close(lw);
	for (i = 0; i < nconns; i++) {
		conn_close(conns[i]);
		free(conns[i]);
	}
	free(conns);
	dump_counts();
	fixtures_free(&rdap_fixtures);
	fixtures_free(&whois_fixtures);
	tally_free(&stats.paths);
	tally_free(&stats.queries);
	tally_free(&fault_hits);
	free(faults);
	for (i = 0; i < nfile_faults; i++)
		free(file_faults[i].path);
	free(file_faults);
	return status;
}
