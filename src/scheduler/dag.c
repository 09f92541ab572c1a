/*
 * dag.c — the DAGScheduler: jobs, stages, and the driver's event loop.
 *
 * A job runs a physical plan to a result. The plan is copied node by node
 * (the caller's tree is never modified) and cut at every PP_EXCHANGE: the
 * exchange with its rewritten child subtree becomes the fragment of a
 * ShuffleMapStage (its tasks end in a shuffle writer), and the parent sees a
 * PP_SHUFFLE_READ leaf. A PP_BROADCAST_EXCHANGE's child runs first as its own
 * job; its rows become a broadcast in the query's store and the consumer sees
 * a PP_BROADCAST_READ leaf. An exchange with RANGE partitioning gets a
 * sampling stage before it (Spark's RangePartitioner sketch: a reservoir of
 * keys per map partition, weighted by partition size) whose result sets the
 * exchange's n-1 bounds before the map stage is serialized.
 *
 * The event loop (run_job) submits every stage whose parents are available,
 * independent stages concurrently, offers queued tasks to free cores,
 * and handles completions: results are kept per partition and returned in
 * partition order; a failed task is retried until spark.task.maxFailures,
 * after which the job fails with the task's own error (its class intact, the
 * attempts noted in the detail); a fetch failure fails the stage attempt,
 * unregisters the lost map outputs and resubmits the parent stage (lineage),
 * then the failed stage. Cancellation and job failure set the kill flag that
 * running tasks check at every batch; the loop waits for them to stop.
 *
 * Adaptive execution (adaptive.c) hooks in at two places: a sort-merge join
 * over two shuffles is handed to cn_aqe_join while the plan is cut (its sides
 * run first as map-stage jobs, and a small side becomes a broadcast), and a
 * stage's shuffle partitions are coalesced when it is first submitted.
 *
 * A query (one collect or cache call) owns a directory under
 * spark.local.dir, a MapOutputTracker and a broadcast store; all are removed
 * when it ends, successfully or not.
 */
#define _GNU_SOURCE /* qsort_r */
#include "scheduler/dag_internal.h"
#include "storage/disk.h"

#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

#define TICK_MS 100

/* ------------------------------------------------------------ caches */

static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static cn_cache_store *cache_store;
static int64_t next_cache_id = 1;

static void cache_store_init(void) { cache_store = cn_cache_store_new(); }

cn_cache_store *cn_sched_cache_store(void)
{
    pthread_once(&cache_once, cache_store_init);
    return cache_store;
}

void cn_scheduler_cache_free(void *cache)
{
    if (!cache) return;
    cn_cache_store_remove(cn_sched_cache_store(), cn_cache_id(cache));
}

typedef struct launch {
    cn_pool_item item;        /* first: the pool hands it back */
    job *j;
    stage *st;
    int part, attempt, stage_attempt;
    cn_writer hdr;
    const uint8_t *frag;
    size_t frag_len;
    const cn_exec_env *env;
    cn_task_result res;
} launch;

static int run_job(query *q, const cn_pplan *root, cn_sink_kind sink, int64_t cache_id, stage **final_out,
                   job **job_out, cn_error *err);
static void job_free(job *j);

/* ------------------------------------------------------------ events */

static void post(query *q, cn_event_type type, int job_id, const stage *st, int part, int attempt, bool failed,
                 const char *error, const char *name, const cn_task_metrics *m, int num_tasks)
{
    cn_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.job_id = job_id;
    ev.stage_id = st ? st->id : -1;
    ev.stage_attempt = st ? st->attempt : 0;
    ev.num_tasks = num_tasks;
    ev.task_partition = part;
    ev.task_attempt = attempt;
    ev.failed = failed;
    ev.error = error;
    ev.name = name;
    if (m) ev.metrics = *m;
    cn_bus_post(&q->s->bus, &ev);
}

static const char *stage_name(const stage *st)
{
    switch (st->kind) {
    case ST_MAP: return "ShuffleMapStage";
    case ST_SAMPLE: return "RangePartitioner sample";
    default: return "ResultStage";
    }
}

/* ---------------------------------------------------------- cutting */

static stage *stage_new(job *j, stage_kind kind, cn_pplan *frag, int nparts, stage **parents, int nparents)
{
    cn_arena *a = j->q->arena;
    stage *st = cn_arena_calloc(a, sizeof *st);
    st->id = j->q->s->next_stage++;
    st->kind = kind;
    st->frag = frag;
    st->nparts = nparts < 0 ? 0 : nparts;
    st->parents = cn_arena_calloc(a, sizeof(stage *) * (size_t)(nparents + 2));
    if (nparents) memcpy(st->parents, parents, sizeof(stage *) * (size_t)nparents);
    st->nparents = nparents;
    st->attempt = -1;
    cn_dag_stage_alloc_parts(a, st);
    cn_vec_push(j->stages, st);
    return st;
}

void cn_dag_stage_alloc_parts(cn_arena *a, stage *st)
{
    size_t n = (size_t)st->nparts + 1;
    st->done = cn_arena_calloc(a, n * sizeof(bool));
    st->queued = cn_arena_calloc(a, n * sizeof(bool));
    st->failures = cn_arena_calloc(a, n * sizeof(int));
    st->attempts = cn_arena_calloc(a, n * sizeof(int));
    st->running = cn_arena_calloc(a, n * sizeof(int));
    st->rows = cn_arena_calloc(a, n * sizeof(int64_t));
    if (st->kind != ST_MAP) {
        st->outs = cn_arena_calloc(a, n * sizeof(cn_writer));
        for (size_t i = 0; i < n; i++) cn_writer_init(&st->outs[i]);
    }
}

