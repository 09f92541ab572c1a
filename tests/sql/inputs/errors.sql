-- Every error class the spine promises, with Spark 4's ANSI behaviour.
-- Expected classes from Spark's error-conditions documentation.
SELECT 1 / 0;
SELECT 7 div 0;
SELECT CAST('abc' AS INT);
SELECT CAST('2021-13-45' AS DATE);
SELECT CAST(12345.678 AS DECIMAL(5, 2));
SELECT 2147483647 + 1;
SELECT * FROM no_such_table;
SELECT no_such_col FROM VALUES (1, 2) AS t(a, b);
SELEC 1;
SELECT true + 1;
CREATE TEMPORARY VIEW missing USING csv OPTIONS (path '/nonexistent/cinder/missing.csv');
SELECT 1 + 1;
SELECT a, b FROM VALUES (1, 'x'), (2, 'y') AS t(a, b) ORDER BY a DESC;
