/*
 * opt_subquery.c — subquery decorrelation (Spark's PullupCorrelatedPredicates,
 * RewritePredicateSubquery and RewriteCorrelatedScalarSubquery).
 *
 * Predicates of a subquery that reference the outer query are pulled up out
 * of its Filters (through Projects, which then also output the inner columns
 * those predicates need, and through an Aggregate, which then also groups by
 * the inner side of each correlated equality). Then, for a Filter conjunct:
 *   EXISTS (q)      -> LEFT SEMI join with q on the pulled predicates
 *   NOT EXISTS (q)  -> LEFT ANTI join
 *   x IN (q)        -> LEFT SEMI join on x = q.col AND the predicates
 *   x NOT IN (q)    -> LEFT ANTI join; single column and uncorrelated: on
 *                      x = q.col marked null_aware (NULLs make the predicate
 *                      unknown, as Spark's null-aware anti join); otherwise on
 *                      (x = q.col OR isnull(x = q.col)).
 * EXISTS / IN elsewhere (under OR, in CASE, in a select list) become existence
 * joins whose flag the expression reads (see "existence joins" below).
 * A correlated scalar subquery (in a Filter or a Project) becomes a LEFT OUTER
 * join with the aggregated subquery, grouped by its correlation columns, and
 * the expression reads the joined column. When the aggregate's value over no
 * rows is not NULL (count), a `true` marker column tells "no group matched"
 * apart, and the value over no rows is substituted (the COUNT bug).
 * Subqueries inside an Aggregate's aggregate calls and grouping expressions are rewritten
 * against its child, so the joins go below it (see "below an Aggregate").
 * Uncorrelated scalar subqueries stay in place as CN_EX_SUBQUERY (subq_kind
 * 0); the session runs them first and substitutes their value.
 */
#include "plan/opt_internal.h"

typedef struct preds {
    int n, cap;
    cn_expr **v;
} preds;

static void preds_add(opt *o, preds *p, cn_expr *e)
{
    if (p->n == p->cap) {
        int nc = p->cap ? p->cap * 2 : 8;
        cn_expr **v = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)nc);
        if (p->n) memcpy(v, p->v, sizeof(cn_expr *) * (size_t)p->n);
        p->v = v;
        p->cap = nc;
    }
    p->v[p->n++] = e;
}

/* Add passthrough outputs for the inner columns `need` to a Project. */
static void project_add_cols(opt *o, cn_lplan *pr, const idset *need)
{
    const cn_lplan *c = pr->children[0];
    for (int k = 0; k < need->n; k++) {
        bool have = false;
        for (int i = 0; i < pr->nout; i++)
            if (pr->out[i].id == need->v[k]) have = true;
        if (have) continue;
        for (int i = 0; i < c->nout; i++)
            if (c->out[i].id == need->v[k]) {
                cn_attr *no = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(pr->nout + 2));
                cn_expr **ne = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(pr->nout + 2));
                memcpy(no, pr->out, sizeof(cn_attr) * (size_t)pr->nout);
                memcpy(ne, pr->exprs, sizeof(cn_expr *) * (size_t)pr->nexprs);
                no[pr->nout] = c->out[i];
                ne[pr->nexprs] = lp_col(o, &c->out[i]);
                pr->out = no;
                pr->exprs = ne;
                pr->nout++;
                pr->nexprs++;
                break;
            }
    }
}

/* Inner (non-outer) column ids referenced by the predicates. */
static void inner_ids(opt *o, const preds *ps, int from, const idset *outer, idset *out)
{
    for (int i = from; i < ps->n; i++) {
        idset r = {0, 0, NULL};
        ids_refs(o, &r, ps->v[i]);
        for (int k = 0; k < r.n; k++)
            if (!ids_has(outer, r.v[k])) ids_add(o, out, r.v[k]);
    }
}

/* Pull correlated conjuncts out of p. Returns the rewritten plan; *ok=false when unsupported. */
static cn_lplan *pull(opt *o, cn_lplan *p, const idset *outer, preds *ps, bool *ok)
{
    switch (p->kind) {
    case LP_FILTER: {
        int before = ps->n;
        cn_lplan *c = pull(o, p->children[0], outer, ps, ok);
        (void)before;
        cn_expr **conj;
        int n;
        split_conj(o, p->cond, &conj, &n);
        cn_expr **keep = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        int nk = 0;
        for (int i = 0; i < n; i++) {
            if (expr_refs_any(o, conj[i], outer) && !cn_expr_has_subquery(conj[i])) preds_add(o, ps, conj[i]);
            else keep[nk++] = conj[i];
        }
        if (nk == 0) return c;
        return lp_filter(o, c, cn_expr_and_all(o->a, keep, nk));
    }
    case LP_PROJECT: {
        int before = ps->n;
        p->children[0] = pull(o, p->children[0], outer, ps, ok);
        idset need = {0, 0, NULL};
        inner_ids(o, ps, before, outer, &need);
        project_add_cols(o, p, &need);
        return p;
    }
    case LP_SORT:
    case LP_REPARTITION: return pull(o, p->children[0], outer, ps, ok);
    case LP_AGGREGATE: {
        int before = ps->n;
        p->children[0] = pull(o, p->children[0], outer, ps, ok);
        for (int i = before; i < ps->n; i++) {
            cn_expr *e = ps->v[i];
            /* inner = outer equalities only: group by the inner side */
            if (!(e->kind == CN_EX_CALL && e->func == CN_FN_EQ && e->nargs == 2)) {
                *ok = false;
                return p;
            }
            cn_expr *inner = NULL;
            for (int s = 0; s < 2; s++) {
                cn_expr *a = e->args[s], *b = e->args[1 - s];
                if (!expr_refs_any(o, a, outer) && expr_refs_any(o, b, outer) && a->kind == CN_EX_COL) inner = a;
            }
            if (!inner) {
                *ok = false;
                return p;
            }
            bool have = false;
            for (int g = 0; g < p->ngroups; g++)
                if (cn_expr_equal(p->groups[g], inner)) have = true;
            if (!have) {
                cn_expr **ng = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(p->ngroups + 2));
                if (p->ngroups) memcpy(ng, p->groups, sizeof(cn_expr *) * (size_t)p->ngroups);
                ng[p->ngroups++] = cn_expr_copy(o->a, inner);
                p->groups = ng;
            }
            have = false;
            for (int k = 0; k < p->nout; k++)
                if (p->out[k].id == inner->id) have = true;
            if (!have) {
                cn_attr *no = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(p->nout + 2));
                cn_expr **ne = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(p->nout + 2));
                memcpy(no, p->out, sizeof(cn_attr) * (size_t)p->nout);
                memcpy(ne, p->exprs, sizeof(cn_expr *) * (size_t)p->nexprs);
                no[p->nout].id = inner->id;
                no[p->nout].name = inner->name;
                no[p->nout].type = inner->type;
                no[p->nout].nullable = inner->nullable;
                ne[p->nexprs] = cn_expr_copy(o->a, inner);
                p->out = no;
                p->exprs = ne;
                p->nout++;
                p->nexprs++;
            }
        }
        return p;
    }
    case LP_JOIN: {
        if (p->join_type == JOIN_INNER || p->join_type == JOIN_CROSS) {
            p->children[0] = pull(o, p->children[0], outer, ps, ok);
            p->children[1] = pull(o, p->children[1], outer, ps, ok);
        } else if (p->join_type == JOIN_LEFT || p->join_type == JOIN_LEFT_SEMI || p->join_type == JOIN_LEFT_ANTI ||
                   p->join_type == JOIN_EXISTENCE) {
            p->children[0] = pull(o, p->children[0], outer, ps, ok);
        }
        lp_refresh_out(o, p);
        return p;
    }
    default: return p;
    }
}

