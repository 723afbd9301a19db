/*
 * fetch.c: every way an RDAP or whois exchange can end, against the
 * loopback test server ($TESTSERVER, tests/testserver.c) and its
 * fixtures ($IPWHOIS_TESTDATA/server).  Each test starts its own server,
 * so that its counters (requests, connections) are the test's alone.
 * The teardown stops and reaps it; should a test die first, the server
 * dies with it all the same (it asks the kernel for that, and gives up
 * by itself after -t seconds).
 *
 * Nothing here leaves 127.0.0.1: no host names, no proxies.  Times are
 * checked only against generous upper bounds.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

#define MB		(1024 * 1024)
#define QUICK_MS	3000	/* "quickly": far above what any of it takes */

/* The faults of every test's server, each on an address of its own. */
static const char *const faults[] = {
	"status:203.119.0.10:500",
	"ratelimit:193.0.0.1:7",		/* then 193.0.0.0_21.json */
	"garbage:200.57.128.1",
	"huge:198.51.100.1:100",		/* Content-Length */
	"huge-chunked:198.51.100.2:100",
	"huge-close:198.51.100.3:100",
	"drip:198.51.100.4:50",
	"drip:198.51.100.5:1",
	"hang:198.51.100.6",
	"reset:198.51.100.7",
	"redirect:198.51.100.8:http://127.0.0.1:{port}/final/ip/8.8.8.8",
	/* A loop: .9 and .10 send each other back and forth. */
	"redirect:198.51.100.9:/rdap/ip/198.51.100.10",
	"redirect:198.51.100.10:/rdap/ip/198.51.100.9",
	/* A chain: .11 -> .12 -> .13 -> .14 -> 8.8.8.8. */
	"redirect:198.51.100.11:/rdap/ip/198.51.100.12",
	"redirect:198.51.100.12:/rdap/ip/198.51.100.13",
	"redirect:198.51.100.13:/rdap/ip/198.51.100.14",
	"redirect:198.51.100.14:/rdap/ip/8.8.8.8",
	"redirect:198.51.100.20:file:///etc/passwd",
	"redirect:198.51.100.21:ftp://127.0.0.1:{port}/ip/8.8.8.8",
	"whois-garbage:198.51.100.32",
	"whois-hang:198.51.100.30",
	"whois-reset:198.51.100.31",
	"whois-drip:198.51.100.33:50",
};

/* The server of the running test. */
static struct {
	pid_t	 pid;
	int	 http, whois;
	char	 counts[4200];	/* its counters, in tmpdir */
} srv;

/*
 * The test case's folder for counters files, made and removed by the
 * runner: a failed test leaves nothing behind.
 */
static char tmpdir[4096];

static const char *self;	/* this program, to run again (argv[0]) */

/* What most tests fetch with. */
static const struct fetch_opts opts = { 2000, 5000, 1 * MB };
static const struct fetch_opts short_opts = { 2000, 500, 1 * MB };

static const char *
testdata(void)
{
	const char *d = getenv("IPWHOIS_TESTDATA");

	return d != NULL && *d != '\0' ? d : "tests/data";
}

static int64_t
mono_ms(void)
{
	return now_ns() / 1000000;
}

/* The server's exec, in the child: stdout is the pipe for the ports. */
static void __attribute__((noreturn))
server_exec(const char *bin, int out)
{
	char fixtures[4096];
	const char *argv[8 + 2 * nitems(faults)];
	size_t n = 0;

	snprintf(fixtures, sizeof(fixtures), "%s/server", testdata());
	if (dup2(out, STDOUT_FILENO) == -1)
		_exit(127);
	argv[n++] = bin;
	argv[n++] = "-d";
	argv[n++] = fixtures;
	argv[n++] = "-c";
	argv[n++] = srv.counts;
	argv[n++] = "-t";
	argv[n++] = "60";
	for (size_t i = 0; i < nitems(faults); i++) {
		argv[n++] = "--fault";
		argv[n++] = faults[i];
	}
	argv[n] = NULL;
	execv(bin, (char *const *)argv);
	_exit(127);
}

/*
 * A server for this test.  Without -p the server says its ports on
 * stdout, here a pipe: the read waits exactly as long as it needs, and
 * a server that dies first is an end of file, not a hang.
 */
