/*
 * codec.c — varints and length-prefixed bytes with bounds-checked reading.
 * A read that runs past the end (or a varint longer than 64 bits) marks the
 * reader failed and returns zero / NULL, never a partial value; once failed,
 * every later read fails too (tests/fuzz/fuzz_codec.c checks these rules).
 */
#include "base/codec.h"
#include "base/arena.h"

void cn_writer_init(cn_writer *w) { memset(w, 0, sizeof *w); }
void cn_writer_free(cn_writer *w) { free(w->buf); memset(w, 0, sizeof *w); }

static void w_grow(cn_writer *w, size_t n)
{
    if (w->len + n <= w->cap) return;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n) cap *= 2;
    w->buf = cn_xrealloc(w->buf, cap);
    w->cap = cap;
}

void cn_put_raw(cn_writer *w, const void *p, size_t n)
{
    w_grow(w, n);
    if (n) memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void cn_put_u8(cn_writer *w, uint8_t v) { cn_put_raw(w, &v, 1); }

void cn_put_uvar(cn_writer *w, uint64_t v)
{
    uint8_t b[10];
    int n = 0;
    while (v >= 0x80) {
        b[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (uint8_t)v;
    cn_put_raw(w, b, (size_t)n);
}

void cn_put_svar(cn_writer *w, int64_t v) { cn_put_uvar(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

void cn_put_u32(cn_writer *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    cn_put_raw(w, b, 4);
}

void cn_put_u64(cn_writer *w, uint64_t v)
{
    cn_put_u32(w, (uint32_t)v);
    cn_put_u32(w, (uint32_t)(v >> 32));
}

void cn_put_f64(cn_writer *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    cn_put_u64(w, u);
}

void cn_put_bytes(cn_writer *w, const void *p, size_t n)
{
    cn_put_uvar(w, n);
    cn_put_raw(w, p, n);
}

void cn_put_str(cn_writer *w, const char *s)
{
    if (!s) {
        cn_put_uvar(w, 0);
        return;
    }
    size_t n = strlen(s);
    cn_put_uvar(w, n + 1);
    cn_put_raw(w, s, n);
}

void cn_reader_init(cn_reader *r, const void *buf, size_t len)
{
    r->p = buf;
    r->end = buf ? (const uint8_t *)buf + len : r->p; /* an empty writer's NULL buffer: no arithmetic on NULL */
    r->failed = false;
}

const void *cn_get_raw(cn_reader *r, size_t n)
{
    if (r->failed || (size_t)(r->end - r->p) < n) {
        r->failed = true;
        return NULL;
    }
    const void *p = r->p;
    if (n) r->p += n; /* the buffer of an empty reader may be NULL */
    return p;
}

uint8_t cn_get_u8(cn_reader *r)
{
    const uint8_t *p = cn_get_raw(r, 1);
    return p ? *p : 0;
}

uint64_t cn_get_uvar(cn_reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->failed || r->p >= r->end) {
            r->failed = true;
            return 0;
        }
        uint8_t b = *r->p++;
        if (shift == 63 && b > 1) break; /* more than 64 bits */
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    r->failed = true;
    return 0;
}

int64_t cn_get_svar(cn_reader *r)
{
    uint64_t u = cn_get_uvar(r);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

uint32_t cn_get_u32(cn_reader *r)
{
    const uint8_t *b = cn_get_raw(r, 4);
    if (!b) return 0;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t cn_get_u64(cn_reader *r)
{
    const uint8_t *b = cn_get_raw(r, 8); /* all or nothing: a truncated value reads as 0 */
    if (!b) return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    return v;
}

double cn_get_f64(cn_reader *r)
{
    uint64_t u = cn_get_u64(r);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

const void *cn_get_bytes(cn_reader *r, size_t *n)
{
    uint64_t len = cn_get_uvar(r);
    if (r->failed || len > (uint64_t)(r->end - r->p)) {
        r->failed = true;
        *n = 0;
        return NULL;
    }
    *n = (size_t)len;
    return cn_get_raw(r, (size_t)len);
}

char *cn_get_str(cn_reader *r, cn_arena *a)
{
    uint64_t len = cn_get_uvar(r);
    if (len == 0 || r->failed) return NULL;
    len--;
    const char *p = cn_get_raw(r, (size_t)len);
    if (!p) return NULL;
    return cn_arena_strndup(a, p, (size_t)len);
}

int cn_reader_check(cn_reader *r, const char *what, cn_error *err)
{
    if (!r->failed) return 0;
    return cn_error_setf_detail(err, "INTERNAL_ERROR", "corrupt %s: truncated or malformed data", what);
}
