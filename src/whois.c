/*
 * Port-43 whois answers (RFC 3912) into report fields.  Pure functions:
 * bytes in, fields out, no I/O; the only allocation is answer_set's.
 *
 * An answer is read by what it is, not by who was asked: a mirror, a
 * registry answering for a block it took over, or one server given with
 * --whois-server may send any registry's dialect.  A pass over the keys
 * against a table of markers names the dialect.  ARIN writes flat
 * "Key: value" records, one group per network starting at its NetRange
 * line.  RIPE NCC, APNIC, AFRINIC, their mirrors and LACNIC write RPSL
 * objects separated by blank lines, each named by its first attribute.
 * The national registries APNIC refers to (JPNIC, KRNIC, TWNIC) write
 * loose "Key : value" or "a. [Key]  value" lines.  What differs between
 * them is data (attribute names, marker texts), kept in the tables below.
 *
 * Text is untrusted and not NUL-terminated: every scan is bounded by the
 * answer's length, lines may end in LF, CRLF or CRCRLF, and values are
 * cleaned by answer_set on the way out.
 */
#include <string.h>

#include "ipwhois.h"

struct span {
	const char *p;
	size_t	 n;
};

enum ltype {
	L_BLANK,	/* nothing but spaces and controls */
	L_COMMENT,	/* "%" or "#" first */
	L_ATTR,		/* "key: value" */
	L_CONT,		/* an RPSL continuation: space, tab or "+" first */
	L_OTHER		/* anything else: a notice, a summary, junk */
};

struct line {
	struct span text;	/* without its line end */
	struct span key, val;	/* L_ATTR: the key, the trimmed value */
	enum ltype type;
};

/* A position in [p, end). */
struct cursor {
	const char *p, *end;
};

/* What one parse works on and writes to. */
struct parse {
	enum rir rir;
	struct span text;
	struct answer *a;
	struct netrange *net;
	char	*ref;
	size_t	 reflen;
	struct whois_info *wi;
};

/* The fields of a found network; the network text lives in cidrs. */
struct found {
	struct netrange r;
	struct span f[FLD_MAX];
	struct span type;	/* not an answer field yet: in whois_info */
	enum rir registry;	/* whose network it is, if it says */
	char	 cidrs[FIELD_MAX + 1];
};

/* Small text helpers, all bounded, all ASCII-only (no locale). */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static struct span
span_of(const char *p, size_t n)
{
	struct span s = { p, n };

	return s;
}

static struct span
trim(struct span s)
{
	while (s.n > 0 && (unsigned char)s.p[0] <= ' ')
		s.p++, s.n--;
	while (s.n > 0 && (unsigned char)s.p[s.n - 1] <= ' ')
		s.n--;
	return s;
}

static int
span_eq(struct span s, const char *t, size_t tn)
{
	if (s.n != tn)
		return 0;
	for (size_t i = 0; i < tn; i++)
		if (lower((unsigned char)s.p[i]) != lower((unsigned char)t[i]))
			return 0;
	return 1;
}

static int
is(struct span s, const char *t)
{
	return span_eq(s, t, strlen(t));
}

static int
starts(struct span s, const char *t)
{
	size_t n = strlen(t);

	return s.n >= n && span_eq(span_of(s.p, n), t, n);
}

/* Where t first occurs in s, case-insensitively; -1 if nowhere. */
static long
find(struct span s, const char *t)
{
	size_t n = strlen(t);

	for (size_t i = 0; n <= s.n && i <= s.n - n; i++)
		if (span_eq(span_of(s.p + i, n), t, n))
			return (long)i;
	return -1;
}

/* Does word t occur in s with no letter or digit glued to either side? */
static int
has_word(struct span s, const char *t)
{
	size_t n = strlen(t), at = 0;
	long i;

	while ((i = find(span_of(s.p + at, s.n - at), t)) >= 0) {
		size_t b = at + (size_t)i, e = b + n;

		if ((b == 0 || !alnum((unsigned char)s.p[b - 1])) &&
		    (e == s.n || !alnum((unsigned char)s.p[e])))
			return 1;
		at = b + 1;
	}
	return 0;
}

/* Lines and attributes. */

static int
key_char(int c)
{
	return alnum(c) || c == '-' || c == '_';
}

static void
line_classify(struct line *l)
{
	const char *s = l->text.p;
	size_t n = l->text.n, k = 0;

	if (trim(l->text).n == 0)
		l->type = L_BLANK;
	else if (s[0] == '%' || s[0] == '#')
		l->type = L_COMMENT;
	else if (s[0] == ' ' || s[0] == '\t' || s[0] == '+')
		l->type = L_CONT;
	else {
		while (k < n && key_char((unsigned char)s[k]))
			k++;
		l->type = k > 0 && k < n && s[k] == ':' ? L_ATTR : L_OTHER;
		l->key = span_of(s, k);
		l->val = trim(span_of(s + k + 1, k < n ? n - k - 1 : 0));
	}
}

/*
 * The line at p and where the next one starts.  A lone CR is not a line
 * end: LACNIC has been seen sending CRCRLF, which must not split objects.
 */
static const char *
line_read(const char *p, const char *end, struct line *l)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *e = nl ? nl : end;

	l->text = span_of(p, (size_t)(e - p));
	line_classify(l);
	return nl ? nl + 1 : end;
}

/* The next attribute, its value running on over continuation lines. */
static int
attr_next(struct cursor *c, struct span *key, struct span *val)
{
	struct line l, m;

	while (c->p < c->end) {
		c->p = line_read(c->p, c->end, &l);
		if (l.type != L_ATTR)
			continue;
		*key = l.key;
		*val = l.val;
		while (c->p < c->end) {
			const char *next = line_read(c->p, c->end, &m);
			struct span more = trim(m.text);

			if (m.type != L_CONT)
				break;
			if (val->n == 0)
				*val = more;
			else
				val->n = (size_t)(more.p + more.n - val->p);
			c->p = next;
		}
		return 1;
	}
	return 0;
}

/* The first value of key in region. */
static int
get(struct span region, const char *key, struct span *val)
{
	struct cursor c = { region.p, region.p + region.n };
	struct span k;

	while (attr_next(&c, &k, val))
		if (is(k, key))
			return 1;
	*val = span_of(NULL, 0);
	return 0;
}

/* The first value of the first of keys[] that region has. */
static int
get_any(struct span region, const char *const *keys, size_t nkeys,
    struct span *val)
{
	for (size_t i = 0; i < nkeys; i++)
		if (get(region, keys[i], val) && val->n > 0)
			return 1;
	return 0;
}

/* The first attribute of an object: its class and its name. */
static void
object_head(struct span obj, struct span *key, struct span *val)
{
	struct cursor c = { obj.p, obj.p + obj.n };

	if (!attr_next(&c, key, val))
		*key = *val = span_of(NULL, 0);
}

