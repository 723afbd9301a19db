/*
 * fmt_json.c: Caddy's and Traefik's access logs and any JSON lines read
 * through --json-field.  The lines are written after Caddy's and
 * Traefik's documentation of their fields.  main() sets TZ=UTC; syslog
 * times take their year from 2024-03-28 12:00 UTC.
 *
 * Lines are copied to the very end of a readable page, so a scanner (or
 * jansson) reading one byte past the line faults here, sanitizer or not.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

/* A size, or none. */
#define B(n)		1, (n)
#define NO_BYTES	0, 0
/* No client: no time, no size. */
#define NOTHING		NULL, 0, NO_BYTES
#define T_CADDY		1646861401	/* 2022-03-09T21:30:01Z */
#define T_TRAEFIK	1710072000	/* 2024-03-10T12:00:00Z */

/* Caddy's access log line up to "request" (its documentation's). */
#define CADDY_HEAD	"{\"level\":\"info\",\"ts\":1646861401.5241024," \
	"\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\","
/* ... and after the request. */
#define CADDY_TAIL	",\"bytes_read\":0,\"user_id\":\"\",\"duration\":" \
	"0.000929675,\"size\":10900,\"status\":200,\"resp_headers\":" \
	"{\"Server\":[\"Caddy\"],\"Content-Type\":[\"text/html; " \
	"charset=utf-8\"]}}"
#define CADDY_REQ(client)	"\"request\":{" client ",\"proto\":" \
	"\"HTTP/1.1\",\"method\":\"GET\",\"host\":\"localhost\",\"uri\":" \
	"\"/\",\"headers\":{\"User-Agent\":[\"curl/7.82.0\"]}}"
#define CADDY(client)	CADDY_HEAD CADDY_REQ(client) CADDY_TAIL
/* A Caddy line with ts and size as given. */
#define CADDY_TS(ts, size)	"{\"level\":\"info\",\"ts\":" ts \
	",\"logger\":\"http.log.access\",\"msg\":\"handled request\"," \
	"\"request\":{\"remote_ip\":\"192.0.2.1\",\"remote_port\":\"5000\"}," \
	"\"size\":" size ",\"status\":200}"

/* Traefik's JSON access log line, fields as its documentation lists. */
#define TRAEFIK(client, start, size)	"{\"ClientAddr\":" client \
	",\"ClientPort\":\"54321\",\"ClientUsername\":\"-\"," \
	"\"DownstreamContentSize\":" size ",\"DownstreamStatus\":200," \
	"\"Duration\":123456,\"OriginContentSize\":1234,\"OriginDuration\":" \
	"100000,\"OriginStatus\":200,\"Overhead\":23456,\"RequestAddr\":" \
	"\"example.com\",\"RequestContentSize\":0,\"RequestCount\":7," \
	"\"RequestHost\":\"example.com\",\"RequestMethod\":\"GET\"," \
	"\"RequestPath\":\"/\",\"RequestPort\":\"-\",\"RequestProtocol\":" \
	"\"HTTP/1.1\",\"RequestScheme\":\"http\",\"RetryAttempts\":0," \
	"\"RouterName\":\"web@docker\",\"ServiceAddr\":\"10.0.0.2:80\"," \
	"\"ServiceName\":\"web@docker\",\"ServiceURL\":" \
	"\"http://10.0.0.2:80\"," start "\"entryPointName\":\"web\"," \
	"\"level\":\"info\",\"msg\":\"\",\"time\":\"2024-03-10T12:00:00Z\"}"
#define T_ADDR	"\"192.0.2.1:54321\",\"ClientHost\":\"192.0.2.1\""
#define T_START	"\"StartLocal\":\"2024-03-10T12:00:00.123456789Z\"," \
	"\"StartUTC\":\"2024-03-10T12:00:00.123456789Z\","

/* Traefik's CLF: combined, then requests so far, router, URL, ms. */
#define TCLF	"192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / " \
	"HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\" 7 \"web@docker\" " \
	"\"http://10.0.0.2:80\" 3ms"

/* fit: what a strict read (detection's) gives.  ip NULL: no client. */
struct line_case {
	enum logfmt fmt;
	const char *line;
	enum fit fit;
	const char *ip;
	int64_t when;
	int has_bytes;
	uint64_t bytes;
};

