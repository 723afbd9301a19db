/*
 * fmt_w3c.c: the formats whose header names the columns.  IIS's W3C
 * extended log, CloudFront's standard logs and Cloud Storage usage logs,
 * each line written here after the format's documentation: a header, then
 * a line, then what it must give.  Every line is read at the very end of
 * a readable page (tu_guarded), so reading past it faults.
 *
 * With the real-data folder at hand, filebeat's IIS test logs are read
 * as the parser reads a file: detection, then every line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipwhois.h"
#include "testutil.h"

#define MAR10		1710028800	/* 2024-03-10T00:00:00Z */
#define MAR10_NOON	(MAR10 + 12 * 3600)
#define NO_BYTES	(-1)

/* IIS 10's default selection of fields: no sc-bytes. */
#define IIS_DEFAULT \
	"#Software: Microsoft Internet Information Services 10.0\n" \
	"#Version: 1.0\n" \
	"#Date: 2024-03-10 12:00:00\n" \
	"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port " \
	"cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus " \
	"sc-win32-status time-taken"
/* Every field IIS offers, c-ip two columns further on. */
#define IIS_FULL \
	"#Fields: date time s-sitename s-computername s-ip cs-method " \
	"cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version " \
	"cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status " \
	"sc-substatus sc-win32-status sc-bytes cs-bytes time-taken"
/* An IIS 8.5 custom field for the header a load balancer adds. */
#define IIS_XFF \
	"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port " \
	"c-ip cs(User-Agent) sc-status sc-bytes time-taken X-Forwarded-For"
#define UA	"Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36"
/* date time s-ip ... c-ip: the IIS_DEFAULT line of client ip. */
#define IIS_LINE(ip) \
	"2024-03-10 12:00:00 10.0.0.5 GET /index.html - 443 - " ip " " UA \
	" - 200 0 0 15"
#define IIS_FULL_LINE(ip, bytes) \
	"2024-03-10 12:00:00 W3SVC1 WEB01 10.0.0.5 GET / q=1 443 - " ip \
	" HTTP/1.1 " UA " - - www.example.com 200 0 0 " bytes " 512 31"

/* CloudFront's 33 fields, as its documentation lists them. */
#define CF_HEADER \
	"#Version: 1.0\n" \
	"#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) " \
	"cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query " \
	"cs(Cookie) x-edge-result-type x-edge-request-id x-host-header " \
	"cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol " \
	"ssl-cipher x-edge-response-result-type cs-protocol-version " \
	"fle-status fle-encrypted-fields c-port time-to-first-byte " \
	"x-edge-detailed-result-type sc-content-type sc-content-len " \
	"sc-range-start sc-range-end"
#define CF_LINE(bytes, ip, xff) \
	"2024-03-10\t12:00:00\tFRA56-P1\t" bytes "\t" ip "\tGET\t" \
	"d2abcdefexample.cloudfront.net\t/index.html\t200\t-\t" \
	"Mozilla/5.0%20(X11;%20Linux%20x86_64)\t-\t-\tHit\t" \
	"kE3rq0exampleQw==\twww.example.com\thttps\t61\t0.002\t" xff "\t" \
	"TLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t50312\t" \
	"0.002\tHit\ttext/html\t2057\t-\t-"

/* Cloud Storage's header, and a line of its 17 fields. */
#define GCS_HEADER \
	"\"time_micros\",\"c_ip\",\"c_ip_type\",\"c_ip_region\"," \
	"\"cs_method\",\"cs_uri\",\"sc_status\",\"cs_bytes\",\"sc_bytes\"," \
	"\"time_taken_micros\",\"cs_host\",\"cs_referer\",\"cs_user_agent\"," \
	"\"s_request_id\",\"cs_operation\",\"cs_bucket\",\"cs_object\""
#define GCS_LINE(micros, ip, bytes, ua) \
	"\"" micros "\",\"" ip "\",\"1\",\"\",\"GET\"," \
	"\"/example-bucket/a.png\",\"200\",\"0\",\"" bytes "\",\"52000\"," \
	"\"storage.googleapis.com\",\"\",\"" ua "\",\"ADPycdtExample\"," \
	"\"GET_Object\",\"example-bucket\",\"a.png\""

static void
ctx_init(struct logctx *ctx, enum logfmt fmt)
{
	tu_logctx(ctx, fmt, 0);
	syslog_clock_init(&ctx->clock, MAR10);
}

/* Each line of text (at most 4 KB each) through logfmt_parse; the last
 * line's fit, and its hit in *h. */
static enum fit
feed(struct logctx *ctx, const char *text, struct hit *h)
{
	enum fit fit = FIT_NONE;

	while (text != NULL && *text != '\0') {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		memset(h, 0x55, sizeof(*h));
		fit = logfmt_parse(ctx, tu_guarded(text, n), n, h);
		text = nl ? nl + 1 : NULL;
	}
	return fit;
}

/* header: read first (NULL: none).  ip: the client, for fits that have
 * one.  bytes NO_BYTES: the line gives no size. */
struct row_case {
	enum logfmt fmt;
	const char *header, *line;
	enum fit fit;
	const char *ip;
	int64_t when, bytes;
};

