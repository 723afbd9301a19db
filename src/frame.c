/*
 * The wire between the processes: length-prefixed frames on pipes.
 * This file is the only code that reads or writes a pipe.
 *
 * A frame is an 8-byte header, then the payload:
 *	uint32_t len	payload bytes, at most frame_max[type]
 *	uint16_t type	enum frame_type
 *	uint16_t version	FRAME_VERSION
 * Both ends are the same binary on the same machine, so fields are in
 * host byte order.  Every pipe has one writer and one reader, and ends
 * with the writer's sentinel, checked here too (producer_end()).
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"

/* Bump this when a frame's layout changes. */
#define FRAME_VERSION	7

/* An address and its entry number; an entry number and its counts. */
#define ADDR_WIRE	(sizeof(struct ip) + sizeof(uint32_t))
#define COUNT_WIRE	(sizeof(uint32_t) + sizeof(struct count))

/* Largest payload each frame type may carry; checked before any copy. */
static const uint32_t frame_max[F_TYPE_MAX] = {
	[F_SENTINEL] = sizeof(struct sentinel),
	[F_ADDR] = ADDR_WIRE,
	[F_RESULT] = ADDR_WIRE + ANSWER_WIRE_MAX,
	[F_WSTATS] = sizeof(struct wstats),
	[F_PSTATS] = sizeof(struct pstats),
	[F_COUNT] = COUNT_WIRE,
	[F_FILE] = sizeof(struct filestats),
};

/* Smallest payload: fixed-size frames must be exactly their size. */
static const uint32_t frame_min[F_TYPE_MAX] = {
	[F_SENTINEL] = sizeof(struct sentinel),
	[F_ADDR] = ADDR_WIRE,
	[F_RESULT] = ADDR_WIRE + ANSWER_WIRE_MIN,
	[F_WSTATS] = sizeof(struct wstats),
	[F_PSTATS] = sizeof(struct pstats),
	[F_COUNT] = COUNT_WIRE,
	[F_FILE] = sizeof(struct filestats),
};

void
frame_reader_init(struct frame_reader *fr, int fd)
{
	fr->fd = fd;
	fr->eof = 0;
	fr->off = fr->have = 0;
}

/*
 * Is there a whole frame at buf?  1: yes, *f filled; 0: need more bytes;
 * -1: the header is invalid (unknown type, bad length or version).
 */
int
frame_check(const uint8_t *buf, size_t have, struct frame *f)
{
	uint32_t len;
	uint16_t type, version;

	if (have < FRAME_HDR)
		return 0;
	memcpy(&len, buf, 4);
	memcpy(&type, buf + 4, 2);
	memcpy(&version, buf + 6, 2);
	if (version != FRAME_VERSION || type == 0 || type >= F_TYPE_MAX ||
	    len > frame_max[type] || len < frame_min[type])
		return -1;
	if (have - FRAME_HDR < len)
		return 0;
	f->type = type;
	f->len = len;
	f->data = buf + FRAME_HDR;
	return 1;
}

/*
 * One read(2) into the reader's buffer.  1: bytes arrived; 0: end of
 * file; -1: error (EINTR when a signal asked us to stop; EAGAIN on a
 * non-blocking pipe with nothing to read).
 */
int
frame_fill(struct frame_reader *fr)
{
	ssize_t n;

	if (fr->off > 0 && fr->off == fr->have)
		fr->off = fr->have = 0;
	if (fr->have == sizeof(fr->buf) || fr->off > sizeof(fr->buf) / 2) {
		memmove(fr->buf, fr->buf + fr->off, fr->have - fr->off);
		fr->have -= fr->off;
		fr->off = 0;
	}
	for (;;) {
		n = read(fr->fd, fr->buf + fr->have, sizeof(fr->buf) - fr->have);
		if (n >= 0)
			break;
		if (errno != EINTR || got_signal)
			return -1;
	}
	if (n == 0) {
		fr->eof = 1;
		return 0;
	}
	fr->have += (size_t)n;
	return 1;
}

/*
 * The next whole frame already in the buffer, without reading.
 * 1: *f is valid until the next call; 0: none yet; -1: corrupt stream.
 */
int
frame_next(struct frame_reader *fr, struct frame *f)
{
	int r = frame_check(fr->buf + fr->off, fr->have - fr->off, f);

	if (r == 1)
		fr->off += FRAME_HDR + f->len;
	return r;
}

