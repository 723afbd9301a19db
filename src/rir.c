/*
 * Which Regional Internet Registry administers an address, from IANA's
 * address-space registries alone, with no network traffic.  IANA hands out
 * IPv4 by /8 and IPv6 in large prefixes, so a short table answers for any
 * address; the RIR's own database (RDAP, whois) knows the rest.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ipwhois.h"

/*
 * IANA IPv4 Address Space Registry (ipv4-address-space), by /8: the RIR is
 * the one its WHOIS column names.  "legacy" blocks were assigned before the
 * RIRs existed and are now administered by that RIR; a date is when IANA
 * allocated the block to it.  Blocks with no WHOIS server are RIR_NONE.
 * Consecutive /8s of one RIR share a row; the rows cover 0-255 in order.
 */
static const struct v4_block {
	uint8_t	 first, last;	/* first octet */
	enum rir rir;
} v4_blocks[] = {
	{ 0, 0, RIR_NONE },		/* 0/8 IANA - Local Identification */
	{ 1, 1, RIR_APNIC },		/* 1/8 2010-01 */
	{ 2, 2, RIR_RIPE },		/* 2/8 2009-09 */
	{ 3, 4, RIR_ARIN },		/* 3-4/8 legacy */
	{ 5, 5, RIR_RIPE },		/* 5/8 2010-11 */
	{ 6, 9, RIR_ARIN },		/* 6-9/8 legacy */
	{ 10, 10, RIR_NONE },		/* 10/8 IANA - Private Use */
	{ 11, 13, RIR_ARIN },		/* 11-13/8 legacy */
	{ 14, 14, RIR_APNIC },		/* 14/8 2010-04 */
	{ 15, 24, RIR_ARIN },		/* 15-22/8 legacy; 23-24/8 2001-2010 */
	{ 25, 25, RIR_RIPE },		/* 25/8 legacy */
	{ 26, 26, RIR_ARIN },		/* 26/8 legacy */
	{ 27, 27, RIR_APNIC },		/* 27/8 2010-01 */
	{ 28, 30, RIR_ARIN },		/* 28-30/8 legacy */
	{ 31, 31, RIR_RIPE },		/* 31/8 2010-05 */
	{ 32, 35, RIR_ARIN },		/* 32-35/8 legacy */
	{ 36, 36, RIR_APNIC },		/* 36/8 2010-10 */
	{ 37, 37, RIR_RIPE },		/* 37/8 2010-11 */
	{ 38, 38, RIR_ARIN },		/* 38/8 legacy */
	{ 39, 39, RIR_APNIC },		/* 39/8 2011-01 */
	{ 40, 40, RIR_ARIN },		/* 40/8 legacy */
	{ 41, 41, RIR_AFRINIC },	/* 41/8 2005-04 */
	{ 42, 43, RIR_APNIC },		/* 42/8 2010-10; 43/8 legacy */
	{ 44, 45, RIR_ARIN },		/* 44-45/8 legacy */
	{ 46, 46, RIR_RIPE },		/* 46/8 2009-09 */
	{ 47, 48, RIR_ARIN },		/* 47-48/8 legacy */
	{ 49, 49, RIR_APNIC },		/* 49/8 2010-08 */
	{ 50, 50, RIR_ARIN },		/* 50/8 2010-02 */
	{ 51, 51, RIR_RIPE },		/* 51/8 legacy */
	{ 52, 52, RIR_ARIN },		/* 52/8 legacy */
	{ 53, 53, RIR_RIPE },		/* 53/8 legacy */
	{ 54, 56, RIR_ARIN },		/* 54-56/8 legacy */
	{ 57, 57, RIR_RIPE },		/* 57/8 legacy */
	{ 58, 61, RIR_APNIC },		/* 58-61/8 1997-2004 */
	{ 62, 62, RIR_RIPE },		/* 62/8 1997-04 */
	{ 63, 76, RIR_ARIN },		/* 63-76/8 1997-2005 */
	{ 77, 95, RIR_RIPE },		/* 77-95/8 2001-2007 */
	{ 96, 100, RIR_ARIN },		/* 96-100/8 2006-2010 */
	{ 101, 101, RIR_APNIC },	/* 101/8 2010-08 */
	{ 102, 102, RIR_AFRINIC },	/* 102/8 2011-02 */
	{ 103, 103, RIR_APNIC },	/* 103/8 2011-02 */
	{ 104, 104, RIR_ARIN },		/* 104/8 2011-02 */
	{ 105, 105, RIR_AFRINIC },	/* 105/8 2010-11 */
	{ 106, 106, RIR_APNIC },	/* 106/8 2011-01 */
	{ 107, 108, RIR_ARIN },		/* 107-108/8 2008-2010 */
	{ 109, 109, RIR_RIPE },		/* 109/8 2009-01 */
	{ 110, 126, RIR_APNIC },	/* 110-126/8 2005-2008 */
	{ 127, 127, RIR_NONE },		/* 127/8 IANA - Loopback */
	{ 128, 132, RIR_ARIN },		/* 128-132/8 legacy */
	{ 133, 133, RIR_APNIC },	/* 133/8 legacy */
	{ 134, 140, RIR_ARIN },		/* 134-140/8 legacy */
	{ 141, 141, RIR_RIPE },		/* 141/8 legacy */
	{ 142, 144, RIR_ARIN },		/* 142-144/8 legacy */
	{ 145, 145, RIR_RIPE },		/* 145/8 legacy */
	{ 146, 149, RIR_ARIN },		/* 146-149/8 legacy */
	{ 150, 150, RIR_APNIC },	/* 150/8 legacy */
	{ 151, 151, RIR_RIPE },		/* 151/8 legacy */
	{ 152, 152, RIR_ARIN },		/* 152/8 legacy */
	{ 153, 153, RIR_APNIC },	/* 153/8 legacy */
	{ 154, 154, RIR_AFRINIC },	/* 154/8 legacy */
	{ 155, 162, RIR_ARIN },		/* 155-162/8 legacy */
	{ 163, 163, RIR_APNIC },	/* 163/8 legacy */
	{ 164, 170, RIR_ARIN },		/* 164-170/8 legacy */
	{ 171, 171, RIR_APNIC },	/* 171/8 legacy */
	{ 172, 174, RIR_ARIN },		/* 172/8 legacy; 173-174/8 2008 */
	{ 175, 175, RIR_APNIC },	/* 175/8 2009-08 */
	{ 176, 176, RIR_RIPE },		/* 176/8 2010-05 */
	{ 177, 177, RIR_LACNIC },	/* 177/8 2010-06 */
	{ 178, 178, RIR_RIPE },		/* 178/8 2009-01 */
	{ 179, 179, RIR_LACNIC },	/* 179/8 2011-02 */
	{ 180, 180, RIR_APNIC },	/* 180/8 2009-04 */
	{ 181, 181, RIR_LACNIC },	/* 181/8 2010-06 */
	{ 182, 183, RIR_APNIC },	/* 182-183/8 2009 */
	{ 184, 184, RIR_ARIN },		/* 184/8 2008-12 */
	{ 185, 185, RIR_RIPE },		/* 185/8 2011-02 */
	{ 186, 187, RIR_LACNIC },	/* 186-187/8 2007 */
	{ 188, 188, RIR_RIPE },		/* 188/8 legacy */
	{ 189, 191, RIR_LACNIC },	/* 189-190/8 1995; 191/8 legacy */
	{ 192, 192, RIR_ARIN },		/* 192/8 legacy */
	{ 193, 195, RIR_RIPE },		/* 193-195/8 1993 */
	{ 196, 197, RIR_AFRINIC },	/* 196/8 legacy; 197/8 2008-10 */
	{ 198, 199, RIR_ARIN },		/* 198/8 legacy; 199/8 1993-05 */
	{ 200, 201, RIR_LACNIC },	/* 200-201/8 2002-2003 */
	{ 202, 203, RIR_APNIC },	/* 202-203/8 1993 */
	{ 204, 209, RIR_ARIN },		/* 204-209/8 1994-1996 */
	{ 210, 211, RIR_APNIC },	/* 210-211/8 1996 */
	{ 212, 213, RIR_RIPE },		/* 212-213/8 1993-1997 */
	{ 214, 216, RIR_ARIN },		/* 214-215/8 legacy; 216/8 1998-04 */
	{ 217, 217, RIR_RIPE },		/* 217/8 2000-06 */
	{ 218, 223, RIR_APNIC },	/* 218-223/8 2000-2010 */
	{ 224, 239, RIR_NONE },		/* 224-239/8 Multicast */
	{ 240, 255, RIR_NONE },		/* 240-255/8 Future use */
};

