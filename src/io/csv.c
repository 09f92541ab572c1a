/*
 * csv.c — the CSV data source: options, schema inference, and a fast split
 * reader that converts only the requested columns.
 *
 * Records. As Spark with multiLine=false (the default), a record is a line:
 * it ends at '\n' (a '\r' before it is dropped); empty and whitespace-only
 * lines and lines starting with the comment character are skipped. Quoted
 * fields may hold separators, doubled quotes and escaped quotes (escape char
 * before a quote) but not newlines. With multiLine=true a record ends at the
 * first newline outside quotes, and files are not splittable.
 *
 * Splits. The reader of (start, length) owns exactly the records whose first
 * byte lies in [start, start+length). A record starts at offset 0 or right
 * after a '\n', so a reader with start > 0 skips to just past the first '\n'
 * at or after start-1 (if byte start-1 is '\n', the record at `start` is its
 * own), then reads records while they start before start+length, finishing
 * the last one past the end. Every line is therefore read by exactly one
 * split. The header line (header=true) is skipped only by the split at 0.
 *
 * Speed. The file is read with pread into one large buffer (4 MB, grown for
 * longer records); lines are found with memchr, fields are cut with memchr on
 * the separator (a byte loop only for lines that contain the quote char), and
 * numbers, decimals and dates are parsed straight from the bytes; the rare
 * forms (exponents, long mantissas, odd dates) fall back to the general
 * casts of types/. No allocation per field: strings longer than 12 bytes are
 * copied into the caller's batch arena.
 *
 * Bad records follow the mode: PERMISSIVE makes unparsable values NULL, pads
 * missing tokens with NULL and drops extra ones; DROPMALFORMED drops records
 * with a wrong token count or an unparsable requested value; FAILFAST stops
 * with [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] naming the file and the line (or byte
 * offset for splits that do not start at 0). One empty trailing token after
 * a trailing separator (dbgen's .tbl lines "1|2|3|") is not an extra token.
 */
#include "io/csv.h"

#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "types/datetime.h"
#include "types/decimal.h"
#include "types/dt_pattern.h"
#include "types/value.h"

#define CSV_BUF_MAX_INITIAL (4 << 20)
#define CSV_BUF_MIN_INITIAL (64 << 10)
#define CSV_INFER_MAX_RECORDS 1000000 /* schema inference looks at this many records at most */

/* --- options ----------------------------------------------------------------------- */

void cn_csv_options_default(cn_csv_options *o)
{
    memset(o, 0, sizeof *o);
    o->sep = ',';
    o->quote = '"';
    o->escape = '\\';
    o->mode = CSV_PERMISSIVE;
    o->null_value = "";
    o->prefers_date = true;
}

static cn_file_codec codec_of(const cn_csv_options *o, const char *path)
{
    return o->compression_set ? o->compression : cn_file_codec_of_path(path);
}

bool cn_csv_splittable(const cn_csv_options *o, const char *path)
{
    return !o->multi_line && codec_of(o, path) == CN_FILE_CODEC_NONE;
}

/* Spark's CSVExprUtils.toChar: one character, or a backslash escape. */
static int option_char(const char *key, const char *v, char *out, bool allow_empty, cn_error *err)
{
    size_t n = strlen(v);
    if (n == 0) {
        if (allow_empty) {
            *out = 0; /* quote "" disables quoting, as Spark's "\u0000" */
            return 0;
        }
        return cn_error_set(err, "INVALID_DELIMITER_VALUE.EMPTY_STRING", NULL);
    }
    if (n == 1) {
        if (v[0] == '\\' && !strcmp(key, "sep")) return cn_error_set(err, "INVALID_DELIMITER_VALUE.SINGLE_BACKSLASH", NULL);
        *out = v[0];
        return 0;
    }
    if (v[0] == '\\' && n == 2) {
        switch (v[1]) {
        case 't': *out = '\t'; return 0;
        case 'r': *out = '\r'; return 0;
        case 'b': *out = '\b'; return 0;
        case 'f': *out = '\f'; return 0;
        case '"': *out = '"'; return 0;
        case '\'': *out = '\''; return 0;
        case '\\': *out = '\\'; return 0;
        case '0': *out = 0; return 0;
        default: return cn_error_set(err, "INVALID_DELIMITER_VALUE.UNSUPPORTED_SPECIAL_CHARACTER", "str", v, NULL);
        }
    }
    if (!strcmp(v, "\\u0000")) {
        *out = 0;
        return 0;
    }
    return cn_error_set(err, "INVALID_DELIMITER_VALUE.DELIMITER_LONGER_THAN_EXPECTED", "str", v, NULL);
}

static int option_bool(const char *key, const char *v, bool *out, cn_error *err)
{
    if (!strcasecmp(v, "true")) *out = true;
    else if (!strcasecmp(v, "false")) *out = false;
    else return cn_error_setf_detail(err, "ILLEGAL_ARGUMENT", "%s flag can be true or false", key);
    return 0;
}

/* A datetime pattern option: kept if cn_dt_parse can read with it, else Spark's error for a
 * pattern its formatter does not recognize. */
static int option_pattern(const char *v, const char **out, cn_arena *a, cn_error *err)
{
    if (!cn_dt_pattern_parsable(v, strlen(v))) {
        char q[256];
        snprintf(q, sizeof q, "'%.250s'", v);
        return cn_error_set(err, "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION", "config",
                            "\"spark.sql.legacy.timeParserPolicy\"", "docroot", "https://spark.apache.org/docs/latest",
                            "pattern", q, NULL);
    }
    *out = cn_arena_strdup(a, v);
    return 0;
}

