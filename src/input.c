/*
 * A log input, plain or compressed.  Compression is recognised by the
 * first bytes, not the name (rotated logs are renamed freely, and stdin
 * has no name).  gzip, by far the most common, is decoded with zlib,
 * which hands over every byte as soon as it is inflated: a truncated
 * .gz (a log still being written, a full disk) loses only its damaged
 * tail.  libarchive decodes the rest: bzip2, xz, zstd, lz4, lzip and
 * compress.  Plain files are read with read(2) into the caller's buffer.
 *
 * libarchive is loaded on the first compressed input, not at start: with
 * the libraries it pulls in (libxml2, ICU, libstdc++) it would triple the
 * start-up time of every run, compressed input or not.
 *
 * A compressed input is decoded by a thread of its own, a few blocks
 * ahead of the caller: inflating costs as much as parsing what comes
 * out, and on two cores the two overlap.  The caller copies each block
 * out; where no thread can be started it decodes as it reads.
 */
#include <archive.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "ipwhois.h"

#define PEEK	6

#define DECODED_BLOCK	(256 * 1024)
#define DECODED_BLOCKS	4
#define WAIT_MS		100	/* how often a wait looks for a stop */

struct decoded {
	ssize_t	 n;		/* bytes; 0: the end; -1: the error in err */
	char	 data[DECODED_BLOCK];
};

/*
 * Blocks [tail, head) are decoded and not yet all taken; the decoding
 * thread fills block head (mod DECODED_BLOCKS) and stops after the end
 * or an error.  Under mu: head, tail, raw.
 */
struct pump {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 filled, emptied;
	uint64_t	 head, tail;
	uint64_t	 raw;		/* the input's raw bytes, as of head */
	size_t		 off;		/* taken of block tail */
	struct decoded	 blk[DECODED_BLOCKS];
};

struct input {
	int		 fd;
	uint64_t	 raw;		/* bytes read from fd */
	off_t		 start;		/* fd's offset when opened */
	struct archive	*ar;		/* libarchive's decoder, or NULL */
	z_stream	*gz;		/* zlib's, for gzip, or NULL */
	int		 gz_end;	/* the last member ended cleanly */
	uint8_t		 peek[PEEK];	/* first bytes, read to recognise it */
	size_t		 peek_len, peek_off;
	char		 rbuf[64 * 1024];	/* libarchive's read buffer */
	const char	*block;			/* decoded, not yet taken */
	size_t		 block_len;
	char		 err[256];
	struct pump	*pump;		/* the decoding thread's, or NULL */
};

static void pump_start(struct input *);

/* Magic numbers of the compressed formats libarchive reads. */
static const struct {
	const char *magic;
	size_t len;
} compressed[] = {
	{ "BZh", 3 },				/* bzip2 */
	{ "\xfd" "7zXZ\x00", 6 },		/* xz */
	{ "\x28\xb5\x2f\xfd", 4 },		/* zstd (RFC 8878) */
	{ "\x04\x22\x4d\x18", 4 },		/* lz4 frame */
	{ "LZIP", 4 },				/* lzip */
	{ "\x1f\x9d", 2 },			/* compress (.Z) */
};

#define LIBARCHIVE	"libarchive.so.13"

/* The libarchive functions used here, resolved by load_archive(). */
static struct {
	struct archive *(*read_new)(void);
	int	(*support_filter_all)(struct archive *);
	int	(*support_format_raw)(struct archive *);
	int	(*read_open)(struct archive *, void *, archive_open_callback *,
		    archive_read_callback *, archive_close_callback *);
	int	(*next_header)(struct archive *, struct archive_entry **);
	int	(*data_block)(struct archive *, const void **, size_t *,
		    la_int64_t *);
	const char *(*error_string)(struct archive *);
	void	(*set_error)(struct archive *, int, const char *, ...);
	int	(*read_free)(struct archive *);
} la;

static const struct dl_sym la_symbols[] = {
	{ "archive_read_new", &la.read_new },
	{ "archive_read_support_filter_all", &la.support_filter_all },
	{ "archive_read_support_format_raw", &la.support_format_raw },
	{ "archive_read_open", &la.read_open },
	{ "archive_read_next_header", &la.next_header },
	{ "archive_read_data_block", &la.data_block },
	{ "archive_error_string", &la.error_string },
	{ "archive_set_error", &la.set_error },
	{ "archive_read_free", &la.read_free },
};

