/*
 * analyzer_agg.c — the select list, GROUP BY, HAVING and DISTINCT.
 *
 * A block without aggregates becomes a Project of its select items. A block
 * with GROUP BY, aggregate calls or HAVING becomes an Aggregate whose
 * grouping expressions come from GROUP BY (expressions, 1-based ordinals into
 * the select list, select-list aliases, or ALL) and whose outputs are the
 * select items; every column used outside an aggregate call must be part of a
 * grouping expression ([MISSING_AGGREGATION], or [MISSING_GROUP_BY] for a
 * global aggregate). HAVING (and ORDER BY, via az_over_agg) may use
 * aggregates and grouping expressions that are not in the select list: they
 * are added to the Aggregate as hidden outputs, as Spark's
 * ResolveAggregateFunctions does, and projected away above. DISTINCT is an
 * Aggregate grouping by every output. Subqueries follow Spark's CheckAnalysis: a
 * correlated scalar subquery outside aggregate calls must be a grouping expression, one
 * in GROUP BY must also be selected, and a GROUP BY subquery written again in the select
 * list is the same expression (matched by its text).
 */
#include "plan/analyzer_internal.h"
#include "plan/opt_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

static cn_attr *grow_attrs(az *z, cn_attr *a, int n, int m)
{
    cn_attr *b = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(m + 1));
    if (n) memcpy(b, a, sizeof(cn_attr) * (size_t)n);
    return b;
}

static cn_expr **grow_exprs(az *z, cn_expr **a, int n, int m)
{
    cn_expr **b = cn_arena_calloc(z->a, sizeof(cn_expr *) * (size_t)(m + 1));
    if (n) memcpy(b, a, sizeof(cn_expr *) * (size_t)n);
    return b;
}

/* Add a hidden output `e` to the aggregate; returns its attribute. */
static cn_attr agg_add_output(az *z, cn_lplan *agg, cn_expr *e)
{
    int n = agg->nexprs;
    agg->exprs = grow_exprs(z, agg->exprs, n, n + 1);
    agg->out = grow_attrs(z, agg->out, n, n + 1);
    agg->exprs[n] = e;
    cn_attr a;
    memset(&a, 0, sizeof a);
    if (e->kind == CN_EX_COL) {
        a.id = e->id;
        a.name = e->name;
        a.qualifier = e->qualifier;
    } else {
        a.id = cn_next_attr_id();
        a.name = az_auto_name(z, NULL, e);
    }
    a.type = e->type;
    a.nullable = e->nullable;
    agg->out[n] = a;
    agg->nexprs = agg->nout = n + 1;
    return a;
}

static bool in_input(const cn_lplan *agg, int64_t id)
{
    const cn_lplan *c = agg->children[0];
    for (int i = 0; i < c->nout; i++)
        if (c->out[i].id == id) return true;
    return false;
}

static int missing_agg(az *z, const cn_expr *col)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_expr_sql(col, &sb);
    char *s = cn_arena_strdup(z->a, sb.s ? sb.s : "");
    cn_sb_free(&sb);
    cn_error_set(z->err, "MISSING_AGGREGATION", "expression", cn_arena_printf(z->a, "\"%s\"", s),
                 "expressionAnyValue", cn_arena_printf(z->a, "\"any_value(%s)\"", s), NULL);
    return -1;
}

