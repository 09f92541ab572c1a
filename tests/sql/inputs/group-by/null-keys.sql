-- NULL group keys after the first key: a NULL's value slot (whatever the CSV reader
-- left there) must not split the group. Found by tests/diff; expected rows as DuckDB
-- and Spark give them (NULL keys group together).
CREATE TEMPORARY VIEW nk (k INT, a BIGINT, s STRING) USING csv OPTIONS (path 'tests/sql/data/null-keys.csv');
SELECT a, k, count(*) FROM nk GROUP BY a, k;
SELECT a, s, k, count(*) FROM nk GROUP BY a, s, k;
SELECT count(DISTINCT a), count(*) FROM nk GROUP BY a, k;