int cn_csv_options_parse(cn_csv_options *o, int n, char **keys, char **values, cn_arena *a, cn_error *err)
{
    cn_csv_options_default(o);
    for (int i = 0; i < n; i++) {
        const char *k = keys[i], *v = values[i] ? values[i] : "";
        int rc = 0;
        if (!strcasecmp(k, "sep") || !strcasecmp(k, "delimiter")) rc = option_char("sep", v, &o->sep, false, err);
        else if (!strcasecmp(k, "quote")) rc = option_char("quote", v, &o->quote, true, err);
        else if (!strcasecmp(k, "escape")) rc = option_char("escape", v, &o->escape, true, err);
        else if (!strcasecmp(k, "comment")) rc = option_char("comment", v, &o->comment, true, err);
        else if (!strcasecmp(k, "header")) rc = option_bool("header", v, &o->header, err);
        else if (!strcasecmp(k, "inferSchema")) rc = option_bool("inferSchema", v, &o->infer_schema, err);
        else if (!strcasecmp(k, "multiLine")) rc = option_bool("multiLine", v, &o->multi_line, err);
        else if (!strcasecmp(k, "ignoreLeadingWhiteSpace")) rc = option_bool("ignoreLeadingWhiteSpace", v, &o->ignore_leading_ws, err);
        else if (!strcasecmp(k, "ignoreTrailingWhiteSpace")) rc = option_bool("ignoreTrailingWhiteSpace", v, &o->ignore_trailing_ws, err);
        else if (!strcasecmp(k, "nullValue")) o->null_value = cn_arena_strdup(a, v);
        else if (!strcasecmp(k, "prefersDate")) rc = option_bool("prefersDate", v, &o->prefers_date, err);
        else if (!strcasecmp(k, "dateFormat")) rc = option_pattern(v, &o->date_format, a, err);
        else if (!strcasecmp(k, "timestampFormat")) rc = option_pattern(v, &o->timestamp_format, a, err);
        else if (!strcasecmp(k, "timestampNTZFormat")) rc = option_pattern(v, &o->timestamp_ntz_format, a, err);
        else if (!strcasecmp(k, "timeZone")) o->timezone = cn_arena_strdup(a, v);
        else if (!strcasecmp(k, "ignoreCorruptFiles")) {
            rc = option_bool("ignoreCorruptFiles", v, &o->ignore_corrupt_files, err);
            o->ignore_corrupt_files_set = true;
        }
        else if (!strcasecmp(k, "compression") || !strcasecmp(k, "codec")) {
            /* on read Spark takes the codec from each file's extension; here the option
             * names the codec of every file (none/uncompressed: by extension) */
            cn_file_codec c;
            if (!cn_file_codec_parse(v, &c))
                rc = cn_error_setf_detail(err, "ILLEGAL_ARGUMENT",
                                          "Codec [%s] is not available. Available codecs are gzip, deflate, zstd, none, uncompressed.", v);
            else if (c != CN_FILE_CODEC_NONE) {
                o->compression = c;
                o->compression_set = true;
            }
        }
        else if (!strcasecmp(k, "mode")) {
            /* Spark's ParseMode.fromString: unknown modes fall back to PERMISSIVE */
            if (!strcasecmp(v, "DROPMALFORMED")) o->mode = CSV_DROPMALFORMED;
            else if (!strcasecmp(v, "FAILFAST")) o->mode = CSV_FAILFAST;
            else o->mode = CSV_PERMISSIVE;
        }
        if (rc) return -1;
    }
    return 0;
}

void cn_csv_options_apply_conf(cn_csv_options *o, const cn_conf *conf)
{
    if (conf && !o->ignore_corrupt_files_set) o->ignore_corrupt_files = cn_conf_get_bool(conf, "spark.sql.files.ignoreCorruptFiles");
    o->case_sensitive = cn_conf_case_sensitive(conf);
}

/* --- the reader -------------------------------------------------------------------- */

typedef struct csv_field {
    const char *p;
    uint32_t len;
    bool quoted;
} csv_field;

struct cn_csv_reader {
    int fd;
    cn_decomp *dec; /* a compressed file: its bytes come through here (offsets are uncompressed) */
    char *path;
    cn_csv_options o;
    size_t nv_len;
    const cn_tz *zone; /* o.timezone resolved: timestamps without a zone of their own are in it */
    int64_t start, end, fsize;
    /* buffer: buf[0..len) holds file bytes [boff, boff+len); pos = next unread byte */
    char *buf;
    size_t cap, len, pos;
    int64_t boff;
    bool eof;
    char *scratch; /* unescaped quoted fields, cap bytes */
    csv_field *f;
    int fcap;
    /* current record */
    const char *rec;
    size_t rec_len;
    int64_t rec_off;
    int64_t lineno; /* lines consumed so far (exact when start == 0) */
    bool skip_header;
    bool done;
    /* projection */
    const cn_schema *schema;
    int nschema;
    int ncols;
    int *cols;
    int need; /* fields to cut per record: past the last requested column, or all */
    int64_t bytes;
};

static int io_error(cn_csv_reader *r, cn_error *err, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s %s: %s", what, r->path, strerror(errno));
    return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
}

/* Keep buf[pos..len), read more after it. 0 ok (eof may be set), -1 I/O error. */
static int refill(cn_csv_reader *r, cn_error *err)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->boff += (int64_t)r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len == r->cap) {
        r->cap *= 2;
        r->buf = cn_xrealloc(r->buf, r->cap + 1);
        r->scratch = cn_xrealloc(r->scratch, r->cap + 1);
    }
    if (r->dec) {
        int64_t n = cn_decomp_read(r->dec, r->buf + r->len, r->cap - r->len, err);
        r->bytes = cn_decomp_bytes_in(r->dec);
        if (n < 0) {
            if (!r->o.ignore_corrupt_files) return -1;
            /* as Spark with ignoreCorruptFiles: keep the records read, drop the cut one */
            cn_error_clear(err);
            size_t keep = r->len;
            while (keep > r->pos && r->buf[keep - 1] != '\n') keep--;
            r->len = keep;
            r->eof = true;
            return 0;
        }
        if (n == 0) r->eof = true;
        r->len += (size_t)n;
        return 0;
    }
    ssize_t n;
    do {
        n = pread(r->fd, r->buf + r->len, r->cap - r->len, (off_t)(r->boff + (int64_t)r->len));
    } while (n < 0 && errno == EINTR);
    if (n < 0) return io_error(r, err, "cannot read");
    if (n == 0) r->eof = true;
    r->len += (size_t)n;
    r->bytes += n;
    return 0;
}

