/*
 * ipwhois: who is hitting my server?
 *
 * One internal header.  Prototypes are grouped by the file that defines
 * them.  Process roles: main.c (parent), parser.c, worker.c, reporter.c.
 */
#ifndef IPWHOIS_H
#define IPWHOIS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define IPWHOIS_VERSION "0.1.0"

#define MAX_JOBS	256
#define DEFAULT_JOBS	8

/* Live lookups: polite to the registries, patient with slow ones. */
#define DEFAULT_RATE		5.0	/* requests per second per server */
#define DEFAULT_TIMEOUT_MS	15000
#define DEFAULT_CONNECT_MS	5000
#define DEFAULT_RETRIES		2
#define DEFAULT_MAX_AGE		(30 * 86400)

/* Exit statuses, documented in ipwhois(1). */
enum {
	EXIT_OK = 0,
	EXIT_LOOKUP = 1,	/* some lookups failed; the report is complete */
	EXIT_USAGE = 2,		/* usage or input error */
	EXIT_INTERNAL = 3,	/* a process died, a write failed, out of memory */
};

/* ip.c */

/*
 * An address, always 16 bytes: IPv4 is held IPv4-mapped (::ffff:a.b.c.d),
 * so one type, one hash and one compare serve both families.
 */
struct ip {
	uint8_t b[16];
};

#define IP_STRLEN	46	/* enough for any canonical form plus NUL */

/* A list of networks (--exclude, --include, --trusted-proxy). */
struct netlist {
	struct ip *net;		/* host bits cleared */
	unsigned *plen;		/* 128-bit prefix lengths */
	int	 n;
};

int	 ip_parse(const char *, size_t, struct ip *);
int	 ip_token(const char *, size_t, struct ip *);
const char *ip_v4_prefix(const char *, const char *, struct ip *);
const char *ip_find(const char *, const char *, struct ip *, const char **);
size_t	 ip_format(const struct ip *, char *);
int	 ip_is_v4(const struct ip *);
int	 ip_cmp(const struct ip *, const struct ip *);
uint64_t ip_hash(const struct ip *);
uint64_t ip_route_hash(const struct ip *);
void	 ip_from_v4(struct ip *, uint32_t);
uint32_t ip_v4(const struct ip *);
void	 ip_words(const struct ip *, uint64_t *, uint64_t *);
int	 ip_in_net(const struct ip *, const struct ip *, unsigned);
int	 ip_net_parse(const char *, struct ip *, unsigned *);
size_t	 ip_net_format(const struct ip *, unsigned, char *);
int	 netlist_has(const struct netlist *, const struct ip *);

/* timefmt.c: timestamps are seconds since the epoch, UTC; 0 = unknown. */

struct syslog_clock {
	int	 year;		/* year of the reference time */
	int64_t	 ref_local;	/* the reference, local time read as UTC */
	long	 hour_key[2];	/* the last two local hours converted */
	int64_t	 hour_utc[2];
	int	 hour_next;	/* the entry to replace next */
};

int64_t	 time_clf(const char *, size_t);
int64_t	 time_iso(const char *, size_t, size_t *, struct syslog_clock *);
int64_t	 time_syslog(const char *, size_t, struct syslog_clock *,
	    size_t *);
int64_t	 time_any(const char *, size_t, struct syslog_clock *);
void	 syslog_clock_init(struct syslog_clock *, time_t);
int64_t	 days_from_civil(int, unsigned, unsigned);
int	 dec_digits(const char *, int);
size_t	 time_format(int64_t, char *);

/* logfmt.c: the table of log formats, detection, the per-line fallback. */

enum logfmt {
	FMT_AUTO,
	FMT_COMBINED,
	FMT_COMMON,
	FMT_VHOST,
	FMT_SSHD,	/* syslog, sshd's messages only */
	FMT_SYSLOG,	/* syslog: sshd, postfix, dovecot, vsftpd, proftpd */
	FMT_W3C,
	FMT_CLOUDFRONT,
	FMT_GCS,
	FMT_ELB,
	FMT_ALB,
	FMT_S3,
	FMT_SQUID,
	FMT_HAPROXY,
	FMT_CADDY,
	FMT_TRAEFIK,
	FMT_JSON,	/* any JSON lines: --json-field */
	FMT_APACHE_ERROR,
	FMT_NGINX_ERROR,
	FMT_FIRST_IP,
	FMT_REGEX,	/* --regex, and --log-format compiled to one */
	FMT_MAX
};

/*
 * How well a line fits a format, in increasing order.  Scanners return
 * one; auto-detection scores them, and the parser counts a line as
 * rejected (FIT_NONE), without a client (FIT_NOCLIENT), or read.
 */
enum fit {
	FIT_NONE,	/* not this format, or no client where one must be */
	FIT_NOCLIENT,	/* in the format, naming no client: a comment, a
			   header, a message from a daemon about no peer */
	FIT_PARTIAL,	/* a client, but the line is not wholly in the format */
	FIT_EXACT,	/* a client, and the line is exactly in the format */
};

/* What one log line gave: the client, and what else the format carries. */
struct hit {
	struct ip ip;
	int64_t	 when;		/* 0: the line has no timestamp */
	uint64_t bytes;
	int	 has_bytes;
	/* The X-Forwarded-For value, inside the line; NULL: none, or
	 * not asked for (logctx want_xff). */
	const char *xff;
	size_t	 xff_len;
};

/*
 * The columns of a header-defined format (W3C #Fields:, CloudFront, a
 * Google Cloud Storage CSV header), from the last header line seen.
 */
enum w3c_role {
	W3C_CLIENT,	/* c-ip, c_ip */
	W3C_DATE,	/* date: YYYY-MM-DD */
	W3C_TIME,	/* time: HH:MM:SS */
	W3C_MICROS,	/* time_micros: microseconds since the epoch */
	W3C_BYTES,	/* sc-bytes, sc_bytes */
	W3C_XFF,	/* cs(X-Forwarded-For), x-forwarded-for */
	W3C_ROLES
};

#define W3C_COLS	254	/* columns a header may name */
#define W3C_NOCOL	255
#define W3C_XFF_MAX	1024
#define W3C_EARLIER	3	/* earlier layouts of a file kept */

