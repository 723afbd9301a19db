/*
 * ipdb.c: building the local database from CSVs, answers at every
 * boundary, nesting and overrides, malformed rows, and files that are
 * damaged, cut short or from a newer ipwhois.
 *
 * Fixtures in tests/data/ipdb/: asn-ipv4.csv and country-ipv4.csv (and
 * the -ipv6 pair) in the published shape, override.csv as a user's own
 * narrower ranges, malformed.csv with one kind of bad row per line.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

/* Header fields the damage tests aim at; see the layout in ipdb.c. */
#define HDR_SIZE	256
#define OFF_ENDIAN	16
#define OFF_VERSION	20
#define OFF_COUNTS	40	/* n4, n6, nrec, names_size */
#define OFF_SECS	56	/* { off, size } per section */
#define OFF_DATA_SUM	192
#define OFF_HDR_SUM	200
enum { S_JUMP4, S_START4, S_REC4, S_JUMP6, S_START6, S_REC6, S_RECS,
    S_NAMES };

static char dir[64];
static char dbpath[128];

static const char *
data(const char *name)
{
	static char path[8][512];
	static int next;
	const char *d = getenv("IPWHOIS_TESTDATA");
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/ipdb/%s",
	    d != NULL && *d != '\0' ? d : "tests/data", name);
	return p;
}

static void
setup(void)
{
	strcpy(dir, "/tmp/check_ipdb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/ip.db", dir);
}

