/*
 * analyzer_expr.c — resolving expression ASTs into bound expressions.
 *
 * Column names are looked up case-insensitively in the block's scope, then
 * in the enclosing blocks' scopes (outer references of correlated
 * subqueries), and — depending on the clause — against the select list's
 * aliases (GROUP BY substitutes the aliased expression, HAVING and ORDER BY
 * reference the alias's output column). Literals get Spark's types (INT if
 * it fits, else BIGINT, else DECIMAL(n,0); 1.5 is DECIMAL(2,1); exponents are
 * DOUBLE); typed DATE/TIMESTAMP literals and INTERVALs are parsed here.
 * Functions, operators, casts and CASE go through the expression layer
 * (cn_expr_call & co), which owns type coercion; syntax sugar (BETWEEN, IS
 * [NOT] DISTINCT FROM, IS TRUE, EXTRACT, ||, FILTER (WHERE ...)) is desugared
 * here. Subqueries are analyzed with the current scope as their outer scope
 * and kept as CN_EX_SUBQUERY nodes for the optimizer.
 */
#include "plan/analyzer_internal.h"
#include "plan/opt_internal.h"

#include "base/config.h"
#include "types/datetime.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

char *az_quote(az *z, const char *s)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_putc(&sb, '`');
    for (const char *p = s; *p; p++) {
        if (*p == '`') cn_sb_putc(&sb, '`');
        cn_sb_putc(&sb, *p);
    }
    cn_sb_putc(&sb, '`');
    char *r = cn_arena_strdup(z->a, sb.s);
    cn_sb_free(&sb);
    return r;
}

char *az_sql_quoted(az *z, const cn_expr *e)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_putc(&sb, '"');
    cn_expr_sql(e, &sb);
    cn_sb_putc(&sb, '"');
    char *r = cn_arena_strdup(z->a, sb.s);
    cn_sb_free(&sb);
    return r;
}

static cn_expr *lit_value(az *z, cn_value v) { return cn_expr_lit(z->a, v); }

/* --------------------------------------------------------------- literals */

static int parse_decimal_text(const char *t, cn_i128 *unscaled, int *prec, int *scale)
{
    bool neg = false;
    const char *p = t;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    cn_i128 u = 0;
    int digits = 0, sc = 0, sig = 0;
    bool point = false;
    for (; *p; p++) {
        if (*p == '.') {
            if (point) return -1;
            point = true;
            continue;
        }
        if (!isdigit((unsigned char)*p)) return -1;
        if (sig > 0 || *p != '0') sig++;
        if (sig > 38) return -2;
        u = u * 10 + (*p - '0');
        digits++;
        if (point) sc++;
    }
    if (digits == 0) return -1;
    int pr = sig > 0 ? sig : 1;
    if (pr < sc) pr = sc;
    *unscaled = neg ? -u : u;
    *prec = pr;
    *scale = sc;
    return 0;
}

static cn_value decimal_value(cn_i128 u, int p, int s)
{
    cn_value v;
    memset(&v, 0, sizeof v);
    v.type = cn_type_decimal(p, s);
    if (p <= CN_DECIMAL64_MAX_PRECISION) v.v.i = (int64_t)u;
    else v.v.d = u;
    return v;
}

static int precision_error(az *z, const cn_ast *n, int digits)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", digits);
    return az_error_at(z, n, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "precision", buf, "maxPrecision", "38", NULL);
}

/* the lexer accepted a numeric literal whose digits the decimal parser refuses */
static int bad_numeric_literal(az *z, const cn_ast *n)
{
    return az_error_at(z, n, "INTERNAL_ERROR", "message",
                       cn_arena_printf(z->a, "the numeric literal %s cannot be parsed", n->u.lit.text), NULL);
}

static int count_digits(const char *t)
{
    int n = 0;
    bool sig = false;
    for (const char *p = t; *p; p++)
        if (isdigit((unsigned char)*p)) {
            if (*p != '0') sig = true;
            if (sig) n++;
        }
    return n;
}

int az_literal(az *z, const cn_ast *n, cn_expr **out)
{
    cn_value v;
    memset(&v, 0, sizeof v);
    const char *t = n->u.lit.text ? n->u.lit.text : "";
    switch (n->u.lit.kind) {
    case LIT_NULL: v = cn_value_null(cn_type_of(CN_NULL)); break;
    case LIT_BOOL:
        v.type = cn_type_of(CN_BOOLEAN);
        v.v.b = n->u.lit.val;
        break;
    case LIT_STRING: {
        size_t len = (size_t)n->u.lit.len;
        char *c = cn_arena_alloc(z->a, len + 1);
        if (len) memcpy(c, t, len);
        c[len] = 0;
        v.type = cn_type_of(CN_STRING);
        v.v.s = cn_str_view(c, (uint32_t)len);
        break;
    }
    case LIT_INTEGER: {
        char suf = n->u.lit.suffix;
        errno = 0;
        char *end = NULL;
        long long x = strtoll(t, &end, 10);
        bool fits64 = errno == 0 && end && *end == 0;
        if (suf == 'L' || suf == 'S' || suf == 'Y') {
            v.type = cn_type_of(suf == 'L' ? CN_BIGINT : suf == 'S' ? CN_SMALLINT : CN_TINYINT);
            v.v.i = x;
        } else if (suf == 'D' || suf == 'F') {
            v.type = cn_type_of(suf == 'D' ? CN_DOUBLE : CN_FLOAT);
            v.v.f = suf == 'D' ? strtod(t, NULL) : (double)strtof(t, NULL);
        } else if (suf == 'B') {
            cn_i128 u;
            int p, s;
            int rc = parse_decimal_text(t, &u, &p, &s);
            if (rc == -2) return precision_error(z, n, count_digits(t));
            if (rc) return bad_numeric_literal(z, n);
            v = decimal_value(u, p, s);
        } else if (fits64 && x >= INT32_MIN && x <= INT32_MAX) {
            v.type = cn_type_of(CN_INT);
            v.v.i = x;
        } else if (fits64) {
            v.type = cn_type_of(CN_BIGINT);
            v.v.i = x;
        } else {
            cn_i128 u;
            int p, s;
            int rc = parse_decimal_text(t, &u, &p, &s);
            if (rc == -2) return precision_error(z, n, count_digits(t));
            if (rc) return bad_numeric_literal(z, n);
            v = decimal_value(u, p, s);
        }
        break;
    }
    case LIT_DECIMAL: {
        if (n->u.lit.suffix == 'D' || n->u.lit.suffix == 'F') {
            v.type = cn_type_of(n->u.lit.suffix == 'D' ? CN_DOUBLE : CN_FLOAT);
            v.v.f = n->u.lit.suffix == 'D' ? strtod(t, NULL) : (double)strtof(t, NULL);
            break;
        }
        cn_i128 u;
        int p, s;
        const char *ex = strpbrk(t, "eE");
        if (ex && n->u.lit.suffix == 'B') {
            /* 20E2BD: a decimal with an exponent; a negative scale is folded into the digits */
            char *mant = cn_arena_strndup(z->a, t, (size_t)(ex - t));
            int rc = parse_decimal_text(mant, &u, &p, &s);
            if (rc == -2) return precision_error(z, n, count_digits(mant));
            if (rc) return bad_numeric_literal(z, n);
            long e = strtol(ex + 1, NULL, 10);
            s -= (int)e;
            while (s < 0) {
                u *= 10;
                s++;
            }
            int digits = 0;
            for (cn_i128 x = u < 0 ? -u : u; x != 0; x /= 10) digits++;
            p = digits > s ? digits : s;
            if (p < 1) p = 1;
            if (p > 38) return precision_error(z, n, p);
            v = decimal_value(u, p, s);
            break;
        }
        int rc = parse_decimal_text(t, &u, &p, &s);
        if (rc == -2) return precision_error(z, n, count_digits(t));
        if (rc) {
            /* an exponent slipped through: Spark types it DOUBLE */
            v.type = cn_type_of(CN_DOUBLE);
            v.v.f = strtod(t, NULL);
            break;
        }
        v = decimal_value(u, p, s);
        break;
    }
    case LIT_DOUBLE:
        if (n->u.lit.suffix == 'F') {
            v.type = cn_type_of(CN_FLOAT);
            v.v.f = (double)strtof(t, NULL);
        } else {
            v.type = cn_type_of(CN_DOUBLE);
            v.v.f = strtod(t, NULL);
        }
        break;
    }
    cn_expr *e = lit_value(z, v);
    e->start = n->start;
    e->stop = n->stop;
    *out = e;
    return 0;
}

