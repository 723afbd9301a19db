/*
 * cache.c: answers survive the round trip exactly, a newer answer
 * replaces an older one and never the reverse, the file and its
 * directories are made when missing, files that are missing, damaged,
 * somebody else's or from a newer ipwhois are refused with their name,
 * and two writers at once both get in.  A failed write leaves the file
 * as it was.
 *
 * Each test works in a directory of its own under /tmp.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

static char dir[64];
static char path[128];		/* dir/cache.db */
static char errbuf[512];

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

static void
setup(void)
{
	strcpy(dir, "/tmp/check_cache.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cache.db", dir);
	errbuf[0] = '\0';
}

static void
teardown(void)
{
	char ro[128];

	snprintf(ro, sizeof(ro), "%s/ro", dir);
	chmod(ro, 0700);	/* test_unwritable's */
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir/name, in one of a few static buffers. */
static const char *
in_dir(const char *name)
{
	static char p[4][256];
	static int next;
	char *s = p[next++ % 4];

	snprintf(s, sizeof(p[0]), "%s/%s", dir, name);
	return s;
}

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "fixture %s", s);
	return ip;
}

/* An answer about lo..hi; fields are set with answer_set as a mapper
 * would, NULL leaves one unset. */
static void
mkanswer(struct answer *a, const char *lo, const char *hi, int64_t fetched,
    const char *const f[FLD_MAX])
{
	memset(a, 0, sizeof(*a));
	a->has_net = 1;
	a->net.lo = addr(lo);
	a->net.hi = addr(hi);
	a->fetched = fetched;
	a->status = ST_OK;
	a->source = SRC_RDAP;
	for (int i = 0; f != NULL && i < FLD_MAX; i++)
		if (f[i] != NULL)
			answer_set(a, (enum field)i, f[i], strlen(f[i]));
}

/* What cache_load gave, copied. */
struct got {
	struct answer v[64];
	size_t	 n;
	size_t	 stop_after;	/* fn returns 1 on this call; 0: never */
};

static int
collect(void *ctx, const struct answer *a)
{
	struct got *g = ctx;

	ck_assert_uint_lt(g->n, nitems(g->v));
	answer_copy(&g->v[g->n++], a);
	return g->stop_after != 0 && g->n == g->stop_after;
}

static void
got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		answer_clear(&g->v[i]);
	g->n = 0;
}

static void
store(const struct answer *const *v, size_t n)
{
	struct cache *c = cache_open(path, 1, errbuf, sizeof(errbuf));

	ck_assert_msg(c != NULL, "open: %s", errbuf);
	ck_assert_msg(cache_store(c, v, n, errbuf, sizeof(errbuf)) == 0,
	    "store: %s", errbuf);
	cache_close(c);
}

/* Everything in the cache, read-only, into g. */
static void
load(struct got *g)
{
	struct cache *c = cache_open(path, 0, errbuf, sizeof(errbuf));

	ck_assert_msg(c != NULL, "open: %s", errbuf);
	ck_assert_msg(cache_load(c, collect, g, errbuf, sizeof(errbuf)) == 0,
	    "load: %s", errbuf);
	cache_close(c);
}

/* The loaded answer about want's network, which must be there once. */
static const struct answer *
find(const struct got *g, const struct answer *want)
{
	const struct answer *hit = NULL;

	for (size_t i = 0; i < g->n; i++)
		if (memcmp(&g->v[i].net, &want->net, sizeof(want->net)) == 0) {
			ck_assert_msg(hit == NULL, "network loaded twice");
			hit = &g->v[i];
		}
	ck_assert_msg(hit != NULL, "network not loaded");
	return hit;
}

/* answer_equal, and what it leaves out (fetched), field by field so a
 * failure says which. */
static void
same(const struct answer *got, const struct answer *want)
{
	ck_assert_int_eq(got->has_net, 1);
	ck_assert(memcmp(&got->net, &want->net, sizeof(want->net)) == 0);
	ck_assert_int_eq(got->kind, want->kind);
	ck_assert_int_eq(got->registry, want->registry);
	ck_assert_int_eq(got->status, want->status);
	ck_assert_int_eq(got->source, want->source);
	ck_assert_int_eq(got->fetched, want->fetched);
	for (int i = 0; i < FLD_MAX; i++)
		if (want->field[i] == NULL)
			ck_assert_msg(got->field[i] == NULL, "field %d: '%s'", i,
			    got->field[i]);
		else
			ck_assert_msg(got->field[i] != NULL &&
			    strcmp(got->field[i], want->field[i]) == 0,
			    "field %d: '%s', want '%s'", i,
			    got->field[i] ? got->field[i] : "(null)",
			    want->field[i]);
	ck_assert(answer_equal(got, want));
}

