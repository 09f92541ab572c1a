-- Query contexts of statements over several lines: startIndex, stopIndex and fragment count
-- characters of the statement, newlines included. Queries and expected blocks are Spark's
-- (its golden files cte.sql and interval.sql).
create temporary view t as select * from values 0, 1, 2 as t(id);
WITH r AS (SELECT (SELECT * FROM r))
SELECT * FROM r;
WITH
  t(x) AS (SELECT 1),
  t(x) AS (SELECT 2)
SELECT * FROM t;
WITH t AS (SELECT 1 FROM non_existing_table)
SELECT 2;
WITH same_name(x) AS (SELECT 42)
SELECT same_name.x FROM (SELECT 10) AS same_name(x), same_name;
with cte as (select id as id_alias from t)
select id from cte;
with r1 as (select * from r2),
     r2 as (select 1)
select 2;
SELECT * FROM
  (WITH q AS (select 1 x) SELECT x+1 AS y FROM q),
  q;
select
  interval '2' year + '3-3 year to month',
  interval '2' year - '3 month',
  '3-2 year to month' + interval '2-2' year to month,
  '3 year' - interval '2-2' year to month,
  interval '99 11:22:33.123456789' day to second + '12:12 hour to second',
  interval '99 11:22:33.123456789' day to second - '12 hour',
  '4 day' + interval '10' day,
  '4 22 day to hour' - interval '10' day;
