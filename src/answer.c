/*
 * What a lookup says about an address: the descriptive half of a report
 * row.  Text from registries is untrusted: it is cleaned once, here, on
 * the way in, so every output format can rely on it.
 */
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

static const char *const status_names[ST_MAX] = {
	[ST_OK] = "ok",
	[ST_NOT_FOUND] = "not-found",
	[ST_TIMEOUT] = "timeout",
	[ST_RATE_LIMITED] = "rate-limited",
	[ST_ERROR] = "error",
};

static const char *const source_names[SRC_MAX] = {
	[SRC_NONE] = "",
	[SRC_RDAP] = "rdap",
	[SRC_WHOIS] = "whois",
	[SRC_CACHE] = "cache",
	[SRC_BUILTIN] = "builtin",
	[SRC_DB] = "db",
};

const char *
status_name(enum status s)
{
	return s < ST_MAX ? status_names[s] : "error";
}

const char *
source_name(enum source s)
{
	return s < SRC_MAX ? source_names[s] : "";
}

/*
 * Each registry's words for a network's type: RDAP "type" (RFC 9083
 * 5.4), whois NetType (ARIN) and status (RPSL, LACNIC).  Compared with
 * case, '-', '_' and runs of spaces folded: "ALLOCATED-BY-RIR" and
 * "Allocated by RIR" are one.  An allocation is a block its holder may
 * hand out in parts, so an address inside it may belong to a customer
 * the registry knows of; an assignment is used by its holder.
 */
static const struct {
	const char *type;
	enum net_class cls;
} net_types[] = {
	/* ARIN NetType (whois) and RDAP type; "reallocation: the customer
	 * intends to issue pieces of that block to customers of their own"
	 * (ARIN, Reporting Reassignments). */
	{ "Direct Allocation", NET_ALLOCATION },
	{ "Reallocated", NET_ALLOCATION },
	{ "Reallocation", NET_ALLOCATION },
	{ "Direct Assignment", NET_ASSIGNMENT },
	{ "Reassigned", NET_ASSIGNMENT },
	{ "Reassignment", NET_ASSIGNMENT },
	/* RIPE and AFRINIC inetnum status (RIPE Database documentation
	 * 4.2.3.2), RDAP alike. */
	{ "ALLOCATED PA", NET_ALLOCATION },
	{ "ALLOCATED PI", NET_ALLOCATION },
	{ "ALLOCATED UNSPECIFIED", NET_ALLOCATION },
	{ "LIR-PARTITIONED PA", NET_ALLOCATION },
	{ "LIR-PARTITIONED PI", NET_ALLOCATION },
	{ "SUB-ALLOCATED PA", NET_ALLOCATION },
	{ "ASSIGNED PA", NET_ASSIGNMENT },
	{ "ASSIGNED PI", NET_ASSIGNMENT },
	{ "ASSIGNED ANYCAST", NET_ASSIGNMENT },
	/* RIPE's allocation used whole by its holder: nothing inside. */
	{ "ALLOCATED-ASSIGNED PA", NET_ASSIGNMENT },
	/* RIPE and AFRINIC inet6num status (4.2.4.2). */
	{ "ALLOCATED-BY-RIR", NET_ALLOCATION },
	{ "ALLOCATED-BY-LIR", NET_ALLOCATION },
	{ "AGGREGATED-BY-LIR", NET_ALLOCATION },
	{ "ASSIGNED", NET_ASSIGNMENT },
	/* APNIC, and the national registries under it (JPNIC, KRNIC,
	 * TWNIC): portable from APNIC, non-portable from an LIR. */
	{ "ALLOCATED PORTABLE", NET_ALLOCATION },
	{ "ALLOCATED NON-PORTABLE", NET_ALLOCATION },
	{ "ASSIGNED PORTABLE", NET_ASSIGNMENT },
	{ "ASSIGNED NON-PORTABLE", NET_ASSIGNMENT },
	/* LACNIC and NIC.br status, and their RDAP type. */
	{ "allocated", NET_ALLOCATION },
	{ "reallocated", NET_ALLOCATION },
	{ "allocation", NET_ALLOCATION },
	{ "assignment", NET_ASSIGNMENT },
	{ "reassigned", NET_ASSIGNMENT },
	/* Not placed (NET_UNKNOWN): LEGACY, NOT-SET, EARLY-REGISTRATION,
	 * ARIN's "Allocated to RIPE NCC" (a referral), anything new. */
};