struct w3c_layout {
	uint8_t	 family;	/* whose header (fmt_w3c.c); 0: none yet */
	uint8_t	 ncols;
	char	 sep;		/* between columns: ' ', '\t' or ',' */
	uint8_t	 col[W3C_ROLES];	/* each role's column; W3C_NOCOL: none */
	uint8_t	 role[W3C_COLS];	/* each column's role + 1; 0: none */
	char	 last_date[10];	/* the date column last read, */
	int64_t	 last_day;	/* and its midnight */
	char	 xff[W3C_XFF_MAX];	/* X-Forwarded-For, IIS's '+' undone */
	/* The file's earlier "#Fields:" layouts, the latest first. */
	uint8_t	 nearlier;
	struct w3c_earlier {
		uint8_t	 ncols;
		char	 sep;
		uint8_t	 role[W3C_COLS];
	} earlier[W3C_EARLIER];
};

struct logctx;

/* A format's scanner: the line [p, end), without its newline, into *h. */
typedef enum fit (*scan_fn)(struct logctx *, const char *p, const char *end,
    struct hit *h);

struct logctx {
	enum logfmt fmt;
	scan_fn	 scan;		/* fmt's scanner (logfmt_set) */
	int	 strict;	/* check every field (detection), not just ours */
	int	 fallback;	/* a line that does not fit is tried against
				   the other formats (auto-detected files) */
	struct syslog_clock clock;
	void	*regex;		/* struct regex from logfmt_regex_compile */
	int	 want_xff;	/* fill hit xff (--client xff) */
	/* CLF timestamps repeat line after line: remember the last one. */
	char	 last_clf[32];
	int64_t	 last_clf_time;
	struct w3c_layout w3c;	/* fmt_w3c.c */
	/* --json-field, --json-time, --json-bytes: dotted paths ("request.
	 * client_ip"); NULL: not given. */
	const char *json_client, *json_time, *json_bytes;
	/* fmt_json.c: an X-Forwarded-For value decoded from JSON, which
	 * the hit's xff points to until the next line; of a longer one,
	 * the right-most entries. */
	char	 json_xff[8192];
	int	 json_slow;	/* tests: every JSON line through jansson */
};

void	 logfmt_set(struct logctx *, enum logfmt);
enum fit logfmt_parse(struct logctx *, const char *, size_t, struct hit *);
enum logfmt logfmt_detect(struct logctx *, const char *, size_t);
int	 logfmt_by_name(const char *, enum logfmt *);
const char *logfmt_name(enum logfmt);
int	 logfmt_has_xff(const struct logctx *);
void	*logfmt_regex_compile(const char *, char *, size_t);
void	 logfmt_regex_free(void *);

/* Helpers the format scanners share (logfmt.c). */
const char *scan_size(const char *, const char *, struct hit *);
const char *close_quote(const char *, const char *);
enum fit scan_clf(struct logctx *, const char *, const char *, struct hit *);

/* fmt_syslog.c: syslog (RFC 3164, RFC 5424, journalctl) and the daemons
 * whose peers it names; HAProxy, whose lines come through syslog. */
enum fit scan_syslog(struct logctx *, const char *, const char *,
	    struct hit *);
enum fit scan_sshd(struct logctx *, const char *, const char *, struct hit *);
enum fit scan_haproxy(struct logctx *, const char *, const char *,
	    struct hit *);

/* fmt_w3c.c: formats whose header line names the columns. */
enum fit scan_w3c(struct logctx *, const char *, const char *, struct hit *);
enum fit scan_cloudfront(struct logctx *, const char *, const char *,
	    struct hit *);
enum fit scan_gcs(struct logctx *, const char *, const char *, struct hit *);

/* fmt_cloud.c: AWS load balancers and S3, Squid. */
enum fit scan_elb(struct logctx *, const char *, const char *, struct hit *);
enum fit scan_alb(struct logctx *, const char *, const char *, struct hit *);
enum fit scan_s3(struct logctx *, const char *, const char *, struct hit *);
enum fit scan_squid(struct logctx *, const char *, const char *,
	    struct hit *);

/* fmt_error.c: Apache and nginx error logs. */
enum fit scan_apache_error(struct logctx *, const char *, const char *,
	    struct hit *);
enum fit scan_nginx_error(struct logctx *, const char *, const char *,
	    struct hit *);

/* fmt_json.c: JSON lines (Caddy, Traefik, --json-field). */
enum fit scan_caddy(struct logctx *, const char *, const char *,
	    struct hit *);
enum fit scan_traefik(struct logctx *, const char *, const char *,
	    struct hit *);
enum fit scan_json(struct logctx *, const char *, const char *, struct hit *);

/* logformat.c: --log-format, an nginx log_format or Apache LogFormat
 * string, into a --regex pattern. */
char	*logformat_compile(const char *, char *, size_t);

/* xff.c: the client behind trusted proxies (--client xff). */

int	 xff_client(const struct ip *, const char *, size_t,
	    const struct netlist *, struct ip *);

/* special.c: IANA special-purpose address registries. */

enum kind {
	KIND_PUBLIC,
	KIND_PRIVATE,
	KIND_LOOPBACK,
	KIND_LINK_LOCAL,
	KIND_CGNAT,
	KIND_DOCUMENTATION,
	KIND_MULTICAST,
	KIND_BENCHMARKING,
	KIND_UNSPECIFIED,
	KIND_BROADCAST,
	KIND_TRANSLATION,
	KIND_TUNNEL,
	KIND_ANYCAST,
	KIND_RESERVED,
	KIND_MAX
};

struct special {
	const char *net;	/* CIDR text */
	enum kind kind;
	const char *name;	/* IANA's name for the block */
};

const struct special *special_lookup(const struct ip *);
const char *kind_name(enum kind);

/* rir.c: which Regional Internet Registry administers an address. */

enum rir {
	RIR_NONE,
	RIR_AFRINIC,
	RIR_APNIC,
	RIR_ARIN,
	RIR_LACNIC,
	RIR_RIPE,
	RIR_MAX
};

struct rir_info {
	const char *name;
	const char *rdap_base;	/* RDAP service URL, ends in '/' */
	const char *whois_host;
};

