/*
 * types.c — Spark SQL data types: physical representation, names, parsing of
 * type names, and the type rules Spark's analyzer applies (DecimalPrecision
 * with allowPrecisionLoss = true, findWiderTypeForTwo). Interval types carry
 * their start and end fields in `scale` / `scale2` (CN_IV_* in types.h).
 */
#include "types/types.h"

#include <ctype.h>
#include <stdio.h>

cn_phys cn_type_phys(cn_type t)
{
    switch ((cn_kind)t.kind) {
    case CN_NULL:
    case CN_BOOLEAN: return CN_PHYS_U8;
    case CN_TINYINT: return CN_PHYS_I8;
    case CN_SMALLINT: return CN_PHYS_I16;
    case CN_INT:
    case CN_DATE:
    case CN_INTERVAL_YM: return CN_PHYS_I32;
    case CN_BIGINT:
    case CN_TIMESTAMP:
    case CN_TIMESTAMP_NTZ:
    case CN_INTERVAL_DT: return CN_PHYS_I64;
    case CN_DECIMAL: return t.precision <= CN_DECIMAL64_MAX_PRECISION ? CN_PHYS_I64 : CN_PHYS_I128;
    case CN_FLOAT: return CN_PHYS_F32;
    case CN_DOUBLE: return CN_PHYS_F64;
    case CN_STRING: return CN_PHYS_STR;
    default: return CN_PHYS_U8;
    }
}

int cn_type_width(cn_type t)
{
    switch (cn_type_phys(t)) {
    case CN_PHYS_U8:
    case CN_PHYS_I8: return 1;
    case CN_PHYS_I16: return 2;
    case CN_PHYS_I32:
    case CN_PHYS_F32: return 4;
    case CN_PHYS_I64:
    case CN_PHYS_F64: return 8;
    case CN_PHYS_I128:
    case CN_PHYS_STR: return 16;
    }
    return 1;
}

bool cn_type_is_numeric(cn_type t) { return t.kind >= CN_TINYINT && t.kind <= CN_DECIMAL; }
bool cn_type_is_integral(cn_type t) { return t.kind >= CN_TINYINT && t.kind <= CN_BIGINT; }

static const char *iv_ym_field(int f) { return f == CN_IV_MONTH ? "month" : "year"; }
static const char *iv_dt_field(int f)
{
    switch (f) {
    case CN_IV_HOUR: return "hour";
    case CN_IV_MINUTE: return "minute";
    case CN_IV_SECOND: return "second";
    default: return "day";
    }
}

const char *cn_type_name(cn_type t, char *buf, size_t cap)
{
    const char *s = NULL;
    switch ((cn_kind)t.kind) {
    case CN_NULL: s = "void"; break;
    case CN_BOOLEAN: s = "boolean"; break;
    case CN_TINYINT: s = "tinyint"; break;
    case CN_SMALLINT: s = "smallint"; break;
    case CN_INT: s = "int"; break;
    case CN_BIGINT: s = "bigint"; break;
    case CN_FLOAT: s = "float"; break;
    case CN_DOUBLE: s = "double"; break;
    case CN_STRING: s = "string"; break;
    case CN_DATE: s = "date"; break;
    case CN_TIMESTAMP: s = "timestamp"; break;
    case CN_TIMESTAMP_NTZ: s = "timestamp_ntz"; break;
    case CN_DECIMAL: snprintf(buf, cap, "decimal(%d,%d)", t.precision, t.scale); return buf;
    case CN_INTERVAL_YM:
    case CN_INTERVAL_DT: {
        const char *(*fn)(int) = t.kind == CN_INTERVAL_YM ? iv_ym_field : iv_dt_field;
        if (t.scale2 <= t.scale)
            snprintf(buf, cap, "interval %s", fn(t.scale));
        else
            snprintf(buf, cap, "interval %s to %s", fn(t.scale), fn(t.scale2));
        return buf;
    }
    default: s = "unknown"; break;
    }
    snprintf(buf, cap, "%s", s);
    return buf;
}

const char *cn_type_sql_name(cn_type t, char *buf, size_t cap)
{
    cn_type_name(t, buf, cap);
    for (char *p = buf; *p; p++) *p = (char)toupper((unsigned char)*p);
    return buf;
}

/* --- parsing type names --------------------------------------------------- */

static bool word_eq(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Parse "(a[,b])" after skipping blanks; returns count of numbers read (0 if no parens), -1 on error. */
static int parse_params(const char **pp, int *a, int *b)
{
    const char *p = *pp;
    while (isspace((unsigned char)*p)) p++;
    if (*p != '(') return 0;
    p++;
    int vals[2], n = 0;
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (!isdigit((unsigned char)*p) || n == 2) return -1;
        long v = 0;
        while (isdigit((unsigned char)*p)) {
            v = v * 10 + (*p++ - '0');
            if (v > 100000) return -1;
        }
        vals[n++] = (int)v;
        while (isspace((unsigned char)*p)) p++;
        if (*p == ',') { p++; continue; }
        if (*p == ')') { p++; break; }
        return -1;
    }
    *a = vals[0];
    if (n > 1) *b = vals[1];
    *pp = p;
    return n;
}

