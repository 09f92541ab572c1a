/*
 * adaptive.c — adaptive query execution: plans revised with what the map
 * stages measured (spark.sql.adaptive.enabled, on by default as in Spark).
 *
 * Coalescing (Spark's CoalesceShufflePartitions): when a stage is first
 * submitted and all its leaves read shuffles of its own partition count (or
 * broadcasts), adjacent reduce partitions are merged into contiguous groups by
 * the map output sizes; every shuffle read of the stage uses the same groups,
 * and each task's header carries its range. A coalesced map stage re-registers
 * its shuffle's map count.
 *
 * Join conversion (Spark's AQE "converting sort-merge join to broadcast
 * join" and maxShuffledHashJoinLocalMapThreshold): a SortMergeJoin over two
 * shuffle exchanges is not cut into stages up front. The side that scans
 * fewer bytes (or the only side the join type can build) runs first as a map
 * stage of its own; when its data size (the uncompressed bytes its map tasks
 * wrote) is at most spark.sql.adaptive.autoBroadcastJoinThreshold (default:
 * the autoBroadcastJoinThreshold), its shuffle output becomes a broadcast and
 * the join a BroadcastHashJoin. The other side then needs neither its sort nor
 * — when nothing above the join in the stage relies on the join's
 * partitioning — its shuffle: it streams straight from its own input. Spark
 * materializes both sides' shuffles before it re-plans; running the small
 * side first is what saves the big side's shuffle. Otherwise the other side
 * runs too, and is broadcast if it is small; else, when no shuffle partition
 * of a buildable side exceeds maxShuffledHashJoinLocalMapThreshold, the join
 * hashes that side per partition (ShuffledHashJoin) instead of sorting both;
 * else the sort-merge join runs as planned over the two finished shuffles.
 */
#include "scheduler/dag_internal.h"

typedef CN_VEC(int) int_vec;


/* Collect the shuffle ids read by fragment p; false if a leaf is neither a shuffle read
 * nor a broadcast read, or a union maps partitions to its inputs. */
static bool frag_shuffle_leaves(const cn_pplan *p, int_vec *ids)
{
    switch (p->kind) {
    case PP_SHUFFLE_READ: cn_vec_push(*ids, p->shuffle_id); return true;
    case PP_BROADCAST_READ: return true;
    case PP_UNION:
    case PP_EXCHANGE:
    case PP_BROADCAST_EXCHANGE: return false;
    default: break;
    }
    if (p->nchildren == 0) return false;
    for (int i = 0; i < p->nchildren; i++)
        if (!frag_shuffle_leaves(p->children[i], ids)) return false;
    return true;
}

/* A range exchange samples its input to pick partition bounds — a second run of the
 * fragment. When everything the fragment reads is a shuffle of at most minPartitionSize
 * bytes (coalescing would merge its output into one partition anyway), the sampling is
 * skipped: without bounds every row goes to partition 0, which the Sort above orders. */
bool cn_aqe_skip_sampling(job *j, const stage *sample)
{
    query *q = j->q;
    if (!q->coalesce || sample->kind != ST_SAMPLE || !sample->frag || sample->frag->nchildren != 1) return false;
    int_vec ids = {0};
    bool ok = frag_shuffle_leaves(sample->frag->children[0], &ids) && ids.n > 0;
    int64_t total = 0;
    for (int i = 0; i < ids.n && ok; i++) {
        int64_t bytes, records;
        cn_error e;
        cn_error_init(&e);
        if (cn_mot_data_size(q->mot, ids.v[i], &bytes, &records, &e) != 0) ok = false;
        cn_error_clear(&e);
        total += bytes;
    }
    cn_vec_free(ids);
    return ok && total <= q->min_part_bytes;
}

/* Spark's ShufflePartitionsUtil.coalescePartitions (no skew): walk the reduce partitions
 * (sizes summed over the shuffles read), start a new group when the next partition would
 * push the current one past target, and fold a group into the previous one when either
 * is small (< 20% of target) or both together stay under 120% of target. Writes the
 * group starts into starts[] (starts[0] = 0) and returns their count. */
