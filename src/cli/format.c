/*
 * format.c — printing results: table, tsv, csv, json and golden.
 *
 * Values print as Spark's CAST(x AS STRING) prints them (types/value.h).
 * NULL is "NULL" in table, tsv and golden output, empty in csv, null in json.
 * Text is UTF-8 in every format: bytes that are not UTF-8 (a CSV file in
 * another encoding) print as U+FFFD, one per maximal ill-formed subsequence,
 * as Spark's strings do when Java decodes them. JSON escapes '"', '\' and
 * control characters as Jackson does (\b \f \n \r \t, else \u00XX), so
 * every line is valid JSON; csv quotes fields with separators, quotes or line
 * breaks. tsv, table and golden output keep tabs and line breaks as they are,
 * as spark-sql prints rows (EXPLAIN's plan is one multi-line value): a
 * program that must split rows reliably reads csv or json.
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

/* The UTF-8 sequence at s[0..len): its length when well formed (> 0), else minus the length
 * of its maximal ill-formed prefix (Unicode's "maximal subpart", replaced by one U+FFFD). */
static int utf8_seq(const unsigned char *s, int len)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    int need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return -1;
    }
    for (int k = 1; k <= need; k++) {
        if (k >= len || s[k] < lo || s[k] > hi) return -k;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Write text, each ill-formed UTF-8 subsequence as U+FFFD and, when escape is given, each
 * byte escape() names (a control character, the separator) as the string it returns. */
static void put_text(FILE *out, const char *s, int len, const char *(*escape)(unsigned char c, char *tmp))
{
    const unsigned char *u = (const unsigned char *)s;
    int start = 0;
    char tmp[8];
    for (int i = 0; i < len;) {
        int n = u[i] < 0x80 ? 1 : utf8_seq(u + i, len - i);
        const char *rep = NULL;
        if (n < 0) rep = REPLACEMENT;
        else if (n == 1 && escape) rep = escape(u[i], tmp);
        if (!rep) {
            i += n;
            continue;
        }
        fwrite(s + start, 1, (size_t)(i - start), out);
        fputs(rep, out);
        i += n < 0 ? -n : n;
        start = i;
    }
    fwrite(s + start, 1, (size_t)(len - start), out);
}

static const char *escape_csv_quote(unsigned char c, char *tmp)
{
    CN_UNUSED(tmp);
    return c == '"' ? "\"\"" : NULL;
}

static void put_csv_field(FILE *out, const char *s, int len)
{
    bool quote = false;
    for (int i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = true;
    if (!quote) {
        put_text(out, s, len, NULL);
        return;
    }
    fputc('"', out);
    put_text(out, s, len, escape_csv_quote);
    fputc('"', out);
}

/* Jackson's escapes (Spark's JSON writer). */
static const char *escape_json(unsigned char c, char *tmp)
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default:
        if (c >= 0x20) return NULL;
        snprintf(tmp, 8, "\\u%04X", c);
        return tmp;
    }
}

static void put_json_string(FILE *out, const char *s, int len)
{
    fputc('"', out);
    put_text(out, s, len, escape_json);
    fputc('"', out);
}

static bool json_bare(cn_type t)
{
    return cn_type_is_numeric(t) || t.kind == CN_BOOLEAN;
}

/* Rows of the result as tab/comma separated lines. */
typedef enum { DELIM_TSV, DELIM_CSV, DELIM_GOLDEN } delim_kind;

static void print_delimited(FILE *out, const cn_result *r, delim_kind kind)
{
    const bool csv = kind == DELIM_CSV;
    const char sep = csv ? ',' : '\t';
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
                    put_text(out, s, len, NULL);
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

/* UTF-8 display width (code points; an ill-formed subsequence is its one U+FFFD). */
static int display_width(const char *s, int len)
{
    const unsigned char *u = (const unsigned char *)s;
    int w = 0;
    for (int i = 0; i < len; w++) {
        int n = u[i] < 0x80 ? 1 : utf8_seq(u + i, len - i);
        i += n < 0 ? -n : n;
    }
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
        fprintf(out, "%*s", width[c] - display_width(n, (int)strlen(n)), "");
        put_text(out, n, (int)strlen(n), NULL);
        fputc('|', out);
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
                put_text(out, s, len, NULL);
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
    case FMT_TSV: print_delimited(out, r, DELIM_TSV); break;
    case FMT_CSV:
        if (r->schema->n > 0) print_delimited(out, r, DELIM_CSV); /* a command: no header line */
        break;
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
        print_delimited(out, r, DELIM_GOLDEN);
    }
    fputs("\n\n", out);
}
