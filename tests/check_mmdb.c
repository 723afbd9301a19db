/*
 * mmdb.c and ipdb.c's side of it: MaxMind DB files found by content,
 * each schema's fields mapped to asn, as_name and country, two files
 * asked in turn, and the offline bar from every kind of database.
 *
 * The MMDB files are written when the suite starts by tests/mkmmdb.pl
 * (Debian's libmaxmind-db-writer-perl): without it the MMDB tests say so
 * and pass without checking.  With IPWHOIS_NPM_MMDB naming a directory
 * holding ip-location-db's geo-whois-asn-country.mmdb (fetched by
 * tests/fetch-npm-mmdb.sh DIR), the published file is checked against
 * the bar's countries as well.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

static const char *const schemas[] = {
	"geolite2-asn", "dbip-asn", "v4-asn", "geolite2-country",
	"geolite2-city", "dbip-country", "iplocdb-country",
};

static char dir[64];
static int written;		/* every schema's file is there */

static const char *
mmdb(const char *schema)
{
	static char path[8][128];
	static int next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s.mmdb", dir, schema);
	return p;
}

static const char *
data(const char *name)
{
	static char path[4][512];
	static int next;
	const char *d = getenv("IPWHOIS_TESTDATA");
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s",
	    d != NULL && *d != '\0' ? d : "tests/data", name);
	return p;
}

/* Once, before the tests fork: the Perl writer is slow to start. */
static void
write_all(void)
{
	const char *d = getenv("IPWHOIS_TESTDATA");
	char cmd[1024];

	strcpy(dir, "/tmp/check_mmdb.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "perl %s/../mkmmdb.pl %s 2>/dev/null",
	    d != NULL && *d != '\0' ? d : "tests/data", dir);
	for (size_t i = 0; system(cmd) == 0 && i < nitems(schemas); i++)
		if (access(mmdb(schemas[i]), R_OK) != 0)
			break;
		else if (i + 1 == nitems(schemas))
			written = 1;
	if (!written)
		fprintf(stderr, "check_mmdb: cannot write MMDB files (perl "
		    "with MaxMind::DB::Writer, Debian's "
		    "libmaxmind-db-writer-perl): MMDB tests skipped\n");
}

