/*
 * logformat.c: nginx log_format and Apache LogFormat strings into the
 * patterns --regex takes.  The patterns are checked as strings, then
 * compiled and run on lines for the client, time, size and
 * X-Forwarded-For value they give.  Lines are copied to the very end of
 * a readable page, so a match that reads past a line faults here.
 *
 * main() sets TZ=UTC: Apache's %{format}t times are local time.  With the
 * real-data folder at hand ($IPWHOIS_REALDATA, default ../shared/realdata)
 * its Apache log is read both as -f combined and through the compiled
 * default formats, line by line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipwhois.h"
#include "testutil.h"

#define NO_BYTES	(-1)

/* The documented default formats, as their configuration files spell
 * them (Apache's with \", as in httpd.conf). */
#define NGINX_COMBINED	"$remote_addr - $remote_user [$time_local] " \
	"\"$request\" $status $body_bytes_sent \"$http_referer\" " \
	"\"$http_user_agent\""
#define NGINX_MAIN	NGINX_COMBINED " \"$http_x_forwarded_for\""
#define APACHE_COMMON	"%h %l %u %t \\\"%r\\\" %>s %b"
#define APACHE_COMBINED	APACHE_COMMON " \\\"%{Referer}i\\\" " \
	"\\\"%{User-agent}i\\\""
#define APACHE_VHOST	"%v:%p %h %l %u %t \\\"%r\\\" %>s %O " \
	"\\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\""
/* Pasted as Apache reads it, quotes unescaped. */
#define APACHE_PLAIN	"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" " \
	"\"%{User-agent}i\""
#define APACHE_XFF	APACHE_COMBINED " \\\"%{X-Forwarded-For}i\\\""
/* nginx's escape=json format, the way its documentation shows one. */
#define NGINX_JSON	"{\"time\":\"$time_iso8601\"," \
	"\"remote_addr\":\"$remote_addr\",\"request\":\"$request\"," \
	"\"status\":$status,\"bytes\":$body_bytes_sent," \
	"\"agent\":\"$http_user_agent\",\"xff\":\"$http_x_forwarded_for\"}"

/* Sub-patterns, as logformat.c writes them. */
#define NUM	"(?:-|[\\d.]*)"
#define CLF	"\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}"
#define ISO	"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?" \
	"(?:Z|[+-]\\d{2}:?\\d{2})?"
#define QUOTED	"[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*"
#define LIST	"[^\\s,]*(?:(?:,\\s*| : )[^\\s,]*)*"
/* A field before a blank, and the client after it, last. */
#define BLANK	"(?= |$))"
#define IP_LAST	"(?> (?<ip>\\S*))"

/*
 * What each variable becomes.  Most stand before the client, whose
 * field ends the pattern (the fields after the last group are left out):
 * "X $remote_addr" is "^(?>X(?= |$))(?> (?<ip>\S*))".
 */
