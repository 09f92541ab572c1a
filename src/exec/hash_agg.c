/*
 * hash_agg.c — HashAggregate in Spark's modes (PARTIAL, PARTIAL_MERGE, FINAL,
 * COMPLETE). Per input batch: evaluate the group keys densely, hash them for
 * the whole batch, find or create the groups in the vectorized group table
 * (hashtable.c), initialise the state blocks of new groups, gather one state
 * pointer per row, then call cn_agg_update (raw input) or cn_agg_merge
 * (partial states) once per aggregate. Group keys live in the table's
 * rowstore (strings copied into the operator arena); state blocks live in
 * arena chunks of GCHUNK groups, so their addresses never move.
 *
 * Output, in group-creation order, batches of up to CN_BATCH_SIZE groups:
 * PARTIAL / PARTIAL_MERGE emit keys ++ the partial state columns of each
 * aggregate; FINAL / COMPLETE emit the result expressions evaluated over
 * keys ++ the final aggregate values (or that batch itself when there are no
 * result expressions). Without keys the aggregate is global: exactly one row,
 * even on empty input, in every mode (as Spark's
 * outputForEmptyGroupingKeyWithoutInput). NULL keys group together.
 * Memory is accounted on the task; spilling would go in agg_consume when the
 * budget is refused (not yet).
 */
#include "exec/hashtable.h"
#include "exec/operator.h"

#define GCHUNK_SHIFT 10
#define GCHUNK (1 << GCHUNK_SHIFT)

typedef struct hash_agg {
    cn_op op;
    cn_agg_mode mode;
    int nkeys;
    cn_expr **keys;
    cn_type *key_types;
    int naggs;
    cn_agg *aggs;
    cn_expr **agg_args;
    int nresult;
    cn_expr **result;
    int *offsets;     /* per agg: offset of its state in the group block */
    int *state_col0;  /* FINAL / PARTIAL_MERGE: first input column of each agg's states */
    int block;        /* bytes per group block */
    cn_group_table gt;
    char **chunks;
    int nchunks, chunk_cap;
    char *global_state;
    bool consumed;
    int64_t emit_pos;
    int64_t mem_accounted;
    cn_arena *batch_arena;
    cn_eval_ctx ctx;
    cn_batch out, inter;
} hash_agg;

static inline char *group_state(hash_agg *h, int64_t g)
{
    return h->chunks[g >> GCHUNK_SHIFT] + (size_t)(g & (GCHUNK - 1)) * (size_t)h->block;
}

static void ensure_chunks(hash_agg *h, int64_t ngroups)
{
    while ((int64_t)h->nchunks << GCHUNK_SHIFT < ngroups) {
        if (h->nchunks == h->chunk_cap) {
            h->chunk_cap = h->chunk_cap ? h->chunk_cap * 2 : 16;
            h->chunks = cn_xrealloc(h->chunks, sizeof(char *) * (size_t)h->chunk_cap);
        }
        h->chunks[h->nchunks++] = cn_arena_alloc(h->op.arena, (size_t)GCHUNK * (size_t)h->block);
    }
}

static void init_states(hash_agg *h, char **states, int n)
{
    for (int j = 0; j < h->naggs; j++) cn_agg_init(&h->aggs[j], states, h->offsets[j], n);
}

static void account(hash_agg *h)
{
    int64_t now = (h->nkeys ? cn_group_table_bytes(&h->gt) : 0) + (int64_t)h->nchunks * GCHUNK * h->block;
    exec_mem_account(h->op.task, now - h->mem_accounted);
    h->mem_accounted = now;
}

