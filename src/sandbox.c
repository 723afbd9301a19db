/*
 * The sandbox: each role, once set up, locks itself down for the rest of
 * its life.  In this order, since each step needs the rights the next
 * takes away:
 *
 *	1. Landlock rules are made (paths are opened while they still can
 *	   be), as root before the user is dropped;
 *	2. as root, the user becomes --user (default nobody);
 *	3. PR_SET_NO_NEW_PRIVS, which Landlock and seccomp both need;
 *	4. Landlock: the files the role may still open, by path;
 *	5. seccomp: the system calls it may still make, from the tables
 *	   below.  Any other call raises SIGSYS, whose handler names the
 *	   role and the call and ends the process.
 *
 * The tables come from strace -f of real runs (offline and live, -o,
 * with and without the cache, compressed inputs, the progress line):
 * generous on calls that only touch the process itself (memory, time,
 * signals), strict on those that reach outside it.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <linux/netlink.h>
#include <seccomp.h>

#include "ipwhois.h"

/* Rights newer than Debian 12's kernel headers. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif

/* Open flags that write or create: refused where only reading is. */
#define OPEN_WRITES	(O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND)

/* Names for the SIGSYS message, resolved before the filter. */
#define NAMES_MAX	512
#define NAME_LEN	24

static struct {
	int	 on;		/* sandbox_prepare() decided to lock */
	int	 landlock;	/* the kernel's Landlock ABI; 0: none */
	int	 drop;		/* as root: become uid, gid */
	uid_t	 uid;
	gid_t	 gid;
	char	 user[64];
	char	 role[24];	/* "worker 3": for the SIGSYS message */
	char	 names[NAMES_MAX][NAME_LEN];
} sb;

/* One row of a role's table, and the condition on its arguments. */
static const struct sb_call common_calls[] = {
	/* Memory. */
	{ "brk", SBA_NONE, 0 }, { "mmap", SBA_NONE, 0 },
	{ "munmap", SBA_NONE, 0 }, { "mremap", SBA_NONE, 0 },
	{ "mprotect", SBA_NONE, 0 }, { "madvise", SBA_NONE, 0 },
	/* Descriptors it holds: pipes, inputs, the report. */
	{ "read", SBA_NONE, 0 }, { "write", SBA_NONE, 0 },
	{ "readv", SBA_NONE, 0 }, { "writev", SBA_NONE, 0 },
	{ "pread64", SBA_NONE, 0 }, { "close", SBA_NONE, 0 },
	{ "lseek", SBA_NONE, 0 }, { "fcntl", SBA_NONE, 0 },
	{ "fstat", SBA_NONE, 0 }, { "newfstatat", SBA_NONE, 0 },
	{ "statx", SBA_NONE, 0 }, { "poll", SBA_NONE, 0 },
	{ "ppoll", SBA_NONE, 0 },
	/* isatty() and friends; no other ioctl. */
	{ "ioctl", SBA_IOCTL, 1 },
	/* Time. */
	{ "clock_gettime", SBA_NONE, 0 }, { "clock_getres", SBA_NONE, 0 },
	{ "clock_nanosleep", SBA_NONE, 0 }, { "nanosleep", SBA_NONE, 0 },
	{ "gettimeofday", SBA_NONE, 0 }, { "time", SBA_NONE, 0 },
	/* The process itself. */
	{ "getpid", SBA_NONE, 0 }, { "gettid", SBA_NONE, 0 },
	{ "getppid", SBA_NONE, 0 }, { "getuid", SBA_NONE, 0 },
	{ "geteuid", SBA_NONE, 0 }, { "getgid", SBA_NONE, 0 },
	{ "getegid", SBA_NONE, 0 }, { "getrandom", SBA_NONE, 0 },
	{ "sched_yield", SBA_NONE, 0 }, { "sched_getaffinity", SBA_NONE, 0 },
	{ "sysinfo", SBA_NONE, 0 }, { "uname", SBA_NONE, 0 },
	{ "getrusage", SBA_NONE, 0 }, { "futex", SBA_NONE, 0 },
	{ "rt_sigreturn", SBA_NONE, 0 }, { "rt_sigaction", SBA_NONE, 0 },
	{ "rt_sigprocmask", SBA_NONE, 0 }, { "sigaltstack", SBA_NONE, 0 },
	{ "restart_syscall", SBA_NONE, 0 },
	/* abort() signals itself, and no one else. */
	{ "tgkill", SBA_SELF, 0 },
	{ "exit", SBA_NONE, 0 }, { "exit_group", SBA_NONE, 0 },
	/* Its flags are out of a filter's reach: libraries fall back. */
	{ "openat2", SBA_ENOSYS, 0 },
};

