--SET spark.sql.ansi.enabled=false
-- The same date overflows with ANSI mode off: NULL, except date_add/date_sub, which are int
-- additions that wrap in Spark (DateAdd, DateSub) and here too. make_date of an invalid year
-- is NULL as Spark's non-ANSI MakeDate is; where Spark's java.time arithmetic throws an
-- unclassed ArithmeticException even in this mode, Cinder gives NULL.
SELECT make_date(2147483647, 12, 31) AS d;
SELECT make_date(6000000, 1, 1) AS d;
SELECT add_months(DATE'2000-01-01', 2147483647) AS d;
SELECT DATE'2000-01-31' + INTERVAL '178956970-7' YEAR TO MONTH AS d;
SELECT date_add(DATE'2000-01-01', 2147483647) AS d;
SELECT date_sub(DATE'2000-01-01', -2147483648) AS d;
SELECT CAST(make_date(5000000, 1, 1) AS TIMESTAMP) AS t;
SELECT TIMESTAMP'2000-01-01 00:00:00' + INTERVAL '178956970-7' YEAR TO MONTH AS t;
SELECT CAST('9999999-01-01' AS DATE) AS d;
SELECT to_date('99999999-01-01', 'yyyyyyyy-MM-dd') AS d;
SELECT timestampdiff(MICROSECOND, TIMESTAMP'-290000-01-01 00:00:00', TIMESTAMP'290000-01-01 00:00:00') AS us;
