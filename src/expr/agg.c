/*
 * agg.c — aggregate state kernels (contract in agg.h).
 *
 * State blocks (at states[i] + offset; 128-bit fields are accessed with
 * memcpy because offsets are only 8-aligned):
 *   SUM int/float   {int64|double sum; u8 has}            partial: (sum)            NULL = empty
 *   SUM decimal     {i128 sum; u8 empty; u8 overflow}     partial: (sum, isEmpty)   overflow -> NULL sum
 *   COUNT           {int64 n}                             partial: (count)
 *   AVG numeric     {double sum; int64 n}                 partial: (sum double, count bigint)
 *   AVG decimal     {i128 sum; int64 n; u8 overflow}      partial: (sum decimal(p+10,s), count bigint)
 *   MIN/MAX         {16-byte value; u8 has}               partial: (value)
 *   FIRST/LAST/ANY  {16-byte value; u8 set; u8 null}      partial: (value, valueSet)
 *   BOOL_AND/OR     {u8 value; u8 has}                    partial: (value)
 *   VAR/STDDEV_SAMP {double n, avg, m2}                   partial: (n, avg, m2) — Welford, merged
 *   VAR/STDDEV_POP                                        with Chan's parallel formula
 *   SKEWNESS/KURTOSIS {double n, avg, m2, m3, m4}         partial: one STRING of those 40 bytes
 *                                                         (Spark's CentralMomentAgg update/merge
 *                                                         expressions, in their evaluation order)
 * Integral SUM overflow is [ARITHMETIC_OVERFLOW] in ANSI mode (wraps when
 * legacy); decimal SUM/AVG that exceed the result precision fail in ANSI
 * mode and give NULL otherwise. Strings kept by MIN/MAX/FIRST/LAST are
 * copied into the caller's arena.
 */
#include "expr/agg.h"

#include <math.h>
#include <stdio.h>

#include "expr/expr_internal.h"

static cn_type T(cn_kind k) { return cn_type_of(k); }

int cn_agg_prepare(cn_agg *a, int func, cn_type in, bool is_star, cn_error *err)
{
    memset(a, 0, sizeof *a);
    a->func = func;
    a->is_star = is_star;
    a->in_type = in;
    a->nstate = 1;
    switch (func) {
    case CN_AGG_SUM:
        if (in.kind == CN_DECIMAL) {
            a->out_type = cn_decimal_sum_type(in);
            a->nstate = 2;
            a->state_types[0] = a->out_type;
            a->state_types[1] = T(CN_BOOLEAN);
            a->state_size = 24;
        } else if (in.kind == CN_FLOAT || in.kind == CN_DOUBLE) {
            a->out_type = a->state_types[0] = T(CN_DOUBLE);
            a->state_size = 16;
        } else if (cn_type_is_integral(in) || in.kind == CN_NULL) {
            a->out_type = a->state_types[0] = T(CN_BIGINT);
            a->state_size = 16;
        } else if (in.kind == CN_INTERVAL_DT || in.kind == CN_INTERVAL_YM) {
            a->out_type = a->state_types[0] = in;
            a->state_size = 16;
        } else {
            goto bad;
        }
        break;
    case CN_AGG_COUNT:
        a->out_type = a->state_types[0] = T(CN_BIGINT);
        a->state_size = 8;
        break;
    case CN_AGG_AVG:
        a->nstate = 2;
        a->state_types[1] = T(CN_BIGINT);
        if (in.kind == CN_DECIMAL) {
            a->out_type = cn_decimal_avg_type(in);
            a->state_types[0] = cn_decimal_sum_type(in);
            a->state_size = 32;
        } else if (cn_type_is_numeric(in) || in.kind == CN_NULL) {
            a->out_type = a->state_types[0] = T(CN_DOUBLE);
            a->state_size = 16;
        } else {
            goto bad;
        }
        break;
    case CN_AGG_MIN:
    case CN_AGG_MAX:
    case CN_AGG_BOOL_AND:
    case CN_AGG_BOOL_OR:
        if ((func == CN_AGG_BOOL_AND || func == CN_AGG_BOOL_OR) && in.kind != CN_BOOLEAN) goto bad;
        a->out_type = a->state_types[0] = in;
        a->state_size = 24;
        break;
    case CN_AGG_FIRST:
    case CN_AGG_LAST:
    case CN_AGG_ANY_VALUE:
        a->out_type = a->state_types[0] = in;
        a->nstate = 2;
        a->state_types[1] = T(CN_BOOLEAN);
        a->state_size = 24;
        break;
    case CN_AGG_STDDEV_SAMP:
    case CN_AGG_VAR_SAMP:
    case CN_AGG_STDDEV_POP:
    case CN_AGG_VAR_POP:
        a->out_type = T(CN_DOUBLE);
        a->nstate = 3;
        a->state_types[0] = a->state_types[1] = a->state_types[2] = T(CN_DOUBLE);
        a->state_size = 24;
        break;
    case CN_AGG_SKEWNESS:
    case CN_AGG_KURTOSIS:
        a->out_type = T(CN_DOUBLE);
        a->nstate = 1;
        a->state_types[0] = T(CN_STRING);
        a->state_size = 40;
        break;
    default:
        return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown aggregate function", NULL);
    }
    return 0;
bad: {
    char b[64], msg[160];
    snprintf(msg, sizeof msg, "aggregate %d does not accept %s", func, cn_type_name(in, b, sizeof b));
    return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
}
}