static bool still_correlated(opt *o, const cn_lplan *p, const idset *outer)
{
    idset r = {0, 0, NULL};
    ids_plan_refs(o, &r, p);
    for (int i = 0; i < r.n; i++)
        if (ids_has(outer, r.v[i])) return true;
    return false;
}

static cn_lplan *join(opt *o, cn_lplan *l, cn_lplan *r, cn_join_type t, cn_expr *cond)
{
    cn_lplan *j = cn_lplan_new(o->a, LP_JOIN, 2);
    j->children[0] = l;
    j->children[1] = r;
    j->join_type = t;
    j->cond = cond;
    lp_refresh_out(o, j);
    return j;
}

static int call2(opt *o, const char *fn, cn_expr *a, cn_expr *b, cn_expr **out)
{
    cn_expr *args[2] = {a, b};
    return cn_expr_call(o->a, fn, args, 2, false, false, out, o->err);
}


/* ------------------------------------------------------------------ domain joins
 * General decorrelation (Spark's DecorrelateInnerQuery, simplified): when the
 * correlated predicates cannot be pulled up (a non-equality under an
 * aggregate, outer references in a select list, a join or a union), the
 * subquery is evaluated once per distinct value of its outer references. The
 * domain D = DISTINCT(outer columns) of the outer plan is joined in at the
 * lowest uncorrelated relations of the subquery; every correlated node then
 * reads D's columns instead of the outer ones and carries them up (Projects
 * and Aggregates output them, Aggregates group by them). The result is joined
 * back to the outer plan on null-safe equality of the outer columns and D's. */

typedef struct dctx {
    opt *o;
    const cn_lplan *outer; /* the outer plan the domain is taken from */
    int n;                 /* outer references */
    int64_t *ids;
    int *pos;              /* their positions in outer->out */
    idset set;
    bool fail;
} dctx;

static cn_expr **exprs_new(opt *o, int n) { return cn_arena_calloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1)); }
static cn_attr *attrs_new(opt *o, int n) { return cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(n + 1)); }

/* DISTINCT outer columns over a fresh copy of the outer plan; dom[k] = its columns. */
static cn_lplan *domain(dctx *d, cn_attr *dom)
{
    opt *o = d->o;
    cn_lplan *c = cn_lplan_fresh_copy(o->a, d->outer);
    cn_lplan *ag = cn_lplan_new(o->a, LP_AGGREGATE, 1);
    ag->children[0] = c;
    ag->ngroups = ag->nexprs = ag->nout = d->n;
    ag->groups = exprs_new(o, d->n);
    ag->exprs = exprs_new(o, d->n);
    ag->out = attrs_new(o, d->n);
    for (int k = 0; k < d->n; k++) {
        ag->out[k] = c->out[d->pos[k]];
        ag->out[k].qualifier = NULL;
        ag->groups[k] = lp_col(o, &ag->out[k]);
        ag->exprs[k] = lp_col(o, &ag->out[k]);
        dom[k] = ag->out[k];
    }
    return ag;
}

static bool plan_refs_outer(dctx *d, const cn_lplan *p)
{
    idset r = {0, 0, NULL};
    ids_plan_refs(d->o, &r, p);
    for (int i = 0; i < r.n; i++)
        if (ids_has(&d->set, r.v[i])) return true;
    return false;
}

/* Copy of e reading dom[k] for outer column k. */
static cn_expr *remap(dctx *d, const cn_expr *e, const cn_attr *dom)
{
    if (!e) return NULL;
    if (e->kind == CN_EX_COL) {
        for (int k = 0; k < d->n; k++)
            if (e->id == d->ids[k]) return lp_col(d->o, &dom[k]);
        return cn_expr_copy(d->o->a, e);
    }
    if (e->kind == CN_EX_SUBQUERY) {
        if (e->subq && plan_refs_outer(d, e->subq)) d->fail = true;
        return cn_expr_copy(d->o->a, e);
    }
    cn_expr *c = cn_arena_alloc(d->o->a, sizeof *c);
    *c = *e;
    if (e->nargs) c->args = exprs_new(d->o, e->nargs);
    for (int i = 0; i < e->nargs; i++) c->args[i] = remap(d, e->args[i], dom);
    return c;
}

/* a <=> b as hash-joinable equalities: coalesce(a, 0) = coalesce(b, 0) AND isnull(a) = isnull(b) */
int opt_null_safe_eq(opt *o, cn_expr *a, cn_expr *b, cn_expr **out)
{
    if (!a->nullable && !b->nullable) return call2(o, "=", a, b, out);
    if (a->type.kind == CN_NULL || b->type.kind == CN_NULL || !cn_type_eq(a->type, b->type))
        return call2(o, "<=>", a, b, out);
    cn_value z;
    memset(&z, 0, sizeof z);
    z.type = a->type;
    cn_expr *ca, *cb, *e1, *na, *nb, *e2;
    if (call2(o, "coalesce", a, cn_expr_lit(o->a, z), &ca) != 0 ||
        call2(o, "coalesce", b, cn_expr_lit(o->a, z), &cb) != 0 || call2(o, "=", ca, cb, &e1) != 0)
        return -1;
    cn_expr *a1[1] = {cn_expr_copy(o->a, a)}, *b1[1] = {cn_expr_copy(o->a, b)};
    if (cn_expr_call(o->a, "isnull", a1, 1, false, false, &na, o->err) != 0 ||
        cn_expr_call(o->a, "isnull", b1, 1, false, false, &nb, o->err) != 0 || call2(o, "=", na, nb, &e2) != 0)
        return -1;
    return call2(o, "and", e1, e2, out);
}

static cn_expr *dom_eq(dctx *d, const cn_attr *x, const cn_attr *y)
{
    cn_expr **eq = exprs_new(d->o, d->n);
    for (int k = 0; k < d->n; k++)
        if (opt_null_safe_eq(d->o, lp_col(d->o, &x[k]), lp_col(d->o, &y[k]), &eq[k]) != 0) {
            d->fail = true;
            return NULL;
        }
    return cn_expr_and_all(d->o->a, eq, d->n);
}