static const char *conf_tz(az *z)
{
    const char *tz = z->ctx->conf ? cn_conf_get(z->ctx->conf, "spark.sql.session.timeZone") : NULL;
    return tz ? tz : "UTC";
}

int az_fold(az *z, cn_expr *e, cn_value *out)
{
    cn_eval_ctx ec;
    memset(&ec, 0, sizeof ec);
    ec.arena = z->a;
    ec.timezone = conf_tz(z);
    ec.ansi = z->ctx->conf ? cn_conf_get_bool(z->ctx->conf, "spark.sql.ansi.enabled") : true;
    ec.now_micros = z->now_micros;
    return cn_expr_eval_const(e, &ec, out, z->err);
}

static int typed_literal(az *z, const cn_ast *n, cn_expr **out)
{
    const char *ty = n->u.typed.type ? n->u.typed.type : "";
    const char *text = n->u.typed.text ? n->u.typed.text : "";
    cn_value v;
    memset(&v, 0, sizeof v);
    const char *vt = NULL;
    int rc = -1;
    if (!strcasecmp(ty, "DATE")) {
        vt = "\"DATE\"";
        int32_t d;
        rc = cn_parse_date(text, strlen(text), &d);
        v.type = cn_type_of(CN_DATE);
        v.v.i = d;
    } else if (!strcasecmp(ty, "TIMESTAMP") || !strcasecmp(ty, "TIMESTAMP_LTZ") || !strcasecmp(ty, "TIMESTAMP_NTZ")) {
        vt = !strcasecmp(ty, "TIMESTAMP_NTZ") ? "\"TIMESTAMP_NTZ\"" : "\"TIMESTAMP\"";
        int64_t us;
        bool ntz = !strcasecmp(ty, "TIMESTAMP_NTZ");
        rc = cn_parse_timestamp(text, strlen(text), ntz ? "UTC" : conf_tz(z), &us);
        v.type = cn_type_of(ntz ? CN_TIMESTAMP_NTZ : CN_TIMESTAMP);
        v.v.i = us;
    } else {
        /* other typed literals (X'..', INTERVAL '..'): parse as a cast from string */
        cn_type t;
        if (cn_type_parse(ty, &t) != 0)
            return az_error_at(z, n, "UNSUPPORTED_TYPED_LITERAL", "unsupportedType", az_quote(z, ty), "supportedTypes",
                               "\"DATE\", \"TIMESTAMP_NTZ\", \"TIMESTAMP_LTZ\", \"TIMESTAMP\", \"INTERVAL\", \"X\"",
                               NULL);
        char buf[64];
        vt = cn_arena_printf(z->a, "\"%s\"", cn_type_sql_name(t, buf, sizeof buf));
        rc = cn_parse_as(text, strlen(text), t, &v, z->a);
        v.type = t;
    }
    if (rc != 0)
        return az_error_at(z, n, "INVALID_TYPED_LITERAL", "valueType", vt, "value",
                           cn_arena_printf(z->a, "'%s'", text), NULL);
    cn_expr *e = lit_value(z, v);
    e->start = n->start;
    e->stop = n->stop;
    *out = e;
    return 0;
}

/* ---------------------------------------------------------------- intervals */

enum { F_YEAR, F_MONTH, F_WEEK, F_DAY, F_HOUR, F_MINUTE, F_SECOND, F_MS, F_US, F_BAD };

static int unit_of(const char *u)
{
    static const char *names[] = {"year", "month", "week", "day", "hour", "minute", "second", "millisecond",
                                  "microsecond"};
    if (!u) return F_BAD;
    size_t l = strlen(u);
    for (int i = 0; i < 9; i++) {
        size_t k = strlen(names[i]);
        if (!strncasecmp(u, names[i], k) && (l == k || (l == k + 1 && tolower((unsigned char)u[k]) == 's')))
            return i;
    }
    return F_BAD;
}

/* DayTimeIntervalType fields: DAY 0, HOUR 1, MINUTE 2, SECOND 3; YearMonth: YEAR 0, MONTH 1 */
static int dt_field(int u)
{
    switch (u) {
    case F_WEEK:
    case F_DAY: return 0;
    case F_HOUR: return 1;
    case F_MINUTE: return 2;
    default: return 3;
    }
}

/* Parse a (possibly fractional, signed) number of `unit` into months or micros: 0, -1 when
 * it is not a number, -2 when the interval leaves its type's range (months an int, micros a
 * long: Spark's "integer overflow" / "long overflow"). */
static int unit_amount(const char *txt, int u, int64_t *months, int64_t *micros)
{
    char *end;
    double d = strtod(txt, &end);
    while (end && isspace((unsigned char)*end)) end++;
    if (!end || end == txt || *end) return -1;
    errno = 0;
    long long whole = strtoll(txt, NULL, 10);
    if (errno == ERANGE) return -2;
    static const double per_unit[] = {0, 0, 7.0 * CN_MICROS_PER_DAY, (double)CN_MICROS_PER_DAY,
                                      3600.0 * CN_MICROS_PER_SECOND, 60.0 * CN_MICROS_PER_SECOND,
                                      (double)CN_MICROS_PER_SECOND, 1000.0, 1.0};
    int64_t add;
    switch (u) {
    case F_YEAR:
    case F_MONTH:
        if (__builtin_mul_overflow((int64_t)whole, u == F_YEAR ? 12 : 1, &add) ||
            __builtin_add_overflow(*months, add, months) || *months > INT32_MAX || *months < INT32_MIN)
            return -2;
        return 0;
    case F_US: add = whole; break;
    case F_WEEK:
    case F_DAY:
    case F_HOUR:
    case F_MINUTE:
    case F_SECOND:
    case F_MS: {
        double x = d * per_unit[u];
        /* 2^63 is exactly representable; anything at or past it does not fit a long */
        if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0)) return -2;
        add = (int64_t)llround(x);
        break;
    }
    default: return -1;
    }
    if (__builtin_add_overflow(*micros, add, micros)) return -2;
    return 0;
}

/* One field of a day-time interval string: digits, and for seconds a fraction (micros kept,
 * rounded as before). Spark's IntervalUtils checks each field's range: a leading field may hold
 * the whole interval, a later one its unit only. */
static const int64_t dt_field_max[2][4] = {
    {106751991, 23, 59, 59},                        /* not leading: day, hour, minute, second */
    {106751991, 2562047788, 153722867280, 9223372036}, /* leading: Long.MaxValue in that unit */
};
static const char *const dt_field_name[4] = {"day", "hour", "minute", "second"};
static const int64_t dt_field_micros[4] = {CN_MICROS_PER_DAY, 3600 * CN_MICROS_PER_SECOND,
                                           60 * CN_MICROS_PER_SECOND, CN_MICROS_PER_SECOND};

