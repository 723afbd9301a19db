/*
 * ipwhois's own reports read back, for --merge: CSV, TSV or JSON Lines,
 * with a header or without, one row per address with its counts.  What
 * the report says of the addresses (registry, network, ...) is not read:
 * the merge looks them up again, so that every row ends as a single run
 * over all the logs would have made it.
 *
 * A report is trusted no more than a log: a cell is read only up to the
 * line's end, an address only from the ip column, a count only from
 * digits, and a time only when writing it back gives the same bytes, so
 * that a merged report is the one the logs would have made.
 *
 * Pure functions: a line in, its counts out, the file's layout (from its
 * first line) kept in struct report_layout.  No allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

/* The columns a merge reads, in enum report_col order. */
static const enum column wanted[RC_MAX] = {
	[RC_IP] = COL_IP,
	[RC_HITS] = COL_HITS,
	[RC_BYTES] = COL_BYTES,
	[RC_FIRST] = COL_FIRST_SEEN,
	[RC_LAST] = COL_LAST_SEEN,
};

/* What a bad cell draws, per column. */
static const char *const bad_cell[RC_MAX] = {
	[RC_IP] = "ip is not an address",
	[RC_HITS] = "hits is not a count of 1 or more",
	[RC_BYTES] = "bytes is not a count",
	[RC_FIRST] = "first_seen is not a time like 2026-12-01T08:00:00Z",
	[RC_LAST] = "last_seen is not a time like 2026-12-01T08:00:00Z",
};

/* The columns of a report by groups (--by): they name no address. */
static const enum column group_keys[] = {
	COL_NETWORK, COL_ASN, COL_ORG, COL_COUNTRY, COL_ABUSE_EMAIL,
	COL_ADDRESSES,
};

/* One cell of a row, inside the line. */
struct cell_at {
	const char *p;
	size_t	 n;
	int	 null;		/* JSON null, or an empty CSV/TSV cell */
	int	 real;		/* a JSON number with a fraction or exponent */
	enum { CELL_PLAIN, CELL_JSTRING, CELL_JNUMBER } type;
};

static int
is_group_key(enum column c)
{
	for (size_t i = 0; i < nitems(group_keys); i++)
		if (group_keys[i] == c)
			return 1;
	return 0;
}

/* Which of the wanted columns c is; RC_MAX: none. */
static int
wanted_of(enum column c)
{
	for (int i = 0; i < RC_MAX; i++)
		if (wanted[i] == c)
			return i;
	return RC_MAX;
}

/*
 * Decimal digits into *v, at most UINT64_MAX; -1 for anything else
 * (a sign, a space, nothing).
 */