static int over_agg(az *z, cn_lplan *agg, cn_expr *e, cn_expr **out)
{
    for (int i = 0; i < agg->nout; i++)
        if (e->kind == CN_EX_COL && e->id == agg->out[i].id) {
            *out = e;
            return 0;
        }
    for (int i = 0; i < agg->nexprs; i++)
        if (cn_expr_equal(e, agg->exprs[i])) {
            *out = az_col(z, &agg->out[i]);
            return 0;
        }
    if (e->kind == CN_EX_AGG) {
        cn_attr a = agg_add_output(z, agg, e);
        *out = az_col(z, &a);
        return 0;
    }
    for (int i = 0; i < agg->ngroups; i++)
        if (cn_expr_equal(e, agg->groups[i])) {
            cn_attr a = agg_add_output(z, agg, cn_expr_copy(z->a, agg->groups[i]));
            *out = az_col(z, &a);
            return 0;
        }
    if (e->kind == CN_EX_COL) {
        if (in_input(agg, e->id)) return missing_agg(z, e);
        *out = e; /* outer reference */
        return 0;
    }
    /* an IN subquery's left values are over the aggregate like any operand (HAVING
     * count(*) IN (SELECT ...)); the subquery plan itself stays as it is */
    if ((e->kind == CN_EX_SUBQUERY && e->subq_kind != 2) || e->nargs == 0) {
        *out = e;
        return 0;
    }
    cn_expr *c = cn_arena_alloc(z->a, sizeof *c);
    *c = *e;
    c->args = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)e->nargs);
    for (int i = 0; i < e->nargs; i++)
        if (over_agg(z, agg, e->args[i], &c->args[i]) != 0) return -1;
    *out = c;
    return 0;
}

int az_over_agg(az *z, cn_lplan *agg, const cn_ast *where, cn_expr *e, cn_expr **out)
{
    (void)where;
    return over_agg(z, agg, e, out);
}

/* The outer references of subquery e that are input columns of agg (its correlation with
 * this query block), in *refs. */
static void block_refs(az *z, const cn_lplan *agg, const cn_expr *e, idset *refs)
{
    opt o = {z->ctx, z->a, z->err};
    idset all = {0, 0, NULL};
    ids_outer(&o, &all, (const cn_lplan *)e->subq);
    for (int k = 0; k < all.n; k++)
        if (in_input(agg, all.v[k])) ids_add(&o, refs, all.v[k]);
}

static bool is_grouping_col(const cn_lplan *agg, int64_t id)
{
    for (int g = 0; g < agg->ngroups; g++)
        if (agg->groups[g]->kind == CN_EX_COL && agg->groups[g]->id == id) return true;
    return false;
}

/* Is every column of e (outside aggregate calls) covered by a grouping expression? As Spark's
 * CheckAnalysis: a correlated scalar subquery outside aggregate calls must be a grouping
 * expression itself ([SCALAR_SUBQUERY_IS_IN_GROUP_BY_OR_AGGREGATE_FUNCTION]); an EXISTS / IN
 * subquery's correlated columns and IN's left values are checked as any operand. */
static int check_grouped(az *z, const cn_lplan *agg, const cn_expr *e, bool global, const cn_ast *sel)
{
    for (int i = 0; i < agg->ngroups; i++)
        if (cn_expr_equal(e, agg->groups[i])) return 0;
    if (e->kind == CN_EX_AGG) return 0;
    if (e->kind == CN_EX_SUBQUERY) {
        if (!e->subq) return 0;
        idset refs = {0, 0, NULL};
        block_refs(z, agg, e, &refs);
        if (e->subq_kind == 0 && refs.n > 0) {
            cn_error_set(z->err, "SCALAR_SUBQUERY_IS_IN_GROUP_BY_OR_AGGREGATE_FUNCTION", "sqlExpr",
                         cn_arena_printf(z->a, "\"%s\"", az_auto_name(z, NULL, e)), NULL);
            if (e->start >= 0) cn_error_context(z->err, z->ctx->sql, e->start, e->stop);
            return -1;
        }
        for (int k = 0; k < refs.n; k++)
            if (!is_grouping_col(agg, refs.v[k])) {
                if (global) return az_error_at(z, sel, "MISSING_GROUP_BY", NULL);
                const cn_attr *c = agg->children[0]->out;
                int i = 0;
                while (c[i].id != refs.v[k]) i++; /* in_input: it is there */
                return missing_agg(z, az_col(z, &c[i]));
            }
        for (int i = 0; i < e->nargs; i++)
            if (check_grouped(z, agg, e->args[i], global, sel) != 0) return -1;
        return 0;
    }
    if (e->kind == CN_EX_COL) {
        if (!in_input(agg, e->id)) return 0;
        if (global) return az_error_at(z, sel, "MISSING_GROUP_BY", NULL);
        return missing_agg(z, e);
    }
    for (int i = 0; i < e->nargs; i++)
        if (check_grouped(z, agg, e->args[i], global, sel) != 0) return -1;
    return 0;
}

