/*
 * rir.c: which RIR administers an address.
 *
 * The table tests need nothing but the code.  The registry tests read
 * IANA's CSV files, when they are there ($IPWHOIS_REALDATA, default
 * ../shared/realdata), and check every block in them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

static const struct {
	const char *addr;
	enum rir rir;
} cases[] = {
	/* IPv4: allocated to an RIR. */
	{ "1.0.0.0", RIR_APNIC },
	{ "1.1.1.1", RIR_APNIC },
	{ "2.255.255.255", RIR_RIPE },
	{ "23.0.0.1", RIR_ARIN },
	{ "41.0.0.1", RIR_AFRINIC },
	{ "102.176.0.1", RIR_AFRINIC },
	{ "177.0.0.1", RIR_LACNIC },
	{ "185.0.0.1", RIR_RIPE },
	{ "200.1.1.1", RIR_LACNIC },
	{ "223.255.255.255", RIR_APNIC },
	/* IPv4: legacy blocks, administered by an RIR. */
	{ "3.0.0.0", RIR_ARIN },
	{ "6.1.2.3", RIR_ARIN },
	{ "8.8.8.8", RIR_ARIN },
	{ "9.255.255.255", RIR_ARIN },
	{ "11.0.0.0", RIR_ARIN },
	{ "25.0.0.0", RIR_RIPE },
	{ "43.255.255.255", RIR_APNIC },
	{ "53.0.0.1", RIR_RIPE },
	{ "133.0.0.1", RIR_APNIC },
	{ "133.255.255.255", RIR_APNIC },
	{ "154.0.0.1", RIR_AFRINIC },
	{ "191.255.255.255", RIR_LACNIC },
	{ "192.168.1.1", RIR_ARIN },	/* special, but 192/8 is ARIN's */
	{ "196.0.0.1", RIR_AFRINIC },
	{ "214.0.0.1", RIR_ARIN },
	/* IPv4: IANA's own. */
	{ "0.0.0.0", RIR_NONE },
	{ "0.255.255.255", RIR_NONE },
	{ "10.1.2.3", RIR_NONE },
	{ "127.0.0.1", RIR_NONE },
	{ "224.0.0.1", RIR_NONE },
	{ "239.255.255.255", RIR_NONE },
	{ "240.0.0.0", RIR_NONE },
	{ "255.255.255.255", RIR_NONE },
	{ "::ffff:133.0.0.1", RIR_APNIC },

	/* IPv6. */
	{ "2001::", RIR_NONE },		/* 2001::/23 is IANA's */
	{ "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_NONE },
	{ "2001:200::", RIR_APNIC },
	{ "2001:3ff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_APNIC },
	{ "2001:400::1", RIR_ARIN },
	{ "2001:67c:2e8::1", RIR_RIPE },
	{ "2001:800::", RIR_RIPE },
	{ "2001:bff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_RIPE },
	{ "2001:db8::1", RIR_APNIC },	/* documentation, inside APNIC's /23 */
	{ "2001:1000::", RIR_NONE },
	{ "2001:1200::1", RIR_LACNIC },
	{ "2001:2000::", RIR_RIPE },
	{ "2001:3fff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_RIPE },
	{ "2001:4200::1", RIR_AFRINIC },
	{ "2001:4860:4860::8888", RIR_ARIN },
	{ "2001:8000::", RIR_APNIC },
	{ "2001:c000::", RIR_NONE },
	{ "2002::1", RIR_NONE },
	{ "2003::", RIR_RIPE },
	{ "2003:3fff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_RIPE },
	{ "2003:4000::", RIR_NONE },
	{ "23ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_NONE },
	{ "2400::", RIR_APNIC },
	{ "2400:cb00::1", RIR_APNIC },
	{ "240f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_APNIC },
	{ "2410::", RIR_NONE },
	{ "2600::", RIR_ARIN },
	{ "2606:4700:4700::1111", RIR_ARIN },
	{ "2610:1ff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_ARIN },
	{ "2610:200::", RIR_NONE },
	{ "2620:0:860::1", RIR_ARIN },
	{ "2630::1", RIR_ARIN },
	{ "2640::", RIR_NONE },
	{ "2800::", RIR_LACNIC },
	{ "2800:3f0:4001::1", RIR_LACNIC },
	{ "2a00:1450::1", RIR_RIPE },
	{ "2a0f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_RIPE },
	{ "2a10::1", RIR_RIPE },
	{ "2a20::", RIR_NONE },
	{ "2c00::", RIR_AFRINIC },
	{ "2c0f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RIR_AFRINIC },
	{ "2c10::", RIR_NONE },
	{ "3fff::", RIR_NONE },
	{ "::", RIR_NONE },
	{ "::1", RIR_NONE },
	{ "fe80::1", RIR_NONE },
	{ "ff02::1", RIR_NONE },
};

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "cannot parse %s", s);
	return ip;
}

START_TEST(test_lookup)
{
	struct ip ip = addr(cases[_i].addr);
	enum rir got = rir_lookup(&ip);

	ck_assert_msg(got == cases[_i].rir, "%s: got \"%s\", want \"%s\"",
	    cases[_i].addr, rir_name(got), rir_name(cases[_i].rir));
}
END_TEST

/* Each RIR appears in both families above. */
START_TEST(test_every_rir)
{
	int v4[RIR_MAX] = { 0 }, v6[RIR_MAX] = { 0 };

	for (size_t i = 0; i < nitems(cases); i++) {
		struct ip ip = addr(cases[i].addr);

		if (ip_is_v4(&ip))
			v4[cases[i].rir] = 1;
		else
			v6[cases[i].rir] = 1;
	}
	for (int r = 0; r < RIR_MAX; r++)
		ck_assert_msg(v4[r] && v6[r], "no case for rir %d", r);
}
END_TEST

START_TEST(test_rir_name)
{
	ck_assert_str_eq(rir_name(RIR_NONE), "");
	ck_assert_str_eq(rir_name(RIR_AFRINIC), "AFRINIC");
	ck_assert_str_eq(rir_name(RIR_APNIC), "APNIC");
	ck_assert_str_eq(rir_name(RIR_ARIN), "ARIN");
	ck_assert_str_eq(rir_name(RIR_LACNIC), "LACNIC");
	ck_assert_str_eq(rir_name(RIR_RIPE), "RIPE");
	ck_assert_str_eq(rir_name(RIR_MAX), "");
}
END_TEST

START_TEST(test_rir_info)
{
	static const struct {
		enum rir rir;
		const char *rdap, *whois;
	} want[] = {
		{ RIR_AFRINIC, "https://rdap.afrinic.net/rdap/",
		    "whois.afrinic.net" },
		{ RIR_APNIC, "https://rdap.apnic.net/", "whois.apnic.net" },
		{ RIR_ARIN, "https://rdap.arin.net/registry/",
		    "whois.arin.net" },
		{ RIR_LACNIC, "https://rdap.lacnic.net/rdap/",
		    "whois.lacnic.net" },
		{ RIR_RIPE, "https://rdap.db.ripe.net/", "whois.ripe.net" },
	};

	ck_assert_ptr_null(rir_info(RIR_NONE));
	ck_assert_ptr_null(rir_info(RIR_MAX));
	for (size_t i = 0; i < nitems(want); i++) {
		const struct rir_info *ri = rir_info(want[i].rir);

		ck_assert_ptr_nonnull(ri);
		ck_assert_str_eq(ri->name, rir_name(want[i].rir));
		ck_assert_str_eq(ri->rdap_base, want[i].rdap);
		ck_assert_str_eq(ri->whois_host, want[i].whois);
	}
}
END_TEST

/* The IANA files, when present. */

#define CSV_FIELDS	8
#define CSV_FIELD_MAX	512

/*
 * One CSV record (RFC 4180: quoted fields may hold commas, doubled quotes
 * and newlines) from *p; the fields land in f, cut at CSV_FIELD_MAX.
 * Returns the number of fields, 0 at the end of the text.
 */
static int
csv_record(const char **p, char f[CSV_FIELDS][CSV_FIELD_MAX])
{
	const char *s = *p;
	int n = 0;

	if (*s == '\0')
		return 0;
	for (;;) {
		size_t len = 0;
		int quoted = 0;

		if (*s == '"') {
			quoted = 1;
			s++;
		}
		for (; *s != '\0'; s++) {
			if (quoted && *s == '"') {
				if (s[1] != '"') {
					quoted = 0;
					continue;
				}
				s++;
			} else if (!quoted && (*s == ',' || *s == '\n' ||
			    *s == '\r'))
				break;
			if (n < CSV_FIELDS && len + 1 < CSV_FIELD_MAX)
				f[n][len++] = *s;
		}
		if (n < CSV_FIELDS)
			f[n][len] = '\0';
		n++;
		if (*s != ',')
			break;
		s++;
	}
	if (*s == '\r')
		s++;
	if (*s == '\n')
		s++;
	*p = s;
	return n;
}

/* The last address of net/plen. */
static struct ip
last_of(const struct ip *net, unsigned plen)
{
	struct ip ip = *net;

	for (unsigned bit = plen; bit < 128; bit++)
		ip.b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	return ip;
}

/* Both ends of the block give the RIR the registry names. */
static void
check_block(const char *cidr, enum rir want)
{
	struct ip net, last;
	unsigned plen;

	ck_assert_msg(ip_net_parse(cidr, &net, &plen) == 0,
	    "registry block %s does not parse", cidr);
	last = last_of(&net, plen);
	ck_assert_msg(rir_lookup(&net) == want,
	    "%s: first address gives \"%s\", registry says \"%s\"", cidr,
	    rir_name(rir_lookup(&net)), rir_name(want));
	ck_assert_msg(rir_lookup(&last) == want,
	    "%s: last address gives \"%s\", registry says \"%s\"", cidr,
	    rir_name(rir_lookup(&last)), rir_name(want));
}

/* A lookup key in the registry's words: a whois server or a designation. */
static enum rir
rir_by(const char *word)
{
	static const struct {
		const char *word;
		enum rir rir;
	} words[] = {
		{ "whois.afrinic.net", RIR_AFRINIC },
		{ "whois.apnic.net", RIR_APNIC },
		{ "whois.arin.net", RIR_ARIN },
		{ "whois.lacnic.net", RIR_LACNIC },
		{ "whois.ripe.net", RIR_RIPE },
		{ "AFRINIC", RIR_AFRINIC },
		{ "APNIC", RIR_APNIC },
		{ "ARIN", RIR_ARIN },
		{ "LACNIC", RIR_LACNIC },
		{ "RIPE NCC", RIR_RIPE },
	};

	for (size_t i = 0; i < nitems(words); i++)
		if (strcmp(word, words[i].word) == 0)
			return words[i].rir;
	return RIR_NONE;
}

/*
 * ipv4-address-space.csv: Prefix ("003/8"), Designation, Date, WHOIS, ...
 * A /8 with a whois server belongs to that server's RIR; one without,
 * to none.
 */
START_TEST(test_iana_v4)
{
	char f[CSV_FIELDS][CSV_FIELD_MAX], cidr[32];
	char *csv = tu_realdata_file("iana/ipv4-address-space.csv", NULL);
	const char *p = csv;
	int rows = 0, n;

	if (csv == NULL)
		return;
	ck_assert_int_ge(csv_record(&p, f), 4);
	ck_assert_str_eq(f[0], "Prefix");
	ck_assert_str_eq(f[3], "WHOIS");
	while ((n = csv_record(&p, f)) > 0) {
		int octet;
		enum rir want = rir_by(f[3]);

		ck_assert_int_ge(n, 4);
		ck_assert_msg(sscanf(f[0], "%d/8", &octet) == 1 &&
		    octet >= 0 && octet <= 255, "bad prefix %s", f[0]);
		ck_assert_msg(f[3][0] == '\0' || want != RIR_NONE,
		    "%s: unknown whois server %s", f[0], f[3]);
		snprintf(cidr, sizeof(cidr), "%d.0.0.0/8", octet);
		check_block(cidr, want);
		rows++;
	}
	ck_assert_int_eq(rows, 256);
	free(csv);
}
END_TEST

/*
 * ipv6-unicast-address-assignments.csv: Prefix, Designation, ...  A
 * prefix designated to an RIR is that RIR's; IANA's own, nobody's.
 */
START_TEST(test_iana_v6)
{
	char f[CSV_FIELDS][CSV_FIELD_MAX];
	char *csv = tu_realdata_file(
	    "iana/ipv6-unicast-address-assignments.csv", NULL);
	const char *p = csv;
	int rows = 0, rirs = 0, n;

	if (csv == NULL)
		return;
	ck_assert_int_ge(csv_record(&p, f), 2);
	ck_assert_str_eq(f[0], "Prefix");
	ck_assert_str_eq(f[1], "Designation");
	while ((n = csv_record(&p, f)) > 0) {
		enum rir want = rir_by(f[1]);

		ck_assert_int_ge(n, 2);
		check_block(f[0], want);
		rows++;
		rirs += want != RIR_NONE;
	}
	ck_assert_int_ge(rirs, 30);
	ck_assert_int_gt(rows, rirs);
	free(csv);
}
END_TEST

static Suite *
rir_suite(void)
{
	Suite *s = suite_create("rir");
	TCase *tc = tcase_create("table");
	TCase *rd = tcase_create("realdata");

	tcase_add_loop_test(tc, test_lookup, 0, (int)nitems(cases));
	tcase_add_test(tc, test_every_rir);
	tcase_add_test(tc, test_rir_name);
	tcase_add_test(tc, test_rir_info);
	suite_add_tcase(s, tc);
	tcase_add_test(rd, test_iana_v4);
	tcase_add_test(rd, test_iana_v6);
	suite_add_tcase(s, rd);
	return s;
}

int
main(void)
{
	return tu_run(rir_suite());
}