/*
 * Walking RPSL objects.  The comments between them carry context: RIPE
 * and AFRINIC print "% Abuse contact for 'net' is 'mail'" after each
 * "% Information related to" header, before the objects it is about.
 */
struct objects {
	struct cursor c;
	struct span abuse;
};

static void
objects_init(struct objects *it, struct span text)
{
	it->c.p = text.p;
	it->c.end = text.p + text.n;
	it->abuse = span_of(NULL, 0);
}

/* "% Abuse contact for 'x' is 'mail'": the text in the last quotes. */
static void
abuse_comment(struct objects *it, struct span t)
{
	struct span s = trim(t);
	size_t open;

	if (starts(s, "% Information related to"))
		it->abuse = span_of(NULL, 0);
	if (!starts(s, "% Abuse contact for") || s.n < 2 ||
	    s.p[s.n - 1] != '\'')
		return;
	for (open = s.n - 1; open > 0 && s.p[open - 1] != '\''; open--)
		;
	if (open > 0)
		it->abuse = trim(span_of(s.p + open, s.n - 1 - open));
}

static int
object_next(struct objects *it, struct span *obj, struct span *abuse)
{
	struct line l;

	while (it->c.p < it->c.end) {
		const char *start = it->c.p;

		it->c.p = line_read(start, it->c.end, &l);
		if (l.type == L_COMMENT)
			abuse_comment(it, l.text);
		if (l.type != L_ATTR)
			continue;
		while (it->c.p < it->c.end) {
			const char *next = line_read(it->c.p, it->c.end, &l);

			if (l.type != L_ATTR && l.type != L_CONT)
				break;
			it->c.p = next;
		}
		*obj = span_of(start, (size_t)(it->c.p - start));
		*abuse = it->abuse;
		return 1;
	}
	return 0;
}

/* Networks. */

/* Is a a narrower range than b?  Both are of one family. */
static int
narrower(const struct netrange *a, const struct netrange *b)
{
	uint64_t w[2][2];
	const struct netrange *r[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		uint64_t hh, hl, lh, ll;

		ip_words(&r[i]->hi, &hh, &hl);
		ip_words(&r[i]->lo, &lh, &ll);
		w[i][1] = hl - ll;
		w[i][0] = hh - lh - (hl < ll);
	}
	return w[0][0] != w[1][0] ? w[0][0] < w[1][0] : w[0][1] < w[1][1];
}

/* Placeholders for "everything" (0.0.0.0 - 255.255.255.255, ::/0). */
static int
whole_space(const struct netrange *r)
{
	static const uint8_t ones[16] = {
		255, 255, 255, 255, 255, 255, 255, 255,
		255, 255, 255, 255, 255, 255, 255, 255
	};
	static const uint8_t zeros[16];

	if (ip_is_v4(&r->lo))
		return ip_v4(&r->lo) == 0 && ip_v4(&r->hi) == 0xffffffff;
	return memcmp(r->lo.b, zeros, 16) == 0 &&
	    memcmp(r->hi.b, ones, 16) == 0;
}

static int
addr_parse(struct span s, struct ip *ip)
{
	s = trim(s);
	return ip_parse(s.p, s.n, ip);
}

/*
 * "net/len", also LACNIC's abbreviated IPv4 "200.57.128/19", where the
 * missing octets are zero.
 */
static int
prefix_parse(struct span s, struct netrange *r)
{
	char buf[64 + 8];
	const char *slash = memchr(s.p, '/', s.n);
	size_t at = slash ? (size_t)(slash - s.p) : s.n, n = 0, dots = 0;
	unsigned plen;

	if (s.n >= 64)
		return -1;
	for (size_t i = 0; i < at; i++)
		dots += s.p[i] == '.';
	memcpy(buf, s.p, at);
	n = at;
	while (slash && dots < 3 && memchr(s.p, ':', at) == NULL) {
		memcpy(buf + n, ".0", 2);
		n += 2, dots++;
	}
	memcpy(buf + n, s.p + at, s.n - at);
	buf[n + s.n - at] = '\0';
	if (ip_net_parse(buf, &r->lo, &plen) == -1)
		return -1;
	r->hi = r->lo;
	for (unsigned bit = plen; bit < 128; bit++)
		r->hi.b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	return 0;
}

/* An inetnum, inet6num or NetRange value: "a - b" or a prefix. */
static int
range_parse(struct span v, struct netrange *r)
{
	const char *dash;

	v = trim(v);
	if ((dash = memchr(v.p, '-', v.n)) == NULL)
		return prefix_parse(v, r);
	if (addr_parse(span_of(v.p, (size_t)(dash - v.p)), &r->lo) == -1 ||
	    addr_parse(span_of(dash + 1, (size_t)(v.p + v.n - dash - 1)),
	    &r->hi) == -1)
		return -1;
	if (ip_is_v4(&r->lo) != ip_is_v4(&r->hi) || ip_cmp(&r->lo, &r->hi) > 0)
		return -1;
	return 0;
}

/* The range as CIDR text, the fewest prefixes that cover it. */
static void
range_cidrs(struct found *fd)
{
	size_t n = ip_range_cidrs(&fd->r.lo, &fd->r.hi, fd->cidrs,
	    sizeof(fd->cidrs));

	fd->f[FLD_NETWORK] = span_of(fd->cidrs, n);
}

/* Referrals. */

/* Names the RIRs are known by in remarks, comments and NetType. */
static const struct {
	const char *word;
	enum rir rir;
} rir_words[] = {
	{ "afrinic", RIR_AFRINIC },
	{ "apnic", RIR_APNIC },
	{ "arin", RIR_ARIN },
	{ "lacnic", RIR_LACNIC },
	{ "ripe", RIR_RIPE },		/* "RIPE NCC", "whois.ripe.net" */
};

/* Bit r set: text names RIR r, as a word. */
static unsigned
rirs_named(struct span text)
{
	unsigned set = 0;

	for (size_t i = 0; i < nitems(rir_words); i++)
		if (has_word(text, rir_words[i].word))
			set |= 1u << rir_words[i].rir;
	return set;
}

/* The one RIR other than self that a set names, or RIR_NONE. */
static enum rir
rir_of_set(unsigned set, enum rir self)
{
	set &= ~(1u << self);
	for (int r = RIR_NONE + 1; r < RIR_MAX; r++)
		if (set == 1u << r)
			return (enum rir)r;
	return RIR_NONE;
}

/* Write a host into the caller's buffer, or nothing if it does not fit. */
static void
set_ref(struct parse *x, struct span host)
{
	if (x->reflen == 0)
		return;
	x->ref[0] = '\0';
	if (host.n >= x->reflen)
		return;
	for (size_t i = 0; i < host.n; i++)
		x->ref[i] = (char)lower((unsigned char)host.p[i]);
	x->ref[host.n] = '\0';
}