static int agg_consume_batch(hash_agg *h, cn_batch *b, cn_error *err)
{
    int n = cn_batch_live(b);
    if (n == 0) return 0;
    cn_arena_reset(h->batch_arena);
    char *states[CN_BATCH_SIZE];
    if (h->nkeys > 0) {
        const cn_vector *kv[h->nkeys];
        cn_vector *tmp = cn_arena_alloc(h->batch_arena, sizeof(cn_vector) * (size_t)h->nkeys);
        uint64_t hashes[CN_BATCH_SIZE];
        uint32_t gids[CN_BATCH_SIZE];
        for (int k = 0; k < h->nkeys; k++) {
            if (!(kv[k] = exec_key_vector(h->keys[k], b, &tmp[k], &h->ctx, err))) return -1;
            cn_hash_vector(kv[k], n, hashes, k == 0, h->gt.null_slot);
        }
        int64_t old = h->gt.ngroups;
        cn_group_table_lookup(&h->gt, kv, hashes, n, gids);
        int64_t ng = h->gt.ngroups;
        if (h->block > 0) {
            if (ng > old) {
                ensure_chunks(h, ng);
                int m = (int)(ng - old);
                for (int i = 0; i < m; i++) states[i] = group_state(h, old + i);
                init_states(h, states, m);
            }
            for (int i = 0; i < n; i++) states[i] = group_state(h, gids[i]);
        }
    } else {
        for (int i = 0; i < n; i++) states[i] = h->global_state;
    }
    bool merge = h->mode == AGG_FINAL || h->mode == AGG_PARTIAL_MERGE;
    for (int j = 0; j < h->naggs; j++) {
        const cn_agg *a = &h->aggs[j];
        if (!merge) {
            const cn_vector *arg = NULL;
            cn_vector tmp;
            if (h->agg_args && h->agg_args[j] && !a->is_star) {
                if (!(arg = exec_key_vector(h->agg_args[j], b, &tmp, &h->ctx, err))) return -1;
            }
            if (cn_agg_update(a, states, h->offsets[j], arg, n, h->op.arena, err) < 0) return -1;
        } else {
            cn_vector cols[3];
            for (int s = 0; s < a->nstate && s < 3; s++) {
                const cn_vector *src = &b->cols[h->state_col0[j] + s];
                if (!b->sel) {
                    cols[s] = *src;
                } else {
                    cn_vector_init(&cols[s], src->type, n, h->batch_arena);
                    cn_vector_gather(&cols[s], src, b->sel, n, NULL);
                }
            }
            if (cn_agg_merge(a, states, h->offsets[j], cols, n, h->op.arena, err) < 0) return -1;
        }
    }
    return 0;
}

static int agg_next(cn_op *op, cn_batch **out, cn_error *err)
{
    hash_agg *h = (hash_agg *)op;
    if (!h->consumed) {
        for (;;) {
            cn_batch *b;
            if (cn_op_next(op->children[0], &b, err) < 0) return -1;
            if (!b) break;
            if (agg_consume_batch(h, b, err) < 0) return -1;
            account(h);
        }
        h->consumed = true;
    }
    int64_t total = h->nkeys > 0 ? h->gt.ngroups : 1;
    if (h->emit_pos >= total) return 0;
    int m = (int)CN_MIN((int64_t)CN_BATCH_SIZE, total - h->emit_pos);
    cn_arena_reset(h->batch_arena);
    char *states[CN_BATCH_SIZE];
    if (h->nkeys > 0) {
        if (h->block > 0)
            for (int i = 0; i < m; i++) states[i] = group_state(h, h->emit_pos + i);
    } else {
        states[0] = h->global_state;
    }
    bool partial = h->mode == AGG_PARTIAL || h->mode == AGG_PARTIAL_MERGE;
    int ninter = h->nkeys;
    for (int j = 0; j < h->naggs; j++) ninter += partial ? h->aggs[j].nstate : 1;
    cn_batch *ib = &h->inter;
    ib->ncols = ninter;
    ib->count = m;
    ib->sel = NULL;
    ib->nsel = 0;
    ib->cols = cn_arena_calloc(h->batch_arena, sizeof(cn_vector) * (size_t)(ninter > 0 ? ninter : 1));
    for (int k = 0; k < h->nkeys; k++) {
        cn_vector_init(&ib->cols[k], h->key_types[k], m, h->batch_arena);
        cn_rowstore_slice(&h->gt.keys, k, h->emit_pos, m, &ib->cols[k], h->batch_arena);
    }
    int c = h->nkeys;
    for (int j = 0; j < h->naggs; j++) {
        const cn_agg *a = &h->aggs[j];
        if (partial) {
            for (int s = 0; s < a->nstate; s++) cn_vector_init(&ib->cols[c + s], a->state_types[s], m, h->batch_arena);
            cn_agg_emit_partial(a, states, h->offsets[j], m, &ib->cols[c], 0, h->batch_arena);
            c += a->nstate;
        } else {
            cn_vector_init(&ib->cols[c], a->out_type, m, h->batch_arena);
            if (cn_agg_finalize(a, states, h->offsets[j], m, &ib->cols[c], 0, h->batch_arena, err) < 0) return -1;
            c++;
        }
    }
    h->emit_pos += m;
    if (partial || h->nresult == 0) {
        *out = ib;
        return 0;
    }
    cn_batch *ob = &h->out;
    ob->ncols = h->nresult;
    ob->count = m;
    ob->sel = NULL;
    ob->nsel = 0;
    ob->cols = cn_arena_calloc(h->batch_arena, sizeof(cn_vector) * (size_t)h->nresult);
    for (int r = 0; r < h->nresult; r++) {
        const cn_vector *v = exec_key_vector(h->result[r], ib, &ob->cols[r], &h->ctx, err);
        if (!v) return -1;
        if (v != &ob->cols[r]) ob->cols[r] = *v;
    }
    *out = ob;
    return 0;
}

