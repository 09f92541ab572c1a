/*
 * union.c — Union: returns the batches of each child in order. The base
 * cn_op holds at most two children, so the union keeps its own array and
 * closes them itself.
 */
#include "exec/operator.h"

typedef struct union_op {
    cn_op op;
    int n, cur;
    cn_op **kids;
} union_op;

static int union_next(cn_op *op, cn_batch **out, cn_error *err)
{
    union_op *u = (union_op *)op;
    while (u->cur < u->n) {
        cn_batch *b;
        if (cn_op_next(u->kids[u->cur], &b, err) < 0) return -1;
        if (b) {
            *out = b;
            return 0;
        }
        u->cur++;
    }
    return 0;
}

static void union_close(cn_op *op)
{
    union_op *u = (union_op *)op;
    for (int i = 0; i < u->n; i++) cn_op_close(u->kids[i]);
    u->n = 0;
}

static const cn_op_vtable union_vt = {"Union", union_next, union_close};

cn_op *cn_op_union(cn_task_ctx *t, int n, cn_op **children)
{
    union_op *u = (union_op *)cn_op_alloc(t, &union_vt, sizeof(union_op), n > 0 ? children[0]->ncols : 0,
                                          n > 0 ? children[0]->types : NULL);
    u->n = n;
    u->kids = cn_arena_alloc(u->op.arena, sizeof(cn_op *) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) u->kids[i] = children[i];
    return &u->op;
}
