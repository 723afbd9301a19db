/*
 * --log-format: the input's first line is an nginx log_format or Apache
 * LogFormat string, compiled (logformat_compile) into a --regex, the
 * lines after it read with that.  A pattern compiled from a format is a
 * pattern PCRE2 takes, with the client's group; a client it reads is
 * written in the line.
 */
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_local_zone();	/* syslog times are local */
	return 0;
}

static void
read_lines(struct logctx *ctx, const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char *line = malloc(len ? len : 1);
		struct hit h;
		enum fit fit;

		memcpy(line, p, len);
		fit = logfmt_parse(ctx, line, len, &h);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (fit >= FIT_PARTIAL && !fz_ip_in(&h.ip, line, line + len))
			fz_fail("--log-format: a client not in the line");
		if (h.xff != NULL && (h.xff < line || h.xff + h.xff_len >
		    line + len))
			fz_fail("--log-format: X-Forwarded-For outside the "
			    "line");
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char *s = (const char *)data, *nl = memchr(s, '\n', n);
	char *spec = fz_str(data, nl ? (size_t)(nl - s) : n), *pattern;
	char err[256] = "";
	struct logctx ctx;
	void *re;

	if ((pattern = logformat_compile(spec, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			fz_fail("logformat_compile: NULL without a reason");
		free(spec);
		return 0;
	}
	if ((re = logfmt_regex_compile(pattern, err, sizeof(err))) == NULL)
		fz_fail("'%s' compiled to '%s', which PCRE2 refuses: %s", spec,
		    pattern, err);
	memset(&ctx, 0, sizeof(ctx));
	syslog_clock_init(&ctx.clock, 1711627200);
	ctx.regex = re;
	ctx.want_xff = 1;
	logfmt_set(&ctx, FMT_REGEX);
	if (nl != NULL)
		read_lines(&ctx, nl + 1, s + n);
	logfmt_regex_free(re);
	free(pattern);
	free(spec);
	return 0;
}
