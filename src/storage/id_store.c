/*
 * id_store.c — thread-safe id → object map (broadcast and cache stores).
 * A handful of entries per query: a vector with linear search is enough.
 */
#include "storage/id_store.h"

void cn_id_store_init(cn_id_store *s, void (*free_item)(void *item))
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->free_item = free_item;
}

void cn_id_store_destroy(cn_id_store *s)
{
    for (int i = 0; i < s->v.n; i++) s->free_item(s->v.v[i].item);
    cn_vec_free(s->v);
    pthread_mutex_destroy(&s->mu);
}

void cn_id_store_put(cn_id_store *s, int64_t id, void *item)
{
    void *old = NULL;
    pthread_mutex_lock(&s->mu);
    int i = 0;
    while (i < s->v.n && s->v.v[i].id != id) i++;
    if (i < s->v.n) {
        old = s->v.v[i].item;
        s->v.v[i].item = item;
    } else {
        cn_id_entry e = {id, item};
        cn_vec_push(s->v, e);
    }
    pthread_mutex_unlock(&s->mu);
    if (old && old != item) s->free_item(old);
}

void *cn_id_store_get(cn_id_store *s, int64_t id)
{
    void *r = NULL;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < s->v.n && !r; i++)
        if (s->v.v[i].id == id) r = s->v.v[i].item;
    pthread_mutex_unlock(&s->mu);
    return r;
}

void cn_id_store_remove(cn_id_store *s, int64_t id)
{
    void *r = NULL;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < s->v.n; i++)
        if (s->v.v[i].id == id) {
            r = s->v.v[i].item;
            s->v.v[i] = s->v.v[--s->v.n];
            break;
        }
    pthread_mutex_unlock(&s->mu);
    if (r) s->free_item(r);
}

void cn_id_store_each(cn_id_store *s, void (*fn)(void *ud, void *item), void *ud)
{
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < s->v.n; i++) fn(ud, s->v.v[i].item);
    pthread_mutex_unlock(&s->mu);
}