/* INTERVAL 'text' f TO t with f, t in DAY..SECOND. 0 and *micros, -1 malformed, -2 a field out
 * of its range (*range_msg says which, Spark's words), -3 the total overflows a long. */
static int day_time_fields(az *z, const char *s, int f, int t, bool neg, int64_t *micros, const char **range_msg)
{
    const char *p = s;
    int64_t total = 0;
    for (int field = f; field <= t; field++) {
        int k = field - F_DAY;
        if (!isdigit((unsigned char)*p)) return -1;
        int64_t v = 0;
        while (isdigit((unsigned char)*p)) {
            if (v > (INT64_MAX - 9) / 10) return -1;
            v = v * 10 + (*p++ - '0');
        }
        int64_t frac = 0; /* micros */
        if (field == F_SECOND && *p == '.') {
            p++;
            int nd = 0;
            int64_t scale = 100000;
            while (isdigit((unsigned char)*p)) {
                if (nd < 6) frac += (*p - '0') * scale, scale /= 10;
                else if (nd == 6 && *p >= '5') frac++; /* round half up at the seventh digit */
                nd++;
                p++;
            }
        }
        int64_t hi = dt_field_max[field == f][k];
        if (v > hi) {
            *range_msg = cn_arena_printf(z->a, "requirement failed: %s %lld outside range [0, %lld]",
                                         dt_field_name[k], (long long)v, (long long)hi);
            return -2;
        }
        /* the sign goes on every field, so the most negative long is reachable */
        int64_t part;
        if (__builtin_mul_overflow(v, dt_field_micros[k], &part) || __builtin_add_overflow(part, frac, &part))
            return -3;
        if (neg ? __builtin_sub_overflow(total, part, &total) : __builtin_add_overflow(total, part, &total))
            return -3;
        if (field < t) {
            if (field == F_DAY ? *p != ' ' : *p != ':') return -1;
            p++;
        }
    }
    while (*p == ' ') p++;
    if (*p) return -1;
    *micros = total;
    return 0;
}

/* Spark places a field-range error at the interval's string and units, not at INTERVAL */
static const cn_ast *from_quote(az *z, const cn_ast *n)
{
    const char *sql = z->ctx->sql;
    if (!sql || n->start < 0) return n;
    for (int i = n->start; i <= n->stop && sql[i]; i++)
        if (sql[i] == '\'' || sql[i] == '"') {
            cn_ast *c = cn_arena_alloc(z->a, sizeof *c);
            *c = *n;
            c->start = i;
            return c;
        }
    return n;
}

static int interval_overflow(az *z, const cn_ast *n, bool months)
{
    return az_error_at(z, n, "ARITHMETIC_OVERFLOW", "message", months ? "integer overflow" : "long overflow",
                       "alternative", "", "config", "\"spark.sql.ansi.enabled\"", NULL);
}

static int interval_literal(az *z, const cn_ast *n, cn_expr **out)
{
    int64_t months = 0, micros = 0;
    bool ym = false, dt = false;
    int lo = 99, hi = -1;
    const char *bad = NULL;
    if (n->u.interval.to && n->u.interval.n == 1) {
        /* INTERVAL 'str' FROM TO */
        int f = unit_of(n->u.interval.from ? n->u.interval.from : n->u.interval.units[0]);
        int t = unit_of(n->u.interval.to);
        const char *s = n->u.interval.values[0];
        bool neg = false;
        while (*s == ' ') s++;
        if (*s == '-' || *s == '+') neg = *s++ == '-';
        if (f == F_YEAR && t == F_MONTH) {
            long y = 0, m = 0;
            if (sscanf(s, "%ld-%ld", &y, &m) != 2) bad = n->u.interval.values[0];
            /* Spark: year in [0, 178956970], month in [0, 11] */
            if (!bad && (y < 0 || y > 178956970 || m < 0 || m > 11))
                return az_error_at(z, from_quote(z, n), "_LEGACY_ERROR_TEMP_0063", "msg",
                                   y < 0 || y > 178956970
                                       ? cn_arena_printf(z->a, "requirement failed: year %ld outside range [0, 178956970]", y)
                                       : cn_arena_printf(z->a, "requirement failed: month %ld outside range [0, 11]", m),
                                   NULL);
            months = y * 12 + m;
            ym = true;
            lo = 0;
            hi = 1;
        } else if (f >= F_DAY && f <= F_SECOND && t >= F_DAY && t <= F_SECOND && f <= t) {
            /* fields from f to t separated by ' ' (after day) and ':' */
            const char *range_msg = NULL;
            int rc = day_time_fields(z, s, f, t, neg, &micros, &range_msg);
            if (rc == -1) bad = n->u.interval.values[0];
            if (rc == -2) return az_error_at(z, from_quote(z, n), "_LEGACY_ERROR_TEMP_0063", "msg", range_msg, NULL);
            if (rc == -3) return interval_overflow(z, n, false);
            neg = false; /* the sign is in micros already */
            dt = true;
            lo = dt_field(f);
            hi = dt_field(t);
        } else {
            bad = n->u.interval.values[0];
        }
        if (neg) {
            months = -months;
            micros = -micros;
        }
    } else if (n->u.interval.n == 1 && !n->u.interval.units[0]) {
        /* INTERVAL '1 day 2 hours' */
        const char *s = n->u.interval.values[0];
        char *copy = cn_arena_strdup(z->a, s);
        char *save = NULL;
        char *tok = strtok_r(copy, " ", &save);
        if (tok && !strcasecmp(tok, "interval")) tok = strtok_r(NULL, " ", &save);
        if (!tok) bad = s;
        while (tok) {
            char *u = strtok_r(NULL, " ", &save);
            int f = unit_of(u);
            int rc = f == F_BAD ? -1 : unit_amount(tok, f, &months, &micros);
            if (rc == -2) return interval_overflow(z, n, f <= F_MONTH);
            if (rc != 0) {
                bad = s;
                break;
            }
            if (f <= F_MONTH) {
                ym = true;
                lo = CN_MIN(lo, f);
                hi = CN_MAX(hi, f);
            } else {
                dt = true;
                lo = CN_MIN(lo, dt_field(f));
                hi = CN_MAX(hi, dt_field(f));
            }
            tok = strtok_r(NULL, " ", &save);
        }
    } else {
        int ylo = 99, yhi = -1, dlo = 99, dhi = -1;
        for (int i = 0; i < n->u.interval.n; i++) {
            int f = unit_of(n->u.interval.units[i]);
            int rc = f == F_BAD ? -1 : unit_amount(n->u.interval.values[i], f, &months, &micros);
            if (rc == -2) return interval_overflow(z, n, f <= F_MONTH);
            if (rc != 0) {
                bad = n->u.interval.values[i];
                break;
            }
            if (f <= F_MONTH) {
                ym = true;
                ylo = CN_MIN(ylo, f);
                yhi = CN_MAX(yhi, f);
            } else {
                dt = true;
                dlo = CN_MIN(dlo, dt_field(f));
                dhi = CN_MAX(dhi, dt_field(f));
            }
        }
        lo = ym ? ylo : dlo;
        hi = ym ? yhi : dhi;
    }
    if (bad) {
        return az_error_at(z, n, "INVALID_INTERVAL_FORMAT.INVALID_UNIT", "input", cn_arena_printf(z->a, "'%s'", bad),
                           "unit", "interval", NULL);
    }
    if (ym && dt)
        return az_error_at(z, n, "_LEGACY_ERROR_TEMP_0029", "literal",
                           cn_arena_printf(z->a, "%.*s", n->stop - n->start + 1, z->ctx->sql ? z->ctx->sql + n->start : ""),
                           NULL);
    cn_value v;
    memset(&v, 0, sizeof v);
    if (ym) {
        v.type = cn_type_of(CN_INTERVAL_YM);
        v.v.i = months;
    } else {
        v.type = cn_type_of(CN_INTERVAL_DT);
        v.v.i = micros;
    }
    v.type.scale = (uint8_t)(lo < 0 || lo > 3 ? 0 : lo);
    v.type.scale2 = (uint8_t)(hi < 0 || hi > 3 ? v.type.scale : hi);
    cn_expr *e = lit_value(z, v);
    e->start = n->start;
    e->stop = n->stop;
    *out = e;
    return 0;
}

