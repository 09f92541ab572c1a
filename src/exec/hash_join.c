/*
 * hash_join.c — BroadcastHashJoin / ShuffledHashJoin. The build side is
 * consumed completely into a cn_join_table (columnar rows + hash chains, see
 * hashtable.h); for a broadcast (broadcast_id >= 0 and the task context
 * offers get_broadcast_table) the table is built once per query by whichever
 * task asks first and then shared read-only. The probe side streams: per
 * probe batch the keys are evaluated and hashed once, each live row with
 * non-NULL keys starts at its bucket's chain head, and rounds of the loop
 * (1) skip chain entries whose hash differs, (2) verify keys column by column
 * for the candidates, (3) collect matching (probe, build) pairs, until
 * CN_BATCH_SIZE pairs are collected; the chain positions persist across
 * next() calls, so a probe batch may expand over several output batches.
 * joinout.c turns pairs into output and handles the extra condition, outer,
 * semi and anti semantics. NULL keys never match.
 *
 * Null-aware anti join (NOT IN, one key, build right): if the build side has
 * a NULL key nothing is emitted; a probe row with a NULL key is dropped
 * unless the build side is empty. Null-aware existence join (IN where NULL
 * is observable, one key, build right): an unmatched row's flag is NULL —
 * IN is unknown — when the build side is not empty and its key or a build
 * key is NULL.
 */
#include "exec/hashtable.h"
#include "exec/joinout.h"

enum { PH_BUILD, PH_PROBE, PH_REST, PH_DONE };

typedef struct hash_join {
    cn_op op;
    int phase;
    int nkeys;
    cn_expr **pkeys, **bkeys;
    int broadcast_id;
    bool null_aware;
    cn_join_table *table;
    cn_join_table local;
    bool shared;
    int64_t mem_accounted;
    joinout jo;
    cn_op *probe_child, *build_child;
    /* current probe batch */
    cn_batch *probe;
    cn_arena *probe_arena;
    cn_eval_ctx pctx;
    const cn_vector **pk;
    uint64_t hashes[CN_BATCH_SIZE];
    uint32_t ptr[CN_BATCH_SIZE];  /* next chain entry (row + 1), 0 = done */
    uint16_t active[CN_BATCH_SIZE];
    int nactive;
    bool probe_suppress;           /* null-aware: emit nothing for this join */
} hash_join;

/* Consume `child` into table jt (keys evaluated with `keys`). */
static int build_into(cn_join_table *jt, cn_op *child, cn_expr **keys, int nkeys, cn_task_ctx *t, cn_error *err)
{
    cn_arena *ba = cn_arena_new("HashJoin.build", NULL);
    cn_eval_ctx ctx = exec_eval_ctx(t, ba);
    int rc = 0;
    for (;;) {
        cn_batch *b;
        if (cn_op_next(child, &b, err) < 0) {
            rc = -1;
            break;
        }
        if (!b) break;
        cn_arena_reset(ba);
        int n = cn_batch_live(b);
        const cn_vector *kv[nkeys > 0 ? nkeys : 1];
        cn_vector *tmp = cn_arena_alloc(ba, sizeof(cn_vector) * (size_t)(nkeys > 0 ? nkeys : 1));
        for (int k = 0; k < nkeys; k++) {
            if (!(kv[k] = exec_key_vector(keys[k], b, &tmp[k], &ctx, err))) {
                rc = -1;
                break;
            }
        }
        if (rc < 0) break;
        const cn_vector *pv[b->ncols > 0 ? b->ncols : 1];
        for (int c = 0; c < b->ncols; c++) pv[c] = &b->cols[c];
        cn_join_table_append(jt, pv, b->sel, kv, n);
    }
    cn_arena_free(ba);
    if (rc == 0) cn_join_table_finish(jt);
    return rc;
}

static void *broadcast_build(void *arg, cn_error *err)
{
    hash_join *h = arg;
    cn_join_table *jt = cn_xcalloc(1, sizeof *jt);
    cn_arena *a = cn_arena_new("broadcast hash table", NULL);
    cn_type ktypes[h->nkeys > 0 ? h->nkeys : 1];
    for (int k = 0; k < h->nkeys; k++) ktypes[k] = h->bkeys[k]->type;
    cn_join_table_init(jt, h->build_child->ncols, h->build_child->types, h->nkeys, ktypes, a);
    jt->own_arena = true;
    if (build_into(jt, h->build_child, h->bkeys, h->nkeys, h->op.task, err) < 0) {
        cn_join_table_free(jt);
        free(jt);
        return NULL;
    }
    return jt;
}

void cn_hash_join_table_free(void *table)
{
    if (!table) return;
    cn_join_table_free(table);
    free(table);
}

