-- TPC-H tables over the generator's .tbl files (Spark SQL). ${TPCH_DIR} is
-- substituted by the scripts. Keys are BIGINT (nation/region keys, sizes and
-- counts INT), money and quantities DECIMAL(12,2), dates DATE, text STRING;
-- scripts/duckdb/schema.json mirrors these types for DuckDB.

CREATE OR REPLACE TEMPORARY VIEW region (
    r_regionkey INT,
    r_name STRING,
    r_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/region.tbl', sep '|', header 'false');

CREATE OR REPLACE TEMPORARY VIEW nation (
    n_nationkey INT,
    n_name STRING,
    n_regionkey INT,
    n_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/nation.tbl', sep '|', header 'false');

CREATE OR REPLACE TEMPORARY VIEW supplier (
    s_suppkey BIGINT,
    s_name STRING,
    s_address STRING,
    s_nationkey INT,
    s_phone STRING,
    s_acctbal DECIMAL(12,2),
    s_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/supplier.tbl', sep '|', header 'false');

CREATE OR REPLACE TEMPORARY VIEW customer (
    c_custkey BIGINT,
    c_name STRING,
    c_address STRING,
    c_nationkey INT,
    c_phone STRING,
    c_acctbal DECIMAL(12,2),
    c_mktsegment STRING,
    c_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/customer.tbl', sep '|', header 'false');

CREATE OR REPLACE TEMPORARY VIEW part (
    p_partkey BIGINT,
    p_name STRING,
    p_mfgr STRING,
    p_brand STRING,
    p_type STRING,
    p_size INT,
    p_container STRING,
    p_retailprice DECIMAL(12,2),
    p_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/part.tbl', sep '|', header 'false');

CREATE OR REPLACE TEMPORARY VIEW partsupp (
    ps_partkey BIGINT,
    ps_suppkey BIGINT,
    ps_availqty INT,
    ps_supplycost DECIMAL(12,2),
    ps_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/partsupp.tbl', sep '|', header 'false');

CREATE OR REPLACE TEMPORARY VIEW orders (
    o_orderkey BIGINT,
    o_custkey BIGINT,
    o_orderstatus STRING,
    o_totalprice DECIMAL(12,2),
    o_orderdate DATE,
    o_orderpriority STRING,
    o_clerk STRING,
    o_shippriority INT,
    o_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/orders.tbl', sep '|', header 'false');

CREATE OR REPLACE TEMPORARY VIEW lineitem (
    l_orderkey BIGINT,
    l_partkey BIGINT,
    l_suppkey BIGINT,
    l_linenumber INT,
    l_quantity DECIMAL(12,2),
    l_extendedprice DECIMAL(12,2),
    l_discount DECIMAL(12,2),
    l_tax DECIMAL(12,2),
    l_returnflag STRING,
    l_linestatus STRING,
    l_shipdate DATE,
    l_commitdate DATE,
    l_receiptdate DATE,
    l_shipinstruct STRING,
    l_shipmode STRING,
    l_comment STRING
) USING csv OPTIONS (path '${TPCH_DIR}/lineitem.tbl', sep '|', header 'false');
