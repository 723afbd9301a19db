/*
 * The only code that talks to the network.  RDAP over HTTP(S) through
 * libcurl, whois over a TCP socket (RFC 3912).  It moves bytes and says
 * how that went; what they mean is for rdap.c and whois.c.
 *
 * libcurl is loaded by fetch_preload (or the first RDAP request), not
 * linked: with what it pulls in (TLS, HTTP/2, IDN, Kerberos, LDAP) it
 * makes every start, offline and empty runs included, three times as
 * slow.  So a package's dependency scan does not see it: a package must
 * name it by hand (Debian: libcurl4).
 *
 * Every answer lands in one buffer per fetcher, reused from call to call
 * and never larger than max_bytes: a registry (or a proxy in front of
 * it) that sends without end costs max_bytes of memory, no more.
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipwhois.h"

#define LIBCURL		"libcurl.so.4"
#define REDIRS_MAX	3L		/* registries redirect once, to a mirror */
#define BUF_FIRST	(16 * 1024)	/* most answers fit; grown on demand */
#define SLICE_MS	250		/* longest wait between got_signal checks */
#define QUERY_MAX	1024		/* a whois query line, "\r\n" included */

struct fetcher {
	struct fetch_opts opt;
	CURL	*curl;		/* one handle: its connections stay open */
	struct curl_slist *headers;
	char	*buf;		/* the last answer, NUL-terminated */
	size_t	 len, cap;	/* cap never passes max_bytes */
	int	 too_big;	/* the last answer passed max_bytes */
	int	 reached;	/* the last request had a connection */
	int	 sees_reach;	/* libcurl tells us so (7.80 and later) */
	char	 cerr[CURL_ERROR_SIZE];	/* libcurl's words for a failure */
};

