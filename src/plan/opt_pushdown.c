/*
 * opt_pushdown.c — predicate pushdown and column pruning.
 *
 * Pushdown (Spark's PushDownPredicates family): adjacent Filters combine; a
 * Filter moves below a Project (aliases substituted), a Sort, a Union (one
 * copy per child, columns renamed) and, for conjuncts on grouping columns,
 * an Aggregate. Over a Join each conjunct goes to the side that has all its
 * columns when the join type allows it (never into the null-supplying side
 * of an outer join), and conjuncts over both sides of an inner join become
 * join conditions; join conditions over one side only move into that side.
 * A Filter over a LEFT/RIGHT join whose condition rejects NULLs from the
 * null-supplying side turns the join into an inner join (EliminateOuterJoin).
 * Conjuncts that reach a scan are also recorded in scan->filters (the Filter
 * stays above, as Spark's data filters).
 *
 * A repartition over another collapses as Spark's CollapseRepartition.
 *
 * Pruning walks top-down with the set of attribute ids the ancestors need:
 * Projects and Aggregates drop unused outputs, scans read only needed columns
 * (at least one), Unions drop columns by position, and no-op Projects vanish;
 * adjacent Projects collapse when that duplicates no work.
 */
#include "plan/opt_internal.h"

#include "base/config.h"

/* ----------------------------------------------------------- substitution */

/* Replace columns with ids in out[] by exprs[] (copies). */
static cn_expr *subst(opt *o, const cn_expr *e, const cn_attr *out, cn_expr *const *exprs, int n)
{
    if (e->kind == CN_EX_COL) {
        for (int i = 0; i < n; i++)
            if (out[i].id == e->id) return cn_expr_copy(o->a, exprs[i]);
        return cn_expr_copy(o->a, e);
    }
    if (e->nargs == 0) return cn_expr_copy(o->a, e);
    cn_expr *c = cn_arena_alloc(o->a, sizeof *c);
    *c = *e;
    c->args = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)e->nargs);
    for (int i = 0; i < e->nargs; i++) c->args[i] = subst(o, e->args[i], out, exprs, n);
    return c;
}

static cn_expr *and_all(opt *o, cn_expr **v, int n) { return cn_expr_and_all(o->a, v, n); }

static bool refs_subset_ids(opt *o, const cn_expr *e, const cn_lplan *p) { return expr_refs_within(o, e, p); }

/* Null-intolerant use of a column of `side` in conjunct c (comparison with a direct column). */
static bool rejects_nulls(opt *o, const cn_expr *c, const cn_lplan *side)
{
    if (c->kind == CN_EX_IS_NOT_NULL) return c->args[0]->kind == CN_EX_COL && refs_subset_ids(o, c->args[0], side);
    if (c->kind != CN_EX_CALL) return false;
    switch (c->func) {
    case CN_FN_EQ:
    case CN_FN_NE:
    case CN_FN_LT:
    case CN_FN_LE:
    case CN_FN_GT:
    case CN_FN_GE: break;
    default: return false;
    }
    for (int i = 0; i < c->nargs; i++) {
        const cn_expr *a = c->args[i];
        while (a->kind == CN_EX_CAST || (a->kind == CN_EX_CALL && (a->func == CN_FN_ADD || a->func == CN_FN_SUB ||
                                                                  a->func == CN_FN_MUL || a->func == CN_FN_DIV))) {
            /* arithmetic and casts propagate NULL: follow the first column-bearing arg */
            const cn_expr *next = NULL;
            for (int k = 0; k < a->nargs && !next; k++)
                if (!cn_expr_is_foldable(a->args[k])) next = a->args[k];
            if (!next) break;
            if (next->kind == CN_EX_COL && refs_subset_ids(o, next, side)) return true;
            a = next;
        }
        if (a->kind == CN_EX_COL && refs_subset_ids(o, a, side)) return true;
    }
    return false;
}

static bool contains_conj(cn_expr **v, int n, const cn_expr *e)
{
    for (int i = 0; i < n; i++)
        if (cn_expr_equal(v[i], e)) return true;
    return false;
}

