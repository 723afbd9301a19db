/*
 * Logs written by services rather than by a web server's LogFormat: the
 * AWS load balancers (Classic and Application), Amazon S3 server access
 * logs, and Squid's native access.log.  Each is space-separated fields in
 * an order its documentation fixes, so each is one straight pass over the
 * line: the client and the size early, the rest checked only when
 * detecting (ctx->strict).
 *
 * The client is always a field of its own.  Request lines, URLs, user
 * agents and peer hosts hold addresses too, but they are the client's
 * to write (or name other hosts) and are never read for one.
 */
#include <string.h>

#include "ipwhois.h"

/* The end of the space-free field at p (a space, or the end). */
static const char *
field_end(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));

	return sp != NULL ? sp : end;
}

/*
 * The non-empty field at p followed by one space: the start of the next
 * field, or NULL.  Fields are [p, return - 1).
 */
static const char *
next_field(const char *p, const char *end)
{
	const char *q = field_end(p, end);

	return q == p || q == end ? NULL : q + 1;
}

/* Past n fields, or NULL when the line ends first. */
static const char *
skip_fields(const char *p, const char *end, int n)
{
	while (n-- > 0 && p != NULL)
		p = next_field(p, end);
	return p;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Is [p, q) a decimal number of 1 to 20 digits? */
static int
all_digits(const char *p, const char *q)
{
	if (p == q || q - p > 20)
		return 0;
	for (; p < q; p++)
		if (!is_digit(*p))
			return 0;
	return 1;
}

/* "-", or what all_digits accepts: a count that may be missing. */
static int
count_or_dash(const char *p, const char *q)
{
	return (q - p == 1 && *p == '-') || all_digits(p, q);
}

/* A duration: "0.000073", "12", or "-1" for "could not be measured". */
static int
seconds(const char *p, const char *q)
{
	const char *dot;

	if (q - p == 2 && p[0] == '-' && p[1] == '1')
		return 1;
	if ((dot = memchr(p, '.', (size_t)(q - p))) == NULL)
		return all_digits(p, q);
	return all_digits(p, dot) && all_digits(dot + 1, q);
}

/* An HTTP status: three digits, or "-" when there was no response. */
static int
status_or_dash(const char *p, const char *q)
{
	return (q - p == 1 && *p == '-') || (q - p == 3 && all_digits(p, q));
}

/*
 * "addr:port", IPv6 unbracketed as the AWS logs write it
 * ("2001:db8::1:443"): the port is after the last colon.  "[v6]:port"
 * is read too.  The port must be there: a field cut short ("10.0.0.12"
 * cut to "10.0.0.1") would name someone else.
 */
static int
addr_port(const char *p, const char *q, struct ip *ip)
{
	const char *colon = q;

	if (p < q && *p == '[')
		return ip_token(p, (size_t)(q - p), ip);
	while (colon > p && colon[-1] != ':')
		colon--;
	if (colon <= p + 1 || q - colon > 5 || !all_digits(colon, q))
		return -1;
	return ip_parse(p, (size_t)(colon - 1 - p), ip);
}

/*
 * A byte count making up the whole field at p, into h (S3's "-" for
 * none when dash is set): the field's end, or NULL and no size in h.
 * More fields follow in every format here: a count at the end of the
 * line may have been cut short.
 */
static const char *
size_field(const char *p, const char *end, struct hit *h, int dash)
{
	const char *q = field_end(p, end);

	if (q == end || (*p == '-' && !dash) || scan_size(p, q, h) != q) {
		h->has_bytes = 0;
		return NULL;
	}
	return q;
}

/* ' "..."' at p (backslash escapes inside): past it, or NULL. */
static const char *
quoted(const char *p, const char *end)
{
	const char *close;

	if (end - p < 3 || p[0] != ' ' || p[1] != '"' ||
	    (close = close_quote(p + 2, end)) == NULL)
		return NULL;
	return close + 1;
}

/* ' ' and a space-free field at p: past it, or NULL. */
static const char *
plain(const char *p, const char *end)
{
	if (end - p < 2 || p[0] != ' ' || p[1] == ' ')
		return NULL;
	return field_end(p + 1, end);
}

/*
 * The seven fields between the client and sent_bytes, f[0] to f[6], each
 * ending at the next one's start less a space (f[7]: sent_bytes): target
 * ("-" when no target took the request), three durations, two statuses
 * and received_bytes.
 */
static int
lb_middle(const char *const f[8])
{
	struct ip target;

	if (!(f[1] - f[0] == 2 && *f[0] == '-') &&
	    addr_port(f[0], f[1] - 1, &target) == -1)
		return 0;
	for (int i = 1; i < 4; i++)
		if (!seconds(f[i], f[i + 1] - 1))
			return 0;
	return status_or_dash(f[4], f[5] - 1) &&
	    status_or_dash(f[5], f[6] - 1) && all_digits(f[6], f[7] - 1);
}

/*
 * What the Classic and Application Load Balancers share after the ALB's
 * type: 'time elb client:port target:port request_processing_time
 * target_processing_time response_processing_time elb_status_code
 * target_status_code received_bytes sent_bytes', then "request",
 * "user_agent", ssl_cipher and ssl_protocol.  Returns the fit of those
 * fields; when strict, *rest is past them (NULL when they are not all
 * there).
 */
static enum fit
lb_fields(struct logctx *ctx, const char *p, const char *end, struct hit *h,
    const char **rest)
{
	const char *f[8], *q;
	size_t used = 0;

	*rest = NULL;
	h->when = time_iso(p, (size_t)(end - p), &used, &ctx->clock);
	if (h->when == 0 || used >= (size_t)(end - p) || p[used] != ' ')
		return FIT_NONE;
	if ((p = next_field(p + used + 1, end)) == NULL)	/* the elb */
		return FIT_NONE;
	q = field_end(p, end);
	if (q == end || addr_port(p, q, &h->ip) == -1)
		return FIT_NONE;
	p = q + 1;
	for (int i = 0; i < 7; i++) {
		f[i] = p;
		if ((p = next_field(p, end)) == NULL)
			return FIT_PARTIAL;
	}
	f[7] = p;
	if ((q = size_field(p, end, h, 0)) == NULL)
		return FIT_PARTIAL;
	if (!ctx->strict)
		return FIT_EXACT;
	if (!lb_middle(f) || (q = quoted(q, end)) == NULL)
		return FIT_PARTIAL;
	/* Logs from before 2015 end with the request. */
	if (q != end && ((q = quoted(q, end)) == NULL ||
	    (q = plain(q, end)) == NULL || (q = plain(q, end)) == NULL))
		return FIT_PARTIAL;
	*rest = q;
	return FIT_EXACT;
}

/*
 * AWS Classic Load Balancer: '2015-05-13T23:39:43.945958Z my-lb
 * 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0
 * 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -'.  The
 * backend is "-" when no instance took the request; times are UTC.
 */
enum fit
scan_elb(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	const char *rest;
	enum fit fit = lb_fields(ctx, p, end, h, &rest);

	if (fit == FIT_EXACT && ctx->strict && rest != end)
		return FIT_PARTIAL;
	return fit;
}

/* The first field of an ALB line: the kind of request. */
static const char *const alb_types[] = {
	"http", "https", "h2", "grpcs", "ws", "wss",
};

/*
 * AWS Application Load Balancer: the Classic fields after a type, then
 * target_group_arn "trace_id" "domain_name" "chosen_cert_arn" and more,
 * a few fields added every year or two: anything after the trace id is
 * accepted.
 */
enum fit
scan_alb(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	const char *q = field_end(p, end), *rest;
	enum fit fit;
	size_t i;

	for (i = 0; i < sizeof(alb_types) / sizeof(alb_types[0]); i++)
		if ((size_t)(q - p) == strlen(alb_types[i]) &&
		    memcmp(p, alb_types[i], (size_t)(q - p)) == 0)
			break;
	if (i == sizeof(alb_types) / sizeof(alb_types[0]) || q == end)
		return FIT_NONE;
	fit = lb_fields(ctx, q + 1, end, h, &rest);
	if (fit != FIT_EXACT || !ctx->strict)
		return fit;
	if (rest == end || (rest = plain(rest, end)) == NULL ||
	    quoted(rest, end) == NULL)
		return FIT_PARTIAL;
	return FIT_EXACT;
}

/*
 * Amazon S3 server access log: 'owner bucket [06/Feb/2019:00:00:38
 * +0000] remote_ip requester request_id operation key "request_uri"
 * http_status error_code bytes_sent object_size total_time
 * turn_around_time "referer" "user_agent" version_id ...', fields added
 * at the end over the years.  Any field may be "-": a remote_ip of "-"
 * (S3's own lifecycle actions) names no client.
 */
enum fit
scan_s3(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	const char *q, *ip, *uri, *st;
	/* A line that is not the format past remote_ip: a client read from
	 * a line only partly S3's, or, without one, no S3 line at all. */
	enum fit bad = FIT_PARTIAL;

	if ((p = skip_fields(p, end, 2)) == NULL || end - p < 30 ||
	    p[0] != '[' || p[27] != ']' || p[28] != ' ')
		return FIT_NONE;
	if ((h->when = time_clf(p + 1, 26)) == 0)
		return FIT_NONE;
	ip = p + 29;
	if ((q = field_end(ip, end)) == end)
		return FIT_NONE;
	if (q - ip == 1 && *ip == '-') {
		if (!ctx->strict)
			return FIT_NOCLIENT;
		bad = FIT_NONE;
	} else if (ip_parse(ip, (size_t)(q - ip), &h->ip) == -1)
		return FIT_NONE;
	/* requester, request_id, operation, key; then "request_uri", or a
	 * bare "-" */
	if ((uri = skip_fields(q + 1, end, 4)) == NULL)
		return bad;
	if ((q = quoted(uri - 1, end)) == NULL &&
	    (q = plain(uri - 1, end)) == NULL)
		return bad;
	st = q + 1;
	if ((q = plain(q, end)) == NULL || !status_or_dash(st, q) ||
	    (q = plain(q, end)) == NULL ||		/* error_code */
	    end - q < 2 || *q != ' ' ||
	    (q = size_field(q + 1, end, h, 1)) == NULL)
		return bad;
	if (!ctx->strict)
		return FIT_EXACT;
	for (int i = 0; i < 3; i++) {	/* object_size, total, turn-around */
		const char *f = q + 1;

		if ((q = plain(q, end)) == NULL || !count_or_dash(f, q))
			return bad;
	}
	if ((q = quoted(q, end)) == NULL || quoted(q, end) == NULL)
		return bad;
	return bad == FIT_NONE ? FIT_NOCLIENT : FIT_EXACT;
}

/* Past a run of spaces at p; NULL when there is none or the line ends. */
static const char *
spaces(const char *p, const char *end)
{
	const char *start = p;

	while (p < end && *p == ' ')
		p++;
	return p == start || p == end ? NULL : p;
}

/* "TCP_MISS/200", "NONE_NONE/000": Squid's result code and the status. */
static int
squid_result(const char *p, const char *q)
{
	const char *slash = memchr(p, '/', (size_t)(q - p));

	if (slash == NULL || slash == p || q - slash != 4 ||
	    !all_digits(slash + 1, q))
		return 0;
	for (; p < slash; p++)
		if (!(*p >= 'A' && *p <= 'Z') && *p != '_')
			return 0;
	return 1;
}

/*
 * Squid's native format: 'time elapsed remotehost code/status bytes
 * method URL rfc931 peerstatus/peerhost type', "%9ld.%03d %6ld ..." in
 * Squid's source, so the fields are apart by one space or more.  The
 * time is seconds since the epoch (UTC) with milliseconds.  The URL and
 * the peer host name other machines: only remotehost is the client.
 */
enum fit
scan_squid(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	const char *q, *dot;
	int64_t t = 0;

	while (p < end && *p == ' ')
		p++;
	q = field_end(p, end);
	if ((dot = memchr(p, '.', (size_t)(q - p))) == NULL ||
	    dot - p < 9 || dot - p > 11 || q - dot != 4 ||
	    !all_digits(p, dot) || !all_digits(dot + 1, q))
		return FIT_NONE;
	for (; p < dot; p++)
		t = t * 10 + (*p - '0');
	if ((p = spaces(q, end)) == NULL)
		return FIT_NONE;
	q = field_end(p, end);			/* elapsed, in ms */
	if (!all_digits(p + (*p == '-'), q) || (p = spaces(q, end)) == NULL)
		return FIT_NONE;
	q = field_end(p, end);
	if (ip_parse(p, (size_t)(q - p), &h->ip) == -1 ||
	    (p = spaces(q, end)) == NULL)
		return FIT_NONE;
	h->when = t;
	q = field_end(p, end);
	if (!squid_result(p, q) || (p = spaces(q, end)) == NULL ||
	    (q = size_field(p, end, h, 0)) == NULL)
		return FIT_PARTIAL;
	if (!ctx->strict)
		return FIT_EXACT;
	/* method, URL, user, hierarchy/peer; then the type, and what
	 * log_mime_hdrs may add after it */
	for (int i = 0; i < 4; i++) {
		if ((p = spaces(q, end)) == NULL)
			return FIT_PARTIAL;
		q = field_end(p, end);
	}
	if (memchr(p, '/', (size_t)(q - p)) == NULL || spaces(q, end) == NULL)
		return FIT_PARTIAL;
	return FIT_EXACT;
}
