/*
 * tracker.c — the driver's MapOutputTracker.
 *
 * One entry per registered shuffle: its map and reduce counts and, per map
 * id, the registered cn_map_status (a deep copy). A mutex guards everything,
 * since map tasks finish on worker threads. Replacing or removing a map
 * output, and unregistering a shuffle, delete the files of the outputs
 * dropped (a replaced output with the same paths is not deleted: a retried
 * task rewrites the same file names).
 */
#include "shuffle/shuffle.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

typedef struct shuffle_entry {
    int id, nmaps, nreduces;
    cn_map_status *maps; /* nmaps; data_path NULL = missing */
} shuffle_entry;

struct cn_map_output_tracker {
    pthread_mutex_t mu;
    CN_VEC(shuffle_entry *) v;
};

cn_map_output_tracker *cn_map_output_tracker_new(void)
{
    cn_map_output_tracker *t = cn_xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

static void delete_files(const cn_map_status *s)
{
    if (s->data_path) unlink(s->data_path);
    if (s->index_path) unlink(s->index_path);
}

static void entry_free(shuffle_entry *e)
{
    for (int i = 0; i < e->nmaps; i++) {
        delete_files(&e->maps[i]);
        cn_map_status_free(&e->maps[i]);
    }
    free(e->maps);
    free(e);
}

void cn_map_output_tracker_free(cn_map_output_tracker *t)
{
    if (!t) return;
    for (int i = 0; i < t->v.n; i++) entry_free(t->v.v[i]);
    cn_vec_free(t->v);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

static shuffle_entry *find(cn_map_output_tracker *t, int id, int *idx)
{
    for (int i = 0; i < t->v.n; i++)
        if (t->v.v[i]->id == id) {
            if (idx) *idx = i;
            return t->v.v[i];
        }
    return NULL;
}

static int unknown(cn_error *err, int id)
{
    char msg[96];
    snprintf(msg, sizeof msg, "unknown shuffle %d", id);
    return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
}

int cn_mot_register_shuffle(cn_map_output_tracker *t, int shuffle_id, int nmaps, int nreduces, cn_error *err)
{
    if (nmaps < 0 || nreduces < 1)
        return cn_error_set(err, "INTERNAL_ERROR", "message", "register shuffle: bad map/reduce counts", NULL);
    shuffle_entry *e = cn_xcalloc(1, sizeof *e);
    e->id = shuffle_id;
    e->nmaps = nmaps;
    e->nreduces = nreduces;
    e->maps = cn_xcalloc((size_t)(nmaps ? nmaps : 1), sizeof(cn_map_status));
    pthread_mutex_lock(&t->mu);
    int idx;
    shuffle_entry *old = find(t, shuffle_id, &idx);
    if (old) t->v.v[idx] = e;
    else cn_vec_push(t->v, e);
    pthread_mutex_unlock(&t->mu);
    if (old) entry_free(old);
    return 0;
}

int cn_mot_register_map_output(cn_map_output_tracker *t, const cn_map_status *st, cn_error *err)
{
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, st->shuffle_id, NULL);
    if (!e) {
        pthread_mutex_unlock(&t->mu);
        return unknown(err, st->shuffle_id);
    }
    if (st->map_id < 0 || st->map_id >= e->nmaps || st->nparts != e->nreduces) {
        pthread_mutex_unlock(&t->mu);
        return cn_error_set(err, "INTERNAL_ERROR", "message", "map output does not match its shuffle", NULL);
    }
    cn_map_status *m = &e->maps[st->map_id];
    if (m->data_path && strcmp(m->data_path, st->data_path) != 0) delete_files(m);
    cn_map_status_free(m);
    *m = *st;
    m->data_path = cn_xstrdup(st->data_path);
    m->index_path = cn_xstrdup(st->index_path);
    cn_shuffle_mem_retain(m->mem);
    m->bytes = cn_xmalloc(sizeof(int64_t) * (size_t)st->nparts);
    m->records = cn_xmalloc(sizeof(int64_t) * (size_t)st->nparts);
    memcpy(m->bytes, st->bytes, sizeof(int64_t) * (size_t)st->nparts);
    memcpy(m->records, st->records, sizeof(int64_t) * (size_t)st->nparts);
    pthread_mutex_unlock(&t->mu);
    return 0;
}

void cn_mot_remove_map_output(cn_map_output_tracker *t, int shuffle_id, int map_id)
{
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    if (e && map_id >= 0 && map_id < e->nmaps) {
        delete_files(&e->maps[map_id]);
        cn_map_status_free(&e->maps[map_id]);
    }
    pthread_mutex_unlock(&t->mu);
}

int cn_mot_available_maps(cn_map_output_tracker *t, int shuffle_id)
{
    int n = 0;
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    if (e)
        for (int i = 0; i < e->nmaps; i++) n += e->maps[i].data_path != NULL;
    pthread_mutex_unlock(&t->mu);
    return n;
}

int cn_mot_get_inputs(cn_map_output_tracker *t, int shuffle_id, cn_arena *a, int *n, cn_shuffle_input **inputs,
                      cn_error *err)
{
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    if (!e) {
        pthread_mutex_unlock(&t->mu);
        return unknown(err, shuffle_id);
    }
    cn_shuffle_input *in = cn_arena_calloc(a, sizeof *in * (size_t)(e->nmaps ? e->nmaps : 1));
    for (int i = 0; i < e->nmaps; i++) {
        if (!e->maps[i].data_path) {
            pthread_mutex_unlock(&t->mu);
            char msg[128];
            snprintf(msg, sizeof msg, "missing output of map %d of shuffle %d", i, shuffle_id);
            return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
        }
        in[i].data_path = cn_arena_strdup(a, e->maps[i].data_path);
        in[i].index_path = cn_arena_strdup(a, e->maps[i].index_path);
    }
    *n = e->nmaps;
    *inputs = in;
    pthread_mutex_unlock(&t->mu);
    return 0;
}

int cn_mot_get_partition_inputs(cn_map_output_tracker *t, int shuffle_id, int part, cn_arena *a, int *n,
                                cn_shuffle_input **inputs, cn_error *err)
{
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    if (!e) {
        pthread_mutex_unlock(&t->mu);
        return unknown(err, shuffle_id);
    }
    if (part < 0 || part >= e->nreduces) {
        pthread_mutex_unlock(&t->mu);
        return cn_error_set(err, "INTERNAL_ERROR", "message", "shuffle reader: bad partition", NULL);
    }
    cn_shuffle_input *in = cn_arena_calloc(a, sizeof *in * (size_t)(e->nmaps ? e->nmaps : 1));
    int k = 0;
    for (int i = 0; i < e->nmaps; i++) {
        const cn_map_status *m = &e->maps[i];
        if (!m->data_path) {
            pthread_mutex_unlock(&t->mu);
            for (int j = 0; j < k; j++) cn_shuffle_mem_release(in[j].mem);
            char msg[128];
            snprintf(msg, sizeof msg, "missing output of map %d of shuffle %d", i, shuffle_id);
            return cn_error_set(err, "INTERNAL_ERROR", "message", msg, NULL);
        }
        if (m->bytes[part] == 0) continue;
        int64_t off = 0;
        for (int p = 0; p < part; p++) off += m->bytes[p];
        in[k].data_path = cn_arena_strdup(a, m->data_path);
        in[k].index_path = cn_arena_strdup(a, m->index_path);
        in[k].ranged = true;
        in[k].off = off;
        in[k].len = m->bytes[part];
        in[k].mem = m->mem;
        cn_shuffle_mem_retain(m->mem);
        k++;
    }
    *n = k;
    *inputs = in;
    pthread_mutex_unlock(&t->mu);
    return 0;
}

int cn_mot_partition_sizes(cn_map_output_tracker *t, int shuffle_id, int64_t *bytes, int64_t *records,
                           cn_error *err)
{
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    if (!e) {
        pthread_mutex_unlock(&t->mu);
        return unknown(err, shuffle_id);
    }
    if (bytes) memset(bytes, 0, sizeof(int64_t) * (size_t)e->nreduces);
    if (records) memset(records, 0, sizeof(int64_t) * (size_t)e->nreduces);
    for (int i = 0; i < e->nmaps; i++) {
        const cn_map_status *m = &e->maps[i];
        if (!m->data_path) continue;
        for (int p = 0; p < e->nreduces; p++) {
            if (bytes) bytes[p] += m->bytes[p];
            if (records) records[p] += m->records[p];
        }
    }
    pthread_mutex_unlock(&t->mu);
    return 0;
}

int cn_mot_data_size(cn_map_output_tracker *t, int shuffle_id, int64_t *bytes, int64_t *records, cn_error *err)
{
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    if (!e) {
        pthread_mutex_unlock(&t->mu);
        return unknown(err, shuffle_id);
    }
    int64_t b = 0, r = 0;
    for (int i = 0; i < e->nmaps; i++) {
        if (!e->maps[i].data_path) continue;
        b += e->maps[i].data_bytes;
        r += e->maps[i].total_records;
    }
    pthread_mutex_unlock(&t->mu);
    *bytes = b;
    *records = r;
    return 0;
}

int cn_mot_num_reduces(cn_map_output_tracker *t, int shuffle_id)
{
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    int n = e ? e->nreduces : -1;
    pthread_mutex_unlock(&t->mu);
    return n;
}

int cn_mot_set_num_maps(cn_map_output_tracker *t, int shuffle_id, int nmaps, cn_error *err)
{
    if (nmaps < 0) return cn_error_set(err, "INTERNAL_ERROR", "message", "set map count: negative", NULL);
    pthread_mutex_lock(&t->mu);
    shuffle_entry *e = find(t, shuffle_id, NULL);
    if (!e) {
        pthread_mutex_unlock(&t->mu);
        return unknown(err, shuffle_id);
    }
    for (int i = 0; i < e->nmaps; i++)
        if (e->maps[i].data_path) {
            pthread_mutex_unlock(&t->mu);
            return cn_error_set(err, "INTERNAL_ERROR", "message", "set map count: outputs already registered",
                                NULL);
        }
    for (int i = 0; i < e->nmaps; i++) cn_map_status_free(&e->maps[i]);
    free(e->maps);
    e->nmaps = nmaps;
    e->maps = cn_xcalloc((size_t)(nmaps ? nmaps : 1), sizeof(cn_map_status));
    pthread_mutex_unlock(&t->mu);
    return 0;
}

void cn_mot_unregister_shuffle(cn_map_output_tracker *t, int shuffle_id)
{
    pthread_mutex_lock(&t->mu);
    int idx;
    shuffle_entry *e = find(t, shuffle_id, &idx);
    if (e) t->v.v[idx] = t->v.v[--t->v.n];
    pthread_mutex_unlock(&t->mu);
    if (e) entry_free(e);
}
