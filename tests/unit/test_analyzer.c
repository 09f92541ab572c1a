/*
 * test_analyzer.c — the analyzer: name resolution, generated column names,
 * Spark's error classes with their parameters and query contexts (expected
 * values from Spark's documentation and golden files), aggregates, ORDER BY,
 * set operations, CTEs, views with fresh ids, and subqueries.
 */
#include "unit.h"

#include "plan_fixture.h"

static void fx_init(fx *f)
{
    fx_init_empty(f);
    fx_add(f, "t", "a int,b string,c double");
    fx_add(f, "s", "a int,d bigint");
    fx_add(f, "testdata", "a int,b int");
}

/* analyze sql; returns 0 or -1 (error in f->err), -2 for a parse error */
static int run(fx *f, const char *sql) { return fx_run(f, sql, false); }

static const char *param(fx *f, const char *k)
{
    const char *v = cn_error_param(&f->err, k);
    return v ? v : "(none)";
}

TEST(select_columns_and_names)
{
    fx f;
    fx_init(&f);
    CHECK_INT(run(&f, "SELECT a, b AS bee, a + 1, c * 2 FROM t WHERE a > 1"), 0);
    CHECK_STR(f.schema, "a: int, bee: string, (a + 1): int, (c * 2): double");
    CHECK(strstr(f.explain, "Filter") != NULL);
    CHECK_INT(run(&f, "SELECT * FROM t"), 0);
    CHECK_STR(f.schema, "a: int, b: string, c: double");
    CHECK_INT(run(&f, "SELECT t.*, s.d FROM t, s WHERE t.a = s.a"), 0);
    CHECK_STR(f.schema, "a: int, b: string, c: double, d: bigint");
    CHECK_INT(run(&f, "SELECT A, T.B FROM T"), 0); /* case-insensitive names keep the schema's case */
    CHECK_STR(f.schema, "a: int, b: string");
    CHECK_INT(run(&f, "SELECT 1, 'x', 1.5, 2147483648, NULL"), 0);
    CHECK_STR(f.schema, "1: int, x: string, 1.5: decimal(2,1), 2147483648: bigint, NULL: void");
    fx_free(&f);
}