static const struct line_case lines[] = {
	/* Caddy: its documentation's line. */
	{ FMT_CADDY, CADDY("\"remote_ip\":\"127.0.0.1\",\"remote_port\":"
	    "\"41342\",\"client_ip\":\"127.0.0.1\""), FIT_EXACT,
	    "127.0.0.1", T_CADDY, B(10900) },
	/* client_ip (behind trusted proxies) before remote_ip (the peer). */
	{ FMT_CADDY, CADDY("\"remote_ip\":\"10.0.0.1\",\"remote_port\":"
	    "\"41342\",\"client_ip\":\"203.0.113.7\""), FIT_EXACT,
	    "203.0.113.7", T_CADDY, B(10900) },
	{ FMT_CADDY, CADDY("\"client_ip\":\"203.0.113.7\",\"remote_ip\":"
	    "\"10.0.0.1\""), FIT_EXACT, "203.0.113.7", T_CADDY, B(10900) },
	/* Before 2.7: remote_ip alone. */
	{ FMT_CADDY, CADDY("\"remote_ip\":\"198.51.100.4\",\"remote_port\":"
	    "\"5000\""), FIT_EXACT, "198.51.100.4", T_CADDY, B(10900) },
	/* Before 2.5: remote_addr, with the port. */
	{ FMT_CADDY, CADDY("\"remote_addr\":\"198.51.100.4:41342\""),
	    FIT_EXACT, "198.51.100.4", T_CADDY, B(10900) },
	{ FMT_CADDY, CADDY("\"remote_addr\":\"[2001:db8::1]:41342\""),
	    FIT_EXACT, "2001:db8::1", T_CADDY, B(10900) },
	{ FMT_CADDY, CADDY("\"remote_ip\":\"2001:DB8:0:0::7\",\"client_ip\":"
	    "\"2001:DB8:0:0::7\""), FIT_EXACT, "2001:db8::7", T_CADDY,
	    B(10900) },
	{ FMT_CADDY, CADDY("\"remote_ip\":\"::ffff:192.0.2.5\""), FIT_EXACT,
	    "192.0.2.5", T_CADDY, B(10900) },
	/* A JSON escape is read as the character it stands for. */
	{ FMT_CADDY, CADDY("\"remote_ip\":\"\\u0031\\u0039\\u0032.0.2.6\""),
	    FIT_EXACT, "192.0.2.6", T_CADDY, B(10900) },
	/* client_ip replaced by a log filter: the peer. */
	{ FMT_CADDY, CADDY("\"remote_ip\":\"192.0.2.8\",\"client_ip\":"
	    "\"REDACTED\""), FIT_EXACT, "192.0.2.8", T_CADDY, B(10900) },
	/* No address where Caddy writes it: rejected, whatever else the
	 * line holds (the URI, the agent, the host are the client's). */
	{ FMT_CADDY, CADDY_HEAD "\"request\":{\"remote_ip\":\"\",\"uri\":"
	    "\"/1.2.3.4\",\"headers\":{\"User-Agent\":[\"1.2.3.4\"]}}"
	    CADDY_TAIL, FIT_NONE, NOTHING },
	{ FMT_CADDY, CADDY("\"remote_ip\":"
	    "\"220-135-151-1.hinet-ip.hinet.net\",\"host\":\"1.2.3.4\""),
	    FIT_NONE, NOTHING },
	{ FMT_CADDY, CADDY("\"remote_ip\":3221225985"), FIT_NONE, NOTHING },
	{ FMT_CADDY, CADDY("\"remote_ip\":[\"192.0.2.1\"]"), FIT_NONE,
	    NOTHING },
	{ FMT_CADDY, CADDY("\"remote_ip\":null"), FIT_NONE, NOTHING },
	{ FMT_CADDY, CADDY("\"remote_port\":\"41342\""), FIT_NONE, NOTHING },
	{ FMT_CADDY, CADDY("\"remote_ip\":\"192.0.2.1 \""), FIT_NONE,
	    NOTHING },
	/* ts in each of Caddy's time formats. */
	{ FMT_CADDY, CADDY_TS("1646861401", "5"), FIT_EXACT, "192.0.2.1",
	    T_CADDY, B(5) },
	{ FMT_CADDY, CADDY_TS("1646861401524.1", "5"), FIT_EXACT,
	    "192.0.2.1", T_CADDY, B(5) },		/* unix_milli_float */
	{ FMT_CADDY, CADDY_TS("1646861401524102400", "5"), FIT_EXACT,
	    "192.0.2.1", T_CADDY, B(5) },		/* unix_nano */
	{ FMT_CADDY, CADDY_TS("1.6468614015241024e9", "5"), FIT_EXACT,
	    "192.0.2.1", T_CADDY, B(5) },
	{ FMT_CADDY, CADDY_TS("\"2022-03-09T22:30:01.524+0100\"", "5"),
	    FIT_EXACT, "192.0.2.1", T_CADDY, B(5) },	/* iso8601 */
	{ FMT_CADDY, CADDY_TS("\"2022-03-09T21:30:01Z\"", "5"), FIT_EXACT,
	    "192.0.2.1", T_CADDY, B(5) },		/* rfc3339 */
	{ FMT_CADDY, CADDY_TS("\"2022-03-09T16:30:01.524102400-05:00\"", "5"),
	    FIT_EXACT, "192.0.2.1", T_CADDY, B(5) },	/* rfc3339_nano */
	{ FMT_CADDY, CADDY_TS("\"2022/03/09 21:30:01.524\"", "5"), FIT_EXACT,
	    "192.0.2.1", T_CADDY, B(5) },		/* wall_milli */
	{ FMT_CADDY, CADDY_TS("\"09/Mar/2022:22:30:01 +0100\"", "5"),
	    FIT_EXACT, "192.0.2.1", T_CADDY, B(5) },	/* common_log */
	{ FMT_CADDY, CADDY_TS("\"1646861401.5\"", "5"), FIT_EXACT,
	    "192.0.2.1", T_CADDY, B(5) },
	/* No time, or none that can be read: the client still counts. */
	{ FMT_CADDY, CADDY_TS("\"yesterday\"", "5"), FIT_PARTIAL, "192.0.2.1",
	    0, B(5) },
	{ FMT_CADDY, CADDY_TS("true", "5"), FIT_PARTIAL, "192.0.2.1", 0, B(5) },
	{ FMT_CADDY, CADDY_TS("-1646861401", "5"), FIT_PARTIAL, "192.0.2.1",
	    0, B(5) },
	{ FMT_CADDY, CADDY_TS("null", "5"), FIT_PARTIAL, "192.0.2.1", 0, B(5) },
	{ FMT_CADDY, CADDY_TS("1e300", "5"), FIT_PARTIAL, "192.0.2.1", 0,
	    B(5) },
	/* Sizes: numbers only, whole or not, not negative, below 2^64. */
	{ FMT_CADDY, CADDY_TS("1646861401", "0"), FIT_EXACT, "192.0.2.1",
	    T_CADDY, B(0) },
	{ FMT_CADDY, CADDY_TS("1646861401", "12.9"), FIT_EXACT, "192.0.2.1",
	    T_CADDY, B(12) },
	{ FMT_CADDY, CADDY_TS("1646861401", "9223372036854775808"),
	    FIT_EXACT, "192.0.2.1", T_CADDY,
	    B(9223372036854775808u) },		/* 2^63 */
	{ FMT_CADDY, CADDY_TS("1646861401", "\"10900\""), FIT_PARTIAL,
	    "192.0.2.1", T_CADDY, NO_BYTES },
	{ FMT_CADDY, CADDY_TS("1646861401", "-1"), FIT_PARTIAL, "192.0.2.1",
	    T_CADDY, NO_BYTES },
	{ FMT_CADDY, CADDY_TS("1646861401", "18446744073709551616"),
	    FIT_PARTIAL, "192.0.2.1", T_CADDY, NO_BYTES },
	{ FMT_CADDY, CADDY_TS("1646861401", "1e30"), FIT_PARTIAL,
	    "192.0.2.1", T_CADDY, NO_BYTES },
	{ FMT_CADDY, CADDY_TS("1646861401", "null"), FIT_PARTIAL,
	    "192.0.2.1", T_CADDY, NO_BYTES },
	/* A huge number elsewhere costs nothing; one past a double's range
	 * is not JSON jansson reads. */
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"},\"bytes_read\":123456789012345678901234567890,"
	    "\"size\":5}", FIT_EXACT, "192.0.2.1", T_CADDY, B(5) },
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"},\"bytes_read\":1e400,\"size\":5}", FIT_NONE,
	    NOTHING },
	/* No logger (a bare encoder): a request is a request. */
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"client_ip\":"
	    "\"192.0.2.1\"},\"size\":5}", FIT_EXACT, "192.0.2.1", T_CADDY,
	    B(5) },
	/* Caddy's loggers' other messages name no client; a line without a
	 * logger's name could be any program's. */
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"msg\":"
	    "\"serving initial configuration\"}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"logger\":"
	    "\"tls.cache.maintenance\",\"msg\":\"started background "
	    "certificate maintenance\"}", FIT_NOCLIENT, NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"logger\":"
	    "\"admin\",\"msg\":\"admin endpoint started\",\"address\":"
	    "\"localhost:2019\"}", FIT_NOCLIENT, NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"logger\":"
	    "\"httpd\",\"msg\":\"up\"}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"logger\":"
	    "\"app\",\"msg\":\"up\",\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"}}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"logger\":\"tls\",\"msg\":"
	    "\"no ts\"}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"logger\":"
	    "\"http.log\",\"msg\":\"server running\",\"name\":\"srv0\","
	    "\"protocols\":[\"h1\",\"h2\",\"h3\"]}", FIT_NOCLIENT, NOTHING },
	{ FMT_CADDY, "{\"level\":\"error\",\"ts\":1646861401.52,\"logger\":"
	    "\"http.log.error\",\"msg\":\"dial tcp 127.0.0.1:8080: connect: "
	    "connection refused\",\"request\":{\"remote_ip\":\"192.0.2.1\","
	    "\"remote_port\":\"5000\"},\"duration\":0.001,\"status\":502}",
	    FIT_NOCLIENT, NOTHING },
	{ FMT_CADDY, "{\"level\":\"debug\",\"ts\":1646861401.52,\"logger\":"
	    "\"http.handlers.reverse_proxy\",\"msg\":\"upstream roundtrip\","
	    "\"request\":{\"remote_ip\":\"192.0.2.1\"}}", FIT_NOCLIENT,
	    NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"logger\":"
	    "\"http.log.access\",\"msg\":\"x\",\"request\":\"GET /\"}",
	    FIT_NOCLIENT, NOTHING },
	{ FMT_CADDY, "{\"level\":\"info\",\"ts\":1646861401.52,\"msg\":"
	    "\"x\",\"request\":\"GET /\"}", FIT_NONE, NOTHING },
	/* Not Caddy's, not JSON, not an object, not one value. */
	{ FMT_CADDY, "{\"time\":\"2024-01-01T00:00:00Z\",\"client\":"
	    "\"192.0.2.1\"}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"logger\":\"app\",\"msg\":\"hello 192.0.2.1\"}",
	    FIT_NONE, NOTHING },
	{ FMT_CADDY, "192.0.2.1 - - [09/Mar/2022:21:30:01 +0000] \"GET / "
	    "HTTP/1.1\" 200 5 \"-\" \"-\"", FIT_NONE, NOTHING },
	{ FMT_CADDY, "[{\"request\":{\"remote_ip\":\"192.0.2.1\"}}]", FIT_NONE,
	    NOTHING },
	{ FMT_CADDY, "\"192.0.2.1\"", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"},\"size\":5} {}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"},\"size\":5", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"},\"size\":5,}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{'request':{'remote_ip':'192.0.2.1'}}", FIT_NONE,
	    NOTHING },
	{ FMT_CADDY, "{", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"", FIT_NONE, NOTHING },
	{ FMT_CADDY, "{\"a\\", FIT_NONE, NOTHING },
	{ FMT_CADDY, "}", FIT_NONE, NOTHING },
	{ FMT_CADDY, "", FIT_NOCLIENT, NOTHING },
	/* Blanks around the object are JSON's. */
	{ FMT_CADDY, "  {\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"},\"size\":5}\t ", FIT_EXACT, "192.0.2.1", T_CADDY,
	    B(5) },
	/* A key twice in one object: which one was meant is unknowable. */
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\",\"remote_ip\":\"192.0.2.2\"},\"size\":5}", FIT_NONE,
	    NOTHING },
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\"},\"request\":{\"remote_ip\":\"192.0.2.2\"}}",
	    FIT_NONE, NOTHING },
	/* What JSON forbids in strings: NUL, raw controls, bad UTF-8. */
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\",\"uri\":\"/\\u0000\"},\"size\":5}", FIT_NONE,
	    NOTHING },
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\",\"uri\":\"/\xff\"},\"size\":5}", FIT_NONE,
	    NOTHING },
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\",\"uri\":\"/\ta\"},\"size\":5}", FIT_NONE, NOTHING },
	/* Brackets and escaped quotes inside strings are only text. */
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"192.0.2.1\",\"uri\":\"/[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "{{{{{{{{{{\\\"[[[[\\\\\"},\"size\":5}", FIT_EXACT, "192.0.2.1",
	    T_CADDY, B(5) },

	/* Traefik, JSON: its documented fields. */
	{ FMT_TRAEFIK, TRAEFIK(T_ADDR, T_START, "1234"), FIT_EXACT,
	    "192.0.2.1", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, TRAEFIK("\"[2001:db8::5]:443\",\"ClientHost\":"
	    "\"2001:db8::5\"", T_START, "1234"), FIT_EXACT, "2001:db8::5",
	    T_TRAEFIK, B(1234) },
	/* ClientHost holds the X-Forwarded-For value when there was one:
	 * the peer is ClientAddr's. */
	{ FMT_TRAEFIK, TRAEFIK("\"10.0.0.1:443\",\"ClientHost\":"
	    "\"203.0.113.50\"", T_START, "1234"), FIT_EXACT, "10.0.0.1",
	    T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, TRAEFIK("\"10.0.0.1:443\",\"ClientHost\":"
	    "\"203.0.113.50, 10.0.0.9\"", T_START, "1234"), FIT_EXACT,
	    "10.0.0.1", T_TRAEFIK, B(1234) },
	/* ClientAddr dropped (fields.names): ClientHost it is. */
	{ FMT_TRAEFIK, "{\"ClientHost\":\"192.0.2.7\",\"StartUTC\":"
	    "\"2024-03-10T12:00:00Z\",\"DownstreamContentSize\":0}", FIT_EXACT,
	    "192.0.2.7", T_TRAEFIK, B(0) },
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"192.0.2.7:1234\"}", FIT_PARTIAL,
	    "192.0.2.7", 0, NO_BYTES },
	/* StartUTC dropped, as Traefik's time zone advice says: StartLocal. */
	{ FMT_TRAEFIK, TRAEFIK(T_ADDR, "\"StartLocal\":"
	    "\"2024-03-10T13:00:00.5+01:00\",", "1234"), FIT_EXACT,
	    "192.0.2.1", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, TRAEFIK(T_ADDR, "\"StartUTC\":1710072000,", "1234"),
	    FIT_EXACT, "192.0.2.1", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, TRAEFIK(T_ADDR, "", "1234"), FIT_PARTIAL, "192.0.2.1",
	    0, B(1234) },
	{ FMT_TRAEFIK, TRAEFIK(T_ADDR, T_START, "\"1234\""), FIT_PARTIAL,
	    "192.0.2.1", T_TRAEFIK, NO_BYTES },
	{ FMT_TRAEFIK, TRAEFIK("\"\",\"ClientHost\":\"192.0.2.1\"", T_START,
	    "1"), FIT_NONE, NOTHING },
	{ FMT_TRAEFIK, TRAEFIK("\"@\",\"ClientHost\":\"@\"", T_START, "1"),
	    FIT_NONE, NOTHING },
	{ FMT_TRAEFIK, TRAEFIK("7", T_START, "1"), FIT_NONE, NOTHING },
	/* Traefik's own log, logrus (1, 2) and zerolog (3), is any
	 * program's as far as the line says. */
	{ FMT_TRAEFIK, "{\"level\":\"info\",\"msg\":\"Configuration loaded "
	    "from flags.\",\"time\":\"2024-03-10T12:00:00Z\"}", FIT_NONE,
	    NOTHING },
	{ FMT_TRAEFIK, "{\"level\":\"info\",\"version\":\"3.0.0\",\"time\":"
	    "\"2024-03-10T12:00:00Z\",\"message\":\"Traefik version 3.0.0\"}",
	    FIT_NONE, NOTHING },
	{ FMT_TRAEFIK, "{\"client\":\"192.0.2.1\"}", FIT_NONE, NOTHING },
	{ FMT_TRAEFIK, "{\"ClientHost\":\"192.0.2.1\"", FIT_NONE, NOTHING },

	/* Traefik, CLF: combined and three fields more. */
	{ FMT_TRAEFIK, TCLF, FIT_EXACT, "192.0.2.9", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, "2001:db8::9 - user [10/Mar/2024:13:00:00 +0100] "
	    "\"GET /a HTTP/2.0\" 404 19 \"https://example.com/\" \"Mozilla/5.0 "
	    "(X11) \\\"q\\\"\" 123 \"-\" \"-\" 0ms", FIT_EXACT, "2001:db8::9",
	    T_TRAEFIK, B(19) },
	/* Quotes in the agent do not move the fields read from the end. */
	{ FMT_TRAEFIK, "192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / "
	    "HTTP/1.1\" 200 5 \"-\" \"a\\\" 1 \\\"x\\\" \\\"y\\\" 2ms\" 7 "
	    "\"r\" \"u\" 3ms", FIT_EXACT, "192.0.2.9", T_TRAEFIK, B(5) },
	/* Plain combined: the client counts, but the line is not Traefik's
	 * (detection must not take nginx's logs for Traefik's). */
	{ FMT_TRAEFIK, "192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / "
	    "HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\"", FIT_PARTIAL,
	    "192.0.2.9", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, "192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / "
	    "HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\" \"203.0.113.1\"",
	    FIT_PARTIAL, "192.0.2.9", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, "192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / "
	    "HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\" 7 \"r\" \"u\" ms",
	    FIT_PARTIAL, "192.0.2.9", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, "192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / "
	    "HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\" \"r\" \"u\" 3ms",
	    FIT_PARTIAL, "192.0.2.9", T_TRAEFIK, B(1234) },
	{ FMT_TRAEFIK, "192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / "
	    "HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\"7 \"r\" \"u\" 3ms",
	    FIT_PARTIAL, "192.0.2.9", T_TRAEFIK, B(1234) },
	/* ClientHost from X-Forwarded-For, a list: no one address. */
	{ FMT_TRAEFIK, "203.0.113.5, 10.0.0.1 - - [10/Mar/2024:12:00:00 "
	    "+0000] \"GET / HTTP/1.1\" 200 1234 \"-\" \"curl/8.5.0\" 7 \"r\" "
	    "\"u\" 3ms", FIT_NONE, NOTHING },
	{ FMT_TRAEFIK, "3ms", FIT_NONE, NOTHING },
	{ FMT_TRAEFIK, "ms", FIT_NONE, NOTHING },
};

/*
 * Strict (detection) gives the line's fit; counting may give another,
 * but a client only where strict does, and the same.
 */
static void
check_line(const struct line_case *lc, int strict, int crlf)
{
	struct tu_want w = { strict ? (int)lc->fit : TU_ANY_FIT, lc->ip,
	    lc->when, lc->has_bytes ? (int64_t)lc->bytes : TU_NO_BYTES };

	tu_check_fresh(lc->fmt, strict, lc->line, crlf, &w);
}

START_TEST(test_line)
{
	check_line(&lines[_i], 1, 0);
}
END_TEST

/* Counting (not strict) reads the same client, time and size. */
START_TEST(test_line_counting)
{
	check_line(&lines[_i], 0, 0);
}
END_TEST

START_TEST(test_line_crlf)
{
	check_line(&lines[_i], 1, 1);
}
END_TEST

/* A cut JSON line is no JSON; a cut CLF line is not exactly Traefik's. */
static void
cut_not_whole(size_t k, int fit, const struct hit *h, const void *arg)
{
	const char *line = arg;

	(void)h;
	if (line[0] == '{')
		ck_assert_msg(fit <= FIT_NOCLIENT, "cut at %zu: read: %.*s", k,
		    (int)k, line);
	else
		ck_assert_msg(fit != FIT_EXACT, "cut at %zu: exact: %.*s", k,
		    (int)k, line);
}

/*
 * Every cut of a line (a log cut off mid-write) is read without going
 * past its end; a cut JSON line is no JSON.
 */
START_TEST(test_every_cut)
{
	static const char *const whole[] = {
		CADDY("\"remote_ip\":\"127.0.0.1\",\"client_ip\":"
		    "\"192.0.2.1\""),
		TRAEFIK(T_ADDR, T_START, "1234"),
		TCLF,
	};

	for (size_t i = 0; i < nitems(whole); i++) {
		struct logctx ctx;

		tu_logctx(&ctx, i == 0 ? FMT_CADDY : FMT_TRAEFIK, 1);
		ctx.want_xff = 1;
		tu_each_cut(&ctx, whole[i], strlen(whole[i]), cut_not_whole,
		    whole[i]);
	}
}
END_TEST

/* A line nested n deep (objects in "a"), the client at the bottom. */
static char *
nested(int n, const char *open, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = malloc((size_t)n * (lo + lc) + 128), *p = s;

	p += sprintf(p, "{\"ts\":1646861401,\"size\":1,\"request\":"
	    "{\"remote_ip\":\"192.0.2.1\",\"x\":");
	for (int i = 2; i < n; i++)
		p += sprintf(p, "%s", open);
	p += sprintf(p, "0");
	for (int i = 2; i < n; i++)
		p += sprintf(p, "%s", close);
	sprintf(p, "}}");
	return s;
}

/* 32 levels are read; 33 are not handed to jansson, however valid. */
START_TEST(test_depth)
{
	static const struct {
		const char *open, *close;
	} kinds[] = { { "[", "]" }, { "{\"a\":", "}" } };

	for (size_t k = 0; k < nitems(kinds); k++)
		for (int depth = 30; depth <= 40; depth++) {
			char *line = nested(depth, kinds[k].open,
			    kinds[k].close);
			size_t n = strlen(line);
			struct logctx ctx;
			struct hit h;

			tu_logctx(&ctx, FMT_CADDY, 0);
			ck_assert_msg((logfmt_parse(&ctx, tu_guarded(line, n),
			    n, &h) == FIT_EXACT) == (depth <= 32),
			    "depth %d: %s", depth, line);
			free(line);
		}
}
END_TEST

/* 100,000 levels: refused by the scan, not by a blown stack. */
START_TEST(test_depth_huge)
{
	size_t n = 200000;
	char *line = malloc(n);
	struct logctx ctx;
	struct hit h;

	memset(line, '[', n);
	line[0] = '{';
	tu_logctx(&ctx, FMT_CADDY, 0);
	ck_assert_int_eq(logfmt_parse(&ctx, line, n, &h), FIT_NONE);
	tu_logctx(&ctx, FMT_TRAEFIK, 0);
	ck_assert_int_eq(logfmt_parse(&ctx, line, n, &h), FIT_NONE);
	free(line);
}
END_TEST

/* A line past LINE_MAX_LEN is refused before jansson sees it. */
START_TEST(test_too_long)
{
	static const char head[] = "{\"ts\":1646861401,\"size\":1,"
	    "\"request\":{\"remote_ip\":\"192.0.2.1\"},\"pad\":\"";
	size_t n;
	char *line = malloc(LINE_MAX_LEN + 16);
	struct logctx ctx;
	struct hit h;

	for (n = LINE_MAX_LEN; n <= LINE_MAX_LEN + 1; n++) {
		memcpy(line, head, sizeof(head) - 1);
		memset(line + sizeof(head) - 1, 'a',
		    n - (sizeof(head) - 1) - 2);
		memcpy(line + n - 2, "\"}", 2);
		tu_logctx(&ctx, FMT_CADDY, 0);
		ck_assert_int_eq(logfmt_parse(&ctx, line, n, &h),
		    n <= LINE_MAX_LEN ? FIT_EXACT : FIT_NONE);
	}
	free(line);
}
END_TEST

/* --json-field, --json-time, --json-bytes over any JSON lines. */
static const struct {
	const char *field, *time, *size;	/* the three paths */
	const char *line;
	enum fit fit;
	const char *ip;
	int64_t when;
	int has_bytes;
	uint64_t bytes;
} json_cases[] = {
	{ "request.client_ip", NULL, NULL, CADDY("\"client_ip\":"
	    "\"192.0.2.1\""), FIT_EXACT, "192.0.2.1", 0, NO_BYTES },
	{ "request.client_ip", "ts", "size", CADDY("\"client_ip\":"
	    "\"192.0.2.1\""), FIT_EXACT, "192.0.2.1", T_CADDY, B(10900) },
	{ "ClientHost", "StartUTC", "DownstreamContentSize",
	    TRAEFIK(T_ADDR, T_START, "1234"), FIT_EXACT, "192.0.2.1",
	    T_TRAEFIK, B(1234) },
	{ "remote_addr", NULL, NULL, "{\"remote_addr\":\"192.0.2.1:5678\"}",
	    FIT_EXACT, "192.0.2.1", 0, NO_BYTES },
	{ "remote_addr", NULL, NULL, "{\"remote_addr\":\"[::1]:80\"}",
	    FIT_EXACT, "::1", 0, NO_BYTES },
	{ "remote_addr", NULL, NULL, "{\"remote_addr\":\"fe80::1%eth0\"}",
	    FIT_EXACT, "fe80::1", 0, NO_BYTES },
	/* A dot inside a key, escaped (ECS writes "client.ip" flat). */
	{ "client\\.ip", "@timestamp", NULL, "{\"@timestamp\":"
	    "\"2024-03-10T12:00:00.000Z\",\"client.ip\":\"192.0.2.3\","
	    "\"client\":{\"ip\":\"192.0.2.4\"}}", FIT_EXACT, "192.0.2.3",
	    T_TRAEFIK, NO_BYTES },
	{ "client.ip", NULL, NULL, "{\"client.ip\":\"192.0.2.3\","
	    "\"client\":{\"ip\":\"192.0.2.4\"}}", FIT_EXACT, "192.0.2.4", 0,
	    NO_BYTES },
	{ "client.ip", NULL, NULL, "{\"client.ip\":\"192.0.2.3\"}", FIT_NONE,
	    NOTHING },
	{ "a\\\\b", NULL, NULL, "{\"a\\\\b\":\"192.0.2.5\"}", FIT_EXACT,
	    "192.0.2.5", 0, NO_BYTES },
	{ "a\\b", NULL, NULL, "{\"a\\\\b\":\"192.0.2.5\"}", FIT_EXACT,
	    "192.0.2.5", 0, NO_BYTES },
	{ "", NULL, NULL, "{\"\":\"192.0.2.5\"}", FIT_EXACT, "192.0.2.5", 0,
	    NO_BYTES },
	/* A number picks an array's element. */
	{ "hops.1", NULL, NULL, "{\"hops\":[\"10.0.0.1\",\"192.0.2.6\"]}",
	    FIT_EXACT, "192.0.2.6", 0, NO_BYTES },
	{ "hops.2", NULL, NULL, "{\"hops\":[\"10.0.0.1\",\"192.0.2.6\"]}",
	    FIT_NONE, NOTHING },
	{ "hops.x", NULL, NULL, "{\"hops\":[\"10.0.0.1\"]}", FIT_NONE,
	    NOTHING },
	{ "hops.0.ip", NULL, NULL, "{\"hops\":[{\"ip\":\"192.0.2.7\"}]}",
	    FIT_EXACT, "192.0.2.7", 0, NO_BYTES },
	/* Not there: rejected (a wrong path shows); null: no client. */
	{ "ip", NULL, NULL, "{\"addr\":\"192.0.2.1\"}", FIT_NONE, NOTHING },
	{ "ip", NULL, NULL, "{\"ip\":null,\"msg\":\"started\"}", FIT_NOCLIENT,
	    NOTHING },
	{ "ip.v4", NULL, NULL, "{\"ip\":\"192.0.2.1\"}", FIT_NONE, NOTHING },
	{ "ip", NULL, NULL, "{\"ip\":3221225985}", FIT_NONE, NOTHING },
	{ "ip", NULL, NULL, "{\"ip\":{\"v4\":\"192.0.2.1\"}}", FIT_NONE,
	    NOTHING },
	{ "ip", NULL, NULL, "{\"ip\":\"-\"}", FIT_NONE, NOTHING },
	{ "ip", NULL, NULL, "{\"ip\":\"client 192.0.2.1\"}", FIT_NONE,
	    NOTHING },
	{ "ip", NULL, NULL, "{\"ip\":\"192.0.2.1\",\"ip\":\"192.0.2.2\"}",
	    FIT_NONE, NOTHING },
	{ "ip", NULL, NULL, "ip=192.0.2.1", FIT_NONE, NOTHING },
	/* Times: numbers of seconds, ms, us, ns, and text. */
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":1710072000}",
	    FIT_EXACT, "192.0.2.1", T_TRAEFIK, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":1710072000999}",
	    FIT_EXACT, "192.0.2.1", T_TRAEFIK, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":1710072000999999}",
	    FIT_EXACT, "192.0.2.1", T_TRAEFIK, NO_BYTES },
	/* Doubles hold nanoseconds to 256: 999999999 would round up. */
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":1710072000999999000}",
	    FIT_EXACT, "192.0.2.1", T_TRAEFIK, NO_BYTES },
	/* The last second in seconds; the first that reads as ms. */
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":99999999999}",
	    FIT_EXACT, "192.0.2.1", 99999999999, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":100000000000}",
	    FIT_EXACT, "192.0.2.1", 100000000, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":\"1710072000999\"}",
	    FIT_EXACT, "192.0.2.1", T_TRAEFIK, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":"
	    "\"2024-03-10T12:00:00Z\"}", FIT_EXACT, "192.0.2.1", T_TRAEFIK,
	    NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":"
	    "\"2024-03-10 12:00:00\"}", FIT_EXACT, "192.0.2.1", T_TRAEFIK,
	    NO_BYTES },	/* local time: UTC here */
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":"
	    "\"2024/03/10 12:00:00\"}", FIT_EXACT, "192.0.2.1", T_TRAEFIK,
	    NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":"
	    "\"10/Mar/2024:07:00:00 -0500\"}", FIT_EXACT, "192.0.2.1",
	    T_TRAEFIK, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":\"Mar 27 13:06:56\"}",
	    FIT_EXACT, "192.0.2.1", 1711544816, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":\"soon\"}",
	    FIT_PARTIAL, "192.0.2.1", 0, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":-5}", FIT_PARTIAL,
	    "192.0.2.1", 0, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":\"\"}", FIT_PARTIAL,
	    "192.0.2.1", 0, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\"}", FIT_PARTIAL, "192.0.2.1",
	    0, NO_BYTES },
	{ "ip", "t", NULL, "{\"ip\":\"192.0.2.1\",\"t\":[1710072000]}",
	    FIT_PARTIAL, "192.0.2.1", 0, NO_BYTES },
	/* Sizes: numbers, or digits and "-" as text. */
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\",\"b\":512}", FIT_EXACT,
	    "192.0.2.1", 0, B(512) },
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\",\"b\":\"512\"}", FIT_EXACT,
	    "192.0.2.1", 0, B(512) },
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\",\"b\":\"-\"}", FIT_EXACT,
	    "192.0.2.1", 0, B(0) },
	{ "ip", NULL, "b",
	    "{\"ip\":\"192.0.2.1\",\"b\":\"9999999999999999999\"}",
	    FIT_EXACT, "192.0.2.1", 0, B(9999999999999999999u) },
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\",\"b\":\"512 bytes\"}",
	    FIT_PARTIAL, "192.0.2.1", 0, NO_BYTES },
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\",\"b\":\"\"}", FIT_PARTIAL,
	    "192.0.2.1", 0, NO_BYTES },
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\",\"b\":-512}", FIT_PARTIAL,
	    "192.0.2.1", 0, NO_BYTES },
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\",\"b\":true}", FIT_PARTIAL,
	    "192.0.2.1", 0, NO_BYTES },
	{ "ip", NULL, "b", "{\"ip\":\"192.0.2.1\"}", FIT_PARTIAL, "192.0.2.1",
	    0, NO_BYTES },
};

