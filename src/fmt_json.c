/*
 * JSON-lines logs: Caddy's access log, Traefik's (in JSON, and in its
 * Common Log Format, which is combined with three fields more), and any
 * JSON log whose client field --json-field names.
 *
 * Each line is first read by a scanner of our own that checks the whole
 * line against the JSON grammar without building anything, keeping where
 * the few values it wants are (by their paths, as path_get() walks one):
 * jansson builds a tree of the line, a dozen allocations, five times as
 * slow.  The scanner takes only lines it can vouch for; one with anything
 * it does not read itself (an escape in a key or in a value it wants, a
 * byte past ASCII, a number with an exponent, a key twice, a line too
 * deep) goes to jansson, which decides, so both read every line alike.
 *
 * jansson reads a line only after a cheap scan has found it to be one
 * object, at most LINE_MAX_LEN bytes and DEPTH_MAX levels deep: jansson
 * recurses once per level.  Every value it makes is freed before the
 * scanner returns.  What the hit keeps points into the line, or, for an
 * X-Forwarded-For value (JSON escapes it, Caddy splits it by header
 * line), into the context's json_xff.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

#define DEPTH_MAX	32	/* objects and arrays inside each other */
#define KEY_MAX		256	/* bytes of a --json-field key */

/*
 * A key twice in one object rejects the line: which one its writer meant
 * cannot be known.  Numbers are all read as doubles, so that an integer
 * past 2^63 in some field is no reason to lose the line.
 */
#define LOAD_FLAGS	(JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL)

/*
 * Is [p, end) one JSON object, at most DEPTH_MAX deep, short enough?
 * Brackets inside strings do not count; whatever else is wrong with the
 * line jansson finds.
 */
static int
object_shape(const char *p, const char *end)
{
	int depth = 0;

	if (end - p > LINE_MAX_LEN)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != '{')
		return 0;
	for (; p < end; p++) {
		switch (*p) {
		case '"':
			/* To the closing quote; an escape is two bytes. */
			while (++p < end && *p != '"')
				if (*p == '\\' && ++p == end)
					return 0;
			if (p == end)
				return 0;
			break;
		case '{':
		case '[':
			if (++depth > DEPTH_MAX)
				return 0;
			break;
		case '}':
		case ']':
			if (--depth < 0)
				return 0;
			break;
		}
	}
	return 1;
}

/* The line as a JSON object, or NULL.  The caller frees it. */
static json_t *
load_object(const char *p, const char *end)
{
	if (!object_shape(p, end))
		return NULL;
	/* It starts with '{' and jansson wants nothing after the value:
	 * what comes back is an object. */
	return json_loadb(p, (size_t)(end - p), LOAD_FLAGS, NULL);
}

