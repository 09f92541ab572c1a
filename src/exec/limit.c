/*
 * limit.c — LocalLimit with offset: skips the first `offset` live rows, then
 * passes at most `limit` rows (limit < 0 = no limit) and stops pulling from
 * its child once the limit is reached. Partial batches are returned with a
 * selection vector over the child's batch (no copy).
 */
#include "exec/operator.h"

typedef struct limit_op {
    cn_op op;
    int64_t limit, offset;
    int64_t skipped, emitted;
    uint16_t *sel;
    cn_batch out;
} limit_op;

static int limit_next(cn_op *op, cn_batch **out, cn_error *err)
{
    limit_op *l = (limit_op *)op;
    for (;;) {
        if (l->limit >= 0 && l->emitted >= l->limit) return 0;
        cn_batch *b;
        if (cn_op_next(op->children[0], &b, err) < 0) return -1;
        if (!b) return 0;
        int live = cn_batch_live(b);
        int from = 0;
        if (l->skipped < l->offset) {
            int64_t skip = CN_MIN((int64_t)live, l->offset - l->skipped);
            l->skipped += skip;
            from = (int)skip;
        }
        int take = live - from;
        if (l->limit >= 0 && take > l->limit - l->emitted) take = (int)(l->limit - l->emitted);
        if (take <= 0) continue;
        l->emitted += take;
        if (from == 0 && take == live) {
            *out = b;
            return 0;
        }
        for (int i = 0; i < take; i++) l->sel[i] = (uint16_t)cn_batch_row(b, from + i);
        l->out = *b;
        l->out.sel = l->sel;
        l->out.nsel = take;
        *out = &l->out;
        return 0;
    }
}

static const cn_op_vtable limit_vt = {"LocalLimit", limit_next, NULL};

cn_op *cn_op_limit(cn_task_ctx *t, cn_op *child, int64_t limit, int64_t offset)
{
    limit_op *l = (limit_op *)cn_op_alloc(t, &limit_vt, sizeof(limit_op), child->ncols, child->types);
    l->op.nchildren = 1;
    l->op.children[0] = child;
    l->limit = limit;
    l->offset = offset > 0 ? offset : 0;
    l->sel = cn_arena_alloc(l->op.arena, sizeof(uint16_t) * CN_BATCH_SIZE);
    return &l->op;
}
