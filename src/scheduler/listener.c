/*
 * listener.c — the listener bus, as Spark's LiveListenerBus but synchronous:
 * the driver thread that runs a job posts each event to every listener, in
 * registration order, before it goes on. Listeners must be quick (the
 * progress bar formats a line; the event log appends one).
 */
#include "scheduler/sched_internal.h"

void cn_bus_init(cn_listener_bus *b) { memset(b, 0, sizeof *b); }

void cn_bus_free(cn_listener_bus *b)
{
    free(b->l);
    memset(b, 0, sizeof *b);
}

void cn_bus_add(cn_listener_bus *b, cn_listener_fn fn, void *ud)
{
    if (!fn) return;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4;
        b->l = cn_xrealloc(b->l, (size_t)b->cap * sizeof *b->l);
    }
    b->l[b->n].fn = fn;
    b->l[b->n].ud = ud;
    b->n++;
}

void cn_bus_post(cn_listener_bus *b, cn_event *ev)
{
    if (!ev->time_ns) ev->time_ns = cn_now_ns();
    for (int i = 0; i < b->n; i++) b->l[i].fn(b->l[i].ud, ev);
}
