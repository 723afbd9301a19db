/*
 * ip.c: parsing every textual form of an address, RFC 5952 output,
 * finding the client in a log line, order, networks and routing hashes.
 *
 * Inputs are copied to the very end of a page followed by an unmapped
 * one, so a scanner reading one byte past its input dies here and now,
 * sanitizer or not.
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

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "bad fixture %s", s);
	return ip;
}

/* ip_parse + ip_format: NULL out means the input must be refused. */
static const struct {
	const char *in, *out;
} parse_cases[] = {
	/* IPv4 */
	{ "1.2.3.4", "1.2.3.4" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "074.125.000.001", "74.125.0.1" },	/* ARIN's zero padding */
	{ "192.030.0.6", "192.30.0.6" },	/* decimal, not octal */
	{ "010.0.0.1", "10.0.0.1" },
	{ "999.1.1.1", NULL },
	{ "256.0.0.1", NULL },
	{ "1.2.3", NULL },
	{ "1.2.3.4.5", NULL },
	{ "1..2.3", NULL },
	{ "1.2.3.4 ", NULL },
	{ " 1.2.3.4", NULL },
	{ "1.2.3.4.", NULL },
	{ "1.2.3.", NULL },
	{ ".1.2.3", NULL },
	{ "0001.2.3.4", NULL },
	{ "1.2.3.0004", NULL },
	{ "1.2.3.-4", NULL },
	{ "1.2.3.4/24", NULL },
	{ "1.2.3.4%eth0", NULL },
	{ "a.b.c.d", NULL },
	{ "", NULL },
	/* IPv6 */
	{ "2001:db8::1", "2001:db8::1" },
	{ "2001:cdba:0000:0000:0000:0000:3257:9652", "2001:cdba::3257:9652" },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
	{ "2001:DB8::ABCD", "2001:db8::abcd" },
	{ "2A03:0000:10FF:F00F:0000:0000:0:8000", "2a03:0:10ff:f00f::8000" },
	{ "::", "::" },
	{ "::1", "::1" },
	{ "1::", "1::" },
	{ "0:0:0:0:0:0:0:0", "::" },
	{ "0:0:0:0:0:0:0:1", "::1" },
	{ "1:0:0:0:0:0:0:0", "1::" },
	{ "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8" },
	{ "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
	{ "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8" },
	{ "::ffff:1.2.3.4", "1.2.3.4" },	/* IPv4-mapped: folded */
	{ "::FFFF:1.2.3.4", "1.2.3.4" },
	{ "0:0:0:0:0:ffff:102:304", "1.2.3.4" },
	{ "::ffff:074.125.000.001", "74.125.0.1" },
	{ "64:ff9b::1.2.3.4", "64:ff9b::102:304" },	/* NAT64: not folded */
	{ "::1.2.3.4", "::102:304" },
	{ "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304" },
	{ "fe80::1%eth0", "fe80::1" },		/* zone ids dropped */
	{ "::1%0", "::1" },
	{ "fe80::a:b%en0.100", "fe80::a:b" },
	/* RFC 5952 section 4 */
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },	/* 4.2.2 */
	{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },		/* 4.2.3 */
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },	/* first wins */
	{ "2001:db8::0:1", "2001:db8::1" },
	{ "2001:0db8:00aa:0bbb:c:d:e:f", "2001:db8:aa:bbb:c:d:e:f" },
	{ "0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1" },
	{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
	{ ":::", NULL },
	{ "1:2:3:4:5:6:7:8:9", NULL },
	{ "2a02:cf40::::::::4e36", NULL },
	{ "12345::", NULL },
	{ "02001:db8::1", NULL },
	{ "1:2", NULL },
	{ "1:2:3:4:5:6:7", NULL },
	{ "g::1", NULL },
	{ "1:2:3:4:5:6:7::8:9", NULL },
	{ "1::2::3", NULL },
	{ ":1::", NULL },
	{ "1::2:", NULL },
	{ "::1:", NULL },
	{ "1:2:3:4:5:6:7:8::", NULL },
	{ "::1:2:3:4:5:6:7:8", NULL },
	{ "1:2:3:4:5:6::1.2.3.4", NULL },
	{ "1:2:3:4:5:6:7:1.2.3.4", NULL },
	{ "::1.2.3", NULL },
	{ "::1.2.3.4.5", NULL },
	{ "::256.1.1.1", NULL },
	{ "::ffff:1.2.3.4:5", NULL },
	{ "1.2.3.4::", NULL },
	{ "fe80::1%", NULL },
	{ "[::1]", NULL },
	{ ":", NULL },
	{ "::g", NULL },
};

