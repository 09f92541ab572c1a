/*
 * value.c — scalar values: reading and writing them in vectors, their text
 * forms (Spark's CAST(x AS STRING): Java's Double.toString layout for
 * floating point, decimals with exactly their scale, ISO dates, timestamps in
 * the session time zone, ANSI interval literals) and parsing text as each
 * type with Spark's cast-from-string rules under ANSI mode (integers reject
 * fractions and overflow, decimals round HALF_UP, booleans accept t/f/y/n/1/0).
 */
#include "types/value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "types/datetime.h"
#include "types/decimal.h"

/* --- vectors <-> values ----------------------------------------------------------- */

cn_value cn_value_from_vector(const cn_vector *v, int i)
{
    cn_value x;
    memset(&x, 0, sizeof x);
    x.type = v->type;
    if (v->type.kind == CN_NULL || !cn_vec_valid(v, i)) {
        x.is_null = true;
        return x;
    }
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: x.v.b = ((const uint8_t *)v->data)[i] != 0; break;
    case CN_PHYS_I8: x.v.i = ((const int8_t *)v->data)[i]; break;
    case CN_PHYS_I16: x.v.i = ((const int16_t *)v->data)[i]; break;
    case CN_PHYS_I32: x.v.i = ((const int32_t *)v->data)[i]; break;
    case CN_PHYS_I64: x.v.i = ((const int64_t *)v->data)[i]; break;
    case CN_PHYS_I128: x.v.d = ((const cn_i128 *)v->data)[i]; break;
    case CN_PHYS_F32: x.v.f = ((const float *)v->data)[i]; break;
    case CN_PHYS_F64: x.v.f = ((const double *)v->data)[i]; break;
    case CN_PHYS_STR: x.v.s = ((const cn_str *)v->data)[i]; break;
    }
    return x;
}

void cn_value_to_vector(const cn_value *x, cn_vector *v, int i, cn_arena *a)
{
    if (x->is_null || x->type.kind == CN_NULL) {
        cn_vec_set_null(v, i, a);
        return;
    }
    cn_vec_set_valid(v, i);
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: ((uint8_t *)v->data)[i] = x->v.b; break;
    case CN_PHYS_I8: ((int8_t *)v->data)[i] = (int8_t)x->v.i; break;
    case CN_PHYS_I16: ((int16_t *)v->data)[i] = (int16_t)x->v.i; break;
    case CN_PHYS_I32: ((int32_t *)v->data)[i] = (int32_t)x->v.i; break;
    case CN_PHYS_I64: ((int64_t *)v->data)[i] = x->type.kind == CN_DECIMAL ? (int64_t)cn_value_decimal(x) : x->v.i; break;
    case CN_PHYS_I128: ((cn_i128 *)v->data)[i] = cn_value_decimal(x); break;
    case CN_PHYS_F32: ((float *)v->data)[i] = (float)x->v.f; break;
    case CN_PHYS_F64: ((double *)v->data)[i] = x->v.f; break;
    case CN_PHYS_STR: ((cn_str *)v->data)[i] = a ? cn_str_copy(a, x->v.s) : x->v.s; break;
    }
}

cn_i128 cn_value_decimal(const cn_value *x)
{
    if (x->type.kind == CN_DECIMAL && x->type.precision > CN_DECIMAL64_MAX_PRECISION) return x->v.d;
    return (cn_i128)x->v.i;
}

/* --- text forms ---------------------------------------------------------------------- */

/* Java's Double.toString / Float.toString: shortest round-trip digits, plain layout for
 * 1e-3 <= |d| < 1e7, else computerized scientific ("1.0E10", "1.0E-5"). */
