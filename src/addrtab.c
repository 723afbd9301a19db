/*
 * Per-address counts: entries in one dense array, found through an index
 * of 8-byte slots (a 32-bit hash tag and the entry's position), open
 * addressing with linear probing, grown at 3/4 full.
 *
 * Dense entries cost memory only for addresses that exist (the index is
 * what has empty room), keep insertion order for free, and let the
 * numbers of the entries are the order of first sight, which the reporter
 * files rows by.  The parser's per-line lookup lands here, so it allocates
 * only when it grows; both arrays are on huge pages (big_alloc()).
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

#define TAG(h)		((uint32_t)((h) >> 32))
#define SLOT(tag, i)	((uint64_t)(tag) << 32 | (uint64_t)((i) + 1))
#define SLOT_POS(s)	((size_t)((s) & 0xffffffffu) - 1)	/* 0: empty */

int
addrtab_init(struct addrtab *t, size_t hint)
{
	size_t n = 1024;

	while (n * 3 < hint * 4)
		n *= 2;
	memset(t, 0, sizeof(*t));
	t->slot = big_alloc(n * sizeof(*t->slot));
	t->mask = n - 1;
	t->cap = hint > 64 ? hint : 64;
	t->ent = big_alloc(t->cap * sizeof(*t->ent));
	return 0;
}

static int
same_ip(const struct ip *a, const struct ip *b)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	return a0 == b0 && a1 == b1;
}

/* The slot holding ip, or the empty slot where it belongs. */
static uint64_t *
probe(const struct addrtab *t, const struct ip *ip, uint64_t hash)
{
	size_t i = (size_t)hash & t->mask;
	uint32_t tag = TAG(hash);

	for (;; i = (i + 1) & t->mask) {
		uint64_t s = t->slot[i];

		if (s == 0 || ((uint32_t)(s >> 32) == tag &&
		    same_ip(&t->ent[SLOT_POS(s)].ip, ip)))
			return &t->slot[i];
	}
}

static void
grow_index(struct addrtab *t)
{
	size_t n = (t->mask + 1) * 2;

	big_free(t->slot, (t->mask + 1) * sizeof(*t->slot));
	t->slot = big_alloc(n * sizeof(*t->slot));
	t->mask = n - 1;
	for (size_t k = 0; k < t->used; k++) {
		uint64_t h = ip_hash(&t->ent[k].ip);

		*probe(t, &t->ent[k].ip, h) = SLOT(TAG(h), k);
	}
}

/*
 * Ask the memory for an address's index slot now, to use it a little
 * later: the table is larger than the caches, and this hides the wait.
 */
void
addrtab_prefetch(const struct addrtab *t, uint64_t hash)
{
	__builtin_prefetch(&t->slot[(size_t)hash & t->mask]);
}

/* The second step: the slot has arrived, ask for the entry it names. */
void
addrtab_prefetch_entry(const struct addrtab *t, uint64_t hash)
{
	uint64_t s = t->slot[(size_t)hash & t->mask];

	if (s != 0)
		__builtin_prefetch(&t->ent[SLOT_POS(s)], 1);
}

/* The entry of ip, created (zeroed, *created = 1) on first sight. */
struct count *
addrtab_get(struct addrtab *t, const struct ip *ip, int *created)
{
	return addrtab_get_hashed(t, ip, ip_hash(ip), created);
}

/* addrtab_get() with ip_hash(ip) already computed. */
struct count *
addrtab_get_hashed(struct addrtab *t, const struct ip *ip, uint64_t hash,
    int *created)
{
	uint64_t *s;
	struct count *c;

	*created = 0;
	/* Clients come in bursts: the last one is often the next one. */
	if (t->used > 0 && same_ip(&t->ent[t->last].ip, ip))
		return &t->ent[t->last];
	s = probe(t, ip, hash);
	if (*s != 0) {
		t->last = SLOT_POS(*s);
		return &t->ent[t->last];
	}
	if (t->used == t->cap) {
		t->ent = big_realloc(t->ent, t->cap * sizeof(*t->ent),
		    t->cap * 2 * sizeof(*t->ent));
		t->cap *= 2;
	}
	if ((t->used + 1) * 4 > (t->mask + 1) * 3) {
		grow_index(t);
		s = probe(t, ip, hash);
	}
	*s = SLOT(TAG(hash), t->used);
	c = &t->ent[t->used];
	memset(c, 0, sizeof(*c));
	c->ip = *ip;
	c->bytes = BYTES_NONE;
	c->answer = UINT32_MAX;
	t->last = t->used++;
	*created = 1;
	return c;
}

/* The entry of ip, or NULL. */
struct count *
addrtab_find(const struct addrtab *t, const struct ip *ip)
{
	uint64_t *s = probe(t, ip, ip_hash(ip));

	return *s ? &t->ent[SLOT_POS(*s)] : NULL;
}

void
addrtab_free(struct addrtab *t)
{
	if (t->slot != NULL)
		big_free(t->slot, (t->mask + 1) * sizeof(*t->slot));
	big_free(t->ent, t->cap * sizeof(*t->ent));
	memset(t, 0, sizeof(*t));
}
