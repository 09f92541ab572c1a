/*
 * task.c — one task, executor side: bytes in, operator tree, sink, result out.
 *
 * A task arrives as two byte strings: its header (job, stage, attempt,
 * partition, sink kind) and the stage's fragment (cn_pplan_write, serialized
 * once per stage attempt and shared by all its tasks). Local mode goes
 * through the same bytes as a remote executor would, so the boundary is
 * always real. The worker decodes the fragment into the task arena, builds
 * the exec/ operator tree for its partition (unions map a partition to one
 * input; a broadcast side reads every row; shuffle reads, broadcasts and
 * cached partitions come through the cn_task_ctx callbacks), then drains the
 * root into the sink:
 *
 *   RESULT   live rows serialized as blocks for the driver (partition order
 *            is restored there);
 *   SHUFFLE  the fragment root is the PP_EXCHANGE: keys are evaluated per
 *            batch, the partitioner assigns reduce partitions, the shuffle
 *            writer produces one data + index file and a map status;
 *   SAMPLE   reservoir sample of the range keys (Spark's RangePartitioner
 *            sketch) returned as blocks, with the partition's row count;
 *   CACHE    the rows are appended to the partition of a cn_cache.
 *
 * A failure while reading a shuffle's blocks marks the result as a fetch
 * failure so the driver resubmits the stage that wrote them. A task of a
 * coalesced stage (adaptive execution) has a reduce range in its header: each
 * of its shuffle reads then reads partitions [reduce_start, reduce_end) in order.
 */
#include "exec/operator.h"
#include "exec/rowstore.h"
#include "io/csv.h"
#include "scheduler/sched_internal.h"

#include <stdio.h>
#include <time.h>

#define TASK_HEADER_VERSION 3

/* ------------------------------------------------------------- header */

void cn_task_header_write(cn_writer *w, const cn_task_header *h)
{
    cn_put_u8(w, TASK_HEADER_VERSION);
    cn_put_svar(w, h->job_id);
    cn_put_svar(w, h->stage_id);
    cn_put_svar(w, h->stage_attempt);
    cn_put_svar(w, h->partition);
    cn_put_svar(w, h->attempt);
    cn_put_u8(w, (uint8_t)h->sink);
    cn_put_svar(w, h->sample_size);
    cn_put_svar(w, h->cache_id);
    cn_put_svar(w, h->now_micros);
    cn_put_svar(w, h->reduce_start);
    cn_put_svar(w, h->reduce_end);
    cn_put_svar(w, h->max_result);
}

int cn_task_header_read(cn_reader *r, cn_task_header *h, cn_error *err)
{
    memset(h, 0, sizeof *h);
    uint8_t v = cn_get_u8(r);
    h->job_id = (int)cn_get_svar(r);
    h->stage_id = (int)cn_get_svar(r);
    h->stage_attempt = (int)cn_get_svar(r);
    h->partition = (int)cn_get_svar(r);
    h->attempt = (int)cn_get_svar(r);
    uint8_t sink = cn_get_u8(r);
    h->sample_size = (int)cn_get_svar(r);
    h->cache_id = cn_get_svar(r);
    h->now_micros = cn_get_svar(r);
    int64_t rs = cn_get_svar(r), re = cn_get_svar(r);
    h->max_result = cn_get_svar(r);
    if (cn_reader_check(r, "task header", err) != 0) return -1;
    if (v != TASK_HEADER_VERSION || sink > SINK_CACHE || h->partition < 0 || h->sample_size < 0 ||
        h->sample_size > 1000000 || h->max_result < 0 || rs < 0 || re < 0 || rs > INT32_MAX || re > INT32_MAX || (re && re <= rs))
        return cn_error_setf_detail(err, "INTERNAL_ERROR", "corrupt task header");
    h->sink = (cn_sink_kind)sink;
    h->reduce_start = (int)rs;
    h->reduce_end = (int)re;
    return 0;
}

/* -------------------------------------------------------------- state */

typedef struct task {
    const cn_exec_env *env;
    cn_task_header h;
    cn_task_result *res;
    cn_task_ctx ctx;
    int64_t shuffle_read_bytes, shuffle_read_records;
    int sleep_ms;
} task;

