/*
 * The progress line: what the run has done so far, on standard error,
 * drawn by main (idle while the children work) four times a second from
 * half a second on, so quick runs show nothing:
 *
 *	12.3 MiB (45%), 120k lines, 3456 addresses, 1200 looked up,
 *	2256 pending, 3 failed, 25 lookups/s, ETA 1m31s
 *
 * (one line on the terminal; parts are left out when it is narrower).
 * The numbers are counters in the shared page: the parser sets its
 * totals once per block read, workers count as they answer.
 * progress_format() makes the text, a pure function; the rest draws it.
 *
 * Nothing else may land on that line.  A drawing is one write(2): "\r",
 * the text, erase to the end of the line.  Children's messages each
 * start with "\r" and erase, so a warning replaces the progress line
 * instead of being glued to its end, and the next drawing comes on the
 * line below.  The reporter ends the drawing for good before it writes
 * the report or its closing messages (share_draw_stop()), and main
 * clears what is left when the run ends, however it ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipwhois.h"

#define TICK_NS		250000000LL	/* four drawings a second */
#define FIRST_NS	500000000LL	/* runs shorter than this draw none */
#define RATE_NS		10000000000LL	/* the rate over the last 10 s */
#define RATE_MIN_NS	1000000000LL	/* and not before 1 s of it */
#define SAMPLES		(RATE_NS / TICK_NS)
#define ETA_MAX		(1000 * 3600.0)	/* past this, say none */

#define CLEAR		"\r\033[K"	/* to column 0, erase the line */
#define ERASE		"\033[K"	/* erase to the end of the line */

/* --- the text ----------------------------------------------------------- */

enum part {
	P_BYTES,	/* "12.3 MiB (45%)" */
	P_LINES,
	P_ADDRS,
	P_DONE,
	P_PENDING,
	P_FAILED,
	P_RATE,
	P_ETA,
	P_MAX
};

/* Too wide for the terminal: these parts go, in this order. */
static const enum part drop_order[] = {
	P_LINES, P_RATE, P_ADDRS, P_PENDING, P_FAILED,
};

/* Parts are formatted with setmsg() (vsnprintf()): short by design, cut
 * if ever longer. */
#define PART_LEN	40

/* Bytes in binary units: "512 B", "1.5 KiB", "12.3 MiB", "456 GiB". */
static void
human_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		setmsg(buf, len, "%llu B", (unsigned long long)n);
	else
		setmsg(buf, len, v < 99.95 ? "%.1f %s" : "%.0f %s", v,
		    unit[u]);
}

/* Counts: exact below 10000, then "12.3k", "456k", "1.2M". */
static void
human_count(uint64_t n, char *buf, size_t len)
{
	static const char unit[] = "kMGTPE";
	double v = (double)n / 1000;
	size_t u = 0;

	if (n < 10000) {
		setmsg(buf, len, "%llu", (unsigned long long)n);
		return;
	}
	while (v >= 999.5 && u + 1 < sizeof(unit) - 1) {
		v /= 1000;
		u++;
	}
	setmsg(buf, len, v < 99.95 ? "%.1f%c" : "%.0f%c", v, unit[u]);
}

/* Seconds, rounded up: "45s", "1m30s", "2h05m". */
static void
duration(double secs, char *buf, size_t len)
{
	unsigned long long s = (unsigned long long)secs;

	if ((double)s < secs)
		s++;
	if (s < 60)
		setmsg(buf, len, "%llus", s);
	else if (s < 3600)
		setmsg(buf, len, "%llum%02llus", s / 60, s % 60);
	else
		setmsg(buf, len, "%lluh%02llum", s / 3600, s / 60 % 60);
}

/* "(45%)" of the input read; none when its size is unknown. */
static void
bytes_part(const struct progress_snap *s, char *buf, size_t len)
{
	char n[PART_LEN];
	unsigned pct;

	human_bytes(s->bytes, n, sizeof(n));
	if (s->total == 0) {
		setmsg(buf, len, "%s", n);
		return;
	}
	/* A file that grew while read stops at 100. */
	pct = s->raw >= s->total ? 100 :
	    (unsigned)((double)s->raw * 100 / (double)s->total);
	setmsg(buf, len, "%s (%u%%)", n, pct);
}

