/*
 * Timings for make bench that only the library can give: the IP
 * database's open and lookup rate, and the cache's write and read of many
 * networks.  Prints "name value" lines for tests/bench.sh to read.
 *
 *	dbbench ipdb FILE		open (best of 50), lookups per second
 *	dbbench ipdb N FILE [FILE]	the same over N addresses, FILE
 *					ipwhois's own or a MaxMind DB (two:
 *					asked in turn, as --db twice)
 *	dbbench cache FILE N		store N networks, then load them
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"

#define LOOKUPS	(4 * 1000 * 1000)

static double
secs_since(int64_t t0)
{
	return (double)(now_ns() - t0) / 1e9;
}

/* xorshift: the same addresses every run, no libc state. */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The files, as main opens --db given twice. */
static struct ipdb *
open_all(char **path, int n, char *err, size_t errlen)
{
	struct ipdb *db = NULL, *more;

	for (int i = 0; i < n; i++) {
		if ((more = ipdb_open(path[i], err, errlen)) == NULL) {
			ipdb_close(db);
			return NULL;
		}
		if (db == NULL)
			db = more;
		else
			ipdb_chain(db, more);
	}
	return db;
}

static int
bench_ipdb(char **path, int npath, size_t lookups)
{
	struct ipdb_answer a;
	struct ipdb *db;
	struct ip *addrs;
	char err[256];
	double best = 1e9;
	uint64_t seed = 88172645463325252ULL, found = 0;
	int64_t t0;

	for (int i = 0; i < 50; i++) {
		t0 = now_ns();
		if ((db = open_all(path, npath, err, sizeof(err))) == NULL) {
			fprintf(stderr, "dbbench: %s\n", err);
			return 1;
		}
		if (secs_since(t0) < best)
			best = secs_since(t0);
		ipdb_close(db);
	}
	printf("open_ms %.3f\n", best * 1e3);

	/* Four in five IPv4, the rest IPv6 in 2000::/4, as in real logs. */
	addrs = xmalloc(lookups * sizeof(*addrs));
	for (size_t i = 0; i < lookups; i++) {
		uint64_t r = next(&seed);

		if (r % 5 != 0)
			ip_from_v4(&addrs[i], (uint32_t)(r >> 16));
		else {
			memcpy(addrs[i].b, &r, 8);
			addrs[i].b[0] = (uint8_t)(0x20 | (addrs[i].b[0] & 0x0f));
			r = next(&seed);
			memcpy(addrs[i].b + 8, &r, 8);
		}
	}
	db = open_all(path, npath, err, sizeof(err));
	t0 = now_ns();
	for (size_t i = 0; i < lookups; i++)
		found += ipdb_lookup(db, &addrs[i], &a) == 1;
	printf("lookups_per_s %.0f\n", (double)lookups / secs_since(t0));
	printf("found %.1f%%\n", 100.0 * (double)found / (double)lookups);
	ipdb_close(db);
	free(addrs);
	return 0;
}

/* n networks of every size from /24 up, each with all its fields. */
static struct answer *
networks(size_t n)
{
	struct answer *v = xcalloc(n, sizeof(*v));
	char text[64];

	for (size_t i = 0; i < n; i++) {
		uint32_t base = 0x01000000u + (uint32_t)i * 256;

		v[i].has_net = 1;
		v[i].status = ST_OK;
		v[i].source = SRC_RDAP;
		v[i].registry = RIR_RIPE;
		v[i].fetched = 1764000000 + (int64_t)i;
		ip_from_v4(&v[i].net.lo, base);
		ip_from_v4(&v[i].net.hi, base + 255);
		snprintf(text, sizeof(text), "%u.%u.%u.0/24", base >> 24,
		    (base >> 16) & 255, (base >> 8) & 255);
		answer_set(&v[i], FLD_NETWORK, text, strlen(text));
		snprintf(text, sizeof(text), "EXAMPLE-NET-%zu", i);
		answer_set(&v[i], FLD_NET_NAME, text, strlen(text));
		snprintf(text, sizeof(text), "Example Hosting %zu Ltd", i % 5000);
		answer_set(&v[i], FLD_ORG, text, strlen(text));
		answer_set(&v[i], FLD_COUNTRY, "NL", 2);
		snprintf(text, sizeof(text), "%zu", 64512 + i % 1000);
		answer_set(&v[i], FLD_ASN, text, strlen(text));
		snprintf(text, sizeof(text), "EXAMPLE-AS-%zu", i % 1000);
		answer_set(&v[i], FLD_AS_NAME, text, strlen(text));
		snprintf(text, sizeof(text), "abuse@hosting%zu.example",
		    i % 5000);
		answer_set(&v[i], FLD_ABUSE_EMAIL, text, strlen(text));
	}
	return v;
}

static int
count_one(void *ctx, const struct answer *a)
{
	(void)a;
	++*(size_t *)ctx;
	return 0;
}

static int
bench_cache(const char *path, size_t n)
{
	struct answer *v = networks(n);
	const struct answer **p = xcalloc(n, sizeof(*p));
	struct cache *c;
	char err[512];
	size_t got = 0;
	int64_t t0;

	for (size_t i = 0; i < n; i++)
		p[i] = &v[i];
	unlink(path);
	t0 = now_ns();
	if ((c = cache_open(path, 1, err, sizeof(err))) == NULL ||
	    cache_store(c, p, n, err, sizeof(err)) == -1) {
		fprintf(stderr, "dbbench: %s\n", err);
		return 1;
	}
	cache_close(c);
	printf("store_s %.3f\n", secs_since(t0));
	t0 = now_ns();
	if ((c = cache_open(path, 0, err, sizeof(err))) == NULL ||
	    cache_load(c, count_one, &got, err, sizeof(err)) == -1) {
		fprintf(stderr, "dbbench: %s\n", err);
		return 1;
	}
	cache_close(c);
	printf("load_s %.3f\n", secs_since(t0));
	printf("loaded %zu\n", got);
	for (size_t i = 0; i < n; i++)
		answer_clear(&v[i]);
	free(v);
	free(p);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "ipdb") == 0)
		return bench_ipdb(argv + 2, 1, LOOKUPS);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "ipdb") == 0 &&
	    strtoul(argv[2], NULL, 10) > 0)
		return bench_ipdb(argv + 3, argc - 3,
		    strtoul(argv[2], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "cache") == 0)
		return bench_cache(argv[2], strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: dbbench ipdb [N] FILE [FILE] | cache FILE N\n");
	return 2;
}
