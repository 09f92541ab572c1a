/*
 * physical.h — physical plans: what runs, as Spark's SparkPlan tree.
 *
 * The planner (planner.c) maps an optimized logical plan to these nodes,
 * choosing join strategies and splitting aggregates, then EnsureRequirements
 * (exchange.c) inserts Exchange nodes where a child's output partitioning does
 * not satisfy its parent's required distribution. The scheduler cuts the tree
 * at PP_EXCHANGE into stages (a stage's fragment sees the exchange as a
 * PP_SHUFFLE_READ leaf) and runs a PP_BROADCAST_EXCHANGE's child as its own
 * job (the consumer sees a PP_BROADCAST_READ leaf).
 *
 * Expressions in a physical node are bound: CN_EX_COL.index is the ordinal in
 * the node's input (for joins: left output then right output). Nodes are
 * immutable once planned; execution state lives in exec/ operators, so one
 * fragment serves every task of a stage. plan_serde.c writes and reads them.
 */
#ifndef CN_PHYSICAL_H
#define CN_PHYSICAL_H

#include "expr/agg.h"
#include "plan/logical.h"

typedef enum cn_pkind {
    PP_CSV_SCAN,        /* FileScan csv */
    PP_CACHE_SCAN,      /* InMemoryTableScan */
    PP_LOCAL_SCAN,      /* LocalTableScan */
    PP_FILTER,
    PP_PROJECT,
    PP_HASH_AGG,        /* HashAggregate, mode */
    PP_SORT,            /* Sort [orders], global */
    PP_TOPN,            /* TakeOrderedAndProject(limit, orders, output) */
    PP_LIMIT,           /* LocalLimit / GlobalLimit / CollectLimit */
    PP_UNION,
    PP_HASH_JOIN,       /* BroadcastHashJoin (broadcast) or ShuffledHashJoin */
    PP_SMJ,             /* SortMergeJoin */
    PP_NL_JOIN,         /* BroadcastNestedLoopJoin / CartesianProduct */
    PP_EXCHANGE,        /* Exchange <partitioning> (shuffle) */
    PP_BROADCAST_EXCHANGE,
    PP_SHUFFLE_READ,    /* stage input: reads shuffle `shuffle_id` partitions */
    PP_BROADCAST_READ,  /* reads broadcast `broadcast_id` (all rows of the build side) */
    PP_COALESCE,        /* Coalesce n: adjacent child partitions merged, no shuffle (CoalesceExec) */
    PP_EXPAND_UNUSED
} cn_pkind;

typedef enum { PART_UNKNOWN, PART_SINGLE, PART_HASH, PART_RANGE, PART_ROUND_ROBIN, PART_BROADCAST } cn_part_kind;

/* Why an exchange shuffles, as Spark's ShuffleOrigin (printed by EXPLAIN). Adaptive execution
 * may coalesce the partitions of every origin but REPARTITION_BY_NUM, whose count the user set. */
typedef enum cn_shuffle_origin {
    ORIGIN_ENSURE_REQUIREMENTS,  /* inserted for a parent's required distribution */
    ORIGIN_REPARTITION_BY_COL,   /* DISTRIBUTE BY, REPARTITION(cols) hints */
    ORIGIN_REPARTITION_BY_NUM,   /* REPARTITION(n[, cols]) hints */
    ORIGIN_REBALANCE_BY_NONE,    /* REBALANCE, REPARTITION() without parameters */
    ORIGIN_REBALANCE_BY_COL      /* REBALANCE(cols) */
} cn_shuffle_origin;

typedef struct cn_partitioning {
    cn_part_kind kind;
    int n;                /* number of partitions */
    int nkeys;
    cn_expr **keys;       /* HASH: bound expressions over the child output */
    cn_sort_order *orders;/* RANGE: bound sort keys (nkeys of them) */
    int nbounds;          /* RANGE: n-1 boundary rows, filled by the scheduler's sampling job */
    cn_value **bounds;    /* bounds[i][k] */
} cn_partitioning;


typedef struct cn_csv_split {
    const char *path;
    int64_t start, length;
} cn_csv_split;

typedef struct cn_pplan cn_pplan;

struct cn_pplan {
    cn_pkind kind;
    int nchildren;
    cn_pplan *children[2];  /* UNION uses `inputs` */
    int ninputs;
    cn_pplan **inputs;      /* PP_UNION children */
    int nout;
    cn_attr *out;           /* output attributes (ids for EXPLAIN, types for batches) */
    int nparts;             /* number of output partitions */
    cn_partitioning part;   /* output partitioning (EXCHANGE: the one it produces; COALESCE: part.n
                             * is the requested count, PART_SINGLE when 1) */
    cn_shuffle_origin origin; /* EXCHANGE, SHUFFLE_READ */
    cn_partitioning part_alt; /* planning only: an equivalent partitioning (an inner shuffled join
                               * is partitioned by its left keys and, equally, by its right keys) */
    int nsorted;            /* planning only: within each partition the output is sorted ASC NULLS */
    cn_expr **sorted;       /* FIRST on sorted[0..nsorted) (by attribute id), and equally on */
    cn_expr **sorted_alt;   /* sorted_alt when set (an inner sort-merge join's right keys) */

