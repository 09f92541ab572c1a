-- Failure behaviour: a bad file and failing tasks give an error with Spark's error class,
-- and the session keeps working for the next statement.
-- tests/sql/data/malformed.csv (paths are relative to the repository root, where tests/run.sh
-- runs) has one record ("three,3,x") whose a and c do not parse.
-- Spark 4 (FileScanRDD) reports an error while reading a file as FAILED_READ_FILE.NO_HINT
-- (cause: MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION); with column pruning only the
-- requested columns are parsed, so a query not reading a or c does not fail; PERMISSIVE
-- sets the unparsable fields to NULL, DROPMALFORMED drops the record.
CREATE TEMPORARY VIEW failfast (a INT, b STRING, c DOUBLE) USING csv OPTIONS (path 'tests/sql/data/malformed.csv', mode 'FAILFAST');
SELECT * FROM failfast;
SELECT 1 + 1;
SELECT a, c FROM failfast WHERE c > 2;
SELECT b FROM failfast ORDER BY b;
CREATE TEMPORARY VIEW permissive (a INT, b STRING, c DOUBLE) USING csv OPTIONS (path 'tests/sql/data/malformed.csv');
SELECT * FROM permissive ORDER BY b;
CREATE TEMPORARY VIEW dropmalformed (a INT, b STRING, c DOUBLE) USING csv OPTIONS (path 'tests/sql/data/malformed.csv', mode 'DROPMALFORMED');
SELECT * FROM dropmalformed ORDER BY a;
-- Injected task failures (cinder.test.faults): two failed attempts per task are retried
-- (local mode retries only when asked: local[N,F], or spark.task.maxFailures set explicitly)
-- and the answer is the same; a task that keeps failing fails
-- the query with that task's error class, as Spark propagates a task's SparkThrowable.
SET spark.task.maxFailures=4;
SET cinder.test.faults=task.fail=2;
SELECT a % 3 AS k, count(*) AS n FROM range(0, 100) AS t(a) GROUP BY a % 3 ORDER BY k;
SET cinder.test.faults=task.fail=partition:0,attempts:100,class:DIVIDE_BY_ZERO;
SELECT a % 3 AS k, count(*) AS n FROM range(0, 100) AS t(a) GROUP BY a % 3 ORDER BY k;
SET cinder.test.faults=task.fail=0;
SELECT a % 3 AS k, count(*) AS n FROM range(0, 100) AS t(a) GROUP BY a % 3 ORDER BY k;
-- Joins decided at run time (adaptive execution) under failures. Broadcasting is off at
-- planning; the filtered side (50 even numbers) runs first as a map stage and is broadcast
-- from its shuffle output. That output is lost as soon as the stage completes
-- (shuffle.lose=map:0: the query's first map stage): it is recomputed from lineage and the
-- answer stays count 50, sum 2 * (0 + ... + 49) = 2450; so when every task fails twice.
SET spark.sql.autoBroadcastJoinThreshold=-1;
SET spark.sql.adaptive.autoBroadcastJoinThreshold=100k;
SET cinder.test.faults=shuffle.lose=map:0;
SELECT count(*), sum(a.x) FROM range(0, 100000) AS a(x) JOIN (SELECT y FROM range(0, 100) AS t(y) WHERE y % 2 = 0) AS b ON a.x = b.y;
SET cinder.test.faults=task.fail=2;
SELECT count(*), sum(a.x) FROM range(0, 100000) AS a(x) JOIN (SELECT y FROM range(0, 100) AS t(y) WHERE y % 2 = 0) AS b ON a.x = b.y;
SET cinder.test.faults=task.fail=0;
RESET spark.sql.autoBroadcastJoinThreshold;
SELECT count(*) FROM failfast WHERE a > 1;
SELECT 'still working' AS s;
