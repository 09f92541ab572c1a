/*
 * test_storage.c — storage layer: block codec round trips for every type
 * (NULLs, short and long strings, selection vectors) under each codec,
 * corrupt and truncated frames failing cleanly, the memory manager's pools,
 * the cache store, broadcasts (decode once, table built once across
 * threads) and per-query directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/hash.h"
#include "storage/block.h"
#include "storage/broadcast.h"
#include "storage/cache.h"
#include "storage/disk.h"
#include "storage/memory.h"
#include "unit.h"

static cn_type all_types[] = {
    {CN_BOOLEAN, 0, 0, 0}, {CN_TINYINT, 0, 0, 0}, {CN_SMALLINT, 0, 0, 0}, {CN_INT, 0, 0, 0},
    {CN_BIGINT, 0, 0, 0},  {CN_FLOAT, 0, 0, 0},   {CN_DOUBLE, 0, 0, 0},   {CN_DECIMAL, 12, 2, 0},
    {CN_DECIMAL, 30, 5, 0}, {CN_STRING, 0, 0, 0}, {CN_DATE, 0, 0, 0},     {CN_TIMESTAMP, 0, 0, 0},
    {CN_INTERVAL_YM, 0, 0, 0}, {CN_INTERVAL_DT, 0, 0, 0}, {CN_NULL, 0, 0, 0},
};
#define NT CN_ARRAY_LEN(all_types)

static char long_text[200];

/* Row i of column c: deterministic values; NULL when (i + c) % 7 == 3 for odd columns. */
static cn_batch *make_batch(cn_arena *a, int n)
{
    for (int i = 0; i < (int)sizeof long_text; i++) long_text[i] = (char)('a' + i % 26);
    cn_batch *b = cn_batch_new(a, NT, all_types, n);
    b->count = n;
    for (int c = 0; c < NT; c++) {
        cn_vector *v = &b->cols[c];
        for (int i = 0; i < n; i++) {
            switch (all_types[c].kind) {
            case CN_BOOLEAN: ((uint8_t *)v->data)[i] = i & 1; break;
            case CN_TINYINT: ((int8_t *)v->data)[i] = (int8_t)(i * 7); break;
            case CN_SMALLINT: ((int16_t *)v->data)[i] = (int16_t)(i * 300 - 5000); break;
            case CN_INT: case CN_DATE: case CN_INTERVAL_YM: ((int32_t *)v->data)[i] = i * 100003 - 7; break;
            case CN_BIGINT: case CN_TIMESTAMP: case CN_INTERVAL_DT: ((int64_t *)v->data)[i] = (int64_t)i * 1000000007LL - 3; break;
            case CN_FLOAT: ((float *)v->data)[i] = (float)i * 0.5f; break;
            case CN_DOUBLE: ((double *)v->data)[i] = i * 1.25 - 3; break;
            case CN_DECIMAL:
                if (all_types[c].precision <= 18) ((int64_t *)v->data)[i] = (int64_t)i * 12345;
                else ((__int128 *)v->data)[i] = (__int128)i * 1000000000000000000LL * 1000 - 1;
                break;
            case CN_STRING: {
                int len = i % 3 == 0 ? (i % 40) + 13 : i % 13; /* long and short */
                ((cn_str *)v->data)[i] = cn_str_view(long_text + (i % 50), (uint32_t)len);
                break;
            }
            default: break;
            }
            if ((c & 1) && (i + c) % 7 == 3) cn_vec_set_null(v, i, a);
        }
    }
    return b;
}

static bool same_cell(const cn_vector *x, int i, const cn_vector *y, int j)
{
    bool vx = cn_vec_valid(x, i), vy = cn_vec_valid(y, j);
    if (vx != vy) return false;
    if (!vx) return true;
    if (!cn_type_eq(x->type, y->type)) return false;
    if (cn_type_phys(x->type) == CN_PHYS_STR) return cn_str_eq(&((cn_str *)x->data)[i], &((cn_str *)y->data)[j]);
    int w = cn_type_width(x->type);
    return memcmp((char *)x->data + (size_t)i * w, (char *)y->data + (size_t)j * w, (size_t)w) == 0;
}