/* The message names the file and says why. */
static void
said(const char *p, const char *why)
{
	ck_assert_msg(strstr(errbuf, p) != NULL, "'%s' does not name %s",
	    errbuf, p);
	ck_assert_msg(strstr(errbuf, why) != NULL, "'%s' does not say '%s'",
	    errbuf, why);
}

/*
 * cache_open(p, create) fails, naming p and saying why; closing what it
 * gave (NULL) is then harmless, as callers may do.
 */
static void
refused(const char *p, int create, const char *why)
{
	struct cache *c;

	errbuf[0] = '\0';
	c = cache_open(p, create, errbuf, sizeof(errbuf));
	ck_assert_msg(c == NULL, "%s opened (create %d)", p, create);
	cache_close(c);
	said(p, why);
}

/* SQL straight at the file, around cache.c; the first column of the
 * first row into out (unless NULL). */
static void
raw(const char *p, const char *sql, char *out, size_t outlen)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && out != NULL)
		snprintf(out, outlen, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

static void
write_file(const char *p, const void *data, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* n one-address answers from 10.k.0.0 up, fetched at 1000. */
static struct answer *
many(int k, size_t n, const struct answer ***ptrs)
{
	struct answer *v = calloc(n, sizeof(*v));

	*ptrs = calloc(n, sizeof(**ptrs));
	ck_assert(v != NULL && *ptrs != NULL);
	for (size_t i = 0; i < n; i++) {
		ip_from_v4(&v[i].net.lo, 10u << 24 | (uint32_t)k << 16 |
		    (uint32_t)i);
		v[i].net.hi = v[i].net.lo;
		v[i].has_net = 1;
		v[i].status = ST_NOT_FOUND;
		v[i].fetched = 1000;
		answer_set(&v[i], FLD_ORG, "Some Organisation, Inc.", 23);
		(*ptrs)[i] = &v[i];
	}
	return v;
}

static void
many_free(struct answer *v, const struct answer **ptrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		answer_clear(&v[i]);
	free(v);
	free(ptrs);
}

static size_t
count_rows(void)
{
	char out[32] = "";

	raw(path, "SELECT count(*) FROM answers", out, sizeof(out));
	return (size_t)strtoul(out, NULL, 10);
}

static int
count_one(void *ctx, const struct answer *a)
{
	(void)a;
	++*(size_t *)ctx;
	return 0;
}

START_TEST(test_round_trip)
{
	static char longest[FIELD_MAX + 1];
	const char *full[FLD_MAX] = {
		"192.0.2.0/24", "EXAMPLE-NET", "Société \"Exemple\", S.A.",
		"FR", "AS64500", "EXAMPLE, Inc. 例え", "abuse@example.fr",
		"ALLOCATED PA",
	};
	const char *some[FLD_MAX] = {
		"2001:db8::/32", NULL, "Beispiel GmbH; Müller & Söhne", NULL,
		"AS64501", NULL, NULL,
	};
	const char *cut[FLD_MAX] = { [FLD_ORG] = longest };
	struct answer a[5], skipped;
	const struct answer *v[6];
	struct got g = { .n = 0 };

	for (size_t i = 0; i < FIELD_MAX; i += 2)
		memcpy(longest + i, "\xc3\xa9", 2);	/* é */
	mkanswer(&a[0], "192.0.2.0", "192.0.2.255", 1700000000, full);
	a[0].registry = RIR_RIPE;
	mkanswer(&a[1], "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	    1700000001, some);
	a[1].registry = RIR_ARIN;
	a[1].source = SRC_WHOIS;
	/* a negative answer: one address, nothing known */
	mkanswer(&a[2], "198.51.100.7", "198.51.100.7", 1, NULL);
	a[2].status = ST_NOT_FOUND;
	/* the ends of the space, of every enum and of fetched */
	mkanswer(&a[3], "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    INT64_MAX, NULL);
	a[3].kind = KIND_MAX - 1;
	a[3].registry = RIR_MAX - 1;
	a[3].status = ST_MAX - 1;
	a[3].source = SRC_MAX - 1;
	mkanswer(&a[4], "0.0.0.0", "255.255.255.255", 0, cut);
	ck_assert_uint_eq(strlen(a[4].field[FLD_ORG]), FIELD_MAX);
	/* without a network: not stored */
	mkanswer(&skipped, "203.0.113.1", "203.0.113.1", 5, full);
	skipped.has_net = 0;
	for (int i = 0; i < 5; i++)
		v[i] = &a[i];
	v[5] = &skipped;
	store(v, 6);
	load(&g);
	ck_assert_uint_eq(g.n, 5);
	for (int i = 0; i < 5; i++)
		same(find(&g, &a[i]), &a[i]);
	got_free(&g);
	/* The text columns hold the text as it is, for sqlite3(1) users. */
	{
		char out[256] = "";

		raw(path, "SELECT org FROM answers WHERE net_name = 'EXAMPLE-NET'",
		    out, sizeof(out));
		ck_assert_str_eq(out, full[FLD_ORG]);
	}
	for (int i = 0; i < 5; i++)
		answer_clear(&a[i]);
	answer_clear(&skipped);
}
END_TEST

START_TEST(test_upsert)
{
	const char *old[FLD_MAX] = { "192.0.2.0/24", [FLD_ORG] = "Old Org",
	    [FLD_COUNTRY] = "DE" };
	const char *new[FLD_MAX] = { "192.0.2.0/24", [FLD_ORG] = "New Org" };
	const char *tie[FLD_MAX] = { [FLD_ORG] = "Same Second" };
	const char *other[FLD_MAX] = { [FLD_ORG] = "Other" };
	struct answer a_old, a_new, a_tie, a_other;
	const struct answer *v[3];
	struct got g = { .n = 0 };

	mkanswer(&a_old, "192.0.2.0", "192.0.2.255", 100, old);
	mkanswer(&a_new, "192.0.2.0", "192.0.2.255", 200, new);
	mkanswer(&a_tie, "192.0.2.0", "192.0.2.255", 200, tie);
	/* same first address, another last one: another network */
	mkanswer(&a_other, "192.0.2.0", "192.0.2.127", 50, other);

	v[0] = &a_old;
	store(v, 1);
	v[0] = &a_new;
	v[1] = &a_other;
	store(v, 2);
	load(&g);
	ck_assert_uint_eq(g.n, 2);
	same(find(&g, &a_new), &a_new);		/* country gone too */
	same(find(&g, &a_other), &a_other);
	got_free(&g);

	/* Older: kept out. */
	v[0] = &a_old;
	store(v, 1);
	load(&g);
	ck_assert_uint_eq(g.n, 2);
	same(find(&g, &a_new), &a_new);
	got_free(&g);

	/* As new: the later store wins. */
	v[0] = &a_tie;
	store(v, 1);
	load(&g);
	same(find(&g, &a_tie), &a_tie);
	got_free(&g);

	/* Within one store too, the newer wins whatever the order. */
	v[0] = &a_new;
	v[1] = &a_old;
	a_new.fetched = 300;
	store(v, 2);
	load(&g);
	same(find(&g, &a_new), &a_new);
	got_free(&g);
	ck_assert_uint_eq(count_rows(), 2);
	answer_clear(&a_old);
	answer_clear(&a_new);
	answer_clear(&a_tie);
	answer_clear(&a_other);
}
END_TEST

START_TEST(test_creates_dirs)
{
	const char *deep = in_dir("a/b/c/cache.db");
	const char *made[] = { in_dir("a"), in_dir("a/b"), in_dir("a/b/c") };
	struct answer a;
	const struct answer *v[1] = { &a };
	struct got g = { .n = 0 };
	struct stat sb;

	snprintf(path, sizeof(path), "%s", deep);
	mkanswer(&a, "192.0.2.1", "192.0.2.1", 7, NULL);
	store(v, 1);
	for (size_t i = 0; i < nitems(made); i++) {
		ck_assert_int_eq(stat(made[i], &sb), 0);
		ck_assert_msg((sb.st_mode & 07777) == 0700, "%s: mode %o",
		    made[i], (unsigned)(sb.st_mode & 07777));
	}
	/* The file, and so its -wal and -shm, are the user's alone. */
	ck_assert_int_eq(stat(deep, &sb), 0);
	ck_assert_msg((sb.st_mode & 07777) == 0600, "mode %o",
	    (unsigned)(sb.st_mode & 07777));
	load(&g);
	ck_assert_uint_eq(g.n, 1);
	same(&g.v[0], &a);
	got_free(&g);
	answer_clear(&a);
}
END_TEST

START_TEST(test_missing)
{
	refused(path, 0, "No such file");
	ck_assert_int_eq(access(path, F_OK), -1);	/* reading made nothing */
	refused(in_dir("none/cache.db"), 0, "No such file");
}
END_TEST

/* A database with nothing in it (new, or made by a run that died before
 * its first commit) is an empty cache: it reads as empty, a writer
 * makes the table. */
START_TEST(test_empty_file)
{
	struct answer a;
	const struct answer *v[1] = { &a };
	struct got g = { .n = 0 };

	write_file(path, "", 0);
	load(&g);
	ck_assert_uint_eq(g.n, 0);
	mkanswer(&a, "192.0.2.1", "192.0.2.1", 7, NULL);
	store(v, 1);
	load(&g);
	ck_assert_uint_eq(g.n, 1);
	got_free(&g);
	answer_clear(&a);
}
END_TEST

START_TEST(test_not_a_database)
{
	static const char text[] = "this is not a database, not at all, no.";
	char junk[8192], *back;
	size_t len;

	srandom(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)random();
	write_file(path, junk, sizeof(junk));
	refused(path, 0, "not an ipwhois cache");
	refused(path, 1, "not an ipwhois cache");
	/* The writer changed nothing: it may be somebody's file. */
	ck_assert_ptr_nonnull(back = tu_slurp(path, &len));
	ck_assert(len == sizeof(junk) && memcmp(back, junk, len) == 0);
	free(back);
	write_file(path, text, sizeof(text) - 1);
	refused(path, 0, "not an ipwhois cache");
	refused(path, 1, "not an ipwhois cache");
	refused(dir, 0, dir);			/* a directory */
	refused(dir, 1, dir);
}
END_TEST

/* Another program's SQLite database: refused, and left alone. */
START_TEST(test_foreign_database)
{
	char out[64] = "";

	raw(path, "CREATE TABLE t (x)", NULL, 0);
	refused(path, 0, "not an ipwhois cache");
	refused(path, 1, "not an ipwhois cache");
	raw(path, "SELECT group_concat(name) FROM sqlite_master", out,
	    sizeof(out));
	ck_assert_str_eq(out, "t");
	raw(path, "PRAGMA journal_mode", out, sizeof(out));
	ck_assert_str_eq(out, "delete");
	/* user_version 1 but no table of ours */
	raw(path, "PRAGMA user_version = 1", NULL, 0);
	refused(path, 0, "not an ipwhois cache");
}
END_TEST

/* A real cache, cut short at page boundaries and inside the header, and
 * one with a page of its middle overwritten. */
START_TEST(test_damaged)
{
	const off_t cuts[] = { 50, 100, 4096, 8192, -1 /* half */ };
	struct answer *a;
	const struct answer **v;
	char *whole, junk[4096];
	size_t len;
	int fd;

	a = many(1, 3000, &v);
	store(v, 3000);
	many_free(a, v, 3000);
	ck_assert_ptr_nonnull(whole = tu_slurp(path, &len));
	ck_assert_uint_gt(len, 16 * 4096);
	for (size_t i = 0; i < nitems(cuts); i++) {
		off_t at = cuts[i] < 0 ? (off_t)len / 2 / 4096 * 4096 : cuts[i];

		write_file(path, whole, (size_t)at);
		refused(path, 0, "damaged");
		refused(path, 1, "damaged");
	}
	write_file(path, whole, len);
	srandom(7);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)random();
	ck_assert_int_ge(fd = open(path, O_WRONLY), 0);
	ck_assert_int_eq(pwrite(fd, junk, sizeof(junk), (off_t)len / 2 /
	    4096 * 4096), (ssize_t)sizeof(junk));
	close(fd);
	refused(path, 0, "damaged");
	refused(path, 1, "damaged");
	free(whole);
}
END_TEST

/*
 * Version 1 as ipwhois 0.1.0 made it (git history of cache.c), with the
 * rows a run of it wrote: a network, a negative answer, one with every
 * field empty.
 */
static const char *const v1_sql[] = {
	"CREATE TABLE answers (lo BLOB NOT NULL, hi BLOB NOT NULL,"
	" kind INT, registry INT, status INT, source INT, fetched INT,"
	" network TEXT, net_name TEXT, org TEXT, country TEXT, asn TEXT,"
	" as_name TEXT, abuse_email TEXT, PRIMARY KEY (lo, hi)) WITHOUT ROWID",
	"PRAGMA user_version = 1",
	"INSERT INTO answers VALUES (x'00000000000000000000ffffc0000200',"
	" x'00000000000000000000ffffc00002ff', 0, 5, 0, 1, 1700000000,"
	" '192.0.2.0/24', 'EXAMPLE-NET', 'Example B.V.', 'NL', '64500',"
	" 'EXAMPLE-AS', 'abuse@example.nl')",
	"INSERT INTO answers VALUES (x'00000000000000000000ffffc6336407',"
	" x'00000000000000000000ffffc6336407', 0, 3, 1, 2, 1700000001,"
	" NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
	"INSERT INTO answers VALUES (x'20010db8000000000000000000000000',"
	" x'20010db8ffffffffffffffffffffffff', 0, 3, 0, 1, 1700000002,"
	" '2001:db8::/32', NULL, 'Beispiel GmbH', NULL, NULL, NULL, NULL)",
};

static void
make_v1(void)
{
	for (size_t i = 0; i < nitems(v1_sql); i++)
		raw(path, v1_sql[i], NULL, 0);
}

/* The rows v1_sql wrote, as answers. */
static void
v1_answers(struct answer a[3])
{
	const char *net[FLD_MAX] = { "192.0.2.0/24", "EXAMPLE-NET",
	    "Example B.V.", "NL", "64500", "EXAMPLE-AS", "abuse@example.nl" };
	const char *v6[FLD_MAX] = { "2001:db8::/32", [FLD_ORG] =
	    "Beispiel GmbH" };

	mkanswer(&a[0], "192.0.2.0", "192.0.2.255", 1700000000, net);
	a[0].registry = RIR_RIPE;
	mkanswer(&a[1], "198.51.100.7", "198.51.100.7", 1700000001, NULL);
	a[1].registry = RIR_ARIN;
	a[1].status = ST_NOT_FOUND;
	a[1].source = SRC_WHOIS;
	mkanswer(&a[2], "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	    1700000002, v6);
	a[2].registry = RIR_ARIN;
}

/*
 * A version 1 file: read as it is (no type) without being changed, and
 * upgraded in place by a writer, every row kept; new rows then carry
 * their type.
 */
START_TEST(test_upgrade_v1)
{
	const char *typed[FLD_MAX] = { "203.0.113.0/24",
	    [FLD_NET_TYPE] = "ASSIGNED PA" };
	struct answer a[4];
	const struct answer *v[1] = { &a[3] };
	struct got g = { .n = 0 };
	struct cache *c;
	char out[64] = "";

	make_v1();
	v1_answers(a);
	load(&g);
	ck_assert_uint_eq(g.n, 3);
	for (int i = 0; i < 3; i++)
		same(find(&g, &a[i]), &a[i]);
	got_free(&g);
	raw(path, "PRAGMA user_version", out, sizeof(out));
	ck_assert_str_eq(out, "1");		/* a reader changes nothing */

	ck_assert_ptr_nonnull(c = cache_open(path, 1, errbuf, sizeof(errbuf)));
	cache_close(c);
	raw(path, "PRAGMA user_version", out, sizeof(out));
	ck_assert_str_eq(out, "2");
	raw(path, "SELECT count(*) FROM answers WHERE net_type IS NULL", out,
	    sizeof(out));
	ck_assert_str_eq(out, "3");
	load(&g);
	ck_assert_uint_eq(g.n, 3);
	for (int i = 0; i < 3; i++)
		same(find(&g, &a[i]), &a[i]);
	got_free(&g);

	/* Opened again for writing: already version 2, nothing to do. */
	mkanswer(&a[3], "203.0.113.0", "203.0.113.255", 1700000003, typed);
	store(v, 1);
	load(&g);
	ck_assert_uint_eq(g.n, 4);
	for (int i = 0; i < 4; i++)
		same(find(&g, &a[i]), &a[i]);
	ck_assert_str_eq(find(&g, &a[3])->field[FLD_NET_TYPE], "ASSIGNED PA");
	got_free(&g);
	for (int i = 0; i < 4; i++)
		answer_clear(&a[i]);
}
END_TEST

/* A new file is version 2, with the type's column. */
START_TEST(test_new_v2)
{
	struct answer a;
	const struct answer *v[1] = { &a };
	char out[64] = "";

	mkanswer(&a, "192.0.2.1", "192.0.2.1", 7, NULL);
	store(v, 1);
	raw(path, "PRAGMA user_version", out, sizeof(out));
	ck_assert_str_eq(out, "2");
	raw(path, "SELECT name FROM pragma_table_info('answers')"
	    " WHERE cid = 14", out, sizeof(out));
	ck_assert_str_eq(out, "net_type");
	answer_clear(&a);
}
END_TEST

/*
 * The next schema is refused, read or written, and left as it is: what
 * ipwhois reading schema 1 says of a version 2 file, one number on.
 */
START_TEST(test_v3_refused)
{
	struct answer a;
	const struct answer *v[1] = { &a };
	char out[64] = "";

	mkanswer(&a, "192.0.2.1", "192.0.2.1", 7, NULL);
	store(v, 1);
	raw(path, "PRAGMA user_version = 3", NULL, 0);
	refused(path, 0, "made by a newer ipwhois (schema 3; this one reads 2)");
	refused(path, 1, "made by a newer ipwhois (schema 3; this one reads 2)");
	raw(path, "PRAGMA user_version", out, sizeof(out));
	ck_assert_str_eq(out, "3");
	raw(path, "SELECT count(*) FROM answers", out, sizeof(out));
	ck_assert_str_eq(out, "1");
	answer_clear(&a);
}
END_TEST

START_TEST(test_newer_schema)
{
	struct answer a;
	const struct answer *v[1] = { &a };

	mkanswer(&a, "192.0.2.1", "192.0.2.1", 7, NULL);
	store(v, 1);
	raw(path, "PRAGMA user_version = 99", NULL, 0);
	refused(path, 0, "newer ipwhois (schema 99");
	refused(path, 1, "newer ipwhois (schema 99");
	answer_clear(&a);
}
END_TEST

static void
unwritable(void)
{
	const char *ro = in_dir("ro");
	struct answer a;
	const struct answer *v[1] = { &a };
	struct got g = { .n = 0 };

	ck_assert_int_eq(mkdir(ro, 0700), 0);
	snprintf(path, sizeof(path), "%s/cache.db", ro);
	mkanswer(&a, "192.0.2.1", "192.0.2.1", 7, NULL);
	store(v, 1);
	ck_assert_int_eq(chmod(ro, 0500), 0);
	refused(in_dir("ro/sub/cache.db"), 1, "Permission denied");
	refused(in_dir("ro/new.db"), 1, "Permission denied");
	/* Its -wal and -shm went with the last writer, and SQLite cannot
	 * read a WAL file without making them: it is read as immutable,
	 * and nothing is made beside it. */
	ck_assert_int_eq(cache_writable(path), 0);
	load(&g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.v[0].fetched, 7);
	got_free(&g);
	ck_assert_int_eq(chmod(ro, 0700), 0);
	ck_assert_int_eq(access(in_dir("ro/cache.db-shm"), F_OK), -1);
	ck_assert_int_eq(access(in_dir("ro/cache.db-wal"), F_OK), -1);
	ck_assert_int_eq(cache_writable(path), 1);
	ck_assert_int_eq(chmod(path, 0400), 0);
	refused(path, 1, "Permission denied");
	load(&g);			/* a read-only file is still read */
	ck_assert_uint_eq(g.n, 1);
	got_free(&g);
	answer_clear(&a);
}

#define NOBODY	65534

/* Root may write anywhere: as root, the checks run as nobody, in a
 * process of their own, in a directory given to nobody. */
static void
as_nobody(void (*checks)(void))
{
	pid_t pid;
	int st;

	if (geteuid() != 0) {
		checks();
		return;
	}
	ck_assert_int_eq(chown(dir, NOBODY, NOBODY), 0);
	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) == -1 || setgid(NOBODY) == -1 ||
		    setuid(NOBODY) == -1)
			_exit(2);
		checks();
		_exit(0);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the checks as nobody: status %d", st);
}

START_TEST(test_unwritable)
{
	as_nobody(unwritable);
}
END_TEST

START_TEST(test_load_stops)
{
	struct answer *a;
	const struct answer **v;
	struct got g = { .n = 0, .stop_after = 3 };

	a = many(2, 10, &v);
	store(v, 10);
	load(&g);
	ck_assert_uint_eq(g.n, 3);
	got_free(&g);
	many_free(a, v, 10);
}
END_TEST

/* Two processes storing at once, on a file neither has made yet. */
START_TEST(test_two_writers)
{
	enum { N = 5000 };
	char out[32] = "";
	int go[2], status;
	pid_t pid[2];
	size_t n = 0;
	struct cache *c;

	snprintf(path, sizeof(path), "%s", in_dir("new/cache.db"));
	ck_assert_int_eq(pipe(go), 0);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_ne(pid[k] = fork(), -1);
		if (pid[k] == 0) {
			const struct answer **v;
			struct answer *a = many(10 + k, N, &v);
			char b;
			int rc = 1;

			close(go[1]);
			if (read(go[0], &b, 1) == -1)	/* both start now */
				_exit(2);
			if ((c = cache_open(path, 1, errbuf,
			    sizeof(errbuf))) != NULL)
				rc = cache_store(c, v, N, errbuf,
				    sizeof(errbuf)) != 0;
			if (rc)
				fprintf(stderr, "writer %d: %s\n", k, errbuf);
			cache_close(c);
			many_free(a, v, N);
			_exit(rc);
		}
	}
	close(go[0]);
	close(go[1]);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(waitpid(pid[k], &status, 0), pid[k]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "writer %d: status %#x", k, status);
	}
	ck_assert_ptr_nonnull(c = cache_open(path, 0, errbuf,
	    sizeof(errbuf)));
	ck_assert_int_eq(cache_load(c, count_one, &n, errbuf, sizeof(errbuf)),
	    0);
	cache_close(c);
	ck_assert_uint_eq(n, 2 * N);
	raw(path, "PRAGMA integrity_check", out, sizeof(out));
	ck_assert_str_eq(out, "ok");
	raw(path, "PRAGMA journal_mode", out, sizeof(out));
	ck_assert_str_eq(out, "wal");
}
END_TEST