/* p evaluated for every domain value: its outputs plus dom (set here) as extra columns. */
static cn_lplan *dec(dctx *d, cn_lplan *p, cn_attr *dom)
{
    opt *o = d->o;
    if (d->fail) return NULL;
    if (!plan_refs_outer(d, p)) {
        cn_lplan *D = domain(d, dom);
        return join(o, p, D, JOIN_INNER, NULL);
    }
    switch (p->kind) {
    case LP_FILTER: {
        cn_lplan *c = dec(d, p->children[0], dom);
        if (!c) return NULL;
        return lp_filter(o, c, remap(d, p->cond, dom));
    }
    case LP_SORT:
    case LP_REPARTITION: return dec(d, p->children[0], dom);
    case LP_PROJECT:
    case LP_AGGREGATE: {
        cn_lplan *c = dec(d, p->children[0], dom);
        if (!c) return NULL;
        cn_lplan *q = cn_lplan_new(o->a, p->kind, 1);
        q->children[0] = c;
        int n = p->nexprs;
        q->nexprs = q->nout = n + d->n;
        q->exprs = exprs_new(o, n + d->n);
        q->out = attrs_new(o, n + d->n);
        for (int i = 0; i < n; i++) {
            q->exprs[i] = remap(d, p->exprs[i], dom);
            q->out[i] = p->out[i];
        }
        for (int k = 0; k < d->n; k++) {
            q->exprs[n + k] = lp_col(o, &dom[k]);
            q->out[n + k] = dom[k];
        }
        if (p->kind == LP_AGGREGATE) {
            q->ngroups = p->ngroups + d->n;
            q->groups = exprs_new(o, q->ngroups);
            for (int i = 0; i < p->ngroups; i++) q->groups[i] = remap(d, p->groups[i], dom);
            for (int k = 0; k < d->n; k++) q->groups[p->ngroups + k] = lp_col(o, &dom[k]);
        }
        return d->fail ? NULL : q;
    }
    case LP_JOIN: {
        cn_join_type jt = p->join_type;
        bool lc = plan_refs_outer(d, p->children[0]), rc = plan_refs_outer(d, p->children[1]);
        bool dl, dr;
        if (jt == JOIN_INNER || jt == JOIN_CROSS) {
            dl = lc || !rc;
            dr = rc;
        } else if (jt == JOIN_LEFT || jt == JOIN_LEFT_SEMI || jt == JOIN_LEFT_ANTI) {
            dl = true;
            dr = rc;
        } else if (jt == JOIN_RIGHT) {
            dl = lc;
            dr = true;
        } else {
            return NULL;
        }
        cn_attr *dl_ = attrs_new(o, d->n), *dr_ = attrs_new(o, d->n);
        cn_lplan *l = p->children[0], *r = p->children[1];
        if (dl && !(l = dec(d, l, dl_))) return NULL;
        if (dr && !(r = dec(d, r, dr_))) return NULL;
        const cn_attr *use = jt == JOIN_RIGHT || !dl ? dr_ : dl_;
        cn_expr *cond = remap(d, p->cond, use);
        if (dl && dr) {
            cn_expr *eq = dom_eq(d, dl_, dr_);
            if (!eq) return NULL;
            if (cond) {
                cn_expr *c2;
                if (call2(o, "and", cond, eq, &c2) != 0) return NULL;
                cond = c2;
            } else {
                cond = eq;
            }
        }
        memcpy(dom, use, sizeof(cn_attr) * (size_t)d->n);
        return d->fail ? NULL : join(o, l, r, jt, cond);
    }
    case LP_UNION: {
        cn_lplan *u = cn_lplan_new(o->a, LP_UNION, p->nchildren);
        int n = p->nout;
        for (int i = 0; i < p->nchildren; i++) {
            cn_attr *cd = attrs_new(o, d->n);
            cn_lplan *c = dec(d, p->children[i], cd);
            if (!c) return NULL;
            cn_attr *want = attrs_new(o, n + d->n);
            memcpy(want, p->children[i]->out, sizeof(cn_attr) * (size_t)n);
            memcpy(want + n, cd, sizeof(cn_attr) * (size_t)d->n);
            u->children[i] = lp_project_attrs(o, c, want, n + d->n);
        }
        u->nout = n + d->n;
        u->out = attrs_new(o, n + d->n);
        memcpy(u->out, p->out, sizeof(cn_attr) * (size_t)n);
        for (int k = 0; k < d->n; k++) {
            u->out[n + k] = u->children[0]->out[n + k];
            u->out[n + k].id = cn_next_attr_id();
            dom[k] = u->out[n + k];
        }
        return u;
    }
    default: return NULL;
    }
}

/* Decorrelate subquery plan sp against the outer plan `outer` with domain joins:
 * returns the plan (outputs: sp's, then the domain columns) and the join
 * condition against outer, or NULL when unsupported. */
static cn_lplan *domain_decorrelate(opt *o, const cn_lplan *outer, cn_lplan *sp, const idset *outer_ids,
                                    cn_expr **cond)
{
    dctx d;
    memset(&d, 0, sizeof d);
    d.o = o;
    d.outer = outer;
    d.n = outer_ids->n;
    d.ids = outer_ids->v;
    d.set = *outer_ids;
    d.pos = cn_arena_alloc(o->a, sizeof(int) * (size_t)(d.n + 1));
    for (int k = 0; k < d.n; k++) {
        d.pos[k] = -1;
        for (int i = 0; i < outer->nout; i++)
            if (outer->out[i].id == d.ids[k]) d.pos[k] = i;
        if (d.pos[k] < 0) return NULL; /* a reference to a query further out */
    }
    cn_attr *dom = attrs_new(o, d.n);
    cn_lplan *p = dec(&d, sp, dom);
    if (!p || d.fail) return NULL;
    cn_attr *oa = attrs_new(o, d.n);
    for (int k = 0; k < d.n; k++) oa[k] = outer->out[d.pos[k]];
    cn_expr *c = dom_eq(&d, oa, dom);
    if (!c) return NULL;
    *cond = c;
    return p;
}

/* Rewrite one predicate subquery conjunct against child. Returns the new child or NULL if not rewritable. */
static cn_lplan *rewrite_predicate(opt *o, cn_lplan *child, cn_expr *conj, bool *handled)
{
    *handled = false;
    bool neg = false;
    cn_expr *s = conj;
    if (s->kind == CN_EX_NOT) {
        neg = true;
        s = s->args[0];
    }
    if (s->kind != CN_EX_SUBQUERY || (s->subq_kind != 1 && s->subq_kind != 2)) return child;
    cn_lplan *sp = s->subq;
    idset outer = {0, 0, NULL};
    ids_outer(o, &outer, sp);
    preds ps = {0, 0, NULL};
    bool ok = true;
    if (outer.n > 0) {
        sp = pull(o, sp, &outer, &ps, &ok);
        if (!ok || still_correlated(o, sp, &outer)) return child;
    }
    cn_expr **conds = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(ps.n + s->nargs + 2));
    int nc = 0;
    bool null_aware = false;
    if (s->subq_kind == 2) {
        for (int i = 0; i < s->nargs; i++) {
            cn_expr *eq;
            if (call2(o, "=", s->args[i], lp_col(o, &sp->out[i]), &eq) != 0) return NULL;
            if (neg && !(s->nargs == 1 && ps.n == 0)) {
                cn_expr *isn, *orx;
                cn_expr *a1[1] = {cn_expr_copy(o->a, eq)};
                if (cn_expr_call(o->a, "isnull", a1, 1, false, false, &isn, o->err) != 0) return NULL;
                if (call2(o, "or", eq, isn, &orx) != 0) return NULL;
                eq = orx;
            }
            conds[nc++] = eq;
        }
        if (neg && s->nargs == 1 && ps.n == 0) null_aware = true;
    }
    for (int i = 0; i < ps.n; i++) conds[nc++] = ps.v[i];
    cn_lplan *j = join(o, child, sp, neg ? JOIN_LEFT_ANTI : JOIN_LEFT_SEMI, cn_expr_and_all(o->a, conds, nc));
    j->null_aware = null_aware;
    *handled = true;
    return j;
}

