/*
 * xff.c: the client behind trusted proxies (--client xff), rule by rule,
 * and on hostile values: long lists, thousands of commas, quotes, IPv6
 * in every form, ports, blanks.
 *
 * Values are copied to the very end of a readable mapping followed by an
 * unmapped page, so a walk that reads one byte outside its value dies
 * here and now, sanitizer or not.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

#define MAX_NETS	8

/* A --trusted-proxy list, without options.c's allocation. */
struct trust {
	struct netlist l;
	struct ip net[MAX_NETS];
	unsigned plen[MAX_NETS];
};

static void
trust_init(struct trust *t, const char *csv)
{
	char buf[256];
	char *p, *save = NULL;

	memset(t, 0, sizeof(*t));
	t->l.net = t->net;
	t->l.plen = t->plen;
	if (csv == NULL)
		return;
	ck_assert_uint_lt(strlen(csv), sizeof(buf));
	strcpy(buf, csv);
	for (p = strtok_r(buf, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		ck_assert_int_lt(t->l.n, MAX_NETS);
		ck_assert_msg(ip_net_parse(p, &t->net[t->l.n],
		    &t->plen[t->l.n]) == 0, "bad fixture %s", p);
		t->l.n++;
	}
}

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "bad fixture %s", s);
	return ip;
}

/*
 * s[0..n) at the end of a readable mapping with an unmapped page after
 * it; any length.  Freed with unguard().
 */
static char *
guarded(const char *s, size_t n, size_t *maplen)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (n + psz - 1) / psz + 1;
	char *m;

	*maplen = pages * psz;
	m = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_int_eq(mprotect(m + *maplen - psz, psz, PROT_NONE), 0);
	memcpy(m + *maplen - psz - n, s, n);
	return m + *maplen - psz - n;
}

static void
unguard(char *p, size_t n, size_t maplen)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);

	munmap(p + n + psz - maplen, maplen);
}

/* The client xff_client gives, formatted; *from: its return value. */
static void
choose(const char *peer, const char *xff, size_t len, const char *trusted,
    char *out, int *from)
{
	struct trust t;
	struct ip p = addr(peer), client;
	size_t maplen = 0;
	char *v = NULL;

	trust_init(&t, trusted);
	if (xff != NULL)
		v = guarded(xff, len, &maplen);
	memset(&client, 0x55, sizeof(client));
	*from = xff_client(&p, v, len, &t.l, &client);
	ip_format(&client, out);
	if (v != NULL)
		unguard(v, len, maplen);
}

#define TRUST4	"10.0.0.0/8"
#define TRUST46	"10.0.0.0/8,2001:db8:ffff::/48"

