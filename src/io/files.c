/*
 * files.c — listing the files of a data source path, as Spark's
 * InMemoryFileIndex does for local paths: `path` is a comma-separated list
 * (commas inside {...} belong to a glob) of files, directories (their
 * non-hidden regular files, not recursive) and glob patterns (glob(3), with
 * braces). Names starting with '.' or '_' inside a directory are hidden
 * (_SUCCESS, .crc files), as in Spark. Each listed piece is sorted by name.
 * A piece that matches nothing is [PATH_NOT_FOUND] with path "file:<absolute
 * path>", as Spark prints it.
 */
#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/csv.h"

typedef struct {
    CN_VEC(char *) names;
    CN_VEC(int64_t) sizes;
} listing;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool hidden(const char *name) { return name[0] == '.' || name[0] == '_'; }

static void add_file(listing *l, const char *p, int64_t size)
{
    cn_vec_push(l->names, cn_xstrdup(p));
    cn_vec_push(l->sizes, size);
}

/* Add a file, or a directory's files. Returns false if p does not exist. */
static bool add_path(listing *l, const char *p)
{
    struct stat st;
    if (stat(p, &st) != 0) return false;
    if (!S_ISDIR(st.st_mode)) {
        add_file(l, p, (int64_t)st.st_size);
        return true;
    }
    DIR *d = opendir(p);
    if (!d) return false;
    CN_VEC(char *) names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (hidden(e->d_name)) continue;
        size_t n = strlen(p) + strlen(e->d_name) + 2;
        char *full = cn_xmalloc(n);
        snprintf(full, n, "%s%s%s", p, p[strlen(p) - 1] == '/' ? "" : "/", e->d_name);
        struct stat fst;
        if (stat(full, &fst) == 0 && S_ISREG(fst.st_mode)) cn_vec_push(names, full);
        else free(full);
    }
    closedir(d);
    if (names.n) qsort(names.v, (size_t)names.n, sizeof(char *), cmp_str);
    for (int i = 0; i < names.n; i++) {
        struct stat fst;
        stat(names.v[i], &fst);
        add_file(l, names.v[i], (int64_t)fst.st_size);
        free(names.v[i]);
    }
    cn_vec_free(names);
    return true;
}

static bool is_glob(const char *p) { return strpbrk(p, "*?[{") != NULL; }

static int not_found(const char *p, cn_error *err)
{
    char buf[PATH_MAX + 64];
    if (p[0] == '/') {
        snprintf(buf, sizeof buf, "file:%s", p);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, ".");
        const char *rel = p;
        while (rel[0] == '.' && rel[1] == '/') rel += 2;
        snprintf(buf, sizeof buf, "file:%s/%s", cwd, rel);
    }
    return cn_error_set(err, "PATH_NOT_FOUND", "path", buf, NULL);
}

int cn_list_files(const char *path, cn_arena *a, char ***files, int64_t **sizes, int *nfiles, cn_error *err)
{
    listing l = {{0}, {0}};
    int rc = 0;
    const char *s = path ? path : "";
    while (*s && rc == 0) {
        /* the next piece ends at a ',' outside braces */
        const char *e = s;
        int depth = 0;
        while (*e && !(*e == ',' && depth == 0)) {
            if (*e == '{') depth++;
            else if (*e == '}' && depth > 0) depth--;
            e++;
        }
        char *piece = cn_xstrndup(s, (size_t)(e - s));
        s = *e ? e + 1 : e;
        if (!*piece) {
            free(piece);
            continue;
        }
        if (is_glob(piece)) {
            glob_t g;
            int gr = glob(piece, GLOB_BRACE, NULL, &g);
            int before = l.names.n;
            if (gr == 0) {
                for (size_t i = 0; i < g.gl_pathc; i++) {
                    const char *base = strrchr(g.gl_pathv[i], '/');
                    base = base ? base + 1 : g.gl_pathv[i];
                    if (hidden(base)) continue;
                    add_path(&l, g.gl_pathv[i]);
                }
                globfree(&g);
            }
            if (gr != 0 && l.names.n == before) rc = not_found(piece, err);
        } else if (!add_path(&l, piece)) {
            rc = not_found(piece, err);
        }
        free(piece);
    }
    if (rc == 0 && l.names.n == 0 && !(path && *path)) rc = not_found("", err);
    if (rc == 0) {
        *nfiles = l.names.n;
        *files = cn_arena_alloc(a, sizeof(char *) * (size_t)(l.names.n + 1));
        *sizes = cn_arena_alloc(a, sizeof(int64_t) * (size_t)(l.names.n + 1));
        for (int i = 0; i < l.names.n; i++) {
            (*files)[i] = cn_arena_strdup(a, l.names.v[i]);
            (*sizes)[i] = l.sizes.v[i];
        }
        (*files)[l.names.n] = NULL;
    }
    for (int i = 0; i < l.names.n; i++) free(l.names.v[i]);
    cn_vec_free(l.names);
    cn_vec_free(l.sizes);
    return rc;
}
