/*
 * planner.c — from an optimized logical plan to a physical plan.
 *
 * The strategies are Spark's (SparkStrategies): file scans become FileScan
 * with one partition per split of at most maxSplitBytes (Spark's formula:
 * min(maxPartitionBytes, max(openCostInBytes, totalBytes / parallelism)));
 * aggregates split into a partial and a final HashAggregate (two more for a
 * DISTINCT aggregate); equi-joins become BroadcastHashJoin when one side is
 * estimated under spark.sql.autoBroadcastJoinThreshold or hinted, else
 * SortMergeJoin (spark.sql.join.preferSortMergeJoin) or ShuffledHashJoin;
 * joins without equalities become BroadcastNestedLoopJoin; ORDER BY ... LIMIT
 * becomes TakeOrderedAndProject; a global ORDER BY a range-partitioned sort.
 *
 * EnsureRequirements is folded in: when a node needs its children
 * distributed in some way (clustered by keys, ordered, all in one partition)
 * and the child's output partitioning does not already satisfy it, the
 * planner puts an Exchange between them (ensure_*). Expressions are bound to
 * their input's column ordinals as each node is built.
 */
#include "plan/physical.h"

#include "base/config.h"

#include <math.h>
#include <stdio.h>

typedef struct planner {
    cn_plan_ctx *ctx;
    cn_arena *a;
    int shuffle_parts;
    int64_t broadcast_threshold;
    bool prefer_smj;
    bool limit_wraps; /* tests only: CN_REINJECT_LIMIT_OFFSET_OVERFLOW */
} planner;

static cn_pplan *plan_node(planner *p, const cn_lplan *lp, cn_error *err);

cn_pplan *cn_pplan_new(cn_arena *a, cn_pkind kind)
{
    cn_pplan *n = cn_arena_calloc(a, sizeof *n);
    n->kind = kind;
    n->nparts = 1;
    n->part.kind = PART_UNKNOWN;
    n->shuffle_id = -1;
    n->broadcast_id = -1;
    n->limit = -1;
    n->est_rows = n->est_bytes = -1;
    return n;
}

/* ---------------------------------------------------------------- binding */

static void out_ids(const cn_attr *out, int n, int64_t *ids)
{
    for (int i = 0; i < n; i++) ids[i] = out[i].id;
}

/* Copy e and bind its columns to the output of `in`. */
static cn_expr *bind(planner *p, const cn_expr *e, const cn_pplan *in, cn_error *err)
{
    if (!e) return NULL;
    cn_expr *c = cn_expr_copy(p->a, e);
    int64_t *ids = cn_arena_alloc(p->a, sizeof(int64_t) * (size_t)(in->nout + 1));
    out_ids(in->out, in->nout, ids);
    if (cn_expr_bind(c, ids, in->nout, err) != 0) return NULL;
    return c;
}

/* Bind over left ++ right (join conditions). */
static cn_expr *bind2(planner *p, const cn_expr *e, const cn_pplan *l, const cn_pplan *r, cn_error *err)
{
    if (!e) return NULL;
    cn_expr *c = cn_expr_copy(p->a, e);
    int n = l->nout + r->nout;
    int64_t *ids = cn_arena_alloc(p->a, sizeof(int64_t) * (size_t)(n + 1));
    out_ids(l->out, l->nout, ids);
    out_ids(r->out, r->nout, ids + l->nout);
    if (cn_expr_bind(c, ids, n, err) != 0) return NULL;
    return c;
}

static cn_attr *attrs_copy(planner *p, const cn_attr *src, int n)
{
    cn_attr *a = cn_arena_alloc(p->a, sizeof(cn_attr) * (size_t)(n + 1));
    if (n) memcpy(a, src, sizeof(cn_attr) * (size_t)n);
    return a;
}

static cn_pplan *unary(planner *p, cn_pkind kind, cn_pplan *child)
{
    cn_pplan *n = cn_pplan_new(p->a, kind);
    n->nchildren = 1;
    n->children[0] = child;
    n->nparts = child->nparts;
    n->part = child->part;
    n->part_alt = child->part_alt;
    n->nsorted = child->nsorted;
    n->sorted = child->sorted;
    n->sorted_alt = child->sorted_alt;
    n->nout = child->nout;
    n->out = child->out;
    n->est_rows = child->est_rows;
    n->est_bytes = child->est_bytes;
    return n;
}

static bool has_id(const cn_attr *out, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (out[i].id == id) return true;
    return false;
}

/* Does a partitioning's key list survive in `out` (all key columns present)? */
static bool part_survives(const cn_partitioning *pt, const cn_attr *out, int nout)
{
    if (pt->kind != PART_HASH && pt->kind != PART_RANGE) return true;
    for (int k = 0; k < pt->nkeys; k++) {
        const cn_expr *e = pt->kind == PART_HASH ? pt->keys[k] : pt->orders[k].expr;
        if (e->kind != CN_EX_COL || !has_id(out, nout, e->id)) return false;
    }
    return true;
}

static void part_unknown(cn_partitioning *pt)
{
    memset(pt, 0, sizeof *pt);
    pt->kind = PART_UNKNOWN;
}

/* After a projection or join output: drop partitionings whose key columns are gone. */
static void parts_survive(cn_pplan *n)
{
    if (!part_survives(&n->part, n->out, n->nout)) part_unknown(&n->part);
    if (!part_survives(&n->part_alt, n->out, n->nout)) part_unknown(&n->part_alt);
}

static bool cols_in(cn_expr *const *k, int n, const cn_attr *out, int nout)
{
    for (int i = 0; i < n; i++)
        if (k[i]->kind != CN_EX_COL || !has_id(out, nout, k[i]->id)) return false;
    return true;
}

/* After a projection: the sort order holds only if its key columns pass through. */
static void order_survives(cn_pplan *n)
{
    if (n->sorted_alt && !cols_in(n->sorted_alt, n->nsorted, n->out, n->nout)) n->sorted_alt = NULL;
    if (n->nsorted && !cols_in(n->sorted, n->nsorted, n->out, n->nout)) {
        n->sorted = n->sorted_alt;
        n->sorted_alt = NULL;
        if (!n->sorted) n->nsorted = 0;
    }
}

static void order_unknown(cn_pplan *n)
{
    n->nsorted = 0;
    n->sorted = n->sorted_alt = NULL;
}

/* Is `in` already sorted ASC NULLS FIRST on keys (bound expressions over it)? */
static bool sorted_on(const cn_pplan *in, cn_expr **keys, int n)
{
    if (in->nsorted < n) return false;
    cn_expr **lists[2] = {in->sorted, in->sorted_alt};
    for (int l = 0; l < 2; l++) {
        if (!lists[l]) continue;
        bool ok = true;
        for (int i = 0; i < n && ok; i++) ok = cn_expr_equal(lists[l][i], keys[i]);
        if (ok) return true;
    }
    return false;
}

/* ------------------------------------------------------------- exchanges */

