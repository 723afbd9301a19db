/*
 * ipwhois: the parent process.  It checks the command line and the inputs,
 * makes the pipes, forks the roles and reaps them:
 *
 *	           +--> worker 0 --+
 *	parser ----+--> worker 1 --+--> reporter --> report
 *	   |       +--> worker N --+       ^
 *	   +-------------------------------+  (counts)
 *
 * Each child closes every pipe end it does not own, so end of file always
 * reaches the reader of a pipe whose writer has gone.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipwhois.h"

/* Everything the children are wired with, closed selectively in each. */
struct wiring {
	int	 nworkers;
	int	(*to_worker)[2];	/* parser -> worker i */
	int	(*from_worker)[2];	/* worker i -> reporter */
	int	 to_reporter[2];	/* parser -> reporter */
	int	*in_fds;
	int	 ninputs;
	int	 missing;		/* inputs that could not be opened */
	int	 out_fd;
};

struct child {
	pid_t	 pid;
	char	 name[24];
	int	 status;
	int	 reaped;
	int	 killed;	/* by main, which said why */
	uint64_t done;		/* a worker's answers when last seen */
	int64_t	 moved_ns;	/* when they last changed */
};

/*
 * What main watches while the roles run.  ch[0] is the reporter, ch[1 +
 * i] worker i, ch[n - 1] the parser.
 */
struct watch {
	struct child *ch;
	int	 n;
	struct share *share;
	int64_t	 stuck_ns;	/* a worker silent this long with work is stuck */
	int64_t	 looked_ns;	/* when main last looked */
	int	 lost;		/* the parser or the reporter died: no report */
};

/*
 * How long a worker may answer nothing while it holds addresses: one
 * lookup's worst, its queries' timeouts and retries, twice (an RDAP
 * redirect, a whois referral), a server's Retry-After before each retry
 * (lookup.c waits 30 s at most), its turn at --rate among the workers,
 * and a margin.  Offline, answers come from memory: a few seconds.
 */
#define STUCK_MARGIN_S	10
#define STUCK_OFFLINE_S	5
#define STUCK_RETRY_AFTER_S	30

static int64_t
stuck_after(const struct config *cfg)
{
	int64_t ms = STUCK_MARGIN_S * 1000;

	if (cfg->offline)
		return (int64_t)STUCK_OFFLINE_S * 1000000000;
	ms += (int64_t)cfg->timeout_ms * (cfg->retries + 1) * 2;
	ms += (int64_t)STUCK_RETRY_AFTER_S * 1000 * cfg->retries;
	if (cfg->rate > 0)
		ms += (int64_t)(2000 * cfg->jobs / cfg->rate);
	return ms * 1000000;
}

/* The signals main waits for, blocked so that none is missed. */
static sigset_t waited;

static void
xpipe(int fds[2])
{
	if (pipe(fds) == -1)
		err(EXIT_INTERNAL, "pipe");
}

/* In main: a pipe end now held by the child it was made for. */
static void
close_given(int *fd)
{
	close(*fd);
	*fd = -1;
}

static int
keep(int fd, const int *keep_fds, int n)
{
	for (int i = 0; i < n; i++)
		if (keep_fds[i] == fd)
			return 1;
	return 0;
}

static void
close_unless(int fd, const int *keep_fds, int n)
{
	if (fd >= 0 && fd != STDIN_FILENO && !keep(fd, keep_fds, n))
		close(fd);
}

/* In a child: close every descriptor of the wiring except keep_fds. */
static void
close_others(const struct wiring *w, const int *keep_fds, int n)
{
	for (int i = 0; i < w->nworkers; i++)
		for (int e = 0; e < 2; e++) {
			close_unless(w->to_worker[i][e], keep_fds, n);
			close_unless(w->from_worker[i][e], keep_fds, n);
		}
	close_unless(w->to_reporter[0], keep_fds, n);
	close_unless(w->to_reporter[1], keep_fds, n);
	for (int i = 0; i < w->ninputs; i++)
		close_unless(w->in_fds[i], keep_fds, n);
	if (w->out_fd != STDOUT_FILENO)
		close_unless(w->out_fd, keep_fds, n);
}

/*
 * Common start of every child: its name, no life beyond the parent, and
 * messages that keep off the progress line.
 */
static void
child_setup(const struct run *run, const char *comm, pid_t parent)
{
	signals_child();
	if (run->progress)
		progress_child();
	sigprocmask(SIG_UNBLOCK, &waited, NULL);
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != parent)
		_exit(EXIT_INTERNAL);
}

static pid_t
spawn(struct child *c, const char *name)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1)
		err(EXIT_INTERNAL, "fork");
	c->pid = pid;
	snprintf(c->name, sizeof(c->name), "%s", name);
	return pid;
}

static void
start_reporter(const struct config *cfg, const struct run *run,
    struct wiring *w, struct child *c)
{
	pid_t parent = getpid();
	int *keep_fds, n = 0;
	struct reporter_args args;

