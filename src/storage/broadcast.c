/*
 * broadcast.c — broadcast relations: serialized once on the driver, decoded
 * once per process, shared read-only by every task.
 *
 * A cn_broadcast keeps its rows as a buffer of consecutive block frames. The
 * first task that asks decodes them all into the broadcast's arena under the
 * broadcast's mutex; an acquire/release flag makes later calls lock-free. The
 * derived table (a join's hash table) is built the same way, exactly once,
 * with a thread-local pointer exposing the broadcast's arena to the build
 * callback. The store is a small id-indexed list under a mutex.
 */
#include "storage/broadcast.h"
#include "storage/id_store.h"

#include <pthread.h>

struct cn_broadcast {
    int id;
    int ncols;
    cn_type *types;
    cn_codec_kind codec;
    cn_writer frames;   /* consecutive frames */
    int64_t rows;
    pthread_mutex_t mu;  /* decoding */
    pthread_mutex_t tmu; /* building the table (separate: the build reads the batches) */
    int decoded;        /* atomic: 1 once batches are ready */
    cn_arena *arena;    /* decoded batches and the table */
    int nbatches;
    cn_batch **batches;
    int table_ready;    /* atomic */
    void *table;
    void (*table_free)(void *);
};

static __thread cn_arena *tl_build_arena;

cn_broadcast *cn_broadcast_new(int id, int ncols, const cn_type *types, cn_codec_kind codec)
{
    cn_broadcast *bc = cn_xcalloc(1, sizeof *bc);
    bc->id = id;
    bc->ncols = ncols;
    bc->types = cn_xmalloc(sizeof(cn_type) * (size_t)(ncols > 0 ? ncols : 1));
    if (ncols > 0) memcpy(bc->types, types, sizeof(cn_type) * (size_t)ncols);
    bc->codec = codec;
    cn_writer_init(&bc->frames);
    pthread_mutex_init(&bc->mu, NULL);
    pthread_mutex_init(&bc->tmu, NULL);
    bc->arena = cn_arena_new("broadcast", NULL);
    return bc;
}

int cn_broadcast_add_batch(cn_broadcast *bc, const cn_batch *b, cn_error *err)
{
    if (b->ncols != bc->ncols)
        return cn_error_set(err, "INTERNAL_ERROR", "message", "broadcast: column count mismatch", NULL);
    int n = cn_batch_live(b);
    if (n == 0) return 0;
    if (cn_block_encode(b, bc->codec, &bc->frames, err)) return -1;
    bc->rows += n;
    return 0;
}

int cn_broadcast_add_frames(cn_broadcast *bc, const void *frames, size_t len, cn_error *err)
{
    /* Validate every frame (decoding it in a scratch arena) before accepting the bytes. */
    cn_arena *tmp = cn_arena_new("broadcast-check", NULL);
    const uint8_t *p = frames;
    size_t off = 0;
    int64_t rows = 0;
    int rc = 0;
    while (off < len) {
        cn_batch *b;
        size_t used;
        if (cn_block_decode(p + off, len - off, tmp, &b, &used, err)) { rc = -1; break; }
        if (b->ncols != bc->ncols) {
            rc = cn_error_set(err, "INTERNAL_ERROR", "message", "broadcast: column count mismatch", NULL);
            break;
        }
        rows += b->count;
        off += used;
        cn_arena_reset(tmp);
    }
    cn_arena_free(tmp);
    if (rc) return rc;
    cn_put_raw(&bc->frames, frames, len);
    bc->rows += rows;
    return 0;
}

void cn_broadcast_free(cn_broadcast *bc)
{
    if (!bc) return;
    if (bc->table && bc->table_free) bc->table_free(bc->table);
    cn_arena_free(bc->arena);
    cn_writer_free(&bc->frames);
    pthread_mutex_destroy(&bc->mu);
    pthread_mutex_destroy(&bc->tmu);
    free(bc->types);
    free(bc);
}

int cn_broadcast_id(const cn_broadcast *bc) { return bc->id; }
int64_t cn_broadcast_rows(const cn_broadcast *bc) { return bc->rows; }
int64_t cn_broadcast_stored_bytes(const cn_broadcast *bc) { return (int64_t)bc->frames.len; }

