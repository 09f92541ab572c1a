/*
 * config.c — typed configuration registry and per-session overrides.
 */
#include "base/config.h"
#include "base/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <strings.h>

/* A key's check beyond its type: 0, or -1 with err set. */
typedef int (*conf_check_fn)(const char *key, const char *value, cn_error *err);

static int conf_positive(const char *key, const char *value, cn_error *err);
static int conf_codec(const char *key, const char *value, cn_error *err);
static int conf_time_zone(const char *key, const char *value, cn_error *err);
static int conf_reinject(const char *key, const char *value, cn_error *err);

typedef struct {
    const char *name;
    cn_conf_type type;
    const char *def;
    conf_check_fn check;
    const char *doc;
} conf_key;

static const conf_key KEYS[] = {
#define X(n, t, d, c, doc) {n, t, d, c, doc},
    CN_CONF_KEYS(X)
#undef X
};

static bool (*zone_check)(const char *zone);

void cn_conf_set_zone_check(bool (*valid)(const char *zone)) { zone_check = valid; }

static int invalid(cn_error *err, const char *cls, const char *key, const char *value, const char *why)
{
    cn_error_set(err, cls, "confValue", value, "confName", key, NULL);
    if (why) cn_error_detail(err, "%s", why);
    return -1;
}

/* Spark's checks: spark.sql.shuffle.partitions "must be positive"; spark.task.maxFailures
 * "should be greater than or equal to 1" */
static int conf_positive(const char *key, const char *value, cn_error *err)
{
    long long n = strtoll(value, NULL, 10);
    if (n > CN_MAX_PARTITIONS && strcmp(key, "spark.sql.shuffle.partitions") == 0) {
        /* Cinder's bound (base.h): tasks and shuffle files keep arrays per partition */
        char why[160];
        snprintf(why, sizeof why, "The value of %s must be at most %d", key, CN_MAX_PARTITIONS);
        return invalid(err, "INVALID_CONF_VALUE", key, value, why);
    }
    if (n > 0) return 0;
    char why[160];
    if (strcmp(key, "spark.task.maxFailures") == 0)
        snprintf(why, sizeof why, "The retry times of task should be greater than or equal to 1");
    else
        snprintf(why, sizeof why, "The value of %s must be positive", key);
    return invalid(err, "INVALID_CONF_VALUE", key, value, why);
}

/* the codecs of blocks (storage/block.c: cn_codec_parse) */
static int conf_codec(const char *key, const char *value, cn_error *err)
{
    if (!strcasecmp(value, "lz4") || !strcasecmp(value, "zstd") || !strcasecmp(value, "none")) return 0;
    return invalid(err, "INVALID_CONF_VALUE", key, value, "Available codecs are lz4, zstd, none.");
}

static int conf_time_zone(const char *key, const char *value, cn_error *err)
{
    if (!zone_check || zone_check(value)) return 0;
    return invalid(err, "INVALID_CONF_VALUE.TIME_ZONE", key, value, NULL);
}

struct cn_conf {
    CN_VEC(char *) keys;
    CN_VEC(char *) vals;
};

static const conf_key *key_lookup(const char *k)
{
    for (int i = 0; i < CN_ARRAY_LEN(KEYS); i++)
        if (strcmp(KEYS[i].name, k) == 0) return &KEYS[i];
    return NULL;
}

cn_conf *cn_conf_new(void) { return cn_xcalloc(1, sizeof(cn_conf)); }

cn_conf *cn_conf_copy(const cn_conf *c)
{
    cn_conf *n = cn_conf_new();
    for (int i = 0; i < c->keys.n; i++) {
        cn_vec_push(n->keys, cn_xstrdup(c->keys.v[i]));
        cn_vec_push(n->vals, cn_xstrdup(c->vals.v[i]));
    }
    return n;
}

void cn_conf_free(cn_conf *c)
{
    if (!c) return;
    for (int i = 0; i < c->keys.n; i++) {
        free(c->keys.v[i]);
        free(c->vals.v[i]);
    }
    cn_vec_free(c->keys);
    cn_vec_free(c->vals);
    free(c);
}

