/*
 * Log lines: the input is a log file.  It is read as the parser reads
 * it, auto-detected with the per-line fallback, then line by line as
 * every format in turn, strict and not, with and without --client xff
 * (W3C and CloudFront #Fields: headers are lines like the others).
 *
 * Each line is copied to a buffer of its own exact size, so a scanner
 * reading past its end is caught by ASan.  Whatever client a scanner
 * returns must be written in the line; an X-Forwarded-For value must lie
 * in the line or in the context's own buffers.  JSON lines (Caddy's,
 * Traefik's, --json-field's) read by fmt_json.c's own scanner must read
 * as jansson reads them.
 */
#include "fuzz.h"

/* Every format -f names, but regex (fuzz_logformat) and auto. */
static const enum logfmt fmts[] = {
	FMT_COMBINED, FMT_COMMON, FMT_VHOST, FMT_SSHD, FMT_SYSLOG, FMT_W3C,
	FMT_CLOUDFRONT, FMT_GCS, FMT_ELB, FMT_ALB, FMT_S3, FMT_SQUID,
	FMT_HAPROXY, FMT_CADDY, FMT_TRAEFIK, FMT_JSON, FMT_APACHE_ERROR,
	FMT_NGINX_ERROR, FMT_FIRST_IP,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_local_zone();	/* syslog times are local */
	return 0;
}

static void
check_hit(const struct logctx *ctx, const char *p, const char *end,
    enum fit fit, const struct hit *h)
{
	const char *x = h->xff;
	struct netlist none = { NULL, NULL, 0 };
	struct ip client;

	if (fit > FIT_EXACT)
		fz_fail("%s: fit %d", logfmt_name(ctx->fmt), fit);
	if (fit < FIT_PARTIAL)
		return;
	if (!fz_ip_in(&h->ip, p, end)) {
		char s[IP_STRLEN];

		ip_format(&h->ip, s);
		fz_fail("%s: client %s is not in the line",
		    logfmt_name(ctx->fmt), s);
	}
	if (x == NULL)
		return;
	if (!ctx->want_xff)
		fz_fail("%s: X-Forwarded-For not asked for",
		    logfmt_name(ctx->fmt));
	if (!((x >= p && x + h->xff_len <= end) ||
	    (x >= ctx->w3c.xff && x + h->xff_len <= ctx->w3c.xff +
	    sizeof(ctx->w3c.xff)) ||
	    (x >= ctx->json_xff && x + h->xff_len <= ctx->json_xff +
	    sizeof(ctx->json_xff))))
		fz_fail("%s: X-Forwarded-For outside the line",
		    logfmt_name(ctx->fmt));
	xff_client(&h->ip, x, h->xff_len, &none, &client);
}

/* A JSON format's line read again through jansson alone: the same. */
static void
json_both_ways(const struct logctx *ctx, const char *line, size_t len,
    enum fit fit, const struct hit *h)
{
	struct logctx slow;
	struct hit b;
	enum fit fb;

	/* Not with the fallback: a line of another format may change the
	 * context (a W3C header), and reading it twice would not be alike. */
	if ((ctx->fmt != FMT_CADDY && ctx->fmt != FMT_TRAEFIK &&
	    ctx->fmt != FMT_JSON) || ctx->fallback ||
	    (ctx->want_xff && ctx->fmt != FMT_JSON))	/* jansson's alone */
		return;
	slow = *ctx;
	slow.json_slow = 1;
	memset(&b, 0, sizeof(b));
	fb = logfmt_parse(&slow, line, len, &b);
	if (fb != fit)
		fz_fail("%s: fit %d, jansson's %d", logfmt_name(ctx->fmt),
		    fit, fb);
	if (fit >= FIT_PARTIAL && (ip_cmp(&h->ip, &b.ip) != 0 ||
	    h->when != b.when || h->has_bytes != b.has_bytes ||
	    (h->has_bytes && h->bytes != b.bytes)))
		fz_fail("%s: not jansson's client, time or size",
		    logfmt_name(ctx->fmt));
}

/* Each line of data through ctx, copied alone to its own buffer. */
static void
read_lines(struct logctx *ctx, const uint8_t *data, size_t n)
{
	const char *p = (const char *)data, *end = p + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char *line = malloc(len ? len : 1);
		struct hit h;
		enum fit fit;

		memcpy(line, p, len);
		memset(&h, 0, sizeof(h));
		fit = logfmt_parse(ctx, line, len, &h);
		json_both_ways(ctx, line, len, fit, &h);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		check_hit(ctx, line, line + len, fit, &h);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void
ctx_init(struct logctx *ctx, int want_xff, int json)
{
	memset(ctx, 0, sizeof(*ctx));
	syslog_clock_init(&ctx->clock, 1711627200);	/* 2024-03-28 12:00 */
	ctx->want_xff = want_xff;
	if (json) {
		ctx->json_client = "request.remote_ip";
		ctx->json_time = "ts";
		ctx->json_bytes = "size";
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct logctx ctx;
	enum logfmt fmt;
	char *copy;

	/* As the parser reads a file: detection on its start (a copy of
	 * its own size), then the lines with the fallback. */
	for (int xff = 0; xff < 2; xff++) {
		ctx_init(&ctx, xff, xff);
		copy = malloc(n ? n : 1);
		memcpy(copy, data, n);
		fmt = logfmt_detect(&ctx, copy, n);
		free(copy);
		if (fmt <= FMT_AUTO || fmt >= FMT_MAX || fmt == FMT_REGEX)
			fz_fail("detection gave format %d", fmt);
		logfmt_set(&ctx, fmt);
		ctx.fallback = 1;
		read_lines(&ctx, data, n);
	}
	for (size_t i = 0; i < nitems(fmts); i++)
		for (int mode = 0; mode < 4; mode++) {
			ctx_init(&ctx, mode & 1, mode & 1);
			ctx.strict = mode >> 1;
			logfmt_set(&ctx, fmts[i]);
			if (ctx.fmt != fmts[i])
				fz_fail("logfmt_set: %d is not %d", ctx.fmt,
				    fmts[i]);
			read_lines(&ctx, data, n);
		}
	return 0;
}
