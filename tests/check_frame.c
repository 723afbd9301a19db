/*
 * frame.c: the wire between the processes.  Frames go through real pipes
 * here, whole, split, cut short, into a full pipe and into a closed one.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

/* The frame layout version this suite knows. */
#define V	7

/* F_ADDR: the address and its entry number; F_COUNT: the number, then
 * the counts. */
#define ADDR_SIZE	(16 + 4)
#define COUNT_SIZE	(4 + sizeof(struct count))

/* F_RESULT: the address and its entry number, five bytes of enums and flags, the network
 * (two addresses), the fetch time, eight length-prefixed fields. */
#define RESULT_MIN	(ADDR_SIZE + 5 + 32 + 8 + FLD_MAX * 2)
#define RESULT_MAX	(RESULT_MIN + FLD_MAX * FIELD_MAX)

/* The payload sizes each type allows, as the wire format promises. */
static const struct {
	enum frame_type type;
	uint32_t min, max;
} sizes[] = {
	{ F_SENTINEL, sizeof(struct sentinel), sizeof(struct sentinel) },
	{ F_ADDR, ADDR_SIZE, ADDR_SIZE },
	{ F_RESULT, RESULT_MIN, RESULT_MAX },
	{ F_WSTATS, sizeof(struct wstats), sizeof(struct wstats) },
	{ F_PSTATS, sizeof(struct pstats), sizeof(struct pstats) },
	{ F_COUNT, COUNT_SIZE, COUNT_SIZE },
};

/* A recognisable payload of n bytes: byte i is (seed + i * 7) & 0xff. */
static uint8_t *
payload(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
	return p;
}

static void
mkpipe(int fd[2])
{
	ck_assert_int_eq(pipe(fd), 0);
}

static void
set_nonblock(int fd)
{
	ck_assert_int_ne(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK),
	    -1);
}

static void
write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		ck_assert_int_gt(w, 0);
		p += w;
		n -= (size_t)w;
	}
}

/* A header as another process might have written it. */
static void
header(uint8_t h[FRAME_HDR], uint32_t len, uint16_t type, uint16_t version)
{
	memcpy(h, &len, 4);
	memcpy(h + 4, &type, 2);
	memcpy(h + 6, &version, 2);
}

/* Every type at its smallest and largest size, through a pipe. */
START_TEST(test_round_trip)
{
	uint32_t lens[2] = { sizes[_i].min, sizes[_i].max };
	struct frame_buf fb = { 0 };
	struct frame_reader fr;
	struct frame f;
	uint8_t *p[2];
	int fd[2];

	mkpipe(fd);
	for (int k = 0; k < 2; k++) {
		p[k] = payload(lens[k], (unsigned)(_i * 16 + k));
		ck_assert_int_eq(frame_put(&fb, sizes[_i].type, p[k], lens[k]),
		    0);
	}
	ck_assert_uint_eq(fb.len, 2 * FRAME_HDR + lens[0] + lens[1]);
	ck_assert_int_eq(frame_flush(&fb, fd[1]), 0);
	ck_assert_uint_eq(fb.len, 0);
	close(fd[1]);

	frame_reader_init(&fr, fd[0]);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(frame_read(&fr, &f), 1);
		ck_assert_uint_eq(f.type, sizes[_i].type);
		ck_assert_uint_eq(f.len, lens[k]);
		ck_assert_mem_eq(f.data, p[k], lens[k]);
		free(p[k]);
	}
	/* End of file right after a frame: a clean end. */
	ck_assert_int_eq(frame_read(&fr, &f), 0);
	ck_assert_int_eq(fr.eof, 1);
	close(fd[0]);
	frame_buf_free(&fb);
	ck_assert_ptr_null(fb.data);
}
END_TEST

/* An empty stream ends cleanly. */
START_TEST(test_empty_stream)
{
	struct frame_reader fr;
	struct frame f;
	int fd[2];

	mkpipe(fd);
	close(fd[1]);
	frame_reader_init(&fr, fd[0]);
	ck_assert_int_eq(frame_read(&fr, &f), 0);
	close(fd[0]);
}
END_TEST

/* Every prefix of a valid frame: "need more", never a wrong answer. */
START_TEST(test_check_prefixes)
{
	struct frame_buf fb = { 0 };
	struct frame f;
	uint32_t len = _i < (int)nitems(sizes) ? sizes[_i].min :
	    sizes[_i - nitems(sizes)].max;
	enum frame_type type = sizes[_i % nitems(sizes)].type;
	uint8_t *p = payload(len, 3);

	ck_assert_int_eq(frame_put(&fb, type, p, len), 0);
	for (size_t have = 0; have < fb.len; have++) {
		/* A copy of just the prefix: nothing past it to read. */
		uint8_t *cut = malloc(have ? have : 1);

		memcpy(cut, fb.data, have);
		ck_assert_msg(frame_check(cut, have, &f) == 0,
		    "type %d: %zu of %zu bytes is not \"need more\"", type,
		    have, fb.len);
		free(cut);
	}
	ck_assert_int_eq(frame_check(fb.data, fb.len, &f), 1);
	ck_assert_uint_eq(f.type, type);
	ck_assert_uint_eq(f.len, len);
	ck_assert_ptr_eq(f.data, fb.data + FRAME_HDR);
	/* Bytes after the frame belong to the next one. */
	ck_assert_int_eq(frame_put(&fb, F_SENTINEL, "abcd", 4), 0);
	ck_assert_int_eq(frame_check(fb.data, fb.len, &f), 1);
	ck_assert_uint_eq(f.len, len);
	free(p);
	frame_buf_free(&fb);
}
END_TEST

