/*
 * Whois answers (whois_parse): the input is a server's answer, read as
 * each registry's, with a referral buffer of the worker's size and one
 * of three bytes.  0: the fields are clean text (fuzz.h), the status one
 * a whois answer can give, an ok network a range of one family; 1: the
 * referral is a host, or ""; -1: the reason is a string.  The referral
 * buffer always holds a string.
 */
#include "fuzz.h"

static void
one(enum rir rir, const char *text, size_t n, size_t reflen)
{
	char *ref = malloc(reflen);
	struct answer a;
	struct netrange net;
	int rc;

	memset(&a, 0, sizeof(a));
	a.kind = KIND_PUBLIC;
	a.registry = (uint8_t)rir;
	memset(ref, 'x', reflen);
	memset(&net, 0xa5, sizeof(net));
	rc = whois_parse(rir, text, n, &a, &net, ref, reflen);
	if (strnlen(ref, reflen) == reflen)
		fz_fail("whois_parse(%s): the referral is not a string",
		    rir_name(rir));
	if (rc == 0) {
		fz_check_answer(&a);
		if (a.status == ST_OK && (ip_cmp(&net.lo, &net.hi) > 0 ||
		    ip_is_v4(&net.lo) != ip_is_v4(&net.hi)))
			fz_fail("whois_parse(%s): a network that is no range",
			    rir_name(rir));
		if (a.status != ST_OK && a.status != ST_NOT_FOUND &&
		    a.status != ST_RATE_LIMITED)
			fz_fail("whois_parse(%s): status %d", rir_name(rir),
			    a.status);
		a.net = net;
		a.has_net = a.status == ST_OK;
		fz_answer_round_trip(&a);
	} else if (rc == 1) {
		for (const char *p = ref; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				fz_fail("whois_parse(%s): referral '%s'",
				    rir_name(rir), ref);
	} else if (rc != -1)
		fz_fail("whois_parse(%s): %d", rir_name(rir), rc);
	answer_clear(&a);
	free(ref);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	/* The fetcher's body ends in a NUL. */
	char *text = fz_str(data, n);

	for (int r = RIR_NONE + 1; r < RIR_MAX; r++) {
		one((enum rir)r, text, n, 256);
		one((enum rir)r, text, n, 3);
	}
	free(text);
	return 0;
}
