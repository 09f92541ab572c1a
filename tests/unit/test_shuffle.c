/*
 * test_shuffle.c — Spark-compatible hashing and partitioning, the shuffle
 * writer and reader, and the MapOutputTracker.
 *
 * Expected hash values come from Spark's documentation (hash('ABC') =
 * -757602832, hash('ABC','DEF') = 599895104, hash('Spark', array(123), 2) =
 * -1321691492) and, for the other paths (longs, doubles, wide decimals,
 * chaining, pmod), from an independent Python implementation of Spark's
 * Murmur3_x86_32 written from its description (not from Cinder's output).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"
#include "shuffle/shuffle.h"
#include "storage/disk.h"
#include "storage/memory.h"
#include "unit.h"

TEST(murmur3_spark_documented_values)
{
    CHECK_INT((int32_t)cn_murmur3_bytes("ABC", 3, 42), -757602832);
    CHECK_INT((int32_t)cn_murmur3_bytes("DEF", 3, cn_murmur3_bytes("ABC", 3, 42)), 599895104);
    /* hash('Spark', array(123), 2): the array's element folds in like a column */
    uint32_t h = cn_murmur3_bytes("Spark", 5, 42);
    h = cn_murmur3_int(123, h);
    h = cn_murmur3_int(2, h);
    CHECK_INT((int32_t)h, -1321691492);
}

TEST(murmur3_int_long_bytes_paths)
{
    CHECK_INT((int32_t)cn_murmur3_int(1, 42), -559580957);
    CHECK_INT((int32_t)cn_murmur3_int(-3, 42), -1573329414);
    CHECK_INT((int32_t)cn_murmur3_long(0, 42), -1670924195);
    CHECK_INT((int32_t)cn_murmur3_bytes("", 0, 42), 142593372);
    /* tails of 1..3 bytes, negative bytes mixed as sign-extended ints */
    const uint8_t b1[] = {0x01}, bff[] = {0xff}, b128[] = {0x00, 0x80};
    CHECK_INT((int32_t)cn_murmur3_bytes(b1, 1, 42), -386724586);
    CHECK_INT((int32_t)cn_murmur3_bytes(bff, 1, 42), 1398487324);
    CHECK_INT((int32_t)cn_murmur3_bytes(b128, 2, 42), -544401882);
    CHECK(cn_hash64_bytes("abcdefghijklmnopq", 17, 1) != cn_hash64_bytes("abcdefghijklmnopr", 17, 1));
    CHECK(cn_hash64_bytes("abc", 3, 1) == cn_hash64_bytes("abc", 3, 1));
}

static cn_vector vec1(cn_arena *a, cn_type t, int n) { cn_vector v; cn_vector_init(&v, t, n, a); return v; }