static const struct row_case rows[] = {
	/* IIS: the client is c-ip, never s-ip, the first address. */
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("203.0.113.9"), FIT_EXACT,
	    "203.0.113.9", MAR10_NOON, NO_BYTES },
	/* Addresses in what the client sent: never the client. */
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 12:00:00 10.0.0.5 GET "
	    "/192.0.2.97 ip=192.0.2.98 443 198.51.100.250 203.0.113.9 "
	    "Mozilla/5.0+(scanner;+from+192.0.2.99) http://220-135-151-1."
	    "hinet-ip.hinet.net/ 200 0 0 15", FIT_EXACT,
	    "203.0.113.9", MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("2001:0db8:0000:0000:0000:0000:"
	    "0000:0001"), FIT_EXACT, "2001:db8::1", MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("2001:DB8::A"), FIT_EXACT,
	    "2001:db8::a", MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("::1%0"), FIT_EXACT, "::1",
	    MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("fe80::1%eth0"), FIT_EXACT,
	    "fe80::1", MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("::ffff:192.0.2.5"), FIT_EXACT,
	    "192.0.2.5", MAR10_NOON, NO_BYTES },
	/* "-": the line names nobody. */
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("-"), FIT_NOCLIENT, NULL, 0, 0 },
	/* A c-ip that is not an address rejects the line. */
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("220-135-151-1.hinet-ip.hinet.net"),
	    FIT_NONE, NULL, 0, 0 },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("[10.100.118.31](http://10.100."
	    "118.31)"), FIT_NONE, NULL, 0, 0 },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("192.0.2.1.5"), FIT_NONE, NULL,
	    0, 0 },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("256.1.1.1"), FIT_NONE, NULL, 0, 0 },
	/* An empty column says what "-" says. */
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE(""), FIT_NOCLIENT, NULL, 0, 0 },
	/* Another number of columns: rejected, however the rest reads. */
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 12:00:00 10.0.0.5 GET / - 443 "
	    "- 203.0.113.9 " UA " - 200 0 0", FIT_NONE, NULL, 0, 0 },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("203.0.113.9") " 7", FIT_NONE, NULL,
	    0, 0 },
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("203.0.113.9") " ", FIT_NONE, NULL,
	    0, 0 },
	/* A space the writer did not escape would move c-ip: rejected. */
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 12:00:00 10.0.0.5 GET / - 443 "
	    "a 192.0.2.66 203.0.113.9 " UA " - 200 0 0 15", FIT_NONE, NULL,
	    0, 0 },
	/* Times: seconds are optional, fractions allowed; a bad one makes
	 * the line partial and the time unknown. */
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 12:00:00.123 10.0.0.5 GET / - "
	    "443 - 203.0.113.9 - - 200 0 0 15", FIT_EXACT, "203.0.113.9",
	    MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 23:59 10.0.0.5 GET / - 443 - "
	    "203.0.113.9 - - 200 0 0 15", FIT_EXACT, "203.0.113.9",
	    MAR10 + 86340, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "2024-02-29 00:00:01 10.0.0.5 GET / - 443 - "
	    "203.0.113.9 - - 200 0 0 15", FIT_EXACT, "203.0.113.9",
	    MAR10 - 10 * 86400 + 1, NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "2024-13-10 12:00:00 10.0.0.5 GET / - 443 - "
	    "203.0.113.9 - - 200 0 0 15", FIT_PARTIAL, "203.0.113.9", 0,
	    NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "2024/03/10 12:00:00 10.0.0.5 GET / - 443 - "
	    "203.0.113.9 - - 200 0 0 15", FIT_PARTIAL, "203.0.113.9", 0,
	    NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 24:00:00 10.0.0.5 GET / - 443 - "
	    "203.0.113.9 - - 200 0 0 15", FIT_PARTIAL, "203.0.113.9", 0,
	    NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 12:00:0 10.0.0.5 GET / - 443 - "
	    "203.0.113.9 - - 200 0 0 15", FIT_PARTIAL, "203.0.113.9", 0,
	    NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "2024-03-10 12:00:00. 10.0.0.5 GET / - 443 "
	    "- 203.0.113.9 - - 200 0 0 15", FIT_PARTIAL, "203.0.113.9", 0,
	    NO_BYTES },
	{ FMT_W3C, IIS_DEFAULT, "1969-12-31 12:00:00 10.0.0.5 GET / - 443 - "
	    "203.0.113.9 - - 200 0 0 15", FIT_PARTIAL, "203.0.113.9", 0,
	    NO_BYTES },
	/* sc-bytes: a size, or "-" for none. */
	{ FMT_W3C, IIS_FULL, IIS_FULL_LINE("198.51.100.23", "1234"),
	    FIT_EXACT, "198.51.100.23", MAR10_NOON, 1234 },
	{ FMT_W3C, IIS_FULL, IIS_FULL_LINE("2001:db8::23", "0"), FIT_EXACT,
	    "2001:db8::23", MAR10_NOON, 0 },
	{ FMT_W3C, IIS_FULL, IIS_FULL_LINE("198.51.100.23", "-"), FIT_EXACT,
	    "198.51.100.23", MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_FULL, IIS_FULL_LINE("198.51.100.23", "12x"),
	    FIT_PARTIAL, "198.51.100.23", MAR10_NOON, NO_BYTES },
	{ FMT_W3C, IIS_FULL, IIS_FULL_LINE("198.51.100.23",
	    "123456789012345678901"), FIT_PARTIAL, "198.51.100.23",
	    MAR10_NOON, NO_BYTES },
	/* The lines of one layout under another's header. */
	{ FMT_W3C, IIS_FULL, IIS_LINE("203.0.113.9"), FIT_NONE, NULL, 0, 0 },
	{ FMT_W3C, IIS_DEFAULT, IIS_FULL_LINE("198.51.100.23", "1"), FIT_NONE,
	    NULL, 0, 0 },
	/* No header yet, or one without c-ip, or an empty one: no client. */
	{ FMT_W3C, NULL, IIS_LINE("203.0.113.9"), FIT_NONE, NULL, 0, 0 },
	{ FMT_W3C, "#Fields: date time s-ip cs-method",
	    "2024-03-10 12:00:00 10.0.0.5 GET", FIT_NONE, NULL, 0, 0 },
	{ FMT_W3C, "#Fields:", "2024-03-10", FIT_NONE, NULL, 0, 0 },
	{ FMT_W3C, IIS_DEFAULT "\n#Fields:  ", IIS_LINE("203.0.113.9"),
	    FIT_NONE, NULL, 0, 0 },
	/* Field names in any case; a one-column layout. */
	{ FMT_W3C, "#Fields: C-IP", "192.0.2.4", FIT_EXACT, "192.0.2.4", 0,
	    NO_BYTES },
	{ FMT_W3C, "#Fields: DATE TIME C-IP SC-BYTES",
	    "2024-03-10 12:00:00 192.0.2.4 99", FIT_EXACT, "192.0.2.4",
	    MAR10_NOON, 99 },
	/* A second c-ip column: the first is the one read. */
	{ FMT_W3C, "#Fields: c-ip s-ip c-ip", "192.0.2.4 10.0.0.5 192.0.2.5",
	    FIT_EXACT, "192.0.2.4", 0, NO_BYTES },
	/* Tabs between the names: tabs between the columns. */
	{ FMT_W3C, "#Fields:\tdate\ttime\tc-ip\tsc-bytes",
	    "2024-03-10\t12:00:00\t192.0.2.7\t55", FIT_EXACT, "192.0.2.7",
	    MAR10_NOON, 55 },
	{ FMT_W3C, "#Fields:\tdate\ttime\tc-ip\tsc-bytes",
	    "2024-03-10 12:00:00 192.0.2.7 55", FIT_NONE, NULL, 0, 0 },
	/* A line with no space under a space-separated header: tabs. */
	{ FMT_W3C, "#Fields: date time c-ip sc-bytes",
	    "2024-03-10\t12:00:00\t192.0.2.7\t55", FIT_EXACT, "192.0.2.7",
	    MAR10_NOON, 55 },
	/* A byte order mark before the first directive. */
	{ FMT_W3C, "\xef\xbb\xbf#Software: Microsoft Internet Information "
	    "Services 10.0\n\xef\xbb\xbf#Fields: c-ip", "192.0.2.4",
	    FIT_EXACT, "192.0.2.4", 0, NO_BYTES },

	/* Directives name nobody. */
	{ FMT_W3C, NULL, "#Software: Microsoft Internet Information Services "
	    "10.0", FIT_NOCLIENT, NULL, 0, 0 },
	{ FMT_W3C, NULL, "#Version: 1.0", FIT_NOCLIENT, NULL, 0, 0 },
	{ FMT_W3C, NULL, "#Date: 2024-03-10 12:00:00", FIT_NOCLIENT, NULL,
	    0, 0 },
	{ FMT_W3C, NULL, "#Start-Date: 2024-03-10 12:00:00", FIT_NOCLIENT,
	    NULL, 0, 0 },
	{ FMT_W3C, NULL, "#End-Date: 2024-03-10 13:00:00", FIT_NOCLIENT,
	    NULL, 0, 0 },
	{ FMT_W3C, NULL, "#Remark: 192.0.2.1 was here", FIT_NOCLIENT, NULL,
	    0, 0 },
	{ FMT_W3C, NULL, "#Fields: date time c-ip", FIT_NOCLIENT, NULL, 0, 0 },
	/* Not a directive: a comment, when counting. */
	{ FMT_W3C, NULL, "# 192.0.2.1", FIT_NOCLIENT, NULL, 0, 0 },
	{ FMT_W3C, NULL, "#", FIT_NOCLIENT, NULL, 0, 0 },

	/* CloudFront: tabs, c-ip, sc-bytes. */
	{ FMT_CLOUDFRONT, CF_HEADER, CF_LINE("2310", "192.0.2.100", "-"),
	    FIT_EXACT, "192.0.2.100", MAR10_NOON, 2310 },
	{ FMT_CLOUDFRONT, CF_HEADER, CF_LINE("0", "2001:db8:cf::1",
	    "203.0.113.31"), FIT_EXACT, "2001:db8:cf::1", MAR10_NOON, 0 },
	{ FMT_CLOUDFRONT, CF_HEADER, CF_LINE("2310", "-", "-"), FIT_NOCLIENT,
	    NULL, 0, 0 },
	{ FMT_CLOUDFRONT, CF_HEADER, CF_LINE("2310", "d2abcdef.example",
	    "-"), FIT_NONE, NULL, 0, 0 },
	/* Plain W3C reads CloudFront too. */
	{ FMT_W3C, CF_HEADER, CF_LINE("2310", "192.0.2.100", "-"), FIT_EXACT,
	    "192.0.2.100", MAR10_NOON, 2310 },
	/* A column short, or one more. */
	{ FMT_CLOUDFRONT, CF_HEADER, CF_LINE("2310", "192.0.2.100", "-")
	    "\t-", FIT_NONE, NULL, 0, 0 },
	{ FMT_CLOUDFRONT, CF_HEADER, "2024-03-10\t12:00:00\tFRA56-P1\t2310\t"
	    "192.0.2.100", FIT_NONE, NULL, 0, 0 },
	/* Spaces where CloudFront writes tabs. */
	{ FMT_CLOUDFRONT, "#Fields: date time x-edge-location c-ip sc-bytes",
	    "2024-03-10 12:00:00 FRA56-P1 192.0.2.100 2310", FIT_NONE, NULL,
	    0, 0 },
	{ FMT_CLOUDFRONT, "#Fields: date time x-edge-location c-ip sc-bytes",
	    "2024-03-10\t12:00:00\tFRA56-P1\t192.0.2.100\t2310", FIT_EXACT,
	    "192.0.2.100", MAR10_NOON, 2310 },
	/* An IIS header is not CloudFront's, nor are its lines. */
	{ FMT_CLOUDFRONT, NULL, "#Fields: date time s-ip c-ip", FIT_NONE,
	    NULL, 0, 0 },
	{ FMT_CLOUDFRONT, IIS_DEFAULT, IIS_LINE("203.0.113.9"), FIT_NONE,
	    NULL, 0, 0 },
	{ FMT_CLOUDFRONT, NULL, "#Version: 1.0", FIT_NOCLIENT, NULL, 0, 0 },

	/* Cloud Storage: c_ip, time_micros, sc_bytes. */
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000123456", "198.51.100.40",
	    "4096", "curl/8.5.0"), FIT_EXACT, "198.51.100.40", MAR10_NOON,
	    4096 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000999999", "2001:db8:6c::20",
	    "0", "Mozilla/5.0 (X11, Linux) \"\"quoted\"\", 203.0.113.66"),
	    FIT_EXACT, "2001:db8:6c::20", MAR10_NOON, 0 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000000000", "", "0", "x"),
	    FIT_NOCLIENT, NULL, 0, 0 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000000000", "-", "0", "x"),
	    FIT_NOCLIENT, NULL, 0, 0 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000000000", "storage.example",
	    "0", "x"), FIT_NONE, NULL, 0, 0 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("17100720x0000000", "198.51.100.40",
	    "7", "x"), FIT_PARTIAL, "198.51.100.40", 0, 7 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("", "198.51.100.40", "7", "x"),
	    FIT_PARTIAL, "198.51.100.40", 0, 7 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000000000", "198.51.100.40",
	    "-7", "x"), FIT_PARTIAL, "198.51.100.40", MAR10_NOON, NO_BYTES },
	/* Bare fields are CSV too. */
	{ FMT_GCS, "time_micros,c_ip,sc_bytes", "1710072000000000,192.0.2.8,5",
	    FIT_EXACT, "192.0.2.8", MAR10_NOON, 5 },
	/* Another number of fields, an open quote, text after one. */
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000000000", "198.51.100.40",
	    "7", "x") ",\"\"", FIT_NONE, NULL, 0, 0 },
	{ FMT_GCS, GCS_HEADER, "\"1710072000000000\",\"198.51.100.40\"",
	    FIT_NONE, NULL, 0, 0 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000000000", "198.51.100.40",
	    "7", "x\",\"y"), FIT_NONE, NULL, 0, 0 },
	{ FMT_GCS, GCS_HEADER, GCS_LINE("1710072000000000", "198.51.100.40",
	    "7", "x\"y"), FIT_NONE, NULL, 0, 0 },
	{ FMT_GCS, "\"time_micros\",\"c_ip\"", "\"1710072000000000\","
	    "\"198.51.100.40", FIT_NONE, NULL, 0, 0 },
	/* The header names nobody; lines before it are not read. */
	{ FMT_GCS, NULL, GCS_HEADER, FIT_NOCLIENT, NULL, 0, 0 },
	{ FMT_GCS, NULL, GCS_LINE("1710072000000000", "198.51.100.40", "7",
	    "x"), FIT_NONE, NULL, 0, 0 },
	{ FMT_GCS, NULL, "\xef\xbb\xbf" GCS_HEADER, FIT_NOCLIENT, NULL, 0, 0 },
	{ FMT_GCS, "\"time_micros\",\"c_ip", "\"1710072000000000\","
	    "\"198.51.100.40\"", FIT_NONE, NULL, 0, 0 },
};

