/*
 * datetime.c — dates, timestamps and time zones (proleptic Gregorian, as Spark 3+).
 *
 * Civil dates convert to and from days since 1970-01-01 with the classic
 * era-based days-from-civil algorithm (400-year cycles, no tables). Time zones
 * are "UTC"/"Z"/"GMT", fixed offsets ("+08:00", "-0700", "GMT+8", "UTC-07:00")
 * or IANA names read from /usr/share/zoneinfo: the TZif file (v1, or the
 * 64-bit v2+ block) is parsed here with bounds checks, and instants after the
 * last transition follow the POSIX TZ rule in the file's footer
 * ("PST8PDT,M3.2.0,M11.1.0"). Parsed zones are cached per name for the life
 * of the process under a mutex; a thread-local last-zone cache makes repeated
 * lookups of the same name cheap. A name that cannot be resolved (or a
 * machine without tzdata) behaves as UTC.
 */
#include "types/datetime.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>

/* --- civil dates ---------------------------------------------------------------- */

int32_t cn_days_from_civil(int y, int m, int d) { return (int32_t)cn_days_from_civil64(y, m, d); }

int64_t cn_days_from_civil64(int64_t y, int m, int d)
{
    int64_t yy = y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void cn_civil_from_days(int32_t days, int *y, int *m, int *d)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (mm <= 2));
    *m = mm;
    *d = dd;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

bool cn_date_valid(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int cn_date_add_months_checked(int32_t days, int64_t months, int32_t *out)
{
    int y, m, d;
    cn_civil_from_days(days, &y, &m, &d);
    /* |months| < 2^63 / 2 keeps the month count exact; any more is far past DATE's range */
    if (months > INT64_MAX / 4 || months < INT64_MIN / 4) return -1;
    int64_t total = (int64_t)y * 12 + (m - 1) + months;
    int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int nm = (int)(total - ny * 12) + 1;
    if (ny > 6000000 || ny < -6000000) return -1; /* beyond +-5.8 million years of int32 days */
    int dim = days_in_month((int)ny, nm);
    int64_t r = cn_days_from_civil64(ny, nm, d > dim ? dim : d);
    if (r > INT32_MAX || r < INT32_MIN) return -1;
    *out = (int32_t)r;
    return 0;
}

int32_t cn_date_add_months(int32_t days, int months)
{
    int y, m, d;
    cn_civil_from_days(days, &y, &m, &d);
    int64_t total = (int64_t)y * 12 + (m - 1) + months;
    int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int nm = (int)(total - ny * 12) + 1;
    int dim = days_in_month((int)ny, nm);
    return cn_days_from_civil((int)ny, nm, d > dim ? dim : d);
}

int cn_date_year(int32_t days) { int y, m, d; cn_civil_from_days(days, &y, &m, &d); return y; }
int cn_date_month(int32_t days) { int y, m, d; cn_civil_from_days(days, &y, &m, &d); return m; }
int cn_date_day(int32_t days) { int y, m, d; cn_civil_from_days(days, &y, &m, &d); return d; }
int cn_date_quarter(int32_t days) { return (cn_date_month(days) - 1) / 3 + 1; }
int cn_date_dayofweek(int32_t days)
{
    /* 1970-01-01 was a Thursday (5 in 1 = Sunday numbering) */
    int r = (int)(((int64_t)days + 4) % 7);
    if (r < 0) r += 7;
    return r + 1;
}
int cn_date_dayofyear(int32_t days)
{
    int y = cn_date_year(days);
    return (int)(days - cn_days_from_civil(y, 1, 1)) + 1;
}

/* --- parsing ------------------------------------------------------------------------ */

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static void trim(const char **s, size_t *len)
{
    const char *p = *s, *e = *s + *len;
    while (p < e && is_blank(*p)) p++;
    while (e > p && is_blank(e[-1])) e--;
    *s = p;
    *len = (size_t)(e - p);
}

/* Date part: [+-]yyyy[y..]-[m]m-[d]d with optional missing month/day. Returns bytes consumed or -1. */
static int parse_date_part(const char *s, size_t len, int *yy, int *mm, int *dd, bool *full)
{
    size_t i = 0;
    int sign = 1;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        sign = s[i] == '-' ? -1 : 1;
        i++;
    }
    int seg[3] = {0, 1, 1}, nseg = 0;
    while (nseg < 3) {
        size_t st = i;
        int64_t v = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - st < 8) v = v * 10 + (s[i++] - '0');
        size_t nd = i - st;
        if (nseg == 0 ? (nd < 4 || nd > 7) : (nd < 1 || nd > 2)) return -1;
        seg[nseg++] = (int)v;
        if (nseg < 3 && i < len && s[i] == '-') {
            i++;
            continue;
        }
        break;
    }
    *yy = sign * seg[0];
    *mm = seg[1];
    *dd = seg[2];
    *full = nseg == 3;
    if (!cn_date_valid(*yy, *mm, *dd)) return -1;
    return (int)i;
}

