/*
 * The report's vocabulary (column names, --by names, the columns each
 * kind of report shows unless --fields says otherwise) and its writer:
 * rows into CSV, TSV or JSON Lines.
 */
#include <err.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

static const char *const column_names[COL_MAX] = {
	[COL_IP] = "ip",
	[COL_HITS] = "hits",
	[COL_BYTES] = "bytes",
	[COL_ADDRESSES] = "addresses",
	[COL_FIRST_SEEN] = "first_seen",
	[COL_LAST_SEEN] = "last_seen",
	[COL_KIND] = "kind",
	[COL_REGISTRY] = "registry",
	[COL_NETWORK] = "network",
	[COL_NET_NAME] = "net_name",
	[COL_ORG] = "org",
	[COL_COUNTRY] = "country",
	[COL_ASN] = "asn",
	[COL_AS_NAME] = "as_name",
	[COL_ABUSE_EMAIL] = "abuse_email",
	[COL_NET_TYPE] = "net_type",
	[COL_SOURCE] = "source",
	[COL_STATUS] = "status",
};

static const char *const groupby_names[BY_MAX] = {
	[BY_IP] = "ip",
	[BY_NETWORK] = "network",
	[BY_ASN] = "asn",
	[BY_ORG] = "org",
	[BY_COUNTRY] = "country",
	[BY_ABUSE] = "abuse",
};

/*
 * The columns of each kind of report: the key first, then the counts,
 * then what describes the group.  Ends at COL_MAX.
 */
static const enum column default_columns[BY_MAX][COL_MAX + 1] = {
	[BY_IP] = { COL_IP, COL_HITS, COL_BYTES, COL_FIRST_SEEN,
	    COL_LAST_SEEN, COL_KIND, COL_REGISTRY, COL_NETWORK, COL_NET_NAME,
	    COL_ORG, COL_COUNTRY, COL_ASN, COL_AS_NAME, COL_ABUSE_EMAIL,
	    COL_SOURCE, COL_STATUS, COL_MAX },
	[BY_NETWORK] = { COL_NETWORK, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_REGISTRY, COL_NET_NAME, COL_ORG,
	    COL_COUNTRY, COL_ASN, COL_AS_NAME, COL_ABUSE_EMAIL, COL_MAX },
	[BY_ASN] = { COL_ASN, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_AS_NAME, COL_COUNTRY,
	    COL_MAX },
	[BY_ORG] = { COL_ORG, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_COUNTRY, COL_ASN, COL_AS_NAME,
	    COL_ABUSE_EMAIL, COL_MAX },
	[BY_COUNTRY] = { COL_COUNTRY, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_MAX },
	[BY_ABUSE] = { COL_ABUSE_EMAIL, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_ORG, COL_COUNTRY, COL_MAX },
};

/*
 * --counts-only: what the parser counts, nothing a lookup says; the
 * columns --merge reads back.
 */
static const enum column counts_columns[] = {
	COL_IP, COL_HITS, COL_BYTES, COL_FIRST_SEEN, COL_LAST_SEEN,
};

/* The columns of a --counts-only report; how many. */
int
columns_counts(enum column *out)
{
	memcpy(out, counts_columns, sizeof(counts_columns));
	return (int)nitems(counts_columns);
}

/* Whether column c shows what a lookup says (kind to status). */
int
column_needs_lookup(enum column c)
{
	return c >= COL_KIND;
}

const char *
column_name(enum column c)
{
	return c < COL_MAX ? column_names[c] : "?";
}

/* The column called s[0..n); -1 when there is none. */
int
column_by_name(const char *s, size_t n, enum column *c)
{
	for (int i = 0; i < COL_MAX; i++)
		if (strlen(column_names[i]) == n &&
		    memcmp(column_names[i], s, n) == 0) {
			*c = (enum column)i;
			return 0;
		}
	return -1;
}

const char *
groupby_name(enum groupby by)
{
	return by < BY_MAX ? groupby_names[by] : "?";
}

int
groupby_by_name(const char *s, enum groupby *by)
{
	for (int i = 0; i < BY_MAX; i++)
		if (strcmp(groupby_names[i], s) == 0) {
			*by = (enum groupby)i;
			return 0;
		}
	return -1;
}

/* The columns a report by `by` shows without --fields; how many. */
int
columns_default(enum groupby by, enum column *out)
{
	int n = 0;

	while (default_columns[by][n] != COL_MAX) {
		out[n] = default_columns[by][n];
		n++;
	}
	return n;
}