/* Value of an aggregate output expression over no input rows (count -> 0, others NULL). */
static cn_expr *empty_value(opt *o, const cn_expr *e)
{
    if (e->kind == CN_EX_AGG) {
        if (e->func == CN_AGG_COUNT) {
            cn_value v;
            memset(&v, 0, sizeof v);
            v.type = e->type;
            v.v.i = 0;
            return cn_expr_lit(o->a, v);
        }
        return cn_expr_lit(o->a, cn_value_null(e->type));
    }
    if (e->kind == CN_EX_COL) return NULL;
    cn_expr *c = cn_arena_alloc(o->a, sizeof *c);
    *c = *e;
    if (e->nargs) c->args = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)e->nargs);
    for (int i = 0; i < e->nargs; i++)
        if (!(c->args[i] = empty_value(o, e->args[i]))) return NULL;
    return c;
}

typedef struct scalar_ctx {
    cn_lplan *child;
} scalar_ctx;

/* Replace correlated scalar subqueries in e, joining their plans onto sc->child. */
static int rewrite_scalars(opt *o, scalar_ctx *sc, cn_expr **ep)
{
    cn_expr *e = *ep;
    if (!e) return 0;
    if (e->kind == CN_EX_SUBQUERY && e->subq_kind == 0) {
        cn_lplan *sp = e->subq;
        idset outer = {0, 0, NULL};
        ids_outer(o, &outer, sp);
        if (outer.n == 0) return 0;
        preds ps = {0, 0, NULL};
        bool ok = true;
        cn_lplan *orig = sp;
        sp = pull(o, cn_lplan_copy(o->a, orig), &outer, &ps, &ok);
        cn_expr *dcond = NULL;
        bool domain_join = false;
        if (!ok || still_correlated(o, sp, &outer) || ps.n == 0) {
            sp = domain_decorrelate(o, sc->child, cn_lplan_copy(o->a, orig), &outer, &dcond);
            if (!sp) return 0;
            domain_join = true;
        }
        /* value expression over no rows, for the COUNT bug */
        cn_lplan *agg = sp;
        while (!domain_join && (agg->kind == LP_PROJECT || agg->kind == LP_FILTER)) agg = agg->children[0];
        if (domain_join && orig->kind == LP_AGGREGATE && orig->ngroups > 0) agg = orig; /* grouped: no default */
        cn_expr *dflt = NULL;
        if (agg->kind == LP_AGGREGATE && sp == agg && agg->nexprs > 0) {
            cn_expr *ev = empty_value(o, agg->exprs[0]);
            if (ev && cn_expr_is_foldable(ev)) {
                cn_eval_ctx ec;
                memset(&ec, 0, sizeof ec);
                ec.arena = o->a;
                ec.timezone = "UTC";
                ec.ansi = true;
                cn_value v;
                cn_error err;
                cn_error_init(&err);
                if (cn_expr_eval_const(ev, &ec, &v, &err) == 0 && !v.is_null) {
                    v.type = agg->exprs[0]->type;
                    dflt = cn_expr_lit(o->a, v);
                }
                cn_error_clear(&err);
            }
        }
        cn_attr marker;
        memset(&marker, 0, sizeof marker);
        if (dflt) {
            /* add `true AS alwaysTrue` to the aggregate */
            int n = agg->nexprs;
            cn_attr *no = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(n + 2));
            cn_expr **ne = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 2));
            memcpy(no, agg->out, sizeof(cn_attr) * (size_t)n);
            memcpy(ne, agg->exprs, sizeof(cn_expr *) * (size_t)n);
            marker.id = cn_next_attr_id();
            marker.name = "alwaysTrue";
            marker.type = cn_type_of(CN_BOOLEAN);
            marker.nullable = false;
            no[n] = marker;
            ne[n] = cn_expr_bool(o->a, true);
            agg->out = no;
            agg->exprs = ne;
            agg->nexprs = agg->nout = n + 1;
        }
        cn_attr val = sp->out[0];
        sc->child = join(o, sc->child, sp, JOIN_LEFT, domain_join ? dcond : cn_expr_and_all(o->a, ps.v, ps.n));
        cn_expr *v = lp_col(o, &val);
        v->nullable = true;
        if (dflt) {
            cn_expr *isn, *c;
            cn_expr *a1[1] = {lp_col(o, &marker)};
            if (cn_expr_call(o->a, "isnull", a1, 1, false, false, &isn, o->err) != 0) return -1;
            cn_expr *w[1] = {isn}, *t[1] = {dflt};
            if (cn_expr_case(o->a, w, t, 1, v, &c, o->err) != 0) return -1;
            v = c;
        }
        *ep = v;
        return 0;
    }
    for (int i = 0; i < e->nargs; i++)
        if (rewrite_scalars(o, sc, &e->args[i]) != 0) return -1;
    return 0;
}

static int process_subplans(opt *o, cn_expr *e, bool *changed)
{
    if (!e) return 0;
    if (e->kind == CN_EX_SUBQUERY && e->subq) {
        cn_lplan *sp = e->subq;
        if (opt_subqueries(o, &sp, changed) != 0) return -1;
        e->subq = sp;
    }
    for (int i = 0; i < e->nargs; i++)
        if (process_subplans(o, e->args[i], changed) != 0) return -1;
    return 0;
}

static bool has_correlated_scalar(opt *o, const cn_expr *e)
{
    if (!e) return false;
    if (e->kind == CN_EX_SUBQUERY && e->subq_kind == 0) {
        idset outer = {0, 0, NULL};
        ids_outer(o, &outer, e->subq);
        return outer.n > 0;
    }
    for (int i = 0; i < e->nargs; i++)
        if (has_correlated_scalar(o, e->args[i])) return true;
    return false;
}

/* EXISTS / IN subqueries that are not a Filter's conjunct (select lists, under OR) as
 * scalar subqueries over an aggregate of the subquery; the left values of IN become
 * outer references, so the scalar rewrite (domain joins) handles them:
 *   EXISTS (q)  -> (SELECT count(1) > 0 FROM q)
 *   x IN (q)    -> (SELECT CASE WHEN sum(CASE WHEN x = c THEN 1 ELSE 0 END) > 0 THEN true
 *                   WHEN sum(CASE WHEN (x = c) IS NULL THEN 1 ELSE 0 END) > 0 THEN NULL
 *                   ELSE false END FROM q)                    (three-valued, as Spark's IN) */
