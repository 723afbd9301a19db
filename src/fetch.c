/*
 * The only code that talks to the network.  RDAP over HTTP(S) through
 * libcurl, whois over a TCP socket (RFC 3912).  It moves bytes and says
 * how that went; what they mean is for rdap.c and whois.c.
 *
 * libcurl is loaded on the first RDAP request, not at start: with what it
 * pulls in (TLS, HTTP/2, IDN, Kerberos, LDAP) it would add 5 ms to every
 * run, offline ones and empty ones included.
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ipwhois.h"

#define LIBCURL		"libcurl.so.4"
#define REDIRS_MAX	3

struct fetcher {
	struct fetch_opts opt;
	CURL	*curl;
	struct curl_slist *headers;
	char	*buf;		/* the last answer, NUL-terminated */
	size_t	 len, cap;
	int	 too_big;
	char	 cerr[CURL_ERROR_SIZE];
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

static const struct {
	const char *name;
	size_t	 offset;
} cu_symbols[] = {
	{ "curl_global_init", offsetof(__typeof__(cu), global_init) },
	{ "curl_easy_init", offsetof(__typeof__(cu), easy_init) },
	{ "curl_easy_setopt", offsetof(__typeof__(cu), easy_setopt) },
	{ "curl_easy_perform", offsetof(__typeof__(cu), easy_perform) },
	{ "curl_easy_getinfo", offsetof(__typeof__(cu), easy_getinfo) },
	{ "curl_easy_cleanup", offsetof(__typeof__(cu), easy_cleanup) },
	{ "curl_easy_strerror", offsetof(__typeof__(cu), easy_strerror) },
	{ "curl_slist_append", offsetof(__typeof__(cu), slist_append) },
	{ "curl_slist_free_all", offsetof(__typeof__(cu), slist_free_all) },
};

/* How each libcurl failure reads in a report. */
static const struct {
	CURLcode code;
	enum fetch_err err;
} curl_errs[] = {
	{ CURLE_OPERATION_TIMEDOUT, FE_TIMEOUT },
	{ CURLE_COULDNT_RESOLVE_HOST, FE_CONNECT },
	{ CURLE_COULDNT_RESOLVE_PROXY, FE_CONNECT },
	{ CURLE_COULDNT_CONNECT, FE_CONNECT },
	{ CURLE_SSL_CONNECT_ERROR, FE_CONNECT },
	{ CURLE_PEER_FAILED_VERIFICATION, FE_CONNECT },
	{ CURLE_SSL_CACERT_BADFILE, FE_CONNECT },
	{ CURLE_RECV_ERROR, FE_RESET },
	{ CURLE_SEND_ERROR, FE_RESET },
	{ CURLE_GOT_NOTHING, FE_RESET },
	{ CURLE_PARTIAL_FILE, FE_RESET },
	{ CURLE_HTTP2, FE_RESET },
	{ CURLE_HTTP2_STREAM, FE_RESET },
	{ CURLE_FILESIZE_EXCEEDED, FE_TOO_BIG },
	{ CURLE_ABORTED_BY_CALLBACK, FE_STOPPED },
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
	return e < FE_MAX ? err_names[e] : "?";
}

/* 0 once libcurl is loaded; -1 (and a message in why) if it cannot be. */
static int
load_curl(char *why, size_t n)
{
	static void *handle;
	const char *e;

	if (handle != NULL)
		return 0;
	if ((handle = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		seterr(why, n, "%s", e ? e : LIBCURL ": cannot be loaded");
		return -1;
	}
	for (size_t i = 0; i < sizeof(cu_symbols) / sizeof(cu_symbols[0]);
	    i++) {
		void *sym = dlsym(handle, cu_symbols[i].name);

		if (sym == NULL) {
			seterr(why, n, "%s: no %s", LIBCURL, cu_symbols[i].name);
			dlclose(handle);
			handle = NULL;
			return -1;
		}
		memcpy((char *)&cu + cu_symbols[i].offset, &sym, sizeof(sym));
	}
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		seterr(why, n, "%s: cannot be initialised", LIBCURL);
		return -1;
	}
	return 0;
}

