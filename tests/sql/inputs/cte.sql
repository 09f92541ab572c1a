-- A CTE whose value is random is computed once: every reference sees the same rows, as in
-- Spark (its golden cte.sql: the UNION of a rand() CTE with itself has the CTE's row count).
WITH t AS (SELECT rand() AS r FROM range(0, 10)) SELECT count(*) FROM (SELECT * FROM t UNION SELECT * FROM t) u;
WITH t AS (SELECT rand() AS r FROM range(0, 10)) SELECT count(*) FROM t a JOIN t b ON a.r = b.r;
WITH t AS (SELECT id, rand() AS r FROM range(0, 10)) SELECT count(*) FROM t a JOIN t b ON a.id = b.id WHERE a.r <> b.r;
