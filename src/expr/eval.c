/*
 * eval.c — vectorized evaluation: the dispatcher, column references,
 * literals, three-valued AND/OR/NOT, IS [NOT] NULL, CASE/IF/COALESCE/NVL/
 * NULLIF, and predicate selection.
 *
 * Every node evaluates over the live rows of the input batch into a dense
 * vector (see expr_internal.h for `ev`). A bare column over a batch without
 * selection is returned without copying (the output aliases the input
 * vector); with a selection it is gathered. Literals stay constants. Nodes
 * whose arguments are all constants are evaluated once on one row.
 *
 * Conditional evaluation follows Spark: AND evaluates its right side only
 * on rows where the left side is not FALSE, OR only where it is not TRUE,
 * CASE/IF evaluate each branch only on the rows that reach it, so
 * `CASE WHEN x = 0 THEN NULL ELSE 1 / x END` never divides by zero.
 * cn_expr_select evaluates AND chains conjunct by conjunct on the shrinking
 * selection, and compares a column with a constant directly over the input
 * vector without materializing anything.
 */
#include "expr/expr_internal.h"

#include <math.h>
#include <stdio.h>

void ev_alloc(ev *o, cn_type t, int n, cn_arena *a)
{
    memset(o, 0, sizeof *o);
    cn_vector_init(&o->v, t, n > 0 ? n : 1, a);
}

void ev_merge_validity(cn_vector *out, int n, ev *const *args, int nargs, cn_arena *a)
{
    int w = CN_VALIDITY_WORDS(n > 0 ? n : 1);
    for (int k = 0; k < nargs; k++) {
        const ev *x = args[k];
        if (x->cst) {
            if (!cn_vec_valid(&x->v, 0)) {
                out->validity = cn_arena_calloc(a, sizeof(uint64_t) * (size_t)w);
                return;
            }
            continue;
        }
        if (!x->v.validity) continue;
        if (!out->validity) {
            out->validity = cn_arena_alloc(a, sizeof(uint64_t) * (size_t)w);
            memcpy(out->validity, x->v.validity, sizeof(uint64_t) * (size_t)w);
        } else {
            for (int i = 0; i < w; i++) out->validity[i] &= x->v.validity[i];
        }
    }
}

void ev_const(ev *o, const cn_value *v, cn_arena *a)
{
    ev_alloc(o, v->type, 1, a);
    o->cst = true;
    if (v->is_null) cn_vector_set_all_null(&o->v, 1, a);
    else cn_value_to_vector(v, &o->v, 0, a);
}

static void copy_cell(cn_vector *dst, int drow, const cn_vector *src, int srow)
{
    int w = cn_type_width(dst->type);
    memcpy((char *)dst->data + (size_t)drow * (size_t)w, (const char *)src->data + (size_t)srow * (size_t)w, (size_t)w);
}

void ev_materialize(ev *o, int n, cn_arena *a)
{
    if (!o->cst) return;
    ev r;
    ev_alloc(&r, o->v.type, n, a);
    if (!cn_vec_valid(&o->v, 0)) {
        cn_vector_set_all_null(&r.v, n, a);
    } else {
        int w = cn_type_width(o->v.type);
        for (int i = 0; i < n; i++) memcpy((char *)r.v.data + (size_t)i * (size_t)w, o->v.data, (size_t)w);
    }
    *o = r;
}

cn_i128 ev_get_i128(const cn_vector *v, int row)
{
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_I8: return ((const int8_t *)v->data)[row];
    case CN_PHYS_I16: return ((const int16_t *)v->data)[row];
    case CN_PHYS_I32: return ((const int32_t *)v->data)[row];
    case CN_PHYS_I64: return ((const int64_t *)v->data)[row];
    case CN_PHYS_I128: return ((const cn_i128 *)v->data)[row];
    case CN_PHYS_U8: return ((const uint8_t *)v->data)[row];
    case CN_PHYS_F32: return (cn_i128)((const float *)v->data)[row];
    case CN_PHYS_F64: return (cn_i128)((const double *)v->data)[row];
    default: return 0;
    }
}

int64_t ev_get_i64(const cn_vector *v, int row) { return (int64_t)ev_get_i128(v, row); }

