/*
 * format.c — printing results: table, tsv, csv, json and golden.
 *
 * Values print as Spark's CAST(x AS STRING) prints them (types/value.h).
 * NULL is "NULL" in table, tsv and golden output, empty in csv, null in json.
 * The golden format writes each statement as a block of Spark's
 * SQLQueryTestSuite .sql.out files: the query, its schema as
 * struct<name:type,...> (struct<> for commands and errors), and its rows or
 * the error's exception class and JSON, so any golden-file runner can drive
 * the shell.
 */
#include "cli/cli.h"

#include "base/strbuf.h"
#include "types/value.h"

#include <stdio.h>

typedef struct cell_buf {
    char *s;
    int cap;
} cell_buf;

/* Intervals print as spark-sql and Spark's golden files print them (HiveResult's style),
 * not as CAST(x AS STRING): day-time "3 00:00:00.000000000", year-month "1-2". */
static int hive_interval(const cn_vector *v, int row, char *buf, int cap)
{
    if (v->type.kind == CN_INTERVAL_YM) {
        int32_t m = ((const int32_t *)v->data)[row];
        int64_t am = m < 0 ? -(int64_t)m : m;
        return snprintf(buf, (size_t)cap, "%s%lld-%lld", m < 0 ? "-" : "", (long long)(am / 12), (long long)(am % 12));
    }
    int64_t us = ((const int64_t *)v->data)[row];
    uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    uint64_t secs = a / 1000000, frac = a % 1000000;
    return snprintf(buf, (size_t)cap, "%s%llu %02llu:%02llu:%02llu.%06llu000", us < 0 ? "-" : "",
                    (unsigned long long)(secs / 86400), (unsigned long long)(secs / 3600 % 24),
                    (unsigned long long)(secs / 60 % 60), (unsigned long long)(secs % 60), (unsigned long long)frac);
}

static const char *cell(const cn_batch *b, int col, int row, cell_buf *cb, int *len)
{
    const cn_vector *v = &b->cols[col];
    if (!cn_vec_valid(v, row)) {
        *len = -1;
        return NULL;
    }
    if (v->type.kind == CN_STRING) {
        const cn_str *s = &((const cn_str *)v->data)[row];
        *len = (int)s->len;
        return cn_str_data(s);
    }
    if (!cb->s) {
        cb->cap = 128;
        cb->s = cn_xmalloc((size_t)cb->cap);
    }
    if (v->type.kind == CN_INTERVAL_DT || v->type.kind == CN_INTERVAL_YM) {
        *len = hive_interval(v, row, cb->s, cb->cap);
        return cb->s;
    }
    int n = cn_format_value(v, row, cb->s, cb->cap);
    if (n >= cb->cap) {
        cb->cap = n + 1;
        cb->s = cn_xrealloc(cb->s, (size_t)cb->cap);
        n = cn_format_value(v, row, cb->s, cb->cap);
    }
    *len = n;
    return cb->s;
}

