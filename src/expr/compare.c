/*
 * compare.c — comparison kernels: = <> < <= > >= <=>, BETWEEN, GREATEST /
 * LEAST, and Spark's hash().
 *
 * Operands have one type after coercion. One switch on the physical type
 * and one on the operator select a tight loop; a constant operand is read
 * with stride 0. Floating point follows Spark's SQL ordering: NaN equals
 * NaN and is greater than every other value, -0.0 equals 0.0. Strings
 * compare byte-wise (UTF-8 order). NULL in either side gives NULL, except
 * for <=> (null-safe equality), which never returns NULL.
 */
#include "expr/expr_internal.h"

#include <math.h>

#include "base/hash.h"

#define EQ_N(x, y) ((x) == (y))
#define LT_N(x, y) ((x) < (y))
#define EQ_F(x, y) ((x) == (y) || (isnan(x) && isnan(y)))
#define LT_F(x, y) (!isnan(x) && (isnan(y) || (x) < (y)))
#define EQ_S(x, y) cn_str_eq(&(x), &(y))
#define LT_S(x, y) (cn_str_cmp(&(x), &(y)) < 0)

#define CMP_LOOPS(T, EQ, LT)                                                           \
    do {                                                                               \
        const T *pa = (const T *)A->v.data, *pb = (const T *)B->v.data;                \
        const int sa = !A->cst, sb = !B->cst;                                          \
        switch (op) {                                                                  \
        case CN_FN_EQ: case CN_FN_EQ_NS:                                               \
            for (int i = 0; i < n; i++) o[i] = EQ(pa[i * sa], pb[i * sb]);             \
            break;                                                                     \
        case CN_FN_NE: for (int i = 0; i < n; i++) o[i] = !EQ(pa[i * sa], pb[i * sb]); break; \
        case CN_FN_LT: for (int i = 0; i < n; i++) o[i] = LT(pa[i * sa], pb[i * sb]); break;  \
        case CN_FN_LE: for (int i = 0; i < n; i++) o[i] = !LT(pb[i * sb], pa[i * sa]); break; \
        case CN_FN_GT: for (int i = 0; i < n; i++) o[i] = LT(pb[i * sb], pa[i * sa]); break;  \
        default: for (int i = 0; i < n; i++) o[i] = !LT(pa[i * sa], pb[i * sb]); break;       \
        }                                                                              \
    } while (0)

