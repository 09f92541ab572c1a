-- LIKE with a constant pattern over the NULL rows of an outer join's missing side, whose
-- string views were never written: they must not be read (it crashed). Found by
-- tests/diff; rows as DuckDB gives them.
CREATE TEMPORARY VIEW lns (k STRING, m0 DECIMAL(10,2), l0x BIGINT, l1 BIGINT) USING csv OPTIONS (path 'tests/sql/data/like-null-strings.csv');
SELECT ((s.c0 NOT LIKE '%b') AND (s.c0 <= s.c0)) AS c0 FROM (SELECT lower(reverse(a.k)) AS c0 FROM lns a RIGHT OUTER JOIN lns b ON (a.m0 = b.l1)) s;
