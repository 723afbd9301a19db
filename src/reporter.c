/*
 * The reporter process: joins the workers' answers with the parser's
 * counts, sorts (hits descending, then address), and writes the report:
 * a row per address, or per group of them (--by, group.c), in the
 * format and columns asked for (output.c).
 *
 * It is done when it holds a sentinel from every producer (the parser
 * and each worker).  End of file before a sentinel means that producer
 * died: what it owed is missing, and those addresses get status "error".
 *
 * The rows (counts and answers joined, sorted, their source settled) are
 * functions of their own at the top, called without pipes by the tests;
 * the role that reads the frames and writes follows.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"

/* --- the rows: counts and answers joined, in report order ------------- */

/*
 * The rows are the parser's table entries, by number: an answer and a
 * count for one address meet in one entry, whichever comes first.
 * Answers are few next to addresses (one per network, at most): each is
 * kept once, and rows hold its number.
 */
static uint32_t
intern(struct answers *as, struct answer *a)
{
	size_t i;

	if ((as->n + 1) * 2 > as->mask + 1 || as->slot == NULL) {
		size_t n = as->slot ? (as->mask + 1) * 2 : 1024;

		free(as->slot);
		as->slot = xcalloc(n, sizeof(*as->slot));
		as->mask = n - 1;
		for (size_t k = 0; k < as->n; k++) {
			i = answer_hash(&as->v[k]) & as->mask;
			while (as->slot[i])
				i = (i + 1) & as->mask;
			as->slot[i] = (uint32_t)k + 1;
		}
	}
	for (i = answer_hash(a) & as->mask; as->slot[i];
	    i = (i + 1) & as->mask)
		if (answer_equal(&as->v[as->slot[i] - 1], a)) {
			answer_clear(a);
			return as->slot[i] - 1;
		}
	if (as->n == as->cap) {
		as->cap = as->cap ? as->cap * 2 : 256;
		as->v = xrealloc(as->v, as->cap * sizeof(*as->v));
	}
	as->v[as->n] = *a;
	as->slot[i] = (uint32_t)as->n + 1;
	return (uint32_t)as->n++;
}

