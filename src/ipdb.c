/*
 * The local IP database: ASN, AS name and country for any address,
 * without asking anyone.  Built from the ip-location-db CSVs (asn-ipv4,
 * asn-ipv6: "start,end,asn,name"; geo-whois-asn-country-ipv4, -ipv6:
 * "start,end,CC") into one file made to be mapped, not parsed: every
 * worker maps it read-only and shares the pages.
 *
 * File layout, host byte order (the header says which), every section at
 * a multiple of 64 bytes, zero padding between sections:
 *
 *	header (struct ipdb_header, 256 bytes)
 *	    magic "IPWHOISDB", version, endianness marker 0x01020304,
 *	    file size, counts, offset and size of each section, a checksum
 *	    of the sections and one of the header itself.
 *	JUMP4	uint32[65537]	JUMP4[t]: first IPv4 interval whose start has
 *				top 16 bits >= t; JUMP4[65536] = n4
 *	START4	uint32[n4]	first address of each IPv4 interval, strictly
 *				ascending, START4[0] = 0: the intervals tile
 *				the whole space, one ends where the next starts
 *	REC4	uint32[n4]	the interval's record (0: no data)
 *	JUMP6	uint32[65537]	the same on the top 16 bits of IPv6
 *	START6	{ uint64 hi, lo }[n6]	as START4, for IPv6 (not ::ffff:0:0/96,
 *				which is IPv4)
 *	REC6	uint32[n6]
 *	RECS	struct ipdb_rec[nrec]	{ asn, name offset, name length, CC }:
 *				each distinct answer once; RECS[0] is empty
 *	NAMES	char[names_size]	AS names, each once, not NUL-terminated
 *
 * A lookup is two loads from the jump table and a binary search over the
 * few starts that share the address's top 16 bits, then one record.
 * Building is a sweep over range ends in which, per kind (ASN, country),
 * the smallest range covering a point wins, so a user's CSV with a
 * narrower range overrides the published one inside itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipwhois.h"

/* Bump this when the layout changes; older readers then refuse the file. */
#define IPDB_VERSION	1
#define IPDB_MAGIC	"IPWHOISDB"
#define IPDB_ENDIAN	0x01020304u
#define JUMP_N		(65536 + 1)
#define ALIGN		64
#define NAME_MAX_LEN	FIELD_MAX	/* longest AS name kept */
#define WARN_MAX	10		/* malformed rows named per file */

enum { S_JUMP4, S_START4, S_REC4, S_JUMP6, S_START6, S_REC6, S_RECS,
    S_NAMES, S_MAX };

static const char *const sec_name[S_MAX] = {
	"IPv4 jump table", "IPv4 starts", "IPv4 records", "IPv6 jump table",
	"IPv6 starts", "IPv6 records", "records", "names",
};

struct ipdb_header {
	char	 magic[16];	/* "IPWHOISDB", NUL padded */
	uint32_t endian;	/* IPDB_ENDIAN as the writer saw it */
	uint32_t version;	/* IPDB_VERSION; these two never move */
	uint32_t header_size;	/* sizeof(struct ipdb_header) */
	uint32_t flags;		/* 0 */
	uint64_t file_size;
	uint32_t n4, n6, nrec, names_size;
	struct {
		uint64_t off, size;
	} sec[S_MAX];
	uint64_t built;		/* seconds since the epoch */
	uint64_t data_sum;	/* sum_words() of bytes header_size.. */
	uint64_t header_sum;	/* sum_words() of the header, this zero */
	uint8_t	 spare[48];
};

struct ipdb_key6 {
	uint64_t hi, lo;
};

struct ipdb_rec {
	uint32_t asn;
	uint32_t name_off;
	uint16_t name_len;	/* 0: no name */
	char	 cc[2];		/* "\0\0": no country */
};

_Static_assert(sizeof(struct ipdb_header) == 256, "header size");
_Static_assert(sizeof(struct ipdb_key6) == 16, "key6 size");
_Static_assert(sizeof(struct ipdb_rec) == 12, "record size");

struct ipdb {
	const uint8_t *map;
	size_t	 size;
	const uint32_t *jump4, *start4, *rec4, *jump6, *rec6;
	const struct ipdb_key6 *start6;
	const struct ipdb_rec *recs;
	const char *names;
	uint32_t n4, n6, nrec, names_size;
	struct mmdb *mm;	/* an MMDB file: the fields above unused */
	struct ipdb *next;	/* the next file asked: --db given twice */
};

/*
 * A Fletcher-style checksum of 8-byte words in four independent lanes:
 * it catches flipped bits and swapped words, and runs at memory speed, so
 * summing the whole file at open costs about a millisecond.  n is a
 * multiple of 8.
 */
static uint64_t
sum_words(const uint8_t *p, size_t n)
{
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
	uint64_t w[4], r = n;
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		memcpy(w, p + i, 32);
		b0 += a0 += w[0];
		b1 += a1 += w[1];
		b2 += a2 += w[2];
		b3 += a3 += w[3];
	}
	for (; i + 8 <= n; i += 8) {
		memcpy(w, p + i, 8);
		b0 += a0 += w[0];
	}
	{
		const uint64_t lane[8] = { a0, a1, a2, a3, b0, b1, b2, b3 };

		for (int l = 0; l < 8; l++) {
			r = (r ^ lane[l]) * 0xff51afd7ed558ccdULL;
			r ^= r >> 29;
		}
	}
	return r ^ r >> 32;
}

