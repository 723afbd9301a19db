/*
 * addrtab.c: per-address entries, dense, with a hash index.  Many
 * addresses in, every one found again, through growth, in insertion
 * order, with :: (all zero bits) as a key like any other.
 */
#include <check.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

/*
 * Address number i of a fixed, repeatable set: 3 in 5 IPv4 (spread over
 * the whole space by an odd multiplier, so all distinct), the others
 * IPv6 in 2001:db8::/32.  Never ::.
 */
static struct ip
nth(uint32_t i)
{
	struct ip ip;

	if (i % 5 < 3)
		ip_from_v4(&ip, (i + 1) * 2654435761u);
	else {
		memset(&ip, 0, sizeof(ip));
		ip.b[0] = 0x20;
		ip.b[1] = 0x01;
		ip.b[2] = 0x0d;
		ip.b[3] = 0xb8;
		memcpy(ip.b + 12, &i, 4);
		ip.b[11] = 1;
	}
	return ip;
}

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_int_eq(ip_parse(s, strlen(s), &ip), 0);
	return ip;
}

START_TEST(test_new_entry)
{
	struct addrtab t;
	struct ip ip = addr("192.0.2.1");
	struct count *c;
	int created = -1;

	addrtab_init(&t, 0);
	c = addrtab_get(&t, &ip, &created);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(created, 1);
	ck_assert_mem_eq(c->ip.b, ip.b, 16);
	ck_assert_uint_eq(c->hits, 0);
	ck_assert(c->bytes == BYTES_NONE);
	ck_assert_int_eq(c->first, 0);
	ck_assert_int_eq(c->last, 0);
	ck_assert_uint_eq(c->answer, UINT32_MAX);
	ck_assert_uint_eq(t.used, 1);
	ck_assert_ptr_eq(c, &t.ent[0]);
	ck_assert_ptr_eq(addrtab_find(&t, &ip), c);
	addrtab_free(&t);
}
END_TEST

/* created: 1 on first sight only, however the entry is found again. */
START_TEST(test_created_flag)
{
	struct addrtab t;
	struct ip a = addr("192.0.2.1"), b = addr("2001:db8::1");
	struct count *ca, *cb;
	int created;

	addrtab_init(&t, 16);
	ca = addrtab_get(&t, &a, &created);
	ck_assert_int_eq(created, 1);
	ca->hits = 7;
	/* Twice in a row (the "last" shortcut). */
	ck_assert_ptr_eq(addrtab_get(&t, &a, &created), ca);
	ck_assert_int_eq(created, 0);
	cb = addrtab_get(&t, &b, &created);
	ck_assert_int_eq(created, 1);
	ck_assert_ptr_ne(ca, cb);
	/* Back again after another (the table proper). */
	ck_assert_ptr_eq(addrtab_get(&t, &a, &created), ca);
	ck_assert_int_eq(created, 0);
	ck_assert_uint_eq(ca->hits, 7);
	/* The precomputed-hash entry point agrees. */
	ck_assert_ptr_eq(addrtab_get_hashed(&t, &b, ip_hash(&b), &created),
	    cb);
	ck_assert_int_eq(created, 0);
	addrtab_prefetch(&t, ip_hash(&a));
	addrtab_prefetch_entry(&t, ip_hash(&a));
	ck_assert_ptr_eq(addrtab_find(&t, &a), ca);
	ck_assert_ptr_eq(addrtab_find(&t, &b), cb);
	ck_assert_uint_eq(t.used, 2);
	addrtab_free(&t);
}
END_TEST

/*
 * 100,000 addresses into a table sized for 1: it grows many times, and
 * everything counted before a growth is still there after it.
 */