static int
refer_to_rir(struct parse *x, enum rir r)
{
	const struct rir_info *ri = rir_info(r);

	if (ri == NULL)
		set_ref(x, span_of(NULL, 0));
	else
		set_ref(x, span_of(ri->whois_host, strlen(ri->whois_host)));
	return 1;
}

/*
 * A referral to our own server is no referral (a visited-server loop):
 * the server asked, or the one of the registry whose answer it is.
 */
static int
is_self(const struct parse *x, enum rir own, struct span host)
{
	const struct rir_info *ri = rir_info(x->rir), *oi = rir_info(own);

	return (ri != NULL && is(host, ri->whois_host)) ||
	    (oi != NULL && is(host, oi->whois_host));
}

/*
 * "whois://host[:port][/]" into host or host:port, the default port 43
 * dropped.  Other schemes (ARIN's rwhois://) are not followed.
 */
static int
whois_url(struct span v, struct span *host)
{
	struct span h;

	v = trim(v);
	if (!starts(v, "whois://"))
		return -1;
	h = span_of(v.p + 8, v.n - 8);
	for (size_t i = 0; i < h.n; i++)
		if (h.p[i] == '/' || (unsigned char)h.p[i] <= ' ') {
			h.n = i;
			break;
		}
	if (h.n > 3 && span_eq(span_of(h.p + h.n - 3, 3), ":43", 3))
		h.n -= 3;
	for (size_t i = 0; i < h.n; i++)
		if (!alnum((unsigned char)h.p[i]) && !strchr(".-:[]", h.p[i]))
			return -1;
	*host = h;
	return h.n > 0 ? 0 : -1;
}

/*
 * A ResourceLink: ARIN lists both a web page and the whois server of the
 * registry that holds the block; only a whois server is a referral.
 */
static int
link_host(struct span v, struct span *host)
{
	v = trim(v);
	if (whois_url(v, host) == 0)
		return 0;
	if (rir_by_whois_host(v.p, v.n) == RIR_NONE)
		return -1;
	*host = v;
	return 0;
}

static int
resource_link(struct parse *x, struct span g)
{
	struct cursor c = { g.p, g.p + g.n };
	struct span k, v, host;

	while (attr_next(&c, &k, &v))
		if (is(k, "ResourceLink") && link_host(v, &host) == 0 &&
		    !is_self(x, RIR_ARIN, host)) {
			set_ref(x, host);
			return 1;
		}
	return 0;
}

/* Answer fields. */

static void
put_found(struct parse *x, const struct found *fd)
{
	static const enum field mine[] = {
		FLD_NETWORK, FLD_NET_NAME, FLD_ORG, FLD_COUNTRY, FLD_ABUSE_EMAIL
	};

	for (size_t i = 0; i < nitems(mine); i++)
		answer_set(x->a, mine[i], fd->f[mine[i]].p, fd->f[mine[i]].n);
	answer_set(x->a, FLD_NET_TYPE, fd->type.p, fd->type.n);
	x->wi->type[text_clean(x->wi->type, fd->type.p, fd->type.n,
	    sizeof(x->wi->type) - 1)] = '\0';
	if (fd->registry != RIR_NONE)
		x->wi->registry = fd->registry;
	x->a->status = ST_OK;
	x->a->source = SRC_WHOIS;
	if (x->net != NULL)
		*x->net = fd->r;
}

/* "GB", "EU # Country is really world wide": the code alone. */
static struct span
country_code(struct span v)
{
	v = trim(v);
	for (size_t i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] <= ' ' || v.p[i] == '#')
			return span_of(v.p, i);
	return v;
}

/* ARIN's "Google Inc. (GOGL)": the name without its handle. */
static struct span
strip_handle(struct span v)
{
	v = trim(v);
	if (v.n == 0 || v.p[v.n - 1] != ')')
		return v;
	for (size_t i = v.n - 1; i > 0; i--)
		if (v.p[i] == '(')
			return trim(span_of(v.p, i));
	return v;
}

/*
 * ARIN: "NetRange:" starts a network's group: its own lines, then its
 * organisation or customer and their contacts.  With "n + addr" ARIN
 * lists the parent and the child networks; the narrowest one wins.
 */

static const struct {
	const char *key;
	int	 handle;	/* the value ends in "(HANDLE)" */
} arin_org[] = {
	{ "OrgName", 0 },	/* the organisation section */
	{ "CustName", 0 },	/* a reassignment's customer section */
	{ "Organization", 1 },	/* the network's own line */
	{ "Customer", 1 },
};

/* The network's own abuse contact before its organisation's. */
static const char *const arin_abuse[] = {
	"RAbuseEmail", "OrgAbuseEmail", "AbuseEmail"
};

/*
 * The next section in c: from a line opens() takes to the next such
 * line (the groups of an ARIN answer, the records of a national
 * registry's).  0 when there is none.
 */
static int
section_next(struct cursor *c, int (*opens)(const struct line *,
    const void *), const void *arg, struct span *sec)
{
	struct line l;
	const char *start = NULL;

	while (c->p < c->end) {
		const char *at = c->p, *next = line_read(at, c->end, &l);

		if (opens(&l, arg)) {
			if (start != NULL)
				break;
			start = at;
		}
		c->p = next;
	}
	if (start == NULL)
		return 0;
	*sec = span_of(start, (size_t)(c->p - start));
	return 1;
}

static int
starts_netrange(const struct line *l, const void *arg)
{
	(void)arg;
	return l->type == L_ATTR && is(l->key, "NetRange");
}

/* The next group in c: from a NetRange line to the next one. */
static int
group_next(struct cursor *c, struct span *group)
{
	return section_next(c, starts_netrange, NULL, group);
}

static int
arin_best(struct span text, struct span *best, struct netrange *r)
{
	struct cursor c = { text.p, text.p + text.n };
	struct span g, v;
	struct netrange cand;
	int have = 0;

	while (group_next(&c, &g))
		if (get(g, "NetRange", &v) && range_parse(v, &cand) == 0 &&
		    (!have || narrower(&cand, r))) {
			*best = g;
			*r = cand;
			have = 1;
		}
	return have;
}

static int
cidr_sep(char c)
{
	return c == ',' || (unsigned char)c <= ' ';
}