void
rows_init(struct rows *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
rows_free(struct rows *rs)
{
	for (size_t i = 0; i < rs->answers.n; i++)
		answer_clear(&rs->answers.v[i]);
	free(rs->answers.v);
	free(rs->answers.slot);
	big_free(rs->ent, rs->cap * sizeof(*rs->ent));
	memset(rs, 0, sizeof(*rs));
}

/*
 * Entry e, made if need be (entries before it that have not come yet
 * are zero: no CF_ROW), or NULL when e cannot be an entry.
 */
static struct count *
entry(struct rows *rs, uint32_t e)
{
	if (e > ENTRY_MAX)
		return NULL;
	if (e >= rs->cap) {
		size_t cap = rs->cap ? rs->cap : 4096;

		while (cap <= e)
			cap *= 2;
		rs->ent = big_realloc(rs->ent, rs->cap * sizeof(*rs->ent),
		    cap * sizeof(*rs->ent));	/* zeroed */
		rs->cap = cap;
	}
	if (e >= rs->used)
		rs->used = (size_t)e + 1;
	return &rs->ent[e];
}

/*
 * Entry e's answer, which the rows now own (*a is moved, or cleared).
 * -1 when the entry is another address's (a garbled frame).
 */
int
rows_answer(struct rows *rs, uint32_t e, const struct ip *ip,
    struct answer *a)
{
	struct count *row = entry(rs, e);

	if (row == NULL || (row->flags & CF_ROW && ip_cmp(&row->ip, ip))) {
		answer_clear(a);
		return -1;
	}
	if (!(row->flags & CF_ROW)) {
		row->ip = *ip;
		row->bytes = BYTES_NONE;
		row->answer = UINT32_MAX;
		row->flags = CF_ROW;
	}
	if (row->answer != UINT32_MAX) {
		answer_clear(a);	/* answered twice: the first one stays */
		return 0;
	}
	row->answer = intern(&rs->answers, a);
	return 0;
}

/* Entry e's counts; -1 when it is another address's (garbled). */
int
rows_count(struct rows *rs, uint32_t e, const struct count *c)
{
	struct count *row = entry(rs, e);
	uint32_t answer;

	if (row == NULL || (row->flags & CF_ROW && ip_cmp(&row->ip, &c->ip)))
		return -1;
	answer = row->flags & CF_ROW ? row->answer : UINT32_MAX;
	*row = *c;
	row->answer = answer;
	row->flags = CF_ROW;
	return 0;
}

/*
 * Report order: hits descending, then the address, IPv4 before IPv6.
 * Each row gets a key (~hits, the address's two words, its family), and
 * the keys are put in order by a radix sort: stable passes on a byte at
 * a time, least significant first, the IPv4 and IPv6 keys apart for the
 * address (an IPv4 address is four passes), then all of them by hits.  A
 * pass whose byte is the same in every key is skipped, so a log's hits
 * take two or three.  A byte: 256 places to write to at once stay in the
 * caches, where 65536 (16 bits a pass) missed on nearly every key.  A
 * comparison sort of 200,000 rows took five times as long, most of the
 * time from the last count to the first byte of the report.
 */
struct sortkey {
	uint64_t hits;		/* ~hits: ascending order is hits descending */
	uint64_t hi, lo;	/* the address */
	uint32_t v6;		/* IPv4 first */
	uint32_t row;
};

#define DIGITS	256

static unsigned
digit(const struct sortkey *k, int word, unsigned shift)
{
	uint64_t v = word == 0 ? k->lo : word == 1 ? k->hi : k->hits;

	return (unsigned)(v >> shift) & (DIGITS - 1);
}

/*
 * One stable pass from src to dst on a word's byte at shift; 0 (and
 * nothing moved) when it is the same in every key.
 */
static int
radix_pass(const struct sortkey *src, struct sortkey *dst, size_t n,
    int word, unsigned shift, uint32_t *count)
{
	uint32_t at = 0;

	if (n == 0)
		return 0;
	memset(count, 0, DIGITS * sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[digit(&src[i], word, shift)]++;
	if (count[digit(&src[0], word, shift)] == n)
		return 0;
	for (size_t d = 0; d < DIGITS; d++) {
		uint32_t c = count[d];

		count[d] = at;
		at += c;
	}
	for (size_t i = 0; i < n; i++)
		dst[count[digit(&src[i], word, shift)]++] = src[i];
	return 1;
}

/*
 * k[0..n) sorted by the words' bytes, from the first pass to the last
 * ({word, shift} pairs); tmp as large as k.
 */
static void
radix_sort(struct sortkey *k, struct sortkey *tmp, size_t n,
    const unsigned (*passes)[2], size_t npasses, uint32_t *count)
{
	struct sortkey *src = k, *dst = tmp;

	for (size_t p = 0; p < npasses; p++) {
		if (!radix_pass(src, dst, n, (int)passes[p][0], passes[p][1],
		    count))
			continue;
		struct sortkey *t = src;

		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
}

/* An IPv4 address is the low 32 bits of lo; IPv6, all of hi and lo. */
static const unsigned v4_passes[][2] = {
	{ 0, 0 }, { 0, 8 }, { 0, 16 }, { 0, 24 },
};
static const unsigned v6_passes[][2] = {
	{ 0, 0 }, { 0, 8 }, { 0, 16 }, { 0, 24 },
	{ 0, 32 }, { 0, 40 }, { 0, 48 }, { 0, 56 },
	{ 1, 0 }, { 1, 8 }, { 1, 16 }, { 1, 24 },
	{ 1, 32 }, { 1, 40 }, { 1, 48 }, { 1, 56 },
};
static const unsigned hits_passes[][2] = {
	{ 2, 0 }, { 2, 8 }, { 2, 16 }, { 2, 24 },
	{ 2, 32 }, { 2, 40 }, { 2, 48 }, { 2, 56 },
};

static void
sort_keys(struct sortkey *k, size_t n)
{
	struct sortkey *tmp = big_alloc(n * sizeof(*k));
	uint32_t *count = xmalloc(DIGITS * sizeof(*count));
	size_t n4 = 0;

	/* IPv4 keys first, each family in its order so far (stable). */
	for (size_t i = 0; i < n; i++)
		if (!k[i].v6)
			tmp[n4++] = k[i];
	for (size_t i = 0, j = n4; i < n; i++)
		if (k[i].v6)
			tmp[j++] = k[i];
	memcpy(k, tmp, n * sizeof(*k));
	radix_sort(k, tmp, n4, v4_passes, nitems(v4_passes), count);
	radix_sort(k + n4, tmp, n - n4, v6_passes, nitems(v6_passes), count);
	radix_sort(k, tmp, n, hits_passes, nitems(hits_passes), count);
	free(count);
	big_free(tmp, n * sizeof(*k));
}

/* The rows in report order; entries that never came are left out. */
void
rows_sort(struct rows *rs)
{
	struct sortkey *k = big_alloc(rs->used * sizeof(*k));
	struct count *sorted;
	size_t n = 0;

	for (size_t i = 0; i < rs->used; i++) {
		const struct count *c = &rs->ent[i];

		if (!(c->flags & CF_ROW))
			continue;
		k[n].hits = ~c->hits;
		ip_words(&c->ip, &k[n].hi, &k[n].lo);
		k[n].v6 = !ip_is_v4(&c->ip);
		k[n++].row = (uint32_t)i;
	}
	sort_keys(k, n);
	/* A gather, each load independent of the others: following the
	 * permutation's cycles in place instead waits on each load in
	 * turn, and took twice as long. */
	sorted = big_alloc(n * sizeof(*sorted));
	for (size_t i = 0; i < n; i++)
		sorted[i] = rs->ent[k[i].row];
	big_free(rs->ent, rs->cap * sizeof(*rs->ent));
	big_free(k, rs->used * sizeof(*k));
	rs->ent = sorted;
	rs->used = rs->cap = n;
}

/*
 * What a row says when no answer came (its worker died): status error,
 * and whose address it is, as the built-in tables say.
 */
static uint32_t
missing_answer(struct rows *rs, const struct ip *ip)
{
	struct answer a, builtin;

	answer_builtin(ip, &builtin);
	memset(&a, 0, sizeof(a));
	a.status = ST_ERROR;
	a.kind = builtin.kind;
	a.registry = builtin.registry;
	answer_clear(&builtin);
	return intern(&rs->answers, &a);
}

/*
 * Whether a row's answer is about a network a registry told this run:
 * the worker that asked, and every one that took the answer from it
 * since, say who was asked (lookup_known()); not the cache file's.
 */
static int
learned(const struct answer *a)
{
	return a->status == ST_OK &&
	    (a->source == SRC_RDAP || a->source == SRC_WHOIS);
}

/* a as every row shows it: no network to store; interned. */
static uint32_t
one_answer(struct rows *rs, uint32_t i)
{
	struct answer c;

	answer_copy(&c, &rs->answers.v[i]);
	c.has_net = 0;
	memset(&c.net, 0, sizeof(c.net));
	return intern(&rs->answers, &c);
}

/*
 * The source column says where the answer came from: every row of a
 * network a registry told this run shows that registry's protocol, the
 * address that was asked and its neighbours alike.  Which worker asked
 * depends on timing; where the answer came from does not, so the report
 * is the same for every -j, and a network's rows read as one answer
 * (the asker's copy, which carries the network for the cache file, is
 * kept apart from them).
 */
static void
settle_sources(struct rows *rs)
{
	size_t n = rs->answers.n;
	uint32_t *shown = xcalloc(n, sizeof(*shown));	/* index + 1 */

	/* Rows are many and answers few: each answer is settled once. */
	for (size_t r = 0; r < rs->used; r++) {
		struct count *row = &rs->ent[r];
		uint32_t i = row->answer;

		if (i >= n || !learned(&rs->answers.v[i]))
			continue;
		if (shown[i] == 0)
			shown[i] = one_answer(rs, i) + 1;
		row->answer = shown[i] - 1;
	}
	free(shown);
}

/*
 * The rows once every frame is in: rows without an answer (their worker
 * died) get an error answer; rows without counts (the parser died before
 * it sent them) keep their zero hits, so that no address is lost.  Then
 * the report order, and the source column.
 */
void
rows_finish(struct rows *rs)
{
	for (size_t i = 0; i < rs->used; i++)
		if (rs->ent[i].flags & CF_ROW &&
		    rs->ent[i].answer == UINT32_MAX)
			rs->ent[i].answer = missing_answer(rs, &rs->ent[i].ip);
	rows_sort(rs);
	settle_sources(rs);
}

/* --- the role ----------------------------------------------------------- */

struct reporter {
	const struct reporter_args *args;
	struct rows	 rows;
	struct pstats	 pst;
	struct wstats	 wst;
	struct filestats *files;	/* how each input was read */
	size_t		 nfiles;
	struct producers producers;	/* the parser, then each worker */
	int		 dead;		/* producers that died */
	struct cache	*cache;		/* opened before a change of user */
	char		 cache_msg[512];	/* why that failed */
};

static void
add_result(struct reporter *rp, const struct frame *f)
{
	struct answer a;
	struct ip ip;
	uint32_t e;

	if (wire_get_result(f, &ip, &e, &a) == -1 ||
	    rows_answer(&rp->rows, e, &ip, &a) == -1)
		warnx("reporter: a malformed answer was dropped");
}

static void
add_count(struct reporter *rp, const struct frame *f)
{
	struct count c;
	uint32_t e;

	if (wire_get_count(f, &e, &c) == -1 ||
	    rows_count(&rp->rows, e, &c) == -1)
		warnx("reporter: a malformed count was dropped");
}

static void
add_pstats(struct reporter *rp, const struct frame *f)
{
	memcpy(&rp->pst, f->data, sizeof(rp->pst));
}

static void
add_file(struct reporter *rp, const struct frame *f)
{
	rp->files = xrealloc(rp->files, (rp->nfiles + 1) * sizeof(*rp->files));
	memcpy(&rp->files[rp->nfiles++], f->data, sizeof(*rp->files));
}

static void
add_wstats(struct reporter *rp, const struct frame *f)
{
	struct wstats w;

	memcpy(&w, f->data, sizeof(w));
	rp->wst.lookups += w.lookups;
	rp->wst.queries += w.queries;
	rp->wst.cached += w.cached;
	rp->wst.known += w.known;
	rp->wst.stale += w.stale;
	/* The run's first failure is the earliest of the workers' firsts. */
	if (w.failed_ns != 0 && (rp->wst.failed_ns == 0 ||
	    w.failed_ns < rp->wst.failed_ns)) {
		rp->wst.failed_ns = w.failed_ns;
		rp->wst.failed_status = w.failed_status;
		memcpy(rp->wst.failed_why, w.failed_why, sizeof(w.failed_why));
		rp->wst.failed_why[sizeof(rp->wst.failed_why) - 1] = '\0';
	}
}

/*
 * Every whole frame in producer p's buffer; 1 once its sentinel came,
 * -1 when the pipe is garbled (a message says how).
 */
static int
take_frames(struct reporter *rp, struct frame_reader *fr, int p)
{
	char who[32], why[128] = "";
	struct frame f;
	int r;

	while ((r = frame_next(fr, &f)) == 1) {
		if (f.type == F_COUNT) {
			add_count(rp, &f);
			continue;
		}
		switch (f.type) {
		case F_RESULT:
			add_result(rp, &f);
			break;
		case F_PSTATS:
			add_pstats(rp, &f);
			break;
		case F_WSTATS:
			add_wstats(rp, &f);
			break;
		case F_FILE:
			add_file(rp, &f);
			break;
		case F_SENTINEL:
			if (producer_end(&rp->producers, p, &f, why,
			    sizeof(why)) == 0)
				return 1;
			r = -1;
			break;
		default:
			break;
		}
		if (r == -1)
			break;
	}
	if (r == -1) {
		producer_name(p, who, sizeof(who));
		warnx("reporter: garbled data from the %s%s%s; ignoring the "
		    "rest", who, why[0] ? ": " : "", why);
		return -1;
	}
	return 0;
}

/* Read from every producer until each has sent its sentinel or died. */
static void
collect(struct reporter *rp)
{
	const struct reporter_args *args = rp->args;
	int n = args->nworkers + 1, left = n;
	struct frame_reader **fr = xcalloc((size_t)n, sizeof(*fr));
	struct pollfd *pfd = xcalloc((size_t)n, sizeof(*pfd));

	for (int i = 0; i < n; i++) {
		fr[i] = xmalloc(sizeof(*fr[i]));
		frame_reader_init(fr[i], i == 0 ? args->parser_fd :
		    args->worker_fds[i - 1]);
		pfd[i].fd = fr[i]->fd;
		pfd[i].events = POLLIN;
	}
	while (left > 0) {
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno != EINTR)
				err(EXIT_INTERNAL, "poll");
			if (got_signal)
				_exit(exit_for_signal());
			continue;
		}
		for (int i = 0; i < n; i++) {
			int r, done;

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			r = frame_fill(fr[i]);
			if (r == -1 && got_signal)
				_exit(exit_for_signal());
			done = take_frames(rp, fr[i], i);
			if (done == 0 && r == 1)
				continue;
			if (done != 1)
				rp->dead++;	/* EOF or garbage, no sentinel */
			close(pfd[i].fd);
			pfd[i].fd = -1;
			left--;
		}
	}
	for (int i = 0; i < n; i++)
		free(fr[i]);
	free(fr);
	free(pfd);
}

/*
 * --top and --min-hits, on rows in report order (hits descending): the
 * i-th row, with hits, and every row after it are left out once it is.
 */
static int
shown(const struct config *cfg, size_t i, uint64_t hits)
{
	return (cfg->top == 0 || i < cfg->top) && hits >= cfg->min_hits;
}

static void
write_addresses(const struct reporter *rp, struct out *o)
{
	const struct config *cfg = rp->args->cfg;
	struct report_row r;

	for (size_t i = 0; i < rp->rows.used && !ferror(o->fp); i++) {
		const struct count *c = &rp->rows.ent[i];

		if (!shown(cfg, i, c->hits))
			break;
		row_of_count(&r, c, &rp->rows.answers.v[c->answer]);
		out_row(o, &r);
	}
}

static void
write_groups(const struct reporter *rp, struct out *o)
{
	const struct config *cfg = rp->args->cfg;
	struct by_group *g;
	size_t n;

	g = group_rows(cfg->by, rp->rows.ent, rp->rows.used, rp->rows.answers.v,
	    rp->rows.answers.n, &n);
	for (size_t i = 0; i < n && !ferror(o->fp); i++) {
		if (!shown(cfg, i, g[i].row.hits))
			break;
		out_row(o, &g[i].row);
	}
	free(g);
}

/* The report; 0, or -1 when it could not be written (errno says why). */
static int
write_report(struct reporter *rp, int fd)
{
	static struct out o;
	FILE *fp;

	if ((fp = fdopen(fd, "w")) == NULL)
		return -1;
	setvbuf(fp, NULL, _IONBF, 0);
	out_init(&o, fp, rp->args->cfg);
	o.answers_stay = 1;	/* interned, in place until the end */
	out_header(&o);
	if (rp->args->cfg->by == BY_IP)
		write_addresses(rp, &o);
	else
		write_groups(rp, &o);
	out_flush(&o);
	if (fflush(o.fp) == EOF || ferror(o.fp))
		return -1;
	/* A file report must be on disk before main renames it into place. */
	if (fd != STDOUT_FILENO && fsync(fd) == -1 && errno != EINVAL)
		return -1;
	return 0;
}

/* The rows by status, into by[ST_MAX]; how many are not ok. */
static uint64_t
count_status(const struct reporter *rp, uint64_t *by)
{
	for (size_t i = 0; i < rp->rows.used; i++)
		by[rp->rows.answers.v[rp->rows.ent[i].answer].status]++;
	return rp->rows.used - by[ST_OK];
}

/* -v: how each input was read, and a line none could read. */
static void
file_summary(const struct reporter *rp)
{
	const struct config *cfg = rp->args->cfg;
	char shown[4 * EXAMPLE_MAX + 1];

	for (size_t i = 0; i < rp->nfiles; i++) {
		const struct filestats *fs = &rp->files[i];
		const char *name = input_shown(fs->input <
		    (uint32_t)cfg->ninputs ? cfg->inputs[fs->input] : "?");

		fprintf(stderr, "ipwhois: %s: %s: %llu lines, %llu read, %llu "
		    "without a client, %llu rejected\n", name,
		    cfg->merge ? "report" : logfmt_name((enum logfmt)fs->fmt),
		    (unsigned long long)fs->lines,
		    (unsigned long long)fs->clients,
		    (unsigned long long)fs->noclient,
		    (unsigned long long)fs->rejected);
		if (fs->rejected == 0)
			continue;
		text_escape(shown, sizeof(shown), fs->example,
		    fs->example_len < EXAMPLE_MAX ? fs->example_len :
		    EXAMPLE_MAX);
		fprintf(stderr, "ipwhois: %s: rejected, e.g.: %s\n", name,
		    shown);
	}
}

/*
 * -v: what was read, looked up and asked, and how lookups failed (by
 * the rows' status, as the report says it), a few lines on stderr.
 */
static void
summary(const struct reporter *rp, uint64_t failed, const uint64_t *by)
{
	double secs = (double)(now_ns() - rp->args->run->started_ns) / 1e9;

	fprintf(stderr, "ipwhois: %llu lines read, %llu without a client, "
	    "%llu rejected, %llu outside --since/--until, %llu excluded by "
	    "--include/--exclude\n",
	    (unsigned long long)rp->pst.lines,
	    (unsigned long long)rp->pst.noclient,
	    (unsigned long long)rp->pst.rejected,
	    (unsigned long long)rp->pst.outside,
	    (unsigned long long)rp->pst.excluded);
	fprintf(stderr, "ipwhois: %llu unique addresses, %llu lookups, %llu "
	    "queries sent, %llu answered from the cache file, %llu from "
	    "networks learned in this run\n",
	    (unsigned long long)rp->rows.used,
	    (unsigned long long)rp->wst.lookups,
	    (unsigned long long)rp->wst.queries,
	    (unsigned long long)rp->wst.cached,
	    (unsigned long long)rp->wst.known);
	fprintf(stderr, "ipwhois: %llu failed", (unsigned long long)failed);
	for (int st = ST_OK + 1; st < ST_MAX; st++)
		fprintf(stderr, "%s%llu %s", st == ST_OK + 1 ? ": " : ", ",
		    (unsigned long long)by[st], status_name((enum status)st));
	fprintf(stderr, "; %.3f s\n", secs);
}

/*
 * Lookups that got no answer, in the order the closing line names them.
 * Not found is an answer (the registry has no such network), and is not
 * here, though it counts as failed for the exit status.
 */
static const enum status unanswered_st[] = {
	ST_ERROR, ST_TIMEOUT, ST_RATE_LIMITED,
};

static int
unanswered(uint8_t st)
{
	for (size_t i = 0; i < nitems(unanswered_st); i++)
		if (st == unanswered_st[i])
			return 1;
	return 0;
}

/*
 * The closing line about lookups that got no answer, even with -q: a
 * cron job whose registries were all unreachable must not end in
 * silence.  One line, into buf:
 *
 *	N of M lookups failed (error: WHY); the report has them as
 *	status=error
 *	N of M lookups failed (10 error, 2 timeout; first: error: WHY);
 *	the report has them as status=error or timeout
 *
 * WHY is the run's first failure's reason (none when no worker gave
 * one: the addresses of a worker that died).  Empty: nothing to say.
 */
static void
failure_line(char *buf, size_t n, const uint64_t *by, uint64_t rows,
    const struct wstats *w)
{
	char counts[128] = "", names[64] = "";
	char why[4 * sizeof(w->failed_why)] = "";
	char what[sizeof(counts) + sizeof(why) + 32];
	uint64_t total = 0;
	size_t k = 0, shown = 0;

	for (size_t i = 0; i < nitems(unanswered_st); i++)
		if (by[unanswered_st[i]] > 0) {
			total += by[unanswered_st[i]];
			k++;
		}
	buf[0] = '\0';
	if (total == 0)
		return;
	for (size_t i = 0; i < nitems(unanswered_st); i++) {
		enum status st = unanswered_st[i];
		size_t c = strlen(counts), m = strlen(names);

		if (by[st] == 0)
			continue;
		shown++;
		snprintf(counts + c, sizeof(counts) - c, "%s%llu %s",
		    shown > 1 ? ", " : "", (unsigned long long)by[st],
		    status_name(st));
		snprintf(names + m, sizeof(names) - m, "%s%s", shown == 1 ? "" :
		    shown == k ? " or " : ", ", status_name(st));
	}
	if (w->failed_ns != 0)
		text_escape(why, sizeof(why), w->failed_why,
		    strnlen(w->failed_why, sizeof(w->failed_why)));
	/* One status: its name says it all; several: their counts. */
	if (why[0] == '\0')
		snprintf(what, sizeof(what), "%s", k == 1 ? names : counts);
	else
		snprintf(what, sizeof(what), "%s%s%s: %s", k == 1 ? "" : counts,
		    k == 1 ? "" : "; first: ",
		    status_name((enum status)w->failed_status), why);
	snprintf(buf, n, "%llu of %llu lookups failed (%s); the report has "
	    "them as status=%s", (unsigned long long)total,
	    (unsigned long long)rows, what, names);
}

/*
 * What the registries said in this run goes to the cache, in one
 * transaction, after the report is out: a cache that cannot be written
 * costs a warning, never the report.
 */
static void
remember(const struct reporter *rp)
{
	const struct config *cfg = rp->args->cfg;
	const char *path = rp->args->run->cache_path;
	const struct answer **fresh;
	struct cache *c = NULL;
	char msg[512];
	size_t n = 0;

	if (path == NULL)
		return;
	fresh = xcalloc(rp->rows.answers.n + 1, sizeof(*fresh));
	for (size_t i = 0; i < rp->rows.answers.n; i++)
		if (rp->rows.answers.v[i].has_net &&
		    !unanswered(rp->rows.answers.v[i].status))
			fresh[n++] = &rp->rows.answers.v[i];
	if (rp->cache_msg[0] != '\0')
		snprintf(msg, sizeof(msg), "%s", rp->cache_msg);
	if (n > 0 && ((c = rp->cache != NULL ? rp->cache : rp->cache_msg[0] ?
	    NULL : cache_open(path, 1, msg, sizeof(msg))) == NULL ||
	    cache_store(c, fresh, n, msg, sizeof(msg)) == -1)) {
		if (!cfg->quiet)
			warnx("cache not updated: %s", msg);
	}
	if (n > 0 && c != NULL)
		cache_close(c);
	else if (n == 0)
		cache_close(rp->cache);
	free(fresh);
}

/*
 * As root, the cache is opened (made if need be) before the reporter
 * becomes --user, who may not write in root's cache directory: SQLite
 * keeps its descriptors for the file and its -wal and -shm.
 */
static void
open_cache_early(struct reporter *rp)
{
	const char *path = rp->args->run->cache_path;

	if (path != NULL && sandbox_drops_user())
		rp->cache = cache_open(path, 1, rp->cache_msg,
		    sizeof(rp->cache_msg));
}

/*
 * A time window that let no line in is more likely a mistake (a wrong
 * date, yesterday's log with --since 1h) than an answer: say so, since
 * the report alone cannot tell it from a quiet day.
 */
static void
empty_window(const struct reporter *rp)
{
	const struct config *cfg = rp->args->cfg;

	if ((cfg->since == 0 && cfg->until == 0) || cfg->quiet ||
	    rp->pst.outside == 0 ||
	    rp->pst.lines - rp->pst.rejected - rp->pst.noclient >
	    rp->pst.outside)
		return;
	fprintf(stderr, "ipwhois: none of the %llu lines with a client was "
	    "inside --since/--until\n", (unsigned long long)rp->pst.outside);
}

void
reporter_main(const struct reporter_args *args)
{
	struct reporter rp;
	uint64_t by[ST_MAX] = { 0 }, failed;
	char line[2048];

	memset(&rp, 0, sizeof(rp));
	rp.args = args;
	rows_init(&rp.rows);
	producers_init(&rp.producers, args->nworkers);
	open_cache_early(&rp);
	sandbox_enter(SB_REPORTER, 0, args->cfg, args->run);
	collect(&rp);
	/* Stopped: its producers may have ended on the signal before it
	 * saw it; what they sent is part of the logs, not a report.  Main
	 * notes a stop in the shared page before it passes it on: past
	 * share_report_begin(), the report is written, until a signal. */
	if (got_signal || !share_report_begin(args->run->share))
		_exit(exit_for_signal());
	/* The parser died: its counts are missing, and main says so. */
	if (!rp.producers.ended[0])
		_exit(EXIT_INTERNAL);
	progress_off(args->run);	/* before anything is written */
	rows_finish(&rp.rows);
	/* --counts-only: no lookup was asked for, none failed. */
	failed = args->cfg->counts_only ? 0 : count_status(&rp, by);
	if (write_report(&rp, args->out_fd) == -1) {
		if (errno == EPIPE)	/* the reader left: not our failure */
			_exit(failed ? EXIT_LOOKUP : EXIT_OK);
		warn("%s", args->cfg->output ? args->cfg->output :
		    "standard output");
		_exit(EXIT_INTERNAL);
	}
	remember(&rp);
	empty_window(&rp);
	if (rp.wst.stale > 0 && !args->cfg->quiet)
		fprintf(stderr, "ipwhois: %llu addresses were answered from "
		    "cached answers older than --max-age\n",
		    (unsigned long long)rp.wst.stale);
	if (args->cfg->verbose) {
		file_summary(&rp);
		summary(&rp, failed, by);
	}
	failure_line(line, sizeof(line), by, rp.rows.used, &rp.wst);
	if (line[0] != '\0')
		fprintf(stderr, "ipwhois: %s\n", line);
	_exit(failed || rp.dead ? EXIT_LOOKUP : EXIT_OK);
}