/* b2 (dense) equals the live rows of b */
static bool same_rows(const cn_batch *b, const cn_batch *b2)
{
    if (b2->ncols != b->ncols || b2->count != cn_batch_live(b) || b2->sel) return false;
    for (int c = 0; c < b->ncols; c++)
        for (int i = 0; i < b2->count; i++)
            if (!same_cell(&b->cols[c], cn_batch_row(b, i), &b2->cols[c], i)) return false;
    return true;
}

TEST(block_roundtrip_all_types_all_codecs)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 1000);
    cn_codec_kind codecs[] = {CN_CODEC_NONE, CN_CODEC_LZ4, CN_CODEC_ZSTD};
    for (int k = 0; k < 3; k++) {
        cn_writer w;
        cn_writer_init(&w);
        cn_error err;
        cn_error_init(&err);
        CHECK_INT(cn_block_encode(b, codecs[k], &w, &err), 0);
        cn_batch *out = NULL;
        size_t used = 0;
        CHECK_INT(cn_block_decode(w.buf, w.len, a, &out, &used, &err), 0);
        CHECK_INT(used, w.len);
        CHECK(out && same_rows(b, out));
        /* compressible data really got compressed */
        if (codecs[k] != CN_CODEC_NONE) CHECK(w.buf[1] == codecs[k]);
        cn_writer_free(&w);
        cn_error_clear(&err);
    }
    cn_arena_free(a);
}

TEST(block_selection_vector_and_consecutive_frames)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 300);
    b->sel = cn_arena_alloc(a, 300 * sizeof(uint16_t));
    b->nsel = 0;
    for (int i = 0; i < 300; i++)
        if (i % 3 != 1) b->sel[b->nsel++] = (uint16_t)i;
    cn_writer w;
    cn_writer_init(&w);
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_block_encode(b, CN_CODEC_LZ4, &w, &err), 0);
    CHECK_INT(cn_block_encode(b, CN_CODEC_ZSTD, &w, &err), 0);
    cn_batch empty = *b;
    empty.nsel = 0;
    CHECK_INT(cn_block_encode(&empty, CN_CODEC_LZ4, &w, &err), 0);
    size_t off = 0, used;
    cn_batch *out;
    for (int f = 0; f < 2; f++) {
        CHECK_INT(cn_block_decode(w.buf + off, w.len - off, a, &out, &used, &err), 0);
        CHECK(same_rows(b, out));
        off += used;
    }
    CHECK_INT(cn_block_decode(w.buf + off, w.len - off, a, &out, &used, &err), 0);
    CHECK_INT(out->count, 0);
    CHECK_INT(off + used, w.len);
    /* a column without NULLs among the selected rows carries no bitmap */
    cn_writer_free(&w);
    cn_arena_free(a);
}

TEST(block_no_nulls_no_bitmap_and_strings_only)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_type t[2] = {{CN_STRING, 0, 0, 0}, {CN_INT, 0, 0, 0}};
    cn_batch *b = cn_batch_new(a, 2, t, 3);
    b->count = 3;
    const char *s[3] = {"", "short", "a string longer than twelve bytes"};
    for (int i = 0; i < 3; i++) {
        ((cn_str *)b->cols[0].data)[i] = cn_str_view(s[i], (uint32_t)strlen(s[i]));
        ((int32_t *)b->cols[1].data)[i] = -i;
    }
    cn_writer w;
    cn_writer_init(&w);
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_block_encode(b, CN_CODEC_NONE, &w, &err), 0);
    cn_batch *out;
    CHECK_INT(cn_block_decode(w.buf, w.len, a, &out, NULL, &err), 0);
    CHECK(same_rows(b, out));
    CHECK(out->cols[0].validity == NULL && out->cols[1].validity == NULL);
    CHECK_INT(((cn_str *)out->cols[0].data)[2].len, 33);
    CHECK(memcmp(cn_str_data(&((cn_str *)out->cols[0].data)[2]), s[2], 33) == 0);
    cn_writer_free(&w);
    cn_arena_free(a);
}

/* NULL rows may hold garbage string views (vector.h): encoding, appending and sizing must not
 * follow their pointers or count their lengths (an outer join's NULL side, the 0xbe fill of ASan) */
