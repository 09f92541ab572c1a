-- NULL join keys and set operations: a NULL never matches in `=` (inner, outer, semi, anti
-- and NOT IN joins), matches another NULL in `<=>`, and INTERSECT / EXCEPT / UNION treat NULLs
-- as equal (Spark rewrites them to joins on `<=>` and aggregates). Run with broadcast, sort-merge
-- and shuffled hash joins, in one task or several, with one shuffle partition or many.
-- Expected results: DuckDB (scripts/duckdb/golden.mjs).
--CONFIG_DIM1 spark.master=local[1]
--CONFIG_DIM1 spark.master=local[4]
--CONFIG_DIM2 spark.sql.shuffle.partitions=1
--CONFIG_DIM2 spark.sql.shuffle.partitions=7
--CONFIG_DIM3 spark.sql.autoBroadcastJoinThreshold=10485760
--CONFIG_DIM3 spark.sql.autoBroadcastJoinThreshold=-1,spark.sql.adaptive.enabled=false
--CONFIG_DIM3 spark.sql.autoBroadcastJoinThreshold=-1,spark.sql.join.preferSortMergeJoin=false,spark.sql.adaptive.enabled=false

-- duckdb: CREATE VIEW emp AS SELECT id::INT AS id, name, dept, salary::INT AS salary, mgr::INT AS mgr FROM read_csv('tests/sql/data/emp.csv', header = true, all_varchar = true);
CREATE TEMPORARY VIEW emp USING csv OPTIONS (path 'tests/sql/data/emp.csv', header 'true', inferSchema 'true');

SELECT e.id, m.id AS mid FROM emp e JOIN emp m ON e.mgr = m.mgr;

SELECT e.id, m.id AS mid FROM emp e JOIN emp m ON e.dept = m.dept AND e.mgr = m.mgr;

-- duckdb: SELECT e.id, m.id AS mid FROM emp e JOIN emp m ON e.mgr IS NOT DISTINCT FROM m.mgr;
SELECT e.id, m.id AS mid FROM emp e JOIN emp m ON e.mgr <=> m.mgr;

-- duckdb: SELECT e.id, m.id AS mid FROM emp e JOIN emp m ON e.dept = m.dept AND e.salary IS NOT DISTINCT FROM m.salary AND e.id <> m.id;
SELECT e.id, m.id AS mid FROM emp e JOIN emp m ON e.dept = m.dept AND e.salary <=> m.salary AND e.id <> m.id;

SELECT e.id, m.id AS mid FROM emp e LEFT JOIN emp m ON e.salary = m.salary AND e.id <> m.id;

SELECT e.id, m.id AS mid FROM emp e FULL OUTER JOIN emp m ON e.mgr = m.mgr AND e.dept = m.dept AND e.id < m.id;

SELECT e.id, m.id AS mid FROM emp e RIGHT JOIN emp m ON e.id = m.mgr;

SELECT id FROM emp WHERE mgr IN (SELECT id FROM emp WHERE dept = 'eng');

SELECT id FROM emp WHERE mgr NOT IN (SELECT mgr FROM emp WHERE dept = 'eng');

SELECT id FROM emp WHERE mgr NOT IN (SELECT mgr FROM emp WHERE dept = 'sales');

SELECT id FROM emp e WHERE NOT EXISTS (SELECT 1 FROM emp m WHERE m.id = e.mgr);

SELECT dept, mgr FROM emp INTERSECT SELECT dept, mgr FROM emp WHERE id < 3;

SELECT dept, mgr FROM emp EXCEPT SELECT dept, mgr FROM emp WHERE id > 1;

SELECT dept, mgr FROM emp EXCEPT SELECT dept, CAST(NULL AS INT) FROM emp;

SELECT mgr FROM emp UNION SELECT CAST(NULL AS INT) FROM emp;

SELECT m.dept FROM emp e LEFT JOIN emp m ON e.mgr = m.id INTERSECT SELECT CASE WHEN id > 5 THEN dept END FROM emp;

SELECT CASE WHEN salary > 90000 THEN dept END AS d, mgr FROM emp
EXCEPT SELECT m.dept, e.mgr FROM emp e LEFT JOIN emp m ON e.mgr = m.id AND m.salary > 100000;

-- NULL keys from a UNION ALL arm and an outer join, joined and grouped again
SELECT t.k, e.name, count(*) AS n FROM (SELECT mgr AS k FROM emp UNION ALL SELECT CAST(NULL AS INT) FROM emp) t
LEFT JOIN emp e ON t.k = e.id GROUP BY t.k, e.name;

SELECT m.dept, e.dept AS edept, count(*) AS n FROM emp e LEFT JOIN emp m ON e.mgr = m.id AND m.dept <> 'eng'
GROUP BY m.dept, e.dept;