static void
server_start(void)
{
	const char *bin = getenv("TESTSERVER");
	char line[128];
	size_t len = 0;
	ssize_t n;
	int p[2];

	ck_assert_msg(bin != NULL && access(bin, X_OK) == 0,
	    "TESTSERVER (the loopback server, make build/testserver) is not "
	    "set or not executable");
	snprintf(srv.counts, sizeof(srv.counts), "%s/counts.%ld", tmpdir,
	    (long)getpid());
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_ne(srv.pid = fork(), -1);
	if (srv.pid == 0)
		server_exec(bin, p[1]);
	close(p[1]);
	while (len + 1 < sizeof(line) && memchr(line, '\n', len) == NULL &&
	    ((n = read(p[0], line + len, sizeof(line) - 1 - len)) > 0 ||
	    (n == -1 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	close(p[0]);
	line[len] = '\0';
	ck_assert_msg(sscanf(line, "http=%d whois=%d", &srv.http,
	    &srv.whois) == 2, "%s: no ports (\"%s\")", bin, line);
}

/* Stops the server (it writes its counters then) and reaps it. */
static void
server_stop(void)
{
	int status;

	if (srv.pid <= 0)
		return;
	kill(srv.pid, SIGTERM);
	while (waitpid(srv.pid, &status, 0) == -1 && errno == EINTR)
		;
	srv.pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "testserver ended with status %#x", status);
}

/* A counter of the stopped server ("rdap_connections", "path /x"). */
static long
count(const char *key)
{
	char line[2048];
	size_t klen = strlen(key);
	long v = 0;
	FILE *f;

	ck_assert_msg((f = fopen(srv.counts, "r")) != NULL, "%s: no counters",
	    srv.counts);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

static void
on_alarm(int sig)
{
	got_signal = sig;
}

/* got_signal set by SIGALRM after ms, as a worker's handler would. */
static void
signal_in(long ms)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: EINTR, as there */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	/* libcurl would honour these; this suite talks to 127.0.0.1 only. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	got_signal = 0;
	server_start();
}

static void
teardown(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	got_signal = 0;
	server_stop();
	unlink(srv.counts);
}

static void
case_setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_fetch.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror(tmpdir);
		exit(EXIT_FAILURE);
	}
}

/* Whatever the tests left: counters, and a server's half-written ones. */
static void
case_teardown(void)
{
	char path[8192];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		if (de->d_name[0] != '.')
			unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

/* http://127.0.0.1:PORT/rdap/ip/ADDR. */
static const char *
rdap_url(const char *addr)
{
	static char url[256];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rdap/ip/%s", srv.http,
	    addr);
	return url;
}

static char *
fixture(const char *name, size_t *len)
{
	char path[4096];
	char *p;

	snprintf(path, sizeof(path), "%s/server/%s", testdata(), name);
	ck_assert_msg((p = tu_slurp(path, len)) != NULL, "%s: missing", path);
	return p;
}

/* The answer is exactly the fixture's bytes, NUL-terminated. */
static void
same_as(const struct fetch_result *r, const char *name)
{
	size_t len;
	char *want = fixture(name, &len);

	ck_assert_uint_eq(r->len, len);
	ck_assert_msg(memcmp(r->body, want, len) == 0, "not %s", name);
	ck_assert_int_eq(r->body[r->len], '\0');
	free(want);
}

/* An RDAP fetch that gets an answer with this status. */
static void
rdap_ok(struct fetcher *f, const char *addr, long status,
    struct fetch_result *r)
{
	ck_assert_msg(fetch_rdap(f, rdap_url(addr), r) == 0, "%s: %s: %s",
	    addr, fetch_err_name(r->err), r->why);
	ck_assert_int_eq(r->err, FE_OK);
	ck_assert_int_eq(r->http_status, status);
}

/* An RDAP fetch that fails with err within QUICK_MS. */
static void
rdap_fails(struct fetcher *f, const char *url, enum fetch_err err,
    struct fetch_result *r)
{
	int64_t t0 = mono_ms();

	ck_assert_int_eq(fetch_rdap(f, url, r), -1);
	ck_assert_msg(r->err == err, "%s: %s, not %s (%s)", url,
	    fetch_err_name(r->err), fetch_err_name(err), r->why);
	ck_assert_msg(r->why[0] != '\0', "%s: no why", url);
	ck_assert_int_lt(mono_ms() - t0, QUICK_MS);
	ck_assert_ptr_nonnull(r->body);
	ck_assert_int_eq(r->body[r->len], '\0');
}

/* A port on 127.0.0.1 that refuses: bound, never listening (keep fd). */
static int
refusing_port(int *fd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ne(*fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(*fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(*fd, (struct sockaddr *)&sin, &sl), 0);
	return ntohs(sin.sin_port);
}

/* ------------------------------------------------------------------ */
/* RDAP */

static const struct {
	const char *addr;
	const char *file;
} rdap_fixtures[] = {
	{ "8.8.8.8", "rdap/8.8.8.0_24.json" },
	{ "8.8.4.4", "rdap/8.0.0.0_9.json" },	/* the most specific */
	{ "193.0.6.139", "rdap/193.0.0.0_21.json" },
	{ "2001:db8::1", "rdap/2001:db8::_32.json" },
	{ "2a00:1450:4001::1", "rdap/2a00:1450::_29.json" },
};

START_TEST(test_rdap_fixture)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_ok(f, rdap_fixtures[_i].addr, 200, &r);
	same_as(&r, rdap_fixtures[_i].file);
	ck_assert_int_eq(r.retry_after, -1);
	ck_assert_str_eq(r.why, "");
	fetch_free(f);
}
END_TEST

/* Any HTTP status is an answer: the caller reads what it means. */
START_TEST(test_rdap_status)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_ok(f, "198.51.100.99", 404, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "\"errorCode\":404"));
	rdap_ok(f, "203.119.0.10", 500, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "\"errorCode\":500"));
	ck_assert_int_eq(r.retry_after, -1);
	/* A proxy's HTML page is still bytes to hand over. */
	rdap_ok(f, "200.57.128.1", 200, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "<h1>Bad Gateway</h1>"));
	fetch_free(f);
}
END_TEST

