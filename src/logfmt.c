/*
 * Log formats: one line in, the client address (and time and size, where
 * the format has them) out.  Pure functions over a line; the fixed formats
 * are scanned by hand, --regex goes through PCRE2 with JIT.  This file
 * holds the table of formats, detection and the per-line fallback, and
 * the NCSA formats (common, combined, vhost_combined); the others live in
 * the fmt_*.c files.
 *
 * Each scanner returns how well the line fits (enum fit): auto-detection
 * scores the exact fits, the parser counts the clients.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

/* What follows the CLF fields: nothing, referer and agent, or those and
 * the X-Forwarded-For field of nginx's default "main" format. */
enum clf { CLF_COMMON, CLF_COMBINED, CLF_XFF };

struct regex {
	pcre2_code	 *code;
	pcre2_match_data *md;
	uint32_t	  g_ip, g_time, g_bytes, g_xff;	/* group numbers; 0 none */
};

static const char *
skip_token(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));

	return sp ? sp : end;
}

/* A decimal size, or "-" for none.  Returns the end, or NULL. */
const char *
scan_size(const char *p, const char *end, struct hit *h)
{
	uint64_t v = 0;
	const char *start = p;

	if (p < end && *p == '-') {
		h->bytes = 0;
		h->has_bytes = 1;
		return p + 1;
	}
	while (p < end && *p >= '0' && *p <= '9' && p - start < 19)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == start || (p < end && *p >= '0' && *p <= '9'))
		return NULL;	/* none, or more than 64 bits hold */
	h->bytes = v;
	h->has_bytes = 1;
	return p;
}

/* The closing quote of a quoted field (backslash escapes skipped). */
const char *
close_quote(const char *start, const char *end)
{
	const char *p = start;

	while ((p = memchr(p, '"', (size_t)(end - p))) != NULL) {
		const char *b = p;

		while (b > start && b[-1] == '\\')
			b--;
		if ((p - b) % 2 == 0)
			return p;
		p++;
	}
	return NULL;
}

/*
 * The CLF timestamp at p ("10/Oct/2000:13:55:36 -0700").  Lines follow
 * each other within a minute: the minute and zone are remembered, and only
 * the seconds are read anew.
 */
static int64_t
clf_time(struct logctx *ctx, const char *p)
{
	unsigned s1 = (unsigned)(p[18] - '0'), s2 = (unsigned)(p[19] - '0');

	if (memcmp(p, ctx->last_clf, 17) != 0 ||
	    memcmp(p + 20, ctx->last_clf + 20, 6) != 0 || s1 > 5 || s2 > 9 ||
	    p[17] != ':') {
		int64_t t = time_clf(p, 26);

		if (t == 0)
			return 0;
		memcpy(ctx->last_clf, p, 26);
		ctx->last_clf_time = t - (p[18] - '0') * 10 - (p[19] - '0');
	}
	return ctx->last_clf_time + s1 * 10 + s2;
}

/* ' "..."' at p: past its closing quote, or NULL.  *in: its contents. */
static const char *
quoted_field(const char *p, const char *end, const char **in)
{
	const char *close;

	if (end - p < 3 || p[0] != ' ' || p[1] != '"' ||
	    (close = close_quote(p + 2, end)) == NULL)
		return NULL;
	*in = p + 2;
	return close + 1;
}

/*
 * After the size of a combined line: ' "referer" "agent"', and for
 * CLF_XFF when asked, the quoted field after the agent into h->xff.
 */
static enum fit
clf_tail(struct logctx *ctx, const char *q, const char *end, struct hit *h,
    enum clf kind)
{
	const char *in, *next;

	if ((q = quoted_field(q, end, &in)) == NULL ||
	    (q = quoted_field(q, end, &in)) == NULL)
		return FIT_PARTIAL;
	if (kind == CLF_XFF && ctx->want_xff && h->xff == NULL &&
	    (next = quoted_field(q, end, &in)) != NULL) {
		h->xff = in;
		h->xff_len = (size_t)(next - 1 - in);
	}
	return FIT_EXACT;
}

/* " ident user " between the client and the time: exactly two fields. */
static int
ident_user(const char *p, const char *q)
{
	int spaces = 0;

	for (; p < q; p++)
		spaces += *p == ' ';
	return spaces == 3 && q[-1] == ' ';
}

