--SET spark.sql.ansi.enabled=false
-- The same overflows with ANSI mode off: integral arithmetic and integral sums wrap as the
-- JVM's long/int do, decimal sums that overflow are NULL, narrowing casts keep the low bits
-- (integral) or saturate (floating point), as Spark's non-ANSI evaluation does.
SELECT sum(x) AS s FROM VALUES (9223372036854775807L), (1L) AS t(x);
SELECT g, sum(x) AS s FROM VALUES (1, 9223372036854775807L), (1, 1L), (2, 5L) AS t(g, x) GROUP BY g ORDER BY g;
SELECT sum(x) AS s FROM VALUES (2147483647), (1) AS t(x);
SELECT sum(x) AS s FROM VALUES (99999999999999999999999999999999999999BD), (1BD) AS t(x);
SELECT avg(x) AS a FROM VALUES (9223372036854775807L), (1L) AS t(x);
SELECT 9223372036854775807L + 1L AS a, -9223372036854775808L - 1L AS b, 4611686018427387904L * 2L AS c, 2147483647 + 1 AS d;
SELECT abs(x) AS a, -x AS n FROM VALUES (-9223372036854775808L) AS t(x);
SELECT x + 1Y AS a FROM VALUES (127Y) AS t(x);
SELECT CAST(300 AS TINYINT) AS a, CAST(40000 AS SMALLINT) AS b, CAST(9223372036854775807L AS INT) AS c, CAST(1e20D AS BIGINT) AS d, CAST(1e10D AS INT) AS e;