/* Does p output column id? (an outer reference selected as is gets a new id) */
static bool plan_defines(const cn_lplan *p, int64_t id)
{
    for (int i = 0; i < p->nout; i++)
        if (p->out[i].id == id) return true;
    return false;
}

static bool is_ordinal(const cn_ast *n)
{
    return n->kind == AST_LITERAL && n->u.lit.kind == LIT_INTEGER && !n->u.lit.suffix;
}

/* Index of e in groups (appended when new). */
static int add_group(cn_expr **groups, int *g, cn_expr *e)
{
    for (int k = 0; k < *g; k++)
        if (cn_expr_equal(groups[k], e)) return k;
    groups[*g] = e;
    return (*g)++;
}

/* Do the statement's text ranges [s1, e1] and [s2, e2] read the same, up to runs of white
 * space? */
static bool same_text(const char *sql, int s1, int e1, int s2, int e2)
{
    if (!sql || s1 < 0 || s2 < 0 || e1 < s1 || e2 < s2) return false;
    int i = s1, j = s2;
    while (i <= e1 && j <= e2) {
        bool wi = isspace((unsigned char)sql[i]), wj = isspace((unsigned char)sql[j]);
        if (wi && wj) {
            while (i <= e1 && isspace((unsigned char)sql[i])) i++;
            while (j <= e2 && isspace((unsigned char)sql[j])) j++;
            continue;
        }
        if (sql[i] != sql[j]) return false;
        i++;
        j++;
    }
    return i > e1 && j > e2;
}

/* The subquery in e (a select item) written as s is, or NULL. */
static cn_expr *find_same_subquery(az *z, cn_expr *e, const cn_expr *s)
{
    if (e->kind == CN_EX_SUBQUERY && e->subq_kind == s->subq_kind && e->nargs == s->nargs &&
        same_text(z->ctx->sql, e->start, e->stop, s->start, s->stop))
        return e;
    for (int i = 0; i < e->nargs; i++) {
        cn_expr *f = find_same_subquery(z, e->args[i], s);
        if (f) return f;
    }
    return NULL;
}

/* A subquery of GROUP BY expression *ep written as one of the select items is that item's
 * subquery, so that the item reads the grouping expression (Spark compares subqueries by
 * their plans: `SELECT (SELECT ...) AS s ... GROUP BY (SELECT ...)`). */
static void share_item_subqueries(az *z, cn_expr **ep, cn_expr **items, int n)
{
    cn_expr *e = *ep;
    if (e->kind == CN_EX_SUBQUERY && e->start >= 0) {
        for (int i = 0; i < n; i++) {
            cn_expr *f = find_same_subquery(z, items[i], e);
            if (f) {
                *ep = f;
                return;
            }
        }
    }
    for (int i = 0; i < e->nargs; i++) share_item_subqueries(z, &e->args[i], items, n);
}

static bool has_expr(const cn_expr *e, const cn_expr *x)
{
    if (cn_expr_equal(e, x)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_expr(e->args[i], x)) return true;
    return false;
}

/* A correlated scalar subquery in a GROUP BY expression must also be in the select list, as
 * Spark's CheckAnalysis requires ([UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.
 * MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY]). */
static int check_group_subqueries(az *z, const cn_lplan *agg, const cn_expr *g, const cn_ast *sel)
{
    if (g->kind == CN_EX_SUBQUERY && g->subq_kind == 0 && g->subq) {
        idset refs = {0, 0, NULL};
        block_refs(z, agg, g, &refs);
        bool found = false;
        for (int i = 0; i < agg->nexprs && !found; i++) found = has_expr(agg->exprs[i], g);
        if (refs.n > 0 && !found)
            return az_error_at(z, sel, "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY",
                               NULL);
        return 0;
    }
    for (int i = 0; i < g->nargs; i++)
        if (check_group_subqueries(z, agg, g->args[i], sel) != 0) return -1;
    return 0;
}

