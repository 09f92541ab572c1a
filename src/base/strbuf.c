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
