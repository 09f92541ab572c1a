/*
 * arena.c — memory contexts: chunked bump allocation, freed as a whole.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>

#define ARENA_CHUNK (64 * 1024)

typedef struct chunk {
    struct chunk *next;
    size_t size; /* usable bytes after header */
    size_t used;
} chunk;

struct cn_arena {
    const char *name;
    cn_arena *parent;
    cn_arena *first_child, *next_sibling;
    chunk *head; /* current chunk first */
    size_t bytes;
};

static chunk *chunk_new(size_t size)
{
    chunk *c = cn_xmalloc(sizeof(chunk) + size + 16);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

static inline char *chunk_base(chunk *c)
{
    uintptr_t p = (uintptr_t)(c + 1);
    return (char *)((p + 15) & ~(uintptr_t)15);
}

cn_arena *cn_arena_new(const char *name, cn_arena *parent)
{
    cn_arena *a = cn_xcalloc(1, sizeof(*a));
    a->name = name;
    a->parent = parent;
    if (parent) {
        a->next_sibling = parent->first_child;
        parent->first_child = a;
    }
    return a;
}

static void arena_free_children(cn_arena *a)
{
    cn_arena *c = a->first_child;
    while (c) {
        cn_arena *n = c->next_sibling;
        c->parent = NULL; /* do not unlink from us: we drop the whole list */
        cn_arena_free(c);
        c = n;
    }
    a->first_child = NULL;
}

static void arena_unlink(cn_arena *a)
{
    if (!a->parent) return;
    cn_arena **pp = &a->parent->first_child;
    while (*pp && *pp != a) pp = &(*pp)->next_sibling;
    if (*pp) *pp = a->next_sibling;
}

void cn_arena_free(cn_arena *a)
{
    if (!a) return;
    arena_free_children(a);
    arena_unlink(a);
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void cn_arena_reset(cn_arena *a)
{
    arena_free_children(a);
    chunk *keep = NULL;
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        if (!keep && c->size == ARENA_CHUNK) keep = c;
        else free(c);
        c = n;
    }
    a->head = keep;
    a->bytes = 0;
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
        a->bytes = keep->size;
    }
}

void *cn_arena_alloc(cn_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    chunk *c = a->head;
    if (c && c->used + n <= c->size) {
        void *p = chunk_base(c) + c->used;
        c->used += n;
        return p;
    }
    if (n > ARENA_CHUNK / 4) {
        /* big allocation: own chunk, linked behind the current one */
        chunk *big = chunk_new(n);
        big->used = n;
        a->bytes += n;
        if (c) {
            big->next = c->next;
            c->next = big;
        } else {
            a->head = big;
        }
        return chunk_base(big);
    }
    chunk *nc = chunk_new(ARENA_CHUNK);
    nc->next = a->head;
    a->head = nc;
    a->bytes += ARENA_CHUNK;
    nc->used = n;
    return chunk_base(nc);
}

void *cn_arena_calloc(cn_arena *a, size_t n)
{
    void *p = cn_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *cn_arena_strndup(cn_arena *a, const char *s, size_t n)
{
    char *p = cn_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *cn_arena_strdup(cn_arena *a, const char *s) { return cn_arena_strndup(a, s, strlen(s)); }

void *cn_arena_memdup(cn_arena *a, const void *src, size_t n)
{
    void *p = cn_arena_alloc(a, n);
    if (n) memcpy(p, src, n);
    return p;
}

char *cn_arena_printf(cn_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = cn_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

size_t cn_arena_bytes(const cn_arena *a) { return a->bytes; }
