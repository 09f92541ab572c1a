/*
 * fuzz_plan.c — libFuzzer target for task-shipping decoders: physical plans
 * (cn_pplan_read, plan/plan_serde.c) and expressions (cn_expr_read,
 * expr/serde.c).
 *
 * The first input byte picks the decoder (even: plan, odd: expression); the
 * rest is the serialized bytes. Whatever a reader accepts must be writable
 * and must read back to the same bytes: write(read(x)) is a fixed point of
 * write . read. Rejections must be classed errors.
 */
#include "base/codec.h"
#include "fuzz_common.h"
#include "plan/physical.h"

static int read_any(bool expr, const uint8_t *p, size_t n, cn_arena *a, void **out, size_t *used, cn_error *err)
{
    cn_reader r;
    cn_reader_init(&r, p, n);
    int rc = expr ? cn_expr_read(&r, a, (cn_expr **)out, err) : cn_pplan_read(&r, a, (cn_pplan **)out, err);
    *used = (size_t)(r.p - (const uint8_t *)p);
    if (r.p < (const uint8_t *)p || r.p > r.end) fuzz_fail("reader left its buffer");
    return rc;
}

static void write_any(bool expr, void *x, cn_writer *w)
{
    if (expr) cn_expr_write(w, x);
    else cn_pplan_write(w, x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    bool expr = data[0] & 1;
    data++, size--;
    uint8_t *copy = malloc(size ? size : 1); /* exact-size copy: ASan sees overreads */
    if (size) memcpy(copy, data, size);

    cn_arena *a = cn_arena_new("fuzz-plan", NULL);
    cn_error err;
    cn_error_init(&err);
    void *x = NULL;
    size_t used;
    int rc = read_any(expr, copy, size, a, &x, &used, &err);
    if (rc == 0 && !x) fuzz_fail("read succeeded without a result");
    fuzz_check_status(rc, &err, expr ? "cn_expr_read" : "cn_pplan_read");
    if (rc == 0) {
        cn_writer w1, w2;
        cn_writer_init(&w1);
        cn_writer_init(&w2);
        write_any(expr, x, &w1);
        void *y = NULL;
        rc = read_any(expr, w1.buf, w1.len, a, &y, &used, &err);
        if (rc != 0) {
            char buf[512];
            fprintf(stderr, "%s\n", cn_error_message(&err, buf, sizeof buf));
            fuzz_fail("what the reader accepted does not read back after writing");
        }
        if (used != w1.len) fuzz_fail("re-read left bytes over");
        write_any(expr, y, &w2);
        if (w1.len != w2.len || memcmp(w1.buf, w2.buf, w1.len) != 0) fuzz_fail("write . read is not stable");
        cn_writer_free(&w1);
        cn_writer_free(&w2);
    }
    cn_arena_free(a);
    free(copy);
    return 0;
}
