/*
 * The parser process: reads the logs in order, counts hits per address,
 * and sends each new address to a worker on first sight, so lookups run
 * while parsing goes on.  At the end it sends the counts to the reporter.
 *
 * Two threads share the work.  This one reads the logs and parses each
 * line; the tally thread counts the parsed lines into the address table
 * and hands new addresses to the workers.  Parsing is most of the work,
 * counting the rest, and on two cores they overlap.  Lines go from one to
 * the other in batches through a ring; the table and the workers' queues
 * are the tally thread's alone, until a drain (the ring empty, the tally
 * thread waiting) or its end.  Where no thread can be started, and for
 * --merge, which reads few rows, the batches are counted in this thread.
 *
 * The per-line loop does no allocation and no system call: lines are cut
 * from a large buffer, the address table grows rarely, and the frames for
 * new addresses gather in per-worker queues that are flushed once per
 * batch (or when large).  The queues are written without blocking, so a
 * slow worker never holds up the parsing or the other workers.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipwhois.h"

#define READ_SIZE	(1024 * 1024)
#define QUEUE_FLUSH	(64 * 1024)	/* flush a worker's queue past this */
#define AWAIT_MS	20	/* how often the answers are counted at the end */

/* A parsed line, as the tally thread counts it. */
struct tally {
	struct ip ip;
	int64_t	 when;
	uint64_t bytes;
	int	 has_bytes;
};

#define BATCH_LINES	1024	/* lines handed over at once */
#define RING_BATCHES	8	/* batches parsed ahead of counting */
#define AHEAD		16	/* lines whose table slots are asked for
				   before they are counted */

/* Set when given: the filling thread counts in a variable of its own,
 * away from the lines the other thread reads. */
struct batch {
	int	 n;
	_Alignas(64) struct tally t[BATCH_LINES];
};

/*
 * Batches [tail, head) are the tally thread's to count; batch head (mod
 * RING_BATCHES) is the one being filled.  The counters only grow.
 */
struct ring {
	pthread_mutex_t mu;
	pthread_cond_t	 more;		/* a batch was given, or the end */
	pthread_cond_t	 less;		/* a batch was counted */
	struct batch	*b;		/* [RING_BATCHES] */
	uint64_t	 head, tail;
	int		 end;
	int		 threaded;	/* a tally thread runs */
	pthread_t	 thread;
};

/* One input's lines, for -v and for the warnings about its format. */
struct file_counts {
	struct filestats st;
	uint64_t long_lines;	/* cut at LINE_MAX_LEN */
	int	 guessed;	/* first-ip, because no format read it */
	uint64_t *hits_before;	/* guessed: each address's hits before it */
	size_t	 nbefore;
};

struct parser {
	const struct config *cfg;
	struct share	*share;		/* where the progress counts go */
	struct logctx	 ctx;
	/* The tally thread's, on cache lines of its own: the parsing
	 * thread's per-line counts beside it would bounce between cores. */
	_Alignas(64) struct addrtab tab;
	_Alignas(64) struct pstats st;	/* for the reporter, at the end */
	uint64_t	 in_bytes;	/* log text read (progress line) */
	struct file_counts file;	/* the input being read */
	int		 unreadable;	/* inputs none of whose lines was read */
	struct frame_buf files;		/* F_FILE frames for the reporter */
	int		 bad_files;	/* inputs not read to their end */
	int		 nworkers;
	int		*wfd;		/* to worker i, non-blocking */
	struct frame_buf *queue;	/* frames waiting for worker i */
	struct route	 route;		/* who is alive, who has what */
	uint32_t	**given;	/* worker w's seq-th address: its entry */
	uint64_t	*given_cap;
	int		 rfd;		/* to the reporter */
	char		*buf;
	struct batch	*fill;		/* the batch being filled */
	int		 nfill;		/* its lines so far */
	/* The two threads' meeting point, on lines of its own. */
	_Alignas(64) struct ring ring;
	struct window	 window;	/* --since, --until */
	int		 filtered;	/* --include or --exclude given */
	/* --merge: the inputs are reports (fmt_report.c). */
	struct report_layout report;	/* the input's form and columns */
	const char	*name;		/* the input's, for messages */
	int		 refused;	/* the input is no report to merge */
};

