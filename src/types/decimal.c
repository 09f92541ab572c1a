/*
 * decimal.c — DECIMAL(p,s) helpers on 128-bit unscaled integers: powers of
 * ten, precision checks, rescaling with HALF_UP rounding (Spark's default
 * rounding for casts and arithmetic), text formatting with exactly `scale`
 * fraction digits, parsing of decimal text (with exponents) straight from the
 * bytes without going through double, and conversions to and from double
 * (from double goes through the shortest round-trip text, as Spark's
 * BigDecimal(Double.toString) does, so 0.1 becomes exactly 0.1).
 */
#include "types/decimal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>

static cn_i128 pow10_tab[39];
static pthread_once_t pow10_once_flag;

static void pow10_init(void)
{
    cn_i128 v = 1;
    for (int i = 0; i <= 38; i++) {
        pow10_tab[i] = v;
        if (i < 38) v *= 10;
    }
}

cn_i128 cn_pow10_i128(int n)
{
    if (CN_UNLIKELY(!pow10_tab[0])) pthread_once(&pow10_once_flag, pow10_init);
    if (n < 0) return 1;
    if (n > 38) n = 38;
    return pow10_tab[n];
}

bool cn_decimal_fits(cn_i128 v, int precision)
{
    cn_i128 lim = cn_pow10_i128(precision);
    return v < lim && v > -lim;
}

#define I128_MAX ((cn_i128)(((unsigned __int128)1 << 127) - 1))

bool cn_decimal_rescale(cn_i128 v, int from, int to, cn_i128 *out)
{
    if (to == from) {
        *out = v;
        return true;
    }
    if (to > from) {
        int k = to - from;
        while (k > 0) {
            int step = k > 38 ? 38 : k;
            cn_i128 m = cn_pow10_i128(step);
            cn_i128 lim = I128_MAX / m;
            if (v > lim || v < -lim) return false;
            v *= m;
            k -= step;
        }
        *out = v;
        return true;
    }
    int k = from - to;
    if (k > 38) {
        *out = 0;
        return true;
    }
    cn_i128 m = cn_pow10_i128(k);
    cn_i128 q = v / m, r = v % m;
    if (r < 0) r = -r;
    if (r * 2 >= m) q += v < 0 ? -1 : 1;
    *out = q;
    return true;
}

int cn_decimal_format(cn_i128 v, int scale, char *buf, int cap)
{
    char tmp[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale) tmp[n++] = '0'; /* at least one integral digit */
    int o = 0;
    char out[96];
    if (neg) out[o++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        out[o++] = tmp[i];
        if (i == scale && scale > 0) out[o++] = '.';
    }
    if (o >= cap) o = cap - 1;
    if (o > 0) memcpy(buf, out, (size_t)o);
    if (cap > 0) buf[o] = 0;
    return o;
}

static inline bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

int cn_decimal_parse(const char *s, size_t len, int p, int sc, cn_i128 *out)
{
    const char *e = s + len;
    while (s < e && blank(*s)) s++;
    while (e > s && blank(e[-1])) e--;
    if (s == e) return -1;
    bool neg = false;
    if (*s == '+' || *s == '-') {
        neg = *s == '-';
        s++;
    }
    /* significant digits (leading zeros dropped), at most 40 kept; `intpos` = digits before the point */
    char dig[40];
    int nd = 0, intpos = 0, seen = 0;
    bool dot = false, more_nonzero = false;
    for (; s < e; s++) {
        char c = *s;
        if (c >= '0' && c <= '9') {
            seen++;
            if (nd == 0 && c == '0') {
                if (dot) intpos--;
                continue;
            }
            if (nd < 40) dig[nd++] = c;
            else if (c != '0') more_nonzero = true;
            if (!dot) intpos++;
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (!seen) return -1;
    if (nd >= 40 && !dot) {
        /* integral digits beyond 40 cannot fit any precision */
        return -1;
    }
    if (s < e) {
        if (*s != 'e' && *s != 'E') return -1;
        s++;
        bool eneg = false;
        if (s < e && (*s == '+' || *s == '-')) {
            eneg = *s == '-';
            s++;
        }
        if (s == e) return -1;
        int64_t ex = 0;
        for (; s < e; s++) {
            if (*s < '0' || *s > '9') return -1;
            if (ex < 100000) ex = ex * 10 + (*s - '0');
        }
        intpos += (int)(eneg ? -ex : ex);
    }
    if (nd == 0) {
        *out = 0;
        return 0;
    }
    CN_UNUSED(more_nonzero);
    int64_t keep = (int64_t)intpos + sc; /* digits of the unscaled result */
    if (keep > p) return -1;
    cn_i128 v = 0;
    for (int i = 0; i < keep; i++) v = v * 10 + (i < nd ? dig[i] - '0' : 0);
    if (keep >= 0 && keep < nd && dig[keep] >= '5') v += 1;
    if (keep < 0) v = 0;
    if (!cn_decimal_fits(v, p)) return -1;
    *out = neg ? -v : v;
    return 0;
}

double cn_decimal_to_double(cn_i128 v, int scale)
{
    cn_i128 av = v < 0 ? -v : v;
    if (av < ((cn_i128)1 << 53) && scale <= 22) {
        static const double p10[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        return (double)v / p10[scale];
    }
    char buf[64];
    cn_decimal_format(v, scale, buf, sizeof buf);
    return strtod(buf, NULL);
}

bool cn_decimal_from_double(double d, int p, int s, cn_i128 *out)
{
    if (!isfinite(d)) return false;
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d) break;
    }
    return cn_decimal_parse(buf, strlen(buf), p, s, out) == 0;
}
