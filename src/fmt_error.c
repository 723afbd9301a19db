/*
 * Error logs of Apache httpd and nginx.  Most of a line is a message, and
 * a message quotes what the client sent (paths, user names, headers):
 * the client is taken only from where the server itself writes it, and
 * a line that does not say it there names no one.  Times are local
 * (neither server writes a zone), converted by time_iso with the file's
 * clock.
 */
#include <string.h>

#include "ipwhois.h"

static const char months[12][3] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Is [p, p + n) one of words[]? */
static int
one_of(const char *p, size_t n, const char *const *words, size_t nwords)
{
	for (size_t i = 0; i < nwords; i++)
		if (strlen(words[i]) == n && memcmp(p, words[i], n) == 0)
			return 1;
	return 0;
}

/* "YYYY-MM-DD hh:mm:ss" in iso, local time: seconds since the epoch. */
static int64_t
local_time(struct logctx *ctx, const char iso[19])
{
	size_t used = 0;
	int64_t t = time_iso(iso, 19, &used, &ctx->clock);

	return used == 19 ? t : 0;
}

/*
 * Apache's "Wed Oct 11 14:32:52 2000", with microseconds in 2.4
 * ("14:32:52.652118"), or an ErrorLogFormat %{c}t / %{cu}t ISO time:
 * the text inside the brackets, [s, s + n).
 */
static int64_t
apache_time(struct logctx *ctx, const char *s, size_t n)
{
	char iso[19];
	size_t used = 0;
	int64_t t;
	int mon;

	if (n >= 19 && s[4] == '-') {
		t = time_iso(s, n, &used, &ctx->clock);
		return used == n ? t : 0;
	}
	if (n < 24 || !is_alpha(s[0]) || !is_alpha(s[1]) || !is_alpha(s[2]) ||
	    s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[n - 5] != ' ')
		return 0;
	for (mon = 0; mon < 12; mon++)
		if (memcmp(s + 4, months[mon], 3) == 0)
			break;
	if (mon == 12)
		return 0;
	/* Between the seconds and the year: nothing, or a fraction. */
	if (n > 24 && (s[19] != '.' || n - 24 > 7))
		return 0;
	for (size_t i = 20; i < n - 5; i++)
		if (!is_digit(s[i]))
			return 0;
	memcpy(iso, s + n - 4, 4);
	iso[4] = '-';
	iso[5] = (char)('0' + (mon + 1) / 10);
	iso[6] = (char)('0' + (mon + 1) % 10);
	iso[7] = '-';
	iso[8] = s[8] == ' ' ? '0' : s[8];
	iso[9] = s[9];
	iso[10] = ' ';
	memcpy(iso + 11, s + 11, 8);
	return local_time(ctx, iso);
}

/* LogLevel names of Apache 2.2 and 2.4. */
static const char *const apache_levels[] = {
	"emerg", "alert", "crit", "error", "warn", "notice", "info", "debug",
	"trace1", "trace2", "trace3", "trace4", "trace5", "trace6", "trace7",
	"trace8",
};

/*
 * The level: "[error] " (2.2), "[core:error] " or "[:error] " (2.4,
 * the module first).  Past it, or NULL; *v24 says which.
 */
static const char *
apache_level(const char *p, const char *end, int *v24)
{
	const char *close, *lvl;

	if (end - p < 4 || *p != '[' ||
	    (close = memchr(p, ']', (size_t)(end - p > 48 ? 48 : end - p))) ==
	    NULL || close + 1 == end || close[1] != ' ')
		return NULL;
	lvl = close;
	while (lvl > p + 1 && lvl[-1] != ':')
		lvl--;
	*v24 = lvl > p + 1;
	if (!one_of(lvl, (size_t)(close - lvl), apache_levels,
	    sizeof(apache_levels) / sizeof(apache_levels[0])))
		return NULL;
	for (const char *m = p + 1; m < lvl - 1; m++)
		if (!is_alpha(*m) && !is_digit(*m) && *m != '_' && *m != '-')
			return NULL;
	return close + 2;
}

