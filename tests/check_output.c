/*
 * output.c: the report's bytes.  Rows go through the real writer into
 * memory and come out exactly as ipwhois(1) describes each format: CSV
 * quoting, TSV escapes, JSON types and nulls, --csv-safe, the header,
 * the columns and their order.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

#define T_FIRST	1710224711	/* 2024-03-12T06:25:11Z */
#define T_LAST	1710234001	/* 2024-03-12T09:00:01Z */

/* The config of a report: a format and the columns (NULL: default). */
static void
setup(struct config *cfg, enum outfmt fmt, const char *fields)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->outfmt = fmt;
	if (fields == NULL) {
		cfg->ncolumns = columns_default(BY_IP, cfg->columns);
		return;
	}
	for (const char *p = fields; p != NULL; ) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		ck_assert_int_eq(column_by_name(p, n,
		    &cfg->columns[cfg->ncolumns]), 0);
		cfg->ncolumns++;
		p = comma ? comma + 1 : NULL;
	}
}

/* The report of rows: the header (as cfg says) and each row. */
static char *
render(const struct config *cfg, const struct report_row *rows, size_t n)
{
	static struct out o;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	out_init(&o, fp, cfg);
	out_header(&o);
	for (size_t i = 0; i < n; i++)
		out_row(&o, &rows[i]);
	out_flush(&o);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_uint_eq(strlen(buf), len);	/* no NUL written */
	return buf;
}

/* An address row. */
static void
row(struct report_row *r, const char *ip, uint64_t hits, uint64_t bytes,
    uint32_t first, uint32_t last, const struct answer *a)
{
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(ip_parse(ip, strlen(ip), &r->ip), 0);
	r->hits = hits;
	r->bytes = bytes;
	r->addresses = 1;
	r->first = first;
	r->last = last;
	r->answer = a;
}

/* A public address's answer with text in one field (raw: not cleaned,
 * as a writer must not rely on it). */
static void
answer_with(struct answer *a, enum field f, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->kind = KIND_PUBLIC;
	a->registry = RIR_RIPE;
	a->source = SRC_DB;
	a->status = ST_OK;
	if (text != NULL)
		a->field[f] = strdup(text);
}

static void
answer_free(struct answer *a)
{
	answer_clear(a);
}

/* The documentation address of the fixtures, as special.c answers. */
static void
answer_doc(struct answer *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = KIND_DOCUMENTATION;
	a->source = SRC_BUILTIN;
	a->status = ST_OK;
	answer_set(a, FLD_NETWORK, "192.0.2.0/24", 12);
	answer_set(a, FLD_NET_NAME, "Documentation (TEST-NET-1)", 26);
}

/* Two rows, one full, one with nothing but its address and hits. */
static void
two_rows(struct report_row r[2], struct answer a[2])
{
	answer_doc(&a[0]);
	answer_with(&a[1], FLD_ASN, "64500");
	a[1].field[FLD_AS_NAME] = strdup("LLC \"SPUTNIK\", Ltd");
	a[1].field[FLD_COUNTRY] = strdup("FR");
	row(&r[0], "192.0.2.7", 6, 38967, T_FIRST, T_LAST, &a[0]);
	row(&r[1], "2001:db8::7", 1, BYTES_NONE, 0, 0, &a[1]);
}

/* --- each format, the default columns -------------------------------- */

