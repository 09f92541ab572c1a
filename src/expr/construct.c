/*
 * construct.c — building bound expressions: constructors, function-name
 * resolution with Spark's (ANSI) type coercion, and the tree helpers the
 * analyzer, optimizer and planner use (copy, equality, visiting, binding,
 * conjunct splitting).
 *
 * cn_expr_call() is the one place where Spark's implicit casts are decided:
 * arithmetic widens integral types, mixes integral and decimal as decimal
 * (integral literals get their minimal precision, as DecimalPrecision does),
 * decimal with floating point as DOUBLE, `/` on non-decimals as DOUBLE, `div`
 * as BIGINT; comparisons use the wider type, with ANSI's string promotion
 * (string vs integral -> BIGINT, vs fractional -> DOUBLE, vs date/timestamp/
 * boolean -> that type). Implicit casts are CN_EX_CAST nodes flagged
 * `implicit`, which cn_expr_sql hides in generated names as Spark does.
 */
#include "expr/expr_internal.h"

#include <ctype.h>
#include <stdio.h>

/* ---- constructors ---------------------------------------------------------- */

cn_expr *cn_expr_new(cn_arena *a, cn_expr_kind kind, cn_type type, int nargs)
{
    cn_expr *e = cn_arena_calloc(a, sizeof *e);
    e->kind = (uint8_t)kind;
    e->type = type;
    e->nullable = true;
    e->nargs = nargs;
    e->args = nargs > 0 ? cn_arena_calloc(a, sizeof(cn_expr *) * (size_t)nargs) : NULL;
    e->index = -1;
    e->func = -1;
    e->escape = '\\';
    e->start = e->stop = -1;
    return e;
}

cn_expr *cn_expr_col(cn_arena *a, int64_t id, const char *name, cn_type type, bool nullable)
{
    cn_expr *e = cn_expr_new(a, CN_EX_COL, type, 0);
    e->id = id;
    e->name = name ? cn_arena_strdup(a, name) : NULL;
    e->nullable = nullable;
    return e;
}

cn_expr *cn_expr_lit(cn_arena *a, cn_value v)
{
    cn_expr *e = cn_expr_new(a, CN_EX_LIT, v.type, 0);
    if (!v.is_null && cn_type_phys(v.type) == CN_PHYS_STR) v.v.s = cn_str_copy(a, v.v.s);
    e->lit = v;
    e->nullable = v.is_null;
    return e;
}

cn_expr *cn_expr_bool(cn_arena *a, bool b)
{
    cn_value v;
    memset(&v, 0, sizeof v);
    v.type = cn_type_of(CN_BOOLEAN);
    v.v.b = b;
    return cn_expr_lit(a, v);
}

cn_expr *cn_expr_count_star(cn_arena *a)
{
    cn_expr *e = cn_expr_new(a, CN_EX_AGG, cn_type_of(CN_BIGINT), 0);
    e->func = CN_AGG_COUNT;
    e->is_star = true;
    e->nullable = false;
    return e;
}

/* ---- names ------------------------------------------------------------------- */

static const char *const func_names[] = {
#define X(id, name) name,
    CN_FUNCS(X)
#undef X
};
static const char *const agg_names[] = {
#define X(id, name) name,
    CN_AGGS(X)
#undef X
};

static const struct { const char *alias; int func; } func_aliases[] = {
    {"substr", CN_FN_SUBSTRING},   {"ucase", CN_FN_UPPER},        {"lcase", CN_FN_LOWER},
    {"char_length", CN_FN_LENGTH}, {"character_length", CN_FN_LENGTH}, {"len", CN_FN_LENGTH},
    {"ceiling", CN_FN_CEIL},       {"pow", CN_FN_POWER},          {"dayofmonth", CN_FN_DAY},
    {"ifnull", CN_FN_NVL},         {"mod", CN_FN_MOD},            {"signum", CN_FN_SIGN},
    {"negative", CN_FN_NEG},       {"positive", CN_FN_POS},       {"try_add", CN_FN_ADD},
    {"try_subtract", CN_FN_SUB},   {"try_multiply", CN_FN_MUL},   {"try_divide", CN_FN_DIV},
    {"try_mod", CN_FN_MOD},        {"dateadd", CN_FN_DATE_ADD},   {"date_diff", CN_FN_DATEDIFF},
    {"curdate", CN_FN_CURRENT_DATE}, {"now", CN_FN_CURRENT_TIMESTAMP}, {"starts_with", CN_FN_STARTSWITH},
    {"ends_with", CN_FN_ENDSWITH}, {"random", CN_FN_RAND},
};

static const struct { const char *alias; int agg; } agg_aliases[] = {
    {"mean", CN_AGG_AVG},           {"first_value", CN_AGG_FIRST}, {"last_value", CN_AGG_LAST},
    {"every", CN_AGG_BOOL_AND},     {"some", CN_AGG_BOOL_OR},      {"any", CN_AGG_BOOL_OR},
    {"stddev", CN_AGG_STDDEV_SAMP}, {"std", CN_AGG_STDDEV_SAMP},   {"variance", CN_AGG_VAR_SAMP},
};

const char *ex_func_name(const cn_expr *e)
{
    if (e->name) return e->name;
    if (e->func >= 0 && e->func < CN_FN_COUNT) return func_names[e->func];
    return "?";
}

const char *ex_agg_name(const cn_expr *e)
{
    if (e->name) return e->name;
    if (e->func >= 0 && e->func < CN_AGG_FUNC_COUNT) return agg_names[e->func];
    return "?";
}

static void lower_name(const char *s, char *buf, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = 0;
}

int cn_agg_lookup(const char *name)
{
    char n[64];
    lower_name(name, n, sizeof n);
    for (int i = 0; i < CN_AGG_FUNC_COUNT; i++)
        if (strcmp(n, agg_names[i]) == 0) return i;
    for (int i = 0; i < CN_ARRAY_LEN(agg_aliases); i++)
        if (strcmp(n, agg_aliases[i].alias) == 0) return agg_aliases[i].agg;
    return -1;
}

static int func_lookup(const char *n)
{
    for (int i = 0; i < CN_FN_COUNT; i++)
        if (strcmp(n, func_names[i]) == 0) return i;
    for (int i = 0; i < CN_ARRAY_LEN(func_aliases); i++)
        if (strcmp(n, func_aliases[i].alias) == 0) return func_aliases[i].func;
    return -1;
}

static bool is_logical_name(const char *n)
{
    static const char *const names[] = {"and", "or", "not", "!", "isnull", "isnotnull", "in", "like"};
    for (int i = 0; i < CN_ARRAY_LEN(names); i++)
        if (strcmp(n, names[i]) == 0) return true;
    return false;
}

/* Function-style casts (FunctionRegistry's castAlias names). */
static bool cast_alias(const char *n, cn_type *t)
{
    static const struct { const char *name; cn_kind kind; } names[] = {
        {"boolean", CN_BOOLEAN}, {"tinyint", CN_TINYINT}, {"smallint", CN_SMALLINT}, {"int", CN_INT},
        {"bigint", CN_BIGINT},   {"float", CN_FLOAT},     {"double", CN_DOUBLE},     {"decimal", CN_DECIMAL},
        {"date", CN_DATE},       {"timestamp", CN_TIMESTAMP}, {"string", CN_STRING},
    };
    for (int i = 0; i < CN_ARRAY_LEN(names); i++)
        if (!strcmp(n, names[i].name)) {
            *t = names[i].kind == CN_DECIMAL ? cn_type_decimal(10, 0) : cn_type_of(names[i].kind);
            return true;
        }
    return false;
}

bool cn_expr_is_scalar_function(const char *name)
{
    char n[64];
    lower_name(name, n, sizeof n);
    cn_type t;
    return func_lookup(n) >= 0 || is_logical_name(n) || cast_alias(n, &t);
}

/* ---- type helpers ---------------------------------------------------------- */

static bool is_fractional(cn_type t) { return t.kind == CN_FLOAT || t.kind == CN_DOUBLE || t.kind == CN_DECIMAL; }
static bool is_atomic(cn_type t) { return (t.kind >= CN_BOOLEAN && t.kind <= CN_TIMESTAMP) || t.kind == CN_TIMESTAMP_NTZ; }

