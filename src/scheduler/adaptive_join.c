/*
 * adaptive_join.c — joins planned with runtime statistics (Spark's AQE
 * "converting sort-merge join to broadcast join" and
 * maxShuffledHashJoinLocalMapThreshold).
 *
 * A SortMergeJoin over two shuffle exchanges is not cut into stages up front.
 * One side runs first as a map stage of its own (which: see cn_aqe_join);
 * when its data size (the uncompressed bytes its map tasks wrote) is at most
 * spark.sql.adaptive.autoBroadcastJoinThreshold (default: the
 * autoBroadcastJoinThreshold), its shuffle output becomes a broadcast and the
 * join a BroadcastHashJoin. The other side then needs neither its sort nor —
 * when nothing above the join in the stage relies on the join's partitioning
 * — its shuffle: it streams straight from its own input, filtered at its scans
 * by the broadcast (runtime_filter.c). Spark materializes both sides' shuffles
 * before it re-plans; running the small side first is what saves the big
 * side's shuffle. Otherwise the other side runs too (filtered by the first
 * when that is small and the join does not preserve it), and is broadcast if
 * it is small; else, when no shuffle partition of a buildable side exceeds
 * maxShuffledHashJoinLocalMapThreshold, the join hashes that side per
 * partition (ShuffledHashJoin) instead of sorting both; else the sort-merge
 * join runs as planned over the two finished shuffles.
 */
#include "scheduler/dag_internal.h"

/* One side of a sort-merge join without the Sort the planner put there for it. */
static const cn_pplan *side_input(const cn_pplan *c)
{
    return c->kind == PP_SORT && !c->global && c->nchildren == 1 ? c->children[0] : c;
}

/* Does the side end in a final aggregate (through projections and filters)? Its output is
 * usually far smaller than what it read, so materializing it is cheap. */
static bool aggregate_side(const cn_pplan *p)
{
    while ((p->kind == PP_PROJECT || p->kind == PP_FILTER) && p->nchildren == 1) p = p->children[0];
    return p->kind == PP_HASH_AGG && p->agg_mode != AGG_PARTIAL;
}

/* A synthetic exchange over c, the input of side s, with the join's partitioning on that
 * side's keys: c is hash-partitioned on them already (the planner saw to it), so running the
 * exchange moves no row to another partition — it materializes c, which may then be
 * broadcast, or filter the other side. */
static cn_pplan *synth_exchange(query *q, const cn_pplan *smj, int s, const cn_pplan *c)
{
    cn_pplan *x = cn_pplan_new(q->arena, PP_EXCHANGE);
    x->nchildren = 1;
    x->children[0] = (cn_pplan *)c;
    x->nout = c->nout;
    x->out = c->out;
    x->part.kind = PART_HASH;
    x->part.n = smj->nparts;
    x->part.nkeys = smj->njoin_keys;
    x->part.keys = s == 0 ? smj->left_keys : smj->right_keys;
    x->nparts = smj->nparts;
    x->est_rows = c->est_rows;
    x->est_bytes = c->est_bytes;
    x->plan_id = -1;
    return x;
}

/* The hash exchange under side s of a sort-merge join (below its Sort); for a side that ends
 * in an aggregate (no exchange was planned over it), a synthetic one; else NULL. */
static const cn_pplan *side_exchange(query *q, const cn_pplan *smj, int s)
{
    const cn_pplan *c = side_input(smj->children[s]);
    if (c->kind == PP_EXCHANGE && c->nchildren == 1 && c->part.kind == PART_HASH) return c;
    if (!aggregate_side(c) || smj->nparts < 1) return NULL;
    return synth_exchange(q, smj, s, c);
}

/* Does a filter in p's subtree compare a column with a constant (=, IN, LIKE)? Such a side
 * is likely the small one, whatever the estimates (which, as Spark's without statistics,
 * never shrink under a filter). */
static bool selective_expr(const cn_expr *e)
{
    switch (e->kind) {
    case CN_EX_AND: return selective_expr(e->args[0]) || selective_expr(e->args[1]);
    case CN_EX_OR: return selective_expr(e->args[0]) && selective_expr(e->args[1]);
    case CN_EX_IN:
    case CN_EX_LIKE: return e->nargs > 0 && !cn_expr_is_foldable(e->args[0]);
    case CN_EX_CALL:
        return e->func == CN_FN_EQ && e->nargs == 2 &&
               cn_expr_is_foldable(e->args[0]) != cn_expr_is_foldable(e->args[1]);
    default: return false;
    }
}

