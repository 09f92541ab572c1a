/*
 * partitioner.c — reduce partition ids for the live rows of a batch:
 * Spark's HashPartitioning (Murmur3, seed 42, pmod), RangePartitioning
 * (binary search over sorted boundary rows), SinglePartition and
 * RoundRobinPartitioning.
 *
 * cn_spark_hash_vector folds one column into running per-row hashes exactly
 * as Spark's Murmur3Hash expression does: ints, dates, shorts, bytes and
 * booleans (0/1) through hashInt; longs, timestamps, day-time intervals and
 * decimals of up to 18 digits (unscaled) through hashLong; floats and doubles
 * by their IEEE bits with -0.0 taken as 0.0 (NaN canonical, as Java's
 * floatToIntBits / doubleToLongBits); wider decimals through hashUnsafeBytes
 * of the unscaled value's minimal big-endian two's-complement bytes
 * (BigInteger.toByteArray); strings through hashUnsafeBytes of their UTF-8
 * bytes. A NULL leaves the running hash unchanged. The type switch is once
 * per column; the loops are per row.
 */
#include "shuffle/shuffle.h"

#include "base/hash.h"

/* BigInteger.toByteArray of a 128-bit value: minimal big-endian two's complement. */
static int i128_to_bytes(__int128 v, uint8_t out[16])
{
    unsigned __int128 u = (unsigned __int128)v;
    for (int i = 15; i >= 0; i--) {
        out[i] = (uint8_t)u;
        u >>= 8;
    }
    int start = 0;
    while (start < 15 && ((out[start] == 0x00 && !(out[start + 1] & 0x80)) ||
                          (out[start] == 0xff && (out[start + 1] & 0x80))))
        start++;
    if (start) memmove(out, out + start, (size_t)(16 - start));
    return 16 - start;
}

void cn_spark_hash_vector(const cn_vector *v, int n, uint32_t *h)
{
    const uint64_t *val = v->validity;
#define VALID(i) (!val || (val[(i) >> 6] >> ((i) & 63)) & 1)
    switch ((cn_kind)v->type.kind) {
    case CN_NULL: return;
    case CN_BOOLEAN: {
        const uint8_t *d = v->data;
        for (int i = 0; i < n; i++)
            if (VALID(i)) h[i] = cn_murmur3_int(d[i] ? 1 : 0, h[i]);
        return;
    }
    case CN_TINYINT: {
        const int8_t *d = v->data;
        for (int i = 0; i < n; i++)
            if (VALID(i)) h[i] = cn_murmur3_int(d[i], h[i]);
        return;
    }
    case CN_SMALLINT: {
        const int16_t *d = v->data;
        for (int i = 0; i < n; i++)
            if (VALID(i)) h[i] = cn_murmur3_int(d[i], h[i]);
        return;
    }
    case CN_INT:
    case CN_DATE:
    case CN_INTERVAL_YM: {
        const int32_t *d = v->data;
        for (int i = 0; i < n; i++)
            if (VALID(i)) h[i] = cn_murmur3_int(d[i], h[i]);
        return;
    }
    case CN_BIGINT:
    case CN_TIMESTAMP:
    case CN_TIMESTAMP_NTZ:
    case CN_INTERVAL_DT: {
        const int64_t *d = v->data;
        for (int i = 0; i < n; i++)
            if (VALID(i)) h[i] = cn_murmur3_long(d[i], h[i]);
        return;
    }
    case CN_FLOAT: {
        const float *d = v->data;
        for (int i = 0; i < n; i++) {
            if (!VALID(i)) continue;
            float f = d[i];
            int32_t bits;
            if (f == 0.0f) bits = 0;
            else if (f != f) bits = 0x7fc00000;
            else memcpy(&bits, &f, 4);
            h[i] = cn_murmur3_int(bits, h[i]);
        }
        return;
    }
    case CN_DOUBLE: {
        const double *d = v->data;
        for (int i = 0; i < n; i++) {
            if (!VALID(i)) continue;
            double f = d[i];
            int64_t bits;
            if (f == 0.0) bits = 0;
            else if (f != f) bits = 0x7ff8000000000000LL;
            else memcpy(&bits, &f, 8);
            h[i] = cn_murmur3_long(bits, h[i]);
        }
        return;
    }
    case CN_DECIMAL:
        if (v->type.precision <= CN_DECIMAL64_MAX_PRECISION) {
            const int64_t *d = v->data;
            for (int i = 0; i < n; i++)
                if (VALID(i)) h[i] = cn_murmur3_long(d[i], h[i]);
        } else {
            const __int128 *d = v->data;
            uint8_t buf[16];
            for (int i = 0; i < n; i++) {
                if (!VALID(i)) continue;
                int len = i128_to_bytes(d[i], buf);
                h[i] = cn_murmur3_bytes(buf, (size_t)len, h[i]);
            }
        }
        return;
    case CN_STRING: {
        const cn_str *d = v->data;
        for (int i = 0; i < n; i++)
            if (VALID(i)) h[i] = cn_murmur3_bytes(cn_str_data(&d[i]), d[i].len, h[i]);
        return;
    }
    default: return;
    }
#undef VALID
}

void cn_partitioner_single(cn_partitioner *p)
{
    memset(p, 0, sizeof *p);
    p->kind = CN_PARTITIONER_SINGLE;
    p->n = 1;
}

void cn_partitioner_hash(cn_partitioner *p, int n)
{
    memset(p, 0, sizeof *p);
    p->kind = CN_PARTITIONER_HASH;
    p->n = n;
}

