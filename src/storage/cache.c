/*
 * cache.c — cached relations (MEMORY_ONLY) as plain columnar batches.
 *
 * Each partition owns an arena and a list of dense batches of up to
 * CN_BATCH_SIZE rows; appends fill the last batch before starting a new one
 * (cn_batch_append_rows: one type switch per column). The arena's growth is
 * charged to the memory manager's storage pool as it happens, so the size
 * reported for statistics is what the cache really holds. Appends to
 * different partitions run concurrently (each partition has one writer);
 * totals are atomics. Readers walk a partition's batch list read-only.
 */
#include "storage/cache.h"
#include "storage/id_store.h"

#include <pthread.h>
#include <stdio.h>

typedef struct cache_part {
    cn_arena *arena;
    CN_VEC(cn_batch *) batches;
    int64_t rows;
    int64_t charged; /* bytes charged to the memory manager */
    bool done;
} cache_part;

struct cn_cache {
    int64_t id;
    int nparts, ncols;
    cn_type *types;
    cn_memory_manager *mm;
    cache_part *parts;
    int64_t bytes, rows; /* atomics */
    int ndone;           /* atomic */
};

cn_cache *cn_cache_new(int64_t id, int nparts, int ncols, const cn_type *types, cn_memory_manager *mm)
{
    cn_cache *c = cn_xcalloc(1, sizeof *c);
    c->id = id;
    c->nparts = nparts;
    c->ncols = ncols;
    c->types = cn_xmalloc(sizeof(cn_type) * (size_t)(ncols > 0 ? ncols : 1));
    if (ncols > 0) memcpy(c->types, types, sizeof(cn_type) * (size_t)ncols);
    c->mm = mm;
    c->parts = cn_xcalloc((size_t)(nparts > 0 ? nparts : 1), sizeof(cache_part));
    return c;
}

static void part_clear(cn_cache *c, cache_part *p)
{
    if (p->arena) cn_arena_free(p->arena);
    p->arena = NULL;
    cn_vec_free(p->batches);
    if (c->mm && p->charged) cn_mm_release_storage(c->mm, p->charged);
    __atomic_sub_fetch(&c->bytes, p->charged, __ATOMIC_RELAXED);
    __atomic_sub_fetch(&c->rows, p->rows, __ATOMIC_RELAXED);
    p->charged = 0;
    p->rows = 0;
    if (p->done) __atomic_sub_fetch(&c->ndone, 1, __ATOMIC_RELAXED);
    p->done = false;
}

void cn_cache_free(cn_cache *c)
{
    if (!c) return;
    for (int i = 0; i < c->nparts; i++) part_clear(c, &c->parts[i]);
    free(c->parts);
    free(c->types);
    free(c);
}

static int charge(cn_cache *c, cache_part *p, cn_error *err)
{
    int64_t now = (int64_t)cn_arena_bytes(p->arena);
    int64_t delta = now - p->charged;
    if (delta <= 0) return 0;
    if (c->mm && !cn_mm_acquire_storage(c->mm, delta)) {
        char msg[160];
        snprintf(msg, sizeof msg, "not enough storage memory to cache partition (%lld bytes requested)",
                 (long long)delta);
        return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
    }
    p->charged = now;
    __atomic_add_fetch(&c->bytes, delta, __ATOMIC_RELAXED);
    return 0;
}

int cn_cache_append(cn_cache *c, int part, const cn_batch *b, cn_error *err)
{
    if (part < 0 || part >= c->nparts || b->ncols != c->ncols)
        return cn_error_set(err, "INTERNAL_ERROR", "message", "cache: bad partition or column count", NULL);
    cache_part *p = &c->parts[part];
    if (!p->arena) p->arena = cn_arena_new("cache", NULL);
    int n = cn_batch_live(b), done = 0;
    while (done < n) {
        cn_batch *tail = p->batches.n ? p->batches.v[p->batches.n - 1] : NULL;
        if (!tail || tail->count == CN_BATCH_SIZE) {
            tail = cn_batch_new(p->arena, c->ncols, c->types, CN_BATCH_SIZE);
            tail->count = 0;
            cn_vec_push(p->batches, tail);
        }
        int k = CN_MIN(n - done, CN_BATCH_SIZE - tail->count);
        const uint16_t *rows = b->sel ? b->sel + done : NULL;
        uint16_t idx[CN_BATCH_SIZE];
        if (!rows && done > 0) {
            for (int i = 0; i < k; i++) idx[i] = (uint16_t)(done + i);
            rows = idx;
        }
        cn_batch_append_rows(tail, b, rows, k, p->arena);
        done += k;
    }
    p->rows += n;
    __atomic_add_fetch(&c->rows, n, __ATOMIC_RELAXED);
    return charge(c, p, err);
}

