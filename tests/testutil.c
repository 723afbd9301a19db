/*
 * Helpers shared by the unit tests: guarded input buffers, whole files,
 * the real-data folder and the suite runner.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/*
 * s[0..n) at the very end of a readable page followed by an unmapped
 * one, so a scanner reading one byte past its input dies here and now,
 * sanitizer or not.  Valid until the next call.
 */
const char *
tu_guarded(const char *s, size_t n)
{
	static char *page;
	static size_t psz;

	if (page == NULL) {
		psz = (size_t)sysconf(_SC_PAGESIZE);
		page = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ck_assert_ptr_ne(page, MAP_FAILED);
		ck_assert_int_eq(mprotect(page + psz, psz, PROT_NONE), 0);
	}
	ck_assert_uint_le(n, psz);
	memcpy(page + psz - n, s, n);
	return page + psz - n;
}

/*
 * The whole file at path, NUL-terminated for the string scanners, its
 * length (without the NUL) in *len unless len is NULL.  NULL when it
 * cannot be opened: the caller knows whether that is a skip or a
 * failure.  A file that opens but cannot be read fails the test.
 */
char *
tu_slurp(const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

/*
 * The real-data folder: registry files and logs too large, or not ours,
 * to keep in the tree.  Tests that need it skip when it is not there.
 */
const char *
tu_realdata(void)
{
	const char *d = getenv("IPWHOIS_REALDATA");
	struct stat st;

	if (d == NULL || *d == '\0')
		d = "../shared/realdata";
	return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

/*
 * tu_slurp of relpath inside the real-data folder; when it is not there,
 * says so (flushed, so the line lands before the summary) and gives NULL
 * for the test to return on.
 */
char *
tu_realdata_file(const char *relpath, size_t *len)
{
	char path[4096];
	char *buf;

	if (tu_realdata() == NULL) {
		printf("skipped: realdata not found (%s)\n", relpath);
		fflush(stdout);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", tu_realdata(), relpath);
	if ((buf = tu_slurp(path, len)) == NULL) {
		printf("skipped: realdata not found (%s)\n", path);
		fflush(stdout);
	}
	return buf;
}

/* Runs s; the exit status for main: 0 when every check passed. */
int
tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