static int case1(opt *o, cn_expr *when, cn_expr *then, cn_expr *else_, cn_expr **out)
{
    cn_expr *w[1] = {when}, *t[1] = {then};
    return cn_expr_case(o->a, w, t, 1, else_, out, o->err);
}

static cn_expr *int_lit(opt *o, int64_t v)
{
    cn_value x;
    memset(&x, 0, sizeof x);
    x.type = cn_type_of(CN_INT);
    x.v.i = v;
    return cn_expr_lit(o->a, x);
}

static int count_if_positive(opt *o, cn_expr *cond, cn_expr **out)
{
    cn_expr *c, *sum, *gt;
    if (case1(o, cond, int_lit(o, 1), int_lit(o, 0), &c) != 0) return -1;
    if (cn_expr_call(o->a, "sum", &c, 1, false, true, &sum, o->err) != 0) return -1;
    if (call2(o, ">", sum, cn_expr_lit(o->a, (cn_value){.type = sum->type}), &gt) != 0) return -1;
    *out = gt;
    return 0;
}

static int predicate_to_scalar(opt *o, cn_expr *s, cn_expr **out)
{
    cn_lplan *sp = s->subq;
    cn_expr *v;
    if (s->subq_kind == 1) {
        cn_expr *cnt = cn_expr_count_star(o->a);
        if (call2(o, ">", cnt, cn_expr_lit(o->a, (cn_value){.type = cnt->type}), &v) != 0) return -1;
    } else {
        cn_expr **eqs = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(s->nargs + 1));
        for (int i = 0; i < s->nargs; i++)
            if (call2(o, "=", cn_expr_copy(o->a, s->args[i]), lp_col(o, &sp->out[i]), &eqs[i]) != 0) return -1;
        cn_expr *eq = cn_expr_and_all(o->a, eqs, s->nargs), *isn, *any, *unknown, *inner;
        cn_expr *a1[1] = {cn_expr_copy(o->a, eq)};
        if (cn_expr_call(o->a, "isnull", a1, 1, false, false, &isn, o->err) != 0) return -1;
        if (count_if_positive(o, eq, &any) != 0 || count_if_positive(o, isn, &unknown) != 0) return -1;
        if (case1(o, unknown, cn_expr_lit(o->a, cn_value_null(cn_type_of(CN_BOOLEAN))), cn_expr_bool(o->a, false),
                  &inner) != 0)
            return -1;
        if (case1(o, any, cn_expr_bool(o->a, true), inner, &v) != 0) return -1;
    }
    cn_lplan *ag = cn_lplan_new(o->a, LP_AGGREGATE, 1);
    ag->children[0] = sp;
    ag->nexprs = ag->nout = 1;
    ag->exprs = cn_arena_calloc(o->a, sizeof(cn_expr *) * 2);
    ag->exprs[0] = v;
    ag->out = cn_arena_calloc(o->a, sizeof(cn_attr) * 2);
    ag->out[0].id = cn_next_attr_id();
    ag->out[0].name = s->subq_kind == 1 ? "exists" : "in";
    ag->out[0].type = cn_type_of(CN_BOOLEAN);
    ag->out[0].nullable = true;
    cn_expr *e = cn_expr_new(o->a, CN_EX_SUBQUERY, cn_type_of(CN_BOOLEAN), 0);
    e->subq = ag;
    e->subq_kind = 0;
    e->subq_id = s->subq_id;
    e->nullable = true;
    e->start = s->start;
    e->stop = s->stop;
    *out = e;
    return 0;
}

/* ------------------------------------------------------------ existence joins
 * Spark's RewritePredicateSubquery for EXISTS / IN that are not a Filter's top-level
 * conjunct (under OR, in CASE, in a select list): each becomes `Join ExistenceJoin(exists#N)`
 * of the plan so far with the subquery — every row of the plan once, plus a boolean flag
 * telling whether a subquery row matched — and the expression reads the flag:
 *   EXISTS (q)      -> exists       joined on the pulled-up correlated predicates
 *   x IN (q)        -> exists       on x = q.c AND the predicates
 *   NOT (x IN (q))  -> NOT exists   on (x = q.c OR isnull(x = q.c)) AND the predicates
 *                                   (on x = q.c when neither side can be NULL)
 * The flag is two-valued. That is exact wherever NULL and false mean the same — under
 * nothing but AND / OR of a Filter's condition — or when neither x nor q.c can be NULL.
 * Elsewhere (a select list, under NOT, IS NULL, CASE) IN keeps its three values, where
 * Spark's ExistenceJoin would say false for unknown:
 *   one uncorrelated column: the join is null-aware (an unmatched row's flag is NULL when a
 *     NULL key on either side makes IN unknown, the subquery being non-empty) and is
 *     broadcast, as NOT IN's null-aware anti join;
 *   otherwise CASE WHEN e1 THEN true WHEN e2 THEN NULL ELSE false END, e1 the existence join
 *     on the equalities, e2 on "no column differs": (x = q.c OR isnull(x = q.c)) AND ...
 * A subquery whose correlated predicates cannot be pulled up is left to the scalar rewrite
 * (predicates_to_scalars, domain joins). */

static cn_lplan *existence_join(opt *o, cn_lplan *child, cn_lplan *sp, cn_expr *cond, bool null_aware,
                                cn_attr *flag)
{
    cn_lplan *j = cn_lplan_new(o->a, LP_JOIN, 2);
    j->children[0] = child;
    j->children[1] = sp;
    j->join_type = JOIN_EXISTENCE;
    j->cond = cond;
    j->null_aware = null_aware;
    j->exists.id = cn_next_attr_id();
    j->exists.name = "exists";
    j->exists.type = cn_type_of(CN_BOOLEAN);
    j->exists.nullable = null_aware;
    lp_refresh_out(o, j);
    *flag = j->exists;
    return j;
}

/* The subquery of s with its correlated predicates pulled up into *ps (a copy: s keeps its
 * plan); NULL when they cannot all be pulled up or reach past the plan `child`. */
static cn_lplan *pull_copy(opt *o, const cn_expr *s, const cn_lplan *child, preds *ps)
{
    idset outer = {0, 0, NULL};
    ids_outer(o, &outer, s->subq);
    cn_lplan *sp = cn_lplan_copy(o->a, s->subq);
    if (outer.n == 0) return sp;
    for (int k = 0; k < outer.n; k++) {
        bool have = false;
        for (int i = 0; i < child->nout && !have; i++) have = child->out[i].id == outer.v[k];
        if (!have) return NULL; /* a reference to a query further out */
    }
    bool ok = true;
    sp = pull(o, sp, &outer, ps, &ok);
    return ok && !still_correlated(o, sp, &outer) ? sp : NULL;
}

/* The join condition of IN subquery s: x_i = q.c_i (or, `maybe`, (x_i = q.c_i) OR
 * isnull(x_i = q.c_i)) for each column, then the pulled-up predicates. */