void cn_agg_init(const cn_agg *a, char **states, int offset, int n)
{
    for (int i = 0; i < n; i++) {
        char *s = states[i] + offset;
        memset(s, 0, (size_t)a->state_size);
        if (a->func == CN_AGG_SUM && a->in_type.kind == CN_DECIMAL) s[16] = 1; /* isEmpty */
        if (a->func == CN_AGG_BOOL_AND) s[0] = 1;
    }
}

/* ---- helpers ------------------------------------------------------------------ */

static inline cn_i128 ld128(const char *p) { cn_i128 v; memcpy(&v, p, 16); return v; }
static inline void st128(char *p, cn_i128 v) { memcpy(p, &v, 16); }
static inline int64_t ld64(const char *p) { int64_t v; memcpy(&v, p, 8); return v; }
static inline void st64(char *p, int64_t v) { memcpy(p, &v, 8); }
static inline double ldd(const char *p) { double v; memcpy(&v, p, 8); return v; }
static inline void std_(char *p, double v) { memcpy(p, &v, 8); }

static int sum_overflow(cn_error *err)
{
    return ex_err_overflow(err, "long overflow", "try_sum");
}

static int dec_sum_overflow(cn_error *err)
{
    return cn_error_set(err, "ARITHMETIC_OVERFLOW", "alternative", " Use 'try_sum' to tolerate overflow and return NULL instead.",
                        "config", "\"spark.sql.ansi.enabled\"", "message", "Overflow in sum of decimals", NULL);
}

/* Compare two 16-byte cells of type t. */
static int cell_cmp(cn_type t, const void *x, const void *y)
{
    switch (cn_type_phys(t)) {
    case CN_PHYS_U8: return *(const uint8_t *)x - *(const uint8_t *)y;
    case CN_PHYS_I8: return (*(const int8_t *)x > *(const int8_t *)y) - (*(const int8_t *)x < *(const int8_t *)y);
    case CN_PHYS_I16: return (*(const int16_t *)x > *(const int16_t *)y) - (*(const int16_t *)x < *(const int16_t *)y);
    case CN_PHYS_I32: return (*(const int32_t *)x > *(const int32_t *)y) - (*(const int32_t *)x < *(const int32_t *)y);
    case CN_PHYS_I64: {
        int64_t a = ld64(x), b = ld64(y);
        return (a > b) - (a < b);
    }
    case CN_PHYS_I128: {
        cn_i128 a = ld128(x), b = ld128(y);
        return (a > b) - (a < b);
    }
    case CN_PHYS_F32: {
        float a = *(const float *)x, b = *(const float *)y;
        if (isnan(a)) return isnan(b) ? 0 : 1;
        if (isnan(b)) return -1;
        return (a > b) - (a < b);
    }
    case CN_PHYS_F64: {
        double a = ldd(x), b = ldd(y);
        if (isnan(a)) return isnan(b) ? 0 : 1;
        if (isnan(b)) return -1;
        return (a > b) - (a < b);
    }
    case CN_PHYS_STR: {
        cn_str a, b;
        memcpy(&a, x, sizeof a);
        memcpy(&b, y, sizeof b);
        return cn_str_cmp(&a, &b);
    }
    }
    return 0;
}