int cn_parse_date(const char *s, size_t len, int32_t *days)
{
    trim(&s, &len);
    int y, m, d;
    bool full;
    int n = parse_date_part(s, len, &y, &m, &d, &full);
    if (n < 0) return -1;
    if ((size_t)n < len) {
        /* after a full date: ' ' or 'T' followed by anything */
        if (!full || (s[n] != ' ' && s[n] != 'T')) return -1;
    }
    int64_t dd = cn_days_from_civil64(y, m, d);
    if (dd > INT32_MAX || dd < INT32_MIN) return -1; /* Spark: toIntExact fails, the text is invalid */
    *days = (int32_t)dd;
    return 0;
}

/* Parse a zone suffix: "Z", "UTC", "+08:00", "-0700", "+8", "GMT+8", IANA name. Fills name buffer. */
static int zone_fixed_offset(const char *s, size_t len, int64_t *off_secs);

int cn_parse_timestamp(const char *s, size_t len, const char *tz, int64_t *micros)
{
    trim(&s, &len);
    int y, m, d;
    bool full;
    int n = parse_date_part(s, len, &y, &m, &d, &full);
    if (n < 0) return -1;
    size_t i = (size_t)n;
    int hh = 0, mi = 0, ss = 0;
    int64_t frac = 0;
    const char *zone = NULL;
    size_t zlen = 0;
    if (i < len) {
        if (!full || (s[i] != ' ' && s[i] != 'T')) return -1;
        i++;
        int vals[3] = {0, 0, 0}, nv = 0;
        while (nv < 3) {
            size_t st = i;
            int v = 0;
            while (i < len && s[i] >= '0' && s[i] <= '9' && i - st < 3) v = v * 10 + (s[i++] - '0');
            if (i - st < 1 || i - st > 2) return -1;
            vals[nv++] = v;
            if (nv < 3 && i < len && s[i] == ':') {
                i++;
                continue;
            }
            break;
        }
        if (nv < 2) return -1;
        hh = vals[0];
        mi = vals[1];
        ss = vals[2];
        if (nv == 3 && i < len && s[i] == '.') {
            i++;
            size_t st = i;
            int64_t scale = 100000;
            while (i < len && s[i] >= '0' && s[i] <= '9') {
                if (i - st < 6) {
                    frac += (s[i] - '0') * scale;
                    scale /= 10;
                } else if (i - st >= 9) {
                    return -1;
                }
                i++;
            }
            if (i == st) return -1;
        }
        if (hh > 23 || mi > 59 || ss > 59) return -1;
        if (i < len) {
            size_t zs = i;
            if (s[zs] == ' ') zs++;
            zone = s + zs;
            zlen = len - zs;
            if (zlen == 0) return -1;
        }
    }
    int64_t local, secs;
    /* far years overflow 64-bit microseconds: malformed, not undefined */
    if (__builtin_mul_overflow(cn_days_from_civil64(y, m, d), 86400, &secs) ||
        __builtin_add_overflow(secs, (int64_t)hh * 3600 + mi * 60 + ss, &secs) ||
        __builtin_mul_overflow(secs, CN_MICROS_PER_SECOND, &local) || __builtin_add_overflow(local, frac, &local))
        return -1;
    if (zone) {
        int64_t off;
        if (zone_fixed_offset(zone, zlen, &off) == 0) {
            if (__builtin_sub_overflow(local, off * CN_MICROS_PER_SECOND, micros)) return -1;
            return 0;
        }
        char name[80];
        if (zlen >= sizeof name) return -1;
        for (size_t k = 0; k < zlen; k++) {
            char c = zone[k];
            if (!isalnum((unsigned char)c) && c != '/' && c != '_' && c != '-' && c != '+') return -1;
        }
        memcpy(name, zone, zlen);
        name[zlen] = 0;
        const cn_tz *z = cn_tz_get(name);
        if (!z) return -1;
        *micros = cn_tz_local_to_utc(z, local);
        return 0;
    }
    *micros = cn_tz_local_to_utc(cn_tz_get(tz), local);
    return 0;
}

