/*
 * share.c: what the workers know together.  The published answers, the
 * claims on queries in flight, each server's pace, the counters and the
 * progress line's turn, first in one process, then across fork() as the
 * workers use them: racing children must never both win a claim, take
 * the same turn at a server, or lose a count; and each server's breaker,
 * which every worker sees trip at once.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

#define NETS_MAX	(1u << 18)	/* share.c: answers the table holds */
#define KIDS		8

static struct share *sh;

static void
setup(void)
{
	sh = share_new();
	ck_assert_ptr_nonnull(sh);
}

static void
teardown(void)
{
	share_free(sh);
	sh = NULL;
}

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "bad fixture %s", s);
	return ip;
}

/* An answer about the network cidr, its organisation org. */
static void
net_answer(struct answer *a, const char *cidr, const char *org)
{
	struct ip net;
	unsigned plen;

	memset(a, 0, sizeof(*a));
	ck_assert_msg(ip_net_parse(cidr, &net, &plen) == 0, "bad fixture %s",
	    cidr);
	a->kind = KIND_PUBLIC;
	a->registry = RIR_RIPE;
	a->status = ST_OK;
	a->source = SRC_RDAP;
	a->has_net = 1;
	a->net.lo = a->net.hi = net;
	for (unsigned bit = plen; bit < 128; bit++)
		a->net.hi.b[bit / 8] |= (uint8_t)(0x80 >> bit % 8);
	a->fetched = 1700000000;
	if (org != NULL)
		answer_set(a, FLD_ORG, org, strlen(org));
}

/* Entry i of the table is an answer about cidr naming org. */
static void
entry_is(uint32_t i, const char *cidr, const char *org)
{
	struct answer want, got;

	net_answer(&want, cidr, org);
	ck_assert_int_eq(share_get(sh, i, &got), 0);
	ck_assert_msg(answer_equal(&got, &want), "entry %u: org %s", i,
	    got.field[FLD_ORG] ? got.field[FLD_ORG] : "(none)");
	ck_assert_int_eq(got.fetched, want.fetched);
	answer_clear(&want);
	answer_clear(&got);
}

/*
 * Runs fn(k) in n children at once (each waits until all are forked);
 * each child's exit status into status[k].
 */
static void
in_children(int n, int (*fn)(int), int *status)
{
	pid_t pid[KIDS];
	int go[2], st;
	char c;

	ck_assert_int_le(n, KIDS);
	ck_assert_int_eq(pipe(go), 0);
	for (int k = 0; k < n; k++) {
		ck_assert_int_ne(pid[k] = fork(), -1);
		if (pid[k] == 0) {
			close(go[1]);
			while (read(go[0], &c, 1) > 0)
				;	/* end of file: go */
			_exit(fn(k));
		}
	}
	close(go[0]);
	close(go[1]);
	for (int k = 0; k < n; k++) {
		ck_assert_int_eq(waitpid(pid[k], &st, 0), pid[k]);
		ck_assert_msg(WIFEXITED(st), "child %d: status %#x", k, st);
		status[k] = WEXITSTATUS(st);
	}
}

/* --- published answers ------------------------------------------------ */

START_TEST(test_put_get)
{
	struct answer a, b, no_net;

	ck_assert_uint_eq(share_count(sh), 0);
	net_answer(&a, "193.0.0.0/21", "RIPE NCC");
	net_answer(&b, "2001:67c:2e8::/48", NULL);
	/* Negative answers without a network are not shared. */
	net_answer(&no_net, "193.0.0.0/21", "RIPE NCC");
	no_net.has_net = 0;
	ck_assert_int_eq(share_put(sh, &no_net), -1);
	ck_assert_uint_eq(share_count(sh), 0);
	ck_assert_int_eq(share_put(sh, &a), 0);
	ck_assert_uint_eq(share_count(sh), 1);
	ck_assert_int_eq(share_put(sh, &b), 0);
	ck_assert_uint_eq(share_count(sh), 2);
	entry_is(0, "193.0.0.0/21", "RIPE NCC");
	entry_is(1, "2001:67c:2e8::/48", NULL);
	/* No table: nothing is shared, nothing is there. */
	ck_assert_int_eq(share_put(NULL, &a), -1);
	ck_assert_uint_eq(share_count(NULL), 0);
	answer_clear(&a);
	answer_clear(&b);
	answer_clear(&no_net);
}
END_TEST