int cn_sched_coalesce_groups(const int64_t *sizes, int n, int64_t target, int *starts)
{
    int ng = 0;
    starts[ng++] = 0;
    int64_t cur = 0, last = -1;
    for (int i = 0; i < n; i++) {
        if (i > 0 && cur + sizes[i] > target) {
            /* tryMergePartitions */
            if (last > -1 && ((double)(cur + last) < target * 1.2 || (double)cur < target * 0.2 ||
                              (double)last < target * 0.2)) {
                ng--;
                last += cur;
            } else {
                last = cur;
            }
            starts[ng++] = i;
            cur = sizes[i];
        } else {
            cur += sizes[i];
        }
    }
    if (last > -1 && ((double)(cur + last) < target * 1.2 || (double)cur < target * 0.2 ||
                      (double)last < target * 0.2))
        ng--;
    return ng;
}

/* Before a stage's first attempt: when every leaf reads a shuffle of the stage's partition
 * count (or a broadcast), merge adjacent reduce partitions by the map output sizes. */
int cn_aqe_coalesce_stage(job *j, stage *st, cn_error *err)
{
    query *q = j->q;
    if (!q->coalesce || st->nparts <= 1) return 0;
    if (st->kind == ST_RESULT && j->sink == SINK_CACHE) return 0; /* the cache keeps the planned partitions */
    const cn_pplan *root = st->kind == ST_RESULT ? st->frag : st->frag->children[0];
    int_vec ids = {0};
    int rc = 0;
    int n = st->nparts;
    if (!frag_shuffle_leaves(root, &ids) || ids.n == 0) goto out;
    for (int i = 0; i < ids.n; i++)
        if (cn_mot_num_reduces(q->mot, ids.v[i]) != n) goto out;
    int64_t *sizes = cn_arena_calloc(q->arena, sizeof(int64_t) * (size_t)n * 2);
    int64_t *one = sizes + n, total = 0;
    for (int i = 0; i < ids.n; i++) {
        if (cn_mot_partition_sizes(q->mot, ids.v[i], one, NULL, err) != 0) {
            rc = -1;
            goto out;
        }
        for (int p = 0; p < n; p++) sizes[p] += one[p];
    }
    for (int p = 0; p < n; p++) total += sizes[p];
    /* parallelismFirst: at least spark.default.parallelism (local[N]: N) partitions when the
     * data allows, each at most the advisory size and at least minPartitionSize */
    int par = q->s->nthreads > 0 ? q->s->nthreads : 1;
    int64_t target = (total + par - 1) / par;
    if (q->advisory_bytes > 0 && target > q->advisory_bytes) target = q->advisory_bytes;
    if (target < q->min_part_bytes) target = q->min_part_bytes;
    if (target < 1) target = 1;
    int *starts = cn_arena_calloc(q->arena, sizeof(int) * (size_t)(n + 1));
    int ng = cn_sched_coalesce_groups(sizes, n, target, starts);
    if (ng >= n || ng < 1) goto out;
    starts[ng] = n;
    if (st->kind == ST_MAP && cn_mot_set_num_maps(q->mot, st->frag->shuffle_id, ng, err) != 0) {
        rc = -1;
        goto out;
    }
    st->nparts = ng;
    st->rstart = starts;
    cn_dag_stage_alloc_parts(q->arena, st);
out:
    cn_vec_free(ids);
    return rc;
}

/* ------------------------------------------------- join conversion */

static bool can_build_right(cn_join_type t)
{
    return t == JOIN_INNER || t == JOIN_CROSS || t == JOIN_LEFT || t == JOIN_LEFT_SEMI || t == JOIN_LEFT_ANTI;
}
static bool can_build_left(cn_join_type t) { return t == JOIN_INNER || t == JOIN_CROSS || t == JOIN_RIGHT; }

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

/* The hash exchange under side s of a sort-merge join (below its Sort); for a side that ends
 * in an aggregate (hash-partitioned on the keys already, so no exchange was planned), a
 * synthetic one on top of it with the join's partitioning — running it materializes the
 * aggregate, which may then be broadcast; else NULL. */
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

/* Read every reduce partition of map stage ms's shuffle into a new broadcast. */
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

/* Read every reduce partition of map stage ms's shuffle into a new broadcast. A read that
 * fails (a map output lost or corrupt) recomputes the lost outputs from lineage and reads
 * again, as a reduce task's fetch failure would, up to spark.stage.maxConsecutiveAttempts. */
