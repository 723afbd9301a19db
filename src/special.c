/*
 * Special-purpose addresses: the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890), plus the blocks the address-space
 * registries set aside (multicast, reserved by the IETF, future use).
 * An address in one of these blocks is never looked up anywhere: the
 * table says all there is to say about it.
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

/*
 * Blocks may nest (192.0.0.9/32 inside 192.0.0.0/24): the most specific
 * match wins, so rows can stay in address order.  Every "net" is in
 * canonical form (RFC 5952, no host bits), which special_init() checks.
 * IPv4-mapped ::ffff:0:0/96 is absent on purpose: struct ip folds it into
 * IPv4, so such an address is looked up by its IPv4 rows.
 */
static const struct special specials[] = {
	/* IPv4: iana-ipv4-special-registry, in its order. */
	{ "0.0.0.0/8", KIND_RESERVED, "This network" },	/* RFC 791 */
	{ "0.0.0.0/32", KIND_UNSPECIFIED,
	    "This host on this network" },		/* RFC 1122 */
	{ "10.0.0.0/8", KIND_PRIVATE, "Private-Use" },	/* RFC 1918 */
	{ "100.64.0.0/10", KIND_CGNAT, "Shared Address Space" }, /* RFC 6598 */
	{ "127.0.0.0/8", KIND_LOOPBACK, "Loopback" },	/* RFC 1122 */
	{ "169.254.0.0/16", KIND_LINK_LOCAL, "Link Local" }, /* RFC 3927 */
	{ "172.16.0.0/12", KIND_PRIVATE, "Private-Use" }, /* RFC 1918 */
	{ "192.0.0.0/24", KIND_RESERVED,
	    "IETF Protocol Assignments" },		/* RFC 6890 */
	{ "192.0.0.0/29", KIND_RESERVED,
	    "IPv4 Service Continuity Prefix" },		/* RFC 7335 */
	{ "192.0.0.8/32", KIND_RESERVED, "IPv4 dummy address" }, /* RFC 7600 */
	{ "192.0.0.9/32", KIND_ANYCAST,
	    "Port Control Protocol Anycast" },		/* RFC 7723 */
	{ "192.0.0.10/32", KIND_ANYCAST,
	    "Traversal Using Relays around NAT Anycast" }, /* RFC 8155 */
	{ "192.0.0.170/32", KIND_RESERVED,
	    "NAT64/DNS64 Discovery" },			/* RFC 7050, RFC 8880 */
	{ "192.0.0.171/32", KIND_RESERVED,
	    "NAT64/DNS64 Discovery" },			/* RFC 7050, RFC 8880 */
	{ "192.0.2.0/24", KIND_DOCUMENTATION,
	    "Documentation (TEST-NET-1)" },		/* RFC 5737 */
	{ "192.31.196.0/24", KIND_ANYCAST, "AS112-v4" },	/* RFC 7535 */
	{ "192.52.193.0/24", KIND_ANYCAST, "AMT" },	/* RFC 7450 */
	{ "192.88.99.0/24", KIND_TUNNEL,
	    "Deprecated (6to4 Relay Anycast)" },	/* RFC 7526 */
	{ "192.168.0.0/16", KIND_PRIVATE, "Private-Use" }, /* RFC 1918 */
	{ "192.175.48.0/24", KIND_ANYCAST,
	    "Direct Delegation AS112 Service" },	/* RFC 7534 */
	{ "198.18.0.0/15", KIND_BENCHMARKING, "Benchmarking" }, /* RFC 2544 */
	{ "198.51.100.0/24", KIND_DOCUMENTATION,
	    "Documentation (TEST-NET-2)" },		/* RFC 5737 */
	{ "203.0.113.0/24", KIND_DOCUMENTATION,
	    "Documentation (TEST-NET-3)" },		/* RFC 5737 */
	{ "224.0.0.0/4", KIND_MULTICAST, "Multicast" },	/* RFC 5771 */
	{ "240.0.0.0/4", KIND_RESERVED, "Reserved" },	/* RFC 1112 */
	{ "255.255.255.255/32", KIND_BROADCAST,
	    "Limited Broadcast" },			/* RFC 919, RFC 8190 */

	/* IPv6: iana-ipv6-special-registry, in address order. */
	{ "::/128", KIND_UNSPECIFIED, "Unspecified Address" }, /* RFC 4291 */
	{ "::1/128", KIND_LOOPBACK, "Loopback Address" },	/* RFC 4291 */
	{ "64:ff9b::/96", KIND_TRANSLATION,
	    "IPv4-IPv6 Translat." },			/* RFC 6052 */
	{ "64:ff9b:1::/48", KIND_TRANSLATION,
	    "IPv4-IPv6 Translat." },			/* RFC 8215 */
	{ "100::/64", KIND_RESERVED,
	    "Discard-Only Address Block" },		/* RFC 6666 */
	{ "100:0:0:1::/64", KIND_RESERVED, "Dummy IPv6 Prefix" }, /* RFC 9780 */
	{ "2001::/23", KIND_RESERVED,
	    "IETF Protocol Assignments" },		/* RFC 2928 */
	{ "2001::/32", KIND_TUNNEL, "TEREDO" },		/* RFC 4380, RFC 8190 */
	{ "2001:1::1/128", KIND_ANYCAST,
	    "Port Control Protocol Anycast" },		/* RFC 7723 */
	{ "2001:1::2/128", KIND_ANYCAST,
	    "Traversal Using Relays around NAT Anycast" }, /* RFC 8155 */
	{ "2001:1::3/128", KIND_ANYCAST,
	    "DNS-SD Service Registration Protocol Anycast Address" },
							/* RFC 9665 */
	{ "2001:2::/48", KIND_BENCHMARKING, "Benchmarking" }, /* RFC 5180 */
	{ "2001:3::/32", KIND_ANYCAST, "AMT" },		/* RFC 7450 */
	{ "2001:4:112::/48", KIND_ANYCAST, "AS112-v6" },	/* RFC 7535 */
	{ "2001:10::/28", KIND_RESERVED,
	    "Deprecated (previously ORCHID)" },		/* RFC 4843 */
	{ "2001:20::/28", KIND_RESERVED, "ORCHIDv2" },	/* RFC 7343 */
	{ "2001:30::/28", KIND_RESERVED,
	    "Drone Remote ID Protocol Entity Tags (DETs) Prefix" },
							/* RFC 9374 */
	{ "2001:db8::/32", KIND_DOCUMENTATION, "Documentation" }, /* RFC 3849 */
	{ "2002::/16", KIND_TUNNEL, "6to4" },		/* RFC 3056 */
	{ "2620:4f:8000::/48", KIND_ANYCAST,
	    "Direct Delegation AS112 Service" },	/* RFC 7534 */
	{ "3fff::/20", KIND_DOCUMENTATION, "Documentation" }, /* RFC 9637 */
	{ "5f00::/16", KIND_RESERVED,
	    "Segment Routing (SRv6) SIDs" },		/* RFC 9602 */
	{ "fc00::/7", KIND_PRIVATE, "Unique-Local" },	/* RFC 4193, RFC 8190 */
	{ "fe80::/10", KIND_LINK_LOCAL, "Link-Local Unicast" }, /* RFC 4291 */
	{ "ff00::/8", KIND_MULTICAST, "Multicast" },	/* RFC 4291 */

	/*
	 * IPv6: ipv6-address-space, everything outside 2000::/3 that the
	 * rows above do not name.
	 */
	{ "::/8", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "100::/8", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "200::/7", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4048 */
	{ "400::/6", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "800::/5", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "1000::/4", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "4000::/3", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "6000::/3", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "8000::/3", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "a000::/3", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "c000::/3", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "e000::/4", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "f000::/5", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "f800::/6", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "fe00::/9", KIND_RESERVED, "Reserved by IETF" },	/* RFC 4291 */
	{ "fec0::/10", KIND_RESERVED, "Reserved by IETF" },	/* RFC 3879 */
};

/* The rows' networks in binary, parsed once on first use. */
static struct {
	struct ip net;
	unsigned plen;		/* 128-bit terms */
	int	 v4;
} nets[nitems(specials)];
static int nets_ready;

/*
 * The rows an address may be in, by family and first byte (of the IPv4
 * address, or of the IPv6 one): most first bytes have none, and no
 * address is tried against more than a few rows.
 */
#define CANDIDATES_MAX	16

_Static_assert(nitems(specials) <= 256, "a row number takes a byte");

static struct {
	uint8_t	 n;
	uint8_t	 row[CANDIDATES_MAX];
} candidates[2][256];

/* The first byte that decides, and its family: 1 for IPv4. */
static unsigned
first_byte(const struct ip *ip, int v4)
{
	return v4 ? ip->b[12] : ip->b[0];
}

static void
add_candidates(size_t i)
{
	int v4 = nets[i].v4;
	unsigned plen = nets[i].plen - (v4 ? 96 : 0);
	unsigned first = first_byte(&nets[i].net, v4);
	unsigned span = plen >= 8 ? 1 : 1u << (8 - plen);

	for (unsigned b = first; b < first + span && b < 256; b++) {
		if (candidates[v4][b].n == CANDIDATES_MAX)
			abort();	/* a table this crowded wants a bigger index */
		candidates[v4][b].row[candidates[v4][b].n++] = (uint8_t)i;
	}
}

/*
 * A row that does not parse back to its own text is a typo in the table
 * above, not an input error: stop at once, so that any test finds it.
 */
static void
special_init(void)
{
	char buf[IP_STRLEN + 4];

	for (size_t i = 0; i < nitems(specials); i++) {
		if (ip_net_parse(specials[i].net, &nets[i].net,
		    &nets[i].plen) == -1)
			abort();
		ip_net_format(&nets[i].net, nets[i].plen, buf);
		if (strcmp(buf, specials[i].net) != 0)
			abort();
		nets[i].v4 = ip_is_v4(&nets[i].net);
		/* ::/8 holds the IPv4-mapped addresses, but is no IPv4 row. */
		if (nets[i].v4 && nets[i].plen < 96)
			nets[i].v4 = 0;
		add_candidates(i);
	}
	nets_ready = 1;
}

/*
 * The most specific block holding the address, or NULL for an ordinary
 * address.  Rows of the other family never match: ::/8 holds every
 * IPv4-mapped address, but says nothing about IPv4.
 */
const struct special *
special_lookup(const struct ip *ip)
{
	const struct special *best = NULL;
	unsigned bestlen = 0;
	int v4 = ip_is_v4(ip);

	if (!nets_ready)
		special_init();
	for (unsigned k = 0; k < candidates[v4][first_byte(ip, v4)].n; k++) {
		size_t i = candidates[v4][first_byte(ip, v4)].row[k];

		if (!ip_in_net(ip, &nets[i].net, nets[i].plen))
			continue;
		if (best == NULL || nets[i].plen > bestlen) {
			best = &specials[i];
			bestlen = nets[i].plen;
		}
	}
	return best;
}

/* The report's words for each kind; they are part of the output format. */
static const char *const kind_names[] = {
	[KIND_PUBLIC] = "public",
	[KIND_PRIVATE] = "private",
	[KIND_LOOPBACK] = "loopback",
	[KIND_LINK_LOCAL] = "link-local",
	[KIND_CGNAT] = "cgnat",
	[KIND_DOCUMENTATION] = "documentation",
	[KIND_MULTICAST] = "multicast",
	[KIND_BENCHMARKING] = "benchmarking",
	[KIND_UNSPECIFIED] = "unspecified",
	[KIND_BROADCAST] = "broadcast",
	[KIND_TRANSLATION] = "translation",
	[KIND_TUNNEL] = "tunnel",
	[KIND_ANYCAST] = "anycast",
	[KIND_RESERVED] = "reserved",
};

_Static_assert(nitems(kind_names) == KIND_MAX, "a kind has no name");

const char *
kind_name(enum kind k)
{
	if ((unsigned)k >= KIND_MAX || kind_names[k] == NULL)
		return "unknown";
	return kind_names[k];
}