/* The libcurl functions used here, resolved by load_curl(). */
static struct {
	CURLcode (*global_init)(long);
	CURL	*(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void	 (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void	 (*slist_free_all)(struct curl_slist *);
} cu;

static const struct dl_sym cu_symbols[] = {
	{ "curl_global_init", &cu.global_init },
	{ "curl_easy_init", &cu.easy_init },
	{ "curl_easy_setopt", &cu.easy_setopt },
	{ "curl_easy_perform", &cu.easy_perform },
	{ "curl_easy_getinfo", &cu.easy_getinfo },
	{ "curl_easy_cleanup", &cu.easy_cleanup },
	{ "curl_easy_strerror", &cu.easy_strerror },
	{ "curl_slist_append", &cu.slist_append },
	{ "curl_slist_free_all", &cu.slist_free_all },
};

/*
 * The handle's fixed options.  Certificate checks keep libcurl's
 * defaults (on).  Only http and https, for the first request and for
 * every redirect: a registry's answer must not send us to file:// or
 * anywhere else libcurl could go.
 */
static const struct {
	CURLoption opt;
	const char *name;
	long	 val;
} long_opts[] = {
	/* No SIGALRM around name lookups: signals are the process's. */
	{ CURLOPT_NOSIGNAL, "NOSIGNAL", 1 },
	{ CURLOPT_FOLLOWLOCATION, "FOLLOWLOCATION", 1 },
	{ CURLOPT_MAXREDIRS, "MAXREDIRS", REDIRS_MAX },
	/* The progress callback is how a stop signal ends a transfer. */
	{ CURLOPT_NOPROGRESS, "NOPROGRESS", 0 },
};

static const struct {
	CURLoption opt;
	const char *name;
	const char *val;
} str_opts[] = {
	{ CURLOPT_USERAGENT, "USERAGENT", "ipwhois/" IPWHOIS_VERSION },
	{ CURLOPT_PROTOCOLS_STR, "PROTOCOLS_STR", "http,https" },
	{ CURLOPT_REDIR_PROTOCOLS_STR, "REDIR_PROTOCOLS_STR", "http,https" },
	/* Whatever this libcurl decodes; the size cap holds after decoding. */
	{ CURLOPT_ACCEPT_ENCODING, "ACCEPT_ENCODING", "" },
};

/*
 * How each libcurl failure reads in a report; anything not here is
 * FE_PROTOCOL.  TLS: a failed handshake is a failed connect (a reset or
 * a middlebox in the middle of it passes; a retry may get through), but
 * a certificate that does not verify comes back the same next time, so
 * it is the server's answer that is wrong (FE_PROTOCOL, not retried).
 * Local TLS set-up (CA file, engines) is this machine's: FE_LIB.
 */
static const struct {
	CURLcode code;
	enum fetch_err err;
} curl_errs[] = {
	{ CURLE_OPERATION_TIMEDOUT, FE_TIMEOUT },
	{ CURLE_COULDNT_RESOLVE_HOST, FE_CONNECT },
	{ CURLE_COULDNT_RESOLVE_PROXY, FE_CONNECT },
	{ CURLE_COULDNT_CONNECT, FE_CONNECT },
	{ CURLE_SSL_CONNECT_ERROR, FE_CONNECT },
	{ CURLE_RECV_ERROR, FE_RESET },
	{ CURLE_SEND_ERROR, FE_RESET },
	{ CURLE_GOT_NOTHING, FE_RESET },
	{ CURLE_PARTIAL_FILE, FE_RESET },
	/* An HTTP/2 stream or session the server ended early. */
	{ CURLE_HTTP2, FE_RESET },
	{ CURLE_HTTP2_STREAM, FE_RESET },
	{ CURLE_FILESIZE_EXCEEDED, FE_TOO_BIG },
	{ CURLE_TOO_MANY_REDIRECTS, FE_PROTOCOL },
	{ CURLE_UNSUPPORTED_PROTOCOL, FE_PROTOCOL },
	{ CURLE_WEIRD_SERVER_REPLY, FE_PROTOCOL },
	{ CURLE_URL_MALFORMAT, FE_PROTOCOL },
	{ CURLE_BAD_CONTENT_ENCODING, FE_PROTOCOL },
	{ CURLE_PEER_FAILED_VERIFICATION, FE_PROTOCOL },
	{ CURLE_SSL_ISSUER_ERROR, FE_PROTOCOL },
	{ CURLE_SSL_PINNEDPUBKEYNOTMATCH, FE_PROTOCOL },
	{ CURLE_SSL_INVALIDCERTSTATUS, FE_PROTOCOL },
	{ CURLE_ABORTED_BY_CALLBACK, FE_STOPPED },
	{ CURLE_SSL_CACERT_BADFILE, FE_LIB },
	{ CURLE_SSL_CRL_BADFILE, FE_LIB },
	{ CURLE_SSL_CERTPROBLEM, FE_LIB },
	{ CURLE_SSL_CIPHER, FE_LIB },
	{ CURLE_SSL_ENGINE_NOTFOUND, FE_LIB },
	{ CURLE_SSL_ENGINE_SETFAILED, FE_LIB },
	{ CURLE_SSL_ENGINE_INITFAILED, FE_LIB },
	{ CURLE_OUT_OF_MEMORY, FE_LIB },
	{ CURLE_FAILED_INIT, FE_LIB },
	{ CURLE_NOT_BUILT_IN, FE_LIB },
};

static const char *const err_names[FE_MAX] = {
	[FE_OK] = "ok",
	[FE_TIMEOUT] = "timeout",
	[FE_CONNECT] = "connect",
	[FE_RESET] = "reset",
	[FE_TOO_BIG] = "too-big",
	[FE_PROTOCOL] = "protocol",
	[FE_STOPPED] = "stopped",
	[FE_LIB] = "library",
};

const char *
fetch_err_name(enum fetch_err e)
{
	return (unsigned)e < FE_MAX ? err_names[e] : "?";
}

/* 0 once libcurl is loaded; -1 (and a message in why) if it cannot be. */
static int
load_curl(char *why, size_t n)
{
	static void *handle;

	if (handle != NULL)
		return 0;
	if ((handle = dl_load(LIBCURL, cu_symbols, nitems(cu_symbols), why,
	    n)) == NULL)
		return -1;
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		setmsg(why, n, "%s: cannot be initialised", LIBCURL);
		dlclose(handle);
		handle = NULL;
		return -1;
	}
	return 0;
}

/*
 * Load libcurl now, in main before the fork: every worker shares one
 * loaded copy instead of each paying to load its own, and a live run on
 * a machine without it stops before it starts, saying so, instead of
 * writing a report of errors.  0, or -1 with why.
 */
int
fetch_preload(char *why, size_t n)
{
	return load_curl(why, n);
}

struct fetcher *
fetch_new(const struct fetch_opts *opt)
{
	struct fetcher *f = xcalloc(1, sizeof(*f));

	f->opt = *opt;
	f->cap = opt->max_bytes < BUF_FIRST ? opt->max_bytes : BUF_FIRST;
	f->buf = xmalloc(f->cap + 1);
	f->buf[0] = '\0';
	return f;
}

void
fetch_free(struct fetcher *f)
{
	if (f == NULL)
		return;
	if (f->curl != NULL)
		cu.easy_cleanup(f->curl);
	if (f->headers != NULL)
		cu.slist_free_all(f->headers);
	free(f->buf);
	free(f);
}

/* Append to the answer; past max_bytes refuse (and so end the transfer). */
static int
take(struct fetcher *f, const char *p, size_t n)
{
	if (n > f->opt.max_bytes - f->len) {
		f->too_big = 1;
		return -1;
	}
	if (f->len + n > f->cap) {
		size_t cap = f->cap * 2 > f->len + n ? f->cap * 2 : f->len + n;

		f->cap = cap < f->opt.max_bytes ? cap : f->opt.max_bytes;
		f->buf = xrealloc(f->buf, f->cap + 1);
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return 0;
}

/* A fresh result, and the buffer emptied for the answer to come. */
static void
result_init(struct fetcher *f, struct fetch_result *r)
{
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	f->len = 0;
	f->buf[0] = '\0';
	f->too_big = 0;
	f->reached = 0;
	f->cerr[0] = '\0';
	r->body = f->buf;
}

/*
 * The answer so far into r and, for a failure, r->why: where (if given),
 * then what happened, in our own words for a size cut or a stop.  0 for
 * FE_OK, else -1.
 */
static int
result_end(struct fetcher *f, struct fetch_result *r, enum fetch_err err,
    const char *where, const char *what)
{
	char own[64];

	r->body = f->buf;
	r->len = f->len;
	r->err = err;
	if (err == FE_OK)
		return 0;
	if (err == FE_TOO_BIG) {
		snprintf(own, sizeof(own), "answer larger than %zu bytes",
		    f->opt.max_bytes);
		what = own;
	} else if (err == FE_STOPPED) {
		snprintf(own, sizeof(own), "stopped by signal %d",
		    (int)got_signal);
		what = own;
	}
	setmsg(r->why, sizeof(r->why), "%s%s%s", where ? where : "",
	    where ? ": " : "", what);
	return -1;
}

/* --- RDAP: HTTP(S) through libcurl ------------------------------------ */

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	return take(arg, p, size * n) == -1 ? 0 : size * n;
}

/* Called often during a transfer, idle or not: a stop signal ends it. */
static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	(void)arg, (void)dt, (void)dn, (void)ut, (void)un;
	return got_signal != 0;
}