/*
 * A client field that is a list, as nginx logs it when the format starts
 * with X-Forwarded-For: "$proxy_add_x_forwarded_for" ("a, b, PEER": the
 * header's entries, then the connecting address nginx appended), or
 * "$http_x_forwarded_for $remote_addr", quoted or not ("a, b PEER").  The
 * peer is the address nginx wrote itself; the entries before it are
 * X-Forwarded-For, anyone's words.  Returns the end of the field, or NULL.
 */
static const char *
client_list(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	const char *tok = p, *last, *next, *list_end;

	if (p < end && *p == '"') {
		if ((list_end = close_quote(p + 1, end)) == NULL ||
		    end - list_end < 2 || list_end[1] != ' ')
			return NULL;
		last = list_end + 2;
		tok = skip_token(last, end);
		if (ip_token(last, (size_t)(tok - last), &h->ip) == -1)
			return NULL;
		if (ctx->want_xff) {
			h->xff = p + 1;
			h->xff_len = (size_t)(list_end - p - 1);
		}
		return tok;
	}
	/* Entries end in ", "; the last one does not. */
	do {
		last = tok;
		tok = skip_token(tok, end);
	} while (tok - last > 1 && tok[-1] == ',' && tok < end && ++tok < end);
	if (last == p || ip_token(last, (size_t)(tok - last), &h->ip) == -1)
		return NULL;
	list_end = last - 2;
	/* "a, b PEER": an address after the list is the peer. */
	next = tok < end ? skip_token(tok + 1, end) : tok;
	if (next > tok + 1 && ip_token(tok + 1, (size_t)(next - tok - 1),
	    &h->ip) == 0) {
		list_end = tok;
		tok = next;
	}
	if (ctx->want_xff) {
		h->xff = p;
		h->xff_len = (size_t)(list_end - p);
	}
	return tok;
}

/*
 * From the client field on: 'client ident user [time] "request" status
 * bytes', then for combined ' "referer" "agent"' (anything may follow, as
 * nginx and Apache setups add fields).
 */
static enum fit
ncsa(struct logctx *ctx, const char *p, const char *end, struct hit *h,
    enum clf kind, int lists)
{
	const char *tok, *q, *close;

	/* The usual case first: an IPv4 client, no ident, no user. */
	if ((tok = ip_v4_prefix(p, end, &h->ip)) == NULL || tok == end ||
	    *tok != ' ') {
		tok = skip_token(p, end);
		if (ip_token(p, (size_t)(tok - p), &h->ip) == -1 &&
		    (!lists || (tok = client_list(ctx, p, end, h)) == NULL))
			return FIT_NONE;
	}
	if (end - tok > 33 && memcmp(tok, " - - [", 6) == 0)
		q = tok + 5;
	else if ((q = memchr(tok, '[', (size_t)(end - tok))) == NULL ||
	    (ctx->strict && !ident_user(tok, q)))
		return FIT_PARTIAL;	/* the user field may hold spaces */
	if (end - q < 28 || q[27] != ']')
		return FIT_PARTIAL;
	h->when = clf_time(ctx, q + 1);
	if (h->when == 0)
		return FIT_PARTIAL;
	q += 28;
	if (end - q < 3 || q[0] != ' ' || q[1] != '"' ||
	    (close = close_quote(q + 2, end)) == NULL)
		return FIT_PARTIAL;
	q = close + 1;
	if (end - q < 5 || q[0] != ' ' || q[4] != ' ' ||
	    q[1] < '1' || q[1] > '5' || q[2] < '0' || q[2] > '9' ||
	    q[3] < '0' || q[3] > '9')
		return FIT_PARTIAL;
	if ((q = scan_size(q + 5, end, h)) == NULL)
		return FIT_PARTIAL;
	/*
	 * Counting needs nothing after the size, unless the client may be
	 * in X-Forwarded-For; detection checks it all.
	 */
	if (!ctx->strict && !(kind == CLF_XFF && ctx->want_xff))
		return FIT_EXACT;
	if (kind == CLF_COMMON)
		return q == end ? FIT_EXACT : FIT_PARTIAL;
	return clf_tail(ctx, q, end, h, kind);
}

/* "vhost[:port] client ...": the combined format after a virtual host. */
static enum fit
scan_vhost(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	const char *tok = skip_token(p, end);

	/*
	 * The host may be an address ("192.0.2.80:443"): a combined line
	 * is not taken for one all the same, since its ident is no client.
	 */
	if (tok == end || tok == p)
		return FIT_NONE;
	return ncsa(ctx, tok + 1, end, h, CLF_COMBINED, 1);
}