static void
check_row(const struct row_case *rc, const struct logctx *ctx, enum fit fit,
    const struct hit *h)
{
	struct tu_want w = { rc->fit, rc->ip, rc->when, rc->bytes };

	tu_check_hit(ctx, rc->line, strlen(rc->line), fit, h, &w);
}

START_TEST(test_row)
{
	const struct row_case *rc = &rows[_i];
	struct logctx ctx;
	struct hit h;

	ctx_init(&ctx, rc->fmt);
	feed(&ctx, rc->header, &h);
	check_row(rc, &ctx, feed(&ctx, rc->line, &h), &h);
}
END_TEST

/* The same, every line ending in CRLF. */
START_TEST(test_row_crlf)
{
	const struct row_case *rc = &rows[_i];
	struct tu_want w = { rc->fit, rc->ip, rc->when, rc->bytes };
	struct logctx ctx;
	struct hit h;
	char *text;
	size_t n = 0;

	ctx_init(&ctx, rc->fmt);
	if (rc->header != NULL) {
		text = malloc(2 * strlen(rc->header) + 1);
		for (const char *p = rc->header; *p != '\0'; p++) {
			if (*p == '\n')
				text[n++] = '\r';
			text[n++] = *p;
		}
		text[n] = '\0';
		feed(&ctx, text, &h);
		free(text);
	}
	tu_check_crlf(&ctx, rc->line, &w);
}
END_TEST

