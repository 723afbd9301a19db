/*
 * lookup.c: the lookup chain without the network.  Special-purpose
 * addresses, the built-in registry tables, the IP database, the cache's
 * answers and whether they are still fresh (--max-age), networks other
 * workers learned in the run, and the deferral while another worker asks
 * about a nearby address.  Real objects throughout: a share from
 * share_new(), answers published in it the way main (the cache) and the
 * workers publish them.
 *
 * Nothing here asks a registry: every lookup is answered before that
 * point, or deferred.  Should one get through all the same, it goes to
 * 127.0.0.1 (--rdap-url), and the teardown fails the test on the query
 * it counted.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

#define DAY	86400

static struct config cfg;
static struct run run;
static struct share *sh;
static struct lookup *lk;

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&run, 0, sizeof(run));
	ck_assert_ptr_nonnull(sh = share_new());
	run.share = sh;
	cfg.jobs = 2;
	cfg.protocol = PROTO_RDAP;
	cfg.rdap_url = "http://127.0.0.1:9/";
	cfg.rate = DEFAULT_RATE;
	cfg.timeout_ms = 1000;
	cfg.connect_ms = 1000;
	cfg.retries = 0;
	cfg.max_age = DEFAULT_MAX_AGE;
	cfg.offline = 1;
	lk = NULL;
}

/* What the lookups so far counted (lookup_stats()); nothing before one. */
static struct wstats
counted(void)
{
	struct wstats none = { 0 };

	return lk != NULL ? *lookup_stats(lk) : none;
}

static void
teardown(void)
{
	uint64_t queries = counted().queries;

	lookup_free(lk);
	share_free(sh);
	ck_assert_msg(queries == 0, "%llu queries sent",
	    (unsigned long long)queries);
}

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "bad fixture %s", s);
	return ip;
}

/*
 * An answer about cidr as a registry gives it (has_net: what main loads
 * from the cache, what a worker publishes), age seconds old.
 */
static void
registry_answer(struct answer *a, const char *cidr, enum rir registry,
    enum status st, int64_t age)
{
	struct ip net;
	unsigned plen;

	memset(a, 0, sizeof(*a));
	ck_assert_msg(ip_net_parse(cidr, &net, &plen) == 0, "bad fixture %s",
	    cidr);
	a->kind = KIND_PUBLIC;
	a->registry = (uint8_t)registry;
	a->status = (uint8_t)st;
	a->source = SRC_RDAP;
	a->has_net = 1;
	a->net.lo = a->net.hi = net;
	for (unsigned bit = plen; bit < 128; bit++)
		a->net.hi.b[bit / 8] |= (uint8_t)(0x80 >> bit % 8);
	a->fetched = (int64_t)time(NULL) - age;
	if (st == ST_OK)
		answer_set(a, FLD_NETWORK, cidr, strlen(cidr));
}

static void
set(struct answer *a, enum field f, const char *s)
{
	answer_set(a, f, s, strlen(s));
}

/* Publish a (the caller's, cleared here). */
static void
publish(struct answer *a)
{
	ck_assert_int_eq(share_put(sh, a), 0);
	answer_clear(a);
}

/* What main does once the cache file is read: those entries are its. */
static void
cache_loaded(void)
{
	run.cached = share_count(sh);
}

/* Google's network as a registry describes it; when it did. */
static int64_t
google(int64_t age)
{
	struct answer a;
	int64_t fetched;

	registry_answer(&a, "8.8.8.0/24", RIR_ARIN, ST_OK, age);
	set(&a, FLD_NET_NAME, "LVLT-GOGL-8-8-8");
	set(&a, FLD_ORG, "Google LLC");
	set(&a, FLD_COUNTRY, "US");
	set(&a, FLD_ABUSE_EMAIL, "network-abuse@google.com");
	fetched = a.fetched;
	publish(&a);
	return fetched;
}

/* Worker `w` is asking about address a right now, for an hour. */
static void
asking(int w, const char *a)
{
	struct ip ip = addr(a);

	ck_assert_int_eq(share_claim(sh, w, &ip, now_ns(), now_ns() +
	    3600LL * 1000000000, share_count(sh)), 0);
}

/* The answer's report columns, kind to status, joined with ','; the
 * network's type apart (net_type()). */