START_TEST(test_json)
{
	const char *line = json_cases[_i].line;
	size_t n = strlen(line);
	struct logctx ctx;
	struct hit h;
	char buf[IP_STRLEN];
	enum fit fit;

	tu_logctx(&ctx, FMT_JSON, 1);
	ctx.json_client = json_cases[_i].field;
	ctx.json_time = json_cases[_i].time;
	ctx.json_bytes = json_cases[_i].size;
	memset(&h, 0x55, sizeof(h));
	fit = logfmt_parse(&ctx, tu_guarded(line, n), n, &h);
	ck_assert_msg(fit == json_cases[_i].fit, "%s: fit %d: %s",
	    json_cases[_i].field, fit, line);
	if (json_cases[_i].ip == NULL)
		return;
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, json_cases[_i].ip);
	ck_assert_int_eq(h.when, json_cases[_i].when);
	ck_assert_int_eq(h.has_bytes, json_cases[_i].has_bytes);
	if (json_cases[_i].has_bytes)
		ck_assert_uint_eq(h.bytes, json_cases[_i].bytes);
}
END_TEST

/* Without --json-field the json format reads nothing. */
START_TEST(test_json_no_field)
{
	static const char line[] = "{\"ip\":\"192.0.2.1\"}";
	struct logctx ctx;
	struct hit h;

	tu_logctx(&ctx, FMT_JSON, 0);
	ck_assert_int_eq(logfmt_parse(&ctx, line, strlen(line), &h),
	    FIT_NONE);
}
END_TEST

