/*
 * test_base.c — base/: the configuration registry's checks, the error table and how errors
 * render: Spark's templates filled in
 * (sub-classes as "<main> <sub>", multi-line templates joined by newlines, no prefix and no
 * SQLSTATE for _LEGACY_ERROR_TEMP_*), the query-context block of SQLQueryContext.summary and
 * the "== SQL ==" block of a ParseException, with lines counted in the whole input.
 * Expected texts are Spark's templates from its error-conditions.json and the example in
 * Spark's SQLQueryContext documentation. That every class raised in src/ has a row is checked
 * by tests/unit/check_error_classes.py, which scans the sources.
 * Also: owned working directories (workdir.c: unique names, held locks, the sweep of a dead
 * owner's directory next to a live one's, in child processes) and Spark's ${var}
 * substitution rules (cn_conf_substitute).
 */
#include "base/config.h"
#include "base/error.h"
#include "base/workdir.h"
#include "sql/ast.h"
#include "unit.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *render(cn_error *e)
{
    static char buf[8192];
    return cn_error_message(e, buf, sizeof buf);
}

TEST(table_rows_are_complete)
{
    /* every row: a template, and a SQLSTATE of five characters (none for legacy classes) */
    int n = cn_error_class_count();
    CHECK(n > 80);
    for (int i = 0; i < n; i++) {
        const char *cls = cn_error_class_name(i), *state, *exc, *tmpl;
        CHECK(cn_error_class_info(cls, &state, &exc, &tmpl));
        CHECK(tmpl && *tmpl);
        CHECK(exc && strncmp(exc, "org.apache.spark.", 17) == 0);
        if (strncmp(cls, "_LEGACY_ERROR_", 14) == 0) {
            CHECK_STR(state, "");
        } else {
            CHECK_INT(strlen(state), 5);
            for (const char *p = state; *p; p++) CHECK(isdigit((unsigned char)*p) || isupper((unsigned char)*p));
        }
        for (int j = 0; j < i; j++) CHECK(strcmp(cn_error_class_name(j), cls) != 0);
    }
    CHECK(!cn_error_class_info("NO_SUCH_CLASS", NULL, NULL, NULL));
}

