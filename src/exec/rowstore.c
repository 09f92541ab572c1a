/*
 * rowstore.c — the columnar accumulation buffer (contiguous per-column arrays
 * grown by doubling, strings copied into the store's arena) and the shared
 * vectorized key kernels: hashing a dense key vector, comparing probe keys
 * with stored keys, finding NULL keys. Each kernel switches on the physical
 * type once and then runs a tight loop.
 */
#include "exec/rowstore.h"

#include <math.h>

#include "base/hash.h"

void cn_rowstore_init(cn_rowstore *rs, int ncols, const cn_type *types, cn_arena *arena)
{
    memset(rs, 0, sizeof *rs);
    rs->ncols = ncols;
    rs->arena = arena;
    rs->types = cn_xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof(cn_type));
    rs->cols = cn_xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof(cn_vector));
    for (int c = 0; c < ncols; c++) {
        rs->types[c] = types[c];
        rs->cols[c].type = types[c];
    }
}

void cn_rowstore_reserve(cn_rowstore *rs, int64_t rows)
{
    if (rows <= rs->cap) return;
    int64_t ncap = rs->cap ? rs->cap : 1024;
    while (ncap < rows) ncap *= 2;
    int64_t added = 0;
    for (int c = 0; c < rs->ncols; c++) {
        cn_vector *v = &rs->cols[c];
        int w = cn_type_width(v->type);
        v->data = cn_xrealloc(v->data, (size_t)(ncap * w));
        added += (ncap - rs->cap) * w;
        if (v->validity) {
            int64_t ow = (rs->cap + 63) / 64, nw = (ncap + 63) / 64;
            v->validity = cn_xrealloc(v->validity, (size_t)nw * 8);
            memset(v->validity + ow, 0xff, (size_t)(nw - ow) * 8);
            added += (nw - ow) * 8;
        }
        v->capacity = ncap > INT32_MAX ? INT32_MAX : (int)ncap;
    }
    rs->bytes += added;
    rs->cap = ncap;
}

static void store_make_validity(cn_rowstore *rs, cn_vector *v)
{
    int64_t nw = (rs->cap + 63) / 64;
    v->validity = cn_xmalloc((size_t)(nw > 0 ? nw : 1) * 8);
    memset(v->validity, 0xff, (size_t)(nw > 0 ? nw : 1) * 8);
    rs->bytes += nw * 8;
}

#define APPEND(T)                                                      \
    do {                                                               \
        T *d = (T *)dst->data + base;                                  \
        const T *s = (const T *)src->data;                             \
        if (rows)                                                      \
            for (int i = 0; i < n; i++) d[i] = s[rows[i]];             \
        else                                                           \
            memcpy(d, s, (size_t)n * sizeof(T));                       \
    } while (0)

void cn_rowstore_append_part(cn_rowstore *rs, int col0, int ncols, const cn_vector *const *srcs,
                             const uint16_t *rows, int n)
{
    int64_t base = rs->n;
    for (int c = col0; c < col0 + ncols; c++) {
        cn_vector *dst = &rs->cols[c];
        const cn_vector *src = srcs[c - col0];
        switch (cn_type_phys(dst->type)) {
        case CN_PHYS_U8:
        case CN_PHYS_I8: APPEND(uint8_t); break;
        case CN_PHYS_I16: APPEND(int16_t); break;
        case CN_PHYS_I32:
        case CN_PHYS_F32: APPEND(int32_t); break;
        case CN_PHYS_I64:
        case CN_PHYS_F64: APPEND(int64_t); break;
        case CN_PHYS_I128: APPEND(__int128); break;
        case CN_PHYS_STR: {
            APPEND(cn_str);
            cn_str *d = (cn_str *)dst->data + base;
            for (int i = 0; i < n; i++) {
                if (src->validity && !cn_vec_valid(src, rows ? rows[i] : i)) {
                    memset(&d[i], 0, sizeof d[i]); /* NULL rows hold garbage: never follow their pointer */
                } else if (d[i].len > CN_STR_INLINE) {
                    d[i].u.ptr = cn_arena_memdup(rs->arena, d[i].u.ptr, d[i].len);
                }
            }
            break;
        }
        }
        if (src->validity) {
            for (int i = 0; i < n; i++) {
                int r = rows ? rows[i] : i;
                if (!((src->validity[r >> 6] >> (r & 63)) & 1)) {
                    if (!dst->validity) store_make_validity(rs, dst);
                    int64_t k = base + i;
                    dst->validity[k >> 6] &= ~(1ull << (k & 63));
                }
            }
        }
    }
}

