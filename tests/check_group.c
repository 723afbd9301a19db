/*
 * group.c: --by.  Rows and answers built by hand go in; each group must
 * hold the sums, the counts, the earliest and latest known times, the
 * values all its members share (and nothing where they differ), and come
 * in report order.  And a million rows must take a moment, not an hour.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

/* What a test's rows point at. */
static struct answer ans[16];
static size_t nans;

/* A new answer; fields as name=value pairs, NULL-terminated. */
static uint32_t
answer(enum kind kind, enum rir rir, enum source src, enum status st, ...)
{
	struct answer *a = &ans[nans];
	va_list ap;
	const char *f;

	ck_assert_uint_lt(nans, nitems(ans));
	memset(a, 0, sizeof(*a));
	a->kind = (uint8_t)kind;
	a->registry = (uint8_t)rir;
	a->source = (uint8_t)src;
	a->status = (uint8_t)st;
	va_start(ap, st);
	while ((f = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(f, '=');
		enum column c;

		ck_assert_ptr_nonnull(eq);
		ck_assert_int_eq(column_by_name(f, (size_t)(eq - f), &c), 0);
		ck_assert(c >= COL_NETWORK && c <= COL_ABUSE_EMAIL);
		/* As it is: "" too, which answer_set would make NULL. */
		a->field[c - COL_NETWORK] = strdup(eq + 1);
	}
	va_end(ap);
	return (uint32_t)nans++;
}

static void
answers_free(void)
{
	for (size_t i = 0; i < nans; i++)
		answer_clear(&ans[i]);
	nans = 0;
}

static void
count(struct count *c, const char *ip, uint64_t hits, uint64_t bytes,
    uint32_t first, uint32_t last, uint32_t answer_no)
{
	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(ip_parse(ip, strlen(ip), &c->ip), 0);
	c->hits = hits;
	c->bytes = bytes;
	c->first = first;
	c->last = last;
	c->answer = answer_no;
}

static const struct by_group *
find(const struct by_group *g, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].key, key) == 0)
			return &g[i];
	ck_abort_msg("no group '%s'", key);
	return NULL;
}

/*
 * By network: three networks and addresses without one.  A RIPE
 * network of three addresses whose answers differ in org and source
 * (rdap, and cache twice: asked and known show the same word); one
 * address alone; the ones without a network in two registries.
 */
