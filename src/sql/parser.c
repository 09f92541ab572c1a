/*
 * parser.c — Spark SQL statements, queries and relations.
 *
 * A hand-written recursive-descent parser over the token array made by
 * lexer.c, following the shape of Spark's grammar (SqlBaseParser.g4):
 *
 *   statement := query | CREATE ... | DROP ... | SET ... | EXPLAIN statement | ...
 *   query     := [WITH cte, ...] queryTerm [ORDER BY ...] [LIMIT ...] [OFFSET ...]
 *   queryTerm := queryPrimary { (UNION|EXCEPT|MINUS) queryTerm' }   INTERSECT binds tighter
 *   queryPrimary := SELECT ... | VALUES ... | TABLE t | ( query )
 *   relation  := relationPrimary { [NATURAL] joinType JOIN relationPrimary [ON e | USING (..)] }
 *
 * Expressions live in parse_expr.c. Errors: the first error wins; functions
 * return NULL (or false) once p->failed is set, and callers unwind. Recursion
 * is bounded by psr_enter (FAILED_TO_PARSE_TOO_COMPLEX beyond CN_SQL_MAX_DEPTH).
 * Where the grammar is ambiguous for one-token lookahead — "(" starting a
 * subquery or a parenthesised join — the parser tries one reading and backs up.
 */
#include "sql/sql_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

/* ------------------------------------------------------------------------ */
/* token helpers                                                             */

cn_token *psr_peek(cn_parser *p, int k)
{
    static cn_token eof = {.kind = TK_EOF, .text = "", .start = 0, .stop = 0};
    if (p->n <= 0 || !p->t) return &eof; /* SET / RESET are parsed before lexing: no tokens */
    int i = p->pos + k;
    if (i >= p->n) i = p->n - 1;
    if (i < 0) i = 0;
    return &p->t[i];
}

bool psr_is_kw(const cn_token *t, const char *kw)
{
    return t->kind == TK_IDENT && (int)strlen(kw) == t->len && strncasecmp(t->text, kw, (size_t)t->len) == 0;
}
bool psr_kw(cn_parser *p, const char *kw) { return psr_is_kw(psr_peek(p, 0), kw); }
bool psr_kw_at(cn_parser *p, int k, const char *kw) { return psr_is_kw(psr_peek(p, k), kw); }

bool psr_accept_kw(cn_parser *p, const char *kw)
{
    if (p->failed || !psr_kw(p, kw)) return false;
    p->pos++;
    return true;
}

bool psr_expect_kw(cn_parser *p, const char *kw)
{
    if (psr_accept_kw(p, kw)) return true;
    psr_syntax_error(p);
    return false;
}

bool psr_op_at(cn_parser *p, int k, const char *op)
{
    cn_token *t = psr_peek(p, k);
    return t->kind == TK_OP && (int)strlen(op) == t->len && memcmp(t->text, op, (size_t)t->len) == 0;
}
bool psr_op(cn_parser *p, const char *op) { return psr_op_at(p, 0, op); }

bool psr_accept_op(cn_parser *p, const char *op)
{
    if (p->failed || !psr_op(p, op)) return false;
    p->pos++;
    return true;
}

bool psr_expect_op(cn_parser *p, const char *op)
{
    if (psr_accept_op(p, op)) return true;
    psr_syntax_error(p);
    return false;
}

int psr_prev_stop(cn_parser *p) { return p->pos > 0 ? p->t[p->pos - 1].stop : 0; }

void *psr_syntax_error_at(cn_parser *p, const cn_token *t)
{
    if (p->failed) return NULL;
    p->failed = true;
    char buf[96];
    if (t->kind == TK_EOF) snprintf(buf, sizeof buf, "end of input");
    else snprintf(buf, sizeof buf, "'%.*s'", t->len > 80 ? 80 : t->len, t->text);
    cn_error_set(p->err, "PARSE_SYNTAX_ERROR", "error", buf, "hint", "", NULL);
    cn_error_position(p->err, p->sql, t->start);
    return NULL;
}

void *psr_syntax_error(cn_parser *p) { return psr_syntax_error_at(p, psr_peek(p, 0)); }

void *psr_error_ctx(cn_parser *p, int start, int stop, const char *cls, ...)
{
    if (p->failed) return NULL;
    p->failed = true;
    const char *k[CN_ERR_MAX_PARAMS], *v[CN_ERR_MAX_PARAMS];
    int n = 0;
    va_list ap;
    va_start(ap, cls);
    const char *key;
    while (n < CN_ERR_MAX_PARAMS && (key = va_arg(ap, const char *)) != NULL) {
        k[n] = key;
        v[n] = va_arg(ap, const char *);
        n++;
    }
    va_end(ap);
    /* cn_error_set is variadic: pass up to 4 pairs explicitly */
    const char *kk[8] = {0}, *vv[8] = {0};
    for (int i = 0; i < n && i < 8; i++) kk[i] = k[i], vv[i] = v[i];
    cn_error_set(p->err, cls, kk[0], vv[0], kk[1], vv[1], kk[2], vv[2], kk[3], vv[3], NULL);
    if (start >= 0) cn_error_context(p->err, p->sql, start, stop);
    return NULL;
}

bool psr_enter(cn_parser *p)
{
    if (p->failed) return false;
    if (++p->depth > CN_SQL_MAX_DEPTH || (p->max_steps > 0 && ++p->steps > p->max_steps)) {
        p->failed = true;
        cn_error_set(p->err, "FAILED_TO_PARSE_TOO_COMPLEX", NULL);
        return false;
    }
    return true;
}

void psr_leave(cn_parser *p) { p->depth--; }

bool psr_subq_failed(cn_parser *p, int pos) { return p->subq_failed && pos >= 0 && pos < p->n && p->subq_failed[pos]; }

void psr_set_subq_failed(cn_parser *p, int pos)
{
    if (pos < 0 || pos >= p->n) return;
    if (!p->subq_failed) p->subq_failed = cn_arena_calloc(p->a, (size_t)p->n);
    p->subq_failed[pos] = 1;
}

bool psr_is_ident(const cn_token *t) { return t->kind == TK_IDENT || t->kind == TK_QIDENT; }

char *psr_ident(cn_parser *p)
{
    if (p->failed) return NULL;
    cn_token *t = psr_peek(p, 0);
    if (t->kind == TK_QIDENT) {
        p->pos++;
        return t->str;
    }
    if (t->kind == TK_IDENT) {
        p->pos++;
        return cn_arena_strndup(p->a, t->text, (size_t)t->len);
    }
    return psr_syntax_error(p);
}

