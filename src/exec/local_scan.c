/*
 * local_scan.c — LocalTableScan: emits the rows of an inline table (a
 * cn_value matrix held by the plan) as batches of up to CN_BATCH_SIZE rows.
 * Values are written column by column into a batch allocated in a per-batch
 * arena; strings point at the plan's memory, which outlives the task.
 */
#include "exec/operator.h"

typedef struct local_scan {
    cn_op op;
    int nrows;
    cn_value **rows;
    int pos;
    cn_arena *batch_arena;
} local_scan;

static int local_next(cn_op *op, cn_batch **out, cn_error *err)
{
    local_scan *s = (local_scan *)op;
    if (s->pos >= s->nrows) return 0;
    cn_arena_reset(s->batch_arena);
    int n = CN_MIN(CN_BATCH_SIZE, s->nrows - s->pos);
    cn_batch *b = cn_batch_new(s->batch_arena, op->ncols, op->types, n);
    for (int c = 0; c < op->ncols; c++) {
        cn_vector *v = &b->cols[c];
        for (int i = 0; i < n; i++) {
            const cn_value *x = &s->rows[s->pos + i][c];
            if (x->is_null || x->type.kind == CN_NULL) {
                cn_vec_set_null(v, i, s->batch_arena);
            } else {
                cn_value tmp = *x;
                tmp.type = v->type;
                cn_value_to_vector(&tmp, v, i, s->batch_arena);
            }
        }
    }
    b->count = n;
    s->pos += n;
    *out = b;
    return 0;
}

static const cn_op_vtable local_vt = {"LocalTableScan", local_next, NULL};

cn_op *cn_op_local_scan(cn_task_ctx *t, int ncols, const cn_type *types, int nrows, cn_value **rows)
{
    local_scan *s = (local_scan *)cn_op_alloc(t, &local_vt, sizeof(local_scan), ncols, types);
    s->nrows = nrows;
    s->rows = rows;
    s->batch_arena = cn_arena_new("LocalTableScan.batch", s->op.arena);
    return &s->op;
}
