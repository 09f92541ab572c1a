/*
 * error.h — errors carrying a Spark error class.
 *
 * Every function that can fail returns int (0 ok, -1 failed) and fills a
 * caller-provided cn_error. The error has Spark's shape: an error class such as
 * "DIVIDE_BY_ZERO" or "UNRESOLVED_COLUMN.WITH_SUGGESTION", its SQLSTATE, the
 * JVM exception class Spark would raise (so golden output can print it), the
 * ordered message parameters, and for SQL text a query context (0-based
 * character start/stop indexes into the statement and the fragment).
 *
 * cn_error_set() looks up SQLSTATE, exception name and message template from
 * the table in error.c (CN_ERROR_CLASSES); unknown classes get "XX000".
 * Parameters are given as alternating key, value C strings ending in NULL:
 *     cn_error_set(err, "DIVIDE_BY_ZERO", "config", "\"spark.sql.ansi.enabled\"", NULL);
 * cn_error_message() renders Spark's message for humans: "[CLASS] text SQLSTATE: s" with
 * parameters substituted into the template ("<config>" placeholders; a sub-class's template is
 * the main class's and the sub-class's joined by a space, multi-line templates joined by
 * newlines, as Spark's error-conditions.json reader does; _LEGACY_ERROR_TEMP_* classes have no
 * "[CLASS]" prefix and no SQLSTATE). When the error knows its statement, the message ends with
 * Spark's query-context block:
 *   - an error with a query context (analysis and runtime errors, and parse errors that carry
 *     one): "== SQL (line L, position P) ==", the statement's lines around the fragment and a
 *     line of '^' under it (SQLQueryContext.summary);
 *   - a parse error with only a position (PARSE_SYNTAX_ERROR): " (line L, pos P)", a blank
 *     line, "== SQL ==", the statement with a "-----^^^" line under the offending line
 *     (ParseException.getMessage).
 * L and P are counted in the whole input when cn_error_origin() says where the statement
 * starts in it (cinder sql -e / -f / the REPL), else in the statement, as Spark does.
 */
#ifndef CN_ERROR_H
#define CN_ERROR_H

#include "base/base.h"

#define CN_ERR_MAX_PARAMS 8

typedef struct cn_error {
    bool set;
    char cls[96];       /* error class, e.g. "TABLE_OR_VIEW_NOT_FOUND" */
    char sqlstate[8];
    const char *exception; /* e.g. "org.apache.spark.sql.AnalysisException" */
    int nparams;
    char *keys[CN_ERR_MAX_PARAMS];
    char *vals[CN_ERR_MAX_PARAMS];
    /* query context: -1 when none */
    int start, stop;
    char *fragment;
    char *detail;       /* free text appended to the message (file name, line, ...) */
    /* for rendering the query-context block: the statement, the context's byte offsets in it,
     * a parse error's byte offset (-1 none), and where the statement starts in the input
     * (1-based line, 0-based column; line 0: not given, count in the statement) */
    char *sql;
    int bstart, bstop, bpos;
    int origin_line, origin_col;
} cn_error;

void cn_error_init(cn_error *e);
/* Release strings held by e and reset it. */
void cn_error_clear(cn_error *e);
/* Set class and parameters (key, value, ..., NULL). Returns -1 for `return cn_error_set(...)`. */
int cn_error_set(cn_error *e, const char *cls, ...);
/* Same, with a free-text detail appended after the templated message. */
int cn_error_setf_detail(cn_error *e, const char *cls, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Attach a query context unless one is set: start/stop are byte offsets (inclusive) into sql;
 * they are stored as character indexes, as Spark reports them. */
void cn_error_context(cn_error *e, const char *sql, int start, int stop);
/* Attach a parse error's position (byte offset of the offending token in sql) unless one is set. */
void cn_error_position(cn_error *e, const char *sql, int byte_offset);
/* Say where the statement the error came from starts in the whole input (line 1-based, column
 * 0-based), so the message counts lines and positions in the input, not in the statement. */
void cn_error_origin(cn_error *e, int line, int col);
/* Is cls in the table? Its SQLSTATE ("" for _LEGACY_ERROR_TEMP_*), exception and template. */
bool cn_error_class_info(const char *cls, const char **sqlstate, const char **exception, const char **tmpl);
/* Every class of the table, in order: returns the count, *out the i-th name. */
int cn_error_class_count(void);
const char *cn_error_class_name(int i);
/* Add free text detail (e.g. "file /x.csv, line 17"). */
void cn_error_detail(cn_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Human-readable "[CLASS] message. detail" into buf. Returns buf. */
const char *cn_error_message(const cn_error *e, char *buf, size_t cap);
/* Spark's golden-file JSON (errorClass, sqlState, messageParameters, queryContext). malloc'd. */
char *cn_error_json(const cn_error *e);
/* Copy src into dst (dst must be cleared or initialised). */
void cn_error_copy(cn_error *dst, const cn_error *src);
const char *cn_error_param(const cn_error *e, const char *key);

#endif