cn_pplan *cn_dag_copy_node(query *q, const cn_pplan *p)
{
    cn_pplan *c = cn_arena_memdup(q->arena, p, sizeof *p);
    if (p->kind == PP_CACHE_SCAN && p->cache) c->cache_id = cn_cache_id(p->cache);
    return c;
}

cn_broadcast *cn_dag_broadcast_new(query *q, const cn_pplan *x)
{
    cn_type *types = cn_arena_calloc(q->arena, sizeof(cn_type) * (size_t)(x->nout + 1));
    for (int i = 0; i < x->nout; i++) types[i] = x->out[i].type;
    return cn_broadcast_new(q->s->next_broadcast++, x->nout, types, CN_CODEC_NONE);
}

cn_pplan *cn_dag_broadcast_read(query *q, cn_broadcast *bc, const cn_pplan *x)
{
    cn_broadcast_store_put(q->bstore, bc);
    q->stats.broadcasts++;
    cn_pplan *leaf = cn_pplan_new(q->arena, PP_BROADCAST_READ);
    leaf->nout = x->nout;
    leaf->out = x->out;
    leaf->nparts = 1;
    leaf->part.kind = PART_BROADCAST;
    leaf->broadcast_id = cn_broadcast_id(bc);
    leaf->plan_id = x->plan_id;
    return leaf;
}

/* Run a broadcast exchange's child as its own job and publish its rows; the consumer's leaf. */
static cn_pplan *run_broadcast(job *j, const cn_pplan *x, cn_error *err)
{
    query *q = j->q;
    const cn_pplan *child = x->children[0];
    stage *fin;
    job *sub;
    if (run_job(q, child, SINK_RESULT, 0, &fin, &sub, err) != 0) return NULL;
    cn_broadcast *bc = cn_dag_broadcast_new(q, child);
    int rc = 0;
    for (int p = 0; p < fin->nparts && rc == 0; p++)
        if (fin->outs[p].len) rc = cn_broadcast_add_frames(bc, fin->outs[p].buf, fin->outs[p].len, err);
    job_free(sub);
    if (rc != 0) {
        cn_broadcast_free(bc);
        return NULL;
    }
    return cn_dag_broadcast_read(q, bc, x);
}

static stage *map_stage(job *j, const cn_pplan *x, cn_error *err)
{
    query *q = j->q;
    stage_vec deps = {0};
    cn_pplan *xc = cn_dag_copy_node(q, x);
    xc->children[0] = cn_dag_rewrite(j, x->children[0], &deps, CN_RW_FREE_PART, err);
    if (!xc->children[0]) {
        cn_vec_free(deps);
        return NULL;
    }
    xc->shuffle_id = q->s->next_shuffle++;
    int nmaps = xc->children[0]->nparts; /* adaptive execution may have changed it */
    int nred = x->part.n > 0 ? x->part.n : 1;
    xc->part.n = nred;
    stage *sampler = NULL;
    if (x->part.kind == PART_RANGE && nred > 1 && x->part.nbounds == 0) {
        sampler = stage_new(j, ST_SAMPLE, xc, nmaps, deps.v, deps.n);
        cn_vec_push(deps, sampler);
    }
    stage *st = stage_new(j, ST_MAP, xc, nmaps, deps.v, deps.n);
    if (sampler) sampler->sample_of = st;
    cn_vec_free(deps);
    if (cn_mot_register_shuffle(q->mot, xc->shuffle_id, nmaps, nred, err) != 0) return NULL;
    return st;
}

cn_pplan *cn_dag_shuffle_read(query *q, const cn_pplan *x, const stage *ms)
{
    cn_pplan *leaf = cn_pplan_new(q->arena, PP_SHUFFLE_READ);
    leaf->nout = x->nout;
    leaf->out = x->out;
    leaf->nparts = ms->frag->part.n;
    leaf->part = x->part;
    leaf->part.nbounds = 0;
    leaf->part.bounds = NULL;
    leaf->shuffle_id = ms->frag->shuffle_id;
    leaf->plan_id = x->plan_id;
    leaf->origin = x->origin;
    return leaf;
}

/* The child whose partitioning p's output keeps and whose partitioning nothing in p itself
 * needs (so p passes CN_RW_FREE_PART down to it), or -1. */
static int passing_child(const cn_pplan *p)
{
    switch (p->kind) {
    case PP_PROJECT:
    case PP_FILTER: return 0;
    case PP_HASH_AGG: return p->agg_mode == AGG_PARTIAL ? 0 : -1;
    case PP_HASH_JOIN:
    case PP_NL_JOIN: return p->broadcast ? (p->build_right ? 0 : 1) : -1;
    default: return -1;
    }
}