static void record_scan_filters(opt *o, cn_lplan *scan, cn_expr **conj, int n)
{
    for (int i = 0; i < n; i++) {
        if (!expr_pushable(conj[i]) || !refs_subset_ids(o, conj[i], scan)) continue;
        if (contains_conj(scan->filters, scan->nfilters, conj[i])) continue;
        cn_expr **nf = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(scan->nfilters + 2));
        if (scan->nfilters) memcpy(nf, scan->filters, sizeof(cn_expr *) * (size_t)scan->nfilters);
        nf[scan->nfilters++] = cn_expr_copy(o->a, conj[i]);
        scan->filters = nf;
    }
}

/* Push the filter node *pp one step down if possible. */
static void push_filter(opt *o, cn_lplan **pp, bool *changed)
{
    cn_lplan *f = *pp;
    cn_lplan *c = f->children[0];
    cn_expr **conj;
    int n;
    split_conj(o, f->cond, &conj, &n);
    switch (c->kind) {
    case LP_FILTER: {
        cn_expr *args[2] = {c->cond, f->cond};
        c->cond = and_all(o, args, 2);
        *pp = c;
        *changed = true;
        return;
    }
    case LP_SORT:
    case LP_REPARTITION:
    case LP_PROJECT: {
        if (c->kind == LP_PROJECT)
            for (int i = 0; i < c->nexprs; i++)
                if (!cn_expr_is_deterministic(c->exprs[i]) || cn_expr_has_agg(c->exprs[i])) return;
        cn_expr **keep = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        cn_expr **down = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        int nk = 0, nd = 0;
        for (int i = 0; i < n; i++) {
            if (!expr_pushable(conj[i])) {
                keep[nk++] = conj[i];
                continue;
            }
            cn_expr *d = c->kind == LP_PROJECT ? subst(o, conj[i], c->out, c->exprs, c->nexprs) : conj[i];
            /* a predicate over long projected expressions stays above them */
            if (d != conj[i] && cn_expr_deeper_than(d, CN_OPT_MAX_EXPR_DEPTH)) keep[nk++] = conj[i];
            else down[nd++] = d;
        }
        if (nd == 0) return;
        c->children[0] = lp_filter(o, c->children[0], and_all(o, down, nd));
        *pp = nk ? lp_filter(o, c, and_all(o, keep, nk)) : c;
        *changed = true;
        return;
    }
    case LP_AGGREGATE: {
        cn_expr **keep = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        cn_expr **down = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        int nk = 0, nd = 0;
        /* outputs that are grouping expressions */
        cn_attr *gout = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(c->nout + 1));
        cn_expr **gexp = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(c->nout + 1));
        int ng = 0;
        for (int i = 0; i < c->nexprs; i++)
            for (int g = 0; g < c->ngroups; g++)
                if (cn_expr_equal(c->exprs[i], c->groups[g]) && cn_expr_is_deterministic(c->groups[g])) {
                    gout[ng] = c->out[i];
                    gexp[ng++] = c->exprs[i];
                    break;
                }
        cn_lplan tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.nout = ng;
        tmp.out = gout;
        for (int i = 0; i < n; i++) {
            if (c->ngroups > 0 && expr_pushable(conj[i]) && refs_subset_ids(o, conj[i], &tmp))
                down[nd++] = subst(o, conj[i], gout, gexp, ng);
            else keep[nk++] = conj[i];
        }
        if (nd == 0) return;
        c->children[0] = lp_filter(o, c->children[0], and_all(o, down, nd));
        *pp = nk ? lp_filter(o, c, and_all(o, keep, nk)) : c;
        *changed = true;
        return;
    }
    case LP_JOIN: {
        cn_lplan *l = c->children[0], *r = c->children[1];
        cn_join_type jt = c->join_type;
        /* EliminateOuterJoin */
        if (jt == JOIN_LEFT || jt == JOIN_RIGHT || jt == JOIN_FULL) {
            bool rej_r = false, rej_l = false;
            for (int i = 0; i < n; i++) {
                if (rejects_nulls(o, conj[i], r)) rej_r = true;
                if (rejects_nulls(o, conj[i], l)) rej_l = true;
            }
            cn_join_type nt = jt;
            if (jt == JOIN_LEFT && rej_r) nt = JOIN_INNER;
            if (jt == JOIN_RIGHT && rej_l) nt = JOIN_INNER;
            if (jt == JOIN_FULL) nt = rej_l && rej_r ? JOIN_INNER : rej_l ? JOIN_LEFT : rej_r ? JOIN_RIGHT : JOIN_FULL;
            if (nt != jt) {
                c->join_type = nt;
                jt = nt;
                lp_refresh_out(o, c);
                *changed = true;
            }
        }
        cn_expr **keep = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        cn_expr **lv = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        cn_expr **rv = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        cn_expr **jv = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
        int nk = 0, nl = 0, nr = 0, nj = 0;
        bool inner = jt == JOIN_INNER || jt == JOIN_CROSS;
        for (int i = 0; i < n; i++) {
            cn_expr *e = conj[i];
            bool pushable = expr_pushable(e);
            bool in_l = refs_subset_ids(o, e, l), in_r = refs_subset_ids(o, e, r);
            /* an existence join keeps every left row once: a filter on them commutes with it */
            if (pushable && in_l &&
                (inner || jt == JOIN_LEFT || jt == JOIN_LEFT_SEMI || jt == JOIN_LEFT_ANTI || jt == JOIN_EXISTENCE))
                lv[nl++] = e;
            else if (pushable && in_r && (inner || jt == JOIN_RIGHT))
                rv[nr++] = e;
            else if (inner && !cn_expr_has_agg(e) && !cn_expr_has_subquery(e))
                jv[nj++] = e;
            else keep[nk++] = e;
        }
        if (nl + nr + nj == 0) return;
        if (nl) c->children[0] = lp_filter(o, l, and_all(o, lv, nl));
        if (nr) c->children[1] = lp_filter(o, r, and_all(o, rv, nr));
        if (nj) {
            cn_expr **all = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(nj + 2));
            int m = 0;
            if (c->cond) all[m++] = c->cond;
            for (int i = 0; i < nj; i++) all[m++] = jv[i];
            c->cond = and_all(o, all, m);
            if (c->join_type == JOIN_CROSS) c->join_type = JOIN_INNER;
        }
        lp_refresh_out(o, c);
        *pp = nk ? lp_filter(o, c, and_all(o, keep, nk)) : c;
        *changed = true;
        return;
    }
    case LP_UNION: {
        bool all_ok = true;
        for (int i = 0; i < n; i++)
            if (!expr_pushable(conj[i])) all_ok = false;
        if (!all_ok) return;
        for (int k = 0; k < c->nchildren; k++) {
            cn_lplan *ch = c->children[k];
            cn_expr **cols = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(c->nout + 1));
            for (int i = 0; i < c->nout; i++) cols[i] = lp_col(o, &ch->out[i]);
            c->children[k] = lp_filter(o, ch, subst(o, f->cond, c->out, cols, c->nout));
        }
        *pp = c;
        *changed = true;
        return;
    }
    case LP_SCAN: record_scan_filters(o, c, conj, n); return;
    default: return;
    }
}

