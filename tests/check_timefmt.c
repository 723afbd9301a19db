/*
 * timefmt.c: the timestamps logs write, into seconds since the epoch,
 * and ISO 8601 back out.  main() sets TZ=UTC: syslog and zone-less ISO
 * times are local time.  Expected values were worked out with an
 * independent calendar (Python's datetime).
 *
 * Inputs sit at the very end of a readable page, so reading one byte past
 * the given length faults here, sanitizer or not.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipwhois.h"
#include "testutil.h"

#define REF_2024_03_28_NOON	1711627200	/* 2024-03-28T12:00:00Z */

/* "10/Oct/2000:13:55:36 -0700"; 0: refused. */
static const struct {
	const char *in;
	int64_t want;
} clf_cases[] = {
	{ "10/Oct/2000:13:55:36 -0700", 971211336 },
	{ "10/Oct/2000:13:55:36 +0000", 971186136 },
	{ "10/Oct/2000:13:55:36 +0530", 971166336 },
	{ "17/May/2015:10:05:03 +0000", 1431857103 },
	{ "31/Dec/1999:23:59:59 +0000", 946684799 },
	{ "29/Feb/2024:00:00:00 +0000", 1709164800 },
	{ "26/Dec/2016:16:16:29 +0200", 1482761789 },
	/* Anything after the zone is not ours to judge. */
	{ "17/May/2015:10:05:03 +0000] \"GET /", 1431857103 },
	{ "10/Foo/2000:13:55:36 -0700", 0 },	/* month */
	{ "10/oct/2000:13:55:36 -0700", 0 },
	{ "1x/Oct/2000:13:55:36 -0700", 0 },	/* digits */
	{ "10/Oct/20x0:13:55:36 -0700", 0 },
	{ "10/Oct/2000:1a:55:36 -0700", 0 },
	{ "10/Oct/2000:13:55:36 -07x0", 0 },
	{ "00/Oct/2000:13:55:36 -0700", 0 },	/* ranges */
	{ "32/Oct/2000:13:55:36 -0700", 0 },
	{ "10/Oct/2000:24:00:00 -0700", 0 },
	{ "10/Oct/2000:13:60:00 -0700", 0 },
	{ "10/Oct/2000:13:55:61 -0700", 0 },
	{ "10/Oct/2000:13:55:36 -0760", 0 },
	{ "10/Oct/2000:13:55:36 +1500", 0 },
	{ "10/Oct/1969:13:55:36 +0000", 0 },
	{ "10/Oct/2000:13:55:36 0700", 0 },	/* layout */
	{ "10/Oct/2000:13:55:36 *0700", 0 },
	{ "10-Oct-2000:13:55:36 -0700", 0 },
	{ "10/Oct/2000 13:55:36 -0700", 0 },
	{ "10/Oct/2000:13:55:36-0700", 0 },
	{ "10/Oct/2000:13:55:36 -070", 0 },	/* short */
	{ "", 0 },
};

START_TEST(test_clf)
{
	const char *in = clf_cases[_i].in;
	size_t n = strlen(in);

	ck_assert_int_eq(time_clf(tu_guarded(in, n), n), clf_cases[_i].want);
}
END_TEST