/*
 * A connection is made (or reused, TLS included) and the request is about
 * to go: whatever fails from here on, the server is there.
 */
static int
on_connected(void *arg, char *ip, char *local, int port, int lport)
{
	struct fetcher *f = arg;

	(void)ip, (void)local, (void)port, (void)lport;
	f->reached = 1;
	return CURL_PREREQFUNC_OK;
}

/* Every option of the handle; 0, or -1 naming the one refused in why. */
static int
curl_options(struct fetcher *f, CURL *c, char *why, size_t n)
{
	const char *bad = NULL;

	for (size_t i = 0; i < nitems(long_opts); i++)
		if (cu.easy_setopt(c, long_opts[i].opt, long_opts[i].val) !=
		    CURLE_OK)
			bad = long_opts[i].name;
	for (size_t i = 0; i < nitems(str_opts); i++)
		if (cu.easy_setopt(c, str_opts[i].opt, str_opts[i].val) !=
		    CURLE_OK)
			bad = str_opts[i].name;
	if (cu.easy_setopt(c, CURLOPT_HTTPHEADER, f->headers) != CURLE_OK ||
	    cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->opt.connect_ms) !=
	    CURLE_OK ||
	    cu.easy_setopt(c, CURLOPT_TIMEOUT_MS, f->opt.total_ms) != CURLE_OK ||
	    cu.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)f->opt.max_bytes) != CURLE_OK ||
	    cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    cu.easy_setopt(c, CURLOPT_WRITEDATA, f) != CURLE_OK ||
	    cu.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress) !=
	    CURLE_OK ||
	    cu.easy_setopt(c, CURLOPT_ERRORBUFFER, f->cerr) != CURLE_OK)
		bad = "a callback, limit or header";
	/* Older libcurl: timeouts are then never taken for a server down. */
	f->sees_reach = cu.easy_setopt(c, CURLOPT_PREREQFUNCTION,
	    on_connected) == CURLE_OK && cu.easy_setopt(c,
	    CURLOPT_PREREQDATA, f) == CURLE_OK;
	if (bad == NULL)
		return 0;
	setmsg(why, n, "%s: cannot set %s", LIBCURL, bad);
	return -1;
}