/* Join conditions over one side move into that side. */
static void push_join_cond(opt *o, cn_lplan *j, bool *changed)
{
    if (!j->cond) return;
    cn_expr **conj;
    int n;
    split_conj(o, j->cond, &conj, &n);
    cn_lplan *l = j->children[0], *r = j->children[1];
    cn_join_type jt = j->join_type;
    bool inner = jt == JOIN_INNER || jt == JOIN_CROSS;
    cn_expr **keep = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
    cn_expr **lv = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
    cn_expr **rv = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(n + 1));
    int nk = 0, nl = 0, nr = 0;
    for (int i = 0; i < n; i++) {
        cn_expr *e = conj[i];
        bool pushable = expr_pushable(e) && !cn_expr_is_foldable(e);
        if (pushable && refs_subset_ids(o, e, l) && (inner || jt == JOIN_RIGHT || jt == JOIN_LEFT_SEMI))
            lv[nl++] = e;
        else if (pushable && refs_subset_ids(o, e, r) &&
                 (inner || jt == JOIN_LEFT || jt == JOIN_LEFT_SEMI || jt == JOIN_LEFT_ANTI || jt == JOIN_EXISTENCE))
            rv[nr++] = e;
        else keep[nk++] = e;
    }
    if (nl + nr == 0) return;
    if (nl) j->children[0] = lp_filter(o, l, and_all(o, lv, nl));
    if (nr) j->children[1] = lp_filter(o, r, and_all(o, rv, nr));
    j->cond = and_all(o, keep, nk);
    lp_refresh_out(o, j);
    *changed = true;
}