/* Store row r of v into a 16-byte cell (strings copied into arena). */
static void cell_store(char *cell, const cn_vector *v, int r, cn_arena *arena)
{
    int w = cn_type_width(v->type);
    if (cn_type_phys(v->type) == CN_PHYS_STR) {
        cn_str s = cn_str_copy(arena, ((const cn_str *)v->data)[r]);
        memcpy(cell, &s, sizeof s);
    } else {
        memcpy(cell, (const char *)v->data + (size_t)r * (size_t)w, (size_t)w);
    }
}

static void cell_emit(cn_vector *out, int row, const char *cell, cn_arena *arena)
{
    int w = cn_type_width(out->type);
    if (cn_type_phys(out->type) == CN_PHYS_STR) {
        cn_str s;
        memcpy(&s, cell, sizeof s);
        s = cn_str_copy(arena, s);
        memcpy((char *)out->data + (size_t)row * 16, &s, sizeof s);
    } else {
        memcpy((char *)out->data + (size_t)row * (size_t)w, cell, (size_t)w);
    }
}

static void welford_merge(char *s, double nb, double ab, double m2b)
{
    /* CentralMomentAgg.mergeExpressions (order 2), no shortcut for empty sides: Spark merges
     * into a zero buffer too, and the rounding of avg1 + deltaN * n2 shows in the last bit */
    double na = ldd(s), aa = ldd(s + 8), m2a = ldd(s + 16);
    double n = na + nb, delta = ab - aa;
    double deltaN = n == 0.0 ? 0.0 : delta / n;
    std_(s, n);
    std_(s + 8, aa + deltaN * nb);
    std_(s + 16, m2a + m2b + delta * deltaN * na * nb);
}

/* CentralMomentAgg (order 4): update with one value and merge two states, with Spark's
 * expressions evaluated in the same order so results agree to the last bit. */
static void moments_update(char *s, double x)
{
    double n = ldd(s), avg = ldd(s + 8), m2 = ldd(s + 16), m3 = ldd(s + 24), m4 = ldd(s + 32);
    double newN = n + 1.0, delta = x - avg, deltaN = delta / newN;
    double newAvg = avg + deltaN;
    double newM2 = m2 + delta * (delta - deltaN);
    double delta2 = delta * delta, deltaN2 = deltaN * deltaN;
    double newM3 = m3 - 3.0 * deltaN * newM2 + delta * (delta2 - deltaN2);
    double newM4 = m4 - 4.0 * deltaN * newM3 - 6.0 * deltaN2 * newM2 + delta * (delta * delta2 - deltaN * deltaN2);
    std_(s, newN);
    std_(s + 8, newAvg);
    std_(s + 16, newM2);
    std_(s + 24, newM3);
    std_(s + 32, newM4);
}