/* A path with a key longer than KEY_MAX finds nothing, safely. */
START_TEST(test_json_long_key)
{
	char path[600], line[700];
	struct logctx ctx;
	struct hit h;

	memset(path, 'k', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	snprintf(line, sizeof(line), "{\"%s\":\"192.0.2.1\"}", path);
	tu_logctx(&ctx, FMT_JSON, 0);
	ctx.json_client = path;
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, strlen(line)),
	    strlen(line), &h), FIT_NONE);
	path[255] = '\0';
	snprintf(line, sizeof(line), "{\"%s\":\"192.0.2.1\"}", path);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, strlen(line)),
	    strlen(line), &h), FIT_EXACT);
}
END_TEST

/*
 * --client xff: the X-Forwarded-For value each format gives, decoded;
 * xff NULL: none.
 */
#define CADDY_H(headers)	"{\"level\":\"info\",\"ts\":1646861401," \
	"\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\"," \
	"\"request\":{\"remote_ip\":\"10.0.0.1\",\"remote_port\":\"443\"," \
	"\"client_ip\":\"10.0.0.1\",\"headers\":" headers "},\"size\":1}"

static const struct {
	enum logfmt fmt;
	const char *line, *ip, *xff;
} xff_cases[] = {
	{ FMT_CADDY, CADDY_H("{\"User-Agent\":[\"curl/8\"],"
	    "\"X-Forwarded-For\":[\"203.0.113.10\"]}"), "10.0.0.1",
	    "203.0.113.10" },
	/* One array element per header line; the lines join with ", ". */
	{ FMT_CADDY, CADDY_H("{\"X-Forwarded-For\":[\"203.0.113.1, "
	    "10.0.0.2\",\"10.0.0.3\"]}"), "10.0.0.1",
	    "203.0.113.1, 10.0.0.2, 10.0.0.3" },
	/* The header's name in any case. */
	{ FMT_CADDY, CADDY_H("{\"x-forwarded-for\":[\"203.0.113.11\"]}"),
	    "10.0.0.1", "203.0.113.11" },
	{ FMT_CADDY, CADDY_H("{\"X-FORWARDED-FOR\":\"203.0.113.12\"}"),
	    "10.0.0.1", "203.0.113.12" },
	/* Escapes are decoded; what is not a string is left out. */
	{ FMT_CADDY, CADDY_H("{\"X-Forwarded-For\":[\"\\\"203.0.113.13\\\""
	    "\\u002c 10.0.0.4\"]}"), "10.0.0.1",
	    "\"203.0.113.13\", 10.0.0.4" },
	{ FMT_CADDY, CADDY_H("{\"X-Forwarded-For\":[7,\"203.0.113.14\",null]}"),
	    "10.0.0.1", "203.0.113.14" },
	{ FMT_CADDY, CADDY_H("{\"X-Forwarded-For\":[\"\"]}"), "10.0.0.1",
	    NULL },
	{ FMT_CADDY, CADDY_H("{\"X-Forwarded-For\":[]}"), "10.0.0.1", NULL },
	{ FMT_CADDY, CADDY_H("{\"X-Forwarded-For\":{\"a\":\"1.2.3.4\"}}"),
	    "10.0.0.1", NULL },
	{ FMT_CADDY, CADDY_H("{\"X-Forwarded\":[\"1.2.3.4\"],"
	    "\"Forwarded\":[\"for=1.2.3.4\"]}"), "10.0.0.1", NULL },
	{ FMT_CADDY, CADDY_H("[]"), "10.0.0.1", NULL },
	/* Only the request's headers, not the response's. */
	{ FMT_CADDY, "{\"ts\":1646861401,\"request\":{\"remote_ip\":"
	    "\"10.0.0.1\"},\"resp_headers\":{\"X-Forwarded-For\":"
	    "[\"1.2.3.4\"]},\"size\":1}", "10.0.0.1", NULL },

	/* Traefik keeps request headers as request_<Name>, joined by ",". */
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"10.0.0.1:443\",\"ClientHost\":"
	    "\"203.0.113.1,10.0.0.2\",\"StartUTC\":\"2024-03-10T12:00:00Z\","
	    "\"DownstreamContentSize\":1,\"request_X-Forwarded-For\":"
	    "\"203.0.113.1,10.0.0.2\"}", "10.0.0.1", "203.0.113.1,10.0.0.2" },
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"10.0.0.1:443\",\"ClientHost\":"
	    "\"10.0.0.1\",\"request_x-forwarded-for\":\"203.0.113.2\"}",
	    "10.0.0.1", "203.0.113.2" },
	/* Headers dropped (Traefik's default): ClientHost, where Traefik
	 * copies the header, when it is not the peer. */
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"10.0.0.1:443\",\"ClientHost\":"
	    "\"203.0.113.3, 10.0.0.2\"}", "10.0.0.1",
	    "203.0.113.3, 10.0.0.2" },
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"10.0.0.1:443\",\"ClientHost\":"
	    "\"203.0.113.4\"}", "10.0.0.1", "203.0.113.4" },
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"10.0.0.1:443\",\"ClientHost\":"
	    "\"10.0.0.1\"}", "10.0.0.1", NULL },
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"[2001:db8::1]:443\",\"ClientHost\":"
	    "\"2001:DB8::1\"}", "2001:db8::1", NULL },
	{ FMT_TRAEFIK, "{\"ClientHost\":\"203.0.113.5\"}", "203.0.113.5",
	    NULL },
	{ FMT_TRAEFIK, "{\"ClientAddr\":\"10.0.0.1:443\"}", "10.0.0.1", NULL },
	{ FMT_TRAEFIK, TCLF, "192.0.2.9", NULL },
};

