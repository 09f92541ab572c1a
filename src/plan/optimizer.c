/*
 * optimizer.c — the driver of the logical optimizer, shared helpers, and
 * statistics.
 *
 * cn_optimize copies the analyzed plan (EXPLAIN EXTENDED still prints the
 * analyzed one), decorrelates subqueries once (opt_subquery.c), then runs the
 * rewrite batches — expression simplification (opt_expr.c), predicate
 * pushdown (opt_pushdown.c), join conversion and reordering (opt_joins.c) —
 * until none changes the plan (or an iteration cap, as Spark's
 * FixedPoint(100)), prunes columns down to the scans, and fills est_rows /
 * est_bytes the way Spark's size-only statistics do (no CBO): a file scan's
 * size is the files' total scaled by the selected columns' share of the row
 * width, unary nodes scale their child's size by their row width, joins
 * multiply (semi/anti joins keep the left size), a global aggregate is one
 * row. The planner compares est_bytes against autoBroadcastJoinThreshold.
 */
#include "plan/opt_internal.h"

#include <math.h>
#include <stdio.h>

/* ------------------------------------------------------------ id sets */

void ids_add(opt *o, idset *s, int64_t id)
{
    if (ids_has(s, id)) return;
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 32;
        int64_t *v = cn_arena_alloc(o->a, sizeof(int64_t) * (size_t)nc);
        if (s->n) memcpy(v, s->v, sizeof(int64_t) * (size_t)s->n);
        s->v = v;
        s->cap = nc;
    }
    s->v[s->n++] = id;
}

bool ids_has(const idset *s, int64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == id) return true;
    return false;
}

void ids_refs(opt *o, idset *s, const cn_expr *e)
{
    if (!e) return;
    if (e->kind == CN_EX_COL) ids_add(o, s, e->id);
    if (e->kind == CN_EX_SUBQUERY && e->subq) ids_plan_refs(o, s, e->subq);
    for (int i = 0; i < e->nargs; i++) ids_refs(o, s, e->args[i]);
}

void ids_out(opt *o, idset *s, const cn_lplan *p)
{
    for (int i = 0; i < p->nout; i++) ids_add(o, s, p->out[i].id);
}

void ids_defined(opt *o, idset *s, const cn_lplan *p)
{
    ids_out(o, s, p);
    for (int i = 0; i < p->nchildren; i++) ids_defined(o, s, p->children[i]);
}

void ids_plan_refs(opt *o, idset *s, const cn_lplan *p)
{
    ids_refs(o, s, p->cond);
    for (int i = 0; i < p->nexprs; i++) ids_refs(o, s, p->exprs[i]);
    for (int i = 0; i < p->ngroups; i++) ids_refs(o, s, p->groups[i]);
    for (int i = 0; i < p->norders; i++) ids_refs(o, s, p->orders[i].expr);
    for (int i = 0; i < p->nchildren; i++) ids_plan_refs(o, s, p->children[i]);
}

static void defined_deep(opt *o, idset *s, const cn_lplan *p);

static void defined_expr(opt *o, idset *s, const cn_expr *e)
{
    if (!e) return;
    if (e->kind == CN_EX_SUBQUERY && e->subq) defined_deep(o, s, e->subq);
    for (int i = 0; i < e->nargs; i++) defined_expr(o, s, e->args[i]);
}

/* defined ids including those of nested subquery plans */
static void defined_deep(opt *o, idset *s, const cn_lplan *p)
{
    ids_out(o, s, p);
    defined_expr(o, s, p->cond);
    for (int i = 0; i < p->nexprs; i++) defined_expr(o, s, p->exprs[i]);
    for (int i = 0; i < p->nchildren; i++) defined_deep(o, s, p->children[i]);
}

void ids_outer(opt *o, idset *s, const cn_lplan *p)
{
    idset refs = {0, 0, NULL}, def = {0, 0, NULL};
    ids_plan_refs(o, &refs, p);
    defined_deep(o, &def, p);
    for (int i = 0; i < refs.n; i++)
        if (!ids_has(&def, refs.v[i])) ids_add(o, s, refs.v[i]);
}

bool expr_refs_within(opt *o, const cn_expr *e, const cn_lplan *p)
{
    idset r = {0, 0, NULL};
    ids_refs(o, &r, e);
    for (int i = 0; i < r.n; i++) {
        bool f = false;
        for (int k = 0; k < p->nout && !f; k++) f = p->out[k].id == r.v[i];
        if (!f) return false;
    }
    return true;
}

bool expr_refs_any(opt *o, const cn_expr *e, const idset *s)
{
    idset r = {0, 0, NULL};
    ids_refs(o, &r, e);
    for (int i = 0; i < r.n; i++)
        if (ids_has(s, r.v[i])) return true;
    return false;
}

