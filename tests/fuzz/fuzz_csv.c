/*
 * fuzz_csv.c — libFuzzer target for the CSV reader (io/csv.h).
 *
 * Input: u8 flags (bits 0-1 mode PERMISSIVE / DROPMALFORMED / FAILFAST, bit 2
 * header, bit 3 multiLine, bit 4 ignoreLeading/TrailingWhiteSpace, bit 5 no
 * quoting, bit 6 comment '#', bit 7 nullValue "NA"), u8 separator choice,
 * u8 split count (bits 0-1), compression gzip (bit 2: the file's bytes are
 * gzip data; bit 3 too: ignoreCorruptFiles), datetime patterns (bit 3:
 * dateFormat dd/MM/yyyy, timestampFormat yyyy-MM-dd HH:mm[:ss][.SSS][XXX])
 * and column choice (bits 4-7), then the file's bytes. The file
 * lives in a memfd (no disk traffic) opened by path through /proc/self/fd.
 * Each configuration reads the file whole and cut into 2..4 splits at evenly
 * spaced and input-chosen offsets, with a fixed schema of mixed types (all
 * columns, or a reordered subset). Every value read is formatted; errors must
 * be classed. Without quotes, backslashes and carriage returns in the text
 * (and, with a header, without comments or a blank first line — blank as the
 * reader and Java's trim see it: every byte <= ' ', after a byte order mark),
 * the row count must not depend on where the file is split.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "io/csv.h"
#include "types/value.h"

#define NFIELDS 10
static int fd = -1;
static char path[64];
static cn_arena *schema_arena;
static cn_schema *schema;

static void setup(void)
{
    fd = memfd_create("fuzz-csv", 0);
    if (fd < 0) fuzz_fail("memfd_create");
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    schema_arena = cn_arena_new("fuzz-csv-schema", NULL);
    schema = cn_schema_new(schema_arena, NFIELDS);
    const char *names[NFIELDS] = {"i", "l", "d", "m", "s", "dt", "ts", "b", "w", "t"};
    cn_type types[NFIELDS] = {cn_type_of(CN_INT),    cn_type_of(CN_BIGINT),    cn_type_of(CN_DOUBLE),
                              cn_type_decimal(10, 2), cn_type_of(CN_STRING),   cn_type_of(CN_DATE),
                              cn_type_of(CN_TIMESTAMP), cn_type_of(CN_BOOLEAN), cn_type_decimal(38, 10),
                              cn_type_of(CN_TINYINT)};
    for (int i = 0; i < NFIELDS; i++) {
        schema->fields[i].name = (char *)names[i];
        schema->fields[i].type = types[i];
        schema->fields[i].nullable = true;
    }
}

/* Rows of split [start, start+len), or -1 after a (checked) error. */
static int64_t read_split(const cn_csv_options *o, int64_t start, int64_t len, int ncols, const int *cols)
{
    cn_error err;
    cn_error_init(&err);
    cn_csv_reader *r = cn_csv_open(path, start, len, o, schema, ncols, cols, &err);
    if (!r) {
        fuzz_check_status(-1, &err, "cn_csv_open");
        return -1;
    }
    cn_arena *ba = cn_arena_new("fuzz-csv-batch", NULL);
    cn_arena *sa = cn_arena_new("fuzz-csv-strings", NULL);
    cn_type types[NFIELDS];
    for (int k = 0; k < ncols; k++) types[k] = schema->fields[cols[k]].type;
    cn_batch *b = cn_batch_new(ba, ncols, types, CN_BATCH_SIZE);
    int64_t total = 0;
    int n;
    char buf[128];
    for (int guard = 0; guard < 10000; guard++) {
        n = cn_csv_read(r, b, sa, &err);
        if (n <= 0) break;
        if (n > CN_BATCH_SIZE) fuzz_fail("more rows than a batch holds");
        for (int k = 0; k < ncols; k++)
            for (int i = 0; i < n; i++)
                if (cn_vec_valid(&b->cols[k], i)) cn_format_value(&b->cols[k], i, buf, sizeof buf);
        total += n;
        cn_arena_reset(sa);
        for (int k = 0; k < ncols; k++) b->cols[k].validity = NULL; /* as a scan resets its batch */
    }
    if (n < -1) fuzz_fail("cn_csv_read returned < -1");
    fuzz_check_status(n < 0 ? -1 : 0, &err, "cn_csv_read");
    if (cn_csv_bytes_read(r) < 0) fuzz_fail("negative bytes read");
    cn_csv_close(r);
    cn_arena_free(sa);
    cn_arena_free(ba);
    return n < 0 ? -1 : total;
}