/* Minimal decimal type of an integral literal (DecimalType.fromLiteral). */
static cn_type literal_decimal(const cn_expr *e)
{
    if (e->kind == CN_EX_LIT && !e->lit.is_null && cn_type_is_integral(e->type)) {
        int64_t v = e->lit.v.i;
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        int d = 1;
        while (u >= 10) { u /= 10; d++; }
        return cn_type_decimal(d, 0);
    }
    return cn_type_decimal_for(e->type);
}

/* Spark ANSI findWiderTypeForString. */
static bool wider_string(cn_type a, cn_type b, cn_type *out)
{
    if (a.kind != CN_STRING) { cn_type t = a; a = b; b = t; }
    if (a.kind != CN_STRING || b.kind == CN_STRING) return false;
    if (cn_type_is_integral(b)) *out = cn_type_of(CN_BIGINT);
    else if (is_fractional(b)) *out = cn_type_of(CN_DOUBLE);
    else if (b.kind == CN_NULL) *out = a;
    else if (is_atomic(b)) *out = b;
    else return false;
    return true;
}

/* Wider type of two expressions (the literal rule for integral vs decimal included). */
static bool wider_expr(const cn_expr *x, const cn_expr *y, cn_type *out)
{
    cn_type a = x->type, b = y->type;
    if (a.kind == CN_DECIMAL && cn_type_is_integral(b)) b = literal_decimal(y);
    else if (b.kind == CN_DECIMAL && cn_type_is_integral(a)) a = literal_decimal(x);
    bool ok;
    cn_type t = cn_type_wider(a, b, &ok);
    if (ok) { *out = t; return true; }
    return wider_string(a, b, out);
}

/* Wider type of a list (IN, CASE, COALESCE...): findWiderCommonType, no literal rule. */
static bool wider_list(cn_expr **args, int n, cn_type *out)
{
    if (n == 0) return false;
    cn_type t = args[0]->type;
    for (int i = 1; i < n; i++) {
        bool ok;
        cn_type b = args[i]->type, w = cn_type_wider(t, b, &ok);
        if (!ok && !wider_string(t, b, &w)) return false;
        t = w;
    }
    *out = t;
    return true;
}

cn_expr *cn_expr_coerce(cn_arena *a, cn_expr *e, cn_type t)
{
    if (cn_type_eq(e->type, t)) return e;
    if (e->kind == CN_EX_LIT && e->lit.is_null) {
        cn_expr *c = cn_expr_lit(a, cn_value_null(t));
        c->start = e->start;
        c->stop = e->stop;
        /* keep NULL's name: an implicit cast over the original literal */
        cn_expr *k = cn_expr_new(a, CN_EX_CAST, t, 1);
        k->args[0] = e;
        k->implicit = true;
        return k;
    }
    cn_expr *c = cn_expr_new(a, CN_EX_CAST, t, 1);
    c->args[0] = e;
    c->implicit = true;
    c->nullable = e->nullable;
    c->start = e->start;
    c->stop = e->stop;
    return c;
}

int cn_expr_cast(cn_arena *a, cn_expr *arg, cn_type t, bool try_, cn_expr **out, cn_error *err)
{
    if (!ex_can_cast(arg->type, t)) {
        cn_expr tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.kind = CN_EX_CAST;
        tmp.type = t;
        tmp.nargs = 1;
        tmp.args = &arg;
        tmp.try_ = try_;
        return cn_error_set(err, "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION", "sqlExpr", ex_quoted_sql(a, &tmp),
                            "srcType", ex_quoted_type(a, arg->type), "targetType", ex_quoted_type(a, t), NULL);
    }
    cn_expr *c = cn_expr_new(a, CN_EX_CAST, t, 1);
    c->args[0] = arg;
    c->try_ = try_;
    c->nullable = arg->nullable || try_;
    c->start = arg->start;
    c->stop = arg->stop;
    *out = c;
    return 0;
}

/* ---- errors ---------------------------------------------------------------------- */

static const char *ordinal(int i)
{
    static const char *const w[] = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"};
    return i < 10 ? w[i] : "later";
}

static cn_expr *shell(cn_arena *a, cn_expr_kind kind, int func, const char *alias, cn_expr **args, int nargs)
{
    cn_expr *e = cn_expr_new(a, kind, cn_type_of(CN_NULL), nargs);
    e->func = func;
    e->name = alias;
    for (int i = 0; i < nargs; i++) e->args[i] = args[i];
    return e;
}

static int err_input_type(cn_arena *a, cn_error *err, const cn_expr *node, int idx, const char *required)
{
    char req[160];
    snprintf(req, sizeof req, "%s", required);
    return cn_error_set(err, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "inputSql", ex_quoted_sql(a, node->args[idx]),
                        "inputType", ex_quoted_type(a, node->args[idx]->type), "paramIndex", ordinal(idx),
                        "requiredType", req, "sqlExpr", ex_quoted_sql(a, node), NULL);
}

static int err_diff_types(cn_arena *a, cn_error *err, const cn_expr *node)
{
    return cn_error_set(err, "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "left", ex_quoted_type(a, node->args[0]->type),
                        "right", ex_quoted_type(a, node->args[1]->type), "sqlExpr", ex_quoted_sql(a, node), NULL);
}

static int err_data_diff(cn_arena *a, cn_error *err, const cn_expr *node, const char *fn)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_putc(&sb, '[');
    for (int i = 0; i < node->nargs; i++) {
        if (i) cn_sb_puts(&sb, ", ");
        cn_sb_puts(&sb, ex_quoted_type(a, node->args[i]->type));
    }
    cn_sb_putc(&sb, ']');
    char fnq[80];
    snprintf(fnq, sizeof fnq, "`%s`", fn);
    int r = cn_error_set(err, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "dataType", sb.s, "functionName", fnq, "sqlExpr",
                         ex_quoted_sql(a, node), NULL);
    cn_sb_free(&sb);
    return r;
}

static int err_wrong_args(cn_error *err, const char *fn, int actual, const char *expected)
{
    char fnq[80], act[16];
    snprintf(fnq, sizeof fnq, "`%s`", fn);
    snprintf(act, sizeof act, "%d", actual);
    return cn_error_set(err, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "actualNum", act, "docroot",
                        "https://spark.apache.org/docs/latest", "expectedNum", expected, "functionName", fnq, NULL);
}

/* ---- argument coercion helpers ---------------------------------------------------- */

/* Implicit cast of argument i of node to type t if allowed (ANSI implicit cast rules). */
static bool implicit_ok(cn_type from, cn_type to)
{
    if (cn_type_eq(from, to) || from.kind == CN_NULL) return true;
    if (from.kind == CN_STRING) return is_atomic(to) || to.kind == CN_STRING;
    if (cn_type_is_numeric(from) && cn_type_is_numeric(to)) {
        if (to.kind == CN_DECIMAL && (from.kind == CN_FLOAT || from.kind == CN_DOUBLE)) return false;
        if (cn_type_is_integral(to) && !cn_type_is_integral(from)) return false;
        if (cn_type_is_integral(to) && cn_type_is_integral(from)) return to.kind >= from.kind;
        return true;
    }
    if (from.kind == CN_DATE && to.kind == CN_TIMESTAMP) return true;
    /* Spark's implicit casts among datetimes: TIMESTAMP_NTZ to DATE or TIMESTAMP, DATE to it */
    if (from.kind == CN_TIMESTAMP_NTZ && (to.kind == CN_DATE || to.kind == CN_TIMESTAMP)) return true;
    if (from.kind == CN_DATE && to.kind == CN_TIMESTAMP_NTZ) return true;
    return false;
}

static void coerce_arg(cn_arena *a, cn_expr *node, int i, cn_type t) { node->args[i] = cn_expr_coerce(a, node->args[i], t); }

static int want_type(cn_arena *a, cn_error *err, cn_expr *node, int i, cn_type t)
{
    cn_type from = node->args[i]->type;
    if (!implicit_ok(from, t)) {
        char buf[64], req[80];
        snprintf(req, sizeof req, "\"%s\"", cn_type_sql_name(t, buf, sizeof buf));
        return err_input_type(a, err, node, i, req);
    }
    coerce_arg(a, node, i, t);
    return 0;
}

static int want_string(cn_arena *a, cn_error *err, cn_expr *node, int i)
{
    cn_type from = node->args[i]->type;
    if (from.kind == CN_STRING) return 0;
    if (from.kind == CN_NULL || is_atomic(from)) {
        coerce_arg(a, node, i, cn_type_of(CN_STRING));
        return 0;
    }
    return err_input_type(a, err, node, i, "\"STRING\"");
}