/* A timestamp anywhere a generic line is likely to carry one. */
static int64_t
find_time(struct logctx *ctx, const char *p, const char *end)
{
	int64_t t = time_any(p, (size_t)(end - p), &ctx->clock);
	const char *q;

	if (t != 0)
		return t;
	if ((q = memchr(p, '[', (size_t)(end - p))) != NULL && end - q > 27 &&
	    q[27] == ']')
		return clf_time(ctx, q + 1);
	return 0;
}

static enum fit
scan_first_ip(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	if (ip_find(p, end, &h->ip, NULL) == NULL)
		return FIT_NONE;
	h->when = find_time(ctx, p, end);
	return FIT_PARTIAL;
}

static enum fit
scan_regex(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	struct regex *re = ctx->regex;
	PCRE2_SIZE *ov;
	int rc;

	rc = pcre2_jit_match(re->code, (PCRE2_SPTR)p, (PCRE2_SIZE)(end - p),
	    0, 0, re->md, NULL);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(re->code, (PCRE2_SPTR)p, (PCRE2_SIZE)(end - p),
		    0, 0, re->md, NULL);
	if (rc < 0)
		return FIT_NONE;
	ov = pcre2_get_ovector_pointer(re->md);
	if (ov[2 * re->g_ip] == PCRE2_UNSET ||
	    ip_token(p + ov[2 * re->g_ip],
	    ov[2 * re->g_ip + 1] - ov[2 * re->g_ip], &h->ip) == -1)
		return FIT_NONE;
	if (re->g_time && ov[2 * re->g_time] != PCRE2_UNSET)
		h->when = time_any(p + ov[2 * re->g_time],
		    ov[2 * re->g_time + 1] - ov[2 * re->g_time], &ctx->clock);
	if (re->g_bytes && ov[2 * re->g_bytes] != PCRE2_UNSET)
		scan_size(p + ov[2 * re->g_bytes], p + ov[2 * re->g_bytes + 1],
		    h);
	if (re->g_xff && ctx->want_xff && ov[2 * re->g_xff] != PCRE2_UNSET) {
		h->xff = p + ov[2 * re->g_xff];
		h->xff_len = ov[2 * re->g_xff + 1] - ov[2 * re->g_xff];
	}
	return FIT_EXACT;
}

/* "client ident user [time] "request" status bytes" and, for combined,
 * referer and agent (and nginx's X-Forwarded-For) after it. */
enum fit
scan_clf(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	return ncsa(ctx, p, end, h, CLF_XFF, 0);
}

/*
 * The combined format itself: its client field may be a list that ends
 * with the peer (client_list).  Other formats built on CLF (Traefik's)
 * write a list there that is all X-Forwarded-For, and use scan_clf.
 */
static enum fit
scan_combined(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	return ncsa(ctx, p, end, h, CLF_XFF, 1);
}

static enum fit
scan_common(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	return ncsa(ctx, p, end, h, CLF_COMMON, 1);
}

/* What a format is and does. */
enum {
	DETECT = 1,	/* auto-detection and the per-line fallback try it */
	XFF = 2,	/* its lines can carry X-Forwarded-For */
	COMMENTS = 4,	/* it reads its own '#' lines (W3C directives) */
};

/*
 * Every format, in the order auto-detection prefers them when two read a
 * file equally well: the more particular first.
 */