enum rir rir_lookup(const struct ip *);
const char *rir_name(enum rir);
enum rir rir_by_whois_host(const char *, size_t);
const struct rir_info *rir_info(enum rir);	/* NULL for RIR_NONE */

/* answer.c: what a lookup says about an address (one report row's
 * descriptive half). */

enum status {
	ST_OK,
	ST_NOT_FOUND,
	ST_TIMEOUT,
	ST_RATE_LIMITED,
	ST_ERROR,
	ST_MAX
};

enum source {
	SRC_NONE,
	SRC_RDAP,
	SRC_WHOIS,
	SRC_CACHE,
	SRC_BUILTIN,
	SRC_DB,		/* the local IP database (ipdb.c) */
	SRC_MAX
};

enum field {
	FLD_NETWORK,
	FLD_NET_NAME,
	FLD_ORG,
	FLD_COUNTRY,
	FLD_ASN,
	FLD_AS_NAME,
	FLD_ABUSE_EMAIL,
	FLD_NET_TYPE,	/* the registry's word: ALLOCATED PA, Reassigned... */
	FLD_MAX
};

#define FIELD_MAX	1024	/* longest text kept in one field, in bytes */

/* A registered network: first and last address. */
struct netrange {
	struct ip lo, hi;
};

struct answer {
	uint8_t	 kind;		/* enum kind */
	uint8_t	 registry;	/* enum rir */
	uint8_t	 status;	/* enum status */
	uint8_t	 source;	/* enum source */
	uint8_t	 has_net;	/* net is the network the answer is about */
	struct netrange net;
	int64_t	 fetched;	/* when a registry said it (epoch s); 0 never */
	char	*field[FLD_MAX];	/* NULL or sanitized UTF-8 */
};

/* answer_encode()'s bytes: fixed head, then FLD_MAX (len, text) pairs. */
#define ANSWER_WIRE_HEAD	(5 + sizeof(struct netrange) + sizeof(int64_t))
#define ANSWER_WIRE_MIN		(ANSWER_WIRE_HEAD + FLD_MAX * 2)
#define ANSWER_WIRE_MAX		(ANSWER_WIRE_MIN + FLD_MAX * FIELD_MAX)

void	 answer_set(struct answer *, enum field, const char *, size_t);
size_t	 answer_encode(const struct answer *, uint8_t *);
int	 answer_decode(const uint8_t *, size_t, struct answer *);
void	 answer_copy(struct answer *, const struct answer *);
void	 answer_builtin(const struct ip *, struct answer *);
void	 answer_clear(struct answer *);
int	 answer_equal(const struct answer *, const struct answer *);
uint64_t answer_hash(const struct answer *);
const char *status_name(enum status);
const char *source_name(enum source);

/* What a network's type (FLD_NET_TYPE) says of the blocks inside it. */
enum net_class {
	NET_UNKNOWN,	/* no type, or one we cannot place (LEGACY) */
	NET_ALLOCATION,	/* may have children: an ISP's block */
	NET_ASSIGNMENT,	/* used as it is: no registered child */
};

enum net_class net_class(const char *);
size_t	 text_clean(char *, const char *, size_t, size_t);
size_t	 text_escape(char *, size_t, const char *, size_t);
const char *input_shown(const char *);

/* lookup.c: the worker's lookup chain. */

struct lookup;
struct config;
struct run;

enum lookup_rc { LK_DONE, LK_DEFER };

struct lookup *lookup_new(const struct config *, const struct run *, int);
void	 lookup_free(struct lookup *);
enum lookup_rc lookup_addr(struct lookup *, const struct ip *, int,
	    struct answer *, int *);
const struct wstats *lookup_stats(const struct lookup *);
int	 lookup_blocker_done(struct lookup *, int, const struct ip *);

/* bootstrap.c: IANA RDAP bootstrap files (--bootstrap). */

struct bootstrap;

struct bootstrap *bootstrap_load(const char *const *, int, char *, size_t);
const char *bootstrap_url(const struct bootstrap *, const struct ip *);
void	 bootstrap_free(struct bootstrap *);

/* nettab.c: networks by CIDR block, most specific first. */

struct nettab;

struct nettab *nettab_new(void);
void	 nettab_free(struct nettab *);
void	 nettab_add(struct nettab *, const struct netrange *, uint32_t);
int	 nettab_find(const struct nettab *, const struct ip *,
	    int (*)(void *, uint32_t), void *, uint32_t *);

/*
 * rdap.c and whois.c: registry answers into report fields, pure functions.
 * The network's range comes out too, so that later addresses inside it
 * can be answered without asking again.
 */

int	 rdap_map(const char *, size_t, struct answer *, struct netrange *,
	    char *, size_t);
int	 whois_parse(enum rir, const char *, size_t, struct answer *,
	    struct netrange *, char *, size_t);

/* whois.c: the dialect of an answer, told by its content. */
enum whois_dialect {
	WD_NONE,
	WD_ARIN,	/* flat "NetRange:" records */
	WD_RPSL,	/* RIPE NCC, APNIC, AFRINIC, mirrors (RADb) */
	WD_LACNIC,	/* LACNIC and NIC.br: "inetnum:" with "owner:" */
	WD_JPNIC,	/* "a. [Network Number]" */
	WD_KRNIC,	/* "IPv4 Address : ..." */
	WD_TWNIC,	/* "Netname:", "Netblock:" */
	WD_MAX
};

/* What whois_parse_info says besides the answer's fields. */
struct whois_info {
	enum whois_dialect dialect;
	enum rir registry;	/* whose answer it is; RIR_NONE: not said */
	char	 type[64];	/* the network's type: NetType, status */
};

int	 whois_parse_info(enum rir, const char *, size_t, struct answer *,
	    struct netrange *, struct whois_info *, char *, size_t);
enum whois_dialect whois_dialect(const char *, size_t);
const char *whois_dialect_name(enum whois_dialect);
size_t	 ip_range_cidrs(const struct ip *, const struct ip *, char *, size_t);

