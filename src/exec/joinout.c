/*
 * joinout.c — pair materialisation, condition evaluation, matched flags and
 * outer / semi / anti emission shared by the join operators (see joinout.h).
 */
#include "exec/joinout.h"

void joinout_init(joinout *jo, cn_op *op, int join_type, bool build_right, const cn_expr *cond, int nprobe,
                  const cn_type *probe_types, int nbuild, const cn_type *build_types)
{
    memset(jo, 0, sizeof *jo);
    jo->op = op;
    jo->join_type = join_type;
    jo->build_right = build_right;
    jo->cond = cond;
    jo->nprobe = nprobe;
    jo->nbuild = nbuild;
    jo->probe_types = probe_types;
    jo->build_types = build_types;
    switch (join_type) {
    case JOIN_INNER:
    case JOIN_CROSS: jo->pairs_out = true; break;
    case JOIN_LEFT:
        jo->pairs_out = true;
        if (build_right) jo->probe_outer = true;
        else jo->build_outer = true;
        break;
    case JOIN_RIGHT:
        jo->pairs_out = true;
        if (build_right) jo->build_outer = true;
        else jo->probe_outer = true;
        break;
    case JOIN_FULL: jo->pairs_out = jo->probe_outer = jo->build_outer = true; break;
    case JOIN_LEFT_SEMI:
        if (build_right) jo->probe_semi = true;
        else jo->build_semi = true;
        break;
    case JOIN_LEFT_ANTI:
        if (build_right) jo->probe_anti = true;
        else jo->build_anti = true;
        break;
    case JOIN_EXISTENCE: jo->probe_exists = true; break; /* the planner builds the right side only */
    default: jo->pairs_out = true; break;
    }
    jo->out_arena = cn_arena_new("join.out", op->arena);
    jo->ctx = exec_eval_ctx(op->task, jo->out_arena);
}

void joinout_set_build(joinout *jo, const cn_rowstore *build, int64_t nrows)
{
    jo->build = build;
    jo->nbuild_rows = nrows;
    if ((jo->build_outer || jo->build_semi || jo->build_anti) && !jo->build_matched) {
        jo->build_matched = cn_xcalloc((size_t)(nrows > 0 ? nrows : 1), 1);
        exec_mem_account(jo->op->task, nrows);
    }
}

int joinout_output_types(int join_type, const cn_op *left, const cn_op *right, cn_type *types)
{
    int n = 0;
    for (int c = 0; c < left->ncols; c++) types[n++] = left->types[c];
    if (join_type == JOIN_EXISTENCE) types[n++] = cn_type_of(CN_BOOLEAN);
    else if (join_type != JOIN_LEFT_SEMI && join_type != JOIN_LEFT_ANTI)
        for (int c = 0; c < right->ncols; c++) types[n++] = right->types[c];
    return n;
}

void joinout_probe_begin(joinout *jo)
{
    memset(jo->probe_matched, 0, sizeof jo->probe_matched);
    if (jo->probe_exists) memset(jo->probe_unknown, 0, sizeof jo->probe_unknown);
}

/* Existence: the probe batch as it is, plus the flag column (true matched, NULL unknown,
 * false otherwise) in the probe batch's row positions. */
static void exists_batch(joinout *jo, const cn_batch *probe)
{
    cn_arena_reset(jo->out_arena);
    int nc = jo->nprobe + 1, live = cn_batch_live(probe);
    jo->out = *probe;
    jo->out.ncols = nc;
    jo->out.cols = cn_arena_alloc(jo->out_arena, sizeof(cn_vector) * (size_t)nc);
    if (jo->nprobe) memcpy(jo->out.cols, probe->cols, sizeof(cn_vector) * (size_t)jo->nprobe);
    cn_vector *flag = &jo->out.cols[jo->nprobe];
    cn_vector_init(flag, cn_type_of(CN_BOOLEAN), probe->count > 0 ? probe->count : 1, jo->out_arena);
    uint8_t *d = flag->data;
    memset(d, 0, (size_t)probe->count);
    for (int i = 0; i < live; i++) {
        int r = cn_batch_row(probe, i);
        d[r] = jo->probe_matched[i];
        if (!d[r] && (jo->unknown_unmatched || jo->probe_unknown[i])) cn_vec_set_null(flag, r, jo->out_arena);
    }
}

/* Set up jo->out with ncols = nprobe + nbuild vectors of capacity n in left ++ right order;
 * *pcols / *bcols point at the probe / build vectors. */
static void pair_batch(joinout *jo, int n, cn_vector **pcols, cn_vector **bcols)
{
    int nc = jo->nprobe + jo->nbuild;
    jo->out.ncols = nc;
    jo->out.count = n;
    jo->out.sel = NULL;
    jo->out.nsel = 0;
    jo->out.cols = cn_arena_alloc(jo->out_arena, sizeof(cn_vector) * (size_t)(nc > 0 ? nc : 1));
    if (jo->build_right) {
        *pcols = jo->out.cols;
        *bcols = jo->out.cols + jo->nprobe;
    } else {
        *bcols = jo->out.cols;
        *pcols = jo->out.cols + jo->nbuild;
    }
}

