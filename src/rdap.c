/*
 * RDAP answers for IP networks (RFC 9083) into report fields: bytes in,
 * fields and the network's range out.  The HTTP side lives elsewhere.
 *
 * Everything in an answer is untrusted: every json_t is type-checked
 * before use, and text goes in through answer_set(), which cleans it.
 * Registries bend the RFC in ways this file must live with: ARIN's
 * zero-padded IPv4 and upper-case IPv6, RIPE's "/32" on start and end
 * and its missing objectClassName, LACNIC echoing the query as start and
 * end, AFRINIC entities without roles, roles joined into one string.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ipwhois.h"

#define ENTITY_DEPTH	8	/* levels of nested entities followed */
#define ENTITY_MAX	256	/* entities looked at in one answer */

/* The fields an RDAP answer fills; the others belong to other sources. */
static const enum field rdap_fields[] = {
	FLD_NETWORK, FLD_NET_NAME, FLD_ORG, FLD_COUNTRY, FLD_ABUSE_EMAIL,
	FLD_NET_TYPE,
};

/* The network's entities in breadth-first order, with their depth. */
struct entities {
	const json_t *e[ENTITY_MAX];
	unsigned char depth[ENTITY_MAX];
	size_t	 n;
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * jansson refuses invalid UTF-8 anywhere, but registries have served
 * Latin-1 names.  The cleaner the fields go through anyway makes the
 * bytes valid (bad bytes become U+FFFD, raw controls a space, which
 * changes nothing JSON cares about), so the answer gets a second chance.
 */
static json_t *
load_repaired(const char *json, size_t len, json_error_t *jerr)
{
	char *buf;
	size_t n;
	json_t *root;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	buf = xmalloc(3 * len + 1);
	n = text_clean(buf, json, len, 3 * len);
	root = json_loadb(buf, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, jerr);
	free(buf);
	return root;
}

static json_t *
load(const char *json, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	size_t i = 0;

	/* A byte order mark, as some Windows servers send, is not JSON. */
	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0)
		json += 3, len -= 3;
	while (i < len && is_space((unsigned char)json[i]))
		i++;
	if (i == len) {
		setmsg(err, errlen, "empty answer");
		return NULL;
	}
	/* A proxy's or a rate limiter's error page, not the registry. */
	if (json[i] == '<') {
		setmsg(err, errlen, "an HTML page, not JSON");
		return NULL;
	}
	root = json_loadb(json, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (root == NULL && json_error_code(&jerr) == json_error_invalid_utf8) {
		json_error_t again;

		root = load_repaired(json, len, &again);
	}
	if (root == NULL) {
		/* jansson quotes the bytes it stopped at: untrusted text. */
		char why[101];

		text_clean(why, jerr.text, strnlen(jerr.text, sizeof(jerr.text)),
		    sizeof(why) - 1);
		setmsg(err, errlen, "not JSON: %s", why);
		return NULL;
	}
	if (!json_is_object(root)) {
		setmsg(err, errlen, "not a JSON object");
		json_decref(root);
		return NULL;
	}
	return root;
}

/*
 * An RDAP error object (RFC 9083 section 6).  Not found and rate limited
 * are answers the report shows as such; anything else is a failure.
 */
static int
map_error(const json_t *root, struct answer *a, char *err, size_t errlen)
{
	const json_t *code = json_object_get(root, "errorCode");
	const json_t *title = json_object_get(root, "title");
	const json_t *desc = json_array_get(json_object_get(root,
	    "description"), 0);
	char why[101] = "";
	long long n = json_is_integer(code) ? json_integer_value(code) : -1;

	if (n == 404 || n == 429) {
		a->status = n == 404 ? ST_NOT_FOUND : ST_RATE_LIMITED;
		a->source = SRC_RDAP;
		return 0;
	}
	if (!json_is_string(title))
		title = desc;
	if (json_is_string(title))
		text_clean(why, json_string_value(title),
		    json_string_length(title), sizeof(why) - 1);
	if (n < 0)
		setmsg(err, errlen, "RDAP error without a code%s%s",
		    *why ? ": " : "", why);
	else
		setmsg(err, errlen, "RDAP error %lld%s%s", n, *why ? ": " : "",
		    why);
	return -1;
}

/* The first (fill 0) or the last (fill 1) address of net/plen. */
static void
net_edge(struct ip *ip, unsigned plen, int fill)
{
	for (unsigned bit = plen; bit < 128; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));