TEST(block_null_strings_with_garbage_views)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_type t[1] = {{CN_STRING, 0, 0, 0}};
    cn_batch *b = cn_batch_new(a, 1, t, 4);
    b->count = 4;
    cn_str *d = b->cols[0].data;
    const char *longs = "a string longer than twelve bytes";
    d[0] = cn_str_view(longs, (uint32_t)strlen(longs));
    d[2] = cn_str_view("x", 1);
    for (int i = 1; i < 4; i += 2) {
        memset(&d[i], 0xbe, sizeof d[i]); /* len 0xbebebebe, pointer 0xbebe... */
        cn_vec_set_null(&b->cols[0], i, a);
    }
    cn_writer w;
    cn_writer_init(&w);
    cn_error err;
    cn_error_init(&err);
    uint16_t sel[3] = {0, 1, 3};
    CHECK_INT(cn_block_encode(b, CN_CODEC_LZ4, &w, &err), 0);
    CHECK_INT(cn_block_encode_rows(b, sel, 3, CN_CODEC_NONE, &w, &err), 0);
    CHECK(w.len < 1000);
    cn_batch *out, *out2;
    size_t used = 0;
    CHECK_INT(cn_block_decode(w.buf, w.len, a, &out, &used, &err), 0);
    CHECK_INT(cn_block_decode(w.buf + used, w.len - used, a, &out2, NULL, &err), 0);
    CHECK(same_rows(b, out));
    CHECK(out2->count == 3 && cn_vec_valid(&out2->cols[0], 0) && !cn_vec_valid(&out2->cols[0], 1) &&
          !cn_vec_valid(&out2->cols[0], 2));
    CHECK(cn_batch_mem_bytes(b) < 1000);
    cn_batch *dst = cn_batch_new(a, 1, t, 8);
    dst->count = 0;
    cn_batch_append_rows(dst, b, NULL, 4, a);
    CHECK(dst->count == 4 && !cn_vec_valid(&dst->cols[0], 3) && ((cn_str *)dst->cols[0].data)[0].len == 33);
    cn_batch sb = *b;
    sb.sel = sel;
    sb.nsel = 3;
    cn_batch *cb = cn_batch_compact(a, &sb);
    CHECK(cb->count == 3 && !cn_vec_valid(&cb->cols[0], 2) && ((cn_str *)cb->cols[0].data)[2].len == 0);
    cn_vector one;
    cn_vector_init(&one, t[0], 1, a);
    cn_vector_copy_row(&one, 0, &b->cols[0], 3, a);
    CHECK(!cn_vec_valid(&one, 0));
    cn_writer_free(&w);
    cn_error_clear(&err);
    cn_arena_free(a);
}

static int count_failures(const uint8_t *buf, size_t len)
{
    cn_arena *a = cn_arena_new("d", NULL);
    cn_error err;
    cn_error_init(&err);
    cn_batch *out;
    int rc = cn_block_decode(buf, len, a, &out, NULL, &err);
    if (rc) {
        CN_UNUSED(0);
    }
    cn_error_clear(&err);
    cn_arena_free(a);
    return rc ? 1 : 0;
}

TEST(block_corrupt_and_truncated_frames_fail_cleanly)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 64);
    cn_codec_kind codecs[] = {CN_CODEC_NONE, CN_CODEC_LZ4, CN_CODEC_ZSTD};
    for (int k = 0; k < 3; k++) {
        cn_writer w;
        cn_writer_init(&w);
        cn_error err;
        cn_error_init(&err);
        CHECK_INT(cn_block_encode(b, codecs[k], &w, &err), 0);
        uint8_t *copy = malloc(w.len);
        /* every truncation fails */
        int fails = 0;
        for (size_t n = 0; n < w.len; n++) {
            memcpy(copy, w.buf, n);
            fails += count_failures(copy, n);
        }
        CHECK_INT(fails, (long long)w.len);
        /* every single-byte change fails (checksum or header checks) */
        fails = 0;
        for (size_t i = 0; i < w.len; i++) {
            memcpy(copy, w.buf, w.len);
            copy[i] ^= (uint8_t)(1 + (i % 255));
            fails += count_failures(copy, w.len);
        }
        CHECK_INT(fails, (long long)w.len);
        /* the error names the problem */
        memcpy(copy, w.buf, w.len);
        copy[w.len - 1] ^= 0x40;
        cn_batch *out;
        CHECK_INT(cn_block_decode(copy, w.len, a, &out, NULL, &err), -1);
        CHECK_STR(err.cls, "INTERNAL_ERROR");
        char msg[256];
        cn_error_message(&err, msg, sizeof msg);
        CHECK(strstr(msg, "corrupt block") != NULL);
        cn_error_clear(&err);
        free(copy);
        cn_writer_free(&w);
    }
    cn_arena_free(a);
}