static inline void push_field(cn_csv_reader *r, int *nf, const char *p, size_t len, bool quoted)
{
    if (CN_UNLIKELY(*nf == r->fcap)) {
        r->fcap *= 2;
        r->f = cn_xrealloc(r->f, sizeof(csv_field) * (size_t)r->fcap);
    }
    csv_field *f = &r->f[(*nf)++];
    f->p = p;
    f->len = (uint32_t)len;
    f->quoted = quoted;
}

static inline bool ws(char c) { return c == ' ' || c == '\t'; }

static inline void push_plain(cn_csv_reader *r, int *nf, const char *p, const char *e)
{
    if (CN_UNLIKELY(r->o.ignore_leading_ws))
        while (p < e && ws(*p)) p++;
    if (CN_UNLIKELY(r->o.ignore_trailing_ws))
        while (e > p && ws(e[-1])) e--;
    push_field(r, nf, p, (size_t)(e - p), false);
}

static int tokenize_quoted(cn_csv_reader *r, const char *p, const char *q);

/* Cut record [p, q) into fields: the first r->need of them (all in the strict modes and
 * for schema inference; fields past the last requested column are never cut). Fields
 * before the first quote character cut the same with or without quoting (a quote only
 * opens a quoted field at a field's start), so the fast path scans 16 bytes at a time
 * for the separator and the quote and leaves for the quoted tokenizer at the first
 * quote it meets. */
static int tokenize(cn_csv_reader *r, const char *p, const char *q)
{
    int nf = 0;
    const int need = r->need;
    const char sep = r->o.sep, quote = r->o.quote;
    const char *s = p, *x = p;
#ifdef __SSE2__
    const __m128i vs = _mm_set1_epi8(sep), vq = _mm_set1_epi8(quote ? quote : sep);
    while (q - x >= 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)x);
        if (CN_UNLIKELY(quote && _mm_movemask_epi8(_mm_cmpeq_epi8(c, vq)))) return tokenize_quoted(r, p, q);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, vs));
        while (m) {
            const char *e = x + __builtin_ctz(m);
            push_plain(r, &nf, s, e);
            if (nf >= need) return nf;
            s = e + 1;
            m &= m - 1;
        }
        x += 16;
    }
#endif
    for (; x < q; x++) {
        if (*x == sep) {
            push_plain(r, &nf, s, x);
            if (nf >= need) return nf;
            s = x + 1;
        } else if (CN_UNLIKELY(quote && *x == quote)) {
            return tokenize_quoted(r, p, q);
        }
    }
    push_plain(r, &nf, s, q);
    return nf;
}

/* The general tokenizer: quoted fields, doubled and escaped quotes. */
static int tokenize_quoted(cn_csv_reader *r, const char *p, const char *q)
{
    int nf = 0;
    const char sep = r->o.sep, quote = r->o.quote, esc = r->o.escape;
    const char *s = p;
    char *out = r->scratch;
    for (;;) {
        const char *t = s;
        if (r->o.ignore_leading_ws)
            while (t < q && ws(*t)) t++;
        if (t < q && *t == quote) {
            char *st = out;
            t++;
            while (t < q) {
                char c = *t;
                if (c == esc && esc != quote && t + 1 < q && (t[1] == quote || t[1] == esc)) {
                    *out++ = t[1];
                    t += 2;
                    continue;
                }
                if (c == quote) {
                    if (t + 1 < q && t[1] == quote) {
                        *out++ = quote;
                        t += 2;
                        continue;
                    }
                    t++;
                    break;
                }
                *out++ = c;
                t++;
            }
            /* text after the closing quote up to the separator is kept */
            while (t < q && *t != sep) {
                if (!(r->o.ignore_trailing_ws && ws(*t))) *out++ = *t;
                t++;
            }
            push_field(r, &nf, st, (size_t)(out - st), true);
            if (t >= q) return nf;
            s = t + 1;
            continue;
        }
        const char *x = memchr(s, sep, (size_t)(q - s));
        if (!x) {
            push_plain(r, &nf, s, q);
            return nf;
        }
        push_plain(r, &nf, s, x);
        s = x + 1;
    }
}

/* multiLine: end of the record starting at p (the '\n' outside quotes), or NULL if not in [p, e). */
static const char *record_end_quoted(const cn_csv_reader *r, const char *p, const char *e, bool eof, int64_t *newlines)
{
    const char sep = r->o.sep, quote = r->o.quote, esc = r->o.escape;
    bool inq = false, field_start = true;
    int64_t nl = 0;
    for (const char *s = p; s < e; s++) {
        char c = *s;
        if (inq) {
            if (c == esc && esc != quote && s + 1 < e && (s[1] == quote || s[1] == esc)) {
                s++;
            } else if (c == quote) {
                if (s + 1 == e && !eof) return NULL; /* a doubled quote may straddle the buffer end */
                if (s + 1 < e && s[1] == quote) s++;
                else inq = false;
            } else if (c == '\n') {
                nl++;
            }
            continue;
        }
        if (c == '\n') {
            *newlines = nl;
            return s;
        }
        if (c == quote && field_start && quote) inq = true;
        field_start = c == sep;
    }
    return NULL;
}

