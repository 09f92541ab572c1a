-- Functions whose result size a user sets (lpad, rpad, repeat) check it before building the
-- string. Spark keeps a string in one byte array and fails with the JVM's "Requested array
-- size exceeds VM limit" beyond it; Cinder's bound is 1 GiB per value and the error is
-- Spark's size-limit class, COLLECTION_SIZE_LIMIT_EXCEEDED.FUNCTION. Ordinary results
-- are from Spark's function documentation.
SELECT lpad('x', 2147483647, 'ab');
SELECT rpad('x', 2147483647, 'ab');
SELECT lpad('x', 2147483647);
SELECT repeat('x', 2147483647);
SELECT repeat('abc', 1000000000);
SELECT lpad('hi', 5, '??') AS a, lpad('hi', 1, '??') AS b, lpad('hi', 5) AS c, lpad('hi', -5, 'xy') AS d;
SELECT rpad('hi', 5, '??') AS a, rpad('hi', 1, '??') AS b, rpad('hi', 5) AS c, rpad('hi', 5, '') AS d;
SELECT repeat('123', 2) AS a, repeat('x', 0) AS b, repeat('x', -1) AS c;
