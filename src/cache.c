/*
 * Answers remembered between runs, in SQLite: it survives a crash in the
 * middle of a write, and two runs can share one file.
 *
 * Schema version 2, kept in PRAGMA user_version:
 *
 *	CREATE TABLE answers (
 *	    lo BLOB NOT NULL,	-- the network's first address, 16 bytes
 *	    hi BLOB NOT NULL,	-- its last address
 *	    kind INT,		-- enum kind
 *	    registry INT,	-- enum rir
 *	    status INT,		-- enum status
 *	    source INT,		-- enum source
 *	    fetched INT,	-- when a registry said it, epoch seconds
 *	    network TEXT, net_name TEXT, org TEXT, country TEXT, asn TEXT,
 *	    as_name TEXT, abuse_email TEXT,	-- enum field order; NULL: none
 *	    net_type TEXT,	-- version 2: the registry's word for it
 *	    PRIMARY KEY (lo, hi)) WITHOUT ROWID
 *
 * Addresses are struct ip's bytes (IPv4 IPv4-mapped), big-endian, so
 * BLOB order is address order.  A negative answer (not found, failed)
 * is about one address: lo = hi.  The enums are stored as ipwhois.h's
 * numbers, which only ever grow (checked below); a row with a number
 * this ipwhois does not know is skipped on load.
 *
 * Changing the table means a new SCHEMA_VERSION: files from a newer
 * ipwhois are refused, never rewritten (ipwhois reading schema 1 refuses
 * anything above 1, so version 2 is safe from it).  Older ones are read
 * as they are, and upgraded in place, rows kept, when a run writes
 * (upgrade()).
 *
 * Readers load it whole; one process per run (the reporter) writes, in
 * one transaction.  WAL lets a run read while another writes, and the
 * busy timeout makes two writers take turns instead of failing.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipwhois.h"

#define SCHEMA_VERSION	2
#define BUSY_MS		5000	/* a writer waits this long for another */

#define STR(x)		#x
#define XSTR(x)		STR(x)

/* The enums are stored as numbers: new ones may be added at the end,
 * but renumbering would misread every cache already written. */
_Static_assert(KIND_RESERVED == 13 && RIR_RIPE == 5 && ST_ERROR == 4 &&
    SRC_DB == 5, "the cache stores these numbers: keep them");
_Static_assert(FLD_MAX == 8, "a new field needs a column: a new schema");

static const char schema_sql[] =
    "CREATE TABLE answers (lo BLOB NOT NULL, hi BLOB NOT NULL,"
    " kind INT, registry INT, status INT, source INT, fetched INT,"
    " network TEXT, net_name TEXT, org TEXT, country TEXT, asn TEXT,"
    " as_name TEXT, abuse_email TEXT, net_type TEXT,"
    " PRIMARY KEY (lo, hi)) WITHOUT ROWID;"
    "PRAGMA user_version = " XSTR(SCHEMA_VERSION);

/* Version 1 to 2: the network's type, unknown for the rows already in. */
static const char upgrade_sql[] =
    "ALTER TABLE answers ADD COLUMN net_type TEXT;"
    "PRAGMA user_version = 2";

/* Column numbers in load_sql and store_sql; the fields follow C_FIELD. */
enum { C_LO, C_HI, C_KIND, C_FETCHED = C_KIND + 4, C_FIELD };

/* Every column but the key, in the order of load_sql and store_sql. */
#define V1_COLUMNS	"kind, registry, status, source, fetched, network," \
	" net_name, org, country, asn, as_name, abuse_email"
#define DATA_COLUMNS	V1_COLUMNS ", net_type"

static const char load_sql[] = "SELECT lo, hi, " DATA_COLUMNS " FROM answers";

/* A version 1 file read without writing (so not upgraded): no type. */
static const char load_v1_sql[] = "SELECT lo, hi, " V1_COLUMNS ", NULL"
    " FROM answers";

/* An older answer never replaces a newer one. */
static const char store_sql[] = "INSERT INTO answers (lo, hi, " DATA_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15) ON CONFLICT (lo, hi) DO UPDATE SET (" DATA_COLUMNS ") ="
    " (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    " WHERE fetched <= ?7";

/* The one-byte enums, in column order from C_KIND, and their bounds. */
static const struct {
	size_t	 off;
	int	 max;
} enum_col[] = {
	{ offsetof(struct answer, kind), KIND_MAX },
	{ offsetof(struct answer, registry), RIR_MAX },
	{ offsetof(struct answer, status), ST_MAX },
	{ offsetof(struct answer, source), SRC_MAX },
};

_Static_assert(C_KIND + nitems(enum_col) == C_FETCHED,
    "an enum column without a place");

struct cache {
	sqlite3	*db;
	char	*path;
	int	 empty;		/* no schema yet: a writer is making it */
	int64_t	 version;	/* the file's schema */
};