static bool blank_line(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] > ' ') return false;
    return true;
}

/* Next record's fields into r->f. Returns the field count, -1 at the end, -2 on error. */
static int next_record(cn_csv_reader *r, cn_error *err)
{
    for (;;) {
        if (r->done) return -1;
        if (r->pos >= r->len) {
            if (r->eof) {
                r->done = true;
                return -1;
            }
            if (refill(r, err)) return -2;
            continue;
        }
        int64_t off = r->boff + (int64_t)r->pos;
        if (off >= r->end) {
            r->done = true;
            return -1;
        }
        const char *p = r->buf + r->pos, *e = r->buf + r->len;
        const char *nl;
        int64_t inner = 0;
        if (r->o.multi_line && r->o.quote) nl = record_end_quoted(r, p, e, r->eof, &inner);
        else nl = memchr(p, '\n', (size_t)(e - p));
        if (!nl && !r->eof) {
            if (refill(r, err)) return -2;
            continue;
        }
        const char *q = nl ? nl : e;
        r->pos = (size_t)(q - r->buf) + (nl ? 1 : 0);
        r->lineno += 1 + inner;
        if (q > p && q[-1] == '\r') q--;
        /* a UTF-8 byte order mark starts no field (Hadoop's LineRecordReader skips it); the
         * record still starts at offset 0, in the split at 0 */
        if (CN_UNLIKELY(off == 0) && q - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
        size_t n = (size_t)(q - p);
        if (n == 0 || (r->o.comment && p[0] == r->o.comment)) continue;
        if ((unsigned char)p[0] <= ' ' && blank_line(p, n)) continue;
        if (r->skip_header) {
            r->skip_header = false;
            continue;
        }
        r->rec = p;
        r->rec_len = n;
        r->rec_off = off;
        return tokenize(r, p, q);
    }
}

cn_csv_reader *cn_csv_open(const char *path, int64_t start, int64_t length, const cn_csv_options *o,
                           const cn_schema *file_schema, int ncols, const int *cols, cn_error *err)
{
    if (length == 0) {
        /* an empty split owns no records: no need for the file to exist */
        cn_csv_reader *r = cn_xcalloc(1, sizeof *r);
        r->fd = -1;
        r->path = cn_xstrdup(path ? path : "");
        r->done = true;
        return r;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            char buf[4200];
            snprintf(buf, sizeof buf, "file:%s", path);
            cn_error_set(err, "PATH_NOT_FOUND", "path", buf, NULL);
        } else {
            char msg[512];
            snprintf(msg, sizeof msg, "cannot open %s: %s", path, strerror(errno));
            cn_error_set(err, "IO_ERROR", "message", msg, NULL);
        }
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot read %s: not a regular file", path);
        cn_error_set(err, "IO_ERROR", "message", msg, NULL);
        close(fd);
        return NULL;
    }
    cn_csv_reader *r = cn_xcalloc(1, sizeof *r);
    r->fd = fd;
    r->path = cn_xstrdup(path);
    r->o = *o;
    if (!r->o.null_value) r->o.null_value = "";
    r->nv_len = strlen(r->o.null_value);
    r->zone = cn_tz_get(r->o.timezone);
    r->fsize = (int64_t)st.st_size;
    if (start < 0) start = 0;
    r->start = start;
    r->end = length < 0 || start + length < start ? INT64_MAX : start + length;
    cn_file_codec codec = codec_of(o, path);
    if (codec != CN_FILE_CODEC_NONE) r->dec = cn_decomp_new(codec, fd, r->path);
    if (o->multi_line || r->dec) {
        if (start > 0) r->done = true;
        r->end = INT64_MAX;
    }
    /* a compressed file: about 4 times its size uncompressed (the buffer grows for longer records) */
    int64_t want = r->dec ? (r->fsize > CSV_BUF_MAX_INITIAL ? CSV_BUF_MAX_INITIAL : r->fsize * 4)
                          : (r->end == INT64_MAX ? r->fsize : length) + 4096;
    r->cap = (size_t)CN_MAX(CN_MIN(want, (int64_t)CSV_BUF_MAX_INITIAL), (int64_t)CSV_BUF_MIN_INITIAL);
    r->buf = cn_xmalloc(r->cap + 1);
    r->scratch = cn_xmalloc(r->cap + 1);
    r->fcap = 64;
    r->f = cn_xmalloc(sizeof(csv_field) * (size_t)r->fcap);
    r->schema = file_schema;
    r->nschema = file_schema ? file_schema->n : 0;
    r->ncols = ncols;
    r->cols = cn_xmalloc(sizeof(int) * (size_t)(ncols > 0 ? ncols : 1));
    for (int i = 0; i < ncols; i++) r->cols[i] = cols ? cols[i] : i;
    r->need = INT32_MAX;
    if (o->mode == CSV_PERMISSIVE && ncols > 0) {
        r->need = 0;
        for (int i = 0; i < ncols; i++) r->need = CN_MAX(r->need, r->cols[i] + 1);
    }
    r->skip_header = o->header && start == 0;
    if (start >= r->fsize) r->done = true;
    if (start > 0 && !r->done) {
        /* skip to just past the first '\n' at or after start-1 */
        r->boff = start - 1;
        for (;;) {
            if (r->pos >= r->len) {
                if (r->eof) {
                    r->done = true;
                    break;
                }
                if (refill(r, err)) {
                    cn_csv_close(r);
                    return NULL;
                }
                continue;
            }
            const char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
            if (nl) {
                r->pos = (size_t)(nl - r->buf) + 1;
                break;
            }
            r->pos = r->len;
        }
    }
    return r;
}

void cn_csv_close(cn_csv_reader *r)
{
    if (!r) return;
    cn_decomp_free(r->dec);
    if (r->fd >= 0) close(r->fd);
    free(r->path);
    free(r->buf);
    free(r->scratch);
    free(r->f);
    free(r->cols);
    free(r);
}