/* --- formatting ------------------------------------------------------------------------ */

static int fmt_ymd(int y, int m, int d, char *buf, int cap)
{
    if (y >= 0 && y <= 9999)
        return snprintf(buf, (size_t)cap, "%04d-%02d-%02d", y, m, d);
    if (y > 9999) return snprintf(buf, (size_t)cap, "+%d-%02d-%02d", y, m, d);
    return snprintf(buf, (size_t)cap, "-%04d-%02d-%02d", -y, m, d);
}

int cn_format_date(int32_t days, char *buf, int cap)
{
    int y, m, d;
    cn_civil_from_days(days, &y, &m, &d);
    int n = fmt_ymd(y, m, d, buf, cap);
    return n < cap ? n : cap - 1;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

int cn_format_timestamp(int64_t micros, const char *tz, char *buf, int cap)
{
    const cn_tz *z = cn_tz_get(tz);
    int64_t local = micros + cn_tz_offset(z, micros);
    int64_t secs = floordiv(local, CN_MICROS_PER_SECOND);
    int64_t frac = local - secs * CN_MICROS_PER_SECOND;
    int64_t days = floordiv(secs, 86400);
    int64_t sod = secs - days * 86400;
    int y, m, d;
    cn_civil_from_days((int32_t)days, &y, &m, &d);
    int n = fmt_ymd(y, m, d, buf, cap);
    if (n >= cap) return cap - 1;
    n += snprintf(buf + n, (size_t)(cap - n), " %02d:%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
    if (n >= cap) return cap - 1;
    if (frac) {
        char f[8];
        snprintf(f, sizeof f, "%06d", (int)frac);
        int k = 6;
        while (k > 0 && f[k - 1] == '0') k--;
        f[k] = 0;
        n += snprintf(buf + n, (size_t)(cap - n), ".%s", f);
    }
    return n < cap ? n : cap - 1;
}

/* --- time zones ------------------------------------------------------------------------- */

struct cn_tz {
    char name[64];
    bool fixed;
    int64_t fixed_off; /* seconds */
    int ntrans;
    int64_t *trans;    /* transition instants, UTC seconds, ascending */
    int32_t *trans_off; /* offset in effect from trans[i] */
    int32_t initial_off;
    /* POSIX rule after the last transition */
    bool has_rule;
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool rule_dst;
    int r_start_m, r_start_w, r_start_d, r_end_m, r_end_w, r_end_d;
    int32_t r_start_t, r_end_t; /* seconds after local midnight */
};

static int zone_fixed_offset(const char *s, size_t len, int64_t *off_secs)
{
    if ((len == 1 && (s[0] == 'Z' || s[0] == 'z'))) { *off_secs = 0; return 0; }
    size_t i = 0;
    if (len >= 3 && (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0)) i = 3;
    else if (len >= 2 && strncasecmp(s, "UT", 2) == 0) i = 2;
    if (i == len && i > 0) { *off_secs = 0; return 0; }
    if (i >= len || (s[i] != '+' && s[i] != '-')) return -1;
    int sign = s[i] == '-' ? -1 : 1;
    i++;
    int h = 0, mnt = 0, sec = 0, nd = 0;
    while (i < len && isdigit((unsigned char)s[i]) && nd < 2) { h = h * 10 + (s[i++] - '0'); nd++; }
    if (nd == 0) return -1;
    if (i < len) {
        bool colon = s[i] == ':';
        if (colon) i++;
        nd = 0;
        while (i < len && isdigit((unsigned char)s[i]) && nd < 2) { mnt = mnt * 10 + (s[i++] - '0'); nd++; }
        if (nd != 2) return -1;
        if (i < len) {
            if (colon && s[i] == ':') i++;
            nd = 0;
            while (i < len && isdigit((unsigned char)s[i]) && nd < 2) { sec = sec * 10 + (s[i++] - '0'); nd++; }
            if (nd != 2) return -1;
        }
    }
    if (i != len || h > 18 || mnt > 59 || sec > 59) return -1;
    *off_secs = sign * (h * 3600 + mnt * 60 + sec);
    return 0;
}

/* Bounds-checked big-endian reader over a TZif image. */
typedef struct { const uint8_t *p; size_t len, pos; bool bad; } rd;
static int64_t rd_be(rd *r, int n)
{
    if (r->bad || r->len - r->pos < (size_t)n) { r->bad = true; return 0; }
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | r->p[r->pos + i];
    r->pos += (size_t)n;
    if (n == 4) return (int32_t)(uint32_t)v;
    return (int64_t)v;
}
static void rd_skip(rd *r, size_t n)
{
    if (r->bad || r->len - r->pos < n) { r->bad = true; return; }
    r->pos += n;
}

/* POSIX TZ: parse an offset "[+-]hh[:mm[:ss]]" (hours may be 1-3 digits); returns seconds. */
static const char *posix_time(const char *p, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-') { if (*p == '-') sign = -1; p++; }
    if (!isdigit((unsigned char)*p)) return NULL;
    int h = 0, m = 0, s = 0;
    while (isdigit((unsigned char)*p)) h = h * 10 + (*p++ - '0');
    if (*p == ':') { p++; while (isdigit((unsigned char)*p)) m = m * 10 + (*p++ - '0'); }
    if (*p == ':') { p++; while (isdigit((unsigned char)*p)) s = s * 10 + (*p++ - '0'); }
    if (h > 200) return NULL;
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}
static const char *posix_name(const char *p)
{
    if (*p == '<') {
        while (*p && *p != '>') p++;
        return *p ? p + 1 : NULL;
    }
    const char *st = p;
    while (isalpha((unsigned char)*p)) p++;
    return p - st >= 3 ? p : NULL;
}
static const char *posix_date(const char *p, int *m, int *w, int *d, int32_t *t)
{
    if (*p != 'M') return NULL; /* only the Mm.w.d form (used by all current zones) */
    p++;
    int v[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (!isdigit((unsigned char)*p)) return NULL;
        while (isdigit((unsigned char)*p)) v[i] = v[i] * 10 + (*p++ - '0');
        if (i < 2) { if (*p != '.') return NULL; p++; }
    }
    if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6) return NULL;
    *m = v[0]; *w = v[1]; *d = v[2];
    *t = 7200;
    if (*p == '/') { p = posix_time(p + 1, t); if (!p) return NULL; }
    return p;
}
static void parse_posix_rule(struct cn_tz *z, const char *s)
{
    const char *p = posix_name(s);
    if (!p) return;
    int32_t std;
    p = posix_time(p, &std);
    if (!p) return;
    z->std_off = -std;
    z->dst_off = z->std_off;
    z->rule_dst = false;
    if (*p == 0) { z->has_rule = true; return; }
    p = posix_name(p);
    if (!p) return;
    z->dst_off = z->std_off + 3600;
    if (*p && *p != ',') {
        int32_t dst;
        p = posix_time(p, &dst);
        if (!p) return;
        z->dst_off = -dst;
    }
    if (*p != ',') return;
    p = posix_date(p + 1, &z->r_start_m, &z->r_start_w, &z->r_start_d, &z->r_start_t);
    if (!p || *p != ',') return;
    p = posix_date(p + 1, &z->r_end_m, &z->r_end_w, &z->r_end_d, &z->r_end_t);
    if (!p) return;
    z->rule_dst = true;
    z->has_rule = true;
}

/* Local-midnight day of the w-th (5 = last) weekday d (0 = Sunday) of month m in year y. */
static int32_t rule_day(int y, int m, int w, int d)
{
    int32_t first = cn_days_from_civil(y, m, 1);
    int dow = cn_date_dayofweek(first) - 1; /* 0 = Sunday */
    int32_t day = first + ((d - dow + 7) % 7) + (w - 1) * 7;
    int dim = days_in_month(y, m);
    while (day >= first + dim) day -= 7;
    return day;
}

static int32_t rule_offset(const struct cn_tz *z, int64_t utc)
{
    if (!z->rule_dst) return z->std_off;
    int64_t days = floordiv(utc + z->std_off, 86400);
    int y = cn_date_year((int32_t)days);
    /* DST starts at local standard time r_start_t, ends at local daylight time r_end_t */
    int64_t start = (int64_t)rule_day(y, z->r_start_m, z->r_start_w, z->r_start_d) * 86400 + z->r_start_t - z->std_off;
    int64_t end = (int64_t)rule_day(y, z->r_end_m, z->r_end_w, z->r_end_d) * 86400 + z->r_end_t - z->dst_off;
    if (start < end) return utc >= start && utc < end ? z->dst_off : z->std_off;
    return utc >= end && utc < start ? z->std_off : z->dst_off; /* southern hemisphere */
}

static struct cn_tz *load_tzif(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '/' && *c != '_' && *c != '-' && *c != '+') return NULL;
    if (strstr(name, "..") || name[0] == '/' || strlen(name) > 60) return NULL;
    char path[128];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = cn_xmalloc(1 << 20);
    size_t len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    rd r = {buf, len, 0, false};
    struct cn_tz *z = NULL;
    if (len < 44 || memcmp(buf, "TZif", 4) != 0) goto done;
    int version = buf[4];
    int64_t cnt[6];
    rd_skip(&r, 20);
    for (int i = 0; i < 6; i++) cnt[i] = rd_be(&r, 4);
    for (int i = 0; i < 6; i++)
        if (cnt[i] < 0 || cnt[i] > 100000) goto done;
    int tsize = 4;
    if (version >= '2') {
        /* skip the v1 block and read the 64-bit header */
        rd_skip(&r, (size_t)(cnt[3] * 4 + cnt[3] + cnt[4] * 6 + cnt[5] + cnt[2] * 8 + cnt[1] + cnt[0]));
        if (r.bad || r.len - r.pos < 44 || memcmp(buf + r.pos, "TZif", 4) != 0) goto done;
        rd_skip(&r, 20);
        for (int i = 0; i < 6; i++) cnt[i] = rd_be(&r, 4);
        for (int i = 0; i < 6; i++)
            if (cnt[i] < 0 || cnt[i] > 100000) goto done;
        tsize = 8;
    }
    int64_t isut = cnt[0], isstd = cnt[1], leap = cnt[2], timecnt = cnt[3], typecnt = cnt[4], charcnt = cnt[5];
    if (typecnt < 1) goto done;
    z = cn_xcalloc(1, sizeof *z);
    snprintf(z->name, sizeof z->name, "%s", name);
    z->ntrans = (int)timecnt;
    z->trans = cn_xmalloc(sizeof(int64_t) * (size_t)(timecnt + 1));
    z->trans_off = cn_xmalloc(sizeof(int32_t) * (size_t)(timecnt + 1));
    uint8_t *idx = cn_xmalloc((size_t)timecnt + 1);
    int32_t *type_off = cn_xmalloc(sizeof(int32_t) * (size_t)typecnt);
    for (int64_t i = 0; i < timecnt; i++) z->trans[i] = rd_be(&r, tsize);
    for (int64_t i = 0; i < timecnt; i++) idx[i] = (uint8_t)rd_be(&r, 1);
    for (int64_t i = 0; i < typecnt; i++) {
        type_off[i] = (int32_t)rd_be(&r, 4);
        rd_skip(&r, 2);
    }
    rd_skip(&r, (size_t)(charcnt + leap * (tsize + 4) + isstd + isut));
    bool ok = !r.bad;
    for (int64_t i = 0; ok && i < timecnt; i++) {
        if (idx[i] >= typecnt || (i && z->trans[i] < z->trans[i - 1])) ok = false;
        else z->trans_off[i] = type_off[idx[i]];
    }
    /* initial offset: the first non-DST type is approximated by type 0 */
    z->initial_off = type_off[0];
    if (ok && tsize == 8 && r.pos < r.len && buf[r.pos] == '\n') {
        size_t st = r.pos + 1, e = st;
        while (e < r.len && buf[e] != '\n') e++;
        if (e < r.len && e - st < 120) {
            char rule[128];
            memcpy(rule, buf + st, e - st);
            rule[e - st] = 0;
            parse_posix_rule(z, rule);
        }
    }
    free(idx);
    free(type_off);
    if (!ok) {
        free(z->trans);
        free(z->trans_off);
        free(z);
        z = NULL;
    }
done:
    free(buf);
    return z;
}

