/*
 * test_datagen.c — unit tests of the TPC-H generator (src/datagen): row counts
 * at a tiny scale factor, byte-identical output for different thread counts,
 * key relationships (partsupp/lineitem suppliers, sparse order keys, customers
 * with key % 3 == 0 placing no orders), and the derived values of clause 4.2.3
 * (retail price formula, extended price, o_totalprice, o_orderstatus, return
 * flag and line status against 1995-06-17, phone country codes).
 */
#include "datagen/tpch.h"
#include "unit.h"

#include <stdio.h>
#include <unistd.h>

static char tmpl_dir[64];

static const char *gen_dir(void)
{
    if (tmpl_dir[0]) return tmpl_dir;
    snprintf(tmpl_dir, sizeof(tmpl_dir), "/tmp/cn_datagen_XXXXXX");
    if (!mkdtemp(tmpl_dir)) abort();
    cn_error e;
    cn_error_init(&e);
    if (cn_datagen_tpch(0.01, tmpl_dir, 2, &e) != 0) abort();
    return tmpl_dir;
}

/* Read a whole table file (malloc'd). */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    if (len) *len = got;
    return buf;
}

static long count_lines(const char *s)
{
    long n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* Split one line into fields (in place); returns count. */
static int split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *bar = strchr(p, '|');
        if (!bar) break;
        *bar = '\0';
        fields[n++] = p;
        p = bar + 1;
    }
    return n;
}

static long cents(const char *s)
{
    double d = atof(s);
    return (long)(d * 100 + (d < 0 ? -0.5 : 0.5));
}

static const char *TABLES[] = {"region.tbl", "nation.tbl", "supplier.tbl", "customer.tbl",
                               "part.tbl", "partsupp.tbl", "orders.tbl", "lineitem.tbl"};

TEST(row_counts)
{
    const char *d = gen_dir();
    long expect[] = {5, 25, 100, 1500, 2000, 8000, 15000, -1};
    for (int i = 0; i < 8; i++) {
        char *s = slurp(d, TABLES[i], NULL);
        CHECK(s != NULL);
        if (!s) continue;
        long n = count_lines(s);
        if (expect[i] >= 0) CHECK_INT(n, expect[i]);
        else CHECK(n >= 15000 && n <= 7 * 15000);
        free(s);
    }
    cn_tpch_counts c;
    cn_datagen_tpch_counts(1, &c);
    CHECK_INT(c.supplier, 10000);
    CHECK_INT(c.part, 200000);
    CHECK_INT(c.partsupp, 800000);
    CHECK_INT(c.customer, 150000);
    CHECK_INT(c.orders, 1500000);
}

TEST(deterministic_across_threads)
{
    const char *d = gen_dir();
    char other[64];
    snprintf(other, sizeof(other), "/tmp/cn_datagen_XXXXXX");
    CHECK(mkdtemp(other) != NULL);
    cn_error e;
    cn_error_init(&e);
    CHECK_INT(cn_datagen_tpch(0.01, other, 1, &e), 0);
    for (int i = 0; i < 8; i++) {
        size_t la, lb;
        char *a = slurp(d, TABLES[i], &la), *b = slurp(other, TABLES[i], &lb);
        CHECK(a && b && la == lb && memcmp(a, b, la) == 0);
        free(a);
        free(b);
        char path[128];
        snprintf(path, sizeof(path), "%s/%s", other, TABLES[i]);
        unlink(path);
    }
    rmdir(other);
}