static const struct {
	const char *spec, *pattern;
} patterns[] = {
	/* nginx: the client, and which address wins. */
	{ "$remote_addr", "^(?>(?<ip>\\S*))" },
	{ "${remote_addr}", "^(?>(?<ip>\\S*))" },
	{ "$REMOTE_ADDR", "^(?>(?<ip>\\S*))" },
	{ "$realip_remote_addr $remote_addr", "^(?>\\S*" BLANK IP_LAST },
	{ "$remote_addr $realip_remote_addr",
	    "^(?>(?<ip>\\S*)" BLANK },
	{ "$realip_remote_addr $proxy_protocol_addr",
	    "^(?>\\S*" BLANK IP_LAST },
	{ "$proxy_protocol_addr", "^(?>(?<ip>\\S*))" },
	{ "$realip_remote_addr", "^(?>(?<ip>\\S*))" },
	/* nginx: times, sizes, X-Forwarded-For. */
	{ "$time_local $remote_addr", "^(?>(?<time>" CLF ")" BLANK IP_LAST },
	{ "$time_iso8601 $remote_addr",
	    "^(?>(?<time>" ISO ")" BLANK IP_LAST },
	{ "$msec $remote_addr",
	    "^(?>(?<time>\\d+(?:\\.\\d+)?)" BLANK IP_LAST },
	{ "$body_bytes_sent $remote_addr",
	    "^(?>(?<bytes>" NUM ")" BLANK IP_LAST },
	{ "$body_bytes_sent $bytes_sent $remote_addr",
	    "^(?>" NUM BLANK "(?> (?<bytes>" NUM ")" BLANK IP_LAST },
	{ "$http_x_forwarded_for $remote_addr",
	    "^(?>(?<xff>" LIST ")" BLANK IP_LAST },
	{ "\"$http_x_forwarded_for\" $remote_addr",
	    "^(?>\"(?<xff>" QUOTED ")(?=\"|$))(?>\" (?<ip>\\S*))" },
	/* nginx: plain fields of each kind. */
	{ "$status $remote_addr", "^(?>" NUM BLANK IP_LAST },
	{ "$request_time $remote_addr", "^(?>" NUM BLANK IP_LAST },
	{ "$host $remote_addr", "^(?>\\S*" BLANK IP_LAST },
	{ "$server_addr $remote_addr", "^(?>\\S*" BLANK IP_LAST },
	{ "$upstream_addr $remote_addr", "^(?>" LIST BLANK IP_LAST },
	{ "$upstream_response_time $remote_addr",
	    "^(?>" LIST BLANK IP_LAST },
	{ "$remote_user $remote_addr", "^(?>.*?" BLANK IP_LAST },
	{ "$request $remote_addr", "^(?>.*?" BLANK IP_LAST },
	{ "$http_user_agent $remote_addr", "^(?>.*?" BLANK IP_LAST },
	{ "$sent_http_content_type $remote_addr",
	    "^(?>.*?" BLANK IP_LAST },
	{ "$cookie_session $remote_addr", "^(?>.*?" BLANK IP_LAST },
	{ "$arg_q $remote_addr", "^(?>.*?" BLANK IP_LAST },
	{ "$no_such_variable $remote_addr", "^(?>.*?" BLANK IP_LAST },
	{ "\"$http_user_agent\" $remote_addr",
	    "^(?>\"" QUOTED "(?=\"|$))(?>\" (?<ip>\\S*))" },
	{ "\"$host\" $remote_addr",
	    "^(?>\"" QUOTED "(?=\"|$))(?>\" (?<ip>\\S*))" },
	/* nginx: where the client ends; literals escaped. */
	{ "$remote_addr:$remote_port", "^(?>(?<ip>\\S*)(?=:|$))" },
	{ "[$remote_addr] (x)", "^(?>\\[(?<ip>\\S*)(?=\\]|$))" },
	{ "^.|?*+(){}[ $remote_addr",
	    "^(?>\\^\\.\\|\\?\\*\\+\\(\\)\\{\\}\\[ (?<ip>\\S*))" },
	{ "$remote_addr\\t$status", "^(?>(?<ip>\\S*)(?=\\x{09}|$))" },

	/* Apache: the client, and which address wins. */
	{ "%h", "^(?>(?<ip>\\S*))" },
	{ "%a", "^(?>(?<ip>\\S*))" },
	{ "%h %a", "^(?>\\S*" BLANK IP_LAST },
	{ "%{c}a %h", "^(?>\\S*" BLANK IP_LAST },
	{ "%{c}h %{c}a", "^(?>\\S*" BLANK IP_LAST },
	{ "%{c}a", "^(?>(?<ip>\\S*))" },
	{ "%A %h", "^(?>\\S*" BLANK IP_LAST },
	/* Apache: times. */
	{ "%t %h", "^(?>\\[(?<time>" CLF ")\\]" BLANK IP_LAST },
	{ "%{sec}t %h", "^(?>(?<time>\\d+(?:\\.\\d+)?)" BLANK IP_LAST },
	{ "%{begin:sec}t %h",
	    "^(?>(?<time>\\d+(?:\\.\\d+)?)" BLANK IP_LAST },
	{ "%{msec}t %h", "^(?>(?<time>\\d{9,11})\\d{3}" BLANK IP_LAST },
	{ "%{end:usec}t %h", "^(?>(?<time>\\d{9,11})\\d{6}" BLANK IP_LAST },
	{ "%{msec_frac}t %h", "^(?>" NUM BLANK IP_LAST },
	{ "%{%Y-%m-%d %H:%M:%S}t %h", "^(?>(?<time>\\d{4}-\\d{1,2}-"
	    "\\d{1,2} \\d{1,2}:\\d{1,2}:\\d{1,2})" BLANK IP_LAST },
	{ "%{%d/%b/%Y:%H:%M:%S %z}t %h", "^(?>(?<time>\\d{1,2}/[A-Za-z]+/"
	    "\\d{4}:\\d{1,2}:\\d{1,2}:\\d{1,2} [+-]\\d{4})" BLANK IP_LAST },
	{ "%{%FT%T%z}t %h", "^(?>(?<time>\\d{4}-\\d{1,2}-\\d{1,2}T\\d{2}:"
	    "\\d{2}:\\d{2}[+-]\\d{4})" BLANK IP_LAST },
	/* Formats time_any() cannot read: matched, with no time group. */
	{ "%{%d/%m/%Y %H:%M}t %h",
	    "^(?>\\d{1,2}/\\d{1,2}/\\d{4} \\d{1,2}:\\d{1,2}" BLANK IP_LAST },
	{ "%{%H:%M:%S}t %h", "^(?>\\d{1,2}:\\d{1,2}:\\d{1,2}" BLANK IP_LAST },
	/* Apache: sizes, the bytes sent first. */
	{ "%b %h", "^(?>(?<bytes>" NUM ")" BLANK IP_LAST },
	{ "%B %h", "^(?>(?<bytes>" NUM ")" BLANK IP_LAST },
	{ "%b %B %h", "^(?>" NUM BLANK "(?> (?<bytes>" NUM ")" BLANK
	    IP_LAST },
	{ "%B %O %b %h", "^(?>" NUM BLANK "(?> (?<bytes>" NUM ")" BLANK
	    "(?> " NUM BLANK IP_LAST },
	{ "%I %S %h", "^(?>" NUM BLANK "(?> " NUM BLANK IP_LAST },
	/* Apache: headers; X-Forwarded-For whatever its case. */
	{ "%{X-Forwarded-For}i %h", "^(?>(?<xff>" LIST ")" BLANK IP_LAST },
	{ "%{x-forwarded-for}i %h", "^(?>(?<xff>" LIST ")" BLANK IP_LAST },
	{ "\\\"%{X-Forwarded-For}i\\\" %h",
	    "^(?>\"(?<xff>" QUOTED ")(?=\"|$))(?>\" (?<ip>\\S*))" },
	{ "%{Referer}i %h", "^(?>.*?" BLANK IP_LAST },
	{ "%{Set-Cookie}o %{UNIQUE_ID}e %{c}n %{s}C %h", "^(?>.*?" BLANK
	    "(?> .*?" BLANK "(?> .*?" BLANK "(?> .*?" BLANK IP_LAST },
	{ "%{SSL_PROTOCOL}x %{Trailer}^ti %h",
	    "^(?>.*?" BLANK "(?> .*?" BLANK IP_LAST },
	/* Apache: modifiers. */
	{ "%>s %<s %s %h", "^(?>" NUM BLANK "(?> " NUM BLANK "(?> " NUM
	    BLANK IP_LAST },
	{ "%400,501{User-agent}i %h", "^(?>.*?" BLANK IP_LAST },
	{ "%!200,304,302{Referer}i %h", "^(?>.*?" BLANK IP_LAST },
	{ "%!200t %h", "^(?>(?:\\[(?<time>" CLF ")\\]|-)" BLANK IP_LAST },
	{ "%{Referer}400i %h", "^(?>.*?" BLANK IP_LAST },
	/* Apache: the rest of its letters, by kind. */
	{ "%D %T %{ms}T %k %p %{remote}p %^FB %h", "^(?>" NUM BLANK
	    "(?> " NUM BLANK "(?> " NUM BLANK "(?> " NUM BLANK "(?> " NUM
	    BLANK "(?> " NUM BLANK "(?> " NUM BLANK IP_LAST },
	{ "%H %m %v %V %P %{tid}P %L %R %X %h", "^(?>\\S*" BLANK
	    "(?> \\S*" BLANK "(?> \\S*" BLANK "(?> \\S*" BLANK "(?> \\S*"
	    BLANK "(?> \\S*" BLANK "(?> \\S*" BLANK "(?> \\S*" BLANK
	    "(?> \\S*" BLANK IP_LAST },
	{ "%l %u %r %U %q %f %h", "^(?>.*?" BLANK "(?> .*?" BLANK
	    "(?> .*?" BLANK "(?> .*?" BLANK "(?> .*?" BLANK "(?> .*?" BLANK
	    IP_LAST },
	{ "%u %t %h", "^(?>.*?(?= \\[|$))(?> \\[(?<time>" CLF ")\\]" BLANK
	    IP_LAST },
	{ "100%% %h", "^(?>100% (?<ip>\\S*))" },

	/* The default formats whole: the fields after the last group left
	 * out, the quotes pasted either way. */
	{ NGINX_COMBINED, "^(?>(?<ip>\\S*)" BLANK "(?:(?> - .*?(?= \\[|$))"
	    "(?:(?> \\[(?<time>" CLF ")(?=\\]|$))(?:(?>\\] \"" QUOTED
	    "(?=\"|$))(?:(?>\" " NUM BLANK "(?:(?> (?<bytes>" NUM ")" BLANK
	    ")?)?)?)?)?" },
	{ APACHE_COMMON, "^(?>(?<ip>\\S*)" BLANK "(?:(?> .*?" BLANK
	    "(?:(?> .*?(?= \\[|$))(?:(?> \\[(?<time>" CLF ")\\]" BLANK
	    "(?:(?> \"" QUOTED "(?=\"|$))(?:(?>\" " NUM BLANK
	    "(?:(?> (?<bytes>" NUM ")))?)?)?)?)?)?" },
	{ APACHE_COMBINED, "^(?>(?<ip>\\S*)" BLANK "(?:(?> .*?" BLANK
	    "(?:(?> .*?(?= \\[|$))(?:(?> \\[(?<time>" CLF ")\\]" BLANK
	    "(?:(?> \"" QUOTED "(?=\"|$))(?:(?>\" " NUM BLANK
	    "(?:(?> (?<bytes>" NUM ")" BLANK ")?)?)?)?)?)?" },
	{ APACHE_PLAIN, "^(?>(?<ip>\\S*)" BLANK "(?:(?> .*?" BLANK
	    "(?:(?> .*?(?= \\[|$))(?:(?> \\[(?<time>" CLF ")\\]" BLANK
	    "(?:(?> \"" QUOTED "(?=\"|$))(?:(?>\" " NUM BLANK
	    "(?:(?> (?<bytes>" NUM ")" BLANK ")?)?)?)?)?)?" },
	{ APACHE_VHOST, "^(?>\\S*(?=:|$))(?>:" NUM BLANK
	    "(?> (?<ip>\\S*)" BLANK "(?:(?> .*?" BLANK
	    "(?:(?> .*?(?= \\[|$))(?:(?> \\[(?<time>" CLF ")\\]" BLANK
	    "(?:(?> \"" QUOTED "(?=\"|$))(?:(?>\" " NUM BLANK
	    "(?:(?> (?<bytes>" NUM ")" BLANK ")?)?)?)?)?)?" },
	{ NGINX_JSON, "^(?>\\{\"time\":\"(?<time>" ISO ")(?=\"|$))"
	    "(?>\",\"remote_addr\":\"(?<ip>" QUOTED ")(?=\"|$))"
	    "(?:(?>\",\"request\":\"" QUOTED "(?=\"|$))"
	    "(?:(?>\",\"status\":" NUM "(?=,|$))"
	    "(?:(?>,\"bytes\":(?<bytes>" NUM ")(?=,|$))"
	    "(?:(?>,\"agent\":\"" QUOTED "(?=\"|$))"
	    "(?:(?>\",\"xff\":\"(?<xff>" QUOTED ")(?=\"|$)))?)?)?)?)?" },
};