/* One GROUP BY expression: an ordinal into the select list, an alias, or an expression. */
static int group_expr(az *z, const cn_ast *ga, az_scope *scope, int n, const char **names, cn_expr **items,
                      cn_expr **out)
{
    cn_expr *e;
    if (is_ordinal(ga) && az_conf_bool(z, "spark.sql.groupByOrdinal", true)) {
        long long idx = strtoll(ga->u.lit.text, NULL, 10);
        if (idx < 1 || idx > n)
            return az_error_at(z, ga, "GROUP_BY_POS_OUT_OF_RANGE", "index", cn_arena_printf(z->a, "%lld", idx),
                               "size", cn_arena_printf(z->a, "%d", n), NULL);
        e = items[idx - 1];
        if (cn_expr_has_agg(e))
            return az_error_at(z, ga, "GROUP_BY_POS_AGGREGATE", "index", cn_arena_printf(z->a, "%lld", idx),
                               "aggExpr", az_sql_quoted(z, e), NULL);
    } else {
        az_ectx gc;
        memset(&gc, 0, sizeof gc);
        gc.scope = scope;
        gc.agg_ok = true;
        gc.alias_mode = az_conf_bool(z, "spark.sql.groupByAliases", true) ? 1 : 0;
        gc.nalias = n;
        gc.alias_names = names;
        gc.alias_exprs = items;
        if (az_expr(z, &gc, ga, &e) != 0) return -1;
        if (cn_expr_has_subquery(e)) share_item_subqueries(z, &e, items, n);
        if (cn_expr_has_agg(e)) {
            /* the offending aggregate call */
            cn_expr *f = e;
            while (f->kind != CN_EX_AGG && f->nargs > 0) {
                int k = 0;
                while (k < f->nargs && !cn_expr_has_agg(f->args[k])) k++;
                if (k == f->nargs) break;
                f = f->args[k];
            }
            return az_error_at(z, ga, "GROUP_BY_AGGREGATE", "sqlExpr", az_sql_quoted(z, f), NULL);
        }
    }
    *out = e;
    return 0;
}