/* Headers that must be refused as soon as they are whole. */
static const struct {
	const char *what;
	uint32_t len;
	uint16_t type, version;
} bad_headers[] = {
	{ "type 0", 4, 0, V },
	{ "type F_TYPE_MAX", 4, F_TYPE_MAX, V },
	{ "type 0xffff", 4, 0xffff, V },
	{ "version 0", 4, F_SENTINEL, 0 },
	{ "version 1 (older)", 4, F_SENTINEL, 1 },
	{ "version 2 (older)", 4, F_SENTINEL, 2 },
	{ "version 3 (older)", 4, F_SENTINEL, 3 },
	{ "version 4 (older)", 4, F_SENTINEL, 4 },
	{ "version 5 (older)", 4, F_SENTINEL, 5 },
	{ "version 6 (older)", 4, F_SENTINEL, 6 },
	{ "version 8", 4, F_SENTINEL, 8 },
	{ "version 0x100", 4, F_SENTINEL, 0x100 },
	{ "sentinel too long", sizeof(struct sentinel) + 1, F_SENTINEL, V },
	{ "sentinel too short", sizeof(struct sentinel) - 1, F_SENTINEL, V },
	{ "sentinel empty", 0, F_SENTINEL, V },
	{ "addr too long", ADDR_SIZE + 1, F_ADDR, V },
	{ "addr too short", ADDR_SIZE - 1, F_ADDR, V },
	{ "result too long", RESULT_MAX + 1, F_RESULT, V },
	{ "result too short", RESULT_MIN - 1, F_RESULT, V },
	{ "result huge", 0xffffffff, F_RESULT, V },
	{ "wstats too long", sizeof(struct wstats) + 1, F_WSTATS, V },
	{ "wstats too short", sizeof(struct wstats) - 1, F_WSTATS, V },
	{ "pstats too long", sizeof(struct pstats) + 1, F_PSTATS, V },
	{ "pstats too short", sizeof(struct pstats) - 1, F_PSTATS, V },
	{ "count too long", sizeof(struct count) + 1, F_COUNT, V },
	{ "count too short", sizeof(struct count) - 1, F_COUNT, V },
	{ "count far too long", FRAME_MAX + 1, F_COUNT, V },
};

START_TEST(test_check_bad_header)
{
	uint8_t buf[FRAME_HDR + 64] = { 0 };
	struct frame f;

	header(buf, bad_headers[_i].len, bad_headers[_i].type,
	    bad_headers[_i].version);
	/* Fewer than 8 bytes: nothing can be said yet. */
	ck_assert_int_eq(frame_check(buf, FRAME_HDR - 1, &f), 0);
	ck_assert_msg(frame_check(buf, FRAME_HDR, &f) == -1, "%s: accepted",
	    bad_headers[_i].what);
	ck_assert_int_eq(frame_check(buf, sizeof(buf), &f), -1);
}
END_TEST

/* The same headers on a pipe: the reader reports a corrupt stream. */
START_TEST(test_read_bad_header)
{
	uint8_t buf[FRAME_HDR + 64] = { 0 };
	struct frame_reader fr;
	struct frame f;
	int fd[2];

	header(buf, bad_headers[_i].len, bad_headers[_i].type,
	    bad_headers[_i].version);
	mkpipe(fd);
	write_all(fd[1], buf, sizeof(buf));
	frame_reader_init(&fr, fd[0]);
	ck_assert_int_eq(frame_read(&fr, &f), -1);
	close(fd[0]);
	close(fd[1]);
}
END_TEST

START_TEST(test_put_refuses)
{
	struct frame_buf fb = { 0 };
	uint8_t *big = payload(RESULT_MAX + 1, 0);

	ck_assert_int_eq(frame_put(&fb, F_SENTINEL, "abcd", 4), 0);
	for (size_t i = 0; i < nitems(sizes); i++) {
		errno = 0;
		ck_assert_int_eq(frame_put(&fb, sizes[i].type, big,
		    sizes[i].max + 1), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_int_eq(frame_put(&fb, sizes[i].type, big,
		    sizes[i].min - 1), -1);
	}
	ck_assert_int_eq(frame_put(&fb, 0, big, 4), -1);
	ck_assert_int_eq(frame_put(&fb, F_TYPE_MAX, big, 4), -1);
	ck_assert_int_eq(frame_put(&fb, (enum frame_type)1000, big, 4), -1);
	/* Nothing of the refused frames was queued. */
	ck_assert_uint_eq(fb.len, FRAME_HDR + 4);
	free(big);
	frame_buf_free(&fb);
}
END_TEST

/*
 * A frame cut at every byte: the reader has the first part, finds no
 * frame in it, and reads the frame whole once the rest arrives.
 */
START_TEST(test_split_every_byte)
{
	struct frame_buf fb = { 0 };
	struct frame_reader fr;
	struct count c;
	struct frame f;
	int fd[2];

	memset(&c, 0, sizeof(c));
	c.ip.b[15] = 9;
	c.hits = 12345;
	c.bytes = BYTES_NONE;
	c.first = 1431857103;
	c.last = 1431857999;
	wire_put_count(&fb, 4321, &c);
	for (size_t cut = 1; cut < fb.len; cut++) {
		mkpipe(fd);
		frame_reader_init(&fr, fd[0]);
		write_all(fd[1], fb.data, cut);
		ck_assert_int_eq(frame_fill(&fr), 1);
		ck_assert_int_eq(frame_next(&fr, &f), 0);
		write_all(fd[1], fb.data + cut, fb.len - cut);
		ck_assert_int_eq(frame_read(&fr, &f), 1);
		ck_assert_uint_eq(f.type, F_COUNT);
		ck_assert_uint_eq(f.len, COUNT_SIZE);
		ck_assert_mem_eq(f.data + 4, &c, sizeof(c));
		close(fd[0]);
		close(fd[1]);
	}
	frame_buf_free(&fb);
}
END_TEST

/* Another process writes frames one byte per write(2). */
START_TEST(test_split_byte_by_byte)
{
	enum { N = 200 };
	struct frame_buf fb = { 0 };
	struct frame_reader fr;
	struct frame f;
	int fd[2], status, got = 0;
	pid_t pid;

	for (int i = 0; i < N; i++) {
		struct sentinel s = { ROLE_WORKER, (uint16_t)i };
		uint8_t *p = payload(RESULT_MIN + (size_t)i, (unsigned)i);

		ck_assert_int_eq(frame_put(&fb, F_SENTINEL, &s, sizeof(s)), 0);
		ck_assert_int_eq(frame_put(&fb, F_RESULT, p,
		    RESULT_MIN + (size_t)i), 0);
		free(p);
	}
	mkpipe(fd);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		for (size_t i = 0; i < fb.len; i++)
			if (write(fd[1], fb.data + i, 1) != 1)
				_exit(1);
		_exit(0);
	}
	ck_assert_int_ne(pid, -1);
	close(fd[1]);
	frame_reader_init(&fr, fd[0]);
	for (int i = 0; i < N; i++) {
		struct sentinel s;
		uint8_t *p = payload(RESULT_MIN + (size_t)i, (unsigned)i);

		ck_assert_int_eq(frame_read(&fr, &f), 1);
		ck_assert_uint_eq(f.type, F_SENTINEL);
		memcpy(&s, f.data, sizeof(s));
		ck_assert_uint_eq(s.role, ROLE_WORKER);
		ck_assert_uint_eq(s.id, i);
		ck_assert_int_eq(frame_read(&fr, &f), 1);
		ck_assert_uint_eq(f.type, F_RESULT);
		ck_assert_uint_eq(f.len, RESULT_MIN + (size_t)i);
		ck_assert_mem_eq(f.data, p, f.len);
		free(p);
		got++;
	}
	ck_assert_int_eq(frame_read(&fr, &f), 0);
	ck_assert_int_eq(got, N);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd[0]);
	frame_buf_free(&fb);
}
END_TEST