void cn_task_result_free(cn_task_result *res)
{
    cn_error_clear(&res->err);
    cn_writer_free(&res->out);
    if (res->has_status) cn_map_status_free(&res->ms);
    res->has_status = false;
}

/* --------------------------------------------------- input callbacks */

typedef struct shuffle_src {
    task *k;
    int shuffle_id;
    int next_part, end_part; /* reduce partitions still to open: next_part..end_part-1 */
    cn_batch_source src;
    bool open;               /* src is an open reader */
    bool closed;
} shuffle_src;

/* Open the reader of reduce partition s->next_part (and advance it). */
static int open_part(shuffle_src *s, cn_arena *a, cn_error *err)
{
    int n = 0;
    cn_shuffle_input *inputs = NULL;
    int part = s->next_part++;
    if (cn_mot_get_partition_inputs(s->k->env->mot, s->shuffle_id, part, a, &n, &inputs, err) != 0 ||
        cn_shuffle_reader_open(a, n, inputs, part, &s->src, err) != 0)
        return -1;
    s->open = true;
    return 0;
}

/* Close the current reader, adding its metrics to the task's. */
static void close_part(shuffle_src *s)
{
    if (!s->open) return;
    s->open = false;
    int64_t bytes = 0, records = 0;
    cn_shuffle_reader_metrics(&s->src, &bytes, &records);
    s->k->shuffle_read_bytes += bytes;
    s->k->shuffle_read_records += records;
    if (s->src.close) s->src.close(s->src.state);
}

static int shuffle_next(void *state, cn_batch **out, cn_error *err)
{
    shuffle_src *s = state;
    for (;;) {
        if (s->open) {
            if (s->src.next(s->src.state, out, err) != 0) {
                s->k->res->fetch_failed = s->shuffle_id;
                return -1;
            }
            if (*out) return 0;
            close_part(s);
        }
        if (s->next_part >= s->end_part) {
            *out = NULL;
            return 0;
        }
        if (open_part(s, s->k->ctx.arena, err) != 0) {
            s->k->res->fetch_failed = s->shuffle_id;
            return -1;
        }
    }
}

static void shuffle_close(void *state)
{
    shuffle_src *s = state;
    if (s->closed) return;
    s->closed = true;
    close_part(s);
}

/* A coalesced task (header reduce range) reads its whole range of reduce partitions,
 * one reader after the other, whatever `part` says. */
static int open_shuffle(cn_task_ctx *t, int shuffle_id, int part, cn_batch_iter *it, cn_error *err)
{
    task *k = t->ud;
    shuffle_src *s = cn_arena_calloc(t->arena, sizeof *s);
    s->k = k;
    s->shuffle_id = shuffle_id;
    s->next_part = part;
    s->end_part = part + 1;
    if (k->h.reduce_end > k->h.reduce_start) {
        s->next_part = k->h.reduce_start;
        s->end_part = k->h.reduce_end;
    }
    if (open_part(s, t->arena, err) != 0) {
        k->res->fetch_failed = shuffle_id;
        return -1;
    }
    it->next = shuffle_next;
    it->close = shuffle_close;
    it->state = s;
    return 0;
}

static cn_broadcast *find_broadcast(task *k, int id, cn_error *err)
{
    cn_broadcast *bc = k->env->broadcasts ? cn_broadcast_store_get(k->env->broadcasts, id) : NULL;
    if (!bc) cn_error_setf_detail(err, "INTERNAL_ERROR", "broadcast %d is not available", id);
    return bc;
}

static int open_broadcast(cn_task_ctx *t, int broadcast_id, cn_batch_iter *it, cn_error *err)
{
    cn_broadcast *bc = find_broadcast(t->ud, broadcast_id, err);
    if (!bc) return -1;
    cn_batch_source src;
    if (cn_broadcast_open(bc, t->arena, &src, err) != 0) return -1;
    it->next = src.next;
    it->close = src.close;
    it->state = src.state;
    return 0;
}

static void *get_broadcast_table(cn_task_ctx *t, int broadcast_id, void *(*build)(void *arg, cn_error *err), void *arg,
                                 cn_error *err)
{
    cn_broadcast *bc = find_broadcast(t->ud, broadcast_id, err);
    if (!bc) return NULL;
    /* the only shared table today is the broadcast hash join's (exec/hash_join.c) */
    return cn_broadcast_get_table(bc, build, arg, cn_hash_join_table_free, err);
}