/* Every field at its longest comes back whole. */
START_TEST(test_put_longest)
{
	char text[FIELD_MAX];
	struct answer a, got;

	net_answer(&a, "193.0.0.0/21", NULL);
	for (int f = 0; f < FLD_MAX; f++) {
		memset(text, 'a' + f, sizeof(text));
		answer_set(&a, (enum field)f, text, sizeof(text));
	}
	ck_assert_int_eq(share_put(sh, &a), 0);
	ck_assert_int_eq(share_get(sh, 0, &got), 0);
	ck_assert(answer_equal(&got, &a));
	for (int f = 0; f < FLD_MAX; f++)
		ck_assert_uint_eq(strlen(got.field[f]), FIELD_MAX);
	answer_clear(&a);
	answer_clear(&got);
}
END_TEST

/* Child k publishes 500 answers, each naming "k.i". */
static int
put_many(int k)
{
	struct answer a;
	char org[32];

	for (int i = 0; i < 500; i++) {
		snprintf(org, sizeof(org), "%d.%d", k, i);
		net_answer(&a, "193.0.0.0/21", org);
		if (share_put(sh, &a) == -1)
			return 1;
		answer_clear(&a);
	}
	return 0;
}

/* What children publish at the same time, the parent reads, all of it. */
START_TEST(test_put_fork)
{
	static uint8_t seen[KIDS][500];
	int status[KIDS];
	struct answer got;

	in_children(KIDS, put_many, status);
	for (int k = 0; k < KIDS; k++)
		ck_assert_int_eq(status[k], 0);
	ck_assert_uint_eq(share_count(sh), KIDS * 500);
	for (uint32_t i = 0; i < KIDS * 500; i++) {
		int k, n;

		ck_assert_int_eq(share_get(sh, i, &got), 0);
		ck_assert_ptr_nonnull(got.field[FLD_ORG]);
		ck_assert_int_eq(sscanf(got.field[FLD_ORG], "%d.%d", &k, &n),
		    2);
		ck_assert(k >= 0 && k < KIDS && n >= 0 && n < 500);
		ck_assert_msg(!seen[k][n], "%d.%d twice", k, n);
		seen[k][n] = 1;
		answer_clear(&got);
	}
}
END_TEST

/* Full: answers are refused, those already in stay as they were. */
START_TEST(test_full)
{
	struct answer a;

	net_answer(&a, "193.0.0.0/21", "first");
	ck_assert_int_eq(share_put(sh, &a), 0);
	answer_clear(&a);
	net_answer(&a, "193.0.8.0/21", NULL);
	for (uint32_t i = 1; i < NETS_MAX; i++)
		ck_assert_int_eq(share_put(sh, &a), 0);
	ck_assert_int_eq(share_put(sh, &a), -1);
	ck_assert_int_eq(share_put(sh, &a), -1);
	ck_assert_uint_eq(share_count(sh), NETS_MAX);
	entry_is(0, "193.0.0.0/21", "first");
	entry_is(NETS_MAX - 1, "193.0.8.0/21", NULL);
	answer_clear(&a);
}
END_TEST

/* --- queries in flight ------------------------------------------------ */

/* Worker w's claim on address a (share_claim()'s answer). */
static int
claim(int w, const char *a, int64_t now, int64_t until, uint32_t seen)
{
	struct ip ip = addr(a);

	return share_claim(sh, w, &ip, now, until, seen);
}

/*
 * A claim is refused while another worker asks about the same block (an
 * IPv4 /16, an IPv6 /29) and its time is not up; a worker never blocks
 * itself.
 */
