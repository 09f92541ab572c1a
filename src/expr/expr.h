/*
 * expr.h — bound expressions and their vectorized evaluation.
 *
 * A cn_expr is a typed, resolved expression tree. Column references carry a
 * unique attribute id (Spark's exprId, printed as name#id in EXPLAIN) and,
 * once bound to a physical operator's input, the ordinal of that column in
 * the input batch (`index`; -1 while unbound). Functions and operators are
 * CN_EX_CALL nodes with a cn_func id; their argument types have already been
 * coerced by cn_expr_call() (implicit CASTs inserted as Spark's type coercion
 * rules do), so kernels switch on physical types once per batch and run tight
 * loops.
 *
 * Evaluation (eval.c and the kernel files):
 *   cn_expr_eval(e, batch, out, ctx, err) evaluates e over the live rows of
 *   `batch` (honouring its selection vector) into `out`, which receives
 *   cn_batch_live(batch) dense rows. Output memory comes from ctx->arena,
 *   which the caller resets between batches.
 *   cn_expr_select(e, batch, sel_out, ctx, err) evaluates a boolean predicate
 *   and returns the number of live rows for which it is TRUE, writing their
 *   physical row numbers to sel_out (NULL and FALSE drop the row).
 *
 * Errors in ANSI mode ([DIVIDE_BY_ZERO], [CAST_INVALID_INPUT],
 * [ARITHMETIC_OVERFLOW], [NUMERIC_VALUE_OUT_OF_RANGE]) fail the evaluation.
 */
#ifndef CN_EXPR_H
#define CN_EXPR_H

#include "base/arena.h"
#include "base/error.h"
#include "base/strbuf.h"
#include "types/value.h"
#include "types/vector.h"

typedef enum cn_expr_kind {
    CN_EX_COL,       /* id, index, name */
    CN_EX_LIT,       /* lit */
    CN_EX_CALL,      /* func, args */
    CN_EX_CAST,      /* args[0] -> type; try_ (NULL instead of error) */
    CN_EX_CASE,      /* args: when1, then1, ..., whenN, thenN [, else] ; has_else */
    CN_EX_AND,       /* args[0], args[1]  (three-valued) */
    CN_EX_OR,
    CN_EX_NOT,       /* args[0] */
    CN_EX_IS_NULL,   /* args[0] */
    CN_EX_IS_NOT_NULL,
    CN_EX_IN,        /* args[0] IN (args[1..]) — same type after coercion; three-valued */
    CN_EX_LIKE,      /* args[0] LIKE args[1] (pattern usually literal); escape */
    CN_EX_AGG,       /* aggregate call (logical plans only): agg, args, distinct */
    CN_EX_SUBQUERY,  /* subquery (logical plans only): subq */
    CN_EX_SORT_KEY   /* unused placeholder */
} cn_expr_kind;

/* Scalar functions and operators. X(id, sql_name) */
#define CN_FUNCS(X)                                                                    \
    X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(MOD, "%") X(INTDIV, "div")       \
    X(NEG, "negative") X(POS, "positive") X(ABS, "abs") X(PMOD, "pmod")                \
    X(EQ, "=") X(NE, "<>") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=")               \
    X(EQ_NS, "<=>")                                                                    \
    X(CONCAT, "concat") X(SUBSTRING, "substring") X(UPPER, "upper") X(LOWER, "lower")  \
    X(LENGTH, "length") X(TRIM, "trim") X(LTRIM, "ltrim") X(RTRIM, "rtrim")            \
    X(STARTSWITH, "startswith") X(ENDSWITH, "endswith") X(CONTAINS, "contains")        \
    X(INSTR, "instr") X(REPLACE, "replace") X(LPAD, "lpad") X(RPAD, "rpad")            \
    X(COALESCE, "coalesce") X(NULLIF, "nullif") X(IF, "if") X(NVL, "nvl")              \
    X(ISNAN, "isnan") X(GREATEST, "greatest") X(LEAST, "least")                        \
    X(ROUND, "round") X(FLOOR, "floor") X(CEIL, "ceil") X(SQRT, "sqrt") X(POWER, "power") \
    X(YEAR, "year") X(MONTH, "month") X(DAY, "day") X(QUARTER, "quarter")              \
    X(DAYOFWEEK, "dayofweek") X(DAYOFYEAR, "dayofyear") X(HOUR, "hour")                \
    X(MINUTE, "minute") X(SECOND, "second")                                            \
    X(DATE_ADD, "date_add") X(DATE_SUB, "date_sub") X(DATEDIFF, "datediff")            \
    X(ADD_MONTHS, "add_months") X(DATE_ADD_INTERVAL, "+interval")                      \
    X(DATE_SUB_INTERVAL, "-interval") X(TS_ADD_INTERVAL, "ts+interval")                \
    X(TO_DATE, "to_date") X(CURRENT_DATE, "current_date")                              \
    X(CURRENT_TIMESTAMP, "current_timestamp") X(MAKE_DATE, "make_date")                \
    X(HASH, "hash") X(DATE_TRUNC, "date_trunc") X(TRUNC, "trunc") X(LAST_DAY, "last_day") \
    X(NEXT_DAY, "next_day") X(DATE_FORMAT, "date_format")                             \
    X(BETWEEN, "between") X(SUB_DATES, "-dates") X(WEEKOFYEAR, "weekofyear")           \
    X(WEEKDAY, "weekday") X(LN, "ln") X(EXP, "exp") X(LOG10, "log10") X(SIGN, "sign")   \
    X(REVERSE, "reverse") X(REPEAT, "repeat") X(ASCII, "ascii")                      \
    X(TIMESTAMPADD, "timestampadd") X(TIMESTAMPDIFF, "timestampdiff")                  \
    X(TO_TIMESTAMP, "to_timestamp") X(UNIX_DATE, "unix_date")                          \
    X(DATE_FROM_UNIX_DATE, "date_from_unix_date") X(RAND, "rand") X(TYPEOF, "typeof")    \
    X(SUB_TIMESTAMPS, "-timestamps")