/* ARIN's "CIDR: a/n, b/m" in canonical form; 0 if any part is not one. */
static size_t
arin_cidrs(struct span v, char *buf, size_t len)
{
	size_t out = 0, i = 0;

	while (i < v.n) {
		char tok[64], tmp[IP_STRLEN + 5];
		size_t n = 0, tn;
		struct ip net;
		unsigned plen;

		while (i < v.n && cidr_sep(v.p[i]))
			i++;
		while (i < v.n && !cidr_sep(v.p[i])) {
			if (n == sizeof(tok) - 1)
				return 0;
			tok[n++] = v.p[i++];
		}
		if (n == 0)
			break;
		tok[n] = '\0';
		if (ip_net_parse(tok, &net, &plen) == -1)
			return 0;
		tn = ip_net_format(&net, plen, tmp);
		if (out + (out > 0) + tn + 1 > len)
			return 0;
		if (out > 0)
			buf[out++] = ' ';
		memcpy(buf + out, tmp, tn + 1);
		out += tn;
	}
	return out;
}

static void
arin_org_of(struct span g, struct span *org)
{
	for (size_t i = 0; i < nitems(arin_org); i++)
		if (get(g, arin_org[i].key, org) && org->n > 0) {
			if (arin_org[i].handle)
				*org = strip_handle(*org);
			return;
		}
}

/*
 * Is the network someone else's?  A whois:// ReferralServer, or a NetType
 * such as "Allocated to RIPE NCC" or "Early Registrations, Transferred to
 * APNIC" that names another RIR.
 */
static int
arin_referral(struct parse *x, struct span g)
{
	struct span v, host;
	enum rir other;

	if (get(g, "ReferralServer", &v) && whois_url(v, &host) == 0 &&
	    !is_self(x, RIR_ARIN, host)) {
		set_ref(x, host);
		return 1;
	}
	/* "Maintained by ARIN" names ARIN, whoever was asked. */
	if (get(g, "NetType", &v) &&
	    (other = rir_of_set(rirs_named(v), RIR_ARIN)) != RIR_NONE)
		return refer_to_rir(x, other);
	return resource_link(x, g);
}

static int
parse_arin(struct parse *x)
{
	struct found fd;
	struct span g, v;
	size_t n;

	memset(&fd, 0, sizeof(fd));
	if (!arin_best(x->text, &g, &fd.r))
		return -1;
	if (arin_referral(x, g))
		return 1;
	if (get(g, "CIDR", &v) &&
	    (n = arin_cidrs(v, fd.cidrs, sizeof(fd.cidrs))) > 0)
		fd.f[FLD_NETWORK] = span_of(fd.cidrs, n);
	else
		range_cidrs(&fd);
	get(g, "NetName", &fd.f[FLD_NET_NAME]);
	get(g, "NetType", &fd.type);
	fd.registry = RIR_ARIN;
	arin_org_of(g, &fd.f[FLD_ORG]);
	/* The net's Country if it has one, else its organisation's. */
	get(g, "Country", &v);
	fd.f[FLD_COUNTRY] = country_code(v);
	/* A customer's group often has no contacts: the parent's then. */
	if (!get_any(g, arin_abuse, nitems(arin_abuse), &fd.f[FLD_ABUSE_EMAIL]))
		get_any(x->text, arin_abuse, nitems(arin_abuse),
		    &fd.f[FLD_ABUSE_EMAIL]);
	put_found(x, &fd);
	return 0;
}

/*
 * RPSL: the network object is the narrowest inetnum or inet6num; its
 * organisation and contacts are other objects, found by handle.
 */

struct contact_ref {
	const char *ref;	/* the network's attribute naming a contact */
	const char *mail;	/* that contact's attribute with the mail */
};

static const struct rpsl_style {
	const char *name;	/* the network's name; NULL: it has none */
	const char *org_ref;	/* the network's organisation handle */
	const char *descr;	/* the org when there is no organisation */
	const char *type;	/* the network's type (allocation, ...) */
	struct contact_ref abuse[2];	/* in order of preference */
	const char *any_mail;	/* last resort: the first seen anywhere */
	enum rir registry;	/* whose dialect; RIR_NONE: see source: */
} rpsl_styles[WD_MAX] = {
	/* RIPE NCC, APNIC, AFRINIC and mirrors: versions of one database. */
	[WD_RPSL] = { "netname", "org", "descr", "status",
	    { { "abuse-c", "abuse-mailbox" }, { "mnt-irt", "abuse-mailbox" } },
	    "abuse-mailbox", RIR_NONE },
	/*
	 * LACNIC and NIC.br have no netname and no organisation objects:
	 * the owner is the org, and the name stays empty rather than say
	 * the owner twice.  Contacts are nic-hdl objects with an e-mail.
	 */
	[WD_LACNIC] = { NULL, NULL, "owner", "status",
	    { { "abuse-c", "e-mail" }, { "owner-c", "e-mail" } },
	    "e-mail", RIR_LACNIC },
};

/*
 * Whose database an RPSL object is from, by its "source:" (RIPE,
 * "AFRINIC # Filtered", a national registry's name under APNIC).
 */
static const struct {
	const char *word;
	enum rir rir;
} sources[] = {
	{ "RIPE", RIR_RIPE },
	{ "APNIC", RIR_APNIC },
	{ "AFRINIC", RIR_AFRINIC },
	{ "ARIN", RIR_ARIN },		/* mirrors (RADb) keep the source */
	{ "LACNIC", RIR_LACNIC },
	{ "JPNIC", RIR_APNIC },		/* APNIC's national registries */
	{ "KRNIC", RIR_APNIC },
	{ "TWNIC", RIR_APNIC },
	{ "IDNIC", RIR_APNIC },
	{ "CNNIC", RIR_APNIC },
	{ "VNNIC", RIR_APNIC },
	{ "IRINN", RIR_APNIC },
};

/* What servers say of themselves in comments: whose answer it is. */
static const struct {
	const char *text;
	enum rir rir;
} banners[] = {
	{ "This is the RIPE Database", RIR_RIPE },
	{ "served by the RIPE Database", RIR_RIPE },
	{ "[whois.apnic.net]", RIR_APNIC },
	{ "served by the APNIC", RIR_APNIC },
	{ "This is the AfriNIC Whois", RIR_AFRINIC },
	{ "served by the AfriNIC", RIR_AFRINIC },
	{ "ARIN WHOIS data", RIR_ARIN },
};

/* An object's "source:": whose database it comes from. */
static enum rir
source_of(struct span obj)
{
	struct span v;
	size_t n = 0;

	if (!get(obj, "source", &v))
		return RIR_NONE;
	while (n < v.n && alnum((unsigned char)v.p[n]))
		n++;
	for (size_t i = 0; i < nitems(sources); i++)
		if (span_eq(span_of(v.p, n), sources[i].word,
		    strlen(sources[i].word)))
			return sources[i].rir;
	return RIR_NONE;
}

/* Attributes that name a contact object besides its first one. */
static const char *const handle_keys[] = { "nic-hdl", "nic-hdl-br" };

