/*
 * --log-format: the format string of the server's own configuration, an
 * nginx log_format ('$remote_addr - $remote_user [$time_local] ...') or
 * an Apache LogFormat ("%h %l %u %t \"%r\" %>s %b"), compiled into the
 * pattern --regex would take, with the named groups logfmt.c reads: ip,
 * and where the format has them time, bytes and xff.
 *
 * Literal text is matched as it is; each variable becomes a sub-pattern
 * of its own kind: an address, a number, a timestamp, a list, a quoted
 * field, free text up to the literal after it.  A line must match up to
 * its client; the fields after it are matched as far as they go, so that
 * a line cut short still names its client, as with -f combined.  Each
 * field is taken with the literal before it in one atomic group, never
 * revisited: matching costs time in proportion to the line, whatever it
 * holds.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ipwhois.h"

/* PCRE2 nests parentheses 250 deep; each field after the client is one
 * level, and a field's own pattern takes a few more. */
#define FIELDS_MAX	200

/* What a variable's value looks like in the log. */
enum shape {
	SH_TEXT,	/* anything: a request, a header, a user name */
	SH_WORD,	/* no blanks: an address, a host name, a method */
	SH_NUM,		/* a number, or "-" */
	SH_LIST,	/* "a, b" or "a, b : c": nginx's upstream lists,
			   X-Forwarded-For */
	SH_CLF,		/* 10/Oct/2000:13:55:36 -0700 */
	SH_CLF_BRACKETS, /* [10/Oct/2000:13:55:36 -0700] (Apache %t) */
	SH_ISO,		/* 2000-10-10T13:55:36-07:00 */
	SH_EPOCH,	/* 971211336 or 971211336.123 */
	SH_MSEC,	/* 971211336123: milliseconds */
	SH_USEC,	/* 971211336123456: microseconds */
	SH_STRFTIME,	/* Apache %{format}t: the pattern of its format */
};

/*
 * The pattern of each fixed shape: what precedes the value, the value
 * (the named group, when the field has one), what follows.  Epoch times
 * in milliseconds and microseconds keep their seconds in the group, which
 * time_any() reads.
 */
static const struct {
	const char *pre, *core, *post;
} shapes[] = {
	[SH_TEXT] = { "", ".*?", "" },
	[SH_WORD] = { "", "\\S*", "" },
	[SH_NUM] = { "", "(?:-|[\\d.]*)", "" },
	[SH_LIST] = { "", "[^\\s,]*(?:(?:,\\s*| : )[^\\s,]*)*", "" },
	[SH_CLF] = { "", "\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} "
	    "[+-]\\d{4}", "" },
	[SH_CLF_BRACKETS] = { "\\[", "\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:"
	    "\\d{2} [+-]\\d{4}", "\\]" },
	[SH_ISO] = { "", "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?"
	    "(?:Z|[+-]\\d{2}:?\\d{2})?", "" },
	[SH_EPOCH] = { "", "\\d+(?:\\.\\d+)?", "" },
	[SH_MSEC] = { "", "\\d{9,11}", "\\d{3}" },
	[SH_USEC] = { "", "\\d{9,11}", "\\d{6}" },
	[SH_STRFTIME] = { "", "", "" },
};

/* A field between double quotes: anything, a quote escaped ("\""). */
#define QUOTED	"[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*"

/* What the program takes from a variable: the named group it can hold. */
enum gives { G_NONE, G_CLIENT, G_TIME, G_BYTES, G_XFF };

static const char *const group_names[] = {
	[G_CLIENT] = "ip",
	[G_TIME] = "time",
	[G_BYTES] = "bytes",
	[G_XFF] = "xff",
};

/*
 * nginx's variables whose shape or role is known (ngx_http_core_module,
 * ngx_http_log_module, ngx_http_realip_module, ngx_http_upstream_module;
 * a name ending in '*' is a prefix); any other, $http_NAME included, is
 * text.  rank orders the
 * candidates for one role, lowest first:
 *   client: $remote_addr (the realip module's client when it is set up),
 *	then $proxy_protocol_addr (the client a load balancer names), then
 *	$realip_remote_addr (the connection's peer, before realip);
 *   bytes: $bytes_sent (what the client was sent, headers included),
 *	then $body_bytes_sent.
 */
