/*
 * vector.h — columnar data: strings, vectors, batches, schemas.
 *
 * cn_str is a 16-byte string view: 4-byte length, then either the bytes inline
 * (length <= 12) or a 4-byte prefix and a pointer to bytes owned by some arena.
 * Compare with cn_str_eq / cn_str_cmp (byte-wise, as Spark compares UTF-8).
 *
 * A cn_vector is one column of one type: a plain C array of the physical type
 * (see types.h) and a validity bitmap (bit i set = row i is valid). A NULL
 * validity pointer means "no NULLs". Data and validity live in an arena.
 * The data slot of a NULL row is unspecified (producers need not write it):
 * consumers must not follow a string pointer or trust a length at a NULL row.
 *
 * A cn_batch holds up to CN_BATCH_SIZE rows: ncols vectors of equal length
 * `count` (physical rows) and an optional selection vector `sel`: when sel is
 * non-NULL only rows sel[0..nsel) are live (sel is ascending). Operators that
 * read a batch must honour sel; cn_batch_live() gives the live row count.
 *
 * Ownership: the batch returned by an operator's next() is valid until the
 * next call to next() on that operator; consumers that keep data must copy it
 * (cn_vector_copy_rows / cn_str_copy into their own arena).
 */
#ifndef CN_VECTOR_H
#define CN_VECTOR_H

#include "base/arena.h"
#include "types/types.h"

typedef struct cn_str {
    uint32_t len;
    char prefix[4];
    union {
        char inl[8];
        const char *ptr;
    } u;
} cn_str;

#define CN_STR_INLINE 12

static inline const char *cn_str_data(const cn_str *s) { return s->len <= CN_STR_INLINE ? s->prefix : s->u.ptr; }
/* View over bytes that outlive the view (no copy for long strings). */
static inline cn_str cn_str_view(const char *p, uint32_t len)
{
    cn_str s;
    memset(&s, 0, sizeof s);
    s.len = len;
    if (len <= CN_STR_INLINE) {
        if (len) memcpy(s.prefix, p, len);
    } else {
        memcpy(s.prefix, p, 4);
        s.u.ptr = p;
    }
    return s;
}
/* Copy long strings' bytes into arena a. */
static inline cn_str cn_str_copy(cn_arena *a, cn_str s)
{
    if (s.len > CN_STR_INLINE) s.u.ptr = cn_arena_memdup(a, s.u.ptr, s.len);
    return s;
}
static inline bool cn_str_eq(const cn_str *a, const cn_str *b)
{
    if (a->len != b->len || memcmp(a->prefix, b->prefix, 4) != 0) return false;
    if (a->len <= CN_STR_INLINE) return memcmp(a->u.inl, b->u.inl, 8) == 0;
    return memcmp(a->u.ptr, b->u.ptr, a->len) == 0;
}
static inline int cn_str_cmp(const cn_str *a, const cn_str *b)
{
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(cn_str_data(a), cn_str_data(b), n);
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

typedef struct cn_vector {
    cn_type type;
    void *data;         /* capacity elements of cn_type_phys(type) */
    uint64_t *validity; /* NULL => all valid; else bit i = row i valid */
    int capacity;
} cn_vector;

static inline bool cn_vec_valid(const cn_vector *v, int i)
{
    return !v->validity || (v->validity[i >> 6] >> (i & 63)) & 1;
}
/* Allocate validity (all valid) if absent, then mark row i NULL (a may be NULL, see
 * cn_vector_ensure_validity). */
void cn_vec_set_null(cn_vector *v, int i, cn_arena *a);
static inline void cn_vec_set_valid(cn_vector *v, int i)
{
    if (v->validity) v->validity[i >> 6] |= (1ull << (i & 63));
}
#define CN_VALIDITY_WORDS(n) (((n) + 63) / 64)

/* Initialise v with room for `capacity` rows of type t in arena a (validity NULL). */
void cn_vector_init(cn_vector *v, cn_type t, int capacity, cn_arena *a);
/* Ensure v has a validity bitmap (all valid). With a == NULL the bitmap goes into spare room
 * that cn_vector_init reserves after the data (only for vectors made by cn_vector_init). */
void cn_vector_ensure_validity(cn_vector *v, cn_arena *a);
/* Make every row NULL (type CN_NULL vectors, NULL literals). */
void cn_vector_set_all_null(cn_vector *v, int n, cn_arena *a);
/* Copy row `src_row` of src to `dst_row` of dst (same physical type); strings are copied into a. */
void cn_vector_copy_row(cn_vector *dst, int dst_row, const cn_vector *src, int src_row, cn_arena *a);
/* Gather: dst[i] = src[rows[i]] for i < n (rows NULL = identity); strings are not deep-copied
 * unless `a` is non-NULL. dst must be initialised with capacity >= n. NULLs are carried over
 * (a bitmap is attached to dst when needed, from `a` or cn_vector_init's spare room). */
void cn_vector_gather(cn_vector *dst, const cn_vector *src, const uint16_t *rows, int n, cn_arena *a);

typedef struct cn_batch {
    int ncols;
    int count;     /* physical rows in each vector */
    uint16_t *sel; /* NULL = all `count` rows live; else live rows are sel[0..nsel) */
    int nsel;
    cn_vector *cols;
} cn_batch;

static inline int cn_batch_live(const cn_batch *b) { return b->sel ? b->nsel : b->count; }
static inline int cn_batch_row(const cn_batch *b, int i) { return b->sel ? b->sel[i] : i; }

/* New batch with ncols vectors of the given types, capacity rows each, in arena a. */
cn_batch *cn_batch_new(cn_arena *a, int ncols, const cn_type *types, int capacity);
/* Dense copy of the live rows of b into arena a (strings deep-copied). */
cn_batch *cn_batch_compact(cn_arena *a, const cn_batch *b);

/* A named, typed column list (the output of a plan node or a file). */
typedef struct cn_field {
    char *name;
    cn_type type;
    bool nullable;
} cn_field;

typedef struct cn_schema {
    int n;
    cn_field *fields;
} cn_schema;

cn_schema *cn_schema_new(cn_arena *a, int n);
/* Spark's struct string: "struct<a:int,b:string>". */
char *cn_schema_struct_string(cn_arena *a, const cn_schema *s);

#endif