/* Many frames in one write: frame_next hands them out without reading. */
START_TEST(test_many_in_one_read)
{
	enum { N = 100 };
	struct frame_buf fb = { 0 };
	struct frame_reader fr;
	struct frame f;
	int fd[2];

	for (uint32_t i = 0; i < N; i++) {
		struct ip ip;

		ip_from_v4(&ip, i);
		wire_put_addr(&fb, &ip, N - i);
	}
	mkpipe(fd);
	ck_assert_int_eq(frame_flush(&fb, fd[1]), 0);
	frame_reader_init(&fr, fd[0]);
	ck_assert_int_eq(frame_fill(&fr), 1);
	close(fd[1]);
	for (uint32_t i = 0; i < N; i++) {
		struct ip ip;
		uint32_t e;

		ck_assert_int_eq(frame_next(&fr, &f), 1);
		ck_assert_int_eq(wire_get_addr(&f, &ip, &e), 0);
		ck_assert_uint_eq(ip_v4(&ip), i);
		ck_assert_uint_eq(e, N - i);
	}
	ck_assert_int_eq(frame_next(&fr, &f), 0);
	ck_assert_int_eq(frame_read(&fr, &f), 0);
	close(fd[0]);
	frame_buf_free(&fb);
}
END_TEST

/*
 * Each type at its smallest and largest, the stream ending after every
 * byte of it: a clean end before the first byte, a corrupt one after any
 * other, never a frame.
 */
START_TEST(test_eof_every_cut)
{
	uint32_t len = _i < (int)nitems(sizes) ? sizes[_i].min :
	    sizes[_i - nitems(sizes)].max;
	enum frame_type type = sizes[_i % nitems(sizes)].type;
	struct frame_buf fb = { 0 };
	uint8_t *p = payload(len, 5);
	struct frame_reader fr;
	struct frame f;
	int fd[2];

	frame_add(&fb, type, p, len);
	for (size_t cut = 0; cut < fb.len; cut++) {
		mkpipe(fd);
		write_all(fd[1], fb.data, cut);
		close(fd[1]);
		frame_reader_init(&fr, fd[0]);
		ck_assert_msg(frame_read(&fr, &f) == (cut == 0 ? 0 : -1),
		    "type %d, %u bytes, cut after %zu: not %s", type, len,
		    cut, cut == 0 ? "a clean end" : "corrupt");
		close(fd[0]);
	}
	free(p);
	frame_buf_free(&fb);
}
END_TEST

/* Every length short of a type's smallest is refused at the header. */
START_TEST(test_check_short_lengths)
{
	uint8_t buf[FRAME_HDR + RESULT_MAX] = { 0 };
	struct frame f;

	for (uint32_t len = 0; len < sizes[_i].min; len++) {
		header(buf, len, (uint16_t)sizes[_i].type, V);
		ck_assert_msg(frame_check(buf, FRAME_HDR + len, &f) == -1,
		    "type %d: %u bytes accepted", sizes[_i].type, len);
	}
}
END_TEST

/* The writer dies in the middle of a frame: a corrupt end, not a clean one. */
START_TEST(test_eof_mid_frame)
{
	struct frame_buf fb = { 0 };
	struct wstats ws = { .lookups = 1, .queries = 2, .cached = 3,
	    .known = 4, .stale = 5, .failed_ns = 6, .failed_status = ST_ERROR,
	    .failed_why = "rdap.arin.net is down" };
	struct frame_reader fr;
	struct frame f;
	int fd[2];

	ck_assert_int_eq(frame_put(&fb, F_SENTINEL, "abcd", 4), 0);
	ck_assert_int_eq(frame_put(&fb, F_WSTATS, &ws, sizeof(ws)), 0);
	/* Cut anywhere inside the second frame (header or payload). */
	for (size_t cut = FRAME_HDR + 4 + 1; cut < fb.len; cut++) {
		mkpipe(fd);
		write_all(fd[1], fb.data, cut);
		close(fd[1]);
		frame_reader_init(&fr, fd[0]);
		ck_assert_int_eq(frame_read(&fr, &f), 1);
		ck_assert_uint_eq(f.type, F_SENTINEL);
		ck_assert_msg(frame_read(&fr, &f) == -1,
		    "a frame cut after %zu of %zu bytes read as a clean end",
		    cut, fb.len);
		close(fd[0]);
	}
	frame_buf_free(&fb);
}
END_TEST