START_TEST(test_parse)
{
	const char *in = parse_cases[_i].in, *want = parse_cases[_i].out;
	size_t n = strlen(in);
	struct ip ip;
	char buf[IP_STRLEN];
	int r = ip_parse(tu_guarded(in, n), n, &ip);

	if (want == NULL) {
		ck_assert_msg(r == -1, "ip_parse(\"%s\") accepted it", in);
		return;
	}
	ck_assert_msg(r == 0, "ip_parse(\"%s\") refused it", in);
	ck_assert_uint_eq(ip_format(&ip, buf), strlen(want));
	ck_assert_str_eq(buf, want);
	/* The canonical form reads back as the same address. */
	{
		struct ip again;

		ck_assert_int_eq(ip_parse(buf, strlen(buf), &again), 0);
		ck_assert_int_eq(ip_cmp(&ip, &again), 0);
	}
	/* A bare address is a valid token too. */
	ck_assert_int_eq(ip_token(tu_guarded(in, n), n, &ip), 0);
	ip_format(&ip, buf);
	ck_assert_str_eq(buf, want);
}
END_TEST

/* Only the n given bytes count, not what follows them. */
START_TEST(test_parse_length)
{
	struct ip ip;
	char buf[IP_STRLEN];

	ck_assert_int_eq(ip_parse("1.2.3.45", 7, &ip), 0);
	ip_format(&ip, buf);
	ck_assert_str_eq(buf, "1.2.3.4");
	ck_assert_int_eq(ip_parse("::1 trailing", 3, &ip), 0);
	ip_format(&ip, buf);
	ck_assert_str_eq(buf, "::1");
	ck_assert_int_eq(ip_parse("1.2.3.4", 0, &ip), -1);
}
END_TEST

/* The longest text ip_format can write still fits IP_STRLEN. */
START_TEST(test_format_longest)
{
	static const char *const longest[] = {
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"255.255.255.255",
		"1111:2222:3333:4444:5555:6666:7777:8888",
	};
	char buf[IP_STRLEN];

	for (size_t i = 0; i < nitems(longest); i++) {
		struct ip ip = addr(longest[i]);

		ck_assert_uint_lt(ip_format(&ip, buf), IP_STRLEN);
		ck_assert_str_eq(buf, longest[i]);
	}
}
END_TEST

START_TEST(test_v4_helpers)
{
	struct ip ip;
	char buf[IP_STRLEN];
	const char *s = "10.20.30.40 rest", *end;

	ip_from_v4(&ip, 0xc0a80101);
	ck_assert(ip_is_v4(&ip));
	ip_format(&ip, buf);
	ck_assert_str_eq(buf, "192.168.1.1");
	ck_assert_uint_eq(ip_v4(&ip), 0xc0a80101);
	ip = addr("2001:db8::1");
	ck_assert(!ip_is_v4(&ip));
	ip = addr("::ffff:1.2.3.4");
	ck_assert(ip_is_v4(&ip));

	end = ip_v4_prefix(s, s + strlen(s), &ip);
	ck_assert_ptr_eq(end, s + 11);
	ck_assert_uint_eq(ip_v4(&ip), 0x0a141e28);
	ck_assert(ip_is_v4(&ip));
	s = "1.2.3.4.5";
	ck_assert_ptr_null(ip_v4_prefix(s, s + strlen(s), &ip));
	s = "1.2.3.4567";
	ck_assert_ptr_null(ip_v4_prefix(s, s + strlen(s), &ip));
}
END_TEST

