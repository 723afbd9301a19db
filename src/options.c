/*
 * Command line: options into a struct config.  Every option is one row of
 * opts[] below, as tmux's options-table.c has them: its names, what its
 * value is and where it goes, its --help line and what a bad value draws.
 * getopt_long's tables, --help and the value checks are loops over it.
 * Nothing here touches the inputs; main.c checks them before it forks.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)
#define CFG(field)	offsetof(struct config, field)
#define AT(cfg, o, type)	((type *)(void *)((char *)(cfg) + (o)->off))
#define NOPTS		(sizeof(opts) / sizeof(opts[0]))

/* getopt_long's value for row i when it has no letter (letters are less). */
#define LONG_ONLY	256

/*
 * --help: where the text column starts, the longest line, and the longest
 * option column that the text still follows on its line.
 */
#define HELP_INDENT	22
#define HELP_WIDTH	79
#define HELP_SAME_LINE	26

/* OA_WORD stores its value through an int. */
_Static_assert(sizeof(enum protocol) == sizeof(int), "enum protocol");
_Static_assert(sizeof(enum outfmt) == sizeof(int), "enum outfmt");
_Static_assert(sizeof(enum client) == sizeof(int), "enum client");

static int	 help_action(struct config *);
static int	 version_action(struct config *);
static int	 verbose_action(struct config *);
static int	 quiet_action(struct config *);

static const struct optword protocols[] = {
	{ "rdap", PROTO_RDAP },
	{ "whois", PROTO_WHOIS },
	{ NULL, 0 },
};

static const struct optword outfmts[] = {
	{ "csv", OUT_CSV },
	{ "tsv", OUT_TSV },
	{ "jsonl", OUT_JSONL },
	{ NULL, 0 },
};

static const struct optword clients[] = {
	{ "peer", CLIENT_PEER },
	{ "xff", CLIENT_XFF },
	{ NULL, 0 },
};

#define TIME_TAKES	"a time like 2026-12-01, 2026-12-01T08:00:00Z or an " \
			"age like 24h or 7d"

/*
 * Every option, in --help's order.  A new option is a row here, its field
 * in struct config and its entry in ipwhois(1), which check_options holds
 * to this table.
 */
