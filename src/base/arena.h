/*
 * arena.h — memory contexts.
 *
 * A cn_arena is a bump allocator that is freed (or reset) as a whole, in the
 * manner of PostgreSQL's memory contexts. There is one per query, per task
 * and per operator; operators reset a per-batch arena instead of freeing
 * individual allocations. Arenas are not thread-safe: one owner at a time.
 * Children are freed with their parent. Large allocations (> 1/4 chunk) get
 * their own chunk, so cn_arena_alloc never wastes more than that.
 */
#ifndef CN_ARENA_H
#define CN_ARENA_H

#include "base/base.h"

typedef struct cn_arena cn_arena;

/* New arena named `name` (static string), child of `parent` (may be NULL). */
cn_arena *cn_arena_new(const char *name, cn_arena *parent);
/* Free everything allocated from the arena and its children, and the arena. */
void cn_arena_free(cn_arena *a);
/* Forget all allocations, keep the first chunk for reuse; children are freed. */
void cn_arena_reset(cn_arena *a);

/* 16-byte aligned, uninitialised. Never returns NULL (aborts on OOM). */
void *cn_arena_alloc(cn_arena *a, size_t n);
void *cn_arena_calloc(cn_arena *a, size_t n);
char *cn_arena_strdup(cn_arena *a, const char *s);
char *cn_arena_strndup(cn_arena *a, const char *s, size_t n);
void *cn_arena_memdup(cn_arena *a, const void *p, size_t n);
/* printf into the arena. */
char *cn_arena_printf(cn_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bytes currently held by this arena (chunks), excluding children. */
size_t cn_arena_bytes(const cn_arena *a);

#endif
