/*
 * memory.c — the unified memory manager (execution + storage pools).
 *
 * One mutex guards the counters. Execution requests take free memory first;
 * if that is short and storage has borrowed beyond its region, the evictor
 * callback (the cache store's LRU) is asked to free the difference, outside
 * the lock, and the request is retried once. Grants may be partial;
 * storage grants are all-or-nothing. Spark's sizing: usable =
 * (executor memory - reserved) * spark.memory.fraction, with the 300 MiB
 * reservation shrunk to half the memory for small executors.
 */
#include "storage/memory.h"

#include <pthread.h>
#include <stdlib.h>

struct cn_memory_manager {
    pthread_mutex_t mu;
    int64_t usable, storage_region;
    int64_t exec_used, storage_used, exec_peak, storage_peak;
    int64_t exec_refusals, storage_refusals, evicted;
    cn_mm_evict_fn evict;
    void *evict_ud;
};

cn_memory_manager *cn_memory_manager_new(int64_t usable_bytes, int64_t storage_region_bytes)
{
    cn_memory_manager *m = cn_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    m->usable = usable_bytes > 0 ? usable_bytes : 0;
    m->storage_region = CN_MAX(0, CN_MIN(storage_region_bytes, m->usable));
    return m;
}

static double conf_fraction(const cn_conf *c, const char *key, double dflt)
{
    const char *s = c ? cn_conf_get(c, key) : NULL;
    if (!s || !*s) return dflt;
    char *end;
    double v = strtod(s, &end);
    if (*end || v <= 0 || v > 1) return dflt;
    return v;
}

cn_memory_manager *cn_memory_manager_from_conf(const cn_conf *c)
{
    /* local mode runs tasks in the driver: spark.driver.memory sizes it when set, as in Spark */
    const char *master = c ? cn_conf_get(c, "spark.master") : NULL;
    bool local = !master || strncmp(master, "local", 5) == 0;
    const char *key = local && cn_conf_is_set(c, "spark.driver.memory") ? "spark.driver.memory" : "spark.executor.memory";
    int64_t total = c ? cn_conf_get_int(c, key) : (int64_t)1 << 30;
    if (total <= 0) total = (int64_t)1 << 30;
    int64_t reserved = CN_MIN((int64_t)300 << 20, total / 2);
    double frac = conf_fraction(c, "spark.memory.fraction", 0.6);
    double sfrac = conf_fraction(c, "spark.memory.storageFraction", 0.5);
    int64_t usable = (int64_t)((double)(total - reserved) * frac);
    return cn_memory_manager_new(usable, (int64_t)((double)usable * sfrac));
}

void cn_memory_manager_free(cn_memory_manager *m)
{
    if (!m) return;
    pthread_mutex_destroy(&m->mu);
    free(m);
}

void cn_mm_set_evictor(cn_memory_manager *m, cn_mm_evict_fn fn, void *ud)
{
    pthread_mutex_lock(&m->mu);
    m->evict = fn;
    m->evict_ud = ud;
    pthread_mutex_unlock(&m->mu);
}

int64_t cn_mm_acquire_execution(cn_memory_manager *m, int64_t bytes)
{
    if (bytes <= 0) return 0;
    pthread_mutex_lock(&m->mu);
    int64_t free_b = m->usable - m->exec_used - m->storage_used;
    if (free_b < bytes && m->evict) {
        int64_t reclaimable = m->storage_used - m->storage_region;
        int64_t want = CN_MIN(bytes - CN_MAX(free_b, 0), reclaimable);
        if (want > 0) {
            cn_mm_evict_fn fn = m->evict;
            void *ud = m->evict_ud;
            pthread_mutex_unlock(&m->mu);
            int64_t got = fn(ud, want);
            pthread_mutex_lock(&m->mu);
            if (got > 0) {
                got = CN_MIN(got, m->storage_used);
                m->storage_used -= got;
                m->evicted += got;
            }
            free_b = m->usable - m->exec_used - m->storage_used;
        }
    }
    int64_t grant = CN_MAX(0, CN_MIN(bytes, free_b));
    if (grant < bytes) m->exec_refusals++;
    m->exec_used += grant;
    if (m->exec_used > m->exec_peak) m->exec_peak = m->exec_used;
    pthread_mutex_unlock(&m->mu);
    return grant;
}

void cn_mm_release_execution(cn_memory_manager *m, int64_t bytes)
{
    pthread_mutex_lock(&m->mu);
    m->exec_used -= CN_MIN(bytes, m->exec_used);
    pthread_mutex_unlock(&m->mu);
}

bool cn_mm_acquire_storage(cn_memory_manager *m, int64_t bytes)
{
    if (bytes <= 0) return true;
    pthread_mutex_lock(&m->mu);
    bool ok = m->usable - m->exec_used - m->storage_used >= bytes;
    if (ok) {
        m->storage_used += bytes;
        if (m->storage_used > m->storage_peak) m->storage_peak = m->storage_used;
    } else {
        m->storage_refusals++;
    }
    pthread_mutex_unlock(&m->mu);
    return ok;
}

void cn_mm_release_storage(cn_memory_manager *m, int64_t bytes)
{
    pthread_mutex_lock(&m->mu);
    m->storage_used -= CN_MIN(bytes, m->storage_used);
    pthread_mutex_unlock(&m->mu);
}

void cn_mm_stats_get(cn_memory_manager *m, cn_mm_stats *o)
{
    pthread_mutex_lock(&m->mu);
    o->usable = m->usable;
    o->storage_region = m->storage_region;
    o->execution_used = m->exec_used;
    o->storage_used = m->storage_used;
    o->execution_peak = m->exec_peak;
    o->storage_peak = m->storage_peak;
    o->execution_refusals = m->exec_refusals;
    o->storage_refusals = m->storage_refusals;
    o->evicted_bytes = m->evicted;
    pthread_mutex_unlock(&m->mu);
}