/* ip_token: a log field holding a client. */
static const struct {
	const char *in, *out;
} token_cases[] = {
	{ "[2001:db8::1]", "2001:db8::1" },
	{ "[2001:db8::1]:443", "2001:db8::1" },
	{ "[1.2.3.4]:80", "1.2.3.4" },
	{ "[::ffff:1.2.3.4]", "1.2.3.4" },
	{ "[fe80::1%eth0]:22", "fe80::1" },
	{ "1.2.3.4:8080", "1.2.3.4" },
	{ "1.2.3.4:65535", "1.2.3.4" },
	{ "1.2.3.4", "1.2.3.4" },
	{ "2001:db8::1", "2001:db8::1" },
	{ "[::1", NULL },
	{ "[::1]x", NULL },
	{ "[::1]:", NULL },
	{ "[::1]:http", NULL },
	{ "[::1]:123456", NULL },
	{ "[]", NULL },
	{ "[", NULL },
	{ "[1.2.3]", NULL },
	{ "1.2.3.4:port", NULL },
	{ "1.2.3.4:", NULL },
	{ "1.2.3.4:80:80", NULL },
	{ "1.2.3:80", NULL },
	{ "localhost:80", NULL },
	{ "-", NULL },
	{ "", NULL },
};

START_TEST(test_token)
{
	const char *in = token_cases[_i].in, *want = token_cases[_i].out;
	size_t n = strlen(in);
	struct ip ip;
	char buf[IP_STRLEN];
	int r = ip_token(tu_guarded(in, n), n, &ip);

	if (want == NULL) {
		ck_assert_msg(r == -1, "ip_token(\"%s\") accepted it", in);
		return;
	}
	ck_assert_msg(r == 0, "ip_token(\"%s\") refused it", in);
	ip_format(&ip, buf);
	ck_assert_str_eq(buf, want);
}
END_TEST

/*
 * ip_find on real-looking lines.  tok is the text between *tok and the
 * returned end; want NULL: no address in the line.
 */
static const struct {
	const char *line, *want, *tok;
} find_cases[] = {
	{ "Failed password for root from 1.2.3.4 port 22 ssh2",
	    "1.2.3.4", "1.2.3.4" },
	{ "[Thu Jul 11 01:21:44 2013] [error] [client "
	    "2001:db8::80da:af6b:8b2c] user test-ipv6 not found: /",
	    "2001:db8::80da:af6b:8b2c", "2001:db8::80da:af6b:8b2c" },
	{ "[Sat Jul 20 21:34:49.453232 2013] [access_compat:error] "
	    "[pid 17512:tid 140123104306944] [client 127.0.0.1:51380] AH01797",
	    "127.0.0.1", "127.0.0.1:51380" },
	{ "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=1.2.3.4  user=root", "1.2.3.4", "1.2.3.4" },
	{ "key:1.2.3.4", "1.2.3.4", "1.2.3.4" },
	{ "host=dead:beef::1 ok", "dead:beef::1", "dead:beef::1" },
	{ "ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4", "1.2.3.4",
	    "::ffff:1.2.3.4" },
	{ "link fe80::1%eth0 up", "fe80::1", "fe80::1%eth0" },
	{ "upstream [2001:db8::1]:443 closed", "2001:db8::1", "2001:db8::1" },
	{ "Connect from 1.128.3.4:40780 to 1.128.3.4:5000", "1.128.3.4",
	    "1.128.3.4:40780" },
	{ "from 1.2.3.4 to 5.6.7.8", "1.2.3.4", "1.2.3.4" },
	{ "cafe 1.2.3.4", "1.2.3.4", "1.2.3.4" },
	{ "at 06:55:46 from 10.0.0.1", "10.0.0.1", "10.0.0.1" },
	{ "OpenSSH_7.4 talks to 5.6.7.8", "5.6.7.8", "5.6.7.8" },
	{ "DHCPACK on 10.0.0.5 to 00:1a:2b:3c:4d:5e", "10.0.0.5", "10.0.0.5" },
	{ "1.2.3.4", "1.2.3.4", "1.2.3.4" },
	/* Old OpenSSH: "Received disconnect from ADDR: 11: Bye Bye". */
	{ "Received disconnect from 1.2.3.4: 11: Bye Bye", "1.2.3.4",
	    "1.2.3.4" },
	{ "Received disconnect from 2001:db8::1: 11: Bye Bye", "2001:db8::1",
	    "2001:db8::1" },
	/* The end is a sentence's full stop: see test_find. */
	{ "Connection from 1.2.3.4.", "1.2.3.4", NULL },
	/* Runs that look like addresses and are not. */
	{ "Found matching RSA key: "
	    "39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84", NULL, NULL },
	{ "Dec 10 06:55:46 LabSZ sshd[24200]: session closed", NULL, NULL },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36",
	    NULL, NULL },
	{ "SSH-2.0-OpenSSH_7.4", NULL, NULL },
	{ "Apr 20 13:17:01 ip-10-77-20-248 CRON[1]: session opened",
	    NULL, NULL },
	{ "999.1.1.1 connected", NULL, NULL },
	{ "link 00:1a:2b:3c:4d:5e up", NULL, NULL },
	{ "ether de:ad:be:ef:00:01", NULL, NULL },
	{ "1.2.3.4.example.com resolved", NULL, NULL },
	{ "GET /1.2.3.4 HTTP/1.1", NULL, NULL },
	{ "a ::: b", NULL, NULL },
	{ "2024-03-27T13:06:56Z nothing", NULL, NULL },
	{ "", NULL, NULL },
};