/* ---- lookup ---- */

static int
answer_from(const struct ipdb *db, uint32_t r, struct ipdb_answer *ans)
{
	const struct ipdb_rec *rec;

	memset(ans, 0, sizeof(*ans));
	/* Checked at open; checked again so that a lookup can never stray. */
	if (r == 0 || r >= db->nrec)
		return 0;
	rec = &db->recs[r];
	ans->asn = rec->asn;
	if (rec->name_len > 0 &&
	    (uint64_t)rec->name_off + rec->name_len <= db->names_size) {
		ans->as_name = db->names + rec->name_off;
		ans->as_name_len = rec->name_len;
	}
	if (rec->cc[0] != '\0') {
		ans->country[0] = rec->cc[0];
		ans->country[1] = rec->cc[1];
	}
	return ans->asn != 0 || ans->as_name != NULL || ans->country[0] != '\0';
}

static int
own_lookup(const struct ipdb *db, const struct ip *ip,
    struct ipdb_answer *ans)
{
	uint32_t lo, hi, t;

	if (ip_is_v4(ip)) {
		uint32_t a = ip_v4(ip);

		t = a >> 16;
		lo = db->jump4[t];
		hi = db->jump4[t + 1];
		/* The first start above a, within the bucket; a's interval is
		 * the one before (the bucket before it when none is inside). */
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (db->start4[mid] <= a)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* lo is never 0 (START4[0] = 0): checked at open. */
		return answer_from(db, lo > 0 && lo <= db->n4 ?
		    db->rec4[lo - 1] : 0, ans);
	} else {
		uint64_t ah, al;

		ip_words(ip, &ah, &al);

		t = (uint32_t)(ah >> 48);
		lo = db->jump6[t];
		hi = db->jump6[t + 1];
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			const struct ipdb_key6 *k = &db->start6[mid];

			if (k->hi < ah || (k->hi == ah && k->lo <= al))
				lo = mid + 1;
			else
				hi = mid;
		}
		return answer_from(db, lo > 0 && lo <= db->n6 ?
		    db->rec6[lo - 1] : 0, ans);
	}
}

/* What more says and ans lacks, into ans. */
static void
fill_in(struct ipdb_answer *ans, const struct ipdb_answer *more)
{
	if (ans->asn == 0 && ans->as_name == NULL) {
		ans->asn = more->asn;
		/* A name goes with its number, never with another's. */
		ans->as_name = more->as_name;
		ans->as_name_len = more->as_name_len;
	}
	if (ans->country[0] == '\0')
		memcpy(ans->country, more->country, sizeof(ans->country));
}

/*
 * Each file in turn until the answer is whole: with an ASN file and a
 * country file (as GeoLite2 and DB-IP ship them), each gives its part.
 */
int
ipdb_lookup(const struct ipdb *db, const struct ip *ip,
    struct ipdb_answer *ans)
{
	struct ipdb_answer more;

	memset(ans, 0, sizeof(*ans));
	for (; db != NULL; db = db->next) {
		if ((db->mm != NULL ? mmdb_lookup(db->mm, ip, &more) :
		    own_lookup(db, ip, &more)) == 1)
			fill_in(ans, &more);
		if (ans->asn != 0 && ans->country[0] != '\0')
			break;
	}
	return ans->asn != 0 || ans->as_name != NULL || ans->country[0] != '\0';
}

/* ---- open ---- */

static int
check_jump(const uint32_t *jump, uint32_t n)
{
	if (jump[0] != 0 || jump[JUMP_N - 1] != n)
		return -1;
	for (size_t t = 0; t + 1 < JUMP_N; t++)
		if (jump[t] > jump[t + 1])
			return -1;
	return 0;
}

/*
 * Each nonempty jump bucket's first and last start carry its top 16 bits;
 * with starts in order (checked apart, in one branch-free pass), that puts
 * every start in its bucket.
 */
static int
check_buckets(const uint32_t *jump, const uint32_t *start)
{
	for (uint32_t t = 0; t + 1 < JUMP_N; t++) {
		uint32_t lo = jump[t], hi = jump[t + 1];

		if (lo < hi && (start[lo] >> 16 != t ||
		    start[hi - 1] >> 16 != t))
			return -1;
	}
	return 0;
}

