-- TPC-DS q45's shape on data of our own making: a fact table of 1,000,000 rows joined to
-- four dimensions, filtered by `zip IN (...) OR item_id IN (subquery)` — an existence join
-- (see existence-join.sql). Tables and query: bench/existjoin (which times it). Expected
-- results: DuckDB (scripts/duckdb/golden.mjs).
CREATE TEMPORARY VIEW item AS SELECT id AS i_item_sk, concat('AAAA', lpad(CAST(CAST(floor(id / 2) AS BIGINT) AS STRING), 8, '0')) AS i_item_id FROM range(1, 18001) AS r(id);
CREATE TEMPORARY VIEW customer_address AS SELECT id AS ca_address_sk, CAST(10000 + (id * 7919) % 90000 AS STRING) AS ca_zip, concat('City', CAST(id % 97 AS STRING)) AS ca_city FROM range(1, 25001) AS r(id);
CREATE TEMPORARY VIEW customer AS SELECT id AS c_customer_sk, 1 + (id * 104729) % 25000 AS c_current_addr_sk FROM range(1, 50001) AS r(id);
CREATE TEMPORARY VIEW date_dim AS SELECT id AS d_date_sk, 2000 + CAST(floor(id / 365) AS INT) AS d_year, 1 + CAST(floor((id % 365) / 92) AS INT) AS d_qoy FROM range(0, 1096) AS r(id);
CREATE TEMPORARY VIEW web_sales AS SELECT id AS ws_order_number, 1 + (id * 7907) % 50000 AS ws_bill_customer_sk, 1 + (id * 6229) % 18000 AS ws_item_sk, (id * 31) % 1096 AS ws_sold_date_sk, CAST((id % 10000) / 100.0 AS DECIMAL(7,2)) AS ws_sales_price FROM range(0, 1000000) AS r(id);

SELECT ca_zip, ca_city, CAST(sum(ws_sales_price) AS DECIMAL(17,2)) AS s
FROM web_sales, customer, customer_address, date_dim, item
WHERE ws_bill_customer_sk = c_customer_sk
  AND c_current_addr_sk = ca_address_sk
  AND ws_item_sk = i_item_sk
  AND (substr(ca_zip, 1, 5) IN ('85669', '86197', '88274', '83405', '86475', '85392', '85460', '80348', '81792', '10025', '17919', '25838', '33757')
       OR i_item_id IN (SELECT i_item_id FROM item WHERE i_item_sk IN (2, 3, 5, 7, 11, 13, 17, 19, 23, 29)))
  AND ws_sold_date_sk = d_date_sk AND d_qoy = 2 AND d_year = 2001
GROUP BY ca_zip, ca_city
ORDER BY ca_zip, ca_city
LIMIT 100
;

SELECT count(*) AS n, CAST(sum(ws_sales_price) AS DECIMAL(17,2)) AS s, count(DISTINCT ws_item_sk) AS items
FROM web_sales, customer, customer_address, item
WHERE ws_bill_customer_sk = c_customer_sk AND c_current_addr_sk = ca_address_sk AND ws_item_sk = i_item_sk
  AND (substr(ca_zip, 1, 2) IN ('85', '17') OR i_item_id IN (SELECT i_item_id FROM item WHERE i_item_sk % 1000 = 7));