static int java_double(double d, bool is_float, char *buf, int cap)
{
    char out[64];
    int o = 0;
    if (isnan(d)) return snprintf(buf, (size_t)cap, "NaN");
    if (isinf(d)) return snprintf(buf, (size_t)cap, d < 0 ? "-Infinity" : "Infinity");
    if (d == 0) return snprintf(buf, (size_t)cap, signbit(d) ? "-0.0" : "0.0");
    char e[40];
    int maxp = is_float ? 9 : 17;
    /* Java always has room for two significant digits ("d.d") and picks the closest: 4.9E-324 */
    for (int prec = 2; prec <= maxp; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (is_float ? strtof(e, NULL) == (float)d : strtod(e, NULL) == d) break;
    }
    /* e = [-]d[.ddd]e[+-]XX */
    const char *p = e;
    if (*p == '-') {
        out[o++] = '-';
        p++;
    }
    char dig[24];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') dig[nd++] = *p;
    int ex = atoi(p + 1);
    while (nd > 1 && dig[nd - 1] == '0') nd--;
    double ad = fabs(d);
    if (ad >= 1e-3 && ad < 1e7) {
        if (ex >= 0) {
            for (int i = 0; i <= ex; i++) out[o++] = i < nd ? dig[i] : '0';
            out[o++] = '.';
            if (nd > ex + 1)
                for (int i = ex + 1; i < nd; i++) out[o++] = dig[i];
            else
                out[o++] = '0';
        } else {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = 0; i < -ex - 1; i++) out[o++] = '0';
            for (int i = 0; i < nd; i++) out[o++] = dig[i];
        }
        out[o] = 0;
    } else {
        out[o++] = dig[0];
        out[o++] = '.';
        if (nd > 1)
            for (int i = 1; i < nd; i++) out[o++] = dig[i];
        else
            out[o++] = '0';
        snprintf(out + o, sizeof out - (size_t)o, "E%d", ex);
    }
    return snprintf(buf, (size_t)cap, "%s", out);
}

static const char *dt_field_name(int f)
{
    switch (f) {
    case CN_IV_HOUR: return "HOUR";
    case CN_IV_MINUTE: return "MINUTE";
    case CN_IV_SECOND: return "SECOND";
    default: return "DAY";
    }
}

static int format_interval_ym(int64_t months, cn_type t, char *buf, int cap)
{
    const char *sign = months < 0 ? "-" : "";
    int64_t am = months < 0 ? -months : months;
    int st = t.scale, en = t.scale2 > t.scale ? t.scale2 : t.scale;
    if (st == CN_IV_YEAR && en == CN_IV_MONTH)
        return snprintf(buf, (size_t)cap, "INTERVAL '%s%lld-%lld' YEAR TO MONTH", sign, (long long)(am / 12), (long long)(am % 12));
    if (st == CN_IV_YEAR) return snprintf(buf, (size_t)cap, "INTERVAL '%s%lld' YEAR", sign, (long long)(am / 12));
    return snprintf(buf, (size_t)cap, "INTERVAL '%s%lld' MONTH", sign, (long long)am);
}

static int sec_text(uint64_t rest, char *out, size_t cap)
{
    /* BigDecimal(rest, 6).stripTrailingZeros.toPlainString with a leading zero below 10 s */
    uint64_t s = rest / CN_MICROS_PER_SECOND, f = rest % CN_MICROS_PER_SECOND;
    int n = snprintf(out, cap, "%s%llu", rest < 10 * CN_MICROS_PER_SECOND ? "0" : "", (unsigned long long)s);
    if (f) {
        char fb[8];
        snprintf(fb, sizeof fb, "%06llu", (unsigned long long)f);
        int k = 6;
        while (k > 0 && fb[k - 1] == '0') k--;
        fb[k] = 0;
        n += snprintf(out + n, cap - (size_t)n, ".%s", fb);
    }
    return n;
}

static int format_interval_dt(int64_t micros, cn_type t, char *buf, int cap)
{
    const uint64_t H = 3600 * CN_MICROS_PER_SECOND, M = 60 * CN_MICROS_PER_SECOND;
    const char *sign = micros < 0 ? "-" : "";
    /* the magnitude in unsigned arithmetic: the most negative interval has no positive twin */
    uint64_t rest = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
    const uint64_t D = CN_MICROS_PER_DAY;
    int st = t.scale, en = t.scale2 > t.scale ? t.scale2 : t.scale;
    char b[96];
    int n = 0;
    switch (st) {
    case CN_IV_DAY: n += snprintf(b + n, sizeof b - (size_t)n, "%s%llu", sign, (unsigned long long)(rest / D)); rest %= D; break;
    case CN_IV_HOUR: n += snprintf(b + n, sizeof b - (size_t)n, "%s%02llu", sign, (unsigned long long)(rest / H)); rest %= H; break;
    case CN_IV_MINUTE: n += snprintf(b + n, sizeof b - (size_t)n, "%s%02llu", sign, (unsigned long long)(rest / M)); rest %= M; break;
    default: n += snprintf(b + n, sizeof b - (size_t)n, "%s", sign); n += sec_text(rest, b + n, sizeof b - (size_t)n); break;
    }
    if (st < CN_IV_HOUR && CN_IV_HOUR <= en) { n += snprintf(b + n, sizeof b - (size_t)n, " %02llu", (unsigned long long)(rest / H)); rest %= H; }
    if (st < CN_IV_MINUTE && CN_IV_MINUTE <= en) { n += snprintf(b + n, sizeof b - (size_t)n, ":%02llu", (unsigned long long)(rest / M)); rest %= M; }
    if (st < CN_IV_SECOND && CN_IV_SECOND <= en) { b[n++] = ':'; n += sec_text(rest, b + n, sizeof b - (size_t)n); }
    b[n] = 0;
    if (en == st) return snprintf(buf, (size_t)cap, "INTERVAL '%s' %s", b, dt_field_name(st));
    return snprintf(buf, (size_t)cap, "INTERVAL '%s' %s TO %s", b, dt_field_name(st), dt_field_name(en));
}