/*
 * A write that fails half way (here: the file size limit, as a full
 * disk would) takes nothing in, leaves the file whole, and the
 * connection still works.
 */
START_TEST(test_failed_write)
{
	struct answer *a, *b;
	const struct answer **va, **vb;
	struct rlimit saved, small;
	struct got g = { .n = 0 };
	struct cache *c;
	char out[32] = "";
	int rc;

	a = many(3, 10, &va);
	b = many(4, 20000, &vb);
	store(va, 10);
	ck_assert_ptr_nonnull(c = cache_open(path, 1, errbuf,
	    sizeof(errbuf)));
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small = saved;
	small.rlim_cur = 256 * 1024;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = cache_store(c, vb, 20000, errbuf, sizeof(errbuf));
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_int_eq(rc, -1);
	said(path, "cannot write");
	ck_assert_int_eq(cache_store(c, vb, 5, errbuf, sizeof(errbuf)), 0);
	cache_close(c);
	load(&g);
	ck_assert_uint_eq(g.n, 15);
	got_free(&g);
	raw(path, "PRAGMA integrity_check", out, sizeof(out));
	ck_assert_str_eq(out, "ok");
	many_free(a, va, 10);
	many_free(b, vb, 20000);
}
END_TEST

/* An answer refused in the middle of a store (here by a trigger): none
 * of the store's answers are in, and the next store works. */
