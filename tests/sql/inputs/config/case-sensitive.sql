-- spark.sql.caseSensitive: names resolve case-insensitively only, so setting it to true is
-- refused with a classed error instead of being accepted and ignored; false is the default
-- and can be set.
SET spark.sql.caseSensitive=true;
SET spark.sql.caseSensitive=false;
SELECT A FROM VALUES (1) AS t(a);
