/*
 * disk.c — per-query local directories and full-length file I/O helpers.
 *
 * A query's directory is "query-<n>" inside the process's owned working directory
 * under spark.local.dir (base/workdir.h: "<spark.local.dir>/cinder-<random>", locked
 * for the process's life, swept by the next start if the process dies), created with
 * mkdir (never reused) and removed recursively when the query ends.
 * Reads and writes loop until every byte is transferred (retrying EINTR); a
 * short read is reported as a truncated file. Failures become [IO_ERROR]
 * errors naming the file and the system error.
 */
#define _GNU_SOURCE
#include "storage/disk.h"

#include <errno.h>
#include <fcntl.h>
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

int cn_query_dir_create(const char *local_dir, char **out, cn_error *err)
{
    static atomic_long next_query;
    char owned[4000], path[4096];
    if (cn_workdir_shared(local_dir, "cinder", owned, sizeof owned, err) != 0) return -1;
    snprintf(path, sizeof path, "%s/query-%ld", owned, atomic_fetch_add(&next_query, 1));
    if (mkdir(path, 0700) != 0) return io_error(err, "cannot create directory", path, errno);
    *out = cn_xstrdup(path);
    return 0;
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
        snprintf(buf, sizeof buf, "%s/%s-%ld.tmp", dir, prefix, k);
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
