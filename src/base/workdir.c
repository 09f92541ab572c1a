/*
 * workdir.c — owned working directories: create with a random name, lock for life, sweep
 * stale siblings, remove at the end (see workdir.h for the contract).
 *
 * Why a lock and not a pid: two containers sharing a volume both run Cinder as pid 1, and
 * two hosts sharing an NFS directory have unrelated pids, so "is pid N alive" answers the
 * wrong question. flock() asks the right one: the kernel (or the NFS lock manager) holds the
 * lock exactly as long as some process keeps the lock file's open description, and drops it
 * when that process dies, even by SIGKILL. flock locks belong to an open file description,
 * so a sweeper in the owner's own process opening the lock file again cannot take it either.
 *
 * A sweeper that finds a sibling's lock free claims it by renaming the directory, while still
 * holding the lock, to ".<prefix>-stale-<random>" and then removes it; a claimed directory
 * left half-removed (the sweeper died) is removed by the next sweep. A directory whose lock
 * cannot be tested (a file system without locks) is never taken for stale.
 */
#define _GNU_SOURCE
#include "base/workdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_NAME "owner.lock"
#define RANDOM_HEX 16

struct cn_workdir {
    char *path;
    char *parent, *prefix; /* for cn_workdir_shared's lookup */
    int lock_fd;
    bool shared;
    struct cn_workdir *next;
};

static pthread_mutex_t owned_mu = PTHREAD_MUTEX_INITIALIZER;
static cn_workdir *owned; /* every directory this process owns */
static bool atexit_done;

static int io_error(cn_error *err, const char *what, const char *path, int e)
{
    char msg[4600];
    snprintf(msg, sizeof msg, "%s %s: %s", what, path ? path : "(null)", strerror(e));
    return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
}

/* 16 hex digits of kernel randomness. */
static int random_hex(char out[RANDOM_HEX + 1])
{
    uint8_t b[RANDOM_HEX / 2];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        got += (size_t)r;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof b; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[RANDOM_HEX] = 0;
    return 0;
}

static int mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) return -1;
            buf[i] = c;
        }
    }
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    CN_UNUSED(sb);
    CN_UNUSED(flag);
    CN_UNUSED(ftw);
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int cn_dir_remove_all(const char *path)
{
    if (!path) return 0;
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* "<prefix>-" followed by exactly 16 lowercase hex digits. */
static bool is_hex_suffix(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))) return false;
    return n == RANDOM_HEX;
}

static bool owned_by_me(const char *path)
{
    for (cn_workdir *w = owned; w; w = w->next)
        if (strcmp(w->path, path) == 0) return true;
    return false;
}

/* Claim (rename away) and remove a stale directory; lock_fd (or -1) is held during the rename. */
static bool claim_and_remove(const char *parent, const char *name, const char *prefix)
{
    char from[4096], to[4096], rnd[RANDOM_HEX + 1];
    if (random_hex(rnd) != 0) return false;
    if (snprintf(from, sizeof from, "%s/%s", parent, name) >= (int)sizeof from) return false;
    if (snprintf(to, sizeof to, "%s/.%s-stale-%s", parent, prefix, rnd) >= (int)sizeof to) return false;
    if (rename(from, to) != 0) return false; /* another sweeper got there first */
    cn_dir_remove_all(to);
    return true;
}

int cn_workdir_sweep(const char *parent, const char *prefix)
{
    DIR *d = opendir(parent);
    if (!d) return 0;
    size_t plen = strlen(prefix);
    char stale_prefix[128];
    snprintf(stale_prefix, sizeof stale_prefix, ".%s-stale-", prefix);
    size_t slen = strlen(stale_prefix);
    uid_t me = geteuid();
    time_t now = time(NULL);
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        bool live_form = strncmp(name, prefix, plen) == 0 && name[plen] == '-' && is_hex_suffix(name + plen + 1);
        bool stale_form = strncmp(name, stale_prefix, slen) == 0 && is_hex_suffix(name + slen);
        if (!live_form && !stale_form) continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", parent, name) >= (int)sizeof path) continue;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != me) continue;
        if (stale_form) { /* claimed by a sweeper that died while removing it */
            if (now - st.st_mtime > CN_WORKDIR_GRACE_SECONDS) {
                cn_dir_remove_all(path);
                removed++;
            }
            continue;
        }
        pthread_mutex_lock(&owned_mu);
        bool mine = owned_by_me(path);
        pthread_mutex_unlock(&owned_mu);
        if (mine) continue;
        char lock[4200];
        snprintf(lock, sizeof lock, "%s/" LOCK_NAME, path);
        int fd = open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            /* no lock file: being created right now, or left half-removed; wait out the grace */
            if (errno == ENOENT && now - st.st_mtime > CN_WORKDIR_GRACE_SECONDS &&
                claim_and_remove(parent, name, prefix))
                removed++;
            continue;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && claim_and_remove(parent, name, prefix)) removed++;
        close(fd); /* releases the lock if we took it */
    }
    closedir(d);
    return removed;
}

static void remove_one(cn_workdir *w)
{
    cn_dir_remove_all(w->path);
    if (w->lock_fd >= 0) close(w->lock_fd);
    free(w->path);
    free(w->parent);
    free(w->prefix);
    free(w);
}