void cn_partitioner_range(cn_partitioner *p, int n, int nkeys, const bool *desc, const bool *nulls_first,
                          int nbounds, cn_value **bounds)
{
    memset(p, 0, sizeof *p);
    p->kind = CN_PARTITIONER_RANGE;
    p->n = n;
    p->nkeys = nkeys;
    p->desc = desc;
    p->nulls_first = nulls_first;
    p->nbounds = nbounds;
    p->bounds = bounds;
}

void cn_partitioner_round_robin(cn_partitioner *p, int n, int map_partition)
{
    memset(p, 0, sizeof *p);
    p->kind = CN_PARTITIONER_ROUND_ROBIN;
    p->n = n;
    /* a per-task start position, so tasks do not all begin at partition 0 */
    p->rr_next = n > 0 ? (int64_t)(cn_murmur3_int(map_partition, CN_SPARK_HASH_SEED) % (uint32_t)n) : 0;
}

static inline int cmp_dbl(double a, double b)
{
    bool an = a != a, bn = b != b;
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : a > b;
}

/* Compare key row i of column v with bound value x (both non-NULL), ascending. */
static int cmp_key_value(const cn_vector *v, int i, const cn_value *x)
{
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: { int a = ((const uint8_t *)v->data)[i], b = x->v.b ? 1 : 0; if (v->type.kind != CN_BOOLEAN) b = (int)x->v.i; return a < b ? -1 : a > b; }
    case CN_PHYS_I8: { int64_t a = ((const int8_t *)v->data)[i]; return a < x->v.i ? -1 : a > x->v.i; }
    case CN_PHYS_I16: { int64_t a = ((const int16_t *)v->data)[i]; return a < x->v.i ? -1 : a > x->v.i; }
    case CN_PHYS_I32: { int64_t a = ((const int32_t *)v->data)[i]; return a < x->v.i ? -1 : a > x->v.i; }
    case CN_PHYS_I64: { int64_t a = ((const int64_t *)v->data)[i]; return a < x->v.i ? -1 : a > x->v.i; }
    case CN_PHYS_I128: {
        __int128 a = ((const __int128 *)v->data)[i];
        __int128 b = x->type.kind == CN_DECIMAL && x->type.precision <= CN_DECIMAL64_MAX_PRECISION ? (__int128)x->v.i : x->v.d;
        return a < b ? -1 : a > b;
    }
    case CN_PHYS_F32: return cmp_dbl(((const float *)v->data)[i], x->v.f);
    case CN_PHYS_F64: return cmp_dbl(((const double *)v->data)[i], x->v.f);
    case CN_PHYS_STR: return cn_str_cmp(&((const cn_str *)v->data)[i], &x->v.s);
    }
    return 0;
}

/* Order of key row i against bound row b under the partitioner's sort orders. */
static int cmp_row_bound(const cn_partitioner *p, int nkeys, const cn_vector *keys, int i, cn_value *const *brow)
{
    for (int k = 0; k < nkeys; k++) {
        bool desc = p->desc && p->desc[k];
        bool nf = p->nulls_first ? p->nulls_first[k] : !desc;
        bool an = !cn_vec_valid(&keys[k], i), bn = brow[0][k].is_null;
        int c;
        if (an || bn) {
            if (an && bn) continue;
            c = an ? (nf ? -1 : 1) : (nf ? 1 : -1);
            return c;
        }
        c = cmp_key_value(&keys[k], i, &brow[0][k]);
        if (c) return desc ? -c : c;
    }
    return 0;
}

int cn_partitioner_compute(cn_partitioner *p, int nrows, int nkeys, const cn_vector *keys, int32_t *pids,
                           cn_error *err)
{
    if (p->n < 1) return cn_error_set(err, "INTERNAL_ERROR", "message", "partitioner with no partitions", NULL);
    switch (p->kind) {
    case CN_PARTITIONER_SINGLE:
        memset(pids, 0, sizeof(int32_t) * (size_t)nrows);
        return 0;
    case CN_PARTITIONER_ROUND_ROBIN:
        for (int i = 0; i < nrows; i++) {
            pids[i] = (int32_t)(p->rr_next % p->n);
            p->rr_next++;
        }
        return 0;
    case CN_PARTITIONER_HASH: {
        uint32_t stack[CN_BATCH_SIZE];
        uint32_t *h = nrows <= CN_BATCH_SIZE ? stack : cn_xmalloc(sizeof(uint32_t) * (size_t)nrows);
        for (int i = 0; i < nrows; i++) h[i] = CN_SPARK_HASH_SEED;
        for (int k = 0; k < nkeys; k++) cn_spark_hash_vector(&keys[k], nrows, h);
        for (int i = 0; i < nrows; i++) {
            int32_t m = (int32_t)h[i] % p->n;
            pids[i] = m < 0 ? m + p->n : m;
        }
        if (h != stack) free(h);
        return 0;
    }
    case CN_PARTITIONER_RANGE: {
        int nb = CN_MIN(p->nbounds, p->n - 1);
        int nk = CN_MIN(nkeys, p->nkeys);
        for (int i = 0; i < nrows; i++) {
            /* number of bounds strictly less than the row */
            int lo = 0, hi = nb;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (cmp_row_bound(p, nk, keys, i, &p->bounds[mid]) > 0) lo = mid + 1;
                else hi = mid;
            }
            pids[i] = lo;
        }
        return 0;
    }
    }
    return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown partitioner", NULL);
}