/* A cut that names a client names the whole line's. */
static void
cut_same(size_t k, int fit, const struct hit *h, const void *arg)
{
	const struct row_case *rc = arg;
	char buf[IP_STRLEN];

	if (fit < FIT_PARTIAL || rc->ip == NULL)
		return;
	ip_format(&h->ip, buf);
	ck_assert_msg(strcmp(buf, rc->ip) == 0, "%zu bytes of \"%s\" give %s",
	    k, rc->line, buf);
}

/*
 * Every prefix of every line: nothing read past its end, and where the
 * whole line has a client, no other (a cut in the last column leaves the
 * columns where they were).
 */
START_TEST(test_row_truncated)
{
	const struct row_case *rc = &rows[_i];
	struct logctx ctx;
	struct hit h;

	ctx_init(&ctx, rc->fmt);
	feed(&ctx, rc->header, &h);
	tu_each_cut(&ctx, rc->line, strlen(rc->line), cut_same, rc);
}
END_TEST

/* Detection scores lines strictly: only known directives count. */
START_TEST(test_strict_directives)
{
	static const struct {
		const char *line;
		enum fit w3c, cloudfront;
	} d[] = {
		{ "#Version: 1.0", FIT_NOCLIENT, FIT_NOCLIENT },
		{ "#Fields: date time c-ip", FIT_NOCLIENT, FIT_NONE },
		{ "#Fields: date time x-edge-location c-ip", FIT_NOCLIENT,
		    FIT_NOCLIENT },
		{ "#Software: Microsoft Internet Information Services 10.0",
		    FIT_NOCLIENT, FIT_NONE },
		{ "#Date: 2024-03-10 12:00:00", FIT_NOCLIENT, FIT_NONE },
		{ "#Remark: x", FIT_NOCLIENT, FIT_NONE },
		{ "# failJSON: { \"match\": true }", FIT_NONE, FIT_NONE },
		{ "#fields: c-ip", FIT_NONE, FIT_NONE },
		{ "#", FIT_NONE, FIT_NONE },
	};

	for (size_t i = 0; i < nitems(d); i++) {
		size_t n = strlen(d[i].line);
		const char *g = tu_guarded(d[i].line, n);
		struct logctx ctx;
		struct hit h;

		ctx_init(&ctx, FMT_W3C);
		ctx.strict = 1;
		ck_assert_int_eq(scan_w3c(&ctx, g, g + n, &h), d[i].w3c);
		ctx_init(&ctx, FMT_CLOUDFRONT);
		ctx.strict = 1;
		ck_assert_int_eq(scan_cloudfront(&ctx, g, g + n, &h),
		    d[i].cloudfront);
	}
}
END_TEST

