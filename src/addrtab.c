/*
 * Per-address counts: an open-addressing hash table keyed by the address,
 * linear probing, grown at 3/4 full.  The parser's per-line lookup lands
 * here, so it allocates only when it grows.
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

/* The all-zero address (::) never reaches the table as a key: hits of ::
 * are kept in a slot of their own. */
static const struct ip empty;

int
addrtab_init(struct addrtab *t, size_t hint)
{
	size_t n = 1024;

	while (n < hint * 2)
		n *= 2;
	t->slot = xcalloc(n, sizeof(*t->slot));
	t->mask = n - 1;
	t->used = 0;
	memset(&t->zero, 0, sizeof(t->zero));
	t->has_zero = 0;
	t->last = NULL;
	return 0;
}

/* The slot holding ip, or the empty slot where it belongs. */
static struct count *
probe_at(struct count *slot, size_t mask, const struct ip *ip, uint64_t hash)
{
	size_t i = (size_t)hash & mask;
	uint64_t hi, lo;

	memcpy(&hi, ip->b, 8);
	memcpy(&lo, ip->b + 8, 8);
	for (;;) {
		struct count *c = &slot[i];
		uint64_t chi, clo;

		memcpy(&chi, c->ip.b, 8);
		memcpy(&clo, c->ip.b + 8, 8);
		if ((chi == hi && clo == lo) || (chi | clo) == 0)
			return c;
		i = (i + 1) & mask;
	}
}

static struct count *
probe(struct count *slot, size_t mask, const struct ip *ip)
{
	return probe_at(slot, mask, ip, ip_hash(ip));
}

/*
 * Ask the memory for ip's slot now, to use it a line later: the table is
 * larger than the caches, and this hides most of the wait.
 */
void
addrtab_prefetch(const struct addrtab *t, uint64_t hash)
{
	__builtin_prefetch(&t->slot[(size_t)hash & t->mask], 1);
}

static void
grow(struct addrtab *t)
{
	size_t n = (t->mask + 1) * 2;
	struct count *slot = xcalloc(n, sizeof(*slot));

	for (size_t i = 0; i <= t->mask; i++)
		if (memcmp(t->slot[i].ip.b, empty.b, 16) != 0)
			*probe(slot, n - 1, &t->slot[i].ip) = t->slot[i];
	free(t->slot);
	t->slot = slot;
	t->mask = n - 1;
	t->last = NULL;
}

/*
 * The counts of ip, created (zeroed, *created = 1) on first sight.
 */
struct count *
addrtab_get(struct addrtab *t, const struct ip *ip, int *created)
{
	return addrtab_get_hashed(t, ip, ip_hash(ip), created);
}

/* addrtab_get() with the hash already computed (see addrtab_prefetch). */
struct count *
addrtab_get_hashed(struct addrtab *t, const struct ip *ip, uint64_t hash,
    int *created)
{
	struct count *c;

	*created = 0;
	/* Clients come in bursts: the last one is often the next one. */
	if (t->last != NULL && memcmp(t->last->ip.b, ip->b, 16) == 0)
		return t->last;
	if (memcmp(ip->b, empty.b, 16) == 0) {
		if (!t->has_zero) {
			t->has_zero = 1;
			*created = 1;
			t->zero.bytes = BYTES_NONE;
		}
		return &t->zero;
	}
	c = probe_at(t->slot, t->mask, ip, hash);
	if (memcmp(c->ip.b, empty.b, 16) != 0)
		return t->last = c;
	if ((t->used + 1) * 4 > (t->mask + 1) * 3) {
		grow(t);
		c = probe(t->slot, t->mask, ip);
	}
	c->ip = *ip;
	c->bytes = BYTES_NONE;
	t->used++;
	*created = 1;
	return t->last = c;
}

/* Visit every entry: *pos starts at 0; NULL at the end. */
struct count *
addrtab_next(struct addrtab *t, size_t *pos)
{
	while (*pos <= t->mask) {
		struct count *c = &t->slot[(*pos)++];

		if (memcmp(c->ip.b, empty.b, 16) != 0)
			return c;
	}
	if (*pos == t->mask + 1) {
		(*pos)++;
		if (t->has_zero)
			return &t->zero;
	}
	return NULL;
}

void
addrtab_free(struct addrtab *t)
{
	free(t->slot);
	t->slot = NULL;
}