static bool selective(const cn_pplan *p)
{
    if (p->kind == PP_FILTER && p->cond && selective_expr(p->cond)) return true;
    for (int i = 0; i < p->nchildren; i++)
        if (selective(p->children[i])) return true;
    for (int i = 0; i < p->ninputs; i++)
        if (selective(p->inputs[i])) return true;
    return false;
}

/* Every row of shuffle sid into bc; -1 on a read error (a lost or corrupt map output). */
static int read_shuffle_into(query *q, int sid, cn_broadcast *bc, cn_error *err)
{
    int nred = cn_mot_num_reduces(q->mot, sid);
    cn_arena *a = cn_arena_new("aqe-broadcast", NULL);
    int rc = 0;
    for (int p = 0; p < nred && rc == 0; p++) {
        int n = 0;
        cn_shuffle_input *in = NULL;
        cn_batch_source src;
        if (cn_mot_get_partition_inputs(q->mot, sid, p, a, &n, &in, err) != 0 ||
            cn_shuffle_reader_open(a, n, in, p, &src, err) != 0) {
            rc = -1;
            break;
        }
        for (;;) {
            cn_batch *b;
            if (src.next(src.state, &b, err) != 0) {
                rc = -1;
                break;
            }
            if (!b) break;
            if (cn_broadcast_add_batch(bc, b, err) != 0) {
                rc = -1;
                break;
            }
        }
        if (src.close) src.close(src.state);
        cn_arena_reset(a);
    }
    cn_arena_free(a);
    return rc;
}

/* Read every reduce partition of map stage ms's shuffle into a new broadcast; its leaf. A
 * read that fails (a map output lost or corrupt) recomputes the lost outputs from lineage and
 * reads again, as a reduce task's fetch failure would, up to spark.stage.maxConsecutiveAttempts. */
static cn_pplan *broadcast_from_shuffle(job *j, stage *ms, const cn_pplan *x, bool keep_shuffle, cn_error *err)
{
    query *q = j->q;
    int sid = ms->frag->shuffle_id;
    cn_broadcast *bc;
    for (int attempt = 0;; attempt++) {
        bc = cn_dag_broadcast_new(q, x);
        if (read_shuffle_into(q, sid, bc, err) == 0) break;
        cn_broadcast_free(bc);
        if (attempt + 1 >= CN_STAGE_MAX_ATTEMPTS || q->s->kill) return NULL;
        cn_error_clear(err);
        cn_error_init(err);
        if (cn_dag_recompute_map_stage(j, ms, err) != 0) return NULL;
    }
    /* nobody reads the shuffle any more: its files go now, not at the end of the query */
    if (!keep_shuffle) cn_mot_unregister_shuffle(q->mot, sid);
    return cn_dag_broadcast_read(q, bc, x);
}

/* An inner sort-merge join's output is sorted on its keys and the planner may have left
 * out the Sort of a join above that relies on it (CN_RW_KEEP_ORDER): what replaces the join
 * — usually far smaller than its inputs — is sorted on the keys instead. */
/* Sort [keys ASC NULLS FIRST], false over n (a sort-merge join's input order). */
static cn_pplan *key_sort(query *q, cn_pplan *n, cn_expr **keys, int nkeys)
{
    cn_pplan *srt = cn_pplan_new(q->arena, PP_SORT);
    srt->nchildren = 1;
    srt->children[0] = n;
    srt->nout = n->nout;
    srt->out = n->out;
    srt->nparts = n->nparts;
    srt->part = n->part;
    srt->global = false;
    srt->norders = nkeys;
    srt->orders = cn_arena_calloc(q->arena, sizeof(cn_sort_order) * (size_t)(nkeys + 1));
    for (int k = 0; k < nkeys; k++) {
        srt->orders[k].expr = keys[k];
        srt->orders[k].nulls_first = true;
    }
    return srt;
}

static cn_pplan *sorted_if_needed(query *q, const cn_pplan *smj, cn_pplan *n, int need)
{
    if (!(need & CN_RW_KEEP_ORDER) || smj->nsorted == 0) return n;
    /* the left keys, bound over the left input: an inner join's output starts with its columns */
    return key_sort(q, n, smj->left_keys, smj->njoin_keys);
}