bool psr_multipart(cn_parser *p, cn_name *out)
{
    CN_VEC(char *) v = {0};
    do {
        char *s = psr_ident(p);
        if (!s) {
            cn_vec_free(v);
            return false;
        }
        cn_vec_push(v, s);
    } while (psr_op(p, ".") && psr_is_ident(psr_peek(p, 1)) && (p->pos++, true));
    out->n = v.n;
    out->parts = psr_vdup(p->a, v.v, v.n, sizeof(char *));
    cn_vec_free(v);
    return true;
}

bool psr_ident_list(cn_parser *p, int *n, char ***out)
{
    if (!psr_expect_op(p, "(")) return false;
    CN_VEC(char *) v = {0};
    do {
        char *s = psr_ident(p);
        if (!s) {
            cn_vec_free(v);
            return false;
        }
        cn_vec_push(v, s);
    } while (psr_accept_op(p, ","));
    if (!psr_expect_op(p, ")")) {
        cn_vec_free(v);
        return false;
    }
    *n = v.n;
    *out = psr_vdup(p->a, v.v, v.n, sizeof(char *));
    cn_vec_free(v);
    return true;
}

static const char *const RESERVED_ALIAS[] = {
    "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT", "EXCEPT",
    "MINUS", "SETMINUS", "WINDOW", "SORT", "CLUSTER", "DISTRIBUTE", "LATERAL", "JOIN", "INNER", "LEFT",
    "RIGHT", "FULL", "CROSS", "NATURAL", "SEMI", "ANTI", "ON", "USING", "SELECT", "PIVOT", "UNPIVOT",
    "TABLESAMPLE", "INTO", "QUALIFY", "AS", "WITH", "OPTIONS", "VALUES",
};

bool psr_reserved_alias(const cn_token *t)
{
    if (t->kind != TK_IDENT) return false;
    for (int i = 0; i < CN_ARRAY_LEN(RESERVED_ALIAS); i++)
        if (psr_is_kw(t, RESERVED_ALIAS[i])) return true;
    return false;
}

bool psr_query_start(cn_parser *p, int k)
{
    cn_token *t = psr_peek(p, k);
    return psr_is_kw(t, "SELECT") || psr_is_kw(t, "WITH") || psr_is_kw(t, "VALUES") ||
           (psr_is_kw(t, "TABLE") && psr_is_ident(psr_peek(p, k + 1))) ||
           (psr_is_kw(t, "FROM") && psr_is_ident(psr_peek(p, k + 1)));
}

void psr_list_push(cn_parser *p, cn_ast_list *l, cn_ast *x)
{
    /* arena-backed doubling: capacity is 4, 8, 16, ... so it is implied by n */
    int n = l->n;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        int cap = n ? n * 2 : 4;
        cn_ast **items = cn_arena_alloc(p->a, sizeof(cn_ast *) * (size_t)cap);
        if (n) memcpy(items, l->items, sizeof(cn_ast *) * (size_t)n);
        l->items = items;
    }
    l->items[l->n++] = x;
}

bool psr_sort_items(cn_parser *p, int *n, cn_sort_item **out)
{
    CN_VEC(cn_sort_item) v = {0};
    do {
        cn_sort_item it = {0};
        it.expr = psr_expr(p);
        if (!it.expr) {
            cn_vec_free(v);
            return false;
        }
        if (psr_accept_kw(p, "DESC")) it.desc = true;
        else psr_accept_kw(p, "ASC");
        if (psr_accept_kw(p, "NULLS")) {
            if (psr_accept_kw(p, "FIRST")) it.nulls = 1;
            else if (psr_expect_kw(p, "LAST")) it.nulls = 2;
            else {
                cn_vec_free(v);
                return false;
            }
        }
        cn_vec_push(v, it);
    } while (psr_accept_op(p, ","));
    *n = v.n;
    *out = psr_vdup(p->a, v.v, v.n, sizeof(cn_sort_item));
    cn_vec_free(v);
    return true;
}

/* ------------------------------------------------------------------------ */
/* relations                                                                 */

static cn_ast *relation(cn_parser *p);

/* [AS] alias [(cols)] */
static bool table_alias(cn_parser *p, char **alias, int *ncols, char ***cols)
{
    bool as = psr_accept_kw(p, "AS");
    cn_token *t = psr_peek(p, 0);
    if (!psr_is_ident(t) || (!as && psr_reserved_alias(t))) {
        if (as) psr_syntax_error(p);
        return !p->failed;
    }
    *alias = psr_ident(p);
    if (psr_op(p, "(") && psr_is_ident(psr_peek(p, 1))) return psr_ident_list(p, ncols, cols);
    return !p->failed;
}

/* VALUES row, row, ... [alias]; rows are expressions, (a, b) giving several columns. */
static cn_ast *inline_table(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    if (!psr_expect_kw(p, "VALUES")) return NULL;
    CN_VEC(cn_ast_list) rows = {0};
    do {
        cn_ast *e = psr_expr(p);
        if (!e) {
            cn_vec_free(rows);
            return NULL;
        }
        cn_ast_list row = {0};
        if (e->kind == AST_PAREN_LIST) row = e->u.list;
        else psr_list_push(p, &row, e);
        cn_vec_push(rows, row);
    } while (psr_accept_op(p, ","));
    cn_ast *n = cn_ast_new(p->a, AST_VALUES, start, 0);
    n->u.values.nrows = rows.n;
    n->u.values.rows = psr_vdup(p->a, rows.v, rows.n, sizeof(cn_ast_list));
    cn_vec_free(rows);
    if (!table_alias(p, &n->u.values.alias, &n->u.values.ncols, &n->u.values.cols)) return NULL;
    n->stop = psr_prev_stop(p);
    int expected = n->u.values.ncols ? n->u.values.ncols : n->u.values.rows[0].n;
    for (int i = 0; i < n->u.values.nrows; i++) {
        if (n->u.values.rows[i].n != expected) {
            char e[16], a[16], r[16];
            snprintf(e, sizeof e, "%d", expected);
            snprintf(a, sizeof a, "%d", n->u.values.rows[i].n);
            snprintf(r, sizeof r, "%d", i);
            return psr_error_ctx(p, n->start, n->stop, "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH",
                                 "actualNumCols", a, "expectedNumCols", e, "rowIndex", r, NULL);
        }
    }
    return n;
}

