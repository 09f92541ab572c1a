/*
 * agg.h — aggregate functions as vectorized state kernels.
 *
 * A hash aggregate keeps, per group, a fixed-size state block; each aggregate
 * owns `state_size` bytes at an offset inside it. Kernels take an array of
 * per-row state pointers (`states[i]` is the block of the group that live row
 * i belongs to) so one call processes a whole batch with no per-row dispatch.
 *
 * Partial/final split (Spark's partial_sum / sum): a partial aggregate emits
 * its states as `nstate` columns (cn_agg_emit_partial), which travel through
 * the shuffle; the final aggregate merges them (cn_agg_merge) and produces
 * the result (cn_agg_finalize). Complete mode = update + finalize.
 *
 * State layouts follow Spark: SUM of decimal keeps (sum decimal(p+10,s),
 * isEmpty); AVG keeps (sum, count); COUNT keeps a bigint.
 */
#ifndef CN_AGG_H
#define CN_AGG_H

#include "expr/expr.h"

/* Hash aggregate modes, as Spark's AggregateMode. */
typedef enum cn_agg_mode { AGG_PARTIAL, AGG_FINAL, AGG_COMPLETE, AGG_PARTIAL_MERGE } cn_agg_mode;

typedef struct cn_agg {
    int func;          /* cn_agg_func */
    bool distinct;     /* handled by the planner (two-phase distinct); kernels see plain input */
    bool is_star;      /* count(*): no input column */
    cn_type in_type;   /* input type (after coercion) */
    cn_type out_type;  /* result type */
    int nstate;        /* partial state columns */
    cn_type state_types[3];
    int state_size;    /* bytes in the group block, multiple of 8 */
    bool legacy;       /* spark.sql.ansi.enabled=false: overflow wraps / gives NULL instead of failing
                        * (cn_agg_prepare leaves it false = ANSI; callers set it) */
} cn_agg;

/* Fill a's types and sizes for function func over input type `in`. */
int cn_agg_prepare(cn_agg *a, int func, cn_type in, bool is_star, cn_error *err);
/* Initialise n state blocks (states[i] + offset). */
void cn_agg_init(const cn_agg *a, char **states, int offset, int n);
/* Accumulate raw input rows: input has n dense rows (NULL for count(*)). */
int cn_agg_update(const cn_agg *a, char **states, int offset, const cn_vector *input, int n, cn_arena *arena,
                  cn_error *err);
/* Merge partial states given as a->nstate dense columns of n rows. */
int cn_agg_merge(const cn_agg *a, char **states, int offset, const cn_vector *state_cols, int n, cn_arena *arena,
                 cn_error *err);
/* Write partial states of n groups into a->nstate vectors at rows [row0, row0+n). */
void cn_agg_emit_partial(const cn_agg *a, char **states, int offset, int n, cn_vector *out_cols, int row0, cn_arena *arena);
/* Write final results of n groups into out at rows [row0, row0+n). */
int cn_agg_finalize(const cn_agg *a, char **states, int offset, int n, cn_vector *out, int row0, cn_arena *arena,
                    cn_error *err);
/* `arena` receives copies of strings kept in states (MIN/MAX/FIRST of strings): it must live as long as the states. */

#endif
