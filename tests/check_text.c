/*
 * answer.c and output.c: untrusted registry text cleaned on the way in, the
 * answer it goes into, CSV quoting on the way out, status and source
 * names.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

#define FFFD	"\xef\xbf\xbd"	/* U+FFFD REPLACEMENT CHARACTER */

/* in is n bytes (n 0: strlen); out is what max bytes of room give. */
static const struct {
	const char *what, *in;
	size_t n, max;
	const char *out;
} clean_cases[] = {
	{ "plain", "Google Inc.", 0, 64, "Google Inc." },
	{ "empty", "", 0, 64, "" },
	{ "only spaces", "   ", 0, 64, "" },
	{ "ends trimmed", "  a  ", 0, 64, "a" },
	{ "run folded", "a  \t  b", 0, 64, "a b" },
	{ "newlines", "a\nb\r\nc", 0, 64, "a b c" },
	{ "tab", "a\tb", 0, 64, "a b" },
	{ "C0 run", "a\x01\x02\x1f" "b", 0, 64, "a b" },
	{ "DEL", "a\x7f" "b", 0, 64, "a b" },
	{ "NUL inside", "a\0b", 3, 64, "a b" },
	{ "C1 control NEL", "a\xc2\x85" "b", 0, 64, "a b" },
	{ "C1 control CSI", "a\xc2\x9b" "b", 0, 64, "a b" },
	{ "escape sequence", "\x1b[31mred\x1b[0m", 0, 64, "[31mred [0m" },
	{ "no-break space kept", "a\xc2\xa0" "b", 0, 64, "a\xc2\xa0" "b" },
	{ "two-byte", "M\xc3\xbcller", 0, 64, "M\xc3\xbcller" },
	{ "three-byte", "\xe6\x9d\xb1\xe4\xba\xac", 0, 64,
	    "\xe6\x9d\xb1\xe4\xba\xac" },
	{ "four-byte", "\xf0\x9f\x98\x80", 0, 64, "\xf0\x9f\x98\x80" },
	{ "U+10FFFF", "\xf4\x8f\xbf\xbf", 0, 64, "\xf4\x8f\xbf\xbf" },
	{ "U+FFFD itself", FFFD, 0, 64, FFFD },
	/* Invalid UTF-8: each byte that starts no valid sequence. */
	{ "lone 0xff", "\xff", 0, 64, FFFD },
	{ "0xff inside", "a\xff" "b", 0, 64, "a" FFFD "b" },
	{ "Latin-1", "M\xfcller", 0, 64, "M" FFFD "ller" },
	{ "lone continuation", "\x80", 0, 64, FFFD },
	{ "overlong slash", "\xc0\xaf", 0, 64, FFFD FFFD },
	{ "overlong NUL", "\xc0\x80", 0, 64, FFFD FFFD },
	{ "overlong 3", "\xe0\x80\xaf", 0, 64, FFFD FFFD FFFD },
	{ "overlong 4", "\xf0\x80\x80\xaf", 0, 64, FFFD FFFD FFFD FFFD },
	{ "surrogate D800", "\xed\xa0\x80", 0, 64, FFFD FFFD FFFD },
	{ "surrogate DFFF", "\xed\xbf\xbf", 0, 64, FFFD FFFD FFFD },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 0, 64,
	    FFFD FFFD FFFD FFFD },
	{ "0xf5 lead", "\xf5\x80\x80\x80", 0, 64, FFFD FFFD FFFD FFFD },
	{ "cut sequence at end", "ab\xe2\x82", 0, 64, "ab" FFFD FFFD },
	{ "cut sequence inside", "a\xe2\x82" "b", 0, 64, "a" FFFD FFFD "b" },
	/* Cut at max bytes, never inside a character. */
	{ "cut ascii", "abcdef", 0, 3, "abc" },
	{ "cut exact", "abc", 0, 3, "abc" },
	{ "cut two-byte", "a\xc3\xa9", 0, 2, "a" },
	{ "cut three-byte", "\xe2\x82\xac", 0, 2, "" },
	{ "cut after three-byte", "a\xe2\x82\xac" "b", 0, 4, "a\xe2\x82\xac" },
	{ "cut four-byte", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 0, 7,
	    "\xf0\x9f\x98\x80" },
	{ "cut U+FFFD", "a\xff", 0, 3, "a" },
	{ "cut at a space", "a b", 0, 2, "a" },
	{ "cut after spaces", "a    b", 0, 3, "a b" },
	{ "max 0", "abc", 0, 0, "" },
};

