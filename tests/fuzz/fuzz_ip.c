/*
 * Addresses: ip_parse, ip_token, ip_v4_prefix and ip_find over the input,
 * ip_net_parse over it as a C string, and ip_range_cidrs between two
 * addresses made of its first 32 bytes.
 *
 * Round trips: an address parsed, formatted and parsed again is the same
 * address, and its canonical text formats to itself; a network likewise;
 * the prefixes of a range parse back and cover it exactly, in order.
 * An address a scanner finds is written where it says.
 */
#include "fuzz.h"

static void
round_trip(const struct ip *ip)
{
	char s[IP_STRLEN], t[IP_STRLEN];
	struct ip again;
	size_t n = ip_format(ip, s);

	if (n == 0 || n >= IP_STRLEN || strlen(s) != n)
		fz_fail("ip_format: %zu bytes", n);
	if (ip_parse(s, n, &again) != 0 || ip_cmp(ip, &again) != 0)
		fz_fail("ip_format gave '%s', which parses otherwise", s);
	ip_format(&again, t);
	if (strcmp(s, t) != 0)
		fz_fail("'%s' formats as '%s'", s, t);
	if (ip_token(s, n, &again) != 0 || ip_cmp(ip, &again) != 0)
		fz_fail("ip_token refuses '%s'", s);
}

static void
scan(const char *p, const char *end)
{
	const char *base = p, *tok, *next;
	struct ip ip;

	if ((next = ip_v4_prefix(p, end, &ip)) != NULL) {
		if (next <= p || next > end || !fz_ip_in(&ip, p, next))
			fz_fail("ip_v4_prefix: a bad end");
		round_trip(&ip);
	}
	while ((next = ip_find(p, end, &ip, &tok)) != NULL) {
		if (tok < base || tok >= next || next > end || next <= p)
			fz_fail("ip_find: token [%td, %td) after %td",
			    tok - base, next - base, p - base);
		if (!fz_ip_in(&ip, tok, next))
			fz_fail("ip_find: the address is not in its token");
		round_trip(&ip);
		p = next;
	}
}

static void
network(const uint8_t *data, size_t n)
{
	char *s = fz_str(data, n), t[IP_STRLEN + 5];
	struct ip net, again;
	unsigned plen, plen2;

	if (ip_net_parse(s, &net, &plen) == 0) {
		if (plen > 128 || (ip_is_v4(&net) && plen < 96 &&
		    memchr(s, ':', n) == NULL))
			fz_fail("ip_net_parse: /%u", plen);
		if (ip_is_v4(&net) && plen < 96)
			fz_fail("ip_net_parse: IPv4 /%u", plen);
		ip_net_format(&net, plen, t);
		if (ip_net_parse(t, &again, &plen2) != 0 ||
		    ip_cmp(&net, &again) != 0 || plen != plen2)
			fz_fail("'%s' is not '%s' again", s, t);
	}
	free(s);
}

static unsigned __int128
u128(const struct ip *ip)
{
	unsigned __int128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | ip->b[i];
	return v;
}

/* The prefixes cover lo..hi: each starts where the last ended. */
static void
range(const uint8_t *data)
{
	static char buf[256 * (IP_STRLEN + 5)];
	struct ip lo, hi, net;
	unsigned __int128 cur, last, size;
	unsigned plen;
	char *p, *sp;

	memcpy(lo.b, data, 16);
	memcpy(hi.b, data + 16, 16);
	if (ip_range_cidrs(&lo, &hi, buf, sizeof(buf)) == 0) {
		if (ip_is_v4(&lo) == ip_is_v4(&hi) && ip_cmp(&lo, &hi) <= 0)
			fz_fail("ip_range_cidrs: nothing for a range");
		return;
	}
	cur = u128(&lo);
	last = u128(&hi);
	for (p = buf; p != NULL; p = sp ? sp + 1 : NULL) {
		if ((sp = strchr(p, ' ')) != NULL)
			*sp = '\0';
		if (ip_net_parse(p, &net, &plen) != 0 || u128(&net) != cur)
			fz_fail("ip_range_cidrs: '%s' out of place", p);
		size = plen == 0 ? 0 : (unsigned __int128)1 << (128 - plen);
		if (size != 0 && (cur + size - 1 > last || cur + size - 1 < cur))
			fz_fail("ip_range_cidrs: '%s' goes past the end", p);
		if (size == 0 || cur + size - 1 == last) {
			if (sp != NULL)
				fz_fail("ip_range_cidrs: more after the end");
			return;
		}
		cur += size;
	}
	fz_fail("ip_range_cidrs: the range is not covered");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char *s = (const char *)data;
	struct ip ip;

	if (ip_parse(s, n, &ip) == 0) {
		if (!fz_ip_in(&ip, s, s + n))
			fz_fail("ip_parse: an address not in the text");
		round_trip(&ip);
	}
	if (ip_token(s, n, &ip) == 0) {
		if (!fz_ip_in(&ip, s, s + n))
			fz_fail("ip_token: an address not in the text");
		round_trip(&ip);
	}
	scan(s, s + n);
	network(data, n);
	if (n >= 32)
		range(data);
	return 0;
}
