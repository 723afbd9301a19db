/*
 * What the workers know together, in one anonymous shared mapping that
 * main makes before it forks:
 *
 *  - networks: every answer a registry gave in this run (and those the
 *    cache remembered), appended to a log that all workers read, so a
 *    network is asked once per run, not once per worker;
 *  - queries in flight, one slot per worker, so that a worker holding an
 *    address near one another worker is asking about can wait for that
 *    answer instead of sending the same question;
 *  - each server's pace: the earliest time the next request to it may
 *    start, taken by compare-and-swap, so all workers together keep to
 *    --rate requests per second per server, and a server that said "slow
 *    down" is left alone by everyone;
 *  - each server's breaker: after a few connections in a row that could
 *    not be made, the server is down for the rest of the run, and no
 *    worker waits on it again (a registry that cannot be reached would
 *    otherwise cost every address a connect timeout and its retries);
 *  - counters for the progress line (which main draws, and the
 *    reporter ends before it writes); the -v summary's come in frames;
 *  - who holds what: how many addresses the parser gave each worker and
 *    which of them were answered (a bit per address, set once its answer
 *    is on its way to the reporter), so that the addresses of a worker
 *    that died or stuck go to the others, and main tells a stuck worker
 *    from a busy one;
 *  - the run's phase: whether a stop or the report's writing came first.
 *
 * Appends take a robust process-shared mutex: a worker killed while it
 * holds it does not stop the others.  Readers take no lock: an entry is
 * complete before the count that publishes it is raised.
 *
 * The mapping is reserved large and touched only as it fills (the
 * kernel gives pages on first use); when it is full, workers simply stop
 * sharing what they learn.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "ipwhois.h"

#define NETS_MAX	(1u << 18)		/* networks in the log */
#define ARENA_MAX	((size_t)64 << 20)	/* bytes of their answers */
#define PACE_SLOTS	64			/* servers, by hash of name */
#define BREAKERS	64		/* servers with a breaker; more go without */
#define BREAKER_TRIPS	3		/* connections failed in a row: down */
#define ACK_BITS	(1u << 27)	/* answers tracked; later ones are not */

struct share_net {
	uint64_t off;		/* in the arena */
	uint32_t len;
};

struct inflight {
	_Atomic uint32_t busy;
	struct ip ip;
	int64_t	 until_ns;	/* the asker gives up by then */
};

/*
 * A server's breaker.  Named once, under the lock, and published by
 * named; a server's why is written once, before down is raised.
 */
struct breaker {
	_Atomic uint32_t named;
	char		 name[128];	/* host[:port], as lookup.c says it */
	_Atomic uint32_t fails;		/* connections failed in a row */
	_Atomic uint32_t down;
	char		 why[192];	/* the failure that made it down */
};

struct share {
	pthread_mutex_t	 lock;		/* appends, breakers' names */
	_Atomic uint32_t nnets;		/* entries published */
	uint64_t	 used;		/* arena bytes taken, under lock */
	_Atomic int64_t	 pace[PACE_SLOTS];	/* next start, ns */
	_Atomic uint64_t counter[SHC_MAX];
	_Atomic int	 screen;	/* the progress line: SCREEN_* */
	_Atomic uint64_t done[MAX_JOBS];	/* addresses each worker answered */
	_Atomic uint64_t given[MAX_JOBS];	/* addresses the parser gave it */
	_Atomic int	 phase;		/* PHASE_* */
	_Atomic uint64_t acked[ACK_BITS / 64];	/* share_ack_index() */
	struct inflight	 inflight[MAX_JOBS];
	struct breaker	 breaker[BREAKERS];
	struct share_net net[NETS_MAX];
	uint8_t		 arena[];
};

/* Who has standard error's current line (share_draw_begin()). */
enum {
	SCREEN_NONE,		/* no line drawn yet */
	SCREEN_SHOWN,		/* main drew one */
	SCREEN_DRAWING,		/* main is drawing one */
	SCREEN_OFF,		/* the reporter ended the drawing */
};

/* Which came first: a stop (main), or the report's writing (reporter). */
enum {
	PHASE_RUN,
	PHASE_STOPPED,
	PHASE_WRITING,
};

static size_t
share_size(void)
{
	return sizeof(struct share) + ARENA_MAX;
}

