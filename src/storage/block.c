/*
 * block.c — encoding batches as compressed, checksummed blocks and back.
 *
 * Layout (see block.h for the frame): the payload starts with a 16-byte
 * header (u8 version, 3 reserved, u32 rows, u32 columns, u32 reserved); each
 * column then has a 16-byte header (kind, precision, scale, scale2, flags,
 * 3 reserved, u32 string bytes, u32 reserved) followed by its sections, each
 * padded to 16 bytes: the validity bitmap (only when the column has NULLs in
 * the rows written), then fixed-width values, or for strings the u32 lengths
 * and then the concatenated bytes. Padding keeps every section aligned inside
 * the decompressed buffer (arena memory is 16-byte aligned), so fixed-width
 * columns and bitmaps are used in place; string views are rebuilt, pointing
 * into the buffer. The decoder checks every length against the buffer before
 * touching it and rejects unknown versions, types and codecs.
 */
#include "storage/block.h"

#include <lz4.h>
#include <stdio.h>
#include <strings.h>
#include <zstd.h>

#include "base/hash.h"

#define BLOCK_VERSION 1
#define CN_BLOCK_MAX_ROWS 65536
#define CN_BLOCK_MAX_COLS 65536
#define PAD16(x) (((x) + 15) & ~(size_t)15)

/* ---- codecs ---- */

int cn_codec_parse(const char *name, cn_codec_kind *out, cn_error *err)
{
    if (!name || !strcasecmp(name, "lz4")) *out = CN_CODEC_LZ4;
    else if (!strcasecmp(name, "zstd")) *out = CN_CODEC_ZSTD;
    else if (!strcasecmp(name, "none")) *out = CN_CODEC_NONE;
    else return cn_error_set(err, "INVALID_CONF_VALUE", "confValue", name, "confName", "spark.io.compression.codec", NULL);
    return 0;
}

cn_codec_kind cn_codec_from_conf(const cn_conf *c)
{
    cn_codec_kind k = CN_CODEC_LZ4;
    const char *s = c ? cn_conf_get(c, "spark.io.compression.codec") : NULL;
    if (s && !strcasecmp(s, "zstd")) k = CN_CODEC_ZSTD;
    else if (s && !strcasecmp(s, "none")) k = CN_CODEC_NONE;
    return k;
}

const char *cn_codec_name(cn_codec_kind k)
{
    switch (k) {
    case CN_CODEC_NONE: return "none";
    case CN_CODEC_LZ4: return "lz4";
    case CN_CODEC_ZSTD: return "zstd";
    }
    return "?";
}

static int corrupt(cn_error *err, const char *what)
{
    char msg[160];
    snprintf(msg, sizeof msg, "corrupt block: %s", what);
    return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
}

static inline void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static inline uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static uint32_t frame_checksum(const uint8_t *hdr12, const uint8_t *stored, size_t n)
{
    uint64_t seed = cn_hash64_bytes(hdr12, 12, 0x5bd1e995u);
    return (uint32_t)cn_hash64_bytes(stored, n, seed);
}

/* ---- encoding ---- */

static bool col_has_nulls(const cn_block_seg *segs, int nsegs, int c)
{
    for (int g = 0; g < nsegs; g++) {
        const cn_vector *v = &segs[g].b->cols[c];
        const uint16_t *rows = segs[g].rows;
        if (!v->validity) continue;
        for (int i = 0; i < segs[g].n; i++)
            if (!cn_vec_valid(v, rows ? rows[i] : i)) return true;
    }
    return false;
}