cn_pplan *cn_dag_rewrite(job *j, const cn_pplan *p, stage_vec *deps, int need, cn_error *err)
{
    query *q = j->q;
    if (p->kind == PP_EXCHANGE) {
        if (p->nchildren != 1) return cn_error_setf_detail(err, "INTERNAL_ERROR", "exchange without child"), NULL;
        stage *ms = map_stage(j, p, err);
        if (!ms) return NULL;
        cn_vec_push(*deps, ms);
        return cn_dag_shuffle_read(q, p, ms);
    }
    if (p->kind == PP_BROADCAST_EXCHANGE) {
        if (p->nchildren != 1) return cn_error_setf_detail(err, "INTERNAL_ERROR", "broadcast without child"), NULL;
        return run_broadcast(j, p, err);
    }
    if (p->kind == PP_SMJ) {
        bool handled;
        cn_pplan *n = cn_aqe_join(j, p, deps, need, &handled, err);
        if (handled) return n;
    }
    cn_pplan *c = cn_dag_copy_node(q, p);
    if (p->kind == PP_UNION) {
        c->inputs = cn_arena_calloc(q->arena, sizeof(cn_pplan *) * (size_t)(p->ninputs + 1));
        for (int i = 0; i < p->ninputs; i++)
            if (!(c->inputs[i] = cn_dag_rewrite(j, p->inputs[i], deps, 0, err))) return NULL;
        return c;
    }
    int pass = passing_child(p);
    bool order_passes = p->kind == PP_PROJECT || p->kind == PP_FILTER || p->kind == PP_LIMIT;
    /* a broadcast join runs its broadcast first: it may filter the streamed side (adaptive.c) */
    bool bhj = p->kind == PP_HASH_JOIN && p->broadcast && p->nchildren == 2;
    for (int k = 0; k < p->nchildren; k++) {
        int i = bhj ? (k == 0 ? (p->build_right ? 1 : 0) : (p->build_right ? 0 : 1)) : k;
        int cneed = 0;
        if (i == pass) cneed |= need & CN_RW_FREE_PART;
        if (order_passes) cneed |= need & CN_RW_KEEP_ORDER;
        if (p->kind == PP_SMJ && p->children[i]->kind != PP_SORT) cneed |= CN_RW_KEEP_ORDER;
        const cn_pplan *in = p->children[i];
        if (bhj && k == 1) in = cn_aqe_filter_stream(q, p, c->children[1 - i], p->children[1 - i], in);
        if (!(c->children[i] = cn_dag_rewrite(j, in, deps, cneed, err))) return NULL;
    }
    if (pass >= 0) c->nparts = c->children[pass]->nparts;
    return c;
}

/* ------------------------------------------------------ range bounds */

typedef struct sample_row {
    cn_value *key;
    double weight;
} sample_row;

static int cmp_keys(const cn_value *a, const cn_value *b, const cn_sort_order *o, int n)
{
    for (int k = 0; k < n; k++) {
        bool an = a[k].is_null, bn = b[k].is_null;
        int c;
        if (an || bn) {
            if (an && bn) continue;
            c = an ? (o[k].nulls_first ? -1 : 1) : (o[k].nulls_first ? 1 : -1);
            return c;
        }
        c = cn_value_cmp(&a[k], &b[k]);
        if (o[k].desc) c = -c;
        if (c) return c;
    }
    return 0;
}

static int cmp_sample(const void *x, const void *y, void *ctx)
{
    const cn_partitioning *pt = ctx;
    return cmp_keys(((const sample_row *)x)->key, ((const sample_row *)y)->key, pt->orders, pt->nkeys);
}

/* Spark's RangePartitioner.determineBounds over the weighted sample. */
static int compute_bounds(job *j, stage *ss, cn_error *err)
{
    query *q = j->q;
    cn_partitioning *pt = &ss->sample_of->frag->part;
    int nk = pt->nkeys;
    cn_arena *tmp = cn_arena_new("range-sample", NULL);
    CN_VEC(sample_row) rows = {0};
    int rc = 0;
    for (int p = 0; p < ss->nparts && rc == 0; p++) {
        const cn_writer *w = &ss->outs[p];
        size_t off = 0;
        int start = rows.n;
        while (off < w->len) {
            cn_batch *b;
            size_t used;
            if (cn_block_decode(w->buf + off, w->len - off, tmp, &b, &used, err) != 0) {
                rc = -1;
                break;
            }
            off += used;
            if (b->ncols != nk) {
                rc = cn_error_setf_detail(err, "INTERNAL_ERROR", "sample has %d columns, expected %d", b->ncols, nk);
                break;
            }
            for (int r = 0; r < cn_batch_live(b); r++) {
                int row = cn_batch_row(b, r);
                cn_value *key = cn_arena_alloc(tmp, sizeof(cn_value) * (size_t)(nk + 1));
                for (int c = 0; c < nk; c++) {
                    key[c] = cn_value_from_vector(&b->cols[c], row);
                    key[c].type = b->cols[c].type;
                }
                sample_row sr = {key, 0};
                cn_vec_push(rows, sr);
            }
        }
        int ns = rows.n - start;
        for (int i = start; i < rows.n; i++) rows.v[i].weight = ns ? (double)ss->rows[p] / ns : 0;
    }
    if (rc == 0 && rows.n > 0) {
        qsort_r(rows.v, (size_t)rows.n, sizeof(sample_row), cmp_sample, pt);
        double total = 0;
        for (int i = 0; i < rows.n; i++) total += rows.v[i].weight;
        int nparts = pt->n;
        double step = total / nparts, cum = 0, target = step;
        cn_value **bounds = cn_arena_calloc(q->arena, sizeof(cn_value *) * (size_t)nparts);
        int nb = 0;
        const cn_value *prev = NULL;
        for (int i = 0; i < rows.n && nb < nparts - 1; i++) {
            cum += rows.v[i].weight;
            if (cum >= target) {
                if (!prev || cmp_keys(rows.v[i].key, prev, pt->orders, nk) > 0) {
                    cn_value *bv = cn_arena_alloc(q->arena, sizeof(cn_value) * (size_t)(nk + 1));
                    for (int c = 0; c < nk; c++) {
                        bv[c] = rows.v[i].key[c];
                        if (!bv[c].is_null && cn_type_phys(bv[c].type) == CN_PHYS_STR)
                            bv[c].v.s = cn_str_copy(q->arena, bv[c].v.s);
                    }
                    bounds[nb++] = bv;
                    prev = bv;
                    target += step;
                }
            }
        }
        pt->bounds = bounds;
        pt->nbounds = nb;
    }
    cn_vec_free(rows);
    cn_arena_free(tmp);
    for (int p = 0; p < ss->nparts; p++) cn_writer_free(&ss->outs[p]);
    return rc;
}