static void
check_xff(size_t i, int want)
{
	const char *line = xff_cases[i].line;
	size_t n = strlen(line);
	struct logctx ctx;
	struct hit h;
	char buf[IP_STRLEN];

	tu_logctx(&ctx, xff_cases[i].fmt, 0);
	ctx.want_xff = want;
	memset(&h, 0x55, sizeof(h));
	ck_assert_int_ge(logfmt_parse(&ctx, tu_guarded(line, n), n, &h),
	    FIT_PARTIAL);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, xff_cases[i].ip);
	if (!want || xff_cases[i].xff == NULL) {
		ck_assert_msg(h.xff == NULL, "%s: xff \"%.*s\"", line,
		    (int)h.xff_len, h.xff);
		return;
	}
	ck_assert_msg(h.xff != NULL, "%s: no xff", line);
	ck_assert_msg(h.xff_len == strlen(xff_cases[i].xff) &&
	    memcmp(h.xff, xff_cases[i].xff, h.xff_len) == 0,
	    "%s: xff \"%.*s\"", line, (int)h.xff_len, h.xff);
}

START_TEST(test_xff)
{
	check_xff(_i, 1);
}
END_TEST

/* Not asked for: none, and the same client. */
START_TEST(test_xff_not_asked)
{
	check_xff(_i, 0);
}
END_TEST

