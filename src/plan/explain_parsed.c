/*
 * explain_parsed.c — the "== Parsed Logical Plan ==" section of EXPLAIN EXTENDED.
 *
 * Spark prints the unresolved plan the parser builds: names not yet bound are
 * quoted with a leading apostrophe ('Project ['a, 'sum('b) AS s#], 'Filter,
 * 'UnresolvedRelation [t], [], false). Cinder's parser builds a syntax tree,
 * not an unresolved plan, so this file renders the tree in that plan form:
 * a SELECT block becomes 'Project or 'Aggregate over 'Filter over its FROM
 * relations, with 'Sort and 'GlobalLimit / 'LocalLimit above, joins as
 * 'Join, set operations as 'Union / 'Intersect / 'Except, CTEs as
 * 'UnresolvedWith. Unaliased select items print as unresolvedalias(...).
 */
#include "plan/physical.h"

#include <strings.h>

static void expr(cn_strbuf *sb, const cn_ast *e);

static void list(cn_strbuf *sb, const cn_ast_list *l, const char *sep)
{
    for (int i = 0; i < l->n; i++) {
        if (i) cn_sb_puts(sb, sep);
        expr(sb, l->items[i]);
    }
}

static void name(cn_strbuf *sb, const cn_name *n)
{
    cn_sb_putc(sb, '\'');
    for (int i = 0; i < n->n; i++) {
        if (i) cn_sb_putc(sb, '.');
        cn_sb_puts(sb, n->parts[i]);
    }
}

static void lit(cn_strbuf *sb, const cn_ast *e)
{
    switch (e->u.lit.kind) {
    case LIT_NULL: cn_sb_puts(sb, "null"); break;
    case LIT_BOOL: cn_sb_puts(sb, e->u.lit.val ? "true" : "false"); break;
    case LIT_STRING: cn_sb_puts(sb, e->u.lit.text); break;
    default:
        cn_sb_puts(sb, e->u.lit.text);
        if (e->u.lit.suffix == 'B') cn_sb_puts(sb, "BD");
        else if (e->u.lit.suffix) cn_sb_putc(sb, e->u.lit.suffix);
        break;
    }
}

