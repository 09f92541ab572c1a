-- Error classes that had no row in the error table: each query raises one. The expected
-- blocks are Spark's own where its golden files hold the query (limit.sql, count.sql,
-- table-aliases.sql, date.sql, cast.sql, interval.sql); the others state the class and
-- SQLSTATE of Spark's error-conditions.json.
CREATE TEMPORARY VIEW testData AS SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(key, value);
SELECT * FROM testdata LIMIT -1;
SELECT * FROM testdata LIMIT CAST(NULL AS INT);
SELECT * FROM testdata LIMIT 'a';
SELECT count() FROM testData;
SELECT count(testData.*) FROM testData;
SELECT * FROM testData AS t(col1, col2, col3);
SELECT * FROM testData AS t(col1);
select next_day("2015-07-23", "xx");
SELECT CAST(interval 3 month 1 hour AS string);
select interval 4 month 2 weeks 3 microseconds * 1.5;
SELECT sum(avg(key)) FROM testData;
SELECT key FROM testData WHERE key;
SELECT * FROM testData a JOIN testData b USING (nope);
SELECT extract(nope FROM DATE'2024-01-01');
SELECT 'a' LIKE 'a\\' ESCAPE '\\';
SELECT 'a' LIKE 'a\\b' ESCAPE '\\';
SELECT CAST(127 AS TINYINT) + CAST(1 AS TINYINT);
select true + true;
SELECT * FROM range(1, 2, 0);
SELECT x.* FROM testData;
CREATE TEMPORARY VIEW v3(a, b, c) AS SELECT 1, 2;
EXPLAIN EXPLAIN SELECT 1;
