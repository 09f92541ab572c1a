/*
 * session.c — a session runs SQL statements end to end.
 *
 * One statement: parse (sql/) → for queries, analyze and optimize (plan/) →
 * run uncorrelated scalar subqueries first and substitute their values (as
 * Spark's ScalarSubquery does) → physical planning → the scheduler runs the
 * job and collects result batches. Commands (SET, CREATE VIEW, CACHE TABLE,
 * SHOW TABLES, DESCRIBE, EXPLAIN, ...) are executed here and return their
 * output as a small result table, with Spark's column names.
 *
 * The session is where the layers meet, so it also supplies the callbacks the
 * lower layers take instead of calling upward: the analyzer's schema
 * inference for CSV views and the planner's file listing both go to io/.
 */
#include "api/session.h"

#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "io/csv.h"
#include "plan/physical.h"
#include "scheduler/scheduler.h"
#include "sql/ast.h"
#include "types/datetime.h"
#include "types/value.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

struct cn_session {
    cn_conf *conf;
    cn_conf *initial; /* the settings the session started with: RESET returns to them */
    cn_catalog *catalog;
    cn_scheduler *sched;
    int nthreads;
    cn_progress *progress;
};

/* local, local[N], local[*], local[N,F], local[*,F]: N task threads; F attempts per task
 * (Spark's local mode does not retry unless F is given). */
static int parse_master(const char *m, int *n, int *max_failures)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    *max_failures = 1;
    if (!m || strcmp(m, "local") == 0) {
        *n = 1;
        return 0;
    }
    if (strncmp(m, "local[", 6) != 0) return -1;
    const char *p = m + 6;
    char *end;
    if (*p == '*') {
        *n = (int)cores;
        end = (char *)p + 1;
    } else {
        long v = strtol(p, &end, 10);
        if (end == p || v <= 0 || v > 4096) return -1;
        *n = (int)v;
    }
    if (*end == ',') {
        p = end + 1;
        long f = strtol(p, &end, 10);
        if (end == p || f <= 0) return -1;
        *max_failures = (int)f;
    }
    return (end[0] == ']' && end[1] == 0) ? 0 : -1;
}

cn_session *cn_session_new(const cn_conf *conf, cn_error *err)
{
    /* the registry checks time zones with types/ from now on; settings made before (--conf,
     * cinder-defaults.conf) are checked again here */
    cn_conf_set_zone_check(cn_tz_valid);
    if (conf && cn_conf_validate(conf, err) != 0) return NULL;
    cn_session *s = cn_xcalloc(1, sizeof *s);
    s->conf = conf ? cn_conf_copy(conf) : cn_conf_new();
    s->initial = NULL;
    const char *master = cn_conf_get(s->conf, "spark.master");
    int max_failures;
    if (parse_master(master, &s->nthreads, &max_failures) != 0) {
        cn_error_set(err, "INVALID_CONF_VALUE", "confValue", master, "confName", "spark.master", NULL);
        cn_conf_free(s->conf);
        cn_conf_free(s->initial);
        free(s);
        return NULL;
    }
    /* local mode: task attempts come from local[N,F] unless spark.task.maxFailures is set
     * explicitly (a Cinder extension: Spark ignores that key in local mode) */
    if (!cn_conf_is_set(s->conf, "spark.task.maxFailures")) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", max_failures);
        cn_conf_set(s->conf, "spark.task.maxFailures", buf, err);
    }
    /* Spark's session time zone defaults to the machine's zone */
    if (!cn_conf_is_set(s->conf, "spark.sql.session.timeZone"))
        cn_conf_set(s->conf, "spark.sql.session.timeZone", cn_tz_default(), err);
    s->initial = cn_conf_copy(s->conf);
    s->catalog = cn_catalog_new();
    s->sched = cn_scheduler_new(s->conf, s->nthreads, err);
    if (!s->sched) {
        cn_catalog_free(s->catalog);
        cn_conf_free(s->conf);
        cn_conf_free(s->initial);
        free(s);
        return NULL;
    }
    return s;
}

void cn_session_free(cn_session *s)
{
    if (!s) return;
    cn_catalog_free(s->catalog);
    cn_scheduler_free(s->sched);
    cn_progress_free(s->progress);
    cn_conf_free(s->conf);
    cn_conf_free(s->initial);
    free(s);
}

void cn_session_enable_progress(cn_session *s)
{
    if (s->progress) return;
    s->progress = cn_progress_new();
    cn_scheduler_add_listener(s->sched, cn_progress_listener, s->progress);
}