static void
check_signal(void)
{
	if (got_signal)
		_exit(exit_for_signal());
}

static void route(struct parser *, uint32_t);

/*
 * A worker's pipe broke: it died (or main killed it as stuck).  Its
 * addresses whose answer was not sent go to the living workers; those
 * it answered are with the reporter already.
 */
static void
worker_gone(struct parser *ps, int w)
{
	if (!ps->route.alive[w])
		return;
	ps->route.alive[w] = 0;
	ps->route.nalive--;
	frame_buf_free(&ps->queue[w]);
	/* Nobody waits for the answer it was asking for. */
	share_done(ps->share, w);
	for (uint64_t seq = 0; seq < ps->route.sent[w]; seq++)
		if (!share_acked(ps->share, share_ack_index(w, ps->nworkers,
		    seq)))
			route(ps, ps->given[w][seq]);
	free(ps->given[w]);
	ps->given[w] = NULL;
	ps->given_cap[w] = 0;
}

static void
flush_worker(struct parser *ps, int w)
{
	if (ps->route.alive[w] && ps->queue[w].len > ps->queue[w].off &&
	    frame_flush_some(&ps->queue[w], ps->wfd[w]) == -1) {
		check_signal();
		worker_gone(ps, w);
	}
}

static void
flush_all(struct parser *ps)
{
	for (int w = 0; w < ps->nworkers; w++)
		flush_worker(ps, w);
}

/*
 * Live, a lookup takes a registry's time: the address goes to the worker
 * with the least work waiting (its network's worker when that is one of
 * them), so none sits idle while another has a queue.  Workers share what
 * they learn, so nothing is lost by not keeping a network to one worker.
 */
static int
least_loaded(const struct route *r, int w)
{
	uint64_t best = r->sent[w] - share_answered_by(r->share, w);

	for (int i = 0; i < r->nworkers && best > 0; i++) {
		uint64_t left;

		if (!r->alive[i])
			continue;
		left = r->sent[i] - share_answered_by(r->share, i);
		if (left < best) {
			best = left;
			w = i;
		}
	}
	return w;
}

/* n workers, all alive, none sent anything yet; by_load: live. */
void
route_init(struct route *r, int n, struct share *share, int by_load)
{
	r->nworkers = r->nalive = n;
	r->alive = xmalloc((size_t)n);
	memset(r->alive, 1, (size_t)n);
	r->sent = xcalloc((size_t)n, sizeof(*r->sent));
	r->share = share;
	r->by_load = by_load;
}

void
route_free(struct route *r)
{
	free(r->alive);
	free(r->sent);
	memset(r, 0, sizeof(*r));
}

/*
 * The worker for a new address: its network's, the next one alive when
 * that one died, or live (by_load) the least loaded.  -1 when every
 * worker died.
 */
int
route_worker(const struct route *r, const struct ip *ip)
{
	int w;

	if (r->nalive == 0)
		return -1;
	w = (int)(ip_route_hash(ip) % (uint64_t)r->nworkers);
	while (!r->alive[w])
		w = (w + 1) % r->nworkers;
	return r->by_load ? least_loaded(r, w) : w;
}

/* The address of table entry e to a worker, which it is noted with. */
static void
route(struct parser *ps, uint32_t e)
{
	const struct ip *ip = &ps->tab.ent[e].ip;
	int w = route_worker(&ps->route, ip);
	uint64_t seq;

	if (w == -1)
		return;		/* the reporter marks these as errors */
	seq = ps->route.sent[w]++;
	if (seq == ps->given_cap[w]) {
		ps->given_cap[w] = seq ? seq * 2 : 1024;
		ps->given[w] = xrealloc(ps->given[w], ps->given_cap[w] *
		    sizeof(**ps->given));
	}
	ps->given[w][seq] = e;
	share_given(ps->share, w, seq + 1);
	wire_put_addr(&ps->queue[w], ip, e);
	if (ps->queue[w].len - ps->queue[w].off >= QUEUE_FLUSH)
		flush_worker(ps, w);
}

/*
 * --include and --exclude, asked once per address, when its entry is
 * made: an address left out is counted (its lines are "excluded") but
 * never looked up nor reported.
 */
int
client_left_out(const struct config *cfg, const struct ip *ip)
{
	return (cfg->include.n > 0 && !netlist_has(&cfg->include, ip)) ||
	    netlist_has(&cfg->exclude, ip);
}

