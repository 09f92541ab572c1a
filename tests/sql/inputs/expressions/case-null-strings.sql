-- A string comparison inside a CASE branch runs on a subset of rows, where a NULL
-- string's view was never written: it must not be read (it crashed). Found by
-- tests/diff; rows as DuckDB gives them.
CREATE TEMPORARY VIEW cns (k STRING, d0 DATE, bo0 BOOLEAN, bo1 BOOLEAN, bo2 BOOLEAN) USING csv OPTIONS (path 'tests/sql/data/case-null-strings.csv');
SELECT bool_or(bo1), count(DISTINCT bo1) FROM cns WHERE (CASE WHEN k < k THEN d0 ELSE d0 END IS NULL) GROUP BY bo0, bo1;
SELECT CASE WHEN d0 IS NULL THEN k < 'b' ELSE k >= 'a' END FROM cns;