/* ------------------------------------------------------ bookkeeping */

static void job_fail(job *j, const cn_error *e)
{
    if (j->failed) return;
    j->failed = true;
    cn_error_copy(&j->err, e);
}

static void job_fail_class(job *j, const char *cls)
{
    cn_error e;
    cn_error_init(&e);
    cn_error_set(&e, cls, NULL);
    job_fail(j, &e);
    cn_error_clear(&e);
}

static bool stage_available(const stage *st)
{
    if (st->kind == ST_SAMPLE) return st->state == S_DONE;
    return st->ndone == st->nparts;
}

static void enqueue(job *j, stage *st, int p)
{
    if (st->done[p] || st->queued[p] || st->running[p]) return;
    st->queued[p] = true;
    pending e = {st, p};
    cn_vec_push(j->queue, e);
}

static void dequeue_stage(job *j, stage *st)
{
    int w = 0;
    for (int i = 0; i < j->queue.n; i++) {
        if (j->queue.v[i].st == st) st->queued[j->queue.v[i].part] = false;
        else j->queue.v[w++] = j->queue.v[i];
    }
    j->queue.n = w;
}

void cn_sched_bytes_string(int64_t n, char *buf, size_t cap)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int u = 0;
    while (u < 4 && v >= 2.0 * 1024) {
        v /= 1024;
        u++;
    }
    if (u == 0) snprintf(buf, cap, "%lld B", (long long)n);
    else snprintf(buf, cap, "%.1f %s", v, units[u]);
}

static void lose_map_output(job *j, stage *st)
{
    query *q = j->q;
    for (int i = 0; i < q->faults.n; i++) {
        const cn_fault *f = &q->faults.f[i];
        if (f->kind != FAULT_SHUFFLE_LOSE || q->lose_done[i] || (f->stage >= 0 && f->stage != st->id)) continue;
        q->lose_done[i] = true;
        cn_arena *a = cn_arena_new("lose", NULL);
        int n = 0;
        cn_shuffle_input *in = NULL;
        cn_error e;
        cn_error_init(&e);
        if (cn_mot_get_inputs(q->mot, st->frag->shuffle_id, a, &n, &in, &e) == 0 && f->partition < n)
            unlink(in[f->partition].data_path);
        cn_error_clear(&e);
        cn_arena_free(a);
    }
}

static void stage_completed(job *j, stage *st)
{
    st->state = S_DONE;
    post(j->q, EV_STAGE_COMPLETED, j->id, st, -1, 0, false, NULL, stage_name(st), &st->sum, st->nparts);
    if (st->kind == ST_SAMPLE) {
        cn_error e;
        cn_error_init(&e);
        if (compute_bounds(j, st, &e) != 0) job_fail(j, &e);
        cn_error_clear(&e);
    } else if (st->kind == ST_MAP) {
        lose_map_output(j, st);
    }
}

static void submit_stage(job *j, stage *st)
{
    query *q = j->q;
    if (st->attempt < 0 && st->kind == ST_SAMPLE && cn_aqe_skip_sampling(j, st)) {
        /* no bounds: the range exchange puts every row in partition 0 */
        for (int p = 0; p < st->nparts; p++) st->done[p] = true;
        st->ndone = st->nparts;
        st->state = S_DONE;
        return;
    }
    if (st->attempt < 0) {
        cn_error e;
        cn_error_init(&e);
        if (cn_aqe_coalesce_stage(j, st, &e) != 0) {
            job_fail(j, &e);
            cn_error_clear(&e);
            return;
        }
        cn_error_clear(&e);
    }
    st->attempt++;
    st->state = S_RUNNING;
    st->submitted_ns = cn_now_ns();
    cn_writer w;
    cn_writer_init(&w);
    cn_pplan_write(&w, st->frag);
    st->frag_bytes = cn_arena_memdup(q->arena, w.buf, w.len ? w.len : 1);
    st->frag_len = w.len;
    cn_writer_free(&w);
    memset(&st->sum, 0, sizeof st->sum);
    q->stats.stages_run++;
    post(q, EV_STAGE_SUBMITTED, j->id, st, -1, 0, false, NULL, stage_name(st), NULL, st->nparts - st->ndone);
    for (int p = 0; p < st->nparts; p++) enqueue(j, st, p);
    if (st->ndone == st->nparts) stage_completed(j, st);
}