/* An address seen for the first time: looked up, unless left out. */
static void
new_address(struct parser *ps, struct count *c)
{
	if (ps->filtered && client_left_out(ps->cfg, &c->ip))
		c->flags |= CF_LEFT_OUT;
	else
		route(ps, (uint32_t)(c - ps->tab.ent));
}

/*
 * The tally thread's hot path: a batch of lines, each one's table slot
 * asked for from memory AHEAD lines before it is counted and its entry
 * halfway, so the wait for a table larger than the caches overlaps.
 */
static void
count(struct parser *ps, const struct tally *t, uint64_t hash)
{
	struct count *c;
	int created;

	c = addrtab_get_hashed(&ps->tab, &t->ip, hash, &created);
	c->hits++;
	if (t->has_bytes) {
		uint64_t was = c->bytes == BYTES_NONE ? 0 : c->bytes;

		/* Saturate below BYTES_NONE rather than wrap around. */
		c->bytes = t->bytes >= BYTES_NONE - 1 - was ?
		    BYTES_NONE - 1 : was + t->bytes;
	}
	if (t->when > 0 && t->when <= UINT32_MAX) {
		uint32_t when = (uint32_t)t->when;

		if (c->first == 0 || when < c->first)
			c->first = when;
		if (when > c->last)
			c->last = when;
	}
	if (created)
		new_address(ps, c);
}

/* The addresses handed to workers so far, for the progress line. */
static void
tell_addresses(struct parser *ps)
{
	uint64_t sent = 0;

	for (int w = 0; w < ps->nworkers; w++)
		sent += ps->route.sent[w];
	share_set(ps->share, SHC_ADDRS, sent);
}

static void
count_batch(struct parser *ps, const struct batch *b)
{
	uint64_t hash[BATCH_LINES];
	int n = b->n;

	for (int i = 0; i < n + AHEAD; i++) {
		if (i < n) {
			hash[i] = ip_hash(&b->t[i].ip);
			addrtab_prefetch(&ps->tab, hash[i]);
		}
		if (i >= AHEAD / 2 && i - AHEAD / 2 < n)
			addrtab_prefetch_entry(&ps->tab, hash[i - AHEAD / 2]);
		if (i >= AHEAD)
			count(ps, &b->t[i - AHEAD], hash[i - AHEAD]);
	}
	flush_all(ps);
	tell_addresses(ps);
}

static void *
tally_main(void *arg)
{
	struct parser *ps = arg;
	struct ring *r = &ps->ring;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (r->tail == r->head && !r->end)
			pthread_cond_wait(&r->more, &r->mu);
		if (r->tail == r->head)
			break;
		pthread_mutex_unlock(&r->mu);
		count_batch(ps, &r->b[r->tail % RING_BATCHES]);
		pthread_mutex_lock(&r->mu);
		r->tail++;
		pthread_cond_broadcast(&r->less);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/*
 * The batch being filled, to be counted: given to the tally thread (and
 * wait while the ring is full), or counted here without one.
 */
static void
give(struct parser *ps)
{
	struct ring *r = &ps->ring;

	if (ps->nfill == 0)
		return;
	ps->fill->n = ps->nfill;
	ps->nfill = 0;
	if (!r->threaded) {
		count_batch(ps, ps->fill);
		return;
	}
	pthread_mutex_lock(&r->mu);
	r->head++;
	pthread_cond_signal(&r->more);
	while (r->head - r->tail >= RING_BATCHES)
		pthread_cond_wait(&r->less, &r->mu);
	ps->fill = &r->b[r->head % RING_BATCHES];
	pthread_mutex_unlock(&r->mu);
	check_signal();
}

/* Every line given counted: the table is this thread's to read. */
static void
drain(struct parser *ps)
{
	struct ring *r = &ps->ring;

	give(ps);
	if (!r->threaded)
		return;
	pthread_mutex_lock(&r->mu);
	while (r->tail != r->head)
		pthread_cond_wait(&r->less, &r->mu);
	pthread_mutex_unlock(&r->mu);
}

/*
 * The tally thread, with SIGINT and SIGTERM blocked: a stop must reach
 * this thread, which may be waiting in read() on a pipe.  Without one
 * (none could be made), batches are counted here.
 */
static void
tally_start(struct parser *ps, int want)
{
	struct ring *r = &ps->ring;
	sigset_t block, was;

	r->b = big_alloc(RING_BATCHES * sizeof(*r->b));	/* aligned */
	ps->fill = &r->b[0];
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->more, NULL);
	pthread_cond_init(&r->less, NULL);
	if (!want)
		return;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &was);
	r->threaded = pthread_create(&r->thread, NULL, tally_main, ps) == 0;
	pthread_sigmask(SIG_SETMASK, &was, NULL);
}