static void moments_merge(char *s, const char *o)
{
    double n1 = ldd(s), avg1 = ldd(s + 8), m2_1 = ldd(s + 16), m3_1 = ldd(s + 24), m4_1 = ldd(s + 32);
    double n2 = ldd(o), avg2 = ldd(o + 8), m2_2 = ldd(o + 16), m3_2 = ldd(o + 24), m4_2 = ldd(o + 32);
    double newN = n1 + n2, delta = avg2 - avg1;
    double deltaN = newN == 0.0 ? 0.0 : delta / newN;
    double newAvg = avg1 + deltaN * n2;
    double newM2 = m2_1 + m2_2 + delta * deltaN * n1 * n2;
    double newM3 = m3_1 + m3_2 + deltaN * deltaN * delta * n1 * n2 * (n1 - n2) + 3.0 * deltaN * (n1 * m2_2 - n2 * m2_1);
    double newM4 = m4_1 + m4_2 + deltaN * deltaN * deltaN * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2) +
                   6.0 * deltaN * deltaN * (n1 * n1 * m2_2 + n2 * n2 * m2_1) + 4.0 * deltaN * (n1 * m3_2 - n2 * m3_1);
    std_(s, newN);
    std_(s + 8, newAvg);
    std_(s + 16, newM2);
    std_(s + 24, newM3);
    std_(s + 32, newM4);
}

/* ---- update ---------------------------------------------------------------------- */

#define SUM_INT(TY)                                                                      \
    do {                                                                                 \
        const TY *d = (const TY *)in->data;                                              \
        for (int i = 0; i < n; i++) {                                                    \
            if (!cn_vec_valid(in, i)) continue;                                          \
            char *s = states[i] + offset;                                                \
            int64_t acc = ld64(s), r;                                                    \
            if (__builtin_add_overflow(acc, (int64_t)d[i], &r)) {                        \
                if (!a->legacy) return sum_overflow(err);                                \
            }                                                                            \
            st64(s, r);                                                                  \
            s[8] = 1;                                                                    \
        }                                                                                \
    } while (0)

/* FIRST / LAST / ANY_VALUE: take row i of v into state s (byte 16: taken, byte 17: NULL). */
static void first_last_take(const cn_agg *a, char *s, const cn_vector *v, int i, cn_arena *arena)
{
    if (a->func != CN_AGG_LAST && s[16]) return;
    s[16] = 1;
    if (cn_vec_valid(v, i)) {
        cell_store(s, v, i, arena);
        s[17] = 0;
    } else {
        s[17] = 1;
    }
}

/* BOOL_AND / BOOL_OR over the non-NULL rows of v (byte 0: value, byte 1: seen). */
static void bool_fold(const cn_agg *a, char **states, int offset, const cn_vector *v, int n)
{
    const uint8_t *d = v->data;
    for (int i = 0; i < n; i++) {
        if (!cn_vec_valid(v, i)) continue;
        char *s = states[i] + offset;
        if (a->func == CN_AGG_BOOL_AND) s[0] = s[0] && d[i];
        else s[0] = s[0] || d[i];
        s[1] = 1;
    }
}

