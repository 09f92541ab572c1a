/*
 * filter.c — Filter: evaluates the predicate over each child batch with
 * cn_expr_select and returns the child's batch (no copy) with a new selection
 * vector of the rows where it is TRUE. Batches with no surviving row are
 * skipped. The predicate's temporaries live in a per-batch arena.
 */
#include "exec/operator.h"
#include "exec/rowstore.h"

typedef struct filter_op {
    cn_op op;
    const cn_expr *cond;
    cn_eval_ctx ctx;
    cn_arena *batch_arena;
    uint16_t *sel;
    cn_batch out;
} filter_op;

static int filter_next(cn_op *op, cn_batch **out, cn_error *err)
{
    filter_op *f = (filter_op *)op;
    for (;;) {
        cn_batch *b;
        if (cn_op_next(op->children[0], &b, err) < 0) return -1;
        if (!b) return 0;
        cn_arena_reset(f->batch_arena);
        int live = cn_batch_live(b);
        int k = cn_expr_select(f->cond, b, f->sel, &f->ctx, err);
        if (k < 0) return -1;
        if (k == 0) continue;
        if (k == live) {
            *out = b;
            return 0;
        }
        f->out = *b;
        f->out.sel = f->sel;
        f->out.nsel = k;
        *out = &f->out;
        return 0;
    }
}

static const cn_op_vtable filter_vt = {"Filter", filter_next, NULL};

cn_op *cn_op_filter(cn_task_ctx *t, cn_op *child, const cn_expr *cond)
{
    filter_op *f = (filter_op *)cn_op_alloc(t, &filter_vt, sizeof(filter_op), child->ncols, child->types);
    f->op.nchildren = 1;
    f->op.children[0] = child;
    f->cond = cond;
    f->batch_arena = cn_arena_new("Filter.batch", f->op.arena);
    f->ctx = exec_eval_ctx(t, f->batch_arena);
    f->sel = cn_arena_alloc(f->op.arena, sizeof(uint16_t) * CN_BATCH_SIZE);
    return &f->op;
}
