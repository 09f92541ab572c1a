/*
 * disk.c — per-query local directories and full-length file I/O helpers.
 *
 * Directories are "<spark.local.dir>/cinder-<pid>-<queryId>", created with
 * mkdir -p and removed recursively (nftw, depth first) when the query ends.
 * Reads and writes loop until every byte is transferred (retrying EINTR); a
 * short read is reported as a truncated file. Failures become [IO_ERROR]
 * errors naming the file and the system error.
 */
#define _GNU_SOURCE
#include "storage/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int io_error(cn_error *err, const char *what, const char *path, int e)
{
    char msg[4600];
    snprintf(msg, sizeof msg, "%s %s: %s", what, path ? path : "(null)", e ? strerror(e) : "unexpected end of file");
    return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
}

static int mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
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

int cn_query_dir_create(const char *local_dir, int64_t query_id, char **out, cn_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/cinder-%d-%lld", local_dir && *local_dir ? local_dir : "/tmp", (int)getpid(),
             (long long)query_id);
    if (mkdir_p(path) != 0) return io_error(err, "cannot create directory", path, errno);
    *out = cn_xstrdup(path);
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int cn_dir_remove_all(const char *path)
{
    if (!path) return 0;
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

int cn_file_write_all(int fd, const void *p, size_t n, const char *path, cn_error *err)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return io_error(err, "cannot write", path, errno);
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int cn_file_pread_all(int fd, void *p, size_t n, int64_t off, const char *path, cn_error *err)
{
    char *c = p;
    while (n) {
        ssize_t r = pread(fd, c, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR) continue;
            return io_error(err, "cannot read", path, errno);
        }
        if (r == 0) return io_error(err, "truncated file", path, 0);
        c += r;
        n -= (size_t)r;
        off += r;
    }
    return 0;
}

int cn_file_size(int fd, int64_t *size, const char *path, cn_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0) return io_error(err, "cannot stat", path, errno);
    *size = (int64_t)st.st_size;
    return 0;
}

int cn_temp_file(const char *dir, const char *prefix, int *fd, char **path, cn_error *err)
{
    static atomic_long counter;
    char buf[4096];
    for (int tries = 0; tries < 100; tries++) {
        long k = atomic_fetch_add(&counter, 1);
        snprintf(buf, sizeof buf, "%s/%s-%d-%ld.tmp", dir, prefix, (int)getpid(), k);
        int f = open(buf, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (f >= 0) {
            *fd = f;
            *path = cn_xstrdup(buf);
            return 0;
        }
        if (errno != EEXIST) return io_error(err, "cannot create", buf, errno);
    }
    return io_error(err, "cannot create temporary file in", dir, EEXIST);
}