static const char *
row(const struct answer *a)
{
	static char buf[4096];
	size_t n = 0;

	for (enum column c = COL_KIND; c <= COL_STATUS; c++) {
		const char *s = answer_column(a, c);

		if (c == COL_NET_TYPE)
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    c > COL_KIND ? "," : "", s ? s : "");
		ck_assert_uint_lt(n, sizeof(buf));
	}
	return buf;
}

/* lookup_addr() as worker 0, which must answer (not defer) into a. */
static void
look(const char *text, struct answer *a)
{
	struct ip ip = addr(text);
	int blocker = -1;

	if (lk == NULL)
		lk = lookup_new(&cfg, &run, 0);
	ck_assert_msg(lookup_addr(lk, &ip, 1, a, &blocker) == LK_DONE,
	    "%s: deferred for worker %d", text, blocker);
}

/* The answer for text reads want in the report. */
static void
answers(const char *text, const char *want)
{
	struct answer a;

	look(text, &a);
	ck_assert_msg(strcmp(row(&a), want) == 0, "%s:\n got %s\nwant %s",
	    text, row(&a), want);
	ck_assert_int_eq(a.has_net, 0);		/* nothing new to keep */
	answer_clear(&a);
}

/* lookup_addr() as worker 0 is deferred until worker `blocker` is done. */
static void
deferred(const char *text, int blocker)
{
	struct ip ip = addr(text);
	struct answer a;
	int b = -1;

	if (lk == NULL)
		lk = lookup_new(&cfg, &run, 0);
	ck_assert_msg(lookup_addr(lk, &ip, 1, &a, &b) == LK_DEFER,
	    "%s: answered: %s", text, row(&a));
	ck_assert_int_eq(b, blocker);
	for (int f = 0; f < FLD_MAX; f++)
		ck_assert_ptr_null(a.field[f]);
	ck_assert_int_eq(a.status, ST_OK);
	ck_assert_int_eq(a.source, SRC_NONE);
}

/* --- built-in answers ------------------------------------------------- */

static const struct {
	const char *addr, *row;
} builtin_cases[] = {
	{ "10.1.2.3",
	    "private,,10.0.0.0/8,Private-Use,,,,,,builtin,ok" },
	{ "100.64.0.1",
	    "cgnat,,100.64.0.0/10,Shared Address Space,,,,,,builtin,ok" },
	/* The most specific block: a /32 inside 192.0.0.0/24. */
	{ "192.0.0.9", "anycast,,192.0.0.9/32,Port Control Protocol "
	    "Anycast,,,,,,builtin,ok" },
	{ "::ffff:192.168.1.1",
	    "private,,192.168.0.0/16,Private-Use,,,,,,builtin,ok" },
	{ "127.0.0.1", "loopback,,127.0.0.0/8,Loopback,,,,,,builtin,ok" },
	{ "::1", "loopback,,::1/128,Loopback Address,,,,,,builtin,ok" },
	{ "2001:db8::1",
	    "documentation,,2001:db8::/32,Documentation,,,,,,builtin,ok" },
	{ "fe80::1",
	    "link-local,,fe80::/10,Link-Local Unicast,,,,,,builtin,ok" },
	{ "224.0.0.251", "multicast,,224.0.0.0/4,Multicast,,,,,,builtin,ok" },
	/* Public: the registry from IANA's tables, nothing else. */
	{ "8.8.8.8", "public,ARIN,,,,,,,,builtin,ok" },
	{ "193.0.0.1", "public,RIPE,,,,,,,,builtin,ok" },
	{ "1.1.1.1", "public,APNIC,,,,,,,,builtin,ok" },
	{ "200.57.128.1", "public,LACNIC,,,,,,,,builtin,ok" },
	{ "41.0.0.1", "public,AFRINIC,,,,,,,,builtin,ok" },
	{ "2a00:1450:4001::1", "public,RIPE,,,,,,,,builtin,ok" },
	{ "2001:4860::8888", "public,ARIN,,,,,,,,builtin,ok" },
};

/* Offline, knowing nothing: the built-in tables alone. */
START_TEST(test_builtin)
{
	answers(builtin_cases[_i].addr, builtin_cases[_i].row);
	ck_assert_uint_eq(counted().known, 0);
	ck_assert_uint_eq(counted().cached, 0);
}
END_TEST

/*
 * Special-purpose addresses are never looked up, live or not: not even
 * a network the run knows, nor another worker asking nearby, changes
 * their answer.
 */
