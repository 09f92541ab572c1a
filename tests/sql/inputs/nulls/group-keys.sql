-- NULL grouping keys, wherever they come from (a CSV's empty fields, literals of UNION ALL
-- arms, CASE without ELSE, the unmatched side of an outer join, ROLLUP / CUBE / GROUPING SETS),
-- one group per distinct key in every column of the key, in one task or several, with one
-- shuffle partition or many. Before the fix a NULL's value slot (whatever bytes lay under
-- it) took part in the hash of a later key column, so one NULL group split into several.
-- Expected results: DuckDB (scripts/duckdb/golden.mjs).
--CONFIG_DIM1 spark.master=local[1]
--CONFIG_DIM1 spark.master=local[4]
--CONFIG_DIM2 spark.sql.shuffle.partitions=1
--CONFIG_DIM2 spark.sql.shuffle.partitions=3
--CONFIG_DIM2 spark.sql.shuffle.partitions=16,spark.sql.adaptive.enabled=false

-- duckdb: CREATE VIEW emp AS SELECT id::INT AS id, name, dept, salary::INT AS salary, mgr::INT AS mgr FROM read_csv('tests/sql/data/emp.csv', header = true, all_varchar = true);
CREATE TEMPORARY VIEW emp USING csv OPTIONS (path 'tests/sql/data/emp.csv', header 'true', inferSchema 'true');

SELECT dept, mgr, count(*) AS n FROM emp GROUP BY ROLLUP(dept, mgr);

SELECT dept, mgr, count(*) AS n FROM emp GROUP BY CUBE(dept, mgr);

SELECT dept, mgr, count(*) AS n FROM emp GROUP BY GROUPING SETS ((dept, mgr), (mgr), ());

SELECT mgr, dept, count(*) AS n FROM emp GROUP BY ROLLUP(mgr, dept);

SELECT dept, mgr, count(*) AS n FROM emp GROUP BY dept, mgr;

SELECT mgr, count(*) AS n FROM emp GROUP BY mgr;

SELECT a, b, count(*) AS n FROM (
  SELECT dept AS a, mgr AS b FROM emp
  UNION ALL SELECT NULL, NULL FROM emp
  UNION ALL SELECT dept, NULL FROM emp
  UNION ALL SELECT NULL, mgr FROM emp) t
GROUP BY a, b;

SELECT CASE WHEN salary > 80000 THEN dept END AS d, CASE WHEN mgr > 1 THEN mgr END AS m, count(*) AS n
FROM emp GROUP BY CASE WHEN salary > 80000 THEN dept END, CASE WHEN mgr > 1 THEN mgr END;

SELECT e.dept, m.name AS mname, count(*) AS n FROM emp e LEFT JOIN emp m ON e.mgr = m.id GROUP BY e.dept, m.name;

-- TPC-DS q76's shape: arms of a UNION ALL with NULL columns, grouped on every column
-- duckdb-schema: struct<channel:string,col:int,dept:string,n:bigint,s:bigint>
SELECT channel, col, dept, count(*) AS n, sum(salary) AS s FROM (
  SELECT 'a' AS channel, mgr AS col, dept, salary FROM emp WHERE mgr IS NULL
  UNION ALL SELECT 'b', CAST(NULL AS INT), dept, salary FROM emp WHERE salary IS NULL
  UNION ALL SELECT 'c', mgr, CAST(NULL AS STRING), salary FROM emp) t
GROUP BY channel, col, dept;

SELECT DISTINCT dept, mgr FROM emp;

SELECT DISTINCT a, b FROM (SELECT dept AS a, mgr AS b FROM emp UNION ALL SELECT NULL, NULL FROM emp UNION ALL SELECT NULL, mgr FROM emp) t;

SELECT dept, count(DISTINCT mgr) AS n FROM emp GROUP BY dept;

-- many rows over several batches and map tasks, NULLs in both columns (long strings too)
-- duckdb: SELECT k1, k2, count(*) AS n FROM (SELECT CASE WHEN id % 3 = 0 THEN NULL ELSE id % 5 END AS k1, CASE WHEN id % 2 = 0 THEN NULL ELSE 'a key longer than twelve bytes ' || CAST(id % 4 AS VARCHAR) END AS k2 FROM (SELECT range AS id FROM range(0, 10000))) t GROUP BY k1, k2;
SELECT k1, k2, count(*) AS n FROM (
  SELECT CASE WHEN id % 3 = 0 THEN NULL ELSE id % 5 END AS k1,
         CASE WHEN id % 2 = 0 THEN NULL ELSE 'a key longer than twelve bytes ' || CAST(id % 4 AS STRING) END AS k2
  FROM range(0, 10000, 1, 4)) t
GROUP BY k1, k2;

-- duckdb: SELECT k2, k1, count(*) AS n FROM (SELECT CASE WHEN id % 3 = 0 THEN NULL ELSE id % 5 END AS k1, CASE WHEN id % 2 = 0 THEN NULL ELSE CAST(id % 4 AS VARCHAR) END AS k2 FROM (SELECT range AS id FROM range(0, 10000))) t GROUP BY ROLLUP(k2, k1);
SELECT k2, k1, count(*) AS n FROM (
  SELECT CASE WHEN id % 3 = 0 THEN NULL ELSE id % 5 END AS k1,
         CASE WHEN id % 2 = 0 THEN NULL ELSE CAST(id % 4 AS STRING) END AS k2
  FROM range(0, 10000, 1, 4)) t
GROUP BY ROLLUP(k2, k1);