static bool same_keys(cn_expr **a, int na, cn_expr **b, int nb)
{
    if (na != nb) return false;
    for (int i = 0; i < na; i++)
        if (!cn_expr_equal(a[i], b[i])) return false;
    return true;
}

/* Exchange hashpartitioning(keys, n) unless child already hash-partitioned so.
 * keys are unbound expressions over child's output. */
static cn_pplan *ensure_hash(planner *p, cn_pplan *child, cn_expr **keys, int nkeys, int n, cn_error *err)
{
    cn_expr **bound = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nkeys + 1));
    for (int i = 0; i < nkeys; i++)
        if (!(bound[i] = bind(p, keys[i], child, err))) return NULL;
    if (child->part.kind == PART_HASH && child->part.n == n && same_keys(child->part.keys, child->part.nkeys, bound, nkeys))
        return child;
    if (child->part_alt.kind == PART_HASH && child->part_alt.n == n &&
        same_keys(child->part_alt.keys, child->part_alt.nkeys, bound, nkeys))
        return child;
    cn_pplan *x = unary(p, PP_EXCHANGE, child);
    part_unknown(&x->part_alt);
    order_unknown(x);
    x->part.kind = PART_HASH;
    x->part.n = n;
    x->part.nkeys = nkeys;
    x->part.keys = bound;
    x->nparts = n;
    x->plan_id = p->ctx->next_plan_id++;
    return x;
}

static cn_pplan *ensure_single(planner *p, cn_pplan *child)
{
    if (child->nparts == 1) return child;
    cn_pplan *x = unary(p, PP_EXCHANGE, child);
    part_unknown(&x->part_alt);
    order_unknown(x);
    memset(&x->part, 0, sizeof x->part);
    x->part.kind = PART_SINGLE;
    x->part.n = 1;
    x->nparts = 1;
    x->plan_id = p->ctx->next_plan_id++;
    return x;
}

static cn_pplan *ensure_range(planner *p, cn_pplan *child, const cn_sort_order *orders, int norders, int n,
                              cn_error *err)
{
    if (child->nparts == 1) return child;
    cn_pplan *x = unary(p, PP_EXCHANGE, child);
    part_unknown(&x->part_alt);
    order_unknown(x);
    memset(&x->part, 0, sizeof x->part);
    x->part.kind = PART_RANGE;
    x->part.n = n;
    x->part.nkeys = norders;
    x->part.orders = cn_arena_alloc(p->a, sizeof(cn_sort_order) * (size_t)(norders + 1));
    for (int i = 0; i < norders; i++) {
        x->part.orders[i] = orders[i];
        if (!(x->part.orders[i].expr = bind(p, orders[i].expr, child, err))) return NULL;
    }
    x->nparts = n;
    x->plan_id = p->ctx->next_plan_id++;
    return x;
}

static cn_pplan *broadcast_exchange(planner *p, cn_pplan *child)
{
    cn_pplan *x = unary(p, PP_BROADCAST_EXCHANGE, child);
    part_unknown(&x->part_alt);
    order_unknown(x);
    memset(&x->part, 0, sizeof x->part);
    x->part.kind = PART_BROADCAST;
    x->nparts = 1;
    x->plan_id = p->ctx->next_plan_id++;
    return x;
}

/* ------------------------------------------------------------------ scans */

static cn_pplan *plan_scan(planner *p, const cn_lplan *lp, cn_error *err)
{
    cn_view *v = lp->view;
    cn_pplan *n = cn_pplan_new(p->a, PP_CSV_SCAN);
    n->view = v;
    n->nout = lp->nout;
    n->out = attrs_copy(p, lp->out, lp->nout);
    n->file_schema = v->source->schema;
    n->ncols = lp->ncols;
    n->cols = cn_arena_memdup(p->a, lp->cols, sizeof(int) * (size_t)(lp->ncols + 1));
    n->nopts = v->source->noptions;
    n->opt_keys = v->source->keys;
    n->opt_vals = v->source->values;
    n->nfilters = lp->nfilters;
    n->filters = lp->filters;
    n->est_rows = lp->est_rows;
    n->est_bytes = lp->est_bytes;

    char **files = NULL;
    int64_t *sizes = NULL;
    bool *splittable = NULL;
    int nfiles = 0;
    if (!p->ctx->list_files)
        return cn_error_setf_detail(err, "INTERNAL_ERROR", "no file lister in the planner context"), NULL;
    if (p->ctx->list_files(p->ctx->list_ud, v, p->a, &files, &sizes, &splittable, &nfiles, err) != 0) return NULL;

    /* Spark's FilePartition.maxSplitBytes */
    int64_t max_part = cn_conf_get_int(p->ctx->conf, "spark.sql.files.maxPartitionBytes");
    if (max_part <= 0) max_part = 128LL << 20;
    const int64_t open_cost = 4LL << 20;
    int64_t total = 0;
    for (int i = 0; i < nfiles; i++) total += sizes[i] + open_cost;
    int par = p->ctx->default_parallelism > 0 ? p->ctx->default_parallelism : 1;
    int64_t per_core = total / par;
    int64_t split = CN_MIN(max_part, CN_MAX(open_cost, per_core));
    /* at most CN_MAX_PARTITIONS splits: a tiny maxPartitionBytes reads larger splits rather
     * than one task (and one array slot) per few bytes */
    int64_t bytes = 0;
    for (int i = 0; i < nfiles; i++) bytes += sizes[i];
    int64_t nfloor = CN_MAX_PARTITIONS - nfiles > 1 ? CN_MAX_PARTITIONS - nfiles : 1;
    if (bytes / split > nfloor) split = bytes / nfloor + 1;
    if (nfiles > CN_MAX_PARTITIONS) {
        char detail[64];
        snprintf(detail, sizeof detail, "more than %d files in one relation", CN_MAX_PARTITIONS);
        return cn_error_set(err, "UNSUPPORTED_FEATURE", "detail", detail, NULL), NULL;
    }

    int64_t cap = 0;
    for (int i = 0; i < nfiles; i++) cap += sizes[i] / split + 1;
    n->splits = cn_arena_alloc(p->a, sizeof(cn_csv_split) * (size_t)(cap + 1));
    for (int i = 0; i < nfiles; i++) {
        int64_t off = 0;
        do {
            /* a file that cannot be cut (compressed, multiLine) is one split */
            int64_t len = splittable && !splittable[i] ? sizes[i] : CN_MIN(split, sizes[i] - off);
            /* fold a small tail (< 10% of a split) into the previous split, as Spark's 1.1 slop */
            if (sizes[i] - off - len > 0 && sizes[i] - off - len < split / 10) len = sizes[i] - off;
            n->splits[n->nsplits].path = files[i];
            n->splits[n->nsplits].start = off;
            n->splits[n->nsplits].length = len;
            n->nsplits++;
            off += len;
        } while (off < sizes[i]);
    }
    if (n->nsplits == 0) {
        /* no data: one empty split keeps the stage shape */
        n->splits[0].path = "";
        n->splits[0].start = 0;
        n->splits[0].length = 0;
        n->nsplits = 1;
    }
    n->nparts = n->nsplits;
    return n;
}