/* The join as a hash join building side `build`: a BroadcastHashJoin when that side is a
 * broadcast leaf, else a ShuffledHashJoin over the two shuffle reads; sorted when needed. */
static cn_pplan *as_hash_join(query *q, const cn_pplan *smj, int build, cn_pplan *left, cn_pplan *right,
                              int need)
{
    cn_pplan *n = cn_dag_copy_node(q, smj);
    n->kind = PP_HASH_JOIN;
    n->build_right = build == 1;
    n->norders = 0;
    n->orders = NULL;
    n->nsorted = 0;
    n->children[0] = left;
    n->children[1] = right;
    const cn_pplan *stream = n->children[1 - build];
    n->broadcast = n->children[build]->kind == PP_BROADCAST_READ;
    n->nparts = stream->nparts;
    if (n->broadcast) n->part = stream->part;
    return sorted_if_needed(q, smj, n, need);
}

/* One side a broadcast leaf, the other the streamed plan. */
static cn_pplan *as_broadcast_join(query *q, const cn_pplan *smj, int build, cn_pplan *bleaf, cn_pplan *stream,
                                   int need)
{
    return build == 1 ? as_hash_join(q, smj, 1, stream, bleaf, need)
                      : as_hash_join(q, smj, 0, bleaf, stream, need);
}

/* The largest reduce partition of map stage ms's shuffle in uncompressed bytes (the file
 * bytes per partition scaled by the shuffle's data size over its file size). */
static int max_partition_bytes(query *q, const stage *ms, int64_t data_bytes, int64_t *out, cn_error *err)
{
    int sid = ms->frag->shuffle_id;
    int n = cn_mot_num_reduces(q->mot, sid);
    int64_t *sizes = cn_arena_calloc(q->arena, sizeof(int64_t) * (size_t)(n + 1));
    if (cn_mot_partition_sizes(q->mot, sid, sizes, NULL, err) != 0) return -1;
    int64_t total = 0, mx = 0;
    for (int p = 0; p < n; p++) {
        total += sizes[p];
        if (sizes[p] > mx) mx = sizes[p];
    }
    *out = total > 0 ? (int64_t)((double)mx * ((double)data_bytes / (double)total)) : 0;
    return 0;
}

/* What a side reads: the estimated bytes of the scans under it, broadcast sides left out.
 * Spark's size estimates multiply the sides of a join (an upper bound without
 * statistics), which says little about which side of a join is the smaller; the bytes a
 * side must scan say more. */
static double input_bytes(const cn_pplan *p)
{
    if (p->kind == PP_BROADCAST_EXCHANGE) return 0;
    if (p->kind == PP_UNION) {
        double s = 0;
        for (int i = 0; i < p->ninputs; i++) s += input_bytes(p->inputs[i]);
        return s;
    }
    if (p->nchildren == 0) return p->est_bytes >= 0 ? p->est_bytes : 1e18;
    double s = 0;
    for (int i = 0; i < p->nchildren; i++) s += input_bytes(p->children[i]);
    return s;
}

static int data_size(query *q, const stage *ms, int64_t *bytes, cn_error *err)
{
    int64_t records;
    return cn_mot_data_size(q->mot, ms->frag->shuffle_id, bytes, &records, err);
}

/* Only side s has an exchange (the other is, e.g., another join's output, partitioned and
 * sorted on the keys already): run side s first and broadcast it if it is small; the other
 * side streams as it is, its partitioning kept. Else the sort-merge join over side s's
 * finished shuffle. */