START_TEST(test_claim)
{
	struct ip a = addr("193.0.0.1");

	ck_assert_int_eq(claim(0, "193.0.0.1", 100, 1000, 0), 0);
	ck_assert_int_eq(claim(1, "193.0.255.9", 100, 1000, 0), 0 + 1);
	ck_assert_int_eq(claim(1, "193.1.0.1", 100, 1000, 0), 0);
	ck_assert_int_eq(claim(2, "193.1.2.3", 100, 1000, 0), 1 + 1);
	ck_assert_int_eq(claim(0, "193.0.0.2", 100, 1000, 0), 0);
	/* Worker 0 gives up at 1000: from then on it blocks nobody. */
	ck_assert_int_eq(claim(3, "193.0.0.3", 999, 5000, 0), 0 + 1);
	ck_assert_int_eq(claim(3, "193.0.0.3", 1000, 5000, 0), 0);
	/* Done: worker 3 blocks nobody either. */
	share_done(sh, 3);
	ck_assert_int_eq(claim(2, "193.0.0.4", 100, 1000, 0), 0 + 1);
	share_done(sh, 0);
	ck_assert_int_eq(claim(2, "193.0.0.4", 100, 1000, 0), 0);
	/* The highest worker number. */
	ck_assert_int_eq(claim(MAX_JOBS - 1, "193.0.7.7", 100, 1000, 0),
	    2 + 1);
	ck_assert_int_eq(claim(MAX_JOBS - 1, "8.8.8.8", 100, 1000, 0), 0);
	ck_assert_int_eq(claim(0, "8.8.4.4", 100, 1000, 0), MAX_JOBS);
	/* No table: always go ahead. */
	ck_assert_int_eq(share_claim(NULL, 0, &a, 100, 1000, 0), 0);
}
END_TEST

START_TEST(test_claim_v6)
{
	ck_assert_int_eq(claim(6, "2a00:1450::1", 100, 1000, 0), 0);
	ck_assert_int_eq(claim(7, "2a00:1457:ffff::1", 100, 1000, 0), 6 + 1);
	ck_assert_int_eq(claim(7, "2a00:1458::1", 100, 1000, 0), 0);
	ck_assert_int_eq(claim(8, "2a00:144f:ffff::1", 100, 1000, 0), 0);
}
END_TEST

START_TEST(test_claim_seen)
{
	struct ip ip = addr("193.0.0.1");
	struct answer a;

	net_answer(&a, "193.0.0.0/21", NULL);
	ck_assert_int_eq(share_put(sh, &a), 0);
	ck_assert_int_eq(share_claim(sh, 5, &ip, 100, 1000, 0), -1);
	ck_assert_int_eq(share_still_asking(sh, 5, &ip, 100), 0);
	ck_assert_int_eq(share_claim(sh, 5, &ip, 100, 1000, 1), 0);
	ck_assert_int_eq(share_still_asking(sh, 5, &ip, 100), 1);
	answer_clear(&a);
}
END_TEST

START_TEST(test_still_asking)
{
	struct ip ip = addr("193.0.0.1"), near = addr("193.0.9.9");
	struct ip far = addr("193.1.0.1");

	ck_assert_int_eq(share_still_asking(sh, 0, &near, 100), 0);
	ck_assert_int_eq(share_claim(sh, 0, &ip, 100, 1000, 0), 0);
	ck_assert_int_eq(share_still_asking(sh, 0, &near, 999), 1);
	ck_assert_int_eq(share_still_asking(sh, 0, &near, 1000), 0);
	ck_assert_int_eq(share_still_asking(sh, 0, &far, 100), 0);
	share_done(sh, 0);
	ck_assert_int_eq(share_still_asking(sh, 0, &near, 100), 0);
	/* Asking without a claim: a worker that waited long enough. */
	share_asking(sh, 0, &far, 1000);
	ck_assert_int_eq(share_still_asking(sh, 0, &far, 100), 1);
	ck_assert_int_eq(share_claim(sh, 1, &far, 100, 1000, 0), 0 + 1);
}
END_TEST

static int race_round;

/* Child k's claim on this round's block: 0, or the winner + 1. */
static int
claim_one(int k)
{
	struct ip ip;
	char text[32];

	snprintf(text, sizeof(text), "100.%d.%d.1", 128 + race_round, k);
	ip = addr(text);
	return share_claim(sh, k, &ip, 100, 1000, 0);
}

/* Children claiming the same block at once: exactly one wins. */
START_TEST(test_claim_fork)
{
	int status[KIDS];

	for (race_round = 0; race_round < 20; race_round++) {
		int winner = -1;

		in_children(KIDS, claim_one, status);
		for (int k = 0; k < KIDS; k++)
			if (status[k] == 0) {
				ck_assert_msg(winner == -1, "round %d: %d and "
				    "%d both won", race_round, winner, k);
				winner = k;
			}
		ck_assert_int_ne(winner, -1);
		for (int k = 0; k < KIDS; k++)
			if (k != winner)
				ck_assert_int_eq(status[k], winner + 1);
		/* What the winner claimed is seen here. */
		ck_assert_int_eq(claim(KIDS, "100.128.0.0", 100, 1000, 0),
		    race_round == 0 ? winner + 1 : 0);
		share_done(sh, KIDS);
		share_done(sh, winner);
	}
}
END_TEST