/* --- writing the report ----------------------------------------------- */

/* The text an answer shows in column c (kind to status); NULL: empty. */
const char *
answer_column(const struct answer *a, enum column c)
{
	const char *s;

	switch (c) {
	case COL_KIND:
		s = kind_name((enum kind)a->kind);
		break;
	case COL_REGISTRY:
		s = rir_name((enum rir)a->registry);
		break;
	case COL_SOURCE:
		s = source_name((enum source)a->source);
		break;
	case COL_STATUS:
		s = status_name((enum status)a->status);
		break;
	default:
		if (c < COL_NETWORK || c > COL_NET_TYPE)
			return NULL;
		s = a->field[c - COL_NETWORK];
		break;
	}
	return s != NULL && *s != '\0' ? s : NULL;
}

/* An address's report row: its counts and its answer. */
void
row_of_count(struct report_row *r, const struct count *c,
    const struct answer *a)
{
	r->ip = c->ip;
	r->hits = c->hits;
	r->bytes = c->bytes;
	r->addresses = 1;
	r->first = c->first;
	r->last = c->last;
	r->mixed = 0;
	r->answer = a;
}

/*
 * One cell, whatever the format: nothing (empty, unknown, or differing
 * in a group), a number, or text (NUL-terminated, n bytes).  Plain text
 * is ours (addresses, times, names from our tables): nothing in it
 * needs quoting or escaping, and it starts with no formula character,
 * so CSV and TSV copy it as it is, which is most of the report.
 */
enum cell_type { CELL_NULL, CELL_NUMBER, CELL_TEXT };

struct cell {
	enum cell_type type;
	int	 plain;
	uint64_t num;
	const char *s;
	size_t	 n;
	char	 buf[IP_STRLEN];
};

static void
cell_number(struct cell *v, uint64_t num)
{
	v->type = CELL_NUMBER;
	v->num = num;
}

/* Inlined: called per cell, millions of times, from two places. */
static inline __attribute__((always_inline)) void
cell_of(const struct report_row *r, enum column c, struct cell *v)
{
	v->type = CELL_TEXT;
	v->plain = c < COL_NETWORK || c > COL_NET_TYPE;
	v->s = v->buf;
	if (r->mixed & COL_BIT(c)) {
		v->type = CELL_NULL;
		return;
	}
	switch (c) {
	case COL_IP:
		v->n = ip_format(&r->ip, v->buf);
		break;
	case COL_HITS:
		cell_number(v, r->hits);
		return;
	case COL_BYTES:
		if (r->bytes == BYTES_NONE)
			v->type = CELL_NULL;
		else
			cell_number(v, r->bytes);
		return;
	case COL_ADDRESSES:
		cell_number(v, r->addresses);
		return;
	case COL_FIRST_SEEN:
		v->n = time_format(r->first, v->buf);
		break;
	case COL_LAST_SEEN:
		v->n = time_format(r->last, v->buf);
		break;
	case COL_NETWORK:
	case COL_NET_NAME:
	case COL_ORG:
	case COL_COUNTRY:
	case COL_ASN:
	case COL_AS_NAME:
	case COL_ABUSE_EMAIL:
	case COL_NET_TYPE:
		v->s = r->answer->field[c - COL_NETWORK];
		if (v->s == NULL || *v->s == '\0') {
			v->type = CELL_NULL;
			return;
		}
		v->n = strlen(v->s);
		break;
	default:
		if ((v->s = answer_column(r->answer, c)) == NULL) {
			v->type = CELL_NULL;
			return;
		}
		v->n = strlen(v->s);
		break;
	}
	if (v->n == 0)
		v->type = CELL_NULL;
}

/* Rows are formatted into a buffer by hand and written in large blocks. */
void
out_flush(struct out *o)
{
	fwrite(o->buf, 1, (size_t)(o->p - o->buf), o->fp);
	o->p = o->buf;
	o->flushes++;
}

static void
out_str(struct out *o, const char *s, size_t n)
{
	if ((size_t)(o->end - o->p) < n) {
		out_flush(o);
		if (n > sizeof(o->buf)) {
			fwrite(s, 1, n, o->fp);
			return;
		}
	}
	memcpy(o->p, s, n);
	o->p += n;
}