int cn_agg_update(const cn_agg *a, char **states, int offset, const cn_vector *in, int n, cn_arena *arena,
                  cn_error *err)
{
    switch (a->func) {
    case CN_AGG_COUNT:
        if (a->is_star || !in || !in->validity) {
            for (int i = 0; i < n; i++) {
                char *s = states[i] + offset;
                st64(s, ld64(s) + 1);
            }
        } else {
            for (int i = 0; i < n; i++) {
                char *s = states[i] + offset;
                st64(s, ld64(s) + cn_vec_valid(in, i));
            }
        }
        return 0;
    case CN_AGG_SUM:
        if (a->in_type.kind == CN_DECIMAL) {
            cn_i128 lim = cn_pow10_i128(a->out_type.precision);
            bool wide = cn_type_phys(in->type) == CN_PHYS_I128;
            for (int i = 0; i < n; i++) {
                if (!cn_vec_valid(in, i)) continue;
                char *s = states[i] + offset;
                cn_i128 x = wide ? ld128((const char *)in->data + 16 * (size_t)i) : ((const int64_t *)in->data)[i];
                cn_i128 acc = ld128(s) + x;
                st128(s, acc);
                s[16] = 0;
                if (acc >= lim || acc <= -lim) {
                    if (!a->legacy) return dec_sum_overflow(err);
                    s[17] = 1;
                }
            }
            return 0;
        }
        if (a->in_type.kind == CN_FLOAT || a->in_type.kind == CN_DOUBLE) {
            for (int i = 0; i < n; i++) {
                if (!cn_vec_valid(in, i)) continue;
                char *s = states[i] + offset;
                std_(s, ldd(s) + ev_get_f64(in, i));
                s[8] = 1;
            }
            return 0;
        }
        switch (cn_type_phys(in->type)) {
        case CN_PHYS_I8: SUM_INT(int8_t); break;
        case CN_PHYS_I16: SUM_INT(int16_t); break;
        case CN_PHYS_I32: SUM_INT(int32_t); break;
        case CN_PHYS_I64: SUM_INT(int64_t); break;
        default: break; /* NULL type: nothing */
        }
        return 0;
    case CN_AGG_AVG:
        if (a->in_type.kind == CN_DECIMAL) {
            cn_i128 lim = cn_pow10_i128(a->state_types[0].precision);
            bool wide = cn_type_phys(in->type) == CN_PHYS_I128;
            for (int i = 0; i < n; i++) {
                if (!cn_vec_valid(in, i)) continue;
                char *s = states[i] + offset;
                cn_i128 x = wide ? ld128((const char *)in->data + 16 * (size_t)i) : ((const int64_t *)in->data)[i];
                cn_i128 acc = ld128(s) + x;
                st128(s, acc);
                st64(s + 16, ld64(s + 16) + 1);
                if (acc >= lim || acc <= -lim) {
                    if (!a->legacy) return dec_sum_overflow(err);
                    s[24] = 1;
                }
            }
            return 0;
        }
        if (in->type.kind == CN_NULL) return 0;
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(in, i)) continue;
            char *s = states[i] + offset;
            std_(s, ldd(s) + ev_get_f64(in, i));
            st64(s + 8, ld64(s + 8) + 1);
        }
        return 0;
    case CN_AGG_MIN:
    case CN_AGG_MAX: {
        int w = cn_type_width(in->type);
        int sign = a->func == CN_AGG_MIN ? -1 : 1;
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(in, i)) continue;
            char *s = states[i] + offset;
            const char *x = (const char *)in->data + (size_t)i * (size_t)w;
            if (!s[16] || cell_cmp(in->type, x, s) * sign > 0) {
                cell_store(s, in, i, arena);
                s[16] = 1;
            }
        }
        return 0;
    }
    case CN_AGG_FIRST:
    case CN_AGG_ANY_VALUE:
    case CN_AGG_LAST:
        for (int i = 0; i < n; i++) first_last_take(a, states[i] + offset, in, i, arena);
        return 0;
    case CN_AGG_BOOL_AND:
    case CN_AGG_BOOL_OR: {
        bool_fold(a, states, offset, in, n);
        return 0;
    }
    case CN_AGG_SKEWNESS:
    case CN_AGG_KURTOSIS:
        for (int i = 0; i < n; i++)
            if (cn_vec_valid(in, i)) moments_update(states[i] + offset, ev_get_f64(in, i));
        return 0;
    case CN_AGG_STDDEV_SAMP:
    case CN_AGG_VAR_SAMP:
    case CN_AGG_STDDEV_POP:
    case CN_AGG_VAR_POP:
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(in, i)) continue;
            char *s = states[i] + offset;
            double x = ev_get_f64(in, i);
            double cnt = ldd(s) + 1.0, avg = ldd(s + 8), delta = x - avg, deltaN = delta / cnt;
            std_(s, cnt);
            std_(s + 8, avg + deltaN);
            std_(s + 16, ldd(s + 16) + delta * (delta - deltaN));
        }
        return 0;
    default:
        return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown aggregate", NULL);
    }
}

/* ---- merge ------------------------------------------------------------------------- */