START_TEST(test_all_or_nothing)
{
	struct answer *a;
	const struct answer **v;
	struct cache *c;

	a = many(6, 10, &v);
	store(v, 2);
	raw(path, "CREATE TRIGGER no BEFORE INSERT ON answers WHEN"
	    " NEW.fetched = 666 BEGIN SELECT RAISE(ABORT, 'refused'); END",
	    NULL, 0);
	a[5].fetched = 666;
	ck_assert_ptr_nonnull(c = cache_open(path, 1, errbuf,
	    sizeof(errbuf)));
	ck_assert_int_eq(cache_store(c, v + 2, 8, errbuf, sizeof(errbuf)), -1);
	said(path, "refused");
	ck_assert_uint_eq(count_rows(), 2);
	a[5].fetched = 1000;
	ck_assert_int_eq(cache_store(c, v + 2, 8, errbuf, sizeof(errbuf)), 0);
	cache_close(c);
	ck_assert_uint_eq(count_rows(), 10);
	many_free(a, v, 10);
}
END_TEST

/*
 * Another writer holding the lock: readers still read (WAL), and a
 * store waits the busy timeout (5 s), then gives up cleanly.
 */
START_TEST(test_busy)
{
	struct answer *a;
	const struct answer **v;
	struct got g = { .n = 0 };
	struct cache *c;
	sqlite3 *other;

	a = many(5, 10, &v);
	store(v, 5);
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE; DELETE FROM"
	    " answers", NULL, NULL, NULL), SQLITE_OK);
	load(&g);
	ck_assert_uint_eq(g.n, 5);
	got_free(&g);
	ck_assert_ptr_nonnull(c = cache_open(path, 1, errbuf,
	    sizeof(errbuf)));
	ck_assert_int_eq(cache_store(c, v + 5, 5, errbuf, sizeof(errbuf)), -1);
	said(path, "locked");
	ck_assert_int_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(cache_store(c, v + 5, 5, errbuf, sizeof(errbuf)), 0);
	cache_close(c);
	ck_assert_int_eq(sqlite3_close(other), SQLITE_OK);
	ck_assert_uint_eq(count_rows(), 10);
	many_free(a, v, 10);
}
END_TEST