/*
 * Netnames and descr/remarks phrases of placeholder objects: a registry
 * saying that the address is not in its database.  Sources: RIPE NCC,
 * APNIC and AFRINIC answers for other RIRs' space, FreeBSD whois(1).
 */
static const struct placeholder {
	const char *name;
	enum rir own;	/* whose database: named in it, it is not a referral */
} placeholder_names[] = {
	{ "IANA-BLK", RIR_RIPE },		/* RIPE, AFRINIC: everything */
	{ "IANA-BLOCK", RIR_NONE },
	{ "NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK", RIR_RIPE },
	{ "ERX-NETBLOCK", RIR_APNIC },		/* early registrations */
}, placeholder_name_prefixes[] = {
	{ "IANA-NETBLOCK-", RIR_APNIC },	/* APNIC: "IANA-NETBLOCK-8" */
};
static const char *const placeholder_phrases[] = {
	"not allocated to",	/* APNIC: "...is not allocated to APNIC" */
	"not allocated by",
	"not managed by",	/* RIPE: "...not managed by the RIPE NCC" */
	"not administered by",
	"not registered in",
	"please query",		/* AFRINIC: "...region. Please query" */
};

/* The object in text whose name or nic-hdl is handle. */
static int
object_by_handle(struct span text, struct span handle, struct span *obj)
{
	struct objects it;
	struct span o, ab, k, v;

	handle = trim(handle);
	if (handle.n == 0)
		return 0;
	objects_init(&it, text);
	while (object_next(&it, &o, &ab)) {
		int hit;

		object_head(o, &k, &v);
		hit = span_eq(v, handle.p, handle.n);
		for (size_t i = 0; !hit && i < nitems(handle_keys); i++)
			hit = get(o, handle_keys[i], &v) &&
			    span_eq(v, handle.p, handle.n);
		if (hit) {
			*obj = o;
			return 1;
		}
	}
	return 0;
}

/* The value of key in the object that net's attribute ref names. */
static int
referenced(struct span text, struct span net, const char *ref,
    const char *key, struct span *val)
{
	struct span h, o;

	return get(net, ref, &h) && object_by_handle(text, h, &o) &&
	    get(o, key, val) && val->n > 0;
}

static int
first_anywhere(struct span text, const char *key, struct span *val)
{
	return get(text, key, val) && val->n > 0;
}

static int
rpsl_best(struct span text, struct span *best, struct span *abuse,
    struct netrange *r)
{
	struct objects it;
	struct span o, ab, k, v;
	struct netrange cand;
	int have = 0;

	objects_init(&it, text);
	while (object_next(&it, &o, &ab)) {
		object_head(o, &k, &v);
		if (!is(k, "inetnum") && !is(k, "inet6num"))
			continue;
		if (range_parse(v, &cand) == -1 || (have && !narrower(&cand, r)))
			continue;
		*best = o;
		*abuse = ab;
		*r = cand;
		have = 1;
	}
	return have;
}

/* Is name a placeholder's?  Then *own is whose database says it. */
static int
placeholder_name(struct span name, enum rir *own)
{
	for (size_t i = 0; i < nitems(placeholder_names); i++)
		if (is(name, placeholder_names[i].name)) {
			*own = placeholder_names[i].own;
			return 1;
		}
	for (size_t i = 0; i < nitems(placeholder_name_prefixes); i++)
		if (starts(name, placeholder_name_prefixes[i].name)) {
			*own = placeholder_name_prefixes[i].own;
			return 1;
		}
	return 0;
}

/*
 * Is the network a placeholder?  Then it names the registries its
 * descr and remarks mention, in *named, less the one whose database
 * it is in ("not in the RIPE database" points nowhere).
 */
static int
placeholder(struct span obj, const struct netrange *r, unsigned *named)
{
	struct cursor c = { obj.p, obj.p + obj.n };
	struct span k, v;
	enum rir own = source_of(obj);
	int hit = whole_space(r);

	*named = 0;
	while (attr_next(&c, &k, &v)) {
		enum rir by = RIR_NONE;

		if (is(k, "netname") && placeholder_name(v, &by)) {
			hit = 1;
			if (own == RIR_NONE)
				own = by;
		}
		if (!is(k, "descr") && !is(k, "remarks"))
			continue;
		*named |= rirs_named(v);
		for (size_t i = 0; i < nitems(placeholder_phrases); i++)
			if (find(v, placeholder_phrases[i]) >= 0)
				hit = 1;
	}
	*named &= ~(1u << own);
	return hit;
}

/*
 * LACNIC's joint whois relays other registries' answers under a line
 * "% ARIN resource: whois.arin.net": whose answer it is, when the
 * objects do not say.
 */
static enum rir
relayed(struct span text)
{
	static const char tag[] = " resource:";
	struct cursor c = { text.p, text.p + text.n };
	struct line l;

	while (c.p < c.end) {
		long at;
		size_t from;
		struct span host;

		c.p = line_read(c.p, c.end, &l);
		if (l.type != L_COMMENT || (at = find(l.text, tag)) < 0)
			continue;
		from = (size_t)at + sizeof(tag) - 1;
		host = trim(span_of(l.text.p + from, l.text.n - from));
		return rir_by_whois_host(host.p, host.n);
	}
	return RIR_NONE;
}

/* The registry a server's comments name as the one answering. */
static enum rir
banner(struct span text)
{
	struct cursor c = { text.p, text.p + text.n };
	struct line l;

	while (c.p < c.end) {
		c.p = line_read(c.p, c.end, &l);
		if (l.type != L_COMMENT)
			continue;
		for (size_t i = 0; i < nitems(banners); i++)
			if (find(l.text, banners[i].text) >= 0)
				return banners[i].rir;
	}
	return relayed(text);
}

static void
rpsl_org(const struct parse *x, const struct rpsl_style *st, struct span net,
    struct span *org)
{
	struct span d;

	if (st->org_ref != NULL &&
	    referenced(x->text, net, st->org_ref, "org-name", org))
		return;
	/* The first descr line, not all of them: the rest is an address. */
	if (get(net, st->descr, &d) && d.n > 0) {
		struct span first = d;

		for (size_t i = 0; i < d.n; i++)
			if (d.p[i] == '\n' || d.p[i] == '\r') {
				first.n = i;
				break;
			}
		*org = trim(first);
		return;
	}
	if (st->org_ref != NULL)
		first_anywhere(x->text, "org-name", org);
}

static void
rpsl_country(const struct parse *x, const struct rpsl_style *st,
    struct span net, struct span *cc)
{
	struct span v;

	if (!(get(net, "country", &v) && v.n > 0) && st->org_ref != NULL)
		referenced(x->text, net, st->org_ref, "country", &v);
	*cc = country_code(v);
}