TEST(unresolved_column_with_suggestion)
{
    fx f;
    fx_init(&f);
    /* Spark: objectName `non_existing`, proposal "`a`, `b`", context at the column */
    const char *q = "SELECT a AS k, COUNT(non_existing) FROM testData GROUP BY k";
    CHECK_INT(run(&f, q), -1);
    CHECK_STR(f.err.cls, "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    CHECK_STR(param(&f, "objectName"), "`non_existing`");
    CHECK_STR(param(&f, "proposal"), "`a`, `b`");
    CHECK_INT(f.err.start, 21);
    CHECK_INT(f.err.stop, 32);
    CHECK_STR(f.err.fragment, "non_existing");
    fx_free(&f);
}

TEST(table_not_found_and_ambiguous)
{
    fx f;
    fx_init(&f);
    CHECK_INT(run(&f, "SELECT * FROM nope"), -1);
    CHECK_STR(f.err.cls, "TABLE_OR_VIEW_NOT_FOUND");
    CHECK_STR(param(&f, "relationName"), "`nope`");
    CHECK_INT(f.err.start, 14);
    CHECK_INT(f.err.stop, 17);
    CHECK_INT(run(&f, "SELECT a FROM t, s"), -1);
    CHECK_STR(f.err.cls, "AMBIGUOUS_REFERENCE");
    CHECK_STR(param(&f, "name"), "`a`");
    /* Spark's ambiguousReferenceError sorts the candidates' names */
    CHECK_STR(param(&f, "referenceNames"), "[`s`.`a`, `t`.`a`]");
    /* cte.sql: a CTE cannot see itself */
    CHECK_INT(run(&f, "WITH q AS (SELECT 1 FROM q) SELECT * FROM q"), -1);
    CHECK_STR(f.err.cls, "TABLE_OR_VIEW_NOT_FOUND");
    CHECK_INT(f.err.start, 25);
    fx_free(&f);
}

TEST(aggregates)
{
    fx f;
    fx_init(&f);
    CHECK_INT(run(&f, "SELECT a, COUNT(b) FROM testData GROUP BY a"), 0);
    CHECK_STR(f.schema, "a: int, count(b): bigint");
    CHECK(strstr(f.explain, "Aggregate [a#") != NULL);
    CHECK_INT(run(&f, "SELECT a + 1 + 1, COUNT(b) FROM testData GROUP BY a + 1"), 0);
    CHECK_STR(f.schema, "((a + 1) + 1): int, count(b): bigint");
    /* group-by.sql */
    CHECK_INT(run(&f, "SELECT a, COUNT(b) FROM testData"), -1);
    CHECK_STR(f.err.cls, "MISSING_GROUP_BY");
    CHECK_INT(run(&f, "SELECT COUNT(a), b FROM testData GROUP BY a"), -1);
    CHECK_STR(f.err.cls, "MISSING_AGGREGATION");
    CHECK_STR(param(&f, "expression"), "\"b\"");
    CHECK_STR(param(&f, "expressionAnyValue"), "\"any_value(b)\"");
    CHECK_INT(run(&f, "SELECT a AS k, COUNT(b) FROM testData GROUP BY k HAVING k > 1"), 0);
    CHECK_INT(run(&f, "SELECT a, COUNT(b) FROM testData GROUP BY 1"), 0);
    CHECK_INT(run(&f, "SELECT a, COUNT(b) FROM testData GROUP BY 3"), -1);
    CHECK_STR(f.err.cls, "GROUP_BY_POS_OUT_OF_RANGE");
    CHECK_STR(param(&f, "index"), "3");
    CHECK_STR(param(&f, "size"), "2");
    CHECK_INT(run(&f, "SELECT a FROM testData WHERE COUNT(b) > 1"), -1);
    CHECK_STR(f.err.cls, "INVALID_WHERE_CONDITION");
    CHECK_INT(run(&f, "SELECT COUNT(b) FROM testData GROUP BY COUNT(a)"), -1);
    CHECK_STR(f.err.cls, "GROUP_BY_AGGREGATE");
    /* HAVING with an aggregate not in the select list: hidden output projected away */
    CHECK_INT(run(&f, "SELECT a FROM testData GROUP BY a HAVING SUM(b) > 2"), 0);
    CHECK_STR(f.schema, "a: int");
    CHECK(strstr(f.explain, "Project [a#") != NULL);
    CHECK_INT(run(&f, "SELECT DISTINCT a FROM testData"), 0);
    CHECK(strstr(f.explain, "Aggregate") != NULL);
    CHECK_INT(run(&f, "SELECT a, b FROM testData GROUP BY ALL"), 0);
    CHECK(strstr(f.explain, "Aggregate [a#") != NULL);
    fx_free(&f);
}

TEST(order_by)
{
    fx f;
    fx_init(&f);
    /* order-by-ordinal.sql */
    CHECK_INT(run(&f, "select * from testData order by 0"), -1);
    CHECK_STR(f.err.cls, "ORDER_BY_POS_OUT_OF_RANGE");
    CHECK_STR(param(&f, "index"), "0");
    CHECK_STR(param(&f, "size"), "2");
    CHECK_INT(f.err.start, 32);
    CHECK_INT(run(&f, "SELECT b FROM t ORDER BY a DESC"), 0); /* hidden input column */
    CHECK_STR(f.schema, "b: string");
    CHECK(strstr(f.explain, "Sort [a#") != NULL);
    CHECK_INT(run(&f, "SELECT a, count(*) AS n FROM t GROUP BY a ORDER BY n DESC, max(c) LIMIT 3"), 0);
    CHECK_STR(f.schema, "a: int, n: bigint");
    CHECK(strstr(f.explain, "GlobalLimit 3") != NULL);
    fx_free(&f);
}

TEST(joins_using_setops_values)
{
    fx f;
    fx_init(&f);
    CHECK_INT(run(&f, "SELECT * FROM t JOIN s USING (a)"), 0);
    CHECK_STR(f.schema, "a: int, b: string, c: double, d: bigint");
    CHECK_INT(run(&f, "SELECT s.a, t.a FROM t FULL JOIN s USING (a)"), 0);
    CHECK_INT(run(&f, "SELECT * FROM t NATURAL JOIN s"), 0);
    CHECK_STR(f.schema, "a: int, b: string, c: double, d: bigint");
    CHECK_INT(run(&f, "SELECT a FROM t UNION SELECT d FROM s"), 0);
    CHECK_STR(f.schema, "a: bigint");
    CHECK_INT(run(&f, "SELECT a, b FROM t UNION ALL SELECT a FROM s"), -1);
    CHECK_STR(f.err.cls, "NUM_COLUMNS_MISMATCH");
    CHECK_STR(param(&f, "firstNumColumns"), "2");
    CHECK_STR(param(&f, "invalidNumColumns"), "1");
    CHECK_INT(run(&f, "select * from values (\"one\", 1), (\"two\", 2L) as data(a, b)"), 0);
    CHECK_STR(f.schema, "a: string, b: bigint");
    /* the parser or the analyzer reports it (Spark: a ParseException) */
    CHECK(run(&f, "select * from values (\"one\", 2.0), (\"two\") as data(a, b)") < 0);
    CHECK_STR(f.err.cls, "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH");
    CHECK_STR(param(&f, "rowIndex"), "1");
    CHECK_INT(run(&f, "select * from values 1, 2, 3 as data(a)"), 0);
    CHECK(f.plan->kind == LP_PROJECT || f.plan->kind == LP_LOCAL);
    CHECK_INT(run(&f, "SELECT a FROM t INTERSECT SELECT a FROM s"), 0);
    CHECK(strstr(f.explain, "Intersect false") != NULL);
    fx_free(&f);
}

TEST(ctes_views_and_typed_literals)
{
    fx f;
    fx_init(&f);
    CHECK_INT(run(&f, "WITH x AS (SELECT a FROM t) SELECT * FROM x x1 JOIN x x2 ON x1.a = x2.a"), 0);
    /* both sides of a CTE self-join have distinct attribute ids */
    const cn_lplan *p = f.plan;
    while (p->kind != LP_JOIN) p = p->children[0];
    CHECK(p->children[0]->out[0].id != p->children[1]->out[0].id);
    CHECK_INT(run(&f, "SELECT DATE '2020-01-01', TIMESTAMP '2020-01-01 10:00:00'"), 0);
    CHECK(run(&f, "SELECT date '2020-01-01中文'") < 0);
    CHECK_STR(f.err.cls, "INVALID_TYPED_LITERAL");
    CHECK_STR(param(&f, "valueType"), "\"DATE\"");
    CHECK_STR(param(&f, "value"), "'2020-01-01中文'");
    CHECK_INT(run(&f, "SELECT INTERVAL '3' DAY, INTERVAL 2 MONTH"), 0);
    fx_free(&f);
}

TEST(subqueries)
{
    fx f;
    fx_init(&f);
    CHECK_INT(run(&f, "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM s WHERE s.a = t.a)"), 0);
    CHECK(strstr(f.explain, "exists") != NULL || strstr(f.explain, "Filter") != NULL);
    CHECK_INT(run(&f, "SELECT a FROM t WHERE a IN (SELECT d FROM s)"), 0);
    CHECK_INT(run(&f, "SELECT a, (SELECT max(d) FROM s WHERE s.a = t.a) FROM t"), 0);
    CHECK_INT(run(&f, "SELECT a FROM t WHERE (a, c) IN (SELECT a, d FROM s)"), 0);
    CHECK_INT(run(&f, "SELECT a FROM t WHERE a = (SELECT a, d FROM s)"), -1);
    fx_free(&f);
}

/* Expected names and error classes below come from Spark's golden files
 * (group-by.sql, count.sql, having.sql, inline-table.sql, predicate-functions.sql,
 * scalar-subquery-select.sql). */
TEST(session_flags_and_count_forms)
{
    fx f;
    fx_init(&f);
    cn_conf_set(f.conf, "spark.sql.groupByAliases", "false", &f.err);
    CHECK_INT(run(&f, "SELECT a AS k, COUNT(b) FROM testData GROUP BY k"), -1);
    CHECK_STR(f.err.cls, "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    CHECK_STR(param(&f, "proposal"), "`a`, `b`");
    cn_conf_set(f.conf, "spark.sql.legacy.parser.havingWithoutGroupByAsWhere", "true", &f.err);
    CHECK_INT(run(&f, "SELECT a FROM testData HAVING MAX(a) > 0"), -1);
    CHECK_STR(f.err.cls, "INVALID_WHERE_CONDITION");
    CHECK_INT(run(&f, "SELECT a FROM testData HAVING a > 0"), 0);
    CHECK(strstr(f.explain, "Aggregate") == NULL);
    CHECK_INT(run(&f, "SELECT count() FROM testData"), -1);
    CHECK_STR(f.err.cls, "WRONG_NUM_ARGS.WITH_SUGGESTION");
    CHECK_STR(param(&f, "legacyConfKey"), "\"spark.sql.legacy.allowParameterlessCount\"");
    CHECK_INT(run(&f, "SELECT count(testData.*) FROM testData"), -1);
    CHECK_STR(f.err.cls, "_LEGACY_ERROR_TEMP_1021");
    CHECK_STR(param(&f, "targetString"), "testData");
    CHECK_INT(run(&f, "SELECT count(DISTINCT *), count(a, b), count(testData.*, testData.*) FROM testData"), 0);
    CHECK_STR(f.schema, "count(DISTINCT a, b): bigint, count(a, b): bigint, count(a, b, a, b): bigint");
    /* GROUP BY a constant stays a grouped aggregate (no row for an empty input) */
    CHECK_INT(run(&f, "SELECT 'foo' FROM testData WHERE a = 0 GROUP BY 1"), 0);
    CHECK(strstr(f.explain, "Aggregate [foo]") != NULL);
    fx_free(&f);
}

TEST(names_literals_and_inline_tables)
{
    fx f;
    fx_init(&f);
    CHECK_INT(run(&f, "SELECT a BETWEEN 1 AND 2, a NOT BETWEEN 1 AND 2 FROM t"), 0);
    CHECK_STR(f.schema, "between(a, 1, 2): boolean, (NOT between(a, 1, 2)): boolean");
    CHECK_INT(run(&f, "SELECT 20E2BD, 1.5E1BD"), 0);
    CHECK_STR(f.schema, "2000: decimal(4,0), 15: decimal(2,0)");
    CHECK_INT(run(&f, "SELECT * FROM VALUES ('one', 1 AS one) AS data(a, b)"), 0);
    CHECK_STR(f.schema, "a: string, b: int");
    CHECK_INT(run(&f, "SELECT a FROM VALUES ('one', current_timestamp) AS data(a, b)"), 0);
    CHECK_INT(run(&f, "SELECT a, (SELECT max(d) FROM s WHERE s.a > t.a AND s.d < t.c) FROM t"), 0);
    CHECK_STR(f.schema, "a: int, scalarsubquery(a, c): bigint");
    CHECK_INT(run(&f, "SELECT a, (SELECT a) FROM t"), 0);
    CHECK_STR(f.schema, "a: int, scalarsubquery(a): int");
    fx_free(&f);
}

TEST(grouping_sets)
{
    fx f;
    fx_init(&f);
    /* an Aggregate by the NULLed columns and the grouping id over a UNION ALL of one
     * Project per set (Spark's Expand) */
    CHECK_INT(run(&f, "SELECT a, b, count(*) FROM testData GROUP BY CUBE(a, b)"), 0);
    CHECK_STR(f.schema, "a: int, b: int, count(1): bigint");
    CHECK(strstr(f.explain, "Union") != NULL);
    CHECK(strstr(f.explain, "spark_grouping_id") != NULL);
    CHECK_INT(run(&f, "SELECT a, sum(b) FROM testData GROUP BY ROLLUP(a) HAVING a > 1"), 0);
    CHECK_INT(run(&f, "SELECT sum(a) AS b FROM testData GROUP BY GROUPING SETS ((b), (a, b)) HAVING b > 10"), 0);
    CHECK_STR(f.schema, "b: bigint");
    CHECK_INT(run(&f, "SELECT a, count(*) FROM testData GROUP BY a, CUBE(b)"), 0);
    fx_free(&f);
}

/* Temporary view names under spark.sql.caseSensitive (Spark's SessionCatalog.formatTableName):
 * stored lower-cased, or as written when case-sensitive; a reference formats its own name
 * under the setting it is made with. */
TEST(catalog_view_names_follow_case_sensitivity)
{
    cn_catalog *c = cn_catalog_new();
    cn_error e;
    cn_error_init(&e);
    CHECK_INT(cn_catalog_put(c, cn_view_new("Mixed", false), false, &e), 0);
    CHECK_INT(cn_catalog_put(c, cn_view_new("Mixed", true), false, &e), 0); /* another view */
    CHECK_INT(cn_catalog_put(c, cn_view_new("MIXED", false), false, &e), -1);
    CHECK_STR(e.cls, "TABLE_OR_VIEW_ALREADY_EXISTS");
    cn_error_clear(&e);
    CHECK_STR(cn_catalog_get(c, "MIXED", false)->name, "mixed");
    CHECK_STR(cn_catalog_get(c, "Mixed", true)->name, "Mixed");
    CHECK(cn_catalog_get(c, "MIXED", true) == NULL);
    CHECK(cn_catalog_get(c, "mixed", true) != NULL);
    const char **names;
    CHECK_INT(cn_catalog_list(c, &names), 2);
    CHECK_STR(names[0], "Mixed");
    CHECK_STR(names[1], "mixed");
    CHECK(cn_catalog_drop(c, "MiXeD", false));
    CHECK(!cn_catalog_drop(c, "MiXeD", false)); /* `Mixed` is not found as `mixed` */
    CHECK(cn_catalog_drop(c, "Mixed", true));
    CHECK_INT(cn_catalog_list(c, &names), 0);
    cn_catalog_free(c);
}

/* Column resolution under spark.sql.caseSensitive: exact names only, and two columns that
 * differ only in case are not ambiguous. */
TEST(case_sensitive_column_resolution)
{
    fx f;
    fx_init_empty(&f);
    fx_add(&f, "t", "a int,A string");
    CHECK_INT(fx_run(&f, "SELECT a FROM t", false), -1);
    CHECK_STR(f.err.cls, "AMBIGUOUS_REFERENCE");
    CHECK_STR(cn_error_param(&f.err, "referenceNames"), "[`t`.`A`, `t`.`a`]");
    fx_free(&f);
    fx_init_empty(&f);
    fx_add(&f, "t", "a int,A string");
    CHECK_INT(cn_conf_set(f.conf, "spark.sql.caseSensitive", "true", &f.err), 0);
    CHECK_INT(fx_run(&f, "SELECT A, a FROM t", false), 0);
    CHECK_INT(fx_run(&f, "SELECT T.a FROM t", false), -1);
    CHECK_STR(f.err.cls, "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    fx_free(&f);
}
