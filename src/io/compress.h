/*
 * compress.h — reading compressed input files as a stream of their
 * uncompressed bytes. The codec comes from the file name's extension as
 * Hadoop's CompressionCodecFactory picks it for Spark (".gz" gzip, ".deflate"
 * zlib, ".zst" zstd), or from a data source's `compression` option. A
 * compressed file is read from its start to its end by one reader: it is not
 * splittable.
 */
#ifndef CN_COMPRESS_H
#define CN_COMPRESS_H

#include "base/base.h"
#include "base/error.h"

typedef enum { CN_FILE_CODEC_NONE, CN_FILE_CODEC_GZIP, CN_FILE_CODEC_DEFLATE, CN_FILE_CODEC_ZSTD } cn_file_codec;

/* The codec a file name's extension names (CN_FILE_CODEC_NONE for any other name). */
cn_file_codec cn_file_codec_of_path(const char *path);
/* A `compression` option's value: gzip, deflate, zstd; none and uncompressed are
 * CN_FILE_CODEC_NONE. False for a name Cinder does not read (bzip2, lz4, snappy, ...). */
bool cn_file_codec_parse(const char *name, cn_file_codec *out);

/* A decompressing reader of the open file descriptor fd (not owned) from offset 0. */
typedef struct cn_decomp cn_decomp;
cn_decomp *cn_decomp_new(cn_file_codec codec, int fd, const char *path);
/* Up to cap uncompressed bytes into buf: the count, 0 at the end of the data, or -1 with err
 * set: [IO_ERROR] naming the file for a read error, or for corrupt or truncated data. */
int64_t cn_decomp_read(cn_decomp *d, char *buf, size_t cap, cn_error *err);
/* Compressed bytes read from the file so far. */
int64_t cn_decomp_bytes_in(const cn_decomp *d);
void cn_decomp_free(cn_decomp *d);

#endif
