/*
 * A worker process: takes addresses from the parser, looks each one up,
 * and sends the answers to the reporter.  Answers are gathered and sent
 * in batches while more addresses wait in the pipe, one by one otherwise.
 */
#include <err.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"

#define BATCH	(32 * 1024)

static void
send_or_exit(struct frame_buf *fb, int fd)
{
	if (frame_flush(fb, fd) == -1)
		_exit(got_signal ? exit_for_signal() : EXIT_INTERNAL);
}

static void
put_or_exit(struct frame_buf *fb, enum frame_type type, const void *p,
    size_t n)
{
	if (frame_put(fb, type, p, n) == -1)
		err(EXIT_INTERNAL, "out of memory");
}

void
worker_main(const struct config *cfg, int id, int in_fd, int out_fd)
{
	struct frame_reader *fr = xmalloc(sizeof(*fr));
	struct frame_buf out = { 0 };
	struct wstats st = { 0 };
	struct sentinel s = { ROLE_WORKER, (uint16_t)id };
	struct lookup *lk = lookup_new(cfg);
	struct frame f;
	int r;

	frame_reader_init(fr, in_fd);
	for (;;) {
		if ((r = frame_next(fr, &f)) == 0) {
			/* Nothing more waiting: send what we have, then wait. */
			send_or_exit(&out, out_fd);
			if ((r = frame_fill(fr)) == 1)
				continue;
			if (got_signal)
				_exit(exit_for_signal());
			/* End of file without a sentinel: the parser died.
			 * Our own work is complete; say so to the reporter. */
			break;
		}
		if (r == -1) {
			warnx("worker %d: bad frame from the parser", id);
			break;
		}
		if (f.type == F_SENTINEL)
			break;
		if (f.type == F_ADDR) {
			struct answer a;
			struct ip ip;

			memcpy(ip.b, f.data, sizeof(ip.b));
			lookup_addr(lk, &ip, &a);
			st.lookups++;
			if (a.status != ST_OK)
				st.failed++;
			if (wire_put_result(&out, &ip, &a) == -1)
				err(EXIT_INTERNAL, "out of memory");
			answer_clear(&a);
			if (out.len >= BATCH)
				send_or_exit(&out, out_fd);
		}
	}
	put_or_exit(&out, F_WSTATS, &st, sizeof(st));
	put_or_exit(&out, F_SENTINEL, &s, sizeof(s));
	send_or_exit(&out, out_fd);
	lookup_free(lk);
	_exit(EXIT_OK);
}