START_TEST(test_pattern)
{
	char err[256] = "";
	char *got = logformat_compile(patterns[_i].spec, err, sizeof(err));
	void *re;

	ck_assert_msg(got != NULL, "%s: %s", patterns[_i].spec, err);
	ck_assert_msg(strcmp(got, patterns[_i].pattern) == 0,
	    "%s:\n got  %s\n want %s", patterns[_i].spec, got,
	    patterns[_i].pattern);
	re = logfmt_regex_compile(got, err, sizeof(err));
	ck_assert_msg(re != NULL, "%s: %s", got, err);
	logfmt_regex_free(re);
	free(got);
}
END_TEST

/*
 * Lines through the compiled formats.  ip NULL: the line is rejected;
 * when 0: no time; bytes NO_BYTES: no size; xff NULL: none (the value
 * is always asked for).
 */
static const struct {
	const char *spec, *line, *ip;
	int64_t when, bytes;
	const char *xff;
} lines[] = {
	{ NGINX_COMBINED, "203.0.113.7 - - [12/Mar/2024:06:25:11 +0000] "
	    "\"GET / HTTP/1.1\" 200 5321 \"-\" \"Mozilla/5.0 (X11; Linux "
	    "x86_64; rv:123.0) Gecko/20100101 Firefox/123.0\"",
	    "203.0.113.7", 1710224711, 5321, NULL },
	{ NGINX_COMBINED, "2001:db8::1 - alice [10/Oct/2000:13:55:36 -0700] "
	    "\"GET /a.gif HTTP/1.0\" 200 2326 \"http://example.org/\" \"-\"",
	    "2001:db8::1", 971211336, 2326, NULL },
	/* A user name with a blank in it; quotes escaped in the request. */
	{ NGINX_COMBINED, "192.0.2.1 - john doe [10/Oct/2000:13:55:36 -0700] "
	    "\"GET /a\\\"b HTTP/1.1\" 200 77 \"-\" \"x\"",
	    "192.0.2.1", 971211336, 77, NULL },
	{ NGINX_COMBINED, "192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "
	    "\"GET /a\\\\\" 304 0 \"-\" \"-\"", "192.0.2.1", 971211336, 0,
	    NULL },
	/* Cut short: what came before the cut counts. */
	{ NGINX_COMBINED, "192.0.2.1", "192.0.2.1", 0, NO_BYTES, NULL },
	{ NGINX_COMBINED, "192.0.2.1 -", "192.0.2.1", 0, NO_BYTES, NULL },
	{ NGINX_COMBINED, "192.0.2.1 - - [17/May/2015:10:05:03 +0000",
	    "192.0.2.1", 1431857103, NO_BYTES, NULL },
	{ NGINX_COMBINED, "192.0.2.1 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET /very/long/and/cut", "192.0.2.1", 1431857103, NO_BYTES,
	    NULL },
	{ NGINX_COMBINED, "192.0.2.1 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 55", "192.0.2.1", 1431857103, 55, NULL },
	{ NGINX_COMBINED, "192.0.2.1 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 ", "192.0.2.1", 1431857103, NO_BYTES,
	    NULL },
	/* A field out of shape ends what is read; a time in shape but
	 * not a date is none, and the rest is read. */
	{ NGINX_COMBINED, "192.0.2.1 - - [17/May/2015:10:05 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", "192.0.2.1", 0, NO_BYTES,
	    NULL },
	{ NGINX_COMBINED, "192.0.2.1 - - [17/Foo/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", "192.0.2.1", 0, 5, NULL },
	/* No address where the client is: rejected, whatever the line
	 * holds elsewhere. */
	{ NGINX_COMBINED, "- - - [17/May/2015:10:05:03 +0000] "
	    "\"GET http://192.0.2.9/ HTTP/1.1\" 200 5 \"-\" \"192.0.2.8\"",
	    NULL, 0, 0, NULL },
	{ NGINX_COMBINED, "220-135-151-1.hinet-ip.hinet.net - - "
	    "[17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" "
	    "\"-\"", NULL, 0, 0, NULL },
	{ NGINX_COMBINED, "192.0.2.1x - - [17/May/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", NULL, 0, 0, NULL },
	{ NGINX_COMBINED, "999.1.2.3 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", NULL, 0, 0, NULL },
	{ NGINX_COMBINED, "garbage", NULL, 0, 0, NULL },
	{ NGINX_COMBINED, "", NULL, 0, 0, NULL },

	/* nginx "main": the quoted X-Forwarded-For after the agent. */
	{ NGINX_MAIN, "10.0.0.1 - - [05/Feb/2024:10:00:02 +0000] "
	    "\"GET /a HTTP/1.1\" 200 200 \"-\" \"Mozilla/5.0\" "
	    "\"198.51.100.1, 10.0.0.2\"", "10.0.0.1", 1707127202, 200,
	    "198.51.100.1, 10.0.0.2" },
	{ NGINX_MAIN, "10.0.0.1 - - [05/Feb/2024:10:00:02 +0000] "
	    "\"GET /a HTTP/1.1\" 200 200 \"-\" \"Mozilla/5.0\" "
	    "\"x\\\" 9.9.9.9,  198.51.100.2 \"", "10.0.0.1", 1707127202, 200,
	    "x\\\" 9.9.9.9,  198.51.100.2 " },
	{ NGINX_MAIN, "10.0.0.1 - - [05/Feb/2024:10:00:02 +0000] "
	    "\"GET /a HTTP/1.1\" 200 200 \"-\" \"Mozilla/5.0\" \"-\"",
	    "10.0.0.1", 1707127202, 200, "-" },
	{ NGINX_MAIN, "10.0.0.1 - - [05/Feb/2024:10:00:02 +0000] "
	    "\"GET /a HTTP/1.1\" 200 200 \"-\" \"Mozilla/5.0\"",
	    "10.0.0.1", 1707127202, 200, NULL },

	/* nginx escape=json: addresses inside the request are text. */
	{ NGINX_JSON, "{\"time\":\"2024-03-12T06:25:11+00:00\","
	    "\"remote_addr\":\"2001:db8::5\",\"request\":\"GET /?q=\\\""
	    "192.0.2.7\\\" HTTP/1.1\",\"status\":200,\"bytes\":612,"
	    "\"agent\":\"curl/8.5.0\",\"xff\":\"\"}", "2001:db8::5",
	    1710224711, 612, "" },
	{ NGINX_JSON, "{\"time\":\"2024-03-12T07:25:11+01:00\","
	    "\"remote_addr\":\"\",\"request\":\"GET / HTTP/1.1\"}",
	    NULL, 0, 0, NULL },

	/* nginx: an IPv6 client with a port after it, epoch time. */
	{ "$remote_addr:$remote_port $msec $status $bytes_sent",
	    "2001:db8::9:5555 1710224711.123 200 640", "2001:db8::9",
	    1710224711, 640, NULL },
	{ "$remote_addr:$remote_port $msec $status $bytes_sent",
	    "192.0.2.9:5555 1710224711.123 200 640", "192.0.2.9",
	    1710224711, 640, NULL },
	/* nginx: a PROXY protocol client, the balancer's address first. */
	{ "$realip_remote_addr $proxy_protocol_addr [$time_iso8601] "
	    "$upstream_addr $body_bytes_sent", "10.0.0.5 198.51.100.7 "
	    "[2024-03-12T06:25:11Z] 10.1.0.1:80, 10.1.0.2:80 : "
	    "unix:/tmp/sock 1234", "198.51.100.7", 1710224711, 1234, NULL },

	/* Apache combined, \" and " alike. */
	{ APACHE_COMBINED, "192.0.2.33 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET /images/kibana.png HTTP/1.1\" 200 203023 "
	    "\"http://example.org/\" \"Mozilla/5.0 (X11)\"",
	    "192.0.2.33", 1431857103, 203023, NULL },
	{ APACHE_PLAIN, "192.0.2.33 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET /images/kibana.png HTTP/1.1\" 200 203023 "
	    "\"http://example.org/\" \"Mozilla/5.0 (X11)\"",
	    "192.0.2.33", 1431857103, 203023, NULL },
	{ APACHE_COMBINED, "::1 - - [17/May/2015:10:05:03 +0000] \"-\" 408 - "
	    "\"-\" \"-\"", "::1", 1431857103, 0, NULL },
	/* HostnameLookups On: a name, not an address. */
	{ APACHE_COMBINED, "crawl-66-249-66-1.googlebot.com - - "
	    "[17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" "
	    "\"-\"", NULL, 0, 0, NULL },
	{ APACHE_COMMON, "192.0.2.10 - frank [10/Oct/2023:13:55:36 -0700] "
	    "\"GET /apache_pb.gif HTTP/1.0\" 200 2326", "192.0.2.10",
	    1696971336, 2326, NULL },
	{ APACHE_COMMON, "192.0.2.99 - - [10/Oct/2023:13:55:36 -0700] "
	    "\"GET /missing HTTP/1.0\" 404 -", "192.0.2.99", 1696971336, 0,
	    NULL },
	{ APACHE_VHOST, "www.example.org:443 2001:db8:cafe::17 - - "
	    "[10/Oct/2023:15:56:30 +0200] \"GET /feed/ HTTP/1.1\" 304 512 "
	    "\"-\" \"FreshRSS/1.21.0\"", "2001:db8:cafe::17", 1696946190,
	    512, NULL },
	/* Not in the format: the port is missing. */
	{ APACHE_VHOST, "shop.example.org 203.0.113.200 - - "
	    "[10/Oct/2023:13:57:00 +0000] \"GET /robots.txt HTTP/1.1\" 200 30 "
	    "\"-\" \"-\"", NULL, 0, 0, NULL },
	{ APACHE_XFF, "10.0.0.1 - - [05/Feb/2024:10:00:02 +0000] "
	    "\"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.5.0\" "
	    "\"203.0.113.10, 10.0.0.2\"", "10.0.0.1", 1707127202, 612,
	    "203.0.113.10, 10.0.0.2" },
	/* X-Forwarded-For unquoted, before the client. */
	{ "%{X-Forwarded-For}i %h %l %u %t \\\"%r\\\" %>s %b",
	    "203.0.113.10, 10.0.0.2 10.0.0.1 - - [05/Feb/2024:10:00:02 "
	    "+0000] \"GET / HTTP/1.1\" 200 612", "10.0.0.1", 1707127202, 612,
	    "203.0.113.10, 10.0.0.2" },
	{ "%{X-Forwarded-For}i %h %l %u %t \\\"%r\\\" %>s %b",
	    "- 10.0.0.1 - - [05/Feb/2024:10:00:02 +0000] \"GET / HTTP/1.1\" "
	    "200 612", "10.0.0.1", 1707127202, 612, "-" },
	/* Apache strftime times: read when time_any() can, else none. */
	{ "%h %{%Y-%m-%d %H:%M:%S}t \\\"%r\\\" %>s %B",
	    "192.0.2.5 2024-03-12 06:25:11 \"GET / HTTP/1.1\" 200 1234",
	    "192.0.2.5", 1710224711, 1234, NULL },
	{ "%h [%{%d/%m/%Y %H:%M}t] \\\"%r\\\" %>s %b",
	    "192.0.2.5 [12/03/2024 06:25] \"GET / HTTP/1.1\" 200 99",
	    "192.0.2.5", 0, 99, NULL },
	{ "%a %{msec}t %>s %b", "192.0.2.5 1710224711123 200 5",
	    "192.0.2.5", 1710224711, 5, NULL },
	{ "%a %{usec}t %>s %b", "192.0.2.5 1710224711123456 200 5",
	    "192.0.2.5", 1710224711, 5, NULL },
	/* mod_remoteip: %a is the client, %{c}a the proxy. */
	{ "%{c}a %a %t %O", "10.0.0.1 198.51.100.3 "
	    "[12/Mar/2024:06:25:11 +0000] 700", "198.51.100.3", 1710224711,
	    700, NULL },
	/* A status condition unmet: "-" in place of the time. */
	{ "%h %!200t %b", "192.0.2.5 - 20", "192.0.2.5", 0, 20, NULL },
};

