/*
 * progress.c: the progress line's text, from a snapshot of the counters.
 * Units, rounding, the percentage, the rate, the ETA, and what is left
 * out when the terminal is narrow, all as exact strings.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

#define MIB	(1024 * 1024)

/* A run part way: 45% of the input read, lookups at 25 a second. */
static const struct progress_snap busy = {
	.bytes = 12897485, .raw = 450, .total = 1000, .lines = 120345,
	.addrs = 3456, .done = 1200, .failed = 3, .rate = 25,
};

#define BUSY	"12.3 MiB (45%), 120k lines, 3456 addresses, " \
		"1200 looked up, 2256 pending, 3 failed, 25 lookups/s, " \
		"ETA 1m31s"

static const char *
fmt(const struct progress_snap *s, size_t width)
{
	static char buf[512];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = progress_format(s, width, buf, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

START_TEST(test_start)
{
	struct progress_snap s = { .rate = -1 };

	/* Nothing read, size unknown, rate unknown: no %, rate or ETA. */
	ck_assert_str_eq(fmt(&s, 0), "0 B, 0 lines, 0 addresses, "
	    "0 looked up, 0 pending, 0 failed");
	/* A known size, nothing read yet. */
	s.total = 5 * MIB;
	ck_assert_str_eq(fmt(&s, 0), "0 B (0%), 0 lines, 0 addresses, "
	    "0 looked up, 0 pending, 0 failed");
}
END_TEST

START_TEST(test_busy)
{
	/* 2256 pending at 25/s: 90.24 s, rounded up. */
	ck_assert_uint_eq(strlen(BUSY), 107);
	ck_assert_str_eq(fmt(&busy, 0), BUSY);
}
END_TEST

/* Bytes: binary units, one decimal below 100. */
static const struct {
	uint64_t n;
	const char *want;
} bytes_cases[] = {
	{ 0, "0 B" },
	{ 1023, "1023 B" },
	{ 1024, "1.0 KiB" },
	{ 1536, "1.5 KiB" },
	{ 102348, "99.9 KiB" },		/* 99.949... */
	{ 102349, "100 KiB" },		/* 99.950... */
	{ 1048575, "1024 KiB" },	/* under 1 MiB, shown rounded */
	{ MIB, "1.0 MiB" },
	{ 1073741824, "1.0 GiB" },
	{ 5ULL << 40, "5.0 TiB" },
	{ UINT64_MAX, "16.0 EiB" },
};

START_TEST(test_bytes)
{
	struct progress_snap s = { .rate = -1 };
	char want[128];

	s.bytes = bytes_cases[_i].n;
	snprintf(want, sizeof(want), "%s, 0 lines, 0 addresses, 0 looked up, "
	    "0 pending, 0 failed", bytes_cases[_i].want);
	ck_assert_str_eq(fmt(&s, 0), want);
}
END_TEST

/* Counts: exact below 10000, then k, M, G ... */
static const struct {
	uint64_t n;
	const char *want;
} count_cases[] = {
	{ 9999, "9999" },
	{ 10000, "10.0k" },
	{ 99949, "99.9k" },
	{ 99950, "100k" },
	{ 999499, "999k" },
	{ 999500, "1.0M" },		/* never "1000k" */
	{ 1234567, "1.2M" },
	{ 3000000000ULL, "3.0G" },
	{ UINT64_MAX, "18.4E" },
};

START_TEST(test_counts)
{
	struct progress_snap s = { .rate = -1 };
	char want[128];

	s.lines = count_cases[_i].n;
	snprintf(want, sizeof(want), "0 B, %s lines, 0 addresses, 0 looked up, "
	    "0 pending, 0 failed", count_cases[_i].want);
	ck_assert_str_eq(fmt(&s, 0), want);
}
END_TEST

START_TEST(test_percent)
{
	struct progress_snap s = { .bytes = 2048, .total = 1000, .rate = -1 };

	s.raw = 999;			/* rounded down: 100 only at the end */
	ck_assert_str_eq(fmt(&s, 0), "2.0 KiB (99%), 0 lines, 0 addresses, "
	    "0 looked up, 0 pending, 0 failed");
	s.raw = 1000;
	ck_assert_str_eq(fmt(&s, 0), "2.0 KiB (100%), 0 lines, 0 addresses, "
	    "0 looked up, 0 pending, 0 failed");
	s.raw = 5000;			/* the file grew while read */
	ck_assert_str_eq(fmt(&s, 0), "2.0 KiB (100%), 0 lines, 0 addresses, "
	    "0 looked up, 0 pending, 0 failed");
	s.total = UINT64_MAX;		/* no overflow on the way */
	s.raw = UINT64_MAX / 2;
	ck_assert_str_eq(fmt(&s, 0), "2.0 KiB (50%), 0 lines, 0 addresses, "
	    "0 looked up, 0 pending, 0 failed");
}
END_TEST

/* The rate and the ETA for 90 pending lookups. */
static const struct {
	double rate;
	const char *want;	/* after "0 failed" */
} rate_cases[] = {
	{ -1, "" },				/* unknown: neither */
	{ 0, ", 0.0 lookups/s" },		/* stalled: no ETA */
	{ 0.5, ", 0.5 lookups/s, ETA 3m00s" },
	{ 2, ", 2.0 lookups/s, ETA 45s" },
	{ 9.94, ", 9.9 lookups/s, ETA 10s" },	/* 9.05 s, rounded up */
	{ 9.96, ", 10 lookups/s, ETA 10s" },
	{ 1.5, ", 1.5 lookups/s, ETA 1m00s" },
	{ 12345.6, ", 12.3k lookups/s, ETA 1s" },
	{ 0.025, ", 0.0 lookups/s, ETA 1h00m" },
	{ 0.0244, ", 0.0 lookups/s, ETA 1h01m" },	/* 3688.5 s */
	{ 0.00002, ", 0.0 lookups/s" },		/* 1250 h: no ETA */
};

START_TEST(test_rate)
{
	struct progress_snap s = { .addrs = 100, .done = 10 };
	char want[256];

	s.rate = rate_cases[_i].rate;
	snprintf(want, sizeof(want), "0 B, 0 lines, 100 addresses, "
	    "10 looked up, 90 pending, 0 failed%s", rate_cases[_i].want);
	ck_assert_str_eq(fmt(&s, 0), want);
}
END_TEST

START_TEST(test_done)
{
	struct progress_snap s = { .addrs = 5, .done = 5, .rate = 3 };

	/* Nothing pending: no ETA. */
	ck_assert_str_eq(fmt(&s, 0), "0 B, 0 lines, 5 addresses, "
	    "5 looked up, 0 pending, 0 failed, 3.0 lookups/s");
	/* Counts read at different moments: never a negative pending. */
	s.done = 7;
	ck_assert_str_eq(fmt(&s, 0), "0 B, 0 lines, 5 addresses, "
	    "7 looked up, 0 pending, 0 failed, 3.0 lookups/s");
}
END_TEST

/* Narrower terminals: parts go in drop_order, then the rest is cut. */
static const struct {
	size_t width;
	const char *want;
} narrow_cases[] = {
	{ 107, BUSY },
	{ 106, "12.3 MiB (45%), 3456 addresses, 1200 looked up, 2256 "
	    "pending, 3 failed, 25 lookups/s, ETA 1m31s" },
	{ 95, "12.3 MiB (45%), 3456 addresses, 1200 looked up, 2256 "
	    "pending, 3 failed, 25 lookups/s, ETA 1m31s" },
	{ 94, "12.3 MiB (45%), 3456 addresses, 1200 looked up, 2256 "
	    "pending, 3 failed, ETA 1m31s" },
	{ 81, "12.3 MiB (45%), 3456 addresses, 1200 looked up, 2256 "
	    "pending, 3 failed, ETA 1m31s" },
	{ 80, "12.3 MiB (45%), 1200 looked up, 2256 pending, 3 failed, "
	    "ETA 1m31s" },
	{ 65, "12.3 MiB (45%), 1200 looked up, 2256 pending, 3 failed, "
	    "ETA 1m31s" },
	{ 64, "12.3 MiB (45%), 1200 looked up, 3 failed, ETA 1m31s" },
	{ 51, "12.3 MiB (45%), 1200 looked up, 3 failed, ETA 1m31s" },
	{ 50, "12.3 MiB (45%), 1200 looked up, ETA 1m31s" },
	{ 41, "12.3 MiB (45%), 1200 looked up, ETA 1m31s" },
	{ 40, "12.3 MiB (45%), 1200 looked up, ETA 1m31" },
	{ 1, "1" },
};

START_TEST(test_narrow)
{
	const char *got = fmt(&busy, narrow_cases[_i].width);

	ck_assert_str_eq(got, narrow_cases[_i].want);
	ck_assert_uint_le(strlen(got), narrow_cases[_i].width);
}
END_TEST

/* A small buffer: cut, NUL-terminated, its length returned. */
START_TEST(test_small_buffer)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(progress_format(&busy, 0, buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "12.3 Mi");
	ck_assert_uint_eq(progress_format(&busy, 0, buf, 1), 0);
	ck_assert_str_eq(buf, "");
	buf[0] = 'x';
	ck_assert_uint_eq(progress_format(&busy, 0, buf, 0), 0);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

static Suite *
progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_start);
	tcase_add_test(tc, test_busy);
	tcase_add_loop_test(tc, test_bytes, 0, (int)nitems(bytes_cases));
	tcase_add_loop_test(tc, test_counts, 0, (int)nitems(count_cases));
	tcase_add_test(tc, test_percent);
	tcase_add_loop_test(tc, test_rate, 0, (int)nitems(rate_cases));
	tcase_add_test(tc, test_done);
	tcase_add_loop_test(tc, test_narrow, 0, (int)nitems(narrow_cases));
	tcase_add_test(tc, test_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(progress_suite());
}
