/*
 * CSV as RFC 4180 has it: a field holding a comma, a quote, CR or LF is
 * quoted, its quotes doubled.  Registry text was cleaned by answer_set(),
 * but this writer does not rely on it.
 */
#include <string.h>

#include "ipwhois.h"

int
csv_needs_quotes(const char *s)
{
	return s[strcspn(s, ",\"\r\n")] != '\0';
}

void
csv_field(FILE *fp, const char *s)
{
	if (s == NULL)
		return;
	if (!csv_needs_quotes(s)) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}