/* The printed abuse contact, the referenced ones, then any at all. */
static void
rpsl_abuse(const struct parse *x, const struct rpsl_style *st,
    struct span net, struct span comment, struct span *mail)
{
	if (comment.n > 0) {
		*mail = comment;
		return;
	}
	for (size_t i = 0; i < nitems(st->abuse); i++)
		if (st->abuse[i].ref != NULL && referenced(x->text, net,
		    st->abuse[i].ref, st->abuse[i].mail, mail))
			return;
	first_anywhere(x->text, st->any_mail, mail);
}

static int
parse_rpsl(struct parse *x)
{
	const struct rpsl_style *st = &rpsl_styles[x->wi->dialect];
	struct found fd;
	struct span net, comment;
	unsigned named;

	memset(&fd, 0, sizeof(fd));
	if (!rpsl_best(x->text, &net, &comment, &fd.r))
		return -1;
	/* A placeholder is never an answer: at most it says whose it is. */
	if (placeholder(net, &fd.r, &named))
		return refer_to_rir(x, rir_of_set(named,
		    x->wi->registry != RIR_NONE ? x->wi->registry : x->rir));
	range_cidrs(&fd);
	if (st->name != NULL)
		get(net, st->name, &fd.f[FLD_NET_NAME]);
	get(net, st->type, &fd.type);
	fd.registry = st->registry != RIR_NONE ? st->registry : source_of(net);
	rpsl_org(x, st, net, &fd.f[FLD_ORG]);
	rpsl_country(x, st, net, &fd.f[FLD_COUNTRY]);
	rpsl_abuse(x, st, net, comment, &fd.f[FLD_ABUSE_EMAIL]);
	put_found(x, &fd);
	return 0;
}

/*
 * The national registries: loose "Key : value" lines (KRNIC, TWNIC) or
 * "a. [Key]  value" (JPNIC), Japanese or Korean keys beside English
 * ones.  A network's record starts at one of its start keys and runs to
 * the next; the narrowest network wins, English before the local
 * language when both give the same range.
 */

/* A line's key and value: "Key: value", "Key Name : value", "[Key] v". */
static int
loose_attr(struct span t, struct span *key, struct span *val)
{
	struct span s = trim(t);
	const char *c;

	if (s.n >= 3 && lower((unsigned char)s.p[0]) >= 'a' &&
	    lower((unsigned char)s.p[0]) <= 'z' && s.p[1] == '.' &&
	    s.p[2] == ' ')
		s = trim(span_of(s.p + 3, s.n - 3));
	if (s.n > 0 && s.p[0] == '[') {
		if ((c = memchr(s.p, ']', s.n)) == NULL)
			return 0;
		*key = trim(span_of(s.p + 1, (size_t)(c - s.p - 1)));
		*val = trim(span_of(c + 1, (size_t)(s.p + s.n - c - 1)));
		return key->n > 0;
	}
	if ((c = memchr(s.p, ':', s.n)) == NULL)
		return 0;
	*key = trim(span_of(s.p, (size_t)(c - s.p)));
	*val = trim(span_of(c + 1, (size_t)(s.p + s.n - c - 1)));
	return key->n > 0;
}

#define KEYS_MAX	4

static const struct nir_style {
	const char *start[KEYS_MAX];	/* the first line of a network */
	const char *range[KEYS_MAX];	/* its addresses */
	const char *name[KEYS_MAX];
	const char *org[KEYS_MAX];	/* English first */
	const char *type[KEYS_MAX];	/* a value that is the type */
	const char *dated[KEYS_MAX];	/* or a date key that tells it */
	const char *dated_as[KEYS_MAX];	/* ... as this text */
	const char *abuse_mail[KEYS_MAX]; /* a mail after an abuse heading */
	const char *cc;			/* the registry's country */
	int	 org_after;		/* TWNIC: the holder's line, unkeyed */
} nir_styles[WD_MAX] = {
	/* JPNIC, "whois -h whois.nic.ad.jp ADDR[/e]". */
	[WD_JPNIC] = {
	    { "Network Number", "IPネットワークアドレス", "ネットワーク番号" },
	    { "Network Number", "IPネットワークアドレス", "ネットワーク番号" },
	    { "Network Name", "ネットワーク名" },
	    { "Organization", "組織名" },
	    { NULL },
	    { "Allocated Date", "割振年月日", "Assigned Date", "割当年月日" },
	    { "ALLOCATED", "ALLOCATED", "ASSIGNED", "ASSIGNED" },
	    { NULL }, "JP", 0 },
	/* KRNIC (KISA), whois.kisa.or.kr: Korean, then English. */
	[WD_KRNIC] = {
	    { "IPv4 Address", "IPv6 Address", "IPv4주소", "IPv6주소" },
	    { "IPv4 Address", "IPv6 Address", "IPv4주소", "IPv6주소" },
	    { "Service Name", "서비스명" },
	    { "Organization Name", "기관명" },
	    { "Network Type", "네트워크 구분" },
	    { NULL }, { NULL },
	    { "E-Mail", "전자우편" }, "KR", 0 },
	/* TWNIC, whois.twnic.net.tw. */
	[WD_TWNIC] = {
	    { "Netname" }, { "Netblock" }, { "Netname" }, { NULL }, { NULL },
	    { NULL }, { NULL }, { NULL }, "TW", 1 },
};

static int
key_in(struct span k, const char *const *keys)
{
	for (size_t i = 0; i < KEYS_MAX && keys[i] != NULL; i++)
		if (is(k, keys[i]))
			return (int)i + 1;
	return 0;
}

static int
starts_record(const struct line *l, const void *arg)
{
	const struct nir_style *st = arg;
	struct span k, v;

	return loose_attr(l->text, &k, &v) && key_in(k, st->start);
}

/* The next record: from a start line to the next start line. */
static int
record_next(const struct nir_style *st, struct cursor *c, struct span *rec)
{
	return section_next(c, starts_record, st, rec);
}

/* The first value in rec of any of keys; with *at, where its line ends. */
static int
loose_get(struct span rec, const char *const *keys, struct span *val,
    const char **at)
{
	struct cursor c = { rec.p, rec.p + rec.n };
	struct line l;
	struct span k;

	for (size_t i = 0; i < KEYS_MAX && keys[i] != NULL; i++) {
		c.p = rec.p;
		while (c.p < c.end) {
			c.p = line_read(c.p, c.end, &l);
			if (loose_attr(l.text, &k, val) && is(k, keys[i]) &&
			    val->n > 0) {
				if (at != NULL)
					*at = c.p;
				return 1;
			}
		}
	}
	*val = span_of(NULL, 0);
	return 0;
}