/* ------------------------------------------------------------- nodes */

void lp_refresh_out(opt *o, cn_lplan *p)
{
    switch (p->kind) {
    case LP_FILTER:
    case LP_SORT:
    case LP_LIMIT:
    case LP_REPARTITION:
        p->nout = p->children[0]->nout;
        p->out = p->children[0]->out;
        break;
    case LP_JOIN: {
        const cn_lplan *l = p->children[0], *r = p->children[1];
        bool semi = p->join_type == JOIN_LEFT_SEMI || p->join_type == JOIN_LEFT_ANTI;
        bool exists = p->join_type == JOIN_EXISTENCE;
        int n = semi ? l->nout : exists ? l->nout + 1 : l->nout + r->nout;
        cn_attr *out = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(n + 1));
        memcpy(out, l->out, sizeof(cn_attr) * (size_t)l->nout);
        if (exists) out[l->nout] = p->exists;
        else if (!semi) memcpy(out + l->nout, r->out, sizeof(cn_attr) * (size_t)r->nout);
        if (p->join_type == JOIN_LEFT || p->join_type == JOIN_FULL)
            for (int i = l->nout; i < n; i++) out[i].nullable = true;
        if (p->join_type == JOIN_RIGHT || p->join_type == JOIN_FULL)
            for (int i = 0; i < l->nout; i++) out[i].nullable = true;
        p->nout = n;
        p->out = out;
        break;
    }
    default: break;
    }
}

cn_lplan *lp_filter(opt *o, cn_lplan *child, cn_expr *cond)
{
    cn_lplan *f = cn_lplan_new(o->a, LP_FILTER, 1);
    f->children[0] = child;
    f->cond = cond;
    lp_refresh_out(o, f);
    return f;
}

cn_expr *lp_col(opt *o, const cn_attr *a)
{
    cn_expr *c = cn_expr_col(o->a, a->id, a->name, a->type, a->nullable);
    c->qualifier = a->qualifier;
    return c;
}

cn_lplan *lp_project_attrs(opt *o, cn_lplan *child, const cn_attr *out, int n)
{
    if (child->nout == n) {
        bool same = true;
        for (int i = 0; i < n && same; i++) same = child->out[i].id == out[i].id;
        if (same) return child;
    }
    cn_lplan *p = cn_lplan_new(o->a, LP_PROJECT, 1);
    p->children[0] = child;
    p->nexprs = p->nout = n;
    p->exprs = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
    p->out = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        p->out[i] = out[i];
        for (int k = 0; k < child->nout; k++)
            if (child->out[k].id == out[i].id) p->out[i] = child->out[k];
        p->exprs[i] = lp_col(o, &p->out[i]);
    }
    return p;
}

void split_conj(opt *o, cn_expr *e, cn_expr ***out, int *n)
{
    *n = 0;
    *out = NULL;
    if (!e) return;
    cn_expr **tmp = NULL;
    int cnt = 0, cap = 0;
    cn_expr_split_and(e, &tmp, &cnt, &cap);
    cn_expr **v = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(cnt + 1));
    if (cnt) memcpy(v, tmp, sizeof(cn_expr *) * (size_t)cnt);
    free(tmp);
    *out = v;
    *n = cnt;
}

bool expr_pushable(const cn_expr *e)
{
    return cn_expr_is_deterministic(e) && !cn_expr_has_subquery(e) && !cn_expr_has_agg(e);
}

/* ------------------------------------------------------------ statistics */

static double type_size(cn_type t)
{
    switch (t.kind) {
    case CN_BOOLEAN:
    case CN_TINYINT:
    case CN_NULL: return 1;
    case CN_SMALLINT: return 2;
    case CN_INT:
    case CN_FLOAT:
    case CN_DATE:
    case CN_INTERVAL_YM: return 4;
    case CN_DECIMAL: return t.precision <= 18 ? 8 : 16;
    case CN_STRING: return 20;
    default: return 8;
    }
}

static double row_width(const cn_attr *a, int n)
{
    double w = 8;
    for (int i = 0; i < n; i++) w += type_size(a[i].type);
    return w;
}