/* Every line counted and the tally thread gone. */
static void
tally_stop(struct parser *ps)
{
	struct ring *r = &ps->ring;

	drain(ps);
	if (!r->threaded)
		return;
	pthread_mutex_lock(&r->mu);
	r->end = 1;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	r->threaded = 0;
}

/* The first rejected line of the input, for -v. */
static void
rejected(struct parser *ps, const char *p, size_t n)
{
	ps->st.rejected++;
	if (ps->file.st.rejected++ == 0) {
		ps->file.st.example_len = n < EXAMPLE_MAX ? n : EXAMPLE_MAX;
		memcpy(ps->file.st.example, p, ps->file.st.example_len);
	}
}

/* Bad rows named one by one, up to this many per input. */
#define BAD_ROWS_SAID	10

/*
 * --merge: a report's row, its counts added to its address's.  Rows
 * are few next to log lines (one per address and shard), so this is
 * plain: no batching.
 */
static void
take_row(struct parser *ps, const char *p, size_t n)
{
	struct count row, *c;
	const char *why;
	int created;

	if (ps->refused) {
		ps->st.rejected++;
		ps->file.st.rejected++;
		return;
	}
	switch (report_parse(&ps->report, p, p + n, &row, &why)) {
	case RF_HEADER:
		ps->st.noclient++;
		ps->file.st.noclient++;
		return;
	case RF_REFUSED:
		warnx("%s: %s", input_shown(ps->name), why);
		ps->refused = 1;
		ps->bad_files++;
		rejected(ps, p, n);
		return;
	case RF_BAD:
		if (ps->file.st.rejected < BAD_ROWS_SAID && !ps->cfg->quiet)
			warnx("%s: line %llu: %s; left out",
			    input_shown(ps->name),
			    (unsigned long long)ps->file.st.lines, why);
		rejected(ps, p, n);
		return;
	case RF_ROW:
		break;
	}
	ps->file.st.clients++;
	c = addrtab_get(&ps->tab, &row.ip, &created);
	report_add(c, &row);
	if (created)
		new_address(ps, c);
}

static void
take(struct parser *ps, const char *p, size_t n)
{
	struct batch *b = ps->fill;
	struct hit h;

	ps->st.lines++;
	ps->file.st.lines++;
	if (ps->cfg->merge) {
		take_row(ps, p, n);
		return;
	}
	switch (logfmt_parse(&ps->ctx, p, n, &h)) {
	case FIT_NONE:
		rejected(ps, p, n);
		return;
	case FIT_NOCLIENT:
		ps->st.noclient++;
		ps->file.st.noclient++;
		return;
	default:
		break;
	}
	ps->file.st.clients++;
	if (!window_has(&ps->window, h.when)) {
		ps->st.outside++;
		return;
	}
	if (ps->ctx.want_xff)
		xff_client(&h.ip, h.xff, h.xff_len, &ps->cfg->trusted, &h.ip);
	b->t[ps->nfill].ip = h.ip;
	b->t[ps->nfill].when = h.when;
	b->t[ps->nfill].bytes = h.bytes;
	b->t[ps->nfill].has_bytes = h.has_bytes;
	if (++ps->nfill == BATCH_LINES)
		give(ps);
}

/* Where auto-detection looks: this many bytes, or this many lines. */
#define DETECT_BYTES	(64 * 1024)
#define DETECT_LINES	64

static int
enough_to_detect(const char *p, size_t n)
{
	int lines = 0;

	if (n >= DETECT_BYTES)
		return 1;
	for (const char *end = p + n; (p = memchr(p, '\n',
	    (size_t)(end - p))) != NULL; p++)
		if (++lines >= DETECT_LINES)
			return 1;
	return 0;
}