static void
out_char(struct out *o, char c)
{
	if (o->p == o->end)
		out_flush(o);
	*o->p++ = c;
}

static void
out_u64(struct out *o, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	out_str(o, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * --csv-safe: a spreadsheet reads a cell starting with one of these as a
 * formula; a quote in front makes it text (OWASP, "CSV Injection").
 */
static int
formula_start(const struct out *o, const char *s)
{
	return o->cfg->csv_safe && s[0] != '\0' &&
	    strchr("=+-@\t\r", s[0]) != NULL;
}

/*
 * The cells CSV and TSV write alike: numbers, nothing, and the text
 * ipwhois makes itself, which needs no quoting; 0 for registry text.
 */
static int
simple_cell(struct out *o, const struct cell *v)
{
	if (v->type == CELL_NUMBER)
		out_u64(o, v->num);
	else if (v->type == CELL_NULL)
		;
	else if (v->plain)
		out_str(o, v->s, v->n);
	else
		return 0;
	return 1;
}

/* RFC 4180: a field holding a comma, a quote, CR or LF is quoted. */
int
csv_needs_quotes(const char *s)
{
	return s[strcspn(s, ",\"\r\n")] != '\0';
}

/* A CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF. */
static void
csv_cell(struct out *o, const struct cell *v)
{
	const char *s;
	int defuse;

	if (simple_cell(o, v))
		return;
	defuse = formula_start(o, v->s);
	if (!csv_needs_quotes(v->s)) {
		if (defuse)
			out_char(o, '\'');
		out_str(o, v->s, v->n);
		return;
	}
	out_char(o, '"');
	if (defuse)
		out_char(o, '\'');
	for (s = v->s; *s; s++) {
		if (*s == '"')
			out_char(o, '"');
		out_char(o, *s);
	}
	out_char(o, '"');
}

/* What TSV writes for the bytes that would break a cell or a row. */
static const char tsv_escapes[256] = {
	['\\'] = '\\',
	['\t'] = 't',
	['\n'] = 'n',
	['\r'] = 'r',
};

/* A TSV cell: backslash escapes keep every cell on one line, tab-free. */
static void
tsv_cell(struct out *o, const struct cell *v)
{
	const char *s, *run;

	if (simple_cell(o, v))
		return;
	if (formula_start(o, v->s))
		out_char(o, '\'');
	for (s = run = v->s; *s; s++) {
		char e = tsv_escapes[(unsigned char)*s];

		if (e == '\0')
			continue;
		out_str(o, run, (size_t)(s - run));
		out_char(o, '\\');
		out_char(o, e);
		run = s + 1;
	}
	out_str(o, run, (size_t)(s - run));
}

static json_t *
json_must(json_t *j)
{
	if (j == NULL)
		err(EXIT_INTERNAL, "out of memory");
	return j;
}

/* jansson holds signed 64-bit integers: past those, a (rounded) real. */
static json_t *
json_count(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		return json_real((double)v);
	return json_integer((json_int_t)v);
}

/* An AS number as a number: plain decimal, no sign, no leading zero. */
static int
plain_decimal(const char *s, size_t n)
{
	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return 0;
	return strspn(s, "0123456789") == n;
}

/* Text as a JSON string; bytes that are not UTF-8 become U+FFFD. */
static json_t *
json_text(const char *s, size_t n)
{
	json_t *j;
	char *clean;
	size_t len;

	if ((j = json_stringn(s, n)) != NULL)
		return j;
	clean = xmalloc(n * 3 + 1);
	len = text_clean(clean, s, n, n * 3);
	j = json_stringn(clean, len);
	free(clean);
	return j;
}

static json_t *
json_cell(const struct cell *v, enum column c)
{
	switch (v->type) {
	case CELL_NULL:
		return json_null();
	case CELL_NUMBER:
		return json_count(v->num);
	default:
		if (c == COL_ASN && plain_decimal(v->s, v->n))
			return json_integer(strtoll(v->s, NULL, 10));
		return json_text(v->s, v->n);
	}
}

#define JSON_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER)

/* j, compact, into the buffer (or around it, when it is too big). */
static void
out_json(struct out *o, const json_t *j)
{
	size_t room = (size_t)(o->end - o->p);
	size_t n = json_dumpb(j, o->p, room, JSON_FLAGS);
	char *s;

	if (n > room) {
		out_flush(o);
		room = (size_t)(o->end - o->p);
		n = json_dumpb(j, o->p, room, JSON_FLAGS);
	}
	if (n == 0 || n > room) {
		if ((s = json_dumps(j, JSON_FLAGS)) == NULL)
			err(EXIT_INTERNAL, "out of memory");
		out_str(o, s, strlen(s));
		free(s);
		return;
	}
	o->p += n;
}

/* A JSON Lines row: one object, keys the columns in their order. */
static void
jsonl_row(struct out *o, const struct report_row *r)
{
	json_t *obj = json_must(json_object());
	struct cell v;

	for (int i = 0; i < o->cfg->ncolumns; i++) {
		enum column c = o->cfg->columns[i];

		cell_of(r, c, &v);
		if (json_object_set_new(obj, column_name(c),
		    json_must(json_cell(&v, c))) == -1)
			err(EXIT_INTERNAL, "out of memory");
	}
	out_json(o, obj);
	out_char(o, '\n');
	json_decref(obj);
}

static const char separators[] = {
	[OUT_CSV] = ',',
	[OUT_TSV] = '\t',
};

void
out_init(struct out *o, FILE *fp, const struct config *cfg)
{
	o->fp = fp;
	o->cfg = cfg;
	o->p = o->buf;
	o->end = o->buf + sizeof(o->buf);
	o->flushes = 0;
	o->answers_stay = 0;
	memset(o->memo, 0, sizeof(o->memo));
	/* The last columns that are all an answer's (kind to status). */
	for (o->tail = cfg->ncolumns; o->tail > 0 &&
	    cfg->columns[o->tail - 1] >= COL_KIND; o->tail--)
		;
}

/* The column names, for CSV and TSV unless --no-header; JSON has keys. */
void
out_header(struct out *o)
{
	const struct config *cfg = o->cfg;

	if (cfg->outfmt == OUT_JSONL || cfg->no_header)
		return;
	for (int i = 0; i < cfg->ncolumns; i++) {
		const char *name = column_name(cfg->columns[i]);

		if (i > 0)
			out_char(o, separators[cfg->outfmt]);
		out_str(o, name, strlen(name));
	}
	out_char(o, '\n');
}

/* The two loops differ in the cell writer, called directly (inlined):
 * this is the loop of a report of millions of rows. */
static void
cells(struct out *o, const struct report_row *r, int from, int to)
{
	const struct config *cfg = o->cfg;
	struct cell v;

	if (cfg->outfmt == OUT_TSV)
		for (int i = from; i < to; i++) {
			if (i > 0)
				out_char(o, '\t');
			cell_of(r, cfg->columns[i], &v);
			tsv_cell(o, &v);
		}
	else
		for (int i = from; i < to; i++) {
			if (i > 0)
				out_char(o, ',');
			cell_of(r, cfg->columns[i], &v);
			csv_cell(o, &v);
		}
}

/*
 * The cells from o->tail on come from the answer alone, the same text
 * for every row of one answer: rows are many and answers few, so the
 * text is kept per answer and copied, where the caller says its answers
 * stay put (the reporter's do).  A group's row (--by) whose members'
 * answers differ is written cell by cell.
 */
static void
answer_cells(struct out *o, const struct report_row *r)
{
	size_t slot = ((uintptr_t)r->answer >> 4) % OUT_MEMOS, n;
	unsigned flushes;
	char *start;

	if (!o->answers_stay || r->mixed & ~(COL_BIT(COL_KIND) - 1)) {
		cells(o, r, o->tail, o->cfg->ncolumns);
		return;
	}
	if (o->memo[slot].a == r->answer) {
		out_str(o, o->memo[slot].s, o->memo[slot].n);
		return;
	}
	if ((size_t)(o->end - o->p) < OUT_MEMO_MAX)
		out_flush(o);
	start = o->p;
	flushes = o->flushes;
	cells(o, r, o->tail, o->cfg->ncolumns);
	n = (size_t)(o->p - start);
	if (o->flushes != flushes || n > OUT_MEMO_MAX)
		return;		/* too long to keep */
	o->memo[slot].a = r->answer;
	o->memo[slot].n = n;
	memcpy(o->memo[slot].s, start, n);
}

void
out_row(struct out *o, const struct report_row *r)
{
	if (o->cfg->outfmt == OUT_JSONL) {
		jsonl_row(o, r);
		return;
	}
	cells(o, r, 0, o->tail);
	answer_cells(o, r);
	out_char(o, '\n');
}