/*
 * "Feb 15 16:23:00 host httpd[1]: [level] ...": ErrorLog syslog.  The
 * syslog time into h, and where the level starts; NULL when it is not
 * such a line.
 */
static const char *
apache_syslog(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	size_t used = 0;
	const char *q;

	if ((h->when = time_syslog(p, (size_t)(end - p), &ctx->clock,
	    &used)) == 0 && (h->when = time_iso(p, (size_t)(end - p), &used,
	    &ctx->clock)) == 0)
		return NULL;
	/* The host, unless the logger left it out, then the tag. */
	for (int field = 0; field < 2; field++) {
		p += used;
		if (p == end || *p != ' ' || p + 1 == end)
			return NULL;
		q = memchr(p + 1, ' ', (size_t)(end - p - 1));
		if (q == NULL)
			return NULL;
		if (q[-1] == ':' && q + 1 < end && q[1] == '[')
			return q + 1;
		used = (size_t)(q - p);
	}
	return NULL;
}

/* "mod_ssl.c(1234): " (debug levels): past it, or NULL. */
static const char *
source_line(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && (is_alpha(*q) || is_digit(*q) || *q == '_' ||
	    *q == '.' || *q == '-'))
		q++;
	if (q == p || q == end || *q != '(')
		return NULL;
	for (p = ++q; q < end && is_digit(*q); q++)
		;
	if (q == p || end - q < 3 || memcmp(q, "): ", 3) != 0)
		return NULL;
	return q + 3;
}

/*
 * An operating system error: "(13)Permission denied: " or "(EAI 2)Name
 * or service not known: ", the text being the C library's.  Past it, or
 * NULL.
 */
static const char *
os_error(const char *p, const char *end)
{
	const char *q, *stop = end - p > 160 ? p + 160 : end;

	if (p == end || *p != '(')
		return NULL;
	q = p + 1;
	if (stop - q > 4 && memcmp(q, "EAI ", 4) == 0)
		q += 4;
	for (p = q; q < stop && (is_digit(*q) || *q == '-'); q++)
		;
	if (q == p || q == stop || *q != ')')
		return NULL;
	for (; q + 1 < stop; q++) {
		if (*q == '[' || *q == ']')
			return NULL;
		if (q[0] == ':' && q[1] == ' ')
			return q + 2;
	}
	return NULL;
}

/*
 * "[client ADDR]" or "[remote ADDR]" at p: the address's text, or NULL.
 * It ends at a ']' before a space or the end, which keeps the brackets
 * of "[client [2001:db8::1]:51548]" inside.
 */
static const char *
client_field(const char *p, const char *end, size_t *len)
{
	const char *q, *stop;

	if (end - p < 10 || (memcmp(p, "[client ", 8) != 0 &&
	    memcmp(p, "[remote ", 8) != 0))
		return NULL;
	stop = end - p > 8 + 64 ? p + 8 + 64 : end;
	for (q = p + 8; q < stop; q++)
		if (*q == ']' && (q + 1 == end || q[1] == ' '))
			break;
	if (q == stop)
		return NULL;
	*len = (size_t)(q - p - 8);
	return p + 8;
}

/*
 * After the level: 2.4's own bracketed fields ("[pid 1:tid 2]", a log
 * id), at debug levels the source line, an operating system error, and
 * then the client.  2.2 writes the client before the error, 2.4 after.
 * The message follows and is never read.  The client's text, or NULL
 * when the line names none.
 */
static const char *
apache_client_text(const char *p, const char *end, int v24, size_t *len)
{
	const char *q, *c;
	int brackets = 0, after = 0;

	for (;;) {
		if ((c = client_field(p, end, len)) != NULL)
			return c;
		if (v24 && p < end && *p == '[' && !after && brackets++ < 3) {
			q = memchr(p, ']', (size_t)(end - p));
			if (q == NULL ||
			    memchr(p + 1, '[', (size_t)(q - p - 1)) != NULL)
				return NULL;
			p = q + 1;
			if (p < end && *p == ' ')
				p++;
		} else if (after < 1 && (q = source_line(p, end)) != NULL) {
			p = q;
			after = 1;
		} else if (after < 2 && (q = os_error(p, end)) != NULL) {
			p = q;
			after = 2;
		} else
			return NULL;
	}
}