static size_t
drain(int fd, struct frame_reader *fr, uint32_t *next, uint32_t total)
{
	struct frame f;
	size_t got = 0;
	int r;

	(void)fd;
	while ((r = frame_fill(fr)) == 1) {
		while (frame_next(fr, &f) == 1) {
			uint8_t *p;

			ck_assert_uint_lt(*next, total);
			ck_assert_uint_eq(f.type, F_RESULT);
			ck_assert_uint_eq(f.len, RESULT_MAX);
			p = payload(RESULT_MAX, *next);
			ck_assert_mem_eq(f.data, p, RESULT_MAX);
			free(p);
			(*next)++;
			got++;
		}
	}
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, EAGAIN);
	return got;
}

/*
 * A non-blocking pipe that fills up: frame_flush_some keeps the rest and
 * says so; frames queued meanwhile go after it; all arrive in order.
 */
START_TEST(test_flush_some_full_pipe)
{
	enum { FIRST = 40, MORE = 10 };
	struct frame_buf fb = { 0 };
	struct frame_reader fr;
	uint32_t next = 0;
	int fd[2], r, rounds = 0;

	mkpipe(fd);
	set_nonblock(fd[0]);
	set_nonblock(fd[1]);
	frame_reader_init(&fr, fd[0]);
	for (uint32_t i = 0; i < FIRST; i++) {
		uint8_t *p = payload(RESULT_MAX, i);

		ck_assert_int_eq(frame_put(&fb, F_RESULT, p, RESULT_MAX), 0);
		free(p);
	}
	/* 40 * 7 KiB is more than a pipe holds (64 KiB on Linux). */
	ck_assert_int_eq(frame_flush_some(&fb, fd[1]), 1);
	ck_assert_uint_gt(fb.off, 0);
	ck_assert_uint_lt(fb.off, fb.len);
	for (uint32_t i = FIRST; i < FIRST + MORE; i++) {
		uint8_t *p = payload(RESULT_MAX, i);

		ck_assert_int_eq(frame_put(&fb, F_RESULT, p, RESULT_MAX), 0);
		free(p);
	}
	do {
		drain(fd[0], &fr, &next, FIRST + MORE);
		r = frame_flush_some(&fb, fd[1]);
		ck_assert_int_ne(r, -1);
		ck_assert_int_lt(++rounds, 1000);
	} while (r == 1);
	ck_assert_uint_eq(fb.len, 0);
	ck_assert_uint_eq(fb.off, 0);
	drain(fd[0], &fr, &next, FIRST + MORE);
	ck_assert_uint_eq(next, FIRST + MORE);
	close(fd[0]);
	close(fd[1]);
	frame_buf_free(&fb);
}
END_TEST

