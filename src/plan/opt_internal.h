/*
 * opt_internal.h — helpers shared by the optimizer's rule batches.
 *
 * Attribute-id sets, reference collection (expressions and whole plans,
 * including the outer references of subquery plans), recomputing the
 * outputs of pass-through nodes after a rewrite, and the batch entry points
 * the driver (optimizer.c) runs to a fixpoint.
 */
#ifndef CN_OPT_INTERNAL_H
#define CN_OPT_INTERNAL_H

#include "plan/logical.h"

typedef struct opt {
    cn_analyze_ctx *ctx;
    cn_arena *a;
    cn_error *err;
} opt;

typedef struct idset {
    int n, cap;
    int64_t *v;
} idset;

void ids_add(opt *o, idset *s, int64_t id);
bool ids_has(const idset *s, int64_t id);
/* Column ids referenced by e (descending into subquery plans). */
void ids_refs(opt *o, idset *s, const cn_expr *e);
void ids_out(opt *o, idset *s, const cn_lplan *p);
/* Ids defined anywhere in p (outputs of every node). */
void ids_defined(opt *o, idset *s, const cn_lplan *p);
/* Ids referenced anywhere in p's expressions. */
void ids_plan_refs(opt *o, idset *s, const cn_lplan *p);
/* Outer references of a subquery plan: referenced but not defined inside. */
void ids_outer(opt *o, idset *s, const cn_lplan *p);
bool expr_refs_within(opt *o, const cn_expr *e, const cn_lplan *p);
bool expr_refs_any(opt *o, const cn_expr *e, const idset *s);

/* Recompute out of pass-through nodes (Filter, Sort, Limit, Join, Intersect, Except). */
void lp_refresh_out(opt *o, cn_lplan *p);
cn_lplan *lp_filter(opt *o, cn_lplan *child, cn_expr *cond);
cn_expr *lp_col(opt *o, const cn_attr *a);
/* Project child to exactly the attributes `out` (by id). */
cn_lplan *lp_project_attrs(opt *o, cn_lplan *child, const cn_attr *out, int n);
void split_conj(opt *o, cn_expr *e, cn_expr ***out, int *n);
/* Deterministic, no subquery, no aggregate. */
bool expr_pushable(const cn_expr *e);

/* a <=> b as hash-joinable equalities: a = b when neither is nullable, else
 * coalesce(a, 0) = coalesce(b, 0) AND isnull(a) = isnull(b) (opt_subquery.c) */
int opt_null_safe_eq(opt *o, cn_expr *a, cn_expr *b, cn_expr **out);

/* batches */
int opt_subqueries(opt *o, cn_lplan **pp, bool *changed);
int opt_exprs(opt *o, cn_lplan **pp, bool *changed);
int opt_pushdown(opt *o, cn_lplan **pp, bool *changed);
int opt_extract_disjuncts(opt *o, cn_lplan **pp, bool *changed);
int opt_joins(opt *o, cn_lplan **pp, bool *changed);
int opt_prune(opt *o, cn_lplan **pp);
/* opt_aggs.c: multi-argument count, DISTINCT aggregates the planner cannot run directly */
int opt_aggregates(opt *o, cn_lplan **pp);
void opt_stats(opt *o, cn_lplan *p);
/* Recursively optimize the plans of remaining (uncorrelated) subquery expressions. */
int opt_optimize_subplans(opt *o, cn_lplan *p);

/* analyzer.c: total bytes of a data-source view's files, -1 unknown */
int64_t cn_lplan_source_bytes(cn_analyze_ctx *ctx, cn_view *v);

#endif