/* Reads its inputs (opened by main) and writes pipes; libarchive is
 * loaded when the first compressed input comes; a thread counts. */
static const struct sb_call parser_calls[] = {
	{ "openat", SBA_RDONLY, 2 }, { "open", SBA_RDONLY, 1 },
	{ "clone", SBA_THREAD, 0 }, { "clone3", SBA_ENOSYS, 0 },
	{ "set_robust_list", SBA_NONE, 0 }, { "rseq", SBA_NONE, 0 },
};

/* Names, TLS and the registries: sockets, threads for libcurl's
 * resolver, and files read for both. */
static const struct sb_call worker_calls[] = {
	{ "openat", SBA_RDONLY, 2 }, { "open", SBA_RDONLY, 1 },
	{ "access", SBA_NONE, 0 }, { "faccessat", SBA_NONE, 0 },
	{ "readlink", SBA_NONE, 0 },
	{ "socket", SBA_FAMILY, 0 }, { "socketpair", SBA_FAMILY, 0 },
	{ "connect", SBA_NONE, 0 }, { "bind", SBA_NONE, 0 },
	{ "shutdown", SBA_NONE, 0 },
	{ "sendto", SBA_NONE, 0 }, { "recvfrom", SBA_NONE, 0 },
	{ "sendmsg", SBA_NONE, 0 }, { "recvmsg", SBA_NONE, 0 },
	{ "sendmmsg", SBA_NONE, 0 }, { "recvmmsg", SBA_NONE, 0 },
	{ "getsockopt", SBA_NONE, 0 }, { "setsockopt", SBA_NONE, 0 },
	{ "getsockname", SBA_NONE, 0 }, { "getpeername", SBA_NONE, 0 },
	{ "pipe2", SBA_NONE, 0 }, { "eventfd2", SBA_NONE, 0 },
	{ "epoll_create1", SBA_NONE, 0 }, { "epoll_ctl", SBA_NONE, 0 },
	{ "epoll_wait", SBA_NONE, 0 }, { "epoll_pwait", SBA_NONE, 0 },
	{ "select", SBA_NONE, 0 }, { "pselect6", SBA_NONE, 0 },
	{ "clone", SBA_THREAD, 0 }, { "clone3", SBA_ENOSYS, 0 },
	{ "set_robust_list", SBA_NONE, 0 }, { "rseq", SBA_NONE, 0 },
};

/* --offline: the IP database and the shared page, both mapped already. */
static const struct sb_call offline_calls[] = {
	{ "openat", SBA_RDONLY, 2 }, { "open", SBA_RDONLY, 1 },
};

/* The report on its descriptor; the cache, an SQLite file with its -wal
 * and -shm, in its own directory (Landlock keeps it there). */
static const struct sb_call reporter_calls[] = {
	{ "openat", SBA_NONE, 0 }, { "open", SBA_NONE, 0 },
	{ "mkdir", SBA_NONE, 0 }, { "unlink", SBA_NONE, 0 },
	{ "unlinkat", SBA_NONE, 0 }, { "fsync", SBA_NONE, 0 },
	{ "fdatasync", SBA_NONE, 0 }, { "ftruncate", SBA_NONE, 0 },
	{ "fallocate", SBA_NONE, 0 }, { "pwrite64", SBA_NONE, 0 },
	{ "fchown", SBA_NONE, 0 }, { "fchmod", SBA_NONE, 0 },
	{ "getcwd", SBA_NONE, 0 }, { "readlink", SBA_NONE, 0 },
	{ "access", SBA_NONE, 0 }, { "faccessat", SBA_NONE, 0 },
	{ "faccessat2", SBA_NONE, 0 }, { "stat", SBA_NONE, 0 },
	{ "lstat", SBA_NONE, 0 },
};

