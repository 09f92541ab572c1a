-- EXISTS / IN subqueries nested in expressions (under OR, NOT, CASE, in a select list) run as
-- existence joins (Spark's ExistenceJoin: every outer row once, plus a flag). NULLs on both
-- sides: in a WHERE, IN's unknown (NULL) drops the row like false; in a select list it shows
-- as NULL. Run with broadcast, sort-merge and shuffled hash joins, and with sort-merge joins
-- that adaptive execution turns into broadcast joins with runtime filters on (an existence
-- join's streamed side keeps every row).
-- Expected results: DuckDB (scripts/duckdb/golden.mjs).
--CONFIG_DIM1 spark.sql.autoBroadcastJoinThreshold=10485760
--CONFIG_DIM1 spark.sql.autoBroadcastJoinThreshold=-1,spark.sql.adaptive.enabled=false
--CONFIG_DIM1 spark.sql.autoBroadcastJoinThreshold=-1,spark.sql.join.preferSortMergeJoin=false,spark.sql.adaptive.enabled=false
--CONFIG_DIM1 spark.sql.autoBroadcastJoinThreshold=-1,spark.sql.adaptive.enabled=true,spark.sql.adaptive.autoBroadcastJoinThreshold=10485760,cinder.sql.adaptive.runtimeFilter.enabled=true
--CONFIG_DIM2 spark.sql.shuffle.partitions=1
--CONFIG_DIM2 spark.sql.shuffle.partitions=5
CREATE TEMPORARY VIEW t1 AS SELECT * FROM (VALUES (1, 1), (2, 0), (CAST(NULL AS INT), 1), (4, 0), (3, 0), (CAST(NULL AS INT), 0), (5, 1)) AS t1(a, b);
CREATE TEMPORARY VIEW t2 AS SELECT * FROM (VALUES (1), (3), (CAST(NULL AS INT))) AS t2(c);
CREATE TEMPORARY VIEW t3 AS SELECT * FROM (VALUES (1), (3)) AS t3(c);
CREATE TEMPORARY VIEW te AS SELECT c FROM t3 WHERE c > 100;
CREATE TEMPORARY VIEW t5 AS SELECT * FROM (VALUES (1, 1), (1, CAST(NULL AS INT)), (0, 2), (0, 4), (4, CAST(NULL AS INT)), (5, 7), (CAST(NULL AS INT), 3)) AS t5(k, c);
CREATE TEMPORARY VIEW d AS SELECT * FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS d(x);
CREATE TEMPORARY VIEW big AS SELECT d1.x * 100 + d2.x * 10 + d3.x AS a, d3.x AS b FROM d AS d1, d AS d2, d AS d3;

-- in a WHERE, under OR
SELECT a, b FROM t1 WHERE a IN (SELECT c FROM t2) OR b = 1;
SELECT a, b FROM t1 WHERE a IN (SELECT c FROM t3) OR b = 1;
SELECT a, b FROM t1 WHERE a NOT IN (SELECT c FROM t2) OR b = 1;
SELECT a, b FROM t1 WHERE a NOT IN (SELECT c FROM t3) OR b = 1;
SELECT a, b FROM t1 WHERE a NOT IN (SELECT c FROM te) OR b = 1;
SELECT a, b FROM t1 WHERE a IN (SELECT c FROM te) OR b = 1;
SELECT a, b FROM t1 WHERE EXISTS (SELECT 1 FROM t5 WHERE t5.k = t1.a) OR b = 1;
SELECT a, b FROM t1 WHERE NOT EXISTS (SELECT 1 FROM t5 WHERE t5.k = t1.a) OR b = 1;
SELECT a, b FROM t1 WHERE a IN (SELECT c FROM t5 WHERE t5.k = t1.b) OR a = 5;
SELECT a, b FROM t1 WHERE a NOT IN (SELECT c FROM t5 WHERE t5.k = t1.b) OR a = 5;
SELECT a, b FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.c > t1.a) OR b = 1;
SELECT a, b FROM t1 WHERE (a IN (SELECT c FROM t2) OR b = 1) AND (a NOT IN (SELECT c FROM t3) OR a IS NULL);
SELECT a, b FROM t1 WHERE b = 0 AND (a IN (SELECT c FROM t2) OR EXISTS (SELECT 1 FROM t5 WHERE t5.k = t1.a));
SELECT a, b FROM t1 WHERE EXISTS (SELECT 1 FROM t5 WHERE t5.k = t1.a AND (t5.c IN (SELECT c FROM t3) OR t5.c IS NULL));
SELECT a, b FROM t1 WHERE a IN (SELECT k FROM t5 WHERE t5.c IN (SELECT c FROM t2) OR t5.c > 5) OR b = 1;
SELECT b, count(*) AS n FROM t1 GROUP BY b HAVING count(*) IN (SELECT c FROM t2) OR b = 0;
-- in a WHERE, where NULL and false differ
SELECT a, b FROM t1 WHERE NOT (a IN (SELECT c FROM t2) OR b = 1);
SELECT a, b FROM t1 WHERE (a IN (SELECT c FROM t2)) IS NULL;
SELECT a, b FROM t1 WHERE CASE WHEN b = 1 THEN false ELSE a NOT IN (SELECT c FROM t3) END;
SELECT a, b FROM t1 WHERE coalesce(a IN (SELECT c FROM t2), true);

-- in a select list
SELECT a, a IN (SELECT c FROM t2) AS f FROM t1;
SELECT a, a NOT IN (SELECT c FROM t2) AS f FROM t1;
SELECT a, a IN (SELECT c FROM t3) AS f, a NOT IN (SELECT c FROM t3) AS g FROM t1;
SELECT a, a IN (SELECT c FROM te) AS f, a NOT IN (SELECT c FROM te) AS g FROM t1;
SELECT a, b, a IN (SELECT c FROM t5 WHERE t5.k = t1.b) AS f FROM t1;
SELECT a, b, a NOT IN (SELECT c FROM t5 WHERE t5.k = t1.b) AS f FROM t1;
SELECT a, EXISTS (SELECT 1 FROM t5 WHERE t5.k = t1.a) AS f, NOT EXISTS (SELECT 1 FROM t5 WHERE t5.k = t1.a) AS g FROM t1;
SELECT a, EXISTS (SELECT 1 FROM t2 WHERE t2.c > t1.a) AS f FROM t1;
SELECT a, CASE WHEN a IN (SELECT c FROM t2) THEN 'in' WHEN a NOT IN (SELECT c FROM t2) THEN 'out' ELSE 'unknown' END AS f FROM t1;
SELECT a, (a IN (SELECT c FROM t2)) IS NULL AS f FROM t1;
SELECT a, 3 IN (SELECT c FROM t2) AS f, 2 IN (SELECT c FROM t2) AS g, CAST(NULL AS INT) IN (SELECT c FROM t3) AS h FROM t1;
SELECT b, a + 1 IN (SELECT c + 1 FROM t2) AS f FROM t1;
-- in an aggregate's select list and in ORDER BY
SELECT b, max(a) IN (SELECT c FROM t2) AS f FROM t1 GROUP BY b;
SELECT b, max(a) AS m, count(*) AS n, min(a) NOT IN (SELECT c FROM t3) AS g, b IN (SELECT c FROM t2) AS h, EXISTS (SELECT 1 FROM t5 WHERE t5.k = 4) AS e FROM t1 GROUP BY b;
SELECT b + 1 AS b1, (b + 1) IN (SELECT c FROM t2) AS f, CAST(sum(a) AS BIGINT) AS s FROM t1 GROUP BY b + 1;
SELECT b, EXISTS (SELECT 1 FROM t5 WHERE t5.k = t1.b) AS f, count(*) AS n FROM t1 GROUP BY b;
SELECT count(*) AS n, max(a) IN (SELECT c FROM t5 WHERE t5.k = t1.b) AS f FROM t1 GROUP BY b;
SELECT a FROM t1 ORDER BY a IN (SELECT c FROM t3) DESC NULLS FIRST, a NULLS LAST;

-- a bigger outer side: every row keeps its place whatever the join strategy
SELECT count(*) AS n, CAST(sum(b) AS BIGINT) AS s FROM big WHERE a IN (SELECT c FROM t2) OR a % 97 = 0;
SELECT count(*) AS n FROM big WHERE a NOT IN (SELECT c FROM t3) OR b = 1;
SELECT count(CASE WHEN f THEN 1 END) AS t, count(CASE WHEN NOT f THEN 1 END) AS f, count(CASE WHEN f IS NULL THEN 1 END) AS u FROM (SELECT a IN (SELECT c FROM t2) AS f FROM big) AS s;
SELECT b, count(*) AS n FROM big WHERE EXISTS (SELECT 1 FROM t5 WHERE t5.k = big.b) OR a < 3 GROUP BY b;
