/*
 * The wire between the processes: frames through a pipe, as the roles
 * read them (frame_read, wire_get_result, producer_end), and answers as
 * bytes (answer_encode, answer_decode).
 *
 * An answer is made of the input (its enums, range and fields, set with
 * answer_set), sent with wire_put_result and a sentinel, then the input
 * itself follows as raw frames.  What was sent is read back the same;
 * the raw bytes are read as far as they go, every answer decoded from
 * them encoded and decoded the same again.
 */
#include <unistd.h>

#include "fuzz.h"

/* An answer from the input: 5 enum bytes, a range, then fields split at
 * '\n'. */
static void
make_answer(const uint8_t *data, size_t n, struct answer *a)
{
	const char *p, *end, *nl;
	int f = 0;

	memset(a, 0, sizeof(*a));
	if (n < 5 + sizeof(a->net))
		return;
	a->kind = data[0] % KIND_MAX;
	a->registry = data[1] % RIR_MAX;
	a->status = data[2] % ST_MAX;
	a->source = data[3] % SRC_MAX;
	a->has_net = data[4] & 1;
	memcpy(&a->net, data + 5, sizeof(a->net));
	if (ip_cmp(&a->net.lo, &a->net.hi) > 0) {
		a->net.lo = a->net.hi;
		memcpy(&a->net.hi, data + 5, sizeof(a->net.hi));
	}
	a->fetched = (int64_t)data[4] << 24 | data[5];
	p = (const char *)data + 5 + sizeof(a->net);
	end = (const char *)data + n;
	for (; p < end && f < FLD_MAX; f++, p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		answer_set(a, (enum field)f, p, (size_t)(nl - p));
	}
}

static void
read_raw(struct frame_reader *fr)
{
	struct producers pr;
	struct frame f;
	struct answer a;
	struct count c;
	struct ip ip;
	uint32_t e;
	char why[128];
	int r;

	producers_init(&pr, 2);
	while ((r = frame_read(fr, &f)) == 1) {
		if (f.type == 0 || f.type >= F_TYPE_MAX || f.len > FRAME_MAX +
		    ANSWER_WIRE_MAX)
			fz_fail("frame_read: type %u, %u bytes", f.type, f.len);
		if (f.type == F_RESULT && wire_get_result(&f, &ip, &e, &a) ==
		    0) {
			if (e > ENTRY_MAX)
				fz_fail("wire_get_result: entry %u", e);
			fz_answer_round_trip(&a);
			answer_clear(&a);
		}
		if ((f.type == F_ADDR && wire_get_addr(&f, &ip, &e) == 0) ||
		    (f.type == F_COUNT && wire_get_count(&f, &e, &c) == 0))
			if (e > ENTRY_MAX)
				fz_fail("wire_get_addr/count: entry %u", e);
		if (f.type == F_SENTINEL)
			(void)producer_end(&pr, 1, &f, why, sizeof(why));
	}
	producers_free(&pr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const struct sentinel end = { ROLE_WORKER, 0 };
	struct frame_buf fb = { 0 };
	struct frame_reader fr;
	struct producers pr;
	struct answer a, b;
	struct frame f;
	struct ip ip, ip2;
	uint32_t e = n % (ENTRY_MAX + 1ULL), e2;
	char why[128] = "";
	int fd[2];

	make_answer(data, n, &a);
	fz_check_answer(&a);
	fz_answer_round_trip(&a);
	memset(&ip, 0x5a, sizeof(ip));
	wire_put_result(&fb, &ip, e, &a);
	frame_add(&fb, F_SENTINEL, &end, sizeof(end));
	if (pipe(fd) == -1 || fb.len + n > 65536)
		abort();
	if (write(fd[1], fb.data, fb.len) != (ssize_t)fb.len ||
	    write(fd[1], data, n) != (ssize_t)n)
		abort();
	close(fd[1]);
	frame_reader_init(&fr, fd[0]);
	if (frame_read(&fr, &f) != 1 ||
	    wire_get_result(&f, &ip2, &e2, &b) != 0 || e != e2 ||
	    ip_cmp(&ip, &ip2) != 0 || !answer_equal(&a, &b) ||
	    a.fetched != b.fetched)
		fz_fail("wire_put_result, wire_get_result: not the same");
	producers_init(&pr, 1);
	if (frame_read(&fr, &f) != 1 || producer_end(&pr, 1, &f, why,
	    sizeof(why)) != 0)
		fz_fail("the sentinel did not come back: %s", why);
	producers_free(&pr);
	read_raw(&fr);
	close(fd[0]);
	answer_clear(&a);
	answer_clear(&b);
	frame_buf_free(&fb);
	return 0;
}