void opt_stats(opt *o, cn_lplan *p)
{
    for (int i = 0; i < p->nchildren; i++) opt_stats(o, p->children[i]);
    double w = row_width(p->out, p->nout);
    const cn_lplan *c = p->nchildren > 0 ? p->children[0] : NULL;
    double cw = c ? row_width(c->out, c->nout) : 1;
    switch (p->kind) {
    case LP_SCAN: {
        int64_t total = p->view ? cn_lplan_source_bytes(o->ctx, p->view) : -1;
        if (total < 0) {
            p->est_bytes = p->est_rows = -1;
            break;
        }
        double full = 8;
        const cn_schema *sc = p->view->source ? p->view->source->schema : NULL;
        for (int i = 0; sc && i < sc->n; i++) full += type_size(sc->fields[i].type);
        p->est_bytes = ceil((double)total * w / full);
        p->est_rows = ceil((double)total / full);
        break;
    }
    case LP_LOCAL:
        p->est_rows = p->nrows;
        p->est_bytes = p->nrows * w;
        break;
    case LP_CACHED: {
        /* the cached size, scaled by the share of the columns read (Spark's Project estimate) */
        const cn_view *v = p->view;
        double full = 0;
        if (v && v->source && v->source->schema)
            for (int i = 0; i < v->source->schema->n; i++) full += type_size(v->source->schema->fields[i].type);
        else if (v && v->cols)
            for (int i = 0; i < v->cols->n; i++) full += type_size(v->cols->fields[i].type);
        if (!v || v->cache_bytes <= 0 || full <= 0) break;
        p->est_bytes = ceil((double)v->cache_bytes * CN_MIN(1.0, w / full));
        p->est_rows = ceil((double)v->cache_bytes / full);
        break;
    }
    case LP_FILTER:
    case LP_SORT:
    case LP_REPARTITION:
        p->est_rows = c->est_rows;
        p->est_bytes = c->est_bytes;
        break;
    case LP_PROJECT:
        p->est_rows = c->est_rows;
        p->est_bytes = c->est_bytes < 0 ? -1 : ceil(c->est_bytes * w / cw);
        break;
    case LP_AGGREGATE:
        if (p->ngroups == 0) {
            p->est_rows = 1;
            p->est_bytes = w;
        } else {
            p->est_rows = c->est_rows;
            p->est_bytes = c->est_bytes < 0 ? -1 : ceil(c->est_bytes * w / cw);
        }
        break;
    case LP_JOIN: {
        const cn_lplan *l = p->children[0], *r = p->children[1];
        if (p->join_type == JOIN_LEFT_SEMI || p->join_type == JOIN_LEFT_ANTI || p->join_type == JOIN_EXISTENCE) {
            p->est_rows = l->est_rows;
            p->est_bytes = l->est_bytes < 0 ? -1 : ceil(l->est_bytes * w / row_width(l->out, l->nout));
        } else if (l->est_bytes < 0 || r->est_bytes < 0) {
            p->est_rows = p->est_bytes = -1;
        } else {
            p->est_bytes = l->est_bytes * r->est_bytes;
            p->est_rows = l->est_rows >= 0 && r->est_rows >= 0 ? l->est_rows * r->est_rows : -1;
        }
        break;
    }
    case LP_LIMIT: {
        double rows = c->est_rows;
        if (p->limit >= 0 && (rows < 0 || rows > (double)p->limit)) rows = (double)p->limit;
        p->est_rows = rows;
        p->est_bytes = rows < 0 ? c->est_bytes : rows * w;
        if (c->est_bytes >= 0 && p->est_bytes > c->est_bytes) p->est_bytes = c->est_bytes;
        break;
    }
    case LP_UNION: {
        double rows = 0, bytes = 0;
        for (int i = 0; i < p->nchildren; i++) {
            if (rows >= 0) rows = p->children[i]->est_rows < 0 ? -1 : rows + p->children[i]->est_rows;
            if (bytes >= 0) bytes = p->children[i]->est_bytes < 0 ? -1 : bytes + p->children[i]->est_bytes;
        }
        p->est_rows = rows;
        p->est_bytes = bytes;
        break;
    }
    case LP_INTERSECT:
    case LP_EXCEPT:
        p->est_rows = c->est_rows;
        p->est_bytes = c->est_bytes;
        break;
    }
}

/* ---------------------------------------------------------------- driver */

static int optimize_subplans_expr(opt *o, cn_expr *e)
{
    if (!e) return 0;
    if (e->kind == CN_EX_SUBQUERY && e->subq) {
        cn_lplan *sp;
        if (cn_optimize(o->ctx, (cn_lplan *)e->subq, &sp, o->err) != 0) return -1;
        e->subq = sp;
    }
    for (int i = 0; i < e->nargs; i++)
        if (optimize_subplans_expr(o, e->args[i]) != 0) return -1;
    return 0;
}