static const struct optdef opts[] = {
	{ .name = "jobs", .letter = 'j', .kind = OA_INT, .off = CFG(jobs),
	  .lo = 1, .hi = MAX_JOBS, .arg = "N",
	  .help = "lookup workers, 1 to " XSTR(MAX_JOBS) " (default "
	      XSTR(DEFAULT_JOBS) "; --offline: one per processor, at most "
	      XSTR(DEFAULT_JOBS) ")",
	  .takes = "a number of workers from 1 to " XSTR(MAX_JOBS) },
	{ .name = "format", .letter = 'f', .kind = OA_FORMAT, .off = CFG(fmt),
	  .arg = "FMT", .help = "(default auto)" },
	{ .name = "regex", .kind = OA_STRING, .off = CFG(regex),
	  .arg = "PCRE", .help = "read lines with a PCRE2 pattern with the "
	      "named group (?<ip>...) and optionally (?<time>...), "
	      "(?<bytes>...)" },
	{ .name = "log-format", .kind = OA_STRING, .off = CFG(log_format),
	  .arg = "STRING", .help = "read lines as the server's own format: "
	      "an nginx log_format or Apache LogFormat string" },
	{ .name = "json-field", .kind = OA_STRING, .off = CFG(json_field),
	  .arg = "PATH", .help = "JSON lines: the client is at PATH (e.g. "
	      "request.client_ip)" },
	{ .name = "json-time", .kind = OA_STRING, .off = CFG(json_time),
	  .arg = "PATH", .help = "JSON lines: the time is at PATH" },
	{ .name = "json-bytes", .kind = OA_STRING, .off = CFG(json_bytes),
	  .arg = "PATH", .help = "JSON lines: the bytes sent are at PATH" },
	{ .name = "live", .kind = OA_FLAG, .off = CFG(offline), .lo = 0,
	  .help = "look addresses up in the registries (default)" },
	{ .name = "offline", .kind = OA_FLAG, .off = CFG(offline), .lo = 1,
	  .help = "use no network: the cache, built-in tables and the IP "
	      "database" },
	{ .name = "protocol", .kind = OA_WORD, .off = CFG(protocol),
	  .words = protocols, .arg = "P",
	  .help = "rdap (default) or whois (port 43)" },
	{ .name = "rdap-url", .kind = OA_STRING, .off = CFG(rdap_url),
	  .arg = "URL", .help = "send every RDAP query to URL (a mirror, a "
	      "test server)" },
	{ .name = "whois-server", .kind = OA_STRING, .off = CFG(whois_server),
	  .arg = "HOST[:PORT]", .help = "send every whois query to HOST" },
	{ .name = "bootstrap", .kind = OA_REPEAT, .off = CFG(bootstrap),
	  .count = CFG(nbootstrap), .hi = BOOTSTRAP_MAX, .arg = "FILE",
	  .help = "IANA RDAP bootstrap file (ipv4.json, ipv6.json; may be "
	      "repeated) instead of the built-in table",
	  .takes = "at most " XSTR(BOOTSTRAP_MAX) " files" },
	{ .name = "exact", .kind = OA_FLAG, .off = CFG(exact), .lo = 1,
	  .help = "ask about each address inside an allocation (a block "
	      "an ISP may hand out) instead of answering it from the "
	      "allocation" },
	{ .name = "rate", .kind = OA_DOUBLE, .off = CFG(rate),
	  .lo = 0.01, .hi = 1e6, .arg = "N",
	  .help = "requests per second to each server (default 5)",
	  .takes = "requests per second, 0.01 to 1000000" },
	{ .name = "timeout", .kind = OA_MS, .off = CFG(timeout_ms),
	  .lo = 0.01, .hi = 3600, .arg = "SECS",
	  .help = "for one request, whole (default 15)",
	  .takes = "seconds, 0.01 to 3600" },
	{ .name = "connect-timeout", .kind = OA_MS, .off = CFG(connect_ms),
	  .lo = 0.01, .hi = 3600, .arg = "SECS",
	  .help = "for connecting (default 5)",
	  .takes = "seconds, 0.01 to 3600" },
	{ .name = "retries", .kind = OA_WHOLE, .off = CFG(retries),
	  .lo = 0, .hi = 10, .arg = "N",
	  .help = "after a timeout, reset or server error (default 2)",
	  .takes = "a whole number from 0 to 10" },
	{ .name = "cache", .kind = OA_STRING, .off = CFG(cache_path),
	  .arg = "FILE", .help = "remember answers in FILE (default "
	      "${XDG_CACHE_HOME:-~/.cache}/ipwhois/cache.db)" },
	{ .name = "no-cache", .kind = OA_FLAG, .off = CFG(no_cache), .lo = 1,
	  .help = "neither read nor write the cache" },
	{ .name = "max-age", .kind = OA_AGE, .off = CFG(max_age),
	  .arg = "AGE", .help = "how long a remembered answer stays fresh: "
	      "30d (default), 12h, 90m, 3600s",
	  .takes = "an age like 30d, 12h, 90m or 3600s" },
	{ .name = "db", .kind = OA_REPEAT, .off = CFG(db),
	  .count = CFG(ndb), .hi = DB_MAX, .arg = "FILE",
	  .help = "the IP database: ipwhois's own or a MaxMind DB (.mmdb); "
	      "twice for an ASN file and a country file (default "
	      "${XDG_DATA_HOME:-~/.local/share}/ipwhois/ip.db, then "
	      "/usr/share/GeoIP)",
	  .takes = "at most " XSTR(DB_MAX) " files" },
	{ .name = "update-db", .kind = OA_FLAG, .off = CFG(update_db),
	  .lo = 1, .help = "fetch the ip-location-db CSV files, rebuild the "
	      "IP database (--db FILE or the default) in place, and exit" },
	{ .name = "db-url", .kind = OA_STRING, .off = CFG(db_url),
	  .arg = "URL", .help = "where --update-db fetches from (default "
	      DB_URL_DEFAULT ")" },
	{ .name = "build-db", .kind = OA_STRING, .off = CFG(build_db),
	  .arg = "FILE", .help = "build the IP database FILE from the "
	      "ip-location-db CSV files given as arguments, and exit" },
	{ .name = "user", .kind = OA_STRING, .off = CFG(user),
	  .arg = "NAME", .help = "run as root: the roles become NAME once "
	      "set up (default nobody)" },
	{ .name = "no-sandbox", .kind = OA_FLAG, .off = CFG(no_sandbox),
	  .lo = 1, .help = "no seccomp, Landlock or change of user in the "
	      "roles (for debugging)" },
	{ .name = "output", .letter = 'o', .kind = OA_STRING,
	  .off = CFG(output), .arg = "FILE",
	  .help = "write the report to FILE (replaced atomically; "
	      "\"-\": standard output)" },
	{ .name = "output-format", .letter = 'F', .kind = OA_WORD,
	  .off = CFG(outfmt), .words = outfmts, .arg = "F",
	  .help = "csv (default), tsv or jsonl (JSON Lines)" },
	{ .name = "no-header", .kind = OA_FLAG, .off = CFG(no_header), .lo = 1,
	  .help = "leave out the header line (csv, tsv)" },
	{ .name = "fields", .kind = OA_FIELDS, .arg = "LIST",
	  .help = "the columns to show, in this order: ip,hits,..." },
	{ .name = "by", .kind = OA_BY, .off = CFG(by), .arg = "KEY",
	  .help = "one row per ip (default), network, asn, org, country or "
	      "abuse (contact), with its hits, bytes, addresses" },
	{ .name = "top", .kind = OA_COUNT, .off = CFG(top), .lo = 1,
	  .arg = "N", .help = "only the N rows with the most hits",
	  .takes = "a number of rows, 1 or more" },
	{ .name = "min-hits", .kind = OA_COUNT, .off = CFG(min_hits), .lo = 0,
	  .arg = "N", .help = "only the rows with at least N hits",
	  .takes = "a number of hits" },
	{ .name = "csv-safe", .kind = OA_FLAG, .off = CFG(csv_safe), .lo = 1,
	  .help = "defuse cells a spreadsheet would read as formulas" },
	{ .name = "counts-only", .kind = OA_FLAG, .off = CFG(counts_only),
	  .lo = 1, .help = "count, look nothing up: a row per address with "
	      "ip,hits,bytes,first_seen,last_seen, for --merge" },
	{ .name = "merge", .kind = OA_FLAG, .off = CFG(merge), .lo = 1,
	  .help = "the inputs are ipwhois reports (csv, tsv, jsonl): their "
	      "rows of one address are added up" },
	{ .name = "since", .kind = OA_TIME, .off = CFG(since), .arg = "TIME",
	  .help = "count only lines at or after TIME: 2026-12-01, "
	      "2026-12-01T08:00[:00][Z|+01:00], or 24h, 7d ago",
	  .takes = TIME_TAKES },
	{ .name = "until", .kind = OA_TIME, .off = CFG(until), .arg = "TIME",
	  .help = "count only lines before TIME", .takes = TIME_TAKES },
	{ .name = "client", .kind = OA_WORD, .off = CFG(client),
	  .words = clients, .arg = "WHO",
	  .help = "peer (default): the connecting address; xff: the "
	      "right-most X-Forwarded-For address not a trusted proxy" },
	{ .name = "trusted-proxy", .kind = OA_NETLIST, .off = CFG(trusted),
	  .arg = "CIDR,...",
	  .help = "proxies whose X-Forwarded-For entries are skipped" },
	{ .name = "exclude", .kind = OA_NETLIST, .off = CFG(exclude),
	  .arg = "CIDR,...", .help = "leave these addresses out" },
	{ .name = "include", .kind = OA_NETLIST, .off = CFG(include),
	  .arg = "CIDR,...", .help = "count only these addresses" },
	{ .name = "progress", .kind = OA_FLAG, .off = CFG(progress), .lo = 1,
	  .help = "a progress line on standard error (default: when it is a "
	      "terminal)" },
	{ .name = "no-progress", .kind = OA_FLAG, .off = CFG(progress),
	  .lo = 0, .help = "no progress line" },
	{ .name = "verbose", .letter = 'v', .kind = OA_ACTION,
	  .set = verbose_action,
	  .help = "print a summary and each failure on standard error" },
	{ .name = "quiet", .letter = 'q', .kind = OA_ACTION,
	  .set = quiet_action, .help = "print nothing but errors" },
	{ .name = "help", .letter = 'h', .kind = OA_ACTION,
	  .set = help_action, .help = "show this help and exit" },
	{ .name = "version", .letter = 'V', .kind = OA_ACTION,
	  .set = version_action, .help = "show the version and exit" },
};

