/*
 * dt_pattern.c — Spark's datetime patterns (the java.time DateTimeFormatter
 * letters Spark 3+ documents in "Datetime Patterns for Formatting and
 * Parsing"), used by date_format, to_date and to_timestamp with a format
 * (expr/) and by the CSV reader's dateFormat / timestampFormat /
 * timestampNTZFormat options (io/).
 *
 * Formatting supports G y u M L d D E a h H k K m s S Q q, quoted text
 * ('' is a quote) and optional sections (printed); unknown letters are
 * copied. Parsing follows the same letters with java.time's widths: a run of
 * n >= 2 digits letters reads exactly n digits ("yy" is 2000-based), a
 * single letter reads 1..2 digits (years: 1..9 unless the next field is
 * numeric), a run of n 'S' reads 1..n fraction digits (Spark's variable-length
 * fraction), month/day names match case insensitively; fields left out
 * default to 1970-01-01 00:00:00 as Spark's formatter does. Parsing also
 * takes optional sections "[...]" (nested; a section that does not match
 * consumes nothing) and zones: offsets X/x (1..5 letters, 'Z' for zero with X),
 * Z (1..3: +HHMM, 4: GMT+HH:MM, 5: +HH:MM or Z), O / OOOO (GMT+H[H][:MM]),
 * and zone ids VV and z (an id the zone database knows, such as UTC or
 * Europe/Paris; z's zone names such as "Pacific Standard Time" are not read). Messages
 * mirror java.time's ("Text '...' could not be parsed at index 3", "Invalid
 * date 'February 29' as '1970' is not a leap year") because Spark puts them
 * into CANNOT_PARSE_TIMESTAMP.
 */
#include "types/dt_pattern.h"

#include "types/datetime.h"

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

bool cn_dt_pattern_legacy_only(const char *pat, size_t n)
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