static int want_int(cn_arena *a, cn_error *err, cn_expr *node, int i)
{
    cn_type from = node->args[i]->type;
    if (from.kind == CN_INT) return 0;
    if (from.kind == CN_TINYINT || from.kind == CN_SMALLINT || from.kind == CN_NULL || from.kind == CN_STRING) {
        coerce_arg(a, node, i, cn_type_of(CN_INT));
        return 0;
    }
    return err_input_type(a, err, node, i, "(\"INT\" or \"SMALLINT\" or \"TINYINT\")");
}

static int want_date(cn_arena *a, cn_error *err, cn_expr *node, int i)
{
    cn_type from = node->args[i]->type;
    if (from.kind == CN_DATE) return 0;
    if (from.kind == CN_STRING || from.kind == CN_TIMESTAMP || from.kind == CN_TIMESTAMP_NTZ || from.kind == CN_NULL) {
        coerce_arg(a, node, i, cn_type_of(CN_DATE));
        return 0;
    }
    return err_input_type(a, err, node, i, "\"DATE\"");
}

static int want_numeric_double(cn_arena *a, cn_error *err, cn_expr *node, int i)
{
    cn_type from = node->args[i]->type;
    if (from.kind == CN_DOUBLE) return 0;
    if (cn_type_is_numeric(from) || from.kind == CN_NULL || from.kind == CN_STRING) {
        coerce_arg(a, node, i, cn_type_of(CN_DOUBLE));
        return 0;
    }
    return err_input_type(a, err, node, i, "\"DOUBLE\"");
}

static int want_bool(cn_arena *a, cn_error *err, cn_expr *node, int i)
{
    cn_type from = node->args[i]->type;
    if (from.kind == CN_BOOLEAN) return 0;
    if (from.kind == CN_NULL || from.kind == CN_STRING) {
        coerce_arg(a, node, i, cn_type_of(CN_BOOLEAN));
        return 0;
    }
    return err_input_type(a, err, node, i, "\"BOOLEAN\"");
}

static bool any_nullable(cn_expr **args, int n)
{
    for (int i = 0; i < n; i++)
        if (args[i]->nullable) return true;
    return false;
}

/* ---- arithmetic ------------------------------------------------------------------ */

static bool is_interval(cn_type t) { return t.kind == CN_INTERVAL_DT || t.kind == CN_INTERVAL_YM; }

static int resolve_arith(cn_arena *a, cn_expr *e, cn_error *err)
{
    cn_type l = e->args[0]->type, r = e->args[1]->type;
    int f = e->func;
    e->nullable = any_nullable(e->args, 2);

    /* date/time arithmetic */
    if (f == CN_FN_ADD || f == CN_FN_SUB) {
        if (l.kind == CN_DATE && is_interval(r)) {
            bool day_only = r.kind == CN_INTERVAL_DT && r.scale == CN_IV_DAY && r.scale2 <= r.scale;
            if (r.kind == CN_INTERVAL_YM || day_only) {
                e->func = f == CN_FN_ADD ? CN_FN_DATE_ADD_INTERVAL : CN_FN_DATE_SUB_INTERVAL;
                e->type = cn_type_of(CN_DATE);
                return 0;
            }
            coerce_arg(a, e, 0, cn_type_of(CN_TIMESTAMP));
            l = cn_type_of(CN_TIMESTAMP);
        }
        if (l.kind == CN_TIMESTAMP && is_interval(r)) {
            e->func = CN_FN_TS_ADD_INTERVAL;
            e->try_ = f == CN_FN_SUB; /* subtraction marker: see date_fns.c */
            e->type = cn_type_of(CN_TIMESTAMP);
            if (f == CN_FN_SUB) {
                cn_expr *neg = cn_expr_new(a, CN_EX_CALL, r, 1);
                neg->func = CN_FN_NEG;
                neg->args[0] = e->args[1];
                neg->nullable = e->args[1]->nullable;
                e->args[1] = neg;
                e->try_ = false;
            }
            return 0;
        }
        if (f == CN_FN_ADD && is_interval(l) && (r.kind == CN_DATE || r.kind == CN_TIMESTAMP)) {
            cn_expr *t = e->args[0];
            e->args[0] = e->args[1];
            e->args[1] = t;
            return resolve_arith(a, e, err);
        }
        if (f == CN_FN_SUB && l.kind == CN_DATE && r.kind == CN_STRING) {
            coerce_arg(a, e, 1, cn_type_of(CN_DATE));
            r = cn_type_of(CN_DATE);
        }
        if (f == CN_FN_ADD && ((l.kind == CN_DATE && r.kind == CN_STRING) || (l.kind == CN_STRING && r.kind == CN_DATE))) {
            /* Spark casts the string to DATE, then date_add rejects it (golden date.sql.out) */
            coerce_arg(a, e, l.kind == CN_STRING ? 0 : 1, cn_type_of(CN_DATE));
            e->func = CN_FN_DATE_ADD;
            return err_input_type(a, err, e, 1, "(\"INT\" or \"SMALLINT\" or \"TINYINT\")");
        }
        if (l.kind == CN_DATE && (r.kind == CN_NULL || (cn_type_is_numeric(r) && !cn_type_is_integral(r)))) {
            /* DateAdd/DateSub(date, x): NULL becomes an INT NULL; fractions fail its type check */
            e->func = f == CN_FN_ADD ? CN_FN_DATE_ADD : CN_FN_DATE_SUB;
            e->type = cn_type_of(CN_DATE);
            return want_int(a, err, e, 1);
        }
        if (f == CN_FN_ADD && r.kind == CN_DATE && l.kind == CN_NULL) {
            cn_expr *t = e->args[0];
            e->args[0] = e->args[1];
            e->args[1] = t;
            e->func = CN_FN_DATE_ADD;
            e->type = cn_type_of(CN_DATE);
            return want_int(a, err, e, 1);
        }
        if (l.kind == CN_DATE && cn_type_is_integral(r)) {
            e->func = f == CN_FN_ADD ? CN_FN_DATE_ADD : CN_FN_DATE_SUB;
            e->type = cn_type_of(CN_DATE);
            return want_int(a, err, e, 1);
        }
        if (f == CN_FN_ADD && r.kind == CN_DATE && cn_type_is_integral(l)) {
            cn_expr *t = e->args[0];
            e->args[0] = e->args[1];
            e->args[1] = t;
            e->func = CN_FN_DATE_ADD;
            e->type = cn_type_of(CN_DATE);
            return want_int(a, err, e, 1);
        }
        if (f == CN_FN_SUB && (l.kind == CN_DATE || r.kind == CN_DATE) &&
            (l.kind == CN_DATE || l.kind == CN_STRING || l.kind == CN_NULL) &&
            (r.kind == CN_DATE || r.kind == CN_STRING || r.kind == CN_NULL)) {
            coerce_arg(a, e, 0, cn_type_of(CN_DATE));
            coerce_arg(a, e, 1, cn_type_of(CN_DATE));
            e->func = CN_FN_SUB_DATES;
            cn_type t = cn_type_of(CN_INTERVAL_DT);
            t.scale = t.scale2 = CN_IV_DAY;
            e->type = t;
            return 0;
        }
        if (f == CN_FN_SUB && (l.kind == CN_TIMESTAMP || r.kind == CN_TIMESTAMP) &&
            (l.kind == CN_TIMESTAMP || l.kind == CN_DATE || l.kind == CN_STRING || l.kind == CN_NULL) &&
            (r.kind == CN_TIMESTAMP || r.kind == CN_DATE || r.kind == CN_STRING || r.kind == CN_NULL)) {
            /* SubtractTimestamps: DAY TO SECOND interval between local date-times */
            coerce_arg(a, e, 0, cn_type_of(CN_TIMESTAMP));
            coerce_arg(a, e, 1, cn_type_of(CN_TIMESTAMP));
            e->func = CN_FN_SUB_TIMESTAMPS;
            cn_type t = cn_type_of(CN_INTERVAL_DT);
            t.scale = CN_IV_DAY;
            t.scale2 = CN_IV_SECOND;
            e->type = t;
            return 0;
        }
        if (is_interval(l) && cn_type_eq(l, r)) {
            e->type = l;
            return 0;
        }
        if (is_interval(l) && is_interval(r) && l.kind == r.kind) {
            bool ok;
            cn_type t = cn_type_wider(l, r, &ok);
            coerce_arg(a, e, 0, t);
            coerce_arg(a, e, 1, t);
            e->type = t;
            return 0;
        }
    }

    /* string operands promote (ANSI findWiderTypeForString) */
    if (l.kind == CN_STRING || r.kind == CN_STRING || l.kind == CN_NULL || r.kind == CN_NULL) {
        cn_type t;
        if (l.kind == CN_STRING && r.kind == CN_STRING) t = cn_type_of(CN_DOUBLE);
        else if (l.kind == CN_NULL && r.kind == CN_NULL) t = cn_type_of(CN_DOUBLE);
        else if (l.kind == CN_NULL) t = r.kind == CN_STRING ? cn_type_of(CN_DOUBLE) : r;
        else if (r.kind == CN_NULL) t = l.kind == CN_STRING ? cn_type_of(CN_DOUBLE) : l;
        else if (!wider_string(l, r, &t) || !cn_type_is_numeric(t)) return err_diff_types(a, err, e);
        if (!cn_type_is_numeric(t)) return err_diff_types(a, err, e);
        if (l.kind == CN_STRING || l.kind == CN_NULL) coerce_arg(a, e, 0, t);
        if (r.kind == CN_STRING || r.kind == CN_NULL) coerce_arg(a, e, 1, t);
        l = e->args[0]->type;
        r = e->args[1]->type;
    }
    if (!cn_type_is_numeric(l) || !cn_type_is_numeric(r)) {
        if (cn_type_eq(l, r)) {
            char buf[64], it[80];
            snprintf(it, sizeof it, "\"%s\"", cn_type_sql_name(l, buf, sizeof buf));
            return cn_error_set(err, "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE", "actualDataType", it, "inputType",
                                "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")",
                                "sqlExpr", ex_quoted_sql(a, e), NULL);
        }
        return err_diff_types(a, err, e);
    }

    bool ld = l.kind == CN_DECIMAL, rd = r.kind == CN_DECIMAL;
    bool lf = l.kind == CN_FLOAT || l.kind == CN_DOUBLE, rf = r.kind == CN_FLOAT || r.kind == CN_DOUBLE;
    if (f == CN_FN_INTDIV) {
        if (ld || rd) {
            if (lf || rf) {
                coerce_arg(a, e, 0, cn_type_of(CN_DOUBLE));
                coerce_arg(a, e, 1, cn_type_of(CN_DOUBLE));
                return err_input_type(a, err, e, lf ? 0 : 1, "(\"BIGINT\" or \"DECIMAL\")");
            }
            if (!ld) coerce_arg(a, e, 0, literal_decimal(e->args[0]));
            if (!rd) coerce_arg(a, e, 1, literal_decimal(e->args[1]));
        } else if (lf || rf) {
            return err_input_type(a, err, e, lf ? 0 : 1, "(\"BIGINT\" or \"DECIMAL\")");
        } else {
            coerce_arg(a, e, 0, cn_type_of(CN_BIGINT));
            coerce_arg(a, e, 1, cn_type_of(CN_BIGINT));
        }
        e->type = cn_type_of(CN_BIGINT);
        e->nullable = true;
        return 0;
    }
    if ((ld || rd) && !lf && !rf) {
        /* decimal arithmetic: integral side becomes a decimal; operands keep their own scales */
        cn_type dl = ld ? l : literal_decimal(e->args[0]);
        cn_type dr = rd ? r : literal_decimal(e->args[1]);
        if (!ld) coerce_arg(a, e, 0, dl);
        if (!rd) coerce_arg(a, e, 1, dr);
        switch (f) {
        case CN_FN_ADD:
        case CN_FN_SUB: e->type = cn_decimal_add_type(dl, dr); break;
        case CN_FN_MUL: e->type = cn_decimal_mul_type(dl, dr); break;
        case CN_FN_DIV: e->type = cn_decimal_div_type(dl, dr); e->nullable = true; break;
        default: e->type = cn_decimal_mod_type(dl, dr); e->nullable = true; break;
        }
        return 0;
    }
    cn_type t;
    if (f == CN_FN_DIV) {
        t = cn_type_of(CN_DOUBLE);
    } else if (ld || rd || lf || rf) {
        t = (l.kind == CN_FLOAT && r.kind == CN_FLOAT) ? cn_type_of(CN_FLOAT) : cn_type_of(CN_DOUBLE);
        if ((l.kind == CN_FLOAT && cn_type_is_integral(r)) || (r.kind == CN_FLOAT && cn_type_is_integral(l)))
            t = cn_type_of(CN_FLOAT);
    } else {
        t = l.kind >= r.kind ? l : r;
    }
    coerce_arg(a, e, 0, t);
    coerce_arg(a, e, 1, t);
    e->type = t;
    if (f == CN_FN_DIV || f == CN_FN_MOD || f == CN_FN_PMOD) e->nullable = true;
    if (e->try_) e->nullable = true;
    return 0;
}