/*
 * Blocking: the next frame, reading as needed.  Matched by frame_put()
 * and frame_flush() on the other end.  1: a frame; 0: end of file (a
 * partial frame at the end counts as corrupt); -1: error or corrupt.
 */
int
frame_read(struct frame_reader *fr, struct frame *f)
{
	for (;;) {
		int r = frame_next(fr, f);

		if (r != 0)
			return r;
		r = frame_fill(fr);
		if (r == 0)
			return fr->have == fr->off ? 0 : -1;
		if (r == -1)
			return -1;
	}
}

/* Append one frame to an output buffer.  Matched by frame_next(). */
int
frame_put(struct frame_buf *fb, enum frame_type type, const void *payload,
    size_t len)
{
	uint32_t len32 = (uint32_t)len;
	uint16_t type16 = (uint16_t)type, version = FRAME_VERSION;

	if (type <= 0 || type >= F_TYPE_MAX || len > frame_max[type] ||
	    len < frame_min[type]) {
		errno = EINVAL;
		return -1;
	}
	if (fb->off > 0 && fb->cap - fb->len < FRAME_HDR + len) {
		memmove(fb->data, fb->data + fb->off, fb->len - fb->off);
		fb->len -= fb->off;
		fb->off = 0;
	}
	if (fb->cap - fb->len < FRAME_HDR + len) {
		size_t cap = fb->cap ? fb->cap : 4096;
		uint8_t *p;

		while (cap - fb->len < FRAME_HDR + len)
			cap *= 2;
		if ((p = realloc(fb->data, cap)) == NULL)
			return -1;
		fb->data = p;
		fb->cap = cap;
	}
	memcpy(fb->data + fb->len, &len32, 4);
	memcpy(fb->data + fb->len + 4, &type16, 2);
	memcpy(fb->data + fb->len + 6, &version, 2);
	if (len)
		memcpy(fb->data + fb->len + FRAME_HDR, payload, len);
	fb->len += FRAME_HDR + len;
	return 0;
}

/*
 * Write what the buffer holds, as far as the pipe takes it now.
 * Blocking fds: all of it (short writes and EINTR resumed).
 * Non-blocking fds: stops at EAGAIN and keeps the rest.
 * 0: nothing left; 1: some left (EAGAIN); -1: error (EPIPE: reader gone).
 */
int
frame_flush_some(struct frame_buf *fb, int fd)
{
	while (fb->off < fb->len) {
		ssize_t n = write(fd, fb->data + fb->off, fb->len - fb->off);

		if (n > 0) {
			fb->off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR && !got_signal)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 1;
		fb->off = fb->len = 0;	/* the reader is gone: drop the rest */
		return -1;
	}
	fb->off = fb->len = 0;
	return 0;
}

/* Blocking flush of a whole buffer.  Matched by frame_read(). */
int
frame_flush(struct frame_buf *fb, int fd)
{
	return frame_flush_some(fb, fd) == 0 ? 0 : -1;
}

/*
 * How the roles send, as what they send: frame_add() queues a frame,
 * frame_send() writes the queue out (blocking).  Neither returns on
 * failure.  A frame that cannot be queued is out of memory; a write that
 * fails means the consumer is gone (main reports how it ended), or a
 * signal asked this process to stop.
 */
void
frame_add(struct frame_buf *fb, enum frame_type type, const void *payload,
    size_t len)
{
	if (frame_put(fb, type, payload, len) == -1)
		err(EXIT_INTERNAL, "frame type %d, %zu bytes", type, len);
}

void
frame_send(struct frame_buf *fb, int fd)
{
	if (frame_flush(fb, fd) == -1)
		_exit(got_signal ? exit_for_signal() : EXIT_INTERNAL);
}

void
frame_buf_free(struct frame_buf *fb)
{
	free(fb->data);
	fb->data = NULL;
	fb->off = fb->len = fb->cap = 0;
}

void
producers_init(struct producers *pr, int nworkers)
{
	pr->n = 1 + nworkers;
	pr->ended = xcalloc((size_t)pr->n, 1);
}

void
producers_free(struct producers *pr)
{
	free(pr->ended);
	pr->ended = NULL;
	pr->n = 0;
}

/* "parser", "worker 3": a producer, for messages. */
void
producer_name(int p, char *buf, size_t len)
{
	if (p == 0)
		setmsg(buf, len, "parser");
	else
		setmsg(buf, len, "worker %d", p - 1);
}

