/*
 * gen_seeds.c — writes the binary seed corpora of tests/fuzz/corpus/ from the
 * real encoders, so seeds follow the formats (run by `run.sh --seeds`; the
 * output is committed and this program is not part of any build).
 *
 *   block/    frames of small batches of every type (codecs none, lz4, zstd),
 *             in the fuzz_block input layout (mode byte 0 + frames, and mode 1 + payload)
 *   shuffle/  the data + index files of a map output, in fuzz_shuffle's layout
 *   plan/     every stage fragment (cn_pplan_write) and expression (cn_expr_write)
 *             serialized while a session runs a few queries: the writers are
 *             wrapped with the linker's --wrap to record their output
 *   codec/    a few reader programs over small buffers
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <unistd.h>

#include "api/session.h"
#include "base/codec.h"
#include "fuzz_common.h"
#include "plan/physical.h"
#include "shuffle/shuffle.h"
#include "storage/block.h"

static const char *root = "tests/fuzz/corpus";
static int nplan, nexpr;
static int in_plan_write;

static void save(const char *target, const char *name, const uint8_t *pre, size_t npre, const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, target);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
    FILE *f = fopen(path, "wb");
    if (!f) fuzz_fail(path);
    fwrite(pre, 1, npre, f);
    fwrite(p, 1, n, f);
    fclose(f);
}

void __real_cn_pplan_write(cn_writer *w, const cn_pplan *p);
void __wrap_cn_pplan_write(cn_writer *w, const cn_pplan *p)
{
    size_t at = w->len;
    in_plan_write++;
    __real_cn_pplan_write(w, p);
    in_plan_write--;
    if (nplan < 40) {
        char name[64];
        snprintf(name, sizeof name, "gen_plan_%02d", nplan++);
        uint8_t mode = 0;
        save("plan", name, &mode, 1, w->buf + at, w->len - at);
    }
}

void __real_cn_expr_write(cn_writer *w, const cn_expr *e);
void __wrap_cn_expr_write(cn_writer *w, const cn_expr *e)
{
    size_t at = w->len;
    __real_cn_expr_write(w, e);
    if (nexpr < 40 && w->len - at > 12) {
        char name[64];
        snprintf(name, sizeof name, "gen_expr_%02d", nexpr++);
        uint8_t mode = 1;
        save("plan", name, &mode, 1, w->buf + at, w->len - at);
    }
}

static cn_batch *sample_batch(cn_arena *a, int rows)
{
    cn_type types[] = {cn_type_of(CN_BOOLEAN), cn_type_of(CN_TINYINT), cn_type_of(CN_INT), cn_type_of(CN_BIGINT),
                       cn_type_of(CN_DOUBLE), cn_type_decimal(10, 2), cn_type_decimal(30, 5), cn_type_of(CN_STRING),
                       cn_type_of(CN_DATE), cn_type_of(CN_TIMESTAMP)};
    int nc = (int)(sizeof types / sizeof types[0]);
    cn_batch *b = cn_batch_new(a, nc, types, rows);
    b->count = rows;
    for (int i = 0; i < rows; i++) {
        ((uint8_t *)b->cols[0].data)[i] = (uint8_t)(i & 1);
        ((int8_t *)b->cols[1].data)[i] = (int8_t)(i - 3);
        ((int32_t *)b->cols[2].data)[i] = i * 1000;
        ((int64_t *)b->cols[3].data)[i] = (int64_t)i << 40;
        ((double *)b->cols[4].data)[i] = i / 3.0;
        ((int64_t *)b->cols[5].data)[i] = i * 12345;
        ((cn_i128 *)b->cols[6].data)[i] = (cn_i128)i * 1000000007;
        const char *s = i % 3 == 0 ? "short" : "a string longer than twelve bytes";
        ((cn_str *)b->cols[7].data)[i] = cn_str_view(s, (uint32_t)strlen(s));
        ((int32_t *)b->cols[8].data)[i] = 18000 + i;
        ((int64_t *)b->cols[9].data)[i] = (int64_t)1600000000000000 + i;
        if (i % 4 == 1) cn_vec_set_null(&b->cols[i % 10], i, a);
    }
    return b;
}

static void gen_block(void)
{
    cn_arena *a = cn_arena_new("gen", NULL);
    int rows[] = {0, 1, 5};
    for (int k = 0; k < 3; k++) {
        cn_batch *b = sample_batch(a, rows[k]);
        for (int codec = 0; codec <= 2; codec++) {
            cn_writer w;
            cn_writer_init(&w);
            cn_error err;
            cn_error_init(&err);
            if (cn_block_encode(b, (cn_codec_kind)codec, &w, &err)) fuzz_fail("encode");
            char name[64];
            snprintf(name, sizeof name, "gen_frame_r%d_%s", rows[k], cn_codec_name((cn_codec_kind)codec));
            uint8_t mode = 0;
            save("block", name, &mode, 1, w.buf, w.len);
            if (codec == CN_CODEC_NONE) { /* mode 1: the payload alone */
                snprintf(name, sizeof name, "gen_payload_r%d", rows[k]);
                mode = 1;
                save("block", name, &mode, 1, w.buf + CN_BLOCK_HEADER_SIZE, w.len - CN_BLOCK_HEADER_SIZE);
            } else { /* modes 2/3: raw length + compressed bytes */
                snprintf(name, sizeof name, "gen_stored_r%d_%s", rows[k], cn_codec_name((cn_codec_kind)codec));
                uint8_t pre[5] = {(uint8_t)(codec == CN_CODEC_LZ4 ? 2 : 3)};
                memcpy(pre + 1, w.buf + 4, 4);
                save("block", name, pre, 5, w.buf + CN_BLOCK_HEADER_SIZE, w.len - CN_BLOCK_HEADER_SIZE);
            }
            cn_writer_free(&w);
        }
    }
    cn_arena_free(a);
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) fuzz_fail(path);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)sz + 1);
    if (fread(p, 1, (size_t)sz, f) != (size_t)sz) fuzz_fail("short read");
    fclose(f);
    *n = (size_t)sz;
    return p;
}

