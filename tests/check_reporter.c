/*
 * reporter.c: the report's rows without the pipes.  Counts and answers go
 * in, in every order the frames may bring them; each row must come out
 * with its own counts and answer, none lost, in report order (hits
 * descending, then the address, IPv4 first), with the source column of
 * the networks learned in the run settled by that order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "%s", s);
	return ip;
}

/*
 * The entry numbers the parser gives (the order of first sight), from a
 * table like its own; start() and stop() wrap rows_init() and
 * rows_free().
 */
static struct addrtab numbers;

static uint32_t
number(const struct ip *ip)
{
	int created;

	return (uint32_t)(addrtab_get(&numbers, ip, &created) - numbers.ent);
}

static void
start(struct rows *rs)
{
	rows_init(rs);
	addrtab_init(&numbers, 16);
}

static void
stop(struct rows *rs)
{
	rows_free(rs);
	addrtab_free(&numbers);
}

/* A count as the parser sends it (its table entry: no answer yet). */
static void
put_count(struct rows *rs, const char *ip, uint64_t hits, uint64_t bytes,
    uint32_t first, uint32_t last)
{
	struct count c;

	memset(&c, 0, sizeof(c));
	c.ip = addr(ip);
	c.hits = hits;
	c.bytes = bytes;
	c.first = first;
	c.last = last;
	c.answer = UINT32_MAX;
	ck_assert_int_eq(rows_count(rs, number(&c.ip), &c), 0);
}

/* An answer as a worker sends it: public, ARIN, org as given. */
static void
put_answer(struct rows *rs, const char *ip, enum status st, enum source src,
    const char *org)
{
	struct answer a;
	struct ip x = addr(ip);

	memset(&a, 0, sizeof(a));
	a.kind = KIND_PUBLIC;
	a.registry = RIR_ARIN;
	a.status = (uint8_t)st;
	a.source = (uint8_t)src;
	if (org != NULL)
		answer_set(&a, FLD_ORG, org, strlen(org));
	ck_assert_int_eq(rows_answer(rs, number(&x), &x, &a), 0);
}

/* The row of ip, after rows_finish(): by walking. */
static const struct count *
row_of(const struct rows *rs, const char *ip)
{
	struct ip x = addr(ip);

	for (size_t i = 0; i < rs->used; i++)
		if (ip_cmp(&rs->ent[i].ip, &x) == 0)
			return &rs->ent[i];
	ck_abort_msg("no row for %s", ip);
	return NULL;
}

static const struct answer *
answer_of(const struct rows *rs, const char *ip)
{
	const struct count *c = row_of(rs, ip);

	ck_assert_uint_lt(c->answer, rs->answers.n);
	return &rs->answers.v[c->answer];
}

static const char *
org_of(const struct rows *rs, const char *ip)
{
	const char *org = answer_of(rs, ip)->field[FLD_ORG];

	return org ? org : "";
}

/* --- the merge ----------------------------------------------------------- */

static const struct {
	const char *ip, *org;
	uint64_t hits, bytes;
	uint32_t first, last;
} merged[] = {
	{ "8.8.8.8", "Resolver", 40, 4000, 1700000000, 1700000100 },
	{ "66.249.66.1", "Search", 3, BYTES_NONE, 0, 0 },
	{ "2001:db8::1", "Docs", 7, 0, 1700000050, 1700000050 },
	{ "10.0.0.1", "Home", 1, 123, 1600000000, 1700000000 },
};

/* 0: counts first; 1: answers first; 2: alternating; 3: the reverse. */
START_TEST(test_merge_orders)
{
	struct rows rs;
	size_t n = nitems(merged);

	start(&rs);
	for (size_t k = 0; k < 2 * n; k++) {
		size_t i;
		int is_count;

		switch (_i) {
		case 0:
			i = k % n, is_count = k < n;
			break;
		case 1:
			i = k % n, is_count = k >= n;
			break;
		case 2:
			i = k / 2, is_count = k % 2 == 0;
			break;
		default:
			i = n - 1 - k / 2, is_count = k % 2 == 1;
			break;
		}
		if (is_count)
			put_count(&rs, merged[i].ip, merged[i].hits,
			    merged[i].bytes, merged[i].first, merged[i].last);
		else
			put_answer(&rs, merged[i].ip, ST_OK, SRC_DB,
			    merged[i].org);
	}
	rows_finish(&rs);
	ck_assert_uint_eq(rs.used, n);
	for (size_t i = 0; i < n; i++) {
		const struct count *c = row_of(&rs, merged[i].ip);

		ck_assert_uint_eq(c->hits, merged[i].hits);
		ck_assert_uint_eq(c->bytes, merged[i].bytes);
		ck_assert_uint_eq(c->first, merged[i].first);
		ck_assert_uint_eq(c->last, merged[i].last);
		ck_assert_str_eq(org_of(&rs, merged[i].ip), merged[i].org);
		ck_assert_uint_eq(answer_of(&rs, merged[i].ip)->source,
		    SRC_DB);
	}
	stop(&rs);
}
END_TEST

