/*
 * fmt_error.c: Apache httpd's and nginx's error logs.  Lines are written
 * after each server's documentation and sources (Apache's ErrorLogFormat
 * and log.c, nginx's ngx_http_log_error), with documentation addresses.
 * main() sets TZ=UTC: both servers write local time.
 *
 * Most of an error line is the message, and the message quotes what the
 * client sent: the cases include addresses planted before and after the
 * server's own client field, which must never be taken.
 *
 * With the real-data folder at hand ($IPWHOIS_REALDATA, default
 * ../shared/realdata), fail2ban's annotated Apache error log is read
 * too: every annotated line must give exactly its host.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipwhois.h"
#include "testutil.h"

/* fit: what the line is; ip NULL: no client. */
struct line_case {
	enum logfmt fmt;
	enum fit fit;
	const char *line, *ip;
	int64_t when;
};

#define T24	"[Tue Mar 05 10:00:00.123456 2024] "
#define NGX	"2024/03/10 12:00:00 "

static const struct line_case lines[] = {
	/* nginx's error_log through syslog or the journal */
	{ FMT_NGINX_ERROR, FIT_EXACT, "host nginx[2833]: " NGX "[error] "
	    "2833#0: *16336 open() \"/var/www/site/cgi-bin/php4\" failed (2: "
	    "No such file or directory), client: 5.7.9.2, server: localhost, "
	    "request: \"GET /cgi-bin/php4 HTTP/1.1\", host: \"1.2.3.4\"",
	    "5.7.9.2", 1710072000 },
	{ FMT_NGINX_ERROR, FIT_EXACT, "Mar 10 12:00:01 web1 nginx: " NGX
	    "[error] 7#7: *1 access forbidden by rule, client: 192.0.2.81, "
	    "server: x, request: \"GET / HTTP/1.1\"", "192.0.2.81",
	    1710072000 },
	/* Another program's tag is not nginx's. */
	{ FMT_NGINX_ERROR, FIT_NONE, "host php-fpm[7]: " NGX "[error] "
	    "7#7: *1 x, client: 192.0.2.82, server: x", NULL, 0 },
	/* Apache 2.2: "[time] [level] [client ADDR] message" */
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Wed Oct 11 14:32:52 2000] [error] "
	    "[client 127.0.0.1] client denied by server configuration: "
	    "/export/home/live/ap/htdocs/test", "127.0.0.1", 971274772 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Sat Jun 01 02:17:42 2013] [error] "
	    "[client 2001:db8::80da:af6b:8b2c] user test not found: /",
	    "2001:db8::80da:af6b:8b2c", 1370053062 },
	/* The last group of an IPv6 address is not a port in 2.2. */
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Sat Jun 01 02:17:42 2013] [error] "
	    "[client 2001:db8::1:8080] user test not found: /",
	    "2001:db8::1:8080", 1370053062 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Sat Jun 01 02:17:42 2013] [error] "
	    "[client 192.0.2.50] (13)Permission denied: access to /x denied",
	    "192.0.2.50", 1370053062 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Sat Jun  1 02:17:42 2013] [warn] "
	    "[client 192.0.2.50] mod_fcgid: stderr: x", "192.0.2.50",
	    1370053062 },
	/* The message is the client's to fill: its brackets are not read. */
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Sat Jun 01 02:17:42 2013] [error] "
	    "[client 192.0.2.51] File does not exist: /srv/http/site/[client "
	    "198.51.100.6] user root not found", "192.0.2.51", 1370053062 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Sat Jun 01 02:17:42 2013] [error] "
	    "[client 192.0.2.52] user gg not found: /, referer: "
	    "http://198.51.100.7/management.html", "192.0.2.52", 1370053062 },
	/* Apache 2.4's default ErrorLogFormat: "[client ADDR:PORT]" */
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Thu May 12 08:28:57.652118 2011] "
	    "[core:error] [pid 8777:tid 4326490112] [client ::1:58619] File "
	    "does not exist: /usr/local/apache2/htdocs/favicon.ico", "::1",
	    1305188937 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Sun Sep 14 21:44:43.008606 2014] "
	    "[authz_core:error] [pid 10691] [client 192.0.2.60:44271] "
	    "AH01630: client denied by server configuration: /var/www/html/",
	    "192.0.2.60", 1410731083 },
	/* 2.4 always writes the port: here it is, not a group. */
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[core:error] [pid 1:tid 2] "
	    "[client 2001:db8::1:8080] AH00128: File does not exist: /x",
	    "2001:db8::1", 1709632800 },
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[auth_basic:error] [pid 3175001:"
	    "tid 140494544914112] [remote 192.0.2.61:35924] AH01618: user "
	    "whatever not found: /admin", "192.0.2.61", 1709632800 },
	/* An operating system error comes before the client in 2.4. */
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[proxy_http:error] [pid 1234:tid "
	    "5678] (70007)The timeout specified has expired: [client "
	    "192.0.2.62:51000] AH01102: error reading status line from remote "
	    "server 10.0.0.5:8080", "192.0.2.62", 1709632800 },
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[proxy:error] [pid 1234:tid 5678] "
	    "(EAI 2)Name or service not known: [client 192.0.2.62:51000] "
	    "AH00898: DNS lookup failure for: backend.example", "192.0.2.62",
	    1709632800 },
	/* At debug levels, the source line first. */
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[authz_core:debug] [pid 1234:tid "
	    "5678] mod_authz_core.c(820): [client 192.0.2.63:51001] AH01626: "
	    "authorization result of Require all granted: granted",
	    "192.0.2.63", 1709632800 },
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[:error] [pid 1234] [client "
	    "192.0.2.64:51002] PHP Warning:  include(): Failed opening "
	    "'198.51.100.8.php'", "192.0.2.64", 1709632800 },
	/* mod_security repeats the client in its message. */
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[:error] [pid 1234:tid 5678] "
	    "[client 192.0.2.65:1] [client 192.0.2.65] ModSecurity: Access "
	    "denied with code 403 (phase 2). [hostname \"198.51.100.9\"] "
	    "[uri \"/\"]", "192.0.2.65", 1709632800 },
	{ FMT_APACHE_ERROR, FIT_EXACT, T24 "[authz_owner:error] [pid 1:tid 2] "
	    "[client [2001:db8::66]:51548] AH01637: Authorization of user x "
	    "failed", "2001:db8::66", 1709632800 },
	/* ErrorLogFormat "[%{cu}t] ... [%-L] ...": an ISO time, a log id. */
	{ FMT_APACHE_ERROR, FIT_EXACT, "[2024-03-05 10:00:00.123456] "
	    "[core:error] [pid 1:tid 2] [YebKcH8AAQEAAAjMW7kAAAAC] [client "
	    "192.0.2.67:5] AH00128: File does not exist: /x", "192.0.2.67",
	    1709632800 },
	/* ErrorLog syslog. */
	{ FMT_APACHE_ERROR, FIT_EXACT, "Feb 15 16:23:00 srv httpd[22034]: "
	    "[authz_core:error] [pid 22034] [client 192.0.2.69:58585] "
	    "AH01630: client denied by server configuration: /home/www/",
	    "192.0.2.69", 1708014180 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "Feb 16 22:32:48 srv httpd[22034]: "
	    "[error] [client 127.0.0.1] user wrongusername not found: /x",
	    "127.0.0.1", 1708122768 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "Feb 16 22:32:48 apache2[18154]: "
	    "[:error] [pid 18154:tid 140680873617152] [client "
	    "192.0.2.70:48154] AH01630: client denied", "192.0.2.70",
	    1708122768 },
	/* Lines about no client. */
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, T24 "[mpm_event:notice] [pid 1:tid "
	    "2] AH00489: Apache/2.4.41 (Ubuntu) configured -- resuming normal "
	    "operations", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, "[Wed Oct 11 14:32:52 2000] "
	    "[notice] Apache/2.2.3 (Unix) configured -- resuming normal "
	    "operations", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, T24 "[proxy:error] [pid 1:tid 2] "
	    "(111)Connection refused: AH00957: HTTP: attempt to connect to "
	    "127.0.0.1:8080 (127.0.0.1) failed", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, T24 "[core:error] [pid 1:tid 2] "
	    "(2)No such file or directory: AH02291: Cannot access directory "
	    "'/var/log/x/' for error log", NULL, 0 },
	/* A client bracket inside a message is not the server's. */
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, T24 "[core:error] [pid 1] AH00000: "
	    "x [client 198.51.100.6:1] y", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, "[Wed Oct 11 14:32:52 2000] "
	    "[error] File does not exist: [client 198.51.100.6]", NULL, 0 },
	/* 2.2 writes nothing between the level and the client. */
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, "[Wed Oct 11 14:32:52 2000] "
	    "[notice] [x] [client 198.51.100.6] y", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "[Wed Oct 11 14:32:52 2000] [debug] "
	    "mod_rewrite.c(1234): [client 192.0.2.53] (2)No such file: x",
	    "192.0.2.53", 971274772 },
	{ FMT_APACHE_ERROR, FIT_EXACT, "[2024-03-05 10:00:00] [core:error] "
	    "[pid 1] [client 192.0.2.67:5] x", "192.0.2.67", 1709632800 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[2024-03-05 10:00:00 x] [core:error] "
	    "[pid 1] [client 192.0.2.67:5] x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, T24 "[core:error] [pid 1] "
	    "(13)Permission denied: x [client 198.51.100.6:1]", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, T24 "[core:error] [pid 1] [client "
	    "192.0.2.71:5", NULL, 0 },	/* cut short */
	/* Not the format, or a client that is not an address. */
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52 2000] [error] "
	    "[client host.example.com] x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52 2000] [oops] "
	    "[client 127.0.0.1] x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52 2000] "
	    "[co re:error] [client 127.0.0.1] x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Foo 11 14:32:52 2000] [error] "
	    "[client 127.0.0.1] x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52.12345678 2000] "
	    "[error] [client 127.0.0.1] x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52 2000", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52 2000]", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52 2000] [error]",
	    NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "[client 127.0.0.1] x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "127.0.0.1 - - [17/May/2015:10:05:03 "
	    "+0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, "Mar 27 13:06:56 host sshd[1]: Failed "
	    "password for root from 192.0.2.1 port 22 ssh2", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NONE, NGX "[error] 1#1: *1 x, client: "
	    "192.0.2.1, server: x", NULL, 0 },
	{ FMT_APACHE_ERROR, FIT_NOCLIENT, "", NULL, 0 },	/* blank */

	/* nginx: ", client: ADDR, server: NAME" after the message */
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[error] 1234#1234: *5 open() "
	    "\"/usr/share/nginx/html/favicon.ico\" failed (2: No such file or "
	    "directory), client: 192.0.2.80, server: example.com, request: "
	    "\"GET /favicon.ico HTTP/1.1\", host: \"example.com\"",
	    "192.0.2.80", 1710072000 },
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[error] 31#31: *7 upstream timed "
	    "out (110: Connection timed out) while reading response header "
	    "from upstream, client: 2001:db8::81, server: api.example.org, "
	    "request: \"POST /v1 HTTP/2.0\", upstream: "
	    "\"http://10.0.0.5:8080/v1\", host: \"api.example.org\", "
	    "referrer: \"https://203.0.113.3/\"", "2001:db8::81", 1710072000 },
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[info] 31#31: *9 client sent "
	    "invalid method while reading client request line, client: "
	    "192.0.2.82, server: 0.0.0.0:80, request: \"BAD\"", "192.0.2.82",
	    1710072000 },
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[crit] 31#31: *9 SSL_do_handshake() "
	    "failed (SSL: error:0A00010B:SSL routines::wrong version number) "
	    "while SSL handshaking, client: 192.0.2.83, server: 0.0.0.0:443",
	    "192.0.2.83", 1710072000 },
	/* stream and mail */
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[error] 77#77: *12 connect() "
	    "failed (111: Connection refused) while connecting to upstream, "
	    "client: 192.0.2.84, server: 0.0.0.0:5432, upstream: "
	    "\"10.0.0.9:5432\", bytes from/to client:0/0, bytes from/to "
	    "upstream:0/0", "192.0.2.84", 1710072000 },
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[info] 5#5: *3 client login "
	    "failed, client: 192.0.2.85 using starttls, server: 0.0.0.0:587, "
	    "login: \"bob\"", "192.0.2.85", 1710072000 },
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[error] 5#0: *3 access forbidden "
	    "by rule, client: ::ffff:192.0.2.86, server: _, request: \"GET / "
	    "HTTP/1.1\"", "192.0.2.86", 1710072000 },
	/* Look-alikes that are not nginx's field are passed over. */
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[error] 1#1: *1 open() \"/srv/a, "
	    "client: 198.51.100.6\" failed (2: No such file or directory), "
	    "client: 192.0.2.87, server: x, request: \"GET /?, client: "
	    "198.51.100.7 HTTP/1.1\"", "192.0.2.87", 1710072000 },
	{ FMT_NGINX_ERROR, FIT_EXACT, NGX "[error] 1#1: *1 x, client: "
	    "not-an-address, server: y, client: 192.0.2.88, server: z",
	    "192.0.2.88", 1710072000 },
	/*
	 * A forged field before nginx's (a path, quoted or not) or after it
	 * (the request, host or referrer): two fields, the line names no one.
	 */
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 open() \"/srv/x, "
	    "client: 198.51.100.6, server: y\" failed (2: No such file or "
	    "directory), client: 192.0.2.89, server: example.com, request: "
	    "\"GET /x%2C%20client:%20198.51.100.6 HTTP/1.1\"", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 open() "
	    "\"/srv/x\", client: 198.51.100.6, server: y, q: \"\" failed (2: "
	    "No such file or directory), client: 192.0.2.89, server: "
	    "example.com", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 open() "
	    "\"/srv/x\", client: 198.51.100.6, server: y\" failed (2: No such "
	    "file or directory), client: 192.0.2.89, server: example.com, "
	    "request: \"GET / HTTP/1.1\"", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 access forbidden "
	    "by rule, client: 192.0.2.89, server: example.com, request: \"GET "
	    "/ HTTP/1.1\", host: \"example.com\", referrer: \"x\", client: "
	    "198.51.100.6, server: y\"", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 access forbidden "
	    "by rule, client: 192.0.2.89, server: example.com, request: \"GET "
	    "/ HTTP/1.1\", host: \"a\", client: 198.51.100.6, server: b\"",
	    NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 user \"a\", "
	    "client: 198.51.100.6, server: x, request: \"b\" was not found in "
	    "\"/etc/nginx/.htpasswd\", client: 192.0.2.90, server: "
	    "example.com, request: \"GET / HTTP/1.1\"", NULL, 0 },
	/* Lines about no connection. */
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[notice] 1#1: signal process "
	    "started", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[emerg] 1#1: bind() to "
	    "0.0.0.0:80 failed (98: Address already in use)", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[info] 11#11: *1 client "
	    "192.0.2.92 closed keepalive connection", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 x, client: "
	    "unix:, server: example.com", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1: *1 x, client: "
	    "192.0.2.91", NULL, 0 },	/* cut before the server */
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, NGX "[error] 1#1:", NULL, 0 },
	/* Not the format. */
	{ FMT_NGINX_ERROR, FIT_NONE, NGX "[oops] 1#1: *1 x, client: "
	    "192.0.2.93, server: y", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, NGX "[error] abc: *1 x, client: "
	    "192.0.2.93, server: y", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, NGX "[error] 1: *1 x, client: "
	    "192.0.2.93, server: y", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, "2024/13/10 12:00:00 [error] 1#1: *1 x, "
	    "client: 192.0.2.93, server: y", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, "2024-03-10 12:00:00 [error] 1#1: *1 x, "
	    "client: 192.0.2.93, server: y", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, NGX "[error]", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, NGX, NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, "[Wed Oct 11 14:32:52 2000] [error] "
	    "[client 127.0.0.1] x", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NONE, "192.0.2.93 - - [17/May/2015:10:05:03 "
	    "+0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", NULL, 0 },
	{ FMT_NGINX_ERROR, FIT_NOCLIENT, "", NULL, 0 },	/* blank */
};

