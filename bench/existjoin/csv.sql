-- The tables of tables.sql as CSV files (written by DuckDB from tables.sql); ${DATA} is
-- substituted by bench/existjoin/run. Column types as tables.sql makes them.
CREATE OR REPLACE TEMPORARY VIEW item (i_item_sk BIGINT, i_item_id STRING)
USING csv OPTIONS (path '${DATA}/item.csv', header 'false');
CREATE OR REPLACE TEMPORARY VIEW customer_address (ca_address_sk BIGINT, ca_zip STRING, ca_city STRING)
USING csv OPTIONS (path '${DATA}/customer_address.csv', header 'false');
CREATE OR REPLACE TEMPORARY VIEW customer (c_customer_sk BIGINT, c_current_addr_sk BIGINT)
USING csv OPTIONS (path '${DATA}/customer.csv', header 'false');
CREATE OR REPLACE TEMPORARY VIEW date_dim (d_date_sk BIGINT, d_year INT, d_qoy INT)
USING csv OPTIONS (path '${DATA}/date_dim.csv', header 'false');
CREATE OR REPLACE TEMPORARY VIEW web_sales (ws_order_number BIGINT, ws_bill_customer_sk BIGINT, ws_item_sk BIGINT,
    ws_sold_date_sk BIGINT, ws_sales_price DECIMAL(7,2))
USING csv OPTIONS (path '${DATA}/web_sales.csv', header 'false');
