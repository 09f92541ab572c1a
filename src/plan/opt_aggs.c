/*
 * opt_aggs.c — aggregate rewrites the physical planner relies on.
 *
 * count(a, b, ...) counts the rows where every argument is non-NULL; it
 * becomes count(CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN 1 END), so
 * the kernels only ever see one argument. The planner runs DISTINCT
 * aggregates only when all of them share one argument (Spark's
 * planAggregateWithOneDistinct). Any other mix — count(DISTINCT a, b),
 * count(DISTINCT a) with count(DISTINCT b), DISTINCT with non-DISTINCT calls —
 * is split, in the spirit of Spark's RewriteDistinctAggregates but with joins
 * instead of an Expand: the calls are grouped by their DISTINCT argument
 * list (non-DISTINCT calls form one more group); each group is an Aggregate
 * over the input by the grouping expressions (for a DISTINCT group, over a
 * first Aggregate that removes duplicate (keys, arguments) rows, the calls
 * then running without DISTINCT); the groups are joined on null-safe
 * equality of the keys (a cross join of one-row results for a global
 * aggregate); a Project on top computes the original outputs with the
 * original attribute ids. Names were fixed by the analyzer, so the
 * rewritten calls do not change the schema.
 */
#include "plan/opt_internal.h"

static cn_expr **exprs_new(opt *o, int n) { return cn_arena_calloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1)); }
static cn_attr *attrs_new(opt *o, int n) { return cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(n + 1)); }

/* count(a, b) -> count(CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN 1 END) (in place) */
static int fix_count(opt *o, cn_expr *e)
{
    if (!(e->kind == CN_EX_AGG && e->func == CN_AGG_COUNT && !e->is_star && e->nargs > 1)) return 0;
    /* a left-deep AND chain as Spark writes it; beyond 64 arguments a balanced tree, so
     * count of thousands of columns does not make a tree as deep as its argument list */
    int n = e->nargs;
    cn_expr **terms = exprs_new(o, n);
    for (int i = 0; i < n; i++) {
        cn_expr *a1[1] = {e->args[i]};
        if (cn_expr_call(o->a, "isnotnull", a1, 1, false, false, &terms[i], o->err) != 0) return -1;
    }
    if (n > 64) {
        while (n > 1) {
            int m = 0;
            for (int i = 0; i < n; i += 2) {
                if (i + 1 == n) {
                    terms[m++] = terms[i];
                    continue;
                }
                cn_expr *a2[2] = {terms[i], terms[i + 1]};
                if (cn_expr_call(o->a, "and", a2, 2, false, false, &terms[m++], o->err) != 0) return -1;
            }
            n = m;
        }
    }
    cn_expr *all = terms[0];
    for (int i = 1; i < n; i++) {
        cn_expr *a2[2] = {all, terms[i]};
        if (cn_expr_call(o->a, "and", a2, 2, false, false, &all, o->err) != 0) return -1;
    }
    cn_value one;
    memset(&one, 0, sizeof one);
    one.type = cn_type_of(CN_INT);
    one.v.i = 1;
    cn_expr *w[1] = {all}, *t[1] = {cn_expr_lit(o->a, one)}, *c;
    if (cn_expr_case(o->a, w, t, 1, NULL, &c, o->err) != 0) return -1;
    e->args = exprs_new(o, 1);
    e->args[0] = c;
    e->nargs = 1;
    return 0;
}

static int fix_counts(opt *o, cn_expr *e)
{
    if (!e) return 0;
    if (e->kind == CN_EX_AGG) return fix_count(o, e);
    for (int i = 0; i < e->nargs; i++)
        if (fix_counts(o, e->args[i]) != 0) return -1;
    return 0;
}

typedef struct calls {
    int n, cap;
    cn_expr **v;
} calls;

static void collect_calls(opt *o, cn_expr *e, calls *c)
{
    if (!e) return;
    if (e->kind == CN_EX_AGG) {
        for (int i = 0; i < c->n; i++)
            if (cn_expr_equal(c->v[i], e)) return;
        if (c->n == c->cap) {
            int nc = c->cap ? c->cap * 2 : 8;
            cn_expr **v = exprs_new(o, nc);
            if (c->n) memcpy(v, c->v, sizeof(cn_expr *) * (size_t)c->n);
            c->v = v;
            c->cap = nc;
        }
        c->v[c->n++] = e;
        return;
    }
    if (e->kind == CN_EX_SUBQUERY) return;
    for (int i = 0; i < e->nargs; i++) collect_calls(o, e->args[i], c);
}

