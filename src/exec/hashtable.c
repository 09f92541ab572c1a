/*
 * hashtable.c — group table (vectorized find-or-insert with linear probing
 * and tag + key verification) and join table (columnar build rows with hash
 * chains). See hashtable.h for the layouts.
 */
#include "exec/hashtable.h"

#define TAG(h) ((h) & 0xffffffff00000000ULL)

void cn_group_table_init(cn_group_table *gt, int nkeys, const cn_type *types, cn_arena *arena)
{
    memset(gt, 0, sizeof *gt);
    cn_rowstore_init(&gt->keys, nkeys, types, arena);
    uint64_t nslots = 1024;
    gt->slots = cn_xcalloc(nslots, sizeof(uint64_t));
    gt->mask = nslots - 1;
    gt->hcap = 512;
    gt->hashes = cn_xmalloc((size_t)gt->hcap * sizeof(uint64_t));
    gt->bytes = (int64_t)(nslots * 8 + (uint64_t)gt->hcap * 8);
}

static void group_table_grow(cn_group_table *gt)
{
    uint64_t nslots = (gt->mask + 1) * 2;
    free(gt->slots);
    gt->slots = cn_xcalloc(nslots, sizeof(uint64_t));
    gt->bytes += (int64_t)(nslots / 2 * 8);
    gt->mask = nslots - 1;
    for (int64_t g = 0; g < gt->ngroups; g++) {
        uint64_t h = gt->hashes[g];
        uint64_t s = h & gt->mask;
        while (gt->slots[s]) s = (s + 1) & gt->mask;
        gt->slots[s] = TAG(h) | (uint64_t)(g + 1);
    }
}

void cn_group_table_lookup(cn_group_table *gt, const cn_vector *const *keys, const uint64_t *h, int n,
                           uint32_t *gids)
{
    /* make room for n new groups at <= 50% load */
    while ((uint64_t)(gt->ngroups + n) * 2 > gt->mask + 1) group_table_grow(gt);
    if (gt->ngroups + n > gt->hcap) {
        int64_t nc = gt->hcap * 2;
        while (nc < gt->ngroups + n) nc *= 2;
        gt->hashes = cn_xrealloc(gt->hashes, (size_t)nc * sizeof(uint64_t));
        gt->bytes += (nc - gt->hcap) * 8;
        gt->hcap = nc;
    }
    uint64_t slot[CN_BATCH_SIZE];
    uint16_t active[CN_BATCH_SIZE], cand[CN_BATCH_SIZE], newrows[CN_BATCH_SIZE];
    uint32_t cgid[CN_BATCH_SIZE];
    uint8_t match[CN_BATCH_SIZE];
    int nactive = n;
    for (int i = 0; i < n; i++) {
        slot[i] = h[i] & gt->mask;
        active[i] = (uint16_t)i;
    }
    /* a big table's slots are cache misses: ask for all of them before reading any */
    if (gt->mask >= 4096)
        for (int i = 0; i < n; i++) __builtin_prefetch(&gt->slots[slot[i]]);
    int nkeys = gt->keys.ncols;
    while (nactive > 0) {
        int ncand = 0, nnew = 0, nnext = 0;
        for (int k = 0; k < nactive; k++) {
            int i = active[k];
            uint64_t s = slot[i];
            uint64_t e = gt->slots[s];
            for (;;) {
                if (!e) {
                    /* new group */
                    uint32_t g = (uint32_t)gt->ngroups++;
                    gt->slots[s] = TAG(h[i]) | (uint64_t)(g + 1);
                    gt->hashes[g] = h[i];
                    gids[i] = g;
                    newrows[nnew++] = (uint16_t)i;
                    break;
                }
                if (TAG(e) == TAG(h[i])) {
                    cand[ncand] = (uint16_t)i;
                    cgid[ncand++] = (uint32_t)(e & 0xffffffffu) - 1;
                    break;
                }
                s = (s + 1) & gt->mask;
                e = gt->slots[s];
            }
            slot[i] = s;
        }
        if (nnew) {
            const cn_vector *cols[nkeys > 0 ? nkeys : 1];
            for (int c = 0; c < nkeys; c++) cols[c] = keys[c];
            cn_rowstore_append(&gt->keys, cols, newrows, nnew);
        }
        if (ncand) {
            memset(match, 1, (size_t)ncand);
            for (int c = 0; c < nkeys; c++) cn_keys_eq(keys[c], cand, &gt->keys, c, cgid, ncand, match, gt->null_slot);
            for (int k = 0; k < ncand; k++) {
                int i = cand[k];
                if (match[k]) {
                    gids[i] = cgid[k];
                } else {
                    slot[i] = (slot[i] + 1) & gt->mask;
                    active[nnext++] = (uint16_t)i;
                }
            }
        }
        nactive = nnext;
    }
}