START_TEST(test_by_network)
{
	struct count c[7];
	struct by_group *g;
	const struct by_group *x;
	size_t n;
	uint32_t ripe1, ripe2, ripe3, lone, none1, none2;

	ripe1 = answer(KIND_PUBLIC, RIR_RIPE, SRC_RDAP, ST_OK,
	    "network=193.0.0.0/21", "org=NCC", "country=NL", NULL);
	ripe2 = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
	    "network=193.0.0.0/21", "org=NCC B.V.", "country=NL", NULL);
	ripe3 = answer(KIND_PUBLIC, RIR_RIPE, SRC_WHOIS, ST_OK,
	    "network=193.0.0.0/21", "org=NCC", "country=NL", NULL);
	lone = answer(KIND_PRIVATE, RIR_NONE, SRC_BUILTIN, ST_OK,
	    "network=10.0.0.0/8", "net_name=Private-Use", NULL);
	none1 = answer(KIND_PUBLIC, RIR_ARIN, SRC_BUILTIN, ST_OK, NULL);
	none2 = answer(KIND_PUBLIC, RIR_APNIC, SRC_BUILTIN, ST_OK,
	    "network=", NULL);
	count(&c[0], "193.0.6.139", 5, 100, 2000, 3000, ripe1);
	count(&c[1], "193.0.6.140", 3, BYTES_NONE, 0, 0, ripe2);
	count(&c[2], "193.0.0.1", 2, 50, 1500, 2500, ripe3);
	count(&c[3], "193.0.0.2", 1, BYTES_NONE, 4000, 4000, ripe1);
	count(&c[4], "10.1.2.3", 4, BYTES_NONE, 0, 0, lone);
	count(&c[5], "8.8.8.8", 6, BYTES_NONE, 100, 200, none1);
	count(&c[6], "1.1.1.1", 5, BYTES_NONE, 0, 0, none2);

	g = group_rows(BY_NETWORK, c, 7, ans, nans, &n);
	ck_assert_uint_eq(n, 3);
	/* Hits descending: "" 11, 193.0.0.0/21 11 (then by key), 10/8 4. */
	ck_assert_str_eq(g[0].key, "");
	ck_assert_str_eq(g[1].key, "193.0.0.0/21");
	ck_assert_str_eq(g[2].key, "10.0.0.0/8");

	x = find(g, n, "193.0.0.0/21");
	ck_assert_uint_eq(x->row.hits, 11);
	ck_assert_uint_eq(x->row.bytes, 150);		/* two had none */
	ck_assert_uint_eq(x->row.addresses, 4);
	ck_assert_uint_eq(x->row.first, 1500);		/* 0 is unknown */
	ck_assert_uint_eq(x->row.last, 4000);
	ck_assert_uint_eq(x->row.mixed, COL_BIT(COL_IP) | COL_BIT(COL_ORG) |
	    COL_BIT(COL_SOURCE));
	ck_assert_str_eq(answer_column(x->row.answer, COL_NETWORK),
	    "193.0.0.0/21");
	ck_assert_str_eq(answer_column(x->row.answer, COL_COUNTRY), "NL");

	/* One address: its own row, address and all. */
	x = find(g, n, "10.0.0.0/8");
	ck_assert_uint_eq(x->row.hits, 4);
	ck_assert_uint_eq(x->row.bytes, BYTES_NONE);	/* none had any */
	ck_assert_uint_eq(x->row.addresses, 1);
	ck_assert_uint_eq(x->row.first, 0);
	ck_assert_uint_eq(x->row.last, 0);
	ck_assert_uint_eq(x->row.mixed, 0);
	ck_assert_int_eq(ip_cmp(&x->row.ip, &c[4].ip), 0);
	ck_assert_ptr_eq(x->row.answer, &ans[lone]);

	/* No network (NULL or ""): one group, registries differ. */
	x = find(g, n, "");
	ck_assert_uint_eq(x->row.hits, 11);
	ck_assert_uint_eq(x->row.addresses, 2);
	ck_assert_uint_eq(x->row.bytes, BYTES_NONE);
	ck_assert_uint_eq(x->row.first, 100);
	ck_assert_uint_eq(x->row.last, 200);
	ck_assert_uint_eq(x->row.mixed,
	    COL_BIT(COL_IP) | COL_BIT(COL_REGISTRY));
	free(g);
	answers_free();
}
END_TEST

/* Each --by groups on its own column. */
static const struct {
	enum groupby by;
	const char *key;
} keys[] = {
	{ BY_NETWORK, "net" },
	{ BY_ASN, "asn" },
	{ BY_ORG, "org" },
	{ BY_COUNTRY, "cc" },
	{ BY_ABUSE, "abuse" },
};

