/*
 * logical.h — logical plans.
 *
 * The analyzer (analyzer.c) turns an AST query into a resolved logical plan;
 * the optimizer (optimizer.c and its rule files) rewrites it; the planner
 * (planner.c) turns it into a physical plan (physical.h).
 *
 * Every node exposes its output as attributes (cn_attr): a unique id
 * (Spark's exprId), a name, a type. Expressions above refer to them by id
 * (CN_EX_COL.id), never by position, so rules can move nodes freely.
 * PROJECT and AGGREGATE compute their outputs: out[i] is produced by
 * exprs[i] (for AGGREGATE, exprs may contain CN_EX_AGG calls over the input
 * and references to grouping expressions). All nodes and expressions live in
 * the query's arena.
 */
#ifndef CN_LOGICAL_H
#define CN_LOGICAL_H

#include "catalog/catalog.h"
#include "expr/expr.h"
#include "sql/ast.h"

typedef struct cn_attr {
    int64_t id;
    const char *name;
    cn_type type;
    bool nullable;
    const char *qualifier; /* relation alias for t.col resolution, may be NULL */
} cn_attr;

typedef enum cn_lkind {
    LP_SCAN,      /* a data source relation: view, columns */
    LP_LOCAL,     /* inline rows (VALUES, SELECT without FROM: one row, no columns) */
    LP_FILTER,    /* cond */
    LP_PROJECT,   /* exprs -> out */
    LP_AGGREGATE, /* groups; exprs -> out */
    LP_JOIN,      /* join_type, cond (may be NULL) */
    LP_SORT,      /* orders; global */
    LP_LIMIT,     /* limit, offset */
    LP_UNION,     /* n children, UNION ALL semantics (DISTINCT is an AGGREGATE above) */
    LP_INTERSECT, /* 2 children; all */
    LP_EXCEPT,    /* 2 children; all */
    LP_CACHED,    /* a cached relation: cache handle, out */
    LP_REPARTITION /* repartition (DISTRIBUTE BY, CLUSTER BY, REPARTITION / COALESCE / ... hints) */
} cn_lkind;

/* LP_REPARTITION, as Spark's logical operators: */
typedef enum cn_repart_kind {
    REPART_BY_EXPR,  /* RepartitionByExpression: hash on exprs, range on orders, round robin on neither */
    REPART_NUM,      /* Repartition(num_parts, shuffle = true): round robin */
    REPART_COALESCE, /* Repartition(num_parts, shuffle = false): merges partitions without a shuffle */
    REPART_REBALANCE /* RebalancePartitions: hash on exprs, or round robin */
} cn_repart_kind;

typedef cn_sort_key cn_sort_order;

typedef struct cn_lplan cn_lplan;

struct cn_lplan {
    cn_lkind kind;
    int nchildren;
    cn_lplan **children;
    int nout;
    cn_attr *out;

    /* LP_FILTER: cond. LP_JOIN: cond (NULL = none) */
    cn_expr *cond;
    /* LP_PROJECT / LP_AGGREGATE */
    int nexprs;
    cn_expr **exprs;
    int ngroups;
    cn_expr **groups;
    /* LP_JOIN */
    cn_join_type join_type;
    int hint;            /* 0 none, 1 broadcast left, 2 broadcast right, 3 merge, 4 shuffle_hash */
    bool null_aware;     /* LEFT ANTI from NOT IN (single column): a NULL key on either side
                            makes the predicate unknown (Spark's null-aware anti join);
                            EXISTENCE from IN (single column) where NULL is observable: an
                            unmatched row's flag is NULL when a NULL key on either side makes
                            IN unknown (non-empty right side) */
    cn_attr exists;      /* JOIN_EXISTENCE: the flag column, appended to the left's output */
    /* LP_SORT (global = ORDER BY) */
    int norders;
    cn_sort_order *orders;
    bool global;
    /* LP_REPARTITION: exprs (hash keys) or orders (range keys); num_parts -1 = unset
     * (spark.sql.shuffle.partitions) */
    cn_repart_kind repart;
    int num_parts;
    /* LP_LIMIT */
    int64_t limit;       /* -1 none */
    int64_t offset;
    /* LP_INTERSECT / LP_EXCEPT */
    bool all;
    /* LP_SCAN: the view's source, the chosen columns of the source schema, pushed filters */
    cn_view *view;
    int ncols;
    int *cols;           /* indexes into view->source->schema, out[i] reads cols[i] */
    int nfilters;
    cn_expr **filters;   /* conjuncts pushed to the scan (still also applied by a Filter) */
    /* LP_LOCAL */
    int nrows;
    cn_value **rows;     /* rows[r][c] */
    /* LP_CACHED: `view` is the cached view (view->cache, cache_parts, cache_bytes); out = its columns
     * in the cached order (all columns of SELECT * FROM view); est_bytes = view->cache_bytes */
    void *cache;         /* storage-layer cached relation (= view->cache) */
    /* statistics for planning: estimated rows and bytes, -1 unknown */
    double est_rows;
    double est_bytes;
};

cn_lplan *cn_lplan_new(cn_arena *a, cn_lkind kind, int nchildren);
/* Print the tree in Spark's logical plan layout ("Project [a#1, b#2]" / "+- Filter ..."). */
void cn_lplan_explain(const cn_lplan *p, cn_strbuf *sb);
/* EXPLAIN pieces shared by the logical and physical printers: "Inner", "LeftOuter", ...;
 * "name#id"; "[a#1, b#2]" with the given separator. */