START_TEST(test_line)
{
	const char *line = lines[_i].line;
	size_t n = strlen(line);
	char err[256] = "", got[IP_STRLEN];
	char *pattern = logformat_compile(lines[_i].spec, err, sizeof(err));
	struct logctx ctx;
	struct hit h;
	enum fit fit;

	ck_assert_msg(pattern != NULL, "%s: %s", lines[_i].spec, err);
	memset(&ctx, 0, sizeof(ctx));
	logfmt_set(&ctx, FMT_REGEX);
	syslog_clock_init(&ctx.clock, 1710224711);
	ctx.want_xff = 1;
	ctx.regex = logfmt_regex_compile(pattern, err, sizeof(err));
	ck_assert_msg(ctx.regex != NULL, "%s: %s", pattern, err);
	fit = logfmt_parse(&ctx, tu_guarded(line, n), n, &h);
	if (lines[_i].ip == NULL) {
		ck_assert_msg(fit < FIT_PARTIAL, "\"%s\" read", line);
		goto done;
	}
	ck_assert_msg(fit >= FIT_PARTIAL, "\"%s\" rejected", line);
	ip_format(&h.ip, got);
	ck_assert_str_eq(got, lines[_i].ip);
	ck_assert_msg(h.when == lines[_i].when, "\"%s\": time %lld, want "
	    "%lld", line, (long long)h.when, (long long)lines[_i].when);
	if (lines[_i].bytes == NO_BYTES)
		ck_assert_msg(!h.has_bytes, "\"%s\": bytes %llu", line,
		    (unsigned long long)h.bytes);
	else {
		ck_assert_msg(h.has_bytes, "\"%s\": no bytes", line);
		ck_assert_uint_eq(h.bytes, (uint64_t)lines[_i].bytes);
	}
	if (lines[_i].xff == NULL)
		ck_assert_msg(h.xff == NULL, "\"%s\": xff \"%.*s\"", line,
		    (int)h.xff_len, h.xff);
	else {
		ck_assert_msg(h.xff != NULL, "\"%s\": no xff", line);
		ck_assert_msg(h.xff_len == strlen(lines[_i].xff) &&
		    memcmp(h.xff, lines[_i].xff, h.xff_len) == 0,
		    "\"%s\": xff \"%.*s\"", line, (int)h.xff_len, h.xff);
	}
done:
	logfmt_regex_free(ctx.regex);
	free(pattern);
}
END_TEST

