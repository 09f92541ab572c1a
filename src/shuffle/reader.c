/*
 * reader.c — reading one reduce partition across a shuffle's map outputs.
 *
 * For each map output in turn the reader loads and validates its index file
 * (nparts+1 little-endian int64 offsets: first 0, non-decreasing, last equal
 * to the data file's size), then walks the partition's byte range of the
 * data file one block at a time: read the 16-byte frame header, check that
 * the stored bytes fit inside the range, read them, verify and decode. Only
 * one block is held at a time (a child arena reset on every next()), so a
 * reducer's memory does not grow with its partition. Any inconsistency is an
 * [INTERNAL_ERROR] "corrupt ..." naming the file and offset, never a crash.
 * Ranged inputs (from the map statuses) skip the index file; in-memory
 * outputs are decoded straight from their buffer (a reference held until
 * close).
 */
#define _GNU_SOURCE
#include "shuffle/shuffle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "storage/disk.h"

static int corrupt_at(cn_error *err, const char *what, const char *path, int64_t off)
{
    char msg[4400];
    snprintf(msg, sizeof msg, "corrupt shuffle %s in %s at byte %lld", what, path, (long long)off);
    return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
}

static int open_fail(cn_error *err, const char *path)
{
    char msg[4400];
    snprintf(msg, sizeof msg, "cannot open shuffle file %s: %s", path, strerror(errno));
    return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
}