int cn_dt_format(int64_t local, const char *pat, size_t pn, char *buf, int cap)
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
        if (c == '[' || c == ']') { /* optional sections: every field is available */
            i++;
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

/* What a pattern has read so far; a failed optional section restores its copy. */
typedef struct dt_state {
    int64_t year, month, day, hour, minute, second, frac, doy;
    int ampm, hour12;
    bool has_offset;
    int64_t offset; /* micros east of UTC */
    const cn_tz *zone;
    size_t pos;
} dt_state;

typedef struct dt_text {
    const char *s;
    size_t n;
    char *msg;
    int cap;
} dt_text;

static int fail_at(const dt_text *t, size_t pos)
{
    snprintf(t->msg, (size_t)t->cap, "Text '%.*s' could not be parsed at index %d", (int)CN_MIN(t->n, 200u), t->s, (int)pos);
    return 1;
}

/* Index of the ']' closing the section opened at pat[i] == '[' (quotes and nesting skipped), or pn. */
static size_t section_end(const char *pat, size_t pn, size_t i)
{
    int depth = 0;
    for (size_t j = i; j < pn; j++) {
        if (pat[j] == '\'') {
            j++;
            while (j < pn && pat[j] != '\'') j++;
        } else if (pat[j] == '[') {
            depth++;
        } else if (pat[j] == ']' && --depth == 0) {
            return j;
        }
    }
    return pn;
}

/* Two digits at s[pos] into *v. */
static bool two_digits(const dt_text *t, size_t pos, int *v)
{
    if (pos + 2 > t->n || !isdigit((unsigned char)t->s[pos]) || !isdigit((unsigned char)t->s[pos + 1])) return false;
    *v = (t->s[pos] - '0') * 10 + (t->s[pos + 1] - '0');
    return true;
}

/* An offset +HH[[:]MM[[:]SS]] for pattern letter c repeated run times (java.time's
 * appendOffset patterns). 0 ok, 1 no match. */
static int parse_offset(const dt_text *t, dt_state *st, char c, int run)
{
    size_t pos = st->pos;
    const char *s = t->s;
    if (c == 'Z' && run == 4) { /* localized: GMT, GMT+H[H][:MM] */
        if (pos + 3 > t->n || strncmp(s + pos, "GMT", 3) != 0) return fail_at(t, pos);
        pos += 3;
        st->has_offset = true;
        st->offset = 0;
        if (pos < t->n && (s[pos] == '+' || s[pos] == '-')) {
            int sign = s[pos] == '-' ? -1 : 1, hh = 0, mm = 0;
            pos++;
            if (two_digits(t, pos, &hh)) pos += 2;
            else if (pos < t->n && isdigit((unsigned char)s[pos])) hh = s[pos++] - '0';
            else return fail_at(t, pos);
            if (pos < t->n && s[pos] == ':') {
                if (!two_digits(t, pos + 1, &mm)) return fail_at(t, pos);
                pos += 3;
            }
            if (hh > 18 || mm > 59) return fail_at(t, st->pos);
            st->offset = sign * ((int64_t)hh * 3600 + mm * 60) * CN_MICROS_PER_SECOND;
        }
        st->pos = pos;
        return 0;
    }
    bool allow_z = c == 'X' || (c == 'Z' && run == 5);
    if (allow_z && pos < t->n && s[pos] == 'Z') {
        st->has_offset = true;
        st->offset = 0;
        st->pos = pos + 1;
        return 0;
    }
    bool colon = c == 'Z' ? run == 5 : (run == 3 || run == 5);
    bool need_min = c == 'Z' || run >= 2;
    bool may_sec = c == 'Z' ? run == 5 : run >= 4;
    if (pos >= t->n || (s[pos] != '+' && s[pos] != '-')) return fail_at(t, pos);
    int sign = s[pos] == '-' ? -1 : 1, hh, mm = 0, ss = 0;
    pos++;
    if (!two_digits(t, pos, &hh)) return fail_at(t, pos);
    pos += 2;
    size_t sep = colon ? 1 : 0;
    if (pos + sep < t->n && (!colon || s[pos] == ':') && two_digits(t, pos + sep, &mm)) {
        pos += sep + 2;
        if (may_sec && pos + sep < t->n && (!colon || s[pos] == ':') && two_digits(t, pos + sep, &ss)) pos += sep + 2;
    } else if (need_min) {
        return fail_at(t, pos);
    }
    if (hh > 18 || mm > 59 || ss > 59) return fail_at(t, st->pos);
    st->has_offset = true;
    st->offset = sign * ((int64_t)hh * 3600 + mm * 60 + ss) * CN_MICROS_PER_SECOND;
    st->pos = pos;
    return 0;
}

/* A zone id (VV): "Z", "UTC", offsets, or a region name known to the zone database. */
static int parse_zone_id(const dt_text *t, dt_state *st)
{
    size_t pos = st->pos, e = pos;
    while (e < t->n && (isalnum((unsigned char)t->s[e]) || strchr("/_+-:", t->s[e]))) e++;
    char name[64];
    if (e == pos || e - pos >= sizeof name) return fail_at(t, pos);
    memcpy(name, t->s + pos, e - pos);
    name[e - pos] = 0;
    const cn_tz *z = cn_tz_get(name);
    if (!z) return fail_at(t, pos);
    st->zone = z;
    st->pos = e;
    return 0;
}

/* Parse pat[i, end) against the text from st->pos: 0 ok, 1 no match (message set), 2 unsupported letter. */
static int parse_seq(const dt_text *t, const char *pat, size_t i, size_t end, dt_state *st)
{
    const char *s = t->s;
    const size_t n = t->n;
    while (i < end) {
        char c = pat[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < end && pat[j] == '\'') {
                if (st->pos >= n || s[st->pos] != '\'') return fail_at(t, st->pos);
                st->pos++;
                i = j + 1;
                continue;
            }
            while (j < end) {
                if (pat[j] == '\'') {
                    if (j + 1 < end && pat[j + 1] == '\'') {
                        if (st->pos >= n || s[st->pos] != '\'') return fail_at(t, st->pos);
                        st->pos++;
                        j += 2;
                        continue;
                    }
                    break;
                }
                if (st->pos >= n || s[st->pos] != pat[j]) return fail_at(t, st->pos);
                st->pos++;
                j++;
            }
            i = j + 1;
            continue;
        }
        if (c == '[') {
            size_t close = section_end(pat, end, i);
            if (close >= end) return 2; /* unclosed section: an invalid pattern */
            dt_state saved = *st;
            int rc = parse_seq(t, pat, i + 1, close, st);
            if (rc == 2) return 2;
            if (rc == 1) *st = saved;
            i = close + 1;
            continue;
        }
        if (c == ']') return 2; /* a ']' that closes nothing */
        size_t j = i;
        while (j < end && pat[j] == c) j++;
        int run = (int)(j - i);
        bool next_numeric = j < end && numeric_letter(pat[j]);
        if (!isalpha((unsigned char)c)) {
            for (int k = 0; k < run; k++) {
                if (st->pos >= n || s[st->pos] != c) return fail_at(t, st->pos);
                st->pos++;
            }
            i = j;
            continue;
        }
        if ((c == 'M' || c == 'L') && run >= 3) {
            int len, k = match_name(s, n, st->pos, month_names, 12, run == 3, &len);
            if (k < 0) return fail_at(t, st->pos);
            st->month = k + 1;
            st->pos += (size_t)len;
            i = j;
            continue;
        }
        if (c == 'E') {
            int len, k = match_name(s, n, st->pos, day_names, 7, run < 4, &len);
            if (k < 0) return fail_at(t, st->pos);
            st->pos += (size_t)len;
            i = j;
            continue;
        }
        if (c == 'a') {
            if (st->pos + 2 <= n && !strncasecmp(s + st->pos, "AM", 2)) st->ampm = 0;
            else if (st->pos + 2 <= n && !strncasecmp(s + st->pos, "PM", 2)) st->ampm = 1;
            else return fail_at(t, st->pos);
            st->pos += 2;
            i = j;
            continue;
        }
        if (c == 'G') {
            if (st->pos + 2 <= n && (!strncasecmp(s + st->pos, "AD", 2) || !strncasecmp(s + st->pos, "BC", 2))) st->pos += 2;
            else return fail_at(t, st->pos);
            i = j;
            continue;
        }
        if ((c == 'X' || c == 'x') && run <= 5) {
            if (parse_offset(t, st, c, run)) return 1;
            i = j;
            continue;
        }
        if (c == 'Z' && run <= 5) {
            if (parse_offset(t, st, c, run)) return 1;
            i = j;
            continue;
        }
        if (c == 'O' && (run == 1 || run == 4)) { /* localized offset: GMT, GMT+8, GMT+08:00 */
            if (parse_offset(t, st, 'Z', 4)) return 1;
            i = j;
            continue;
        }
        if ((c == 'V' && run == 2) || (c == 'z' && run <= 4)) { /* zone ids (z: ids such as UTC, not names) */
            if (parse_zone_id(t, st)) return 1;
            i = j;
            continue;
        }
        if (!numeric_letter(c)) return 2; /* unsupported letter */
        /* digits */
        int minw, maxw;
        if (c == 'S') {
            minw = 1;
            maxw = run;
        } else if (c == 'y' || c == 'u') {
            if (run == 2) minw = maxw = 2;
            else {
                minw = run;
                maxw = next_numeric ? run : 9;
            }
        } else if (run >= 2) {
            minw = maxw = run;
        } else {
            minw = 1;
            maxw = next_numeric ? 1 : (c == 'D' ? 3 : 2);
        }
        bool neg = false;
        size_t start = st->pos;
        if ((c == 'y' || c == 'u') && run != 2 && st->pos < n && (s[st->pos] == '-' || s[st->pos] == '+') && run > 4) {
            neg = s[st->pos] == '-';
            st->pos++;
        }
        int64_t v = 0;
        int nd = 0;
        while (st->pos < n && nd < maxw && isdigit((unsigned char)s[st->pos])) {
            v = v * 10 + (s[st->pos] - '0');
            st->pos++;
            nd++;
        }
        if (nd < minw) return fail_at(t, start);
        if (neg) v = -v;
        switch (c) {
        case 'y': case 'u': st->year = run == 2 ? 2000 + v : v; break;
        case 'M': case 'L': st->month = v; break;
        case 'd': st->day = v; break;
        case 'D': st->doy = v; break;
        case 'H': case 'k': st->hour = c == 'k' && v == 24 ? 0 : v; break;
        case 'h': case 'K': st->hour12 = (int)v; break;
        case 'm': st->minute = v; break;
        case 's': st->second = v; break;
        case 'S': {
            int64_t f = v;
            for (int k = nd; k < 6; k++) f *= 10;
            for (int k = 6; k < nd; k++) f /= 10;
            st->frac = f;
            break;
        }
        default: break; /* quarters: parsed and ignored */
        }
        i = j;
    }
    return 0;
}

