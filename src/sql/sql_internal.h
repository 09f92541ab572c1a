/*
 * sql_internal.h — what the lexer, the statement parser (parser.c) and the
 * expression parser (parse_expr.c) share: tokens and the parser state.
 *
 * The lexer turns one statement into an array of tokens up front (so the parser
 * can look ahead freely and backtrack by resetting an index). Keywords are not
 * a separate token kind: Spark's keywords are mostly non-reserved, so an
 * unquoted identifier is matched against a keyword by the parser where the
 * grammar expects one. Positions are 0-based byte offsets, inclusive.
 */
#ifndef CN_SQL_INTERNAL_H
#define CN_SQL_INTERNAL_H

#include "sql/ast.h"

typedef enum {
    TK_EOF,
    TK_IDENT,   /* unquoted identifier or keyword; text = raw */
    TK_QIDENT,  /* `quoted` identifier; str = unquoted */
    TK_STRING,  /* 'x' or "x"; str = unescaped value */
    TK_NUMBER,  /* numeric literal; nkind, suffix; text without the suffix */
    TK_OP,      /* punctuation / operator: ( ) , . ; * + - / % = == <=> <> != < <= > >= || | & ^ ~ ! :: : [ ] -> => */
    TK_HINT     /* a hint comment right after SELECT; [hstart, hstop] is the text inside */
} cn_tok_kind;

typedef struct cn_token {
    cn_tok_kind kind;
    int start, stop;    /* byte range in the statement, inclusive */
    const char *text;   /* points into the statement: raw token text, `len` bytes */
    int len;
    char *str;          /* TK_STRING / TK_QIDENT: decoded value (arena), NUL-terminated */
    int str_len;        /* TK_STRING: bytes of str; a \0 or \u0000 escape puts a NUL inside */
    cn_lit_kind nkind;  /* TK_NUMBER */
    char suffix;        /* TK_NUMBER: 'L','S','Y','D','F','B' (BD) or 0 */
    int numlen;         /* TK_NUMBER: length of the number without its suffix */
    int hstart, hstop;  /* TK_HINT */
} cn_token;

/* Tokenise sql[from..to) ; positions are offsets into sql. Fills *toks (arena
 * array ending in a TK_EOF token) and *ntoks. On a lexical error returns -1
 * with err set ([PARSE_SYNTAX_ERROR] or [UNCLOSED_BRACKETED_COMMENT]). */
int cn_sql_lex(const char *sql, int from, int to, cn_arena *a, cn_token **toks, int *ntoks,
               cn_error *err);

#define CN_SQL_MAX_DEPTH CN_MAX_TREE_DEPTH /* parser recursion (base.h) */
/* Parser steps (psr_enter calls) allowed per statement: base + per token. */
#ifndef CN_SQL_MAX_STEPS_BASE
#define CN_SQL_MAX_STEPS_BASE 20000
#endif
#ifndef CN_SQL_MAX_STEPS_PER_TOKEN
#define CN_SQL_MAX_STEPS_PER_TOKEN 100
#endif

typedef struct cn_parser {
    const char *sql;
    cn_arena *a;
    cn_error *err;
    cn_token *t;
    int n, pos;
    int depth;
    bool failed;
    /* Backtracking is bounded: psr_enter counts steps against max_steps
     * (FAILED_TO_PARSE_TOO_COMPLEX beyond it), a '(' whose subquery reading failed
     * is not tried as a subquery again (subq_failed[token]), and an expression parsed
     * before backing up is reused by the second reading (memo: expr_prec(min) at
     * token memo_pos ends at memo_end). Without these, nested parentheses,
     * substring(...) or trim(...) took time exponential in their depth. */
    int steps, max_steps;
    uint8_t *subq_failed;
    cn_ast *memo;
    int memo_pos, memo_min, memo_end;
} cn_parser;

/* ---- token helpers (parser.c) ---- */
cn_token *psr_peek(cn_parser *p, int k);          /* k-th token from the current one */
bool psr_is_kw(const cn_token *t, const char *kw); /* unquoted identifier equal to kw (case-insensitive) */
bool psr_kw(cn_parser *p, const char *kw);         /* current token is keyword kw */
bool psr_kw_at(cn_parser *p, int k, const char *kw);
bool psr_accept_kw(cn_parser *p, const char *kw);
bool psr_expect_kw(cn_parser *p, const char *kw);
bool psr_op(cn_parser *p, const char *op);         /* current token is operator op */
bool psr_op_at(cn_parser *p, int k, const char *op);
bool psr_accept_op(cn_parser *p, const char *op);
bool psr_expect_op(cn_parser *p, const char *op);
int psr_prev_stop(cn_parser *p);                   /* stop of the last consumed token */
/* Fail with [PARSE_SYNTAX_ERROR] at the current token (first error wins). Returns NULL. */
void *psr_syntax_error(cn_parser *p);
void *psr_syntax_error_at(cn_parser *p, const cn_token *t);
/* Fail with class and params, with a query context [start, stop]. Returns NULL. */
void *psr_error_ctx(cn_parser *p, int start, int stop, const char *cls, ...);
bool psr_enter(cn_parser *p); /* depth guard: false (error set) when too deep */
void psr_leave(cn_parser *p);
/* Whether the subquery reading of the '(' at token pos failed before / remember that it did. */
bool psr_subq_failed(cn_parser *p, int pos);
void psr_set_subq_failed(cn_parser *p, int pos);
/* An identifier (plain or quoted) -> arena string, or NULL + syntax error. */
char *psr_ident(cn_parser *p);
bool psr_is_ident(const cn_token *t);
/* a.b.c */
bool psr_multipart(cn_parser *p, cn_name *out);
/* ( a, b, c ) */
bool psr_ident_list(cn_parser *p, int *n, char ***out);
/* Clause keywords that cannot be an alias without AS. */
bool psr_reserved_alias(const cn_token *t);
bool psr_query_start(cn_parser *p, int k); /* token k starts a query (SELECT, WITH, VALUES, TABLE, FROM) */
/* Sort items: expr [ASC|DESC] [NULLS FIRST|LAST], ... */
bool psr_sort_items(cn_parser *p, int *n, cn_sort_item **out);
void psr_list_push(cn_parser *p, cn_ast_list *l, cn_ast *x);
/* Copy a malloc'd CN_VEC's elements into the arena (NULL when empty). */
static inline void *psr_vdup(cn_arena *a, const void *v, int n, size_t sz)
{
    return n > 0 ? cn_arena_memdup(a, v, sz * (size_t)n) : NULL;
}

/* ---- queries (parser.c) ---- */
cn_ast *psr_query(cn_parser *p);

/* ---- expressions (parse_expr.c) ---- */
cn_ast *psr_expr(cn_parser *p);
/* A data type, normalised text: "INT", "DECIMAL(10,2)", "ARRAY<INT>", "INTERVAL DAY TO SECOND". */
char *psr_type(cn_parser *p);

#endif