int cn_shuffle_read_index(const char *index_path, const char *data_path, int64_t **offsets, int *nparts,
                          cn_error *err)
{
    int fd = open(index_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return open_fail(err, index_path);
    int64_t isz, dsz;
    if (cn_file_size(fd, &isz, index_path, err)) { close(fd); return -1; }
    if (isz < 16 || isz % 8 != 0 || isz > ((int64_t)1 << 30)) {
        close(fd);
        return corrupt_at(err, "index (bad size)", index_path, isz);
    }
    uint8_t *buf = cn_xmalloc((size_t)isz);
    int rc = cn_file_pread_all(fd, buf, (size_t)isz, 0, index_path, err);
    close(fd);
    if (rc) { free(buf); return -1; }
    int dfd = open(data_path, O_RDONLY | O_CLOEXEC);
    if (dfd < 0) { free(buf); return open_fail(err, data_path); }
    rc = cn_file_size(dfd, &dsz, data_path, err);
    close(dfd);
    if (rc) { free(buf); return -1; }
    int n = (int)(isz / 8);
    int64_t *off = cn_xmalloc(sizeof(int64_t) * (size_t)n);
    for (int i = 0; i < n; i++) {
        uint64_t v = 0;
        for (int k = 0; k < 8; k++) v |= (uint64_t)buf[(size_t)i * 8 + k] << (8 * k);
        off[i] = (int64_t)v;
    }
    free(buf);
    if (off[0] != 0) rc = corrupt_at(err, "index (first offset not 0)", index_path, 0);
    for (int i = 1; i < n && !rc; i++)
        if (off[i] < off[i - 1]) rc = corrupt_at(err, "index (offsets decrease)", index_path, (int64_t)i * 8);
    if (!rc && off[n - 1] != dsz) rc = corrupt_at(err, "index (does not match data file size)", index_path, isz - 8);
    if (rc) { free(off); return -1; }
    *offsets = off;
    *nparts = n - 1;
    return 0;
}

typedef struct reader {
    cn_arena *blk;    /* the current block (reset per next) */
    int n, cur, part;
    char **data, **index;
    cn_shuffle_input *in; /* ranges and memory references per input */
    bool in_mem;          /* the current input is read from memory */
    int fd;
    int64_t pos, end;
    int64_t bytes, records;
} reader;

static void close_cur(reader *r)
{
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
    r->in_mem = false;
}

/* Frame header + stored bytes at r->pos of the current input (file or memory). */
static int read_at(reader *r, void *dst, size_t n, int64_t pos, const char *path, cn_error *err)
{
    if (r->in_mem) {
        const cn_shuffle_mem *m = r->in[r->cur].mem;
        if (pos < 0 || pos + (int64_t)n > m->len) return corrupt_at(err, "block (beyond in-memory output)", path, pos);
        memcpy(dst, m->data + pos, n);
        return 0;
    }
    return cn_file_pread_all(r->fd, dst, n, pos, path, err);
}

static int reader_next(void *state, cn_batch **out, cn_error *err)
{
    reader *r = state;
    *out = NULL;
    cn_arena_reset(r->blk);
    for (;;) {
        if (r->fd < 0 && !r->in_mem) {
            if (r->cur >= r->n) return 0;
            const cn_shuffle_input *in = &r->in[r->cur];
            if (in->ranged) {
                r->pos = in->off;
                r->end = in->off + in->len;
                if (in->len <= 0) { r->cur++; continue; }
                if (in->mem) {
                    if (r->end > in->mem->len) return corrupt_at(err, "range (beyond in-memory output)", r->data[r->cur], r->pos);
                    r->in_mem = true;
                    continue;
                }
                r->fd = open(r->data[r->cur], O_RDONLY | O_CLOEXEC);
                if (r->fd < 0) return open_fail(err, r->data[r->cur]);
                continue;
            }
            int64_t *off;
            int np;
            if (cn_shuffle_read_index(r->index[r->cur], r->data[r->cur], &off, &np, err)) return -1;
            if (r->part >= np) {
                free(off);
                return corrupt_at(err, "index (too few partitions)", r->index[r->cur], 0);
            }
            r->pos = off[r->part];
            r->end = off[r->part + 1];
            free(off);
            if (r->pos == r->end) { r->cur++; continue; }
            r->fd = open(r->data[r->cur], O_RDONLY | O_CLOEXEC);
            if (r->fd < 0) return open_fail(err, r->data[r->cur]);
        }
        if (r->pos >= r->end) {
            close_cur(r);
            r->cur++;
            continue;
        }
        const char *path = r->data[r->cur];
        if (r->end - r->pos < CN_BLOCK_HEADER_SIZE) return corrupt_at(err, "block (truncated header)", path, r->pos);
        uint8_t hdr[CN_BLOCK_HEADER_SIZE];
        if (read_at(r, hdr, sizeof hdr, r->pos, path, err)) return -1;
        cn_block_header h;
        if (cn_block_parse_header(hdr, &h, err)) {
            cn_error_clear(err);
            return corrupt_at(err, "block (bad header)", path, r->pos);
        }
        if ((int64_t)h.stored_len > r->end - r->pos - CN_BLOCK_HEADER_SIZE)
            return corrupt_at(err, "block (frame crosses partition end)", path, r->pos);
        const void *stored;
        if (r->in_mem) {
            stored = r->in[r->cur].mem->data + r->pos + CN_BLOCK_HEADER_SIZE; /* bounds checked above */
        } else {
            void *buf = cn_arena_alloc(r->blk, h.stored_len ? h.stored_len : 1);
            if (cn_file_pread_all(r->fd, buf, h.stored_len, r->pos + CN_BLOCK_HEADER_SIZE, path, err)) return -1;
            stored = buf;
        }
        cn_batch *b;
        if (cn_block_decode_stored(&h, stored, r->blk, &b, err)) {
            char msg[512];
            cn_error_message(err, msg, sizeof msg);
            cn_error_clear(err);
            char what[600];
            snprintf(what, sizeof what, "block (%s)", msg);
            return corrupt_at(err, what, path, r->pos);
        }
        r->pos += CN_BLOCK_HEADER_SIZE + (int64_t)h.stored_len;
        r->bytes += CN_BLOCK_HEADER_SIZE + (int64_t)h.stored_len;
        if (b->count == 0) continue;
        r->records += b->count;
        *out = b;
        return 0;
    }
}

static void reader_close(void *state)
{
    reader *r = state;
    close_cur(r);
    for (int i = 0; i < r->n; i++) {
        cn_shuffle_mem_release(r->in[i].mem);
        r->in[i].mem = NULL;
    }
    cn_arena_free(r->blk);
    r->blk = NULL;
}

int cn_shuffle_reader_open(cn_arena *a, int n, const cn_shuffle_input *inputs, int part, cn_batch_source *it,
                           cn_error *err)
{
    if (part < 0 || n < 0) {
        for (int i = 0; i < n; i++) cn_shuffle_mem_release(inputs[i].mem);
        return cn_error_set(err, "INTERNAL_ERROR", "message", "shuffle reader: bad partition", NULL);
    }
    reader *r = cn_arena_calloc(a, sizeof *r);
    r->blk = cn_arena_new("shuffle-read", a); /* freed by close, or with a */
    r->n = n;
    r->part = part;
    r->fd = -1;
    r->data = cn_arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
    r->index = cn_arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
    r->in = cn_arena_calloc(a, sizeof(cn_shuffle_input) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        r->in[i] = inputs[i]; /* takes over the memory reference */
        r->data[i] = cn_arena_strdup(a, inputs[i].data_path);
        r->index[i] = cn_arena_strdup(a, inputs[i].index_path);
    }
    it->next = reader_next;
    it->close = reader_close;
    it->state = r;
    return 0;
}

void cn_shuffle_reader_metrics(const cn_batch_source *it, int64_t *bytes, int64_t *records)
{
    const reader *r = it->state;
    if (bytes) *bytes = r->bytes;
    if (records) *records = r->records;
}
