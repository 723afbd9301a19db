/*
 * fmt_report.c: ipwhois's reports read back for --merge.  Each report
 * form (CSV, TSV, JSON Lines, with a header or without) written by
 * output.c must read back to the same counts, byte for byte through the
 * times; bad rows are told apart, with the reason; reports by groups are
 * refused; rows add up saturating, in any order.
 *
 * Lines are read from the very end of a readable page (tu_guarded), so
 * that a scanner reading past a line faults.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

#define NONE	BYTES_NONE
#define T0	1733040000u	/* 2024-12-01T08:00:00Z */

/* A line after an optional header (NULL: the line is the file's first). */
struct row_case {
	const char *header, *line;
	enum report_fit fit;
	const char *ip;		/* RF_ROW */
	uint64_t hits, bytes;
	uint32_t first, last;
	const char *why;	/* RF_BAD, RF_REFUSED: in the reason */
};

static const struct row_case rows[] = {
	/* CSV as --counts-only writes it */
	{ "ip,hits,bytes,first_seen,last_seen",
	    "192.0.2.1,3,1500,2024-12-01T08:00:00Z,2024-12-01T09:00:00Z",
	    RF_ROW, "192.0.2.1", 3, 1500, T0, T0 + 3600, NULL },
	{ NULL, "ip,hits,bytes,first_seen,last_seen", RF_HEADER, NULL, 0, 0,
	    0, 0, NULL },
	/* no header: the first five columns */
	{ NULL, "2001:db8::1,7,,,", RF_ROW, "2001:db8::1", 7, NONE, 0, 0,
	    NULL },
	{ NULL, "2001:db8::1,7", RF_ROW, "2001:db8::1", 7, NONE, 0, 0, NULL },
	{ NULL, "192.0.2.9\t2\t0\t2024-12-01T08:00:00Z\t2024-12-01T08:00:00Z",
	    RF_ROW, "192.0.2.9", 2, 0, T0, T0, NULL },
	/* a whole default report: the other columns, quoted or not, unread */
	{ "ip,hits,bytes,first_seen,last_seen,kind,registry,network,net_name,"
	    "org,country,asn,as_name,abuse_email,source,status",
	    "198.51.100.7,12,,2024-12-01T08:00:00Z,2024-12-01T08:00:01Z,"
	    "public,ARIN,198.51.100.0/24,NET,\"Example, Inc. \"\"X\"\"\",US,"
	    "64496,AS-X,abuse@example.net,rdap,ok",
	    RF_ROW, "198.51.100.7", 12, NONE, T0, T0 + 1, NULL },
	/* columns in another order (--fields) */
	{ "hits,last_seen,ip", "5,2024-12-01T08:00:00Z,10.1.2.3", RF_ROW,
	    "10.1.2.3", 5, NONE, 0, T0, NULL },
	{ "ip\thits\tbytes", "10.0.0.1\t4\t99", RF_ROW, "10.0.0.1", 4, 99, 0,
	    0, NULL },
	/* the same header again (reports put end to end) */
	{ "ip,hits", "ip,hits", RF_HEADER, NULL, 0, 0, 0, 0, NULL },
	/* blank lines, before the first or between rows */
	{ NULL, "", RF_HEADER, NULL, 0, 0, 0, 0, NULL },
	{ NULL, " \t\r", RF_HEADER, NULL, 0, 0, 0, 0, NULL },
	{ "ip,hits", "", RF_HEADER, NULL, 0, 0, 0, 0, NULL },
	/* CRLF */
	{ "ip,hits", "10.0.0.1,4\r", RF_ROW, "10.0.0.1", 4, NONE, 0, 0, NULL },
	/* counts at their limits */
	{ "ip,hits,bytes", "10.0.0.1,18446744073709551615,"
	    "18446744073709551614", RF_ROW, "10.0.0.1", UINT64_MAX,
	    UINT64_MAX - 1, 0, 0, NULL },
	{ "ip,hits,bytes", "10.0.0.1,1,18446744073709551615", RF_ROW,
	    "10.0.0.1", 1, UINT64_MAX - 1, 0, 0, NULL },
	{ NULL, "10.0.0.1,1,,2106-02-07T06:28:15Z,2106-02-07T06:28:15Z",
	    RF_ROW, "10.0.0.1", 1, NONE, UINT32_MAX, UINT32_MAX, NULL },
	/* JSON Lines */
	{ NULL, "{\"ip\":\"192.0.2.1\",\"hits\":3,\"bytes\":null,"
	    "\"first_seen\":\"2024-12-01T08:00:00Z\",\"last_seen\":"
	    "\"2024-12-01T08:00:00Z\"}", RF_ROW, "192.0.2.1", 3, NONE, T0, T0,
	    NULL },
	{ NULL, " { \"org\" : \"A \\\"B\\\" {[\" , \"hits\" : 2 , \"ip\" : "
	    "\"::1\" } ", RF_ROW, "::1", 2, NONE, 0, 0, NULL },
	{ NULL, "{\"ip\":\"10.0.0.1\",\"hits\":1.8446744073709552e+19,"
	    "\"bytes\":1.8446744073709552e+19}", RF_ROW, "10.0.0.1",
	    UINT64_MAX, UINT64_MAX - 1, 0, 0, NULL },
	{ NULL, "{\"ip\":\"10.0.0.1\",\"hits\":9.2233720368547758e+18}", RF_ROW,
	    "10.0.0.1", 9223372036854775808u, NONE, 0, 0, NULL },

	/* bad rows */
	{ "ip,hits", "220-135-151-1.hinet-ip.hinet.net,3", RF_BAD, NULL, 0, 0,
	    0, 0, "ip is not an address" },
	{ "ip,hits", "192.0.2.1/24,3", RF_BAD, NULL, 0, 0, 0, 0,
	    "ip is not" },
	{ "ip,hits", ",3", RF_BAD, NULL, 0, 0, 0, 0, "ip is not" },
	{ "ip,hits", "10.0.0.1,-3", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "ip,hits", "10.0.0.1,+3", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "ip,hits", "10.0.0.1,three", RF_BAD, NULL, 0, 0, 0, 0,
	    "hits is not" },
	{ "ip,hits", "10.0.0.1,0", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "ip,hits", "10.0.0.1,", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "ip,hits", "10.0.0.1,18446744073709551616", RF_BAD, NULL, 0, 0, 0,
	    0, "hits is not" },
	{ "ip,hits,bytes", "10.0.0.1,1,-1", RF_BAD, NULL, 0, 0, 0, 0,
	    "bytes is not" },
	{ "ip,hits,bytes", "10.0.0.1,1, 5", RF_BAD, NULL, 0, 0, 0, 0,
	    "bytes is not" },
	{ "ip,hits,first_seen", "10.0.0.1,1,2024-02-30T00:00:00Z", RF_BAD,
	    NULL, 0, 0, 0, 0, "first_seen is not" },
	{ "ip,hits,first_seen", "10.0.0.1,1,2024-12-01T08:00:00", RF_BAD,
	    NULL, 0, 0, 0, 0, "first_seen is not" },
	{ "ip,hits,first_seen", "10.0.0.1,1,2024-12-01 08:00:00Z", RF_BAD,
	    NULL, 0, 0, 0, 0, "first_seen is not" },
	{ "ip,hits,last_seen", "10.0.0.1,1,1733040000", RF_BAD, NULL, 0, 0, 0,
	    0, "last_seen is not" },
	{ "ip,hits,last_seen", "10.0.0.1,1,2106-02-07T06:28:16Z", RF_BAD,
	    NULL, 0, 0, 0, 0, "last_seen is not" },
	{ "ip,hits,first_seen,last_seen", "10.0.0.1,1,2024-12-01T09:00:00Z,"
	    "2024-12-01T08:00:00Z", RF_BAD, NULL, 0, 0, 0, 0, "later than" },
	{ "ip,hits,bytes", "10.0.0.1,1", RF_BAD, NULL, 0, 0, 0, 0,
	    "as many cells" },
	{ "ip,hits,bytes", "10.0.0.1,1,2,3", RF_BAD, NULL, 0, 0, 0, 0,
	    "as many cells" },
	{ "ip,hits,org", "10.0.0.1,1,\"open", RF_BAD, NULL, 0, 0, 0, 0,
	    "quoted cell" },
	{ "ip,hits,org", "10.0.0.1,1,\"a\"b", RF_BAD, NULL, 0, 0, 0, 0,
	    "quoted cell" },
	{ "ip,hits", "\"10.0.0.1\",1", RF_ROW, "10.0.0.1", 1, NONE, 0, 0,
	    NULL },
	/* a header with other columns than the first: said, then followed */
	{ "ip,hits", "ip,hits,bytes", RF_BAD, NULL, 0, 0, 0, 0,
	    "other columns" },
	{ "10.0.0.1,1", "ip,hits", RF_BAD, NULL, 0, 0, 0, 0,
	    "began without one" },
	/* JSON rows */
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":\"1\"}", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":167772161,\"hits\":1}",
	    RF_BAD, NULL, 0, 0, 0, 0, "ip is not" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.\\u0031\","
	    "\"hits\":1}", RF_BAD, NULL, 0, 0, 0, 0, "ip is not" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":true}", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":-1}", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":1.5}", RF_BAD, NULL, 0, 0, 0, 0, "hits is not" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":2e0,\"bytes\":1.0}", RF_ROW, "10.0.0.1", 2, 1, 0, 0,
	    NULL },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":1,\"ip\":\"10.0.0.2\"}", RF_BAD, NULL, 0, 0, 0, 0,
	    "twice" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":1,\"x\":{\"a\":1}}", RF_BAD, NULL, 0, 0, 0, 0,
	    "flat JSON" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":1", RF_BAD, NULL, 0, 0, 0, 0, "flat JSON" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"ip\":\"10.0.0.1\","
	    "\"hits\":1} x", RF_BAD, NULL, 0, 0, 0, 0, "flat JSON" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "ip,hits", RF_BAD, NULL, 0, 0,
	    0, 0, "flat JSON" },
	{ "{\"ip\":\"10.0.0.1\",\"hits\":1}", "{\"hits\":1}", RF_BAD, NULL, 0,
	    0, 0, 0, "ip is not" },

	/* no report by address: refused from the first line */
	{ NULL, "network,hits,bytes,addresses,first_seen,last_seen,registry",
	    RF_REFUSED, NULL, 0, 0, 0, 0, "report by network cannot be merged" },
	{ NULL, "country\thits\tbytes\taddresses", RF_REFUSED, NULL, 0, 0, 0,
	    0, "report by country cannot be merged" },
	{ NULL, "{\"asn\":64496,\"hits\":3,\"addresses\":2}", RF_REFUSED, NULL,
	    0, 0, 0, 0, "groups" },
	{ NULL, "192.0.2.0/24,5,,,", RF_REFUSED, NULL, 0, 0, 0, 0,
	    "not an ipwhois report" },
	{ NULL, "10.0.0.1 - - [01/Dec/2024:08:00:00 +0000] \"GET / HTTP/1.1\" "
	    "200 5", RF_REFUSED, NULL, 0, 0, 0, 0, "not an ipwhois report" },
	{ NULL, "ip,org", RF_REFUSED, NULL, 0, 0, 0, 0, "no ip and hits" },
	{ NULL, "ip,hits,ip", RF_REFUSED, NULL, 0, 0, 0, 0, "twice" },
	{ NULL, "{\"ip\":[1]}", RF_REFUSED, NULL, 0, 0, 0, 0, "flat JSON" },
};

