/*
 * writer.c — the sort-based shuffle writer of one map task.
 *
 * Incoming batches are copied (live rows only, dense) into a buffer arena,
 * and each gets a counting sort of its rows by reduce partition (order[] and
 * per-partition start offsets). When the buffer outgrows its budget (or the
 * memory manager refuses more execution memory) it is written as a spill
 * run: for each reduce partition in turn, its rows from every buffered batch
 * are encoded straight from the buffered batches into blocks of up to
 * CN_BATCH_SIZE rows (cn_block_encode_segs, no intermediate copy) and
 * appended to a temporary file, remembering each partition's byte range.
 * At close the final data file is, for each partition in order, the byte
 * ranges of every spill run (frames are self-contained, so merging is a
 * plain copy) followed by the blocks of what is still buffered. The data
 * and index files are written under temporary names and renamed into place,
 * so a retried task never leaves a half-written output visible.
 *
 * In-memory outputs (opts.mem_output_limit > 0, local mode): a writer that
 * never spilled encodes its partitions into one buffer; if the process-wide
 * total of in-memory outputs stays within the limit, that buffer becomes the
 * map output (a reference-counted cn_shuffle_mem in the status) and no file
 * is created. Creating two files per map task dominated small shuffles (200
 * map tasks after a 200-partition join stage).
 */
#define _GNU_SOURCE
#include "shuffle/shuffle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "storage/disk.h"
#include "storage/memory.h"

#define DEFAULT_BUDGET ((int64_t)64 << 20)
#define FLUSH_BYTES ((size_t)1 << 20)

typedef struct buffered {
    cn_batch *b;
    uint16_t *order;  /* rows sorted by partition */
    int32_t *pstart;  /* nparts+1 offsets into order */
} buffered;

typedef struct run {
    int fd;
    char *path;
    int64_t *off;     /* nparts+1 */
} run;

struct cn_shuffle_writer {
    cn_shuffle_writer_opts o;
    char *dir;
    cn_type *types;
    cn_arena *buf_arena;
    CN_VEC(buffered) bufs;
    CN_VEC(run) runs;
    int64_t budget, mem_held;
    int64_t *records;
    int64_t spill_bytes;
    int64_t data_bytes;  /* uncompressed payload bytes of every block encoded */
    cn_writer enc;
    int32_t *cnt;     /* nparts scratch */
    cn_block_seg *segs; /* scratch for one block's segments */
    int segcap;
};

static int64_t g_mem_held; /* bytes of live in-memory map outputs (atomic) */

int64_t cn_shuffle_mem_held(void) { return __atomic_load_n(&g_mem_held, __ATOMIC_RELAXED); }

void cn_shuffle_mem_retain(cn_shuffle_mem *m)
{
    if (m) __atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
}

