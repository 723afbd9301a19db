/*
 * Networks known to one worker, for "the most specific known network
 * holding this address".  A registry's range (first..last address) is
 * cut into the CIDR blocks that cover it exactly; each block goes into
 * one hash table keyed by (prefix, length).  A lookup masks the address
 * to each length in use, longest first, and probes: a few dozen probes
 * at most, whatever the number of networks.
 *
 * Addresses are the 16-byte struct ip (IPv4 IPv4-mapped), so an IPv4 /24
 * is a /120 here.  A block added again replaces the older value.
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

typedef unsigned __int128 u128;

struct slot {
	struct ip net;
	uint8_t	 plen;
	uint8_t	 used;
	uint32_t value;
};

struct nettab {
	struct slot *slot;
	size_t	 mask, used;
	uint64_t lens[3];	/* bit n: some block of length n */
};

static u128
to_u128(const struct ip *ip)
{
	u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | ip->b[i];
	return v;
}

static void
from_u128(u128 v, struct ip *ip)
{
	for (int i = 15; i >= 0; i--, v >>= 8)
		ip->b[i] = (uint8_t)v;
}

static u128
host_mask(unsigned plen)
{
	return plen == 0 ? ~(u128)0 : plen >= 128 ? 0 :
	    (((u128)1 << (128 - plen)) - 1);
}

static size_t
slot_of(const struct nettab *t, const struct ip *net, unsigned plen)
{
	return (size_t)(ip_hash(net) ^ (plen * 0x9e3779b97f4a7c15ULL)) &
	    t->mask;
}

struct nettab *
nettab_new(void)
{
	struct nettab *t = xcalloc(1, sizeof(*t));

	t->mask = 1023;
	t->slot = xcalloc(t->mask + 1, sizeof(*t->slot));
	return t;
}

void
nettab_free(struct nettab *t)
{
	if (t != NULL) {
		free(t->slot);
		free(t);
	}
}

static struct slot *
probe(const struct nettab *t, const struct ip *net, unsigned plen)
{
	for (size_t i = slot_of(t, net, plen);; i = (i + 1) & t->mask) {
		struct slot *s = &t->slot[i];

		if (!s->used || (s->plen == plen &&
		    memcmp(&s->net, net, sizeof(*net)) == 0))
			return s;
	}
}

static void
grow(struct nettab *t)
{
	struct slot *old = t->slot;
	size_t n = t->mask + 1;

	t->mask = n * 2 - 1;
	t->slot = xcalloc(n * 2, sizeof(*t->slot));
	for (size_t i = 0; i < n; i++)
		if (old[i].used)
			*probe(t, &old[i].net, old[i].plen) = old[i];
	free(old);
}

static void
add_block(struct nettab *t, const struct ip *net, unsigned plen,
    uint32_t value)
{
	struct slot *s;

	if ((t->used + 1) * 4 > (t->mask + 1) * 3)
		grow(t);
	s = probe(t, net, plen);
	if (!s->used) {
		s->used = 1;
		s->net = *net;
		s->plen = (uint8_t)plen;
		t->used++;
	}
	s->value = value;
	t->lens[plen / 64] |= 1ULL << (plen % 64);
}

/*
 * Add the range lo..hi with a value: the largest aligned blocks first,
 * as many as it takes (one for a CIDR network, a few for the odd range).
 */
void
nettab_add(struct nettab *t, const struct netrange *r, uint32_t value)
{
	u128 lo = to_u128(&r->lo), hi = to_u128(&r->hi);

	if (lo > hi)
		return;
	for (;;) {
		unsigned plen = 0;
		struct ip net;

		/* The shortest prefix aligned at lo and ending by hi. */
		while (plen < 128 && ((lo & host_mask(plen)) != 0 ||
		    (lo | host_mask(plen)) > hi))
			plen++;
		from_u128(lo, &net);
		add_block(t, &net, plen, value);
		if ((lo | host_mask(plen)) >= hi)
			break;
		lo = (lo | host_mask(plen)) + 1;
	}
}

/*
 * The value of the most specific block holding ip that usable() accepts
 * (NULL: any).  1 and *value, or 0 when none.
 */
int
nettab_find(const struct nettab *t, const struct ip *ip,
    int (*usable)(void *, uint32_t), void *ctx, uint32_t *value)
{
	u128 v = to_u128(ip);

	/* The lengths present, longest first: a set bit at a time. */
	for (int word = 2; word >= 0; word--) {
		uint64_t left = t->lens[word];

		while (left != 0) {
			int bit = 63 - __builtin_clzll(left);
			unsigned plen = (unsigned)(word * 64 + bit);
			struct slot *s;
			struct ip net;

			left &= ~(1ULL << bit);
			from_u128(v & ~host_mask(plen), &net);
			s = probe(t, &net, plen);
			if (s->used && (usable == NULL ||
			    usable(ctx, s->value))) {
				*value = s->value;
				return 1;
			}
		}
	}
	return 0;
}