static void
count_part(uint64_t v, const char *what, char *buf, size_t len)
{
	char n[PART_LEN];

	human_count(v, n, sizeof(n));
	setmsg(buf, len, "%s %s", n, what);
}

static void
rate_part(double rate, char *buf, size_t len)
{
	char n[PART_LEN];

	if (rate < 0)
		return;		/* not known yet */
	if (rate < 9.95)
		setmsg(n, sizeof(n), "%.1f", rate);
	else
		human_count((uint64_t)(rate + 0.5), n, sizeof(n));
	setmsg(buf, len, "%s lookups/s", n);
}

/* For the lookups pending now, at the recent rate: none when unknown. */
static void
eta_part(const struct progress_snap *s, uint64_t pending, char *buf,
    size_t len)
{
	char d[PART_LEN];
	double secs;

	if (pending == 0 || s->rate <= 0)
		return;
	if ((secs = (double)pending / s->rate) > ETA_MAX)
		return;
	duration(secs, d, sizeof(d));
	setmsg(buf, len, "ETA %s", d);
}

/* The parts that are there, joined with ", "; its length. */
static size_t
join(char part[P_MAX][PART_LEN], char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < P_MAX; i++) {
		int k;

		if (part[i][0] == '\0')
			continue;
		k = snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
		    part[i]);
		if (k < 0 || (size_t)k >= len - n)
			return strlen(buf);
		n += (size_t)k;
	}
	return n;
}

/*
 * The progress line for s, at most width characters (0: no limit):
 * the less telling parts are left out first (drop_order), and what is
 * still too long is cut.  Returns the length of what buf holds (not,
 * as snprintf() would, of what did not fit); NUL-terminated if len > 0.
 */
size_t
progress_format(const struct progress_snap *s, size_t width, char *buf,
    size_t len)
{
	char part[P_MAX][PART_LEN];
	uint64_t pending = s->addrs > s->done ? s->addrs - s->done : 0;
	size_t n;

	if (len == 0)
		return 0;
	memset(part, 0, sizeof(part));
	bytes_part(s, part[P_BYTES], PART_LEN);
	count_part(s->lines, "lines", part[P_LINES], PART_LEN);
	count_part(s->addrs, "addresses", part[P_ADDRS], PART_LEN);
	count_part(s->done, "looked up", part[P_DONE], PART_LEN);
	count_part(pending, "pending", part[P_PENDING], PART_LEN);
	count_part(s->failed, "failed", part[P_FAILED], PART_LEN);
	rate_part(s->rate, part[P_RATE], PART_LEN);
	eta_part(s, pending, part[P_ETA], PART_LEN);
	n = join(part, buf, len);
	for (size_t d = 0; width > 0 && n > width &&
	    d < sizeof(drop_order) / sizeof(drop_order[0]); d++) {
		part[drop_order[d]][0] = '\0';
		n = join(part, buf, len);
	}
	if (width > 0 && n > width)
		buf[n = width] = '\0';
	return n;
}

/* --- drawing it (main) ------------------------------------------------ */

struct progress {
	struct share *sh;
	int	 jobs;
	uint64_t total;		/* input bytes to read; 0 unknown */
	int64_t	 next;		/* when to draw next, ns */
	/* Lookups done at the last drawings, for the recent rate. */
	int64_t	 at[SAMPLES];
	uint64_t done[SAMPLES];
	unsigned nsamples;
};

/* Up to the end of the iovecs, through short writes; errors ignored. */
static void
write_all(struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(STDERR_FILENO, iov, n);

		if (w <= 0)
			return;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
}

static void
write_str(const char *s)
{
	struct iovec iov = { (void *)s, strlen(s) };

	write_all(&iov, 1);
}

/* The terminal's width less one (a full line would wrap); 0: unknown. */
static size_t
width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_col < 2)
		return 0;
	return (size_t)ws.ws_col - 1;
}