int cn_agg_merge(const cn_agg *a, char **states, int offset, const cn_vector *cols, int n, cn_arena *arena,
                 cn_error *err)
{
    const cn_vector *c0 = &cols[0];
    switch (a->func) {
    case CN_AGG_COUNT:
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(c0, i)) continue;
            char *s = states[i] + offset;
            st64(s, ld64(s) + ((const int64_t *)c0->data)[i]);
        }
        return 0;
    case CN_AGG_SUM:
        if (a->in_type.kind == CN_DECIMAL) {
            const cn_vector *c1 = &cols[1];
            cn_i128 lim = cn_pow10_i128(a->out_type.precision);
            for (int i = 0; i < n; i++) {
                char *s = states[i] + offset;
                bool empty = cn_vec_valid(c1, i) ? ((const uint8_t *)c1->data)[i] != 0 : true;
                if (empty) continue;
                s[16] = 0;
                if (!cn_vec_valid(c0, i)) { /* overflowed partial */
                    if (!a->legacy) return dec_sum_overflow(err);
                    s[17] = 1;
                    continue;
                }
                cn_i128 acc = ld128(s) + ev_get_i128(c0, i);
                st128(s, acc);
                if (acc >= lim || acc <= -lim) {
                    if (!a->legacy) return dec_sum_overflow(err);
                    s[17] = 1;
                }
            }
            return 0;
        }
        if (a->out_type.kind == CN_DOUBLE) {
            for (int i = 0; i < n; i++) {
                if (!cn_vec_valid(c0, i)) continue;
                char *s = states[i] + offset;
                std_(s, ldd(s) + ((const double *)c0->data)[i]);
                s[8] = 1;
            }
            return 0;
        }
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(c0, i)) continue;
            char *s = states[i] + offset;
            int64_t r;
            if (__builtin_add_overflow(ld64(s), ev_get_i64(c0, i), &r) && !a->legacy) return sum_overflow(err);
            st64(s, r);
            s[8] = 1;
        }
        return 0;
    case CN_AGG_AVG: {
        const cn_vector *c1 = &cols[1];
        if (a->in_type.kind == CN_DECIMAL) {
            cn_i128 lim = cn_pow10_i128(a->state_types[0].precision);
            for (int i = 0; i < n; i++) {
                char *s = states[i] + offset;
                int64_t cnt = cn_vec_valid(c1, i) ? ((const int64_t *)c1->data)[i] : 0;
                if (cnt == 0) continue;
                st64(s + 16, ld64(s + 16) + cnt);
                if (!cn_vec_valid(c0, i)) {
                    if (!a->legacy) return dec_sum_overflow(err);
                    s[24] = 1;
                    continue;
                }
                cn_i128 acc = ld128(s) + ev_get_i128(c0, i);
                st128(s, acc);
                if (acc >= lim || acc <= -lim) {
                    if (!a->legacy) return dec_sum_overflow(err);
                    s[24] = 1;
                }
            }
            return 0;
        }
        for (int i = 0; i < n; i++) {
            char *s = states[i] + offset;
            int64_t cnt = cn_vec_valid(c1, i) ? ((const int64_t *)c1->data)[i] : 0;
            if (cnt == 0 || !cn_vec_valid(c0, i)) continue;
            std_(s, ldd(s) + ((const double *)c0->data)[i]);
            st64(s + 8, ld64(s + 8) + cnt);
        }
        return 0;
    }
    case CN_AGG_MIN:
    case CN_AGG_MAX: {
        int w = cn_type_width(c0->type);
        int sign = a->func == CN_AGG_MIN ? -1 : 1;
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(c0, i)) continue;
            char *s = states[i] + offset;
            const char *x = (const char *)c0->data + (size_t)i * (size_t)w;
            if (!s[16] || cell_cmp(c0->type, x, s) * sign > 0) {
                cell_store(s, c0, i, arena);
                s[16] = 1;
            }
        }
        return 0;
    }
    case CN_AGG_FIRST:
    case CN_AGG_ANY_VALUE:
    case CN_AGG_LAST: {
        const cn_vector *c1 = &cols[1];
        for (int i = 0; i < n; i++) {
            bool set = cn_vec_valid(c1, i) && ((const uint8_t *)c1->data)[i];
            if (set) first_last_take(a, states[i] + offset, c0, i, arena);
        }
        return 0;
    }
    case CN_AGG_BOOL_AND:
    case CN_AGG_BOOL_OR: {
        bool_fold(a, states, offset, c0, n);
        return 0;
    }
    case CN_AGG_SKEWNESS:
    case CN_AGG_KURTOSIS:
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(c0, i)) continue;
            const cn_str *b = &((const cn_str *)c0->data)[i];
            if (b->len != 40) return cn_error_set(err, "INTERNAL_ERROR", "message", "corrupt moments state", NULL);
            moments_merge(states[i] + offset, cn_str_data(b));
        }
        return 0;
    case CN_AGG_STDDEV_SAMP:
    case CN_AGG_VAR_SAMP:
    case CN_AGG_STDDEV_POP:
    case CN_AGG_VAR_POP:
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(&cols[0], i)) continue;
            welford_merge(states[i] + offset, ((const double *)cols[0].data)[i], ((const double *)cols[1].data)[i],
                          ((const double *)cols[2].data)[i]);
        }
        return 0;
    default:
        return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown aggregate", NULL);
    }
}