double ev_get_f64(const cn_vector *v, int row)
{
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_F32: return ((const float *)v->data)[row];
    case CN_PHYS_F64: return ((const double *)v->data)[row];
    default:
        if (v->type.kind == CN_DECIMAL) return cn_decimal_to_double(ev_get_i128(v, row), v->type.scale);
        return (double)ev_get_i128(v, row);
    }
}

void ev_put_i128(cn_vector *v, int row, cn_i128 x)
{
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_I8: ((int8_t *)v->data)[row] = (int8_t)x; break;
    case CN_PHYS_I16: ((int16_t *)v->data)[row] = (int16_t)x; break;
    case CN_PHYS_I32: ((int32_t *)v->data)[row] = (int32_t)x; break;
    case CN_PHYS_I64: ((int64_t *)v->data)[row] = (int64_t)x; break;
    case CN_PHYS_I128: ((cn_i128 *)v->data)[row] = x; break;
    case CN_PHYS_U8: ((uint8_t *)v->data)[row] = (uint8_t)x; break;
    default: break;
    }
}

/* ---- subsets ---------------------------------------------------------------- */

int ev_eval_subset(const cn_expr *e, const cn_batch *in, const uint16_t *rows, int m, ev *out, cn_eval_ctx *ctx,
                   cn_error *err)
{
    cn_batch sb = *in;
    uint16_t *sel = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)(m > 0 ? m : 1));
    for (int j = 0; j < m; j++) sel[j] = (uint16_t)cn_batch_row(in, rows[j]);
    sb.sel = sel;
    sb.nsel = m;
    return ev_eval(e, &sb, out, ctx, err);
}

/* dst[rows[j]] = src[j] for j < m (src may be constant). */
static void scatter(cn_vector *dst, const ev *src, const uint16_t *rows, int m, cn_arena *a)
{
    for (int j = 0; j < m; j++) {
        int s = EVI(src, j);
        if (cn_vec_valid(&src->v, s)) {
            copy_cell(dst, rows[j], &src->v, s);
            cn_vec_set_valid(dst, rows[j]);
        } else {
            cn_vec_set_null(dst, rows[j], a);
        }
    }
}

static inline bool bool_at(const ev *o, int i) { return ((const uint8_t *)o->v.data)[EVI(o, i)] != 0; }

/* ---- logical ------------------------------------------------------------------ */

static int eval_and_or(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    bool is_and = e->kind == CN_EX_AND;
    ev l, r;
    if (ev_eval(e->args[0], in, &l, ctx, err)) return -1;
    if (l.cst) {
        if (cn_vec_valid(&l.v, 0) && bool_at(&l, 0) == !is_and) { /* FALSE AND x, TRUE OR x */
            *out = l;
            return 0;
        }
    }
    /* rows that need the right side: left not decisive */
    uint16_t *rows = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)(n > 0 ? n : 1));
    int m = 0;
    for (int i = 0; i < n; i++) {
        bool dec = ev_valid(&l, i) && bool_at(&l, i) == !is_and;
        rows[m] = (uint16_t)i;
        m += !dec;
    }
    ev_alloc(out, cn_type_of(CN_BOOLEAN), n, ctx->arena);
    uint8_t *o = out->v.data;
    for (int i = 0; i < n; i++) o[i] = !is_and; /* decisive value by default */
    if (m == 0) return 0;
    if (m == n) {
        if (ev_eval(e->args[1], in, &r, ctx, err)) return -1;
    } else {
        if (ev_eval_subset(e->args[1], in, rows, m, &r, ctx, err)) return -1;
    }
    for (int j = 0; j < m; j++) {
        int i = rows[j];
        bool lv = ev_valid(&l, i), rv = ev_valid(&r, j);
        bool rb = rv && bool_at(&r, j);
        /* left is TRUE (AND) / FALSE (OR) or NULL */
        if (rv && rb == !is_and) {
            o[i] = !is_and;
        } else if (!lv || !rv) {
            cn_vec_set_null(&out->v, i, ctx->arena);
        } else {
            o[i] = rb;
        }
    }
    return 0;
}