START_TEST(test_find)
{
	const char *line = find_cases[_i].line, *want = find_cases[_i].want;
	const char *span = find_cases[_i].tok;
	size_t n = strlen(line);
	const char *p = tu_guarded(line, n), *tok = NULL, *end;
	struct ip ip;
	char buf[IP_STRLEN];

	end = ip_find(p, p + n, &ip, &tok);
	if (want == NULL) {
		ck_assert_msg(end == NULL, "found \"%.*s\" in \"%s\"",
		    end ? (int)(end - tok) : 0, tok ? tok : "", line);
		return;
	}
	ck_assert_msg(end != NULL, "nothing found in \"%s\"", line);
	ip_format(&ip, buf);
	ck_assert_str_eq(buf, want);
	ck_assert_ptr_nonnull(tok);
	if (span == NULL) {
		/* Sentence-final: the token starts at the address. */
		ck_assert_int_eq(tok - p, strstr(line, want) - line);
		ck_assert(end > tok && end <= p + n);
		return;
	}
	ck_assert_int_eq(tok - p, strstr(line, span) - line);
	ck_assert_int_eq(end - tok, (int)strlen(span));
	/* The tok argument is optional. */
	ck_assert_ptr_eq(ip_find(p, p + n, &ip, NULL), end);
}
END_TEST

/* Scanning resumes after a hit, as the sshd parser does. */
START_TEST(test_find_all)
{
	static const char line[] = "a 1.2.3.4, b [2001:db8::2]:80 and "
	    "Chrome/1.2.3.4 c 10.0.0.1.";
	static const char *const want[] = { "1.2.3.4", "2001:db8::2",
	    "10.0.0.1" };
	const char *p = line, *end = line + sizeof(line) - 1, *tok;
	struct ip ip;
	char buf[IP_STRLEN];
	size_t found = 0;

	while ((p = ip_find(p, end, &ip, &tok)) != NULL) {
		ck_assert_uint_lt(found, nitems(want));
		ip_format(&ip, buf);
		ck_assert_str_eq(buf, want[found]);
		found++;
	}
	ck_assert_uint_eq(found, nitems(want));
}
END_TEST

