/*
 * fuzz_shuffle.c — libFuzzer target for the shuffle reader (shuffle/shuffle.h):
 * a crafted index file + data file pair, read back through cn_shuffle_read_index
 * and a reduce-side iterator (cn_shuffle_reader_open), file-backed or ranged,
 * from files or from an in-memory map output.
 *
 * Input layout: u8 reduce partition (mod 8), u8 flags (bit 0: ranged input,
 * bit 1: ranged from memory, bit 2: the same map output twice), s16 range
 * offset, u16 range length, u16 index length, the index bytes, then the data
 * bytes. The two files live in memfds (no disk traffic), opened by path
 * through /proc/self/fd. Every batch returned is walked; the iterator must end
 * with 0 rows or a classed error, and must close cleanly.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "shuffle/shuffle.h"
#include "types/value.h"

static int fd_index = -1, fd_data = -1;
static char path_index[64], path_data[64];

static void put_file(int fd, const uint8_t *p, size_t n)
{
    if (ftruncate(fd, 0) != 0) fuzz_fail("ftruncate");
    size_t off = 0;
    while (off < n) {
        ssize_t w = pwrite(fd, p + off, n - off, (off_t)off);
        if (w <= 0) fuzz_fail("pwrite");
        off += (size_t)w;
    }
}

static uint16_t u16(fuzz_in *in)
{
    uint16_t lo = fuzz_byte(in);
    return (uint16_t)(lo | (uint16_t)fuzz_byte(in) << 8);
}

static void walk(const cn_batch *b)
{
    char buf[128];
    for (int c = 0; c < b->ncols; c++)
        for (int i = 0; i < cn_batch_live(b); i++) {
            int r = cn_batch_row(b, i);
            if (cn_vec_valid(&b->cols[c], r)) cn_format_value(&b->cols[c], r, buf, sizeof buf);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd_index < 0) {
        fd_index = memfd_create("fuzz-index", 0);
        fd_data = memfd_create("fuzz-data", 0);
        if (fd_index < 0 || fd_data < 0) fuzz_fail("memfd_create");
        snprintf(path_index, sizeof path_index, "/proc/self/fd/%d", fd_index);
        snprintf(path_data, sizeof path_data, "/proc/self/fd/%d", fd_data);
    }
    fuzz_in in = {data, size};
    int part = fuzz_byte(&in) & 7;
    uint8_t flags = fuzz_byte(&in);
    int64_t roff = (int16_t)u16(&in);
    int64_t rlen = u16(&in);
    size_t ilen = u16(&in);
    if (ilen > in.n) ilen = in.n;
    put_file(fd_index, in.p, ilen);
    const uint8_t *dbytes = in.p + ilen;
    size_t dlen = in.n - ilen;
    put_file(fd_data, dbytes, dlen);

    cn_error err;
    cn_error_init(&err);
    int64_t *offs = NULL;
    int np = 0;
    int rc = cn_shuffle_read_index(path_index, path_data, &offs, &np, &err);
    if (rc == 0) {
        if (np < 1 || offs[0] != 0 || offs[np] != (int64_t)dlen) fuzz_fail("index accepted with bad offsets");
        for (int i = 0; i < np; i++)
            if (offs[i] > offs[i + 1]) fuzz_fail("index accepted with decreasing offsets");
        free(offs);
    }
    fuzz_check_status(rc, &err, "cn_shuffle_read_index");

    cn_arena *a = cn_arena_new("fuzz-shuffle", NULL);
    cn_shuffle_input inputs[2];
    int n = (flags & 4) ? 2 : 1;
    for (int i = 0; i < n; i++) {
        memset(&inputs[i], 0, sizeof inputs[i]);
        inputs[i].data_path = path_data;
        inputs[i].index_path = path_index;
        if (flags & 1) {
            inputs[i].ranged = true;
            inputs[i].off = roff;
            inputs[i].len = rlen;
            if (flags & 2) {
                cn_shuffle_mem *m = calloc(1, sizeof *m);
                m->refs = 1;
                m->len = (int64_t)dlen;
                m->data = malloc(dlen ? dlen : 1);
                if (dlen) memcpy(m->data, dbytes, dlen);
                inputs[i].mem = m; /* the reader takes this reference */
            }
        }
    }
    cn_batch_source it;
    rc = cn_shuffle_reader_open(a, n, inputs, part, &it, &err);
    fuzz_check_status(rc, &err, "cn_shuffle_reader_open");
    if (rc == 0) {
        for (int guard = 0; guard < 100000; guard++) {
            cn_batch *b = NULL;
            rc = it.next(it.state, &b, &err);
            fuzz_check_status(rc, &err, "shuffle reader next");
            if (rc != 0 || !b) break;
            walk(b);
        }
        int64_t bytes, records;
        cn_shuffle_reader_metrics(&it, &bytes, &records);
        if (bytes < 0 || records < 0) fuzz_fail("negative reader metrics");
        it.close(it.state);
    }
    cn_arena_free(a);
    return 0;
}