/* ----------------------------------------------------------------- columns */

cn_expr *az_col(az *z, const cn_attr *a)
{
    cn_expr *c = cn_expr_col(z->a, a->id, a->name, a->type, a->nullable);
    c->qualifier = a->qualifier;
    return c;
}

static int match(const az *z, const az_scope *s, char **parts, int nparts, int *idx, int max)
{
    int n = 0;
    for (int i = 0; i < s->n; i++) {
        const az_ent *e = &s->e[i];
        bool ok;
        if (nparts == 1) ok = !e->hidden && az_name_eq(z, e->a.name, parts[0]);
        else ok = az_name_eq(z, e->a.name, parts[nparts - 1]) && az_name_eq(z, e->a.qualifier, parts[nparts - 2]);
        if (!ok) continue;
        bool dup = false;
        for (int k = 0; k < n; k++)
            if (s->e[idx[k]].a.id == e->a.id) dup = true;
        if (!dup && n < max) idx[n++] = i;
    }
    return n;
}

static char *parts_quoted(az *z, char **parts, int nparts)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    for (int i = 0; i < nparts; i++) {
        if (i) cn_sb_putc(&sb, '.');
        cn_sb_puts(&sb, az_quote(z, parts[i]));
    }
    char *r = cn_arena_strdup(z->a, sb.s ? sb.s : "");
    cn_sb_free(&sb);
    return r;
}

static char *attr_quoted(az *z, const cn_attr *a)
{
    if (a->qualifier) return cn_arena_printf(z->a, "%s.%s", az_quote(z, a->qualifier), az_quote(z, a->name));
    return az_quote(z, a->name);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int az_resolve_column(az *z, az_scope *s, const cn_ast *n, char **parts, int nparts, cn_expr **out, bool *found)
{
    *found = false;
    int idx[16];
    for (az_scope *sc = s; sc; sc = sc->outer) {
        int m = match(z, sc, parts, nparts, idx, 16);
        if (m == 0 && nparts > 1) {
            /* maybe a.b where a is a column (struct field): unsupported, keep looking */
            continue;
        }
        if (m == 0) continue;
        if (m > 1) {
            /* Spark lists the candidates sorted */
            char *names[16];
            for (int k = 0; k < m; k++) names[k] = attr_quoted(z, &sc->e[idx[k]].a);
            qsort(names, (size_t)m, sizeof names[0], cmp_str);
            cn_strbuf sb;
            cn_sb_init(&sb);
            cn_sb_putc(&sb, '[');
            for (int k = 0; k < m; k++) {
                if (k) cn_sb_puts(&sb, ", ");
                cn_sb_puts(&sb, names[k]);
            }
            cn_sb_putc(&sb, ']');
            char *refs = cn_arena_strdup(z->a, sb.s);
            cn_sb_free(&sb);
            return az_error_at(z, n, "AMBIGUOUS_REFERENCE", "name", parts_quoted(z, parts, nparts), "referenceNames",
                               refs, NULL);
        }
        cn_expr *c = az_col(z, &sc->e[idx[0]].a);
        c->start = n ? n->start : -1;
        c->stop = n ? n->stop : -1;
        *out = c;
        *found = true;
        return 0;
    }
    return 0;
}

static int levenshtein(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 200 || lb > 200) return abs(la - lb) + 200;
    int prev[201], cur[201];
    for (int j = 0; j <= lb; j++) prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        for (int j = 1; j <= lb; j++) {
            int c = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = prev[j - 1] + c;
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            cur[j] = v;
        }
        memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
    }
    return prev[lb];
}

