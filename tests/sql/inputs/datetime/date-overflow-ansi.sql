-- Date arithmetic past DATE's range (int days: about +-5.8 million years) under ANSI mode.
-- make_date of a year java.time rejects: DATETIME_FIELD_OUT_OF_BOUNDS, as Spark's golden
-- date.sql shows for months and days. Where Spark's java.time arithmetic fails with the
-- JVM's unclassed ArithmeticException ("integer overflow" for DATE's int days, "long
-- overflow" for microseconds: add_months, make_date of a year whose days overflow, DATE +
-- interval, DATE to TIMESTAMP) Cinder raises ARITHMETIC_OVERFLOW with that message; for
-- date_add/date_sub (int additions that Spark wraps) ANSI mode raises it too, rather than
-- returning a wrapped date.
SELECT make_date(2147483647, 12, 31);
SELECT make_date(-1000000000, 1, 1);
SELECT make_date(2000, 13, 1);
SELECT make_date(6000000, 1, 1);
SELECT make_date(5000000, 1, 1) AS d;
SELECT add_months(DATE'2000-01-01', 2147483647);
SELECT add_months(DATE'2000-01-01', -2147483648);
SELECT add_months(DATE'2000-01-31', 1) AS d;
SELECT DATE'2000-01-01' + INTERVAL '2147483647' DAY;
SELECT DATE'2000-01-01' + INTERVAL '106751991' DAY AS d;
SELECT DATE'2000-01-31' + INTERVAL '178956970-7' YEAR TO MONTH;
SELECT date_add(DATE'2000-01-01', 2147483647);
SELECT date_sub(DATE'2000-01-01', -2147483648);
SELECT CAST(make_date(5000000, 1, 1) AS TIMESTAMP);
SELECT TIMESTAMP'2000-01-01 00:00:00' + INTERVAL '178956970-7' YEAR TO MONTH;
SELECT CAST('9999999-01-01' AS DATE);
-- a pattern-parsed year past a long of microseconds does not parse; a microsecond span past
-- a long overflows
SELECT to_date('99999999-01-01', 'yyyyyyyy-MM-dd');
SELECT to_date('2020-02-03', 'yyyy-MM-dd') AS d;
SELECT timestampdiff(MICROSECOND, TIMESTAMP'-290000-01-01 00:00:00', TIMESTAMP'290000-01-01 00:00:00');
SELECT timestampdiff(YEAR, TIMESTAMP'-290000-01-01 00:00:00', TIMESTAMP'290000-01-01 00:00:00') AS y;