/*
 * IIS restarted with other fields: the header comes again and c-ip
 * moves.  Each line is read by the header above it.
 */
START_TEST(test_header_changes)
{
	struct logctx ctx;
	struct hit h;
	char buf[IP_STRLEN];

	ctx_init(&ctx, FMT_W3C);
	ck_assert_int_eq(feed(&ctx, IIS_DEFAULT "\n" IIS_LINE("192.0.2.1"),
	    &h), FIT_EXACT);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, "192.0.2.1");
	ck_assert_int_eq(feed(&ctx, IIS_FULL "\n" IIS_FULL_LINE("192.0.2.2",
	    "10"), &h), FIT_EXACT);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, "192.0.2.2");
	ck_assert_uint_eq(h.bytes, 10);
	/* A line of the old layout after the new header: read by it. */
	ck_assert_int_eq(feed(&ctx, IIS_LINE("192.0.2.7"), &h), FIT_EXACT);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, "192.0.2.7");
	ck_assert_int_eq(h.when, MAR10_NOON);
	/* And back. */
	ck_assert_int_eq(feed(&ctx, "#Fields: c-ip date time\n"
	    "192.0.2.3 2024-03-10 00:00:01", &h), FIT_EXACT);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, "192.0.2.3");
	ck_assert_int_eq(h.when, MAR10 + 1);
	ck_assert_int_eq(h.has_bytes, 0);
	/* A header with no names leaves no layout. */
	ck_assert_int_eq(feed(&ctx, "#Fields: \n192.0.2.3", &h), FIT_NONE);
}
END_TEST

/*
 * A line as wide as an earlier layout is read with it only when it fits
 * that layout exactly: a line of the current one cut short, whose server
 * address sits where the old layout had c-ip, is rejected.
 */
START_TEST(test_earlier_layout_exact)
{
	struct logctx ctx;
	struct hit h;
	char buf[IP_STRLEN];

	ctx_init(&ctx, FMT_W3C);
	ck_assert_int_eq(feed(&ctx, "#Fields: date time c-ip sc-bytes\n"
	    "2024-03-10 12:00:00 192.0.2.1 10\n"
	    "#Fields: date time s-ip c-ip sc-bytes time-taken\n"
	    "2024-03-10 12:00:01 10.0.0.5 192.0.2.2 20 15", &h), FIT_EXACT);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, "192.0.2.2");
	ck_assert_int_eq(feed(&ctx, "2024-03-10 12:00:02 10.0.0.5 192.0.2.3",
	    &h), FIT_NONE);
	ck_assert_int_eq(feed(&ctx, "2024-03-10 12:00:03 192.0.2.4 30", &h),
	    FIT_EXACT);
	ip_format(&h.ip, buf);
	ck_assert_str_eq(buf, "192.0.2.4");
	ck_assert_uint_eq(h.bytes, 30);
	/* A later header leaves the earlier ones known; the oldest go. */
	for (int i = 0; i < W3C_EARLIER; i++) {
		char hdr[64];

		snprintf(hdr, sizeof(hdr), "#Fields: c-ip%.*s", 8 + 2 * i,
		    " x x x x x x x x");
		ck_assert_int_eq(feed(&ctx, hdr, &h), FIT_NOCLIENT);
	}
	ck_assert_int_eq(feed(&ctx, "2024-03-10 12:00:03 192.0.2.4 30", &h),
	    FIT_NONE);
}
END_TEST

/* More columns than a layout holds: the header and its lines rejected. */
START_TEST(test_header_too_wide)
{
	char line[4096], data[4096];
	size_t n = 0, m = 0;
	struct logctx ctx;
	struct hit h;

	n += (size_t)snprintf(line, sizeof(line), "#Fields: c-ip");
	m += (size_t)snprintf(data, sizeof(data), "192.0.2.9");
	for (int i = 1; i < W3C_COLS; i++) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, " x-%d", i);
		m += (size_t)snprintf(data + m, sizeof(data) - m, " -");
	}
	ctx_init(&ctx, FMT_W3C);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, n), n, &h),
	    FIT_NOCLIENT);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(data, m), m, &h),
	    FIT_EXACT);
	n += (size_t)snprintf(line + n, sizeof(line) - n, " one-more");
	m += (size_t)snprintf(data + m, sizeof(data) - m, " -");
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, n), n, &h),
	    FIT_NONE);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(data, m), m, &h),
	    FIT_NONE);
}
END_TEST

/*
 * --client xff: the X-Forwarded-For column, with IIS's '+' for a space
 * undone, so that xff.c reads the list as the proxy wrote it; the client
 * behind proxies in 10.0.0.0/8.
 */