static void gen_shuffle(void)
{
    char dir[] = "/tmp/cinder-gen-seeds-XXXXXX";
    if (!mkdtemp(dir)) fuzz_fail("mkdtemp");
    cn_arena *a = cn_arena_new("gen", NULL);
    cn_batch *b = sample_batch(a, 6);
    cn_error err;
    cn_error_init(&err);
    int nparts = 3;
    cn_type types[10];
    for (int c = 0; c < b->ncols; c++) types[c] = b->cols[c].type;
    cn_shuffle_writer_opts o = {.dir = dir, .shuffle_id = 0, .map_id = 0, .nparts = nparts, .ncols = b->ncols,
                                .types = types, .codec = CN_CODEC_LZ4};
    cn_shuffle_writer *w = cn_shuffle_writer_new(&o, &err);
    if (!w) fuzz_fail("writer");
    int32_t pids[6] = {0, 2, 2, 0, 2, 0};
    if (cn_shuffle_writer_write(w, b, pids, &err)) fuzz_fail("write");
    cn_map_status st;
    if (cn_shuffle_writer_close(w, &st, &err)) fuzz_fail("close");
    size_t ni, nd;
    uint8_t *ib = slurp(st.index_path, &ni), *db = slurp(st.data_path, &nd);
    for (int part = 0; part < nparts; part++)
        for (int mode = 0; mode < 2; mode++) {
            /* part, flags, s16 off, u16 len, u16 index length, index, data */
            int64_t off = 0, len = 0;
            if (mode) {
                for (int i = 0; i < 8; i++) off |= (int64_t)ib[part * 8 + i] << (8 * i);
                int64_t end = 0;
                for (int i = 0; i < 8; i++) end |= (int64_t)ib[(part + 1) * 8 + i] << (8 * i);
                len = end - off;
            }
            uint8_t pre[8] = {(uint8_t)part, (uint8_t)(mode ? 3 : 0), (uint8_t)off, (uint8_t)(off >> 8),
                              (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)ni, (uint8_t)(ni >> 8)};
            size_t n = 8 + ni + nd;
            uint8_t *p = malloc(n);
            memcpy(p, pre, 8);
            memcpy(p + 8, ib, ni);
            memcpy(p + 8 + ni, db, nd);
            char name[64];
            snprintf(name, sizeof name, "gen_map_part%d_%s", part, mode ? "ranged_mem" : "index");
            save("shuffle", name, NULL, 0, p, n);
            free(p);
        }
    unlink(st.index_path);
    unlink(st.data_path);
    rmdir(dir);
    free(ib);
    free(db);
    cn_map_status_free(&st);
    cn_arena_free(a);
}