START_TEST(test_key_columns)
{
	struct count c[2];
	struct by_group *g;
	size_t n;
	uint32_t a;

	a = answer(KIND_PUBLIC, RIR_ARIN, SRC_CACHE, ST_OK, "network=net",
	    "net_name=name", "org=org", "country=cc", "asn=asn",
	    "as_name=asname", "abuse_email=abuse", NULL);
	count(&c[0], "192.0.2.1", 1, 1, 0, 0, a);
	count(&c[1], "192.0.2.2", 2, 2, 0, 0, a);
	g = group_rows(keys[_i].by, c, 2, ans, nans, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(g[0].key, keys[_i].key);
	ck_assert_uint_eq(g[0].row.hits, 3);
	ck_assert_uint_eq(g[0].row.bytes, 3);
	ck_assert_uint_eq(g[0].row.addresses, 2);
	ck_assert_uint_eq(g[0].row.mixed, COL_BIT(COL_IP));
	free(g);
	answers_free();
}
END_TEST

/* Equal hits: keys in byte order ("" first, "10" before "9", "Z"
 * before "a"), whatever order the rows came in. */
START_TEST(test_order)
{
	static const char *const in[] = { "a", "9.0.0.0/8", "Z", "",
	    "10.0.0.0/8", "b" };
	static const char *const want[] = { "", "10.0.0.0/8", "9.0.0.0/8",
	    "Z", "a", "b" };
	struct count c[nitems(in) + 1];
	struct by_group *g;
	size_t n;

	for (size_t i = 0; i < nitems(in); i++) {
		char field[32], ip[32];
		uint32_t a;

		snprintf(field, sizeof(field), "org=%s", in[i]);
		a = answer(KIND_PUBLIC, RIR_ARIN, SRC_DB, ST_OK, field, NULL);
		snprintf(ip, sizeof(ip), "192.0.2.%zu", i + 1);
		count(&c[i], ip, 7, 0, 0, 0, a);
	}
	/* More hits come first, whatever the key. */
	count(&c[nitems(in)], "192.0.2.99", 8, 0, 0, 0,
	    answer(KIND_PUBLIC, RIR_ARIN, SRC_DB, ST_OK, "org=zzz", NULL));
	g = group_rows(BY_ORG, c, nitems(c), ans, nans, &n);
	ck_assert_uint_eq(n, nitems(c));
	ck_assert_str_eq(g[0].key, "zzz");
	for (size_t i = 0; i < nitems(want); i++)
		ck_assert_str_eq(g[i + 1].key, want[i]);
	free(g);
	answers_free();
}
END_TEST

/* Each column an answer shows, differing alone in one member of three. */
static const struct {
	const char *what;
	uint32_t mixed;
} differ_cases[] = {
	{ "kind", COL_BIT(COL_KIND) },
	{ "registry", COL_BIT(COL_REGISTRY) },
	{ "source", COL_BIT(COL_SOURCE) },
	{ "status", COL_BIT(COL_STATUS) },
	{ "net_name", COL_BIT(COL_NET_NAME) },
	{ "org (one without)", COL_BIT(COL_ORG) },
	{ "asn", COL_BIT(COL_ASN) },
	{ "as_name", COL_BIT(COL_AS_NAME) },
	{ "abuse_email", COL_BIT(COL_ABUSE_EMAIL) },
	{ "net_name empty vs none", 0 },
};

START_TEST(test_differ)
{
	struct count c[3];
	struct by_group *g;
	size_t n;
	uint32_t same, other;

	same = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
	    "country=DE", "net_name=N", "org=O", "asn=1", "as_name=A",
	    "abuse_email=E", NULL);
	switch (_i) {
	case 0:
		other = answer(KIND_RESERVED, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=N", "org=O", "asn=1", "as_name=A",
		    "abuse_email=E", NULL);
		break;
	case 1:
		other = answer(KIND_PUBLIC, RIR_ARIN, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=N", "org=O", "asn=1", "as_name=A",
		    "abuse_email=E", NULL);
		break;
	case 2:
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_DB, ST_OK,
		    "country=DE", "net_name=N", "org=O", "asn=1", "as_name=A",
		    "abuse_email=E", NULL);
		break;
	case 3:
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_TIMEOUT,
		    "country=DE", "net_name=N", "org=O", "asn=1", "as_name=A",
		    "abuse_email=E", NULL);
		break;
	case 4:
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=M", "org=O", "asn=1", "as_name=A",
		    "abuse_email=E", NULL);
		break;
	case 5:
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=N", "asn=1", "as_name=A",
		    "abuse_email=E", NULL);
		break;
	case 6:
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=N", "org=O", "asn=2", "as_name=A",
		    "abuse_email=E", NULL);
		break;
	case 7:
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=N", "org=O", "asn=1",
		    "as_name=A ", "abuse_email=E", NULL);
		break;
	case 8:
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=N", "org=O", "asn=1", "as_name=A",
		    "abuse_email=e", NULL);
		break;
	default:
		/* Both show nothing: the same. */
		answers_free();
		same = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", NULL);
		other = answer(KIND_PUBLIC, RIR_RIPE, SRC_CACHE, ST_OK,
		    "country=DE", "net_name=", NULL);
		break;
	}
	count(&c[0], "192.0.2.1", 3, 0, 0, 0, same);
	count(&c[1], "192.0.2.2", 2, 0, 0, 0, other);
	count(&c[2], "192.0.2.3", 1, 0, 0, 0, same);
	g = group_rows(BY_COUNTRY, c, 3, ans, nans, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(g[0].row.mixed ==
	    (differ_cases[_i].mixed | COL_BIT(COL_IP)), "%s: mixed %#x",
	    differ_cases[_i].what, g[0].row.mixed);
	free(g);
	answers_free();
}
END_TEST