/* No size, the same fit strict or not; crlf: with a CR after. */
static void
check_line(const struct line_case *lc, int strict, int crlf)
{
	struct tu_want w = { lc->fit, lc->ip, lc->when, TU_NO_BYTES };

	tu_check_fresh(lc->fmt, strict, lc->line, crlf, &w);
}

/* Detection and counting read these formats alike. */
START_TEST(test_line)
{
	for (int strict = 0; strict < 2; strict++)
		check_line(&lines[_i], strict, 0);
}
END_TEST

START_TEST(test_line_crlf)
{
	check_line(&lines[_i], 1, 1);
}
END_TEST

/* A cut that names a client names the whole line's, at its time. */
static void
cut_own(size_t k, int fit, const struct hit *h, const void *arg)
{
	const struct line_case *lc = arg;
	struct ip want;

	if (fit < FIT_PARTIAL)
		return;
	ck_assert_msg(lc->ip != NULL &&
	    ip_parse(lc->ip, strlen(lc->ip), &want) == 0 &&
	    ip_cmp(&h->ip, &want) == 0,
	    "cut at %zu: a client: \"%.*s\"", k, (int)k, lc->line);
	ck_assert_int_eq(h->when, lc->when);
}

/*
 * Each line cut after every byte names its own client or none.  Not the
 * forged ones: cut right after the forgery, they read as the forgery.
 * Only nginx cuts its lines short where an attacker chooses, and that is
 * test_nginx_long.
 */