/* 429 with Retry-After, then the answer; a later answer has no wait. */
START_TEST(test_rdap_ratelimit)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_ok(f, "193.0.0.1", 429, &r);
	ck_assert_int_eq(r.retry_after, 7);
	ck_assert_ptr_nonnull(strstr(r.body, "\"errorCode\":429"));
	rdap_ok(f, "193.0.0.1", 200, &r);
	ck_assert_int_eq(r.retry_after, -1);
	same_as(&r, "rdap/193.0.0.0_21.json");
	fetch_free(f);
}
END_TEST

START_TEST(test_rdap_redirect)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_ok(f, "198.51.100.8", 200, &r);
	same_as(&r, "rdap/8.8.8.0_24.json");
	fetch_free(f);
	server_stop();
	ck_assert_int_eq(count("path /rdap/ip/198.51.100.8"), 1);
	ck_assert_int_eq(count("path /final/ip/8.8.8.8"), 1);
}
END_TEST

/* Three redirects are followed, a fourth is not; nor is a loop. */
START_TEST(test_rdap_redirect_limit)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_ok(f, "198.51.100.12", 200, &r);
	same_as(&r, "rdap/8.8.8.0_24.json");
	rdap_fails(f, rdap_url("198.51.100.11"), FE_PROTOCOL, &r);
	rdap_fails(f, rdap_url("198.51.100.9"), FE_PROTOCOL, &r);
	fetch_free(f);
	server_stop();
	/* The loop's first request and three redirects, no more. */
	ck_assert_int_eq(count("path /rdap/ip/198.51.100.9") +
	    count("path /rdap/ip/198.51.100.10"), 4);
}
END_TEST

/* http and https only, asked for or redirected to. */
START_TEST(test_rdap_schemes)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char url[128];

	rdap_fails(f, rdap_url("198.51.100.20"), FE_PROTOCOL, &r);
	ck_assert_uint_eq(r.len, 0);
	rdap_fails(f, rdap_url("198.51.100.21"), FE_PROTOCOL, &r);
	rdap_fails(f, "file:///etc/passwd", FE_PROTOCOL, &r);
	ck_assert_uint_eq(r.len, 0);
	snprintf(url, sizeof(url), "ftp://127.0.0.1:%d/ip/8.8.8.8", srv.http);
	rdap_fails(f, url, FE_PROTOCOL, &r);
	rdap_fails(f, "http://127.0.0.1:99999/rdap/ip/8.8.8.8", FE_PROTOCOL,
	    &r);
	fetch_free(f);
	server_stop();
	ck_assert_int_eq(count("rdap_requests"), 2);
}
END_TEST

/* 100 MB answers, by length, chunked and to the close: cut at 1 MB. */
static const char *const huge[] = {
	"198.51.100.1", "198.51.100.2", "198.51.100.3",
};

START_TEST(test_rdap_huge)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_fails(f, rdap_url(huge[_i]), FE_TOO_BIG, &r);
	ck_assert_uint_le(r.len, opts.max_bytes);
	/* A Content-Length too large is refused before any body comes. */
	if (_i == 0)
		ck_assert_uint_eq(r.len, 0);
	ck_assert_ptr_nonnull(strstr(r.why, "1048576"));
	fetch_free(f);
}
END_TEST

static long
max_rss_kb(void)
{
	struct rusage ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

/*
 * An endless answer costs max_bytes of memory, not what was sent: the
 * buffer never grows past it, nor does the process.
 */
START_TEST(test_rdap_huge_memory)
{
	struct fetch_opts o = { 2000, 10000, 4 * MB };
	struct fetcher *f = fetch_new(&o);
	struct fetch_result r;
	long before;

	rdap_ok(f, "8.8.8.8", 200, &r);		/* libcurl loaded */
	before = max_rss_kb();
	rdap_fails(f, rdap_url("198.51.100.2"), FE_TOO_BIG, &r);
	rdap_fails(f, rdap_url("198.51.100.3"), FE_TOO_BIG, &r);
	ck_assert_uint_le(r.len, o.max_bytes);
	/* Room for the NUL and the allocator's rounding to a page. */
	ck_assert_uint_le(malloc_usable_size(r.body), o.max_bytes + 1 + 4096);
	ck_assert_int_lt(max_rss_kb() - before, 40 * 1024);
	fetch_free(f);
}
END_TEST

/* max_bytes is the largest answer taken, exactly. */
START_TEST(test_rdap_size_boundary)
{
	struct fetch_opts o = opts;
	struct fetcher *f;
	struct fetch_result r;
	size_t len;

	free(fixture("rdap/8.8.8.0_24.json", &len));
	o.max_bytes = len;
	f = fetch_new(&o);
	rdap_ok(f, "8.8.8.8", 200, &r);
	same_as(&r, "rdap/8.8.8.0_24.json");
	fetch_free(f);
	o.max_bytes = len - 1;
	f = fetch_new(&o);
	rdap_fails(f, rdap_url("8.8.8.8"), FE_TOO_BIG, &r);
	ck_assert_uint_le(r.len, len - 1);
	fetch_free(f);
}
END_TEST

/* A slow answer that ends in time is an answer; one that does not is not. */
START_TEST(test_rdap_drip)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetcher *g = fetch_new(&short_opts);
	struct fetch_result r;

	rdap_ok(f, "198.51.100.5", 404, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "\"errorCode\":404"));
	rdap_fails(g, rdap_url("198.51.100.4"), FE_TIMEOUT, &r);
	fetch_free(f);
	fetch_free(g);
}
END_TEST

