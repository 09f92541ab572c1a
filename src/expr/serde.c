/*
 * serde.c — expressions to bytes and back (task shipping), with the codec
 * of base/codec.h.
 *
 * Layout: a version byte, then the tree in pre-order. Each node: kind, flag
 * bits, type (kind, precision, scale, scale2), func, nargs, the source
 * range, then kind-specific fields (column id/index/name, literal value,
 * LIKE escape, subquery id), then its arguments. Subquery plans are not
 * shipped (the planner replaces subqueries before tasks are built); their
 * nodes read back with subq = NULL.
 *
 * Reading trusts nothing: every read is bounds-checked by the codec, node
 * kinds, types, function ids, argument counts and nesting depth are
 * validated, and CALL nodes are re-checked against the type rules, so a
 * corrupt or hostile buffer yields [INTERNAL_ERROR], never a crash.
 */
#include "base/codec.h"
#include "expr/expr_internal.h"

#include <stdio.h>

#define EXPR_SERDE_VERSION 1
/* a decoder's guard against hostile input, above what analysis admits (CN_MAX_TREE_DEPTH) */
#define MAX_DEPTH (4 * CN_MAX_TREE_DEPTH)
#define MAX_ARGS 65536

enum { F_NULLABLE = 1, F_TRY = 2, F_DISTINCT = 4, F_ELSE = 8, F_STAR = 16, F_IMPLICIT = 32 };

static void put_type(cn_writer *w, cn_type t)
{
    cn_put_u8(w, t.kind);
    cn_put_u8(w, t.precision);
    cn_put_u8(w, t.scale);
    cn_put_u8(w, t.scale2);
}

static void put_value(cn_writer *w, const cn_value *v)
{
    put_type(w, v->type);
    cn_put_u8(w, v->is_null);
    if (v->is_null) return;
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: cn_put_u8(w, v->v.b); break;
    case CN_PHYS_I8: case CN_PHYS_I16: case CN_PHYS_I32: case CN_PHYS_I64: cn_put_svar(w, v->v.i); break;
    case CN_PHYS_I128:
        cn_put_u64(w, (uint64_t)v->v.d);
        cn_put_u64(w, (uint64_t)((unsigned __int128)v->v.d >> 64));
        break;
    case CN_PHYS_F32: case CN_PHYS_F64: cn_put_f64(w, v->v.f); break;
    case CN_PHYS_STR: cn_put_bytes(w, cn_str_data(&v->v.s), v->v.s.len); break;
    }
}

static void write_node(cn_writer *w, const cn_expr *e)
{
    cn_put_u8(w, e->kind);
    cn_put_u8(w, (uint8_t)((e->nullable ? F_NULLABLE : 0) | (e->try_ ? F_TRY : 0) | (e->distinct ? F_DISTINCT : 0) |
                           (e->has_else ? F_ELSE : 0) | (e->is_star ? F_STAR : 0) | (e->implicit ? F_IMPLICIT : 0)));
    put_type(w, e->type);
    cn_put_svar(w, e->func);
    cn_put_uvar(w, (uint64_t)e->nargs);
    cn_put_svar(w, e->start);
    cn_put_svar(w, e->stop);
    switch (e->kind) {
    case CN_EX_COL:
        cn_put_svar(w, e->id);
        cn_put_svar(w, e->index);
        cn_put_str(w, e->name);
        break;
    case CN_EX_LIT: put_value(w, &e->lit); break;
    case CN_EX_CALL:
    case CN_EX_AGG: cn_put_str(w, e->name); break;
    case CN_EX_LIKE: cn_put_u8(w, (uint8_t)e->escape); break;
    case CN_EX_SUBQUERY:
        cn_put_svar(w, e->subq_kind);
        cn_put_svar(w, e->subq_id);
        break;
    default: break;
    }
    for (int i = 0; i < e->nargs; i++) write_node(w, e->args[i]);
}

