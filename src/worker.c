/*
 * A worker process: takes addresses from the parser, looks each one up,
 * and sends the answers to the reporter.  An answer that cost a query is
 * sent at once, so that a worker that dies takes no answer with it that
 * was paid for; answers that cost nothing (offline, the cache, networks
 * learned in this run) are gathered into batches.  Once an answer is in
 * the reporter's pipe it is marked answered in the shared page: the
 * parser gives the addresses not marked to other workers should this one
 * die or be killed as stuck.
 *
 * An address near one another worker is asking about right now is put
 * aside (the other answer may well cover it) and taken up again when that
 * worker is done; meanwhile this one goes on with the rest of its work.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"

#define BATCH		(32 * 1024)
#define RECHECK_MS	5	/* how often put-aside addresses are looked at */

struct aside {
	struct ip ip;
	uint32_t entry;		/* its parser table entry */
	uint64_t seq;		/* its place among the parser's addresses */
	int	 blocker;	/* the worker whose answer it waits for */
};

struct worker {
	const struct worker_args *args;
	int	 id;
	struct lookup *lk;
	struct frame_buf out;
	uint64_t *unsent;	/* seqs of the answers in out */
	size_t	 nunsent, unsent_cap;
	uint64_t received;	/* addresses taken from the parser */
	struct aside *aside;
	size_t	 naside, cap;
};

/* The answers gathered so far to the reporter, then marked answered. */
static void
send_out(struct worker *w, int out_fd)
{
	struct share *sh = w->args->run->share;

	frame_send(&w->out, out_fd);
	for (size_t i = 0; i < w->nunsent; i++) {
		share_ack(sh, share_ack_index(w->id, w->args->cfg->jobs,
		    w->unsent[i]));
		share_answered(sh, w->id);
	}
	w->nunsent = 0;
}

static void
put_aside(struct worker *w, const struct ip *ip, uint32_t entry,
    uint64_t seq, int blocker)
{
	if (w->naside == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->aside = xrealloc(w->aside, w->cap * sizeof(*w->aside));
	}
	w->aside[w->naside].ip = *ip;
	w->aside[w->naside].entry = entry;
	w->aside[w->naside].seq = seq;
	w->aside[w->naside++].blocker = blocker;
}

/*
 * Look ip (entry), the parser's seq-th address to us, up; put it aside
 * if may_defer and another worker is near.
 */
static void
handle(struct worker *w, const struct ip *ip, uint32_t entry, uint64_t seq,
    int may_defer, int out_fd)
{
	uint64_t queries = lookup_stats(w->lk)->queries;
	struct answer a;
	int blocker;

	if (lookup_addr(w->lk, ip, may_defer, &a, &blocker) == LK_DEFER) {
		put_aside(w, ip, entry, seq, blocker);
		return;
	}
	if (a.status != ST_OK)
		share_add(w->args->run->share, SHC_FAILED, 1);
	wire_put_result(&w->out, ip, entry, &a);
	answer_clear(&a);
	if (w->nunsent == w->unsent_cap) {
		w->unsent_cap = w->unsent_cap ? w->unsent_cap * 2 : 256;
		w->unsent = xrealloc(w->unsent, w->unsent_cap *
		    sizeof(*w->unsent));
	}
	w->unsent[w->nunsent++] = seq;
	if (w->out.len >= BATCH || lookup_stats(w->lk)->queries != queries)
		send_out(w, out_fd);
}

/* Take up the addresses whose blocker has finished; how many were. */
static size_t
retry_aside(struct worker *w, int out_fd)
{
	size_t taken = 0, i = 0;

	while (i < w->naside) {
		struct aside x = w->aside[i];

		if (!lookup_blocker_done(w->lk, x.blocker, &x.ip)) {
			i++;
			continue;
		}
		w->aside[i] = w->aside[--w->naside];
		handle(w, &x.ip, x.entry, x.seq, 1, out_fd);
		taken++;
	}
	return taken;
}

/* Wait for input, looking at put-aside addresses every few ms. */
static int
wait_input(struct worker *w, struct frame_reader *fr, int out_fd)
{
	struct pollfd pfd = { fr->fd, POLLIN, 0 };

	while (w->naside > 0) {
		if (retry_aside(w, out_fd) > 0)
			continue;
		send_out(w, out_fd);
		if (poll(&pfd, 1, RECHECK_MS) == 1)
			break;
		if (got_signal)
			_exit(exit_for_signal());
	}
	/* What the put-aside addresses got, before waiting. */
	send_out(w, out_fd);
	return frame_fill(fr);
}

/*
 * The parser's addresses, each looked up as it comes, until its sentinel
 * or the end of the pipe (the parser died: our own work is complete all
 * the same, and the reporter is told so).
 */
static void
take_addresses(struct worker *w, struct frame_reader *fr, int out_fd)
{
	struct producers from;
	struct frame f;
	char why[128];
	int r;

	producers_init(&from, w->args->cfg->jobs);
	for (;;) {
		if ((r = frame_next(fr, &f)) == 0) {
			/* Nothing more waiting: send what we have, then wait. */
			send_out(w, out_fd);
			if (wait_input(w, fr, out_fd) == 1)
				continue;
			if (got_signal)
				_exit(exit_for_signal());
			break;
		}
		if (r == -1) {
			warnx("worker %d: bad frame from the parser", w->id);
			break;
		}
		if (f.type == F_SENTINEL) {
			if (producer_end(&from, 0, &f, why, sizeof(why)) == -1)
				warnx("worker %d: garbled data from the parser: "
				    "%s", w->id, why);
			break;
		}
		if (f.type == F_ADDR) {
			struct ip ip;
			uint32_t entry;

			if (wire_get_addr(&f, &ip, &entry) == -1) {
				warnx("worker %d: bad address from the parser",
				    w->id);
				break;
			}
			handle(w, &ip, entry, w->received++, 1, out_fd);
		}
	}
	producers_free(&from);
}

void
worker_main(const struct worker_args *args)
{
	struct frame_reader *fr = xmalloc(sizeof(*fr));
	struct sentinel s = { ROLE_WORKER, (uint16_t)args->id };
	struct worker w = { .args = args, .id = args->id };
	int out_fd = args->out_fd;

	w.lk = lookup_new(args->cfg, args->run, args->id);
	sandbox_enter(SB_WORKER, args->id, args->cfg, args->run);
	frame_reader_init(fr, args->in_fd);
	take_addresses(&w, fr, out_fd);
	/* The put-aside addresses: wait for their blockers, then ask. */
	while (w.naside > 0)
		if (retry_aside(&w, out_fd) == 0) {
			send_out(&w, out_fd);
			poll(NULL, 0, RECHECK_MS);
			if (got_signal)
				_exit(exit_for_signal());
		}
	send_out(&w, out_fd);
	frame_add(&w.out, F_WSTATS, lookup_stats(w.lk), sizeof(struct wstats));
	frame_add(&w.out, F_SENTINEL, &s, sizeof(s));
	frame_send(&w.out, out_fd);
	lookup_free(w.lk);
	free(w.unsent);
	free(w.aside);
	free(fr);
	_exit(EXIT_OK);
}
