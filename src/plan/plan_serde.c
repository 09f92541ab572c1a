/*
 * plan_serde.c — physical plans to bytes and back (task shipping).
 *
 * A stage fragment travels to the executor as bytes: a version byte, then
 * the tree in pre-order. Each node writes every field execution needs
 * (kind, output attributes, partitioning with range bounds, expressions via
 * cn_expr_write, aggregates, sort orders, scan splits and options, inline
 * rows, ids of shuffle/broadcast/cache inputs); fields only EXPLAIN reads
 * (the view, pushed filters, the logical aggregate calls) are left out.
 * Optional expressions carry a presence byte.
 *
 * Reading is bounds-checked throughout: counts are limited by the bytes
 * left (every element takes at least one byte; the two kinds of element
 * that take none, rows of a zero-column relation and range bounds without
 * keys, are capped or rejected), enums and types are range checked, and
 * nesting depth is capped, so a truncated or corrupt buffer is an
 * [INTERNAL_ERROR] "corrupt physical plan", never a crash.
 */
#include "base/codec.h"
#include "plan/physical.h"

#define PLAN_SERDE_VERSION 1
/* a decoder's guard against hostile input, well above what analysis admits (a physical plan
 * adds exchanges, sorts and partial aggregates to the logical plan's CN_MAX_TREE_DEPTH) */
#define PLAN_MAX_DEPTH (4 * CN_MAX_TREE_DEPTH)
#define PLAN_MAX_EMPTY_ROWS (1 << 22) /* rows of a zero-column local relation */

/* ------------------------------------------------------------ writing */

static void put_type(cn_writer *w, cn_type t)
{
    cn_put_u8(w, t.kind);
    cn_put_u8(w, t.precision);
    cn_put_u8(w, t.scale);
    cn_put_u8(w, t.scale2);
}

static void put_value(cn_writer *w, const cn_value *v)
{
    put_type(w, v->type);
    cn_put_u8(w, v->is_null ? 1 : 0);
    if (v->is_null) return;
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: cn_put_u8(w, v->v.b ? 1 : 0); break;
    case CN_PHYS_I8:
    case CN_PHYS_I16:
    case CN_PHYS_I32:
    case CN_PHYS_I64: cn_put_svar(w, v->v.i); break;
    case CN_PHYS_I128: {
        unsigned __int128 u = (unsigned __int128)v->v.d;
        cn_put_u64(w, (uint64_t)u);
        cn_put_u64(w, (uint64_t)(u >> 64));
        break;
    }
    case CN_PHYS_F32:
    case CN_PHYS_F64: cn_put_f64(w, v->v.f); break;
    case CN_PHYS_STR: cn_put_bytes(w, cn_str_data(&v->v.s), v->v.s.len); break;
    }
}

static void put_opt_expr(cn_writer *w, const cn_expr *e)
{
    cn_put_u8(w, e ? 1 : 0);
    if (e) cn_expr_write(w, e);
}

static void put_exprs(cn_writer *w, int n, cn_expr *const *es)
{
    cn_put_uvar(w, (uint64_t)(n > 0 ? n : 0));
    for (int i = 0; i < n; i++) put_opt_expr(w, es ? es[i] : NULL);
}

static void put_orders(cn_writer *w, int n, const cn_sort_order *o)
{
    cn_put_uvar(w, (uint64_t)(n > 0 && o ? n : 0));
    if (!o) return;
    for (int i = 0; i < n; i++) {
        put_opt_expr(w, o[i].expr);
        cn_put_u8(w, (uint8_t)((o[i].desc ? 1 : 0) | (o[i].nulls_first ? 2 : 0)));
    }
}

static void put_agg(cn_writer *w, const cn_agg *a)
{
    cn_put_uvar(w, (uint64_t)a->func);
    /* legacy travels with the aggregate: the task decides overflow by it, not by its own settings */
    cn_put_u8(w, (uint8_t)((a->distinct ? 1 : 0) | (a->is_star ? 2 : 0) | (a->legacy ? 4 : 0)));
    put_type(w, a->in_type);
    put_type(w, a->out_type);
    cn_put_uvar(w, (uint64_t)a->nstate);
    for (int i = 0; i < a->nstate && i < 3; i++) put_type(w, a->state_types[i]);
    cn_put_uvar(w, (uint64_t)a->state_size);
}