/*
 * ipdb.c: the local IP database, ASN and country for offline answers.
 * Built once from ip-location-db CSVs into one file that workers map
 * read-only and search in place.  ipdb_build returns 0 (err: a summary)
 * or -1 (err: why); malformed rows are skipped, each named on stderr.
 */

struct ipdb;

struct ipdb_answer {
	uint32_t asn;		/* 0: none */
	const char *as_name;	/* inside the mapping, not NUL-terminated; NULL: none */
	size_t	 as_name_len;
	char	 country[3];	/* "" when none */
};

int	 ipdb_build(const char *out, char *const *csv, int ncsv, char *err,
	    size_t errlen);
struct ipdb *ipdb_open(const char *path, char *err, size_t errlen);
int	 ipdb_lookup(const struct ipdb *, const struct ip *,
	    struct ipdb_answer *);
int	 ipdb_check_csv(const char *, const char *, unsigned long *, char *,
	    size_t);
uint64_t ipdb_intervals(const struct ipdb *);
void	 ipdb_chain(struct ipdb *, struct ipdb *);
void	 ipdb_describe(const struct ipdb *, char *, size_t);
void	 ipdb_close(struct ipdb *);

/*
 * dbupdate.c: --update-db, the published CSVs fetched, checked and built
 * over out; 0, or -1 with err (out untouched).
 */

#define DB_MAX		2	/* --db files: an ASN file and a country file */
#define DB_URL_DEFAULT	"https://cdn.jsdelivr.net/npm/@ip-location-db"

int	 db_update(const char *out, const char *base, int verbose, char *err,
	    size_t errlen);

/*
 * mmdb.c: MaxMind DB files (GeoLite2, DB-IP, ip-location-db -mmdb)
 * through libmaxminddb, for ipdb.c: ipdb_open takes either kind.
 */

struct mmdb;

int	 mmdb_is(const void *, size_t);
struct mmdb *mmdb_open(const char *, char *, size_t);
int	 mmdb_lookup(const struct mmdb *, const struct ip *,
	    struct ipdb_answer *);
const char *mmdb_type(const struct mmdb *);
void	 mmdb_close(struct mmdb *);

/*
 * fetch.c: the only code that talks to the network.  RDAP over HTTP(S)
 * through libcurl (loaded on first use), whois over TCP port 43.  It
 * moves bytes and says how that went; it never reads their meaning.
 */

struct fetch_opts {
	long	 connect_ms;	/* connect timeout */
	long	 total_ms;	/* whole request, redirects included */
	size_t	 max_bytes;	/* larger answers are cut off: FE_TOO_BIG */
};

enum fetch_err {
	FE_OK,		/* an answer came (RDAP: any HTTP status) */
	FE_TIMEOUT,	/* connect or total time ran out */
	FE_CONNECT,	/* name not resolved, refused, unreachable */
	FE_RESET,	/* the connection broke before the answer ended */
	FE_TOO_BIG,	/* the answer passed max_bytes */
	FE_PROTOCOL,	/* not HTTP, bad redirect, too many redirects */
	FE_STOPPED,	/* a signal asked us to stop (got_signal) */
	FE_LIB,		/* libcurl cannot be loaded or set up */
	FE_MAX
};

struct fetch_result {
	enum fetch_err err;
	long	 http_status;	/* RDAP: the last response's status; whois 0 */
	long	 retry_after;	/* seconds from Retry-After; -1 none */
	char	*body;		/* NUL-terminated; the fetcher's, valid until
				   its next call */
	size_t	 len;
	char	 why[192];	/* err != FE_OK: what happened, for -v */
	int	 unreachable;	/* no connection could be made (name not
				   resolved, refused, connect or TLS
				   handshake failed or timed out) */
};

struct fetcher;

struct fetcher *fetch_new(const struct fetch_opts *);
int	 fetch_rdap(struct fetcher *, const char *url, struct fetch_result *);
int	 fetch_whois(struct fetcher *, const char *host, const char *port,
	    const char *query, struct fetch_result *);
void	 fetch_free(struct fetcher *);
int	 fetch_preload(char *, size_t);
const char *fetch_err_name(enum fetch_err);

/*
 * cache.c: answers remembered between runs, in SQLite.  One row per
 * network (or per address, for negative answers), with every report
 * field and when a registry gave it.  Readers load it whole; the
 * reporter alone writes, one transaction per run.
 */

struct cache;

struct cache *cache_open(const char *path, int create, char *err,
	    size_t errlen);
int	 cache_load(struct cache *, int (*)(void *, const struct answer *),
	    void *, char *err, size_t errlen);
int	 cache_store(struct cache *, const struct answer *const *, size_t,
	    char *err, size_t errlen);
void	 cache_close(struct cache *);
int	 cache_writable(const char *);

/* share.c: what the workers know together (shared memory). */

struct share;

/* What the progress line draws (the -v summary's totals come in frames). */
enum share_counter {
	SHC_FAILED,		/* lookups whose status is not ok */
	/* The parser's totals, set once per block for the progress line. */
	SHC_LINES,		/* lines read */
	SHC_BYTES,		/* log text read (uncompressed) */
	SHC_RAW_BYTES,		/* bytes read from the inputs (compressed) */
	SHC_ADDRS,		/* addresses sent to be looked up */
	SHC_MAX
};

struct share *share_new(void);
void	 share_free(struct share *);
int	 share_put(struct share *, const struct answer *);
uint32_t share_count(struct share *);
int	 share_get(const struct share *, uint32_t, struct answer *);
void	 share_asking(struct share *, int, const struct ip *, int64_t);
void	 share_done(struct share *, int);
int	 share_claim(struct share *, int, const struct ip *, int64_t, int64_t,
	    uint32_t);