cn_conf *cn_session_conf(cn_session *s) { return s->conf; }
void cn_session_cancel(cn_session *s) { cn_scheduler_cancel(s->sched); }
void cn_session_add_listener(cn_session *s, cn_listener_fn fn, void *ud) { cn_scheduler_add_listener(s->sched, fn, ud); }

void cn_result_free(cn_result *r)
{
    if (!r) return;
    cn_arena_free(r->arena);
    free(r);
}

static cn_result *result_new(void)
{
    cn_result *r = cn_xcalloc(1, sizeof *r);
    r->arena = cn_arena_new("result", NULL);
    r->schema = cn_schema_new(r->arena, 0);
    return r;
}

/* A small result table of strings/booleans built row by row (command output). */
typedef struct table_builder {
    cn_result *r;
    int ncols;
    cn_type *types;
    cn_batch *cur;
} table_builder;

static void tb_init(table_builder *tb, cn_result *r, int ncols, const char **names, const cn_type *types)
{
    tb->r = r;
    tb->ncols = ncols;
    r->schema = cn_schema_new(r->arena, ncols);
    tb->types = cn_arena_alloc(r->arena, sizeof(cn_type) * (size_t)(ncols + 1));
    for (int i = 0; i < ncols; i++) {
        r->schema->fields[i].name = cn_arena_strdup(r->arena, names[i]);
        r->schema->fields[i].type = types[i];
        r->schema->fields[i].nullable = true;
        tb->types[i] = types[i];
    }
    tb->cur = NULL;
}

/* Add a row: values as text (NULL = SQL NULL); booleans "true"/"false". */
static void tb_row(table_builder *tb, const char **vals)
{
    cn_result *r = tb->r;
    if (!tb->cur || tb->cur->count == CN_BATCH_SIZE) {
        tb->cur = cn_batch_new(r->arena, tb->ncols, tb->types, CN_BATCH_SIZE);
        tb->cur->count = 0;
        cn_batch **nb = cn_arena_alloc(r->arena, sizeof(cn_batch *) * (size_t)(r->nbatches + 1));
        if (r->nbatches) memcpy(nb, r->batches, sizeof(cn_batch *) * (size_t)r->nbatches);
        nb[r->nbatches++] = tb->cur;
        r->batches = nb;
    }
    int row = tb->cur->count++;
    for (int c = 0; c < tb->ncols; c++) {
        cn_vector *v = &tb->cur->cols[c];
        if (!vals[c]) {
            cn_vec_set_null(v, row, r->arena);
            continue;
        }
        if (tb->types[c].kind == CN_BOOLEAN) {
            ((uint8_t *)v->data)[row] = strcmp(vals[c], "true") == 0;
        } else {
            char *copy = cn_arena_strdup(r->arena, vals[c]);
            ((cn_str *)v->data)[row] = cn_str_view(copy, (uint32_t)strlen(copy));
        }
        cn_vec_set_valid(v, row);
    }
    r->nrows++;
}

/* ------------------------------------------------------------ callbacks */

static const char *source_path(const cn_view *v) { return cn_source_option(v->source, "path"); }

static int csv_options_of(const cn_source *src, cn_arena *a, cn_csv_options *o, cn_error *err)
{
    return cn_csv_options_parse(o, src->noptions, src->keys, src->values, a, err);
}

static int session_list_files(void *ud, cn_view *v, cn_arena *a, char ***files, int64_t **sizes, bool **splittable,
                              int *n, cn_error *err)
{
    CN_UNUSED(ud);
    const char *path = source_path(v);
    if (!path) return cn_error_setf_detail(err, "INTERNAL_ERROR", "view %s has no path option", v->display);
    cn_csv_options o;
    if (csv_options_of(v->source, a, &o, err) != 0 || cn_list_files(path, a, files, sizes, n, err) != 0) return -1;
    *splittable = cn_arena_alloc(a, sizeof(bool) * (size_t)(*n + 1));
    for (int i = 0; i < *n; i++) (*splittable)[i] = cn_csv_splittable(&o, (*files)[i]);
    return 0;
}

/* Infer the schema of a data-source view (CREATE VIEW ... USING csv without columns). */
static int session_resolve_source(void *ud, cn_view *v, cn_error *err)
{
    CN_UNUSED(ud);
    cn_source *src = v->source;
    if (src->schema) return 0;
    if (strcasecmp(src->format, "csv") != 0)
        return cn_error_set(err, "UNSUPPORTED_FEATURE", "detail", "data sources other than csv", NULL);
    cn_csv_options o;
    if (csv_options_of(src, v->arena, &o, err) != 0) return -1;
    cn_csv_options_apply_conf(&o, ud ? ((cn_session *)ud)->conf : NULL);
    const char *path = source_path(v);
    if (!path) return cn_error_setf_detail(err, "INTERNAL_ERROR", "view %s has no path option", v->display);
    char **files;
    int64_t *sizes;
    int n;
    if (cn_list_files(path, v->arena, &files, &sizes, &n, err) != 0) return -1;
    return cn_csv_infer_schema(&o, n, files, v->arena, &src->schema, err);
}

