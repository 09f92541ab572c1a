/*
 * strbuf.c — growable string buffer.
 */
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>

void cn_sb_init(cn_strbuf *sb) { memset(sb, 0, sizeof *sb); }
void cn_sb_free(cn_strbuf *sb) { free(sb->s); cn_sb_init(sb); }
void cn_sb_reset(cn_strbuf *sb) { sb->len = 0; if (sb->s) sb->s[0] = 0; }

static void sb_grow(cn_strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1) cap *= 2;
    sb->s = cn_xrealloc(sb->s, cap);
    sb->cap = cap;
}

void cn_sb_putn(cn_strbuf *sb, const char *s, size_t n)
{
    sb_grow(sb, n);
    memcpy(sb->s + sb->len, s, n);
    sb->len += n;
    sb->s[sb->len] = 0;
}

void cn_sb_putc(cn_strbuf *sb, char c) { cn_sb_putn(sb, &c, 1); }
void cn_sb_puts(cn_strbuf *sb, const char *s) { cn_sb_putn(sb, s, strlen(s)); }

void cn_sb_printf(cn_strbuf *sb, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    sb_grow(sb, (size_t)n);
    vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    sb->len += (size_t)n;
}

char *cn_sb_take(cn_strbuf *sb)
{
    char *s = sb->s ? sb->s : cn_xstrdup("");
    cn_sb_init(sb);
    return s;
}

/* length of the well-formed UTF-8 sequence at s (NUL-terminated: a NUL is never a
 * continuation byte, so the checks stop there), or 0 when it is ill-formed */
static int utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    int len;
    unsigned char lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;      /* no overlong forms */
        else if (c == 0xED) hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F; /* nothing past U+10FFFF */
    } else
        return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (int i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return len;
}

int cn_utf16_units(const char *s, int nbytes)
{
    const unsigned char *u = (const unsigned char *)s;
    int units = 0;
    /* a character that starts before nbytes counts whole, even if nbytes cuts it */
    for (int i = 0; i < nbytes && u[i];) {
        int len = utf8_seq_len(u + i);
        if (len == 0) {
            units++, i++;
            continue;
        }
        units += len == 4 ? 2 : 1;
        i += len;
    }
    return units;
}
