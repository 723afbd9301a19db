/*
 * The cache's rows (cache_load): the input is rows of the answers table,
 * written into a cache file straight through SQLite, around cache.c,
 * as a damaged file or another program could have left them.  Values
 * are separated by 0x1f, 14 to a row; a value's first byte says its
 * type: 'b' blob, 'i' integer (up to 8 bytes), 'r' real, 'n' NULL, 't'
 * or anything else text (its bytes as they are, UTF-8 or not).
 *
 * Every answer loaded is whole and clean (fuzz.h), with a network; the
 * answers stored again (cache_store) load back the same.
 */
#include <sqlite3.h>
#include <unistd.h>

#include "fuzz.h"

#define COLUMNS	15	/* the table of cache schema 2 */
#define ROWS	16

static char path[64];
static sqlite3 *db;
static struct cache *cache;

static void
cleanup(void)
{
	cache_close(cache);
	sqlite3_close(db);
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	path[strlen(path) - 4] = '\0';
	strcat(path, "-shm");
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	char err[256];

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/ipwhois-fuzz-%ld.db", dir,
	    (long)getpid());
	unlink(path);
	if ((cache = cache_open(path, 1, err, sizeof(err))) == NULL ||
	    sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	atexit(cleanup);
	return 0;
}

static void
bind(sqlite3_stmt *st, int col, const uint8_t *p, size_t n)
{
	int64_t v = 0;

	if (n == 0) {
		sqlite3_bind_text(st, col, "", 0, SQLITE_STATIC);
		return;
	}
	switch (p[0]) {
	case 'b':
		sqlite3_bind_blob(st, col, p + 1, (int)n - 1, SQLITE_STATIC);
		break;
	case 'i':
		memcpy(&v, p + 1, n - 1 < 8 ? n - 1 : 8);
		sqlite3_bind_int64(st, col, v);
		break;
	case 'r':
		sqlite3_bind_double(st, col, (double)(int8_t)p[n - 1] / 3);
		break;
	case 'n':
		sqlite3_bind_null(st, col);
		break;
	case 't':
		sqlite3_bind_text(st, col, (const char *)p + 1, (int)n - 1,
		    SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_text(st, col, (const char *)p, (int)n,
		    SQLITE_STATIC);
	}
}

static void
write_rows(const uint8_t *data, size_t n)
{
	const uint8_t *p = data, *end = data + n;
	sqlite3_stmt *st;
	int rows = 0;

	sqlite3_exec(db, "BEGIN; DELETE FROM answers", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO answers VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		abort();
	while (p < end && rows++ < ROWS) {
		for (int col = 1; col <= COLUMNS; col++) {
			const uint8_t *sep = p < end ? memchr(p, 0x1f,
			    (size_t)(end - p)) : NULL;
			const uint8_t *e = sep ? sep : end;

			bind(st, col, p, (size_t)(e - p));
			p = sep ? sep + 1 : end;
		}
		(void)sqlite3_step(st);	/* NULL keys are refused */
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

struct loaded {
	struct answer v[ROWS];
	size_t	 n;
};

static int
collect(void *arg, const struct answer *a)
{
	struct loaded *l = arg;

	fz_check_answer(a);
	if (!a->has_net)
		fz_fail("cache_load: an answer without its network");
	if (l->n == ROWS)
		fz_fail("cache_load: more answers than rows");
	answer_copy(&l->v[l->n++], a);
	return 0;
}

static void
load(struct loaded *l)
{
	char err[256];

	l->n = 0;
	if (cache_load(cache, collect, l, err, sizeof(err)) != 0)
		fz_fail("cache_load: %s", err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct loaded first, again;
	const struct answer *v[ROWS];
	char err[256];

	write_rows(data, n);
	load(&first);
	/* Stored again, the same answers come back. */
	sqlite3_exec(db, "DELETE FROM answers", NULL, NULL, NULL);
	for (size_t i = 0; i < first.n; i++)
		v[i] = &first.v[i];
	if (cache_store(cache, v, first.n, err, sizeof(err)) != 0)
		fz_fail("cache_store: %s", err);
	load(&again);
	if (again.n != first.n)
		fz_fail("cache: %zu answers stored, %zu loaded", first.n,
		    again.n);
	for (size_t i = 0; i < first.n; i++) {
		if (!answer_equal(&first.v[i], &again.v[i]) ||
		    first.v[i].fetched != again.v[i].fetched)
			fz_fail("cache: answer %zu is not the same again", i);
		answer_clear(&first.v[i]);
		answer_clear(&again.v[i]);
	}
	return 0;
}