/* A Caddy line whose X-Forwarded-For has count entries "10.0.0.N"
 * after the client's, in one header line or one line each. */
static char *
long_xff(int count, int split)
{
	char *line = malloc((size_t)count * 20 + 512), *p = line;

	p += sprintf(p, "{\"ts\":1646861401,\"size\":1,\"request\":"
	    "{\"remote_ip\":\"10.0.0.1\",\"headers\":{\"X-Forwarded-For\":"
	    "[\"203.0.113.77");
	for (int i = 0; i < count; i++)
		p += sprintf(p, split ? "\",\"10.0.%d.%d" : ", 10.0.%d.%d",
		    i / 250, i % 250 + 1);
	sprintf(p, "\"]}}}");
	return line;
}

/*
 * Past json_xff's size, the right-most entries are kept whole: a proxy
 * chain ends the same, and --client xff finds the same client for any
 * trusted chain that fits.
 */
START_TEST(test_xff_long)
{
	for (int split = 0; split < 2; split++)
		for (int count = 500; count <= 3000; count += 500) {
			char *line = long_xff(count, split);
			size_t n = strlen(line);
			struct logctx ctx;
			struct hit h;
			char last[32];
			struct netlist trusted = { 0 };
			struct ip net, client;
			unsigned plen;

			tu_logctx(&ctx, FMT_CADDY, 0);
			ctx.want_xff = 1;
			ck_assert_int_eq(logfmt_parse(&ctx, line, n, &h),
			    FIT_EXACT);
			ck_assert_ptr_nonnull(h.xff);
			ck_assert_uint_le(h.xff_len, sizeof(ctx.json_xff));
			snprintf(last, sizeof(last), "10.0.%d.%d",
			    (count - 1) / 250, (count - 1) % 250 + 1);
			ck_assert(h.xff_len > strlen(last) &&
			    memcmp(h.xff + h.xff_len - strlen(last), last,
			    strlen(last)) == 0);
			/* Whole entries: it starts with one. */
			ck_assert_msg(memcmp(h.xff, "203.0.113.77", 12) == 0 ||
			    memcmp(h.xff, "10.0.", 5) == 0 ||
			    memcmp(h.xff, " 10.0.", 6) == 0,
			    "starts \"%.20s\"", h.xff);
			ck_assert_int_eq(ip_net_parse("10.0.0.0/8", &net,
			    &plen), 0);
			trusted.net = &net;
			trusted.plen = &plen;
			trusted.n = 1;
			/* The client is untrusted and the first hop left of
			 * the chain: found whenever the whole value fits. */
			xff_client(&h.ip, h.xff, h.xff_len, &trusted, &client);
			ip_format(&client, last);
			if (count <= 500)
				ck_assert_str_eq(last, "203.0.113.77");
			free(line);
		}
}
END_TEST

/* One entry longer than the buffer, no comma in it: none of it. */
START_TEST(test_xff_one_huge_entry)
{
	size_t len = 20000;
	char *line = malloc(len + 256), *p = line;
	struct logctx ctx;
	struct hit h;

	p += sprintf(p, "{\"ts\":1646861401,\"size\":1,\"request\":"
	    "{\"remote_ip\":\"10.0.0.1\",\"headers\":{\"X-Forwarded-For\":"
	    "[\"");
	memset(p, 'a', len);
	p += len;
	sprintf(p, "1.2.3.4\"]}}}");
	tu_logctx(&ctx, FMT_CADDY, 0);
	ctx.want_xff = 1;
	ck_assert_int_eq(logfmt_parse(&ctx, line, strlen(line), &h),
	    FIT_EXACT);
	ck_assert_ptr_null(h.xff);
	free(line);
}
END_TEST

/* logfmt_detect on the first lines of a file. */
static const struct {
	const char *what, *buf;
	enum logfmt want;
} detect_cases[] = {
	{ "caddy",
	    "{\"level\":\"info\",\"ts\":1646861400.1,\"msg\":\"using provided "
	    "configuration\",\"config_file\":\"/etc/caddy/Caddyfile\"}\n"
	    "{\"level\":\"info\",\"ts\":1646861400.2,\"logger\":\"http.log\","
	    "\"msg\":\"server running\",\"name\":\"srv0\"}\n"
	    CADDY("\"remote_ip\":\"192.0.2.1\",\"client_ip\":\"192.0.2.1\"")
	    "\n"
	    CADDY("\"remote_ip\":\"2001:db8::1\",\"client_ip\":\"2001:db8::1\"")
	    "\n", FMT_CADDY },
	{ "caddy, old", CADDY("\"remote_addr\":\"192.0.2.1:5000\"") "\n"
	    CADDY("\"remote_addr\":\"[2001:db8::1]:5000\"") "\n", FMT_CADDY },
	{ "traefik json", TRAEFIK(T_ADDR, T_START, "1234") "\n"
	    "{\"level\":\"info\",\"msg\":\"Configuration loaded from flags.\","
	    "\"time\":\"2024-03-10T12:00:00Z\"}\n"
	    TRAEFIK("\"[2001:db8::5]:443\",\"ClientHost\":\"2001:db8::5\"",
	    T_START, "0") "\n", FMT_TRAEFIK },
	{ "traefik clf", TCLF "\n" TCLF "\n", FMT_TRAEFIK },
	/* Combined lines are combined's still, nginx's "main" too. */
	{ "combined",
	    "192.0.2.9 - - [10/Mar/2024:12:00:00 +0000] \"GET / HTTP/1.1\" "
	    "200 1234 \"-\" \"curl/8.5.0\"\n"
	    "192.0.2.9 - - [10/Mar/2024:12:00:01 +0000] \"GET / HTTP/1.1\" "
	    "200 1234 \"-\" \"curl/8.5.0\"\n", FMT_COMBINED },
	{ "nginx main",
	    "10.0.0.1 - - [05/Feb/2024:10:00:01 +0000] \"GET / HTTP/1.1\" "
	    "200 612 \"-\" \"Mozilla/5.0\" \"203.0.113.10\"\n", FMT_COMBINED },
	/* Any other JSON: no format of ours (the parser then says so). */
	{ "app json",
	    "{\"time\":\"2024-03-10T12:00:00Z\",\"level\":\"info\",\"msg\":"
	    "\"request\",\"client\":\"192.0.2.1\",\"bytes\":5}\n"
	    "{\"time\":\"2024-03-10T12:00:01Z\",\"level\":\"info\",\"msg\":"
	    "\"request\",\"client\":\"192.0.2.2\",\"bytes\":5}\n",
	    FMT_FIRST_IP },
	{ "zap json",
	    "{\"level\":\"info\",\"ts\":1646861400.1,\"logger\":\"app\","
	    "\"msg\":\"hello\",\"peer\":\"192.0.2.1\"}\n"
	    "{\"level\":\"info\",\"ts\":1646861400.1,\"logger\":\"app\","
	    "\"msg\":\"hello\",\"request\":{\"peer\":\"192.0.2.1\"}}\n",
	    FMT_FIRST_IP },
	{ "ecs json",
	    "{\"@timestamp\":\"2024-03-10T12:00:00.000Z\",\"log.level\":"
	    "\"info\",\"client.ip\":\"192.0.2.3\",\"message\":\"GET /\"}\n",
	    FMT_FIRST_IP },
};

