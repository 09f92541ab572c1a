/*
 * fuzz_sql.c — libFuzzer target for the SQL lexer and parser.
 *
 * The input is taken as SQL text (a NUL-terminated copy; text after an
 * embedded NUL is ignored, as C callers would see it). cn_sql_parse must
 * return an AST or a classed error ([PARSE_SYNTAX_ERROR],
 * [PARSE_EMPTY_STATEMENT], [FAILED_TO_PARSE_TOO_COMPLEX], ...); the same text
 * is then split with cn_sql_split and every statement is parsed on its own,
 * and cn_sql_char_index is checked against each error's position.
 */
#include "fuzz_common.h"
#include "sql/ast.h"

static void parse_one(const char *s)
{
    cn_arena *a = cn_arena_new("fuzz-sql", NULL);
    cn_error err;
    cn_error_init(&err);
    cn_ast *ast = NULL;
    int rc = cn_sql_parse(s, a, &ast, &err);
    if (rc == 0 && !ast) fuzz_fail("parse succeeded without a tree");
    if (rc == -1 && err.start >= 0) {
        int len = (int)strlen(s);
        if (err.start > len || err.stop > len + 1) fuzz_fail("error position beyond the text");
        (void)cn_sql_char_index(s, err.start);
    }
    fuzz_check_status(rc, &err, "cn_sql_parse");
    cn_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    parse_one(s);
    char **stmts = NULL;
    int n = cn_sql_split(s, &stmts);
    if (n < 0) fuzz_fail("negative statement count");
    for (int i = 0; i < n; i++) {
        if (n > 1) parse_one(stmts[i]);
        free(stmts[i]);
    }
    free(stmts);
    free(s);
    return 0;
}