int az_select_items(az *z, const cn_ast *sel, cn_lplan *in, az_scope *scope, az_select_out *so)
{
    memset(so, 0, sizeof *so);
    so->in_scope = scope;
    so->below = in;
    /* expand the select list */
    int cap = 16, n = 0;
    cn_expr **items = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)cap);
    const char **names = cn_arena_alloc(z->a, sizeof(char *) * (size_t)cap);
    const char **quals = cn_arena_alloc(z->a, sizeof(char *) * (size_t)cap);
    const cn_ast **asts = cn_arena_alloc(z->a, sizeof(cn_ast *) * (size_t)cap);
    bool any_agg = false;
    az_ectx ec;
    memset(&ec, 0, sizeof ec);
    ec.scope = scope;
    ec.agg_ok = true;
    for (int i = 0; i < sel->u.select.nitems; i++) {
        const cn_select_item *it = &sel->u.select.items[i];
        if (it->expr->kind == AST_STAR) {
            const cn_name *q = &it->expr->u.star.qualifier;
            int before = n;
            for (int k = 0; k < scope->n; k++) {
                const az_ent *e = &scope->e[k];
                if (q->n > 0) {
                    if (!az_name_eq(z, e->a.qualifier, q->parts[q->n - 1])) continue;
                    /* t.* of a USING join: t's key is the visible key when t supplied it */
                    if (e->hidden) {
                        bool vis_same_name = false;
                        for (int m = 0; m < scope->n; m++)
                            if (!scope->e[m].hidden && az_name_eq(z, scope->e[m].a.name, e->a.name)) vis_same_name = true;
                        if (!vis_same_name) continue;
                    }
                } else if (e->hidden) {
                    continue;
                }
                if (n + 1 >= cap) {
                    int nc = cap * 2;
                    items = (cn_expr **)grow_exprs(z, items, n, nc);
                    const char **nn = cn_arena_alloc(z->a, sizeof(char *) * (size_t)nc);
                    const char **nq = cn_arena_alloc(z->a, sizeof(char *) * (size_t)nc);
                    const cn_ast **na = cn_arena_alloc(z->a, sizeof(cn_ast *) * (size_t)nc);
                    memcpy(nn, names, sizeof(char *) * (size_t)n);
                    memcpy(nq, quals, sizeof(char *) * (size_t)n);
                    memcpy(na, asts, sizeof(cn_ast *) * (size_t)n);
                    names = nn;
                    quals = nq;
                    asts = na;
                    cap = nc;
                }
                items[n] = az_col(z, &e->a);
                names[n] = e->a.name;
                quals[n] = e->a.qualifier;
                asts[n] = it->expr;
                n++;
            }
            if (q->n > 0 && n == before)
                return az_error_at(z, it->expr, "CANNOT_RESOLVE_STAR_EXPAND", "targetString",
                                   cn_name_quoted(z->a, q), "columns", az_scope_columns(z, scope), NULL);
            continue;
        }
        if (n + 1 >= cap) {
            int nc = cap * 2;
            items = (cn_expr **)grow_exprs(z, items, n, nc);
            const char **nn = cn_arena_alloc(z->a, sizeof(char *) * (size_t)nc);
            const char **nq = cn_arena_alloc(z->a, sizeof(char *) * (size_t)nc);
            const cn_ast **na = cn_arena_alloc(z->a, sizeof(cn_ast *) * (size_t)nc);
            memcpy(nn, names, sizeof(char *) * (size_t)n);
            memcpy(nq, quals, sizeof(char *) * (size_t)n);
            memcpy(na, asts, sizeof(cn_ast *) * (size_t)n);
            names = nn;
            quals = nq;
            asts = na;
            cap = nc;
        }
        cn_expr *e;
        ec.found_agg = false;
        if (az_expr(z, &ec, it->expr, &e) != 0) return -1;
        if (cn_expr_has_agg(e)) any_agg = true;
        items[n] = e;
        names[n] = it->alias ? cn_arena_strdup(z->a, it->alias) : az_auto_name(z, it->expr, e);
        quals[n] = !it->alias && e->kind == CN_EX_COL ? e->qualifier : NULL;
        asts[n] = it->expr;
        n++;
    }
    so->nitems = n;
    so->names = names;
    so->item_exprs = items;

    bool has_group = sel->u.select.group_by.n > 0 || sel->u.select.group_by_all;
    bool is_agg = has_group || any_agg || sel->u.select.having;
    cn_lplan *top;
    if (!is_agg) {
        cn_lplan *pr = cn_lplan_new(z->a, LP_PROJECT, 1);
        pr->children[0] = in;
        pr->nexprs = pr->nout = n;
        pr->exprs = items;
        pr->out = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            cn_expr *e = items[i];
            cn_attr a;
            memset(&a, 0, sizeof a);
            if (e->kind == CN_EX_COL && !strcmp(names[i], e->name) && plan_defines(in, e->id)) {
                a.id = e->id;
                a.qualifier = quals[i];
            } else {
                a.id = cn_next_attr_id();
            }
            a.name = names[i];
            a.type = e->type;
            a.nullable = e->nullable;
            pr->out[i] = a;
        }
        so->proj = pr;
        top = pr;
    } else {
        cn_lplan *ag = cn_lplan_new(z->a, LP_AGGREGATE, 1);
        ag->children[0] = in;
        /* grouping expressions */
        int ng = sel->u.select.group_by.n;
        cn_expr **groups = cn_arena_calloc(z->a, sizeof(cn_expr *) * (size_t)(ng + n + 65));
        int g = 0;
        cn_expr *const_group = NULL;
        if (sel->u.select.group_by_all) {
            for (int i = 0; i < n; i++)
                if (!cn_expr_has_agg(items[i]) && !cn_expr_is_foldable(items[i])) groups[g++] = items[i];
        }
        /* grouping sets: every distinct grouping expression, and the sets as bitmasks over them */
        int nsets = 1;
        uint64_t *sets = cn_arena_calloc(z->a, sizeof(uint64_t) * 2);
        bool gsets = false;
        for (int i = 0; i < ng; i++) {
            const cn_ast *ga = sel->u.select.group_by.items[i];
            const char *fn = ga->kind == AST_FUNC && ga->u.func.name ? ga->u.func.name : "";
            bool cube = !strcasecmp(fn, "cube"), rollup = !strcasecmp(fn, "rollup"),
                 gs = !strcasecmp(fn, "grouping_sets");
            if (!cube && !rollup && !gs) {
                cn_expr *e;
                if (group_expr(z, ga, scope, n, names, items, &e) != 0) return -1;
                if (cn_expr_is_foldable(e)) {
                    /* GROUP BY a constant groups nothing, but it is still a grouped aggregate (no
                     * row for an empty input): keep one constant when nothing else groups */
                    if (!const_group) const_group = e;
                    continue;
                }
                int k = add_group(groups, &g, e);
                for (int si = 0; si < nsets; si++) sets[si] |= 1ull << k;
                continue;
            }
            gsets = true;
            /* the item's own sets (elements: an expression or a parenthesized list) */
            const cn_ast_list *args = &ga->u.func.args;
            int nel = args->n;
            if (nel > 20) return az_error_at(z, ga, "UNSUPPORTED_FEATURE", "detail", "more than 20 grouping columns", NULL);
            uint64_t *el = cn_arena_calloc(z->a, sizeof(uint64_t) * (size_t)(nel + 1));
            for (int j = 0; j < nel; j++) {
                const cn_ast *x = args->items[j];
                int nx = x->kind == AST_PAREN_LIST ? x->u.list.n : 1;
                for (int q = 0; q < nx; q++) {
                    cn_expr *e;
                    if (group_expr(z, x->kind == AST_PAREN_LIST ? x->u.list.items[q] : x, scope, n, names, items, &e) != 0)
                        return -1;
                    if (g >= 63) return az_error_at(z, ga, "UNSUPPORTED_FEATURE", "detail", "more than 63 grouping columns", NULL);
                    el[j] |= 1ull << add_group(groups, &g, e);
                }
            }
            int nown = cube ? 1 << nel : rollup ? nel + 1 : nel;
            uint64_t *own = cn_arena_calloc(z->a, sizeof(uint64_t) * (size_t)(nown + 1));
            for (int k = 0; k < nown; k++) {
                if (gs) {
                    own[k] = el[k];
                } else if (rollup) {
                    for (int j = 0; j < nel - k; j++) own[k] |= el[j]; /* (a, b), (a), () */
                } else {
                    /* Spark's cube order: (a, b), (a), (b), () */
                    for (int j = 0; j < nel; j++)
                        if (!(k & (1 << (nel - 1 - j)))) own[k] |= el[j];
                }
            }
            uint64_t *cross = cn_arena_calloc(z->a, sizeof(uint64_t) * (size_t)(nsets * nown + 1));
            for (int si = 0; si < nsets; si++)
                for (int k = 0; k < nown; k++) cross[si * nown + k] = sets[si] | own[k];
            sets = cross;
            nsets *= nown;
        }
        if (gsets) {
            az_gsets *gsx = cn_arena_calloc(z->a, sizeof *gsx);
            gsx->agg = ag;
            gsx->ngexprs = g;
            gsx->gexprs = groups;
            gsx->nsets = nsets;
            gsx->sets = sets;
            gsx->next = z->gsets;
            z->gsets = gsx;
        }
        if (g == 0 && const_group) groups[g++] = const_group;
        ag->ngroups = g;
        ag->groups = groups;
        ag->nexprs = ag->nout = n;
        ag->exprs = items;
        ag->out = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(n + 1));
        bool global = !has_group;
        for (int i = 0; i < g; i++)
            if (check_group_subqueries(z, ag, groups[i], sel) != 0) return -1;
        for (int i = 0; i < n; i++) {
            if (check_grouped(z, ag, items[i], global, sel) != 0) return -1;
            cn_expr *e = items[i];
            cn_attr a;
            memset(&a, 0, sizeof a);
            if (e->kind == CN_EX_COL && !strcmp(names[i], e->name) && plan_defines(in, e->id)) {
                a.id = e->id;
                a.qualifier = quals[i];
            } else {
                a.id = cn_next_attr_id();
            }
            a.name = names[i];
            a.type = e->type;
            a.nullable = e->kind == CN_EX_AGG ? true : e->nullable;
            ag->out[i] = a;
        }
        so->is_agg = true;
        so->agg = ag;
        top = ag;
        if (sel->u.select.having) {
            az_ectx hc;
            memset(&hc, 0, sizeof hc);
            hc.scope = scope;
            hc.agg_ok = true;
            hc.alias_mode = 2;
            hc.nalias = n;
            hc.alias_names = names;
            hc.alias_attrs = ag->out;
            cn_expr *c;
            if (az_expr(z, &hc, sel->u.select.having, &c) != 0) return -1;
            if (az_over_agg(z, ag, sel->u.select.having, c, &c) != 0) {
                if (!z->err->fragment) az_ctx(z, sel->u.select.having);
                return -1;
            }
            cn_lplan *f = cn_lplan_new(z->a, LP_FILTER, 1);
            f->children[0] = ag;
            f->cond = c;
            f->nout = ag->nout;
            f->out = ag->out;
            top = f;
        }
    }
    if (sel->u.select.distinct) {
        /* DISTINCT over the visible items (hidden HAVING outputs are projected away first) */
        if (top->nout != n) {
            cn_lplan *pr = cn_lplan_new(z->a, LP_PROJECT, 1);
            pr->children[0] = top;
            pr->nexprs = pr->nout = n;
            pr->exprs = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(n + 1));
            pr->out = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(n + 1));
            for (int i = 0; i < n; i++) {
                pr->exprs[i] = az_col(z, &top->out[i]);
                pr->out[i] = top->out[i];
            }
            top = pr;
        }
        cn_lplan *d = cn_lplan_new(z->a, LP_AGGREGATE, 1);
        d->children[0] = top;
        d->ngroups = d->nexprs = d->nout = n;
        d->groups = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(n + 1));
        d->exprs = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(n + 1));
        d->out = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            d->groups[i] = az_col(z, &top->out[i]);
            d->exprs[i] = az_col(z, &top->out[i]);
            d->out[i] = top->out[i];
        }
        top = d;
        /* ORDER BY of a DISTINCT block sees only its outputs */
        so->proj = NULL;
        so->is_agg = false;
    }
    so->plan = top;
    return 0;
}