static const struct {
	const char *what;
	enum outfmt fmt;
	int no_header;
	const char *want;
} formats[] = {
	{ "csv", OUT_CSV, 0,
	    "ip,hits,bytes,first_seen,last_seen,kind,registry,network,"
	    "net_name,org,country,asn,as_name,abuse_email,source,status\n"
	    "192.0.2.7,6,38967,2024-03-12T06:25:11Z,2024-03-12T09:00:01Z,"
	    "documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,"
	    "builtin,ok\n"
	    "2001:db8::7,1,,,,public,RIPE,,,,FR,64500,"
	    "\"LLC \"\"SPUTNIK\"\", Ltd\",,db,ok\n" },
	{ "csv --no-header", OUT_CSV, 1,
	    "192.0.2.7,6,38967,2024-03-12T06:25:11Z,2024-03-12T09:00:01Z,"
	    "documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,"
	    "builtin,ok\n"
	    "2001:db8::7,1,,,,public,RIPE,,,,FR,64500,"
	    "\"LLC \"\"SPUTNIK\"\", Ltd\",,db,ok\n" },
	{ "tsv", OUT_TSV, 0,
	    "ip\thits\tbytes\tfirst_seen\tlast_seen\tkind\tregistry\tnetwork\t"
	    "net_name\torg\tcountry\tasn\tas_name\tabuse_email\tsource\t"
	    "status\n"
	    "192.0.2.7\t6\t38967\t2024-03-12T06:25:11Z\t2024-03-12T09:00:01Z\t"
	    "documentation\t\t192.0.2.0/24\tDocumentation (TEST-NET-1)\t\t\t"
	    "\t\t\tbuiltin\tok\n"
	    "2001:db8::7\t1\t\t\t\tpublic\tRIPE\t\t\t\tFR\t64500\t"
	    "LLC \"SPUTNIK\", Ltd\t\tdb\tok\n" },
	{ "tsv --no-header", OUT_TSV, 1,
	    "192.0.2.7\t6\t38967\t2024-03-12T06:25:11Z\t2024-03-12T09:00:01Z\t"
	    "documentation\t\t192.0.2.0/24\tDocumentation (TEST-NET-1)\t\t\t"
	    "\t\t\tbuiltin\tok\n"
	    "2001:db8::7\t1\t\t\t\tpublic\tRIPE\t\t\t\tFR\t64500\t"
	    "LLC \"SPUTNIK\", Ltd\t\tdb\tok\n" },
	/* No header either way; JSON null for what CSV leaves empty. */
	{ "jsonl", OUT_JSONL, 0,
	    "{\"ip\":\"192.0.2.7\",\"hits\":6,\"bytes\":38967,"
	    "\"first_seen\":\"2024-03-12T06:25:11Z\","
	    "\"last_seen\":\"2024-03-12T09:00:01Z\",\"kind\":\"documentation\","
	    "\"registry\":null,\"network\":\"192.0.2.0/24\","
	    "\"net_name\":\"Documentation (TEST-NET-1)\",\"org\":null,"
	    "\"country\":null,\"asn\":null,\"as_name\":null,"
	    "\"abuse_email\":null,\"source\":\"builtin\",\"status\":\"ok\"}\n"
	    "{\"ip\":\"2001:db8::7\",\"hits\":1,\"bytes\":null,"
	    "\"first_seen\":null,\"last_seen\":null,\"kind\":\"public\","
	    "\"registry\":\"RIPE\",\"network\":null,\"net_name\":null,"
	    "\"org\":null,\"country\":\"FR\",\"asn\":64500,"
	    "\"as_name\":\"LLC \\\"SPUTNIK\\\", Ltd\",\"abuse_email\":null,"
	    "\"source\":\"db\",\"status\":\"ok\"}\n" },
	{ "jsonl --no-header", OUT_JSONL, 1,
	    "{\"ip\":\"192.0.2.7\",\"hits\":6,\"bytes\":38967,"
	    "\"first_seen\":\"2024-03-12T06:25:11Z\","
	    "\"last_seen\":\"2024-03-12T09:00:01Z\",\"kind\":\"documentation\","
	    "\"registry\":null,\"network\":\"192.0.2.0/24\","
	    "\"net_name\":\"Documentation (TEST-NET-1)\",\"org\":null,"
	    "\"country\":null,\"asn\":null,\"as_name\":null,"
	    "\"abuse_email\":null,\"source\":\"builtin\",\"status\":\"ok\"}\n"
	    "{\"ip\":\"2001:db8::7\",\"hits\":1,\"bytes\":null,"
	    "\"first_seen\":null,\"last_seen\":null,\"kind\":\"public\","
	    "\"registry\":\"RIPE\",\"network\":null,\"net_name\":null,"
	    "\"org\":null,\"country\":\"FR\",\"asn\":64500,"
	    "\"as_name\":\"LLC \\\"SPUTNIK\\\", Ltd\",\"abuse_email\":null,"
	    "\"source\":\"db\",\"status\":\"ok\"}\n" },
};