static int
parse_u64(const char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(p[i] - '0');

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/*
 * JSON Lines write a count past 2^63 as a real (jansson holds signed
 * integers): read it back rounded, saturating at UINT64_MAX.
 */
static int
parse_real_count(const char *p, size_t n, uint64_t *v)
{
	char buf[64], *stop;
	double d;

	if (n == 0 || n >= sizeof(buf) || p[0] == '-')
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	d = strtod(buf, &stop);
	if (stop != buf + n || !(d >= 0))
		return -1;
	if (d >= 18446744073709551615.0) {
		*v = UINT64_MAX;
		return 0;
	}
	*v = (uint64_t)d;
	return (double)*v == d ? 0 : -1;	/* no fraction */
}

static int
cell_count(const struct cell_at *c, uint64_t *v)
{
	if (c->type == CELL_JSTRING)
		return -1;
	return c->real ? parse_real_count(c->p, c->n, v) :
	    parse_u64(c->p, c->n, v);
}

/*
 * A time as the report writes it (time_format: 2026-12-01T08:00:00Z),
 * and only so: it is written back the same, byte for byte.
 */
static int
parse_time(const char *p, size_t n, uint32_t *t)
{
	char back[32];
	int64_t secs;
	int y, mo, d, h, mi, s;

	if (n != 20 || p[4] != '-' || p[7] != '-' || p[10] != 'T' ||
	    p[13] != ':' || p[16] != ':' || p[19] != 'Z')
		return -1;
	if ((y = dec_digits(p, 4)) < 1970 || (mo = dec_digits(p + 5, 2)) < 1 ||
	    mo > 12 || (d = dec_digits(p + 8, 2)) < 1 || d > 31 ||
	    (h = dec_digits(p + 11, 2)) < 0 || h > 23 ||
	    (mi = dec_digits(p + 14, 2)) < 0 || mi > 59 ||
	    (s = dec_digits(p + 17, 2)) < 0 || s > 59)
		return -1;
	secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + s;
	if (secs <= 0 || secs > UINT32_MAX || time_format(secs, back) != n ||
	    memcmp(back, p, n) != 0)
		return -1;	/* the 31st of a shorter month, say */
	*t = (uint32_t)secs;
	return 0;
}

/* --- CSV and TSV -------------------------------------------------------- */

/*
 * The cell at p, to the separator or the end; *next: after the
 * separator, or NULL at the line's end.  A CSV cell may be quoted (RFC
 * 4180); its text is then what is inside the quotes, "" left doubled
 * (the columns read here never hold a quote).  -1: a quote unclosed, or
 * text after the closing one.
 */
static int
next_cell(const char *p, const char *end, char sep, struct cell_at *c,
    const char **next)
{
	const char *q;

	memset(c, 0, sizeof(*c));
	if (sep == ',' && p < end && *p == '"') {
		for (q = p + 1; ; q++) {
			if (q == end)
				return -1;
			if (*q != '"')
				continue;
			if (q + 1 < end && q[1] == '"')
				q++;
			else
				break;
		}
		c->p = p + 1;
		c->n = (size_t)(q - p - 1);
		q++;
		if (q < end && *q != sep)
			return -1;
	} else {
		q = memchr(p, sep, (size_t)(end - p));
		if (q == NULL)
			q = end;
		c->p = p;
		c->n = (size_t)(q - p);
		c->null = c->n == 0;
	}
	*next = q < end ? q + 1 : NULL;
	return 0;
}

/* Whether the line's first cell names a column: a header line. */
static int
header_line(const char *p, const char *end, char sep)
{
	const char *q = memchr(p, sep, (size_t)(end - p));
	enum column c;

	if (q == NULL)
		q = end;
	return column_by_name(p, (size_t)(q - p), &c) == 0;
}

static enum report_fit
refuse(struct report_layout *l, const char **why, const char *fmt,
    const char *name)
{
	setmsg(l->msg, sizeof(l->msg), fmt, name);
	*why = l->msg;
	return RF_REFUSED;
}

/*
 * A header's columns into a layout of its own; RF_HEADER, or RF_REFUSED
 * when the report cannot be merged.
 */
static enum report_fit
read_header(struct report_layout *l, const char *p, const char *end,
    const char **why)
{
	struct report_layout h = *l;
	struct cell_at c;
	const char *next = p;
	enum column col;

	h.ncols = 0;
	memset(h.col, REPORT_NOCOL, sizeof(h.col));
	while (next != NULL) {
		int w;

		if (h.ncols == REPORT_COLS)
			return refuse(l, why, "%s", "more columns than any "
			    "report has");
		if (next_cell(next, end, h.sep, &c, &next) == -1)
			return refuse(l, why, "%s", "a quoted name not closed "
			    "in the header");
		if (column_by_name(c.p, c.n, &col) == -1) {
			h.named[h.ncols++] = REPORT_NOCOL;
			continue;	/* not ours: not read */
		}
		if ((w = wanted_of(col)) < RC_MAX) {
			if (h.col[w] != REPORT_NOCOL)
				return refuse(l, why, "the column %s comes "
				    "twice", column_name(col));
			h.col[w] = h.ncols;
		}
		h.named[h.ncols++] = (uint8_t)col;
	}
	if (h.col[RC_IP] == REPORT_NOCOL && h.ncols > 0 &&
	    h.named[0] != REPORT_NOCOL && is_group_key(h.named[0]))
		return refuse(l, why, "a report by %s cannot be merged: its "
		    "rows are groups, not addresses; merge the reports by "
		    "address, and give --by to the merge", column_name(
		    (enum column)h.named[0]));
	if (h.col[RC_IP] == REPORT_NOCOL || h.col[RC_HITS] == REPORT_NOCOL)
		return refuse(l, why, "%s", "no ip and hits columns: not an "
		    "ipwhois report by address");
	h.header = 1;
	*l = h;
	return RF_HEADER;
}

/* The first five columns, in the order every report by address has them. */
static void
positional(struct report_layout *l)
{
	l->header = 0;
	l->ncols = 0;
	for (int i = 0; i < RC_MAX; i++)
		l->col[i] = (uint8_t)i;
}

static int
same_columns(const struct report_layout *a, const struct report_layout *b)
{
	return a->ncols == b->ncols && memcmp(a->named, b->named, a->ncols) == 0;
}

/*
 * A header after the first line: the same again (reports concatenated)
 * is skipped; another is said, as a bad row, and read by from then on.
 */
static enum report_fit
later_header(struct report_layout *l, const char *p, const char *end,
    const char **why)
{
	struct report_layout was = *l;

	if (read_header(l, p, end, why) == RF_REFUSED) {
		*l = was;
		return RF_BAD;
	}
	if (was.header && same_columns(&was, l))
		return RF_HEADER;
	*why = was.header ? "a header with other columns than the file's "
	    "first (the rows after it are read by it)" : "a header in a "
	    "file that began without one (the rows after it are read by it)";
	return RF_BAD;
}

/* The cells of a CSV or TSV row, those wanted into cells[]. */
static int
split_row(const struct report_layout *l, const char *p, const char *end,
    struct cell_at *cells, const char **why)
{
	struct cell_at c;
	const char *next = p;
	unsigned n = 0;

	for (int i = 0; i < RC_MAX; i++)
		cells[i].null = 1;
	while (next != NULL) {
		if (next_cell(next, end, l->sep, &c, &next) == -1) {
			*why = "a quoted cell not closed";
			return -1;
		}
		for (int i = 0; i < RC_MAX; i++)
			if (l->col[i] == n)
				cells[i] = c;
		if (++n > REPORT_COLS)
			break;
	}
	if (l->header && n != l->ncols) {
		*why = "not as many cells as the header has columns";
		return -1;
	}
	return 0;
}

/* --- JSON Lines --------------------------------------------------------- */

static const char *
json_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* A string from its opening quote; after its closing one, or NULL. */
static const char *
json_string(const char *p, const char *end, struct cell_at *c, int *escaped)
{
	const char *q;

	*escaped = 0;
	for (q = p + 1; q < end && *q != '"'; q++)
		if (*q == '\\') {
			*escaped = 1;
			if (++q == end)
				return NULL;
		}
	if (q == end)
		return NULL;
	c->p = p + 1;
	c->n = (size_t)(q - p - 1);
	c->type = CELL_JSTRING;
	return q + 1;
}

/* A scalar value: string, number, null, true, false; after it, or NULL. */
static const char *
json_value(const char *p, const char *end, struct cell_at *c, int *escaped)
{
	static const char *const words[] = { "null", "true", "false" };
	const char *q;

	memset(c, 0, sizeof(*c));
	*escaped = 0;
	if (p == end)
		return NULL;
	if (*p == '"')
		return json_string(p, end, c, escaped);
	for (size_t i = 0; i < nitems(words); i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0) {
			/* true and false: a cell nothing reads */
			c->null = i == 0;
			c->p = p;
			return p + n;
		}
	}
	for (q = p; q < end && *q != '\0' && strchr("0123456789+-.eE", *q) !=
	    NULL; q++)
		if (*q == '.' || *q == 'e' || *q == 'E')
			c->real = 1;
	c->p = p;
	c->n = (size_t)(q - p);
	c->type = CELL_JNUMBER;
	return q > p ? q : NULL;
}

