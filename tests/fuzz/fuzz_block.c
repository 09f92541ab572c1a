/*
 * fuzz_block.c — libFuzzer target for columnar block frames (storage/block.h).
 *
 * The first input byte picks how the rest is used, so the fuzzer reaches the
 * payload decoder past the checksum:
 *   0  a buffer of consecutive frames: cn_block_parse_header + cn_block_decode,
 *      walked with *consumed until the end or the first error;
 *   1  a payload: framed with codec none and a correct header and checksum;
 *   2  lz4 / 3  zstd stored bytes: 4 bytes of claimed raw length, then the
 *      compressed bytes, framed with a correct checksum (hostile compressed data).
 * A decoded batch is walked (every value formatted, so ASan checks every view),
 * measured, re-encoded with the none and lz4 codecs and decoded again, and the
 * values must round-trip.
 */
#include "base/hash.h"
#include "fuzz_common.h"
#include "storage/block.h"
#include "types/value.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* The frame checksum as block.c computes it (block.h: a 32-bit hash of the header's
 * first 12 bytes and the stored bytes). */
static uint32_t checksum(const uint8_t *hdr12, const uint8_t *stored, size_t n)
{
    uint64_t seed = cn_hash64_bytes(hdr12, 12, 0x5bd1e995u);
    return (uint32_t)cn_hash64_bytes(stored, n, seed);
}

static uint8_t *frame(cn_codec_kind codec, uint32_t raw_len, const uint8_t *stored, size_t n, size_t *len)
{
    uint8_t *f = malloc(CN_BLOCK_HEADER_SIZE + n + 1);
    memset(f, 0, CN_BLOCK_HEADER_SIZE);
    f[0] = CN_BLOCK_MAGIC;
    f[1] = (uint8_t)codec;
    put32(f + 4, raw_len);
    put32(f + 8, (uint32_t)n);
    if (n) memcpy(f + CN_BLOCK_HEADER_SIZE, stored, n);
    put32(f + 12, checksum(f, f + CN_BLOCK_HEADER_SIZE, n));
    *len = CN_BLOCK_HEADER_SIZE + n;
    return f;
}

static void same_values(const cn_batch *a, const cn_batch *b)
{
    if (a->ncols != b->ncols || cn_batch_live(a) != cn_batch_live(b)) fuzz_fail("round trip changed the shape");
    char x[256], y[256];
    for (int c = 0; c < a->ncols; c++) {
        if (!cn_type_eq(a->cols[c].type, b->cols[c].type)) fuzz_fail("round trip changed a type");
        for (int i = 0; i < cn_batch_live(a); i++) {
            int ra = cn_batch_row(a, i), rb = cn_batch_row(b, i);
            bool va = cn_vec_valid(&a->cols[c], ra), vb = cn_vec_valid(&b->cols[c], rb);
            if (va != vb) fuzz_fail("round trip changed a NULL");
            if (!va) continue;
            cn_format_value(&a->cols[c], ra, x, sizeof x);
            cn_format_value(&b->cols[c], rb, y, sizeof y);
            x[sizeof x - 1] = y[sizeof y - 1] = 0;
            if (strcmp(x, y) != 0) fuzz_fail("round trip changed a value");
        }
    }
}

static void check_batch(const cn_batch *b, cn_arena *a)
{
    char buf[256];
    for (int c = 0; c < b->ncols; c++)
        for (int i = 0; i < cn_batch_live(b); i++) {
            int r = cn_batch_row(b, i);
            if (!cn_vec_valid(&b->cols[c], r)) continue;
            cn_format_value(&b->cols[c], r, buf, sizeof buf);
            if (cn_type_phys(b->cols[c].type) == CN_PHYS_STR) {
                const cn_str *s = (const cn_str *)b->cols[c].data + r;
                volatile uint8_t sink = 0;
                const char *d = cn_str_data(s);
                for (uint32_t k = 0; k < s->len; k++) sink ^= (uint8_t)d[k];
                (void)sink;
            }
        }
    if (cn_batch_mem_bytes(b) < 0) fuzz_fail("negative batch size");
    for (int codec = CN_CODEC_NONE; codec <= CN_CODEC_LZ4; codec++) {
        cn_writer w;
        cn_writer_init(&w);
        cn_error err;
        cn_error_init(&err);
        int rc = cn_block_encode(b, (cn_codec_kind)codec, &w, &err);
        fuzz_check_status(rc, &err, "cn_block_encode");
        if (rc == 0) {
            cn_batch *back = NULL;
            size_t used = 0;
            rc = cn_block_decode(w.buf, w.len, a, &back, &used, &err);
            if (rc != 0) fuzz_fail("a re-encoded block does not decode");
            if (used != w.len) fuzz_fail("consumed != frame size");
            same_values(b, back);
        }
        cn_writer_free(&w);
    }
}

static void decode_all(const uint8_t *p, size_t n)
{
    cn_arena *a = cn_arena_new("fuzz-block", NULL);
    while (n > 0) {
        cn_error err;
        cn_error_init(&err);
        if (n >= CN_BLOCK_HEADER_SIZE) {
            cn_block_header h;
            fuzz_check_status(cn_block_parse_header(p, &h, &err), &err, "cn_block_parse_header");
        }
        cn_batch *b = NULL;
        size_t used = 0;
        int rc = cn_block_decode(p, n, a, &b, &used, &err);
        fuzz_check_status(rc, &err, "cn_block_decode");
        if (rc != 0) break;
        if (!b || used < CN_BLOCK_HEADER_SIZE || used > n) fuzz_fail("bad decode result");
        check_batch(b, a);
        p += used;
        n -= used;
    }
    cn_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t mode = data[0] & 3;
    data++, size--;
    if (mode == 0) {
        decode_all(data, size);
    } else if (mode == 1) {
        size_t len;
        uint8_t *f = frame(CN_CODEC_NONE, (uint32_t)size, data, size, &len);
        decode_all(f, len);
        free(f);
    } else {
        if (size < 4) return 0;
        uint32_t raw = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
        size_t len;
        uint8_t *f = frame(mode == 2 ? CN_CODEC_LZ4 : CN_CODEC_ZSTD, raw, data + 4, size - 4, &len);
        decode_all(f, len);
        free(f);
    }
    return 0;
}