static pthread_mutex_t tz_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cn_tz **tz_cache;
static int tz_ncache, tz_capcache;
static const struct cn_tz tz_utc = {.name = "UTC", .fixed = true};
static char tz_default_name[64];

const cn_tz *cn_tz_get(const char *name)
{
    if (!name || !*name) name = cn_tz_default();
    static __thread const struct cn_tz *last;
    if (last && strcmp(last->name, name) == 0) return last;
    int64_t off;
    if (strcmp(name, "UTC") == 0) return &tz_utc;
    const struct cn_tz *found = NULL;
    pthread_mutex_lock(&tz_mu);
    for (int i = 0; i < tz_ncache; i++)
        if (strcmp(tz_cache[i]->name, name) == 0) { found = tz_cache[i]; break; }
    if (!found && strlen(name) < 64) {
        struct cn_tz *z = NULL;
        if (zone_fixed_offset(name, strlen(name), &off) == 0) {
            z = cn_xcalloc(1, sizeof *z);
            snprintf(z->name, sizeof z->name, "%s", name);
            z->fixed = true;
            z->fixed_off = off;
        } else {
            z = load_tzif(name);
        }
        if (z) {
            if (tz_ncache == tz_capcache) {
                tz_capcache = tz_capcache ? tz_capcache * 2 : 16;
                tz_cache = cn_xrealloc(tz_cache, sizeof *tz_cache * (size_t)tz_capcache);
            }
            tz_cache[tz_ncache++] = z;
            found = z;
        }
    }
    pthread_mutex_unlock(&tz_mu);
    if (found) last = found;
    return found;
}