START_TEST(test_clean)
{
	size_t n = clean_cases[_i].n ? clean_cases[_i].n :
	    strlen(clean_cases[_i].in);
	size_t max = clean_cases[_i].max;
	/* Exactly max + 1 bytes: a write past them is caught by ASan. */
	char *dst = malloc(max + 1);
	char *src = malloc(n ? n : 1);
	size_t len;

	memcpy(src, clean_cases[_i].in, n);
	len = text_clean(dst, src, n, max);
	ck_assert_msg(strcmp(dst, clean_cases[_i].out) == 0,
	    "%s: got \"%s\", want \"%s\"", clean_cases[_i].what, dst,
	    clean_cases[_i].out);
	ck_assert_uint_eq(len, strlen(clean_cases[_i].out));
	ck_assert_uint_le(len, max);
	free(src);
	free(dst);
}
END_TEST

/* Is s (NUL-terminated) valid UTF-8 with no controls and tidy spaces? */
static int
tidy_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned c = s[i], need, cp;

		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c == ' ' && (i == 0 || i + 1 == len || s[i + 1] == ' '))
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		if (i + need >= len)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += need + 1;
	}
	return s[len] == '\0';
}

/* Random bytes (a fixed sequence) always come out tidy and in bounds. */
START_TEST(test_clean_random)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;

	for (int round = 0; round < 2000; round++) {
		unsigned char src[64];
		char dst[48 + 1];
		size_t n, max, len;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		n = (size_t)(x >> 58);	/* 0..63 */
		max = (size_t)(x >> 40) % 49;
		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ULL +
			    1442695040888963407ULL;
			/* Mostly high bytes and controls: the hard cases. */
			src[i] = (unsigned char)(x >> 56);
			if (src[i] > 0x60 && src[i] < 0x80)
				src[i] = ' ';
		}
		len = text_clean(dst, (const char *)src, n, max);
		ck_assert_uint_le(len, max);
		ck_assert_uint_eq(strlen(dst), len);
		ck_assert_msg(tidy_utf8((unsigned char *)dst, len),
		    "round %d: untidy output", round);
	}
}
END_TEST

static const struct {
	const char *in;
	int quote;
	const char *out;
} csv_cases[] = {
	{ "plain", 0, "plain" },
	{ "", 0, "" },
	{ " spaced out ", 0, " spaced out " },
	{ "M\xc3\xbcller", 0, "M\xc3\xbcller" },
	{ "a,b", 1, "\"a,b\"" },
	{ ",", 1, "\",\"" },
	{ "say \"hi\"", 1, "\"say \"\"hi\"\"\"" },
	{ "\"", 1, "\"\"\"\"" },
	{ "a\rb", 1, "\"a\rb\"" },
	{ "a\nb", 1, "\"a\nb\"" },
	{ "Google, Inc. \"GOGL\"\r\n", 1,
	    "\"Google, Inc. \"\"GOGL\"\"\r\n\"" },
	{ "'single' ;semi; \ttab", 0, "'single' ;semi; \ttab" },
};

/*
 * The report's CSV rows through the writer the reporter uses: columns
 * and fields from cfg and a, with text set as a registry gave it (not
 * cleaned first: the writer must not rely on that).
 */
static char *
csv_row(const enum column *cols, int ncols, const struct answer *a,
    const struct ip *ip)
{
	static struct out o;
	struct config cfg;
	struct report_row r;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	memset(&cfg, 0, sizeof(cfg));
	cfg.outfmt = OUT_CSV;
	memcpy(cfg.columns, cols, (size_t)ncols * sizeof(*cols));
	cfg.ncolumns = ncols;
	memset(&r, 0, sizeof(r));
	r.ip = *ip;
	r.answer = a;
	out_init(&o, fp, &cfg);
	out_row(&o, &r);
	out_flush(&o);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_uint_eq(len, strlen(buf));
	return buf;
}