const struct optdef *
options_table(size_t *n)
{
	*n = NOPTS;
	return opts;
}

int
option_has_arg(const struct optdef *o)
{
	return o->kind != OA_FLAG && o->kind != OA_ACTION;
}

/* -j for an option with a letter, --rate for one without. */
static const char *
option_name(const struct optdef *o, char *buf, size_t len)
{
	if (o->letter != 0)
		snprintf(buf, len, "-%c", o->letter);
	else
		snprintf(buf, len, "--%s", o->name);
	return buf;
}

/* The i-th format -f takes, in enum logfmt's order; NULL after the last. */
static const char *
format_word(size_t i)
{
	enum logfmt got;
	size_t n = 0;

	for (int f = 0; f < FMT_MAX; f++) {
		const char *name = logfmt_name((enum logfmt)f);

		if (logfmt_by_name(name, &got) == 0 && (int)got == f &&
		    n++ == i)
			return name;
	}
	return NULL;
}

/*
 * The i-th word o takes (or, for --fields, may list); NULL after the last,
 * and for options that take no words.
 */
const char *
option_word(const struct optdef *o, size_t i)
{
	switch (o->kind) {
	case OA_WORD:
		for (size_t k = 0; k <= i; k++)
			if (o->words[k].word == NULL)
				return NULL;
		return o->words[i].word;
	case OA_BY:
		return i < BY_MAX ? groupby_name((enum groupby)i) : NULL;
	case OA_FIELDS:
		return i < COL_MAX ? column_name((enum column)i) : NULL;
	case OA_FORMAT:
		return format_word(i);
	default:
		return NULL;
	}
}