static const struct format {
	const char *name;
	enum logfmt fmt;
	scan_fn	 scan;
	unsigned flags;
} formats[] = {
	/* Amazon CloudFront standard logs: W3C with x-edge- columns, tabs */
	{ "cloudfront", FMT_CLOUDFRONT, scan_cloudfront,
	    DETECT | XFF | COMMENTS },
	/* W3C extended log format (IIS): "#Fields:" names the columns */
	{ "w3c", FMT_W3C, scan_w3c, DETECT | XFF | COMMENTS },
	/* Google Cloud Storage usage logs: CSV under a header line */
	{ "gcs", FMT_GCS, scan_gcs, DETECT },
	/* Caddy v2's JSON access log */
	{ "caddy", FMT_CADDY, scan_caddy, DETECT | XFF },
	/* Traefik's access log: JSON, or CLF with three fields more (before
	 * combined, which reads those lines as well but less) */
	{ "traefik", FMT_TRAEFIK, scan_traefik, DETECT | XFF },
	/* AWS Application Load Balancer: "h2 2024-03-10T12:00:00.1Z app/..." */
	{ "alb", FMT_ALB, scan_alb, DETECT },
	/* AWS Classic Load Balancer: "2024-03-10T12:00:00.1Z my-lb ..." */
	{ "elb", FMT_ELB, scan_elb, DETECT },
	/* Amazon S3 server access logs: "owner bucket [time] remote_ip ..." */
	{ "s3", FMT_S3, scan_s3, DETECT },
	/* Squid's native access.log: "1286536308.779    180 192.0.2.1 ..." */
	{ "squid", FMT_SQUID, scan_squid, DETECT },
	/* Apache's vhost_combined: "%v:%p %h %l %u %t ..." */
	{ "vhost_combined", FMT_VHOST, scan_vhost, DETECT },
	/* NCSA combined (Apache, nginx's default "combined" and "main") */
	{ "combined", FMT_COMBINED, scan_combined, DETECT | XFF },
	/* NCSA common log format */
	{ "common", FMT_COMMON, scan_common, DETECT },
	/* HAProxy's httplog, tcplog, clf and default formats, through
	 * syslog or raw */
	{ "haproxy", FMT_HAPROXY, scan_haproxy, DETECT },
	/* Syslog: sshd, Postfix, Dovecot, vsftpd, ProFTPD, HAProxy */
	{ "syslog", FMT_SYSLOG, scan_syslog, DETECT },
	/* Syslog, OpenSSH's messages only */
	{ "sshd", FMT_SSHD, scan_sshd, 0 },
	/* Apache httpd's error log, 2.2 and 2.4: "[time] [level] [client A]" */
	{ "apache-error", FMT_APACHE_ERROR, scan_apache_error, DETECT },
	/* nginx's error log: "2024/03/10 12:00:00 [error] ..., client: A" */
	{ "nginx-error", FMT_NGINX_ERROR, scan_nginx_error, DETECT },
	/* Any JSON lines, the client where --json-field says */
	{ "json", FMT_JSON, scan_json, 0 },
	/* The first address on each line, when nothing else reads it */
	{ "first-ip", FMT_FIRST_IP, scan_first_ip, 0 },
	/* --regex and --log-format */
	{ "regex", FMT_REGEX, scan_regex, COMMENTS },
};

#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))

static const struct format *
format_of(enum logfmt fmt)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (formats[i].fmt == fmt)
			return &formats[i];
	return NULL;
}

/* Read lines as fmt from now on (FMT_AUTO reads the first address). */
void
logfmt_set(struct logctx *ctx, enum logfmt fmt)
{
	const struct format *f = format_of(fmt);

	if (f == NULL)
		f = format_of(FMT_FIRST_IP);
	ctx->fmt = f->fmt;
	ctx->scan = f->scan;
}

static void
hit_clear(struct hit *h)
{
	h->when = 0;
	h->has_bytes = 0;
	h->xff = NULL;
	h->xff_len = 0;
}

/*
 * A comment ('#' first) or a blank line names nobody, in any format
 * but those that read their own directives.
 */
static int
no_client_line(const struct format *f, const char *p, const char *end)
{
	if (p < end && *p == '#')
		return !(f->flags & COMMENTS);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p == end;
}

static enum fit
scan_as(struct logctx *ctx, const struct format *f, const char *p,
    const char *end, struct hit *h)
{
	hit_clear(h);
	if (no_client_line(f, p, end))
		return FIT_NOCLIENT;
	return f->scan(ctx, p, end, h);
}

/*
 * A line that does not fit the file's format: the first other format
 * that reads it exactly (a combined log with vhost or error-log lines in
 * it).  Only on lines the file's own format rejects, so a file whose
 * lines all fit pays nothing.
 */
static enum fit
fall_back(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	int strict = ctx->strict;

	ctx->strict = 1;
	for (size_t i = 0; i < NFORMATS; i++) {
		if (!(formats[i].flags & DETECT) || formats[i].fmt == ctx->fmt)
			continue;
		hit_clear(h);
		if (formats[i].scan(ctx, p, end, h) == FIT_EXACT) {
			ctx->strict = strict;
			return FIT_EXACT;
		}
	}
	ctx->strict = strict;
	return FIT_NONE;
}