	if (spawn(c, "reporter") != 0)
		return;
	child_setup(run, "ipwhois-report", parent);
	keep_fds = xcalloc((size_t)w->nworkers + 2, sizeof(int));
	args.worker_fds = xcalloc((size_t)w->nworkers, sizeof(int));
	keep_fds[n++] = w->to_reporter[0];
	keep_fds[n++] = w->out_fd;
	for (int i = 0; i < w->nworkers; i++)
		keep_fds[n++] = args.worker_fds[i] = w->from_worker[i][0];
	close_others(w, keep_fds, n);
	args.cfg = cfg;
	args.run = run;
	args.parser_fd = w->to_reporter[0];
	args.nworkers = w->nworkers;
	args.out_fd = w->out_fd;
	reporter_main(&args);
}

static void
start_worker(const struct config *cfg, const struct run *run,
    struct wiring *w, struct child *c, int id)
{
	struct worker_args args = { cfg, run, id, w->to_worker[id][0],
	    w->from_worker[id][1] };
	pid_t parent = getpid();
	char name[24];
	int keep_fds[2];

	snprintf(name, sizeof(name), "worker %d", id);
	if (spawn(c, name) != 0)
		return;
	child_setup(run, "ipwhois-worker", parent);
	keep_fds[0] = args.in_fd;
	keep_fds[1] = args.out_fd;
	close_others(w, keep_fds, 2);
	worker_main(&args);
}

static void
start_parser(const struct config *cfg, const struct run *run,
    struct wiring *w, struct child *c)
{
	pid_t parent = getpid();
	struct parser_args args;
	int *keep_fds, n = 0;

	if (spawn(c, "parser") != 0)
		return;
	child_setup(run, "ipwhois-parser", parent);
	keep_fds = xcalloc((size_t)(w->nworkers + w->ninputs + 1), sizeof(int));
	args.out_fds = xcalloc((size_t)w->nworkers, sizeof(int));
	for (int i = 0; i < w->nworkers; i++)
		keep_fds[n++] = args.out_fds[i] = w->to_worker[i][1];
	keep_fds[n++] = w->to_reporter[1];
	for (int i = 0; i < w->ninputs; i++)
		keep_fds[n++] = w->in_fds[i];
	close_others(w, keep_fds, n);
	args.cfg = cfg;
	args.run = run;
	args.in_fds = w->in_fds;
	args.nworkers = w->nworkers;
	args.reporter_fd = w->to_reporter[1];
	parser_main(&args);
}


/*
 * Open every input now.  One that cannot be opened is named and left out
 * of the run (cfg->inputs closes up over it), the others are read, and
 * the run ends with EXIT_USAGE, as grep and wc do: under cron one
 * rotated log gone missing must not cost the report of the others.  The
 * number left out; -1 when none is left.
 */
static int
open_inputs(struct config *cfg, int *fds)
{
	int n = 0, bad = 0;

	for (int i = 0; i < cfg->ninputs; i++) {
		char *name = cfg->inputs[i];
		struct stat sb;
		int fd;

		if (strcmp(name, "-") == 0)
			fd = STDIN_FILENO;
		else if ((fd = open(name, O_RDONLY)) == -1) {
			warn("%s", input_shown(name));
			bad++;
			continue;
		} else if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			warnx("%s: is a directory", input_shown(name));
			close(fd);
			bad++;
			continue;
		}
		fds[n] = fd;
		cfg->inputs[n++] = name;
	}
	cfg->ninputs = n;
	return n == 0 ? -1 : bad;
}