START_TEST(test_many)
{
	enum { N = 100000 };
	struct addrtab t;
	int created;

	addrtab_init(&t, 1);
	for (uint32_t i = 0; i < N; i++) {
		struct ip ip = nth(i);
		struct count *c = addrtab_get(&t, &ip, &created);

		ck_assert_msg(created == 1, "address %u seen before", i);
		c->hits = i + 1;
		c->bytes = (uint64_t)i * 3;
		c->first = c->last = i;
		/* Every so often, look back at some earlier ones. */
		if (i % 9973 == 0)
			for (uint32_t j = 0; j <= i; j += 997) {
				struct ip old = nth(j);

				c = addrtab_get(&t, &old, &created);
				ck_assert_int_eq(created, 0);
				ck_assert_uint_eq(c->hits, j + 1);
			}
	}
	ck_assert_uint_eq(t.used, N);
	/* Grown to stay at most 3/4 full. */
	ck_assert_uint_ge((t.mask + 1) * 3, (size_t)N * 4);
	for (uint32_t i = 0; i < N; i++) {
		/* Reverse order: no help from the "last" shortcut. */
		struct ip ip = nth(N - 1 - i);
		struct count *c = addrtab_get(&t, &ip, &created);

		ck_assert_int_eq(created, 0);
		ck_assert_mem_eq(c->ip.b, ip.b, 16);
		ck_assert_uint_eq(c->hits, N - i);
		ck_assert_uint_eq(c->bytes, (uint64_t)(N - 1 - i) * 3);
		ck_assert_uint_eq(c->last, N - 1 - i);
		ck_assert_ptr_eq(addrtab_find(&t, &ip), c);
	}
	ck_assert_uint_eq(t.used, N);
	/* Never seen: not found, not created. */
	{
		struct ip other = addr("198.51.100.77");

		ck_assert_ptr_null(addrtab_find(&t, &other));
		ck_assert_uint_eq(t.used, N);
	}
	addrtab_free(&t);
}
END_TEST

/* The all-zero address is the empty-slot marker, yet a valid key. */
START_TEST(test_zero_address)
{
	struct addrtab t;
	struct ip zero = addr("::"), v4zero = addr("0.0.0.0"), one =
	    addr("::1");
	struct count *cz, *c4, *c1;
	int created;

	addrtab_init(&t, 4);
	cz = addrtab_get(&t, &zero, &created);
	ck_assert_int_eq(created, 1);
	ck_assert_ptr_nonnull(cz);
	ck_assert_mem_eq(cz->ip.b, zero.b, 16);
	ck_assert(cz->bytes == BYTES_NONE);
	ck_assert_uint_eq(cz->hits, 0);
	cz->hits = 5;
	ck_assert_ptr_eq(addrtab_get(&t, &zero, &created), cz);
	ck_assert_int_eq(created, 0);
	/* 0.0.0.0 (::ffff:0:0) and ::1 are other keys. */
	c4 = addrtab_get(&t, &v4zero, &created);
	ck_assert_int_eq(created, 1);
	c1 = addrtab_get(&t, &one, &created);
	ck_assert_int_eq(created, 1);
	ck_assert_ptr_ne(c4, cz);
	ck_assert_ptr_ne(c1, cz);
	/* After another key, :: is still found and still counted. */
	cz = addrtab_get(&t, &zero, &created);
	ck_assert_int_eq(created, 0);
	ck_assert_uint_eq(cz->hits, 5);
	/* And through growth. */
	for (uint32_t i = 0; i < 5000; i++) {
		struct ip ip = nth(i);

		addrtab_get(&t, &ip, &created)->hits = 1;
	}
	cz = addrtab_get(&t, &zero, &created);
	ck_assert_int_eq(created, 0);
	ck_assert_uint_eq(cz->hits, 5);
	addrtab_free(&t);
}
END_TEST

/*
 * The entries are t.ent[0 .. used), in insertion order, each address
 * once, :: included.
 */
static void
check_walk(size_t n, int with_zero)
{
	struct addrtab t;
	struct ip zero = addr("::");
	size_t zero_at = n / 2;
	int created;

	addrtab_init(&t, 1);
	for (uint32_t i = 0; i < n; i++) {
		struct ip ip = nth(i);

		if (with_zero && i == zero_at)
			addrtab_get(&t, &zero, &created)->hits = UINT32_MAX;
		addrtab_get(&t, &ip, &created)->hits = i + 1;
		/* Seen again: no new entry. */
		ip = nth(i / 2);
		addrtab_get(&t, &ip, &created);
		ck_assert_int_eq(created, 0);
	}
	if (with_zero && n == 0)
		addrtab_get(&t, &zero, &created)->hits = UINT32_MAX;
	ck_assert_uint_eq(t.used, n + (with_zero ? 1 : 0));
	for (size_t k = 0, i = 0; k < t.used; k++) {
		const struct count *c = &t.ent[k];

		if (with_zero && i == (n ? zero_at : 0) &&
		    c->hits == UINT32_MAX) {
			ck_assert_mem_eq(c->ip.b, zero.b, 16);
			with_zero = 0;
			continue;
		}
		{
			struct ip ip = nth((uint32_t)i);

			ck_assert_mem_eq(c->ip.b, ip.b, 16);
			ck_assert_uint_eq(c->hits, i + 1);
		}
		i++;
	}
	ck_assert_int_eq(with_zero, 0);
	addrtab_free(&t);
	ck_assert_ptr_null(t.ent);
}