/* Is the file's first line blank to the reader (no bytes, or only bytes <= ' ' as Java's trim
 * drops them, after a UTF-8 byte order mark)? Then the header is a later line, which a split
 * boundary may put into another split. */
static bool first_line_blank(const uint8_t *p, size_t n)
{
    size_t i = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
    for (; i < n && p[i] != '\n'; i++)
        if (p[i] > ' ') return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) setup();
    fuzz_in in = {data, size};
    uint8_t flags = fuzz_byte(&in), sepc = fuzz_byte(&in), sc = fuzz_byte(&in);
    if (ftruncate(fd, 0) != 0) fuzz_fail("ftruncate");
    for (size_t off = 0; off < in.n;) {
        ssize_t w = pwrite(fd, in.p + off, in.n - off, (off_t)off);
        if (w <= 0) fuzz_fail("pwrite");
        off += (size_t)w;
    }
    int64_t flen = (int64_t)in.n;

    cn_csv_options o;
    cn_csv_options_default(&o);
    o.mode = (cn_csv_mode)((flags & 3) % 3);
    o.header = (flags & 4) != 0;
    o.multi_line = (flags & 8) != 0;
    o.ignore_leading_ws = o.ignore_trailing_ws = (flags & 16) != 0;
    if (flags & 32) o.quote = 0;
    if (flags & 64) o.comment = '#';
    if (flags & 128) o.null_value = "NA";
    static const char seps[] = {',', '|', ';', '\t', ' ', '"', '\\', 'a'};
    o.sep = seps[sepc & 7];
    if (sepc & 8) o.escape = o.quote; /* escape == quote: doubled quotes */
    if (sc & 4) {
        o.compression = CN_FILE_CODEC_GZIP;
        o.compression_set = true;
        o.ignore_corrupt_files = (sc & 8) != 0;
    } else if (sc & 8) {
        o.date_format = "dd/MM/yyyy";
        o.timestamp_format = "yyyy-MM-dd HH:mm[:ss][.SSS][XXX]";
    }

    int cols[NFIELDS], ncols;
    if (sc & 16) { /* a reordered subset */
        ncols = 0;
        for (int i = NFIELDS - 1; i >= 0; i -= 1 + (sc >> 5) % 3) cols[ncols++] = i;
    } else {
        ncols = NFIELDS;
        for (int i = 0; i < NFIELDS; i++) cols[i] = i;
    }

    int64_t whole = read_split(&o, 0, -1, ncols, cols);
    int nsplits = 2 + (sc & 3) % 3;
    int64_t sum = 0;
    bool failed = whole < 0;
    for (int s = 0; s < nsplits; s++) {
        int64_t a = flen * s / nsplits, b = flen * (s + 1) / nsplits;
        int64_t n = read_split(&o, a, b - a, ncols, cols);
        if (n < 0) failed = true;
        else sum += n;
    }
    /* one split at an input-chosen cut */
    int64_t cut = flen ? (int64_t)(sc * 7919u % (unsigned)(flen + 1)) : 0;
    int64_t n1 = read_split(&o, 0, cut, ncols, cols), n2 = read_split(&o, cut, flen - cut, ncols, cols);
    bool plain = !memchr(in.p, '"', in.n) && !memchr(in.p, '\r', in.n) && !memchr(in.p, '\\', in.n);
    /* As in Spark, only the split at offset 0 drops the header, as the first record that is
     * not a comment or blank: when comments or blank lines before the header reach past a
     * split boundary, the header line is a record of the next split. Not a bug. */
    if (o.header && (o.comment || first_line_blank(in.p, in.n))) plain = false;
    if (!failed && n1 >= 0 && n2 >= 0 && plain && !o.multi_line) {
        if (sum != whole || n1 + n2 != whole) {
            fprintf(stderr, "rows: whole %lld, %d splits %lld, cut at %lld: %lld + %lld\n", (long long)whole, nsplits,
                    (long long)sum, (long long)cut, (long long)n1, (long long)n2);
            fuzz_fail("row count depends on the split boundaries");
        }
    }
    return 0;
}