static const struct nginx_var {
	const char *name;
	enum shape shape;
	enum gives role;
	int	 rank;
} nginx_vars[] = {
	{ "remote_addr", SH_WORD, G_CLIENT, 0 },
	{ "proxy_protocol_addr", SH_WORD, G_CLIENT, 1 },
	{ "realip_remote_addr", SH_WORD, G_CLIENT, 2 },
	{ "time_local", SH_CLF, G_TIME, 0 },
	{ "time_iso8601", SH_ISO, G_TIME, 0 },
	{ "msec", SH_EPOCH, G_TIME, 0 },
	{ "bytes_sent", SH_NUM, G_BYTES, 0 },
	{ "body_bytes_sent", SH_NUM, G_BYTES, 1 },
	{ "http_x_forwarded_for", SH_LIST, G_XFF, 0 },
	{ "upstream_*", SH_LIST, G_NONE, 0 },
	{ "binary_remote_addr", SH_TEXT, G_NONE, 0 },	/* refused */
	{ "status", SH_NUM, G_NONE, 0 },
	{ "request_length", SH_NUM, G_NONE, 0 },
	{ "request_time", SH_NUM, G_NONE, 0 },
	{ "connection", SH_NUM, G_NONE, 0 },
	{ "connection_requests", SH_NUM, G_NONE, 0 },
	{ "pid", SH_NUM, G_NONE, 0 },
	{ "remote_port", SH_NUM, G_NONE, 0 },
	{ "server_port", SH_NUM, G_NONE, 0 },
	{ "proxy_protocol_port", SH_NUM, G_NONE, 0 },
	{ "realip_remote_port", SH_NUM, G_NONE, 0 },
	{ "server_addr", SH_WORD, G_NONE, 0 },
	{ "proxy_protocol_server_addr", SH_WORD, G_NONE, 0 },
	{ "host", SH_WORD, G_NONE, 0 },
	{ "hostname", SH_WORD, G_NONE, 0 },
	{ "server_name", SH_WORD, G_NONE, 0 },
	{ "scheme", SH_WORD, G_NONE, 0 },
	{ "https", SH_WORD, G_NONE, 0 },
	{ "request_method", SH_WORD, G_NONE, 0 },
	{ "server_protocol", SH_WORD, G_NONE, 0 },
	{ "request_id", SH_WORD, G_NONE, 0 },
	{ "pipe", SH_WORD, G_NONE, 0 },
	{ "ssl_protocol", SH_WORD, G_NONE, 0 },
	{ "ssl_cipher", SH_WORD, G_NONE, 0 },
};

/*
 * Apache's directives (mod_log_config, mod_logio), by the letter after
 * the '%' and its modifiers.  rank orders the candidates for one role:
 *   client: %a (the client; mod_remoteip's when it is set up), %h (the
 *	remote host: the address unless HostnameLookups is on), then the
 *	connection's peer, %{c}a and %{c}h (rank + 2, see apache_field);
 *   bytes: %O (sent, headers included), %B, %b (the body).
 */
