/*
 * text.c — expressions as text, in Spark's two forms.
 *
 * cn_expr_sql is Spark's pretty SQL used for generated column names and
 * error parameters (toPrettySQL): implicit casts are hidden, string and
 * numeric literals print bare ('abc' -> abc), other literals as SQL
 * (DATE '2001-09-28'), binary operators in parentheses "(a + b)", `<>` as
 * "(NOT (a = b))", count(*) as "count(1)", DISTINCT upper-case.
 *
 * cn_expr_explain is the plan form Spark prints in EXPLAIN (Expression.
 * toString): columns as name#id, literals by their value (strings bare,
 * dates 1998-09-02, null as "null"), casts as "cast(x#1 as bigint)",
 * "isnotnull(x#1)", "x#1 IN (a,b)", "StartsWith(x#1, PROMO)",
 * "count(distinct x#1)".
 */
#include "expr/expr_internal.h"

#include <stdio.h>

/* java.math.BigDecimal.toString switches to scientific notation when the adjusted exponent
 * is below -6 (Spark's Decimal.toString): 123.0E-28BD -> "1.230E-26". */
static bool decimal_sci(const cn_value *v, char *buf, size_t cap)
{
    cn_i128 x = cn_value_decimal(v);
    bool neg = x < 0;
    unsigned __int128 u = neg ? (unsigned __int128)0 - (unsigned __int128)x : (unsigned __int128)x;
    char dig[48];
    int nd = 0;
    do {
        dig[nd++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    int adjusted = -(int)v->type.scale + (nd - 1);
    if (adjusted >= -6) return false;
    size_t o = 0;
    if (neg) buf[o++] = '-';
    buf[o++] = dig[nd - 1];
    if (nd > 1) {
        buf[o++] = '.';
        for (int i = nd - 2; i >= 0; i--) buf[o++] = dig[i];
    }
    snprintf(buf + o, cap - o, "E%d", adjusted);
    return true;
}

static void lit_text(const cn_value *v, cn_strbuf *sb, bool explain)
{
    if (v->is_null) {
        cn_sb_puts(sb, explain ? "null" : "NULL");
        return;
    }
    union { uint8_t u8; int8_t i8; int16_t i16; int32_t i32; int64_t i64; cn_i128 d; float f; double f64; cn_str s; } cell;
    memset(&cell, 0, sizeof cell);
    cn_vector vec;
    memset(&vec, 0, sizeof vec);
    vec.type = v->type;
    vec.data = &cell;
    vec.capacity = 1;
    switch (cn_type_phys(v->type)) {
    case CN_PHYS_U8: cell.u8 = v->v.b; break;
    case CN_PHYS_I8: cell.i8 = (int8_t)v->v.i; break;
    case CN_PHYS_I16: cell.i16 = (int16_t)v->v.i; break;
    case CN_PHYS_I32: cell.i32 = (int32_t)v->v.i; break;
    case CN_PHYS_I64: cell.i64 = v->v.i; break;
    case CN_PHYS_I128: cell.d = v->v.d; break;
    case CN_PHYS_F32: cell.f = (float)v->v.f; break;
    case CN_PHYS_F64: cell.f64 = v->v.f; break;
    case CN_PHYS_STR:
        cn_sb_putn(sb, cn_str_data(&v->v.s), v->v.s.len);
        return;
    }
    char buf[128];
    if (v->type.kind == CN_DECIMAL && decimal_sci(v, buf, sizeof buf)) {
        cn_sb_puts(sb, buf);
        return;
    }
    int n = cn_format_value(&vec, 0, buf, sizeof buf);
    if (n < 0) n = 0;
    if (n >= (int)sizeof buf) n = (int)sizeof buf - 1;
    if (!explain && (v->type.kind == CN_DATE || v->type.kind == CN_TIMESTAMP || v->type.kind == CN_TIMESTAMP_NTZ)) {
        cn_sb_puts(sb, v->type.kind == CN_DATE ? "DATE '" : v->type.kind == CN_TIMESTAMP ? "TIMESTAMP '" : "TIMESTAMP_NTZ '");
        cn_sb_putn(sb, buf, (size_t)n);
        cn_sb_putc(sb, '\'');
        return;
    }
    cn_sb_putn(sb, buf, (size_t)n);
}

static const char *binop_symbol(int f)
{
    switch (f) {
    case CN_FN_ADD: return "+";
    case CN_FN_SUB: return "-";
    case CN_FN_MUL: return "*";
    case CN_FN_DIV: return "/";
    case CN_FN_MOD: return "%";
    case CN_FN_INTDIV: return "div";
    case CN_FN_EQ: return "=";
    case CN_FN_LT: return "<";
    case CN_FN_LE: return "<=";
    case CN_FN_GT: return ">";
    case CN_FN_GE: return ">=";
    case CN_FN_EQ_NS: return "<=>";
    case CN_FN_SUB_DATES: return "-";
    case CN_FN_SUB_TIMESTAMPS: return "-";
    default: return NULL;
    }
}

static void text(const cn_expr *e, cn_strbuf *sb, bool ex);

static void arglist(const cn_expr *e, int from, cn_strbuf *sb, bool ex, const char *sep)
{
    for (int i = from; i < e->nargs; i++) {
        if (i > from) cn_sb_puts(sb, sep);
        text(e->args[i], sb, ex);
    }
}

static void call_text(const cn_expr *e, cn_strbuf *sb, bool ex)
{
    int f = e->func;
    const char *sym = binop_symbol(f);
    if (sym && e->nargs == 2 && !(e->try_ && e->name)) {
        cn_sb_putc(sb, '(');
        text(e->args[0], sb, ex);
        cn_sb_printf(sb, " %s ", sym);
        text(e->args[1], sb, ex);
        cn_sb_putc(sb, ')');
        return;
    }
    switch (f) {
    case CN_FN_NE:
        cn_sb_puts(sb, ex ? "NOT (" : "(NOT (");
        text(e->args[0], sb, ex);
        cn_sb_puts(sb, " = ");
        text(e->args[1], sb, ex);
        cn_sb_puts(sb, ex ? ")" : "))");
        return;
    case CN_FN_NEG:
    case CN_FN_POS:
        if (e->name) break;
        cn_sb_puts(sb, ex ? (f == CN_FN_NEG ? "-" : "+") : (f == CN_FN_NEG ? "(- " : "(+ "));
        text(e->args[0], sb, ex);
        if (!ex) cn_sb_putc(sb, ')');
        return;
    case CN_FN_IF:
        if (ex) {
            cn_sb_puts(sb, "if (");
            text(e->args[0], sb, ex);
            cn_sb_puts(sb, ") ");
            text(e->args[1], sb, ex);
            cn_sb_puts(sb, " else ");
            text(e->args[2], sb, ex);
        } else {
            cn_sb_puts(sb, "(IF(");
            arglist(e, 0, sb, ex, ", ");
            cn_sb_puts(sb, "))");
        }
        return;
    case CN_FN_STARTSWITH:
    case CN_FN_ENDSWITH:
    case CN_FN_CONTAINS:
        if (!ex || e->name) break;
        cn_sb_puts(sb, f == CN_FN_STARTSWITH ? "StartsWith(" : f == CN_FN_ENDSWITH ? "EndsWith(" : "Contains(");
        arglist(e, 0, sb, ex, ", ");
        cn_sb_putc(sb, ')');
        return;
    case CN_FN_DATE_ADD_INTERVAL:
    case CN_FN_DATE_SUB_INTERVAL:
        if (e->args[1]->type.kind == CN_INTERVAL_YM) {
            text(e->args[0], sb, ex);
            cn_sb_puts(sb, f == CN_FN_DATE_ADD_INTERVAL ? " + " : " - ");
            text(e->args[1], sb, ex);
        } else {
            cn_sb_puts(sb, "date_add(");
            text(e->args[0], sb, ex);
            cn_sb_puts(sb, f == CN_FN_DATE_ADD_INTERVAL ? ", extractansiintervaldays(" : (ex ? ", -extractansiintervaldays(" : ", (- extractansiintervaldays("));
            text(e->args[1], sb, ex);
            cn_sb_puts(sb, f == CN_FN_DATE_ADD_INTERVAL || ex ? "))" : ")))");
        }
        return;
    case CN_FN_TS_ADD_INTERVAL:
        text(e->args[0], sb, ex);
        cn_sb_puts(sb, " + ");
        text(e->args[1], sb, ex);
        return;
    case CN_FN_CURRENT_DATE:
    case CN_FN_CURRENT_TIMESTAMP:
        cn_sb_printf(sb, "%s()", ex_func_name(e));
        return;
    default:
        break;
    }
    cn_sb_puts(sb, ex_func_name(e));
    cn_sb_putc(sb, '(');
    arglist(e, 0, sb, ex, ", ");
    cn_sb_putc(sb, ')');
}

static void text(const cn_expr *e, cn_strbuf *sb, bool ex)
{
    if (!e) {
        cn_sb_puts(sb, "?");
        return;
    }
    char tb[64];
    switch ((cn_expr_kind)e->kind) {
    case CN_EX_COL:
        cn_sb_puts(sb, e->name ? e->name : "?");
        if (ex) cn_sb_printf(sb, "#%lld", (long long)e->id);
        return;
    case CN_EX_LIT:
        lit_text(&e->lit, sb, ex);
        return;
    case CN_EX_CALL:
        call_text(e, sb, ex);
        return;
    case CN_EX_CAST:
        if (!ex && e->implicit) {
            text(e->args[0], sb, ex);
            return;
        }
        if (ex) {
            cn_sb_puts(sb, e->try_ ? "try_cast(" : "cast(");
            text(e->args[0], sb, ex);
            cn_sb_printf(sb, " as %s)", cn_type_name(e->type, tb, sizeof tb));
        } else {
            cn_sb_puts(sb, e->try_ ? "TRY_CAST(" : "CAST(");
            text(e->args[0], sb, ex);
            cn_sb_printf(sb, " AS %s)", cn_type_sql_name(e->type, tb, sizeof tb));
        }
        return;
    case CN_EX_CASE: {
        int n = e->has_else ? e->nargs - 1 : e->nargs;
        cn_sb_puts(sb, "CASE");
        for (int i = 0; i + 1 < n; i += 2) {
            cn_sb_puts(sb, " WHEN ");
            text(e->args[i], sb, ex);
            cn_sb_puts(sb, " THEN ");
            text(e->args[i + 1], sb, ex);
        }
        if (e->has_else) {
            cn_sb_puts(sb, " ELSE ");
            text(e->args[e->nargs - 1], sb, ex);
        }
        cn_sb_puts(sb, " END");
        return;
    }
    case CN_EX_AND:
    case CN_EX_OR:
        cn_sb_putc(sb, '(');
        text(e->args[0], sb, ex);
        cn_sb_puts(sb, e->kind == CN_EX_AND ? " AND " : " OR ");
        text(e->args[1], sb, ex);
        cn_sb_putc(sb, ')');
        return;
    case CN_EX_NOT:
        cn_sb_puts(sb, ex ? "NOT " : "(NOT ");
        text(e->args[0], sb, ex);
        if (!ex) cn_sb_putc(sb, ')');
        return;
    case CN_EX_IS_NULL:
    case CN_EX_IS_NOT_NULL:
        if (ex) {
            cn_sb_puts(sb, e->kind == CN_EX_IS_NULL ? "isnull(" : "isnotnull(");
            text(e->args[0], sb, ex);
            cn_sb_putc(sb, ')');
        } else {
            cn_sb_putc(sb, '(');
            text(e->args[0], sb, ex);
            cn_sb_puts(sb, e->kind == CN_EX_IS_NULL ? " IS NULL)" : " IS NOT NULL)");
        }
        return;
    case CN_EX_IN:
        if (!ex) cn_sb_putc(sb, '(');
        text(e->args[0], sb, ex);
        cn_sb_puts(sb, " IN (");
        arglist(e, 1, sb, ex, ex ? "," : ", ");
        cn_sb_puts(sb, ex ? ")" : "))");
        return;
    case CN_EX_LIKE:
        text(e->args[0], sb, ex);
        cn_sb_puts(sb, " LIKE ");
        text(e->args[1], sb, ex);
        if (e->escape != '\\') cn_sb_printf(sb, " ESCAPE '%c'", e->escape);
        return;
    case CN_EX_AGG:
        cn_sb_puts(sb, ex_agg_name(e));
        cn_sb_putc(sb, '(');
        if (e->is_star) {
            cn_sb_putc(sb, '1');
        } else {
            if (e->distinct) cn_sb_puts(sb, ex ? "distinct " : "DISTINCT ");
            arglist(e, 0, sb, ex, ", ");
        }
        cn_sb_putc(sb, ')');
        return;
    case CN_EX_SUBQUERY:
        if (e->subq_kind == 2) {
            if (!ex) cn_sb_putc(sb, '(');
            if (e->nargs > 1) cn_sb_putc(sb, '(');
            arglist(e, 0, sb, ex, ", ");
            if (e->nargs > 1) cn_sb_putc(sb, ')');
            if (ex) cn_sb_printf(sb, " IN (list#%lld [])", (long long)e->subq_id);
            else cn_sb_puts(sb, " IN (listquery()))");
        } else if (e->subq_kind == 1) {
            if (ex) cn_sb_printf(sb, "exists#%lld []", (long long)e->subq_id);
            else cn_sb_puts(sb, "exists()");
        } else {
            if (ex) cn_sb_printf(sb, "scalar-subquery#%lld []", (long long)e->subq_id);
            else cn_sb_puts(sb, "scalarsubquery()");
        }
        return;
    default:
        cn_sb_puts(sb, "?");
        return;
    }
}

void cn_expr_sql(const cn_expr *e, cn_strbuf *sb) { text(e, sb, false); }

void cn_expr_explain(const cn_expr *e, cn_strbuf *sb) { text(e, sb, true); }

const char *ex_quoted_sql(cn_arena *a, const cn_expr *e)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_putc(&sb, '"');
    text(e, &sb, false);
    cn_sb_putc(&sb, '"');
    const char *r = cn_arena_strdup(a, sb.s);
    cn_sb_free(&sb);
    return r;
}

const char *ex_quoted_type(cn_arena *a, cn_type t)
{
    char b[64];
    return cn_arena_printf(a, "\"%s\"", cn_type_sql_name(t, b, sizeof b));
}