static size_t col_size(const cn_block_seg *segs, int nsegs, int c, int n, bool nulls, uint64_t *strbytes)
{
    size_t sz = 16;
    cn_type t = segs[0].b->cols[c].type;
    if (nulls) sz += PAD16((size_t)CN_VALIDITY_WORDS(n) * 8);
    if (cn_type_phys(t) == CN_PHYS_STR) {
        uint64_t tot = 0;
        for (int g = 0; g < nsegs; g++) {
            const cn_vector *v = &segs[g].b->cols[c];
            const cn_str *s = v->data;
            const uint16_t *rows = segs[g].rows;
            if (nulls && v->validity) /* NULL rows may hold garbage: they take no bytes */
                for (int i = 0; i < segs[g].n; i++) {
                    int r = rows ? rows[i] : i;
                    if (cn_vec_valid(v, r)) tot += s[r].len;
                }
            else if (rows)
                for (int i = 0; i < segs[g].n; i++) tot += s[rows[i]].len;
            else
                for (int i = 0; i < segs[g].n; i++) tot += s[i].len;
        }
        *strbytes = tot;
        sz += PAD16((size_t)n * 4) + PAD16((size_t)tot);
    } else {
        *strbytes = 0;
        sz += PAD16((size_t)n * (size_t)cn_type_width(t));
    }
    return sz;
}

static uint8_t *gather_fixed(uint8_t *p, const cn_vector *v, const uint16_t *rows, int n, int w)
{
    if (!rows) {
        memcpy(p, v->data, (size_t)n * (size_t)w);
        return p + (size_t)n * (size_t)w;
    }
    switch (w) {
    case 1: { const uint8_t *s = v->data; uint8_t *d = p; for (int i = 0; i < n; i++) d[i] = s[rows[i]]; break; }
    case 2: { const uint16_t *s = v->data; uint16_t *d = (uint16_t *)p; for (int i = 0; i < n; i++) d[i] = s[rows[i]]; break; }
    case 4: { const uint32_t *s = v->data; uint32_t *d = (uint32_t *)p; for (int i = 0; i < n; i++) d[i] = s[rows[i]]; break; }
    case 8: { const uint64_t *s = v->data; uint64_t *d = (uint64_t *)p; for (int i = 0; i < n; i++) d[i] = s[rows[i]]; break; }
    default: { const uint8_t *s = v->data; for (int i = 0; i < n; i++) memcpy(p + (size_t)i * 16, s + (size_t)rows[i] * 16, 16); break; }
    }
    return p + (size_t)n * (size_t)w;
}

static uint8_t *write_col(uint8_t *p, const cn_block_seg *segs, int nsegs, int c, int n, bool nulls, uint64_t strbytes)
{
    cn_type t = segs[0].b->cols[c].type;
    memset(p, 0, 16);
    p[0] = t.kind;
    p[1] = t.precision;
    p[2] = t.scale;
    p[3] = t.scale2;
    p[4] = nulls ? 1 : 0;
    put32(p + 8, (uint32_t)strbytes);
    p += 16;
    if (nulls) {
        size_t words = CN_VALIDITY_WORDS(n);
        uint64_t *bm = (uint64_t *)p;
        memset(bm, 0, PAD16(words * 8));
        int j = 0;
        for (int g = 0; g < nsegs; g++) {
            const cn_vector *v = &segs[g].b->cols[c];
            const uint16_t *rows = segs[g].rows;
            for (int i = 0; i < segs[g].n; i++, j++)
                if (cn_vec_valid(v, rows ? rows[i] : i)) bm[j >> 6] |= 1ull << (j & 63);
        }
        p += PAD16(words * 8);
    }
    if (cn_type_phys(t) == CN_PHYS_STR) {
        uint8_t *lens = p;
        size_t lsz = PAD16((size_t)n * 4);
        memset(lens + (size_t)n * 4, 0, lsz - (size_t)n * 4);
        uint8_t *bytes = p + lsz;
        int j = 0;
        for (int g = 0; g < nsegs; g++) {
            const cn_vector *v = &segs[g].b->cols[c];
            const cn_str *s = v->data;
            const uint16_t *rows = segs[g].rows;
            bool check = nulls && v->validity;
            for (int i = 0; i < segs[g].n; i++, j++) {
                int r = rows ? rows[i] : i;
                if (check && !cn_vec_valid(v, r)) {
                    put32(lens + (size_t)j * 4, 0);
                    continue;
                }
                const cn_str *x = &s[r];
                put32(lens + (size_t)j * 4, x->len);
                memcpy(bytes, cn_str_data(x), x->len);
                bytes += x->len;
            }
        }
        size_t pad = PAD16((size_t)strbytes) - (size_t)strbytes;
        memset(bytes, 0, pad);
        return bytes + pad;
    }
    int w = cn_type_width(t);
    uint8_t *q = p;
    for (int g = 0; g < nsegs; g++) q = gather_fixed(q, &segs[g].b->cols[c], segs[g].rows, segs[g].n, w);
    size_t dsz = (size_t)n * (size_t)w;
    memset(p + dsz, 0, PAD16(dsz) - dsz);
    return p + PAD16(dsz);
}