static cn_pplan *plan_local(planner *p, const cn_lplan *lp)
{
    cn_pplan *n = cn_pplan_new(p->a, PP_LOCAL_SCAN);
    n->nout = lp->nout;
    n->out = attrs_copy(p, lp->out, lp->nout);
    n->nrows = lp->nrows;
    n->rows = lp->rows;
    n->nparts = 1;
    n->est_rows = lp->nrows;
    return n;
}

static cn_pplan *plan_cached(planner *p, const cn_lplan *lp)
{
    cn_pplan *n = cn_pplan_new(p->a, PP_CACHE_SCAN);
    n->nout = lp->nout;
    n->out = attrs_copy(p, lp->out, lp->nout);
    n->cache = lp->cache;
    n->ncols = lp->ncols;
    n->cols = lp->cols ? cn_arena_memdup(p->a, lp->cols, sizeof(int) * (size_t)(lp->ncols + 1)) : NULL;
    n->nparts = lp->view && lp->view->cache_parts > 0 ? lp->view->cache_parts : 1;
    n->est_rows = lp->est_rows;
    n->est_bytes = lp->est_bytes;
    return n;
}

/* --------------------------------------------------------- filter/project */

static cn_pplan *plan_filter(planner *p, const cn_lplan *lp, cn_error *err)
{
    cn_pplan *c = plan_node(p, lp->children[0], err);
    if (!c) return NULL;
    cn_pplan *n = unary(p, PP_FILTER, c);
    if (!(n->cond = bind(p, lp->cond, c, err))) return NULL;
    n->est_rows = lp->est_rows;
    n->est_bytes = lp->est_bytes;
    return n;
}

static cn_pplan *make_project(planner *p, cn_pplan *c, int nexprs, cn_expr **exprs, const cn_attr *out, int nout,
                              cn_error *err)
{
    cn_pplan *n = unary(p, PP_PROJECT, c);
    n->nout = nout;
    n->out = attrs_copy(p, out, nout);
    n->nexprs = nexprs;
    n->exprs = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nexprs + 1));
    for (int i = 0; i < nexprs; i++)
        if (!(n->exprs[i] = bind(p, exprs[i], c, err))) return NULL;
    parts_survive(n);
    order_survives(n);
    return n;
}

static cn_pplan *plan_project(planner *p, const cn_lplan *lp, cn_error *err)
{
    cn_pplan *c = plan_node(p, lp->children[0], err);
    if (!c) return NULL;
    cn_pplan *n = make_project(p, c, lp->nexprs, lp->exprs, lp->out, lp->nout, err);
    if (n) {
        n->est_rows = lp->est_rows;
        n->est_bytes = lp->est_bytes;
    }
    return n;
}

/* -------------------------------------------------------------- aggregate */

typedef struct agg_split {
    int nkeys;
    cn_expr **keys;      /* grouping expressions over the input (unbound) */
    cn_attr *key_attrs;  /* their output attributes */
    int naggs;
    cn_expr **aggs;      /* distinct CN_EX_AGG calls */
    cn_attr *agg_attrs;  /* attributes of their results */
    cn_expr **result;    /* lp->exprs rewritten over key_attrs ++ agg_attrs */
} agg_split;

static cn_expr *col_of(planner *p, const cn_attr *a)
{
    return cn_expr_col(p->a, a->id, a->name, a->type, a->nullable);
}

/* Replace aggregate calls and grouping expressions in e by references to their attributes. */
static cn_expr *rewrite_result(planner *p, agg_split *s, const cn_expr *e)
{
    for (int i = 0; i < s->naggs; i++)
        if (cn_expr_equal(e, s->aggs[i])) return col_of(p, &s->agg_attrs[i]);
    for (int i = 0; i < s->nkeys; i++)
        if (cn_expr_equal(e, s->keys[i])) return col_of(p, &s->key_attrs[i]);
    if (e->nargs == 0) return cn_expr_copy(p->a, e);
    cn_expr *c = cn_arena_alloc(p->a, sizeof *c);
    *c = *e;
    c->args = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)e->nargs);
    for (int i = 0; i < e->nargs; i++) c->args[i] = rewrite_result(p, s, e->args[i]);
    return c;
}

static void collect_aggs(planner *p, agg_split *s, const cn_expr *e, int *cap)
{
    if (e->kind == CN_EX_AGG) {
        for (int i = 0; i < s->naggs; i++)
            if (cn_expr_equal(e, s->aggs[i])) return;
        if (s->naggs == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            cn_expr **na = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)*cap);
            if (s->naggs) memcpy(na, s->aggs, sizeof(cn_expr *) * (size_t)s->naggs);
            s->aggs = na;
        }
        s->aggs[s->naggs++] = (cn_expr *)e;
        return;
    }
    for (int i = 0; i < e->nargs; i++) collect_aggs(p, s, e->args[i], cap);
}

static void split_aggregate(planner *p, const cn_lplan *lp, agg_split *s)
{
    memset(s, 0, sizeof *s);
    s->nkeys = lp->ngroups;
    s->keys = lp->groups;
    s->key_attrs = cn_arena_calloc(p->a, sizeof(cn_attr) * (size_t)(s->nkeys + 1));
    for (int i = 0; i < s->nkeys; i++) {
        const cn_expr *g = s->keys[i];
        cn_attr *a = &s->key_attrs[i];
        if (g->kind == CN_EX_COL) {
            a->id = g->id;
            a->name = g->name;
        } else {
            cn_strbuf sb;
            cn_sb_init(&sb);
            cn_expr_sql(g, &sb);
            a->id = cn_next_attr_id();
            a->name = cn_arena_strdup(p->a, sb.s ? sb.s : "_groupingexpression");
            cn_sb_free(&sb);
        }
        a->type = g->type;
        a->nullable = g->nullable;
    }
    int cap = 0;
    for (int i = 0; i < lp->nexprs; i++) collect_aggs(p, s, lp->exprs[i], &cap);
    s->agg_attrs = cn_arena_calloc(p->a, sizeof(cn_attr) * (size_t)(s->naggs + 1));
    for (int i = 0; i < s->naggs; i++) {
        cn_strbuf sb;
        cn_sb_init(&sb);
        cn_expr_sql(s->aggs[i], &sb);
        s->agg_attrs[i].id = cn_next_attr_id();
        s->agg_attrs[i].name = cn_arena_strdup(p->a, sb.s ? sb.s : "agg");
        s->agg_attrs[i].type = s->aggs[i]->type;
        s->agg_attrs[i].nullable = true;
        cn_sb_free(&sb);
    }
    s->result = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(lp->nexprs + 1));
    for (int i = 0; i < lp->nexprs; i++) s->result[i] = rewrite_result(p, s, lp->exprs[i]);
}

/* One HashAggregate node. keys: unbound over `child` output; key_attrs its output names.
 * aggs: CN_EX_AGG calls whose args are over child's output (PARTIAL/COMPLETE). */
