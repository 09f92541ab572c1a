-- A temporary view created from SQL keeps its text and is analyzed again at every
-- reference (Spark 3.1+, spark.sql.legacy.storeAnalyzedPlanForView=false): it reads the
-- views it names as they are when it is read, and none of them is kept alive by it.
CREATE TEMPORARY VIEW a AS SELECT 'hello' AS x;
CREATE TEMPORARY VIEW b AS SELECT * FROM a;
SELECT * FROM b;

-- a replaced view is read in its new definition
CREATE OR REPLACE TEMPORARY VIEW a AS SELECT 'world' AS x;
SELECT * FROM b;

-- a dropped view is not found any more
DROP VIEW a;
SELECT * FROM b;
SELECT count(*) FROM b;

-- defined again with one more column: b keeps its own column x
CREATE TEMPORARY VIEW a AS SELECT 'again' AS x, 1 AS y;
SELECT * FROM b;
DESCRIBE b;

-- cycles are rejected when they would be created, and the old definition stays
CREATE OR REPLACE TEMPORARY VIEW a AS SELECT * FROM b;
CREATE OR REPLACE TEMPORARY VIEW b AS SELECT * FROM b;
CREATE TEMPORARY VIEW c AS SELECT x FROM a WHERE x IN (SELECT x FROM b);
CREATE OR REPLACE TEMPORARY VIEW a AS SELECT x, 2 AS y FROM c;
SELECT * FROM a;
SELECT * FROM c;

-- a view read twice: each reference has its own columns
SELECT b1.x, b2.x FROM b b1 JOIN b b2 ON b1.x = b2.x;

-- declared column names, a CTE and ORDER BY ... LIMIT in the view text
CREATE TEMPORARY VIEW d(z) AS WITH t AS (SELECT x FROM a) SELECT x FROM t ORDER BY x LIMIT 1;
SELECT z FROM d;
CREATE OR REPLACE TEMPORARY VIEW a AS SELECT 'new' AS x;
SELECT z FROM d;

-- a column the view reads is gone from what it reads
CREATE OR REPLACE TEMPORARY VIEW a AS SELECT 1 AS y;
SELECT * FROM b;

-- views nested deeper than spark.sql.view.maxNestedViewDepth
CREATE OR REPLACE TEMPORARY VIEW a AS SELECT 'deep' AS x;
CREATE TEMPORARY VIEW v1 AS SELECT * FROM a;
CREATE TEMPORARY VIEW v2 AS SELECT * FROM v1;
SET spark.sql.view.maxNestedViewDepth=2;
SELECT * FROM v2;
CREATE TEMPORARY VIEW v3 AS SELECT * FROM v2;
SELECT * FROM v1;
RESET spark.sql.view.maxNestedViewDepth;
CREATE TEMPORARY VIEW v3 AS SELECT * FROM v2;
SELECT * FROM v3;
