/*
 * topn.c — TakeOrderedAndProject: keeps the best K = limit + offset rows.
 * Rows are appended to a candidate rowstore; when it holds more than
 * max(2K, K + CN_BATCH_SIZE) rows it is compacted: normalized-key records are
 * sorted and only the best K rows are copied into a fresh store (with a fresh
 * string arena). After the first compaction the K-th key is a threshold:
 * each incoming batch's keys are encoded and rows that cannot beat it are
 * dropped before copying. At the end the candidates are sorted once more,
 * the first `offset` rows skipped, and the next `limit` rows emitted,
 * projected by `proj` when nproj > 0.
 */
#include "exec/sortkey.h"

typedef struct topn_op {
    cn_op op;
    int64_t limit, offset, k;
    int64_t compact_at; /* candidates held before a compaction: max(2K, K + CN_BATCH_SIZE), saturated */
    int norders;
    cn_sort_key *orders;
    int *keycol;
    int nchild, nstore;
    cn_type *stypes;
    cn_rowstore rs;
    cn_arena *rs_arena;
    cn_sortkey_layout L;
    uint8_t *thr;       /* threshold record (key bytes) or NULL */
    uint8_t *rec;       /* final sorted records */
    int64_t nrec, pos;
    bool done_input;
    int nproj;
    cn_expr **proj;
    int64_t mem_accounted;
    cn_arena *batch_arena;
    cn_eval_ctx ctx;
    cn_batch out, inter;
} topn_op;

/* Sorted records of the current store (caller frees). */
static uint8_t *sorted_records(topn_op *s)
{
    int64_t n = s->rs.n;
    uint8_t *rec = cn_xmalloc((size_t)(n > 0 ? n : 1) * (size_t)s->L.stride);
    for (int k = 0; k < s->norders; k++) cn_sortkey_encode(&s->L, k, &s->rs.cols[s->keycol[k]], n, rec);
    cn_sortkey_set_rows(&s->L, rec, n, 0);
    cn_sortkey_sort(&s->L, rec, n);
    return rec;
}

/* Keep only the best K rows. */
static void compact(topn_op *s)
{
    uint8_t *rec = sorted_records(s);
    int64_t keep = CN_MIN(s->k, s->rs.n);
    cn_arena *na = cn_arena_new("TakeOrderedAndProject.rows", s->op.arena);
    cn_rowstore nrs;
    cn_rowstore_init(&nrs, s->nstore, s->stypes, na);
    cn_rowstore_reserve(&nrs, keep);
    cn_arena *tmpa = cn_arena_new("topn.tmp", NULL);
    for (int64_t p = 0; p < keep; p += CN_BATCH_SIZE) {
        int m = (int)CN_MIN((int64_t)CN_BATCH_SIZE, keep - p);
        uint32_t idx[CN_BATCH_SIZE];
        for (int i = 0; i < m; i++) idx[i] = cn_sortkey_row(&s->L, rec + (p + i) * s->L.stride);
        cn_arena_reset(tmpa);
        cn_vector vs[s->nstore];
        const cn_vector *vp[s->nstore];
        for (int c = 0; c < s->nstore; c++) {
            cn_vector_init(&vs[c], s->stypes[c], m, tmpa);
            cn_rowstore_gather(&s->rs, c, idx, m, &vs[c], tmpa);
            vp[c] = &vs[c];
        }
        cn_rowstore_append(&nrs, vp, NULL, m);
    }
    cn_arena_free(tmpa);
    if (keep == s->k && keep > 0) {
        if (!s->thr) s->thr = cn_arena_alloc(s->op.arena, (size_t)s->L.stride);
        memcpy(s->thr, rec + (keep - 1) * s->L.stride, (size_t)s->L.stride);
    }
    free(rec);
    cn_rowstore_free(&s->rs);
    cn_arena_free(s->rs_arena);
    s->rs = nrs;
    s->rs_arena = na;
    s->L.rs = &s->rs;
}

static int topn_consume(topn_op *s, cn_batch *b, cn_error *err)
{
    int n = cn_batch_live(b);
    if (n == 0) return 0;
    cn_arena_reset(s->batch_arena);
    if (s->thr) {
        /* drop rows whose keys cannot beat the threshold */
        cn_vector tmp[s->norders];
        uint8_t *rec = cn_arena_alloc(s->batch_arena, (size_t)n * (size_t)s->L.stride);
        for (int k = 0; k < s->norders; k++) {
            const cn_vector *v = exec_key_vector(s->orders[k].expr, b, &tmp[k], &s->ctx, err);
            if (!v) return -1;
            cn_sortkey_encode(&s->L, k, v, n, rec);
        }
        uint16_t *sel = cn_arena_alloc(s->batch_arena, sizeof(uint16_t) * (size_t)n);
        int kept = 0;
        /* only the bytes through the first string key's prefix order exactly (sortkey.h): past
         * them a row might still beat the threshold on its full string, so keep it */
        for (int i = 0; i < n; i++) {
            int c = memcmp(rec + (size_t)i * s->L.stride, s->thr, (size_t)s->L.exact);
            if (c < 0 || (c == 0 && s->L.tiebreak)) sel[kept++] = (uint16_t)cn_batch_row(b, i);
        }
        if (kept == 0) return 0;
        cn_batch *fb = cn_arena_alloc(s->batch_arena, sizeof(cn_batch));
        *fb = *b;
        fb->sel = sel;
        fb->nsel = kept;
        b = fb;
    }
    if (exec_sort_append(&s->rs, b, s->nchild, s->norders, s->orders, s->keycol, &s->ctx, err) < 0) return -1;
    if (s->rs.n > s->compact_at) compact(s);
    exec_mem_account(s->op.task, s->rs.bytes - s->mem_accounted);
    s->mem_accounted = s->rs.bytes;
    return 0;
}