TEST(spark_hash_vector_types)
{
    cn_arena *a = cn_arena_new("t", NULL);
    uint32_t h[6];
    /* wide decimals hash BigInteger.toByteArray of the unscaled value */
    cn_vector d = vec1(a, cn_type_decimal(38, 0), 6);
    __int128 vals[6] = {1, -1, 128, -129, (__int128)100000000000000000LL * 1000, 0};
    vals[5] = -((__int128)1000000000000000LL * 1000000000000000LL); /* -10^30 */
    memcpy(d.data, vals, sizeof vals);
    for (int i = 0; i < 6; i++) h[i] = 42;
    cn_spark_hash_vector(&d, 6, h);
    CHECK_INT((int32_t)h[0], -386724586);
    CHECK_INT((int32_t)h[1], 1398487324);
    CHECK_INT((int32_t)h[2], -544401882);
    CHECK_INT((int32_t)h[3], -771458971);
    CHECK_INT((int32_t)h[4], 707288794);
    CHECK_INT((int32_t)h[5], -790588820);

    cn_vector dv = vec1(a, cn_type_of(CN_DOUBLE), 3);
    ((double *)dv.data)[0] = 1.5;
    ((double *)dv.data)[1] = -0.0;
    ((double *)dv.data)[2] = 0.0;
    for (int i = 0; i < 3; i++) h[i] = 42;
    cn_spark_hash_vector(&dv, 3, h);
    CHECK_INT((int32_t)h[0], 1290763749);
    CHECK_INT(h[1], h[2]);
    CHECK_INT((int32_t)h[2], -1670924195); /* 0.0 hashes as long 0 */

    cn_vector fv = vec1(a, cn_type_of(CN_FLOAT), 1);
    ((float *)fv.data)[0] = 1.5f;
    h[0] = 42;
    cn_spark_hash_vector(&fv, 1, h);
    CHECK_INT((int32_t)h[0], -221251528);

    /* chained columns, a NULL leaves the hash unchanged: (7, 'hello world!!', NULL, 9L) */
    cn_vector c1 = vec1(a, cn_type_of(CN_INT), 1), c2 = vec1(a, cn_type_of(CN_STRING), 1),
              c3 = vec1(a, cn_type_of(CN_INT), 1), c4 = vec1(a, cn_type_of(CN_BIGINT), 1);
    ((int32_t *)c1.data)[0] = 7;
    ((cn_str *)c2.data)[0] = cn_str_view("hello world!!", 13);
    cn_vec_set_null(&c3, 0, a);
    ((int64_t *)c4.data)[0] = 9;
    cn_vector keys[4] = {c1, c2, c3, c4};
    h[0] = 42;
    for (int k = 0; k < 4; k++) cn_spark_hash_vector(&keys[k], 1, h);
    CHECK_INT((int32_t)h[0], -1424590004);
    cn_partitioner p;
    cn_partitioner_hash(&p, 13);
    int32_t pid[2];
    cn_error err;
    cn_error_init(&err);
    CHECK_INT(cn_partitioner_compute(&p, 1, 4, keys, pid, &err), 0);
    CHECK_INT(pid[0], 7);

    /* booleans hash as ints 0/1; tinyint as int */
    cn_vector bv = vec1(a, cn_type_of(CN_BOOLEAN), 1), tv = vec1(a, cn_type_of(CN_TINYINT), 1);
    ((uint8_t *)bv.data)[0] = 1;
    ((int8_t *)tv.data)[0] = -3;
    h[0] = h[1] = 42;
    cn_spark_hash_vector(&bv, 1, h);
    cn_spark_hash_vector(&tv, 1, h + 1);
    CHECK_INT((int32_t)h[0], -559580957);
    CHECK_INT((int32_t)h[1], -1573329414);
    cn_arena_free(a);
}

TEST(hash_partition_ids_pmod)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_vector iv = vec1(a, cn_type_of(CN_INT), 2), sv = vec1(a, cn_type_of(CN_STRING), 1),
              lv = vec1(a, cn_type_of(CN_BIGINT), 1);
    ((int32_t *)iv.data)[0] = 1;
    cn_vec_set_null(&iv, 1, a);
    ((cn_str *)sv.data)[0] = cn_str_view("ABC", 3);
    ((int64_t *)lv.data)[0] = -5;
    cn_partitioner p;
    cn_error err;
    cn_error_init(&err);
    int32_t pid[2];
    cn_partitioner_hash(&p, 200);
    CHECK_INT(cn_partitioner_compute(&p, 2, 1, &iv, pid, &err), 0);
    CHECK_INT(pid[0], 43);                     /* pmod(-559580957, 200) */
    CHECK_INT(pid[1], 42 % 200);               /* NULL: the seed itself */
    CHECK_INT(cn_partitioner_compute(&p, 1, 1, &sv, pid, &err), 0);
    CHECK_INT(pid[0], 168);                    /* pmod(-757602832, 200) */
    cn_partitioner_hash(&p, 7);
    CHECK_INT(cn_partitioner_compute(&p, 1, 1, &lv, pid, &err), 0);
    CHECK_INT(pid[0], 2);

    cn_partitioner_single(&p);
    CHECK_INT(cn_partitioner_compute(&p, 2, 0, NULL, pid, &err), 0);
    CHECK(pid[0] == 0 && pid[1] == 0);
    cn_partitioner_round_robin(&p, 3, 5);
    int32_t rr[6];
    CHECK_INT(cn_partitioner_compute(&p, 6, 0, NULL, rr, &err), 0);
    for (int i = 1; i < 6; i++) CHECK_INT(rr[i], (rr[i - 1] + 1) % 3);
    cn_arena_free(a);
}