static cn_pplan *hash_agg(planner *p, cn_pplan *child, cn_agg_mode mode, int nkeys, cn_expr **keys,
                          const cn_attr *key_attrs, int naggs, cn_expr **aggs, const cn_attr *agg_attrs,
                          const cn_agg *prepared, int nresult, cn_expr **result, const cn_attr *result_attrs,
                          cn_error *err)
{
    cn_pplan *n = unary(p, PP_HASH_AGG, child);
    n->agg_mode = mode;
    n->nkeys = nkeys;
    n->keys = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nkeys + 1));
    for (int i = 0; i < nkeys; i++)
        if (!(n->keys[i] = bind(p, keys[i], child, err))) return NULL;
    n->naggs = naggs;
    n->aggs = cn_arena_calloc(p->a, sizeof(cn_agg) * (size_t)(naggs + 1));
    n->agg_args = cn_arena_calloc(p->a, sizeof(cn_expr *) * (size_t)(naggs + 1));
    n->agg_exprs = aggs;
    for (int i = 0; i < naggs; i++) {
        n->aggs[i] = prepared[i];
        if (mode == AGG_PARTIAL || mode == AGG_COMPLETE) {
            const cn_expr *ag = aggs[i];
            if (!ag->is_star && ag->nargs > 0)
                if (!(n->agg_args[i] = bind(p, ag->args[0], child, err))) return NULL;
        }
    }
    if (mode == AGG_PARTIAL || mode == AGG_PARTIAL_MERGE) {
        /* output: keys ++ state columns */
        int nstate = 0;
        for (int i = 0; i < naggs; i++) nstate += prepared[i].nstate;
        n->nout = nkeys + nstate;
        n->out = cn_arena_calloc(p->a, sizeof(cn_attr) * (size_t)(n->nout + 1));
        for (int i = 0; i < nkeys; i++) n->out[i] = key_attrs[i];
        int o = nkeys;
        for (int i = 0; i < naggs; i++)
            for (int k = 0; k < prepared[i].nstate; k++, o++) {
                n->out[o].id = cn_next_attr_id();
                n->out[o].name = cn_arena_printf(p->a, "%s_state%d", agg_attrs[i].name, k);
                n->out[o].type = prepared[i].state_types[k];
                n->out[o].nullable = true;
            }
    } else {
        /* result expressions over keys ++ agg results */
        cn_pplan tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.nout = nkeys + naggs;
        tmp.out = cn_arena_calloc(p->a, sizeof(cn_attr) * (size_t)(tmp.nout + 1));
        for (int i = 0; i < nkeys; i++) tmp.out[i] = key_attrs[i];
        for (int i = 0; i < naggs; i++) tmp.out[nkeys + i] = agg_attrs[i];
        n->nexprs = nresult;
        n->exprs = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nresult + 1));
        for (int i = 0; i < nresult; i++)
            if (!(n->exprs[i] = bind(p, result[i], &tmp, err))) return NULL;
        n->nout = nresult;
        n->out = attrs_copy(p, result_attrs, nresult);
    }
    if (!part_survives(&n->part, n->out, n->nout)) part_unknown(&n->part);
    part_unknown(&n->part_alt);
    order_unknown(n);
    return n;
}

static int prepare_aggs(planner *p, int naggs, cn_expr **aggs, cn_agg **out, cn_error *err)
{
    cn_agg *pr = cn_arena_calloc(p->a, sizeof(cn_agg) * (size_t)(naggs + 1));
    for (int i = 0; i < naggs; i++) {
        const cn_expr *ag = aggs[i];
        cn_type in = ag->nargs > 0 ? ag->args[0]->type : cn_type_of(CN_NULL);
        if (cn_agg_prepare(&pr[i], ag->func, in, ag->is_star, err) != 0) return -1;
        pr[i].distinct = ag->distinct;
        pr[i].legacy = !cn_conf_get_bool(p->ctx->conf, "spark.sql.ansi.enabled");
    }
    *out = pr;
    return 0;
}

static cn_expr **key_cols(planner *p, const cn_attr *attrs, int n)
{
    cn_expr **k = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) k[i] = col_of(p, &attrs[i]);
    return k;
}

/* Aggregate with DISTINCT aggregates (all over the same single argument):
 * Spark's planAggregateWithOneDistinct, restricted to that case:
 *   distinct: HashAggregate(keys=[g, d]) <- Exchange(g, d) <- HashAggregate(keys=[g, d])
 *   then:     HashAggregate(keys=[g], f(d)) <- Exchange(g) <- HashAggregate(keys=[g], partial_f(d)) */
static cn_pplan *plan_distinct_agg(planner *p, const cn_lplan *lp, agg_split *s, cn_pplan *child, cn_error *err)
{
    const cn_expr *darg = NULL;
    for (int i = 0; i < s->naggs; i++) {
        const cn_expr *ag = s->aggs[i];
        if (!ag->distinct || ag->nargs != 1 || (darg && !cn_expr_equal(darg, ag->args[0]))) {
            cn_error_set(err, "UNSUPPORTED_FEATURE", "detail",
                         "aggregates mixing DISTINCT and non-DISTINCT arguments", NULL);
            return NULL;
        }
        darg = ag->args[0];
    }
    /* keys g ++ d */
    int nk = s->nkeys + 1;
    cn_expr **k1 = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nk + 1));
    cn_attr *k1a = cn_arena_calloc(p->a, sizeof(cn_attr) * (size_t)(nk + 1));
    for (int i = 0; i < s->nkeys; i++) {
        k1[i] = s->keys[i];
        k1a[i] = s->key_attrs[i];
    }
    k1[s->nkeys] = (cn_expr *)darg;
    if (darg->kind == CN_EX_COL) {
        k1a[s->nkeys].id = darg->id;
        k1a[s->nkeys].name = darg->name;
    } else {
        k1a[s->nkeys].id = cn_next_attr_id();
        k1a[s->nkeys].name = "_distinct";
    }
    k1a[s->nkeys].type = darg->type;
    k1a[s->nkeys].nullable = true;

    cn_pplan *a1 = hash_agg(p, child, AGG_PARTIAL, nk, k1, k1a, 0, NULL, NULL, NULL, 0, NULL, NULL, err);
    if (!a1) return NULL;
    cn_expr **k1c = key_cols(p, k1a, nk);
    cn_pplan *x1 = ensure_hash(p, a1, k1c, nk, p->shuffle_parts, err);
    if (!x1) return NULL;
    cn_pplan *a2 = hash_agg(p, x1, AGG_PARTIAL_MERGE, nk, k1c, k1a, 0, NULL, NULL, NULL, 0, NULL, NULL, err);
    if (!a2) return NULL;

    /* aggregates now over the distinct column: f(d) without DISTINCT */
    cn_expr **aggs2 = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(s->naggs + 1));
    for (int i = 0; i < s->naggs; i++) {
        cn_expr *c = cn_expr_copy(p->a, s->aggs[i]);
        c->args[0] = col_of(p, &k1a[s->nkeys]);
        aggs2[i] = c;
    }
    cn_agg *prep;
    if (prepare_aggs(p, s->naggs, aggs2, &prep, err) != 0) return NULL;
    for (int i = 0; i < s->naggs; i++) prep[i].distinct = true;
    cn_expr **gk = key_cols(p, s->key_attrs, s->nkeys);
    cn_pplan *a3 = hash_agg(p, a2, AGG_PARTIAL, s->nkeys, gk, s->key_attrs, s->naggs, aggs2, s->agg_attrs, prep, 0,
                            NULL, NULL, err);
    if (!a3) return NULL;
    a3->agg_exprs = s->aggs; /* EXPLAIN: partial_count(distinct x) */
    cn_pplan *x2 = s->nkeys ? ensure_hash(p, a3, gk, s->nkeys, p->shuffle_parts, err) : ensure_single(p, a3);
    if (!x2) return NULL;
    cn_pplan *a4 = hash_agg(p, x2, AGG_FINAL, s->nkeys, gk, s->key_attrs, s->naggs, aggs2, s->agg_attrs, prep,
                            lp->nexprs, s->result, lp->out, err);
    if (a4) a4->agg_exprs = s->aggs;
    return a4;
}