static int in_condition(opt *o, const cn_expr *s, const cn_lplan *sp, const preds *ps, bool maybe, cn_expr **out)
{
    cn_expr **conds = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(s->nargs + ps->n + 1));
    int nc = 0;
    for (int i = 0; i < s->nargs; i++) {
        cn_expr *eq;
        if (call2(o, "=", cn_expr_copy(o->a, s->args[i]), lp_col(o, &sp->out[i]), &eq) != 0) return -1;
        if (maybe) {
            cn_expr *isn, *orx, *a1[1] = {cn_expr_copy(o->a, eq)};
            if (cn_expr_call(o->a, "isnull", a1, 1, false, false, &isn, o->err) != 0) return -1;
            if (call2(o, "or", eq, isn, &orx) != 0) return -1;
            eq = orx;
        }
        conds[nc++] = eq;
    }
    for (int i = 0; i < ps->n; i++) conds[nc++] = ps->v[i];
    *out = cn_expr_and_all(o->a, conds, nc);
    return 0;
}

static int negate(opt *o, cn_expr *e, cn_expr **out)
{
    cn_expr *a1[1] = {e};
    return cn_expr_call(o->a, "not", a1, 1, false, false, out, o->err);
}

/* One EXISTS / IN subquery s (negated: NOT IN) onto *child; *out = the expression replacing
 * it, NULL when s is left to the scalar rewrite. */
static int existential(opt *o, cn_lplan **child, cn_expr *s, bool neg, bool quiet, cn_expr **out)
{
    *out = NULL;
    preds ps = {0, 0, NULL};
    cn_lplan *sp = pull_copy(o, s, *child, &ps);
    if (!sp) return 0;
    cn_attr flag;
    cn_expr *cond;
    if (s->subq_kind == 1) {
        *child = existence_join(o, *child, sp, cn_expr_and_all(o->a, ps.v, ps.n), false, &flag);
        *out = lp_col(o, &flag);
        return 0;
    }
    bool nullable = false;
    for (int i = 0; i < s->nargs; i++)
        if (s->args[i]->nullable || sp->out[i].nullable) nullable = true;
    cn_expr *v;
    if (quiet || !nullable) {
        /* NOT IN: a row is kept when no subquery row equals it or might (NULL) */
        if (in_condition(o, s, sp, &ps, neg && nullable, &cond) != 0) return -1;
        *child = existence_join(o, *child, sp, cond, false, &flag);
        v = lp_col(o, &flag);
        if (neg && negate(o, v, &v) != 0) return -1;
        *out = v;
        return 0;
    }
    if (s->nargs == 1 && ps.n == 0 && !cn_expr_is_foldable(s->args[0])) {
        if (in_condition(o, s, sp, &ps, false, &cond) != 0) return -1;
        *child = existence_join(o, *child, sp, cond, true, &flag);
        v = lp_col(o, &flag);
    } else {
        /* the second join reads its own copy of the subquery, with ids of its own (as Spark's
         * dedupSubqueryOnSelfJoin): the pulled-up predicates follow its outputs */
        cn_attr unknown;
        cn_lplan *sp2 = cn_lplan_fresh_copy(o->a, sp);
        preds ps2 = {0, 0, NULL};
        for (int i = 0; i < ps.n; i++) preds_add(o, &ps2, cn_expr_copy_renamed(o->a, ps.v[i], sp->out, sp2->out, sp->nout));
        if (in_condition(o, s, sp, &ps, false, &cond) != 0) return -1;
        *child = existence_join(o, *child, sp, cond, false, &flag);
        if (in_condition(o, s, sp2, &ps2, true, &cond) != 0) return -1;
        *child = existence_join(o, *child, sp2, cond, false, &unknown);
        cn_expr *whens[2] = {lp_col(o, &flag), lp_col(o, &unknown)};
        cn_expr *thens[2] = {cn_expr_bool(o->a, true), cn_expr_lit(o->a, cn_value_null(cn_type_of(CN_BOOLEAN)))};
        if (cn_expr_case(o->a, whens, thens, 2, cn_expr_bool(o->a, false), &v, o->err) != 0) return -1;
    }
    if (neg && negate(o, v, &v) != 0) return -1;
    *out = v;
    return 0;
}

/* Rewrite the EXISTS / IN subqueries in e onto *child as existence joins; *out = e with
 * them replaced (e itself when none was). quiet: e's NULL and false mean the same. */
static int rewrite_existential(opt *o, cn_lplan **child, cn_expr *e, bool quiet, cn_expr **out)
{
    *out = e;
    if (!e || !cn_expr_has_subquery(e)) return 0;
    cn_expr *s = e;
    bool neg = false;
    if (e->kind == CN_EX_NOT && e->args[0]->kind == CN_EX_SUBQUERY && e->args[0]->subq_kind == 2) {
        s = e->args[0];
        neg = true;
    }
    if (s->kind == CN_EX_SUBQUERY && (s->subq_kind == 1 || s->subq_kind == 2) && s->subq) {
        cn_expr *r;
        if (existential(o, child, s, neg, quiet, &r) != 0) return -1;
        if (r) *out = r;
        return 0;
    }
    if (e->kind == CN_EX_SUBQUERY) return 0;
    bool q = quiet && (e->kind == CN_EX_AND || e->kind == CN_EX_OR);
    cn_expr *c = NULL;
    for (int i = 0; i < e->nargs; i++) {
        cn_expr *a;
        if (rewrite_existential(o, child, e->args[i], q, &a) != 0) return -1;
        if (a == e->args[i]) continue;
        if (!c) {
            c = cn_arena_alloc(o->a, sizeof *c);
            *c = *e;
            c->args = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(e->nargs + 1));
            memcpy(c->args, e->args, sizeof(cn_expr *) * (size_t)e->nargs);
        }
        c->args[i] = a;
    }
    if (c) *out = c;
    return 0;
}

/* Copy of e with its EXISTS / IN subqueries turned into scalar ones; *any set when one was. */
static int predicates_to_scalars(opt *o, cn_expr *e, cn_expr **out, bool *any)
{
    if (e->kind == CN_EX_SUBQUERY) {
        if (e->subq_kind == 0 || !e->subq) {
            *out = e;
            return 0;
        }
        *any = true;
        return predicate_to_scalar(o, e, out);
    }
    if (!cn_expr_has_subquery(e)) {
        *out = e;
        return 0;
    }
    cn_expr *c = cn_arena_alloc(o->a, sizeof *c);
    *c = *e;
    c->args = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(e->nargs + 1));
    for (int i = 0; i < e->nargs; i++)
        if (predicates_to_scalars(o, e->args[i], &c->args[i], any) != 0) return -1;
    *out = c;
    return 0;
}

static bool has_predicate_subquery(const cn_expr *e)
{
    if (!e) return false;
    if (e->kind == CN_EX_SUBQUERY && (e->subq_kind == 1 || e->subq_kind == 2)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_predicate_subquery(e->args[i])) return true;
    return false;
}

/* Output of aggregate ag computing e (an aggregate call or a grouping expression), appended
 * as a hidden output when there is none. */
