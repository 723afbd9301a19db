/*
 * Helpers shared by the unit tests: guarded input buffers, whole files,
 * the real-data folder and the suite runner; for the log-format suites,
 * a line read and checked, every cut of it, detection, fail2ban's
 * annotated logs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/*
 * s[0..n) at the very end of a readable page followed by an unmapped
 * one, so a scanner reading one byte past its input dies here and now,
 * sanitizer or not.  Valid until the next call.
 */
const char *
tu_guarded(const char *s, size_t n)
{
	static char *page;
	static size_t psz;

	if (page == NULL) {
		psz = (size_t)sysconf(_SC_PAGESIZE);
		page = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ck_assert_ptr_ne(page, MAP_FAILED);
		ck_assert_int_eq(mprotect(page + psz, psz, PROT_NONE), 0);
	}
	ck_assert_uint_le(n, psz);
	memcpy(page + psz - n, s, n);
	return page + psz - n;
}

/*
 * The whole file at path, NUL-terminated for the string scanners, its
 * length (without the NUL) in *len unless len is NULL.  NULL when it
 * cannot be opened: the caller knows whether that is a skip or a
 * failure.  A file that opens but cannot be read fails the test.
 */
char *
tu_slurp(const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

/*
 * The real-data folder: registry files and logs too large, or not ours,
 * to keep in the tree.  Tests that need it skip when it is not there.
 */
const char *
tu_realdata(void)
{
	const char *d = getenv("IPWHOIS_REALDATA");
	struct stat st;

	if (d == NULL || *d == '\0')
		d = "../shared/realdata";
	return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

/*
 * tu_slurp of relpath inside the real-data folder; when it is not there,
 * says so (flushed, so the line lands before the summary) and gives NULL
 * for the test to return on.
 */
char *
tu_realdata_file(const char *relpath, size_t *len)
{
	char path[4096];
	char *buf;

	if (tu_realdata() == NULL) {
		printf("skipped: realdata not found (%s)\n", relpath);
		fflush(stdout);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", tu_realdata(), relpath);
	if ((buf = tu_slurp(path, len)) == NULL) {
		printf("skipped: realdata not found (%s)\n", path);
		fflush(stdout);
	}
	return buf;
}

/* Runs s; the exit status for main: 0 when every check passed. */
int
tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* A fresh context for fmt, strict or not, its syslog clock at TU_REF. */
void
tu_logctx(struct logctx *ctx, enum logfmt fmt, int strict)
{
	memset(ctx, 0, sizeof(*ctx));
	logfmt_set(ctx, fmt);
	syslog_clock_init(&ctx->clock, TU_REF);
	ctx->strict = strict;
}

static const char *
fit_name(int fit)
{
	static const char *const names[] = { "none", "noclient", "partial",
	    "exact" };

	return fit >= 0 && fit <= FIT_EXACT ? names[fit] : "?";
}

/*
 * What ctx's format made of line[0..n) (fit got, *h) against w: the fit
 * unless TU_ANY_FIT, a client or none, and the client's address, time
 * and size exactly.  No X-Forwarded-For unless asked for.
 */
void
tu_check_hit(const struct logctx *ctx, const char *line, size_t n, int got,
    const struct hit *h, const struct tu_want *w)
{
	const char *fmt = logfmt_name(ctx->fmt);
	char buf[IP_STRLEN];

	ck_assert_msg(w->fit == TU_ANY_FIT || got == w->fit,
	    "%s: %s, not %s: \"%.*s\"", fmt, fit_name(got), fit_name(w->fit),
	    (int)n, line);
	if (w->ip == NULL) {
		ck_assert_msg(got <= FIT_NOCLIENT, "%s: a client in \"%.*s\"",
		    fmt, (int)n, line);
		return;
	}
	ck_assert_msg(got >= FIT_PARTIAL, "%s: rejected \"%.*s\"", fmt,
	    (int)n, line);
	ip_format(&h->ip, buf);
	ck_assert_msg(strcmp(buf, w->ip) == 0, "%s: %s, not %s: \"%.*s\"",
	    fmt, buf, w->ip, (int)n, line);
	ck_assert_msg(h->when == w->when, "time %lld, not %lld: \"%.*s\"",
	    (long long)h->when, (long long)w->when, (int)n, line);
	if (w->bytes == TU_NO_BYTES)
		ck_assert_int_eq(h->has_bytes, 0);
	else {
		ck_assert_int_eq(h->has_bytes, 1);
		ck_assert_uint_eq(h->bytes, (uint64_t)w->bytes);
	}
	if (!ctx->want_xff)
		ck_assert_ptr_null(h->xff);
}

/*
 * line[0..n) read in ctx from the end of a guarded page, into a hit
 * filled with garbage first so that a field left unset shows.
 */
void
tu_check_line(struct logctx *ctx, const char *line, size_t n,
    const struct tu_want *w)
{
	struct hit h;
	int got;

	memset(&h, 0x55, sizeof(h));
	got = logfmt_parse(ctx, tu_guarded(line, n), n, &h);
	tu_check_hit(ctx, line, n, got, &h, w);
}

/* The same line ending in CR (of a CRLF file) must give the same. */
void
tu_check_crlf(struct logctx *ctx, const char *line, const struct tu_want *w)
{
	size_t n = strlen(line);
	char *crlf = malloc(n + 1);

	ck_assert_ptr_nonnull(crlf);
	memcpy(crlf, line, n);
	crlf[n] = '\r';
	tu_check_line(ctx, crlf, n + 1, w);
	free(crlf);
}

/* line read in a fresh context for fmt, strict or not, maybe with a CR. */
void
tu_check_fresh(enum logfmt fmt, int strict, const char *line, int crlf,
    const struct tu_want *w)
{
	struct logctx ctx;

	tu_logctx(&ctx, fmt, strict);
	if (crlf)
		tu_check_crlf(&ctx, line, w);
	else
		tu_check_line(&ctx, line, strlen(line), w);
}

/*
 * Every cut of line[0..n) (the last line of a log being written): the
 * first k bytes, each k < n, at the end of a guarded page, read in a
 * copy of *proto so that what one cut leaves cached cannot change the
 * next.  fn(k, fit, hit, arg) judges each.
 */
void
tu_each_cut(const struct logctx *proto, const char *line, size_t n,
    tu_cut_fn *fn, const void *arg)
{
	for (size_t k = 0; k < n; k++) {
		struct logctx ctx = *proto;
		struct hit h;
		int fit;

		memset(&h, 0x55, sizeof(h));
		fit = logfmt_parse(&ctx, tu_guarded(line, k), k, &h);
		fn(k, fit, &h, arg);
	}
}

/* logfmt_detect on buf, the first lines of a file, must say want. */
void
tu_detect(const char *what, const char *buf, enum logfmt want)
{
	size_t n = strlen(buf);
	struct logctx ctx;
	enum logfmt got;

	tu_logctx(&ctx, FMT_AUTO, 0);
	got = logfmt_detect(&ctx, tu_guarded(buf, n), n);
	ck_assert_msg(got == want, "%s: detected %s, not %s", what,
	    logfmt_name(got), logfmt_name(want));
}

/* -f name is fmt, and fmt is called name. */
void
tu_check_name(const char *name, enum logfmt fmt)
{
	enum logfmt got = FMT_REGEX;

	ck_assert_int_eq(logfmt_by_name(name, &got), 0);
	ck_assert_int_eq(got, fmt);
	ck_assert_str_eq(logfmt_name(fmt), name);
}

/* The value of "key" in a one-line JSON object, as text, into buf. */
static int
json_value(const char *json, const char *key, char *buf, size_t size)
{
	const char *p = strstr(json, key), *q;

	if (p == NULL || (p = strchr(p + strlen(key), ':')) == NULL)
		return -1;
	p += strspn(p + 1, " \t") + 1;
	if (strncmp(p, "true", 4) == 0) {
		snprintf(buf, size, "true");
		return 0;
	}
	if (*p != '"' || (q = strchr(p + 1, '"')) == NULL ||
	    (size_t)(q - p - 1) >= size)
		return -1;
	memcpy(buf, p + 1, (size_t)(q - p - 1));
	buf[q - p - 1] = '\0';
	return 0;
}

static void
failjson_parse(const char *line, struct tu_failjson *fj)
{
	char match[8];

	memset(fj, 0, sizeof(*fj));
	if (json_value(line, "\"host\"", fj->host, sizeof(fj->host)) == -1)
		fj->host[0] = '\0';
	if (json_value(line, "\"time\"", fj->time, sizeof(fj->time)) == -1)
		fj->time[0] = '\0';
	fj->match = json_value(line, "\"match\"", match, sizeof(match)) == 0 &&
	    strcmp(match, "true") == 0;
}

/*
 * fail2ban's annotated test logs (relpath in the real-data folder): a
 * "# failJSON: {...}" line says what the next line that is neither blank
 * nor a comment must give.  fn(line, n, annotation, arg) sees every other
 * line, NUL-terminated, the annotation NULL where there is none.
 * -1 (said) when the file is not there, for the test to return on.
 */
int
tu_failjson_each(const char *relpath, tu_failjson_fn *fn, void *arg)
{
	struct tu_failjson fj;
	char *buf, *p, *nl;
	size_t len;
	int pending = 0;

	if ((buf = tu_realdata_file(relpath, &len)) == NULL)
		return -1;
	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', len - (size_t)(p - buf))) == NULL)
			nl = buf + len;
		*nl = '\0';
		if (strncmp(p, "# failJSON:", 11) == 0) {
			failjson_parse(p, &fj);
			pending = 1;
			continue;
		}
		if (*p == '#' || *p == '\0') {
			fn(p, (size_t)(nl - p), NULL, arg);
			continue;
		}
		fn(p, (size_t)(nl - p), pending ? &fj : NULL, arg);
		pending = 0;
	}
	free(buf);
	return 0;
}