/*
 * A sentinel f came on the pipe of producer `from`.  0 when it is that
 * producer's own and its first.  -1 when it names no producer of the
 * run, another one, or one that has ended already: the pipe is garbled,
 * and why says how, naming the producer the sentinel claims to be.
 */
int
producer_end(struct producers *pr, int from, const struct frame *f,
    char *why, size_t whylen)
{
	struct sentinel s;
	char name[32];
	int p = -1;

	if (f->type != F_SENTINEL || f->len != sizeof(s)) {
		setmsg(why, whylen, "a malformed sentinel");
		return -1;
	}
	memcpy(&s, f->data, sizeof(s));
	if (s.role == ROLE_PARSER && s.id == 0)
		p = 0;
	else if (s.role == ROLE_WORKER && s.id < pr->n - 1)
		p = 1 + s.id;
	if (p == -1) {
		setmsg(why, whylen, "a sentinel from no producer of the run "
		    "(role %u, id %u)", s.role, s.id);
		return -1;
	}
	producer_name(p, name, sizeof(name));
	if (pr->ended[p]) {
		setmsg(why, whylen, "a second sentinel from the %s", name);
		return -1;
	}
	if (p != from) {
		setmsg(why, whylen, "a sentinel from the %s", name);
		return -1;
	}
	pr->ended[p] = 1;
	return 0;
}

/* F_ADDR payload: the address, then its entry number. */
void
wire_put_addr(struct frame_buf *fb, const struct ip *ip, uint32_t entry)
{
	uint8_t buf[ADDR_WIRE];

	memcpy(buf, ip->b, sizeof(ip->b));
	memcpy(buf + sizeof(ip->b), &entry, sizeof(entry));
	frame_add(fb, F_ADDR, buf, sizeof(buf));
}

/* Matched by wire_put_addr().  0, or -1 for a malformed payload. */
int
wire_get_addr(const struct frame *f, struct ip *ip, uint32_t *entry)
{
	if (f->type != F_ADDR || f->len != ADDR_WIRE)
		return -1;
	memcpy(ip->b, f->data, sizeof(ip->b));
	memcpy(entry, f->data + sizeof(ip->b), sizeof(*entry));
	return *entry <= ENTRY_MAX ? 0 : -1;
}

/* F_RESULT payload: the address, its entry number, then the answer
 * (answer_encode()). */
void
wire_put_result(struct frame_buf *fb, const struct ip *ip, uint32_t entry,
    const struct answer *a)
{
	uint8_t buf[ADDR_WIRE + ANSWER_WIRE_MAX];

	memcpy(buf, ip->b, sizeof(ip->b));
	memcpy(buf + sizeof(ip->b), &entry, sizeof(entry));
	frame_add(fb, F_RESULT, buf,
	    ADDR_WIRE + answer_encode(a, buf + ADDR_WIRE));
}

/* Matched by wire_put_result().  0, or -1 for a malformed payload. */
int
wire_get_result(const struct frame *f, struct ip *ip, uint32_t *entry,
    struct answer *a)
{
	memset(a, 0, sizeof(*a));
	if (f->type != F_RESULT || f->len < frame_min[F_RESULT])
		return -1;
	memcpy(ip->b, f->data, sizeof(ip->b));
	memcpy(entry, f->data + sizeof(ip->b), sizeof(*entry));
	if (*entry > ENTRY_MAX)
		return -1;
	return answer_decode(f->data + ADDR_WIRE, f->len - ADDR_WIRE, a);
}

/* F_COUNT payload: the entry number, then its counts. */
void
wire_put_count(struct frame_buf *fb, uint32_t entry, const struct count *c)
{
	uint8_t buf[COUNT_WIRE];

	memcpy(buf, &entry, sizeof(entry));
	memcpy(buf + sizeof(entry), c, sizeof(*c));
	frame_add(fb, F_COUNT, buf, sizeof(buf));
}

/* Matched by wire_put_count().  0, or -1 for a malformed payload. */
int
wire_get_count(const struct frame *f, uint32_t *entry, struct count *c)
{
	if (f->type != F_COUNT || f->len != COUNT_WIRE)
		return -1;
	memcpy(entry, f->data, sizeof(*entry));
	memcpy(c, f->data + sizeof(*entry), sizeof(*c));
	return *entry <= ENTRY_MAX ? 0 : -1;
}