static void analyze_ctx_init(cn_session *s, cn_analyze_ctx *ctx, const char *sql, cn_arena *a)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->catalog = s->catalog;
    ctx->conf = s->conf;
    ctx->case_sensitive = cn_conf_case_sensitive(s->conf);
    ctx->sql = sql;
    ctx->arena = a;
    ctx->resolve_source = session_resolve_source;
    ctx->resolve_ud = s;
}

static void plan_ctx_init(cn_session *s, cn_plan_ctx *pc, cn_arena *a)
{
    memset(pc, 0, sizeof *pc);
    pc->arena = a;
    pc->conf = s->conf;
    pc->default_parallelism = s->nthreads;
    pc->list_files = session_list_files;
    pc->list_ud = s;
}

/* ------------------------------------------------- scalar subqueries first */

static int run_plan(cn_session *s, const cn_lplan *lp, cn_arena *a, cn_batch ***batches, int *nbatches,
                    cn_pplan **pp_out, cn_error *err);

/* Execute uncorrelated scalar subqueries (left in place by the optimizer) and
 * replace each by a literal of its single value (NULL when no row). */
static int subst_expr_subqueries(cn_session *s, cn_expr *e, cn_arena *a, cn_error *err)
{
    if (!e) return 0;
    for (int i = 0; i < e->nargs; i++)
        if (subst_expr_subqueries(s, e->args[i], a, err) != 0) return -1;
    if (e->kind != CN_EX_SUBQUERY || e->subq_kind != 0) return 0;
    cn_lplan *sub = e->subq;
    cn_batch **b;
    int nb;
    if (run_plan(s, sub, a, &b, &nb, NULL, err) != 0) return -1;
    int64_t rows = 0;
    cn_value v = cn_value_null(e->type);
    for (int i = 0; i < nb; i++) {
        int live = cn_batch_live(b[i]);
        if (live > 0 && rows == 0) v = cn_value_from_vector(&b[i]->cols[0], cn_batch_row(b[i], 0));
        rows += live;
    }
    if (rows > 1) {
        cn_error_set(err, "SCALAR_SUBQUERY_TOO_MANY_ROWS", NULL);
        return -1;
    }
    if (!v.is_null && v.type.kind == CN_STRING) v.v.s = cn_str_copy(a, v.v.s);
    v.type = e->type;
    e->kind = CN_EX_LIT;
    e->lit = v;
    e->nargs = 0;
    e->subq = NULL;
    return 0;
}

static int subst_plan_subqueries(cn_session *s, cn_lplan *p, cn_arena *a, cn_error *err)
{
    for (int i = 0; i < p->nchildren; i++)
        if (subst_plan_subqueries(s, p->children[i], a, err) != 0) return -1;
    if (subst_expr_subqueries(s, p->cond, a, err) != 0) return -1;
    for (int i = 0; i < p->nexprs; i++)
        if (subst_expr_subqueries(s, p->exprs[i], a, err) != 0) return -1;
    for (int i = 0; i < p->ngroups; i++)
        if (subst_expr_subqueries(s, p->groups[i], a, err) != 0) return -1;
    for (int i = 0; i < p->norders; i++)
        if (subst_expr_subqueries(s, p->orders[i].expr, a, err) != 0) return -1;
    for (int i = 0; i < p->nfilters; i++)
        if (subst_expr_subqueries(s, p->filters[i], a, err) != 0) return -1;
    return 0;
}

/* Plan and run an optimized logical plan, collecting its batches into arena a. */
static int run_plan(cn_session *s, const cn_lplan *lp, cn_arena *a, cn_batch ***batches, int *nbatches,
                    cn_pplan **pp_out, cn_error *err)
{
    if (subst_plan_subqueries(s, (cn_lplan *)lp, a, err) != 0) return -1;
    cn_plan_ctx pc;
    plan_ctx_init(s, &pc, a);
    cn_pplan *pp;
    if (cn_plan_physical(&pc, lp, &pp, err) != 0) return -1;
    if (pp_out) *pp_out = pp;
    return cn_scheduler_collect(s->sched, s->conf, pp, a, batches, nbatches, err);
}

/* cn_analyze_ctx.materialize: optimize and run an analyzed plan (a nondeterministic CTE) and
 * return its rows as an LP_LOCAL with the plan's output attributes. */