/* The reader is gone: EPIPE, -1, and the queued frames dropped. */
START_TEST(test_epipe)
{
	struct frame_buf fb = { 0 };
	int fd[2];

	signal(SIGPIPE, SIG_IGN);
	mkpipe(fd);
	close(fd[0]);
	ck_assert_int_eq(frame_put(&fb, F_SENTINEL, "abcd", 4), 0);
	errno = 0;
	ck_assert_int_eq(frame_flush_some(&fb, fd[1]), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_uint_eq(fb.len, 0);
	ck_assert_int_eq(frame_put(&fb, F_SENTINEL, "abcd", 4), 0);
	ck_assert_int_eq(frame_flush(&fb, fd[1]), -1);
	ck_assert_int_eq(errno, EPIPE);
	/* Nothing queued: nothing to write, nothing to fail. */
	ck_assert_int_eq(frame_flush(&fb, fd[1]), 0);
	close(fd[1]);
	frame_buf_free(&fb);
}
END_TEST

/*
 * frame_add queues what frame_put would; frame_send writes the queue
 * out whole, and empties it.
 */
START_TEST(test_add_send)
{
	struct frame_buf fa = { 0 }, fp = { 0 };
	struct sentinel s = { ROLE_WORKER, 7 };
	struct frame_reader fr;
	struct frame f;
	int fd[2];

	for (size_t i = 0; i < nitems(sizes); i++) {
		uint8_t *p = payload(sizes[i].min, (unsigned)i);

		frame_add(&fa, sizes[i].type, p, sizes[i].min);
		ck_assert_int_eq(frame_put(&fp, sizes[i].type, p,
		    sizes[i].min), 0);
		free(p);
	}
	frame_add(&fa, F_SENTINEL, &s, sizeof(s));
	ck_assert_int_eq(frame_put(&fp, F_SENTINEL, &s, sizeof(s)), 0);
	ck_assert_uint_eq(fa.len, fp.len);
	ck_assert_mem_eq(fa.data, fp.data, fa.len);
	mkpipe(fd);
	frame_send(&fa, fd[1]);
	ck_assert_uint_eq(fa.len, 0);
	frame_send(&fa, fd[1]);		/* nothing queued: nothing written */
	close(fd[1]);
	frame_reader_init(&fr, fd[0]);
	for (size_t i = 0; i < nitems(sizes); i++) {
		ck_assert_int_eq(frame_read(&fr, &f), 1);
		ck_assert_uint_eq(f.type, sizes[i].type);
		ck_assert_uint_eq(f.len, sizes[i].min);
	}
	ck_assert_int_eq(frame_read(&fr, &f), 1);
	ck_assert_uint_eq(f.type, F_SENTINEL);
	ck_assert_mem_eq(f.data, &s, sizeof(s));
	ck_assert_int_eq(frame_read(&fr, &f), 0);
	close(fd[0]);
	frame_buf_free(&fa);
	frame_buf_free(&fp);
}
END_TEST

/* How a child doing one of these ends: its exit status, or -1. */
enum send_case { SEND_GONE, SEND_GONE_STOPPED, ADD_REFUSED };

static int
child_status(enum send_case what)
{
	int fd[2], status;
	pid_t pid;

	mkpipe(fd);
	close(fd[0]);		/* the consumer is gone before it starts */
	if ((pid = fork()) == 0) {
		struct frame_buf fb = { 0 };
		uint8_t big[64] = { 0 };

		signal(SIGPIPE, SIG_IGN);
		freopen("/dev/null", "w", stderr);
		if (what == SEND_GONE_STOPPED)
			got_signal = SIGTERM;
		if (what == ADD_REFUSED)
			frame_add(&fb, F_ADDR, big, sizeof(big));
		frame_add(&fb, F_SENTINEL, "abcd", 4);
		frame_send(&fb, fd[1]);
		_exit(0);
	}
	ck_assert_int_ne(pid, -1);
	close(fd[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Neither returns on failure: a consumer gone is the end of the producer
 * (EXIT_INTERNAL, or 128 + the signal that asked it to stop), and so is a
 * frame that cannot be queued.
 */
START_TEST(test_send_failures)
{
	ck_assert_int_eq(child_status(SEND_GONE), EXIT_INTERNAL);
	ck_assert_int_eq(child_status(SEND_GONE_STOPPED), 128 + SIGTERM);
	ck_assert_int_eq(child_status(ADD_REFUSED), EXIT_INTERNAL);
}
END_TEST

/* --- sentinels ------------------------------------------------------------- */

/* A run of 3 workers: producers 0 (the parser) to 3 (worker 2). */
#define NW	3

static struct frame
sentinel_frame(struct sentinel *s, uint16_t role, uint16_t id)
{
	struct frame f = { F_SENTINEL, sizeof(*s), (const uint8_t *)s };

	s->role = role;
	s->id = id;
	return f;
}

/* Each producer's own sentinel, on its own pipe, once: accepted. */
START_TEST(test_sentinels_good)
{
	struct producers pr;
	struct sentinel s;
	struct frame f;
	char why[128];

	producers_init(&pr, NW);
	ck_assert_int_eq(pr.n, NW + 1);
	for (int w = NW - 1; w >= 0; w--) {
		f = sentinel_frame(&s, ROLE_WORKER, (uint16_t)w);
		ck_assert_int_eq(producer_end(&pr, 1 + w, &f, why,
		    sizeof(why)), 0);
	}
	f = sentinel_frame(&s, ROLE_PARSER, 0);
	ck_assert_int_eq(producer_end(&pr, 0, &f, why, sizeof(why)), 0);
	for (int p = 0; p <= NW; p++)
		ck_assert_uint_eq(pr.ended[p], 1);
	producers_free(&pr);
	ck_assert_ptr_null(pr.ended);
}
END_TEST

/* Sentinels refused, and what the message says. */
static const struct {
	const char *what;
	int from;		/* the pipe it comes on */
	uint16_t role, id;
	int ended;		/* a producer already ended, or -1 */
	const char *why;
} bad_sentinels[] = {
	{ "role out of range", 1, 2, 0, -1,
	    "a sentinel from no producer of the run (role 2, id 0)" },
	{ "role 0xffff", 0, 0xffff, 0, -1,
	    "a sentinel from no producer of the run (role 65535, id 0)" },
	{ "worker id = workers", 3, ROLE_WORKER, NW, -1,
	    "a sentinel from no producer of the run (role 1, id 3)" },
	{ "worker id 0xffff", 3, ROLE_WORKER, 0xffff, -1,
	    "a sentinel from no producer of the run (role 1, id 65535)" },
	{ "parser id 1", 0, ROLE_PARSER, 1, -1,
	    "a sentinel from no producer of the run (role 0, id 1)" },
	{ "another worker's, on a worker's pipe", 3, ROLE_WORKER, 0, -1,
	    "a sentinel from the worker 0" },
	{ "a worker's, on the parser's pipe", 0, ROLE_WORKER, 1, -1,
	    "a sentinel from the worker 1" },
	{ "the parser's, on a worker's pipe", 2, ROLE_PARSER, 0, -1,
	    "a sentinel from the parser" },
	{ "a second from a worker", 3, ROLE_WORKER, 0, 1,
	    "a second sentinel from the worker 0" },
	{ "a second from the parser", 0, ROLE_PARSER, 0, 0,
	    "a second sentinel from the parser" },
	{ "a second, on its own pipe", 2, ROLE_WORKER, 1, 2,
	    "a second sentinel from the worker 1" },
};

START_TEST(test_sentinels_bad)
{
	struct producers pr;
	struct sentinel s;
	struct frame f;
	char why[128] = "";
	int before[NW + 1];

	producers_init(&pr, NW);
	if (bad_sentinels[_i].ended >= 0)
		pr.ended[bad_sentinels[_i].ended] = 1;
	for (int p = 0; p <= NW; p++)
		before[p] = pr.ended[p];
	f = sentinel_frame(&s, bad_sentinels[_i].role, bad_sentinels[_i].id);
	ck_assert_msg(producer_end(&pr, bad_sentinels[_i].from, &f, why,
	    sizeof(why)) == -1, "%s: accepted", bad_sentinels[_i].what);
	ck_assert_str_eq(why, bad_sentinels[_i].why);
	/* A refused sentinel ends nobody. */
	for (int p = 0; p <= NW; p++)
		ck_assert_int_eq(pr.ended[p], before[p]);
	producers_free(&pr);
}
END_TEST

/* Not a sentinel's size (a frame made by hand, not read from a pipe). */
START_TEST(test_sentinel_malformed)
{
	struct producers pr;
	uint8_t bytes[8] = { 0 };
	struct frame f = { F_SENTINEL, 2, bytes };
	char why[128];

	producers_init(&pr, 1);
	ck_assert_int_eq(producer_end(&pr, 0, &f, why, sizeof(why)), -1);
	f.len = 8;
	ck_assert_int_eq(producer_end(&pr, 0, &f, why, sizeof(why)), -1);
	f.type = F_ADDR;
	f.len = sizeof(struct sentinel);
	ck_assert_int_eq(producer_end(&pr, 0, &f, why, sizeof(why)), -1);
	ck_assert_uint_eq(pr.ended[0], 0);
	producers_free(&pr);
}
END_TEST

START_TEST(test_producer_name)
{
	char name[32];

	producer_name(0, name, sizeof(name));
	ck_assert_str_eq(name, "parser");
	producer_name(1, name, sizeof(name));
	ck_assert_str_eq(name, "worker 0");
	producer_name(256, name, sizeof(name));
	ck_assert_str_eq(name, "worker 255");
	producer_name(256, name, 4);
	ck_assert_str_eq(name, "wor");
}
END_TEST

/*
 * Every length of a result payload short of a whole one (the header
 * agreeing with it): refused by the decoder, nothing left allocated.
 */
#define GOOD_ENTRY	0x01020304
static size_t good_result(uint8_t *, size_t);

START_TEST(test_result_every_cut)
{
	uint8_t buf[RESULT_MAX];
	size_t n = good_result(buf, sizeof(buf));

	for (size_t len = 0; len < n; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		struct frame f = { F_RESULT, (uint32_t)len, copy };
		struct answer a;
		struct ip ip;
		uint32_t e;

		memcpy(copy, buf, len);
		ck_assert_msg(wire_get_result(&f, &ip, &e, &a) == -1,
		    "a result of %zu of %zu bytes accepted", len, n);
		for (int i = 0; i < FLD_MAX; i++)
			ck_assert_ptr_null(a.field[i]);
		free(copy);
	}
}
END_TEST

/* wire_put_result -> frame_check -> wire_get_result. */
static void
result_round_trip(const struct ip *ip, const struct answer *a)
{
	struct frame_buf fb = { 0 };
	struct answer b;
	struct frame f;
	struct ip ip2;
	uint32_t e;

	wire_put_result(&fb, ip, ENTRY_MAX, a);
	ck_assert_int_eq(frame_check(fb.data, fb.len, &f), 1);
	ck_assert_uint_eq(f.type, F_RESULT);
	ck_assert_uint_eq(FRAME_HDR + f.len, fb.len);
	memset(&b, 0x55, sizeof(b));	/* no stale pointers may survive */
	ck_assert_int_eq(wire_get_result(&f, &ip2, &e, &b), 0);
	ck_assert_mem_eq(ip2.b, ip->b, 16);
	ck_assert_uint_eq(e, ENTRY_MAX);
	ck_assert(answer_equal(a, &b));
	answer_clear(&b);
	frame_buf_free(&fb);
}

START_TEST(test_result_all_fields)
{
	static const char *const text[FLD_MAX] = {
		[FLD_NETWORK] = "74.125.0.0/16",
		[FLD_NET_NAME] = "GOOGLE",
		[FLD_ORG] = "Google Inc. (GOGL), \"quoted\"",
		[FLD_COUNTRY] = "US",
		[FLD_ASN] = "15169",
		[FLD_AS_NAME] = "Zürich Ünïcode — 東京",
		[FLD_ABUSE_EMAIL] = "arin-contact@google.com",
		[FLD_NET_TYPE] = "Direct Allocation",
	};
	struct answer a = { 0 };
	struct ip ip;

	ip_from_v4(&ip, 0x4a7de1e5);
	a.kind = KIND_RESERVED;
	a.registry = RIR_RIPE;
	a.status = ST_RATE_LIMITED;
	a.source = SRC_BUILTIN;
	for (int i = 0; i < FLD_MAX; i++)
		answer_set(&a, i, text[i], strlen(text[i]));
	result_round_trip(&ip, &a);
	answer_clear(&a);
}
END_TEST

START_TEST(test_result_null_fields)
{
	struct answer a = { 0 };
	struct frame_buf fb = { 0 };
	struct ip ip;

	memset(ip.b, 0xab, sizeof(ip.b));
	a.status = ST_ERROR;
	result_round_trip(&ip, &a);
	/* Only some fields set. */
	answer_set(&a, FLD_COUNTRY, "DE", 2);
	answer_set(&a, FLD_ABUSE_EMAIL, "abuse@example.net", 17);
	result_round_trip(&ip, &a);
	/* All NULL is the smallest result. */
	answer_clear(&a);
	wire_put_result(&fb, &ip, 0, &a);
	ck_assert_uint_eq(fb.len, FRAME_HDR + RESULT_MIN);
	frame_buf_free(&fb);
}
END_TEST

/* Fields of exactly FIELD_MAX bytes, all seven: the largest frame. */
START_TEST(test_result_field_max)
{
	struct answer a = { 0 };
	struct frame_buf fb = { 0 };
	char *text = malloc(FIELD_MAX + 10);
	struct ip ip;

	ip_from_v4(&ip, 0x01020304);
	for (int i = 0; i < FIELD_MAX + 10; i++)
		text[i] = (char)('a' + i % 26);
	for (int i = 0; i < FLD_MAX; i++) {
		answer_set(&a, i, text, FIELD_MAX);
		ck_assert_uint_eq(strlen(a.field[i]), FIELD_MAX);
	}
	result_round_trip(&ip, &a);
	wire_put_result(&fb, &ip, 1, &a);
	ck_assert_uint_eq(fb.len, FRAME_HDR + RESULT_MAX);
	frame_buf_free(&fb);
	/* Longer text was cut by answer_set: the frame is the same. */
	answer_set(&a, FLD_ORG, text, FIELD_MAX + 10);
	ck_assert_uint_eq(strlen(a.field[FLD_ORG]), FIELD_MAX);
	result_round_trip(&ip, &a);
	answer_clear(&a);
	free(text);
}
END_TEST

/*
 * A valid F_RESULT payload to damage, written by hand (not by
 * wire_put_result, so these tests stand on their own): 8.8.8.8 (entry
 * GOOD_ENTRY), public,
 * ARIN, ok, rdap; network, org and abuse e-mail set.
 */
static size_t
good_result(uint8_t *buf, size_t size)
{
	static const char *const text[FLD_MAX] = {
		[FLD_NETWORK] = "8.8.8.0/24",
		[FLD_ORG] = "Google LLC",
		[FLD_ABUSE_EMAIL] = "network-abuse@google.com",
	};
	struct ip ip;
	size_t n = 0;

	ck_assert_uint_ge(size, RESULT_MIN + 64);
	ip_from_v4(&ip, 0x08080808);
	memcpy(buf, ip.b, 16);
	n += 16;
	memcpy(buf + n, &(uint32_t){ GOOD_ENTRY }, 4);
	n += 4;
	buf[n++] = KIND_PUBLIC;
	buf[n++] = RIR_ARIN;
	buf[n++] = ST_OK;
	buf[n++] = SRC_RDAP;
	buf[n++] = 0;		/* has_net */
	memset(buf + n, 0, 32 + 8);	/* net, fetched */
	n += 32 + 8;
	for (int i = 0; i < FLD_MAX; i++) {
		uint16_t len = text[i] ? (uint16_t)strlen(text[i]) : 0;

		memcpy(buf + n, &len, 2);
		if (len)
			memcpy(buf + n + 2, text[i], len);
		n += 2 + len;
	}
	return n;
}

/* Offsets in the payload. */
#define OFF_ENTRY	16
#define OFF_KIND	20
#define OFF_FIELDS	65

/* Damage done to good_result()'s payload; each must be refused. */
static const struct {
	const char *what;
	int off;		/* byte to set, -1 none */
	uint8_t val;
	int dlen;		/* change to the payload length */
	int field_len;		/* field whose length to set, -1 none */
	uint16_t flen;
} damage[] = {
	{ "entry past ENTRY_MAX", OFF_ENTRY + 3, 0x80, 0, -1, 0 },
	{ "kind KIND_MAX", OFF_KIND, KIND_MAX, 0, -1, 0 },
	{ "kind 0xff", OFF_KIND, 0xff, 0, -1, 0 },
	{ "registry RIR_MAX", OFF_KIND + 1, RIR_MAX, 0, -1, 0 },
	{ "status ST_MAX", OFF_KIND + 2, ST_MAX, 0, -1, 0 },
	{ "source SRC_MAX", OFF_KIND + 3, SRC_MAX, 0, -1, 0 },
	{ "source 0x80", OFF_KIND + 3, 0x80, 0, -1, 0 },
	{ "has_net 2", OFF_KIND + 4, 2, 0, -1, 0 },
	{ "trailing byte", -1, 0, 1, -1, 0 },
	{ "trailing bytes", -1, 0, 100, -1, 0 },
	{ "last byte missing", -1, 0, -1, -1, 0 },
	{ "last field cut", -1, 0, -5, -1, 0 },
	{ "first field runs past the end", -1, 0, 0, FLD_NETWORK, 1000 },
	{ "org runs past the end", -1, 0, 0, FLD_ORG, 200 },
	{ "last field runs past the end", -1, 0, 0, FLD_ABUSE_EMAIL, 25 },
	{ "field longer than FIELD_MAX", -1, 0, 0, FLD_NETWORK,
	    FIELD_MAX + 1 },
	{ "field length 0xffff", -1, 0, 0, FLD_ORG, 0xffff },
	{ "field shorter than written", -1, 0, 0, FLD_NETWORK, 9 },
};

/* The offset of field i's length in good_result()'s payload. */
static size_t
field_off(const uint8_t *p, int field)
{
	size_t off = OFF_FIELDS;

	for (int i = 0; i < field; i++) {
		uint16_t len;

		memcpy(&len, p + off, 2);
		off += 2 + len;
	}
	return off;
}

START_TEST(test_result_damaged)
{
	uint8_t buf[RESULT_MAX + 200];
	size_t n = good_result(buf, sizeof(buf));
	struct frame f = { F_RESULT, 0, buf };
	struct answer a;
	struct ip ip;
	uint32_t e;

	if (damage[_i].off >= 0)
		buf[damage[_i].off] = damage[_i].val;
	if (damage[_i].field_len >= 0)
		memcpy(buf + field_off(buf, damage[_i].field_len),
		    &damage[_i].flen, 2);
	f.len = (uint32_t)((int)n + damage[_i].dlen);
	memset(buf + n, 0, 100);
	/* A copy of exactly f.len bytes: reading past it is caught. */
	{
		uint8_t *copy = malloc(f.len);

		memcpy(copy, buf, f.len);
		f.data = copy;
		memset(&a, 0x55, sizeof(a));
		ck_assert_msg(wire_get_result(&f, &ip, &e, &a) == -1,
		    "%s: accepted", damage[_i].what);
		free(copy);
	}
	/* Nothing allocated is left behind (LeakSanitizer checks the rest). */
	for (int i = 0; i < FLD_MAX; i++)
		ck_assert_ptr_null(a.field[i]);
}
END_TEST

/* The undamaged payload passes (the damage test tests what it says). */
START_TEST(test_result_undamaged)
{
	uint8_t buf[RESULT_MAX];
	size_t n = good_result(buf, sizeof(buf));
	struct frame f = { F_RESULT, (uint32_t)n, buf };
	struct answer a;
	struct ip ip;
	uint32_t e;

	ck_assert_int_eq(wire_get_result(&f, &ip, &e, &a), 0);
	ck_assert_uint_eq(e, GOOD_ENTRY);
	ck_assert_str_eq(a.field[FLD_NETWORK], "8.8.8.0/24");
	ck_assert_str_eq(a.field[FLD_ORG], "Google LLC");
	ck_assert_str_eq(a.field[FLD_ABUSE_EMAIL], "network-abuse@google.com");
	ck_assert_ptr_null(a.field[FLD_COUNTRY]);
	ck_assert_uint_eq(a.registry, RIR_ARIN);
	ck_assert_uint_eq(a.source, SRC_RDAP);
	ck_assert_uint_eq(ip_v4(&ip), 0x08080808);
	answer_clear(&a);
	/* Not a result frame at all. */
	f.type = F_ADDR;
	ck_assert_int_eq(wire_get_result(&f, &ip, &e, &a), -1);
	f.type = F_RESULT;
	f.len = RESULT_MIN - 1;
	ck_assert_int_eq(wire_get_result(&f, &ip, &e, &a), -1);
}
END_TEST

/* wire_put_result writes the documented layout, byte for byte. */
START_TEST(test_result_layout)
{
	uint8_t want[RESULT_MAX];
	size_t n = good_result(want, sizeof(want));
	struct frame_buf fb = { 0 };
	struct answer a = { 0 };
	struct ip ip;

	ip_from_v4(&ip, 0x08080808);
	a.kind = KIND_PUBLIC;
	a.registry = RIR_ARIN;
	a.status = ST_OK;
	a.source = SRC_RDAP;
	answer_set(&a, FLD_NETWORK, "8.8.8.0/24", 10);
	answer_set(&a, FLD_ORG, "Google LLC", 10);
	answer_set(&a, FLD_ABUSE_EMAIL, "network-abuse@google.com", 24);
	wire_put_result(&fb, &ip, GOOD_ENTRY, &a);
	ck_assert_uint_eq(fb.len, FRAME_HDR + n);
	ck_assert_mem_eq(fb.data + FRAME_HDR, want, n);
	answer_clear(&a);
	frame_buf_free(&fb);
}
END_TEST

/*
 * F_ADDR and F_COUNT carry the entry number beside the address or the
 * counts, and back; a number past ENTRY_MAX, another type or another
 * length is refused.
 */
START_TEST(test_addr_count_wire)
{
	struct frame_buf fb = { 0 };
	struct count c, c2;
	struct frame f;
	struct ip ip, ip2;
	uint32_t e;
	uint8_t *p;

	ip_from_v4(&ip, 0xc0000207);
	wire_put_addr(&fb, &ip, 123456);
	ck_assert_int_eq(frame_check(fb.data, fb.len, &f), 1);
	ck_assert_uint_eq(f.len, ADDR_SIZE);
	ck_assert_int_eq(wire_get_addr(&f, &ip2, &e), 0);
	ck_assert_mem_eq(ip2.b, ip.b, 16);
	ck_assert_uint_eq(e, 123456);
	ck_assert_int_eq(wire_get_count(&f, &e, &c2), -1);
	p = fb.data + FRAME_HDR + 16;
	memcpy(p, &(uint32_t){ ENTRY_MAX + 1 }, 4);
	ck_assert_int_eq(wire_get_addr(&f, &ip2, &e), -1);
	f.len--;
	ck_assert_int_eq(wire_get_addr(&f, &ip2, &e), -1);
	frame_buf_free(&fb);

	memset(&c, 0, sizeof(c));
	c.ip = ip;
	c.hits = 99;
	c.bytes = BYTES_NONE;
	c.first = 1;
	c.last = 2;
	wire_put_count(&fb, ENTRY_MAX, &c);
	ck_assert_int_eq(frame_check(fb.data, fb.len, &f), 1);
	ck_assert_uint_eq(f.len, COUNT_SIZE);
	ck_assert_int_eq(wire_get_count(&f, &e, &c2), 0);
	ck_assert_uint_eq(e, ENTRY_MAX);
	ck_assert_mem_eq(&c2, &c, sizeof(c));
	ck_assert_int_eq(wire_get_addr(&f, &ip2, &e), -1);
	memcpy(fb.data + FRAME_HDR, &(uint32_t){ UINT32_MAX }, 4);
	ck_assert_int_eq(wire_get_count(&f, &e, &c2), -1);
	frame_buf_free(&fb);
}
END_TEST

static Suite *
frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("pipe");

	tcase_add_loop_test(tc, test_round_trip, 0, nitems(sizes));
	tcase_add_test(tc, test_empty_stream);
	tcase_add_test(tc, test_split_every_byte);
	tcase_add_test(tc, test_addr_count_wire);
	tcase_add_test(tc, test_split_byte_by_byte);
	tcase_add_test(tc, test_many_in_one_read);
	tcase_add_test(tc, test_eof_mid_frame);
	tcase_add_loop_test(tc, test_eof_every_cut, 0, 2 * nitems(sizes));
	tcase_add_test(tc, test_add_send);
	tcase_add_test(tc, test_send_failures);
	tcase_add_test(tc, test_flush_some_full_pipe);
	tcase_add_test(tc, test_epipe);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_loop_test(tc, test_check_prefixes, 0, 2 * nitems(sizes));
	tcase_add_loop_test(tc, test_check_bad_header, 0, nitems(bad_headers));
	tcase_add_loop_test(tc, test_read_bad_header, 0, nitems(bad_headers));
	tcase_add_test(tc, test_put_refuses);
	tcase_add_loop_test(tc, test_check_short_lengths, 0, nitems(sizes));
	suite_add_tcase(s, tc);

	tc = tcase_create("sentinel");
	tcase_add_test(tc, test_sentinels_good);
	tcase_add_loop_test(tc, test_sentinels_bad, 0, nitems(bad_sentinels));
	tcase_add_test(tc, test_sentinel_malformed);
	tcase_add_test(tc, test_producer_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("result");
	tcase_add_test(tc, test_result_all_fields);
	tcase_add_test(tc, test_result_null_fields);
	tcase_add_test(tc, test_result_field_max);
	tcase_add_test(tc, test_result_layout);
	tcase_add_test(tc, test_result_undamaged);
	tcase_add_loop_test(tc, test_result_damaged, 0, nitems(damage));
	tcase_add_test(tc, test_result_every_cut);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(frame_suite());
}