static int eval_not(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev x;
    if (ev_eval(e->args[0], in, &x, ctx, err)) return -1;
    int m = x.cst ? 1 : n;
    ev_alloc(out, cn_type_of(CN_BOOLEAN), m, ctx->arena);
    out->cst = x.cst;
    const uint8_t *s = x.v.data;
    uint8_t *o = out->v.data;
    for (int i = 0; i < m; i++) o[i] = !s[i];
    ev *args[1] = {&x};
    ev_merge_validity(&out->v, m, args, 1, ctx->arena);
    return 0;
}

static int eval_is_null(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev x;
    if (ev_eval(e->args[0], in, &x, ctx, err)) return -1;
    bool want_null = e->kind == CN_EX_IS_NULL;
    int m = x.cst ? 1 : n;
    ev_alloc(out, cn_type_of(CN_BOOLEAN), m, ctx->arena);
    out->cst = x.cst;
    uint8_t *o = out->v.data;
    for (int i = 0; i < m; i++) o[i] = cn_vec_valid(&x.v, i) != want_null;
    return 0;
}

/* ---- CASE / IF / COALESCE / NVL / NULLIF ----------------------------------------- */

/* Branches: conds[k] (NULL = else) selecting values[k]. */
static int eval_branches(const cn_expr *e, cn_expr *const *conds, cn_expr *const *vals, int nb, const cn_batch *in,
                         int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev_alloc(out, e->type, n, ctx->arena);
    cn_vector_set_all_null(&out->v, n, ctx->arena);
    uint16_t *rem = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)(n > 0 ? n : 1));
    uint16_t *hit = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)(n > 0 ? n : 1));
    uint16_t *rest = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)(n > 0 ? n : 1));
    int m = n;
    for (int i = 0; i < n; i++) rem[i] = (uint16_t)i;
    for (int k = 0; k < nb && m > 0; k++) {
        ev c, v;
        int nh = 0, nr = 0;
        if (conds[k]) {
            if (ev_eval_subset(conds[k], in, rem, m, &c, ctx, err)) return -1;
            for (int j = 0; j < m; j++) {
                if (ev_valid(&c, j) && bool_at(&c, j)) hit[nh++] = rem[j];
                else rest[nr++] = rem[j];
            }
        } else {
            memcpy(hit, rem, sizeof(uint16_t) * (size_t)m);
            nh = m;
        }
        if (nh > 0) {
            if (ev_eval_subset(vals[k], in, hit, nh, &v, ctx, err)) return -1;
            scatter(&out->v, &v, hit, nh, ctx->arena);
        }
        memcpy(rem, rest, sizeof(uint16_t) * (size_t)nr);
        m = nr;
        if (!conds[k]) m = 0;
    }
    return 0;
}

static int eval_case(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int nw = (e->nargs - (e->has_else ? 1 : 0)) / 2;
    int nb = nw + (e->has_else ? 1 : 0);
    cn_expr **conds = cn_arena_alloc(ctx->arena, sizeof(cn_expr *) * (size_t)(nb + 1));
    cn_expr **vals = cn_arena_alloc(ctx->arena, sizeof(cn_expr *) * (size_t)(nb + 1));
    for (int k = 0; k < nw; k++) {
        conds[k] = e->args[2 * k];
        vals[k] = e->args[2 * k + 1];
    }
    if (e->has_else) {
        conds[nw] = NULL;
        vals[nw] = e->args[e->nargs - 1];
    }
    return eval_branches(e, conds, vals, nb, in, n, out, ctx, err);
}

static int eval_coalesce(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev_alloc(out, e->type, n, ctx->arena);
    cn_vector_set_all_null(&out->v, n, ctx->arena);
    uint16_t *rem = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)(n > 0 ? n : 1));
    uint16_t *hit = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)(n > 0 ? n : 1));
    int m = n;
    for (int i = 0; i < n; i++) rem[i] = (uint16_t)i;
    for (int k = 0; k < e->nargs && m > 0; k++) {
        ev v;
        if (ev_eval_subset(e->args[k], in, rem, m, &v, ctx, err)) return -1;
        int nh = 0, nr = 0;
        for (int j = 0; j < m; j++) {
            if (ev_valid(&v, j)) {
                int s = EVI(&v, j);
                copy_cell(&out->v, rem[j], &v.v, s);
                cn_vec_set_valid(&out->v, rem[j]);
                hit[nh++] = rem[j];
            } else {
                rem[nr++] = rem[j];
            }
        }
        m = nr;
    }
    return 0;
}

