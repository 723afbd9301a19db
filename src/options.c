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
	OPT_PROTOCOL,
	OPT_RDAP_URL,
	OPT_WHOIS_SERVER,
	OPT_BOOTSTRAP,
	OPT_RATE,
	OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_RETRIES,
	OPT_CACHE,
	OPT_NO_CACHE,
	OPT_MAX_AGE,
};

/* What each checked value must be, for the message when it is not. */
static const struct {
	int	 opt;
	const char *help;
} value_help[] = {
	{ OPT_PROTOCOL, "--protocol takes rdap or whois" },
	{ OPT_RATE, "--rate takes requests per second, 0.01 to 1000000" },
	{ OPT_TIMEOUT, "--timeout takes seconds, 0.01 to 3600" },
	{ OPT_CONNECT_TIMEOUT, "--connect-timeout takes seconds, 0.01 to 3600" },
	{ OPT_RETRIES, "--retries takes a whole number from 0 to 10" },
	{ OPT_MAX_AGE, "--max-age takes an age like 30d, 12h, 90m or 3600s" },
};

static const struct option longopts[] = {
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "format",	required_argument,	NULL, 'f' },
	{ "regex",	required_argument,	NULL, OPT_REGEX },
	{ "live",	no_argument,		NULL, OPT_LIVE },
	{ "offline",	no_argument,		NULL, OPT_OFFLINE },
	{ "db",		required_argument,	NULL, OPT_DB },
	{ "build-db",	required_argument,	NULL, OPT_BUILD_DB },
	{ "protocol",	required_argument,	NULL, OPT_PROTOCOL },
	{ "rdap-url",	required_argument,	NULL, OPT_RDAP_URL },
	{ "whois-server", required_argument,	NULL, OPT_WHOIS_SERVER },
	{ "bootstrap",	required_argument,	NULL, OPT_BOOTSTRAP },
	{ "rate",	required_argument,	NULL, OPT_RATE },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "connect-timeout", required_argument,	NULL, OPT_CONNECT_TIMEOUT },
	{ "retries",	required_argument,	NULL, OPT_RETRIES },
	{ "cache",	required_argument,	NULL, OPT_CACHE },
	{ "no-cache",	no_argument,		NULL, OPT_NO_CACHE },
	{ "max-age",	required_argument,	NULL, OPT_MAX_AGE },
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
"      --live          look addresses up in the registries (default)\n"
"      --offline       use no network: the cache, built-in tables and the\n"
"                      IP database\n"
"      --protocol P    rdap (default) or whois (port 43)\n"
"      --rdap-url URL  send every RDAP query to URL (a mirror, a test server)\n"
"      --whois-server HOST[:PORT]\n"
"                      send every whois query to HOST\n"
"      --bootstrap FILE  IANA RDAP bootstrap file (ipv4.json, ipv6.json;\n"
"                      may be repeated) instead of the built-in table\n"
"      --rate N        requests per second to each server (default 5)\n"
"      --timeout SECS  for one request, whole (default 15)\n"
"      --connect-timeout SECS\n"
"                      for connecting (default 5)\n"
"      --retries N     after a timeout, reset or server error (default 2)\n"
"      --cache FILE    remember answers in FILE (default\n"
"                      ${XDG_CACHE_HOME:-~/.cache}/ipwhois/cache.db)\n"
"      --no-cache      neither read nor write the cache\n"
"      --max-age AGE   how long a remembered answer stays fresh: 30d\n"
"                      (default), 12h, 90m, 3600s\n"
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

/* A number in [lo, hi], all of s. */
static int
parse_num(const char *s, double lo, double hi, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return *s == '\0' || *end != '\0' || !(*v >= lo && *v <= hi) ? -1 : 0;
}

