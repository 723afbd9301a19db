/*
 * --update-db: the ip-location-db CSVs fetched over HTTPS (the files make
 * data takes from npm, from the data set's CDN or --db-url), each checked
 * whole, built into a new database beside the old one, opened as a
 * reader would, compared with the old one's size, and only then renamed
 * over it.  Any failure leaves the
 * old database as it was and says why in one line; success says nothing,
 * for cron.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipwhois.h"

#define FETCH_MAX	(512UL * 1024 * 1024)	/* the largest is ~60 MB */
#define CONNECT_MS	15000L
#define TOTAL_MS	(30L * 60 * 1000)

/* The published files, as scripts/make-data takes them: package, file. */
static const struct {
	const char *pkg, *file;
} published[] = {
	/* ASN and AS name: RouteViews, DB-IP, NRO; CC BY 4.0 */
	{ "asn", "asn-ipv4.csv" },
	{ "asn", "asn-ipv6.csv" },
	/* country by registry and ASN; CC0 */
	{ "geo-whois-asn-country", "geo-whois-asn-country-ipv4.csv" },
	{ "geo-whois-asn-country", "geo-whois-asn-country-ipv6.csv" },
};

#define NPUB	nitems(published)

struct update {
	const char *out;
	char	*tmp[NPUB];	/* the fetched files, beside out */
	char	*url[NPUB];
	char	*fresh;		/* the new database, beside out */
	int	 verbose;
};

/* out's directory, made when missing (the first run makes the user's). */
static int
make_dir(const char *out, char *err, size_t errlen)
{
	char *copy = xstrndup(out, strlen(out)), *d = dirname(copy), *p;
	int rc = 0;

	for (p = d + (*d == '/'); rc == 0; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(d, 0755) == -1 && errno != EEXIST) {
			setmsg(err, errlen, "%s: %s", d, strerror(errno));
			rc = -1;
		}
		if (last)
			break;
		*p = '/';
	}
	free(copy);
	return rc;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The body into a new file beside out; its name into *tmp. */
static int
save(const struct update *u, const struct fetch_result *r, char **tmp,
    char *err, size_t errlen)
{
	int fd;

	if (asprintf(tmp, "%s.csv.XXXXXX", u->out) == -1) {
		*tmp = NULL;
		setmsg(err, errlen, "out of memory");
		return -1;
	}
	if ((fd = mkstemp(*tmp)) == -1) {
		setmsg(err, errlen, "%s: %s", *tmp, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	if (write_all(fd, r->body, r->len) == -1 || close(fd) == -1) {
		setmsg(err, errlen, "%s: %s", *tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* One file: fetched, saved and checked; 0, or -1 with err. */
static int
get_one(struct update *u, struct fetcher *f, const char *base, size_t i,
    char *err, size_t errlen)
{
	struct fetch_result r;
	size_t blen = strlen(base);
	unsigned long rows;

	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if (asprintf(&u->url[i], "%.*s/%s/%s", (int)blen, base,
	    published[i].pkg, published[i].file) == -1) {
		u->url[i] = NULL;
		setmsg(err, errlen, "out of memory");
		return -1;
	}
	if (fetch_rdap(f, u->url[i], &r) == -1) {
		setmsg(err, errlen, "%s: %s", u->url[i], r.why);
		return -1;
	}
	if (r.http_status != 200) {
		setmsg(err, errlen, "%s: HTTP status %ld", u->url[i],
		    r.http_status);
		return -1;
	}
	if (save(u, &r, &u->tmp[i], err, errlen) == -1 ||
	    ipdb_check_csv(u->tmp[i], u->url[i], &rows, err, errlen) == -1)
		return -1;
	if (u->verbose)
		fprintf(stderr, "ipwhois: %s: %lu rows\n", u->url[i], rows);
	return 0;
}

/* A rename is durable once the directory's entry is on disk. */
static void
sync_dir(const char *out)
{
	char *copy = xstrndup(out, strlen(out));
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd != -1) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/*
 * A published set that lost half its ranges since the last update is
 * more likely a mirror gone wrong than the Internet shrinking: refused.
 */
static int
not_shrunk(const struct update *u, const struct ipdb *fresh, char *err,
    size_t errlen)
{
	char msg[512];
	struct ipdb *old;
	uint64_t was, now = ipdb_intervals(fresh);

	if ((old = ipdb_open(u->out, msg, sizeof(msg))) == NULL)
		return 0;	/* none, or damaged: anything is better */
	was = ipdb_intervals(old);
	ipdb_close(old);
	if (now >= was / 2)
		return 0;
	setmsg(err, errlen, "the new data has %llu ranges, under half the "
	    "%llu of the old database: refused", (unsigned long long)now,
	    (unsigned long long)was);
	return -1;
}

/* The fetched files into fresh, opened as a reader would, then over out. */
static int
build(struct update *u, char *err, size_t errlen)
{
	char msg[512];
	struct ipdb *db;
	int shrunk;

	if (asprintf(&u->fresh, "%s.new", u->out) == -1) {
		u->fresh = NULL;
		setmsg(err, errlen, "out of memory");
		return -1;
	}
	if (ipdb_build(u->fresh, u->tmp, (int)NPUB, msg, sizeof(msg)) == -1) {
		setmsg(err, errlen, "%s", msg);
		return -1;
	}
	if (u->verbose)
		fprintf(stderr, "ipwhois: %s\n", msg);
	if ((db = ipdb_open(u->fresh, msg, sizeof(msg))) == NULL) {
		setmsg(err, errlen, "%s", msg);
		return -1;
	}
	shrunk = not_shrunk(u, db, err, errlen);
	ipdb_close(db);
	if (shrunk == -1)
		return -1;
	if (rename(u->fresh, u->out) == -1) {
		setmsg(err, errlen, "%s: %s", u->out, strerror(errno));
		return -1;
	}
	free(u->fresh);
	u->fresh = NULL;
	sync_dir(u->out);
	return 0;
}

/* An MMDB is not ours to replace: geoipupdate keeps those. */
static int
replaceable(const char *out, char *err, size_t errlen)
{
	char msg[512], kind[128];
	struct ipdb *db;

	if (access(out, F_OK) == -1 || (db = ipdb_open(out, msg,
	    sizeof(msg))) == NULL)
		return 0;	/* none, or damaged: either way rebuilt */
	ipdb_describe(db, kind, sizeof(kind));
	ipdb_close(db);
	if (strcmp(kind, "ipwhois") == 0)
		return 0;
	setmsg(err, errlen, "%s is a %s file, not an ipwhois database: "
	    "--update-db does not replace it", out, kind);
	return -1;
}

int
db_update(const char *out, const char *base, int verbose, char *err,
    size_t errlen)
{
	struct fetch_opts fo = { CONNECT_MS, TOTAL_MS, FETCH_MAX };
	struct update u;
	struct fetcher *f;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	u.out = out;
	u.verbose = verbose;
	if (replaceable(out, err, errlen) == -1 ||
	    make_dir(out, err, errlen) == -1)
		return -1;
	f = fetch_new(&fo);
	for (size_t i = 0; i < NPUB; i++)
		if (get_one(&u, f, base, i, err, errlen) == -1)
			goto done;
	fetch_free(f);
	f = NULL;
	rc = build(&u, err, errlen);
done:
	fetch_free(f);
	for (size_t i = 0; i < NPUB; i++) {
		if (u.tmp[i] != NULL)
			unlink(u.tmp[i]);
		free(u.tmp[i]);
		free(u.url[i]);
	}
	if (u.fresh != NULL)
		unlink(u.fresh);
	free(u.fresh);
	return rc;
}