/* Spark's CollapseRepartition: a repartition over another drops the lower one (its work is
 * redone above), except that a COALESCE over a shuffling repartition of no more partitions is
 * itself dropped (the shuffle already gives few enough); RepartitionByExpression also drops a
 * global Sort below it, RebalancePartitions any Sort or repartition below it. */
static void collapse_repartition(opt *o, cn_lplan **pp, bool *changed)
{
    cn_lplan *r = *pp, *c = r->children[0];
    bool c_repart = c->kind == LP_REPARTITION && c->repart != REPART_REBALANCE; /* RepartitionOperation */
    bool drop_child = false;
    switch (r->repart) {
    case REPART_NUM:
    case REPART_COALESCE:
        if (!c_repart) return;
        if (r->repart == REPART_COALESCE && c->repart != REPART_COALESCE) {
            int cn = c->num_parts > 0 ? c->num_parts
                                      : (int)cn_conf_get_int(o->ctx->conf, "spark.sql.shuffle.partitions");
            if (r->num_parts >= cn) {
                *pp = c;
                *changed = true;
            }
            return;
        }
        drop_child = true;
        break;
    case REPART_BY_EXPR: drop_child = c_repart || (c->kind == LP_SORT && c->global); break;
    case REPART_REBALANCE: drop_child = c->kind == LP_REPARTITION || c->kind == LP_SORT; break;
    }
    if (!drop_child) return;
    r->children[0] = c->children[0];
    *changed = true;
}

static void pushdown_rec(opt *o, cn_lplan **pp, bool *changed)
{
    for (int guard = 0; guard < 64; guard++) {
        cn_lplan *p = *pp;
        bool ch = false;
        if (p->kind == LP_FILTER) push_filter(o, pp, &ch);
        else if (p->kind == LP_JOIN) push_join_cond(o, p, &ch);
        else if (p->kind == LP_REPARTITION) collapse_repartition(o, pp, &ch);
        if (!ch) break;
        *changed = true;
    }
    cn_lplan *p = *pp;
    for (int i = 0; i < p->nchildren; i++) pushdown_rec(o, &p->children[i], changed);
    lp_refresh_out(o, p);
}

int opt_pushdown(opt *o, cn_lplan **pp, bool *changed)
{
    pushdown_rec(o, pp, changed);
    return 0;
}

/* ------------------------------------------------ disjunctive predicates */

static void flatten_or(cn_expr *e, cn_expr **v, int *n, int cap)
{
    if (e->kind == CN_EX_OR && e->nargs == 2) {
        flatten_or(e->args[0], v, n, cap);
        flatten_or(e->args[1], v, n, cap);
    } else if (*n < cap) {
        v[(*n)++] = e;
    } else {
        *n = cap + 1; /* too many: give up */
    }
}

/* From (a1 AND b1) OR (a2 AND b2) ...: the OR of each disjunct's conjuncts over `side`
 * alone, or NULL when some disjunct says nothing about that side. */
static cn_expr *side_part(opt *o, cn_expr *or_expr, const cn_lplan *side)
{
    enum { MAXD = 64 };
    cn_expr *disj[MAXD];
    int nd = 0;
    flatten_or(or_expr, disj, &nd, MAXD);
    if (nd < 2 || nd > MAXD) return NULL;
    cn_expr *acc = NULL;
    for (int d = 0; d < nd; d++) {
        cn_expr **conj;
        int n, m = 0;
        split_conj(o, disj[d], &conj, &n);
        for (int i = 0; i < n; i++)
            if (expr_pushable(conj[i]) && !cn_expr_is_foldable(conj[i]) && refs_subset_ids(o, conj[i], side))
                conj[m++] = conj[i];
        if (m == 0) return NULL;
        cn_expr *part = and_all(o, conj, m);
        if (!acc) {
            acc = part;
        } else {
            cn_expr *args[2] = {acc, part};
            cn_error e;
            cn_error_init(&e);
            int rc = cn_expr_call(o->a, "or", args, 2, false, false, &acc, &e);
            cn_error_clear(&e);
            if (rc != 0) return NULL;
        }
    }
    return acc;
}