void cn_shuffle_mem_release(cn_shuffle_mem *m)
{
    if (!m || __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
    __atomic_sub_fetch(&g_mem_held, m->len, __ATOMIC_RELAXED);
    free(m->data);
    free(m);
}

/* Reserve n bytes of the process-wide in-memory shuffle total, if within limit. */
static bool mem_reserve(int64_t n, int64_t limit)
{
    int64_t cur = __atomic_load_n(&g_mem_held, __ATOMIC_RELAXED);
    do {
        if (cur + n > limit) return false;
    } while (!__atomic_compare_exchange_n(&g_mem_held, &cur, cur + n, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return true;
}

void cn_map_status_free(cn_map_status *s)
{
    if (!s) return;
    cn_shuffle_mem_release(s->mem);
    free(s->data_path);
    free(s->index_path);
    free(s->bytes);
    free(s->records);
    memset(s, 0, sizeof *s);
}

const char *cn_shuffle_data_path(char *buf, size_t cap, const char *dir, int shuffle_id, int map_id)
{
    snprintf(buf, cap, "%s/shuffle_%d_%d_0.data", dir, shuffle_id, map_id);
    return buf;
}

const char *cn_shuffle_index_path(char *buf, size_t cap, const char *dir, int shuffle_id, int map_id)
{
    snprintf(buf, cap, "%s/shuffle_%d_%d_0.index", dir, shuffle_id, map_id);
    return buf;
}

cn_shuffle_writer *cn_shuffle_writer_new(const cn_shuffle_writer_opts *o, cn_error *err)
{
    if (o->nparts < 1 || o->ncols < 0 || !o->dir) {
        cn_error_set(err, "INTERNAL_ERROR", "message", "shuffle writer: bad options", NULL);
        return NULL;
    }
    cn_shuffle_writer *w = cn_xcalloc(1, sizeof *w);
    w->o = *o;
    w->dir = cn_xstrdup(o->dir);
    w->o.dir = w->dir;
    w->types = cn_xmalloc(sizeof(cn_type) * (size_t)(o->ncols > 0 ? o->ncols : 1));
    if (o->ncols) memcpy(w->types, o->types, sizeof(cn_type) * (size_t)o->ncols);
    w->o.types = w->types;
    w->budget = o->mem_budget > 0 ? o->mem_budget : DEFAULT_BUDGET;
    w->buf_arena = cn_arena_new("shuffle-buffer", NULL);
    w->records = cn_xcalloc((size_t)o->nparts, sizeof(int64_t));
    w->cnt = cn_xcalloc((size_t)o->nparts, sizeof(int32_t));
    cn_writer_init(&w->enc);
    return w;
}

static void release_mem(cn_shuffle_writer *w)
{
    if (w->o.mm && w->mem_held) cn_mm_release_execution(w->o.mm, w->mem_held);
    w->mem_held = 0;
}

static void free_writer(cn_shuffle_writer *w, bool unlink_runs)
{
    for (int i = 0; i < w->runs.n; i++) {
        if (w->runs.v[i].fd >= 0) close(w->runs.v[i].fd);
        if (unlink_runs) unlink(w->runs.v[i].path);
        free(w->runs.v[i].path);
        free(w->runs.v[i].off);
    }
    cn_vec_free(w->runs);
    cn_vec_free(w->bufs);
    release_mem(w);
    cn_arena_free(w->buf_arena);
    cn_writer_free(&w->enc);
    free(w->records);
    free(w->cnt);
    free(w->segs);
    free(w->types);
    free(w->dir);
    free(w);
}

void cn_shuffle_writer_abort(cn_shuffle_writer *w)
{
    if (w) free_writer(w, true);
}

/* Flush encoded bytes to fd once they pass FLUSH_BYTES (or always with force). */
static int flush_enc(cn_shuffle_writer *w, int fd, const char *path, bool force, int64_t *pos, cn_error *err)
{
    if (fd < 0) return 0; /* encoding into memory: w->enc keeps everything */
    if (!w->enc.len || (!force && w->enc.len < FLUSH_BYTES)) return 0;
    if (cn_file_write_all(fd, w->enc.buf, w->enc.len, path, err)) return -1;
    *pos += (int64_t)w->enc.len;
    w->enc.len = 0;
    return 0;
}

/* Encode one block into w->enc and count its uncompressed size (the frame header's raw length). */
static int encode_block(cn_shuffle_writer *w, int nseg, cn_error *err)
{
    size_t at = w->enc.len;
    if (cn_block_encode_segs(w->segs, nseg, w->o.codec, &w->enc, err)) return -1;
    cn_block_header h;
    if (cn_block_parse_header(w->enc.buf + at, &h, err)) return -1;
    w->data_bytes += h.raw_len;
    return 0;
}

/* Encode partition p's buffered rows as blocks of up to CN_BATCH_SIZE rows gathered
 * straight from the buffered batches (no intermediate copy), written to fd. */
static int write_buffered_partition(cn_shuffle_writer *w, int p, int fd, const char *path, int64_t *pos,
                                    cn_error *err)
{
    int nseg = 0, rows_in = 0;
    for (int bi = 0; bi < w->bufs.n; bi++) {
        buffered *bb = &w->bufs.v[bi];
        const uint16_t *rows = bb->order + bb->pstart[p];
        int k = bb->pstart[p + 1] - bb->pstart[p];
        while (k > 0) {
            int take = CN_MIN(k, CN_BATCH_SIZE - rows_in);
            if (nseg == w->segcap) {
                w->segcap = w->segcap ? w->segcap * 2 : 64;
                w->segs = cn_xrealloc(w->segs, sizeof(cn_block_seg) * (size_t)w->segcap);
            }
            w->segs[nseg++] = (cn_block_seg){bb->b, rows, take};
            rows_in += take;
            rows += take;
            k -= take;
            if (rows_in == CN_BATCH_SIZE) {
                if (encode_block(w, nseg, err)) return -1;
                nseg = rows_in = 0;
                if (flush_enc(w, fd, path, false, pos, err)) return -1;
            }
        }
    }
    if (nseg && encode_block(w, nseg, err)) return -1;
    return flush_enc(w, fd, path, true, pos, err);
}

static void drop_buffers(cn_shuffle_writer *w)
{
    w->bufs.n = 0;
    cn_arena_reset(w->buf_arena);
    release_mem(w);
}

static int spill(cn_shuffle_writer *w, cn_error *err)
{
    if (!w->bufs.n) return 0;
    run r = {-1, NULL, NULL};
    if (cn_temp_file(w->dir, "spill", &r.fd, &r.path, err)) return -1;
    r.off = cn_xcalloc((size_t)w->o.nparts + 1, sizeof(int64_t));
    int64_t pos = 0;
    int rc = 0;
    for (int p = 0; p < w->o.nparts && !rc; p++) {
        r.off[p] = pos;
        rc = write_buffered_partition(w, p, r.fd, r.path, &pos, err);
    }
    r.off[w->o.nparts] = pos;
    cn_vec_push(w->runs, r); /* recorded even on failure so abort removes the file */
    if (rc) return -1;
    w->spill_bytes += pos;
    drop_buffers(w);
    return 0;
}

int cn_shuffle_writer_write(cn_shuffle_writer *w, const cn_batch *b, const int32_t *pids, cn_error *err)
{
    int n = cn_batch_live(b);
    if (n == 0) return 0;
    if (b->ncols != w->o.ncols)
        return cn_error_set(err, "INTERNAL_ERROR", "message", "shuffle writer: column count mismatch", NULL);
    int np = w->o.nparts;
    memset(w->cnt, 0, sizeof(int32_t) * (size_t)np);
    for (int i = 0; i < n; i++) {
        if (CN_UNLIKELY((uint32_t)pids[i] >= (uint32_t)np))
            return cn_error_set(err, "INTERNAL_ERROR", "message", "shuffle writer: partition id out of range", NULL);
        w->cnt[pids[i]]++;
    }
    buffered bb;
    bb.b = cn_batch_compact(w->buf_arena, b);
    bb.pstart = cn_arena_alloc(w->buf_arena, sizeof(int32_t) * ((size_t)np + 1));
    bb.order = cn_arena_alloc(w->buf_arena, sizeof(uint16_t) * (size_t)n);
    int32_t acc = 0;
    for (int p = 0; p < np; p++) {
        bb.pstart[p] = acc;
        acc += w->cnt[p];
        w->records[p] += w->cnt[p];
        w->cnt[p] = bb.pstart[p]; /* fill cursor */
    }
    bb.pstart[np] = acc;
    for (int i = 0; i < n; i++) bb.order[w->cnt[pids[i]]++] = (uint16_t)i;
    cn_vec_push(w->bufs, bb);

    int64_t held = (int64_t)cn_arena_bytes(w->buf_arena);
    bool over = held > w->budget;
    if (!over && w->o.mm && held > w->mem_held) {
        int64_t want = held - w->mem_held;
        int64_t got = cn_mm_acquire_execution(w->o.mm, want);
        w->mem_held += got;
        over = got < want;
    }
    return over ? spill(w, err) : 0;
}

static int io_fail(cn_error *err, const char *what, const char *path)
{
    char msg[4400];
    snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(errno));
    return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
}

static int copy_range(int in_fd, const char *in_path, int64_t from, int64_t to, int out_fd, const char *out_path,
                      uint8_t *buf, size_t cap, cn_error *err)
{
    while (from < to) {
        size_t k = (size_t)CN_MIN((int64_t)cap, to - from);
        if (cn_file_pread_all(in_fd, buf, k, from, in_path, err)) return -1;
        if (cn_file_write_all(out_fd, buf, k, out_path, err)) return -1;
        from += (int64_t)k;
    }
    return 0;
}

static void fill_status(cn_shuffle_writer *w, cn_map_status *st, const char *data, const char *index,
                        const int64_t *off)
{
    int np = w->o.nparts;
    memset(st, 0, sizeof *st);
    st->shuffle_id = w->o.shuffle_id;
    st->map_id = w->o.map_id;
    st->nparts = np;
    st->data_path = cn_xstrdup(data);
    st->index_path = cn_xstrdup(index);
    st->bytes = cn_xcalloc((size_t)np, sizeof(int64_t));
    st->records = cn_xcalloc((size_t)np, sizeof(int64_t));
    for (int p = 0; p < np; p++) {
        st->bytes[p] = off[p + 1] - off[p];
        st->records[p] = w->records[p];
        st->total_records += w->records[p];
    }
    st->total_bytes = off[np];
    st->spill_bytes = w->spill_bytes;
    st->data_bytes = w->data_bytes;
    st->spills = w->runs.n;
}

/* No spill runs: encode every partition into w->enc; keep it in memory if the limit allows.
 * Returns 1 when the output is in memory (st filled), 0 when it must go to files (w->enc holds
 * the whole data file, off[] its index), -1 on error. */
static int close_to_memory(cn_shuffle_writer *w, cn_map_status *st, const char *data, const char *index,
                           int64_t *off, cn_error *err)
{
    int np = w->o.nparts;
    int64_t pos = 0;
    w->enc.len = 0;
    for (int p = 0; p < np; p++) {
        off[p] = (int64_t)w->enc.len;
        if (write_buffered_partition(w, p, -1, NULL, &pos, err)) return -1;
    }
    off[np] = (int64_t)w->enc.len;
    int64_t len = off[np];
    if (!mem_reserve(len, w->o.mem_output_limit)) return 0;
    cn_shuffle_mem *m = cn_xcalloc(1, sizeof *m);
    m->refs = 1;
    m->len = len;
    m->data = w->enc.buf; /* steal the encoder's buffer */
    if (!m->data) m->data = cn_xmalloc(1);
    cn_writer_init(&w->enc);
    fill_status(w, st, data, index, off);
    st->mem = m;
    return 1;
}

int cn_shuffle_writer_close(cn_shuffle_writer *w, cn_map_status *st, cn_error *err)
{
    int np = w->o.nparts;
    char data[4096], index[4096], tdata[4200], tindex[4200];
    cn_shuffle_data_path(data, sizeof data, w->dir, w->o.shuffle_id, w->o.map_id);
    cn_shuffle_index_path(index, sizeof index, w->dir, w->o.shuffle_id, w->o.map_id);
    snprintf(tdata, sizeof tdata, "%s.%d.%p.tmp", data, (int)getpid(), (void *)w);
    snprintf(tindex, sizeof tindex, "%s.%d.%p.tmp", index, (int)getpid(), (void *)w);
    int64_t *off = cn_xcalloc((size_t)np + 1, sizeof(int64_t));
    uint8_t *copybuf = w->runs.n ? cn_xmalloc(FLUSH_BYTES) : NULL;
    int mem = 0;
    if (w->o.mem_output_limit > 0 && w->runs.n == 0) {
        mem = close_to_memory(w, st, data, index, off, err);
        if (mem < 0) {
            free(off);
            free_writer(w, true);
            return -1;
        }
        if (mem > 0) {
            free(off);
            free_writer(w, true);
            return 0;
        }
    }
    int rc = 0, fd = open(tdata, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = io_fail(err, "cannot create", tdata);
        goto fail;
    }
    int64_t pos = 0;
    if (mem == 0 && w->o.mem_output_limit > 0 && w->runs.n == 0) {
        /* already encoded by close_to_memory (over the limit): one write */
        rc = cn_file_write_all(fd, w->enc.buf, w->enc.len, tdata, err);
        pos = off[np];
        np = 0; /* skip the partition loop below */
    }
    for (int p = 0; p < np && !rc; p++) {
        off[p] = pos;
        for (int r = 0; r < w->runs.n && !rc; r++) {
            run *ru = &w->runs.v[r];
            rc = copy_range(ru->fd, ru->path, ru->off[p], ru->off[p + 1], fd, tdata, copybuf, FLUSH_BYTES, err);
            pos += ru->off[p + 1] - ru->off[p];
        }
        if (!rc) rc = write_buffered_partition(w, p, fd, tdata, &pos, err);
    }
    np = w->o.nparts;
    off[np] = pos;
    if (close(fd) != 0 && !rc) rc = io_fail(err, "cannot close", tdata);
    if (rc) goto fail;
    /* index: nparts+1 little-endian int64 offsets */
    uint8_t *ib = cn_xmalloc(((size_t)np + 1) * 8);
    for (int p = 0; p <= np; p++)
        for (int k = 0; k < 8; k++) ib[(size_t)p * 8 + k] = (uint8_t)((uint64_t)off[p] >> (8 * k));
    fd = open(tindex, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        free(ib);
        rc = io_fail(err, "cannot create", tindex);
        goto fail;
    }
    rc = cn_file_write_all(fd, ib, ((size_t)np + 1) * 8, tindex, err);
    free(ib);
    close(fd);
    if (rc) goto fail;
    if (rename(tdata, data) != 0 || rename(tindex, index) != 0) {
        rc = io_fail(err, "cannot rename into place", data);
        unlink(data);
        goto fail;
    }
    fill_status(w, st, data, index, off);
    free(off);
    free(copybuf);
    free_writer(w, true);
    return 0;
fail:
    unlink(tdata);
    unlink(tindex);
    free(off);
    free(copybuf);
    free_writer(w, true);
    return -1;
}