/* Submit every waiting stage whose parents are all available (parents first by creation order). */
static void submit_ready(job *j)
{
    bool progress = true;
    while (progress && !j->failed) {
        progress = false;
        for (int i = 0; i < j->stages.n && !j->failed; i++) {
            stage *st = j->stages.v[i];
            if (st->state != S_WAITING) continue;
            bool ready = true;
            for (int k = 0; k < st->nparents; k++)
                if (!stage_available(st->parents[k])) ready = false;
            if (!ready) continue;
            submit_stage(j, st);
            progress = true;
        }
    }
}

static void launch_run(cn_pool_item *it)
{
    launch *l = (launch *)it;
    cn_task_run(l->env, l->hdr.buf, l->hdr.len, l->frag, l->frag_len, &l->res);
}

static void launch_tasks(job *j)
{
    query *q = j->q;
    int slots = cn_pool_threads(q->s->pool);
    int taken = 0;
    while (taken < j->queue.n && j->running < slots) {
        pending e = j->queue.v[taken++];
        stage *st = e.st;
        st->queued[e.part] = false;
        if (st->done[e.part] || st->state != S_RUNNING) continue;
        launch *l = cn_xcalloc(1, sizeof *l);
        l->item.run = launch_run;
        l->j = j;
        l->st = st;
        l->part = e.part;
        l->attempt = st->attempts[e.part]++;
        l->stage_attempt = st->attempt;
        l->frag = st->frag_bytes;
        l->frag_len = st->frag_len;
        l->env = &q->env;
        cn_task_header h;
        memset(&h, 0, sizeof h);
        h.job_id = j->id;
        h.stage_id = st->id;
        h.stage_attempt = st->attempt;
        h.partition = e.part;
        h.attempt = l->attempt;
        h.now_micros = q->now_micros;
        if (st->kind == ST_RESULT && j->sink == SINK_RESULT) h.max_result = q->max_result;
        if (st->rstart) {
            h.reduce_start = st->rstart[e.part];
            h.reduce_end = st->rstart[e.part + 1];
        }
        if (st->kind == ST_MAP) h.sink = SINK_SHUFFLE;
        else if (st->kind == ST_SAMPLE) {
            h.sink = SINK_SAMPLE;
            double n = CN_MIN(20.0 * st->frag->part.n, 1e6);
            double per = 3.0 * n / (st->nparts > 0 ? st->nparts : 1);
            h.sample_size = (int)CN_MIN(per + 0.999, 100000.0);
        } else h.sink = j->sink;
        h.cache_id = j->cache_id;
        cn_writer_init(&l->hdr);
        cn_task_header_write(&l->hdr, &h);
        st->running[e.part]++;
        j->running++;
        q->stats.tasks_run++;
        post(q, EV_TASK_START, j->id, st, e.part, l->attempt, false, NULL, NULL, NULL, st->nparts);
        cn_pool_submit(q->s->pool, &l->item);
    }
    if (taken) {
        memmove(j->queue.v, j->queue.v + taken, sizeof(pending) * (size_t)(j->queue.n - taken));
        j->queue.n -= taken;
    }
}

static stage *stage_of_shuffle(job *j, int shuffle_id)
{
    for (int i = 0; i < j->stages.n; i++)
        if (j->stages.v[i]->kind == ST_MAP && j->stages.v[i]->frag->shuffle_id == shuffle_id) return j->stages.v[i];
    return NULL;
}

/* Unregister the outputs of map stage ms whose files are gone (all of them when none is
 * missing: the data was corrupt) and mark the stage waiting to run those partitions again. */
static void forget_lost_outputs(query *q, stage *ms)
{
    int sid = ms->frag->shuffle_id;
    bool *lost = cn_arena_calloc(q->arena, (size_t)ms->nparts + 1);
    int nlost = 0;
    cn_arena *a = cn_arena_new("fetch-failure", NULL);
    int n = 0;
    cn_shuffle_input *in = NULL;
    cn_error e2;
    cn_error_init(&e2);
    if (cn_mot_get_inputs(q->mot, sid, a, &n, &in, &e2) == 0 && n == ms->nparts) {
        for (int m = 0; m < n; m++)
            if (access(in[m].data_path, R_OK) != 0 || access(in[m].index_path, R_OK) != 0) lost[m] = true, nlost++;
    }
    cn_error_clear(&e2);
    cn_arena_free(a);
    for (int m = 0; m < ms->nparts; m++) {
        if (nlost && !lost[m]) continue;
        if (!ms->done[m]) continue;
        cn_mot_remove_map_output(q->mot, sid, m);
        ms->done[m] = false;
        ms->ndone--;
    }
    if (ms->state == S_DONE || ms->state == S_RUNNING) ms->state = S_WAITING;
}

/* A reducer could not read shuffle `sid`: fail the stage attempt and resubmit the map stage's lost outputs. */
static void fetch_failed(job *j, stage *st, int sid, const cn_error *e)
{
    query *q = j->q;
    char msg[512];
    cn_error_message(e, msg, sizeof msg);
    post(q, EV_STAGE_COMPLETED, j->id, st, -1, 0, true, msg, stage_name(st), &st->sum, st->nparts);
    st->state = S_WAITING;
    dequeue_stage(j, st);
    if (++st->fetch_failures >= CN_STAGE_MAX_ATTEMPTS) {
        job_fail(j, e);
        cn_error_detail(&j->err, "Stage %d failed %d times on fetch failures", st->id, st->fetch_failures);
        return;
    }
    stage *ms = stage_of_shuffle(j, sid);
    if (!ms) {
        job_fail(j, e);
        return;
    }
    q->stats.stage_resubmits++;
    if (ms->state == S_RUNNING) dequeue_stage(j, ms);
    forget_lost_outputs(q, ms);
}

