/*
 * What the libFuzzer harnesses share: the properties they check on what
 * a parser gives back.  A broken property aborts, so libFuzzer keeps the
 * input as a crash, like any sanitizer finding.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipwhois.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	 LLVMFuzzerInitialize(int *, char ***);

/* Local times in a zone with summer time, without tzdata. */
static __attribute__((unused)) void
fz_local_zone(void)
{
	setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
}

static void fz_fail(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn, unused));

static void
fz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("property broken: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* The input as a C string, for the functions that take one. */
static __attribute__((unused)) char *
fz_str(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Length of the well-formed UTF-8 character at s (n bytes left), or 0. */
static size_t
fz_utf8(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp, min;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * text_clean()'s promise, written again independently: valid UTF-8, no
 * C0 or C1 control, no DEL, no space at either end nor two in a row, at
 * most FIELD_MAX bytes.
 */
static __attribute__((unused)) void
fz_check_text(const char *what, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;

	if (n == 0 || n > FIELD_MAX)
		fz_fail("%s: %zu bytes", what, n);
	if (s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  ") != NULL)
		fz_fail("%s: spaces not folded: '%s'", what, s);
	for (; i < n; i += len) {
		if ((len = fz_utf8(u + i, n - i)) == 0)
			fz_fail("%s: not UTF-8 at byte %zu", what, i);
		if (u[i] < 0x20 || u[i] == 0x7f ||
		    (u[i] == 0xc2 && u[i + 1] < 0xa0))
			fz_fail("%s: a control character at byte %zu", what, i);
	}
}

/* Every field of an answer, and its enums, as the rest of ipwhois expects. */
static __attribute__((unused)) void
fz_check_answer(const struct answer *a)
{
	static const char *const names[FLD_MAX] = { "network", "net_name",
	    "org", "country", "asn", "as_name", "abuse_email" };

	if (a->kind >= KIND_MAX || a->registry >= RIR_MAX ||
	    a->status >= ST_MAX || a->source >= SRC_MAX || a->has_net > 1)
		fz_fail("answer: an enum out of range");
	if (a->has_net && ip_cmp(&a->net.lo, &a->net.hi) > 0)
		fz_fail("answer: network ends before it starts");
	for (int f = 0; f < FLD_MAX; f++)
		if (a->field[f] != NULL)
			fz_check_text(names[f], a->field[f]);
}

/* answer_encode() then answer_decode(): the same answer again. */
static __attribute__((unused)) void
fz_answer_round_trip(const struct answer *a)
{
	static uint8_t buf[ANSWER_WIRE_MAX];
	struct answer b;
	size_t n = answer_encode(a, buf);

	if (n < ANSWER_WIRE_MIN || n > ANSWER_WIRE_MAX)
		fz_fail("answer_encode: %zu bytes", n);
	if (answer_decode(buf, n, &b) != 0)
		fz_fail("answer_decode refused answer_encode's bytes");
	if (!answer_equal(a, &b) || a->fetched != b.fetched ||
	    answer_hash(a) != answer_hash(&b))
		fz_fail("answer: encode, decode: not the same answer");
	answer_clear(&b);
}

static int
fz_addr_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/*
 * Whether ip is written in [p, end): some run of address characters
 * there (with a zone id) parses to it.  Zero padding, upper case and
 * IPv4-mapped forms all count; a port or brackets around it are outside
 * the run anyway.
 */
static __attribute__((unused)) int
fz_ip_in(const struct ip *ip, const char *p, const char *end)
{
	char canon[IP_STRLEN];
	struct ip got;

	ip_format(ip, canon);
	if (memmem(p, (size_t)(end - p), canon, strlen(canon)) != NULL)
		return 1;
	for (const char *s = p; s < end; s++) {
		const char *e = s;

		if (!fz_addr_char((unsigned char)*s))
			continue;
		while (e < end && e - s < 64 && fz_addr_char((unsigned char)*e))
			e++;
		for (const char *k = s + 2; k <= e; k++)
			if (ip_parse(s, (size_t)(k - s), &got) == 0 &&
			    ip_cmp(&got, ip) == 0)
				return 1;
	}
	return 0;
}

#endif /* FUZZ_H */
