/*
 * input.c: log files plain or compressed, told apart by their first
 * bytes.  The compressed fixtures are made here, from text made here:
 * with gzip, bzip2, xz and zstd (scripts/install-deps installs them; a
 * test says so and skips when one is missing), and with zlib where the
 * test needs to know where a deflate block ends.  Files, then pipes: a
 * writer that dribbles its first bytes, a stream without a size.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "ipwhois.h"
#include "testutil.h"

#define MB	(1024 * 1024)

static char dir[64];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_input.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static const char *
path(const char *name)
{
	static char p[4][256];
	static int next;
	char *s = p[next++ % 4];

	snprintf(s, sizeof(p[0]), "%s/%s", dir, name);
	return s;
}

/* n bytes of log text, the same every time (malloc'd). */
static char *
log_text(size_t n)
{
	char *t = malloc(n + 128), *p = t;
	unsigned i = 0;

	ck_assert_ptr_nonnull(t);
	while ((size_t)(p - t) < n) {
		p += sprintf(p, "198.51.100.%u - - [10/Oct/2000:13:%02u:%02u "
		    "-0700] \"GET /page/%u HTTP/1.1\" 200 %u\n", i * 7 % 256,
		    i / 60 % 60, i % 60, i * 31 % 1000, i * 97 % 65536);
		i++;
	}
	return t;
}

