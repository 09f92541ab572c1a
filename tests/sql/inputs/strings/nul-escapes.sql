-- String literals are length-counted: a NUL from an escape (\0, \u0000, octal \000) is a
-- character like any other, never the end of the string. Escapes as Spark's
-- unescapeSQLString decodes them; raw strings (r'...') keep backslashes.
SELECT length('a\u0000b') AS l, 'a\0b' = 'a' AS eq;
SELECT length('a\0b') AS l1, length('\000') AS l2, length('\u0000\u0000') AS l3, 'a\0b' = 'a\u0000b' AS same;
SELECT 'a\101' = 'aA' AS octal, length('\t') AS tab, ascii('\0') AS nul, ascii('\u0041') AS a;
SELECT length('a' '\0' 'b') AS joined, length(r'\0') AS raw, length('\%') AS pct, length('\_') AS us;
SELECT concat('a\0', 'b') = 'a\0b' AS c1, length(concat('a\0b', 'c')) AS c2, upper('a\0b') = 'A\0B' AS c3;
SELECT replace('a\0b', '\0', '-') AS r, instr('a\0b', 'b') AS i, length(reverse('a\0b')) AS rv, substr('a\0bc', 3) AS s;
SELECT 'a\0b' LIKE 'a_b' AS l1, 'a\0b' LIKE 'a%' AS l2, 'a\0b' LIKE 'a\0%' AS l3, 'ab' LIKE 'a\0%' AS l4;
SELECT 'a_b' LIKE 'a\0_b' ESCAPE '\0' AS e1, 'axb' LIKE 'a\0_b' ESCAPE '\0' AS e2, 'a_b' LIKE 'a#_b' ESCAPE '#' AS e3, 'axb' LIKE 'a#_b' ESCAPE '#' AS e4;
SELECT 'x\0y' < 'x\0z' AS lt, 'a\0' > 'a' AS gt, 'a\0' = 'a' AS eq;
SELECT count(DISTINCT s) AS n FROM VALUES ('a'), ('a\0'), ('a\0b'), ('a\u0000'), ('a') AS t(s);
SELECT length(s) AS l, count(*) AS n FROM VALUES ('a'), ('a\0'), ('a\0b'), ('a\u0000') AS t(s) GROUP BY s ORDER BY l;
-- a NUL inside a malformed value: the error names the whole value (its NUL written \u0000)
SELECT CAST('12\0x' AS INT);
SELECT try_cast('12\0x' AS INT) AS t;