/* --client xff over a file whose lines cannot say it: once per file. */
static void
xff_note(struct parser *ps, const char *name)
{
	if (ps->ctx.want_xff && !logfmt_has_xff(&ps->ctx) && !ps->cfg->quiet)
		warnx("%s: %s lines have no X-Forwarded-For field; their "
		    "clients are the connecting addresses", input_shown(name),
		    ps->ctx.fmt == FMT_REGEX ? "--regex (no (?<xff>...) group)" :
		    logfmt_name(ps->ctx.fmt));
}

/*
 * No format reads the file: its first address per line is counted, and
 * the user is told, since that is right for few logs (an IIS log's first
 * address is the server's own).  The hits of every address so far are
 * noted, to tell at the end whether one address took nearly every line.
 */
static void
guessed(struct parser *ps, const char *name)
{
	struct file_counts *fc = &ps->file;

	warnx("%s: format not recognised; counting the first address of each "
	    "line (-f first-ip); name the format with -f, --log-format or "
	    "--regex", input_shown(name));
	fc->guessed = 1;
	drain(ps);
	fc->nbefore = ps->tab.used;
	fc->hits_before = xcalloc(fc->nbefore, sizeof(*fc->hits_before));
	for (size_t i = 0; i < fc->nbefore; i++)
		fc->hits_before[i] = ps->tab.ent[i].hits;
}

/* Whether [p, p + n) holds a line other than blanks and comments. */
static int
has_text(const char *p, size_t n)
{
	const char *end = p + n;
	int bol = 1;

	for (; p < end; p++) {
		if (*p == '\n') {
			bol = 1;
			continue;
		}
		if (bol && *p == '#') {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			if (nl == NULL)
				return 0;
			p = nl - 1;
			continue;
		}
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 1;
		bol = 0;
	}
	return 0;
}

static void
detect(struct parser *ps, const char *name, const char *p, size_t n)
{
	logfmt_set(&ps->ctx, logfmt_detect(&ps->ctx, p, n));
	ps->ctx.fallback = 1;
	if (ps->cfg->verbose)
		fprintf(stderr, "ipwhois: %s: format %s\n", input_shown(name),
		    logfmt_name(ps->ctx.fmt));
	if (ps->ctx.fmt == FMT_FIRST_IP && has_text(p, n))
		guessed(ps, name);
	xff_note(ps, name);
}

/* Cut the lines out of buf[0..n); returns the bytes of an unfinished line
 * left at the end, moved to the start of buf. */