/* ------------------------------------------------------------ grouping sets */

/* e with grouping expressions (outside aggregate calls) reading the expanded columns */
static cn_expr *over_expand(az *z, const az_gsets *g, const cn_attr *ga, const cn_expr *e)
{
    for (int i = 0; i < g->ngexprs; i++)
        if (cn_expr_equal(e, g->gexprs[i])) return az_col(z, &ga[i]);
    if (e->kind == CN_EX_AGG || e->kind == CN_EX_SUBQUERY || e->nargs == 0) return (cn_expr *)e;
    cn_expr *c = cn_arena_alloc(z->a, sizeof *c);
    *c = *e;
    c->args = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)e->nargs);
    for (int i = 0; i < e->nargs; i++) c->args[i] = over_expand(z, g, ga, e->args[i]);
    return c;
}

static int finish_one(az *z, az_gsets *g)
{
    cn_lplan *agg = g->agg, *child = agg->children[0];
    int m = g->ngexprs, nc = child->nout;
    cn_attr *ga = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(m + 2));
    for (int i = 0; i < m; i++) {
        ga[i].id = cn_next_attr_id();
        ga[i].name = g->gexprs[i]->kind == CN_EX_COL ? g->gexprs[i]->name : az_auto_name(z, NULL, g->gexprs[i]);
        ga[i].type = g->gexprs[i]->type;
        ga[i].nullable = true;
    }
    ga[m].id = cn_next_attr_id();
    ga[m].name = "spark_grouping_id";
    ga[m].type = cn_type_of(CN_BIGINT);
    /* duplicate grouping sets each give their own rows (SPARK-29708, as PostgreSQL): they
     * share a grouping id, so the set's position is one more group key, as Spark's
     * _gen_grouping_pos */
    bool dup = false;
    for (int s = 0; s < g->nsets && !dup; s++)
        for (int t = 0; t < s; t++)
            if (g->sets[s] == g->sets[t]) dup = true;
    int nk = m + 1 + (dup ? 1 : 0); /* group keys of the aggregate */
    if (dup) {
        ga[m + 1].id = cn_next_attr_id();
        ga[m + 1].name = "_gen_grouping_pos";
        ga[m + 1].type = cn_type_of(CN_INT);
    }
    cn_lplan *u = cn_lplan_new(z->a, LP_UNION, g->nsets);
    u->nout = nc + nk;
    u->out = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(u->nout + 1));
    memcpy(u->out, child->out, sizeof(cn_attr) * (size_t)nc);
    memcpy(u->out + nc, ga, sizeof(cn_attr) * (size_t)nk);
    for (int s = 0; s < g->nsets; s++) {
        /* one Project per set over its own copy of the input, keeping the input's ids */
        cn_lplan *in = s == 0 ? child : cn_lplan_fresh_copy(z->a, child);
        cn_lplan *pr = cn_lplan_new(z->a, LP_PROJECT, 1);
        pr->children[0] = in;
        pr->nexprs = pr->nout = u->nout;
        pr->exprs = cn_arena_calloc(z->a, sizeof(cn_expr *) * (size_t)(u->nout + 1));
        pr->out = u->out;
        for (int j = 0; j < nc; j++) pr->exprs[j] = az_col(z, &in->out[j]);
        int64_t gid = 0;
        for (int i = 0; i < m; i++) {
            if (g->sets[s] & (1ull << i)) {
                pr->exprs[nc + i] = cn_expr_copy_renamed(z->a, g->gexprs[i], child->out, in->out, s == 0 ? 0 : nc);
            } else {
                pr->exprs[nc + i] = cn_expr_lit(z->a, cn_value_null(ga[i].type));
                gid |= 1ll << (m - 1 - i);
            }
        }
        cn_value v;
        memset(&v, 0, sizeof v);
        v.type = cn_type_of(CN_BIGINT);
        v.v.i = gid;
        pr->exprs[nc + m] = cn_expr_lit(z->a, v);
        if (dup) {
            cn_value pos;
            memset(&pos, 0, sizeof pos);
            pos.type = cn_type_of(CN_INT);
            pos.v.i = s;
            pr->exprs[nc + m + 1] = cn_expr_lit(z->a, pos);
        }
        u->children[s] = pr;
    }
    agg->children[0] = u;
    agg->ngroups = nk;
    agg->groups = cn_arena_calloc(z->a, sizeof(cn_expr *) * (size_t)(nk + 1));
    for (int i = 0; i < nk; i++) agg->groups[i] = az_col(z, &ga[i]);
    for (int i = 0; i < agg->nexprs; i++) {
        agg->exprs[i] = over_expand(z, g, ga, agg->exprs[i]);
        if (agg->exprs[i]->kind == CN_EX_COL) {
            for (int k = 0; k < m; k++)
                if (agg->exprs[i]->id == ga[k].id) agg->out[i].nullable = true;
        }
    }
    return 0;
}

int az_finish_grouping_sets(az *z)
{
    /* innermost first (the list is newest first): an outer aggregate copies its input once
     * per set, and an inner grouping-set aggregate in that input must already be expanded,
     * or the copies keep it unexpanded (a plain GROUP BY of all its keys) */
    int n = 0;
    for (az_gsets *g = z->gsets; g; g = g->next) n++;
    az_gsets **order = cn_arena_alloc(z->a, sizeof(az_gsets *) * (size_t)(n + 1));
    int i = n;
    for (az_gsets *g = z->gsets; g; g = g->next) order[--i] = g;
    for (i = 0; i < n; i++)
        if (finish_one(z, order[i]) != 0) return -1;
    z->gsets = NULL;
    return 0;
}
