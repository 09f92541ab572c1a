/*
 * shuffle.h — partitioners, the sort-based shuffle writer and reader, and the
 * driver's MapOutputTracker.
 *
 * Partitioners assign a reduce partition to each live row of a batch. They
 * take the already-evaluated key vectors (the caller evaluates the key
 * expressions with cn_expr_eval, which yields dense vectors of
 * cn_batch_live(b) rows), so this layer does not depend on plan/ or expr/.
 * Hash partitioning is Spark's: Murmur3_x86_32 chained over the key columns
 * with seed 42 (each column's hash is the next column's seed, NULL leaves it
 * unchanged), then pmod(hash, n) — so hash() in SQL and the partitioner agree.
 *
 * A shuffle-map task feeds its output to a cn_shuffle_writer: rows are copied
 * into per-reduce-partition column buffers (CN_BATCH_SIZE rows); a full buffer
 * is serialized as a block (storage/block.h). Blocks are kept in memory up to
 * a budget, then spilled to a temporary file as per-partition runs. At close
 * the writer produces ONE data file `shuffle_<shuffleId>_<mapId>_0.data` with
 * every block grouped by reduce partition in order, and ONE index file
 * `shuffle_<shuffleId>_<mapId>_0.index` holding nparts+1 little-endian int64
 * offsets (partition p is bytes [off[p], off[p+1]) of the data file), then
 * reports a cn_map_status (bytes and records per reduce partition).
 *
 * A reducer opens a cn_batch_iter over one reduce partition across every map
 * output of a shuffle; it reads, checks and decodes one block at a time.
 *
 * The MapOutputTracker (driver side, thread-safe) records each shuffle's map
 * outputs, answers where a reduce partition's blocks are and how big they are,
 * and deletes the files when a shuffle is unregistered.
 */
#ifndef CN_SHUFFLE_H
#define CN_SHUFFLE_H

#include "base/error.h"
#include "storage/block.h"
#include "types/value.h"

/* ------------------------------------------------------------------ */
/* Spark-compatible hashing of vectors (also usable by SQL hash())      */
/* ------------------------------------------------------------------ */

#define CN_SPARK_HASH_SEED 42

/* Fold column v (n dense rows) into hashes[0..n) as Spark's Murmur3Hash does:
 * hashes[i] = murmur3(v[i], seed = hashes[i]); NULL rows leave hashes[i] unchanged.
 * Initialise hashes to CN_SPARK_HASH_SEED before the first column. */
void cn_spark_hash_vector(const cn_vector *v, int n, uint32_t *hashes);

/* ------------------------------------------------------------------ */
/* Partitioners                                                        */
/* ------------------------------------------------------------------ */

typedef enum cn_partitioner_kind {
    CN_PARTITIONER_SINGLE,
    CN_PARTITIONER_HASH,
    CN_PARTITIONER_RANGE,
    CN_PARTITIONER_ROUND_ROBIN
} cn_partitioner_kind;

typedef struct cn_partitioner {
    cn_partitioner_kind kind;
    int n;               /* number of reduce partitions */
    /* RANGE: sort orders per key and the n-1 (or fewer) ascending boundary rows;
     * bounds[i][k] has the type of key column k. Row r goes to the number of
     * bounds strictly "less than" r in the sort order (Spark: upper bound inclusive). */
    int nkeys;
    const bool *desc;        /* per key; NULL = all ASC */
    const bool *nulls_first; /* per key; NULL = Spark default (ASC: NULLS FIRST, DESC: NULLS LAST) */
    int nbounds;
    cn_value **bounds;
    /* ROUND_ROBIN: next position (advanced per row) */
    int64_t rr_next;
} cn_partitioner;

void cn_partitioner_single(cn_partitioner *p);
void cn_partitioner_hash(cn_partitioner *p, int n);
/* desc/nulls_first/bounds are borrowed (must outlive the partitioner). */
void cn_partitioner_range(cn_partitioner *p, int n, int nkeys, const bool *desc, const bool *nulls_first,
                          int nbounds, cn_value **bounds);
