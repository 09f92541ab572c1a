-- Subqueries inside an aggregate call's argument, its FILTER (WHERE ...) clause and a GROUP BY
-- expression are evaluated per input row, as Spark's RewriteCorrelatedScalarSubquery and
-- RewritePredicateSubquery rewrite an Aggregate against its child: their joins go below the
-- Aggregate, which aggregates the joined values. IN keeps its three values (NULL where a NULL
-- on either side makes it unknown). HAVING conditions and outputs outside aggregate calls are
-- over the aggregated rows. Run with broadcast, sort-merge and shuffled hash joins.
-- Expected results: DuckDB (scripts/duckdb/golden.mjs).
--CONFIG_DIM1 spark.sql.autoBroadcastJoinThreshold=10485760
--CONFIG_DIM1 spark.sql.autoBroadcastJoinThreshold=-1,spark.sql.adaptive.enabled=false
--CONFIG_DIM1 spark.sql.autoBroadcastJoinThreshold=-1,spark.sql.join.preferSortMergeJoin=false,spark.sql.adaptive.enabled=false
--CONFIG_DIM2 spark.sql.shuffle.partitions=1
--CONFIG_DIM2 spark.sql.shuffle.partitions=5
CREATE TEMPORARY VIEW t AS SELECT * FROM (VALUES (1, 10), (2, 20), (3, 30), (CAST(NULL AS INT), 40), (1, 50), (4, 60), (3, CAST(NULL AS INT))) AS t(a, b);
CREATE TEMPORARY VIEW u AS SELECT * FROM (VALUES (1, 100), (3, 300), (CAST(NULL AS INT), 900), (3, 301)) AS u(x, y);
CREATE TEMPORARY VIEW v AS SELECT * FROM (VALUES (1), (3)) AS v(x);
CREATE TEMPORARY VIEW e AS SELECT x FROM v WHERE x > 100;