static void writer_reserve(cn_writer *w, size_t n)
{
    if (w->len + n <= w->cap) return;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n) cap *= 2;
    w->buf = cn_xrealloc(w->buf, cap);
    w->cap = cap;
}

int cn_block_encode_segs(const cn_block_seg *segs, int nsegs, cn_codec_kind codec, cn_writer *w, cn_error *err)
{
    int n = 0, ncols = nsegs ? segs[0].b->ncols : 0;
    for (int g = 0; g < nsegs; g++) {
        if (segs[g].b->ncols != ncols || segs[g].n < 0)
            return cn_error_set(err, "INTERNAL_ERROR", "message", "block segments differ in columns", NULL);
        n += segs[g].n;
    }
    if (nsegs < 1 || n > CN_BLOCK_MAX_ROWS || ncols > CN_BLOCK_MAX_COLS)
        return cn_error_set(err, "INTERNAL_ERROR", "message", "batch too large for a block", NULL);
    bool nulls_stack[64];
    uint64_t sb_stack[64];
    bool *nulls = ncols <= 64 ? nulls_stack : cn_xmalloc(sizeof(bool) * (size_t)ncols);
    uint64_t *sbytes = ncols <= 64 ? sb_stack : cn_xmalloc(sizeof(uint64_t) * (size_t)ncols);
    size_t raw = 16;
    for (int c = 0; c < ncols; c++) {
        nulls[c] = col_has_nulls(segs, nsegs, c);
        raw += col_size(segs, nsegs, c, n, nulls[c], &sbytes[c]);
        if (sbytes[c] > UINT32_MAX) raw = (size_t)UINT32_MAX + 1;
    }
    int rc = 0;
    if (raw > CN_BLOCK_MAX_PAYLOAD) {
        rc = cn_error_set(err, "INTERNAL_ERROR", "message", "batch too large for a block", NULL);
        goto out;
    }
    /* The raw payload is built in an aligned scratch buffer (the frame in w may sit at any offset). */
    size_t frame_at = w->len;
    uint8_t *scratch = cn_xmalloc(raw ? raw : 1), *p = scratch;
    uint8_t *q = p;
    memset(q, 0, 16);
    q[0] = BLOCK_VERSION;
    put32(q + 4, (uint32_t)n);
    put32(q + 8, (uint32_t)ncols);
    q += 16;
    for (int c = 0; c < ncols; c++) q = write_col(q, segs, nsegs, c, n, nulls[c], sbytes[c]);

    size_t stored = raw;
    if (codec == CN_CODEC_LZ4) {
        int bound = LZ4_compressBound((int)raw);
        writer_reserve(w, CN_BLOCK_HEADER_SIZE + (size_t)bound);
        int got = LZ4_compress_default((const char *)scratch, (char *)w->buf + frame_at + CN_BLOCK_HEADER_SIZE,
                                       (int)raw, bound);
        if (got <= 0 || (size_t)got >= raw) codec = CN_CODEC_NONE;
        else stored = (size_t)got;
    } else if (codec == CN_CODEC_ZSTD) {
        size_t bound = ZSTD_compressBound(raw);
        writer_reserve(w, CN_BLOCK_HEADER_SIZE + bound);
        size_t got = ZSTD_compress(w->buf + frame_at + CN_BLOCK_HEADER_SIZE, bound, scratch, raw, 1);
        if (ZSTD_isError(got) || got >= raw) codec = CN_CODEC_NONE;
        else stored = got;
    }
    if (scratch && codec == CN_CODEC_NONE) { /* incompressible: store raw */
        writer_reserve(w, CN_BLOCK_HEADER_SIZE + raw);
        memcpy(w->buf + frame_at + CN_BLOCK_HEADER_SIZE, scratch, raw);
        stored = raw;
    }
    free(scratch);
    uint8_t *h = w->buf + frame_at;
    h[0] = CN_BLOCK_MAGIC;
    h[1] = (uint8_t)codec;
    h[2] = h[3] = 0;
    put32(h + 4, (uint32_t)raw);
    put32(h + 8, (uint32_t)stored);
    put32(h + 12, frame_checksum(h, h + CN_BLOCK_HEADER_SIZE, stored));
    w->len = frame_at + CN_BLOCK_HEADER_SIZE + stored;
out:
    if (nulls != nulls_stack) free(nulls);
    if (sbytes != sb_stack) free(sbytes);
    return rc;
}

