/*
 * Command line: options into a struct config.  Nothing here touches the
 * inputs; main.c checks them before it forks.
 */
#include <errno.h>
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
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_NO_HEADER,
	OPT_FIELDS,
	OPT_BY,
	OPT_TOP,
	OPT_MIN_HITS,
	OPT_CSV_SAFE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_CLIENT,
	OPT_TRUSTED_PROXY,
	OPT_EXCLUDE,
	OPT_INCLUDE,
	OPT_LOG_FORMAT,
	OPT_JSON_FIELD,
	OPT_JSON_TIME,
	OPT_JSON_BYTES,
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
	{ 'F', "-F takes csv, tsv or jsonl" },
	{ OPT_BY, "--by takes ip, network, asn, org, country or abuse" },
	{ OPT_TOP, "--top takes a number of rows, 1 or more" },
	{ OPT_MIN_HITS, "--min-hits takes a number of hits" },
	{ OPT_SINCE, "--since takes a time like 2026-12-01, "
	    "2026-12-01T08:00:00Z or an age like 24h or 7d" },
	{ OPT_UNTIL, "--until takes a time like 2026-12-01, "
	    "2026-12-01T08:00:00Z or an age like 24h or 7d" },
	{ OPT_CLIENT, "--client takes peer or xff" },
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
	{ "progress",	no_argument,		NULL, OPT_PROGRESS },
	{ "no-progress", no_argument,		NULL, OPT_NO_PROGRESS },
	{ "output-format", required_argument,	NULL, 'F' },
	{ "no-header",	no_argument,		NULL, OPT_NO_HEADER },
	{ "fields",	required_argument,	NULL, OPT_FIELDS },
	{ "by",		required_argument,	NULL, OPT_BY },
	{ "top",	required_argument,	NULL, OPT_TOP },
	{ "min-hits",	required_argument,	NULL, OPT_MIN_HITS },
	{ "csv-safe",	no_argument,		NULL, OPT_CSV_SAFE },
	{ "since",	required_argument,	NULL, OPT_SINCE },
	{ "until",	required_argument,	NULL, OPT_UNTIL },
	{ "client",	required_argument,	NULL, OPT_CLIENT },
	{ "trusted-proxy", required_argument,	NULL, OPT_TRUSTED_PROXY },
	{ "exclude",	required_argument,	NULL, OPT_EXCLUDE },
	{ "include",	required_argument,	NULL, OPT_INCLUDE },
	{ "log-format",	required_argument,	NULL, OPT_LOG_FORMAT },
	{ "json-field",	required_argument,	NULL, OPT_JSON_FIELD },
	{ "json-time",	required_argument,	NULL, OPT_JSON_TIME },
	{ "json-bytes",	required_argument,	NULL, OPT_JSON_BYTES },
	{ "output",	required_argument,	NULL, 'o' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 },
};

/* What config_parse allocated. */
void
config_free(struct config *cfg)
{
	struct netlist *l[] = { &cfg->trusted, &cfg->exclude, &cfg->include };

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		free(l[i]->net);
		free(l[i]->plen);
		l[i]->net = NULL;
		l[i]->plen = NULL;
		l[i]->n = 0;
	}
}

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
"  -F, --output-format F  csv (default), tsv or jsonl (JSON Lines)\n"
"      --no-header     leave out the header line (csv, tsv)\n"
"      --fields LIST   the columns to show, in this order: ip,hits,...\n"
"      --by KEY        one row per ip (default), network, asn, org, country\n"
"                      or abuse (contact), with its hits, bytes, addresses\n"
"      --top N         only the N rows with the most hits\n"
"      --min-hits N    only the rows with at least N hits\n"
"      --csv-safe      defuse cells a spreadsheet would read as formulas\n"
"      --since TIME    count only lines at or after TIME: 2026-12-01,\n"
"                      2026-12-01T08:00[:00][Z|+01:00], or 24h, 7d ago\n"
"      --until TIME    count only lines before TIME\n"
"      --client WHO    peer (default): the connecting address; xff: the\n"
"                      right-most X-Forwarded-For address not a trusted proxy\n"
"      --trusted-proxy CIDR,...\n"
"                      proxies whose X-Forwarded-For entries are skipped\n"
"      --exclude CIDR,...  leave these addresses out\n"
"      --include CIDR,...  count only these addresses\n"
"      --progress, --no-progress\n"
"                      a progress line on standard error (default: when\n"
"                      it is a terminal)\n"
"  -v, --verbose       print a summary and each failure on standard error\n"
"  -q, --quiet         print nothing but errors\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Columns: ip,hits,bytes,addresses,first_seen,last_seen,kind,registry,network,\n"
"net_name,org,country,asn,as_name,abuse_email,source,status\n"
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