static void expr(cn_strbuf *sb, const cn_ast *e)
{
    if (!e) return;
    switch (e->kind) {
    case AST_LITERAL: lit(sb, e); break;
    case AST_COLUMN: name(sb, &e->u.name); break;
    case AST_STAR:
        if (e->u.star.qualifier.n) {
            name(sb, &e->u.star.qualifier);
            cn_sb_puts(sb, ".*");
        } else {
            cn_sb_putc(sb, '*');
        }
        break;
    case AST_FUNC:
        cn_sb_printf(sb, "'%s(", e->u.func.name);
        if (e->u.func.distinct) cn_sb_puts(sb, "distinct ");
        if (e->u.func.is_star) cn_sb_putc(sb, '*');
        list(sb, &e->u.func.args, ", ");
        cn_sb_putc(sb, ')');
        break;
    case AST_BINARY:
        cn_sb_putc(sb, '(');
        expr(sb, e->u.binary.l);
        cn_sb_printf(sb, " %s ", strcasecmp(e->u.binary.op, "and") == 0  ? "AND"
                                 : strcasecmp(e->u.binary.op, "or") == 0 ? "OR"
                                                                         : e->u.binary.op);
        expr(sb, e->u.binary.r);
        cn_sb_putc(sb, ')');
        break;
    case AST_UNARY:
        if (strcasecmp(e->u.unary.op, "not") == 0) {
            cn_sb_puts(sb, "NOT ");
            expr(sb, e->u.unary.arg);
        } else {
            cn_sb_printf(sb, "%s", e->u.unary.op);
            expr(sb, e->u.unary.arg);
        }
        break;
    case AST_CASE:
        cn_sb_puts(sb, "CASE");
        if (e->u.case_.operand) {
            cn_sb_putc(sb, ' ');
            expr(sb, e->u.case_.operand);
        }
        for (int i = 0; i < e->u.case_.whens.n; i++) {
            cn_sb_puts(sb, " WHEN ");
            expr(sb, e->u.case_.whens.items[i]);
            cn_sb_puts(sb, " THEN ");
            expr(sb, e->u.case_.thens.items[i]);
        }
        if (e->u.case_.else_) {
            cn_sb_puts(sb, " ELSE ");
            expr(sb, e->u.case_.else_);
        }
        cn_sb_puts(sb, " END");
        break;
    case AST_CAST:
        cn_sb_printf(sb, "%s(", e->u.cast.is_try ? "try_cast" : "cast");
        expr(sb, e->u.cast.arg);
        cn_sb_printf(sb, " as %s)", e->u.cast.type);
        break;
    case AST_IN_LIST:
        expr(sb, e->u.in.arg);
        cn_sb_puts(sb, e->u.in.negated ? " NOT IN (" : " IN (");
        list(sb, &e->u.in.list, ",");
        cn_sb_putc(sb, ')');
        break;
    case AST_IN_SUBQUERY:
        expr(sb, e->u.in.arg);
        cn_sb_puts(sb, e->u.in.negated ? " NOT IN (list#)" : " IN (list#)");
        break;
    case AST_EXISTS: cn_sb_puts(sb, e->u.sub.negated ? "NOT exists#" : "exists#"); break;
    case AST_SCALAR_SUBQUERY: cn_sb_puts(sb, "scalar-subquery#"); break;
    case AST_BETWEEN:
        cn_sb_putc(sb, '(');
        expr(sb, e->u.between.arg);
        cn_sb_puts(sb, e->u.between.negated ? " NOT BETWEEN " : " BETWEEN ");
        expr(sb, e->u.between.lo);
        cn_sb_puts(sb, " AND ");
        expr(sb, e->u.between.hi);
        cn_sb_putc(sb, ')');
        break;
    case AST_LIKE:
        if (e->u.like.negated) cn_sb_puts(sb, "NOT ");
        expr(sb, e->u.like.arg);
        cn_sb_printf(sb, " %s ", e->u.like.op[0] ? e->u.like.op : "LIKE");
        expr(sb, e->u.like.pattern);
        break;
    case AST_IS:
        cn_sb_putc(sb, '(');
        expr(sb, e->u.is.arg);
        cn_sb_puts(sb, e->u.is.negated ? " IS NOT " : " IS ");
        switch (e->u.is.what) {
        case IS_NULL_: cn_sb_puts(sb, "NULL"); break;
        case IS_TRUE_: cn_sb_puts(sb, "TRUE"); break;
        case IS_FALSE_: cn_sb_puts(sb, "FALSE"); break;
        case IS_UNKNOWN_: cn_sb_puts(sb, "UNKNOWN"); break;
        case IS_DISTINCT_FROM_:
            cn_sb_puts(sb, "DISTINCT FROM ");
            expr(sb, e->u.is.other);
            break;
        }
        cn_sb_putc(sb, ')');
        break;
    case AST_EXTRACT:
        cn_sb_printf(sb, "'extract(%s FROM ", e->u.extract.field);
        expr(sb, e->u.extract.arg);
        cn_sb_putc(sb, ')');
        break;
    case AST_TYPED_LITERAL: cn_sb_printf(sb, "%s", e->u.typed.text); break;
    case AST_INTERVAL:
        cn_sb_puts(sb, "INTERVAL");
        for (int i = 0; i < e->u.interval.n; i++)
            cn_sb_printf(sb, " '%s' %s", e->u.interval.values[i],
                         e->u.interval.units[i] ? e->u.interval.units[i] : "");
        break;
    case AST_PAREN_LIST:
        cn_sb_puts(sb, "named_struct(");
        list(sb, &e->u.list, ", ");
        cn_sb_putc(sb, ')');
        break;
    default: cn_sb_puts(sb, "?"); break;
    }
}

/* ---------------------------------------------------------------- the tree */

typedef struct pnode {
    cn_strbuf line;
    int nkids;
    struct pnode *kids[2];
    struct pnode **many; /* unions */
} pnode;

static pnode *pn(cn_arena *a)
{
    pnode *n = cn_arena_calloc(a, sizeof *n);
    cn_sb_init(&n->line);
    return n;
}

static pnode *query(cn_arena *a, const cn_ast *q);