static const struct {
	const struct sb_call *calls;
	size_t	 n;
} role_calls[SB_TABLES] = {
	[SB_T_PARSER] = { parser_calls, nitems(parser_calls) },
	[SB_T_WORKER] = { worker_calls, nitems(worker_calls) },
	[SB_T_OFFLINE] = { offline_calls, nitems(offline_calls) },
	[SB_T_REPORTER] = { reporter_calls, nitems(reporter_calls) },
};

/* No role ever makes these; the tests check each table keeps off them. */
static const char *const never[] = {
	"execve", "execveat", "fork", "vfork", "ptrace", "process_vm_readv",
	"process_vm_writev", "kill", "mount", "umount2", "pivot_root",
	"chroot", "unshare", "setns", "setuid", "setgid", "setgroups",
	"setreuid", "setregid", "setresuid", "setresgid", "capset",
	"init_module", "finit_module", "delete_module", "kexec_load",
	"bpf", "perf_event_open", "keyctl", "add_key", "request_key",
	"personality", "reboot", "swapon", "chmod", "chown", "link",
	"symlink", "rename", "seccomp", "prctl",
};

/* The kinds of ioctl a role may make: terminal and pipe queries. */
static const unsigned long ioctls[] = { TCGETS, FIONREAD, FIONBIO };

/* Socket families a worker may open: the network, and what glibc's
 * resolver uses (AF_UNIX for nscd, netlink for AI_ADDRCONFIG). */
static const int families[] = { AF_INET, AF_INET6, AF_UNIX, AF_NETLINK };

static const char *const role_names[SB_ROLES] = {
	[SB_PARSER] = "parser", [SB_WORKER] = "worker",
	[SB_REPORTER] = "reporter",
};

/*
 * Landlock: what each role may still open by path.  Libraries and
 * locale data for all (libarchive and NSS modules are loaded late);
 * the resolver's and TLS's files for workers; the reporter's cache
 * directory is added at run time.
 */
#define LL_READ		(LANDLOCK_ACCESS_FS_READ_FILE | \
			    LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_WRITE	(LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			    LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			    LANDLOCK_ACCESS_FS_MAKE_REG | \
			    LANDLOCK_ACCESS_FS_MAKE_DIR | \
			    LANDLOCK_ACCESS_FS_TRUNCATE)

static const char *const common_paths[] = {
	"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib",
	"/etc/ld.so.cache", "/usr/lib/locale", "/usr/share/locale",
	"/usr/share/zoneinfo", "/etc/localtime", "/dev/null",
};

static const char *const worker_paths[] = {
	"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf",
	"/etc/host.conf", "/etc/gai.conf", "/etc/services",
	"/etc/protocols", "/run/systemd/resolve", "/etc/ssl", "/etc/pki",
	"/etc/ca-certificates", "/usr/share/ca-certificates",
	"/usr/local/share/ca-certificates",
};

/* Environment variables naming CA files that OpenSSL and libcurl read. */
static const char *const worker_env[] = {
	"SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
};

/* s at the end of buf (n bytes used, cap in all), cut to fit. */
static void
put(char *buf, size_t *n, size_t cap, const char *s)
{
	while (*s != '\0' && *n < cap)
		buf[(*n)++] = *s++;
}

/*
 * A forbidden call: say which and end.  Only write(2) and _exit(2),
 * async-signal-safe, and the names resolved before the filter.
 */
static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[160], num[16];
	unsigned nr = (unsigned)si->si_syscall;
	size_t n = 0, k = sizeof(num) - 1;

	(void)sig;
	(void)uc;
	put(msg, &n, sizeof(msg) - 1, "ipwhois: ");
	put(msg, &n, sizeof(msg) - 1, sb.role);
	put(msg, &n, sizeof(msg) - 1, ": forbidden system call ");
	if (nr < NAMES_MAX && sb.names[nr][0] != '\0')
		put(msg, &n, sizeof(msg) - 1, sb.names[nr]);
	else {
		num[k] = '\0';
		do
			num[--k] = (char)('0' + nr % 10);
		while ((nr /= 10) != 0 && k > 0);
		put(msg, &n, sizeof(msg) - 1, "#");
		put(msg, &n, sizeof(msg) - 1, num + k);
	}
	put(msg, &n, sizeof(msg) - 1, " (sandbox)");
	msg[n++] = '\n';
	(void)!write(STDERR_FILENO, msg, n);
	_exit(SANDBOX_EXIT);
}