/* o's words as "a, b, c" with last before the last one: "a, b or c". */
static const char *
words_join(const struct optdef *o, const char *last, char *buf, size_t len)
{
	const char *w;
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; n < len && (w = option_word(o, i)) != NULL; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i == 0 ? "" :
		    option_word(o, i + 1) == NULL ? last : ", ", w);
	return buf;
}

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

/* text, from column col on, in lines of HELP_WIDTH at HELP_INDENT. */
static void
help_wrap(FILE *fp, int col, const char *text)
{
	int start = col;

	while (*text != '\0') {
		int n = (int)strcspn(text, " ");

		if (col > start && col + 1 + n > HELP_WIDTH) {
			fprintf(fp, "\n%*s", HELP_INDENT, "");
			col = start = HELP_INDENT;
		} else if (col > start) {
			fputc(' ', fp);
			col++;
		}
		col += fprintf(fp, "%.*s", n, text);
		text += n;
		text += strspn(text, " ");
	}
	fputc('\n', fp);
}

/* "  -j, --jobs N        lookup workers ..." */
static void
help_line(FILE *fp, const struct optdef *o)
{
	char text[1024], words[512];
	int col;

	if (o->letter != 0)
		col = fprintf(fp, "  -%c, --%s", o->letter, o->name);
	else
		col = fprintf(fp, "      --%s", o->name);
	if (option_has_arg(o))
		col += fprintf(fp, " %s", o->arg);
	if (col > HELP_SAME_LINE)
		col = fprintf(fp, "\n%*s", HELP_INDENT, "") - 1;
	else
		col += fprintf(fp, "%*s", col < HELP_INDENT - 2 ?
		    HELP_INDENT - col : 2, "");
	/* -f lists the formats logfmt.c has, whatever they are. */
	if (o->kind == OA_FORMAT)
		snprintf(text, sizeof(text), "%s %s",
		    words_join(o, " or ", words, sizeof(words)), o->help);
	else
		snprintf(text, sizeof(text), "%s", o->help);
	help_wrap(fp, col, text);
}

/* "Columns: ip,hits,...", broken after a comma where the line is full. */
static void
help_columns(FILE *fp)
{
	int col = fprintf(fp, "Columns: ");

	for (int c = 0; c < COL_MAX; c++) {
		const char *name = column_name((enum column)c);
		int n = (int)strlen(name) + (c + 1 < COL_MAX);

		if (col + n > HELP_WIDTH) {
			fputc('\n', fp);
			col = 0;
		}
		col += fprintf(fp, "%s%s", name, c + 1 < COL_MAX ? "," : "\n");
	}
}