void cn_workdir_remove_owned(void)
{
    pthread_mutex_lock(&owned_mu);
    cn_workdir *w = owned;
    owned = NULL;
    pthread_mutex_unlock(&owned_mu);
    while (w) {
        cn_workdir *next = w->next;
        remove_one(w);
        w = next;
    }
}

static void at_exit(void) { cn_workdir_remove_owned(); }

cn_workdir *cn_workdir_create(const char *parent, const char *prefix, cn_error *err)
{
    if (!parent || !*parent) parent = "/tmp";
    if (mkdir_p(parent) != 0) {
        io_error(err, "cannot create directory", parent, errno);
        return NULL;
    }
    cn_workdir_sweep(parent, prefix);
    char path[4096];
    for (int tries = 0; tries < 16; tries++) {
        char rnd[RANDOM_HEX + 1];
        if (random_hex(rnd) != 0) {
            io_error(err, "cannot get random bytes for a directory name in", parent, errno);
            return NULL;
        }
        if (snprintf(path, sizeof path, "%s/%s-%s", parent, prefix, rnd) >= (int)sizeof path - 64) {
            io_error(err, "cannot create directory in", parent, ENAMETOOLONG);
            return NULL;
        }
        if (mkdir(path, 0700) == 0) break;
        if (errno != EEXIST) {
            io_error(err, "cannot create directory", path, errno);
            return NULL;
        }
        path[0] = 0; /* taken: never reuse, try another name */
    }
    if (!path[0]) {
        io_error(err, "cannot create a directory of a unique name in", parent, EEXIST);
        return NULL;
    }
    /* The lock file is made and locked under another name, then renamed into place: a
     * sweeper that finds LOCK_NAME finds it locked (between an open under LOCK_NAME and the
     * flock, a sweeper could take the lock and remove a live directory), and one that finds
     * no LOCK_NAME waits out the grace period. */
    char lock[4200], fresh[4200];
    snprintf(lock, sizeof lock, "%s/" LOCK_NAME, path);
    snprintf(fresh, sizeof fresh, "%s/" LOCK_NAME ".new", path);
    int fd = open(fresh, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        io_error(err, "cannot create", fresh, errno);
        rmdir(path);
        return NULL;
    }
    /* A file system without locks (EOPNOTSUPP, ENOLCK) leaves the directory unlocked; sweepers
     * cannot lock it either, so they take it for live: never swept, still removed at exit. */
    (void)flock(fd, LOCK_EX | LOCK_NB);
    if (rename(fresh, lock) != 0) {
        io_error(err, "cannot create", lock, errno);
        close(fd);
        unlink(fresh);
        rmdir(path);
        return NULL;
    }
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    char note[400];
    int n = snprintf(note, sizeof note, "pid %d on %s (informational: the lock is what counts)\n", (int)getpid(),
                     host);
    if (n > 0 && write(fd, note, (size_t)n) < 0) { /* informational only */
    }
    cn_workdir *w = cn_xcalloc(1, sizeof *w);
    w->path = cn_xstrdup(path);
    w->parent = cn_xstrdup(parent);
    w->prefix = cn_xstrdup(prefix);
    w->lock_fd = fd;
    pthread_mutex_lock(&owned_mu);
    w->next = owned;
    owned = w;
    if (!atexit_done) {
        atexit_done = true;
        atexit(at_exit);
    }
    pthread_mutex_unlock(&owned_mu);
    return w;
}

const char *cn_workdir_path(const cn_workdir *w) { return w->path; }

void cn_workdir_remove(cn_workdir *w)
{
    if (!w) return;
    pthread_mutex_lock(&owned_mu);
    for (cn_workdir **p = &owned; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    pthread_mutex_unlock(&owned_mu);
    remove_one(w);
}

int cn_workdir_shared(const char *parent, const char *prefix, char *buf, size_t cap, cn_error *err)
{
    static pthread_mutex_t create_mu = PTHREAD_MUTEX_INITIALIZER;
    if (!parent || !*parent) parent = "/tmp";
    pthread_mutex_lock(&create_mu); /* one creation at a time: two threads never make two */
    bool found = false;
    cn_workdir *lost = NULL;
    pthread_mutex_lock(&owned_mu);
    for (cn_workdir **p = &owned; *p && !found; p = &(*p)->next) {
        cn_workdir *w = *p;
        if (!w->shared || strcmp(w->parent, parent) != 0 || strcmp(w->prefix, prefix) != 0) continue;
        struct stat st;
        if (lstat(w->path, &st) == 0 || errno != ENOENT) {
            snprintf(buf, cap, "%s", w->path); /* copied under the lock: removal may follow */
            found = true;
        } else { /* removed from under us (a tmp cleaner, a test): make a new one */
            *p = w->next;
            lost = w;
            break;
        }
    }
    pthread_mutex_unlock(&owned_mu);
    if (lost) remove_one(lost);
    if (!found) {
        cn_workdir *w = cn_workdir_create(parent, prefix, err);
        if (w) {
            pthread_mutex_lock(&owned_mu);
            w->shared = true;
            snprintf(buf, cap, "%s", w->path);
            pthread_mutex_unlock(&owned_mu);
            found = true;
        }
    }
    pthread_mutex_unlock(&create_mu);
    return found ? 0 : -1;
}