/*
 * A background job keeps off the terminal (its line would land on the
 * shell's prompt); it draws again once brought to the foreground.  Not
 * a terminal (--progress into a file): always.
 */
static int
foreground(void)
{
	pid_t fg = tcgetpgrp(STDERR_FILENO);

	return fg == -1 || fg == getpgrp();
}

/* Lookups a second, from the oldest drawing of the last few seconds. */
static double
recent_rate(struct progress *pg, int64_t now, uint64_t done)
{
	unsigned i = pg->nsamples % SAMPLES, oldest;

	pg->at[i] = now;
	pg->done[i] = done;
	pg->nsamples++;
	oldest = pg->nsamples <= SAMPLES ? 0 : pg->nsamples % SAMPLES;
	if (now - pg->at[oldest] < RATE_MIN_NS)
		return -1;
	return (double)(done - pg->done[oldest]) * 1e9 /
	    (double)(now - pg->at[oldest]);
}

static void
draw(struct progress *pg, int64_t now)
{
	struct progress_snap s;
	char line[256];
	struct iovec iov[3] = {
		{ "\r", 1 }, { line, 0 }, { ERASE, sizeof(ERASE) - 1 },
	};

	s.bytes = share_read(pg->sh, SHC_BYTES);
	s.raw = share_read(pg->sh, SHC_RAW_BYTES);
	s.total = pg->total;
	s.lines = share_read(pg->sh, SHC_LINES);
	s.addrs = share_read(pg->sh, SHC_ADDRS);
	s.done = share_answered_all(pg->sh, pg->jobs);
	s.failed = share_read(pg->sh, SHC_FAILED);
	s.rate = recent_rate(pg, now, s.done);
	iov[1].iov_len = progress_format(&s, width(), line, sizeof(line));
	if (foreground() && share_draw_begin(pg->sh)) {
		write_all(iov, 3);
		share_draw_end(pg->sh);
	}
}

/* Main, just before it waits for the children; NULL without the page. */
struct progress *
progress_new(struct share *sh, int jobs, uint64_t total)
{
	struct progress *pg;

	if (sh == NULL)
		return NULL;
	pg = xcalloc(1, sizeof(*pg));
	pg->sh = sh;
	pg->jobs = jobs;
	pg->total = total;
	pg->next = now_ns() + FIRST_NS;
	return pg;
}

/* Draws the line if it is time; the nanoseconds until the next time. */
int64_t
progress_tick(struct progress *pg)
{
	int64_t now = now_ns();

	if (now >= pg->next) {
		draw(pg, now);
		pg->next = now + TICK_NS;
	}
	return pg->next - now;
}

/* The drawing ends: the line is cleared, unless the reporter did. */
void
progress_end(struct progress *pg)
{
	if (pg == NULL)
		return;
	if (share_draw_stop(pg->sh))
		write_str(CLEAR);
	free(pg);
}

/* The reporter, before it writes anything: no more drawing. */
void
progress_off(const struct run *run)
{
	if (run->progress && share_draw_stop(run->share))
		write_str(CLEAR);
}

/* --- children's messages --------------------------------------------- */

/*
 * Standard error of a child while the line is drawn: each line written
 * starts by clearing the one it lands on (see the top).  Line-buffered,
 * so that a message is one write(2), never cut by a drawing.
 */
static ssize_t
fresh_line(void *cookie, const char *buf, size_t n)
{
	int *midline = cookie;
	struct iovec iov[2] = {
		{ CLEAR, *midline ? 0 : sizeof(CLEAR) - 1 },
		{ (void *)buf, n },
	};

	if (n == 0)
		return 0;
	write_all(iov, 2);
	*midline = buf[n - 1] != '\n';
	return (ssize_t)n;
}

void
progress_child(void)
{
	static int midline;
	cookie_io_functions_t io = { .write = fresh_line };
	FILE *fp;

	if ((fp = fopencookie(&midline, "w", io)) == NULL)
		return;		/* messages may then share the line */
	setvbuf(fp, NULL, _IOLBF, BUFSIZ);
	stderr = fp;
}
