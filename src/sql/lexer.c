/*
 * lexer.c — Spark SQL tokens.
 *
 * One pass over the statement text produces an array of cn_tokens (see
 * sql_internal.h). It follows Spark's lexer (SqlBaseLexer.g4) where the two
 * differ from plain SQL: identifiers may start with digits (`1a` is an
 * identifier, `1L` a bigint literal: the longest match wins, literals win ties);
 * numeric literals carry suffixes (L S Y D F BD) and exponents; strings are
 * single- or double-quoted with backslash escapes decoded as Spark's
 * unescapeSQLString does; `quoted` identifiers escape ` by doubling it;
 * comments are `--` to end of line and nested bracketed comments; a bracketed
 * comment starting with "/ *+" (no space) right after SELECT is a hint token. Every read is
 * bounds-checked: an unterminated string or comment is an error, never a read
 * past the end.
 */
#include "sql/sql_internal.h"
#include "base/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

static bool is_ident_char(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }
static bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static void put_utf8(cn_strbuf *sb, uint32_t cp)
{
    if (cp < 0x80) {
        cn_sb_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        cn_sb_putc(sb, (char)(0xC0 | (cp >> 6)));
        cn_sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        cn_sb_putc(sb, (char)(0xE0 | (cp >> 12)));
        cn_sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        cn_sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        cn_sb_putc(sb, (char)(0xF0 | (cp >> 18)));
        cn_sb_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        cn_sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        cn_sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    }
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* n hex digits at s (which has at least n bytes), or -1. */
static long hexn(const char *s, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        int h = hexval((unsigned char)s[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Decode the body of a string literal (between the quotes), Spark's rules. */
static char *unescape(cn_arena *a, const char *s, int n, bool raw, int *out_len)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_putn(&sb, "", 0);
    for (int i = 0; i < n; i++) {
        char c = s[i];
        if (c != '\\' || raw || i + 1 >= n) {
            cn_sb_putc(&sb, c);
            continue;
        }
        char d = s[i + 1];
        if (d == 'u' && i + 5 < n && hexn(s + i + 2, 4) >= 0) {
            uint32_t cp = (uint32_t)hexn(s + i + 2, 4);
            i += 5;
            /* a UTF-16 surrogate pair written as two escapes */
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u' &&
                hexn(s + i + 3, 4) >= 0xDC00 && hexn(s + i + 3, 4) <= 0xDFFF) {
                uint32_t lo = (uint32_t)hexn(s + i + 3, 4);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            put_utf8(&sb, cp);
            continue;
        }
        if (d == 'U' && i + 9 < n && hexn(s + i + 2, 8) >= 0 && hexn(s + i + 2, 8) <= 0x10FFFF) {
            put_utf8(&sb, (uint32_t)hexn(s + i + 2, 8));
            i += 9;
            continue;
        }
        if (i + 3 < n && d >= '0' && d <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
            s[i + 3] <= '7') {
            int v = (d - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
            put_utf8(&sb, (uint32_t)v);
            i += 3;
            continue;
        }
        i++;
        switch (d) {
        case '0': cn_sb_putc(&sb, '\0'); break;
        case 'b': cn_sb_putc(&sb, '\b'); break;
        case 'n': cn_sb_putc(&sb, '\n'); break;
        case 'r': cn_sb_putc(&sb, '\r'); break;
        case 't': cn_sb_putc(&sb, '\t'); break;
        case 'Z': cn_sb_putc(&sb, '\x1A'); break;
        case '%': cn_sb_puts(&sb, "\\%"); break;
        case '_': cn_sb_puts(&sb, "\\_"); break;
        default: cn_sb_putc(&sb, d); break;
        }
    }
    /* the decoded text may hold NULs: copy by length, never as a C string */
    char *out = cn_arena_alloc(a, sb.len + 1);
    if (sb.len) memcpy(out, sb.s, sb.len);
    out[sb.len] = 0;
    *out_len = (int)sb.len;
    cn_sb_free(&sb);
    return out;
}

static int lex_error(cn_error *err, const char *sql, int start, int to)
{
    /* Spark reports the offending text as the error token. */
    int n = to - start;
    if (n > 40) n = 40;
    char buf[64];
    snprintf(buf, sizeof buf, "'%.*s'", n, sql + start);
    cn_error_set(err, "PARSE_SYNTAX_ERROR", "error", buf, "hint", "", NULL);
    cn_error_position(err, sql, start);
    return -1;
}

static bool is_select_kw(const cn_token *t)
{
    return t->kind == TK_IDENT && t->len == 6 && strncasecmp(t->text, "select", 6) == 0;
}

static const char *const OPS3[] = {"<=>"};
static const char *const OPS2[] = {"<>", "<=", ">=", "==", "!=", "||", "::", "->", "=>"};

int cn_sql_lex(const char *sql, int from, int to, cn_arena *a, cn_token **toks, int *ntoks, cn_error *err)
{
    CN_VEC(cn_token) v = {0};
    int i = from;
    while (1) {
        while (i < to && is_space((unsigned char)sql[i])) i++;
        if (i >= to) break;
        unsigned char c = (unsigned char)sql[i];
        cn_token t;
        memset(&t, 0, sizeof t);
        t.start = i;
        t.text = sql + i;
        /* comments */
        if (c == '-' && i + 1 < to && sql[i + 1] == '-') {
            while (i < to && sql[i] != '\n') i++;
            continue;
        }
        if (c == '/' && i + 1 < to && sql[i + 1] == '*') {
            bool hint = i + 2 < to && sql[i + 2] == '+' && v.n > 0 && is_select_kw(&v.v[v.n - 1]);
            int depth = 0, j = i;
            while (j < to) {
                if (sql[j] == '/' && j + 1 < to && sql[j + 1] == '*') {
                    depth++;
                    j += 2;
                } else if (sql[j] == '*' && j + 1 < to && sql[j + 1] == '/') {
                    depth--;
                    j += 2;
                    if (depth == 0) break;
                } else {
                    j++;
                }
            }
            if (depth != 0) {
                cn_vec_free(v);
                return cn_error_set(err, "UNCLOSED_BRACKETED_COMMENT", NULL);
            }
            if (hint) {
                t.kind = TK_HINT;
                t.hstart = i + 3;
                t.hstop = j - 3;
                t.stop = j - 1;
                t.len = j - i;
                cn_vec_push(v, t);
            }
            i = j;
            continue;
        }
        /* strings (with an optional R raw prefix) */
        bool raw = (c == 'r' || c == 'R') && i + 1 < to && (sql[i + 1] == '\'' || sql[i + 1] == '"');
        if (c == '\'' || c == '"' || raw) {
            int q0 = raw ? i + 1 : i;
            char q = sql[q0];
            int j = q0 + 1;
            while (j < to && sql[j] != q) {
                if (sql[j] == '\\' && !raw) j++;
                j++;
            }
            if (j >= to) {
                cn_vec_free(v);
                return lex_error(err, sql, i, to);
            }
            t.kind = TK_STRING;
            t.stop = j;
            t.len = j - i + 1;
            t.str = unescape(a, sql + q0 + 1, j - q0 - 1, raw, &t.str_len);
            cn_vec_push(v, t);
            i = j + 1;
            continue;
        }
        if (c == '`') {
            cn_strbuf sb;
            cn_sb_init(&sb);
            int j = i + 1;
            bool closed = false;
            while (j < to) {
                if (sql[j] == '`') {
                    if (j + 1 < to && sql[j + 1] == '`') {
                        cn_sb_putc(&sb, '`');
                        j += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                cn_sb_putc(&sb, sql[j]);
                j++;
            }
            if (!closed) {
                cn_sb_free(&sb);
                cn_vec_free(v);
                return lex_error(err, sql, i, to);
            }
            t.kind = TK_QIDENT;
            t.stop = j;
            t.len = j - i + 1;
            t.str = cn_arena_strndup(a, sb.s ? sb.s : "", sb.len);
            cn_sb_free(&sb);
            cn_vec_push(v, t);
            i = j + 1;
            continue;
        }
        /* numbers: digits, or '.' digit where a number can start */
        /* t.5 is a field reference, " .5" a number */
        bool prev_operand = i > from && (is_ident_char((unsigned char)sql[i - 1]) || sql[i - 1] == ')' ||
                                         sql[i - 1] == '`' || sql[i - 1] == ']');
        if (isdigit(c) || (c == '.' && i + 1 < to && isdigit((unsigned char)sql[i + 1]) && !prev_operand)) {
            int j = i;
            bool has_int = false, has_dot = false, has_exp = false;
            while (j < to && isdigit((unsigned char)sql[j])) j++, has_int = true;
            if (j < to && sql[j] == '.' && (has_int || (j + 1 < to && isdigit((unsigned char)sql[j + 1])))) {
                has_dot = true;
                j++;
                while (j < to && isdigit((unsigned char)sql[j])) j++;
            }
            if (j < to && (sql[j] == 'e' || sql[j] == 'E')) {
                int k = j + 1;
                if (k < to && (sql[k] == '+' || sql[k] == '-')) k++;
                if (k < to && isdigit((unsigned char)sql[k])) {
                    has_exp = true;
                    j = k;
                    while (j < to && isdigit((unsigned char)sql[j])) j++;
                }
            }
            int numend = j;
            char suffix = 0;
            int sl = 0;
            if (j + 1 < to && (sql[j] == 'b' || sql[j] == 'B') && (sql[j + 1] == 'd' || sql[j + 1] == 'D')) {
                suffix = 'B';
                sl = 2;
            } else if (j < to) {
                char s = (char)toupper((unsigned char)sql[j]);
                if (s == 'D' || s == 'F' || ((s == 'L' || s == 'S' || s == 'Y') && !has_dot && !has_exp)) {
                    suffix = s;
                    sl = 1;
                }
            }
            if (suffix && j + sl < to && is_ident_char((unsigned char)sql[j + sl])) suffix = 0, sl = 0;
            j += sl;
            if (!has_dot && !has_exp && j < to && is_ident_char((unsigned char)sql[j])) {
                /* an identifier starting with digits (longest match) */
                while (j < to && is_ident_char((unsigned char)sql[j])) j++;
                t.kind = TK_IDENT;
                t.stop = j - 1;
                t.len = j - i;
                cn_vec_push(v, t);
                i = j;
                continue;
            }
            t.kind = TK_NUMBER;
            t.stop = j - 1;
            t.len = j - i;
            t.numlen = numend - i;
            t.suffix = suffix;
            if (suffix == 'B') t.nkind = LIT_DECIMAL;
            else if (suffix == 'D' || suffix == 'F') t.nkind = LIT_DOUBLE;
            else if (suffix) t.nkind = LIT_INTEGER;
            else if (has_exp) t.nkind = LIT_DOUBLE;
            else if (has_dot) t.nkind = LIT_DECIMAL;
            else t.nkind = LIT_INTEGER;
            cn_vec_push(v, t);
            i = j;
            continue;
        }
        if (isalpha(c) || c == '_' || c >= 0x80) {
            int j = i;
            while (j < to && is_ident_char((unsigned char)sql[j])) j++;
            t.kind = TK_IDENT;
            t.stop = j - 1;
            t.len = j - i;
            cn_vec_push(v, t);
            i = j;
            continue;
        }
        /* operators, longest first */
        int ol = 1;
        if (i + 2 < to && memcmp(sql + i, OPS3[0], 3) == 0) ol = 3;
        else if (i + 1 < to)
            for (int k = 0; k < CN_ARRAY_LEN(OPS2); k++)
                if (sql[i] == OPS2[k][0] && sql[i + 1] == OPS2[k][1]) ol = 2;
        t.kind = TK_OP;
        t.stop = i + ol - 1;
        t.len = ol;
        cn_vec_push(v, t);
        i += ol;
    }
    cn_token eof;
    memset(&eof, 0, sizeof eof);
    eof.kind = TK_EOF;
    eof.start = eof.stop = to;
    eof.text = sql + to;
    cn_vec_push(v, eof);
    *toks = cn_arena_memdup(a, v.v, sizeof(cn_token) * (size_t)v.n);
    *ntoks = v.n;
    cn_vec_free(v);
    return 0;
}