/* want == NULL: the peer is the client (and 0 is returned). */
static const struct {
	const char *what, *peer, *xff, *trusted, *want;
} cases[] = {
	/* No value: the peer. */
	{ "no field", "10.0.0.1", NULL, NULL, NULL },
	{ "no field, trusted peer", "10.0.0.1", NULL, TRUST4, NULL },
	{ "empty", "10.0.0.1", "", NULL, NULL },
	{ "dash", "10.0.0.1", "-", TRUST4, NULL },
	{ "dash with blanks", "10.0.0.1", " - ", NULL, NULL },
	{ "blanks", "10.0.0.1", " \t ", TRUST4, NULL },

	/* No trusted proxy: the right-most entry. */
	{ "one entry", "10.0.0.1", "203.0.113.1", NULL, "203.0.113.1" },
	{ "right-most", "10.0.0.1", "1.1.1.1, 203.0.113.1", NULL,
	    "203.0.113.1" },
	{ "right-most is private", "10.0.0.1", "203.0.113.1, 10.0.0.2",
	    NULL, "10.0.0.2" },
	{ "no comma space", "10.0.0.1", "1.1.1.1,203.0.113.1", NULL,
	    "203.0.113.1" },

	/* Trusted proxies skipped, right to left. */
	{ "one proxy hop", "10.0.0.1", "203.0.113.1, 10.0.0.2", TRUST4,
	    "203.0.113.1" },
	{ "forged left part", "10.0.0.1", "8.8.8.8, 203.0.113.1, 10.0.0.2",
	    TRUST4, "203.0.113.1" },
	{ "forged trusted left", "10.0.0.1", "10.9.9.9, 203.0.113.1", TRUST4,
	    "203.0.113.1" },
	{ "all trusted: left-most", "10.0.0.1", "10.1.1.1, 10.2.2.2", TRUST4,
	    "10.1.1.1" },
	{ "one trusted entry", "10.0.0.1", "10.1.1.1", TRUST4, "10.1.1.1" },

	/* The peer is not a trusted proxy: its header is not believed. */
	{ "peer not trusted", "192.0.2.1", "203.0.113.1", TRUST4, NULL },
	{ "peer not trusted, trusted list", "192.0.2.1",
	    "10.1.1.1, 10.2.2.2", TRUST4, NULL },
	{ "IPv6 peer, IPv4 proxies", "2001:db8::1", "203.0.113.1", TRUST4,
	    NULL },

	/* An entry that is not an address ends the walk: the peer. */
	{ "unknown", "10.0.0.1", "unknown", NULL, NULL },
	{ "unknown behind a proxy", "10.0.0.1", "unknown, 10.0.0.3", TRUST4,
	    NULL },
	{ "unknown right-most", "10.0.0.1", "203.0.113.1, unknown", NULL,
	    NULL },
	{ "unknown left of the client", "10.0.0.1",
	    "unknown, 203.0.113.1, 10.0.0.2", TRUST4, "203.0.113.1" },
	{ "empty entry", "10.0.0.1", "203.0.113.1,,10.0.0.2", TRUST4, NULL },
	{ "trailing comma", "10.0.0.1", "203.0.113.1,", NULL, NULL },
	{ "leading comma", "10.0.0.1", ",203.0.113.1", NULL, "203.0.113.1" },
	{ "comma only", "10.0.0.1", ",", NULL, NULL },
	{ "space separated", "10.0.0.1", "203.0.113.1 198.51.100.1", NULL,
	    NULL },
	{ "bad octet", "10.0.0.1", "999.1.1.1", NULL, NULL },
	{ "three octets", "10.0.0.1", "203.0.113", NULL, NULL },
	{ "a host name", "10.0.0.1", "proxy.example.com", NULL, NULL },
	{ "obfuscated (RFC 7239)", "10.0.0.1", "_hidden, 10.0.0.2", TRUST4,
	    NULL },
	{ "quoted", "10.0.0.1", "\"203.0.113.1\"", NULL, NULL },
	{ "escaped quotes", "10.0.0.1", "\\\"203.0.113.1\\\"", NULL, NULL },
	{ "a quote after", "10.0.0.1", "203.0.113.1\"", NULL, NULL },
	{ "quote left of the client", "10.0.0.1", "x\\\", 203.0.113.1", NULL,
	    "203.0.113.1" },
	{ "NUL inside", "10.0.0.1", "203.0.113.1\0", NULL, NULL },

	/* Blanks, ports, IPv6. */
	{ "blanks around", "10.0.0.1", " \t203.0.113.1 \t", NULL,
	    "203.0.113.1" },
	{ "blanks around entries", "10.0.0.1", "1.1.1.1 ,  203.0.113.1 , "
	    "\t10.0.0.2", TRUST4, "203.0.113.1" },
	{ "v4:port", "10.0.0.1", "198.51.100.1:5555", NULL, "198.51.100.1" },
	{ "v4:port, trusted hop with port", "10.0.0.1",
	    "198.51.100.1:5555, 10.0.0.2:80", TRUST4, "198.51.100.1" },
	{ "v4: no port", "10.0.0.1", "198.51.100.1:", NULL, NULL },
	{ "v4:port too long", "10.0.0.1", "198.51.100.1:123456", NULL, NULL },
	{ "v6", "10.0.0.1", "2001:db8::1", NULL, "2001:db8::1" },
	{ "v6 upper case, long form", "10.0.0.1", "2001:DB8:0:0:0:0:0:1",
	    NULL, "2001:db8::1" },
	{ "[v6]", "10.0.0.1", "[2001:db8::1]", NULL, "2001:db8::1" },
	{ "[v6]:port", "10.0.0.1", "[2001:db8::1]:443", NULL, "2001:db8::1" },
	{ "[v6]:port, v4 proxy", "10.0.0.1", "[2001:db8::1]:443, 10.0.0.2",
	    TRUST4, "2001:db8::1" },
	{ "[v6 unclosed", "10.0.0.1", "[2001:db8::1", NULL, NULL },
	{ "v6]:port", "10.0.0.1", "2001:db8::1]:443", NULL, NULL },
	{ "[v6]:name", "10.0.0.1", "[2001:db8::1]:https", NULL, NULL },
	{ "[v6]junk", "10.0.0.1", "[2001:db8::1]x", NULL, NULL },
	{ "[]", "10.0.0.1", "[]", NULL, NULL },
	{ "v6 with zone", "10.0.0.1", "fe80::1%eth0", NULL, "fe80::1" },
	{ "v4-mapped", "10.0.0.1", "::ffff:203.0.113.1", NULL,
	    "203.0.113.1" },
	{ "v4-mapped trusted as v4", "10.0.0.1",
	    "203.0.113.1, ::ffff:10.0.0.2", TRUST4, "203.0.113.1" },
	{ "v6 proxies", "2001:db8:ffff::1", "2001:db8:1::5, 2001:db8:ffff::2",
	    TRUST46, "2001:db8:1::5" },
	{ "v6 peer trusted, v4 client", "2001:db8:ffff::1",
	    "203.0.113.1, [2001:db8:ffff::2]:443", TRUST46, "203.0.113.1" },
	{ "v6 peer not trusted", "2001:db8:1::1", "203.0.113.1", TRUST46,
	    NULL },
	{ "v6 bad", "10.0.0.1", "2001:db8:::1", NULL, NULL },
	{ "v6 too many groups", "10.0.0.1", "1:2:3:4:5:6:7:8:9", NULL, NULL },
};