int az_unresolved(az *z, az_scope *s, const cn_ast *n, char **parts, int nparts)
{
    /* Spark: candidates are the input's attributes, ordered by edit distance; shown
     * unqualified when they all share one qualifier; at most five. */
    int nc = 0;
    for (int i = 0; s && i < s->n; i++)
        if (!s->e[i].hidden) nc++;
    char *name = parts_quoted(z, parts, nparts);
    if (nc == 0)
        return az_error_at(z, n, "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "objectName", name, NULL);
    const cn_attr **c = cn_arena_alloc(z->a, sizeof(cn_attr *) * (size_t)nc);
    int *dist = cn_arena_alloc(z->a, sizeof(int) * (size_t)nc);
    bool same_q = true;
    const char *q0 = NULL;
    int k = 0;
    char full[512];
    snprintf(full, sizeof full, "%s", parts[nparts - 1]);
    for (int i = 0; i < s->n; i++) {
        if (s->e[i].hidden) continue;
        c[k] = &s->e[i].a;
        if (k == 0) q0 = c[k]->qualifier;
        else if (!(q0 == c[k]->qualifier || (q0 && c[k]->qualifier && !strcmp(q0, c[k]->qualifier)))) same_q = false;
        if (nparts > 1) {
            char cand[512], base[512];
            snprintf(cand, sizeof cand, "%s.%s", c[k]->qualifier ? c[k]->qualifier : "", c[k]->name);
            snprintf(base, sizeof base, "%s.%s", parts[nparts - 2], parts[nparts - 1]);
            dist[k] = levenshtein(cand, base);
        } else {
            dist[k] = levenshtein(c[k]->name, full);
        }
        k++;
    }
    /* stable insertion sort by distance */
    for (int i = 1; i < nc; i++) {
        const cn_attr *ca = c[i];
        int d = dist[i], j = i - 1;
        while (j >= 0 && dist[j] > d) {
            c[j + 1] = c[j];
            dist[j + 1] = dist[j];
            j--;
        }
        c[j + 1] = ca;
        dist[j + 1] = d;
    }
    cn_strbuf sb;
    cn_sb_init(&sb);
    for (int i = 0; i < nc && i < 5; i++) {
        if (i) cn_sb_puts(&sb, ", ");
        if (same_q || !c[i]->qualifier) cn_sb_puts(&sb, az_quote(z, c[i]->name));
        else cn_sb_puts(&sb, attr_quoted(z, c[i]));
    }
    char *prop = cn_arena_strdup(z->a, sb.s ? sb.s : "");
    cn_sb_free(&sb);
    return az_error_at(z, n, "UNRESOLVED_COLUMN.WITH_SUGGESTION", "objectName", name, "proposal", prop, NULL);
}

static int resolve_column_ast(az *z, az_ectx *ec, const cn_ast *n, cn_expr **out)
{
    char **parts = n->u.name.parts;
    int nparts = n->u.name.n;
    if (ec->inline_table) {
        bool found = false;
        cn_expr *c = NULL;
        if (ec->scope && az_resolve_column(z, ec->scope, n, parts, nparts, &c, &found) != 0) return -1;
        if (found) {
            char *q = c->qualifier ? cn_arena_printf(z->a, "\"outer(%s.%s)\"", c->qualifier, c->name)
                                   : cn_arena_printf(z->a, "\"outer(%s)\"", c->name);
            return az_error_at(z, n, "INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE", "expr", q,
                               NULL);
        }
        return az_error_at(z, n, "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "objectName",
                           parts_quoted(z, parts, nparts), NULL);
    }
    if (ec->alias_mode && ec->aliases_first && nparts == 1) {
        for (int i = 0; i < ec->nalias; i++)
            if (az_name_eq(z, ec->alias_names[i], parts[0])) {
                /* an output column of the block (ORDER BY) */
                int dup = 0;
                for (int k = i + 1; k < ec->nalias; k++)
                    if (az_name_eq(z, ec->alias_names[k], parts[0]) && ec->alias_attrs[k].id != ec->alias_attrs[i].id) dup = 1;
                if (dup) break; /* ambiguous among outputs: fall back to the input */
                cn_expr *c = az_col(z, &ec->alias_attrs[i]);
                c->start = n->start;
                c->stop = n->stop;
                *out = c;
                return 0;
            }
    }
    bool found = false;
    if (ec->scope) {
        /* only the block's own scope first; outer scopes after the aliases */
        az_scope *outer = ec->scope->outer;
        ec->scope->outer = NULL;
        int rc = az_resolve_column(z, ec->scope, n, parts, nparts, out, &found);
        ec->scope->outer = outer;
        if (rc != 0) return -1;
        if (found) return 0;
    }
    if (ec->alias_mode && nparts == 1) {
        for (int i = 0; i < ec->nalias; i++)
            if (az_name_eq(z, ec->alias_names[i], parts[0])) {
                if (ec->alias_mode == 1) {
                    if (cn_expr_has_agg(ec->alias_exprs[i])) {
                        char *sql = NULL;
                        cn_strbuf sb;
                        cn_sb_init(&sb);
                        cn_expr_sql(ec->alias_exprs[i], &sb);
                        sql = cn_arena_printf(z->a, "\"%s\"", sb.s ? sb.s : "");
                        cn_sb_free(&sb);
                        return az_error_at(z, n, "GROUP_BY_AGGREGATE", "sqlExpr", sql, NULL);
                    }
                    *out = cn_expr_copy(z->a, ec->alias_exprs[i]);
                } else {
                    *out = az_col(z, &ec->alias_attrs[i]);
                }
                return 0;
            }
    }
    if (ec->scope && ec->scope->outer) {
        if (az_resolve_column(z, ec->scope->outer, n, parts, nparts, out, &found) != 0) return -1;
        if (found) return 0;
    }
    return az_unresolved(z, ec->scope, n, parts, nparts);
}

/* ---------------------------------------------------------------- helpers */

static int call(az *z, const cn_ast *n, const char *name, cn_expr **args, int nargs, cn_expr **out)
{
    if (cn_expr_call(z->a, name, args, nargs, false, false, out, z->err) != 0) {
        if (n) cn_error_context(z->err, z->ctx->sql, n->start, n->stop);
        return -1;
    }
    (*out)->start = n ? n->start : -1;
    (*out)->stop = n ? n->stop : -1;
    return 0;
}

static int call1(az *z, const cn_ast *n, const char *name, cn_expr *a, cn_expr **out)
{
    cn_expr *args[1] = {a};
    return call(z, n, name, args, 1, out);
}

static int call2(az *z, const cn_ast *n, const char *name, cn_expr *a, cn_expr *b, cn_expr **out)
{
    cn_expr *args[2] = {a, b};
    return call(z, n, name, args, 2, out);
}

static cn_expr *subquery_expr(az *z, cn_lplan *plan, int kind, cn_type t)
{
    cn_expr *e = cn_expr_new(z->a, CN_EX_SUBQUERY, t, 0);
    e->subq = plan;
    e->subq_kind = kind;
    e->subq_id = z->next_subq++;
    e->nullable = true;
    return e;
}

static int analyze_subquery(az *z, az_ectx *ec, const cn_ast *q, cn_lplan **out)
{
    return az_query(z, q, ec->scope, out);
}

static const char *extract_func(const char *f)
{
    static const struct { const char *field, *fn; } map[] = {
        {"year", "year"}, {"years", "year"}, {"y", "year"}, {"yr", "year"}, {"yrs", "year"},
        {"month", "month"}, {"months", "month"}, {"mon", "month"}, {"mons", "month"},
        {"day", "day"}, {"days", "day"}, {"d", "day"},
        {"quarter", "quarter"}, {"qtr", "quarter"},
        {"hour", "hour"}, {"hours", "hour"}, {"h", "hour"}, {"hr", "hour"}, {"hrs", "hour"},
        {"minute", "minute"}, {"minutes", "minute"}, {"m", "minute"}, {"min", "minute"}, {"mins", "minute"},
        {"second", "second"}, {"seconds", "second"}, {"s", "second"}, {"sec", "second"}, {"secs", "second"},
        {"dayofweek", "dayofweek"}, {"dow", "dayofweek"}, {"doy", "dayofyear"}, {"dayofyear", "dayofyear"},
        {"week", "weekofyear"}, {"weeks", "weekofyear"}, {"w", "weekofyear"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(map[i].field, f)) return map[i].fn;
    return NULL;
}

static int resolve_list(az *z, az_ectx *ec, const cn_ast_list *l, cn_expr ***out)
{
    cn_expr **v = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(l->n + 1));
    for (int i = 0; i < l->n; i++)
        if (az_expr(z, ec, l->items[i], &v[i]) != 0) return -1;
    *out = v;
    return 0;
}

static bool has_star_arg(const cn_ast_list *l)
{
    for (int i = 0; i < l->n; i++)
        if (l->items[i]->kind == AST_STAR) return true;
    return false;
}

/* Arguments with `*` / `t.*` expanded to the scope's columns (count(t.*), count(DISTINCT *)). */
static int expand_star_args(az *z, az_ectx *ec, const cn_ast_list *l, cn_expr ***out, int *nout)
{
    int cap = l->n + 1;
    for (int i = 0; i < l->n; i++)
        if (l->items[i]->kind == AST_STAR && ec->scope) cap += ec->scope->n;
    cn_expr **v = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)cap);
    int n = 0;
    for (int i = 0; i < l->n; i++) {
        const cn_ast *it = l->items[i];
        if (it->kind != AST_STAR) {
            if (az_expr(z, ec, it, &v[n++]) != 0) return -1;
            continue;
        }
        const cn_name *q = &it->u.star.qualifier;
        int before = n;
        for (int k = 0; ec->scope && k < ec->scope->n; k++) {
            const az_ent *e = &ec->scope->e[k];
            if (e->hidden) continue;
            if (q->n > 0 && !az_name_eq(z, e->a.qualifier, q->parts[q->n - 1])) continue;
            v[n++] = az_col(z, &e->a);
        }
        if (n == before)
            return az_error_at(z, it, "CANNOT_RESOLVE_STAR_EXPAND", "targetString", cn_name_quoted(z->a, q),
                               "columns", az_scope_columns(z, ec->scope), NULL);
    }
    *out = v;
    *nout = n;
    return 0;
}