/* Nothing in, nothing out; rows of no hits (their counts were lost)
 * still count as addresses. */
START_TEST(test_edges)
{
	struct count c[2];
	struct by_group *g;
	size_t n = 99;

	g = group_rows(BY_ASN, NULL, 0, ans, 0, &n);
	ck_assert_uint_eq(n, 0);
	free(g);
	count(&c[0], "192.0.2.1", 0, BYTES_NONE, 0, 0,
	    answer(KIND_PUBLIC, RIR_ARIN, SRC_NONE, ST_ERROR, NULL));
	count(&c[1], "192.0.2.2", 0, BYTES_NONE, 0, 0, 0);
	g = group_rows(BY_ASN, c, 2, ans, nans, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(g[0].key, "");
	ck_assert_uint_eq(g[0].row.hits, 0);
	ck_assert_uint_eq(g[0].row.addresses, 2);
	ck_assert_uint_eq(g[0].row.mixed, COL_BIT(COL_IP));
	free(g);
	answers_free();
}
END_TEST

/*
 * Millions of rows: 2,000,000 addresses over 200,000 answers in 50,000
 * groups.  Linear work takes well under a second; anything quadratic in
 * rows or groups would not end before the test's timeout.
 */
START_TEST(test_many)
{
	enum { ROWS = 2000000, ANSWERS = 200000, GROUPS = 50000 };
	struct answer *a = calloc(ANSWERS, sizeof(*a));
	struct count *c = calloc(ROWS, sizeof(*c));
	uint64_t total = 0, hits = 0, addrs = 0;
	struct by_group *g;
	size_t n;

	ck_assert(a != NULL && c != NULL);
	for (uint32_t i = 0; i < ANSWERS; i++) {
		char net[32];

		a[i].kind = KIND_PUBLIC;
		a[i].registry = RIR_ARIN;
		a[i].source = SRC_CACHE;
		snprintf(net, sizeof(net), "10.%u.%u.0/24", i % GROUPS / 256,
		    i % GROUPS % 256);
		answer_set(&a[i], FLD_NETWORK, net, strlen(net));
	}
	for (uint32_t i = 0; i < ROWS; i++) {
		ip_from_v4(&c[i].ip, 0x0a000000u + i);
		c[i].hits = i % 97 + 1;
		c[i].bytes = BYTES_NONE;
		c[i].answer = (uint32_t)((i * 2654435761u) % ANSWERS);
		total += c[i].hits;
	}
	g = group_rows(BY_NETWORK, c, ROWS, a, ANSWERS, &n);
	ck_assert_uint_eq(n, GROUPS);
	for (size_t i = 0; i < n; i++) {
		hits += g[i].row.hits;
		addrs += g[i].row.addresses;
		if (i > 0)
			ck_assert(g[i - 1].row.hits > g[i].row.hits ||
			    (g[i - 1].row.hits == g[i].row.hits &&
			    strcmp(g[i - 1].key, g[i].key) < 0));
	}
	ck_assert_uint_eq(hits, total);
	ck_assert_uint_eq(addrs, ROWS);
	free(g);
	for (uint32_t i = 0; i < ANSWERS; i++)
		answer_clear(&a[i]);
	free(a);
	free(c);
}
END_TEST

static Suite *
group_suite(void)
{
	Suite *s = suite_create("group");
	TCase *tc = tcase_create("groups");

	tcase_add_test(tc, test_by_network);
	tcase_add_loop_test(tc, test_key_columns, 0, nitems(keys));
	tcase_add_test(tc, test_order);
	tcase_add_loop_test(tc, test_differ, 0, nitems(differ_cases));
	tcase_add_test(tc, test_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("scale");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(group_suite());
}