int64_t cn_csv_bytes_read(const cn_csv_reader *r) { return r->bytes; }

/* --- conversion ---------------------------------------------------------------------- */

static inline bool parse_i64(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n || n - i > 19) return false;
    uint64_t v = 0;
    if (n - i < 19) {
        for (; i < n; i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (d > 9) return false;
            v = v * 10 + d;
        }
    } else {
        for (; i < n; i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (d > 9 || v > (UINT64_MAX - d) / 10) return false;
            v = v * 10 + d;
        }
    }
    if (neg) {
        if (v > (uint64_t)0 - (uint64_t)lo) return false;
        *out = (int64_t)((uint64_t)0 - v);
    } else {
        if (v > (uint64_t)hi) return false;
        *out = (int64_t)v;
    }
    return true;
}

static const int64_t p10_64[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                   100000000LL, 1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL,
                                   10000000000000LL, 100000000000000LL, 1000000000000000LL,
                                   10000000000000000LL, 100000000000000000LL, 1000000000000000000LL};

/* Decimal fast path: [-+]digits[.digits] with at most 18 digits and at most `scale` fraction digits. */
static inline bool parse_dec_fast(const char *s, size_t n, int prec, int scale, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t v = 0;
    int nd = 0, frac = -1;
    for (; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d <= 9) {
            v = v * 10 + d;
            nd++;
            if (frac >= 0) frac++;
        } else if (s[i] == '.' && frac < 0) {
            frac = 0;
        } else {
            return false;
        }
    }
    if (nd == 0 || nd > 18) return false;
    if (frac < 0) frac = 0;
    if (frac > scale) return false;
    int64_t x = (int64_t)v;
    int k = scale - frac;
    if (k) {
        if (k > 18 || x > INT64_MAX / p10_64[k]) return false;
        x *= p10_64[k];
    }
    if (prec < 19 && x >= p10_64[prec]) return false;
    *out = neg ? -x : x;
    return true;
}

static inline bool parse_double_fast(const char *s, size_t n, double *out)
{
    static const double p10[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t v = 0;
    int nd = 0, frac = -1;
    for (; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d <= 9) {
            v = v * 10 + d;
            nd++;
            if (frac >= 0) frac++;
        } else if (s[i] == '.' && frac < 0) {
            frac = 0;
        } else {
            return false;
        }
    }
    if (nd == 0 || nd > 15) return false;
    double d = (double)v;
    if (frac > 0) d /= p10[frac];
    *out = neg ? -d : d;
    return true;
}

/* Days of the first of each month for years [1900, 2200): dates in that range need no arithmetic. */
#define MONTH_TAB_FIRST_YEAR 1900
#define MONTH_TAB_YEARS 300
static int32_t month_tab[MONTH_TAB_YEARS * 12 + 1];
static volatile bool month_tab_ready;
static pthread_once_t month_tab_once = PTHREAD_ONCE_INIT;
static void month_tab_init(void)
{
    for (int k = 0; k <= MONTH_TAB_YEARS * 12; k++)
        month_tab[k] = cn_days_from_civil(MONTH_TAB_FIRST_YEAR + k / 12, k % 12 + 1, 1);
    month_tab_ready = true;
}

static inline bool parse_date_fast(const char *s, size_t n, int32_t *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    unsigned y0 = (unsigned)(s[0] - '0'), y1 = (unsigned)(s[1] - '0'), y2 = (unsigned)(s[2] - '0'), y3 = (unsigned)(s[3] - '0');
    unsigned m0 = (unsigned)(s[5] - '0'), m1 = (unsigned)(s[6] - '0'), d0 = (unsigned)(s[8] - '0'), d1 = (unsigned)(s[9] - '0');
    if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9) return false;
    int y = (int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3), m = (int)(m0 * 10 + m1), d = (int)(d0 * 10 + d1);
    if (CN_LIKELY(y >= MONTH_TAB_FIRST_YEAR && y < MONTH_TAB_FIRST_YEAR + MONTH_TAB_YEARS && m >= 1 && m <= 12 && d >= 1)) {
        if (CN_UNLIKELY(!month_tab_ready)) pthread_once(&month_tab_once, month_tab_init);
        int k = (y - MONTH_TAB_FIRST_YEAR) * 12 + m - 1;
        if (d > month_tab[k + 1] - month_tab[k]) return false;
        *out = month_tab[k] + d - 1;
        return true;
    }
    if (!cn_date_valid(y, m, d)) return false;
    *out = cn_days_from_civil(y, m, d);
    return true;
}

/* Dates and timestamps with the dateFormat / timestampFormat / timestampNTZFormat patterns.
 * As Spark (UnivocityParser) with a pattern set, there is no fallback to the default forms.
 * A DATE keeps the date of what the pattern reads; a TIMESTAMP is in the zone the text names,
 * else in the reader's zone; a TIMESTAMP_NTZ is the local date-time and may not name a zone
 * (Spark's parseWithoutTimeZone with allowTimeZone = false). */
static bool parse_date_pattern(const cn_csv_options *o, const char *s, size_t n, int32_t *out)
{
    cn_dt_parsed p;
    char msg[256];
    if (cn_dt_parse(s, n, o->date_format, strlen(o->date_format), &p, msg, sizeof msg) != 0) return false;
    int64_t d = p.local / CN_MICROS_PER_DAY;
    if (p.local % CN_MICROS_PER_DAY < 0) d--;
    *out = (int32_t)d;
    return true;
}

static bool parse_timestamp_pattern(const cn_csv_options *o, const cn_tz *zone, const char *s, size_t n, int64_t *out)
{
    cn_dt_parsed p;
    char msg[256];
    if (cn_dt_parse(s, n, o->timestamp_format, strlen(o->timestamp_format), &p, msg, sizeof msg) != 0) return false;
    *out = cn_dt_parsed_to_utc(&p, zone);
    return true;
}