void cn_expr_write(cn_writer *w, const cn_expr *e)
{
    cn_put_u8(w, EXPR_SERDE_VERSION);
    write_node(w, e);
}

static int corrupt(cn_error *err, const char *what)
{
    char msg[128];
    snprintf(msg, sizeof msg, "corrupt expression: %s", what);
    return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
}

static bool type_ok(cn_type t)
{
    if (t.kind >= CN_KIND_COUNT) return false;
    if (t.kind == CN_DECIMAL) return t.precision >= 1 && t.precision <= CN_MAX_PRECISION && t.scale <= t.precision;
    if (t.kind == CN_INTERVAL_YM) return t.scale <= 1 && t.scale2 <= 1;
    if (t.kind == CN_INTERVAL_DT) return t.scale <= 3 && t.scale2 <= 3;
    return true;
}

static cn_type get_type(cn_reader *r)
{
    cn_type t;
    t.kind = cn_get_u8(r);
    t.precision = cn_get_u8(r);
    t.scale = cn_get_u8(r);
    t.scale2 = cn_get_u8(r);
    return t;
}

static int get_value(cn_reader *r, cn_arena *a, cn_value *v, cn_error *err)
{
    memset(v, 0, sizeof *v);
    v->type = get_type(r);
    if (!type_ok(v->type)) return corrupt(err, "literal type");
    v->is_null = cn_get_u8(r) != 0;
    if (v->is_null || v->type.kind == CN_NULL) {
        v->is_null = true;
        return 0;
    }
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: v->v.b = cn_get_u8(r) != 0; break;
    case CN_PHYS_I8: case CN_PHYS_I16: case CN_PHYS_I32: case CN_PHYS_I64: v->v.i = cn_get_svar(r); break;
    case CN_PHYS_I128: {
        uint64_t lo = cn_get_u64(r), hi = cn_get_u64(r);
        v->v.d = (cn_i128)(((unsigned __int128)hi << 64) | lo);
        break;
    }
    case CN_PHYS_F32: case CN_PHYS_F64: v->v.f = cn_get_f64(r); break;
    case CN_PHYS_STR: {
        size_t n = 0;
        const void *p = cn_get_bytes(r, &n);
        if (!p || n > UINT32_MAX) return corrupt(err, "string literal");
        v->v.s = cn_str_view(cn_arena_memdup(a, n ? p : "", n ? n : 1), (uint32_t)n);
        break;
    }
    }
    return 0;
}

static bool is_bool(const cn_expr *e) { return e->type.kind == CN_BOOLEAN || e->type.kind == CN_NULL; }

