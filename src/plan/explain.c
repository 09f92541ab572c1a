/*
 * explain.c — physical plans printed in Spark's layout.
 *
 * One line per node, children below with Spark's tree drawing: a non-last
 * child is introduced by ":- " and its subtree continues with ":  ", the last
 * child by "+- " and "   ". Node strings follow Spark's simpleString forms:
 *   HashAggregate(keys=[a#1], functions=[partial_sum(b#2)])
 *   Exchange hashpartitioning(a#1, 200), ENSURE_REQUIREMENTS, [plan_id=3]
 *   BroadcastHashJoin [a#1], [b#7], Inner, BuildRight, false
 *   FileScan csv [a#1,b#2] Batched: false, DataFilters: [...], Format: CSV, ...
 * Nodes the planner marks hidden (the internals of TakeOrderedAndProject) are
 * skipped, so the tree reads as Spark prints it.
 */
#include "plan/physical.h"

#include <stdio.h>
#include <strings.h>

static void expr_list(cn_strbuf *sb, cn_expr *const *e, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) cn_sb_puts(sb, ", ");
        cn_expr_explain(e[i], sb);
    }
}

static void orders(cn_strbuf *sb, const cn_sort_order *o, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) cn_sb_puts(sb, ", ");
        cn_expr_explain(o[i].expr, sb);
        cn_sb_puts(sb, o[i].desc ? " DESC" : " ASC");
        cn_sb_puts(sb, o[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
}

static void type_simple(cn_strbuf *sb, cn_type t)
{
    char buf[64];
    cn_sb_puts(sb, cn_type_name(t, buf, sizeof buf));
}

/* Data source filter form for PushedFilters: IsNotNull(a), EqualTo(a,1), LessThan(a,2) ... */
static bool pushed_filter(cn_strbuf *sb, const cn_expr *e)
{
    if (e->kind == CN_EX_IS_NOT_NULL && e->args[0]->kind == CN_EX_COL) {
        cn_sb_printf(sb, "IsNotNull(%s)", e->args[0]->name);
        return true;
    }
    if (e->kind == CN_EX_IS_NULL && e->args[0]->kind == CN_EX_COL) {
        cn_sb_printf(sb, "IsNull(%s)", e->args[0]->name);
        return true;
    }
    if (e->kind == CN_EX_CALL && e->nargs == 2 && e->args[0]->kind == CN_EX_COL && e->args[1]->kind == CN_EX_LIT) {
        const char *op = NULL;
        switch (e->func) {
        case CN_FN_EQ: op = "EqualTo"; break;
        case CN_FN_LT: op = "LessThan"; break;
        case CN_FN_LE: op = "LessThanOrEqual"; break;
        case CN_FN_GT: op = "GreaterThan"; break;
        case CN_FN_GE: op = "GreaterThanOrEqual"; break;
        case CN_FN_EQ_NS: op = "EqualNullSafe"; break;
        default: return false;
        }
        cn_arena *a = cn_arena_new("explain", NULL);
        cn_sb_printf(sb, "%s(%s,%s)", op, e->args[0]->name, cn_value_to_string(&e->args[1]->lit, a));
        cn_arena_free(a);
        return true;
    }
    return false;
}

static void agg_functions(cn_strbuf *sb, const cn_pplan *p)
{
    const char *prefix = p->agg_mode == AGG_PARTIAL ? "partial_" : p->agg_mode == AGG_PARTIAL_MERGE ? "merge_" : "";
    cn_sb_puts(sb, "functions=[");
    for (int i = 0; i < p->naggs; i++) {
        if (i) cn_sb_puts(sb, ", ");
        cn_sb_puts(sb, prefix);
        if (p->agg_exprs && p->agg_exprs[i]) cn_expr_explain(p->agg_exprs[i], sb);
        else cn_sb_puts(sb, "agg");
    }
    cn_sb_putc(sb, ']');
}

static void key_list(cn_strbuf *sb, cn_expr *const *keys, int n)
{
    cn_sb_putc(sb, '[');
    expr_list(sb, keys, n);
    cn_sb_putc(sb, ']');
}

static void node_string(cn_strbuf *sb, const cn_pplan *p, const cn_pplan *parent)
{
    switch (p->kind) {
    case PP_CSV_SCAN: {
        cn_sb_puts(sb, "FileScan csv ");
        cn_attrs_explain(sb, p->out, p->nout, ",");
        cn_sb_puts(sb, " Batched: false, DataFilters: [");
        expr_list(sb, p->filters, p->nfilters);
        const char *path = NULL;
        for (int i = 0; i < p->nopts; i++)
            if (strcasecmp(p->opt_keys[i], "path") == 0) path = p->opt_vals[i];
        cn_sb_printf(sb, "], Format: CSV, Location: InMemoryFileIndex(1 paths)[%s%s], PartitionFilters: [], "
                         "PushedFilters: [",
                     path && path[0] == '/' ? "file:" : "", path ? path : "");
        bool first = true;
        for (int i = 0; i < p->nfilters; i++) {
            cn_strbuf f;
            cn_sb_init(&f);
            if (pushed_filter(&f, p->filters[i])) {
                if (!first) cn_sb_puts(sb, ", ");
                cn_sb_puts(sb, f.s);
                first = false;
            }
            cn_sb_free(&f);
        }
        cn_sb_puts(sb, "], ReadSchema: struct<");
        for (int i = 0; i < p->nout; i++) {
            if (i) cn_sb_putc(sb, ',');
            cn_sb_printf(sb, "%s:", p->out[i].name);
            type_simple(sb, p->out[i].type);
        }
        cn_sb_putc(sb, '>');
        break;
    }
    case PP_CACHE_SCAN:
        cn_sb_puts(sb, "InMemoryTableScan ");
        cn_attrs_explain(sb, p->out, p->nout, ", ");
        break;
    case PP_LOCAL_SCAN:
        cn_sb_puts(sb, "LocalTableScan ");
        if (p->nrows == 0) cn_sb_puts(sb, "<empty>, ");
        cn_attrs_explain(sb, p->out, p->nout, ", ");
        break;
    case PP_FILTER:
        cn_sb_puts(sb, "Filter ");
        cn_expr_explain(p->cond, sb);
        break;
    case PP_PROJECT:
        cn_sb_puts(sb, "Project [");
        cn_named_explain(sb, p->exprs, p->out, p->nexprs);
        cn_sb_putc(sb, ']');
        break;
    case PP_HASH_AGG:
        cn_sb_puts(sb, "HashAggregate(keys=");
        key_list(sb, p->keys, p->nkeys);
        cn_sb_puts(sb, ", ");
        agg_functions(sb, p);
        cn_sb_putc(sb, ')');
        break;
    case PP_SORT:
        cn_sb_puts(sb, "Sort [");
        orders(sb, p->orders, p->norders);
        cn_sb_printf(sb, "], %s, 0", p->global ? "true" : "false");
        break;
    case PP_TOPN:
        cn_sb_printf(sb, "TakeOrderedAndProject(limit=%lld, ", (long long)p->limit);
        if (p->offset > 0) cn_sb_printf(sb, "offset=%lld, ", (long long)p->offset);
        cn_sb_puts(sb, "orderBy=[");
        orders(sb, p->orders, p->norders);
        cn_sb_puts(sb, "], output=[");
        if (p->nexprs) {
            cn_named_explain(sb, p->exprs, p->out, p->nexprs);
        } else {
            for (int i = 0; i < p->nout; i++) {
                if (i) cn_sb_putc(sb, ',');
                cn_attr_explain(sb, &p->out[i]);
            }
        }
        cn_sb_puts(sb, "])");
        break;
    case PP_LIMIT:
        if (p->global && !parent) cn_sb_printf(sb, "CollectLimit %lld", (long long)p->limit);
        else cn_sb_printf(sb, "%s %lld", p->global ? "GlobalLimit" : "LocalLimit", (long long)p->limit);
        if (p->offset > 0) cn_sb_printf(sb, ", %lld", (long long)p->offset);
        break;
    case PP_UNION: cn_sb_puts(sb, "Union"); break;
    case PP_COALESCE: cn_sb_printf(sb, "Coalesce %d", p->part.n); break;
    case PP_HASH_JOIN:
    case PP_SMJ:
        cn_sb_puts(sb, p->kind == PP_SMJ ? "SortMergeJoin " : p->broadcast ? "BroadcastHashJoin " : "ShuffledHashJoin ");
        key_list(sb, p->left_keys, p->njoin_keys);
        cn_sb_puts(sb, ", ");
        key_list(sb, p->right_keys, p->njoin_keys);
        cn_sb_puts(sb, ", ");
        cn_join_type_explain(sb, p->join_type, p->out, p->nout);
        if (p->kind == PP_HASH_JOIN) cn_sb_printf(sb, ", %s", p->build_right ? "BuildRight" : "BuildLeft");
        if (p->cond) {
            cn_sb_puts(sb, ", ");
            cn_expr_explain(p->cond, sb);
        }
        if (p->kind == PP_HASH_JOIN && p->broadcast) cn_sb_puts(sb, p->null_aware ? ", true" : ", false");
        break;
    case PP_NL_JOIN:
        cn_sb_printf(sb, "BroadcastNestedLoopJoin %s, ", p->build_right ? "BuildRight" : "BuildLeft");
        cn_join_type_explain(sb, p->join_type, p->out, p->nout);
        if (p->cond) {
            cn_sb_puts(sb, ", ");
            cn_expr_explain(p->cond, sb);
        }
        break;
    case PP_EXCHANGE:
        cn_sb_puts(sb, "Exchange ");
        switch (p->part.kind) {
        case PART_HASH:
            cn_sb_puts(sb, "hashpartitioning(");
            expr_list(sb, p->part.keys, p->part.nkeys);
            cn_sb_printf(sb, ", %d)", p->part.n);
            break;
        case PART_RANGE:
            cn_sb_puts(sb, "rangepartitioning(");
            orders(sb, p->part.orders, p->part.nkeys);
            cn_sb_printf(sb, ", %d)", p->part.n);
            break;
        case PART_SINGLE: cn_sb_puts(sb, "SinglePartition"); break;
        case PART_ROUND_ROBIN: cn_sb_printf(sb, "RoundRobinPartitioning(%d)", p->part.n); break;
        default: cn_sb_puts(sb, "UnknownPartitioning"); break;
        }
        cn_sb_printf(sb, ", %s, [plan_id=%d]", cn_shuffle_origin_name(p->origin), p->plan_id);
        break;
    case PP_BROADCAST_EXCHANGE:
        cn_sb_puts(sb, "BroadcastExchange ");
        if (parent && parent->kind == PP_HASH_JOIN) {
            bool right = parent->children[1] == p;
            cn_expr *const *keys = right ? parent->right_keys : parent->left_keys;
            cn_sb_puts(sb, "HashedRelationBroadcastMode(List(");
            for (int i = 0; i < parent->njoin_keys; i++) {
                if (i) cn_sb_puts(sb, ", ");
                const cn_expr *k = keys[i];
                if (k->kind == CN_EX_COL) {
                    cn_sb_printf(sb, "input[%d, ", k->index);
                    type_simple(sb, k->type);
                    cn_sb_printf(sb, ", %s]", k->nullable ? "true" : "false");
                } else {
                    cn_expr_explain(k, sb);
                }
            }
            cn_sb_puts(sb, "),false)");
        } else {
            cn_sb_puts(sb, "IdentityBroadcastMode");
        }
        cn_sb_printf(sb, ", [plan_id=%d]", p->plan_id);
        break;
    case PP_SHUFFLE_READ: cn_sb_printf(sb, "ShuffleQueryStage %d", p->shuffle_id); break;
    case PP_BROADCAST_READ: cn_sb_printf(sb, "BroadcastQueryStage %d", p->broadcast_id); break;
    default: cn_sb_puts(sb, "?"); break;
    }
}

static int children_of(const cn_pplan *p, const cn_pplan **out)
{
    if (p->kind == PP_UNION) {
        for (int i = 0; i < p->ninputs; i++) out[i] = p->inputs[i];
        return p->ninputs;
    }
    for (int i = 0; i < p->nchildren; i++) out[i] = p->children[i];
    return p->nchildren;
}

/* Skip hidden nodes: a hidden node is replaced by its (single) child. */
static const cn_pplan *visible(const cn_pplan *p)
{
    while (p->hidden && p->nchildren == 1) p = p->children[0];
    return p;
}

static void tree(cn_strbuf *sb, const cn_pplan *p, const cn_pplan *parent, cn_strbuf *prefix)
{
    node_string(sb, p, parent);
    cn_sb_putc(sb, '\n');
    const cn_pplan *stack[64];
    const cn_pplan **kids = stack;
    int n = p->kind == PP_UNION ? p->ninputs : p->nchildren;
    if (n > 64) kids = cn_xmalloc(sizeof(*kids) * (size_t)n);
    n = children_of(p, kids);
    for (int i = 0; i < n; i++) {
        bool last = i == n - 1;
        size_t keep = prefix->len;
        cn_sb_puts(sb, prefix->s ? prefix->s : "");
        cn_sb_puts(sb, last ? "+- " : ":- ");
        cn_sb_puts(prefix, last ? "   " : ":  ");
        tree(sb, visible(kids[i]), p, prefix);
        prefix->len = keep;
        if (prefix->s) prefix->s[keep] = 0;
    }
    if (kids != stack) free(kids);
}

const char *cn_shuffle_origin_name(cn_shuffle_origin o)
{
    switch (o) {
    case ORIGIN_ENSURE_REQUIREMENTS: break;
    case ORIGIN_REPARTITION_BY_COL: return "REPARTITION_BY_COL";
    case ORIGIN_REPARTITION_BY_NUM: return "REPARTITION_BY_NUM";
    case ORIGIN_REBALANCE_BY_NONE: return "REBALANCE_PARTITIONS_BY_NONE";
    case ORIGIN_REBALANCE_BY_COL: return "REBALANCE_PARTITIONS_BY_COL";
    }
    return "ENSURE_REQUIREMENTS";
}

void cn_pplan_explain(const cn_pplan *p, cn_strbuf *sb)
{
    cn_strbuf prefix;
    cn_sb_init(&prefix);
    cn_sb_puts(&prefix, "");
    tree(sb, visible(p), NULL, &prefix);
    cn_sb_free(&prefix);
}
