/*
 * adaptive.c — adaptive query execution: plans revised with what the map
 * stages measured (spark.sql.adaptive.enabled, on by default as in Spark).
 * This file: shuffle partitions; adaptive_join.c: joins; runtime_filter.c:
 * filters a broadcast side puts on the other side's scans.
 *
 * Coalescing (Spark's CoalesceShufflePartitions): when a stage is first
 * submitted and all its leaves read shuffles of its own partition count (or
 * broadcasts), adjacent reduce partitions are merged into contiguous groups by
 * the map output sizes; every shuffle read of the stage uses the same groups,
 * and each task's header carries its range. A coalesced map stage re-registers
 * its shuffle's map count. A range exchange whose input is small skips its
 * sampling run.
 */
#include "scheduler/dag_internal.h"

typedef CN_VEC(int) int_vec;


/* Collect the shuffle ids read by fragment p; false if a leaf is neither a shuffle read
 * nor a broadcast read, or a union maps partitions to its inputs. */
static bool frag_shuffle_leaves(const cn_pplan *p, int_vec *ids)
{
    switch (p->kind) {
    case PP_SHUFFLE_READ:
        /* a partition count the user gave (REPARTITION(n)) is kept, as Spark's CoalesceShufflePartitions */
        if (p->origin == ORIGIN_REPARTITION_BY_NUM) return false;
        cn_vec_push(*ids, p->shuffle_id);
        return true;
    case PP_BROADCAST_READ: return true;
    case PP_COALESCE:
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
 * fragment. When everything the fragment reads is a shuffle of at most an eighth of the
 * advisory partition size (8 MiB by default; at least minPartitionSize), sorting its output
 * in one task costs less than running the fragment twice: the sampling is skipped, and
 * without bounds every row goes to partition 0, which the Sort above orders. */
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
    return ok && total <= CN_MAX(q->min_part_bytes, q->advisory_bytes / 8);
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