/* The next character of a type for comparing, folded; 0 at the end. */
static int
type_char(const char **s)
{
	int c = (unsigned char)**s;

	if (c == '\0')
		return 0;
	(*s)++;
	if (c == ' ' || c == '-' || c == '_') {
		while (**s == ' ' || **s == '-' || **s == '_')
			(*s)++;
		return ' ';
	}
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int
same_type(const char *a, const char *b)
{
	int x, y;

	do {
		x = type_char(&a);
		y = type_char(&b);
	} while (x == y && x != 0);
	return x == y;
}

/* What a network's type says (net_types[]); NET_UNKNOWN for NULL. */
enum net_class
net_class(const char *type)
{
	if (type == NULL)
		return NET_UNKNOWN;
	for (size_t i = 0; i < nitems(net_types); i++)
		if (same_type(type, net_types[i].type))
			return net_types[i].cls;
	return NET_UNKNOWN;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * Clean untrusted text into dst (room for max bytes plus NUL): control
 * characters (newlines and tabs too) become one space, invalid UTF-8
 * becomes U+FFFD, runs of spaces fold, the ends are trimmed, and the text
 * is cut at max bytes on a character boundary.  Returns the length.
 */
size_t
text_clean(char *dst, const char *src, size_t n, size_t max)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, out = 0;
	int space = 1;		/* drops leading spaces */

	while (i < n) {
		size_t len = utf8_len(s + i, n - i);
		const char *put = (const char *)s + i;
		size_t putlen = len;

		if (len == 0) {
			put = fffd;
			putlen = 3;
			len = 1;
		} else if (s[i] < 0x20 || s[i] == 0x7f || s[i] == ' ' ||
		    (s[i] == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] < 0xa0)) {
			/* C0, DEL and C1 controls, and spaces. */
			i += len;
			if (!space && out < max) {
				dst[out++] = ' ';
				space = 1;
			}
			continue;
		}
		if (out + putlen > max)
			break;
		memcpy(dst + out, put, putlen);
		out += putlen;
		space = 0;
		i += len;
	}
	while (out > 0 && dst[out - 1] == ' ')
		out--;
	dst[out] = '\0';
	return out;
}

/*
 * Text from outside (log lines, file names, server messages) made safe
 * for a terminal: control characters, C1 controls, DEL and bytes that are
 * not UTF-8 become \xNN, so nothing read can move the cursor, retitle a
 * window or hide itself.  Cut short
 * rather than overflow; dst is always NUL-terminated.
 */
size_t
text_escape(char *dst, size_t dstlen, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	if (dstlen == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(s + i, n - i);
		int c1 = len == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0;

		if (len > 1 && !c1) {
			if (o + len >= dstlen)
				break;
			memcpy(dst + o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		if (len <= 1 && s[i] >= 0x20 && s[i] < 0x7f) {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)s[i++];
			continue;
		}
		/* A C1 control is written as its code point's bytes. */
		if (o + (c1 ? 8 : 4) >= dstlen)
			break;
		for (size_t k = 0; k < (c1 ? 2 : 1); k++, i++) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[s[i] >> 4];
			dst[o++] = hex[s[i] & 15];
		}
	}
	dst[o] = '\0';
	return o;
}

/*
 * An input's name for a message: "standard input" for "-", else escaped
 * (a glob may hand us any bytes).  Valid until the next call.
 */
const char *
input_shown(const char *name)
{
	static char shown[4 * 1024];

	if (strcmp(name, "-") == 0)
		return "standard input";
	text_escape(shown, sizeof(shown), name, strlen(name));
	return shown;
}

/* Set a field from untrusted bytes; empty text leaves it unset. */
void
answer_set(struct answer *a, enum field f, const char *s, size_t n)
{
	char buf[FIELD_MAX + 1];
	size_t len = text_clean(buf, s, n, FIELD_MAX);

	free(a->field[f]);
	a->field[f] = len ? xstrndup(buf, len) : NULL;
}

void
answer_clear(struct answer *a)
{
	for (int i = 0; i < FLD_MAX; i++)
		free(a->field[i]);
	memset(a, 0, sizeof(*a));
}

static int
str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
answer_equal(const struct answer *a, const struct answer *b)
{
	if (a->kind != b->kind || a->registry != b->registry ||
	    a->status != b->status || a->source != b->source ||
	    a->has_net != b->has_net || (a->has_net &&
	    memcmp(&a->net, &b->net, sizeof(a->net)) != 0))
		return 0;
	for (int i = 0; i < FLD_MAX; i++)
		if (!str_equal(a->field[i], b->field[i]))
			return 0;
	return 1;
}

