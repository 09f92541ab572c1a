/*
 * catalog.h — the session catalog: temporary views and data sources.
 *
 * A view is either a data source (format + options + optional user schema,
 * e.g. CREATE TEMPORARY VIEW t USING csv OPTIONS (path '...')) or a query
 * (CREATE TEMPORARY VIEW v AS SELECT ...). The catalog sits below the plan
 * layer, so a query view keeps its analyzed logical plan as an opaque pointer
 * owned by the plan layer (plan_free releases it), plus its SQL text.
 * Names are case-insensitive (stored lower-case).
 */
#ifndef CN_CATALOG_H
#define CN_CATALOG_H

#include "base/arena.h"
#include "base/error.h"
#include "types/vector.h"

typedef struct cn_source {
    char *format;      /* "csv" */
    int noptions;
    char **keys;       /* option names, lower-case */
    char **values;
    cn_schema *schema; /* user-declared or inferred schema; NULL until resolved */
} cn_source;

typedef struct cn_view {
    char *name;        /* lower-case */
    char *display;     /* as the user wrote it */
    cn_source *source; /* data source view, or NULL */
    void *plan;        /* query view: logical plan (plan layer), or NULL */
    void (*plan_free)(void *plan);
    char *sql;         /* query text of a query view */
    cn_arena *arena;   /* owns everything above */
    /* CACHE TABLE: opaque cached relation (storage layer) */
    void *cache;
    void (*cache_free)(void *cache);
    bool cache_lazy;
    int cache_parts;       /* partitions of the cached relation */
    int64_t cache_bytes;   /* its size in memory (statistics for planning) */
} cn_view;

typedef struct cn_catalog cn_catalog;

cn_catalog *cn_catalog_new(void);
void cn_catalog_free(cn_catalog *c);
/* Register (takes ownership of v). Fails with [TABLE_OR_VIEW_ALREADY_EXISTS] unless replace. */
int cn_catalog_put(cn_catalog *c, cn_view *v, bool replace, cn_error *err);
cn_view *cn_catalog_get(cn_catalog *c, const char *name);
bool cn_catalog_drop(cn_catalog *c, const char *name);
/* Sorted names. Returns count; names valid until the catalog changes. */
int cn_catalog_list(cn_catalog *c, const char ***names);
/* New empty view with its own arena. */
cn_view *cn_view_new(const char *name);
void cn_view_free(cn_view *v);
/* Option lookup (case-insensitive), NULL when absent. */
const char *cn_source_option(const cn_source *s, const char *key);

#endif