static bool parse_timestamp_ntz_pattern(const cn_csv_options *o, const char *s, size_t n, int64_t *out)
{
    cn_dt_parsed p;
    char msg[256];
    if (cn_dt_parse(s, n, o->timestamp_ntz_format, strlen(o->timestamp_ntz_format), &p, msg, sizeof msg) != 0 ||
        cn_dt_parsed_has_zone(&p))
        return false;
    *out = p.local;
    return true;
}

/* Convert field f into row `row` of vector v. Returns false if unparsable (v left NULL). */
static inline bool convert(cn_csv_reader *r, const csv_field *f, cn_vector *v, int row, cn_arena *a)
{
    const char *s = f->p;
    size_t n = f->len;
    if (n == r->nv_len && memcmp(s, r->o.null_value, n) == 0) {
        cn_vec_set_null(v, row, a);
        return true;
    }
    int64_t x;
    cn_value val;
    switch ((cn_kind)v->type.kind) {
    case CN_STRING: {
        cn_str *o = &((cn_str *)v->data)[row];
        if (n <= CN_STR_INLINE) {
            *o = cn_str_view(s, (uint32_t)n);
        } else {
            char *c = cn_arena_alloc(a, n);
            memcpy(c, s, n);
            *o = cn_str_view(c, (uint32_t)n);
        }
        return true;
    }
    case CN_INT:
        if (!parse_i64(s, n, INT32_MIN, INT32_MAX, &x)) break;
        ((int32_t *)v->data)[row] = (int32_t)x;
        return true;
    case CN_BIGINT:
        if (!parse_i64(s, n, INT64_MIN, INT64_MAX, &x)) break;
        ((int64_t *)v->data)[row] = x;
        return true;
    case CN_SMALLINT:
        if (!parse_i64(s, n, INT16_MIN, INT16_MAX, &x)) break;
        ((int16_t *)v->data)[row] = (int16_t)x;
        return true;
    case CN_TINYINT:
        if (!parse_i64(s, n, INT8_MIN, INT8_MAX, &x)) break;
        ((int8_t *)v->data)[row] = (int8_t)x;
        return true;
    case CN_DECIMAL:
        if (v->type.precision <= CN_DECIMAL64_MAX_PRECISION) {
            if (parse_dec_fast(s, n, v->type.precision, v->type.scale, &x)) {
                ((int64_t *)v->data)[row] = x;
                return true;
            }
            cn_i128 d;
            if (cn_decimal_parse(s, n, v->type.precision, v->type.scale, &d)) break;
            ((int64_t *)v->data)[row] = (int64_t)d;
            return true;
        } else {
            cn_i128 d;
            if (parse_dec_fast(s, n, 18, v->type.scale, &x)) d = x;
            else if (cn_decimal_parse(s, n, v->type.precision, v->type.scale, &d)) break;
            ((cn_i128 *)v->data)[row] = d;
            return true;
        }
    case CN_DOUBLE: {
        double d;
        if (parse_double_fast(s, n, &d)) {
            ((double *)v->data)[row] = d;
            return true;
        }
        if (cn_parse_as(s, n, v->type, &val, NULL)) break;
        ((double *)v->data)[row] = val.v.f;
        return true;
    }
    case CN_FLOAT:
        if (cn_parse_as(s, n, v->type, &val, NULL)) break;
        ((float *)v->data)[row] = (float)val.v.f;
        return true;
    case CN_DATE: {
        int32_t d;
        if (CN_UNLIKELY(r->o.date_format)) {
            if (!parse_date_pattern(&r->o, s, n, &d)) break;
        } else if (!parse_date_fast(s, n, &d) && cn_parse_date(s, n, &d) != 0) {
            break;
        }
        ((int32_t *)v->data)[row] = d;
        return true;
    }
    case CN_TIMESTAMP:
        if (CN_UNLIKELY(r->o.timestamp_format)) {
            if (!parse_timestamp_pattern(&r->o, r->zone, s, n, &x)) break;
        } else if (cn_parse_timestamp(s, n, r->o.timezone, &x)) {
            break;
        }
        ((int64_t *)v->data)[row] = x;
        return true;
    case CN_TIMESTAMP_NTZ:
        if (r->o.timestamp_ntz_format) {
            if (!parse_timestamp_ntz_pattern(&r->o, s, n, &x)) break;
        } else if (cn_parse_as(s, n, v->type, &val, NULL)) {
            break;
        } else {
            x = val.v.i;
        }
        ((int64_t *)v->data)[row] = x;
        return true;
    case CN_BOOLEAN:
        if (n == 4 && !strncasecmp(s, "true", 4)) ((uint8_t *)v->data)[row] = 1;
        else if (n == 5 && !strncasecmp(s, "false", 5)) ((uint8_t *)v->data)[row] = 0;
        else break;
        return true;
    case CN_NULL:
        cn_vec_set_null(v, row, a);
        return true;
    default:
        if (cn_parse_as(s, n, v->type, &val, a)) break;
        cn_value_to_vector(&val, v, row, a);
        return true;
    }
    cn_vec_set_null(v, row, a);
    return false;
}

static int malformed(cn_csv_reader *r, cn_error *err)
{
    size_t n = r->rec_len > 1000 ? 1000 : r->rec_len;
    char *rec = cn_xstrndup(r->rec, n);
    cn_error_set(err, "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION", "badRecord", rec, "failFastMode", "FAILFAST", NULL);
    free(rec);
    if (r->start == 0)
        cn_error_detail(err, "file %s, line %lld", r->path, (long long)r->lineno);
    else
        cn_error_detail(err, "file %s, byte offset %lld", r->path, (long long)r->rec_off);
    return -1;
}