static const struct apache_directive {
	char	 letter;
	enum shape shape;
	enum gives role;
	int	 rank;
} apache_directives[] = {
	{ 'a', SH_WORD, G_CLIENT, 0 },	/* client IP address */
	{ 'h', SH_WORD, G_CLIENT, 1 },	/* remote host */
	{ 'A', SH_WORD, G_NONE, 0 },	/* local IP address */
	{ 'O', SH_NUM, G_BYTES, 0 },	/* bytes sent, headers included */
	{ 'B', SH_NUM, G_BYTES, 1 },	/* response size */
	{ 'b', SH_NUM, G_BYTES, 2 },	/* response size, '-' for 0 */
	{ 't', SH_CLF_BRACKETS, G_TIME, 0 },	/* [time], or %{format}t */
	{ 'i', SH_TEXT, G_NONE, 0 },	/* request header */
	{ 'o', SH_TEXT, G_NONE, 0 },	/* response header */
	{ 'C', SH_TEXT, G_NONE, 0 },	/* cookie */
	{ 'e', SH_TEXT, G_NONE, 0 },	/* environment variable */
	{ 'n', SH_TEXT, G_NONE, 0 },	/* note */
	{ 'f', SH_TEXT, G_NONE, 0 },	/* file name */
	{ 'l', SH_TEXT, G_NONE, 0 },	/* identd's logname */
	{ 'u', SH_TEXT, G_NONE, 0 },	/* remote user */
	{ 'r', SH_TEXT, G_NONE, 0 },	/* request line */
	{ 'U', SH_TEXT, G_NONE, 0 },	/* URL path */
	{ 'q', SH_TEXT, G_NONE, 0 },	/* query string */
	{ 'D', SH_NUM, G_NONE, 0 },	/* time taken, microseconds */
	{ 'T', SH_NUM, G_NONE, 0 },	/* time taken, seconds */
	{ 'I', SH_NUM, G_NONE, 0 },	/* bytes received */
	{ 'S', SH_NUM, G_NONE, 0 },	/* bytes transferred */
	{ 'k', SH_NUM, G_NONE, 0 },	/* keepalive requests */
	{ 'p', SH_NUM, G_NONE, 0 },	/* port */
	{ 's', SH_NUM, G_NONE, 0 },	/* status */
	{ 'P', SH_WORD, G_NONE, 0 },	/* process or thread id */
	{ 'H', SH_WORD, G_NONE, 0 },	/* protocol */
	{ 'm', SH_WORD, G_NONE, 0 },	/* method */
	{ 'v', SH_WORD, G_NONE, 0 },	/* ServerName */
	{ 'V', SH_WORD, G_NONE, 0 },	/* server name (UseCanonicalName) */
	{ 'L', SH_WORD, G_NONE, 0 },	/* error log id */
	{ 'R', SH_WORD, G_NONE, 0 },	/* handler */
	{ 'X', SH_WORD, G_NONE, 0 },	/* connection status */
	{ 'x', SH_TEXT, G_NONE, 0 },	/* mod_ssl: an SSL variable */
	{ 'c', SH_TEXT, G_NONE, 0 },	/* mod_ssl: the same, older */
};

/* Apache's two-letter directives, after a '^'. */
static const struct {
	char	 name[3];
	enum shape shape;
} apache_carets[] = {
	{ "ti", SH_TEXT },	/* request trailer */
	{ "to", SH_TEXT },	/* response trailer */
	{ "FB", SH_NUM },	/* mod_logio: time to the first byte */
};

/*
 * strftime(3) conversions as patterns, for Apache's %{format}t; glibc's
 * flags and widths are skipped, and an unknown conversion is free text.
 */
static const struct {
	char	 conv;
	const char *re;
} strftime_res[] = {
	{ 'a', "[A-Za-z]+" }, { 'A', "[A-Za-z]+" }, { 'b', "[A-Za-z]+" },
	{ 'B', "[A-Za-z]+" }, { 'h', "[A-Za-z]+" }, { 'p', "[A-Za-z]{2}" },
	{ 'P', "[A-Za-z]{2}" }, { 'Z', "[A-Za-z0-9+-]+" },
	{ 'c', "[A-Za-z]+ [A-Za-z]+ +\\d+ \\d+:\\d+:\\d+ \\d+" },
	{ 'Y', "\\d{4}" }, { 'G', "\\d{4}" }, { 'C', "\\d{2}" },
	{ 'y', "\\d{2}" }, { 'g', "\\d{2}" }, { 'm', "\\d{1,2}" },
	{ 'd', "\\d{1,2}" }, { 'e', " ?\\d{1,2}" }, { 'j', "\\d{1,3}" },
	{ 'H', "\\d{1,2}" }, { 'k', " ?\\d{1,2}" }, { 'I', "\\d{1,2}" },
	{ 'l', " ?\\d{1,2}" }, { 'M', "\\d{1,2}" }, { 'S', "\\d{1,2}" },
	{ 'U', "\\d{1,2}" }, { 'V', "\\d{1,2}" }, { 'W', "\\d{1,2}" },
	{ 'u', "\\d" }, { 'w', "\\d" }, { 's', "\\d+" },
	{ 'z', "[+-]\\d{4}" }, { 'F', "\\d{4}-\\d{1,2}-\\d{1,2}" },
	{ 'D', "\\d{2}/\\d{2}/\\d{2}" }, { 'x', "\\d{2}/\\d{2}/\\d{2}" },
	{ 'T', "\\d{2}:\\d{2}:\\d{2}" }, { 'X', "\\d{2}:\\d{2}:\\d{2}" },
	{ 'R', "\\d{2}:\\d{2}" }, { 'r', "\\d{2}:\\d{2}:\\d{2} [A-Za-z]{2}" },
	{ 't', "\\t" }, { 'n', "\\n" }, { '%', "%" },
};

