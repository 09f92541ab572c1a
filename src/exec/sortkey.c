/*
 * sortkey.c — encoding of normalized sort keys (one tight loop per key and
 * type), the full-value tie-break comparison, and an introsort over
 * fixed-width records (median-of-three quicksort, insertion sort for small
 * ranges, heapsort when recursion gets too deep).
 */
#include "exec/sortkey.h"

#include <math.h>

static int key_bytes(cn_type t)
{
    switch (cn_type_phys(t)) {
    case CN_PHYS_U8:
    case CN_PHYS_I8: return 1;
    case CN_PHYS_I16: return 2;
    case CN_PHYS_I32:
    case CN_PHYS_F32: return 4;
    case CN_PHYS_I64:
    case CN_PHYS_F64: return 8;
    case CN_PHYS_I128: return 16;
    case CN_PHYS_STR: return SORTKEY_STR_PREFIX;
    }
    return 8;
}

void cn_sortkey_layout_init(cn_sortkey_layout *L, int nkeys, const cn_sort_key *orders, const cn_type *types,
                            cn_arena *a)
{
    memset(L, 0, sizeof *L);
    L->nkeys = nkeys;
    size_t n = (size_t)(nkeys > 0 ? nkeys : 1);
    L->desc = cn_arena_calloc(a, n);
    L->nulls_first = cn_arena_calloc(a, n);
    L->types = cn_arena_calloc(a, n * sizeof(cn_type));
    L->offset = cn_arena_calloc(a, n * sizeof(int));
    L->strkeys = cn_arena_calloc(a, n * sizeof(int));
    int off = 0;
    for (int k = 0; k < nkeys; k++) {
        L->desc[k] = orders[k].desc;
        L->nulls_first[k] = orders[k].nulls_first;
        L->types[k] = types[k];
        L->offset[k] = off;
        off += 1 + key_bytes(types[k]);
        if (cn_type_phys(types[k]) == CN_PHYS_STR) {
            if (!L->tiebreak) L->exact = off;
            L->tiebreak = true;
            L->strkeys[L->nstr++] = k;
        }
    }
    L->width = off;
    if (!L->tiebreak) L->exact = off;
    L->stride = (off + 4 + 3) & ~3;
}