void
usage(FILE *fp)
{
	fputs(
"usage: ipwhois [options] [file ...]\n"
"Count the client addresses in web and ssh server logs and say whose they are.\n"
"Reads the files in order (none or \"-\": standard input; gzip, bzip2, xz,\n"
"zstd, lz4, lzip and compress files are read as they are, recognised by\n"
"content) and writes one CSV row per address.\n"
"\n", fp);
	for (size_t i = 0; i < NOPTS; i++)
		help_line(fp, &opts[i]);
	fputc('\n', fp);
	help_columns(fp);
	fputs(
"Exit status: 0 all good, 1 some lookups failed, 2 usage or input error,\n"
"3 internal failure, 128 + N stopped by signal N.  See ipwhois(1).\n", fp);
}

static int
help_action(struct config *cfg)
{
	(void)cfg;
	usage(stdout);
	return 1;
}

static int
version_action(struct config *cfg)
{
	(void)cfg;
	printf("ipwhois %s\n", IPWHOIS_VERSION);
	return 1;
}

/* -v and -q: the last one given wins. */
static int
verbose_action(struct config *cfg)
{
	cfg->verbose = 1;
	cfg->quiet = 0;
	return 0;
}

static int
quiet_action(struct config *cfg)
{
	cfg->quiet = 1;
	cfg->verbose = 0;
	return 0;
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

/*
 * Reading one option's value into the config: 0, 1 when the run is over
 * (-h, -V), or -1 with the message in err.  One reader per enum optkind.
 */
typedef int (*read_fn)(struct config *, const struct optdef *, const char *,
    char *, size_t);

/* "--rate takes requests per second, 0.01 to 1000000, not 'x'" */
static int
bad_value(const struct optdef *o, const char *arg, char *err, size_t errlen)
{
	char name[64], words[512];
	const char *takes = o->takes;

	if (takes == NULL)
		takes = words_join(o, " or ", words, sizeof(words));
	setmsg(err, errlen, "%s takes %s, not '%s'",
	    option_name(o, name, sizeof(name)), takes, arg);
	return -1;
}

static int
read_flag(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	*AT(cfg, o, int) = (int)o->lo;
	return 0;
}

static int
read_action(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	return o->set(cfg);
}

static int
read_string(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	*AT(cfg, o, const char *) = arg;
	return 0;
}

static int
read_int(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < o->lo || v > o->hi)
		return bad_value(o, arg, err, errlen);
	*AT(cfg, o, int) = (int)v;
	return 0;
}

static int
read_whole(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	double v;

	if (parse_num(arg, o->lo, o->hi, &v) == -1 || v != (int)v)
		return bad_value(o, arg, err, errlen);
	*AT(cfg, o, int) = (int)v;
	return 0;
}

static int
read_double(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	if (parse_num(arg, o->lo, o->hi, AT(cfg, o, double)) == -1)
		return bad_value(o, arg, err, errlen);
	return 0;
}

static int
read_ms(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	double v;

	if (parse_num(arg, o->lo, o->hi, &v) == -1)
		return bad_value(o, arg, err, errlen);
	*AT(cfg, o, long) = (long)(v * 1000);
	return 0;
}

static int
read_age(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	if (parse_age(arg, AT(cfg, o, int64_t)) == -1)
		return bad_value(o, arg, err, errlen);
	return 0;
}

static int
read_count(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	if (parse_count(arg, (uint64_t)o->lo, AT(cfg, o, uint64_t)) == -1)
		return bad_value(o, arg, err, errlen);
	return 0;
}

static int
read_word(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	for (const struct optword *w = o->words; w->word != NULL; w++)
		if (strcmp(w->word, arg) == 0) {
			*AT(cfg, o, int) = w->value;
			return 0;
		}
	return bad_value(o, arg, err, errlen);
}

static int
read_by(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	if (groupby_by_name(arg, AT(cfg, o, enum groupby)) == -1)
		return bad_value(o, arg, err, errlen);
	return 0;
}

static int
read_format(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	char words[512];

	if (logfmt_by_name(arg, AT(cfg, o, enum logfmt)) == -1) {
		setmsg(err, errlen, "unknown log format '%s' (%s)", arg,
		    words_join(o, ", ", words, sizeof(words)));
		return -1;
	}
	return 0;
}

static int
read_time(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	if (parse_when(arg, AT(cfg, o, int64_t)) == -1)
		return bad_value(o, arg, err, errlen);
	return 0;
}

