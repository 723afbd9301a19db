/*
 * testutil.h: helpers shared by the Check unit tests (tests/check_*.c),
 * each linked with testutil.c.  They fail the running test with
 * ck_assert on anything that is the machine's fault, not the code's.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include "ipwhois.h"	/* nitems */

const char	*tu_guarded(const char *, size_t);
char		*tu_slurp(const char *, size_t *);
const char	*tu_realdata(void);
char		*tu_realdata_file(const char *, size_t *);
int		 tu_run(Suite *);

#endif /* TESTUTIL_H */