/* One variable of the format and the literal text after it. */
struct var {
	const char *name;	/* as written, for messages: "%{Referer}i" */
	int	 namelen;
	const char *arg;	/* Apache's {argument} */
	size_t	 arglen;
	size_t	 after, afterlen;	/* the literal after it, in lits */
	enum shape shape;
	enum gives role;	/* what it could give */
	int	 rank;
	int	 cond;		/* Apache's %400,501x: "-" when unmet */
	enum gives group;	/* the named group it holds, or G_NONE */
};

struct format {
	char	*text;		/* the string, its backslash escapes undone */
	char	*lits;		/* the literal texts, one after the other */
	size_t	 nlits;
	size_t	 headlen;	/* lits[0..headlen): before the first field */
	int	 apache;
	int	 n;
	struct var f[FIELDS_MAX];
};

/* A growing string. */
struct sbuf {
	char	*s;
	size_t	 len, cap;
};

static void
sb_put(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		sb->cap = (sb->len + n + 1) * 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

static void
sb_puts(struct sbuf *sb, const char *s)
{
	sb_put(sb, s, strlen(s));
}

/* Literal text as a pattern: metacharacters escaped, controls in hex. */
static void
sb_literal(struct sbuf *sb, const char *s, size_t n)
{
	char hex[8];

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(hex, sizeof(hex), "\\x{%02x}", c);
			sb_puts(sb, hex);
			continue;
		}
		if (strchr("\\^$.|?*+()[]{}", c) != NULL)
			sb_put(sb, "\\", 1);
		sb_put(sb, s + i, 1);
	}
}

/*
 * The backslash escapes of a configuration file's quoted string, undone:
 * users paste the format as httpd.conf or nginx.conf spells it (\"), or
 * as the server reads it (").  Apache keeps an unknown escape as it is.
 */
static int
unescape(const char *s, char *out, char *err, size_t errlen)
{
	while (*s != '\0') {
		if (*s != '\\' || s[1] == '\0') {
			*out++ = *s++;
			continue;
		}
		switch (s[1]) {
		case '"':
		case '\'':
		case '\\':
			*out++ = s[1];
			break;
		case 't':
			*out++ = '\t';
			break;
		case 'n':
		case 'r':
			setmsg(err, errlen, "\\%c: a record over several lines "
			    "cannot be read line by line", s[1]);
			return -1;
		default:
			*out++ = '\\';
			*out++ = s[1];
			break;
		}
		s += 2;
	}
	*out = '\0';
	return 0;
}

/* For messages: the variable at p, to the next blank, at most 40 bytes. */
static int
shown(const char *p)
{
	int n = 0;

	while (p[n] != '\0' && p[n] != ' ' && n < 40)
		n++;
	return n;
}

static int
nginx_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * Apache's or nginx's?  The kind of variable the string holds more of:
 * '%' directives or '$' names.  Apache, on a tie.
 */
static int
is_apache(const char *s)
{
	int percent = 0, dollar = 0;

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && s[1] == '%')
			s++;
		else if (s[0] == '%' && s[1] != '\0')
			percent++;
		else if (s[0] == '$' && (nginx_name_char(s[1]) || s[1] == '{'))
			dollar++;
	}
	return percent >= dollar;
}

/* "$name" or "${name}" at p: the field; past it, or NULL. */
static const char *
nginx_field(const char *p, struct var *f, char *err, size_t errlen)
{
	const char *name = p + 1, *end;
	size_t len;

	if (*name == '{') {
		if ((end = strchr(++name, '}')) == NULL) {
			setmsg(err, errlen, "%.*s: no closing '}'", shown(p),
			    p);
			return NULL;
		}
		len = (size_t)(end - name);
		end++;
	} else {
		for (end = name; nginx_name_char(*end); end++)
			;
		len = (size_t)(end - name);
	}
	f->name = p;
	f->namelen = (int)(end - p);
	if (len == 0) {
		setmsg(err, errlen, "'%.*s' names no variable", f->namelen, p);
		return NULL;
	}
	f->shape = SH_TEXT;
	for (size_t i = 0; i < sizeof(nginx_vars) / sizeof(nginx_vars[0]);
	    i++) {
		const struct nginx_var *v = &nginx_vars[i];

		size_t k = strcspn(v->name, "*");

		if (v->name[k] == '\0' ? k != len : k > len)
			continue;
		if (strncasecmp(v->name, name, k) != 0)
			continue;
		if (strcmp(v->name, "binary_remote_addr") == 0) {
			setmsg(err, errlen, "$binary_remote_addr: the address "
			    "in binary cannot be read from a text log; log "
			    "$remote_addr");
			return NULL;
		}
		f->shape = v->shape;
		f->role = v->role;
		f->rank = v->rank;
	}
	return end;
}