static int session_materialize(void *ud, cn_lplan *p, cn_arena *a, cn_lplan **out, cn_error *err)
{
    cn_session *s = ud;
    cn_analyze_ctx ctx;
    analyze_ctx_init(s, &ctx, NULL, a);
    cn_lplan *opt;
    if (cn_optimize(&ctx, cn_lplan_copy(a, p), &opt, err) != 0) return -1;
    cn_batch **b;
    int nb;
    if (run_plan(s, opt, a, &b, &nb, NULL, err) != 0) return -1;
    int64_t nrows = 0;
    for (int i = 0; i < nb; i++) nrows += cn_batch_live(b[i]);
    if (nrows > INT32_MAX) return cn_error_setf_detail(err, "INTERNAL_ERROR", "CTE of %lld rows", (long long)nrows);
    cn_lplan *l = cn_lplan_new(a, LP_LOCAL, 0);
    l->nout = p->nout;
    l->out = p->out;
    l->nrows = (int)nrows;
    l->rows = cn_arena_calloc(a, sizeof(cn_value *) * (size_t)(nrows + 1));
    int r = 0;
    for (int i = 0; i < nb; i++)
        for (int k = 0; k < cn_batch_live(b[i]); k++, r++) {
            int row = cn_batch_row(b[i], k);
            cn_value *vals = cn_arena_calloc(a, sizeof(cn_value) * (size_t)(p->nout + 1));
            for (int c = 0; c < p->nout; c++) {
                vals[c] = cn_value_from_vector(&b[i]->cols[c], row);
                vals[c].type = p->out[c].type;
                if (!vals[c].is_null && cn_type_phys(vals[c].type) == CN_PHYS_STR) vals[c].v.s = cn_str_copy(a, vals[c].v.s);
            }
            l->rows[r] = vals;
        }
    l->est_rows = (double)nrows;
    l->est_bytes = -1;
    *out = l;
    return 0;
}

static int analyze_optimize(cn_session *s, const char *sql, const cn_ast *q, cn_arena *a, cn_lplan **analyzed,
                            cn_lplan **optimized, cn_error *err)
{
    cn_analyze_ctx ctx;
    analyze_ctx_init(s, &ctx, sql, a);
    /* a statement that runs (its optimized plan is asked for without the analyzed one; EXPLAIN
     * and view definitions ask for the analyzed plan) computes nondeterministic CTEs once */
    if (optimized && !analyzed) {
        ctx.materialize = session_materialize;
        ctx.materialize_ud = s;
    }
    cn_lplan *lp;
    if (cn_analyze(&ctx, q, &lp, err) != 0) return -1;
    if (analyzed) *analyzed = lp;
    if (!optimized) return 0;
    return cn_optimize(&ctx, lp, optimized, err);
}

/* --------------------------------------------------------------- queries */

static bool query_is_sorted(const cn_ast *q)
{
    return q && q->kind == AST_QUERY && q->u.query.norder > 0;
}

static int run_query(cn_session *s, const char *sql, const cn_ast *q, cn_result *r, cn_error *err)
{
    cn_lplan *lp;
    if (analyze_optimize(s, sql, q, r->arena, NULL, &lp, err) != 0) return -1;
    cn_batch **b;
    int nb;
    if (run_plan(s, lp, r->arena, &b, &nb, NULL, err) != 0) return -1;
    r->schema = cn_schema_new(r->arena, lp->nout);
    for (int i = 0; i < lp->nout; i++) {
        r->schema->fields[i].name = cn_arena_strdup(r->arena, lp->out[i].name);
        r->schema->fields[i].type = lp->out[i].type;
        r->schema->fields[i].nullable = lp->out[i].nullable;
    }
    r->batches = b;
    r->nbatches = nb;
    for (int i = 0; i < nb; i++) r->nrows += cn_batch_live(b[i]);
    r->is_query = true;
    r->sorted = query_is_sorted(q);
    return 0;
}

static bool has_exchange(const cn_pplan *p)
{
    if (p->kind == PP_EXCHANGE || p->kind == PP_BROADCAST_EXCHANGE) return true;
    for (int i = 0; i < p->nchildren; i++)
        if (has_exchange(p->children[i])) return true;
    for (int i = 0; i < p->ninputs; i++)
        if (has_exchange(p->inputs[i])) return true;
    return false;
}