/* A count for --top and --min-hits: digits only, lo or more. */
static int
parse_count(const char *s, uint64_t lo, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end != '\0' || errno == ERANGE || *v < lo ? -1 : 0;
}

/*
 * --since and --until: an age before now ("24h", "7d"), or a date and
 * time, read as the logs are: "2026-12-01", "2026-12-01T08:00",
 * "2026-12-01T08:00:00", with an optional zone ("Z", "+01:00");
 * without one, local time.
 */
static int
parse_when(const char *s, int64_t *when)
{
	struct syslog_clock clock;
	char full[64];
	size_t n = strlen(s), used = 0;
	int64_t age;

	if (parse_age(s, &age) == 0) {
		*when = (int64_t)time(NULL) - age;
		return *when > 0 ? 0 : -1;
	}
	if (n < 10 || n > 40)
		return -1;
	if (n == 10)
		snprintf(full, sizeof(full), "%sT00:00:00", s);
	else if (n >= 16 && s[13] == ':' && (n == 16 || s[16] != ':'))
		snprintf(full, sizeof(full), "%.16s:00%s", s, s + 16);
	else
		snprintf(full, sizeof(full), "%s", s);
	syslog_clock_init(&clock, time(NULL));
	*when = time_iso(full, strlen(full), &used, &clock);
	return *when > 0 && used == strlen(full) ? 0 : -1;
}

/* "CIDR,CIDR,..." (an address alone is a /32 or /128) appended to l. */
static int
parse_netlist(const char *opt, const char *arg, struct netlist *l,
    char *err, size_t errlen)
{
	const char *p = arg;

	do {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char one[IP_STRLEN + 8];

		if (n == 0 || n >= sizeof(one)) {
			setmsg(err, errlen, "%s takes addresses or networks "
			    "like 192.0.2.0/24,2001:db8::/32, not '%s'", opt,
			    arg);
			return -1;
		}
		memcpy(one, p, n);
		one[n] = '\0';
		l->net = xrealloc(l->net, (size_t)(l->n + 1) * sizeof(*l->net));
		l->plen = xrealloc(l->plen, (size_t)(l->n + 1) *
		    sizeof(*l->plen));
		if (ip_net_parse(one, &l->net[l->n], &l->plen[l->n]) == -1) {
			setmsg(err, errlen, "%s: '%s' is not an address or "
			    "network", opt, one);
			return -1;
		}
		l->n++;
		p = comma ? comma + 1 : NULL;
	} while (p != NULL);
	return 0;
}

/* --fields: known column names, each once. */
static int
parse_fields(struct config *cfg, const char *arg, char *err, size_t errlen)
{
	const char *p = arg;

	cfg->ncolumns = 0;
	do {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		enum column c;

		if (column_by_name(p, n, &c) == -1) {
			setmsg(err, errlen, "--fields: unknown column '%.*s' "
			    "(ip, hits, bytes, addresses, first_seen, "
			    "last_seen, kind, registry, network, net_name, "
			    "org, country, asn, as_name, abuse_email, source, "
			    "status)", (int)n, p);
			return -1;
		}
		for (int i = 0; i < cfg->ncolumns; i++)
			if (cfg->columns[i] == c) {
				setmsg(err, errlen, "--fields: '%s' twice",
				    column_name(c));
				return -1;
			}
		cfg->columns[cfg->ncolumns++] = c;
		p = comma ? comma + 1 : NULL;
	} while (p != NULL);
	return 0;
}

/* The options that take one of a few words, and what each word means. */
static const struct {
	int	 opt;
	const char *word;
	int	 value;
} words[] = {
	{ OPT_PROTOCOL, "rdap", PROTO_RDAP },
	{ OPT_PROTOCOL, "whois", PROTO_WHOIS },
	{ 'F', "csv", OUT_CSV },
	{ 'F', "tsv", OUT_TSV },
	{ 'F', "jsonl", OUT_JSONL },
	{ OPT_CLIENT, "peer", CLIENT_PEER },
	{ OPT_CLIENT, "xff", CLIENT_XFF },
};

