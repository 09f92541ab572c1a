/*
 * vector.c — vectors, batches and schemas: allocation in arenas, validity
 * bitmaps, row copies and gathers (switching on the physical type once per
 * call, then a tight loop), compaction of a batch's selection, and Spark's
 * struct<...> schema string.
 */
#include "types/vector.h"

#include "base/strbuf.h"

void cn_vector_init(cn_vector *v, cn_type t, int capacity, cn_arena *a)
{
    v->type = t;
    v->capacity = capacity;
    v->validity = NULL;
    /* The data buffer is followed by room for a validity bitmap, so that a bitmap can be
     * attached later without an arena (cn_vector_ensure_validity(v, NULL), gathers). */
    size_t bytes = (size_t)(capacity > 0 ? capacity : 1) * (size_t)cn_type_width(t);
    bytes = (bytes + 7) & ~(size_t)7;
    v->data = cn_arena_alloc(a, bytes + (size_t)CN_VALIDITY_WORDS(capacity > 0 ? capacity : 1) * 8);
    if (t.kind == CN_NULL) cn_vector_set_all_null(v, capacity, a);
}

void cn_vector_ensure_validity(cn_vector *v, cn_arena *a)
{
    if (v->validity) return;
    int words = CN_VALIDITY_WORDS(v->capacity > 0 ? v->capacity : 1);
    if (a) {
        v->validity = cn_arena_alloc(a, (size_t)words * 8);
    } else {
        size_t bytes = (size_t)(v->capacity > 0 ? v->capacity : 1) * (size_t)cn_type_width(v->type);
        v->validity = (uint64_t *)((char *)v->data + ((bytes + 7) & ~(size_t)7));
    }
    memset(v->validity, 0xff, (size_t)words * 8);
}

void cn_vec_set_null(cn_vector *v, int i, cn_arena *a)
{
    if (!v->validity) cn_vector_ensure_validity(v, a);
    v->validity[i >> 6] &= ~(1ull << (i & 63));
}

void cn_vector_set_all_null(cn_vector *v, int n, cn_arena *a)
{
    cn_vector_ensure_validity(v, a);
    int words = CN_VALIDITY_WORDS(v->capacity > 0 ? v->capacity : 1);
    memset(v->validity, 0, (size_t)words * 8);
    CN_UNUSED(n);
}

static inline void copy_validity(cn_vector *dst, int dst_row, const cn_vector *src, int src_row, cn_arena *a)
{
    if (cn_vec_valid(src, src_row)) {
        cn_vec_set_valid(dst, dst_row);
    } else {
        cn_vec_set_null(dst, dst_row, a);
    }
}

void cn_vector_copy_row(cn_vector *dst, int dst_row, const cn_vector *src, int src_row, cn_arena *a)
{
    int w = cn_type_width(src->type);
    if (cn_type_phys(src->type) == CN_PHYS_STR) {
        cn_str s = ((const cn_str *)src->data)[src_row];
        if (!cn_vec_valid(src, src_row)) memset(&s, 0, sizeof s); /* NULL rows may hold garbage */
        else if (a) s = cn_str_copy(a, s);
        ((cn_str *)dst->data)[dst_row] = s;
    } else {
        memcpy((char *)dst->data + (size_t)dst_row * w, (const char *)src->data + (size_t)src_row * w, (size_t)w);
    }
    copy_validity(dst, dst_row, src, src_row, a);
}

#define GATHER(T)                                                  \
    do {                                                           \
        T *d = (T *)dst->data;                                     \
        const T *s = (const T *)src->data;                         \
        if (rows)                                                  \
            for (int i = 0; i < n; i++) d[i] = s[rows[i]];         \
        else                                                       \
            memcpy(d, s, (size_t)n * sizeof(T));                   \
    } while (0)

