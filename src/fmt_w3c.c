/*
 * Formats whose header line names the columns: the W3C extended log
 * format (IIS, and anything else that writes "#Fields:"), Amazon
 * CloudFront's standard logs (W3C with tabs), and Google Cloud Storage
 * usage logs (CSV under a header line).
 *
 * The header is read into ctx->w3c (the parser clears it at the start of
 * each file) and read again whenever another one comes: IIS writes a new
 * header when it restarts, and the columns may have moved.  A data line
 * must have exactly as many columns as its header names.  Only the server
 * writes separators (IIS writes a space inside a field as '+', CloudFront
 * percent-encodes, Cloud Storage quotes), so text a client sent can add
 * columns but never move one: a line of another width is rejected, not
 * read askew.
 */
#include <string.h>

#include "ipwhois.h"

/* Whose header the layout came from (struct w3c_layout family). */
enum family {
	FAM_NONE,	/* no header yet, or one we cannot use */
	FAM_W3C,	/* "#Fields:" */
	FAM_CLOUDFRONT,	/* "#Fields:" naming CloudFront's x-edge- columns */
	FAM_GCS,	/* "time_micros","c_ip",... */
};

/* The columns read, by their names in the header (any case). */
static const struct named_column {
	const char *name;
	enum w3c_role role;
} columns[] = {
	{ "c-ip", W3C_CLIENT },		/* W3C: the client's address */
	{ "date", W3C_DATE },		/* W3C: YYYY-MM-DD, UTC */
	{ "time", W3C_TIME },		/* W3C: HH:MM[:SS[.s]], UTC */
	{ "sc-bytes", W3C_BYTES },	/* W3C: bytes sent to the client */
	/* IIS, ASP.NET Core: a logged request header */
	{ "cs(x-forwarded-for)", W3C_XFF },
	/* CloudFront; a name an IIS 8.5 custom field for it may have */
	{ "x-forwarded-for", W3C_XFF },
	{ "c_ip", W3C_CLIENT },		/* Cloud Storage */
	{ "time_micros", W3C_MICROS },	/* Cloud Storage: epoch microseconds */
	{ "sc_bytes", W3C_BYTES },	/* Cloud Storage: bytes sent */
};

/* The directives of the W3C draft (WD-logfile); CloudFront writes two. */
static const struct directive {
	const char *name;
	int	 cloudfront;
} directives[] = {
	{ "#Fields:", 1 },
	{ "#Version:", 1 },
	{ "#Software:", 0 },
	{ "#Date:", 0 },
	{ "#Start-Date:", 0 },
	{ "#End-Date:", 0 },
	{ "#Remark:", 0 },
};

/* A CloudFront header names some of these; no other writer does. */
#define CLOUDFRONT_PREFIX	"x-edge-"

/* One column of a line: [p, end); p NULL when the layout has none. */
struct span {
	const char *p, *end;
};

/* Past a UTF-8 byte order mark, which an editor may have left. */
static const char *
skip_bom(const char *p, const char *end)
{
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		return p + 3;
	return p;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Does [p, p + n) start with the lower-case word w, in any case? */
static int
starts_nocase(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (lower((unsigned char)p[i]) != w[i])
			return 0;
	return 1;
}

static void
layout_clear(struct w3c_layout *lo)
{
	lo->family = FAM_NONE;
	lo->ncols = 0;
	memset(lo->col, W3C_NOCOL, sizeof(lo->col));
	memset(lo->role, 0, sizeof(lo->role));
}

/* One more column named [p, p + n).  -1: more than W3C_COLS. */
static int
layout_add(struct w3c_layout *lo, const char *p, size_t n)
{
	if (lo->ncols == W3C_COLS)
		return -1;
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		enum w3c_role r = columns[i].role;

		/* The first of two columns of one role is the one read. */
		if (n == strlen(columns[i].name) &&
		    starts_nocase(p, n, columns[i].name) &&
		    lo->col[r] == W3C_NOCOL) {
			lo->col[r] = lo->ncols;
			lo->role[lo->ncols] = (uint8_t)(r + 1);
			break;
		}
	}
	lo->ncols++;
	return 0;
}