START_TEST(test_line_cut)
{
	const struct line_case *lc = &lines[_i];
	const char *first = strstr(lc->line, ", client: ");
	struct logctx ctx;

	if (first != NULL && strstr(first + 1, ", client: ") != NULL &&
	    lc->fit == FIT_NOCLIENT)
		return;
	if (lc->ip != NULL) {
		struct ip want;

		ck_assert_int_eq(ip_parse(lc->ip, strlen(lc->ip), &want), 0);
	}
	tu_logctx(&ctx, lc->fmt, 1);
	tu_each_cut(&ctx, lc->line, strlen(lc->line), cut_own, lc);
}
END_TEST

/*
 * nginx writes at most 2048 bytes a line, its newline included, and cuts
 * its own ", client: ..." first: a message padded to fill the line
 * leaves only what the client wrote.  A line that long names no one.
 */
START_TEST(test_nginx_long)
{
	static const char head[] = NGX "[error] 1#1: *1 open() \"/srv/x, "
	    "client: 198.51.100.6, server: y, request: \"";
	static const char honest[] = NGX "[error] 1#1: *1 open() \"/srv/";
	static const char tail[] = "\" failed (2: No such file or "
	    "directory), client: 192.0.2.94, server: example.com";
	char line[2100];
	struct logctx ctx;
	struct hit h;
	size_t n;

	/* Forged, and nginx's own field cut off. */
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, 'a', 2047 - (sizeof(head) - 1));
	tu_logctx(&ctx, FMT_NGINX_ERROR, 0);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, 2047), 2047, &h),
	    FIT_NOCLIENT);
	/* CRLF, as nginx on Windows writes it. */
	line[2046] = '\r';
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, 2047), 2047, &h),
	    FIT_NOCLIENT);
	/* Honest, ending right at the limit: the same. */
	n = 2046 - (sizeof(tail) - 1);
	memcpy(line, honest, sizeof(honest) - 1);
	memset(line + sizeof(honest) - 1, 'a', n - (sizeof(honest) - 1));
	memcpy(line + n, tail, sizeof(tail) - 1);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, 2046), 2046, &h),
	    FIT_NOCLIENT);
	/* One byte shorter, it cannot have been cut. */
	memmove(line + n - 1, line + n, sizeof(tail) - 1);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, 2045), 2045, &h),
	    FIT_EXACT);
	ck_assert_int_eq(ip_v4(&h.ip), 0xc000025e);	/* 192.0.2.94 */
}
END_TEST

