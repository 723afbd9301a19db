/*
 * --by: the per-address rows folded into one row per network, AS,
 * organisation, country or abuse contact.  Pure: the reporter's rows and
 * answers in, the groups out, in report order.
 *
 * A group's key is the text its members show in the key's column; the
 * members with none form one group with the key "".  Hits and bytes add
 * up, first and last seen are the earliest and latest known; every other
 * column shows what all members show, or nothing when they differ.
 *
 * Rows are many (millions) and answers few (one per network at most),
 * and a row's group follows from its answer: each answer is placed once,
 * its key hashed and compared with its group's once, and each row after
 * that costs an array lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

/* The column each --by groups on (BY_IP is the reporter's own rows). */
static const enum column key_columns[BY_MAX] = {
	[BY_NETWORK] = COL_NETWORK,
	[BY_ASN] = COL_ASN,
	[BY_ORG] = COL_ORG,
	[BY_COUNTRY] = COL_COUNTRY,
	[BY_ABUSE] = COL_ABUSE_EMAIL,
};

/*
 * The groups being made: by key in an open-addressing table that never
 * fills (a key per answer at most), and by answer number.
 */
struct grouping {
	enum column key;
	struct by_group *g;
	size_t	 ng;
	uint32_t *slot;		/* group number + 1; 0 empty */
	uint64_t *hash;		/* per group */
	size_t	 mask;
	uint32_t *placed;	/* per answer: group number + 1; 0 not yet */
};

static uint64_t
key_hash(const char *s)
{
	uint64_t h = fnv1a(FNV1A_INIT, s, strlen(s));

	return h ^ (h >> 29);
}

static int
same_text(const char *x, const char *y)
{
	if (x == NULL || y == NULL)
		return x == y;
	return strcmp(x, y) == 0;
}

/* The columns where two answers show different things. */
static uint32_t
differ(const struct answer *x, const struct answer *y)
{
	uint32_t mixed = 0;

	for (enum column c = COL_KIND; c <= COL_STATUS; c++)
		if (!same_text(answer_column(x, c), answer_column(y, c)))
			mixed |= COL_BIT(c);
	return mixed;
}

/* The group of key, made (empty) when there is none yet. */
static struct by_group *
key_group(struct grouping *gs, const char *key)
{
	uint64_t h = key_hash(key);
	size_t i;

	for (i = h & gs->mask; gs->slot[i]; i = (i + 1) & gs->mask) {
		struct by_group *g = &gs->g[gs->slot[i] - 1];

		if (gs->hash[gs->slot[i] - 1] == h && strcmp(g->key, key) == 0)
			return g;
	}
	gs->g[gs->ng].key = key;
	gs->hash[gs->ng] = h;
	gs->slot[i] = (uint32_t)++gs->ng;
	return &gs->g[gs->ng - 1];
}

/*
 * The group of the rows with answer number i: found by its key the first
 * time, remembered after.  Where the answer differs from the group's
 * first is marked then, once for all its rows.
 */
static struct by_group *
place(struct grouping *gs, const struct answer *answers, uint32_t i)
{
	const char *text;
	struct by_group *g;

	if (gs->placed[i] != 0)
		return &gs->g[gs->placed[i] - 1];
	text = answer_column(&answers[i], gs->key);
	g = key_group(gs, text != NULL ? text : "");
	gs->placed[i] = (uint32_t)(g - gs->g) + 1;
	if (g->row.addresses > 0)
		g->row.mixed |= differ(g->row.answer, &answers[i]);
	return g;
}

/* One more address into its group. */
static void
fold(struct report_row *r, const struct count *c, const struct answer *a)
{
	if (r->addresses++ == 0) {
		row_of_count(r, c, a);
		return;
	}
	r->mixed |= COL_BIT(COL_IP);
	r->hits += c->hits;
	if (c->bytes != BYTES_NONE)
		r->bytes = r->bytes == BYTES_NONE ? c->bytes :
		    r->bytes + c->bytes;
	if (c->first != 0 && (r->first == 0 || c->first < r->first))
		r->first = c->first;
	if (c->last > r->last)
		r->last = c->last;
}

/* Report order: hits descending, then the key, byte by byte. */
static int
group_order(const void *x, const void *y)
{
	const struct by_group *a = x, *b = y;

	if (a->row.hits != b->row.hits)
		return a->row.hits > b->row.hits ? -1 : 1;
	return strcmp(a->key, b->key);
}

/*
 * The groups of the n rows (answers: what rows[i].answer numbers) by
 * `by` (not BY_IP), sorted; *ngroups of them, in an array to free().
 * Keys and rows point into answers.
 */
struct by_group *
group_rows(enum groupby by, const struct count *rows, size_t n,
    const struct answer *answers, size_t nanswers, size_t *ngroups)
{
	struct grouping gs;
	size_t slots = 4;

	while (slots < (nanswers + 1) * 2)
		slots <<= 1;
	gs.key = key_columns[by];
	gs.g = xcalloc(nanswers + 1, sizeof(*gs.g));
	gs.ng = 0;
	gs.slot = xcalloc(slots, sizeof(*gs.slot));
	gs.hash = xcalloc(nanswers + 1, sizeof(*gs.hash));
	gs.mask = slots - 1;
	gs.placed = xcalloc(nanswers + 1, sizeof(*gs.placed));
	for (size_t i = 0; i < n; i++)
		fold(&place(&gs, answers, rows[i].answer)->row, &rows[i],
		    &answers[rows[i].answer]);
	qsort(gs.g, gs.ng, sizeof(*gs.g), group_order);
	free(gs.slot);
	free(gs.hash);
	free(gs.placed);
	*ngroups = gs.ng;
	return gs.g;
}