static void agg_close(cn_op *op)
{
    hash_agg *h = (hash_agg *)op;
    if (h->nkeys > 0) cn_group_table_free(&h->gt);
    free(h->chunks);
    h->chunks = NULL;
    exec_mem_account(op->task, -h->mem_accounted);
    h->mem_accounted = 0;
}

static const cn_op_vtable agg_vt = {"HashAggregate", agg_next, agg_close};

cn_op *cn_op_hash_agg(cn_task_ctx *t, cn_op *child, cn_agg_mode mode, int nkeys, cn_expr **keys, int naggs,
                      const cn_agg *aggs, cn_expr **agg_args, int nresult, cn_expr **result)
{
    bool partial = mode == AGG_PARTIAL || mode == AGG_PARTIAL_MERGE;
    int nout = nkeys;
    for (int j = 0; j < naggs; j++) nout += partial ? aggs[j].nstate : 1;
    if (!partial && nresult > 0) nout = nresult;
    cn_type types[nout > 0 ? nout : 1];
    int c = 0;
    if (!partial && nresult > 0) {
        for (int r = 0; r < nresult; r++) types[c++] = result[r]->type;
    } else {
        for (int k = 0; k < nkeys; k++) types[c++] = keys[k]->type;
        for (int j = 0; j < naggs; j++) {
            if (partial)
                for (int s = 0; s < aggs[j].nstate; s++) types[c++] = aggs[j].state_types[s];
            else
                types[c++] = aggs[j].out_type;
        }
    }
    hash_agg *h = (hash_agg *)cn_op_alloc(t, &agg_vt, sizeof(hash_agg), nout, types);
    cn_arena *a = h->op.arena;
    h->op.nchildren = 1;
    h->op.children[0] = child;
    h->mode = mode;
    h->nkeys = nkeys;
    h->keys = exec_copy_exprs(a, nkeys, keys);
    h->naggs = naggs;
    h->aggs = cn_arena_alloc(a, sizeof(cn_agg) * (size_t)(naggs > 0 ? naggs : 1));
    if (naggs > 0) memcpy(h->aggs, aggs, sizeof(cn_agg) * (size_t)naggs);
    h->agg_args = exec_copy_exprs(a, naggs, agg_args);
    h->nresult = partial ? 0 : nresult;
    h->result = exec_copy_exprs(a, nresult, result);
    h->offsets = cn_arena_alloc(a, sizeof(int) * (size_t)(naggs > 0 ? naggs : 1));
    h->state_col0 = cn_arena_alloc(a, sizeof(int) * (size_t)(naggs > 0 ? naggs : 1));
    int off = 0, col = nkeys;
    for (int j = 0; j < naggs; j++) {
        h->offsets[j] = off;
        off += (aggs[j].state_size + 7) & ~7;
        h->state_col0[j] = col;
        col += aggs[j].nstate;
    }
    h->block = off;
    h->key_types = cn_arena_alloc(a, sizeof(cn_type) * (size_t)(nkeys > 0 ? nkeys : 1));
    for (int k = 0; k < nkeys; k++) h->key_types[k] = keys[k]->type;
    h->batch_arena = cn_arena_new("HashAggregate.batch", a);
    h->ctx = exec_eval_ctx(t, h->batch_arena);
    if (nkeys > 0) {
        cn_group_table_init(&h->gt, nkeys, h->key_types, a);
        h->gt.null_slot = t && (cn_conf_test_reinject(t->conf) & CN_REINJECT_NULL_KEY_SLOT);
    } else {
        h->global_state = cn_arena_calloc(a, (size_t)(off > 0 ? off : 8));
        char *st = h->global_state;
        init_states(h, &st, 1);
    }
    return &h->op;
}