/* ---- output -------------------------------------------------------------------------- */

void cn_agg_emit_partial(const cn_agg *a, char **states, int offset, int n, cn_vector *out, int row0, cn_arena *arena)
{
    for (int i = 0; i < n; i++) {
        const char *s = states[i] + offset;
        int r = row0 + i;
        switch (a->func) {
        case CN_AGG_COUNT: ((int64_t *)out[0].data)[r] = ld64(s); break;
        case CN_AGG_SUM:
            if (a->in_type.kind == CN_DECIMAL) {
                ev_put_i128(&out[0], r, ld128(s));
                if (s[17]) cn_vec_set_null(&out[0], r, arena);
                ((uint8_t *)out[1].data)[r] = (uint8_t)s[16];
            } else {
                memcpy((char *)out[0].data + (size_t)r * 8, s, 8);
                if (!s[8]) cn_vec_set_null(&out[0], r, arena);
            }
            break;
        case CN_AGG_AVG:
            if (a->in_type.kind == CN_DECIMAL) {
                ev_put_i128(&out[0], r, ld128(s));
                if (s[24]) cn_vec_set_null(&out[0], r, arena);
                ((int64_t *)out[1].data)[r] = ld64(s + 16);
            } else {
                ((double *)out[0].data)[r] = ldd(s);
                ((int64_t *)out[1].data)[r] = ld64(s + 8);
            }
            break;
        case CN_AGG_MIN:
        case CN_AGG_MAX:
            if (s[16]) cell_emit(&out[0], r, s, arena);
            else cn_vec_set_null(&out[0], r, arena);
            break;
        case CN_AGG_FIRST:
        case CN_AGG_LAST:
        case CN_AGG_ANY_VALUE:
            if (s[16] && !s[17]) cell_emit(&out[0], r, s, arena);
            else cn_vec_set_null(&out[0], r, arena);
            ((uint8_t *)out[1].data)[r] = (uint8_t)s[16];
            break;
        case CN_AGG_BOOL_AND:
        case CN_AGG_BOOL_OR:
            ((uint8_t *)out[0].data)[r] = (uint8_t)s[0];
            if (!s[1]) cn_vec_set_null(&out[0], r, arena);
            break;
        case CN_AGG_STDDEV_SAMP:
        case CN_AGG_VAR_SAMP:
        case CN_AGG_STDDEV_POP:
        case CN_AGG_VAR_POP:
            for (int k = 0; k < 3; k++) ((double *)out[k].data)[r] = ldd(s + 8 * k);
            break;
        case CN_AGG_SKEWNESS:
        case CN_AGG_KURTOSIS:
            ((cn_str *)out[0].data)[r] = cn_str_copy(arena, cn_str_view(s, 40));
            break;
        default: break;
        }
    }
}