static int compare2(int op, const ev *A, const ev *B, int n, ev *out, cn_eval_ctx *ctx)
{
    ev_alloc(out, cn_type_of(CN_BOOLEAN), n, ctx->arena);
    uint8_t *o = out->v.data;
    if (A->v.type.kind == CN_NULL || B->v.type.kind == CN_NULL) {
        memset(o, 0, (size_t)n);
    } else if (A->v.type.kind == CN_DECIMAL && B->v.type.kind == CN_DECIMAL &&
               (A->v.type.scale != B->v.type.scale || cn_type_phys(A->v.type) != cn_type_phys(B->v.type))) {
        /* mixed decimal types (IN lists, internal callers): compare at a common scale */
        int s = CN_MAX(A->v.type.scale, B->v.type.scale);
        for (int i = 0; i < n; i++) {
            cn_i128 x = ev_get_i128(&A->v, EVI(A, i)), y = ev_get_i128(&B->v, EVI(B, i)), xs, ys;
            bool okx = cn_decimal_rescale(x, A->v.type.scale, s, &xs), oky = cn_decimal_rescale(y, B->v.type.scale, s, &ys);
            int c = !okx ? (x < 0 ? -1 : 1) : !oky ? (y < 0 ? 1 : -1) : (xs < ys ? -1 : xs > ys);
            switch (op) {
            case CN_FN_EQ: case CN_FN_EQ_NS: o[i] = c == 0; break;
            case CN_FN_NE: o[i] = c != 0; break;
            case CN_FN_LT: o[i] = c < 0; break;
            case CN_FN_LE: o[i] = c <= 0; break;
            case CN_FN_GT: o[i] = c > 0; break;
            default: o[i] = c >= 0; break;
            }
        }
    } else if (cn_type_phys(A->v.type) == CN_PHYS_STR && (A->v.validity || B->v.validity)) {
        /* a NULL row's string view is unspecified (vector.h): never follow its pointer; the
         * result there is NULL (or set below for <=>) */
        const cn_str *pa = A->v.data, *pb = B->v.data;
        for (int i = 0; i < n; i++) {
            if (!ev_valid(A, i) || !ev_valid(B, i)) {
                o[i] = 0;
                continue;
            }
            int c = cn_str_cmp(&pa[EVI(A, i)], &pb[EVI(B, i)]);
            switch (op) {
            case CN_FN_EQ: case CN_FN_EQ_NS: o[i] = c == 0; break;
            case CN_FN_NE: o[i] = c != 0; break;
            case CN_FN_LT: o[i] = c < 0; break;
            case CN_FN_LE: o[i] = c <= 0; break;
            case CN_FN_GT: o[i] = c > 0; break;
            default: o[i] = c >= 0; break;
            }
        }
    } else {
        switch (cn_type_phys(A->v.type)) {
        case CN_PHYS_U8: CMP_LOOPS(uint8_t, EQ_N, LT_N); break;
        case CN_PHYS_I8: CMP_LOOPS(int8_t, EQ_N, LT_N); break;
        case CN_PHYS_I16: CMP_LOOPS(int16_t, EQ_N, LT_N); break;
        case CN_PHYS_I32: CMP_LOOPS(int32_t, EQ_N, LT_N); break;
        case CN_PHYS_I64: CMP_LOOPS(int64_t, EQ_N, LT_N); break;
        case CN_PHYS_I128: CMP_LOOPS(cn_i128, EQ_N, LT_N); break;
        case CN_PHYS_F32: CMP_LOOPS(float, EQ_F, LT_F); break;
        case CN_PHYS_F64: CMP_LOOPS(double, EQ_F, LT_F); break;
        case CN_PHYS_STR: CMP_LOOPS(cn_str, EQ_S, LT_S); break;
        }
    }
    if (op == CN_FN_EQ_NS) {
        for (int i = 0; i < n; i++) {
            bool va = ev_valid(A, i), vb = ev_valid(B, i);
            if (!va || !vb) o[i] = !va && !vb;
        }
        return 0;
    }
    ev *args[2] = {(ev *)A, (ev *)B};
    ev_merge_validity(&out->v, n, args, 2, ctx->arena);
    return 0;
}

/* -1/0/1 comparison of two non-null cells of the same type. */
static int cell_cmp(const ev *A, int i, const ev *B, int j)
{
    int ia = EVI(A, i), jb = EVI(B, j);
    switch (cn_type_phys(A->v.type)) {
    case CN_PHYS_F32:
    case CN_PHYS_F64: {
        double x = ev_get_f64(&A->v, ia), y = ev_get_f64(&B->v, jb);
        return LT_F(x, y) ? -1 : EQ_F(x, y) ? 0 : 1;
    }
    case CN_PHYS_STR: return cn_str_cmp(&((const cn_str *)A->v.data)[ia], &((const cn_str *)B->v.data)[jb]);
    default: {
        cn_i128 x = ev_get_i128(&A->v, ia), y = ev_get_i128(&B->v, jb);
        return x < y ? -1 : x > y;
    }
    }
}

static int greatest_least(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx)
{
    bool greatest = e->func == CN_FN_GREATEST;
    ev_alloc(out, e->type, n, ctx->arena);
    int w = cn_type_width(e->type);
    for (int i = 0; i < n; i++) {
        int best = -1;
        for (int k = 0; k < e->nargs; k++) {
            if (!ev_valid(args[k], i)) continue;
            if (best < 0) { best = k; continue; }
            int c = cell_cmp(args[k], i, args[best], i);
            if (greatest ? c > 0 : c < 0) best = k;
        }
        if (best < 0) {
            cn_vec_set_null(&out->v, i, ctx->arena);
        } else {
            memcpy((char *)out->v.data + (size_t)i * (size_t)w,
                   (const char *)args[best]->v.data + (size_t)EVI(args[best], i) * (size_t)w, (size_t)w);
        }
    }
    return 0;
}