/* A hostile frame: payload bytes mutated, then the checksum recomputed (as block.c does). */
static void reseal(uint8_t *f, size_t stored)
{
    uint64_t seed = cn_hash64_bytes(f, 12, 0x5bd1e995u);
    uint32_t c = (uint32_t)cn_hash64_bytes(f + CN_BLOCK_HEADER_SIZE, stored, seed);
    for (int k = 0; k < 4; k++) f[12 + k] = (uint8_t)(c >> (8 * k));
}

TEST(block_hostile_payload_with_valid_checksum)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 40);
    cn_writer w;
    cn_writer_init(&w);
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_block_encode(b, CN_CODEC_NONE, &w, &err), 0);
    size_t stored = w.len - CN_BLOCK_HEADER_SIZE;
    uint8_t *copy = malloc(w.len);
    int ok = 0, bad = 0;
    for (size_t i = CN_BLOCK_HEADER_SIZE; i < w.len; i++) {
        for (int delta = 1; delta < 256; delta += 85) {
            memcpy(copy, w.buf, w.len);
            copy[i] = (uint8_t)(copy[i] + delta);
            reseal(copy, stored);
            cn_arena *d = cn_arena_new("d", NULL);
            cn_batch *out;
            if (cn_block_decode(copy, w.len, d, &out, NULL, &err) == 0) {
                ok++; /* data bytes changed: decodes to other values; touch every cell */
                for (int c = 0; c < out->ncols; c++)
                    for (int r = 0; r < out->count; r++)
                        if (cn_vec_valid(&out->cols[c], r) && cn_type_phys(out->cols[c].type) == CN_PHYS_STR) {
                            const cn_str *s = &((cn_str *)out->cols[c].data)[r];
                            volatile char sink = s->len ? cn_str_data(s)[s->len - 1] : 0;
                            (void)sink;
                        }
            } else {
                bad++;
                cn_error_clear(&err);
            }
            cn_arena_free(d);
        }
    }
    CHECK(bad > 0 && ok > 0);
    /* payload claims a huge row count */
    memcpy(copy, w.buf, w.len);
    copy[CN_BLOCK_HEADER_SIZE + 6] = 0x7f;
    reseal(copy, stored);
    cn_batch *out;
    CHECK_INT(cn_block_decode(copy, w.len, a, &out, NULL, &err), -1);
    cn_error_clear(&err);
    free(copy);
    cn_writer_free(&w);
    cn_arena_free(a);
}

/* A zstd frame whose header claims a raw length its zstd frame does not hold was
 * decoded into an allocation of that length (1 GiB from a few bytes; found by tests/fuzz
 * block): the frame's content size must match the header before anything is allocated. */
TEST(block_zstd_claimed_length_checked_before_allocating)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 40);
    cn_writer w;
    cn_writer_init(&w);
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_block_encode(b, CN_CODEC_ZSTD, &w, &err), 0);
    CHECK(w.buf[1] == CN_CODEC_ZSTD);
    uint32_t huge = (uint32_t)1 << 30;
    for (int k = 0; k < 4; k++) w.buf[4 + k] = (uint8_t)(huge >> (8 * k));
    reseal(w.buf, w.len - CN_BLOCK_HEADER_SIZE);
    cn_batch *out;
    CHECK_INT(cn_block_decode(w.buf, w.len, a, &out, NULL, &err), -1);
    CHECK(cn_arena_bytes(a) < ((size_t)64 << 20));
    CHECK_STR(err.cls, "INTERNAL_ERROR");
    cn_error_clear(&err);
    cn_writer_free(&w);
    cn_arena_free(a);
}

/* base/codec.h readers: a truncated value reads as 0 (cn_get_u64 returned its low half),
 * a varint longer than 64 bits fails (found by tests/fuzz codec). */