static void put_partitioning(cn_writer *w, const cn_partitioning *pt)
{
    cn_put_u8(w, (uint8_t)pt->kind);
    cn_put_svar(w, pt->n);
    if (pt->kind == PART_HASH) put_exprs(w, pt->nkeys, pt->keys);
    else cn_put_uvar(w, 0);
    if (pt->kind == PART_RANGE) put_orders(w, pt->nkeys, pt->orders);
    else cn_put_uvar(w, 0);
    int nk = pt->kind == PART_RANGE ? pt->nkeys : 0;
    int nb = pt->bounds && nk > 0 ? pt->nbounds : 0;
    cn_put_uvar(w, (uint64_t)nb);
    cn_put_uvar(w, (uint64_t)nk);
    for (int i = 0; i < nb; i++)
        for (int k = 0; k < nk; k++) put_value(w, &pt->bounds[i][k]);
}

static void put_node(cn_writer *w, const cn_pplan *p)
{
    cn_put_u8(w, (uint8_t)p->kind);
    /* output */
    cn_put_uvar(w, (uint64_t)p->nout);
    for (int i = 0; i < p->nout; i++) {
        cn_put_svar(w, p->out[i].id);
        cn_put_str(w, p->out[i].name);
        put_type(w, p->out[i].type);
        cn_put_u8(w, p->out[i].nullable ? 1 : 0);
    }
    cn_put_svar(w, p->nparts);
    put_partitioning(w, &p->part);
    put_opt_expr(w, p->cond);
    put_exprs(w, p->nexprs, p->exprs);
    /* aggregate */
    cn_put_u8(w, (uint8_t)p->agg_mode);
    put_exprs(w, p->nkeys, p->keys);
    cn_put_uvar(w, (uint64_t)(p->aggs ? p->naggs : 0));
    for (int i = 0; p->aggs && i < p->naggs; i++) {
        put_agg(w, &p->aggs[i]);
        put_opt_expr(w, p->agg_args ? p->agg_args[i] : NULL);
    }
    /* sort / limit */
    put_orders(w, p->norders, p->orders);
    cn_put_u8(w, (uint8_t)((p->global ? 1 : 0) | (p->broadcast ? 2 : 0) | (p->hidden ? 4 : 0) |
                           (p->null_aware ? 8 : 0) | ((unsigned)p->origin << 4)));
    cn_put_svar(w, p->limit);
    cn_put_svar(w, p->offset);
    /* joins */
    cn_put_u8(w, (uint8_t)p->join_type);
    cn_put_u8(w, (uint8_t)p->build_right);
    cn_put_uvar(w, (uint64_t)(p->njoin_keys > 0 ? p->njoin_keys : 0));
    for (int i = 0; i < p->njoin_keys; i++) {
        put_opt_expr(w, p->left_keys ? p->left_keys[i] : NULL);
        put_opt_expr(w, p->right_keys ? p->right_keys[i] : NULL);
    }
    /* csv scan */
    cn_put_uvar(w, (uint64_t)(p->opt_keys ? p->nopts : 0));
    for (int i = 0; p->opt_keys && i < p->nopts; i++) {
        cn_put_str(w, p->opt_keys[i]);
        cn_put_str(w, p->opt_vals ? p->opt_vals[i] : NULL);
    }
    cn_put_u8(w, p->file_schema ? 1 : 0);
    if (p->file_schema) {
        cn_put_uvar(w, (uint64_t)p->file_schema->n);
        for (int i = 0; i < p->file_schema->n; i++) {
            cn_put_str(w, p->file_schema->fields[i].name);
            put_type(w, p->file_schema->fields[i].type);
            cn_put_u8(w, p->file_schema->fields[i].nullable ? 1 : 0);
        }
    }
    cn_put_u8(w, p->cols ? 1 : 0);
    cn_put_uvar(w, (uint64_t)(p->cols && p->ncols > 0 ? p->ncols : 0)); /* ncols only counts cols */
    for (int i = 0; p->cols && i < p->ncols; i++) cn_put_svar(w, p->cols[i]);
    cn_put_uvar(w, (uint64_t)(p->splits ? p->nsplits : 0));
    for (int i = 0; p->splits && i < p->nsplits; i++) {
        cn_put_str(w, p->splits[i].path);
        cn_put_svar(w, p->splits[i].start);
        cn_put_svar(w, p->splits[i].length);
    }
    /* local rows: nrows x nout */
    cn_put_uvar(w, (uint64_t)(p->rows ? p->nrows : 0));
    for (int r = 0; p->rows && r < p->nrows; r++)
        for (int c = 0; c < p->nout; c++) put_value(w, &p->rows[r][c]);
    /* inputs from outside the fragment */
    cn_put_svar(w, p->cache_id);
    cn_put_svar(w, p->shuffle_id);
    cn_put_svar(w, p->broadcast_id);
    cn_put_svar(w, p->plan_id);
    cn_put_f64(w, p->est_rows);
    cn_put_f64(w, p->est_bytes);
    /* children */
    if (p->kind == PP_UNION) {
        cn_put_uvar(w, (uint64_t)p->ninputs);
        for (int i = 0; i < p->ninputs; i++) put_node(w, p->inputs[i]);
    } else {
        cn_put_uvar(w, (uint64_t)p->nchildren);
        for (int i = 0; i < p->nchildren; i++) put_node(w, p->children[i]);
    }
}