/*
 * Load libcurl now, in main before the fork, so that every worker shares
 * one loaded copy instead of each paying to load its own.  A failure is
 * left for the first request to report.
 */
void
fetch_preload(void)
{
	char why[256];

	(void)load_curl(why, sizeof(why));
}

struct fetcher *
fetch_new(const struct fetch_opts *opt)
{
	struct fetcher *f = xcalloc(1, sizeof(*f));

	f->opt = *opt;
	f->cap = 64 * 1024;
	f->buf = xmalloc(f->cap + 1);
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

/* Append to the answer, up to max_bytes; refusing more ends the transfer. */
static int
take(struct fetcher *f, const char *p, size_t n)
{
	if (n > f->opt.max_bytes - f->len) {
		f->too_big = 1;
		return -1;
	}
	if (f->len + n > f->cap) {
		while (f->len + n > f->cap)
			f->cap *= 2;
		f->buf = xrealloc(f->buf, f->cap + 1);
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	return take(arg, p, size * n) == -1 ? 0 : size * n;
}

/* Called often during a transfer: a stop signal ends it. */
static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	(void)arg, (void)dt, (void)dn, (void)ut, (void)un;
	return got_signal != 0;
}

/* The reusable handle: connections stay open between requests. */
static int
curl_handle(struct fetcher *f, char *why, size_t n)
{
	CURL *c;

	if (f->curl != NULL)
		return 0;
	if (load_curl(why, n) == -1)
		return -1;
	if ((c = cu.easy_init()) == NULL) {
		seterr(why, n, "libcurl: cannot make a handle");
		return -1;
	}
	f->headers = cu.slist_append(NULL, "Accept: application/rdap+json");
	cu.easy_setopt(c, CURLOPT_HTTPHEADER, f->headers);
	cu.easy_setopt(c, CURLOPT_USERAGENT, "ipwhois/" IPWHOIS_VERSION);
	cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	cu.easy_setopt(c, CURLOPT_MAXREDIRS, (long)REDIRS_MAX);
	cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->opt.connect_ms);
	cu.easy_setopt(c, CURLOPT_TIMEOUT_MS, f->opt.total_ms);
	cu.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)f->opt.max_bytes);
	cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	cu.easy_setopt(c, CURLOPT_WRITEDATA, f);
	cu.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	cu.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	cu.easy_setopt(c, CURLOPT_ERRORBUFFER, f->cerr);
	f->curl = c;
	return 0;
}

static enum fetch_err
curl_err(CURLcode code, int too_big)
{
	if (too_big || code == CURLE_WRITE_ERROR)
		return FE_TOO_BIG;
	for (size_t i = 0; i < sizeof(curl_errs) / sizeof(curl_errs[0]); i++)
		if (curl_errs[i].code == code)
			return curl_errs[i].err;
	return FE_PROTOCOL;
}

static void
result_init(struct fetcher *f, struct fetch_result *r)
{
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	f->len = 0;
	f->buf[0] = '\0';
	f->too_big = 0;
	f->cerr[0] = '\0';
}

/* GET url; 0 with r filled (r->err says how it went), -1 likewise. */
int
fetch_rdap(struct fetcher *f, const char *url, struct fetch_result *r)
{
	curl_off_t ra = -1;
	CURLcode code;

	result_init(f, r);
	if (curl_handle(f, r->why, sizeof(r->why)) == -1) {
		r->err = FE_LIB;
		return -1;
	}
	cu.easy_setopt(f->curl, CURLOPT_URL, url);
	code = cu.easy_perform(f->curl);
	r->body = f->buf;
	r->len = f->len;
	if (code != CURLE_OK) {
		r->err = got_signal ? FE_STOPPED : curl_err(code, f->too_big);
		if (r->err == FE_TOO_BIG)
			seterr(r->why, sizeof(r->why), "%s: answer larger "
			    "than %zu bytes", url, f->opt.max_bytes);
		else
			seterr(r->why, sizeof(r->why), "%s: %s", url,
			    f->cerr[0] ? f->cerr : cu.easy_strerror(code));
		return -1;
	}
	cu.easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->http_status);
	if (cu.easy_getinfo(f->curl, CURLINFO_RETRY_AFTER, &ra) ==
	    CURLE_OK && ra >= 0 && r->http_status == 429)
		r->retry_after = (long)ra;
	return 0;
}

