/*
 * disk.h — local directories and files for shuffle and spill data.
 *
 * Each query gets its own directory under spark.local.dir,
 * "<local.dir>/cinder-<pid>-<queryId>", created on first use and removed
 * recursively when the query ends. The helpers here wrap POSIX file I/O with
 * full-length loops and turn failures into [IO_ERROR] errors naming the file.
 */
#ifndef CN_DISK_H
#define CN_DISK_H

#include "base/error.h"

/* Create (mkdir -p) "<local_dir>/cinder-<pid>-<query_id>"; *out is malloc'd. */
int cn_query_dir_create(const char *local_dir, int64_t query_id, char **out, cn_error *err);
/* rm -r path (no error if it does not exist). Returns 0, or -1 if something could not be removed. */
int cn_dir_remove_all(const char *path);

/* Write all n bytes at the current position / at offset. */
int cn_file_write_all(int fd, const void *p, size_t n, const char *path, cn_error *err);
/* Read exactly n bytes at offset; a short read is an error ("truncated"). */
int cn_file_pread_all(int fd, void *p, size_t n, int64_t off, const char *path, cn_error *err);
/* Size of an open file. */
int cn_file_size(int fd, int64_t *size, const char *path, cn_error *err);
/* Unique temporary file in dir ("<dir>/<prefix>-<counter>.tmp"), opened O_RDWR|O_CREAT|O_EXCL. Path malloc'd. */
int cn_temp_file(const char *dir, const char *prefix, int *fd, char **path, cn_error *err);

#endif