/* "30d", "12h", "90m", "3600s" or plain seconds. */
static int
parse_age(const char *s, int64_t *secs)
{
	static const struct {
		char	 unit;
		int64_t	 mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	    { 'w', 7 * 86400 } };
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0 || v > 100LL * 366 * 86400)
		return -1;
	if (*end == '\0') {
		*secs = v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].unit && end[1] == '\0') {
			*secs = v * units[i].mult;
			return 0;
		}
	return -1;
}

/* The options with a value to check; 0, or -1 with err set. */
static int
value_option(struct config *cfg, int ch, const char *arg, char *err,
    size_t errlen)
{
	double v;

	switch (ch) {
	case OPT_PROTOCOL:
		if (strcmp(arg, "rdap") == 0)
			cfg->protocol = PROTO_RDAP;
		else if (strcmp(arg, "whois") == 0)
			cfg->protocol = PROTO_WHOIS;
		else
			goto bad;
		return 0;
	case OPT_RATE:
		if (parse_num(arg, 0.01, 1e6, &cfg->rate) == -1)
			goto bad;
		return 0;
	case OPT_TIMEOUT:
	case OPT_CONNECT_TIMEOUT:
		if (parse_num(arg, 0.01, 3600, &v) == -1)
			goto bad;
		*(ch == OPT_TIMEOUT ? &cfg->timeout_ms : &cfg->connect_ms) =
		    (long)(v * 1000);
		return 0;
	case OPT_RETRIES:
		if (parse_num(arg, 0, 10, &v) == -1 || v != (int)v)
			goto bad;
		cfg->retries = (int)v;
		return 0;
	case OPT_MAX_AGE:
		if (parse_age(arg, &cfg->max_age) == -1)
			goto bad;
		return 0;
	case OPT_BOOTSTRAP:
		if (cfg->nbootstrap == BOOTSTRAP_MAX) {
			seterr(err, errlen, "--bootstrap: at most %d files",
			    BOOTSTRAP_MAX);
			return -1;
		}
		cfg->bootstrap[cfg->nbootstrap++] = arg;
		return 0;
	}
	return 0;
bad:
	for (size_t i = 0; i < sizeof(value_help) / sizeof(value_help[0]); i++)
		if (value_help[i].opt == ch)
			seterr(err, errlen, "%s, not '%s'", value_help[i].help,
			    arg);
	return -1;
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
	cfg->rate = DEFAULT_RATE;
	cfg->timeout_ms = DEFAULT_TIMEOUT_MS;
	cfg->connect_ms = DEFAULT_CONNECT_MS;
	cfg->retries = DEFAULT_RETRIES;
	cfg->max_age = DEFAULT_MAX_AGE;
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
		case OPT_RDAP_URL:
			cfg->rdap_url = optarg;
			break;
		case OPT_WHOIS_SERVER:
			cfg->whois_server = optarg;
			break;
		case OPT_CACHE:
			cfg->cache_path = optarg;
			break;
		case OPT_NO_CACHE:
			cfg->no_cache = 1;
			break;
		case OPT_PROTOCOL:
		case OPT_RATE:
		case OPT_TIMEOUT:
		case OPT_CONNECT_TIMEOUT:
		case OPT_RETRIES:
		case OPT_MAX_AGE:
		case OPT_BOOTSTRAP:
			if (value_option(cfg, ch, optarg, err, errlen) == -1)
				return -1;
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
	if (cfg->rdap_url != NULL && strncmp(cfg->rdap_url, "http://", 7) &&
	    strncmp(cfg->rdap_url, "https://", 8)) {
		seterr(err, errlen, "--rdap-url takes an http:// or https:// URL, "
		    "not '%s'", cfg->rdap_url);
		return -1;
	}
	if ((cfg->whois_server != NULL && cfg->whois_server[0] == '\0') ||
	    (cfg->cache_path != NULL && cfg->cache_path[0] == '\0')) {
		seterr(err, errlen, "%s needs a value", cfg->cache_path &&
		    !cfg->cache_path[0] ? "--cache" : "--whois-server");
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
