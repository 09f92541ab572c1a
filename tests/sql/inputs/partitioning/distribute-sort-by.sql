-- DISTRIBUTE BY, SORT BY, CLUSTER BY and the REPARTITION / COALESCE / REPARTITION_BY_RANGE /
-- REBALANCE hints, as Spark runs them: DISTRIBUTE BY x is a hash exchange on x, SORT BY a sort
-- within each partition, CLUSTER BY x both. The runner compares unordered rows (Spark's suite
-- sorts the rows of a query without a global ORDER BY), so order is tested through a LIMIT
-- over SORT BY in one partition (REPARTITION(1) / COALESCE(1)): the first rows of that
-- partition are the first of its order. Before, SORT BY and the hints were ignored and
-- `SELECT n FROM t SORT BY n DESC` came out ascending.
-- Expected results: DuckDB (scripts/duckdb/golden.mjs).
--CONFIG_DIM1 spark.master=local[1]
--CONFIG_DIM1 spark.master=local[4]
--CONFIG_DIM2 spark.sql.shuffle.partitions=4
--CONFIG_DIM2 spark.sql.shuffle.partitions=13,spark.sql.adaptive.enabled=false

-- duckdb: CREATE VIEW t AS SELECT range AS n, CASE WHEN range % 5 = 0 THEN NULL ELSE range % 3 END AS g FROM range(0, 3000);
CREATE TEMPORARY VIEW t AS SELECT id AS n, CASE WHEN id % 5 = 0 THEN NULL ELSE id % 3 END AS g FROM range(0, 3000, 1, 3);

-- duckdb: CREATE VIEW emp AS SELECT id::INT AS id, name, dept, salary::INT AS salary, mgr::INT AS mgr FROM read_csv('tests/sql/data/emp.csv', header = true, all_varchar = true);
CREATE TEMPORARY VIEW emp USING csv OPTIONS (path 'tests/sql/data/emp.csv', header 'true', inferSchema 'true');

-- duckdb: SELECT n FROM t ORDER BY n DESC LIMIT 5;
SELECT n FROM (SELECT /*+ REPARTITION(1) */ n FROM t) s SORT BY n DESC LIMIT 5;

-- duckdb: SELECT n FROM t ORDER BY n DESC LIMIT 5;
SELECT /*+ COALESCE(1) */ n FROM t SORT BY n DESC LIMIT 5;

-- duckdb: SELECT n, g FROM t ORDER BY g DESC NULLS LAST, n LIMIT 4;
SELECT n, g FROM (SELECT /*+ REPARTITION(1) */ * FROM t) s SORT BY g DESC, n LIMIT 4;

-- duckdb: SELECT n, g FROM t ORDER BY g NULLS FIRST, n DESC LIMIT 4;
SELECT n, g FROM (SELECT /*+ COALESCE(1) */ * FROM t) s SORT BY g, n DESC LIMIT 4;

-- duckdb: SELECT name, salary FROM emp ORDER BY salary DESC NULLS LAST, name LIMIT 3;
SELECT /*+ REPARTITION(1) */ name, salary FROM emp SORT BY salary DESC, name LIMIT 3;

-- every row once, whatever the partitioning
-- duckdb: SELECT n FROM t;
SELECT n FROM t SORT BY n DESC;

-- duckdb: SELECT n, g FROM t;
SELECT n, g FROM t DISTRIBUTE BY g SORT BY n;

-- duckdb: SELECT n, g FROM t;
SELECT n, g FROM t CLUSTER BY g;

-- duckdb: SELECT dept, mgr FROM emp;
SELECT dept, mgr FROM emp CLUSTER BY mgr;

-- duckdb: SELECT dept, count(*) AS c FROM emp GROUP BY dept;
SELECT dept, count(*) AS c FROM emp GROUP BY dept DISTRIBUTE BY dept SORT BY c;

-- DISTRIBUTE BY a column the select list does not return
-- duckdb: SELECT name FROM emp;
SELECT name FROM emp DISTRIBUTE BY dept SORT BY salary;

-- duckdb: SELECT n FROM t;
SELECT /*+ REPARTITION(3) */ n FROM t;

-- duckdb: SELECT n, g FROM t;
SELECT /*+ REPARTITION(5, g) */ n, g FROM t;

-- duckdb: SELECT n FROM t;
SELECT /*+ REPARTITION_BY_RANGE(3, n) */ n FROM t;

-- duckdb: SELECT n, g FROM t;
SELECT /*+ REPARTITION_BY_RANGE(g) */ n, g FROM t;

-- duckdb: SELECT n FROM t;
SELECT /*+ REBALANCE */ n FROM t;

-- duckdb: SELECT n, g FROM t;
SELECT /*+ REBALANCE(g) */ n, g FROM t;

-- duckdb: SELECT n FROM t;
SELECT /*+ COALESCE(2) */ n FROM t;

-- a hint's columns are the SELECT's output columns (Spark: an unresolved column otherwise)
-- duckdb-error: org.apache.spark.sql.catalyst.ExtendedAnalysisException UNRESOLVED_COLUMN.WITH_SUGGESTION
SELECT /*+ REPARTITION(5, g) */ n FROM t;

-- ORDER BY with SORT BY, DISTRIBUTE BY or CLUSTER BY
-- duckdb-error: org.apache.spark.sql.catalyst.parser.ParseException UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES
SELECT n FROM t ORDER BY n SORT BY n;

-- duckdb-error: org.apache.spark.sql.catalyst.parser.ParseException UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES
SELECT n FROM t CLUSTER BY n SORT BY n;

-- grouping over a repartitioned input: NULL keys stay one group
-- duckdb: SELECT g, count(*) AS c, sum(n) AS s FROM t GROUP BY g;
-- duckdb-schema: struct<g:bigint,c:bigint,s:bigint>
SELECT g, count(*) AS c, sum(n) AS s FROM (SELECT /*+ REPARTITION(7, n) */ * FROM t) s GROUP BY g;

-- duckdb: SELECT g, count(*) AS c FROM t GROUP BY g;
SELECT g, count(*) AS c FROM (SELECT n, g FROM t DISTRIBUTE BY n) s GROUP BY g;

-- a global ORDER BY keeps its total order over a repartitioned input
-- duckdb: SELECT n FROM t WHERE n < 8 ORDER BY n DESC;
SELECT n FROM (SELECT /*+ REPARTITION(4) */ n FROM t WHERE n < 8) s ORDER BY n DESC;

-- duckdb: SELECT n FROM t ORDER BY n LIMIT 3;
SELECT n FROM (SELECT n FROM t CLUSTER BY n) s ORDER BY n LIMIT 3;