/*
 * One flat object, as the report writes it, its wanted members into
 * cells[] (a missing one null); nested values are no report's.
 */
static int
split_object(const char *p, const char *end, struct cell_at *cells,
    int *seen, const char **why)
{
	struct cell_at key, val;
	int escaped, w;

	*why = "not one flat JSON object per line";
	*seen = 0;
	for (int i = 0; i < RC_MAX; i++)
		cells[i].null = 1;
	if ((p = json_space(p, end)) == end || *p++ != '{')
		return -1;
	if ((p = json_space(p, end)) < end && *p == '}')
		return json_space(p + 1, end) == end ? 0 : -1;
	for (;;) {
		enum column col;

		if (p == end || *p != '"' ||
		    (p = json_string(p, end, &key, &escaped)) == NULL)
			return -1;
		if ((p = json_space(p, end)) == end || *p++ != ':' ||
		    (p = json_value(json_space(p, end), end, &val,
		    &escaped)) == NULL)
			return -1;
		if (column_by_name(key.p, key.n, &col) == 0) {
			if (is_group_key(col) && col != COL_ADDRESSES)
				*seen |= 1 << RC_MAX;	/* a group's key */
			if ((w = wanted_of(col)) < RC_MAX) {
				if (*seen & (1 << w)) {
					*why = "a column twice";
					return -1;
				}
				*seen |= 1 << w;
				cells[w] = val;
				if (escaped && !val.null)
					cells[w].n = 0;	/* never ours */
			}
		}
		p = json_space(p, end);
		if (p < end && *p == ',') {
			p = json_space(p + 1, end);
			continue;
		}
		if (p < end && *p == '}' && json_space(p + 1, end) == end)
			return 0;
		return -1;
	}
}

/* --- a row -------------------------------------------------------------- */