/* Text of a non-string, non-null datum of type t. */
static int format_scalar(cn_type t, int64_t i, cn_i128 d, double f, bool b, char *buf, int cap)
{
    int n;
    switch ((cn_kind)t.kind) {
    case CN_BOOLEAN: n = snprintf(buf, (size_t)cap, b ? "true" : "false"); break;
    case CN_TINYINT:
    case CN_SMALLINT:
    case CN_INT:
    case CN_BIGINT: n = snprintf(buf, (size_t)cap, "%lld", (long long)i); break;
    case CN_FLOAT: n = java_double(f, true, buf, cap); break;
    case CN_DOUBLE: n = java_double(f, false, buf, cap); break;
    case CN_DECIMAL: return cn_decimal_format(d, t.scale, buf, cap);
    case CN_DATE: return cn_format_date((int32_t)i, buf, cap);
    case CN_TIMESTAMP: return cn_format_timestamp(i, NULL, buf, cap);
    case CN_TIMESTAMP_NTZ: return cn_format_timestamp(i, "UTC", buf, cap);
    case CN_INTERVAL_YM: n = format_interval_ym(i, t, buf, cap); break;
    case CN_INTERVAL_DT: n = format_interval_dt(i, t, buf, cap); break;
    default: n = snprintf(buf, (size_t)cap, "NULL"); break;
    }
    return n < cap ? n : cap - 1;
}

int cn_format_value(const cn_vector *v, int row, char *buf, int cap)
{
    cn_value x = cn_value_from_vector(v, row);
    if (x.type.kind == CN_STRING && !x.is_null) {
        int len = (int)x.v.s.len;
        int n = len < cap ? len : cap;
        if (n > 0) memcpy(buf, cn_str_data(&x.v.s), (size_t)n);
        if (len < cap) buf[len] = 0;
        return len;
    }
    char tmp[160];
    int len = x.is_null ? snprintf(tmp, sizeof tmp, "NULL")
                        : format_scalar(x.type, x.v.i, cn_value_decimal(&x), x.v.f, x.type.kind == CN_BOOLEAN && x.v.b, tmp,
                                        (int)sizeof tmp);
    if (cap > 0) {
        int n = len < cap ? len : cap - 1;
        memcpy(buf, tmp, (size_t)n);
        buf[n] = 0;
    }
    return len;
}

const char *cn_value_to_string(const cn_value *x, cn_arena *a)
{
    if (x->is_null || x->type.kind == CN_NULL) return cn_arena_strdup(a, "NULL");
    if (x->type.kind == CN_STRING) return cn_arena_strndup(a, cn_str_data(&x->v.s), x->v.s.len);
    char buf[128];
    format_scalar(x->type, x->v.i, cn_value_decimal(x), x->v.f, x->type.kind == CN_BOOLEAN && x->v.b, buf, sizeof buf);
    return cn_arena_strdup(a, buf);
}

/* --- parsing ------------------------------------------------------------------------- */

static inline bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static int parse_int64(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (i == len) return -1;
    uint64_t v = 0;
    uint64_t lim = neg ? (uint64_t)0 - (uint64_t)lo : (uint64_t)hi;
    for (; i < len; i++) {
        unsigned c = (unsigned)(s[i] - '0');
        if (c > 9) return -1;
        if (v > (lim - c) / 10) return -1;
        v = v * 10 + c;
    }
    *out = neg ? (int64_t)((uint64_t)0 - v) : (int64_t)v;
    return 0;
}

static int parse_double(const char *s, size_t len, bool is_float, double *out)
{
    if (len == 0 || len > 400) return -1;
    char buf[408];
    memcpy(buf, s, len);
    buf[len] = 0;
    const char *p = buf;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    if (!strcasecmp(p, "nan")) {
        if (p != buf) return -1;
        *out = NAN;
        return 0;
    }
    /* Java's parseDouble: digits, '.', exponent, optional d/D/f/F suffix; no other words */
    if (!isdigit((unsigned char)*p) && *p != '.') return -1;
    if (len > 1 && strchr("dDfF", buf[len - 1]) && !(p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))) buf[--len] = 0;
    char *end;
    errno = 0;
    double d = is_float ? (double)strtof(buf, &end) : strtod(buf, &end);
    if (end != buf + len || end == buf) return -1;
    *out = d;
    return 0;
}

