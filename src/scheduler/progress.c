/*
 * progress.c — the console progress bar, as Spark's ConsoleProgressBar.
 *
 * A listener that keeps, per running stage, its task count and how many
 * tasks are finished and running, and draws on stderr
 *
 *     [Stage 3:=====>                    (12 + 2) / 40]
 *
 * for up to three stages side by side (the terminal width, $COLUMNS or 80,
 * shared between them). As in Spark it only shows stages that have run for
 * more than 500 ms, redraws with '\r' at most every 100 ms (and only when
 * the text changed), only when stderr is a terminal, and erases itself when
 * the stages it shows finish, so query output is never interleaved with it.
 */
#include "scheduler/scheduler.h"

#include <stdio.h>
#include <unistd.h>

#define PB_FIRST_DELAY_NS (500ULL * 1000000ULL)
#define PB_UPDATE_NS (100ULL * 1000000ULL)
#define PB_MAX_STAGES 3
#define PB_TRACK 16

typedef struct pb_stage {
    int id;
    int total, done, active;
    uint64_t start_ns;
    bool used;
} pb_stage;

struct cn_progress {
    bool tty;
    pb_stage st[PB_TRACK];
    uint64_t last_draw;
    int last_len;
    char last[512];
};

cn_progress *cn_progress_new(void)
{
    cn_progress *p = cn_xcalloc(1, sizeof *p);
    p->tty = isatty(STDERR_FILENO) == 1;
    return p;
}

void cn_progress_free(cn_progress *p) { free(p); }

static pb_stage *find(cn_progress *p, int id, bool create)
{
    for (int i = 0; i < PB_TRACK; i++)
        if (p->st[i].used && p->st[i].id == id) return &p->st[i];
    if (!create) return NULL;
    for (int i = 0; i < PB_TRACK; i++)
        if (!p->st[i].used) {
            memset(&p->st[i], 0, sizeof p->st[i]);
            p->st[i].used = true;
            p->st[i].id = id;
            return &p->st[i];
        }
    return NULL;
}

static void clear(cn_progress *p)
{
    if (p->last_len > 0 && p->tty) fprintf(stderr, "\r%*s\r", p->last_len, "");
    fflush(stderr);
    p->last_len = 0;
    p->last[0] = 0;
}

/* The bar text for the stages to show (Spark's ConsoleProgressBar.show). */
static int render(cn_progress *p, uint64_t now, char *out, size_t cap)
{
    pb_stage *show[PB_MAX_STAGES];
    int n = 0;
    for (int i = 0; i < PB_TRACK && n < PB_MAX_STAGES; i++)
        if (p->st[i].used && now - p->st[i].start_ns > PB_FIRST_DELAY_NS) show[n++] = &p->st[i];
    /* lowest stage ids first */
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && show[b]->id < show[b - 1]->id; b--) {
            pb_stage *t = show[b];
            show[b] = show[b - 1];
            show[b - 1] = t;
        }
    out[0] = 0;
    if (n == 0) return 0;
    const char *cols = getenv("COLUMNS");
    int width = cols && atoi(cols) > 0 ? atoi(cols) : 80;
    int per = width / n;
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        pb_stage *s = show[i];
        char header[32], tail[64];
        snprintf(header, sizeof header, "[Stage %d:", s->id);
        snprintf(tail, sizeof tail, "(%d + %d) / %d]", s->done, s->active, s->total);
        int w = per - (int)strlen(header) - (int)strlen(tail);
        len += (size_t)snprintf(out + len, cap - len, "%s", header);
        if (w > 0 && s->total > 0) {
            int percent = (int)((int64_t)w * s->done / s->total);
            for (int k = 0; k < w && len + 1 < cap; k++)
                out[len++] = k < percent ? '=' : k == percent ? '>' : ' ';
            out[len] = 0;
        }
        if (len < cap) len += (size_t)snprintf(out + len, cap - len, "%s", tail);
        if (len >= cap) len = cap - 1;
    }
    return (int)len;
}

static void draw(cn_progress *p, bool force)
{
    if (!p->tty) return;
    uint64_t now = cn_now_ns();
    if (!force && now - p->last_draw < PB_UPDATE_NS) return;
    char buf[512];
    int len = render(p, now, buf, sizeof buf);
    if (len == 0) {
        if (p->last_len) clear(p);
        return;
    }
    if (strcmp(buf, p->last) == 0) return;
    p->last_draw = now;
    fprintf(stderr, "\r%s", buf);
    if (len < p->last_len) fprintf(stderr, "%*s\r%s", p->last_len - len, "", buf);
    fflush(stderr);
    p->last_len = len;
    snprintf(p->last, sizeof p->last, "%s", buf);
}

void cn_progress_listener(void *ud, const cn_event *ev)
{
    cn_progress *p = ud;
    pb_stage *s;
    switch (ev->type) {
    case EV_STAGE_SUBMITTED:
        if ((s = find(p, ev->stage_id, true))) {
            s->total = ev->num_tasks;
            s->done = s->active = 0;
            s->start_ns = cn_now_ns();
        }
        break;
    case EV_TASK_START:
        if ((s = find(p, ev->stage_id, false))) s->active++;
        draw(p, false);
        break;
    case EV_TASK_END:
        if ((s = find(p, ev->stage_id, false))) {
            if (s->active > 0) s->active--;
            if (!ev->failed && s->done < s->total) s->done++;
        }
        draw(p, false);
        break;
    case EV_STAGE_COMPLETED:
        if ((s = find(p, ev->stage_id, false))) s->used = false;
        clear(p);
        break;
    case EV_JOB_END:
        for (int i = 0; i < PB_TRACK; i++) p->st[i].used = false;
        clear(p);
        break;
    case EV_TICK: draw(p, false); break;
    default: break;
    }
}
