/*
 * dt_pattern.c — Spark's datetime patterns (the java.time DateTimeFormatter
 * letters Spark 3+ documents in "Datetime Patterns for Formatting and
 * Parsing"), used by date_format, to_date and to_timestamp with a format.
 *
 * Formatting supports G y u M L d D E a h H k K m s S Q q and quoted text
 * ('' is a quote); unknown letters are copied. Parsing follows the same
 * letters with java.time's widths: a run of n >= 2 digits letters reads
 * exactly n digits ("yy" is 2000-based), a single letter reads 1..2 digits
 * (years: 1..9 unless the next field is numeric), month/day names match case
 * insensitively; fields left out default to 1970-01-01 00:00:00 as Spark's
 * formatter does. Messages mirror java.time's ("Text '...' could not be
 * parsed at index 3", "Invalid date 'February 29' as '1970' is not a leap
 * year") because Spark puts them into CANNOT_PARSE_TIMESTAMP.
 */
#include "expr/expr_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

bool ex_dt_pattern_legacy_only(const char *pat, size_t n)
{
    for (size_t i = 0; i < n;) {
        char c = pat[i];
        if (c == '\'') {
            size_t j = i + 1;
            while (j < n && pat[j] != '\'') j++;
            i = j + 1;
            continue;
        }
        size_t j = i;
        while (j < n && pat[j] == c) j++;
        if (j - i >= 5 && strchr("GMLEQq", c)) return true;
        i = j;
    }
    return false;
}

/* ---- formatting ------------------------------------------------------------------- */

typedef struct fbuf {
    char *b;
    int cap, n;
} fbuf;

static void put(fbuf *f, const char *s, int len)
{
    for (int i = 0; i < len && f->n < f->cap - 1; i++) f->b[f->n++] = s[i];
}

static void putnum(fbuf *f, int64_t v, int width)
{
    char t[32];
    int len = v < 0 ? snprintf(t, sizeof t, "-%0*lld", width, -(long long)v) : snprintf(t, sizeof t, "%0*lld", width, (long long)v);
    put(f, t, len);
}

int ex_dt_format(int64_t local, const char *pat, size_t pn, char *buf, int cap)
{
    fbuf f = {buf, cap, 0};
    int32_t days = (int32_t)fdiv(local, CN_MICROS_PER_DAY);
    int64_t tod = local - (int64_t)days * CN_MICROS_PER_DAY;
    int y, m, d;
    cn_civil_from_days(days, &y, &m, &d);
    int hh = (int)(tod / 3600000000LL), mi = (int)(tod / 60000000LL % 60), ss = (int)(tod / 1000000 % 60);
    int us = (int)(tod % 1000000);
    int dow = (int)(((int64_t)days % 7 + 7 + 3) % 7); /* 0 = Monday */
    for (size_t i = 0; i < pn;) {
        char c = pat[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < pn && pat[j] == '\'') { put(&f, "'", 1); i = j + 1; continue; }
            while (j < pn) {
                if (pat[j] == '\'') {
                    if (j + 1 < pn && pat[j + 1] == '\'') { put(&f, "'", 1); j += 2; continue; }
                    break;
                }
                put(&f, &pat[j], 1);
                j++;
            }
            i = j + 1;
            continue;
        }
        size_t j = i;
        while (j < pn && pat[j] == c) j++;
        int run = (int)(j - i);
        switch (c) {
        case 'G': put(&f, y > 0 ? "AD" : "BC", 2); break;
        case 'y': case 'u': {
            int yy = c == 'y' && y <= 0 ? 1 - y : y;
            if (run == 2) putnum(&f, ((yy % 100) + 100) % 100, 2);
            else putnum(&f, yy, run);
            break;
        }
        case 'M': case 'L':
            if (run >= 4) put(&f, month_names[m - 1], (int)strlen(month_names[m - 1]));
            else if (run == 3) put(&f, month_names[m - 1], 3);
            else putnum(&f, m, run);
            break;
        case 'd': putnum(&f, d, run); break;
        case 'D': putnum(&f, cn_date_dayofyear(days), run); break;
        case 'E':
            if (run >= 4) put(&f, day_names[dow], (int)strlen(day_names[dow]));
            else put(&f, day_names[dow], 3);
            break;
        case 'a': put(&f, hh < 12 ? "AM" : "PM", 2); break;
        case 'h': putnum(&f, hh % 12 == 0 ? 12 : hh % 12, run); break;
        case 'H': putnum(&f, hh, run); break;
        case 'k': putnum(&f, hh == 0 ? 24 : hh, run); break;
        case 'K': putnum(&f, hh % 12, run); break;
        case 'm': putnum(&f, mi, run); break;
        case 's': putnum(&f, ss, run); break;
        case 'S': {
            char t[16];
            snprintf(t, sizeof t, "%06d000", us);
            put(&f, t, run > 9 ? 9 : run);
            break;
        }
        case 'Q': case 'q': {
            int q = (m - 1) / 3 + 1;
            if (run <= 2) putnum(&f, q, run);
            else if (run == 3) { char t[4] = {'Q', (char)('0' + q), 0, 0}; put(&f, t, 2); }
            else {
                static const char *const qn[4] = {"1st quarter", "2nd quarter", "3rd quarter", "4th quarter"};
                put(&f, qn[q - 1], (int)strlen(qn[q - 1]));
            }
            break;
        }
        default:
            for (int k = 0; k < run; k++) put(&f, &c, 1);
            break;
        }
        i = j;
    }
    if (cap > 0) buf[f.n] = 0;
    return f.n;
}

