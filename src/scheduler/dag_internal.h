/*
 * dag_internal.h — what the DAGScheduler (dag.c) and adaptive execution
 * (adaptive.c, adaptive_join.c, runtime_filter.c) share: the scheduler, query,
 * job and stage structures and the few dag.c functions adaptive execution
 * calls to plan and run stages.
 */
#ifndef CN_DAG_INTERNAL_H
#define CN_DAG_INTERNAL_H

#include "scheduler/sched_internal.h"

struct cn_scheduler {
    int nthreads;
    cn_pool *pool;
    cn_listener_bus bus;
    cn_memory_manager *mm;
    volatile int kill;          /* 1: user cancel, 2: job aborting */
    volatile int active;        /* a query is running */
    int next_job, next_stage, next_shuffle, next_broadcast;
    cn_job_stats last;
};

/* -------------------------------------------------------- structures */

typedef enum { ST_MAP, ST_RESULT, ST_SAMPLE } stage_kind;
typedef enum { S_WAITING, S_RUNNING, S_DONE } stage_state;

typedef struct stage stage;
struct stage {
    int id;
    stage_kind kind;
    cn_pplan *frag;           /* MAP/SAMPLE: the exchange node (copy) */
    int nparts;
    int nparents;
    stage **parents;
    stage *sample_of;         /* SAMPLE: the map stage whose bounds it computes */
    stage_state state;
    int attempt;              /* current attempt, -1 before the first */
    int fetch_failures;
    bool *done, *queued;
    int *failures, *attempts, *running;
    int ndone;
    const uint8_t *frag_bytes;
    size_t frag_len;
    cn_writer *outs;          /* RESULT/SAMPLE: per partition */
    int *rstart;              /* coalesced (AQE): partition p reads reduce partitions
                                 rstart[p]..rstart[p+1]-1 of every shuffle read; NULL = p alone */
    int64_t *rows;
    cn_task_metrics sum;
    uint64_t submitted_ns;
};

typedef struct query {
    cn_scheduler *s;
    const cn_conf *conf;
    cn_arena *arena;
    char *dir;
    cn_map_output_tracker *mot;
    cn_broadcast_store *bstore;
    cn_faults faults;
    bool lose_done[CN_MAX_FAULTS];
    cn_exec_env env;
    int64_t now_micros;
    int max_failures;
    int64_t max_result;
    bool coalesce;            /* spark.sql.adaptive.enabled && ...coalescePartitions.enabled */
    int64_t advisory_bytes, min_part_bytes;
    int64_t aqe_broadcast;    /* adaptive join conversion: broadcast a side of at most this
                               * many bytes (-1: never; adaptive execution off: -1) */
    int64_t shj_local_map;    /* ...maxShuffledHashJoinLocalMapThreshold (0: off) */
    bool runtime_filter;      /* cinder.sql.adaptive.runtimeFilter.enabled */
    cn_job_stats stats;
} query;

typedef struct pending { stage *st; int part; } pending;

typedef struct job {
    query *q;
    int id;
    CN_VEC(stage *) stages;
    stage *final;
    cn_sink_kind sink;
    int64_t cache_id;
    CN_VEC(pending) queue;
    int running;
    int64_t result_bytes;
    bool failed;
    cn_error err;
} job;

typedef CN_VEC(stage *) stage_vec;

/* ---- dag.c ---- */
/* What the ancestors of a node in its fragment need of its output (cn_dag_rewrite's `need`):
 * FREE_PART: nothing relies on its partitioning, so adaptive execution may change it;
 * KEEP_ORDER: a sort-merge join above relies on its sort order (the planner left out a Sort). */
enum { CN_RW_FREE_PART = 1, CN_RW_KEEP_ORDER = 2 };
/* Rewrite p for a fragment: exchanges become shuffle reads (their map stages appended to
 * deps), broadcasts run. */
cn_pplan *cn_dag_rewrite(job *j, const cn_pplan *p, stage_vec *deps, int need, cn_error *err);
cn_pplan *cn_dag_copy_node(query *q, const cn_pplan *p);
/* Run exchange x's map stage (and its parents) as a job of its own (Spark's submitMapStage);
 * its stages join j's, so a later fetch failure can recompute them. */
stage *cn_dag_run_map_stage(job *j, const cn_pplan *x, cn_error *err);
/* An empty broadcast of x's output columns, with a fresh id. */
cn_broadcast *cn_dag_broadcast_new(query *q, const cn_pplan *x);
/* Publish bc in the query's broadcast store; the PP_BROADCAST_READ leaf standing for x. */
cn_pplan *cn_dag_broadcast_read(query *q, cn_broadcast *bc, const cn_pplan *x);
/* A PP_SHUFFLE_READ leaf over map stage ms, standing where exchange x was. */
cn_pplan *cn_dag_shuffle_read(query *q, const cn_pplan *x, const stage *ms);
void cn_dag_stage_alloc_parts(cn_arena *a, stage *st);
/* Map stage ms (done) lost outputs (files gone; if none is missing, all are suspect):
 * unregister them and run ms again for those partitions, parents first. */
int cn_dag_recompute_map_stage(job *j, stage *ms, cn_error *err);

#define CN_STAGE_MAX_ATTEMPTS 4 /* spark.stage.maxConsecutiveAttempts */

/* ---- adaptive.c, adaptive_join.c ---- */
/* Before a stage's first attempt: coalesce its shuffle partitions (Spark's
 * CoalesceShufflePartitions). */
int cn_aqe_coalesce_stage(job *j, stage *st, cn_error *err);
/* Before a range exchange's sampling stage runs: is its input too small to need bounds? */
bool cn_aqe_skip_sampling(job *j, const stage *sample);
/* A sort-merge join over two shuffles, planned with runtime statistics: its sides run as
 * map stages first and a side that turns out under the broadcast threshold is broadcast
 * (Spark's AQE join conversion). Returns the rewritten node; *handled = false when the
 * join is not a candidate (the caller rewrites it as usual). */
cn_pplan *cn_aqe_join(job *j, const cn_pplan *smj, stage_vec *deps, int need, bool *handled, cn_error *err);

/* ---- runtime_filter.c ---- */
/* `stream`, the side of `join` opposite `build`, with LEFT SEMI joins against the broadcast
 * (leaf bleaf, built from the plan bsrc) at the scans its key columns come from — when the
 * join does not preserve that side and the broadcast is selective. */
const cn_pplan *cn_rf_filter(query *q, const cn_pplan *join, int build, const cn_pplan *stream,
                             const cn_pplan *bleaf, const cn_pplan *bsrc);
/* A broadcast join planned as one, its broadcast already run (bleaf, a PP_BROADCAST_READ, from
 * the plan bsrc): the streamed side `stream`, with runtime semi-join filters at its scans
 * when they apply. */
const cn_pplan *cn_aqe_filter_stream(query *q, const cn_pplan *bhj, const cn_pplan *bleaf, const cn_pplan *bsrc,
                                     const cn_pplan *stream);

#endif