static int open_cache(cn_task_ctx *t, void *cache, int part, cn_batch_iter *it, cn_error *err)
{
    cn_batch_source src;
    if (cn_cache_open(cache, part, t->arena, &src, err) != 0) return -1;
    it->next = src.next;
    it->close = src.close;
    it->state = src.state;
    return 0;
}

/* A cached partition with a column subset: shallow re-pointing of vectors. */
typedef struct cols_src {
    cn_batch_iter in;
    int ncols;
    const int *cols;
    cn_batch out;
} cols_src;

static int cols_next(void *state, cn_batch **out, cn_error *err)
{
    cols_src *s = state;
    cn_batch *b;
    if (s->in.next(s->in.state, &b, err) != 0) return -1;
    if (!b) {
        *out = NULL;
        return 0;
    }
    for (int i = 0; i < s->ncols; i++) {
        if (s->cols[i] < 0 || s->cols[i] >= b->ncols)
            return cn_error_setf_detail(err, "INTERNAL_ERROR", "cached column %d out of range", s->cols[i]);
        s->out.cols[i] = b->cols[s->cols[i]];
    }
    s->out.count = b->count;
    s->out.sel = b->sel;
    s->out.nsel = b->nsel;
    *out = &s->out;
    return 0;
}

static void cols_close(void *state)
{
    cols_src *s = state;
    if (s->in.close) s->in.close(s->in.state);
}

/* ------------------------------------------------------- tree building */

static cn_type *out_types(cn_arena *a, const cn_pplan *p)
{
    cn_type *t = cn_arena_calloc(a, sizeof(cn_type) * (size_t)(p->nout + 1));
    for (int i = 0; i < p->nout; i++) t[i] = p->out[i].type;
    return t;
}

static cn_op *fail_null(cn_error *err, const char *what)
{
    if (!err->set) cn_error_setf_detail(err, "INTERNAL_ERROR", "could not build %s", what);
    return NULL;
}

static cn_op *build(task *k, const cn_pplan *p, int part, cn_error *err);

static cn_op *build_scan(task *k, const cn_pplan *p, int part, cn_error *err)
{
    cn_task_ctx *t = &k->ctx;
    if (part < 0 || part >= p->nsplits) return cn_error_setf_detail(err, "INTERNAL_ERROR", "no split %d", part), NULL;
    const cn_csv_split *sp = &p->splits[part];
    cn_type *types = out_types(t->arena, p);
    if (!sp->path || !sp->path[0]) return cn_op_local_scan(t, p->nout, types, 0, NULL);
    if (!p->file_schema) return cn_error_setf_detail(err, "INTERNAL_ERROR", "csv scan without schema"), NULL;
    cn_csv_options *o = cn_arena_calloc(t->arena, sizeof *o);
    if (cn_csv_options_parse(o, p->nopts, p->opt_keys, p->opt_vals, t->arena, err) != 0) return NULL;
    if (!o->timezone) o->timezone = t->eval.timezone;
    cn_csv_options_apply_conf(o, k->env->conf);
    return cn_op_csv_scan(t, sp->path, sp->start, sp->length, o, p->file_schema, p->ncols, p->cols);
}

static cn_op *build_cache_scan(task *k, const cn_pplan *p, int part, cn_error *err)
{
    cn_task_ctx *t = &k->ctx;
    cn_cache *c = k->env->caches ? cn_cache_store_get(k->env->caches, p->cache_id) : NULL;
    if (!c) return cn_error_setf_detail(err, "INTERNAL_ERROR", "cached relation %lld is not available",
                                        (long long)p->cache_id), NULL;
    if (part < 0 || part >= cn_cache_nparts(c))
        return cn_error_setf_detail(err, "INTERNAL_ERROR", "cached relation has no partition %d", part), NULL;
    cn_batch_iter it;
    if (t->open_cache(t, c, part, &it, err) != 0) return NULL;
    if (p->cols) {
        cols_src *s = cn_arena_calloc(t->arena, sizeof *s);
        s->in = it;
        s->ncols = p->ncols;
        s->cols = p->cols;
        s->out.ncols = p->ncols;
        s->out.cols = cn_arena_calloc(t->arena, sizeof(cn_vector) * (size_t)(p->ncols + 1));
        it.next = cols_next;
        it.close = cols_close;
        it.state = s;
    }
    return cn_op_iter_scan(t, p->nout, out_types(t->arena, p), it);
}