		if (fill)
			ip->b[bit / 8] |= m;
		else
			ip->b[bit / 8] &= (uint8_t)~m;
	}
}

/*
 * startAddress or endAddress.  RIPE (2015) wrote "62.239.237.0/32": a
 * host-length suffix is the address itself; any other is not an address.
 */
static int
addr_get(const json_t *v, struct ip *ip)
{
	const char *s, *slash;
	size_t n;

	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	n = json_string_length(v);
	if ((slash = memchr(s, '/', n)) != NULL) {
		const char *suf = slash + 1;
		size_t sn = (size_t)(s + n - suf);

		if (ip_parse(s, (size_t)(slash - s), ip) == -1)
			return -1;
		if (ip_is_v4(ip))
			return sn == 2 && memcmp(suf, "32", 2) == 0 ? 0 : -1;
		return sn == 3 && memcmp(suf, "128", 3) == 0 ? 0 : -1;
	}
	return ip_parse(s, n, ip);
}

/* startAddress..endAddress, if both are addresses of one family, in order. */
static int
range_get(const json_t *root, struct netrange *r)
{
	if (addr_get(json_object_get(root, "startAddress"), &r->lo) == -1 ||
	    addr_get(json_object_get(root, "endAddress"), &r->hi) == -1)
		return -1;
	if (ip_is_v4(&r->lo) != ip_is_v4(&r->hi) || ip_cmp(&r->lo, &r->hi) > 0)
		return -1;
	return 0;
}

/* One cidr0 member, {"v4prefix": "a.b.c.d", "length": n} or v6prefix. */
static int
cidr0_one(const json_t *c, struct ip *net, unsigned *plen)
{
	const json_t *v4 = json_object_get(c, "v4prefix");
	const json_t *v6 = json_object_get(c, "v6prefix");
	const json_t *p = json_is_string(v4) ? v4 : v6;
	const json_t *l = json_object_get(c, "length");
	long long len, max;

	if (!json_is_string(p) || !json_is_integer(l))
		return -1;
	if (ip_parse(json_string_value(p), json_string_length(p), net) == -1)
		return -1;
	/* A v4prefix must hold IPv4, a v6prefix IPv6. */
	if (ip_is_v4(net) != (p == v4))
		return -1;
	len = json_integer_value(l);
	max = p == v4 ? 32 : 128;
	if (len < 0 || len > max)
		return -1;
	*plen = (unsigned)(len + 128 - max);
	net_edge(net, *plen, 0);
	return 0;
}

/*
 * The cidr0 extension's prefixes, space-separated into buf (whole ones
 * only), and the range from the lowest to the highest address they hold.
 * Members that are not prefixes, or not of the first one's family, are
 * passed over.  Returns the number of prefixes used.
 */
static int
cidr0_get(const json_t *list, char *buf, size_t size, struct netrange *r)
{
	size_t i, out = 0;
	json_t *c;
	int used = 0;

	buf[0] = '\0';
	json_array_foreach(list, i, c) {
		struct ip net, last;
		unsigned plen;
		char tmp[IP_STRLEN + 5];
		size_t n;

		if (cidr0_one(c, &net, &plen) == -1 ||
		    (used > 0 && ip_is_v4(&net) != ip_is_v4(&r->lo)))
			continue;
		last = net;
		net_edge(&last, plen, 1);
		if (used == 0 || ip_cmp(&net, &r->lo) < 0)
			r->lo = net;
		if (used == 0 || ip_cmp(&last, &r->hi) > 0)
			r->hi = last;
		used++;
		n = ip_net_format(&net, plen, tmp);
		if (out + (out > 0) + n + 1 <= size) {
			if (out > 0)
				buf[out++] = ' ';
			memcpy(buf + out, tmp, n + 1);
			out += n;
		}
	}
	return used;
}

/*
 * The network: cidr0's prefixes when there are any, else the fewest
 * prefixes covering startAddress..endAddress.  The range comes from start
 * and end, unless they are unusable or a single address while cidr0
 * says more (LACNIC echoed the query as both).  Without cidr0 an echo
 * stays what it says: one address.
 */
