/*
 * faults.c — the cinder.test.faults syntax, for deterministic failure tests.
 *
 *   spec    := rule (';' rule)*
 *   rule    := name '=' args
 *   name    := task.fail | task.sleep | shuffle.lose
 *   args    := N | key ':' value (',' key ':' value)*
 *
 *   task.fail=stage:1,partition:0,attempts:2[,class:DIVIDE_BY_ZERO]
 *       attempts 0..attempts-1 of that task fail with the class (default
 *       INTERNAL_ERROR "injected task failure"). stage/partition default to any.
 *       A bare number N means attempts:N of every task.
 *   task.sleep=stage:0,ms:50    sleep per output batch (cancellation, progress bar)
 *   shuffle.lose=1 | shuffle.lose=stage:1,map:0
 *       after stage 1 (a shuffle-map stage) first completes, delete the data
 *       file of its map output 0, so the reducers' fetch fails and stage 1 is
 *       resubmitted through lineage.
 *
 * Stage ids are the scheduler's global ids (0, 1, ... in creation order: a
 * fresh scheduler's first job numbers its stages from 0, parents first
 * within the job; sampling and broadcast jobs take ids too).
 */
#include "scheduler/sched_internal.h"

#include <ctype.h>
#include <stdio.h>

static int bad(cn_error *err, const char *spec)
{
    return cn_error_set(err, "INVALID_CONF_VALUE", "confValue", spec, "confName", "cinder.test.faults", NULL);
}

static int parse_rule(const char *s, size_t len, cn_fault *f, cn_error *err, const char *spec)
{
    char buf[256];
    if (len >= sizeof buf) return bad(err, spec);
    memcpy(buf, s, len);
    buf[len] = 0;
    char *eq = strchr(buf, '=');
    if (!eq) return bad(err, spec);
    *eq = 0;
    char *name = buf, *args = eq + 1;
    while (isspace((unsigned char)*name)) name++;
    memset(f, 0, sizeof *f);
    f->stage = -1;
    f->partition = -1;
    f->attempts = 1;
    if (strcmp(name, "task.fail") == 0) f->kind = FAULT_TASK_FAIL;
    else if (strcmp(name, "task.sleep") == 0) f->kind = FAULT_TASK_SLEEP;
    else if (strcmp(name, "shuffle.lose") == 0) {
        f->kind = FAULT_SHUFFLE_LOSE;
        f->partition = 0;
    } else return bad(err, spec);
    if (!strchr(args, ':')) {
        char *end;
        long v = strtol(args, &end, 10);
        if (end == args || v < 0) return bad(err, spec);
        if (f->kind == FAULT_TASK_FAIL) f->attempts = (int)v;
        else if (f->kind == FAULT_TASK_SLEEP) f->ms = (int)v;
        else f->stage = (int)v;
        return 0;
    }
    char *save = NULL;
    for (char *kv = strtok_r(args, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(kv, ':');
        if (!colon) return bad(err, spec);
        *colon = 0;
        char *k = kv, *v = colon + 1;
        while (isspace((unsigned char)*k)) k++;
        if (strcmp(k, "class") == 0) {
            /* an injected failure raises a class of the error table, like every other error */
            if (!cn_error_class_info(v, NULL, NULL, NULL)) return bad(err, spec);
            snprintf(f->cls, sizeof f->cls, "%s", v);
            continue;
        }
        char *end;
        long n = strtol(v, &end, 10);
        if (end == v || n < 0 || n > 1000000000L) return bad(err, spec);
        if (strcmp(k, "stage") == 0) f->stage = (int)n;
        else if (strcmp(k, "partition") == 0 || strcmp(k, "map") == 0) f->partition = (int)n;
        else if (strcmp(k, "attempts") == 0) f->attempts = (int)n;
        else if (strcmp(k, "ms") == 0) f->ms = (int)n;
        else return bad(err, spec);
    }
    return 0;
}

int cn_faults_parse(const char *spec, cn_faults *out, cn_error *err)
{
    memset(out, 0, sizeof *out);
    if (!spec) return 0;
    const char *p = spec;
    while (*p) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        bool blank = true;
        for (size_t i = 0; i < len; i++)
            if (!isspace((unsigned char)p[i])) blank = false;
        if (!blank) {
            if (out->n == CN_MAX_FAULTS) return bad(err, spec);
            if (parse_rule(p, len, &out->f[out->n], err, spec) != 0) return -1;
            out->n++;
        }
        if (!e) break;
        p = e + 1;
    }
    return 0;
}