START_TEST(test_csv)
{
	static const enum column org[] = { COL_ORG };
	struct answer a = { 0 };
	struct ip ip = { { 0 } };
	char *got, want[128];

	ck_assert_int_eq(csv_needs_quotes(csv_cases[_i].in) != 0,
	    csv_cases[_i].quote);
	a.field[FLD_ORG] = xstrndup(csv_cases[_i].in,
	    strlen(csv_cases[_i].in));
	got = csv_row(org, 1, &a, &ip);
	snprintf(want, sizeof(want), "%s\n", csv_cases[_i].out);
	ck_assert_str_eq(got, want);
	free(got);
	answer_clear(&a);
}
END_TEST

/* An empty field is an empty cell; cells in a row stay apart. */
START_TEST(test_csv_row)
{
	static const enum column cols[] = { COL_IP, COL_ORG, COL_AS_NAME };
	struct answer a = { 0 };
	struct ip ip;
	char *got;

	ck_assert_int_eq(ip_parse("1.2.3.4", 7, &ip), 0);
	a.field[FLD_AS_NAME] = xstrndup("a,b", 3);
	got = csv_row(cols, 3, &a, &ip);
	ck_assert_str_eq(got, "1.2.3.4,,\"a,b\"\n");
	free(got);
	answer_clear(&a);
}
END_TEST

START_TEST(test_answer_set)
{
	struct answer a = { 0 };
	char big[FIELD_MAX * 2];

	answer_set(&a, FLD_ORG, "  Google\tInc.\r\n", 15);
	ck_assert_str_eq(a.field[FLD_ORG], "Google Inc.");
	/* Only n bytes count. */
	answer_set(&a, FLD_COUNTRY, "USA", 2);
	ck_assert_str_eq(a.field[FLD_COUNTRY], "US");
	/* Setting again replaces (the old text is freed: LSan checks). */
	answer_set(&a, FLD_ORG, "Google LLC", 10);
	ck_assert_str_eq(a.field[FLD_ORG], "Google LLC");
	/* Empty text, or text that cleans to nothing, unsets. */
	answer_set(&a, FLD_ORG, "", 0);
	ck_assert_ptr_null(a.field[FLD_ORG]);
	answer_set(&a, FLD_COUNTRY, " \t\n", 3);
	ck_assert_ptr_null(a.field[FLD_COUNTRY]);
	/* Invalid bytes are replaced, not dropped. */
	answer_set(&a, FLD_AS_NAME, "X\xff", 2);
	ck_assert_str_eq(a.field[FLD_AS_NAME], "X" FFFD);
	/* Long text is cut at FIELD_MAX bytes. */
	memset(big, 'x', sizeof(big));
	answer_set(&a, FLD_NET_NAME, big, sizeof(big));
	ck_assert_uint_eq(strlen(a.field[FLD_NET_NAME]), FIELD_MAX);
	/* ... on a character boundary. */
	big[FIELD_MAX - 1] = '\xc3';
	big[FIELD_MAX] = '\xa9';
	answer_set(&a, FLD_NET_NAME, big, sizeof(big));
	ck_assert_uint_eq(strlen(a.field[FLD_NET_NAME]), FIELD_MAX - 1);
	answer_clear(&a);
	for (int i = 0; i < FLD_MAX; i++)
		ck_assert_ptr_null(a.field[i]);
	ck_assert_uint_eq(a.kind, 0);
	ck_assert_uint_eq(a.status, 0);
}
END_TEST

static void
sample(struct answer *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = KIND_PUBLIC;
	a->registry = RIR_ARIN;
	a->status = ST_OK;
	a->source = SRC_RDAP;
	answer_set(a, FLD_NETWORK, "8.8.8.0/24", 10);
	answer_set(a, FLD_ORG, "Google LLC", 10);
	answer_set(a, FLD_COUNTRY, "US", 2);
}