static uint32_t
max_u32(const uint32_t *v, uint32_t n)
{
	uint32_t m = 0;

	for (uint32_t i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

static const char *
check_v4(const struct ipdb *db)
{
	const uint32_t *s = db->start4;
	unsigned bad = 0;

	if (check_jump(db->jump4, db->n4) == -1)
		return "IPv4 jump table out of order";
	if (s[0] != 0)
		return "IPv4 intervals do not start at 0";
	for (uint32_t i = 1; i < db->n4; i++)
		bad |= s[i] <= s[i - 1];
	if (bad)
		return "IPv4 starts out of order";
	if (check_buckets(db->jump4, s) == -1)
		return "IPv4 start outside its jump bucket";
	if (max_u32(db->rec4, db->n4) >= db->nrec)
		return "IPv4 record index out of range";
	return NULL;
}

static const char *
check_v6(const struct ipdb *db)
{
	const struct ipdb_key6 *k = db->start6;
	unsigned bad = 0;

	if (check_jump(db->jump6, db->n6) == -1)
		return "IPv6 jump table out of order";
	if (k[0].hi != 0 || k[0].lo != 0)
		return "IPv6 intervals do not start at 0";
	for (uint32_t i = 1; i < db->n6; i++)
		bad |= (k[i].hi < k[i - 1].hi) |
		    ((k[i].hi == k[i - 1].hi) & (k[i].lo <= k[i - 1].lo));
	if (bad)
		return "IPv6 starts out of order";
	for (uint32_t t = 0; t + 1 < JUMP_N; t++) {
		uint32_t lo = db->jump6[t], hi = db->jump6[t + 1];

		if (lo < hi && (k[lo].hi >> 48 != t || k[hi - 1].hi >> 48 != t))
			return "IPv6 start outside its jump bucket";
	}
	if (max_u32(db->rec6, db->n6) >= db->nrec)
		return "IPv6 record index out of range";
	return NULL;
}

static const char *
check_recs(const struct ipdb *db)
{
	const struct ipdb_rec *r = db->recs;
	unsigned bad = 0;

	if (r[0].asn != 0 || r[0].name_len != 0 || r[0].cc[0] != '\0')
		return "record 0 is not empty";
	for (uint32_t i = 0; i < db->nrec; i++)
		bad |= (uint64_t)r[i].name_off + r[i].name_len > db->names_size;
	return bad ? "AS name out of range" : NULL;
}

/* Every section inside the file, in order, of the size its count says. */
static const char *
check_layout(const struct ipdb_header *h)
{
	const uint64_t want[S_MAX] = {
		[S_JUMP4] = JUMP_N * 4ULL,
		[S_START4] = h->n4 * 4ULL,
		[S_REC4] = h->n4 * 4ULL,
		[S_JUMP6] = JUMP_N * 4ULL,
		[S_START6] = h->n6 * 16ULL,
		[S_REC6] = h->n6 * 4ULL,
		[S_RECS] = h->nrec * 12ULL,
		[S_NAMES] = h->names_size,
	};
	static char msg[64];
	uint64_t end = sizeof(*h);

	if (h->n4 == 0 || h->n6 == 0 || h->nrec == 0)
		return "empty section";
	for (int s = 0; s < S_MAX; s++) {
		if (h->sec[s].size != want[s] || h->sec[s].off % ALIGN != 0 ||
		    h->sec[s].off < end || h->sec[s].off > h->file_size ||
		    h->sec[s].size > h->file_size - h->sec[s].off) {
			snprintf(msg, sizeof(msg), "bad %s section", sec_name[s]);
			return msg;
		}
		end = h->sec[s].off + h->sec[s].size;
	}
	return NULL;
}

static const char *
check_header(const struct ipdb_header *h, uint64_t size, const uint8_t *map)
{
	struct ipdb_header copy;

	if (h->header_size != sizeof(*h) || h->flags != 0)
		return "bad header size or flags";
	copy = *h;
	copy.header_sum = 0;
	if (sum_words((const uint8_t *)&copy, sizeof(copy)) != h->header_sum)
		return "header checksum mismatch";
	if (h->file_size != size)
		return "truncated or extended (size differs from the header's)";
	if (size % 8 != 0 ||
	    sum_words(map + sizeof(*h), size - sizeof(*h)) != h->data_sum)
		return "data checksum mismatch";
	return check_layout(h);
}

static struct ipdb *
open_mmdb(const char *path, char *err, size_t errlen)
{
	struct mmdb *mm;
	struct ipdb *db;

	if ((mm = mmdb_open(path, err, errlen)) == NULL)
		return NULL;
	db = xcalloc(1, sizeof(*db));
	db->mm = mm;
	return db;
}

/* An ipwhois database or a MaxMind DB, whichever path holds. */
struct ipdb *
ipdb_open(const char *path, char *err, size_t errlen)
{
	struct ipdb_header h;
	struct ipdb *db;
	struct stat st;
	const char *why;
	void *map;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		setmsg(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		setmsg(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		setmsg(err, errlen, "%s: not an ipwhois database (too short)",
		    path);
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		setmsg(err, errlen, "%s: mmap: %s", path, strerror(errno));
		return NULL;
	}
	/* By content, not by name: ours starts with its magic. */
	if ((uint64_t)st.st_size < sizeof(h) ||
	    memcmp(map, IPDB_MAGIC, sizeof(IPDB_MAGIC)) != 0) {
		int is_mmdb = mmdb_is(map, (size_t)st.st_size);

		munmap(map, (size_t)st.st_size);
		if (is_mmdb)
			return open_mmdb(path, err, errlen);
		setmsg(err, errlen, "%s: not an ipwhois database or MaxMind "
		    "DB (%s)", path, (uint64_t)st.st_size < sizeof(h) ?
		    "too short" : "bad magic");
		return NULL;
	}
	memcpy(&h, map, sizeof(h));
	if (memcmp(h.magic, IPDB_MAGIC, sizeof(IPDB_MAGIC)) != 0)
		why = "not an ipwhois database (bad magic)";
	else if (h.endian != IPDB_ENDIAN)
		why = "built on a machine of the other byte order; rebuild it";
	else if (h.version > IPDB_VERSION)
		why = "format is newer than this ipwhois reads; upgrade ipwhois";
	else if (h.version < IPDB_VERSION)
		why = "format is older than this ipwhois reads; rebuild it";
	else
		why = check_header(&h, (uint64_t)st.st_size, map);
	if (why != NULL) {
		setmsg(err, errlen, "%s: %s", path, why);
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		setmsg(err, errlen, "%s: out of memory", path);
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	db->map = map;
	db->size = (size_t)st.st_size;
	db->n4 = h.n4;
	db->n6 = h.n6;
	db->nrec = h.nrec;
	db->names_size = h.names_size;
	db->jump4 = (const uint32_t *)(db->map + h.sec[S_JUMP4].off);
	db->start4 = (const uint32_t *)(db->map + h.sec[S_START4].off);
	db->rec4 = (const uint32_t *)(db->map + h.sec[S_REC4].off);
	db->jump6 = (const uint32_t *)(db->map + h.sec[S_JUMP6].off);
	db->start6 = (const struct ipdb_key6 *)(db->map + h.sec[S_START6].off);
	db->rec6 = (const uint32_t *)(db->map + h.sec[S_REC6].off);
	db->recs = (const struct ipdb_rec *)(db->map + h.sec[S_RECS].off);
	db->names = (const char *)(db->map + h.sec[S_NAMES].off);
	if ((why = check_v4(db)) != NULL || (why = check_v6(db)) != NULL ||
	    (why = check_recs(db)) != NULL) {
		setmsg(err, errlen, "%s: %s", path, why);
		ipdb_close(db);
		return NULL;
	}
	return db;
}

/* How many intervals ipwhois's own file holds; 0 for an MMDB file. */
uint64_t
ipdb_intervals(const struct ipdb *db)
{
	return db->mm != NULL ? 0 : (uint64_t)db->n4 + db->n6;
}

/* more asked after db, for what db does not know. */
void
ipdb_chain(struct ipdb *db, struct ipdb *more)
{
	while (db->next != NULL)
		db = db->next;
	db->next = more;
}

/* For -v: what kind of file db is ("ipwhois", "MaxMind DB GeoLite2-ASN"). */
void
ipdb_describe(const struct ipdb *db, char *buf, size_t n)
{
	if (db->mm != NULL)
		setmsg(buf, n, "MaxMind DB %s", mmdb_type(db->mm));
	else
		setmsg(buf, n, "ipwhois");
}

void
ipdb_close(struct ipdb *db)
{
	while (db != NULL) {
		struct ipdb *next = db->next;

		if (db->mm != NULL)
			mmdb_close(db->mm);
		else
			munmap((void *)db->map, db->size);
		free(db);
		db = next;
	}
}

/* ---- build ---- */

/* A 128-bit address value; IPv4 uses lo only. */
struct u128 {
	uint64_t hi, lo;
};

enum { K_ASN, K_CC, K_MAX };

struct range {
	struct u128 lo, hi, size;
	uint32_t seq;		/* input order: later wins a tie */
	uint32_t asn;
	uint32_t name_off;
	uint16_t name_len;
	uint8_t	 kind;
	char	 cc[2];
};

struct event {
	struct u128 at;
	uint32_t range;
	uint32_t add;
};

struct vec {
	void	*p;
	size_t	 n, cap, sz;
};

struct interval {
	struct u128 start;
	uint32_t rec;
};

/* Open-addressing table of uint32 ids, keyed through callbacks. */
struct idtab {
	uint32_t *slot;		/* id + 1, 0 empty */
	size_t	 mask;
	size_t	 used;
};

struct builder {
	struct vec range[2];	/* per family: 0 IPv4, 1 IPv6 */
	struct vec names;	/* char */
	struct vec nameref;	/* struct { off, len } per distinct name */
	struct idtab nametab;
	struct vec recs;	/* struct ipdb_rec */
	struct idtab rectab;
	struct vec out[2];	/* struct interval */
	uint32_t seq;
	char	*scratch;	/* one field, unquoted */
};

struct nameref {
	uint32_t off, len;
};

static void	 builder_free(struct builder *);

static void *
vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 1024;
		void *p = realloc(v->p, cap * v->sz);

		if (p == NULL)
			return NULL;
		v->p = p;
		v->cap = cap;
	}
	return (char *)v->p + v->sz * v->n++;
}

static int
vec_append(struct vec *v, const void *src, size_t n)
{
	while (v->n + n > v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 4096;
		void *p = realloc(v->p, cap * v->sz);

		if (p == NULL)
			return -1;
		v->p = p;
		v->cap = cap;
	}
	memcpy((char *)v->p + v->sz * v->n, src, n * v->sz);
	v->n += n;
	return 0;
}

static uint64_t
hash_mem(const void *p, size_t n)
{
	uint64_t h = fnv1a(FNV1A_INIT, p, n);

	return h ^ h >> 32;
}

static int
idtab_grow(struct idtab *t, uint64_t (*hash)(const struct builder *,
    uint32_t), const struct builder *b)
{
	size_t cap = t->mask ? 2 * (t->mask + 1) : 4096;
	uint32_t *slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -1;
	for (size_t i = 0; t->mask && i <= t->mask; i++) {
		size_t j;

		if (t->slot[i] == 0)
			continue;
		j = hash(b, t->slot[i] - 1) & (cap - 1);
		while (slot[j] != 0)
			j = (j + 1) & (cap - 1);
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->mask = cap - 1;
	return 0;
}

static uint64_t
name_hash(const struct builder *b, uint32_t id)
{
	const struct nameref *r = (const struct nameref *)b->nameref.p + id;

	return hash_mem((const char *)b->names.p + r->off, r->len);
}

static uint64_t
rec_hash(const struct builder *b, uint32_t id)
{
	return hash_mem((const struct ipdb_rec *)b->recs.p + id,
	    sizeof(struct ipdb_rec));
}

/* The offset of name s[0..n) in the name table, added when new. */
static int
name_intern(struct builder *b, const char *s, size_t n, uint32_t *off)
{
	struct idtab *t = &b->nametab;
	struct nameref *r;
	size_t j;

	if ((t->used + 1) * 2 > t->mask + 1 &&
	    idtab_grow(t, name_hash, b) == -1)
		return -1;
	for (j = hash_mem(s, n) & t->mask; t->slot[j] != 0;
	    j = (j + 1) & t->mask) {
		r = (struct nameref *)b->nameref.p + (t->slot[j] - 1);
		if (r->len == n &&
		    memcmp((char *)b->names.p + r->off, s, n) == 0) {
			*off = r->off;
			return 0;
		}
	}
	if (b->names.n + n > UINT32_MAX || (r = vec_push(&b->nameref)) == NULL)
		return -1;
	r->off = (uint32_t)b->names.n;
	r->len = (uint32_t)n;
	if (vec_append(&b->names, s, n) == -1)
		return -1;
	t->slot[j] = (uint32_t)b->nameref.n;
	t->used++;
	*off = r->off;
	return 0;
}

static int
rec_intern(struct builder *b, const struct ipdb_rec *rec, uint32_t *id)
{
	struct idtab *t = &b->rectab;
	struct ipdb_rec *r;
	size_t j;

	if ((t->used + 1) * 2 > t->mask + 1 &&
	    idtab_grow(t, rec_hash, b) == -1)
		return -1;
	for (j = hash_mem(rec, sizeof(*rec)) & t->mask; t->slot[j] != 0;
	    j = (j + 1) & t->mask) {
		r = (struct ipdb_rec *)b->recs.p + (t->slot[j] - 1);
		if (memcmp(r, rec, sizeof(*rec)) == 0) {
			*id = t->slot[j] - 1;
			return 0;
		}
	}
	if ((r = vec_push(&b->recs)) == NULL)
		return -1;
	*r = *rec;
	*id = (uint32_t)(b->recs.n - 1);
	t->slot[j] = (uint32_t)b->recs.n;
	t->used++;
	return 0;
}

struct csvfield {
	const char *s;
	size_t	 n;
};

/*
 * Split one CSV line (RFC 4180: quoted fields, "" inside quotes) into at
 * most max fields.  Unquoted copies go to scratch.  Returns the number of
 * fields, or -1 with *why set.
 */
static int
csv_split(const char *p, const char *end, struct csvfield *f, int max,
    char *scratch, const char **why)
{
	int nf = 0;

	for (;;) {
		if (nf == max) {
			*why = "too many fields";
			return -1;
		}
		if (p < end && *p == '"') {
			char *o = scratch;

			for (p++;; p++) {
				if (p == end) {
					*why = "unterminated quote";
					return -1;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"')
						p++;
					else
						break;
				}
				*o++ = *p;
			}
			p++;
			f[nf].s = scratch;
			f[nf].n = (size_t)(o - scratch);
			scratch = o;
			if (p < end && *p != ',') {
				*why = "text after a closing quote";
				return -1;
			}
		} else {
			const char *c = memchr(p, ',', (size_t)(end - p));

			f[nf].s = p;
			f[nf].n = (size_t)((c ? c : end) - p);
			if (memchr(p, '"', f[nf].n) != NULL) {
				*why = "quote inside an unquoted field";
				return -1;
			}
			p += f[nf].n;
		}
		nf++;
		if (p == end)
			return nf;
		p++;	/* the comma */
	}
}

static struct u128
u128_of(const struct ip *ip, int v6)
{
	struct u128 v = { 0, 0 };

	if (!v6)
		v.lo = ip_v4(ip);
	else
		ip_words(ip, &v.hi, &v.lo);
	return v;
}

static int
u128_lt(struct u128 a, struct u128 b)
{
	return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
}

static int
u128_eq(struct u128 a, struct u128 b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

/* One row into a range; NULL, or why the row is refused. */
static const char *
parse_row(struct builder *b, const char *p, const char *end)
{
	struct csvfield f[4];
	struct ip lo, hi;
	struct range r;
	const char *why;
	int nf, v6;

	memset(&r, 0, sizeof(r));
	if ((nf = csv_split(p, end, f, 4, b->scratch, &why)) == -1)
		return why;
	if (nf == 3) {
		const char *c = f[2].s;

		if (f[2].n != 2 || !((c[0] | 0x20) >= 'a' && (c[0] | 0x20) <= 'z') ||
		    !((c[1] | 0x20) >= 'a' && (c[1] | 0x20) <= 'z'))
			return "country is not a 2-letter code";
		r.kind = K_CC;
		r.cc[0] = (char)(c[0] & ~0x20);
		r.cc[1] = (char)(c[1] & ~0x20);
	} else if (nf == 4) {
		uint64_t asn = 0;

		if (f[2].n == 0)
			return "ASN is not a number";
		for (size_t i = 0; i < f[2].n; i++) {
			if (f[2].s[i] < '0' || f[2].s[i] > '9')
				return "ASN is not a number";
			if (asn <= UINT32_MAX)
				asn = asn * 10 + (uint64_t)(f[2].s[i] - '0');
		}
		if (asn > UINT32_MAX)
			return "ASN out of range";
		if (f[3].n > NAME_MAX_LEN)
			return "AS name too long";
		r.kind = K_ASN;
		r.asn = (uint32_t)asn;
		r.name_len = (uint16_t)f[3].n;
		if (f[3].n > 0 && name_intern(b, f[3].s, f[3].n, &r.name_off) == -1)
			return "out of memory";
	} else
		return "expected start,end,CC or start,end,ASN,name";
	if (ip_parse(f[0].s, f[0].n, &lo) == -1)
		return "bad start address";
	if (ip_parse(f[1].s, f[1].n, &hi) == -1)
		return "bad end address";
	if (ip_is_v4(&lo) != ip_is_v4(&hi))
		return "start and end of different families";
	v6 = !ip_is_v4(&lo);
	r.lo = u128_of(&lo, v6);
	r.hi = u128_of(&hi, v6);
	if (u128_lt(r.hi, r.lo))
		return "start after end";
	r.size.hi = r.hi.hi - r.lo.hi - (r.hi.lo < r.lo.lo);
	r.size.lo = r.hi.lo - r.lo.lo;
	r.seq = b->seq++;
	{
		struct range *slot = vec_push(&b->range[v6]);

		if (slot == NULL)
			return "out of memory";
		*slot = r;
	}
	return NULL;
}

/* The whole file into memory: one read, not one call per line. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t cap, n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 :
	    65536;
	for (;;) {
		if (n == cap || buf == NULL) {
			char *p = realloc(buf, n == cap ? 2 * cap : cap);

			if (p == NULL)
				goto fail;
			if (n == cap)
				cap *= 2;
			buf = p;
		}
		if ((r = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	r = errno;
	free(buf);
	close(fd);
	errno = (int)r;
	return NULL;
}

/* Read one CSV; -1 when it cannot be read or has no valid row. */
static int
read_csv(struct builder *b, const char *path, unsigned long *rows,
    unsigned long *bad, char *err, size_t errlen)
{
	unsigned long line = 0, good = 0, skipped = 0;
	size_t len, longest = 0;
	char *buf, *p, *end, *nl;

	if ((buf = slurp(path, &len)) == NULL) {
		setmsg(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* The scratch for unquoted fields must hold the longest line. */
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > longest)
			longest = (size_t)(nl - p);
	}
	free(b->scratch);
	if ((b->scratch = malloc(longest + 1)) == NULL) {
		free(buf);
		setmsg(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (p = buf; p < end; p = nl + 1) {
		const char *why, *stop;

		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		stop = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (stop == p)
			continue;	/* blank line */
		if ((why = parse_row(b, p, stop)) == NULL) {
			good++;
			continue;
		}
		if (strcmp(why, "out of memory") == 0) {
			free(buf);
			setmsg(err, errlen, "%s: out of memory", path);
			return -1;
		}
		if (skipped++ < WARN_MAX)
			fprintf(stderr, "ipwhois: %s:%lu: %s, row skipped\n",
			    path, line, why);
	}
	free(buf);
	if (skipped > WARN_MAX)
		fprintf(stderr, "ipwhois: %s: %lu malformed rows skipped\n",
		    path, skipped);
	if (good == 0) {
		setmsg(err, errlen, "%s: no valid row", path);
		return -1;
	}
	*rows += good;
	*bad += skipped;
	return 0;
}

/*
 * For --update-db: a published CSV, whole and clean, or -1 with why
 * (named as name, its URL).  Unlike --build-db, which skips a bad row and
 * lets a narrower range win, every row must be good and each family's
 * ranges in order without overlap, as the published files are; the last
 * line must end, as a cut file's does not.  Its rows into *rows.
 */
int
ipdb_check_csv(const char *path, const char *name, unsigned long *rows,
    char *err, size_t errlen)
{
	struct builder b;
	struct range last[2];
	size_t len, longest = 0;
	unsigned long line = 0, good = 0;
	char *buf, *p, *end, *nl;
	const char *why = NULL;
	int have[2] = { 0, 0 }, rc;

	memset(&b, 0, sizeof(b));
	b.range[0].sz = b.range[1].sz = sizeof(struct range);
	b.names.sz = 1;
	b.nameref.sz = sizeof(struct nameref);
	if ((buf = slurp(path, &len)) == NULL) {
		setmsg(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	end = buf + len;
	for (p = buf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > longest)
			longest = (size_t)(nl - p);
	}
	/* A cut file's last row may still parse: the end is looked at first. */
	if (len > 0 && end[-1] != '\n')
		why = "cut short (the last line does not end)";
	else if ((b.scratch = malloc(longest + 1)) == NULL)
		why = "out of memory";
	for (p = buf; why == NULL && p < end; p = nl + 1) {
		const char *stop;
		int f;

		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		stop = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if ((why = parse_row(&b, p, stop)) != NULL)
			break;
		f = b.range[1].n > 0;
		{
			const struct range *r = b.range[f].p;

			if (have[f] && !u128_lt(last[f].hi, r[0].lo))
				why = "out of order or overlapping the row "
				    "before";
			last[f] = r[0];
			have[f] = 1;
			b.range[f].n = 0;	/* one at a time */
			good++;
		}
	}
	rc = -1;
	if (why != NULL && line > 0)
		setmsg(err, errlen, "%s:%lu: %s", name, line, why);
	else if (why != NULL)
		setmsg(err, errlen, "%s: %s", name, why);
	else if (good == 0)
		setmsg(err, errlen, "%s: no rows", name);
	else {
		*rows = good;
		rc = 0;
	}
	free(buf);
	builder_free(&b);
	return rc;
}

static int
event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (u128_eq(x->at, y->at))
		return 0;
	return u128_lt(x->at, y->at) ? -1 : 1;
}

/* Heap order: the smaller range first, the later one on a tie. */
static int
better(const struct range *r, uint32_t a, uint32_t b)
{
	if (!u128_eq(r[a].size, r[b].size))
		return u128_lt(r[a].size, r[b].size);
	return r[a].seq > r[b].seq;
}

struct heap {
	uint32_t *v;
	size_t	 n;
};

static void
heap_push(struct heap *h, const struct range *r, uint32_t id)
{
	size_t i = h->n++;

	while (i > 0 && better(r, id, h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = id;
}

static void
heap_pop(struct heap *h, const struct range *r)
{
	uint32_t last = h->v[--h->n];
	size_t i = 0, n = h->n;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && better(r, h->v[c + 1], h->v[c]))
			c++;
		if (!better(r, h->v[c], last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (n > 0)
		h->v[i] = last;
}

/*
 * Ranges of one family into disjoint intervals tiling the family's space.
 * Each range adds itself at its start and leaves after its end; between
 * two consecutive event points the winners of both kinds stay the same.
 */
static int
sweep(struct builder *b, int v6)
{
	const struct range *r = b->range[v6].p;
	size_t nr = b->range[v6].n, nev = 0;
	struct u128 top = { v6 ? ~0ULL : 0, v6 ? ~0ULL : 0xffffffffULL };
	struct heap h[K_MAX] = { { NULL, 0 }, { NULL, 0 } };
	struct event *ev;
	uint8_t *gone;
	struct vec *out = &b->out[v6];
	int rc = -1;

	ev = malloc((2 * nr + 1) * sizeof(*ev));
	gone = calloc(nr + 1, 1);
	h[K_ASN].v = malloc((nr + 1) * sizeof(uint32_t));
	h[K_CC].v = malloc((nr + 1) * sizeof(uint32_t));
	if (ev == NULL || gone == NULL || h[K_ASN].v == NULL ||
	    h[K_CC].v == NULL)
		goto done;
	for (size_t i = 0; i < nr; i++) {
		ev[nev].at = r[i].lo;
		ev[nev].range = (uint32_t)i;
		ev[nev++].add = 1;
		if (u128_eq(r[i].hi, top))
			continue;	/* it lasts to the end of the space */
		ev[nev].at = r[i].hi;
		if (++ev[nev].at.lo == 0)
			ev[nev].at.hi++;
		ev[nev].range = (uint32_t)i;
		ev[nev++].add = 0;
	}
	qsort(ev, nev, sizeof(*ev), event_cmp);
	if (nev == 0 || ev[0].at.hi != 0 || ev[0].at.lo != 0) {
		struct interval *iv = vec_push(out);

		if (iv == NULL)
			goto done;
		iv->start.hi = iv->start.lo = 0;
		iv->rec = 0;
	}
	for (size_t i = 0; i < nev;) {
		struct u128 at = ev[i].at;
		struct ipdb_rec rec;
		uint32_t id;

		for (; i < nev && u128_eq(ev[i].at, at); i++) {
			if (ev[i].add)
				heap_push(&h[r[ev[i].range].kind], r,
				    ev[i].range);
			else
				gone[ev[i].range] = 1;
		}
		memset(&rec, 0, sizeof(rec));
		for (int k = 0; k < K_MAX; k++) {
			while (h[k].n > 0 && gone[h[k].v[0]])
				heap_pop(&h[k], r);
			if (h[k].n == 0)
				continue;
			if (k == K_ASN) {
				rec.asn = r[h[k].v[0]].asn;
				rec.name_off = r[h[k].v[0]].name_off;
				rec.name_len = r[h[k].v[0]].name_len;
			} else
				memcpy(rec.cc, r[h[k].v[0]].cc, 2);
		}
		if (rec_intern(b, &rec, &id) == -1)
			goto done;
		if (out->n > 0 &&
		    ((struct interval *)out->p)[out->n - 1].rec == id)
			continue;
		{
			struct interval *iv = vec_push(out);

			if (iv == NULL)
				goto done;
			iv->start = at;
			iv->rec = id;
		}
	}
	if (out->n > UINT32_MAX - 1)
		goto done;
	rc = 0;
done:
	free(ev);
	free(gone);
	free(h[K_ASN].v);
	free(h[K_CC].v);
	return rc;
}

static uint64_t
align_up(uint64_t v)
{
	return (v + ALIGN - 1) / ALIGN * ALIGN;
}

/* jump[t]: the first interval whose start's top 16 bits are >= t. */
static void
fill_jump(uint32_t *jump, const struct interval *iv, size_t n, int v6)
{
	size_t i = 0;

	for (uint32_t t = 0; t < JUMP_N - 1; t++) {
		while (i < n && (v6 ? iv[i].start.hi >> 48 :
		    iv[i].start.lo >> 16) < t)
			i++;
		jump[t] = (uint32_t)i;
	}
	jump[JUMP_N - 1] = (uint32_t)n;
}

/* The whole file in memory, header last (it sums the rest). */
static uint8_t *
layout(struct builder *b, size_t *lenp)
{
	struct ipdb_header h;
	const struct interval *i4 = b->out[0].p, *i6 = b->out[1].p;
	uint64_t off = sizeof(h);
	uint8_t *img;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, IPDB_MAGIC, sizeof(IPDB_MAGIC));
	h.endian = IPDB_ENDIAN;
	h.version = IPDB_VERSION;
	h.header_size = sizeof(h);
	h.n4 = (uint32_t)b->out[0].n;
	h.n6 = (uint32_t)b->out[1].n;
	h.nrec = (uint32_t)b->recs.n;
	h.names_size = (uint32_t)b->names.n;
	h.sec[S_JUMP4].size = JUMP_N * 4ULL;
	h.sec[S_START4].size = h.n4 * 4ULL;
	h.sec[S_REC4].size = h.n4 * 4ULL;
	h.sec[S_JUMP6].size = JUMP_N * 4ULL;
	h.sec[S_START6].size = h.n6 * 16ULL;
	h.sec[S_REC6].size = h.n6 * 4ULL;
	h.sec[S_RECS].size = h.nrec * 12ULL;
	h.sec[S_NAMES].size = h.names_size;
	for (int s = 0; s < S_MAX; s++) {
		off = align_up(off);
		h.sec[s].off = off;
		off += h.sec[s].size;
	}
	h.file_size = align_up(off);
	h.built = (uint64_t)time(NULL);
	if ((img = calloc(1, h.file_size)) == NULL)
		return NULL;
	fill_jump((uint32_t *)(img + h.sec[S_JUMP4].off), i4, h.n4, 0);
	fill_jump((uint32_t *)(img + h.sec[S_JUMP6].off), i6, h.n6, 1);
	for (uint32_t i = 0; i < h.n4; i++) {
		uint32_t s = (uint32_t)i4[i].start.lo;

		memcpy(img + h.sec[S_START4].off + 4 * i, &s, 4);
		memcpy(img + h.sec[S_REC4].off + 4 * i, &i4[i].rec, 4);
	}
	for (uint32_t i = 0; i < h.n6; i++) {
		struct ipdb_key6 k = { i6[i].start.hi, i6[i].start.lo };

		memcpy(img + h.sec[S_START6].off + 16 * (size_t)i, &k, 16);
		memcpy(img + h.sec[S_REC6].off + 4 * i, &i6[i].rec, 4);
	}
	memcpy(img + h.sec[S_RECS].off, b->recs.p, h.sec[S_RECS].size);
	if (h.names_size > 0)
		memcpy(img + h.sec[S_NAMES].off, b->names.p, h.names_size);
	h.data_sum = sum_words(img + sizeof(h), h.file_size - sizeof(h));
	h.header_sum = sum_words((const uint8_t *)&h, sizeof(h));
	memcpy(img, &h, sizeof(h));
	*lenp = h.file_size;
	return img;
}

/* out, whole or not at all: a temporary beside it, then rename(2). */
static int
write_atomic(const char *out, const uint8_t *img, size_t len, char *err,
    size_t errlen)
{
	size_t n = strlen(out), off = 0;
	char *tmp = malloc(n + 8);
	int fd, e;

	if (tmp == NULL) {
		setmsg(err, errlen, "%s: out of memory", out);
		return -1;
	}
	memcpy(tmp, out, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	if ((fd = mkstemp(tmp)) == -1) {
		setmsg(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, img + off, len - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, out) == -1)
		goto fail;
	free(tmp);
	return 0;
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	setmsg(err, errlen, "%s: %s", out, strerror(e ? e : EIO));
	free(tmp);
	return -1;
}

static void
builder_free(struct builder *b)
{
	for (int f = 0; f < 2; f++) {
		free(b->range[f].p);
		free(b->out[f].p);
	}
	free(b->names.p);
	free(b->nameref.p);
	free(b->nametab.slot);
	free(b->recs.p);
	free(b->rectab.slot);
	free(b->scratch);
}

int
ipdb_build(const char *out, char *const *csv, int ncsv, char *err,
    size_t errlen)
{
	struct builder b;
	struct ipdb_rec none;
	unsigned long rows = 0, bad = 0;
	uint8_t *img = NULL;
	size_t len;
	uint32_t id;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	b.range[0].sz = b.range[1].sz = sizeof(struct range);
	b.out[0].sz = b.out[1].sz = sizeof(struct interval);
	b.names.sz = 1;
	b.nameref.sz = sizeof(struct nameref);
	b.recs.sz = sizeof(struct ipdb_rec);
	if (ncsv <= 0) {
		setmsg(err, errlen, "no CSV file to build from");
		return -1;
	}
	memset(&none, 0, sizeof(none));
	if (rec_intern(&b, &none, &id) == -1)
		goto oom;
	for (int i = 0; i < ncsv; i++)
		if (read_csv(&b, csv[i], &rows, &bad, err, errlen) == -1)
			goto done;
	if (sweep(&b, 0) == -1 || sweep(&b, 1) == -1 ||
	    b.recs.n > UINT32_MAX || (img = layout(&b, &len)) == NULL)
		goto oom;
	if (write_atomic(out, img, len, err, errlen) == -1)
		goto done;
	setmsg(err, errlen, "%s: %lu rows from %d files (%lu malformed "
	    "skipped): %zu IPv4 and %zu IPv6 intervals, %zu answers, "
	    "%zu bytes", out, rows, ncsv, bad, b.out[0].n, b.out[1].n,
	    b.recs.n, len);
	rc = 0;
	goto done;
oom:
	setmsg(err, errlen, "%s: out of memory", out);
done:
	free(img);
	builder_free(&b);
	return rc;
}
