-- Variable substitution as Spark's parser does it (spark.sql.variable.substitute, on by
-- default): ${k}, ${hivevar:k}, ${hiveconf:k}, ${spark:k} and ${sparkconf:k} read the
-- session's settings ('' when unset), unknown prefixes are left as written.
SET x=5;
SELECT ${x} + 1;
SELECT '${hivevar:x}' AS a, '${hiveconf:x}' AS b, '${spark:x}' AS c, '${sparkconf:x}' AS d;
SELECT concat('[', '${not_set_anywhere}', ']') AS e;
SELECT '${spark.sql.caseSensitive}' AS f;
SELECT '${other:x}' AS g, '${ x}' AS h, '$x' AS i;
SET y=${x}0;
SELECT ${y} AS y;
SET spark.sql.variable.substitute=false;
SELECT '${x}' AS j;
