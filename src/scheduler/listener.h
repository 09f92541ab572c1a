/*
 * listener.h — scheduler events, as Spark's SparkListener bus.
 *
 * The scheduler posts an event for every job, stage and task start and end,
 * with metrics. The progress bar, the event log and (later) the UI are
 * listeners; none of them reaches into scheduler internals. Listeners are
 * called on the scheduler's thread; they must be quick.
 */
#ifndef CN_LISTENER_H
#define CN_LISTENER_H

#include "base/base.h"

typedef enum {
    EV_JOB_START, EV_JOB_END, EV_STAGE_SUBMITTED, EV_STAGE_COMPLETED, EV_TASK_START, EV_TASK_END,
    EV_TICK               /* posted about every 100 ms while a job runs (progress bar redraws) */
} cn_event_type;

typedef struct cn_task_metrics {
    int64_t rows_in, rows_out, bytes_in;
    int64_t shuffle_write_bytes, shuffle_write_records;
    int64_t shuffle_read_bytes, shuffle_read_records;
    int64_t peak_memory;
    uint64_t run_ns;
} cn_task_metrics;

typedef struct cn_event {
    cn_event_type type;
    int job_id, stage_id, stage_attempt;
    int num_tasks;        /* STAGE_*: tasks in the stage */
    int task_partition;   /* TASK_* */
    int task_attempt;
    bool failed;          /* *_END */
    const char *error;    /* *_END when failed */
    const char *name;     /* stage or job description */
    cn_task_metrics metrics; /* TASK_END; STAGE_COMPLETED: sums */
    uint64_t time_ns;
} cn_event;

typedef void (*cn_listener_fn)(void *ud, const cn_event *ev);

#endif
