/*
 * cast.c — CAST between all supported types, with Spark's ANSI and
 * try_cast semantics.
 *
 * String inputs are parsed with the types layer's cn_parse_as (Spark's
 * cast-from-string rules); malformed text is [CAST_INVALID_INPUT] in ANSI
 * mode and NULL under try_cast / legacy mode. Narrowing numeric casts that
 * overflow raise [CAST_OVERFLOW]; decimals that do not fit the target
 * precision raise [NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]; decimal
 * rescaling rounds HALF_UP, decimal/floating -> integral truncates toward
 * zero. Anything -> STRING uses the text forms of value.h. DATE <->
 * TIMESTAMP converts through local midnight in the session time zone.
 * ex_can_cast is the explicit-cast matrix behind cn_expr_cast's
 * [DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION].
 */
#include "expr/expr_internal.h"

#include <math.h>
#include <stdio.h>

static bool is_interval(cn_type t) { return t.kind == CN_INTERVAL_DT || t.kind == CN_INTERVAL_YM; }

bool ex_can_cast(cn_type from, cn_type to)
{
    if (cn_type_eq(from, to) || from.kind == CN_NULL) return true;
    if (to.kind == CN_NULL) return false;
    if (to.kind == CN_STRING) return true;
    bool fnum = cn_type_is_numeric(from), tnum = cn_type_is_numeric(to);
    switch ((cn_kind)from.kind) {
    case CN_STRING: return true;
    case CN_BOOLEAN: return tnum || to.kind == CN_BOOLEAN;
    case CN_DATE: return to.kind == CN_TIMESTAMP || to.kind == CN_DATE || to.kind == CN_TIMESTAMP_NTZ;
    case CN_TIMESTAMP: return to.kind == CN_DATE || to.kind == CN_TIMESTAMP_NTZ || tnum;
    case CN_TIMESTAMP_NTZ: return to.kind == CN_DATE || to.kind == CN_TIMESTAMP;
    case CN_INTERVAL_DT:
    case CN_INTERVAL_YM:
        /* ANSI intervals cast to integral/decimal only with a single field */
        if (is_interval(to)) return to.kind == from.kind;
        return (cn_type_is_integral(to) || to.kind == CN_DECIMAL) && from.scale2 <= from.scale;
    default: break;
    }
    if (fnum)
        return tnum || to.kind == CN_BOOLEAN || to.kind == CN_TIMESTAMP ||
               ((cn_type_is_integral(from) || from.kind == CN_DECIMAL) && is_interval(to));
    return false;
}

/* Micros (DT) or months (YM) of one unit of an interval type's end field. */
static int64_t iv_unit(cn_type t)
{
    int end = t.scale2 > t.scale ? t.scale2 : t.scale;
    if (t.kind == CN_INTERVAL_YM) return end == CN_IV_YEAR ? 12 : 1;
    switch (end) {
    case CN_IV_DAY: return CN_MICROS_PER_DAY;
    case CN_IV_HOUR: return 3600 * CN_MICROS_PER_SECOND;
    case CN_IV_MINUTE: return 60 * CN_MICROS_PER_SECOND;
    default: return CN_MICROS_PER_SECOND;
    }
}

int ex_err_cast_input(cn_error *err, const char *s, size_t len, cn_type from, cn_type to)
{
    /* error parameters are C strings: a NUL inside the value is written \u0000 rather than
     * cutting the value short */
    size_t nuls = 0;
    for (size_t k = 0; k < len; k++) nuls += s[k] == 0;
    char *expr = cn_xmalloc(len + 5 * nuls + 3), *w = expr;
    *w++ = '\'';
    for (size_t k = 0; k < len; k++) {
        if (s[k]) {
            *w++ = s[k];
        } else {
            memcpy(w, "\\u0000", 6);
            w += 6;
        }
    }
    *w++ = '\'';
    *w = 0;
    char b1[64], b2[64], st[80], tt[80];
    snprintf(st, sizeof st, "\"%s\"", cn_type_sql_name(from, b1, sizeof b1));
    snprintf(tt, sizeof tt, "\"%s\"", cn_type_sql_name(to, b2, sizeof b2));
    int r = cn_error_set(err, "CAST_INVALID_INPUT", "expression", expr, "sourceType", st, "targetType", tt, NULL);
    free(expr);
    return r;
}