int cn_agg_finalize(const cn_agg *a, char **states, int offset, int n, cn_vector *out, int row0, cn_arena *arena,
                    cn_error *err)
{
    for (int i = 0; i < n; i++) {
        const char *s = states[i] + offset;
        int r = row0 + i;
        switch (a->func) {
        case CN_AGG_COUNT: ((int64_t *)out->data)[r] = ld64(s); break;
        case CN_AGG_SUM:
            if (a->in_type.kind == CN_DECIMAL) {
                if (s[16] || s[17]) cn_vec_set_null(out, r, arena);
                else ev_put_i128(out, r, ld128(s));
            } else {
                if (!s[8]) cn_vec_set_null(out, r, arena);
                else memcpy((char *)out->data + (size_t)r * 8, s, 8);
            }
            break;
        case CN_AGG_AVG:
            if (a->in_type.kind == CN_DECIMAL) {
                int64_t cnt = ld64(s + 16);
                if (cnt == 0 || s[24]) {
                    cn_vec_set_null(out, r, arena);
                    break;
                }
                cn_i128 q;
                int k = a->out_type.scale - a->state_types[0].scale;
                if (!ex_scale_div(ld128(s), k, cnt, &q) || !cn_decimal_fits(q, a->out_type.precision)) {
                    if (!a->legacy)
                        return ex_err_decimal_range(err, q, a->out_type.scale, a->out_type.precision, a->out_type.scale);
                    cn_vec_set_null(out, r, arena);
                    break;
                }
                ev_put_i128(out, r, q);
            } else {
                int64_t cnt = ld64(s + 8);
                if (cnt == 0) cn_vec_set_null(out, r, arena);
                else ((double *)out->data)[r] = ldd(s) / (double)cnt;
            }
            break;
        case CN_AGG_MIN:
        case CN_AGG_MAX:
            if (s[16]) cell_emit(out, r, s, arena);
            else cn_vec_set_null(out, r, arena);
            break;
        case CN_AGG_FIRST:
        case CN_AGG_LAST:
        case CN_AGG_ANY_VALUE:
            if (s[16] && !s[17]) cell_emit(out, r, s, arena);
            else cn_vec_set_null(out, r, arena);
            break;
        case CN_AGG_BOOL_AND:
        case CN_AGG_BOOL_OR:
            ((uint8_t *)out->data)[r] = (uint8_t)s[0];
            if (!s[1]) cn_vec_set_null(out, r, arena);
            break;
        case CN_AGG_STDDEV_SAMP:
        case CN_AGG_VAR_SAMP: {
            double cnt = ldd(s), m2 = ldd(s + 16);
            if (cnt < 2) {
                cn_vec_set_null(out, r, arena);
                break;
            }
            double var = m2 / (cnt - 1);
            ((double *)out->data)[r] = a->func == CN_AGG_VAR_SAMP ? var : sqrt(var);
            break;
        }
        case CN_AGG_STDDEV_POP:
        case CN_AGG_VAR_POP: {
            double cnt = ldd(s), m2 = ldd(s + 16);
            if (cnt == 0) {
                cn_vec_set_null(out, r, arena);
                break;
            }
            double var = m2 / cnt;
            ((double *)out->data)[r] = a->func == CN_AGG_VAR_POP ? var : sqrt(var);
            break;
        }
        case CN_AGG_SKEWNESS:
        case CN_AGG_KURTOSIS: {
            /* n = 0 -> NULL; m2 = 0 -> NULL (spark.sql.legacy.statisticalAggregate=false) */
            double cnt = ldd(s), m2 = ldd(s + 16), m3 = ldd(s + 24), m4 = ldd(s + 32);
            if (cnt == 0.0 || m2 == 0.0) {
                cn_vec_set_null(out, r, arena);
                break;
            }
            ((double *)out->data)[r] = a->func == CN_AGG_SKEWNESS ? sqrt(cnt) * m3 / sqrt(m2 * m2 * m2)
                                                                   : cnt * m4 / (m2 * m2) - 3.0;
            break;
        }
        default:
            return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown aggregate", NULL);
        }
    }
    return 0;
}