/* "115.0.0.0 - 115.23.255.255 (/12+/13)": the range without the note. */
static int
nir_range(const struct nir_style *st, struct span rec, struct netrange *r,
    const char **after)
{
	struct span v;
	const char *paren;

	if (!loose_get(rec, st->range, &v, after))
		return -1;
	if ((paren = memchr(v.p, '(', v.n)) != NULL)
		v.n = (size_t)(paren - v.p);
	return range_parse(v, r);
}

/* Is rec in English (its first key all ASCII)? */
static int
english(struct span rec)
{
	struct span k, v;
	struct line l;

	line_read(rec.p, rec.p + rec.n, &l);
	if (!loose_attr(l.text, &k, &v))
		return 0;
	for (size_t i = 0; i < k.n; i++)
		if ((unsigned char)k.p[i] >= 0x80)
			return 0;
	return 1;
}

static int
nir_best(const struct nir_style *st, struct span text, struct span *best,
    struct netrange *r)
{
	struct cursor c = { text.p, text.p + text.n };
	struct span rec;
	struct netrange cand;
	int have = 0;

	while (record_next(st, &c, &rec)) {
		if (nir_range(st, rec, &cand, NULL) == -1)
			continue;
		if (have && !narrower(&cand, r) && !(!narrower(r, &cand) &&
		    english(rec) && !english(*best)))
			continue;
		*best = rec;
		*r = cand;
		have = 1;
	}
	return have;
}

/* TWNIC: the holder is the first unkeyed line after the range. */
static void
org_after(struct span rec, const char *from, struct span *org)
{
	struct cursor c = { from, rec.p + rec.n };
	struct line l;
	struct span k, v;

	while (c.p < c.end) {
		c.p = line_read(c.p, c.end, &l);
		if (trim(l.text).n == 0)
			continue;
		if (!loose_attr(l.text, &k, &v)) {
			*org = trim(l.text);
			return;
		}
	}
}

/* A mail under a heading that says "abuse" ("[ ... Abuse Contact ... ]"). */
static void
nir_abuse(const struct nir_style *st, struct span rec, struct span *mail)
{
	struct cursor c = { rec.p, rec.p + rec.n };
	struct line l;
	struct span k, v, t;
	int under = 0;

	while (st->abuse_mail[0] != NULL && c.p < c.end) {
		c.p = line_read(c.p, c.end, &l);
		t = trim(l.text);
		if (t.n > 0 && t.p[0] == '[')
			under = find(t, "abuse") >= 0;
		else if (under && loose_attr(t, &k, &v) &&
		    key_in(k, st->abuse_mail) && v.n > 0) {
			*mail = v;
			return;
		}
	}
}

static void
nir_type(const struct nir_style *st, struct span rec, struct span *type)
{
	struct span v;

	if (loose_get(rec, st->type, type, NULL))
		return;
	for (size_t i = 0; i < KEYS_MAX && st->dated[i] != NULL; i++) {
		const char *one[KEYS_MAX] = { st->dated[i] };

		if (loose_get(rec, one, &v, NULL)) {
			*type = span_of(st->dated_as[i],
			    strlen(st->dated_as[i]));
			return;
		}
	}
}

static int
parse_nir(struct parse *x)
{
	const struct nir_style *st = &nir_styles[x->wi->dialect];
	struct found fd;
	struct span rec;
	const char *after = NULL;

	memset(&fd, 0, sizeof(fd));
	if (!nir_best(st, x->text, &rec, &fd.r))
		return -1;
	nir_range(st, rec, &fd.r, &after);
	range_cidrs(&fd);
	loose_get(rec, st->name, &fd.f[FLD_NET_NAME], NULL);
	if (st->org_after)
		org_after(rec, after, &fd.f[FLD_ORG]);
	else
		loose_get(rec, st->org, &fd.f[FLD_ORG], NULL);
	fd.f[FLD_COUNTRY] = span_of(st->cc, strlen(st->cc));
	/* A customer's record has none: its ISP's abuse desk, then. */
	nir_abuse(st, rec, &fd.f[FLD_ABUSE_EMAIL]);
	if (fd.f[FLD_ABUSE_EMAIL].n == 0)
		nir_abuse(st, x->text, &fd.f[FLD_ABUSE_EMAIL]);
	nir_type(st, rec, &fd.type);
	fd.registry = RIR_APNIC;	/* the national registries' RIR */
	put_found(x, &fd);
	return 0;
}

/*
 * Telling the dialect: each key that only one dialect writes counts for
 * it, the surest ones more.  Keys compare exactly: ARIN's "NetName",
 * RPSL's "netname" and TWNIC's "Netname" are three dialects' words.
 */
static const struct marker {
	const char *key;
	enum whois_dialect d;
	int	 weight;
} markers[] = {
	{ "NetRange", WD_ARIN, 4 },
	{ "CIDR", WD_ARIN, 2 },
	{ "NetName", WD_ARIN, 2 },
	{ "NetHandle", WD_ARIN, 2 },
	{ "OrgName", WD_ARIN, 2 },
	{ "CustName", WD_ARIN, 2 },
	{ "inetnum", WD_RPSL, 2 },
	{ "inet6num", WD_RPSL, 2 },
	{ "netname", WD_RPSL, 2 },
	{ "org", WD_RPSL, 1 },
	{ "abuse-c", WD_RPSL, 1 },
	{ "mnt-by", WD_RPSL, 1 },
	{ "organisation", WD_RPSL, 1 },
	{ "inetnum", WD_LACNIC, 1 },
	{ "owner", WD_LACNIC, 4 },
	{ "ownerid", WD_LACNIC, 4 },
	{ "owner-c", WD_LACNIC, 1 },
	{ "inetrev", WD_LACNIC, 1 },
	{ "nic-hdl-br", WD_LACNIC, 1 },
	{ "Network Number", WD_JPNIC, 4 },
	{ "IPネットワークアドレス", WD_JPNIC, 4 },
	{ "ネットワーク番号", WD_JPNIC, 4 },
	{ "Network Name", WD_JPNIC, 2 },
	{ "ネットワーク名", WD_JPNIC, 2 },
	{ "IPv4 Address", WD_KRNIC, 4 },
	{ "IPv6 Address", WD_KRNIC, 4 },
	{ "IPv4주소", WD_KRNIC, 4 },
	{ "IPv6주소", WD_KRNIC, 4 },
	{ "Organization Name", WD_KRNIC, 2 },
	{ "Network Type", WD_KRNIC, 2 },
	{ "Netblock", WD_TWNIC, 4 },
	{ "Netname", WD_TWNIC, 2 },
};

static const char *const dialect_names[WD_MAX] = {
	[WD_NONE] = "none", [WD_ARIN] = "arin", [WD_RPSL] = "rpsl",
	[WD_LACNIC] = "lacnic", [WD_JPNIC] = "jpnic", [WD_KRNIC] = "krnic",
	[WD_TWNIC] = "twnic",
};