TEST(codec_reader_partial_values)
{
    uint8_t buf[11] = {1, 2, 3, 4, 5};
    cn_reader r;
    cn_reader_init(&r, buf, 5);
    CHECK(cn_get_u64(&r) == 0 && r.failed);
    cn_reader_init(&r, buf, 5);
    CHECK(cn_get_f64(&r) == 0.0 && r.failed);
    memset(buf, 0xff, 9);
    buf[9] = 0x01; /* 2^64 - 1 */
    cn_reader_init(&r, buf, 10);
    CHECK(cn_get_uvar(&r) == UINT64_MAX && !r.failed);
    buf[9] = 0x02; /* 65 bits */
    cn_reader_init(&r, buf, 10);
    CHECK(cn_get_uvar(&r) == 0 && r.failed);
}

TEST(codec_names)
{
    cn_codec_kind k;
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_codec_parse("ZSTD", &k, &err), 0);
    CHECK_INT(k, CN_CODEC_ZSTD);
    CHECK_INT(cn_codec_parse("snappy", &k, &err), -1);
    CHECK_STR(err.cls, "INVALID_CONF_VALUE");
    cn_error_clear(&err);
    cn_conf *c = cn_conf_new();
    CHECK_INT(cn_codec_from_conf(c), CN_CODEC_LZ4);
    CHECK_INT(cn_conf_set(c, "spark.io.compression.codec", "zstd", &err), 0);
    CHECK_INT(cn_codec_from_conf(c), CN_CODEC_ZSTD);
    cn_conf_free(c);
}

TEST(append_rows_and_mem_bytes)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 100);
    cn_batch *d = cn_batch_new(a, NT, all_types, 200);
    d->count = 0;
    uint16_t rows[50];
    for (int i = 0; i < 50; i++) rows[i] = (uint16_t)(i * 2);
    cn_batch_append_rows(d, b, rows, 50, a);
    cn_batch_append_rows(d, b, NULL, 100, a);
    CHECK_INT(d->count, 150);
    bool ok = true;
    for (int c = 0; c < NT; c++) {
        for (int i = 0; i < 50; i++) ok = ok && same_cell(&b->cols[c], i * 2, &d->cols[c], i);
        for (int i = 0; i < 100; i++) ok = ok && same_cell(&b->cols[c], i, &d->cols[c], 50 + i);
    }
    CHECK(ok);
    CHECK(cn_batch_mem_bytes(b) > 100 * 8 * NT / 2);
    cn_arena_free(a);
}

TEST(memory_manager_pools)
{
    cn_memory_manager *m = cn_memory_manager_new(1000, 500);
    CHECK_INT(cn_mm_acquire_execution(m, 600), 600);
    CHECK(!cn_mm_acquire_storage(m, 500));     /* only 400 free */
    CHECK(cn_mm_acquire_storage(m, 400));
    CHECK_INT(cn_mm_acquire_execution(m, 10), 0); /* full, storage within its region: refused */
    cn_mm_release_execution(m, 600);
    CHECK_INT(cn_mm_acquire_execution(m, 700), 600); /* partial grant */
    cn_mm_stats st;
    cn_mm_stats_get(m, &st);
    CHECK_INT(st.execution_used, 600);
    CHECK_INT(st.storage_used, 400);
    CHECK_INT(st.execution_refusals, 2);
    CHECK_INT(st.storage_refusals, 1);
    cn_memory_manager_free(m);

    cn_conf *c = cn_conf_new();
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_conf_set(c, "spark.executor.memory", "1g", &err), 0);
    m = cn_memory_manager_from_conf(c);
    cn_mm_stats_get(m, &st);
    CHECK_INT(st.usable, (int64_t)((double)((1LL << 30) - (300LL << 20)) * 0.6));
    CHECK_INT(st.storage_region, (int64_t)((double)st.usable * 0.5));
    cn_memory_manager_free(m);
    cn_conf_free(c);
}

static int64_t evict_calls;
static int64_t evictor(void *ud, int64_t bytes)
{
    (void)ud;
    evict_calls++;
    return bytes;
}

