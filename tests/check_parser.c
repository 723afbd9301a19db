/*
 * parser.c: its decisions without the pipes.  Which worker gets a new
 * address (by network offline, the least loaded live, never a dead one),
 * which lines the time window counts, and which clients --include and
 * --exclude leave out.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

static struct ip
addr(const char *s)
{
	struct ip ip;

	ck_assert_msg(ip_parse(s, strlen(s), &ip) == 0, "%s", s);
	return ip;
}

static int
worker_of(const struct route *r, const char *s)
{
	struct ip ip = addr(s);

	return route_worker(r, &ip);
}

/* --- routing --------------------------------------------------------------- */

/*
 * Offline: an address's worker is its network's (/24, /48), the same
 * every time and for every -j that many; every worker gets some.
 */
START_TEST(test_route_by_network)
{
	static const char *const same[][3] = {
		{ "66.249.66.1", "66.249.66.200", "66.249.66.0" },
		{ "2a00:1450:4001::1", "2a00:1450:4001:ffff::9",
		    "2a00:1450:4001::" },
		{ "10.0.0.1", "10.0.0.254", "::ffff:10.0.0.7" },
	};
	struct route r;
	int seen[16] = { 0 }, used = 0;
	char ip[32];

	route_init(&r, 16, NULL, 0);
	for (size_t i = 0; i < nitems(same); i++) {
		int w = worker_of(&r, same[i][0]);

		ck_assert_int_ge(w, 0);
		ck_assert_int_lt(w, 16);
		for (int k = 1; k < 3; k++)
			ck_assert_msg(worker_of(&r, same[i][k]) == w,
			    "%s and %s: different workers", same[i][0],
			    same[i][k]);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "%d.%d.%d.1", 1 + i % 200, i / 200,
		    i % 7);
		seen[worker_of(&r, ip)]++;
	}
	for (int w = 0; w < 16; w++)
		used += seen[w] > 0;
	ck_assert_int_eq(used, 16);
	/* Deciding sends nothing: the caller counts what it sends. */
	for (int w = 0; w < 16; w++)
		ck_assert_uint_eq(r.sent[w], 0);
	route_free(&r);
}
END_TEST

/* A dead worker's addresses go to the next one alive; none alive: -1. */
START_TEST(test_route_dead)
{
	struct route r;
	int w, n = 0;

	route_init(&r, 4, NULL, 0);
	w = worker_of(&r, "192.0.2.1");
	r.alive[w] = 0;
	r.nalive--;
	ck_assert_int_eq(worker_of(&r, "192.0.2.1"), (w + 1) % 4);
	r.alive[(w + 1) % 4] = 0;
	r.nalive--;
	ck_assert_int_eq(worker_of(&r, "192.0.2.1"), (w + 2) % 4);
	/* Whoever maps where: never to a dead one. */
	for (int i = 0; i < 256; i++) {
		char ip[32];
		int to;

		snprintf(ip, sizeof(ip), "198.51.%d.1", i);
		to = worker_of(&r, ip);
		ck_assert(to >= 0 && to < 4 && r.alive[to]);
		n += to == (w + 2) % 4;
	}
	ck_assert_int_gt(n, 0);
	memset(r.alive, 0, 4);
	r.nalive = 0;
	ck_assert_int_eq(worker_of(&r, "192.0.2.1"), -1);
	route_free(&r);
}
END_TEST

/* Worker w has n addresses waiting: sent, and not yet answered. */
static void
waiting(struct route *r, int w, uint64_t n)
{
	r->sent[w] = share_answered_by(r->share, w) + n;
}

/*
 * Live: the worker with the fewest addresses sent and not yet answered;
 * its network's worker when none has fewer; the lowest number among
 * others that tie; never a dead one.
 */
START_TEST(test_route_least_loaded)
{
	struct share *sh = share_new();
	struct route r;
	int home, a, b, c;

	ck_assert_ptr_nonnull(sh);
	route_init(&r, 4, sh, 1);
	home = worker_of(&r, "203.0.113.5");
	a = (home + 1) % 4;
	b = (home + 2) % 4;
	c = (home + 3) % 4;
	/* Nobody has work: the network's worker. */
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"), home);
	waiting(&r, home, 3);
	waiting(&r, a, 2);
	waiting(&r, b, 1);
	waiting(&r, c, 5);
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"), b);
	/* What is answered is no longer waiting. */
	for (int k = 0; k < 5; k++)
		share_answered(sh, c);
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"), c);
	/* The least loaded dies: the next least. */
	r.alive[c] = 0;
	r.nalive--;
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"), b);
	r.alive[c] = 1;
	r.nalive++;
	/* A tie below the network's worker: the lowest number. */
	waiting(&r, home, 2);
	waiting(&r, a, 1);
	waiting(&r, b, 1);
	waiting(&r, c, 1);
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"),
	    a < b ? (a < c ? a : c) : (b < c ? b : c));
	/* A tie with the network's worker: it keeps it. */
	waiting(&r, home, 1);
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"), home);
	/* Offline, the load does not matter. */
	r.by_load = 0;
	waiting(&r, home, 100);
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"), home);
	route_free(&r);
	share_free(sh);
}
END_TEST

