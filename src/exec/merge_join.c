/*
 * merge_join.c — SortMergeJoin. Both children arrive sorted on the join keys
 * (ASC NULLS FIRST: the planner puts a Sort below each side). The right side
 * is buffered in a cn_rowstore with its evaluated keys (as Spark buffers the
 * matching right rows; here the whole right partition, without spilling
 * yet); the left side streams. A cursor walks the right rows in step with the
 * left rows: for each left row with non-NULL keys the cursor skips right rows
 * with smaller keys (NULL keys first), the run of equal right keys is the
 * match group, and its pairs go through joinout.c (condition, outer, semi,
 * anti semantics). Output follows the left order, so it stays sorted on the
 * keys for inner / left joins.
 */
#include "exec/joinout.h"

#include <math.h>

enum { PH_BUILD, PH_PROBE, PH_REST, PH_DONE };

typedef struct merge_join {
    cn_op op;
    int phase;
    int nkeys;
    cn_expr **lkeys, **rkeys;
    cn_rowstore right;     /* right columns ++ right keys */
    int nright;
    int64_t mem_accounted;
    joinout jo;
    cn_batch *probe;
    cn_arena *probe_arena;
    cn_eval_ctx pctx;
    const cn_vector **lk;
    uint8_t lnull[CN_BATCH_SIZE];
    int pi;                /* live left row */
    int64_t pj;            /* position inside the match group */
    int64_t rpos;          /* right cursor: first row not smaller than the current left key */
    int64_t gstart, gend;  /* match group [gstart, gend) of the current left row */
} merge_join;

#define CMPV(a, b) ((a) < (b) ? -1 : (a) > (b))

static int cmp_f(double a, double b)
{
    bool na = isnan(a), nb = isnan(b);
    if (na || nb) return na - nb;
    return CMPV(a, b);
}

/* Compare left key row i (dense vectors) with right row j; right NULL keys sort first. */
static int key_cmp(const merge_join *m, int i, int64_t j)
{
    for (int k = 0; k < m->nkeys; k++) {
        const cn_vector *lv = m->lk[k];
        int col = m->nright + k;
        bool rvalid = cn_rowstore_valid(&m->right, col, j);
        if (!rvalid) return 1; /* left keys are non-NULL here */
        const void *ld = lv->data, *rd = m->right.cols[col].data;
        int c = 0;
        switch (cn_type_phys(lv->type)) {
        case CN_PHYS_U8: c = CMPV(((const uint8_t *)ld)[i], ((const uint8_t *)rd)[j]); break;
        case CN_PHYS_I8: c = CMPV(((const int8_t *)ld)[i], ((const int8_t *)rd)[j]); break;
        case CN_PHYS_I16: c = CMPV(((const int16_t *)ld)[i], ((const int16_t *)rd)[j]); break;
        case CN_PHYS_I32: c = CMPV(((const int32_t *)ld)[i], ((const int32_t *)rd)[j]); break;
        case CN_PHYS_I64: c = CMPV(((const int64_t *)ld)[i], ((const int64_t *)rd)[j]); break;
        case CN_PHYS_I128: c = CMPV(((const __int128 *)ld)[i], ((const __int128 *)rd)[j]); break;
        case CN_PHYS_F32: c = cmp_f(((const float *)ld)[i], ((const float *)rd)[j]); break;
        case CN_PHYS_F64: c = cmp_f(((const double *)ld)[i], ((const double *)rd)[j]); break;
        case CN_PHYS_STR: c = cn_str_cmp(&((const cn_str *)ld)[i], &((const cn_str *)rd)[j]); break;
        }
        if (c) return c;
    }
    return 0;
}

static int mj_build(merge_join *m, cn_error *err)
{
    cn_op *rc = m->op.children[1];
    cn_arena *ba = cn_arena_new("SortMergeJoin.build", NULL);
    cn_eval_ctx ctx = exec_eval_ctx(m->op.task, ba);
    int rcode = 0;
    for (;;) {
        cn_batch *b;
        if (cn_op_next(rc, &b, err) < 0) {
            rcode = -1;
            break;
        }
        if (!b) break;
        cn_arena_reset(ba);
        int n = cn_batch_live(b);
        const cn_vector *kv[m->nkeys > 0 ? m->nkeys : 1];
        cn_vector *tmp = cn_arena_alloc(ba, sizeof(cn_vector) * (size_t)(m->nkeys > 0 ? m->nkeys : 1));
        for (int k = 0; k < m->nkeys && rcode == 0; k++)
            if (!(kv[k] = exec_key_vector(m->rkeys[k], b, &tmp[k], &ctx, err))) rcode = -1;
        if (rcode < 0) break;
        const cn_vector *pv[b->ncols > 0 ? b->ncols : 1];
        for (int c = 0; c < b->ncols; c++) pv[c] = &b->cols[c];
        int64_t base = m->right.n;
        cn_rowstore_reserve(&m->right, base + n);
        cn_rowstore_append_part(&m->right, 0, m->nright, pv, b->sel, n);
        cn_rowstore_append_part(&m->right, m->nright, m->nkeys, kv, NULL, n);
        m->right.n = base + n;
    }
    cn_arena_free(ba);
    if (rcode < 0) return -1;
    exec_mem_account(m->op.task, m->right.bytes);
    m->mem_accounted = m->right.bytes;
    joinout_set_build(&m->jo, &m->right, m->right.n);
    return 0;
}

