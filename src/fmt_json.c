/*
 * JSON-lines logs: Caddy's access log, Traefik's (in JSON, and in its
 * Common Log Format, which is combined with three fields more), and any
 * JSON log whose client field --json-field names.
 *
 * jansson reads a line only after a cheap scan has found it to be one
 * object, at most LINE_MAX_LEN bytes and DEPTH_MAX levels deep: jansson
 * recurses once per level.  Every value it makes is freed before the
 * scanner returns.  What the hit keeps points into the line, or, for an
 * X-Forwarded-For value (JSON escapes it, Caddy splits it by header
 * line), into the context's json_xff.
 */
#include <jansson.h>
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

/* A number as a size: not negative, below 2^64 (fractions cut off). */
static int
number_bytes(const json_t *v, struct hit *h)
{
	double d;

	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!(d >= 0 && d < 18446744073709551616.0))
		return -1;
	h->bytes = (uint64_t)d;
	h->has_bytes = 1;
	return 0;
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

/*
 * Caddy v2's JSON access log: {"level":"info","ts":1646861401.52,
 * "logger":"http.log.access.log0","msg":"handled request","request":
 * {"remote_ip":...,"client_ip":...,"headers":{...}},...,"size":10900,
 * "status":200}.
 */
enum fit
scan_caddy(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	json_t *root = load_object(p, end);
	enum fit fit;

	if (root == NULL)
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

/* Any JSON lines, their fields named by --json-field, --json-time and
 * --json-bytes. */
enum fit
scan_json(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	json_t *root;
	enum fit fit;

	if (ctx->json_client == NULL || (root = load_object(p, end)) == NULL)
		return FIT_NONE;
	fit = json_line(ctx, root, h);
	json_decref(root);
	return fit;
}