/* The names of the calls by number, for on_sigsys(). */
static void
resolve_names(void)
{
	for (int nr = 0; nr < NAMES_MAX; nr++) {
		char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
		    nr);

		if (s != NULL)
			snprintf(sb.names[nr], NAME_LEN, "%s", s);
		free(s);
	}
}

/* Allow call nr when its argument arg compares so (SCMP_CMP() leaves a
 * field out, which clang warns of). */
static int
allow_if(scmp_filter_ctx ctx, int nr, unsigned arg, enum scmp_compare op,
    scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp cmp = { arg, op, a, b };

	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
}

/* The rules of one row of a table; -1 when libseccomp refused. */
static int
add_call(scmp_filter_ctx ctx, const struct sb_call *c)
{
	int nr = seccomp_syscall_resolve_name(c->name), rc = 0;
	unsigned a = c->arg;

	if (nr == __NR_SCMP_ERROR)
		return 0;	/* not on this architecture */
	switch (c->cond) {
	case SBA_NONE:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case SBA_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	case SBA_RDONLY:
		return allow_if(ctx, nr, a, SCMP_CMP_MASKED_EQ, OPEN_WRITES, 0);
	case SBA_THREAD:
		return allow_if(ctx, nr, a, SCMP_CMP_MASKED_EQ, CLONE_THREAD,
		    CLONE_THREAD);
	case SBA_SELF:
		return allow_if(ctx, nr, a, SCMP_CMP_EQ,
		    (scmp_datum_t)getpid(), 0);
	case SBA_IOCTL:
		for (size_t i = 0; i < nitems(ioctls) && rc == 0; i++)
			rc = allow_if(ctx, nr, a, SCMP_CMP_EQ, ioctls[i], 0);
		return rc;
	case SBA_FAMILY:
		for (size_t i = 0; i < nitems(families) && rc == 0; i++)
			rc = allow_if(ctx, nr, a, SCMP_CMP_EQ,
			    (scmp_datum_t)families[i], 0);
		return rc;
	}
	return -1;
}

/* The table a role's filter is made of. */
static enum sb_table
table_of(enum sb_role role, const struct config *cfg)
{
	if (role == SB_PARSER)
		return SB_T_PARSER;
	if (role == SB_REPORTER)
		return SB_T_REPORTER;
	return cfg->offline ? SB_T_OFFLINE : SB_T_WORKER;
}

const struct sb_call *
sandbox_table(enum sb_table t, size_t *n)
{
	if (t == SB_T_COMMON) {
		*n = nitems(common_calls);
		return common_calls;
	}
	*n = role_calls[t].n;
	return role_calls[t].calls;
}

const char *const *
sandbox_never(size_t *n)
{
	*n = nitems(never);
	return never;
}

/* The filter of table t (and the common calls), loaded; -1 on failure. */
static int
load_seccomp(enum sb_table t)
{
	scmp_filter_ctx ctx;
	const struct sb_call *c;
	size_t n;
	int rc = 0;

	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL)
		return -1;
	c = sandbox_table(SB_T_COMMON, &n);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add_call(ctx, &c[i]);
	c = sandbox_table(t, &n);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add_call(ctx, &c[i]);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc == 0 ? 0 : -1;
}