/* Both servers write local time. */
START_TEST(test_local_time)
{
	static const char apache[] = "[Wed Oct 11 14:32:52 2000] [error] "
	    "[client 192.0.2.1] x";
	static const char nginx[] = NGX "[error] 1#1: *1 x, client: "
	    "192.0.2.1, server: y";
	struct logctx ctx;
	struct hit h;

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	tu_logctx(&ctx, FMT_APACHE_ERROR, 0);
	ck_assert_int_eq(logfmt_parse(&ctx, apache, strlen(apache), &h),
	    FIT_EXACT);
	ck_assert_int_eq(h.when, 971274772 - 2 * 3600);	/* CEST */
	tu_logctx(&ctx, FMT_NGINX_ERROR, 0);
	ck_assert_int_eq(logfmt_parse(&ctx, nginx, strlen(nginx), &h),
	    FIT_EXACT);
	ck_assert_int_eq(h.when, 1710072000 - 3600);	/* CET */
	setenv("TZ", "UTC", 1);
	tzset();
}
END_TEST

/*
 * A combined log with error-log lines in it (auto-detected files try
 * the other formats on lines their own rejects): each is read exactly.
 */
START_TEST(test_fallback)
{
	static const char *const mixed[] = {
		"[Sat Jun 01 02:17:42 2013] [error] [client 192.0.2.51] "
		    "File does not exist: /srv/favicon.ico",
		T24 "[core:error] [pid 1:tid 2] [client 192.0.2.60:44271] "
		    "AH00128: File does not exist: /x",
		NGX "[error] 1#1: *5 open() \"/x\" failed (2: No such file "
		    "or directory), client: 192.0.2.80, server: example.com",
	};
	static const char *const want[] = {
		"192.0.2.51", "192.0.2.60", "192.0.2.80",
	};
	struct logctx ctx;

	for (size_t i = 0; i < nitems(mixed); i++) {
		size_t n = strlen(mixed[i]);
		char buf[IP_STRLEN];
		struct hit h;

		tu_logctx(&ctx, FMT_COMBINED, 0);
		ctx.fallback = 1;
		ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(mixed[i], n), n,
		    &h), FIT_EXACT);
		ip_format(&h.ip, buf);
		ck_assert_str_eq(buf, want[i]);
		ck_assert_int_eq(ctx.strict, 0);
	}
}
END_TEST