void cn_cache_reset_partition(cn_cache *c, int part)
{
    if (part >= 0 && part < c->nparts) part_clear(c, &c->parts[part]);
}

void cn_cache_finish_partition(cn_cache *c, int part)
{
    if (part < 0 || part >= c->nparts || c->parts[part].done) return;
    c->parts[part].done = true;
    __atomic_add_fetch(&c->ndone, 1, __ATOMIC_RELEASE);
}

bool cn_cache_is_complete(const cn_cache *c) { return __atomic_load_n(&c->ndone, __ATOMIC_ACQUIRE) == c->nparts; }
int64_t cn_cache_id(const cn_cache *c) { return c->id; }
int cn_cache_nparts(const cn_cache *c) { return c->nparts; }
int cn_cache_ncols(const cn_cache *c) { return c->ncols; }
const cn_type *cn_cache_types(const cn_cache *c) { return c->types; }
int64_t cn_cache_bytes(const cn_cache *c) { return __atomic_load_n(&c->bytes, __ATOMIC_RELAXED); }
int64_t cn_cache_rows(const cn_cache *c) { return __atomic_load_n(&c->rows, __ATOMIC_RELAXED); }
int64_t cn_cache_partition_rows(const cn_cache *c, int part)
{
    return part >= 0 && part < c->nparts ? c->parts[part].rows : 0;
}

typedef struct {
    cache_part *p;
    int i;
} cache_iter;

static int cache_next(void *state, cn_batch **out, cn_error *err)
{
    cache_iter *it = state;
    (void)err;
    *out = NULL;
    while (it->i < it->p->batches.n) {
        cn_batch *b = it->p->batches.v[it->i++];
        if (b->count > 0) { *out = b; break; }
    }
    return 0;
}

static void cache_close(void *state) { (void)state; }

int cn_cache_open(cn_cache *c, int part, cn_arena *a, cn_batch_source *it, cn_error *err)
{
    if (part < 0 || part >= c->nparts)
        return cn_error_set(err, "INTERNAL_ERROR", "message", "cache: partition out of range", NULL);
    cache_iter *st = cn_arena_calloc(a, sizeof *st);
    st->p = &c->parts[part];
    it->next = cache_next;
    it->close = cache_close;
    it->state = st;
    return 0;
}

/* ---- store ---- */

struct cn_cache_store {
    cn_id_store s;
};

static void cache_free_item(void *item) { cn_cache_free(item); }

cn_cache_store *cn_cache_store_new(void)
{
    cn_cache_store *s = cn_xcalloc(1, sizeof *s);
    cn_id_store_init(&s->s, cache_free_item);
    return s;
}

void cn_cache_store_free(cn_cache_store *s)
{
    if (!s) return;
    cn_id_store_destroy(&s->s);
    free(s);
}

void cn_cache_store_put(cn_cache_store *s, cn_cache *c) { cn_id_store_put(&s->s, c->id, c); }
cn_cache *cn_cache_store_get(cn_cache_store *s, int64_t id) { return cn_id_store_get(&s->s, id); }
void cn_cache_store_remove(cn_cache_store *s, int64_t id) { cn_id_store_remove(&s->s, id); }

static void add_bytes(void *ud, void *item) { *(int64_t *)ud += cn_cache_bytes(item); }

int64_t cn_cache_store_bytes(cn_cache_store *s)
{
    int64_t t = 0;
    cn_id_store_each(&s->s, add_bytes, &t);
    return t;
}