int cn_csv_read(cn_csv_reader *r, cn_batch *out, cn_arena *a, cn_error *err)
{
    const int ncols = r->ncols;
    for (int k = 0; k < ncols; k++) out->cols[k].validity = NULL;
    out->sel = NULL;
    out->nsel = 0;
    out->count = 0;
    int row = 0;
    const bool strict = r->o.mode != CSV_PERMISSIVE;
    while (row < CN_BATCH_SIZE) {
        int nf = next_record(r, err);
        if (nf == -1) break;
        if (nf == -2) return -1;
        if (strict && nf != r->nschema) {
            bool tbl = nf == r->nschema + 1 && r->f[nf - 1].len == 0 && !r->f[nf - 1].quoted;
            if (!tbl) {
                if (r->o.mode == CSV_FAILFAST) return malformed(r, err);
                continue;
            }
        }
        bool bad = false;
        for (int k = 0; k < ncols; k++) {
            int c = r->cols[k];
            cn_vector *v = &out->cols[k];
            if (c >= nf) {
                cn_vec_set_null(v, row, a);
                continue;
            }
            if (!convert(r, &r->f[c], v, row, a)) bad = true;
        }
        if (bad && strict) {
            if (r->o.mode == CSV_FAILFAST) return malformed(r, err);
            for (int k = 0; k < ncols; k++) cn_vec_set_valid(&out->cols[k], row);
            continue;
        }
        row++;
    }
    out->count = row;
    return row;
}

/* --- schema inference ----------------------------------------------------------------- */

enum { ST_INT, ST_LONG, ST_DECIMAL, ST_DOUBLE, ST_DATE, ST_TIMESTAMP, ST_BOOLEAN, ST_STRING };

static int stage_of(cn_type t)
{
    switch ((cn_kind)t.kind) {
    case CN_NULL:
    case CN_INT: return ST_INT;
    case CN_BIGINT: return ST_LONG;
    case CN_DECIMAL: return ST_DECIMAL;
    case CN_DOUBLE: return ST_DOUBLE;
    case CN_DATE: return ST_DATE;
    case CN_TIMESTAMP: return ST_TIMESTAMP;
    case CN_BOOLEAN: return ST_BOOLEAN;
    default: return ST_STRING;
    }
}

/* What inference needs of the options. */
typedef struct infer_ctx {
    const cn_csv_options *o;
    const cn_tz *zone;
} infer_ctx;

static bool infer_is_date(const infer_ctx *c, const char *s, size_t n)
{
    int32_t d;
    if (c->o->date_format) return parse_date_pattern(c->o, s, n, &d);
    return parse_date_fast(s, n, &d);
}

static bool infer_is_timestamp(const infer_ctx *c, const char *s, size_t n)
{
    int64_t x;
    if (c->o->timestamp_format) return parse_timestamp_pattern(c->o, c->zone, s, n, &x);
    return n >= 16 && (s[10] == ' ' || s[10] == 'T') && cn_parse_timestamp(s, n, c->o->timezone, &x) == 0;
}

/* Spark's CSVInferSchema.inferField (3.4+): try types from the current one onwards — int,
 * bigint, decimal, double, then (prefersDate) date, then timestamp, boolean, string. A
 * timestamp is tried with timestampFormat when it is set (else Spark's default forms), a
 * date with dateFormat (else yyyy-MM-dd). Timestamps are not inferred as TIMESTAMP_NTZ
 * (spark.sql.timestampType is TIMESTAMP_LTZ). */
static cn_type infer_field(const infer_ctx *c, cn_type cur, const char *s, size_t n)
{
    int64_t x;
    cn_value val;
    switch (stage_of(cur)) {
    case ST_INT:
        if (parse_i64(s, n, INT32_MIN, INT32_MAX, &x)) return cn_type_of(CN_INT);
        /* fall through */
    case ST_LONG:
        if (parse_i64(s, n, INT64_MIN, INT64_MAX, &x)) return cn_type_of(CN_BIGINT);
        /* fall through */
    case ST_DECIMAL: {
        /* only integral values too large for bigint become decimal(p, 0) */
        size_t i = n && (s[0] == '-' || s[0] == '+') ? 1 : 0;
        while (i < n && s[i] == '0') i++;
        size_t st = i;
        while (i < n && isdigit((unsigned char)s[i])) i++;
        if (i == n && n > 0 && isdigit((unsigned char)s[n - 1]) && i - st <= CN_MAX_PRECISION && i - st > 0)
            return cn_type_decimal((int)(i - st), 0);
    }
        /* fall through */
    case ST_DOUBLE:
        if (cn_parse_as(s, n, cn_type_of(CN_DOUBLE), &val, NULL) == 0) return cn_type_of(CN_DOUBLE);
        if (!c->o->prefers_date) goto timestamp;
        /* fall through */
    case ST_DATE:
        if (infer_is_date(c, s, n)) return cn_type_of(CN_DATE);
        /* fall through */
    case ST_TIMESTAMP:
    timestamp:
        if (infer_is_timestamp(c, s, n)) return cn_type_of(CN_TIMESTAMP);
        /* fall through */
    case ST_BOOLEAN:
        if ((n == 4 && !strncasecmp(s, "true", 4)) || (n == 5 && !strncasecmp(s, "false", 5))) return cn_type_of(CN_BOOLEAN);
        /* fall through */
    default: return cn_type_of(CN_STRING);
    }
}

/* Spark's CSVInferSchema.canParseDateAsTimestamp: dates join a timestamp column only when the
 * timestamps are read by the default (lenient) parser and the dates have a form it reads. */