int cn_conf_parse_bytes(const char *s, int64_t *out)
{
    char *end;
    while (isspace((unsigned char)*s)) s++;
    if (!*s) return -1;
    long long v = strtoll(s, &end, 10);
    if (end == s) return -1;
    int64_t mul = 1;
    char u = (char)tolower((unsigned char)*end);
    if (u) {
        switch (u) {
        case 'b': mul = 1; break;
        case 'k': mul = 1024; break;
        case 'm': mul = 1024 * 1024; break;
        case 'g': mul = 1024LL * 1024 * 1024; break;
        case 't': mul = 1024LL * 1024 * 1024 * 1024; break;
        default: return -1;
        }
        end++;
        if (tolower((unsigned char)*end) == 'b' && u != 'b') end++;
        if (*end) return -1;
    }
    *out = (int64_t)v * mul;
    return 0;
}

/* cinder.test.reinject: a comma list of names (spaces and empty items allowed); -1 on an unknown name */
static int reinject_parse(const char *v, unsigned *bits)
{
    static const struct { const char *name; unsigned bit; } NAMES[] = {
        {"null-key-slot", CN_REINJECT_NULL_KEY_SLOT},
        {"limit-offset-overflow", CN_REINJECT_LIMIT_OFFSET_OVERFLOW},
    };
    *bits = 0;
    while (v && *v) {
        while (*v == ',' || isspace((unsigned char)*v)) v++;
        size_t len = strcspn(v, ",");
        while (len > 0 && isspace((unsigned char)v[len - 1])) len--;
        if (len == 0) break;
        int i = 0;
        while (i < CN_ARRAY_LEN(NAMES) && !(strlen(NAMES[i].name) == len && strncmp(NAMES[i].name, v, len) == 0)) i++;
        if (i == CN_ARRAY_LEN(NAMES)) return -1;
        *bits |= NAMES[i].bit;
        v += len;
        v += strcspn(v, ",");
    }
    return 0;
}

static int conf_reinject(const char *key, const char *value, cn_error *err)
{
    unsigned bits;
    if (reinject_parse(value, &bits) == 0) return 0;
    return invalid(err, "INVALID_CONF_VALUE", key, value,
                   "Known names are null-key-slot and limit-offset-overflow.");
}

unsigned cn_conf_test_reinject(const cn_conf *c)
{
    unsigned bits = 0;
    if (c && reinject_parse(cn_conf_get(c, "cinder.test.reinject"), &bits) != 0) bits = 0;
    return bits;
}

/* The value against the key's type (Spark's words for each), then its check. */
static int validate(const conf_key *k, const char *v, cn_error *err)
{
    int64_t x;
    char why[320];
    switch (k->type) {
    case CN_CONF_BOOL:
        if (strcasecmp(v, "true") == 0 || strcasecmp(v, "false") == 0) break;
        snprintf(why, sizeof why, "%s should be boolean, but was %s", k->name, v);
        return invalid(err, "INVALID_CONF_VALUE", k->name, v, why);
    case CN_CONF_INT: {
        char *end;
        errno = 0;
        strtoll(v, &end, 10);
        if (*v && !*end && errno == 0) break;
        snprintf(why, sizeof why, "%s should be int, but was %s", k->name, v);
        return invalid(err, "INVALID_CONF_VALUE", k->name, v, why);
    }
    case CN_CONF_BYTES:
        if (cn_conf_parse_bytes(v, &x) == 0) break;
        return invalid(err, "INVALID_CONF_VALUE", k->name, v,
                       "Size must be specified as bytes (b), kibibytes (k), mebibytes (m), gibibytes (g), "
                       "tebibytes (t), or pebibytes(p). E.g. 50b, 100k, or 250m.");
    case CN_CONF_STRING: break;
    }
    return k->check ? k->check(k->name, v, err) : 0;
}

int cn_conf_validate(const cn_conf *c, cn_error *err)
{
    for (int i = 0; c && i < c->keys.n; i++) {
        const conf_key *k = key_lookup(c->keys.v[i]);
        if (k && validate(k, c->vals.v[i], err) != 0) return -1;
    }
    return 0;
}