void cn_rowstore_append(cn_rowstore *rs, const cn_vector *const *srcs, const uint16_t *rows, int n)
{
    if (n <= 0) return;
    cn_rowstore_reserve(rs, rs->n + n);
    cn_rowstore_append_part(rs, 0, rs->ncols, srcs, rows, n);
    rs->n += n;
}

#define GATHER_IDX(T)                                                  \
    do {                                                               \
        T *d = (T *)out->data;                                         \
        const T *s = (const T *)src->data;                             \
        for (int i = 0; i < n; i++) d[i] = s[idx[i]];                  \
    } while (0)

void cn_rowstore_gather(const cn_rowstore *rs, int col, const uint32_t *idx, int n, cn_vector *out, cn_arena *a)
{
    const cn_vector *src = &rs->cols[col];
    switch (cn_type_phys(src->type)) {
    case CN_PHYS_U8:
    case CN_PHYS_I8: GATHER_IDX(uint8_t); break;
    case CN_PHYS_I16: GATHER_IDX(int16_t); break;
    case CN_PHYS_I32:
    case CN_PHYS_F32: GATHER_IDX(int32_t); break;
    case CN_PHYS_I64:
    case CN_PHYS_F64: GATHER_IDX(int64_t); break;
    case CN_PHYS_I128: GATHER_IDX(__int128); break;
    case CN_PHYS_STR: GATHER_IDX(cn_str); break;
    }
    if (!src->validity) {
        out->validity = NULL;
        return;
    }
    bool any = false;
    for (int i = 0; i < n; i++)
        if (!((src->validity[idx[i] >> 6] >> (idx[i] & 63)) & 1)) { any = true; break; }
    if (!any) {
        out->validity = NULL;
        return;
    }
    cn_vector_ensure_validity(out, a);
    for (int i = 0; i < n; i++)
        if (!((src->validity[idx[i] >> 6] >> (idx[i] & 63)) & 1)) out->validity[i >> 6] &= ~(1ull << (i & 63));
}

void cn_rowstore_slice(const cn_rowstore *rs, int col, int64_t row0, int n, cn_vector *out, cn_arena *a)
{
    const cn_vector *src = &rs->cols[col];
    int w = cn_type_width(src->type);
    memcpy(out->data, (const char *)src->data + row0 * w, (size_t)n * (size_t)w);
    out->validity = NULL;
    if (!src->validity) return;
    for (int i = 0; i < n; i++) {
        int64_t r = row0 + i;
        if (!((src->validity[r >> 6] >> (r & 63)) & 1)) {
            if (!out->validity) cn_vector_ensure_validity(out, a);
            out->validity[i >> 6] &= ~(1ull << (i & 63));
        }
    }
}

void cn_rowstore_free(cn_rowstore *rs)
{
    if (!rs->cols) return;
    for (int c = 0; c < rs->ncols; c++) {
        free(rs->cols[c].data);
        free(rs->cols[c].validity);
    }
    free(rs->cols);
    free(rs->types);
    rs->cols = NULL;
    rs->types = NULL;
    rs->n = rs->cap = 0;
    rs->bytes = 0;
}

/* ---- key kernels ---- */

static inline uint64_t norm_f64_bits(double d)
{
    uint64_t u;
    if (d == 0.0) d = 0.0; /* -0.0 -> 0.0 */
    if (isnan(d)) d = NAN;
    memcpy(&u, &d, 8);
    return u;
}

/*
 * A NULL's value slot is unspecified (vector.h): the kernels below read it only under the
 * validity bit. A NULL hashes to CN_NULL_HASH whatever its slot holds, and two NULLs are equal
 * whatever their slots hold, for every column of a multi-column key. With `slot` set
 * (cinder.test.reinject=null-key-slot, tests only) a NULL's slot takes part again, as it did
 * before: its bytes are folded into the hash and compared, so equal NULL keys may part.
 */
