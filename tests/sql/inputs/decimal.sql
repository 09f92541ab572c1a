-- Decimal arithmetic across the 64-bit fast path and the 128-bit checked one (Spark's
-- precision and scale rules: p1 + p2 + 1 and s1 + s2 for *, max(p1 - s1, p2 - s2) +
-- max(s1, s2) + 1 for + and -). Expected values are worked out by hand.
SELECT a * b, a + b, a - b FROM VALUES (CAST(99999999999999999999.5 AS DECIMAL(30,1)), CAST(3 AS DECIMAL(2,0))), (CAST(-5.5 AS DECIMAL(30,1)), CAST(-2 AS DECIMAL(2,0))) AS t(a, b);
SELECT a * b, a + b, a - b FROM VALUES (CAST(1.25 AS DECIMAL(10,2)), CAST(-0.5 AS DECIMAL(5,1))), (CAST(-99999999.99 AS DECIMAL(10,2)), CAST(9999.9 AS DECIMAL(5,1))) AS t(a, b);
SELECT a + b FROM VALUES (CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)), CAST(1 AS DECIMAL(38,0))) AS t(a, b);