/* A hash of every part of the answer. */
uint64_t
answer_hash(const struct answer *a)
{
	const uint8_t head[4] = { a->kind, a->registry, a->status, a->source };
	uint64_t h = fnv1a(FNV1A_INIT, head, sizeof(head));

	/* Answers about different networks differ, even when they read the
	 * same (negative answers are per address). */
	if (a->has_net)
		h = fnv1a(h, &a->net, sizeof(a->net));
	for (int i = 0; i < FLD_MAX; i++) {
		if (a->field[i] != NULL)
			h = fnv1a(h, a->field[i], strlen(a->field[i]));
		/* Never in UTF-8: ("ab", "") and ("a", "b") differ. */
		h = fnv1a(h, "\xff", 1);
	}
	return h;
}

/*
 * An answer as bytes, for pipes and shared memory: five one-byte enums
 * and flags (kind, registry, status, source, has_net), the network's
 * first and last address, the fetch time, then each field as a uint16_t
 * length and its bytes.  buf holds ANSWER_WIRE_MAX.  Returns the length.
 */
size_t
answer_encode(const struct answer *a, uint8_t *buf)
{
	size_t n = 0;

	buf[n++] = a->kind;
	buf[n++] = a->registry;
	buf[n++] = a->status;
	buf[n++] = a->source;
	buf[n++] = a->has_net;
	memcpy(buf + n, &a->net, sizeof(a->net));
	n += sizeof(a->net);
	memcpy(buf + n, &a->fetched, sizeof(a->fetched));
	n += sizeof(a->fetched);
	for (int i = 0; i < FLD_MAX; i++) {
		size_t len = a->field[i] ? strlen(a->field[i]) : 0;
		uint16_t len16;

		if (len > FIELD_MAX)
			len = FIELD_MAX;	/* answer_set() already cut it */
		len16 = (uint16_t)len;
		memcpy(buf + n, &len16, 2);
		if (len)
			memcpy(buf + n + 2, a->field[i], len);
		n += 2 + len;
	}
	return n;
}

/* Matched by answer_encode(): 0, or -1 for malformed bytes (a cleared). */
int
answer_decode(const uint8_t *p, size_t len, struct answer *a)
{
	size_t n = 0;

	memset(a, 0, sizeof(*a));
	if (len < ANSWER_WIRE_MIN)
		return -1;
	a->kind = p[n++];
	a->registry = p[n++];
	a->status = p[n++];
	a->source = p[n++];
	a->has_net = p[n++];
	memcpy(&a->net, p + n, sizeof(a->net));
	n += sizeof(a->net);
	memcpy(&a->fetched, p + n, sizeof(a->fetched));
	n += sizeof(a->fetched);
	if (a->kind >= KIND_MAX || a->registry >= RIR_MAX ||
	    a->status >= ST_MAX || a->source >= SRC_MAX || a->has_net > 1)
		goto bad;
	for (int i = 0; i < FLD_MAX; i++) {
		uint16_t flen;

		if (len - n < 2)
			goto bad;
		memcpy(&flen, p + n, 2);
		n += 2;
		if (flen > FIELD_MAX || len - n < flen)
			goto bad;
		if (flen)
			a->field[i] = xstrndup((const char *)p + n, flen);
		n += flen;
	}
	if (n == len)
		return 0;
bad:
	answer_clear(a);
	return -1;
}

/* A deep copy: dst's fields are its own. */
void
answer_copy(struct answer *dst, const struct answer *src)
{
	*dst = *src;
	for (int i = 0; i < FLD_MAX; i++)
		if (src->field[i] != NULL)
			dst->field[i] = xstrndup(src->field[i],
			    strlen(src->field[i]));
}

/*
 * What the built-in tables say about ip, always there and never wrong:
 * a special-purpose block's kind, network and name (IANA's registries),
 * or a public address's registry (IANA's allocations to the RIRs).
 * Status ok, source builtin; a is overwritten, not freed.
 */
void
answer_builtin(const struct ip *ip, struct answer *a)
{
	const struct special *sp = special_lookup(ip);

	memset(a, 0, sizeof(*a));
	a->source = SRC_BUILTIN;
	a->status = ST_OK;
	if (sp != NULL) {
		a->kind = (uint8_t)sp->kind;
		answer_set(a, FLD_NETWORK, sp->net, strlen(sp->net));
		answer_set(a, FLD_NET_NAME, sp->name, strlen(sp->name));
		return;
	}
	a->kind = KIND_PUBLIC;
	a->registry = (uint8_t)rir_lookup(ip);
}
