/*
 * base.h — common includes and small macros used by every layer.
 *
 * Growable arrays: CN_VEC(T) declares {T *v; int n, cap;}; cn_vec_push appends
 * (malloc-backed: use for driver-side structures, not per-row work).
 */
#ifndef CN_BASE_H
#define CN_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CN_LIKELY(x) __builtin_expect(!!(x), 1)
#define CN_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CN_ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define CN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CN_MAX(a, b) ((a) > (b) ? (a) : (b))
#define CN_UNUSED(x) ((void)(x))

/* Rows per batch everywhere in the engine. */
#define CN_BATCH_SIZE 2048

/* The deepest tree a statement may make, counted in nodes along one path: syntax tree
 * (checked after parsing), and logical plan with its expressions and subquery plans
 * (checked after analysis, views included, and after optimization). Every recursive
 * walker (analyzer, optimizer rules, planner, EXPLAIN, plan and expression codecs,
 * evaluation) is sized for trees of a small multiple of it on an 8 MB stack, ASan
 * included; deeper input is Spark's [FAILED_TO_PARSE_TOO_COMPLEX] before any walker
 * runs. It admits 600 AND-ed predicates, 130-way joins and 120 nested subqueries
 * (tests/unit/test_depth.c), and rejects 20,000-term `1+1+...` chains. */
#define CN_MAX_TREE_DEPTH 1000

/* The most partitions a shuffle or a file scan may have. Tasks and shuffle files keep
 * arrays per partition, so spark.sql.shuffle.partitions above it is [INVALID_CONF_VALUE],
 * and a scan whose splits (spark.sql.files.maxPartitionBytes) would pass it reads larger
 * splits instead. */
#define CN_MAX_PARTITIONS 100000

/* Growable array of T, malloc-backed. */
#define CN_VEC(T) struct { T *v; int n, cap; }
#define cn_vec_push(vec, x)                                                     \
    do {                                                                        \
        if ((vec).n == (vec).cap) {                                             \
            (vec).cap = (vec).cap ? (vec).cap * 2 : 8;                          \
            (vec).v = cn_xrealloc((vec).v, (size_t)(vec).cap * sizeof(*(vec).v)); \
        }                                                                       \
        (vec).v[(vec).n++] = (x);                                               \
    } while (0)
#define cn_vec_free(vec) do { free((vec).v); (vec).v = NULL; (vec).n = (vec).cap = 0; } while (0)

/* malloc wrappers: out of memory is the one condition that aborts. */
void *cn_xmalloc(size_t n);
void *cn_xcalloc(size_t n, size_t sz);
void *cn_xrealloc(void *p, size_t n);
char *cn_xstrdup(const char *s);
char *cn_xstrndup(const char *s, size_t n);

/* Monotonic clock in nanoseconds. */
uint64_t cn_now_ns(void);

#endif