/* Report order: IPv4 before IPv6, each numerically. */
static const struct {
	const char *a, *b;
	int sign;
} cmp_cases[] = {
	{ "1.2.3.4", "1.2.3.5", -1 },
	{ "1.2.3.4", "1.2.3.4", 0 },
	{ "10.0.0.1", "9.255.255.255", 1 },
	{ "2.0.0.0", "10.0.0.0", -1 },		/* numeric, not textual */
	{ "255.255.255.255", "::", -1 },	/* every IPv4 before IPv6 */
	{ "255.255.255.255", "::1", -1 },
	{ "0.0.0.0", "::fffe:ffff:ffff", -1 },
	{ "::", "::1", -1 },
	{ "::1", "2001:db8::", -1 },
	{ "2001:db8::1", "2001:db8::1", 0 },
	{ "2001:db8::2", "2001:db8::10", -1 },
	{ "2001:db9::", "2001:db8:ffff::", 1 },
	{ "ffff::", "fe80::1", 1 },
	{ "::ffff:1.2.3.4", "1.2.3.4", 0 },
};

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

START_TEST(test_cmp)
{
	struct ip a = addr(cmp_cases[_i].a), b = addr(cmp_cases[_i].b);

	ck_assert_int_eq(sign(ip_cmp(&a, &b)), cmp_cases[_i].sign);
	ck_assert_int_eq(sign(ip_cmp(&b, &a)), -cmp_cases[_i].sign);
	if (cmp_cases[_i].sign == 0)
		ck_assert(ip_hash(&a) == ip_hash(&b));
}
END_TEST

static int
cmp_qsort(const void *a, const void *b)
{
	return ip_cmp(a, b);
}

START_TEST(test_cmp_sort)
{
	static const char *const sorted[] = {
		"0.0.0.0", "1.2.3.4", "9.0.0.0", "10.0.0.0", "192.168.0.1",
		"255.255.255.255", "::", "::1", "::102:304", "1::",
		"2001:db8::1", "2001:db8::1:0", "fe80::1", "ffff::1",
	};
	enum { N = nitems(sorted) };
	struct ip ips[N];
	char buf[IP_STRLEN];

	/* Reversed, then sorted back. */
	for (size_t i = 0; i < N; i++)
		ips[i] = addr(sorted[N - 1 - i]);
	qsort(ips, N, sizeof(ips[0]), cmp_qsort);
	for (size_t i = 0; i < N; i++) {
		ip_format(&ips[i], buf);
		ck_assert_str_eq(buf, sorted[i]);
	}
}
END_TEST

/* ip_in_net, the network read by ip_net_parse. */
static const struct {
	const char *addr, *net;
	int in;
} in_net_cases[] = {
	{ "10.1.2.3", "10.0.0.0/8", 1 },
	{ "11.0.0.0", "10.0.0.0/8", 0 },
	{ "9.255.255.255", "10.0.0.0/8", 0 },
	{ "192.168.1.1", "192.168.0.0/16", 1 },
	{ "172.31.255.255", "172.16.0.0/12", 1 },
	{ "172.32.0.1", "172.16.0.0/12", 0 },
	{ "172.15.255.255", "172.16.0.0/12", 0 },
	{ "1.2.3.4", "1.2.3.4/32", 1 },
	{ "1.2.3.5", "1.2.3.4/32", 0 },
	{ "1.2.3.5", "1.2.3.4/31", 1 },
	{ "1.2.3.6", "1.2.3.4/31", 0 },
	{ "1.2.3.4", "1.2.3.4", 1 },
	{ "1.2.3.4", "0.0.0.0/0", 1 },
	{ "::1", "0.0.0.0/0", 0 },
	{ "::1", "::/0", 1 },
	{ "1.2.3.4", "::/0", 1 },
	{ "2001:db8:ffff::1", "2001:db8::/32", 1 },
	{ "2001:db9::", "2001:db8::/32", 0 },
	{ "fe80::1", "fe80::/10", 1 },
	{ "febf:ffff::1", "fe80::/10", 1 },
	{ "fec0::1", "fe80::/10", 0 },
	{ "2001:db8::1", "2001:db8::1/128", 1 },
	{ "2001:db8::2", "2001:db8::1/128", 0 },
};

START_TEST(test_in_net)
{
	struct ip a = addr(in_net_cases[_i].addr), net;
	unsigned plen;

	ck_assert_int_eq(ip_net_parse(in_net_cases[_i].net, &net, &plen), 0);
	ck_assert_int_eq(ip_in_net(&a, &net, plen), in_net_cases[_i].in);
}
END_TEST