static int
parse_word(int opt, const char *arg, int *value)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].opt == opt && strcmp(words[i].word, arg) == 0) {
			*value = words[i].value;
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
	int w;

	switch (ch) {
	case OPT_PROTOCOL:
		if (parse_word(ch, arg, &w) == -1)
			goto bad;
		cfg->protocol = (enum protocol)w;
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
	case 'F':
		if (parse_word(ch, arg, &w) == -1)
			goto bad;
		cfg->outfmt = (enum outfmt)w;
		return 0;
	case OPT_BY:
		if (groupby_by_name(arg, &cfg->by) == -1)
			goto bad;
		return 0;
	case OPT_TOP:
		if (parse_count(arg, 1, &cfg->top) == -1)
			goto bad;
		return 0;
	case OPT_MIN_HITS:
		if (parse_count(arg, 0, &cfg->min_hits) == -1)
			goto bad;
		return 0;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (parse_when(arg, ch == OPT_SINCE ? &cfg->since :
		    &cfg->until) == -1)
			goto bad;
		return 0;
	case OPT_CLIENT:
		if (parse_word(ch, arg, &w) == -1)
			goto bad;
		cfg->client = (enum client)w;
		return 0;
	case OPT_FIELDS:
		return parse_fields(cfg, arg, err, errlen);
	case OPT_TRUSTED_PROXY:
		return parse_netlist("--trusted-proxy", arg, &cfg->trusted, err,
		    errlen);
	case OPT_EXCLUDE:
		return parse_netlist("--exclude", arg, &cfg->exclude, err,
		    errlen);
	case OPT_INCLUDE:
		return parse_netlist("--include", arg, &cfg->include, err,
		    errlen);
	case OPT_BOOTSTRAP:
		if (cfg->nbootstrap == BOOTSTRAP_MAX) {
			setmsg(err, errlen, "--bootstrap: at most %d files",
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
			setmsg(err, errlen, "%s, not '%s'", value_help[i].help,
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
	cfg->progress = -1;
	optind = 0;	/* glibc: a full reset, even mid-way through "-xv" */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":j:f:o:F:vqhV", longopts,
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
		case OPT_LOG_FORMAT:
			cfg->log_format = optarg;
			break;
		case OPT_JSON_FIELD:
			cfg->json_field = optarg;
			break;
		case OPT_JSON_TIME:
			cfg->json_time = optarg;
			break;
		case OPT_JSON_BYTES:
			cfg->json_bytes = optarg;
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
		case OPT_PROGRESS:
		case OPT_NO_PROGRESS:
			cfg->progress = ch == OPT_PROGRESS;
			break;
		case OPT_NO_HEADER:
			cfg->no_header = 1;
			break;
		case OPT_CSV_SAFE:
			cfg->csv_safe = 1;
			break;
		case 'F':
		case OPT_FIELDS:
		case OPT_BY:
		case OPT_TOP:
		case OPT_MIN_HITS:
		case OPT_SINCE:
		case OPT_UNTIL:
		case OPT_CLIENT:
		case OPT_TRUSTED_PROXY:
		case OPT_EXCLUDE:
		case OPT_INCLUDE:
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
	if (cfg->regex != NULL && cfg->log_format != NULL) {
		setmsg(err, errlen, "--regex and --log-format: give one");
		return -1;
	}
	if ((cfg->json_time != NULL || cfg->json_bytes != NULL) &&
	    cfg->json_field == NULL) {
		setmsg(err, errlen, "--json-time and --json-bytes go with "
		    "--json-field");
		return -1;
	}
	if (cfg->regex != NULL || cfg->log_format != NULL)
		cfg->fmt = FMT_REGEX;
	else if (cfg->json_field != NULL)
		cfg->fmt = FMT_JSON;
	if (cfg->ncolumns == 0)
		cfg->ncolumns = columns_default(cfg->by, cfg->columns);
	if (cfg->since != 0 && cfg->until != 0 && cfg->until <= cfg->since) {
		setmsg(err, errlen, "--until must be later than --since");
		return -1;
	}
	if (cfg->trusted.n > 0 && cfg->client != CLIENT_XFF) {
		setmsg(err, errlen, "--trusted-proxy is for --client xff");
		return -1;
	}
	/* JSON is no spreadsheet's: a quote put in would only be wrong. */
	if (cfg->csv_safe && cfg->outfmt == OUT_JSONL) {
		setmsg(err, errlen, "--csv-safe is for -F csv and tsv");
		return -1;
	}
	if (cfg->output != NULL && cfg->output[0] == '\0') {
		snprintf(err, errlen, "-o needs a file name");
		return -1;
	}
	if (cfg->rdap_url != NULL && strncmp(cfg->rdap_url, "http://", 7) &&
	    strncmp(cfg->rdap_url, "https://", 8)) {
		setmsg(err, errlen, "--rdap-url takes an http:// or https:// URL, "
		    "not '%s'", cfg->rdap_url);
		return -1;
	}
	if ((cfg->whois_server != NULL && cfg->whois_server[0] == '\0') ||
	    (cfg->cache_path != NULL && cfg->cache_path[0] == '\0')) {
		setmsg(err, errlen, "%s needs a value", cfg->cache_path &&
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