static int hj_build(hash_join *h, cn_error *err)
{
    cn_task_ctx *t = h->op.task;
    if (h->broadcast_id >= 0 && t && t->get_broadcast_table) {
        void *tab = t->get_broadcast_table(t, h->broadcast_id, broadcast_build, h, err);
        if (!tab) {
            if (!err->set) cn_error_set(err, "INTERNAL_ERROR", "message", "broadcast hash table unavailable", NULL);
            return -1;
        }
        h->table = tab;
        h->shared = true;
    } else {
        cn_type ktypes[h->nkeys > 0 ? h->nkeys : 1];
        for (int k = 0; k < h->nkeys; k++) ktypes[k] = h->bkeys[k]->type;
        cn_join_table_init(&h->local, h->build_child->ncols, h->build_child->types, h->nkeys, ktypes, h->op.arena);
        h->table = &h->local;
        if (build_into(&h->local, h->build_child, h->bkeys, h->nkeys, t, err) < 0) return -1;
        h->mem_accounted = cn_join_table_bytes(&h->local);
        exec_mem_account(t, h->mem_accounted);
    }
    joinout_set_build(&h->jo, &h->table->rows, h->table->rows.n);
    if (h->null_aware && h->table->rows.n > 0 && h->table->has_null_key) {
        if (h->jo.probe_exists) h->jo.unknown_unmatched = true;
        else h->probe_suppress = true;
    }
    return 0;
}

/* Set up the chain walk for a new probe batch. */
static int probe_begin(hash_join *h, cn_error *err)
{
    cn_batch *b = h->probe;
    int n = cn_batch_live(b);
    cn_arena_reset(h->probe_arena);
    joinout_probe_begin(&h->jo);
    cn_vector *tmp = cn_arena_alloc(h->probe_arena, sizeof(cn_vector) * (size_t)(h->nkeys > 0 ? h->nkeys : 1));
    uint8_t nullkey[CN_BATCH_SIZE];
    memset(nullkey, 0, (size_t)n);
    if (h->nkeys == 0) memset(h->hashes, 0, sizeof(uint64_t) * (size_t)n);
    for (int k = 0; k < h->nkeys; k++) {
        if (!(h->pk[k] = exec_key_vector(h->pkeys[k], b, &tmp[k], &h->pctx, err))) return -1;
        cn_hash_vector(h->pk[k], n, h->hashes, k == 0, false);
        cn_vector_nulls(h->pk[k], n, nullkey);
    }
    const cn_join_table *jt = h->table;
    /* a big table's buckets are cache misses: ask for all of them before reading any */
    if (jt->mask >= 4096)
        for (int i = 0; i < n; i++) __builtin_prefetch(&jt->heads[h->hashes[i] & jt->mask]);
    int na = 0;
    for (int i = 0; i < n; i++) {
        if (nullkey[i]) {
            h->ptr[i] = 0;
            /* null-aware anti: a NULL probe key is never emitted unless the build side is empty */
            if (h->null_aware && jt->rows.n > 0) {
                if (h->jo.probe_exists) h->jo.probe_unknown[i] = 1;
                else h->jo.probe_matched[i] = 1;
            }
            continue;
        }
        uint32_t p = jt->heads[h->hashes[i] & jt->mask];
        h->ptr[i] = p;
        if (p) h->active[na++] = (uint16_t)i;
    }
    h->nactive = na;
    return 0;
}

/* Collect up to CN_BATCH_SIZE matching pairs from the active chains. */
static int collect_pairs(hash_join *h, uint16_t *plive, uint32_t *brow)
{
    const cn_join_table *jt = h->table;
    const uint64_t *th = jt->hashes;
    const uint32_t *next = jt->next;
    int npairs = 0;
    uint16_t cand[CN_BATCH_SIZE];
    uint32_t crow[CN_BATCH_SIZE];
    uint8_t match[CN_BATCH_SIZE];
    while (h->nactive > 0 && npairs < CN_BATCH_SIZE) {
        int m = CN_MIN(h->nactive, CN_BATCH_SIZE - npairs);
        int nc = 0;
        if (jt->mask >= 4096)
            for (int k = 0; k < m; k++) __builtin_prefetch(&th[h->ptr[h->active[k]] - 1]);
        /* (1) skip entries with a different hash */
        for (int k = 0; k < m; k++) {
            int i = h->active[k];
            uint32_t p = h->ptr[i];
            uint64_t hv = h->hashes[i];
            while (p && th[p - 1] != hv) p = next[p - 1];
            h->ptr[i] = p;
            if (p) {
                cand[nc] = (uint16_t)i;
                crow[nc++] = p - 1;
            }
        }
        /* (2) verify keys */
        memset(match, 1, (size_t)nc);
        for (int k = 0; k < h->nkeys; k++) cn_keys_eq(h->pk[k], cand, &jt->rows, jt->npayload + k, crow, nc, match, false);
        /* (3) pairs, advance chains */
        bool early = joinout_first_match_decides(&h->jo);
        bool stop_on_match = early && !h->jo.cond;
        for (int k = 0; k < nc; k++) {
            int i = cand[k];
            if (match[k]) {
                plive[npairs] = (uint16_t)i;
                brow[npairs++] = crow[k];
                if (stop_on_match) {
                    h->ptr[i] = 0;
                    continue;
                }
            }
            h->ptr[i] = next[crow[k]];
        }
        /* rebuild the active list: processed rows still on a chain, then the unprocessed tail */
        int na = 0;
        for (int k = 0; k < m; k++) {
            int i = h->active[k];
            if (h->ptr[i]) h->active[na++] = (uint16_t)i;
        }
        for (int k = m; k < h->nactive; k++) h->active[na++] = h->active[k];
        h->nactive = na;
    }
    return npairs;
}