/* The build side of a broadcast join is a PP_BROADCAST_READ: every task reads all of it. */
static int child_part(const cn_pplan *c, int part) { return c->kind == PP_BROADCAST_READ ? 0 : part; }

static cn_op *build(task *k, const cn_pplan *p, int part, cn_error *err)
{
    cn_task_ctx *t = &k->ctx;
    cn_op *c0 = NULL, *c1 = NULL;
    if (p->kind != PP_UNION && p->kind != PP_COALESCE && p->nchildren > 0) {
        if (!(c0 = build(k, p->children[0], child_part(p->children[0], part), err))) return NULL;
        if (p->nchildren > 1 && !(c1 = build(k, p->children[1], child_part(p->children[1], part), err))) {
            cn_op_close(c0);
            return NULL;
        }
    }
    cn_op *op = NULL;
    switch (p->kind) {
    case PP_CSV_SCAN: return build_scan(k, p, part, err);
    case PP_CACHE_SCAN: return build_cache_scan(k, p, part, err);
    case PP_LOCAL_SCAN:
        /* inline rows live in partition 0 */
        op = cn_op_local_scan(t, p->nout, out_types(t->arena, p), part == 0 ? p->nrows : 0, p->rows);
        break;
    case PP_FILTER: op = cn_op_filter(t, c0, p->cond); break;
    case PP_PROJECT: op = cn_op_project(t, c0, p->nexprs, p->exprs); break;
    case PP_HASH_AGG:
        op = cn_op_hash_agg(t, c0, p->agg_mode, p->nkeys, p->keys, p->naggs, p->aggs, p->agg_args, p->nexprs,
                            p->exprs);
        break;
    case PP_SORT: op = cn_op_sort(t, c0, p->norders, p->orders); break;
    case PP_TOPN: op = cn_op_topn(t, c0, p->limit, p->offset, p->norders, p->orders, p->nexprs, p->exprs); break;
    case PP_LIMIT: op = cn_op_limit(t, c0, p->limit, p->offset); break;
    case PP_UNION: {
        /* partition `part` of a union is partition part-offset of one input */
        int off = 0;
        for (int i = 0; i < p->ninputs; i++) {
            int n = p->inputs[i]->nparts;
            if (part < off + n) {
                cn_op *in = build(k, p->inputs[i], part - off, err);
                if (!in) return NULL;
                cn_op *one[1] = {in};
                return cn_op_union(t, 1, one);
            }
            off += n;
        }
        return cn_op_union(t, 0, NULL);
    }
    case PP_COALESCE: {
        /* partition `part` of a coalesce: a contiguous run of child partitions, as Spark's
         * CoalescedRDD without locality (partition i takes child partitions [i*N/n, (i+1)*N/n)) */
        int nchild = p->children[0]->nparts, n = p->nparts > 0 ? p->nparts : 1;
        int from = (int)((int64_t)part * nchild / n), to = (int)((int64_t)(part + 1) * nchild / n);
        int m = to > from ? to - from : 0;
        cn_op **ins = cn_arena_calloc(t->arena, sizeof(cn_op *) * (size_t)(m + 1));
        for (int i = 0; i < m; i++) {
            if (!(ins[i] = build(k, p->children[0], from + i, err))) {
                for (int j = 0; j < i; j++) cn_op_close(ins[j]);
                return NULL;
            }
        }
        return cn_op_union(t, m, ins);
    }
    case PP_HASH_JOIN: {
        int bid = -1;
        const cn_pplan *bside = p->children[p->build_right ? 1 : 0];
        if (p->broadcast && bside->kind == PP_BROADCAST_READ) bid = bside->broadcast_id;
        op = cn_op_hash_join(t, c0, c1, p->join_type, p->build_right, p->njoin_keys, p->left_keys, p->right_keys,
                             p->cond, bid);
        if (op && p->null_aware) cn_op_hash_join_set_null_aware(op, true);
        break;
    }
    case PP_SMJ:
        op = cn_op_merge_join(t, c0, c1, p->join_type, p->njoin_keys, p->left_keys, p->right_keys, p->cond);
        break;
    case PP_NL_JOIN: op = cn_op_nl_join(t, c0, c1, p->join_type, p->build_right, p->cond); break;
    case PP_SHUFFLE_READ: {
        cn_batch_iter it;
        if (t->open_shuffle(t, p->shuffle_id, part, &it, err) != 0) return NULL;
        return cn_op_iter_scan(t, p->nout, out_types(t->arena, p), it);
    }
    case PP_BROADCAST_READ: {
        cn_batch_iter it;
        if (t->open_broadcast(t, p->broadcast_id, &it, err) != 0) return NULL;
        return cn_op_iter_scan(t, p->nout, out_types(t->arena, p), it);
    }
    case PP_EXCHANGE:
    case PP_BROADCAST_EXCHANGE:
    default:
        cn_op_close(c0);
        cn_op_close(c1);
        return cn_error_setf_detail(err, "INTERNAL_ERROR", "plan node %d cannot run inside a task", (int)p->kind),
               NULL;
    }
    if (!op) {
        cn_op_close(c0);
        cn_op_close(c1);
        return fail_null(err, "operator");
    }
    return op;
}