START_TEST(test_detect)
{
	tu_detect(detect_cases[_i].what, detect_cases[_i].buf,
	    detect_cases[_i].want);
}
END_TEST

/* A Caddy line in a combined file is read (the per-line fallback). */
START_TEST(test_fallback)
{
	static const char line[] = "{\"ts\":1646861401,\"request\":"
	    "{\"client_ip\":\"192.0.2.44\"},\"size\":5}";
	struct logctx ctx;
	struct hit h;
	char buf[IP_STRLEN];

	tu_logctx(&ctx, FMT_COMBINED, 0);
	ctx.fallback = 1;
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, strlen(line)),
	    strlen(line), &h), FIT_EXACT);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, "192.0.2.44");
	ck_assert_int_eq(h.when, T_CADDY);
}
END_TEST

START_TEST(test_names)
{
	static const struct {
		const char *name;
		enum logfmt fmt;
	} names[] = {
		{ "caddy", FMT_CADDY },
		{ "traefik", FMT_TRAEFIK },
		{ "json", FMT_JSON },
	};
	enum logfmt fmt;

	for (size_t i = 0; i < nitems(names); i++)
		tu_check_name(names[i].name, names[i].fmt);
	ck_assert_int_eq(logfmt_by_name("Caddy", &fmt), -1);
}
END_TEST

/*
 * Real combined and sshd logs: none of their lines is Caddy's or
 * Traefik's JSON, no combined line is exactly Traefik's CLF, and the
 * combined log is still detected as such.
 */
START_TEST(test_realdata_not_ours)
{
	static const char *const files[] = {
		"logs/elastic_apache_logs.log",
		"logs/loghub_OpenSSH_2k.log",
		"logs/edge/beats_nginx_access.log",
		"logs/edge/beats_nginx_access_xff_test.log",
	};
	size_t len, lines_read = 0;
	char *buf;

	for (size_t f = 0; f < nitems(files); f++) {
		const char *p, *end, *nl;
		struct logctx ctx;

		if ((buf = tu_realdata_file(files[f], &len)) == NULL)
			return;
		end = buf + len;
		for (p = buf; p < end; p = nl + 1) {
			struct hit h;
			size_t n;

			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			n = (size_t)(nl - p);
			tu_logctx(&ctx, FMT_CADDY, 1);
			ck_assert_int_le(logfmt_parse(&ctx, p, n, &h),
			    FIT_NOCLIENT);
			tu_logctx(&ctx, FMT_TRAEFIK, 1);
			ck_assert_msg(logfmt_parse(&ctx, p, n, &h) != FIT_EXACT,
			    "%s: Traefik's: %.*s", files[f], (int)n, p);
			lines_read++;
		}
		if (f == 0) {
			tu_logctx(&ctx, FMT_AUTO, 0);
			ck_assert_int_eq(logfmt_detect(&ctx, buf, len),
			    FMT_COMBINED);
		}
		free(buf);
	}
	printf("realdata: %zu lines, none read as Caddy's or Traefik's\n",
	    lines_read);
	fflush(stdout);
}
END_TEST

/*
 * The scanner of our own and jansson read every line alike: each line
 * below, read both ways (json_slow), strict and not, gives the same fit,
 * client, time and size.  The lines are the ones the scanner leaves to
 * jansson (escapes, keys twice, bytes past ASCII, exponents, depth) and
 * the JSON grammar's edges, where the two could part.
 */
#define CR	"\"request\":{\"remote_ip\":\"192.0.2.1\"}"
static const char *const both_ways[] = {
	CADDY_TS("1646861401.5", "10"),
	CADDY_TS("1646861401", "0"),
	CADDY_TS("-1", "-0"),
	CADDY_TS("1e9", "1E3"),
	CADDY_TS("1.6468614015e9", "1e400"),
	CADDY_TS("1" "0000000000000000000000000000000000000000000000000000",
	    "10"),
	CADDY_TS("01", "10"),
	CADDY_TS("1.", "10"),
	CADDY_TS(".5", "10"),
	CADDY_TS("+1", "10"),
	CADDY_TS("null", "null"),
	CADDY_TS("true", "false"),
	CADDY_TS("tru", "10"),
	CADDY_TS("\"1646861401\"", "\"10\""),
	CADDY_TS("\"2022/03/09 21:30:01.000\"", "10"),
	CADDY_TS("\"2022-03-09T21:30:01Z\"", "10"),
	CADDY_TS("\"16468\\u00361401\"", "10"),
	CADDY_TS("[]", "{}"),
	"{\"ts\":1646861401,\"request\":{\"remote_ip\":\"192.0.2.1\","
	    "\"remote_ip\":\"192.0.2.2\"},\"size\":1}",
	"{\"ts\":1646861401," CR ",\"ts\":1646861402}",
	"{\"ts\":1646861401," CR ",\"x\":{\"a\":1,\"a\":2}}",
	"{\"ts\":1646861401," CR ",\"x\":[{\"a\":1},{\"a\":2}]}",
	"{\"ts\":1646861401,\"req\\u0075est\":{\"remote_ip\":\"192.0.2.1\"}}",
	"{\"ts\":1646861401,\"request\":{\"remote_\\u0069p\":\"192.0.2.1\"}}",
	"{\"ts\":1646861401,\"request\":{\"remote_ip\":\"192.0.2.\\u0031\"}}",
	"{\"ts\":1646861401,\"request\":{\"client_ip\":\"x\\u0031\","
	    "\"remote_ip\":\"192.0.2.1\"}}",
	"{\"ts\":1646861401,\"logger\":\"http.log.acc\\u0065ss\"," CR "}",
	"{\"ts\":1646861401,\"logger\":\"http.log.access.log0\"," CR "}",
	"{\"ts\":1646861401,\"logger\":\"http.log.acces\"," CR "}",
	"{\"ts\":1646861401,\"logger\":\"http.handlers.reverse_proxy\","
	    "\"msg\":\"upstream\"," CR "}",
	"{\"ts\":1646861401,\"logger\":\"tls\",\"msg\":\"renewed\"}",
	"{\"ts\":null,\"logger\":\"admin.api\",\"msg\":\"x\"}",
	"{\"logger\":\"admin\",\"msg\":\"x\"}",
	"{\"ts\":1,\"logger\":\"admin\",\"msg\":1}",
	"{\"ts\":1,\"logger\":\"ad\\u006din\",\"msg\":\"x\"}",
	"{\"ts\":1646861401,\"logger\":7," CR "}",
	"{\"ts\":1646861401,\"logger\":null," CR "}",
	"{\"ts\":1646861401,\"request\":\"192.0.2.1\"}",
	"{\"ts\":1646861401,\"request\":{}}",
	"{\"ts\":1646861401,\"request\":{\"remote_addr\":\"[2001:db8::1]:443\"}}",
	"{\"ts\":1646861401,\"request\":{\"client_ip\":\"\","
	    "\"remote_ip\":\"192.0.2.1\"}}",
	"{\"ts\":1646861401,\"request\":{\"client_ip\":7,"
	    "\"remote_addr\":\"192.0.2.1:80\"}}",
	"{\"ts\":1646861401," CR ",\"ua\":\"caf\xc3\xa9\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"caf\xe9\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"a\tb\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"a\\u0000b\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"\\ud83d\\ude00\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"\\ud83d\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"\\ude00\\ud83d\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"\\x41\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"\\u00G1\"}",
	"{\"ts\":1646861401," CR ",\"ua\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"}",
	"{\"ts\":1646861401," CR "} ",
	"{\"ts\":1646861401," CR "}\t",
	"{\"ts\":1646861401," CR "} x",
	"{\"ts\":1646861401," CR "}}",
	"{\"ts\":1646861401," CR "},",
	" \t{ \"ts\" : 1646861401 , " CR " } ",
	"{\"ts\":1646861401,," CR "}",
	"{\"ts\":1646861401," CR ",}",
	"{\"ts\" 1646861401," CR "}",
	"{ts:1646861401," CR "}",
	"{\"ts\":1646861401," CR ",\"a\":[1,2,]}",
	"{\"ts\":1646861401," CR ",\"a\":[,1]}",
	"{\"ts\":1646861401," CR ",\"a\":[ ]}",
	"{}",
	"[]",
	"[{\"ts\":1646861401," CR "}]",
	"",
	"{",
	"\"x\"",
	/* Traefik's fields. */
	"{\"ClientAddr\":\"192.0.2.1:5\",\"StartUTC\":\"2024-03-10T12:00:00Z\","
	    "\"DownstreamContentSize\":12}",
	"{\"ClientAddr\":null,\"ClientHost\":\"192.0.2.1\"}",
	"{\"ClientHost\":\"192.0.2.1\",\"StartLocal\":\"2024-03-10T12:00:00Z\","
	    "\"DownstreamContentSize\":\"12\"}",
	"{\"ClientHost\":\"192.0.2.\\u0031\"}",
	"{\"ClientAddr\":\"192.0.2.1:5\",\"ClientAddr\":\"192.0.2.2:5\"}",
	"{\"ClientAddr\":\"192.0.2.1:5\",\"StartUTC\":null,"
	    "\"StartLocal\":\"2024-03-10T12:00:00Z\"}",
	"{\"ClientAddr\":\"192.0.2.1:5\",\"StartUTC\":1710072000123}",
	"{\"ClientAddr\":\"192.0.2.1:5\",\"DownstreamContentSize\":-1}",
	"{\"ClientAddr\":\"192.0.2.1:5\",\"DownstreamContentSize\":2e3}",
};