static size_t
lines(struct parser *ps, size_t n, int *skipping)
{
	char *p = ps->buf, *end = ps->buf + n, *nl;

	if (*skipping) {
		/* The tail of an over-long line: drop it. */
		if ((nl = memchr(p, '\n', n)) == NULL)
			return 0;
		p = nl + 1;
		*skipping = 0;
	}
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		take(ps, p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (end - p >= LINE_MAX_LEN) {
		/* Read its start, where every format keeps the client. */
		take(ps, p, LINE_MAX_LEN);
		ps->file.long_lines++;
		*skipping = 1;
		return 0;
	}
	memmove(ps->buf, p, (size_t)(end - p));
	return (size_t)(end - p);
}

/*
 * The totals the progress line shows, published once per block read (a
 * few stores per megabyte, nothing per line).  Only the parser writes
 * these counters, so it sets them; the raw bytes of earlier inputs are
 * in SHC_RAW_BYTES already, this one's are added as they come.
 */
static void
tell_progress(struct parser *ps, const struct input *in, uint64_t *raw_told)
{
	struct share *sh = ps->share;
	uint64_t raw = input_raw_bytes(in);

	share_set(sh, SHC_LINES, ps->st.lines);
	share_set(sh, SHC_BYTES, ps->in_bytes);
	if (!ps->ring.threaded)
		tell_addresses(ps);	/* else the tally thread does */
	share_add(sh, SHC_RAW_BYTES, raw - *raw_told);
	*raw_told = raw;
}

/* The address that took the most of this file's lines, and how many. */
static uint64_t
top_hits(const struct parser *ps, size_t *which)
{
	const struct file_counts *fc = &ps->file;
	uint64_t best = 0;

	for (size_t i = 0; i < ps->tab.used; i++) {
		uint64_t h = ps->tab.ent[i].hits -
		    (i < fc->nbefore ? fc->hits_before[i] : 0);

		if (h > best) {
			best = h;
			*which = i;
		}
	}
	return best;
}

/* A guessed format that gave one address nearly every line. */
static void
one_address(struct parser *ps, const char *name)
{
	struct file_counts *fc = &ps->file;
	char ip[IP_STRLEN];
	size_t which = 0;
	uint64_t top;

	if (fc->st.clients < 20)
		return;
	drain(ps);
	top = top_hits(ps, &which);
	if (top * 10 < fc->st.clients * 9)
		return;
	ip_format(&ps->tab.ent[which].ip, ip);
	warnx("%s: %s is on %llu of the %llu lines read (-f first-ip); it is "
	    "usually the server's own address: name the format with -f, "
	    "--log-format or --regex", input_shown(name), ip,
	    (unsigned long long)top, (unsigned long long)fc->st.clients);
}

/* --merge: the bad rows not named, and a report of which none was read. */
static void
merge_end(struct parser *ps, const char *name)
{
	const struct filestats *st = &ps->file.st;

	if (ps->refused)
		return;
	if (st->rejected > BAD_ROWS_SAID && !ps->cfg->quiet)
		warnx("%s: %llu bad rows more were left out", input_shown(name),
		    (unsigned long long)(st->rejected - BAD_ROWS_SAID));
	if (st->clients == 0 && st->rejected > 0) {
		warnx("%s: none of its %llu rows could be read",
		    input_shown(name), (unsigned long long)st->rejected);
		ps->unreadable++;
	}
}

/*
 * The end of an input: a file of which no line could be read is said at
 * once, with or without -v; how each was read goes to the reporter,
 * which prints it with -v after the lookups' messages.
 */
static void
file_end(struct parser *ps, int input, const char *name)
{
	struct file_counts *fc = &ps->file;
	char shown[4 * EXAMPLE_MAX + 1];

	if (ps->cfg->merge)
		merge_end(ps, name);
	else if (fc->st.clients == 0 && fc->st.rejected > 0) {
		text_escape(shown, sizeof(shown), fc->st.example,
		    fc->st.example_len);
		warnx("%s: none of its %llu lines could be read as %s, e.g.: "
		    "%s", input_shown(name),
		    (unsigned long long)fc->st.rejected,
		    logfmt_name(ps->ctx.fmt), shown);
		ps->unreadable++;
	}
	if (fc->guessed)
		one_address(ps, name);
	free(fc->hits_before);
	fc->hits_before = NULL;
	fc->st.input = (uint32_t)input;
	fc->st.fmt = (uint16_t)ps->ctx.fmt;
	frame_add(&ps->files, F_FILE, &fc->st, sizeof(fc->st));
}

/*
 * Test only: IPWHOIS_TEST_HOOKS=stop-after-read makes the parser stop
 * itself (SIGSTOP) once it has read TEST_STOP_AT bytes of log text, so
 * that a test can change the file under it at a known point
 * (tests/integration.d/resilience.sh).
 */
#define TEST_STOP_AT	(64 * 1024)

static void
test_stop(void)
{
	const char *hooks = getenv("IPWHOIS_TEST_HOOKS");

	if (hooks != NULL && strstr(hooks, "stop-after-read") != NULL)
		raise(SIGSTOP);
}

static void
read_input(struct parser *ps, int input, int fd, const char *name)
{
	struct input *in;
	struct stat sb;
	size_t have = 0;
	int skipping = 0, detected = ps->cfg->fmt != FMT_AUTO ||
	    ps->cfg->merge;
	uint64_t raw_told = 0;
	ssize_t n;

	syslog_clock_init(&ps->ctx.clock, fstat(fd, &sb) == 0 &&
	    S_ISREG(sb.st_mode) ? sb.st_mtime : time(NULL));
	memset(&ps->file, 0, sizeof(ps->file));
	memset(&ps->ctx.w3c, 0, sizeof(ps->ctx.w3c));
	memset(&ps->report, 0, sizeof(ps->report));
	ps->name = name;
	ps->refused = 0;
	ps->ctx.fallback = 0;
	if (detected && !ps->cfg->merge) {
		logfmt_set(&ps->ctx, ps->cfg->fmt);
		xff_note(ps, name);
	}
	in = input_open(fd);
	for (;;) {
		tell_progress(ps, in, &raw_told);
		check_signal();
		n = input_read(in, ps->buf + have, READ_SIZE - have);
		check_signal();
		if (n < 0) {
			warnx("%s: %s; read up to there", input_shown(name),
			    input_error(in));
			ps->bad_files++;
			break;
		}
		if (n == 0)
			break;
		if (ps->in_bytes < TEST_STOP_AT && ps->in_bytes + (uint64_t)n >=
		    TEST_STOP_AT)
			test_stop();
		ps->in_bytes += (uint64_t)n;
		have += (size_t)n;
		if (!detected) {
			if (!enough_to_detect(ps->buf, have))
				continue;
			detect(ps, name, ps->buf, have);
			detected = 1;
		}
		have = lines(ps, have, &skipping);
		/* What this block gave, counted and sent on without waiting
		 * for a whole batch: a slow pipe's addresses go out too. */
		give(ps);
		if (!ps->ring.threaded)
			flush_all(ps);	/* --merge's rows */
	}
	if (!detected) {
		detect(ps, name, ps->buf, have);
		have = lines(ps, have, &skipping);
	}
	if (have > 0 && !skipping)
		take(ps, ps->buf, have);	/* no newline at the end */
	give(ps);
	tell_progress(ps, in, &raw_told);
	if (ps->file.long_lines > 0 && !ps->cfg->quiet)
		warnx("%s: %llu lines longer than %d bytes; their first %d "
		    "bytes were read", input_shown(name),
		    (unsigned long long)ps->file.long_lines,
		    LINE_MAX_LEN, LINE_MAX_LEN);
	input_close(in);
	if (fd != STDIN_FILENO)
		close(fd);
	file_end(ps, input, name);
}

/* Write every queue out, waiting for slow workers only now, at the end. */
static void
drain_queues(struct parser *ps)
{
	struct pollfd *pfd = xcalloc((size_t)ps->nworkers, sizeof(*pfd));
	int *idx = xcalloc((size_t)ps->nworkers, sizeof(*idx));

	for (;;) {
		int n = 0;

		for (int w = 0; w < ps->nworkers; w++) {
			flush_worker(ps, w);
			if (ps->route.alive[w] &&
			    ps->queue[w].len > ps->queue[w].off) {
				pfd[n].fd = ps->wfd[w];
				pfd[n].events = POLLOUT;
				idx[n++] = w;
			}
		}
		if (n == 0)
			break;
		if (poll(pfd, (nfds_t)n, -1) == -1 && errno != EINTR)
			err(EXIT_INTERNAL, "poll");
		check_signal();
	}
	free(pfd);
	free(idx);
}

/* Whether worker w holds addresses not yet answered. */
static int
holds(struct parser *ps, int w)
{
	return ps->queue[w].len > ps->queue[w].off ||
	    share_answered_by(ps->share, w) < ps->route.sent[w];
}

/*
 * Every address answered before the workers are told the end, so that
 * the addresses of one that dies until then (or that main kills as
 * stuck) still go to the others: its pipe says so (POLLERR).  Without
 * the shared page, which says what was answered, nothing is waited for.
 */
static void
await_answers(struct parser *ps)
{
	struct pollfd *pfd = xcalloc((size_t)ps->nworkers, sizeof(*pfd));
	int *idx = xcalloc((size_t)ps->nworkers, sizeof(*idx));
	int n, busy;

	do {
		n = busy = 0;
		for (int w = 0; w < ps->nworkers; w++) {
			flush_worker(ps, w);
			if (!ps->route.alive[w])
				continue;
			busy |= holds(ps, w);
			pfd[n].fd = ps->wfd[w];
			pfd[n].events = ps->queue[w].len > ps->queue[w].off ?
			    POLLOUT : 0;
			idx[n++] = w;
		}
		if (!busy || ps->share == NULL)
			break;
		if (poll(pfd, (nfds_t)n, AWAIT_MS) == -1 && errno != EINTR)
			err(EXIT_INTERNAL, "poll");
		check_signal();
		for (int i = 0; i < n; i++)
			if (pfd[i].revents & (POLLERR | POLLHUP))
				worker_gone(ps, idx[i]);
	} while (busy);
	free(pfd);
	free(idx);
}

/* One sentinel to each worker: no more addresses will come. */
static void
end_workers(struct parser *ps)
{
	struct sentinel s = { ROLE_PARSER, 0 };

	for (int w = 0; w < ps->nworkers; w++) {
		if (ps->route.alive[w])
			frame_add(&ps->queue[w], F_SENTINEL, &s, sizeof(s));
	}
	drain_queues(ps);
}

/* The lines of the addresses left out. */
static void
tally(struct parser *ps)
{
	ps->st.excluded = 0;
	for (size_t i = 0; i < ps->tab.used; i++)
		if (ps->tab.ent[i].flags & CF_LEFT_OUT)
			ps->st.excluded += ps->tab.ent[i].hits;
}

/*
 * The counts to the reporter: statistics, one frame per address (but
 * those left out), sentinel.
 */
static void
send_counts(struct parser *ps)
{
	struct frame_buf fb = { 0 };
	struct sentinel s = { ROLE_PARSER, 0 };

	tally(ps);
	frame_send(&ps->files, ps->rfd);
	frame_add(&fb, F_PSTATS, &ps->st, sizeof(ps->st));
	for (size_t i = 0; i < ps->tab.used; i++) {
		if (ps->tab.ent[i].flags & CF_LEFT_OUT)
			continue;
		wire_put_count(&fb, (uint32_t)i, &ps->tab.ent[i]);
		if (fb.len >= QUEUE_FLUSH)
			frame_send(&fb, ps->rfd);
	}
	frame_add(&fb, F_SENTINEL, &s, sizeof(s));
	frame_send(&fb, ps->rfd);
	frame_buf_free(&fb);
}

/*
 * --since and --until (0: not given) as [since, until), two compares a
 * line; without either, all of int64_t.  With either one, a line without
 * a time (0) falls outside: since is at least 1.
 */
void
window_init(struct window *win, int64_t since, int64_t until)
{
	win->since = INT64_MIN;
	win->until = INT64_MAX;
	if (since == 0 && until == 0)
		return;
	win->since = since > 1 ? since : 1;
	if (until != 0)
		win->until = until;
}

/* Whether a line of this time is counted. */
int
window_has(const struct window *win, int64_t when)
{
	return when >= win->since && when < win->until;
}

void
parser_main(const struct parser_args *args)
{
	struct parser ps;

	memset(&ps, 0, sizeof(ps));
	ps.cfg = args->cfg;
	ps.share = args->run->share;
	ps.ctx.regex = args->run->regex;
	ps.ctx.json_client = args->cfg->json_field;
	ps.ctx.json_time = args->cfg->json_time;
	ps.ctx.json_bytes = args->cfg->json_bytes;
	ps.nworkers = args->nworkers;
	ps.wfd = args->out_fds;
	ps.rfd = args->reporter_fd;
	ps.queue = xcalloc((size_t)ps.nworkers, sizeof(*ps.queue));
	ps.given = xcalloc((size_t)ps.nworkers, sizeof(*ps.given));
	ps.given_cap = xcalloc((size_t)ps.nworkers, sizeof(*ps.given_cap));
	route_init(&ps.route, ps.nworkers, ps.share, !args->cfg->offline);
	for (int w = 0; w < ps.nworkers; w++)
		if (fcntl(ps.wfd[w], F_SETFL, O_NONBLOCK) == -1)
			err(EXIT_INTERNAL, "fcntl");
	sandbox_enter(SB_PARSER, 0, args->cfg, args->run);
	ps.buf = xmalloc(READ_SIZE);
	addrtab_init(&ps.tab, 4096);
	tally_start(&ps, !args->cfg->merge);
	window_init(&ps.window, args->cfg->since, args->cfg->until);
	ps.ctx.want_xff = args->cfg->client == CLIENT_XFF;
	ps.filtered = args->cfg->include.n > 0 || args->cfg->exclude.n > 0;

	for (int i = 0; i < args->cfg->ninputs; i++)
		read_input(&ps, i, args->in_fds[i], args->cfg->inputs[i]);
	tally_stop(&ps);
	await_answers(&ps);
	end_workers(&ps);
	send_counts(&ps);
	_exit(ps.bad_files ? EXIT_USAGE : ps.unreadable ? EXIT_LOOKUP :
	    EXIT_OK);
}
