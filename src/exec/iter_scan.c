/*
 * iter_scan.c — a leaf that pulls batches from a cn_batch_iter handed out by
 * the task context (shuffle reads, cached partitions, broadcast rows). Empty
 * batches are skipped; the iterator is closed with the operator. Read metrics
 * (shuffle rows/bytes) belong to the iterator's owner, not task->input_rows.
 */
#include "exec/operator.h"

typedef struct iter_scan {
    cn_op op;
    cn_batch_iter it;
    bool done;
} iter_scan;

static int iter_next(cn_op *op, cn_batch **out, cn_error *err)
{
    iter_scan *s = (iter_scan *)op;
    while (!s->done) {
        cn_batch *b = NULL;
        if (!s->it.next) {
            s->done = true;
            break;
        }
        if (s->it.next(s->it.state, &b, err) < 0) return -1;
        if (!b) {
            s->done = true;
            break;
        }
        if (cn_batch_live(b) > 0) {
            *out = b;
            return 0;
        }
    }
    return 0;
}

static void iter_close(cn_op *op)
{
    iter_scan *s = (iter_scan *)op;
    if (s->it.close) s->it.close(s->it.state);
    s->it.close = NULL;
}

static const cn_op_vtable iter_vt = {"IterScan", iter_next, iter_close};

cn_op *cn_op_iter_scan(cn_task_ctx *t, int ncols, const cn_type *types, cn_batch_iter it)
{
    iter_scan *s = (iter_scan *)cn_op_alloc(t, &iter_vt, sizeof(iter_scan), ncols, types);
    s->it = it;
    return &s->op;
}
