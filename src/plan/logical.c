/*
 * logical.c — logical plan nodes: construction, attribute ids, deep copies
 * with fresh ids, and EXPLAIN in Spark's logical layout.
 *
 * Attribute ids are process-wide and unique (Spark's exprId): every node that
 * defines an output column (a scan, an inline table, a Project or Aggregate
 * alias, a Union) takes a new id; nodes that pass columns through keep them.
 * cn_lplan_fresh_copy re-defines every id a plan defines, which is how a view
 * or a CTE referenced twice in one query (a self-join) gets distinct columns.
 * The explain form follows Spark's TreeNode.treeString: one line per node,
 * ":- " / "+- " before children, subquery plans drawn under the node that
 * holds them with ":  " prefixes.
 */
#include "plan/logical.h"

#include <stdatomic.h>
#include <stdio.h>

static _Atomic int64_t next_attr_id = 0;

int64_t cn_next_attr_id(void) { return atomic_fetch_add(&next_attr_id, 1); }

cn_lplan *cn_lplan_new(cn_arena *a, cn_lkind kind, int nchildren)
{
    cn_lplan *p = cn_arena_calloc(a, sizeof *p);
    p->kind = kind;
    p->nchildren = nchildren;
    p->children = cn_arena_calloc(a, sizeof(cn_lplan *) * (size_t)(nchildren + 1));
    p->limit = -1;
    p->est_rows = p->est_bytes = -1;
    return p;
}

/* ------------------------------------------------------------ fresh copy */

typedef struct idmap {
    cn_arena *a;
    int n, cap;
    int64_t *from, *to;
} idmap;

static bool idmap_get(const idmap *m, int64_t id, int64_t *out)
{
    for (int i = m->n - 1; i >= 0; i--)
        if (m->from[i] == id) {
            *out = m->to[i];
            return true;
        }
    return false;
}

static void idmap_put(idmap *m, int64_t from, int64_t to)
{
    if (m->n == m->cap) {
        int nc = m->cap ? m->cap * 2 : 64;
        int64_t *f = cn_arena_alloc(m->a, sizeof(int64_t) * (size_t)nc);
        int64_t *t = cn_arena_alloc(m->a, sizeof(int64_t) * (size_t)nc);
        if (m->n) {
            memcpy(f, m->from, sizeof(int64_t) * (size_t)m->n);
            memcpy(t, m->to, sizeof(int64_t) * (size_t)m->n);
        }
        m->from = f;
        m->to = t;
        m->cap = nc;
    }
    m->from[m->n] = from;
    m->to[m->n++] = to;
}

static cn_lplan *copy_plan(idmap *m, const cn_lplan *p);

static void remap_expr(idmap *m, cn_expr *e)
{
    if (!e) return;
    if (e->kind == CN_EX_COL) {
        int64_t to;
        if (idmap_get(m, e->id, &to)) e->id = to;
    } else if (e->kind == CN_EX_SUBQUERY && e->subq) {
        e->subq = copy_plan(m, (const cn_lplan *)e->subq);
    }
    for (int i = 0; i < e->nargs; i++) remap_expr(m, e->args[i]);
}

static cn_expr *copy_expr(idmap *m, const cn_expr *e)
{
    if (!e) return NULL;
    cn_expr *c = cn_expr_copy(m->a, e);
    remap_expr(m, c);
    return c;
}