START_TEST(test_special_live)
{
	struct answer a;

	cfg.offline = 0;
	registry_answer(&a, "0.0.0.0/0", RIR_ARIN, ST_OK, 0);
	publish(&a);
	registry_answer(&a, "::/0", RIR_ARIN, ST_OK, 0);
	publish(&a);
	asking(1, "10.0.0.1");
	asking(2, "2001:db8::2");
	for (size_t i = 0; i < nitems(builtin_cases); i++)
		if (strncmp(builtin_cases[i].row, "public,", 7) != 0)
			answers(builtin_cases[i].addr, builtin_cases[i].row);
	ck_assert_uint_eq(counted().known, 0);
}
END_TEST

/* --- the IP database -------------------------------------------------- */

static char dbdir[64];

/* The IP database of tests/data/ipdb, mapped (its file already gone). */
static struct ipdb *
open_db(void)
{
	const char *d = getenv("IPWHOIS_TESTDATA");
	char csv[4][512], path[128], err[256];
	char *argv[4];
	struct ipdb *db;
	static const char *const names[] = {
		"asn-ipv4.csv", "country-ipv4.csv", "asn-ipv6.csv",
		"country-ipv6.csv",
	};

	for (int i = 0; i < 4; i++) {
		snprintf(csv[i], sizeof(csv[i]), "%s/ipdb/%s",
		    d != NULL && *d != '\0' ? d : "tests/data", names[i]);
		argv[i] = csv[i];
	}
	strcpy(dbdir, "/tmp/check_lookup.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dbdir));
	snprintf(path, sizeof(path), "%s/ip.db", dbdir);
	ck_assert_msg(ipdb_build(path, argv, 4, err, sizeof(err)) == 0,
	    "build: %s", err);
	ck_assert_msg((db = ipdb_open(path, err, sizeof(err))) != NULL,
	    "open: %s", err);
	unlink(path);
	rmdir(dbdir);
	return db;
}

START_TEST(test_db)
{
	run.ipdb = open_db();
	answers("1.0.0.1", "public,APNIC,,,,AU,13335,Cloudflare, Inc.,,db,ok");
	answers("2.0.16.200", "public,RIPE,,,,DE,64502,Small Net,,db,ok");
	answers("2001:db9::7", "public,APNIC,,,,,64512,V6 Tiny,,db,ok");
	/* Not in the database: the tables alone. */
	answers("8.8.8.8", "public,ARIN,,,,,,,,builtin,ok");
	/* Special-purpose addresses are not looked for there. */
	answers("10.0.0.1", "private,,10.0.0.0/8,Private-Use,,,,,,builtin,ok");
	ipdb_close(run.ipdb);
}
END_TEST

/* A registry's answer keeps its country; the database adds the AS. */
START_TEST(test_db_fills)
{
	struct answer a;

	registry_answer(&a, "1.0.0.0/24", RIR_APNIC, ST_OK, 60);
	set(&a, FLD_ORG, "APNIC Research");
	set(&a, FLD_COUNTRY, "US");
	publish(&a);
	registry_answer(&a, "2.0.16.0/24", RIR_RIPE, ST_OK, 60);
	publish(&a);
	cache_loaded();
	run.ipdb = open_db();
	answers("1.0.0.1", "public,APNIC,1.0.0.0/24,,APNIC Research,US,13335,"
	    "Cloudflare, Inc.,,cache,ok");
	answers("2.0.16.200", "public,RIPE,2.0.16.0/24,,,DE,64502,Small Net,,"
	    "cache,ok");
	ipdb_close(run.ipdb);
}
END_TEST

/* --- the cache's answers ---------------------------------------------- */

#define GOOGLE	"public,ARIN,8.8.8.0/24,LVLT-GOGL-8-8-8,Google LLC,US,,,"\
		"network-abuse@google.com,cache,ok"
/* The same, learned in the run: it says who was asked. */
#define GOOGLE_ASKED	"public,ARIN,8.8.8.0/24,LVLT-GOGL-8-8-8,Google LLC,US,"\
		",,network-abuse@google.com,rdap,ok"

/* Every address inside a cached network, offline and live alike. */
START_TEST(test_cache)
{
	struct answer a;
	int64_t fetched;

	cfg.offline = _i;
	fetched = google(60);
	cache_loaded();
	answers("8.8.8.8", GOOGLE);
	answers("8.8.8.0", GOOGLE);
	answers("8.8.8.255", GOOGLE);
	look("8.8.8.8", &a);
	ck_assert_int_eq(a.source, SRC_CACHE);
	ck_assert_int_eq(a.fetched, fetched);	/* when the registry said it */
	answer_clear(&a);
	ck_assert_uint_eq(counted().cached, 4);
	ck_assert_uint_eq(counted().known, 0);
	ck_assert_uint_eq(counted().stale, 0);
	/* Just outside it. */
	if (cfg.offline) {
		answers("8.8.9.0", "public,ARIN,,,,,,,,builtin,ok");
		answers("8.8.7.255", "public,ARIN,,,,,,,,builtin,ok");
	} else {
		asking(1, "8.8.0.1");
		deferred("8.8.9.0", 1);
		deferred("8.8.7.255", 1);
	}
	ck_assert_uint_eq(counted().cached, 4);
}
END_TEST

/*
 * The registry: the one the answer names (blocks move between them),
 * else the one IANA's table gives.
 */
START_TEST(test_cache_registry)
{
	struct answer a;

	registry_answer(&a, "41.0.0.0/16", RIR_RIPE, ST_OK, 60);
	publish(&a);
	registry_answer(&a, "193.0.0.0/21", RIR_NONE, ST_OK, 60);
	publish(&a);
	cache_loaded();
	answers("41.0.1.2", "public,RIPE,41.0.0.0/16,,,,,,,cache,ok");
	answers("193.0.7.255", "public,RIPE,193.0.0.0/21,,,,,,,cache,ok");
}
END_TEST

/* The most specific network known answers. */
START_TEST(test_cache_nested)
{
	struct answer a;

	registry_answer(&a, "66.249.64.0/19", RIR_ARIN, ST_OK, 60);
	set(&a, FLD_NET_NAME, "GOOGLE");
	publish(&a);
	registry_answer(&a, "66.249.66.0/24", RIR_ARIN, ST_OK, 60);
	set(&a, FLD_NET_NAME, "GOOGLEBOT");
	publish(&a);
	registry_answer(&a, "66.249.64.0/20", RIR_ARIN, ST_OK, 60);
	set(&a, FLD_NET_NAME, "GOOGLE-WEST");
	publish(&a);
	cache_loaded();
	answers("66.249.66.1",
	    "public,ARIN,66.249.66.0/24,GOOGLEBOT,,,,,,cache,ok");
	answers("66.249.67.1",
	    "public,ARIN,66.249.64.0/20,GOOGLE-WEST,,,,,,cache,ok");
	answers("66.249.80.1",
	    "public,ARIN,66.249.64.0/19,GOOGLE,,,,,,cache,ok");
}
END_TEST

/*
 * --max-age, live: a cached answer older than its status allows (ok:
 * --max-age; not found: a day at most; a failure: an hour at most) is
 * not used, so the registry would be asked: here another worker holds
 * the block, and the lookup is deferred instead.
 */
static const struct {
	enum status st;
	int64_t	 max_age, age;
	int	 fresh;
} age_cases[] = {
	{ ST_OK, 3600, 0, 1 },
	{ ST_OK, 3600, 3590, 1 },
	{ ST_OK, 3600, 3600, 0 },
	{ ST_OK, 30 * DAY, 29 * DAY, 1 },
	{ ST_OK, 30 * DAY, 30 * DAY, 0 },
	{ ST_OK, 30 * DAY, 400 * DAY, 0 },
	{ ST_NOT_FOUND, 30 * DAY, DAY - 10, 1 },
	{ ST_NOT_FOUND, 30 * DAY, DAY, 0 },
	{ ST_NOT_FOUND, 3600, 3590, 1 },
	{ ST_NOT_FOUND, 3600, 3600, 0 },
	{ ST_ERROR, 30 * DAY, 3590, 1 },
	{ ST_ERROR, 30 * DAY, 3600, 0 },
	{ ST_ERROR, 60, 50, 1 },
	{ ST_ERROR, 60, 60, 0 },
	{ ST_TIMEOUT, 30 * DAY, 3600, 0 },
	{ ST_RATE_LIMITED, 30 * DAY, 3590, 1 },
	{ ST_RATE_LIMITED, 30 * DAY, 3600, 0 },
};

START_TEST(test_max_age)
{
	struct answer a;
	enum status st = age_cases[_i].st;
	/* Negative answers are about the address alone. */
	const char *net = st == ST_OK ? "8.8.8.0/24" : "8.8.8.8/32";

	cfg.offline = 0;
	cfg.max_age = age_cases[_i].max_age;
	registry_answer(&a, net, RIR_ARIN, st, age_cases[_i].age);
	publish(&a);
	cache_loaded();
	asking(1, "8.8.4.4");
	if (!age_cases[_i].fresh) {
		deferred("8.8.8.8", 1);
		ck_assert_uint_eq(counted().cached, 0);
		return;
	}
	look("8.8.8.8", &a);
	ck_assert_int_eq(a.source, SRC_CACHE);
	ck_assert_int_eq(a.status, st);
	ck_assert_uint_eq(counted().cached, 1);
	ck_assert_uint_eq(counted().stale, 0);
	answer_clear(&a);
}
END_TEST

/*
 * --max-age, offline: a stale answer is better than none (and counted
 * as stale), unless it says the lookup failed; a failure, stale or not,
 * leaves the address to the built-in tables.
 */
static const struct {
	enum status st;
	int64_t	 age;
	const char *row;	/* NULL: the built-in answer */
	int	 stale;
} offline_cases[] = {
	{ ST_OK, 60, GOOGLE, 0 },
	{ ST_OK, 31 * DAY, GOOGLE, 1 },
	{ ST_NOT_FOUND, 60, "public,ARIN,,,,,,,,cache,not-found", 0 },
	{ ST_NOT_FOUND, 2 * DAY, "public,ARIN,,,,,,,,cache,not-found", 1 },
	{ ST_ERROR, 60, NULL, 0 },
	{ ST_ERROR, 2 * DAY, NULL, 0 },
	{ ST_TIMEOUT, 60, NULL, 0 },
	{ ST_RATE_LIMITED, 60, NULL, 0 },
};

START_TEST(test_max_age_offline)
{
	enum status st = offline_cases[_i].st;
	struct answer a;

	if (st == ST_OK)
		google(offline_cases[_i].age);
	else {
		registry_answer(&a, "8.8.8.8/32", RIR_ARIN, st,
		    offline_cases[_i].age);
		publish(&a);
	}
	cache_loaded();
	answers("8.8.8.8", offline_cases[_i].row ? offline_cases[_i].row :
	    "public,ARIN,,,,,,,,builtin,ok");
	ck_assert_uint_eq(counted().cached,
	    offline_cases[_i].row != NULL);
	ck_assert_uint_eq(counted().stale, offline_cases[_i].stale);
}
END_TEST

/* --- networks learned in the run -------------------------------------- */

/*
 * What other workers learned: every address inside it, however old the
 * answer (it is this run's).  The answer says which registry was asked,
 * and holds no network to store: which row of it shows "rdap" and which
 * "cache" is the reporter's to say (check_reporter).
 */
START_TEST(test_known)
{
	struct answer a;

	cfg.offline = 0;
	cfg.max_age = 60;
	cache_loaded();		/* no cache file */
	registry_answer(&a, "66.249.64.0/19", RIR_ARIN, ST_OK, 400 * DAY);
	set(&a, FLD_ORG, "Google LLC");
	publish(&a);
	registry_answer(&a, "2a00:1450::/32", RIR_NONE, ST_OK, 0);
	set(&a, FLD_ORG, "Google Ireland");
	publish(&a);
	answers("66.249.66.1",
	    "public,ARIN,66.249.64.0/19,,Google LLC,,,,,rdap,ok");
	answers("2a00:1450:4001:81c::2004",
	    "public,RIPE,2a00:1450::/32,,Google Ireland,,,,,rdap,ok");
	look("66.249.95.255", &a);
	ck_assert_int_eq(a.source, SRC_RDAP);
	answer_clear(&a);
	ck_assert_uint_eq(counted().known, 3);
	ck_assert_uint_eq(counted().cached, 0);
	ck_assert_uint_eq(counted().stale, 0);
}
END_TEST

/*
 * Deferred while worker 1 asks about the same block; once it has
 * published its answer and is done, that answer is the one.
 */
START_TEST(test_deferred)
{
	struct ip ip = addr("8.8.8.8");
	struct answer a;

	cfg.offline = 0;
	asking(1, "8.8.4.4");
	deferred("8.8.8.8", 1);
	deferred("8.8.255.255", 1);
	ck_assert_int_eq(lookup_blocker_done(lk, 1, &ip), 0);
	google(0);
	share_done(sh, 1);
	ck_assert_int_eq(lookup_blocker_done(lk, 1, &ip), 1);
	look("8.8.8.8", &a);
	ck_assert_str_eq(row(&a), GOOGLE_ASKED);
	ck_assert_int_eq(a.source, SRC_RDAP);
	answer_clear(&a);
	/* Worker 1 is not asking about the IPv6 block. */
	asking(1, "2a00:1450::1");
	deferred("2a00:1457:ffff::1", 1);
	ck_assert_uint_eq(counted().known, 1);
}
END_TEST

/* A blocker that gives up (its time ran out) holds nobody back. */
START_TEST(test_deferred_timeout)
{
	struct ip ip = addr("8.8.8.8");
	struct timespec wait = { 1, 100 * 1000000 };

	cfg.offline = 0;
	ck_assert_int_eq(share_claim(sh, 1, &ip, now_ns(), now_ns() +
	    1000 * 1000000, 0), 0);
	deferred("8.8.8.8", 1);
	ck_assert_int_eq(lookup_blocker_done(lk, 1, &ip), 0);
	nanosleep(&wait, NULL);
	ck_assert_int_eq(lookup_blocker_done(lk, 1, &ip), 1);
}
END_TEST

/* --- allocations and assignments (--exact) ----------------------------- */

/* Each registry's documented words, as its answers write them. */
static const struct {
	const char *type;
	enum net_class cls;
} class_cases[] = {
	/* ARIN whois NetType, and its RDAP type */
	{ "Direct Allocation", NET_ALLOCATION },
	{ "DIRECT ALLOCATION", NET_ALLOCATION },
	{ "Reallocated", NET_ALLOCATION },
	{ "REALLOCATION", NET_ALLOCATION },
	{ "Direct Assignment", NET_ASSIGNMENT },
	{ "DIRECT ASSIGNMENT", NET_ASSIGNMENT },
	{ "Reassigned", NET_ASSIGNMENT },
	{ "REASSIGNMENT", NET_ASSIGNMENT },
	{ "Allocated to RIPE NCC", NET_UNKNOWN },
	/* RIPE, AFRINIC */
	{ "ALLOCATED PA", NET_ALLOCATION },
	{ "Allocated PA", NET_ALLOCATION },
	{ "ALLOCATED-BY-RIR", NET_ALLOCATION },
	{ "allocated by rir", NET_ALLOCATION },
	{ "ALLOCATED UNSPECIFIED", NET_ALLOCATION },
	{ "LIR-PARTITIONED PA", NET_ALLOCATION },
	{ "SUB-ALLOCATED PA", NET_ALLOCATION },
	{ "ALLOCATED-BY-LIR", NET_ALLOCATION },
	{ "AGGREGATED-BY-LIR", NET_ALLOCATION },
	{ "ASSIGNED PA", NET_ASSIGNMENT },
	{ "ASSIGNED PI", NET_ASSIGNMENT },
	{ "ASSIGNED  ANYCAST", NET_ASSIGNMENT },
	{ "ALLOCATED-ASSIGNED PA", NET_ASSIGNMENT },
	{ "Assigned", NET_ASSIGNMENT },
	{ "LEGACY", NET_UNKNOWN },
	{ "NOT-SET", NET_UNKNOWN },
	/* APNIC, JPNIC, KRNIC, TWNIC */
	{ "ALLOCATED PORTABLE", NET_ALLOCATION },
	{ "ALLOCATED NON-PORTABLE", NET_ALLOCATION },
	{ "ASSIGNED PORTABLE", NET_ASSIGNMENT },
	{ "ASSIGNED NON-PORTABLE", NET_ASSIGNMENT },
	/* LACNIC, NIC.br */
	{ "allocated", NET_ALLOCATION },
	{ "reallocated", NET_ALLOCATION },
	{ "ALLOCATION", NET_ALLOCATION },
	{ "assigned", NET_ASSIGNMENT },
	{ "reassigned", NET_ASSIGNMENT },
	/* Near misses are not guessed at. */
	{ "", NET_UNKNOWN },
	{ "ALLOCATED", NET_ALLOCATION },
	{ "ALLOCATED P", NET_UNKNOWN },
	{ "ALLOCATED PA X", NET_UNKNOWN },
	{ "ASSIGNED-", NET_UNKNOWN },
	{ "-ASSIGNED", NET_UNKNOWN },
	{ "ASSIGNEDPA", NET_UNKNOWN },
};

START_TEST(test_net_class)
{
	ck_assert_msg(net_class(class_cases[_i].type) == class_cases[_i].cls,
	    "'%s': %d, want %d", class_cases[_i].type,
	    net_class(class_cases[_i].type), class_cases[_i].cls);
}
END_TEST

START_TEST(test_net_class_null)
{
	ck_assert_int_eq(net_class(NULL), NET_UNKNOWN);
}
END_TEST

/* A network of type type learned in the run, fetched now. */
static void
typed(const char *cidr, const char *org, const char *type)
{
	struct answer a;

	registry_answer(&a, cidr, RIR_ARIN, ST_OK, 0);
	set(&a, FLD_ORG, org);
	if (type != NULL)
		set(&a, FLD_NET_TYPE, type);
	publish(&a);
}

/*
 * --exact: inside an allocation, an address is asked on its own (here:
 * it waits for worker 1, asking nearby, instead of taking the
 * allocation's answer); an assignment inside it, and a network of
 * unknown type, still answer their neighbours.
 */
START_TEST(test_exact)
{
	struct answer a;

	cfg.offline = 0;
	cfg.exact = 1;
	cache_loaded();
	typed("66.0.0.0/8", "Example ISP", "Direct Allocation");
	typed("66.249.66.0/24", "Example Customer", "Reassigned");
	typed("45.67.0.0/16", "Old Holder", NULL);
	typed("81.2.0.0/22", "Legacy Holder", "LEGACY");
	answers("66.249.66.77",
	    "public,ARIN,66.249.66.0/24,,Example Customer,,,,,rdap,ok");
	answers("45.67.100.1",
	    "public,ARIN,45.67.0.0/16,,Old Holder,,,,,rdap,ok");
	answers("81.2.3.9",
	    "public,ARIN,81.2.0.0/22,,Legacy Holder,,,,,rdap,ok");
	asking(1, "66.1.0.1");
	deferred("66.1.2.3", 1);
	ck_assert_uint_eq(counted().known, 3);
	/* The type travels with the answer. */
	look("66.249.66.1", &a);
	ck_assert_str_eq(a.field[FLD_NET_TYPE], "Reassigned");
	answer_clear(&a);
}
END_TEST

/* By default, and offline (nothing can be asked), an allocation answers
 * every address inside it. */
START_TEST(test_exact_not)
{
	cfg.offline = _i;
	cfg.exact = _i;
	cache_loaded();
	typed("66.0.0.0/8", "Example ISP", "Direct Allocation");
	answers("66.1.2.3", "public,ARIN,66.0.0.0/8,,Example ISP,,,,,rdap,ok");
}
END_TEST

/* An allocation from the cache file under --exact: not an answer. */
START_TEST(test_exact_cached)
{
	typed("66.0.0.0/8", "Example ISP", "ALLOCATED PA");
	cache_loaded();
	cfg.offline = 0;
	cfg.exact = 1;
	asking(1, "66.1.0.1");
	deferred("66.1.2.3", 1);
	ck_assert_uint_eq(counted().cached, 0);
}
END_TEST

static Suite *
lookup_suite(void)
{
	Suite *s = suite_create("lookup");
	TCase *tc;

	tc = tcase_create("builtin");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_builtin, 0, nitems(builtin_cases));
	tcase_add_test(tc, test_special_live);
	suite_add_tcase(s, tc);

	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_db);
	tcase_add_test(tc, test_db_fills);
	suite_add_tcase(s, tc);

	tc = tcase_create("cache");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_cache, 0, 2);
	tcase_add_test(tc, test_cache_registry);
	tcase_add_test(tc, test_cache_nested);
	tcase_add_loop_test(tc, test_max_age, 0, nitems(age_cases));
	tcase_add_loop_test(tc, test_max_age_offline, 0,
	    nitems(offline_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_known);
	tcase_add_test(tc, test_deferred);
	tcase_add_test(tc, test_deferred_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("exact");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_net_class, 0, nitems(class_cases));
	tcase_add_test(tc, test_net_class_null);
	tcase_add_test(tc, test_exact);
	tcase_add_loop_test(tc, test_exact_not, 0, 2);
	tcase_add_test(tc, test_exact_cached);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(lookup_suite());
}