#define HASH_LOOP(EXPR)                                                                  \
    do {                                                                                 \
        if (!val) {                                                                      \
            if (first)                                                                   \
                for (int i = 0; i < n; i++) h[i] = (EXPR);                               \
            else                                                                         \
                for (int i = 0; i < n; i++) h[i] = cn_hash_combine(h[i], (EXPR));        \
        } else {                                                                         \
            for (int i = 0; i < n; i++) {                                                \
                uint64_t x = VALID(i) ? (EXPR) : slot ? cn_hash_combine(SLOT_HASH, CN_NULL_HASH) : CN_NULL_HASH; \
                h[i] = first ? x : cn_hash_combine(h[i], x);                             \
            }                                                                            \
        }                                                                                \
    } while (0)

/* the first 8 bytes of a value's slot, whatever they hold (no conversion of garbage floats) */
static inline uint64_t slot_bits(const void *p, size_t w)
{
    uint64_t u = 0;
    memcpy(&u, p, w < 8 ? w : 8);
    return u;
}

static inline uint64_t str_hash(const cn_str *x)
{
    return x->len <= CN_STR_INLINE
               ? cn_hash_combine(cn_hash64_u64(((uint64_t)x->len << 32) | *(const uint32_t *)x->prefix),
                                 *(const uint64_t *)x->u.inl)
               : cn_hash64_bytes(x->u.ptr, x->len, 0);
}

/* the raw 16 bytes of a string view: never follows its pointer (a NULL's view is garbage) */
static inline uint64_t str_slot_hash(const cn_str *x)
{
    uint64_t w[2];
    memcpy(w, x, sizeof w);
    return cn_hash_combine(cn_hash64_u64(w[0]), w[1]);
}

void cn_hash_vector(const cn_vector *v, int n, uint64_t *h, bool first, bool slot)
{
    const uint64_t *val = v->validity;
#define VALID(i) ((val[(i) >> 6] >> ((i) & 63)) & 1)
#define SLOT_HASH cn_hash64_u64(slot_bits(&d[i], sizeof d[i]))
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: { const uint8_t *d = v->data; HASH_LOOP(cn_hash64_u64(d[i])); break; }
    case CN_PHYS_I8: { const int8_t *d = v->data; HASH_LOOP(cn_hash64_u64((uint64_t)(int64_t)d[i])); break; }
    case CN_PHYS_I16: { const int16_t *d = v->data; HASH_LOOP(cn_hash64_u64((uint64_t)(int64_t)d[i])); break; }
    case CN_PHYS_I32: { const int32_t *d = v->data; HASH_LOOP(cn_hash64_u64((uint64_t)(int64_t)d[i])); break; }
    case CN_PHYS_I64: { const int64_t *d = v->data; HASH_LOOP(cn_hash64_u64((uint64_t)d[i])); break; }
    case CN_PHYS_I128: {
        const __int128 *d = v->data;
        HASH_LOOP(cn_hash_combine(cn_hash64_u64((uint64_t)d[i]), (uint64_t)(d[i] >> 64)));
        break;
    }
    case CN_PHYS_F32: { const float *d = v->data; HASH_LOOP(cn_hash64_u64(norm_f64_bits(d[i]))); break; }
    case CN_PHYS_F64: { const double *d = v->data; HASH_LOOP(cn_hash64_u64(norm_f64_bits(d[i]))); break; }
    case CN_PHYS_STR: {
#undef SLOT_HASH
#define SLOT_HASH str_slot_hash(&d[i])
        const cn_str *d = v->data;
        HASH_LOOP(str_hash(&d[i]));
        break;
    }
    }
#undef SLOT_HASH
#undef VALID
}

/* match[i] &= CMP over rows whose keys are both valid; a NULL equals a NULL only (with `slot`:
 * only when the slots are equal too, comparing a string's view bytes, never its pointer). */