static enum report_fit
parse(struct report_layout *l, const char *line, struct count *row,
    const char **why)
{
	size_t n = strlen(line);
	const char *p = tu_guarded(line, n);

	return report_parse(l, p, p + n, row, why);
}

START_TEST(test_row)
{
	const struct row_case *rc = &rows[_i];
	struct report_layout l;
	struct count row;
	char ip[IP_STRLEN];
	const char *why;
	enum report_fit fit;

	memset(&l, 0, sizeof(l));
	if (rc->header != NULL) {
		fit = parse(&l, rc->header, &row, &why);
		ck_assert_msg(fit == RF_HEADER || fit == RF_ROW, "%s: %d",
		    rc->header, fit);
	}
	fit = parse(&l, rc->line, &row, &why);
	ck_assert_msg(fit == rc->fit, "%s: %d, not %d (%s)", rc->line, fit,
	    rc->fit, why);
	if (rc->why != NULL)
		ck_assert_msg(strstr(why, rc->why) != NULL, "%s: '%s'",
		    rc->line, why);
	if (fit != RF_ROW)
		return;
	ip_format(&row.ip, ip);
	ck_assert_str_eq(ip, rc->ip);
	ck_assert_uint_eq(row.hits, rc->hits);
	ck_assert_uint_eq(row.bytes, rc->bytes);
	ck_assert_uint_eq(row.first, rc->first);
	ck_assert_uint_eq(row.last, rc->last);
}
END_TEST