static const struct {
	const char *what, *buf;
	enum logfmt want;
} detect_cases[] = {
	{ "apache 2.2",
	    "[Thu Jul 11 01:21:41 2013] [error] [client 194.228.20.113] user  "
	    "not found: /\n"
	    "[Thu Jul 11 01:21:44 2013] [error] [client "
	    "2001:db8::80da:af6b:8b2c] user test-ipv6 not found: /\n",
	    FMT_APACHE_ERROR },
	{ "apache 2.4, with notices",
	    T24 "[mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.41 "
	    "(Ubuntu) configured -- resuming normal operations\n"
	    T24 "[core:notice] [pid 1:tid 2] AH00094: Command line: "
	    "'/usr/sbin/apache2'\n"
	    T24 "[core:error] [pid 3:tid 4] [client 192.0.2.60:44271] "
	    "AH00128: File does not exist: /x\n", FMT_APACHE_ERROR },
	{ "nginx",
	    NGX "[notice] 1#1: using the \"epoll\" event method\n"
	    NGX "[notice] 1#1: nginx/1.24.0\n"
	    NGX "[error] 29#29: *1 open() \"/x\" failed (2: No such file or "
	    "directory), client: 192.0.2.80, server: example.com, request: "
	    "\"GET /x HTTP/1.1\", host: \"example.com\"\n", FMT_NGINX_ERROR },
	{ "combined with an error line",
	    "192.0.2.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" "
	    "200 5 \"-\" \"-\"\n"
	    "192.0.2.2 - - [17/May/2015:10:05:04 +0000] \"GET / HTTP/1.1\" "
	    "200 5 \"-\" \"-\"\n"
	    "[Sat Jun 01 02:17:42 2013] [error] [client 192.0.2.51] x\n",
	    FMT_COMBINED },
};