int cn_dt_parse(const char *s, size_t n, const char *pat, size_t pn, cn_dt_parsed *out, char *msg, int cap)
{
    dt_text t = {s, n, msg, cap};
    dt_state st = {.year = 1970, .month = 1, .day = 1, .doy = -1, .ampm = -1, .hour12 = -1};
    int rc = parse_seq(&t, pat, 0, pn, &st);
    if (rc) return rc;
    if (st.pos < n) {
        snprintf(msg, (size_t)cap, "Text '%.*s' could not be parsed, unparsed text found at index %d", (int)CN_MIN(n, 200u), s,
                 (int)st.pos);
        return 1;
    }
    int64_t hour = st.hour;
    if (st.hour12 >= 0) hour = (st.hour12 % 12) + (st.ampm == 1 ? 12 : 0);
    else if (st.ampm == 1 && hour < 12) hour += 12;
    if (st.month < 1 || st.month > 12) {
        snprintf(msg, (size_t)cap, "Invalid value for MonthOfYear (valid values 1 - 12): %lld", (long long)st.month);
        return 1;
    }
    if (hour > 23 || st.minute > 59 || st.second > 59) {
        snprintf(msg, (size_t)cap, "Invalid value for %s (valid values 0 - %d): %lld",
                 hour > 23 ? "HourOfDay" : st.minute > 59 ? "MinuteOfHour" : "SecondOfMinute", hour > 23 ? 23 : 59,
                 (long long)(hour > 23 ? hour : st.minute > 59 ? st.minute : st.second));
        return 1;
    }
    if (st.year < -290308 || st.year > 294247) { /* beyond what a TIMESTAMP holds (micros since 1970) */
        snprintf(msg, (size_t)cap, "long overflow");
        return 1;
    }
    int32_t days;
    if (st.doy >= 0) {
        int32_t jan1 = cn_days_from_civil((int)st.year, 1, 1);
        if (st.doy < 1 || st.doy > 366) {
            snprintf(msg, (size_t)cap, "Invalid value for DayOfYear (valid values 1 - 365/366): %lld", (long long)st.doy);
            return 1;
        }
        if (st.doy == 366 && cn_days_from_civil((int)st.year + 1, 1, 1) - jan1 == 365) {
            snprintf(msg, (size_t)cap, "Invalid date 'DayOfYear 366' as '%lld' is not a leap year", (long long)st.year);
            return 1;
        }
        days = jan1 + (int32_t)st.doy - 1;
    } else {
        if (st.day < 1 || st.day > 31) {
            snprintf(msg, (size_t)cap, "Invalid value for DayOfMonth (valid values 1 - 28/31): %lld", (long long)st.day);
            return 1;
        }
        if (!cn_date_valid((int)st.year, (int)st.month, (int)st.day)) {
            if (st.month == 2 && st.day == 29)
                snprintf(msg, (size_t)cap, "Invalid date 'February 29' as '%lld' is not a leap year", (long long)st.year);
            else {
                char up[16];
                snprintf(up, sizeof up, "%s", month_names[st.month - 1]);
                for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
                snprintf(msg, (size_t)cap, "Invalid date '%s %lld'", up, (long long)st.day);
            }
            return 1;
        }
        days = cn_days_from_civil((int)st.year, (int)st.month, (int)st.day);
    }
    int64_t local;
    if (__builtin_mul_overflow((int64_t)days, CN_MICROS_PER_DAY, &local) ||
        __builtin_add_overflow(local, ((hour * 60 + st.minute) * 60 + st.second) * CN_MICROS_PER_SECOND + st.frac, &local)) {
        snprintf(msg, (size_t)cap, "long overflow"); /* Math.multiplyExact's, as Spark reports it */
        return 1;
    }
    out->local = local;
    out->has_offset = st.has_offset;
    out->offset = st.offset;
    out->zone = st.zone;
    return 0;
}

