/*
 * Command line: options into a struct config.  Nothing here touches the
 * inputs; main.c checks them before it forks.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

enum {
	OPT_REGEX = 256,
	OPT_LIVE,
	OPT_OFFLINE,
	OPT_DB,
	OPT_BUILD_DB,
};

static const struct option longopts[] = {
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "format",	required_argument,	NULL, 'f' },
	{ "regex",	required_argument,	NULL, OPT_REGEX },
	{ "live",	no_argument,		NULL, OPT_LIVE },
	{ "offline",	no_argument,		NULL, OPT_OFFLINE },
	{ "db",		required_argument,	NULL, OPT_DB },
	{ "build-db",	required_argument,	NULL, OPT_BUILD_DB },
	{ "output",	required_argument,	NULL, 'o' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 },
};

void
usage(FILE *fp)
{
	fputs(
"usage: ipwhois [options] [file ...]\n"
"Count the client addresses in web and ssh server logs and say whose they are.\n"
"Reads the files in order (none or \"-\": standard input; gzip, bzip2, xz,\n"
"zstd and lz4 are read as they are) and writes one CSV row per address.\n"
"\n"
"  -j, --jobs N        lookup workers, 1 to 256 (default 8)\n"
"  -f, --format FMT    auto (default), combined, common, vhost_combined,\n"
"                      sshd or first-ip\n"
"      --regex PCRE    read lines with a PCRE2 pattern with the named group\n"
"                      (?<ip>...) and optionally (?<time>...), (?<bytes>...)\n"
"      --live          look addresses up in the registries (default; this\n"
"                      version answers from its built-in tables)\n"
"      --offline       use no network: built-in tables and the IP database\n"
"      --db FILE       the IP database (default\n"
"                      ${XDG_DATA_HOME:-~/.local/share}/ipwhois/ip.db)\n"
"      --build-db FILE build the IP database FILE from the ip-location-db\n"
"                      CSV files given as arguments, and exit\n"
"  -o, --output FILE   write the report to FILE (replaced atomically)\n"
"  -v, --verbose       print a summary on standard error at the end\n"
"  -q, --quiet         print nothing but errors\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Columns: ip,hits,bytes,first_seen,last_seen,kind,registry,network,net_name,\n"
"org,country,asn,as_name,abuse_email,source,status\n"
"Exit status: 0 all good, 1 some lookups failed, 2 usage or input error,\n"
"3 internal failure.  See ipwhois(1).\n", fp);
}

static int
parse_jobs(const char *s, int *jobs)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > MAX_JOBS)
		return -1;
	*jobs = (int)v;
	return 0;
}

/*
 * 0: run with *cfg; 1: done (help or version printed); -1: usage error,
 * the message in err.
 */
int
config_parse(struct config *cfg, int argc, char **argv, char *err,
    size_t errlen)
{
	static char *stdin_only[] = { "-", NULL };
	int ch;

	memset(cfg, 0, sizeof(*cfg));
	cfg->jobs = DEFAULT_JOBS;
	cfg->fmt = FMT_AUTO;
	optind = 0;	/* glibc: a full reset, even mid-way through "-xv" */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":j:f:o:vqhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'j':
			if (parse_jobs(optarg, &cfg->jobs) == -1) {
				snprintf(err, errlen, "-j takes a number of "
				    "workers from 1 to %d, not '%s'",
				    MAX_JOBS, optarg);
				return -1;
			}
			break;
		case 'f':
			if (logfmt_by_name(optarg, &cfg->fmt) == -1) {
				snprintf(err, errlen, "unknown log format "
				    "'%s' (auto, combined, common, "
				    "vhost_combined, sshd, first-ip)", optarg);
				return -1;
			}
			break;
		case OPT_REGEX:
			cfg->regex = optarg;
			break;
		case OPT_LIVE:
			cfg->offline = 0;
			break;
		case OPT_OFFLINE:
			cfg->offline = 1;
			break;
		case OPT_DB:
			cfg->db = optarg;
			break;
		case OPT_BUILD_DB:
			cfg->build_db = optarg;
			break;
		case 'o':
			cfg->output = optarg;
			break;
		case 'v':
			cfg->verbose = 1;
			cfg->quiet = 0;
			break;
		case 'q':
			cfg->quiet = 1;
			cfg->verbose = 0;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("ipwhois %s\n", IPWHOIS_VERSION);
			return 1;
		case ':':
			if (strncmp(argv[optind - 1], "--", 2) == 0)
				snprintf(err, errlen, "option '%s' needs a "
				    "value", argv[optind - 1]);
			else
				snprintf(err, errlen, "option '-%c' needs a "
				    "value", optopt);
			return -1;
		default:
			if (optopt != 0)
				snprintf(err, errlen, "unknown option '-%c'",
				    optopt);
			else
				snprintf(err, errlen, "unknown option '%s'",
				    argv[optind - 1]);
			return -1;
		}
	}
	if (cfg->regex != NULL)
		cfg->fmt = FMT_REGEX;
	if (cfg->output != NULL && cfg->output[0] == '\0') {
		snprintf(err, errlen, "-o needs a file name");
		return -1;
	}
	if (cfg->build_db != NULL && argc == optind) {
		snprintf(err, errlen, "--build-db needs the CSV files to read");
		return -1;
	}
	cfg->inputs = argc > optind ? argv + optind : stdin_only;
	cfg->ninputs = argc > optind ? argc - optind : 1;
	return 0;
}
