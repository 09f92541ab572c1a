/*
 * config.h — the registry of typed configuration keys and a session's settings.
 *
 * Keys use Spark's names (spark.sql.shuffle.partitions, ...); Cinder-only keys
 * start with "cinder.". A cn_conf holds a session's overrides over the
 * defaults; SET, --conf and conf/cinder-defaults.conf all write into it.
 * Unknown spark.* / cinder.* keys are accepted and kept as strings (as Spark
 * does for keys it does not know); values of known keys are validated by type.
 */
#ifndef CN_CONFIG_H
#define CN_CONFIG_H

#include "base/base.h"
#include "base/error.h"

typedef enum { CN_CONF_BOOL, CN_CONF_INT, CN_CONF_BYTES, CN_CONF_STRING } cn_conf_type;

/* X(name, type, default, check, doc). check: a validator beyond the type (conf_positive,
 * conf_codec, conf_time_zone, all in config.c), or NULL. */
#define CN_CONF_KEYS(X)                                                                          \
    X("spark.sql.shuffle.partitions", CN_CONF_INT, "200", conf_positive,                          \
      "Partitions of a shuffle exchange (1 to 100000).")                                         \
    X("spark.sql.autoBroadcastJoinThreshold", CN_CONF_BYTES, "10485760", NULL,                          \
      "Largest estimated size of a join side that is broadcast; -1 disables.")                   \
    X("spark.sql.join.preferSortMergeJoin", CN_CONF_BOOL, "true", NULL,                                 \
      "Prefer sort-merge over shuffled hash join when neither side is broadcast.")               \
    X("spark.sql.ansi.enabled", CN_CONF_BOOL, "true", NULL, "ANSI SQL semantics (errors on overflow).") \
    X("spark.sql.files.maxPartitionBytes", CN_CONF_BYTES, "134217728", NULL,                            \
      "Largest file split read by one task.")                                                    \
    X("spark.sql.files.ignoreCorruptFiles", CN_CONF_BOOL, "false", NULL,                           \
      "Keep going past a corrupt (compressed) file, returning the records read before the damage.") \
    X("spark.sql.session.timeZone", CN_CONF_STRING, "UTC", conf_time_zone, "Session time zone.") \
    X("spark.task.maxFailures", CN_CONF_INT, "4", conf_positive,                                  \
      "Attempts of a task before the job fails.")                                                \
    X("spark.local.dir", CN_CONF_STRING, "/tmp", NULL, "Directory for shuffle and spill files.")        \
    X("spark.io.compression.codec", CN_CONF_STRING, "lz4", conf_codec,                                        \
      "Codec of shuffle, broadcast and spill blocks: lz4, zstd or none.")                        \
    X("spark.driver.maxResultSize", CN_CONF_BYTES, "1073741824", NULL,                                  \
      "Largest total size of results collected by the driver; 0 is unlimited.")                  \
    X("spark.master", CN_CONF_STRING, "local[*]", NULL, "Where to run: local[N] or local[*].")          \
    X("spark.executor.memory", CN_CONF_BYTES, "1073741824", NULL, "Memory of one executor.")           \
    X("spark.driver.memory", CN_CONF_BYTES, "1073741824", NULL,                                   \
      "Memory of the driver; in local mode, where tasks run in the driver, it sizes the memory " \
      "manager when set (else spark.executor.memory does). `cinder sql --driver-memory` sets it.") \
    X("spark.sql.variable.substitute", CN_CONF_BOOL, "true", NULL,                                \
      "Substitute ${var}, ${hivevar:var}, ${hiveconf:var}, ${spark:var} (settings) and "         \
      "${env:VAR} (environment) in SQL text before parsing.")                                    \
    X("spark.sql.adaptive.enabled", CN_CONF_BOOL, "true", NULL, "Adaptive query execution.")           \
    X("spark.sql.adaptive.coalescePartitions.enabled", CN_CONF_BOOL, "true", NULL,                     \
      "With adaptive execution: merge adjacent small shuffle partitions after the map stages.")  \
    X("spark.sql.adaptive.advisoryPartitionSizeInBytes", CN_CONF_BYTES, "67108864", NULL,              \
      "Advisory size of a shuffle partition after coalescing.")                                  \
    X("spark.sql.adaptive.coalescePartitions.minPartitionSize", CN_CONF_BYTES, "1048576", NULL,        \
      "Smallest size of a shuffle partition after coalescing.")                                  \
    X("spark.sql.adaptive.autoBroadcastJoinThreshold", CN_CONF_BYTES, "", NULL,                          \
      "With adaptive execution: largest runtime size of a join side that is broadcast; -1 "      \
      "disables; unset: spark.sql.autoBroadcastJoinThreshold.")                                 \
    X("spark.sql.adaptive.maxShuffledHashJoinLocalMapThreshold", CN_CONF_BYTES, "67108864", NULL,       \
      "With adaptive execution: a sort-merge join whose buildable side has no shuffle partition "\
      "over this size (and not below advisoryPartitionSizeInBytes) runs as a shuffled hash join "\
      "(Spark's default: 0, off).")                                                             \
    X("spark.sql.crossJoin.enabled", CN_CONF_BOOL, "true", NULL, "Allow cartesian products.")          \
    X("spark.sql.caseSensitive", CN_CONF_BOOL, "false", NULL,                                           \
      "Case-sensitive name resolution: columns, aliases, CTE and temporary view names (a view "  \
      "name is kept as written instead of lower-cased). Functions and keywords stay "           \
      "case-insensitive.")                                                                       \
    X("spark.sql.view.maxNestedViewDepth", CN_CONF_INT, "100", conf_positive,                     \
      "Deepest nesting of views read by views (a view is analyzed again at every reference).")  \
    X("spark.sql.legacy.timeParserPolicy", CN_CONF_STRING, "EXCEPTION", NULL, "Datetime parsing policy.") \
    X("cinder.sql.adaptive.runtimeFilter.enabled", CN_CONF_BOOL, "true", NULL,                          \
      "With adaptive execution: a join side broadcast at run time also filters the other side "  \
      "at its scans (a semi join on the key), before its shuffles and joins.")                   \
    X("cinder.shuffle.localMemoryBytes", CN_CONF_BYTES, "0", NULL,                                    \
      "Local mode: keep map outputs in memory up to this many bytes instead of files (0: files, "\
      "as Spark).")                                                                              \
    X("cinder.test.faults", CN_CONF_STRING, "", NULL, "Fault injection, e.g. task.fail=2 (tests only).") \
    X("cinder.test.reinject", CN_CONF_STRING, "", conf_reinject,                                               \
      "Tests only, never for real work: re-create fixed bugs so that the differential fuzzer "   \
      "can show it finds them. A comma list of null-key-slot (a NULL grouping key's value "      \
      "slot takes part in hashing and equality, splitting NULL groups) and "                     \
      "limit-offset-overflow (LIMIT + OFFSET wraps around in the planner).")