/* "addr:port", the port after the last colon: 0, or -1. */
static int
strip_port(const char *s, size_t n, struct ip *ip)
{
	const char *colon = s + n;

	while (colon > s && colon[-1] != ':')
		colon--;
	if (colon <= s + 1 || colon == s + n || s + n - colon > 5)
		return -1;
	for (const char *d = colon; d < s + n; d++)
		if (!is_digit(*d))
			return -1;
	return ip_parse(s, (size_t)(colon - 1 - s), ip);
}

/*
 * The client's address.  2.4 always writes a port after it, IPv6
 * without brackets ("::1:58619"); 2.2 writes none.  The other reading is
 * tried when the expected one fails.
 */
static int
apache_addr(const char *s, size_t n, int with_port, struct ip *ip)
{
	if (with_port && strip_port(s, n, ip) == 0)
		return 0;
	if (ip_token(s, n, ip) == 0)
		return 0;
	return with_port ? -1 : strip_port(s, n, ip);
}

/*
 * Apache httpd's error log, 2.2 ("[Wed Oct 11 14:32:52 2000] [error]
 * [client 127.0.0.1] message") and 2.4's default ErrorLogFormat ("[Thu
 * May 12 08:28:57.652118 2011] [core:error] [pid 8777:tid 4326490112]
 * (2)No such file or directory: [client ::1:58619] AH00128: message"),
 * and both through syslog.  Lines without a client (start, stop, config)
 * are in the format but name no one.
 */
enum fit
scan_apache_error(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	const char *q, *text;
	size_t len;
	int micro = 0, module;

	if (p < end && *p == '[') {
		q = memchr(p, ']', (size_t)(end - p > 40 ? 40 : end - p));
		if (q == NULL || (h->when = apache_time(ctx, p + 1,
		    (size_t)(q - p - 1))) == 0 || end - q < 2 || q[1] != ' ')
			return FIT_NONE;
		micro = q - p - 1 > 24;
		p = q + 2;
	} else if ((p = apache_syslog(ctx, p, end, h)) == NULL)
		return FIT_NONE;
	if ((p = apache_level(p, end, &module)) == NULL)
		return FIT_NONE;
	/* Microseconds and modules are 2.4's. */
	if ((text = apache_client_text(p, end, micro || module, &len)) == NULL)
		return FIT_NOCLIENT;
	if (apache_addr(text, len, micro || module, &h->ip) == -1)
		return FIT_NONE;
	return FIT_EXACT;
}

/* Digits at p and then c: past c, or NULL. */
static const char *
digits_then(const char *p, const char *end, char c)
{
	const char *start = p;

	while (p < end && is_digit(*p))
		p++;
	return p > start && p < end && *p == c ? p + 1 : NULL;
}

/* nginx's levels, as error_log names them. */
static const char *const nginx_levels[] = {
	"debug", "info", "notice", "warn", "error", "crit", "alert", "emerg",
};

/*
 * "2024/03/10 12:00:00 [error] 1234#1234: " and, for messages about a
 * connection, "*5 ": past it, or NULL.
 */
static const char *
nginx_head(struct logctx *ctx, const char *p, const char *end,
    struct hit *h);

/*
 * nginx's error_log to syslog, or the journal: "[time host ]nginx[pid]: "
 * before its own line.  Past that tag, found within the first 80 bytes
 * at the start of a word, or p itself.
 */
static const char *
nginx_syslog(const char *p, const char *end)
{
	static const char tag[] = "nginx";
	const char *q = p, *lim = end - p > 80 ? p + 80 : end;

	if (p < end && is_digit(*p))
		return p;
	while ((q = memmem(q, (size_t)(lim - q), tag, sizeof(tag) - 1)) !=
	    NULL) {
		const char *t = q + sizeof(tag) - 1;

		if (q == p || q[-1] == ' ') {
			if (t < end && *t == '[' && (t = digits_then(t + 1, end,
			    ']')) == NULL)
				return p;
			if (end - t > 2 && t[0] == ':' && t[1] == ' ')
				return t + 2;
		}
		q++;
	}
	return p;
}