static const struct {
	enum logfmt fmt;
	const char *header, *line, *xff, *client;
} xff_cases[] = {
	{ FMT_W3C, IIS_XFF, "2024-03-10 12:00:00 10.0.0.5 GET / - 443 "
	    "10.0.0.9 curl/8 200 5 1 203.0.113.50,+10.0.0.8",
	    "203.0.113.50, 10.0.0.8", "203.0.113.50" },
	{ FMT_W3C, IIS_XFF, "2024-03-10 12:00:00 10.0.0.5 GET / - 443 "
	    "10.0.0.9 curl/8 200 5 1 203.0.113.51", "203.0.113.51",
	    "203.0.113.51" },
	{ FMT_W3C, IIS_XFF, "2024-03-10 12:00:00 10.0.0.5 GET / - 443 "
	    "10.0.0.9 curl/8 200 5 1 -", "-", "10.0.0.9" },
	{ FMT_W3C, "#Fields: c-ip cs(x-forwarded-for)",
	    "10.0.0.9 [2001:db8::5]:443,+10.0.0.8", "[2001:db8::5]:443, "
	    "10.0.0.8", "2001:db8::5" },
	{ FMT_W3C, "#Fields: c-ip CS(X-FORWARDED-FOR)",
	    "10.0.0.9 +203.0.113.52+", " 203.0.113.52 ", "203.0.113.52" },
	{ FMT_CLOUDFRONT, CF_HEADER, CF_LINE("1", "10.0.0.9",
	    "192.0.2.9, 203.0.113.31"), "192.0.2.9, 203.0.113.31",
	    "203.0.113.31" },
	{ FMT_W3C, CF_HEADER, CF_LINE("1", "10.0.0.9", "203.0.113.32"),
	    "203.0.113.32", "203.0.113.32" },
	{ FMT_CLOUDFRONT, CF_HEADER, CF_LINE("1", "192.0.2.100", "-"), "-",
	    "192.0.2.100" },
	/* No such column: no value. */
	{ FMT_W3C, IIS_DEFAULT, IIS_LINE("192.0.2.1"), NULL, "192.0.2.1" },
};

START_TEST(test_xff)
{
	struct netlist trusted;
	struct logctx ctx;
	struct hit h;
	struct ip net, client;
	unsigned plen;
	char buf[IP_STRLEN];

	/* The load balancers: 10.0.0.0/8. */
	ck_assert_int_eq(ip_net_parse("10.0.0.0/8", &net, &plen), 0);
	trusted.net = &net;
	trusted.plen = &plen;
	trusted.n = 1;
	ctx_init(&ctx, xff_cases[_i].fmt);
	ctx.want_xff = 1;
	feed(&ctx, xff_cases[_i].header, &h);
	ck_assert_int_eq(feed(&ctx, xff_cases[_i].line, &h), FIT_EXACT);
	if (xff_cases[_i].xff == NULL)
		ck_assert_ptr_null(h.xff);
	else {
		ck_assert_ptr_nonnull(h.xff);
		ck_assert_uint_eq(h.xff_len, strlen(xff_cases[_i].xff));
		ck_assert(memcmp(h.xff, xff_cases[_i].xff, h.xff_len) == 0);
	}
	xff_client(&h.ip, h.xff, h.xff_len, &trusted, &client);
	ip_format(&client, buf);
	ck_assert_str_eq(buf, xff_cases[_i].client);

	/* Not asked for: not given. */
	ctx_init(&ctx, xff_cases[_i].fmt);
	feed(&ctx, xff_cases[_i].header, &h);
	ck_assert_int_eq(feed(&ctx, xff_cases[_i].line, &h), FIT_EXACT);
	ck_assert_ptr_null(h.xff);
}
END_TEST

/* Without '+', the value is the line's own bytes, not a copy. */
START_TEST(test_xff_in_line)
{
	static const char line[] = "10.0.0.9\t203.0.113.51, 10.0.0.8";
	size_t n = strlen(line);
	const char *g;
	struct logctx ctx;
	struct hit h;

	ctx_init(&ctx, FMT_W3C);
	ctx.want_xff = 1;
	feed(&ctx, "#Fields:\tc-ip\tx-forwarded-for", &h);
	g = tu_guarded(line, n);
	ck_assert_int_eq(logfmt_parse(&ctx, g, n, &h), FIT_EXACT);
	ck_assert(h.xff == g + 9);
	ck_assert_uint_eq(h.xff_len, n - 9);
}
END_TEST

/*
 * A list longer than the copy holds keeps its right end, from a comma
 * on: the entries read first, each whole.
 */
START_TEST(test_xff_long)
{
	char line[4096];
	size_t n;
	struct netlist trusted;
	struct ip net, client;
	unsigned plen;
	struct logctx ctx;
	struct hit h;
	char buf[IP_STRLEN];

	n = (size_t)snprintf(line, sizeof(line), "10.0.0.9 ");
	for (int i = 0; i < 150; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
		    "198.51.100.%d,+", i);
	n += (size_t)snprintf(line + n, sizeof(line) - n,
	    "203.0.113.60,+10.0.0.8");
	ctx_init(&ctx, FMT_W3C);
	ctx.want_xff = 1;
	feed(&ctx, "#Fields: c-ip cs(X-Forwarded-For)", &h);
	ck_assert_int_eq(logfmt_parse(&ctx, tu_guarded(line, n), n, &h),
	    FIT_EXACT);
	ck_assert_uint_le(h.xff_len, W3C_XFF_MAX);
	ck_assert_uint_gt(h.xff_len, W3C_XFF_MAX - 20);
	ck_assert(h.xff[0] == ' ');
	ck_assert(memchr(h.xff, '+', h.xff_len) == NULL);
	ck_assert(memcmp(h.xff + h.xff_len - 22, "203.0.113.60, 10.0.0.8",
	    22) == 0);
	/* 10.0.0.0/8 trusted: the client is the one before it. */
	ck_assert_int_eq(ip_net_parse("10.0.0.0/8", &net, &plen), 0);
	trusted.net = &net;
	trusted.plen = &plen;
	trusted.n = 1;
	xff_client(&h.ip, h.xff, h.xff_len, &trusted, &client);
	ip_format(&client, buf);
	ck_assert_str_eq(buf, "203.0.113.60");
}
END_TEST

/*
 * A Cloud Storage header on a line a W3C log's reader rejects (the
 * per-line fallback tries every format) leaves the W3C layout alone.
 */
START_TEST(test_fallback_keeps_layout)
{
	struct logctx ctx;
	struct hit h;

	ctx_init(&ctx, FMT_W3C);
	ctx.fallback = 1;
	ck_assert_int_eq(feed(&ctx, IIS_DEFAULT "\n" GCS_HEADER, &h),
	    FIT_NONE);
	ck_assert_int_eq(feed(&ctx, IIS_LINE("192.0.2.1"), &h), FIT_EXACT);
	/* And a GCS file takes no W3C directive for a header of its own. */
	ctx_init(&ctx, FMT_GCS);
	ctx.fallback = 1;
	ck_assert_int_eq(feed(&ctx, GCS_HEADER "\n#Fields: c-ip\n" GCS_LINE(
	    "1710072000000000", "198.51.100.40", "7", "x"), &h), FIT_EXACT);
}
END_TEST

