/*
 * RDAP answers (rdap_map): the input is a registry's HTTP body.  Mapped,
 * the answer's fields are clean text (fuzz.h), its status one an RDAP
 * answer can give, its network a range of one family, and it crosses
 * the wire unchanged; refused, the answer is as it was and the reason a
 * string.
 */
#include "fuzz.h"

/* What the worker holds before asking: the built-in answer of a public
 * address, with the IP database's fields. */
static void
before(struct answer *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = KIND_PUBLIC;
	a->registry = RIR_ARIN;
	a->status = ST_ERROR;
	answer_set(a, FLD_ASN, "64500", 5);
	answer_set(a, FLD_AS_NAME, "EXAMPLE-AS", 10);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *body = fz_str(data, n), err[160];
	struct answer a, was;
	struct netrange net;
	int rc;

	before(&a);
	before(&was);
	memset(&net, 0xa5, sizeof(net));
	rc = rdap_map(body, n, &a, &net, err, sizeof(err));
	if (strnlen(err, sizeof(err)) == sizeof(err))
		fz_fail("rdap_map: the reason is not a string");
	if (rc == -1) {
		if (!answer_equal(&a, &was) || err[0] == '\0')
			fz_fail("rdap_map: -1, but the answer changed or no "
			    "reason");
	} else if (rc == 0) {
		fz_check_answer(&a);
		if (a.source != SRC_RDAP && a.status == ST_OK)
			fz_fail("rdap_map: ok from source %d", a.source);
		if (a.status == ST_OK && (ip_cmp(&net.lo, &net.hi) > 0 ||
		    ip_is_v4(&net.lo) != ip_is_v4(&net.hi)))
			fz_fail("rdap_map: a network that is no range");
		if (a.status != ST_OK && a.status != ST_NOT_FOUND &&
		    a.status != ST_RATE_LIMITED)
			fz_fail("rdap_map: status %d", a.status);
		if (a.field[FLD_ASN] == NULL || strcmp(a.field[FLD_ASN],
		    "64500") != 0)
			fz_fail("rdap_map: the IP database's asn is gone");
		a.net = net;
		a.has_net = a.status == ST_OK;
		fz_answer_round_trip(&a);
	} else
		fz_fail("rdap_map: %d", rc);
	answer_clear(&a);
	answer_clear(&was);
	free(body);
	return 0;
}