static int run_explain(cn_session *s, const char *sql, const cn_ast *st, cn_result *r, cn_error *err)
{
    const cn_ast *q = st->u.explain.stmt;
    if (q->kind == AST_QUERY_STMT) q = q->u.stmt.query;
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_lplan *an, *opt;
    if (analyze_optimize(s, sql, q, r->arena, &an, &opt, err) != 0) {
        cn_sb_free(&sb);
        return -1;
    }
    bool extended = st->u.explain.mode == EXPLAIN_EXTENDED;
    if (extended) {
        cn_sb_puts(&sb, "== Parsed Logical Plan ==\n");
        cn_ast_explain(q, &sb);
        cn_sb_puts(&sb, "\n== Analyzed Logical Plan ==\n");
        for (int i = 0; i < an->nout; i++) {
            char tb[64];
            cn_sb_printf(&sb, "%s%s: %s", i ? ", " : "", an->out[i].name, cn_type_name(an->out[i].type, tb, sizeof tb));
        }
        cn_sb_putc(&sb, '\n');
        cn_lplan_explain(an, &sb);
        cn_sb_puts(&sb, "\n== Optimized Logical Plan ==\n");
        cn_lplan_explain(opt, &sb);
        cn_sb_putc(&sb, '\n');
    }
    /* plan without running (scalar subqueries stay as they are in the printed plan) */
    cn_plan_ctx pc;
    plan_ctx_init(s, &pc, r->arena);
    cn_pplan *pp;
    if (cn_plan_physical(&pc, opt, &pp, err) != 0) {
        cn_sb_free(&sb);
        return -1;
    }
    cn_sb_puts(&sb, "== Physical Plan ==\n");
    if (cn_conf_get_bool(s->conf, "spark.sql.adaptive.enabled") && has_exchange(pp)) {
        /* as Spark prints a plan that adaptive execution may still change */
        cn_strbuf body;
        cn_sb_init(&body);
        cn_pplan_explain(pp, &body);
        cn_sb_puts(&sb, "AdaptiveSparkPlan isFinalPlan=false\n");
        bool first = true;
        for (const char *line = body.s; line && *line;) {
            const char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            cn_sb_puts(&sb, first ? "+- " : "   ");
            cn_sb_putn(&sb, line, n);
            cn_sb_putc(&sb, '\n');
            first = false;
            line = nl ? nl + 1 : line + n;
        }
        cn_sb_free(&body);
    } else {
        cn_pplan_explain(pp, &sb);
    }
    table_builder tb;
    const char *names[] = {"plan"};
    cn_type types[] = {cn_type_of(CN_STRING)};
    tb_init(&tb, r, 1, names, types);
    const char *row[] = {sb.s};
    tb_row(&tb, row);
    cn_sb_free(&sb);
    return 0;
}

/* -------------------------------------------------------------- commands */

static char *name_last(const cn_name *n) { return n->n ? n->parts[n->n - 1] : ""; }

