/*
 * Timestamps: every parser of timefmt.c on the input, and time_any at
 * each offset of it (the scanners call them inside lines).  A time read
 * is formatted (time_format) and read back the same; so is one made of
 * the input's first 8 bytes, as ISO 8601 and as CLF.
 */
#include "fuzz.h"

static struct syslog_clock clock0;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_local_zone();
	syslog_clock_init(&clock0, 1711627200);	/* 2024-03-28 12:00 UTC */
	return 0;
}

static void
again(const char *who, int64_t t)
{
	char s[32];
	size_t n = time_format(t, s), used = 0;
	int64_t u;

	if (t <= 0 || n == 0)
		return;
	if (n != 20 || strlen(s) != n)
		fz_fail("%s: time_format(%lld) gave %zu bytes", who,
		    (long long)t, n);
	if ((u = time_iso(s, n, &used, NULL)) != t || used != n)
		fz_fail("%s: %lld is '%s', read back as %lld", who,
		    (long long)t, s, (long long)u);
}

/* t as CLF, "10/Oct/2000:13:55:36 +0000", read back. */
static void
clf_again(int64_t t)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char iso[32], clf[32];
	int m;

	if (time_format(t, iso) == 0 || memcmp(iso, "1970", 4) < 0)
		return;
	m = (iso[5] - '0') * 10 + iso[6] - '0';
	snprintf(clf, sizeof(clf), "%.2s/%.3s/%.4s:%.8s +0000", iso + 8,
	    mon + 3 * (m - 1), iso, iso + 11);
	if (time_clf(clf, strlen(clf)) != t)
		fz_fail("'%s' is not %lld", clf, (long long)t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char *s = (const char *)data;
	struct syslog_clock c = clock0;
	size_t used;
	int64_t t;

	again("time_clf", time_clf(s, n));
	used = 0;
	again("time_iso", t = time_iso(s, n, &used, &c));
	if (t != 0 && (used < 19 || used > n))
		fz_fail("time_iso: used %zu of %zu", used, n);
	used = 0;
	again("time_syslog", t = time_syslog(s, n, &c, &used));
	if (t != 0 && (used < 14 || used > n))
		fz_fail("time_syslog: used %zu of %zu", used, n);
	for (size_t i = 0; i < n && i < 256; i++)
		again("time_any", time_any(s + i, n - i, &c));
	if (n >= 8) {
		uint64_t v;

		memcpy(&v, data, 8);
		/* 1970 to 9999. */
		t = (int64_t)(v % 253402300799ULL) + 1;
		again("time_format", t);
		clf_again(t);
	}
	return 0;
}