/* ( query ) [alias] as a relation */
static cn_ast *subquery_relation(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    if (!psr_expect_op(p, "(")) return NULL;
    cn_ast *q = psr_query(p);
    if (!q || !psr_expect_op(p, ")")) return NULL;
    cn_ast *n = cn_ast_new(p->a, AST_SUBQUERY_REL, start, 0);
    n->u.subrel.query = q;
    if (!table_alias(p, &n->u.subrel.alias, &n->u.subrel.ncols, &n->u.subrel.cols)) return NULL;
    n->stop = psr_prev_stop(p);
    return n;
}

static cn_ast *relation_primary(cn_parser *p)
{
    if (!psr_enter(p)) return NULL;
    cn_ast *r = NULL;
    cn_token *t = psr_peek(p, 0);
    int start = t->start;
    if (psr_op(p, "(")) {
        if (psr_query_start(p, 1)) {
            r = subquery_relation(p);
        } else if (psr_op_at(p, 1, "(")) {
            /* ((select ...) union ...) t  or  ((a join b) join c): try the query reading first
             * (once per '(': a failed reading is remembered, see cn_parser) */
            int save = p->pos;
            r = psr_subq_failed(p, save) ? NULL : subquery_relation(p);
            if (!r && strcmp(p->err->cls, "FAILED_TO_PARSE_TOO_COMPLEX") != 0) {
                psr_set_subq_failed(p, save);
                p->pos = save;
                p->failed = false;
                cn_error_clear(p->err);
                p->pos++;
                r = relation(p);
                if (r && !psr_expect_op(p, ")")) r = NULL;
            }
        } else {
            p->pos++;
            r = relation(p);
            if (r && !psr_expect_op(p, ")")) r = NULL;
        }
    } else if (psr_kw(p, "VALUES")) {
        r = inline_table(p);
    } else if (psr_is_ident(t)) {
        cn_name name;
        if (psr_multipart(p, &name)) {
            if (psr_op(p, "(")) {
                /* table-valued function: range(10) */
                r = cn_ast_new(p->a, AST_TVF, start, 0);
                r->u.tvf.name = name.parts[name.n - 1];
                p->pos++;
                if (!psr_op(p, ")")) {
                    do {
                        cn_ast *e = psr_expr(p);
                        if (!e) break;
                        psr_list_push(p, &r->u.tvf.args, e);
                    } while (psr_accept_op(p, ","));
                }
                if (!psr_expect_op(p, ")") ||
                    !table_alias(p, &r->u.tvf.alias, &r->u.tvf.ncols, &r->u.tvf.cols))
                    r = NULL;
            } else {
                r = cn_ast_new(p->a, AST_TABLE, start, 0);
                r->u.table.name = name;
                if (!table_alias(p, &r->u.table.alias, &r->u.table.ncols, &r->u.table.cols)) r = NULL;
            }
        }
    } else {
        psr_syntax_error(p);
    }
    if (r && r->kind != AST_JOIN) r->stop = psr_prev_stop(p);
    psr_leave(p);
    return p->failed ? NULL : r;
}

/* join type keywords before JOIN; returns false when no join follows */
static bool join_type(cn_parser *p, cn_join_type *type)
{
    int k = 0;
    cn_join_type jt = JOIN_INNER;
    if (psr_kw_at(p, 0, "INNER")) k = 1;
    else if (psr_kw_at(p, 0, "CROSS")) jt = JOIN_CROSS, k = 1;
    else if (psr_kw_at(p, 0, "LEFT")) {
        k = 1;
        jt = JOIN_LEFT;
        if (psr_kw_at(p, 1, "OUTER")) k = 2;
        else if (psr_kw_at(p, 1, "SEMI")) jt = JOIN_LEFT_SEMI, k = 2;
        else if (psr_kw_at(p, 1, "ANTI")) jt = JOIN_LEFT_ANTI, k = 2;
    } else if (psr_kw_at(p, 0, "SEMI")) jt = JOIN_LEFT_SEMI, k = 1;
    else if (psr_kw_at(p, 0, "ANTI")) jt = JOIN_LEFT_ANTI, k = 1;
    else if (psr_kw_at(p, 0, "RIGHT")) jt = JOIN_RIGHT, k = psr_kw_at(p, 1, "OUTER") ? 2 : 1;
    else if (psr_kw_at(p, 0, "FULL")) jt = JOIN_FULL, k = psr_kw_at(p, 1, "OUTER") ? 2 : 1;
    if (!psr_kw_at(p, k, "JOIN")) return false;
    p->pos += k + 1;
    *type = jt;
    return true;
}

static cn_ast *relation(cn_parser *p)
{
    if (!psr_enter(p)) return NULL;
    int start = psr_peek(p, 0)->start;
    psr_accept_kw(p, "LATERAL");
    cn_ast *left = relation_primary(p);
    while (left && !p->failed) {
        bool natural = false;
        if (psr_kw(p, "NATURAL")) {
            natural = true;
            p->pos++;
        }
        cn_join_type jt;
        if (!join_type(p, &jt)) {
            if (natural) psr_syntax_error(p);
            break;
        }
        psr_accept_kw(p, "LATERAL");
        cn_ast *right = relation_primary(p);
        if (!right) break;
        cn_ast *j = cn_ast_new(p->a, AST_JOIN, start, 0);
        j->u.join.type = jt;
        j->u.join.left = left;
        j->u.join.right = right;
        j->u.join.natural = natural;
        if (!natural && psr_accept_kw(p, "ON")) {
            j->u.join.on = psr_expr(p);
        } else if (!natural && psr_kw(p, "USING")) {
            p->pos++;
            psr_ident_list(p, &j->u.join.nusing, &j->u.join.using_);
        }
        j->stop = psr_prev_stop(p);
        left = j;
    }
    psr_leave(p);
    return p->failed ? NULL : left;
}

/* ------------------------------------------------------------------------ */
/* SELECT                                                                    */