static void
teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * ipdb_build with stderr caught: returns its result, the build's err in
 * err, what it said on stderr in *said (malloc'd) unless said is NULL.
 */
static int
build(char *const *csv, int n, char *err, size_t errlen, char **said)
{
	char path[128];
	int fd, saved, rc;

	snprintf(path, sizeof(path), "%s/stderr", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	rc = ipdb_build(dbpath, csv, n, err, errlen);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	if (said != NULL)
		ck_assert_ptr_nonnull(*said = tu_slurp(path, NULL));
	unlink(path);
	return rc;
}

static struct ipdb *
build_open(int with_override)
{
	char *csv[] = {
		(char *)data("asn-ipv4.csv"), (char *)data("country-ipv4.csv"),
		(char *)data("asn-ipv6.csv"), (char *)data("country-ipv6.csv"),
		NULL,
	};
	char err[256];
	struct ipdb *db;

	if (with_override)
		csv[4] = (char *)data("override.csv");
	ck_assert_msg(build(csv, 4 + with_override, err, sizeof(err), NULL)
	    == 0, "build: %s", err);
	db = ipdb_open(dbpath, err, sizeof(err));
	ck_assert_msg(db != NULL, "open: %s", err);
	return db;
}

struct want {
	const char *addr;
	int	 found;
	uint32_t asn;
	const char *name;	/* NULL: none */
	const char *cc;
};

static void
expect(const struct ipdb *db, const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ipdb_answer a;
		struct ip ip;
		int r;

		ck_assert_msg(ip_parse(w[i].addr, strlen(w[i].addr), &ip) == 0,
		    "fixture %s", w[i].addr);
		memset(&a, 0x55, sizeof(a));
		r = ipdb_lookup(db, &ip, &a);
		ck_assert_msg(r == w[i].found, "%s: found %d", w[i].addr, r);
		ck_assert_msg(a.asn == w[i].asn, "%s: AS%u, want AS%u",
		    w[i].addr, a.asn, w[i].asn);
		if (w[i].name == NULL)
			ck_assert_msg(a.as_name == NULL && a.as_name_len == 0,
			    "%s: unexpected name", w[i].addr);
		else
			ck_assert_msg(a.as_name != NULL &&
			    a.as_name_len == strlen(w[i].name) &&
			    memcmp(a.as_name, w[i].name, a.as_name_len) == 0,
			    "%s: name '%.*s', want '%s'", w[i].addr,
			    (int)a.as_name_len, a.as_name ? a.as_name : "",
			    w[i].name);
		ck_assert_msg(strcmp(a.country, w[i].cc) == 0,
		    "%s: country '%s', want '%s'", w[i].addr, a.country,
		    w[i].cc);
	}
}

static const struct want v4_cases[] = {
	/* a range at the very start of the space, then a gap */
	{ "0.0.0.0", 1, 64504, "Zero Start", "" },
	{ "0.0.0.255", 1, 64504, "Zero Start", "" },
	{ "0.0.1.0", 0, 0, NULL, "" },
	{ "0.255.255.255", 0, 0, NULL, "" },
	/* adjacent ranges: first and last address of each, one outside */
	{ "1.0.0.0", 1, 13335, "Cloudflare, Inc.", "AU" },
	{ "1.0.0.255", 1, 13335, "Cloudflare, Inc.", "AU" },
	{ "1.0.1.0", 1, 64500, "LLC \"SPUTNIK\"", "AU" },
	{ "1.0.1.255", 1, 64500, "LLC \"SPUTNIK\"", "AU" },
	{ "1.0.2.0", 0, 0, NULL, "" },
	/* nested, listed before its container: the smaller range wins */
	{ "1.255.255.255", 0, 0, NULL, "" },
	{ "2.0.0.0", 1, 64501, "Big Net", "FR" },
	{ "2.0.15.255", 1, 64501, "Big Net", "FR" },
	{ "2.0.16.0", 1, 64502, "Small Net", "FR" },
	{ "2.0.16.127", 1, 64502, "Small Net", "FR" },
	{ "2.0.16.128", 1, 64502, "Small Net", "DE" },	/* nested country */
	{ "2.0.16.255", 1, 64502, "Small Net", "DE" },
	{ "2.0.17.0", 1, 64501, "Big Net", "FR" },
	{ "2.0.255.255", 1, 64501, "Big Net", "FR" },
	{ "2.1.0.0", 0, 0, NULL, "" },
	/* ASN only; ASN without a name; country only (case folded) */
	{ "10.0.0.0", 1, 64503, "Only ASN", "" },
	{ "10.0.0.255", 1, 64503, "Only ASN", "" },
	{ "10.0.1.0", 0, 0, NULL, "" },
	{ "11.0.0.7", 1, 64506, NULL, "" },
	{ "19.255.255.255", 0, 0, NULL, "" },
	{ "20.0.0.0", 1, 0, NULL, "US" },
	{ "20.0.0.255", 1, 0, NULL, "US" },
	{ "20.0.1.0", 0, 0, NULL, "" },
	/* an IPv4-mapped row in the IPv6 file is IPv4 */
	{ "5.0.0.1", 1, 64530, "Mapped", "" },
	{ "::ffff:5.0.0.1", 1, 64530, "Mapped", "" },
	/* the very end of the space */
	{ "255.255.254.255", 0, 0, NULL, "" },
	{ "255.255.255.0", 1, 64505, "Top End", "" },
	{ "255.255.255.255", 1, 64505, "Top End", "" },
};

static const struct want v6_cases[] = {
	{ "::", 0, 0, NULL, "" },
	{ "::1", 0, 0, NULL, "" },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0, 0, NULL, "" },
	{ "2001:db8::", 1, 64510, "V6 Net", "NL" },
	{ "2001:db8:0:ffff:ffff:ffff:ffff:ffff", 1, 64510, "V6 Net", "NL" },
	{ "2001:db8:1::", 1, 64511, "V6 Small", "" },
	{ "2001:db8:1:ffff:ffff:ffff:ffff:ffff", 1, 64511, "V6 Small", "" },
	{ "2001:db8:2::", 1, 64510, "V6 Net", "" },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1, 64510, "V6 Net", "" },
	/* boundaries in the low 64 bits */
	{ "2001:db9::", 1, 64512, "V6 Tiny", "" },
	{ "2001:db9::ffff", 1, 64512, "V6 Tiny", "" },
	{ "2001:db9::1:0", 0, 0, NULL, "" },
	{ "23ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, 0, NULL, "" },
	{ "2400::", 1, 0, NULL, "JP" },
	{ "2400:ff:ffff:ffff:ffff:ffff:ffff:ffff", 1, 0, NULL, "JP" },
	{ "2400:100::", 0, 0, NULL, "" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:feff", 0, 0, NULL, "" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00", 1, 64513, "V6 Top", "" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, 64513, "V6 Top", "" },
};

START_TEST(test_v4)
{
	struct ipdb *db = build_open(0);

	expect(db, v4_cases, nitems(v4_cases));
	ipdb_close(db);
}
END_TEST

START_TEST(test_v6)
{
	struct ipdb *db = build_open(0);

	expect(db, v6_cases, nitems(v6_cases));
	ipdb_close(db);
}
END_TEST