/* Spark's toSQLValue of a numeric row for CAST_OVERFLOW. */
static void sql_value(const cn_vector *v, int row, char *buf, int cap)
{
    int n = cn_format_value(v, row, buf, cap - 4);
    if (n < 0) n = 0;
    if (n > cap - 4) n = cap - 4;
    const char *suf = "";
    switch ((cn_kind)v->type.kind) {
    case CN_TINYINT: suf = "Y"; break;
    case CN_SMALLINT: suf = "S"; break;
    case CN_BIGINT: suf = "L"; break;
    case CN_FLOAT: suf = "F"; break;
    case CN_DOUBLE: suf = "D"; break;
    case CN_DECIMAL: suf = "BD"; break;
    default: break;
    }
    snprintf(buf + n, (size_t)(cap - n), "%s", suf);
}

static int err_cast_overflow(cn_error *err, const cn_vector *src, int row, cn_type from, cn_type to)
{
    char val[96], b1[64], b2[64], st[80], tt[80];
    sql_value(src, row, val, sizeof val);
    snprintf(st, sizeof st, "\"%s\"", cn_type_sql_name(from, b1, sizeof b1));
    snprintf(tt, sizeof tt, "\"%s\"", cn_type_sql_name(to, b2, sizeof b2));
    return cn_error_set(err, "CAST_OVERFLOW", "ansiConfig", "\"spark.sql.ansi.enabled\"", "sourceType", st,
                        "targetType", tt, "value", val, NULL);
}

static bool int_fits(cn_i128 v, cn_kind k)
{
    switch (k) {
    case CN_TINYINT: return v >= INT8_MIN && v <= INT8_MAX;
    case CN_SMALLINT: return v >= INT16_MIN && v <= INT16_MAX;
    case CN_INT: case CN_DATE: case CN_INTERVAL_YM: return v >= INT32_MIN && v <= INT32_MAX;
    default: return v >= INT64_MIN && v <= INT64_MAX;
    }
}