static int create_view(cn_session *s, const char *sql, const cn_ast *st, cn_result *r, cn_error *err)
{
    const typeof(st->u.create_view) *cv = &st->u.create_view;
    const char *name = name_last(&cv->name);
    cn_view *v = cn_view_new(name, cn_conf_case_sensitive(s->conf));
    if (cv->provider) {
        cn_source *src = cn_arena_calloc(v->arena, sizeof *src);
        src->format = cn_arena_strdup(v->arena, cv->provider);
        for (char *p = src->format; *p; p++) *p = (char)tolower((unsigned char)*p);
        src->noptions = cv->noptions;
        src->keys = cn_arena_alloc(v->arena, sizeof(char *) * (size_t)(cv->noptions + 1));
        src->values = cn_arena_alloc(v->arena, sizeof(char *) * (size_t)(cv->noptions + 1));
        for (int i = 0; i < cv->noptions; i++) {
            src->keys[i] = cn_arena_strdup(v->arena, cv->options[i].key);
            for (char *p = src->keys[i]; *p; p++) *p = (char)tolower((unsigned char)*p);
            src->values[i] = cn_arena_strdup(v->arena, cv->options[i].value ? cv->options[i].value : "");
        }
        if (cv->ncols > 0 && cv->cols[0].type) {
            src->schema = cn_schema_new(v->arena, cv->ncols);
            for (int i = 0; i < cv->ncols; i++) {
                src->schema->fields[i].name = cn_arena_strdup(v->arena, cv->cols[i].name);
                src->schema->fields[i].nullable = true;
                if (cn_type_parse(cv->cols[i].type, &src->schema->fields[i].type) != 0) {
                    cn_error_set(err, "UNSUPPORTED_DATATYPE", "typeName", cv->cols[i].type, NULL);
                    cn_view_free(v);
                    return -1;
                }
            }
        }
        v->source = src;
        if (strcasecmp(src->format, "csv") != 0) {
            cn_view_free(v);
            return cn_error_set(err, "UNSUPPORTED_FEATURE", "detail", "data sources other than csv", NULL);
        }
        /* Spark resolves the relation when the view is created: a missing path fails now */
        const char *path = source_path(v);
        if (!path) {
            cn_view_free(v);
            return cn_error_setf_detail(err, "INTERNAL_ERROR", "option 'path' is required for a csv view");
        }
        char **files;
        int64_t *sizes;
        int n;
        if (cn_list_files(path, v->arena, &files, &sizes, &n, err) != 0 || session_resolve_source(s, v, err) != 0) {
            cn_view_free(v);
            return -1;
        }
    } else if (cv->query) {
        /* the view keeps the text of its query and its columns, nothing of the analyzed
         * plan: every reference analyzes the text again (analyzer.c, view_relation) */
        int qs = cv->query->start, qe = cv->query->stop;
        if (qs < 0 || qe < qs || (size_t)qe >= strlen(sql)) {
            cn_view_free(v);
            return cn_error_setf_detail(err, "INTERNAL_ERROR", "view text has no query");
        }
        v->sql = cn_arena_strndup(v->arena, sql + qs, (size_t)(qe - qs + 1));
        /* analyzed now (in the statement's text, for error positions) for its columns and
         * its errors; the view being defined heads the path: a query reading it is a cycle */
        cn_arena *qa = cn_arena_new("view-check", NULL);
        cn_lplan *lp = NULL;
        const char *path[] = {v->name};
        cn_analyze_ctx ctx;
        analyze_ctx_init(s, &ctx, sql, qa);
        ctx.view_path = path;
        ctx.nview_path = 1;
        ctx.defining_view = true;
        int rc = cn_analyze(&ctx, cv->query, &lp, err);
        if (rc == 0 && cv->ncols > 0 && cv->ncols != lp->nout) {
            /* Spark: the view's columns and the query's, as quoted identifiers */
            cn_strbuf vc, dc;
            cn_sb_init(&vc);
            cn_sb_init(&dc);
            for (int i = 0; i < cv->ncols; i++) cn_sb_printf(&vc, "%s`%s`", i ? ", " : "", cv->cols[i].name);
            for (int i = 0; i < lp->nout; i++) cn_sb_printf(&dc, "%s`%s`", i ? ", " : "", lp->out[i].name);
            char *vname = cn_arena_printf(qa, "`%s`", name);
            rc = cn_error_set(err,
                              cv->ncols > lp->nout ? "CREATE_VIEW_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS"
                                                   : "CREATE_VIEW_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS",
                              "viewName", vname, "viewColumns", vc.s ? vc.s : "", "dataColumns", dc.s ? dc.s : "",
                              NULL);
            cn_sb_free(&vc);
            cn_sb_free(&dc);
        }
        if (rc == 0) {
            v->cols = cn_schema_new(v->arena, lp->nout);
            v->query_cols = cn_arena_alloc(v->arena, sizeof(char *) * (size_t)(lp->nout + 1));
            for (int i = 0; i < lp->nout; i++) {
                v->query_cols[i] = cn_arena_strdup(v->arena, lp->out[i].name);
                v->cols->fields[i].name = cn_arena_strdup(v->arena, cv->ncols > 0 ? cv->cols[i].name : lp->out[i].name);
                v->cols->fields[i].type = lp->out[i].type;
                v->cols->fields[i].nullable = lp->out[i].nullable;
            }
        }
        cn_arena_free(qa);
        if (rc != 0) {
            cn_view_free(v);
            return -1;
        }
    } else {
        cn_view_free(v);
        return cn_error_set(err, "PARSE_SYNTAX_ERROR", "error", "'end of input'", "hint", "", NULL);
    }
    CN_UNUSED(r);
    return cn_catalog_put(s->catalog, v, cv->or_replace, err);
}

typedef struct set_ctx {
    table_builder *tb;
    bool verbose;
} set_ctx;

static void set_visit(void *ud, const char *key, const char *value, const char *doc, bool overridden)
{
    set_ctx *sc = ud;
    if (!overridden && !sc->verbose) return;
    const char *row[3] = {key, value ? value : "<undefined>", doc};
    tb_row(sc->tb, row);
}

static int run_set(cn_session *s, const cn_ast *st, cn_result *r, cn_error *err)
{
    const typeof(st->u.set) *set = &st->u.set;
    table_builder tb;
    cn_type types[] = {cn_type_of(CN_STRING), cn_type_of(CN_STRING), cn_type_of(CN_STRING)};
    const char *names[] = {"key", "value", "meaning"};
    if (set->key && set->value) {
        if (cn_conf_set(s->conf, set->key, set->value, err) != 0) return -1;
        tb_init(&tb, r, 2, names, types);
        const char *row[] = {set->key, set->value};
        tb_row(&tb, row);
        r->is_query = false;
        return 0;
    }
    if (set->key) {
        tb_init(&tb, r, 2, names, types);
        const char *v = cn_conf_get(s->conf, set->key);
        const char *row[] = {set->key, v ? v : "<undefined>"};
        tb_row(&tb, row);
        return 0;
    }
    tb_init(&tb, r, set->verbose ? 3 : 2, names, types);
    set_ctx sc = {&tb, set->verbose};
    cn_conf_each(s->conf, set_visit, &sc);
    return 0;
}