/*
 * IANA IPv6 Global Unicast Address Assignments
 * (ipv6-unicast-address-assignments): the prefixes designated to an RIR,
 * each as its first 32 bits and its length (none is longer than /23).
 * IANA's own blocks (2001::/23, 2002::/16, the reserved rest) are absent:
 * no RIR administers them.  The date is IANA's.
 */
static const struct v6_block {
	uint32_t top;		/* first 32 bits of the prefix */
	unsigned plen;		/* at most 32 */
	enum rir rir;
} v6_blocks[] = {
	{ 0x20010200, 23, RIR_APNIC },	/* 2001:200::/23 1999-07-01 */
	{ 0x20010400, 23, RIR_ARIN },	/* 2001:400::/23 1999-07-01 */
	{ 0x20010600, 23, RIR_RIPE },	/* 2001:600::/23 1999-07-01 */
	{ 0x20010800, 22, RIR_RIPE },	/* 2001:800::/22 2002-11-02 */
	{ 0x20010c00, 23, RIR_APNIC },	/* 2001:c00::/23 2002-05-02 */
	{ 0x20010e00, 23, RIR_APNIC },	/* 2001:e00::/23 2003-01-01 */
	{ 0x20011200, 23, RIR_LACNIC },	/* 2001:1200::/23 2002-11-01 */
	{ 0x20011400, 22, RIR_RIPE },	/* 2001:1400::/22 2003-07-01 */
	{ 0x20011800, 23, RIR_ARIN },	/* 2001:1800::/23 2003-04-01 */
	{ 0x20011a00, 23, RIR_RIPE },	/* 2001:1a00::/23 2004-01-01 */
	{ 0x20011c00, 22, RIR_RIPE },	/* 2001:1c00::/22 2004-05-04 */
	{ 0x20012000, 19, RIR_RIPE },	/* 2001:2000::/19 2019-03-12 */
	{ 0x20014000, 23, RIR_RIPE },	/* 2001:4000::/23 2004-06-11 */
	{ 0x20014200, 23, RIR_AFRINIC },	/* 2001:4200::/23 2004-06-01 */
	{ 0x20014400, 23, RIR_APNIC },	/* 2001:4400::/23 2004-06-11 */
	{ 0x20014600, 23, RIR_RIPE },	/* 2001:4600::/23 2004-08-17 */
	{ 0x20014800, 23, RIR_ARIN },	/* 2001:4800::/23 2004-08-24 */
	{ 0x20014a00, 23, RIR_RIPE },	/* 2001:4a00::/23 2004-10-15 */
	{ 0x20014c00, 23, RIR_RIPE },	/* 2001:4c00::/23 2004-12-17 */
	{ 0x20015000, 20, RIR_RIPE },	/* 2001:5000::/20 2004-09-10 */
	{ 0x20018000, 19, RIR_APNIC },	/* 2001:8000::/19 2004-11-30 */
	{ 0x2001a000, 20, RIR_APNIC },	/* 2001:a000::/20 2004-11-30 */
	{ 0x2001b000, 20, RIR_APNIC },	/* 2001:b000::/20 2006-03-08 */
	{ 0x20030000, 18, RIR_RIPE },	/* 2003::/18 2005-01-12 */
	{ 0x24000000, 12, RIR_APNIC },	/* 2400::/12 2006-10-03 */
	{ 0x26000000, 12, RIR_ARIN },	/* 2600::/12 2006-10-03 */
	{ 0x26100000, 23, RIR_ARIN },	/* 2610::/23 2005-11-17 */
	{ 0x26200000, 23, RIR_ARIN },	/* 2620::/23 2006-09-12 */
	{ 0x26300000, 12, RIR_ARIN },	/* 2630::/12 2019-11-06 */
	{ 0x28000000, 12, RIR_LACNIC },	/* 2800::/12 2006-10-03 */
	{ 0x2a000000, 12, RIR_RIPE },	/* 2a00::/12 2006-10-03 */
	{ 0x2a100000, 12, RIR_RIPE },	/* 2a10::/12 2019-06-05 */
	{ 0x2c000000, 12, RIR_AFRINIC },	/* 2c00::/12 2006-10-03 */
};