/* -------------------------------------------------------------- sinks */

static int check_kill(task *k, cn_error *err)
{
    if (k->env->kill && *k->env->kill) return cn_error_set(err, "OPERATION_CANCELED", NULL);
    if (k->sleep_ms > 0) {
        struct timespec ts = {k->sleep_ms / 1000, (long)(k->sleep_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        if (k->env->kill && *k->env->kill) return cn_error_set(err, "OPERATION_CANCELED", NULL);
    }
    return 0;
}

static int sink_result(task *k, cn_op *root, cn_error *err)
{
    cn_batch *b;
    for (;;) {
        if (check_kill(k, err) != 0) return -1;
        if (cn_op_next(root, &b, err) != 0) return -1;
        if (!b) break;
        if (cn_batch_live(b) == 0) continue;
        k->res->rows += cn_batch_live(b);
        if (cn_block_encode(b, CN_CODEC_NONE, &k->res->out, err) != 0) return -1;
        if (k->h.max_result > 0 && (int64_t)k->res->out.len > k->h.max_result) {
            char sz[64], lim[64];
            cn_sched_bytes_string((int64_t)k->res->out.len, sz, sizeof sz);
            cn_sched_bytes_string(k->h.max_result, lim, sizeof lim);
            return cn_error_set(err, "TOTAL_RESULT_SIZE_EXCEEDED", "size", sz, "limit", lim, NULL);
        }
    }
    return 0;
}

static int sink_cache(task *k, cn_op *root, cn_error *err)
{
    cn_cache *c = k->env->caches ? cn_cache_store_get(k->env->caches, k->h.cache_id) : NULL;
    if (!c) return cn_error_setf_detail(err, "INTERNAL_ERROR", "cache %lld not found", (long long)k->h.cache_id);
    int part = k->h.partition;
    cn_cache_reset_partition(c, part);
    cn_batch *b;
    for (;;) {
        if (check_kill(k, err) != 0) goto fail;
        if (cn_op_next(root, &b, err) != 0) goto fail;
        if (!b) break;
        if (cn_batch_live(b) == 0) continue;
        k->res->rows += cn_batch_live(b);
        if (cn_cache_append(c, part, b, err) != 0) goto fail;
    }
    cn_cache_finish_partition(c, part);
    return 0;
fail:
    cn_cache_reset_partition(c, part);
    return -1;
}

/* Evaluate the partitioning keys of batch b into keys[] (dense, live rows). */
static int eval_keys(const cn_partitioning *pt, const cn_batch *b, cn_vector *keys, cn_eval_ctx *ec, cn_error *err)
{
    for (int i = 0; i < pt->nkeys; i++) {
        const cn_expr *e = pt->kind == PART_HASH ? pt->keys[i] : pt->orders[i].expr;
        const cn_vector *v = exec_key_vector(e, b, &keys[i], ec, err);
        if (!v) return -1;
        if (v != &keys[i]) keys[i] = *v;
    }
    return 0;
}

/* Map outputs are files under spark.local.dir, as Spark writes them. With
 * cinder.shuffle.localMemoryBytes > 0 (local mode only) they stay in memory up to that many
 * bytes process-wide instead, unless the query injects shuffle-output loss (those tests need
 * files to delete). */
static int64_t shuffle_mem_limit(const task *k)
{
    const cn_faults *f = k->env->faults;
    for (int i = 0; f && i < f->n; i++)
        if (f->f[i].kind == FAULT_SHUFFLE_LOSE) return 0;
    int64_t limit = k->env->conf ? cn_conf_get_int(k->env->conf, "cinder.shuffle.localMemoryBytes") : 0;
    return limit > 0 ? limit : 0;
}

static int sink_shuffle(task *k, const cn_pplan *x, cn_op *root, cn_error *err)
{
    cn_task_ctx *t = &k->ctx;
    const cn_partitioning *pt = &x->part;
    int n = pt->n > 0 ? pt->n : 1;
    cn_partitioner part;
    bool *desc = NULL, *nf = NULL;
    switch (pt->kind) {
    case PART_HASH: cn_partitioner_hash(&part, n); break;
    case PART_RANGE:
        desc = cn_arena_calloc(t->arena, (size_t)pt->nkeys + 1);
        nf = cn_arena_calloc(t->arena, (size_t)pt->nkeys + 1);
        for (int i = 0; i < pt->nkeys; i++) {
            desc[i] = pt->orders[i].desc;
            nf[i] = pt->orders[i].nulls_first;
        }
        cn_partitioner_range(&part, n, pt->nkeys, desc, nf, pt->bounds ? pt->nbounds : 0, pt->bounds);
        break;
    case PART_ROUND_ROBIN: cn_partitioner_round_robin(&part, n, k->h.partition); break;
    default:
        if (n != 1) return cn_error_setf_detail(err, "INTERNAL_ERROR", "exchange without partitioning into %d", n);
        cn_partitioner_single(&part);
        break;
    }
    bool use_keys = pt->kind == PART_HASH || pt->kind == PART_RANGE;
    cn_shuffle_writer_opts o;
    memset(&o, 0, sizeof o);
    o.dir = k->env->dir;
    o.shuffle_id = x->shuffle_id;
    o.map_id = k->h.partition;
    o.nparts = n;
    o.ncols = root->ncols;
    o.types = root->types;
    o.codec = cn_codec_from_conf(k->env->conf);
    o.mm = k->env->mm;
    o.mem_output_limit = shuffle_mem_limit(k);
    cn_shuffle_writer *w = cn_shuffle_writer_new(&o, err);
    if (!w) return -1;
    cn_arena *ka = cn_arena_new("shuffle-keys", t->arena);
    cn_eval_ctx ec = exec_eval_ctx(t, ka);
    cn_vector *keys = cn_arena_calloc(t->arena, sizeof(cn_vector) * (size_t)(pt->nkeys + 1));
    int32_t *pids = cn_arena_alloc(t->arena, sizeof(int32_t) * CN_BATCH_SIZE);
    cn_batch *b;
    for (;;) {
        if (check_kill(k, err) != 0) goto fail;
        if (cn_op_next(root, &b, err) != 0) goto fail;
        if (!b) break;
        int live = cn_batch_live(b);
        if (live == 0) continue;
        cn_arena_reset(ka);
        if (use_keys && eval_keys(pt, b, keys, &ec, err) != 0) goto fail;
        if (cn_partitioner_compute(&part, live, use_keys ? pt->nkeys : 0, keys, pids, err) != 0) goto fail;
        if (cn_shuffle_writer_write(w, b, pids, err) != 0) goto fail;
        k->res->rows += live;
    }
    if (cn_shuffle_writer_close(w, &k->res->ms, err) != 0) return -1;
    k->res->has_status = true;
    return 0;
fail:
    cn_shuffle_writer_abort(w);
    return -1;
}

/* xorshift64*: deterministic per task, as Spark seeds its sampler by partition */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static int sink_sample(task *k, const cn_pplan *x, cn_op *root, cn_error *err)
{
    cn_task_ctx *t = &k->ctx;
    const cn_partitioning *pt = &x->part;
    int nk = pt->nkeys, cap = k->h.sample_size > 0 ? k->h.sample_size : 100;
    cn_value **res = cn_arena_calloc(t->arena, sizeof(cn_value *) * (size_t)cap);
    int nres = 0;
    int64_t seen = 0;
    uint64_t seed = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)k->h.partition * 0x100000001B3ULL) ^ (uint64_t)k->h.stage_id;
    if (!seed) seed = 1;
    cn_arena *ka = cn_arena_new("sample-keys", t->arena);
    cn_arena *va = cn_arena_new("sample-values", t->arena);
    cn_eval_ctx ec = exec_eval_ctx(t, ka);
    cn_vector *keys = cn_arena_calloc(t->arena, sizeof(cn_vector) * (size_t)(nk + 1));
    int *slot = cn_arena_alloc(t->arena, sizeof(int) * CN_BATCH_SIZE);
    cn_batch *b;
    for (;;) {
        if (check_kill(k, err) != 0) return -1;
        if (cn_op_next(root, &b, err) != 0) return -1;
        if (!b) break;
        int live = cn_batch_live(b);
        /* decide first which rows enter the reservoir, evaluate keys only if any do */
        int any = 0;
        for (int i = 0; i < live; i++) {
            int64_t c = seen + i;
            slot[i] = -1;
            if (c < cap) slot[i] = (int)c;
            else {
                uint64_t j = rng_next(&seed) % (uint64_t)(c + 1);
                if (j < (uint64_t)cap) slot[i] = (int)j;
            }
            if (slot[i] >= 0) any = 1;
        }
        seen += live;
        if (!any) continue;
        cn_arena_reset(ka);
        if (eval_keys(pt, b, keys, &ec, err) != 0) return -1;
        for (int i = 0; i < live; i++) {
            if (slot[i] < 0) continue;
            cn_value *row = res[slot[i]];
            if (!row) row = res[slot[i]] = cn_arena_calloc(va, sizeof(cn_value) * (size_t)(nk + 1));
            for (int c = 0; c < nk; c++) {
                row[c] = cn_value_from_vector(&keys[c], i);
                row[c].type = keys[c].type;
                if (!row[c].is_null && cn_type_phys(row[c].type) == CN_PHYS_STR) row[c].v.s = cn_str_copy(va, row[c].v.s);
            }
            if (slot[i] >= nres) nres = slot[i] + 1;
        }
    }
    k->res->rows = seen;
    /* the sample as blocks of key columns */
    cn_type *types = cn_arena_calloc(t->arena, sizeof(cn_type) * (size_t)(nk + 1));
    for (int c = 0; c < nk; c++) types[c] = pt->orders[c].expr->type;
    for (int r0 = 0; r0 < nres; r0 += CN_BATCH_SIZE) {
        int n = CN_MIN(CN_BATCH_SIZE, nres - r0);
        cn_batch *ob = cn_batch_new(ka, nk, types, n);
        ob->count = n;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < nk; c++) {
                cn_value v = res[r0 + r][c];
                if (v.is_null) cn_vec_set_null(&ob->cols[c], r, ka);
                else cn_value_to_vector(&v, &ob->cols[c], r, ka);
            }
        if (cn_block_encode(ob, CN_CODEC_NONE, &k->res->out, err) != 0) return -1;
    }
    return 0;
}