TEST(memory_manager_evicts_borrowed_storage)
{
    cn_memory_manager *m = cn_memory_manager_new(1000, 200);
    cn_mm_set_evictor(m, evictor, NULL);
    CHECK(cn_mm_acquire_storage(m, 900));             /* storage borrows 700 beyond its region */
    CHECK_INT(cn_mm_acquire_execution(m, 500), 500);  /* evicts 400 */
    CHECK_INT(evict_calls, 1);
    cn_mm_stats st;
    cn_mm_stats_get(m, &st);
    CHECK_INT(st.storage_used, 500);
    CHECK_INT(st.evicted_bytes, 400);
    CHECK_INT(cn_mm_acquire_execution(m, 1000), 300); /* storage down to its region: 300 more evicted */
    cn_mm_stats_get(m, &st);
    CHECK_INT(st.storage_used, 200);
    cn_memory_manager_free(m);
}

TEST(cache_append_read_account_free)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 1500);
    b->sel = cn_arena_alloc(a, 1500 * sizeof(uint16_t));
    b->nsel = 0;
    for (int i = 0; i < 1500; i++)
        if (i % 2 == 0) b->sel[b->nsel++] = (uint16_t)i;
    cn_memory_manager *m = cn_memory_manager_new(1 << 30, 1 << 29);
    cn_cache *c = cn_cache_new(7, 2, NT, all_types, m);
    cn_error err;
    cn_error_init(&err);
    for (int k = 0; k < 5; k++) CHECK_INT(cn_cache_append(c, 1, b, &err), 0); /* 3750 rows */
    cn_cache_finish_partition(c, 0);
    CHECK(!cn_cache_is_complete(c));
    cn_cache_finish_partition(c, 1);
    CHECK(cn_cache_is_complete(c));
    CHECK_INT(cn_cache_rows(c), 3750);
    CHECK_INT(cn_cache_partition_rows(c, 0), 0);
    CHECK(cn_cache_bytes(c) > 3750 * 8);
    cn_mm_stats st;
    cn_mm_stats_get(m, &st);
    CHECK_INT(st.storage_used, cn_cache_bytes(c));
    cn_batch_source it;
    CHECK_INT(cn_cache_open(c, 1, a, &it, &err), 0);
    cn_batch *out;
    int total = 0, nb = 0;
    bool ok = true;
    while (it.next(it.state, &out, &err) == 0 && out) {
        for (int i = 0; i < out->count; i++) {
            int src = b->sel[(total + i) % 750];
            for (int col = 0; col < NT; col++) ok = ok && same_cell(&b->cols[col], src, &out->cols[col], i);
        }
        total += out->count;
        nb++;
    }
    it.close(it.state);
    CHECK(ok);
    CHECK_INT(total, 3750);
    CHECK_INT(nb, 2); /* 2048 + 1702 */
    CHECK_INT(cn_cache_open(c, 0, a, &it, &err), 0);
    CHECK_INT(it.next(it.state, &out, &err), 0);
    CHECK(out == NULL);
    cn_cache_store *s = cn_cache_store_new();
    cn_cache_store_put(s, c);
    CHECK(cn_cache_store_get(s, 7) == c);
    CHECK_INT(cn_cache_store_bytes(s), cn_cache_bytes(c));
    cn_cache_store_remove(s, 7);
    CHECK(cn_cache_store_get(s, 7) == NULL);
    cn_mm_stats_get(m, &st);
    CHECK_INT(st.storage_used, 0);
    cn_cache_store_free(s);
    cn_memory_manager_free(m);
    cn_arena_free(a);
}

TEST(cache_refused_grant_is_an_error)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 2000);
    cn_memory_manager *m = cn_memory_manager_new(10000, 5000);
    cn_cache *c = cn_cache_new(1, 1, NT, all_types, m);
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_cache_append(c, 0, b, &err), -1);
    CHECK_STR(err.cls, "INTERNAL_ERROR");
    cn_error_clear(&err);
    cn_cache_reset_partition(c, 0);
    CHECK_INT(cn_cache_rows(c), 0);
    cn_cache_free(c);
    cn_memory_manager_free(m);
    cn_arena_free(a);
}