static void extract_rec(opt *o, cn_lplan *p, bool *changed)
{
    for (int i = 0; i < p->nchildren; i++) extract_rec(o, p->children[i], changed);
    if (p->kind != LP_JOIN || !p->cond || (p->join_type != JOIN_INNER && p->join_type != JOIN_CROSS)) return;
    cn_expr **conj;
    int n;
    split_conj(o, p->cond, &conj, &n);
    for (int i = 0; i < n; i++) {
        if (conj[i]->kind != CN_EX_OR || cn_expr_has_subquery(conj[i])) continue;
        for (int s = 0; s < 2; s++) {
            cn_expr *e = side_part(o, conj[i], p->children[s]);
            if (!e) continue;
            p->children[s] = lp_filter(o, p->children[s], e);
            *changed = true;
        }
    }
}

/* Spark's PushExtraPredicateThroughJoin: a join condition's conjunct (a1 AND b1) OR (a2 AND b2),
 * where every disjunct constrains one side, gives that side the filter a1 OR a2 (the
 * condition stays as it is). TPC-H Q7: each nation scan keeps FRANCE and GERMANY only.
 * Run once, after join reordering; pushdown then moves the new filters down. */
int opt_extract_disjuncts(opt *o, cn_lplan **pp, bool *changed)
{
    extract_rec(o, *pp, changed);
    return 0;
}

/* ----------------------------------------------------------------- pruning */

static bool noop_project(const cn_lplan *p)
{
    const cn_lplan *c = p->children[0];
    if (p->nexprs != c->nout) return false;
    for (int i = 0; i < p->nexprs; i++) {
        const cn_expr *e = p->exprs[i];
        if (e->kind != CN_EX_COL || e->id != p->out[i].id || c->out[i].id != e->id) return false;
        if (strcmp(p->out[i].name, c->out[i].name) != 0) return false;
    }
    return true;
}

static int count_refs(const cn_expr *e, int64_t id)
{
    if (!e) return 0;
    int n = e->kind == CN_EX_COL && e->id == id;
    for (int i = 0; i < e->nargs; i++) n += count_refs(e->args[i], id);
    return n;
}

/* Project(Project(x)) -> Project(x) when no non-trivial inner expression is duplicated. */
static bool collapse(opt *o, cn_lplan *p)
{
    cn_lplan *c = p->children[0];
    if (c->kind != LP_PROJECT) return false;
    for (int i = 0; i < c->nexprs; i++) {
        if (!cn_expr_is_deterministic(c->exprs[i]) || cn_expr_has_subquery(c->exprs[i])) return false;
        if (c->exprs[i]->kind == CN_EX_COL || c->exprs[i]->kind == CN_EX_LIT) continue;
        int uses = 0;
        for (int k = 0; k < p->nexprs; k++) uses += count_refs(p->exprs[k], c->out[i].id);
        if (uses > 1) return false;
    }
    cn_expr **merged = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(p->nexprs + 1));
    for (int k = 0; k < p->nexprs; k++) {
        merged[k] = subst(o, p->exprs[k], c->out, c->exprs, c->nexprs);
        /* stacked projections of long expressions stay apart rather than nest into one */
        if (cn_expr_deeper_than(merged[k], CN_OPT_MAX_EXPR_DEPTH)) return false;
    }
    for (int k = 0; k < p->nexprs; k++) p->exprs[k] = merged[k];
    p->children[0] = c->children[0];
    return true;
}

static void prune_rec(opt *o, cn_lplan **pp, idset *req);

/* Spark's ColumnPruning over a Filter or Join: the columns only its condition used go right
 * after it (Project [required]), not up through the exchanges above. */
static void project_required(opt *o, cn_lplan **pp, idset *req)
{
    cn_lplan *p = *pp;
    cn_attr *keep = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(p->nout + 1));
    int m = 0;
    for (int i = 0; i < p->nout; i++)
        if (ids_has(req, p->out[i].id)) keep[m++] = p->out[i];
    if (m == p->nout || m == 0) return;
    *pp = lp_project_attrs(o, p, keep, m);
}

