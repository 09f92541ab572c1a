/*
 * fuzz_codec.c — libFuzzer target for the bounds-checked reader of base/codec.h.
 *
 * Input: u8 k, then k op bytes, then the buffer to read. Each op byte selects
 * a reader call (u8, uvar, svar, u32, u64, f64, bytes, raw of a length taken
 * from the next op byte, str) run in sequence on the buffer. After each call
 * the reader must stay inside the buffer, a failed reader must return zeros /
 * NULL and stay failed, and pointers handed out must lie inside the buffer.
 * Every value read is then written with the matching cn_put_* call and read
 * back from the writer's buffer: the codec must round-trip what it accepts.
 */
#include <math.h>

#include "base/codec.h"
#include "fuzz_common.h"

enum { OP_U8, OP_UVAR, OP_SVAR, OP_U32, OP_U64, OP_F64, OP_BYTES, OP_RAW, OP_STR, OP_COUNT };

typedef struct item {
    int op;
    uint64_t u;
    const void *p; /* bytes / raw / str */
    size_t n;
} item;

#define MAX_OPS 255

static void in_bounds(const cn_reader *r, const uint8_t *buf, size_t len)
{
    if (r->p < buf || r->p > buf + len || r->end != buf + len) fuzz_fail("reader left its buffer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t k = data[0];
    if (k > size - 1) k = size - 1;
    const uint8_t *ops = data + 1, *buf = ops + k;
    size_t len = size - 1 - k;
    /* a private copy so ASan catches reads past the buffer's end */
    uint8_t *copy = malloc(len ? len : 1);
    if (len) memcpy(copy, buf, len);
    buf = copy;

    cn_arena *a = cn_arena_new("fuzz-codec", NULL);
    cn_reader r;
    cn_reader_init(&r, buf, len);
    item items[MAX_OPS];
    int nitems = 0;
    for (size_t i = 0; i < k; i++) {
        int op = ops[i] % OP_COUNT;
        bool was_failed = r.failed;
        item it = {op, 0, NULL, 0};
        switch (op) {
        case OP_U8: it.u = cn_get_u8(&r); break;
        case OP_UVAR: it.u = cn_get_uvar(&r); break;
        case OP_SVAR: it.u = (uint64_t)cn_get_svar(&r); break;
        case OP_U32: it.u = cn_get_u32(&r); break;
        case OP_U64: it.u = cn_get_u64(&r); break;
        case OP_F64: {
            double d = cn_get_f64(&r);
            memcpy(&it.u, &d, 8);
            break;
        }
        case OP_BYTES: it.p = cn_get_bytes(&r, &it.n); break;
        case OP_RAW:
            it.n = i + 1 < k ? ops[++i] : 0;
            it.p = cn_get_raw(&r, it.n);
            break;
        case OP_STR: {
            char *s = cn_get_str(&r, a);
            it.p = s;
            it.n = s ? strlen(s) : 0;
            break;
        }
        }
        in_bounds(&r, buf, len);
        if (was_failed && !r.failed) fuzz_fail("a failed reader recovered");
        if (r.failed) {
            if (it.u || (it.p && op != OP_STR) || (op == OP_STR && it.p)) fuzz_fail("failed read returned data");
            continue;
        }
        if ((op == OP_BYTES || op == OP_RAW) && it.n) {
            if (!it.p || (const uint8_t *)it.p < buf || (const uint8_t *)it.p + it.n > buf + len)
                fuzz_fail("bytes outside the buffer");
        }
        items[nitems++] = it;
    }
    cn_error err;
    cn_error_init(&err);
    int rc = cn_reader_check(&r, "fuzz input", &err);
    if ((rc != 0) != r.failed) fuzz_fail("cn_reader_check disagrees with the reader");
    fuzz_check_status(rc, &err, "cn_reader_check");

    /* round trip */
    cn_writer w;
    cn_writer_init(&w);
    for (int i = 0; i < nitems; i++) {
        item *it = &items[i];
        switch (it->op) {
        case OP_U8: cn_put_u8(&w, (uint8_t)it->u); break;
        case OP_UVAR: cn_put_uvar(&w, it->u); break;
        case OP_SVAR: cn_put_svar(&w, (int64_t)it->u); break;
        case OP_U32: cn_put_u32(&w, (uint32_t)it->u); break;
        case OP_U64: cn_put_u64(&w, it->u); break;
        case OP_F64: {
            double d;
            memcpy(&d, &it->u, 8);
            cn_put_f64(&w, d);
            break;
        }
        case OP_BYTES: cn_put_bytes(&w, it->p, it->n); break;
        case OP_RAW: cn_put_raw(&w, it->p, it->n); break;
        case OP_STR: cn_put_str(&w, it->p); break;
        }
    }
    cn_reader_init(&r, w.buf, w.len);
    for (int i = 0; i < nitems; i++) {
        item *it = &items[i];
        uint64_t u = 0;
        const void *p = NULL;
        size_t n = 0;
        switch (it->op) {
        case OP_U8: u = cn_get_u8(&r); break;
        case OP_UVAR: u = cn_get_uvar(&r); break;
        case OP_SVAR: u = (uint64_t)cn_get_svar(&r); break;
        case OP_U32: u = cn_get_u32(&r); break;
        case OP_U64: u = cn_get_u64(&r); break;
        case OP_F64: {
            double d = cn_get_f64(&r);
            memcpy(&u, &d, 8);
            break;
        }
        case OP_BYTES: p = cn_get_bytes(&r, &n); break;
        case OP_RAW: n = it->n; p = cn_get_raw(&r, n); break;
        case OP_STR: {
            char *s = cn_get_str(&r, a);
            p = s;
            n = s ? strlen(s) : 0;
            break;
        }
        }
        if (r.failed) fuzz_fail("round trip: re-read failed");
        if (u != it->u) fuzz_fail("round trip: number changed");
        if (n != it->n || (n && memcmp(p, it->p, n) != 0)) fuzz_fail("round trip: bytes changed");
        if (it->op == OP_STR && (p == NULL) != (it->p == NULL)) fuzz_fail("round trip: NULL string changed");
    }
    if (r.p != r.end) fuzz_fail("round trip: bytes left over");
    cn_writer_free(&w);
    cn_arena_free(a);
    free(copy);
    return 0;
}