static void gen_codec(void)
{
    cn_writer w;
    cn_writer_init(&w);
    cn_put_uvar(&w, 300);
    cn_put_svar(&w, -5);
    cn_put_str(&w, "hello");
    cn_put_bytes(&w, "\x01\x02\x03", 3);
    cn_put_u32(&w, 0xdeadbeef);
    cn_put_u64(&w, 1ull << 60);
    cn_put_f64(&w, 2.5);
    cn_put_str(&w, NULL);
    uint8_t ops[] = {9, 1, 2, 8, 6, 3, 4, 5, 8, 7};
    save("codec", "gen_all_ops", ops, sizeof ops, w.buf, w.len);
    cn_writer_free(&w);
}

static void gen_plans(void)
{
    cn_conf *c = cn_conf_new();
    cn_error err;
    cn_error_init(&err);
    cn_conf_set(c, "spark.master", "local[1]", &err);
    cn_conf_set(c, "spark.sql.shuffle.partitions", "2", &err);
    cn_session *s = cn_session_new(c, &err);
    if (!s) fuzz_fail("session");
    const char *qs[] = {
        ("CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a', 2.5D, DATE'2020-01-02'), (2, 'bb', NULL, NULL), "
         "(3, 'a', -1.0D, DATE'1999-12-31') AS t(k, s, d, dt)"),
        "SELECT k, upper(s), d * 2, dt + 1 FROM t WHERE k > 1 AND s LIKE 'a%'",
        "SELECT s, count(*), sum(d), avg(k), max(dt) FROM t GROUP BY s ORDER BY s",
        "SELECT a.k, b.s FROM t a JOIN t b ON a.k = b.k LEFT JOIN t c ON c.s = a.s",
        "SELECT k, CASE WHEN k IN (1, 2) THEN 'x' ELSE cast(k AS string) END FROM t ORDER BY d DESC NULLS LAST LIMIT 2",
        "SELECT DISTINCT s FROM t UNION ALL SELECT 'z'",
        "SELECT k FROM t WHERE EXISTS (SELECT 1 FROM t u WHERE u.k = t.k + 1)",
        "SELECT cast(k AS decimal(30, 3)) / 7, coalesce(d, 0) FROM t",
    };
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        cn_result *r = NULL;
        if (cn_session_sql(s, qs[i], &r, &err) != 0) {
            char buf[512];
            fprintf(stderr, "gen_seeds: %s: %s\n", qs[i], cn_error_message(&err, buf, sizeof buf));
            cn_error_clear(&err);
        }
        if (r) cn_result_free(r);
    }
    cn_session_free(s);
    cn_conf_free(c);
}

int main(int argc, char **argv)
{
    if (argc > 1) root = argv[1];
    gen_block();
    gen_shuffle();
    gen_codec();
    gen_plans();
    printf("gen_seeds: %d plans, %d expressions\n", nplan, nexpr);
    return 0;
}

/* unused here: fuzz_common.h declares it */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return 0; }