/*
 * Apache's %{format}t, "begin:" or "end:" first: the seconds since the
 * epoch, with or without a fraction, or a strftime(3) format.
 */
static void
apache_time(struct var *f)
{
	static const struct {
		const char *name;
		enum shape shape;
		enum gives role;
	} named[] = {
		{ "sec", SH_EPOCH, G_TIME },
		{ "msec", SH_MSEC, G_TIME },
		{ "usec", SH_USEC, G_TIME },
		{ "msec_frac", SH_NUM, G_NONE },
		{ "usec_frac", SH_NUM, G_NONE },
	};

	if (f->arglen >= 6 && memcmp(f->arg, "begin:", 6) == 0)
		f->arg += 6, f->arglen -= 6;
	else if (f->arglen >= 4 && memcmp(f->arg, "end:", 4) == 0)
		f->arg += 4, f->arglen -= 4;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strlen(named[i].name) == f->arglen &&
		    memcmp(named[i].name, f->arg, f->arglen) == 0) {
			f->shape = named[i].shape;
			f->role = named[i].role;
			return;
		}
	f->shape = SH_STRFTIME;
	f->role = G_NONE;	/* unless time_any() reads it: compile() */
}

/*
 * The directive at q: its table's row, with its argument's say.  The
 * end of the directive, or NULL when there is none such.
 */
static const char *
apache_letter(struct var *f, const char *q)
{
	const struct apache_directive *d = NULL;
	char letter = *q;

	if (letter == '^') {
		for (size_t i = 0; i < sizeof(apache_carets) /
		    sizeof(apache_carets[0]); i++)
			if (q[1] == apache_carets[i].name[0] && q[1] != '\0' &&
			    q[2] == apache_carets[i].name[1]) {
				f->shape = apache_carets[i].shape;
				return q + 3;
			}
		return NULL;
	}
	for (size_t i = 0; i < sizeof(apache_directives) /
	    sizeof(apache_directives[0]); i++)
		if (apache_directives[i].letter == letter)
			d = &apache_directives[i];
	if (d == NULL)
		return NULL;
	f->shape = d->shape;
	f->role = d->role;
	f->rank = d->rank;
	if (letter == 't' && f->arg != NULL)
		apache_time(f);
	else if ((letter == 'a' || letter == 'h') && f->arglen == 1 &&
	    f->arg[0] == 'c')
		f->rank += 2;	/* the connection's peer: a proxy, maybe */
	else if (letter == 'i' && f->arglen == 15 &&
	    strncasecmp(f->arg, "X-Forwarded-For", 15) == 0)
		f->shape = SH_LIST, f->role = G_XFF;
	return q + 1;
}

/*
 * "%" [modifiers] ["{" arg "}"] letter at p, the modifiers being status
 * lists ("400,501", "!200") and '<' or '>' (original or final request),
 * in any order.  Past it, or NULL.
 */
static const char *
apache_field(const char *p, struct var *f, char *err, size_t errlen)
{
	const char *q = p + 1, *close, *end;

	f->name = p;
	for (;; q++) {
		if (*q == '!' || *q == '<' || *q == '>' || *q == ',')
			continue;
		if (isdigit((unsigned char)*q)) {
			f->cond = 1;
			continue;
		}
		if (*q != '{')
			break;
		if ((close = strchr(q, '}')) == NULL) {
			setmsg(err, errlen, "%.*s: no closing '}'", shown(p),
			    p);
			return NULL;
		}
		f->arg = q + 1;
		f->arglen = (size_t)(close - q - 1);
		q = close;
	}
	if (*q == '\0') {
		setmsg(err, errlen, "'%s' at the end names no directive", p);
		return NULL;
	}
	if ((end = apache_letter(f, q)) == NULL) {
		setmsg(err, errlen, "%.*s: not an Apache LogFormat directive",
		    (int)(q - p) + (*q == '^' ? shown(q) : 1), p);
		return NULL;
	}
	f->namelen = (int)(end - p);
	return end;
}

