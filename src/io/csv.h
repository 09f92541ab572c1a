/*
 * csv.h — the CSV data source (Spark's DataFrameReader.csv options).
 *
 * Options (case-insensitive keys, as Spark): path (file, directory or glob;
 * several separated by ','), header, sep / delimiter, quote, escape,
 * nullValue, dateFormat, timestampFormat, timestampNTZFormat, prefersDate,
 * inferSchema, mode (PERMISSIVE, DROPMALFORMED, FAILFAST), comment,
 * ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace, multiLine, compression.
 * Unknown keys are ignored (as Spark does); emptyValue and lineSep are not
 * implemented yet.
 *
 * A UTF-8 byte order mark at the start of a file is skipped (as Hadoop's
 * LineRecordReader does for Spark). Compressed files (gzip, deflate, zstd;
 * see io/compress.h) are read whole by one split.
 *
 * Files are split into pieces of at most spark.sql.files.maxPartitionBytes;
 * a split owns the records that start inside it (the reader skips a partial
 * first line unless start == 0 and reads past its end to finish the last
 * record). Only the requested columns are converted. dbgen's .tbl files
 * ('|' separated, trailing '|') read as they are: a trailing empty field
 * beyond the schema is dropped like any extra token in PERMISSIVE mode.
 */
#ifndef CN_CSV_H
#define CN_CSV_H

#include "base/arena.h"
#include "base/error.h"
#include "io/compress.h"
#include "types/vector.h"

typedef enum { CSV_PERMISSIVE, CSV_DROPMALFORMED, CSV_FAILFAST } cn_csv_mode;

struct cn_csv_options {
    char sep;
    char quote;          /* 0 = no quoting */
    char escape;
    char comment;        /* 0 = none */
    bool header;
    bool infer_schema;
    cn_csv_mode mode;
    const char *null_value;  /* default "" */
    const char *date_format;          /* NULL: Spark's default (yyyy-MM-dd and its lenient forms) */
    const char *timestamp_format;     /* NULL: Spark's default (ISO 8601 forms, an optional zone) */
    const char *timestamp_ntz_format; /* NULL: Spark's default (ISO 8601 forms, no zone) */
    bool prefers_date;                /* prefersDate (default true): inference tries DATE before TIMESTAMP */
    const char *timezone;
    bool ignore_leading_ws, ignore_trailing_ws;
    bool multi_line;         /* multiLine: quoted fields may hold newlines; files are not split */
    bool compression_set;    /* compression: every file is read with this codec ... */
    cn_file_codec compression;    /* ... else each file's extension names it (.gz, .deflate, .zst) */
    bool ignore_corrupt_files; /* ignoreCorruptFiles (or spark.sql.files.ignoreCorruptFiles): a corrupt
                                  compressed file ends where it breaks, keeping the records read */
    bool ignore_corrupt_files_set; /* the option was given (it wins over the session setting) */
    bool case_sensitive;     /* spark.sql.caseSensitive: header names differing only in case are
                                duplicates (renamed) unless set */
};
typedef struct cn_csv_options cn_csv_options;

/* Spark's defaults (sep ',', quote '"', escape '\\', mode PERMISSIVE, nullValue "", prefersDate). */
void cn_csv_options_default(cn_csv_options *o);
/* Options from key/value pairs; unknown keys are ignored as Spark ignores them. A datetime
 * pattern Cinder cannot parse with fails here with
 * [INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION], as Spark's formatter does. */
int cn_csv_options_parse(cn_csv_options *o, int n, char **keys, char **values, cn_arena *a, cn_error *err);

/* Session settings: spark.sql.files.ignoreCorruptFiles (an option of the same name overrides
 * it) and spark.sql.caseSensitive (header duplicates). */
struct cn_conf;
void cn_csv_options_apply_conf(cn_csv_options *o, const struct cn_conf *conf);

/* Expand `path` (comma-separated list of files, directories, globs) into sorted file
 * names. [PATH_NOT_FOUND] when a path matches nothing. Hidden files (._ or .) skipped. */
int cn_list_files(const char *path, cn_arena *a, char ***files, int64_t **sizes, int *nfiles, cn_error *err);

/* Schema: from the header (names) or _c0.._cN, types STRING unless infer_schema
 * (then Spark's inference: int, bigint, decimal?, double, boolean, date?, timestamp, string). */
int cn_csv_infer_schema(const cn_csv_options *o, int nfiles, char **files, cn_arena *a, cn_schema **out, cn_error *err);

/* A reader of one split, producing batches of the requested columns. */
typedef struct cn_csv_reader cn_csv_reader;
cn_csv_reader *cn_csv_open(const char *path, int64_t start, int64_t length, const cn_csv_options *o,
                           const cn_schema *file_schema, int ncols, const int *cols, cn_error *err);
/* Fill `out` (ncols vectors, capacity CN_BATCH_SIZE, types of the requested columns) with up to
 * CN_BATCH_SIZE rows; returns the row count (0 at end) or -1 on error (FAILFAST errors name file and line).
 * String bytes are allocated in `a` (reset by the caller between batches). */
int cn_csv_read(cn_csv_reader *r, cn_batch *out, cn_arena *a, cn_error *err);
int64_t cn_csv_bytes_read(const cn_csv_reader *r);
/* False with multiLine, or for a compressed file: it must then be read by one split (start 0);
 * a reader opened at start > 0 returns no rows, and the reader at start 0 reads the whole file. */
bool cn_csv_splittable(const cn_csv_options *o, const char *path);
void cn_csv_close(cn_csv_reader *r);

#endif