/* --- each server's pace ----------------------------------------------- */

START_TEST(test_pace)
{
	const char *s = "rdap.arin.net";

	ck_assert_int_eq(share_pace(sh, s, 100, 1000), 1000);
	ck_assert_int_eq(share_pace(sh, s, 100, 1000), 1100);
	ck_assert_int_eq(share_pace(sh, s, 100, 1050), 1200);
	/* A pace fallen behind now does not save turns up. */
	ck_assert_int_eq(share_pace(sh, s, 100, 5000), 5000);
	ck_assert_int_eq(share_pace(sh, s, 100, 5000), 5100);
	/* "Not now": nobody before 9000; an earlier pause changes nothing. */
	share_pause(sh, s, 9000);
	ck_assert_int_eq(share_pace(sh, s, 100, 5000), 9000);
	share_pause(sh, s, 7000);
	ck_assert_int_eq(share_pace(sh, s, 100, 5000), 9100);
	share_pause(sh, s, 20000);
	ck_assert_int_eq(share_pace(sh, s, 100, 5000), 20000);
	/* No table: no waiting. */
	ck_assert_int_eq(share_pace(NULL, s, 100, 1000), 1000);
	share_pause(NULL, s, 9000);
}
END_TEST

/*
 * The registries' servers, as lookup.c names them (RDAP: the URL's
 * host; whois: host:port), each keep a pace of their own.
 */
START_TEST(test_pace_servers)
{
	static const char *const rdap[] = {
		"rdap.afrinic.net", "rdap.apnic.net", "rdap.arin.net",
		"rdap.lacnic.net", "rdap.db.ripe.net",
	};
	static const char *const whois[] = {
		"whois.afrinic.net:43", "whois.apnic.net:43",
		"whois.arin.net:43", "whois.lacnic.net:43", "whois.ripe.net:43",
	};

	for (size_t i = 0; i < nitems(rdap); i++)
		ck_assert_msg(share_pace(sh, rdap[i], 1000, 1) == 1,
		    "%s waits for another server", rdap[i]);
	share_pause(sh, "rdap.arin.net", 50000);
	for (size_t i = 0; i < nitems(rdap); i++)
		ck_assert_int_eq(share_pace(sh, rdap[i], 1000, 1),
		    strcmp(rdap[i], "rdap.arin.net") == 0 ? 50000 : 1001);
	/* A run speaks one protocol: the whois servers on a table of their
	 * own. */
	share_free(sh);
	ck_assert_ptr_nonnull(sh = share_new());
	for (size_t i = 0; i < nitems(whois); i++)
		ck_assert_msg(share_pace(sh, whois[i], 1000, 1) == 1,
		    "%s waits for another server", whois[i]);
}
END_TEST

static int pace_pipe[2];

