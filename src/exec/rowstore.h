/*
 * rowstore.h — a growable columnar buffer that accumulates batches, and the
 * vectorized key kernels the hash and sort operators share.
 *
 * A cn_rowstore keeps ncols columns as contiguous C arrays (one per column,
 * grown by doubling) plus a validity bitmap per column that is created the
 * first time a NULL is appended. Long strings are copied into the store's
 * arena, so the store never points into a caller's batch. Rows are addressed
 * by a 32-bit index; cn_rowstore_gather copies rows into a batch vector.
 *
 * Key kernels: cn_hash_vector hashes a dense vector (switch on the physical
 * type once, then a tight loop; NULL hashes to a constant; -0.0 and NaN are
 * normalized as Spark's NormalizeFloatingNumbers does), cn_keys_eq compares
 * probe rows against stored rows column by column, and exec_key_vector
 * evaluates a key expression into a dense vector, passing a column through
 * without a copy when the batch has no selection.
 */
#ifndef CN_ROWSTORE_H
#define CN_ROWSTORE_H

#include "exec/operator.h"

typedef struct cn_rowstore {
    int ncols;
    cn_type *types;
    cn_vector *cols;   /* data over `cap` rows; validity NULL until a NULL is appended */
    int64_t n, cap;
    cn_arena *arena;   /* long string bytes */
    int64_t bytes;     /* bytes held by the column arrays (for memory accounting) */
} cn_rowstore;

/* Columns of the given types; string bytes go to `arena` (must outlive the store). */
void cn_rowstore_init(cn_rowstore *rs, int ncols, const cn_type *types, cn_arena *arena);
void cn_rowstore_reserve(cn_rowstore *rs, int64_t rows);
/* Append n rows: column c takes src[c] at rows[i] (rows NULL = 0..n-1). */
void cn_rowstore_append(cn_rowstore *rs, const cn_vector *const *src, const uint16_t *rows, int n);
/* Write n rows into columns [col0, col0+ncols) at rows [rs->n, rs->n+n) without advancing rs->n
 * (capacity reserved by the caller); src[c - col0] feeds column c. */
void cn_rowstore_append_part(cn_rowstore *rs, int col0, int ncols, const cn_vector *const *src,
                             const uint16_t *rows, int n);
/* out[i] = column col at idx[i] for i < n; out initialised with capacity >= n (validity set as needed
 * from arena a). Strings are not copied (they live in the store's arena). */
void cn_rowstore_gather(const cn_rowstore *rs, int col, const uint32_t *idx, int n, cn_vector *out, cn_arena *a);
/* Rows [row0, row0+n) of column col into out (contiguous copy). */
void cn_rowstore_slice(const cn_rowstore *rs, int col, int64_t row0, int n, cn_vector *out, cn_arena *a);
static inline bool cn_rowstore_valid(const cn_rowstore *rs, int col, int64_t row)
{
    const uint64_t *v = rs->cols[col].validity;
    return !v || (v[row >> 6] >> (row & 63)) & 1;
}
void cn_rowstore_free(cn_rowstore *rs);

/* ---- key kernels ---- */
#define CN_NULL_HASH 0x6a09e667f3bcc909ULL
/* h[i] = hash(v[i]) (first) or combine(h[i], hash(v[i])) for the n dense rows of v; a NULL hashes
 * to CN_NULL_HASH whatever its value slot holds. `slot`: tests only, see CN_REINJECT_NULL_KEY_SLOT
 * (the NULL's slot is hashed too); false everywhere else. */
void cn_hash_vector(const cn_vector *v, int n, uint64_t *h, bool first, bool slot);
/* match[i] &= (pv[prow[i]] == store col `col` at srow[i]); NULL equals NULL (whatever the slots
 * hold, unless `slot`, as for cn_hash_vector), never a value. */
void cn_keys_eq(const cn_vector *pv, const uint16_t *prow, const cn_rowstore *rs, int col, const uint32_t *srow,
                int n, uint8_t *match, bool slot);
/* Mark nulls: anynull[i] |= pv row i is NULL, for i < n. Returns true if any row was NULL. */
bool cn_vector_nulls(const cn_vector *v, int n, uint8_t *anynull);

/* Evaluate e over the live rows of b into a dense vector: a column reference on a batch without
 * selection returns the batch's own vector; otherwise the result is written to *tmp. NULL + err on error. */
const cn_vector *exec_key_vector(const cn_expr *e, const cn_batch *b, cn_vector *tmp, cn_eval_ctx *ctx,
                                 cn_error *err);
/* Copy an array of expression pointers into arena a (NULL stays NULL). */
cn_expr **exec_copy_exprs(cn_arena *a, int n, cn_expr *const *exprs);
/* Account `delta` bytes of memory on the task (peak tracked). */
void exec_mem_account(cn_task_ctx *t, int64_t delta);
/* The task's eval context with `arena` for outputs. */
cn_eval_ctx exec_eval_ctx(cn_task_ctx *t, cn_arena *arena);

#endif
