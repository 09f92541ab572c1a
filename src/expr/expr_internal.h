/*
 * expr_internal.h — shared declarations of the expression layer's files
 * (not a contract for other layers).
 *
 * Evaluation passes operands around as `ev`: a dense vector of n rows (row i
 * is the i-th live row of the input batch), or a constant (`cst`: one row,
 * broadcast to every row; literals evaluate this way so kernels can run
 * column-op-literal loops without materializing the literal). Kernels
 * receive evaluated operands and write a dense n-row result allocated from
 * the evaluation arena. Each kernel switches on the physical type once and
 * runs a tight loop; NULL handling is done on validity bitmaps word by word.
 */
#ifndef CN_EXPR_INTERNAL_H
#define CN_EXPR_INTERNAL_H

#include "expr/expr.h"
#include "types/datetime.h"
#include "types/decimal.h"

typedef struct ev {
    cn_vector v; /* capacity >= n, or 1 when cst */
    bool cst;
} ev;

#define EVI(o, i) ((o)->cst ? 0 : (i))
static inline bool ev_valid(const ev *o, int i) { return cn_vec_valid(&o->v, EVI(o, i)); }
/* True when a constant operand is NULL. */
static inline bool ev_cnull(const ev *o) { return o->cst && !cn_vec_valid(&o->v, 0); }

/* ---- eval.c ---- */
int ev_eval(const cn_expr *e, const cn_batch *in, ev *out, cn_eval_ctx *ctx, cn_error *err);
/* Dense vector of type t, n rows, validity NULL. */
void ev_alloc(ev *o, cn_type t, int n, cn_arena *a);
/* out validity := AND of the validity of args (n rows); out->validity stays NULL if all args have none. */
void ev_merge_validity(cn_vector *out, int n, ev *const *args, int nargs, cn_arena *a);
/* Make a constant operand into a dense n-row vector. */
void ev_materialize(ev *o, int n, cn_arena *a);
/* Constant operand from a value. */
void ev_const(ev *o, const cn_value *v, cn_arena *a);
/* Evaluate e on the subset of dense rows `rows[0..m)` of in; result is m dense rows. */
int ev_eval_subset(const cn_expr *e, const cn_batch *in, const uint16_t *rows, int m, ev *out, cn_eval_ctx *ctx,
                   cn_error *err);
/* Read an i128 decimal / integral value from a vector row regardless of width. */
cn_i128 ev_get_i128(const cn_vector *v, int row);
int64_t ev_get_i64(const cn_vector *v, int row);
double ev_get_f64(const cn_vector *v, int row);
void ev_put_i128(cn_vector *v, int row, cn_i128 x);

/* ---- kernels (each returns 0 or -1 with err set) ---- */
int ex_arith(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err);   /* arith.c */
int ex_compare(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err); /* compare.c */
int ex_hash(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err);    /* compare.c */
int ex_string(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err);  /* string_fns.c */
int ex_date(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err);    /* date_fns.c */
/* rand() / typeof() (misc_fns.c); evaluated by the dispatcher before its arguments. */
int ex_misc(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err);
double ex_rand_next(uint64_t *state);
/* LIKE with a literal pattern, matching every row (cst pattern required for the fast path). */
int ex_like(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err);
/* CAST kernel (cast.c): in has type `from`, out gets type `to`. */
int ex_cast(const ev *in, cn_type from, cn_type to, bool try_, int n, ev *out, cn_eval_ctx *ctx, cn_error *err);
/* Can `from` be cast to `to` explicitly (Spark's Cast.canAnsiCast)? */
bool ex_can_cast(cn_type from, cn_type to);
/* Cast one value (constant folding and literal coercion). */
int ex_cast_value(const cn_value *v, cn_type to, bool try_, cn_eval_ctx *ctx, cn_value *out, cn_error *err);

/* ---- errors shared by kernels ---- */
/* [ARITHMETIC_OVERFLOW] `what`, suggesting try_fn (NULL: no suggestion, as for abs and negation). */
int ex_err_overflow(cn_error *err, const char *what, const char *try_fn);
int ex_err_div0(cn_error *err);
int ex_err_decimal_range(cn_error *err, cn_i128 v, int scale, int p, int s);
/* '<text>' quoting used by CAST_INVALID_INPUT's `expression` parameter. */
int ex_err_cast_input(cn_error *err, const char *s, size_t len, cn_type from, cn_type to);

/* ---- 256-bit helpers for decimal multiply/divide (arith.c) ---- */
/* round(a * b / 10^k) HALF_UP; false when the result does not fit 127 bits. */
bool ex_mul_div_pow10(cn_i128 a, cn_i128 b, int k, cn_i128 *out);
/* round(a * 10^k / b) HALF_UP (b != 0); false on overflow. */
bool ex_scale_div(cn_i128 a, int k, cn_i128 b, cn_i128 *out);

/* ---- construct.c ---- */
/* Consistency check of a CALL node read from bytes (arity, coerced argument types). */
int ex_validate_call(cn_arena *a, const cn_expr *e, cn_error *err);

/* ---- text.c ---- */
/* Spark's SQL name of a function id (alias aware). */
const char *ex_func_name(const cn_expr *e);
const char *ex_agg_name(const cn_expr *e);
/* Pretty "\"<sql>\"" for error parameters, arena string. */
const char *ex_quoted_sql(cn_arena *a, const cn_expr *e);
const char *ex_quoted_type(cn_arena *a, cn_type t);

/* ---- string_fns.c: LIKE matcher ---- */
typedef struct ex_like_pat ex_like_pat;
ex_like_pat *ex_like_compile(cn_arena *a, const char *pat, size_t len, char escape, cn_error *err);
bool ex_like_match(const ex_like_pat *p, const char *s, size_t len);

#endif