TEST(sub_class_renders_main_and_sub_template)
{
    cn_error e;
    cn_error_init(&e);
    cn_error_set(&e, "DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN", "sqlExpr", "\"a\"", "filter", "\"a\"", "type", "\"INT\"",
                 NULL);
    CHECK_STR(render(&e), "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"a\" due to data type mismatch: "
                          "Filter expression \"a\" of type \"INT\" is not a boolean. SQLSTATE: 42K09");
    cn_error_set(&e, "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", "name", "limit", "expr", "\"-1\"", "v", "-1", NULL);
    CHECK_STR(render(&e), "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like expression \"-1\" is invalid. "
                          "The limit expression must be equal to or greater than 0, but got -1. SQLSTATE: 42K0E");
    /* a sub-class with an empty template leaves the main template and a space */
    cn_error_set(&e, "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "objectName", "`x`", NULL);
    CHECK_STR(render(&e), "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter with "
                          "name `x` cannot be resolved.  SQLSTATE: 42703");
    /* lines of a multi-line template are joined by newlines */
    cn_error_set(&e, "UNSUPPORTED_EXPR_FOR_OPERATOR", "invalidExprSqls", "\"sum(a)\"", NULL);
    CHECK_STR(render(&e), "[UNSUPPORTED_EXPR_FOR_OPERATOR] A query operator contains one or more unsupported "
                          "expressions.\nConsider to rewrite it to avoid window functions, aggregate functions, and "
                          "generator functions in the WHERE clause.\nInvalid expressions: [\"sum(a)\"] SQLSTATE: 42K0E");
    cn_error_set(&e, "NESTED_AGGREGATE_FUNCTION", NULL);
    CHECK_STR(render(&e), "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate function in the "
                          "argument of another aggregate function. Please use the inner aggregate function in a "
                          "sub-query. SQLSTATE: 42607");
    cn_error_clear(&e);
}

TEST(legacy_class_has_no_prefix_and_no_sqlstate)
{
    cn_error e;
    cn_error_init(&e);
    cn_error_set(&e, "_LEGACY_ERROR_TEMP_0029", "literal", "interval 1 month 1 day", NULL);
    CHECK_STR(e.sqlstate, "");
    CHECK_STR(render(&e), "Cannot mix year-month and day-time fields: interval 1 month 1 day.");
    char *json = cn_error_json(&e);
    CHECK(strstr(json, "sqlState") == NULL);
    free(json);
    cn_error_clear(&e);
}

TEST(docroot_is_spark_doc_root)
{
    cn_error e;
    cn_error_init(&e);
    cn_error_set(&e, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName", "`abs`", "expectedNum", "1", "actualNum",
                 "2", NULL);
    CHECK_STR(render(&e), "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `abs` requires 1 parameters but the actual number "
                          "is 2. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for "
                          "a fix. SQLSTATE: 42605");
    cn_error_clear(&e);
}

TEST(query_context_block)
{
    /* the example of Spark's SQLQueryContext.summary documentation; the fragment starts at
     * index 25, which Spark prints as position 26 (startPosition + 1; the comment there says 25
     * but draws the markers under index 25) */
    const char *sql = "SELECT '' AS five, i.f1, i.f1 - int('2') AS x FROM INT4_TBL i";
    const char *frag = strstr(sql, "i.f1 - int('2')");
    int start = (int)(frag - sql), stop = start + (int)strlen("i.f1 - int('2')") - 1;
    cn_error e;
    cn_error_init(&e);
    cn_error_set(&e, "DIVIDE_BY_ZERO", "config", "\"spark.sql.ansi.enabled\"", NULL);
    cn_error_context(&e, sql, start, stop);
    CHECK_INT(e.start, 25);
    CHECK_STR(e.fragment, "i.f1 - int('2')");
    CHECK_STR(render(&e), "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and "
                          "return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                          "this error. SQLSTATE: 22012\n"
                          "== SQL (line 1, position 26) ==\n"
                          "SELECT '' AS five, i.f1, i.f1 - int('2') AS x FROM INT4_TBL i\n"
                          "                         ^^^^^^^^^^^^^^^");
    /* the statement starts on line 3, column 4 of the input: lines and the first line's
     * position count in the input */
    cn_error_origin(&e, 3, 4);
    CHECK(strstr(render(&e), "== SQL (line 3, position 30) ==\n") != NULL);
    cn_error_clear(&e);

    /* more than 32 characters of text around the fragment are cut with "..." */
    sql = "SELECT aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, 1/0, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    start = (int)(strstr(sql, "1/0") - sql);
    cn_error_init(&e);
    cn_error_set(&e, "DIVIDE_BY_ZERO", "config", "\"spark.sql.ansi.enabled\"", NULL);
    cn_error_context(&e, sql, start, start + 2);
    const char *m = strstr(render(&e), "== SQL");
    CHECK_STR(m, "== SQL (line 1, position 54) ==\n"
                 "...aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, 1/0, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...\n"
                 "                                   ^^^");
    cn_error_clear(&e);

    /* a fragment over two lines: each line with its markers */
    sql = "SELECT a,\n  sum(\n b) FROM t";
    start = (int)(strstr(sql, "sum(") - sql);
    stop = (int)(strstr(sql, "b)") - sql) + 1;
    cn_error_init(&e);
    cn_error_set(&e, "NESTED_AGGREGATE_FUNCTION", NULL);
    cn_error_context(&e, sql, start, stop);
    m = strstr(render(&e), "== SQL");
    CHECK_STR(m, "== SQL (line 2, position 3) ==\n"
                 "  sum(\n"
                 "  ^^^^\n"
                 " b) FROM t\n"
                 "^^^");
    cn_error_clear(&e);
}

TEST(parse_error_block)
{
    cn_arena *a = cn_arena_new("test_base", NULL);
    cn_ast *ast;
    cn_error e;
    cn_error_init(&e);
    CHECK_INT(cn_sql_parse("SELEC 1", a, &ast, &e), -1);
    CHECK_STR(e.cls, "PARSE_SYNTAX_ERROR");
    CHECK(e.fragment == NULL); /* Spark's golden files show no queryContext for it */
    CHECK_STR(render(&e), "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n"
                          "\n"
                          "== SQL ==\n"
                          "SELEC 1\n"
                          "^^^");
    cn_error_clear(&e);
    CHECK_INT(cn_sql_parse("SELECT a\nFROM t\n) b", a, &ast, &e), -1);
    CHECK_STR(render(&e), "[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. SQLSTATE: 42601 (line 3, pos 0)\n"
                          "\n"
                          "== SQL ==\n"
                          "SELECT a\n"
                          "FROM t\n"
                          ") b\n"
                          "^^^");
    cn_error_clear(&e);
    CHECK_INT(cn_sql_parse("SELECT 1 +\n  ) FROM t\nLIMIT 1", a, &ast, &e), -1);
    cn_error_origin(&e, 10, 0);
    CHECK_STR(render(&e), "[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. SQLSTATE: 42601 (line 11, pos 2)\n"
                          "\n"
                          "== SQL ==\n"
                          "SELECT 1 +\n"
                          "  ) FROM t\n"
                          "--^^^\n"
                          "LIMIT 1");
    cn_error_clear(&e);
    cn_arena_free(a);
}

TEST(copy_keeps_the_statement)
{
    cn_error e, c;
    cn_error_init(&e);
    cn_error_set(&e, "DIVIDE_BY_ZERO", "config", "\"spark.sql.ansi.enabled\"", NULL);
    cn_error_context(&e, "SELECT 1/0", 7, 9);
    cn_error_copy(&c, &e);
    char b1[1024], b2[1024];
    CHECK_STR(cn_error_message(&c, b1, sizeof b1), cn_error_message(&e, b2, sizeof b2));
    cn_error_clear(&c);
    cn_error_clear(&e);
}

TEST(split_offsets)
{
    char **st;
    int *off;
    const char *script = "SELECT 1;\n  -- note\n  SELECT 2 ;; SELECT 3";
    int n = cn_sql_split_offsets(script, &st, &off);
    CHECK_INT(n, 3);
    CHECK_STR(st[1], "-- note\n  SELECT 2");
    CHECK_INT(off[0], 0);
    CHECK_INT(off[1], (int)(strstr(script, "-- note") - script));
    CHECK_INT(off[2], (int)(strstr(script, "SELECT 3") - script));
    for (int i = 0; i < n; i++) free(st[i]);
    free(st);
    free(off);
}

static bool zone_ok(const char *z) { return strcmp(z, "Mars/Base") != 0; }

TEST(settings_are_checked_by_the_registry)
{
    cn_conf *c = cn_conf_new();
    cn_error e;
    cn_error_init(&e);
    static const char *bad[][2] = {
        {"spark.sql.shuffle.partitions", "0"},   {"spark.sql.shuffle.partitions", "-2"},
        {"spark.sql.shuffle.partitions", "x"},   {"spark.sql.shuffle.partitions", ""},
        {"spark.task.maxFailures", "0"},         {"spark.io.compression.codec", "bogus"},
        {"spark.sql.ansi.enabled", "yes"},       {"spark.sql.autoBroadcastJoinThreshold", "10q"},
        {"", "x"},                               {"  ", "x"},
    };
    for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
        CHECK_INT(cn_conf_set(c, bad[i][0], bad[i][1], &e), -1);
        CHECK_STR(e.cls, "INVALID_CONF_VALUE");
        CHECK_STR(cn_error_param(&e, "confName"), bad[i][0]);
        CHECK_STR(cn_error_param(&e, "confValue"), bad[i][1]);
        CHECK(!cn_conf_is_set(c, bad[i][0]));
        cn_error_clear(&e);
    }
    CHECK_INT(cn_conf_set(c, "spark.sql.shuffle.partitions", "8", &e), 0);
    CHECK_INT(cn_conf_set(c, "spark.io.compression.codec", "ZSTD", &e), 0);
    CHECK_INT(cn_conf_set(c, "spark.sql.autoBroadcastJoinThreshold", "-1", &e), 0);
    CHECK_INT(cn_conf_set(c, "spark.some.unknown.key", "anything", &e), 0);
    CHECK(!e.set);
    /* time zones: checked once the session installs types/' resolver; settings made before
     * are checked again by cn_conf_validate */
    cn_conf_set_zone_check(NULL);
    CHECK_INT(cn_conf_set(c, "spark.sql.session.timeZone", "Mars/Base", &e), 0);
    cn_conf_set_zone_check(zone_ok);
    CHECK_INT(cn_conf_validate(c, &e), -1);
    CHECK_STR(e.cls, "INVALID_CONF_VALUE.TIME_ZONE");
    CHECK_STR(render(&e), "[INVALID_CONF_VALUE.TIME_ZONE] The value 'Mars/Base' in the config "
                          "\"spark.sql.session.timeZone\" is invalid. Cannot resolve the given timezone. "
                          "SQLSTATE: 22022");
    cn_error_clear(&e);
    CHECK_INT(cn_conf_set(c, "spark.sql.session.timeZone", "Mars/Base", &e), -1);
    cn_error_clear(&e);
    CHECK_INT(cn_conf_set(c, "spark.sql.session.timeZone", "UTC", &e), 0);
    CHECK_INT(cn_conf_validate(c, &e), 0);
    cn_conf_set_zone_check(NULL);
    CHECK_INT(cn_conf_set(c, "spark.sql.shuffle.partitions", "0", &e), -1);
    CHECK_STR(render(&e), "[INVALID_CONF_VALUE] The value '0' in the config \"spark.sql.shuffle.partitions\" is "
                          "invalid. The value of spark.sql.shuffle.partitions must be positive SQLSTATE: 22022");
    CHECK_STR(cn_conf_get(c, "spark.sql.shuffle.partitions"), "8");
    cn_error_clear(&e);
    cn_conf_free(c);
}

