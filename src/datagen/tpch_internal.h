/*
 * tpch_internal.h — shared pieces of the TPC-H generator (tpch.c, tpch_text.c):
 * the seeded random stream, the fixed value domains and the text pool.
 */
#ifndef CN_DATAGEN_TPCH_INTERNAL_H
#define CN_DATAGEN_TPCH_INTERNAL_H

#include "base/base.h"

/* splitmix64: one 64-bit state per (table, chunk) stream. */
typedef struct {
    uint64_t s;
} cn_tpch_rng;

static inline uint64_t cn_tpch_next(cn_tpch_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Fixed salt of every stream, chosen so that at SF 0.01 all 22 queries have
 * non-trivial answers (e.g. Q8 a non-zero market share, Q20 some rows). */
#ifndef CN_TPCH_SEED_SALT
#define CN_TPCH_SEED_SALT 4
#endif

static inline void cn_tpch_rng_seed(cn_tpch_rng *r, uint64_t stream, uint64_t chunk)
{
    r->s = (stream + CN_TPCH_SEED_SALT * 7919u) * 0x100000001B3ull ^ (chunk + 1) * 0xD6E8FEB86659FD93ull;
    cn_tpch_next(r);
}

/* Uniform integer in [lo, hi]. */
static inline int64_t cn_tpch_rand(cn_tpch_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(((unsigned __int128)cn_tpch_next(r) * span) >> 64);
}

#define CN_TPCH_NCOLORS 92

typedef struct {
    const char *name;
    int region;
} cn_tpch_nation;

extern const char *const CN_TPCH_COLORS[CN_TPCH_NCOLORS];
extern const cn_tpch_nation CN_TPCH_NATIONS[25];
extern const char *const CN_TPCH_REGIONS[5];
extern const char *const CN_TPCH_SEGMENTS[5];
extern const char *const CN_TPCH_PRIORITIES[5];
extern const char *const CN_TPCH_SHIPMODES[7];
extern const char *const CN_TPCH_INSTRUCTS[4];
extern const char *const CN_TPCH_TYPE1[6];
extern const char *const CN_TPCH_TYPE2[5];
extern const char *const CN_TPCH_TYPE3[5];
extern const char *const CN_TPCH_CONT1[5];
extern const char *const CN_TPCH_CONT2[8];

/* A malloc'd NUL-terminated pool of `size` bytes of grammar text (fixed seed). */
char *cn_tpch_text_pool(size_t size);

#endif
