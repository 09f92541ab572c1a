/*
 * operator.h — the executor's pull interface and the operator constructors.
 *
 * A task builds a tree of cn_op from its plan fragment (scheduler/task.c)
 * and pulls batches from the root. Each operator is one file in exec/.
 *
 *   next(op, &batch, err): 0 and *batch = a batch with >= 1 live row,
 *                          0 and *batch = NULL at end of input,
 *                          -1 on error (err filled).
 *
 * The batch returned stays valid until the next call to next() or close().
 * Operators allocate from their own arena (op->arena, a child of the task
 * arena) and reset a per-batch arena as they go; nothing is freed per row.
 * Operators that hold data (hash tables, sort buffers) account it with the
 * task's memory budget (cn_task_ctx.mem_*) and spill when refused (later).
 *
 * Inputs that come from outside the fragment — file splits, shuffle blocks,
 * broadcast relations, cached partitions — are reached through the
 * callbacks of cn_task_ctx, so exec/ depends on no higher layer.
 */
#ifndef CN_OPERATOR_H
#define CN_OPERATOR_H

#include "base/config.h"
#include "expr/agg.h"
#include "expr/expr.h"

typedef struct cn_op cn_op;
typedef struct cn_task_ctx cn_task_ctx;

typedef struct cn_op_vtable {
    const char *name;
    int (*next)(cn_op *op, cn_batch **out, cn_error *err);
    void (*close)(cn_op *op); /* release resources other than op->arena (files, children are closed by cn_op_close) */
} cn_op_vtable;

struct cn_op {
    const cn_op_vtable *vt;
    cn_task_ctx *task;
    cn_arena *arena;      /* operator lifetime */
    int nchildren;
    cn_op *children[2];
    int ncols;            /* output columns */
    cn_type *types;       /* output types */
    /* metrics */
    int64_t rows_out;
    uint64_t time_ns;
};

/* A source of batches the task context hands out (shuffle blocks, broadcast rows, cache). */
typedef struct cn_batch_iter {
    int (*next)(void *state, cn_batch **out, cn_error *err); /* *out NULL at end */
    void (*close)(void *state);
    void *state;
} cn_batch_iter;

struct cn_task_ctx {
    int stage_id, partition, attempt;
    cn_arena *arena;          /* task lifetime */
    const cn_conf *conf;
    cn_eval_ctx eval;         /* template: operators copy it and set their own arena */
    volatile int *cancelled;  /* non-zero: stop with [OPERATION_CANCELED] */
    /* open the blocks of reduce partition `part` of shuffle `shuffle_id` */
    int (*open_shuffle)(cn_task_ctx *t, int shuffle_id, int part, cn_batch_iter *it, cn_error *err);
    /* all rows of broadcast `broadcast_id` */
    int (*open_broadcast)(cn_task_ctx *t, int broadcast_id, cn_batch_iter *it, cn_error *err);
    /* a broadcast's shared hash table built once per query (see hash_join.c); NULL if not built yet */
    void *(*get_broadcast_table)(cn_task_ctx *t, int broadcast_id, void *(*build)(void *arg, cn_error *err),
                                 void *arg, cn_error *err);
    /* partition `part` of a cached relation */
    int (*open_cache)(cn_task_ctx *t, void *cache, int part, cn_batch_iter *it, cn_error *err);
    void *ud;                 /* scheduler's state for the callbacks */
    /* memory accounting (bytes); mem_limit 0 = unlimited */
    int64_t mem_used, mem_peak, mem_limit;
    /* metrics */
    int64_t input_rows, input_bytes;
};

/* Pull the next batch, with metrics and cancellation. */
int cn_op_next(cn_op *op, cn_batch **out, cn_error *err);
/* Close op and its children and free op->arena. */
void cn_op_close(cn_op *op);
/* Allocate an operator with its arena; `size` >= sizeof(cn_op) for the operator's struct. */
cn_op *cn_op_alloc(cn_task_ctx *t, const cn_op_vtable *vt, size_t size, int ncols, const cn_type *types);

/* ---- constructors, one per file ---- */
typedef struct cn_csv_options cn_csv_options; /* io/csv.h */

cn_op *cn_op_csv_scan(cn_task_ctx *t, const char *path, int64_t start, int64_t length,
                      const cn_csv_options *opts, const cn_schema *file_schema, int ncols, const int *cols);
cn_op *cn_op_local_scan(cn_task_ctx *t, int ncols, const cn_type *types, int nrows, cn_value **rows);
cn_op *cn_op_iter_scan(cn_task_ctx *t, int ncols, const cn_type *types, cn_batch_iter it); /* shuffle, cache, broadcast */
cn_op *cn_op_filter(cn_task_ctx *t, cn_op *child, const cn_expr *cond);
cn_op *cn_op_project(cn_task_ctx *t, cn_op *child, int n, cn_expr **exprs);
cn_op *cn_op_hash_agg(cn_task_ctx *t, cn_op *child, cn_agg_mode mode, int nkeys, cn_expr **keys, int naggs,
                      const cn_agg *aggs, cn_expr **agg_args, int nresult, cn_expr **result);
cn_op *cn_op_sort(cn_task_ctx *t, cn_op *child, int norders, const cn_sort_key *orders);
cn_op *cn_op_topn(cn_task_ctx *t, cn_op *child, int64_t limit, int64_t offset, int norders, const cn_sort_key *orders,
                  int nproj, cn_expr **proj);
cn_op *cn_op_limit(cn_task_ctx *t, cn_op *child, int64_t limit, int64_t offset);
cn_op *cn_op_union(cn_task_ctx *t, int n, cn_op **children);
/* Hash join: probe side streams, build side is fully consumed first (or comes from a broadcast).
 * left/right keys are bound to their own side; cond to left++right. Output: left ++ right
 * (semi/anti: left only). build_right selects the build side. */
cn_op *cn_op_hash_join(cn_task_ctx *t, cn_op *left, cn_op *right, int join_type, bool build_right, int nkeys,
                       cn_expr **left_keys, cn_expr **right_keys, const cn_expr *cond, int broadcast_id);
/* Null-aware LEFT ANTI join (NOT IN, one key, build right): if the build side has a NULL key no row
 * is emitted; a probe row with a NULL key is dropped unless the build side is empty. */
void cn_op_hash_join_set_null_aware(cn_op *op, bool null_aware);
/* Free a shared broadcast hash table returned by the build callback of get_broadcast_table
 * (the scheduler calls this when the query ends). */
void cn_hash_join_table_free(void *table);
cn_op *cn_op_merge_join(cn_task_ctx *t, cn_op *left, cn_op *right, int join_type, int nkeys, cn_expr **left_keys,
                        cn_expr **right_keys, const cn_expr *cond);
cn_op *cn_op_nl_join(cn_task_ctx *t, cn_op *left, cn_op *right, int join_type, bool build_right, const cn_expr *cond);

#endif