/* What cannot be compiled, and the message naming why. */
static const struct {
	const char *spec, *err;
} bad[] = {
	{ "%h %Z", "%Z: not an Apache LogFormat directive" },
	{ "%h %{foo}Z x", "%{foo}Z: not an Apache LogFormat directive" },
	{ "%h %400,501{User-agent}j",
	    "%400,501{User-agent}j: not an Apache LogFormat directive" },
	{ "%h %^zz", "%^zz: not an Apache LogFormat directive" },
	{ "%h %{Referer", "%{Referer: no closing '}'" },
	{ "%h \\\"%{User-agent i\\\"", "%{User-agent: no closing '}'" },
	{ "%h %", "'%' at the end names no directive" },
	{ "%h %>", "'%>' at the end names no directive" },
	{ "%l %u %t \\\"%r\\\" %>s %b",
	    "no client address in the format: it needs %a, %h or %{c}a" },
	{ "%{Client-IP}i %A %t",
	    "no client address in the format: it needs %a, %h or %{c}a" },
	{ "$remote_user [$time_local] \"$request\" $http_x_forwarded_for",
	    "no client address in the format: it needs $remote_addr, "
	    "$proxy_protocol_addr or $realip_remote_addr" },
	{ "$binary_remote_addr - [$time_local]", "$binary_remote_addr: the "
	    "address in binary cannot be read from a text log; log "
	    "$remote_addr" },
	{ "$remote_addr ${time_local", "${time_local: no closing '}'" },
	{ "$remote_addr $ $status", "'$' names no variable" },
	{ "${} $remote_addr", "'${}' names no variable" },
	{ "%h\\n", "\\n: a record over several lines cannot be read line "
	    "by line" },
	{ "", "no variable in the format: nginx names the client "
	    "$remote_addr, Apache %h or %a" },
	{ "just text", "no variable in the format: nginx names the client "
	    "$remote_addr, Apache %h or %a" },
};