bool cn_tz_valid(const char *name) { return cn_tz_get(name) != NULL; }

int64_t cn_tz_offset(const cn_tz *z, int64_t utc_micros)
{
    if (!z || z->fixed) return z ? z->fixed_off * CN_MICROS_PER_SECOND : 0;
    int64_t t = floordiv(utc_micros, CN_MICROS_PER_SECOND);
    int n = z->ntrans;
    if (n == 0 || t < z->trans[0]) return (int64_t)(n == 0 && z->has_rule ? rule_offset(z, t) : z->initial_off) * CN_MICROS_PER_SECOND;
    if (t >= z->trans[n - 1] && z->has_rule) return (int64_t)rule_offset(z, t) * CN_MICROS_PER_SECOND;
    int lo = 0, hi = n - 1; /* largest i with trans[i] <= t */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (z->trans[mid] <= t) lo = mid;
        else hi = mid - 1;
    }
    return (int64_t)z->trans_off[lo] * CN_MICROS_PER_SECOND;
}

int64_t cn_tz_local_to_utc(const cn_tz *z, int64_t local_micros)
{
    if (!z || z->fixed) return local_micros - (z ? z->fixed_off * CN_MICROS_PER_SECOND : 0);
    /* Java's ZonedDateTime.of: in an overlap the earlier offset, in a gap shift forward. */
    int64_t o1 = cn_tz_offset(z, local_micros - 86400 * CN_MICROS_PER_SECOND / 2);
    int64_t o2 = cn_tz_offset(z, local_micros + 86400 * CN_MICROS_PER_SECOND / 2);
    int64_t u1 = local_micros - o1, u2 = local_micros - o2;
    bool v1 = cn_tz_offset(z, u1) == o1, v2 = cn_tz_offset(z, u2) == o2;
    if (v1 && v2) return o1 == o2 ? u1 : (u1 < u2 ? u1 : u2);
    if (v1) return u1;
    if (v2) return u2;
    /* gap: local time does not exist; move it forward by the gap length */
    return local_micros - o1;
}

