/*
 * date_fns.c — date and timestamp functions: field extraction (year, month,
 * day, quarter, dayofweek, dayofyear, weekofyear, weekday, hour, minute,
 * second), date_add / date_sub / datediff / add_months / last_day /
 * next_day / trunc / date_trunc / make_date / to_date / date_format,
 * date +/- interval (day intervals add days, year-month intervals use
 * add_months semantics), timestamp + interval, date - date, and
 * current_date / current_timestamp.
 *
 * DATE is int32 days since the epoch, TIMESTAMP int64 UTC micros shown in
 * the session time zone (ctx->timezone); calendar helpers come from
 * types/datetime.h.
 */
#include "expr/expr_internal.h"
#include "types/dt_pattern.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#define D_AT(x, i) (((const int32_t *)(x)->v.data)[EVI(x, i)])
#define L_AT(x, i) (((const int64_t *)(x)->v.data)[EVI(x, i)])
#define S_AT(x, i) (&((const cn_str *)(x)->v.data)[EVI(x, i)])

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* Zone shifts wrap instead of overflowing at the very ends of the long range (a few hours
 * from +-292,000 years), where no caller's result means anything anyway. */
static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wrap_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }

static int64_t to_local(int64_t utc, const char *tz) { return wrap_add(utc, cn_tz_offset_micros(tz, utc)); }

static int64_t to_utc(int64_t local, const char *tz)
{
    int64_t off1 = cn_tz_offset_micros(tz, local);
    int64_t utc = wrap_sub(local, off1);
    int64_t off2 = cn_tz_offset_micros(tz, utc);
    return off2 == off1 ? utc : wrap_sub(local, off2);
}

/* A date or timestamp computation left its type's range. Spark's java.time arithmetic then
 * fails with the JVM's ArithmeticException ("integer overflow" for DATE's int days, "long
 * overflow" for microseconds), unclassed; in ANSI mode it is [ARITHMETIC_OVERFLOW] with that
 * message, otherwise the row is NULL. 1 = row set NULL, -1 = error. */
static int dt_overflow(cn_eval_ctx *ctx, cn_error *err, cn_vector *out, int i, bool is_long)
{
    if (ctx->ansi)
        return cn_error_set(err, "ARITHMETIC_OVERFLOW", "message", is_long ? "long overflow" : "integer overflow",
                            "alternative", "", "config", "\"spark.sql.ansi.enabled\"", NULL);
    cn_vec_set_null(out, i, ctx->arena);
    return 1;
}

/* local date-time of `days` and time of day `tod` as UTC micros: 0, or -1 past the long range */
static int days_to_utc(int64_t days, int64_t tod, const char *tz, int64_t *out)
{
    int64_t local;
    if (__builtin_mul_overflow(days, CN_MICROS_PER_DAY, &local) || __builtin_add_overflow(local, tod, &local))
        return -1;
    *out = to_utc(local, tz);
    return 0;
}

