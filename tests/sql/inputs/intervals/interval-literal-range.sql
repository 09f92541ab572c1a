-- Day-time interval literals at the edges of their range (a long of microseconds). Expected
-- blocks from Spark's golden interval.sql; the sign applies to every field, so the most
-- negative interval is reachable, and a field past its range is Spark's requirement error.
SELECT INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND;
SELECT INTERVAL '106751991 04:00:54.775807' DAY TO SECOND;
SELECT INTERVAL '106751991' DAY;
SELECT INTERVAL '-106751991' DAY;
SELECT INTERVAL '106751992 04' DAY TO HOUR;
SELECT INTERVAL '-106751992 04' DAY TO HOUR;
SELECT INTERVAL '2562047789:00' HOUR TO MINUTE;
SELECT INTERVAL '153722867281:54.775808' MINUTE TO SECOND;
-- Past a long of microseconds Spark fails with the JVM's unclassed ArithmeticException
-- "long overflow" ("integer overflow" for months); Cinder gives it the class that Spark's own
-- overflow errors carry, ARITHMETIC_OVERFLOW, with the same message.
SELECT INTERVAL '106751991 04:00:54.775808' DAY TO SECOND;
SELECT INTERVAL '2147483647' DAY;
SELECT INTERVAL 106751992 DAYS;
SELECT INTERVAL 178956971 YEARS;
SELECT INTERVAL '178956970-7' YEAR TO MONTH;