START_TEST(test_rdap_hang)
{
	struct fetcher *f = fetch_new(&short_opts);
	struct fetch_result r;

	rdap_fails(f, rdap_url("198.51.100.6"), FE_TIMEOUT, &r);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_int_eq(r.unreachable, 0);	/* connected, then silence */
	fetch_free(f);
}
END_TEST

START_TEST(test_rdap_reset)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_fails(f, rdap_url("198.51.100.7"), FE_RESET, &r);
	ck_assert_int_eq(r.unreachable, 0);
	fetch_free(f);
}
END_TEST

START_TEST(test_rdap_refused)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char url[128];
	int fd, port = refusing_port(&fd);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rdap/ip/8.8.8.8",
	    port);
	rdap_fails(f, url, FE_CONNECT, &r);
	ck_assert_ptr_nonnull(strstr(r.why, "127.0.0.1"));
	ck_assert_int_eq(r.unreachable, 1);
	close(fd);
	fetch_free(f);
}
END_TEST

/*
 * A port whose listen queue is full: the kernel drops the SYN, so a
 * connect neither succeeds nor fails until it gives up.  fds[] keeps the
 * listener and the connections that filled it.
 */
static int
silent_port(int fds[8])
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int n;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ne(fds[0] = socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(fds[0], (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	ck_assert_int_eq(listen(fds[0], 0), 0);
	ck_assert_int_eq(getsockname(fds[0], (struct sockaddr *)&sin, &sl), 0);
	for (n = 1; n < 8; n++) {
		struct pollfd p = { .events = POLLOUT };

		p.fd = fds[n] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ne(fds[n], -1);
		connect(fds[n], (struct sockaddr *)&sin, sizeof(sin));
		if (poll(&p, 1, 200) == 0)
			return ntohs(sin.sin_port);	/* this one waits */
	}
	ck_abort_msg("the listen queue does not fill");
	return -1;
}

static void
close_all(int fds[8])
{
	for (int i = 0; i < 8; i++)
		if (fds[i] > 0)
			close(fds[i]);
}

/* connect_ms bounds the connect, whatever total_ms says. */
START_TEST(test_rdap_connect_timeout)
{
	struct fetch_opts o = { 300, 20000, 1 * MB };
	struct fetcher *f = fetch_new(&o);
	struct fetch_result r;
	int fds[8] = { 0 }, port = silent_port(fds);
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rdap/ip/8.8.8.8",
	    port);
	rdap_fails(f, url, FE_TIMEOUT, &r);
	ck_assert_int_eq(r.unreachable, 1);	/* unlike a total timeout */
	close_all(fds);
	fetch_free(f);
}
END_TEST

/* One connection for requests one after the other. */
START_TEST(test_rdap_keepalive)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	for (size_t i = 0; i < 3; i++) {
		rdap_ok(f, rdap_fixtures[i].addr, 200, &r);
		same_as(&r, rdap_fixtures[i].file);
	}
	fetch_free(f);
	server_stop();
	ck_assert_int_eq(count("rdap_requests"), 3);
	ck_assert_int_eq(count("rdap_connections"), 1);
}
END_TEST

/* After any failure the same fetcher gets the next answer whole. */
static const struct {
	const char *addr;
	enum fetch_err err;
} failures[] = {
	{ "198.51.100.2", FE_TOO_BIG },
	{ "198.51.100.1", FE_TOO_BIG },
	{ "198.51.100.7", FE_RESET },
	{ "198.51.100.6", FE_TIMEOUT },
	{ "198.51.100.4", FE_TIMEOUT },
	{ "198.51.100.9", FE_PROTOCOL },
	{ "198.51.100.20", FE_PROTOCOL },
};

