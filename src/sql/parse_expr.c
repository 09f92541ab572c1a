/*
 * parse_expr.c — Spark SQL expressions, literals and data types.
 *
 * Expressions are parsed by precedence climbing over Spark's levels, lowest
 * first:
 *
 *   1 OR   2 AND   3 NOT (prefix)   4 predicates: IS, [NOT] LIKE/ILIKE/RLIKE,
 *   [NOT] IN, [NOT] BETWEEN (one per value expression, as in Spark's grammar)
 *   5 comparisons = == <=> <> != < <= > >=   6 |   7 ^   8 &   9 ||
 *   10 + -   11 * / % DIV   12 unary - + ~   then primaries with postfix `::type`.
 *
 * Binary operators are left-associative. A '-' directly before a number is
 * part of the literal (-128Y is one tinyint literal, as in Spark). Literals
 * are checked here the way Spark's AstBuilder checks them: suffixed integer
 * ranges (INVALID_NUMERIC_LITERAL_RANGE), float/double overflow, decimal
 * precision, and the text of DATE / TIMESTAMP / X typed literals
 * (INVALID_TYPED_LITERAL); other type names before a string are
 * UNSUPPORTED_TYPED_LITERAL. Special call syntax (CAST, EXTRACT, SUBSTRING ...
 * FROM, TRIM, POSITION, TIMESTAMPADD units) is normalised as ast.h documents.
 */
#include "sql/sql_internal.h"
#include "base/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <strings.h>

static cn_ast *expr_prec(cn_parser *p, int min);
cn_ast *psr_window_spec(cn_parser *p);

cn_ast *psr_expr(cn_parser *p) { return expr_prec(p, 1); }

/* expr_prec(p, min) at token pos gave e, ending where the parser is now: a reading
 * that backs up and parses the same expression again takes it from here. */
static void remember(cn_parser *p, int pos, int min, cn_ast *e)
{
    p->memo = e;
    p->memo_pos = pos;
    p->memo_min = min;
    p->memo_end = p->pos;
}

static char *upper_dup(cn_parser *p, const char *s, int n)
{
    char *r = cn_arena_strndup(p->a, s, (size_t)n);
    for (char *c = r; *c; c++) *c = (char)toupper((unsigned char)*c);
    return r;
}

static char *lower_dup(cn_parser *p, const char *s, int n)
{
    char *r = cn_arena_strndup(p->a, s, (size_t)n);
    for (char *c = r; *c; c++) *c = (char)tolower((unsigned char)*c);
    return r;
}

/* ------------------------------------------------------------------------ */
/* numeric literals                                                          */

/* digits (no sign) within [-min, max] given as decimal strings */
static bool digits_fit(const char *d, int n, bool neg, const char *max, const char *min)
{
    while (n > 1 && *d == '0') d++, n--;
    const char *lim = neg ? min : max;
    int ln = (int)strlen(lim);
    if (n != ln) return n < ln;
    return strncmp(d, lim, (size_t)n) <= 0;
}

/* precision of a decimal literal "123.45e-3" (Spark's BigDecimal precision rules) */
static int decimal_precision(const char *s, int n, int *scale_out)
{
    int nd = 0, frac = 0, i = 0;
    bool in_frac = false, leading = true;
    long exp = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '-' || c == '+') continue;
        if (c == '.') {
            in_frac = true;
            continue;
        }
        if (c == 'e' || c == 'E') {
            exp = strtol(s + i + 1, NULL, 10);
            if (exp > 1000000) exp = 1000000; /* far beyond any precision; avoids overflow */
            if (exp < -1000000) exp = -1000000;
            break;
        }
        if (in_frac) frac++;
        if (leading && c == '0') continue;
        leading = false;
        nd++;
    }
    if (nd == 0) nd = 1;
    long scale = frac - exp;
    *scale_out = (int)scale;
    if (scale < 0) return (int)(nd - scale);
    return (int)(nd > scale ? nd : scale);
}