TEST(range_partitioner_orders_and_nulls)
{
    cn_arena *a = cn_arena_new("t", NULL);
    /* bounds 10, 20 over an int key -> 3 partitions */
    cn_value b0[1], b1[1];
    memset(b0, 0, sizeof b0);
    memset(b1, 0, sizeof b1);
    b0[0].type = b1[0].type = cn_type_of(CN_INT);
    b0[0].v.i = 10;
    b1[0].v.i = 20;
    cn_value *bounds[2] = {b0, b1};
    cn_vector k = vec1(a, cn_type_of(CN_INT), 6);
    int32_t vals[6] = {5, 10, 11, 20, 25, 0};
    memcpy(k.data, vals, sizeof vals);
    cn_vec_set_null(&k, 5, a);
    cn_partitioner p;
    cn_error err;
    cn_error_init(&err);
    int32_t pid[6];
    cn_partitioner_range(&p, 3, 1, NULL, NULL, 2, bounds);
    CHECK_INT(cn_partitioner_compute(&p, 6, 1, &k, pid, &err), 0);
    int exp_asc[6] = {0, 0, 1, 1, 2, 0}; /* upper bound inclusive; NULLS FIRST */
    for (int i = 0; i < 6; i++) CHECK_INT(pid[i], exp_asc[i]);
    bool nl[1] = {false};
    cn_partitioner_range(&p, 3, 1, NULL, nl, 2, bounds); /* ASC NULLS LAST */
    CHECK_INT(cn_partitioner_compute(&p, 6, 1, &k, pid, &err), 0);
    CHECK_INT(pid[5], 2);
    /* DESC: bounds 20, 10 */
    cn_value *dbounds[2] = {b1, b0};
    bool desc[1] = {true};
    cn_partitioner_range(&p, 3, 1, desc, NULL, 2, dbounds); /* DESC NULLS LAST */
    CHECK_INT(cn_partitioner_compute(&p, 6, 1, &k, pid, &err), 0);
    int exp_desc[6] = {2, 1, 1, 0, 0, 2};
    for (int i = 0; i < 6; i++) CHECK_INT(pid[i], exp_desc[i]);
    /* strings */
    cn_value s0[1];
    memset(s0, 0, sizeof s0);
    s0[0].type = cn_type_of(CN_STRING);
    s0[0].v.s = cn_str_view("m", 1);
    cn_value *sb[1] = {s0};
    cn_vector sk = vec1(a, cn_type_of(CN_STRING), 3);
    ((cn_str *)sk.data)[0] = cn_str_view("apple", 5);
    ((cn_str *)sk.data)[1] = cn_str_view("m", 1);
    ((cn_str *)sk.data)[2] = cn_str_view("zebra crossing long", 19);
    cn_partitioner_range(&p, 2, 1, NULL, NULL, 1, sb);
    CHECK_INT(cn_partitioner_compute(&p, 3, 1, &sk, pid, &err), 0);
    CHECK(pid[0] == 0 && pid[1] == 0 && pid[2] == 1);
    cn_arena_free(a);
}

/* ---- writer + reader ---- */

static cn_type row_types[4] = {{CN_BIGINT, 0, 0, 0}, {CN_STRING, 0, 0, 0}, {CN_DOUBLE, 0, 0, 0}, {CN_INT, 0, 0, 0}};
static char text[128];

static cn_batch *gen_batch(cn_arena *a, int64_t first, int n)
{
    for (int i = 0; i < (int)sizeof text; i++) text[i] = (char)('A' + i % 26);
    cn_batch *b = cn_batch_new(a, 4, row_types, n);
    b->count = n;
    for (int i = 0; i < n; i++) {
        int64_t id = first + i;
        ((int64_t *)b->cols[0].data)[i] = id;
        ((cn_str *)b->cols[1].data)[i] = cn_str_view(text + id % 50, (uint32_t)(id % 40));
        ((double *)b->cols[2].data)[i] = (double)id / 4;
        ((int32_t *)b->cols[3].data)[i] = (int32_t)(id * 3);
        if (id % 11 == 0) cn_vec_set_null(&b->cols[3], i, a);
    }
    return b;
}

static bool row_ok(const cn_batch *b, int i)
{
    int64_t id = ((int64_t *)b->cols[0].data)[i];
    const cn_str *s = &((cn_str *)b->cols[1].data)[i];
    if (s->len != (uint32_t)(id % 40) || memcmp(cn_str_data(s), text + id % 50, s->len) != 0) return false;
    if (((double *)b->cols[2].data)[i] != (double)id / 4) return false;
    if (id % 11 == 0) return !cn_vec_valid(&b->cols[3], i);
    return cn_vec_valid(&b->cols[3], i) && ((int32_t *)b->cols[3].data)[i] == (int32_t)(id * 3);
}