static cn_pplan *plan_aggregate(planner *p, const cn_lplan *lp, cn_error *err)
{
    cn_pplan *child = plan_node(p, lp->children[0], err);
    if (!child) return NULL;
    agg_split s;
    split_aggregate(p, lp, &s);
    bool any_distinct = false;
    for (int i = 0; i < s.naggs; i++) {
        /* min/max/any are insensitive to duplicates: DISTINCT is a no-op for them */
        if (s.aggs[i]->distinct && (s.aggs[i]->func == CN_AGG_MIN || s.aggs[i]->func == CN_AGG_MAX)) continue;
        if (s.aggs[i]->distinct) any_distinct = true;
    }
    cn_pplan *n;
    if (any_distinct) {
        n = plan_distinct_agg(p, lp, &s, child, err);
    } else {
        cn_agg *prep;
        if (prepare_aggs(p, s.naggs, s.aggs, &prep, err) != 0) return NULL;
        cn_pplan *partial = hash_agg(p, child, AGG_PARTIAL, s.nkeys, s.keys, s.key_attrs, s.naggs, s.aggs,
                                     s.agg_attrs, prep, 0, NULL, NULL, err);
        if (!partial) return NULL;
        cn_expr **gk = key_cols(p, s.key_attrs, s.nkeys);
        cn_pplan *x = s.nkeys ? ensure_hash(p, partial, gk, s.nkeys, p->shuffle_parts, err) : ensure_single(p, partial);
        if (!x) return NULL;
        n = hash_agg(p, x, AGG_FINAL, s.nkeys, gk, s.key_attrs, s.naggs, s.aggs, s.agg_attrs, prep, lp->nexprs,
                     s.result, lp->out, err);
    }
    if (n) {
        n->est_rows = lp->est_rows;
        n->est_bytes = lp->est_bytes;
        /* the final aggregate is hash-partitioned by its key columns when they pass through */
        if (n->part.kind == PART_HASH) {
            bool ok = true;
            cn_expr **keys = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(n->part.nkeys + 1));
            for (int k = 0; k < n->part.nkeys && ok; k++) {
                const cn_expr *key = n->part.keys[k];
                int found = -1;
                for (int i = 0; i < lp->nexprs && found < 0; i++) {
                    const cn_expr *r = s.result[i];
                    if (key->kind == CN_EX_COL && r->kind == CN_EX_COL && r->id == key->id) found = i;
                }
                if (found < 0) ok = false;
                else {
                    keys[k] = col_of(p, &lp->out[found]);
                    keys[k]->index = found;
                }
            }
            if (ok) n->part.keys = keys;
            else n->part.kind = PART_UNKNOWN;
        }
    }
    return n;
}

/* ------------------------------------------------------------------ joins */

static bool refs_only(const cn_expr *e, const cn_lplan *side)
{
    int64_t ids[1024];
    int n = CN_MIN(side->nout, 1024);
    for (int i = 0; i < n; i++) ids[i] = side->out[i].id;
    return cn_expr_refs_subset(e, ids, n);
}

static bool can_build_right(cn_join_type t)
{
    return t == JOIN_INNER || t == JOIN_CROSS || t == JOIN_LEFT || t == JOIN_LEFT_SEMI || t == JOIN_LEFT_ANTI ||
           t == JOIN_EXISTENCE;
}
static bool can_build_left(cn_join_type t) { return t == JOIN_INNER || t == JOIN_CROSS || t == JOIN_RIGHT; }

bool cn_join_can_build(cn_join_type t, int side) { return side ? can_build_right(t) : can_build_left(t); }

bool cn_join_drops_unmatched(cn_join_type t, int side)
{
    switch (t) {
    case JOIN_INNER:
    case JOIN_CROSS:
    case JOIN_LEFT_SEMI: return true; /* a semi join's right rows only ever matter by matching */
    case JOIN_LEFT:
    case JOIN_LEFT_ANTI:
    case JOIN_EXISTENCE: return side == 1; /* every left row comes out, flagged */
    case JOIN_RIGHT: return side == 0;
    default: return false;
    }
}

static void join_output(planner *p, cn_pplan *n, const cn_lplan *lp)
{
    n->nout = lp->nout;
    n->out = attrs_copy(p, lp->out, lp->nout);
}

/* coalesce(e, <zero of e's type>) and isnull(e): the hashable form of e in `e <=> x`. */
static int null_safe_keys(planner *p, cn_expr *e, cn_expr *out[2], cn_error *err)
{
    cn_value zero;
    memset(&zero, 0, sizeof zero);
    zero.type = e->type;
    cn_expr *args[2] = {e, cn_expr_lit(p->a, zero)};
    if (cn_expr_call(p->a, "coalesce", args, 2, false, false, &out[0], err) != 0) return -1;
    cn_expr *one[1] = {e};
    return cn_expr_call(p->a, "isnull", one, 1, false, false, &out[1], err);
}

/* Key arrays hold one entry per conjunct; a null-safe conjunct needs two. */
static cn_expr **grow_keys(planner *p, cn_expr **k, int n, int nconj)
{
    cn_expr **g = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(2 * nconj + 2));
    if (n) memcpy(g, k, sizeof(cn_expr *) * (size_t)n);
    return g;
}

