/*
 * The worker's lookup chain: the place every source of answers plugs in.
 * Special-purpose addresses are answered from IANA's registries and never
 * looked up; public ones get their Regional Internet Registry from the
 * built-in allocation tables, and AS and country from the local IP
 * database when there is one.
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

/* AS and country from the local database (mapped by main, shared). */
static void
lookup_db(const struct ipdb *db, const struct ip *ip, struct answer *a)
{
	struct ipdb_answer d;
	char asn[16];

	if (db == NULL || ipdb_lookup(db, ip, &d) != 1)
		return;
	if (d.asn != 0) {
		snprintf(asn, sizeof(asn), "%u", d.asn);
		answer_set(a, FLD_ASN, asn, strlen(asn));
	}
	if (d.as_name != NULL)
		answer_set(a, FLD_AS_NAME, d.as_name, d.as_name_len);
	if (d.country[0] != '\0')
		answer_set(a, FLD_COUNTRY, d.country, strlen(d.country));
	a->source = SRC_DB;
}

void
lookup_addr(struct lookup *lk, const struct ip *ip, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	lookup_builtin(ip, a);
	if (a->kind == KIND_PUBLIC)
		lookup_db(lk->cfg->ipdb, ip, a);
}