static cn_expr *agg_output(opt *o, cn_lplan *ag, const cn_expr *e)
{
    for (int i = 0; i < ag->nexprs; i++)
        if (cn_expr_equal(ag->exprs[i], e)) return lp_col(o, &ag->out[i]);
    cn_attr a;
    memset(&a, 0, sizeof a);
    a.id = e->kind == CN_EX_COL ? e->id : cn_next_attr_id();
    a.name = e->kind == CN_EX_COL ? e->name : "agg";
    a.type = e->type;
    a.nullable = true;
    cn_expr **ne = exprs_new(o, ag->nexprs + 1);
    cn_attr *no = attrs_new(o, ag->nexprs + 1);
    if (ag->nexprs) {
        memcpy(ne, ag->exprs, sizeof(cn_expr *) * (size_t)ag->nexprs);
        memcpy(no, ag->out, sizeof(cn_attr) * (size_t)ag->nexprs);
    }
    ne[ag->nexprs] = cn_expr_copy(o->a, e);
    no[ag->nexprs] = a;
    ag->exprs = ne;
    ag->out = no;
    ag->nexprs = ++ag->nout;
    return lp_col(o, &a);
}

/* Copy of aggregate output expression e over ag's outputs: aggregate calls and grouping
 * expressions read (hidden) outputs of ag. *ok = false when e reads anything else. */
static cn_expr *over_agg_outputs(opt *o, cn_lplan *ag, const cn_expr *e, bool *ok)
{
    if (e->kind == CN_EX_AGG) return agg_output(o, ag, e);
    for (int g = 0; g < ag->ngroups; g++)
        if (cn_expr_equal(e, ag->groups[g])) return agg_output(o, ag, ag->groups[g]);
    if (e->kind == CN_EX_COL || (e->kind == CN_EX_SUBQUERY && e->subq_kind == 0)) {
        idset r = {0, 0, NULL};
        ids_refs(o, &r, e);
        if (e->kind == CN_EX_SUBQUERY) {
            r.n = 0;
            ids_outer(o, &r, e->subq);
        }
        if (r.n > 0) *ok = false; /* an input column outside the grouping expressions */
        return cn_expr_copy(o->a, e);
    }
    if (e->kind == CN_EX_SUBQUERY) {
        /* correlated: on grouping columns only, which the aggregate then outputs */
        idset r = {0, 0, NULL};
        ids_outer(o, &r, e->subq);
        for (int k = 0; k < r.n; k++) {
            int g = 0;
            while (g < ag->ngroups && !(ag->groups[g]->kind == CN_EX_COL && ag->groups[g]->id == r.v[k])) g++;
            if (g == ag->ngroups) *ok = false;
            else agg_output(o, ag, ag->groups[g]);
        }
    }
    cn_expr *c = cn_arena_alloc(o->a, sizeof *c);
    *c = *e;
    if (e->nargs) c->args = exprs_new(o, e->nargs);
    for (int i = 0; i < e->nargs; i++) c->args[i] = over_agg_outputs(o, ag, e->args[i], ok);
    return c;
}

/* An Aggregate whose outputs hold EXISTS / IN subqueries (SELECT max(a) IN (SELECT ...) ...
 * GROUP BY): the Aggregate computes the rest, hidden outputs for the aggregate calls and
 * grouping expressions those outputs read, and a Project above it computes them, so the
 * subqueries become existence joins over the aggregated rows. NULL when not applicable. */
static cn_lplan *split_aggregate(opt *o, cn_lplan *p)
{
    int n = p->nexprs;
    cn_lplan *ag = cn_lplan_new(o->a, LP_AGGREGATE, 1);
    ag->children[0] = p->children[0];
    ag->ngroups = p->ngroups;
    ag->groups = p->groups;
    ag->exprs = exprs_new(o, n);
    ag->out = attrs_new(o, n);
    for (int i = 0; i < n; i++)
        if (!has_predicate_subquery(p->exprs[i])) {
            ag->exprs[ag->nexprs] = p->exprs[i];
            ag->out[ag->nexprs++] = p->out[i];
        }
    ag->nout = ag->nexprs;
    cn_lplan *pr = cn_lplan_new(o->a, LP_PROJECT, 1);
    pr->children[0] = ag;
    pr->nexprs = pr->nout = n;
    pr->exprs = exprs_new(o, n);
    pr->out = attrs_new(o, n);
    bool ok = true;
    for (int i = 0; i < n; i++) {
        pr->out[i] = p->out[i];
        pr->exprs[i] = has_predicate_subquery(p->exprs[i]) ? over_agg_outputs(o, ag, p->exprs[i], &ok)
                                                           : lp_col(o, &p->out[i]);
    }
    return ok && ag->nout > 0 ? pr : NULL;
}

/* ------------------------------------------------------------ below an Aggregate
 * Subqueries in the arguments of an Aggregate's aggregate calls (FILTER (WHERE ...) included:
 * the analyzer folds it into the argument) and in its grouping expressions are evaluated per
 * input row, as Spark's RewriteCorrelatedScalarSubquery and RewritePredicateSubquery rewrite
 * an Aggregate against its child: their joins (existence joins, LEFT OUTER joins with the
 * aggregated subquery, domain joins) go below the Aggregate, which then aggregates or groups
 * the joined columns. An output equal to a rewritten grouping expression reads the rewritten
 * one. Subqueries elsewhere in the outputs are over the aggregated rows (split_aggregate). */

static bool needs_rewrite(opt *o, const cn_expr *e)
{
    return has_predicate_subquery(e) || has_correlated_scalar(o, e);
}

/* e (which holds subqueries) over *child, the joins its subqueries need added to *child. */
static int rewrite_per_row(opt *o, cn_lplan **child, const cn_expr *e, cn_expr **out)
{
    /* a copy: cn_expr_copy shares subquery plans, and the rewrites below copy those */
    cn_expr *c = cn_expr_copy(o->a, e);
    bool conv = false;
    if (rewrite_existential(o, child, c, false, &c) != 0) return -1;
    if (predicates_to_scalars(o, c, &c, &conv) != 0) return -1;
    if (has_correlated_scalar(o, c)) {
        scalar_ctx sc = {*child};
        if (rewrite_scalars(o, &sc, &c) != 0) return -1;
        *child = sc.child;
    }
    *out = c;
    return 0;
}

/* a and b the same expression, a subquery being the same as another of the same subq_id
 * (the optimizer's copy of the analyzed plan gives `GROUP BY 1`'s shared subquery two plans) */
static bool same_per_row(const cn_expr *a, const cn_expr *b)
{
    if (a == b) return true;
    if (!a || !b || a->nargs != b->nargs) return false;
    if (a->kind == CN_EX_SUBQUERY || b->kind == CN_EX_SUBQUERY) {
        if (a->kind != b->kind || a->subq_kind != b->subq_kind || a->subq_id != b->subq_id) return false;
    } else {
        cn_expr x = *a, y = *b; /* the nodes themselves; their arguments below */
        x.nargs = y.nargs = 0;
        if (!cn_expr_equal(&x, &y)) return false;
    }
    for (int i = 0; i < a->nargs; i++)
        if (!same_per_row(a->args[i], b->args[i])) return false;
    return true;
}