const char *
whois_dialect_name(enum whois_dialect d)
{
	return d < WD_MAX ? dialect_names[d] : "none";
}

static int
key_exact(struct span k, const char *t)
{
	size_t n = strlen(t);

	return k.n == n && memcmp(k.p, t, n) == 0;
}

enum whois_dialect
whois_dialect(const char *text, size_t len)
{
	struct cursor c = { text, text + len };
	struct line l;
	struct span k, v;
	int score[WD_MAX] = { 0 };
	enum whois_dialect best = WD_NONE;

	while (c.p < c.end) {
		c.p = line_read(c.p, c.end, &l);
		if (l.type == L_COMMENT) {
			/* RIPE's and AFRINIC's printed abuse contact. */
			if (find(l.text, "Abuse contact for") >= 0)
				score[WD_RPSL] += 2;
			continue;
		}
		if (l.type == L_BLANK || !loose_attr(l.text, &k, &v))
			continue;
		for (size_t i = 0; i < nitems(markers); i++)
			if (key_exact(k, markers[i].key))
				score[markers[i].d] += markers[i].weight;
	}
	for (int d = WD_NONE + 1; d < WD_MAX; d++)
		if (score[d] > score[best])
			best = (enum whois_dialect)d;
	return best;
}

/* One parser per dialect. */
static int (*const parsers[WD_MAX])(struct parse *) = {
	[WD_ARIN] = parse_arin,
	[WD_RPSL] = parse_rpsl,
	[WD_LACNIC] = parse_rpsl,
	[WD_JPNIC] = parse_nir,
	[WD_KRNIC] = parse_nir,
	[WD_TWNIC] = parse_nir,
};

/* Notices: what an answer without a network says instead. */

static const struct notice {
	const char *text;	/* in a comment or loose line, any case */
	enum status status;
} notices[] = {
	/* RIPE database software (RIPE NCC, APNIC, AFRINIC). */
	{ "%ERROR:201", ST_RATE_LIMITED },	/* access denied */
	{ "%ERROR:202", ST_RATE_LIMITED },	/* access control limit */
	{ "%ERROR:208", ST_RATE_LIMITED },	/* too many connections */
	{ "access denied", ST_RATE_LIMITED },
	{ "temporarily denied", ST_RATE_LIMITED },
	{ "maximum number of connections", ST_RATE_LIMITED },
	/* LACNIC: "% Query rate limit exceeded[. Reduced information.]" */
	{ "rate limit exceeded", ST_RATE_LIMITED },
	{ "permission denied", ST_RATE_LIMITED },
	/* ARIN. */
	{ "query rate exceeded", ST_RATE_LIMITED },
	{ "%ERROR:101", ST_NOT_FOUND },		/* no entries found */
	{ "no entries found", ST_NOT_FOUND },
	{ "No match found", ST_NOT_FOUND },	/* ARIN */
	{ "No match for", ST_NOT_FOUND },
};

static int
notice(struct span text, enum status st)
{
	struct cursor c = { text.p, text.p + text.n };
	struct line l;

	while (c.p < c.end) {
		c.p = line_read(c.p, c.end, &l);
		if (l.type != L_COMMENT && l.type != L_OTHER)
			continue;
		for (size_t i = 0; i < nitems(notices); i++)
			if (notices[i].status == st &&
			    find(l.text, notices[i].text) >= 0)
				return 1;
	}
	return 0;
}

/* Failure: the reason goes where the referral would. */
static int
fail(struct parse *x, struct span why)
{
	if (x->reflen > 0) {
		size_t n = why.n < x->reflen ? why.n : x->reflen - 1;

		memcpy(x->ref, why.p, n);
		x->ref[n] = '\0';
	}
	return -1;
}

static int
fail_str(struct parse *x, const char *why)
{
	return fail(x, span_of(why, strlen(why)));
}

/* An error line from the server ("%ERROR:108: bad character in input"). */
static int
error_line(struct span text, struct span *why)
{
	struct cursor c = { text.p, text.p + text.n };
	struct line l;

	while (c.p < c.end) {
		c.p = line_read(c.p, c.end, &l);
		if (starts(l.text, "%ERROR:")) {
			*why = trim(l.text);
			return 1;
		}
	}
	return 0;
}

static int
status_only(struct parse *x, enum status st)
{
	x->a->status = (uint8_t)st;
	x->a->source = SRC_WHOIS;
	return 0;
}

/*
 * Map one whois answer from rir's server to report fields; rir is only
 * who was asked (RIR_NONE: a server of no registry), the answer's own
 * dialect says how to read it.
 *
 * Returns 0 when the answer says something final: a network (fields set,
 * status ST_OK, *net its range), no such address (ST_NOT_FOUND), or a
 * refusal (ST_RATE_LIMITED).  Returns 1 when the address is someone
 * else's: referral holds "host" or "host:port" to ask next, or "" when
 * the answer does not say whose it is (try the next registry).  Returns
 * -1 when the answer is not usable; then referral holds the reason, as
 * text for a message (the caller reads referral as a host only on 1).
 * With reflen > 0, referral is always a string, "" unless said above.
 * *wi says the dialect, whose answer it is (on 0 and 1, when the answer
 * tells) and the network's type.
 */
int
whois_parse_info(enum rir rir, const char *text, size_t len,
    struct answer *a, struct netrange *net, struct whois_info *wi,
    char *referral, size_t reflen)
{
	struct parse x = { rir, { text, len }, a, net, referral, reflen, wi };
	struct span body = trim(x.text), why;
	int rc = -1;

	memset(wi, 0, sizeof(*wi));
	set_ref(&x, span_of(NULL, 0));
	if ((unsigned)rir >= RIR_MAX)
		return fail_str(&x, "no such registry");
	if (body.n == 0)
		return fail_str(&x, "empty answer");
	if (body.p[0] == '<')
		return fail_str(&x, "not a whois answer (HTML?)");
	wi->registry = banner(x.text);
	/* A refusal wins over data: LACNIC's "Reduced information" lacks
	 * the contacts. */
	if (notice(x.text, ST_RATE_LIMITED))
		return status_only(&x, ST_RATE_LIMITED);
	wi->dialect = whois_dialect(text, len);
	if (parsers[wi->dialect] != NULL)
		rc = parsers[wi->dialect](&x);
	if (rc != -1)
		return rc;
	if (notice(x.text, ST_NOT_FOUND))
		return status_only(&x, ST_NOT_FOUND);
	if (error_line(x.text, &why))
		return fail(&x, why);
	return fail_str(&x, "no network in the answer");
}

int
whois_parse(enum rir rir, const char *text, size_t len, struct answer *a,
    struct netrange *net, char *referral, size_t reflen)
{
	struct whois_info wi;

	return whois_parse_info(rir, text, len, a, net, &wi, referral, reflen);
}