/*
 * "#Fields: date time c-ip ...": the names, between spaces (IIS and
 * CloudFront) or tabs.  Data lines are split as the header is, but
 * CloudFront's with tabs always.
 */
/*
 * A header replaces a layout that lines may still come in: IIS appends
 * to the day's file after a restart under the new header, but a file
 * put together from several servers' (or a rotated file appended to an
 * old one) has lines of an earlier layout under a later header.
 */
static void
remember(struct w3c_layout *lo)
{
	struct w3c_earlier *e = lo->earlier;

	if ((lo->family != FAM_W3C && lo->family != FAM_CLOUDFRONT) ||
	    lo->col[W3C_CLIENT] == W3C_NOCOL)
		return;
	for (int i = 0; i < lo->nearlier; i++)
		if (e[i].ncols == lo->ncols && e[i].sep == lo->sep &&
		    memcmp(e[i].role, lo->role, lo->ncols) == 0)
			return;
	memmove(e + 1, e, (W3C_EARLIER - 1) * sizeof(*e));
	e[0].ncols = lo->ncols;
	e[0].sep = lo->sep;
	memcpy(e[0].role, lo->role, sizeof(e[0].role));
	if (lo->nearlier < W3C_EARLIER)
		lo->nearlier++;
}

static enum fit
read_fields(struct w3c_layout *lo, const char *p, const char *end)
{
	int cloudfront = 0, tabs = 0;

	remember(lo);
	layout_clear(lo);
	while (p < end) {
		const char *name;

		while (p < end && (*p == ' ' || *p == '\t'))
			tabs |= *p++ == '\t';
		for (name = p; p < end && *p != ' ' && *p != '\t'; p++)
			;
		if (p == name)
			break;
		cloudfront |= starts_nocase(name, (size_t)(p - name),
		    CLOUDFRONT_PREFIX);
		if (layout_add(lo, name, (size_t)(p - name)) == -1) {
			layout_clear(lo);
			return FIT_NONE;
		}
	}
	if (lo->ncols == 0)
		return FIT_NONE;
	lo->family = cloudfront ? FAM_CLOUDFRONT : FAM_W3C;
	lo->sep = cloudfront || tabs ? '\t' : ' ';
	return FIT_NOCLIENT;
}

/*
 * A '#' line.  Directives name no client; "#Fields:" sets the layout.
 * Detection (strict) counts only the directives the reader knows, so
 * that a file of '#' comments does not pass for a W3C log.
 */
static enum fit
directive(struct logctx *ctx, const char *p, const char *end, int cloudfront)
{
	const struct directive *d = NULL;
	size_t n = (size_t)(end - p);
	enum fit fit;

	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]) &&
	    d == NULL; i++)
		if (n >= strlen(directives[i].name) && memcmp(p,
		    directives[i].name, strlen(directives[i].name)) == 0)
			d = &directives[i];
	if (d == NULL || (cloudfront && !d->cloudfront))
		return ctx->strict ? FIT_NONE : FIT_NOCLIENT;
	if (strcmp(d->name, "#Fields:") != 0)
		return FIT_NOCLIENT;
	fit = read_fields(&ctx->w3c, p + strlen(d->name), end);
	/* Another writer's header: its lines are not CloudFront's. */
	if (cloudfront && ctx->w3c.family != FAM_CLOUDFRONT) {
		layout_clear(&ctx->w3c);
		return FIT_NONE;
	}
	return fit;
}

