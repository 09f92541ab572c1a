/*
 * signals.c — the self-pipe and its watcher thread (see signals.h).
 *
 * The handler writes one byte, the signal number, with write(2) (async-signal-safe) and
 * keeps errno intact. The pipe's write end is non-blocking: if a burst of signals ever filled
 * it, the extra bytes are dropped, and the watcher has work queued already. The watcher runs
 * the callback for one signal at a time.
 */
#define _GNU_SOURCE
#include "base/signals.h"

#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static int pipe_fds[2] = {-1, -1};
static cn_signal_fn watch_fn;
static void *watch_ud;

static void on_signal(int signo) { cn_signal_post(signo); }

void cn_signal_post(int signo)
{
    if (pipe_fds[1] < 0) return;
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    ssize_t w = write(pipe_fds[1], &b, 1);
    CN_UNUSED(w);
    errno = saved;
}

static void *watcher(void *arg)
{
    CN_UNUSED(arg);
    for (;;) {
        unsigned char b;
        ssize_t r = read(pipe_fds[0], &b, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return NULL;
        watch_fn((int)b, watch_ud);
    }
}

int cn_signal_watch(const int *sigs, int n, cn_signal_fn fn, void *ud)
{
    if (pipe_fds[0] >= 0) {
        errno = EBUSY;
        return -1;
    }
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
    fcntl(pipe_fds[1], F_SETFL, fcntl(pipe_fds[1], F_GETFL) | O_NONBLOCK);
    watch_fn = fn;
    watch_ud = ud;
    /* the watcher takes no signals itself: they go to the other threads, whose handler posts */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t t;
    int rc = pthread_create(&t, NULL, watcher, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    pthread_detach(t);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int i = 0; i < n; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0) return -1;
    return 0;
}

void cn_signal_die(int signo)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(signo, &sa, NULL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    raise(signo);
    _exit(128 + signo); /* a signal whose default is to ignore (never one we watch) */
}