int cn_block_encode_rows(const cn_batch *b, const uint16_t *rows, int n, cn_codec_kind codec, cn_writer *w,
                         cn_error *err)
{
    cn_block_seg seg = {b, rows, n};
    return cn_block_encode_segs(&seg, 1, codec, w, err);
}

int cn_block_encode(const cn_batch *b, cn_codec_kind codec, cn_writer *w, cn_error *err)
{
    return cn_block_encode_rows(b, b->sel, cn_batch_live(b), codec, w, err);
}

/* ---- decoding ---- */

int cn_block_parse_header(const uint8_t hdr[CN_BLOCK_HEADER_SIZE], cn_block_header *h, cn_error *err)
{
    if (hdr[0] != CN_BLOCK_MAGIC) return corrupt(err, "bad magic");
    if (hdr[1] > CN_CODEC_ZSTD) return corrupt(err, "unknown codec");
    h->codec = (cn_codec_kind)hdr[1];
    h->raw_len = get32(hdr + 4);
    h->stored_len = get32(hdr + 8);
    h->checksum = get32(hdr + 12);
    if (h->raw_len > CN_BLOCK_MAX_PAYLOAD || h->stored_len > CN_BLOCK_MAX_PAYLOAD)
        return corrupt(err, "length out of range");
    if (hdr[2] || hdr[3]) return corrupt(err, "reserved bits set");
    if (h->raw_len < 16) return corrupt(err, "payload too short");
    if (h->codec == CN_CODEC_NONE && h->stored_len != h->raw_len) return corrupt(err, "length mismatch");
    /* LZ4 cannot expand more than ~255x; reject headers that claim more. */
    if (h->codec == CN_CODEC_LZ4 && (uint64_t)h->raw_len > (uint64_t)h->stored_len * 255 + 64)
        return corrupt(err, "impossible compression ratio");
    return 0;
}