int opt_optimize_subplans(opt *o, cn_lplan *p)
{
    if (optimize_subplans_expr(o, p->cond) != 0) return -1;
    for (int i = 0; i < p->nexprs; i++)
        if (optimize_subplans_expr(o, p->exprs[i]) != 0) return -1;
    for (int i = 0; i < p->nchildren; i++)
        if (opt_optimize_subplans(o, p->children[i]) != 0) return -1;
    return 0;
}

/* Deep copy keeping attribute ids (the analyzed plan stays printable). */
static cn_lplan *copy_same_ids(opt *o, const cn_lplan *p);

/* subquery plans are shared with the analyzed tree: copy them too (recursive, as every
 * expression walker: depth was checked against CN_MAX_TREE_DEPTH before any rule ran) */
static void copy_subqueries(opt *o, cn_expr *x)
{
    if (x->kind == CN_EX_SUBQUERY && x->subq) x->subq = copy_same_ids(o, x->subq);
    for (int i = 0; i < x->nargs; i++) copy_subqueries(o, x->args[i]);
}

static cn_expr *copy_expr(opt *o, const cn_expr *e)
{
    if (!e) return NULL;
    cn_expr *c = cn_expr_copy(o->a, e);
    copy_subqueries(o, c);
    return c;
}

static cn_lplan *copy_same_ids(opt *o, const cn_lplan *p)
{
    cn_lplan *c = cn_arena_alloc(o->a, sizeof *c);
    *c = *p;
    c->children = cn_arena_calloc(o->a, sizeof(cn_lplan *) * (size_t)(p->nchildren + 1));
    for (int i = 0; i < p->nchildren; i++) c->children[i] = copy_same_ids(o, p->children[i]);
    c->cond = copy_expr(o, p->cond);
    c->exprs = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(p->nexprs + 1));
    for (int i = 0; i < p->nexprs; i++) c->exprs[i] = copy_expr(o, p->exprs[i]);
    if (p->groups == p->exprs) {
        c->groups = c->exprs;
    } else {
        c->groups = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(p->ngroups + 1));
        for (int i = 0; i < p->ngroups; i++) c->groups[i] = copy_expr(o, p->groups[i]);
    }
    c->orders = cn_arena_calloc(o->a, sizeof(cn_sort_order) * (size_t)(p->norders + 1));
    for (int i = 0; i < p->norders; i++) {
        c->orders[i] = p->orders[i];
        c->orders[i].expr = copy_expr(o, p->orders[i].expr);
    }
    c->filters = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(p->nfilters + 1));
    for (int i = 0; i < p->nfilters; i++) c->filters[i] = copy_expr(o, p->filters[i]);
    c->out = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(p->nout + 1));
    if (p->nout) memcpy(c->out, p->out, sizeof(cn_attr) * (size_t)p->nout);
    if (p->cols) c->cols = cn_arena_memdup(o->a, p->cols, sizeof(int) * (size_t)(p->ncols + 1));
    return c;
}

cn_lplan *cn_lplan_copy(cn_arena *a, const cn_lplan *p)
{
    opt o;
    memset(&o, 0, sizeof o);
    o.a = a;
    return copy_same_ids(&o, p);
}

int cn_optimize(cn_analyze_ctx *ctx, cn_lplan *in, cn_lplan **out, cn_error *err)
{
    opt o;
    memset(&o, 0, sizeof o);
    o.ctx = ctx;
    o.a = ctx->arena;
    o.err = err;
    cn_lplan *p = copy_same_ids(&o, in);
    bool changed = false;
    if (opt_subqueries(&o, &p, &changed) != 0) return -1;
    if (opt_aggregates(&o, &p) != 0) return -1;
    /* the rewrites above can deepen a plan (count(a, b, ...) -> an AND chain, domain joins) */
    if (cn_lplan_check_depth(p, err) != 0) return -1;
    for (int iter = 0; iter < 100; iter++) {
        changed = false;
        if (opt_exprs(&o, &p, &changed) != 0) return -1;
        if (opt_pushdown(&o, &p, &changed) != 0) return -1;
        if (!changed) break;
    }
    changed = false;
    opt_stats(&o, p);
    if (opt_joins(&o, &p, &changed) != 0) return -1;
    if (opt_extract_disjuncts(&o, &p, &changed) != 0) return -1;
    for (int iter = 0; iter < 100; iter++) {
        changed = false;
        if (opt_exprs(&o, &p, &changed) != 0) return -1;
        if (opt_pushdown(&o, &p, &changed) != 0) return -1;
        if (!changed) break;
    }
    if (opt_prune(&o, &p) != 0) return -1;
    if (opt_optimize_subplans(&o, p) != 0) return -1;
    opt_stats(&o, p);
    if (cn_lplan_check_depth(p, err) != 0) return -1;
    *out = p;
    return 0;
}
