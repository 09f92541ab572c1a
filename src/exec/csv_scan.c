/*
 * csv_scan.c — FileScan csv: reads one split of a CSV file with the reader
 * of io/csv.h, producing batches of the requested columns. The reader is
 * opened on the first next() (so open errors surface as task errors); each
 * batch lives in a per-batch arena reset before the next read. Counts
 * task->input_rows and input_bytes. As Spark's FileScanRDD does, an error
 * while reading the file (a malformed record in FAILFAST mode, an I/O
 * error) becomes [FAILED_READ_FILE.NO_HINT] naming the file (a file gone
 * since planning: [FAILED_READ_FILE.FILE_NOT_EXIST]), with the reader's own
 * error kept as "Caused by: ..." in the detail.
 */
#include "exec/operator.h"
#include "io/csv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct csv_scan {
    cn_op op;
    const char *path;
    int64_t start, length;
    const cn_csv_options *opts;
    const cn_schema *schema;
    int *cols;
    cn_csv_reader *rd;
    bool done;
    int64_t bytes_seen;
    cn_arena *batch_arena;
} csv_scan;

/* Wrap the reader's error in Spark's FAILED_READ_FILE (the path as a file: URL). */
static int read_failed(const csv_scan *s, cn_error *err)
{
    if (!err->set || !strcmp(err->cls, "OPERATION_CANCELED")) return -1;
    char cause[2048], url[PATH_MAX + 16], abs[PATH_MAX];
    cn_error_message(err, cause, sizeof cause);
    char *st = strstr(cause, " SQLSTATE: "); /* the outer error states its own */
    if (st) *st = 0;
    bool gone = !strcmp(err->cls, "PATH_NOT_FOUND");
    snprintf(url, sizeof url, "file://%s", realpath(s->path, abs) ? abs : s->path);
    cn_error_clear(err);
    cn_error_set(err, gone ? "FAILED_READ_FILE.FILE_NOT_EXIST" : "FAILED_READ_FILE.NO_HINT", "path", url, NULL);
    cn_error_detail(err, "Caused by: %s", cause);
    return -1;
}

static int csv_next(cn_op *op, cn_batch **out, cn_error *err)
{
    csv_scan *s = (csv_scan *)op;
    if (s->done) return 0;
    if (!s->rd) {
        s->rd = cn_csv_open(s->path, s->start, s->length, s->opts, s->schema, op->ncols, s->cols, err);
        if (!s->rd) return read_failed(s, err);
    }
    for (;;) {
        cn_arena_reset(s->batch_arena);
        cn_batch *b = cn_batch_new(s->batch_arena, op->ncols, op->types, CN_BATCH_SIZE);
        int n = cn_csv_read(s->rd, b, s->batch_arena, err);
        if (n < 0) return read_failed(s, err);
        int64_t bytes = cn_csv_bytes_read(s->rd);
        if (op->task) {
            op->task->input_bytes += bytes - s->bytes_seen;
            op->task->input_rows += n;
        }
        s->bytes_seen = bytes;
        if (n == 0) {
            s->done = true;
            cn_csv_close(s->rd);
            s->rd = NULL;
            return 0;
        }
        b->count = n;
        b->sel = NULL;
        *out = b;
        return 0;
    }
}

static void csv_close_op(cn_op *op)
{
    csv_scan *s = (csv_scan *)op;
    if (s->rd) cn_csv_close(s->rd);
    s->rd = NULL;
}

static const cn_op_vtable csv_vt = {"FileScan csv", csv_next, csv_close_op};

cn_op *cn_op_csv_scan(cn_task_ctx *t, const char *path, int64_t start, int64_t length, const cn_csv_options *opts,
                      const cn_schema *file_schema, int ncols, const int *cols)
{
    cn_type types[ncols > 0 ? ncols : 1];
    memset(types, 0, sizeof types);
    for (int i = 0; i < ncols; i++) types[i] = file_schema->fields[cols[i]].type;
    csv_scan *s = (csv_scan *)cn_op_alloc(t, &csv_vt, sizeof(csv_scan), ncols, types);
    s->path = cn_arena_strdup(s->op.arena, path);
    s->start = start;
    s->length = length;
    s->opts = opts;
    s->schema = file_schema;
    s->cols = cn_arena_alloc(s->op.arena, sizeof(int) * (size_t)(ncols > 0 ? ncols : 1));
    if (ncols > 0) memcpy(s->cols, cols, sizeof(int) * (size_t)ncols);
    s->batch_arena = cn_arena_new("FileScan.batch", s->op.arena);
    return &s->op;
}