static const struct {
	size_t n;
	int zero;
} walks[] = {
	{ 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 64, 1 }, { 65, 0 },
	{ 767, 1 }, { 768, 0 }, { 769, 1 }, { 30000, 0 }, { 30000, 1 },
};

START_TEST(test_walk)
{
	check_walk(walks[_i].n, walks[_i].zero);
}
END_TEST

/*
 * Keys that land in the same slots: many addresses in one small table
 * (linear probing wraps around its end).
 */
START_TEST(test_collisions)
{
	struct addrtab t;
	size_t slots;
	int created;
	uint32_t n = 0;

	addrtab_init(&t, 1);
	slots = t.mask + 1;
	/* Find addresses whose hash lands in the last two slots. */
	for (uint32_t i = 0; n < slots / 2 && i < 50000000; i++) {
		struct ip ip;

		ip_from_v4(&ip, i);
		if ((ip_hash(&ip) & t.mask) >= t.mask - 1) {
			addrtab_get(&t, &ip, &created)->hits = i + 1;
			ck_assert_int_eq(created, 1);
			n++;
		}
	}
	ck_assert_uint_eq(n, slots / 2);
	for (uint32_t i = 0, k = 0; k < n; i++) {
		struct ip ip;

		ip_from_v4(&ip, i);
		if ((ip_hash(&ip) & (slots - 1)) >= slots - 2) {
			struct count *c = addrtab_get(&t, &ip, &created);

			ck_assert_int_eq(created, 0);
			ck_assert_uint_eq(c->hits, i + 1);
			k++;
		}
	}
	ck_assert_uint_eq(t.used, n);
	addrtab_free(&t);
}
END_TEST

/*
 * The table's arrays (util.c's big_alloc): zeroed; grown across whole
 * huge pages, what was there is kept and what is new is zero; shrunk,
 * the start is kept.
 */
START_TEST(test_big_arrays)
{
	enum { MB = 1 << 20 };
	unsigned char *p = big_alloc(100);

	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(p[i], 0);
	memset(p, 0xa5, 100);
	p = big_realloc(p, 100, 5 * MB + 3);
	for (size_t i = 0; i < 5 * MB + 3; i++)
		if (p[i] != (i < 100 ? 0xa5 : 0))
			ck_abort_msg("byte %zu is %u", i, p[i]);
	memset(p + 4 * MB, 0x5a, MB);
	p = big_realloc(p, 5 * MB + 3, 3 * MB);
	ck_assert_uint_eq(p[99], 0xa5);
	ck_assert_uint_eq(p[100], 0);
	p = big_realloc(p, 3 * MB, 6 * MB);
	/* Given back on the shrink: zero again, not the old 0x5a. */
	for (size_t i = 3 * MB; i < 6 * MB; i++)
		if (p[i] != 0)
			ck_abort_msg("byte %zu is %u after the shrink", i, p[i]);
	big_free(p, 6 * MB);
	big_free(NULL, 0);
	p = big_realloc(NULL, 0, 10);
	ck_assert_uint_eq(p[9], 0);
	big_free(p, 10);
}
END_TEST

static Suite *
addrtab_suite(void)
{
	Suite *s = suite_create("addrtab");
	TCase *tc = tcase_create("addrtab");

	tcase_add_test(tc, test_new_entry);
	tcase_add_test(tc, test_created_flag);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_zero_address);
	tcase_add_loop_test(tc, test_walk, 0, nitems(walks));
	tcase_add_test(tc, test_collisions);
	tcase_add_test(tc, test_big_arrays);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(addrtab_suite());
}