static int
map_range(const json_t *root, struct answer *a, struct netrange *r,
    char *err, size_t errlen)
{
	char text[FIELD_MAX + 1];
	struct netrange se, c0;
	int have_se = range_get(root, &se) == 0;
	int nc0 = cidr0_get(json_object_get(root, "cidr0_cidrs"), text,
	    sizeof(text), &c0);

	/* start and end are the RFC's own members: they win a family quarrel. */
	if (have_se && nc0 > 0 && ip_is_v4(&se.lo) != ip_is_v4(&c0.lo))
		nc0 = 0;
	if (!have_se && nc0 == 0) {
		setmsg(err, errlen, "no usable address range");
		return -1;
	}
	if (nc0 > 0 && (!have_se || ip_cmp(&se.lo, &se.hi) == 0))
		*r = c0;
	else
		*r = se;
	if (nc0 == 0)
		ip_range_cidrs(&r->lo, &r->hi, text, sizeof(text));
	answer_set(a, FLD_NETWORK, text, strlen(text));
	return 0;
}

/* Push the objects of parent's "entities" array, at depth. */
static void
entities_push(struct entities *w, const json_t *parent, unsigned depth)
{
	const json_t *list = json_object_get(parent, "entities");
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e) {
		if (w->n == ENTITY_MAX)
			return;
		if (!json_is_object(e))
			continue;
		w->e[w->n] = e;
		w->depth[w->n++] = (unsigned char)depth;
	}
}

/*
 * Breadth-first, so the network's own contacts come before those of its
 * registrant (ARIN nests the abuse contact under the organisation and
 * may list another on the network itself).
 */
static void
entities_collect(const json_t *root, struct entities *w)
{
	w->n = 0;
	entities_push(w, root, 0);
	for (size_t i = 0; i < w->n; i++)
		if (w->depth[i] + 1 < ENTITY_DEPTH)
			entities_push(w, w->e[i], w->depth[i] + 1u);
}

/* Is word one of the items of s[0..n), separated by commas or spaces? */
static int
list_has(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word), i = 0;

	while (i < n) {
		size_t start;

		while (i < n && (s[i] == ',' || is_space((unsigned char)s[i])))
			i++;
		start = i;
		while (i < n && s[i] != ',' && !is_space((unsigned char)s[i]))
			i++;
		if (i - start == wl && strncasecmp(s + start, word, wl) == 0)
			return 1;
	}
	return 0;
}

/* Roles are an array of strings; some servers send one joined string. */
static int
has_role(const json_t *e, const char *role)
{
	const json_t *roles = json_object_get(e, "roles");
	size_t i;
	json_t *r;

	if (json_is_string(roles))
		return list_has(json_string_value(roles),
		    json_string_length(roles), role);
	json_array_foreach(roles, i, r)
		if (json_is_string(r) && list_has(json_string_value(r),
		    json_string_length(r), role))
			return 1;
	return 0;
}

/*
 * Set field f from the first usable property name of the entity's jCard
 * (RFC 7095: ["vcard", [[name, params, type, value], ...]]).  Returns
 * whether the field is set.
 */
static int
vcard_set(const json_t *e, const char *name, struct answer *a, enum field f)
{
	const json_t *props = json_array_get(json_object_get(e, "vcardArray"),
	    1);
	size_t i;
	json_t *p;

	json_array_foreach(props, i, p) {
		const json_t *pn = json_array_get(p, 0), *v = json_array_get(p, 3);
		const char *s;
		size_t n;

		if (!json_is_string(pn) || !json_is_string(v) ||
		    strcasecmp(json_string_value(pn), name) != 0)
			continue;
		s = json_string_value(v);
		n = json_string_length(v);
		while (n > 0 && is_space((unsigned char)*s))
			s++, n--;
		/* An email may come as a URI. */
		if (f == FLD_ABUSE_EMAIL && n >= 7 && strncasecmp(s, "mailto:",
		    7) == 0)
			s += 7, n -= 7;
		answer_set(a, f, s, n);
		if (a->field[f] != NULL)
			return 1;
	}
	return 0;
}

/* RIPE's maintainer objects carry the registrant role but name no one. */
static int
is_maintainer(const char *h, size_t n)
{
	return n >= 4 && strncasecmp(h + n - 4, "-MNT", 4) == 0;
}

/* AFRINIC leaves roles out: an ORG-... handle is the organisation. */
static int
is_org_handle(const json_t *e)
{
	const json_t *h = json_object_get(e, "handle");

	return json_object_get(e, "roles") == NULL && json_is_string(h) &&
	    strncasecmp(json_string_value(h), "ORG-", 4) == 0;
}

/*
 * The organisation: the name on the first registrant's vCard, or on an
 * organisation's that has no roles at all.  RIPE lists its organisation
 * objects by handle alone, with no vCard: that handle (ORG-...) beats an
 * empty column.
 */