int	 share_still_asking(struct share *, int, const struct ip *, int64_t);
int64_t	 share_pace(struct share *, const char *, int64_t, int64_t);
void	 share_pause(struct share *, const char *, int64_t);
int	 share_server_failed(struct share *, const char *, const char *);
void	 share_server_ok(struct share *, const char *);
int	 share_server_down(struct share *, const char *, char *, size_t);
void	 share_answered(struct share *, int);
uint64_t share_answered_by(struct share *, int);
void	 share_add(struct share *, enum share_counter, uint64_t);
void	 share_set(struct share *, enum share_counter, uint64_t);
uint64_t share_read(struct share *, enum share_counter);
uint64_t share_answered_all(struct share *, int);
int	 share_draw_begin(struct share *);
void	 share_draw_end(struct share *);
int	 share_draw_stop(struct share *);
uint64_t share_ack_index(int, int, uint64_t);
void	 share_given(struct share *, int, uint64_t);
uint64_t share_given_to(struct share *, int);
void	 share_ack(struct share *, uint64_t);
int	 share_acked(struct share *, uint64_t);
int	 share_stop(struct share *);
int	 share_report_begin(struct share *);

/* frame.c: the only code that reads or writes a pipe. */

#define FRAME_HDR	8
#define FRAME_MAX	(16 * 1024)	/* largest payload of any frame */

enum frame_type {
	F_SENTINEL = 1,	/* any producer -> its consumers: I am done */
	F_ADDR,		/* parser -> worker: look this address up */
	F_RESULT,	/* worker -> reporter: an address and its answer */
	F_WSTATS,	/* worker -> reporter: what the worker did */
	F_PSTATS,	/* parser -> reporter: what the parser read */
	F_COUNT,	/* parser -> reporter: an address and its counts */
	F_FILE,		/* parser -> reporter: how one input was read */
	F_TYPE_MAX
};

struct frame {
	uint16_t type;
	uint32_t len;
	const uint8_t *data;	/* valid until the next frame_next() */
};

struct frame_reader {
	int	 fd;
	int	 eof;
	size_t	 off, have;
	uint8_t	 buf[2 * (FRAME_HDR + FRAME_MAX)];
};

struct frame_buf {
	uint8_t	*data;
	size_t	 off;		/* bytes before off are already written */
	size_t	 len, cap;
};

void	 frame_reader_init(struct frame_reader *, int);
int	 frame_fill(struct frame_reader *);
int	 frame_next(struct frame_reader *, struct frame *);
int	 frame_read(struct frame_reader *, struct frame *);
int	 frame_put(struct frame_buf *, enum frame_type, const void *, size_t);
int	 frame_flush(struct frame_buf *, int);
int	 frame_flush_some(struct frame_buf *, int);
void	 frame_add(struct frame_buf *, enum frame_type, const void *, size_t);
void	 frame_send(struct frame_buf *, int);
void	 frame_buf_free(struct frame_buf *);
int	 frame_check(const uint8_t *, size_t, struct frame *);

/* Producers name themselves in their sentinel. */
enum role { ROLE_PARSER, ROLE_WORKER };

struct sentinel {
	uint16_t role;		/* enum role */
	uint16_t id;		/* the worker's number; 0 for the parser */
};

/*
 * The producers of a run, as their consumers number them: 0 is the
 * parser, 1 + i is worker i.  A consumer is done when each producer it
 * reads has sent one sentinel naming itself.
 */
struct producers {
	int	 n;		/* 1 + the number of workers */
	uint8_t	*ended;		/* [producer]: its sentinel came */
};

void	 producers_init(struct producers *, int);
int	 producer_end(struct producers *, int, const struct frame *, char *,
	    size_t);
void	 producer_name(int, char *, size_t);
void	 producers_free(struct producers *);

/*
 * The run's statistics travel in frames, once, at the end: how each input
 * was read (F_FILE) and the parser's totals (F_PSTATS), and each worker's
 * (F_WSTATS), which the reporter adds up for the -v summary.  Every field
 * is read there.  (The shared page's counters are for the progress line
 * alone.)
 */
struct pstats {
	uint64_t lines;		/* lines read */
	uint64_t noclient;	/* lines in the format naming no client */
	uint64_t rejected;	/* lines no format could read */
	uint64_t outside;	/* lines outside --since/--until, or
				   without a time when a window is set */
	uint64_t excluded;	/* lines whose client --exclude/--include
				   left out */
};

#define EXAMPLE_MAX	120	/* bytes of a rejected line shown by -v */

/* How one input was read: its lines, and one that no format could read. */
struct filestats {
	uint32_t input;		/* its place in config inputs */
	uint16_t fmt;		/* enum logfmt it was read as */
	uint16_t example_len;
	uint64_t lines, clients, noclient, rejected;
	char	 example[EXAMPLE_MAX];	/* the first rejected line */
};

struct wstats {
	uint64_t lookups;	/* addresses answered */
	uint64_t queries;	/* requests sent to registries */
	uint64_t cached;	/* answered from the cache file */
	uint64_t known;		/* from a network learned in this run */
	uint64_t stale;		/* from cached answers past --max-age */
	int64_t	 failed_ns;	/* when the worker's first lookup without an
				   answer ended (now_ns()); 0: none */
	uint32_t failed_status;	/* its enum status */
	char	 failed_why[196];	/* and why, as -v says it */
};

/*
 * An address's counts: a parser table entry, an F_COUNT payload, and in
 * the reporter a report row (with the number of its answer).
 */
struct count {
	struct ip ip;
	uint64_t hits;
	uint64_t bytes;		/* BYTES_NONE: no line carried a size */
	uint32_t first, last;	/* seconds since the epoch, UTC; 0 unknown */
	uint32_t answer;	/* reporter: index of the answer, or none */
	uint32_t flags;		/* CF_* */
};

#define BYTES_NONE	UINT64_MAX
#define CF_LEFT_OUT	0x1	/* parser: --include/--exclude leave it out */
#define CF_ROW		0x2	/* reporter: its count or answer came */

/*
 * Each address carries the number of its parser table entry (the order
 * of first sight) to its worker, and with its answer to the reporter;
 * its counts come with it too.  The reporter files both by that number:
 * an array where it would otherwise need a table of addresses.
 */
#define ENTRY_MAX	(UINT32_MAX / 2)	/* a larger one is garbled */

void	 wire_put_addr(struct frame_buf *, const struct ip *, uint32_t);
int	 wire_get_addr(const struct frame *, struct ip *, uint32_t *);
void	 wire_put_result(struct frame_buf *, const struct ip *, uint32_t,
	    const struct answer *);
int	 wire_get_result(const struct frame *, struct ip *, uint32_t *,
	    struct answer *);