/* A user's CSV after the published ones: narrower ranges and ties win. */
START_TEST(test_override)
{
	static const struct want w[] = {
		{ "1.0.0.0", 1, 64600, "Override Same", "AU" },
		{ "1.0.0.255", 1, 64600, "Override Same", "AU" },
		{ "1.0.1.0", 1, 64500, "LLC \"SPUTNIK\"", "AU" },
		{ "2.0.16.63", 1, 64502, "Small Net", "FR" },
		{ "2.0.16.64", 1, 64601, "User Block", "CH" },
		{ "2.0.16.127", 1, 64601, "User Block", "CH" },
		{ "2.0.16.128", 1, 64502, "Small Net", "DE" },
		{ "2.0.17.0", 1, 64501, "Big Net", "FR" },
	};
	struct ipdb *db = build_open(1);

	expect(db, w, nitems(w));
	expect(db, v6_cases, nitems(v6_cases));
	ipdb_close(db);
}
END_TEST

START_TEST(test_malformed)
{
	static const char *const named[] = {
		"malformed.csv:1: ASN is not a number",
		"malformed.csv:3: country is not a 2-letter code",
		"malformed.csv:4: start after end",
		"malformed.csv:5: start and end of different families",
		"malformed.csv:6: bad end address",
		"malformed.csv:7: unterminated quote",
		"malformed.csv:8: ASN out of range",
		"malformed.csv:9: too many fields",
		"malformed.csv:10: expected start,end,CC or start,end,ASN,name",
		"malformed.csv:13: text after a closing quote",
	};
	static const struct want w[] = {
		{ "3.0.0.1", 1, 64520, "Good One", "" },
		{ "3.0.9.255", 1, 0, NULL, "CA" },	/* CRLF line */
		{ "3.0.2.0", 0, 0, NULL, "" },
		{ "3.0.10.0", 0, 0, NULL, "" },
	};
	char *csv[] = { (char *)data("malformed.csv") };
	char err[256], *said;
	struct ipdb *db;

	ck_assert_int_eq(build(csv, 1, err, sizeof(err), &said), 0);
	ck_assert_msg(strstr(err, "2 rows from 1 files (10 malformed") !=
	    NULL, "summary: %s", err);
	for (size_t i = 0; i < nitems(named); i++)
		ck_assert_msg(strstr(said, named[i]) != NULL,
		    "not said: %s\nsaid:\n%s", named[i], said);
	ck_assert_ptr_null(strstr(said, ":2:"));
	ck_assert_ptr_null(strstr(said, ":11:"));
	ck_assert_ptr_null(strstr(said, ":12:"));
	free(said);
	ck_assert_ptr_nonnull(db = ipdb_open(dbpath, err, sizeof(err)));
	expect(db, w, nitems(w));
	ipdb_close(db);
}
END_TEST

/* A file that cannot be read or holds nothing fails; no file is left. */
START_TEST(test_build_fails)
{
	static const char *const bad[] = { "allbad.csv", "empty.csv",
	    "no-such-file.csv" };
	char err[256];
	struct stat st;

	for (size_t i = 0; i < nitems(bad); i++) {
		char *csv[] = { (char *)data("asn-ipv4.csv"),
		    (char *)data(bad[i]) };

		err[0] = '\0';
		ck_assert_int_eq(build(csv, 2, err, sizeof(err), NULL), -1);
		ck_assert_msg(strstr(err, bad[i]) != NULL, "%s", err);
		ck_assert_int_eq(stat(dbpath, &st), -1);
	}
	ck_assert_int_eq(build(NULL, 0, err, sizeof(err), NULL), -1);
	/* An output directory that is not there. */
	snprintf(dbpath, sizeof(dbpath), "%s/nodir/ip.db", dir);
	{
		char *csv[] = { (char *)data("asn-ipv4.csv") };

		ck_assert_int_eq(build(csv, 1, err, sizeof(err), NULL), -1);
		ck_assert_msg(strstr(err, "nodir") != NULL, "%s", err);
	}
}
END_TEST

/* Round trip: rebuilding replaces the file whole, no temporary stays. */
START_TEST(test_round_trip)
{
	struct ipdb *db = build_open(0), *db2;
	struct dirent *e;
	int files = 0;
	DIR *d;

	/* The first mapping keeps its answers while a new file replaces it. */
	db2 = build_open(1);
	expect(db, v4_cases, nitems(v4_cases));
	expect(db2, v6_cases, nitems(v6_cases));
	ipdb_close(db);
	ipdb_close(db2);
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			ck_assert_str_eq(e->d_name, "ip.db");
			files++;
		}
	closedir(d);
	ck_assert_int_eq(files, 1);
}
END_TEST