/* ---- comparisons ----------------------------------------------------------------- */

static int resolve_compare(cn_arena *a, cn_expr *e, cn_error *err)
{
    cn_type t;
    if (!wider_expr(e->args[0], e->args[1], &t)) return err_diff_types(a, err, e);
    if (t.kind == CN_NULL) t = cn_type_of(CN_BOOLEAN);
    for (int i = 0; i < e->nargs; i++) coerce_arg(a, e, i, t);
    e->type = cn_type_of(CN_BOOLEAN);
    e->nullable = e->func == CN_FN_EQ_NS ? false : any_nullable(e->args, e->nargs);
    return 0;
}

/* Coerce all args [from, nargs) to their wider type. */
static int coerce_all(cn_arena *a, cn_expr *e, int from, const char *fn, cn_type *out, cn_error *err)
{
    cn_type t;
    if (!wider_list(e->args + from, e->nargs - from, &t)) return err_data_diff(a, err, e, fn);
    for (int i = from; i < e->nargs; i++) coerce_arg(a, e, i, t);
    *out = t;
    return 0;
}

/* ---- scalar functions -------------------------------------------------------- */

static bool arity_ok(int f, int n, const char **expected)
{
    int lo = 1, hi = 1;
    switch (f) {
    case CN_FN_ADD: case CN_FN_SUB: case CN_FN_MUL: case CN_FN_DIV: case CN_FN_MOD: case CN_FN_INTDIV:
    case CN_FN_PMOD: case CN_FN_EQ: case CN_FN_NE: case CN_FN_LT: case CN_FN_LE: case CN_FN_GT: case CN_FN_GE:
    case CN_FN_EQ_NS: case CN_FN_STARTSWITH: case CN_FN_ENDSWITH: case CN_FN_CONTAINS: case CN_FN_INSTR:
    case CN_FN_NULLIF: case CN_FN_NVL: case CN_FN_POWER: case CN_FN_DATE_ADD: case CN_FN_DATE_SUB:
    case CN_FN_DATEDIFF: case CN_FN_ADD_MONTHS: case CN_FN_DATE_ADD_INTERVAL: case CN_FN_DATE_SUB_INTERVAL:
    case CN_FN_TS_ADD_INTERVAL: case CN_FN_DATE_TRUNC: case CN_FN_TRUNC: case CN_FN_NEXT_DAY:
    case CN_FN_DATE_FORMAT: case CN_FN_SUB_DATES: case CN_FN_REPEAT: case CN_FN_SUB_TIMESTAMPS:
        lo = hi = 2; break;
    case CN_FN_SUBSTRING: lo = 2; hi = 3; break;
    case CN_FN_REPLACE: lo = 2; hi = 3; break;
    case CN_FN_LPAD: case CN_FN_RPAD: lo = 2; hi = 3; break;
    case CN_FN_IF: case CN_FN_MAKE_DATE: case CN_FN_BETWEEN: lo = hi = 3; break;
    case CN_FN_CONCAT: lo = 0; hi = 1 << 20; break;
    case CN_FN_COALESCE: case CN_FN_HASH: lo = 1; hi = 1 << 20; break;
    case CN_FN_GREATEST: case CN_FN_LEAST: lo = 2; hi = 1 << 20; break;
    case CN_FN_ROUND: lo = 1; hi = 2; break;
    case CN_FN_TRIM: case CN_FN_LTRIM: case CN_FN_RTRIM: lo = 1; hi = 2; break;
    case CN_FN_TO_DATE: case CN_FN_TO_TIMESTAMP: lo = 1; hi = 2; break;
    case CN_FN_TIMESTAMPADD: case CN_FN_TIMESTAMPDIFF: lo = hi = 3; break;
    case CN_FN_RAND: lo = 0; hi = 1; break;
    case CN_FN_CURRENT_DATE: case CN_FN_CURRENT_TIMESTAMP: lo = hi = 0; break;
    default: break;
    }
    static char buf[32];
    if (n >= lo && n <= hi) return true;
    if (hi >= (1 << 20)) snprintf(buf, sizeof buf, "> %d", lo - 1);
    else if (lo == hi) snprintf(buf, sizeof buf, "%d", lo);
    else snprintf(buf, sizeof buf, "[%d, %d]", lo, hi);
    *expected = buf;
    return false;
}