/* One change each: the answers differ, and so (here) do the hashes. */
enum change {
	CH_KIND, CH_REGISTRY, CH_STATUS, CH_SOURCE, CH_FIELD_TEXT,
	CH_FIELD_UNSET, CH_FIELD_ADDED, CH_FIELD_MOVED, CH_BOUNDARY,
	CH_MAX
};

static void
change(struct answer *a, enum change c)
{
	switch (c) {
	case CH_KIND:
		a->kind = KIND_PRIVATE;
		break;
	case CH_REGISTRY:
		a->registry = RIR_RIPE;
		break;
	case CH_STATUS:
		a->status = ST_TIMEOUT;
		break;
	case CH_SOURCE:
		a->source = SRC_WHOIS;
		break;
	case CH_FIELD_TEXT:
		answer_set(a, FLD_ORG, "Google LLD", 10);
		break;
	case CH_FIELD_UNSET:
		answer_set(a, FLD_COUNTRY, "", 0);
		break;
	case CH_FIELD_ADDED:
		answer_set(a, FLD_ASN, "15169", 5);
		break;
	case CH_FIELD_MOVED:
		/* The same text under another name. */
		answer_set(a, FLD_ORG, "", 0);
		answer_set(a, FLD_NET_NAME, "Google LLC", 10);
		break;
	case CH_BOUNDARY:
		/* "8.8.8.0/24" + "" -> "8.8.8.0/2" + "4" */
		answer_set(a, FLD_NETWORK, "8.8.8.0/2", 9);
		answer_set(a, FLD_NET_NAME, "4", 1);
		break;
	case CH_MAX:
		break;
	}
}

START_TEST(test_answer_equal_hash)
{
	struct answer a, b;

	sample(&a);
	sample(&b);
	ck_assert(answer_equal(&a, &b));
	ck_assert(answer_hash(&a) == answer_hash(&b));
	change(&b, (enum change)_i);
	ck_assert_msg(!answer_equal(&a, &b), "change %d: still equal", _i);
	ck_assert_msg(!answer_equal(&b, &a), "change %d: still equal", _i);
	ck_assert_msg(answer_hash(&a) != answer_hash(&b),
	    "change %d: same hash", _i);
	answer_clear(&a);
	answer_clear(&b);
}
END_TEST

START_TEST(test_answer_empty)
{
	struct answer a = { 0 }, b = { 0 };

	ck_assert(answer_equal(&a, &b));
	ck_assert(answer_hash(&a) == answer_hash(&b));
	answer_clear(&a);	/* clearing an empty answer is fine */
	ck_assert(answer_equal(&a, &b));
}
END_TEST

static const struct {
	int v;
	const char *status, *source;
} names[] = {
	{ 0, "ok", "" },
	{ 1, "not-found", "rdap" },
	{ 2, "timeout", "whois" },
	{ 3, "rate-limited", "cache" },
	{ 4, "error", "builtin" },
	{ 5, "error", "db" },		/* out of range: ST_MAX */
	{ 6, "error", "" },		/* out of range: SRC_MAX */
	{ 7, "error", "" },
	{ 200, "error", "" },
};

START_TEST(test_names)
{
	ck_assert_str_eq(status_name((enum status)names[_i].v),
	    names[_i].status);
	ck_assert_str_eq(source_name((enum source)names[_i].v),
	    names[_i].source);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("clean");

	tcase_add_loop_test(tc, test_clean, 0, nitems(clean_cases));
	tcase_add_loop_test(tc, test_clean_random, 0, 8);
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_loop_test(tc, test_csv, 0, nitems(csv_cases));
	tcase_add_test(tc, test_csv_row);
	suite_add_tcase(s, tc);

	tc = tcase_create("answer");
	tcase_add_test(tc, test_answer_set);
	tcase_add_loop_test(tc, test_answer_equal_hash, 0, CH_MAX);
	tcase_add_test(tc, test_answer_empty);
	tcase_add_loop_test(tc, test_names, 0, nitems(names));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(text_suite());
}
