/*
 * id_store.h — a thread-safe map from ids to owned objects.
 *
 * The broadcast and cache stores are both "objects by id, shared by tasks,
 * freed when removed or when the store goes": this is that mechanism once.
 * get() hands out a borrowed pointer that stays valid until the id is removed
 * (or replaced) — callers keep ids alive for as long as tasks use them.
 */
#ifndef CN_ID_STORE_H
#define CN_ID_STORE_H

#include "base/base.h"

#include <pthread.h>

typedef struct cn_id_entry {
    int64_t id;
    void *item;
} cn_id_entry;

typedef struct cn_id_store {
    pthread_mutex_t mu;
    CN_VEC(cn_id_entry) v;
    void (*free_item)(void *item);
} cn_id_store;

void cn_id_store_init(cn_id_store *s, void (*free_item)(void *item));
/* Frees every item and the store's memory. */
void cn_id_store_destroy(cn_id_store *s);
/* The store owns item from now on; an earlier item with the same id is freed (unless it is item). */
void cn_id_store_put(cn_id_store *s, int64_t id, void *item);
void *cn_id_store_get(cn_id_store *s, int64_t id); /* NULL if absent */
void cn_id_store_remove(cn_id_store *s, int64_t id); /* frees the item */
/* Calls fn on every item under the lock (fn must not call back into the store). */
void cn_id_store_each(cn_id_store *s, void (*fn)(void *ud, void *item), void *ud);

#endif