static int decode_locked(cn_broadcast *bc, cn_error *err)
{
    CN_VEC(cn_batch *) v = {0};
    size_t off = 0;
    while (off < bc->frames.len) {
        cn_batch *b;
        size_t used;
        if (cn_block_decode(bc->frames.buf + off, bc->frames.len - off, bc->arena, &b, &used, err)) {
            cn_vec_free(v);
            return -1;
        }
        off += used;
        if (b->count > 0) cn_vec_push(v, b);
    }
    bc->nbatches = v.n;
    bc->batches = cn_arena_alloc(bc->arena, sizeof(cn_batch *) * (size_t)(v.n ? v.n : 1));
    if (v.n) memcpy(bc->batches, v.v, sizeof(cn_batch *) * (size_t)v.n);
    cn_vec_free(v);
    __atomic_store_n(&bc->decoded, 1, __ATOMIC_RELEASE);
    return 0;
}

int cn_broadcast_batches(cn_broadcast *bc, int *n, cn_batch ***batches, cn_error *err)
{
    if (!__atomic_load_n(&bc->decoded, __ATOMIC_ACQUIRE)) {
        pthread_mutex_lock(&bc->mu);
        int rc = bc->decoded ? 0 : decode_locked(bc, err);
        pthread_mutex_unlock(&bc->mu);
        if (rc) return rc;
    }
    *n = bc->nbatches;
    *batches = bc->batches;
    return 0;
}

typedef struct {
    cn_broadcast *bc;
    int i;
} bc_iter;

static int bc_next(void *state, cn_batch **out, cn_error *err)
{
    bc_iter *it = state;
    (void)err;
    *out = it->i < it->bc->nbatches ? it->bc->batches[it->i++] : NULL;
    return 0;
}

static void bc_close(void *state) { (void)state; }

int cn_broadcast_open(cn_broadcast *bc, cn_arena *a, cn_batch_source *it, cn_error *err)
{
    int n;
    cn_batch **bs;
    if (cn_broadcast_batches(bc, &n, &bs, err)) return -1;
    bc_iter *st = cn_arena_calloc(a, sizeof *st);
    st->bc = bc;
    it->next = bc_next;
    it->close = bc_close;
    it->state = st;
    return 0;
}

void *cn_broadcast_get_table(cn_broadcast *bc, void *(*build)(void *arg, cn_error *err), void *arg,
                             void (*free_fn)(void *table), cn_error *err)
{
    if (__atomic_load_n(&bc->table_ready, __ATOMIC_ACQUIRE)) return bc->table;
    int nb;
    cn_batch **bs;
    if (cn_broadcast_batches(bc, &nb, &bs, err)) return NULL; /* decode outside the table lock */
    pthread_mutex_lock(&bc->tmu);
    void *t = bc->table;
    if (!bc->table_ready) {
        cn_arena *saved = tl_build_arena;
        tl_build_arena = bc->arena;
        t = build(arg, err);
        tl_build_arena = saved;
        if (t) {
            bc->table = t;
            bc->table_free = free_fn;
            __atomic_store_n(&bc->table_ready, 1, __ATOMIC_RELEASE);
        } else if (!err->set) {
            cn_error_set(err, "INTERNAL_ERROR", "message", "broadcast table build failed", NULL);
        }
    }
    pthread_mutex_unlock(&bc->tmu);
    return t;
}

cn_arena *cn_broadcast_build_arena(void) { return tl_build_arena; }

/* ---- store ---- */

struct cn_broadcast_store {
    cn_id_store s;
};

static void broadcast_free_item(void *item) { cn_broadcast_free(item); }

cn_broadcast_store *cn_broadcast_store_new(void)
{
    cn_broadcast_store *s = cn_xcalloc(1, sizeof *s);
    cn_id_store_init(&s->s, broadcast_free_item);
    return s;
}

void cn_broadcast_store_free(cn_broadcast_store *s)
{
    if (!s) return;
    cn_id_store_destroy(&s->s);
    free(s);
}

void cn_broadcast_store_put(cn_broadcast_store *s, cn_broadcast *bc) { cn_id_store_put(&s->s, bc->id, bc); }
cn_broadcast *cn_broadcast_store_get(cn_broadcast_store *s, int id) { return cn_id_store_get(&s->s, id); }
void cn_broadcast_store_remove(cn_broadcast_store *s, int id) { cn_id_store_remove(&s->s, id); }
