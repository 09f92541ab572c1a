/*
 * hashtable.h — the hash tables of the hash aggregate and the hash join.
 *
 * cn_group_table (aggregation): open addressing with linear probing over an
 * array of 64-bit slots; a slot holds the upper 32 bits of the key hash (a
 * tag) and group id + 1 (0 = empty). Group keys are stored columnar in a
 * cn_rowstore (one row per group, strings copied) with the full hash per
 * group for growth. Lookups are vectorized: a whole batch of hashes probes
 * in rounds; candidates whose tag matches are verified column by column
 * with cn_keys_eq; new keys are appended column-wise. The table doubles at
 * 50% load.
 *
 * cn_join_table (hash join build side): all build rows stored columnar
 * (payload columns then key columns), a hash per row, and bucket chains
 * (heads[bucket] -> row + 1, next[row] -> row + 1). Rows with a NULL key are
 * stored (outer joins emit them) but never chained. After cn_join_table_finish
 * the table is read-only, so one table can be shared by every task of a
 * broadcast hash join on several threads; per-probe state lives in the
 * operator.
 */
#ifndef CN_HASHTABLE_H
#define CN_HASHTABLE_H

#include "exec/rowstore.h"

typedef struct cn_group_table {
    uint64_t *slots;
    uint64_t mask;
    int64_t ngroups;
    uint64_t *hashes; /* per group */
    int64_t hcap;
    cn_rowstore keys;
    int64_t bytes;    /* slots + hashes */
    bool null_slot;   /* tests only (CN_REINJECT_NULL_KEY_SLOT): a NULL key's slot takes part */
} cn_group_table;

void cn_group_table_init(cn_group_table *gt, int nkeys, const cn_type *types, cn_arena *arena);
/* Find or create the groups of n dense rows of keys[0..nkeys) with hashes h: gids[i] = group of row i.
 * New groups get consecutive ids from the old ngroups. */
void cn_group_table_lookup(cn_group_table *gt, const cn_vector *const *keys, const uint64_t *h, int n,
                           uint32_t *gids);
void cn_group_table_free(cn_group_table *gt);
static inline int64_t cn_group_table_bytes(const cn_group_table *gt) { return gt->bytes + gt->keys.bytes; }

typedef struct cn_join_table {
    cn_arena *arena;       /* strings of the build rows */
    bool own_arena;        /* freed with the table (shared broadcast tables) */
    int npayload, nkeys;
    cn_rowstore rows;      /* npayload payload columns then nkeys key columns */
    uint64_t *hashes;      /* per row */
    uint8_t *nullkey;      /* per row: some key is NULL */
    int64_t hcap;
    uint32_t *next;        /* per row */
    uint32_t *heads;       /* per bucket */
    uint64_t mask;
    bool has_null_key;     /* some build row has a NULL key (null-aware anti join) */
    int64_t bytes;
} cn_join_table;

void cn_join_table_init(cn_join_table *jt, int npayload, const cn_type *payload_types, int nkeys,
                        const cn_type *key_types, cn_arena *arena);
/* Append n build rows: payload[c] at physical rows rows[i] (NULL = 0..n-1), keys dense (n rows). */
void cn_join_table_append(cn_join_table *jt, const cn_vector *const *payload, const uint16_t *rows,
                          const cn_vector *const *keys, int n);
/* Build the bucket chains; the table is read-only afterwards. */
void cn_join_table_finish(cn_join_table *jt);
void cn_join_table_free(cn_join_table *jt);
static inline int64_t cn_join_table_bytes(const cn_join_table *jt) { return jt->bytes + jt->rows.bytes; }

#endif