/* Every cut of every line: no read past its end, whatever the answer. */
START_TEST(test_row_cut)
{
	const struct row_case *rc = &rows[_i];
	struct report_layout l, start;
	struct count row;
	const char *why;

	memset(&start, 0, sizeof(start));
	if (rc->header != NULL)
		(void)parse(&start, rc->header, &row, &why);
	for (size_t n = 0; n <= strlen(rc->line); n++) {
		const char *p = tu_guarded(rc->line, n);

		l = start;
		(void)report_parse(&l, p, p + n, &row, &why);
	}
}
END_TEST

/* Rows a report may hold, at the edges of what a count can say. */
static const struct count samples[] = {
	{ .hits = 1, .bytes = NONE },
	{ .hits = 3, .bytes = 0, .first = T0, .last = T0 },
	{ .hits = 12345, .bytes = 987654321, .first = T0, .last = T0 + 86399 },
	{ .hits = UINT64_MAX, .bytes = NONE - 1, .first = 1,
	    .last = UINT32_MAX },
	{ .hits = 2, .bytes = 5, .first = 0, .last = 0 },
};

static const char *const sample_ips[] = {
	"192.0.2.1", "2001:db8::1", "::ffff:0:1", "10.0.0.255", "::",
};

/*
 * What output.c writes, in form fmt with or without a header and with
 * the columns given (NULL: --counts-only's), read back: the same counts.
 */