static int parse_bool(const char *s, size_t len, bool *out)
{
    static const char *const t[] = {"t", "true", "y", "yes", "1"}, *const f[] = {"f", "false", "n", "no", "0"};
    for (int i = 0; i < 5; i++) {
        if (strlen(t[i]) == len && strncasecmp(s, t[i], len) == 0) { *out = true; return 0; }
        if (strlen(f[i]) == len && strncasecmp(s, f[i], len) == 0) { *out = false; return 0; }
    }
    return -1;
}

int cn_parse_as(const char *s, size_t len, cn_type t, cn_value *out, cn_arena *a)
{
    memset(out, 0, sizeof *out);
    out->type = t;
    if (t.kind == CN_STRING) {
        cn_str v = cn_str_view(s, (uint32_t)len);
        out->v.s = a ? cn_str_copy(a, v) : v;
        return 0;
    }
    while (len && blank(*s)) s++, len--;
    while (len && blank(s[len - 1])) len--;
    int64_t i;
    switch ((cn_kind)t.kind) {
    case CN_NULL: out->is_null = true; return 0;
    case CN_BOOLEAN: return parse_bool(s, len, &out->v.b);
    case CN_TINYINT: if (parse_int64(s, len, INT8_MIN, INT8_MAX, &i)) return -1; out->v.i = i; return 0;
    case CN_SMALLINT: if (parse_int64(s, len, INT16_MIN, INT16_MAX, &i)) return -1; out->v.i = i; return 0;
    case CN_INT: if (parse_int64(s, len, INT32_MIN, INT32_MAX, &i)) return -1; out->v.i = i; return 0;
    case CN_BIGINT: if (parse_int64(s, len, INT64_MIN, INT64_MAX, &i)) return -1; out->v.i = i; return 0;
    case CN_FLOAT:
    case CN_DOUBLE: return parse_double(s, len, t.kind == CN_FLOAT, &out->v.f);
    case CN_DECIMAL: {
        cn_i128 d;
        if (cn_decimal_parse(s, len, t.precision, t.scale, &d)) return -1;
        if (t.precision > CN_DECIMAL64_MAX_PRECISION) out->v.d = d;
        else out->v.i = (int64_t)d;
        return 0;
    }
    case CN_DATE: {
        int32_t days;
        if (cn_parse_date(s, len, &days)) return -1;
        out->v.i = days;
        return 0;
    }
    case CN_TIMESTAMP: return cn_parse_timestamp(s, len, NULL, &out->v.i);
    case CN_TIMESTAMP_NTZ: return cn_parse_timestamp(s, len, "UTC", &out->v.i);
    default: return -1; /* intervals from text: not supported yet */
    }
}

int cn_value_cmp(const cn_value *a, const cn_value *b)
{
    switch (cn_type_phys(a->type)) {
    case CN_PHYS_U8: return (int)a->v.b - (int)b->v.b;
    case CN_PHYS_I8:
    case CN_PHYS_I16:
    case CN_PHYS_I32:
    case CN_PHYS_I64:
        if (a->type.kind == CN_DECIMAL || b->type.kind == CN_DECIMAL) break;
        return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
    case CN_PHYS_I128: break;
    case CN_PHYS_F32:
    case CN_PHYS_F64: {
        double x = a->v.f, y = b->v.f;
        /* Spark's ordering: NaN is the largest value and equals itself; -0.0 == 0.0 */
        if (isnan(x) || isnan(y)) return isnan(x) - isnan(y);
        return x < y ? -1 : x > y;
    }
    case CN_PHYS_STR: {
        int c = cn_str_cmp(&a->v.s, &b->v.s);
        return c < 0 ? -1 : c > 0;
    }
    }
    cn_i128 x = cn_value_decimal(a), y = cn_value_decimal(b);
    int sa = a->type.kind == CN_DECIMAL ? a->type.scale : 0, sb = b->type.kind == CN_DECIMAL ? b->type.scale : 0;
    if (sa != sb) {
        cn_i128 r;
        if (sa < sb) { if (cn_decimal_rescale(x, sa, sb, &r)) x = r; else return x < 0 ? -1 : 1; }
        else { if (cn_decimal_rescale(y, sb, sa, &r)) y = r; else return y < 0 ? 1 : -1; }
    }
    return x < y ? -1 : x > y;
}
