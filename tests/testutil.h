/*
 * testutil.h: helpers shared by the Check unit tests (tests/check_*.c),
 * each linked with testutil.c.  They fail the running test with
 * ck_assert on anything that is the machine's fault, not the code's.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "ipwhois.h"	/* nitems, struct logctx */

const char	*tu_guarded(const char *, size_t);
char		*tu_slurp(const char *, size_t *);
const char	*tu_realdata(void);
char		*tu_realdata_file(const char *, size_t *);
int		 tu_run(Suite *);

/*
 * The log-format suites (check_logfmt.c, check_fmt_*.c).  Syslog lines
 * take their year from TU_REF, 2024-03-28 12:00 UTC.
 */
#define TU_REF		1711627200
#define TU_ANY_FIT	(-1)	/* tu_want fit: any that agrees with ip */
#define TU_NO_BYTES	(-1)	/* tu_want bytes: the line gives no size */

/* What a line must give.  ip NULL: no client (then when, bytes unread). */
struct tu_want {
	int		 fit;
	const char	*ip;
	int64_t		 when, bytes;
};

/* What a "# failJSON: {...}" line says of the next line; "": not said. */
struct tu_failjson {
	char		 host[256], time[32];
	int		 match;
};

typedef void	tu_cut_fn(size_t, int, const struct hit *, const void *);
typedef void	tu_failjson_fn(const char *, size_t,
		    const struct tu_failjson *, void *);

void		 tu_logctx(struct logctx *, enum logfmt, int);
void		 tu_check_hit(const struct logctx *, const char *, size_t,
		    int, const struct hit *, const struct tu_want *);
void		 tu_check_line(struct logctx *, const char *, size_t,
		    const struct tu_want *);
void		 tu_check_crlf(struct logctx *, const char *,
		    const struct tu_want *);
void		 tu_check_fresh(enum logfmt, int, const char *, int,
		    const struct tu_want *);
void		 tu_each_cut(const struct logctx *, const char *, size_t,
		    tu_cut_fn *, const void *);
void		 tu_detect(const char *, const char *, enum logfmt);
void		 tu_check_name(const char *, enum logfmt);
int		 tu_failjson_each(const char *, tu_failjson_fn *, void *);

#endif /* TESTUTIL_H */
