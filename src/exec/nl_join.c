/*
 * nl_join.c — BroadcastNestedLoopJoin / CartesianProduct: the build side is
 * buffered in a cn_rowstore, the probe side streams, and every (probe row,
 * build row) pair is a candidate, generated in blocks of CN_BATCH_SIZE (the
 * position in the probe batch × build rows persists across next() calls).
 * joinout.c evaluates the condition and implements every join type; for
 * semi / anti joins without a condition one pair per probe row decides.
 */
#include "exec/joinout.h"

enum { PH_BUILD, PH_PROBE, PH_REST, PH_DONE };

typedef struct nl_join {
    cn_op op;
    int phase;
    cn_op *probe_child, *build_child;
    cn_rowstore build;
    int64_t mem_accounted;
    joinout jo;
    cn_batch *probe;
    int pi;          /* live probe row */
    int64_t bj;      /* build row */
} nl_join;

static int nl_build(nl_join *h, cn_error *err)
{
    for (;;) {
        cn_batch *b;
        if (cn_op_next(h->build_child, &b, err) < 0) return -1;
        if (!b) break;
        const cn_vector *pv[b->ncols > 0 ? b->ncols : 1];
        for (int c = 0; c < b->ncols; c++) pv[c] = &b->cols[c];
        cn_rowstore_append(&h->build, pv, b->sel, cn_batch_live(b));
    }
    exec_mem_account(h->op.task, h->build.bytes);
    h->mem_accounted = h->build.bytes;
    joinout_set_build(&h->jo, &h->build, h->build.n);
    return 0;
}

static int nl_next(cn_op *op, cn_batch **out, cn_error *err)
{
    nl_join *h = (nl_join *)op;
    if (h->phase == PH_BUILD) {
        if (nl_build(h, err) < 0) return -1;
        h->phase = PH_PROBE;
    }
    bool one = joinout_first_match_decides(&h->jo) && !h->jo.cond;
    int64_t nb = h->build.n;
    while (h->phase == PH_PROBE) {
        if (!h->probe) {
            cn_batch *b;
            if (cn_op_next(h->probe_child, &b, err) < 0) return -1;
            if (!b) {
                h->phase = PH_REST;
                break;
            }
            h->probe = b;
            h->pi = 0;
            h->bj = 0;
            joinout_probe_begin(&h->jo);
        }
        int live = cn_batch_live(h->probe);
        while (h->pi < live && nb > 0) {
            uint16_t plive[CN_BATCH_SIZE];
            uint32_t brow[CN_BATCH_SIZE];
            int np = 0;
            while (h->pi < live && np < CN_BATCH_SIZE) {
                if (h->bj == 0 && joinout_probe_done_early(&h->jo, h->pi)) {
                    h->pi++;
                    continue;
                }
                int64_t end = one ? 1 : nb;
                int64_t take = CN_MIN(end - h->bj, (int64_t)(CN_BATCH_SIZE - np));
                for (int64_t j = 0; j < take; j++) {
                    plive[np] = (uint16_t)h->pi;
                    brow[np++] = (uint32_t)(h->bj + j);
                }
                h->bj += take;
                if (h->bj >= end) {
                    h->bj = 0;
                    h->pi++;
                }
            }
            if (joinout_pairs(&h->jo, h->probe, plive, brow, np, out, err) < 0) return -1;
            if (*out) return 0;
        }
        cn_batch *probe = h->probe;
        h->probe = NULL;
        if (joinout_probe_end(&h->jo, probe, out, err) < 0) return -1;
        if (*out) return 0;
    }
    if (h->phase == PH_REST) {
        if (joinout_build_rest(&h->jo, out, err) < 0) return -1;
        if (*out) return 0;
        h->phase = PH_DONE;
    }
    return 0;
}

static void nl_close(cn_op *op)
{
    nl_join *h = (nl_join *)op;
    cn_rowstore_free(&h->build);
    exec_mem_account(op->task, -h->mem_accounted);
    h->mem_accounted = 0;
    joinout_free(&h->jo);
}

static const cn_op_vtable nl_vt = {"NestedLoopJoin", nl_next, nl_close};

cn_op *cn_op_nl_join(cn_task_ctx *t, cn_op *left, cn_op *right, int join_type, bool build_right, const cn_expr *cond)
{
    cn_type types[left->ncols + right->ncols + 1];
    int nout = joinout_output_types(join_type, left, right, types);
    nl_join *h = (nl_join *)cn_op_alloc(t, &nl_vt, sizeof(nl_join), nout, types);
    h->op.nchildren = 2;
    h->op.children[0] = left;
    h->op.children[1] = right;
    h->probe_child = build_right ? left : right;
    h->build_child = build_right ? right : left;
    cn_rowstore_init(&h->build, h->build_child->ncols, h->build_child->types, h->op.arena);
    joinout_init(&h->jo, &h->op, join_type, build_right, cond, h->probe_child->ncols, h->probe_child->types,
                 h->build_child->ncols, h->build_child->types);
    return &h->op;
}
