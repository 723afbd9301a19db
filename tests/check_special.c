/*
 * special.c: which special-purpose block holds an address.
 *
 * The table tests need nothing but the code.  The registry tests read
 * IANA's own files, when they are there ($IPWHOIS_REALDATA, default
 * ../shared/realdata), and check that every block they list has its row.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

/* name NULL: an ordinary address, special_lookup() gives NULL. */
static const struct {
	const char *addr;
	enum kind kind;
	const char *name;
} cases[] = {
	/* IPv4, each block with its edges and a neighbour outside. */
	{ "0.0.0.0", KIND_UNSPECIFIED, "This host on this network" },
	{ "0.0.0.1", KIND_RESERVED, "This network" },
	{ "0.255.255.255", KIND_RESERVED, "This network" },
	{ "1.0.0.0", KIND_PUBLIC, NULL },
	{ "8.8.8.8", KIND_PUBLIC, NULL },
	{ "9.255.255.255", KIND_PUBLIC, NULL },
	{ "10.0.0.0", KIND_PRIVATE, "Private-Use" },
	{ "10.255.255.255", KIND_PRIVATE, "Private-Use" },
	{ "11.0.0.0", KIND_PUBLIC, NULL },
	{ "100.63.255.255", KIND_PUBLIC, NULL },
	{ "100.64.0.0", KIND_CGNAT, "Shared Address Space" },
	{ "100.127.255.255", KIND_CGNAT, "Shared Address Space" },
	{ "100.128.0.0", KIND_PUBLIC, NULL },
	{ "126.255.255.255", KIND_PUBLIC, NULL },
	{ "127.0.0.0", KIND_LOOPBACK, "Loopback" },
	{ "127.0.0.1", KIND_LOOPBACK, "Loopback" },
	{ "127.255.255.255", KIND_LOOPBACK, "Loopback" },
	{ "128.0.0.0", KIND_PUBLIC, NULL },
	{ "169.253.255.255", KIND_PUBLIC, NULL },
	{ "169.254.0.0", KIND_LINK_LOCAL, "Link Local" },
	{ "169.254.255.255", KIND_LINK_LOCAL, "Link Local" },
	{ "169.255.0.0", KIND_PUBLIC, NULL },
	{ "172.15.255.255", KIND_PUBLIC, NULL },
	{ "172.16.0.0", KIND_PRIVATE, "Private-Use" },
	{ "172.31.255.255", KIND_PRIVATE, "Private-Use" },
	{ "172.32.0.0", KIND_PUBLIC, NULL },
	{ "191.255.255.255", KIND_PUBLIC, NULL },
	/* 192.0.0.0/24 and the blocks inside it: the smallest wins. */
	{ "192.0.0.0", KIND_RESERVED, "IPv4 Service Continuity Prefix" },
	{ "192.0.0.7", KIND_RESERVED, "IPv4 Service Continuity Prefix" },
	{ "192.0.0.8", KIND_RESERVED, "IPv4 dummy address" },
	{ "192.0.0.9", KIND_ANYCAST, "Port Control Protocol Anycast" },
	{ "192.0.0.10", KIND_ANYCAST,
	    "Traversal Using Relays around NAT Anycast" },
	{ "192.0.0.11", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "192.0.0.169", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "192.0.0.170", KIND_RESERVED, "NAT64/DNS64 Discovery" },
	{ "192.0.0.171", KIND_RESERVED, "NAT64/DNS64 Discovery" },
	{ "192.0.0.172", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "192.0.0.255", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "192.0.1.0", KIND_PUBLIC, NULL },
	{ "192.0.2.0", KIND_DOCUMENTATION, "Documentation (TEST-NET-1)" },
	{ "192.0.2.255", KIND_DOCUMENTATION, "Documentation (TEST-NET-1)" },
	{ "192.0.3.0", KIND_PUBLIC, NULL },
	{ "192.31.195.255", KIND_PUBLIC, NULL },
	{ "192.31.196.0", KIND_ANYCAST, "AS112-v4" },
	{ "192.31.196.255", KIND_ANYCAST, "AS112-v4" },
	{ "192.52.193.1", KIND_ANYCAST, "AMT" },
	{ "192.88.99.1", KIND_TUNNEL, "Deprecated (6to4 Relay Anycast)" },
	{ "192.88.100.0", KIND_PUBLIC, NULL },
	{ "192.167.255.255", KIND_PUBLIC, NULL },
	{ "192.168.0.0", KIND_PRIVATE, "Private-Use" },
	{ "192.168.1.1", KIND_PRIVATE, "Private-Use" },
	{ "192.168.255.255", KIND_PRIVATE, "Private-Use" },
	{ "192.169.0.0", KIND_PUBLIC, NULL },
	{ "192.175.48.53", KIND_ANYCAST, "Direct Delegation AS112 Service" },
	{ "198.17.255.255", KIND_PUBLIC, NULL },
	{ "198.18.0.0", KIND_BENCHMARKING, "Benchmarking" },
	{ "198.19.255.255", KIND_BENCHMARKING, "Benchmarking" },
	{ "198.20.0.0", KIND_PUBLIC, NULL },
	{ "198.51.100.7", KIND_DOCUMENTATION, "Documentation (TEST-NET-2)" },
	{ "203.0.112.255", KIND_PUBLIC, NULL },
	{ "203.0.113.0", KIND_DOCUMENTATION, "Documentation (TEST-NET-3)" },
	{ "203.0.113.255", KIND_DOCUMENTATION, "Documentation (TEST-NET-3)" },
	{ "223.255.255.255", KIND_PUBLIC, NULL },
	{ "224.0.0.0", KIND_MULTICAST, "Multicast" },
	{ "224.0.0.251", KIND_MULTICAST, "Multicast" },
	{ "239.255.255.255", KIND_MULTICAST, "Multicast" },
	{ "240.0.0.0", KIND_RESERVED, "Reserved" },
	{ "255.255.255.254", KIND_RESERVED, "Reserved" },
	{ "255.255.255.255", KIND_BROADCAST, "Limited Broadcast" },
	/* IPv4-mapped IPv6 is IPv4. */
	{ "::ffff:10.0.0.1", KIND_PRIVATE, "Private-Use" },
	{ "::ffff:8.8.8.8", KIND_PUBLIC, NULL },

	/* IPv6. */
	{ "::", KIND_UNSPECIFIED, "Unspecified Address" },
	{ "::1", KIND_LOOPBACK, "Loopback Address" },
	{ "::2", KIND_RESERVED, "Reserved by IETF" },
	{ "::1.2.3.4", KIND_RESERVED, "Reserved by IETF" },
	{ "::fffe:0:0", KIND_RESERVED, "Reserved by IETF" },
	{ "64:ff9b::", KIND_TRANSLATION, "IPv4-IPv6 Translat." },
	{ "64:ff9b::192.0.2.1", KIND_TRANSLATION, "IPv4-IPv6 Translat." },
	{ "64:ff9b::ffff:ffff", KIND_TRANSLATION, "IPv4-IPv6 Translat." },
	{ "64:ff9b::1:0:0", KIND_RESERVED, "Reserved by IETF" },
	{ "64:ff9b:1::1", KIND_TRANSLATION, "IPv4-IPv6 Translat." },
	{ "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", KIND_TRANSLATION,
	    "IPv4-IPv6 Translat." },
	{ "64:ff9b:2::", KIND_RESERVED, "Reserved by IETF" },
	{ "ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Reserved by IETF" },
	{ "100::", KIND_RESERVED, "Discard-Only Address Block" },
	{ "100::ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Discard-Only Address Block" },
	{ "100:0:0:1::", KIND_RESERVED, "Dummy IPv6 Prefix" },
	{ "100:0:0:2::", KIND_RESERVED, "Reserved by IETF" },
	{ "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Reserved by IETF" },
	{ "2000::", KIND_PUBLIC, NULL },
	/* 2001::/23 and the blocks inside it. */
	{ "2001::", KIND_TUNNEL, "TEREDO" },
	{ "2001:0:4136:e378:8000:63bf:3fff:fdd2", KIND_TUNNEL, "TEREDO" },
	{ "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", KIND_TUNNEL, "TEREDO" },
	{ "2001:1::", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "2001:1::1", KIND_ANYCAST, "Port Control Protocol Anycast" },
	{ "2001:1::2", KIND_ANYCAST,
	    "Traversal Using Relays around NAT Anycast" },
	{ "2001:1::3", KIND_ANYCAST,
	    "DNS-SD Service Registration Protocol Anycast Address" },
	{ "2001:1::4", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "2001:2::", KIND_BENCHMARKING, "Benchmarking" },
	{ "2001:2:0:ffff:ffff:ffff:ffff:ffff", KIND_BENCHMARKING,
	    "Benchmarking" },
	{ "2001:2:1::", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "2001:3::", KIND_ANYCAST, "AMT" },
	{ "2001:3:ffff:ffff:ffff:ffff:ffff:ffff", KIND_ANYCAST, "AMT" },
	{ "2001:4:112::1", KIND_ANYCAST, "AS112-v6" },
	{ "2001:4:113::", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "2001:10::1", KIND_RESERVED, "Deprecated (previously ORCHID)" },
	{ "2001:20::1", KIND_RESERVED, "ORCHIDv2" },
	{ "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "ORCHIDv2" },
	{ "2001:30::1", KIND_RESERVED,
	    "Drone Remote ID Protocol Entity Tags (DETs) Prefix" },
	{ "2001:40::", KIND_RESERVED, "IETF Protocol Assignments" },
	{ "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "IETF Protocol Assignments" },
	{ "2001:200::", KIND_PUBLIC, NULL },
	/* 2001:db8::/32 is not inside 2001::/23 (2001:0-2001:1ff). */
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", KIND_PUBLIC, NULL },
	{ "2001:db8::", KIND_DOCUMENTATION, "Documentation" },
	{ "2001:db8::1", KIND_DOCUMENTATION, "Documentation" },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", KIND_DOCUMENTATION,
	    "Documentation" },
	{ "2001:db9::", KIND_PUBLIC, NULL },
	{ "2001:4860:4860::8888", KIND_PUBLIC, NULL },
	{ "2002::", KIND_TUNNEL, "6to4" },
	{ "2002:c000:204::1", KIND_TUNNEL, "6to4" },
	{ "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_TUNNEL, "6to4" },
	{ "2003::", KIND_PUBLIC, NULL },
	{ "2620:4f:8000::", KIND_ANYCAST, "Direct Delegation AS112 Service" },
	{ "2620:4f:8001::", KIND_PUBLIC, NULL },
	{ "2a00:1450::1", KIND_PUBLIC, NULL },
	{ "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_PUBLIC, NULL },
	{ "3fff::", KIND_DOCUMENTATION, "Documentation" },
	{ "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_DOCUMENTATION,
	    "Documentation" },
	{ "3fff:1000::", KIND_PUBLIC, NULL },
	{ "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_PUBLIC, NULL },
	{ "4000::", KIND_RESERVED, "Reserved by IETF" },
	{ "5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Reserved by IETF" },
	{ "5f00::", KIND_RESERVED, "Segment Routing (SRv6) SIDs" },
	{ "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Segment Routing (SRv6) SIDs" },
	{ "5f01::", KIND_RESERVED, "Reserved by IETF" },
	{ "8000::", KIND_RESERVED, "Reserved by IETF" },
	{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Reserved by IETF" },
	{ "fc00::", KIND_PRIVATE, "Unique-Local" },
	{ "fd12:3456:789a::1", KIND_PRIVATE, "Unique-Local" },
	{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_PRIVATE,
	    "Unique-Local" },
	{ "fe00::", KIND_RESERVED, "Reserved by IETF" },
	{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Reserved by IETF" },
	{ "fe80::", KIND_LINK_LOCAL, "Link-Local Unicast" },
	{ "fe80::1%eth0", KIND_LINK_LOCAL, "Link-Local Unicast" },
	{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_LINK_LOCAL,
	    "Link-Local Unicast" },
	{ "fec0::", KIND_RESERVED, "Reserved by IETF" },
	{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_RESERVED,
	    "Reserved by IETF" },
	{ "ff00::", KIND_MULTICAST, "Multicast" },
	{ "ff02::1", KIND_MULTICAST, "Multicast" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", KIND_MULTICAST,
	    "Multicast" },
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
	const struct special *sp = special_lookup(&ip);

	if (cases[_i].name == NULL) {
		ck_assert_msg(sp == NULL, "%s: got %s (%s), want public",
		    cases[_i].addr, sp ? sp->net : "", sp ? sp->name : "");
		return;
	}
	ck_assert_msg(sp != NULL, "%s: got public, want %s",
	    cases[_i].addr, cases[_i].name);
	ck_assert_msg(sp->kind == cases[_i].kind, "%s: kind %s, want %s",
	    cases[_i].addr, kind_name(sp->kind), kind_name(cases[_i].kind));
	ck_assert_str_eq(sp->name, cases[_i].name);
	/* The row's network holds the address. */
	{
		struct ip net;
		unsigned plen;

		ck_assert_int_eq(ip_net_parse(sp->net, &net, &plen), 0);
		ck_assert(ip_in_net(&ip, &net, plen));
	}
}
END_TEST

/* The table above names every kind at least once. */
START_TEST(test_every_kind)
{
	int seen[KIND_MAX] = { 0 };

	for (size_t i = 0; i < nitems(cases); i++)
		seen[cases[i].kind] = 1;
	for (int k = 0; k < KIND_MAX; k++)
		ck_assert_msg(seen[k], "no case for kind %s",
		    kind_name((enum kind)k));
}
END_TEST

START_TEST(test_kind_name)
{
	static const char *const want[KIND_MAX] = {
		"public", "private", "loopback", "link-local", "cgnat",
		"documentation", "multicast", "benchmarking", "unspecified",
		"broadcast", "translation", "tunnel", "anycast", "reserved",
	};

	ck_assert_str_eq(kind_name(KIND_PUBLIC), "public");
	ck_assert_str_eq(kind_name(KIND_LINK_LOCAL), "link-local");
	ck_assert_str_eq(kind_name(KIND_RESERVED), "reserved");
	for (int k = 0; k < KIND_MAX; k++)
		ck_assert_str_eq(kind_name((enum kind)k), want[k]);
	ck_assert_str_eq(kind_name(KIND_MAX), "unknown");
}
END_TEST

/* The same address always gives the same row (the table is parsed once). */
START_TEST(test_stable)
{
	struct ip ip = addr("192.0.0.9");
	const struct special *a = special_lookup(&ip), *b = special_lookup(&ip);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(a, b);
}
END_TEST

/* The IANA files, when present. */

/* The last address of net/plen. */
static struct ip
last_of(const struct ip *net, unsigned plen)
{
	struct ip ip = *net;

	for (unsigned bit = plen; bit < 128; bit++)
		ip.b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	return ip;
}

/*
 * The block cidr has a row of its own: its first or its last address
 * finds it (the other may sit in a smaller block inside it).
 */
static void
check_block(const char *cidr)
{
	struct ip net, last, rnet;
	unsigned plen, rplen;
	const struct special *ends[2];
	int found = 0;

	ck_assert_msg(ip_net_parse(cidr, &net, &plen) == 0,
	    "registry block %s does not parse", cidr);
	last = last_of(&net, plen);
	ends[0] = special_lookup(&net);
	ends[1] = special_lookup(&last);
	for (int i = 0; i < 2; i++) {
		if (ends[i] == NULL)
			continue;
		ck_assert_int_eq(ip_net_parse(ends[i]->net, &rnet, &rplen), 0);
		if (rplen == plen && ip_cmp(&rnet, &net) == 0)
			found = 1;
	}
	ck_assert_msg(found, "registry block %s has no row", cidr);
}

/*
 * Every <tag>...</tag> text in an IANA XML registry, split at commas
 * ("192.0.0.170/32, 192.0.0.171/32"), up to any <xref/> inside it.
 */
static int
each_block(const char *xml, const char *tag, const char *skip)
{
	char open[32];
	const char *p = xml;
	int n = 0;

	snprintf(open, sizeof(open), "<%s>", tag);
	while ((p = strstr(p, open)) != NULL) {
		const char *end;

		p += strlen(open);
		end = strchr(p, '<');
		ck_assert_ptr_nonnull(end);
		while (p < end) {
			char cidr[64];
			const char *comma = memchr(p, ',', (size_t)(end - p));
			const char *stop = comma ? comma : end;
			size_t len;

			while (p < stop && *p == ' ')
				p++;
			len = (size_t)(stop - p);
			while (len > 0 && p[len - 1] == ' ')
				len--;
			ck_assert(len > 0 && len < sizeof(cidr));
			memcpy(cidr, p, len);
			cidr[len] = '\0';
			if (skip == NULL || strcmp(cidr, skip) != 0) {
				check_block(cidr);
				n++;
			}
			p = comma ? comma + 1 : end;
		}
	}
	return n;
}

START_TEST(test_iana_v4_special)
{
	char *xml = tu_realdata_file("iana/iana-ipv4-special-registry.xml",
	    NULL);

	if (xml == NULL)
		return;
	ck_assert_int_ge(each_block(xml, "address", NULL), 24);
	free(xml);
}
END_TEST

START_TEST(test_iana_v6_special)
{
	char *xml = tu_realdata_file("iana/iana-ipv6-special-registry.xml",
	    NULL);

	if (xml == NULL)
		return;
	/* Folded into IPv4 by struct ip: no row of its own. */
	ck_assert_int_ge(each_block(xml, "address", "::ffff:0:0/96"), 20);
	free(xml);
}
END_TEST

/* Everything outside 2000::/3 has a row, named as the registry names it. */
START_TEST(test_iana_v6_space)
{
	char *xml = tu_realdata_file("iana/ipv6-address-space.xml", NULL);

	if (xml == NULL)
		return;
	ck_assert_int_ge(each_block(xml, "prefix", "2000::/3"), 19);
	free(xml);
}
END_TEST

static Suite *
special_suite(void)
{
	Suite *s = suite_create("special");
	TCase *tc = tcase_create("table");
	TCase *rd = tcase_create("realdata");

	tcase_add_loop_test(tc, test_lookup, 0, (int)nitems(cases));
	tcase_add_test(tc, test_every_kind);
	tcase_add_test(tc, test_kind_name);
	tcase_add_test(tc, test_stable);
	suite_add_tcase(s, tc);
	tcase_add_test(rd, test_iana_v4_special);
	tcase_add_test(rd, test_iana_v6_special);
	tcase_add_test(rd, test_iana_v6_space);
	suite_add_tcase(s, rd);
	return s;
}

int
main(void)
{
	return tu_run(special_suite());
}