void cn_pplan_write(cn_writer *w, const cn_pplan *p)
{
    cn_put_u8(w, PLAN_SERDE_VERSION);
    put_node(w, p);
}

/* ------------------------------------------------------------ reading */

typedef struct rd {
    cn_reader *r;
    cn_arena *a;
    cn_error *err;
    int depth;
} rd;

static int corrupt(rd *d, const char *what)
{
    if (!d->err->set)
        cn_error_setf_detail(d->err, "INTERNAL_ERROR", "corrupt physical plan: %s", what);
    return -1;
}

/* A count of elements each taking at least one byte: bounded by the bytes left. */
static int get_count(rd *d, int *out)
{
    uint64_t n = cn_get_uvar(d->r);
    if (d->r->failed) return corrupt(d, "truncated");
    if (n > (uint64_t)(d->r->end - d->r->p) || n > INT32_MAX / 2) return corrupt(d, "count out of range");
    *out = (int)n;
    return 0;
}

static int get_int(rd *d, int *out)
{
    int64_t v = cn_get_svar(d->r);
    if (d->r->failed) return corrupt(d, "truncated");
    if (v < INT32_MIN || v > INT32_MAX) return corrupt(d, "integer out of range");
    *out = (int)v;
    return 0;
}

static int get_type(rd *d, cn_type *t)
{
    const uint8_t *b = cn_get_raw(d->r, 4);
    if (!b) return corrupt(d, "truncated type");
    t->kind = b[0];
    t->precision = b[1];
    t->scale = b[2];
    t->scale2 = b[3];
    if (t->kind >= CN_KIND_COUNT) return corrupt(d, "bad type kind");
    if (t->kind == CN_DECIMAL && (t->precision < 1 || t->precision > CN_MAX_PRECISION || t->scale > t->precision))
        return corrupt(d, "bad decimal type");
    return 0;
}

static int get_value(rd *d, cn_value *v)
{
    memset(v, 0, sizeof *v);
    if (get_type(d, &v->type) != 0) return -1;
    uint8_t isnull = cn_get_u8(d->r);
    if (d->r->failed || isnull > 1) return corrupt(d, "bad value");
    v->is_null = isnull;
    if (isnull) return 0;
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: v->v.b = cn_get_u8(d->r) != 0; break;
    case CN_PHYS_I8:
    case CN_PHYS_I16:
    case CN_PHYS_I32:
    case CN_PHYS_I64: v->v.i = cn_get_svar(d->r); break;
    case CN_PHYS_I128: {
        uint64_t lo = cn_get_u64(d->r), hi = cn_get_u64(d->r);
        v->v.d = (cn_i128)(((unsigned __int128)hi << 64) | lo);
        break;
    }
    case CN_PHYS_F32:
    case CN_PHYS_F64: v->v.f = cn_get_f64(d->r); break;
    case CN_PHYS_STR: {
        size_t n;
        const char *p = cn_get_bytes(d->r, &n);
        if (!p && n) return corrupt(d, "bad string");
        if (n > UINT32_MAX) return corrupt(d, "string too long");
        char *copy = cn_arena_memdup(d->a, n ? p : "", n ? n : 1); /* p may be the buffer's end when n == 0 */
        v->v.s = cn_str_view(copy, (uint32_t)n);
        break;
    }
    }
    if (d->r->failed) return corrupt(d, "truncated value");
    return 0;
}

static int get_opt_expr(rd *d, cn_expr **out)
{
    *out = NULL;
    uint8_t present = cn_get_u8(d->r);
    if (d->r->failed || present > 1) return corrupt(d, "bad expression tag");
    if (!present) return 0;
    if (cn_expr_read(d->r, d->a, out, d->err) != 0) {
        if (!d->err->set) corrupt(d, "bad expression");
        return -1;
    }
    return 0;
}