START_TEST(test_in_net_bad_plen)
{
	struct ip a = addr("1.2.3.4");

	ck_assert_int_eq(ip_in_net(&a, &a, 128), 1);
	ck_assert_int_eq(ip_in_net(&a, &a, 129), 0);
}
END_TEST

/* ip_net_parse + ip_net_format; plen in 128-bit terms. */
static const struct {
	const char *in, *out;
	unsigned plen;
} net_cases[] = {
	{ "10.0.0.0/8", "10.0.0.0/8", 104 },
	{ "10.1.2.3/8", "10.0.0.0/8", 104 },		/* host bits cleared */
	{ "192.168.1.255/23", "192.168.0.0/23", 119 },
	{ "1.2.3.4", "1.2.3.4/32", 128 },
	{ "1.2.3.4/32", "1.2.3.4/32", 128 },
	{ "0.0.0.0/0", "0.0.0.0/0", 96 },
	{ "255.255.255.255/1", "128.0.0.0/1", 97 },
	{ "074.125.000.000/16", "74.125.0.0/16", 112 },
	{ "2001:db8::/32", "2001:db8::/32", 32 },
	{ "2001:db8:abcd:1234::1/48", "2001:db8:abcd::/48", 48 },
	{ "2001:DB8::/32", "2001:db8::/32", 32 },
	{ "2001:db8::1", "2001:db8::1/128", 128 },
	{ "::/0", "::/0", 0 },
	{ "fe80::/10", "fe80::/10", 10 },
	{ "ffff::/1", "8000::/1", 1 },
	{ "64:ff9b::/96", "64:ff9b::/96", 96 },
	{ "2001:db8::/128", "2001:db8::/128", 128 },
	/* IPv4-mapped written as IPv6: the prefix counts from bit 0. */
	{ "::ffff:0:0/96", "0.0.0.0/0", 96 },
	{ "::ffff:10.0.0.0/104", "10.0.0.0/8", 104 },
	{ "::ffff:10.1.2.3", "10.1.2.3/32", 128 },
	{ "10.0.0.0/33", NULL, 0 },
	{ "2001:db8::/129", NULL, 0 },
	{ "10.0.0.0/", NULL, 0 },
	{ "10.0.0.0/8x", NULL, 0 },
	{ "10.0.0.0/-1", NULL, 0 },
	{ "10.0.0.0/ 8", NULL, 0 },
	{ "10.0.0.0/0008", NULL, 0 },
	{ "10.0.0/8", NULL, 0 },
	{ "bogus/8", NULL, 0 },
	{ "/8", NULL, 0 },
	{ "", NULL, 0 },
};

START_TEST(test_net)
{
	struct ip net;
	unsigned plen = 12345;
	char buf[IP_STRLEN + 8];
	int r = ip_net_parse(net_cases[_i].in, &net, &plen);

	if (net_cases[_i].out == NULL) {
		ck_assert_msg(r == -1, "ip_net_parse(\"%s\") accepted it",
		    net_cases[_i].in);
		return;
	}
	ck_assert_msg(r == 0, "ip_net_parse(\"%s\") refused it",
	    net_cases[_i].in);
	ck_assert_uint_eq(plen, net_cases[_i].plen);
	ck_assert_uint_eq(ip_net_format(&net, plen, buf),
	    strlen(net_cases[_i].out));
	ck_assert_str_eq(buf, net_cases[_i].out);
	/* The canonical text reads back to the same network. */
	{
		struct ip again;
		unsigned plen2;

		ck_assert_int_eq(ip_net_parse(buf, &again, &plen2), 0);
		ck_assert_int_eq(ip_cmp(&net, &again), 0);
		ck_assert_uint_eq(plen, plen2);
	}
}
END_TEST