static cn_pplan *one_sided(job *j, const cn_pplan *smj, int s, const cn_pplan *x, stage_vec *deps, int need,
                           cn_error *err)
{
    query *q = j->q;
    int other = 1 - s;
    int64_t size;
    stage *ms = cn_dag_run_map_stage(j, x, err);
    if (!ms || data_size(q, ms, &size, err) != 0) return NULL;
    if (size <= q->aqe_broadcast) {
        cn_pplan *bleaf = broadcast_from_shuffle(j, ms, x, false, err);
        if (!bleaf) return NULL;
        const cn_pplan *in = cn_rf_filter(q, smj, s, side_input(smj->children[other]), bleaf, x->children[0]);
        cn_pplan *stream = cn_dag_rewrite(j, in, deps, need & CN_RW_FREE_PART, err);
        return stream ? as_broadcast_join(q, smj, s, bleaf, stream, need) : NULL;
    }
    cn_vec_push(*deps, ms);
    cn_pplan *n = cn_dag_copy_node(q, smj);
    cn_pplan *leaf = cn_dag_shuffle_read(q, x, ms);
    if (smj->children[s]->kind == PP_SORT) {
        cn_pplan *srt = cn_dag_copy_node(q, smj->children[s]);
        srt->children[0] = leaf;
        leaf = srt;
    }
    n->children[s] = leaf;
    int cneed = smj->children[other]->kind != PP_SORT ? CN_RW_KEEP_ORDER : 0;
    n->children[other] = cn_dag_rewrite(j, smj->children[other], deps, cneed, err);
    return n->children[other] ? n : NULL;
}

