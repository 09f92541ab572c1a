/*
 * broadcast.h — broadcast relations and the per-query broadcast store.
 *
 * A broadcast exchange runs its child as a job; the driver collects the
 * build-side rows as serialized blocks (storage/block.h) and stores them as a
 * cn_broadcast under a broadcast id. Tasks read the rows with
 * cn_broadcast_open: the blocks are decoded once (lazily, by the first task
 * that asks, under a lock) into read-only batches shared by every thread.
 * A task may also ask for a derived object shared by all tasks — the hash
 * table a broadcast-hash join builds — with cn_broadcast_get_table: the
 * build callback runs exactly once, under the broadcast's lock, and everyone
 * gets the same pointer. The build callback can allocate memory that lives
 * as long as the broadcast from cn_broadcast_build_arena() (valid only while
 * the callback runs, on its thread). Everything is freed when the broadcast
 * is removed from the store (at the end of the query).
 */
#ifndef CN_BROADCAST_H
#define CN_BROADCAST_H

#include "storage/block.h"

typedef struct cn_broadcast cn_broadcast;

/* An empty broadcast of rows with the given column types (copied). */
cn_broadcast *cn_broadcast_new(int id, int ncols, const cn_type *types, cn_codec_kind codec);
/* Driver side, before publishing: add rows (serialized into blocks) or a ready frame
 * (e.g. the bytes a result task returned; several consecutive frames allowed). Not thread-safe. */
int cn_broadcast_add_batch(cn_broadcast *bc, const cn_batch *b, cn_error *err);
int cn_broadcast_add_frames(cn_broadcast *bc, const void *frames, size_t len, cn_error *err);
void cn_broadcast_free(cn_broadcast *bc);

int cn_broadcast_id(const cn_broadcast *bc);
int64_t cn_broadcast_rows(const cn_broadcast *bc);       /* rows added so far */
int64_t cn_broadcast_stored_bytes(const cn_broadcast *bc); /* bytes of the serialized blocks */

/* Task side (thread-safe after publishing). Decoded batches, decoded once. */
int cn_broadcast_batches(cn_broadcast *bc, int *n, cn_batch ***batches, cn_error *err);
/* Iterator over the decoded batches; state in arena a. Batches are shared: read-only. */
int cn_broadcast_open(cn_broadcast *bc, cn_arena *a, cn_batch_source *it, cn_error *err);
/* The shared derived object, built once by build(arg, err). Returns NULL with err set if
 * the build failed (a later call retries). free_fn (may be NULL) is called on the object
 * when the broadcast is freed. */
void *cn_broadcast_get_table(cn_broadcast *bc, void *(*build)(void *arg, cn_error *err), void *arg,
                             void (*free_fn)(void *table), cn_error *err);
/* Inside a build callback: the arena of the broadcast being built on this thread (NULL elsewhere). */
cn_arena *cn_broadcast_build_arena(void);

/* The store: broadcasts by id, thread-safe. */
typedef struct cn_broadcast_store cn_broadcast_store;
cn_broadcast_store *cn_broadcast_store_new(void);
/* Frees every broadcast still held. */
void cn_broadcast_store_free(cn_broadcast_store *s);
/* Publish bc (the store owns it from now on). Replaces (and frees) an earlier one with the same id. */
void cn_broadcast_store_put(cn_broadcast_store *s, cn_broadcast *bc);
/* NULL if absent. The pointer stays valid until cn_broadcast_store_remove of that id. */
cn_broadcast *cn_broadcast_store_get(cn_broadcast_store *s, int id);
void cn_broadcast_store_remove(cn_broadcast_store *s, int id);

#endif