/* 0 once libarchive is loaded; -1 (and a message in err) if it cannot be. */
static int
load_archive(char *err, size_t errlen)
{
	static void *handle;
	char why[256];

	if (handle != NULL)
		return 0;
	if ((handle = dl_load(LIBARCHIVE, la_symbols, nitems(la_symbols),
	    why, sizeof(why))) == NULL) {
		setmsg(err, errlen, "compressed, and libarchive (Debian: "
		    "libarchive13) cannot be loaded: %s", why);
		return -1;
	}
	return 0;
}

/*
 * At the end of a regular file: whether it is now shorter than what was
 * read of it, as when logrotate's copytruncate empties it under us.  The
 * end is where that shows (the next read finds nothing), so it is
 * checked there, once per file, not per line.  -1 with a message in err.
 */
static int
shrunk(struct input *in)
{
	uint64_t at = (uint64_t)in->start + in->raw;
	struct stat sb;

	if (fstat(in->fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size >= at)
		return 0;
	snprintf(in->err, sizeof(in->err), "the file shrank to %lld bytes "
	    "while being read, after %llu (truncated: logrotate's "
	    "copytruncate?)", (long long)sb.st_size, (unsigned long long)at);
	return -1;
}

static ssize_t
read_fd(struct input *in, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(in->fd, buf, n);
	while (r == -1 && errno == EINTR && !got_signal);
	if (r > 0)
		in->raw += (uint64_t)r;
	if (r == 0 && shrunk(in) == -1)
		return -1;
	return r;
}

/* A failed read's reason, unless shrunk() gave one. */
static void
read_error(struct input *in)
{
	if (in->err[0] == '\0')
		snprintf(in->err, sizeof(in->err), "%s", strerror(errno));
}

/* Bytes for the decoder: the peeked ones first, then the descriptor. */
static la_ssize_t
feed(struct archive *ar, void *arg, const void **buf)
{
	struct input *in = arg;
	ssize_t n;

	(void)ar;
	if (in->peek_off < in->peek_len) {
		*buf = in->peek + in->peek_off;
		n = (ssize_t)(in->peek_len - in->peek_off);
		in->peek_off = in->peek_len;
		return n;
	}
	*buf = in->rbuf;
	if ((n = read_fd(in, in->rbuf, sizeof(in->rbuf))) == -1) {
		read_error(in);
		la.set_error(ar, EIO, "%s", in->err);
	}
	return n;
}

static int
is_compressed(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < nitems(compressed); i++)
		if (n >= compressed[i].len &&
		    memcmp(p, compressed[i].magic, compressed[i].len) == 0)
			return 1;
	return 0;
}

static int
open_gzip(struct input *in)
{
	in->gz = xcalloc(1, sizeof(*in->gz));
	/* 16 + MAX_WBITS: a gzip wrapper, not zlib's own. */
	if (inflateInit2(in->gz, 16 + MAX_WBITS) != Z_OK) {
		snprintf(in->err, sizeof(in->err), "out of memory");
		return -1;
	}
	in->gz->next_in = in->peek;
	in->gz->avail_in = (uInt)in->peek_len;
	in->peek_off = in->peek_len;
	return 0;
}

static int
open_archive(struct input *in)
{
	struct archive_entry *entry;

	if (load_archive(in->err, sizeof(in->err)) == -1)
		return -1;
	if ((in->ar = la.read_new()) == NULL) {
		snprintf(in->err, sizeof(in->err), "out of memory");
		return -1;
	}
	la.support_filter_all(in->ar);
	la.support_format_raw(in->ar);
	if (la.read_open(in->ar, in, NULL, feed, NULL) != ARCHIVE_OK ||
	    la.next_header(in->ar, &entry) != ARCHIVE_OK) {
		snprintf(in->err, sizeof(in->err), "%s",
		    la.error_string(in->ar) ? la.error_string(in->ar) :
		    "cannot decompress");
		return -1;
	}
	return 0;
}

