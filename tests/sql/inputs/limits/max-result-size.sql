--SET spark.driver.maxResultSize=10m
-- spark.driver.maxResultSize (set at launch: Spark rejects SET of a core setting) is checked
-- while results stream in, not after a task made all of its 10^10 rows; the session goes on.
SELECT * FROM range(0, 100000) a CROSS JOIN range(0, 100000) b;
SELECT count(*) FROM range(0, 1000) a CROSS JOIN range(0, 1000) b;
SELECT id FROM range(0, 3) ORDER BY id;