/* The report of the issue: s-ip first on every line, 12 clients. */
START_TEST(test_server_address_first)
{
	static const char *const clients[12] = {
		"203.0.113.9", "198.51.100.23", "192.0.2.140", "2001:db8::7",
		"203.0.113.77", "198.51.100.5", "192.0.2.33", "1.1.1.1",
		"2001:db8:85a3::8a2e:370:7334", "192.0.2.250", "10.0.0.9",
		"fe80::1",
	};
	size_t cap = 256 * 1024, n = 0, hits[12] = { 0 };
	char *buf = malloc(cap);
	struct logctx ctx;
	enum logfmt fmt;
	struct ip want[12];

	n += (size_t)snprintf(buf, cap, "%s\n", IIS_DEFAULT);
	for (int i = 0; i < 210; i++)
		n += (size_t)snprintf(buf + n, cap - n, "2024-03-10 08:%02d:%02d "
		    "10.0.0.5 GET / - 443 - %s " UA " - 200 0 0 %d\n", i / 60,
		    i % 60, clients[i % 12], i);
	for (int i = 0; i < 12; i++)
		ck_assert_int_eq(ip_parse(clients[i], strlen(clients[i]),
		    &want[i]), 0);
	ctx_init(&ctx, FMT_AUTO);
	fmt = logfmt_detect(&ctx, buf, n);
	ck_assert_str_eq(logfmt_name(fmt), "w3c");
	logfmt_set(&ctx, fmt);
	ctx.fallback = 1;
	for (const char *p = buf, *end = buf + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct hit h;
		int found = 0;

		if (logfmt_parse(&ctx, p, (size_t)(nl - p), &h) >= FIT_PARTIAL) {
			for (int i = 0; i < 12; i++)
				if (ip_cmp(&h.ip, &want[i]) == 0) {
					hits[i]++;
					found = 1;
				}
			ck_assert_msg(found, "a client that is none of the 12");
		}
		p = nl + 1;
	}
	for (int i = 0; i < 12; i++)
		ck_assert_uint_eq(hits[i], 210 / 12 + (i < 210 % 12));
	free(buf);
}
END_TEST

static const struct {
	const char *what, *buf;
	enum logfmt want;
} detect_cases[] = {
	{ "IIS", IIS_DEFAULT "\n" IIS_LINE("203.0.113.9") "\n"
	    IIS_LINE("198.51.100.1") "\n", FMT_W3C },
	{ "IIS, byte order mark, CRLF", "\xef\xbb\xbf#Software: Microsoft "
	    "Internet Information Services 10.0\r\n#Version: 1.0\r\n"
	    "#Fields: date time s-ip c-ip\r\n"
	    "2024-03-10 12:00:00 10.0.0.5 192.0.2.1\r\n", FMT_W3C },
	{ "IIS, every field", IIS_FULL "\n" IIS_FULL_LINE("192.0.2.1", "5")
	    "\n", FMT_W3C },
	{ "IIS, two headers", IIS_DEFAULT "\n" IIS_LINE("203.0.113.9") "\n"
	    IIS_FULL "\n" IIS_FULL_LINE("192.0.2.1", "5") "\n", FMT_W3C },
	{ "CloudFront", CF_HEADER "\n" CF_LINE("1", "192.0.2.100", "-") "\n"
	    CF_LINE("2", "2001:db8::1", "-") "\n", FMT_CLOUDFRONT },
	{ "CloudFront's columns without x-edge-: plain W3C",
	    "#Version: 1.0\n#Fields: date time c-ip sc-bytes\n"
	    "2024-03-10\t12:00:00\t192.0.2.7\t55\n", FMT_W3C },
	{ "Cloud Storage", GCS_HEADER "\n" GCS_LINE("1710072000000000",
	    "198.51.100.40", "7", "curl/8.5.0") "\n" GCS_LINE(
	    "1710072000000001", "198.51.100.41", "7", "a, b") "\n", FMT_GCS },
	{ "Cloud Storage, CRLF", GCS_HEADER "\r\n" GCS_LINE(
	    "1710072000000000", "198.51.100.40", "7", "curl/8.5.0") "\r\n",
	    FMT_GCS },
	/* Comments are not directives. */
	{ "sshd under comments",
	    "# failJSON: { \"time\": \"2004-10-01T12:00:00\" }\n"
	    "# another comment\n"
	    "# and a third\n"
	    "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid "
	    "user webmaster from 173.234.31.186 port 38926 ssh2\n", FMT_SYSLOG },
	{ "combined under comments", "#Fields: but not a W3C log\n"
	    "# hello\n"
	    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" "
	    "200 5 \"-\" \"-\"\n", FMT_COMBINED },
};

START_TEST(test_detect)
{
	tu_detect(detect_cases[_i].what, detect_cases[_i].buf,
	    detect_cases[_i].want);
}
END_TEST

START_TEST(test_names)
{
	static const struct {
		const char *name;
		enum logfmt fmt;
	} names[] = {
		{ "w3c", FMT_W3C },
		{ "cloudfront", FMT_CLOUDFRONT },
		{ "gcs", FMT_GCS },
	};

	for (size_t i = 0; i < nitems(names); i++) {
		struct logctx ctx;

		tu_check_name(names[i].name, names[i].fmt);
		ctx_init(&ctx, names[i].fmt);
		ck_assert_int_eq(logfmt_has_xff(&ctx),
		    names[i].fmt != FMT_GCS);
	}
}
END_TEST

/* What one file gave, read as the parser reads it. */
struct tally {
	size_t lines, rejected, noclient, n;
	struct {
		struct ip ip;
		size_t hits;
		uint64_t bytes;
	} c[16];
	enum logfmt fmt;
};