START_TEST(test_rdap_reuse)
{
	struct fetcher *f = fetch_new(&short_opts);
	struct fetch_result r;

	for (size_t i = 0; i < nitems(failures); i++) {
		rdap_fails(f, rdap_url(failures[i].addr), failures[i].err, &r);
		ck_assert_int_eq(r.unreachable, 0);
		rdap_ok(f, "8.8.8.8", 200, &r);
		ck_assert_int_eq(r.unreachable, 0);
		same_as(&r, "rdap/8.8.8.0_24.json");
		ck_assert_str_eq(r.why, "");
	}
	fetch_free(f);
}
END_TEST

/*
 * What goes out: a server that sends back what the one client it takes
 * sent, up to the end of an HTTP head (http: as the body of a 200) or
 * of a line (whois).  A child process, gone within 10 s whatever
 * happens.
 */
static pid_t
echo_server(int *port, int http)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	char head[8192];
	size_t n = 0;
	ssize_t k;
	pid_t pid;
	int l, c;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ne(l = socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid > 0) {
		close(l);
		return pid;
	}
	alarm(10);
	if ((c = accept(l, NULL, NULL)) == -1)
		_exit(1);
	while (n + 1 < sizeof(head) && (k = read(c, head + n,
	    sizeof(head) - 1 - n)) > 0) {
		n += (size_t)k;
		head[n] = '\0';
		if (strstr(head, http ? "\r\n\r\n" : "\n") != NULL)
			break;
	}
	if (http)
		dprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", n);
	if (write(c, head, n) != (ssize_t)n)
		_exit(1);
	_exit(0);
}

START_TEST(test_rdap_request)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char url[128];
	int port, status;
	pid_t pid = echo_server(&port, 1);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rdap/ip/8.8.8.8",
	    port);
	ck_assert_int_eq(fetch_rdap(f, url, &r), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(r.http_status, 200);
	ck_assert_msg(strncmp(r.body, "GET /rdap/ip/8.8.8.8 HTTP/1.1\r\n",
	    31) == 0, "%s", r.body);
	ck_assert_ptr_nonnull(strstr(r.body,
	    "\r\nAccept: application/rdap+json\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
	    "\r\nUser-Agent: ipwhois/" IPWHOIS_VERSION "\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nAccept-Encoding: "));
	fetch_free(f);
}
END_TEST

/* A stop signal ends a silent exchange at once, not at its time limit. */
START_TEST(test_rdap_stop)
{
	struct fetch_opts o = { 20000, 20000, 1 * MB };
	struct fetcher *f = fetch_new(&o);
	struct fetch_result r;

	signal_in(300);
	rdap_fails(f, rdap_url("198.51.100.6"), FE_STOPPED, &r);
	ck_assert_ptr_nonnull(strstr(r.why, "signal"));
	got_signal = 0;				/* and the fetcher still works */
	rdap_ok(f, "8.8.8.8", 200, &r);
	same_as(&r, "rdap/8.8.8.0_24.json");
	fetch_free(f);
}
END_TEST

/* ... and while connecting. */
START_TEST(test_rdap_stop_connect)
{
	struct fetch_opts o = { 20000, 20000, 1 * MB };
	struct fetcher *f = fetch_new(&o);
	struct fetch_result r;
	int fds[8] = { 0 }, port = silent_port(fds);
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rdap/ip/8.8.8.8",
	    port);
	signal_in(300);
	rdap_fails(f, url, FE_STOPPED, &r);
	close_all(fds);
	fetch_free(f);
}
END_TEST

/* Once a stop is asked for, nothing goes out. */
START_TEST(test_stopped_before)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	got_signal = SIGTERM;
	rdap_fails(f, rdap_url("8.8.8.8"), FE_STOPPED, &r);
	ck_assert_int_eq(fetch_whois(f, "127.0.0.1", "43", "8.8.8.8", &r), -1);
	ck_assert_int_eq(r.err, FE_STOPPED);
	fetch_free(f);
	server_stop();
	ck_assert_int_eq(count("rdap_connections"), 0);
	ck_assert_int_eq(count("whois_connections"), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* whois */

static const char *
whois_port(void)
{
	static char port[16];

	snprintf(port, sizeof(port), "%d", srv.whois);
	return port;
}

static void
whois_ok(struct fetcher *f, const char *query, struct fetch_result *r)
{
	ck_assert_msg(fetch_whois(f, "127.0.0.1", whois_port(), query, r) ==
	    0, "%s: %s: %s", query, fetch_err_name(r->err), r->why);
	ck_assert_int_eq(r->err, FE_OK);
	ck_assert_int_eq(r->http_status, 0);
	ck_assert_int_eq(r->retry_after, -1);
}

static void
whois_fails(struct fetcher *f, const char *port, const char *query,
    enum fetch_err err, struct fetch_result *r)
{
	int64_t t0 = mono_ms();

	ck_assert_int_eq(fetch_whois(f, "127.0.0.1", port, query, r), -1);
	ck_assert_msg(r->err == err, "%s: %s, not %s (%s)", query,
	    fetch_err_name(r->err), fetch_err_name(err), r->why);
	ck_assert_msg(r->why[0] != '\0', "%s: no why", query);
	ck_assert_int_lt(mono_ms() - t0, QUICK_MS);
	ck_assert_int_eq(r->body[r->len], '\0');
}

static const struct {
	const char *query;
	const char *file;
} whois_fixtures[] = {
	{ "8.8.8.8", "whois/8.8.8.0_24.txt" },
	{ "n + 8.8.8.8", "whois/8.8.8.0_24.txt" },	/* ARIN's form */
	{ "-r 193.0.6.139", "whois/193.0.0.0_21.txt" },	/* RIPE's */
	{ "2001:db8::1", "whois/2001:db8::_32.txt" },
	{ "200.57.128.5", "whois/200.57.128.0_19.txt" },
};

START_TEST(test_whois_fixture)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char key[128];

	whois_ok(f, whois_fixtures[_i].query, &r);
	same_as(&r, whois_fixtures[_i].file);
	fetch_free(f);
	server_stop();
	/* The line as sent, one query, one connection. */
	snprintf(key, sizeof(key), "query %s", whois_fixtures[_i].query);
	ck_assert_int_eq(count(key), 1);
	ck_assert_int_eq(count("whois_connections"), 1);
}
END_TEST