static int builds;
typedef struct { cn_broadcast *bc; void *table; int nrows; } bc_thread;
static void *build_table(void *arg, cn_error *err)
{
    bc_thread *t = arg;
    __atomic_add_fetch(&builds, 1, __ATOMIC_SEQ_CST);
    int n;
    cn_batch **bs;
    if (cn_broadcast_batches(t->bc, &n, &bs, err)) return NULL;
    cn_arena *a = cn_broadcast_build_arena();
    if (!a) return NULL;
    int64_t *sum = cn_arena_calloc(a, sizeof *sum);
    for (int i = 0; i < n; i++) *sum += bs[i]->count;
    usleep(1000);
    return sum;
}

static void *bc_worker(void *arg)
{
    bc_thread *t = arg;
    cn_error err;
    cn_error_init(&err);
    cn_arena *a = cn_arena_new("w", NULL);
    cn_batch_source it;
    if (cn_broadcast_open(t->bc, a, &it, &err) == 0) {
        cn_batch *b;
        while (it.next(it.state, &b, &err) == 0 && b) t->nrows += b->count;
        it.close(it.state);
    }
    t->table = cn_broadcast_get_table(t->bc, build_table, t, NULL, &err);
    cn_arena_free(a);
    cn_error_clear(&err);
    return NULL;
}

TEST(broadcast_decode_once_table_once)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_batch *b = make_batch(a, 500);
    cn_broadcast *bc = cn_broadcast_new(3, NT, all_types, CN_CODEC_LZ4);
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_broadcast_add_batch(bc, b, &err), 0);
    /* frames produced elsewhere (a task's result) */
    cn_writer w;
    cn_writer_init(&w);
    CHECK_INT(cn_block_encode(b, CN_CODEC_ZSTD, &w, &err), 0);
    CHECK_INT(cn_block_encode(b, CN_CODEC_NONE, &w, &err), 0);
    CHECK_INT(cn_broadcast_add_frames(bc, w.buf, w.len, &err), 0);
    CHECK_INT(cn_broadcast_add_frames(bc, w.buf, w.len - 1, &err), -1); /* truncated: rejected */
    cn_error_clear(&err);
    CHECK_INT(cn_broadcast_rows(bc), 1500);
    cn_broadcast_store *s = cn_broadcast_store_new();
    cn_broadcast_store_put(s, bc);
    CHECK(cn_broadcast_store_get(s, 3) == bc);
    bc_thread t[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        t[i].bc = bc;
        t[i].table = NULL;
        t[i].nrows = 0;
        pthread_create(&th[i], NULL, bc_worker, &t[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    CHECK_INT(builds, 1);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(t[i].nrows, 1500);
        CHECK(t[i].table == t[0].table && t[0].table != NULL);
    }
    CHECK_INT(*(int64_t *)t[0].table, 1500);
    int n;
    cn_batch **bs;
    CHECK_INT(cn_broadcast_batches(bc, &n, &bs, &err), 0);
    CHECK_INT(n, 3);
    CHECK(same_rows(b, bs[0]) && same_rows(b, bs[2]));
    CHECK(cn_broadcast_build_arena() == NULL);
    cn_broadcast_store_remove(s, 3);
    CHECK(cn_broadcast_store_get(s, 3) == NULL);
    cn_broadcast_store_free(s);
    cn_writer_free(&w);
    cn_arena_free(a);
}

TEST(query_dir_create_remove)
{
    cn_error err;
    cn_error_init(&err);
    char *dir;
    CHECK_INT(cn_query_dir_create("/tmp/cinder-test-storage/x", &dir, &err), 0);
    struct stat st;
    CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
    int fd;
    char *p;
    CHECK_INT(cn_temp_file(dir, "spill", &fd, &p, &err), 0);
    CHECK_INT(cn_file_write_all(fd, "hello", 5, p, &err), 0);
    char buf[8];
    CHECK_INT(cn_file_pread_all(fd, buf, 5, 0, p, &err), 0);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_INT(cn_file_pread_all(fd, buf, 6, 0, p, &err), -1); /* short read = truncated */
    CHECK_STR(err.cls, "IO_ERROR");
    cn_error_clear(&err);
    close(fd);
    free(p);
    CHECK_INT(cn_dir_remove_all("/tmp/cinder-test-storage"), 0);
    CHECK(stat(dir, &st) != 0);
    CHECK_INT(cn_dir_remove_all("/tmp/cinder-test-storage"), 0);
    free(dir);
}