typedef enum cn_func {
#define X(id, name) CN_FN_##id,
    CN_FUNCS(X)
#undef X
    CN_FN_COUNT
} cn_func;

/* Aggregate functions. X(id, sql_name) */
#define CN_AGGS(X)                                                                     \
    X(SUM, "sum") X(COUNT, "count") X(AVG, "avg") X(MIN, "min") X(MAX, "max")          \
    X(FIRST, "first") X(LAST, "last") X(ANY_VALUE, "any_value")                       \
    X(BOOL_AND, "bool_and") X(BOOL_OR, "bool_or") X(STDDEV_SAMP, "stddev_samp")        \
    X(VAR_SAMP, "var_samp") X(STDDEV_POP, "stddev_pop") X(VAR_POP, "var_pop")          \
    X(SKEWNESS, "skewness") X(KURTOSIS, "kurtosis")

typedef enum cn_agg_func {
#define X(id, name) CN_AGG_##id,
    CN_AGGS(X)
#undef X
    CN_AGG_FUNC_COUNT
} cn_agg_func;

typedef struct cn_expr cn_expr;

struct cn_expr {
    uint8_t kind;  /* cn_expr_kind */
    bool nullable;
    bool try_;      /* CAST: try_cast semantics; arithmetic: try_ variants */
    bool distinct;  /* CN_EX_AGG: DISTINCT */
    bool has_else;  /* CN_EX_CASE */
    bool is_star;   /* CN_EX_AGG: count(*) */
    bool implicit;  /* CN_EX_CAST inserted by type coercion (hidden in cn_expr_sql names) */
    char escape;    /* CN_EX_LIKE */
    cn_type type;   /* result type */
    int func;       /* cn_func for CALL, cn_agg_func for AGG */
    int nargs;
    cn_expr **args;
    /* CN_EX_COL */
    int64_t id;     /* attribute id (exprId) */
    int index;      /* bound input ordinal, -1 if unbound */
    const char *name; /* COL: column name; CALL/AGG: the alias the user wrote if it differs
                       * from the canonical name ("substr", "every"), else NULL */
    const char *qualifier; /* table alias the column came from (analysis only) */
    /* CN_EX_LIT */
    cn_value lit;
    /* CN_EX_SUBQUERY: opaque pointer to a logical plan (plan/logical.h), kind of subquery */
    void *subq;
    int subq_kind;  /* 0 scalar, 1 exists, 2 in (args hold the left values) */
    int64_t subq_id;
    int start, stop; /* SQL text range, -1 if none (for error contexts) */
    /* rand(): generator state, seeded on the first batch a task evaluates (not serialized) */
    bool rng_init;
    int64_t rng_state;
};

/* A sort key: ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST] (Spark: ASC -> NULLS FIRST, DESC -> NULLS LAST). */
typedef struct cn_sort_key {
    cn_expr *expr;
    bool desc;
    bool nulls_first;
} cn_sort_key;