static int eval_nullif(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev a, b, eq;
    if (ev_eval(e->args[0], in, &a, ctx, err) || ev_eval(e->args[1], in, &b, ctx, err)) return -1;
    cn_expr tmp = *e;
    tmp.func = CN_FN_EQ;
    tmp.type = cn_type_of(CN_BOOLEAN);
    ev *args[2] = {&a, &b};
    if (ex_compare(&tmp, args, n, &eq, ctx, err)) return -1;
    ev_materialize(&a, n, ctx->arena);
    ev_alloc(out, e->type, n, ctx->arena);
    int w = cn_type_width(e->type);
    memcpy(out->v.data, a.v.data, (size_t)w * (size_t)n);
    ev *va[1] = {&a};
    ev_merge_validity(&out->v, n, va, 1, ctx->arena);
    for (int i = 0; i < n; i++)
        if (ev_valid(&eq, i) && bool_at(&eq, i)) cn_vec_set_null(&out->v, i, ctx->arena);
    return 0;
}

/* ---- IN ------------------------------------------------------------------------- */

static int eval_in(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev x;
    if (ev_eval(e->args[0], in, &x, ctx, err)) return -1;
    int ni = e->nargs - 1;
    ev *items = cn_arena_alloc(ctx->arena, sizeof(ev) * (size_t)(ni > 0 ? ni : 1));
    bool items_cst = true;
    for (int k = 0; k < ni; k++) {
        if (ev_eval(e->args[k + 1], in, &items[k], ctx, err)) return -1;
        if (!items[k].cst) items_cst = false;
    }
    if (x.cst && !items_cst) ev_materialize(&x, n, ctx->arena);
    int m = x.cst ? 1 : n;
    ev_alloc(out, cn_type_of(CN_BOOLEAN), m, ctx->arena);
    out->cst = x.cst;
    uint8_t *o = out->v.data;
    memset(o, 0, (size_t)m);
    uint8_t *sawnull = cn_arena_calloc(ctx->arena, (size_t)m);
    cn_expr eq;
    memset(&eq, 0, sizeof eq);
    eq.kind = CN_EX_CALL;
    eq.func = CN_FN_EQ;
    eq.type = cn_type_of(CN_BOOLEAN);
    for (int k = 0; k < ni; k++) {
        ev r;
        ev *args[2] = {&x, &items[k]};
        if (ex_compare(&eq, args, m, &r, ctx, err)) return -1;
        for (int i = 0; i < m; i++) {
            if (!ev_valid(&r, i)) sawnull[i] = 1;
            else if (bool_at(&r, i)) o[i] = 1;
        }
    }
    for (int i = 0; i < m; i++)
        if (!cn_vec_valid(&x.v, i) || (!o[i] && sawnull[i])) cn_vec_set_null(&out->v, i, ctx->arena);
    return 0;
}

/* ---- dispatcher ------------------------------------------------------------------- */