START_TEST(test_formats)
{
	struct report_row r[2];
	struct answer a[2];
	struct config cfg;
	char *got;

	two_rows(r, a);
	setup(&cfg, formats[_i].fmt, NULL);
	cfg.no_header = formats[_i].no_header;
	got = render(&cfg, r, 2);
	ck_assert_msg(strcmp(got, formats[_i].want) == 0, "%s:\n%s",
	    formats[_i].what, got);
	free(got);
	answer_free(&a[0]);
	answer_free(&a[1]);
}
END_TEST

/* No rows: the header alone, or nothing at all. */
START_TEST(test_empty_report)
{
	struct config cfg;
	char *got;

	setup(&cfg, OUT_CSV, "ip,hits");
	got = render(&cfg, NULL, 0);
	ck_assert_str_eq(got, "ip,hits\n");
	free(got);
	cfg.no_header = 1;
	got = render(&cfg, NULL, 0);
	ck_assert_str_eq(got, "");
	free(got);
	setup(&cfg, OUT_JSONL, "ip,hits");
	got = render(&cfg, NULL, 0);
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

/* --- --fields: those columns, in that order -------------------------- */

static const struct {
	enum outfmt fmt;
	const char *fields, *want;
} orders[] = {
	{ OUT_CSV, "status,ip,hits",
	    "status,ip,hits\nok,192.0.2.7,6\nok,2001:db8::7,1\n" },
	{ OUT_CSV, "hits", "hits\n6\n1\n" },
	{ OUT_CSV, "addresses,ip",
	    "addresses,ip\n1,192.0.2.7\n1,2001:db8::7\n" },
	{ OUT_CSV, "as_name,asn,country",
	    "as_name,asn,country\n,,\n"
	    "\"LLC \"\"SPUTNIK\"\", Ltd\",64500,FR\n" },
	{ OUT_TSV, "last_seen,first_seen,bytes",
	    "last_seen\tfirst_seen\tbytes\n"
	    "2024-03-12T09:00:01Z\t2024-03-12T06:25:11Z\t38967\n\t\t\n" },
	{ OUT_JSONL, "status,ip,addresses,hits",
	    "{\"status\":\"ok\",\"ip\":\"192.0.2.7\",\"addresses\":1,"
	    "\"hits\":6}\n"
	    "{\"status\":\"ok\",\"ip\":\"2001:db8::7\",\"addresses\":1,"
	    "\"hits\":1}\n" },
	{ OUT_JSONL, "registry,kind",
	    "{\"registry\":null,\"kind\":\"documentation\"}\n"
	    "{\"registry\":\"RIPE\",\"kind\":\"public\"}\n" },
};

START_TEST(test_fields_order)
{
	struct report_row r[2];
	struct answer a[2];
	struct config cfg;
	char *got;

	two_rows(r, a);
	setup(&cfg, orders[_i].fmt, orders[_i].fields);
	got = render(&cfg, r, 2);
	ck_assert_str_eq(got, orders[_i].want);
	free(got);
	answer_free(&a[0]);
	answer_free(&a[1]);
}
END_TEST

/* --- one text cell, every format, --csv-safe off and on --------------- */

static const struct {
	const char *in;
	const char *csv, *csv_safe, *tsv, *tsv_safe, *json;
} cells[] = {
	{ "plain", "plain", "plain", "plain", "plain", "\"plain\"" },
	{ "a,b", "\"a,b\"", "\"a,b\"", "a,b", "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"", "\"say \"\"hi\"\"\"",
	    "say \"hi\"", "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "\"", "\"\"\"\"", "\"\"\"\"", "\"", "\"", "\"\\\"\"" },
	{ "line\nbreak", "\"line\nbreak\"", "\"line\nbreak\"",
	    "line\\nbreak", "line\\nbreak", "\"line\\nbreak\"" },
	{ "cr\rhere", "\"cr\rhere\"", "\"cr\rhere\"", "cr\\rhere",
	    "cr\\rhere", "\"cr\\rhere\"" },
	{ "tab\there", "tab\there", "tab\there", "tab\\there", "tab\\there",
	    "\"tab\\there\"" },
	{ "back\\slash", "back\\slash", "back\\slash", "back\\\\slash",
	    "back\\\\slash", "\"back\\\\slash\"" },
	{ "\\\t\n\r", "\"\\\t\n\r\"", "\"\\\t\n\r\"", "\\\\\\t\\n\\r",
	    "\\\\\\t\\n\\r", "\"\\\\\\t\\n\\r\"" },
	/* Formula starts: defused by --csv-safe, in CSV and TSV only. */
	{ "=1+2", "=1+2", "'=1+2", "=1+2", "'=1+2", "\"=1+2\"" },
	{ "+cmd", "+cmd", "'+cmd", "+cmd", "'+cmd", "\"+cmd\"" },
	{ "-2+3", "-2+3", "'-2+3", "-2+3", "'-2+3", "\"-2+3\"" },
	{ "@SUM(A1)", "@SUM(A1)", "'@SUM(A1)", "@SUM(A1)", "'@SUM(A1)",
	    "\"@SUM(A1)\"" },
	{ "\tx", "\tx", "'\tx", "\\tx", "'\\tx", "\"\\tx\"" },
	{ "\rx", "\"\rx\"", "\"'\rx\"", "\\rx", "'\\rx", "\"\\rx\"" },
	{ "=HYPERLINK(\"http://x\",\"y\")",
	    "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
	    "=HYPERLINK(\"http://x\",\"y\")",
	    "'=HYPERLINK(\"http://x\",\"y\")",
	    "\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\"" },
	{ "=", "=", "'=", "=", "'=", "\"=\"" },
	/* Only the first character counts. */
	{ "a=b", "a=b", "a=b", "a=b", "a=b", "\"a=b\"" },
	{ " =x", " =x", " =x", " =x", " =x", "\" =x\"" },
	{ "'=x", "'=x", "'=x", "'=x", "'=x", "\"'=x\"" },
	/* Empty: an empty cell, JSON null. */
	{ "", "", "", "", "", "null" },
	/* UTF-8 passes as it is. */
	{ "M\xc3\xbcller", "M\xc3\xbcller", "M\xc3\xbcller", "M\xc3\xbcller",
	    "M\xc3\xbcller", "\"M\xc3\xbcller\"" },
	/* Not UTF-8: JSON must still be valid, so U+FFFD. */
	{ "M\xfcller", "M\xfcller", "M\xfcller", "M\xfcller", "M\xfcller",
	    "\"M\xef\xbf\xbdller\"" },
};

/* The org column alone, between two others, so separators show. */
static char *
one_cell(enum outfmt fmt, int safe, const char *text)
{
	struct report_row r;
	struct answer a;
	struct config cfg;
	char *got;

	answer_with(&a, FLD_ORG, text);
	row(&r, "192.0.2.1", 1, BYTES_NONE, 0, 0, &a);
	setup(&cfg, fmt, "hits,org,status");
	cfg.no_header = 1;
	cfg.csv_safe = safe;
	got = render(&cfg, &r, 1);
	answer_free(&a);
	return got;
}

static void
cell_is(enum outfmt fmt, int safe, const char *in, const char *want)
{
	char expect[256];
	char *got;

	if (fmt == OUT_JSONL)
		snprintf(expect, sizeof(expect),
		    "{\"hits\":1,\"org\":%s,\"status\":\"ok\"}\n", want);
	else
		snprintf(expect, sizeof(expect), "1%c%s%cok\n",
		    fmt == OUT_CSV ? ',' : '\t', want,
		    fmt == OUT_CSV ? ',' : '\t');
	got = one_cell(fmt, safe, in);
	ck_assert_msg(strcmp(got, expect) == 0,
	    "format %d, safe %d, cell \"%s\": got \"%s\", want \"%s\"",
	    (int)fmt, safe, in, got, expect);
	free(got);
}

START_TEST(test_cells)
{
	cell_is(OUT_CSV, 0, cells[_i].in, cells[_i].csv);
	cell_is(OUT_CSV, 1, cells[_i].in, cells[_i].csv_safe);
	cell_is(OUT_TSV, 0, cells[_i].in, cells[_i].tsv);
	cell_is(OUT_TSV, 1, cells[_i].in, cells[_i].tsv_safe);
	cell_is(OUT_JSONL, 0, cells[_i].in, cells[_i].json);
}
END_TEST

/* --csv-safe leaves alone what ipwhois itself writes: numbers, times,
 * addresses (even "::1"), names; and the header. */
START_TEST(test_csv_safe_ours)
{
	struct report_row r;
	struct answer a;
	struct config cfg;
	char *got;

	answer_with(&a, FLD_ORG, "-x");
	row(&r, "::1", 12, 0, T_FIRST, T_LAST, &a);
	setup(&cfg, OUT_CSV, "ip,hits,bytes,first_seen,kind,org");
	cfg.csv_safe = 1;
	got = render(&cfg, &r, 1);
	ck_assert_str_eq(got, "ip,hits,bytes,first_seen,kind,org\n"
	    "::1,12,0,2024-03-12T06:25:11Z,public,'-x\n");
	free(got);
	answer_free(&a);
}
END_TEST

/* --- JSON types -------------------------------------------------------- */

/* asn: a number when it is one, else the text as it came. */
static const struct {
	const char *asn, *want;
} asns[] = {
	{ "13335", "13335" },
	{ "0", "0" },
	{ "4294967295", "4294967295" },
	{ "AS13335", "\"AS13335\"" },
	{ "0123", "\"0123\"" },
	{ "12 34", "\"12 34\"" },
	{ "-5", "\"-5\"" },
	{ "123456789012345678901234", "\"123456789012345678901234\"" },
	{ "", "null" },
};

START_TEST(test_json_asn)
{
	struct report_row r;
	struct answer a;
	struct config cfg;
	char want[128], *got;

	answer_with(&a, FLD_ASN, asns[_i].asn);
	row(&r, "192.0.2.1", 1, 1, 0, 0, &a);
	setup(&cfg, OUT_JSONL, "asn");
	got = render(&cfg, &r, 1);
	snprintf(want, sizeof(want), "{\"asn\":%s}\n", asns[_i].want);
	ck_assert_str_eq(got, want);
	free(got);
	/* CSV and TSV write it as it is. */
	setup(&cfg, OUT_CSV, "asn");
	cfg.no_header = 1;
	got = render(&cfg, &r, 1);
	snprintf(want, sizeof(want), "%s\n", asns[_i].asn);
	ck_assert_str_eq(got, want);
	free(got);
	answer_free(&a);
}
END_TEST

/* Counts are numbers, 0 included; bytes 0 is no null. */
START_TEST(test_json_numbers)
{
	struct report_row r;
	struct answer a;
	struct config cfg;
	char *got;

	answer_with(&a, FLD_ORG, NULL);
	row(&r, "192.0.2.1", 0, 0, 0, 0, &a);
	r.addresses = 0;
	setup(&cfg, OUT_JSONL, "hits,bytes,addresses");
	got = render(&cfg, &r, 1);
	ck_assert_str_eq(got, "{\"hits\":0,\"bytes\":0,\"addresses\":0}\n");
	free(got);
	row(&r, "192.0.2.1", 9223372036854775807ULL, 123456789012ULL, 0, 0,
	    &a);
	r.addresses = 4000000000U;
	got = render(&cfg, &r, 1);
	ck_assert_str_eq(got, "{\"hits\":9223372036854775807,"
	    "\"bytes\":123456789012,\"addresses\":4000000000}\n");
	free(got);
	answer_free(&a);
}
END_TEST

/* --- the network's type: asked for, or not there ----------------------- */

/*
 * net_type is in no default: an answer that has one writes the default
 * report as before; --fields names it, in CSV, TSV and JSON Lines, and
 * its text is the registry's, quoted like the other fields.
 */
START_TEST(test_net_type)
{
	struct report_row r[2];
	struct answer a[2];
	struct config cfg;
	char *got;

	answer_with(&a[0], FLD_NET_TYPE, "ALLOCATED PA");
	a[0].field[FLD_NETWORK] = strdup("193.0.0.0/21");
	answer_with(&a[1], FLD_NET_TYPE, "=Reassigned, \"odd\"");
	row(&r[0], "193.0.6.139", 2, BYTES_NONE, 0, 0, &a[0]);
	row(&r[1], "193.0.0.1", 1, BYTES_NONE, 0, 0, &a[1]);

	setup(&cfg, OUT_CSV, NULL);
	got = render(&cfg, r, 1);
	ck_assert_str_eq(got, "ip,hits,bytes,first_seen,last_seen,kind,"
	    "registry,network,net_name,org,country,asn,as_name,abuse_email,"
	    "source,status\n193.0.6.139,2,,,,public,RIPE,193.0.0.0/21,,,,,,,"
	    "db,ok\n");
	free(got);
	setup(&cfg, OUT_JSONL, NULL);
	got = render(&cfg, r, 1);
	ck_assert_ptr_null(strstr(got, "net_type"));
	free(got);

	setup(&cfg, OUT_CSV, "ip,network,net_type");
	cfg.csv_safe = 1;
	got = render(&cfg, r, 2);
	ck_assert_str_eq(got, "ip,network,net_type\n"
	    "193.0.6.139,193.0.0.0/21,ALLOCATED PA\n"
	    "193.0.0.1,,\"'=Reassigned, \"\"odd\"\"\"\n");
	free(got);
	setup(&cfg, OUT_TSV, "net_type,ip");
	got = render(&cfg, r, 2);
	ck_assert_str_eq(got, "net_type\tip\nALLOCATED PA\t193.0.6.139\n"
	    "=Reassigned, \"odd\"\t193.0.0.1\n");
	free(got);
	setup(&cfg, OUT_JSONL, "ip,net_type");
	got = render(&cfg, r, 2);
	ck_assert_str_eq(got, "{\"ip\":\"193.0.6.139\",\"net_type\":"
	    "\"ALLOCATED PA\"}\n{\"ip\":\"193.0.0.1\",\"net_type\":"
	    "\"=Reassigned, \\\"odd\\\"\"}\n");
	free(got);
	ck_assert_str_eq(answer_column(&a[0], COL_NET_TYPE), "ALLOCATED PA");
	free(a[0].field[FLD_NET_TYPE]);
	a[0].field[FLD_NET_TYPE] = NULL;
	setup(&cfg, OUT_JSONL, "net_type");
	got = render(&cfg, r, 1);
	ck_assert_str_eq(got, "{\"net_type\":null}\n");
	free(got);
	answer_free(&a[0]);
	answer_free(&a[1]);
}
END_TEST

/* --- a group row: what the members do not share is empty -------------- */

START_TEST(test_mixed)
{
	struct report_row r;
	struct answer a;
	struct config cfg;
	char *got;

	answer_with(&a, FLD_NETWORK, "193.0.0.0/21");
	a.field[FLD_ORG] = strdup("Org");
	row(&r, "193.0.6.139", 7, 700, T_FIRST, T_LAST, &a);
	r.addresses = 3;
	r.mixed = COL_BIT(COL_IP) | COL_BIT(COL_REGISTRY) | COL_BIT(COL_ORG) |
	    COL_BIT(COL_STATUS);
	setup(&cfg, OUT_CSV, "network,ip,hits,addresses,registry,org,kind,"
	    "status");
	got = render(&cfg, &r, 1);
	ck_assert_str_eq(got, "network,ip,hits,addresses,registry,org,kind,"
	    "status\n193.0.0.0/21,,7,3,,,public,\n");
	free(got);
	setup(&cfg, OUT_JSONL, "network,ip,hits,addresses,registry,org,kind,"
	    "status");
	got = render(&cfg, &r, 1);
	ck_assert_str_eq(got, "{\"network\":\"193.0.0.0/21\",\"ip\":null,"
	    "\"hits\":7,\"addresses\":3,\"registry\":null,\"org\":null,"
	    "\"kind\":\"public\",\"status\":null}\n");
	free(got);
	answer_free(&a);
}
END_TEST

/* --- the buffer: rows across its end, cells larger than it ------------- */

START_TEST(test_many_rows)
{
	enum { N = 20000 };
	struct report_row *r = calloc(N, sizeof(*r));
	struct answer a;
	struct config cfg;
	char *got, *want, *p;

	ck_assert_ptr_nonnull(r);
	answer_with(&a, FLD_ORG, "Org, Inc.");
	want = p = malloc((size_t)N * 64 + 64);
	ck_assert_ptr_nonnull(want);
	p += sprintf(p, "ip,hits,org\n");
	for (int i = 0; i < N; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%d.%d.%d", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		row(&r[i], ip, (uint64_t)i * 1000003, 0, 0, 0, &a);
		p += sprintf(p, "%s,%llu,\"Org, Inc.\"\n", ip,
		    (unsigned long long)i * 1000003);
	}
	setup(&cfg, OUT_CSV, "ip,hits,org");
	got = render(&cfg, r, N);
	ck_assert_uint_gt(strlen(got), 2 * sizeof(((struct out *)0)->buf));
	ck_assert(strcmp(got, want) == 0);
	free(got);
	free(want);
	free(r);
	answer_free(&a);
}
END_TEST

/* A cell larger than the whole buffer (the writer does not rely on the
 * FIELD_MAX that answer_set keeps to). */
START_TEST(test_huge_cell)
{
	size_t n = 3 * sizeof(((struct out *)0)->buf) + 7;
	struct report_row r;
	struct answer a;
	struct config cfg;
	char *text = malloc(n + 1), *got, *want;

	ck_assert_ptr_nonnull(text);
	memset(text, 'x', n);
	text[0] = '=';
	text[n / 2] = '"';
	text[n] = '\0';
	answer_with(&a, FLD_ORG, text);
	row(&r, "192.0.2.1", 1, 1, 0, 0, &a);
	want = malloc(2 * n + 64);
	ck_assert_ptr_nonnull(want);

	setup(&cfg, OUT_CSV, "hits,org");
	cfg.no_header = 1;
	got = render(&cfg, &r, 1);
	sprintf(want, "1,\"%.*s\"\"%s\"\n", (int)(n / 2), text,
	    text + n / 2 + 1);
	ck_assert(strcmp(got, want) == 0);
	free(got);

	setup(&cfg, OUT_TSV, "hits,org");
	cfg.no_header = 1;
	cfg.csv_safe = 1;
	got = render(&cfg, &r, 1);
	sprintf(want, "1\t'%s\n", text);
	ck_assert(strcmp(got, want) == 0);
	free(got);

	setup(&cfg, OUT_JSONL, "hits,org");
	got = render(&cfg, &r, 1);
	sprintf(want, "{\"hits\":1,\"org\":\"%.*s\\\"%s\"}\n", (int)(n / 2),
	    text, text + n / 2 + 1);
	ck_assert(strcmp(got, want) == 0);
	free(got);
	free(want);
	free(text);
	answer_free(&a);
}
END_TEST

/* --- what an answer shows ---------------------------------------------- */

/*
 * Rows whose answers stay put (the reporter's) have their answer's cells
 * kept as text and copied: the report is byte for byte the one written
 * cell by cell, for CSV and TSV, columns in any order, an answer whose
 * text is too long to keep, and a group's row whose members differ.
 */
static const char *const stay_fields[] = {
	NULL, "ip,org,hits", "kind,ip,status", "ip,hits,as_name,country",
	"status", "ip",
};

START_TEST(test_answers_stay)
{
	enum { N = 3000 };
	static struct out o;
	struct report_row *rows = calloc(N, sizeof(*rows));
	struct answer a[4];
	char *long_org = malloc(3 * OUT_MEMO_MAX);
	char *text[2];

	two_rows(rows, a);
	memset(long_org, 'x', 3 * OUT_MEMO_MAX - 1);
	long_org[3 * OUT_MEMO_MAX - 1] = '\0';
	answer_with(&a[2], FLD_ORG, long_org);
	answer_with(&a[3], FLD_ORG, "A, \"quoted\" org");
	for (int i = 0; i < N; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%d.%d.1", i / 256, i % 256);
		row(&rows[i], ip, (uint64_t)(N - i), (uint64_t)i, T_FIRST,
		    T_LAST, &a[i * 7 % 4]);
		if (i % 11 == 0)
			rows[i].mixed = COL_BIT(COL_ORG) | COL_BIT(COL_IP);
		if (i % 13 == 0)
			rows[i].mixed = COL_BIT(COL_IP);
	}
	for (int f = OUT_CSV; f <= OUT_TSV; f++)
		for (size_t k = 0; k < nitems(stay_fields); k++) {
			struct config cfg;

			setup(&cfg, (enum outfmt)f, stay_fields[k]);
			for (int stay = 0; stay < 2; stay++) {
				size_t len = 0;
				FILE *fp = open_memstream(&text[stay], &len);

				out_init(&o, fp, &cfg);
				o.answers_stay = stay;
				for (int i = 0; i < N; i++)
					out_row(&o, &rows[i]);
				out_flush(&o);
				ck_assert_int_eq(fclose(fp), 0);
			}
			ck_assert_msg(strcmp(text[0], text[1]) == 0,
			    "format %d, fields %s: not the same", f,
			    stay_fields[k] ? stay_fields[k] : "(default)");
			if (stay_fields[k] == NULL ||
			    strstr(stay_fields[k], "org") != NULL)
				ck_assert_ptr_nonnull(strstr(text[1],
				    long_org));
			free(text[0]);
			free(text[1]);
		}
	for (int i = 0; i < 4; i++)
		answer_free(&a[i]);
	free(long_org);
	free(rows);
}
END_TEST

START_TEST(test_answer_column)
{
	struct answer a;

	memset(&a, 0, sizeof(a));
	a.kind = KIND_PRIVATE;
	a.registry = RIR_NONE;
	a.source = SRC_CACHE;
	a.status = ST_RATE_LIMITED;
	a.field[FLD_ORG] = strdup("");
	a.field[FLD_ASN] = strdup("64500");
	ck_assert_str_eq(answer_column(&a, COL_KIND), "private");
	ck_assert_ptr_null(answer_column(&a, COL_REGISTRY));
	ck_assert_str_eq(answer_column(&a, COL_SOURCE), "cache");
	ck_assert_str_eq(answer_column(&a, COL_STATUS), "rate-limited");
	ck_assert_ptr_null(answer_column(&a, COL_ORG));		/* "" */
	ck_assert_ptr_null(answer_column(&a, COL_NETWORK));	/* NULL */
	ck_assert_str_eq(answer_column(&a, COL_ASN), "64500");
	/* Not an answer's column. */
	ck_assert_ptr_null(answer_column(&a, COL_IP));
	ck_assert_ptr_null(answer_column(&a, COL_HITS));
	answer_free(&a);
}
END_TEST

/* An address's row: its counts, one address. */
START_TEST(test_row_of_count)
{
	struct count c;
	struct answer a;
	struct report_row r;

	memset(&c, 0, sizeof(c));
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(ip_parse("192.0.2.9", 9, &c.ip), 0);
	c.hits = 5;
	c.bytes = BYTES_NONE;
	c.first = T_FIRST;
	c.last = T_LAST;
	memset(&r, 0xff, sizeof(r));
	row_of_count(&r, &c, &a);
	ck_assert_int_eq(ip_cmp(&r.ip, &c.ip), 0);
	ck_assert_uint_eq(r.hits, 5);
	ck_assert_uint_eq(r.bytes, BYTES_NONE);
	ck_assert_uint_eq(r.addresses, 1);
	ck_assert_uint_eq(r.first, T_FIRST);
	ck_assert_uint_eq(r.last, T_LAST);
	ck_assert_uint_eq(r.mixed, 0);
	ck_assert_ptr_eq(r.answer, &a);
}
END_TEST

static Suite *
output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("formats");

	tcase_add_loop_test(tc, test_formats, 0, nitems(formats));
	tcase_add_test(tc, test_empty_report);
	tcase_add_loop_test(tc, test_fields_order, 0, nitems(orders));
	suite_add_tcase(s, tc);

	tc = tcase_create("cells");
	tcase_add_loop_test(tc, test_cells, 0, nitems(cells));
	tcase_add_test(tc, test_csv_safe_ours);
	tcase_add_loop_test(tc, test_json_asn, 0, nitems(asns));
	tcase_add_test(tc, test_json_numbers);
	tcase_add_test(tc, test_mixed);
	tcase_add_test(tc, test_net_type);
	suite_add_tcase(s, tc);

	tc = tcase_create("buffer");
	tcase_add_test(tc, test_many_rows);
	tcase_add_test(tc, test_huge_cell);
	suite_add_tcase(s, tc);

	tc = tcase_create("rows");
	tcase_add_test(tc, test_answers_stay);
	tcase_add_test(tc, test_answer_column);
	tcase_add_test(tc, test_row_of_count);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(output_suite());
}