static pnode *relation(cn_arena *a, const cn_ast *r)
{
    pnode *n = pn(a);
    switch (r->kind) {
    case AST_TABLE:
        cn_sb_puts(&n->line, "'UnresolvedRelation [");
        for (int i = 0; i < r->u.table.name.n; i++) cn_sb_printf(&n->line, "%s%s", i ? ", " : "", r->u.table.name.parts[i]);
        cn_sb_puts(&n->line, "], [], false");
        if (r->u.table.alias) {
            pnode *al = pn(a);
            cn_sb_printf(&al->line, "'SubqueryAlias %s", r->u.table.alias);
            al->nkids = 1;
            al->kids[0] = n;
            return al;
        }
        return n;
    case AST_SUBQUERY_REL:
        cn_sb_printf(&n->line, "'SubqueryAlias %s", r->u.subrel.alias ? r->u.subrel.alias : "__auto_generated_subquery_name");
        n->nkids = 1;
        n->kids[0] = query(a, r->u.subrel.query);
        return n;
    case AST_JOIN: {
        static const char *names[] = {"Inner", "LeftOuter", "RightOuter", "FullOuter", "LeftSemi", "LeftAnti", "Cross"};
        cn_join_type t = r->u.join.type;
        cn_sb_printf(&n->line, "'Join %s%s", r->u.join.nusing ? "UsingJoin(" : "",
                     (t == JOIN_CROSS && r->u.join.on) ? "Inner" : names[t]);
        if (r->u.join.nusing) {
            cn_sb_puts(&n->line, ", [");
            for (int i = 0; i < r->u.join.nusing; i++) cn_sb_printf(&n->line, "%s%s", i ? ", " : "", r->u.join.using_[i]);
            cn_sb_puts(&n->line, "])");
        }
        if (r->u.join.on) {
            cn_sb_puts(&n->line, ", ");
            expr(&n->line, r->u.join.on);
        }
        n->nkids = 2;
        n->kids[0] = relation(a, r->u.join.left);
        n->kids[1] = relation(a, r->u.join.right);
        return n;
    }
    case AST_VALUES:
        cn_sb_printf(&n->line, "'UnresolvedInlineTable [");
        for (int i = 0; i < r->u.values.ncols; i++) cn_sb_printf(&n->line, "%s%s", i ? ", " : "", r->u.values.cols[i]);
        cn_sb_printf(&n->line, "], %d rows", r->u.values.nrows);
        if (r->u.values.alias) {
            pnode *al = pn(a);
            cn_sb_printf(&al->line, "'SubqueryAlias %s", r->u.values.alias);
            al->nkids = 1;
            al->kids[0] = n;
            return al;
        }
        return n;
    default: return query(a, r);
    }
}

static void select_items(cn_strbuf *sb, const cn_ast *s)
{
    cn_sb_putc(sb, '[');
    for (int i = 0; i < s->u.select.nitems; i++) {
        const cn_select_item *it = &s->u.select.items[i];
        if (i) cn_sb_puts(sb, ", ");
        if (it->alias) {
            expr(sb, it->expr);
            cn_sb_printf(sb, " AS %s#", it->alias);
        } else if (it->expr->kind == AST_COLUMN || it->expr->kind == AST_STAR) {
            expr(sb, it->expr);
        } else {
            cn_sb_puts(sb, "unresolvedalias(");
            expr(sb, it->expr);
            cn_sb_putc(sb, ')');
        }
    }
    cn_sb_putc(sb, ']');
}

static pnode *select_block(cn_arena *a, const cn_ast *s)
{
    pnode *from = s->u.select.from ? relation(a, s->u.select.from) : NULL;
    if (!from) {
        from = pn(a);
        cn_sb_puts(&from->line, "OneRowRelation");
    }
    pnode *below = from;
    if (s->u.select.where) {
        pnode *f = pn(a);
        cn_sb_puts(&f->line, "'Filter ");
        expr(&f->line, s->u.select.where);
        f->nkids = 1;
        f->kids[0] = below;
        below = f;
    }
    pnode *top = pn(a);
    bool agg = s->u.select.group_by.n || s->u.select.group_by_all;
    if (agg) {
        cn_sb_puts(&top->line, "'Aggregate [");
        if (s->u.select.group_by_all) cn_sb_puts(&top->line, "ALL");
        list(&top->line, &s->u.select.group_by, ", ");
        cn_sb_puts(&top->line, "], ");
    } else {
        cn_sb_puts(&top->line, "'Project ");
    }
    select_items(&top->line, s);
    top->nkids = 1;
    top->kids[0] = below;
    if (s->u.select.distinct) {
        pnode *d = pn(a);
        cn_sb_puts(&d->line, "'Distinct");
        d->nkids = 1;
        d->kids[0] = top;
        top = d;
    }
    if (s->u.select.having) {
        pnode *h = pn(a);
        cn_sb_puts(&h->line, "'UnresolvedHaving ");
        expr(&h->line, s->u.select.having);
        h->nkids = 1;
        h->kids[0] = top;
        top = h;
    }
    return top;
}

/* 'Sort [k ASC NULLS FIRST, ...], global */
static pnode *sort_node(cn_arena *a, pnode *child, const cn_sort_item *items, int n, bool global)
{
    pnode *s = pn(a);
    cn_sb_puts(&s->line, "'Sort [");
    for (int i = 0; i < n; i++) {
        const cn_sort_item *o = &items[i];
        bool nf = o->nulls == 1 || (o->nulls == 0 && !o->desc);
        if (i) cn_sb_puts(&s->line, ", ");
        expr(&s->line, o->expr);
        cn_sb_printf(&s->line, " %s NULLS %s", o->desc ? "DESC" : "ASC", nf ? "FIRST" : "LAST");
    }
    cn_sb_printf(&s->line, "], %s", global ? "true" : "false");
    s->nkids = 1;
    s->kids[0] = child;
    return s;
}