TEST(part_and_partsupp)
{
    const char *d = gen_dir();
    char *part = slurp(d, "part.tbl", NULL), *ps = slurp(d, "partsupp.tbl", NULL);
    char *f[16];
    long rows = 0, bad = 0;
    for (char *line = strtok(part, "\n"); line; line = strtok(NULL, "\n")) {
        CHECK_INT(split(line, f, 16), 9);
        long pk = atol(f[0]);
        long price = 90000 + (pk / 10) % 20001 + 100 * (pk % 1000);
        bad += cents(f[7]) != price;
        int words = 1;
        for (char *c = f[1]; *c; c++) words += *c == ' ';
        bad += words != 5;
        bad += strncmp(f[2], "Manufacturer#", 13) != 0 || strncmp(f[3], "Brand#", 6) != 0;
        bad += f[2][13] != f[3][6];
        bad += atoi(f[5]) < 1 || atoi(f[5]) > 50;
        rows++;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(rows, 2000);
    long nsupp = 100, prev = -1, seen = 0;
    long supp[4];
    for (char *line = strtok(ps, "\n"); line; line = strtok(NULL, "\n")) {
        split(line, f, 16);
        long pk = atol(f[0]), sk = atol(f[1]);
        if (pk != prev) seen = 0, prev = pk;
        long want = (pk + seen * (nsupp / 4 + (pk - 1) / nsupp)) % nsupp + 1;
        CHECK_INT(sk, want);
        for (int k = 0; k < seen; k++) CHECK(supp[k] != sk);
        supp[seen++] = sk;
        CHECK(seen <= 4);
    }
    free(part);
    free(ps);
}

TEST(orders_and_lineitems)
{
    const char *d = gen_dir();
    char *ord = slurp(d, "orders.tbl", NULL), *li = slurp(d, "lineitem.tbl", NULL);
    char *f[20];
    /* lineitems per order: total, status */
    enum { MAXKEY = 15000 * 4 + 32 };
    static long total[MAXKEY];
    static int nlines[MAXKEY], nf[MAXKEY], no[MAXKEY];
    memset(total, 0, sizeof(total));
    memset(nlines, 0, sizeof(nlines));
    memset(nf, 0, sizeof(nf));
    memset(no, 0, sizeof(no));
    long bad = 0;
    for (char *line = strtok(li, "\n"); line; line = strtok(NULL, "\n")) {
        CHECK_INT(split(line, f, 20), 16);
        long ok = atol(f[0]), pk = atol(f[1]), sk = atol(f[2]);
        if (ok <= 0 || ok >= MAXKEY) { bad++; continue; }
        bad += atoi(f[3]) != ++nlines[ok];
        long price = 90000 + (pk / 10) % 20001 + 100 * (pk % 1000);
        long qty = cents(f[4]) / 100, ext = cents(f[5]), disc = cents(f[6]), tax = cents(f[7]);
        bad += ext != qty * price;
        bad += qty < 1 || qty > 50 || disc < 0 || disc > 10 || tax < 0 || tax > 8;
        bool supplier_ok = false;
        for (int i = 0; i < 4; i++) supplier_ok |= sk == (pk + i * (100 / 4 + (pk - 1) / 100)) % 100 + 1;
        bad += !supplier_ok;
        total[ok] += (ext * (100 - disc) * (100 + tax) + 5000) / 10000;
        /* dates compare as text */
        bad += strcmp(f[12], f[10]) <= 0; /* receipt > ship */
        bool received = strcmp(f[12], "1995-06-17") <= 0;
        bad += received ? !(f[8][0] == 'R' || f[8][0] == 'A') : f[8][0] != 'N';
        char st = strcmp(f[10], "1995-06-17") > 0 ? 'O' : 'F';
        bad += f[9][0] != st;
        nf[ok] += st == 'F';
        no[ok] += st == 'O';
        bad += strcmp(f[10], "1992-01-02") < 0 || strcmp(f[12], "1998-12-31") > 0;
    }
    long orders = 0;
    for (char *line = strtok(ord, "\n"); line; line = strtok(NULL, "\n")) {
        CHECK_INT(split(line, f, 20), 9);
        long ok = atol(f[0]), ck = atol(f[1]);
        long idx = orders++;
        bad += ok != (idx / 8) * 32 + idx % 8 + 1;
        if (ok <= 0 || ok >= MAXKEY) { bad++; continue; }
        bad += ck % 3 == 0 || ck < 1 || ck > 1500;
        bad += nlines[ok] < 1 || nlines[ok] > 7;
        bad += cents(f[3]) != total[ok];
        char st = nf[ok] == nlines[ok] ? 'F' : no[ok] == nlines[ok] ? 'O' : 'P';
        bad += f[2][0] != st;
        bad += strcmp(f[4], "1992-01-01") < 0 || strcmp(f[4], "1998-08-02") > 0;
        bad += strncmp(f[6], "Clerk#", 6) != 0 || strlen(f[6]) != 15;
        bad += strcmp(f[7], "0") != 0;
    }
    CHECK_INT(orders, 15000);
    CHECK_INT(bad, 0);
    free(ord);
    free(li);
}

TEST(customers_suppliers_nations)
{
    const char *d = gen_dir();
    char *s = slurp(d, "customer.tbl", NULL);
    char *f[20];
    long bad = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        CHECK_INT(split(line, f, 20), 8);
        int nk = atoi(f[3]);
        bad += nk < 0 || nk > 24 || atoi(f[4]) != nk + 10 || strlen(f[4]) != 15;
        long bal = cents(f[5]);
        bad += bal < -99999 || bal > 999999;
        bad += strlen(f[1]) != 18;
    }
    CHECK_INT(bad, 0);
    free(s);
    s = slurp(d, "nation.tbl", NULL);
    CHECK(strstr(s, "\n7|GERMANY|3|") != NULL);
    CHECK(strstr(s, "\n24|UNITED STATES|1|") != NULL);
    free(s);
    s = slurp(d, "region.tbl", NULL);
    CHECK(strstr(s, "\n4|MIDDLE EAST|") != NULL);
    free(s);
    s = slurp(d, "supplier.tbl", NULL);
    CHECK(strstr(s, "Customer") != NULL && strstr(s, "Complaints") != NULL);
    CHECK(strstr(s, "Supplier#000000100|") != NULL);
    free(s);
}

TEST(bad_arguments)
{
    cn_error e;
    cn_error_init(&e);
    CHECK_INT(cn_datagen_tpch(0, "/tmp/never", 1, &e), -1);
    CHECK_STR(e.cls, "INVALID_CONF_VALUE");
    cn_error_clear(&e);
    CHECK_INT(cn_datagen_tpch(0.001, "/proc/no/such/dir", 1, &e), -1);
    CHECK_STR(e.cls, "IO_ERROR");
    cn_error_clear(&e);
}

TEST(zz_cleanup)
{
    const char *d = gen_dir();
    for (int i = 0; i < 8; i++) {
        char path[128];
        snprintf(path, sizeof(path), "%s/%s", d, TABLES[i]);
        unlink(path);
    }
    CHECK_INT(rmdir(d), 0);
}