/* 1 = Monday .. 7 = Sunday */
static int iso_dow(int32_t days)
{
    int d = (int)((days % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday (3 when Monday = 0) */
    return d + 1;
}

static int week_of_year(int32_t days)
{
    int32_t thursday = days + (4 - iso_dow(days));
    return (cn_date_dayofyear(thursday) - 1) / 7 + 1;
}

static int parse_dow(const cn_str *s)
{
    static const char *const names[7][3] = {{"MO", "MON", "MONDAY"},    {"TU", "TUE", "TUESDAY"},
                                            {"WE", "WED", "WEDNESDAY"}, {"TH", "THU", "THURSDAY"},
                                            {"FR", "FRI", "FRIDAY"},    {"SA", "SAT", "SATURDAY"},
                                            {"SU", "SUN", "SUNDAY"}};
    const char *p = cn_str_data(s);
    for (int d = 0; d < 7; d++)
        for (int k = 0; k < 3; k++)
            if (strlen(names[d][k]) == s->len && strncasecmp(p, names[d][k], s->len) == 0) return d + 1;
    return -1;
}

/* trunc level: 1 year, 2 quarter, 3 month, 4 week, 5 day, 6 hour, 7 minute, 8 second, -1 invalid */
static int trunc_level(const cn_str *s)
{
    char b[16];
    size_t n = s->len < 15 ? s->len : 15;
    memcpy(b, cn_str_data(s), n);
    b[n] = 0;
    for (size_t i = 0; i < n; i++) b[i] = (char)toupper((unsigned char)b[i]);
    if (!strcmp(b, "YEAR") || !strcmp(b, "YYYY") || !strcmp(b, "YY")) return 1;
    if (!strcmp(b, "QUARTER")) return 2;
    if (!strcmp(b, "MONTH") || !strcmp(b, "MM") || !strcmp(b, "MON")) return 3;
    if (!strcmp(b, "WEEK")) return 4;
    if (!strcmp(b, "DAY") || !strcmp(b, "DD")) return 5;
    if (!strcmp(b, "HOUR")) return 6;
    if (!strcmp(b, "MINUTE")) return 7;
    if (!strcmp(b, "SECOND")) return 8;
    return -1;
}

static int32_t trunc_date(int32_t d, int level)
{
    int y, m, dd;
    cn_civil_from_days(d, &y, &m, &dd);
    switch (level) {
    case 1: return cn_days_from_civil(y, 1, 1);
    case 2: return cn_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
    case 3: return cn_days_from_civil(y, m, 1);
    case 4: return d - (iso_dow(d) - 1);
    default: return d;
    }
}

/* TIMESTAMPADD / TIMESTAMPDIFF units */
enum { U_MICRO, U_MILLI, U_SECOND, U_MINUTE, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR, U_BAD };

static int dt_unit(const cn_str *s)
{
    static const char *const names[] = {"MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR",
                                        "DAY",         "WEEK",        "MONTH",  "QUARTER", "YEAR"};
    for (int u = 0; u < U_BAD; u++)
        if (strlen(names[u]) == s->len && strncasecmp(cn_str_data(s), names[u], s->len) == 0) return u;
    return U_BAD;
}

static const int64_t unit_micros[] = {1, 1000, CN_MICROS_PER_SECOND, 60 * CN_MICROS_PER_SECOND,
                                      3600 * CN_MICROS_PER_SECOND};

/* DateTimeUtils.timestampAdd: sub-day units add to the instant, days/weeks/months to the local
 * date-time in the session zone. 0 ok, -1 overflow. */
static int ts_add(int u, int64_t q, int64_t ts, const char *tz, int64_t *out)
{
    if (u <= U_HOUR) {
        int64_t d;
        if (__builtin_mul_overflow(q, unit_micros[u], &d) || __builtin_add_overflow(ts, d, out)) return -1;
        return 0;
    }
    int64_t local = to_local(ts, tz);
    int64_t days = floordiv(local, CN_MICROS_PER_DAY);
    int64_t tod = local - days * CN_MICROS_PER_DAY;
    int64_t nd;
    if (u == U_DAY || u == U_WEEK) {
        int64_t k;
        if (__builtin_mul_overflow(q, u == U_WEEK ? 7 : 1, &k) || __builtin_add_overflow(days, k, &nd)) return -1;
    } else {
        int64_t months;
        if (__builtin_mul_overflow(q, u == U_MONTH ? 1 : u == U_QUARTER ? 3 : 12, &months) || months > INT32_MAX ||
            months < INT32_MIN)
            return -1;
        int32_t d32;
        if (days > INT32_MAX || days < INT32_MIN || cn_date_add_months_checked((int32_t)days, months, &d32)) return -1;
        nd = d32;
    }
    return days_to_utc(nd, tod, tz, out);
}

static int64_t ts_diff_days(int u, int64_t la, int64_t lb);

/* DateTimeUtils.timestampDiff: ChronoUnit.between on local date-times (truncated toward zero).
 * 0, or -1 when the span in microseconds overflows a long (java.time's multiplyExact fails). */
static int ts_diff(int u, int64_t a, int64_t b, const char *tz, int64_t *out)
{
    int64_t la = to_local(a, tz), lb = to_local(b, tz);
    if (u <= U_HOUR) {
        int64_t d;
        if (__builtin_sub_overflow(lb, la, &d)) return -1;
        *out = d / unit_micros[u];
        return 0;
    }
    *out = ts_diff_days(u, la, lb);
    return 0;
}

/* ts_diff for units of a day or more, on local date-times */
static int64_t ts_diff_days(int u, int64_t la, int64_t lb)
{
    int64_t da = floordiv(la, CN_MICROS_PER_DAY), db = floordiv(lb, CN_MICROS_PER_DAY);
    int64_t ta = la - da * CN_MICROS_PER_DAY, tb = lb - db * CN_MICROS_PER_DAY;
    /* LocalDateTime.until: the end date moves one day toward the start when its time of day
     * has not reached the start's */
    if (db > da && tb < ta) db--;
    else if (db < da && tb > ta) db++;
    if (u == U_DAY) return db - da;
    if (u == U_WEEK) return (db - da) / 7;
    int ya, ma, dda, yb, mb, ddb;
    cn_civil_from_days((int32_t)da, &ya, &ma, &dda);
    cn_civil_from_days((int32_t)db, &yb, &mb, &ddb);
    int64_t p1 = ((int64_t)ya * 12 + ma - 1) * 32 + dda, p2 = ((int64_t)yb * 12 + mb - 1) * 32 + ddb;
    int64_t months = (p2 - p1) / 32;
    return u == U_MONTH ? months : u == U_QUARTER ? months / 3 : months / 12;
}

static int err_parse(cn_error *err, const char *msg, const char *fn)
{
    return cn_error_set(err, "CANNOT_PARSE_TIMESTAMP", "func", fn, "message", msg, NULL);
}

/* to_date / to_timestamp of a string with a pattern: 0 ok, 1 NULL row, -1 error. */
static int parse_pattern(const cn_str *s, const cn_str *pat, bool is_date, bool ansi, cn_dt_parsed *parsed, cn_error *err)
{
    const char *p = cn_str_data(pat);
    if (cn_dt_pattern_legacy_only(p, pat->len)) {
        char q[256];
        snprintf(q, sizeof q, "'%.*s'", (int)CN_MIN(pat->len, 250u), p);
        return cn_error_set(err, "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION", "config",
                            "\"spark.sql.legacy.timeParserPolicy\"", "docroot", "https://spark.apache.org/docs/latest",
                            "pattern", q, NULL);
    }
    char msg[320];
    int rc = cn_dt_parse(cn_str_data(s), s->len, p, pat->len, parsed, msg, sizeof msg);
    if (rc == 0) return 0;
    if (rc == 2) {
        char q[256];
        snprintf(q, sizeof q, "'%.*s'", (int)CN_MIN(pat->len, 250u), p);
        return cn_error_set(err, "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION", "config",
                            "\"spark.sql.legacy.timeParserPolicy\"", "docroot", "https://spark.apache.org/docs/latest",
                            "pattern", q, NULL);
    }
    if (!ansi) return 1;
    return err_parse(err, msg, is_date ? "`try_to_date`" : "`try_to_timestamp`");
}

int ex_date(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int f = e->func;
    const char *tz = ctx->timezone ? ctx->timezone : "UTC";
    ev_alloc(out, e->type, n, ctx->arena);
    ev_merge_validity(&out->v, n, args, e->nargs, ctx->arena);
    int32_t *oi = out->v.data;
    int64_t *ol = out->v.data;
    const ev *A = e->nargs > 0 ? args[0] : NULL, *B = e->nargs > 1 ? args[1] : NULL;

    /* tight loops for the common extractions */
    switch (f) {
    case CN_FN_YEAR:
        for (int i = 0; i < n; i++) oi[i] = cn_date_year(D_AT(A, i));
        return 0;
    case CN_FN_MONTH:
        for (int i = 0; i < n; i++) oi[i] = cn_date_month(D_AT(A, i));
        return 0;
    case CN_FN_DAY:
        for (int i = 0; i < n; i++) oi[i] = cn_date_day(D_AT(A, i));
        return 0;
    case CN_FN_DATE_ADD:
    case CN_FN_DATE_SUB:
        /* Spark's DateAdd/DateSub are int additions that wrap; under ANSI a date past the
         * int range is [ARITHMETIC_OVERFLOW] here rather than a wrapped date */
        for (int i = 0; i < n; i++) {
            int64_t k = f == CN_FN_DATE_ADD ? D_AT(B, i) : -(int64_t)D_AT(B, i);
            int64_t r = (int64_t)D_AT(A, i) + k;
            if ((r > INT32_MAX || r < INT32_MIN) && cn_vec_valid(&out->v, i) && ctx->ansi)
                return dt_overflow(ctx, err, &out->v, i, false);
            oi[i] = (int32_t)(uint32_t)(uint64_t)r;
        }
        return 0;
    case CN_FN_DATEDIFF:
        /* Spark's DateDiff: end - start as an int, wrapping */
        for (int i = 0; i < n; i++) oi[i] = (int32_t)((uint32_t)D_AT(A, i) - (uint32_t)D_AT(B, i));
        return 0;
    default: break;
    }

    for (int i = 0; i < n; i++) {
        if (!cn_vec_valid(&out->v, i) && f != CN_FN_CURRENT_DATE && f != CN_FN_CURRENT_TIMESTAMP) continue;
        switch (f) {
        case CN_FN_QUARTER: oi[i] = cn_date_quarter(D_AT(A, i)); break;
        case CN_FN_DAYOFWEEK: oi[i] = cn_date_dayofweek(D_AT(A, i)); break;
        case CN_FN_DAYOFYEAR: oi[i] = cn_date_dayofyear(D_AT(A, i)); break;
        case CN_FN_WEEKOFYEAR: oi[i] = week_of_year(D_AT(A, i)); break;
        case CN_FN_WEEKDAY: oi[i] = iso_dow(D_AT(A, i)) - 1; break;
        case CN_FN_LAST_DAY: {
            int32_t first = trunc_date(D_AT(A, i), 3), next;
            if (cn_date_add_months_checked(first, 1, &next) || next == INT32_MIN) {
                if (dt_overflow(ctx, err, &out->v, i, false) < 0) return -1;
                continue;
            }
            oi[i] = next - 1;
            break;
        }
        case CN_FN_HOUR:
        case CN_FN_MINUTE:
        case CN_FN_SECOND: {
            /* a TIMESTAMP_NTZ is its local date-time already */
            int64_t local = A->v.type.kind == CN_TIMESTAMP_NTZ ? L_AT(A, i) : to_local(L_AT(A, i), tz);
            int64_t tod = local - floordiv(local, CN_MICROS_PER_DAY) * CN_MICROS_PER_DAY;
            oi[i] = (int32_t)(f == CN_FN_HOUR ? tod / 3600000000LL : f == CN_FN_MINUTE ? tod / 60000000LL % 60 : tod / 1000000 % 60);
            break;
        }
        case CN_FN_ADD_MONTHS:
            if (cn_date_add_months_checked(D_AT(A, i), D_AT(B, i), &oi[i])) {
                if (dt_overflow(ctx, err, &out->v, i, false) < 0) return -1;
                continue;
            }
            break;
        case CN_FN_DATE_ADD_INTERVAL:
        case CN_FN_DATE_SUB_INTERVAL: {
            int sign = f == CN_FN_DATE_ADD_INTERVAL ? 1 : -1;
            int64_t r;
            bool bad;
            if (B->v.type.kind == CN_INTERVAL_YM) {
                int32_t d32;
                bad = cn_date_add_months_checked(D_AT(A, i), sign * (int64_t)D_AT(B, i), &d32) != 0;
                r = d32;
            } else {
                r = D_AT(A, i) + sign * (L_AT(B, i) / CN_MICROS_PER_DAY);
                bad = r > INT32_MAX || r < INT32_MIN;
            }
            if (bad) {
                if (dt_overflow(ctx, err, &out->v, i, false) < 0) return -1;
                continue;
            }
            oi[i] = (int32_t)r;
            break;
        }
        case CN_FN_TS_ADD_INTERVAL: {
            int64_t t = L_AT(A, i);
            if (B->v.type.kind == CN_INTERVAL_YM) {
                int64_t local = to_local(t, tz);
                int64_t days = floordiv(local, CN_MICROS_PER_DAY);
                int64_t tod = local - days * CN_MICROS_PER_DAY;
                int32_t nd;
                if (cn_date_add_months_checked((int32_t)days, D_AT(B, i), &nd) || days_to_utc(nd, tod, tz, &ol[i])) {
                    if (dt_overflow(ctx, err, &out->v, i, true) < 0) return -1;
                    continue;
                }
            } else {
                int64_t r;
                if (__builtin_add_overflow(t, L_AT(B, i), &r)) {
                    if (ctx->ansi) return ex_err_overflow(err, "long overflow", "try_add");
                    cn_vec_set_null(&out->v, i, ctx->arena);
                    continue;
                }
                ol[i] = r;
            }
            break;
        }
        case CN_FN_SUB_TIMESTAMPS: {
            int64_t r;
            if (__builtin_sub_overflow(to_local(L_AT(A, i), tz), to_local(L_AT(B, i), tz), &r)) {
                if (ctx->ansi) return ex_err_overflow(err, "long overflow", "try_subtract");
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            ol[i] = r;
            break;
        }
        case CN_FN_SUB_DATES: {
            int64_t r;
            if (__builtin_mul_overflow((int64_t)D_AT(A, i) - D_AT(B, i), CN_MICROS_PER_DAY, &r)) {
                if (ctx->ansi) return ex_err_overflow(err, "long overflow", "try_subtract");
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            ol[i] = r;
            break;
        }
        case CN_FN_TO_DATE: {
            if (A->v.type.kind == CN_DATE) { oi[i] = D_AT(A, i); break; }
            if (A->v.type.kind == CN_TIMESTAMP) {
                oi[i] = (int32_t)floordiv(to_local(L_AT(A, i), tz), CN_MICROS_PER_DAY);
                break;
            }
            const cn_str *s = S_AT(A, i);
            int32_t d;
            if (B) {
                cn_dt_parsed parsed;
                int rc = parse_pattern(s, S_AT(B, i), true, ctx->ansi, &parsed, err);
                if (rc < 0) return -1;
                if (rc > 0) { cn_vec_set_null(&out->v, i, ctx->arena); continue; }
                oi[i] = (int32_t)floordiv(parsed.local, CN_MICROS_PER_DAY);
                break;
            }
            if (cn_parse_date(cn_str_data(s), s->len, &d) != 0) {
                if (ctx->ansi) return ex_err_cast_input(err, cn_str_data(s), s->len, cn_type_of(CN_STRING), cn_type_of(CN_DATE));
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            oi[i] = d;
            break;
        }
        case CN_FN_TO_TIMESTAMP: {
            if (A->v.type.kind == CN_TIMESTAMP) { ol[i] = L_AT(A, i); break; }
            if (A->v.type.kind == CN_DATE) {
                if (days_to_utc(D_AT(A, i), 0, tz, &ol[i])) {
                    if (dt_overflow(ctx, err, &out->v, i, true) < 0) return -1;
                    continue;
                }
                break;
            }
            const cn_str *s = S_AT(A, i);
            if (B) {
                cn_dt_parsed parsed;
                int rc = parse_pattern(s, S_AT(B, i), false, ctx->ansi, &parsed, err);
                if (rc < 0) return -1;
                if (rc > 0) { cn_vec_set_null(&out->v, i, ctx->arena); continue; }
                ol[i] = cn_dt_parsed_has_zone(&parsed) ? cn_dt_parsed_to_utc(&parsed, NULL) : to_utc(parsed.local, tz);
                break;
            }
            if (cn_parse_timestamp(cn_str_data(s), s->len, tz, &ol[i]) != 0) {
                if (ctx->ansi) return ex_err_cast_input(err, cn_str_data(s), s->len, cn_type_of(CN_STRING), cn_type_of(CN_TIMESTAMP));
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            break;
        }
        case CN_FN_TIMESTAMPADD: {
            int u = dt_unit(S_AT(A, i));
            if (u == U_BAD) return cn_error_set(err, "INTERNAL_ERROR", "message", "bad timestampadd unit", NULL);
            if (ts_add(u, L_AT(B, i), L_AT(args[2], i), tz, &ol[i])) {
                if (ctx->ansi) return ex_err_overflow(err, "long overflow", "try_add");
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            break;
        }
        case CN_FN_TIMESTAMPDIFF: {
            int u = dt_unit(S_AT(A, i));
            if (u == U_BAD) return cn_error_set(err, "INTERNAL_ERROR", "message", "bad timestampdiff unit", NULL);
            if (ts_diff(u, L_AT(B, i), L_AT(args[2], i), tz, &ol[i])) {
                if (dt_overflow(ctx, err, &out->v, i, true) < 0) return -1;
                continue;
            }
            break;
        }
        case CN_FN_UNIX_DATE: oi[i] = D_AT(A, i); break;
        case CN_FN_DATE_FROM_UNIX_DATE: oi[i] = D_AT(A, i); break;
        case CN_FN_CURRENT_DATE: oi[i] = (int32_t)floordiv(to_local(ctx->now_micros, tz), CN_MICROS_PER_DAY); break;
        case CN_FN_CURRENT_TIMESTAMP: ol[i] = ctx->now_micros; break;
        case CN_FN_MAKE_DATE: {
            int y = D_AT(args[0], i), m = D_AT(args[1], i), d = D_AT(args[2], i);
            /* java.time's LocalDate.of checks the year, then the month, then the day */
            bool year_ok = y >= -999999999 && y <= 999999999;
            if (!year_ok || !cn_date_valid(y, m, d)) {
                if (ctx->ansi) {
                    char msg[128];
                    if (!year_ok) snprintf(msg, sizeof msg, "Invalid value for Year (valid values -999999999 - 999999999): %d", y);
                    else if (m < 1 || m > 12) snprintf(msg, sizeof msg, "Invalid value for MonthOfYear (valid values 1 - 12): %d", m);
                    else if (d < 1 || d > 31) snprintf(msg, sizeof msg, "Invalid value for DayOfMonth (valid values 1 - 28/31): %d", d);
                    else snprintf(msg, sizeof msg, "Invalid date '%s %d'", m == 2 ? "FEBRUARY" : "day", d);
                    return cn_error_set(err, "DATETIME_FIELD_OUT_OF_BOUNDS", "ansiConfig", "\"spark.sql.ansi.enabled\"",
                                        "rangeMessage", msg, NULL);
                }
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            int64_t days = cn_days_from_civil64(y, m, d);
            if (days > INT32_MAX || days < INT32_MIN) { /* a valid year whose days overflow an int */
                if (dt_overflow(ctx, err, &out->v, i, false) < 0) return -1;
                continue;
            }
            oi[i] = (int32_t)days;
            break;
        }
        case CN_FN_TRUNC: {
            int lv = trunc_level(S_AT(B, i));
            if (lv < 1 || lv > 4) { cn_vec_set_null(&out->v, i, ctx->arena); continue; }
            oi[i] = trunc_date(D_AT(A, i), lv);
            break;
        }
        case CN_FN_DATE_TRUNC: {
            int lv = trunc_level(S_AT(A, i));
            if (lv < 1) { cn_vec_set_null(&out->v, i, ctx->arena); continue; }
            int64_t local = to_local(L_AT(B, i), tz);
            int32_t days = (int32_t)floordiv(local, CN_MICROS_PER_DAY);
            int64_t r;
            if (lv <= 5) {
                r = (int64_t)trunc_date(days, lv) * CN_MICROS_PER_DAY;
            } else {
                int64_t unit = lv == 6 ? 3600000000LL : lv == 7 ? 60000000LL : 1000000LL;
                r = floordiv(local, unit) * unit;
            }
            ol[i] = to_utc(r, tz);
            break;
        }
        case CN_FN_NEXT_DAY: {
            int want = parse_dow(S_AT(B, i));
            if (want < 0) {
                if (ctx->ansi) {
                    const cn_str *s = S_AT(B, i);
                    char buf[64];
                    snprintf(buf, sizeof buf, "%.*s", (int)CN_MIN(s->len, 60u), cn_str_data(s));
                    return cn_error_set(err, "ILLEGAL_DAY_OF_WEEK", "string", buf, NULL);
                }
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            int32_t d = D_AT(A, i);
            int cur = iso_dow(d);
            int delta = (want - cur + 7) % 7;
            int64_t r = (int64_t)d + (delta == 0 ? 7 : delta);
            if (r > INT32_MAX) {
                if (dt_overflow(ctx, err, &out->v, i, false) < 0) return -1;
                continue;
            }
            oi[i] = (int32_t)r;
            break;
        }
        case CN_FN_DATE_FORMAT: {
            char buf[256];
            const cn_str *pat = S_AT(B, i);
            int len = cn_dt_format(to_local(L_AT(A, i), tz), cn_str_data(pat), pat->len, buf, sizeof buf);
            cn_str s = cn_str_view(buf, (uint32_t)len);
            ((cn_str *)out->v.data)[i] = cn_str_copy(ctx->arena, s);
            break;
        }
        default:
            return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown date function", NULL);
        }
    }
    return 0;
}