static pnode *query(cn_arena *a, const cn_ast *q)
{
    switch (q->kind) {
    case AST_SELECT: return select_block(a, q);
    case AST_VALUES: return relation(a, q);
    case AST_SETOP: {
        static const char *names[] = {"'Union", "'Intersect", "'Except"};
        pnode *n = pn(a);
        cn_sb_printf(&n->line, "%s%s", names[q->u.setop.op], q->u.setop.all ? " All" : "");
        if (q->u.setop.op == SETOP_UNION) cn_sb_printf(&n->line, " false, false");
        n->nkids = 2;
        n->kids[0] = query(a, q->u.setop.l);
        n->kids[1] = query(a, q->u.setop.r);
        if (q->u.setop.op == SETOP_UNION && !q->u.setop.all) {
            pnode *d = pn(a);
            cn_sb_puts(&d->line, "'Distinct");
            d->nkids = 1;
            d->kids[0] = n;
            return d;
        }
        return n;
    }
    case AST_QUERY: {
        pnode *n = query(a, q->u.query.body);
        if (q->u.query.norder) n = sort_node(a, n, q->u.query.order, q->u.query.norder, true);
        if (q->u.query.distribute_by.n) {
            pnode *r = pn(a);
            cn_sb_puts(&r->line, "'RepartitionByExpression [");
            for (int i = 0; i < q->u.query.distribute_by.n; i++) {
                if (i) cn_sb_puts(&r->line, ", ");
                expr(&r->line, q->u.query.distribute_by.items[i]);
            }
            cn_sb_putc(&r->line, ']');
            r->nkids = 1;
            r->kids[0] = n;
            n = r;
        }
        if (q->u.query.nsort_by) n = sort_node(a, n, q->u.query.sort_by, q->u.query.nsort_by, false);
        if (q->u.query.offset) {
            pnode *o = pn(a);
            cn_sb_puts(&o->line, "'Offset ");
            expr(&o->line, q->u.query.offset);
            o->nkids = 1;
            o->kids[0] = n;
            n = o;
        }
        if (q->u.query.limit) {
            pnode *l = pn(a), *g = pn(a);
            cn_sb_puts(&l->line, "'LocalLimit ");
            expr(&l->line, q->u.query.limit);
            l->nkids = 1;
            l->kids[0] = n;
            cn_sb_puts(&g->line, "'GlobalLimit ");
            expr(&g->line, q->u.query.limit);
            g->nkids = 1;
            g->kids[0] = l;
            n = g;
        }
        if (q->u.query.nctes) {
            pnode *w = pn(a);
            cn_sb_puts(&w->line, "'UnresolvedWith [");
            for (int i = 0; i < q->u.query.nctes; i++)
                cn_sb_printf(&w->line, "%s%s", i ? ", " : "", q->u.query.ctes[i].name);
            cn_sb_putc(&w->line, ']');
            w->nkids = 1;
            w->kids[0] = n;
            n = w;
        }
        return n;
    }
    case AST_QUERY_STMT: return query(a, q->u.stmt.query);
    default: {
        pnode *n = pn(a);
        cn_sb_puts(&n->line, "'UnresolvedPlan");
        return n;
    }
    }
}

static void draw(cn_strbuf *sb, pnode *n, cn_strbuf *prefix)
{
    cn_sb_puts(sb, n->line.s ? n->line.s : "");
    cn_sb_putc(sb, '\n');
    cn_sb_free(&n->line);
    for (int i = 0; i < n->nkids; i++) {
        bool last = i == n->nkids - 1;
        size_t keep = prefix->len;
        cn_sb_puts(sb, prefix->s ? prefix->s : "");
        cn_sb_puts(sb, last ? "+- " : ":- ");
        cn_sb_puts(prefix, last ? "   " : ":  ");
        draw(sb, n->kids[i], prefix);
        prefix->len = keep;
        if (prefix->s) prefix->s[keep] = 0;
    }
}

void cn_ast_explain(const cn_ast *q, cn_strbuf *sb)
{
    cn_arena *a = cn_arena_new("explain-parsed", NULL);
    pnode *root = query(a, q);
    cn_strbuf prefix;
    cn_sb_init(&prefix);
    draw(sb, root, &prefix);
    cn_sb_free(&prefix);
    cn_arena_free(a);
}