static inline void put_be(uint8_t *p, uint64_t v, int nb)
{
    for (int i = nb - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static inline uint64_t f64_order(double d)
{
    uint64_t u;
    if (d == 0.0) d = 0.0;
    if (isnan(d)) d = NAN;
    memcpy(&u, &d, 8);
    return (u >> 63) ? ~u : u | (1ull << 63);
}

static inline uint32_t f32_order(float d)
{
    uint32_t u;
    if (d == 0.0f) d = 0.0f;
    if (isnan(d)) d = NAN;
    memcpy(&u, &d, 4);
    return (u >> 31) ? ~u : u | (1u << 31);
}

#define ENC_INT(T, NB, UT)                                                        \
    do {                                                                          \
        const T *d = (const T *)v->data;                                          \
        for (int64_t i = 0; i < n; i++)                                           \
            put_be(rec + i * S + o + 1, (uint64_t)((UT)d[i] ^ ((UT)1 << (NB * 8 - 1))), NB); \
    } while (0)

void cn_sortkey_encode(const cn_sortkey_layout *L, int k, const cn_vector *v, int64_t n, uint8_t *rec)
{
    int S = L->stride, o = L->offset[k], nb = key_bytes(L->types[k]);
    for (int64_t i = 0; i < n; i++) rec[i * S + o] = 1;
    switch (cn_type_phys(L->types[k])) {
    case CN_PHYS_U8: {
        const uint8_t *d = v->data;
        for (int64_t i = 0; i < n; i++) rec[i * S + o + 1] = d[i];
        break;
    }
    case CN_PHYS_I8: ENC_INT(int8_t, 1, uint8_t); break;
    case CN_PHYS_I16: ENC_INT(int16_t, 2, uint16_t); break;
    case CN_PHYS_I32: ENC_INT(int32_t, 4, uint32_t); break;
    case CN_PHYS_I64: ENC_INT(int64_t, 8, uint64_t); break;
    case CN_PHYS_I128: {
        const __int128 *d = v->data;
        for (int64_t i = 0; i < n; i++) {
            unsigned __int128 u = (unsigned __int128)d[i] ^ ((unsigned __int128)1 << 127);
            put_be(rec + i * S + o + 1, (uint64_t)(u >> 64), 8);
            put_be(rec + i * S + o + 9, (uint64_t)u, 8);
        }
        break;
    }
    case CN_PHYS_F32: {
        const float *d = v->data;
        for (int64_t i = 0; i < n; i++) put_be(rec + i * S + o + 1, f32_order(d[i]), 4);
        break;
    }
    case CN_PHYS_F64: {
        const double *d = v->data;
        for (int64_t i = 0; i < n; i++) put_be(rec + i * S + o + 1, f64_order(d[i]), 8);
        break;
    }
    case CN_PHYS_STR: {
        const cn_str *d = v->data;
        for (int64_t i = 0; i < n; i++) {
            uint8_t *p = rec + i * S + o + 1;
            if (v->validity && !((v->validity[i >> 6] >> (i & 63)) & 1)) continue; /* NULL: filled below */
            uint32_t len = d[i].len < SORTKEY_STR_PREFIX ? d[i].len : SORTKEY_STR_PREFIX;
            memcpy(p, cn_str_data(&d[i]), len);
            memset(p + len, 0, SORTKEY_STR_PREFIX - len);
        }
        break;
    }
    }
    if (L->desc[k])
        for (int64_t i = 0; i < n; i++) {
            uint8_t *p = rec + i * S + o + 1;
            for (int j = 0; j < nb; j++) p[j] = (uint8_t)~p[j];
        }
    if (v->validity) {
        uint8_t nullb = L->nulls_first[k] ? 0 : 2;
        for (int64_t i = 0; i < n; i++)
            if (!((v->validity[i >> 6] >> (i & 63)) & 1)) {
                uint8_t *p = rec + i * S + o;
                p[0] = nullb;
                memset(p + 1, 0, (size_t)nb);
            }
    }
}

void cn_sortkey_set_rows(const cn_sortkey_layout *L, uint8_t *rec, int64_t n, uint32_t row0)
{
    for (int64_t i = 0; i < n; i++) {
        uint32_t r = row0 + (uint32_t)i;
        memcpy(rec + i * L->stride + L->width, &r, 4);
    }
}

#define CMPV(a, b) ((a) < (b) ? -1 : (a) > (b))

static int cmp_f64(double a, double b)
{
    bool na = isnan(a), nb = isnan(b);
    if (na || nb) return na - nb;
    return CMPV(a, b);
}

/* Compare the full values of key k of rowstore rows a and b. */
static int cmp_key_rows(const cn_sortkey_layout *L, int k, uint32_t a, uint32_t b)
{
    const cn_rowstore *rs = L->rs;
    int col = L->cols[k];
    bool va = cn_rowstore_valid(rs, col, a), vb = cn_rowstore_valid(rs, col, b);
    if (!va || !vb) {
        if (va == vb) return 0;
        int c = !va ? -1 : 1; /* NULL first */
        return L->nulls_first[k] ? c : -c;
    }
    const void *d = rs->cols[col].data;
    int c = 0;
    switch (cn_type_phys(L->types[k])) {
    case CN_PHYS_U8: c = CMPV(((const uint8_t *)d)[a], ((const uint8_t *)d)[b]); break;
    case CN_PHYS_I8: c = CMPV(((const int8_t *)d)[a], ((const int8_t *)d)[b]); break;
    case CN_PHYS_I16: c = CMPV(((const int16_t *)d)[a], ((const int16_t *)d)[b]); break;
    case CN_PHYS_I32: c = CMPV(((const int32_t *)d)[a], ((const int32_t *)d)[b]); break;
    case CN_PHYS_I64: c = CMPV(((const int64_t *)d)[a], ((const int64_t *)d)[b]); break;
    case CN_PHYS_I128: c = CMPV(((const __int128 *)d)[a], ((const __int128 *)d)[b]); break;
    case CN_PHYS_F32: c = cmp_f64(((const float *)d)[a], ((const float *)d)[b]); break;
    case CN_PHYS_F64: c = cmp_f64(((const double *)d)[a], ((const double *)d)[b]); break;
    case CN_PHYS_STR: c = cn_str_cmp(&((const cn_str *)d)[a], &((const cn_str *)d)[b]); break;
    }
    return L->desc[k] ? -c : c;
}

int cn_sortkey_cmp_rows(const cn_sortkey_layout *L, uint32_t a, uint32_t b)
{
    for (int k = 0; k < L->nkeys; k++) {
        int c = cmp_key_rows(L, k, a, b);
        if (c) return c;
    }
    return 0;
}

int cn_sortkey_cmp(const cn_sortkey_layout *L, const uint8_t *a, const uint8_t *b)
{
    if (!L->tiebreak) return memcmp(a, b, (size_t)L->width);
    /* memcmp up to the end of each string key's prefix, then that key's full values */
    int start = 0;
    for (int s = 0; s < L->nstr; s++) {
        int k = L->strkeys[s], end = L->offset[k] + 1 + SORTKEY_STR_PREFIX;
        int c = memcmp(a + start, b + start, (size_t)(end - start));
        if (c) return c;
        if (a[L->offset[k]] == 1) { /* both non-NULL (the NULL bytes are equal) */
            c = cmp_key_rows(L, k, cn_sortkey_row(L, a), cn_sortkey_row(L, b));
            if (c) return c;
        }
        start = end;
    }
    return memcmp(a + start, b + start, (size_t)(L->width - start));
}

/* ---- introsort over records ---- */

static inline void rec_swap(uint8_t *a, uint8_t *b, int S)
{
    uint8_t tmp[256];
    if (S <= 256) {
        memcpy(tmp, a, (size_t)S);
        memcpy(a, b, (size_t)S);
        memcpy(b, tmp, (size_t)S);
    } else {
        for (int i = 0; i < S; i++) {
            uint8_t t = a[i];
            a[i] = b[i];
            b[i] = t;
        }
    }
}

static void insertion(const cn_sortkey_layout *L, uint8_t *rec, int64_t n)
{
    int S = L->stride;
    for (int64_t i = 1; i < n; i++)
        for (int64_t j = i; j > 0 && cn_sortkey_cmp(L, rec + (j - 1) * S, rec + j * S) > 0; j--)
            rec_swap(rec + (j - 1) * S, rec + j * S, S);
}

static void sift(const cn_sortkey_layout *L, uint8_t *rec, int64_t root, int64_t n)
{
    int S = L->stride;
    for (;;) {
        int64_t c = 2 * root + 1;
        if (c >= n) return;
        if (c + 1 < n && cn_sortkey_cmp(L, rec + c * S, rec + (c + 1) * S) < 0) c++;
        if (cn_sortkey_cmp(L, rec + root * S, rec + c * S) >= 0) return;
        rec_swap(rec + root * S, rec + c * S, S);
        root = c;
    }
}

static void heapsort_rec(const cn_sortkey_layout *L, uint8_t *rec, int64_t n)
{
    int S = L->stride;
    for (int64_t i = n / 2 - 1; i >= 0; i--) sift(L, rec, i, n);
    for (int64_t i = n - 1; i > 0; i--) {
        rec_swap(rec, rec + i * S, S);
        sift(L, rec, 0, i);
    }
}

static void introsort(const cn_sortkey_layout *L, uint8_t *rec, int64_t n, int depth)
{
    int S = L->stride;
    while (n > 16) {
        if (depth-- == 0) {
            heapsort_rec(L, rec, n);
            return;
        }
        /* median of three to position 0 */
        uint8_t *a = rec, *b = rec + (n / 2) * S, *c = rec + (n - 1) * S;
        if (cn_sortkey_cmp(L, a, b) > 0) rec_swap(a, b, S);
        if (cn_sortkey_cmp(L, b, c) > 0) rec_swap(b, c, S);
        if (cn_sortkey_cmp(L, a, b) > 0) rec_swap(a, b, S);
        rec_swap(rec, b, S); /* pivot at 0 */
        int64_t i = 1, j = n - 1;
        for (;;) {
            while (i <= j && cn_sortkey_cmp(L, rec + i * S, rec) < 0) i++;
            while (j >= i && cn_sortkey_cmp(L, rec + j * S, rec) > 0) j--;
            if (i >= j) break;
            rec_swap(rec + i * S, rec + j * S, S);
            i++;
            j--;
        }
        rec_swap(rec, rec + j * S, S);
        /* recurse into the smaller part */
        int64_t left = j, right = n - j - 1;
        if (left < right) {
            introsort(L, rec, left, depth);
            rec += (j + 1) * S;
            n = right;
        } else {
            introsort(L, rec + (j + 1) * S, right, depth);
            n = left;
        }
    }
    insertion(L, rec, n);
}

static void introsort_all(const cn_sortkey_layout *L, uint8_t *rec, int64_t n)
{
    int depth = 2;
    for (int64_t m = n; m > 1; m >>= 1) depth += 2;
    introsort(L, rec, n, depth);
}

/* MSD radix sort on key byte `b`; small ranges and ranges equal on all key bytes up to L->exact go
 * to introsort (which only has to order by the remaining bytes / the full string values). Radix
 * never looks past the first string key's prefix: bytes after it may only decide between rows
 * whose full strings are equal. */
static void radix(const cn_sortkey_layout *L, uint8_t *rec, uint8_t *tmp, int64_t n, int b)
{
    int S = L->stride;
    while (b < L->exact && n > 64) {
        int64_t cnt[256] = {0};
        for (int64_t i = 0; i < n; i++) cnt[rec[i * S + b]]++;
        int nonzero = 0;
        for (int d = 0; d < 256; d++) nonzero += cnt[d] != 0;
        if (nonzero == 1) { /* constant byte: next one */
            b++;
            continue;
        }
        int64_t pos[256], p = 0;
        for (int d = 0; d < 256; d++) {
            pos[d] = p;
            p += cnt[d];
        }
        for (int64_t i = 0; i < n; i++) memcpy(tmp + pos[rec[i * S + b]]++ * S, rec + i * S, (size_t)S);
        memcpy(rec, tmp, (size_t)(n * S));
        int64_t start = 0;
        for (int d = 0; d < 256; d++) {
            if (cnt[d] > 1) radix(L, rec + start * S, tmp, cnt[d], b + 1);
            start += cnt[d];
        }
        return;
    }
    if (n > 1 && (b < L->width || L->tiebreak)) introsort_all(L, rec, n);
}

void cn_sortkey_sort(const cn_sortkey_layout *L, uint8_t *rec, int64_t n)
{
    if (n <= 64) {
        introsort_all(L, rec, n);
        return;
    }
    uint8_t *tmp = cn_xmalloc((size_t)n * (size_t)L->stride);
    radix(L, rec, tmp, n, 0);
    free(tmp);
}