#define NMAPS 3
#define NPARTS 37
#define ROWS_PER_MAP 20000
static int64_t mem_output_limit; /* write_map's opts.mem_output_limit */

static int write_map(const char *dir, int shuffle, int map, int64_t budget, cn_memory_manager *mm, cn_map_status *st,
                     cn_error *err)
{
    cn_arena *a = cn_arena_new("map", NULL);
    cn_shuffle_writer_opts o = {.dir = dir, .shuffle_id = shuffle, .map_id = map, .nparts = NPARTS, .ncols = 4,
                                .types = row_types, .codec = CN_CODEC_LZ4, .mem_budget = budget, .mm = mm,
                                .mem_output_limit = mem_output_limit};
    cn_shuffle_writer *w = cn_shuffle_writer_new(&o, err);
    cn_partitioner p;
    cn_partitioner_hash(&p, NPARTS);
    int32_t pids[CN_BATCH_SIZE];
    int rc = 0;
    for (int off = 0; off < ROWS_PER_MAP && !rc; off += 1000) {
        cn_batch *b = gen_batch(a, (int64_t)map * ROWS_PER_MAP + off, 1000);
        /* drop every 5th row through a selection vector */
        b->sel = cn_arena_alloc(a, 1000 * sizeof(uint16_t));
        b->nsel = 0;
        for (int i = 0; i < 1000; i++)
            if (i % 5 != 4) b->sel[b->nsel++] = (uint16_t)i;
        cn_vector key;
        cn_vector_init(&key, row_types[0], b->nsel, a);
        for (int i = 0; i < b->nsel; i++) ((int64_t *)key.data)[i] = ((int64_t *)b->cols[0].data)[b->sel[i]];
        rc = cn_partitioner_compute(&p, b->nsel, 1, &key, pids, err);
        if (!rc) rc = cn_shuffle_writer_write(w, b, pids, err);
        cn_arena_reset(a);
    }
    if (rc) cn_shuffle_writer_abort(w);
    else rc = cn_shuffle_writer_close(w, st, err);
    cn_arena_free(a);
    return rc;
}

static int count_files(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A %s 2>/dev/null | wc -l", dir);
    FILE *f = popen(cmd, "r");
    int n = -1;
    if (f) {
        if (fscanf(f, "%d", &n) != 1) n = -1;
        pclose(f);
    }
    return n;
}

static void roundtrip(int64_t budget, cn_memory_manager *mm, bool expect_spills, int *unit_failed_)
{
    cn_error err;
    cn_error_init(&err);
    char *dir;
    CHECK_INT(cn_query_dir_create("/tmp/cinder-test-shuffle", &dir, &err), 0);
    cn_map_output_tracker *t = cn_map_output_tracker_new();
    CHECK_INT(cn_mot_register_shuffle(t, 4, NMAPS, NPARTS, &err), 0);
    int spills = 0;
    for (int m = 0; m < NMAPS; m++) {
        cn_map_status st;
        CHECK_INT(write_map(dir, 4, m, budget, mm, &st, &err), 0);
        CHECK_INT(st.total_records, ROWS_PER_MAP * 4 / 5);
        spills += st.spills;
        CHECK_INT(cn_mot_register_map_output(t, &st, &err), 0);
        cn_map_status_free(&st);
    }
    if (expect_spills) CHECK(spills > NMAPS);
    else CHECK_INT(spills, 0);
    CHECK_INT(cn_mot_available_maps(t, 4), NMAPS);
    CHECK_INT(count_files(dir), 2 * NMAPS); /* spill files are gone */
    int64_t bytes[NPARTS], recs[NPARTS];
    CHECK_INT(cn_mot_partition_sizes(t, 4, bytes, recs, &err), 0);
    cn_arena *a = cn_arena_new("reduce", NULL);
    int n;
    cn_shuffle_input *in;
    CHECK_INT(cn_mot_get_inputs(t, 4, a, &n, &in, &err), 0);
    CHECK_INT(n, NMAPS);
    int64_t total = 0, idsum = 0;
    bool ok = true;
    for (int p = 0; p < NPARTS; p++) {
        cn_batch_source it;
        CHECK_INT(cn_shuffle_reader_open(a, n, in, p, &it, &err), 0);
        cn_batch *b;
        int64_t prows = 0;
        while (it.next(it.state, &b, &err) == 0 && b) {
            CHECK(b->count <= CN_BATCH_SIZE);
            uint32_t h[CN_BATCH_SIZE];
            for (int i = 0; i < b->count; i++) h[i] = 42;
            cn_spark_hash_vector(&b->cols[0], b->count, h);
            for (int i = 0; i < b->count; i++) {
                int64_t id = ((int64_t *)b->cols[0].data)[i];
                int32_t m = (int32_t)h[i] % NPARTS;
                ok = ok && (m < 0 ? m + NPARTS : m) == p && row_ok(b, i) && id % 1000 % 5 != 4;
                idsum += id;
            }
            prows += b->count;
        }
        CHECK(!err.set);
        int64_t rb, rr;
        cn_shuffle_reader_metrics(&it, &rb, &rr);
        CHECK_INT(rr, prows);
        CHECK_INT(rb, bytes[p]);
        CHECK_INT(prows, recs[p]);
        it.close(it.state);
        total += prows;
    }
    CHECK(ok);
    CHECK_INT(total, NMAPS * ROWS_PER_MAP * 4 / 5);
    int64_t expect = 0;
    for (int64_t id = 0; id < NMAPS * ROWS_PER_MAP; id++)
        if (id % 1000 % 5 != 4) expect += id;
    CHECK_INT(idsum, expect);
    cn_arena_free(a);
    cn_mot_unregister_shuffle(t, 4);
    CHECK_INT(count_files(dir), 0);
    cn_map_output_tracker_free(t);
    CHECK_INT(cn_dir_remove_all(dir), 0);
    struct stat sb;
    CHECK(stat(dir, &sb) != 0);
    free(dir);
}

