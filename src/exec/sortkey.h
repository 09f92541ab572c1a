/*
 * sortkey.h — normalized sort keys.
 *
 * Each sort key is encoded into a fixed number of bytes so that memcmp order
 * over the concatenation equals the ORDER BY order: one NULL byte per key
 * (NULL sorts first or last as asked, independent of direction), then the
 * value in big-endian order-preserving form (integers with the sign bit
 * flipped, floats with Spark's total order: -0.0 == 0.0, NaN greatest,
 * strings as their first SORTKEY_STR_PREFIX bytes), with the value bytes
 * inverted for DESC. Keys whose encoding can lose information (long strings)
 * set `tiebreak`: a memcmp is then only trusted up to the end of each string
 * key's prefix; when two records agree that far, the full string values are
 * compared (on the rowstore) before any later key's bytes are looked at —
 * otherwise a later key would decide between strings that differ only past
 * the prefix. `exact` is the length of the key bytes memcmp may order
 * without looking at the rows (through the first string key).
 *
 * A record is [width key bytes][uint32 row index]; cn_sortkey_sort sorts an
 * array of records in place (introsort, memcmp comparisons, tie-breaks on the
 * rowstore columns).
 */
#ifndef CN_SORTKEY_H
#define CN_SORTKEY_H

#include "exec/rowstore.h"

#define SORTKEY_STR_PREFIX 12

typedef struct cn_sortkey_layout {
    int nkeys;
    bool *desc, *nulls_first;
    cn_type *types;
    int *offset;     /* byte offset of key k (its NULL byte) */
    int width;       /* key bytes */
    int stride;      /* record bytes: width + 4, multiple of 4 */
    bool tiebreak;
    int exact;       /* key bytes [0, exact) order exactly by memcmp: width, or the end of the first string key */
    int nstr;        /* string keys, in key order */
    int *strkeys;
    const cn_rowstore *rs; /* for tie-breaks */
    const int *cols;       /* rowstore column of key k */
} cn_sortkey_layout;

void cn_sortkey_layout_init(cn_sortkey_layout *L, int nkeys, const cn_sort_key *orders, const cn_type *types,
                            cn_arena *a);
/* Encode key k for n rows of v (row i -> record i) into records at rec (stride L->stride). */
void cn_sortkey_encode(const cn_sortkey_layout *L, int k, const cn_vector *v, int64_t n, uint8_t *rec);
/* Store row indexes row0.. into the records. */
void cn_sortkey_set_rows(const cn_sortkey_layout *L, uint8_t *rec, int64_t n, uint32_t row0);
static inline uint32_t cn_sortkey_row(const cn_sortkey_layout *L, const uint8_t *rec)
{
    uint32_t r;
    memcpy(&r, rec + L->width, 4);
    return r;
}
/* Compare full key values of rowstore rows a and b (L->rs, L->cols). */
int cn_sortkey_cmp_rows(const cn_sortkey_layout *L, uint32_t a, uint32_t b);
/* Compare two records (memcmp segment by segment, full values of string keys whose prefixes tie). */
int cn_sortkey_cmp(const cn_sortkey_layout *L, const uint8_t *a, const uint8_t *b);
/* Sort n records in place. */
void cn_sortkey_sort(const cn_sortkey_layout *L, uint8_t *rec, int64_t n);

/* Shared by Sort and TopN (sort.c): the rowstore columns of a sort input (child columns, then
 * evaluated key expressions that are not plain column references) and appending one batch. */
int exec_sort_columns(int nchild, const cn_type *child_types, int norders, const cn_sort_key *orders, int *keycol,
                      cn_type *types);
int exec_sort_append(cn_rowstore *rs, const cn_batch *b, int nchild, int norders, const cn_sort_key *orders,
                     const int *keycol, cn_eval_ctx *ctx, cn_error *err);

#endif
