/*
 * Input files (input.c) on a memory file: the input as a file, plain or
 * compressed (gzip by zlib; bzip2, xz, zstd and the others through
 * libarchive), damaged or cut short; and the input gzipped here, whole,
 * twice over (two members) and cut short.
 *
 * A plain file reads back as it is; the gzipped input reads back as the
 * input, and cut short, as a prefix of it followed by an error.
 */
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz.h"

#define OUT_MAX	(8 << 20)	/* a decompression bomb stops here */

static uint8_t out[OUT_MAX];

/* The file's text through input.c; -1 when it ended in an error. */
static int
read_file(const uint8_t *file, size_t n, size_t *len)
{
	struct input *in;
	ssize_t r = 0;
	size_t chunk = 7;	/* small reads first, then large */
	int fd = memfd_create("fuzz_input", 0);

	if (fd == -1 || write(fd, file, n) != (ssize_t)n ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	in = input_open(fd);
	*len = 0;
	while (*len < OUT_MAX && (r = input_read(in, out + *len,
	    OUT_MAX - *len < chunk ? OUT_MAX - *len : chunk)) > 0) {
		*len += (size_t)r;
		chunk = 64 * 1024;
	}
	if (r == -1 && input_error(in) == NULL)
		fz_fail("input_read: -1 without a reason");
	if (r == 0 && input_error(in) != NULL)
		fz_fail("input_read: the end, and an error: %s",
		    input_error(in));
	if (input_raw_bytes(in) > n)
		fz_fail("input_raw_bytes: %llu of %zu",
		    (unsigned long long)input_raw_bytes(in), n);
	input_close(in);
	close(fd);
	return r == -1 ? -1 : 0;
}

static size_t
gzip(const uint8_t *data, size_t n, uint8_t *gz, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	deflateEnd(&z);
	return cap - z.avail_out;
}

static int
plain(const uint8_t *p, size_t n)
{
	static const char *const magic[] = { "\x1f\x8b", "BZh",
	    "\3757zXZ", "\x28\xb5\x2f\xfd", "\x04\x22\x4d\x18", "LZIP",
	    "\x1f\x9d" };

	for (size_t i = 0; i < nitems(magic); i++)
		if (n >= strlen(magic[i]) && memcmp(p, magic[i],
		    strlen(magic[i])) == 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	size_t cap = 2 * n + 64, len, gzlen, cut;
	uint8_t *gz = malloc(2 * cap);
	int rc;

	rc = read_file(data, n, &len);
	if (plain(data, n) && (rc != 0 || len != n ||
	    memcmp(out, data, n) != 0))
		fz_fail("a plain file does not read as itself");

	gzlen = gzip(data, n, gz, cap);
	if (read_file(gz, gzlen, &len) != 0 || len != n ||
	    memcmp(out, data, n) != 0)
		fz_fail("gzip: not the input again (%zu of %zu bytes)", len,
		    n);
	memcpy(gz + gzlen, gz, gzlen);
	if (read_file(gz, 2 * gzlen, &len) != 0 || len != 2 * n ||
	    memcmp(out, data, n) != 0 || memcmp(out + n, data, n) != 0)
		fz_fail("gzip: two members are not the input twice");
	/* Cut short: one byte left is no gzip magic, but plain text. */
	cut = n > 0 ? gzlen * data[0] / 256 : gzlen / 2;
	if (cut < 2)
		cut = 2;
	rc = read_file(gz, cut, &len);
	if (len > n || memcmp(out, data, len) != 0)
		fz_fail("gzip cut at %zu of %zu: not a prefix", cut, gzlen);
	if (rc != -1)
		fz_fail("gzip cut at %zu of %zu: no error", cut, gzlen);
	free(gz);
	return 0;
}