static const char *
nginx_head(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	char iso[19];
	const char *q, *close;

	if (end - p < 26 || p[4] != '/' || p[7] != '/' || p[19] != ' ' ||
	    p[20] != '[')
		return NULL;
	memcpy(iso, p, 19);
	iso[4] = iso[7] = '-';
	if ((h->when = local_time(ctx, iso)) == 0)
		return NULL;
	q = p + 21;
	if ((close = memchr(q, ']', (size_t)(end - q > 7 ? 7 : end - q))) ==
	    NULL || !one_of(q, (size_t)(close - q), nginx_levels,
	    sizeof(nginx_levels) / sizeof(nginx_levels[0])))
		return NULL;
	/* " pid#tid:" */
	if (end - close < 3 || close[1] != ' ' ||
	    (q = digits_then(close + 2, end, '#')) == NULL ||
	    (q = digits_then(q, end, ':')) == NULL)
		return NULL;
	if (end - q > 2 && q[0] == ' ' && q[1] == '*') {
		for (p = q + 2; p < end && is_digit(*p); p++)
			;
		if (p > q + 2)
			q = p;
	}
	return q;
}

/* What nginx writes after its client's address: http and stream, and
 * mail (which may say how the connection went first). */
static const char *const nginx_after_client[] = {
	", server: ",
	" using starttls, server: ",
};

/*
 * At p, nginx's ", client: ADDR, server: ": the address into *ip.
 * Returns 0, or -1 when p does not start such a field.
 */
static int
nginx_client_at(const char *p, const char *end, struct ip *ip)
{
	const char *a = p + 10, *q = a;

	while (q < end && *q != ',' && *q != ' ')
		q++;
	if (ip_parse(a, (size_t)(q - a), ip) == -1)
		return -1;
	for (size_t i = 0; i < sizeof(nginx_after_client) /
	    sizeof(nginx_after_client[0]); i++) {
		size_t k = strlen(nginx_after_client[i]);

		if ((size_t)(end - q) >= k &&
		    memcmp(q, nginx_after_client[i], k) == 0)
			return 0;
	}
	return -1;
}

/*
 * nginx's error log: "2024/03/10 12:00:00 [error] 1234#1234: *5 open()
 * "/srv/x" failed (2: No such file or directory), client: 192.0.2.1,
 * server: example.com, request: "GET /x HTTP/1.1", host: "example.com"".
 *
 * nginx writes ", client: ADDR, server: NAME" once, after the message,
 * and quotes nothing it writes: the message before it (a path the client
 * chose, a user name) and the request, host and referrer after it can
 * hold a ", client: ..., server: " of their own, quotes included, so no
 * quoting tells nginx's from a forged one.  A line with exactly one is
 * read; a line with more than one was written to mislead, and names no
 * one, as do the lines about no connection ("signal process started").
 *
 * nginx cuts a line at NGX_MAX_ERROR_STR (2048) bytes, its line end
 * included, and its own field goes first when the message is long: a
 * path padded to that length would leave only a forged field in the
 * line.  A line that long names no one either.
 */
#define NGINX_LINE_MAX	(2048 - 2)	/* without "\r\n" */

enum fit
scan_nginx_error(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	static const char key[] = ", client: ";
	const char *q;
	struct ip ip;
	int found = 0;

	p = nginx_syslog(p, end);
	if ((q = nginx_head(ctx, p, end, h)) == NULL)
		return FIT_NONE;
	if (end - p >= NGINX_LINE_MAX)
		return FIT_NOCLIENT;
	p = q;
	while ((q = memmem(p, (size_t)(end - p), key, sizeof(key) - 1)) !=
	    NULL) {
		if (nginx_client_at(q, end, &ip) == 0 && found++ == 0)
			h->ip = ip;
		p = q + sizeof(key) - 1;
	}
	return found == 1 ? FIT_EXACT : FIT_NOCLIENT;
}