static cn_pplan *plan_join(planner *p, const cn_lplan *lp, cn_error *err)
{
    const cn_lplan *L = lp->children[0], *R = lp->children[1];
    cn_join_type jt = lp->join_type;
    /* split the condition into equi-join keys and the rest */
    cn_expr **conj = NULL;
    int nconj = 0, cap = 0;
    if (lp->cond) cn_expr_split_and(cn_expr_copy(p->a, lp->cond), &conj, &nconj, &cap);
    cn_expr **lk = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nconj + 1));
    cn_expr **rk = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nconj + 1));
    cn_expr **rest = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nconj + 1));
    int nkeys = 0, nrest = 0;
    for (int i = 0; i < nconj; i++) {
        cn_expr *c = conj[i];
        bool eq = c->kind == CN_EX_CALL && c->func == CN_FN_EQ, eq_ns = c->kind == CN_EX_CALL && c->func == CN_FN_EQ_NS;
        if ((eq || eq_ns) && c->nargs == 2 && !cn_expr_has_subquery(c)) {
            cn_expr *a = c->args[0], *b = c->args[1];
            bool a_has_cols = !cn_expr_is_foldable(a), b_has_cols = !cn_expr_is_foldable(b);
            if (a_has_cols && b_has_cols && refs_only(a, R) && refs_only(b, L)) {
                cn_expr *t = a;
                a = b;
                b = t;
            }
            if (a_has_cols && b_has_cols && refs_only(a, L) && refs_only(b, R)) {
                if (eq) {
                    lk[nkeys] = a;
                    rk[nkeys++] = b;
                    continue;
                }
                /* a <=> b: hash on (coalesce(a, default), isnull(a)), as Spark's ExtractEquiJoinKeys */
                cn_expr *ka[2], *kb[2];
                if (null_safe_keys(p, a, ka, err) != 0 || null_safe_keys(p, b, kb, err) != 0) return NULL;
                lk = grow_keys(p, lk, nkeys, nconj);
                rk = grow_keys(p, rk, nkeys, nconj);
                lk[nkeys] = ka[0];
                rk[nkeys++] = kb[0];
                lk[nkeys] = ka[1];
                rk[nkeys++] = kb[1];
                continue;
            }
        }
        rest[nrest++] = c;
    }
    free(conj);
    cn_expr *extra = cn_expr_and_all(p->a, rest, nrest);

    cn_pplan *left = plan_node(p, L, err);
    if (!left) return NULL;
    cn_pplan *right = plan_node(p, R, err);
    if (!right) return NULL;

    double lb = L->est_bytes, rb = R->est_bytes;
    int64_t thr = p->broadcast_threshold;
    bool hint_l = lp->hint == 1, hint_r = lp->hint == 2;
    bool bl = can_build_left(jt) && (hint_l || (thr >= 0 && lb >= 0 && lb <= (double)thr));
    bool br = can_build_right(jt) && (hint_r || (thr >= 0 && rb >= 0 && rb <= (double)thr));
    if (lp->null_aware) {
        /* NOT IN (and IN where NULL shows): a NULL anywhere on the build side decides for
         * every probe row, so the build side must be whole in each task — broadcast it, as
         * Spark does */
        br = true;
        bl = false;
    }
    if (bl && br) {
        if (hint_l && !hint_r) br = false;
        else if (hint_r && !hint_l) bl = false;
        else if (lb < rb) br = false;
        else bl = false;
    }

    cn_pplan *n;
    if (nkeys > 0 && (bl || br)) {
        n = cn_pplan_new(p->a, PP_HASH_JOIN);
        n->broadcast = true;
        n->build_right = br ? 1 : 0;
        if (br) right = broadcast_exchange(p, right);
        else left = broadcast_exchange(p, left);
        cn_pplan *stream = br ? left : right;
        n->nparts = stream->nparts;
        n->part = stream->part;
        n->part_alt = stream->part_alt;
    } else if (nkeys > 0) {
        bool smj = p->prefer_smj || lp->hint == 3 || jt == JOIN_FULL;
        if (lp->hint == 4) smj = false;
        n = cn_pplan_new(p->a, smj ? PP_SMJ : PP_HASH_JOIN);
        left = ensure_hash(p, left, lk, nkeys, p->shuffle_parts, err);
        if (!left) return NULL;
        right = ensure_hash(p, right, rk, nkeys, p->shuffle_parts, err);
        if (!right) return NULL;
        if (smj) {
            /* SortMergeJoin requires both children sorted on the keys: Sort [k ASC NULLS FIRST], false */
            cn_pplan *sides[2] = {left, right};
            cn_expr **ks[2] = {lk, rk};
            for (int s = 0; s < 2; s++) {
                cn_expr **bk = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nkeys + 1));
                for (int k = 0; k < nkeys; k++)
                    if (!(bk[k] = bind(p, ks[s][k], sides[s], err))) return NULL;
                if (sorted_on(sides[s], bk, nkeys)) continue; /* e.g. the output of another SMJ */
                cn_pplan *srt = unary(p, PP_SORT, sides[s]);
                srt->norders = nkeys;
                srt->orders = cn_arena_calloc(p->a, sizeof(cn_sort_order) * (size_t)(nkeys + 1));
                for (int k = 0; k < nkeys; k++) {
                    srt->orders[k].expr = bk[k];
                    srt->orders[k].nulls_first = true;
                }
                srt->global = false;
                srt->nsorted = nkeys;
                srt->sorted = bk;
                srt->sorted_alt = NULL;
                sides[s] = srt;
            }
            left = sides[0];
            right = sides[1];
            n->norders = nkeys;
        } else {
            /* ShuffledHashJoin builds the smaller side it may build */
            bool r_ok = can_build_right(jt), l_ok = can_build_left(jt);
            n->build_right = r_ok && (!l_ok || rb < 0 || lb < 0 || rb <= lb) ? 1 : 0;
            if (!r_ok && !l_ok) n->build_right = 1; /* FULL OUTER: build right */
        }
        n->nparts = left->nparts;
        n->part = left->part;
        /* an inner join's output is as well partitioned by its right keys (Spark's
         * PartitioningCollection); an outer join nulls the keys of its outer side's unmatched
         * rows: a left join keeps the left partitioning, a right join the right one, a full
         * join none */
        if (jt == JOIN_INNER || jt == JOIN_CROSS) n->part_alt = right->part;
        else part_unknown(&n->part_alt);
        if (jt == JOIN_RIGHT) n->part = right->part;
        if (jt == JOIN_FULL) part_unknown(&n->part);
    } else {
        /* no equi keys: BroadcastNestedLoopJoin */
        n = cn_pplan_new(p->a, PP_NL_JOIN);
        n->broadcast = true;
        bool r = can_build_right(jt) || jt == JOIN_FULL;
        if (jt == JOIN_INNER || jt == JOIN_CROSS) r = !(lb >= 0 && rb >= 0 && lb < rb);
        n->build_right = r ? 1 : 0;
        if (r) right = broadcast_exchange(p, right);
        else left = broadcast_exchange(p, left);
        cn_pplan *stream = r ? left : right;
        if (jt == JOIN_FULL && stream->nparts > 1) {
            /* full outer with a broadcast side must see the streamed side in one task */
            if (r) left = ensure_single(p, left);
            else right = ensure_single(p, right);
            stream = r ? left : right;
        }
        n->nparts = stream->nparts;
        n->part = stream->part;
        n->part_alt = stream->part_alt;
    }
    n->nchildren = 2;
    n->children[0] = left;
    n->children[1] = right;
    n->join_type = jt;
    n->null_aware = lp->null_aware;
    n->njoin_keys = nkeys;
    n->left_keys = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nkeys + 1));
    n->right_keys = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(nkeys + 1));
    for (int k = 0; k < nkeys; k++) {
        if (!(n->left_keys[k] = bind(p, lk[k], left, err))) return NULL;
        if (!(n->right_keys[k] = bind(p, rk[k], right, err))) return NULL;
    }
    if (extra && !(n->cond = bind2(p, extra, left, right, err))) return NULL;
    join_output(p, n, lp);
    parts_survive(n);
    if (n->kind == PP_SMJ && jt == JOIN_INNER) {
        /* the merge streams the sorted left side: output sorted on the left keys, and on the
         * (equal) right keys */
        n->nsorted = nkeys;
        n->sorted = n->left_keys;
        n->sorted_alt = n->right_keys;
        order_survives(n);
    }
    n->est_rows = lp->est_rows;
    n->est_bytes = lp->est_bytes;
    return n;
}