/* ------------------------------------------------ owned working directories (base/workdir) */

static bool is_dir(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

TEST(workdir_unique_locked_and_removed)
{
    const char *parent = "/tmp/cinder-test-workdir-a";
    cn_dir_remove_all(parent);
    cn_error err;
    cn_error_init(&err);
    cn_workdir *a = cn_workdir_create(parent, "cinder", &err);
    cn_workdir *b = cn_workdir_create(parent, "cinder", &err);
    CHECK(a && b);
    if (!a || !b) return;
    CHECK(strcmp(cn_workdir_path(a), cn_workdir_path(b)) != 0);
    /* "<parent>/cinder-" and 16 hex digits */
    CHECK_INT(strlen(cn_workdir_path(a)), strlen(parent) + strlen("/cinder-") + 16);
    char lock[4200];
    snprintf(lock, sizeof lock, "%s/owner.lock", cn_workdir_path(a));
    /* the lock is held: another open file description cannot take it, even in this process */
    int fd = open(lock, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK);
    close(fd);
    /* a sweep leaves live directories alone */
    CHECK_INT(cn_workdir_sweep(parent, "cinder"), 0);
    CHECK(is_dir(cn_workdir_path(a)) && is_dir(cn_workdir_path(b)));
    char *pa = cn_xstrdup(cn_workdir_path(a));
    cn_workdir_remove(a);
    CHECK(!is_dir(pa));
    free(pa);
    /* the shared one is made once, and made again when it is removed from under us */
    char s1[4096], s2[4096], s3[4096];
    CHECK_INT(cn_workdir_shared(parent, "cinder", s1, sizeof s1, &err), 0);
    CHECK_INT(cn_workdir_shared(parent, "cinder", s2, sizeof s2, &err), 0);
    CHECK_STR(s1, s2);
    cn_dir_remove_all(s1);
    CHECK_INT(cn_workdir_shared(parent, "cinder", s3, sizeof s3, &err), 0);
    CHECK(strcmp(s1, s3) != 0 && is_dir(s3));
    cn_workdir_remove(b);
    cn_error_clear(&err);
    cn_workdir_remove_owned();
    CHECK_INT(rmdir(parent), 0); /* everything owned is gone: the parent is empty */
}

TEST(workdir_sweep_dead_keep_live)
{
    const char *parent = "/tmp/cinder-test-workdir-b";
    cn_dir_remove_all(parent);
    mkdir(parent, 0700);
    /* a live owner in another process, and a dead one (killed with SIGKILL) */
    char live[4096] = "", dead[4096] = "";
    char *paths[2] = {live, dead};
    int go[2][2];
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        int ready[2];
        CHECK_INT(pipe(go[k]), 0);
        CHECK_INT(pipe(ready), 0);
        kids[k] = fork();
        if (kids[k] == 0) {
            close(go[k][1]);
            if (k == 1) close(go[0][1]);
            cn_error e;
            cn_error_init(&e);
            cn_workdir *w = cn_workdir_create(parent, "cinder", &e);
            const char *p = w ? cn_workdir_path(w) : "";
            if (write(ready[1], p, strlen(p) + 1) < 0) _exit(1);
            char c;
            if (read(go[k][0], &c, 1) < 0) _exit(1);
            _exit(0); /* no atexit: the directory stays, as after a crash */
        }
        close(ready[1]);
        close(go[k][0]);
        ssize_t n = read(ready[0], paths[k], 4095);
        CHECK(n > 1);
        close(ready[0]);
    }
    kill(kids[1], SIGKILL);
    waitpid(kids[1], NULL, 0);
    close(go[1][1]);
    /* a directory without a lock file, fresh (maybe being created) and old (left half-removed) */
    char fresh[4200], old[4200];
    snprintf(fresh, sizeof fresh, "%s/cinder-00112233445566aa", parent);
    snprintf(old, sizeof old, "%s/cinder-00112233445566bb", parent);
    mkdir(fresh, 0700);
    mkdir(old, 0700);
    struct timespec ts[2] = {{.tv_sec = time(NULL) - 3600}, {.tv_sec = time(NULL) - 3600}};
    utimensat(AT_FDCWD, old, ts, 0);
    /* a directory of another name is never touched */
    char other[4200];
    snprintf(other, sizeof other, "%s/cinder-1-1", parent);
    mkdir(other, 0700);
    CHECK(is_dir(live) && is_dir(dead));
    CHECK_INT(cn_workdir_sweep(parent, "cinder"), 2);
    CHECK(is_dir(live));
    CHECK(!is_dir(dead));
    CHECK(is_dir(fresh));
    CHECK(!is_dir(old));
    CHECK(is_dir(other));
    /* the live owner ends (without removing its directory): the next sweep takes it */
    close(go[0][1]);
    waitpid(kids[0], NULL, 0);
    CHECK_INT(cn_workdir_sweep(parent, "cinder"), 1);
    CHECK(!is_dir(live));
    cn_dir_remove_all(parent);
}