static void
remove_all(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static struct ipdb *
open_ok(const char *path)
{
	char err[512];
	struct ipdb *db = ipdb_open(path, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

/* Two (or one, b NULL) files asked in turn. */
static struct ipdb *
open_pair(const char *a, const char *b)
{
	struct ipdb *db = open_ok(a);

	if (b != NULL)
		ipdb_chain(db, open_ok(b));
	return db;
}

struct want {
	const char *addr;
	uint32_t asn;		/* 0: none */
	const char *name;	/* NULL: none */
	const char *cc;		/* "": none */
};

static void
check_want(const struct ipdb *db, const char *what, const struct want *w,
    size_t n)
{
	struct ipdb_answer a;
	struct ip ip;

	for (size_t i = 0; i < n; i++) {
		int found = w[i].asn != 0 || w[i].name != NULL ||
		    w[i].cc[0] != '\0';

		ck_assert_int_eq(ip_parse(w[i].addr, strlen(w[i].addr), &ip),
		    0);
		ck_assert_msg(ipdb_lookup(db, &ip, &a) == found,
		    "%s %s: found %d", what, w[i].addr, !found);
		ck_assert_msg(a.asn == w[i].asn, "%s %s: AS%u, want AS%u",
		    what, w[i].addr, a.asn, w[i].asn);
		if (w[i].name == NULL)
			ck_assert_msg(a.as_name == NULL, "%s %s: a name",
			    what, w[i].addr);
		else
			ck_assert_msg(a.as_name != NULL &&
			    a.as_name_len == strlen(w[i].name) &&
			    memcmp(a.as_name, w[i].name, a.as_name_len) == 0,
			    "%s %s: name '%.*s', want '%s'", what, w[i].addr,
			    (int)a.as_name_len, a.as_name ? a.as_name : "",
			    w[i].name);
		ck_assert_msg(strcmp(a.country, w[i].cc) == 0,
		    "%s %s: country '%s', want '%s'", what, w[i].addr,
		    a.country, w[i].cc);
	}
}

#define CF	"Cloudflare, Inc."
#define GOOG	"Google LLC"
#define RIPE	"Reseaux IP Europeens Network Coordination Centre (RIPE NCC)"

/* The offline bar, as every kind of database must answer it. */
static const struct want bar[] = {
	{ "1.1.1.1", 13335, CF, "AU" },
	{ "8.8.8.8", 15169, GOOG, "US" },
	{ "193.0.6.139", 3333, RIPE, "NL" },
	{ "9.9.9.9", 19281, "Quad9", "US" },
	{ "2606:4700:4700::1111", 13335, CF, "US" },
	{ "2001:4860:4860::8888", 15169, GOOG, "US" },
	{ "2001:67c:2e8:22::c100:68b", 3333, RIPE, "NL" },
	{ "2620:fe::fe", 19281, "Quad9", "US" },
	{ "192.0.2.1", 0, NULL, "" },
	{ "2a00::1", 0, NULL, "" },
};

#define SKIP_UNWRITTEN() do {						\
	if (!written)							\
		return;							\
} while (0)

START_TEST(test_detect)
{
	static const struct {
		const char *schema, *kind;
	} kinds[] = {
		{ "geolite2-asn", "MaxMind DB GeoLite2-ASN" },
		{ "dbip-asn", "MaxMind DB DBIP-ASN-Lite (compat=GeoLite2-ASN)" },
		{ "geolite2-country", "MaxMind DB GeoLite2-Country" },
		{ "iplocdb-country", "MaxMind DB country ipvAll" },
	};
	char kind[512], err[512], path[128];
	struct ipdb *db;
	FILE *f;

	SKIP_UNWRITTEN();
	for (size_t i = 0; i < nitems(kinds); i++) {
		db = open_ok(mmdb(kinds[i].schema));
		ipdb_describe(db, kind, sizeof(kind));
		ck_assert_str_eq(kind, kinds[i].kind);
		ipdb_close(db);
	}
	/* By content, not by name: ours named .mmdb is ours. */
	snprintf(path, sizeof(path), "%s/own.mmdb", dir);
	{
		char *csv[] = { (char *)data("mmdb/bar-asn.csv") };

		ck_assert_int_eq(ipdb_build(path, csv, 1, err, sizeof(err)), 0);
	}
	db = open_ok(path);
	ipdb_describe(db, kind, sizeof(kind));
	ck_assert_str_eq(kind, "ipwhois");
	ipdb_close(db);
	/* A text file named .mmdb */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("1.1.1.0,1.1.1.255,AU\n", f);
	fclose(f);
	ck_assert_ptr_null(ipdb_open(path, err, sizeof(err)));
	snprintf(kind, sizeof(kind), "%s: not an ipwhois database or MaxMind "
	    "DB (too short)", path);
	ck_assert_str_eq(err, kind);
	/* The marker alone is not a MaxMind DB: the library says what. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 40; i++)
		fputs("padding padding padding\n", f);
	fputs("\xab\xcd\xefMaxMind.com", f);
	fclose(f);
	ck_assert_ptr_null(ipdb_open(path, err, sizeof(err)));
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 &&
	    strstr(err, "bad magic") == NULL, "%s", err);
	unlink(path);
}
END_TEST

/* Each schema alone: what it maps, and nothing it does not have. */
START_TEST(test_schemas)
{
	static const struct want asn[] = {
		{ "1.1.1.1", 13335, CF, "" },
		{ "2620:fe::fe", 19281, "Quad9", "" },
		/* a number 0 is none; the name stays */
		{ "2001:db8::1", 0, "No Number", "" },
	};
	static const struct want dbip_asn[] = {
		{ "193.0.6.139", 3333, RIPE, "" },
		{ "2001:db8::1", 0, NULL, "" },
	};
	static const struct want v4[] = {
		{ "9.9.9.9", 19281, "Quad9", "" },
		{ "::ffff:9.9.9.9", 19281, "Quad9", "" },
		/* an IPv6 address in an IPv4-only file: no answer */
		{ "2620:fe::fe", 0, NULL, "" },
	};
	static const struct want geolite2[] = {
		/* registered_country where there is no country */
		{ "1.1.1.1", 0, NULL, "AU" },
		{ "8.8.8.8", 0, NULL, "US" },
		{ "2001:67c:2e8::1", 0, NULL, "NL" },
	};
	static const struct want city[] = {
		{ "193.0.6.139", 0, NULL, "NL" },
		{ "2606:4700::1", 0, NULL, "US" },
	};
	static const struct want dbip[] = {
		{ "9.9.9.9", 0, NULL, "US" },
		/* "1x" is no country code */
		{ "2001:db8::1", 0, NULL, "" },
	};
	static const struct want iploc[] = {
		{ "1.1.1.1", 0, NULL, "AU" },
		{ "::ffff:1.1.1.1", 0, NULL, "AU" },
		/* "USA" is no country code */
		{ "2001:db8::1", 0, NULL, "" },
	};
	static const struct {
		const char *schema;
		const struct want *w;
		size_t n;
	} t[] = {
		{ "geolite2-asn", asn, nitems(asn) },
		{ "dbip-asn", dbip_asn, nitems(dbip_asn) },
		{ "v4-asn", v4, nitems(v4) },
		{ "geolite2-country", geolite2, nitems(geolite2) },
		{ "geolite2-city", city, nitems(city) },
		{ "dbip-country", dbip, nitems(dbip) },
		{ "iplocdb-country", iploc, nitems(iploc) },
	};

	SKIP_UNWRITTEN();
	for (size_t i = 0; i < nitems(t); i++) {
		struct ipdb *db = open_ok(mmdb(t[i].schema));

		check_want(db, t[i].schema, t[i].w, t[i].n);
		ipdb_close(db);
	}
}
END_TEST

/* The bar from each pair an admin has, and from ipwhois's own file. */
START_TEST(test_bar)
{
	static const char *const pairs[][2] = {
		{ "geolite2-asn", "geolite2-country" },
		{ "geolite2-country", "geolite2-asn" },
		{ "geolite2-asn", "geolite2-city" },
		{ "dbip-asn", "dbip-country" },
		{ "geolite2-asn", "iplocdb-country" },
	};
	char what[128], err[512], own[128];
	char *csv[] = { (char *)data("mmdb/bar-asn.csv"),
	    (char *)data("mmdb/bar-country.csv") };
	struct ipdb *db;

	snprintf(own, sizeof(own), "%s/ip.db", dir);
	ck_assert_msg(ipdb_build(own, csv, 2, err, sizeof(err)) == 0, "%s",
	    err);
	db = open_ok(own);
	check_want(db, "ipwhois", bar, nitems(bar));
	ipdb_close(db);
	SKIP_UNWRITTEN();
	for (size_t i = 0; i < nitems(pairs); i++) {
		db = open_pair(mmdb(pairs[i][0]), mmdb(pairs[i][1]));
		snprintf(what, sizeof(what), "%s+%s", pairs[i][0],
		    pairs[i][1]);
		check_want(db, what, bar, nitems(bar));
		ipdb_close(db);
	}
	/* ipwhois's own file first, an MMDB after it. */
	db = open_pair(own, mmdb("iplocdb-country"));
	check_want(db, "ipwhois+iplocdb", bar, nitems(bar));
	ipdb_close(db);
	unlink(own);
}
END_TEST

/* Two files: a name never goes with the other file's number. */
START_TEST(test_chain_order)
{
	static const struct want w[] = {
		/* the first file's name without number stays alone */
		{ "2001:db8::1", 0, "No Number", "" },
		{ "1.1.1.1", 13335, CF, "AU" },
	};
	struct ipdb *db;

	SKIP_UNWRITTEN();
	db = open_pair(mmdb("geolite2-asn"), mmdb("dbip-asn"));
	ipdb_chain(db, open_ok(mmdb("iplocdb-country")));
	check_want(db, "three files", w, nitems(w));
	ipdb_close(db);
}
END_TEST

/*
 * Every byte of a file flipped in turn, and every cut: opening may fail
 * (the library's words, the path first), a lookup may find nothing, but
 * whatever is found is sound and nothing reads astray.
 */
START_TEST(test_damage)
{
	char *buf, path[128], err[512];
	size_t len;
	struct ip ip;
	FILE *f;

	SKIP_UNWRITTEN();
	buf = tu_slurp(mmdb("geolite2-asn"), &len);
	snprintf(path, sizeof(path), "%s/damaged.mmdb", dir);
	/* Every flip; cuts every 8 bytes, then each of the last 64. */
	for (size_t i = 0; i < 2 * len; i++) {
		struct ipdb *db;
		size_t n = i < len ? len : i - len;

		if (i >= len && n % 8 != 0 && n + 64 < len)
			continue;

		if (i < len)
			buf[i] ^= 0x5a;
		unlink(path);	/* a new file is quicker than a truncated one */
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
		fclose(f);
		if (i < len)
			buf[i] ^= 0x5a;
		if ((db = ipdb_open(path, err, sizeof(err))) == NULL) {
			ck_assert_msg(strncmp(err, path, strlen(path)) == 0,
			    "%s", err);
			continue;
		}
		for (size_t k = 0; k < nitems(bar); k++) {
			struct ipdb_answer a;

			ip_parse(bar[k].addr, strlen(bar[k].addr), &ip);
			if (ipdb_lookup(db, &ip, &a) == 1 && a.as_name)
				ck_assert_uint_le(a.as_name_len, FIELD_MAX);
		}
		ipdb_close(db);
	}
	unlink(path);
	free(buf);
}
END_TEST

/* --update-db's check of a fetched CSV: whole, sound, in order. */
START_TEST(test_check_csv)
{
	static const struct {
		const char *text;
		unsigned long rows;	/* 0: refused */
		const char *msg;	/* after "NAME" */
	} t[] = {
		{ "1.0.0.0,1.0.0.255,AU\n2.0.0.0,2.0.0.255,FR\n", 2, NULL },
		/* CRLF; each family in order of its own */
		{ "1.0.0.0,1.0.0.255,1,A\r\n::1,::1,2,B\r\n"
		    "1.0.1.0,1.0.1.255,3,\"C, Inc.\"\r\n", 3, NULL },
		/* adjacent ranges are fine, touching ones are not */
		{ "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.0,AU\n", 2, NULL },
		{ "1.0.0.0,1.0.0.255,AU\n1.0.0.255,1.0.1.0,AU\n", 0,
		    ":2: out of order or overlapping the row before" },
		{ "2.0.0.0,2.0.0.255,AU\n1.0.0.0,1.0.0.255,AU\n", 0,
		    ":2: out of order or overlapping the row before" },
		{ "2001:db8::,2001:db8::ffff,NL\n2001:db8::8,2001:db8::9,NL\n",
		    0, ":2: out of order or overlapping the row before" },
		{ "1.0.0.0,1.0.0.255,AU\n2.0.0.0,2.0.0.255,F", 0,
		    ": cut short (the last line does not end)" },
		{ "1.0.0.0,1.0.0.255,AU\n2.0.0.0,2.0.0.255,FR", 0,
		    ": cut short (the last line does not end)" },
		{ "", 0, ": no rows" },
		{ "\n", 0, ":1: expected start,end,CC or start,end,ASN,name" },
		{ "1.0.0.0,1.0.0.255,AU\nstart,end,asn,name\n", 0,
		    ":2: ASN is not a number" },
		{ "1.0.0.9,1.0.0.1,AU\n", 0, ":1: start after end" },
	};
	char path[128], err[512], want[512];
	unsigned long rows;

	snprintf(path, sizeof(path), "%s/fetched.csv", dir);
	for (size_t i = 0; i < nitems(t); i++) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(t[i].text, f);
		fclose(f);
		rows = 0;
		err[0] = '\0';
		ck_assert_msg(ipdb_check_csv(path, "URL", &rows, err,
		    sizeof(err)) == (t[i].rows ? 0 : -1), "case %zu: %s", i,
		    err);
		if (t[i].rows != 0) {
			ck_assert_uint_eq(rows, t[i].rows);
			continue;
		}
		snprintf(want, sizeof(want), "URL%s", t[i].msg);
		ck_assert_str_eq(err, want);
	}
	unlink(path);
	ck_assert_int_eq(ipdb_check_csv(path, "URL", &rows, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "URL: No such file or directory");
}
END_TEST

/* The published ip-location-db file, when there is one to read. */
START_TEST(test_npm)
{
	static const struct want cc[] = {
		{ "1.1.1.1", 0, NULL, "AU" },
		{ "8.8.8.8", 0, NULL, "US" },
		{ "193.0.6.139", 0, NULL, "NL" },
		{ "9.9.9.9", 0, NULL, "US" },
		{ "2606:4700:4700::1111", 0, NULL, "US" },
		{ "2001:4860:4860::8888", 0, NULL, "US" },
		{ "2001:67c:2e8:22::c100:68b", 0, NULL, "NL" },
		{ "2620:fe::fe", 0, NULL, "US" },
	};
	const char *d = getenv("IPWHOIS_NPM_MMDB");
	char path[512];
	struct ipdb *db;

	if (d == NULL || *d == '\0') {
		fprintf(stderr, "check_mmdb: IPWHOIS_NPM_MMDB not set: the "
		    "published geo-whois-asn-country.mmdb not checked\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/geo-whois-asn-country.mmdb", d);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "check_mmdb: no %s: not checked\n", path);
		return;
	}
	db = open_ok(path);
	check_want(db, path, cc, nitems(cc));
	ipdb_close(db);
}
END_TEST

static Suite *
mmdb_suite(void)
{
	Suite *s = suite_create("mmdb");
	TCase *tc;

	tc = tcase_create("mmdb");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_schemas);
	tcase_add_test(tc, test_bar);
	tcase_add_test(tc, test_chain_order);
	tcase_add_test(tc, test_damage);
	tcase_add_test(tc, test_check_csv);
	tcase_add_test(tc, test_npm);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int rc;

	write_all();
	rc = tu_run(mmdb_suite());
	remove_all();
	return rc;
}