static void put_csv_field(FILE *out, const char *s, int len)
{
    bool quote = false;
    for (int i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = true;
    if (!quote) {
        fwrite(s, 1, (size_t)len, out);
        return;
    }
    fputc('"', out);
    for (int i = 0; i < len; i++) {
        if (s[i] == '"') fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

static void put_json_string(FILE *out, const char *s, int len)
{
    fputc('"', out);
    for (int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c == '\t') fputs("\\t", out);
        else if (c == '\r') fputs("\\r", out);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static bool json_bare(cn_type t)
{
    return cn_type_is_numeric(t) || t.kind == CN_BOOLEAN;
}

/* Rows of the result as tab/comma separated lines. */
static void print_delimited(FILE *out, const cn_result *r, char sep, bool csv)
{
    cell_buf cb = {0};
    if (csv) {
        for (int c = 0; c < r->schema->n; c++) {
            if (c) fputc(',', out);
            put_csv_field(out, r->schema->fields[c].name, (int)strlen(r->schema->fields[c].name));
        }
        fputc('\n', out);
    }
    for (int bi = 0; bi < r->nbatches; bi++) {
        const cn_batch *b = r->batches[bi];
        int live = cn_batch_live(b);
        for (int i = 0; i < live; i++) {
            int row = cn_batch_row(b, i);
            for (int c = 0; c < b->ncols; c++) {
                if (c) fputc(sep, out);
                int len;
                const char *s = cell(b, c, row, &cb, &len);
                if (len < 0) {
                    if (!csv) fputs("NULL", out);
                } else if (csv) {
                    put_csv_field(out, s, len);
                } else {
                    fwrite(s, 1, (size_t)len, out);
                }
            }
            fputc('\n', out);
        }
    }
    free(cb.s);
}

static void print_json(FILE *out, const cn_result *r)
{
    cell_buf cb = {0};
    for (int bi = 0; bi < r->nbatches; bi++) {
        const cn_batch *b = r->batches[bi];
        int live = cn_batch_live(b);
        for (int i = 0; i < live; i++) {
            int row = cn_batch_row(b, i);
            fputc('{', out);
            for (int c = 0; c < b->ncols; c++) {
                if (c) fputc(',', out);
                const char *name = r->schema->fields[c].name;
                put_json_string(out, name, (int)strlen(name));
                fputc(':', out);
                int len;
                const char *s = cell(b, c, row, &cb, &len);
                if (len < 0) fputs("null", out);
                else if (json_bare(b->cols[c].type) && strcmp(s, "NaN") != 0 && strstr(s, "Infinity") == NULL)
                    fwrite(s, 1, (size_t)len, out);
                else put_json_string(out, s, len);
            }
            fputs("}\n", out);
        }
    }
    free(cb.s);
}

/* UTF-8 display width (code points). */
static int display_width(const char *s, int len)
{
    int w = 0;
    for (int i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}

/* Spark's Dataset.show layout: +---+ borders, right-aligned cells, strings cut at 20 chars. */
static void print_table(FILE *out, const cn_result *r)
{
    int nc = r->schema->n;
    if (nc == 0) return;
    int *width = cn_xcalloc((size_t)nc, sizeof(int));
    cell_buf cb = {0};
    for (int c = 0; c < nc; c++) width[c] = CN_MAX(3, display_width(r->schema->fields[c].name, (int)strlen(r->schema->fields[c].name)));
    for (int bi = 0; bi < r->nbatches; bi++) {
        const cn_batch *b = r->batches[bi];
        for (int i = 0; i < cn_batch_live(b); i++)
            for (int c = 0; c < nc; c++) {
                int len;
                const char *s = cell(b, c, cn_batch_row(b, i), &cb, &len);
                int w = len < 0 ? 4 : display_width(s, len);
                if (w > width[c]) width[c] = w;
            }
    }
    cn_strbuf sep;
    cn_sb_init(&sep);
    cn_sb_putc(&sep, '+');
    for (int c = 0; c < nc; c++) {
        for (int k = 0; k < width[c]; k++) cn_sb_putc(&sep, '-');
        cn_sb_putc(&sep, '+');
    }
    fprintf(out, "%s\n|", sep.s);
    for (int c = 0; c < nc; c++) {
        const char *n = r->schema->fields[c].name;
        fprintf(out, "%*s%s|", width[c] - display_width(n, (int)strlen(n)), "", n);
    }
    fprintf(out, "\n%s\n", sep.s);
    for (int bi = 0; bi < r->nbatches; bi++) {
        const cn_batch *b = r->batches[bi];
        for (int i = 0; i < cn_batch_live(b); i++) {
            fputc('|', out);
            for (int c = 0; c < nc; c++) {
                int len;
                const char *s = cell(b, c, cn_batch_row(b, i), &cb, &len);
                if (len < 0) {
                    s = "NULL";
                    len = 4;
                }
                fprintf(out, "%*s", width[c] - display_width(s, len), "");
                fwrite(s, 1, (size_t)len, out);
                fputc('|', out);
            }
            fputc('\n', out);
        }
    }
    fprintf(out, "%s\n", sep.s);
    cn_sb_free(&sep);
    free(cb.s);
    free(width);
}

void cli_print_result(FILE *out, const cn_result *r, cli_format fmt)
{
    switch (fmt) {
    case FMT_TABLE:
        if (r->is_query || r->nrows > 0) print_table(out, r);
        break;
    case FMT_TSV: print_delimited(out, r, '\t', false); break;
    case FMT_CSV: print_delimited(out, r, ',', true); break;
    case FMT_JSON: print_json(out, r); break;
    case FMT_GOLDEN: break; /* see cli_print_golden */
    }
}

static void schema_line(FILE *out, const cn_result *r)
{
    cn_arena *a = cn_arena_new("golden", NULL);
    fprintf(out, "%s\n", cn_schema_struct_string(a, r->schema));
    cn_arena_free(a);
}

void cli_print_golden(FILE *out, const char *sql, const cn_result *r, const cn_error *err)
{
    fprintf(out, "-- !query\n%s\n-- !query schema\n", sql);
    if (err) {
        fputs("struct<>\n-- !query output\n", out);
        char *json = cn_error_json(err);
        fprintf(out, "%s\n%s\n", err->exception ? err->exception : "org.apache.spark.SparkException", json);
        free(json);
    } else if (!r->is_query && r->schema->n == 0) {
        fputs("struct<>\n-- !query output\n", out);
    } else {
        schema_line(out, r);
        fputs("-- !query output\n", out);
        print_delimited(out, r, '\t', false);
    }
    fputs("\n\n", out);
}