/* netlist_has: any of the networks; IPv4 and IPv6 in one list. */
START_TEST(test_netlist)
{
	static const char *const nets[] = {
		"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::ffff:0:0/96",
	};
	static const struct {
		const char *addr;
		int n;		/* the first n networks of nets */
		int in;
	} cases[] = {
		{ "10.255.255.255", 1, 1 },
		{ "11.0.0.0", 1, 0 },
		{ "192.0.2.7", 2, 1 },
		{ "192.0.2.8", 2, 0 },
		{ "2001:db8:ffff::1", 3, 1 },
		{ "2001:db9::", 3, 0 },
		{ "10.1.2.3", 0, 0 },		/* the empty list has none */
		{ "::ffff:203.0.113.9", 3, 0 },
		{ "203.0.113.9", 4, 1 },	/* every IPv4 address */
		{ "2001:db9::", 4, 0 },
	};
	struct ip net[nitems(nets)];
	unsigned plen[nitems(nets)];
	struct netlist l = { net, plen, 0 };

	for (size_t i = 0; i < nitems(nets); i++)
		ck_assert_int_eq(ip_net_parse(nets[i], &net[i], &plen[i]), 0);
	for (size_t i = 0; i < nitems(cases); i++) {
		struct ip a = addr(cases[i].addr);

		l.n = cases[i].n;
		ck_assert_msg(netlist_has(&l, &a) == cases[i].in,
		    "%s in the first %d: want %d", cases[i].addr, cases[i].n,
		    cases[i].in);
	}
}
END_TEST

START_TEST(test_route_hash)
{
	struct ip a, b;

	/* One /24: one worker. */
	a = addr("10.1.2.3");
	b = addr("10.1.2.250");
	ck_assert(ip_route_hash(&a) == ip_route_hash(&b));
	ck_assert(ip_hash(&a) != ip_hash(&b));
	b = addr("10.1.3.3");
	ck_assert(ip_route_hash(&a) != ip_route_hash(&b));
	/* One /48. */
	a = addr("2001:db8:1::1");
	b = addr("2001:db8:1:ffff:1:2:3:4");
	ck_assert(ip_route_hash(&a) == ip_route_hash(&b));
	ck_assert(ip_hash(&a) != ip_hash(&b));
	b = addr("2001:db8:2::1");
	ck_assert(ip_route_hash(&a) != ip_route_hash(&b));
}
END_TEST

/* Neighbouring networks spread over workers (8, the default). */
START_TEST(test_route_hash_spread)
{
	enum { NETS = 4096, WORKERS = 8 };
	unsigned per[WORKERS] = { 0 };
	uint64_t prev = 0;

	for (uint32_t i = 0; i < NETS; i++) {
		struct ip ip;
		uint64_t h;

		ip_from_v4(&ip, 0x0a000000 | i << 8 | (i & 0xff));
		h = ip_route_hash(&ip);
		ck_assert(i == 0 || h != prev);
		prev = h;
		per[h % WORKERS]++;
	}
	/* Within a quarter of the mean: no worker starves or drowns. */
	for (int w = 0; w < WORKERS; w++) {
		ck_assert_uint_gt(per[w], NETS / WORKERS * 3 / 4);
		ck_assert_uint_lt(per[w], NETS / WORKERS * 5 / 4);
	}
}
END_TEST

static Suite *
ip_suite(void)
{
	Suite *s = suite_create("ip");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse, 0, nitems(parse_cases));
	tcase_add_test(tc, test_parse_length);
	tcase_add_test(tc, test_format_longest);
	tcase_add_test(tc, test_v4_helpers);
	tcase_add_loop_test(tc, test_token, 0, nitems(token_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("find");
	tcase_add_loop_test(tc, test_find, 0, nitems(find_cases));
	tcase_add_test(tc, test_find_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_loop_test(tc, test_cmp, 0, nitems(cmp_cases));
	tcase_add_test(tc, test_cmp_sort);
	suite_add_tcase(s, tc);

	tc = tcase_create("net");
	tcase_add_loop_test(tc, test_in_net, 0, nitems(in_net_cases));
	tcase_add_test(tc, test_in_net_bad_plen);
	tcase_add_loop_test(tc, test_net, 0, nitems(net_cases));
	tcase_add_test(tc, test_netlist);
	tcase_add_test(tc, test_route_hash);
	tcase_add_test(tc, test_route_hash_spread);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(ip_suite());
}
