/*
 * opt_joins.c — join reordering without cross products.
 *
 * A tree of inner joins (comma joins included: after pushdown their WHERE
 * equalities are join conditions) is flattened into its relations and its
 * conjuncts, then rebuilt left-deep greedily (Spark's ReorderJoin keeps the
 * written order and only avoids cartesian products; with no row counts we
 * also use the size estimates): start from the largest relation (the fact
 * table), then repeatedly join the smallest relation connected to the joined
 * set by some conjunct, attaching every conjunct whose columns are now all
 * available. A relation with no connecting predicate is joined last, as a
 * cross join. Outer, semi and anti joins and hinted joins are barriers: they
 * keep their place and their sides are reordered independently. A Project
 * restores the original column order on top.
 */
#include "plan/opt_internal.h"

typedef struct jgraph {
    int nrel, relcap;
    cn_lplan **rel;
    int nconj, conjcap;
    cn_expr **conj;
} jgraph;

static void add_rel(opt *o, jgraph *g, cn_lplan *p)
{
    if (g->nrel == g->relcap) {
        int nc = g->relcap ? g->relcap * 2 : 8;
        cn_lplan **v = cn_arena_alloc(o->a, sizeof(cn_lplan *) * (size_t)nc);
        if (g->nrel) memcpy(v, g->rel, sizeof(cn_lplan *) * (size_t)g->nrel);
        g->rel = v;
        g->relcap = nc;
    }
    g->rel[g->nrel++] = p;
}

static void add_conj(opt *o, jgraph *g, cn_expr *e)
{
    cn_expr **c;
    int n;
    split_conj(o, e, &c, &n);
    for (int i = 0; i < n; i++) {
        if (g->nconj == g->conjcap) {
            int nc = g->conjcap ? g->conjcap * 2 : 16;
            cn_expr **v = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)nc);
            if (g->nconj) memcpy(v, g->conj, sizeof(cn_expr *) * (size_t)g->nconj);
            g->conj = v;
            g->conjcap = nc;
        }
        g->conj[g->nconj++] = c[i];
    }
}

static bool flattenable(const cn_lplan *p)
{
    return p->kind == LP_JOIN && (p->join_type == JOIN_INNER || p->join_type == JOIN_CROSS) && p->hint == 0;
}

static void flatten(opt *o, jgraph *g, cn_lplan *p)
{
    if (flattenable(p)) {
        flatten(o, g, p->children[0]);
        flatten(o, g, p->children[1]);
        if (p->cond) add_conj(o, g, p->cond);
        return;
    }
    if (p->kind == LP_FILTER && flattenable(p->children[0]) && expr_pushable(p->cond)) {
        flatten(o, g, p->children[0]);
        add_conj(o, g, p->cond);
        return;
    }
    add_rel(o, g, p);
}


static int reorder_rec(opt *o, cn_lplan **pp, bool *changed);

