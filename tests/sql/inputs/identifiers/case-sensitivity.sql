-- spark.sql.caseSensitive (default false). Expected results come from Spark's documented
-- behaviour and its source, checked by hand; DuckDB cannot model the setting (it resolves
-- identifiers case-insensitively always), so none of this is from it.
--  * Analyzer: identifiers resolve with SQLConf.resolver, caseSensitiveResolution (exact)
--    when true, caseInsensitiveResolution otherwise: columns, qualifiers, select-list
--    aliases (GROUP BY / ORDER BY), USING and NATURAL join columns, t.* and CTE names
--    (CTESubstitution compares with the resolver). Functions and keywords never depend on
--    it. A resolved column keeps the relation's spelling of its name.
--  * SessionCatalog.formatTableName: a temporary view is stored under its name as written
--    when case-sensitive, lower-cased otherwise, and a reference looks up its own name
--    formatted under the setting of the moment (so `V` created while case-sensitive is not
--    found as `V` once the setting is false: Spark looks for `v`).
--  * View.effectiveSQLConf: a temporary view's text is analyzed under the SQL settings
--    captured when it was created (temporary views always use them).

-- default: case-insensitive
SELECT A FROM VALUES (1) AS t(a);
SELECT T.A FROM VALUES (1) AS t(a);
WITH Cte AS (SELECT 1 AS x) SELECT * FROM cte;
WITH t1 AS (SELECT 1 AS a), t2 AS (SELECT 2 AS A) SELECT a FROM t1, t2;
SELECT * FROM VALUES (1, 10) AS l(id, x) JOIN VALUES (1, 20) AS r(ID, y) USING (id);
SELECT * FROM VALUES (1, 10) AS l(id, x) NATURAL JOIN VALUES (1, 20) AS r(ID, y);
SELECT t.* FROM VALUES (1) AS T(a);
CREATE TEMPORARY VIEW Lower1 AS SELECT 1 AS x;
SELECT * FROM LOWER1;
SHOW TABLES;
DROP VIEW lower1;

-- case-sensitive from here on
SET spark.sql.caseSensitive=true;
SELECT a, A FROM VALUES (1, 2) AS t(a, A);
SELECT A FROM VALUES (1) AS t(a);
SELECT T.a FROM VALUES (1) AS T(a);
WITH t1 AS (SELECT 1 AS a), t2 AS (SELECT 2 AS A) SELECT a, A FROM t1, t2;
WITH Cte AS (SELECT 1 AS x) SELECT * FROM cte;
WITH Cte AS (SELECT 1 AS x) SELECT * FROM Cte;
SELECT k AS K, count(*) FROM VALUES (1), (1), (2) AS t(k) GROUP BY K;
SELECT x AS Y FROM VALUES (2), (1) AS t(x) ORDER BY Y;
SELECT * FROM VALUES (1, 10) AS l(id, x) JOIN VALUES (1, 20) AS r(id, y) USING (id);
SELECT * FROM VALUES (1, 10) AS l(id, x) JOIN VALUES (1, 20) AS r(ID, y) USING (id);
SELECT * FROM VALUES (1, 10) AS l(id, x) NATURAL JOIN VALUES (1, 20) AS r(ID, y);
SELECT T.* FROM VALUES (1) AS T(a);
SELECT t.* FROM VALUES (1) AS T(a);
-- functions and keywords stay case-insensitive
sElEcT ABS(-1), Count(*) FrOm VALUES (1) AS t(a);

-- temporary views: `V` and `v` are two views
CREATE TEMPORARY VIEW V AS SELECT 1 AS x;
CREATE TEMPORARY VIEW v AS SELECT 2 AS x;
SELECT * FROM V;
SELECT * FROM v;
SHOW TABLES;
-- a view keeps the setting it was created with
CREATE TEMPORARY VIEW w AS SELECT A FROM VALUES (1, 2) AS t(a, A);

-- back to case-insensitive: `V` is looked up as `v`
SET spark.sql.caseSensitive=false;
SELECT * FROM V;
SELECT * FROM w;
SELECT A FROM VALUES (1, 2) AS t(a, A);
DROP VIEW V;
SELECT * FROM V;
SHOW TABLES;
SET spark.sql.caseSensitive=true;
SELECT * FROM V;
DROP VIEW V;
DROP VIEW w;
SHOW TABLES
