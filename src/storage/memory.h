/*
 * memory.h — the unified memory manager of an executor, as Spark's
 * UnifiedMemoryManager.
 *
 * Usable memory = (spark.executor.memory - 300 MiB reserved) *
 * spark.memory.fraction (0.6); when the executor memory is small (< 600 MiB)
 * the reservation shrinks to half of it, so tests with tiny budgets work.
 * It is split into an execution pool (hash tables, sort buffers, shuffle
 * buffers) and a storage pool (cached blocks, broadcasts), the storage
 * region being spark.memory.storageFraction (0.5) of it. The boundary is
 * soft: each pool borrows the other's free memory; execution may take back
 * memory that storage borrowed beyond its region by evicting cached blocks
 * through an evictor callback (LRU is the cache store's business).
 *
 * Execution requests may be granted partially: cn_mm_acquire_execution
 * returns the bytes granted (0 = refused) and operators spill when they get
 * less than they asked for. Storage requests are all-or-nothing. Refusals
 * are counted for metrics and EXPLAIN. All functions are thread-safe.
 */
#ifndef CN_MEMORY_H
#define CN_MEMORY_H

#include "base/config.h"

typedef struct cn_memory_manager cn_memory_manager;

/* Evict storage blocks to free (at least) `bytes`; returns the bytes of storage
 * memory freed. The manager itself subtracts the returned amount from the
 * storage pool, so the evictor must NOT call cn_mm_release_storage for them.
 * Called without the manager's lock held. */
typedef int64_t (*cn_mm_evict_fn)(void *ud, int64_t bytes);

/* Explicit sizes: usable bytes for both pools and the storage region within it. */
cn_memory_manager *cn_memory_manager_new(int64_t usable_bytes, int64_t storage_region_bytes);
/* From spark.executor.memory, spark.memory.fraction, spark.memory.storageFraction. */
cn_memory_manager *cn_memory_manager_from_conf(const cn_conf *c);
void cn_memory_manager_free(cn_memory_manager *m);

void cn_mm_set_evictor(cn_memory_manager *m, cn_mm_evict_fn fn, void *ud);

/* Grant up to `bytes` of execution memory; returns the bytes granted (0..bytes). */
int64_t cn_mm_acquire_execution(cn_memory_manager *m, int64_t bytes);
void cn_mm_release_execution(cn_memory_manager *m, int64_t bytes);
/* All-or-nothing storage grant (does not evict other blocks). */
bool cn_mm_acquire_storage(cn_memory_manager *m, int64_t bytes);
void cn_mm_release_storage(cn_memory_manager *m, int64_t bytes);

typedef struct cn_mm_stats {
    int64_t usable, storage_region;
    int64_t execution_used, storage_used;
    int64_t execution_peak, storage_peak;
    int64_t execution_refusals, storage_refusals; /* requests granted less than asked */
    int64_t evicted_bytes;
} cn_mm_stats;
void cn_mm_stats_get(cn_memory_manager *m, cn_mm_stats *out);

#endif