static void prune_child(opt *o, cn_lplan *p, int i, idset *req) { prune_rec(o, &p->children[i], req); }

static void prune_rec(opt *o, cn_lplan **pp, idset *req)
{
    cn_lplan *p = *pp;
    switch (p->kind) {
    case LP_PROJECT: {
        int m = 0;
        for (int i = 0; i < p->nexprs; i++)
            if (ids_has(req, p->out[i].id)) {
                p->exprs[m] = p->exprs[i];
                p->out[m] = p->out[i];
                m++;
            }
        p->nexprs = p->nout = m;
        while (collapse(o, p)) {
        }
        idset cr = {0, 0, NULL};
        for (int i = 0; i < p->nexprs; i++) ids_refs(o, &cr, p->exprs[i]);
        prune_child(o, p, 0, &cr);
        if (noop_project(p)) *pp = p->children[0];
        return;
    }
    case LP_AGGREGATE: {
        if (p->groups == p->exprs) {
            p->groups = cn_arena_alloc(o->a, sizeof(cn_expr *) * (size_t)(p->ngroups + 1));
            memcpy(p->groups, p->exprs, sizeof(cn_expr *) * (size_t)p->ngroups);
        }
        int m = 0;
        for (int i = 0; i < p->nexprs; i++)
            if (ids_has(req, p->out[i].id) || (m == 0 && i == p->nexprs - 1 && p->ngroups == 0)) {
                p->exprs[m] = p->exprs[i];
                p->out[m] = p->out[i];
                m++;
            }
        if (m == 0 && p->nexprs > 0) m = 1; /* keep one output */
        p->nexprs = p->nout = m;
        idset cr = {0, 0, NULL};
        for (int i = 0; i < p->ngroups; i++) ids_refs(o, &cr, p->groups[i]);
        for (int i = 0; i < p->nexprs; i++) ids_refs(o, &cr, p->exprs[i]);
        prune_child(o, p, 0, &cr);
        return;
    }
    case LP_FILTER:
    case LP_SORT:
    case LP_LIMIT:
    case LP_REPARTITION: {
        idset cr = {0, 0, NULL};
        for (int i = 0; i < req->n; i++) ids_add(o, &cr, req->v[i]);
        ids_refs(o, &cr, p->cond);
        for (int i = 0; i < p->norders; i++) ids_refs(o, &cr, p->orders[i].expr);
        for (int i = 0; p->kind == LP_REPARTITION && i < p->nexprs; i++) ids_refs(o, &cr, p->exprs[i]);
        prune_child(o, p, 0, &cr);
        lp_refresh_out(o, p);
        if (p->kind == LP_FILTER) project_required(o, pp, req);
        return;
    }
    case LP_JOIN: {
        idset cr = {0, 0, NULL};
        for (int i = 0; i < req->n; i++) ids_add(o, &cr, req->v[i]);
        ids_refs(o, &cr, p->cond);
        prune_child(o, p, 0, &cr);
        prune_child(o, p, 1, &cr);
        lp_refresh_out(o, p);
        project_required(o, pp, req);
        return;
    }
    case LP_UNION: {
        bool *keep = cn_arena_calloc(o->a, sizeof(bool) * (size_t)(p->nout + 1));
        int m = 0;
        for (int i = 0; i < p->nout; i++)
            if (ids_has(req, p->out[i].id)) keep[i] = true, m++;
        if (m == 0 && p->nout > 0) keep[0] = true, m = 1;
        cn_attr *nout = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(m + 1));
        for (int i = 0, k = 0; i < p->nout; i++)
            if (keep[i]) nout[k++] = p->out[i];
        for (int c = 0; c < p->nchildren; c++) {
            cn_lplan *ch = p->children[c];
            cn_attr *want = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(m + 1));
            idset cr = {0, 0, NULL};
            for (int i = 0, k = 0; i < p->nout; i++)
                if (keep[i]) {
                    want[k++] = ch->out[i];
                    ids_add(o, &cr, ch->out[i].id);
                }
            prune_rec(o, &p->children[c], &cr);
            p->children[c] = lp_project_attrs(o, p->children[c], want, m);
        }
        p->nout = m;
        p->out = nout;
        return;
    }
    case LP_INTERSECT:
    case LP_EXCEPT: {
        for (int c = 0; c < 2; c++) {
            idset cr = {0, 0, NULL};
            ids_out(o, &cr, p->children[c]);
            cn_lplan *ch = p->children[c];
            prune_rec(o, &p->children[c], &cr);
            p->children[c] = lp_project_attrs(o, p->children[c], ch->out, ch->nout);
        }
        return;
    }
    case LP_SCAN:
    case LP_CACHED: {
        /* a cached relation's columns are in its cached order; cols NULL = all of them */
        int m = 0;
        for (int i = 0; i < p->nout; i++)
            if (ids_has(req, p->out[i].id)) m++;
        if (m == p->nout) return;
        int *cols = cn_arena_alloc(o->a, sizeof(int) * (size_t)(m + 2));
        cn_attr *out = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(m + 2));
        int k = 0;
        for (int i = 0; i < p->nout; i++)
            if (ids_has(req, p->out[i].id)) {
                cols[k] = p->cols ? p->cols[i] : i;
                out[k++] = p->out[i];
            }
        if (k == 0 && p->nout > 0) {
            /* nothing needed (count(*)): read the narrowest column */
            int best = 0;
            for (int i = 1; i < p->nout; i++)
                if (cn_type_width(p->out[i].type) < cn_type_width(p->out[best].type)) best = i;
            cols[0] = p->cols ? p->cols[best] : best;
            out[0] = p->out[best];
            k = 1;
        }
        p->ncols = p->nout = k;
        p->cols = cols;
        p->out = out;
        return;
    }
    case LP_LOCAL: {
        int m = 0;
        for (int i = 0; i < p->nout; i++)
            if (ids_has(req, p->out[i].id)) m++;
        if (m == p->nout || m == 0) return;
        int *idx = cn_arena_alloc(o->a, sizeof(int) * (size_t)(m + 1));
        cn_attr *out = cn_arena_calloc(o->a, sizeof(cn_attr) * (size_t)(m + 1));
        int k = 0;
        for (int i = 0; i < p->nout; i++)
            if (ids_has(req, p->out[i].id)) {
                idx[k] = i;
                out[k++] = p->out[i];
            }
        cn_value **rows = cn_arena_alloc(o->a, sizeof(cn_value *) * (size_t)(p->nrows + 1));
        for (int r = 0; r < p->nrows; r++) {
            rows[r] = cn_arena_calloc(o->a, sizeof(cn_value) * (size_t)(m + 1));
            for (int c = 0; c < m; c++) rows[r][c] = p->rows[r][idx[c]];
        }
        p->rows = rows;
        p->nout = m;
        p->out = out;
        return;
    }
    }
}

