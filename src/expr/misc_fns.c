/*
 * misc_fns.c — rand(seed) and typeof(x).
 *
 * rand follows Spark's Rand: a XORShiftRandom seeded with seed + partition
 * index, whose initial state is the seed's 8 big-endian bytes hashed twice
 * with Scala's MurmurHash3.bytesHash (low word with the array seed, high
 * word seeded by the low one); doubles are java.util.Random.nextDouble over
 * XORShiftRandom.next(bits). The state lives in the expression node and
 * advances row by row, so a task draws the same sequence as a Spark task of
 * the same partition. typeof prints the argument type's catalog string.
 */
#include "expr/expr_internal.h"

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t mm3_bytes(const uint8_t *data, int len, uint32_t seed)
{
    uint32_t h = seed;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t k = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                     (uint32_t)data[i + 3] << 24;
        k *= 0xcc9e2d51u;
        k = rotl32(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    uint32_t k = 0;
    switch (len - i) {
    case 3: k ^= (uint32_t)data[i + 2] << 16; /* fall through */
    case 2: k ^= (uint32_t)data[i + 1] << 8;  /* fall through */
    case 1:
        k ^= data[i];
        k *= 0xcc9e2d51u;
        k = rotl32(k, 15);
        k *= 0x1b873593u;
        h ^= k;
    }
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static uint64_t xorshift_seed(int64_t seed)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)((uint64_t)seed >> (56 - 8 * i));
    uint32_t lo = mm3_bytes(b, 8, 0x3c074a61u);
    uint32_t hi = mm3_bytes(b, 8, lo);
    return (uint64_t)hi << 32 | lo;
}

static uint32_t xorshift_next(uint64_t *s, int bits)
{
    uint64_t x = *s;
    x ^= x << 21;
    x ^= x >> 35;
    x ^= x << 4;
    *s = x;
    return (uint32_t)(x & ((1ULL << bits) - 1));
}

double ex_rand_next(uint64_t *state)
{
    uint64_t a = xorshift_next(state, 26), b = xorshift_next(state, 27);
    return (double)((a << 27) + b) * 0x1.0p-53;
}

int ex_misc(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    if (e->func == CN_FN_RAND) {
        cn_expr *me = (cn_expr *)e; /* per-task generator state */
        if (!me->rng_init) {
            int64_t seed = 0;
            if (e->nargs > 0) {
                cn_value v;
                if (cn_expr_eval_const(e->args[0], ctx, &v, err)) return -1;
                seed = v.is_null ? 0 : v.v.i;
            }
            me->rng_state = (int64_t)xorshift_seed((int64_t)((uint64_t)seed + (uint64_t)ctx->partition_index));
            me->rng_init = true;
        }
        ev_alloc(out, e->type, n, ctx->arena);
        double *o = out->v.data;
        uint64_t st = (uint64_t)me->rng_state;
        for (int i = 0; i < n; i++) o[i] = ex_rand_next(&st);
        me->rng_state = (int64_t)st;
        out->cst = false;
        return 0;
    }
    if (e->func == CN_FN_TYPEOF) {
        char b[128];
        cn_value v;
        memset(&v, 0, sizeof v);
        v.type = cn_type_of(CN_STRING);
        const char *name = cn_type_name(e->args[0]->type, b, sizeof b);
        v.v.s = cn_str_copy(ctx->arena, cn_str_view(name, (uint32_t)strlen(name)));
        ev_const(out, &v, ctx->arena);
        return 0;
    }
    (void)in;
    return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown function", NULL);
}