static void
round_trip(enum outfmt fmt, int no_header, enum groupby by)
{
	struct config cfg;
	struct out o;
	struct answer a;
	struct report_layout l;
	struct report_row r;
	struct count c, row;
	char *text, *line, *save;
	size_t len, k = 0;
	FILE *fp;
	const char *why;

	memset(&cfg, 0, sizeof(cfg));
	cfg.outfmt = fmt;
	cfg.no_header = no_header;
	cfg.ncolumns = by == BY_MAX ? columns_counts(cfg.columns) :
	    columns_default(by, cfg.columns);
	fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(fp);
	out_init(&o, fp, &cfg);
	out_header(&o);
	for (size_t i = 0; i < nitems(samples); i++) {
		c = samples[i];
		ck_assert_int_eq(ip_parse(sample_ips[i],
		    strlen(sample_ips[i]), &c.ip), 0);
		answer_builtin(&c.ip, &a);
		row_of_count(&r, &c, &a);
		out_row(&o, &r);
		answer_clear(&a);
	}
	out_flush(&o);
	fclose(fp);
	memset(&l, 0, sizeof(l));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		enum report_fit fit = parse(&l, line, &row, &why);

		if (fit == RF_HEADER)
			continue;
		ck_assert_msg(fit == RF_ROW, "%s: %d (%s)", line, fit, why);
		ck_assert_uint_lt(k, nitems(samples));
		c = samples[k];
		ip_parse(sample_ips[k], strlen(sample_ips[k]), &c.ip);
		ck_assert_int_eq(ip_cmp(&row.ip, &c.ip), 0);
		ck_assert_uint_eq(row.hits, c.hits);
		ck_assert_uint_eq(row.bytes, c.bytes);
		ck_assert_uint_eq(row.first, c.first);
		ck_assert_uint_eq(row.last, c.last);
		k++;
	}
	ck_assert_uint_eq(k, nitems(samples));
	ck_assert_int_eq(l.form, fmt == OUT_CSV ? RFORM_CSV : fmt == OUT_TSV ?
	    RFORM_TSV : RFORM_JSONL);
	free(text);
}