static void task_finished(job *j, launch *l)
{
    query *q = j->q;
    stage *st = l->st;
    int p = l->part;
    cn_task_result *res = &l->res;
    st->running[p]--;
    j->running--;
    char msg[1024];
    msg[0] = 0;
    if (res->status != 0) cn_error_message(&res->err, msg, sizeof msg);
    post(q, EV_TASK_END, j->id, st, p, l->attempt, res->status != 0, res->status != 0 ? msg : NULL, NULL,
         &res->metrics, st->nparts);
    if (j->failed) return;
    if (res->status == 0) {
        if (st->done[p]) return;
        if (st->kind == ST_MAP) {
            cn_error e;
            cn_error_init(&e);
            if (!res->has_status || cn_mot_register_map_output(q->mot, &res->ms, &e) != 0) {
                if (!e.set) cn_error_setf_detail(&e, "INTERNAL_ERROR", "map task returned no status");
                job_fail(j, &e);
                cn_error_clear(&e);
                return;
            }
        } else if (st->kind == ST_RESULT && j->sink == SINK_RESULT) {
            j->result_bytes += (int64_t)res->out.len;
            if (q->max_result > 0 && j->result_bytes > q->max_result) {
                char sz[64], lim[64];
                cn_sched_bytes_string(j->result_bytes, sz, sizeof sz);
                cn_sched_bytes_string(q->max_result, lim, sizeof lim);
                cn_error e;
                cn_error_init(&e);
                cn_error_set(&e, "TOTAL_RESULT_SIZE_EXCEEDED", "size", sz, "limit", lim, NULL);
                job_fail(j, &e);
                cn_error_clear(&e);
                return;
            }
        }
        if (st->outs) {
            cn_writer tmp = st->outs[p];
            st->outs[p] = res->out;
            res->out = tmp;
        }
        st->rows[p] = res->rows;
        st->done[p] = true;
        st->ndone++;
        cn_task_metrics *m = &st->sum, *r = &res->metrics;
        m->rows_in += r->rows_in;
        m->rows_out += r->rows_out;
        m->bytes_in += r->bytes_in;
        m->shuffle_write_bytes += r->shuffle_write_bytes;
        m->shuffle_write_records += r->shuffle_write_records;
        m->shuffle_read_bytes += r->shuffle_read_bytes;
        m->shuffle_read_records += r->shuffle_read_records;
        m->peak_memory = CN_MAX(m->peak_memory, r->peak_memory);
        m->run_ns += r->run_ns;
        if (st->ndone == st->nparts && st->state == S_RUNNING) stage_completed(j, st);
        return;
    }
    q->stats.tasks_failed++;
    if (strcmp(res->err.cls, "TOTAL_RESULT_SIZE_EXCEEDED") == 0) {
        /* a retry would make the same rows: the job fails now, as Spark aborts it */
        job_fail(j, &res->err);
        return;
    }
    if (strcmp(res->err.cls, "OPERATION_CANCELED") == 0 && q->s->kill) {
        job_fail(j, &res->err);
        return;
    }
    if (res->fetch_failed >= 0) {
        if (st->state == S_RUNNING && l->stage_attempt == st->attempt) fetch_failed(j, st, res->fetch_failed, &res->err);
        else if (st->state == S_RUNNING) enqueue(j, st, p);
        return;
    }
    if (++st->failures[p] >= q->max_failures) {
        job_fail(j, &res->err);
        cn_error_detail(&j->err, "Task %d in stage %d.%d failed %d times", p, st->id, l->stage_attempt,
                        st->failures[p]);
        return;
    }
    if (st->state == S_RUNNING) enqueue(j, st, p);
}

/* ------------------------------------------------------------- jobs */

static void job_free(job *j)
{
    if (!j) return;
    for (int i = 0; i < j->stages.n; i++) {
        stage *st = j->stages.v[i];
        if (st->outs)
            for (int p = 0; p <= st->nparts; p++) cn_writer_free(&st->outs[p]);
    }
    cn_vec_free(j->stages);
    cn_vec_free(j->queue);
    cn_error_clear(&j->err);
    free(j);
}

static job *job_new(query *q, cn_sink_kind sink, int64_t cache_id)
{
    job *j = cn_xcalloc(1, sizeof *j);
    j->q = q;
    j->id = q->s->next_job++;
    j->sink = sink;
    j->cache_id = cache_id;
    cn_error_init(&j->err);
    return j;
}