struct share *
share_new(void)
{
	pthread_mutexattr_t ma;
	struct share *sh;

	sh = mmap(NULL, share_size(), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sh == MAP_FAILED)
		return NULL;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	return sh;
}

void
share_free(struct share *sh)
{
	if (sh != NULL)
		munmap(sh, share_size());
}

static void
lock(struct share *sh)
{
	/* The last holder died mid-append: nothing it did was published. */
	if (pthread_mutex_lock(&sh->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&sh->lock);
}

/*
 * Publish an answer about a network (a->has_net).  0, or -1 when the
 * log is full (the answer is then this worker's alone).
 */
int
share_put(struct share *sh, const struct answer *a)
{
	uint8_t buf[ANSWER_WIRE_MAX];
	size_t len = answer_encode(a, buf);
	uint32_t n;
	int rc = -1;

	if (sh == NULL || !a->has_net)
		return -1;
	lock(sh);
	n = atomic_load_explicit(&sh->nnets, memory_order_relaxed);
	if (n < NETS_MAX && sh->used + len <= ARENA_MAX) {
		memcpy(sh->arena + sh->used, buf, len);
		sh->net[n].off = sh->used;
		sh->net[n].len = (uint32_t)len;
		sh->used += len;
		atomic_store_explicit(&sh->nnets, n + 1, memory_order_release);
		rc = 0;
	}
	pthread_mutex_unlock(&sh->lock);
	return rc;
}

/* How many answers are published; entries below it are complete. */
uint32_t
share_count(struct share *sh)
{
	return sh ? atomic_load_explicit(&sh->nnets, memory_order_acquire) : 0;
}

/* Entry i (below share_count()) into a; 0, or -1 if it is damaged. */
int
share_get(const struct share *sh, uint32_t i, struct answer *a)
{
	return answer_decode(sh->arena + sh->net[i].off, sh->net[i].len, a);
}

/* A worker is about to ask about ip, and will give up by until_ns. */
void
share_asking(struct share *sh, int worker, const struct ip *ip,
    int64_t until_ns)
{
	struct inflight *f;

	if (sh == NULL)
		return;
	f = &sh->inflight[worker];
	atomic_store(&f->busy, 0);
	f->ip = *ip;
	f->until_ns = until_ns;
	atomic_store(&f->busy, 1);
}

void
share_done(struct share *sh, int worker)
{
	if (sh != NULL)
		atomic_store(&sh->inflight[worker].busy, 0);
}

/*
 * The block a query is likely to answer for: /16 for IPv4, /29 (the
 * usual allocation to a provider) for IPv6.
 */
static int
same_block(const struct ip *a, const struct ip *b)
{
	return ip_in_net(a, b, ip_is_v4(a) ? 96 + 16 : 29);
}

/*
 * Claim ip for this worker's next query, unless another worker is asking
 * about an address in its block right now (its answer may well cover ip
 * too): then that worker's number + 1.  0: claimed, ask away; -1:
 * answers were published since the caller last looked (seen), look
 * again.  Checking and claiming under one lock, two workers never both
 * go ahead.
 */
int
share_claim(struct share *sh, int self, const struct ip *ip, int64_t now,
    int64_t until_ns, uint32_t seen)
{
	int other = 0;

	if (sh == NULL)
		return 0;
	lock(sh);
	if (atomic_load(&sh->nnets) != seen)
		other = -1;
	for (int i = 0; i < MAX_JOBS && other == 0; i++) {
		struct inflight *f = &sh->inflight[i];

		if (i != self && atomic_load(&f->busy) &&
		    f->until_ns > now && same_block(&f->ip, ip))
			other = i + 1;
	}
	if (other == 0)
		share_asking(sh, self, ip, until_ns);
	pthread_mutex_unlock(&sh->lock);
	return other;
}

/* Whether worker w (share_claim()'s answer - 1) still asks about ip. */
int
share_still_asking(struct share *sh, int w, const struct ip *ip,
    int64_t now)
{
	struct inflight *f = &sh->inflight[w];

	return atomic_load(&f->busy) && f->until_ns > now &&
	    same_block(&f->ip, ip);
}

static unsigned
pace_slot(const char *server)
{
	return fnv1a(FNV1A_INIT, server, strlen(server)) % PACE_SLOTS;
}

/*
 * When this worker may start its request to server: the pace moves on
 * by one interval for every request, whoever sends it.  Returns the
 * start time (ns, CLOCK_MONOTONIC); the caller waits until then.
 */
int64_t
share_pace(struct share *sh, const char *server, int64_t interval_ns,
    int64_t now)
{
	_Atomic int64_t *p;
	int64_t next, start;

	if (sh == NULL)
		return now;
	p = &sh->pace[pace_slot(server)];
	next = atomic_load(p);
	do
		start = next > now ? next : now;
	while (!atomic_compare_exchange_weak(p, &next, start + interval_ns));
	return start;
}

/* Server said "not now": nobody starts a request to it before until. */
void
share_pause(struct share *sh, const char *server, int64_t until)
{
	_Atomic int64_t *p;
	int64_t next;

	if (sh == NULL)
		return;
	p = &sh->pace[pace_slot(server)];
	next = atomic_load(p);
	while (next < until && !atomic_compare_exchange_weak(p, &next, until))
		;
}

/*
 * server's breaker, by its name: the slots are probed from its hash; the
 * first free one ends the search.  With create, a free slot is named
 * (under the lock: two workers never name two slots for one server).
 * NULL: no breaker (not made yet, or the table is full).
 */
static struct breaker *
breaker(struct share *sh, const char *server, int create)
{
	size_t len = strlen(server);
	unsigned h;

	if (sh == NULL || len >= sizeof(sh->breaker[0].name))
		return NULL;
	h = fnv1a(FNV1A_INIT, server, len) % BREAKERS;
	for (unsigned i = 0; i < BREAKERS; i++) {
		struct breaker *b = &sh->breaker[(h + i) % BREAKERS];

		if (atomic_load_explicit(&b->named, memory_order_acquire) == 0) {
			if (!create)
				return NULL;
			lock(sh);
			if (atomic_load(&b->named) == 0) {
				memcpy(b->name, server, len + 1);
				atomic_store_explicit(&b->named, 1,
				    memory_order_release);
			}
			pthread_mutex_unlock(&sh->lock);
		}
		if (strcmp(b->name, server) == 0)
			return b;
	}
	return NULL;
}

/*
 * A connection to server could not be made (why says how).  1 when this
 * failure is the one that put it down; the caller says so.
 */
int
share_server_failed(struct share *sh, const char *server, const char *why)
{
	struct breaker *b = breaker(sh, server, 1);
	int tripped = 0;

	if (b == NULL || atomic_fetch_add(&b->fails, 1) + 1 < BREAKER_TRIPS)
		return 0;
	lock(sh);
	if (atomic_load(&b->down) == 0) {
		snprintf(b->why, sizeof(b->why), "%s", why);
		atomic_store_explicit(&b->down, 1, memory_order_release);
		tripped = 1;
	}
	pthread_mutex_unlock(&sh->lock);
	return tripped;
}

/* A connection to server was made: its failures are no longer in a row. */
void
share_server_ok(struct share *sh, const char *server)
{
	struct breaker *b = breaker(sh, server, 0);

	if (b != NULL && atomic_load_explicit(&b->fails,
	    memory_order_relaxed) != 0)
		atomic_store(&b->fails, 0);
}

/*
 * Whether server is down for the rest of the run: 1 with the failure
 * that put it down in why.  Once down, it stays down: a run that asked
 * it in vain three times in a row does better to go without it.
 */
int
share_server_down(struct share *sh, const char *server, char *why, size_t n)
{
	struct breaker *b = breaker(sh, server, 0);

	if (b == NULL || atomic_load_explicit(&b->down,
	    memory_order_acquire) == 0)
		return 0;
	snprintf(why, n, "%s", b->why);
	return 1;
}

/* Worker w answered one more address (the parser balances by these). */
void
share_answered(struct share *sh, int w)
{
	if (sh != NULL)
		atomic_fetch_add_explicit(&sh->done[w], 1, memory_order_relaxed);
}

uint64_t
share_answered_by(struct share *sh, int w)
{
	return sh ? atomic_load_explicit(&sh->done[w], memory_order_relaxed) :
	    0;
}

void
share_add(struct share *sh, enum share_counter c, uint64_t n)
{
	if (sh != NULL)
		atomic_fetch_add_explicit(&sh->counter[c], n,
		    memory_order_relaxed);
}

uint64_t
share_read(struct share *sh, enum share_counter c)
{
	return sh ? atomic_load_explicit(&sh->counter[c],
	    memory_order_relaxed) : 0;
}

/* A counter one process owns, set to its total (no read-modify-write). */
void
share_set(struct share *sh, enum share_counter c, uint64_t n)
{
	if (sh != NULL)
		atomic_store_explicit(&sh->counter[c], n, memory_order_relaxed);
}

/* Addresses the first n workers answered, together. */
uint64_t
share_answered_all(struct share *sh, int n)
{
	uint64_t sum = 0;

	for (int w = 0; w < n; w++)
		sum += share_answered_by(sh, w);
	return sum;
}

/*
 * The progress line: main draws it between share_draw_begin() (1: go
 * ahead) and share_draw_end(); the reporter ends it for good with
 * share_draw_stop() before it writes anything, so that no line is drawn
 * into the report or after the closing messages.
 */
int
share_draw_begin(struct share *sh)
{
	int was;

	if (sh == NULL)
		return 0;
	was = atomic_load(&sh->screen);
	return was != SCREEN_OFF && atomic_compare_exchange_strong(
	    &sh->screen, &was, SCREEN_DRAWING);
}

void
share_draw_end(struct share *sh)
{
	if (sh != NULL)
		atomic_store(&sh->screen, SCREEN_SHOWN);
}

/*
 * Waits out a line being drawn (microseconds; a second at most, should
 * main have died mid-draw).  1 when a line was drawn: the caller clears
 * it.
 */
int
share_draw_stop(struct share *sh)
{
	struct timespec ms = { 0, 1000000 };
	int was;

	if (sh == NULL)
		return 0;
	for (int i = 0; i < 1000; i++) {
		was = atomic_load(&sh->screen);
		if (was != SCREEN_DRAWING && atomic_compare_exchange_strong(
		    &sh->screen, &was, SCREEN_OFF))
			return was == SCREEN_SHOWN;
		nanosleep(&ms, NULL);
	}
	return atomic_exchange(&sh->screen, SCREEN_OFF) != SCREEN_OFF;
}

/*
 * Where the answer to the seq-th address given to worker w of nworkers
 * is marked: the parser balances the workers, so seq * nworkers + w
 * fills the bits about evenly.  ACK_BITS or more: not tracked.
 */
uint64_t
share_ack_index(int w, int nworkers, uint64_t seq)
{
	return seq * (uint64_t)nworkers + (uint64_t)w;
}

/* The parser gave worker w its n-th address so far. */
void
share_given(struct share *sh, int w, uint64_t n)
{
	if (sh != NULL)
		atomic_store_explicit(&sh->given[w], n, memory_order_relaxed);
}

uint64_t
share_given_to(struct share *sh, int w)
{
	return sh ? atomic_load_explicit(&sh->given[w], memory_order_relaxed) :
	    0;
}

/* The answer at ack index i is written to the reporter's pipe. */
void
share_ack(struct share *sh, uint64_t i)
{
	if (sh != NULL && i < ACK_BITS)
		atomic_fetch_or_explicit(&sh->acked[i / 64],
		    (uint64_t)1 << (i % 64), memory_order_release);
}

/*
 * Whether the answer at ack index i is on its way to the reporter: 1
 * also when it cannot be told (no shared page, or i past ACK_BITS), so
 * that nothing is asked twice on a guess.
 */
int
share_acked(struct share *sh, uint64_t i)
{
	if (sh == NULL || i >= ACK_BITS)
		return 1;
	return (atomic_load_explicit(&sh->acked[i / 64],
	    memory_order_acquire) >> (i % 64)) & 1;
}

/*
 * Main, on SIGINT or SIGTERM: 1 when the stop came before the report
 * began (it will not be written), 0 when the reporter is writing it.
 */
int
share_stop(struct share *sh)
{
	int was = PHASE_RUN;

	if (sh == NULL)
		return 1;
	return atomic_compare_exchange_strong(&sh->phase, &was,
	    PHASE_STOPPED) || was == PHASE_STOPPED;
}

/* The reporter, before its first byte: 1 to write, 0 when stopped. */
int
share_report_begin(struct share *sh)
{
	int was = PHASE_RUN;

	if (sh == NULL)
		return 1;
	return atomic_compare_exchange_strong(&sh->phase, &was,
	    PHASE_WRITING);
}