static int iv_field_parse(const char *s, size_t n, bool ym)
{
    if (ym) {
        if (word_eq(s, n, "year")) return CN_IV_YEAR;
        if (word_eq(s, n, "month")) return CN_IV_MONTH;
        return -1;
    }
    if (word_eq(s, n, "day")) return CN_IV_DAY;
    if (word_eq(s, n, "hour")) return CN_IV_HOUR;
    if (word_eq(s, n, "minute")) return CN_IV_MINUTE;
    if (word_eq(s, n, "second")) return CN_IV_SECOND;
    return -1;
}

static const char *next_word(const char *p, size_t *n)
{
    while (isspace((unsigned char)*p)) p++;
    const char *st = p;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    *n = (size_t)(p - st);
    return st;
}

int cn_type_parse(const char *s, cn_type *out)
{
    if (!s) return -1;
    size_t n;
    const char *w = next_word(s, &n);
    const char *p = w + n;
    cn_type t = cn_type_of(CN_NULL);
    if (n == 0) return -1;
    if (word_eq(w, n, "int") || word_eq(w, n, "integer")) t = cn_type_of(CN_INT);
    else if (word_eq(w, n, "bigint") || word_eq(w, n, "long")) t = cn_type_of(CN_BIGINT);
    else if (word_eq(w, n, "smallint") || word_eq(w, n, "short")) t = cn_type_of(CN_SMALLINT);
    else if (word_eq(w, n, "tinyint") || word_eq(w, n, "byte")) t = cn_type_of(CN_TINYINT);
    else if (word_eq(w, n, "float") || word_eq(w, n, "real")) t = cn_type_of(CN_FLOAT);
    else if (word_eq(w, n, "double")) {
        size_t n2;
        const char *w2 = next_word(p, &n2);
        if (word_eq(w2, n2, "precision")) p = w2 + n2;
        t = cn_type_of(CN_DOUBLE);
    } else if (word_eq(w, n, "boolean") || word_eq(w, n, "bool")) t = cn_type_of(CN_BOOLEAN);
    else if (word_eq(w, n, "string")) t = cn_type_of(CN_STRING);
    else if (word_eq(w, n, "varchar") || word_eq(w, n, "char") || word_eq(w, n, "character")) {
        int a = 0, b = 0;
        if (parse_params(&p, &a, &b) != 1) return -1;
        t = cn_type_of(CN_STRING);
    } else if (word_eq(w, n, "date")) t = cn_type_of(CN_DATE);
    else if (word_eq(w, n, "timestamp") || word_eq(w, n, "timestamp_ltz")) t = cn_type_of(CN_TIMESTAMP);
    else if (word_eq(w, n, "timestamp_ntz")) t = cn_type_of(CN_TIMESTAMP_NTZ);
    else if (word_eq(w, n, "void") || word_eq(w, n, "null")) t = cn_type_of(CN_NULL);
    else if (word_eq(w, n, "decimal") || word_eq(w, n, "dec") || word_eq(w, n, "numeric")) {
        int a = 10, b = 0;
        int k = parse_params(&p, &a, &b);
        if (k < 0) return -1;
        if (k == 1) b = 0;
        if (a < 1 || a > CN_MAX_PRECISION || b > a) return -1;
        t = cn_type_decimal(a, b);
    } else if (word_eq(w, n, "interval")) {
        size_t n1;
        const char *f1 = next_word(p, &n1);
        p = f1 + n1;
        bool ym = iv_field_parse(f1, n1, true) >= 0;
        int start = iv_field_parse(f1, n1, ym);
        if (start < 0) return -1;
        int end = start;
        size_t n2;
        const char *w2 = next_word(p, &n2);
        if (word_eq(w2, n2, "to")) {
            size_t n3;
            const char *f3 = next_word(w2 + n2, &n3);
            end = iv_field_parse(f3, n3, ym);
            if (end < 0 || end <= start) return -1;
            p = f3 + n3;
        }
        t = cn_type_of(ym ? CN_INTERVAL_YM : CN_INTERVAL_DT);
        t.scale = (uint8_t)start;
        t.scale2 = (uint8_t)end;
    } else {
        return -1;
    }
    while (isspace((unsigned char)*p)) p++;
    if (*p) return -1;
    *out = t;
    return 0;
}

/* --- decimal type rules ---------------------------------------------------- */

cn_type cn_type_decimal_for(cn_type t)
{
    switch ((cn_kind)t.kind) {
    case CN_TINYINT: return cn_type_decimal(3, 0);
    case CN_SMALLINT: return cn_type_decimal(5, 0);
    case CN_INT: return cn_type_decimal(10, 0);
    case CN_BIGINT: return cn_type_decimal(20, 0);
    case CN_FLOAT: return cn_type_decimal(14, 7);
    case CN_DOUBLE: return cn_type_decimal(30, 15);
    case CN_DECIMAL: return t;
    default: return cn_type_decimal(10, 0);
    }
}

#define MIN_ADJUSTED_SCALE 6