TEST(writer_reader_roundtrip_in_memory) { roundtrip(0, NULL, false, unit_failed_); }

/* In-memory map outputs (no files) and ranged inputs from the map statuses; a map over the
 * process-wide limit falls back to files; every reference is released at the end. */
TEST(in_memory_outputs_and_ranged_inputs)
{
    cn_error err;
    cn_error_init(&err);
    char *dir;
    CHECK_INT(cn_query_dir_create("/tmp/cinder-test-shuffle", &dir, &err), 0);
    cn_map_output_tracker *t = cn_map_output_tracker_new();
    CHECK_INT(cn_mot_register_shuffle(t, 5, NMAPS, NPARTS, &err), 0);
    int64_t one = 0, two = 0;
    for (int m = 0; m < NMAPS; m++) {
        cn_map_status st;
        /* maps 0 and 1 fit the limit, map 2 does not */
        mem_output_limit = m == 0 ? ((int64_t)64 << 20) : one * 5 / 2;
        CHECK_INT(write_map(dir, 5, m, 0, NULL, &st, &err), 0);
        if (m == 0) one = st.total_bytes;
        if (m == 1) two = st.total_bytes;
        CHECK((st.mem != NULL) == (m < 2));
        if (st.mem) CHECK_INT(st.mem->len, st.total_bytes);
        CHECK_INT(cn_mot_register_map_output(t, &st, &err), 0);
        cn_map_status_free(&st);
    }
    mem_output_limit = 0;
    CHECK_INT(count_files(dir), 2); /* only map 2's data + index */
    CHECK_INT(cn_shuffle_mem_held(), one + two);
    int64_t bytes[NPARTS], recs[NPARTS];
    CHECK_INT(cn_mot_partition_sizes(t, 5, bytes, recs, &err), 0);
    int64_t total = 0, idsum = 0;
    bool ok = true;
    for (int p = 0; p < NPARTS; p++) {
        cn_arena *a = cn_arena_new("reduce", NULL);
        int n;
        cn_shuffle_input *in;
        CHECK_INT(cn_mot_get_partition_inputs(t, 5, p, a, &n, &in, &err), 0);
        CHECK(n <= NMAPS);
        cn_batch_source it;
        CHECK_INT(cn_shuffle_reader_open(a, n, in, p, &it, &err), 0);
        cn_batch *b;
        int64_t prows = 0;
        while (it.next(it.state, &b, &err) == 0 && b) {
            for (int i = 0; i < b->count; i++) {
                ok = ok && row_ok(b, i);
                idsum += ((int64_t *)b->cols[0].data)[i];
            }
            prows += b->count;
        }
        CHECK(!err.set);
        int64_t rb, rr;
        cn_shuffle_reader_metrics(&it, &rb, &rr);
        CHECK_INT(rb, bytes[p]);
        CHECK_INT(prows, recs[p]);
        it.close(it.state);
        total += prows;
        cn_arena_free(a);
    }
    CHECK(ok);
    CHECK_INT(total, NMAPS * ROWS_PER_MAP * 4 / 5);
    int64_t expect = 0;
    for (int64_t id = 0; id < NMAPS * ROWS_PER_MAP; id++)
        if (id % 1000 % 5 != 4) expect += id;
    CHECK_INT(idsum, expect);
    /* a reader keeps its in-memory input alive after the output is removed */
    {
        cn_arena *a = cn_arena_new("late", NULL);
        int n;
        cn_shuffle_input *in;
        CHECK_INT(cn_mot_get_partition_inputs(t, 5, 0, a, &n, &in, &err), 0);
        cn_batch_source it;
        CHECK_INT(cn_shuffle_reader_open(a, n, in, 0, &it, &err), 0);
        cn_mot_remove_map_output(t, 5, 0);
        int64_t rows = 0;
        cn_batch *b;
        while (it.next(it.state, &b, &err) == 0 && b) rows += b->count;
        CHECK(!err.set);
        CHECK_INT(rows, recs[0]);
        it.close(it.state);
        cn_arena_free(a);
        CHECK_INT(cn_shuffle_mem_held(), two);
    }
    cn_mot_unregister_shuffle(t, 5);
    CHECK_INT(cn_shuffle_mem_held(), 0);
    CHECK_INT(count_files(dir), 0);
    cn_map_output_tracker_free(t);
    CHECK_INT(cn_dir_remove_all(dir), 0);
    free(dir);
}
TEST(writer_reader_roundtrip_with_spills) { roundtrip(64 << 10, NULL, true, unit_failed_); }
TEST(writer_spills_when_memory_manager_refuses)
{
    cn_memory_manager *mm = cn_memory_manager_new(256 << 10, 0);
    roundtrip(0, mm, true, unit_failed_);
    cn_mm_stats st;
    cn_mm_stats_get(mm, &st);
    CHECK(st.execution_refusals > 0);
    CHECK_INT(st.execution_used, 0);
    cn_memory_manager_free(mm);
}