typedef struct cn_conf cn_conf;

cn_conf *cn_conf_new(void);
cn_conf *cn_conf_copy(const cn_conf *c);
void cn_conf_free(cn_conf *c);

/* Set key=value; a known key's value is validated by its type and its check
 * ([INVALID_CONF_VALUE], [INVALID_CONF_VALUE.TIME_ZONE]); an empty key is refused. */
int cn_conf_set(cn_conf *c, const char *key, const char *value, cn_error *err);
/* Is the key overridden in c (set explicitly, not just its default)? */
bool cn_conf_is_set(const cn_conf *c, const char *key);
/* Forget an override: the key reads its default again. */
void cn_conf_unset(cn_conf *c, const char *key);
/* Re-check every override (after cn_conf_set_zone_check: time zones set before it). */
int cn_conf_validate(const cn_conf *c, cn_error *err);
/* Time zones are resolved by types/ (a layer above): the session installs its test here.
 * Until then spark.sql.session.timeZone is checked by cn_conf_validate only. */
void cn_conf_set_zone_check(bool (*valid)(const char *zone));
/* Read "k=v" lines (# comments) from a file; missing file is not an error. */
int cn_conf_load_file(cn_conf *c, const char *path, cn_error *err);

/* Current value as a string (override, else default, else NULL). */
const char *cn_conf_get(const cn_conf *c, const char *key);
bool cn_conf_get_bool(const cn_conf *c, const char *key);
/* spark.sql.caseSensitive of c (false for NULL): how identifiers compare, see cn_ident_eq. */
bool cn_conf_case_sensitive(const cn_conf *c);
/* The one comparison of identifiers (columns, qualifiers, aliases, CTE and view names), as
 * Spark's resolver: exact when case_sensitive, else ignoring ASCII case. NULL equals nothing. */
bool cn_ident_eq(bool case_sensitive, const char *a, const char *b);
int64_t cn_conf_get_int(const cn_conf *c, const char *key); /* also bytes: "10m", "1g", "-1" */
/* cinder.test.reinject (tests only): the fixed bugs to re-create, as bits. Read once per plan or
 * operator, never per row. */
enum { CN_REINJECT_NULL_KEY_SLOT = 1u << 0, CN_REINJECT_LIMIT_OFFSET_OVERFLOW = 1u << 1 };
unsigned cn_conf_test_reinject(const cn_conf *c);
/* Parse a size like "10485760", "10m", "1g", "512k", "-1". */
int cn_conf_parse_bytes(const char *s, int64_t *out);

/* Spark's variable substitution (its VariableSubstitution / ConfigReader): every "${name}",
 * "${spark:name}", "${sparkconf:name}", "${hivevar:name}" or "${hiveconf:name}" is replaced by
 * the setting's value in c ("" when unset), "${env:NAME}" by the environment variable (left as
 * written when unset), other prefixes are left as written; replacements are substituted again,
 * and a circular reference is an error. The result is malloc'd; it is bounded by max_len
 * ([ILLEGAL_ARGUMENT] beyond). When spark.sql.variable.substitute is false, a plain copy. */
int cn_conf_substitute(const cn_conf *c, const char *text, size_t max_len, char **out, cn_error *err);

/* Iterate: known keys (value, default, doc) then unknown overrides. */
typedef void (*cn_conf_visit_fn)(void *ud, const char *key, const char *value, const char *doc, bool overridden);
void cn_conf_each(const cn_conf *c, cn_conf_visit_fn fn, void *ud);

#endif