static int get_exprs(rd *d, int *n, cn_expr ***out)
{
    if (get_count(d, n) != 0) return -1;
    *out = cn_arena_calloc(d->a, sizeof(cn_expr *) * (size_t)(*n + 1));
    for (int i = 0; i < *n; i++)
        if (get_opt_expr(d, &(*out)[i]) != 0) return -1;
    return 0;
}

static int get_orders(rd *d, int *n, cn_sort_order **out)
{
    if (get_count(d, n) != 0) return -1;
    *out = NULL;
    if (*n == 0) return 0;
    *out = cn_arena_calloc(d->a, sizeof(cn_sort_order) * (size_t)(*n + 1));
    for (int i = 0; i < *n; i++) {
        if (get_opt_expr(d, &(*out)[i].expr) != 0) return -1;
        if (!(*out)[i].expr) return corrupt(d, "sort order without expression");
        uint8_t f = cn_get_u8(d->r);
        if (d->r->failed || f > 3) return corrupt(d, "bad sort order flags");
        (*out)[i].desc = f & 1;
        (*out)[i].nulls_first = (f & 2) != 0;
    }
    return 0;
}

static int get_agg(rd *d, cn_agg *a)
{
    memset(a, 0, sizeof *a);
    uint64_t func = cn_get_uvar(d->r);
    uint8_t f = cn_get_u8(d->r);
    if (d->r->failed || func >= CN_AGG_FUNC_COUNT || f > 7) return corrupt(d, "bad aggregate");
    a->func = (int)func;
    a->distinct = f & 1;
    a->is_star = (f & 2) != 0;
    a->legacy = (f & 4) != 0;
    if (get_type(d, &a->in_type) != 0 || get_type(d, &a->out_type) != 0) return -1;
    uint64_t ns = cn_get_uvar(d->r);
    if (d->r->failed || ns > 3) return corrupt(d, "bad aggregate state count");
    a->nstate = (int)ns;
    for (int i = 0; i < a->nstate; i++)
        if (get_type(d, &a->state_types[i]) != 0) return -1;
    uint64_t sz = cn_get_uvar(d->r);
    if (d->r->failed || sz > 4096) return corrupt(d, "bad aggregate state size");
    a->state_size = (int)sz;
    return 0;
}

static int get_partitioning(rd *d, cn_partitioning *pt)
{
    memset(pt, 0, sizeof *pt);
    uint8_t k = cn_get_u8(d->r);
    if (d->r->failed || k > PART_BROADCAST) return corrupt(d, "bad partitioning kind");
    pt->kind = (cn_part_kind)k;
    if (get_int(d, &pt->n) != 0) return -1;
    int nhash, nord;
    cn_expr **keys;
    cn_sort_order *orders;
    if (get_exprs(d, &nhash, &keys) != 0) return -1;
    if (get_orders(d, &nord, &orders) != 0) return -1;
    if (pt->kind == PART_HASH) {
        pt->nkeys = nhash;
        pt->keys = keys;
        for (int i = 0; i < nhash; i++)
            if (!keys[i]) return corrupt(d, "missing hash key");
    } else if (pt->kind == PART_RANGE) {
        pt->nkeys = nord;
        pt->orders = orders;
    }
    int nb, nk;
    if (get_count(d, &nb) != 0 || get_count(d, &nk) != 0) return -1;
    if (nb > 0 && (nk != pt->nkeys || nk == 0)) return corrupt(d, "range bounds do not match the keys");
    pt->nbounds = nb;
    if (nb > 0) {
        pt->bounds = cn_arena_alloc(d->a, sizeof(cn_value *) * (size_t)nb);
        for (int i = 0; i < nb; i++) {
            pt->bounds[i] = cn_arena_alloc(d->a, sizeof(cn_value) * (size_t)(nk + 1));
            for (int j = 0; j < nk; j++)
                if (get_value(d, &pt->bounds[i][j]) != 0) return -1;
        }
    }
    return 0;
}

