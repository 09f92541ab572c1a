-- A UTF-8 byte order mark at the start of a CSV file is not part of the first header name
-- (Hadoop's LineRecordReader skips it for Spark's CSV source): the column is `name`, so the
-- query below resolves it. tests/sql/data/csv/bom_header.csv: EF BB BF "name,age", then
-- alice,30 and bob,40.
CREATE TEMPORARY VIEW bom USING csv OPTIONS (path 'tests/sql/data/csv/bom_header.csv', header 'true', inferSchema 'true');
SELECT name, age FROM bom ORDER BY age;
SELECT length(name), name = 'alice' FROM bom ORDER BY age;
CREATE TEMPORARY VIEW bom_noheader USING csv OPTIONS (path 'tests/sql/data/csv/bom_header.csv');
SELECT _c0, length(_c0) FROM bom_noheader ORDER BY _c1;