/*
 * The fetcher's handle, made on first use; 0, or -1 with why.  A handle
 * short of any option is not kept: it could go where it must not.
 */
static int
curl_handle(struct fetcher *f, char *why, size_t n)
{
	if (f->curl != NULL)
		return 0;
	if (load_curl(why, n) == -1)
		return -1;
	if ((f->curl = cu.easy_init()) == NULL ||
	    (f->headers = cu.slist_append(NULL,
	    "Accept: application/rdap+json")) == NULL)
		setmsg(why, n, "%s: cannot make a handle", LIBCURL);
	else if (curl_options(f, f->curl, why, n) == 0)
		return 0;
	if (f->curl != NULL)
		cu.easy_cleanup(f->curl);
	cu.slist_free_all(f->headers);	/* NULL is fine */
	f->curl = NULL;
	f->headers = NULL;
	return -1;
}

static enum fetch_err
curl_err(CURLcode code)
{
	for (size_t i = 0; i < nitems(curl_errs); i++)
		if (curl_errs[i].code == code)
			return curl_errs[i].err;
	return FE_PROTOCOL;
}

/* Seconds the server asked us to wait (Retry-After), or -1. */
static long
retry_after(struct fetcher *f)
{
	curl_off_t ra = 0;

	/* libcurl says 0 for "none" as well as for "Retry-After: 0"; both
	 * mean there is no wait to keep. */
	if (cu.easy_getinfo(f->curl, CURLINFO_RETRY_AFTER, &ra) != CURLE_OK ||
	    ra <= 0)
		return -1;
	return ra > LONG_MAX ? LONG_MAX : (long)ra;
}

/*
 * What went wrong in a transfer that ended with code.  libcurl's words
 * name the host where it matters ("Failed to connect to HOST port N").
 */
static int
curl_failed(struct fetcher *f, CURLcode code, struct fetch_result *r)
{
	enum fetch_err err;

	/* Our write callback refusing more is libcurl's "write error". */
	err = got_signal ? FE_STOPPED : f->too_big ? FE_TOO_BIG :
	    curl_err(code);
	r->unreachable = err == FE_CONNECT || (err == FE_TIMEOUT &&
	    f->sees_reach && !f->reached);
	return result_end(f, r, err, NULL,
	    f->cerr[0] ? f->cerr : cu.easy_strerror(code));
}

/*
 * GET url.  0: an answer came, whatever its HTTP status (the caller
 * reads 404, 429 and 5xx); -1: none did, r->err and r->why say why.
 */
int
fetch_rdap(struct fetcher *f, const char *url, struct fetch_result *r)
{
	char what[160];
	CURLcode code;

	result_init(f, r);
	if (got_signal)
		return result_end(f, r, FE_STOPPED, NULL, NULL);
	if (curl_handle(f, what, sizeof(what)) == -1)
		return result_end(f, r, FE_LIB, NULL, what);
	if ((code = cu.easy_setopt(f->curl, CURLOPT_URL, url)) == CURLE_OK)
		code = cu.easy_perform(f->curl);
	cu.easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->http_status);
	if (code != CURLE_OK)
		return curl_failed(f, code, r);
	r->retry_after = retry_after(f);
	return result_end(f, r, FE_OK, NULL, NULL);
}

/* --- whois: one line out, the answer until the server closes ---------- */

/*
 * Wait for events on fd until deadline: 1 ready, 0 time is up, -1 a
 * stop signal or a poll error.  The wait goes in slices: a signal that
 * comes between the look at got_signal and the poll (or is caught by
 * another thread) does not interrupt the poll, and must not hold the
 * stop up for the whole time limit.
 */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		if (got_signal)
			return -1;
		if ((left = deadline - now_ns() / 1000000) <= 0)
			return 0;
		n = poll(&p, 1, left > SLICE_MS ? SLICE_MS : (int)left);
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

/* A socket connected to ai before deadline, or -1 and errno. */
static int
connect_one(const struct addrinfo *ai, int64_t deadline)
{
	socklen_t sl = sizeof(int);
	int fd, e = 0, w;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	/* Interrupted, the connect goes on in the background all the same. */
	if (errno != EINPROGRESS && errno != EINTR)
		e = errno;
	else if ((w = wait_fd(fd, POLLOUT, deadline)) != 1)
		e = w == 0 ? ETIMEDOUT : got_signal ? EINTR : errno;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == -1)
		e = errno;
	if (e == 0)
		return fd;
	close(fd);
	errno = e;
	return -1;
}

