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

int cn_sql_char_index(const char *sql, int byte_offset)
{
    int units = 0;
    for (int i = 0; i < byte_offset && sql[i]; i++) {
        unsigned char c = (unsigned char)sql[i];
        if ((c & 0xC0) == 0x80) continue; /* continuation byte */
        units += c >= 0xF0 ? 2 : 1;       /* 4-byte sequences are surrogate pairs */
    }
    return units;
}

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