static int run_show_tables(cn_session *s, cn_result *r)
{
    table_builder tb;
    const char *names[] = {"namespace", "tableName", "isTemporary"};
    cn_type types[] = {cn_type_of(CN_STRING), cn_type_of(CN_STRING), cn_type_of(CN_BOOLEAN)};
    tb_init(&tb, r, 3, names, types);
    const char **list;
    int n = cn_catalog_list(s->catalog, &list);
    for (int i = 0; i < n; i++) {
        const char *row[] = {"", list[i], "true"};
        tb_row(&tb, row);
    }
    return 0;
}

static int table_not_found(const cn_name *n, cn_arena *a, const char *sql, const cn_ast *node, cn_error *err)
{
    cn_error_set(err, "TABLE_OR_VIEW_NOT_FOUND", "relationName", cn_name_quoted(a, n), NULL);
    cn_error_context(err, sql, node->start, node->stop);
    return -1;
}

static int run_describe(cn_session *s, const char *sql, const cn_ast *st, cn_result *r, cn_error *err)
{
    cn_lplan *lp;
    if (st->u.describe.query) {
        if (analyze_optimize(s, sql, st->u.describe.query, r->arena, &lp, NULL, err) != 0) return -1;
    } else {
        /* DESCRIBE t == the output of SELECT * FROM t */
        cn_view *v = cn_catalog_get(s->catalog, name_last(&st->u.describe.name), cn_conf_case_sensitive(s->conf));
        if (!v) return table_not_found(&st->u.describe.name, r->arena, sql, st, err);
        cn_ast *tab = cn_ast_new(r->arena, AST_TABLE, st->start, st->stop);
        tab->u.table.name = st->u.describe.name;
        cn_ast *sel = cn_ast_new(r->arena, AST_SELECT, st->start, st->stop);
        sel->u.select.nitems = 1;
        sel->u.select.items = cn_arena_calloc(r->arena, sizeof(cn_select_item));
        sel->u.select.items[0].expr = cn_ast_new(r->arena, AST_STAR, st->start, st->stop);
        sel->u.select.from = tab;
        if (analyze_optimize(s, sql, sel, r->arena, &lp, NULL, err) != 0) return -1;
    }
    table_builder tb;
    const char *names[] = {"col_name", "data_type", "comment"};
    cn_type types[] = {cn_type_of(CN_STRING), cn_type_of(CN_STRING), cn_type_of(CN_STRING)};
    tb_init(&tb, r, 3, names, types);
    for (int i = 0; i < lp->nout; i++) {
        char buf[64];
        const char *row[] = {lp->out[i].name, cn_type_name(lp->out[i].type, buf, sizeof buf), NULL};
        tb_row(&tb, row);
    }
    return 0;
}

static int run_cache(cn_session *s, const char *sql, const cn_ast *st, cn_result *r, cn_error *err)
{
    const char *name = name_last(&st->u.cache.name);
    if (st->u.cache.query) {
        /* CACHE TABLE t AS query: a temporary view, then cache it */
        cn_ast cv;
        memset(&cv, 0, sizeof cv);
        cv.kind = AST_CREATE_VIEW;
        cv.u.create_view.or_replace = true;
        cv.u.create_view.temporary = true;
        cv.u.create_view.name = st->u.cache.name;
        cv.u.create_view.query = st->u.cache.query;
        if (create_view(s, sql, &cv, r, err) != 0) return -1;
    }
    cn_view *v = cn_catalog_get(s->catalog, name, cn_conf_case_sensitive(s->conf));
    if (!v) return table_not_found(&st->u.cache.name, r->arena, sql, st, err);
    if (v->cache) return 0;
    /* plan SELECT * FROM name without the cache and materialize it */
    cn_arena *qa = cn_arena_new("cache-query", NULL);
    cn_ast *tab = cn_ast_new(qa, AST_TABLE, st->start, st->stop);
    tab->u.table.name = st->u.cache.name;
    cn_ast *sel = cn_ast_new(qa, AST_SELECT, st->start, st->stop);
    sel->u.select.nitems = 1;
    sel->u.select.items = cn_arena_calloc(qa, sizeof(cn_select_item));
    sel->u.select.items[0].expr = cn_ast_new(qa, AST_STAR, st->start, st->stop);
    sel->u.select.from = tab;
    cn_lplan *lp;
    int rc = analyze_optimize(s, sql, sel, qa, NULL, &lp, err);
    if (rc == 0) rc = subst_plan_subqueries(s, lp, qa, err);
    cn_pplan *pp = NULL;
    if (rc == 0) {
        cn_plan_ctx pc;
        plan_ctx_init(s, &pc, qa);
        rc = cn_plan_physical(&pc, lp, &pp, err);
    }
    void *cache = NULL;
    int64_t bytes = 0;
    int nparts = 0;
    if (rc == 0) rc = cn_scheduler_cache(s->sched, s->conf, pp, &cache, &bytes, &nparts, err);
    cn_arena_free(qa);
    if (rc != 0) return -1;
    v->cache = cache;
    v->cache_free = cn_scheduler_cache_free;
    v->cache_parts = nparts;
    v->cache_bytes = bytes;
    return 0;
}