void cn_vector_gather(cn_vector *dst, const cn_vector *src, const uint16_t *rows, int n, cn_arena *a)
{
    switch (cn_type_phys(src->type)) {
    case CN_PHYS_U8:
    case CN_PHYS_I8: GATHER(uint8_t); break;
    case CN_PHYS_I16: GATHER(int16_t); break;
    case CN_PHYS_I32:
    case CN_PHYS_F32: GATHER(int32_t); break;
    case CN_PHYS_I64:
    case CN_PHYS_F64: GATHER(int64_t); break;
    case CN_PHYS_I128: GATHER(__int128); break;
    case CN_PHYS_STR: {
        GATHER(cn_str);
        if (a) {
            /* NULL rows may hold garbage (their pointer is never followed): cleared */
            cn_str *d = (cn_str *)dst->data;
            for (int i = 0; i < n; i++) {
                if (src->validity && !cn_vec_valid(src, rows ? rows[i] : i)) memset(&d[i], 0, sizeof d[i]);
                else if (d[i].len > CN_STR_INLINE) d[i].u.ptr = cn_arena_memdup(a, d[i].u.ptr, d[i].len);
            }
        }
        break;
    }
    }
    if (!src->validity) {
        if (dst->validity) {
            /* mark rows [0, n) valid */
            for (int i = 0; i < n; i++) cn_vec_set_valid(dst, i);
        }
        return;
    }
    bool any_null = false;
    for (int i = 0; i < n && !any_null; i++)
        if (!cn_vec_valid(src, rows ? rows[i] : i)) any_null = true;
    if (!any_null) {
        if (dst->validity)
            for (int i = 0; i < n; i++) cn_vec_set_valid(dst, i);
        return;
    }
    if (!dst->validity) cn_vector_ensure_validity(dst, a); /* a == NULL: the spare room of cn_vector_init */
    for (int i = 0; i < n; i++) {
        int r = rows ? rows[i] : i;
        if (cn_vec_valid(src, r))
            dst->validity[i >> 6] |= 1ull << (i & 63);
        else
            dst->validity[i >> 6] &= ~(1ull << (i & 63));
    }
}

cn_batch *cn_batch_new(cn_arena *a, int ncols, const cn_type *types, int capacity)
{
    cn_batch *b = cn_arena_calloc(a, sizeof *b);
    b->ncols = ncols;
    b->cols = cn_arena_calloc(a, sizeof(cn_vector) * (size_t)(ncols > 0 ? ncols : 1));
    for (int i = 0; i < ncols; i++) cn_vector_init(&b->cols[i], types[i], capacity, a);
    return b;
}

cn_batch *cn_batch_compact(cn_arena *a, const cn_batch *b)
{
    int n = cn_batch_live(b);
    cn_batch *o = cn_arena_calloc(a, sizeof *o);
    o->ncols = b->ncols;
    o->count = n;
    o->cols = cn_arena_calloc(a, sizeof(cn_vector) * (size_t)(b->ncols > 0 ? b->ncols : 1));
    for (int c = 0; c < b->ncols; c++) {
        cn_vector *d = &o->cols[c];
        cn_vector_init(d, b->cols[c].type, n > 0 ? n : 1, a);
        if (b->cols[c].validity) cn_vector_ensure_validity(d, a);
        cn_vector_gather(d, &b->cols[c], b->sel, n, a);
    }
    return o;
}

cn_schema *cn_schema_new(cn_arena *a, int n)
{
    cn_schema *s = cn_arena_calloc(a, sizeof *s);
    s->n = n;
    s->fields = cn_arena_calloc(a, sizeof(cn_field) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) s->fields[i].nullable = true;
    return s;
}

char *cn_schema_struct_string(cn_arena *a, const cn_schema *s)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "struct<");
    char buf[64];
    for (int i = 0; i < s->n; i++) {
        if (i) cn_sb_putc(&sb, ',');
        cn_sb_puts(&sb, s->fields[i].name ? s->fields[i].name : "");
        cn_sb_putc(&sb, ':');
        cn_sb_puts(&sb, cn_type_name(s->fields[i].type, buf, sizeof buf));
    }
    cn_sb_putc(&sb, '>');
    char *r = cn_arena_strdup(a, sb.s);
    cn_sb_free(&sb);
    return r;
}