static cn_expr **copy_exprs(idmap *m, cn_expr *const *es, int n)
{
    cn_expr **c = cn_arena_alloc(m->a, sizeof(cn_expr *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) c[i] = copy_expr(m, es[i]);
    return c;
}

static cn_lplan *copy_plan(idmap *m, const cn_lplan *p)
{
    cn_arena *a = m->a;
    cn_lplan *c = cn_arena_alloc(a, sizeof *c);
    *c = *p;
    c->children = cn_arena_calloc(a, sizeof(cn_lplan *) * (size_t)(p->nchildren + 1));
    for (int i = 0; i < p->nchildren; i++) c->children[i] = copy_plan(m, p->children[i]);
    c->cond = copy_expr(m, p->cond);
    c->exprs = copy_exprs(m, p->exprs, p->nexprs);
    if (p->groups == p->exprs) c->groups = c->exprs;
    else c->groups = copy_exprs(m, p->groups, p->ngroups);
    c->orders = cn_arena_calloc(a, sizeof(cn_sort_order) * (size_t)(p->norders + 1));
    for (int i = 0; i < p->norders; i++) {
        c->orders[i] = p->orders[i];
        c->orders[i].expr = copy_expr(m, p->orders[i].expr);
    }
    c->filters = copy_exprs(m, p->filters, p->nfilters);
    if (p->cols) c->cols = cn_arena_memdup(a, p->cols, sizeof(int) * (size_t)(p->ncols + 1));
    c->out = cn_arena_calloc(a, sizeof(cn_attr) * (size_t)(p->nout + 1));
    for (int i = 0; i < p->nout; i++) {
        c->out[i] = p->out[i];
        int64_t to;
        if (idmap_get(m, p->out[i].id, &to)) {
            c->out[i].id = to;
        } else {
            c->out[i].id = cn_next_attr_id();
            idmap_put(m, p->out[i].id, c->out[i].id);
        }
    }
    if (p->kind == LP_JOIN && p->join_type == JOIN_EXISTENCE && p->nout > 0) c->exists = c->out[p->nout - 1];
    return c;
}

cn_lplan *cn_lplan_fresh_copy(cn_arena *a, const cn_lplan *p)
{
    idmap m;
    memset(&m, 0, sizeof m);
    m.a = a;
    return copy_plan(&m, p);
}

/* --------------------------------------------------------------- explain */

const char *cn_join_type_name(cn_join_type t)
{
    switch (t) {
    case JOIN_INNER: return "Inner";
    case JOIN_LEFT: return "LeftOuter";
    case JOIN_RIGHT: return "RightOuter";
    case JOIN_FULL: return "FullOuter";
    case JOIN_LEFT_SEMI: return "LeftSemi";
    case JOIN_LEFT_ANTI: return "LeftAnti";
    case JOIN_CROSS: return "Cross";
    case JOIN_EXISTENCE: return "ExistenceJoin";
    }
    return "?";
}

void cn_join_type_explain(cn_strbuf *sb, cn_join_type t, const cn_attr *out, int nout)
{
    cn_sb_puts(sb, cn_join_type_name(t));
    if (t != JOIN_EXISTENCE || nout < 1) return;
    cn_sb_putc(sb, '(');
    cn_attr_explain(sb, &out[nout - 1]);
    cn_sb_putc(sb, ')');
}

void cn_attr_explain(cn_strbuf *sb, const cn_attr *a) { cn_sb_printf(sb, "%s#%lld", a->name, (long long)a->id); }

void cn_attrs_explain(cn_strbuf *sb, const cn_attr *a, int n, const char *sep)
{
    cn_sb_putc(sb, '[');
    for (int i = 0; i < n; i++) {
        if (i) cn_sb_puts(sb, sep);
        cn_attr_explain(sb, &a[i]);
    }
    cn_sb_putc(sb, ']');
}

/* "expr AS name#id, ..." (no brackets); an expression that is that very attribute prints bare. */
void cn_named_explain(cn_strbuf *sb, cn_expr *const *e, const cn_attr *out, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) cn_sb_puts(sb, ", ");
        if (e[i]->kind == CN_EX_COL && e[i]->id == out[i].id) {
            cn_attr_explain(sb, &out[i]);
        } else {
            cn_expr_explain(e[i], sb);
            cn_sb_puts(sb, " AS ");
            cn_attr_explain(sb, &out[i]);
        }
    }
}

static void named(cn_strbuf *sb, cn_expr *const *e, const cn_attr *out, int n)
{
    cn_sb_putc(sb, '[');
    cn_named_explain(sb, e, out, n);
    cn_sb_putc(sb, ']');
}