int cn_conf_set(cn_conf *c, const char *key, const char *value, cn_error *err)
{
    const char *p = key;
    while (isspace((unsigned char)*p)) p++;
    if (!*p) return invalid(err, "INVALID_CONF_VALUE", key, value, "A setting needs a key: key=value.");
    const conf_key *k = key_lookup(key);
    if (k && validate(k, value, err) != 0) return -1;
    for (int i = 0; i < c->keys.n; i++) {
        if (strcmp(c->keys.v[i], key) == 0) {
            free(c->vals.v[i]);
            c->vals.v[i] = cn_xstrdup(value);
            return 0;
        }
    }
    cn_vec_push(c->keys, cn_xstrdup(key));
    cn_vec_push(c->vals, cn_xstrdup(value));
    return 0;
}

bool cn_conf_is_set(const cn_conf *c, const char *key)
{
    for (int i = 0; c && i < c->keys.n; i++)
        if (strcmp(c->keys.v[i], key) == 0) return true;
    return false;
}

void cn_conf_unset(cn_conf *c, const char *key)
{
    for (int i = 0; i < c->keys.n; i++) {
        if (strcmp(c->keys.v[i], key) != 0) continue;
        free(c->keys.v[i]);
        free(c->vals.v[i]);
        c->keys.v[i] = c->keys.v[c->keys.n - 1];
        c->vals.v[i] = c->vals.v[c->vals.n - 1];
        c->keys.n--;
        c->vals.n--;
        return;
    }
}

