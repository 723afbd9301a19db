/*
 * The reporter process: joins the workers' answers with the parser's
 * counts, sorts (hits descending, then address), and writes the report.
 *
 * It is done when it holds a sentinel from every producer (the parser
 * and each worker).  End of file before a sentinel means that producer
 * died: what it owed is missing, and those addresses get status "error".
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"

/* A counted address and the answer it joined (an index into answers). */
struct row {
	struct count c;
	uint32_t answer;
};

/* An address and its answer, as the workers sent them. */
struct result {
	struct ip ip;
	uint32_t answer;
};

/* Answers are few next to addresses (one per network, at most): each is
 * kept once and rows point at it. */
struct answers {
	struct answer *v;
	size_t	 n, cap;
	uint32_t *slot;		/* hash index: answer number + 1, 0 empty */
	size_t	 mask;
};

struct reporter {
	const struct reporter_args *args;
	struct row	*rows;
	size_t		 nrows, caprows;
	struct result	*results;
	size_t		 nresults, capresults;
	struct answers	 answers;
	struct pstats	 pst;
	struct wstats	 wst;
	int		 dead;		/* producers that died */
};

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

static void
add_result(struct reporter *rp, const struct frame *f)
{
	struct answer a;
	struct result *r;

	if (rp->nresults == rp->capresults) {
		rp->capresults = rp->capresults ? rp->capresults * 2 : 4096;
		rp->results = xrealloc(rp->results,
		    rp->capresults * sizeof(*rp->results));
	}
	r = &rp->results[rp->nresults];
	if (wire_get_result(f, &r->ip, &a) == -1) {
		warnx("reporter: a malformed answer was dropped");
		return;
	}
	r->answer = intern(&rp->answers, &a);
	rp->nresults++;
}

static void
add_count(struct reporter *rp, const struct frame *f)
{
	if (rp->nrows == rp->caprows) {
		rp->caprows = rp->caprows ? rp->caprows * 2 : 4096;
		rp->rows = xrealloc(rp->rows, rp->caprows * sizeof(*rp->rows));
	}
	memcpy(&rp->rows[rp->nrows].c, f->data, sizeof(struct count));
	rp->rows[rp->nrows].answer = UINT32_MAX;
	rp->nrows++;
}

static void
add_pstats(struct reporter *rp, const struct frame *f)
{
	memcpy(&rp->pst, f->data, sizeof(rp->pst));
	/* The parser says how many counts follow: room for exactly those. */
	if (rp->pst.unique > rp->caprows && rp->pst.unique < UINT32_MAX) {
		rp->caprows = (size_t)rp->pst.unique;
		rp->rows = xrealloc(rp->rows, rp->caprows * sizeof(*rp->rows));
	}
}

static void
add_wstats(struct reporter *rp, const struct frame *f)
{
	struct wstats w;

	memcpy(&w, f->data, sizeof(w));
	rp->wst.lookups += w.lookups;
	rp->wst.queries += w.queries;
	rp->wst.failed += w.failed;
}

