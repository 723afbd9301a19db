/*
 * nettab.c: the most specific known network holding an address; and
 * bootstrap.c, which keeps IANA's RDAP service table in one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

static struct netrange
range(const char *lo, const char *hi)
{
	struct netrange r;

	ck_assert_int_eq(ip_parse(lo, strlen(lo), &r.lo), 0);
	ck_assert_int_eq(ip_parse(hi, strlen(hi), &r.hi), 0);
	return r;
}

/* The networks: nested, adjacent, odd ranges, both families. */
static const struct {
	const char *lo, *hi;
} nets[] = {
	{ "8.0.0.0", "8.127.255.255" },		/* 0: 8.0.0.0/9 */
	{ "8.8.8.0", "8.8.8.255" },		/* 1: inside 0 */
	{ "66.249.64.0", "66.249.95.255" },	/* 2: /19 */
	{ "66.249.96.0", "66.249.96.255" },	/* 3: adjacent to 2 */
	{ "10.0.0.0", "10.0.2.255" },		/* 4: /23 + /24 */
	{ "10.0.1.128", "10.0.1.130" },		/* 5: three addresses */
	{ "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" }, /* 6 */
	{ "2001:db8:1::", "2001:db8:1::ffff" },	/* 7: inside 6 */
	{ "0.0.0.0", "255.255.255.255" },	/* 8: all of IPv4 */
	{ "192.0.2.7", "192.0.2.7" },		/* 9: one address */
};

static const struct {
	const char *addr;
	int	 want;	/* net index, -1 none */
} cases[] = {
	{ "8.8.8.8", 1 }, { "8.8.8.0", 1 }, { "8.8.8.255", 1 },
	{ "8.8.9.0", 0 }, { "8.127.255.255", 0 }, { "8.0.0.0", 0 },
	{ "8.128.0.0", 8 },
	{ "66.249.64.1", 2 }, { "66.249.95.255", 2 }, { "66.249.96.0", 3 },
	{ "66.249.97.0", 8 },
	{ "10.0.0.0", 4 }, { "10.0.1.127", 4 }, { "10.0.1.128", 5 },
	{ "10.0.1.129", 5 }, { "10.0.1.130", 5 }, { "10.0.1.131", 4 },
	{ "10.0.2.255", 4 }, { "10.0.3.0", 8 },
	{ "2001:db8::1", 6 }, { "2001:db8:1::1", 7 }, { "2001:db8:1::1:0", 6 },
	{ "2001:db9::", -1 }, { "::1", -1 },
	{ "192.0.2.7", 9 }, { "192.0.2.8", 8 },
};

START_TEST(test_most_specific)
{
	struct nettab *t = nettab_new();
	struct ip ip;
	uint32_t v;
	int got;

	for (size_t i = 0; i < nitems(nets); i++) {
		struct netrange r = range(nets[i].lo, nets[i].hi);

		nettab_add(t, &r, (uint32_t)i);
	}
	ck_assert_int_eq(ip_parse(cases[_i].addr, strlen(cases[_i].addr),
	    &ip), 0);
	got = nettab_find(t, &ip, NULL, NULL, &v) ? (int)v : -1;
	ck_assert_msg(got == cases[_i].want, "%s: net %d, want %d",
	    cases[_i].addr, got, cases[_i].want);
	nettab_free(t);
}
END_TEST

/* Refuse everything but odd values: the next most specific one wins. */
static int
odd(void *ctx, uint32_t v)
{
	(void)ctx;
	return v & 1;
}

START_TEST(test_usable)
{
	struct nettab *t = nettab_new();
	struct netrange outer = range("8.0.0.0", "8.127.255.255");
	struct netrange inner = range("8.8.8.0", "8.8.8.255");
	struct ip ip;
	uint32_t v;

	nettab_add(t, &outer, 1);
	nettab_add(t, &inner, 2);
	ck_assert_int_eq(ip_parse("8.8.8.8", 7, &ip), 0);
	ck_assert_int_eq(nettab_find(t, &ip, NULL, NULL, &v), 1);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(nettab_find(t, &ip, odd, NULL, &v), 1);
	ck_assert_uint_eq(v, 1);
	/* Added again: the newer value replaces the older. */
	nettab_add(t, &inner, 3);
	ck_assert_int_eq(nettab_find(t, &ip, NULL, NULL, &v), 1);
	ck_assert_uint_eq(v, 3);
	nettab_free(t);
}
END_TEST