/* ------------------------------------------- variable substitution (base/config, Spark's rules) */

TEST(conf_substitute)
{
    cn_conf *c = cn_conf_new();
    cn_error err;
    cn_error_init(&err);
    char *out;
    CHECK_INT(cn_conf_set(c, "a", "1${b}", &err), 0);
    CHECK_INT(cn_conf_set(c, "b", "2", &err), 0);
    /* nested references are substituted again; unknown prefixes and bad forms stay */
    CHECK_INT(cn_conf_substitute(c, "x${a}y ${hivevar:b} ${foo:a} ${} ${a b} $", 1000, &out, &err), 0);
    CHECK_STR(out, "x12y 2 ${foo:a} ${} ${a b} $");
    free(out);
    setenv("CINDER_TEST_SUBST", "env!", 1);
    unsetenv("CINDER_TEST_SUBST_UNSET");
    CHECK_INT(cn_conf_substitute(c, "${env:CINDER_TEST_SUBST}${env:CINDER_TEST_SUBST_UNSET}", 1000, &out, &err), 0);
    CHECK_STR(out, "env!${env:CINDER_TEST_SUBST_UNSET}");
    free(out);
    /* a circular reference is an error, as Spark's require(...) */
    CHECK_INT(cn_conf_set(c, "b", "${a}", &err), 0);
    CHECK_INT(cn_conf_substitute(c, "SELECT '${a}'", 1000, &out, &err), -1);
    CHECK_STR(err.cls, "ILLEGAL_ARGUMENT");
    CHECK(strstr(cn_error_param(&err, "message"), "Circular reference in ${a}: a") != NULL);
    cn_error_clear(&err);
    /* doubling at every level stops at the bound instead of filling memory */
    CHECK_INT(cn_conf_set(c, "d0", "xxxxxxxxxxxxxxxx", &err), 0);
    char k[16], v[32];
    for (int i = 1; i < 30; i++) {
        snprintf(k, sizeof k, "d%d", i);
        snprintf(v, sizeof v, "${d%d}${d%d}", i - 1, i - 1);
        CHECK_INT(cn_conf_set(c, k, v, &err), 0);
    }
    CHECK_INT(cn_conf_substitute(c, "${d29}", 1 << 20, &out, &err), -1);
    CHECK_STR(err.cls, "ILLEGAL_ARGUMENT");
    cn_error_clear(&err);
    /* off: the text as it is */
    CHECK_INT(cn_conf_set(c, "spark.sql.variable.substitute", "false", &err), 0);
    CHECK_INT(cn_conf_substitute(c, "${a}", 1000, &out, &err), 0);
    CHECK_STR(out, "${a}");
    free(out);
    cn_conf_free(c);
}