static int run_uncache(cn_session *s, const char *sql, const cn_ast *st, cn_result *r, cn_error *err)
{
    cn_view *v = cn_catalog_get(s->catalog, name_last(&st->u.cache.name), cn_conf_case_sensitive(s->conf));
    if (!v) {
        if (st->u.cache.if_exists) return 0;
        return table_not_found(&st->u.cache.name, r->arena, sql, st, err);
    }
    if (v->cache && v->cache_free) v->cache_free(v->cache);
    v->cache = NULL;
    return 0;
}

int cn_session_sql(cn_session *s, const char *sql_text, cn_result **out, cn_error *err)
{
    *out = NULL;
    /* ${var} substitution first, as Spark's parser does (spark.sql.variable.substitute) */
    char *sql;
    if (cn_conf_substitute(s->conf, sql_text, CN_SQL_MAX_TEXT_BYTES, &sql, err) != 0) return -1;
    /* values print and parse in the session time zone */
    cn_tz_set_default(cn_conf_get(s->conf, "spark.sql.session.timeZone"));
    cn_result *r = result_new();
    cn_ast *st;
    int rc = cn_sql_parse(sql, r->arena, &st, err);
    if (rc == 0) {
        switch (st->kind) {
        case AST_QUERY_STMT: rc = run_query(s, sql, st->u.stmt.query, r, err); break;
        case AST_QUERY:
        case AST_SELECT:
        case AST_SETOP:
        case AST_VALUES: rc = run_query(s, sql, st, r, err); break;
        case AST_CREATE_VIEW:
        case AST_CREATE_TABLE: rc = create_view(s, sql, st, r, err); break;
        case AST_DROP_VIEW:
            if (!cn_catalog_drop(s->catalog, name_last(&st->u.drop.name), cn_conf_case_sensitive(s->conf)) && !st->u.drop.if_exists)
                rc = table_not_found(&st->u.drop.name, r->arena, sql, st, err);
            break;
        case AST_SET: rc = run_set(s, st, r, err); break;
        case AST_RESET:
            if (st->u.set.key) {
                const char *v0 = cn_conf_get(s->initial, st->u.set.key);
                cn_conf_unset(s->conf, st->u.set.key);
                const char *def = cn_conf_get(NULL, st->u.set.key);
                if (v0 && (!def || strcmp(v0, def) != 0)) rc = cn_conf_set(s->conf, st->u.set.key, v0, err);
            } else {
                cn_conf_free(s->conf);
                s->conf = cn_conf_copy(s->initial);
            }
            break;
        case AST_EXPLAIN: rc = run_explain(s, sql, st, r, err); break;
        case AST_SHOW_TABLES: rc = run_show_tables(s, r); break;
        case AST_DESCRIBE: rc = run_describe(s, sql, st, r, err); break;
        case AST_CACHE: rc = run_cache(s, sql, st, r, err); break;
        case AST_UNCACHE: rc = run_uncache(s, sql, st, r, err); break;
        case AST_CLEAR_CACHE: {
            const char **names;
            int n = cn_catalog_list(s->catalog, &names);
            for (int i = 0; i < n; i++) {
                cn_view *v = cn_catalog_get(s->catalog, names[i], true); /* a stored name */
                if (v && v->cache && v->cache_free) v->cache_free(v->cache);
                if (v) v->cache = NULL;
            }
            break;
        }
        default:
            rc = cn_error_set(err, "UNSUPPORTED_FEATURE", "detail", "this statement", NULL);
            break;
        }
    }
    free(sql);
    if (rc != 0) {
        cn_result_free(r);
        return -1;
    }
    *out = r;
    return 0;
}