static int resolve_func(az *z, az_ectx *ec, const cn_ast *n, cn_expr **out)
{
    char *name = cn_arena_strdup(z->a, n->u.func.name ? n->u.func.name : "");
    for (char *p = name; *p; p++) *p = (char)tolower((unsigned char)*p);
    if (n->u.func.over)
        return az_error_at(z, n, "UNSUPPORTED_FEATURE", "detail", "window functions", NULL);
    bool is_agg = cn_agg_lookup(name) >= 0 || !strcmp(name, "count");
    if (is_agg) {
        if (ec->in_agg) {
            return az_error_at(z, n, "NESTED_AGGREGATE_FUNCTION", NULL);
        }
        bool is_count = !strcmp(name, "count");
        bool legacy_count = is_count && !n->u.func.is_star && n->u.func.args.n == 0;
        if (legacy_count && az_conf_bool(z, "spark.sql.legacy.allowParameterlessCount", false)) {
            /* legacy count(): counts nothing (0), named count() */
            cn_expr *nul = cn_expr_lit(z->a, cn_value_null(cn_type_of(CN_NULL))), *e;
            if (cn_expr_call(z->a, "count", &nul, 1, false, true, &e, z->err) != 0) return -1;
            e->start = n->start;
            e->stop = n->stop;
            ec->found_agg = true;
            *out = e;
            return 0;
        }
        if (legacy_count)
            return az_error_at(z, n, "WRONG_NUM_ARGS.WITH_SUGGESTION", "functionName", "`count`", "expectedNum",
                               " >= 1", "actualNum", "0", "legacyNum", "0", "legacyConfKey",
                               "\"spark.sql.legacy.allowParameterlessCount\"", "legacyConfValue", "\"true\"", NULL);
        bool save = ec->in_agg;
        ec->in_agg = true;
        cn_expr **args = NULL;
        int nargs = n->u.func.args.n;
        int rc;
        if (is_count && has_star_arg(&n->u.func.args)) {
            /* count(t.*) / count(DISTINCT *) / count(t.*, t.*): the star's columns as arguments */
            const cn_ast *a0 = n->u.func.args.items[0];
            if (nargs == 1 && a0->kind == AST_STAR && a0->u.star.qualifier.n == 1 && !n->u.func.distinct &&
                !az_conf_bool(z, "spark.sql.legacy.allowStarWithSingleTableIdentifierInCount", false)) {
                ec->in_agg = save;
                return az_error_at(z, n, "_LEGACY_ERROR_TEMP_1021", "targetString", a0->u.star.qualifier.parts[0],
                                   NULL);
            }
            rc = expand_star_args(z, ec, &n->u.func.args, &args, &nargs);
        } else {
            rc = resolve_list(z, ec, &n->u.func.args, &args);
        }
        cn_expr *filter = NULL;
        if (rc == 0 && n->u.func.filter) rc = az_expr(z, ec, n->u.func.filter, &filter);
        ec->in_agg = save;
        if (rc) return -1;
        cn_expr *e;
        if (n->u.func.is_star || (!strcmp(name, "count") && nargs == 0)) {
            if (filter) {
                /* count(*) FILTER (WHERE c) = count(CASE WHEN c THEN 1 END) */
                cn_value one;
                memset(&one, 0, sizeof one);
                one.type = cn_type_of(CN_INT);
                one.v.i = 1;
                cn_expr *w[1] = {filter}, *t[1] = {cn_expr_lit(z->a, one)}, *c;
                if (cn_expr_case(z->a, w, t, 1, NULL, &c, z->err) != 0) return -1;
                if (cn_expr_call(z->a, "count", &c, 1, false, true, &e, z->err) != 0) goto fail;
            } else {
                e = cn_expr_count_star(z->a);
            }
        } else {
            if (filter && nargs >= 1) {
                cn_expr *w[1] = {filter}, *t[1] = {args[0]}, *c;
                if (cn_expr_case(z->a, w, t, 1, NULL, &c, z->err) != 0) goto fail;
                args[0] = c;
            }
            if (cn_expr_call(z->a, name, args, nargs, n->u.func.distinct, true, &e, z->err) != 0) goto fail;
        }
        e->start = n->start;
        e->stop = n->stop;
        ec->found_agg = true;
        *out = e;
        return 0;
    fail:
        cn_error_context(z->err, z->ctx->sql, n->start, n->stop);
        return -1;
    }
    cn_expr **args = NULL;
    if (resolve_list(z, ec, &n->u.func.args, &args) != 0) return -1;
    if (cn_expr_call(z->a, name, args, n->u.func.args.n, n->u.func.distinct, false, out, z->err) != 0) {
        cn_error_context(z->err, z->ctx->sql, n->start, n->stop);
        return -1;
    }
    (*out)->start = n->start;
    (*out)->stop = n->stop;
    return 0;
}

static int resolve_in_subquery(az *z, az_ectx *ec, const cn_ast *n, cn_expr **out)
{
    const cn_ast *l = n->u.in.arg;
    int nl = l->kind == AST_PAREN_LIST ? l->u.list.n : 1;
    cn_expr **lv = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(nl + 1));
    if (l->kind == AST_PAREN_LIST) {
        for (int i = 0; i < nl; i++)
            if (az_expr(z, ec, l->u.list.items[i], &lv[i]) != 0) return -1;
    } else if (az_expr(z, ec, l, &lv[0]) != 0) {
        return -1;
    }
    cn_lplan *sp;
    if (analyze_subquery(z, ec, n->u.in.query, &sp) != 0) return -1;
    if (sp->nout != nl) {
        cn_strbuf sb;
        cn_sb_init(&sb);
        cn_sb_printf(&sb, "\"%.*s\"", n->stop - n->start + 1, z->ctx->sql ? z->ctx->sql + n->start : "");
        char *sql = cn_arena_strdup(z->a, sb.s);
        /* the columns of each side as Spark quotes expressions: "a1", "b1" */
        cn_sb_reset(&sb);
        for (int i = 0; i < nl; i++) cn_sb_printf(&sb, "%s%s", i ? ", " : "", az_sql_quoted(z, lv[i]));
        char *lcols = cn_arena_strdup(z->a, sb.s ? sb.s : "");
        cn_sb_reset(&sb);
        for (int i = 0; i < sp->nout; i++) cn_sb_printf(&sb, "%s\"%s\"", i ? ", " : "", sp->out[i].name);
        char *rcols = cn_arena_strdup(z->a, sb.s ? sb.s : "");
        cn_sb_free(&sb);
        return az_error_at(z, n, "DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH", "sqlExpr", sql, "leftLength",
                           cn_arena_printf(z->a, "%d", nl), "rightLength", cn_arena_printf(z->a, "%d", sp->nout),
                           "leftColumns", lcols, "rightColumns", rcols, NULL);
    }
    /* widen both sides to a common type per column */
    bool need_proj = false;
    cn_type *wt = cn_arena_alloc(z->a, sizeof(cn_type) * (size_t)(nl + 1));
    for (int i = 0; i < nl; i++) {
        bool ok = true;
        wt[i] = cn_type_eq(lv[i]->type, sp->out[i].type) ? lv[i]->type : cn_type_wider(lv[i]->type, sp->out[i].type, &ok);
        if (!ok) {
            char b1[64], b2[64];
            /* the types of every column of each side, as Spark lists them */
            cn_strbuf lt, rt;
            cn_sb_init(&lt);
            cn_sb_init(&rt);
            for (int k = 0; k < nl; k++) {
                cn_sb_printf(&lt, "%s\"%s\"", k ? ", " : "", cn_type_sql_name(lv[k]->type, b1, sizeof b1));
                cn_sb_printf(&rt, "%s\"%s\"", k ? ", " : "", cn_type_sql_name(sp->out[k].type, b2, sizeof b2));
            }
            char *ltypes = cn_arena_strdup(z->a, lt.s ? lt.s : ""), *rtypes = cn_arena_strdup(z->a, rt.s ? rt.s : "");
            cn_sb_free(&lt);
            cn_sb_free(&rt);
            char *sql = cn_arena_printf(z->a, "\"%.*s\"", n->stop - n->start + 1, z->ctx->sql ? z->ctx->sql + n->start : "");
            return az_error_at(z, n, "DATATYPE_MISMATCH.IN_SUBQUERY_DATA_TYPE_MISMATCH", "mismatchedColumns",
                               cn_arena_printf(z->a, "(%s:%s, %s:%s)", lv[i]->name ? lv[i]->name : "value",
                                               cn_type_sql_name(lv[i]->type, b1, sizeof b1), sp->out[i].name,
                                               cn_type_sql_name(sp->out[i].type, b2, sizeof b2)),
                               "sqlExpr", sql, "leftType", ltypes, "rightType", rtypes, NULL);
        }
        lv[i] = cn_expr_coerce(z->a, lv[i], wt[i]);
        if (!cn_type_eq(sp->out[i].type, wt[i])) need_proj = true;
    }
    if (need_proj) {
        cn_lplan *p = cn_lplan_new(z->a, LP_PROJECT, 1);
        p->children[0] = sp;
        p->nexprs = p->nout = nl;
        p->exprs = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(nl + 1));
        p->out = cn_arena_calloc(z->a, sizeof(cn_attr) * (size_t)(nl + 1));
        for (int i = 0; i < nl; i++) {
            cn_expr *c = az_col(z, &sp->out[i]);
            p->out[i] = sp->out[i];
            if (!cn_type_eq(c->type, wt[i])) {
                c = cn_expr_coerce(z->a, c, wt[i]);
                p->out[i].id = cn_next_attr_id();
                p->out[i].type = wt[i];
            }
            p->exprs[i] = c;
        }
        sp = p;
    }
    cn_expr *e = subquery_expr(z, sp, 2, cn_type_of(CN_BOOLEAN));
    e->nargs = nl;
    e->args = lv;
    e->start = n->start;
    e->stop = n->stop;
    if (n->u.in.negated) return call1(z, n, "not", e, out);
    *out = e;
    return 0;
}