START_TEST(test_bad)
{
	char err[256] = "";
	char *got = logformat_compile(bad[_i].spec, err, sizeof(err));

	ck_assert_msg(got == NULL, "%s: compiled into %s", bad[_i].spec, got);
	ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

/*
 * A format of n variables: the client, statuses, and the size last, so
 * that every field after the client is nested in the one before.
 */
static char *
many(int n)
{
	char *s = malloc((size_t)n * 3 + 1), *p = s;

	p += sprintf(p, "%%h");
	for (int i = 2; i < n; i++)
		p += sprintf(p, " %%s");
	sprintf(p, " %%b");
	return s;
}

/* As many fields as PCRE2 can nest, and one more is refused. */
START_TEST(test_many_fields)
{
	char err[256] = "", *spec = many(200), *pattern;
	void *re;

	pattern = logformat_compile(spec, err, sizeof(err));
	ck_assert_msg(pattern != NULL, "%s", err);
	re = logfmt_regex_compile(pattern, err, sizeof(err));
	ck_assert_msg(re != NULL, "%s", err);
	logfmt_regex_free(re);
	free(pattern);
	free(spec);
	spec = many(201);
	ck_assert_ptr_null(logformat_compile(spec, err, sizeof(err)));
	ck_assert_str_eq(err, "more than 200 variables");
	free(spec);
}
END_TEST

/*
 * Apache writes %{format}t in local time: whether time_any() reads it is
 * decided in the zone the program runs in, and the time read is UTC.
 */
START_TEST(test_strftime_zone)
{
	const char *line = "2021-11-24 01:17:05 192.0.2.1";
	size_t n = strlen(line);
	char err[256] = "", *pattern;
	struct logctx ctx;
	struct hit h;

	setenv("TZ", "IST-5:30", 1);
	tzset();
	pattern = logformat_compile("%{%Y-%m-%d %H:%M:%S}t %h", err,
	    sizeof(err));
	ck_assert_msg(pattern != NULL && strstr(pattern, "(?<time>") != NULL,
	    "%s", pattern ? pattern : err);
	memset(&ctx, 0, sizeof(ctx));
	logfmt_set(&ctx, FMT_REGEX);
	syslog_clock_init(&ctx.clock, 1637696825);
	ctx.regex = logfmt_regex_compile(pattern, err, sizeof(err));
	ck_assert_ptr_nonnull(ctx.regex);
	ck_assert_int_ge(logfmt_parse(&ctx, tu_guarded(line, n), n, &h),
	    FIT_PARTIAL);
	ck_assert_int_eq(h.when, 1637696825);
	logfmt_regex_free(ctx.regex);
	free(pattern);
	setenv("TZ", "UTC", 1);
	tzset();
}
END_TEST

/*
 * The real Apache log, line by line: -f combined and the default
 * formats compiled (Apache's and nginx's, which write the same lines)
 * read the same client, time and size from every line.
 */
static void
same_as_combined(const char *spec)
{
	char err[256] = "", *pattern, *buf, *p, *nl;
	struct logctx clf, re;
	size_t len, lines_read = 0;

	if ((buf = tu_realdata_file("logs/elastic_apache_logs.log", &len)) ==
	    NULL)
		return;
	pattern = logformat_compile(spec, err, sizeof(err));
	ck_assert_msg(pattern != NULL, "%s", err);
	memset(&clf, 0, sizeof(clf));
	memset(&re, 0, sizeof(re));
	logfmt_set(&clf, FMT_COMBINED);
	logfmt_set(&re, FMT_REGEX);
	re.regex = logfmt_regex_compile(pattern, err, sizeof(err));
	ck_assert_ptr_nonnull(re.regex);
	for (p = buf; p < buf + len; p = nl + 1) {
		struct hit a, b;
		enum fit fa, fb;

		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		fa = logfmt_parse(&clf, p, (size_t)(nl - p), &a);
		fb = logfmt_parse(&re, p, (size_t)(nl - p), &b);
		ck_assert_msg((fa >= FIT_PARTIAL) == (fb >= FIT_PARTIAL),
		    "%.*s", (int)(nl - p), p);
		if (fa < FIT_PARTIAL)
			continue;
		ck_assert_msg(ip_cmp(&a.ip, &b.ip) == 0 && a.when == b.when &&
		    a.has_bytes == b.has_bytes &&
		    (!a.has_bytes || a.bytes == b.bytes), "%.*s",
		    (int)(nl - p), p);
		lines_read++;
	}
	ck_assert_uint_eq(lines_read, 10000);
	logfmt_regex_free(re.regex);
	free(pattern);
	free(buf);
}

START_TEST(test_realdata_apache)
{
	same_as_combined(APACHE_COMBINED);
}
END_TEST

START_TEST(test_realdata_nginx)
{
	same_as_combined(NGINX_COMBINED);
}
END_TEST

static Suite *
logformat_suite(void)
{
	Suite *s = suite_create("logformat");
	TCase *tc = tcase_create("patterns");

	tcase_add_loop_test(tc, test_pattern, 0, nitems(patterns));
	tcase_add_test(tc, test_many_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_add_loop_test(tc, test_line, 0, nitems(lines));
	tcase_add_test(tc, test_strftime_zone);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_bad, 0, nitems(bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("realdata");
	tcase_add_test(tc, test_realdata_apache);
	tcase_add_test(tc, test_realdata_nginx);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	/* Apache's %{format}t times are local: make local UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	return tu_run(logformat_suite());
}