static bool parse_hints(cn_parser *p, cn_ast *sel, const cn_token *ht)
{
    cn_parser sub = *p;
    sub.depth = p->depth;
    sub.subq_failed = NULL; /* positions of the main token array */
    sub.memo = NULL;
    if (cn_sql_lex(p->sql, ht->hstart, ht->hstop + 1, p->a, &sub.t, &sub.n, p->err) != 0) {
        p->failed = true;
        return false;
    }
    sub.pos = 0;
    CN_VEC(char *) names = {0};
    CN_VEC(cn_ast_list) args = {0};
    while (!sub.failed && psr_peek(&sub, 0)->kind != TK_EOF) {
        char *name = psr_ident(&sub);
        if (!name) break;
        for (char *c = name; *c; c++) *c = (char)toupper((unsigned char)*c);
        cn_ast_list l = {0};
        if (psr_accept_op(&sub, "(")) {
            if (!psr_op(&sub, ")")) {
                do {
                    cn_ast *e = psr_expr(&sub);
                    if (!e) break;
                    psr_list_push(&sub, &l, e);
                } while (psr_accept_op(&sub, ","));
            }
            psr_expect_op(&sub, ")");
        }
        cn_vec_push(names, name);
        cn_vec_push(args, l);
        psr_accept_op(&sub, ",");
    }
    if (sub.failed) {
        p->failed = true;
    } else {
        sel->u.select.nhints = names.n;
        sel->u.select.hint_names = psr_vdup(p->a, names.v, names.n, sizeof(char *));
        sel->u.select.hint_args = psr_vdup(p->a, args.v, args.n, sizeof(cn_ast_list));
    }
    cn_vec_free(names);
    cn_vec_free(args);
    return !p->failed;
}

/* GROUPING SETS ( set, ... ) where a set is (a, b), () or an expression */
static cn_ast *grouping_sets(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    p->pos += 2; /* GROUPING SETS */
    cn_ast *f = cn_ast_new(p->a, AST_FUNC, start, 0);
    f->u.func.name = "grouping_sets";
    if (!psr_expect_op(p, "(")) return NULL;
    do {
        cn_ast *e;
        if (psr_op(p, "(") && psr_op_at(p, 1, ")")) {
            e = cn_ast_new(p->a, AST_PAREN_LIST, psr_peek(p, 0)->start, psr_peek(p, 1)->stop);
            p->pos += 2;
        } else {
            e = psr_expr(p);
        }
        if (!e) return NULL;
        psr_list_push(p, &f->u.func.args, e);
    } while (psr_accept_op(p, ","));
    if (!psr_expect_op(p, ")")) return NULL;
    f->stop = psr_prev_stop(p);
    return f;
}

static bool group_by(cn_parser *p, cn_ast *sel)
{
    if (psr_kw(p, "ALL") && !psr_op_at(p, 1, "(") && !psr_op_at(p, 1, ".") && !psr_op_at(p, 1, ",")) {
        p->pos++;
        sel->u.select.group_by_all = true;
        return true;
    }
    int start = psr_peek(p, 0)->start;
    do {
        cn_ast *e;
        if (psr_kw(p, "GROUPING") && psr_kw_at(p, 1, "SETS")) e = grouping_sets(p);
        else e = psr_expr(p);
        if (!e) return false;
        psr_list_push(p, &sel->u.select.group_by, e);
    } while (psr_accept_op(p, ","));
    if (psr_kw(p, "WITH") && (psr_kw_at(p, 1, "ROLLUP") || psr_kw_at(p, 1, "CUBE"))) {
        cn_ast *f = cn_ast_new(p->a, AST_FUNC, start, psr_peek(p, 1)->stop);
        f->u.func.name = psr_kw_at(p, 1, "ROLLUP") ? "rollup" : "cube";
        f->u.func.args = sel->u.select.group_by;
        sel->u.select.group_by = (cn_ast_list){0};
        psr_list_push(p, &sel->u.select.group_by, f);
        p->pos += 2;
    }
    return !p->failed;
}

cn_ast *psr_window_spec(cn_parser *p); /* parse_expr.c */

static bool window_clause(cn_parser *p, cn_ast *sel)
{
    CN_VEC(char *) names = {0};
    CN_VEC(cn_ast *) specs = {0};
    do {
        char *name = psr_ident(p);
        if (!name || !psr_expect_kw(p, "AS")) break;
        cn_ast *w;
        if (psr_is_ident(psr_peek(p, 0))) {
            w = cn_ast_new(p->a, AST_WINDOW, psr_peek(p, 0)->start, psr_peek(p, 0)->stop);
            w->u.window.ref = psr_ident(p);
        } else {
            w = psr_window_spec(p);
        }
        if (!w) break;
        cn_vec_push(names, name);
        cn_vec_push(specs, w);
    } while (psr_accept_op(p, ","));
    if (!p->failed) {
        sel->u.select.nwindows = names.n;
        sel->u.select.window_names = psr_vdup(p->a, names.v, names.n, sizeof(char *));
        sel->u.select.windows = psr_vdup(p->a, specs.v, specs.n, sizeof(cn_ast *));
    }
    cn_vec_free(names);
    cn_vec_free(specs);
    return !p->failed;
}

static cn_ast *select_spec(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    if (!psr_expect_kw(p, "SELECT")) return NULL;
    cn_ast *s = cn_ast_new(p->a, AST_SELECT, start, 0);
    while (psr_peek(p, 0)->kind == TK_HINT) {
        cn_token *ht = psr_peek(p, 0);
        p->pos++;
        if (!parse_hints(p, s, ht)) return NULL;
    }
    if (psr_accept_kw(p, "DISTINCT")) s->u.select.distinct = true;
    else if (psr_kw(p, "ALL") && !psr_op_at(p, 1, "(") && !psr_op_at(p, 1, ".")) p->pos++;
    CN_VEC(cn_select_item) items = {0};
    do {
        cn_select_item it = {0};
        it.expr = psr_expr(p);
        if (!it.expr) break;
        if (psr_accept_kw(p, "AS")) {
            it.alias = psr_ident(p);
        } else if (psr_is_ident(psr_peek(p, 0)) && !psr_reserved_alias(psr_peek(p, 0))) {
            it.alias = psr_ident(p);
        }
        cn_vec_push(items, it);
    } while (psr_accept_op(p, ","));
    s->u.select.nitems = items.n;
    s->u.select.items = psr_vdup(p->a, items.v, items.n, sizeof(cn_select_item));
    cn_vec_free(items);
    if (p->failed) return NULL;
    if (psr_accept_kw(p, "FROM")) {
        int fstart = psr_peek(p, 0)->start;
        cn_ast *from = relation(p);
        while (from && psr_accept_op(p, ",")) {
            cn_ast *r = relation(p);
            if (!r) return NULL;
            cn_ast *j = cn_ast_new(p->a, AST_JOIN, fstart, r->stop);
            j->u.join.type = JOIN_INNER;
            j->u.join.implicit = true;
            j->u.join.left = from;
            j->u.join.right = r;
            from = j;
        }
        if (!from) return NULL;
        s->u.select.from = from;
    }
    if (psr_accept_kw(p, "WHERE") && !(s->u.select.where = psr_expr(p))) return NULL;
    if (psr_kw(p, "GROUP") && psr_kw_at(p, 1, "BY")) {
        p->pos += 2;
        if (!group_by(p, s)) return NULL;
    }
    if (psr_accept_kw(p, "HAVING") && !(s->u.select.having = psr_expr(p))) return NULL;
    if (psr_accept_kw(p, "WINDOW") && !window_clause(p, s)) return NULL;
    s->stop = psr_prev_stop(p);
    return s;
}

