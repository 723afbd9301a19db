/*
 * sandbox.c: the tables of system calls each role may make, and the
 * filters themselves, each tried in a child process locked as a role:
 * what the role needs works, a forbidden call ends the child with
 * SANDBOX_EXIT and a message naming the role and the call.
 *
 * Run as root, the children also become nobody, as the roles do.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

static const char *const table_names[SB_TABLES] = {
	"common", "parser", "worker", "offline", "reporter",
};

/* Calls some architectures have only as *at() forms. */
static int
legacy(const char *name)
{
	static const char *const v[] = { "open", "stat", "lstat", "access",
	    "readlink", "time", "select", "mkdir", "unlink", "epoll_wait" };

	for (size_t i = 0; i < nitems(v); i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

static const struct sb_call *
find(enum sb_table t, const char *name)
{
	const struct sb_call *c = NULL;
	size_t n;

	c = sandbox_table(t, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return &c[i];
	return NULL;
}

/* Every call of every table is a system call of this architecture. */
START_TEST(test_resolves)
{
	const struct sb_call *c;
	size_t n;

	c = sandbox_table((enum sb_table)_i, &n);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(c[i].name);

#if !defined(__x86_64__)
		if (nr == __NR_SCMP_ERROR && legacy(c[i].name))
			continue;
#else
		(void)legacy;
#endif
		ck_assert_msg(nr != __NR_SCMP_ERROR, "%s: %s does not resolve",
		    table_names[_i], c[i].name);
	}
}
END_TEST

/* No table lets a role run a program, trace, mount, change user... */
START_TEST(test_never)
{
	const char *const *never;
	size_t nn;

	never = sandbox_never(&nn);
	ck_assert_uint_gt(nn, 20);
	for (size_t k = 0; k < nn; k++) {
		ck_assert_msg(seccomp_syscall_resolve_name(never[k]) !=
		    __NR_SCMP_ERROR || legacy(never[k]) ||
		    strcmp(never[k], "fork") == 0 ||
		    strcmp(never[k], "vfork") == 0, "%s", never[k]);
		ck_assert_msg(find((enum sb_table)_i, never[k]) == NULL,
		    "%s table has %s", table_names[_i], never[k]);
	}
}
END_TEST

/* A call is in a table once, and not in both a role's and the common. */
START_TEST(test_once)
{
	const struct sb_call *c;
	size_t n;

	c = sandbox_table((enum sb_table)_i, &n);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++)
			ck_assert_msg(strcmp(c[i].name, c[j].name) != 0,
			    "%s twice in %s", c[i].name, table_names[_i]);
		if (_i != SB_T_COMMON)
			ck_assert_msg(find(SB_T_COMMON, c[i].name) == NULL,
			    "%s: in common and %s", c[i].name,
			    table_names[_i]);
	}
}
END_TEST

/* Sockets only for live workers; files written only by the reporter. */
START_TEST(test_roles)
{
	static const char *const net[] = { "socket", "connect", "sendto",
	    "sendmsg", "bind", "socketpair" };
	static const enum sb_table nonet[] = { SB_T_COMMON, SB_T_PARSER,
	    SB_T_OFFLINE, SB_T_REPORTER };
	static const enum sb_table rdonly[] = { SB_T_PARSER, SB_T_WORKER,
	    SB_T_OFFLINE };
	const struct sb_call *c;

	for (size_t t = 0; t < nitems(nonet); t++)
		for (size_t i = 0; i < nitems(net); i++)
			ck_assert_msg(find(nonet[t], net[i]) == NULL,
			    "%s has %s", table_names[nonet[t]], net[i]);
	for (size_t t = 0; t < nitems(rdonly); t++) {
		ck_assert_ptr_nonnull(c = find(rdonly[t], "openat"));
		ck_assert_int_eq(c->cond, SBA_RDONLY);
		ck_assert_uint_eq(c->arg, 2);
		ck_assert_ptr_nonnull(c = find(rdonly[t], "open"));
		ck_assert_int_eq(c->cond, SBA_RDONLY);
		ck_assert_uint_eq(c->arg, 1);
		ck_assert_ptr_null(find(rdonly[t], "unlink"));
		ck_assert_ptr_null(find(rdonly[t], "mkdir"));
		ck_assert_ptr_null(find(rdonly[t], "ftruncate"));
	}
	ck_assert_ptr_nonnull(c = find(SB_T_WORKER, "clone"));
	ck_assert_int_eq(c->cond, SBA_THREAD);
	ck_assert_ptr_nonnull(c = find(SB_T_PARSER, "clone"));
	ck_assert_int_eq(c->cond, SBA_THREAD);
	ck_assert_ptr_nonnull(c = find(SB_T_PARSER, "clone3"));
	ck_assert_int_eq(c->cond, SBA_ENOSYS);
	ck_assert_ptr_null(find(SB_T_REPORTER, "clone"));
	ck_assert_ptr_nonnull(c = find(SB_T_WORKER, "socket"));
	ck_assert_int_eq(c->cond, SBA_FAMILY);
	ck_assert_ptr_nonnull(c = find(SB_T_COMMON, "tgkill"));
	ck_assert_int_eq(c->cond, SBA_SELF);
	ck_assert_ptr_nonnull(c = find(SB_T_COMMON, "ioctl"));
	ck_assert_int_eq(c->cond, SBA_IOCTL);
	ck_assert_ptr_null(find(SB_T_COMMON, "clone"));
	ck_assert_ptr_null(find(SB_T_COMMON, "openat"));
}
END_TEST