/*
 * Where to ask each RIR: RDAP base URLs from the IANA RDAP bootstrap
 * files (rdap-bootstrap ipv4.json, ipv6.json), whois servers from the
 * WHOIS column of the address-space registries.
 */
static const struct rir_info rirs[] = {
	[RIR_NONE] = { "", NULL, NULL },
	[RIR_AFRINIC] = { "AFRINIC", "https://rdap.afrinic.net/rdap/",
	    "whois.afrinic.net" },
	[RIR_APNIC] = { "APNIC", "https://rdap.apnic.net/",
	    "whois.apnic.net" },
	[RIR_ARIN] = { "ARIN", "https://rdap.arin.net/registry/",
	    "whois.arin.net" },
	[RIR_LACNIC] = { "LACNIC", "https://rdap.lacnic.net/rdap/",
	    "whois.lacnic.net" },
	[RIR_RIPE] = { "RIPE", "https://rdap.db.ripe.net/",
	    "whois.ripe.net" },
};

_Static_assert(nitems(rirs) == RIR_MAX, "an RIR has no row");

/* The table above by first octet, filled on first use: a lookup is one
 * load, for every new address of a run. */
static uint8_t v4_octet[256];
static int v4_ready;

static enum rir
rir_v4(uint8_t octet)
{
	if (!v4_ready) {
		for (size_t i = nitems(v4_blocks); i-- > 0;)
			for (unsigned o = v4_blocks[i].first;
			    o <= v4_blocks[i].last; o++)
				v4_octet[o] = (uint8_t)v4_blocks[i].rir;
		v4_ready = 1;
	}
	return (enum rir)v4_octet[octet];
}