/* The counts of a row from its wanted cells. */
static enum report_fit
row_counts(const struct cell_at *cells, struct count *row, const char **why)
{
	memset(row, 0, sizeof(*row));
	row->bytes = BYTES_NONE;
	row->answer = UINT32_MAX;
	if (cells[RC_IP].null || cells[RC_IP].type == CELL_JNUMBER ||
	    ip_parse(cells[RC_IP].p, cells[RC_IP].n, &row->ip) == -1)
		goto bad_ip;
	if (cells[RC_HITS].null || cell_count(&cells[RC_HITS], &row->hits) ==
	    -1 || row->hits == 0) {
		*why = bad_cell[RC_HITS];
		return RF_BAD;
	}
	if (!cells[RC_BYTES].null) {
		if (cell_count(&cells[RC_BYTES], &row->bytes) == -1) {
			*why = bad_cell[RC_BYTES];
			return RF_BAD;
		}
		if (row->bytes == BYTES_NONE)
			row->bytes--;	/* as far as a count goes */
	}
	for (int i = RC_FIRST; i <= RC_LAST; i++) {
		uint32_t *t = i == RC_FIRST ? &row->first : &row->last;

		if (!cells[i].null && (cells[i].type == CELL_JNUMBER ||
		    parse_time(cells[i].p, cells[i].n, t) == -1)) {
			*why = bad_cell[i];
			return RF_BAD;
		}
	}
	if (row->first != 0 && row->last != 0 && row->first > row->last) {
		*why = "first_seen is later than last_seen";
		return RF_BAD;
	}
	return RF_ROW;
bad_ip:
	*why = bad_cell[RC_IP];
	return RF_BAD;
}

static enum report_fit
json_row(struct report_layout *l, const char *p, const char *end,
    struct count *row, const char **why)
{
	struct cell_at cells[RC_MAX];
	int seen, first = l->form == RFORM_NONE;

	l->form = RFORM_JSONL;
	if (split_object(p, end, cells, &seen, why) == -1)
		return first ? RF_REFUSED : RF_BAD;
	if (!(seen & (1 << RC_IP)) && (seen & (1 << RC_MAX))) {
		*why = "a report of groups (--by) cannot be merged: its rows "
		    "are groups, not addresses; merge the reports by address, "
		    "and give --by to the merge";
		return first ? RF_REFUSED : RF_BAD;
	}
	return row_counts(cells, row, why);
}

/*
 * The first line of a file: its form (JSON Lines, or CSV or TSV, by
 * what ends the first cell), and a header or none.
 */
static enum report_fit
first_line(struct report_layout *l, const char *p, const char *end,
    const char **why)
{
	const char *q = p;
	struct ip ip;

	while (q < end && *q != ',' && *q != '\t')
		q++;
	l->form = q < end && *q == '\t' ? RFORM_TSV : RFORM_CSV;
	l->sep = l->form == RFORM_TSV ? '\t' : ',';
	if (header_line(p, end, l->sep))
		return read_header(l, p, end, why);
	if (ip_parse(p, (size_t)(q - p), &ip) == -1) {
		*why = "neither a header nor an address in the first column: "
		    "not an ipwhois report by address";
		return RF_REFUSED;
	}
	positional(l);
	return RF_ROW;
}

/*
 * One line of a report, without its newline, into *row: RF_ROW, or
 * RF_HEADER (a header line, or a blank one), RF_BAD (why says what is wrong with it),
 * RF_REFUSED (the first line: the file is no report to merge).  The
 * layout starts zeroed for each file, and learns its form from the
 * first line.
 */
enum report_fit
report_parse(struct report_layout *l, const char *p, const char *end,
    struct count *row, const char **why)
{
	struct cell_at cells[RC_MAX];
	enum report_fit fit;

	*why = "";
	if (end > p && end[-1] == '\r')
		end--;
	if (json_space(p, end) == end)
		return RF_HEADER;	/* a blank line says nothing */
	if (l->form == RFORM_JSONL || (l->form == RFORM_NONE &&
	    json_space(p, end) < end && *json_space(p, end) == '{'))
		return json_row(l, p, end, row, why);
	if (l->form == RFORM_NONE) {
		if ((fit = first_line(l, p, end, why)) != RF_ROW)
			return fit;
	} else if (header_line(p, end, l->sep))
		return later_header(l, p, end, why);
	if (split_row(l, p, end, cells, why) == -1)
		return RF_BAD;
	return row_counts(cells, row, why);
}

/*
 * A row's counts into an address's: hits and bytes summed, saturating
 * (bytes below BYTES_NONE, as the parser counts them), the earliest
 * first and the latest last.  Associative and commutative, so that
 * merges can be split and stacked any way.
 */
void
report_add(struct count *into, const struct count *row)
{
	into->hits = row->hits > UINT64_MAX - into->hits ? UINT64_MAX :
	    into->hits + row->hits;
	if (row->bytes != BYTES_NONE) {
		uint64_t was = into->bytes == BYTES_NONE ? 0 : into->bytes;

		into->bytes = row->bytes >= BYTES_NONE - 1 - was ?
		    BYTES_NONE - 1 : was + row->bytes;
	}
	if (row->first != 0 && (into->first == 0 || row->first < into->first))
		into->first = row->first;
	if (row->last > into->last)
		into->last = row->last;
}