/* -o FILE: a temporary file beside it, renamed into place at the end. */
static int
open_output(const char *path, char **tmp)
{
	size_t n = strlen(path) + sizeof(".XXXXXX");
	mode_t mask;
	int fd;

	*tmp = xmalloc(n);
	snprintf(*tmp, n, "%s.XXXXXX", path);
	if ((fd = mkstemp(*tmp)) == -1) {
		warn("%s", path);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	return fd;
}

static struct child *
find_child(struct child *ch, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (ch[i].pid == pid)
			return &ch[i];
	return NULL;
}

static void
signal_children(struct child *ch, int n, int sig)
{
	for (int i = 0; i < n; i++)
		if (!ch[i].reaped && ch[i].pid > 0)
			kill(ch[i].pid, sig);
}

/*
 * Whether a child's end means it died: a signal, or a stop nobody passed
 * on; for the parser, also a failure of its own (its counts are lost).
 */
static int
died(const struct child *c, int failed_too)
{
	return WIFSIGNALED(c->status) || WEXITSTATUS(c->status) >= 128 ||
	    (failed_too && WEXITSTATUS(c->status) == EXIT_INTERNAL);
}

/*
 * The parser or the reporter died: the report cannot be right (the
 * counts are missing) or cannot be written.  Everyone else is killed at
 * once, so that no more queries are sent for it.
 */
static void
check_lost(struct watch *wt)
{
	struct child *parser = &wt->ch[wt->n - 1], *reporter = &wt->ch[0];

	if (wt->lost)
		return;
	if (reporter->reaped && died(reporter, 0))
		wt->lost = 2;
	else if (parser->reaped && died(parser, 1))
		wt->lost = 1;
	else
		return;
	for (int i = 0; i < wt->n; i++)
		if (!wt->ch[i].reaped && wt->ch[i].pid > 0) {
			wt->ch[i].killed = 1;
			kill(wt->ch[i].pid, SIGKILL);
		}
}

/* How often main looks for a stuck worker. */
#define WATCH_NS	((int64_t)500000000)

/*
 * A worker that holds addresses and has answered none of them for
 * longer than a lookup can take is stuck (stopped, or hung): killed, so
 * that the parser gives its addresses to the others.  When main itself
 * looked last long ago, the whole run was stopped (^Z, then fg) or the
 * machine slept: the time every worker has been silent starts afresh.
 */
static void
check_stuck(struct watch *wt)
{
	int64_t now = now_ns();
	int resumed = now - wt->looked_ns > 4 * WATCH_NS;

	wt->looked_ns = now;
	for (int i = 0; i < wt->n - 2 && wt->share != NULL; i++) {
		struct child *c = &wt->ch[1 + i];
		uint64_t done = share_answered_by(wt->share, i);
		uint64_t given = share_given_to(wt->share, i);

		if (c->reaped || c->killed)
			continue;
		if (resumed || done != c->done || done >= given) {
			c->done = done;
			c->moved_ns = now;
			continue;
		}
		if (now - c->moved_ns < wt->stuck_ns)
			continue;
		warnx("%s (pid %d) answered nothing in %lld s with %llu "
		    "addresses in hand: stuck; killed, its addresses go to "
		    "the other workers", c->name, (int)c->pid,
		    (long long)(wt->stuck_ns / 1000000000),
		    (unsigned long long)(given - done));
		c->killed = 1;
		kill(c->pid, SIGKILL);
	}
}

static int
reap_some(struct child *ch, int n)
{
	int status, reaped = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct child *c = find_child(ch, n, pid);

		if (c != NULL && !c->reaped) {
			c->status = status;
			c->reaped = 1;
			reaped++;
		}
	}
	return reaped;
}

/*
 * The next of the signals main waits for.  The wait ends in time to look
 * at the workers, and with a progress line for its next drawing; -1 when
 * no signal came.
 */
static int
next_signal(struct progress *pg, int watching)
{
	struct timespec ts;
	int64_t ns = WATCH_NS;

	if (pg == NULL && !watching)
		return sigwaitinfo(&waited, NULL);
	if (pg != NULL && (ns = progress_tick(pg)) > WATCH_NS)
		ns = WATCH_NS;
	ts.tv_sec = (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	return sigtimedwait(&waited, NULL, &ts);
}

/*
 * Wait for every child.  The signals are blocked and taken one at a time
 * with sigtimedwait(), so none slips between a check and a wait; between
 * them, main looks for a dead parser or reporter and a stuck worker.  A
 * stop signal is passed on to the children (and ends the progress line
 * at once), after it is noted in the shared page, so that a reporter
 * that has not begun its report never begins it; whoever has not ended
 * a second later is killed.
 */
static int
reap(struct watch *wt, struct progress **pg)
{
	int left = wt->n, stop = 0;

	while ((left -= reap_some(wt->ch, wt->n)) > 0) {
		int sig;

		check_lost(wt);
		if (stop == 0 && !wt->lost)
			check_stuck(wt);
		sig = next_signal(*pg, wt->share != NULL && stop == 0);
		if ((sig == SIGINT || sig == SIGTERM) && stop == 0) {
			struct itimerval it = { { 0, 0 }, { 1, 0 } };

			(void)share_stop(wt->share);
			progress_end(*pg);
			*pg = NULL;
			stop = sig;
			signal_children(wt->ch, wt->n, sig);
			setitimer(ITIMER_REAL, &it, NULL);
		} else if (sig == SIGALRM)
			signal_children(wt->ch, wt->n, SIGKILL);
	}
	check_lost(wt);
	return stop;
}

/* The run's exit status from how each child ended. */
static int
judge(struct child *ch, int n, int stop)
{
	int worst = EXIT_OK;

	for (int i = 0; i < n; i++) {
		int st = ch[i].status, code;

		if (ch[i].killed)
			code = EXIT_INTERNAL;	/* main said why */
		else if (WIFSIGNALED(st)) {
			if (!stop)
				warnx("%s (pid %d) was killed by signal %d "
				    "(%s)", ch[i].name, (int)ch[i].pid,
				    WTERMSIG(st), strsignal(WTERMSIG(st)));
			code = EXIT_INTERNAL;
		} else if ((code = WEXITSTATUS(st)) == SANDBOX_EXIT) {
			warnx("%s (pid %d) was stopped by the sandbox: a "
			    "forbidden system call", ch[i].name, (int)ch[i].pid);
			code = EXIT_INTERNAL;
		} else if (code >= 128 && !stop) {
			/* Stopped by a signal nobody passed on: a bug. */
			warnx("%s (pid %d) was stopped by signal %d (%s)",
			    ch[i].name, (int)ch[i].pid, code - 128,
			    strsignal(code - 128));
			code = EXIT_INTERNAL;
		}
		if (code > worst && code < 128)
			worst = code;
	}
	return stop ? 128 + stop : worst;
}

/* A closed stdin that is to be read, or stdout to be written: refuse. */
static int
check_std_fds(const struct config *cfg, unsigned closed)
{
	for (int i = 0; i < cfg->ninputs; i++)
		if ((closed & 1u) && strcmp(cfg->inputs[i], "-") == 0) {
			warnx("standard input: it is closed");
			return -1;
		}
	if ((closed & 2u) && cfg->output == NULL) {
		warnx("standard output: it is closed; use -o FILE");
		return -1;
	}
	return 0;
}

static int
usage_error(const char *prefix, const char *msg)
{
	warnx("%s%s", prefix, msg);
	fprintf(stderr, "Try 'ipwhois --help' for more information.\n");
	return EXIT_USAGE;
}

/*
 * Descriptors 0, 1 and 2 opened on /dev/null where they are closed, so
 * that no pipe or file takes their place; returns which were closed.
 */
static unsigned
plug_std_fds(void)
{
	unsigned closed = 0;

	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			closed |= 1u << fd;
			if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) !=
			    fd)
				_exit(EXIT_INTERNAL);
		}
	return closed;
}