void	 wire_put_count(struct frame_buf *, uint32_t, const struct count *);
int	 wire_get_count(const struct frame *, uint32_t *, struct count *);


/* addrtab.c: per-address entries, dense, with a hash index. */

struct addrtab {
	uint64_t *slot;		/* hash tag << 32 | position + 1; 0 empty */
	size_t	 mask;		/* slots - 1 */
	struct count *ent;	/* the entries, in insertion order */
	size_t	 used, cap;
	size_t	 last;		/* the entry found last */
};

int	 addrtab_init(struct addrtab *, size_t);
struct count *addrtab_get(struct addrtab *, const struct ip *, int *);
struct count *addrtab_get_hashed(struct addrtab *, const struct ip *,
	    uint64_t, int *);
struct count *addrtab_find(const struct addrtab *, const struct ip *);
void	 addrtab_prefetch(const struct addrtab *, uint64_t);
void	 addrtab_prefetch_entry(const struct addrtab *, uint64_t);
void	 addrtab_free(struct addrtab *);

/* input.c: a log file, plain or compressed, read in large blocks. */

#define LINE_MAX_LEN	(64 * 1024)

struct input;

struct input *input_open(int);
ssize_t	 input_read(struct input *, void *, size_t);
uint64_t input_raw_bytes(const struct input *);
const char *input_error(struct input *);
void	 input_close(struct input *);

/*
 * progress.c: the progress line on standard error, drawn by main while
 * the children work.  progress_format() is a pure function.
 */

struct progress_snap {
	uint64_t bytes;		/* log text read */
	uint64_t raw, total;	/* input bytes read, of total (0: unknown) */
	uint64_t lines;
	uint64_t addrs;		/* unique addresses sent to be looked up */
	uint64_t done;		/* lookups finished */
	uint64_t failed;	/* of which failed */
	double	 rate;		/* lookups per second, recent; < 0 unknown */
};

struct progress;

size_t	 progress_format(const struct progress_snap *, size_t, char *,
	    size_t);
struct progress *progress_new(struct share *, int, uint64_t);
int64_t	 progress_tick(struct progress *);
void	 progress_end(struct progress *);
void	 progress_child(void);
void	 progress_off(const struct run *);

/* output.c: the report's columns and formats. */

enum column {
	COL_IP,
	COL_HITS,
	COL_BYTES,
	COL_ADDRESSES,	/* unique addresses in a row (1 by address) */
	COL_FIRST_SEEN,
	COL_LAST_SEEN,
	COL_KIND,
	COL_REGISTRY,
	COL_NETWORK,	/* COL_NETWORK + f is field f, to COL_NET_TYPE */
	COL_NET_NAME,
	COL_ORG,
	COL_COUNTRY,
	COL_ASN,
	COL_AS_NAME,
	COL_ABUSE_EMAIL,
	COL_NET_TYPE,	/* not in any default: --fields */
	COL_SOURCE,
	COL_STATUS,
	COL_MAX
};

_Static_assert(COL_NET_TYPE - COL_NETWORK == FLD_NET_TYPE - FLD_NETWORK,
    "the field columns follow enum field");

enum outfmt { OUT_CSV, OUT_TSV, OUT_JSONL };

/* --by: what one report row stands for. */
enum groupby {
	BY_IP,
	BY_NETWORK,
	BY_ASN,
	BY_ORG,
	BY_COUNTRY,
	BY_ABUSE,
	BY_MAX
};

/* One report row: an address, or a group of them (--by). */
struct report_row {
	struct ip ip;
	uint64_t hits;
	uint64_t bytes;		/* BYTES_NONE: no line carried a size */
	uint64_t addresses;	/* how many addresses the row stands for */
	uint32_t first, last;	/* seconds since the epoch, UTC; 0 unknown */
	uint32_t mixed;		/* COL_BIT(column): its members differ
				   there, so the cell is empty */
	const struct answer *answer;	/* the other columns */
};

#define COL_BIT(c)	(1u << (c))

_Static_assert(COL_MAX <= 32, "report_row mixed has a bit per column");

/* The report writer: rows formatted into buf by hand, written to fp in
 * large blocks; a failed write shows in ferror(fp). */
#define OUT_MEMOS	64	/* answers whose cells are kept as text */
#define OUT_MEMO_MAX	1024	/* longest text kept */

struct out {
	FILE	*fp;
	const struct config *cfg;	/* outfmt, no_header, csv_safe,
					   columns */
	char	*p, *end;
	unsigned flushes;
	int	 tail;		/* columns from here on are an answer's */
	int	 answers_stay;	/* set by the caller: each answer a row
				   points to stays there, unchanged, until
				   the last row; its cells' text is kept */
	struct {
		const struct answer *a;	/* whose cells these are */
		size_t	 n;
		char	 s[OUT_MEMO_MAX];
	} memo[OUT_MEMOS];
	char	 buf[64 * 1024];
};

const char *column_name(enum column);
int	 column_by_name(const char *, size_t, enum column *);
const char *groupby_name(enum groupby);
int	 groupby_by_name(const char *, enum groupby *);
int	 columns_default(enum groupby, enum column *);
const char *answer_column(const struct answer *, enum column);
void	 row_of_count(struct report_row *, const struct count *,
	    const struct answer *);
void	 out_init(struct out *, FILE *, const struct config *);
void	 out_header(struct out *);
void	 out_row(struct out *, const struct report_row *);
void	 out_flush(struct out *);
int	 csv_needs_quotes(const char *);
int	 columns_counts(enum column *);
int	 column_needs_lookup(enum column);

/*
 * group.c: --by, the address rows folded into one row per network, AS,
 * organisation, country or abuse contact, in report order.
 */

struct by_group {
	struct report_row row;
	const char *key;	/* "": the members without a value */
};

struct by_group *group_rows(enum groupby, const struct count *, size_t,
	    const struct answer *, size_t, size_t *);

/* options.c */

enum protocol { PROTO_RDAP, PROTO_WHOIS };

/* --client: where a line's client address comes from. */
enum client { CLIENT_PEER, CLIENT_XFF };

#define BOOTSTRAP_MAX	4

