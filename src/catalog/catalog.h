/*
 * catalog.h — the session catalog: temporary views and data sources.
 *
 * A view is either a data source (format + options + optional user schema,
 * e.g. CREATE TEMPORARY VIEW t USING csv OPTIONS (path '...')) or a query
 * (CREATE TEMPORARY VIEW v AS SELECT ...). A query view keeps its query text and
 * its columns, and is analyzed again at every reference, as Spark does since 3.1
 * (spark.sql.legacy.storeAnalyzedPlanForView=false): after DROP VIEW of a view it
 * reads, it fails with TABLE_OR_VIEW_NOT_FOUND, and after a CREATE OR REPLACE it
 * reads the new definition. No view holds a pointer into another view's memory.
 * Names are stored as Spark's SessionCatalog formats them under spark.sql.caseSensitive at
 * creation (lower-case by default, as written when case-sensitive) and found by the name a
 * reference formats under the setting of the moment.
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
    char *name;        /* formatted: lower-case, or as written when created case-sensitive */
    char *display;     /* as the user wrote it */
    cn_source *source; /* data source view, or NULL */
    char *sql;         /* query view: the text of its query (only the query, as Spark's view
                          text), or NULL */
    cn_schema *cols;   /* query view: its columns (names as declared, types at creation) */
    char **query_cols; /* query view: the query's own output names at creation; each
                          reference finds them by name in the query analyzed again */
    bool case_sensitive; /* spark.sql.caseSensitive at creation: a query view's text is
                            analyzed again under it (Spark captures a view's SQL settings) */
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
/* By the name of a reference, formatted under case_sensitive (true: the stored name). */
cn_view *cn_catalog_get(cn_catalog *c, const char *name, bool case_sensitive);
bool cn_catalog_drop(cn_catalog *c, const char *name, bool case_sensitive);
/* Sorted names. Returns count; names valid until the catalog changes. */
int cn_catalog_list(cn_catalog *c, const char ***names);
/* New empty view with its own arena, its name formatted under case_sensitive. */
cn_view *cn_view_new(const char *name, bool case_sensitive);
void cn_view_free(cn_view *v);
/* Option lookup (case-insensitive), NULL when absent. */
const char *cn_source_option(const cn_source *s, const char *key);

#endif