    /* FILTER: cond. JOIN: extra condition over left++right output (NULL = none) */
    cn_expr *cond;
    /* PROJECT: exprs -> out. TOPN: output projection (NULL = child output) */
    int nexprs;
    cn_expr **exprs;
    /* HASH_AGG: keys over input; aggs with their argument expressions; mode.
     * PARTIAL: output = keys ++ (state columns of each agg).
     * FINAL: input = keys ++ states; output = exprs over (keys ++ agg results)
     * COMPLETE: input raw; output = exprs over (keys ++ agg results). */
    cn_agg_mode agg_mode;
    int nkeys;
    cn_expr **keys;
    int naggs;
    cn_agg *aggs;
    cn_expr **agg_args;     /* per agg: bound argument over the input (NULL for count(*)); FINAL: NULL */
    cn_expr **agg_exprs;    /* per agg: the logical CN_EX_AGG (for EXPLAIN text) */
    /* SORT / TOPN / SMJ sort keys */
    int norders;
    cn_sort_order *orders;
    bool global;
    /* LIMIT / TOPN */
    int64_t limit;
    int64_t offset;
    /* joins */
    cn_join_type join_type;
    int build_right;        /* 1: build/broadcast the right side, 0: the left */
    bool broadcast;         /* HASH_JOIN/NL_JOIN: build side comes from a PP_BROADCAST_READ */
    int njoin_keys;
    cn_expr **left_keys;    /* bound over left output */
    cn_expr **right_keys;   /* bound over right output */
    /* CSV_SCAN */
    cn_view *view;          /* for EXPLAIN (not serialized) */
    int nopts;
    char **opt_keys, **opt_vals;
    cn_schema *file_schema; /* full schema of the files */
    int ncols;
    int *cols;              /* columns read, indexes into file_schema; out[i] <- cols[i] */
    int nsplits;
    cn_csv_split *splits;   /* one per partition */
    int nfilters;
    cn_expr **filters;      /* pushed filters, for EXPLAIN (PushedFilters) */
    /* LOCAL_SCAN */
    int nrows;
    cn_value **rows;
    /* CACHE_SCAN */
    void *cache;            /* storage-layer handle (process-local: not shipped to other hosts) */
    int64_t cache_id;
    /* SHUFFLE_READ / BROADCAST_READ: filled by the scheduler */
    int shuffle_id;
    int broadcast_id;
    /* statistics for EXPLAIN / decisions */
    double est_rows, est_bytes;
    /* EXPLAIN: an exchange/limit the tree printer hides (TakeOrderedAndProject's internals) */
    bool hidden;
    int plan_id;
    bool null_aware;        /* LEFT ANTI for NOT IN: null-aware semantics */
    bool runtime_filter;    /* scheduler: a semi join injected as a runtime filter (not filtered again) */
};

cn_pplan *cn_pplan_new(cn_arena *a, cn_pkind kind);

/* ---- planner.c ---- */
typedef struct cn_plan_ctx {
    cn_arena *arena;
    const struct cn_conf *conf;
    int default_parallelism; /* local[N]: N */
    /* Files of a data-source view (the io layer, through the api layer): names, sizes and
     * whether each may be cut into splits (not a compressed file, not multiLine), in arena. */
    int (*list_files)(void *ud, cn_view *v, cn_arena *a, char ***files, int64_t **sizes, bool **splittable, int *n,
                      cn_error *err);
    void *list_ud;
    int next_plan_id;        /* for EXPLAIN's [plan_id=N] */
} cn_plan_ctx;

/* Join-type facts the planner and adaptive execution share: may side (0 left, 1 right) be the
 * hash-table (build) side, and does the join drop that side's rows that match nothing (it does
 * not preserve the side: inner, semi, the inner side of an outer or anti join)? */
bool cn_join_can_build(cn_join_type t, int side);
bool cn_join_drops_unmatched(cn_join_type t, int side);

/* Plan an optimized logical plan: strategies, then EnsureRequirements. */
int cn_plan_physical(cn_plan_ctx *ctx, const cn_lplan *lp, cn_pplan **out, cn_error *err);

/* ---- explain.c ---- */
/* "== Physical Plan ==" body in Spark's tree layout. */
void cn_pplan_explain(const cn_pplan *p, cn_strbuf *sb);
/* "ENSURE_REQUIREMENTS", "REPARTITION_BY_COL", ... (Spark's ShuffleOrigin names) */
const char *cn_shuffle_origin_name(cn_shuffle_origin o);

/* ---- explain_parsed.c ---- */
/* "== Parsed Logical Plan ==" body: the syntax tree in Spark's unresolved-plan form. */
void cn_ast_explain(const cn_ast *query, cn_strbuf *sb);

/* ---- plan_serde.c ---- */
void cn_pplan_write(struct cn_writer *w, const cn_pplan *p);
int cn_pplan_read(struct cn_reader *r, cn_arena *a, cn_pplan **out, cn_error *err);

#endif