void cn_group_table_free(cn_group_table *gt)
{
    free(gt->slots);
    free(gt->hashes);
    gt->slots = NULL;
    gt->hashes = NULL;
    cn_rowstore_free(&gt->keys);
}

/* ---- join table ---- */

void cn_join_table_init(cn_join_table *jt, int npayload, const cn_type *payload_types, int nkeys,
                        const cn_type *key_types, cn_arena *arena)
{
    memset(jt, 0, sizeof *jt);
    jt->arena = arena;
    jt->npayload = npayload;
    jt->nkeys = nkeys;
    int n = npayload + nkeys;
    cn_type types[n > 0 ? n : 1];
    for (int i = 0; i < npayload; i++) types[i] = payload_types[i];
    for (int i = 0; i < nkeys; i++) types[npayload + i] = key_types[i];
    cn_rowstore_init(&jt->rows, n, types, arena);
}

void cn_join_table_append(cn_join_table *jt, const cn_vector *const *payload, const uint16_t *rows,
                          const cn_vector *const *keys, int n)
{
    if (n <= 0) return;
    int64_t base = jt->rows.n;
    if (base + n > jt->hcap) {
        int64_t nc = jt->hcap ? jt->hcap * 2 : 4096;
        while (nc < base + n) nc *= 2;
        jt->hashes = cn_xrealloc(jt->hashes, (size_t)nc * sizeof(uint64_t));
        jt->nullkey = cn_xrealloc(jt->nullkey, (size_t)nc);
        jt->bytes += (nc - jt->hcap) * 9;
        jt->hcap = nc;
    }
    cn_rowstore_reserve(&jt->rows, base + n);
    cn_rowstore_append_part(&jt->rows, 0, jt->npayload, payload, rows, n);
    cn_rowstore_append_part(&jt->rows, jt->npayload, jt->nkeys, keys, NULL, n);
    jt->rows.n = base + n;
    uint64_t *h = jt->hashes + base;
    uint8_t *nk = jt->nullkey + base;
    memset(nk, 0, (size_t)n);
    if (jt->nkeys == 0) {
        for (int i = 0; i < n; i++) h[i] = 0;
    }
    for (int c = 0; c < jt->nkeys; c++) {
        cn_hash_vector(keys[c], n, h, c == 0, false); /* NULL keys are never chained */
        if (cn_vector_nulls(keys[c], n, nk)) jt->has_null_key = true;
    }
}

void cn_join_table_finish(cn_join_table *jt)
{
    int64_t n = jt->rows.n;
    /* at most half the buckets used: a probe key that is absent (a semi-join filter's usual
     * case) mostly finds an empty bucket and stops there */
    uint64_t nb = 1024;
    while (nb < 2 * (uint64_t)n) nb *= 2;
    jt->heads = cn_xcalloc(nb, sizeof(uint32_t));
    jt->mask = nb - 1;
    jt->next = cn_xmalloc((size_t)(n > 0 ? n : 1) * sizeof(uint32_t));
    jt->bytes += (int64_t)(nb * 4 + (uint64_t)n * 4);
    /* insert in reverse so chains list rows in input order */
    for (int64_t r = n - 1; r >= 0; r--) {
        if (jt->nullkey[r]) {
            jt->next[r] = 0;
            continue;
        }
        uint64_t b = jt->hashes[r] & jt->mask;
        jt->next[r] = jt->heads[b];
        jt->heads[b] = (uint32_t)(r + 1);
    }
}

void cn_join_table_free(cn_join_table *jt)
{
    cn_rowstore_free(&jt->rows);
    free(jt->hashes);
    free(jt->nullkey);
    free(jt->next);
    free(jt->heads);
    jt->hashes = NULL;
    jt->nullkey = NULL;
    jt->next = jt->heads = NULL;
    if (jt->own_arena) cn_arena_free(jt->arena);
    jt->arena = NULL;
}