cn_pplan *cn_aqe_join(job *j, const cn_pplan *smj, stage_vec *deps, int need, bool *handled, cn_error *err)
{
    query *q = j->q;
    *handled = false;
    bool shj = q->shj_local_map > 0 && q->shj_local_map >= q->advisory_bytes;
    if ((q->aqe_broadcast < 0 && !shj) || smj->kind != PP_SMJ || smj->null_aware || smj->njoin_keys < 1)
        return NULL;
    bool can[2] = {cn_join_can_build(smj->join_type, 0), cn_join_can_build(smj->join_type, 1)};
    if (!can[0] && !can[1]) return NULL;
    const cn_pplan *xs[2] = {side_exchange(q, smj, 0), side_exchange(q, smj, 1)};
    /* One side filtered by constants, the other not: run the filtered side first — it is
     * likely small, and then broadcast, or at least a filter for the other side. A side
     * without an exchange of its own is materialized through a synthetic one (it is hash
     * partitioned on the keys already, so the shuffle keeps every row's partition). */
    bool sel[2] = {selective(side_input(smj->children[0])), selective(side_input(smj->children[1]))};
    int prefer = sel[0] != sel[1] && q->aqe_broadcast >= 0 && smj->nparts >= 1 ? (sel[0] ? 0 : 1) : -1;
    if (prefer >= 0)
        for (int s = 0; s < 2; s++)
            if (!xs[s]) xs[s] = synth_exchange(q, smj, s, side_input(smj->children[s]));
    if (!xs[0] && !xs[1]) return NULL;
    if (!xs[0] || !xs[1]) {
        int s = xs[0] ? 0 : 1;
        if (!can[s] || q->aqe_broadcast < 0) return NULL;
        *handled = true;
        return one_sided(j, smj, s, xs[s], deps, need, err);
    }
    *handled = true;
    int first;
    /* else the side that scans fewer bytes: broadcast if it can be built and is small; if it
     * cannot be built but is small, a runtime filter for the other (TPC-H Q4's orders of one
     * quarter filter lineitem before EXISTS) */
    double in0 = input_bytes(xs[0]), in1 = input_bytes(xs[1]);
    if (prefer >= 0) first = prefer;
    else if ((can[0] && can[1]) || (q->runtime_filter && in0 != in1)) first = in1 < in0 ? 1 : 0;
    else first = can[1] ? 1 : 0; /* no telling: the side that may be broadcast */
    int other = 1 - first;
    int64_t size1, size;
    stage *ms1 = cn_dag_run_map_stage(j, xs[first], err);
    if (!ms1 || data_size(q, ms1, &size1, err) != 0) return NULL;
    if (can[first] && q->aqe_broadcast >= 0 && size1 <= q->aqe_broadcast) {
        cn_pplan *bleaf = broadcast_from_shuffle(j, ms1, xs[first], false, err);
        if (!bleaf) return NULL;
        const cn_pplan *in = cn_rf_filter(q, smj, first, xs[other]->children[0], bleaf, xs[first]->children[0]);
        if (need & CN_RW_FREE_PART) {
            /* nothing above needs the join's partitioning: the streamed side is not shuffled */
            cn_pplan *stream = cn_dag_rewrite(j, in, deps, CN_RW_FREE_PART, err);
            return stream ? as_broadcast_join(q, smj, first, bleaf, stream, need) : NULL;
        }
        if (smj->join_type == JOIN_RIGHT) {
            /* the streamed side keeps its shuffle */
            cn_pplan *stream = cn_dag_rewrite(j, xs[other], deps, 0, err);
            return stream ? as_broadcast_join(q, smj, first, bleaf, stream, need) : NULL;
        }
        /* The join's partitioning is needed above: shuffle the join's output instead of
         * its streamed input — after a selective join, far fewer rows. It is partitioned
         * as the sort-merge join's was: by the left keys (the output starts with the left
         * columns; an inner join's right keys equal them), same partitioner and count. */
        cn_pplan *bhj = as_broadcast_join(q, smj, first, bleaf, (cn_pplan *)in, 0);
        cn_pplan *x = cn_pplan_new(q->arena, PP_EXCHANGE);
        x->nchildren = 1;
        x->children[0] = bhj;
        x->nout = bhj->nout;
        x->out = bhj->out;
        x->part = xs[0]->part;
        x->part.nkeys = smj->njoin_keys;
        x->part.keys = smj->left_keys;
        x->nparts = x->part.n;
        x->plan_id = xs[other]->plan_id;
        cn_pplan *read = cn_dag_rewrite(j, x, deps, 0, err);
        return read ? sorted_if_needed(q, smj, read, need) : NULL;
    }
    /* Not broadcast, but small: the other side's rows that match none of it cannot matter
     * when the join does not preserve that side, so they are filtered out at its scans
     * before it runs (its shuffle kept: it is still read below). */
    if (q->runtime_filter && cn_join_drops_unmatched(smj->join_type, other) && q->aqe_broadcast >= 0 &&
        size1 <= q->aqe_broadcast) {
        cn_pplan *bleaf = broadcast_from_shuffle(j, ms1, xs[first], true, err);
        if (!bleaf) return NULL;
        const cn_pplan *in = cn_rf_filter(q, smj, first, xs[other]->children[0], bleaf, xs[first]->children[0]);
        if (in != xs[other]->children[0]) {
            cn_pplan *xo = cn_dag_copy_node(q, xs[other]);
            xo->children[0] = (cn_pplan *)in;
            xs[other] = xo;
        }
    }
    stage *ms2 = cn_dag_run_map_stage(j, xs[other], err);
    if (!ms2 || data_size(q, ms2, &size, err) != 0) return NULL;
    cn_pplan *leaf1 = cn_dag_shuffle_read(q, xs[first], ms1);
    cn_vec_push(*deps, ms1);
    if (can[other] && q->aqe_broadcast >= 0 && size <= q->aqe_broadcast) {
        cn_pplan *bleaf = broadcast_from_shuffle(j, ms2, xs[other], false, err);
        return bleaf ? as_broadcast_join(q, smj, other, bleaf, leaf1, need) : NULL;
    }
    cn_vec_push(*deps, ms2);
    cn_pplan *leaves[2];
    leaves[first] = leaf1;
    leaves[other] = cn_dag_shuffle_read(q, xs[other], ms2);
    /* Spark's maxShuffledHashJoinLocalMapThreshold: every partition of a side the join may
     * build is small enough for a hash table, so hash instead of sorting both sides */
    if (shj) {
        int64_t total[2], maxp[2];
        total[first] = size1;
        total[other] = size;
        if (max_partition_bytes(q, ms1, size1, &maxp[first], err) != 0 ||
            max_partition_bytes(q, ms2, size, &maxp[other], err) != 0)
            return NULL;
        int build = -1;
        for (int s = 0; s < 2; s++)
            if (can[s] && maxp[s] <= q->shj_local_map && (build < 0 || total[s] < total[build])) build = s;
        if (build >= 0) return as_hash_join(q, smj, build, leaves[0], leaves[1], need);
    }
    cn_pplan *n = cn_dag_copy_node(q, smj);
    for (int s = 0; s < 2; s++) {
        if (smj->children[s]->kind == PP_SORT) {
            cn_pplan *srt = cn_dag_copy_node(q, smj->children[s]);
            srt->children[0] = leaves[s];
            srt->nparts = leaves[s]->nparts;
            n->children[s] = srt;
        } else {
            /* a side sorted already (another join's output), materialized: sort it again */
            n->children[s] = key_sort(q, leaves[s], s == 0 ? smj->left_keys : smj->right_keys, smj->njoin_keys);
        }
    }
    return n;
}
