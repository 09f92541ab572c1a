-- Duplicate grouping sets each give their rows (SPARK-29708, as PostgreSQL): the
-- example of that change, where Spark 2.4 summed v three times into one row.
-- Found by tests/diff (DuckDB agrees).
CREATE TEMPORARY VIEW gs AS SELECT * FROM VALUES (0, 0, 3) AS t(k1, k2, v);
SELECT k1, k2, sum(v) FROM gs GROUP BY GROUPING SETS ((k1), (k1, k2), (k2, k1), (k1, k2));
SELECT k1, count(*) FROM gs GROUP BY GROUPING SETS ((k1), (k1));