static void
tally_file(const char *buf, size_t n, struct tally *t)
{
	struct logctx ctx;

	memset(t, 0, sizeof(*t));
	ctx_init(&ctx, FMT_AUTO);
	t->fmt = logfmt_detect(&ctx, buf, n);
	logfmt_set(&ctx, t->fmt);
	ctx.fallback = 1;
	for (const char *p = buf, *end = buf + n; p < end; t->lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct hit h;
		enum fit fit = logfmt_parse(&ctx, p, len, &h);
		size_t i;

		p += len + 1;
		if (fit == FIT_NONE)
			t->rejected++;
		if (fit == FIT_NOCLIENT)
			t->noclient++;
		if (fit < FIT_PARTIAL)
			continue;
		for (i = 0; i < t->n && ip_cmp(&t->c[i].ip, &h.ip) != 0; i++)
			;
		ck_assert_uint_lt(i, nitems(t->c));
		if (i == t->n)
			t->c[t->n++].ip = h.ip;
		t->c[i].hits++;
		t->c[i].bytes += h.has_bytes ? h.bytes : 0;
	}
}

/* "ADDR:HITS:BYTES ..." of a tally, in the order first seen. */
static void
tally_text(const struct tally *t, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < t->n && used < len; i++) {
		char buf[IP_STRLEN];

		ip_format(&t->c[i].ip, buf);
		used += (size_t)snprintf(out + used, len - used, "%s%s:%zu:%llu",
		    i ? " " : "", buf, t->c[i].hits,
		    (unsigned long long)t->c[i].bytes);
	}
}

/*
 * filebeat's IIS test logs: what each must give.  The 7.5 log's first
 * line has its addresses mangled into markdown links ("[10.100.220.70]
 * (http://...)"): rejected, not misread.  The multi-header log ends with
 * two lines of its first layout under its third header: read with it.
 */
static const struct {
	const char *file, *clients;
	size_t lines, rejected, noclient;
} iis_files[] = {
	{ "beats_iis_access_7.5.log",
	    "10.0.140.2:2:0 2001:cdba::3257:9652:1:0", 8, 1, 4 },
	{ "beats_iis_access_ipv6zone.log", "::1:1:123", 5, 0, 4 },
	{ "beats_iis_access_multi_header.log",
	    "81.2.69.143:2:123 127.0.0.1:1:123 10.50.6.188:2:0", 17, 0, 12 },
};

START_TEST(test_realdata_iis)
{
	char path[256], got[512];
	struct tally t;
	size_t n;
	char *buf;

	snprintf(path, sizeof(path), "logs/edge/%s", iis_files[_i].file);
	if ((buf = tu_realdata_file(path, &n)) == NULL)
		return;
	tally_file(buf, n, &t);
	tally_text(&t, got, sizeof(got));
	ck_assert_msg(t.fmt == FMT_W3C, "%s: %s", path, logfmt_name(t.fmt));
	ck_assert_str_eq(got, iis_files[_i].clients);
	ck_assert_uint_eq(t.lines, iis_files[_i].lines);
	ck_assert_uint_eq(t.rejected, iis_files[_i].rejected);
	ck_assert_uint_eq(t.noclient, iis_files[_i].noclient);
	free(buf);
}
END_TEST

/* No other log of the real-data folder passes for one of these. */
START_TEST(test_realdata_others)
{
	static const char *const files[] = {
		"logs/elastic_apache_logs.log",
		"logs/elastic_suspicious_login_auth.log",
		"logs/loghub_OpenSSH_2k.log",
		"logs/fail2ban_sshd_annotated.log",
		"logs/fail2ban_apache-auth_annotated.log",
		"logs/fail2ban_nginx-botsearch_annotated.log",
		"logs/edge/beats_nginx_access_xff_test.log",
		"logs/edge/beats_nginx_access.log",
		"logs/edge/beats_nginx_access_with_host.log",
		"logs/edge/beats_apache_access_test.log",
		"logs/edge/beats_apache_access_vhost.log",
		"logs/edge/beats_haproxy_httplog.log",
		"logs/edge/beats_haproxy_default.log",
		"logs/edge/beats_haproxy_tcplog.log",
		"logs/edge/beats_system_auth_test.log",
		"logs/edge/beats_nginx_ingress_controller.log",
	};

	for (size_t i = 0; i < nitems(files); i++) {
		struct logctx ctx;
		enum logfmt fmt;
		size_t n;
		char *buf;

		if ((buf = tu_realdata_file(files[i], &n)) == NULL)
			return;
		ctx_init(&ctx, FMT_AUTO);
		fmt = logfmt_detect(&ctx, buf, n);
		ck_assert_msg(fmt != FMT_W3C && fmt != FMT_CLOUDFRONT &&
		    fmt != FMT_GCS, "%s: detected %s", files[i],
		    logfmt_name(fmt));
		free(buf);
	}
}
END_TEST

static Suite *
fmt_w3c_suite(void)
{
	Suite *s = suite_create("fmt_w3c");
	TCase *tc = tcase_create("lines");

	tcase_add_loop_test(tc, test_row, 0, nitems(rows));
	tcase_add_loop_test(tc, test_row_crlf, 0, nitems(rows));
	tcase_add_loop_test(tc, test_row_truncated, 0, nitems(rows));
	tcase_add_test(tc, test_strict_directives);
	tcase_add_test(tc, test_header_changes);
	tcase_add_test(tc, test_earlier_layout_exact);
	tcase_add_test(tc, test_header_too_wide);
	suite_add_tcase(s, tc);

	tc = tcase_create("xff");
	tcase_add_loop_test(tc, test_xff, 0, nitems(xff_cases));
	tcase_add_test(tc, test_xff_in_line);
	tcase_add_test(tc, test_xff_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, test_fallback_keeps_layout);
	tcase_add_test(tc, test_server_address_first);
	tcase_add_loop_test(tc, test_detect, 0, nitems(detect_cases));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("realdata");
	tcase_add_loop_test(tc, test_realdata_iis, 0, nitems(iis_files));
	tcase_add_test(tc, test_realdata_others);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(fmt_w3c_suite());
}