/* spark.sql.caseSensitive: accepted both ways (no longer refused); identifiers compare as
 * Spark's resolvers do (caseInsensitiveResolution / caseSensitiveResolution). */
TEST(case_sensitive_setting_and_identifier_comparison)
{
    cn_conf *c = cn_conf_new();
    cn_error e;
    cn_error_init(&e);
    CHECK(!cn_conf_case_sensitive(c));
    CHECK(!cn_conf_case_sensitive(NULL));
    CHECK_INT(cn_conf_set(c, "spark.sql.caseSensitive", "true", &e), 0);
    CHECK(cn_conf_case_sensitive(c));
    CHECK_INT(cn_conf_set(c, "spark.sql.caseSensitive", "FALSE", &e), 0);
    CHECK(!cn_conf_case_sensitive(c));
    CHECK_INT(cn_conf_set(c, "spark.sql.caseSensitive", "yes", &e), -1);
    CHECK_STR(e.cls, "INVALID_CONF_VALUE");
    CHECK(cn_ident_eq(false, "Col", "cOL"));
    CHECK(!cn_ident_eq(true, "Col", "cOL"));
    CHECK(cn_ident_eq(true, "Col", "Col"));
    CHECK(!cn_ident_eq(false, "a", "ab"));
    CHECK(!cn_ident_eq(false, NULL, "a"));
    CHECK(!cn_ident_eq(true, NULL, NULL));
    cn_error_clear(&e);
    cn_conf_free(c);
}