static char *
db_bytes(size_t *len)
{
	struct ipdb *db = build_open(0);
	char *buf;

	ipdb_close(db);
	ck_assert_ptr_nonnull(buf = tu_slurp(dbpath, len));
	return buf;
}

static void
put_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Refused, with a message naming the file. */
static void
refused(const char *buf, size_t len, const char *why, const char *what)
{
	char path[128], err[256] = "";
	struct ipdb *db;

	snprintf(path, sizeof(path), "%s/bad.db", dir);
	put_file(path, buf, len);
	db = ipdb_open(path, err, sizeof(err));
	ck_assert_msg(db == NULL, "%s: opened", what);
	ck_assert_msg(strstr(err, path) != NULL, "%s: '%s'", what, err);
	if (why != NULL)
		ck_assert_msg(strstr(err, why) != NULL, "%s: '%s'", what, err);
}

/* ipdb.c's checksum, again: damage below is made to pass it. */
static uint64_t
sum_words(const uint8_t *p, size_t n)
{
	uint64_t a[4] = { 0 }, b[4] = { 0 }, w, r = n;
	size_t i = 0;

	for (; i + 32 <= n; i += 32)
		for (int l = 0; l < 4; l++) {
			memcpy(&w, p + i + 8 * l, 8);
			b[l] += a[l] += w;
		}
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		b[0] += a[0] += w;
	}
	for (int l = 0; l < 8; l++) {
		r = (r ^ (l < 4 ? a[l] : b[l - 4])) * 0xff51afd7ed558ccdULL;
		r ^= r >> 29;
	}
	return r ^ r >> 32;
}

static void
resum(char *buf, size_t len)
{
	uint64_t sum = sum_words((uint8_t *)buf + HDR_SIZE, len - HDR_SIZE);

	memcpy(buf + OFF_DATA_SUM, &sum, 8);
	memset(buf + OFF_HDR_SUM, 0, 8);
	sum = sum_words((uint8_t *)buf, HDR_SIZE);
	memcpy(buf + OFF_HDR_SUM, &sum, 8);
}

static uint32_t
get32(const char *buf, size_t off)
{
	uint32_t v;

	memcpy(&v, buf + off, 4);
	return v;
}

static void
put32(char *buf, size_t off, uint32_t v)
{
	memcpy(buf + off, &v, 4);
}

static size_t
sec_off(const char *buf, int s)
{
	uint64_t v;

	memcpy(&v, buf + OFF_SECS + 16 * s, 8);
	return (size_t)v;
}

/*
 * Damage that keeps both checksums right, as a bad writer would make:
 * the structural checks alone must refuse it.
 */
START_TEST(test_structure)
{
	size_t len;
	char *orig = db_bytes(&len), *buf = malloc(len);
	uint32_t n4 = get32(orig, OFF_COUNTS), nrec = get32(orig, OFF_COUNTS + 8);
	uint32_t names = get32(orig, OFF_COUNTS + 12);
	size_t st4 = sec_off(orig, S_START4), st6 = sec_off(orig, S_START6);
	char tmp[16];

	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_ge(n4, 4);
	/* Unchanged but re-summed: still opens. */
	memcpy(buf, orig, len);
	resum(buf, len);
	put_file(dbpath, buf, len);
	ipdb_close(ipdb_open(dbpath, NULL, 0));

#define DAMAGE(what, why, stmt) do {				\
		memcpy(buf, orig, len);				\
		stmt;						\
		resum(buf, len);				\
		refused(buf, len, why, what);			\
	} while (0)
	DAMAGE("v4 starts swapped", "IPv4 starts out of order",
	    (put32(buf, st4 + 4, get32(orig, st4 + 8)),
	    put32(buf, st4 + 8, get32(orig, st4 + 4))));
	DAMAGE("v4 not from 0", "IPv4 intervals do not start at 0",
	    put32(buf, st4, 1));
	DAMAGE("v4 record", "IPv4 record index out of range",
	    put32(buf, sec_off(orig, S_REC4) + 8, nrec));
	DAMAGE("v4 jump", "IPv4 jump table", put32(buf,
	    sec_off(orig, S_JUMP4) + 4 * 100, n4 + 1));
	DAMAGE("v4 bucket", "IPv4 start outside its jump bucket",
	    put32(buf, sec_off(orig, S_JUMP4) + 4, 1));
	DAMAGE("v6 starts swapped", "IPv6 starts out of order",
	    (memcpy(tmp, orig + st6 + 16, 16),
	    memcpy(buf + st6 + 16, orig + st6 + 32, 16),
	    memcpy(buf + st6 + 32, tmp, 16)));
	DAMAGE("v6 record", "IPv6 record index out of range",
	    put32(buf, sec_off(orig, S_REC6), nrec + 7));
	DAMAGE("name offset", "AS name out of range",
	    put32(buf, sec_off(orig, S_RECS) + 12 + 4, names));
	DAMAGE("record 0", "record 0 is not empty",
	    put32(buf, sec_off(orig, S_RECS), 64496));
	DAMAGE("count", "bad IPv4 starts section",
	    put32(buf, OFF_COUNTS, n4 + 1));
	DAMAGE("names past the end", "bad names section",
	    put32(buf, OFF_SECS + 16 * S_NAMES, (uint32_t)len));
	DAMAGE("sections overlap", "bad IPv4 records section",
	    put32(buf, OFF_SECS + 16 * S_REC4, (uint32_t)st4));
