/*
 * Small helpers every process uses: allocation that cannot fail quietly,
 * large arrays on huge pages,
 * the monotonic clock, signal flags, libraries loaded when first needed,
 * a hash.
 */
#include <dlfcn.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "ipwhois.h"

/* The signal that asked this process to stop, or 0. */
volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

/*
 * Each process stops on SIGINT/SIGTERM: the handler only sets a flag and,
 * without SA_RESTART, a blocking read or write returns EINTR so the loop
 * around it sees the flag.  SIGPIPE is ignored: EPIPE says the reader left.
 */
void
signals_child(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The exit status for a stop asked by a signal: 128 + its number. */
int
exit_for_signal(void)
{
	return 128 + got_signal;
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err(EXIT_INTERNAL, "out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		err(EXIT_INTERNAL, "out of memory");
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		err(EXIT_INTERNAL, "out of memory");
	return p;
}

/*
 * Large arrays (the parser's address table, the reporter's rows): their
 * own anonymous mappings, which the kernel is asked to back with huge
 * pages.  Filling tens of megabytes page by page costs a fault per 4 KiB,
 * and on a virtual machine each one is dear: more time than the sort of
 * those rows.  Sizes are rounded up to whole huge pages; the memory
 * comes zeroed.
 */
#define BIG_PAGE	((size_t)2 << 20)

static size_t
big_size(size_t n)
{
	if (n > SIZE_MAX - BIG_PAGE)
		errx(EXIT_INTERNAL, "out of memory");
	return n == 0 ? BIG_PAGE : (n + BIG_PAGE - 1) & ~(BIG_PAGE - 1);
}

void *
big_alloc(size_t n)
{
	void *p = mmap(NULL, big_size(n), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		err(EXIT_INTERNAL, "out of memory");
	(void)madvise(p, big_size(n), MADV_HUGEPAGE);	/* a hint only */
	return p;
}

/* p, of old bytes, grown to n; what is new is zeroed. */
void *
big_realloc(void *p, size_t old, size_t n)
{
	void *q;

	if (p == NULL)
		return big_alloc(n);
	if (big_size(n) == big_size(old))
		return p;
	q = mremap(p, big_size(old), big_size(n), MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		err(EXIT_INTERNAL, "out of memory");
	(void)madvise(q, big_size(n), MADV_HUGEPAGE);
	return q;
}

void
big_free(void *p, size_t n)
{
	if (p != NULL)
		munmap(p, big_size(n));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		err(EXIT_INTERNAL, "out of memory");
	return p;
}

/*
 * CLOCK_MONOTONIC in nanoseconds: for deadlines, paces and durations.
 * The same clock in every process, so times in shared memory compare.
 */
int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Open lib and resolve each of its functions named in sym into the
 * pointer beside the name.  The handle, or NULL with why in err: the
 * library cannot be loaded, or it lacks one of them (it is then closed
 * again).
 */
void *
dl_load(const char *lib, const struct dl_sym *sym, size_t n, char *err,
    size_t errlen)
{
	void *handle, *fn;
	const char *why;

	if ((handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		if ((why = dlerror()) != NULL)
			setmsg(err, errlen, "%s", why);
		else
			setmsg(err, errlen, "%s: cannot be loaded", lib);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((fn = dlsym(handle, sym[i].name)) == NULL) {
			setmsg(err, errlen, "%s: no %s", lib, sym[i].name);
			dlclose(handle);
			return NULL;
		}
		/* Bytes, not an assignment: ISO C has no conversion from a
		 * data pointer to a function pointer. */
		memcpy(sym[i].fn, &fn, sizeof(fn));
	}
	return handle;
}

/*
 * FNV-1a, 64 bits: n bytes at p hashed on from h (FNV1A_INIT to begin),
 * so that the parts of a record can be hashed one after another.
 */
uint64_t
fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * A message into the caller's buffer, cut to fit; nothing when there is
 * no buffer.  Why something failed, and the parts of the progress line:
 * text for a person, which may be cut, so gcc's truncation warnings for
 * snprintf() are not wanted here.
 */
void
setmsg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (buf == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
