/*
 * operator.c — the generic part of every operator: allocation with its own
 * arena (a child of the task arena), next() with metrics (rows out, time
 * spent inside the operator including its children) and the cancellation
 * check, and close() which closes the children and frees the arena.
 */
#include "exec/operator.h"

cn_op *cn_op_alloc(cn_task_ctx *t, const cn_op_vtable *vt, size_t size, int ncols, const cn_type *types)
{
    cn_arena *a = cn_arena_new(vt->name, t ? t->arena : NULL);
    if (size < sizeof(cn_op)) size = sizeof(cn_op);
    cn_op *op = cn_arena_calloc(a, size);
    op->vt = vt;
    op->task = t;
    op->arena = a;
    op->ncols = ncols;
    op->types = cn_arena_calloc(a, sizeof(cn_type) * (size_t)(ncols > 0 ? ncols : 1));
    if (ncols > 0 && types) memcpy(op->types, types, sizeof(cn_type) * (size_t)ncols);
    return op;
}

int cn_op_next(cn_op *op, cn_batch **out, cn_error *err)
{
    *out = NULL;
    if (op->task && op->task->cancelled && *op->task->cancelled)
        return cn_error_set(err, "OPERATION_CANCELED", NULL);
    uint64_t t0 = cn_now_ns();
    int rc = op->vt->next(op, out, err);
    op->time_ns += cn_now_ns() - t0;
    if (rc < 0) {
        *out = NULL;
        return -1;
    }
    if (*out) op->rows_out += cn_batch_live(*out);
    return 0;
}

void cn_op_close(cn_op *op)
{
    if (!op) return;
    if (op->vt->close) op->vt->close(op);
    for (int i = 0; i < op->nchildren; i++) cn_op_close(op->children[i]);
    cn_arena_free(op->arena);
}