START_TEST(test_detect)
{
	tu_detect(detect_cases[_i].what, detect_cases[_i].buf,
	    detect_cases[_i].want);
}
END_TEST

START_TEST(test_names)
{
	tu_check_name("apache-error", FMT_APACHE_ERROR);
	tu_check_name("nginx-error", FMT_NGINX_ERROR);
}
END_TEST

/*
 * fail2ban's Apache error log: "# failJSON: {...}" before a line gives
 * its host and local time.  Every line in the file is in the format, and
 * every annotated one gives exactly its host (and time, read as UTC
 * here).  Its syslog lines are of 2005: the clock says so.
 */
static void
fail2ban_line(const char *line, size_t n, const struct tu_failjson *fj,
    void *arg)
{
	int *annotated = arg;
	char got[IP_STRLEN];
	struct logctx ctx;
	struct ip want;
	struct hit h;
	struct tm tm;
	int64_t when = 0;
	int r;

	tu_logctx(&ctx, FMT_APACHE_ERROR, 1);
	syslog_clock_init(&ctx.clock, 1136030400);	/* 2005-12-31 */
	r = logfmt_parse(&ctx, line, n, &h);
	if (n == 0 || line[0] == '#') {
		ck_assert_int_eq(r, FIT_NOCLIENT);
		return;
	}
	ck_assert_msg(r == FIT_EXACT, "not read: %s", line);
	if (fj == NULL || fj->host[0] == '\0')
		return;
	(*annotated)++;
	memset(&tm, 0, sizeof(tm));
	if (strptime(fj->time, "%Y-%m-%dT%H:%M:%S", &tm) != NULL)
		when = (int64_t)timegm(&tm);
	ck_assert_int_eq(ip_parse(fj->host, strlen(fj->host), &want), 0);
	ip_format(&h.ip, got);
	ck_assert_msg(ip_cmp(&h.ip, &want) == 0, "%s, not %s: %s",
	    got, fj->host, line);
	ck_assert_msg(when == 0 || h.when == when,
	    "%lld, not %lld: %s", (long long)h.when, (long long)when,
	    line);
}

START_TEST(test_fail2ban)
{
	int annotated = 0;

	if (tu_failjson_each("logs/fail2ban_apache-auth_annotated.log",
	    fail2ban_line, &annotated) == -1)
		return;
	printf("fail2ban_apache-auth_annotated.log: %d of %d annotated "
	    "lines give their host\n", annotated, annotated);
	fflush(stdout);
	ck_assert_int_gt(annotated, 40);
}
END_TEST

static Suite *
fmt_error_suite(void)
{
	Suite *s = suite_create("fmt_error");
	TCase *tc = tcase_create("lines");

	tcase_add_loop_test(tc, test_line, 0, nitems(lines));
	tcase_add_loop_test(tc, test_line_crlf, 0, nitems(lines));
	tcase_add_loop_test(tc, test_line_cut, 0, nitems(lines));
	tcase_add_test(tc, test_nginx_long);
	tcase_add_test(tc, test_local_time);
	tcase_add_test(tc, test_fallback);
	suite_add_tcase(s, tc);

	tc = tcase_create("detect");
	tcase_add_loop_test(tc, test_detect, 0, nitems(detect_cases));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("realdata");
	tcase_add_test(tc, test_fail2ban);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return tu_run(fmt_error_suite());
}