/* The same answer for many addresses is kept once. */
START_TEST(test_answers_shared)
{
	struct rows rs;
	char ip[32];

	start(&rs);
	for (int i = 0; i < 300; i++) {
		snprintf(ip, sizeof(ip), "203.0.113.%d", i % 256);
		if (i < 256)
			put_answer(&rs, ip, ST_OK, SRC_DB, "One Org");
		snprintf(ip, sizeof(ip), "198.51.100.%d", i % 256);
		if (i < 256)
			put_answer(&rs, ip, ST_OK, SRC_DB, "Another Org");
	}
	rows_finish(&rs);
	ck_assert_uint_eq(rs.used, 512);
	ck_assert_uint_eq(rs.answers.n, 2);
	ck_assert_str_eq(org_of(&rs, "203.0.113.255"), "One Org");
	ck_assert_str_eq(org_of(&rs, "198.51.100.0"), "Another Org");
	stop(&rs);
}
END_TEST

/* An address answered twice (a bug elsewhere) keeps the first answer. */
START_TEST(test_answered_twice)
{
	struct rows rs;

	start(&rs);
	put_answer(&rs, "8.8.8.8", ST_OK, SRC_DB, "First");
	put_count(&rs, "8.8.8.8", 2, 20, 0, 0);
	put_answer(&rs, "8.8.8.8", ST_TIMEOUT, SRC_RDAP, "Second");
	rows_finish(&rs);
	ck_assert_uint_eq(rs.used, 1);
	ck_assert_str_eq(org_of(&rs, "8.8.8.8"), "First");
	ck_assert_uint_eq(answer_of(&rs, "8.8.8.8")->status, ST_OK);
	ck_assert_uint_eq(row_of(&rs, "8.8.8.8")->hits, 2);
	stop(&rs);
}
END_TEST

/*
 * Counts whose answer never came (the worker died): status error, no
 * source, and whose address it is from the built-in tables, without the
 * fields a lookup would have given.  Answers whose counts never came (the
 * parser died): the row stays, with no hits.
 */
START_TEST(test_missing)
{
	static const struct {
		const char *ip;
		enum kind kind;
		enum rir rir;
	} lost[] = {
		{ "198.18.0.7", KIND_BENCHMARKING, RIR_NONE },
		{ "8.0.7.1", KIND_PUBLIC, RIR_ARIN },
		{ "192.168.1.20", KIND_PRIVATE, RIR_NONE },
		{ "2a00:1450::1", KIND_PUBLIC, RIR_RIPE },
	};
	struct rows rs;

	start(&rs);
	for (size_t i = 0; i < nitems(lost); i++)
		put_count(&rs, lost[i].ip, 1, 1, 0, 0);
	put_answer(&rs, "9.9.9.9", ST_NOT_FOUND, SRC_RDAP, NULL);
	rows_finish(&rs);
	ck_assert_uint_eq(rs.used, nitems(lost) + 1);
	for (size_t i = 0; i < nitems(lost); i++) {
		const struct answer *a = answer_of(&rs, lost[i].ip);

		ck_assert_uint_eq(a->status, ST_ERROR);
		ck_assert_uint_eq(a->source, SRC_NONE);
		ck_assert_msg(a->kind == lost[i].kind, "%s: kind %d",
		    lost[i].ip, a->kind);
		ck_assert_msg(a->registry == lost[i].rir, "%s: registry %d",
		    lost[i].ip, a->registry);
		for (int f = 0; f < FLD_MAX; f++)
			ck_assert_ptr_null(a->field[f]);
	}
	ck_assert_uint_eq(row_of(&rs, "9.9.9.9")->hits, 0);
	ck_assert_uint_eq(answer_of(&rs, "9.9.9.9")->status, ST_NOT_FOUND);
	stop(&rs);
}
END_TEST