struct config {
	int	 jobs;
	enum protocol protocol;
	const char *rdap_url;	/* --rdap-url: every RDAP query goes here */
	const char *whois_server; /* --whois-server HOST[:PORT] */
	const char *bootstrap[BOOTSTRAP_MAX];	/* --bootstrap FILE ... */
	int	 nbootstrap;
	double	 rate;		/* requests per second per server */
	long	 timeout_ms;	/* one request, whole */
	long	 connect_ms;
	int	 retries;	/* after the first try */
	const char *cache_path;	/* --cache FILE, or NULL: the default */
	int	 no_cache;
	int64_t	 max_age;	/* seconds an answer stays fresh */
	enum logfmt fmt;
	const char *regex;	/* --regex, or --log-format compiled */
	const char *log_format;	/* --log-format STRING */
	const char *json_field, *json_time, *json_bytes;	/* --json-* */
	int	 offline;
	int	 exact;		/* --exact: allocations answer no neighbour */
	int	 verbose;
	int	 quiet;
	int	 progress;	/* --progress 1, --no-progress 0; -1 auto */
	/* The report. */
	enum outfmt outfmt;	/* -F */
	int	 no_header;
	int	 csv_safe;
	enum column columns[COL_MAX];	/* --fields, or the --by default */
	int	 ncolumns;
	enum groupby by;
	uint64_t top;		/* --top N; 0 all */
	uint64_t min_hits;	/* --min-hits N; 0 all */
	/* What counts. */
	int64_t	 since, until;	/* [since, until), epoch s; 0 open */
	enum client client;
	struct netlist trusted;	/* --trusted-proxy */
	struct netlist exclude;	/* --exclude */
	struct netlist include;	/* --include; empty: all */
	const char *output;	/* NULL: stdout */
	const char *db[DB_MAX];	/* --db FILE, each asked in turn */
	int	 ndb;		/* 0: the default places */
	const char *db_url;	/* --db-url: where --update-db fetches */
	int	 update_db;	/* --update-db: fetch, rebuild and exit */
	const char *build_db;	/* --build-db OUT: import the inputs (CSV) */
	char	**inputs;	/* "-" is standard input */
	int	 ninputs;
	/* Many hosts, one report: counts without lookups, reports merged. */
	int	 counts_only;	/* --counts-only */
	int	 merge;		/* --merge: the inputs are reports */
	const char *user;	/* --user: as root, roles run as it */
	int	 no_sandbox;	/* --no-sandbox */
};

/* How an option's value is read, and what it becomes. */
enum optkind {
	OA_FLAG,	/* no value: the int at off becomes lo */
	OA_ACTION,	/* no value: set() acts (-h, -V, -v, -q) */
	OA_STRING,	/* the text as given */
	OA_INT,		/* decimal digits, lo to hi: int (-j) */
	OA_WHOLE,	/* a number lo to hi without a fraction: int */
	OA_DOUBLE,	/* a number lo to hi */
	OA_MS,		/* seconds, lo to hi: long milliseconds */
	OA_AGE,		/* 30d, 12h, 90m, 3600s: int64_t seconds */
	OA_COUNT,	/* digits, lo or more: uint64_t */
	OA_WORD,	/* one of words[]: its value, into an enum */
	OA_BY,		/* a --by key (output.c's names) */
	OA_FORMAT,	/* a log format name (logfmt.c's names) */
	OA_TIME,	/* a date and time, or an age before now: int64_t */
	OA_NETLIST,	/* CIDR,...: added to the struct netlist at off */
	OA_FIELDS,	/* column names, each once: columns, ncolumns */
	OA_REPEAT,	/* each into const char *[hi] at off, counted */
};

/* A word an OA_WORD option takes, and what it stands for. */
struct optword {
	const char *word;
	int	 value;
};

/* One command-line option: a row of options.c's table. */
struct optdef {
	const char *name;	/* --name */
	int	 letter;	/* -x, or 0 */
	enum optkind kind;
	size_t	 off;		/* where it goes: offsetof(struct config, ...) */
	size_t	 count;		/* OA_REPEAT: offsetof the int counting them */
	double	 lo, hi;	/* bounds; OA_FLAG: the value */
	const struct optword *words;	/* OA_WORD: ends with a NULL word */
	int	(*set)(struct config *);	/* OA_ACTION: 1 when done */
	const char *arg;	/* its value in --help: "N", "FILE" */
	const char *help;
	const char *takes;	/* a bad value: "<opt> takes <takes>, not 'x'";
				   NULL: the words it takes */
};

int	 config_parse(struct config *, int, char **, char *, size_t);
int	 default_jobs(int);
void	 config_free(struct config *);
void	 usage(FILE *);
const struct optdef *options_table(size_t *);
int	 option_has_arg(const struct optdef *);
const char *option_word(const struct optdef *, size_t);

/*
 * parser.c, worker.c, reporter.c: role entry points; they never return.
 * Each gets the command line (struct config) and what main made of it
 * before the fork (struct run), and its own pipe ends.
 */

struct regex;

struct run {
	struct share *share;	/* the workers' shared page; NULL: none */
	struct bootstrap *boot;	/* --bootstrap's table; NULL: built in */
	struct ipdb *ipdb;	/* the IP database; NULL: none */
	struct regex *regex;	/* --regex or --log-format, compiled */
	char	*cache_path;	/* the cache read and written; NULL: none */
	uint32_t cached;	/* the share's first entries, from the cache */
	int	 progress;	/* a progress line is drawn */
	int64_t	 started_ns;	/* when main started (now_ns()) */
};

struct parser_args {
	const struct config *cfg;
	const struct run *run;
	int	*in_fds;	/* one per input, already open */
	int	*out_fds;	/* to worker i */
	int	 nworkers;
	int	 reporter_fd;
};

struct worker_args {
	const struct config *cfg;
	const struct run *run;
	int	 id;		/* 0 to nworkers - 1 */
	int	 in_fd;		/* from the parser */
	int	 out_fd;	/* to the reporter */
};

struct reporter_args {
	const struct config *cfg;
	const struct run *run;
	int	 parser_fd;
	int	*worker_fds;
	int	 nworkers;
	int	 out_fd;
};

