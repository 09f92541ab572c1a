-- spark.sql.shuffle.partitions: positive (as Spark checks), and at most 100,000
-- (CN_MAX_PARTITIONS: tasks and shuffle files keep arrays per partition); the session goes on.
SET spark.sql.shuffle.partitions=100000000;
SET spark.sql.shuffle.partitions=0;
SET spark.sql.shuffle.partitions=-5;
SELECT k, count(*) FROM (SELECT id % 3 AS k FROM range(0, 30)) GROUP BY k ORDER BY k;

-- the partition count of a REPARTITION / COALESCE hint has the same bound
SELECT /*+ REPARTITION(100000000) */ count(*) FROM range(0, 10);
SELECT /*+ COALESCE(100000000) */ count(*) FROM range(0, 10);
SELECT /*+ REPARTITION(3) */ count(*) FROM range(0, 10);