/* ISO 8601 / RFC 3339; used: the bytes taken; 0 want: refused. */
static const struct {
	const char *in;
	int64_t want;
	size_t used;
} iso_cases[] = {
	{ "2024-03-27T13:06:56Z", 1711544816, 20 },
	{ "2024-03-27T13:06:56+01:00", 1711541216, 25 },
	{ "2024-03-27T13:06:56+0100", 1711541216, 24 },
	{ "2024-03-27T13:06:56+01", 1711541216, 22 },
	{ "2024-03-27T13:06:56-05:30", 1711564616, 25 },
	{ "2024-03-27T13:06:56-0530", 1711564616, 24 },
	{ "2024-03-27T13:06:56+00:00", 1711544816, 25 },
	{ "2024-03-27T13:06:56.123456Z", 1711544816, 27 },
	{ "2024-03-27T13:06:56,5Z", 1711544816, 22 },
	{ "2024-03-27T13:06:56.123456789+02:00", 1711537616, 35 },
	{ "2024-03-27 13:06:56Z", 1711544816, 20 },	/* space for T */
	{ "2024-03-27T13:06:56", 1711544816, 19 },	/* local (UTC) */
	{ "2024-03-27T13:06:56.999", 1711544816, 23 },
	{ "2024-03-27 13:06:56 host sshd[1]: x", 1711544816, 19 },
	{ "2024-03-27T13:06:56.123456+01:00 host sshd[1]: x", 1711541216,
	    32 },
	{ "2015-05-17T10:05:03Z", 1431857103, 20 },
	{ "1970-01-01T00:00:01Z", 1, 20 },
	{ "2024-13-27T13:06:56Z", 0, 0 },
	{ "2024-00-27T13:06:56Z", 0, 0 },
	{ "2024-03-00T13:06:56Z", 0, 0 },
	{ "2024-03-32T13:06:56Z", 0, 0 },
	{ "2024-03-27T24:00:00Z", 0, 0 },
	{ "2024-03-27T13:60:00Z", 0, 0 },
	{ "2024/03/27T13:06:56Z", 0, 0 },
	{ "2024-03-27X13:06:56Z", 0, 0 },
	{ "2024-03-27T13.06.56Z", 0, 0 },
	{ "2024-03-27T13:06", 0, 0 },
	{ "24-03-27T13:06:56Z", 0, 0 },
	{ "1969-12-31T23:59:59Z", 0, 0 },
	{ "abcd-ef-ghTij:kl:mn", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(test_iso)
{
	const char *in = iso_cases[_i].in;
	size_t n = strlen(in), used = 12345;
	struct syslog_clock c;
	int64_t t;

	syslog_clock_init(&c, REF_2024_03_28_NOON);
	t = time_iso(tu_guarded(in, n), n, &used, &c);
	ck_assert_int_eq(t, iso_cases[_i].want);
	if (iso_cases[_i].want != 0)
		ck_assert_uint_eq(used, iso_cases[_i].used);
	/* No clock: zone-less times are taken as UTC; the same here. */
	ck_assert_int_eq(time_iso(tu_guarded(in, n), n, NULL, NULL),
	    iso_cases[_i].want);
}
END_TEST

/* A zone-less time is local time, as the C library's zone rules say. */
START_TEST(test_iso_local)
{
	static const char in[] = "2024-03-27T13:06:56";
	struct syslog_clock c;
	size_t used;

	setenv("TZ", "EST5", 1);	/* UTC-5, no summer time */
	tzset();
	syslog_clock_init(&c, REF_2024_03_28_NOON);
	ck_assert_int_eq(time_iso(in, strlen(in), &used, &c),
	    1711544816 + 5 * 3600);
	ck_assert_int_eq(time_iso("2024-03-27T13:06:56Z", 20, &used, &c),
	    1711544816);
	setenv("TZ", "UTC", 1);
	tzset();
}
END_TEST

/* Syslog, with the year from a reference time of 2024-03-28 12:00. */
static const struct {
	const char *in;
	int64_t want;
} syslog_cases[] = {
	{ "Mar 27 13:06:56", 1711544816 },	/* 2024 */
	{ "Mar 27 13:06:56 host sshd[1]: x", 1711544816 },
	{ "Dec 10 06:55:46", 1702191346 },	/* after March: 2023 */
	{ "Mar  7 01:02:03", 1709773323 },	/* one-digit day */
	{ "Jan  1 00:00:00", 1704067200 },
	{ "Feb 29 12:00:00", 1709208000 },	/* 2024 is a leap year */
	{ "Mar 28 12:00:00", 1711627200 },	/* the reference itself */
	{ "Mar 29 00:00:00", 1711670400 },	/* a day of slack */
	{ "Mar 30 00:00:00", 1680134400 },	/* beyond it: 2023 */
	{ "Apr  1 00:00:00", 1680307200 },
	{ "Foo 27 13:06:56", 0 },
	{ "mar 27 13:06:56", 0 },
	{ "Mar 00 13:06:56", 0 },
	{ "Mar 32 13:06:56", 0 },
	{ "Mar 27 24:06:56", 0 },
	{ "Mar 27 13:60:56", 0 },
	{ "Mar 27 13:06:5x", 0 },
	{ "Mar 27 13:06", 0 },
	{ "Mar 27 13-06-56", 0 },
	{ "", 0 },
};

START_TEST(test_syslog)
{
	const char *in = syslog_cases[_i].in;
	size_t n = strlen(in);
	struct syslog_clock c;

	syslog_clock_init(&c, REF_2024_03_28_NOON);
	ck_assert_int_eq(time_syslog(tu_guarded(in, n), n, &c, NULL),
	    syslog_cases[_i].want);
}
END_TEST

/* The clock caches one hour: later lines in other hours are not hurt. */
START_TEST(test_syslog_cache)
{
	struct syslog_clock c;

	syslog_clock_init(&c, REF_2024_03_28_NOON);
	ck_assert_int_eq(c.year, 2024);
	ck_assert_int_eq(c.ref_local, 1711627200);	/* TZ=UTC */
	for (int round = 0; round < 2; round++) {
		ck_assert_int_eq(time_syslog("Mar 27 13:06:56", 15, &c, NULL),
		    1711544816);
		ck_assert_int_eq(time_syslog("Mar 27 13:59:59", 15, &c, NULL),
		    1711544816 - 6 * 60 - 56 + 59 * 60 + 59);
		ck_assert_int_eq(time_syslog("Mar 27 14:00:00", 15, &c, NULL),
		    1711548000);
		ck_assert_int_eq(time_syslog("Dec 10 06:55:46", 15, &c, NULL),
		    1702191346);
	}
}
END_TEST

/*
 * The reference time is the latest a line can be, plus a day of slack
 * for clocks and zones: with the file written 2024-03-31 12:00, a line
 * stamped "Apr  1 06:00:00" is 18 hours later, inside the slack, and so
 * of 2024 (the same as "Mar 29" for a reference of Mar 28 above).
 */
START_TEST(test_syslog_slack_across_month)
{
	struct syslog_clock c;

	syslog_clock_init(&c, 1711886400);	/* 2024-03-31T12:00:00Z */
	ck_assert_int_eq(time_syslog("Apr  1 06:00:00", 15, &c, NULL), 1711951200);
}
END_TEST

/* time_any: every form this program knows. */
static const struct {
	const char *in;
	int64_t want;
} any_cases[] = {
	{ "17/May/2015:10:05:03 +0000", 1431857103 },
	{ "2015-05-17T10:05:03Z", 1431857103 },
	{ "2015-05-17T12:05:03+02:00", 1431857103 },
	{ "2015-05-17 10:05:03", 1431857103 },
	{ "May 17 10:05:03", 1431857103 },
	{ "1431857103", 1431857103 },
	{ "1431857103.123", 1431857103 },
	{ "1431857103.123456789", 1431857103 },
	{ "999999999", 999999999 },		/* nine digits: 2001 */
	{ "12345", 0 },				/* too short for epoch */
	{ "123456789012", 0 },			/* too long */
	{ "1431857103x", 0 },
	{ "abc", 0 },
	{ "-", 0 },
	{ "", 0 },
};

START_TEST(test_any)
{
	const char *in = any_cases[_i].in;
	size_t n = strlen(in);
	struct syslog_clock c;

	syslog_clock_init(&c, 1433116800);	/* 2015-06-01T00:00:00Z */
	ck_assert_int_eq(time_any(tu_guarded(in, n), n, &c),
	    any_cases[_i].want);
}
END_TEST

static const struct {
	int64_t t;
	const char *want;
} format_cases[] = {
	{ 1431857103, "2015-05-17T10:05:03Z" },
	{ 1, "1970-01-01T00:00:01Z" },
	{ 86399, "1970-01-01T23:59:59Z" },
	{ 951782400, "2000-02-29T00:00:00Z" },
	{ 1709164800, "2024-02-29T00:00:00Z" },
	{ 946684799, "1999-12-31T23:59:59Z" },
	{ 4102444800, "2100-01-01T00:00:00Z" },
	{ 253402300799, "9999-12-31T23:59:59Z" },
	{ 253402300800, "" },			/* year 10000 */
	{ 0, "" },				/* unknown */
	{ -1, "" },
	{ INT64_MIN, "" },
	{ 99999999999, "5138-11-16T09:46:39Z" },	/* time_any's largest */
};

START_TEST(test_format)
{
	char buf[32];

	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(time_format(format_cases[_i].t, buf),
	    strlen(format_cases[_i].want));
	ck_assert_str_eq(buf, format_cases[_i].want);
}
END_TEST

/* time_format and time_iso agree from 1970 to 9999 (a day in 29). */
START_TEST(test_format_round_trip)
{
	char buf[32];

	for (int64_t t = 1; t < 253402300799; t += 86400 * 29 + 3607) {
		size_t used;

		ck_assert_uint_eq(time_format(t, buf), 20);
		ck_assert_int_eq(time_iso(buf, 20, &used, NULL), t);
		ck_assert_uint_eq(used, 20);
	}
}
END_TEST

static const struct {
	int y;
	unsigned m, d;
	int64_t want;
} civil_cases[] = {
	{ 1970, 1, 1, 0 },
	{ 1969, 12, 31, -1 },
	{ 2000, 1, 1, 10957 },
	{ 2000, 2, 29, 11016 },
	{ 2000, 3, 1, 11017 },
	{ 2024, 2, 29, 19782 },
	{ 2100, 3, 1, 47541 },		/* 2100 is not a leap year */
	{ 1600, 3, 1, -135080 },
	{ 1, 1, 1, -719162 },
};

START_TEST(test_days_from_civil)
{
	ck_assert_int_eq(days_from_civil(civil_cases[_i].y, civil_cases[_i].m,
	    civil_cases[_i].d), civil_cases[_i].want);
}
END_TEST

/* Consecutive days are consecutive numbers, months and leap years too. */
START_TEST(test_days_consecutive)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int64_t want = days_from_civil(1900, 1, 1);

	for (int y = 1900; y < 2400; y++) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		for (unsigned m = 1; m <= 12; m++) {
			unsigned n = mdays[m - 1] + (m == 2 && leap);

			for (unsigned d = 1; d <= n; d++)
				ck_assert_int_eq(days_from_civil(y, m, d),
				    want++);
		}
	}
}
END_TEST

static Suite *
timefmt_suite(void)
{
	Suite *s = suite_create("timefmt");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_clf, 0, nitems(clf_cases));
	tcase_add_loop_test(tc, test_iso, 0, nitems(iso_cases));
	tcase_add_test(tc, test_iso_local);
	tcase_add_loop_test(tc, test_syslog, 0, nitems(syslog_cases));
	tcase_add_test(tc, test_syslog_cache);
	tcase_add_test(tc, test_syslog_slack_across_month);
	tcase_add_loop_test(tc, test_any, 0, nitems(any_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, nitems(format_cases));
	tcase_add_test(tc, test_format_round_trip);
	tcase_add_loop_test(tc, test_days_from_civil, 0, nitems(civil_cases));
	tcase_add_test(tc, test_days_consecutive);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	/* Syslog and zone-less times are local: make local UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	return tu_run(timefmt_suite());
}