/* The literal text since the last field ends here. */
static void
end_literal(struct format *fm, size_t start)
{
	if (fm->n == 0)
		fm->headlen = fm->nlits;
	else {
		fm->f[fm->n - 1].after = start;
		fm->f[fm->n - 1].afterlen = fm->nlits - start;
	}
}

/* The string into fields and the literals between them. */
static int
split(struct format *fm, char *err, size_t errlen)
{
	const char *p = fm->text;
	size_t start = 0;

	fm->apache = is_apache(fm->text);
	while (*p != '\0') {
		if (fm->apache && p[0] == '%' && p[1] == '%') {
			fm->lits[fm->nlits++] = '%';
			p += 2;
			continue;
		}
		if (*p != (fm->apache ? '%' : '$')) {
			fm->lits[fm->nlits++] = *p++;
			continue;
		}
		if (fm->n == FIELDS_MAX) {
			setmsg(err, errlen, "more than %d variables",
			    FIELDS_MAX);
			return -1;
		}
		end_literal(fm, start);
		if ((p = fm->apache ? apache_field(p, &fm->f[fm->n], err,
		    errlen) : nginx_field(p, &fm->f[fm->n], err, errlen)) ==
		    NULL)
			return -1;
		fm->n++;
		start = fm->nlits;
	}
	end_literal(fm, start);
	return 0;
}

/*
 * Whether time_any() reads what strftime(3) writes for an Apache time
 * format: it is tried on one instant whose every field differs (2021-11-23
 * 19:47:05 UTC), in local time as Apache writes it, and must read back.
 */
static int
strftime_readable(const char *fmt, size_t n)
{
	const time_t t = 1637696825;
	char f[128], out[256];
	struct syslog_clock clock;
	struct tm tm;
	size_t len;

	if (n >= sizeof(f))
		return 0;
	memcpy(f, fmt, n);
	f[n] = '\0';
	if (localtime_r(&t, &tm) == NULL ||
	    (len = strftime(out, sizeof(out), f, &tm)) == 0)
		return 0;
	syslog_clock_init(&clock, t);
	return time_any(out, len, &clock) == (int64_t)t;
}

/* A strftime(3) format as a pattern. */
static void
sb_strftime(struct sbuf *sb, const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *re = ".*?";

		if (*s != '%') {
			sb_literal(sb, s++, 1);
			continue;
		}
		/* glibc's flags, width and E or O modifier */
		for (s++; s < end && strchr("_-0^#EO123456789", *s); s++)
			;
		if (s == end)
			break;
		for (size_t i = 0; i < sizeof(strftime_res) /
		    sizeof(strftime_res[0]); i++)
			if (strftime_res[i].conv == *s)
				re = strftime_res[i].re;
		sb_puts(sb, re);
		s++;
	}
}

/*
 * The field with the most preferred rank for a role gets its named
 * group; the first, on a tie.  Its index, or -1.
 */
static int
choose(struct format *fm, enum gives role)
{
	int best = -1;

	for (int i = 0; i < fm->n; i++)
		if (fm->f[i].role == role &&
		    (best == -1 || fm->f[i].rank < fm->f[best].rank))
			best = i;
	if (best != -1)
		fm->f[best].group = role;
	return best;
}

/*
 * A field's value.  Between double quotes in the format, text is read
 * as a quoted field, escapes included; outside them, up to the next
 * literal (bounded) or to the end of the line.
 */
static void
sb_value(struct sbuf *sb, const struct var *f, int quoted, int bounded)
{
	const char *core = shapes[f->shape].core;
	int cond;

	if (quoted && (f->shape == SH_TEXT || f->shape == SH_WORD ||
	    f->shape == SH_LIST))
		core = QUOTED;
	else if (f->shape == SH_TEXT && !bounded)
		core = ".*";
	/* A status list's "-" is text, a word, a list and a number already. */
	cond = f->cond && f->shape != SH_TEXT && f->shape != SH_WORD &&
	    f->shape != SH_LIST && f->shape != SH_NUM;
	if (cond)
		sb_puts(sb, "(?:");
	sb_puts(sb, shapes[f->shape].pre);
	if (f->group != G_NONE) {
		sb_puts(sb, "(?<");
		sb_puts(sb, group_names[f->group]);
		sb_puts(sb, ">");
	}
	if (f->shape == SH_STRFTIME)
		sb_strftime(sb, f->arg, f->arglen);
	else
		sb_puts(sb, core);
	if (f->group != G_NONE)
		sb_puts(sb, ")");
	sb_puts(sb, shapes[f->shape].post);
	if (cond)
		sb_puts(sb, "|-)");
}

