/*
 * options.c: the command line, as ipwhois(1) describes it.  Each case is
 * an argv and what config_parse() must make of it; a usage error must
 * name what was wrong.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

#define MAXARGS	8

/* A usage error whose message must contain msg. */
#define BAD(msg)	-1, msg, 0, 0, 0, 0, 0, NULL, { NULL }

/*
 * rc 0: the fields below must hold (ninputs 0: standard input only);
 * rc -1: err must contain msg.
 */
static const struct {
	const char *argv[MAXARGS];	/* after "ipwhois"; NULL-terminated */
	int rc;
	const char *msg;
	int jobs;
	enum logfmt fmt;
	int offline, verbose, quiet;
	const char *output;
	const char *inputs[3];
} cases[] = {
	/* Defaults. */
	{ { NULL }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	/* -j / --jobs */
	{ { "-j", "1" }, 0, NULL, 1, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "-j", "256" }, 0, NULL, 256, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "-j16" }, 0, NULL, 16, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "--jobs", "4" }, 0, NULL, 4, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "--jobs=32" }, 0, NULL, 32, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "-j", "2", "-j", "3" }, 0, NULL, 3, FMT_AUTO, 0, 0, 0, NULL,
	    { NULL } },
	{ { "-j", "0" }, BAD("'0'") },
	{ { "-j", "257" }, BAD("'257'") },
	{ { "-j", "abc" }, BAD("'abc'") },
	{ { "-j", "" }, BAD("''") },
	{ { "-j", "-1" }, BAD("'-1'") },
	{ { "-j", "4x" }, BAD("'4x'") },
	{ { "-j", "99999999999999999999" }, BAD("'99999999999999999999'") },
	{ { "--jobs=abc" }, BAD("'abc'") },
	/* -f / --format */
	{ { "-f", "auto" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "-f", "combined" }, 0, NULL, 8, FMT_COMBINED, 0, 0, 0, NULL,
	    { NULL } },
	{ { "-f", "common" }, 0, NULL, 8, FMT_COMMON, 0, 0, 0, NULL,
	    { NULL } },
	{ { "-f", "vhost_combined" }, 0, NULL, 8, FMT_VHOST, 0, 0, 0, NULL,
	    { NULL } },
	{ { "-f", "sshd" }, 0, NULL, 8, FMT_SSHD, 0, 0, 0, NULL, { NULL } },
	{ { "--format=first-ip" }, 0, NULL, 8, FMT_FIRST_IP, 0, 0, 0, NULL,
	    { NULL } },
	{ { "-f", "bogus" }, BAD("'bogus'") },
	{ { "-f", "regex" }, BAD("'regex'") },
	{ { "-f", "" }, BAD("''") },
	/* --regex: the format is the regex, whatever -f says. */
	{ { "--regex", "^(?<ip>\\S+)" }, 0, NULL, 8, FMT_REGEX, 0, 0, 0,
	    NULL, { NULL } },
	{ { "--regex", "^(?<ip>\\S+)", "-f", "sshd" }, 0, NULL, 8, FMT_REGEX,
	    0, 0, 0, NULL, { NULL } },
	{ { "-f", "sshd", "--regex=x(?<ip>y)" }, 0, NULL, 8, FMT_REGEX, 0, 0,
	    0, NULL, { NULL } },
	/* --live / --offline: the last one wins. */
	{ { "--offline" }, 0, NULL, 8, FMT_AUTO, 1, 0, 0, NULL, { NULL } },
	{ { "--live" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "--offline", "--live" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL,
	    { NULL } },
	{ { "--live", "--offline" }, 0, NULL, 8, FMT_AUTO, 1, 0, 0, NULL,
	    { NULL } },
	/* -v / -q: the last one wins. */
	{ { "-v" }, 0, NULL, 8, FMT_AUTO, 0, 1, 0, NULL, { NULL } },
	{ { "--quiet" }, 0, NULL, 8, FMT_AUTO, 0, 0, 1, NULL, { NULL } },
	{ { "-v", "-q" }, 0, NULL, 8, FMT_AUTO, 0, 0, 1, NULL, { NULL } },
	{ { "-qv" }, 0, NULL, 8, FMT_AUTO, 0, 1, 0, NULL, { NULL } },
	/* -o / --output */
	{ { "-o", "out.csv" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, "out.csv",
	    { NULL } },
	{ { "--output=dir/r.csv" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0,
	    "dir/r.csv", { NULL } },
	{ { "-o", "" }, BAD("-o needs a file name") },
	{ { "--output=" }, BAD("-o needs a file name") },
	/* Inputs. */
	{ { "a.log" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL, { "a.log" } },
	{ { "-j", "2", "a.log", "b.log.gz" }, 0, NULL, 2, FMT_AUTO, 0, 0, 0,
	    NULL, { "a.log", "b.log.gz" } },
	{ { "a.log", "-v", "-" }, 0, NULL, 8, FMT_AUTO, 0, 1, 0, NULL,
	    { "a.log", "-" } },
	{ { "-" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL, { "-" } },
	{ { "--", "-j" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL, { "-j" } },
	/* Unknown options and missing values. */
	{ { "--bogus" }, BAD("unknown option '--bogus'") },
	{ { "-x" }, BAD("unknown option '-x'") },
	{ { "-vx" }, BAD("unknown option '-x'") },
	{ { "-xv" }, BAD("unknown option '-x'") },
	{ { "-j" }, BAD("option '-j' needs a value") },
	{ { "--jobs" }, BAD("option '--jobs' needs a value") },
	{ { "-f" }, BAD("'-f' needs a value") },
	{ { "-o" }, BAD("'-o' needs a value") },
	{ { "--regex" }, BAD("'--regex' needs a value") },
	{ { "a.log", "-j" }, BAD("'-j' needs a value") },
	/* --csv-safe: for the formats a spreadsheet opens. */
	{ { "--csv-safe", "-F", "jsonl" }, BAD("--csv-safe is for -F csv") },
	{ { "-F", "tsv", "--csv-safe" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL,
	    { NULL } },
};

/*
 * A writable argv, as main() gets (getopt may permute it).  Each call
 * gets fresh storage, and the old stays as it was: getopt may still point
 * into the last command line it read (see test_parse_twice).
 */
static char **
make_argv(const char *const *args, int *argc)
{
	static char **keep[64];
	static size_t nkeep;
	char **argv = calloc(MAXARGS + 2, sizeof(*argv));
	int n = 0;

	ck_assert_uint_lt(nkeep, nitems(keep));
	keep[nkeep++] = argv;
	argv[n++] = strdup("ipwhois");
	for (; n <= MAXARGS && args[n - 1] != NULL; n++)
		argv[n] = strdup(args[n - 1]);
	argv[n] = NULL;
	*argc = n;
	return argv;
}

START_TEST(test_parse)
{
	struct config cfg;
	char err[256] = "";
	int argc, rc, want_inputs = 0;
	char **argv = make_argv(cases[_i].argv, &argc);

	rc = config_parse(&cfg, argc, argv, err, sizeof(err));
	if (cases[_i].rc == -1) {
		ck_assert_msg(rc == -1, "case %d: accepted", _i);
		ck_assert_msg(strstr(err, cases[_i].msg) != NULL,
		    "case %d: message \"%s\" lacks \"%s\"", _i, err,
		    cases[_i].msg);
		return;
	}
	ck_assert_msg(rc == 0, "case %d: refused: %s", _i, err);
	ck_assert_int_eq(cfg.jobs, cases[_i].jobs);
	ck_assert_int_eq(cfg.fmt, cases[_i].fmt);
	ck_assert_int_eq(cfg.offline, cases[_i].offline);
	ck_assert_int_eq(cfg.verbose, cases[_i].verbose);
	ck_assert_int_eq(cfg.quiet, cases[_i].quiet);
	if (cases[_i].output == NULL)
		ck_assert_ptr_null(cfg.output);
	else
		ck_assert_str_eq(cfg.output, cases[_i].output);
	if (cfg.fmt == FMT_REGEX)
		ck_assert_ptr_nonnull(cfg.regex);
	else
		ck_assert_ptr_null(cfg.regex);
	while (want_inputs < 3 && cases[_i].inputs[want_inputs] != NULL)
		want_inputs++;
	if (want_inputs == 0) {
		/* No file: standard input. */
		ck_assert_int_eq(cfg.ninputs, 1);
		ck_assert_str_eq(cfg.inputs[0], "-");
		return;
	}
	ck_assert_int_eq(cfg.ninputs, want_inputs);
	for (int k = 0; k < want_inputs; k++)
		ck_assert_str_eq(cfg.inputs[k], cases[_i].inputs[k]);
}
END_TEST

/* The regex text is kept as given. */
START_TEST(test_regex_text)
{
	static const char *const args[] = { "--regex", "^(?<ip>\\S+) x",
	    NULL };
	struct config cfg;
	char err[256];
	int argc;
	char **argv = make_argv(args, &argc);

	ck_assert_int_eq(config_parse(&cfg, argc, argv, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.regex, "^(?<ip>\\S+) x");
}
END_TEST

/* What config_parse writes on standard output for args. */
static char *
stdout_of(const char *const *args, int *rc)
{
	char path[] = "/tmp/check_options.XXXXXX", err[256];
	struct config cfg;
	int fd = mkstemp(path), saved, argc;
	char **argv = make_argv(args, &argc);
	static char out[4096];
	ssize_t n;

	ck_assert_int_ne(fd, -1);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	*rc = config_parse(&cfg, argc, argv, err, sizeof(err));
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	close(fd);
	unlink(path);
	return out;
}

START_TEST(test_version)
{
	static const char *const v[] = { "-V", NULL };
	static const char *const version[] = { "--version", NULL };
	static const char *const late[] = { "-j", "2", "a.log", "-V", NULL };
	int rc;

	ck_assert_str_eq(stdout_of(v, &rc), "ipwhois " IPWHOIS_VERSION "\n");
	ck_assert_int_eq(rc, 1);
	ck_assert_str_eq(stdout_of(version, &rc), "ipwhois 0.1.0\n");
	ck_assert_int_eq(rc, 1);
	ck_assert_str_eq(stdout_of(late, &rc), "ipwhois 0.1.0\n");
	ck_assert_int_eq(rc, 1);
}
END_TEST

START_TEST(test_help)
{
	static const char *const h[] = { "-h", NULL };
	static const char *const help[] = { "--help", NULL };
	int rc;
	const char *out = stdout_of(h, &rc);

	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strncmp(out, "usage: ipwhois", 14) == 0, "%s", out);
	/* Every option the man page lists is in the help. */
	ck_assert_ptr_nonnull(strstr(out, "--jobs"));
	ck_assert_ptr_nonnull(strstr(out, "--format"));
	ck_assert_ptr_nonnull(strstr(out, "--regex"));
	ck_assert_ptr_nonnull(strstr(out, "--live"));
	ck_assert_ptr_nonnull(strstr(out, "--offline"));
	ck_assert_ptr_nonnull(strstr(out, "--output"));
	ck_assert_ptr_nonnull(strstr(out, "--verbose"));
	ck_assert_ptr_nonnull(strstr(out, "--quiet"));
	ck_assert_ptr_nonnull(strstr(out, "--version"));
	out = stdout_of(help, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strncmp(out, "usage: ipwhois", 14) == 0, "%s", out);
}
END_TEST

/*
 * main() parses once, but nothing says config_parse() may only run once
 * per process: stopping in the middle of "-xv" must not leave getopt
 * state behind (the rest of that cluster, "v") that the next command line
 * then reads as its own options.
 */
START_TEST(test_parse_twice)
{
	static const char *const bad[] = { "-xv", NULL };
	static const char *const good[] = { "-j", "3", "a.log", NULL };
	struct config cfg;
	char err[256];
	int argc;
	char **argv = make_argv(bad, &argc);

	ck_assert_int_eq(config_parse(&cfg, argc, argv, err, sizeof(err)),
	    -1);
	argv = make_argv(good, &argc);
	ck_assert_msg(config_parse(&cfg, argc, argv, err, sizeof(err)) == 0,
	    "refused: %s", err);
	ck_assert_int_eq(cfg.jobs, 3);
	ck_assert_int_eq(cfg.verbose, 0);
	ck_assert_int_eq(cfg.ninputs, 1);
	ck_assert_str_eq(cfg.inputs[0], "a.log");
}
END_TEST

static Suite *
options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("options");

	tcase_add_loop_test(tc, test_parse, 0, nitems(cases));
	tcase_add_test(tc, test_regex_text);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_parse_twice);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(options_suite());
}
