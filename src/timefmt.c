/*
 * Timestamps as logs write them, into seconds since the epoch (UTC), and
 * back out as ISO 8601.  Scanned by hand: no locale, no strptime, and the
 * local-time conversion (syslog) asks the C library once per hour of log.
 */
#include <string.h>
#include <time.h>

#include "ipwhois.h"

static const char months[12][3] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int
month_index(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (memcmp(s, months[i], 3) == 0)
			return i;
	return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t
days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* n decimal digits at s, or -1. */
int
dec_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
valid_hms(int H, int M, int S)
{
	return H >= 0 && H < 24 && M >= 0 && M < 60 && S >= 0 && S <= 60;
}

static int
valid_date(int y, int mon, int d)
{
	return y >= 1970 && y < 10000 && mon >= 1 && mon <= 12 && d >= 1 &&
	    d <= 31;
}

static int64_t
utc_seconds(int y, int mon, int d, int H, int M, int S)
{
	return days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 +
	    H * 3600 + M * 60 + S;
}

/*
 * Local wall-clock time to UTC.  The C library knows the zone rules; it
 * is asked once per distinct hour and the answer kept in *c.  Two hours
 * are kept: a line may carry two times of different years (HAProxy's
 * accept date after a syslog header whose year is only guessed), and one
 * entry would ask mktime(3) on every line.
 */
static int64_t
local_seconds(struct syslog_clock *c, int y, int mon, int d, int H, int M,
    int S)
{
	long key = ((long)y * 16 + mon) * 32 * 24 + d * 24 + H;
	int e;

	if (c == NULL)
		return utc_seconds(y, mon, d, H, M, S);
	if (key == c->hour_key[0])
		e = 0;
	else if (key == c->hour_key[1])
		e = 1;
	else {
		struct tm tm;
		time_t t;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = d;
		tm.tm_hour = H;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return 0;
		e = c->hour_next;
		c->hour_next ^= 1;
		c->hour_key[e] = key;
		c->hour_utc[e] = (int64_t)t;
	}
	return c->hour_utc[e] + M * 60 + S;
}

/* "10/Oct/2000:13:55:36 -0700" (Common Log Format), or 0. */
int64_t
time_clf(const char *s, size_t n)
{
	int d, mon, y, H, M, S, zh, zm, sign;

	if (n < 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' ||
	    s[14] != ':' || s[17] != ':' || s[20] != ' ')
		return 0;
	d = dec_digits(s, 2);
	mon = month_index(s + 3) + 1;
	y = dec_digits(s + 7, 4);
	H = dec_digits(s + 12, 2);
	M = dec_digits(s + 15, 2);
	S = dec_digits(s + 18, 2);
	sign = s[21] == '-' ? -1 : s[21] == '+' ? 1 : 0;
	zh = dec_digits(s + 22, 2);
	zm = dec_digits(s + 24, 2);
	if (!valid_date(y, mon, d) || !valid_hms(H, M, S) || sign == 0 ||
	    zh < 0 || zh > 14 || zm < 0 || zm > 59)
		return 0;
	return utc_seconds(y, mon, d, H, M, S) - sign * (zh * 3600 + zm * 60);
}

/*
 * ISO 8601 / RFC 3339: "2024-03-27T13:06:56[.123456][Z|+01:00|+0100]",
 * a space allowed for the T.  Without a zone the time is local.
 * *used gets the length consumed.  Returns 0 when it is not one.
 */
int64_t
time_iso(const char *s, size_t n, size_t *used, struct syslog_clock *c)
{
	int y, mon, d, H, M, S, zh = 0, zm = 0, sign = 0;
	size_t i = 19;

	if (n < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return 0;
	y = dec_digits(s, 4);
	mon = dec_digits(s + 5, 2);
	d = dec_digits(s + 8, 2);
	H = dec_digits(s + 11, 2);
	M = dec_digits(s + 14, 2);
	S = dec_digits(s + 17, 2);
	if (!valid_date(y, mon, d) || !valid_hms(H, M, S))
		return 0;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && s[i] == 'Z') {
		sign = 1;
		i++;
	} else if (i + 3 <= n && (s[i] == '+' || s[i] == '-') &&
	    (zh = dec_digits(s + i + 1, 2)) >= 0) {
		sign = s[i] == '-' ? -1 : 1;
		i += 3;
		if (i < n && s[i] == ':')
			i++;
		if (i + 2 <= n && (zm = dec_digits(s + i, 2)) >= 0)
			i += 2;
		else
			zm = 0;
	}
	if (used)
		*used = i;
	if (sign == 0)
		return local_seconds(c, y, mon, d, H, M, S);
	return utc_seconds(y, mon, d, H, M, S) - sign * (zh * 3600 + zm * 60);
}

/*
 * The year a syslog line was written in: syslog leaves it out.  The
 * reference time (the file's modification time, or now for a pipe) is the
 * latest the line can be, so a date after it belongs to the year before.
 */
void
syslog_clock_init(struct syslog_clock *c, time_t ref)
{
	struct tm tm;

	localtime_r(&ref, &tm);
	memset(c, 0, sizeof(*c));
	c->year = tm.tm_year + 1900;
	/* The reference as local wall-clock seconds, comparable with a
	 * syslog time read as if it were UTC. */
	c->ref_local = utc_seconds(c->year, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	c->hour_key[0] = c->hour_key[1] = -1;
}

/*
 * "Mar 27 13:06:56", "Mar  7 13:06:56" or "Mar 7 13:06:56" (local time,
 * no year).  *used gets the length.  0 when it is not one.
 */
int64_t
time_syslog(const char *s, size_t n, struct syslog_clock *c, size_t *used)
{
	int mon, d, H, M, S, y;
	const char *t;

	if (n < 14 || s[3] != ' ' || (mon = month_index(s)) < 0)
		return 0;
	if (s[4] == ' ')
		d = dec_digits(s + 5, 1), t = s + 6;
	else if (s[5] == ' ')
		d = dec_digits(s + 4, 1), t = s + 5;
	else
		d = dec_digits(s + 4, 2), t = s + 6;
	if (t + 9 > s + n || t[0] != ' ' || t[3] != ':' || t[6] != ':')
		return 0;
	H = dec_digits(t + 1, 2);
	M = dec_digits(t + 4, 2);
	S = dec_digits(t + 7, 2);
	if (d < 1 || d > 31 || !valid_hms(H, M, S))
		return 0;
	y = c->year;
	/* A day of slack for clocks and zones around the reference. */
	if (utc_seconds(y, mon + 1, d, H, M, S) > c->ref_local + 86400)
		y--;
	if (used)
		*used = (size_t)(t + 9 - s);
	return local_seconds(c, y, mon + 1, d, H, M, S);
}

/*
 * Any timestamp this program knows, at the start of s: CLF, ISO 8601,
 * syslog, or seconds since the epoch ("1431857103" or "1431857103.123").
 */
int64_t
time_any(const char *s, size_t n, struct syslog_clock *c)
{
	int64_t t;
	size_t used, i;

	if (n >= 26 && s[2] == '/')
		return time_clf(s, n);
	if (n >= 19 && s[4] == '-')
		return time_iso(s, n, &used, c);
	if (n >= 14 && s[3] == ' ')
		return time_syslog(s, n, c, NULL);
	for (i = 0, t = 0; i < n && i < 12 && s[i] >= '0' && s[i] <= '9'; i++)
		t = t * 10 + (s[i] - '0');
	if (i < 9 || i > 11 || (i < n && s[i] != '.'))
		return 0;
	return t;
}

/* "2015-05-17T10:05:03Z" into buf (at least 21 bytes); "" for unknown. */
size_t
time_format(int64_t t, char *buf)
{
	int y;
	unsigned m, d, sec;
	int64_t days;

	if (t <= 0) {
		buf[0] = '\0';
		return 0;
	}
	days = t / 86400;
	sec = (unsigned)(t % 86400);
	civil_from_days(days, &y, &m, &d);
	if (y > 9999) {
		buf[0] = '\0';
		return 0;
	}
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = 'T';
	buf[11] = (char)('0' + sec / 36000);
	buf[12] = (char)('0' + sec / 3600 % 10);
	buf[13] = ':';
	buf[14] = (char)('0' + sec % 3600 / 600);
	buf[15] = (char)('0' + sec % 3600 / 60 % 10);
	buf[16] = ':';
	buf[17] = (char)('0' + sec % 60 / 10);
	buf[18] = (char)('0' + sec % 10);
	buf[19] = 'Z';
	buf[20] = '\0';
	return 20;
}