/* "path: what: SQLite's reason"; -1. */
static int
fail(const struct cache *c, char *err, size_t n, const char *what)
{
	setmsg(err, n, "%s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
	return -1;
}

static int
exec(struct cache *c, const char *sql)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * The schema version, or 0 for a database with nothing in it yet (new,
 * or a writer is making it), or -1 for one with tables but no version:
 * somebody else's.  One statement, so both come from one snapshot even
 * while another run makes the table.  Reading page 1 is also what finds
 * a file that is not a database at all.
 */
static int
read_version(struct cache *c, int64_t *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT user_version, (SELECT count(*)"
	    " FROM sqlite_master) FROM pragma_user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		if (*v == 0 && sqlite3_column_int64(st, 1) > 0)
			*v = -1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* What the first read's failure means, before SQLite's words for it. */
static const char *
why_unread(const struct cache *c)
{
	switch (sqlite3_extended_errcode(c->db)) {
	case SQLITE_NOTADB:
		return "not an ipwhois cache";
	case SQLITE_READONLY_DIRECTORY:
		/* A WAL file needs its -shm beside it, even to be read. */
		return "cannot read: its directory is not writable";
	}
	return sqlite3_errcode(c->db) == SQLITE_CORRUPT ? "damaged" :
	    "cannot read";
}

/*
 * WAL is a property of the file, so the writer sets it; once set, this
 * changes nothing.  Setting it upgrades a read lock, for which SQLite
 * does not wait (busy_timeout is not asked), so two first runs at once
 * take turns here.
 */
static int
set_wal(struct cache *c)
{
	int rc;

	for (int ms = 0; (rc = exec(c, "PRAGMA journal_mode = WAL")) == -1 &&
	    sqlite3_errcode(c->db) == SQLITE_BUSY && ms < BUSY_MS; ms += 5)
		sqlite3_sleep(5);
	return rc;
}

/* The table of a new file, under the write lock: another run may have
 * made it since the version was read, and then it is left alone. */
static int
make_schema(struct cache *c, int64_t *v, char *err, size_t n)
{
	if (exec(c, "BEGIN IMMEDIATE") == -1)
		return fail(c, err, n, "cannot write");
	if (read_version(c, v) == -1 ||
	    (*v == 0 && exec(c, schema_sql) == -1) ||
	    exec(c, "COMMIT") == -1) {
		fail(c, err, n, "cannot write");
		exec(c, "ROLLBACK");
		return -1;
	}
	if (*v == 0)
		*v = SCHEMA_VERSION;
	return 0;
}

/*
 * A version 1 file made version 2 in place, every row kept: one
 * transaction under the write lock, so a reader sees the old table or
 * the new one, and of two runs upgrading at once the second finds it
 * done.  An older ipwhois then refuses the file (schema 2), as it must:
 * it would not know the new column.
 */
static int
upgrade(struct cache *c, int64_t *v, char *err, size_t n)
{
	if (exec(c, "BEGIN IMMEDIATE") == -1)
		return fail(c, err, n, "cannot write");
	if (read_version(c, v) == -1 ||
	    (*v == 1 && exec(c, upgrade_sql) == -1) ||
	    exec(c, "COMMIT") == -1) {
		fail(c, err, n, "cannot upgrade to schema " XSTR(SCHEMA_VERSION));
		exec(c, "ROLLBACK");
		return -1;
	}
	if (*v == 1)
		*v = 2;
	return 0;
}

/*
 * Every page read and its structure checked (some 40 ms for 100,000
 * answers, 20 MB), so that a damaged file fails here, before a reader
 * trusts it or a writer adds to it.
 */
static int
check_pages(struct cache *c, char *err, size_t n)
{
	sqlite3_stmt *st;
	const char *said;
	int rc = -1;

	if (sqlite3_prepare_v2(c->db, "PRAGMA quick_check(1)", -1, &st,
	    NULL) != SQLITE_OK)
		return fail(c, err, n, "cannot read");
	if (sqlite3_step(st) != SQLITE_ROW)
		fail(c, err, n, "damaged");
	else if ((said = (const char *)sqlite3_column_text(st, 0)) == NULL ||
	    strcmp(said, "ok") != 0) {
		setmsg(err, n, "%s: damaged: %s", c->path, said ? said : "?");
		/* The report is lines: "*** in database main ***\nPage 2..." */
		for (char *p = err; p != NULL && p < err + n && *p; p++)
			if (*p == '\n')
				*p = ' ';
	} else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/*
 * Refuse what is not ours before changing anything in it; make the
 * table if the file is new and we write.
 */
static int
check_schema(struct cache *c, int create, char *err, size_t n)
{
	sqlite3_stmt *st;
	int64_t v;

	if (read_version(c, &v) == -1)
		return fail(c, err, n, why_unread(c));
	if (v > SCHEMA_VERSION) {
		setmsg(err, n, "%s: made by a newer ipwhois (schema %lld; "
		    "this one reads %d)", c->path, (long long)v,
		    SCHEMA_VERSION);
		return -1;
	}
	if (v < 0) {
		setmsg(err, n, "%s: not an ipwhois cache", c->path);
		return -1;
	}
	/* With WAL, NORMAL cannot corrupt: a power cut may lose the last
	 * run's answers, which are then asked again. */
	if (create && (set_wal(c) == -1 ||
	    exec(c, "PRAGMA synchronous = NORMAL") == -1))
		return fail(c, err, n, "cannot write");
	if (create && v == 0 && make_schema(c, &v, err, n) == -1)
		return -1;
	if (v == 0) {
		c->empty = 1;
		return 0;
	}
	if (create && v == 1 && upgrade(c, &v, err, n) == -1)
		return -1;
	c->version = v;
	if (sqlite3_prepare_v2(c->db, v == 1 ? load_v1_sql : load_sql, -1, &st,
	    NULL) != SQLITE_OK)
		return fail(c, err, n, "not an ipwhois cache");
	sqlite3_finalize(st);
	return check_pages(c, err, n);
}

/* mkdir -p of the file's directory, private as XDG asks of cache dirs. */
static int
make_dirs(const struct cache *c, char *err, size_t n)
{
	char *dir = xstrndup(c->path, strlen(c->path));
	struct stat sb;
	int rc = 0;

	for (char *p = dir + 1; *p != '\0' && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (stat(dir, &sb) == -1 && mkdir(dir, 0700) == -1 &&
		    errno != EEXIST) {
			setmsg(err, n, "%s: cannot make %s: %s", c->path, dir,
			    strerror(errno));
			rc = -1;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

/* Whether the directory of path can be written. */
static int
dir_writable(const char *path)
{
	char *copy = xstrndup(path, strlen(path));
	int ok = access(dirname(copy), W_OK) == 0;

	free(copy);
	return ok;
}

/*
 * Whether the cache at path can be written: the file, and its directory,
 * where SQLite makes its -wal and -shm files.  A read-only file system
 * or an immutable file says no, even to root.
 */
int
cache_writable(const char *path)
{
	return access(path, W_OK) == 0 && dir_writable(path);
}

/*
 * A file: URI naming path, with immutable=1: in a directory that cannot
 * be written, SQLite could not make the -shm file a WAL database needs
 * even to be read; immutable tells it nothing will change the file, so
 * it needs none.  Any byte of the path that a URI would read otherwise
 * is %-escaped.
 */
static char *
immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path);
	char *uri = xmalloc(len * 3 + sizeof("file:?immutable=1"));
	char *p = uri + sizeof("file:") - 1;

	memcpy(uri, "file:", sizeof("file:") - 1);
	for (const unsigned char *q = (const unsigned char *)path; *q; q++) {
		if (strchr("?#%", *q) != NULL || *q < 0x21 || *q > 0x7e) {
			*p++ = '%';
			*p++ = hex[*q >> 4];
			*p++ = hex[*q & 15];
		} else
			*p++ = (char)*q;
	}
	memcpy(p, "?immutable=1", sizeof("?immutable=1"));
	return uri;
}

/* Opened to read only: as an immutable file when its directory is read-only. */
static int
open_readonly(struct cache *c)
{
	char *uri;
	int rc;

	if (dir_writable(c->path))
		return sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READONLY,
		    NULL);
	uri = immutable_uri(c->path);
	rc = sqlite3_open_v2(uri, &c->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI, NULL);
	free(uri);
	return rc;
}

/*
 * The file, made first if we write: by us, 0600, since SQLite would make
 * it 0644 and its -wal and -shm files copy its mode.
 */
static int
open_file(struct cache *c, int create, char *err, size_t n)
{
	int fd, e;

	if (create) {
		if (make_dirs(c, err, n) == -1)
			return -1;
		if ((fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC,
		    0600)) == -1) {
			setmsg(err, n, "%s: %s", c->path, strerror(errno));
			return -1;
		}
		close(fd);
	}
	if ((create ? sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE,
	    NULL) : open_readonly(c)) != SQLITE_OK) {
		/* "No such file or directory" says more than "unable to
		 * open database file". */
		if ((e = sqlite3_system_errno(c->db)) != 0)
			setmsg(err, n, "%s: %s", c->path, strerror(e));
		else
			fail(c, err, n, "cannot open");
		return -1;
	}
	sqlite3_busy_timeout(c->db, BUSY_MS);
	return 0;
}

/*
 * The cache at path: create = 1 to write it (made, with its directory,
 * if missing), 0 to read it only.  The file is read here, so one that
 * is damaged or not ours fails now.  NULL with a message naming the file.
 */
struct cache *
cache_open(const char *path, int create, char *err, size_t errlen)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	c->path = xstrndup(path, strlen(path));
	if (open_file(c, create, err, errlen) == -1 ||
	    check_schema(c, create, err, errlen) == -1) {
		cache_close(c);
		return NULL;
	}
	return c;
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

/* The row into a (cleared first); -1 for one this ipwhois cannot use (a
 * newer one's enum, a damaged range), which is skipped. */
static int
row_answer(sqlite3_stmt *st, struct answer *a)
{
	const void *lo = sqlite3_column_blob(st, C_LO);
	const void *hi = sqlite3_column_blob(st, C_HI);

	memset(a, 0, sizeof(*a));
	if (sqlite3_column_bytes(st, C_LO) != 16 ||
	    sqlite3_column_bytes(st, C_HI) != 16 || memcmp(lo, hi, 16) > 0)
		return -1;
	memcpy(a->net.lo.b, lo, 16);
	memcpy(a->net.hi.b, hi, 16);
	/* From ::1 to an IPv4 address would hold IPv4 addresses below it. */
	if (ip_is_v4(&a->net.lo) != ip_is_v4(&a->net.hi))
		return -1;
	a->has_net = 1;
	for (size_t i = 0; i < nitems(enum_col); i++) {
		int64_t v = sqlite3_column_int64(st, C_KIND + (int)i);

		if (v < 0 || v >= enum_col[i].max)
			return -1;
		((uint8_t *)a)[enum_col[i].off] = (uint8_t)v;
	}
	a->fetched = sqlite3_column_int64(st, C_FETCHED);
	for (int f = 0; f < FLD_MAX; f++) {
		const char *t = (const char *)sqlite3_column_text(st,
		    C_FIELD + f);

		if (t != NULL)
			answer_set(a, (enum field)f, t,
			    (size_t)sqlite3_column_bytes(st, C_FIELD + f));
	}
	return 0;
}

/*
 * Every answer to fn, which copies what it keeps: a is cleared after.
 * fn's nonzero stops.  One statement, so one consistent snapshot even
 * while another run writes.  0, or -1 with err.
 */
int
cache_load(struct cache *c, int (*fn)(void *, const struct answer *),
    void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct answer a;
	int rc = SQLITE_DONE, stop = 0;

	if (c->empty)
		return 0;
	if (sqlite3_prepare_v2(c->db, c->version == 1 ? load_v1_sql :
	    load_sql, -1, &st, NULL) != SQLITE_OK)
		return fail(c, err, errlen, "cannot read");
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_answer(st, &a) == 0)
			stop = fn(ctx, &a);
		answer_clear(&a);
	}
	if (!stop && rc != SQLITE_DONE)
		fail(c, err, errlen, "cannot read");
	sqlite3_finalize(st);
	return !stop && rc != SQLITE_DONE ? -1 : 0;
}