/* ------------------------------------------------------- sort/limit/union */

static cn_sort_order *bind_orders(planner *p, const cn_sort_order *o, int n, const cn_pplan *in, cn_error *err)
{
    cn_sort_order *b = cn_arena_calloc(p->a, sizeof(cn_sort_order) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        b[i] = o[i];
        if (!(b[i].expr = bind(p, o[i].expr, in, err))) return NULL;
    }
    return b;
}

static cn_pplan *plan_sort(planner *p, const cn_lplan *lp, cn_error *err)
{
    cn_pplan *c = plan_node(p, lp->children[0], err);
    if (!c) return NULL;
    if (lp->global) c = ensure_range(p, c, lp->orders, lp->norders, p->shuffle_parts, err);
    if (!c) return NULL;
    cn_pplan *n = unary(p, PP_SORT, c);
    n->norders = lp->norders;
    if (!(n->orders = bind_orders(p, lp->orders, lp->norders, c, err))) return NULL;
    n->global = lp->global;
    return n;
}

/* DISTRIBUTE BY, CLUSTER BY and the partitioning hints, as Spark's BasicOperators strategy: a
 * RepartitionByExpression or RebalancePartitions is a shuffle exchange on its partitioning
 * (hash on the keys, range on sort keys, round robin on neither), Repartition(n, shuffle) a
 * round-robin exchange, Repartition(n, no shuffle) a Coalesce. The exchange is always made
 * (the user asked for it) and its origin says why: REPARTITION_BY_NUM when the user gave the
 * count (adaptive execution keeps it), REPARTITION_BY_COL otherwise, REBALANCE_PARTITIONS_BY_*
 * for REBALANCE and a parameterless REPARTITION. */
static cn_pplan *plan_repartition(planner *p, const cn_lplan *lp, cn_error *err)
{
    cn_pplan *c = plan_node(p, lp->children[0], err);
    if (!c) return NULL;
    bool num = lp->num_parts > 0;
    int n = num ? lp->num_parts : p->shuffle_parts;
    if (lp->repart == REPART_COALESCE) {
        cn_pplan *x = unary(p, PP_COALESCE, c);
        part_unknown(&x->part_alt);
        order_unknown(x);
        memset(&x->part, 0, sizeof x->part);
        x->part.kind = n == 1 ? PART_SINGLE : PART_UNKNOWN;
        x->part.n = n;
        x->nparts = CN_MAX(1, CN_MIN(n, c->nparts));
        return x;
    }
    cn_pplan *x = unary(p, PP_EXCHANGE, c);
    part_unknown(&x->part_alt);
    order_unknown(x);
    memset(&x->part, 0, sizeof x->part);
    x->part.n = n;
    x->nparts = n;
    x->plan_id = p->ctx->next_plan_id++;
    bool rebalance = lp->repart == REPART_REBALANCE;
    if (lp->repart == REPART_NUM) {
        x->part.kind = PART_ROUND_ROBIN;
        x->origin = ORIGIN_REPARTITION_BY_NUM;
    } else if (lp->norders > 0) {
        x->part.kind = PART_RANGE;
        x->part.nkeys = lp->norders;
        if (!(x->part.orders = bind_orders(p, lp->orders, lp->norders, c, err))) return NULL;
        x->origin = num ? ORIGIN_REPARTITION_BY_NUM : ORIGIN_REPARTITION_BY_COL;
    } else if (lp->nexprs > 0) {
        x->part.kind = PART_HASH;
        x->part.nkeys = lp->nexprs;
        x->part.keys = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(lp->nexprs + 1));
        for (int i = 0; i < lp->nexprs; i++)
            if (!(x->part.keys[i] = bind(p, lp->exprs[i], c, err))) return NULL;
        x->origin = rebalance ? ORIGIN_REBALANCE_BY_COL : num ? ORIGIN_REPARTITION_BY_NUM : ORIGIN_REPARTITION_BY_COL;
    } else {
        x->part.kind = PART_ROUND_ROBIN;
        x->origin = num && !rebalance ? ORIGIN_REPARTITION_BY_NUM : ORIGIN_REBALANCE_BY_NONE;
    }
    return x;
}

/* The rows a limit with an offset must keep below it: limit + offset, or -1 (no limit), held at
 * INT64_MAX instead of wrapping around (LIMIT 9223372036854775807 OFFSET 1 keeps every row). */
static int64_t limit_keep(const planner *p, int64_t limit, int64_t offset)
{
    if (limit < 0) return -1;
    if (offset <= 0) return limit;
    if (p->limit_wraps) { /* the old bug, for tests: the sum wraps, and a wrapped count kept no rows */
        int64_t wrapped = (int64_t)((uint64_t)limit + (uint64_t)offset);
        return wrapped < 0 ? 0 : wrapped;
    }
    return offset > INT64_MAX - limit ? INT64_MAX : limit + offset;
}

/* TakeOrderedAndProject: local top-N per partition, one hidden single-partition exchange,
 * then the final top-N (with the projection) in one task. */
static cn_pplan *plan_topn(planner *p, const cn_lplan *limit, const cn_lplan *proj, const cn_lplan *sort,
                           cn_error *err)
{
    cn_pplan *c = plan_node(p, sort->children[0], err);
    if (!c) return NULL;
    int64_t keep = limit_keep(p, limit->limit, limit->offset);
    cn_pplan *local = unary(p, PP_TOPN, c);
    local->limit = keep;
    local->norders = sort->norders;
    if (!(local->orders = bind_orders(p, sort->orders, sort->norders, c, err))) return NULL;
    local->hidden = true;
    cn_pplan *x = ensure_single(p, local);
    if (x != local) x->hidden = true;
    cn_pplan *fin = unary(p, PP_TOPN, x);
    fin->limit = limit->limit;
    fin->offset = limit->offset > 0 ? limit->offset : 0;
    fin->norders = sort->norders;
    if (!(fin->orders = bind_orders(p, sort->orders, sort->norders, x, err))) return NULL;
    if (proj) {
        fin->nexprs = proj->nexprs;
        fin->exprs = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(proj->nexprs + 1));
        for (int i = 0; i < proj->nexprs; i++)
            if (!(fin->exprs[i] = bind(p, proj->exprs[i], x, err))) return NULL;
        fin->nout = proj->nout;
        fin->out = attrs_copy(p, proj->out, proj->nout);
    }
    fin->nparts = 1;
    memset(&fin->part, 0, sizeof fin->part);
    fin->part.kind = PART_SINGLE;
    part_unknown(&fin->part_alt);
    return fin;
}