/* ---- construction (construct.c) ---- */
cn_expr *cn_expr_new(cn_arena *a, cn_expr_kind kind, cn_type type, int nargs);
cn_expr *cn_expr_col(cn_arena *a, int64_t id, const char *name, cn_type type, bool nullable);
cn_expr *cn_expr_lit(cn_arena *a, cn_value v);
cn_expr *cn_expr_bool(cn_arena *a, bool b);
/* Build a function or operator call by SQL name ("+", "=", "substring", "year", ...):
 * checks argument count and types ([WRONG_NUM_ARGS...], [DATATYPE_MISMATCH...],
 * [UNRESOLVED_ROUTINE] for unknown names), inserts Spark's implicit casts and
 * computes the result type (decimal precision rules included). Also accepts
 * "and", "or", "not", "isnull", "isnotnull", "in" (args[0] IN args[1..]),
 * "like", and aggregate names when `agg_ok` (then returns a CN_EX_AGG node;
 * DISTINCT via `distinct`). */
int cn_expr_call(cn_arena *a, const char *name, cn_expr **args, int nargs, bool distinct, bool agg_ok,
                 cn_expr **out, cn_error *err);
/* count(*) */
cn_expr *cn_expr_count_star(cn_arena *a);
/* CAST arg AS t; [DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] when not castable. */
int cn_expr_cast(cn_arena *a, cn_expr *arg, cn_type t, bool try_, cn_expr **out, cn_error *err);
/* Cast e to t if its type differs (implicit coercion; cannot fail for the types coercion picks). */
cn_expr *cn_expr_coerce(cn_arena *a, cn_expr *e, cn_type t);
/* CASE: whens/thens/else with result type coercion. */
int cn_expr_case(cn_arena *a, cn_expr **whens, cn_expr **thens, int n, cn_expr *else_, cn_expr **out, cn_error *err);
/* Aggregate function id by name, -1 if not an aggregate. */
int cn_agg_lookup(const char *name);
bool cn_expr_is_scalar_function(const char *name);

/* ---- inspection and rewriting (construct.c) ---- */
cn_expr *cn_expr_copy(cn_arena *a, const cn_expr *e); /* deep */
bool cn_expr_equal(const cn_expr *a, const cn_expr *b); /* semantic equality by structure and ids */
bool cn_expr_has_agg(const cn_expr *e);
bool cn_expr_has_subquery(const cn_expr *e);
bool cn_expr_is_deterministic(const cn_expr *e);
/* Calls fn on every CN_EX_COL in e. */
void cn_expr_visit_cols(const cn_expr *e, void (*fn)(void *ud, const cn_expr *col), void *ud);
/* True if every column referenced has an id in ids[0..n). */
bool cn_expr_refs_subset(const cn_expr *e, const int64_t *ids, int n);
/* Rewrite columns: for each COL whose id is in ids[i], set index = i; -1 if absent.
 * Returns -1 (INTERNAL_ERROR) if a column cannot be bound. Modifies e in place. */
int cn_expr_bind(cn_expr *e, const int64_t *ids, int n, cn_error *err);
/* Split a conjunction into its conjuncts (appends to out; *n updated). */
void cn_expr_split_and(cn_expr *e, cn_expr ***out, int *n, int *cap);
cn_expr *cn_expr_and_all(cn_arena *a, cn_expr **conj, int n); /* NULL if n == 0 */

/* ---- text ---- */
/* Spark's pretty SQL used for generated column names: "sum(a)", "(a + 1)", "count(1)", "CAST(a AS INT)". */
void cn_expr_sql(const cn_expr *e, cn_strbuf *sb);
/* EXPLAIN form with attribute ids: "sum((l_extendedprice#5 * (1 - l_discount#6)))". */
void cn_expr_explain(const cn_expr *e, cn_strbuf *sb);

/* ---- evaluation (eval.c) ---- */
typedef struct cn_eval_ctx {
    cn_arena *arena;        /* output vectors and temporaries; reset by the caller per batch */
    const char *timezone;   /* session time zone */
    bool ansi;              /* spark.sql.ansi.enabled */
    int64_t now_micros;     /* current_timestamp() of the query */
    int partition_index;    /* the task's partition (rand(seed) draws from seed + partition) */
} cn_eval_ctx;

int cn_expr_eval(const cn_expr *e, const cn_batch *in, cn_vector *out, cn_eval_ctx *ctx, cn_error *err);
/* Predicate: writes selected physical rows to sel_out (capacity >= live rows); returns count or -1. */
int cn_expr_select(const cn_expr *e, const cn_batch *in, uint16_t *sel_out, cn_eval_ctx *ctx, cn_error *err);
/* Evaluate an expression without column references (constant folding, literals). */
int cn_expr_eval_const(const cn_expr *e, cn_eval_ctx *ctx, cn_value *out, cn_error *err);
bool cn_expr_is_foldable(const cn_expr *e);

/* ---- serialization (serde.c), used for task shipping ---- */
struct cn_writer;
struct cn_reader;
void cn_expr_write(struct cn_writer *w, const cn_expr *e);
int cn_expr_read(struct cn_reader *r, cn_arena *a, cn_expr **out, cn_error *err);

#endif