/* ------------------------------------------------------------------------ */
/* queries                                                                   */

static cn_ast *query_term(cn_parser *p, int min_prec);

static cn_ast *query_primary(cn_parser *p)
{
    cn_token *t = psr_peek(p, 0);
    if (psr_is_kw(t, "SELECT")) return select_spec(p);
    if (psr_is_kw(t, "VALUES")) return inline_table(p);
    if (psr_is_kw(t, "TABLE")) {
        p->pos++;
        cn_ast *tab = cn_ast_new(p->a, AST_TABLE, psr_peek(p, 0)->start, 0);
        if (!psr_multipart(p, &tab->u.table.name)) return NULL;
        tab->stop = psr_prev_stop(p);
        cn_ast *s = cn_ast_new(p->a, AST_SELECT, t->start, tab->stop);
        s->u.select.nitems = 1;
        s->u.select.items = cn_arena_calloc(p->a, sizeof(cn_select_item));
        s->u.select.items[0].expr = cn_ast_new(p->a, AST_STAR, t->start, tab->stop);
        s->u.select.from = tab;
        return s;
    }
    if (psr_op(p, "(")) {
        p->pos++;
        cn_ast *q = psr_query(p);
        if (!q || !psr_expect_op(p, ")")) return NULL;
        /* a parenthesised query without its own WITH / ORDER BY / LIMIT is just its body */
        if (q->u.query.nctes == 0 && q->u.query.norder == 0 && !q->u.query.limit && !q->u.query.offset &&
            q->u.query.nsort_by == 0 && q->u.query.distribute_by.n == 0)
            return q->u.query.body;
        return q;
    }
    return psr_syntax_error(p);
}

static int setop_prec(cn_parser *p, cn_setop_kind *op)
{
    if (psr_kw(p, "UNION")) return *op = SETOP_UNION, 1;
    if (psr_kw(p, "EXCEPT") || psr_kw(p, "MINUS") || psr_kw(p, "SETMINUS")) return *op = SETOP_EXCEPT, 1;
    if (psr_kw(p, "INTERSECT")) return *op = SETOP_INTERSECT, 2;
    return 0;
}

static cn_ast *query_term(cn_parser *p, int min_prec)
{
    if (!psr_enter(p)) return NULL;
    int start = psr_peek(p, 0)->start;
    cn_ast *left = query_primary(p);
    while (left && !p->failed) {
        cn_setop_kind op;
        int prec = setop_prec(p, &op);
        if (!prec || prec < min_prec) break;
        p->pos++;
        bool all = false;
        if (psr_accept_kw(p, "ALL")) all = true;
        else psr_accept_kw(p, "DISTINCT");
        cn_ast *right = query_term(p, prec + 1);
        if (!right) {
            left = NULL;
            break;
        }
        cn_ast *s = cn_ast_new(p->a, AST_SETOP, start, right->stop);
        s->u.setop.op = op;
        s->u.setop.all = all;
        s->u.setop.l = left;
        s->u.setop.r = right;
        left = s;
    }
    psr_leave(p);
    return p->failed ? NULL : left;
}

static bool ctes(cn_parser *p, cn_ast *q)
{
    CN_VEC(cn_cte) v = {0};
    do {
        cn_cte c = {0};
        c.start = psr_peek(p, 0)->start;
        c.name = psr_ident(p);
        if (!c.name) break;
        if (psr_op(p, "(") && !psr_query_start(p, 1)) {
            if (!psr_ident_list(p, &c.ncols, &c.cols)) break;
        }
        psr_accept_kw(p, "AS");
        if (!psr_expect_op(p, "(")) break;
        c.query = psr_query(p);
        if (!c.query || !psr_expect_op(p, ")")) break;
        c.stop = psr_prev_stop(p);
        cn_vec_push(v, c);
    } while (psr_accept_op(p, ","));
    q->u.query.nctes = v.n;
    q->u.query.ctes = psr_vdup(p->a, v.v, v.n, sizeof(cn_cte));
    cn_vec_free(v);
    return !p->failed;
}