static cn_pplan *plan_limit(planner *p, const cn_lplan *lp, cn_error *err)
{
    const cn_lplan *c0 = lp->children[0];
    if (lp->limit >= 0 && c0->kind == LP_SORT && c0->global) return plan_topn(p, lp, NULL, c0, err);
    if (lp->limit >= 0 && c0->kind == LP_PROJECT && c0->children[0]->kind == LP_SORT && c0->children[0]->global)
        return plan_topn(p, lp, c0, c0->children[0], err);
    cn_pplan *c = plan_node(p, c0, err);
    if (!c) return NULL;
    if (c->nparts > 1) {
        if (lp->limit >= 0) {
            cn_pplan *local = unary(p, PP_LIMIT, c);
            local->limit = limit_keep(p, lp->limit, lp->offset);
            local->global = false;
            c = local;
        }
        c = ensure_single(p, c);
    }
    cn_pplan *n = unary(p, PP_LIMIT, c);
    n->limit = lp->limit;
    n->offset = lp->offset > 0 ? lp->offset : 0;
    n->global = true;
    return n;
}

static cn_pplan *plan_union(planner *p, const cn_lplan *lp, cn_error *err)
{
    cn_pplan *n = cn_pplan_new(p->a, PP_UNION);
    n->ninputs = lp->nchildren;
    n->inputs = cn_arena_alloc(p->a, sizeof(cn_pplan *) * (size_t)(lp->nchildren + 1));
    n->nparts = 0;
    for (int i = 0; i < lp->nchildren; i++) {
        cn_pplan *c = plan_node(p, lp->children[i], err);
        if (!c) return NULL;
        if (c->nout != lp->nout) {
            cn_error_setf_detail(err, "INTERNAL_ERROR", "union child %d has %d columns, expected %d", i, c->nout,
                                 lp->nout);
            return NULL;
        }
        n->inputs[i] = c;
        n->nparts += c->nparts;
    }
    n->nout = lp->nout;
    n->out = attrs_copy(p, lp->out, lp->nout);
    n->est_rows = lp->est_rows;
    n->est_bytes = lp->est_bytes;
    return n;
}

/* INTERSECT / EXCEPT [DISTINCT]: Spark's ReplaceIntersectWithSemiJoin / ReplaceExceptWithAntiJoin:
 * a distinct aggregate over a left semi/anti join on null-safe equality of all columns. */
static cn_pplan *plan_setop(planner *p, const cn_lplan *lp, cn_error *err)
{
    if (lp->all) {
        cn_error_set(err, "UNSUPPORTED_FEATURE", "detail", lp->kind == LP_INTERSECT ? "INTERSECT ALL" : "EXCEPT ALL",
                     NULL);
        return NULL;
    }
    const cn_lplan *L = lp->children[0], *R = lp->children[1];
    cn_lplan *j = cn_lplan_new(p->a, LP_JOIN, 2);
    j->children[0] = (cn_lplan *)L;
    j->children[1] = (cn_lplan *)R;
    j->join_type = lp->kind == LP_INTERSECT ? JOIN_LEFT_SEMI : JOIN_LEFT_ANTI;
    cn_expr **eqs = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(L->nout + 1));
    for (int i = 0; i < L->nout; i++) {
        cn_expr *args[2] = {col_of(p, &L->out[i]), col_of(p, &R->out[i])};
        if (cn_expr_call(p->a, "<=>", args, 2, false, false, &eqs[i], err) != 0) return NULL;
    }
    j->cond = cn_expr_and_all(p->a, eqs, L->nout);
    j->nout = L->nout;
    j->out = L->out;
    j->est_rows = L->est_rows;
    j->est_bytes = L->est_bytes;
    cn_lplan *ag = cn_lplan_new(p->a, LP_AGGREGATE, 1);
    ag->children[0] = j;
    ag->ngroups = L->nout;
    ag->groups = cn_arena_alloc(p->a, sizeof(cn_expr *) * (size_t)(L->nout + 1));
    ag->nexprs = L->nout;
    ag->exprs = ag->groups;
    for (int i = 0; i < L->nout; i++) ag->groups[i] = col_of(p, &L->out[i]);
    ag->nout = lp->nout;
    ag->out = lp->out;
    ag->est_rows = lp->est_rows;
    ag->est_bytes = lp->est_bytes;
    return plan_aggregate(p, ag, err);
}

static cn_pplan *plan_node(planner *p, const cn_lplan *lp, cn_error *err)
{
    switch (lp->kind) {
    case LP_SCAN: return plan_scan(p, lp, err);
    case LP_LOCAL: return plan_local(p, lp);
    case LP_CACHED: return plan_cached(p, lp);
    case LP_FILTER: return plan_filter(p, lp, err);
    case LP_PROJECT: return plan_project(p, lp, err);
    case LP_AGGREGATE: return plan_aggregate(p, lp, err);
    case LP_JOIN: return plan_join(p, lp, err);
    case LP_SORT: return plan_sort(p, lp, err);
    case LP_REPARTITION: return plan_repartition(p, lp, err);
    case LP_LIMIT: return plan_limit(p, lp, err);
    case LP_UNION: return plan_union(p, lp, err);
    case LP_INTERSECT:
    case LP_EXCEPT: return plan_setop(p, lp, err);
    }
    cn_error_setf_detail(err, "INTERNAL_ERROR", "cannot plan logical node kind %d", (int)lp->kind);
    return NULL;
}

int cn_plan_physical(cn_plan_ctx *ctx, const cn_lplan *lp, cn_pplan **out, cn_error *err)
{
    planner p;
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    p.a = ctx->arena;
    p.shuffle_parts = (int)cn_conf_get_int(ctx->conf, "spark.sql.shuffle.partitions");
    if (p.shuffle_parts <= 0) p.shuffle_parts = 200;
    p.broadcast_threshold = cn_conf_get_int(ctx->conf, "spark.sql.autoBroadcastJoinThreshold");
    p.prefer_smj = cn_conf_get_bool(ctx->conf, "spark.sql.join.preferSortMergeJoin");
    p.limit_wraps = cn_conf_test_reinject(ctx->conf) & CN_REINJECT_LIMIT_OFFSET_OVERFLOW;
    cn_pplan *root = plan_node(&p, lp, err);
    if (!root) return -1;
    *out = root;
    return 0;
}