/* --- the filters, in a child ------------------------------------------ */

static char tmpdir[64];
static int landlock;	/* the kernel has Landlock: asked before the lock */

/* What a child tries once locked; it exits 0 when all went as hoped. */
enum act {
	A_READ,		/* open a file for reading */
	A_WRITE,	/* open a file for writing */
	A_INET,		/* an AF_INET socket */
	A_PACKET,	/* an AF_PACKET socket */
	A_EXEC,		/* execve */
	A_FORK,		/* a new process */
	A_THREAD_FLAGS,	/* clone with CLONE_THREAD: refused by the kernel
			   (no CLONE_VM), not by the filter */
	A_THREAD,	/* a thread made and joined (pthread_create) */
	A_KILL,		/* a signal to the parent */
	A_LANDLOCK,	/* read /etc/passwd: refused where Landlock is */
	A_UNKNOWN,	/* a call of no name: named by its number */
};

struct child_case {
	enum sb_role role;
	int	 offline;
	enum act act;
	const char *call;	/* the call named as forbidden; NULL: allowed */
};

static const struct child_case child_cases[] = {
	{ SB_PARSER, 0, A_READ, NULL },
	{ SB_PARSER, 0, A_WRITE, "openat" },
	{ SB_PARSER, 0, A_INET, "socket" },
	{ SB_PARSER, 0, A_EXEC, "execve" },
	{ SB_PARSER, 0, A_FORK, "clone" },
	{ SB_PARSER, 0, A_THREAD, NULL },
	{ SB_PARSER, 0, A_THREAD_FLAGS, NULL },
	{ SB_PARSER, 0, A_KILL, "kill" },
	{ SB_WORKER, 0, A_READ, NULL },
	{ SB_WORKER, 0, A_INET, NULL },
	{ SB_WORKER, 0, A_THREAD_FLAGS, NULL },
	{ SB_WORKER, 0, A_THREAD, NULL },
	{ SB_WORKER, 0, A_PACKET, "socket" },
	{ SB_WORKER, 0, A_WRITE, "openat" },
	{ SB_WORKER, 0, A_FORK, "clone" },
	{ SB_WORKER, 0, A_EXEC, "execve" },
	{ SB_WORKER, 1, A_INET, "socket" },
	{ SB_WORKER, 1, A_READ, NULL },
	{ SB_REPORTER, 0, A_WRITE, NULL },
	{ SB_REPORTER, 0, A_INET, "socket" },
	{ SB_REPORTER, 0, A_EXEC, "execve" },
	{ SB_REPORTER, 0, A_KILL, "kill" },
	{ SB_PARSER, 0, A_LANDLOCK, NULL },
	{ SB_REPORTER, 0, A_LANDLOCK, NULL },
	{ SB_WORKER, 0, A_UNKNOWN, "#1000" },
};

static void *
thread_body(void *arg)
{
	return arg;
}