static int broadcast_from_shuffle(job *j, stage *ms, const cn_pplan *x, bool keep_shuffle, int *id_out,
                                  cn_error *err)
{
    query *q = j->q;
    int sid = ms->frag->shuffle_id;
    cn_type *types = cn_arena_calloc(q->arena, sizeof(cn_type) * (size_t)(x->nout + 1));
    for (int i = 0; i < x->nout; i++) types[i] = x->out[i].type;
    int id = q->s->next_broadcast++;
    cn_broadcast *bc = NULL;
    for (int attempt = 0;; attempt++) {
        bc = cn_broadcast_new(id, x->nout, types, CN_CODEC_NONE);
        if (read_shuffle_into(q, sid, bc, err) == 0) break;
        cn_broadcast_free(bc);
        if (attempt + 1 >= CN_STAGE_MAX_ATTEMPTS || q->s->kill) return -1;
        cn_error_clear(err);
        cn_error_init(err);
        if (cn_dag_recompute_map_stage(j, ms, err) != 0) return -1;
    }
    cn_broadcast_store_put(q->bstore, bc);
    q->stats.broadcasts++;
    /* nobody reads the shuffle any more: its files go now, not at the end of the query */
    if (!keep_shuffle) cn_mot_unregister_shuffle(q->mot, sid);
    *id_out = id;
    return 0;
}

static cn_pplan *broadcast_leaf(query *q, const cn_pplan *x, int id)
{
    cn_pplan *leaf = cn_pplan_new(q->arena, PP_BROADCAST_READ);
    leaf->nout = x->nout;
    leaf->out = x->out;
    leaf->nparts = 1;
    leaf->part.kind = PART_BROADCAST;
    leaf->broadcast_id = id;
    leaf->plan_id = x->plan_id;
    return leaf;
}

/* An inner sort-merge join's output is sorted on its keys and the planner may have left
 * out the Sort of a join above that relies on it (CN_RW_KEEP_ORDER): what replaces the join
 * — usually far smaller than its inputs — is sorted on the keys instead. */