int cn_conf_load_file(cn_conf *c, const char *path, cn_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        while (isspace((unsigned char)*p)) p++;
        if (!*p || *p == '#') continue;
        char *e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1])) *--e = 0;
        char *sep = p;
        while (*sep && *sep != '=' && !isspace((unsigned char)*sep)) sep++;
        if (!*sep) continue;
        *sep++ = 0;
        while (*sep && (isspace((unsigned char)*sep) || *sep == '=')) sep++;
        if (cn_conf_set(c, p, sep, err) != 0) {
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

const char *cn_conf_get(const cn_conf *c, const char *key)
{
    if (c)
        for (int i = 0; i < c->keys.n; i++)
            if (strcmp(c->keys.v[i], key) == 0) return c->vals.v[i];
    const conf_key *k = key_lookup(key);
    return k ? k->def : NULL;
}

bool cn_conf_get_bool(const cn_conf *c, const char *key)
{
    const char *v = cn_conf_get(c, key);
    return v && strcasecmp(v, "true") == 0;
}

bool cn_conf_case_sensitive(const cn_conf *c) { return cn_conf_get_bool(c, "spark.sql.caseSensitive"); }

bool cn_ident_eq(bool case_sensitive, const char *a, const char *b)
{
    return a && b && (case_sensitive ? strcmp(a, b) : strcasecmp(a, b)) == 0;
}

int64_t cn_conf_get_int(const cn_conf *c, const char *key)
{
    const char *v = cn_conf_get(c, key);
    int64_t x = 0;
    if (!v || cn_conf_parse_bytes(v, &x) != 0) return 0;
    return x;
}

void cn_conf_each(const cn_conf *c, cn_conf_visit_fn fn, void *ud)
{
    for (int i = 0; i < CN_ARRAY_LEN(KEYS); i++) {
        bool over = false;
        for (int j = 0; c && j < c->keys.n; j++)
            if (strcmp(c->keys.v[j], KEYS[i].name) == 0) over = true;
        fn(ud, KEYS[i].name, cn_conf_get(c, KEYS[i].name), KEYS[i].doc, over);
    }
    for (int j = 0; c && j < c->keys.n; j++)
        if (!key_lookup(c->keys.v[j])) fn(ud, c->keys.v[j], c->vals.v[j], "", true);
}

/* ------------------------------------------------------------ variable substitution */

#define SUBST_MAX_DEPTH 32

typedef struct subst {
    const cn_conf *c;
    size_t max_len;
    const char *refs[SUBST_MAX_DEPTH]; /* references being expanded: a repeat is circular */
    int nrefs;
    const char *input;                 /* the statement, for the error message */
    cn_error *err;
} subst;

static bool is_word(char ch) { return isalnum((unsigned char)ch) || ch == '_'; }

static int subst_text(subst *s, const char *text, size_t n, cn_strbuf *out);

/* One "${...}" at p (p[0..1] == "${"); *used is how many bytes it spans (0: not a reference). */
static int subst_ref(subst *s, const char *text, const char *p, const char *end, size_t *used, cn_strbuf *out)
{
    const char *q = p + 2;
    while (q < end && *q != '}' && !isspace((unsigned char)*q)) q++;
    *used = 0;
    if (q >= end || *q != '}' || q == p + 2) return 0; /* not "${\S+}" */
    *used = (size_t)(q - p) + 1;
    const char *ref = p + 2;
    size_t rlen = (size_t)(q - ref);
    const char *colon = memchr(ref, ':', rlen);
    const char *prefix = NULL, *name = ref;
    size_t plen = 0, nlen = rlen;
    if (colon && colon > ref && colon + 1 < q) {
        bool word = true;
        for (const char *w = ref; w < colon; w++) word = word && is_word(*w);
        if (word) {
            prefix = ref;
            plen = (size_t)(colon - ref);
            name = colon + 1;
            nlen = (size_t)(q - name);
        }
    }
    char key[1024];
    if (nlen >= sizeof key) {
        cn_sb_putn(out, p, *used);
        return 0;
    }
    memcpy(key, name, nlen);
    key[nlen] = 0;
    const char *value = NULL;
    if (!prefix || (plen == 5 && strncmp(prefix, "spark", 5) == 0) ||
        (plen == 9 && strncmp(prefix, "sparkconf", 9) == 0) || (plen == 7 && strncmp(prefix, "hivevar", 7) == 0) ||
        (plen == 8 && strncmp(prefix, "hiveconf", 8) == 0)) {
        value = cn_conf_get(s->c, key);
        if (!value) value = "";
    } else if (plen == 3 && strncmp(prefix, "env", 3) == 0) {
        value = getenv(key);
    }
    if (!value) { /* unknown prefix or unset environment variable: left as written */
        cn_sb_putn(out, p, *used);
        return 0;
    }
    for (int i = 0; i < s->nrefs; i++) {
        if (strlen(s->refs[i]) == rlen && strncmp(s->refs[i], ref, rlen) == 0) {
            char msg[1200];
            snprintf(msg, sizeof msg, "requirement failed: Circular reference in %.*s: %.*s",
                     (int)CN_MIN((size_t)600, (size_t)(end - text)), text, (int)rlen, ref);
            return cn_error_set(s->err, "ILLEGAL_ARGUMENT", "message", msg, NULL);
        }
    }
    if (s->nrefs == SUBST_MAX_DEPTH) {
        char msg[1200];
        snprintf(msg, sizeof msg, "variable substitution nested deeper than %d in %.600s", SUBST_MAX_DEPTH, s->input);
        return cn_error_set(s->err, "ILLEGAL_ARGUMENT", "message", msg, NULL);
    }
    char *held = cn_xstrndup(ref, rlen);
    s->refs[s->nrefs++] = held;
    int rc = subst_text(s, value, strlen(value), out);
    s->nrefs--;
    free(held);
    return rc;
}

static int subst_text(subst *s, const char *text, size_t n, cn_strbuf *out)
{
    const char *end = text + n;
    for (const char *p = text; p < end;) {
        const char *d = memchr(p, '$', (size_t)(end - p));
        if (!d) {
            cn_sb_putn(out, p, (size_t)(end - p));
            break;
        }
        cn_sb_putn(out, p, (size_t)(d - p));
        size_t used = 0;
        if (d + 1 < end && d[1] == '{' && subst_ref(s, text, d, end, &used, out) != 0) return -1;
        if (!used) {
            cn_sb_putc(out, '$');
            used = 1;
        }
        p = d + used;
        if (out->len > s->max_len) {
            char msg[160];
            snprintf(msg, sizeof msg, "the statement after variable substitution is longer than %zu bytes", s->max_len);
            return cn_error_set(s->err, "ILLEGAL_ARGUMENT", "message", msg, NULL);
        }
    }
    return 0;
}

int cn_conf_substitute(const cn_conf *c, const char *text, size_t max_len, char **out, cn_error *err)
{
    *out = NULL;
    if (!cn_conf_get_bool(c, "spark.sql.variable.substitute") || !strstr(text, "${")) {
        *out = cn_xstrdup(text);
        return 0;
    }
    subst s = {.c = c, .max_len = max_len, .input = text, .err = err};
    cn_strbuf sb;
    cn_sb_init(&sb);
    if (subst_text(&s, text, strlen(text), &sb) != 0) {
        cn_sb_free(&sb);
        return -1;
    }
    *out = cn_sb_take(&sb);
    return 0;
}