/* Without the shared page (it could not be made): by what was sent. */
START_TEST(test_route_no_share)
{
	struct route r;
	int home;

	route_init(&r, 3, NULL, 1);
	home = worker_of(&r, "203.0.113.5");
	r.sent[home] = 4;
	r.sent[(home + 1) % 3] = 2;
	r.sent[(home + 2) % 3] = 3;
	ck_assert_int_eq(worker_of(&r, "203.0.113.5"), (home + 1) % 3);
	route_free(&r);
}
END_TEST

/* --- the time window ------------------------------------------------------- */

static const struct {
	const char *what;
	int64_t since, until, when;
	int in;
} windows[] = {
	{ "no window: a line without a time", 0, 0, 0, 1 },
	{ "no window: any time", 0, 0, 1700000000, 1 },
	{ "no window: before 1970", 0, 0, -86400, 1 },
	{ "no window: the largest time", 0, 0, INT64_MAX - 1, 1 },
	{ "since: at since", 1000, 0, 1000, 1 },
	{ "since: a second before", 1000, 0, 999, 0 },
	{ "since: long after", 1000, 0, INT64_MAX - 1, 1 },
	{ "since: no time", 1000, 0, 0, 0 },
	{ "until: a second before", 0, 2000, 1999, 1 },
	{ "until: at until (open end)", 0, 2000, 2000, 0 },
	{ "until: the first second", 0, 2000, 1, 1 },
	{ "until: no time", 0, 2000, 0, 0 },
	{ "until: before 1970", 0, 2000, -5, 0 },
	{ "both: inside", 1000, 2000, 1500, 1 },
	{ "both: at since", 1000, 2000, 1000, 1 },
	{ "both: at until", 1000, 2000, 2000, 0 },
	{ "both: no time", 1000, 2000, 0, 0 },
	{ "since 1: the first second", 1, 0, 1, 1 },
	{ "since 1: no time", 1, 0, 0, 0 },
};

START_TEST(test_window)
{
	struct window win;

	window_init(&win, windows[_i].since, windows[_i].until);
	ck_assert_msg(window_has(&win, windows[_i].when) == windows[_i].in,
	    "%s: %lld %s", windows[_i].what, (long long)windows[_i].when,
	    windows[_i].in ? "left out" : "counted");
}
END_TEST

/* --- --include and --exclude ------------------------------------------------ */

static const struct {
	const char *args[4];
	const char *ip;
	int out;
} filters[] = {
	{ { NULL }, "10.1.2.3", 0 },
	{ { NULL }, "2001:db8::1", 0 },
	{ { "--include", "10.0.0.0/8" }, "10.1.2.3", 0 },
	{ { "--include", "10.0.0.0/8" }, "11.0.0.1", 1 },
	{ { "--include", "10.0.0.0/8" }, "2001:db8::1", 1 },
	{ { "--include", "10.0.0.0/8,2001:db8::/32" }, "2001:db8::1", 0 },
	{ { "--include", "10.0.0.0/8" }, "::ffff:10.9.9.9", 0 },
	{ { "--exclude", "10.0.0.0/8" }, "10.1.2.3", 1 },
	{ { "--exclude", "10.0.0.0/8" }, "11.0.0.1", 0 },
	{ { "--exclude", "2001:db8::/32" }, "2001:db9::1", 0 },
	{ { "--exclude", "2001:db8::/32" }, "2001:db8:ffff::1", 1 },
	/* Both: in the included and not in the excluded. */
	{ { "--include", "10.0.0.0/8", "--exclude", "10.1.0.0/16" },
	    "10.1.2.3", 1 },
	{ { "--include", "10.0.0.0/8", "--exclude", "10.1.0.0/16" },
	    "10.2.0.1", 0 },
	{ { "--include", "10.0.0.0/8", "--exclude", "10.1.0.0/16" },
	    "8.8.8.8", 1 },
	{ { "--include", "0.0.0.0/0", "--exclude", "192.0.2.7/32" },
	    "192.0.2.7", 1 },
	{ { "--include", "0.0.0.0/0", "--exclude", "192.0.2.7/32" },
	    "192.0.2.8", 0 },
};

START_TEST(test_left_out)
{
	char *argv[8] = { "ipwhois" };
	struct config cfg;
	char msg[256];
	struct ip ip = addr(filters[_i].ip);
	int argc = 1;

	for (int k = 0; k < 4 && filters[_i].args[k] != NULL; k++)
		argv[argc++] = (char *)filters[_i].args[k];
	ck_assert_msg(config_parse(&cfg, argc, argv, msg, sizeof(msg)) == 0,
	    "%s", msg);
	ck_assert_msg(client_left_out(&cfg, &ip) == filters[_i].out,
	    "%s %s %s: %s", filters[_i].args[0] ? filters[_i].args[0] : "",
	    filters[_i].args[1] ? filters[_i].args[1] : "", filters[_i].ip,
	    filters[_i].out ? "kept" : "left out");
	config_free(&cfg);
}
END_TEST

static Suite *
parser_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("route");

	tcase_add_test(tc, test_route_by_network);
	tcase_add_test(tc, test_route_dead);
	tcase_add_test(tc, test_route_least_loaded);
	tcase_add_test(tc, test_route_no_share);
	suite_add_tcase(s, tc);

	tc = tcase_create("select");
	tcase_add_loop_test(tc, test_window, 0, nitems(windows));
	tcase_add_loop_test(tc, test_left_out, 0, nitems(filters));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(parser_suite());
}
