/*
 * workdir.h — owned working directories: the one way Cinder leaves files on disk.
 *
 * A process that needs scratch space under a shared parent directory (spark.local.dir now;
 * a worker's and the warehouse's temporary directories later) owns a directory of its own:
 *
 *   <parent>/<prefix>-<16 hex digits from getrandom()>/owner.lock
 *
 * Create: the name comes from getrandom(), and mkdir() fails rather than reuses an existing
 * name (another try with a fresh name), so two processes never share one — not across hosts
 * sharing the parent, nor across PID namespaces where both are pid 1. Lock: the owner holds
 * flock(LOCK_EX) on owner.lock for its whole life; the kernel drops it when the process dies,
 * however it dies. Sweep: creating a directory first removes stale siblings with the same
 * prefix — those whose lock can be taken (their owner is gone), never one whose lock is held;
 * a sibling without a lock file is left alone for a grace period (it may be being created).
 * A pid proves nothing across hosts and namespaces, so none is used. Remove: the owner removes
 * its directory when done, and cn_workdir_remove_owned() (run at exit, and by a terminating
 * signal's watcher thread) removes every directory the process still owns.
 *
 * Inside its own directory a process names its files itself; nothing here or in the callers
 * reads or deletes a file it did not create, and a shared parent is only listed by the sweep.
 */
#ifndef CN_WORKDIR_H
#define CN_WORKDIR_H

#include "base/error.h"

/* A stale sibling without a lock file is removed only when its mtime is older than this. */
#define CN_WORKDIR_GRACE_SECONDS 60

typedef struct cn_workdir cn_workdir;

/* Create and lock "<parent>/<prefix>-<random>" (parent made with mkdir -p), after sweeping
 * stale siblings. prefix is letters, digits, '_' and '.' ("cinder"). NULL and [IO_ERROR] on
 * failure. The directory is registered with cn_workdir_remove_owned(). */
cn_workdir *cn_workdir_create(const char *parent, const char *prefix, cn_error *err);
const char *cn_workdir_path(const cn_workdir *w);
/* Remove the directory and everything in it, release the lock, free w. NULL is a no-op. */
void cn_workdir_remove(cn_workdir *w);

/* This process's working directory under parent for prefix: created on first use, then the
 * same one for the process's life (made anew if removed from under it; removed at exit). Its
 * path is copied into buf (cap bytes). 0, or -1 and [IO_ERROR]. Thread-safe. */
int cn_workdir_shared(const char *parent, const char *prefix, char *buf, size_t cap, cn_error *err);

/* Remove stale "<prefix>-*" siblings under parent (see above); returns how many were removed. */
int cn_workdir_sweep(const char *parent, const char *prefix);

/* Remove every directory this process still owns (registered by cn_workdir_create). Safe to
 * call more than once and from any thread (not from a signal handler). Registered with atexit
 * on the first creation. */
void cn_workdir_remove_owned(void);

/* rm -r path (no error if it does not exist). Returns 0, or -1 if something could not be removed. */
int cn_dir_remove_all(const char *path);

#endif