static int between(ev *const *args, int n, ev *out, cn_eval_ctx *ctx)
{
    ev ge, le;
    compare2(CN_FN_GE, args[0], args[1], n, &ge, ctx);
    compare2(CN_FN_LE, args[0], args[2], n, &le, ctx);
    ev_alloc(out, cn_type_of(CN_BOOLEAN), n, ctx->arena);
    uint8_t *o = out->v.data;
    const uint8_t *a = ge.v.data, *b = le.v.data;
    for (int i = 0; i < n; i++) {
        bool va = cn_vec_valid(&ge.v, i), vb = cn_vec_valid(&le.v, i);
        if ((va && !a[i]) || (vb && !b[i])) o[i] = 0;
        else if (!va || !vb) cn_vec_set_null(&out->v, i, ctx->arena);
        else o[i] = 1;
    }
    return 0;
}

int ex_compare(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    switch (e->func) {
    case CN_FN_GREATEST:
    case CN_FN_LEAST: return greatest_least(e, args, n, out, ctx);
    case CN_FN_BETWEEN: return between(args, n, out, ctx);
    default: return compare2(e->func, args[0], args[1], n, out, ctx);
    }
}

/* ---- hash(): Spark's Murmur3 (seed 42), chained over the arguments ---- */

static uint32_t hash_decimal128(cn_i128 v, uint32_t seed)
{
    /* Java BigInteger.toByteArray: minimal two's complement, big-endian */
    uint8_t b[16];
    for (int i = 0; i < 16; i++) b[15 - i] = (uint8_t)((unsigned __int128)v >> (8 * i));
    int st = 0;
    while (st < 15 && ((b[st] == 0x00 && !(b[st + 1] & 0x80)) || (b[st] == 0xff && (b[st + 1] & 0x80)))) st++;
    return cn_murmur3_bytes(b + st, (size_t)(16 - st), seed);
}

int ex_hash(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev_alloc(out, cn_type_of(CN_INT), n, ctx->arena);
    int32_t *o = out->v.data;
    for (int i = 0; i < n; i++) o[i] = 42;
    for (int k = 0; k < e->nargs; k++) {
        const ev *x = args[k];
        cn_type t = x->v.type;
        for (int i = 0; i < n; i++) {
            if (!ev_valid(x, i)) continue;
            int r = EVI(x, i);
            uint32_t h = (uint32_t)o[i];
            switch (cn_type_phys(t)) {
            case CN_PHYS_U8: h = t.kind == CN_NULL ? h : cn_murmur3_int(((const uint8_t *)x->v.data)[r], h); break;
            case CN_PHYS_I8:
            case CN_PHYS_I16:
            case CN_PHYS_I32: h = cn_murmur3_int((int32_t)ev_get_i64(&x->v, r), h); break;
            case CN_PHYS_I64: h = cn_murmur3_long(((const int64_t *)x->v.data)[r], h); break;
            case CN_PHYS_I128: h = hash_decimal128(((const cn_i128 *)x->v.data)[r], h); break;
            case CN_PHYS_F32: {
                float f = ((const float *)x->v.data)[r];
                int32_t bits;
                if (f == 0.0f) f = 0.0f;
                if (isnan(f)) bits = 0x7fc00000;
                else memcpy(&bits, &f, 4);
                h = cn_murmur3_int(bits, h);
                break;
            }
            case CN_PHYS_F64: {
                double f = ((const double *)x->v.data)[r];
                int64_t bits;
                if (f == 0.0) f = 0.0;
                if (isnan(f)) bits = 0x7ff8000000000000LL;
                else memcpy(&bits, &f, 8);
                h = cn_murmur3_long(bits, h);
                break;
            }
            case CN_PHYS_STR: {
                const cn_str *s = &((const cn_str *)x->v.data)[r];
                h = cn_murmur3_bytes(cn_str_data(s), s->len, h);
                break;
            }
            }
            o[i] = (int32_t)h;
        }
    }
    return 0;
}
