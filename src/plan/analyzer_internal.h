/*
 * analyzer_internal.h — state shared by the analyzer's files.
 *
 * analyzer.c resolves relations and query blocks (FROM, joins, CTEs, set
 * operations, ORDER BY, LIMIT), analyzer_expr.c resolves expressions against
 * a scope, analyzer_agg.c builds GROUP BY / HAVING / aggregate plans. A scope
 * is the list of columns a query block can see (with their qualifiers); it
 * links to the enclosing block's scope so that a correlated subquery can
 * reference outer columns (outer references are ordinary column expressions
 * whose ids the subquery's plan does not define; the optimizer finds them
 * that way).
 */
#ifndef CN_ANALYZER_INTERNAL_H
#define CN_ANALYZER_INTERNAL_H

#include "plan/logical.h"

typedef struct az_ent {
    cn_attr a;
    bool hidden; /* only reachable with a qualifier (the right key of a USING join) */
} az_ent;

typedef struct az_scope {
    int n, cap;
    az_ent *e;
    struct az_scope *outer;
} az_scope;

typedef struct az_cte {
    const char *name;
    cn_lplan *plan;
    bool materialized;   /* plan is the LP_LOCAL of a nondeterministic CTE's rows */
    struct az_cte *next;
} az_cte;

/* An Aggregate of GROUPING SETS / CUBE / ROLLUP, finished after the whole query is
 * analyzed (az_finish_grouping_sets): its input becomes Spark's Expand written as a
 * UNION ALL of one Project per set (grouping columns not in the set are NULL, plus the
 * grouping id), and it groups by those columns and the id. */
typedef struct az_gsets {
    cn_lplan *agg;
    int ngexprs;
    cn_expr **gexprs;
    int nsets;
    uint64_t *sets; /* bit i: gexprs[i] is in the set */
    struct az_gsets *next;
} az_gsets;

typedef struct az {
    cn_analyze_ctx *ctx;
    cn_arena *a;
    cn_error *err;
    az_cte *ctes;
    int64_t next_subq;
    /* a CTE being defined: references to it inside its own body are unknown */
    az_scope *outer_for_subq; /* scope passed to subqueries being analyzed */
    int64_t now_micros;       /* current_timestamp() of the statement (inline tables fold it) */
    az_gsets *gsets;          /* grouping-set aggregates to finish */
} az;

/* Do two identifiers (columns, qualifiers, aliases, CTE and relation names) name the same
 * thing? Spark's resolver under the analysis' spark.sql.caseSensitive (cn_ident_eq). */
bool az_name_eq(const az *z, const char *a, const char *b);

/* A boolean session setting (Spark SQL conf; unknown keys read as dflt). */
bool az_conf_bool(az *z, const char *key, bool dflt);

/* How an expression is being resolved. */
typedef struct az_ectx {
    az_scope *scope;      /* input columns */
    /* select-list aliases (GROUP BY alias, HAVING / ORDER BY references) */
    int nalias;
    const char **alias_names;
    cn_expr **alias_exprs;  /* resolved expressions of the select items */
    const cn_attr *alias_attrs; /* output attributes of the select items */
    int alias_mode;       /* 0: none; 1: substitute alias_exprs (GROUP BY); 2: reference alias_attrs */
    bool aliases_first;   /* ORDER BY: output names before input columns */
    bool agg_ok;          /* aggregate calls allowed */
    bool in_agg;          /* inside an aggregate's arguments */
    bool found_agg;       /* set when an aggregate call was resolved */
    bool inline_table;    /* VALUES cells: no columns at all */
} az_ectx;

/* analyzer_expr.c */
int az_expr(az *z, az_ectx *ec, const cn_ast *n, cn_expr **out);
int az_literal(az *z, const cn_ast *n, cn_expr **out);
/* Fold a constant expression to a value (errors propagate). */
int az_fold(az *z, cn_expr *e, cn_value *out);
/* Column lookup by name parts in a scope chain; sets *out to a column expression. */
int az_resolve_column(az *z, az_scope *s, const cn_ast *n, char **parts, int nparts, cn_expr **out, bool *found);
/* Spark's UNRESOLVED_COLUMN error with suggestions from scope s. */
int az_unresolved(az *z, az_scope *s, const cn_ast *n, char **parts, int nparts);
/* Generated column name of an unaliased select item. */
const char *az_auto_name(az *z, const cn_ast *n, const cn_expr *e);
/* Quote a name part as Spark does in messages: `a`. */
char *az_quote(az *z, const char *s);
char *az_sql_quoted(az *z, const cn_expr *e); /* "\"<sql>\"" */
char *az_type_quoted(az *z, cn_type t);      /* "\"<TYPE>\"" */

/* analyzer.c */
int az_query(az *z, const cn_ast *q, az_scope *outer, cn_lplan **out);
cn_expr *az_col(az *z, const cn_attr *a);
void az_scope_add(az *z, az_scope *s, const cn_attr *a, bool hidden);
az_scope *az_scope_of_plan(az *z, const cn_lplan *p, const char *qualifier, az_scope *outer);
int az_error_at(az *z, const cn_ast *n, const char *cls, ...);
/* The visible columns of a scope as Spark lists them in messages: "`a`, `b`". */
char *az_scope_columns(az *z, const az_scope *s);
void az_ctx(az *z, const cn_ast *n);

/* analyzer_agg.c: SELECT list, GROUP BY, HAVING and the aggregate node.
 * in: the plan after FROM/WHERE; scope: its columns. Returns the plan whose first
 * nitems outputs are the select items; *nhidden extra hidden outputs may follow
 * (ORDER BY keys), projected away by the caller after sorting. */
typedef struct az_select_out {
    cn_lplan *plan;      /* top of the block (Project or Aggregate/Filter) */
    int nitems;          /* visible output columns */
    const char **names;  /* their names */
    cn_expr **item_exprs;/* the select expressions (over the input, before aggregation) */
    bool is_agg;         /* an Aggregate node was built */
    cn_lplan *agg;       /* that Aggregate (ORDER BY adds hidden outputs to it) */
    cn_lplan *proj;      /* the Project of a non-aggregate block */
    az_scope *in_scope;  /* FROM scope (ORDER BY on input columns) */
    cn_lplan *below;     /* input of the Project / Aggregate */
} az_select_out;

int az_select_items(az *z, const cn_ast *sel, cn_lplan *in, az_scope *scope, az_select_out *so);
/* Rewrite an expression resolved over the aggregate's input into one over its output,
 * adding hidden aggregate outputs as needed (HAVING, ORDER BY). */
int az_over_agg(az *z, cn_lplan *agg, const cn_ast *where, cn_expr *e, cn_expr **out);
int az_finish_grouping_sets(az *z);

#endif
