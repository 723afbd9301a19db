/*
 * Text from outside into report fields and messages: text_clean (what
 * answer_set keeps of a server's text) and text_escape (file names and
 * server reasons on stderr), each into a buffer of exactly the room it
 * is given, with the room taken from the input's first byte.
 *
 * text_clean's output is clean (fuzz.h); text_escape's is UTF-8 without
 * control characters, and unescapes to a prefix of the input.
 */
#include "fuzz.h"

static void
clean(const char *s, size_t n, size_t max)
{
	char *dst = malloc(max + 1);
	size_t len = text_clean(dst, s, n, max);

	if (len > max || strlen(dst) != len)
		fz_fail("text_clean: %zu bytes in room for %zu", len, max);
	if (len > 0)
		fz_check_text("text_clean", dst);
	free(dst);
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : -1;
}

static void
escape(const char *s, size_t n, size_t room)
{
	char *dst = malloc(room ? room : 1);
	const unsigned char *u = (const unsigned char *)dst;
	size_t len = text_escape(dst, room, s, n), i, k, l;

	if (room == 0) {
		if (len != 0)
			fz_fail("text_escape: %zu bytes in no room", len);
		free(dst);
		return;
	}
	if (len >= room || strlen(dst) != len)
		fz_fail("text_escape: %zu bytes in room for %zu", len, room);
	/* Unescaped, a prefix of the input; nothing raw that a terminal
	 * would act on.  (A backslash is not escaped: "\x41" may be the
	 * input's own text, and "\x5c" always is.) */
	for (i = k = 0; i < len; i += l) {
		if (dst[i] == '\\' && i + 3 < len && dst[i + 1] == 'x' &&
		    hexval(u[i + 2]) >= 0 && hexval(u[i + 3]) >= 0 && k < n &&
		    (unsigned char)s[k] == hexval(u[i + 2]) * 16 +
		    hexval(u[i + 3]) && s[k] != '\\') {
			k++;
			l = 4;
			continue;
		}
		if ((l = fz_utf8(u + i, len - i)) == 0 || u[i] < 0x20 ||
		    u[i] == 0x7f || (u[i] == 0xc2 && u[i + 1] < 0xa0))
			fz_fail("text_escape: a raw byte 0x%02x at %zu", u[i],
			    i);
		if (k + l > n || memcmp(s + k, dst + i, l) != 0)
			fz_fail("text_escape: byte %zu is not the input's", i);
		k += l;
	}
	free(dst);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	size_t room;

	if (n == 0)
		return 0;
	room = data[0];
	data++, n--;
	clean((const char *)data, n, room);
	clean((const char *)data, n, FIELD_MAX);
	escape((const char *)data, n, room);
	escape((const char *)data, n, 4 * n + 1);
	return 0;
}
