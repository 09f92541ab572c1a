/*
 * sched_internal.h — what the scheduler's files share: the listener bus, fault
 * injection rules, the task boundary (task header bytes, executor
 * environment, task result) and the worker pool.
 *
 * Reading order: dag.c (jobs and stages, the driver's event loop) uses
 * task_scheduler.c (the pool of worker threads and task launching) to run
 * task.c (one task: bytes in, operator tree, sink, result out) and posts
 * events through listener.c.
 */
#ifndef CN_SCHED_INTERNAL_H
#define CN_SCHED_INTERNAL_H

#include "base/codec.h"
#include "scheduler/scheduler.h"
#include "shuffle/shuffle.h"
#include "storage/broadcast.h"
#include "storage/cache.h"
#include "storage/memory.h"

#include <pthread.h>

/* ---------------------------------------------------------------- bus */

typedef struct cn_listener_bus {
    int n, cap;
    struct { cn_listener_fn fn; void *ud; } *l;
} cn_listener_bus;

void cn_bus_init(cn_listener_bus *b);
void cn_bus_free(cn_listener_bus *b);
void cn_bus_add(cn_listener_bus *b, cn_listener_fn fn, void *ud);
/* Deliver ev (time_ns filled if 0) to every listener, in registration order. */
void cn_bus_post(cn_listener_bus *b, cn_event *ev);

/* ----------------------------------------------------- fault injection */

/* cinder.test.faults: rules separated by ';' (see README.md). */
typedef enum { FAULT_TASK_FAIL, FAULT_TASK_SLEEP, FAULT_SHUFFLE_LOSE } cn_fault_kind;

typedef struct cn_fault {
    cn_fault_kind kind;
    int stage;      /* -1: any */
    int partition;  /* -1: any (SHUFFLE_LOSE: the map output to delete) */
    int attempts;   /* TASK_FAIL: fail attempts 0..attempts-1 */
    int ms;         /* TASK_SLEEP: per batch */
    char cls[64];   /* TASK_FAIL: error class to raise */
} cn_fault;

#define CN_MAX_FAULTS 8
typedef struct cn_faults {
    int n;
    cn_fault f[CN_MAX_FAULTS];
} cn_faults;

int cn_faults_parse(const char *spec, cn_faults *out, cn_error *err);

/* ------------------------------------------------------ task boundary */

typedef enum { SINK_RESULT = 0, SINK_SHUFFLE = 1, SINK_SAMPLE = 2, SINK_CACHE = 3 } cn_sink_kind;

/* The per-task header, serialized next to the stage's fragment bytes. */
typedef struct cn_task_header {
    int job_id, stage_id, stage_attempt;
    int partition, attempt;
    cn_sink_kind sink;
    int sample_size;       /* SINK_SAMPLE: rows kept per partition */
    int64_t cache_id;      /* SINK_CACHE */
    int64_t now_micros;    /* current_timestamp() of the query */
    /* Adaptive coalescing: when reduce_end > reduce_start, every shuffle read of the
     * task reads reduce partitions reduce_start..reduce_end-1 (in order) instead of
     * `partition`, which is then the index of the coalesced partition. */
    int reduce_start, reduce_end;
    /* SINK_RESULT: spark.driver.maxResultSize (0 unlimited). A task stops as soon as its
     * serialized rows pass it ([TOTAL_RESULT_SIZE_EXCEEDED]), instead of holding them all
     * for the driver to refuse; the driver also checks the total over the job's tasks. */
    int64_t max_result;
} cn_task_header;

/* A byte count as Spark prints it in messages: "512 B", "10.0 MiB". */
void cn_sched_bytes_string(int64_t n, char *buf, size_t cap);

void cn_task_header_write(cn_writer *w, const cn_task_header *h);
int cn_task_header_read(cn_reader *r, cn_task_header *h, cn_error *err);

/* What an executor offers tasks: where shuffle outputs, broadcasts and caches are. */
typedef struct cn_exec_env {
    const cn_conf *conf;
    const char *dir;                 /* the query's shuffle directory */
    cn_map_output_tracker *mot;
    cn_broadcast_store *broadcasts;
    cn_cache_store *caches;
    cn_memory_manager *mm;
    volatile int *kill;              /* non-zero: stop at the next batch */
    const cn_faults *faults;
} cn_exec_env;

/* A task's outcome, as the driver sees it. */
typedef struct cn_task_result {
    int status;              /* 0 ok, -1 failed */
    cn_error err;
    int fetch_failed;        /* shuffle id whose blocks could not be read, or -1 */
    cn_writer out;           /* RESULT / SAMPLE: serialized block frames */
    int64_t rows;            /* RESULT/SAMPLE/CACHE: rows produced (SAMPLE: rows seen) */
    bool has_status;
    cn_map_status ms;        /* SHUFFLE: the map status */
    cn_task_metrics metrics;
} cn_task_result;

/* Run one task: header + fragment bytes in, result out (res initialised here). */
void cn_task_run(const cn_exec_env *env, const void *hdr, size_t hdr_len, const void *frag, size_t frag_len,
                 cn_task_result *res);
void cn_task_result_free(cn_task_result *res);

/* Adaptive coalescing (dag.c): group adjacent reduce partitions of sizes[0..n) toward
 * target bytes as Spark's ShufflePartitionsUtil does; starts[] (n+1 entries) receives the
 * first partition of each group; returns the number of groups. */
int cn_sched_coalesce_groups(const int64_t *sizes, int n, int64_t target, int *starts);

/* Shared cache store of the process (caches outlive jobs and schedulers' jobs). */
cn_cache_store *cn_sched_cache_store(void);

/* ---------------------------------------------------------- worker pool */

typedef struct cn_pool cn_pool;
typedef struct cn_pool_item {
    void (*run)(struct cn_pool_item *it); /* runs on a worker thread */
    struct cn_pool_item *next;
} cn_pool_item;

cn_pool *cn_pool_new(int nthreads);
void cn_pool_free(cn_pool *p);        /* joins the threads; no items may be pending */
int cn_pool_threads(const cn_pool *p);
void cn_pool_submit(cn_pool *p, cn_pool_item *it);
/* Next finished item, waiting up to timeout_ms; NULL on timeout. */
cn_pool_item *cn_pool_wait(cn_pool *p, int timeout_ms);

#endif
