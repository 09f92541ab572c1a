/*
 * ast.c — syntax tree helpers: the node constructor, quoting of names for
 * messages, and splitting a script into statements.
 *
 * cn_sql_split scans once with a small state machine (code, 'string',
 * "string", `ident`, -- comment, nested bracketed comment) and cuts at ';' in
 * code. As in Spark's golden-file runner, a ';' preceded by a backslash does
 * not end a statement. Statements holding only blanks and comments are dropped.
 */
#include "sql/ast.h"
#include "base/strbuf.h"

#include <ctype.h>

cn_ast *cn_ast_new(cn_arena *a, cn_ast_kind kind, int start, int stop)
{
    cn_ast *n = cn_arena_calloc(a, sizeof(cn_ast));
    n->kind = kind;
    n->start = start;
    n->stop = stop;
    return n;
}

static bool list_deeper(const cn_ast_list *l, int depth, int limit);

/* Is the tree under n (at depth `depth`) deeper than limit? Recursion stops at the limit,
 * so this walk itself stays within it. */
static bool deeper(const cn_ast *n, int depth, int limit)
{
    if (!n) return false;
    if (depth > limit) return true;
    int d = depth + 1;
    switch (n->kind) {
    case AST_FUNC:
        return list_deeper(&n->u.func.args, d, limit) || deeper(n->u.func.filter, d, limit) ||
               deeper(n->u.func.over, d, limit);
    case AST_BINARY: return deeper(n->u.binary.l, d, limit) || deeper(n->u.binary.r, d, limit);
    case AST_UNARY: return deeper(n->u.unary.arg, d, limit);
    case AST_CASE:
        return deeper(n->u.case_.operand, d, limit) || list_deeper(&n->u.case_.whens, d, limit) ||
               list_deeper(&n->u.case_.thens, d, limit) || deeper(n->u.case_.else_, d, limit);
    case AST_CAST: return deeper(n->u.cast.arg, d, limit);
    case AST_IN_LIST:
    case AST_IN_SUBQUERY:
        return deeper(n->u.in.arg, d, limit) || list_deeper(&n->u.in.list, d, limit) ||
               deeper(n->u.in.query, d, limit);
    case AST_EXISTS:
    case AST_SCALAR_SUBQUERY: return deeper(n->u.sub.query, d, limit);
    case AST_BETWEEN:
        return deeper(n->u.between.arg, d, limit) || deeper(n->u.between.lo, d, limit) ||
               deeper(n->u.between.hi, d, limit);
    case AST_LIKE: return deeper(n->u.like.arg, d, limit) || deeper(n->u.like.pattern, d, limit);
    case AST_IS: return deeper(n->u.is.arg, d, limit) || deeper(n->u.is.other, d, limit);
    case AST_EXTRACT: return deeper(n->u.extract.arg, d, limit);
    case AST_PAREN_LIST: return list_deeper(&n->u.list, d, limit);
    case AST_SUBQUERY_REL: return deeper(n->u.subrel.query, d, limit);
    case AST_JOIN:
        return deeper(n->u.join.left, d, limit) || deeper(n->u.join.right, d, limit) ||
               deeper(n->u.join.on, d, limit);
    case AST_VALUES:
        for (int i = 0; i < n->u.values.nrows; i++)
            if (list_deeper(&n->u.values.rows[i], d, limit)) return true;
        return false;
    case AST_SELECT:
        for (int i = 0; i < n->u.select.nitems; i++)
            if (deeper(n->u.select.items[i].expr, d, limit)) return true;
        for (int i = 0; i < n->u.select.nwindows; i++)
            if (deeper(n->u.select.windows[i], d, limit)) return true;
        return deeper(n->u.select.from, d, limit) || deeper(n->u.select.where, d, limit) ||
               list_deeper(&n->u.select.group_by, d, limit) || deeper(n->u.select.having, d, limit);
    case AST_SETOP: return deeper(n->u.setop.l, d, limit) || deeper(n->u.setop.r, d, limit);
    case AST_QUERY:
        for (int i = 0; i < n->u.query.nctes; i++)
            if (deeper(n->u.query.ctes[i].query, d, limit)) return true;
        for (int i = 0; i < n->u.query.norder; i++)
            if (deeper(n->u.query.order[i].expr, d, limit)) return true;
        for (int i = 0; i < n->u.query.nsort_by; i++)
            if (deeper(n->u.query.sort_by[i].expr, d, limit)) return true;
        return deeper(n->u.query.body, d, limit) || deeper(n->u.query.limit, d, limit) ||
               deeper(n->u.query.offset, d, limit) || list_deeper(&n->u.query.distribute_by, d, limit);
    case AST_CREATE_VIEW:
    case AST_CREATE_TABLE: return deeper(n->u.create_view.query, d, limit);
    case AST_EXPLAIN: return deeper(n->u.explain.stmt, d, limit);
    case AST_DESCRIBE: return deeper(n->u.describe.query, d, limit);
    case AST_CACHE:
    case AST_UNCACHE: return deeper(n->u.cache.query, d, limit);
    case AST_QUERY_STMT: return deeper(n->u.stmt.query, d, limit);
    case AST_WINDOW:
        for (int i = 0; i < n->u.window.norder; i++)
            if (deeper(n->u.window.order[i].expr, d, limit)) return true;
        return list_deeper(&n->u.window.partition_by, d, limit) || deeper(n->u.window.lo, d, limit) ||
               deeper(n->u.window.hi, d, limit);
    case AST_TVF: return list_deeper(&n->u.tvf.args, d, limit);
    case AST_ALIAS: return deeper(n->u.alias.arg, d, limit);
    case AST_LAMBDA: return deeper(n->u.lambda.body, d, limit);
    case AST_SUBSCRIPT: return deeper(n->u.subscript.arg, d, limit) || deeper(n->u.subscript.index, d, limit);
    case AST_FIELD: return deeper(n->u.field.arg, d, limit);
    default: return false; /* leaves: literals, names, tables, commands without a query */
    }
}

