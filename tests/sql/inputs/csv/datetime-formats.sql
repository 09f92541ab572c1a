-- CSV dateFormat / timestampFormat / timestampNTZFormat (Spark's "Datetime Patterns" and the
-- CSV data source options). Paths are relative to the repository root. The session time
-- zone is America/Los_Angeles (the golden runner's, as Spark's suite).
-- tests/sql/data/csv/dates_dmy.csv: rows 1-2 match the patterns; row 3 is ISO (matches
-- none: with a pattern set Spark does not fall back to the default forms); row 4 has
-- 30/02 (no such date), a timestamp with an offset (+02:00, read as that instant) and the
-- same text as TIMESTAMP_NTZ (a zone is not allowed there); row 5 has empty fields (NULL,
-- the default nullValue, not malformed). The parsed values agree with DuckDB's strptime
-- (%d/%m/%Y %H:%M:%S[.%g][%z]) in the same time zone.
CREATE TEMPORARY VIEW dmy (id INT, d DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ) USING csv OPTIONS (path 'tests/sql/data/csv/dates_dmy.csv', header 'true', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm:ss[.SSS][XXX]', timestampNTZFormat 'dd/MM/yyyy HH:mm:ss[.SSS][XXX]');
SELECT * FROM dmy ORDER BY id;
SELECT id, year(d), month(d), day(d), hour(ts), second(ts), hour(ntz) FROM dmy ORDER BY id;
-- DROPMALFORMED drops the rows with a field that does not parse; only the requested
-- columns are parsed (Spark's CSV column pruning), so row 4 stays when d and ntz are not read
CREATE TEMPORARY VIEW dmy_drop (id INT, d DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ) USING csv OPTIONS (path 'tests/sql/data/csv/dates_dmy.csv', header 'true', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm:ss[.SSS][XXX]', timestampNTZFormat 'dd/MM/yyyy HH:mm:ss[.SSS][XXX]', mode 'DROPMALFORMED');
SELECT * FROM dmy_drop ORDER BY id;
SELECT id, ts FROM dmy_drop ORDER BY id;
SELECT count(d) FROM dmy_drop;
-- FAILFAST fails on row 3 (Spark 4: FAILED_READ_FILE.NO_HINT caused by
-- MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION); reading only the id column does not fail
CREATE TEMPORARY VIEW dmy_fail (id INT, d DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ) USING csv OPTIONS (path 'tests/sql/data/csv/dates_dmy.csv', header 'true', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm:ss[.SSS][XXX]', mode 'FAILFAST');
SELECT * FROM dmy_fail;
SELECT sum(id) FROM dmy_fail;
-- without the patterns, the dd/MM/yyyy texts are not dates (Spark's default forms) and the
-- ISO row is
CREATE TEMPORARY VIEW dmy_default (id INT, d DATE, ts TIMESTAMP) USING csv OPTIONS (path 'tests/sql/data/csv/dates_dmy.csv', header 'true');
SELECT id, d, ts FROM dmy_default ORDER BY id;
-- Schema inference (CSVInferSchema, Spark 3.4+): a column whose values match dateFormat is a
-- DATE (prefersDate, the default), one matching timestampFormat a TIMESTAMP; a column mixing
-- both is a STRING when timestampFormat is set (dates are read as timestamps only by the
-- default timestamp parser).
-- tests/sql/data/csv/dates_infer.csv: d = 31/12/2019, 01/01/2020; ts = the same at 23:59:58 and
-- 00:00:00; mixed = 31/12/2019, 01/01/2020 10:00:00; n = 1, 2.
CREATE TEMPORARY VIEW inf USING csv OPTIONS (path 'tests/sql/data/csv/dates_infer.csv', header 'true', inferSchema 'true', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm:ss');
SELECT typeof(d), typeof(ts), typeof(mixed), typeof(n) FROM inf LIMIT 1;
SELECT * FROM inf ORDER BY n;
-- no dateFormat: d matches neither yyyy-MM-dd nor the timestamp pattern
CREATE TEMPORARY VIEW inf_ts USING csv OPTIONS (path 'tests/sql/data/csv/dates_infer.csv', header 'true', inferSchema 'true', timestampFormat 'dd/MM/yyyy HH:mm:ss');
SELECT typeof(d), typeof(ts), typeof(mixed), typeof(n) FROM inf_ts LIMIT 1;
-- a timestampFormat that matches the dates: prefersDate picks DATE, prefersDate false TIMESTAMP
CREATE TEMPORARY VIEW inf_pd USING csv OPTIONS (path 'tests/sql/data/csv/dates_infer.csv', header 'true', inferSchema 'true', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy');
SELECT typeof(d), typeof(ts), typeof(mixed) FROM inf_pd LIMIT 1;
CREATE TEMPORARY VIEW inf_nopd USING csv OPTIONS (path 'tests/sql/data/csv/dates_infer.csv', header 'true', inferSchema 'true', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy', prefersDate 'false');
SELECT typeof(d), typeof(ts), typeof(mixed) FROM inf_nopd LIMIT 1;
SELECT d FROM inf_nopd ORDER BY d;
-- no patterns (tests/sql/data/csv/dates_iso.csv): ISO dates are DATE; dates mixed with
-- timestamps are TIMESTAMP (the default parser reads yyyy-MM-dd); with a dateFormat that is
-- not one of the forms the default parser reads (uuuu-MM-dd reads the same dates, but Spark
-- compares the pattern text) the mix is STRING
CREATE TEMPORARY VIEW iso USING csv OPTIONS (path 'tests/sql/data/csv/dates_iso.csv', header 'true', inferSchema 'true');
SELECT typeof(d), typeof(mixed) FROM iso LIMIT 1;
SELECT * FROM iso ORDER BY d;
CREATE TEMPORARY VIEW iso_df USING csv OPTIONS (path 'tests/sql/data/csv/dates_iso.csv', header 'true', inferSchema 'true', dateFormat 'uuuu-MM-dd');
SELECT typeof(d), typeof(mixed) FROM iso_df LIMIT 1;
