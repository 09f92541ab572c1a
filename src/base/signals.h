/*
 * signals.h — terminating signals handled outside the signal handler.
 *
 * A signal handler may do almost nothing safely, and removing directories, cancelling a job
 * and waiting for it are far from async-signal-safe. So the handlers installed here only
 * write the signal's number to a pipe (the self-pipe trick); a watcher thread blocked on the
 * pipe's other end wakes up and calls the program's callback with the number, in an ordinary
 * thread where it may lock, allocate and wait. The callback typically cancels what runs,
 * removes the owned working directories (base/workdir.h) and ends the process with
 * cn_signal_die(), so that the parent sees death by that signal, as without a handler.
 */
#ifndef CN_SIGNALS_H
#define CN_SIGNALS_H

typedef void (*cn_signal_fn)(int signo, void *ud);

/* Install handlers for sigs[0..n) and start the watcher thread that calls fn(signo, ud) for
 * each signal received. Call once per process. Returns 0, or -1 (errno set). */
int cn_signal_watch(const int *sigs, int n, cn_signal_fn fn, void *ud);
/* Hand signo to the watcher from a handler of the program's own (async-signal-safe). */
void cn_signal_post(int signo);
/* Restore signo's default action and raise it: the process ends as if never handled. */
void cn_signal_die(int signo);

#endif