static void node_string(const cn_lplan *p, cn_strbuf *sb)
{
    switch (p->kind) {
    case LP_SCAN: {
        cn_sb_puts(sb, "Relation ");
        cn_attrs_explain(sb, p->out, p->nout, ",");
        cn_sb_printf(sb, " %s", p->view && p->view->source && p->view->source->format ? p->view->source->format
                                                                                          : "csv");
        break;
    }
    case LP_LOCAL:
        cn_sb_puts(sb, "LocalRelation ");
        if (p->nrows == 0) cn_sb_puts(sb, "<empty>, ");
        cn_attrs_explain(sb, p->out, p->nout, ", ");
        break;
    case LP_CACHED:
        cn_sb_puts(sb, "InMemoryRelation ");
        cn_attrs_explain(sb, p->out, p->nout, ", ");
        cn_sb_puts(sb, ", StorageLevel(disk, memory, deserialized, 1 replicas)");
        break;
    case LP_FILTER:
        cn_sb_puts(sb, "Filter ");
        cn_expr_explain(p->cond, sb);
        break;
    case LP_PROJECT:
        cn_sb_puts(sb, "Project ");
        named(sb, p->exprs, p->out, p->nexprs);
        break;
    case LP_AGGREGATE:
        cn_sb_puts(sb, "Aggregate [");
        for (int i = 0; i < p->ngroups; i++) {
            if (i) cn_sb_puts(sb, ", ");
            cn_expr_explain(p->groups[i], sb);
        }
        cn_sb_puts(sb, "], ");
        named(sb, p->exprs, p->out, p->nexprs);
        break;
    case LP_JOIN:
        cn_sb_puts(sb, "Join ");
        cn_join_type_explain(sb, p->join_type, p->out, p->nout);
        if (p->cond) {
            cn_sb_puts(sb, ", ");
            cn_expr_explain(p->cond, sb);
        }
        if (p->null_aware) cn_sb_puts(sb, ", nullAware");
        if (p->hint == 1) cn_sb_puts(sb, ", leftHint=(strategy=broadcast)");
        if (p->hint == 2) cn_sb_puts(sb, ", rightHint=(strategy=broadcast)");
        if (p->hint == 3) cn_sb_puts(sb, ", leftHint=(strategy=merge)");
        if (p->hint == 4) cn_sb_puts(sb, ", leftHint=(strategy=shuffle_hash)");
        break;
    case LP_SORT:
        cn_sb_puts(sb, "Sort [");
        for (int i = 0; i < p->norders; i++) {
            if (i) cn_sb_puts(sb, ", ");
            cn_expr_explain(p->orders[i].expr, sb);
            cn_sb_puts(sb, p->orders[i].desc ? " DESC" : " ASC");
            cn_sb_puts(sb, p->orders[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
        }
        cn_sb_printf(sb, "], %s", p->global ? "true" : "false");
        break;
    case LP_REPARTITION:
        if (p->repart == REPART_NUM || p->repart == REPART_COALESCE) {
            cn_sb_printf(sb, "Repartition %d, %s", p->num_parts, p->repart == REPART_NUM ? "true" : "false");
            break;
        }
        cn_sb_puts(sb, p->repart == REPART_REBALANCE ? "RebalancePartitions [" : "RepartitionByExpression [");
        for (int i = 0; i < p->nexprs; i++) {
            if (i) cn_sb_puts(sb, ", ");
            cn_expr_explain(p->exprs[i], sb);
        }
        for (int i = 0; i < p->norders; i++) {
            if (i) cn_sb_puts(sb, ", ");
            cn_expr_explain(p->orders[i].expr, sb);
            cn_sb_puts(sb, p->orders[i].desc ? " DESC" : " ASC");
            cn_sb_puts(sb, p->orders[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
        }
        cn_sb_puts(sb, "]");
        if (p->num_parts > 0) cn_sb_printf(sb, ", %d", p->num_parts);
        break;
    case LP_LIMIT:
        if (p->limit >= 0) cn_sb_printf(sb, "GlobalLimit %lld", (long long)p->limit);
        else cn_sb_printf(sb, "Offset %lld", (long long)p->offset);
        break;
    case LP_UNION: cn_sb_puts(sb, "Union false, false"); break;
    case LP_INTERSECT: cn_sb_printf(sb, "Intersect %s", p->all ? "All" : "false"); break;
    case LP_EXCEPT: cn_sb_printf(sb, "Except %s", p->all ? "All" : "false"); break;
    }
}

/* Prefix for a line at `depth`, given whether each ancestor level was a last child. */
static void prefix(cn_strbuf *sb, const bool *last, int depth)
{
    for (int i = 0; i < depth - 1; i++) cn_sb_puts(sb, last[i] ? "   " : ":  ");
    if (depth > 0) cn_sb_puts(sb, last[depth - 1] ? "+- " : ":- ");
}

typedef struct subq_list {
    int n, cap;
    const cn_lplan **v;
} subq_list;

static void collect_subq(const cn_expr *e, subq_list *l)
{
    if (!e) return;
    if (e->kind == CN_EX_SUBQUERY && e->subq) {
        if (l->n == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 4;
            l->v = cn_xrealloc(l->v, sizeof(*l->v) * (size_t)l->cap);
        }
        l->v[l->n++] = e->subq;
    }
    for (int i = 0; i < e->nargs; i++) collect_subq(e->args[i], l);
}

static void explain_rec(const cn_lplan *p, cn_strbuf *sb, bool *last, int depth);

static void explain_lines(const cn_lplan *p, cn_strbuf *sb, bool *last, int depth)
{
    prefix(sb, last, depth);
    node_string(p, sb);
    cn_sb_putc(sb, '\n');
    if (p->kind == LP_LIMIT && p->limit >= 0) {
        /* Spark's Limit is GlobalLimit over LocalLimit */
        for (int i = 0; i < depth; i++) cn_sb_puts(sb, last[i] ? "   " : ":  ");
        cn_sb_printf(sb, "+- LocalLimit %lld\n", (long long)p->limit);
    }
}

static void explain_rec(const cn_lplan *p, cn_strbuf *sb, bool *last, int depth)
{
    if (depth >= 255) return;
    explain_lines(p, sb, last, depth);
    int d = depth;
    if (p->kind == LP_LIMIT && p->limit >= 0) {
        last[d] = true;
        d++;
    }
    /* subquery plans: drawn as non-last children */
    subq_list sl = {0, 0, NULL};
    collect_subq(p->cond, &sl);
    for (int i = 0; i < p->nexprs; i++) collect_subq(p->exprs[i], &sl);
    for (int i = 0; i < p->norders; i++) collect_subq(p->orders[i].expr, &sl);
    for (int i = 0; i < sl.n; i++) {
        /* Spark: the subquery plan hangs under ":  +- " below its node */
        last[d] = false;
        last[d + 1] = true;
        explain_rec(sl.v[i], sb, last, d + 2);
    }
    free(sl.v);
    for (int i = 0; i < p->nchildren; i++) {
        last[d] = i == p->nchildren - 1;
        explain_rec(p->children[i], sb, last, d + 1);
    }
}

void cn_lplan_explain(const cn_lplan *p, cn_strbuf *sb)
{
    bool last[260];
    memset(last, 0, sizeof last);
    explain_rec(p, sb, last, 0);
}

void cn_lplan_schema_string(const cn_lplan *p, cn_strbuf *sb)
{
    char buf[64];
    for (int i = 0; i < p->nout; i++) {
        if (i) cn_sb_puts(sb, ", ");
        cn_sb_printf(sb, "%s: %s", p->out[i].name, cn_type_name(p->out[i].type, buf, sizeof buf));
    }
}

/* ------------------------------------------------------------ depth guard */

static bool plan_deeper(const cn_lplan *p, int depth, int limit);

static bool expr_deeper(const cn_expr *e, int depth, int limit)
{
    if (!e) return false;
    if (depth > limit) return true;
    if (e->kind == CN_EX_SUBQUERY && e->subq && plan_deeper(e->subq, depth + 1, limit)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (expr_deeper(e->args[i], depth + 1, limit)) return true;
    return false;
}

static bool exprs_deeper(cn_expr *const *e, int n, int depth, int limit)
{
    for (int i = 0; i < n; i++)
        if (expr_deeper(e[i], depth, limit)) return true;
    return false;
}

/* Plan nodes, their expressions and the subquery plans inside those, along one path. */
static bool plan_deeper(const cn_lplan *p, int depth, int limit)
{
    if (!p) return false;
    if (depth > limit) return true;
    int d = depth + 1;
    if (expr_deeper(p->cond, d, limit) || exprs_deeper(p->exprs, p->nexprs, d, limit) ||
        exprs_deeper(p->groups, p->ngroups, d, limit) || exprs_deeper(p->filters, p->nfilters, d, limit))
        return true;
    for (int i = 0; i < p->norders; i++)
        if (expr_deeper(p->orders[i].expr, d, limit)) return true;
    for (int i = 0; i < p->nchildren; i++)
        if (plan_deeper(p->children[i], d, limit)) return true;
    return false;
}

int cn_lplan_check_depth(const cn_lplan *p, cn_error *err)
{
    if (!plan_deeper(p, 1, CN_MAX_TREE_DEPTH)) return 0;
    return cn_error_set(err, "FAILED_TO_PARSE_TOO_COMPLEX", NULL);
}

bool cn_expr_deeper_than(const cn_expr *e, int limit) { return expr_deeper(e, 1, limit); }

/* Recursive, as every expression walker: the statement's depth was checked against
 * CN_MAX_TREE_DEPTH before any rule runs. */
static void rename_cols_in_place(cn_expr *x, const cn_attr *from, const cn_attr *to, int n)
{
    if (x->kind == CN_EX_COL) {
        for (int i = 0; i < n; i++)
            if (x->id == from[i].id) {
                x->id = to[i].id;
                break;
            }
        return;
    }
    for (int i = 0; i < x->nargs; i++) rename_cols_in_place(x->args[i], from, to, n);
}

cn_expr *cn_expr_copy_renamed(cn_arena *a, const cn_expr *e, const cn_attr *from, const cn_attr *to, int n)
{
    cn_expr *c = cn_expr_copy(a, e);
    if (c) rename_cols_in_place(c, from, to, n);
    return c;
}