/* One line (without its newline) into *h; how it fits (enum fit). */
enum fit
logfmt_parse(struct logctx *ctx, const char *line, size_t n, struct hit *h)
{
	const char *end = line + n;
	enum fit fit;

	if (n > 0 && line[n - 1] == '\r')
		end--;
	hit_clear(h);
	/* Comments and blank lines, cheaply told from the rest. */
	if ((line == end || *line == '#' || *line == ' ' || *line == '\t') &&
	    no_client_line(format_of(ctx->fmt), line, end))
		return FIT_NOCLIENT;
	fit = ctx->scan(ctx, line, end, h);
	if (fit == FIT_NONE && ctx->fallback)
		fit = fall_back(ctx, line, end, h);
	return fit;
}

/*
 * The format of a file from the lines at its start: the one that reads
 * the most of them, an exact client counting twice a line in the format
 * without one (a W3C directive, a syslog line about no peer); first-ip
 * when no format reads any line.  Each format is tried on a copy of ctx:
 * the parser reads the file again from its start with the one chosen.
 */
enum logfmt
logfmt_detect(struct logctx *ctx, const char *buf, size_t n)
{
	enum { SAMPLE = 64 };
	size_t score[NFORMATS] = { 0 }, best = 0;
	const char *end = buf + n;
	struct logctx try;

	for (size_t i = 0; i < NFORMATS; i++) {
		const char *p = buf;

		if (!(formats[i].flags & DETECT))
			continue;
		try = *ctx;
		try.strict = 1;
		try.fallback = 0;
		for (int lines = 0; p < end && lines < SAMPLE; lines++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *eol = nl ? nl : end;
			struct hit h;
			enum fit fit;

			if (eol > p && eol[-1] == '\r')
				eol--;
			fit = scan_as(&try, &formats[i], p, eol, &h);
			/* Comments and blank lines say nothing of the format. */
			if (fit == FIT_EXACT)
				score[i] += 2;
			else if (fit == FIT_NOCLIENT && !no_client_line(
			    &formats[i], p, eol))
				score[i]++;
			if (nl == NULL)
				break;
			p = nl + 1;
		}
		if (score[i] > score[best])
			best = i;
	}
	if (score[best] == 0)
		return FMT_FIRST_IP;
	return formats[best].fmt;
}

int
logfmt_by_name(const char *name, enum logfmt *fmt)
{
	if (strcmp(name, "auto") == 0) {
		*fmt = FMT_AUTO;
		return 0;
	}
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(name, formats[i].name) == 0 &&
		    formats[i].fmt != FMT_REGEX) {
			*fmt = formats[i].fmt;
			return 0;
		}
	return -1;
}

/* Whether lines of the context's format can carry X-Forwarded-For. */
int
logfmt_has_xff(const struct logctx *ctx)
{
	const struct regex *re = ctx->regex;
	const struct format *f = format_of(ctx->fmt);

	if (ctx->fmt == FMT_REGEX)
		return re != NULL && re->g_xff != 0;
	return f != NULL && (f->flags & XFF);
}

const char *
logfmt_name(enum logfmt fmt)
{
	const struct format *f = format_of(fmt);

	return fmt == FMT_AUTO ? "auto" : f ? f->name : "?";
}

/*
 * Compile a --regex once.  It must have a named group "ip"; "time",
 * "bytes" and "xff" (X-Forwarded-For, for --client xff) are optional.
 * On error, NULL and a message in err.
 */
void *
logfmt_regex_compile(const char *pattern, char *err, size_t errlen)
{
	struct regex *re;
	int code;
	PCRE2_SIZE off;
	int n;

	re = xcalloc(1, sizeof(*re));
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    0, &code, &off, NULL);
	if (re->code == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "at offset %zu: %s", (size_t)off,
		    (char *)msg);
		free(re);
		return NULL;
	}
	if ((n = pcre2_substring_number_from_name(re->code,
	    (PCRE2_SPTR)"ip")) < 0) {
		snprintf(err, errlen, "it needs a named group (?<ip>...)");
		pcre2_code_free(re->code);
		free(re);
		return NULL;
	}
	re->g_ip = (uint32_t)n;
	if ((n = pcre2_substring_number_from_name(re->code,
	    (PCRE2_SPTR)"time")) > 0)
		re->g_time = (uint32_t)n;
	if ((n = pcre2_substring_number_from_name(re->code,
	    (PCRE2_SPTR)"bytes")) > 0)
		re->g_bytes = (uint32_t)n;
	if ((n = pcre2_substring_number_from_name(re->code,
	    (PCRE2_SPTR)"xff")) > 0)
		re->g_xff = (uint32_t)n;
	/* Without JIT (some platforms) matching still works, only slower. */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	return re;
}

void
logfmt_regex_free(void *p)
{
	struct regex *re = p;

	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}
