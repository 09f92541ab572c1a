/*
 * codec.h — the one small binary codec: varints, fixed-width numbers and
 * length-prefixed bytes. Used for plans, expressions, tasks, shuffle and
 * spill blocks. Readers check every bound: a truncated or hostile buffer sets
 * r->failed and returns zeros, and cn_reader_check() turns that into an
 * error, never a crash.
 */
#ifndef CN_CODEC_H
#define CN_CODEC_H

#include "base/base.h"
#include "base/error.h"

typedef struct cn_writer {
    uint8_t *buf;
    size_t len, cap;
} cn_writer;

void cn_writer_init(cn_writer *w);
void cn_writer_free(cn_writer *w);
void cn_put_u8(cn_writer *w, uint8_t v);
void cn_put_uvar(cn_writer *w, uint64_t v);
void cn_put_svar(cn_writer *w, int64_t v);     /* zig-zag */
void cn_put_u32(cn_writer *w, uint32_t v);     /* little-endian fixed */
void cn_put_u64(cn_writer *w, uint64_t v);
void cn_put_f64(cn_writer *w, double v);
void cn_put_bytes(cn_writer *w, const void *p, size_t n); /* uvar length + bytes */
void cn_put_raw(cn_writer *w, const void *p, size_t n);   /* bytes only */
void cn_put_str(cn_writer *w, const char *s);             /* NULL allowed */

typedef struct cn_reader {
    const uint8_t *p, *end;
    bool failed;
} cn_reader;

void cn_reader_init(cn_reader *r, const void *buf, size_t len);
uint8_t cn_get_u8(cn_reader *r);
uint64_t cn_get_uvar(cn_reader *r);
int64_t cn_get_svar(cn_reader *r);
uint32_t cn_get_u32(cn_reader *r);
uint64_t cn_get_u64(cn_reader *r);
double cn_get_f64(cn_reader *r);
/* Pointer into the buffer and its length (no copy); NULL on failure. */
const void *cn_get_bytes(cn_reader *r, size_t *n);
const void *cn_get_raw(cn_reader *r, size_t n);
/* NUL-terminated copy in arena `a`. */
struct cn_arena;
char *cn_get_str(cn_reader *r, struct cn_arena *a); /* NULL for a NULL string or failure */
/* 0 if all reads were in bounds, else -1 with [INTERNAL_ERROR] "corrupt <what>". */
int cn_reader_check(cn_reader *r, const char *what, cn_error *err);

#endif