static int prune_subplans(opt *o, cn_expr *e)
{
    if (!e) return 0;
    if (e->kind == CN_EX_SUBQUERY && e->subq) {
        cn_lplan *sp = e->subq;
        if (opt_prune(o, &sp) != 0) return -1;
        e->subq = sp;
    }
    for (int i = 0; i < e->nargs; i++)
        if (prune_subplans(o, e->args[i]) != 0) return -1;
    return 0;
}

static int prune_all_subplans(opt *o, cn_lplan *p)
{
    if (prune_subplans(o, p->cond) != 0) return -1;
    for (int i = 0; i < p->nexprs; i++)
        if (prune_subplans(o, p->exprs[i]) != 0) return -1;
    for (int i = 0; i < p->nchildren; i++)
        if (prune_all_subplans(o, p->children[i]) != 0) return -1;
    return 0;
}

int opt_prune(opt *o, cn_lplan **pp)
{
    idset req = {0, 0, NULL};
    ids_out(o, &req, *pp);
    cn_lplan *root = *pp;
    int nout = root->nout;
    cn_attr *out = root->out;
    prune_rec(o, pp, &req);
    /* the root keeps its exact output */
    *pp = lp_project_attrs(o, *pp, out, nout);
    return prune_all_subplans(o, *pp);
}