int joinout_pairs(joinout *jo, const cn_batch *probe, const uint16_t *plive, const uint32_t *brow, int n,
                  cn_batch **out, cn_error *err)
{
    *out = NULL;
    if (n <= 0) return 0;
    if (!jo->pairs_out && !jo->cond) {
        for (int i = 0; i < n; i++) jo->probe_matched[plive[i]] = 1;
        if (jo->build_matched)
            for (int i = 0; i < n; i++) jo->build_matched[brow[i]] = 1;
        return 0;
    }
    cn_arena_reset(jo->out_arena);
    cn_vector *pc, *bc;
    pair_batch(jo, n, &pc, &bc);
    uint16_t prow[CN_BATCH_SIZE];
    for (int i = 0; i < n; i++) prow[i] = (uint16_t)cn_batch_row(probe, plive[i]);
    for (int c = 0; c < jo->nprobe; c++) {
        cn_vector_init(&pc[c], jo->probe_types[c], n, jo->out_arena);
        cn_vector_gather(&pc[c], &probe->cols[c], prow, n, NULL);
    }
    for (int c = 0; c < jo->nbuild; c++) {
        cn_vector_init(&bc[c], jo->build_types[c], n, jo->out_arena);
        cn_rowstore_gather(jo->build, c, brow, n, &bc[c], jo->out_arena);
    }
    int k = n;
    if (jo->cond) {
        k = cn_expr_select(jo->cond, &jo->out, jo->sel, &jo->ctx, err);
        if (k < 0) return -1;
        for (int i = 0; i < k; i++) {
            int p = jo->sel[i];
            jo->probe_matched[plive[p]] = 1;
            if (jo->build_matched) jo->build_matched[brow[p]] = 1;
        }
    } else {
        for (int i = 0; i < n; i++) jo->probe_matched[plive[i]] = 1;
        if (jo->build_matched)
            for (int i = 0; i < n; i++) jo->build_matched[brow[i]] = 1;
    }
    if (!jo->pairs_out || k == 0) return 0;
    if (k < n) {
        jo->out.sel = jo->sel;
        jo->out.nsel = k;
    }
    *out = &jo->out;
    return 0;
}

int joinout_probe_end(joinout *jo, const cn_batch *probe, cn_batch **out, cn_error *err)
{
    *out = NULL;
    if (jo->probe_exists) {
        if (cn_batch_live(probe) == 0) return 0;
        exists_batch(jo, probe);
        *out = &jo->out;
        return 0;
    }
    if (!jo->probe_outer && !jo->probe_semi && !jo->probe_anti) return 0;
    int live = cn_batch_live(probe);
    bool want = jo->probe_semi; /* emit rows whose matched flag == want */
    int k = 0;
    for (int i = 0; i < live; i++)
        if ((bool)jo->probe_matched[i] == want) jo->sel[k++] = (uint16_t)cn_batch_row(probe, i);
    if (k == 0) return 0;
    cn_arena_reset(jo->out_arena);
    if (!jo->probe_outer) {
        /* semi / anti: the probe batch itself with a selection */
        jo->out = *probe;
        jo->out.sel = jo->sel;
        jo->out.nsel = k;
        *out = &jo->out;
        return 0;
    }
    cn_vector *pc, *bc;
    pair_batch(jo, k, &pc, &bc);
    for (int c = 0; c < jo->nprobe; c++) {
        cn_vector_init(&pc[c], jo->probe_types[c], k, jo->out_arena);
        cn_vector_gather(&pc[c], &probe->cols[c], jo->sel, k, NULL);
    }
    for (int c = 0; c < jo->nbuild; c++) {
        cn_vector_init(&bc[c], jo->build_types[c], k, jo->out_arena);
        cn_vector_set_all_null(&bc[c], k, jo->out_arena);
    }
    *out = &jo->out;
    return 0;
}

int joinout_build_rest(joinout *jo, cn_batch **out, cn_error *err)
{
    *out = NULL;
    if (!jo->build_outer && !jo->build_semi && !jo->build_anti) return 0;
    int k = 0;
    uint8_t want = jo->build_semi ? 1 : 0;
    while (jo->rest_pos < jo->nbuild_rows && k < CN_BATCH_SIZE) {
        if (jo->build_matched[jo->rest_pos] == want) jo->idx[k++] = (uint32_t)jo->rest_pos;
        jo->rest_pos++;
    }
    if (k == 0) return 0;
    cn_arena_reset(jo->out_arena);
    if (!jo->build_outer) {
        jo->out.ncols = jo->nbuild;
        jo->out.count = k;
        jo->out.sel = NULL;
        jo->out.nsel = 0;
        jo->out.cols = cn_arena_alloc(jo->out_arena, sizeof(cn_vector) * (size_t)(jo->nbuild > 0 ? jo->nbuild : 1));
        for (int c = 0; c < jo->nbuild; c++) {
            cn_vector_init(&jo->out.cols[c], jo->build_types[c], k, jo->out_arena);
            cn_rowstore_gather(jo->build, c, jo->idx, k, &jo->out.cols[c], jo->out_arena);
        }
        *out = &jo->out;
        return 0;
    }
    cn_vector *pc, *bc;
    pair_batch(jo, k, &pc, &bc);
    for (int c = 0; c < jo->nprobe; c++) {
        cn_vector_init(&pc[c], jo->probe_types[c], k, jo->out_arena);
        cn_vector_set_all_null(&pc[c], k, jo->out_arena);
    }
    for (int c = 0; c < jo->nbuild; c++) {
        cn_vector_init(&bc[c], jo->build_types[c], k, jo->out_arena);
        cn_rowstore_gather(jo->build, c, jo->idx, k, &bc[c], jo->out_arena);
    }
    *out = &jo->out;
    return 0;
}

void joinout_free(joinout *jo)
{
    if (jo->build_matched) exec_mem_account(jo->op->task, -jo->nbuild_rows);
    free(jo->build_matched);
    jo->build_matched = NULL;
}