START_TEST(test_whois_not_found)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	whois_ok(f, "198.51.100.99", &r);
	ck_assert_str_eq(r.body,
	    "% No entries found for the selected source(s).\n");
	fetch_free(f);
}
END_TEST

/* Binary junk is handed over byte for byte, NULs and all. */
START_TEST(test_whois_garbage)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char junk[512];
	uint32_t x = 2463534242u;	/* testserver's xorshift32 */

	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (char)(x >> 24);
	}
	whois_ok(f, "198.51.100.32", &r);
	ck_assert_uint_eq(r.len, sizeof(junk));
	ck_assert(memcmp(r.body, junk, sizeof(junk)) == 0);
	fetch_free(f);
}
END_TEST

START_TEST(test_whois_hang)
{
	struct fetcher *f = fetch_new(&short_opts);
	struct fetch_result r;

	whois_fails(f, whois_port(), "198.51.100.30", FE_TIMEOUT, &r);
	whois_fails(f, whois_port(), "198.51.100.33", FE_TIMEOUT, &r);
	ck_assert_int_eq(r.unreachable, 0);
	fetch_free(f);
}
END_TEST

START_TEST(test_whois_reset)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	whois_fails(f, whois_port(), "198.51.100.31", FE_RESET, &r);
	ck_assert_int_eq(r.unreachable, 0);
	whois_ok(f, "8.8.8.8", &r);
	same_as(&r, "whois/8.8.8.0_24.txt");
	fetch_free(f);
}
END_TEST

START_TEST(test_whois_size)
{
	struct fetch_opts o = opts;
	struct fetcher *f;
	struct fetch_result r;
	size_t len;

	free(fixture("whois/8.8.8.0_24.txt", &len));
	o.max_bytes = len;
	f = fetch_new(&o);
	whois_ok(f, "8.8.8.8", &r);
	same_as(&r, "whois/8.8.8.0_24.txt");
	fetch_free(f);
	o.max_bytes = len - 1;
	f = fetch_new(&o);
	whois_fails(f, whois_port(), "8.8.8.8", FE_TOO_BIG, &r);
	ck_assert_uint_le(r.len, len - 1);
	o.max_bytes = 100;
	fetch_free(f);
	f = fetch_new(&o);
	whois_fails(f, whois_port(), "8.8.8.8", FE_TOO_BIG, &r);
	ck_assert_uint_le(r.len, 100);
	fetch_free(f);
}
END_TEST

START_TEST(test_whois_refused)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char port[16];
	int fd;

	snprintf(port, sizeof(port), "%d", refusing_port(&fd));
	whois_fails(f, port, "8.8.8.8", FE_CONNECT, &r);
	ck_assert_ptr_nonnull(strstr(r.why, "127.0.0.1"));
	ck_assert_ptr_nonnull(strstr(r.why, port));
	ck_assert_int_eq(r.unreachable, 1);
	close(fd);
	fetch_free(f);
}
END_TEST

START_TEST(test_whois_connect_timeout)
{
	struct fetch_opts o = { 300, 20000, 1 * MB };
	struct fetcher *f = fetch_new(&o);
	struct fetch_result r;
	int fds[8] = { 0 };
	char port[16];

	snprintf(port, sizeof(port), "%d", silent_port(fds));
	whois_fails(f, port, "8.8.8.8", FE_TIMEOUT, &r);
	ck_assert_int_eq(r.unreachable, 1);
	close_all(fds);
	fetch_free(f);
}
END_TEST

/* The query goes out as one line ending in CR LF (RFC 3912). */
START_TEST(test_whois_request)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char port[16];
	int p, status;
	pid_t pid = echo_server(&p, 0);

	snprintf(port, sizeof(port), "%d", p);
	ck_assert_int_eq(fetch_whois(f, "127.0.0.1", port, "n + 8.8.8.8", &r),
	    0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_str_eq(r.body, "n + 8.8.8.8\r\n");
	fetch_free(f);
}
END_TEST