START_TEST(test_rules)
{
	char got[IP_STRLEN];
	const char *want = cases[_i].want ? cases[_i].want : cases[_i].peer;
	const char *xff = cases[_i].xff;
	size_t len = xff == NULL ? 0 : strlen(xff);
	int from;

	/* "NUL inside": the value goes on past its first NUL. */
	if (xff != NULL && strcmp(cases[_i].what, "NUL inside") == 0)
		len++;
	choose(cases[_i].peer, xff, len, cases[_i].trusted, got, &from);
	ck_assert_msg(strcmp(got, want) == 0, "%s: \"%s\": got %s, want %s",
	    cases[_i].what, xff ? xff : "(none)", got, want);
	ck_assert_msg(from == (cases[_i].want != NULL), "%s: returned %d",
	    cases[_i].what, from);
}
END_TEST

/* The value is [xff, xff + len): what follows it is never read. */
START_TEST(test_length_bounds)
{
	static const char v[] = "203.0.113.1, 10.0.0.2garbage";
	char got[IP_STRLEN];
	int from;

	choose("10.0.0.1", v, strlen("203.0.113.1, 10.0.0.2"), TRUST4, got,
	    &from);
	ck_assert_str_eq(got, "203.0.113.1");
	choose("10.0.0.1", v, strlen("203.0.113.1, 10.0.0"), NULL, got, &from);
	ck_assert_int_eq(from, 0);
	ck_assert_str_eq(got, "10.0.0.1");
	choose("10.0.0.1", v, 0, NULL, got, &from);
	ck_assert_int_eq(from, 0);
	ck_assert_str_eq(got, "10.0.0.1");
}
END_TEST

/* client may be the peer itself, as the parser calls it. */
START_TEST(test_in_place)
{
	static const char *const vals[] = { "203.0.113.1, unknown",
	    "unknown, 10.0.0.2", "10.1.1.1, 10.2.2.2", "203.0.113.1" };
	static const char *const want[] = { "10.0.0.1", "10.0.0.1",
	    "10.1.1.1", "203.0.113.1" };
	struct trust t;
	char got[IP_STRLEN];

	trust_init(&t, TRUST4);
	for (size_t i = 0; i < nitems(vals); i++) {
		struct ip ip = addr("10.0.0.1");

		xff_client(&ip, tu_guarded(vals[i], strlen(vals[i])),
		    strlen(vals[i]), &t.l, &ip);
		ip_format(&ip, got);
		ck_assert_msg(strcmp(got, want[i]) == 0, "\"%s\": got %s",
		    vals[i], got);
	}
}
END_TEST

