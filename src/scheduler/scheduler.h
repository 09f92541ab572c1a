/*
 * scheduler.h — the driver's public scheduling API: run a physical plan as a
 * job and collect its result, materialize a cached relation, cancel, listen.
 *
 * cn_scheduler_collect() cuts the plan at every PP_EXCHANGE into stages
 * (DAGScheduler, dag.c), runs each PP_BROADCAST_EXCHANGE's child as its own
 * job first, and runs the stages parents-first as task sets on a pool of
 * `nthreads` worker threads (TaskScheduler, task_scheduler.c). Each task is
 * shipped as bytes (task.c: serialized fragment + partition + ids) and runs
 * the exec/ operator tree. Failed tasks are retried up to
 * spark.task.maxFailures; a fetch failure resubmits the parent stage. The job
 * fails with the first task error, keeping its Spark error class.
 *
 * Per query: shuffle files live in a directory under spark.local.dir and are
 * deleted, and broadcasts freed, when the job ends (success or failure).
 *
 * Thread-safety: one job at a time per scheduler (a session runs statements
 * serially); cn_scheduler_cancel() may be called from any thread or a signal
 * handler.
 */
#ifndef CN_SCHEDULER_H
#define CN_SCHEDULER_H

#include "base/arena.h"
#include "base/config.h"
#include "base/error.h"
#include "plan/physical.h"
#include "scheduler/listener.h"
#include "types/vector.h"

typedef struct cn_scheduler cn_scheduler;

/* A scheduler with a pool of nthreads worker threads (local[N]), created once and
 * reused by every job; nthreads < 1 means 1. conf is read at creation only for
 * defaults; each job takes the session conf it is given. */
cn_scheduler *cn_scheduler_new(const cn_conf *conf, int nthreads, cn_error *err);
/* Joins the worker threads and frees everything (no job may be running). */
void cn_scheduler_free(cn_scheduler *s);

/* Listeners are called on the driver thread (the one running the job), in
 * registration order, for every event (listener.h). */
void cn_scheduler_add_listener(cn_scheduler *s, cn_listener_fn fn, void *ud);

/* Run the job of `root` and return its rows: *batches holds *nbatches dense
 * batches (no selection vectors, >= 1 row each) in partition order, allocated
 * in out_arena. The total result size is bounded by spark.driver.maxResultSize
 * ([TOTAL_RESULT_SIZE_EXCEEDED]). `root` may be modified (range bounds, ids
 * of shuffle/broadcast reads): plan it for one job. */
int cn_scheduler_collect(cn_scheduler *s, const cn_conf *conf, cn_pplan *root, cn_arena *out_arena,
                         cn_batch ***batches, int *nbatches, cn_error *err);

/* CACHE TABLE: run the job of `root` and keep each partition's batches in
 * memory. *cache_out is an opaque cached relation (plug it into cn_view.cache
 * with cn_view.cache_free = cn_scheduler_cache_free); a PP_CACHE_SCAN whose
 * `cache` is this handle reads it back (cols select columns of the cached
 * relation). *bytes_out is its size in memory, *nparts_out its partitions. */
int cn_scheduler_cache(cn_scheduler *s, const cn_conf *conf, cn_pplan *root, void **cache_out, int64_t *bytes_out,
                       int *nparts_out, cn_error *err);
void cn_scheduler_cache_free(void *cache);

/* Stop the running job (async-signal-safe: sets a flag). Running tasks stop at
 * their next batch with [OPERATION_CANCELED]; the job fails with it; the
 * scheduler stays usable for the next job. No-op when idle. */
void cn_scheduler_cancel(cn_scheduler *s);

/* Statistics of the last finished job (for tests and EXPLAIN ANALYZE-like output). */
typedef struct cn_job_stats {
    int job_id;
    int stages_run;        /* stage attempts, resubmissions included */
    int tasks_run;         /* task attempts, retries included */
    int tasks_failed;
    int stage_resubmits;   /* fetch-failure resubmissions */
    int broadcasts;
    uint64_t time_ns;
} cn_job_stats;
void cn_scheduler_last_stats(cn_scheduler *s, cn_job_stats *out);

/* ---- console progress bar (progress.c) ---- */
/* Spark's ConsoleProgressBar on stderr: "[Stage 3:=====>   (12 + 2) / 40]",
 * redrawn at most every 100 ms once a stage has run 500 ms, only when stderr is
 * a terminal; cleared when the stage ends. Register with
 * cn_scheduler_add_listener(s, cn_progress_listener, bar). */
typedef struct cn_progress cn_progress;
cn_progress *cn_progress_new(void);
void cn_progress_free(cn_progress *p);
void cn_progress_listener(void *ud, const cn_event *ev);

#endif