static int hj_next(cn_op *op, cn_batch **out, cn_error *err)
{
    hash_join *h = (hash_join *)op;
    if (h->phase == PH_BUILD) {
        if (hj_build(h, err) < 0) return -1;
        h->phase = PH_PROBE;
    }
    while (h->phase == PH_PROBE) {
        if (!h->probe) {
            cn_batch *b;
            if (cn_op_next(h->probe_child, &b, err) < 0) return -1;
            if (!b) {
                h->phase = PH_REST;
                break;
            }
            if (h->probe_suppress) {
                h->phase = PH_REST;
                break;
            }
            h->probe = b;
            if (probe_begin(h, err) < 0) return -1;
        }
        while (h->nactive > 0) {
            uint16_t plive[CN_BATCH_SIZE];
            uint32_t brow[CN_BATCH_SIZE];
            int np = collect_pairs(h, plive, brow);
            if (np == 0) continue;
            if (joinout_pairs(&h->jo, h->probe, plive, brow, np, out, err) < 0) return -1;
            if (joinout_first_match_decides(&h->jo)) {
                /* drop rows already decided */
                int na = 0;
                for (int k = 0; k < h->nactive; k++)
                    if (!joinout_probe_done_early(&h->jo, h->active[k])) h->active[na++] = h->active[k];
                h->nactive = na;
            }
            if (*out) return 0;
        }
        cn_batch *probe = h->probe;
        h->probe = NULL;
        if (joinout_probe_end(&h->jo, probe, out, err) < 0) return -1;
        if (*out) return 0;
    }
    if (h->phase == PH_REST) {
        if (joinout_build_rest(&h->jo, out, err) < 0) return -1;
        if (*out) return 0;
        h->phase = PH_DONE;
    }
    return 0;
}

static void hj_close(cn_op *op)
{
    hash_join *h = (hash_join *)op;
    if (!h->shared && h->table) cn_join_table_free(&h->local);
    exec_mem_account(op->task, -h->mem_accounted);
    h->mem_accounted = 0;
    joinout_free(&h->jo);
}

static const cn_op_vtable hj_vt = {"HashJoin", hj_next, hj_close};

cn_op *cn_op_hash_join(cn_task_ctx *t, cn_op *left, cn_op *right, int join_type, bool build_right, int nkeys,
                       cn_expr **left_keys, cn_expr **right_keys, const cn_expr *cond, int broadcast_id)
{
    cn_type types[left->ncols + right->ncols + 1];
    int nout = joinout_output_types(join_type, left, right, types);
    hash_join *h = (hash_join *)cn_op_alloc(t, &hj_vt, sizeof(hash_join), nout, types);
    h->op.nchildren = 2;
    h->op.children[0] = left;
    h->op.children[1] = right;
    h->probe_child = build_right ? left : right;
    h->build_child = build_right ? right : left;
    h->nkeys = nkeys;
    h->pkeys = exec_copy_exprs(h->op.arena, nkeys, build_right ? left_keys : right_keys);
    h->bkeys = exec_copy_exprs(h->op.arena, nkeys, build_right ? right_keys : left_keys);
    h->broadcast_id = broadcast_id;
    h->probe_arena = cn_arena_new("HashJoin.probe", h->op.arena);
    h->pctx = exec_eval_ctx(t, h->probe_arena);
    h->pk = cn_arena_calloc(h->op.arena, sizeof(cn_vector *) * (size_t)(nkeys > 0 ? nkeys : 1));
    joinout_init(&h->jo, &h->op, join_type, build_right, cond, h->probe_child->ncols, h->probe_child->types,
                 h->build_child->ncols, h->build_child->types);
    return &h->op;
}

void cn_op_hash_join_set_null_aware(cn_op *op, bool null_aware)
{
    hash_join *h = (hash_join *)op;
    h->null_aware = null_aware;
}