static void
act(enum act a)
{
	pthread_t t;
	void *back = NULL;
	char path[128];
	int fd;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/out", tmpdir);
	switch (a) {
	case A_READ:
		_exit(open("/dev/null", O_RDONLY) >= 0 ? 0 : 1);
	case A_WRITE:
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		_exit(fd >= 0 && write(fd, "x", 1) == 1 ? 0 : 1);
	case A_INET:
		_exit(socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1);
	case A_PACKET:
		_exit(socket(AF_PACKET, SOCK_RAW, 0) >= 0 ? 0 : 1);
	case A_EXEC:
		execl("/bin/true", "true", (char *)NULL);
		_exit(1);
	case A_FORK:
		if ((pid = fork()) == 0)
			_exit(0);
		_exit(1);
	case A_THREAD_FLAGS:
		/* The filter lets it through; the kernel refuses it. */
		_exit(syscall(SYS_clone, CLONE_THREAD, 0, 0, 0, 0) == -1 &&
		    errno == EINVAL ? 0 : 1);
	case A_THREAD:
		_exit(pthread_create(&t, NULL, thread_body, tmpdir) == 0 &&
		    pthread_join(t, &back) == 0 && back == tmpdir ? 0 : 1);
	case A_KILL:
		kill(getppid(), 0);
		_exit(1);
	case A_LANDLOCK:
		fd = open("/etc/passwd", O_RDONLY);
		/* With Landlock, reading outside the role's files fails. */
		_exit(landlock ? !(fd == -1 && errno == EACCES) :
		    fd >= 0 ? 0 : 1);
	case A_UNKNOWN:
		syscall(1000, 0, 0, 0);
		_exit(1);
	}
	_exit(2);
}

START_TEST(test_child)
{
	const struct child_case *cc = &child_cases[_i];
	struct config cfg;
	struct run run;
	char msg[256], err[512], want[128], cache[128];
	int fds[2], st;
	ssize_t r;
	size_t got = 0;
	pid_t pid;

	memset(&cfg, 0, sizeof(cfg));
	memset(&run, 0, sizeof(run));
	cfg.offline = cc->offline;
	snprintf(cache, sizeof(cache), "%s/cache.db", tmpdir);
	run.cache_path = cache;
	ck_assert_int_eq(sandbox_prepare(&cfg, msg, sizeof(msg)), 0);
	ck_assert_int_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		sandbox_enter(cc->role, 0, &cfg, &run);
		act(cc->act);
	}
	close(fds[1]);
	while (got < sizeof(err) - 1 && (r = read(fds[0], err + got,
	    sizeof(err) - 1 - got)) > 0)
		got += (size_t)r;
	err[got] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	if (cc->call == NULL) {
		ck_assert_msg(WEXITSTATUS(st) == 0, "case %d: status %d: %s",
		    _i, WEXITSTATUS(st), err);
		ck_assert_str_eq(err, "");
		return;
	}
	snprintf(want, sizeof(want), "ipwhois: %s%s: forbidden system call "
	    "%s (sandbox)\n", cc->role == SB_PARSER ? "parser" :
	    cc->role == SB_WORKER ? "worker" : "reporter",
	    cc->role == SB_WORKER ? " 0" : "", cc->call);
	ck_assert_int_eq(WEXITSTATUS(st), SANDBOX_EXIT);
	ck_assert_str_eq(err, want);
}
END_TEST

/* --user names a user that must exist, root or not. */
START_TEST(test_unknown_user)
{
	struct config cfg;
	char msg[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.user = "no-such-user-ipwhois";
	ck_assert_int_eq(sandbox_prepare(&cfg, msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "--user no-such-user-ipwhois: no such user");
}
END_TEST

/* --no-sandbox: entering a role changes nothing. */
START_TEST(test_off)
{
	struct config cfg;
	struct run run;
	char msg[256];
	int st;
	pid_t pid;

	memset(&cfg, 0, sizeof(cfg));
	memset(&run, 0, sizeof(run));
	cfg.no_sandbox = 1;
	ck_assert_int_eq(sandbox_prepare(&cfg, msg, sizeof(msg)), 0);
	ck_assert_int_eq(sandbox_drops_user(), 0);
	if ((pid = fork()) == 0) {
		sandbox_enter(SB_PARSER, 0, &cfg, &run);
		_exit(socket(AF_INET, SOCK_STREAM, 0) >= 0 &&
		    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_sandbox.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	landlock = syscall(__NR_landlock_create_ruleset, NULL, 0, 1U) > 0;
	/* The children may become nobody: they write here. */
	(void)chmod(tmpdir, 0777);
}

static void
teardown(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/out", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

static Suite *
sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc;

	tc = tcase_create("tables");
	tcase_add_loop_test(tc, test_resolves, 0, SB_TABLES);
	tcase_add_loop_test(tc, test_never, 0, SB_TABLES);
	tcase_add_loop_test(tc, test_once, 0, SB_TABLES);
	tcase_add_test(tc, test_roles);
	suite_add_tcase(s, tc);
	tc = tcase_create("filters");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_child, 0, nitems(child_cases));
	tcase_add_test(tc, test_unknown_user);
	tcase_add_test(tc, test_off);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(sandbox_suite());
}
