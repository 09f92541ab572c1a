/*
 * cache.h — cached relations (CACHE TABLE, storage level MEMORY_ONLY).
 *
 * A cn_cache holds a relation's rows per partition as plain columnar batches
 * (dense copies of the live rows, CN_BATCH_SIZE rows each) in the cache's own
 * arenas — decoded columns are the fastest thing to scan. Tasks fill
 * different partitions concurrently (cn_cache_append); once complete
 * (cn_cache_finish) any number of tasks read partitions concurrently through
 * a cn_batch_source. Memory is accounted as storage memory with the unified
 * memory manager when one is given; a refused grant fails the append with
 * [INTERNAL_ERROR] and the caller may fall back to not caching (Spark would
 * recompute partitions that do not fit). cn_cache_bytes reports the size for
 * the planner's statistics and the broadcast threshold. The store maps cache
 * ids to caches and frees them on UNCACHE.
 */
#ifndef CN_CACHE_H
#define CN_CACHE_H

#include "storage/block.h"
#include "storage/memory.h"

typedef struct cn_cache cn_cache;

/* mm may be NULL (no accounting). types are copied. */
cn_cache *cn_cache_new(int64_t id, int nparts, int ncols, const cn_type *types, cn_memory_manager *mm);
void cn_cache_free(cn_cache *c);

/* Copy the live rows of b into partition part. Thread-safe across different partitions;
 * one writer per partition at a time. */
int cn_cache_append(cn_cache *c, int part, const cn_batch *b, cn_error *err);
/* Drop what partition part holds (a failed task's partial output before its retry). */
void cn_cache_reset_partition(cn_cache *c, int part);
/* Mark partition part complete; the cache is complete when every partition is. */
void cn_cache_finish_partition(cn_cache *c, int part);
bool cn_cache_is_complete(const cn_cache *c);

int64_t cn_cache_id(const cn_cache *c);
int cn_cache_nparts(const cn_cache *c);
int cn_cache_ncols(const cn_cache *c);
const cn_type *cn_cache_types(const cn_cache *c);
int64_t cn_cache_bytes(const cn_cache *c);   /* memory held, all partitions */
int64_t cn_cache_rows(const cn_cache *c);
int64_t cn_cache_partition_rows(const cn_cache *c, int part);

/* Iterate partition part (read-only batches shared with other readers); state in arena a. */
int cn_cache_open(cn_cache *c, int part, cn_arena *a, cn_batch_source *it, cn_error *err);

/* The store: caches by id, thread-safe. */
typedef struct cn_cache_store cn_cache_store;
cn_cache_store *cn_cache_store_new(void);
void cn_cache_store_free(cn_cache_store *s); /* frees every cache */
void cn_cache_store_put(cn_cache_store *s, cn_cache *c); /* replaces (frees) one with the same id */
cn_cache *cn_cache_store_get(cn_cache_store *s, int64_t id);
void cn_cache_store_remove(cn_cache_store *s, int64_t id); /* UNCACHE */
int64_t cn_cache_store_bytes(cn_cache_store *s);

#endif