static int read_node(cn_reader *r, cn_arena *a, int depth, cn_expr **out, cn_error *err)
{
    if (depth > MAX_DEPTH) return corrupt(err, "too deep");
    uint8_t kind = cn_get_u8(r);
    uint8_t flags = cn_get_u8(r);
    cn_type t = get_type(r);
    int64_t func = cn_get_svar(r);
    uint64_t nargs = cn_get_uvar(r);
    int64_t start = cn_get_svar(r), stop = cn_get_svar(r);
    if (r->failed) return corrupt(err, "truncated");
    if (kind > CN_EX_SORT_KEY || !type_ok(t) || nargs > MAX_ARGS || nargs > (uint64_t)(r->end - r->p) ||
        func < -1 || func > 100000)
        return corrupt(err, "node header");
    cn_expr *e = cn_expr_new(a, (cn_expr_kind)kind, t, (int)nargs);
    e->nullable = flags & F_NULLABLE;
    e->try_ = (flags & F_TRY) != 0;
    e->distinct = (flags & F_DISTINCT) != 0;
    e->has_else = (flags & F_ELSE) != 0;
    e->is_star = (flags & F_STAR) != 0;
    e->implicit = (flags & F_IMPLICIT) != 0;
    e->func = (int)func;
    e->start = (int)CN_MAX(CN_MIN(start, INT32_MAX), -1);
    e->stop = (int)CN_MAX(CN_MIN(stop, INT32_MAX), -1);
    switch (kind) {
    case CN_EX_COL: {
        e->id = cn_get_svar(r);
        int64_t idx = cn_get_svar(r);
        e->index = idx < -1 || idx > INT32_MAX ? -1 : (int)idx;
        e->name = cn_get_str(r, a);
        break;
    }
    case CN_EX_LIT:
        if (get_value(r, a, &e->lit, err)) return -1;
        if (!cn_type_eq(e->lit.type, t) && !(e->lit.is_null)) return corrupt(err, "literal type mismatch");
        e->lit.type = t;
        break;
    case CN_EX_CALL:
    case CN_EX_AGG: e->name = cn_get_str(r, a); break;
    case CN_EX_LIKE: e->escape = (char)cn_get_u8(r); break;
    case CN_EX_SUBQUERY:
        e->subq_kind = (int)cn_get_svar(r);
        e->subq_id = cn_get_svar(r);
        break;
    default: break;
    }
    if (r->failed) return corrupt(err, "truncated");
    for (uint64_t i = 0; i < nargs; i++)
        if (read_node(r, a, depth + 1, &e->args[i], err)) return -1;
    /* structural checks: what evaluation relies on */
    int n = (int)nargs;
    bool ok = true;
    switch (kind) {
    case CN_EX_COL: case CN_EX_LIT: ok = n == 0; break;
    case CN_EX_CAST: ok = n == 1 && ex_can_cast(e->args[0]->type, t); break;
    case CN_EX_NOT: ok = n == 1 && is_bool(e->args[0]) && t.kind == CN_BOOLEAN; break;
    case CN_EX_IS_NULL: case CN_EX_IS_NOT_NULL: ok = n == 1 && t.kind == CN_BOOLEAN; break;
    case CN_EX_AND: case CN_EX_OR:
        ok = n == 2 && is_bool(e->args[0]) && is_bool(e->args[1]) && t.kind == CN_BOOLEAN;
        break;
    case CN_EX_LIKE:
        ok = n == 2 && e->args[0]->type.kind == CN_STRING && e->args[1]->type.kind == CN_STRING && t.kind == CN_BOOLEAN;
        break;
    case CN_EX_IN:
        ok = n >= 1 && t.kind == CN_BOOLEAN;
        for (int i = 1; ok && i < n; i++) ok = cn_type_eq(e->args[i]->type, e->args[0]->type);
        break;
    case CN_EX_CASE: {
        int nw = (n - (e->has_else ? 1 : 0));
        ok = nw >= 2 && nw % 2 == 0;
        for (int i = 0; ok && i + 1 < nw; i += 2)
            ok = is_bool(e->args[i]) && cn_type_eq(e->args[i + 1]->type, t);
        if (ok && e->has_else) ok = cn_type_eq(e->args[n - 1]->type, t);
        break;
    }
    case CN_EX_AGG: ok = func >= 0 && func < CN_AGG_FUNC_COUNT; break;
    case CN_EX_CALL: if (ex_validate_call(a, e, err)) return -1; break;
    default: break;
    }
    if (!ok) return corrupt(err, "node shape");
    if (kind == CN_EX_LIKE && e->args[1]->kind == CN_EX_LIT && !e->args[1]->lit.is_null) {
        const cn_str *ps = &e->args[1]->lit.v.s;
        cn_error tmp;
        cn_error_init(&tmp);
        e->subq = ex_like_compile(a, cn_str_data(ps), ps->len, e->escape, &tmp);
        cn_error_clear(&tmp);
    }
    *out = e;
    return 0;
}

int cn_expr_read(cn_reader *r, cn_arena *a, cn_expr **out, cn_error *err)
{
    uint8_t v = cn_get_u8(r);
    if (r->failed) return corrupt(err, "truncated");
    if (v != EXPR_SERDE_VERSION) return corrupt(err, "version");
    return read_node(r, a, 0, out, err);
}