/*
 * A read-only directory whose name a URI would read otherwise: the
 * immutable open %-escapes it.
 */
static void
unwritable_odd_name(void)
{
	const char *ro = in_dir("r?o #1%41");
	struct answer a;
	const struct answer *v[1] = { &a };
	struct got g = { .n = 0 };

	ck_assert_int_eq(mkdir(ro, 0700), 0);
	snprintf(path, sizeof(path), "%s/cache.db", ro);
	mkanswer(&a, "192.0.2.1", "192.0.2.1", 9, NULL);
	store(v, 1);
	ck_assert_int_eq(chmod(ro, 0500), 0);
	ck_assert_int_eq(cache_writable(path), 0);
	load(&g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.v[0].fetched, 9);
	got_free(&g);
	/* A file that is not there is not read, writable or not. */
	refused(in_dir("r?o #1%41/none.db"), 0, "No such file");
	ck_assert_int_eq(chmod(ro, 0700), 0);
	answer_clear(&a);
}

START_TEST(test_unwritable_odd_name)
{
	ck_assert_int_eq(cache_writable(in_dir("no/such/dir/cache.db")), 0);
	as_nobody(unwritable_odd_name);
}
END_TEST

static Suite *
cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc;

	tc = tcase_create("answers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_upsert);
	tcase_add_test(tc, test_load_stops);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_creates_dirs);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_not_a_database);
	tcase_add_test(tc, test_foreign_database);
	tcase_add_test(tc, test_damaged);
	tcase_add_test(tc, test_newer_schema);
	tcase_add_test(tc, test_upgrade_v1);
	tcase_add_test(tc, test_new_v2);
	tcase_add_test(tc, test_v3_refused);
	tcase_add_test(tc, test_unwritable);
	suite_add_tcase(s, tc);

	tc = tcase_create("writers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_two_writers);
	tcase_add_test(tc, test_failed_write);
	tcase_add_test(tc, test_all_or_nothing);
	tcase_add_test(tc, test_busy);
	suite_add_tcase(s, tc);

	tc = tcase_create("read-only");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_unwritable_odd_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(cache_suite());
}