int az_expr(az *z, az_ectx *ec, const cn_ast *n, cn_expr **out)
{
    switch (n->kind) {
    case AST_LITERAL: return az_literal(z, n, out);
    case AST_TYPED_LITERAL: return typed_literal(z, n, out);
    case AST_INTERVAL: return interval_literal(z, n, out);
    case AST_COLUMN: return resolve_column_ast(z, ec, n, out);
    case AST_STAR:
        return az_error_at(z, n, "INVALID_USAGE_OF_STAR_OR_REGEX", "elem", "'*'", "prettyName", "expression", NULL);
    case AST_FUNC: return resolve_func(z, ec, n, out);
    case AST_BINARY: {
        cn_expr *l, *r;
        if (az_expr(z, ec, n->u.binary.l, &l) != 0 || az_expr(z, ec, n->u.binary.r, &r) != 0) return -1;
        const char *op = n->u.binary.op;
        if (!strcmp(op, "==")) op = "=";
        else if (!strcmp(op, "!=")) op = "<>";
        else if (!strcmp(op, "||")) op = "concat";
        else if (!strcasecmp(op, "and")) op = "and";
        else if (!strcasecmp(op, "or")) op = "or";
        else if (!strcasecmp(op, "div")) op = "div";
        return call2(z, n, op, l, r, out);
    }
    case AST_UNARY: {
        cn_expr *a;
        if (az_expr(z, ec, n->u.unary.arg, &a) != 0) return -1;
        const char *op = n->u.unary.op;
        if (!strcmp(op, "-")) return call1(z, n, "negative", a, out);
        if (!strcmp(op, "+")) return call1(z, n, "positive", a, out);
        if (!strcasecmp(op, "not") || !strcmp(op, "!")) return call1(z, n, "not", a, out);
        return call1(z, n, op, a, out);
    }
    case AST_CASE: {
        int nw = n->u.case_.whens.n;
        cn_expr **w = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(nw + 1));
        cn_expr **t = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(nw + 1));
        cn_expr *operand = NULL, *el = NULL;
        if (n->u.case_.operand && az_expr(z, ec, n->u.case_.operand, &operand) != 0) return -1;
        for (int i = 0; i < nw; i++) {
            if (az_expr(z, ec, n->u.case_.whens.items[i], &w[i]) != 0) return -1;
            if (operand && call2(z, n->u.case_.whens.items[i], "=", cn_expr_copy(z->a, operand), w[i], &w[i]) != 0)
                return -1;
            if (az_expr(z, ec, n->u.case_.thens.items[i], &t[i]) != 0) return -1;
        }
        if (n->u.case_.else_ && az_expr(z, ec, n->u.case_.else_, &el) != 0) return -1;
        if (cn_expr_case(z->a, w, t, nw, el, out, z->err) != 0) {
            cn_error_context(z->err, z->ctx->sql, n->start, n->stop);
            return -1;
        }
        (*out)->start = n->start;
        (*out)->stop = n->stop;
        return 0;
    }
    case AST_CAST: {
        cn_expr *a;
        if (az_expr(z, ec, n->u.cast.arg, &a) != 0) return -1;
        cn_type t;
        if (cn_type_parse(n->u.cast.type, &t) != 0)
            return az_error_at(z, n, "UNSUPPORTED_DATATYPE", "typeName",
                               cn_arena_printf(z->a, "\"%s\"", n->u.cast.type), NULL);
        if (cn_expr_cast(z->a, a, t, n->u.cast.is_try, out, z->err) != 0) {
            cn_error_context(z->err, z->ctx->sql, n->start, n->stop);
            return -1;
        }
        (*out)->start = n->start;
        (*out)->stop = n->stop;
        return 0;
    }
    case AST_IN_LIST: {
        const cn_ast *l = n->u.in.arg;
        if (l->kind == AST_PAREN_LIST && l->u.list.n > 1) {
            /* (a, b) IN ((1, 2), (3, 4)) -> (a = 1 AND b = 2) OR (a = 3 AND b = 4) */
            cn_expr *any = NULL;
            for (int r = 0; r < n->u.in.list.n; r++) {
                const cn_ast *row = n->u.in.list.items[r];
                if (row->kind != AST_PAREN_LIST || row->u.list.n != l->u.list.n)
                    return az_error_at(z, n, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "sqlExpr", "\"in\"", "functionName",
                                       "`in`", "dataType", "", NULL);
                cn_expr *all = NULL;
                for (int i = 0; i < l->u.list.n; i++) {
                    cn_expr *a, *b, *eq;
                    if (az_expr(z, ec, l->u.list.items[i], &a) != 0 || az_expr(z, ec, row->u.list.items[i], &b) != 0)
                        return -1;
                    if (call2(z, n, "=", a, b, &eq) != 0) return -1;
                    if (all && call2(z, n, "and", all, eq, &eq) != 0) return -1;
                    all = eq;
                }
                if (any && call2(z, n, "or", any, all, &all) != 0) return -1;
                any = all;
            }
            if (n->u.in.negated) return call1(z, n, "not", any, out);
            *out = any;
            return 0;
        }
        int nl = n->u.in.list.n;
        cn_expr **args = cn_arena_alloc(z->a, sizeof(cn_expr *) * (size_t)(nl + 2));
        if (az_expr(z, ec, l, &args[0]) != 0) return -1;
        for (int i = 0; i < nl; i++)
            if (az_expr(z, ec, n->u.in.list.items[i], &args[i + 1]) != 0) return -1;
        cn_expr *e;
        if (call(z, n, "in", args, nl + 1, &e) != 0) return -1;
        if (n->u.in.negated) return call1(z, n, "not", e, out);
        *out = e;
        return 0;
    }
    case AST_IN_SUBQUERY: return resolve_in_subquery(z, ec, n, out);
    case AST_EXISTS: {
        cn_lplan *sp;
        if (analyze_subquery(z, ec, n->u.sub.query, &sp) != 0) return -1;
        cn_expr *e = subquery_expr(z, sp, 1, cn_type_of(CN_BOOLEAN));
        e->nullable = false;
        e->start = n->start;
        e->stop = n->stop;
        if (n->u.sub.negated) return call1(z, n, "not", e, out);
        *out = e;
        return 0;
    }
    case AST_SCALAR_SUBQUERY: {
        cn_lplan *sp;
        if (analyze_subquery(z, ec, n->u.sub.query, &sp) != 0) return -1;
        if (sp->nout != 1)
            return az_error_at(z, n, "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
                               "number", cn_arena_printf(z->a, "%d", sp->nout), NULL);
        cn_expr *e = subquery_expr(z, sp, 0, sp->out[0].type);
        e->start = n->start;
        e->stop = n->stop;
        *out = e;
        return 0;
    }
    case AST_BETWEEN: {
        cn_expr *a, *lo, *hi, *ge, *le, *both;
        if (az_expr(z, ec, n->u.between.arg, &a) != 0 || az_expr(z, ec, n->u.between.lo, &lo) != 0 ||
            az_expr(z, ec, n->u.between.hi, &hi) != 0)
            return -1;
        /* between(a, lo, hi): Spark's name; the optimizer turns it into a >= lo AND a <= hi */
        cn_expr *args3[3] = {a, lo, hi};
        (void)ge;
        (void)le;
        if (call(z, n, "between", args3, 3, &both) != 0) return -1;
        if (n->u.between.negated) return call1(z, n, "not", both, out);
        *out = both;
        return 0;
    }
    case AST_LIKE: {
        cn_expr *a, *p, *e;
        if (az_expr(z, ec, n->u.like.arg, &a) != 0 || az_expr(z, ec, n->u.like.pattern, &p) != 0) return -1;
        const char *op = n->u.like.op[0] ? n->u.like.op : "like";
        if (!strcasecmp(op, "ilike")) {
            if (call1(z, n, "lower", a, &a) != 0 || call1(z, n, "lower", p, &p) != 0) return -1;
            op = "like";
        }
        char lop[8];
        snprintf(lop, sizeof lop, "%s", op);
        for (char *q = lop; *q; q++) *q = (char)tolower((unsigned char)*q);
        if (n->u.like.has_escape && !strcmp(lop, "like")) {
            /* the escape goes in as like's third argument, so the pattern is compiled with it */
            cn_value ev;
            memset(&ev, 0, sizeof ev);
            ev.type = cn_type_of(CN_STRING);
            char *c = cn_arena_alloc(z->a, 2);
            c[0] = n->u.like.escape;
            c[1] = 0;
            ev.v.s = cn_str_view(c, 1);
            cn_expr *args3[3] = {a, p, cn_expr_lit(z->a, ev)};
            if (call(z, n, lop, args3, 3, &e) != 0) return -1;
        } else if (call2(z, n, lop, a, p, &e) != 0) {
            return -1;
        }
        if (n->u.like.negated) return call1(z, n, "not", e, out);
        *out = e;
        return 0;
    }
    case AST_IS: {
        cn_expr *a, *e;
        if (az_expr(z, ec, n->u.is.arg, &a) != 0) return -1;
        switch (n->u.is.what) {
        case IS_NULL_:
        case IS_UNKNOWN_: return call1(z, n, n->u.is.negated ? "isnotnull" : "isnull", a, out);
        case IS_TRUE_:
        case IS_FALSE_:
            if (call2(z, n, "<=>", a, cn_expr_bool(z->a, n->u.is.what == IS_TRUE_), &e) != 0) return -1;
            break;
        case IS_DISTINCT_FROM_: {
            cn_expr *b;
            if (az_expr(z, ec, n->u.is.other, &b) != 0) return -1;
            if (call2(z, n, "<=>", a, b, &e) != 0) return -1;
            /* IS DISTINCT FROM = NOT (a <=> b); IS NOT DISTINCT FROM = a <=> b */
            if (!n->u.is.negated) return call1(z, n, "not", e, out);
            *out = e;
            return 0;
        }
        default:
            return az_error_at(z, n, "INTERNAL_ERROR", "message",
                               cn_arena_printf(z->a, "the analyzer has no rule for IS predicate %d", (int)n->u.is.what),
                               NULL);
        }
        if (n->u.is.negated) return call1(z, n, "not", e, out);
        *out = e;
        return 0;
    }
    case AST_EXTRACT: {
        const char *fn = extract_func(n->u.extract.field ? n->u.extract.field : "");
        cn_expr *a;
        if (az_expr(z, ec, n->u.extract.arg, &a) != 0) return -1;
        if (!fn)
            return az_error_at(z, n, "INVALID_EXTRACT_FIELD", "field", az_quote(z, n->u.extract.field), "expr",
                               az_sql_quoted(z, a), NULL);
        return call1(z, n, fn, a, out);
    }
    case AST_ALIAS: return az_expr(z, ec, n->u.alias.arg, out); /* `1 AS one` in a VALUES cell */
    case AST_PAREN_LIST:
        if (n->u.list.n == 1) return az_expr(z, ec, n->u.list.items[0], out);
        return az_error_at(z, n, "UNSUPPORTED_FEATURE", "detail", "row constructors outside IN", NULL);
    default: break;
    }
    return az_error_at(z, n, "INTERNAL_ERROR", "message",
                       cn_arena_printf(z->a, "the analyzer has no rule for expression node kind %d", (int)n->kind), NULL);
}

