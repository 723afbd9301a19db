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
	return 0;
}

static struct count *
probe(struct count *slot, size_t mask, const struct ip *ip)
{
	size_t i = (size_t)ip_hash(ip) & mask;

	for (;;) {
		struct count *c = &slot[i];

		if (memcmp(c->ip.b, ip->b, 16) == 0 ||
		    memcmp(c->ip.b, empty.b, 16) == 0)
			return c;
		i = (i + 1) & mask;
	}
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
}

/*
 * The counts of ip, created (zeroed, *created = 1) on first sight.
 */
struct count *
addrtab_get(struct addrtab *t, const struct ip *ip, int *created)
{
	struct count *c;

	*created = 0;
	if (memcmp(ip->b, empty.b, 16) == 0) {
		if (!t->has_zero) {
			t->has_zero = 1;
			*created = 1;
			t->zero.bytes = BYTES_NONE;
		}
		return &t->zero;
	}
	c = probe(t->slot, t->mask, ip);
	if (memcmp(c->ip.b, empty.b, 16) != 0)
		return c;
	if ((t->used + 1) * 4 > (t->mask + 1) * 3) {
		grow(t);
		c = probe(t->slot, t->mask, ip);
	}
	c->ip = *ip;
	c->bytes = BYTES_NONE;
	t->used++;
	*created = 1;
	return c;
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