/*
 * Where a field ends: where its literal begins, or at the end of a line
 * cut short.  Free text runs to its whole literal and what opens the
 * next field (a user name may hold the blank before "[time]"); any other
 * value, to the literal's first character.
 */
static void
sb_end(struct sbuf *sb, const struct var *f, const char *after, int whole,
    const struct var *next)
{
	if (f->afterlen == 0)
		return;
	sb_puts(sb, "(?=");
	sb_literal(sb, after, whole ? f->afterlen : 1);
	if (whole && next != NULL)
		sb_puts(sb, shapes[next->shape].pre);
	sb_puts(sb, "|$)");
}

/*
 * The pattern: "^", then each field with the literal before it, in an
 * atomic group.  The fields up to the client must match; those after it
 * are nested optional groups, each tried only when the one before
 * matched: a line cut anywhere after its client ("1.2.3.4 -") still
 * names it, and keeps the time and size it got to.  The fields after the
 * last one holding a group would change nothing: they are left out.
 */
static char *
emit(const struct format *fm, int client)
{
	struct sbuf sb = { NULL, 0, 0 };
	const char *before = fm->lits;
	size_t blen = fm->headlen;
	int last = client;

	for (int i = client; i < fm->n; i++)
		if (fm->f[i].group != G_NONE)
			last = i;
	sb_puts(&sb, "^");
	for (int i = 0; i <= last; i++) {
		const struct var *f = &fm->f[i];
		const char *after = fm->lits + f->after;
		int quoted = blen > 0 && before[blen - 1] == '"' &&
		    f->afterlen > 0 && after[0] == '"';

		if (i > client)
			sb_puts(&sb, "(?:");
		sb_puts(&sb, "(?>");
		sb_literal(&sb, before, blen);
		sb_value(&sb, f, quoted, f->afterlen > 0);
		sb_end(&sb, f, after, f->shape == SH_TEXT && !quoted,
		    i + 1 < fm->n ? &fm->f[i + 1] : NULL);
		sb_puts(&sb, ")");
		before = after;
		blen = f->afterlen;
	}
	for (int i = client + 1; i <= last; i++)
		sb_puts(&sb, ")?");
	return sb.s;
}

static int
compile(struct format *fm, char *err, size_t errlen)
{
	int client;

	if (split(fm, err, errlen) == -1)
		return -1;
	if (fm->n == 0) {
		setmsg(err, errlen, "no variable in the format: nginx names "
		    "the client $remote_addr, Apache %%h or %%a");
		return -1;
	}
	for (int i = 0; i < fm->n; i++)
		if (fm->f[i].shape == SH_STRFTIME &&
		    strftime_readable(fm->f[i].arg, fm->f[i].arglen))
			fm->f[i].role = G_TIME;
	if ((client = choose(fm, G_CLIENT)) == -1) {
		setmsg(err, errlen, "no client address in the format: it "
		    "needs %s", fm->apache ? "%a, %h or %{c}a" : "$remote_addr, "
		    "$proxy_protocol_addr or $realip_remote_addr");
		return -1;
	}
	choose(fm, G_TIME);
	choose(fm, G_BYTES);
	choose(fm, G_XFF);
	return client;
}

/*
 * An nginx log_format or Apache LogFormat string into a --regex pattern
 * (malloc'ed), or NULL and why in err, naming the variable at fault.
 */
char *
logformat_compile(const char *spec, char *err, size_t errlen)
{
	struct format *fm;
	size_t len = strlen(spec);
	char *pattern = NULL;
	int client;

	fm = xcalloc(1, sizeof(*fm));
	fm->text = xmalloc(len + 1);
	fm->lits = xmalloc(len + 1);
	if (unescape(spec, fm->text, err, errlen) == 0 &&
	    (client = compile(fm, err, errlen)) != -1)
		pattern = emit(fm, client);
	free(fm->text);
	free(fm->lits);
	free(fm);
	return pattern;
}
