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

static int64_t to_local(int64_t utc, const char *tz) { return utc + cn_tz_offset_micros(tz, utc); }

static int64_t to_utc(int64_t local, const char *tz)
{
    int64_t off1 = cn_tz_offset_micros(tz, local);
    int64_t utc = local - off1;
    int64_t off2 = cn_tz_offset_micros(tz, utc);
    return off2 == off1 ? utc : local - off2;
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

static int format_date_pattern(int64_t local, const cn_str *pat, char *buf, int cap)
{
    int32_t days = (int32_t)floordiv(local, CN_MICROS_PER_DAY);
    int64_t tod = local - (int64_t)days * CN_MICROS_PER_DAY;
    int y, m, d;
    cn_civil_from_days(days, &y, &m, &d);
    int hh = (int)(tod / 3600000000LL), mi = (int)(tod / 60000000LL % 60), ss = (int)(tod / 1000000 % 60);
    const char *p = cn_str_data(pat);
    int o = 0;
    for (uint32_t i = 0; i < pat->len && o < cap - 12;) {
        char c = p[i];
        uint32_t j = i;
        while (j < pat->len && p[j] == c) j++;
        int run = (int)(j - i);
        switch (c) {
        case 'y': o += run == 2 ? snprintf(buf + o, (size_t)(cap - o), "%02d", y % 100) : snprintf(buf + o, (size_t)(cap - o), "%04d", y); break;
        case 'M': o += snprintf(buf + o, (size_t)(cap - o), run >= 2 ? "%02d" : "%d", m); break;
        case 'd': o += snprintf(buf + o, (size_t)(cap - o), run >= 2 ? "%02d" : "%d", d); break;
        case 'H': o += snprintf(buf + o, (size_t)(cap - o), run >= 2 ? "%02d" : "%d", hh); break;
        case 'm': o += snprintf(buf + o, (size_t)(cap - o), run >= 2 ? "%02d" : "%d", mi); break;
        case 's': o += snprintf(buf + o, (size_t)(cap - o), run >= 2 ? "%02d" : "%d", ss); break;
        default:
            for (int k = 0; k < run && o < cap - 1; k++) buf[o++] = c;
            break;
        }
        i = j;
    }
    return o;
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
        for (int i = 0; i < n; i++) {
            int64_t k = f == CN_FN_DATE_ADD ? D_AT(B, i) : -(int64_t)D_AT(B, i);
            oi[i] = (int32_t)(D_AT(A, i) + k);
        }
        return 0;
    case CN_FN_DATEDIFF:
        for (int i = 0; i < n; i++) oi[i] = D_AT(A, i) - D_AT(B, i);
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
            int32_t first = trunc_date(D_AT(A, i), 3);
            oi[i] = cn_date_add_months(first, 1) - 1;
            break;
        }
        case CN_FN_HOUR:
        case CN_FN_MINUTE:
        case CN_FN_SECOND: {
            int64_t local = to_local(L_AT(A, i), tz);
            int64_t tod = local - floordiv(local, CN_MICROS_PER_DAY) * CN_MICROS_PER_DAY;
            oi[i] = (int32_t)(f == CN_FN_HOUR ? tod / 3600000000LL : f == CN_FN_MINUTE ? tod / 60000000LL % 60 : tod / 1000000 % 60);
            break;
        }
        case CN_FN_ADD_MONTHS: oi[i] = cn_date_add_months(D_AT(A, i), D_AT(B, i)); break;
        case CN_FN_DATE_ADD_INTERVAL:
        case CN_FN_DATE_SUB_INTERVAL: {
            int sign = f == CN_FN_DATE_ADD_INTERVAL ? 1 : -1;
            if (B->v.type.kind == CN_INTERVAL_YM) {
                oi[i] = cn_date_add_months(D_AT(A, i), sign * D_AT(B, i));
            } else {
                int64_t days = L_AT(B, i) / CN_MICROS_PER_DAY;
                oi[i] = (int32_t)(D_AT(A, i) + sign * days);
            }
            break;
        }
        case CN_FN_TS_ADD_INTERVAL: {
            int64_t t = L_AT(A, i);
            if (B->v.type.kind == CN_INTERVAL_YM) {
                int64_t local = to_local(t, tz);
                int32_t days = (int32_t)floordiv(local, CN_MICROS_PER_DAY);
                int64_t tod = local - (int64_t)days * CN_MICROS_PER_DAY;
                int32_t nd = cn_date_add_months(days, D_AT(B, i));
                ol[i] = to_utc((int64_t)nd * CN_MICROS_PER_DAY + tod, tz);
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
        case CN_FN_SUB_DATES: ol[i] = ((int64_t)D_AT(A, i) - D_AT(B, i)) * CN_MICROS_PER_DAY; break;
        case CN_FN_TO_DATE: {
            if (A->v.type.kind == CN_DATE) { oi[i] = D_AT(A, i); break; }
            if (A->v.type.kind == CN_TIMESTAMP) {
                oi[i] = (int32_t)floordiv(to_local(L_AT(A, i), tz), CN_MICROS_PER_DAY);
                break;
            }
            const cn_str *s = S_AT(A, i);
            int32_t d;
            if (cn_parse_date(cn_str_data(s), s->len, &d) != 0) {
                if (ctx->ansi) return ex_err_cast_input(err, cn_str_data(s), s->len, cn_type_of(CN_STRING), cn_type_of(CN_DATE));
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            oi[i] = d;
            break;
        }
        case CN_FN_CURRENT_DATE: oi[i] = (int32_t)floordiv(to_local(ctx->now_micros, tz), CN_MICROS_PER_DAY); break;
        case CN_FN_CURRENT_TIMESTAMP: ol[i] = ctx->now_micros; break;
        case CN_FN_MAKE_DATE: {
            int y = D_AT(args[0], i), m = D_AT(args[1], i), d = D_AT(args[2], i);
            if (!cn_date_valid(y, m, d)) {
                if (ctx->ansi) {
                    char msg[128];
                    if (m < 1 || m > 12) snprintf(msg, sizeof msg, "Invalid value for MonthOfYear (valid values 1 - 12): %d", m);
                    else if (d < 1 || d > 31) snprintf(msg, sizeof msg, "Invalid value for DayOfMonth (valid values 1 - 28/31): %d", d);
                    else if (y < -999999999 || y > 999999999) snprintf(msg, sizeof msg, "Invalid value for YearOfEra: %d", y);
                    else snprintf(msg, sizeof msg, "Invalid date '%s %d'", m == 2 ? "FEBRUARY" : "day", d);
                    return cn_error_set(err, "DATETIME_FIELD_OUT_OF_BOUNDS", "ansiConfig", "\"spark.sql.ansi.enabled\"",
                                        "rangeMessage", msg, NULL);
                }
                cn_vec_set_null(&out->v, i, ctx->arena);
                continue;
            }
            oi[i] = cn_days_from_civil(y, m, d);
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
            oi[i] = d + (delta == 0 ? 7 : delta);
            break;
        }
        case CN_FN_DATE_FORMAT: {
            char buf[256];
            int len = format_date_pattern(to_local(L_AT(A, i), tz), S_AT(B, i), buf, sizeof buf);
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
