/*
 * sort.c — Sort: accumulates the whole input in a cn_rowstore (strings copied;
 * key expressions that are not plain column references are evaluated per
 * batch and stored as extra columns), then builds one normalized-key record
 * per row (sortkey.c: memcmp order = ORDER BY order, tie-break on full string
 * values), sorts the records and emits the child columns in order, gathered
 * CN_BATCH_SIZE rows at a time. Memory is accounted on the task; an external
 * sort would spill sorted runs from sort_consume when the budget is refused
 * (not yet).
 */
#include "exec/sortkey.h"

typedef struct sort_op {
    cn_op op;
    int norders;
    cn_sort_key *orders;
    int *keycol;          /* rowstore column of each key */
    int nextra;
    cn_rowstore rs;
    cn_sortkey_layout L;
    uint8_t *rec;
    int64_t pos;
    bool sorted;
    int64_t mem_accounted;
    cn_arena *batch_arena;
    cn_eval_ctx ctx;
    cn_batch out;
} sort_op;

/* Accumulate one batch: child columns ++ evaluated extra keys. */
int exec_sort_append(cn_rowstore *rs, const cn_batch *b, int nchild, int norders, const cn_sort_key *orders,
                     const int *keycol, cn_eval_ctx *ctx, cn_error *err)
{
    int n = cn_batch_live(b);
    if (n == 0) return 0;
    const cn_vector *cols[rs->ncols > 0 ? rs->ncols : 1];
    cn_vector tmp[norders > 0 ? norders : 1];
    /* child columns through the selection; extra key columns are dense, so compact when both exist */
    bool extra = rs->ncols > nchild;
    if (!extra) {
        for (int c = 0; c < nchild; c++) cols[c] = &b->cols[c];
        cn_rowstore_append(rs, cols, b->sel, n);
        return 0;
    }
    cn_vector *dense = cn_arena_alloc(ctx->arena, sizeof(cn_vector) * (size_t)(nchild > 0 ? nchild : 1));
    for (int c = 0; c < nchild; c++) {
        if (!b->sel) {
            cols[c] = &b->cols[c];
        } else {
            cn_vector_init(&dense[c], b->cols[c].type, n, ctx->arena);
            cn_vector_gather(&dense[c], &b->cols[c], b->sel, n, NULL);
            cols[c] = &dense[c];
        }
    }
    for (int k = 0; k < norders; k++) {
        if (keycol[k] < nchild) continue;
        const cn_vector *v = exec_key_vector(orders[k].expr, b, &tmp[k], ctx, err);
        if (!v) return -1;
        cols[keycol[k]] = v;
    }
    cn_rowstore_append(rs, cols, NULL, n);
    return 0;
}

static int sort_next(cn_op *op, cn_batch **out, cn_error *err)
{
    sort_op *s = (sort_op *)op;
    if (!s->sorted) {
        int nchild = op->children[0]->ncols;
        for (;;) {
            cn_batch *b;
            if (cn_op_next(op->children[0], &b, err) < 0) return -1;
            if (!b) break;
            cn_arena_reset(s->batch_arena);
            if (exec_sort_append(&s->rs, b, nchild, s->norders, s->orders, s->keycol, &s->ctx, err) < 0) return -1;
            exec_mem_account(op->task, s->rs.bytes - s->mem_accounted);
            s->mem_accounted = s->rs.bytes;
        }
        int64_t n = s->rs.n;
        s->rec = cn_xmalloc((size_t)(n > 0 ? n : 1) * (size_t)s->L.stride);
        exec_mem_account(op->task, n * s->L.stride);
        s->mem_accounted += n * s->L.stride;
        for (int k = 0; k < s->norders; k++) cn_sortkey_encode(&s->L, k, &s->rs.cols[s->keycol[k]], n, s->rec);
        cn_sortkey_set_rows(&s->L, s->rec, n, 0);
        cn_sortkey_sort(&s->L, s->rec, n);
        s->sorted = true;
    }
    if (s->pos >= s->rs.n) return 0;
    int m = (int)CN_MIN((int64_t)CN_BATCH_SIZE, s->rs.n - s->pos);
    cn_arena_reset(s->batch_arena);
    uint32_t idx[CN_BATCH_SIZE];
    for (int i = 0; i < m; i++) idx[i] = cn_sortkey_row(&s->L, s->rec + (s->pos + i) * s->L.stride);
    s->pos += m;
    s->out.ncols = op->ncols;
    s->out.count = m;
    s->out.sel = NULL;
    s->out.nsel = 0;
    s->out.cols = cn_arena_alloc(s->batch_arena, sizeof(cn_vector) * (size_t)(op->ncols > 0 ? op->ncols : 1));
    for (int c = 0; c < op->ncols; c++) {
        cn_vector_init(&s->out.cols[c], op->types[c], m, s->batch_arena);
        cn_rowstore_gather(&s->rs, c, idx, m, &s->out.cols[c], s->batch_arena);
    }
    *out = &s->out;
    return 0;
}

static void sort_close(cn_op *op)
{
    sort_op *s = (sort_op *)op;
    cn_rowstore_free(&s->rs);
    free(s->rec);
    s->rec = NULL;
    exec_mem_account(op->task, -s->mem_accounted);
    s->mem_accounted = 0;
}

static const cn_op_vtable sort_vt = {"Sort", sort_next, sort_close};

/* Key columns: a plain column reference uses the child column, anything else an extra column.
 * Fills keycol and the rowstore types; returns the rowstore column count. */
int exec_sort_columns(int nchild, const cn_type *child_types, int norders, const cn_sort_key *orders, int *keycol,
                      cn_type *types)
{
    int nc = nchild;
    for (int c = 0; c < nchild; c++) types[c] = child_types[c];
    for (int k = 0; k < norders; k++) {
        const cn_expr *e = orders[k].expr;
        if (e->kind == CN_EX_COL && e->index >= 0 && e->index < nchild) {
            keycol[k] = e->index;
        } else {
            keycol[k] = nc;
            types[nc++] = e->type;
        }
    }
    return nc;
}

cn_op *cn_op_sort(cn_task_ctx *t, cn_op *child, int norders, const cn_sort_key *orders)
{
    sort_op *s = (sort_op *)cn_op_alloc(t, &sort_vt, sizeof(sort_op), child->ncols, child->types);
    cn_arena *a = s->op.arena;
    s->op.nchildren = 1;
    s->op.children[0] = child;
    s->norders = norders;
    s->orders = cn_arena_alloc(a, sizeof(cn_sort_key) * (size_t)(norders > 0 ? norders : 1));
    if (norders > 0) memcpy(s->orders, orders, sizeof(cn_sort_key) * (size_t)norders);
    s->keycol = cn_arena_alloc(a, sizeof(int) * (size_t)(norders > 0 ? norders : 1));
    cn_type types[child->ncols + norders + 1];
    int nc = exec_sort_columns(child->ncols, child->types, norders, orders, s->keycol, types);
    cn_rowstore_init(&s->rs, nc, types, a);
    cn_type ktypes[norders > 0 ? norders : 1];
    for (int k = 0; k < norders; k++) ktypes[k] = types[s->keycol[k]];
    cn_sortkey_layout_init(&s->L, norders, orders, ktypes, a);
    s->L.rs = &s->rs;
    s->L.cols = s->keycol;
    s->batch_arena = cn_arena_new("Sort.batch", a);
    s->ctx = exec_eval_ctx(t, s->batch_arena);
    return &s->op;
}