static void
write_file(const char *p, const void *buf, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

static size_t
file_size(const char *p)
{
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	return (size_t)st.st_size;
}

/*
 * tool -c < in > out.  0, or -1 (said, for the test to skip) when the
 * tool is not installed.
 */
static int
compress_with(const char *tool, const char *in, const char *out)
{
	pid_t pid;
	int st;

	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		int i = open(in, O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (i == -1 || o == -1 || dup2(i, 0) == -1 || dup2(o, 1) == -1)
			_exit(126);
		execlp(tool, tool, "-q", "-c", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "%s: status %#x", tool, st);
	if (WEXITSTATUS(st) == 127) {
		printf("skipped: %s not found\n", tool);
		fflush(stdout);
		return -1;
	}
	ck_assert_msg(WEXITSTATUS(st) == 0, "%s: exit %d", tool,
	    WEXITSTATUS(st));
	return 0;
}

/* What reading an input to its end gave. */
struct got {
	char	*data;
	size_t	 len;
	int	 rc;		/* the last input_read(): 0 end, -1 error */
	char	 err[256];	/* input_error(), or "" */
	uint64_t raw;		/* input_raw_bytes() at the end */
};

/* fd read to its end (and closed), chunk bytes at a time. */
static void
read_fd_all(int fd, size_t chunk, struct got *g)
{
	struct input *in = input_open(fd);
	size_t cap = MB;
	ssize_t r;

	ck_assert_ptr_nonnull(in);
	memset(g, 0, sizeof(*g));
	ck_assert_ptr_nonnull(g->data = malloc(cap));
	for (;;) {
		if (g->len + chunk > cap)
			ck_assert_ptr_nonnull(g->data = realloc(g->data,
			    cap *= 2));
		if ((r = input_read(in, g->data + g->len, chunk)) <= 0)
			break;
		ck_assert_uint_le((size_t)r, chunk);
		g->len += (size_t)r;
	}
	g->rc = (int)r;
	if (input_error(in) != NULL)
		snprintf(g->err, sizeof(g->err), "%s", input_error(in));
	g->raw = input_raw_bytes(in);
	/* The end, or the error, stays. */
	ck_assert_int_eq(input_read(in, g->data, chunk), g->rc);
	input_close(in);
	close(fd);
}

static void
read_all(const char *p, size_t chunk, struct got *g)
{
	int fd = open(p, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	read_fd_all(fd, chunk, g);
}

/* The input read whole: exactly want, no error, raw bytes taken. */
static void
read_whole(const struct got *g, const char *want, size_t n, size_t raw)
{
	ck_assert_msg(g->rc == 0, "error: %s", g->err);
	ck_assert_str_eq(g->err, "");
	ck_assert_uint_eq(g->len, n);
	ck_assert(memcmp(g->data, want, n) == 0);
	ck_assert_uint_eq(g->raw, raw);
}

/* --- plain --------------------------------------------------------- */

START_TEST(test_plain)
{
	static const size_t chunks[] = { 64 * 1024, 4093, 7, 1 };
	size_t n = chunks[_i] < 64 ? 50000 : 3 * MB;
	char *t = log_text(n);
	struct got g;

	write_file(path("plain.log"), t, n);
	read_all(path("plain.log"), chunks[_i], &g);
	read_whole(&g, t, n, n);
	free(g.data);
	free(t);
}
END_TEST

/* Shorter than the first bytes looked at, and halves of magic numbers. */
START_TEST(test_short)
{
	static const struct {
		const char *s;
		size_t n;
	} cases[] = {
		{ "", 0 },
		{ "a", 1 },
		{ "ab\n", 3 },
		{ "\x1f", 1 },			/* half of gzip's */
		{ "BZ", 2 },			/* two thirds of bzip2's */
		{ "\xfd" "7zX", 4 },		/* most of xz's */
		{ "\x28\xb5\x2f", 3 },		/* most of zstd's */
		{ "1.2.3.4\n", 8 },
	};
	struct got g;

	for (size_t i = 0; i < nitems(cases); i++) {
		write_file(path("short"), cases[i].s, cases[i].n);
		read_all(path("short"), 64 * 1024, &g);
		read_whole(&g, cases[i].s, cases[i].n, cases[i].n);
		free(g.data);
	}
}
END_TEST

START_TEST(test_unreadable)
{
	struct got g;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	ck_assert_int_ge(fd, 0);
	read_fd_all(fd, 4096, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert_uint_eq(g.len, 0);
	ck_assert_str_eq(g.err, strerror(EISDIR));
	ck_assert_uint_eq(g.raw, 0);
	free(g.data);
}
END_TEST

/* --- compressed, by the tools -------------------------------------- */

static const struct {
	const char *tool;
	size_t	 chunk;
} tools[] = {
	{ "gzip", 64 * 1024 }, { "gzip", 1 },
	{ "bzip2", 64 * 1024 }, { "bzip2", 1 },
	{ "xz", 64 * 1024 }, { "xz", 1 },
	{ "zstd", 64 * 1024 }, { "zstd", 1 },
};

/* Whatever the name says: none of these has a telling one. */
START_TEST(test_compressed)
{
	size_t n = tools[_i].chunk < 64 ? 20000 : MB;
	char *t = log_text(n);
	struct got g;

	write_file(path("text"), t, n);
	if (compress_with(tools[_i].tool, path("text"), path("log")) == 0) {
		read_all(path("log"), tools[_i].chunk, &g);
		read_whole(&g, t, n, file_size(path("log")));
		free(g.data);
	}
	free(t);
}
END_TEST

/* Compressed, and nothing in it (logrotate's, of an empty log). */
START_TEST(test_gzip_empty)
{
	struct got g;

	write_file(path("text"), "", 0);
	if (compress_with("gzip", path("text"), path("log")) == -1)
		return;
	read_all(path("log"), 4096, &g);
	read_whole(&g, "", 0, file_size(path("log")));
	free(g.data);
}
END_TEST

/* Cut in half: what came before the cut, then an error. */
START_TEST(test_archive_truncated)
{
	static const char *const names[] = { "bzip2", "xz", "zstd" };
	size_t n = MB, size;
	char *t = log_text(n), *z;
	struct got g;

	write_file(path("text"), t, n);
	for (size_t i = 0; i < nitems(names); i++) {
		if (compress_with(names[i], path("text"), path("log")) == -1)
			continue;
		z = tu_slurp(path("log"), &size);
		write_file(path("cut"), z, size / 2);
		read_all(path("cut"), 64 * 1024, &g);
		ck_assert_msg(g.rc == -1, "%s: no error", names[i]);
		ck_assert_msg(g.err[0] != '\0', "%s: no message", names[i]);
		ck_assert_msg(g.len < n && memcmp(g.data, t, g.len) == 0,
		    "%s: %zu bytes, not the text's first", names[i], g.len);
		free(g.data);
		free(z);
	}
	free(t);
}
END_TEST

/* gzip -c a; gzip -c b: both, in order; junk after the last is no member. */
START_TEST(test_gzip_members)
{
	char *a = log_text(200000), *b = log_text(50000), *za, *zb, *all;
	char *ab = malloc(250000);
	size_t la, lb;
	struct got g;
	static const char junk[] = "\0\0\0\0 padding from a tape";

	write_file(path("a"), a, 200000);
	write_file(path("b"), b, 50000);
	if (compress_with("gzip", path("a"), path("a.gz")) == -1 ||
	    compress_with("gzip", path("b"), path("b.gz")) == -1)
		return;
	za = tu_slurp(path("a.gz"), &la);
	zb = tu_slurp(path("b.gz"), &lb);
	ck_assert_ptr_nonnull(all = malloc(la + lb + sizeof(junk)));
	memcpy(all, za, la);
	memcpy(all + la, zb, lb);
	memcpy(all + la + lb, junk, sizeof(junk));
	ck_assert_ptr_nonnull(ab);
	memcpy(ab, a, 200000);
	memcpy(ab + 200000, b, 50000);
	write_file(path("ab.gz"), all, la + lb);
	read_all(path("ab.gz"), 64 * 1024, &g);
	read_whole(&g, ab, 250000, la + lb);
	free(g.data);
	write_file(path("ab-junk.gz"), all, la + lb + sizeof(junk));
	read_all(path("ab-junk.gz"), 64 * 1024, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.len, 250000);
	ck_assert(memcmp(g.data, ab, 250000) == 0);
	free(g.data);
	free(ab);
	free(all);
	free(za);
	free(zb);
	free(a);
	free(b);
}
END_TEST

/* --- gzip, cut and damaged where a block ends ------------------------- */

/*
 * text[0, half) and then text[half, n) as one gzip member, with a full
 * flush between: a damaged or missing rest cannot reach back into the
 * first half.  The compressed bytes (malloc'd), their length, and where
 * the second half's begin.
 */
static uint8_t *
gzip_halves(const char *text, size_t half, size_t n, size_t *len,
    size_t *mid)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 1024;
	uint8_t *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)half;
	ck_assert_int_eq(deflate(&z, Z_FULL_FLUSH), Z_OK);
	ck_assert_uint_eq(z.avail_in, 0);
	*mid = z.total_out;
	z.next_in = (Bytef *)text + half;
	z.avail_in = (uInt)(n - half);
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*len = z.total_out;
	deflateEnd(&z);
	return out;
}

START_TEST(test_gzip_truncated)
{
	size_t n = 400000, half = 150000, len, mid;
	char *t = log_text(n);
	uint8_t *z = gzip_halves(t, half, n, &len, &mid);
	struct got g;

	/* At the flush: exactly the first half. */
	write_file(path("cut.gz"), z, mid);
	read_all(path("cut.gz"), 64 * 1024, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert_str_eq(g.err, "truncated gzip data");
	ck_assert_uint_eq(g.len, half);
	ck_assert(memcmp(g.data, t, half) == 0);
	ck_assert_uint_eq(g.raw, mid);
	free(g.data);
	/* Inside the second half: at least the first, never anything else. */
	write_file(path("cut.gz"), z, mid + (len - mid) / 2);
	read_all(path("cut.gz"), 64 * 1024, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert_str_eq(g.err, "truncated gzip data");
	ck_assert_uint_ge(g.len, half);
	ck_assert_uint_lt(g.len, n);
	ck_assert(memcmp(g.data, t, g.len) == 0);
	free(g.data);
	/* Without its trailer (CRC and size): all the text, then the error. */
	write_file(path("cut.gz"), z, len - 8);
	read_all(path("cut.gz"), 64 * 1024, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert_str_eq(g.err, "truncated gzip data");
	ck_assert_uint_eq(g.len, n);
	ck_assert(memcmp(g.data, t, n) == 0);
	free(g.data);
	/* Inside the header: nothing. */
	write_file(path("cut.gz"), z, 5);
	read_all(path("cut.gz"), 64 * 1024, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert_str_eq(g.err, "truncated gzip data");
	ck_assert_uint_eq(g.len, 0);
	free(g.data);
	free(z);
	free(t);
}
END_TEST

START_TEST(test_gzip_damaged)
{
	size_t n = 400000, half = 150000, len, mid;
	char *t = log_text(n);
	uint8_t *z = gzip_halves(t, half, n, &len, &mid);
	struct got g;

	/* The next block's header: last block, reserved type 3. */
	z[mid] = 0x07;
	write_file(path("bad.gz"), z, len);
	read_all(path("bad.gz"), 64 * 1024, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert_str_eq(g.err, "damaged gzip data: invalid block type");
	ck_assert_uint_eq(g.len, half);
	ck_assert(memcmp(g.data, t, half) == 0);
	free(g.data);
	free(z);
	free(t);
}
END_TEST

/* --- pipes ------------------------------------------------------------ */

/*
 * A pipe whose writer sends buf, its first `slow` bytes one at a time
 * with a pause after each, the rest in pieces of 1000.  The read end.
 */
static int
pipe_from(const void *buf, size_t n, size_t slow, pid_t *pid)
{
	const char *p = buf;
	int fd[2];

	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_ne(*pid = fork(), -1);
	if (*pid == 0) {
		struct timespec ms = { 0, 2 * 1000000 };

		close(fd[0]);
		for (size_t i = 0; i < n;) {
			size_t k = i < slow ? 1 : n - i < 1000 ? n - i : 1000;

			if (write(fd[1], p + i, k) != (ssize_t)k)
				_exit(1);
			i += k;
			if (i <= slow)
				nanosleep(&ms, NULL);
		}
		_exit(0);
	}
	close(fd[1]);
	return fd[0];
}

static void
reap(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer: %#x",
	    st);
}

START_TEST(test_pipe)
{
	size_t n = 2 * MB;
	char *t = log_text(n);
	struct got g;
	pid_t pid;

	read_fd_all(pipe_from(t, n, 10, &pid), 64 * 1024, &g);
	reap(pid);
	read_whole(&g, t, n, n);
	free(g.data);
	free(t);
}
END_TEST

/* Compressed through a pipe, its magic number in pieces. */
START_TEST(test_pipe_compressed)
{
	static const char *const names[] = { "gzip", "xz" };
	size_t n = MB, len;
	char *t = log_text(n), *z;
	struct got g;
	pid_t pid;

	write_file(path("text"), t, n);
	for (size_t i = 0; i < nitems(names); i++) {
		if (compress_with(names[i], path("text"), path("log")) == -1)
			continue;
		z = tu_slurp(path("log"), &len);
		read_fd_all(pipe_from(z, len, 10, &pid), 64 * 1024, &g);
		reap(pid);
		read_whole(&g, t, n, len);
		free(g.data);
		free(z);
	}
	free(t);
}
END_TEST

/*
 * A file emptied under the reader (logrotate's copytruncate): the read
 * at its end says so, with the size it has and how far it was read;
 * what came before is handed over whole.
 */
START_TEST(test_shrunk)
{
	size_t n = 3 * 64 * 1024;
	char *t = log_text(n), *buf = malloc(n);
	char want[128];
	struct input *in;
	int fd;

	ck_assert_ptr_nonnull(buf);
	write_file(path("shrinks.log"), t, n);
	fd = open(path("shrinks.log"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	in = input_open(fd);
	ck_assert_int_eq(input_read(in, buf, 6), 6);	/* the peeked bytes */
	ck_assert_int_eq(input_read(in, buf + 6, 64 * 1024 - 6),
	    64 * 1024 - 6);
	ck_assert_int_eq(memcmp(buf, t, 64 * 1024), 0);
	ck_assert_int_eq(truncate(path("shrinks.log"), 100), 0);
	ck_assert_int_eq(input_read(in, buf, n), -1);
	snprintf(want, sizeof(want), "the file shrank to 100 bytes while "
	    "being read, after %d (truncated: logrotate's copytruncate?)",
	    64 * 1024);
	ck_assert_str_eq(input_error(in), want);
	ck_assert_uint_eq(input_raw_bytes(in), 64 * 1024);
	input_close(in);
	close(fd);
	free(t);
	free(buf);
}
END_TEST

/* Read to its end, unchanged, or grown: nothing to say. */
START_TEST(test_not_shrunk)
{
	size_t n = 64 * 1024;
	char *t = log_text(n), *buf = malloc(2 * n);
	struct input *in;
	ssize_t r;
	size_t got = 0;
	int fd, wfd;

	ck_assert_ptr_nonnull(buf);
	write_file(path("grows.log"), t, n);
	fd = open(path("grows.log"), O_RDONLY);
	wfd = open(path("grows.log"), O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(wfd, 0);
	in = input_open(fd);
	while ((r = input_read(in, buf + got, 2 * n - got)) > 0) {
		got += (size_t)r;
		if (got == n)
			ck_assert_int_eq(write(wfd, "x\n", 2), 2);
	}
	close(wfd);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(got, n + 2);
	ck_assert_ptr_null(input_error(in));
	input_close(in);
	close(fd);
	free(t);
	free(buf);
}
END_TEST

/* A file opened part way (stdin after a shell's read): from there on. */
START_TEST(test_shrunk_from_offset)
{
	size_t n = 64 * 1024;
	char *t = log_text(n), buf[4096];
	struct input *in;
	int fd;

	write_file(path("offset.log"), t, n);
	fd = open(path("offset.log"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(lseek(fd, 60000, SEEK_SET), 60000);
	in = input_open(fd);
	ck_assert_int_eq(input_read(in, buf, sizeof(buf)), 6);	/* peeked */
	ck_assert_int_eq(truncate(path("offset.log"), 60001), 0);
	ck_assert_int_eq(input_read(in, buf, sizeof(buf)), -1);
	ck_assert_ptr_nonnull(strstr(input_error(in), "shrank to 60001 "
	    "bytes while being read, after 60006"));
	input_close(in);
	close(fd);
	free(t);
}
END_TEST

static Suite *
input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc;

	tc = tcase_create("plain");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_plain, 0, 4);
	tcase_add_test(tc, test_short);
	tcase_add_test(tc, test_unreadable);
	suite_add_tcase(s, tc);

	tc = tcase_create("compressed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_compressed, 0, nitems(tools));
	tcase_add_test(tc, test_gzip_empty);
	tcase_add_test(tc, test_archive_truncated);
	tcase_add_test(tc, test_gzip_members);
	tcase_add_test(tc, test_gzip_truncated);
	tcase_add_test(tc, test_gzip_damaged);
	suite_add_tcase(s, tc);

	tc = tcase_create("pipe");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pipe);
	tcase_add_test(tc, test_pipe_compressed);
	suite_add_tcase(s, tc);

	tc = tcase_create("shrunk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shrunk);
	tcase_add_test(tc, test_not_shrunk);
	tcase_add_test(tc, test_shrunk_from_offset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(input_suite());
}