#undef DAMAGE
	free(buf);
	free(orig);
}
END_TEST

/* Every bit of every header byte: refused, never a crash. */
START_TEST(test_header_flips)
{
	size_t len;
	char *buf = db_bytes(&len);

	for (size_t off = 0; off < HDR_SIZE; off++)
		for (int bit = 0; bit < 8; bit++) {
			char what[64];

			snprintf(what, sizeof(what), "byte %zu bit %d", off, bit);
			buf[off] ^= (char)(1 << bit);
			refused(buf, len, NULL, what);
			buf[off] ^= (char)(1 << bit);
		}
	free(buf);
}
END_TEST

/* Damage past the header: the data checksum sees it. */
START_TEST(test_data_flips)
{
	size_t len;
	char *buf = db_bytes(&len);

	for (size_t off = HDR_SIZE; off < len; off += 997) {
		char what[64];

		snprintf(what, sizeof(what), "byte %zu", off);
		buf[off] ^= 0x10;
		refused(buf, len, "checksum", what);
		buf[off] ^= 0x10;
	}
	free(buf);
}
END_TEST

START_TEST(test_truncated)
{
	size_t len;
	char *buf = db_bytes(&len), *longer;

	for (size_t n = 0; n < len; n += n < 2 * HDR_SIZE ? 1 : 1021) {
		char what[64];

		snprintf(what, sizeof(what), "%zu of %zu bytes", n, len);
		refused(buf, n, NULL, what);
	}
	refused(buf, len - 1, NULL, "one byte short");
	ck_assert_ptr_nonnull(longer = calloc(1, len + 64));
	memcpy(longer, buf, len);
	refused(longer, len + 64, "size", "64 bytes more");
	free(longer);
	free(buf);
}
END_TEST

START_TEST(test_versions)
{
	size_t len;
	char *buf = db_bytes(&len);
	uint32_t v, e;
	char err[256];

	memcpy(&v, buf + OFF_VERSION, 4);
	v++;
	memcpy(buf + OFF_VERSION, &v, 4);
	refused(buf, len, "newer", "next version");
	v = 0xffffffff;
	memcpy(buf + OFF_VERSION, &v, 4);
	refused(buf, len, "newer", "far future");
	v = 0;
	memcpy(buf + OFF_VERSION, &v, 4);
	refused(buf, len, "older", "version 0");
	v = 1;
	memcpy(buf + OFF_VERSION, &v, 4);
	memcpy(&e, buf + OFF_ENDIAN, 4);
	e = __builtin_bswap32(e);
	memcpy(buf + OFF_ENDIAN, &e, 4);
	refused(buf, len, "byte order", "other endianness");
	memcpy(buf, "IPWHOISDC", 9);
	refused(buf, len, "not an ipwhois database", "magic");
	refused("hello\n", 6, "not an ipwhois database", "text file");
	free(buf);
	ck_assert_ptr_null(ipdb_open("/nonexistent/ip.db", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/ip.db"));
	ck_assert_ptr_null(ipdb_open(dir, err, sizeof(err)));
}
END_TEST

static Suite *
ipdb_suite(void)
{
	Suite *s = suite_create("ipdb");
	TCase *tc;

	tc = tcase_create("lookup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_v4);
	tcase_add_test(tc, test_v6);
	tcase_add_test(tc, test_override);
	suite_add_tcase(s, tc);

	tc = tcase_create("build");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_build_fails);
	tcase_add_test(tc, test_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("damage");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_header_flips);
	tcase_add_test(tc, test_data_flips);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_structure);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(ipdb_suite());
}