static bool same_args(const cn_expr *a, const cn_expr *b)
{
    if (a->nargs != b->nargs) return false;
    for (int i = 0; i < a->nargs; i++)
        if (!cn_expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

/* Does the planner need the split? (some DISTINCT call, and not all calls DISTINCT over one argument) */
static bool needs_split(const calls *c)
{
    bool any = false, simple = true;
    for (int i = 0; i < c->n; i++) {
        const cn_expr *e = c->v[i];
        if (e->distinct) any = true;
        if (!e->distinct || e->nargs != 1 || !same_args(e, c->v[0])) simple = false;
    }
    return any && !simple;
}

static cn_attr new_attr(const char *name, const cn_expr *e)
{
    cn_attr a;
    memset(&a, 0, sizeof a);
    a.id = cn_next_attr_id();
    a.name = name;
    a.type = e->type;
    a.nullable = true;
    return a;
}

/* Output e of the original aggregate over the joined groups. */
static cn_expr *over_groups(opt *o, const cn_lplan *p, const cn_expr *e, const cn_attr *g0, const calls *c,
                            const cn_attr *call_attr)
{
    for (int i = 0; i < p->ngroups; i++)
        if (cn_expr_equal(e, p->groups[i])) return lp_col(o, &g0[i]);
    if (e->kind == CN_EX_AGG) {
        for (int i = 0; i < c->n; i++)
            if (cn_expr_equal(e, c->v[i])) return lp_col(o, &call_attr[i]);
    }
    if (e->nargs == 0 || e->kind == CN_EX_SUBQUERY) return cn_expr_copy(o->a, e);
    cn_expr *x = cn_arena_alloc(o->a, sizeof *x);
    *x = *e;
    x->args = exprs_new(o, e->nargs);
    for (int i = 0; i < e->nargs; i++) x->args[i] = over_groups(o, p, e->args[i], g0, c, call_attr);
    return x;
}

static cn_lplan *agg_node(opt *o, cn_lplan *child, int ngroups, cn_expr **groups, int nexprs, cn_expr **exprs,
                          cn_attr *out)
{
    cn_lplan *a = cn_lplan_new(o->a, LP_AGGREGATE, 1);
    a->children[0] = child;
    a->ngroups = ngroups;
    a->groups = groups;
    a->nexprs = a->nout = nexprs;
    a->exprs = exprs;
    a->out = out;
    return a;
}

static int split(opt *o, cn_lplan **pp, const calls *c)
{
    cn_lplan *p = *pp, *child = p->children[0];
    int ng = p->ngroups, nc = c->n;
    /* classes: index of the first call with the same (distinct, args); -1 none yet */
    int *cls = cn_arena_alloc(o->a, sizeof(int) * (size_t)(nc + 1));
    int ncls = 0;
    int *rep = cn_arena_alloc(o->a, sizeof(int) * (size_t)(nc + 1));
    for (int i = 0; i < nc; i++) {
        cls[i] = -1;
        for (int k = 0; k < ncls; k++) {
            const cn_expr *r = c->v[rep[k]];
            if (r->distinct == c->v[i]->distinct && (!r->distinct || same_args(r, c->v[i]))) cls[i] = k;
        }
        if (cls[i] < 0) {
            rep[ncls] = i;
            cls[i] = ncls++;
        }
    }
    cn_attr *call_attr = attrs_new(o, nc);
    cn_attr *g0 = NULL;
    cn_lplan *top = NULL;
    for (int k = 0; k < ncls; k++) {
        /* a fresh copy of the input for every group after the first */
        cn_lplan *in = k == 0 ? child : cn_lplan_fresh_copy(o->a, child);
        const cn_attr *from = child->out, *to = in->out;
        int nmap = k == 0 ? 0 : child->nout;
        cn_attr *gk = attrs_new(o, ng);
        cn_expr **groups = exprs_new(o, ng);
        for (int i = 0; i < ng; i++) {
            groups[i] = cn_expr_copy_renamed(o->a, p->groups[i], from, to, nmap);
            gk[i] = new_attr("_gk", p->groups[i]);
            gk[i].nullable = p->groups[i]->nullable;
        }
        const cn_expr *r = c->v[rep[k]];
        int ncalls = 0;
        for (int i = 0; i < nc; i++)
            if (cls[i] == k) ncalls++;
        cn_expr **ex = exprs_new(o, ng + ncalls);
        cn_attr *out = attrs_new(o, ng + ncalls);
        cn_lplan *a;
        if (!r->distinct) {
            int m = 0;
            for (int i = 0; i < ng; i++) {
                ex[m] = cn_expr_copy(o->a, groups[i]);
                out[m++] = gk[i];
            }
            for (int i = 0; i < nc; i++)
                if (cls[i] == k) {
                    cn_expr *call = cn_expr_copy_renamed(o->a, c->v[i], from, to, nmap);
                    if (fix_count(o, call) != 0) return -1;
                    call_attr[i] = new_attr("_agg", c->v[i]);
                    ex[m] = call;
                    out[m++] = call_attr[i];
                }
            a = agg_node(o, in, ng, groups, m, ex, out);
        } else {
            /* distinct (keys, arguments) first */
            int nd = r->nargs, n1 = ng + nd;
            cn_expr **g1 = exprs_new(o, n1), **e1 = exprs_new(o, n1);
            cn_attr *o1 = attrs_new(o, n1);
            for (int i = 0; i < ng; i++) {
                g1[i] = groups[i];
                e1[i] = cn_expr_copy(o->a, groups[i]);
                o1[i] = gk[i];
            }
            for (int i = 0; i < nd; i++) {
                g1[ng + i] = cn_expr_copy_renamed(o->a, r->args[i], from, to, nmap);
                e1[ng + i] = cn_expr_copy(o->a, g1[ng + i]);
                o1[ng + i] = new_attr("_distinct", r->args[i]);
            }
            cn_lplan *dedup = agg_node(o, in, n1, g1, n1, e1, o1);
            cn_expr **g2 = exprs_new(o, ng);
            int m = 0;
            for (int i = 0; i < ng; i++) {
                g2[i] = lp_col(o, &gk[i]);
                ex[m] = lp_col(o, &gk[i]);
                out[m++] = gk[i];
            }
            for (int i = 0; i < nc; i++)
                if (cls[i] == k) {
                    cn_expr *call = cn_expr_copy(o->a, c->v[i]);
                    call->distinct = false;
                    call->args = exprs_new(o, nd);
                    for (int j = 0; j < nd; j++) call->args[j] = lp_col(o, &o1[ng + j]);
                    if (fix_count(o, call) != 0) return -1;
                    call_attr[i] = new_attr("_agg", c->v[i]);
                    ex[m] = call;
                    out[m++] = call_attr[i];
                }
            a = agg_node(o, dedup, ng, g2, m, ex, out);
        }
        if (k == 0) {
            g0 = gk;
            top = a;
            continue;
        }
        cn_expr *cond = NULL;
        if (ng > 0) {
            cn_expr **eq = exprs_new(o, ng);
            for (int i = 0; i < ng; i++)
                if (opt_null_safe_eq(o, lp_col(o, &g0[i]), lp_col(o, &gk[i]), &eq[i]) != 0) return -1;
            cond = cn_expr_and_all(o->a, eq, ng);
        }
        cn_lplan *j = cn_lplan_new(o->a, LP_JOIN, 2);
        j->children[0] = top;
        j->children[1] = a;
        j->join_type = JOIN_INNER;
        j->cond = cond;
        lp_refresh_out(o, j);
        top = j;
    }
    cn_lplan *pr = cn_lplan_new(o->a, LP_PROJECT, 1);
    pr->children[0] = top;
    pr->nexprs = pr->nout = p->nout;
    pr->exprs = exprs_new(o, p->nout);
    pr->out = p->out;
    for (int i = 0; i < p->nexprs; i++) pr->exprs[i] = over_groups(o, p, p->exprs[i], g0, c, call_attr);
    *pp = pr;
    return 0;
}

int opt_aggregates(opt *o, cn_lplan **pp)
{
    cn_lplan *p = *pp;
    for (int i = 0; i < p->nchildren; i++)
        if (opt_aggregates(o, &p->children[i]) != 0) return -1;
    if (p->kind != LP_AGGREGATE) return 0;
    calls c = {0, 0, NULL};
    for (int i = 0; i < p->nexprs; i++) collect_calls(o, p->exprs[i], &c);
    if (needs_split(&c)) return split(o, pp, &c);
    for (int i = 0; i < p->nexprs; i++)
        if (fix_counts(o, p->exprs[i]) != 0) return -1;
    return 0;
}
