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

/* What -f takes, in the order of enum logfmt. */
#define FORMAT_NAMES	"auto, combined, common, vhost_combined, sshd, syslog, " \
	"w3c, cloudfront, gcs, elb, alb, s3, squid, haproxy, caddy, traefik, " \
	"json, apache-error, nginx-error, first-ip"

#define MAXARGS	8

/* A usage error whose message must contain msg. */
#define BAD(msg)	-1, msg, 0, 0, 0, 0, 0, NULL, { NULL }

/* -j's default with --offline, on this machine: one per processor. */
#define OFFLINE_JOBS	-1

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
	{ { "--offline" }, 0, NULL, OFFLINE_JOBS, FMT_AUTO, 1, 0, 0, NULL,
	    { NULL } },
	{ { "--live" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL, { NULL } },
	{ { "--offline", "--live" }, 0, NULL, 8, FMT_AUTO, 0, 0, 0, NULL,
	    { NULL } },
	{ { "--live", "--offline" }, 0, NULL, OFFLINE_JOBS, FMT_AUTO, 1, 0, 0, NULL,
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
	static char **keep[256];
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
	ck_assert_int_eq(cfg.jobs, cases[_i].jobs == OFFLINE_JOBS ?
	    default_jobs(1) : cases[_i].jobs);
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
/*
 * -j's default: 8 live; offline one per processor, at most 8; a -j
 * given is taken as it is, offline or not.
 */
START_TEST(test_default_jobs)
{
	static const char *const given[] = { "--offline", "-j", "5", NULL };
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	struct config cfg;
	char err[256];
	int argc;

	ck_assert_int_eq(default_jobs(0), 8);
	ck_assert_int_eq(default_jobs(1), n < 1 ? 1 : n > 8 ? 8 : n);
	ck_assert_int_eq(config_parse(&cfg, 4, make_argv(given, &argc), err,
	    sizeof(err)), 0);
	ck_assert_int_eq(cfg.jobs, 5);
	config_free(&cfg);
}
END_TEST

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
	static char out[16384];
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

/*
 * The whole message for each kind of bad value and each check between
 * options: main prints it as it is, and the integration tests and
 * scripts read it.
 */
static const struct {
	const char *argv[MAXARGS];
	const char *msg;
} messages[] = {
	{ { "-j", "0" },
	    "-j takes a number of workers from 1 to 256, not '0'" },
	{ { "-f", "nope" }, "unknown log format 'nope' (" FORMAT_NAMES ")" },
	{ { "--protocol", "gopher" },
	    "--protocol takes rdap or whois, not 'gopher'" },
	{ { "-F", "xml" }, "-F takes csv, tsv or jsonl, not 'xml'" },
	{ { "--client", "XFF" }, "--client takes peer or xff, not 'XFF'" },
	{ { "--by", "as" }, "--by takes ip, network, asn, org, country or "
	    "abuse, not 'as'" },
	{ { "--rate", "0" },
	    "--rate takes requests per second, 0.01 to 1000000, not '0'" },
	{ { "--timeout", "3601" },
	    "--timeout takes seconds, 0.01 to 3600, not '3601'" },
	{ { "--connect-timeout", "x" },
	    "--connect-timeout takes seconds, 0.01 to 3600, not 'x'" },
	{ { "--retries", "1.5" },
	    "--retries takes a whole number from 0 to 10, not '1.5'" },
	{ { "--max-age", "1y" },
	    "--max-age takes an age like 30d, 12h, 90m or 3600s, not '1y'" },
	{ { "--top", "0" },
	    "--top takes a number of rows, 1 or more, not '0'" },
	{ { "--min-hits", "-1" },
	    "--min-hits takes a number of hits, not '-1'" },
	{ { "--since", "yesterday" }, "--since takes a time like 2026-12-01, "
	    "2026-12-01T08:00:00Z or an age like 24h or 7d, not 'yesterday'" },
	{ { "--until", "2026-13-01" }, "--until takes a time like 2026-12-01, "
	    "2026-12-01T08:00:00Z or an age like 24h or 7d, not '2026-13-01'" },
	{ { "--fields", "ip,nope" }, "--fields: unknown column 'nope' (ip, "
	    "hits, bytes, addresses, first_seen, last_seen, kind, registry, "
	    "network, net_name, org, country, asn, as_name, abuse_email, "
	    "net_type, source, status)" },
	{ { "--fields", "hits,ip,hits" }, "--fields: 'hits' twice" },
	{ { "--exclude", "1.2.3.4,,5.6.7.8" }, "--exclude takes addresses or "
	    "networks like 192.0.2.0/24,2001:db8::/32, "
	    "not '1.2.3.4,,5.6.7.8'" },
	{ { "--include", "10.0.0.0/33" },
	    "--include: '10.0.0.0/33' is not an address or network" },
	{ { "--bootstrap=a", "--bootstrap=b", "--bootstrap=c",
	    "--bootstrap=d", "--bootstrap=e" },
	    "--bootstrap: at most 4 files" },
	{ { "--regex", "(?<ip>x)", "--log-format", "$remote_addr" },
	    "--regex and --log-format: give one" },
	{ { "--json-time", "ts" },
	    "--json-time and --json-bytes go with --json-field" },
	{ { "--json-bytes", "size" },
	    "--json-time and --json-bytes go with --json-field" },
	{ { "--since", "2026-12-02", "--until", "2026-12-01" },
	    "--until must be later than --since" },
	{ { "--trusted-proxy", "10.0.0.0/8" },
	    "--trusted-proxy is for --client xff" },
	{ { "-F", "jsonl", "--csv-safe" }, "--csv-safe is for -F csv and tsv" },
	{ { "--output=" }, "-o needs a file name" },
	{ { "--rdap-url", "ftp://x/" },
	    "--rdap-url takes an http:// or https:// URL, not 'ftp://x/'" },
	{ { "--rdap-url", "" },
	    "--rdap-url takes an http:// or https:// URL, not ''" },
	{ { "--cache", "" }, "--cache needs a value" },
	{ { "--whois-server", "" }, "--whois-server needs a value" },
	{ { "--build-db", "ip.db" }, "--build-db needs the CSV files to read" },
	{ { "--bogus" }, "unknown option '--bogus'" },
	{ { "-x" }, "unknown option '-x'" },
	{ { "--rate" }, "option '--rate' needs a value" },
	{ { "a.log", "-F" }, "option '-F' needs a value" },
	{ { "--live=1" }, "option '--live' takes no value" },
	{ { "--no-progress=yes" }, "option '--no-progress' takes no value" },
};

START_TEST(test_message)
{
	struct config cfg;
	char err[512] = "";
	int argc;
	char **argv = make_argv(messages[_i].argv, &argc);

	ck_assert_int_eq(config_parse(&cfg, argc, argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, messages[_i].msg);
	config_free(&cfg);
}
END_TEST

/* config_parse of args, which must be accepted. */
static void
parse_ok(const char *const *args, struct config *cfg)
{
	char err[512] = "";
	int argc;
	char **argv = make_argv(args, &argc);

	ck_assert_msg(config_parse(cfg, argc, argv, err, sizeof(err)) == 0,
	    "refused: %s", err);
}

/* Each kind of value lands in its field, as what it means. */
START_TEST(test_values)
{
	static const char *const numbers[] = { "--rate", "2.5", "--timeout",
	    "1.5", "--connect-timeout=0.25", "--retries", "3.0", NULL };
	static const char *const counts[] = { "--max-age", "2w", "--top", "5",
	    "--min-hits", "0", "--no-header", NULL };
	static const char *const words[] = { "--protocol", "whois", "-Ftsv",
	    "--client", "xff", "--by", "asn", NULL };
	static const char *const lists[] = { "--bootstrap", "a.json",
	    "--bootstrap=b.json", "--exclude", "192.0.2.0/24,2001:db8::1",
	    "--fields", "status,ip", NULL };
	static const char *const flags[] = { "--no-cache", "--progress",
	    "--csv-safe", "--offline", "--no-progress", NULL };
	struct config cfg;

	parse_ok(numbers, &cfg);
	ck_assert(cfg.rate == 2.5);
	ck_assert_int_eq(cfg.timeout_ms, 1500);
	ck_assert_int_eq(cfg.connect_ms, 250);
	ck_assert_int_eq(cfg.retries, 3);
	parse_ok(counts, &cfg);
	ck_assert_int_eq(cfg.max_age, 14 * 86400);
	ck_assert_uint_eq(cfg.top, 5);
	ck_assert_uint_eq(cfg.min_hits, 0);
	ck_assert_int_eq(cfg.no_header, 1);
	parse_ok(words, &cfg);
	ck_assert_int_eq(cfg.protocol, PROTO_WHOIS);
	ck_assert_int_eq(cfg.outfmt, OUT_TSV);
	ck_assert_int_eq(cfg.client, CLIENT_XFF);
	ck_assert_int_eq(cfg.by, BY_ASN);
	ck_assert_int_eq(cfg.columns[0], COL_ASN);	/* --by's columns */
	parse_ok(lists, &cfg);
	ck_assert_int_eq(cfg.nbootstrap, 2);
	ck_assert_str_eq(cfg.bootstrap[1], "b.json");
	ck_assert_int_eq(cfg.exclude.n, 2);
	ck_assert_uint_eq(cfg.exclude.plen[0], 96 + 24);
	ck_assert_uint_eq(cfg.exclude.plen[1], 128);
	ck_assert_int_eq(cfg.ncolumns, 2);
	ck_assert_int_eq(cfg.columns[0], COL_STATUS);
	ck_assert_int_eq(cfg.columns[1], COL_IP);
	config_free(&cfg);
	parse_ok(flags, &cfg);
	ck_assert_int_eq(cfg.no_cache, 1);
	ck_assert_int_eq(cfg.progress, 0);
	ck_assert_int_eq(cfg.csv_safe, 1);
	ck_assert_int_eq(cfg.offline, 1);
}
END_TEST

/* --log-format reads lines as a regex would; --json-field as JSON. */
START_TEST(test_line_formats)
{
	static const char *const lf[] = { "--log-format", "$remote_addr -",
	    NULL };
	static const char *const json[] = { "--json-field", "request.ip",
	    "--json-time=ts", "--json-bytes", "size", NULL };
	struct config cfg;

	parse_ok(lf, &cfg);
	ck_assert_int_eq(cfg.fmt, FMT_REGEX);
	ck_assert_str_eq(cfg.log_format, "$remote_addr -");
	parse_ok(json, &cfg);
	ck_assert_int_eq(cfg.fmt, FMT_JSON);
	ck_assert_str_eq(cfg.json_field, "request.ip");
	ck_assert_str_eq(cfg.json_time, "ts");
	ck_assert_str_eq(cfg.json_bytes, "size");
}
END_TEST

static const struct optdef *
option_named(const char *name)
{
	size_t n;
	const struct optdef *t = options_table(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* Every row is whole: what getopt, --help and the messages need. */
START_TEST(test_table)
{
	size_t n;
	const struct optdef *t = options_table(&n);

	ck_assert_uint_gt(n, 40);
	for (size_t i = 0; i < n; i++) {
		const struct optdef *o = &t[i];

		ck_assert_msg(o->help != NULL && *o->help != '\0', "%s",
		    o->name);
		ck_assert_msg(option_has_arg(o) == (o->arg != NULL), "%s",
		    o->name);
		if (o->kind == OA_ACTION)
			ck_assert_ptr_nonnull(o->set);
		if (o->kind == OA_WORD)
			ck_assert_msg(o->words != NULL && o->takes == NULL,
			    "%s: its words make its message", o->name);
		if (o->kind >= OA_INT && o->kind <= OA_COUNT)
			ck_assert_msg(o->takes != NULL, "%s", o->name);
		for (size_t k = i + 1; k < n; k++) {
			ck_assert_str_ne(o->name, t[k].name);
			ck_assert_msg(o->letter == 0 ||
			    o->letter != t[k].letter, "-%c twice", o->letter);
		}
	}
}
END_TEST

/* What completions offer after an option that takes words. */
START_TEST(test_words)
{
	const struct optdef *o;

	o = option_named("protocol");
	ck_assert_str_eq(option_word(o, 0), "rdap");
	ck_assert_str_eq(option_word(o, 1), "whois");
	ck_assert_ptr_null(option_word(o, 2));
	o = option_named("output-format");
	ck_assert_int_eq(o->letter, 'F');
	ck_assert_str_eq(option_word(o, 2), "jsonl");
	ck_assert_ptr_null(option_word(o, 3));
	o = option_named("by");
	ck_assert_str_eq(option_word(o, BY_ABUSE), "abuse");
	ck_assert_ptr_null(option_word(o, BY_MAX));
	o = option_named("format");
	ck_assert_str_eq(option_word(o, 0), "auto");
	for (size_t i = 0; option_word(o, i) != NULL; i++) {
		enum logfmt f;

		ck_assert_int_eq(logfmt_by_name(option_word(o, i), &f), 0);
		ck_assert_int_ne(f, FMT_REGEX);
	}
	ck_assert_ptr_null(option_word(option_named("jobs"), 0));
}
END_TEST

/* usage(), whole. */
static char *
help_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	usage(fp);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

/*
 * --help has a line for every option, lists every format -f takes, and
 * fits a terminal.
 */
START_TEST(test_help_table)
{
	char *help = help_text(), want[128];
	size_t n;
	const struct optdef *t = options_table(&n), *f;

	for (size_t i = 0; i < n; i++) {
		if (t[i].letter != 0)
			snprintf(want, sizeof(want), "\n  -%c, --%s%s",
			    t[i].letter, t[i].name, t[i].arg ? " " : "");
		else
			snprintf(want, sizeof(want), "\n      --%s%s",
			    t[i].name, t[i].arg ? " " : "");
		ck_assert_msg(strstr(help, want) != NULL, "no \"%s\"",
		    want + 1);
	}
	f = option_named("format");
	for (size_t i = 0; option_word(f, i) != NULL; i++)
		ck_assert_ptr_nonnull(strstr(help, option_word(f, i)));
	for (const char *p = help; *p != '\0'; p += strcspn(p, "\n") + 1)
		ck_assert_msg(strcspn(p, "\n") <= 79, "long: %.*s",
		    (int)strcspn(p, "\n"), p);
	free(help);
}
END_TEST

/* An option the manual lists: ".It Fl j Ar jobs , Fl Fl jobs ...". */
struct manopt {
	int	 letter;
	char	 name[32];
};

/* The man page, from the top of the tree or beside the test data. */
static char *
man_page(void)
{
	const char *data = getenv("IPWHOIS_TESTDATA");
	char path[4096];
	char *s;

	if ((s = tu_slurp("man/ipwhois.1", NULL)) != NULL)
		return s;
	snprintf(path, sizeof(path), "%s/../../man/ipwhois.1",
	    data != NULL ? data : "tests/data");
	s = tu_slurp(path, NULL);
	ck_assert_msg(s != NULL, "no man page: man/ipwhois.1, %s", path);
	return s;
}

/* The names on one ".It" line of the option list. */
static void
man_entry(char *line, struct manopt *m)
{
	char *tok[32], *save;
	int n = 0;

	memset(m, 0, sizeof(*m));
	for (char *w = strtok_r(line, " \t", &save); w != NULL && n < 32;
	    w = strtok_r(NULL, " \t", &save))
		tok[n++] = w;
	for (int i = 1; i + 1 < n; i++) {
		if (strcmp(tok[i], "Fl") != 0)
			continue;
		if (strcmp(tok[i + 1], "Fl") == 0 && i + 2 < n) {
			snprintf(m->name, sizeof(m->name), "%s", tok[i + 2]);
			i += 2;
		} else if (strlen(tok[i + 1]) == 1)
			m->letter = tok[++i][0];
	}
}

/*
 * The ".It Fl" entries of the DESCRIPTION's option list (the one after
 * "The options are as follows:"), not those of the lists inside it.
 */
static size_t
man_options(struct manopt *out, size_t max)
{
	char *page = man_page(), *line, *save;
	int depth = -1;
	size_t n = 0;

	for (line = strtok_r(page, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "The options are as follows:") == 0)
			depth = 0;
		else if (depth >= 0 && strncmp(line, ".Bl ", 4) == 0)
			depth++;
		else if (depth > 0 && strcmp(line, ".El") == 0) {
			if (--depth == 0)
				break;
		} else if (depth == 1 && strncmp(line, ".It Fl ", 7) == 0) {
			ck_assert_uint_lt(n, max);
			man_entry(line, &out[n++]);
		}
	}
	free(page);
	return n;
}

/* ipwhois(1) lists every option of the table, with its letter, and no other. */
START_TEST(test_man_page)
{
	struct manopt man[128];
	size_t nman = man_options(man, nitems(man)), n, k;
	const struct optdef *t = options_table(&n), *o;

	ck_assert_uint_gt(nman, 0);
	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < nman; k++)
			if (strcmp(man[k].name, t[i].name) == 0)
				break;
		ck_assert_msg(k < nman, "--%s is not in ipwhois(1)", t[i].name);
		ck_assert_msg(man[k].letter == t[i].letter,
		    "--%s: letter '%c' in ipwhois(1), '%c' here", t[i].name,
		    man[k].letter ? man[k].letter : '-',
		    t[i].letter ? t[i].letter : '-');
	}
	for (k = 0; k < nman; k++) {
		o = option_named(man[k].name);
		ck_assert_msg(o != NULL, "ipwhois(1) has --%s, the table not",
		    man[k].name);
	}
	ck_assert_uint_eq(nman, n);
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
	tcase_add_test(tc, test_default_jobs);
	tcase_add_loop_test(tc, test_message, 0, nitems(messages));
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_line_formats);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_help_table);
	tcase_add_test(tc, test_man_page);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(options_suite());
}
