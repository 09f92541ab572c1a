-- Outer joins shuffled on their keys (no broadcasts), then grouped: the output of a right
-- join is partitioned by its right keys, of a left join by its left keys, of a full join by
-- neither, as Spark's SortMergeJoinExec.outputPartitioning says. Grouping by the nulled side
-- must still see all of its NULL keys in one group. Adaptive execution is off so that the
-- planned partitioning is what runs. Expected results are worked out by hand.
SET spark.sql.adaptive.enabled=false;
SET spark.sql.autoBroadcastJoinThreshold=-1;
SET spark.sql.shuffle.partitions=4;
SELECT a.k, count(*) FROM (SELECT id AS k FROM range(0, 5)) a RIGHT JOIN (SELECT id AS k FROM range(0, 20)) b ON a.k = b.k GROUP BY a.k ORDER BY a.k;
SELECT b.k, count(*) FROM (SELECT id AS k FROM range(0, 20)) a LEFT JOIN (SELECT id AS k FROM range(0, 5)) b ON a.k = b.k GROUP BY b.k ORDER BY b.k;
SELECT a.k, b.k, count(*) FROM (SELECT id AS k FROM range(0, 5)) a FULL JOIN (SELECT id + 3 AS k FROM range(0, 5)) b ON a.k = b.k GROUP BY a.k, b.k ORDER BY a.k, b.k;