/* The event loop: run j until its final stage is done. 0, or -1 with the job's error. */
static int job_loop(job *j, cn_error *err)
{
    query *q = j->q;
    cn_scheduler *s = q->s;
    const char *name = j->final->kind == ST_MAP ? "map stage" : j->sink == SINK_CACHE ? "cache" : "collect";
    post(q, EV_JOB_START, j->id, NULL, -1, 0, false, NULL, name, NULL, j->final->nparts);
    uint64_t last_tick = cn_now_ns();
    while (!j->failed) {
        if (s->kill) {
            job_fail_class(j, "OPERATION_CANCELED");
            break;
        }
        submit_ready(j);
        if (j->failed) break;
        if (j->final->state == S_DONE) break;
        launch_tasks(j);
        if (j->running == 0) {
            /* nothing runs and nothing can be submitted: a plan the scheduler cannot progress */
            cn_error e;
            cn_error_init(&e);
            cn_error_setf_detail(&e, "INTERNAL_ERROR", "job %d cannot make progress", j->id);
            job_fail(j, &e);
            cn_error_clear(&e);
            break;
        }
        cn_pool_item *it = cn_pool_wait(s->pool, TICK_MS);
        if (it) {
            launch *l = (launch *)it;
            task_finished(j, l);
            cn_task_result_free(&l->res);
            cn_writer_free(&l->hdr);
            free(l);
        }
        if (cn_now_ns() - last_tick >= (uint64_t)TICK_MS * 1000000ULL) {
            last_tick = cn_now_ns();
            post(q, EV_TICK, j->id, NULL, -1, 0, false, NULL, NULL, NULL, 0);
        }
    }
    if (j->running > 0) {
        /* stop what still runs and wait for it */
        if (!s->kill) s->kill = 2;
        while (j->running > 0) {
            cn_pool_item *it = cn_pool_wait(s->pool, TICK_MS);
            if (!it) continue;
            launch *l = (launch *)it;
            task_finished(j, l);
            cn_task_result_free(&l->res);
            cn_writer_free(&l->hdr);
            free(l);
        }
        if (s->kill == 2) s->kill = 0;
    }
    if (j->failed) {
        char msg[1024];
        cn_error_message(&j->err, msg, sizeof msg);
        post(q, EV_JOB_END, j->id, NULL, -1, 0, true, msg, NULL, NULL, 0);
        cn_error_copy(err, &j->err);
        err->set = true;
        return -1;
    }
    post(q, EV_JOB_END, j->id, NULL, -1, 0, false, NULL, NULL, NULL, 0);
    return 0;
}

/* Run root to its final stage. On success *final_out is the result stage (outputs per partition)
 * and *job_out the job (free with job_free). */
static int run_job(query *q, const cn_pplan *root, cn_sink_kind sink, int64_t cache_id, stage **final_out,
                   job **job_out, cn_error *err)
{
    job *j = job_new(q, sink, cache_id);
    stage_vec deps = {0};
    /* a collected result may come in any partitioning; a cache keeps the planned partitions */
    cn_pplan *frag = cn_dag_rewrite(j, root, &deps, sink == SINK_RESULT ? CN_RW_FREE_PART : 0, err);
    if (!frag) {
        cn_vec_free(deps);
        job_free(j);
        return -1;
    }
    j->final = stage_new(j, ST_RESULT, frag, frag->nparts, deps.v, deps.n);
    cn_vec_free(deps);
    if (job_loop(j, err) != 0) {
        job_free(j);
        return -1;
    }
    *final_out = j->final;
    *job_out = j;
    return 0;
}

int cn_dag_recompute_map_stage(job *j, stage *ms, cn_error *err)
{
    query *q = j->q;
    q->stats.stage_resubmits++;
    forget_lost_outputs(q, ms);
    if (ms->ndone == ms->nparts) return 0;
    job *sub = job_new(q, SINK_SHUFFLE, 0);
    cn_vec_push(sub->stages, ms);
    sub->final = ms;
    int rc = job_loop(sub, err);
    sub->stages.n = 0; /* ms stays j's */
    job_free(sub);
    return rc;
}

stage *cn_dag_run_map_stage(job *j, const cn_pplan *x, cn_error *err)
{
    job *sub = job_new(j->q, SINK_SHUFFLE, 0);
    stage *ms = map_stage(sub, x, err);
    int rc = ms ? 0 : -1;
    if (ms) {
        sub->final = ms;
        rc = job_loop(sub, err);
    }
    /* the parent job adopts the stages (arena memory), so a fetch failure there can rerun them */
    for (int i = 0; i < sub->stages.n && rc == 0; i++) cn_vec_push(j->stages, sub->stages.v[i]);
    if (rc == 0) sub->stages.n = 0;
    job_free(sub);
    return rc == 0 ? ms : NULL;
}

/* ----------------------------------------------------------- queries */

