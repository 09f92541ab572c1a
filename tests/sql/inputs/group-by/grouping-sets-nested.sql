-- A grouping-set aggregate over a derived table that has its own grouping sets: the
-- outer one copies its input once per set, and the inner one must be expanded in every
-- copy (it was only in the first: the others grouped by all inner keys at once).
-- Found by tests/diff; rows as DuckDB gives them.
CREATE TEMPORARY VIEW gn AS SELECT * FROM VALUES (0, 1.5D, 10), (1, 1.5D, 5) AS t(k, x, v);
SELECT c1, count(*) FROM (SELECT sum(v) AS c1 FROM gn WHERE k = 0 GROUP BY GROUPING SETS ((x), (k))) s GROUP BY ROLLUP(c1);
SELECT k, count(*), sum(c1) FROM (SELECT k, sum(v) AS c1 FROM gn GROUP BY CUBE(x, k)) s GROUP BY GROUPING SETS ((k), ());