/*
 * The parent, parser and reporter each hold up to 2 pipe ends per
 * worker; raise the soft limit on descriptors when -j needs more.
 */
static int
enough_fds(int jobs, int ninputs)
{
	rlim_t need = (rlim_t)jobs * 2 + (rlim_t)ninputs + 16;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		warnx("-j %d needs %llu open files, and the limit is %llu "
		    "(ulimit -n)", jobs, (unsigned long long)need,
		    (unsigned long long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = need;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

/* --build-db OUT CSV...: import and exit, forking nothing. */
static int
build_db(const struct config *cfg)
{
	char msg[512];

	/* Its message names the file. */
	if (ipdb_build(cfg->build_db, cfg->inputs, cfg->ninputs, msg,
	    sizeof(msg)) == -1) {
		warnx("%s", msg);
		return EXIT_USAGE;
	}
	if (!cfg->quiet)
		fprintf(stderr, "ipwhois: %s\n", msg);
	return EXIT_OK;
}

/*
 * $XDG_x_HOME/ipwhois/leaf, else $HOME/home_dir/ipwhois/leaf (XDG Base
 * Directory); NULL when neither is an absolute path.
 */
static char *
xdg_path(const char *xdg_var, const char *home_dir, const char *leaf)
{
	const char *xdg = getenv(xdg_var), *home = getenv("HOME");
	char *path;

	if (xdg != NULL && *xdg == '/') {
		if (asprintf(&path, "%s/ipwhois/%s", xdg, leaf) == -1)
			return NULL;
	} else if (home != NULL && *home == '/') {
		if (asprintf(&path, "%s/%s/ipwhois/%s", home, home_dir,
		    leaf) == -1)
			return NULL;
	} else
		return NULL;
	return path;
}

/*
 * Where the IP database is looked for after the user's own: like
 * XDG_DATA_DIRS, each holds ipwhois/ip.db.  The user's is the one `make
 * data` builds; these are where `make install` and packages put one, so
 * that a cron job run as another user finds it too.
 */
#define DATA_DIRS	"/usr/local/share:/usr/share:/var/lib"

/* Whether the report has a column only the IP database fills. */
static int
needs_db(const struct config *cfg)
{
	if (cfg->by == BY_ASN || cfg->by == BY_COUNTRY)
		return 1;
	for (int i = 0; i < cfg->ncolumns; i++)
		if (cfg->columns[i] == COL_ASN ||
		    cfg->columns[i] == COL_AS_NAME ||
		    cfg->columns[i] == COL_COUNTRY)
			return 1;
	return 0;
}

/* path, added to the list in tried ("A, B or C" once complete). */
static void
tried_add(char *tried, size_t n, const char *path, int last)
{
	size_t len = strlen(tried);

	setmsg(tried + len, n - len, "%s%s", len == 0 ? "" : last ? " or " :
	    ", ", path);
}

/*
 * The first IP database there is: the user's, then one in each of
 * $IPWHOIS_DATA_DIRS (default DATA_DIRS).  NULL when there is none, the
 * places looked at in tried.
 */
static char *
find_db(char *tried, size_t n)
{
	const char *dirs = getenv("IPWHOIS_DATA_DIRS");
	char *path = xdg_path("XDG_DATA_HOME", ".local/share", "ip.db");
	size_t len;

	tried[0] = '\0';
	if (path != NULL && access(path, F_OK) == 0)
		return path;
	if (path != NULL)
		tried_add(tried, n, path, 0);
	free(path);
	if (dirs == NULL || *dirs == '\0')
		dirs = DATA_DIRS;
	for (const char *d = dirs; *d != '\0'; d += len + (d[len] == ':')) {
		len = strcspn(d, ":");
		if (*d != '/' || asprintf(&path, "%.*s/ipwhois/ip.db",
		    (int)len, d) == -1)
			continue;
		if (access(path, F_OK) == 0)
			return path;
		tried_add(tried, n, path, d[len] == '\0');
		free(path);
	}
	return NULL;
}

/*
 * The usual homes of MaxMind DB files (Debian's geoipupdate writes to
 * /var/lib/GeoIP, packaged databases go to /usr/share/GeoIP), searched
 * when there is no ipwhois database; $IPWHOIS_GEOIP_DIRS replaces them.
 */
#define GEOIP_DIRS	"/usr/share/GeoIP:/var/lib/GeoIP"

/* The names looked for there, by what they answer, the better first. */
static const struct {
	int	 asn;		/* 1: ASN and AS name; 0: country */
	const char *glob;
} geoip_names[] = {
	/* MaxMind's free and paid files (geoipupdate's names) */
	{ 1, "GeoLite2-ASN.mmdb" },
	{ 1, "GeoIP2-ASN.mmdb" },
	/* DB-IP's monthly lite files, dated: the newest wins */
	{ 1, "dbip-asn-lite*.mmdb" },
	{ 1, "dbip-asn*.mmdb" },
	{ 0, "GeoLite2-Country.mmdb" },
	{ 0, "GeoIP2-Country.mmdb" },
	{ 0, "dbip-country-lite*.mmdb" },
	{ 0, "dbip-country*.mmdb" },
	/* ip-location-db's -country-mmdb packages */
	{ 0, "geo-whois-asn-country.mmdb" },
	{ 0, "geolite2-country.mmdb" },
	/* a city file has the country too, and is larger */
	{ 0, "GeoLite2-City.mmdb" },
	{ 0, "GeoIP2-City.mmdb" },
	{ 0, "dbip-city-lite*.mmdb" },
};

/* The last (newest, for dated names) file dir/pattern names; or NULL. */
static char *
glob_last(const char *dir, size_t len, const char *pattern)
{
	char *pat, *path = NULL;
	glob_t g;

	if (asprintf(&pat, "%.*s/%s", (int)len, dir, pattern) == -1)
		return NULL;
	if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0)
		path = xstrndup(g.gl_pathv[g.gl_pathc - 1],
		    strlen(g.gl_pathv[g.gl_pathc - 1]));
	globfree(&g);
	free(pat);
	return path;
}

/*
 * An ASN file and a country file from the GeoIP directories, each the
 * first there is, directory by directory; how many into found[].
 */
static int
find_geoip(char *found[2])
{
	const char *dirs = getenv("IPWHOIS_GEOIP_DIRS");
	char *kind[2] = { NULL, NULL };
	size_t len;
	int n = 0;

	if (dirs == NULL)
		dirs = GEOIP_DIRS;
	for (const char *d = dirs; *d != '\0'; d += len + (d[len] == ':')) {
		len = strcspn(d, ":");
		if (*d != '/')
			continue;
		for (size_t i = 0; i < nitems(geoip_names); i++)
			if (kind[geoip_names[i].asn] == NULL)
				kind[geoip_names[i].asn] = glob_last(d, len,
				    geoip_names[i].glob);
	}
	/* ASN first: its file's names go with its numbers. */
	if (kind[1] != NULL)
		found[n++] = kind[1];
	if (kind[0] != NULL)
		found[n++] = kind[0];
	return n;
}

/* One file more into the run's chain; -1 (said) when it cannot be. */
static int
add_db(const struct config *cfg, struct run *run, const char *name,
    int given)
{
	char msg[512], kind[128];
	struct ipdb *db;

	if ((db = ipdb_open(name, msg, sizeof(msg))) == NULL) {
		if (given || !cfg->quiet)
			warnx("%s%s", msg, given ? "" : "; going on without it");
		return -1;
	}
	if (run->ipdb == NULL)
		run->ipdb = db;
	else
		ipdb_chain(run->ipdb, db);
	ipdb_describe(db, kind, sizeof(kind));
	if (cfg->verbose && strcmp(kind, "ipwhois") == 0)
		fprintf(stderr, "ipwhois: using the IP database %s\n", name);
	else if (cfg->verbose)
		fprintf(stderr, "ipwhois: using the IP database %s (%s)\n",
		    name, kind);
	return 0;
}

/*
 * The IP database, mapped here once: the workers inherit the mapping and
 * share its pages.  A --db that cannot be used is an error; a damaged one
 * found in the default places is a warning (the run goes on without it).
 * Without ipwhois's own file, MaxMind DB files in the GeoIP directories
 * serve.  None at all is said once, even under -q, when the report has
 * columns it would fill: a cron job's report must not look complete when
 * it is not.  -v names each file used.
 */
static int
open_db(const struct config *cfg, struct run *run)
{
	char tried[1024], *path, *geoip[2];
	int n;

	for (int i = 0; i < cfg->ndb; i++)
		if (add_db(cfg, run, cfg->db[i], 1) == -1)
			return -1;
	if (cfg->ndb > 0)
		return 0;
	if ((path = find_db(tried, sizeof(tried))) != NULL) {
		add_db(cfg, run, path, 0);
		free(path);
		return 0;
	}
	if ((n = find_geoip(geoip)) == 0) {
		if (needs_db(cfg) || cfg->verbose)
			fprintf(stderr, "ipwhois: no IP database at %s: the "
			    "asn, as_name and country columns stay empty; "
			    "'make data' builds it\n", tried[0] ? tried :
			    "$HOME/.local/share/ipwhois/ip.db");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		add_db(cfg, run, geoip[i], 0);
		free(geoip[i]);
	}
	return 0;
}

/*
 * --update-db: the user's database (or --db FILE) rebuilt from the
 * published CSVs; quiet when it works, for cron.
 */
static int
update_db(const struct config *cfg)
{
	char msg[512], *path;

	path = cfg->ndb == 1 ? xstrndup(cfg->db[0], strlen(cfg->db[0])) :
	    xdg_path("XDG_DATA_HOME", ".local/share", "ip.db");
	if (path == NULL) {
		warnx("--update-db: no home directory: give --db FILE");
		return EXIT_USAGE;
	}
	if (db_update(path, cfg->db_url != NULL ? cfg->db_url :
	    DB_URL_DEFAULT, cfg->verbose, msg, sizeof(msg)) == -1) {
		warnx("--update-db: %s; %s kept as it was", msg, path);
		free(path);
		return EXIT_LOOKUP;
	}
	if (cfg->verbose)
		fprintf(stderr, "ipwhois: %s updated\n", path);
	free(path);
	return EXIT_OK;
}

static int
load_one(void *share, const struct answer *a)
{
	/* Full: the rest is asked again. */
	return share_put(share, a) == -1;
}

/*
 * A cache on a read-only file system (a read-only directory, an
 * immutable file) was read all the same; it is not written at the end,
 * and the user is told once, now, rather than by a failure then.
 */
static void
read_only_cache(const struct config *cfg, struct run *run)
{
	if (run->cache_path == NULL || cache_writable(run->cache_path))
		return;
	if (!cfg->quiet)
		warnx("%s: read-only: its answers are used, but this run's "
		    "are not added to it", run->cache_path);
	free(run->cache_path);
	run->cache_path = NULL;
}

/*
 * What earlier runs learned, into the shared table before the fork.  A
 * cache that cannot be read costs one warning and is then left alone
 * for the run (not written either); a missing one is made at the end.
 */
static void
load_cache(const struct config *cfg, struct run *run)
{
	struct cache *c;
	char msg[512];

	if (cfg->no_cache)
		return;
	if (cfg->cache_path != NULL)
		run->cache_path = xstrndup(cfg->cache_path,
		    strlen(cfg->cache_path));
	else
		run->cache_path = xdg_path("XDG_CACHE_HOME", ".cache",
		    "cache.db");
	if (run->cache_path == NULL || access(run->cache_path, F_OK) == -1)
		return;
	if ((c = cache_open(run->cache_path, 0, msg, sizeof(msg))) == NULL ||
	    cache_load(c, load_one, run->share, msg, sizeof(msg)) == -1) {
		if (!cfg->quiet)
			warnx("cache not used: %s", msg);
		free(run->cache_path);
		run->cache_path = NULL;
	}
	cache_close(c);
	run->cached = share_count(run->share);
	read_only_cache(cfg, run);
}

/*
 * --by network, org or abuse offline, and no network in the cache: only
 * registries answer those, so every public address would fall into one
 * row with an empty key, silently.  Said once; the IP database's keys
 * work offline.
 */
static void
offline_groups(const struct config *cfg, const struct run *run)
{
	if (!cfg->offline || cfg->quiet || run->cached > 0 ||
	    (cfg->by != BY_NETWORK && cfg->by != BY_ORG &&
	    cfg->by != BY_ABUSE))
		return;
	fprintf(stderr, "ipwhois: --by %s: offline, and the cache holds no "
	    "network: public addresses share one row with an empty key; "
	    "--by asn or --by country work offline, from the IP database\n",
	    groupby_name(cfg->by));
}

/*
 * The progress line: --progress, --no-progress, or by default when
 * standard error is a terminal that can erase a line, unless -q.  It
 * needs the shared page, where the counts are.
 */
static int
progress_wanted(const struct config *cfg, const struct run *run)
{
	const char *term = getenv("TERM");

	if (run->share == NULL)
		return 0;
	if (cfg->progress != -1)
		return cfg->progress;
	return !cfg->quiet && isatty(STDERR_FILENO) &&
	    (term == NULL || strcmp(term, "dumb") != 0);
}

/*
 * The bytes the inputs hold from where they will be read, for the
 * progress line's percentage; 0 (unknown) unless all are regular files.
 */
static uint64_t
input_size(const int *fds, int n)
{
	uint64_t total = 0;

	for (int i = 0; i < n; i++) {
		struct stat sb;
		off_t at;

		if (fstat(fds[i], &sb) == -1 || !S_ISREG(sb.st_mode))
			return 0;
		at = lseek(fds[i], 0, SEEK_CUR);
		total += (uint64_t)(sb.st_size - (at > 0 && at < sb.st_size ?
		    at : 0));
	}
	return total;
}

/* --bootstrap files, read once here; live mode only. */
static int
open_bootstrap(const struct config *cfg, struct run *run)
{
	char msg[512];

	if (cfg->nbootstrap == 0 || cfg->offline)
		return 0;
	run->boot = bootstrap_load(cfg->bootstrap, cfg->nbootstrap, msg,
	    sizeof(msg));
	if (run->boot == NULL) {
		warnx("--bootstrap: %s", msg);
		return -1;
	}
	return 0;
}

/*
 * A live RDAP run needs libcurl: without it every row would be an error,
 * so the run stops here, before anything is read or written.
 */
static int
need_curl(const struct config *cfg)
{
	char msg[512];

	if (cfg->offline || cfg->protocol != PROTO_RDAP)
		return 0;
	if (fetch_preload(msg, sizeof(msg)) == 0)
		return 0;
	warnx("live lookups need libcurl (Debian: libcurl4), or use "
	    "--offline or --protocol whois: %s", msg);
	return -1;
}

/*
 * --regex, or --log-format compiled into one first, compiled once here
 * for the parser.  The pattern of a --log-format is shown under -v, for
 * whoever wonders why a line was not read; once compiled, it is not kept.
 */
static int
compile_regex(const struct config *cfg, struct run *run)
{
	char msg[512], *pattern = NULL;
	const char *regex = cfg->regex, *opt = "--regex: ";
	int rc = 0;

	if (cfg->log_format != NULL) {
		opt = "--log-format: ";
		if ((pattern = logformat_compile(cfg->log_format, msg,
		    sizeof(msg))) == NULL) {
			usage_error(opt, msg);
			return -1;
		}
		if (cfg->verbose)
			fprintf(stderr, "ipwhois: --log-format: %s\n", pattern);
		regex = pattern;
	}
	if (regex != NULL && (run->regex = logfmt_regex_compile(regex, msg,
	    sizeof(msg))) == NULL) {
		usage_error(opt, msg);
		rc = -1;
	}
	free(pattern);
	return rc;
}

static void
signals_parent(void)
{
	sigemptyset(&waited);
	sigaddset(&waited, SIGINT);
	sigaddset(&waited, SIGTERM);
	sigaddset(&waited, SIGCHLD);
	sigaddset(&waited, SIGALRM);
	sigprocmask(SIG_BLOCK, &waited, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * --counts-only looks nothing up: no worker is started, and the
 * network, the cache and the IP database are left alone.
 */
static void
counts_only(struct config *cfg)
{
	if (!cfg->counts_only)
		return;
	cfg->jobs = 0;
	cfg->offline = 1;
	cfg->no_cache = 1;
}

/* prepare()'s answer when the roles are to be started. */
#define GO_ON	(-1)

/*
 * Everything that can stop the run before it starts: the command line,
 * --build-db (a run of its own), the regex, the standard descriptors,
 * the IP database, the bootstrap files, the inputs and the output.
 * GO_ON, or the exit status.  What it made is freed by clean_up().
 */
static int
prepare(struct config *cfg, struct run *run, struct wiring *w, char **tmp,
    int argc, char **argv)
{
	unsigned closed = plug_std_fds();
	char msg[512];

	switch (config_parse(cfg, argc, argv, msg, sizeof(msg))) {
	case 1:
		return EXIT_OK;
	case -1:
		return usage_error("", msg);
	}
	if (cfg->build_db != NULL)
		return build_db(cfg);
	if (cfg->update_db)
		return update_db(cfg);
	/* -o -: standard output, as for the inputs' "-". */
	if (cfg->output != NULL && strcmp(cfg->output, "-") == 0)
		cfg->output = NULL;
	if (compile_regex(cfg, run) == -1)
		return EXIT_USAGE;
	counts_only(cfg);
	if (check_std_fds(cfg, closed) == -1 ||
	    enough_fds(cfg->jobs, cfg->ninputs) == -1 ||
	    need_curl(cfg) == -1 ||
	    (!cfg->counts_only && open_db(cfg, run) == -1) ||
	    open_bootstrap(cfg, run) == -1)
		return EXIT_USAGE;
	if (sandbox_prepare(cfg, msg, sizeof(msg)) == -1)
		return usage_error("", msg);
	w->in_fds = xcalloc((size_t)cfg->ninputs, sizeof(int));
	w->out_fd = STDOUT_FILENO;
	if ((w->missing = open_inputs(cfg, w->in_fds)) == -1 ||
	    (cfg->output != NULL &&
	    (w->out_fd = open_output(cfg->output, tmp)) == -1))
		return EXIT_USAGE;
	w->ninputs = cfg->ninputs;
	return GO_ON;
}

/*
 * The pipes, and the consumers' children: the reporter first, then each
 * worker, each pipe end closed here as soon as its owner has it, so that
 * main holds about 2 per worker at most, not 4.  The parser comes last.
 */
static void
start_consumers(const struct config *cfg, const struct run *run,
    struct wiring *w, struct child *ch)
{
	w->nworkers = cfg->jobs;
	w->to_worker = xcalloc((size_t)w->nworkers, sizeof(*w->to_worker));
	w->from_worker = xcalloc((size_t)w->nworkers, sizeof(*w->from_worker));
	for (int i = 0; i < w->nworkers; i++) {
		w->to_worker[i][0] = w->to_worker[i][1] = -1;
		xpipe(w->from_worker[i]);
	}
	xpipe(w->to_reporter);
	start_reporter(cfg, run, w, &ch[0]);
	close_given(&w->to_reporter[0]);
	for (int i = 0; i < w->nworkers; i++)
		close_given(&w->from_worker[i][0]);
	for (int i = 0; i < w->nworkers; i++) {
		xpipe(w->to_worker[i]);
		start_worker(cfg, run, w, &ch[1 + i], i);
		close_given(&w->to_worker[i][0]);
		close_given(&w->from_worker[i][1]);
	}
}

/*
 * -o FILE: the report replaces it only when the run completed: 0, 1, or
 * 2 for an input damaged part way, whose readable part is counted.  A
 * crash or a stop leaves the old file alone.  The run's status.
 */
static int
replace_output(const struct config *cfg, const char *tmp, int status)
{
	if (status <= EXIT_USAGE && rename(tmp, cfg->output) == -1) {
		warn("%s", cfg->output);
		status = EXIT_INTERNAL;
	}
	if (status > EXIT_USAGE)
		unlink(tmp);
	return status;
}

/*
 * The run itself: the shared page and what the cache remembers, the
 * roles, then waiting for them with the progress line.
 */
static int
run_roles(const struct config *cfg, struct run *run, struct wiring *w,
    const char *tmp)
{
	int nch = cfg->jobs + 2, status;
	struct child *ch = xcalloc((size_t)nch, sizeof(*ch));
	struct progress *pg = NULL;
	struct watch wt = { 0 };

	/* Without it (no memory to map), workers just do not share. */
	run->share = share_new();
	run->progress = progress_wanted(cfg, run);
	load_cache(cfg, run);
	offline_groups(cfg, run);
	signals_parent();
	start_consumers(cfg, run, w, ch);
	if (run->progress)
		pg = progress_new(run->share, cfg->jobs, input_size(w->in_fds,
		    cfg->ninputs));
	start_parser(cfg, run, w, &ch[nch - 1]);
	close_others(w, NULL, 0);
	wt.ch = ch;
	wt.n = nch;
	wt.share = run->share;
	wt.stuck_ns = stuck_after(cfg);
	status = reap(&wt, &pg);
	progress_end(pg);	/* before any message of main's */
	status = judge(ch, nch, status);
	if (wt.lost && status < 128)
		warnx("%s", wt.lost == 1 ? "the parser died: no report is "
		    "written, its counts would be wrong" : "the reporter died: "
		    "the run is stopped, no report is written");
	if (w->missing > 0 && status < EXIT_USAGE)
		status = EXIT_USAGE;
	free(ch);
	return tmp != NULL ? replace_output(cfg, tmp, status) : status;
}

/* Whatever prepare() and run_roles() made, however far they got. */
static void
clean_up(struct config *cfg, struct run *run, struct wiring *w, char *tmp)
{
	free(tmp);
	free(w->to_worker);
	free(w->from_worker);
	free(w->in_fds);
	logfmt_regex_free(run->regex);
	ipdb_close(run->ipdb);
	bootstrap_free(run->boot);
	share_free(run->share);
	free(run->cache_path);
	config_free(cfg);
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct run run;
	struct wiring w;
	char *tmp = NULL;
	int status;

	memset(&run, 0, sizeof(run));
	memset(&w, 0, sizeof(w));
	run.started_ns = now_ns();
	status = prepare(&cfg, &run, &w, &tmp, argc, argv);
	if (status == GO_ON)
		status = run_roles(&cfg, &run, &w, tmp);
	clean_up(&cfg, &run, &w, tmp);
	return status;
}