/* Outer references of a subquery plan in Spark's order (nodes top-down, each node's
 * expressions left to right, repeats kept): "c1, c2" as in scalarsubquery(c1, c2). */
static void outer_names_expr(const cn_expr *e, const idset *def, cn_strbuf *sb, int *n)
{
    if (!e) return;
    if (e->kind == CN_EX_COL && !ids_has(def, e->id)) {
        if ((*n)++) cn_sb_puts(sb, ", ");
        cn_sb_puts(sb, e->name ? e->name : "?");
    }
    for (int i = 0; i < e->nargs; i++) outer_names_expr(e->args[i], def, sb, n);
}

static void outer_names_plan(const cn_lplan *p, const idset *def, cn_strbuf *sb, int *n)
{
    for (int i = 0; i < p->ngroups; i++) outer_names_expr(p->groups[i], def, sb, n);
    for (int i = 0; i < p->nexprs; i++) outer_names_expr(p->exprs[i], def, sb, n);
    outer_names_expr(p->cond, def, sb, n);
    for (int i = 0; i < p->norders; i++) outer_names_expr(p->orders[i].expr, def, sb, n);
    for (int i = 0; i < p->nchildren; i++) outer_names_plan(p->children[i], def, sb, n);
}

static const char *subquery_name(az *z, const cn_expr *e, const char *fn)
{
    opt o = {z->ctx, z->a, z->err};
    idset def = {0, 0, NULL};
    ids_defined(&o, &def, (const cn_lplan *)e->subq);
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_printf(&sb, "%s(", fn);
    int n = 0;
    outer_names_plan((const cn_lplan *)e->subq, &def, &sb, &n);
    cn_sb_putc(&sb, ')');
    const char *r = cn_arena_strdup(z->a, sb.s);
    cn_sb_free(&sb);
    return r;
}

const char *az_auto_name(az *z, const cn_ast *n, const cn_expr *e)
{
    if (n && n->kind == AST_FUNC && n->u.func.name && !strcasecmp(n->u.func.name, "count") && !n->u.func.is_star &&
        n->u.func.args.n == 0 && !n->u.func.over)
        return "count()";
    if (e->kind == CN_EX_COL && n && n->kind == AST_COLUMN) return e->name;
    if (e->kind == CN_EX_SUBQUERY && e->subq) {
        if (e->subq_kind == 0) return subquery_name(z, e, "scalarsubquery");
        if (e->subq_kind == 1) return subquery_name(z, e, "exists");
    }
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_expr_sql(e, &sb);
    const char *r = cn_arena_strdup(z->a, sb.s ? sb.s : "");
    cn_sb_free(&sb);
    return r;
}