/* A value of n bytes made by repeating unit, then tail. */
static char *
repeat(const char *head, const char *unit, size_t times, const char *tail,
    size_t *len)
{
	size_t h = strlen(head), u = strlen(unit), t = strlen(tail);
	char *s = malloc(h + u * times + t + 1), *p = s;

	ck_assert_ptr_nonnull(s);
	memcpy(p, head, h);
	p += h;
	for (size_t i = 0; i < times; i++, p += u)
		memcpy(p, unit, u);
	memcpy(p, tail, t + 1);
	*len = h + u * times + t;
	return s;
}

/* Hostile values, large: each walk ends where the rules say, in bounds. */
static const struct {
	const char *what, *head, *unit;
	size_t times;
	const char *tail, *trusted, *want;	/* want NULL: the peer */
} big[] = {
	{ "10,000 commas", "", ",", 10000, "", TRUST4, NULL },
	{ "10,000 commas, then a client", "", ",", 10000, "203.0.113.1",
	    NULL, "203.0.113.1" },
	{ "10,000 commas behind a client", "203.0.113.1", ",", 10000, "",
	    NULL, NULL },
	{ "10,000 trusted hops", "203.0.113.1", ", 10.0.0.5", 10000, "",
	    TRUST4, "203.0.113.1" },
	{ "10,000 trusted hops, untrusted", "203.0.113.1", ", 10.0.0.5",
	    10000, "", NULL, "10.0.0.5" },
	{ "10,000 trusted hops, all", "10.0.0.4", ", 10.0.0.5", 10000, "",
	    TRUST4, "10.0.0.4" },
	{ "10,000 v6 hops", "[2001:db8::1]:1", ", [2001:db8:ffff::9]:443",
	    10000, "", TRUST46, "2001:db8::1" },
	{ "garbage left of the client", "", "garbage, ", 10000,
	    "203.0.113.1", TRUST4, "203.0.113.1" },
	{ "60 KB of one token", "", "a", 60000, "", NULL, NULL },
	{ "100 KB of dots and digits", "", "1.", 50000, "1", NULL, NULL },
	{ "100 KB of colons", "", ":", 100000, "", NULL, NULL },
	{ "a long v6 token", "", "0", 60000, ":1", NULL, NULL },
	{ "a long port", "203.0.113.1:", "9", 60000, "", NULL, NULL },
	{ "an open bracket", "[", "2001:db8::", 5000, "", NULL, NULL },
	{ "10,000 spaces around", "", " ", 10000, "203.0.113.1", NULL,
	    "203.0.113.1" },
	{ "10,000 quotes", "", "\"", 10000, "", NULL, NULL },
};

START_TEST(test_big)
{
	char got[IP_STRLEN];
	size_t len;
	char *v = repeat(big[_i].head, big[_i].unit, big[_i].times,
	    big[_i].tail, &len);
	const char *want = big[_i].want ? big[_i].want : "10.0.0.1";
	int from;

	choose("10.0.0.1", v, len, big[_i].trusted, got, &from);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s",
	    big[_i].what, got, want);
	ck_assert_int_eq(from, big[_i].want != NULL);
	free(v);
}
END_TEST

/* Every prefix of a value: each is a value in its own right. */
START_TEST(test_every_prefix)
{
	static const char v[] = " [2001:db8::1]:443 , 198.51.100.1:80,\t"
	    "10.0.0.2 , unknown, ::ffff:10.0.0.3";
	struct trust t;
	char got[IP_STRLEN];

	trust_init(&t, TRUST46);
	for (size_t n = 0; n <= strlen(v); n++) {
		struct ip peer = addr("10.0.0.1"), client;

		xff_client(&peer, tu_guarded(v, n), n, &t.l, &client);
		ip_format(&client, got);
		ck_assert(got[0] != '\0');
	}
}
END_TEST

static Suite *
xff_suite(void)
{
	Suite *s = suite_create("xff");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, test_rules, 0, nitems(cases));
	tcase_add_test(tc, test_length_bounds);
	tcase_add_test(tc, test_in_place);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_loop_test(tc, test_big, 0, nitems(big));
	tcase_add_test(tc, test_every_prefix);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(xff_suite());
}
