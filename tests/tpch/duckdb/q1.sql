-- TPC-H Q1 for DuckDB: avg(DECIMAL(12,2)) is a DOUBLE in DuckDB, so the averages use
-- spark_avg_dec2 (scripts/duckdb/query.mjs): exact, HALF_UP at scale 6 like Spark's DECIMAL(16,6).
select
    l_returnflag,
    l_linestatus,
    sum(l_quantity) as sum_qty,
    sum(l_extendedprice) as sum_base_price,
    sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
    sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
    spark_avg_dec2(l_quantity) as avg_qty,
    spark_avg_dec2(l_extendedprice) as avg_price,
    spark_avg_dec2(l_discount) as avg_disc,
    count(*) as count_order
from
    lineitem
where
    l_shipdate <= date '1998-12-01' - interval '90' day
group by
    l_returnflag,
    l_linestatus
order by
    l_returnflag,
    l_linestatus;