/* Start position derived from the map task's partition id, as Spark does per task. */
void cn_partitioner_round_robin(cn_partitioner *p, int n, int map_partition);

/* pids[i] = reduce partition of live row i, for i < nrows. keys: nkeys dense key
 * vectors of nrows rows (HASH, RANGE; ignored otherwise). */
int cn_partitioner_compute(cn_partitioner *p, int nrows, int nkeys, const cn_vector *keys, int32_t *pids,
                           cn_error *err);

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

struct cn_memory_manager;

typedef struct cn_shuffle_writer_opts {
    const char *dir;        /* per-query directory (exists; see storage/disk.h) */
    int shuffle_id, map_id;
    int nparts;             /* reduce partitions */
    int ncols;
    const cn_type *types;   /* column types of the rows written */
    cn_codec_kind codec;
    int64_t mem_budget;     /* bytes of serialized blocks held before spilling; 0 = 64 MiB */
    struct cn_memory_manager *mm; /* optional: buffers are also accounted as execution memory */
    /* In-memory map output (local mode): when the writer never spilled and the
     * process-wide total of in-memory map outputs stays within this many bytes,
     * the encoded output is kept in memory (cn_map_status.mem) and no file is
     * created. 0 = always write the data and index files. */
    int64_t mem_output_limit;
} cn_shuffle_writer_opts;

/* A map output held in memory: the bytes the data file would hold (blocks grouped
 * by reduce partition). Reference counted: the map status, the tracker's copy and
 * every reader opened on it hold a reference; the last release frees it and
 * returns its bytes to the process-wide in-memory shuffle total. */
typedef struct cn_shuffle_mem {
    int refs;          /* atomic */
    int64_t len;
    uint8_t *data;
} cn_shuffle_mem;
void cn_shuffle_mem_retain(cn_shuffle_mem *m);
void cn_shuffle_mem_release(cn_shuffle_mem *m);
/* Bytes of in-memory map outputs alive in this process. */
int64_t cn_shuffle_mem_held(void);

typedef struct cn_map_status {
    int shuffle_id, map_id;
    int nparts;
    char *data_path, *index_path; /* malloc'd */
    int64_t *bytes;               /* per reduce partition (compressed bytes in the data file), malloc'd */
    int64_t *records;             /* per reduce partition, malloc'd */
    int64_t total_bytes, total_records;
    int64_t data_bytes;           /* uncompressed size of the rows (Spark's "data size"; AQE's statistics) */
    int64_t spill_bytes;          /* bytes written to spill files */
    int spills;
    cn_shuffle_mem *mem;          /* non-NULL: the output is in memory, no files exist (a reference) */
} cn_map_status;

void cn_map_status_free(cn_map_status *s);

typedef struct cn_shuffle_writer cn_shuffle_writer;

cn_shuffle_writer *cn_shuffle_writer_new(const cn_shuffle_writer_opts *o, cn_error *err);
/* Route the live rows of b: live row i goes to reduce partition pids[i] (0 <= pid < nparts). */
int cn_shuffle_writer_write(cn_shuffle_writer *w, const cn_batch *b, const int32_t *pids, cn_error *err);
/* Flush, merge spills, write the data and index files (atomically renamed into place),
 * fill *st and free the writer (also on failure). */
int cn_shuffle_writer_close(cn_shuffle_writer *w, cn_map_status *st, cn_error *err);
/* Drop everything written so far (task failed/cancelled) and free the writer. */
void cn_shuffle_writer_abort(cn_shuffle_writer *w);

/* File names: "<dir>/shuffle_<s>_<m>_0.data" / ".index", into buf. */
const char *cn_shuffle_data_path(char *buf, size_t cap, const char *dir, int shuffle_id, int map_id);
const char *cn_shuffle_index_path(char *buf, size_t cap, const char *dir, int shuffle_id, int map_id);

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