/*
 * More counts than a batch holds, and than the table's first size, with
 * answers arriving between them: every one lands in its own row.
 */
START_TEST(test_many)
{
	enum { N = 20000 };
	struct rows rs;
	char ip[32];

	start(&rs);
	for (int i = 0; i < N; i++) {
		snprintf(ip, sizeof(ip), "11.%d.%d.%d", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		if (i % 3 == 0)
			put_answer(&rs, ip, ST_OK, SRC_DB, i % 2 ? "odd" :
			    "even");
		put_count(&rs, ip, (uint64_t)i + 1, (uint64_t)i * 10, 0, 0);
		if (i % 3 == 1)
			put_answer(&rs, ip, ST_OK, SRC_DB, i % 2 ? "odd" :
			    "even");
	}
	rows_finish(&rs);
	ck_assert_uint_eq(rs.used, N);
	for (int i = 0; i < N; i++) {
		/* Report order: the most hits first, the last one put. */
		const struct count *c = &rs.ent[i];
		uint32_t v = (uint32_t)(N - 1 - i);

		ck_assert_uint_eq(ip_v4(&c->ip), 11u << 24 | v);
		ck_assert_uint_eq(c->hits, v + 1);
		ck_assert_uint_eq(c->bytes, (uint64_t)v * 10);
		if (v % 3 == 2)
			ck_assert_uint_eq(rs.answers.v[c->answer].status,
			    ST_ERROR);
		else
			ck_assert_str_eq(rs.answers.v[c->answer].field[FLD_ORG],
			    v % 2 ? "odd" : "even");
	}
	stop(&rs);
}
END_TEST

/*
 * Rows are filed by entry number: numbers never sent (addresses left out
 * by --include) leave no row; a number that is another address's, or no
 * entry's at all, is refused and changes nothing.
 */
START_TEST(test_entry_numbers)
{
	struct rows rs;
	struct count c;
	struct answer a;
	struct ip x = addr("192.0.2.7"), y = addr("198.51.100.9");

	rows_init(&rs);
	memset(&c, 0, sizeof(c));
	c.ip = x;
	c.hits = 3;
	c.answer = UINT32_MAX;
	ck_assert_int_eq(rows_count(&rs, 5000, &c), 0);
	memset(&a, 0, sizeof(a));
	a.status = ST_OK;
	ck_assert_int_eq(rows_answer(&rs, 5000, &y, &a), -1);
	c.ip = y;
	ck_assert_int_eq(rows_count(&rs, 5000, &c), -1);
	ck_assert_int_eq(rows_count(&rs, ENTRY_MAX + 1, &c), -1);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(rows_answer(&rs, ENTRY_MAX + 1, &y, &a), -1);
	memset(&a, 0, sizeof(a));
	a.status = ST_OK;
	a.kind = KIND_PUBLIC;
	ck_assert_int_eq(rows_answer(&rs, 2, &y, &a), 0);
	rows_finish(&rs);
	ck_assert_uint_eq(rs.used, 2);
	ck_assert_mem_eq(rs.ent[0].ip.b, x.b, 16);
	ck_assert_uint_eq(rs.ent[0].hits, 3);
	ck_assert_uint_eq(rs.answers.v[rs.ent[0].answer].status, ST_ERROR);
	ck_assert_mem_eq(rs.ent[1].ip.b, y.b, 16);
	ck_assert_uint_eq(rs.ent[1].hits, 0);
	ck_assert_uint_eq(rs.ent[1].bytes, BYTES_NONE);
	ck_assert_uint_eq(rs.answers.v[rs.ent[1].answer].status, ST_OK);
	rows_free(&rs);
}
END_TEST

/* --- the order ----------------------------------------------------------- */

/* The report order of these, given in a scrambled one. */
static const struct {
	const char *ip;
	uint64_t hits;
} order[] = {
	{ "2001:db8::1", 1000 },	/* the most hits, whatever the family */
	{ "9.255.255.255", 5 },		/* numeric, not text, order */
	{ "10.0.0.0", 5 },
	{ "192.0.2.1", 5 },
	{ "255.255.255.255", 5 },	/* every IPv4 address before IPv6 */
	{ "::", 5 },
	{ "::1", 5 },
	{ "::2:0", 5 },
	{ "2001:db8::", 5 },
	{ "2001:db8::1:0", 5 },
	{ "ff02::1", 5 },
	{ "0.0.0.0", 4 },
	{ "1.2.3.4", 0 },		/* no count: the parser died */
};

START_TEST(test_order)
{
	static const int scramble[] = { 7, 3, 12, 0, 10, 5, 1, 11, 8, 2, 9,
	    6, 4 };
	struct rows rs;
	char ip[IP_STRLEN];

	ck_assert_uint_eq(nitems(scramble), nitems(order));
	start(&rs);
	for (size_t k = 0; k < nitems(scramble); k++) {
		int i = scramble[k];

		if (order[i].hits > 0)
			put_count(&rs, order[i].ip, order[i].hits, 0, 0, 0);
		else
			put_answer(&rs, order[i].ip, ST_OK, SRC_DB, NULL);
	}
	rows_finish(&rs);
	ck_assert_uint_eq(rs.used, nitems(order));
	for (size_t i = 0; i < nitems(order); i++) {
		ip_format(&rs.ent[i].ip, ip);
		ck_assert_msg(strcmp(ip, order[i].ip) == 0,
		    "row %zu is %s, wanted %s", i, ip, order[i].ip);
	}
	stop(&rs);
}
END_TEST

/* A random xorshift, the same every run. */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The report order, said plainly, to check the sort against. */
static int
before(const struct count *x, const struct count *y)
{
	int v4x = ip_is_v4(&x->ip), v4y = ip_is_v4(&y->ip);

	if (x->hits != y->hits)
		return x->hits > y->hits;
	if (v4x != v4y)
		return v4x;
	return ip_cmp(&x->ip, &y->ip) < 0;
}

/* Many rows, few distinct hit counts (long runs of ties), both families. */
START_TEST(test_order_many)
{
	enum { N = 100000 };
	struct rows rs;
	uint64_t seed = 88172645463325252ULL, hits = 0, want = 0;

	start(&rs);
	for (int i = 0; i < N; i++) {
		struct count c;
		uint64_t r = next_random(&seed);

		memset(&c, 0, sizeof(c));
		if (r & 1)
			ip_from_v4(&c.ip, (uint32_t)(r >> 8));
		else {
			memcpy(c.ip.b, &r, 8);
			c.ip.b[0] = 0x20;
			c.ip.b[15] = (uint8_t)i;
		}
		c.hits = 1 + (r >> 40) % 7;
		c.answer = UINT32_MAX;
		want += c.hits;
		rows_count(&rs, number(&c.ip), &c);
	}
	rows_finish(&rs);
	for (size_t i = 0; i < rs.used; i++) {
		hits += rs.ent[i].hits;
		if (i > 0)
			ck_assert_msg(!before(&rs.ent[i],
			    &rs.ent[i - 1]), "rows %zu and %zu out of "
			    "order", i - 1, i);
	}
	/* A permutation: nothing lost or doubled (distinct addresses, bar
	 * the rare random repeat, which merges). */
	ck_assert_uint_ge(rs.used, N - 10);
	ck_assert_uint_le(rs.used, N);
	ck_assert_uint_le(hits, want);
	stop(&rs);
}
END_TEST

/* --- the source column ---------------------------------------------------- */

/*
 * A network learned in the run: the worker that asked sends it with the
 * network (to be stored), the others as taken from it; all say rdap, and
 * every row of the network shows rdap, whichever worker asked: one answer.
 */
START_TEST(test_sources_learned)
{
	struct rows rs;
	struct answer a;
	struct ip ip;
	int stored = 0;

	start(&rs);
	/* The asker: 66.249.66.1, fewer hits than the others. */
	memset(&a, 0, sizeof(a));
	a.kind = KIND_PUBLIC;
	a.registry = RIR_ARIN;
	a.status = ST_OK;
	a.source = SRC_RDAP;
	a.has_net = 1;
	a.net.lo = addr("66.249.64.0");
	a.net.hi = addr("66.249.95.255");
	answer_set(&a, FLD_NETWORK, "66.249.64.0/19", 14);
	answer_set(&a, FLD_ORG, "Search", 6);
	ip = addr("66.249.66.1");
	rows_answer(&rs, number(&ip), &ip, &a);
	put_count(&rs, "66.249.66.1", 1, 0, 0, 0);
	/* Two that took the answer from it. */
	put_count(&rs, "66.249.64.10", 9, 0, 0, 0);
	put_count(&rs, "66.249.70.5", 5, 0, 0, 0);
	for (int i = 0; i < 2; i++) {
		memset(&a, 0, sizeof(a));
		a.kind = KIND_PUBLIC;
		a.registry = RIR_ARIN;
		a.status = ST_OK;
		a.source = SRC_RDAP;
		answer_set(&a, FLD_NETWORK, "66.249.64.0/19", 14);
		answer_set(&a, FLD_ORG, "Search", 6);
		ip = addr(i ? "66.249.70.5" : "66.249.64.10");
		rows_answer(&rs, number(&ip), &ip, &a);
	}
	/* From the cache file, and from the IP database: as they are. */
	put_count(&rs, "8.8.8.8", 20, 0, 0, 0);
	put_answer(&rs, "8.8.8.8", ST_OK, SRC_CACHE, "Search");
	put_count(&rs, "8.8.4.4", 19, 0, 0, 0);
	put_answer(&rs, "8.8.4.4", ST_OK, SRC_DB, NULL);
	/* Failures read alike but are each their own address's: as they are. */
	put_count(&rs, "9.9.9.9", 3, 0, 0, 0);
	put_answer(&rs, "9.9.9.9", ST_TIMEOUT, SRC_RDAP, NULL);
	put_count(&rs, "9.9.9.10", 2, 0, 0, 0);
	put_answer(&rs, "9.9.9.10", ST_TIMEOUT, SRC_RDAP, NULL);
	rows_finish(&rs);

	ck_assert_uint_eq(answer_of(&rs, "66.249.64.10")->source, SRC_RDAP);
	ck_assert_uint_eq(answer_of(&rs, "66.249.70.5")->source, SRC_RDAP);
	ck_assert_uint_eq(answer_of(&rs, "66.249.66.1")->source, SRC_RDAP);
	ck_assert_str_eq(source_name(answer_of(&rs, "66.249.66.1")->source),
	    "rdap");
	ck_assert_ptr_eq(answer_of(&rs, "66.249.66.1"),
	    answer_of(&rs, "66.249.64.10"));
	ck_assert_ptr_eq(answer_of(&rs, "66.249.66.1"),
	    answer_of(&rs, "66.249.70.5"));
	ck_assert_str_eq(org_of(&rs, "66.249.66.1"), "Search");
	ck_assert_uint_eq(answer_of(&rs, "8.8.8.8")->source, SRC_CACHE);
	ck_assert_uint_eq(answer_of(&rs, "8.8.4.4")->source, SRC_DB);
	ck_assert_uint_eq(answer_of(&rs, "9.9.9.9")->source, SRC_RDAP);
	ck_assert_uint_eq(answer_of(&rs, "9.9.9.10")->source, SRC_RDAP);
	/* Rows show no network to store; the asker's answer is still kept,
	 * once, for the cache file. */
	for (size_t i = 0; i < rs.used; i++)
		ck_assert(!rs.answers.v[rs.ent[i].answer].has_net);
	for (size_t i = 0; i < rs.answers.n; i++)
		stored += rs.answers.v[i].has_net;
	ck_assert_int_eq(stored, 1);
	stop(&rs);
}
END_TEST

/* Over whois: every row shows whois. */
START_TEST(test_sources_whois)
{
	struct rows rs;

	start(&rs);
	put_count(&rs, "193.0.6.139", 1, 0, 0, 0);
	put_answer(&rs, "193.0.6.139", ST_OK, SRC_WHOIS, "RIPE NCC");
	put_count(&rs, "193.0.0.1", 1, 0, 0, 0);
	put_answer(&rs, "193.0.0.1", ST_OK, SRC_WHOIS, "RIPE NCC");
	rows_finish(&rs);
	ck_assert_uint_eq(answer_of(&rs, "193.0.0.1")->source, SRC_WHOIS);
	ck_assert_uint_eq(answer_of(&rs, "193.0.6.139")->source, SRC_WHOIS);
	stop(&rs);
}
END_TEST

static Suite *
reporter_suite(void)
{
	Suite *s = suite_create("reporter");
	TCase *tc = tcase_create("merge");

	tcase_add_loop_test(tc, test_merge_orders, 0, 4);
	tcase_add_test(tc, test_answers_shared);
	tcase_add_test(tc, test_answered_twice);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_entry_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_order_many);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("sources");
	tcase_add_test(tc, test_sources_learned);
	tcase_add_test(tc, test_sources_whois);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(reporter_suite());
}