const char *cn_join_type_name(cn_join_type t);
/* The join type as EXPLAIN prints it: "Inner", ..., "ExistenceJoin(exists#7)" (the flag is the
 * join's last output column). */
void cn_join_type_explain(cn_strbuf *sb, cn_join_type t, const cn_attr *out, int nout);
void cn_attr_explain(cn_strbuf *sb, const cn_attr *a);
void cn_attrs_explain(cn_strbuf *sb, const cn_attr *a, int n, const char *sep);
/* "expr AS name#id, ..." for computed outputs; an output that is its own attribute prints bare. */
void cn_named_explain(cn_strbuf *sb, cn_expr *const *e, const cn_attr *out, int n);
/* Next unique attribute id (process-wide, thread-safe). */
int64_t cn_next_attr_id(void);

/* ---- analyzer.c ---- */
typedef struct cn_session cn_session; /* defined by the api layer; analyzer sees it via cn_analyze_ctx */
typedef struct cn_analyze_ctx {
    cn_catalog *catalog;
    const struct cn_conf *conf;
    const char *sql;      /* statement text, for error contexts */
    cn_arena *arena;      /* query arena */
    /* infer the schema of a data-source view on first use (io layer via the api layer) */
    int (*resolve_source)(void *ud, cn_view *v, cn_error *err);
    void *resolve_ud;
    /* total bytes of a data-source view's files (statistics); NULL or -1 = the analyzer
     * stats the "path" option itself (a file, or the regular files of a directory) */
    int64_t (*source_bytes)(void *ud, cn_view *v);
    /* Run an analyzed plan now; *out is an LP_LOCAL of its rows with the same output
     * attributes. Set when the statement runs (not for EXPLAIN or view definitions): a
     * nondeterministic CTE is computed once and every reference sees the same rows, as in
     * Spark (which does not inline such a CTE). NULL: CTEs are always inlined. */
    int (*materialize)(void *ud, cn_lplan *p, cn_arena *a, cn_lplan **out, cn_error *err);
    void *materialize_ud;
    /* The query views being analyzed, outermost first (CREATE VIEW puts the view being
     * defined first): a reference to one of them is a cycle, [RECURSIVE_VIEW]; more than
     * spark.sql.view.maxNestedViewDepth of them is [VIEW_EXCEED_MAX_NESTED_DEPTH]. */
    int nview_path;
    const char *const *view_path;
    bool defining_view;   /* view_path[0] is the view CREATE VIEW defines (not a nesting level) */
    /* spark.sql.caseSensitive for this analysis (the session's; a query view's text is
     * analyzed under the setting it was created with): every identifier comparison goes
     * through az_name_eq, every catalog lookup formats the name under it */
    bool case_sensitive;
} cn_analyze_ctx;

/* Deep copy of an analyzed plan into arena a with fresh attribute ids for every
 * attribute the plan defines (a view or CTE used twice, e.g. a self-join). */
cn_lplan *cn_lplan_fresh_copy(cn_arena *a, const cn_lplan *p);
/* Deep copy keeping attribute ids (optimizer.c). */
cn_lplan *cn_lplan_copy(cn_arena *a, const cn_lplan *p);
/* A plan with its expressions and subquery plans deeper than CN_MAX_TREE_DEPTH (base.h)
 * along some path is Spark's [FAILED_TO_PARSE_TOO_COMPLEX] (a statement whose views or
 * rewrites made it deeper than its text). The walk stops at the limit. */
int cn_lplan_check_depth(const cn_lplan *p, cn_error *err);
/* Is e (with its subquery plans) deeper than limit nodes? Rules that substitute one
 * expression into another (Project collapse, filters pushed through a Project) keep the
 * result within CN_OPT_MAX_EXPR_DEPTH, so rewriting never makes a statement too deep. */
bool cn_expr_deeper_than(const cn_expr *e, int limit);
/* A deep copy of e in which a column whose id is from[i].id reads to[i].id instead (the same
 * expression over another copy of its input). */
cn_expr *cn_expr_copy_renamed(cn_arena *a, const cn_expr *e, const cn_attr *from, const cn_attr *to, int n);
#define CN_OPT_MAX_EXPR_DEPTH (CN_MAX_TREE_DEPTH / 2)
/* Spark's schema line of the analyzed plan section: "a: int, b: string". */
void cn_lplan_schema_string(const cn_lplan *p, cn_strbuf *sb);

/* Resolve a query AST (AST_QUERY / AST_SELECT / AST_SETOP / AST_VALUES) into a logical plan.
 * Errors: [TABLE_OR_VIEW_NOT_FOUND], [UNRESOLVED_COLUMN.WITH_SUGGESTION], [DATATYPE_MISMATCH.*],
 * [MISSING_AGGREGATION], ... with the query context of the offending text. */
int cn_analyze(cn_analyze_ctx *ctx, const cn_ast *query, cn_lplan **out, cn_error *err);

/* ---- optimizer.c ---- */
/* Rule batches to a fixpoint: constant folding, boolean simplification, subquery
 * decorrelation, comma joins to equi-joins, predicate pushdown, column pruning,
 * join reordering, limit pushdown. Statistics (est_rows/est_bytes) are filled. */
int cn_optimize(cn_analyze_ctx *ctx, cn_lplan *in, cn_lplan **out, cn_error *err);

#endif