/* Start reading fd; NULL (and errno) when even that fails. */
struct input *
input_open(int fd)
{
	struct input *in = xcalloc(1, sizeof(*in));
	ssize_t n;

	in->fd = fd;
	if ((in->start = lseek(fd, 0, SEEK_CUR)) == -1)
		in->start = 0;
	while (in->peek_len < PEEK) {
		n = read_fd(in, in->peek + in->peek_len, PEEK - in->peek_len);
		if (n == -1) {
			read_error(in);
			return in;
		}
		if (n == 0)
			break;
		in->peek_len += (size_t)n;
	}
	if (in->peek_len >= 2 && in->peek[0] == 0x1f && in->peek[1] == 0x8b)
		open_gzip(in);
	else if (is_compressed(in->peek, in->peek_len) &&
	    open_archive(in) == -1) {
		if (in->ar != NULL)
			la.read_free(in->ar);
		in->ar = NULL;
		in->peek_off = in->peek_len;	/* nothing readable */
	}
	if ((in->gz != NULL || in->ar != NULL) && in->err[0] == '\0')
		pump_start(in);
	return in;
}

/*
 * Decoded bytes block by block, as libarchive produces them: a damaged
 * stream then costs only what follows the damage (archive_read_data()
 * would drop a part-filled buffer with it).
 */
static ssize_t
archive_read(struct input *in, void *buf, size_t n)
{
	if (in->block_len == 0) {
		const void *block;
		size_t len;
		la_int64_t offset;
		int r = la.data_block(in->ar, &block, &len, &offset);

		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK) {
			snprintf(in->err, sizeof(in->err), "%s",
			    la.error_string(in->ar) ? la.error_string(in->ar) :
			    "damaged data");
			return -1;
		}
		in->block = block;
		in->block_len = len;
	}
	if (n > in->block_len)
		n = in->block_len;
	memcpy(buf, in->block, n);
	in->block += n;
	in->block_len -= n;
	return (ssize_t)n;
}

/* More compressed bytes for zlib; 0 at the end of the file. */
static int
gzip_refill(struct input *in)
{
	ssize_t r = read_fd(in, in->rbuf, sizeof(in->rbuf));

	if (r == -1) {
		read_error(in);
		return -1;
	}
	in->gz->next_in = (Bytef *)in->rbuf;
	in->gz->avail_in = (uInt)r;
	return r > 0;
}

/*
 * Inflated bytes as they come.  Members follow one another (gzip -c a b,
 * logrotate's delaycompress + cat); anything after the last member that
 * is not another gzip header is ignored, as gzip -d does.
 */
static ssize_t
gzip_read(struct input *in, void *buf, size_t n)
{
	z_stream *z = in->gz;
	int r;

	if (n > 1u << 30)
		n = 1u << 30;
	z->next_out = buf;
	z->avail_out = (uInt)n;
	while (z->avail_out == n) {	/* until something comes out */
		if (z->avail_in == 0) {
			if ((r = gzip_refill(in)) == -1)
				return -1;
			if (r == 0) {
				if (in->gz_end)
					return 0;
				snprintf(in->err, sizeof(in->err),
				    "truncated gzip data");
				return -1;
			}
		}
		if (in->gz_end) {
			if (z->avail_in >= 1 && z->next_in[0] != 0x1f)
				return 0;	/* trailing garbage */
			in->gz_end = 0;
			inflateReset(z);
		}
		r = inflate(z, Z_NO_FLUSH);
		if (r == Z_STREAM_END)
			in->gz_end = 1;
		else if (r != Z_OK && r != Z_BUF_ERROR) {
			snprintf(in->err, sizeof(in->err), "damaged gzip data: %s",
			    z->msg ? z->msg : "inflate failed");
			if (z->avail_out != (uInt)n)
				break;	/* hand over what came first */
			return -1;
		}
	}
	return (ssize_t)(n - z->avail_out);
}

/* Decoded (or plain) bytes, read here and now: input_read() below. */
static ssize_t
decode(struct input *in, void *buf, size_t n)
{
	ssize_t r;

	if (in->err[0])
		return -1;
	if (in->gz != NULL)
		return gzip_read(in, buf, n);
	if (in->ar != NULL)
		return archive_read(in, buf, n);
	if (in->peek_off < in->peek_len) {
		size_t k = in->peek_len - in->peek_off;

		if (k > n)
			k = n;
		memcpy(buf, in->peek + in->peek_off, k);
		in->peek_off += k;
		return (ssize_t)k;
	}
	if ((r = read_fd(in, buf, n)) == -1)
		read_error(in);
	return r;
}