/* "CIDR,CIDR,..." (an address alone is a /32 or /128) added to the list. */
static int
read_netlist(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	struct netlist *l = AT(cfg, o, struct netlist);
	const char *p = arg;

	do {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char one[IP_STRLEN + 8];

		if (n == 0 || n >= sizeof(one)) {
			setmsg(err, errlen, "--%s takes addresses or networks "
			    "like 192.0.2.0/24,2001:db8::/32, not '%s'",
			    o->name, arg);
			return -1;
		}
		memcpy(one, p, n);
		one[n] = '\0';
		l->net = xrealloc(l->net, (size_t)(l->n + 1) * sizeof(*l->net));
		l->plen = xrealloc(l->plen, (size_t)(l->n + 1) *
		    sizeof(*l->plen));
		if (ip_net_parse(one, &l->net[l->n], &l->plen[l->n]) == -1) {
			setmsg(err, errlen, "--%s: '%s' is not an address or "
			    "network", o->name, one);
			return -1;
		}
		l->n++;
		p = comma ? comma + 1 : NULL;
	} while (p != NULL);
	return 0;
}

/* --fields: known column names, each once. */
static int
read_fields(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	char words[512];
	const char *p = arg;

	cfg->ncolumns = 0;
	do {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		enum column c;

		if (column_by_name(p, n, &c) == -1) {
			setmsg(err, errlen, "--%s: unknown column '%.*s' (%s)",
			    o->name, (int)n, p,
			    words_join(o, ", ", words, sizeof(words)));
			return -1;
		}
		for (int i = 0; i < cfg->ncolumns; i++)
			if (cfg->columns[i] == c) {
				setmsg(err, errlen, "--%s: '%s' twice",
				    o->name, column_name(c));
				return -1;
			}
		cfg->columns[cfg->ncolumns++] = c;
		p = comma ? comma + 1 : NULL;
	} while (p != NULL);
	return 0;
}

static int
read_repeat(struct config *cfg, const struct optdef *o, const char *arg,
    char *err, size_t errlen)
{
	int *n = (int *)(void *)((char *)cfg + o->count);

	if (*n >= (int)o->hi) {
		setmsg(err, errlen, "--%s: %s", o->name, o->takes);
		return -1;
	}
	AT(cfg, o, const char *)[(*n)++] = arg;
	return 0;
}

static const read_fn readers[] = {
	[OA_FLAG] = read_flag,
	[OA_ACTION] = read_action,
	[OA_STRING] = read_string,
	[OA_INT] = read_int,
	[OA_WHOLE] = read_whole,
	[OA_DOUBLE] = read_double,
	[OA_MS] = read_ms,
	[OA_AGE] = read_age,
	[OA_COUNT] = read_count,
	[OA_WORD] = read_word,
	[OA_BY] = read_by,
	[OA_FORMAT] = read_format,
	[OA_TIME] = read_time,
	[OA_NETLIST] = read_netlist,
	[OA_FIELDS] = read_fields,
	[OA_REPEAT] = read_repeat,
};

_Static_assert(sizeof(readers) / sizeof(readers[0]) == OA_REPEAT + 1,
    "a reader for every enum optkind");

/* getopt_long's tables, from opts[]. */
static void
getopt_tables(struct option *longopts, char *optstring)
{
	char *s = optstring;

	*s++ = ':';	/* a missing value is ':', not '?' */
	for (size_t i = 0; i < NOPTS; i++) {
		longopts[i].name = opts[i].name;
		longopts[i].has_arg = option_has_arg(&opts[i]) ?
		    required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = opts[i].letter != 0 ? opts[i].letter :
		    LONG_ONLY + (int)i;
		if (opts[i].letter == 0)
			continue;
		*s++ = (char)opts[i].letter;
		if (option_has_arg(&opts[i]))
			*s++ = ':';
	}
	*s = '\0';
	memset(&longopts[NOPTS], 0, sizeof(longopts[NOPTS]));
}

/* The row for what getopt_long returned. */
static const struct optdef *
option_of(int ch)
{
	if (ch >= LONG_ONLY)
		return &opts[ch - LONG_ONLY];
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].letter == ch)
			return &opts[i];
	return NULL;
}

/* getopt_long's ':' (a value missing) or '?' (not an option). */
static int
getopt_error(int ch, char **argv, char *err, size_t errlen)
{
	if (ch == ':' && strncmp(argv[optind - 1], "--", 2) == 0)
		snprintf(err, errlen, "option '%s' needs a value",
		    argv[optind - 1]);
	else if (ch == ':')
		snprintf(err, errlen, "option '-%c' needs a value", optopt);
	else if (optopt >= LONG_ONLY)	/* "--live=1" */
		snprintf(err, errlen, "option '--%s' takes no value",
		    opts[optopt - LONG_ONLY].name);
	else if (optopt != 0)
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	else
		snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
	return -1;
}

