/*
 * task_scheduler.c — the executor cores of local mode: a pool of worker
 * threads, created once per scheduler (session) and reused by every job.
 *
 * The driver (dag.c) offers at most one task per free core, as Spark's
 * TaskSchedulerImpl offers resources to task sets, so the work queue never
 * holds more than the pool has threads. A worker pops an item, runs it (a
 * task: bytes in, result out) and pushes it onto the completion queue; the
 * driver waits on that queue with a timeout so it can also poll for
 * cancellation and tick the progress bar. Task-set bookkeeping — attempts,
 * retries up to spark.task.maxFailures, fetch failures — is driven by the
 * completions in dag.c. cn_pool_free() stops and joins every thread: no
 * thread outlives its scheduler.
 */
#include "scheduler/sched_internal.h"

#include <errno.h>
#include <time.h>

/* Stack of each task thread (virtual memory, committed only as it is used). */
#define CN_TASK_STACK_BYTES ((size_t)64 << 20)

struct cn_pool {
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    cn_pool_item *work_head, *work_tail;
    cn_pool_item *done_head, *done_tail;
    bool stop;
    int nthreads;
    pthread_t *threads;
};

static void push(cn_pool_item **head, cn_pool_item **tail, cn_pool_item *it)
{
    it->next = NULL;
    if (*tail) (*tail)->next = it;
    else *head = it;
    *tail = it;
}

static cn_pool_item *pop(cn_pool_item **head, cn_pool_item **tail)
{
    cn_pool_item *it = *head;
    if (it) {
        *head = it->next;
        if (!*head) *tail = NULL;
        it->next = NULL;
    }
    return it;
}

static void *worker_main(void *arg)
{
    cn_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->work_head) pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->stop && !p->work_head) break;
        cn_pool_item *it = pop(&p->work_head, &p->work_tail);
        pthread_mutex_unlock(&p->mu);
        it->run(it);
        pthread_mutex_lock(&p->mu);
        push(&p->done_head, &p->done_tail, it);
        pthread_cond_signal(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

cn_pool *cn_pool_new(int nthreads)
{
    if (nthreads < 1) nthreads = 1;
    cn_pool *p = cn_xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    p->threads = cn_xcalloc((size_t)nthreads, sizeof(pthread_t));
    /* a task walks its plan fragment and expressions recursively (decoding, building
     * operators, evaluation): a stack of its own size, not the platform's default, sized
     * for trees of a few times CN_MAX_TREE_DEPTH (base.h) with ASan's larger frames */
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setstacksize(&ta, CN_TASK_STACK_BYTES);
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&p->threads[i], &ta, worker_main, p) != 0) break;
        p->nthreads++;
    }
    pthread_attr_destroy(&ta);
    if (p->nthreads == 0) {
        /* could not start any thread: fall back to running items on the caller (cn_pool_wait) */
    }
    return p;
}

void cn_pool_free(cn_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    free(p->threads);
    free(p);
}

int cn_pool_threads(const cn_pool *p) { return p->nthreads > 0 ? p->nthreads : 1; }

void cn_pool_submit(cn_pool *p, cn_pool_item *it)
{
    pthread_mutex_lock(&p->mu);
    push(&p->work_head, &p->work_tail, it);
    pthread_cond_signal(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
}

cn_pool_item *cn_pool_wait(cn_pool *p, int timeout_ms)
{
    pthread_mutex_lock(&p->mu);
    if (p->nthreads == 0 && p->work_head) {
        /* no worker threads: run inline */
        cn_pool_item *it = pop(&p->work_head, &p->work_tail);
        pthread_mutex_unlock(&p->mu);
        it->run(it);
        return it;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (!p->done_head) {
        int rc = pthread_cond_timedwait(&p->done_cv, &p->mu, &ts);
        if (rc == ETIMEDOUT) break;
    }
    cn_pool_item *it = pop(&p->done_head, &p->done_tail);
    pthread_mutex_unlock(&p->mu);
    return it;
}