/* ---- parsing ------------------------------------------------------------------------ */

static bool numeric_letter(char c) { return strchr("yuMLdDhHkKmsSQq", c) != NULL; }

static int match_name(const char *s, size_t n, size_t pos, const char *const *names, int count, bool abbrev, int *len)
{
    for (int k = 0; k < count; k++) {
        size_t l = abbrev ? 3 : strlen(names[k]);
        if (pos + l <= n && strncasecmp(s + pos, names[k], l) == 0) {
            *len = (int)l;
            return k;
        }
    }
    return -1;
}

static int fail_at(const char *s, size_t n, size_t pos, char *msg, int cap)
{
    snprintf(msg, (size_t)cap, "Text '%.*s' could not be parsed at index %d", (int)CN_MIN(n, 200u), s, (int)pos);
    return 1;
}

int ex_dt_parse(const char *s, size_t n, const char *pat, size_t pn, int64_t *local, char *msg, int cap)
{
    int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, frac = 0, doy = -1;
    int ampm = -1, hour12 = -1;
    size_t pos = 0;
    for (size_t i = 0; i < pn;) {
        char c = pat[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < pn && pat[j] == '\'') {
                if (pos >= n || s[pos] != '\'') return fail_at(s, n, pos, msg, cap);
                pos++;
                i = j + 1;
                continue;
            }
            while (j < pn) {
                if (pat[j] == '\'') {
                    if (j + 1 < pn && pat[j + 1] == '\'') {
                        if (pos >= n || s[pos] != '\'') return fail_at(s, n, pos, msg, cap);
                        pos++;
                        j += 2;
                        continue;
                    }
                    break;
                }
                if (pos >= n || s[pos] != pat[j]) return fail_at(s, n, pos, msg, cap);
                pos++;
                j++;
            }
            i = j + 1;
            continue;
        }
        size_t j = i;
        while (j < pn && pat[j] == c) j++;
        int run = (int)(j - i);
        bool next_numeric = j < pn && numeric_letter(pat[j]);
        if (!isalpha((unsigned char)c)) {
            for (int k = 0; k < run; k++) {
                if (pos >= n || s[pos] != c) return fail_at(s, n, pos, msg, cap);
                pos++;
            }
            i = j;
            continue;
        }
        if ((c == 'M' || c == 'L') && run >= 3) {
            int len, k = match_name(s, n, pos, month_names, 12, run == 3, &len);
            if (k < 0) return fail_at(s, n, pos, msg, cap);
            month = k + 1;
            pos += (size_t)len;
            i = j;
            continue;
        }
        if (c == 'E') {
            int len, k = match_name(s, n, pos, day_names, 7, run < 4, &len);
            if (k < 0) return fail_at(s, n, pos, msg, cap);
            pos += (size_t)len;
            i = j;
            continue;
        }
        if (c == 'a') {
            if (pos + 2 <= n && !strncasecmp(s + pos, "AM", 2)) ampm = 0;
            else if (pos + 2 <= n && !strncasecmp(s + pos, "PM", 2)) ampm = 1;
            else return fail_at(s, n, pos, msg, cap);
            pos += 2;
            i = j;
            continue;
        }
        if (c == 'G') {
            if (pos + 2 <= n && (!strncasecmp(s + pos, "AD", 2) || !strncasecmp(s + pos, "BC", 2))) pos += 2;
            else return fail_at(s, n, pos, msg, cap);
            i = j;
            continue;
        }
        if (!numeric_letter(c)) return 2; /* unsupported letter */
        /* digits */
        int minw, maxw;
        if (c == 'S') { minw = run; maxw = run; }
        else if (c == 'y' || c == 'u') {
            if (run == 2) minw = maxw = 2;
            else { minw = run; maxw = next_numeric ? run : 9; }
        } else if (run >= 2) {
            minw = maxw = run;
        } else {
            minw = 1;
            maxw = next_numeric ? 1 : (c == 'D' ? 3 : 2);
        }
        bool neg = false;
        size_t start = pos;
        if ((c == 'y' || c == 'u') && run != 2 && pos < n && (s[pos] == '-' || s[pos] == '+') && run > 4) {
            neg = s[pos] == '-';
            pos++;
        }
        int64_t v = 0;
        int nd = 0;
        while (pos < n && nd < maxw && isdigit((unsigned char)s[pos])) {
            v = v * 10 + (s[pos] - '0');
            pos++;
            nd++;
        }
        if (nd < minw) return fail_at(s, n, start, msg, cap);
        if (neg) v = -v;
        switch (c) {
        case 'y': case 'u': year = run == 2 ? 2000 + v : v; break;
        case 'M': case 'L': month = v; break;
        case 'd': day = v; break;
        case 'D': doy = v; break;
        case 'H': case 'k': hour = c == 'k' && v == 24 ? 0 : v; break;
        case 'h': case 'K': hour12 = (int)v; break;
        case 'm': minute = v; break;
        case 's': second = v; break;
        case 'S': {
            int64_t f = v;
            for (int k = nd; k < 6; k++) f *= 10;
            for (int k = 6; k < nd; k++) f /= 10;
            frac = f;
            break;
        }
        default: break; /* quarters: parsed and ignored */
        }
        i = j;
    }
    if (pos < n) {
        snprintf(msg, (size_t)cap, "Text '%.*s' could not be parsed, unparsed text found at index %d", (int)CN_MIN(n, 200u), s,
                 (int)pos);
        return 1;
    }
    if (hour12 >= 0) hour = (hour12 % 12) + (ampm == 1 ? 12 : 0);
    else if (ampm == 1 && hour < 12) hour += 12;
    if (month < 1 || month > 12) {
        snprintf(msg, (size_t)cap, "Invalid value for MonthOfYear (valid values 1 - 12): %lld", (long long)month);
        return 1;
    }
    if (hour > 23 || minute > 59 || second > 59) {
        snprintf(msg, (size_t)cap, "Invalid value for %s (valid values 0 - %d): %lld", hour > 23 ? "HourOfDay" : minute > 59 ? "MinuteOfHour" : "SecondOfMinute",
                 hour > 23 ? 23 : 59, (long long)(hour > 23 ? hour : minute > 59 ? minute : second));
        return 1;
    }
    int32_t days;
    if (doy >= 0) {
        days = cn_days_from_civil((int)year, 1, 1) + (int32_t)doy - 1;
    } else {
        if (day < 1 || day > 31) {
            snprintf(msg, (size_t)cap, "Invalid value for DayOfMonth (valid values 1 - 28/31): %lld", (long long)day);
            return 1;
        }
        if (!cn_date_valid((int)year, (int)month, (int)day)) {
            if (month == 2 && day == 29)
                snprintf(msg, (size_t)cap, "Invalid date 'February 29' as '%lld' is not a leap year", (long long)year);
            else {
                char up[16];
                snprintf(up, sizeof up, "%s", month_names[month - 1]);
                for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
                snprintf(msg, (size_t)cap, "Invalid date '%s %lld'", up, (long long)day);
            }
            return 1;
        }
        days = cn_days_from_civil((int)year, (int)month, (int)day);
    }
    *local = (int64_t)days * CN_MICROS_PER_DAY + ((hour * 60 + minute) * 60 + second) * CN_MICROS_PER_SECOND + frac;
    return 0;
}
