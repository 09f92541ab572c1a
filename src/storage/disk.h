/*
 * disk.h — local directories and files for shuffle and spill data.
 *
 * Each query gets its own directory, "query-<n>" inside the process's owned
 * working directory under spark.local.dir ("<local.dir>/cinder-<random>", see
 * base/workdir.h), created when the query starts and removed recursively when
 * it ends. Files are named by their writer inside that directory; nothing
 * lists or deletes files by pattern. The helpers here wrap POSIX file I/O with
 * full-length loops and turn failures into [IO_ERROR] errors naming the file.
 */
#ifndef CN_DISK_H
#define CN_DISK_H

#include "base/error.h"
#include "base/workdir.h"

/* Create a new query directory in the process's working directory under local_dir (made,
 * locked and swept on first use); *out is malloc'd. Remove it with cn_dir_remove_all. */
int cn_query_dir_create(const char *local_dir, char **out, cn_error *err);

/* Write all n bytes at the current position / at offset. */
int cn_file_write_all(int fd, const void *p, size_t n, const char *path, cn_error *err);
/* Read exactly n bytes at offset; a short read is an error ("truncated"). */
int cn_file_pread_all(int fd, void *p, size_t n, int64_t off, const char *path, cn_error *err);
/* Size of an open file. */
int cn_file_size(int fd, int64_t *size, const char *path, cn_error *err);
/* Unique temporary file in dir ("<dir>/<prefix>-<counter>.tmp"), opened O_RDWR|O_CREAT|O_EXCL. Path malloc'd. */
int cn_temp_file(const char *dir, const char *prefix, int *fd, char **path, cn_error *err);

#endif