/* One query a line: a line break would smuggle in a second one. */
START_TEST(test_whois_bad_query)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;
	char big[2048];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	whois_fails(f, whois_port(), "8.8.8.8\r\nhelp", FE_PROTOCOL, &r);
	whois_fails(f, whois_port(), "8.8.8.8\nhelp", FE_PROTOCOL, &r);
	whois_fails(f, whois_port(), big, FE_PROTOCOL, &r);
	fetch_free(f);
	server_stop();
	ck_assert_int_eq(count("whois_connections"), 0);
}
END_TEST

START_TEST(test_whois_stop)
{
	struct fetch_opts o = { 20000, 20000, 1 * MB };
	struct fetcher *f = fetch_new(&o);
	struct fetch_result r;

	signal_in(300);
	whois_fails(f, whois_port(), "198.51.100.30", FE_STOPPED, &r);
	ck_assert_ptr_nonnull(strstr(r.why, "signal"));
	got_signal = 0;
	whois_ok(f, "8.8.8.8", &r);
	same_as(&r, "whois/8.8.8.0_24.txt");
	fetch_free(f);
}
END_TEST

START_TEST(test_whois_stop_connect)
{
	struct fetch_opts o = { 20000, 20000, 1 * MB };
	struct fetcher *f = fetch_new(&o);
	struct fetch_result r;
	int fds[8] = { 0 };
	char port[16];

	snprintf(port, sizeof(port), "%d", silent_port(fds));
	signal_in(300);
	whois_fails(f, port, "8.8.8.8", FE_STOPPED, &r);
	close_all(fds);
	fetch_free(f);
}
END_TEST

/* RDAP and whois take turns in one fetcher and its one buffer. */
START_TEST(test_mixed)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	rdap_ok(f, "8.8.8.8", 200, &r);
	same_as(&r, "rdap/8.8.8.0_24.json");
	whois_ok(f, "198.51.100.99", &r);
	ck_assert_str_eq(r.body,
	    "% No entries found for the selected source(s).\n");
	rdap_fails(f, rdap_url("198.51.100.2"), FE_TOO_BIG, &r);
	whois_ok(f, "2001:db8::1", &r);
	same_as(&r, "whois/2001:db8::_32.txt");
	rdap_ok(f, "2001:db8::1", 200, &r);
	same_as(&r, "rdap/2001:db8::_32.json");
	fetch_free(f);
	server_stop();
	ck_assert_int_eq(count("rdap_connections"), 2);	/* one cut off */
}
END_TEST

/* ------------------------------------------------------------------ */

static const char *const names[FE_MAX] = {
	"ok", "timeout", "connect", "reset", "too-big", "protocol",
	"stopped", "library",
};

START_TEST(test_err_names)
{
	for (int e = 0; e < FE_MAX; e++)
		ck_assert_str_eq(fetch_err_name((enum fetch_err)e), names[e]);
	ck_assert_str_eq(fetch_err_name(FE_MAX), "?");
}
END_TEST

/*
 * Without libcurl: this program again, its dynamic linker sent first to
 * a folder where libcurl.so.4 is not libcurl (LD_LIBRARY_PATH is read
 * at start only).  nolib_main() is what runs there.
 */
static int
nolib_main(void)
{
	struct fetcher *f = fetch_new(&opts);
	struct fetch_result r;

	/* Twice: a failed load is tried again, and fails the same way. */
	for (int i = 0; i < 2; i++) {
		int rc = fetch_rdap(f, "http://127.0.0.1:9/rdap/ip/8.8.8.8", &r);

		printf("%d %s %s\n", rc, fetch_err_name(r.err), r.why);
	}
	fetch_free(f);
	return 0;
}

/* The first line nolib_main() says when libcurl.so.4 is target. */
static void
without_curl(const char *target, char *out, size_t n)
{
	char lib[8192], env[8192];
	char *const argv[] = { "check_fetch", NULL };
	int p[2], status;
	size_t len = 0;
	ssize_t k;
	pid_t pid;

	snprintf(lib, sizeof(lib), "%s/libcurl.so.4", tmpdir);
	unlink(lib);
	ck_assert_int_eq(symlink(target, lib), 0);
	snprintf(env, sizeof(env), "LD_LIBRARY_PATH=%s", tmpdir);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		char *const envp[] = { env, "CHECK_FETCH_NOLIB=1", NULL };

		dup2(p[1], STDOUT_FILENO);
		execve(self, argv, envp);
		_exit(127);
	}
	close(p[1]);
	while (len + 1 < n && (k = read(p[0], out + len, n - 1 - len)) > 0)
		len += (size_t)k;
	out[len] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "status %#x", status);
	unlink(lib);
}

