/*
 * opt_expr.c — expression rules: constant folding, boolean simplification,
 * trivial casts, and filters that are always true or always false.
 *
 * Folding evaluates foldable subexpressions with cn_expr_eval_const; when
 * evaluation fails (1/0 in ANSI mode) the expression is kept, so the error
 * is raised at execution exactly when Spark raises it (only if a row reaches
 * it). Boolean rules follow Spark's BooleanSimplification for the
 * three-valued cases that are always safe: TRUE AND x = x, FALSE AND x =
 * FALSE, TRUE OR x = TRUE, FALSE OR x = x, NOT NOT x = x. A Filter whose
 * condition folds to TRUE disappears; to FALSE or NULL, it becomes an empty
 * LocalRelation with the same output (Spark's PropagateEmptyRelation start).
 */
#include "plan/opt_internal.h"

#include "base/config.h"

static bool is_bool_lit(const cn_expr *e, bool v)
{
    return e->kind == CN_EX_LIT && !e->lit.is_null && e->type.kind == CN_BOOLEAN && e->lit.v.b == v;
}

static bool is_null_lit(const cn_expr *e) { return e->kind == CN_EX_LIT && e->lit.is_null; }

/* (a AND b) OR (a AND c) -> a AND (b OR c): common conjuncts of a disjunction
 * (Spark's BooleanSimplification; TPC-H Q19 needs it for its join key). */
static cn_expr *factor_or(opt *o, cn_expr *e, bool *changed)
{
    cn_expr **l, **r;
    int nl, nr;
    split_conj(o, e->args[0], &l, &nl);
    split_conj(o, e->args[1], &r, &nr);
    cn_expr **common = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(nl + 1));
    bool *lused = cn_arena_calloc(o->a, sizeof(bool) * (size_t)(nl + 1));
    bool *rused = cn_arena_calloc(o->a, sizeof(bool) * (size_t)(nr + 1));
    int nc = 0;
    for (int i = 0; i < nl; i++)
        for (int k = 0; k < nr; k++)
            if (!rused[k] && cn_expr_is_deterministic(l[i]) && cn_expr_equal(l[i], r[k])) {
                common[nc++] = l[i];
                lused[i] = rused[k] = true;
                break;
            }
    if (nc == 0) return e;
    cn_expr **lr = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(nl + 1));
    cn_expr **rr = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(nr + 1));
    int nlr = 0, nrr = 0;
    for (int i = 0; i < nl; i++)
        if (!lused[i]) lr[nlr++] = l[i];
    for (int k = 0; k < nr; k++)
        if (!rused[k]) rr[nrr++] = r[k];
    *changed = true;
    if (nlr == 0 || nrr == 0) return cn_expr_and_all(o->a, common, nc);
    cn_expr *orx = cn_expr_new(o->a, CN_EX_OR, cn_type_of(CN_BOOLEAN), 2);
    orx->args[0] = cn_expr_and_all(o->a, lr, nlr);
    orx->args[1] = cn_expr_and_all(o->a, rr, nrr);
    orx->nullable = e->nullable;
    cn_expr **all = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(nc + 2));
    memcpy(all, common, sizeof(cn_expr *) * (size_t)nc);
    all[nc] = orx;
    return cn_expr_and_all(o->a, all, nc + 1);
}

