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
 * A correlated scalar subquery (in a Filter or a Project) becomes a LEFT OUTER
 * join with the aggregated subquery, grouped by its correlation columns, and
 * the expression reads the joined column. When the aggregate's value over no
 * rows is not NULL (count), a `true` marker column tells "no group matched"
 * apart, and the value over no rows is substituted (the COUNT bug).
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
    case LP_SORT: return pull(o, p->children[0], outer, ps, ok);
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
        } else if (p->join_type == JOIN_LEFT || p->join_type == JOIN_LEFT_SEMI || p->join_type == JOIN_LEFT_ANTI) {
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
        /* value expression over no rows, for the COUNT bug */
        cn_lplan *agg = sp;
        while (agg->kind == LP_PROJECT || agg->kind == LP_FILTER) agg = agg->children[0];
        sp = pull(o, sp, &outer, &ps, &ok);
        if (!ok || still_correlated(o, sp, &outer) || ps.n == 0) return 0;
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
        sc->child = join(o, sc->child, sp, JOIN_LEFT, cn_expr_and_all(o->a, ps.v, ps.n));
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

int opt_subqueries(opt *o, cn_lplan **pp, bool *changed)
{
    cn_lplan *p = *pp;
    for (int i = 0; i < p->nchildren; i++)
        if (opt_subqueries(o, &p->children[i], changed) != 0) return -1;
    lp_refresh_out(o, p);
    if (process_subplans(o, p->cond, changed) != 0) return -1;
    for (int i = 0; i < p->nexprs; i++)
        if (process_subplans(o, p->exprs[i], changed) != 0) return -1;

    if (p->kind == LP_FILTER && cn_expr_has_subquery(p->cond)) {
        cn_lplan *child = p->children[0];
        int nout = child->nout;
        cn_attr *out = child->out;
        cn_expr **conj;
        int n;
        split_conj(o, p->cond, &conj, &n);
        cn_expr **keep = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        int nk = 0;
        for (int i = 0; i < n; i++) {
            bool handled = false;
            cn_lplan *nc = rewrite_predicate(o, child, conj[i], &handled);
            if (!nc) return -1;
            if (handled) {
                child = nc;
                continue;
            }
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
        if (child != p->children[0]) {
            cn_lplan *top = nk ? lp_filter(o, child, cn_expr_and_all(o->a, keep, nk)) : child;
            *pp = lp_project_attrs(o, top, out, nout);
            *changed = true;
        }
        return 0;
    }
    if (p->kind == LP_PROJECT) {
        bool any = false;
        for (int i = 0; i < p->nexprs; i++)
            if (has_correlated_scalar(o, p->exprs[i])) any = true;
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