/*
 * The columns of a W3C line into at[] (by role).  0, or -1 when the line
 * has another number of columns than the header.  A line without a single
 * space under a space-separated header is read with tabs (CloudFront's
 * own selection of columns, which may leave out its x-edge- ones): an
 * IIS line of more than one column always has a space.  Columns are a
 * few bytes long: a plain loop beats a memchr call per column.
 */
static int
split_cols(unsigned ncols, char sep, const uint8_t *role, const char *p,
    const char *end, struct span *at)
{
	unsigned i = 0, last = ncols - 1u;
	const char *start = p;

	if (sep == ' ' && last > 0 && memchr(p, ' ', (size_t)(end - p)) == NULL)
		sep = '\t';
	for (;; p++) {
		unsigned r;

		if (p < end && *p != sep)
			continue;
		if ((r = role[i]) != 0) {
			at[r - 1].p = start;
			at[r - 1].end = p;
		}
		if (p == end)
			return i == last ? 0 : -1;
		if (i++ == last)
			return -1;
		start = p + 1;
	}
}

static int
split_w3c(const struct w3c_layout *lo, const char *p, const char *end,
    struct span *at)
{
	return split_cols(lo->ncols, lo->sep, lo->role, p, end, at);
}

/*
 * One CSV field at p (RFC 4180: quoted, with "" for a quote inside, or
 * bare): its contents in *f, and the end of the field (a comma or end),
 * or NULL when a quote is left open or text follows the closing one.
 */
static const char *
csv_field(const char *p, const char *end, struct span *f)
{
	const char *q;

	if (p == end || *p != '"') {
		q = memchr(p, ',', (size_t)(end - p));
		f->p = p;
		f->end = q ? q : end;
		return f->end;
	}
	for (q = ++p;; q += 2) {
		if ((q = memchr(q, '"', (size_t)(end - q))) == NULL)
			return NULL;
		if (q + 1 == end || q[1] != '"')
			break;
	}
	f->p = p;
	f->end = q;
	q++;
	return q == end || *q == ',' ? q : NULL;
}

/* The columns of a CSV line into at[]: as split_w3c. */
static int
split_csv(const struct w3c_layout *lo, const char *p, const char *end,
    struct span *at)
{
	for (unsigned i = 0;; i++) {
		struct span f;
		unsigned r = lo->role[i];

		if ((p = csv_field(p, end, &f)) == NULL)
			return -1;
		if (r != 0)
			at[r - 1] = f;
		if (i + 1 == lo->ncols)
			return p == end ? 0 : -1;
		if (p == end)
			return -1;
		p++;
	}
}

