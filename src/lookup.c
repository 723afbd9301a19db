/*
 * The worker's lookup chain: the place every source of answers plugs in.
 *
 *  1. Special-purpose addresses are answered from IANA's registries and
 *     never looked up; public ones get their Regional Internet Registry
 *     from the built-in allocation tables.
 *  2. A network the run already knows (learned by any worker, or
 *     remembered by the cache) answers every address inside it; the most
 *     specific one wins.  Offline, stale answers count too.
 *  3. Live: if another worker is asking about a nearby address right
 *     now, the caller is told to come back later (its answer may cover
 *     this one); otherwise the registry is asked, over RDAP or whois,
 *     politely (a shared pace per server) and stubbornly (retries with
 *     backoff), and what it says is shared with the other workers.
 *  4. The local IP database adds AS and country, and stands in for the
 *     registry when a lookup failed.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ipwhois.h"

#define NOT_FOUND_TTL	(24 * 3600)	/* a negative answer, at most */
#define FAILURE_TTL	3600		/* a failed lookup's, in the cache */
#define RETRY_AFTER_MAX	30		/* longer 429s: give up on the address */
#define BACKOFF_MS	500		/* first retry; doubles each time */
#define HOPS_MAX	4		/* whois referrals */
#define ANSWER_MAX	(2 * 1024 * 1024)	/* larger answers are refused */

struct lookup {
	const struct config *cfg;
	const struct run *run;		/* share, bootstrap table, IP database */
	int	 id;			/* the worker's number */
	struct nettab *known;		/* networks of the run, by block */
	struct answer *ans;		/* their answers; nettab values */
	uint32_t *from;			/* the share entry of each */
	uint32_t nans, cap;
	uint32_t imported;		/* share entries taken so far */
	struct fetcher *fetch;		/* made on the first query */
	int64_t	 now;			/* wall clock, for freshness */
	char	 why[256];		/* the last failure, for -v */
	struct wstats st;		/* what this worker did, for -v */
};

struct lookup *
lookup_new(const struct config *cfg, const struct run *run, int id)
{
	struct lookup *lk = xcalloc(1, sizeof(*lk));

	lk->cfg = cfg;
	lk->run = run;
	lk->id = id;
	lk->known = nettab_new();
	return lk;
}

void
lookup_free(struct lookup *lk)
{
	if (lk == NULL)
		return;
	for (uint32_t i = 0; i < lk->nans; i++)
		answer_clear(&lk->ans[i]);
	free(lk->ans);
	free(lk->from);
	nettab_free(lk->known);
	if (lk->fetch != NULL)
		fetch_free(lk->fetch);
	free(lk);
}