static int eval_call(const cn_expr *e, const cn_batch *in, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    switch (e->func) {
    case CN_FN_COALESCE:
    case CN_FN_NVL: return eval_coalesce(e, in, n, out, ctx, err);
    case CN_FN_IF: {
        cn_expr *conds[2] = {e->args[0], NULL};
        cn_expr *vals[2] = {e->args[1], e->args[2]};
        return eval_branches(e, conds, vals, 2, in, n, out, ctx, err);
    }
    case CN_FN_NULLIF: return eval_nullif(e, in, n, out, ctx, err);
    case CN_FN_RAND:
    case CN_FN_TYPEOF: return ex_misc(e, in, n, out, ctx, err);
    default: break;
    }
    ev stack[4];
    ev *argv_stack[4];
    ev *vals = e->nargs <= 4 ? stack : cn_arena_alloc(ctx->arena, sizeof(ev) * (size_t)e->nargs);
    ev **argv = e->nargs <= 4 ? argv_stack : cn_arena_alloc(ctx->arena, sizeof(ev *) * (size_t)e->nargs);
    bool all_cst = true;
    for (int i = 0; i < e->nargs; i++) {
        if (ev_eval(e->args[i], in, &vals[i], ctx, err)) return -1;
        argv[i] = &vals[i];
        if (!vals[i].cst) all_cst = false;
    }
    int m = all_cst ? 1 : n;
    if (all_cst && e->nargs == 0) m = 1;
    int rc;
    switch (e->func) {
    case CN_FN_ADD: case CN_FN_SUB: case CN_FN_MUL: case CN_FN_DIV: case CN_FN_MOD: case CN_FN_INTDIV:
    case CN_FN_NEG: case CN_FN_POS: case CN_FN_ABS: case CN_FN_PMOD: case CN_FN_ROUND: case CN_FN_FLOOR:
    case CN_FN_CEIL: case CN_FN_SQRT: case CN_FN_POWER: case CN_FN_ISNAN: case CN_FN_LN: case CN_FN_EXP:
    case CN_FN_LOG10: case CN_FN_SIGN:
        rc = ex_arith(e, argv, m, out, ctx, err);
        break;
    case CN_FN_EQ: case CN_FN_NE: case CN_FN_LT: case CN_FN_LE: case CN_FN_GT: case CN_FN_GE: case CN_FN_EQ_NS:
    case CN_FN_GREATEST: case CN_FN_LEAST: case CN_FN_BETWEEN:
        rc = ex_compare(e, argv, m, out, ctx, err);
        break;
    case CN_FN_HASH:
        rc = ex_hash(e, argv, m, out, ctx, err);
        break;
    case CN_FN_CONCAT: case CN_FN_SUBSTRING: case CN_FN_UPPER: case CN_FN_LOWER: case CN_FN_LENGTH: case CN_FN_TRIM:
    case CN_FN_LTRIM: case CN_FN_RTRIM: case CN_FN_STARTSWITH: case CN_FN_ENDSWITH: case CN_FN_CONTAINS:
    case CN_FN_INSTR: case CN_FN_REPLACE: case CN_FN_LPAD: case CN_FN_RPAD: case CN_FN_REVERSE: case CN_FN_REPEAT:
    case CN_FN_ASCII:
        rc = ex_string(e, argv, m, out, ctx, err);
        break;
    default:
        rc = ex_date(e, argv, m, out, ctx, err);
        break;
    }
    if (rc) return -1;
    out->cst = all_cst;
    return 0;
}

int ev_eval(const cn_expr *e, const cn_batch *in, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int n = cn_batch_live(in);
    switch ((cn_expr_kind)e->kind) {
    case CN_EX_COL: {
        if (e->index < 0 || e->index >= in->ncols) {
            char msg[160];
            snprintf(msg, sizeof msg, "column %s#%lld is not bound to the input", e->name ? e->name : "?", (long long)e->id);
            return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
        }
        const cn_vector *src = &in->cols[e->index];
        memset(out, 0, sizeof *out);
        if (!in->sel) {
            out->v = *src;
        } else {
            ev_alloc(out, src->type, n, ctx->arena);
            cn_vector_gather(&out->v, src, in->sel, n, NULL);
        }
        return 0;
    }
    case CN_EX_LIT:
        ev_const(out, &e->lit, ctx->arena);
        return 0;
    case CN_EX_CAST: {
        ev x;
        if (ev_eval(e->args[0], in, &x, ctx, err)) return -1;
        if (cn_type_eq(x.v.type, e->type)) {
            *out = x;
            return 0;
        }
        int m = x.cst ? 1 : n;
        if (ex_cast(&x, x.v.type, e->type, e->try_, m, out, ctx, err)) return -1;
        out->cst = x.cst;
        return 0;
    }
    case CN_EX_CALL: return eval_call(e, in, n, out, ctx, err);
    case CN_EX_CASE: return eval_case(e, in, n, out, ctx, err);
    case CN_EX_AND:
    case CN_EX_OR: return eval_and_or(e, in, n, out, ctx, err);
    case CN_EX_NOT: return eval_not(e, in, n, out, ctx, err);
    case CN_EX_IS_NULL:
    case CN_EX_IS_NOT_NULL: return eval_is_null(e, in, n, out, ctx, err);
    case CN_EX_IN: return eval_in(e, in, n, out, ctx, err);
    case CN_EX_LIKE: {
        ev a, b;
        if (ev_eval(e->args[0], in, &a, ctx, err) || ev_eval(e->args[1], in, &b, ctx, err)) return -1;
        ev *args[2] = {&a, &b};
        bool c = a.cst && b.cst;
        if (ex_like(e, args, c ? 1 : n, out, ctx, err)) return -1;
        out->cst = c;
        return 0;
    }
    default: {
        char msg[96];
        snprintf(msg, sizeof msg, "cannot evaluate expression kind %d", e->kind);
        return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
    }
    }
}

