/*
 * X-Forwarded-For (--client xff): the input is "PEER XFF", or just XFF
 * with 10.0.0.1 as the peer, read with no trusted proxy, with 10.0.0.0/8
 * and with every address trusted.  The client is the peer or an address
 * written in the list.
 */
#include "fuzz.h"

static struct netlist none, tens, all;

static struct ip nets[3];
static unsigned plens[3];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ip_net_parse("10.0.0.0/8", &nets[0], &plens[0]);
	ip_net_parse("::/0", &nets[1], &plens[1]);
	tens.net = nets;
	tens.plen = plens;
	tens.n = 1;
	all.net = nets + 1;
	all.plen = plens + 1;
	all.n = 1;
	return 0;
}

static void
check(const struct ip *peer, const char *x, size_t n,
    const struct netlist *trusted)
{
	struct ip client;
	int rc = xff_client(peer, x, n, trusted, &client);

	if (rc == 0 && ip_cmp(&client, peer) != 0)
		fz_fail("xff_client: 0, but not the peer");
	if (rc == 1 && (x == NULL || !fz_ip_in(&client, x, x + n)))
		fz_fail("xff_client: a client not in the list");
	if (rc != 0 && rc != 1)
		fz_fail("xff_client: %d", rc);
	if (rc == 1 && trusted->n > 0 && !netlist_has(trusted, peer))
		fz_fail("xff_client: believed an untrusted peer");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char *s = (const char *)data, *sp = memchr(s, ' ', n);
	char *x;
	struct ip peer;

	ip_parse("10.0.0.1", 8, &peer);
	if (sp != NULL && ip_token(s, (size_t)(sp - s), &peer) == 0) {
		n -= (size_t)(sp + 1 - s);
		s = sp + 1;
	}
	/* A copy of its own size: ASan sees a read past the list. */
	x = malloc(n ? n : 1);
	memcpy(x, s, n);
	check(&peer, x, n, &none);
	check(&peer, x, n, &tens);
	check(&peer, x, n, &all);
	check(&peer, NULL, 0, &none);
	free(x);
	return 0;
}