/* Sleep until a CLOCK_MONOTONIC time; a stop signal ends the worker. */
static void
sleep_until(int64_t when)
{
	struct timespec ts = { (time_t)(when / 1000000000),
	    (long)(when % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		if (got_signal)
			_exit(exit_for_signal());
	if (got_signal)
		_exit(exit_for_signal());
}

/*
 * AS and country from the local database (mapped by main, shared).  With
 * fill_only, the answer keeps its source and the registry's country.
 */
static void
lookup_db(const struct ipdb *db, const struct ip *ip, struct answer *a,
    int fill_only)
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
	if (d.country[0] != '\0' && (!fill_only || a->field[FLD_COUNTRY] ==
	    NULL))
		answer_set(a, FLD_COUNTRY, d.country, strlen(d.country));
	if (!fill_only)
		a->source = SRC_DB;
}

/* --- what the run knows ---------------------------------------------- */

/* How long an answer of this status stays good, in seconds. */
static int64_t
ttl(const struct config *cfg, enum status st)
{
	int64_t cap = st == ST_OK ? cfg->max_age : st == ST_NOT_FOUND ?
	    NOT_FOUND_TTL : FAILURE_TTL;

	return cap < cfg->max_age ? cap : cfg->max_age;
}

/* Whether the cache's answer is older than its status allows. */
static int
stale(const struct lookup *lk, uint32_t i)
{
	const struct answer *a = &lk->ans[i];

	return lk->from[i] < lk->run->cached &&
	    lk->now - a->fetched >= ttl(lk->cfg, a->status);
}

/*
 * Whether a network answers its neighbours: always, but with --exact
 * not an allocation, which may hold a customer's block the run has not
 * asked about.  An assignment, or a network of unknown type, still does.
 */
static int
answers_neighbours(const struct config *cfg, const struct answer *a)
{
	return !cfg->exact ||
	    net_class(a->field[FLD_NET_TYPE]) != NET_ALLOCATION;
}

/*
 * nettab_find()'s test: what this run learned, and fresh answers from the
 * cache (offline: any that answers, since nothing can be asked).
 */
static int
usable(void *ctx, uint32_t i)
{
	struct lookup *lk = ctx;
	const struct answer *a = &lk->ans[i];

	if (lk->cfg->offline)
		return a->status == ST_OK || a->status == ST_NOT_FOUND;
	return !stale(lk, i) && answers_neighbours(lk->cfg, a);
}

/* Take the answers other workers (and the cache) published since last. */
static void
import(struct lookup *lk)
{
	uint32_t n = share_count(lk->run->share);

	for (; lk->imported < n; lk->imported++) {
		struct answer a;

		if (share_get(lk->run->share, lk->imported, &a) == -1)
			continue;
		if (lk->nans == lk->cap) {
			lk->cap = lk->cap ? lk->cap * 2 : 256;
			lk->ans = xrealloc(lk->ans, lk->cap * sizeof(*lk->ans));
			lk->from = xrealloc(lk->from, lk->cap *
			    sizeof(*lk->from));
		}
		lk->from[lk->nans] = lk->imported;
		lk->ans[lk->nans] = a;
		nettab_add(lk->known, &a.net, lk->nans);
		lk->nans++;
	}
}

/* The run's answer for ip, if it knows one: 1 with a filled. */
static int
lookup_known(struct lookup *lk, const struct ip *ip, struct answer *a)
{
	uint32_t i;
	uint8_t kind = a->kind, registry = a->registry;
	int cached;

	import(lk);
	if (!nettab_find(lk->known, ip, usable, lk, &i))
		return 0;
	cached = lk->from[i] < lk->run->cached;
	answer_clear(a);
	answer_copy(a, &lk->ans[i]);
	a->kind = kind;
	if (a->registry == RIR_NONE)
		a->registry = registry;
	/*
	 * From the cache file; or learned in this run, keeping the source of
	 * the registry that was asked: the column says where the answer came
	 * from, for the address asked and its neighbours alike.
	 */
	if (cached)
		a->source = SRC_CACHE;
	a->has_net = 0;		/* already known: nothing to store */
	if (a->status != ST_OK)
		setmsg(lk->why, sizeof(lk->why), "%s", cached ?
		    "the cache's answer from an earlier run" :
		    "the answer to an earlier query of this run");
	if (cached)
		lk->st.cached++;
	else
		lk->st.known++;
	if (stale(lk, i))
		lk->st.stale++;
	return 1;
}

/* --- asking a registry ------------------------------------------------ */

struct attempt {
	enum status st;		/* ST_OK: a final answer is in a */
	int	 retry;		/* worth another try */
	long	 retry_after;	/* seconds the server asked for, or -1 */
};

static struct fetcher *
fetcher(struct lookup *lk)
{
	struct fetch_opts fo = { lk->cfg->connect_ms, lk->cfg->timeout_ms,
	    ANSWER_MAX };

	if (lk->fetch == NULL)
		lk->fetch = fetch_new(&fo);
	return lk->fetch;
}

/* Wait for our turn at server (the shared pace), then count a query. */
static void
take_turn(struct lookup *lk, const char *server)
{
	int64_t interval = (int64_t)(1e9 / lk->cfg->rate);

	sleep_until(share_pace(lk->run->share, server, interval, now_ns()));
	lk->st.queries++;
}

/* A transfer that did not bring an answer: its status, and retry? */
static void
transfer_failed(struct lookup *lk, const struct fetch_result *fr,
    struct attempt *at)
{
	static const struct {
		enum status st;
		int retry;
	} how[FE_MAX] = {
		[FE_TIMEOUT] = { ST_TIMEOUT, 1 },
		[FE_CONNECT] = { ST_ERROR, 1 },
		[FE_RESET] = { ST_ERROR, 1 },
		[FE_TOO_BIG] = { ST_ERROR, 0 },
		[FE_PROTOCOL] = { ST_ERROR, 0 },
		[FE_STOPPED] = { ST_ERROR, 0 },
		[FE_LIB] = { ST_ERROR, 0 },
	};

	if (fr->err == FE_STOPPED)
		_exit(exit_for_signal());
	at->st = how[fr->err].st;
	at->retry = how[fr->err].retry;
	setmsg(lk->why, sizeof(lk->why), "%s", fr->why);
}

/* An HTTP answer into a, or why not. */
static void
rdap_answer(struct lookup *lk, const struct fetch_result *fr,
    struct answer *a, struct attempt *at)
{
	char why[160];

	at->retry_after = fr->retry_after;
	if (fr->http_status == 200 || fr->http_status == 404 ||
	    fr->http_status == 429) {
		if (rdap_map(fr->body, fr->len, a, &a->net, why,
		    sizeof(why)) == 0) {
			a->has_net = a->status == ST_OK;
			at->st = (enum status)a->status;
			at->retry = at->st == ST_RATE_LIMITED;
			if (at->st == ST_RATE_LIMITED)
				setmsg(lk->why, sizeof(lk->why),
				    "rate limited (HTTP %ld)",
				    fr->http_status);
			else if (at->st == ST_NOT_FOUND)
				setmsg(lk->why, sizeof(lk->why),
				    "HTTP status %ld", fr->http_status);
			return;
		}
		/* A 404 or 429 without an RDAP error object still says it. */
		at->st = fr->http_status == 404 ? ST_NOT_FOUND :
		    fr->http_status == 429 ? ST_RATE_LIMITED : ST_ERROR;
		at->retry = at->st == ST_RATE_LIMITED;
		if (at->st == ST_NOT_FOUND) {
			a->status = ST_NOT_FOUND;
			setmsg(lk->why, sizeof(lk->why), "HTTP status 404");
			return;
		}
		setmsg(lk->why, sizeof(lk->why), "%s%s",
		    at->st == ST_ERROR ? "bad answer: " : "rate limited: ",
		    why);
		return;
	}
	at->st = ST_ERROR;
	at->retry = fr->http_status >= 500;
	setmsg(lk->why, sizeof(lk->why), "HTTP status %ld", fr->http_status);
}

/* --- servers that cannot be reached ------------------------------------ */

/*
 * Whether server is down (its breaker tripped, share.c): then the
 * address gets error at once, and says why.  Asking anyway would cost a
 * connect timeout and the retries' backoff, for every address.
 */
static int
server_down(struct lookup *lk, const char *server, struct attempt *at)
{
	char why[192];

	if (!share_server_down(lk->run->share, server, why, sizeof(why)))
		return 0;
	at->st = ST_ERROR;
	at->retry = 0;
	setmsg(lk->why, sizeof(lk->why), "%s is down: %s", server, why);
	return 1;
}

/* What a transfer to server tells its breaker; -v says when it trips. */
static void
breaker(struct lookup *lk, const char *server, const struct fetch_result *fr)
{
	if (!fr->unreachable) {
		/* A local failure (libcurl) says nothing of the server. */
		if (fr->err != FE_LIB && fr->err != FE_STOPPED)
			share_server_ok(lk->run->share, server);
		return;
	}
	if (share_server_failed(lk->run->share, server, fr->why) &&
	    lk->cfg->verbose)
		fprintf(stderr, "ipwhois: %s is down: %s; no more queries go "
		    "there in this run, its addresses get status error\n",
		    server, fr->why);
}

/* scheme://host[:port]/... -> host[:port], the server a pace belongs to. */
static void
server_of(const char *url, char *host, size_t n)
{
	const char *p = strstr(url, "://"), *end;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	snprintf(host, n, "%.*s", (int)(end - p), p);
}

static void
rdap_once(struct lookup *lk, const struct ip *ip, struct answer *a,
    struct attempt *at)
{
	const struct rir_info *ri = rir_info((enum rir)a->registry);
	const char *base = lk->cfg->rdap_url;
	char url[1024], text[IP_STRLEN], server[256];
	struct fetch_result fr;

	if (base == NULL)
		base = bootstrap_url(lk->run->boot, ip);
	if (base == NULL && ri != NULL)
		base = ri->rdap_base;
	if (base == NULL) {
		at->st = ST_NOT_FOUND;
		setmsg(lk->why, sizeof(lk->why), "no registry's RDAP "
		    "service covers it");
		return;
	}
	ip_format(ip, text);
	snprintf(url, sizeof(url), "%s%sip/%s", base,
	    base[strlen(base) - 1] == '/' ? "" : "/", text);
	server_of(url, server, sizeof(server));
	if (server_down(lk, server, at))
		return;
	take_turn(lk, server);
	/* It may have gone down while this worker waited for its turn. */
	if (server_down(lk, server, at))
		return;
	if (fetch_rdap(fetcher(lk), url, &fr) == -1 || fr.err != FE_OK)
		transfer_failed(lk, &fr, at);
	else
		rdap_answer(lk, &fr, a, at);
	breaker(lk, server, &fr);
	if (at->st == ST_RATE_LIMITED)
		share_pause(lk->run->share, server, now_ns() + 1000000000LL *
		    (at->retry_after > 0 ? at->retry_after : 1));
}

/* --- whois ------------------------------------------------------------ */

/* Each registry's question for an address (RFC 3912 leaves it to them). */
static void
whois_query(enum rir r, const char *addr, char *q, size_t n)
{
	static const char *const form[RIR_MAX] = {
		[RIR_ARIN] = "n + %s",		/* networks only, full detail */
		/* -r: no contact objects, so RIPE's daily limit on personal
		 * data is never reached; the abuse contact is still said. */
		[RIR_RIPE] = "-r %s",
		[RIR_APNIC] = "-r %s",
		[RIR_AFRINIC] = "-r %s",
		[RIR_LACNIC] = "%s",
	};

	snprintf(q, n, form[r] ? form[r] : "%s", addr);
}

/* HOST[:PORT] (or [V6]:PORT) into host and port. */
static void
host_port(const char *s, char *host, size_t hn, char *port, size_t pn)
{
	const char *colon = strrchr(s, ':');

	if (s[0] == '[' && strchr(s, ']') != NULL) {
		const char *close = strchr(s, ']');

		snprintf(host, hn, "%.*s", (int)(close - s - 1), s + 1);
		snprintf(port, pn, "%s", close[1] == ':' ? close + 2 : "43");
	} else if (colon != NULL && strchr(s, ':') == colon) {
		snprintf(host, hn, "%.*s", (int)(colon - s), s);
		snprintf(port, pn, "%s", colon + 1);
	} else {
		snprintf(host, hn, "%s", s);
		snprintf(port, pn, "43");
	}
}

/* The next registry to try when an answer points nowhere in particular. */
static enum rir
next_rir(unsigned tried)
{
	static const enum rir order[] = { RIR_ARIN, RIR_RIPE, RIR_APNIC,
	    RIR_LACNIC, RIR_AFRINIC };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (!(tried & (1u << order[i])))
			return order[i];
	return RIR_NONE;
}

/*
 * One whois exchange: a server, asked in registry r's form (RIR_NONE:
 * the bare address), its answer read by its own dialect.  Returns 1 on
 * a referral, with where to go next in ref ("" when the answer does not
 * say) and whose answer it was in *wi; else 0 with at filled.
 */
static int
whois_ask(struct lookup *lk, enum rir r, const char *where,
    const struct ip *ip, struct answer *a, struct attempt *at,
    struct whois_info *wi, char *ref, size_t reflen)
{
	char host[256], port[16], q[128], text[IP_STRLEN], sv[300];
	struct fetch_result fr;
	int rc;

	memset(wi, 0, sizeof(*wi));	/* nothing said unless parsed */
	host_port(where, host, sizeof(host), port, sizeof(port));
	ip_format(ip, text);
	whois_query(r, text, q, sizeof(q));
	snprintf(sv, sizeof(sv), "%s:%s", host, port);
	if (server_down(lk, sv, at))
		return 0;
	take_turn(lk, sv);
	if (server_down(lk, sv, at))
		return 0;
	rc = fetch_whois(fetcher(lk), host, port, q, &fr);
	breaker(lk, sv, &fr);
	if (rc == -1 || fr.err != FE_OK) {
		transfer_failed(lk, &fr, at);
		return 0;
	}
	rc = whois_parse_info(r, fr.body, fr.len, a, &a->net, wi, ref, reflen);
	if (rc == 1)
		return 1;
	if (rc == -1) {
		at->st = ST_ERROR;
		setmsg(lk->why, sizeof(lk->why), "%s", ref);
		return 0;
	}
	at->st = (enum status)a->status;
	a->has_net = at->st == ST_OK;
	if (at->st == ST_NOT_FOUND)
		setmsg(lk->why, sizeof(lk->why), "%s has no entry", sv);
	if (at->st == ST_RATE_LIMITED) {
		at->retry = 0;	/* RIPE's %ERROR:201 means a ban: go away */
		setmsg(lk->why, sizeof(lk->why), "rate limited by %s", sv);
		share_pause(lk->run->share, sv, now_ns() + 60000000000LL);
	}
	return 0;
}

/* The servers a lookup has asked, so that no referral loops. */
struct visited {
	char	 host[HOPS_MAX][256];
	int	 n;
	unsigned rirs;		/* registries asked or answering */
};

static int
visited(const struct visited *v, const char *where)
{
	for (int i = 0; i < v->n; i++)
		if (strcasecmp(v->host[i], where) == 0)
			return 1;
	return 0;
}

/*
 * Where a referral leads: *r the registry whose form to ask in, where
 * the server.  With --whois-server every query goes there, so only a
 * referral that names a registry leads on (asked there in that
 * registry's form); without it, any server a referral names, or, when
 * it names none, the next registry not asked yet.  0: nowhere new.
 */
static int
whois_next(const struct lookup *lk, const struct visited *v,
    const char *ref, enum rir *r, char *where, size_t n)
{
	char host[256], port[16];
	enum rir nr = RIR_NONE;

	if (ref[0] != '\0') {
		host_port(ref, host, sizeof(host), port, sizeof(port));
		nr = rir_by_whois_host(host, strlen(host));
	}
	if (lk->cfg->whois_server != NULL) {
		if (nr == RIR_NONE || (v->rirs & (1u << nr)))
			return 0;
		*r = nr;
		return 1;
	}
	if (ref[0] == '\0' || (nr != RIR_NONE && (v->rirs & (1u << nr)))) {
		if ((nr = next_rir(v->rirs)) == RIR_NONE)
			return 0;
		*r = nr;
		snprintf(where, n, "%s", rir_info(nr)->whois_host);
		return 1;
	}
	if (visited(v, ref))
		return 0;
	*r = nr;
	snprintf(where, n, "%s", ref);
	return 1;
}

/*
 * Server to server, each at most once, a few hops at most.  The registry
 * column follows the answer: the registry it says it is from, else the
 * one asked.
 */
static void
whois_once(struct lookup *lk, const struct ip *ip, struct answer *a,
    struct attempt *at)
{
	enum rir r = (enum rir)a->registry;
	struct visited v;
	struct whois_info wi;
	char where[256], ref[256];

	if (r == RIR_NONE)
		r = RIR_ARIN;
	memset(&v, 0, sizeof(v));
	snprintf(where, sizeof(where), "%s", lk->cfg->whois_server ?
	    lk->cfg->whois_server : rir_info(r)->whois_host);
	for (int hop = 0; hop < HOPS_MAX; hop++) {
		v.rirs |= 1u << r;
		snprintf(v.host[v.n++], sizeof(v.host[0]), "%s", where);
		if (whois_ask(lk, r, where, ip, a, at, &wi, ref,
		    sizeof(ref)) == 0) {
			if (at->st == ST_OK && wi.registry != RIR_NONE)
				a->registry = (uint8_t)wi.registry;
			else if (at->st == ST_OK && r != RIR_NONE)
				a->registry = (uint8_t)r;
			return;
		}
		v.rirs |= 1u << wi.registry;
		if (!whois_next(lk, &v, ref, &r, where, sizeof(where)))
			break;
	}
	at->st = ST_NOT_FOUND;
	setmsg(lk->why, sizeof(lk->why), "no registry claims it");
}

/* --- retries ---------------------------------------------------------- */

/* Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... each +0-50%. */
static int64_t
backoff_ns(int attempt, long retry_after)
{
	int64_t ms = (int64_t)BACKOFF_MS << (attempt < 10 ? attempt : 10);

	ms += random() % (ms / 2 + 1);
	if (retry_after > 0 && retry_after * 1000 > ms)
		ms = retry_after * 1000;
	return ms * 1000000;
}

static void
ask_registry(struct lookup *lk, const struct ip *ip, struct answer *a)
{
	struct attempt at;

	for (int i = 0;; i++) {
		memset(&at, 0, sizeof(at));
		at.retry_after = -1;
		lk->why[0] = '\0';
		if (lk->cfg->protocol == PROTO_WHOIS)
			whois_once(lk, ip, a, &at);
		else
			rdap_once(lk, ip, a, &at);
		if (at.st == ST_OK || !at.retry || i >= lk->cfg->retries ||
		    at.retry_after > RETRY_AFTER_MAX)
			break;
		sleep_until(now_ns() + backoff_ns(i, at.retry_after));
	}
	a->status = (uint8_t)at.st;
	if (at.st != ST_OK) {
		for (int f = 0; f < FLD_MAX; f++) {
			free(a->field[f]);
			a->field[f] = NULL;
		}
		a->source = lk->cfg->protocol == PROTO_WHOIS ? SRC_WHOIS :
		    SRC_RDAP;
		/*
		 * Not found is an answer, remembered for this address alone.
		 * A lookup that got none (the server down, slow or refusing)
		 * says nothing about the address: neither shared nor cached.
		 */
		a->has_net = at.st == ST_NOT_FOUND;
		memset(&a->net, 0, sizeof(a->net));
		if (a->has_net)
			a->net.lo = a->net.hi = *ip;
	}
	a->fetched = (int64_t)time(NULL);
}

/* -v: why an address has no answer, one line per failure. */
static void
say_why(const struct lookup *lk, const struct ip *ip, const struct answer *a)
{
	char text[IP_STRLEN], why[4 * sizeof(lk->why)];

	if (!lk->cfg->verbose || a->status == ST_OK)
		return;
	ip_format(ip, text);
	/* The reason may quote the server: escaped for the terminal. */
	text_escape(why, sizeof(why), lk->why, strlen(lk->why));
	fprintf(stderr, "ipwhois: %s: %s%s%s\n", text,
	    status_name((enum status)a->status), why[0] ? ": " : "", why);
}

/*
 * The first lookup that got no answer (not-found is one), and why: the
 * reporter says the run's first in its closing line, even with -q.
 */
static void
note_failure(struct lookup *lk, const struct answer *a)
{
	if (a->status == ST_OK || a->status == ST_NOT_FOUND ||
	    lk->st.failed_ns != 0)
		return;
	lk->st.failed_ns = now_ns();
	lk->st.failed_status = a->status;
	setmsg(lk->st.failed_why, sizeof(lk->st.failed_why), "%s", lk->why);
}

/* The chain, for lookup_addr(). */
static enum lookup_rc
chain(struct lookup *lk, const struct ip *ip, int may_defer,
    struct answer *a, int *blocker)
{
	const struct config *cfg = lk->cfg;
	const struct run *run = lk->run;
	int64_t until;
	int w;

	answer_builtin(ip, a);
	if (a->kind != KIND_PUBLIC)
		return LK_DONE;
	lk->now = (int64_t)time(NULL);
	until = now_ns() + (int64_t)(cfg->retries + 1) *
	    (cfg->timeout_ms + 2000) * 1000000;
	do {
		if (lookup_known(lk, ip, a)) {
			say_why(lk, ip, a);
			note_failure(lk, a);
			lookup_db(run->ipdb, ip, a, 1);
			return LK_DONE;
		}
		if (cfg->offline) {
			lookup_db(run->ipdb, ip, a, 0);
			return LK_DONE;
		}
		w = share_claim(run->share, lk->id, ip, now_ns(),
		    until, lk->imported);
	} while (w == -1);
	if (w > 0 && may_defer) {
		*blocker = w - 1;
		answer_clear(a);
		return LK_DEFER;
	}
	if (w > 0)
		share_asking(run->share, lk->id, ip, until);
	ask_registry(lk, ip, a);
	share_put(run->share, a);
	share_done(run->share, lk->id);
	say_why(lk, ip, a);
	note_failure(lk, a);
	/* A failure keeps its status; the database fills in what it can. */
	lookup_db(run->ipdb, ip, a, a->status == ST_OK);
	return LK_DONE;
}

/*
 * Look ip up into a (cleared first).  With may_defer, LK_DEFER says
 * "another worker is asking about a nearby address: come back when
 * worker *blocker is done"; a is then empty.
 */
enum lookup_rc
lookup_addr(struct lookup *lk, const struct ip *ip, int may_defer,
    struct answer *a, int *blocker)
{
	enum lookup_rc rc = chain(lk, ip, may_defer, a, blocker);

	if (rc == LK_DONE)
		lk->st.lookups++;
	return rc;
}

/* What the lookups so far did: answers, queries and where answers came
 * from. */
const struct wstats *
lookup_stats(const struct lookup *lk)
{
	return &lk->st;
}

/* Whether the worker a deferred address waits for has finished. */
int
lookup_blocker_done(struct lookup *lk, int blocker, const struct ip *ip)
{
	return !share_still_asking(lk->run->share, blocker, ip, now_ns());
}