/*
 * What must hold between options once all are read, and what to say when
 * it does not: bad() gives NULL when it holds, else the value at fault
 * (", not '...'") or FAILS, when the message says it all.
 */
static const char FAILS[] = "";

static const char *
regex_and_log_format(const struct config *cfg)
{
	return cfg->regex != NULL && cfg->log_format != NULL ? FAILS : NULL;
}

static const char *
json_without_field(const struct config *cfg)
{
	return (cfg->json_time != NULL || cfg->json_bytes != NULL) &&
	    cfg->json_field == NULL ? FAILS : NULL;
}

/* -f json reads nothing without the client's field. */
static const char *
json_format_without_field(const struct config *cfg)
{
	return cfg->fmt == FMT_JSON && cfg->json_field == NULL ? FAILS : NULL;
}

static const char *
until_before_since(const struct config *cfg)
{
	return cfg->since != 0 && cfg->until != 0 &&
	    cfg->until <= cfg->since ? FAILS : NULL;
}

static const char *
trusted_without_xff(const struct config *cfg)
{
	return cfg->trusted.n > 0 && cfg->client != CLIENT_XFF ? FAILS : NULL;
}

/* JSON is no spreadsheet's: a quote put in would only be wrong. */
static const char *
csv_safe_jsonl(const struct config *cfg)
{
	return cfg->csv_safe && cfg->outfmt == OUT_JSONL ? FAILS : NULL;
}

static const char *
output_empty(const struct config *cfg)
{
	return cfg->output != NULL && cfg->output[0] == '\0' ? FAILS : NULL;
}

static const char *
rdap_url_scheme(const struct config *cfg)
{
	const char *u = cfg->rdap_url;

	return u != NULL && strncmp(u, "http://", 7) != 0 &&
	    strncmp(u, "https://", 8) != 0 ? u : NULL;
}

static const char *
cache_empty(const struct config *cfg)
{
	return cfg->cache_path != NULL && cfg->cache_path[0] == '\0' ? FAILS :
	    NULL;
}

static const char *
whois_server_empty(const struct config *cfg)
{
	return cfg->whois_server != NULL && cfg->whois_server[0] == '\0' ?
	    FAILS : NULL;
}

/* --counts-only: the first column asked for that a lookup fills. */
static const char *
counts_only_fields(const struct config *cfg)
{
	if (!cfg->counts_only)
		return NULL;
	for (int i = 0; i < cfg->ncolumns; i++)
		if (column_needs_lookup(cfg->columns[i]))
			return column_name(cfg->columns[i]);
	return NULL;
}

static const char *
counts_only_by(const struct config *cfg)
{
	return cfg->counts_only && cfg->by != BY_IP ? groupby_name(cfg->by) :
	    NULL;
}

/* A report's rows are counted already: what reads logs has no part. */
static const char *
merge_log_options(const struct config *cfg)
{
	return cfg->merge && (cfg->fmt != FMT_AUTO || cfg->regex != NULL ||
	    cfg->log_format != NULL || cfg->json_field != NULL ||
	    cfg->client != CLIENT_PEER || cfg->since != 0 ||
	    cfg->until != 0) ? FAILS : NULL;
}

static char *stdin_only[] = { "-", NULL };

static const char *
build_db_alone(const struct config *cfg)
{
	return cfg->build_db != NULL && cfg->inputs == stdin_only ? FAILS :
	    NULL;
}

static const char *
update_db_alone(const struct config *cfg)
{
	return cfg->update_db && (cfg->inputs != stdin_only ||
	    cfg->build_db != NULL) ? FAILS : NULL;
}

static const char *
update_db_one(const struct config *cfg)
{
	return cfg->update_db && cfg->ndb > 1 ? FAILS : NULL;
}

static const char *
db_url_scheme(const struct config *cfg)
{
	const char *u = cfg->db_url;

	return u != NULL && strncmp(u, "http://", 7) != 0 &&
	    strncmp(u, "https://", 8) != 0 ? u : NULL;
}