-- EXISTS / NOT EXISTS in an aggregate's argument
SELECT CAST(sum(CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.x = t.a) THEN b ELSE 0 END) AS BIGINT) AS s FROM t;
SELECT CAST(sum(CASE WHEN NOT EXISTS (SELECT 1 FROM u WHERE u.x = t.a) THEN b ELSE 0 END) AS BIGINT) AS s FROM t;
SELECT count(CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.x = t.a AND u.y > 200) THEN 1 END) AS n, max(EXISTS (SELECT 1 FROM u WHERE u.x > t.a)) AS m FROM t;
SELECT b > 25 AS k, count(CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.x = t.a) THEN 1 END) AS n, CAST(sum(CASE WHEN NOT EXISTS (SELECT 1 FROM v WHERE v.x = t.a) THEN b END) AS BIGINT) AS s FROM t GROUP BY b > 25;
-- correlated scalar subqueries in an aggregate's argument (no match: NULL; count: 0)
SELECT CAST(sum((SELECT max(x) FROM u WHERE u.x = t.a)) AS BIGINT) AS s FROM t;
SELECT CAST(sum((SELECT count(*) FROM u WHERE u.x = t.a)) AS BIGINT) AS s, count((SELECT max(y) FROM u WHERE u.x = t.a)) AS n FROM t;
SELECT a, CAST(sum((SELECT sum(y) FROM u WHERE u.x = t.a) + b) AS BIGINT) AS s, max((SELECT count(*) FROM u WHERE u.x = t.a)) AS m FROM t GROUP BY a;
SELECT b IS NULL AS k, avg((SELECT max(y) FROM u WHERE u.x = t.a)) AS m, CAST(sum((SELECT count(*) FROM u WHERE u.x > t.a)) AS BIGINT) AS s FROM t GROUP BY b IS NULL;
-- uncorrelated scalar subqueries in an aggregate's argument
SELECT CAST(sum((SELECT max(x) FROM u)) AS BIGINT) AS s, max(a + (SELECT min(y) FROM u)) AS m FROM t;
SELECT a, CAST(sum(b * (SELECT count(*) FROM v)) AS BIGINT) AS s FROM t GROUP BY a;
-- IN / NOT IN in an aggregate's argument: three-valued (u.x holds a NULL; v does not)
SELECT count(CASE WHEN a IN (SELECT x FROM u) THEN 1 END) AS t, count(CASE WHEN NOT (a IN (SELECT x FROM u)) THEN 1 END) AS f, count(CASE WHEN (a IN (SELECT x FROM u)) IS NULL THEN 1 END) AS n FROM t;
SELECT count(CASE WHEN a NOT IN (SELECT x FROM v) THEN 1 END) AS t, count(CASE WHEN a NOT IN (SELECT x FROM u) THEN 1 END) AS f, count(CASE WHEN a NOT IN (SELECT x FROM e) THEN 1 END) AS n FROM t;
SELECT max(a IN (SELECT x FROM u)) AS m1, min(a IN (SELECT x FROM v)) AS m2, max(a NOT IN (SELECT x FROM u)) AS m3, min(a NOT IN (SELECT x FROM e)) AS m4 FROM t;
SELECT b > 25 AS k, count(DISTINCT a IN (SELECT x FROM u)) AS d, count(a IN (SELECT x FROM u)) AS n, max(a NOT IN (SELECT x FROM v)) AS m FROM t GROUP BY b > 25;
SELECT a, count(CASE WHEN b IN (SELECT y - 290 FROM u WHERE u.x = t.a) THEN 1 END) AS n, max(b NOT IN (SELECT y - 290 FROM u WHERE u.x = t.a)) AS m FROM t GROUP BY a;
-- count(DISTINCT ...) over subquery values, alone and beside other aggregates
SELECT count(DISTINCT (SELECT max(y) FROM u WHERE u.x = t.a)) AS d FROM t;
SELECT count(DISTINCT (SELECT max(y) FROM u WHERE u.x = t.a)) AS d, count(*) AS n, CAST(sum(b) AS BIGINT) AS s FROM t;
SELECT b > 25 AS k, count(DISTINCT EXISTS (SELECT 1 FROM u WHERE u.x = t.a)) AS d, count(DISTINCT a) AS n FROM t GROUP BY b > 25;
-- under grouping sets: the aggregate calls read the input rows' own values
SELECT a, count(CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.x = t.a) THEN 1 END) AS n, CAST(sum((SELECT count(*) FROM u WHERE u.x = t.a)) AS BIGINT) AS s FROM t GROUP BY ROLLUP(a);
SELECT a, b > 25 AS k, count(CASE WHEN a IN (SELECT x FROM u) THEN 1 END) AS n FROM t GROUP BY CUBE(a, b > 25);
-- FILTER (WHERE ...) with a subquery
SELECT count(*) FILTER (WHERE a IN (SELECT x FROM u)) AS t, count(*) FILTER (WHERE a NOT IN (SELECT x FROM u)) AS f, count(*) FILTER (WHERE a NOT IN (SELECT x FROM v)) AS g FROM t;
SELECT CAST(sum(b) FILTER (WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.a)) AS BIGINT) AS s, CAST(sum(b) FILTER (WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.x = t.a)) AS BIGINT) AS ns FROM t;
SELECT a + 1 AS a1, max(b) FILTER (WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.a)) AS m, count(*) FILTER (WHERE b > (SELECT min(y) FROM u WHERE u.x = t.a) - 270) AS n FROM t GROUP BY a + 1;
SELECT count(*) FILTER (WHERE b < (SELECT avg(y) FROM u) / 10) AS n FROM t;
-- HAVING: subqueries inside aggregate calls (below the aggregate) and outside (over its rows)
SELECT a, count(*) AS n FROM t GROUP BY a HAVING sum(CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.x = t.a) THEN 1 ELSE 0 END) > 0;
SELECT a, count(*) AS n FROM t GROUP BY a HAVING max((SELECT max(y) FROM u WHERE u.x = t.a)) > 150;
SELECT a, count(*) AS n FROM t GROUP BY a HAVING count(*) > (SELECT count(*) FROM u WHERE u.x = t.a);
SELECT a, count(*) AS n FROM t GROUP BY a HAVING a IN (SELECT x FROM u) OR count(*) FILTER (WHERE b IN (SELECT y / 10 FROM u)) > 0;
SELECT b > 25 AS k FROM t GROUP BY b > 25 HAVING max(b) > (SELECT max(y) FROM u) / 20;
-- GROUP BY a subquery (by ordinal: the select item is the grouping expression)
SELECT (SELECT max(y) FROM u WHERE u.x = t.a) AS s, count(*) AS n FROM t GROUP BY 1;
SELECT a IN (SELECT x FROM u) AS f, count(*) AS n, CAST(sum(b) AS BIGINT) AS s FROM t GROUP BY 1;
SELECT EXISTS (SELECT 1 FROM u WHERE u.x = t.a) AS f, count(*) AS n FROM t GROUP BY 1;
SELECT a NOT IN (SELECT x FROM v) AS f, count(*) AS n FROM t GROUP BY 1;
SELECT (SELECT max(x) FROM v) AS s, count(*) AS n FROM t GROUP BY 1;
SELECT (SELECT count(*) FROM u WHERE u.x = t.a) + 1 AS s, max(b) AS m FROM t GROUP BY 1;
-- GROUP BY a subquery written again in the select list: the same grouping expression
SELECT (SELECT max(y) FROM u WHERE u.x = t.a) AS s, count(*) AS n FROM t GROUP BY (SELECT max(y) FROM u WHERE u.x = t.a);
SELECT (SELECT max(y) FROM u WHERE u.x = t.a) AS s, count(*) AS n FROM t GROUP BY s;
SELECT (SELECT  max(y) FROM u WHERE u.x = t.a) + 1 AS s, count(*) AS n FROM t GROUP BY (SELECT max(y)
  FROM u WHERE u.x = t.a);