static int reorder_group(opt *o, cn_lplan **pp, bool *changed)
{
    cn_lplan *root = *pp;
    jgraph g;
    memset(&g, 0, sizeof g);
    flatten(o, &g, root);
    if (g.nrel < 3 || g.nrel > 64) {
        /* two relations: nothing to order */
        for (int i = 0; i < root->nchildren; i++)
            if (reorder_rec(o, &root->children[i], changed) != 0) return -1;
        lp_refresh_out(o, root);
        return 0;
    }
    for (int i = 0; i < g.nrel; i++)
        if (reorder_rec(o, &g.rel[i], changed) != 0) return -1;
    for (int i = 0; i < g.nrel; i++) opt_stats(o, g.rel[i]);
    bool *used = cn_arena_calloc(o->a, sizeof(bool) * (size_t)(g.nconj + 1));
    bool *joined = cn_arena_calloc(o->a, sizeof(bool) * (size_t)(g.nrel + 1));
    /* per relation: ids */
    idset *rid = cn_arena_calloc(o->a, sizeof(idset) * (size_t)(g.nrel + 1));
    for (int i = 0; i < g.nrel; i++) ids_out(o, &rid[i], g.rel[i]);
    /* per conjunct: which relations it touches (bitmask over up to 64 relations) */
    uint64_t *touch = cn_arena_calloc(o->a, sizeof(uint64_t) * (size_t)(g.nconj + 1));
    bool *usable = cn_arena_calloc(o->a, sizeof(bool) * (size_t)(g.nconj + 1));
    for (int c = 0; c < g.nconj; c++) {
        idset r = {0, 0, NULL};
        ids_refs(o, &r, g.conj[c]);
        usable[c] = expr_pushable(g.conj[c]);
        for (int k = 0; k < r.n; k++) {
            bool found = false;
            for (int i = 0; i < g.nrel; i++)
                if (ids_has(&rid[i], r.v[k])) {
                    touch[c] |= 1ull << i;
                    found = true;
                }
            if (!found) usable[c] = false; /* an outer reference: keep above */
        }
    }
    /* Spark's ReorderJoin: keep the FROM order, but each next relation is the first one (in
     * that order) connected to those already joined by an equality; failing that, by any
     * predicate; only when nothing connects, a cross join with the next in order. The
     * physical planner then builds on the smaller side of each join. */
    int start = 0;
    uint64_t have = 1ull << start;
    joined[start] = true;
    cn_lplan *cur = g.rel[start];
    for (int step = 1; step < g.nrel; step++) {
        int best = -1;
        for (int pass = 0; pass < 2 && best < 0; pass++)
            for (int i = 0; i < g.nrel && best < 0; i++) {
                if (joined[i]) continue;
                for (int c = 0; c < g.nconj; c++)
                    if (usable[c] && !used[c] && (touch[c] & (1ull << i)) && (touch[c] & have) &&
                        (touch[c] & ~(have | (1ull << i))) == 0 &&
                        (pass == 1 || (g.conj[c]->kind == CN_EX_CALL && g.conj[c]->func == CN_FN_EQ))) {
                        best = i;
                        break;
                    }
            }
        for (int i = 0; i < g.nrel && best < 0; i++)
            if (!joined[i]) best = i;
        uint64_t now = have | (1ull << best);
        cn_expr **cv = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(g.nconj + 1));
        int nc = 0;
        for (int c = 0; c < g.nconj; c++)
            if (usable[c] && !used[c] && (touch[c] & ~now) == 0) {
                cv[nc++] = g.conj[c];
                used[c] = true;
            }
        cn_lplan *j = cn_lplan_new(o->a, LP_JOIN, 2);
        j->children[0] = cur;
        j->children[1] = g.rel[best];
        j->join_type = JOIN_INNER;
        j->cond = cn_expr_and_all(o->a, cv, nc);
        lp_refresh_out(o, j);
        opt_stats(o, j);
        cur = j;
        have = now;
        joined[best] = true;
    }
    cn_expr **rest = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(g.nconj + 1));
    int nr = 0;
    for (int c = 0; c < g.nconj; c++)
        if (!used[c]) rest[nr++] = g.conj[c];
    if (nr) cur = lp_filter(o, cur, cn_expr_and_all(o->a, rest, nr));
    *pp = lp_project_attrs(o, cur, root->out, root->nout);
    *changed = true;
    return 0;
}

static int reorder_rec(opt *o, cn_lplan **pp, bool *changed)
{
    cn_lplan *p = *pp;
    if (flattenable(p) || (p->kind == LP_FILTER && flattenable(p->children[0]))) {
        return reorder_group(o, pp, changed);
    }
    for (int i = 0; i < p->nchildren; i++)
        if (reorder_rec(o, &p->children[i], changed) != 0) return -1;
    lp_refresh_out(o, p);
    return 0;
}

int opt_joins(opt *o, cn_lplan **pp, bool *changed) { return reorder_rec(o, pp, changed); }