cn_ast *psr_query(cn_parser *p)
{
    if (!psr_enter(p)) return NULL;
    int start = psr_peek(p, 0)->start;
    cn_ast *q = cn_ast_new(p->a, AST_QUERY, start, 0);
    if (psr_accept_kw(p, "WITH") && !ctes(p, q)) goto fail;
    if (!(q->u.query.body = query_term(p, 0))) goto fail;
    if (psr_kw(p, "ORDER") && psr_kw_at(p, 1, "BY")) {
        p->pos += 2;
        if (!psr_sort_items(p, &q->u.query.norder, &q->u.query.order)) goto fail;
    }
    if (psr_kw(p, "CLUSTER") && psr_kw_at(p, 1, "BY")) {
        p->pos += 2;
        CN_VEC(cn_sort_item) v = {0};
        do {
            cn_ast *e = psr_expr(p);
            if (!e) break;
            psr_list_push(p, &q->u.query.distribute_by, e);
            cn_sort_item it = {e, false, 0};
            cn_vec_push(v, it);
        } while (psr_accept_op(p, ","));
        q->u.query.nsort_by = v.n;
        q->u.query.sort_by = psr_vdup(p->a, v.v, v.n, sizeof(cn_sort_item));
        cn_vec_free(v);
        if (p->failed) goto fail;
        /* CLUSTER BY is DISTRIBUTE BY and SORT BY: neither may follow it (Spark's
         * withQueryResultClauses) */
        if ((psr_kw(p, "DISTRIBUTE") || psr_kw(p, "SORT")) && psr_kw_at(p, 1, "BY")) {
            psr_error_ctx(p, q->start, psr_peek(p, 1)->stop, "UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES",
                          NULL);
            goto fail;
        }
    }
    if (psr_kw(p, "DISTRIBUTE") && psr_kw_at(p, 1, "BY")) {
        p->pos += 2;
        do {
            cn_ast *e = psr_expr(p);
            if (!e) goto fail;
            psr_list_push(p, &q->u.query.distribute_by, e);
        } while (psr_accept_op(p, ","));
    }
    if (psr_kw(p, "SORT") && psr_kw_at(p, 1, "BY")) {
        p->pos += 2;
        if (!psr_sort_items(p, &q->u.query.nsort_by, &q->u.query.sort_by)) goto fail;
    }
    if (psr_accept_kw(p, "LIMIT")) {
        if (psr_kw(p, "ALL")) p->pos++;
        else if (!(q->u.query.limit = psr_expr(p))) goto fail;
    }
    if (psr_accept_kw(p, "OFFSET") && !(q->u.query.offset = psr_expr(p))) goto fail;
    q->stop = psr_prev_stop(p);
    /* duplicate CTE names (Spark compares them as written) */
    for (int i = 0; i < q->u.query.nctes; i++) {
        for (int j = 0; j < i; j++) {
            if (strcmp(q->u.query.ctes[i].name, q->u.query.ctes[j].name) == 0) {
                char *names = cn_arena_printf(p->a, "`%s`", q->u.query.ctes[i].name);
                psr_error_ctx(p, q->start, q->stop, "DUPLICATED_CTE_NAMES", "duplicateNames", names, NULL);
                goto fail;
            }
        }
    }
    psr_leave(p);
    return q;
fail:
    psr_leave(p);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* statements                                                                */

static cn_ast *statement(cn_parser *p);

/* OPTIONS ( key [=] value, ... ) */
static bool options(cn_parser *p, int *n, cn_option **out)
{
    if (!psr_expect_op(p, "(")) return false;
    CN_VEC(cn_option) v = {0};
    do {
        cn_option o = {0};
        cn_token *t = psr_peek(p, 0);
        if (t->kind == TK_STRING) {
            o.key = t->str;
            p->pos++;
        } else {
            cn_name nm;
            if (!psr_multipart(p, &nm)) break;
            size_t len = 0;
            for (int i = 0; i < nm.n; i++) len += strlen(nm.parts[i]) + 1;
            o.key = cn_arena_alloc(p->a, len + 1);
            o.key[0] = 0;
            for (int i = 0; i < nm.n; i++) {
                if (i) strcat(o.key, ".");
                strcat(o.key, nm.parts[i]);
            }
        }
        psr_accept_op(p, "=");
        t = psr_peek(p, 0);
        bool neg = false;
        if (t->kind == TK_OP && t->len == 1 && (t->text[0] == '-' || t->text[0] == '+') &&
            psr_peek(p, 1)->kind == TK_NUMBER) {
            neg = t->text[0] == '-';
            p->pos++;
            t = psr_peek(p, 0);
        }
        if (t->kind == TK_STRING) {
            /* adjacent strings concatenate */
            o.value = t->str;
            p->pos++;
            while (psr_peek(p, 0)->kind == TK_STRING) {
                o.value = cn_arena_printf(p->a, "%s%s", o.value, psr_peek(p, 0)->str);
                p->pos++;
            }
        } else if (t->kind == TK_NUMBER) {
            o.value = cn_arena_printf(p->a, "%s%.*s", neg ? "-" : "", t->len, t->text);
            p->pos++;
        } else if (psr_is_kw(t, "TRUE") || psr_is_kw(t, "FALSE")) {
            o.value = psr_is_kw(t, "TRUE") ? "true" : "false";
            p->pos++;
        } else {
            psr_syntax_error(p);
            break;
        }
        cn_vec_push(v, o);
    } while (psr_accept_op(p, ","));
    if (!p->failed) psr_expect_op(p, ")");
    *n = v.n;
    *out = psr_vdup(p->a, v.v, v.n, sizeof(cn_option));
    cn_vec_free(v);
    return !p->failed;
}

static char *string_lit(cn_parser *p)
{
    cn_token *t = psr_peek(p, 0);
    if (t->kind != TK_STRING) return psr_syntax_error(p);
    p->pos++;
    return t->str;
}

/* (col [type] [NOT NULL] [COMMENT 'x'], ...) */
static bool column_defs(cn_parser *p, int *n, cn_column_def **out)
{
    if (!psr_expect_op(p, "(")) return false;
    CN_VEC(cn_column_def) v = {0};
    do {
        cn_column_def c = {0};
        c.name = psr_ident(p);
        if (!c.name) break;
        if (!psr_op(p, ",") && !psr_op(p, ")") && !psr_kw(p, "COMMENT")) {
            c.type = psr_type(p);
            if (!c.type) break;
        }
        if (psr_kw(p, "NOT") && psr_kw_at(p, 1, "NULL")) p->pos += 2;
        if (psr_accept_kw(p, "COMMENT") && !string_lit(p)) break;
        cn_vec_push(v, c);
    } while (psr_accept_op(p, ","));
    if (!p->failed) psr_expect_op(p, ")");
    *n = v.n;
    *out = psr_vdup(p->a, v.v, v.n, sizeof(cn_column_def));
    cn_vec_free(v);
    return !p->failed;
}

static cn_ast *create(cn_parser *p, int start)
{
    cn_ast *n = cn_ast_new(p->a, AST_CREATE_VIEW, start, 0);
    if (psr_kw(p, "OR") && psr_kw_at(p, 1, "REPLACE")) {
        p->pos += 2;
        n->u.create_view.or_replace = true;
    }
    if (psr_accept_kw(p, "GLOBAL")) n->u.create_view.global = true;
    if (psr_accept_kw(p, "TEMPORARY") || psr_accept_kw(p, "TEMP")) n->u.create_view.temporary = true;
    bool is_table = false;
    if (psr_accept_kw(p, "EXTERNAL")) is_table = true;
    if (psr_accept_kw(p, "TABLE")) is_table = true;
    else if (is_table || !psr_expect_kw(p, "VIEW")) return psr_syntax_error(p);
    if (is_table) n->kind = AST_CREATE_TABLE;
    if (psr_kw(p, "IF") && psr_kw_at(p, 1, "NOT") && psr_kw_at(p, 2, "EXISTS")) {
        p->pos += 3;
        n->u.create_view.if_not_exists = true;
    }
    if (!psr_multipart(p, &n->u.create_view.name)) return NULL;
    if (psr_op(p, "(") && !psr_query_start(p, 1) &&
        !column_defs(p, &n->u.create_view.ncols, &n->u.create_view.cols))
        return NULL;
    /* clauses in any order, as Spark allows */
    while (!p->failed) {
        if (psr_accept_kw(p, "USING")) {
            n->u.create_view.provider = psr_ident(p);
        } else if (psr_accept_kw(p, "OPTIONS")) {
            options(p, &n->u.create_view.noptions, &n->u.create_view.options);
        } else if (psr_accept_kw(p, "COMMENT")) {
            string_lit(p);
        } else if (psr_accept_kw(p, "TBLPROPERTIES")) {
            int nn;
            cn_option *o;
            options(p, &nn, &o);
        } else {
            break;
        }
    }
    if (p->failed) return NULL;
    if (psr_accept_kw(p, "AS") || psr_query_start(p, 0) || psr_op(p, "(")) {
        if (!(n->u.create_view.query = psr_query(p))) return NULL;
    } else if (!is_table && !n->u.create_view.provider) {
        return psr_syntax_error(p);
    }
    return n;
}

static cn_ast *set_like(cn_parser *p, const char *sql, int from, int to, bool reset)
{
    /* SET / RESET take raw text up to the end of the statement */
    int i = from;
    while (i < to && isspace((unsigned char)sql[i])) i++;
    i += reset ? 5 : 3;
    while (to > i && (isspace((unsigned char)sql[to - 1]) || sql[to - 1] == ';')) to--;
    while (i < to && isspace((unsigned char)sql[i])) i++;
    cn_ast *n = cn_ast_new(p->a, reset ? AST_RESET : AST_SET, from, to > from ? to - 1 : from);
    while (n->start < to && isspace((unsigned char)sql[n->start])) n->start++;
    if (i >= to) return n;
    if (!reset && to - i == 2 && sql[i] == '-' && (sql[i + 1] == 'v' || sql[i + 1] == 'V')) {
        n->u.set.verbose = true;
        return n;
    }
    /* SET TIME ZONE 'x' | LOCAL */
    if (!reset && to - i > 9 && strncasecmp(sql + i, "time", 4) == 0 && isspace((unsigned char)sql[i + 4])) {
        int j = i + 4;
        while (j < to && isspace((unsigned char)sql[j])) j++;
        if (to - j >= 4 && strncasecmp(sql + j, "zone", 4) == 0 && (j + 4 == to || isspace((unsigned char)sql[j + 4]))) {
            j += 4;
            while (j < to && isspace((unsigned char)sql[j])) j++;
            n->u.set.key = "spark.sql.session.timeZone";
            if (j < to) {
                int e = to;
                if (sql[j] == '\'' || sql[j] == '"') {
                    if (e - j >= 2 && sql[e - 1] == sql[j]) j++, e--;
                }
                n->u.set.value = cn_arena_strndup(p->a, sql + j, (size_t)(e - j));
            }
            return n;
        }
    }
    int eq = -1;
    char q = 0;
    for (int j = i; j < to; j++) {
        if (q) {
            if (sql[j] == q) q = 0;
        } else if (sql[j] == '\'' || sql[j] == '"' || sql[j] == '`') {
            q = sql[j];
        } else if (sql[j] == '=') {
            eq = j;
            break;
        }
    }
    int ke = eq >= 0 ? eq : to;
    while (ke > i && isspace((unsigned char)sql[ke - 1])) ke--;
    int ks = i;
    if (ke - ks >= 2 && sql[ks] == '`' && sql[ke - 1] == '`') ks++, ke--;
    n->u.set.key = cn_arena_strndup(p->a, sql + ks, (size_t)(ke - ks));
    if (eq >= 0 && !reset) {
        int vs = eq + 1, ve = to;
        while (vs < ve && isspace((unsigned char)sql[vs])) vs++;
        if (ve - vs >= 2 && (sql[vs] == '\'' || sql[vs] == '"' || sql[vs] == '`') && sql[ve - 1] == sql[vs]) vs++, ve--;
        n->u.set.value = cn_arena_strndup(p->a, sql + vs, (size_t)(ve - vs));
    }
    /* RESET takes a key only (no tokens here: set_like runs before lexing); a syntax error has a
     * position, not a query context, as in Spark's golden files */
    if (eq >= 0 && reset) {
        psr_error_ctx(p, -1, -1, "PARSE_SYNTAX_ERROR", "error", "'='", "hint", "", NULL);
        cn_error_position(p->err, sql, eq);
        return NULL;
    }
    return n;
}

static cn_ast *statement(cn_parser *p)
{
    if (!psr_enter(p)) return NULL;
    cn_token *t = psr_peek(p, 0);
    int start = t->start;
    cn_ast *n = NULL;
    if (psr_query_start(p, 0) || psr_op(p, "(")) {
        cn_ast *q = psr_query(p);
        if (q) {
            n = cn_ast_new(p->a, AST_QUERY_STMT, q->start, q->stop);
            n->u.stmt.query = q;
        }
    } else if (psr_accept_kw(p, "CREATE")) {
        n = create(p, start);
    } else if (psr_accept_kw(p, "DROP")) {
        n = cn_ast_new(p->a, AST_DROP_VIEW, start, 0);
        psr_accept_kw(p, "TEMPORARY");
        if (psr_accept_kw(p, "VIEW")) n->u.drop.is_view = true;
        else if (!psr_expect_kw(p, "TABLE")) n = NULL;
        if (n && psr_kw(p, "IF") && psr_kw_at(p, 1, "EXISTS")) {
            p->pos += 2;
            n->u.drop.if_exists = true;
        }
        if (n && !psr_multipart(p, &n->u.drop.name)) n = NULL;
    } else if (psr_accept_kw(p, "EXPLAIN")) {
        n = cn_ast_new(p->a, AST_EXPLAIN, start, 0);
        if (psr_accept_kw(p, "EXTENDED")) n->u.explain.mode = EXPLAIN_EXTENDED;
        else if (psr_accept_kw(p, "FORMATTED")) n->u.explain.mode = EXPLAIN_FORMATTED;
        else if (psr_accept_kw(p, "CODEGEN")) n->u.explain.mode = EXPLAIN_CODEGEN;
        else if (psr_accept_kw(p, "COST")) n->u.explain.mode = EXPLAIN_COST;
        if (!(n->u.explain.stmt = statement(p))) n = NULL;
    } else if (psr_accept_kw(p, "SHOW")) {
        if (psr_accept_kw(p, "TABLES")) {
            n = cn_ast_new(p->a, AST_SHOW_TABLES, start, 0);
            if ((psr_accept_kw(p, "IN") || psr_accept_kw(p, "FROM")) && !psr_multipart(p, &n->u.show.name)) n = NULL;
            if (n && (psr_accept_kw(p, "LIKE") || psr_peek(p, 0)->kind == TK_STRING) && !(n->u.show.pattern = string_lit(p)))
                n = NULL;
        } else if (psr_accept_kw(p, "COLUMNS")) {
            n = cn_ast_new(p->a, AST_SHOW_COLUMNS, start, 0);
            if (!(psr_accept_kw(p, "IN") || psr_expect_kw(p, "FROM")) || !psr_multipart(p, &n->u.show.name)) n = NULL;
            if (n && (psr_accept_kw(p, "IN") || psr_accept_kw(p, "FROM"))) {
                cn_name db;
                if (!psr_multipart(p, &db)) {
                    n = NULL;
                } else {
                    cn_name full;
                    full.n = db.n + n->u.show.name.n;
                    full.parts = cn_arena_alloc(p->a, sizeof(char *) * (size_t)full.n);
                    memcpy(full.parts, db.parts, sizeof(char *) * (size_t)db.n);
                    memcpy(full.parts + db.n, n->u.show.name.parts, sizeof(char *) * (size_t)n->u.show.name.n);
                    n->u.show.name = full;
                }
            }
        } else {
            psr_syntax_error(p);
        }
    } else if (psr_accept_kw(p, "DESCRIBE") || psr_accept_kw(p, "DESC")) {
        n = cn_ast_new(p->a, AST_DESCRIBE, start, 0);
        if (psr_accept_kw(p, "QUERY") || (psr_query_start(p, 0) && !psr_kw(p, "TABLE"))) {
            if (!(n->u.describe.query = psr_query(p))) n = NULL;
        } else {
            psr_accept_kw(p, "TABLE");
            if (psr_accept_kw(p, "EXTENDED") || psr_accept_kw(p, "FORMATTED")) n->u.describe.extended = true;
            if (!psr_multipart(p, &n->u.describe.name)) n = NULL;
        }
    } else if (psr_accept_kw(p, "CACHE")) {
        n = cn_ast_new(p->a, AST_CACHE, start, 0);
        if (psr_accept_kw(p, "LAZY")) n->u.cache.lazy = true;
        if (!psr_expect_kw(p, "TABLE") || !psr_multipart(p, &n->u.cache.name)) n = NULL;
        if (n && psr_accept_kw(p, "OPTIONS") && !options(p, &n->u.cache.noptions, &n->u.cache.options)) n = NULL;
        if (n && (psr_accept_kw(p, "AS") || psr_query_start(p, 0) || psr_op(p, "(")) &&
            !(n->u.cache.query = psr_query(p)))
            n = NULL;
    } else if (psr_accept_kw(p, "UNCACHE")) {
        n = cn_ast_new(p->a, AST_UNCACHE, start, 0);
        if (!psr_expect_kw(p, "TABLE")) n = NULL;
        if (n && psr_kw(p, "IF") && psr_kw_at(p, 1, "EXISTS")) {
            p->pos += 2;
            n->u.cache.if_exists = true;
        }
        if (n && !psr_multipart(p, &n->u.cache.name)) n = NULL;
    } else if (psr_accept_kw(p, "CLEAR")) {
        n = psr_expect_kw(p, "CACHE") ? cn_ast_new(p->a, AST_CLEAR_CACHE, start, 0) : NULL;
    } else {
        psr_syntax_error(p);
    }
    if (n && !p->failed) n->stop = psr_prev_stop(p);
    psr_leave(p);
    return p->failed ? NULL : n;
}

/* The first word of sql[from..to), skipping blanks and comments. */
static int first_word(const char *sql, int from, int to, int *ws)
{
    int i = from;
    while (i < to) {
        if (isspace((unsigned char)sql[i])) i++;
        else if (sql[i] == '-' && i + 1 < to && sql[i + 1] == '-') {
            while (i < to && sql[i] != '\n') i++;
        } else if (sql[i] == '/' && i + 1 < to && sql[i + 1] == '*' && !(i + 2 < to && sql[i + 2] == '+')) {
            int j = i + 2;
            while (j + 1 < to && !(sql[j] == '*' && sql[j + 1] == '/')) j++;
            i = j + 2;
        } else {
            break;
        }
    }
    *ws = i;
    int j = i;
    while (j < to && (isalnum((unsigned char)sql[j]) || sql[j] == '_')) j++;
    return j - i;
}

int cn_sql_parse(const char *sql, cn_arena *a, cn_ast **out, cn_error *err)
{
    *out = NULL;
    int to = (int)strlen(sql);
    cn_parser p = {0};
    p.sql = sql;
    p.a = a;
    p.err = err;

    int ws, wl = first_word(sql, 0, to, &ws);
    if ((wl == 3 && strncasecmp(sql + ws, "set", 3) == 0) || (wl == 5 && strncasecmp(sql + ws, "reset", 5) == 0)) {
        cn_ast *n = set_like(&p, sql, ws, to, wl == 5);
        if (!n) return -1;
        *out = n;
        return 0;
    }

    if (cn_sql_lex(sql, 0, to, a, &p.t, &p.n, err) != 0) return -1;
    /* drop trailing semicolons */
    int n = p.n - 1;
    while (n > 0 && p.t[n - 1].kind == TK_OP && p.t[n - 1].len == 1 && p.t[n - 1].text[0] == ';') n--;
    if (n == 0) return cn_error_set(err, "PARSE_EMPTY_STATEMENT", NULL);
    p.t[n] = p.t[p.n - 1];
    p.t[n].start = p.t[n].stop = p.t[n - 1].stop + 1;
    p.n = n + 1;
    p.max_steps = CN_SQL_MAX_STEPS_BASE + CN_SQL_MAX_STEPS_PER_TOKEN * p.n;

    cn_ast *s = statement(&p);
    if (s && psr_peek(&p, 0)->kind != TK_EOF) psr_syntax_error(&p);
    if (p.failed || !s) {
        if (!err->set) {
            cn_error_set(err, "PARSE_SYNTAX_ERROR", "error", "end of input", "hint", "", NULL);
            cn_error_position(err, sql, to);
        }
        return -1;
    }
    /* a left-deep chain (1+1+...+1, a AND b AND ...) is built by a loop, not by
     * recursion, so the recursion guard does not see its height: measure the tree */
    if (cn_ast_too_deep(s)) return cn_error_set(err, "FAILED_TO_PARSE_TOO_COMPLEX", NULL);
    *out = s;
    return 0;
}