typedef struct cn_shuffle_input {
    const char *data_path, *index_path;
    /* Optional, from the map status (cn_mot_get_partition_inputs): the partition's byte
     * range [off, off+len) of the data, so no index file is read; with mem, the bytes are
     * read from memory (the input holds a reference, released by the reader's close). */
    bool ranged;
    int64_t off, len;
    cn_shuffle_mem *mem;
} cn_shuffle_input;

/* Iterate reduce partition `part` over the map outputs inputs[0..n) (in that
 * order). The iterator's state lives in arena a (copied paths included); the
 * batch returned by next() is valid until the following next()/close(). Index
 * files are validated (nparts+1 monotonic offsets within the data file). */
int cn_shuffle_reader_open(cn_arena *a, int n, const cn_shuffle_input *inputs, int part, cn_batch_source *it,
                           cn_error *err);
/* Bytes and records read so far by an iterator opened above. */
void cn_shuffle_reader_metrics(const cn_batch_source *it, int64_t *bytes, int64_t *records);

/* Read and validate an index file: *offsets (malloc'd, nparts+1 entries). */
int cn_shuffle_read_index(const char *index_path, const char *data_path, int64_t **offsets, int *nparts,
                          cn_error *err);

/* ------------------------------------------------------------------ */
/* MapOutputTracker (driver side, thread-safe)                         */
/* ------------------------------------------------------------------ */

typedef struct cn_map_output_tracker cn_map_output_tracker;

cn_map_output_tracker *cn_map_output_tracker_new(void);
/* Unregisters every shuffle (deleting their files) and frees the tracker. */
void cn_map_output_tracker_free(cn_map_output_tracker *t);

int cn_mot_register_shuffle(cn_map_output_tracker *t, int shuffle_id, int nmaps, int nreduces, cn_error *err);
/* Record (a copy of) st as the output of map st->map_id. A later registration of the same map id
 * (a retried or speculative task) replaces the earlier one. */
int cn_mot_register_map_output(cn_map_output_tracker *t, const cn_map_status *st, cn_error *err);
/* Forget map outputs (e.g. after a fetch failure); their files are deleted. */
void cn_mot_remove_map_output(cn_map_output_tracker *t, int shuffle_id, int map_id);
/* Number of maps whose output is registered (== nmaps when the stage is complete). */
int cn_mot_available_maps(cn_map_output_tracker *t, int shuffle_id);
/* The inputs of reduce partition `part`: one per map output (map order), paths copied into a.
 * Fails with [INTERNAL_ERROR] if the shuffle is unknown or a map output is missing. */
int cn_mot_get_inputs(cn_map_output_tracker *t, int shuffle_id, cn_arena *a, int *n, cn_shuffle_input **inputs,
                      cn_error *err);
/* The non-empty inputs of reduce partition `part`, ranged from the map statuses (no index
 * file needed; in-memory outputs carry a reference for the reader). Same errors as above. */
int cn_mot_get_partition_inputs(cn_map_output_tracker *t, int shuffle_id, int part, cn_arena *a, int *n,
                                cn_shuffle_input **inputs, cn_error *err);
/* bytes/records (either may be NULL) per reduce partition summed over maps, nreduces entries each. */
int cn_mot_partition_sizes(cn_map_output_tracker *t, int shuffle_id, int64_t *bytes, int64_t *records,
                           cn_error *err);
int cn_mot_num_reduces(cn_map_output_tracker *t, int shuffle_id);
/* Uncompressed data size and records of a shuffle, summed over its registered map outputs
 * (the runtime statistics adaptive execution plans with). */
int cn_mot_data_size(cn_map_output_tracker *t, int shuffle_id, int64_t *bytes, int64_t *records, cn_error *err);
/* Change the map count of a shuffle before any of its maps registered output (adaptive
 * coalescing of the map stage's own partitions). [INTERNAL_ERROR] if the shuffle is unknown,
 * nmaps < 0, or an output is already registered. */
int cn_mot_set_num_maps(cn_map_output_tracker *t, int shuffle_id, int nmaps, cn_error *err);
/* Forget the shuffle and delete its files. */
void cn_mot_unregister_shuffle(cn_map_output_tracker *t, int shuffle_id);

#endif