int64_t cn_tz_offset_micros(const char *tz, int64_t utc_micros)
{
    return cn_tz_offset(cn_tz_get(tz), utc_micros);
}

void cn_tz_set_default(const char *name)
{
    pthread_mutex_lock(&tz_mu);
    snprintf(tz_default_name, sizeof tz_default_name, "%s", name ? name : "UTC");
    pthread_mutex_unlock(&tz_mu);
}

const char *cn_tz_default(void)
{
    if (!tz_default_name[0]) {
        char nm[64] = "UTC";
        const char *env = getenv("TZ");
        if (env && *env) {
            snprintf(nm, sizeof nm, "%s", env[0] == ':' ? env + 1 : env);
        } else {
            FILE *f = fopen("/etc/timezone", "r");
            if (f) {
                if (fgets(nm, sizeof nm, f)) {
                    size_t l = strlen(nm);
                    while (l && (nm[l - 1] == '\n' || nm[l - 1] == ' ')) nm[--l] = 0;
                    if (!l) strcpy(nm, "UTC");
                }
                fclose(f);
            }
        }
        pthread_mutex_lock(&tz_mu);
        if (!tz_default_name[0]) memcpy(tz_default_name, nm, sizeof nm);
        pthread_mutex_unlock(&tz_mu);
    }
    return tz_default_name;
}