static cn_pplan *sorted_if_needed(query *q, const cn_pplan *smj, cn_pplan *n, int need)
{
    if (!(need & CN_RW_KEEP_ORDER) || smj->nsorted == 0) return n;
    cn_pplan *srt = cn_pplan_new(q->arena, PP_SORT);
    srt->nchildren = 1;
    srt->children[0] = n;
    srt->nout = n->nout;
    srt->out = n->out;
    srt->nparts = n->nparts;
    srt->part = n->part;
    srt->global = false;
    /* the left keys, bound over the left input: an inner join's output starts with its columns */
    srt->norders = smj->njoin_keys;
    srt->orders = cn_arena_calloc(q->arena, sizeof(cn_sort_order) * (size_t)(smj->njoin_keys + 1));
    for (int k = 0; k < smj->njoin_keys; k++) {
        srt->orders[k].expr = smj->left_keys[k];
        srt->orders[k].nulls_first = true;
    }
    return srt;
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
    if (n->broadcast) {
        n->part = stream->part;
        q->stats.aqe_broadcast_joins++;
    } else {
        q->stats.aqe_shuffled_hash_joins++;
    }
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

/* ------------------------------------------- runtime semi-join filters */

/* A broadcast side that turned out small also filters the streamed side at its scans: every
 * scan that a streamed key column comes from (through projections, filters, sorts,
 * exchanges, grouping keys of aggregates, either side of joins — and across an inner join's
 * key equality to the other side) gets a LEFT SEMI broadcast join against the same broadcast
 * (the shared hash table is built once, on the same keys). Rows whose key is not in the
 * broadcast would be dropped by the join above anyway — it is an inner or left semi join
 * streaming that side — and all rows of one key are kept or dropped together, so
 * aggregates over the key are unchanged; no Limit or TopN is crossed. This is Spark's
 * runtime filter (InjectRuntimeFilter) with the broadcast itself as the filter; it saves
 * the rows' shuffles and joins below. */
#define RF_MAX_KEYS 8

typedef struct rf_ctx {
    query *q;
    const cn_pplan *bleaf;  /* the broadcast leaf */
    int nkeys;
    cn_expr **bkeys;        /* its keys, bound over the broadcast's columns (the join's build keys) */
    int64_t brows;          /* rows in the broadcast */
    int injected;
} rf_ctx;

static bool col_index(const cn_expr *e, int *out)
{
    if (!e || e->kind != CN_EX_COL) return false;
    *out = e->index;
    return true;
}

/* cols[0..nkeys): the output columns of a node holding the streamed keys, in key order */
static cn_pplan *rf_inject(rf_ctx *r, const cn_pplan *p, const int *cols, int depth);

/* p with children[i] replaced by c (a copy when it changes). */
static cn_pplan *with_child(rf_ctx *r, const cn_pplan *p, int i, cn_pplan *c)
{
    if (c == p->children[i]) return (cn_pplan *)p;
    cn_pplan *n = cn_dag_copy_node(r->q, p);
    n->children[i] = c;
    return n;
}

static cn_pplan *rf_leaf(rf_ctx *r, const cn_pplan *p, const int *cols)
{
    for (int k = 0; k < r->nkeys; k++)
        if (cols[k] < 0 || cols[k] >= p->nout || !cn_type_eq(p->out[cols[k]].type, r->bkeys[k]->type))
            return (cn_pplan *)p;
    /* worth a probe per scanned row only when the broadcast is a small part of the scan */
    if (p->est_rows >= 0 && (double)r->brows * 8 > p->est_rows) return (cn_pplan *)p;
    cn_arena *a = r->q->arena;
    cn_pplan *j = cn_pplan_new(a, PP_HASH_JOIN);
    j->nchildren = 2;
    j->children[0] = (cn_pplan *)p;
    j->children[1] = (cn_pplan *)r->bleaf;
    j->join_type = JOIN_LEFT_SEMI;
    j->broadcast = true;
    j->build_right = 1;
    j->njoin_keys = r->nkeys;
    j->left_keys = cn_arena_calloc(a, sizeof(cn_expr *) * (size_t)(r->nkeys + 1));
    j->right_keys = r->bkeys; /* the same keys: the broadcast's hash table is shared */
    for (int k = 0; k < r->nkeys; k++) {
        const cn_attr *at = &p->out[cols[k]];
        j->left_keys[k] = cn_expr_col(a, at->id, at->name, at->type, true);
        j->left_keys[k]->index = cols[k];
    }
    j->nout = p->nout;
    j->out = p->out;
    j->nparts = p->nparts;
    j->part = p->part;
    j->est_rows = p->est_rows;
    j->est_bytes = p->est_bytes;
    j->plan_id = -1;
    j->runtime_filter = true;
    r->injected++;
    return j;
}

static cn_pplan *rf_join(rf_ctx *r, const cn_pplan *p, const int *cols, int depth)
{
    int nleft = p->children[0]->nout;
    bool left_only = p->join_type == JOIN_LEFT_SEMI || p->join_type == JOIN_LEFT_ANTI;
    int side = cols[0] < nleft ? 0 : 1;
    int c[RF_MAX_KEYS];
    for (int k = 0; k < r->nkeys; k++) {
        if ((cols[k] < nleft ? 0 : 1) != side) return (cn_pplan *)p; /* keys from both sides */
        c[k] = side ? cols[k] - nleft : cols[k];
    }
    if (side == 1 && left_only) return (cn_pplan *)p;
    cn_pplan *n = with_child(r, p, side, rf_inject(r, p->children[side], c, depth + 1));
    /* an inner (or left semi) equi-join on these very columns: its other side's keys equal them */
    if ((p->join_type == JOIN_INNER || p->join_type == JOIN_LEFT_SEMI) && p->kind != PP_NL_JOIN) {
        cn_expr **mine = side ? p->right_keys : p->left_keys, **theirs = side ? p->left_keys : p->right_keys;
        int t[RF_MAX_KEYS];
        bool all = true;
        for (int k = 0; k < r->nkeys && all; k++) {
            bool found = false;
            for (int q = 0; q < p->njoin_keys && !found; q++) {
                int mi, ti;
                if (col_index(mine[q], &mi) && mi == c[k] && col_index(theirs[q], &ti) &&
                    cn_type_eq(theirs[q]->type, mine[q]->type)) {
                    t[k] = ti;
                    found = true;
                }
            }
            all = found;
        }
        if (all) n = with_child(r, n, 1 - side, rf_inject(r, n->children[1 - side], t, depth + 1));
    }
    return n;
}

/* Is p a scan under nothing but filters and projections? */
static bool scan_chain(const cn_pplan *p)
{
    while ((p->kind == PP_FILTER || p->kind == PP_PROJECT) && p->nchildren == 1) p = p->children[0];
    return p->kind == PP_CSV_SCAN || p->kind == PP_CACHE_SCAN || p->kind == PP_LOCAL_SCAN;
}

static cn_pplan *rf_inject(rf_ctx *r, const cn_pplan *p, const int *cols, int depth)
{
    int c[RF_MAX_KEYS];
    if (depth > 64) return (cn_pplan *)p;
    /* above a scan's own filters, so only the rows they keep are probed */
    if ((p->kind == PP_FILTER || p->kind == PP_PROJECT) && scan_chain(p)) return rf_leaf(r, p, cols);
    switch (p->kind) {
    case PP_CSV_SCAN:
    case PP_CACHE_SCAN:
    case PP_LOCAL_SCAN: return rf_leaf(r, p, cols);
    case PP_FILTER:
    case PP_SORT:
    case PP_EXCHANGE:
    case PP_BROADCAST_EXCHANGE: return with_child(r, p, 0, rf_inject(r, p->children[0], cols, depth + 1));
    case PP_PROJECT:
        for (int k = 0; k < r->nkeys; k++)
            if (cols[k] >= p->nexprs || !col_index(p->exprs[cols[k]], &c[k])) return (cn_pplan *)p;
        return with_child(r, p, 0, rf_inject(r, p->children[0], c, depth + 1));
    case PP_HASH_AGG:
        /* every key column must be a grouping key, itself a column of the input */
        for (int k = 0; k < r->nkeys; k++) {
            int g;
            if (p->agg_mode == AGG_PARTIAL) {
                if (cols[k] >= p->nkeys) return (cn_pplan *)p;
                g = cols[k];
            } else if (cols[k] >= p->nexprs || !col_index(p->exprs[cols[k]], &g) || g >= p->nkeys) {
                return (cn_pplan *)p;
            }
            if (!col_index(p->keys[g], &c[k])) return (cn_pplan *)p;
        }
        return with_child(r, p, 0, rf_inject(r, p->children[0], c, depth + 1));
    case PP_HASH_JOIN:
    case PP_SMJ:
    case PP_NL_JOIN: return rf_join(r, p, cols, depth);
    case PP_UNION: {
        cn_pplan *n = NULL;
        for (int i = 0; i < p->ninputs; i++) {
            cn_pplan *in = rf_inject(r, p->inputs[i], cols, depth + 1);
            if (in == p->inputs[i]) continue;
            if (!n) {
                n = cn_dag_copy_node(r->q, p);
                n->inputs = cn_arena_memdup(r->q->arena, p->inputs, sizeof(cn_pplan *) * (size_t)(p->ninputs + 1));
            }
            n->inputs[i] = in;
        }
        return n ? n : (cn_pplan *)p;
    }
    default: return (cn_pplan *)p; /* Limit, TopN: which rows pass depends on all rows */
    }
}

/* The streamed side of a join turned into a broadcast join building side `build`: filtered
 * at its scans when the join drops what does not match (inner, or left semi streaming left). */
static bool streams_dropped(const cn_pplan *join, int build)
{
    return join->join_type == JOIN_INNER || (join->join_type == JOIN_LEFT_SEMI && build == 1);
}

/* drops: the join drops the rows of `stream` (the side not `build`) that match no row of the
 * broadcast — it does not preserve that side */
static double scan_rows(const cn_pplan *p)
{
    if (p->kind == PP_CSV_SCAN || p->kind == PP_CACHE_SCAN || p->kind == PP_LOCAL_SCAN) return p->est_rows;
    double s = 0;
    for (int i = 0; i < p->nchildren; i++) {
        double c = scan_rows(p->children[i]);
        if (c < 0) return -1;
        s += c;
    }
    for (int i = 0; i < p->ninputs; i++) {
        double c = scan_rows(p->inputs[i]);
        if (c < 0) return -1;
        s += c;
    }
    return s;
}

/* bsrc: the plan the broadcast came from. A broadcast holding most of what it scanned (a
 * whole dimension table) would keep nearly every row: no filter then. */
static const cn_pplan *runtime_filter(query *q, const cn_pplan *smj, int build, const cn_pplan *stream,
                                      const cn_pplan *bleaf, int id, bool drops, const cn_pplan *bsrc)
{
    int nk = smj->njoin_keys;
    if (!drops || !q->runtime_filter || nk < 1 || nk > RF_MAX_KEYS) return stream;
    cn_broadcast *bcast = cn_broadcast_store_get(q->bstore, id);
    double src_rows = bsrc ? scan_rows(bsrc) : -1;
    if (bcast && src_rows >= 0 && (double)cn_broadcast_rows(bcast) * 2 > src_rows) return stream;
    cn_expr **bkeys = build == 1 ? smj->right_keys : smj->left_keys, **skeys = build == 1 ? smj->left_keys : smj->right_keys;
    int cols[RF_MAX_KEYS];
    for (int k = 0; k < nk; k++)
        if (!col_index(skeys[k], &cols[k]) || !cn_type_eq(skeys[k]->type, bkeys[k]->type)) return stream;
    cn_broadcast *bc = cn_broadcast_store_get(q->bstore, id);
    rf_ctx r = {q, bleaf, nk, bkeys, bc ? cn_broadcast_rows(bc) : 0, 0};
    const cn_pplan *out = rf_inject(&r, stream, cols, 0);
    q->stats.runtime_filters += r.injected;
    return out;
}

const cn_pplan *cn_aqe_filter_stream(query *q, const cn_pplan *bhj, const cn_pplan *bleaf, const cn_pplan *bsrc,
                                     const cn_pplan *stream)
{
    if (bleaf->kind != PP_BROADCAST_READ || bhj->null_aware || bhj->runtime_filter) return stream;
    int build = bhj->build_right ? 1 : 0;
    return runtime_filter(q, bhj, build, stream, bleaf, bleaf->broadcast_id, streams_dropped(bhj, build), bsrc);
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
        int id;
        if (broadcast_from_shuffle(j, ms, x, false, &id, err) != 0) return NULL;
        cn_pplan *bleaf = broadcast_leaf(q, x, id);
        const cn_pplan *in = runtime_filter(q, smj, s, side_input(smj->children[other]), bleaf, id,
                                            streams_dropped(smj, s), x->children[0]);
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
    bool can[2] = {can_build_left(smj->join_type), can_build_right(smj->join_type)};
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
        int id;
        if (broadcast_from_shuffle(j, ms1, xs[first], false, &id, err) != 0) return NULL;
        cn_pplan *bleaf = broadcast_leaf(q, xs[first], id);
        const cn_pplan *in =
            runtime_filter(q, smj, first, xs[other]->children[0], bleaf, id, streams_dropped(smj, first),
                           xs[first]->children[0]);
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
    bool other_dropped = smj->join_type == JOIN_INNER || (other == 1 && (smj->join_type == JOIN_LEFT ||
                                                                        smj->join_type == JOIN_LEFT_SEMI ||
                                                                        smj->join_type == JOIN_LEFT_ANTI)) ||
                         (other == 0 && smj->join_type == JOIN_RIGHT);
    if (q->runtime_filter && other_dropped && q->aqe_broadcast >= 0 && size1 <= q->aqe_broadcast) {
        int id;
        if (broadcast_from_shuffle(j, ms1, xs[first], true, &id, err) != 0) return NULL;
        const cn_pplan *in =
            runtime_filter(q, smj, first, xs[other]->children[0], broadcast_leaf(q, xs[first], id), id, true,
                           xs[first]->children[0]);
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
        int id;
        if (broadcast_from_shuffle(j, ms2, xs[other], false, &id, err) != 0) return NULL;
        return as_broadcast_join(q, smj, other, broadcast_leaf(q, xs[other], id), leaf1, need);
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
        cn_pplan *srt;
        if (smj->children[s]->kind == PP_SORT) {
            srt = cn_dag_copy_node(q, smj->children[s]);
        } else {
            /* a side sorted already (another join's output), materialized: sort it again */
            srt = cn_pplan_new(q->arena, PP_SORT);
            srt->nchildren = 1;
            srt->nout = leaves[s]->nout;
            srt->out = leaves[s]->out;
            srt->norders = smj->njoin_keys;
            srt->orders = cn_arena_calloc(q->arena, sizeof(cn_sort_order) * (size_t)(smj->njoin_keys + 1));
            for (int k = 0; k < smj->njoin_keys; k++) {
                srt->orders[k].expr = s == 0 ? smj->left_keys[k] : smj->right_keys[k];
                srt->orders[k].nulls_first = true;
            }
        }
        srt->children[0] = leaves[s];
        srt->nparts = leaves[s]->nparts;
        n->children[s] = srt;
    }
    return n;
}