/* "YYYY-MM-DD": its midnight, or -1.  Dates repeat: the last is kept. */
static int64_t
w3c_day(struct w3c_layout *lo, const struct span *s)
{
	int y, m, d;

	if (s->end - s->p != 10)
		return -1;
	if (lo->last_day != 0 && memcmp(s->p, lo->last_date, 10) == 0)
		return lo->last_day;
	y = dec_digits(s->p, 4);
	m = dec_digits(s->p + 5, 2);
	d = dec_digits(s->p + 8, 2);
	if (s->p[4] != '-' || s->p[7] != '-' || y < 1970 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return -1;
	memcpy(lo->last_date, s->p, 10);
	lo->last_day = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400;
	return lo->last_day;
}

/* "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff": seconds into the day, or -1. */
static int64_t
w3c_clock(const struct span *s)
{
	size_t n = (size_t)(s->end - s->p);
	int H, M, S = 0;

	if (n < 5 || s->p[2] != ':')
		return -1;
	H = dec_digits(s->p, 2);
	M = dec_digits(s->p + 3, 2);
	if (n > 5) {
		if (n < 8 || s->p[5] != ':' || (S = dec_digits(s->p + 6, 2)) < 0)
			return -1;
		if (n > 8 && (s->p[8] != '.' || n == 9))
			return -1;
		for (size_t i = 9; i < n; i++)
			if (s->p[i] < '0' || s->p[i] > '9')
				return -1;
	}
	if (H < 0 || H > 23 || M < 0 || M > 59 || S > 60)
		return -1;
	return H * 3600 + M * 60 + S;
}

/* Microseconds since the epoch: seconds, or -1. */
static int64_t
micros(const struct span *s)
{
	uint64_t v = 0;

	if (s->p == s->end || s->end - s->p > 19)
		return -1;
	for (const char *p = s->p; p < s->end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return (int64_t)(v / 1000000);
}

/* The line's time into h->when: 0 when it has none, -1 when malformed. */
static int
take_time(struct w3c_layout *lo, const struct span *at, struct hit *h)
{
	int64_t day, sec;

	if (at[W3C_MICROS].p != NULL) {
		if ((sec = micros(&at[W3C_MICROS])) < 0)
			return -1;
		h->when = sec;
		return 0;
	}
	if (at[W3C_DATE].p == NULL || at[W3C_TIME].p == NULL)
		return 0;
	if ((day = w3c_day(lo, &at[W3C_DATE])) < 0 ||
	    (sec = w3c_clock(&at[W3C_TIME])) < 0)
		return -1;
	h->when = day + sec;
	return 0;
}

/* "-" (W3C) or "" (CSV): the writer had no value. */
static int
empty(const struct span *s)
{
	return s->p == s->end || (s->end - s->p == 1 && *s->p == '-');
}

/* sc-bytes: 0, none ("-"), or -1 when it is not a size. */
static int
take_bytes(const struct span *s, struct hit *h)
{
	if (s->p == NULL || empty(s))
		return 0;
	if (scan_size(s->p, s->end, h) != s->end) {
		h->has_bytes = 0;
		return -1;
	}
	return 0;
}

/*
 * The X-Forwarded-For column, for --client xff.  IIS writes its spaces as
 * '+' ("192.0.2.7,+10.0.0.1"), which no address holds: undone in a copy.
 * A longer list than the copy holds keeps its right end from a comma on,
 * the part read first, from the nearest proxy outward.
 */
static void
take_xff(struct w3c_layout *lo, const struct span *s, struct hit *h)
{
	const char *p = s->p;
	size_t n = (size_t)(s->end - p);

	if (memchr(p, '+', n) != NULL) {
		if (n > sizeof(lo->xff)) {
			const char *cut = s->end - sizeof(lo->xff);
			const char *comma = memchr(cut, ',', sizeof(lo->xff));

			p = comma ? comma + 1 : s->end;
			n = (size_t)(s->end - p);
		}
		for (size_t i = 0; i < n; i++)
			lo->xff[i] = p[i] == '+' ? ' ' : p[i];
		p = lo->xff;
	}
	h->xff = p;
	h->xff_len = n;
}

/*
 * A data line cut into its columns: the client ("-" or empty: none, the
 * line names nobody), the time, the size, X-Forwarded-For.  A client
 * that is not an address rejects the line; a malformed time or size
 * makes it partial.
 */
static enum fit
read_row(struct logctx *ctx, const struct span *at, struct hit *h)
{
	const struct span *c = &at[W3C_CLIENT];
	int whole = 1;

	if (empty(c))
		return FIT_NOCLIENT;
	if (ip_token(c->p, (size_t)(c->end - c->p), &h->ip) == -1)
		return FIT_NONE;
	if (take_time(&ctx->w3c, at, h) == -1)
		whole = 0;
	if (take_bytes(&at[W3C_BYTES], h) == -1)
		whole = 0;
	if (ctx->want_xff && at[W3C_XFF].p != NULL)
		take_xff(&ctx->w3c, &at[W3C_XFF], h);
	return whole ? FIT_EXACT : FIT_PARTIAL;
}

/*
 * A W3C line as wide as one of the file's earlier layouts, read with it.
 * Only a line that fits it exactly counts (its time and size read too):
 * a line of the current layout cut short must not pass for one.
 */
static enum fit
earlier_line(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	const struct w3c_layout *lo = &ctx->w3c;

	if (lo->family != FAM_W3C && lo->family != FAM_CLOUDFRONT)
		return FIT_NONE;
	for (int i = 0; i < lo->nearlier; i++) {
		const struct w3c_earlier *e = &lo->earlier[i];
		struct span at[W3C_ROLES];

		for (int r = 0; r < W3C_ROLES; r++)
			at[r].p = at[r].end = NULL;
		if (split_cols(e->ncols, e->sep, e->role, p, end, at) == 0 &&
		    at[W3C_CLIENT].p != NULL && read_row(ctx, at, h) == FIT_EXACT)
			return FIT_EXACT;
	}
	return FIT_NONE;
}

/* A data line of the layout in ctx, split by split(). */
static enum fit
data_line(struct logctx *ctx, const char *p, const char *end, struct hit *h,
    int (*split)(const struct w3c_layout *, const char *, const char *,
    struct span *))
{
	struct span at[W3C_ROLES];

	if (ctx->w3c.col[W3C_CLIENT] == W3C_NOCOL)
		return FIT_NONE;
	for (int r = 0; r < W3C_ROLES; r++)
		at[r].p = at[r].end = NULL;
	if (split(&ctx->w3c, p, end, at) == -1)
		return earlier_line(ctx, p, end, h);
	return read_row(ctx, at, h);
}

/* The W3C extended log format: IIS, and CloudFront read as plain W3C. */
enum fit
scan_w3c(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	p = skip_bom(p, end);
	if (p < end && *p == '#')
		return directive(ctx, p, end, 0);
	if (ctx->w3c.family != FAM_W3C && ctx->w3c.family != FAM_CLOUDFRONT)
		return FIT_NONE;
	return data_line(ctx, p, end, h, split_w3c);
}

/*
 * CloudFront's standard logs: "#Version: 1.0", a "#Fields:" line naming
 * its x-edge- columns, then lines of tab-separated columns.  Other W3C
 * logs are not read as CloudFront, so that detection tells them apart.
 */
enum fit
scan_cloudfront(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	p = skip_bom(p, end);
	if (p < end && *p == '#')
		return directive(ctx, p, end, 1);
	if (ctx->w3c.family != FAM_CLOUDFRONT)
		return FIT_NONE;
	return data_line(ctx, p, end, h, split_w3c);
}

/*
 * A Cloud Storage header line, "time_micros","c_ip",...: the layout.
 * Another format's layout is left alone (this runs on lines a W3C log's
 * own reader rejected, too).
 */
static enum fit
gcs_header(struct w3c_layout *lo, const char *p, const char *end)
{
	if (lo->family != FAM_NONE && lo->family != FAM_GCS)
		return FIT_NONE;
	layout_clear(lo);
	for (;;) {
		struct span f;

		if ((p = csv_field(p, end, &f)) == NULL ||
		    layout_add(lo, f.p, (size_t)(f.end - f.p)) == -1) {
			layout_clear(lo);
			return FIT_NONE;
		}
		if (p == end)
			break;
		p++;
	}
	lo->family = FAM_GCS;
	lo->sep = ',';
	return FIT_NOCLIENT;
}

/* Does the line start with the field "time_micros", as the header does? */
static int
is_gcs_header(const char *p, const char *end)
{
	struct span f;

	return csv_field(p, end, &f) != NULL && f.end - f.p == 11 &&
	    memcmp(f.p, "time_micros", 11) == 0;
}

/* Google Cloud Storage usage logs: CSV (Google quotes every field). */
enum fit
scan_gcs(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	p = skip_bom(p, end);
	if (is_gcs_header(p, end))
		return gcs_header(&ctx->w3c, p, end);
	if (ctx->w3c.family != FAM_GCS)
		return FIT_NONE;
	return data_line(ctx, p, end, h, split_csv);
}