static cn_ast *number_literal(cn_parser *p, cn_token *t, bool neg, int start)
{
    cn_ast *n = cn_ast_new(p->a, AST_LITERAL, start, t->stop);
    n->u.lit.kind = t->nkind;
    n->u.lit.suffix = t->suffix;
    n->u.lit.text = cn_arena_printf(p->a, "%s%.*s", neg ? "-" : "", t->numlen, t->text);
    const char *txt = n->u.lit.text;
    const char *digits = t->text;
    char buf[16];
    switch (t->suffix) {
    case 'Y':
        if (!digits_fit(digits, t->numlen, neg, "127", "128"))
            return psr_error_ctx(p, start, t->stop, "INVALID_NUMERIC_LITERAL_RANGE", "maxValue", "127", "minValue",
                                 "-128", "rawStrippedQualifier", txt, "typeName", "tinyint", NULL);
        break;
    case 'S':
        if (!digits_fit(digits, t->numlen, neg, "32767", "32768"))
            return psr_error_ctx(p, start, t->stop, "INVALID_NUMERIC_LITERAL_RANGE", "maxValue", "32767", "minValue",
                                 "-32768", "rawStrippedQualifier", txt, "typeName", "smallint", NULL);
        break;
    case 'L':
        if (!digits_fit(digits, t->numlen, neg, "9223372036854775807", "9223372036854775808"))
            return psr_error_ctx(p, start, t->stop, "INVALID_NUMERIC_LITERAL_RANGE", "maxValue",
                                 "9223372036854775807", "minValue", "-9223372036854775808", "rawStrippedQualifier",
                                 txt, "typeName", "bigint", NULL);
        break;
    case 'F': {
        double v = strtod(txt, NULL);
        if (isinf(v) || fabs(v) > FLT_MAX)
            return psr_error_ctx(p, start, t->stop, "INVALID_NUMERIC_LITERAL_RANGE", "maxValue",
                                 "3.4028234663852886E+38", "minValue", "-3.4028234663852886E+38",
                                 "rawStrippedQualifier", txt, "typeName", "float", NULL);
        break;
    }
    case 'D':
    double_check: {
        double v = strtod(txt, NULL);
        if (isinf(v))
            return psr_error_ctx(p, start, t->stop, "INVALID_NUMERIC_LITERAL_RANGE", "maxValue",
                                 "1.7976931348623157E+308", "minValue", "-1.7976931348623157E+308",
                                 "rawStrippedQualifier", txt, "typeName", "double", NULL);
        break;
    }
    case 'B': {
        int scale, prec = decimal_precision(txt, (int)strlen(txt), &scale);
        if (prec > 38) {
            snprintf(buf, sizeof buf, "%d", prec);
            return psr_error_ctx(p, start, t->stop, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "maxPrecision", "38",
                                 "precision", buf, NULL);
        }
        break;
    }
    default:
        if (t->nkind == LIT_DOUBLE) goto double_check;
        {
            int scale, prec = decimal_precision(txt, (int)strlen(txt), &scale);
            if (prec > 38) {
                /* Spark raises this without a query context */
                snprintf(buf, sizeof buf, "%d", prec);
                return psr_error_ctx(p, -1, -1, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "maxPrecision", "38",
                                     "precision", buf, NULL);
            }
        }
        break;
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* typed literals                                                            */

static int ndigits(const char *s, int i, int n)
{
    int j = i;
    while (j < n && isdigit((unsigned char)s[j])) j++;
    return j - i;
}

static bool leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Spark's stringToDate shape: [+-]yyyy[y..][-[m]m[-[d]d]] then nothing, ' ' or 'T' and anything.
 * Returns the index after the date part, or -1. */
static int check_date_part(const char *s, int n, bool *has_day)
{
    int i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    int d = ndigits(s, i, n);
    if (d < 4 || d > 7) return -1;
    long y = strtol(s + i, NULL, 10);
    i += d;
    int m = 1, day = 1;
    *has_day = false;
    if (i < n && s[i] == '-') {
        i++;
        d = ndigits(s, i, n);
        if (d < 1 || d > 2) return -1;
        m = atoi(s + i);
        i += d;
        if (i < n && s[i] == '-') {
            i++;
            d = ndigits(s, i, n);
            if (d < 1 || d > 2) return -1;
            day = atoi(s + i);
            i += d;
            *has_day = true;
        }
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || day < 1) return -1;
    if (day > mdays[m - 1] + (m == 2 && leap(y))) return -1;
    return i;
}

static void trim_range(const char *s, int *b, int *e)
{
    while (*b < *e && (isspace((unsigned char)s[*b]) || (unsigned char)s[*b] < 32)) (*b)++;
    while (*e > *b && (isspace((unsigned char)s[*e - 1]) || (unsigned char)s[*e - 1] < 32)) (*e)--;
}

static bool valid_date(const char *str)
{
    int b = 0, e = (int)strlen(str);
    trim_range(str, &b, &e);
    const char *s = str + b;
    int n = e - b;
    bool has_day;
    int i = check_date_part(s, n, &has_day);
    if (i < 0) return false;
    if (i == n) return true;
    return has_day && (s[i] == ' ' || s[i] == 'T');
}

static bool valid_timestamp(const char *str)
{
    int b = 0, e = (int)strlen(str);
    trim_range(str, &b, &e);
    const char *s = str + b;
    int n = e - b;
    bool has_day;
    int i = check_date_part(s, n, &has_day);
    if (i < 0) return false;
    if (i == n) return true;
    if (!has_day || (s[i] != ' ' && s[i] != 'T')) return false;
    i++;
    /* hh:mm[:ss[.ffffff]] */
    int d = ndigits(s, i, n);
    if (d < 1 || d > 2 || atoi(s + i) > 23) return false;
    i += d;
    if (i < n && s[i] == ':') {
        i++;
        d = ndigits(s, i, n);
        if (d < 1 || d > 2 || atoi(s + i) > 59) return false;
        i += d;
        if (i < n && s[i] == ':') {
            i++;
            d = ndigits(s, i, n);
            if (d < 1 || d > 2 || atoi(s + i) > 59) return false;
            i += d;
            if (i < n && s[i] == '.') {
                i++;
                d = ndigits(s, i, n);
                if (d > 9) return false;
                i += d;
            }
        }
    } else if (i == n) {
        return false;
    }
    /* optional zone: Z, [+-]hh[:mm], or a region id */
    while (i < n && s[i] == ' ') i++;
    for (; i < n; i++) {
        char c = s[i];
        if (!(isalnum((unsigned char)c) || c == '/' || c == '_' || c == '+' || c == '-' || c == ':' || c == '.'))
            return false;
    }
    return true;
}

static bool valid_hex(const char *s)
{
    for (; *s; s++)
        if (!isxdigit((unsigned char)*s)) return false;
    return true;
}

static cn_ast *interval_literal(cn_parser *p);

/* identifier 'string'... : DATE '2020-01-01', X'ab', ... */
static cn_ast *typed_literal(cn_parser *p)
{
    cn_token *id = psr_peek(p, 0);
    char *type = upper_dup(p, id->text, id->len);
    if (strcmp(type, "INTERVAL") == 0) return interval_literal(p);
    p->pos++;
    char *text = psr_peek(p, 0)->str;
    p->pos++;
    while (psr_peek(p, 0)->kind == TK_STRING) {
        text = cn_arena_printf(p->a, "%s%s", text, psr_peek(p, 0)->str);
        p->pos++;
    }
    int stop = psr_prev_stop(p);
    bool ok = true;
    if (strcmp(type, "DATE") == 0) ok = valid_date(text);
    else if (strcmp(type, "TIMESTAMP") == 0 || strcmp(type, "TIMESTAMP_LTZ") == 0 || strcmp(type, "TIMESTAMP_NTZ") == 0)
        ok = valid_timestamp(text);
    else if (strcmp(type, "X") == 0) ok = valid_hex(text);
    else
        return psr_error_ctx(p, id->start, stop, "UNSUPPORTED_TYPED_LITERAL", "supportedTypes",
                             "\"DATE\", \"TIMESTAMP_NTZ\", \"TIMESTAMP_LTZ\", \"TIMESTAMP\", \"INTERVAL\", \"X\"",
                             "unsupportedType", cn_arena_printf(p->a, "\"%s\"", type), NULL);
    if (!ok)
        return psr_error_ctx(p, id->start, stop, "INVALID_TYPED_LITERAL", "value", cn_arena_printf(p->a, "'%s'", text),
                             "valueType", cn_arena_printf(p->a, "\"%s\"", type), NULL);
    cn_ast *n = cn_ast_new(p->a, AST_TYPED_LITERAL, id->start, stop);
    n->u.typed.type = type;
    n->u.typed.text = text;
    return n;
}

/* ------------------------------------------------------------------------ */
/* intervals                                                                 */

static const char *const UNITS[] = {"year", "month", "week", "day", "hour", "minute", "second", "millisecond",
                                    "microsecond"};

/* unit name (singular or plural, any case) -> canonical, or NULL */
static const char *interval_unit(const cn_token *t)
{
    if (t->kind != TK_IDENT) return NULL;
    for (int i = 0; i < CN_ARRAY_LEN(UNITS); i++) {
        int l = (int)strlen(UNITS[i]);
        if ((t->len == l || (t->len == l + 1 && (t->text[l] == 's' || t->text[l] == 'S'))) &&
            strncasecmp(t->text, UNITS[i], (size_t)l) == 0)
            return UNITS[i];
    }
    return NULL;
}

/* at k: [+-] (number | string) unit ?  returns the count of value tokens (1 or 2), or 0 */
static int interval_value_at(cn_parser *p, int k)
{
    int s = (psr_op_at(p, k, "-") || psr_op_at(p, k, "+")) ? 1 : 0;
    cn_token *v = psr_peek(p, k + s);
    if (v->kind != TK_NUMBER && v->kind != TK_STRING) return 0;
    return interval_unit(psr_peek(p, k + s + 1)) ? s + 1 : 0;
}

static char *interval_value(cn_parser *p, int nv)
{
    bool neg = nv == 2 && psr_op(p, "-");
    p->pos += nv - 1;
    cn_token *v = psr_peek(p, 0);
    p->pos++;
    if (v->kind == TK_STRING) return cn_arena_printf(p->a, "%s%s", neg ? "-" : "", v->str);
    return cn_arena_printf(p->a, "%s%.*s", neg ? "-" : "", v->len, v->text);
}

static cn_ast *interval_literal(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    p->pos++; /* INTERVAL */
    cn_ast *n = cn_ast_new(p->a, AST_INTERVAL, start, 0);
    CN_VEC(char *) vals = {0};
    CN_VEC(char *) units = {0};
    int nv = interval_value_at(p, 0);
    if (nv == 0) {
        if (psr_peek(p, 0)->kind != TK_STRING) return psr_syntax_error(p);
        char *s = psr_peek(p, 0)->str;
        p->pos++;
        while (psr_peek(p, 0)->kind == TK_STRING) {
            s = cn_arena_printf(p->a, "%s%s", s, psr_peek(p, 0)->str);
            p->pos++;
        }
        cn_vec_push(vals, s);
        cn_vec_push(units, NULL);
    } else if (psr_kw_at(p, nv + 1, "TO")) {
        char *v = interval_value(p, nv);
        const char *from = interval_unit(psr_peek(p, 0));
        p->pos += 2;
        const char *to = interval_unit(psr_peek(p, 0));
        if (!to) {
            cn_vec_free(vals);
            cn_vec_free(units);
            return psr_syntax_error(p);
        }
        p->pos++;
        cn_vec_push(vals, v);
        cn_vec_push(units, (char *)from);
        n->u.interval.from = (char *)from;
        n->u.interval.to = (char *)to;
    } else {
        while ((nv = interval_value_at(p, 0)) > 0) {
            char *v = interval_value(p, nv);
            cn_vec_push(vals, v);
            cn_vec_push(units, (char *)interval_unit(psr_peek(p, 0)));
            p->pos++;
        }
    }
    n->u.interval.n = vals.n;
    n->u.interval.values = psr_vdup(p->a, vals.v, vals.n, sizeof(char *));
    n->u.interval.units = psr_vdup(p->a, units.v, units.n, sizeof(char *));
    cn_vec_free(vals);
    cn_vec_free(units);
    n->stop = psr_prev_stop(p);
    return n;
}

/* ------------------------------------------------------------------------ */
/* data types                                                                */

static bool type_into(cn_parser *p, cn_strbuf *sb)
{
    if (!psr_enter(p)) return false;
    cn_token *t = psr_peek(p, 0);
    bool ok = false;
    if (t->kind != TK_IDENT) {
        psr_syntax_error(p);
        goto out;
    }
    char *name = upper_dup(p, t->text, t->len);
    p->pos++;
    if (strcmp(name, "INTERVAL") == 0) {
        cn_sb_puts(sb, "INTERVAL");
        const char *u = interval_unit(psr_peek(p, 0));
        if (u) {
            cn_sb_printf(sb, " %s", upper_dup(p, u, (int)strlen(u)));
            p->pos++;
            if (psr_accept_kw(p, "TO")) {
                u = interval_unit(psr_peek(p, 0));
                if (!u) {
                    psr_syntax_error(p);
                    goto out;
                }
                cn_sb_printf(sb, " TO %s", upper_dup(p, u, (int)strlen(u)));
                p->pos++;
            }
        }
        ok = true;
        goto out;
    }
    cn_sb_puts(sb, name);
    if ((strcmp(name, "ARRAY") == 0 || strcmp(name, "MAP") == 0 || strcmp(name, "STRUCT") == 0) && psr_op(p, "<>")) {
        p->pos++;
        cn_sb_puts(sb, "<>");
        ok = true;
        goto out;
    }
    if ((strcmp(name, "ARRAY") == 0 || strcmp(name, "MAP") == 0) && psr_accept_op(p, "<")) {
        cn_sb_putc(sb, '<');
        if (!type_into(p, sb)) goto out;
        if (name[0] == 'M') {
            if (!psr_expect_op(p, ",")) goto out;
            cn_sb_putc(sb, ',');
            if (!type_into(p, sb)) goto out;
        }
        if (!psr_expect_op(p, ">")) goto out;
        cn_sb_putc(sb, '>');
        ok = true;
        goto out;
    }
    if (strcmp(name, "STRUCT") == 0 && psr_accept_op(p, "<")) {
        cn_sb_putc(sb, '<');
        do {
            char *f = psr_ident(p);
            if (!f) goto out;
            psr_accept_op(p, ":");
            cn_sb_printf(sb, "%s:", f);
            if (!type_into(p, sb)) goto out;
            if (psr_kw(p, "NOT") && psr_kw_at(p, 1, "NULL")) p->pos += 2;
            if (psr_accept_kw(p, "COMMENT")) {
                if (psr_peek(p, 0)->kind != TK_STRING) {
                    psr_syntax_error(p);
                    goto out;
                }
                p->pos++;
            }
            if (psr_op(p, ",")) cn_sb_putc(sb, ',');
        } while (psr_accept_op(p, ","));
        if (!psr_expect_op(p, ">")) goto out;
        cn_sb_putc(sb, '>');
        ok = true;
        goto out;
    }
    if (psr_accept_op(p, "(")) {
        cn_sb_putc(sb, '(');
        do {
            cn_token *nt = psr_peek(p, 0);
            if (nt->kind != TK_NUMBER || nt->nkind != LIT_INTEGER || nt->suffix) {
                psr_syntax_error(p);
                goto out;
            }
            p->pos++;
            cn_sb_putn(sb, nt->text, (size_t)nt->len);
            if (psr_op(p, ",")) cn_sb_putc(sb, ',');
        } while (psr_accept_op(p, ","));
        if (!psr_expect_op(p, ")")) goto out;
        cn_sb_putc(sb, ')');
    }
    ok = true;
out:
    psr_leave(p);
    return ok && !p->failed;
}

char *psr_type(cn_parser *p)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    char *r = NULL;
    if (type_into(p, &sb)) r = cn_arena_strdup(p->a, sb.s ? sb.s : "");
    cn_sb_free(&sb);
    return r;
}

/* ------------------------------------------------------------------------ */
/* windows                                                                   */

static bool frame_bound(cn_parser *p, cn_frame_bound *kind, cn_ast **off)
{
    if (psr_accept_kw(p, "UNBOUNDED")) {
        if (psr_accept_kw(p, "PRECEDING")) *kind = FRAME_UNBOUNDED_PRECEDING;
        else if (psr_expect_kw(p, "FOLLOWING")) *kind = FRAME_UNBOUNDED_FOLLOWING;
        return !p->failed;
    }
    if (psr_kw(p, "CURRENT") && psr_kw_at(p, 1, "ROW")) {
        p->pos += 2;
        *kind = FRAME_CURRENT_ROW;
        return true;
    }
    if (!(*off = expr_prec(p, 5))) return false;
    if (psr_accept_kw(p, "PRECEDING")) *kind = FRAME_PRECEDING;
    else if (psr_expect_kw(p, "FOLLOWING")) *kind = FRAME_FOLLOWING;
    return !p->failed;
}

/* ( [ref] [PARTITION BY ...] [ORDER BY ...] [ROWS|RANGE frame] ) */
cn_ast *psr_window_spec(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    if (!psr_expect_op(p, "(")) return NULL;
    cn_ast *w = cn_ast_new(p->a, AST_WINDOW, start, 0);
    cn_token *t = psr_peek(p, 0);
    if (psr_is_ident(t) && !psr_is_kw(t, "PARTITION") && !psr_is_kw(t, "DISTRIBUTE") && !psr_is_kw(t, "ORDER") &&
        !psr_is_kw(t, "SORT") && !psr_is_kw(t, "ROWS") && !psr_is_kw(t, "RANGE"))
        w->u.window.ref = psr_ident(p);
    if ((psr_kw(p, "PARTITION") || psr_kw(p, "DISTRIBUTE")) && psr_kw_at(p, 1, "BY")) {
        p->pos += 2;
        do {
            cn_ast *e = psr_expr(p);
            if (!e) return NULL;
            psr_list_push(p, &w->u.window.partition_by, e);
        } while (psr_accept_op(p, ","));
    }
    if ((psr_kw(p, "ORDER") || psr_kw(p, "SORT")) && psr_kw_at(p, 1, "BY")) {
        p->pos += 2;
        if (!psr_sort_items(p, &w->u.window.norder, &w->u.window.order)) return NULL;
    }
    if (psr_kw(p, "ROWS") || psr_kw(p, "RANGE")) {
        w->u.window.frame = psr_kw(p, "ROWS") ? 1 : 2;
        p->pos++;
        if (psr_accept_kw(p, "BETWEEN")) {
            if (!frame_bound(p, &w->u.window.lo_kind, &w->u.window.lo) || !psr_expect_kw(p, "AND") ||
                !frame_bound(p, &w->u.window.hi_kind, &w->u.window.hi))
                return NULL;
        } else if (!frame_bound(p, &w->u.window.lo_kind, &w->u.window.lo)) {
            return NULL;
        }
    }
    if (!psr_expect_op(p, ")")) return NULL;
    w->stop = psr_prev_stop(p);
    return w;
}

/* ------------------------------------------------------------------------ */
/* calls and special forms                                                   */

static const char *const DT_UNITS[] = {"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAYOFYEAR", "HOUR",
                                       "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"};

static bool is_dt_unit(const char *s)
{
    for (int i = 0; i < CN_ARRAY_LEN(DT_UNITS); i++)
        if (strcasecmp(s, DT_UNITS[i]) == 0) return true;
    return false;
}

static bool name_is(const char *s, const char *a) { return strcasecmp(s, a) == 0; }

/* name( ... ) [FILTER (WHERE ...)] [IGNORE|RESPECT NULLS] [OVER ...]; current token is '(' */
/* expression [AS name] (call arguments and row constructors) */
static cn_ast *named_expr(cn_parser *p)
{
    cn_ast *e = psr_expr(p);
    if (e && psr_kw(p, "AS") && psr_is_ident(psr_peek(p, 1))) {
        p->pos++;
        cn_ast *a = cn_ast_new(p->a, AST_ALIAS, e->start, psr_peek(p, 0)->stop);
        a->u.alias.arg = e;
        a->u.alias.name = psr_ident(p);
        return a;
    }
    return e;
}

static cn_ast *call(cn_parser *p, char *name, int start)
{
    cn_ast *f = cn_ast_new(p->a, AST_FUNC, start, 0);
    f->u.func.name = name;
    p->pos++; /* ( */
    cn_token *first = psr_peek(p, 0);
    if (psr_op(p, "*") && psr_op_at(p, 1, ")")) {
        f->u.func.is_star = true;
        p->pos++;
    } else if (!psr_op(p, ")")) {
        if (psr_kw(p, "DISTINCT")) {
            p->pos++;
            f->u.func.distinct = true;
        } else if (psr_kw(p, "ALL") && !psr_op_at(p, 1, "(") && !psr_op_at(p, 1, ",") && !psr_op_at(p, 1, ")")) {
            p->pos++;
        }
        do {
            cn_ast *e = named_expr(p);
            if (!e) return NULL;
            psr_list_push(p, &f->u.func.args, e);
        } while (psr_accept_op(p, ","));
    }
    if (!psr_expect_op(p, ")")) return NULL;
    f->stop = psr_prev_stop(p);
    bool add = name_is(name, "timestampadd") || name_is(name, "dateadd") || name_is(name, "date_add");
    bool diff = name_is(name, "timestampdiff") || name_is(name, "datediff") || name_is(name, "date_diff") ||
                name_is(name, "timediff");
    if ((add || diff) && f->u.func.args.n == 3) {
        cn_ast *u = f->u.func.args.items[0];
        if (u->kind == AST_COLUMN && u->u.name.n == 1 && first->kind == TK_IDENT && is_dt_unit(u->u.name.parts[0])) {
            cn_ast *l = cn_ast_new(p->a, AST_LITERAL, u->start, u->stop);
            l->u.lit.kind = LIT_STRING;
            l->u.lit.text = upper_dup(p, u->u.name.parts[0], (int)strlen(u->u.name.parts[0]));
            l->u.lit.len = (int)strlen(l->u.lit.text);
            f->u.func.args.items[0] = l;
            f->u.func.name = add ? "timestampadd" : "timestampdiff";
        } else if (first->kind == TK_STRING && u->kind == AST_LITERAL && u->u.lit.kind == LIT_STRING) {
            return psr_error_ctx(p, f->start, f->stop, "INVALID_PARAMETER_VALUE.DATETIME_UNIT", "functionName",
                                 cn_arena_printf(p->a, "`%s`", name), "invalidValue",
                                 cn_arena_printf(p->a, "%.*s", first->len, first->text), "parameter", "`unit`",
                                 NULL);
        }
    }
    if (psr_kw(p, "FILTER") && psr_op_at(p, 1, "(")) {
        p->pos += 2;
        if (!psr_expect_kw(p, "WHERE") || !(f->u.func.filter = psr_expr(p)) || !psr_expect_op(p, ")")) return NULL;
    }
    if ((psr_kw(p, "IGNORE") || psr_kw(p, "RESPECT")) && psr_kw_at(p, 1, "NULLS")) p->pos += 2;
    if (psr_accept_kw(p, "OVER")) {
        if (psr_is_ident(psr_peek(p, 0))) {
            f->u.func.over = cn_ast_new(p->a, AST_WINDOW, psr_peek(p, 0)->start, psr_peek(p, 0)->stop);
            f->u.func.over->u.window.ref = psr_ident(p);
        } else if (!(f->u.func.over = psr_window_spec(p))) {
            return NULL;
        }
    }
    f->stop = psr_prev_stop(p);
    return f;
}

static cn_ast *func2(cn_parser *p, const char *name, int start, cn_ast *a, cn_ast *b, cn_ast *c)
{
    cn_ast *f = cn_ast_new(p->a, AST_FUNC, start, psr_prev_stop(p));
    f->u.func.name = (char *)name;
    if (a) psr_list_push(p, &f->u.func.args, a);
    if (b) psr_list_push(p, &f->u.func.args, b);
    if (c) psr_list_push(p, &f->u.func.args, c);
    return f;
}

static cn_ast *case_expr(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    p->pos++;
    cn_ast *n = cn_ast_new(p->a, AST_CASE, start, 0);
    if (!psr_kw(p, "WHEN") && !(n->u.case_.operand = psr_expr(p))) return NULL;
    if (!psr_kw(p, "WHEN")) return psr_syntax_error(p);
    while (psr_accept_kw(p, "WHEN")) {
        cn_ast *w = psr_expr(p);
        if (!w || !psr_expect_kw(p, "THEN")) return NULL;
        cn_ast *t = psr_expr(p);
        if (!t) return NULL;
        psr_list_push(p, &n->u.case_.whens, w);
        psr_list_push(p, &n->u.case_.thens, t);
    }
    if (psr_accept_kw(p, "ELSE") && !(n->u.case_.else_ = psr_expr(p))) return NULL;
    if (!psr_expect_kw(p, "END")) return NULL;
    n->stop = psr_prev_stop(p);
    return n;
}

/* Special forms keyed by the identifier before '('; NULL with !p->failed = not special. */
static cn_ast *special_call(cn_parser *p, cn_token *t, bool *handled)
{
    int start = t->start;
    *handled = true;
    if (psr_is_kw(t, "CAST") || psr_is_kw(t, "TRY_CAST")) {
        p->pos += 2;
        cn_ast *n = cn_ast_new(p->a, AST_CAST, start, 0);
        n->u.cast.is_try = psr_is_kw(t, "TRY_CAST");
        if (!(n->u.cast.arg = psr_expr(p)) || !psr_expect_kw(p, "AS") || !(n->u.cast.type = psr_type(p)) ||
            !psr_expect_op(p, ")"))
            return NULL;
        n->stop = psr_prev_stop(p);
        return n;
    }
    if (psr_is_kw(t, "EXTRACT") && psr_is_ident(psr_peek(p, 2)) && psr_kw_at(p, 3, "FROM")) {
        p->pos += 2;
        cn_ast *n = cn_ast_new(p->a, AST_EXTRACT, start, 0);
        n->u.extract.field = psr_ident(p);
        p->pos++; /* FROM */
        if (!(n->u.extract.arg = psr_expr(p)) || !psr_expect_op(p, ")")) return NULL;
        n->stop = psr_prev_stop(p);
        return n;
    }
    if (psr_is_kw(t, "SUBSTRING") || psr_is_kw(t, "SUBSTR")) {
        int save = p->pos;
        p->pos += 2;
        cn_ast *s = psr_expr(p);
        if (s && psr_accept_kw(p, "FROM")) {
            cn_ast *a = psr_expr(p), *b = NULL;
            if (a && psr_accept_kw(p, "FOR")) b = psr_expr(p);
            if (!a || p->failed || !psr_expect_op(p, ")")) return NULL;
            return func2(p, "substring", start, s, a, b);
        }
        if (p->failed) return NULL;
        remember(p, save + 2, 1, s); /* the generic call reuses the first argument */
        p->pos = save;
        *handled = false;
        return NULL;
    }
    if (psr_is_kw(t, "TRIM")) {
        const char *fname = "trim";
        int save = p->pos;
        p->pos += 2;
        bool opt = false;
        if (psr_accept_kw(p, "BOTH")) opt = true;
        else if (psr_accept_kw(p, "LEADING")) fname = "ltrim", opt = true;
        else if (psr_accept_kw(p, "TRAILING")) fname = "rtrim", opt = true;
        cn_ast *chars = NULL;
        if (!psr_kw(p, "FROM")) {
            chars = psr_expr(p);
            if (!chars) return NULL;
        }
        if (psr_accept_kw(p, "FROM")) {
            cn_ast *src = psr_expr(p);
            if (!src || !psr_expect_op(p, ")")) return NULL;
            return func2(p, fname, start, src, chars, NULL);
        }
        if (opt) {
            if (!psr_expect_op(p, ")")) return NULL;
            return func2(p, fname, start, chars, NULL, NULL);
        }
        remember(p, save + 2, 1, chars);
        p->pos = save;
        *handled = false;
        return NULL;
    }
    if (psr_is_kw(t, "POSITION")) {
        int save = p->pos;
        p->pos += 2;
        cn_ast *a = expr_prec(p, 5);
        if (a && psr_accept_kw(p, "IN")) {
            cn_ast *b = expr_prec(p, 5);
            if (!b || !psr_expect_op(p, ")")) return NULL;
            return func2(p, "position", start, a, b, NULL);
        }
        if (p->failed) return NULL;
        remember(p, save + 2, 5, a);
        p->pos = save;
        *handled = false;
        return NULL;
    }
    if (psr_is_kw(t, "EXISTS") && psr_query_start(p, 2)) {
        p->pos += 2;
        cn_ast *n = cn_ast_new(p->a, AST_EXISTS, start, 0);
        if (!(n->u.sub.query = psr_query(p)) || !psr_expect_op(p, ")")) return NULL;
        n->stop = psr_prev_stop(p);
        return n;
    }
    *handled = false;
    return NULL;
}

/* does a query start after one or more '(' at k? */
static bool query_after_parens(cn_parser *p, int k)
{
    while (psr_op_at(p, k, "(")) k++;
    return psr_query_start(p, k);
}

static cn_ast *paren_expr(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    if (psr_query_start(p, 1) || (psr_op_at(p, 1, "(") && query_after_parens(p, 1))) {
        /* scalar subquery; when the query is itself parenthesised, ((select 1)) + 1 is
         * an expression: try the subquery reading and back up if it fails */
        bool certain = psr_query_start(p, 1);
        int save = p->pos;
        if (certain || !psr_subq_failed(p, save)) {
            p->pos++;
            cn_ast *q = psr_query(p);
            if (q && psr_expect_op(p, ")")) {
                cn_ast *n = cn_ast_new(p->a, AST_SCALAR_SUBQUERY, start, psr_prev_stop(p));
                n->u.sub.query = q;
                return n;
            }
            if (certain || p->depth >= CN_SQL_MAX_DEPTH - 2) return NULL;
            if (strcmp(p->err->cls, "FAILED_TO_PARSE_TOO_COMPLEX") == 0) return NULL;
            psr_set_subq_failed(p, save); /* the expression reading below will not retry it */
            p->pos = save;
            p->failed = false;
            cn_error_clear(p->err);
        }
    }
    p->pos++;
    cn_ast *e = named_expr(p);
    if (!e) return NULL;
    if (psr_op(p, ",")) {
        cn_ast *l = cn_ast_new(p->a, AST_PAREN_LIST, start, 0);
        psr_list_push(p, &l->u.list, e);
        while (psr_accept_op(p, ",")) {
            cn_ast *x = named_expr(p);
            if (!x) return NULL;
            psr_list_push(p, &l->u.list, x);
        }
        if (!psr_expect_op(p, ")")) return NULL;
        l->stop = psr_prev_stop(p);
        return l;
    }
    if (e->kind == AST_ALIAS || !psr_expect_op(p, ")")) return psr_syntax_error(p);
    return e;
}

static cn_ast *string_literal(cn_parser *p)
{
    cn_token *t = psr_peek(p, 0);
    cn_ast *n = cn_ast_new(p->a, AST_LITERAL, t->start, t->stop);
    n->u.lit.kind = LIT_STRING;
    n->u.lit.text = t->str;
    n->u.lit.len = t->str_len;
    p->pos++;
    while (psr_peek(p, 0)->kind == TK_STRING) {
        /* 'a' 'b' is one literal; joined by length since either part may hold a NUL */
        const cn_token *u = psr_peek(p, 0);
        char *j = cn_arena_alloc(p->a, (size_t)n->u.lit.len + (size_t)u->str_len + 1);
        memcpy(j, n->u.lit.text, (size_t)n->u.lit.len);
        memcpy(j + n->u.lit.len, u->str, (size_t)u->str_len);
        j[n->u.lit.len + u->str_len] = 0;
        n->u.lit.text = j;
        n->u.lit.len += u->str_len;
        n->stop = u->stop;
        p->pos++;
    }
    return n;
}

static cn_ast *lambda(cn_parser *p);
static bool lambda_params_at(cn_parser *p);

static const char *const NOPAREN_FUNCS[] = {"CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_USER", "SESSION_USER"};

static cn_ast *primary(cn_parser *p)
{
    cn_token *t = psr_peek(p, 0);
    int start = t->start;
    switch (t->kind) {
    case TK_NUMBER:
        p->pos++;
        return number_literal(p, t, false, start);
    case TK_STRING:
        return string_literal(p);
    case TK_OP:
        if (psr_op(p, "(") && lambda_params_at(p)) return lambda(p);
        if (psr_op(p, "(")) return paren_expr(p);
        if (psr_op(p, "*")) {
            p->pos++;
            return cn_ast_new(p->a, AST_STAR, start, t->stop);
        }
        return psr_syntax_error(p);
    case TK_IDENT:
        if (psr_op_at(p, 1, "->")) return lambda(p);
        if (psr_is_kw(t, "NULL") || psr_is_kw(t, "TRUE") || psr_is_kw(t, "FALSE")) {
            p->pos++;
            cn_ast *n = cn_ast_new(p->a, AST_LITERAL, start, t->stop);
            n->u.lit.kind = psr_is_kw(t, "NULL") ? LIT_NULL : LIT_BOOL;
            n->u.lit.val = psr_is_kw(t, "TRUE");
            n->u.lit.text = lower_dup(p, t->text, t->len);
            return n;
        }
        if (psr_is_kw(t, "CASE")) return case_expr(p);
        if (psr_is_kw(t, "INTERVAL") && (interval_value_at(p, 1) || psr_peek(p, 1)->kind == TK_STRING))
            return interval_literal(p);
        if (psr_peek(p, 1)->kind == TK_STRING) return typed_literal(p);
        if (psr_op_at(p, 1, "(")) {
            bool handled;
            cn_ast *n = special_call(p, t, &handled);
            if (handled || p->failed) return n;
        }
        for (int i = 0; i < CN_ARRAY_LEN(NOPAREN_FUNCS); i++) {
            if (psr_is_kw(t, NOPAREN_FUNCS[i]) && !psr_op_at(p, 1, "(") && !psr_op_at(p, 1, ".")) {
                p->pos++;
                cn_ast *f = cn_ast_new(p->a, AST_FUNC, start, t->stop);
                f->u.func.name = lower_dup(p, t->text, t->len);
                return f;
            }
        }
        /* fall through */
    case TK_QIDENT: {
        CN_VEC(char *) parts = {0};
        cn_vec_push(parts, psr_ident(p));
        while (psr_op(p, ".") && psr_is_ident(psr_peek(p, 1))) {
            p->pos++;
            cn_vec_push(parts, psr_ident(p));
        }
        if (psr_op(p, ".") && psr_op_at(p, 1, "*")) {
            p->pos += 2;
            cn_ast *s = cn_ast_new(p->a, AST_STAR, start, psr_prev_stop(p));
            s->u.star.qualifier.n = parts.n;
            s->u.star.qualifier.parts = psr_vdup(p->a, parts.v, parts.n, sizeof(char *));
            cn_vec_free(parts);
            return s;
        }
        if (psr_op(p, "(")) {
            char *name = parts.v[parts.n - 1];
            if (parts.n > 1) {
                cn_strbuf sb;
                cn_sb_init(&sb);
                for (int i = 0; i < parts.n; i++) cn_sb_printf(&sb, "%s%s", i ? "." : "", parts.v[i]);
                name = cn_arena_strdup(p->a, sb.s);
                cn_sb_free(&sb);
            }
            cn_vec_free(parts);
            return call(p, name, start);
        }
        cn_ast *c = cn_ast_new(p->a, AST_COLUMN, start, psr_prev_stop(p));
        c->u.name.n = parts.n;
        c->u.name.parts = psr_vdup(p->a, parts.v, parts.n, sizeof(char *));
        cn_vec_free(parts);
        return c;
    }
    default:
        return psr_syntax_error(p);
    }
}

/* postfix operators: x::type, x[i], x.field */
static cn_ast *postfix(cn_parser *p, cn_ast *e)
{
    while (e && !p->failed) {
        if (psr_op(p, "::")) {
            p->pos++;
            cn_ast *c = cn_ast_new(p->a, AST_CAST, e->start, 0);
            c->u.cast.arg = e;
            if (!(c->u.cast.type = psr_type(p))) return NULL;
            c->stop = psr_prev_stop(p);
            e = c;
        } else if (psr_op(p, "[")) {
            p->pos++;
            cn_ast *s = cn_ast_new(p->a, AST_SUBSCRIPT, e->start, 0);
            s->u.subscript.arg = e;
            if (!(s->u.subscript.index = psr_expr(p)) || !psr_expect_op(p, "]")) return NULL;
            s->stop = psr_prev_stop(p);
            e = s;
        } else if (psr_op(p, ".") && psr_is_ident(psr_peek(p, 1)) && e->kind != AST_COLUMN) {
            p->pos++;
            cn_ast *f = cn_ast_new(p->a, AST_FIELD, e->start, psr_peek(p, 0)->stop);
            f->u.field.arg = e;
            f->u.field.name = psr_ident(p);
            e = f;
        } else {
            break;
        }
    }
    return e;
}

/* x -> body  or  (x, y) -> body; the current token starts the parameters */
static cn_ast *lambda(cn_parser *p)
{
    int start = psr_peek(p, 0)->start;
    cn_ast *l = cn_ast_new(p->a, AST_LAMBDA, start, 0);
    if (psr_op(p, "(")) {
        if (!psr_ident_list(p, &l->u.lambda.nparams, &l->u.lambda.params)) return NULL;
    } else {
        l->u.lambda.nparams = 1;
        l->u.lambda.params = cn_arena_alloc(p->a, sizeof(char *));
        l->u.lambda.params[0] = psr_ident(p);
    }
    if (!psr_expect_op(p, "->") || !(l->u.lambda.body = psr_expr(p))) return NULL;
    l->stop = l->u.lambda.body->stop;
    return l;
}

/* ( a, b ) -> at the current '(' ? */
static bool lambda_params_at(cn_parser *p)
{
    int k = 1;
    while (psr_is_ident(psr_peek(p, k))) {
        if (psr_op_at(p, k + 1, ")")) return psr_op_at(p, k + 2, "->");
        if (!psr_op_at(p, k + 1, ",")) return false;
        k += 2;
    }
    return false;
}

static cn_ast *unary(cn_parser *p)
{
    cn_token *t = psr_peek(p, 0);
    if (t->kind == TK_OP && t->len == 1 && (t->text[0] == '-' || t->text[0] == '+' || t->text[0] == '~')) {
        if (t->text[0] == '-' && psr_peek(p, 1)->kind == TK_NUMBER) {
            p->pos += 2;
            return postfix(p, number_literal(p, psr_peek(p, -1), true, t->start));
        }
        if (!psr_enter(p)) return NULL;
        p->pos++;
        cn_ast *arg = unary(p);
        psr_leave(p);
        if (!arg) return NULL;
        cn_ast *u = cn_ast_new(p->a, AST_UNARY, t->start, arg->stop);
        u->u.unary.op[0] = t->text[0];
        u->u.unary.arg = arg;
        return u;
    }
    return postfix(p, primary(p));
}

/* binary operator at the current token: precedence (0 = none), op text, token count */
static int binop(cn_parser *p, char *op)
{
    cn_token *t = psr_peek(p, 0);
    if (t->kind == TK_IDENT) {
        if (psr_is_kw(t, "OR")) return strcpy(op, "or"), 1;
        if (psr_is_kw(t, "AND")) return strcpy(op, "and"), 2;
        if (psr_is_kw(t, "DIV")) return strcpy(op, "div"), 11;
        return 0;
    }
    if (t->kind != TK_OP) return 0;
    static const struct { const char *op; int prec; } OPS[] = {
        {"=", 5}, {"==", 5}, {"<=>", 5}, {"<>", 5}, {"!=", 5}, {"<", 5}, {"<=", 5}, {">", 5}, {">=", 5},
        {"|", 6}, {"^", 7}, {"&", 8}, {"||", 9}, {"+", 10}, {"-", 10}, {"*", 11}, {"/", 11}, {"%", 11},
    };
    for (int i = 0; i < CN_ARRAY_LEN(OPS); i++)
        if (psr_op(p, OPS[i].op)) return strcpy(op, OPS[i].op), OPS[i].prec;
    return 0;
}

/* is there a predicate at the current token? k = tokens of the NOT prefix */
static bool predicate_at(cn_parser *p, int *k)
{
    *k = (psr_kw(p, "NOT") || psr_op(p, "!")) ? 1 : 0;
    if (psr_kw(p, "IS") && *k == 0) return true;
    return psr_kw_at(p, *k, "IN") || psr_kw_at(p, *k, "LIKE") || psr_kw_at(p, *k, "ILIKE") ||
           psr_kw_at(p, *k, "RLIKE") || psr_kw_at(p, *k, "REGEXP") || psr_kw_at(p, *k, "BETWEEN");
}

static cn_ast *predicate(cn_parser *p, cn_ast *left)
{
    bool neg = psr_accept_kw(p, "NOT") || psr_accept_op(p, "!");
    int start = left->start;
    if (psr_accept_kw(p, "IS")) {
        cn_ast *n = cn_ast_new(p->a, AST_IS, start, 0);
        n->u.is.arg = left;
        n->u.is.negated = psr_accept_kw(p, "NOT") || psr_accept_op(p, "!");
        if (psr_accept_kw(p, "NULL")) n->u.is.what = IS_NULL_;
        else if (psr_accept_kw(p, "TRUE")) n->u.is.what = IS_TRUE_;
        else if (psr_accept_kw(p, "FALSE")) n->u.is.what = IS_FALSE_;
        else if (psr_accept_kw(p, "UNKNOWN")) n->u.is.what = IS_UNKNOWN_;
        else if (psr_accept_kw(p, "DISTINCT") && psr_expect_kw(p, "FROM")) {
            n->u.is.what = IS_DISTINCT_FROM_;
            if (!(n->u.is.other = expr_prec(p, 5))) return NULL;
        } else {
            return psr_syntax_error(p);
        }
        n->stop = psr_prev_stop(p);
        return n;
    }
    if (psr_accept_kw(p, "BETWEEN")) {
        cn_ast *n = cn_ast_new(p->a, AST_BETWEEN, start, 0);
        n->u.between.arg = left;
        n->u.between.negated = neg;
        if (!(n->u.between.lo = expr_prec(p, 5)) || !psr_expect_kw(p, "AND") || !(n->u.between.hi = expr_prec(p, 5)))
            return NULL;
        n->stop = psr_prev_stop(p);
        return n;
    }
    if (psr_accept_kw(p, "IN")) {
        if (!psr_op(p, "(")) return psr_syntax_error(p);
        if (psr_query_start(p, 1)) {
            p->pos++;
            cn_ast *n = cn_ast_new(p->a, AST_IN_SUBQUERY, start, 0);
            n->u.in.arg = left;
            n->u.in.negated = neg;
            if (!(n->u.in.query = psr_query(p)) || !psr_expect_op(p, ")")) return NULL;
            n->stop = psr_prev_stop(p);
            return n;
        }
        p->pos++;
        cn_ast *n = cn_ast_new(p->a, AST_IN_LIST, start, 0);
        n->u.in.arg = left;
        n->u.in.negated = neg;
        do {
            cn_ast *e = psr_expr(p);
            if (!e) return NULL;
            psr_list_push(p, &n->u.in.list, e);
        } while (psr_accept_op(p, ","));
        if (!psr_expect_op(p, ")")) return NULL;
        n->stop = psr_prev_stop(p);
        return n;
    }
    /* LIKE / ILIKE / RLIKE / REGEXP */
    cn_token *t = psr_peek(p, 0);
    p->pos++;
    cn_ast *n = cn_ast_new(p->a, AST_LIKE, start, 0);
    n->u.like.arg = left;
    n->u.like.negated = neg;
    strcpy(n->u.like.op, psr_is_kw(t, "LIKE") ? "like" : psr_is_kw(t, "ILIKE") ? "ilike" : "rlike");
    if (!(n->u.like.pattern = expr_prec(p, 5))) return NULL;
    if (n->u.like.op[0] != 'r' && psr_accept_kw(p, "ESCAPE")) {
        cn_token *e = psr_peek(p, 0);
        if (e->kind != TK_STRING) return psr_syntax_error(p);
        p->pos++;
        if (e->str_len != 1)
            return psr_error_ctx(p, -1, -1, "INVALID_ESCAPE_CHAR", "sqlExpr", cn_arena_printf(p->a, "'%s'", e->str),
                                 NULL);
        n->u.like.escape = e->str[0];
        n->u.like.has_escape = true; /* ESCAPE '\0' is a NUL escape, not none */
    }
    n->stop = psr_prev_stop(p);
    return n;
}

static cn_ast *expr_prec(cn_parser *p, int min)
{
    cn_token *t = psr_peek(p, 0);
    bool not_prefix = psr_is_kw(t, "NOT") || (t->kind == TK_OP && t->len == 1 && t->text[0] == '!');
    cn_ast *memo = NULL;
    if (p->memo && p->memo_pos == p->pos && !p->failed) {
        if (p->memo_min == min) {
            cn_ast *e = p->memo;
            p->memo = NULL;
            p->pos = p->memo_end;
            return e;
        }
        /* a higher-precedence reading from the same token is the start of this one: the
         * loop below continues it with the lower-precedence operators (not after a NOT
         * prefix, which only low-precedence readings take) */
        if (p->memo_min > min && p->memo_min >= 5 && !not_prefix) memo = p->memo;
    }
    if (!psr_enter(p)) return NULL;
    cn_ast *left;
    if (memo) {
        left = memo;
        p->memo = NULL;
        p->pos = p->memo_end;
    } else if (min <= 3 && not_prefix) {
        p->pos++;
        cn_ast *arg = expr_prec(p, 3);
        left = NULL;
        if (arg) {
            left = cn_ast_new(p->a, AST_UNARY, t->start, arg->stop);
            strcpy(left->u.unary.op, "not");
            left->u.unary.arg = arg;
        }
    } else {
        left = unary(p);
    }
    bool had_predicate = false;
    while (left && !p->failed) {
        int k;
        if (min <= 4 && !had_predicate && predicate_at(p, &k)) {
            left = predicate(p, left);
            had_predicate = true;
            continue;
        }
        char op[8];
        int prec = binop(p, op);
        if (!prec || prec < min || (had_predicate && prec > 4)) break;
        p->pos++;
        cn_ast *right = expr_prec(p, prec + 1);
        if (!right) {
            left = NULL;
            break;
        }
        cn_ast *b = cn_ast_new(p->a, AST_BINARY, left->start, right->stop);
        strcpy(b->u.binary.op, op);
        b->u.binary.l = left;
        b->u.binary.r = right;
        left = b;
        if (prec <= 2) had_predicate = false;
    }
    psr_leave(p);
    return p->failed ? NULL : left;
}