/* ASCII letters compared without case; the rest as they are. */
static int
same_nocase(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a;
		char y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* A member whose name is key in any case (HTTP header names), or NULL. */
static json_t *
member_nocase(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	const char *k;

	if (v != NULL || !json_is_object(obj))
		return v;
	json_object_foreach(obj, k, v)
		if (same_nocase(k, key))
			return v;
	return NULL;
}

/* A string holding an address ("a.b.c.d", "[v6]:port", ...) into *ip. */
static int
text_ip(const json_t *v, struct ip *ip)
{
	if (!json_is_string(v))
		return -1;
	return ip_token(json_string_value(v), json_string_length(v), ip);
}

/* A size: not negative, below 2^64 (fractions cut off); -1: none. */
static int
double_bytes(double d, struct hit *h)
{
	if (!(d >= 0 && d < 18446744073709551616.0))
		return -1;
	h->bytes = (uint64_t)d;
	h->has_bytes = 1;
	return 0;
}

/* A number as a size (double_bytes). */
static int
number_bytes(const json_t *v, struct hit *h)
{
	if (!json_is_number(v))
		return -1;
	return double_bytes(json_number_value(v), h);
}

/*
 * Seconds since the epoch from a count of seconds, milliseconds,
 * microseconds or nanoseconds, told apart by size: below 1e11 (the year
 * 5138 in seconds, 1973 in milliseconds) it is seconds, below 1e14
 * milliseconds, below 1e17 microseconds, else nanoseconds.  0: none, or
 * before 1e8 seconds (1973), which no log of today's means.
 */
static int64_t
epoch_of(double d)
{
	static const double unit[] = { 1, 1e3, 1e6, 1e9 };
	size_t i = 0;

	/* One division, rounded once: 1710072000999999 us is still in
	 * second 1710072000. */
	while (i < sizeof(unit) / sizeof(unit[0]) - 1 && d >= 1e11 * unit[i])
		i++;
	d /= unit[i];
	if (!(d >= 1e8 && d < 1e11))
		return 0;
	return (int64_t)d;
}

/* "1646861401", "1646861401.52", "1646861401524": epoch_of, or 0.  The
 * fraction cannot change the whole seconds, so it is only skipped. */
static int64_t
epoch_text(const char *s, size_t n)
{
	double d = 0;
	size_t i = 0;

	while (i < n && i < 20 && s[i] >= '0' && s[i] <= '9')
		d = d * 10 + (s[i++] - '0');
	if (i == 0)
		return 0;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
	return i == n ? epoch_of(d) : 0;
}

/* Go's "wall" times, as Caddy writes them: "2006/01/02 15:04:05.000",
 * no zone. */
static int64_t
time_wall(const char *s, size_t n, struct syslog_clock *clock)
{
	char iso[19];

	if (n < 19 || s[4] != '/' || s[7] != '/')
		return 0;
	memcpy(iso, s, sizeof(iso));
	iso[4] = iso[7] = '-';
	return time_iso(iso, sizeof(iso), NULL, clock);
}

/*
 * A time written as text: epoch seconds (or milli-, micro-, nanoseconds)
 * in digits, a wall time, CLF, ISO 8601; with a clock, syslog too.  A
 * time without a zone is local with a clock, UTC without one.
 */
static int64_t
time_text(const char *s, size_t n, struct syslog_clock *clock)
{
	int64_t t;

	if ((t = epoch_text(s, n)) != 0 || (t = time_wall(s, n, clock)) != 0)
		return t;
	if (clock != NULL)
		return time_any(s, n, clock);
	if (n >= 26 && s[2] == '/')
		return time_clf(s, n);
	return time_iso(s, n, NULL, NULL);
}

/* A time as a number (epoch_of) or as text (time_text); 0: none. */
static int64_t
value_time(const json_t *v, struct syslog_clock *clock)
{
	if (json_is_number(v))
		return epoch_of(json_number_value(v));
	if (json_is_string(v))
		return time_text(json_string_value(v), json_string_length(v),
		    clock);
	return 0;
}

/*
 * An X-Forwarded-For value for the hit, into ctx->json_xff: a string, or
 * an array of them (one per header line) joined with ", ".  It is built
 * from the right: past the buffer, the right-most entries are kept whole,
 * as those are the ones our own proxies wrote and --client xff reads.
 */
static void
xff_value(struct logctx *ctx, json_t *v, struct hit *h)
{
	char *const end = ctx->json_xff + sizeof(ctx->json_xff);
	char *start = end;
	size_t n = json_is_array(v) ? json_array_size(v) : 1;

	for (size_t i = n; i-- > 0;) {
		json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
		const char *s, *comma;
		size_t len, room;

		if (!json_is_string(e))
			continue;
		s = json_string_value(e);
		len = json_string_length(e);
		if (start != end) {
			if (start - ctx->json_xff < 3)
				break;
			start -= 2;
			memcpy(start, ", ", 2);
		}
		room = (size_t)(start - ctx->json_xff);
		if (len <= room) {
			start -= len;
			memcpy(start, s, len);
			continue;
		}
		/* Too long: the entries after a comma in its last bytes. */
		comma = memchr(s + len - room, ',', room);
		if (comma != NULL && comma + 1 < s + len) {
			len = (size_t)(s + len - (comma + 1));
			start -= len;
			memcpy(start, comma + 1, len);
		} else if (start != end)
			start += 2;
		break;
	}
	if (start != end) {
		h->xff = start;
		h->xff_len = (size_t)(end - start);
	}
}

/* --- the scanner of our own --------------------------------------------- */

enum jtype { JT_NONE, JT_STRING, JT_NUMBER, JT_OBJECT, JT_ARRAY, JT_TRUE,
	JT_FALSE, JT_NULL };

/* A value the scanner kept: JT_NONE when the key was not there. */
struct jval {
	enum jtype type;
	const char *s;		/* a string's bytes inside its quotes, or a
				   number's digits */
	size_t	 n;
	int	 escaped;	/* a string with a backslash in it */
};

/*
 * A value to keep, by its path from the root, as path_get() walks one:
 * a segment is an object's key, or (all digits, under ten of them) an
 * array's element.
 */
#define SEGS_MAX	8
#define PATHS_MAX	8

struct jseg {
	const char *s;
	size_t	 n;
	long	 index;		/* an array element's number; -1 none */
};

struct jpath {
	struct jseg seg[SEGS_MAX];
	int	 nseg;
};

struct jwant {
	const struct jpath *paths;
	int	 npaths;
	struct jval *vals;	/* [npaths] */
};

#define KEYS_MAX	48	/* keys of one object checked for twins */
#define NUMBER_MAX	40	/* a number's bytes read here */

struct jscan {
	const char *p, *end;
	const struct jwant *want;
};

static void
skip_space(struct jscan *js)
{
	while (js->p < js->end && (*js->p == ' ' || *js->p == '\t' ||
	    *js->p == '\n' || *js->p == '\r'))
		js->p++;
}

static int
hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = p[i], d = c >= '0' && c <= '9' ? c - '0' :
		    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * A string at js->p (its opening quote): its bytes into v.  -1 when it
 * is not one this scanner vouches for: a byte past ASCII (jansson checks
 * UTF-8), a control byte, a bad escape, or \u0000 and surrogates (jansson
 * refuses the one and pairs the others).
 */
static int
j_string(struct jscan *js, struct jval *v)
{
	const char *p = js->p + 1;

	v->type = JT_STRING;
	v->s = p;
	v->escaped = 0;
	for (; p < js->end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"') {
			v->n = (size_t)(p - v->s);
			js->p = p + 1;
			return 0;
		}
		if (c < 0x20 || c >= 0x80)
			return -1;
		if (c != '\\')
			continue;
		v->escaped = 1;
		if (++p == js->end)
			return -1;
		if (*p == 'u') {
			int u;

			if (js->end - p < 5 || (u = hex4(p + 1)) <= 0 ||
			    (u >= 0xd800 && u <= 0xdfff))
				return -1;
			p += 4;
		} else if (strchr("\"\\/bfnrt", *p) == NULL || *p == '\0')
			return -1;
	}
	return -1;
}