/* ---- public API ----------------------------------------------------------------------- */

int cn_expr_eval(const cn_expr *e, const cn_batch *in, cn_vector *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev r;
    if (ev_eval(e, in, &r, ctx, err)) return -1;
    int n = cn_batch_live(in);
    if (r.cst) ev_materialize(&r, n, ctx->arena);
    *out = r.v;
    return 0;
}

int cn_expr_eval_const(const cn_expr *e, cn_eval_ctx *ctx, cn_value *out, cn_error *err)
{
    cn_batch b;
    memset(&b, 0, sizeof b);
    b.count = 1;
    ev r;
    if (ev_eval(e, &b, &r, ctx, err)) return -1;
    *out = cn_value_from_vector(&r.v, 0);
    out->type = e->type;
    if (!out->is_null && cn_type_phys(e->type) == CN_PHYS_STR) out->v.s = cn_str_copy(ctx->arena, out->v.s);
    return 0;
}

/* ---- selection ----------------------------------------------------------------------- */

static int select_rows_from(const ev *r, const cn_batch *in, uint16_t *sel_out)
{
    int n = cn_batch_live(in), k = 0;
    if (r->cst) {
        if (!cn_vec_valid(&r->v, 0) || !((const uint8_t *)r->v.data)[0]) return 0;
        for (int i = 0; i < n; i++) sel_out[i] = (uint16_t)cn_batch_row(in, i);
        return n;
    }
    const uint8_t *d = r->v.data;
    if (!r->v.validity) {
        for (int i = 0; i < n; i++) {
            sel_out[k] = (uint16_t)cn_batch_row(in, i);
            k += d[i] != 0;
        }
    } else {
        for (int i = 0; i < n; i++) {
            sel_out[k] = (uint16_t)cn_batch_row(in, i);
            k += (d[i] != 0) & cn_vec_valid(&r->v, i);
        }
    }
    return k;
}

static int flip_op(int f)
{
    switch (f) {
    case CN_FN_LT: return CN_FN_GT;
    case CN_FN_LE: return CN_FN_GE;
    case CN_FN_GT: return CN_FN_LT;
    case CN_FN_GE: return CN_FN_LE;
    default: return f;
    }
}

#define SEL_CMP(T, GET, CMPEXPR)                                                                     \
    do {                                                                                             \
        const T *d = (const T *)col->data;                                                           \
        T c = GET;                                                                                   \
        if (!in->sel && !col->validity) {                                                            \
            for (int i = 0; i < in->count; i++) {                                                    \
                T x = d[i];                                                                          \
                sel_out[k] = (uint16_t)i;                                                            \
                k += (CMPEXPR);                                                                      \
            }                                                                                        \
        } else {                                                                                     \
            for (int i = 0; i < n; i++) {                                                            \
                int row = cn_batch_row(in, i);                                                       \
                T x = d[row];                                                                        \
                sel_out[k] = (uint16_t)row;                                                          \
                k += (CMPEXPR) && cn_vec_valid(col, row);                                            \
            }                                                                                        \
        }                                                                                            \
    } while (0)