void	 parser_main(const struct parser_args *) __attribute__((noreturn));
void	 worker_main(const struct worker_args *) __attribute__((noreturn));
void	 reporter_main(const struct reporter_args *) __attribute__((noreturn));

/*
 * parser.c: which worker gets each new address, and which lines and
 * clients count.  Pure but for the shared page's answered counts, read
 * by route_worker() when it balances the load.
 */

struct route {
	int	 nworkers;
	int	 nalive;
	uint8_t	*alive;		/* worker i still reads its pipe */
	uint64_t *sent;		/* addresses sent to worker i */
	struct share *share;	/* how many each answered; NULL: none */
	int	 by_load;	/* live: to the least-loaded worker */
};

/* --since and --until: the lines counted have a time in [since, until). */
struct window {
	int64_t	 since, until;
};

void	 route_init(struct route *, int, struct share *, int);
int	 route_worker(const struct route *, const struct ip *);
void	 route_free(struct route *);
void	 window_init(struct window *, int64_t, int64_t);
int	 window_has(const struct window *, int64_t);
int	 client_left_out(const struct config *, const struct ip *);

/*
 * reporter.c: the report's rows, the parser's counts and the workers'
 * answers joined by the address's entry number, then put in report order (hits descending,
 * then the address, IPv4 first).  No pipes: the reporter's frames come
 * in through these, and so do the tests'.
 */

struct answers {
	struct answer *v;	/* each distinct answer once */
	size_t	 n, cap;
	uint32_t *slot;		/* hash index: answer number + 1, 0 empty */
	size_t	 mask;
};

struct rows {
	struct count	*ent;	/* [entry] until rows_finish(), then the
				   rows in report order; an entry's answer
				   is a number in answers, UINT32_MAX none */
	size_t		 used, cap;
	struct answers	 answers;
};

void	 rows_init(struct rows *);
int	 rows_count(struct rows *, uint32_t, const struct count *);
int	 rows_answer(struct rows *, uint32_t, const struct ip *,
	    struct answer *);
void	 rows_sort(struct rows *);
void	 rows_finish(struct rows *);
void	 rows_free(struct rows *);

/*
 * fmt_report.c: ipwhois's own reports (CSV, TSV, JSON Lines) read back
 * for --merge, a row's counts into an address's.  Pure functions.
 */

/* The columns a merge reads from a report. */
enum report_col { RC_IP, RC_HITS, RC_BYTES, RC_FIRST, RC_LAST, RC_MAX };

enum report_fit {
	RF_ROW,		/* a row by address: its counts */
	RF_HEADER,	/* a header line (the same again), a blank line */
	RF_BAD,		/* a row that cannot be read; the file goes on */
	RF_REFUSED,	/* the first line: no report by address */
};

enum report_form { RFORM_NONE, RFORM_CSV, RFORM_TSV, RFORM_JSONL };

#define REPORT_COLS	64	/* columns a header may name */
#define REPORT_NOCOL	255

/* A file's form and columns, from its first line; zeroed per file. */
struct report_layout {
	uint8_t	 form;		/* enum report_form; RFORM_NONE: no line yet */
	uint8_t	 header;	/* the columns come from a header line */
	char	 sep;		/* CSV ',', TSV '\t' */
	uint8_t	 ncols;		/* the header's columns */
	uint8_t	 col[RC_MAX];	/* where each is; REPORT_NOCOL: not there */
	uint8_t	 named[REPORT_COLS];	/* each column's enum column */
	char	 msg[256];	/* why a file is refused */
};

enum report_fit report_parse(struct report_layout *, const char *,
	    const char *, struct count *, const char **);
void	 report_add(struct count *, const struct count *);

/*
 * sandbox.c: each role locks itself down once set up (seccomp, Landlock,
 * and as root another user).  sandbox_prepare() runs in main before the
 * fork, sandbox_enter() in each role; the tables are for the tests.
 */

enum sb_role { SB_PARSER, SB_WORKER, SB_REPORTER, SB_ROLES };

/* The system call tables: the calls of all roles, and each role's. */
enum sb_table { SB_T_COMMON, SB_T_PARSER, SB_T_WORKER, SB_T_OFFLINE,
	SB_T_REPORTER, SB_TABLES };

/* The condition on a call's argument arg. */
enum sb_arg {
	SBA_NONE,	/* any arguments */
	SBA_RDONLY,	/* open flags that neither write nor create */
	SBA_THREAD,	/* clone of a thread, not a process */
	SBA_SELF,	/* a signal to this process only */
	SBA_IOCTL,	/* terminal and pipe queries only */
	SBA_FAMILY,	/* socket families of the network and resolver */
	SBA_ENOSYS,	/* fails with ENOSYS, so callers fall back */
};

struct sb_call {
	const char *name;
	enum sb_arg cond;
	unsigned arg;		/* the argument the condition is on */
};

/* The exit status of a role that made a forbidden call: as if SIGSYS. */
#define SANDBOX_EXIT	(128 + SIGSYS)

int	 sandbox_prepare(const struct config *, char *, size_t);
int	 sandbox_drops_user(void);
void	 sandbox_enter(enum sb_role, int, const struct config *,
	    const struct run *);
const struct sb_call *sandbox_table(enum sb_table, size_t *);
const char *const *sandbox_never(size_t *);

/* complete.c */

int	 complete_script(FILE *, const char *);

/* util.c */

/* Elements in an array (the BSDs have it in <sys/param.h>). */
#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* A function dl_load() resolves: its name, and its pointer's address. */
struct dl_sym {
	const char *name;
	void	*fn;
};

#define FNV1A_INIT	0xcbf29ce484222325ULL	/* fnv1a()'s first h */

extern volatile sig_atomic_t got_signal;

void	 signals_child(void);
int	 exit_for_signal(void);
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*big_alloc(size_t);
void	*big_realloc(void *, size_t, size_t);
void	 big_free(void *, size_t);
char	*xstrndup(const char *, size_t);
int64_t	 now_ns(void);
void	*dl_load(const char *, const struct dl_sym *, size_t, char *, size_t);
uint64_t fnv1a(uint64_t, const void *, size_t);
void	 setmsg(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif /* IPWHOIS_H */
