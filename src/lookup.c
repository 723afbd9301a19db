/*
 * The worker's lookup chain: the place every source of answers plugs in.
 * Special-purpose addresses are answered from IANA's registries and never
 * looked up; public ones get their Regional Internet Registry from the
 * built-in allocation tables.
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

struct lookup {
	const struct config *cfg;
};

struct lookup *
lookup_new(const struct config *cfg)
{
	struct lookup *lk = xcalloc(1, sizeof(*lk));

	lk->cfg = cfg;
	return lk;
}

void
lookup_free(struct lookup *lk)
{
	free(lk);
}

/* Answers from the built-in tables alone: always there, never wrong. */
static void
lookup_builtin(const struct ip *ip, struct answer *a)
{
	const struct special *sp = special_lookup(ip);

	a->source = SRC_BUILTIN;
	a->status = ST_OK;
	if (sp != NULL) {
		a->kind = (uint8_t)sp->kind;
		answer_set(a, FLD_NETWORK, sp->net, strlen(sp->net));
		answer_set(a, FLD_NET_NAME, sp->name, strlen(sp->name));
		return;
	}
	a->kind = KIND_PUBLIC;
	a->registry = (uint8_t)rir_lookup(ip);
}

void
lookup_addr(struct lookup *lk, const struct ip *ip, struct answer *a)
{
	(void)lk;
	memset(a, 0, sizeof(*a));
	lookup_builtin(ip, a);
}