/* The most specific prefix wins, though none nests today. */
static enum rir
rir_v6(uint32_t top)
{
	enum rir best = RIR_NONE;
	unsigned bestlen = 0;

	for (size_t i = 0; i < nitems(v6_blocks); i++) {
		const struct v6_block *b = &v6_blocks[i];
		uint32_t mask = b->plen == 0 ? 0 :
		    ~UINT32_C(0) << (32 - b->plen);

		if ((top & mask) == b->top && b->plen >= bestlen) {
			best = b->rir;
			bestlen = b->plen;
		}
	}
	return best;
}

enum rir
rir_lookup(const struct ip *ip)
{
	if (ip_is_v4(ip))
		return rir_v4(ip->b[12]);
	return rir_v6((uint32_t)ip->b[0] << 24 | (uint32_t)ip->b[1] << 16 |
	    (uint32_t)ip->b[2] << 8 | ip->b[3]);
}

/* NULL for RIR_NONE: there is nobody to ask. */
const struct rir_info *
rir_info(enum rir r)
{
	if (r == RIR_NONE || (unsigned)r >= RIR_MAX)
		return NULL;
	return &rirs[r];
}

/* The registry whose whois server is host[0..n) (any case); RIR_NONE. */
enum rir
rir_by_whois_host(const char *host, size_t n)
{
	for (int r = RIR_NONE + 1; r < RIR_MAX; r++)
		if (strlen(rirs[r].whois_host) == n &&
		    strncasecmp(rirs[r].whois_host, host, n) == 0)
			return (enum rir)r;
	return RIR_NONE;
}

const char *
rir_name(enum rir r)
{
	const struct rir_info *ri = rir_info(r);

	return ri ? ri->name : "";
}