START_TEST(test_no_libcurl)
{
	static const char no_init[] =
	    "-1 library libcurl.so.4: no curl_global_init\n";
	char out[1024], empty[8192];
	Dl_info dl;
	int fd;

	/* Not a shared object at all. */
	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	ck_assert_int_ne(fd = open(empty, O_WRONLY | O_CREAT, 0644), -1);
	close(fd);
	without_curl(empty, out, sizeof(out));
	ck_assert_msg(strncmp(out, "-1 library ", 11) == 0 &&
	    strstr(out, "libcurl.so.4") != NULL, "%s", out);
	ck_assert_msg(strstr(strchr(out, '\n') + 1, "-1 library ") != NULL,
	    "%s", out);
	/* A library, but not libcurl: the C library. */
	ck_assert_int_ne(dladdr((void *)gnu_get_libc_version, &dl), 0);
	without_curl(dl.dli_fname, out, sizeof(out));
	ck_assert_msg(strncmp(out, no_init, sizeof(no_init) - 1) == 0, "%s",
	    out);
}
END_TEST

/* Whether libcurl is in this process (without loading it). */
static int
curl_loaded(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_NOLOAD);

	if (h == NULL)
		return 0;
	dlclose(h);
	return 1;
}

/*
 * A fetcher made and freed without a request loads nothing; then
 * fetch_preload() does, which shows the look is a true one.
 */
START_TEST(test_unused)
{
	char why[256];

	if (curl_loaded()) {
		printf("skipped: libcurl already loaded (CK_FORK=no?)\n");
		return;
	}
	fetch_free(fetch_new(&opts));
	fetch_free(NULL);
	ck_assert_int_eq(curl_loaded(), 0);
	ck_assert_int_eq(fetch_preload(why, sizeof(why)), 0);
	ck_assert_int_eq(curl_loaded(), 1);
}
END_TEST

static Suite *
fetch_suite(void)
{
	Suite *s = suite_create("fetch");
	TCase *rd = tcase_create("rdap");
	TCase *wh = tcase_create("whois");
	TCase *misc = tcase_create("misc");

	tcase_add_unchecked_fixture(rd, case_setup, case_teardown);
	tcase_add_checked_fixture(rd, setup, teardown);
	tcase_set_timeout(rd, 30);
	tcase_add_loop_test(rd, test_rdap_fixture, 0,
	    (int)nitems(rdap_fixtures));
	tcase_add_test(rd, test_rdap_status);
	tcase_add_test(rd, test_rdap_ratelimit);
	tcase_add_test(rd, test_rdap_redirect);
	tcase_add_test(rd, test_rdap_redirect_limit);
	tcase_add_test(rd, test_rdap_schemes);
	tcase_add_loop_test(rd, test_rdap_huge, 0, (int)nitems(huge));
	tcase_add_test(rd, test_rdap_huge_memory);
	tcase_add_test(rd, test_rdap_size_boundary);
	tcase_add_test(rd, test_rdap_drip);
	tcase_add_test(rd, test_rdap_hang);
	tcase_add_test(rd, test_rdap_reset);
	tcase_add_test(rd, test_rdap_refused);
	tcase_add_test(rd, test_rdap_connect_timeout);
	tcase_add_test(rd, test_rdap_keepalive);
	tcase_add_test(rd, test_rdap_reuse);
	tcase_add_test(rd, test_rdap_request);
	tcase_add_test(rd, test_rdap_stop);
	tcase_add_test(rd, test_rdap_stop_connect);
	tcase_add_test(rd, test_stopped_before);
	tcase_add_test(rd, test_mixed);
	suite_add_tcase(s, rd);

	tcase_add_unchecked_fixture(wh, case_setup, case_teardown);
	tcase_add_checked_fixture(wh, setup, teardown);
	tcase_set_timeout(wh, 30);
	tcase_add_loop_test(wh, test_whois_fixture, 0,
	    (int)nitems(whois_fixtures));
	tcase_add_test(wh, test_whois_not_found);
	tcase_add_test(wh, test_whois_garbage);
	tcase_add_test(wh, test_whois_hang);
	tcase_add_test(wh, test_whois_reset);
	tcase_add_test(wh, test_whois_size);
	tcase_add_test(wh, test_whois_refused);
	tcase_add_test(wh, test_whois_connect_timeout);
	tcase_add_test(wh, test_whois_request);
	tcase_add_test(wh, test_whois_bad_query);
	tcase_add_test(wh, test_whois_stop);
	tcase_add_test(wh, test_whois_stop_connect);
	suite_add_tcase(s, wh);

	tcase_add_unchecked_fixture(misc, case_setup, case_teardown);
	tcase_add_test(misc, test_err_names);
	tcase_add_test(misc, test_no_libcurl);
	tcase_add_test(misc, test_unused);
	suite_add_tcase(s, misc);
	return s;
}

int
main(int argc, char *argv[])
{
	(void)argc;
	if (getenv("CHECK_FETCH_NOLIB") != NULL)
		return nolib_main();
	self = argv[0];
	return tu_run(fetch_suite());
}
