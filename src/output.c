/*
 * The report's vocabulary: column names, --by names, and the columns each
 * kind of report shows unless --fields says otherwise.
 */
#include <string.h>

#include "ipwhois.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static const char *const column_names[COL_MAX] = {
	[COL_IP] = "ip",
	[COL_HITS] = "hits",
	[COL_BYTES] = "bytes",
	[COL_ADDRESSES] = "addresses",
	[COL_FIRST_SEEN] = "first_seen",
	[COL_LAST_SEEN] = "last_seen",
	[COL_KIND] = "kind",
	[COL_REGISTRY] = "registry",
	[COL_NETWORK] = "network",
	[COL_NET_NAME] = "net_name",
	[COL_ORG] = "org",
	[COL_COUNTRY] = "country",
	[COL_ASN] = "asn",
	[COL_AS_NAME] = "as_name",
	[COL_ABUSE_EMAIL] = "abuse_email",
	[COL_SOURCE] = "source",
	[COL_STATUS] = "status",
};

static const char *const groupby_names[BY_MAX] = {
	[BY_IP] = "ip",
	[BY_NETWORK] = "network",
	[BY_ASN] = "asn",
	[BY_ORG] = "org",
	[BY_COUNTRY] = "country",
	[BY_ABUSE] = "abuse",
};

/*
 * The columns of each kind of report: the key first, then the counts,
 * then what describes the group.  Ends at COL_MAX.
 */
static const enum column default_columns[BY_MAX][COL_MAX + 1] = {
	[BY_IP] = { COL_IP, COL_HITS, COL_BYTES, COL_FIRST_SEEN,
	    COL_LAST_SEEN, COL_KIND, COL_REGISTRY, COL_NETWORK, COL_NET_NAME,
	    COL_ORG, COL_COUNTRY, COL_ASN, COL_AS_NAME, COL_ABUSE_EMAIL,
	    COL_SOURCE, COL_STATUS, COL_MAX },
	[BY_NETWORK] = { COL_NETWORK, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_REGISTRY, COL_NET_NAME, COL_ORG,
	    COL_COUNTRY, COL_ASN, COL_AS_NAME, COL_ABUSE_EMAIL, COL_MAX },
	[BY_ASN] = { COL_ASN, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_AS_NAME, COL_COUNTRY,
	    COL_MAX },
	[BY_ORG] = { COL_ORG, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_COUNTRY, COL_ASN, COL_AS_NAME,
	    COL_ABUSE_EMAIL, COL_MAX },
	[BY_COUNTRY] = { COL_COUNTRY, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_MAX },
	[BY_ABUSE] = { COL_ABUSE_EMAIL, COL_HITS, COL_BYTES, COL_ADDRESSES,
	    COL_FIRST_SEEN, COL_LAST_SEEN, COL_ORG, COL_COUNTRY, COL_MAX },
};

const char *
column_name(enum column c)
{
	return c < COL_MAX ? column_names[c] : "?";
}

/* The column called s[0..n); -1 when there is none. */
int
column_by_name(const char *s, size_t n, enum column *c)
{
	for (int i = 0; i < COL_MAX; i++)
		if (strlen(column_names[i]) == n &&
		    memcmp(column_names[i], s, n) == 0) {
			*c = (enum column)i;
			return 0;
		}
	return -1;
}

const char *
groupby_name(enum groupby by)
{
	return by < BY_MAX ? groupby_names[by] : "?";
}

int
groupby_by_name(const char *s, enum groupby *by)
{
	for (int i = 0; i < BY_MAX; i++)
		if (strcmp(groupby_names[i], s) == 0) {
			*by = (enum groupby)i;
			return 0;
		}
	return -1;
}

/* The columns a report by `by` shows without --fields; how many. */
int
columns_default(enum groupby by, enum column *out)
{
	int n = 0;

	while (default_columns[by][n] != COL_MAX) {
		out[n] = default_columns[by][n];
		n++;
	}
	return n;
}