static int topn_next(cn_op *op, cn_batch **out, cn_error *err)
{
    topn_op *s = (topn_op *)op;
    if (!s->done_input) {
        if (s->k > 0) {
            for (;;) {
                cn_batch *b;
                if (cn_op_next(op->children[0], &b, err) < 0) return -1;
                if (!b) break;
                if (topn_consume(s, b, err) < 0) return -1;
            }
        }
        s->done_input = true;
        s->rec = sorted_records(s);
        s->nrec = CN_MIN(s->rs.n, s->k);
        s->pos = CN_MIN(s->offset, s->nrec);
    }
    if (s->pos >= s->nrec) return 0;
    int m = (int)CN_MIN((int64_t)CN_BATCH_SIZE, s->nrec - s->pos);
    cn_arena_reset(s->batch_arena);
    uint32_t idx[CN_BATCH_SIZE];
    for (int i = 0; i < m; i++) idx[i] = cn_sortkey_row(&s->L, s->rec + (s->pos + i) * s->L.stride);
    s->pos += m;
    cn_batch *ib = &s->inter;
    ib->ncols = s->nchild;
    ib->count = m;
    ib->sel = NULL;
    ib->nsel = 0;
    ib->cols = cn_arena_alloc(s->batch_arena, sizeof(cn_vector) * (size_t)(s->nchild > 0 ? s->nchild : 1));
    for (int c = 0; c < s->nchild; c++) {
        cn_vector_init(&ib->cols[c], s->stypes[c], m, s->batch_arena);
        cn_rowstore_gather(&s->rs, c, idx, m, &ib->cols[c], s->batch_arena);
    }
    if (s->nproj == 0) {
        *out = ib;
        return 0;
    }
    s->out.ncols = s->nproj;
    s->out.count = m;
    s->out.sel = NULL;
    s->out.nsel = 0;
    s->out.cols = cn_arena_alloc(s->batch_arena, sizeof(cn_vector) * (size_t)s->nproj);
    for (int p = 0; p < s->nproj; p++) {
        const cn_vector *v = exec_key_vector(s->proj[p], ib, &s->out.cols[p], &s->ctx, err);
        if (!v) return -1;
        if (v != &s->out.cols[p]) s->out.cols[p] = *v;
    }
    *out = &s->out;
    return 0;
}

static void topn_close(cn_op *op)
{
    topn_op *s = (topn_op *)op;
    cn_rowstore_free(&s->rs);
    free(s->rec);
    s->rec = NULL;
    exec_mem_account(op->task, -s->mem_accounted);
    s->mem_accounted = 0;
}

static const cn_op_vtable topn_vt = {"TakeOrderedAndProject", topn_next, topn_close};

cn_op *cn_op_topn(cn_task_ctx *t, cn_op *child, int64_t limit, int64_t offset, int norders, const cn_sort_key *orders,
                  int nproj, cn_expr **proj)
{
    int nout = nproj > 0 ? nproj : child->ncols;
    cn_type otypes[nout > 0 ? nout : 1];
    for (int i = 0; i < nout; i++) otypes[i] = nproj > 0 ? proj[i]->type : child->types[i];
    topn_op *s = (topn_op *)cn_op_alloc(t, &topn_vt, sizeof(topn_op), nout, otypes);
    cn_arena *a = s->op.arena;
    s->op.nchildren = 1;
    s->op.children[0] = child;
    /* no limit, or limit + offset past INT64_MAX: keep every row (K saturates, never wraps;
     * nothing is allocated by K, only by the rows that arrive) */
    if (offset < 0) offset = 0;
    if (limit < 0) limit = INT64_MAX;
    s->limit = limit;
    s->offset = offset;
    s->k = offset > INT64_MAX - limit ? INT64_MAX : limit + offset;
    s->compact_at = s->k > (INT64_MAX - CN_BATCH_SIZE) / 2 ? INT64_MAX : CN_MAX(2 * s->k, s->k + CN_BATCH_SIZE);
    s->norders = norders;
    s->orders = cn_arena_alloc(a, sizeof(cn_sort_key) * (size_t)(norders > 0 ? norders : 1));
    if (norders > 0) memcpy(s->orders, orders, sizeof(cn_sort_key) * (size_t)norders);
    s->keycol = cn_arena_alloc(a, sizeof(int) * (size_t)(norders > 0 ? norders : 1));
    s->nchild = child->ncols;
    s->stypes = cn_arena_alloc(a, sizeof(cn_type) * (size_t)(child->ncols + norders + 1));
    s->nstore = exec_sort_columns(child->ncols, child->types, norders, orders, s->keycol, s->stypes);
    s->rs_arena = cn_arena_new("TakeOrderedAndProject.rows", a);
    cn_rowstore_init(&s->rs, s->nstore, s->stypes, s->rs_arena);
    cn_type ktypes[norders > 0 ? norders : 1];
    for (int k = 0; k < norders; k++) ktypes[k] = s->stypes[s->keycol[k]];
    cn_sortkey_layout_init(&s->L, norders, orders, ktypes, a);
    s->L.rs = &s->rs;
    s->L.cols = s->keycol;
    s->nproj = nproj;
    s->proj = exec_copy_exprs(a, nproj, proj);
    s->batch_arena = cn_arena_new("TakeOrderedAndProject.batch", a);
    s->ctx = exec_eval_ctx(t, s->batch_arena);
    return &s->op;
}