/*
 * A socket connected to one of host's addresses, each given connect_ms;
 * or -1 with *err and what (the whole story) set.
 */
static int
whois_connect(const struct fetcher *f, const char *host, const char *port,
    int64_t deadline, enum fetch_err *err, char *what, size_t n)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int fd = -1, e = ECONNREFUSED, rc;

	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		setmsg(what, n, "%s: %s", host, gai_strerror(rc));
		*err = FE_CONNECT;
		return -1;
	}
	for (ai = res; ai != NULL && fd == -1 && !got_signal; ai = ai->ai_next) {
		int64_t cdl = now_ns() / 1000000 + f->opt.connect_ms;

		if ((fd = connect_one(ai, cdl < deadline ? cdl : deadline)) ==
		    -1)
			e = errno;
	}
	freeaddrinfo(res);
	if (fd != -1)
		return fd;
	setmsg(what, n, "connect to %s port %s: %s", host, port, strerror(e));
	*err = got_signal ? FE_STOPPED : e == ETIMEDOUT ? FE_TIMEOUT :
	    FE_CONNECT;
	return -1;
}

/* What a failed send or receive amounts to: w is wait_fd's 0 or -1. */
static enum fetch_err
io_err(int w)
{
	if (got_signal)
		return FE_STOPPED;
	return w == 0 ? FE_TIMEOUT : FE_RESET;
}

/* All of line out before deadline; FE_OK, or why not (errno set). */
static enum fetch_err
whois_send(int fd, const char *p, size_t n, int64_t deadline)
{
	ssize_t w;
	int ready;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) >= 0) {
			p += w;
			n -= (size_t)w;
		} else if (errno == EAGAIN || (errno == EINTR && !got_signal)) {
			if ((ready = wait_fd(fd, POLLOUT, deadline)) != 1)
				return io_err(ready);
		} else
			return io_err(-1);
	}
	return FE_OK;
}

/* The answer into the buffer until the server closes; FE_OK or why not. */
static enum fetch_err
whois_recv(struct fetcher *f, int fd, int64_t deadline)
{
	char chunk[16384];
	ssize_t n;
	int ready;

	for (;;) {
		if ((n = recv(fd, chunk, sizeof(chunk), 0)) == 0)
			return FE_OK;
		if (n > 0) {
			if (take(f, chunk, (size_t)n) == -1)
				return FE_TOO_BIG;
		} else if (errno == EAGAIN || (errno == EINTR && !got_signal)) {
			if ((ready = wait_fd(fd, POLLIN, deadline)) != 1)
				return io_err(ready);
		} else
			return io_err(-1);
	}
}

/*
 * Ask host:port the query (RFC 3912: one line, "\r\n"; the answer ends
 * when the server closes).  0 with the answer in r, or -1 with r->err.
 * The name lookup is not bounded by total_ms: getaddrinfo keeps to its
 * own (resolv.conf) limits.
 */
int
fetch_whois(struct fetcher *f, const char *host, const char *port,
    const char *query, struct fetch_result *r)
{
	int64_t deadline = now_ns() / 1000000 + f->opt.total_ms;
	enum fetch_err err = FE_OK;
	char line[QUERY_MAX], where[300], what[300];
	int fd, n;

	result_init(f, r);
	setmsg(where, sizeof(where), "%s port %s", host, port);
	if (got_signal)
		return result_end(f, r, FE_STOPPED, where, NULL);
	n = snprintf(line, sizeof(line), "%s\r\n", query);
	/* One line, one query: a line break inside would make it two. */
	if (n < 0 || (size_t)n >= sizeof(line) ||
	    strcspn(query, "\r\n") != strlen(query))
		return result_end(f, r, FE_PROTOCOL, where,
		    "query too long or not one line");
	if ((fd = whois_connect(f, host, port, deadline, &err, what,
	    sizeof(what))) == -1) {
		r->unreachable = err == FE_CONNECT || err == FE_TIMEOUT;
		return result_end(f, r, err, NULL, what);
	}
	if ((err = whois_send(fd, line, (size_t)n, deadline)) == FE_OK)
		err = whois_recv(f, fd, deadline);
	if (err == FE_TIMEOUT)
		setmsg(what, sizeof(what), "no whole answer in %ld ms",
		    f->opt.total_ms);
	else
		setmsg(what, sizeof(what), "%s", strerror(errno));
	close(fd);
	return result_end(f, r, err, where, what);
}