static cn_expr *fold(opt *o, cn_expr *e, bool *changed)
{
    if (!e) return e;
    if (e->kind == CN_EX_LIT || e->kind == CN_EX_COL || e->kind == CN_EX_SUBQUERY) return e;
    for (int i = 0; i < e->nargs; i++) {
        cn_expr *a = fold(o, e->args[i], changed);
        if (a != e->args[i]) e->args[i] = a;
    }
    if (e->kind == CN_EX_AGG) return e;
    /* between(a, lo, hi) -> a >= lo AND a <= hi (Spark's Between is replaced the same way;
     * the comparisons reach join keys, scan filters and statistics) */
    if (e->kind == CN_EX_CALL && e->func == CN_FN_BETWEEN && e->nargs == 3 && cn_expr_is_deterministic(e->args[0])) {
        cn_expr *ge, *le, *both;
        cn_expr *a1[2] = {e->args[0], e->args[1]}, *a2[2] = {cn_expr_copy(o->a, e->args[0]), e->args[2]};
        cn_error err;
        cn_error_init(&err);
        if (cn_expr_call(o->a, ">=", a1, 2, false, false, &ge, &err) == 0 &&
            cn_expr_call(o->a, "<=", a2, 2, false, false, &le, &err) == 0) {
            cn_expr *a3[2] = {ge, le};
            if (cn_expr_call(o->a, "and", a3, 2, false, false, &both, &err) == 0) {
                cn_error_clear(&err);
                *changed = true;
                return fold(o, both, changed);
            }
        }
        cn_error_clear(&err);
    }
    /* boolean simplification */
    if (e->kind == CN_EX_AND) {
        cn_expr *a = e->args[0], *b = e->args[1];
        if (is_bool_lit(a, true)) return *changed = true, b;
        if (is_bool_lit(b, true)) return *changed = true, a;
        if (is_bool_lit(a, false) || is_bool_lit(b, false)) return *changed = true, cn_expr_bool(o->a, false);
    }
    if (e->kind == CN_EX_OR) {
        cn_expr *a = e->args[0], *b = e->args[1];
        if (is_bool_lit(a, false)) return *changed = true, b;
        if (is_bool_lit(b, false)) return *changed = true, a;
        if (is_bool_lit(a, true) || is_bool_lit(b, true)) return *changed = true, cn_expr_bool(o->a, true);
        cn_expr *f = factor_or(o, e, changed);
        if (f != e) return f;
    }
    if (e->kind == CN_EX_NOT && e->args[0]->kind == CN_EX_NOT) return *changed = true, e->args[0]->args[0];
    if (e->kind == CN_EX_CAST && cn_type_eq(e->type, e->args[0]->type) && !e->try_) return *changed = true, e->args[0];
    if (e->kind == CN_EX_IS_NOT_NULL && !e->args[0]->nullable && e->args[0]->kind == CN_EX_COL)
        return *changed = true, cn_expr_bool(o->a, true);
    /* constant folding */
    if (cn_expr_is_foldable(e)) {
        cn_eval_ctx ec;
        memset(&ec, 0, sizeof ec);
        ec.arena = o->a;
        const char *tz = o->ctx->conf ? cn_conf_get(o->ctx->conf, "spark.sql.session.timeZone") : NULL;
        ec.timezone = tz ? tz : "UTC";
        ec.ansi = o->ctx->conf ? cn_conf_get_bool(o->ctx->conf, "spark.sql.ansi.enabled") : true;
        cn_value v;
        cn_error err;
        cn_error_init(&err);
        if (cn_expr_eval_const(e, &ec, &v, &err) == 0) {
            v.type = e->type;
            cn_expr *l = cn_expr_lit(o->a, v);
            l->start = e->start;
            l->stop = e->stop;
            *changed = true;
            cn_error_clear(&err);
            return l;
        }
        cn_error_clear(&err);
    }
    return e;
}

static void fold_list(opt *o, cn_expr **v, int n, bool *changed)
{
    for (int i = 0; i < n; i++) v[i] = fold(o, v[i], changed);
}

static int rewrite(opt *o, cn_lplan **pp, bool *changed)
{
    cn_lplan *p = *pp;
    for (int i = 0; i < p->nchildren; i++)
        if (rewrite(o, &p->children[i], changed) != 0) return -1;
    if (p->cond) p->cond = fold(o, p->cond, changed);
    if (p->kind == LP_AGGREGATE) {
        /* fold groups and outputs the same way so the planner still matches them */
        fold_list(o, p->groups, p->ngroups, changed);
        if (p->exprs != p->groups) fold_list(o, p->exprs, p->nexprs, changed);
    } else {
        fold_list(o, p->exprs, p->nexprs, changed);
    }
    for (int i = 0; i < p->norders; i++) p->orders[i].expr = fold(o, p->orders[i].expr, changed);
    if (p->kind == LP_FILTER) {
        if (is_bool_lit(p->cond, true)) {
            *pp = p->children[0];
            *changed = true;
        } else if (is_bool_lit(p->cond, false) || is_null_lit(p->cond)) {
            cn_lplan *l = cn_lplan_new(o->a, LP_LOCAL, 0);
            l->nout = p->nout;
            l->out = p->out;
            l->nrows = 0;
            l->rows = cn_arena_calloc(o->a, sizeof(cn_value *));
            *pp = l;
            *changed = true;
        }
    }
    if (p->kind == LP_JOIN && p->cond && is_bool_lit(p->cond, true)) {
        p->cond = NULL;
        *changed = true;
    }
    return 0;
}

int opt_exprs(opt *o, cn_lplan **pp, bool *changed) { return rewrite(o, pp, changed); }