static int
landlock_abi(void)
{
	long v = syscall(__NR_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

/* What the ruleset handles, so denies unless a rule grants, by ABI. */
static uint64_t
ll_handled(int abi)
{
	uint64_t fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return fs;
}

/* path, beneath which access is granted; one missing is left out. */
static int
ll_allow(int rs, const char *path, uint64_t access, uint64_t handled)
{
	struct landlock_path_beneath_attr pb;
	struct stat sb_;
	int fd, rc;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return 0;
	/* A file takes only the rights of files. */
	if (fstat(fd, &sb_) == 0 && !S_ISDIR(sb_.st_mode))
		access &= LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_TRUNCATE;
	pb.allowed_access = access & handled;
	pb.parent_fd = fd;
	rc = (int)syscall(__NR_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0);
	close(fd);
	return rc == -1 ? -1 : 0;
}

/*
 * The cache's directory, or the nearest one above it that exists (the
 * reporter makes the rest): where the reporter may write.
 */
static int
ll_cache_dir(int rs, const char *cache, uint64_t handled)
{
	char *dir;
	char *slash;
	int rc = 0;

	if (cache == NULL)
		return 0;
	dir = xstrndup(cache, strlen(cache));
	for (;;) {
		if ((slash = strrchr(dir, '/')) == NULL) {
			rc = ll_allow(rs, ".", LL_WRITE, handled);
			break;
		}
		*slash = '\0';
		if (access(dir[0] ? dir : "/", F_OK) == 0) {
			rc = ll_allow(rs, dir[0] ? dir : "/", LL_WRITE, handled);
			break;
		}
	}
	free(dir);
	return rc;
}

/* The role's Landlock ruleset, not yet in force; -1 on failure. */
static int
ll_ruleset(enum sb_role role, const struct run *run)
{
	struct landlock_ruleset_attr ra = { 0 };
	uint64_t handled = ll_handled(sb.landlock);
	int rs, rc = 0;

	ra.handled_access_fs = handled;
	if ((rs = (int)syscall(__NR_landlock_create_ruleset, &ra, sizeof(ra),
	    0)) == -1)
		return -1;
	for (size_t i = 0; i < nitems(common_paths) && rc == 0; i++)
		rc = ll_allow(rs, common_paths[i], LL_READ, handled);
	if (role == SB_WORKER) {
		for (size_t i = 0; i < nitems(worker_paths) && rc == 0; i++)
			rc = ll_allow(rs, worker_paths[i], LL_READ, handled);
		for (size_t i = 0; i < nitems(worker_env) && rc == 0; i++)
			if (getenv(worker_env[i]) != NULL)
				rc = ll_allow(rs, getenv(worker_env[i]),
				    LL_READ, handled);
	}
	if (role == SB_REPORTER && rc == 0)
		rc = ll_cache_dir(rs, run->cache_path, handled);
	if (rc == -1) {
		close(rs);
		return -1;
	}
	return rs;
}

/* As root: become the --user, and make sure it took. */
static void
drop_user(void)
{
	if (!sb.drop)
		return;
	if (setgroups(1, &sb.gid) == -1 || setgid(sb.gid) == -1 ||
	    setuid(sb.uid) == -1)
		err(EXIT_INTERNAL, "%s: sandbox: cannot become %s", sb.role,
		    sb.user);
	if (getuid() != sb.uid || geteuid() != sb.uid || getgid() !=
	    sb.gid || getegid() != sb.gid || (sb.uid != 0 && setuid(0) == 0))
		errx(EXIT_INTERNAL, "%s: sandbox: still privileged after "
		    "becoming %s", sb.role, sb.user);
	/* A change of user clears the parent-death signal. */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
}

/*
 * The user, from /etc/passwd first: getpwnam() would ask nscd over a
 * socket, and an offline run opens none.  A user only NSS knows (LDAP)
 * is asked of it.
 */
static struct passwd *
find_user(const char *name)
{
	struct passwd *pw = NULL;
	FILE *fp;

	if ((fp = fopen("/etc/passwd", "re")) != NULL) {
		while ((pw = fgetpwent(fp)) != NULL)
			if (strcmp(pw->pw_name, name) == 0)
				break;
		fclose(fp);
	}
	return pw != NULL ? pw : getpwnam(name);
}

int
sandbox_prepare(const struct config *cfg, char *msg, size_t n)
{
	const char *name = cfg->user != NULL ? cfg->user : "nobody";
	struct passwd *pw;

	sb.on = !cfg->no_sandbox;
	if (!sb.on) {
		if (cfg->verbose)
			fprintf(stderr, "ipwhois: sandbox: off "
			    "(--no-sandbox)\n");
		return 0;
	}
	sb.landlock = landlock_abi();
	/* Once, here: each role inherits them (-j 256 forks 256 workers). */
	resolve_names();
	if (geteuid() == 0 || cfg->user != NULL) {
		/* Before any fork: NSS cannot be used under the filter. */
		if ((pw = find_user(name)) == NULL) {
			setmsg(msg, n, "--user %s: no such user", name);
			return -1;
		}
		sb.drop = geteuid() == 0;
		sb.uid = pw->pw_uid;
		sb.gid = pw->pw_gid;
		snprintf(sb.user, sizeof(sb.user), "%s", name);
	}
	if (cfg->verbose) {
		char ll[48];

		if (sb.landlock > 0)
			snprintf(ll, sizeof(ll), "landlock v%d on", sb.landlock);
		else
			snprintf(ll, sizeof(ll), "landlock unavailable "
			    "(kernel)");
		fprintf(stderr, "ipwhois: sandbox: seccomp on, %s, %s%s%s\n",
		    ll, sb.drop ? "user " : "user unchanged (not root)",
		    sb.drop ? sb.user : "", cfg->offline ?
		    ", workers without sockets" : "");
	}
	return 0;
}

int
sandbox_drops_user(void)
{
	return sb.on && sb.drop;
}

#ifdef IPWHOIS_SANDBOX_TEST
static void probe(enum sb_role);
#endif

void
sandbox_enter(enum sb_role role, int id, const struct config *cfg,
    const struct run *run)
{
	struct sigaction sa;
	int rs = -1;

	if (!sb.on)
		return;
	if (role == SB_WORKER)
		snprintf(sb.role, sizeof(sb.role), "worker %d", id);
	else
		snprintf(sb.role, sizeof(sb.role), "%s", role_names[role]);
	/* Files read once, while they still can be. */
	tzset();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	if (sb.landlock > 0 && (rs = ll_ruleset(role, run)) == -1)
		err(EXIT_INTERNAL, "%s: sandbox: landlock", sb.role);
	drop_user();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		err(EXIT_INTERNAL, "%s: sandbox: no_new_privs (--no-sandbox "
		    "to run without)", sb.role);
	if (rs != -1 && syscall(__NR_landlock_restrict_self, rs, 0) == -1)
		err(EXIT_INTERNAL, "%s: sandbox: landlock", sb.role);
	if (rs != -1)
		close(rs);
	if (load_seccomp(table_of(role, cfg)) == -1)
		errx(EXIT_INTERNAL, "%s: sandbox: seccomp filter not loaded "
		    "(--no-sandbox to run without)", sb.role);
#ifdef IPWHOIS_SANDBOX_TEST
	probe(role);
#endif
}

#ifdef IPWHOIS_SANDBOX_TEST
/*
 * Test builds only: IPWHOIS_SANDBOX_PROBE=ROLE[:CALL] makes that role try
 * one forbidden call once locked (CALL: socket, execve, write-open,
 * ptrace; by default the one the role is most likely to be led to).
 */
static void
probe(enum sb_role role)
{
	static const char *const first[SB_ROLES] = {
		[SB_PARSER] = "write-open", [SB_WORKER] = "execve",
		[SB_REPORTER] = "socket",
	};
	const char *want = getenv("IPWHOIS_SANDBOX_PROBE"), *call;
	size_t len;

	if (want == NULL)
		return;
	len = strcspn(want, ":");
	if (strlen(role_names[role]) != len ||
	    strncmp(want, role_names[role], len) != 0)
		return;
	call = want[len] == ':' ? want + len + 1 : first[role];
	if (strcmp(call, "socket") == 0)
		(void)socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(call, "execve") == 0) {
		char *const argv[] = { "sh", NULL };

		execve("/bin/sh", argv, NULL);
	} else if (strcmp(call, "write-open") == 0)
		(void)open("/tmp/ipwhois-probe", O_WRONLY | O_CREAT, 0600);
	else if (strcmp(call, "ptrace") == 0)
		(void)syscall(SYS_ptrace, 0, 0, 0, 0);
	fprintf(stderr, "ipwhois: %s: probe %s was not stopped\n", sb.role,
	    call);
	_exit(EXIT_OK);
}
#endif