/* --- whois ------------------------------------------------------------ */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until deadline; 1 ready, 0 time out, -1 error. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { fd, events, 0 };
	int64_t left;
	int n;

	while ((left = deadline - mono_ms()) > 0) {
		n = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (got_signal)
			return -1;
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

/* A connected socket to one of host's addresses, or -1 with r set. */
static int
whois_connect(const struct fetcher *f, const char *host, const char *port,
    int64_t deadline, struct fetch_result *r)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int fd = -1, e = 0, rc;
	int64_t cdl;

	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		r->err = FE_CONNECT;
		seterr(r->why, sizeof(r->why), "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		socklen_t sl = sizeof(e);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		cdl = mono_ms() + f->opt.connect_ms;
		if (cdl > deadline)
			cdl = deadline;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && (rc = wait_fd(fd, POLLOUT,
		    cdl)) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
		    &sl) == 0 && e == 0))
			break;
		e = errno == EINPROGRESS ? (rc == 0 ? ETIMEDOUT : e) : errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		r->err = got_signal ? FE_STOPPED : e == ETIMEDOUT ? FE_TIMEOUT :
		    FE_CONNECT;
		seterr(r->why, sizeof(r->why), "whois %s port %s: %s", host,
		    port, strerror(e ? e : ECONNREFUSED));
	}
	return fd;
}

static int
whois_send(int fd, const char *q, size_t n, int64_t deadline)
{
	while (n > 0) {
		ssize_t w = send(fd, q, n, MSG_NOSIGNAL);

		if (w > 0) {
			q += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EAGAIN) {
			if (wait_fd(fd, POLLOUT, deadline) != 1)
				return -1;
		} else if (w == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

/* Read to the end of the answer; r->err set. */
static void
whois_recv(struct fetcher *f, int fd, int64_t deadline,
    struct fetch_result *r)
{
	char chunk[16384];

	for (;;) {
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
		int w;

		if (n == 0)
			return;
		if (n > 0) {
			if (take(f, chunk, (size_t)n) == -1) {
				r->err = FE_TOO_BIG;
				return;
			}
			continue;
		}
		if (errno == EINTR && !got_signal)
			continue;
		if (errno != EAGAIN) {
			r->err = got_signal ? FE_STOPPED : FE_RESET;
			return;
		}
		if ((w = wait_fd(fd, POLLIN, deadline)) != 1) {
			r->err = got_signal ? FE_STOPPED : w == 0 ?
			    FE_TIMEOUT : FE_RESET;
			return;
		}
	}
}

/* Ask host:port the query (RFC 3912: a line; the answer ends at close). */
int
fetch_whois(struct fetcher *f, const char *host, const char *port,
    const char *query, struct fetch_result *r)
{
	int64_t deadline = mono_ms() + f->opt.total_ms;
	char line[1024];
	int fd;

	result_init(f, r);
	r->body = f->buf;
	if ((fd = whois_connect(f, host, port, deadline, r)) == -1)
		return -1;
	snprintf(line, sizeof(line), "%s\r\n", query);
	if (whois_send(fd, line, strlen(line), deadline) == -1)
		r->err = got_signal ? FE_STOPPED : FE_RESET;
	else
		whois_recv(f, fd, deadline, r);
	close(fd);
	r->body = f->buf;
	r->len = f->len;
	if (r->err == FE_OK)
		return 0;
	seterr(r->why, sizeof(r->why), "whois %s port %s: %s", host, port,
	    r->err == FE_TOO_BIG ? "answer too large" : r->err == FE_TIMEOUT ?
	    "no answer in time" : r->err == FE_RESET ? "connection broken" :
	    "stopped");
	return -1;
}