/* Output e of aggregate p with the subqueries of its aggregate calls rewritten onto *child
 * and the grouping expressions ng[g] rewritten from p->groups[g] substituted. */
static int agg_output_per_row(opt *o, cn_lplan **child, const cn_lplan *p, cn_expr **ng, cn_expr *e, cn_expr **out)
{
    *out = e;
    if (!e || !cn_expr_has_subquery(e)) return 0;
    for (int g = 0; ng && g < p->ngroups; g++)
        if (ng[g] != p->groups[g] && same_per_row(e, p->groups[g])) {
            *out = cn_expr_copy(o->a, ng[g]);
            return 0;
        }
    if (e->kind == CN_EX_AGG) return needs_rewrite(o, e) ? rewrite_per_row(o, child, e, out) : 0;
    cn_expr *c = NULL;
    for (int i = 0; i < e->nargs; i++) {
        cn_expr *a;
        if (agg_output_per_row(o, child, p, ng, e->args[i], &a) != 0) return -1;
        if (a == e->args[i]) continue;
        if (!c) {
            c = cn_arena_alloc(o->a, sizeof *c);
            *c = *e;
            c->args = exprs_new(o, e->nargs);
            memcpy(c->args, e->args, sizeof(cn_expr *) * (size_t)e->nargs);
        }
        c->args[i] = a;
    }
    if (c) *out = c;
    return 0;
}

static int rewrite_below_aggregate(opt *o, cn_lplan *p, bool *changed)
{
    cn_lplan *child = p->children[0];
    cn_expr **ng = NULL;
    for (int g = 0; g < p->ngroups; g++) {
        if (!needs_rewrite(o, p->groups[g])) continue;
        if (!ng) {
            ng = exprs_new(o, p->ngroups);
            memcpy(ng, p->groups, sizeof(cn_expr *) * (size_t)p->ngroups);
        }
        if (rewrite_per_row(o, &child, p->groups[g], &ng[g]) != 0) return -1;
    }
    cn_expr **ne = NULL;
    for (int i = 0; i < p->nexprs; i++) {
        cn_expr *e;
        if (agg_output_per_row(o, &child, p, ng, p->exprs[i], &e) != 0) return -1;
        if (e == p->exprs[i]) continue;
        if (!ne) {
            ne = exprs_new(o, p->nexprs);
            memcpy(ne, p->exprs, sizeof(cn_expr *) * (size_t)p->nexprs);
        }
        ne[i] = e;
    }
    if (child == p->children[0]) return 0;
    p->children[0] = child;
    if (ng) p->groups = ng;
    if (ne) p->exprs = ne;
    *changed = true;
    return 0;
}

int opt_subqueries(opt *o, cn_lplan **pp, bool *changed)
{
    cn_lplan *p = *pp;
    for (int i = 0; i < p->nchildren; i++)
        if (opt_subqueries(o, &p->children[i], changed) != 0) return -1;
    lp_refresh_out(o, p);
    if (process_subplans(o, p->cond, changed) != 0) return -1;
    for (int i = 0; i < p->nexprs; i++)
        if (process_subplans(o, p->exprs[i], changed) != 0) return -1;
    for (int i = 0; i < p->ngroups; i++)
        if (process_subplans(o, p->groups[i], changed) != 0) return -1;

    if (p->kind == LP_FILTER && cn_expr_has_subquery(p->cond)) {
        cn_lplan *child = p->children[0];
        int nout = child->nout;
        cn_attr *out = child->out;
        cn_expr **conj;
        int n;
        split_conj(o, p->cond, &conj, &n);
        cn_expr **keep = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        int nk = 0;
        bool converted = false;
        for (int i = 0; i < n; i++) {
            bool handled = false;
            cn_lplan *nc = rewrite_predicate(o, child, conj[i], &handled);
            if (!nc) return -1;
            if (handled) {
                child = nc;
                continue;
            }
            bool conv = false;
            if (rewrite_existential(o, &child, conj[i], true, &conj[i]) != 0) return -1;
            if (predicates_to_scalars(o, conj[i], &conj[i], &conv) != 0) return -1;
            if (conv) converted = true;
            if (has_correlated_scalar(o, conj[i])) {
                scalar_ctx sc = {child};
                cn_expr *c = cn_expr_copy(o->a, conj[i]);
                /* cn_expr_copy shares subquery plans; rewrite on the copy's nodes */
                if (rewrite_scalars(o, &sc, &c) != 0) return -1;
                child = sc.child;
                keep[nk++] = c;
                continue;
            }
            keep[nk++] = conj[i];
        }
        if (child == p->children[0] && converted && nk > 0) {
            p->cond = cn_expr_and_all(o->a, keep, nk);
            *changed = true;
        } else if (child != p->children[0]) {
            cn_lplan *top = nk ? lp_filter(o, child, cn_expr_and_all(o->a, keep, nk)) : child;
            *pp = lp_project_attrs(o, top, out, nout);
            *changed = true;
        }
        return 0;
    }
    if (p->kind == LP_AGGREGATE) {
        if (rewrite_below_aggregate(o, p, changed) != 0) return -1;
        bool any = false;
        for (int i = 0; i < p->nexprs && !any; i++) any = has_predicate_subquery(p->exprs[i]);
        cn_lplan *pr = any ? split_aggregate(o, p) : NULL;
        if (!pr) return 0;
        *pp = p = pr;
        *changed = true;
    }
    if (p->kind == LP_SORT) {
        /* ORDER BY a IN (SELECT ...): the existence join goes under the Sort, whose output
         * is then projected back to what it was */
        cn_lplan *child = p->children[0];
        int nout = p->nout;
        cn_attr *out = p->out;
        for (int i = 0; i < p->norders; i++)
            if (rewrite_existential(o, &child, p->orders[i].expr, false, &p->orders[i].expr) != 0) return -1;
        if (child == p->children[0]) return 0;
        p->children[0] = child;
        lp_refresh_out(o, p);
        *pp = lp_project_attrs(o, p, out, nout);
        *changed = true;
        return 0;
    }
    if (p->kind == LP_PROJECT) {
        bool any = false;
        cn_lplan *child = p->children[0];
        for (int i = 0; i < p->nexprs; i++)
            if (rewrite_existential(o, &child, p->exprs[i], false, &p->exprs[i]) != 0) return -1;
        if (child != p->children[0]) {
            p->children[0] = child;
            *changed = true;
        }
        for (int i = 0; i < p->nexprs; i++) {
            bool conv = false;
            if (predicates_to_scalars(o, p->exprs[i], &p->exprs[i], &conv) != 0) return -1;
            if (conv) *changed = true;
            if (has_correlated_scalar(o, p->exprs[i])) any = true;
        }
        if (any) {
            scalar_ctx sc = {p->children[0]};
            for (int i = 0; i < p->nexprs; i++)
                if (rewrite_scalars(o, &sc, &p->exprs[i]) != 0) return -1;
            p->children[0] = sc.child;
            *changed = true;
        }
    }
    return 0;
}
