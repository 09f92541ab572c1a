/*
 * plan_fixture.h — a catalog of CSV views with declared schemas and a runner
 * that parses, analyzes and (optionally) optimizes one statement, shared by
 * the analyzer and optimizer tests.
 */
#ifndef CN_PLAN_FIXTURE_H
#define CN_PLAN_FIXTURE_H

#include "base/config.h"
#include "plan/logical.h"

#include <stdio.h>
#include <string.h>

/* A CSV view with columns "a int,b decimal(12,2),..." (no data behind it). */
static inline cn_view *fx_view(const char *name, const char *cols)
{
    cn_view *v = cn_view_new(name, false);
    v->source = cn_arena_calloc(v->arena, sizeof(cn_source));
    v->source->format = "csv";
    char *buf = strdup(cols);
    int n = 1;
    for (char *p = buf; *p; p++)
        if (*p == ',') n++;
    v->source->schema = cn_schema_new(v->arena, n);
    char *save, *tok = strtok_r(buf, ",", &save);
    int i = 0;
    while (tok) {
        char *sp = strchr(tok, ' ');
        *sp = 0;
        /* decimal(12,2) was split at its comma: glue it back */
        char *ty = sp + 1;
        char tbuf[64];
        if (!strncmp(ty, "decimal(", 8) && !strchr(ty, ')')) {
            char *rest = strtok_r(NULL, ",", &save);
            snprintf(tbuf, sizeof tbuf, "%s,%s", ty, rest);
            ty = tbuf;
        }
        v->source->schema->fields[i].name = cn_arena_strdup(v->arena, tok);
        cn_type_parse(ty, &v->source->schema->fields[i].type);
        v->source->schema->fields[i].nullable = true;
        i++;
        tok = strtok_r(NULL, ",", &save);
    }
    v->source->schema->n = i;
    free(buf);
    return v;
}

typedef struct fx {
    cn_catalog *cat;
    cn_conf *conf;
    cn_arena *a;
    cn_error err;
    cn_lplan *plan;
    char *explain;
    char *schema;
    int64_t (*source_bytes)(void *ud, cn_view *v); /* optional size statistics */
} fx;

static inline void fx_init_empty(fx *f)
{
    memset(f, 0, sizeof *f);
    f->cat = cn_catalog_new();
    cn_error_init(&f->err);
    f->conf = cn_conf_new();
    f->a = cn_arena_new("test", NULL);
}

static inline void fx_add(fx *f, const char *name, const char *cols)
{
    cn_catalog_put(f->cat, fx_view(name, cols), false, &f->err);
}

static inline void fx_free(fx *f)
{
    free(f->explain);
    free(f->schema);
    cn_error_clear(&f->err);
    cn_arena_free(f->a);
    cn_conf_free(f->conf);
    cn_catalog_free(f->cat);
}

/* Parse and analyze sql (and optimize when asked). 0 ok; -2 parse, -1 analysis,
 * -3 optimization error (in f->err). f->explain / f->schema describe f->plan. */
static inline int fx_run(fx *f, const char *sql, bool optimize)
{
    free(f->explain);
    free(f->schema);
    f->explain = f->schema = NULL;
    cn_error_clear(&f->err);
    cn_ast *ast;
    if (cn_sql_parse(sql, f->a, &ast, &f->err) != 0) return -2;
    cn_analyze_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.catalog = f->cat;
    ctx.conf = f->conf;
    ctx.case_sensitive = cn_conf_case_sensitive(f->conf);
    ctx.sql = sql;
    ctx.arena = f->a;
    ctx.source_bytes = f->source_bytes;
    if (cn_analyze(&ctx, ast, &f->plan, &f->err) != 0) return -1;
    if (optimize) {
        cn_lplan *p = f->plan;
        if (cn_optimize(&ctx, p, &f->plan, &f->err) != 0) return -3;
    }
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_lplan_explain(f->plan, &sb);
    f->explain = cn_sb_take(&sb);
    cn_lplan_schema_string(f->plan, &sb);
    f->schema = cn_sb_take(&sb);
    return 0;
}

#endif