static int query_begin(cn_scheduler *s, const cn_conf *conf, query *q, cn_error *err)
{
    memset(q, 0, sizeof *q);
    q->s = s;
    q->conf = conf;
    if (cn_faults_parse(cn_conf_get(conf, "cinder.test.faults"), &q->faults, err) != 0) return -1;
    const char *ld = cn_conf_get(conf, "spark.local.dir");
    if (cn_query_dir_create(ld && *ld ? ld : "/tmp", &q->dir, err) != 0) return -1;
    q->arena = cn_arena_new("query", NULL);
    q->mot = cn_map_output_tracker_new();
    q->bstore = cn_broadcast_store_new();
    q->max_failures = (int)cn_conf_get_int(conf, "spark.task.maxFailures");
    if (q->max_failures < 1) q->max_failures = 1;
    q->coalesce = cn_conf_get_bool(conf, "spark.sql.adaptive.enabled") &&
                  cn_conf_get_bool(conf, "spark.sql.adaptive.coalescePartitions.enabled");
    q->advisory_bytes = cn_conf_get_int(conf, "spark.sql.adaptive.advisoryPartitionSizeInBytes");
    q->min_part_bytes = cn_conf_get_int(conf, "spark.sql.adaptive.coalescePartitions.minPartitionSize");
    q->max_result = cn_conf_get_int(conf, "spark.driver.maxResultSize");
    q->aqe_broadcast = -1;
    if (cn_conf_get_bool(conf, "spark.sql.adaptive.enabled")) {
        const char *t = cn_conf_get(conf, "spark.sql.adaptive.autoBroadcastJoinThreshold");
        q->aqe_broadcast = cn_conf_get_int(conf, t && *t ? "spark.sql.adaptive.autoBroadcastJoinThreshold"
                                                           : "spark.sql.autoBroadcastJoinThreshold");
        q->shj_local_map = cn_conf_get_int(conf, "spark.sql.adaptive.maxShuffledHashJoinLocalMapThreshold");
        q->runtime_filter = cn_conf_get_bool(conf, "cinder.sql.adaptive.runtimeFilter.enabled");
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    q->now_micros = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
    q->env.conf = conf;
    q->env.dir = q->dir;
    q->env.mot = q->mot;
    q->env.broadcasts = q->bstore;
    q->env.caches = cn_sched_cache_store();
    q->env.mm = s->mm;
    q->env.kill = &s->kill;
    q->env.faults = &q->faults;
    q->stats.job_id = s->next_job;
    q->stats.time_ns = cn_now_ns();
    s->kill = 0;
    s->active = 1;
    return 0;
}

static void query_end(query *q)
{
    cn_scheduler *s = q->s;
    if (q->mot) cn_map_output_tracker_free(q->mot);
    if (q->bstore) cn_broadcast_store_free(q->bstore);
    if (q->dir) {
        cn_dir_remove_all(q->dir);
        free(q->dir);
    }
    if (q->arena) cn_arena_free(q->arena);
    q->stats.time_ns = cn_now_ns() - q->stats.time_ns;
    s->last = q->stats;
    s->active = 0;
    s->kill = 0;
}

cn_scheduler *cn_scheduler_new(const cn_conf *conf, int nthreads, cn_error *err)
{
    cn_scheduler *s = cn_xcalloc(1, sizeof *s);
    s->nthreads = nthreads < 1 ? 1 : nthreads;
    s->pool = cn_pool_new(s->nthreads);
    cn_bus_init(&s->bus);
    s->mm = conf ? cn_memory_manager_from_conf(conf) : NULL;
    return s;
}

void cn_scheduler_free(cn_scheduler *s)
{
    if (!s) return;
    cn_pool_free(s->pool);
    cn_bus_free(&s->bus);
    if (s->mm) cn_memory_manager_free(s->mm);
    free(s);
}

void cn_scheduler_add_listener(cn_scheduler *s, cn_listener_fn fn, void *ud) { cn_bus_add(&s->bus, fn, ud); }

void cn_scheduler_cancel(cn_scheduler *s)
{
    if (s && s->active) s->kill = 1;
}

void cn_scheduler_last_stats(cn_scheduler *s, cn_job_stats *out) { *out = s->last; }

int cn_scheduler_collect(cn_scheduler *s, const cn_conf *conf, cn_pplan *root, cn_arena *out_arena,
                         cn_batch ***batches, int *nbatches, cn_error *err)
{
    *batches = NULL;
    *nbatches = 0;
    query q;
    if (query_begin(s, conf, &q, err) != 0) return -1;
    stage *fin;
    job *j;
    int rc = run_job(&q, root, SINK_RESULT, 0, &fin, &j, err);
    if (rc == 0) {
        CN_VEC(cn_batch *) out = {0};
        for (int p = 0; p < fin->nparts && rc == 0; p++) {
            const cn_writer *w = &fin->outs[p];
            size_t off = 0;
            while (off < w->len) {
                cn_batch *b;
                size_t used;
                if (cn_block_decode(w->buf + off, w->len - off, out_arena, &b, &used, err) != 0) {
                    rc = -1;
                    break;
                }
                off += used;
                if (cn_batch_live(b) > 0) cn_vec_push(out, b);
            }
        }
        if (rc == 0) {
            *batches = cn_arena_alloc(out_arena, sizeof(cn_batch *) * (size_t)(out.n + 1));
            if (out.n) memcpy(*batches, out.v, sizeof(cn_batch *) * (size_t)out.n);
            *nbatches = out.n;
        }
        cn_vec_free(out);
        job_free(j);
    }
    query_end(&q);
    return rc;
}

int cn_scheduler_cache(cn_scheduler *s, const cn_conf *conf, cn_pplan *root, void **cache_out, int64_t *bytes_out,
                       int *nparts_out, cn_error *err)
{
    *cache_out = NULL;
    query q;
    if (query_begin(s, conf, &q, err) != 0) return -1;
    cn_type *types = cn_arena_calloc(q.arena, sizeof(cn_type) * (size_t)(root->nout + 1));
    for (int i = 0; i < root->nout; i++) types[i] = root->out[i].type;
    int64_t id = __atomic_fetch_add(&next_cache_id, 1, __ATOMIC_SEQ_CST);
    int nparts = root->nparts > 0 ? root->nparts : 1;
    cn_cache *c = cn_cache_new(id, nparts, root->nout, types, NULL);
    cn_cache_store *cs = cn_sched_cache_store();
    cn_cache_store_put(cs, c);
    stage *fin;
    job *j;
    int rc = run_job(&q, root, SINK_CACHE, id, &fin, &j, err);
    if (rc == 0) {
        job_free(j);
        *cache_out = c;
        *bytes_out = cn_cache_bytes(c);
        *nparts_out = nparts;
    } else {
        cn_cache_store_remove(cs, id);
    }
    query_end(&q);
    return rc;
}