static int resolve_scalar(cn_arena *a, cn_expr *e, cn_error *err)
{
    int f = e->func;
    cn_expr **args = e->args;
    int n = e->nargs;
    e->nullable = any_nullable(args, n);
    cn_type t;
    switch (f) {
    case CN_FN_ADD: case CN_FN_SUB: case CN_FN_MUL: case CN_FN_DIV: case CN_FN_MOD: case CN_FN_INTDIV:
    case CN_FN_PMOD:
        return resolve_arith(a, e, err);
    case CN_FN_NEG: case CN_FN_POS: case CN_FN_ABS: {
        cn_type x = args[0]->type;
        if (x.kind == CN_STRING || x.kind == CN_NULL) { coerce_arg(a, e, 0, cn_type_of(CN_DOUBLE)); x = cn_type_of(CN_DOUBLE); }
        if (!cn_type_is_numeric(x) && !is_interval(x))
            return err_input_type(a, err, e, 0, "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")");
        e->type = x;
        return 0;
    }
    case CN_FN_EQ: case CN_FN_NE: case CN_FN_LT: case CN_FN_LE: case CN_FN_GT: case CN_FN_GE: case CN_FN_EQ_NS:
        return resolve_compare(a, e, err);
    case CN_FN_BETWEEN:
        if (coerce_all(a, e, 0, "between", &t, err)) return -1;
        e->type = cn_type_of(CN_BOOLEAN);
        return 0;
    case CN_FN_CONCAT:
        for (int i = 0; i < n; i++)
            if (want_string(a, err, e, i)) return -1;
        e->type = cn_type_of(CN_STRING);
        return 0;
    case CN_FN_SUBSTRING:
        if (want_string(a, err, e, 0) || want_int(a, err, e, 1) || (n > 2 && want_int(a, err, e, 2))) return -1;
        e->type = cn_type_of(CN_STRING);
        return 0;
    case CN_FN_UPPER: case CN_FN_LOWER: case CN_FN_TRIM: case CN_FN_LTRIM: case CN_FN_RTRIM: case CN_FN_REVERSE:
        for (int i = 0; i < n; i++)
            if (want_string(a, err, e, i)) return -1;
        e->type = cn_type_of(CN_STRING);
        return 0;
    case CN_FN_LENGTH: case CN_FN_ASCII:
        if (want_string(a, err, e, 0)) return -1;
        e->type = cn_type_of(CN_INT);
        return 0;
    case CN_FN_STARTSWITH: case CN_FN_ENDSWITH: case CN_FN_CONTAINS:
        if (want_string(a, err, e, 0) || want_string(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_BOOLEAN);
        return 0;
    case CN_FN_INSTR:
        if (want_string(a, err, e, 0) || want_string(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_INT);
        return 0;
    case CN_FN_REPLACE:
        for (int i = 0; i < n; i++)
            if (want_string(a, err, e, i)) return -1;
        e->type = cn_type_of(CN_STRING);
        return 0;
    case CN_FN_LPAD: case CN_FN_RPAD:
        if (want_string(a, err, e, 0) || want_int(a, err, e, 1) || (n > 2 && want_string(a, err, e, 2))) return -1;
        e->type = cn_type_of(CN_STRING);
        return 0;
    case CN_FN_REPEAT:
        if (want_string(a, err, e, 0) || want_int(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_STRING);
        return 0;
    case CN_FN_COALESCE: case CN_FN_GREATEST: case CN_FN_LEAST:
        if (coerce_all(a, e, 0, ex_func_name(e), &t, err)) return -1;
        e->type = t;
        if (f == CN_FN_COALESCE) {
            e->nullable = true;
            for (int i = 0; i < n; i++)
                if (!args[i]->nullable) e->nullable = false;
        }
        return 0;
    case CN_FN_NVL:
        if (coerce_all(a, e, 0, ex_func_name(e), &t, err)) return -1;
        e->type = t;
        e->nullable = args[0]->nullable && args[1]->nullable;
        return 0;
    case CN_FN_NULLIF:
        if (coerce_all(a, e, 0, "nullif", &t, err)) return -1;
        e->type = t;
        e->nullable = true;
        return 0;
    case CN_FN_IF:
        if (want_bool(a, err, e, 0)) return -1;
        if (coerce_all(a, e, 1, "if", &t, err)) return -1;
        e->type = t;
        e->nullable = args[1]->nullable || args[2]->nullable;
        return 0;
    case CN_FN_ISNAN:
        if (want_numeric_double(a, err, e, 0)) return -1;
        e->type = cn_type_of(CN_BOOLEAN);
        e->nullable = false;
        return 0;
    case CN_FN_ROUND: case CN_FN_FLOOR: case CN_FN_CEIL: {
        cn_type x = args[0]->type;
        if (x.kind == CN_STRING || x.kind == CN_NULL) { coerce_arg(a, e, 0, cn_type_of(CN_DOUBLE)); x = cn_type_of(CN_DOUBLE); }
        if (!cn_type_is_numeric(x)) return err_input_type(a, err, e, 0, "\"NUMERIC\"");
        int scale = 0;
        if (n > 1) {
            if (args[1]->kind != CN_EX_LIT || !cn_type_is_integral(args[1]->type) || args[1]->lit.is_null)
                return err_input_type(a, err, e, 1, "\"INT\"");
            scale = (int)args[1]->lit.v.i;
            coerce_arg(a, e, 1, cn_type_of(CN_INT));
        }
        if (f == CN_FN_ROUND) {
            if (x.kind == CN_DECIMAL) {
                int p = x.precision, s = x.scale;
                int ns = scale < 0 ? 0 : CN_MIN(scale, s);
                int np = p - s + ns + 1;
                e->type = cn_type_decimal(CN_MIN(np, CN_MAX_PRECISION), ns);
            } else {
                e->type = x;
            }
        } else {
            if (x.kind == CN_DECIMAL) {
                int p = x.precision, s = x.scale;
                int np = p - s + 1;
                e->type = cn_type_decimal(CN_MIN(np, CN_MAX_PRECISION), 0);
            } else if (cn_type_is_integral(x)) {
                e->type = cn_type_of(CN_BIGINT);
                coerce_arg(a, e, 0, cn_type_of(CN_BIGINT));
            } else {
                e->type = cn_type_of(CN_BIGINT);
                coerce_arg(a, e, 0, cn_type_of(CN_DOUBLE));
            }
        }
        return 0;
    }
    case CN_FN_SQRT: case CN_FN_LN: case CN_FN_EXP: case CN_FN_LOG10: case CN_FN_SIGN:
        if (want_numeric_double(a, err, e, 0)) return -1;
        e->type = cn_type_of(CN_DOUBLE);
        return 0;
    case CN_FN_POWER:
        if (want_numeric_double(a, err, e, 0) || want_numeric_double(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_DOUBLE);
        return 0;
    case CN_FN_YEAR: case CN_FN_MONTH: case CN_FN_DAY: case CN_FN_QUARTER: case CN_FN_DAYOFWEEK:
    case CN_FN_DAYOFYEAR: case CN_FN_WEEKOFYEAR: case CN_FN_WEEKDAY: case CN_FN_LAST_DAY:
        if (want_date(a, err, e, 0)) return -1;
        e->type = cn_type_of(f == CN_FN_LAST_DAY ? CN_DATE : CN_INT);
        return 0;
    case CN_FN_HOUR: case CN_FN_MINUTE: case CN_FN_SECOND:
        /* a TIMESTAMP_NTZ's fields are its own: read as UTC, they are its wall clock */
        if (args[0]->type.kind != CN_TIMESTAMP && args[0]->type.kind != CN_TIMESTAMP_NTZ &&
            want_type(a, err, e, 0, cn_type_of(CN_TIMESTAMP)))
            return -1;
        e->type = cn_type_of(CN_INT);
        return 0;
    case CN_FN_DATE_ADD: case CN_FN_DATE_SUB:
        if (want_date(a, err, e, 0) || want_int(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_ADD_MONTHS:
        if (want_date(a, err, e, 0) || want_int(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_DATEDIFF:
        if (want_date(a, err, e, 0) || want_date(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_INT);
        return 0;
    case CN_FN_SUB_DATES: {
        if (want_date(a, err, e, 0) || want_date(a, err, e, 1)) return -1;
        cn_type it = cn_type_of(CN_INTERVAL_DT);
        it.scale = it.scale2 = CN_IV_DAY;
        e->type = it;
        return 0;
    }
    case CN_FN_SUB_TIMESTAMPS: {
        if (want_type(a, err, e, 0, cn_type_of(CN_TIMESTAMP)) || want_type(a, err, e, 1, cn_type_of(CN_TIMESTAMP)))
            return -1;
        cn_type it = cn_type_of(CN_INTERVAL_DT);
        it.scale = CN_IV_DAY;
        it.scale2 = CN_IV_SECOND;
        e->type = it;
        return 0;
    }
    case CN_FN_DATE_ADD_INTERVAL: case CN_FN_DATE_SUB_INTERVAL:
        if (want_date(a, err, e, 0)) return -1;
        if (!is_interval(args[1]->type)) return err_input_type(a, err, e, 1, "\"INTERVAL\"");
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_TS_ADD_INTERVAL:
        if (want_type(a, err, e, 0, cn_type_of(CN_TIMESTAMP))) return -1;
        if (!is_interval(args[1]->type)) return err_input_type(a, err, e, 1, "\"INTERVAL\"");
        e->type = cn_type_of(CN_TIMESTAMP);
        return 0;
    case CN_FN_TO_DATE:
        if (args[0]->type.kind != CN_DATE && want_type(a, err, e, 0, args[0]->type.kind == CN_TIMESTAMP ? args[0]->type : cn_type_of(CN_STRING)))
            return -1;
        if (n > 1 && want_string(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_TO_TIMESTAMP:
        if (args[0]->type.kind != CN_TIMESTAMP && args[0]->type.kind != CN_DATE && want_string(a, err, e, 0)) return -1;
        if (n > 1 && want_string(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_TIMESTAMP);
        return 0;
    case CN_FN_TIMESTAMPADD: case CN_FN_TIMESTAMPDIFF:
        if (args[0]->kind != CN_EX_LIT || args[0]->type.kind != CN_STRING || args[0]->lit.is_null)
            return err_input_type(a, err, e, 0, "\"STRING\"");
        if (f == CN_FN_TIMESTAMPADD) {
            if (!cn_type_is_integral(args[1]->type) && args[1]->type.kind != CN_NULL)
                return err_input_type(a, err, e, 1, "\"BIGINT\"");
            coerce_arg(a, e, 1, cn_type_of(CN_BIGINT));
            if (want_type(a, err, e, 2, cn_type_of(CN_TIMESTAMP))) return -1;
            e->type = cn_type_of(CN_TIMESTAMP);
        } else {
            if (want_type(a, err, e, 1, cn_type_of(CN_TIMESTAMP)) || want_type(a, err, e, 2, cn_type_of(CN_TIMESTAMP)))
                return -1;
            e->type = cn_type_of(CN_BIGINT);
        }
        return 0;
    case CN_FN_UNIX_DATE:
        if (want_date(a, err, e, 0)) return -1;
        e->type = cn_type_of(CN_INT);
        return 0;
    case CN_FN_DATE_FROM_UNIX_DATE:
        if (want_int(a, err, e, 0)) return -1;
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_RAND:
        if (n > 0) {
            const cn_expr *s = args[0];
            if (s->kind != CN_EX_LIT || !(cn_type_is_integral(s->type) || s->type.kind == CN_NULL))
                return err_input_type(a, err, e, 0, "(\"INT\" or \"BIGINT\")");
            if (s->type.kind != CN_BIGINT && s->type.kind != CN_INT) coerce_arg(a, e, 0, cn_type_of(CN_BIGINT));
        }
        e->type = cn_type_of(CN_DOUBLE);
        e->nullable = false;
        return 0;
    case CN_FN_TYPEOF:
        e->type = cn_type_of(CN_STRING);
        e->nullable = false;
        return 0;
    case CN_FN_CURRENT_DATE:
        e->type = cn_type_of(CN_DATE);
        e->nullable = false;
        return 0;
    case CN_FN_CURRENT_TIMESTAMP:
        e->type = cn_type_of(CN_TIMESTAMP);
        e->nullable = false;
        return 0;
    case CN_FN_MAKE_DATE:
        for (int i = 0; i < 3; i++)
            if (want_int(a, err, e, i)) return -1;
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_HASH:
        e->type = cn_type_of(CN_INT);
        e->nullable = false;
        return 0;
    case CN_FN_DATE_TRUNC:
        if (want_string(a, err, e, 0) || want_type(a, err, e, 1, cn_type_of(CN_TIMESTAMP))) return -1;
        e->type = cn_type_of(CN_TIMESTAMP);
        return 0;
    case CN_FN_TRUNC:
        if (want_date(a, err, e, 0) || want_string(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_NEXT_DAY:
        if (want_date(a, err, e, 0) || want_string(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_DATE);
        return 0;
    case CN_FN_DATE_FORMAT:
        if (want_type(a, err, e, 0, cn_type_of(CN_TIMESTAMP)) || want_string(a, err, e, 1)) return -1;
        e->type = cn_type_of(CN_STRING);
        return 0;
    default:
        break;
    }
    return cn_error_set(err, "INTERNAL_ERROR", "message", "unhandled function in cn_expr_call", NULL);
}

/* ---- aggregates ------------------------------------------------------------------- */

static int resolve_agg(cn_arena *a, cn_expr *e, cn_error *err)
{
    int f = e->func;
    const char *nm = ex_agg_name(e);
    if (f == CN_AGG_COUNT) {
        if (e->nargs < 1) return err_wrong_args(err, nm, e->nargs, " >= 1");
        e->type = cn_type_of(CN_BIGINT);
        e->nullable = false;
        return 0;
    }
    if (e->nargs != 1) return err_wrong_args(err, nm, e->nargs, "1");
    cn_type x = e->args[0]->type;
    switch (f) {
    case CN_AGG_SUM: case CN_AGG_AVG:
        if (x.kind == CN_STRING || x.kind == CN_NULL) { coerce_arg(a, e, 0, cn_type_of(CN_DOUBLE)); x = cn_type_of(CN_DOUBLE); }
        if (!cn_type_is_numeric(x) && !is_interval(x))
            return err_input_type(a, err, e, 0, "(\"NUMERIC\" or \"ANSI INTERVAL\")");
        break;
    case CN_AGG_BOOL_AND: case CN_AGG_BOOL_OR:
        if (x.kind != CN_BOOLEAN && x.kind != CN_NULL && x.kind != CN_STRING)
            return err_input_type(a, err, e, 0, "\"BOOLEAN\"");
        if (x.kind != CN_BOOLEAN) coerce_arg(a, e, 0, cn_type_of(CN_BOOLEAN));
        x = cn_type_of(CN_BOOLEAN);
        break;
    case CN_AGG_STDDEV_SAMP: case CN_AGG_VAR_SAMP: case CN_AGG_STDDEV_POP: case CN_AGG_VAR_POP:
    case CN_AGG_SKEWNESS: case CN_AGG_KURTOSIS:
        if (want_numeric_double(a, err, e, 0)) return -1;
        x = cn_type_of(CN_DOUBLE);
        break;
    default:
        break;
    }
    e->type = x;
    switch (f) {
    case CN_AGG_SUM:
        if (cn_type_is_integral(x)) e->type = cn_type_of(CN_BIGINT);
        else if (x.kind == CN_DECIMAL) e->type = cn_decimal_sum_type(x);
        else if (x.kind == CN_FLOAT) e->type = cn_type_of(CN_DOUBLE);
        break;
    case CN_AGG_AVG:
        if (x.kind == CN_DECIMAL) e->type = cn_decimal_avg_type(x);
        else if (!is_interval(x)) e->type = cn_type_of(CN_DOUBLE);
        break;
    case CN_AGG_STDDEV_SAMP: case CN_AGG_VAR_SAMP: case CN_AGG_STDDEV_POP: case CN_AGG_VAR_POP:
    case CN_AGG_SKEWNESS: case CN_AGG_KURTOSIS: e->type = cn_type_of(CN_DOUBLE); break;
    default: break;
    }
    e->nullable = true;
    return 0;
}

/* ---- entry point ----------------------------------------------------------------------- */

static cn_expr *logical(cn_arena *a, cn_expr_kind k, cn_expr **args, int n)
{
    cn_expr *e = cn_expr_new(a, k, cn_type_of(CN_BOOLEAN), n);
    for (int i = 0; i < n; i++) e->args[i] = args[i];
    e->nullable = any_nullable(args, n);
    return e;
}

static void span(cn_expr *e, cn_expr **args, int n)
{
    for (int i = 0; i < n; i++) {
        if (args[i]->start >= 0 && (e->start < 0 || args[i]->start < e->start)) e->start = args[i]->start;
        if (args[i]->stop > e->stop) e->stop = args[i]->stop;
    }
}

int cn_expr_call(cn_arena *a, const char *name, cn_expr **args, int nargs, bool distinct, bool agg_ok,
                 cn_expr **out, cn_error *err)
{
    char n[64];
    lower_name(name, n, sizeof n);
    cn_expr *e = NULL;

    if (!strcmp(n, "and") || !strcmp(n, "or")) {
        if (nargs != 2) return err_wrong_args(err, n, nargs, "2");
        e = logical(a, n[0] == 'a' ? CN_EX_AND : CN_EX_OR, args, 2);
        if (want_bool(a, err, e, 0) || want_bool(a, err, e, 1)) return -1;
    } else if (!strcmp(n, "not") || !strcmp(n, "!")) {
        if (nargs != 1) return err_wrong_args(err, n, nargs, "1");
        e = logical(a, CN_EX_NOT, args, 1);
        if (want_bool(a, err, e, 0)) return -1;
    } else if (!strcmp(n, "isnull") || !strcmp(n, "isnotnull")) {
        if (nargs != 1) return err_wrong_args(err, n, nargs, "1");
        e = logical(a, !strcmp(n, "isnull") ? CN_EX_IS_NULL : CN_EX_IS_NOT_NULL, args, 1);
        e->nullable = false;
    } else if (!strcmp(n, "in")) {
        if (nargs < 2) return err_wrong_args(err, n, nargs, "> 1");
        e = logical(a, CN_EX_IN, args, nargs);
        cn_type t;
        if (!wider_list(e->args, nargs, &t)) {
            cn_strbuf sb;
            cn_sb_init(&sb);
            cn_sb_putc(&sb, '[');
            for (int i = 0; i < nargs; i++) {
                if (i) cn_sb_puts(&sb, ", ");
                cn_sb_puts(&sb, ex_quoted_type(a, args[i]->type));
            }
            cn_sb_putc(&sb, ']');
            int r = cn_error_set(err, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "dataType", sb.s, "functionName", "`in`",
                                 "sqlExpr", ex_quoted_sql(a, e), NULL);
            cn_sb_free(&sb);
            return r;
        }
        if (t.kind == CN_NULL) t = cn_type_of(CN_BOOLEAN);
        for (int i = 0; i < nargs; i++) coerce_arg(a, e, i, t);
    } else if (!strcmp(n, "like")) {
        if (nargs != 2 && nargs != 3) return err_wrong_args(err, n, nargs, "[2, 3]");
        e = logical(a, CN_EX_LIKE, args, 2);
        if (want_string(a, err, e, 0) || want_string(a, err, e, 1)) return -1;
        if (nargs == 3) {
            const cn_expr *esc = args[2];
            if (esc->kind != CN_EX_LIT || esc->type.kind != CN_STRING || esc->lit.is_null || esc->lit.v.s.len != 1)
                return cn_error_set(err, "INVALID_ESCAPE_CHAR", "sqlExpr", ex_quoted_sql(a, esc), NULL);
            e->escape = cn_str_data(&esc->lit.v.s)[0];
        }
        const cn_expr *pe = e->args[1];
        if (pe->kind == CN_EX_LIT && !pe->lit.is_null) {
            e->subq = ex_like_compile(a, cn_str_data(&pe->lit.v.s), pe->lit.v.s.len, e->escape, err);
            if (!e->subq) return -1;
        }
    } else {
        int ag = cn_agg_lookup(n);
        if (ag >= 0) {
            e = shell(a, CN_EX_AGG, ag, strcmp(n, agg_names[ag]) ? cn_arena_strdup(a, n) : NULL, args, nargs);
            e->distinct = distinct;
            if (!agg_ok) {
                char fq[80];
                snprintf(fq, sizeof fq, "\"%s\"", n);
                return cn_error_set(err, "UNSUPPORTED_EXPR_FOR_OPERATOR", "invalidExprSqls", ex_quoted_sql(a, e), NULL);
            }
            if (resolve_agg(a, e, err)) return -1;
        } else {
            cn_type ct;
            if (cast_alias(n, &ct)) {
                /* Spark's castAlias: int(x), date(x), decimal(x)... a Cast not tagged as user-written,
                 * so generated names show only the argument */
                if (nargs != 1) return err_wrong_args(err, n, nargs, "1");
                if (cn_expr_cast(a, args[0], ct, false, &e, err)) return -1;
                e->implicit = true;
                span(e, args, nargs);
                *out = e;
                return 0;
            }
            int f = func_lookup(n);
            if (nargs == 1 && (!strcmp(n, "-") || !strcmp(n, "+"))) f = n[0] == '-' ? CN_FN_NEG : CN_FN_POS;
            if (f < 0) {
                char rq[80];
                snprintf(rq, sizeof rq, "`%s`", n);
                return cn_error_set(err, "UNRESOLVED_ROUTINE", "routineName", rq, "searchPath",
                                    "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]", NULL);
            }
            const char *expected = NULL;
            if (!arity_ok(f, nargs, &expected)) return err_wrong_args(err, n, nargs, expected);
            bool alias = strcmp(n, func_names[f]) != 0 && strcmp(n, "negative") && strcmp(n, "positive") &&
                         strcmp(n, "-") && strcmp(n, "+");
            e = shell(a, CN_EX_CALL, f, alias ? cn_arena_strdup(a, n) : NULL, args, nargs);
            if (!strncmp(n, "try_", 4)) e->try_ = true;
            if (resolve_scalar(a, e, err)) return -1;
        }
    }
    span(e, args, nargs);
    *out = e;
    return 0;
}

int cn_expr_case(cn_arena *a, cn_expr **whens, cn_expr **thens, int n, cn_expr *else_, cn_expr **out, cn_error *err)
{
    int nargs = 2 * n + (else_ ? 1 : 0);
    cn_expr *e = cn_expr_new(a, CN_EX_CASE, cn_type_of(CN_NULL), nargs);
    for (int i = 0; i < n; i++) {
        e->args[2 * i] = whens[i];
        e->args[2 * i + 1] = thens[i];
    }
    if (else_) e->args[2 * n] = else_;
    e->has_else = else_ != NULL;
    for (int i = 0; i < n; i++)
        if (want_bool(a, err, e, 2 * i)) return -1;
    /* result type: wider of thens and else */
    int nv = n + (else_ ? 1 : 0);
    cn_expr **vals = cn_arena_alloc(a, sizeof(cn_expr *) * (size_t)(nv + 1));
    for (int i = 0; i < n; i++) vals[i] = e->args[2 * i + 1];
    if (else_) vals[n] = else_;
    cn_type t;
    if (!wider_list(vals, nv, &t)) {
        cn_strbuf sb;
        cn_sb_init(&sb);
        cn_sb_putc(&sb, '[');
        for (int i = 0; i < nv; i++) {
            if (i) cn_sb_puts(&sb, ", ");
            cn_sb_puts(&sb, ex_quoted_type(a, vals[i]->type));
        }
        cn_sb_putc(&sb, ']');
        int r = cn_error_set(err, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "dataType", sb.s, "functionName", "`casewhen`",
                             "sqlExpr", ex_quoted_sql(a, e), NULL);
        cn_sb_free(&sb);
        return r;
    }
    e->nullable = !else_;
    for (int i = 0; i < n; i++) {
        e->args[2 * i + 1] = cn_expr_coerce(a, e->args[2 * i + 1], t);
        if (e->args[2 * i + 1]->nullable) e->nullable = true;
    }
    if (else_) {
        e->args[2 * n] = cn_expr_coerce(a, else_, t);
        if (else_->nullable) e->nullable = true;
    }
    e->type = t;
    span(e, e->args, nargs);
    *out = e;
    return 0;
}

/* ---- inspection and rewriting ---------------------------------------------------------- */

cn_expr *cn_expr_copy(cn_arena *a, const cn_expr *e)
{
    if (!e) return NULL;
    cn_expr *c = cn_arena_alloc(a, sizeof *c);
    *c = *e;
    if (e->nargs > 0) {
        c->args = cn_arena_alloc(a, sizeof(cn_expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++) c->args[i] = cn_expr_copy(a, e->args[i]);
    }
    if (e->name) c->name = cn_arena_strdup(a, e->name);
    if (e->qualifier) c->qualifier = cn_arena_strdup(a, e->qualifier);
    if (e->kind == CN_EX_LIT && !e->lit.is_null && cn_type_phys(e->type) == CN_PHYS_STR) c->lit.v.s = cn_str_copy(a, e->lit.v.s);
    if (e->kind == CN_EX_LIKE) {
        /* recompile the literal pattern into the copy's arena (else per batch) */
        c->subq = NULL;
        const cn_expr *pe = c->args[1];
        if (pe->kind == CN_EX_LIT && !pe->lit.is_null) {
            cn_error tmp;
            cn_error_init(&tmp);
            c->subq = ex_like_compile(a, cn_str_data(&pe->lit.v.s), pe->lit.v.s.len, c->escape, &tmp);
            cn_error_clear(&tmp);
        }
    }
    return c;
}

static bool value_equal(const cn_value *x, const cn_value *y)
{
    if (!cn_type_eq(x->type, y->type) || x->is_null != y->is_null) return false;
    if (x->is_null) return true;
    switch (cn_type_phys(x->type)) {
    case CN_PHYS_STR: return cn_str_eq(&x->v.s, &y->v.s);
    case CN_PHYS_F32:
    case CN_PHYS_F64: return memcmp(&x->v.f, &y->v.f, sizeof(double)) == 0;
    case CN_PHYS_I128: return x->v.d == y->v.d;
    case CN_PHYS_U8: return x->v.b == y->v.b;
    default: return x->v.i == y->v.i;
    }
}

bool cn_expr_equal(const cn_expr *a, const cn_expr *b)
{
    if (a == b) return true;
    if (!a || !b) return false;
    if (a->kind != b->kind || !cn_type_eq(a->type, b->type) || a->nargs != b->nargs) return false;
    switch (a->kind) {
    case CN_EX_COL: return a->id == b->id;
    case CN_EX_LIT: return value_equal(&a->lit, &b->lit);
    case CN_EX_CALL:
    case CN_EX_AGG:
        if (a->func != b->func || a->try_ != b->try_ || a->distinct != b->distinct || a->is_star != b->is_star) return false;
        break;
    case CN_EX_CAST:
        if (a->try_ != b->try_) return false;
        break;
    case CN_EX_CASE:
        if (a->has_else != b->has_else) return false;
        break;
    case CN_EX_LIKE:
        if (a->escape != b->escape) return false;
        break;
    case CN_EX_SUBQUERY:
        return a->subq_id == b->subq_id && a->subq == b->subq;
    default: break;
    }
    for (int i = 0; i < a->nargs; i++)
        if (!cn_expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

static bool has_kind(const cn_expr *e, cn_expr_kind kind)
{
    if (!e) return false;
    if (e->kind == kind) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_kind(e->args[i], kind)) return true;
    return false;
}

bool cn_expr_has_agg(const cn_expr *e) { return has_kind(e, CN_EX_AGG); }
bool cn_expr_has_subquery(const cn_expr *e) { return has_kind(e, CN_EX_SUBQUERY); }

bool cn_expr_is_deterministic(const cn_expr *e)
{
    if (!e) return true;
    if (e->kind == CN_EX_SUBQUERY) return false;
    if (e->kind == CN_EX_CALL && e->func == CN_FN_RAND) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!cn_expr_is_deterministic(e->args[i])) return false;
    return true;
}

bool cn_expr_is_foldable(const cn_expr *e)
{
    if (!e) return true;
    switch (e->kind) {
    case CN_EX_COL: case CN_EX_AGG: case CN_EX_SUBQUERY: case CN_EX_SORT_KEY: return false;
    case CN_EX_CALL:
        if (e->func == CN_FN_CURRENT_DATE || e->func == CN_FN_CURRENT_TIMESTAMP || e->func == CN_FN_RAND) return false;
        break;
    default: break;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!cn_expr_is_foldable(e->args[i])) return false;
    return true;
}

void cn_expr_visit_cols(const cn_expr *e, void (*fn)(void *ud, const cn_expr *col), void *ud)
{
    if (!e) return;
    if (e->kind == CN_EX_COL) fn(ud, e);
    for (int i = 0; i < e->nargs; i++) cn_expr_visit_cols(e->args[i], fn, ud);
}

bool cn_expr_refs_subset(const cn_expr *e, const int64_t *ids, int n)
{
    if (!e) return true;
    if (e->kind == CN_EX_COL) {
        for (int i = 0; i < n; i++)
            if (ids[i] == e->id) return true;
        return false;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!cn_expr_refs_subset(e->args[i], ids, n)) return false;
    return true;
}

int cn_expr_bind(cn_expr *e, const int64_t *ids, int n, cn_error *err)
{
    if (!e) return 0;
    if (e->kind == CN_EX_COL) {
        e->index = -1;
        for (int i = 0; i < n; i++)
            if (ids[i] == e->id) { e->index = i; break; }
        if (e->index < 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "Couldn't find %s#%lld in the input", e->name ? e->name : "?", (long long)e->id);
            return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
        }
        return 0;
    }
    for (int i = 0; i < e->nargs; i++)
        if (cn_expr_bind(e->args[i], ids, n, err)) return -1;
    return 0;
}

void cn_expr_split_and(cn_expr *e, cn_expr ***out, int *n, int *cap)
{
    if (!e) return;
    if (e->kind == CN_EX_AND) {
        cn_expr_split_and(e->args[0], out, n, cap);
        cn_expr_split_and(e->args[1], out, n, cap);
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *out = cn_xrealloc(*out, sizeof(cn_expr *) * (size_t)*cap);
    }
    (*out)[(*n)++] = e;
}

cn_expr *cn_expr_and_all(cn_arena *a, cn_expr **conj, int n)
{
    if (n <= 0) return NULL;
    if (n > 64) {
        /* Spark's left-deep chain for the usual few conjuncts; halves joined by one AND for
         * many (conjuncts split out of a balanced tree must not become a chain that deep) */
        cn_expr *x = cn_expr_new(a, CN_EX_AND, cn_type_of(CN_BOOLEAN), 2);
        x->args[0] = cn_expr_and_all(a, conj, n / 2);
        x->args[1] = cn_expr_and_all(a, conj + n / 2, n - n / 2);
        x->nullable = x->args[0]->nullable || x->args[1]->nullable;
        return x;
    }
    cn_expr *acc = conj[0];
    for (int i = 1; i < n; i++) {
        cn_expr *x = cn_expr_new(a, CN_EX_AND, cn_type_of(CN_BOOLEAN), 2);
        x->args[0] = acc;
        x->args[1] = conj[i];
        x->nullable = acc->nullable || conj[i]->nullable;
        acc = x;
    }
    return acc;
}

/* ---- validation of deserialized nodes ------------------------------------------------ */

/* Re-run resolution on a shell of a CALL node: the arguments must already have the
 * coerced types (no cast would be inserted) and the result type must agree. */
int ex_validate_call(cn_arena *a, const cn_expr *e, cn_error *err)
{
    const char *expected = NULL;
    if (e->func < 0 || e->func >= CN_FN_COUNT || !arity_ok(e->func, e->nargs, &expected))
        return cn_error_set(err, "INTERNAL_ERROR", "message", "corrupt expression: bad function or arity", NULL);
    cn_expr *s = shell(a, CN_EX_CALL, e->func, e->name, e->args, e->nargs);
    s->try_ = e->try_;
    cn_error tmp;
    cn_error_init(&tmp);
    int rc = resolve_scalar(a, s, &tmp);
    cn_error_clear(&tmp);
    bool ok = rc == 0 && s->func == e->func && cn_type_eq(s->type, e->type);
    for (int i = 0; ok && i < e->nargs; i++)
        if (s->args[i] != e->args[i]) ok = false;
    if (!ok) return cn_error_set(err, "INTERNAL_ERROR", "message", "corrupt expression: inconsistent types", NULL);
    return 0;
}