/* Many networks: the table grows and still finds each. */
START_TEST(test_many)
{
	struct nettab *t = nettab_new();

	for (uint32_t i = 0; i < 50000; i++) {
		struct netrange r;

		ip_from_v4(&r.lo, 0x0b000000u + i * 256);
		ip_from_v4(&r.hi, 0x0b000000u + i * 256 + 255);
		nettab_add(t, &r, i);
	}
	for (uint32_t i = 0; i < 50000; i += 7) {
		struct ip ip;
		uint32_t v;

		ip_from_v4(&ip, 0x0b000000u + i * 256 + 17);
		ck_assert_int_eq(nettab_find(t, &ip, NULL, NULL, &v), 1);
		ck_assert_uint_eq(v, i);
	}
	nettab_free(t);
}
END_TEST

static const char boot_json[] =
    "{\"services\": ["
    "[[\"41.0.0.0/8\", \"102.0.0.0/8\"], [\"http://af.example/rdap/\","
    " \"https://af.example/rdap/\"]],"
    "[[\"8.0.0.0/8\"], [\"http://arin.example/\"]],"
    "[[\"2001:db8::/32\"], [\"https://v6.example/\"]]"
    "], \"version\": \"1.0\"}";

static char *
write_temp(const char *text)
{
	char *path = strdup("/tmp/check_nettab.XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_bootstrap)
{
	char *path = write_temp(boot_json), err[256];
	const char *paths[] = { path };
	struct bootstrap *bs = bootstrap_load(paths, 1, err, sizeof(err));
	static const struct {
		const char *addr, *url;
	} want[] = {
		{ "41.1.2.3", "https://af.example/rdap/" },
		{ "102.255.0.1", "https://af.example/rdap/" },
		{ "8.8.8.8", "http://arin.example/" },
		{ "2001:db8::1", "https://v6.example/" },
		{ "9.9.9.9", NULL },
	};

	ck_assert_msg(bs != NULL, "%s", err);
	for (size_t i = 0; i < nitems(want); i++) {
		struct ip ip;
		const char *got;

		ck_assert_int_eq(ip_parse(want[i].addr, strlen(want[i].addr),
		    &ip), 0);
		got = bootstrap_url(bs, &ip);
		if (want[i].url == NULL)
			ck_assert_ptr_null(got);
		else
			ck_assert_str_eq(got, want[i].url);
	}
	bootstrap_free(bs);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_bootstrap_bad)
{
	static const char *const bad[] = {
		"{\"services\": 3}",
		"not json",
		"{\"services\": [[[\"999.0.0.0/8\"], [\"https://x/\"]]]}",
		"{\"services\": [[[\"1.0.0.0/8\"], [\"ftp://x/\"]]]}",
	};
	char *path = write_temp(bad[_i]), err[256];
	const char *paths[] = { path };

	ck_assert_ptr_null(bootstrap_load(paths, 1, err, sizeof(err)));
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	unlink(path);
	free(path);
}
END_TEST

/* IANA's own files, when the real data is there. */
START_TEST(test_bootstrap_iana)
{
	const char *rd = tu_realdata();
	char v4[512], v6[512], err[256];
	const char *paths[] = { v4, v6 };
	struct bootstrap *bs;
	struct ip ip;

	if (rd == NULL) {
		printf("skipped: realdata not found (iana/rdap-bootstrap)\n");
		return;
	}
	snprintf(v4, sizeof(v4), "%s/iana/rdap-bootstrap/ipv4.json", rd);
	snprintf(v6, sizeof(v6), "%s/iana/rdap-bootstrap/ipv6.json", rd);
	bs = bootstrap_load(paths, 2, err, sizeof(err));
	ck_assert_msg(bs != NULL, "%s", err);
	ck_assert_int_eq(ip_parse("193.0.6.139", 11, &ip), 0);
	ck_assert_str_eq(bootstrap_url(bs, &ip), "https://rdap.db.ripe.net/");
	ck_assert_int_eq(ip_parse("8.8.8.8", 7, &ip), 0);
	ck_assert_str_eq(bootstrap_url(bs, &ip), "https://rdap.arin.net/registry/");
	ck_assert_int_eq(ip_parse("2001:4860::1", 12, &ip), 0);
	ck_assert_str_eq(bootstrap_url(bs, &ip), "https://rdap.arin.net/registry/");
	bootstrap_free(bs);
}
END_TEST

static Suite *
nettab_suite(void)
{
	Suite *s = suite_create("nettab");
	TCase *tc = tcase_create("nettab");

	tcase_add_loop_test(tc, test_most_specific, 0, nitems(cases));
	tcase_add_test(tc, test_usable);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_bootstrap);
	tcase_add_loop_test(tc, test_bootstrap_bad, 0, 4);
	tcase_add_test(tc, test_bootstrap_iana);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(nettab_suite());
}