/* The decoding thread: blocks until the end or an error. */
static void *
pump_main(void *arg)
{
	struct input *in = arg;
	struct pump *p = in->pump;
	ssize_t n;

	do {
		struct decoded *b;

		pthread_mutex_lock(&p->mu);
		while (p->head - p->tail == DECODED_BLOCKS)
			pthread_cond_wait(&p->emptied, &p->mu);
		b = &p->blk[p->head % DECODED_BLOCKS];
		pthread_mutex_unlock(&p->mu);
		n = decode(in, b->data, sizeof(b->data));
		b->n = n;
		pthread_mutex_lock(&p->mu);
		p->raw = in->raw;
		p->head++;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->mu);
	} while (n > 0);
	return NULL;
}

/*
 * A thread for a compressed input, with SIGINT and SIGTERM blocked (they
 * are the caller's to see); none, and decoding in the caller, when it
 * cannot be made.
 */
static void
pump_start(struct input *in)
{
	struct pump *p = xcalloc(1, sizeof(*p));
	sigset_t block, was;
	int ok;

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->emptied, NULL);
	in->pump = p;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &was);
	ok = pthread_create(&p->thread, NULL, pump_main, in) == 0;
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	if (!ok) {
		free(p);
		in->pump = NULL;
	}
}

/*
 * Wait (p->mu held) for the thread to fill a block.  The wait wakes now
 * and then to look for a stop: the thread may be waiting for a pipe that
 * says nothing more, and a stop must not wait with it.
 */
static void
pump_wait(struct pump *p)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += WAIT_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&p->filled, &p->mu, &until);
	if (got_signal)
		_exit(exit_for_signal());
}

/* The next decoded bytes from the thread. */
static ssize_t
pump_read(struct input *in, void *buf, size_t n)
{
	struct pump *p = in->pump;
	struct decoded *b;

	pthread_mutex_lock(&p->mu);
	while (p->tail == p->head)
		pump_wait(p);
	b = &p->blk[p->tail % DECODED_BLOCKS];
	pthread_mutex_unlock(&p->mu);
	if (b->n <= 0)
		return b->n;	/* the end, or the error in err */
	if (n > (size_t)b->n - p->off)
		n = (size_t)b->n - p->off;
	memcpy(buf, b->data + p->off, n);
	if ((p->off += n) == (size_t)b->n) {
		pthread_mutex_lock(&p->mu);
		p->off = 0;
		p->tail++;
		pthread_cond_signal(&p->emptied);
		pthread_mutex_unlock(&p->mu);
	}
	return (ssize_t)n;
}

/*
 * Up to n bytes of log text.  >0: bytes; 0: the end; -1: the input is
 * damaged or unreadable (input_error() says why); what came before it
 * is good.
 */
ssize_t
input_read(struct input *in, void *buf, size_t n)
{
	if (in->pump != NULL)
		return pump_read(in, buf, n);
	return decode(in, buf, n);
}

/*
 * Bytes read from the file so far, compressed or not: against its size,
 * how far through it the reading is.
 */
uint64_t
input_raw_bytes(const struct input *in)
{
	uint64_t raw;

	if (in->pump == NULL)
		return in->raw;
	pthread_mutex_lock(&in->pump->mu);
	raw = in->pump->raw;
	pthread_mutex_unlock(&in->pump->mu);
	return raw;
}

const char *
input_error(struct input *in)
{
	return in->err[0] ? in->err : NULL;
}

/*
 * The input's end.  A decoding thread ends after the end or an error,
 * which the caller reads to; one stopped short (a caller that read no
 * further) is waited for until it has decoded what it had begun.
 */
void
input_close(struct input *in)
{
	struct pump *p = in->pump;

	if (p != NULL) {
		pthread_mutex_lock(&p->mu);
		while (p->head == 0 || p->blk[(p->head - 1) %
		    DECODED_BLOCKS].n > 0) {
			/* Take what it decodes, so it reaches its end. */
			p->tail = p->head;
			pthread_cond_signal(&p->emptied);
			pump_wait(p);
		}
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
		free(p);
	}
	if (in->ar != NULL)
		la.read_free(in->ar);
	if (in->gz != NULL) {
		inflateEnd(in->gz);
		free(in->gz);
	}
	free(in);
}
