/*
 * project.c — Project: evaluates one expression per output column. A column
 * reference over a batch without selection passes the input vector through
 * (no copy); with a selection it is gathered. Output batches are dense.
 */
#include "exec/operator.h"
#include "exec/rowstore.h"

typedef struct project_op {
    cn_op op;
    int n;
    cn_expr **exprs;
    cn_eval_ctx ctx;
    cn_arena *batch_arena;
    cn_batch out;
} project_op;

static int project_next(cn_op *op, cn_batch **out, cn_error *err)
{
    project_op *p = (project_op *)op;
    cn_batch *b;
    if (cn_op_next(op->children[0], &b, err) < 0) return -1;
    if (!b) return 0;
    cn_arena_reset(p->batch_arena);
    int live = cn_batch_live(b);
    p->out.ncols = p->n;
    p->out.count = live;
    p->out.sel = NULL;
    p->out.nsel = 0;
    p->out.cols = cn_arena_alloc(p->batch_arena, sizeof(cn_vector) * (size_t)(p->n > 0 ? p->n : 1));
    for (int i = 0; i < p->n; i++) {
        const cn_vector *v = exec_key_vector(p->exprs[i], b, &p->out.cols[i], &p->ctx, err);
        if (!v) return -1;
        if (v != &p->out.cols[i]) p->out.cols[i] = *v;
    }
    *out = &p->out;
    return 0;
}

static const cn_op_vtable project_vt = {"Project", project_next, NULL};

cn_op *cn_op_project(cn_task_ctx *t, cn_op *child, int n, cn_expr **exprs)
{
    cn_type types[n > 0 ? n : 1];
    for (int i = 0; i < n; i++) types[i] = exprs[i]->type;
    project_op *p = (project_op *)cn_op_alloc(t, &project_vt, sizeof(project_op), n, types);
    p->op.nchildren = 1;
    p->op.children[0] = child;
    p->n = n;
    p->exprs = exec_copy_exprs(p->op.arena, n, exprs);
    p->batch_arena = cn_arena_new("Project.batch", p->op.arena);
    p->ctx = exec_eval_ctx(t, p->batch_arena);
    return &p->op;
}