static bool dates_read_as_timestamps(const cn_csv_options *o)
{
    static const char *const lenient[] = {"yyyy-MM-dd", "yyyy-M-d", "yyyy-M-dd", "yyyy-MM-d", "yyyy-MM", "yyyy-M", "yyyy"};
    if (o->timestamp_format) return false;
    const char *df = o->date_format ? o->date_format : "yyyy-MM-dd";
    for (int i = 0; i < CN_ARRAY_LEN(lenient); i++)
        if (!strcmp(df, lenient[i])) return true;
    return false;
}

/* Spark's CSVInferSchema.compatibleType (incompatible pairs become string). */
static cn_type merge_type(const cn_csv_options *o, cn_type a, cn_type b)
{
    if (cn_type_eq(a, b)) return a;
    if (a.kind == CN_NULL) return b;
    if (b.kind == CN_NULL) return a;
    if (a.kind == CN_STRING || b.kind == CN_STRING) return cn_type_of(CN_STRING);
    bool an = cn_type_is_integral(a) || a.kind == CN_DOUBLE, bn = cn_type_is_integral(b) || b.kind == CN_DOUBLE;
    if (an && bn) return stage_of(a) >= stage_of(b) ? a : b;
    if ((a.kind == CN_DECIMAL && b.kind == CN_DOUBLE) || (a.kind == CN_DOUBLE && b.kind == CN_DECIMAL)) return cn_type_of(CN_DOUBLE);
    if ((a.kind == CN_DECIMAL || cn_type_is_integral(a)) && (b.kind == CN_DECIMAL || cn_type_is_integral(b))) {
        cn_type x = cn_type_decimal_for(a), y = cn_type_decimal_for(b);
        int s = CN_MAX(x.scale, y.scale), range = CN_MAX(x.precision - x.scale, y.precision - y.scale);
        if (range + s > CN_MAX_PRECISION) return cn_type_of(CN_DOUBLE);
        return cn_type_decimal(range + s, s);
    }
    if ((a.kind == CN_DATE && b.kind == CN_TIMESTAMP) || (a.kind == CN_TIMESTAMP && b.kind == CN_DATE))
        return cn_type_of(dates_read_as_timestamps(o) ? CN_TIMESTAMP : CN_STRING);
    return cn_type_of(CN_STRING);
}

int cn_csv_infer_schema(const cn_csv_options *o, int nfiles, char **files, cn_arena *a, cn_schema **out, cn_error *err)
{
    /* the first record of the first file that has one: the header or the column count */
    cn_csv_options first_o = *o;
    first_o.header = false;
    int ncol = -1;
    char **names = NULL;
    for (int fi = 0; fi < nfiles && ncol < 0; fi++) {
        cn_csv_reader *r = cn_csv_open(files[fi], 0, -1, &first_o, NULL, 0, NULL, err);
        if (!r) return -1;
        int nf = next_record(r, err);
        if (nf == -2) {
            cn_csv_close(r);
            return -1;
        }
        if (nf >= 0) {
            ncol = nf;
            names = cn_arena_calloc(a, sizeof(char *) * (size_t)(nf + 1));
            bool *named = cn_arena_calloc(a, (size_t)nf + 1);
            for (int i = 0; i < nf; i++) {
                const csv_field *f = &r->f[i];
                bool empty = f->len == 0 || (f->len == r->nv_len && !memcmp(f->p, r->o.null_value, f->len));
                named[i] = o->header && !empty;
                names[i] = named[i] ? cn_arena_strndup(a, f->p, f->len) : cn_arena_printf(a, "_c%d", i);
            }
            /* Spark's makeSafeHeader: a header name that another column's header repeats
             * (ignoring case unless spark.sql.caseSensitive) gets its index appended */
            bool *dup = cn_arena_calloc(a, (size_t)nf + 1);
            for (int i = 0; i < nf; i++)
                for (int j = 0; j < nf && named[i] && !dup[i]; j++)
                    if (i != j && named[j] && cn_ident_eq(o->case_sensitive, names[i], names[j])) dup[i] = true;
            for (int i = 0; i < nf; i++)
                if (dup[i]) names[i] = cn_arena_printf(a, "%s%d", names[i], i);
        }
        cn_csv_close(r);
    }
    if (ncol < 0) return cn_error_set(err, "UNABLE_TO_INFER_SCHEMA", "format", "CSV", NULL);
    cn_schema *s = cn_schema_new(a, ncol);
    for (int i = 0; i < ncol; i++) {
        s->fields[i].name = names[i];
        s->fields[i].type = o->infer_schema ? cn_type_of(CN_NULL) : cn_type_of(CN_STRING);
        s->fields[i].nullable = true;
    }
    if (o->infer_schema) {
        infer_ctx ic = {o, cn_tz_get(o->timezone)};
        int64_t seen = 0;
        for (int fi = 0; fi < nfiles && seen < CSV_INFER_MAX_RECORDS; fi++) {
            cn_csv_reader *r = cn_csv_open(files[fi], 0, -1, o, NULL, 0, NULL, err);
            if (!r) return -1;
            int nf = 0;
            while (seen < CSV_INFER_MAX_RECORDS && (nf = next_record(r, err)) >= 0) {
                seen++;
                int m = nf < ncol ? nf : ncol;
                for (int i = 0; i < m; i++) {
                    const csv_field *f = &r->f[i];
                    if (f->len == r->nv_len && !memcmp(f->p, r->o.null_value, f->len)) continue;
                    cn_type cur = s->fields[i].type;
                    if (cur.kind == CN_STRING) continue;
                    s->fields[i].type = merge_type(o, cur, infer_field(&ic, cur, f->p, f->len));
                }
            }
            cn_csv_close(r);
            if (nf == -2) return -1;
        }
        for (int i = 0; i < ncol; i++)
            if (s->fields[i].type.kind == CN_NULL) s->fields[i].type = cn_type_of(CN_STRING);
    }
    *out = s;
    return 0;
}
