/*
 * strbuf.h — growable, NUL-terminated string buffer (malloc-backed).
 */
#ifndef CN_STRBUF_H
#define CN_STRBUF_H

#include "base/base.h"

typedef struct cn_strbuf {
    char *s; /* NUL-terminated when non-NULL */
    size_t len, cap;
} cn_strbuf;

void cn_sb_init(cn_strbuf *sb);
void cn_sb_free(cn_strbuf *sb);
void cn_sb_reset(cn_strbuf *sb); /* len = 0, keep memory */
void cn_sb_putc(cn_strbuf *sb, char c);
void cn_sb_puts(cn_strbuf *sb, const char *s);
void cn_sb_putn(cn_strbuf *sb, const char *s, size_t n);
void cn_sb_printf(cn_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Take ownership of the string (never NULL); sb is reset to empty. */
char *cn_sb_take(cn_strbuf *sb);

/* How many UTF-16 code units Java would see in the first nbytes bytes of s (stopping at a
 * NUL): Spark counts error positions in these units. A well-formed UTF-8 sequence is one
 * unit (two for a supplementary character); every byte of an ill-formed sequence is one
 * U+FFFD, as Java's decoder replaces it. Never more than the bytes counted. */
int cn_utf16_units(const char *s, int nbytes);

#endif