static void put_le64(uint8_t *p, int64_t v)
{
    for (int k = 0; k < 8; k++) p[k] = (uint8_t)((uint64_t)v >> (8 * k));
}

static int read_all(const char *data, const char *index, int part, cn_error *err)
{
    cn_arena *a = cn_arena_new("r", NULL);
    cn_shuffle_input in = {.data_path = data, .index_path = index};
    cn_batch_source it;
    int rc = cn_shuffle_reader_open(a, 1, &in, part, &it, err);
    cn_batch *b;
    while (!rc && (rc = it.next(it.state, &b, err)) == 0 && b) {}
    if (it.close) it.close(it.state);
    cn_arena_free(a);
    return rc;
}

TEST(index_validation_and_corrupt_data)
{
    cn_error err;
    cn_error_init(&err);
    char *dir;
    CHECK_INT(cn_query_dir_create("/tmp/cinder-test-shuffle", &dir, &err), 0);
    cn_map_status st;
    CHECK_INT(write_map(dir, 9, 0, 0, NULL, &st, &err), 0);
    CHECK_INT(read_all(st.data_path, st.index_path, 3, &err), 0);
    CHECK_INT(read_all(st.data_path, st.index_path, NPARTS, &err), -1); /* no such partition */
    cn_error_clear(&err);
    int64_t *off;
    int np;
    CHECK_INT(cn_shuffle_read_index(st.index_path, st.data_path, &off, &np, &err), 0);
    CHECK_INT(np, NPARTS);
    CHECK_INT(off[NPARTS], st.total_bytes);
    /* decreasing offsets */
    uint8_t buf[(NPARTS + 1) * 8];
    for (int i = 0; i <= NPARTS; i++) put_le64(buf + i * 8, off[i]);
    int64_t saved = off[5];
    put_le64(buf + 5 * 8, off[7] + 1);
    char bad_index[4200];
    snprintf(bad_index, sizeof bad_index, "%s.bad", st.index_path);
    int fd = open(bad_index, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    close(fd);
    CHECK_INT(read_all(st.data_path, bad_index, 4, &err), -1);
    CHECK_STR(err.cls, "INTERNAL_ERROR");
    cn_error_clear(&err);
    put_le64(buf + 5 * 8, saved);
    /* truncated index */
    fd = open(bad_index, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(write(fd, buf, sizeof buf - 3) == (ssize_t)sizeof buf - 3);
    close(fd);
    CHECK_INT(read_all(st.data_path, bad_index, 0, &err), -1);
    cn_error_clear(&err);
    /* index claiming a bigger data file */
    put_le64(buf + NPARTS * 8, off[NPARTS] + 100);
    fd = open(bad_index, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    close(fd);
    CHECK_INT(read_all(st.data_path, bad_index, 0, &err), -1);
    cn_error_clear(&err);
    /* missing files */
    CHECK_INT(read_all("/nonexistent/x.data", "/nonexistent/x.index", 0, &err), -1);
    CHECK_STR(err.cls, "IO_ERROR");
    cn_error_clear(&err);
    unlink(bad_index);
    /* flip bytes throughout the data file: every read fails cleanly or (for none) succeeds */
    int64_t size = st.total_bytes;
    uint8_t *data = malloc((size_t)size);
    fd = open(st.data_path, O_RDWR);
    CHECK(pread(fd, data, (size_t)size, 0) == size);
    int failures = 0, tries = 0;
    for (int64_t pos = 0; pos < size; pos += 997) {
        uint8_t c = data[pos] ^ 0x5a;
        CHECK(pwrite(fd, &c, 1, pos) == 1);
        int part = 0;
        while (part < NPARTS - 1 && off[part + 1] <= pos) part++;
        tries++;
        if (read_all(st.data_path, st.index_path, part, &err) != 0) failures++;
        cn_error_clear(&err);
        CHECK(pwrite(fd, &data[pos], 1, pos) == 1);
    }
    CHECK_INT(failures, tries);
    close(fd);
    free(data);
    free(off);
    cn_map_status_free(&st);
    CHECK_INT(cn_dir_remove_all(dir), 0);
    free(dir);
    cn_dir_remove_all("/tmp/cinder-test-shuffle");
}

TEST(tracker_errors_and_replacement)
{
    cn_error err;
    cn_error_init(&err);
    cn_map_output_tracker *t = cn_map_output_tracker_new();
    cn_arena *a = cn_arena_new("t", NULL);
    int n;
    cn_shuffle_input *in;
    CHECK_INT(cn_mot_get_inputs(t, 1, a, &n, &in, &err), -1); /* unknown shuffle */
    cn_error_clear(&err);
    CHECK_INT(cn_mot_register_shuffle(t, 1, 2, 3, &err), 0);
    CHECK_INT(cn_mot_num_reduces(t, 1), 3);
    CHECK_INT(cn_mot_get_inputs(t, 1, a, &n, &in, &err), -1); /* outputs missing */
    cn_error_clear(&err);
    int64_t bytes[3] = {1, 2, 3}, recs[3] = {4, 5, 6};
    cn_map_status st = {.shuffle_id = 1, .map_id = 0, .nparts = 3, .data_path = "/tmp/none-a.data",
                         .index_path = "/tmp/none-a.index", .bytes = bytes, .records = recs, .total_bytes = 6,
                         .total_records = 15};
    CHECK_INT(cn_mot_register_map_output(t, &st, &err), 0);
    st.map_id = 1;
    CHECK_INT(cn_mot_register_map_output(t, &st, &err), 0);
    st.map_id = 2; /* out of range */
    CHECK_INT(cn_mot_register_map_output(t, &st, &err), -1);
    cn_error_clear(&err);
    int64_t sb[3], sr[3];
    CHECK_INT(cn_mot_partition_sizes(t, 1, sb, sr, &err), 0);
    CHECK(sb[0] == 2 && sb[2] == 6 && sr[1] == 10);
    CHECK_INT(cn_mot_get_inputs(t, 1, a, &n, &in, &err), 0);
    CHECK_INT(n, 2);
    cn_mot_remove_map_output(t, 1, 0);
    CHECK_INT(cn_mot_available_maps(t, 1), 1);
    cn_mot_unregister_shuffle(t, 1);
    CHECK_INT(cn_mot_num_reduces(t, 1), -1);
    cn_arena_free(a);
    cn_map_output_tracker_free(t);
}