cn_type cn_decimal_adjust(int precision, int scale)
{
    if (precision <= CN_MAX_PRECISION) return cn_type_decimal(precision, scale);
    int int_digits = precision - scale;
    int min_scale = CN_MIN(scale, MIN_ADJUSTED_SCALE);
    int adj = CN_MAX(CN_MAX_PRECISION - int_digits, min_scale);
    return cn_type_decimal(CN_MAX_PRECISION, adj);
}

static cn_type bounded(int p, int s) { return cn_type_decimal(CN_MIN(p, CN_MAX_PRECISION), CN_MIN(s, CN_MAX_PRECISION)); }

cn_type cn_decimal_add_type(cn_type a, cn_type b)
{
    a = cn_type_decimal_for(a);
    b = cn_type_decimal_for(b);
    int s = CN_MAX(a.scale, b.scale);
    int p = CN_MAX(a.precision - a.scale, b.precision - b.scale) + s + 1;
    return cn_decimal_adjust(p, s);
}

cn_type cn_decimal_mul_type(cn_type a, cn_type b)
{
    a = cn_type_decimal_for(a);
    b = cn_type_decimal_for(b);
    return cn_decimal_adjust(a.precision + b.precision + 1, a.scale + b.scale);
}

cn_type cn_decimal_div_type(cn_type a, cn_type b)
{
    a = cn_type_decimal_for(a);
    b = cn_type_decimal_for(b);
    int s = CN_MAX(MIN_ADJUSTED_SCALE, a.scale + b.precision + 1);
    int p = a.precision - a.scale + b.scale + s;
    return cn_decimal_adjust(p, s);
}

cn_type cn_decimal_mod_type(cn_type a, cn_type b)
{
    a = cn_type_decimal_for(a);
    b = cn_type_decimal_for(b);
    int s = CN_MAX(a.scale, b.scale);
    int p = CN_MIN(a.precision - a.scale, b.precision - b.scale) + s;
    return cn_decimal_adjust(p, s);
}

cn_type cn_decimal_sum_type(cn_type a)
{
    a = cn_type_decimal_for(a);
    return bounded(a.precision + 10, a.scale);
}

cn_type cn_decimal_avg_type(cn_type a)
{
    a = cn_type_decimal_for(a);
    return bounded(a.precision + 4, a.scale + 4);
}

/* --- wider types ------------------------------------------------------------- */

static int numeric_rank(cn_kind k)
{
    switch (k) {
    case CN_TINYINT: return 1;
    case CN_SMALLINT: return 2;
    case CN_INT: return 3;
    case CN_BIGINT: return 4;
    case CN_FLOAT: return 5;
    case CN_DOUBLE: return 6;
    default: return 0;
    }
}

static cn_type wider_decimal(cn_type a, cn_type b)
{
    a = cn_type_decimal_for(a);
    b = cn_type_decimal_for(b);
    int s = CN_MAX(a.scale, b.scale);
    int range = CN_MAX(a.precision - a.scale, b.precision - b.scale);
    return bounded(range + s, s);
}

cn_type cn_type_wider(cn_type a, cn_type b, bool *ok)
{
    *ok = true;
    if (cn_type_eq(a, b)) return a;
    if (a.kind == CN_NULL) return b;
    if (b.kind == CN_NULL) return a;
    int ra = numeric_rank((cn_kind)a.kind), rb = numeric_rank((cn_kind)b.kind);
    if (ra && rb) return ra >= rb ? a : b;
    if (a.kind == CN_DECIMAL || b.kind == CN_DECIMAL) {
        cn_type o = a.kind == CN_DECIMAL ? b : a;
        if (o.kind == CN_DECIMAL || cn_type_is_integral(o)) return wider_decimal(a, b);
        if (o.kind == CN_FLOAT || o.kind == CN_DOUBLE) return cn_type_of(CN_DOUBLE);
    }
    if ((a.kind == CN_DATE && b.kind == CN_TIMESTAMP) || (a.kind == CN_TIMESTAMP && b.kind == CN_DATE))
        return cn_type_of(CN_TIMESTAMP);
    /* Spark: DATE and TIMESTAMP_NTZ widen to TIMESTAMP_NTZ; both timestamps to TIMESTAMP */
    if ((a.kind == CN_DATE && b.kind == CN_TIMESTAMP_NTZ) || (a.kind == CN_TIMESTAMP_NTZ && b.kind == CN_DATE))
        return cn_type_of(CN_TIMESTAMP_NTZ);
    if ((a.kind == CN_TIMESTAMP && b.kind == CN_TIMESTAMP_NTZ) || (a.kind == CN_TIMESTAMP_NTZ && b.kind == CN_TIMESTAMP))
        return cn_type_of(CN_TIMESTAMP);
    if (a.kind == b.kind && (a.kind == CN_INTERVAL_DT || a.kind == CN_INTERVAL_YM)) {
        cn_type t = a;
        t.scale = CN_MIN(a.scale, b.scale);
        t.scale2 = CN_MAX(CN_MAX(a.scale, a.scale2), CN_MAX(b.scale, b.scale2));
        if (t.scale2 == t.scale) t.scale2 = t.scale;
        return t;
    }
    *ok = false;
    return a;
}