static const struct {
	const char *(*bad)(const struct config *);
	const char *msg;
} checks[] = {
	{ regex_and_log_format, "--regex and --log-format: give one" },
	{ json_without_field,
	    "--json-time and --json-bytes go with --json-field" },
	{ json_format_without_field,
	    "-f json needs --json-field PATH, the field that holds the "
	    "client" },
	{ until_before_since, "--until must be later than --since" },
	{ trusted_without_xff, "--trusted-proxy is for --client xff" },
	{ csv_safe_jsonl, "--csv-safe is for -F csv and tsv" },
	{ output_empty, "-o needs a file name" },
	{ rdap_url_scheme, "--rdap-url takes an http:// or https:// URL" },
	{ cache_empty, "--cache needs a value" },
	{ whois_server_empty, "--whois-server needs a value" },
	{ build_db_alone, "--build-db needs the CSV files to read" },
	{ counts_only_fields, "--counts-only writes no column a lookup "
	    "fills: --fields takes ip, hits, bytes, addresses, first_seen and "
	    "last_seen with it" },
	{ counts_only_by, "--counts-only writes a row per address: --by "
	    "needs lookups; give it to the --merge" },
	{ merge_log_options, "--merge reads ipwhois reports, not logs: -f, "
	    "--regex, --log-format, --json-field, --client, --since and "
	    "--until are for the runs that read the logs" },
	{ update_db_alone, "--update-db takes no files and no --build-db" },
	{ update_db_one, "--update-db rebuilds one --db FILE" },
	{ db_url_scheme, "--db-url takes an http:// or https:// URL" },
};

static int
config_check(const struct config *cfg, char *err, size_t errlen)
{
	const char *v;

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if ((v = checks[i].bad(cfg)) == NULL)
			continue;
		if (v == FAILS)
			setmsg(err, errlen, "%s", checks[i].msg);
		else
			setmsg(err, errlen, "%s, not '%s'", checks[i].msg, v);
		return -1;
	}
	return 0;
}

/*
 * -j's default.  Live, a worker spends most of a lookup waiting for a
 * registry, so there are DEFAULT_JOBS of them; offline a lookup is the
 * processor's work alone, and a worker past the processors costs its
 * start and nothing else.
 */
int
default_jobs(int offline)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (!offline)
		return DEFAULT_JOBS;
	return n < 1 ? 1 : n > DEFAULT_JOBS ? DEFAULT_JOBS : (int)n;
}

static void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));	/* jobs 0: as default_jobs() says */
	cfg->fmt = FMT_AUTO;
	cfg->rate = DEFAULT_RATE;
	cfg->timeout_ms = DEFAULT_TIMEOUT_MS;
	cfg->connect_ms = DEFAULT_CONNECT_MS;
	cfg->retries = DEFAULT_RETRIES;
	cfg->max_age = DEFAULT_MAX_AGE;
	cfg->progress = -1;
}

/*
 * 0: run with *cfg; 1: done (help or version printed); -1: usage error,
 * the message in err.
 */
int
config_parse(struct config *cfg, int argc, char **argv, char *err,
    size_t errlen)
{
	struct option longopts[NOPTS + 1];
	char optstring[2 * NOPTS + 2];
	int ch, rc;

	config_defaults(cfg);
	getopt_tables(longopts, optstring);
	optind = 0;	/* glibc: a full reset, even mid-way through "-xv" */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstring, longopts,
	    NULL)) != -1) {
		const struct optdef *o = option_of(ch);

		if (ch == ':' || ch == '?' || o == NULL)
			return getopt_error(ch, argv, err, errlen);
		if ((rc = readers[o->kind](cfg, o, optarg, err, errlen)) != 0)
			return rc;
	}
	if (cfg->jobs == 0)
		cfg->jobs = default_jobs(cfg->offline);
	cfg->inputs = argc > optind ? argv + optind : stdin_only;
	cfg->ninputs = argc > optind ? argc - optind : 1;
	if (config_check(cfg, err, errlen) == -1)
		return -1;
	if (cfg->regex != NULL || cfg->log_format != NULL)
		cfg->fmt = FMT_REGEX;
	else if (cfg->json_field != NULL)
		cfg->fmt = FMT_JSON;
	if (cfg->ncolumns == 0)
		cfg->ncolumns = cfg->counts_only ? columns_counts(cfg->columns) :
		    columns_default(cfg->by, cfg->columns);
	return 0;
}
