-- range() at the edges of BIGINT: Spark's Range counts ceil((end - start) / step) rows
-- (BigInt arithmetic, no overflow) when the range runs the way the step does, else none;
-- a NULL or a non-numeric argument is _LEGACY_ERROR_TEMP_1179 and other numbers are cast to
-- a long, as Spark's golden table-valued-functions.sql shows; a zero step fails to build the
-- function (FAILED_FUNCTION_CALL, as errors/classes.sql states it).
SELECT count(*) AS c FROM range(-9223372036854775808, 9223372036854775807, 4611686018427387904);
SELECT id FROM range(-9223372036854775808, 9223372036854775807, 4611686018427387904) ORDER BY id;
SELECT count(*) AS c FROM range(0, 9223372036854775807, 4611686018427387904);
SELECT id FROM range(0, 9223372036854775807, 4611686018427387904) ORDER BY id;
SELECT id FROM range(9223372036854775807, -9223372036854775808, -4611686018427387904) ORDER BY id;
SELECT id FROM range(9223372036854775806, 9223372036854775807) ORDER BY id;
SELECT id FROM range(-9223372036854775808, -9223372036854775807) ORDER BY id;
SELECT id FROM range(-3, 3, 2) ORDER BY id;
SELECT id FROM range(3, -3, -2) ORDER BY id;
SELECT count(*) AS c FROM range(5, 0, 1);
SELECT count(*) AS c FROM range(0, 5, -1);
SELECT count(*) AS c FROM range(7, 7, 3);
SELECT * FROM range(0, 5, 0);
SELECT * FROM range(1, null);
SELECT * FROM range(2.7) ORDER BY id;