int64_t cn_dt_parsed_to_utc(const cn_dt_parsed *p, const cn_tz *session_zone)
{
    if (p->has_offset) return p->local - p->offset;
    return cn_tz_local_to_utc(p->zone ? p->zone : session_zone, p->local);
}

bool cn_dt_pattern_parsable(const char *pat, size_t pn)
{
    if (cn_dt_pattern_legacy_only(pat, pn)) return false;
    int depth = 0;
    for (size_t i = 0; i < pn;) {
        char c = pat[i];
        if (c == '\'') {
            size_t j = i + 1;
            while (j < pn && pat[j] != '\'') j++;
            if (j >= pn) return false; /* an unclosed quote */
            i = j + 1;
            continue;
        }
        if (c == '[' || c == ']') {
            depth += c == '[' ? 1 : -1;
            if (depth < 0) return false;
            i++;
            continue;
        }
        size_t j = i;
        while (j < pn && pat[j] == c) j++;
        int run = (int)(j - i);
        if (isalpha((unsigned char)c)) {
            if (c == 'V' ? run != 2
                : c == 'O' ? run != 1 && run != 4
                : c == 'z' ? run > 4
                : strchr("XxZ", c) ? run > 5
                : !strchr("GyuMLdDEahHkKmsSQq", c))
                return false;
        }
        i = j;
    }
    return depth == 0;
}