/* Child k takes 50 turns at one server; the start times down the pipe. */
static int
take_turns(int k)
{
	int64_t start[50];

	(void)k;
	for (int i = 0; i < 50; i++)
		start[i] = share_pace(sh, "whois.ripe.net:43", 10, 0);
	return write(pace_pipe[1], start, sizeof(start)) == sizeof(start) ?
	    0 : 1;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Turns taken at once in several processes: each turn once, no gap. */
START_TEST(test_pace_fork)
{
	int64_t start[KIDS * 50];
	int status[KIDS];
	size_t got = 0;
	ssize_t n;

	ck_assert_int_eq(pipe(pace_pipe), 0);
	in_children(KIDS, take_turns, status);
	close(pace_pipe[1]);
	while ((n = read(pace_pipe[0], (char *)start + got,
	    sizeof(start) - got)) > 0)
		got += (size_t)n;
	close(pace_pipe[0]);
	for (int k = 0; k < KIDS; k++)
		ck_assert_int_eq(status[k], 0);
	ck_assert_uint_eq(got, sizeof(start));
	qsort(start, nitems(start), sizeof(start[0]), cmp_i64);
	for (size_t i = 0; i < nitems(start); i++)
		ck_assert_int_eq(start[i], (int64_t)i * 10);
}
END_TEST

/* --- breakers ------------------------------------------------------------ */

#define TRIPS		3	/* share.c: connections failed in a row */
#define BREAKERS	64	/* share.c: servers with a breaker */

START_TEST(test_breaker)
{
	char why[256] = "unchanged";

	ck_assert_int_eq(share_server_down(sh, "rdap.arin.net", why,
	    sizeof(why)), 0);
	ck_assert_str_eq(why, "unchanged");
	ck_assert_int_eq(share_server_failed(sh, "rdap.arin.net",
	    "first"), 0);
	ck_assert_int_eq(share_server_failed(sh, "rdap.arin.net",
	    "second"), 0);
	ck_assert_int_eq(share_server_down(sh, "rdap.arin.net", why,
	    sizeof(why)), 0);
	/* The third in a row trips it, with its own words. */
	ck_assert_int_eq(share_server_failed(sh, "rdap.arin.net",
	    "Failed to connect to rdap.arin.net port 443"), 1);
	ck_assert_int_eq(share_server_down(sh, "rdap.arin.net", why,
	    sizeof(why)), 1);
	ck_assert_str_eq(why, "Failed to connect to rdap.arin.net port 443");
	/* Later failures do not trip it again or change why; a late
	 * success does not bring it back. */
	ck_assert_int_eq(share_server_failed(sh, "rdap.arin.net", "fourth"),
	    0);
	share_server_ok(sh, "rdap.arin.net");
	ck_assert_int_eq(share_server_down(sh, "rdap.arin.net", why,
	    sizeof(why)), 1);
	ck_assert_str_eq(why, "Failed to connect to rdap.arin.net port 443");
	/* Another server is not touched, nor one whose name is a prefix. */
	ck_assert_int_eq(share_server_down(sh, "rdap.db.ripe.net", why,
	    sizeof(why)), 0);
	ck_assert_int_eq(share_server_down(sh, "rdap.arin", why,
	    sizeof(why)), 0);
	ck_assert_int_eq(share_server_down(sh, "127.0.0.1:43", why,
	    sizeof(why)), 0);
}
END_TEST

/* A connection made in between: the failures are not in a row. */
START_TEST(test_breaker_not_in_a_row)
{
	char why[64];

	for (int i = 0; i < 10; i++) {
		for (int k = 0; k < TRIPS - 1; k++)
			ck_assert_int_eq(share_server_failed(sh,
			    "whois.ripe.net:43", "refused"), 0);
		share_server_ok(sh, "whois.ripe.net:43");
	}
	ck_assert_int_eq(share_server_down(sh, "whois.ripe.net:43", why,
	    sizeof(why)), 0);
	/* Successes alone name no breaker and trip nothing. */
	share_server_ok(sh, "rdap.lacnic.net");
	ck_assert_int_eq(share_server_down(sh, "rdap.lacnic.net", why,
	    sizeof(why)), 0);
}
END_TEST

/* Servers beyond the table go without a breaker; those in it keep theirs. */
START_TEST(test_breaker_full)
{
	char name[32], why[64], longname[200];

	for (int i = 0; i < BREAKERS + 10; i++) {
		snprintf(name, sizeof(name), "server%d:43", i);
		for (int k = 0; k < TRIPS; k++)
			share_server_failed(sh, name, name);
	}
	for (int i = 0; i < BREAKERS + 10; i++) {
		snprintf(name, sizeof(name), "server%d:43", i);
		ck_assert_int_eq(share_server_down(sh, name, why, sizeof(why)),
		    i < BREAKERS);
		if (i < BREAKERS)
			ck_assert_str_eq(why, name);
	}
	/* A name too long for a slot: never down, never a crash. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	for (int k = 0; k < TRIPS; k++)
		ck_assert_int_eq(share_server_failed(sh, longname, "x"), 0);
	ck_assert_int_eq(share_server_down(sh, longname, why, sizeof(why)), 0);
	/* No table: nothing is ever down. */
	ck_assert_int_eq(share_server_failed(NULL, "a", "b"), 0);
	share_server_ok(NULL, "a");
	ck_assert_int_eq(share_server_down(NULL, "a", why, sizeof(why)), 0);
}
END_TEST

/* Child k fails at connecting to two servers, one failure per server. */
static int
fail_once(int k)
{
	int tripped = share_server_failed(sh, "rdap.apnic.net", "refused");

	(void)k;
	tripped += share_server_failed(sh, "rdap.afrinic.net", "refused");
	return tripped;
}

/* Workers failing at once: one breaker per server, tripped by one. */
START_TEST(test_breaker_fork)
{
	int status[KIDS], trips = 0;
	char why[64];

	in_children(KIDS, fail_once, status);
	for (int k = 0; k < KIDS; k++)
		trips += status[k];
	ck_assert_int_eq(trips, 2);
	ck_assert_int_eq(share_server_down(sh, "rdap.apnic.net", why,
	    sizeof(why)), 1);
	ck_assert_int_eq(share_server_down(sh, "rdap.afrinic.net", why,
	    sizeof(why)), 1);
	ck_assert_str_eq(why, "refused");
}
END_TEST

/* --- counters and the progress line ----------------------------------- */

START_TEST(test_counters)
{
	for (int c = 0; c < SHC_MAX; c++)
		ck_assert_uint_eq(share_read(sh, (enum share_counter)c), 0);
	share_add(sh, SHC_FAILED, 2);
	share_add(sh, SHC_FAILED, 3);
	share_set(sh, SHC_LINES, 1000);
	share_set(sh, SHC_LINES, 700);		/* a total, not a sum */
	ck_assert_uint_eq(share_read(sh, SHC_FAILED), 5);
	ck_assert_uint_eq(share_read(sh, SHC_LINES), 700);
	ck_assert_uint_eq(share_read(sh, SHC_ADDRS), 0);
	share_answered(sh, 0);
	share_answered(sh, 2);
	share_answered(sh, 2);
	share_answered(sh, MAX_JOBS - 1);
	ck_assert_uint_eq(share_answered_by(sh, 0), 1);
	ck_assert_uint_eq(share_answered_by(sh, 1), 0);
	ck_assert_uint_eq(share_answered_by(sh, 2), 2);
	ck_assert_uint_eq(share_answered_all(sh, 2), 1);
	ck_assert_uint_eq(share_answered_all(sh, 3), 3);
	ck_assert_uint_eq(share_answered_all(sh, MAX_JOBS), 4);
	/* No table: counting costs nothing and says 0. */
	share_add(NULL, SHC_FAILED, 1);
	share_set(NULL, SHC_LINES, 1);
	share_answered(NULL, 0);
	ck_assert_uint_eq(share_read(NULL, SHC_FAILED), 0);
	ck_assert_uint_eq(share_answered_by(NULL, 0), 0);
	ck_assert_uint_eq(share_answered_all(NULL, MAX_JOBS), 0);
}
END_TEST

/* Child k counts 10,000 failed lookups and k answers of its own. */
static int
count_many(int k)
{
	for (int i = 0; i < 10000; i++)
		share_add(sh, SHC_FAILED, 1);
	for (int i = 0; i < k; i++)
		share_answered(sh, k);
	return 0;
}

START_TEST(test_counters_fork)
{
	int status[KIDS];

	in_children(KIDS, count_many, status);
	ck_assert_uint_eq(share_read(sh, SHC_FAILED), KIDS * 10000);
	for (int k = 0; k < KIDS; k++)
		ck_assert_uint_eq(share_answered_by(sh, k), (uint64_t)k);
	ck_assert_uint_eq(share_answered_all(sh, KIDS),
	    KIDS * (KIDS - 1) / 2);
}
END_TEST

/* main draws while it may; once the reporter stops it, never again. */
START_TEST(test_draw)
{
	ck_assert_int_eq(share_draw_begin(sh), 1);
	share_draw_end(sh);
	ck_assert_int_eq(share_draw_begin(sh), 1);
	share_draw_end(sh);
	ck_assert_int_eq(share_draw_stop(sh), 1);	/* a line to clear */
	ck_assert_int_eq(share_draw_begin(sh), 0);
	ck_assert_int_eq(share_draw_stop(sh), 0);
	ck_assert_int_eq(share_draw_begin(NULL), 0);
	ck_assert_int_eq(share_draw_stop(NULL), 0);
}
END_TEST

START_TEST(test_draw_never)
{
	ck_assert_int_eq(share_draw_stop(sh), 0);	/* nothing drawn */
	ck_assert_int_eq(share_draw_begin(sh), 0);
}
END_TEST

/*
 * The answered bits: set by the worker that answered, read by the
 * parser; each index its own, none set by another's.
 */
START_TEST(test_ack)
{
	ck_assert_uint_eq(share_ack_index(2, 4, 0), 2);
	ck_assert_uint_eq(share_ack_index(2, 4, 5), 22);
	ck_assert_uint_eq(share_ack_index(0, 1, 7), 7);
	for (uint64_t i = 0; i < 200; i++)
		ck_assert_int_eq(share_acked(sh, i), 0);
	share_ack(sh, 0);
	share_ack(sh, 63);
	share_ack(sh, 64);
	share_ack(sh, 130);
	for (uint64_t i = 0; i < 200; i++)
		ck_assert_int_eq(share_acked(sh, i), i == 0 || i == 63 ||
		    i == 64 || i == 130);
	/* Past the bits, or without a table: taken as answered, so that
	 * nothing is asked twice on a guess. */
	ck_assert_int_eq(share_acked(sh, (uint64_t)1 << 40), 1);
	share_ack(sh, (uint64_t)1 << 40);
	ck_assert_int_eq(share_acked(NULL, 0), 1);
	share_ack(NULL, 0);
	share_given(sh, 3, 17);
	ck_assert_uint_eq(share_given_to(sh, 3), 17);
	ck_assert_uint_eq(share_given_to(sh, 2), 0);
	ck_assert_uint_eq(share_given_to(NULL, 3), 0);
}
END_TEST

/* Child k marks the answers of worker k of KIDS, 1000 of them. */
static int
ack_many(int k)
{
	for (uint64_t seq = 0; seq < 1000; seq++)
		share_ack(sh, share_ack_index(k, KIDS, seq));
	return 0;
}

START_TEST(test_ack_fork)
{
	int status[KIDS];

	in_children(KIDS, ack_many, status);
	for (uint64_t i = 0; i < 1000 * KIDS; i++)
		ck_assert_int_eq(share_acked(sh, i), 1);
	ck_assert_int_eq(share_acked(sh, 1000 * KIDS), 0);
}
END_TEST

/* A stop and the report: whichever comes first, the other is refused. */
START_TEST(test_stop_first)
{
	ck_assert_int_eq(share_stop(sh), 1);
	ck_assert_int_eq(share_stop(sh), 1);	/* a second signal */
	ck_assert_int_eq(share_report_begin(sh), 0);
}
END_TEST

START_TEST(test_report_first)
{
	ck_assert_int_eq(share_report_begin(sh), 1);
	ck_assert_int_eq(share_stop(sh), 0);
	ck_assert_int_eq(share_stop(NULL), 1);
	ck_assert_int_eq(share_report_begin(NULL), 1);
}
END_TEST

static Suite *
share_suite(void)
{
	Suite *s = suite_create("share");
	TCase *tc;

	tc = tcase_create("breakers");
	tcase_add_checked_fixture(tc, setup, teardown);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_breaker);
	tcase_add_test(tc, test_breaker_not_in_a_row);
	tcase_add_test(tc, test_breaker_full);
	tcase_add_test(tc, test_breaker_fork);

	tc = tcase_create("answers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_put_get);
	tcase_add_test(tc, test_put_longest);
	tcase_add_test(tc, test_put_fork);
	tcase_add_test(tc, test_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("claims");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_claim);
	tcase_add_test(tc, test_claim_v6);
	tcase_add_test(tc, test_claim_seen);
	tcase_add_test(tc, test_still_asking);
	tcase_add_test(tc, test_claim_fork);
	suite_add_tcase(s, tc);

	tc = tcase_create("pace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_pace);
	tcase_add_test(tc, test_pace_servers);
	tcase_add_test(tc, test_pace_fork);
	suite_add_tcase(s, tc);

	tc = tcase_create("counters");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_counters_fork);
	tcase_add_test(tc, test_draw);
	tcase_add_test(tc, test_draw_never);
	suite_add_tcase(s, tc);

	tc = tcase_create("resilience");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ack);
	tcase_add_test(tc, test_ack_fork);
	tcase_add_test(tc, test_stop_first);
	tcase_add_test(tc, test_report_first);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(share_suite());
}
