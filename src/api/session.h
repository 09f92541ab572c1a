/*
 * session.h — a Cinder session: the entry point that runs SQL statements.
 *
 * cn_session_sql() runs one statement end to end: variable substitution
 * (${var}, as Spark's parser does), parse, analyze, optimize,
 * plan, schedule, collect. Queries return their rows as batches; commands
 * (SET, CREATE VIEW, CACHE TABLE, SHOW TABLES, DESCRIBE, EXPLAIN) return
 * their output the same way (EXPLAIN: one string column "plan").
 */
#ifndef CN_SESSION_H
#define CN_SESSION_H

#include "base/config.h"
#include "base/error.h"
#include "scheduler/listener.h"
#include "types/vector.h"

typedef struct cn_session cn_session;

/* Longest SQL text one call takes, after variable substitution (64 MiB); the shell reads no
 * more than this of a script either. */
#define CN_SQL_MAX_TEXT_BYTES ((size_t)64 << 20)

typedef struct cn_result {
    cn_schema *schema;  /* output columns with Spark's generated names */
    int nbatches;
    cn_batch **batches; /* dense batches (no selection vectors) */
    int64_t nrows;
    bool is_query;      /* false for commands whose output is informational (SET k=v ...) */
    bool sorted;        /* query ends in a top-level ORDER BY (golden comparison is ordered) */
    cn_arena *arena;    /* owns everything above */
} cn_result;

/* conf is copied; master "local[N]" / "local[*]" / "local". */
cn_session *cn_session_new(const cn_conf *conf, cn_error *err);
void cn_session_free(cn_session *s);
cn_conf *cn_session_conf(cn_session *s);
int cn_session_sql(cn_session *s, const char *sql, cn_result **out, cn_error *err);
void cn_result_free(cn_result *r);
/* Cancel the running job (async-signal-safe: sets a flag). */
void cn_session_cancel(cn_session *s);
/* Listener for scheduler events. */
void cn_session_add_listener(cn_session *s, cn_listener_fn fn, void *ud);
/* Spark's console progress bar on stderr (the shell calls this when stderr is a terminal). */
void cn_session_enable_progress(cn_session *s);

#endif