SELECT a IN (SELECT x FROM u) AS f, count(*) AS n FROM t GROUP BY a IN (SELECT x FROM u);
SELECT (SELECT max(x) FROM v) AS s, count(*) AS n FROM t GROUP BY (SELECT max(x) FROM v);
SELECT count(*) AS n FROM t GROUP BY (SELECT max(x) FROM v);
-- what Spark's CheckAnalysis rejects: a correlated scalar subquery outside aggregate calls
-- that is not a grouping expression (even on grouping columns), one in GROUP BY only, and
-- EXISTS / IN on columns that are not grouped
-- duckdb-error: org.apache.spark.sql.catalyst.ExtendedAnalysisException SCALAR_SUBQUERY_IS_IN_GROUP_BY_OR_AGGREGATE_FUNCTION
SELECT a, (SELECT max(y) FROM u WHERE u.x = t.a) AS s FROM t GROUP BY a;
-- duckdb-error: org.apache.spark.sql.catalyst.ExtendedAnalysisException SCALAR_SUBQUERY_IS_IN_GROUP_BY_OR_AGGREGATE_FUNCTION
SELECT (SELECT max(y) FROM u WHERE u.x = t.a) AS s, count(*) AS n FROM t;
-- duckdb-error: org.apache.spark.sql.catalyst.ExtendedAnalysisException UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY
SELECT count(*) AS n FROM t GROUP BY (SELECT max(y) FROM u WHERE u.x = t.a);
-- duckdb-error: org.apache.spark.sql.catalyst.ExtendedAnalysisException MISSING_AGGREGATION
SELECT b, a IN (SELECT x FROM u) AS f FROM t GROUP BY b;
-- duckdb-error: org.apache.spark.sql.catalyst.ExtendedAnalysisException MISSING_AGGREGATION
SELECT b, EXISTS (SELECT 1 FROM u WHERE u.x = t.a) AS f FROM t GROUP BY b;
-- duckdb-error: org.apache.spark.sql.catalyst.ExtendedAnalysisException MISSING_GROUP_BY
SELECT EXISTS (SELECT 1 FROM u WHERE u.x = t.a) AS f, count(*) AS n FROM t;
-- subqueries in the arguments and in an aggregate's outputs at once
SELECT b > 25 AS k, max(a) IN (SELECT x FROM u) AS f, count(CASE WHEN a IN (SELECT x FROM v) THEN 1 END) AS n FROM t GROUP BY b > 25;
SELECT a, a IN (SELECT x FROM v) AS f, count(CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.x = t.a) THEN 1 END) AS n FROM t GROUP BY a;
-- a subquery in an aggregate's argument inside another subquery
SELECT a FROM t WHERE b > (SELECT sum(CASE WHEN u.x IN (SELECT x FROM v) THEN 10 ELSE 1 END) FROM u);
SELECT a, (SELECT count(CASE WHEN EXISTS (SELECT 1 FROM v WHERE v.x = u.x) THEN 1 END) FROM u WHERE u.x = t.a) AS n FROM t;