/* line read through fast as it is and through a copy of it with
 * json_slow: the same fit, client, time and size. */
static void
same_both_ways(const struct logctx *fast, const char *line)
{
	struct logctx a_ctx = *fast, b_ctx = *fast;
	struct hit a, b;
	enum fit fa, fb;
	size_t n = strlen(line);

	b_ctx.json_slow = 1;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	fa = logfmt_parse(&a_ctx, tu_guarded(line, n), n, &a);
	fb = logfmt_parse(&b_ctx, tu_guarded(line, n), n, &b);
	ck_assert_msg(fa == fb, "%s: fit %d, jansson's %d: %s",
	    logfmt_name(fast->fmt), fa, fb, line);
	if (fa < FIT_PARTIAL)
		return;
	ck_assert_msg(ip_cmp(&a.ip, &b.ip) == 0 && a.when == b.when &&
	    a.has_bytes == b.has_bytes && (!a.has_bytes || a.bytes == b.bytes),
	    "%s: not jansson's client, time or size: %s",
	    logfmt_name(fast->fmt), line);
}

static void
read_both_ways(enum logfmt fmt, const char *line, int strict)
{
	struct logctx ctx;

	tu_logctx(&ctx, fmt, strict);
	same_both_ways(&ctx, line);
}

START_TEST(test_both_ways)
{
	read_both_ways(FMT_CADDY, both_ways[_i], 1);
	read_both_ways(FMT_CADDY, both_ways[_i], 0);
	read_both_ways(FMT_TRAEFIK, both_ways[_i], 1);
	read_both_ways(FMT_TRAEFIK, both_ways[_i], 0);
}
END_TEST

/* --json-field paths, read both ways: {client, time, size}. */
static const char *const json_paths[][3] = {
	{ "request.remote_ip", "ts", "size" },
	{ "request.client_ip", "ts", "size" },
	{ "ip", "t", "b" },
	{ "ClientHost", "StartUTC", "DownstreamContentSize" },
	{ "a.1.ip", "a.0", NULL },
	{ "a.11.ip", NULL, "a.10" },
	{ "a\\.b", NULL, "c\\\\d" },
	{ "0", "1", "2" },
	{ "a.1.ip.x.y.z.w.v.u", NULL, NULL },
	{ "", NULL, NULL },
	{ "request.", NULL, NULL },
	{ "ip", "ip", "ip" },
};

static const char *const json_path_lines[] = {
	"{\"a\":[{\"ip\":\"192.0.2.9\"},{\"ip\":\"192.0.2.1\"}]}",
	"{\"a\":[1710072000,{\"ip\":\"192.0.2.1\"}],\"a.1.ip\":\"x\"}",
	"{\"a\":[\"1710072000\",{\"ip\":\"192.0.2.1\",\"ip\":\"192.0.2.2\"}]}",
	"{\"a\":{\"1\":{\"ip\":\"192.0.2.1\"}},\"a.0\":1}",
	"{\"a.b\":\"192.0.2.1\",\"c\\\\d\":\"12\"}",
	"{\"a.b\":\"192.0.2.1\",\"c\\\\d\":\"1\\u0032\"}",
	"{\"a.b\":\"192.0.2.1\",\"c\\\\d\":\"-\"}",
	"{\"a.b\":\"192.0.2.1\",\"c\\\\d\":12.5}",
	"{\"a.b\":\"192.0.2.1\",\"c\\\\d\":\" 12\"}",
	"{\"0\":\"192.0.2.1\",\"1\":1710072000,\"2\":\"-\"}",
	"{\"0\":\"192.0.2.1\",\"1\":\"Mar 27 13:06:56\",\"2\":7}",
	"{\"0\":null}",
	"{\"0\":[\"192.0.2.1\"]}",
	"[\"192.0.2.1\"]",
	"{\"\":\"192.0.2.1\"}",
	"{\"request\":{\"\":\"192.0.2.1\"}}",
	"{\"ip\":\"192.0.2.1\"}",
	"{\"ip\":null}",
	"{\"ip\":\"192.0.2.\\u0031\"}",
	"{\"a\":[0,1,2,3,4,5,6,7,8,9,10,{\"ip\":\"192.0.2.1\"}]}",
	"{\"a\":[0,1,2,3,4,5,6,7,8,9,\"10\",{\"ip\":\"192.0.2.1\"}]}",
};

static void
read_paths_both_ways(const char *const *paths, const char *line)
{
	struct logctx ctx;

	tu_logctx(&ctx, FMT_JSON, 0);
	ctx.json_client = paths[0];
	ctx.json_time = paths[1];
	ctx.json_bytes = paths[2];
	same_both_ways(&ctx, line);
}

START_TEST(test_paths_both_ways)
{
	const char *const *paths = json_paths[_i];

	for (size_t i = 0; i < nitems(json_path_lines); i++)
		read_paths_both_ways(paths, json_path_lines[i]);
	for (size_t i = 0; i < nitems(both_ways); i++)
		read_paths_both_ways(paths, both_ways[i]);
	for (size_t i = 0; i < nitems(json_cases); i++)
		read_paths_both_ways(paths, json_cases[i].line);
	for (size_t i = 0; i < nitems(lines); i++)
		read_paths_both_ways(paths, lines[i].line);
}
END_TEST

/* The same of every line of the tables above, and of nesting depths. */
START_TEST(test_both_ways_tables)
{
	for (size_t i = 0; i < nitems(lines); i++) {
		read_both_ways(FMT_CADDY, lines[i].line, 1);
		read_both_ways(FMT_TRAEFIK, lines[i].line, 1);
	}
	for (int depth = 30; depth <= 34; depth++) {
		char *a = nested(depth, "[", "]"), *o = nested(depth,
		    "{\"a\":", "}");

		read_both_ways(FMT_CADDY, a, 1);
		read_both_ways(FMT_CADDY, o, 0);
		free(a);
		free(o);
	}
}
END_TEST

static Suite *
fmt_json_suite(void)
{
	Suite *s = suite_create("fmt_json");
	TCase *tc = tcase_create("lines");

	tcase_add_loop_test(tc, test_line, 0, nitems(lines));
	tcase_add_loop_test(tc, test_line_counting, 0, nitems(lines));
	tcase_add_loop_test(tc, test_line_crlf, 0, nitems(lines));
	tcase_add_test(tc, test_every_cut);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_depth_huge);
	tcase_add_test(tc, test_too_long);
	tcase_add_loop_test(tc, test_both_ways, 0, nitems(both_ways));
	tcase_add_test(tc, test_both_ways_tables);
	tcase_add_loop_test(tc, test_paths_both_ways, 0, nitems(json_paths));
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_loop_test(tc, test_json, 0, nitems(json_cases));
	tcase_add_test(tc, test_json_no_field);
	tcase_add_test(tc, test_json_long_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("xff");
	tcase_add_loop_test(tc, test_xff, 0, nitems(xff_cases));
	tcase_add_loop_test(tc, test_xff_not_asked, 0, nitems(xff_cases));
	tcase_add_test(tc, test_xff_long);
	tcase_add_test(tc, test_xff_one_huge_entry);
	suite_add_tcase(s, tc);

	tc = tcase_create("detect");
	tcase_add_loop_test(tc, test_detect, 0, nitems(detect_cases));
	tcase_add_test(tc, test_fallback);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("realdata");
	tcase_add_test(tc, test_realdata_not_ours);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return tu_run(fmt_json_suite());
}