static int get_node(rd *d, cn_pplan **out)
{
    if (++d->depth > PLAN_MAX_DEPTH) return corrupt(d, "plan nested too deeply");
    uint8_t kind = cn_get_u8(d->r);
    if (d->r->failed || kind >= PP_EXPAND_UNUSED) return corrupt(d, "bad node kind");
    cn_pplan *p = cn_pplan_new(d->a, (cn_pkind)kind);
    *out = p;

    if (get_count(d, &p->nout) != 0) return -1;
    p->out = cn_arena_calloc(d->a, sizeof(cn_attr) * (size_t)(p->nout + 1));
    for (int i = 0; i < p->nout; i++) {
        p->out[i].id = cn_get_svar(d->r);
        p->out[i].name = cn_get_str(d->r, d->a);
        if (get_type(d, &p->out[i].type) != 0) return -1;
        p->out[i].nullable = cn_get_u8(d->r) != 0;
    }
    if (get_int(d, &p->nparts) != 0) return -1;
    if (p->nparts < 0) return corrupt(d, "negative partition count");
    if (get_partitioning(d, &p->part) != 0) return -1;
    if (get_opt_expr(d, &p->cond) != 0) return -1;
    if (get_exprs(d, &p->nexprs, &p->exprs) != 0) return -1;

    uint8_t mode = cn_get_u8(d->r);
    if (d->r->failed || mode > AGG_PARTIAL_MERGE) return corrupt(d, "bad aggregate mode");
    p->agg_mode = (cn_agg_mode)mode;
    if (get_exprs(d, &p->nkeys, &p->keys) != 0) return -1;
    if (get_count(d, &p->naggs) != 0) return -1;
    p->aggs = cn_arena_calloc(d->a, sizeof(cn_agg) * (size_t)(p->naggs + 1));
    p->agg_args = cn_arena_calloc(d->a, sizeof(cn_expr *) * (size_t)(p->naggs + 1));
    for (int i = 0; i < p->naggs; i++) {
        if (get_agg(d, &p->aggs[i]) != 0) return -1;
        if (get_opt_expr(d, &p->agg_args[i]) != 0) return -1;
    }

    if (get_orders(d, &p->norders, &p->orders) != 0) return -1;
    uint8_t flags = cn_get_u8(d->r);
    if (d->r->failed || (flags >> 4) > ORIGIN_REBALANCE_BY_COL) return corrupt(d, "bad flags");
    p->global = flags & 1;
    p->broadcast = (flags & 2) != 0;
    p->hidden = (flags & 4) != 0;
    p->null_aware = (flags & 8) != 0;
    p->origin = (cn_shuffle_origin)(flags >> 4);
    p->limit = cn_get_svar(d->r);
    p->offset = cn_get_svar(d->r);

    uint8_t jt = cn_get_u8(d->r), br = cn_get_u8(d->r);
    if (d->r->failed || jt > JOIN_EXISTENCE || br > 1) return corrupt(d, "bad join fields");
    p->join_type = (cn_join_type)jt;
    p->build_right = br;
    if (get_count(d, &p->njoin_keys) != 0) return -1;
    p->left_keys = cn_arena_calloc(d->a, sizeof(cn_expr *) * (size_t)(p->njoin_keys + 1));
    p->right_keys = cn_arena_calloc(d->a, sizeof(cn_expr *) * (size_t)(p->njoin_keys + 1));
    for (int i = 0; i < p->njoin_keys; i++) {
        if (get_opt_expr(d, &p->left_keys[i]) != 0 || get_opt_expr(d, &p->right_keys[i]) != 0) return -1;
        if (!p->left_keys[i] || !p->right_keys[i]) return corrupt(d, "missing join key");
    }

    if (get_count(d, &p->nopts) != 0) return -1;
    p->opt_keys = cn_arena_calloc(d->a, sizeof(char *) * (size_t)(p->nopts + 1));
    p->opt_vals = cn_arena_calloc(d->a, sizeof(char *) * (size_t)(p->nopts + 1));
    for (int i = 0; i < p->nopts; i++) {
        p->opt_keys[i] = cn_get_str(d->r, d->a);
        p->opt_vals[i] = cn_get_str(d->r, d->a);
        if (!p->opt_keys[i] && !d->r->failed) return corrupt(d, "option without a name");
    }
    uint8_t has_schema = cn_get_u8(d->r);
    if (d->r->failed || has_schema > 1) return corrupt(d, "bad schema tag");
    if (has_schema) {
        int n;
        if (get_count(d, &n) != 0) return -1;
        p->file_schema = cn_schema_new(d->a, n);
        for (int i = 0; i < n; i++) {
            p->file_schema->fields[i].name = cn_get_str(d->r, d->a);
            if (get_type(d, &p->file_schema->fields[i].type) != 0) return -1;
            p->file_schema->fields[i].nullable = cn_get_u8(d->r) != 0;
        }
    }
    uint8_t has_cols = cn_get_u8(d->r);
    if (d->r->failed || has_cols > 1) return corrupt(d, "bad column tag");
    if (!has_cols) {
        /* no column list: the count means nothing (older writers sent it anyway) and,
         * taking no bytes per column, is not bounded by the bytes left */
        (void)cn_get_uvar(d->r);
        if (d->r->failed) return corrupt(d, "truncated");
        p->ncols = 0;
    } else if (get_count(d, &p->ncols) != 0) {
        return -1;
    }
    if (has_cols) {
        p->cols = cn_arena_calloc(d->a, sizeof(int) * (size_t)(p->ncols + 1));
        for (int i = 0; i < p->ncols; i++) {
            if (get_int(d, &p->cols[i]) != 0) return -1;
            int limit = p->file_schema ? p->file_schema->n : INT32_MAX;
            if (p->cols[i] < 0 || (p->kind == PP_CSV_SCAN && p->cols[i] >= limit))
                return corrupt(d, "column index out of range");
        }
    }
    if (get_count(d, &p->nsplits) != 0) return -1;
    p->splits = cn_arena_calloc(d->a, sizeof(cn_csv_split) * (size_t)(p->nsplits + 1));
    for (int i = 0; i < p->nsplits; i++) {
        const char *path = cn_get_str(d->r, d->a);
        p->splits[i].path = path ? path : "";
        p->splits[i].start = cn_get_svar(d->r);
        p->splits[i].length = cn_get_svar(d->r);
        if (p->splits[i].start < 0 || p->splits[i].length < 0) return corrupt(d, "bad split");
    }
    if (p->nout == 0) {
        /* rows without columns (SELECT 1 without FROM, count(*) over VALUES with every
         * column pruned) take no bytes, so their count is not bounded by the bytes left:
         * bound it by what a plan can hold, and share one empty row */
        uint64_t n = cn_get_uvar(d->r);
        if (d->r->failed) return corrupt(d, "truncated");
        if (n > PLAN_MAX_EMPTY_ROWS) return corrupt(d, "row count out of range");
        p->nrows = (int)n;
        p->rows = cn_arena_alloc(d->a, sizeof(cn_value *) * (size_t)(p->nrows + 1));
        cn_value *empty = cn_arena_calloc(d->a, sizeof(cn_value));
        for (int r = 0; r <= p->nrows; r++) p->rows[r] = empty;
    } else {
        if (get_count(d, &p->nrows) != 0) return -1;
        p->rows = cn_arena_calloc(d->a, sizeof(cn_value *) * (size_t)(p->nrows + 1));
        for (int r = 0; r < p->nrows; r++) {
            p->rows[r] = cn_arena_calloc(d->a, sizeof(cn_value) * (size_t)(p->nout + 1));
            for (int c = 0; c < p->nout; c++)
                if (get_value(d, &p->rows[r][c]) != 0) return -1;
        }
    }
    p->cache_id = cn_get_svar(d->r);
    if (get_int(d, &p->shuffle_id) != 0 || get_int(d, &p->broadcast_id) != 0 || get_int(d, &p->plan_id) != 0)
        return -1;
    p->est_rows = cn_get_f64(d->r);
    p->est_bytes = cn_get_f64(d->r);

    int nkids;
    if (get_count(d, &nkids) != 0) return -1;
    if (p->kind == PP_UNION) {
        p->ninputs = nkids;
        p->inputs = cn_arena_calloc(d->a, sizeof(cn_pplan *) * (size_t)(nkids + 1));
        for (int i = 0; i < nkids; i++)
            if (get_node(d, &p->inputs[i]) != 0) return -1;
    } else {
        if (nkids > 2) return corrupt(d, "too many children");
        p->nchildren = nkids;
        for (int i = 0; i < nkids; i++)
            if (get_node(d, &p->children[i]) != 0) return -1;
    }
    if (d->r->failed) return corrupt(d, "truncated");
    d->depth--;
    return 0;
}

int cn_pplan_read(cn_reader *r, cn_arena *a, cn_pplan **out, cn_error *err)
{
    *out = NULL;
    rd d = {r, a, err, 0};
    uint8_t v = cn_get_u8(r);
    if (r->failed) return corrupt(&d, "empty");
    if (v != PLAN_SERDE_VERSION) return corrupt(&d, "unknown version");
    cn_pplan *p;
    if (get_node(&d, &p) != 0) return -1;
    *out = p;
    return 0;
}