static int decode_payload(const uint8_t *p, size_t len, cn_arena *a, cn_batch **out, cn_error *err)
{
    const uint8_t *end = p + len;
    if (len < 16 || p[0] != BLOCK_VERSION) return corrupt(err, "unknown payload version");
    uint32_t rows = get32(p + 4), ncols = get32(p + 8);
    if (rows > CN_BLOCK_MAX_ROWS || ncols > CN_BLOCK_MAX_COLS) return corrupt(err, "row or column count out of range");
    p += 16;
    cn_batch *b = cn_arena_calloc(a, sizeof *b);
    b->ncols = (int)ncols;
    b->count = (int)rows;
    b->cols = cn_arena_calloc(a, sizeof(cn_vector) * (ncols ? ncols : 1));
    size_t words = CN_VALIDITY_WORDS(rows);
    for (uint32_t c = 0; c < ncols; c++) {
        if ((size_t)(end - p) < 16) return corrupt(err, "truncated column header");
        cn_type t = {p[0], p[1], p[2], p[3]};
        uint8_t flags = p[4];
        uint32_t strbytes = get32(p + 8);
        if (t.kind >= CN_KIND_COUNT) return corrupt(err, "unknown type");
        if (t.kind == CN_DECIMAL && (t.precision < 1 || t.precision > CN_MAX_PRECISION || t.scale > t.precision))
            return corrupt(err, "bad decimal type");
        if (flags & ~1u) return corrupt(err, "bad column flags");
        p += 16;
        cn_vector *v = &b->cols[c];
        v->type = t;
        v->capacity = (int)rows;
        v->validity = NULL;
        if (flags & 1) {
            size_t sz = PAD16(words * 8);
            if ((size_t)(end - p) < sz) return corrupt(err, "truncated validity");
            v->validity = (uint64_t *)p;
            p += sz;
        }
        if (cn_type_phys(t) == CN_PHYS_STR) {
            size_t lsz = PAD16((size_t)rows * 4);
            if ((size_t)(end - p) < lsz) return corrupt(err, "truncated string lengths");
            const uint8_t *lens = p;
            p += lsz;
            if ((size_t)(end - p) < PAD16((size_t)strbytes)) return corrupt(err, "truncated string data");
            const char *bytes = (const char *)p;
            cn_str *s = cn_arena_alloc(a, sizeof(cn_str) * (rows ? rows : 1));
            uint64_t off = 0;
            for (uint32_t i = 0; i < rows; i++) {
                uint32_t l = get32(lens + (size_t)i * 4);
                if (off + l > strbytes) return corrupt(err, "string lengths exceed data");
                s[i] = cn_str_view(bytes + off, l);
                off += l;
            }
            if (off != strbytes) return corrupt(err, "string lengths do not match data");
            p += PAD16((size_t)strbytes);
            v->data = s;
        } else {
            if (strbytes) return corrupt(err, "bad column header");
            size_t dsz = PAD16((size_t)rows * (size_t)cn_type_width(t));
            if ((size_t)(end - p) < dsz) return corrupt(err, "truncated column data");
            v->data = (void *)p;
            p += dsz;
        }
    }
    if (p != end) return corrupt(err, "trailing bytes");
    *out = b;
    return 0;
}

int cn_block_decode_stored(const cn_block_header *h, const void *stored, cn_arena *a, cn_batch **out, cn_error *err)
{
    uint8_t hdr[12];
    hdr[0] = CN_BLOCK_MAGIC;
    hdr[1] = (uint8_t)h->codec;
    hdr[2] = hdr[3] = 0;
    put32(hdr + 4, h->raw_len);
    put32(hdr + 8, h->stored_len);
    if (frame_checksum(hdr, stored, h->stored_len) != h->checksum) return corrupt(err, "checksum mismatch");
    uint8_t *raw;
    if (h->codec == CN_CODEC_NONE) {
        /* the stored bytes may be unaligned or transient: copy into the arena */
        raw = cn_arena_memdup(a, stored, h->stored_len);
    } else if (h->codec == CN_CODEC_LZ4) {
        raw = cn_arena_alloc(a, h->raw_len);
        int got = LZ4_decompress_safe(stored, (char *)raw, (int)h->stored_len, (int)h->raw_len);
        if (got < 0 || (uint32_t)got != h->raw_len) return corrupt(err, "lz4 decompression failed");
    } else {
        /* zstd frames record their content size (ZSTD_compress writes it): check it against
         * the header before allocating, so a tiny hostile frame cannot claim 1 GiB */
        unsigned long long csize = ZSTD_getFrameContentSize(stored, h->stored_len);
        if (csize != (unsigned long long)h->raw_len) return corrupt(err, "zstd frame size does not match the header");
        raw = cn_arena_alloc(a, h->raw_len);
        size_t got = ZSTD_decompress(raw, h->raw_len, stored, h->stored_len);
        if (ZSTD_isError(got) || got != h->raw_len) return corrupt(err, "zstd decompression failed");
    }
    return decode_payload(raw, h->raw_len, a, out, err);
}

