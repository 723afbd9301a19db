/*
 * --client xff: the client of a request that came through proxies.
 *
 * Each proxy appends to X-Forwarded-For the address it got the request
 * from, so the list reads, right to left, from the nearest hop outward.
 * Only what our own proxies appended can be believed: anything to the
 * left of the first address that is not one of them was written by the
 * client, and may be forged.  So the walk goes right to left, skips the
 * trusted proxies, and stops at the first other address.
 *
 * A pure function over the value logfmt.c found in the line: no
 * allocation, one pass, whatever the value holds.
 */
#include <string.h>

#include "ipwhois.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* [*s, *e) without the blanks around it. */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && blank(**s))
		(*s)++;
	while (*e > *s && blank((*e)[-1]))
		(*e)--;
}

/* The last comma in [s, e), or NULL. */
static const char *
last_comma(const char *s, const char *e)
{
	while (e > s)
		if (*--e == ',')
			return e;
	return NULL;
}

/*
 * The client of a line whose connecting address is peer and whose
 * X-Forwarded-For value is xff[0..len) (NULL: the format has none):
 *
 *   - no value, an empty one or "-": the peer;
 *   - trusted proxies given and the peer not one of them: the peer (the
 *     request did not come through our proxies; its header is the
 *     client's own);
 *   - else the right-most entry that is not a trusted proxy, or the
 *     left-most when all are;
 *   - an entry that is not an address ("unknown", garbage, an empty one
 *     between commas) ends the walk: the peer.
 *
 * Entries are "a.b.c.d", "a.b.c.d:port", "v6", "[v6]" or "[v6]:port",
 * blanks around them ignored.  client may be peer.  Returns 1 when the
 * client came from the list, 0 when it is the peer.
 */
int
xff_client(const struct ip *peer, const char *xff, size_t len,
    const struct netlist *trusted, struct ip *client)
{
	const struct ip from = *peer;
	const char *start = xff, *end, *comma;
	struct ip ip;

	*client = from;
	if (xff == NULL || (trusted->n > 0 && !netlist_has(trusted, &from)))
		return 0;
	end = xff + len;	/* not before: NULL + 0 is undefined */
	trim(&start, &end);
	if (start == end || (end - start == 1 && *start == '-'))
		return 0;
	for (;;) {
		const char *s, *e = end;

		comma = last_comma(start, end);
		s = comma ? comma + 1 : start;
		trim(&s, &e);
		if (ip_token(s, (size_t)(e - s), &ip) == -1) {
			*client = from;
			return 0;
		}
		*client = ip;
		if (comma == NULL || !netlist_has(trusted, &ip))
			return 1;
		end = comma;
	}
}