#define SEL_OPS(T, GET)                                                                              \
    switch (op) {                                                                                    \
    case CN_FN_EQ: SEL_CMP(T, GET, x == c); break;                                                   \
    case CN_FN_NE: SEL_CMP(T, GET, x != c); break;                                                   \
    case CN_FN_LT: SEL_CMP(T, GET, x < c); break;                                                    \
    case CN_FN_LE: SEL_CMP(T, GET, x <= c); break;                                                   \
    case CN_FN_GT: SEL_CMP(T, GET, x > c); break;                                                    \
    default: SEL_CMP(T, GET, x >= c); break;                                                         \
    }

/* Column-op-constant without materializing; returns -2 when not applicable. */
static int select_col_const(const cn_expr *e, const cn_batch *in, uint16_t *sel_out, cn_eval_ctx *ctx, cn_error *err)
{
    if (e->kind != CN_EX_CALL || e->func < CN_FN_EQ || e->func > CN_FN_GE) return -2;
    const cn_expr *ce = e->args[0], *ke = e->args[1];
    int op = e->func;
    if (ce->kind != CN_EX_COL) {
        const cn_expr *t = ce;
        ce = ke;
        ke = t;
        op = flip_op(op);
    }
    if (ce->kind != CN_EX_COL || !cn_expr_is_foldable(ke) || ce->index < 0 || ce->index >= in->ncols) return -2;
    const cn_vector *col = &in->cols[ce->index];
    ev kv;
    cn_batch one;
    memset(&one, 0, sizeof one);
    one.count = 1;
    if (ev_eval(ke, &one, &kv, ctx, err)) return -1;
    if (!cn_vec_valid(&kv.v, 0)) return 0;
    if (cn_type_phys(kv.v.type) != cn_type_phys(col->type)) return -2;
    int n = cn_batch_live(in), k = 0;
    switch (cn_type_phys(col->type)) {
    case CN_PHYS_I32: SEL_OPS(int32_t, ((const int32_t *)kv.v.data)[0]); break;
    case CN_PHYS_I64: SEL_OPS(int64_t, ((const int64_t *)kv.v.data)[0]); break;
    case CN_PHYS_I128: SEL_OPS(cn_i128, ((const cn_i128 *)kv.v.data)[0]); break;
    case CN_PHYS_I16: SEL_OPS(int16_t, ((const int16_t *)kv.v.data)[0]); break;
    case CN_PHYS_I8: SEL_OPS(int8_t, ((const int8_t *)kv.v.data)[0]); break;
    case CN_PHYS_STR: {
        const cn_str *d = col->data;
        const cn_str c = ((const cn_str *)kv.v.data)[0];
        for (int i = 0; i < n; i++) {
            int row = cn_batch_row(in, i);
            if (!cn_vec_valid(col, row)) continue;
            bool ok;
            if (op == CN_FN_EQ) ok = cn_str_eq(&d[row], &c);
            else if (op == CN_FN_NE) ok = !cn_str_eq(&d[row], &c);
            else {
                int r = cn_str_cmp(&d[row], &c);
                ok = op == CN_FN_LT ? r < 0 : op == CN_FN_LE ? r <= 0 : op == CN_FN_GT ? r > 0 : r >= 0;
            }
            sel_out[k] = (uint16_t)row;
            k += ok;
        }
        break;
    }
    default: return -2; /* floating point: NaN semantics in compare.c */
    }
    return k;
}

int cn_expr_select(const cn_expr *e, const cn_batch *in, uint16_t *sel_out, cn_eval_ctx *ctx, cn_error *err)
{
    if (e->kind == CN_EX_AND) {
        int k = cn_expr_select(e->args[0], in, sel_out, ctx, err);
        if (k <= 0) return k;
        cn_batch sub = *in;
        uint16_t *cur = cn_arena_alloc(ctx->arena, sizeof(uint16_t) * (size_t)k);
        memcpy(cur, sel_out, sizeof(uint16_t) * (size_t)k);
        sub.sel = cur;
        sub.nsel = k;
        return cn_expr_select(e->args[1], &sub, sel_out, ctx, err);
    }
    int k = select_col_const(e, in, sel_out, ctx, err);
    if (k != -2) return k;
    ev r;
    if (ev_eval(e, in, &r, ctx, err)) return -1;
    return select_rows_from(&r, in, sel_out);
}