int cn_block_decode(const void *buf, size_t len, cn_arena *a, cn_batch **out, size_t *consumed, cn_error *err)
{
    cn_block_header h;
    if (len < CN_BLOCK_HEADER_SIZE) return corrupt(err, "truncated header");
    if (cn_block_parse_header(buf, &h, err)) return -1;
    if (len - CN_BLOCK_HEADER_SIZE < h.stored_len) return corrupt(err, "truncated frame");
    if (cn_block_decode_stored(&h, (const uint8_t *)buf + CN_BLOCK_HEADER_SIZE, a, out, err)) return -1;
    if (consumed) *consumed = CN_BLOCK_HEADER_SIZE + (size_t)h.stored_len;
    return 0;
}

int64_t cn_batch_mem_bytes(const cn_batch *b)
{
    int n = cn_batch_live(b);
    int64_t total = 0;
    for (int c = 0; c < b->ncols; c++) {
        const cn_vector *v = &b->cols[c];
        total += (int64_t)n * cn_type_width(v->type);
        if (v->validity) total += (int64_t)CN_VALIDITY_WORDS(n) * 8;
        if (cn_type_phys(v->type) == CN_PHYS_STR) {
            const cn_str *s = v->data;
            for (int i = 0; i < n; i++) {
                int r = cn_batch_row(b, i);
                uint32_t l = s[r].len;
                if (l > CN_STR_INLINE && cn_vec_valid(v, r)) total += l;
            }
        }
    }
    return total;
}

/* ---- row appends (shuffle buffers, caches) ---- */

void cn_batch_append_rows(cn_batch *dst, const cn_batch *src, const uint16_t *rows, int n, cn_arena *a)
{
    int at = dst->count;
    for (int c = 0; c < dst->ncols; c++) {
        cn_vector *d = &dst->cols[c];
        const cn_vector *s = &src->cols[c];
        if (s->validity || d->validity) {
            bool any_null = false;
            if (s->validity)
                for (int i = 0; i < n && !any_null; i++) any_null = !cn_vec_valid(s, rows ? rows[i] : i);
            if (any_null && !d->validity) {
                size_t words = CN_VALIDITY_WORDS(d->capacity > 0 ? d->capacity : 1);
                d->validity = cn_arena_alloc(a, words * 8);
                memset(d->validity, 0xff, words * 8);
            }
            if (d->validity) {
                for (int i = 0; i < n; i++) {
                    int j = at + i;
                    if (cn_vec_valid(s, rows ? rows[i] : i)) d->validity[j >> 6] |= 1ull << (j & 63);
                    else d->validity[j >> 6] &= ~(1ull << (j & 63));
                }
            }
        }
        switch (cn_type_phys(d->type)) {
        case CN_PHYS_STR: {
            cn_str *dd = (cn_str *)d->data + at;
            const cn_str *ss = s->data;
            for (int i = 0; i < n; i++) {
                int r = rows ? rows[i] : i;
                cn_str x = ss[r];
                if (!cn_vec_valid(s, r)) memset(&x, 0, sizeof x); /* NULL rows may hold garbage */
                else if (x.len > CN_STR_INLINE) x.u.ptr = cn_arena_memdup(a, x.u.ptr, x.len);
                dd[i] = x;
            }
            break;
        }
        default: {
            int w = cn_type_width(d->type);
            uint8_t *dd = (uint8_t *)d->data + (size_t)at * (size_t)w;
            const uint8_t *ss = s->data;
            if (!rows) { memcpy(dd, ss, (size_t)n * (size_t)w); break; }
            switch (w) {
            case 1: for (int i = 0; i < n; i++) dd[i] = ss[rows[i]]; break;
            case 2: for (int i = 0; i < n; i++) ((uint16_t *)dd)[i] = ((const uint16_t *)ss)[rows[i]]; break;
            case 4: for (int i = 0; i < n; i++) ((uint32_t *)dd)[i] = ((const uint32_t *)ss)[rows[i]]; break;
            case 8: for (int i = 0; i < n; i++) ((uint64_t *)dd)[i] = ((const uint64_t *)ss)[rows[i]]; break;
            default: for (int i = 0; i < n; i++) memcpy(dd + (size_t)i * 16, ss + (size_t)rows[i] * 16, 16); break;
            }
        }
        }
    }
    dst->count = at + n;
}