static bool list_deeper(const cn_ast_list *l, int depth, int limit)
{
    for (int i = 0; i < l->n; i++)
        if (deeper(l->items[i], depth, limit)) return true;
    return false;
}

bool cn_ast_too_deep(const cn_ast *n) { return deeper(n, 1, CN_MAX_TREE_DEPTH); }

char *cn_name_quoted(cn_arena *a, const cn_name *n)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "");
    for (int i = 0; i < n->n; i++) {
        if (i) cn_sb_putc(&sb, '.');
        cn_sb_putc(&sb, '`');
        for (const char *c = n->parts[i]; *c; c++) {
            if (*c == '`') cn_sb_putc(&sb, '`');
            cn_sb_putc(&sb, *c);
        }
        cn_sb_putc(&sb, '`');
    }
    char *r = cn_arena_strdup(a, sb.s ? sb.s : "");
    cn_sb_free(&sb);
    return r;
}

int cn_sql_char_index(const char *sql, int byte_offset) { return cn_utf16_units(sql, byte_offset); }

/* true when s[0..n) holds only blanks and comments */
static bool only_comments(const char *s, int n)
{
    int i = 0;
    while (i < n) {
        if (isspace((unsigned char)s[i])) {
            i++;
        } else if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
            while (i < n && s[i] != '\n') i++;
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*' && !(i + 2 < n && s[i + 2] == '+')) {
            int depth = 0;
            while (i < n) {
                if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') depth++, i += 2;
                else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0) break;
                } else i++;
            }
        } else {
            return false;
        }
    }
    return true;
}

typedef CN_VEC(char *) strvec;
typedef CN_VEC(int) intvec;

static void emit(strvec *v, intvec *offs, const char *s, int b, int e)
{
    while (b < e && isspace((unsigned char)s[b])) b++;
    while (e > b && isspace((unsigned char)s[e - 1])) e--;
    if (e > b && !only_comments(s + b, e - b)) {
        cn_vec_push(*v, cn_xstrndup(s + b, (size_t)(e - b)));
        cn_vec_push(*offs, b);
    }
}

int cn_sql_split(const char *script, char ***out) { return cn_sql_split_offsets(script, out, NULL); }

int cn_sql_split_offsets(const char *script, char ***out, int **offsets)
{
    strvec v = {0};
    intvec offs = {0};
    int n = (int)strlen(script);
    int begin = 0, i = 0;
    while (i < n) {
        char c = script[i];
        if (c == '\'' || c == '"' || c == '`') {
            int j = i + 1;
            while (j < n && script[j] != c) {
                if (script[j] == '\\' && c != '`') j++;
                j++;
            }
            i = j + 1;
        } else if (c == '-' && i + 1 < n && script[i + 1] == '-') {
            while (i < n && script[i] != '\n') i++;
        } else if (c == '/' && i + 1 < n && script[i + 1] == '*') {
            int depth = 0;
            while (i < n) {
                if (script[i] == '/' && i + 1 < n && script[i + 1] == '*') depth++, i += 2;
                else if (script[i] == '*' && i + 1 < n && script[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0) break;
                } else i++;
            }
        } else if (c == ';' && !(i > 0 && script[i - 1] == '\\')) {
            emit(&v, &offs, script, begin, i);
            begin = ++i;
        } else {
            i++;
        }
    }
    if (begin < n) emit(&v, &offs, script, begin, n);
    *out = v.v ? v.v : cn_xmalloc(sizeof(char *));
    if (offsets) *offsets = offs.v ? offs.v : cn_xmalloc(sizeof(int));
    else cn_vec_free(offs);
    return v.n;
}