static void
map_org(const struct entities *w, struct answer *a)
{
	for (size_t i = 0; i < w->n; i++)
		if (has_role(w->e[i], "registrant") &&
		    vcard_set(w->e[i], "fn", a, FLD_ORG))
			return;
	for (size_t i = 0; i < w->n; i++)
		if (is_org_handle(w->e[i]) &&
		    vcard_set(w->e[i], "fn", a, FLD_ORG))
			return;
	for (size_t i = 0; i < w->n; i++) {
		const json_t *h = json_object_get(w->e[i], "handle");

		if (!has_role(w->e[i], "registrant") || !json_is_string(h) ||
		    is_maintainer(json_string_value(h), json_string_length(h)))
			continue;
		answer_set(a, FLD_ORG, json_string_value(h),
		    json_string_length(h));
		if (a->field[FLD_ORG] != NULL)
			return;
	}
}

/* The first email of the first abuse contact that has one. */
static void
map_abuse(const struct entities *w, struct answer *a)
{
	for (size_t i = 0; i < w->n; i++)
		if (has_role(w->e[i], "abuse") &&
		    vcard_set(w->e[i], "email", a, FLD_ABUSE_EMAIL))
			return;
}

static void
set_string(struct answer *a, enum field f, const json_t *v)
{
	if (json_is_string(v))
		answer_set(a, f, json_string_value(v), json_string_length(v));
}

/*
 * The registry that holds the network, by the whois server its answer
 * names: after a redirect (a block transferred between registries) it is
 * not the one IANA's table gives.  RIR_NONE when it names none we know.
 */
static enum rir
registry_of(const json_t *root)
{
	const json_t *p = json_object_get(root, "port43");

	if (!json_is_string(p))
		return RIR_NONE;
	return rir_by_whois_host(json_string_value(p), json_string_length(p));
}

static int
map_network(const json_t *root, struct answer *a, struct netrange *r,
    char *err, size_t errlen)
{
	const json_t *cls = json_object_get(root, "objectClassName");
	struct entities w;

	/* RIPE (2015) left objectClassName out; a wrong one is another object. */
	if (cls != NULL && (!json_is_string(cls) ||
	    strcasecmp(json_string_value(cls), "ip network") != 0)) {
		setmsg(err, errlen, "not an ip network object");
		return -1;
	}
	if (map_range(root, a, r, err, errlen) == -1)
		return -1;
	set_string(a, FLD_NET_NAME, json_object_get(root, "name"));
	set_string(a, FLD_COUNTRY, json_object_get(root, "country"));
	/* RFC 9083 5.4: "a string containing an RIR-specific classification
	 * of the network", e.g. ARIN's "DIRECT ALLOCATION". */
	set_string(a, FLD_NET_TYPE, json_object_get(root, "type"));
	a->registry = (uint8_t)registry_of(root);
	entities_collect(root, &w);
	map_org(&w, a);
	map_abuse(&w, a);
	return 0;
}

/*
 * Map an RDAP answer: 0 with a filled (status ok, or not-found and
 * rate-limited for those error objects) and net set on an ip network;
 * -1 with a reason in err for anything else, a left as it was.  The kind
 * is the caller's, and so is the registry unless the answer names one.
 */
int
rdap_map(const char *json, size_t len, struct answer *a, struct netrange *net,
    char *err, size_t errlen)
{
	struct answer tmp;
	struct netrange r;
	json_t *root;
	int rc;

	setmsg(err, errlen, "%s", "");
	if ((root = load(json, len, err, errlen)) == NULL)
		return -1;
	if (json_object_get(root, "errorCode") != NULL) {
		rc = map_error(root, a, err, errlen);
		json_decref(root);
		return rc;
	}
	/* Fields go to a scratch answer first: a failure changes nothing. */
	memset(&tmp, 0, sizeof(tmp));
	rc = map_network(root, &tmp, &r, err, errlen);
	json_decref(root);
	if (rc == -1) {
		answer_clear(&tmp);
		return -1;
	}
	for (size_t i = 0; i < sizeof(rdap_fields) / sizeof(rdap_fields[0]);
	    i++) {
		free(a->field[rdap_fields[i]]);
		a->field[rdap_fields[i]] = tmp.field[rdap_fields[i]];
	}
	if (tmp.registry != RIR_NONE)
		a->registry = tmp.registry;
	a->status = ST_OK;
	a->source = SRC_RDAP;
	if (net != NULL)
		*net = r;
	return 0;
}
