/*
 * hash.h — hashing.
 *
 * Spark's Murmur3_x86_32 (seed 42 for hash() and HashPartitioning): hashInt,
 * hashLong and hashUnsafeBytes with Spark's tail handling (each trailing byte
 * mixed as its own int), so that hash() in SQL and the partitioner agree with
 * Spark. cn_hash64 is a fast 64-bit hash for in-memory hash tables.
 */
#ifndef CN_HASH_H
#define CN_HASH_H

#include "base/base.h"

uint32_t cn_murmur3_int(int32_t v, uint32_t seed);
uint32_t cn_murmur3_long(int64_t v, uint32_t seed);
uint32_t cn_murmur3_bytes(const void *p, size_t n, uint32_t seed);

static inline uint64_t cn_hash64_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}
uint64_t cn_hash64_bytes(const void *p, size_t n, uint64_t seed);
static inline uint64_t cn_hash_combine(uint64_t h, uint64_t v) { return cn_hash64_u64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2))); }

#endif
