/*
 * catalog.c — temporary views by name.
 */
#include "catalog/catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

struct cn_catalog {
    CN_VEC(cn_view *) views;
    CN_VEC(const char *) names; /* scratch for cn_catalog_list */
};

cn_catalog *cn_catalog_new(void) { return cn_xcalloc(1, sizeof(cn_catalog)); }

void cn_view_free(cn_view *v)
{
    if (!v) return;
    if (v->cache && v->cache_free) v->cache_free(v->cache);
    cn_arena_free(v->arena);
    free(v);
}

void cn_catalog_free(cn_catalog *c)
{
    if (!c) return;
    for (int i = 0; i < c->views.n; i++) cn_view_free(c->views.v[i]);
    cn_vec_free(c->views);
    cn_vec_free(c->names);
    free(c);
}

/* Spark's SessionCatalog.formatTableName: the name as written when case-sensitive, else
 * lower-cased. A view is stored under the formatted name and found by the formatted name
 * of a reference, so a view created as `T` while case-sensitive is not found as `T` once
 * the setting is back to false (Spark looks for `t`). */
static bool formatted_is(const char *stored, const char *name, bool case_sensitive)
{
    for (;; stored++, name++) {
        char n = case_sensitive ? *name : (char)tolower((unsigned char)*name);
        if (*stored != n) return false;
        if (!n) return true;
    }
}

cn_view *cn_view_new(const char *name, bool case_sensitive)
{
    cn_view *v = cn_xcalloc(1, sizeof *v);
    v->arena = cn_arena_new("view", NULL);
    v->display = cn_arena_strdup(v->arena, name);
    v->name = cn_arena_strdup(v->arena, name);
    if (!case_sensitive)
        for (char *p = v->name; *p; p++) *p = (char)tolower((unsigned char)*p);
    v->case_sensitive = case_sensitive;
    return v;
}

static int find(cn_catalog *c, const char *name, bool case_sensitive)
{
    for (int i = 0; i < c->views.n; i++)
        if (formatted_is(c->views.v[i]->name, name, case_sensitive)) return i;
    return -1;
}

int cn_catalog_put(cn_catalog *c, cn_view *v, bool replace, cn_error *err)
{
    int i = find(c, v->name, true);
    if (i >= 0) {
        if (!replace) {
            char buf[300];
            snprintf(buf, sizeof buf, "`%s`", v->display);
            cn_view_free(v);
            return cn_error_set(err, "TABLE_OR_VIEW_ALREADY_EXISTS", "relationName", buf, NULL);
        }
        cn_view_free(c->views.v[i]);
        c->views.v[i] = v;
        return 0;
    }
    cn_vec_push(c->views, v);
    return 0;
}

cn_view *cn_catalog_get(cn_catalog *c, const char *name, bool case_sensitive)
{
    int i = find(c, name, case_sensitive);
    return i >= 0 ? c->views.v[i] : NULL;
}

bool cn_catalog_drop(cn_catalog *c, const char *name, bool case_sensitive)
{
    int i = find(c, name, case_sensitive);
    if (i < 0) return false;
    cn_view_free(c->views.v[i]);
    c->views.v[i] = c->views.v[--c->views.n];
    return true;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

int cn_catalog_list(cn_catalog *c, const char ***names)
{
    c->names.n = 0;
    for (int i = 0; i < c->views.n; i++) cn_vec_push(c->names, c->views.v[i]->name);
    if (c->names.n) qsort(c->names.v, (size_t)c->names.n, sizeof(*c->names.v), cmp_names);
    *names = c->names.v;
    return c->names.n;
}

const char *cn_source_option(const cn_source *s, const char *key)
{
    for (int i = 0; s && i < s->noptions; i++)
        if (strcasecmp(s->keys[i], key) == 0) return s->values[i];
    return NULL;
}
