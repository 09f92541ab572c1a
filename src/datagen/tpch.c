/*
 * tpch.c — the TPC-H table generator (see tpch.h).
 *
 * Design. Each table is a "group" of one or two output files (part writes
 * part.tbl and partsupp.tbl; orders writes orders.tbl and lineitem.tbl, since
 * an order's total price and status come from its line items). A group is cut
 * into chunks of a fixed number of rows; chunk c of a group draws all its
 * values from a random stream seeded by (group, c) alone, so the bytes written
 * do not depend on the number of threads. Work units (group, chunk) are handed
 * out from one atomic counter, largest tables first; a worker formats its
 * chunk into its own buffers, then waits for the group's previous chunk to be
 * written and appends its own. A worker holding the lowest unwritten chunk of
 * a group is never waiting, so the scheme cannot deadlock.
 *
 * Values follow TPC-H clause 4.2.3: keys and cardinalities per scale factor,
 * the sparse order keys (8 of every 32), customers with key % 3 == 0 placing
 * no orders, partsupp's and lineitem's supplier formula, the retail price
 * formula, dates between 1992-01-01 and 1998-12-31 with return flag and line
 * status decided against CURRENTDATE 1995-06-17, o_totalprice as the sum of
 * extendedprice * (1 + tax) * (1 - discount) over the order's lines, and
 * phone numbers whose country code is nation key + 10. One deliberate
 * deviation: supplier nations are dealt as random permutations of the 25
 * nations per block of 25 keys (uniform per key, but no nation is left
 * without suppliers at small scale factors). Money is kept in
 * integer cents. Comments are substrings of a grammar-generated text pool
 * (tpch_text.c); SF * 5 suppliers get "Customer ... Complaints" and SF * 5
 * "Customer ... Recommends" written into their comment, as the spec asks.
 */
#include "datagen/tpch.h"
#include "datagen/tpch_internal.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>

enum { NDATES = 2557 };             /* 1992-01-01 .. 1998-12-31 */
enum { CURRENT_DATE = 1263 };       /* 1995-06-17 as days since 1992-01-01 */
enum { ORDER_DATE_MAX = NDATES - 1 - 151 };
#define POOL_SIZE (8u << 20)
#define ROW_RESERVE 2048

enum { G_ORDERS, G_PART, G_CUSTOMER, G_SUPPLIER, G_NATION, G_REGION, NGROUPS };

typedef struct {
    char *p;
    size_t len, cap;
} obuf;

typedef struct gen_ctx gen_ctx;
typedef void (*chunk_fn)(const gen_ctx *g, int64_t chunk, obuf *out);

typedef struct {
    const char *files[2];
    int nfiles;
    int64_t rows, chunk_rows, nchunks;
    chunk_fn gen;
    FILE *f[2];
    int64_t next_write; /* guarded by gen_ctx.mu */
} group;

struct gen_ctx {
    double sf;
    int64_t nsupp, npart, ncust, norders, nclerks;
    const char *pool;
    uint8_t *supp_flag; /* 1: Complaints, 2: Recommends */
    char dates[NDATES][10];
    group groups[NGROUPS];
    int64_t unit_base[NGROUPS]; /* first work unit of each group */
    int64_t nunits;
    atomic_long next_unit;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool failed;
    char errmsg[512];
};

/* ---- formatting -------------------------------------------------------- */

static char *ob_cursor(obuf *b)
{
    if (b->len + ROW_RESERVE > b->cap) {
        b->cap = CN_MAX(b->cap * 2, (size_t)1 << 20);
        b->p = cn_xrealloc(b->p, b->cap);
    }
    return b->p + b->len;
}

static inline char *put_str(char *w, const char *s)
{
    size_t n = strlen(s);
    memcpy(w, s, n);
    return w + n;
}

static inline char *put_uint(char *w, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *w++ = tmp[--n];
    return w;
}

static inline char *put_int(char *w, int64_t v)
{
    if (v < 0) {
        *w++ = '-';
        return put_uint(w, (uint64_t)(-v));
    }
    return put_uint(w, (uint64_t)v);
}