/* a into the statement's parameters; SQLITE_STATIC, since a outlives the
 * step.  Any failed bind leaves a bit set in rc. */
static int
bind_answer(sqlite3_stmt *st, const struct answer *a)
{
	int rc;

	rc = sqlite3_bind_blob(st, 1 + C_LO, a->net.lo.b, 16, SQLITE_STATIC);
	rc |= sqlite3_bind_blob(st, 1 + C_HI, a->net.hi.b, 16, SQLITE_STATIC);
	for (size_t i = 0; i < nitems(enum_col); i++)
		rc |= sqlite3_bind_int(st, 1 + C_KIND + (int)i,
		    ((const uint8_t *)a)[enum_col[i].off]);
	rc |= sqlite3_bind_int64(st, 1 + C_FETCHED, a->fetched);
	for (int f = 0; f < FLD_MAX; f++)
		rc |= a->field[f] == NULL ? sqlite3_bind_null(st,
		    1 + C_FIELD + f) : sqlite3_bind_text(st, 1 + C_FIELD + f,
		    a->field[f], -1, SQLITE_STATIC);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * The n answers that have a network, in one transaction: all of them or,
 * on any error (busy past the timeout, disk full), none, and the file as
 * it was.  0, or -1 with err.
 */
int
cache_store(struct cache *c, const struct answer *const *v, size_t n,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;

	if (exec(c, "BEGIN IMMEDIATE") == -1)
		return fail(c, err, errlen, "cannot write");
	if (sqlite3_prepare_v2(c->db, store_sql, -1, &st, NULL) != SQLITE_OK)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (!v[i]->has_net)
			continue;
		if (bind_answer(st, v[i]) == -1 ||
		    sqlite3_step(st) != SQLITE_DONE)
			goto bad;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (exec(c, "COMMIT") == 0)
		return 0;
bad:
	fail(c, err, errlen, "cannot write");
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(c->db))
		exec(c, "ROLLBACK");
	return -1;
}