/* Each -F, with a header and without, --counts-only's and the default. */
START_TEST(test_round_trip)
{
	static const enum outfmt fmts[] = { OUT_CSV, OUT_TSV, OUT_JSONL };

	round_trip(fmts[_i % 3], _i / 3 % 2, _i / 6 ? BY_IP : BY_MAX);
}
END_TEST

static struct count
mk(uint64_t hits, uint64_t bytes, uint32_t first, uint32_t last)
{
	struct count c;

	memset(&c, 0, sizeof(c));
	c.hits = hits;
	c.bytes = bytes;
	c.first = first;
	c.last = last;
	return c;
}

static int
same_counts(const struct count *a, const struct count *b)
{
	return a->hits == b->hits && a->bytes == b->bytes &&
	    a->first == b->first && a->last == b->last;
}

START_TEST(test_add)
{
	struct count into = mk(0, NONE, 0, 0), r;

	r = mk(2, NONE, 0, 0);
	report_add(&into, &r);
	ck_assert(same_counts(&into, &(struct count){ .hits = 2,
	    .bytes = NONE }));
	r = mk(3, 10, T0 + 5, T0 + 9);
	report_add(&into, &r);
	ck_assert(same_counts(&into, &(struct count){ .hits = 5, .bytes = 10,
	    .first = T0 + 5, .last = T0 + 9 }));
	/* no time: the others' stay */
	r = mk(1, 0, 0, 0);
	report_add(&into, &r);
	ck_assert(same_counts(&into, &(struct count){ .hits = 6, .bytes = 10,
	    .first = T0 + 5, .last = T0 + 9 }));
	r = mk(1, 1, T0, T0 + 1);
	report_add(&into, &r);
	ck_assert(same_counts(&into, &(struct count){ .hits = 7, .bytes = 11,
	    .first = T0, .last = T0 + 9 }));
	/* saturation: hits at UINT64_MAX, bytes below BYTES_NONE */
	r = mk(UINT64_MAX - 3, NONE - 5, T0, T0);
	report_add(&into, &r);
	ck_assert_uint_eq(into.hits, UINT64_MAX);
	ck_assert_uint_eq(into.bytes, NONE - 1);
	report_add(&into, &r);
	ck_assert_uint_eq(into.hits, UINT64_MAX);
	ck_assert_uint_eq(into.bytes, NONE - 1);
}
END_TEST

/* Any order, any grouping: the same sum, saturated or not. */
START_TEST(test_add_order)
{
	const struct count parts[4] = {
		mk(5, NONE, 0, 0),
		mk(UINT64_MAX / 2, NONE / 2, T0 + 7, T0 + 8),
		mk(UINT64_MAX / 2 + 9, NONE / 2 + 3, T0 + 2, T0 + 3),
		mk(1, 1, T0 + 100, T0 + 100),
	};
	static const int perms[][4] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 },
	};
	struct count want = mk(0, NONE, 0, 0);
	int n = _i ? 4 : 2;	/* saturated, or not */

	for (int i = 0; i < 4; i++)
		if (i < n || _i)
			report_add(&want, &parts[i]);
	for (size_t p = 0; p < nitems(perms); p++) {
		struct count one = mk(0, NONE, 0, 0), two = one, sum = one;
		int k = 0;

		/* two stages: a merge of two, a merge of the rest, then one */
		for (int i = 0; i < 4; i++) {
			int j = perms[p][i];

			if (!_i && j >= n)
				continue;
			report_add(k++ < 2 ? &one : &two, &parts[j]);
		}
		report_add(&sum, &two);
		report_add(&sum, &one);
		ck_assert(same_counts(&sum, &want));
	}
}
END_TEST