/* cents as d.dd */
static inline char *put_money(char *w, int64_t cents)
{
    if (cents < 0) {
        *w++ = '-';
        cents = -cents;
    }
    w = put_uint(w, (uint64_t)(cents / 100));
    *w++ = '.';
    *w++ = (char)('0' + cents / 10 % 10);
    *w++ = (char)('0' + cents % 10);
    return w;
}

static inline char *put_pad9(char *w, int64_t v)
{
    for (int i = 8; i >= 0; i--) {
        w[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return w + 9;
}

static inline char *put_date(const gen_ctx *g, char *w, int d)
{
    memcpy(w, g->dates[d], 10);
    return w + 10;
}

/* A comment: a pool substring of random length in [lo, hi], spaces trimmed. */
static char *put_text(const gen_ctx *g, cn_tpch_rng *r, char *w, int lo, int hi)
{
    int len = (int)cn_tpch_rand(r, lo, hi);
    const char *s = g->pool + cn_tpch_rand(r, 0, POOL_SIZE - len);
    while (len > 1 && *s == ' ') s++, len--;
    while (len > 1 && s[len - 1] == ' ') len--;
    memcpy(w, s, (size_t)len);
    return w + len;
}

/* Random alphanumeric string (spec's "v-string") of length in [10, 40]. */
static char *put_vstring(cn_tpch_rng *r, char *w)
{
    static const char alpha[65] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,.";
    int len = (int)cn_tpch_rand(r, 10, 40);
    uint64_t bits = 0;
    for (int i = 0; i < len; i++) {
        if (i % 10 == 0) bits = cn_tpch_next(r);
        *w++ = alpha[bits & 63];
        bits >>= 6;
    }
    return w;
}

static char *put_phone(cn_tpch_rng *r, char *w, int nation)
{
    w = put_uint(w, (uint64_t)(nation + 10));
    *w++ = '-';
    w = put_uint(w, (uint64_t)cn_tpch_rand(r, 100, 999));
    *w++ = '-';
    w = put_uint(w, (uint64_t)cn_tpch_rand(r, 100, 999));
    *w++ = '-';
    return put_uint(w, (uint64_t)cn_tpch_rand(r, 1000, 9999));
}

/* ---- formulas ---------------------------------------------------------- */

static inline int64_t retail_cents(int64_t pk)
{
    return 90000 + (pk / 10) % 20001 + 100 * (pk % 1000);
}

/* Supplier of the i-th (0..3) supplier slot of part pk (clause 4.2.3). */
static inline int64_t part_supplier(const gen_ctx *g, int64_t pk, int i)
{
    int64_t s = g->nsupp;
    return (pk + i * (s / 4 + (pk - 1) / s)) % s + 1;
}

static inline int64_t order_key(int64_t i)
{
    return (i / 8) * 32 + i % 8 + 1;
}

static void fill_dates(gen_ctx *g)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1992, m = 1, d = 1;
    for (int i = 0; i < NDATES; i++) {
        char *w = g->dates[i];
        w = put_uint(w, (uint64_t)y);
        *w++ = '-';
        *w++ = (char)('0' + m / 10);
        *w++ = (char)('0' + m % 10);
        *w++ = '-';
        *w++ = (char)('0' + d / 10);
        *w++ = (char)('0' + d % 10);
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = mdays[m - 1] + (m == 2 && leap);
        if (++d > len) {
            d = 1;
            if (++m > 12) m = 1, y++;
        }
    }
}

/* ---- tables ------------------------------------------------------------ */

static void chunk_range(const group *gr, int64_t chunk, int64_t *lo, int64_t *hi)
{
    *lo = chunk * gr->chunk_rows;
    *hi = CN_MIN(*lo + gr->chunk_rows, gr->rows);
}

static void gen_region(const gen_ctx *g, int64_t chunk, obuf *out)
{
    cn_tpch_rng r;
    cn_tpch_rng_seed(&r, 1000 + G_REGION, (uint64_t)chunk);
    for (int i = 0; i < 5; i++) {
        char *w = ob_cursor(&out[0]);
        w = put_uint(w, (uint64_t)i);
        *w++ = '|';
        w = put_str(w, CN_TPCH_REGIONS[i]);
        *w++ = '|';
        w = put_text(g, &r, w, 31, 115);
        *w++ = '|';
        *w++ = '\n';
        out[0].len = (size_t)(w - out[0].p);
    }
}

static void gen_nation(const gen_ctx *g, int64_t chunk, obuf *out)
{
    cn_tpch_rng r;
    cn_tpch_rng_seed(&r, 1000 + G_NATION, (uint64_t)chunk);
    for (int i = 0; i < 25; i++) {
        char *w = ob_cursor(&out[0]);
        w = put_uint(w, (uint64_t)i);
        *w++ = '|';
        w = put_str(w, CN_TPCH_NATIONS[i].name);
        *w++ = '|';
        w = put_uint(w, (uint64_t)CN_TPCH_NATIONS[i].region);
        *w++ = '|';
        w = put_text(g, &r, w, 31, 114);
        *w++ = '|';
        *w++ = '\n';
        out[0].len = (size_t)(w - out[0].p);
    }
}

static void gen_supplier(const gen_ctx *g, int64_t chunk, obuf *out)
{
    const group *gr = &g->groups[G_SUPPLIER];
    int64_t lo, hi;
    chunk_range(gr, chunk, &lo, &hi);
    cn_tpch_rng r;
    cn_tpch_rng_seed(&r, 1000 + G_SUPPLIER, (uint64_t)chunk);
    int perm[25];
    for (int64_t i = lo; i < hi; i++) {
        int64_t key = i + 1;
        /* Nations are dealt in blocks of 25 (a random permutation each), so
         * every nation has suppliers even at SF 0.01 (the queries filter on
         * single nations); each key's nation is still uniform on 0..24. */
        if ((i - lo) % 25 == 0) {
            for (int k = 0; k < 25; k++) perm[k] = k;
            for (int k = 24; k > 0; k--) {
                int j = (int)cn_tpch_rand(&r, 0, k), t = perm[k];
                perm[k] = perm[j];
                perm[j] = t;
            }
        }
        int nation = perm[(i - lo) % 25];
        char *w = ob_cursor(&out[0]);
        w = put_uint(w, (uint64_t)key);
        w = put_str(w, "|Supplier#");
        w = put_pad9(w, key);
        *w++ = '|';
        w = put_vstring(&r, w);
        *w++ = '|';
        w = put_uint(w, (uint64_t)nation);
        *w++ = '|';
        w = put_phone(&r, w, nation);
        *w++ = '|';
        w = put_money(w, cn_tpch_rand(&r, -99999, 999999));
        *w++ = '|';
        char *comment = w;
        w = put_text(g, &r, w, 25, 100);
        if (g->supp_flag[i]) {
            /* "Customer" <filler> "Complaints"|"Recommends" at a random place */
            char ins[40];
            char *q = put_str(ins, "Customer ");
            int fill = (int)cn_tpch_rand(&r, 0, 4);
            memcpy(q, g->pool + cn_tpch_rand(&r, 0, POOL_SIZE - 8), (size_t)fill);
            q += fill;
            q = put_str(q, g->supp_flag[i] == 1 ? "Complaints" : "Recommends");
            int64_t n = q - ins, have = w - comment;
            int64_t at = cn_tpch_rand(&r, 0, have - n);
            memcpy(comment + at, ins, (size_t)n);
        }
        *w++ = '|';
        *w++ = '\n';
        out[0].len = (size_t)(w - out[0].p);
    }
}

static void gen_customer(const gen_ctx *g, int64_t chunk, obuf *out)
{
    const group *gr = &g->groups[G_CUSTOMER];
    int64_t lo, hi;
    chunk_range(gr, chunk, &lo, &hi);
    cn_tpch_rng r;
    cn_tpch_rng_seed(&r, 1000 + G_CUSTOMER, (uint64_t)chunk);
    for (int64_t i = lo; i < hi; i++) {
        int64_t key = i + 1;
        int nation = (int)cn_tpch_rand(&r, 0, 24);
        char *w = ob_cursor(&out[0]);
        w = put_uint(w, (uint64_t)key);
        w = put_str(w, "|Customer#");
        w = put_pad9(w, key);
        *w++ = '|';
        w = put_vstring(&r, w);
        *w++ = '|';
        w = put_uint(w, (uint64_t)nation);
        *w++ = '|';
        w = put_phone(&r, w, nation);
        *w++ = '|';
        w = put_money(w, cn_tpch_rand(&r, -99999, 999999));
        *w++ = '|';
        w = put_str(w, CN_TPCH_SEGMENTS[cn_tpch_rand(&r, 0, 4)]);
        *w++ = '|';
        w = put_text(g, &r, w, 29, 116);
        *w++ = '|';
        *w++ = '\n';
        out[0].len = (size_t)(w - out[0].p);
    }
}

static void gen_part(const gen_ctx *g, int64_t chunk, obuf *out)
{
    const group *gr = &g->groups[G_PART];
    int64_t lo, hi;
    chunk_range(gr, chunk, &lo, &hi);
    cn_tpch_rng r;
    cn_tpch_rng_seed(&r, 1000 + G_PART, (uint64_t)chunk);
    for (int64_t i = lo; i < hi; i++) {
        int64_t pk = i + 1;
        char *w = ob_cursor(&out[0]);
        w = put_uint(w, (uint64_t)pk);
        *w++ = '|';
        int colors[5];
        for (int k = 0; k < 5; k++) {
            bool dup;
            do {
                colors[k] = (int)cn_tpch_rand(&r, 0, CN_TPCH_NCOLORS - 1);
                dup = false;
                for (int j = 0; j < k; j++) dup |= colors[j] == colors[k];
            } while (dup);
            if (k) *w++ = ' ';
            w = put_str(w, CN_TPCH_COLORS[colors[k]]);
        }
        int mfgr = (int)cn_tpch_rand(&r, 1, 5);
        w = put_str(w, "|Manufacturer#");
        *w++ = (char)('0' + mfgr);
        w = put_str(w, "|Brand#");
        *w++ = (char)('0' + mfgr);
        *w++ = (char)('0' + cn_tpch_rand(&r, 1, 5));
        *w++ = '|';
        w = put_str(w, CN_TPCH_TYPE1[cn_tpch_rand(&r, 0, 5)]);
        *w++ = ' ';
        w = put_str(w, CN_TPCH_TYPE2[cn_tpch_rand(&r, 0, 4)]);
        *w++ = ' ';
        w = put_str(w, CN_TPCH_TYPE3[cn_tpch_rand(&r, 0, 4)]);
        *w++ = '|';
        w = put_uint(w, (uint64_t)cn_tpch_rand(&r, 1, 50));
        *w++ = '|';
        w = put_str(w, CN_TPCH_CONT1[cn_tpch_rand(&r, 0, 4)]);
        *w++ = ' ';
        w = put_str(w, CN_TPCH_CONT2[cn_tpch_rand(&r, 0, 7)]);
        *w++ = '|';
        w = put_money(w, retail_cents(pk));
        *w++ = '|';
        w = put_text(g, &r, w, 5, 22);
        *w++ = '|';
        *w++ = '\n';
        out[0].len = (size_t)(w - out[0].p);

        for (int s = 0; s < 4; s++) {
            w = ob_cursor(&out[1]);
            w = put_uint(w, (uint64_t)pk);
            *w++ = '|';
            w = put_uint(w, (uint64_t)part_supplier(g, pk, s));
            *w++ = '|';
            w = put_uint(w, (uint64_t)cn_tpch_rand(&r, 1, 9999));
            *w++ = '|';
            w = put_money(w, cn_tpch_rand(&r, 100, 100000));
            *w++ = '|';
            w = put_text(g, &r, w, 49, 198);
            *w++ = '|';
            *w++ = '\n';
            out[1].len = (size_t)(w - out[1].p);
        }
    }
}

static void gen_orders(const gen_ctx *g, int64_t chunk, obuf *out)
{
    const group *gr = &g->groups[G_ORDERS];
    int64_t lo, hi;
    chunk_range(gr, chunk, &lo, &hi);
    cn_tpch_rng r;
    cn_tpch_rng_seed(&r, 1000 + G_ORDERS, (uint64_t)chunk);
    for (int64_t i = lo; i < hi; i++) {
        int64_t okey = order_key(i);
        int64_t cust;
        do cust = cn_tpch_rand(&r, 1, g->ncust);
        while (cust % 3 == 0);
        int od = (int)cn_tpch_rand(&r, 0, ORDER_DATE_MAX);
        int nlines = (int)cn_tpch_rand(&r, 1, 7), nf = 0, no = 0;
        int64_t total = 0;
        for (int ln = 1; ln <= nlines; ln++) {
            int64_t pk = cn_tpch_rand(&r, 1, g->npart);
            int64_t sk = part_supplier(g, pk, (int)cn_tpch_rand(&r, 0, 3));
            int64_t qty = cn_tpch_rand(&r, 1, 50);
            int64_t ext = qty * retail_cents(pk);
            int64_t disc = cn_tpch_rand(&r, 0, 10), tax = cn_tpch_rand(&r, 0, 8);
            int ship = od + (int)cn_tpch_rand(&r, 1, 121);
            int commit = od + (int)cn_tpch_rand(&r, 30, 90);
            int receipt = ship + (int)cn_tpch_rand(&r, 1, 30);
            char rflag = receipt <= CURRENT_DATE ? (cn_tpch_rand(&r, 0, 1) ? 'R' : 'A') : 'N';
            char lstatus = ship > CURRENT_DATE ? 'O' : 'F';
            nf += lstatus == 'F';
            no += lstatus == 'O';
            total += (ext * (100 - disc) * (100 + tax) + 5000) / 10000;

            char *w = ob_cursor(&out[1]);
            w = put_uint(w, (uint64_t)okey);
            *w++ = '|';
            w = put_uint(w, (uint64_t)pk);
            *w++ = '|';
            w = put_uint(w, (uint64_t)sk);
            *w++ = '|';
            *w++ = (char)('0' + ln);
            *w++ = '|';
            w = put_money(w, qty * 100);
            *w++ = '|';
            w = put_money(w, ext);
            *w++ = '|';
            w = put_money(w, disc);
            *w++ = '|';
            w = put_money(w, tax);
            *w++ = '|';
            *w++ = rflag;
            *w++ = '|';
            *w++ = lstatus;
            *w++ = '|';
            w = put_date(g, w, ship);
            *w++ = '|';
            w = put_date(g, w, commit);
            *w++ = '|';
            w = put_date(g, w, receipt);
            *w++ = '|';
            w = put_str(w, CN_TPCH_INSTRUCTS[cn_tpch_rand(&r, 0, 3)]);
            *w++ = '|';
            w = put_str(w, CN_TPCH_SHIPMODES[cn_tpch_rand(&r, 0, 6)]);
            *w++ = '|';
            w = put_text(g, &r, w, 10, 43);
            *w++ = '|';
            *w++ = '\n';
            out[1].len = (size_t)(w - out[1].p);
        }
        char *w = ob_cursor(&out[0]);
        w = put_uint(w, (uint64_t)okey);
        *w++ = '|';
        w = put_uint(w, (uint64_t)cust);
        *w++ = '|';
        *w++ = nf == nlines ? 'F' : no == nlines ? 'O' : 'P';
        *w++ = '|';
        w = put_money(w, total);
        *w++ = '|';
        w = put_date(g, w, od);
        *w++ = '|';
        w = put_str(w, CN_TPCH_PRIORITIES[cn_tpch_rand(&r, 0, 4)]);
        w = put_str(w, "|Clerk#");
        w = put_pad9(w, cn_tpch_rand(&r, 1, g->nclerks));
        w = put_str(w, "|0|");
        w = put_text(g, &r, w, 19, 78);
        *w++ = '|';
        *w++ = '\n';
        out[0].len = (size_t)(w - out[0].p);
    }
}

/* ---- driver ------------------------------------------------------------ */

static int64_t scaled(double sf, double base)
{
    int64_t n = llround(sf * base);
    return n < 1 ? 1 : n;
}

void cn_datagen_tpch_counts(double sf, cn_tpch_counts *out)
{
    out->supplier = scaled(sf, 10000);
    out->part = scaled(sf, 200000);
    out->partsupp = out->part * 4;
    out->customer = scaled(sf, 150000);
    out->orders = scaled(sf, 1500000);
}

static void fail(gen_ctx *g, const char *what, const char *file)
{
    pthread_mutex_lock(&g->mu);
    if (!g->failed) {
        g->failed = true;
        snprintf(g->errmsg, sizeof(g->errmsg), "%s %s: %s", what, file, strerror(errno));
    }
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

static void *worker(void *arg)
{
    gen_ctx *g = arg;
    obuf out[2];
    memset(out, 0, sizeof(out));
    for (;;) {
        int64_t u = atomic_fetch_add(&g->next_unit, 1);
        if (u >= g->nunits) break;
        int gi = 0;
        while (gi + 1 < NGROUPS && g->unit_base[gi + 1] <= u) gi++;
        group *gr = &g->groups[gi];
        int64_t chunk = u - g->unit_base[gi];
        out[0].len = out[1].len = 0;
        gr->gen(g, chunk, out);

        pthread_mutex_lock(&g->mu);
        while (gr->next_write != chunk && !g->failed) pthread_cond_wait(&g->cv, &g->mu);
        bool failed = g->failed;
        pthread_mutex_unlock(&g->mu);
        if (failed) break;
        /* Only this worker may write the group now: the others wait for next_write. */
        for (int k = 0; k < gr->nfiles; k++) {
            if (out[k].len && fwrite(out[k].p, 1, out[k].len, gr->f[k]) != out[k].len) {
                fail(g, "cannot write", gr->files[k]);
                break;
            }
        }
        pthread_mutex_lock(&g->mu);
        gr->next_write++;
        pthread_cond_broadcast(&g->cv);
        failed = g->failed;
        pthread_mutex_unlock(&g->mu);
        if (failed) break;
    }
    free(out[0].p);
    free(out[1].p);
    return NULL;
}

static int make_dirs(const char *path, char *errbuf, size_t cap)
{
    char *p = cn_xstrdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                snprintf(errbuf, cap, "cannot create directory %s: %s", p, strerror(errno));
                rc = -1;
                break;
            }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    return rc;
}

static void pick_flagged_suppliers(gen_ctx *g)
{
    g->supp_flag = cn_xcalloc((size_t)g->nsupp, 1);
    int64_t n = scaled(g->sf, 5);
    if (2 * n > g->nsupp / 2) n = CN_MAX(g->nsupp / 4, 0);
    cn_tpch_rng r;
    cn_tpch_rng_seed(&r, 77, 0);
    for (int kind = 1; kind <= 2; kind++) {
        for (int64_t k = 0; k < n; k++) {
            int64_t i;
            do i = cn_tpch_rand(&r, 0, g->nsupp - 1);
            while (g->supp_flag[i]);
            g->supp_flag[i] = (uint8_t)kind;
        }
    }
}

int cn_datagen_tpch(double sf, const char *outdir, int threads, cn_error *err)
{
    if (!(sf > 0) || sf > 100000) {
        char v[64];
        snprintf(v, sizeof(v), "%g", sf);
        return cn_error_set(err, "INVALID_CONF_VALUE", "confValue", v, "confName", "sf", NULL);
    }
    if (threads <= 0) threads = 1;
    if (threads > 64) threads = 64;
    char msg[600];
    if (make_dirs(outdir, msg, sizeof(msg)) != 0)
        return cn_error_set(err, "IO_ERROR", "message", msg, NULL);

    gen_ctx *g = cn_xcalloc(1, sizeof(*g));
    cn_tpch_counts c;
    cn_datagen_tpch_counts(sf, &c);
    g->sf = sf;
    g->nsupp = c.supplier;
    g->npart = c.part;
    g->ncust = c.customer;
    g->norders = c.orders;
    g->nclerks = scaled(sf, 1000);
    fill_dates(g);
    g->pool = cn_tpch_text_pool(POOL_SIZE);
    pick_flagged_suppliers(g);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);

    static const struct {
        const char *f0, *f1;
        int64_t chunk_rows;
        chunk_fn gen;
    } spec[NGROUPS] = {
        [G_ORDERS] = {"orders.tbl", "lineitem.tbl", 10000, gen_orders},
        [G_PART] = {"part.tbl", "partsupp.tbl", 10000, gen_part},
        [G_CUSTOMER] = {"customer.tbl", NULL, 30000, gen_customer},
        [G_SUPPLIER] = {"supplier.tbl", NULL, 25000, gen_supplier}, /* multiple of 25 */
        [G_NATION] = {"nation.tbl", NULL, 25, gen_nation},
        [G_REGION] = {"region.tbl", NULL, 5, gen_region},
    };
    int64_t rows[NGROUPS] = {g->norders, g->npart, g->ncust, g->nsupp, 25, 5};
    int rc = 0;
    char *paths[NGROUPS][2] = {{0}};
    g->nunits = 0;
    for (int i = 0; i < NGROUPS && rc == 0; i++) {
        group *gr = &g->groups[i];
        gr->files[0] = spec[i].f0;
        gr->files[1] = spec[i].f1;
        gr->nfiles = spec[i].f1 ? 2 : 1;
        gr->rows = rows[i];
        gr->chunk_rows = spec[i].chunk_rows;
        gr->nchunks = (rows[i] + gr->chunk_rows - 1) / gr->chunk_rows;
        gr->gen = spec[i].gen;
        g->unit_base[i] = g->nunits;
        g->nunits += gr->nchunks;
        for (int k = 0; k < gr->nfiles; k++) {
            size_t n = strlen(outdir) + strlen(gr->files[k]) + 2;
            paths[i][k] = cn_xmalloc(n);
            snprintf(paths[i][k], n, "%s/%s", outdir, gr->files[k]);
            gr->f[k] = fopen(paths[i][k], "w");
            if (!gr->f[k]) {
                snprintf(msg, sizeof(msg), "cannot create %s: %s", paths[i][k], strerror(errno));
                rc = cn_error_set(err, "IO_ERROR", "message", msg, NULL);
                break;
            }
            setvbuf(gr->f[k], NULL, _IOFBF, 1 << 20);
        }
    }

    if (rc == 0) {
        pthread_t tids[64];
        int started = 0;
        for (int t = 0; t < threads; t++) {
            if (pthread_create(&tids[t], NULL, worker, g) != 0) break;
            started++;
        }
        if (started == 0) worker(g);
        for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
        if (g->failed) rc = cn_error_set(err, "IO_ERROR", "message", g->errmsg, NULL);
    }
    for (int i = 0; i < NGROUPS; i++) {
        for (int k = 0; k < 2; k++) {
            if (g->groups[i].f[k] && fclose(g->groups[i].f[k]) != 0 && rc == 0) {
                snprintf(msg, sizeof(msg), "cannot write %s: %s", paths[i][k], strerror(errno));
                rc = cn_error_set(err, "IO_ERROR", "message", msg, NULL);
            }
            free(paths[i][k]);
        }
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    free((void *)g->pool);
    free(g->supp_flag);
    free(g);
    return rc;
}
