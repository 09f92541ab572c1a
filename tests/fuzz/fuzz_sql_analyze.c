/*
 * fuzz_sql_analyze.c — libFuzzer target for everything after the parser:
 * analysis, optimization, planning and a local run, through the public
 * session API (api/session.h) with spark.master=local[1].
 *
 * The input is SQL text. Only statements that parse as a query, or as EXPLAIN
 * of a query, are run (no CREATE/CACHE/SET: nothing touches the file system
 * or the session's state). The catalog holds a few temporary views over
 * inline tables, made once per process. A statement must return a result or
 * a classed error; ASan/UBSan catch the rest.
 */
#include "api/session.h"
#include "fuzz_common.h"
#include "sql/ast.h"

static cn_session *sess;

static void setup(void)
{
    cn_conf *c = cn_conf_new();
    cn_error err;
    cn_error_init(&err);
    cn_conf_set(c, "spark.master", "local[1]", &err);
    cn_conf_set(c, "spark.sql.shuffle.partitions", "2", &err);
    cn_conf_set(c, "spark.ui.enabled", "false", &err);
    cn_error_clear(&err);
    sess = cn_session_new(c, &err);
    cn_conf_free(c);
    if (!sess) fuzz_fail("cn_session_new");
    const char *views[] = {
        "CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a', 2.5D, DATE'2020-01-02', 1.50BD), "
        "(2, 'bb', NULL, NULL, NULL), (3, 'a', -1.0D, DATE'1999-12-31', -3.25BD) AS t(k, s, d, dt, m)",
        "CREATE TEMPORARY VIEW u AS SELECT * FROM VALUES (1, 10L, TIMESTAMP'2020-01-01 00:00:00'), "
        "(1, 20L, NULL), (4, NULL, TIMESTAMP'1970-01-01 00:00:01') AS u(k, v, ts)",
        "CREATE TEMPORARY VIEW e AS SELECT k, s FROM t WHERE false",
    };
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        cn_result *r = NULL;
        if (cn_session_sql(sess, views[i], &r, &err) != 0) fuzz_fail("setting up the views");
        cn_result_free(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    if (!sess) setup();
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    cn_arena *a = cn_arena_new("fuzz-analyze", NULL);
    cn_error err;
    cn_error_init(&err);
    cn_ast *ast = NULL;
    bool run = false;
    if (cn_sql_parse(s, a, &ast, &err) == 0) {
        const cn_ast *q = ast;
        if (q->kind == AST_EXPLAIN) q = q->u.explain.stmt;
        run = q && q->kind == AST_QUERY_STMT;
    }
    cn_error_clear(&err);
    cn_arena_free(a);
    if (run) {
        cn_result *r = NULL;
        int rc = cn_session_sql(sess, s, &r, &err);
        if (rc == 0 && !r) fuzz_fail("a query succeeded without a result");
        fuzz_check_status(rc, &err, "cn_session_sql");
        if (r) cn_result_free(r);
    }
    free(s);
    return 0;
}