#define EQ_LOOP(T, CMP, SLOT_CMP)                                                  \
    do {                                                                           \
        const T *p = (const T *)pv->data;                                          \
        const T *s = (const T *)sv->data;                                          \
        if (!pv->validity && !sv->validity) {                                      \
            for (int i = 0; i < n; i++) {                                          \
                T a = p[prow[i]], b = s[srow[i]];                                  \
                match[i] &= (uint8_t)(CMP);                                        \
            }                                                                      \
            break;                                                                 \
        }                                                                          \
        for (int i = 0; i < n; i++) {                                              \
            bool pn = !cn_vec_valid(pv, prow[i]), sn = !cn_rowstore_valid(rs, col, srow[i]); \
            T a = p[prow[i]], b = s[srow[i]];                                      \
            bool eq = pn || sn ? pn && sn && (!slot || (SLOT_CMP)) : (CMP);        \
            match[i] &= (uint8_t)eq;                                               \
        }                                                                          \
    } while (0)

static inline bool f64_key_eq(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

void cn_keys_eq(const cn_vector *pv, const uint16_t *prow, const cn_rowstore *rs, int col, const uint32_t *srow,
                int n, uint8_t *match, bool slot)
{
    const cn_vector *sv = &rs->cols[col];
    switch (cn_type_phys(sv->type)) {
    case CN_PHYS_U8:
    case CN_PHYS_I8: EQ_LOOP(uint8_t, a == b, a == b); break;
    case CN_PHYS_I16: EQ_LOOP(int16_t, a == b, a == b); break;
    case CN_PHYS_I32: EQ_LOOP(int32_t, a == b, a == b); break;
    case CN_PHYS_I64: EQ_LOOP(int64_t, a == b, a == b); break;
    case CN_PHYS_I128: EQ_LOOP(__int128, a == b, a == b); break;
    case CN_PHYS_F32: EQ_LOOP(float, f64_key_eq(a, b), memcmp(&a, &b, sizeof a) == 0); break;
    case CN_PHYS_F64: EQ_LOOP(double, f64_key_eq(a, b), memcmp(&a, &b, sizeof a) == 0); break;
    case CN_PHYS_STR: EQ_LOOP(cn_str, cn_str_eq(&a, &b), memcmp(&a, &b, sizeof a) == 0); break;
    }
}

bool cn_vector_nulls(const cn_vector *v, int n, uint8_t *anynull)
{
    if (!v->validity) return false;
    bool any = false;
    for (int i = 0; i < n; i++) {
        uint8_t isnull = !((v->validity[i >> 6] >> (i & 63)) & 1);
        anynull[i] |= isnull;
        any |= isnull;
    }
    return any;
}

const cn_vector *exec_key_vector(const cn_expr *e, const cn_batch *b, cn_vector *tmp, cn_eval_ctx *ctx,
                                 cn_error *err)
{
    if (e->kind == CN_EX_COL && !b->sel && e->index >= 0 && e->index < b->ncols) return &b->cols[e->index];
    if (e->kind == CN_EX_COL && e->index >= 0 && e->index < b->ncols) {
        int n = cn_batch_live(b);
        cn_vector_init(tmp, b->cols[e->index].type, n > 0 ? n : 1, ctx->arena);
        cn_vector_gather(tmp, &b->cols[e->index], b->sel, n, NULL);
        return tmp;
    }
    if (cn_expr_eval(e, b, tmp, ctx, err) < 0) return NULL;
    return tmp;
}

void exec_mem_account(cn_task_ctx *t, int64_t delta)
{
    if (!t || !delta) return;
    t->mem_used += delta;
    if (t->mem_used > t->mem_peak) t->mem_peak = t->mem_used;
}

cn_eval_ctx exec_eval_ctx(cn_task_ctx *t, cn_arena *arena)
{
    cn_eval_ctx c;
    memset(&c, 0, sizeof c);
    if (t) c = t->eval;
    c.arena = arena;
    return c;
}

cn_expr **exec_copy_exprs(cn_arena *a, int n, cn_expr *const *exprs)
{
    if (!exprs) return NULL;
    cn_expr **o = cn_arena_alloc(a, sizeof(cn_expr *) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) o[i] = exprs[i];
    return o;
}
