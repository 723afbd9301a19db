/*
 * MaxMind DB files (GeoLite2, DB-IP lite, ip-location-db's -mmdb
 * packages) read through libmaxminddb, the library GoAccess, nginx's
 * geoip2 module and mmdblookup use: never by hand.  The library maps the
 * file read-only (MMDB_MODE_MMAP), so workers forked after the open share
 * its pages as they share ipwhois's own file's.
 *
 * libmaxminddb is linked, not loaded on demand as libcurl is: it needs
 * nothing but libc and adds about as much to a start as one more small
 * file to map (make bench shows the open time of each kind).
 *
 * Each schema names its fields its own way; fields[] below maps them to
 * the report's asn, as_name and country.  The first row that gives a
 * value wins, so a file that has two ways of saying a country (GeoLite2's
 * country and registered_country) answers with the better one.
 */
#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipwhois.h"

/* The metadata section starts with it, in the file's last 128 KiB. */
#define MMDB_MARKER	"\xab\xcd\xefMaxMind.com"
#define MMDB_TAIL	(128 * 1024)

enum mfield { MF_ASN, MF_NAME, MF_CC };

static const struct {
	enum mfield what;
	const char *path[3];	/* NULL-terminated */
} fields[] = {
	/* GeoLite2-ASN, DB-IP "IP to ASN Lite", ip-location-db asn mmdb */
	{ MF_ASN, { "autonomous_system_number", NULL } },
	{ MF_NAME, { "autonomous_system_organization", NULL } },
	/* GeoLite2-Country and -City, DB-IP country and city lite */
	{ MF_CC, { "country", "iso_code", NULL } },
	/* GeoLite2 for networks with no country of use (anycast, 1.1.1.1) */
	{ MF_CC, { "registered_country", "iso_code", NULL } },
	/* ip-location-db's -country-mmdb and -city-mmdb packages */
	{ MF_CC, { "country_code", NULL } },
};

struct mmdb {
	MMDB_s	 db;
};

int
mmdb_is(const void *map, size_t size)
{
	size_t tail = size < MMDB_TAIL ? size : MMDB_TAIL;

	return memmem((const char *)map + (size - tail), tail, MMDB_MARKER,
	    sizeof(MMDB_MARKER) - 1) != NULL;
}

struct mmdb *
mmdb_open(const char *path, char *err, size_t errlen)
{
	struct mmdb *m = xcalloc(1, sizeof(*m));
	int rc;

	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, &m->db)) != MMDB_SUCCESS) {
		setmsg(err, errlen, "%s: %s", path, MMDB_strerror(rc));
		free(m);
		return NULL;
	}
	return m;
}

void
mmdb_close(struct mmdb *m)
{
	if (m == NULL)
		return;
	MMDB_close(&m->db);
	free(m);
}

/* What the file says it is ("GeoLite2-ASN"), for -v; never NULL. */
const char *
mmdb_type(const struct mmdb *m)
{
	return m->db.metadata.database_type != NULL ?
	    m->db.metadata.database_type : "unnamed";
}

/* A number a field holds, when it is one and fits an ASN. */
static int
as_number(const MMDB_entry_data_s *d, uint32_t *v)
{
	uint64_t n;

	switch (d->type) {
	case MMDB_DATA_TYPE_UINT16:
		n = d->uint16;
		break;
	case MMDB_DATA_TYPE_UINT32:
		n = d->uint32;
		break;
	case MMDB_DATA_TYPE_UINT64:
		n = d->uint64;
		break;
	case MMDB_DATA_TYPE_INT32:
		n = d->int32 < 0 ? 0 : (uint64_t)d->int32;
		break;
	default:
		return 0;
	}
	if (n == 0 || n > UINT32_MAX)
		return 0;
	*v = (uint32_t)n;
	return 1;
}

static int
is_alpha(char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* One field's value into ans, unless ans has it already or it is bad. */
static void
take_field(enum mfield what, const MMDB_entry_data_s *d,
    struct ipdb_answer *ans)
{
	if (what == MF_ASN && ans->asn == 0)
		as_number(d, &ans->asn);
	if (d->type != MMDB_DATA_TYPE_UTF8_STRING)
		return;
	if (what == MF_NAME && ans->as_name == NULL && d->data_size > 0) {
		/* Inside the mapping, as ipwhois's own file's names are. */
		ans->as_name = d->utf8_string;
		ans->as_name_len = d->data_size < FIELD_MAX ? d->data_size :
		    FIELD_MAX;
	}
	if (what == MF_CC && ans->country[0] == '\0' && d->data_size == 2 &&
	    is_alpha(d->utf8_string[0]) && is_alpha(d->utf8_string[1])) {
		ans->country[0] = (char)(d->utf8_string[0] & ~0x20);
		ans->country[1] = (char)(d->utf8_string[1] & ~0x20);
		ans->country[2] = '\0';
	}
}

/* ip as the sockaddr the library takes: IPv4 as IPv4, it maps it. */
static void
to_sockaddr(const struct ip *ip, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip_is_v4(ip)) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(ip_v4(ip));
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ip->b, 16);
	}
}

/*
 * 1 when the file knows something of ip (ans filled), 0 when not: no
 * entry, an IPv6 address in an IPv4-only file, or no field it maps.
 */
int
mmdb_lookup(const struct mmdb *m, const struct ip *ip,
    struct ipdb_answer *ans)
{
	struct sockaddr_storage ss;
	MMDB_lookup_result_s res;
	MMDB_entry_data_s d;
	int merr;

	memset(ans, 0, sizeof(*ans));
	to_sockaddr(ip, &ss);
	res = MMDB_lookup_sockaddr(&m->db, (const struct sockaddr *)&ss,
	    &merr);
	if (merr != MMDB_SUCCESS || !res.found_entry)
		return 0;
	for (size_t i = 0; i < nitems(fields); i++)
		if (MMDB_aget_value(&res.entry, &d, fields[i].path) ==
		    MMDB_SUCCESS && d.has_data)
			take_field(fields[i].what, &d, ans);
	return ans->asn != 0 || ans->as_name != NULL || ans->country[0] != '\0';
}
