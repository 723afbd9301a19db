/*
 * Answers remembered between runs, in SQLite.
 *
 * Schema (version 1, in PRAGMA user_version):
 *
 *	answers(lo BLOB, hi BLOB, kind INT, registry INT, status INT,
 *	    source INT, fetched INT, network TEXT, net_name TEXT, org TEXT,
 *	    country TEXT, asn TEXT, as_name TEXT, abuse_email TEXT,
 *	    PRIMARY KEY (lo, hi))
 *
 * lo and hi are a network's first and last address as 16 bytes, IPv4
 * IPv4-mapped, so that byte order is address order; a negative answer
 * (not found, failed) is about one address, lo = hi.  The enums are the
 * numbers of ipwhois.h, which only ever grow.
 *
 * Readers load it whole at the start; one process (the reporter) writes,
 * one transaction per run.  WAL lets a run read while another writes, and
 * the busy timeout makes two writers take turns instead of failing.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ipwhois.h"

#define SCHEMA_VERSION	1
#define BUSY_MS		10000

struct cache {
	sqlite3	*db;
	char	*path;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS answers (lo BLOB NOT NULL, hi BLOB NOT NULL,"
    " kind INT, registry INT, status INT, source INT, fetched INT,"
    " network TEXT, net_name TEXT, org TEXT, country TEXT, asn TEXT,"
    " as_name TEXT, abuse_email TEXT, PRIMARY KEY (lo, hi))";

static int
fail(struct cache *c, char *err, size_t n, const char *what)
{
	seterr(err, n, "%s: %s%s%s", c->path, what, c->db ? ": " : "",
	    c->db ? sqlite3_errmsg(c->db) : "");
	return -1;
}

/* mkdir -p of path's directory, private like the rest of ~/.cache. */
static int
make_dirs(const char *path)
{
	char *dir = xstrndup(path, strlen(path));

	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
				free(dir);
				return -1;
			}
			*p = '/';
		}
	free(dir);
	return 0;
}

static int
exec(struct cache *c, const char *sql, char *err, size_t n)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(c, err, n, "not an ipwhois cache");
	return 0;
}

/* The schema version, made when the file is new; reading it proves the
 * file is a database at all. */
static int
check_schema(struct cache *c, int create, char *err, size_t n)
{
	sqlite3_stmt *st;
	int version = -1;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return fail(c, err, n, "not an ipwhois cache");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SCHEMA_VERSION) {
		seterr(err, n, "%s: made by a newer ipwhois (schema %d; this "
		    "one knows %d)", c->path, version, SCHEMA_VERSION);
		return -1;
	}
	if (version == 0 && create) {
		if (exec(c, schema, err, n) == -1 ||
		    exec(c, "PRAGMA user_version = 1", err, n) == -1)
			return -1;
	} else if (version != SCHEMA_VERSION) {
		seterr(err, n, "%s: not an ipwhois cache", c->path);
		return -1;
	}
	return 0;
}

/*
 * Open the cache at path: create (and make its directory) for writing,
 * or read-only.  NULL, with a message naming the file, if it cannot be
 * used.
 */
struct cache *
cache_open(const char *path, int create, char *err, size_t errlen)
{
	struct cache *c = xcalloc(1, sizeof(*c));
	int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
	    SQLITE_OPEN_READONLY;

	c->path = xstrndup(path, strlen(path));
	if (create && make_dirs(path) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
		fail(c, err, errlen, "cannot open");
		goto bad;
	}
	sqlite3_busy_timeout(c->db, BUSY_MS);
	if (check_schema(c, create, err, errlen) == -1)
		goto bad;
	if (create && (exec(c, "PRAGMA journal_mode = WAL", err,
	    errlen) == -1 || exec(c, "PRAGMA synchronous = NORMAL", err,
	    errlen) == -1))
		goto bad;
	return c;
bad:
	cache_close(c);
	return NULL;
}

