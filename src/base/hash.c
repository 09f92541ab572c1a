/*
 * hash.c — Spark's Murmur3_x86_32 and a fast 64-bit byte hash.
 *
 * The Murmur3 functions reproduce Spark's org.apache.spark.unsafe.hash.
 * Murmur3_x86_32: hashInt mixes one 32-bit word and finalizes with length 4;
 * hashLong mixes the low word then the high word and finalizes with length 8;
 * hashUnsafeBytes mixes 4-byte little-endian words, then each trailing byte
 * as its own sign-extended int (Spark's legacy tail, kept by hash() and
 * HashPartitioning), and finalizes with the byte length. Arithmetic is on
 * uint32_t so it wraps exactly as Java's int does.
 *
 * cn_hash64_bytes is a simple, fast 64-bit hash for in-memory hash tables
 * (8-byte words through a multiply-xorshift mix); it has no compatibility
 * requirement.
 */
#include "base/hash.h"

#define C1 0xcc9e2d51u
#define C2 0x1b873593u

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static inline uint32_t mix_k1(uint32_t k1)
{
    k1 *= C1;
    k1 = rotl32(k1, 15);
    return k1 * C2;
}

static inline uint32_t mix_h1(uint32_t h1, uint32_t k1)
{
    h1 ^= k1;
    h1 = rotl32(h1, 13);
    return h1 * 5 + 0xe6546b64u;
}

static inline uint32_t fmix(uint32_t h1, uint32_t len)
{
    h1 ^= len;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    h1 ^= h1 >> 16;
    return h1;
}

uint32_t cn_murmur3_int(int32_t v, uint32_t seed)
{
    return fmix(mix_h1(seed, mix_k1((uint32_t)v)), 4);
}

uint32_t cn_murmur3_long(int64_t v, uint32_t seed)
{
    uint64_t u = (uint64_t)v;
    uint32_t h1 = mix_h1(seed, mix_k1((uint32_t)u));
    h1 = mix_h1(h1, mix_k1((uint32_t)(u >> 32)));
    return fmix(h1, 8);
}

uint32_t cn_murmur3_bytes(const void *p, size_t n, uint32_t seed)
{
    const uint8_t *b = p;
    size_t aligned = n - n % 4;
    uint32_t h1 = seed;
    for (size_t i = 0; i < aligned; i += 4) {
        uint32_t w = (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 | (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24;
        h1 = mix_h1(h1, mix_k1(w));
    }
    for (size_t i = aligned; i < n; i++) h1 = mix_h1(h1, mix_k1((uint32_t)(int32_t)(int8_t)b[i]));
    return fmix(h1, (uint32_t)n);
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t cn_hash64_bytes(const void *p, size_t n, uint64_t seed)
{
    const uint8_t *b = p;
    const uint64_t m = 0x9e3779b97f4a7c15ULL;
    uint64_t h = seed ^ (n * m);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint64_t a = load64(b + i) * 0xff51afd7ed558ccdULL, c = load64(b + i + 8) * 0xc4ceb9fe1a85ec53ULL;
        h = (h ^ (a ^ (a >> 29))) * m;
        h = (h ^ (c ^ (c >> 31))) * 0xff51afd7ed558ccdULL;
        h = (h << 27) | (h >> 37);
    }
    if (i + 8 <= n) {
        uint64_t a = load64(b + i) * 0xff51afd7ed558ccdULL;
        h = (h ^ (a ^ (a >> 29))) * m;
        i += 8;
    }
    if (i < n) {
        uint64_t t = 0;
        memcpy(&t, b + i, n - i);
        t *= 0xc4ceb9fe1a85ec53ULL;
        h = (h ^ (t ^ (t >> 31))) * m;
    }
    return cn_hash64_u64(h);
}
