/*
 * joinout.h — the output side shared by the hash, merge and nested-loop
 * joins. A join finds candidate pairs (probe row, build row); joinout turns
 * them into output: it materialises the pair batch in left ++ right order,
 * evaluates the extra condition (which decides the match for outer, semi and
 * anti joins, as Spark), records matched flags per probe row (current probe
 * batch) and per build row, and at the end of each probe batch / of the
 * probe input emits the unmatched rows with NULLs on the other side (outer
 * joins), or the matched / unmatched rows of one side (semi / anti), or every
 * probe row with a BOOLEAN flag column saying whether it matched (existence,
 * Spark's ExistenceJoin: always built on the right, never drops a left row).
 *
 * The probe side is the streamed side; the build side is held in a
 * cn_rowstore (payload columns first). With build_right the probe side is
 * the left input. Every emitting call resets the output arena first: only
 * one output batch is alive at a time.
 */
#ifndef CN_JOINOUT_H
#define CN_JOINOUT_H

#include "exec/rowstore.h"
#include "sql/ast.h"

typedef struct joinout {
    cn_op *op;
    int join_type;
    bool build_right;
    const cn_expr *cond;
    int nprobe, nbuild;
    const cn_type *probe_types, *build_types;
    const cn_rowstore *build;
    int64_t nbuild_rows;
    bool pairs_out;              /* inner / outer: pairs are output rows */
    bool probe_outer, build_outer;
    bool probe_semi, probe_anti; /* output = probe rows */
    bool probe_exists;           /* output = probe rows ++ matched flag */
    bool unknown_unmatched;      /* existence, null-aware: every unmatched row's flag is NULL */
    bool build_semi, build_anti; /* output = build rows, at the end */
    uint8_t *build_matched;      /* per build row when needed (malloc) */
    uint8_t probe_matched[CN_BATCH_SIZE]; /* per live row of the current probe batch */
    uint8_t probe_unknown[CN_BATCH_SIZE]; /* existence, null-aware: flag NULL when unmatched */
    cn_arena *out_arena;
    cn_eval_ctx ctx;
    cn_batch out;
    uint16_t sel[CN_BATCH_SIZE];
    uint32_t idx[CN_BATCH_SIZE];
    int64_t rest_pos;            /* build_rest scan position */
} joinout;

void joinout_init(joinout *jo, cn_op *op, int join_type, bool build_right, const cn_expr *cond, int nprobe,
                  const cn_type *probe_types, int nbuild, const cn_type *build_types);
/* The build rows are known (call once before probing). */
void joinout_set_build(joinout *jo, const cn_rowstore *build, int64_t nrows);
/* Start a new probe batch (clears probe matched flags). */
void joinout_probe_begin(joinout *jo);
/* n candidate pairs: probe live row plive[i] (index into the live rows of probe) with build row brow[i].
 * *out = a batch to return, or NULL. */
int joinout_pairs(joinout *jo, const cn_batch *probe, const uint16_t *plive, const uint32_t *brow, int n,
                  cn_batch **out, cn_error *err);
/* The probe batch is finished: unmatched (outer / anti) or matched (semi) probe rows. */
int joinout_probe_end(joinout *jo, const cn_batch *probe, cn_batch **out, cn_error *err);
/* After the probe input: unmatched build rows (build outer / anti) or matched (build semi);
 * call until *out is NULL. */
int joinout_build_rest(joinout *jo, cn_batch **out, cn_error *err);
/* Is a probe row decided by its first match (semi, anti, existence: the row's output does
 * not depend on which or how many build rows match)? */
static inline bool joinout_first_match_decides(const joinout *jo)
{
    return jo->probe_semi || jo->probe_anti || jo->probe_exists;
}
/* Does this join need to keep looking for matches of probe row `live` after one was found? */
static inline bool joinout_probe_done_early(const joinout *jo, int live)
{
    return joinout_first_match_decides(jo) && jo->probe_matched[live];
}
/* Output columns of a join of left and right: left ++ right, left only (semi / anti), or
 * left ++ BOOLEAN (existence). types has room for left->ncols + right->ncols + 1. */
int joinout_output_types(int join_type, const cn_op *left, const cn_op *right, cn_type *types);
void joinout_free(joinout *jo);

#endif