/* Every whole frame in a producer's buffer; 1 once its sentinel came. */
static int
take_frames(struct reporter *rp, struct frame_reader *fr, const char *who)
{
	struct frame f;
	int r;

	while ((r = frame_next(fr, &f)) == 1) {
		switch (f.type) {
		case F_RESULT:
			add_result(rp, &f);
			break;
		case F_COUNT:
			add_count(rp, &f);
			break;
		case F_PSTATS:
			add_pstats(rp, &f);
			break;
		case F_WSTATS:
			add_wstats(rp, &f);
			break;
		case F_SENTINEL:
			return 1;
		default:
			break;
		}
	}
	if (r == -1) {
		warnx("reporter: garbled data from the %s; ignoring the rest",
		    who);
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
	char who[32];

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
			if (i == 0)
				snprintf(who, sizeof(who), "parser");
			else
				snprintf(who, sizeof(who), "worker %d", i - 1);
			r = frame_fill(fr[i]);
			if (r == -1 && got_signal)
				_exit(exit_for_signal());
			done = take_frames(rp, fr[i], who);
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

static int
cmp_result(const void *a, const void *b)
{
	return ip_cmp(&((const struct result *)a)->ip,
	    &((const struct result *)b)->ip);
}

static int
cmp_row_ip(const void *a, const void *b)
{
	return ip_cmp(&((const struct row *)a)->c.ip,
	    &((const struct row *)b)->c.ip);
}

static int
cmp_row_report(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->c.hits != y->c.hits)
		return x->c.hits > y->c.hits ? -1 : 1;
	return ip_cmp(&x->c.ip, &y->c.ip);
}

/* What a row says when no answer came: its worker died. */
static uint32_t
missing_answer(struct reporter *rp, const struct ip *ip)
{
	const struct special *sp = special_lookup(ip);
	struct answer a;

	memset(&a, 0, sizeof(a));
	a.status = ST_ERROR;
	a.kind = sp ? (uint8_t)sp->kind : KIND_PUBLIC;
	a.registry = sp ? RIR_NONE : (uint8_t)rir_lookup(ip);
	return intern(&rp->answers, &a);
}

/* Give every row its answer: both sides sorted by address, then merged. */
static void
join(struct reporter *rp)
{
	size_t i = 0, j = 0;

	qsort(rp->rows, rp->nrows, sizeof(*rp->rows), cmp_row_ip);
	qsort(rp->results, rp->nresults, sizeof(*rp->results), cmp_result);
	while (i < rp->nrows) {
		int c = j < rp->nresults ?
		    ip_cmp(&rp->rows[i].c.ip, &rp->results[j].ip) : -1;

		if (c < 0) {
			rp->rows[i].answer = missing_answer(rp,
			    &rp->rows[i].c.ip);
			i++;
		} else if (c == 0) {
			rp->rows[i++].answer = rp->results[j++].answer;
		} else {
			/* An answer without counts: the parser died before
			 * it sent them.  Keep the address, with no hits. */
			struct row *r;

			if (rp->nrows == rp->caprows) {
				rp->caprows = rp->caprows * 2 + 16;
				rp->rows = xrealloc(rp->rows,
				    rp->caprows * sizeof(*rp->rows));
			}
			r = &rp->rows[rp->nrows++];
			memset(r, 0, sizeof(*r));
			r->c.ip = rp->results[j].ip;
			r->c.bytes = BYTES_NONE;
			r->answer = rp->results[j++].answer;
		}
	}
	free(rp->results);
	rp->results = NULL;
	qsort(rp->rows, rp->nrows, sizeof(*rp->rows), cmp_row_report);
}

static void
write_u64(FILE *fp, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	fputs(p, fp);
}

static const char *const columns[] = {
	"ip", "hits", "bytes", "first_seen", "last_seen", "kind", "registry",
	"network", "net_name", "org", "country", "asn", "as_name",
	"abuse_email", "source", "status",
};

static void
write_row(FILE *fp, const struct row *r, const struct answer *a)
{
	char buf[IP_STRLEN];

	ip_format(&r->c.ip, buf);
	fputs(buf, fp);
	putc(',', fp);
	write_u64(fp, r->c.hits);
	putc(',', fp);
	if (r->c.bytes != BYTES_NONE)
		write_u64(fp, r->c.bytes);
	putc(',', fp);
	time_format(r->c.first, buf);
	fputs(buf, fp);
	putc(',', fp);
	time_format(r->c.last, buf);
	fputs(buf, fp);
	putc(',', fp);
	fputs(kind_name(a->kind), fp);
	putc(',', fp);
	fputs(rir_name(a->registry), fp);
	for (int f = 0; f < FLD_MAX; f++) {
		putc(',', fp);
		csv_field(fp, a->field[f]);
	}
	putc(',', fp);
	fputs(source_name(a->source), fp);
	putc(',', fp);
	fputs(status_name(a->status), fp);
	putc('\n', fp);
}

/* The report; 0, or -1 when it could not be written (errno says why). */
static int
write_report(struct reporter *rp, int fd, int *failed)
{
	FILE *fp = fdopen(fd, "w");
	static char iobuf[64 * 1024];

	if (fp == NULL)
		return -1;
	setvbuf(fp, iobuf, _IOFBF, sizeof(iobuf));
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		if (i)
			putc(',', fp);
		fputs(columns[i], fp);
	}
	putc('\n', fp);
	*failed = 0;
	for (size_t i = 0; i < rp->nrows && !ferror(fp); i++) {
		const struct answer *a = &rp->answers.v[rp->rows[i].answer];

		if (a->status != ST_OK)
			(*failed)++;
		write_row(fp, &rp->rows[i], a);
	}
	if (fflush(fp) == EOF || ferror(fp))
		return -1;
	/* A file report must be on disk before main renames it into place. */
	if (fd != STDOUT_FILENO && fsync(fd) == -1 && errno != EINVAL)
		return -1;
	return 0;
}

static void
summary(const struct reporter *rp, int failed)
{
	double secs = (double)(now_ns() - rp->args->started_ns) / 1e9;

	fprintf(stderr, "ipwhois: %llu lines read, %llu rejected, "
	    "%llu unique addresses, %llu lookups, %d failed, %.3f s\n",
	    (unsigned long long)rp->pst.lines,
	    (unsigned long long)rp->pst.rejected,
	    (unsigned long long)rp->nrows,
	    (unsigned long long)rp->wst.lookups, failed, secs);
}

void
reporter_main(const struct reporter_args *args)
{
	struct reporter rp;
	int failed = 0;

	memset(&rp, 0, sizeof(rp));
	rp.args = args;
	collect(&rp);
	join(&rp);
	if (write_report(&rp, args->out_fd, &failed) == -1) {
		if (errno == EPIPE)	/* the reader left: not our failure */
			_exit(failed ? EXIT_LOOKUP : EXIT_OK);
		warn("%s", args->cfg->output ? args->cfg->output :
		    "standard output");
		_exit(EXIT_INTERNAL);
	}
	if (args->cfg->verbose)
		summary(&rp, failed);
	_exit(failed || rp.dead ? EXIT_LOOKUP : EXIT_OK);
}