/* Each file starts afresh: a layout learned in one does not carry on. */
START_TEST(test_layout)
{
	struct report_layout l;
	struct count row;
	const char *why;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(parse(&l, "hits\tip", &row, &why), RF_HEADER);
	ck_assert_int_eq(parse(&l, "3\t10.0.0.1", &row, &why), RF_ROW);
	ck_assert_uint_eq(row.hits, 3);
	/* a header with other columns is said, and read by after */
	ck_assert_int_eq(parse(&l, "ip\thits", &row, &why), RF_BAD);
	ck_assert_int_eq(parse(&l, "10.0.0.2\t4", &row, &why), RF_ROW);
	ck_assert_uint_eq(row.hits, 4);
	/* comma in TSV is not a separator */
	ck_assert_int_eq(parse(&l, "10.0.0.2,5\t4", &row, &why), RF_BAD);
	ck_assert_str_eq(why, "ip is not an address");
	/* a refused header leaves the layout as it was */
	ck_assert_int_eq(parse(&l, "ip\tip", &row, &why), RF_BAD);
	ck_assert_int_eq(parse(&l, "10.0.0.3\t6", &row, &why), RF_ROW);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(parse(&l, "10.0.0.3\t6", &row, &why), RF_ROW);
	ck_assert_int_eq(l.form, RFORM_TSV);
	ck_assert_int_eq(l.header, 0);
}
END_TEST

/* A NUL inside a line is a byte like any other, never an end. */
START_TEST(test_nul)
{
	static const char json[] = "{\"ip\":\"10.0.0.1\",\"hits\":1\0}";
	static const char csv[] = "10.0.0.1,1\0,5";
	struct report_layout l;
	struct count row;
	const char *why, *p;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(parse(&l, "{\"ip\":\"10.0.0.2\",\"hits\":1}", &row,
	    &why), RF_ROW);
	p = tu_guarded(json, sizeof(json) - 1);
	ck_assert_int_eq(report_parse(&l, p, p + sizeof(json) - 1, &row,
	    &why), RF_BAD);
	ck_assert_str_eq(why, "not one flat JSON object per line");
	memset(&l, 0, sizeof(l));
	p = tu_guarded(csv, sizeof(csv) - 1);
	ck_assert_int_eq(report_parse(&l, p, p + sizeof(csv) - 1, &row,
	    &why), RF_BAD);
	ck_assert_str_eq(why, "hits is not a count of 1 or more");
}
END_TEST

/* --counts-only's columns, and which need lookups. */
START_TEST(test_columns)
{
	enum column c[COL_MAX];
	int n = columns_counts(c);

	ck_assert_int_eq(n, 5);
	for (int i = 0; i < n; i++)
		ck_assert(!column_needs_lookup(c[i]));
	ck_assert_str_eq(column_name(c[0]), "ip");
	ck_assert_str_eq(column_name(c[4]), "last_seen");
	ck_assert(!column_needs_lookup(COL_ADDRESSES));
	for (enum column k = COL_KIND; k < COL_MAX; k++)
		ck_assert(column_needs_lookup(k));
}
END_TEST

static Suite *
fmt_report_suite(void)
{
	Suite *s = suite_create("fmt_report");
	TCase *tc = tcase_create("rows");

	tcase_add_loop_test(tc, test_row, 0, nitems(rows));
	tcase_add_loop_test(tc, test_row_cut, 0, nitems(rows));
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("round trip");
	tcase_add_loop_test(tc, test_round_trip, 0, 12);
	tcase_add_test(tc, test_columns);
	suite_add_tcase(s, tc);

	tc = tcase_create("add");
	tcase_add_test(tc, test_add);
	tcase_add_loop_test(tc, test_add_order, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return tu_run(fmt_report_suite());
}