/*
 * A number as JSON writes one.  With JSON_DECODE_INT_AS_REAL jansson
 * reads each with strtod and refuses one past a double's range: here a
 * long one, or one with an exponent, is left to jansson.
 */
static int
j_number(struct jscan *js, struct jval *v)
{
	const char *p = js->p;

	v->type = JT_NUMBER;
	v->s = p;
	if (p < js->end && *p == '-')
		p++;
	if (p == js->end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0')
		p++;
	else
		while (p < js->end && *p >= '0' && *p <= '9')
			p++;
	if (p < js->end && *p == '.') {
		if (++p == js->end || *p < '0' || *p > '9')
			return -1;
		while (p < js->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < js->end && (*p == 'e' || *p == 'E'))
		return -1;
	v->n = (size_t)(p - v->s);
	if (v->n >= NUMBER_MAX)
		return -1;
	js->p = p;
	return 0;
}

static int
j_word(struct jscan *js, const char *word, enum jtype type, struct jval *v)
{
	size_t n = strlen(word);

	if ((size_t)(js->end - js->p) < n || memcmp(js->p, word, n) != 0)
		return -1;
	v->type = type;
	js->p += n;
	return 0;
}

static int j_value(struct jscan *, int, struct jval *, unsigned);

/*
 * The value at js->p of the member or element matched by the paths in
 * mask whose segment at this depth is its name (same() says which):
 * kept for the paths that end here, followed for the others.
 */
static int
j_member(struct jscan *js, int depth, unsigned mask,
    int (*same)(const struct jseg *, const void *), const void *name)
{
	const struct jwant *w = js->want;
	unsigned next = 0, ends = 0;
	struct jval v;

	for (int p = 0; p < w->npaths; p++) {
		if (!(mask & 1u << p) ||
		    !same(&w->paths[p].seg[depth - 1], name))
			continue;
		if (w->paths[p].nseg == depth)
			ends |= 1u << p;
		else
			next |= 1u << p;
	}
	if (j_value(js, depth, &v, next) == -1)
		return -1;
	for (int p = 0; p < w->npaths; p++)
		if (ends & 1u << p)
			w->vals[p] = v;
	return 0;
}

static int
same_key(const struct jseg *seg, const void *name)
{
	const struct jval *k = name;

	return seg->n == k->n && memcmp(seg->s, k->s, k->n) == 0;
}

static int
same_index(const struct jseg *seg, const void *name)
{
	return seg->index == *(const long *)name;
}

/*
 * Past an opening bracket: 1 when the closing one follows (empty), 0
 * when a member or an element does.
 */
static int
j_open(struct jscan *js, char close)
{
	js->p++;
	skip_space(js);
	if (js->p < js->end && *js->p == close) {
		js->p++;
		return 1;
	}
	return 0;
}

/*
 * After a member or an element: 1 past the closing bracket, 0 past a
 * comma (another one follows), -1 for anything else.
 */
static int
j_next(struct jscan *js, char close)
{
	skip_space(js);
	if (js->p == js->end)
		return -1;
	if (*js->p == close) {
		js->p++;
		return 1;
	}
	if (*js->p++ != ',')
		return -1;
	skip_space(js);
	return 0;
}

/*
 * An object at js->p, at depth (the root's is 1); mask: the paths that
 * have come this far.
 */
static int
j_object(struct jscan *js, int depth, unsigned mask)
{
	const char *key[KEYS_MAX];
	size_t klen[KEYS_MAX];
	int nkeys = 0, r;

	if (j_open(js, '}'))
		return 0;
	for (;;) {
		struct jval k;

		if (js->p == js->end || *js->p != '"' ||
		    j_string(js, &k) == -1 || k.escaped || nkeys == KEYS_MAX)
			return -1;
		for (int i = 0; i < nkeys; i++)
			if (klen[i] == k.n && memcmp(key[i], k.s, k.n) == 0)
				return -1;	/* jansson refuses the line */
		key[nkeys] = k.s;
		klen[nkeys++] = k.n;
		skip_space(js);
		if (js->p == js->end || *js->p++ != ':')
			return -1;
		skip_space(js);
		if (j_member(js, depth, mask, same_key, &k) == -1 ||
		    (r = j_next(js, '}')) == -1)
			return -1;
		if (r == 1)
			return 0;
	}
}

static int
j_array(struct jscan *js, int depth, unsigned mask)
{
	long i = 0;
	int r;

	if (j_open(js, ']'))
		return 0;
	for (;; i++) {
		if (j_member(js, depth, mask, same_index, &i) == -1 ||
		    (r = j_next(js, ']')) == -1)
			return -1;
		if (r == 1)
			return 0;
	}
}

/*
 * A value at js->p, at depth (of the object or array holding it); mask:
 * the paths that go on inside it.
 */
static int
j_value(struct jscan *js, int depth, struct jval *v, unsigned mask)
{
	if (js->p == js->end)
		return -1;
	switch (*js->p) {
	case '{':
		if (depth + 1 > DEPTH_MAX)
			return -1;
		v->type = JT_OBJECT;
		return j_object(js, depth + 1, mask);
	case '[':
		if (depth + 1 > DEPTH_MAX)
			return -1;
		v->type = JT_ARRAY;
		return j_array(js, depth + 1, mask);
	case '"':
		return j_string(js, v);
	case 't':
		return j_word(js, "true", JT_TRUE, v);
	case 'f':
		return j_word(js, "false", JT_FALSE, v);
	case 'n':
		return j_word(js, "null", JT_NULL, v);
	default:
		return j_number(js, v);
	}
}

/*
 * The line as one object the scanner vouches for, the wanted values in
 * want (JT_NONE: not there); -1 when jansson must read it.
 */
static int
j_line(const char *p, const char *end, const struct jwant *want)
{
	struct jscan js = { p, end, want };

	for (int i = 0; i < want->npaths; i++)
		want->vals[i].type = JT_NONE;
	if (end - p > LINE_MAX_LEN)
		return -1;
	while (js.p < end && (*js.p == ' ' || *js.p == '\t'))
		js.p++;
	if (js.p == end || *js.p != '{' ||
	    j_object(&js, 1, (1u << want->npaths) - 1) == -1)
		return -1;
	skip_space(&js);
	return js.p == end ? 0 : -1;
}

/* A string value's text, unless an escape would change it (-1). */
static int
j_text(const struct jval *v, const char **s, size_t *n)
{
	if (v->type != JT_STRING || v->escaped)
		return -1;
	*s = v->s;
	*n = v->n;
	return 0;
}

/* A number's value as jansson reads it (strtod). */
static double
j_double(const struct jval *v)
{
	char buf[NUMBER_MAX];

	memcpy(buf, v->s, v->n);
	buf[v->n] = '\0';
	return strtod(buf, NULL);
}

/*
 * Caddy's own loggers, by the first part of their name: the admin API,
 * the HTTP app (its access and error logs, handlers, automatic HTTPS),
 * TLS and certificates, the local CA, events.
 */
static const char *const caddy_loggers[] = {
	"admin", "events", "http", "pki", "tls",
};

/*
 * A line from one of Caddy's loggers that names no new client: the
 * server's news, or a request its access log has too.  Lines without a
 * logger's name are any program's, as far as the line says.
 */
static int
caddy_news(json_t *root)
{
	json_t *logger = json_object_get(root, "logger");
	const char *name;
	size_t len;

	if (!json_is_string(logger) ||
	    !json_is_string(json_object_get(root, "msg")) ||
	    json_object_get(root, "ts") == NULL)
		return 0;
	name = json_string_value(logger);
	len = strcspn(name, ".");
	for (size_t i = 0; i < sizeof(caddy_loggers) /
	    sizeof(caddy_loggers[0]); i++)
		if (strlen(caddy_loggers[i]) == len &&
		    memcmp(name, caddy_loggers[i], len) == 0)
			return 1;
	return 0;
}

/*
 * Where Caddy writes the client, in the order to believe it: client_ip,
 * the client behind its trusted_proxies (2.7 on), remote_ip, the peer
 * (2.5 on), and remote_addr, the peer as "ip:port" (before 2.5).
 */
static const char *const caddy_clients[] = {
	"client_ip", "remote_ip", "remote_addr",
};

static int
caddy_client(json_t *req, struct ip *ip)
{
	for (size_t i = 0; i < sizeof(caddy_clients) /
	    sizeof(caddy_clients[0]); i++)
		if (text_ip(json_object_get(req, caddy_clients[i]), ip) == 0)
			return 0;
	return -1;
}

/*
 * Caddy's access loggers are "http.log.access" and the ones under it
 * ("http.log.access.log0").  Others, the error log's and the reverse
 * proxy's, repeat a request the access log has: they name no new hit.
 */
static int
access_logger(const json_t *logger)
{
	static const char prefix[] = "http.log.access";

	return logger == NULL || (json_is_string(logger) &&
	    strncmp(json_string_value(logger), prefix, sizeof(prefix) - 1) ==
	    0);
}

static enum fit
caddy_line(struct logctx *ctx, json_t *root, struct hit *h)
{
	json_t *req = json_object_get(root, "request");
	int exact = 1;

	if (!json_is_object(req) ||
	    !access_logger(json_object_get(root, "logger")))
		return caddy_news(root) ? FIT_NOCLIENT : FIT_NONE;
	if (caddy_client(req, &h->ip) == -1)
		return FIT_NONE;
	/* Zone-less times are UTC: Caddy's default (no time_local). */
	if ((h->when = value_time(json_object_get(root, "ts"), NULL)) == 0)
		exact = 0;
	if (number_bytes(json_object_get(root, "size"), h) == -1)
		exact = 0;
	if (ctx->want_xff) {
		json_t *xff = member_nocase(json_object_get(req, "headers"),
		    "X-Forwarded-For");

		if (xff != NULL)
			xff_value(ctx, xff, h);
	}
	return exact ? FIT_EXACT : FIT_PARTIAL;
}

/* The values Caddy's lines are read by, for the scanner of our own. */
enum { CK_REQUEST, CK_LOGGER, CK_MSG, CK_TS, CK_SIZE, CK_CLIENT_IP,
	CK_REMOTE_IP, CK_REMOTE_ADDR, CK_MAX };

#define SEG(key)	{ key, sizeof(key) - 1, -1 }

/* The clients in caddy_clients' order. */
static const struct jpath caddy_paths[CK_MAX] = {
	[CK_REQUEST] = { { SEG("request") }, 1 },
	[CK_LOGGER] = { { SEG("logger") }, 1 },
	[CK_MSG] = { { SEG("msg") }, 1 },
	[CK_TS] = { { SEG("ts") }, 1 },
	[CK_SIZE] = { { SEG("size") }, 1 },
	[CK_CLIENT_IP] = { { SEG("request"), SEG("client_ip") }, 2 },
	[CK_REMOTE_IP] = { { SEG("request"), SEG("remote_ip") }, 2 },
	[CK_REMOTE_ADDR] = { { SEG("request"), SEG("remote_addr") }, 2 },
};

/* A time as value_time() reads it; -1 when jansson must read it. */
static int
j_time(const struct jval *v, struct syslog_clock *clock, int64_t *t)
{
	const char *s;
	size_t n;

	*t = 0;
	if (v->type == JT_NUMBER)
		*t = epoch_of(j_double(v));
	else if (v->type == JT_STRING) {
		if (j_text(v, &s, &n) == -1)
			return -1;
		*t = time_text(s, n, clock);
	}
	return 0;
}

/* A size as number_bytes() reads it: 0, or -1 for none. */
static int
j_bytes(const struct jval *v, struct hit *h)
{
	if (v->type != JT_NUMBER)
		return -1;
	return double_bytes(j_double(v), h);
}

/* caddy_news() on the scanner's values; -1: jansson must read it. */
static int
caddy_news_fast(const struct jval *v)
{
	const char *name;
	size_t n, len;

	if (v[CK_LOGGER].type != JT_STRING || v[CK_MSG].type != JT_STRING ||
	    v[CK_TS].type == JT_NONE)
		return 0;
	if (j_text(&v[CK_LOGGER], &name, &n) == -1)
		return -1;
	for (len = 0; len < n && name[len] != '.'; len++)
		;
	for (size_t i = 0; i < nitems(caddy_loggers); i++)
		if (strlen(caddy_loggers[i]) == len &&
		    memcmp(name, caddy_loggers[i], len) == 0)
			return 1;
	return 0;
}

/*
 * caddy_line() on the scanner's values, into *fit; -1 when the line is
 * one for jansson.
 */
static int
caddy_fast(const char *p, const char *end, struct hit *h, enum fit *fit)
{
	static const char prefix[] = "http.log.access";
	struct jval v[CK_MAX];
	struct jwant want = { caddy_paths, CK_MAX, v };
	const char *s;
	size_t n;
	int news, got = 0, exact = 1;

	if (j_line(p, end, &want) == -1)
		return -1;
	if (v[CK_LOGGER].type != JT_NONE && (v[CK_LOGGER].type != JT_STRING ||
	    j_text(&v[CK_LOGGER], &s, &n) == -1 || n < sizeof(prefix) - 1 ||
	    memcmp(s, prefix, sizeof(prefix) - 1) != 0)) {
		if (v[CK_LOGGER].type == JT_STRING && v[CK_LOGGER].escaped)
			return -1;
		goto news;
	}
	if (v[CK_REQUEST].type != JT_OBJECT)
		goto news;
	for (int i = CK_CLIENT_IP; i <= CK_REMOTE_ADDR && !got; i++) {
		if (v[i].type != JT_STRING)
			continue;
		if (j_text(&v[i], &s, &n) == -1)
			return -1;
		got = ip_token(s, n, &h->ip) == 0;
	}
	if (!got) {
		*fit = FIT_NONE;
		return 0;
	}
	if (j_time(&v[CK_TS], NULL, &h->when) == -1)
		return -1;
	if (h->when == 0)
		exact = 0;
	if (j_bytes(&v[CK_SIZE], h) == -1)
		exact = 0;
	*fit = exact ? FIT_EXACT : FIT_PARTIAL;
	return 0;
news:
	if ((news = caddy_news_fast(v)) == -1)
		return -1;
	*fit = news ? FIT_NOCLIENT : FIT_NONE;
	return 0;
}

/*
 * Caddy v2's JSON access log: {"level":"info","ts":1646861401.52,
 * "logger":"http.log.access.log0","msg":"handled request","request":
 * {"remote_ip":...,"client_ip":...,"headers":{...}},...,"size":10900,
 * "status":200}.
 */
enum fit
scan_caddy(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	json_t *root;
	enum fit fit;

	if (!ctx->want_xff && !ctx->json_slow &&
	    caddy_fast(p, end, h, &fit) == 0)
		return fit;
	if ((root = load_object(p, end)) == NULL)
		return FIT_NONE;
	fit = caddy_line(ctx, root, h);
	json_decref(root);
	return fit;
}

/*
 * Traefik's X-Forwarded-For: the header's own field when the access log
 * keeps headers (it drops them by default), else ClientHost, where
 * Traefik copies the header's whole value when there is one.
 */
static void
traefik_xff(struct logctx *ctx, json_t *root, json_t *host, struct hit *h)
{
	json_t *xff = member_nocase(root, "request_X-Forwarded-For");
	struct ip ip;

	if (xff != NULL)
		xff_value(ctx, xff, h);
	else if (json_is_string(host) &&
	    (text_ip(host, &ip) == -1 || ip_cmp(&ip, &h->ip) != 0))
		xff_value(ctx, host, h);
}

static enum fit
traefik_line(struct logctx *ctx, json_t *root, struct hit *h)
{
	json_t *addr = json_object_get(root, "ClientAddr");
	json_t *host = json_object_get(root, "ClientHost");
	json_t *start = json_object_get(root, "StartUTC");
	int exact = 1;

	/*
	 * No client field: Traefik's own log, when it shares the stream
	 * ({"level":"info","msg":"...","time":"..."}), looks like any
	 * program's, so it is rejected like any other line.
	 */
	if (addr == NULL && host == NULL)
		return FIT_NONE;
	/*
	 * ClientAddr is the connection's peer, "ip:port".  ClientHost is
	 * its address, unless the request had an X-Forwarded-For header:
	 * then it is that header's value, which whoever sent it wrote.  It
	 * stands in for the peer only when ClientAddr was dropped.
	 */
	if (text_ip(addr != NULL ? addr : host, &h->ip) == -1)
		return FIT_NONE;
	if (start == NULL)
		start = json_object_get(root, "StartLocal");
	if ((h->when = value_time(start, NULL)) == 0)
		exact = 0;
	if (number_bytes(json_object_get(root, "DownstreamContentSize"),
	    h) == -1)
		exact = 0;
	if (ctx->want_xff)
		traefik_xff(ctx, root, addr != NULL ? host : NULL, h);
	return exact ? FIT_EXACT : FIT_PARTIAL;
}

enum { TK_ADDR, TK_HOST, TK_UTC, TK_LOCAL, TK_SIZE, TK_MAX };

static const struct jpath traefik_paths[TK_MAX] = {
	[TK_ADDR] = { { SEG("ClientAddr") }, 1 },
	[TK_HOST] = { { SEG("ClientHost") }, 1 },
	[TK_UTC] = { { SEG("StartUTC") }, 1 },
	[TK_LOCAL] = { { SEG("StartLocal") }, 1 },
	[TK_SIZE] = { { SEG("DownstreamContentSize") }, 1 },
};

/* traefik_line() on the scanner's values; -1: one for jansson. */
static int
traefik_fast(const char *p, const char *end, struct hit *h, enum fit *fit)
{
	struct jval v[TK_MAX];
	struct jwant want = { traefik_paths, TK_MAX, v };
	const struct jval *client, *start;
	const char *s;
	size_t n;
	int exact = 1;

	if (j_line(p, end, &want) == -1)
		return -1;
	*fit = FIT_NONE;
	if (v[TK_ADDR].type == JT_NONE && v[TK_HOST].type == JT_NONE)
		return 0;
	client = v[TK_ADDR].type != JT_NONE ? &v[TK_ADDR] : &v[TK_HOST];
	if (client->type != JT_STRING)
		return 0;
	if (j_text(client, &s, &n) == -1)
		return -1;
	if (ip_token(s, n, &h->ip) == -1)
		return 0;
	start = v[TK_UTC].type != JT_NONE ? &v[TK_UTC] : &v[TK_LOCAL];
	if (j_time(start, NULL, &h->when) == -1)
		return -1;
	if (h->when == 0)
		exact = 0;
	if (j_bytes(&v[TK_SIZE], h) == -1)
		exact = 0;
	*fit = exact ? FIT_EXACT : FIT_PARTIAL;
	return 0;
}

/* The start of the digits ending at q (none before p), or NULL. */
static const char *
digits_before(const char *p, const char *q)
{
	const char *s = q;

	while (s > p && s[-1] >= '0' && s[-1] <= '9')
		s--;
	return s == q ? NULL : s;
}

/* The space before the ' "..."' that ends at q, or NULL. */
static const char *
quoted_before(const char *p, const char *q)
{
	if (q - p < 3 || q[-1] != '"')
		return NULL;
	for (q--; q > p;)
		if (*--q == '"')
			return q > p && q[-1] == ' ' ? q - 1 : NULL;
	return NULL;
}

/*
 * What Traefik writes after the agent's closing quote, at the end of
 * [p, end): ' 12 "router" "http://backend" 3ms'.  Read from the end, as
 * the quoted fields before it are the client's to fill.
 */
static int
traefik_tail(const char *p, const char *end)
{
	const char *q;

	if (end - p < 3 || end[-1] != 's' || end[-2] != 'm' ||
	    (q = digits_before(p, end - 2)) == NULL || q == p || q[-1] != ' ')
		return 0;
	/* The server's URL, the router, the count of requests so far. */
	if ((q = quoted_before(p, q - 1)) == NULL ||
	    (q = quoted_before(p, q)) == NULL ||
	    (q = digits_before(p, q)) == NULL)
		return 0;
	return q - p >= 2 && q[-1] == ' ' && q[-2] == '"';
}

/*
 * Traefik's CLF is combined with three fields more: "requests so far",
 * "router", "server URL" and the duration.  scan_clf reads the combined
 * part; detection also checks the rest, to tell Traefik from nginx.
 */
static enum fit
traefik_clf(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	enum fit fit = scan_clf(ctx, p, end, h);

	if (fit == FIT_EXACT && ctx->strict && !traefik_tail(p, end))
		return FIT_PARTIAL;
	return fit;
}

/*
 * Traefik's access log: JSON ({"ClientAddr":"192.0.2.1:54321",
 * "ClientHost":"192.0.2.1",...,"DownstreamContentSize":1234,
 * "StartUTC":"2024-03-10T12:00:00.123456789Z",...}) or its CLF.
 */
enum fit
scan_traefik(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	const char *q = p;
	json_t *root;
	enum fit fit;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end || *q != '{')
		return traefik_clf(ctx, p, end, h);
	if (!ctx->want_xff && !ctx->json_slow &&
	    traefik_fast(p, end, h, &fit) == 0)
		return fit;
	if ((root = load_object(p, end)) == NULL)
		return FIT_NONE;
	fit = traefik_line(ctx, root, h);
	json_decref(root);
	return fit;
}

/*
 * The value at a --json-field path: keys joined by dots ("request.
 * client_ip"), "\." a dot inside a key and "\\" a backslash; a number
 * picks an array's element (from 0).  NULL when it is not there.
 */
static json_t *
path_get(json_t *v, const char *path)
{
	char key[KEY_MAX];

	for (;;) {
		size_t n = 0;
		int digits = 1;

		for (; *path != '\0' && *path != '.'; path++) {
			if (*path == '\\' &&
			    (path[1] == '.' || path[1] == '\\'))
				path++;
			if (n == sizeof(key))
				return NULL;
			digits &= *path >= '0' && *path <= '9';
			key[n++] = *path;
		}
		if (json_is_object(v))
			v = json_object_getn(v, key, n);
		else if (json_is_array(v) && digits && n > 0 && n < 10) {
			size_t i = 0;

			for (size_t k = 0; k < n; k++)
				i = i * 10 + (size_t)(key[k] - '0');
			v = json_array_get(v, i);
		} else
			return NULL;
		if (v == NULL || *path == '\0')
			return v;
		path++;
	}
}

/* A size as a number, or as text: digits, or "-" for none sent. */
static int
value_bytes(const json_t *v, struct hit *h)
{
	const char *s, *end;

	if (!json_is_string(v))
		return number_bytes(v, h);
	s = json_string_value(v);
	end = s + json_string_length(v);
	if (scan_size(s, end, h) != end) {
		h->has_bytes = 0;
		return -1;
	}
	return 0;
}

/*
 * --json-field: a line without the field is rejected (a wrong path
 * shows as a file none of whose lines could be read); null there is a
 * line that names no client.
 */
static enum fit
json_line(struct logctx *ctx, json_t *root, struct hit *h)
{
	json_t *client = path_get(root, ctx->json_client);
	int exact = 1;

	if (json_is_null(client))
		return FIT_NOCLIENT;
	if (text_ip(client, &h->ip) == -1)
		return FIT_NONE;
	if (ctx->json_time != NULL && (h->when = value_time(path_get(root,
	    ctx->json_time), &ctx->clock)) == 0)
		exact = 0;
	if (ctx->json_bytes != NULL &&
	    value_bytes(path_get(root, ctx->json_bytes), h) == -1)
		exact = 0;
	return exact ? FIT_EXACT : FIT_PARTIAL;
}

/*
 * A --json-field path as path_get() reads it, its segments unescaped
 * into buf[size]; -1 when the scanner leaves it to jansson (more than
 * SEGS_MAX segments, a key as long as KEY_MAX, which path_get() never
 * finds, or no room).
 */
static int
path_parse(const char *path, char *buf, size_t size, struct jpath *out)
{
	size_t used = 0;

	out->nseg = 0;
	for (;;) {
		struct jseg *g;
		size_t n = 0;
		int digits = 1;

		if (out->nseg == SEGS_MAX)
			return -1;
		g = &out->seg[out->nseg++];
		g->s = buf + used;
		for (; *path != '\0' && *path != '.'; path++) {
			if (*path == '\\' &&
			    (path[1] == '.' || path[1] == '\\'))
				path++;
			if (n + 1 == KEY_MAX || used == size)
				return -1;
			digits &= *path >= '0' && *path <= '9';
			buf[used++] = *path;
			n++;
		}
		g->n = n;
		g->index = -1;
		if (digits && n > 0 && n < 10) {
			g->index = 0;
			for (size_t k = 0; k < n; k++)
				g->index = g->index * 10 + (g->s[k] - '0');
		}
		if (*path == '\0')
			return 0;
		path++;
	}
}

/* value_bytes() on a value of the scanner's: 0, or -1 for none. */
static int
j_value_bytes(const struct jval *v, struct hit *h)
{
	if (v->type != JT_STRING)
		return j_bytes(v, h);
	if (scan_size(v->s, v->s + v->n, h) != v->s + v->n) {
		h->has_bytes = 0;
		return -1;
	}
	return 0;
}

/*
 * json_line() on the scanner's values, into *fit; -1 when the line (or
 * a path) is one for jansson.
 */
static int
json_fast(struct logctx *ctx, const char *p, const char *end, struct hit *h,
    enum fit *fit)
{
	enum { JF_CLIENT, JF_TIME, JF_BYTES, JF_MAX };
	const char *path[JF_MAX] = { ctx->json_client, ctx->json_time,
	    ctx->json_bytes };
	struct jpath paths[JF_MAX];
	struct jval v[JF_MAX];
	struct jwant want = { paths, 0, v };
	char buf[JF_MAX][KEY_MAX * 2];
	const char *s;
	size_t n;
	int slot[JF_MAX], exact = 1;

	for (int i = 0; i < JF_MAX; i++) {
		slot[i] = -1;
		if (path[i] == NULL)
			continue;
		if (path_parse(path[i], buf[i], sizeof(buf[i]),
		    &paths[want.npaths]) == -1)
			return -1;
		slot[i] = want.npaths++;
	}
	if (j_line(p, end, &want) == -1)
		return -1;
	*fit = FIT_NONE;
	if (v[slot[JF_CLIENT]].type == JT_NULL) {
		*fit = FIT_NOCLIENT;
		return 0;
	}
	if (v[slot[JF_CLIENT]].type != JT_STRING)
		return 0;
	if (j_text(&v[slot[JF_CLIENT]], &s, &n) == -1)
		return -1;
	if (ip_token(s, n, &h->ip) == -1)
		return 0;
	if (slot[JF_TIME] >= 0) {
		if (j_time(&v[slot[JF_TIME]], &ctx->clock, &h->when) == -1)
			return -1;
		if (h->when == 0)
			exact = 0;
	}
	if (slot[JF_BYTES] >= 0) {
		if (v[slot[JF_BYTES]].type == JT_STRING &&
		    v[slot[JF_BYTES]].escaped)
			return -1;
		if (j_value_bytes(&v[slot[JF_BYTES]], h) == -1)
			exact = 0;
	}
	*fit = exact ? FIT_EXACT : FIT_PARTIAL;
	return 0;
}

/* Any JSON lines, their fields named by --json-field, --json-time and
 * --json-bytes. */
enum fit
scan_json(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	json_t *root;
	enum fit fit;

	if (ctx->json_client == NULL)
		return FIT_NONE;
	if (!ctx->json_slow && json_fast(ctx, p, end, h, &fit) == 0)
		return fit;
	if ((root = load_object(p, end)) == NULL)
		return FIT_NONE;
	fit = json_line(ctx, root, h);
	json_decref(root);
	return fit;
}