static int probe_begin(merge_join *m, cn_error *err)
{
    cn_batch *b = m->probe;
    int n = cn_batch_live(b);
    cn_arena_reset(m->probe_arena);
    joinout_probe_begin(&m->jo);
    cn_vector *tmp = cn_arena_alloc(m->probe_arena, sizeof(cn_vector) * (size_t)(m->nkeys > 0 ? m->nkeys : 1));
    memset(m->lnull, 0, (size_t)n);
    for (int k = 0; k < m->nkeys; k++) {
        if (!(m->lk[k] = exec_key_vector(m->lkeys[k], b, &tmp[k], &m->pctx, err))) return -1;
        cn_vector_nulls(m->lk[k], n, m->lnull);
    }
    m->pi = 0;
    m->pj = 0;
    return 0;
}

static int mj_next(cn_op *op, cn_batch **out, cn_error *err)
{
    merge_join *m = (merge_join *)op;
    if (m->phase == PH_BUILD) {
        if (mj_build(m, err) < 0) return -1;
        m->phase = PH_PROBE;
    }
    int64_t nr = m->right.n;
    bool one = joinout_first_match_decides(&m->jo) && !m->jo.cond;
    while (m->phase == PH_PROBE) {
        if (!m->probe) {
            cn_batch *b;
            if (cn_op_next(op->children[0], &b, err) < 0) return -1;
            if (!b) {
                m->phase = PH_REST;
                break;
            }
            m->probe = b;
            if (probe_begin(m, err) < 0) return -1;
        }
        int live = cn_batch_live(m->probe);
        while (m->pi < live) {
            uint16_t plive[CN_BATCH_SIZE];
            uint32_t brow[CN_BATCH_SIZE];
            int np = 0;
            while (m->pi < live && np < CN_BATCH_SIZE) {
                int i = m->pi;
                if (m->pj == 0) {
                    if (m->lnull[i] || joinout_probe_done_early(&m->jo, i)) {
                        m->pi++;
                        continue;
                    }
                    /* advance the cursor past smaller right keys, then find the run of equal keys */
                    while (m->rpos < nr && key_cmp(m, i, m->rpos) > 0) m->rpos++;
                    m->gstart = m->gend = m->rpos;
                    while (m->gend < nr && key_cmp(m, i, m->gend) == 0) m->gend++;
                }
                int64_t end = m->gend;
                if (one && end > m->gstart) end = m->gstart + 1;
                int64_t take = CN_MIN(end - (m->gstart + m->pj), (int64_t)(CN_BATCH_SIZE - np));
                for (int64_t j = 0; j < take; j++) {
                    plive[np] = (uint16_t)i;
                    brow[np++] = (uint32_t)(m->gstart + m->pj + j);
                }
                m->pj += take;
                if (m->gstart + m->pj >= end) {
                    m->pj = 0;
                    m->pi++;
                }
            }
            if (joinout_pairs(&m->jo, m->probe, plive, brow, np, out, err) < 0) return -1;
            if (*out) return 0;
        }
        cn_batch *probe = m->probe;
        m->probe = NULL;
        if (joinout_probe_end(&m->jo, probe, out, err) < 0) return -1;
        if (*out) return 0;
    }
    if (m->phase == PH_REST) {
        if (joinout_build_rest(&m->jo, out, err) < 0) return -1;
        if (*out) return 0;
        m->phase = PH_DONE;
    }
    return 0;
}

static void mj_close(cn_op *op)
{
    merge_join *m = (merge_join *)op;
    cn_rowstore_free(&m->right);
    exec_mem_account(op->task, -m->mem_accounted);
    m->mem_accounted = 0;
    joinout_free(&m->jo);
}

static const cn_op_vtable mj_vt = {"SortMergeJoin", mj_next, mj_close};

cn_op *cn_op_merge_join(cn_task_ctx *t, cn_op *left, cn_op *right, int join_type, int nkeys, cn_expr **left_keys,
                        cn_expr **right_keys, const cn_expr *cond)
{
    cn_type types[left->ncols + right->ncols + 1];
    int nout = joinout_output_types(join_type, left, right, types);
    merge_join *m = (merge_join *)cn_op_alloc(t, &mj_vt, sizeof(merge_join), nout, types);
    cn_arena *a = m->op.arena;
    m->op.nchildren = 2;
    m->op.children[0] = left;
    m->op.children[1] = right;
    m->nkeys = nkeys;
    m->lkeys = exec_copy_exprs(a, nkeys, left_keys);
    m->rkeys = exec_copy_exprs(a, nkeys, right_keys);
    m->nright = right->ncols;
    cn_type rtypes[right->ncols + nkeys + 1];
    for (int c = 0; c < right->ncols; c++) rtypes[c] = right->types[c];
    for (int k = 0; k < nkeys; k++) rtypes[right->ncols + k] = right_keys[k]->type;
    cn_rowstore_init(&m->right, right->ncols + nkeys, rtypes, a);
    m->probe_arena = cn_arena_new("SortMergeJoin.probe", a);
    m->pctx = exec_eval_ctx(t, m->probe_arena);
    m->lk = cn_arena_calloc(a, sizeof(cn_vector *) * (size_t)(nkeys > 0 ? nkeys : 1));
    joinout_init(&m->jo, &m->op, join_type, true, cond, left->ncols, left->types, right->ncols, right->types);
    return &m->op;
}
