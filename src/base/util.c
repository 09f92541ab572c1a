/*
 * util.c — malloc wrappers and the monotonic clock.
 */
#include "base/base.h"

#include <stdio.h>
#include <time.h>

static void oom(size_t n)
{
    fprintf(stderr, "cinder: out of memory allocating %zu bytes\n", n);
    abort();
}

void *cn_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *cn_xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) oom(n * sz);
    return p;
}

void *cn_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *cn_xstrndup(const char *s, size_t n)
{
    char *p = cn_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *cn_xstrdup(const char *s) { return cn_xstrndup(s, strlen(s)); }

uint64_t cn_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