void
cache_close(struct cache *c)
{
	if (c == NULL)
		return;
	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

/* Row into a; 0, or -1 if the row is malformed (it is skipped). */
static int
row_answer(sqlite3_stmt *st, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	if (sqlite3_column_bytes(st, 0) != 16 ||
	    sqlite3_column_bytes(st, 1) != 16)
		return -1;
	memcpy(a->net.lo.b, sqlite3_column_blob(st, 0), 16);
	memcpy(a->net.hi.b, sqlite3_column_blob(st, 1), 16);
	a->has_net = 1;
	a->kind = (uint8_t)sqlite3_column_int(st, 2);
	a->registry = (uint8_t)sqlite3_column_int(st, 3);
	a->status = (uint8_t)sqlite3_column_int(st, 4);
	a->source = (uint8_t)sqlite3_column_int(st, 5);
	a->fetched = sqlite3_column_int64(st, 6);
	if (a->kind >= KIND_MAX || a->registry >= RIR_MAX ||
	    a->status >= ST_MAX || a->source >= SRC_MAX)
		return -1;
	for (int i = 0; i < FLD_MAX; i++) {
		const char *t = (const char *)sqlite3_column_text(st, 7 + i);

		if (t != NULL)
			answer_set(a, (enum field)i, t, strlen(t));
	}
	return 0;
}

/* Every answer to fn (a copy it must take what it keeps from); fn's
 * nonzero stops.  0, or -1 with err. */
int
cache_load(struct cache *c, int (*fn)(void *, const struct answer *),
    void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct answer a;
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT lo, hi, kind, registry, status,"
	    " source, fetched, network, net_name, org, country, asn, as_name,"
	    " abuse_email FROM answers", -1, &st, NULL) != SQLITE_OK)
		return fail(c, err, errlen, "cannot read");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int stop;

		if (row_answer(st, &a) == -1) {
			answer_clear(&a);
			continue;
		}
		stop = fn(ctx, &a);
		answer_clear(&a);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(c, err, errlen, "cannot read");
	return 0;
}

static int
bind_answer(sqlite3_stmt *st, const struct answer *a)
{
	int rc = 0;

	rc |= sqlite3_bind_blob(st, 1, a->net.lo.b, 16, SQLITE_STATIC);
	rc |= sqlite3_bind_blob(st, 2, a->net.hi.b, 16, SQLITE_STATIC);
	rc |= sqlite3_bind_int(st, 3, a->kind);
	rc |= sqlite3_bind_int(st, 4, a->registry);
	rc |= sqlite3_bind_int(st, 5, a->status);
	rc |= sqlite3_bind_int(st, 6, a->source);
	rc |= sqlite3_bind_int64(st, 7, a->fetched);
	for (int i = 0; i < FLD_MAX; i++)
		rc |= a->field[i] ? sqlite3_bind_text(st, 8 + i, a->field[i],
		    -1, SQLITE_STATIC) : sqlite3_bind_null(st, 8 + i);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Store n answers (each with has_net) in one transaction; newer wins. */
int
cache_store(struct cache *c, const struct answer *const *v, size_t n,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return fail(c, err, errlen, "cannot write");
	if (sqlite3_prepare_v2(c->db, "INSERT INTO answers VALUES (?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lo, hi) DO UPDATE SET"
	    " kind = excluded.kind, registry = excluded.registry,"
	    " status = excluded.status, source = excluded.source,"
	    " fetched = excluded.fetched, network = excluded.network,"
	    " net_name = excluded.net_name, org = excluded.org,"
	    " country = excluded.country, asn = excluded.asn,"
	    " as_name = excluded.as_name, abuse_email = excluded.abuse_email"
	    " WHERE excluded.fetched >= answers.fetched", -1, &st,
	    NULL) != SQLITE_OK)
		goto bad;
	for (i = 0; i < n; i++) {
		if (!v[i]->has_net)
			continue;
		if (bind_answer(st, v[i]) == -1 || sqlite3_step(st) !=
		    SQLITE_DONE)
			goto bad;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		st = NULL;
		goto bad;
	}
	return 0;
bad:
	fail(c, err, errlen, "cannot write");
	sqlite3_finalize(st);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