static int64_t local_to_utc(int64_t local, const char *tz)
{
    int64_t off1 = cn_tz_offset_micros(tz, local);
    int64_t utc = local - off1;
    int64_t off2 = cn_tz_offset_micros(tz, utc);
    return off2 == off1 ? utc : local - off2;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

int ex_cast(const ev *in, cn_type from, cn_type to, bool try_, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev_alloc(out, to, n, ctx->arena);
    ev *args[1] = {(ev *)in};
    ev_merge_validity(&out->v, n, args, 1, ctx->arena);
    if (from.kind == CN_NULL) {
        cn_vector_set_all_null(&out->v, n, ctx->arena);
        return 0;
    }
    cn_vector *o = &out->v;
    const cn_vector *s = &in->v;
    const char *tz = ctx->timezone ? ctx->timezone : "UTC";

    /* -> STRING */
    if (to.kind == CN_STRING) {
        cn_str *d = o->data;
        char buf[160];
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(o, i)) continue;
            int r = EVI(in, i);
            if (from.kind == CN_TIMESTAMP) {
                int len = cn_format_timestamp(((const int64_t *)s->data)[r], tz, buf, sizeof buf);
                d[i] = cn_str_copy(ctx->arena, cn_str_view(buf, (uint32_t)CN_MAX(len, 0)));
                continue;
            }
            int len = cn_format_value(s, r, buf, sizeof buf);
            if (len < 0) len = 0;
            if (len > (int)sizeof buf - 1) len = (int)sizeof buf - 1;
            d[i] = cn_str_copy(ctx->arena, cn_str_view(buf, (uint32_t)len));
        }
        return 0;
    }

    /* STRING -> */
    if (from.kind == CN_STRING) {
        const cn_str *src = s->data;
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(o, i)) continue;
            const cn_str *x = &src[EVI(in, i)];
            const char *p = cn_str_data(x);
            cn_value v;
            int rc;
            if (to.kind == CN_TIMESTAMP) {
                memset(&v, 0, sizeof v);
                v.type = to;
                rc = cn_parse_timestamp(p, x->len, tz, &v.v.i);
            } else {
                rc = cn_parse_as(p, x->len, to, &v, ctx->arena);
            }
            if (rc != 0 || v.is_null) {
                if (rc != 0 && !try_ && ctx->ansi) return ex_err_cast_input(err, p, x->len, from, to);
                cn_vec_set_null(o, i, ctx->arena);
                continue;
            }
            v.type = to;
            cn_value_to_vector(&v, o, i, ctx->arena);
        }
        return 0;
    }

    bool fint = cn_type_is_integral(from) || from.kind == CN_BOOLEAN;
    bool tint = cn_type_is_integral(to);
    for (int i = 0; i < n; i++) {
        if (!cn_vec_valid(o, i)) continue;
        int r = EVI(in, i);
        int bad = 0; /* 1 overflow, 2 decimal out of range */
        cn_i128 big = 0;
        if (to.kind == CN_BOOLEAN) {
            bool b = (from.kind == CN_FLOAT || from.kind == CN_DOUBLE) ? ev_get_f64(s, r) != 0 : ev_get_i128(s, r) != 0;
            ((uint8_t *)o->data)[i] = b;
            continue;
        }
        if (from.kind == CN_DATE && (to.kind == CN_TIMESTAMP || to.kind == CN_TIMESTAMP_NTZ)) {
            /* a DATE past +-292,000 years has no microsecond count: Spark's daysToMicros fails
             * ("long overflow"); ARITHMETIC_OVERFLOW under ANSI, else NULL */
            int64_t local;
            if (__builtin_mul_overflow((int64_t)((const int32_t *)s->data)[r], CN_MICROS_PER_DAY, &local)) {
                if (!try_ && ctx->ansi)
                    return cn_error_set(err, "ARITHMETIC_OVERFLOW", "message", "long overflow", "alternative", "",
                                        "config", "\"spark.sql.ansi.enabled\"", NULL);
                cn_vec_set_null(o, i, ctx->arena);
                continue;
            }
            /* TIMESTAMP_NTZ holds the local date-time itself: no zone to or from DATE; to and
             * from TIMESTAMP through the session time zone */
            ((int64_t *)o->data)[i] = to.kind == CN_TIMESTAMP ? local_to_utc(local, tz) : local;
            continue;
        }
        if (from.kind == CN_TIMESTAMP_NTZ && to.kind == CN_DATE) {
            ((int32_t *)o->data)[i] = (int32_t)floordiv(((const int64_t *)s->data)[r], CN_MICROS_PER_DAY);
            continue;
        }
        if (from.kind == CN_TIMESTAMP_NTZ && to.kind == CN_TIMESTAMP) {
            ((int64_t *)o->data)[i] = local_to_utc(((const int64_t *)s->data)[r], tz);
            continue;
        }
        if (from.kind == CN_TIMESTAMP && to.kind == CN_TIMESTAMP_NTZ) {
            int64_t t = ((const int64_t *)s->data)[r];
            ((int64_t *)o->data)[i] = t + cn_tz_offset_micros(tz, t);
            continue;
        }
        if (from.kind == CN_TIMESTAMP && to.kind == CN_DATE) {
            int64_t t = ((const int64_t *)s->data)[r];
            int64_t local = t + cn_tz_offset_micros(tz, t);
            ((int32_t *)o->data)[i] = (int32_t)floordiv(local, CN_MICROS_PER_DAY);
            continue;
        }
        if (from.kind == CN_TIMESTAMP) {
            int64_t t = ((const int64_t *)s->data)[r];
            if (to.kind == CN_FLOAT || to.kind == CN_DOUBLE) {
                double d = (double)t / 1e6;
                if (to.kind == CN_FLOAT) ((float *)o->data)[i] = (float)d;
                else ((double *)o->data)[i] = d;
                continue;
            }
            big = floordiv(t, CN_MICROS_PER_SECOND);
            if (to.kind == CN_DECIMAL) {
                cn_i128 y;
                if (!cn_decimal_rescale(big, 0, to.scale, &y) || !cn_decimal_fits(y, to.precision)) bad = 2;
                big = y;
            } else if (!int_fits(big, (cn_kind)to.kind)) {
                bad = 1;
            }
        } else if (to.kind == CN_TIMESTAMP) {
            if (from.kind == CN_FLOAT || from.kind == CN_DOUBLE) {
                double d = ev_get_f64(s, r) * 1e6;
                if (isnan(d) || fabs(d) >= 9.2e18) bad = 1;
                else big = (cn_i128)d;
            } else if (from.kind == CN_DECIMAL) {
                cn_decimal_rescale(ev_get_i128(s, r), from.scale, 6, &big);
                if (!int_fits(big, CN_BIGINT)) bad = 1;
            } else {
                big = ev_get_i128(s, r) * CN_MICROS_PER_SECOND;
                if (!int_fits(big, CN_BIGINT)) bad = 1;
            }
        } else if (to.kind == CN_FLOAT || to.kind == CN_DOUBLE) {
            double d = ev_get_f64(s, r);
            if (to.kind == CN_FLOAT) ((float *)o->data)[i] = (float)d;
            else ((double *)o->data)[i] = d;
            continue;
        } else if (from.kind == CN_FLOAT || from.kind == CN_DOUBLE) {
            double d = ev_get_f64(s, r);
            if (to.kind == CN_DECIMAL) {
                if (isnan(d) || isinf(d) || !cn_decimal_from_double(d, to.precision, to.scale, &big)) bad = 2;
            } else {
                double t = trunc(d);
                if (isnan(d) || t >= 9.2233720368547758e18 || t < -9.2233720368547758e18) bad = 1;
                else {
                    big = (cn_i128)t;
                    if (!int_fits(big, (cn_kind)to.kind)) bad = 1;
                }
            }
        } else if (is_interval(from) && is_interval(to)) {
            big = ev_get_i128(s, r);
        } else if (is_interval(from)) {
            /* IntervalUtils.*IntervalToLong / ToDecimal: whole units of the end field (truncated);
             * a SECOND interval becomes a decimal with 6 fraction digits */
            cn_i128 x = ev_get_i128(s, r);
            int64_t unit = iv_unit(from);
            bool secs = from.kind == CN_INTERVAL_DT && unit == CN_MICROS_PER_SECOND;
            if (to.kind == CN_DECIMAL) {
                cn_i128 v = secs ? x : x / unit;
                if (!cn_decimal_rescale(v, secs ? 6 : 0, to.scale, &big) || !cn_decimal_fits(big, to.precision)) bad = 2;
            } else {
                big = x / unit;
                if (!int_fits(big, (cn_kind)to.kind)) bad = 1;
            }
        } else if (is_interval(to)) {
            /* integral * unit (exact); decimal * unit rounded HALF_UP */
            cn_i128 x = ev_get_i128(s, r);
            int64_t unit = iv_unit(to);
            if (from.kind == CN_DECIMAL) {
                cn_i128 y;
                if (!ex_mul_div_pow10(x, unit, from.scale, &y)) bad = 1;
                else big = y;
            } else {
                big = x * unit;
            }
            if (!bad && !int_fits(big, to.kind == CN_INTERVAL_YM ? CN_INT : CN_BIGINT)) bad = 1;
        } else if (from.kind == CN_DECIMAL) {
            cn_i128 x = ev_get_i128(s, r);
            int fs = from.kind == CN_DECIMAL ? from.scale : 0;
            if (to.kind == CN_DECIMAL) {
                if (!cn_decimal_rescale(x, fs, to.scale, &big) || !cn_decimal_fits(big, to.precision)) bad = 2;
            } else {
                big = x / cn_pow10_i128(fs);
                if (!int_fits(big, (cn_kind)to.kind)) bad = 1;
            }
        } else if (fint) {
            cn_i128 x = ev_get_i128(s, r);
            if (to.kind == CN_DECIMAL) {
                if (!cn_decimal_rescale(x, 0, to.scale, &big) || !cn_decimal_fits(big, to.precision)) bad = 2;
            } else {
                big = x;
                if (tint && !int_fits(big, (cn_kind)to.kind)) bad = 1;
            }
        } else {
            char b1[64], b2[64], msg[200];
            snprintf(msg, sizeof msg, "unsupported cast from %s to %s", cn_type_name(from, b1, sizeof b1),
                     cn_type_name(to, b2, sizeof b2));
            return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
        }
        if (bad) {
            if (!try_ && !ctx->ansi && bad == 1 && cn_type_is_integral(to)) {
                /* legacy (non-ANSI) casts wrap as the JVM's narrowing conversions do: integral
                 * values keep their low bits; doubles saturate to int (long for BIGINT), NaN -> 0 */
                if (from.kind == CN_FLOAT || from.kind == CN_DOUBLE) {
                    double d = ev_get_f64(s, r);
                    if (to.kind == CN_BIGINT)
                        big = isnan(d) ? 0 : d >= 9.2233720368547758e18 ? INT64_MAX : d <= -9.2233720368547758e18 ? INT64_MIN : (int64_t)d;
                    else
                        big = isnan(d) ? 0 : d >= 2147483647.0 ? INT32_MAX : d <= -2147483648.0 ? INT32_MIN : (int32_t)d;
                }
                ev_put_i128(o, i, big);
                continue;
            }
            if (!try_ && (ctx->ansi || (bad == 1 && is_interval(to)))) {
                if (bad == 1) return err_cast_overflow(err, s, r, from, to);
                cn_i128 shown = from.kind == CN_DECIMAL ? ev_get_i128(s, r) : big;
                int sc = from.kind == CN_DECIMAL ? from.scale : 0;
                if (fint) shown = ev_get_i128(s, r);
                return ex_err_decimal_range(err, shown, sc, to.precision, to.scale);
            }
            cn_vec_set_null(o, i, ctx->arena);
            continue;
        }
        ev_put_i128(o, i, big);
    }
    return 0;
}

int ex_cast_value(const cn_value *v, cn_type to, bool try_, cn_eval_ctx *ctx, cn_value *out, cn_error *err)
{
    ev in, r;
    ev_const(&in, v, ctx->arena);
    if (ex_cast(&in, v->type, to, try_, 1, &r, ctx, err)) return -1;
    *out = cn_value_from_vector(&r.v, 0);
    out->type = to;
    return 0;
}
