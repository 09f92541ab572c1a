-- Header names of a CSV file under spark.sql.caseSensitive, as Spark's CSV source makes
-- them safe (CSVUtils/CSVDataSource.makeSafeHeader, applied when the view is created): a
-- name that another column's header repeats gets its column index appended, comparing
-- lower-cased names unless case-sensitive; names keep the case they are written in.
-- tests/sql/data/csv/header_case.csv: "id,Val,VAL,val,_u,_u" then "1,a,b,c,d,e".
CREATE TEMPORARY VIEW hc USING csv OPTIONS (path 'tests/sql/data/csv/header_case.csv', header 'true');
SELECT * FROM hc;
SELECT val3, VAL2 FROM hc;
SET spark.sql.caseSensitive=true;
CREATE TEMPORARY VIEW hc2 USING csv OPTIONS (path 'tests/sql/data/csv/header_case.csv', header 'true');
SELECT * FROM hc2;
SELECT val, Val, VAL FROM hc2;
SELECT VAl FROM hc2