/* --------------------------------------------------------------- run */

static int apply_faults(task *k, cn_error *err)
{
    const cn_faults *f = k->env->faults;
    for (int i = 0; f && i < f->n; i++) {
        const cn_fault *r = &f->f[i];
        if (r->stage >= 0 && r->stage != k->h.stage_id) continue;
        if (r->kind == FAULT_TASK_SLEEP) k->sleep_ms = r->ms;
        if (r->kind != FAULT_TASK_FAIL) continue;
        if (r->partition >= 0 && r->partition != k->h.partition) continue;
        if (k->h.attempt >= r->attempts) continue;
        if (r->cls[0]) return cn_error_setf_detail(err, r->cls, "(injected by cinder.test.faults)");
        return cn_error_setf_detail(err, "INTERNAL_ERROR", "injected task failure (stage %d, partition %d, attempt %d)",
                                    k->h.stage_id, k->h.partition, k->h.attempt);
    }
    return 0;
}

void cn_task_run(const cn_exec_env *env, const void *hdr, size_t hdr_len, const void *frag, size_t frag_len,
                 cn_task_result *res)
{
    uint64_t t0 = cn_now_ns();
    memset(res, 0, sizeof *res);
    cn_error_init(&res->err);
    cn_writer_init(&res->out);
    res->fetch_failed = -1;
    cn_error *err = &res->err;

    task k;
    memset(&k, 0, sizeof k);
    k.env = env;
    k.res = res;
    cn_arena *ta = cn_arena_new("task", NULL);
    cn_op *root = NULL;
    int rc = -1;

    cn_reader r;
    cn_reader_init(&r, hdr, hdr_len);
    if (cn_task_header_read(&r, &k.h, err) != 0) goto done;
    cn_pplan *frag_root;
    cn_reader_init(&r, frag, frag_len);
    if (cn_pplan_read(&r, ta, &frag_root, err) != 0) goto done;

    cn_task_ctx *t = &k.ctx;
    t->stage_id = k.h.stage_id;
    t->partition = k.h.partition;
    t->attempt = k.h.attempt;
    t->arena = ta;
    t->conf = env->conf;
    t->eval.timezone = env->conf ? cn_conf_get(env->conf, "spark.sql.session.timeZone") : "UTC";
    if (!t->eval.timezone) t->eval.timezone = "UTC";
    t->eval.ansi = env->conf ? cn_conf_get_bool(env->conf, "spark.sql.ansi.enabled") : true;
    t->eval.partition_index = t->partition; /* rand(seed) draws from seed + partition, as Spark */
    t->eval.now_micros = k.h.now_micros;
    t->cancelled = env->kill;
    t->open_shuffle = open_shuffle;
    t->open_broadcast = open_broadcast;
    t->get_broadcast_table = get_broadcast_table;
    t->open_cache = open_cache;
    t->ud = &k;

    if (apply_faults(&k, err) != 0) goto done;
    bool map_side = k.h.sink == SINK_SHUFFLE || k.h.sink == SINK_SAMPLE;
    if (map_side && (frag_root->kind != PP_EXCHANGE || frag_root->nchildren != 1)) {
        cn_error_setf_detail(err, "INTERNAL_ERROR", "shuffle-map fragment must end in an exchange");
        goto done;
    }
    if (map_side && k.h.sink == SINK_SAMPLE && frag_root->part.kind != PART_RANGE) {
        cn_error_setf_detail(err, "INTERNAL_ERROR", "sampling a non-range exchange");
        goto done;
    }
    root = build(&k, map_side ? frag_root->children[0] : frag_root, k.h.partition, err);
    if (!root) goto done;
    switch (k.h.sink) {
    case SINK_RESULT: rc = sink_result(&k, root, err); break;
    case SINK_SHUFFLE: rc = sink_shuffle(&k, frag_root, root, err); break;
    case SINK_SAMPLE: rc = sink_sample(&k, frag_root, root, err); break;
    case SINK_CACHE: rc = sink_cache(&k, root, err); break;
    }
    res->metrics.rows_out = root->rows_out;

done:
    if (root) cn_op_close(root);
    res->status = rc;
    if (rc != 0 && !err->set) cn_error_setf_detail(err, "INTERNAL_ERROR", "task failed");
    if (rc != 0 && strcmp(err->cls, "OPERATION_CANCELED") == 0) res->fetch_failed = -1;
    res->metrics.rows_in = k.ctx.input_rows;
    res->metrics.bytes_in = k.ctx.input_bytes;
    res->metrics.peak_memory = k.ctx.mem_peak;
    res->metrics.shuffle_read_bytes = k.shuffle_read_bytes;
    res->metrics.shuffle_read_records = k.shuffle_read_records;
    if (res->has_status) {
        res->metrics.shuffle_write_bytes = res->ms.total_bytes;
        res->metrics.shuffle_write_records = res->ms.total_records;
    }
    cn_arena_free(ta);
    res->metrics.run_ns = cn_now_ns() - t0;
}
