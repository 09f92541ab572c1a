/*
 * compress.c — compressed input files read as a stream (see compress.h).
 *
 * gzip (RFC 1952, several members one after another as `cat a.gz b.gz`
 * makes) and zlib-wrapped deflate go through zlib's inflate, zstd frames
 * through ZSTD_decompressStream. Input is read in 64 KB pieces. The data
 * must end at the end of a member or frame: a file cut short, bytes that are
 * not a member after one, or a checksum that does not match is corrupt, and
 * the error names the file. An empty file is empty data.
 */
#include "io/compress.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define DECOMP_IN_SIZE (64 << 10)

struct cn_decomp {
    cn_file_codec codec;
    int fd;
    char *path;
    unsigned char *in;
    size_t in_pos, in_len;
    int64_t bytes_in;
    bool in_eof;
    bool boundary; /* at the end of a member / frame (or before the first) */
    bool ended;
    z_stream z;
    bool z_ready;
    ZSTD_DStream *zs;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

cn_file_codec cn_file_codec_of_path(const char *path)
{
    if (!path) return CN_FILE_CODEC_NONE;
    if (ends_with(path, ".gz")) return CN_FILE_CODEC_GZIP;
    if (ends_with(path, ".deflate")) return CN_FILE_CODEC_DEFLATE;
    if (ends_with(path, ".zst")) return CN_FILE_CODEC_ZSTD;
    return CN_FILE_CODEC_NONE;
}

bool cn_file_codec_parse(const char *name, cn_file_codec *out)
{
    if (!strcasecmp(name, "gzip")) *out = CN_FILE_CODEC_GZIP;
    else if (!strcasecmp(name, "deflate")) *out = CN_FILE_CODEC_DEFLATE;
    else if (!strcasecmp(name, "zstd")) *out = CN_FILE_CODEC_ZSTD;
    else if (!strcasecmp(name, "none") || !strcasecmp(name, "uncompressed")) *out = CN_FILE_CODEC_NONE;
    else return false;
    return true;
}

static const char *codec_name(cn_file_codec c)
{
    return c == CN_FILE_CODEC_GZIP ? "gzip" : c == CN_FILE_CODEC_DEFLATE ? "deflate" : c == CN_FILE_CODEC_ZSTD ? "zstd" : "plain";
}

cn_decomp *cn_decomp_new(cn_file_codec codec, int fd, const char *path)
{
    cn_decomp *d = cn_xcalloc(1, sizeof *d);
    d->codec = codec;
    d->fd = fd;
    d->path = cn_xstrdup(path ? path : "");
    d->in = cn_xmalloc(DECOMP_IN_SIZE);
    d->boundary = true;
    return d;
}

void cn_decomp_free(cn_decomp *d)
{
    if (!d) return;
    if (d->z_ready) inflateEnd(&d->z);
    if (d->zs) ZSTD_freeDStream(d->zs);
    free(d->in);
    free(d->path);
    free(d);
}

int64_t cn_decomp_bytes_in(const cn_decomp *d) { return d->bytes_in; }

static int corrupt(cn_decomp *d, const char *why, cn_error *err)
{
    char msg[4300];
    snprintf(msg, sizeof msg, "corrupt %s file %s: %s", codec_name(d->codec), d->path, why);
    return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
}

/* More compressed input when all of it is used. 0 ok (in_eof may be set), -1 read error. */
static int fill_input(cn_decomp *d, cn_error *err)
{
    if (d->in_pos < d->in_len || d->in_eof) return 0;
    ssize_t n;
    do {
        n = read(d->fd, d->in, DECOMP_IN_SIZE);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        char msg[4300];
        snprintf(msg, sizeof msg, "cannot read %s: %s", d->path, strerror(errno));
        return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
    }
    d->in_pos = 0;
    d->in_len = (size_t)n;
    d->bytes_in += n;
    if (n == 0) d->in_eof = true;
    return 0;
}

static int64_t read_zlib(cn_decomp *d, char *buf, size_t cap, cn_error *err)
{
    if (!d->z_ready) {
        memset(&d->z, 0, sizeof d->z);
        if (inflateInit2(&d->z, d->codec == CN_FILE_CODEC_GZIP ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK)
            return corrupt(d, "cannot start zlib", err);
        d->z_ready = true;
    }
    if (cap > (1u << 30)) cap = 1u << 30;
    for (;;) {
        if (fill_input(d, err)) return -1;
        bool last = d->in_pos == d->in_len; /* no more input: only output inflate still holds */
        if (last && d->boundary) {
            d->ended = true;
            return 0;
        }
        d->z.next_in = d->in + d->in_pos;
        d->z.avail_in = (uInt)(d->in_len - d->in_pos);
        d->z.next_out = (Bytef *)buf;
        d->z.avail_out = (uInt)cap;
        int rc = inflate(&d->z, Z_NO_FLUSH);
        size_t used = (d->in_len - d->in_pos) - d->z.avail_in;
        size_t made = cap - d->z.avail_out;
        d->in_pos += used;
        if (rc == Z_STREAM_END) {
            d->boundary = true;
            if (inflateReset(&d->z) != Z_OK) return corrupt(d, "cannot restart zlib", err);
        } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
            if (used || made) d->boundary = false;
        } else {
            return corrupt(d, d->z.msg ? d->z.msg : "invalid compressed data", err);
        }
        if (made) return (int64_t)made;
        if (last && !d->boundary) return corrupt(d, "unexpected end of input (truncated file)", err);
    }
}

static int64_t read_zstd(cn_decomp *d, char *buf, size_t cap, cn_error *err)
{
    if (!d->zs) {
        d->zs = ZSTD_createDStream();
        if (!d->zs || ZSTD_isError(ZSTD_initDStream(d->zs))) return corrupt(d, "cannot start zstd", err);
    }
    for (;;) {
        if (fill_input(d, err)) return -1;
        bool last = d->in_pos == d->in_len;
        if (last && d->boundary) {
            d->ended = true;
            return 0;
        }
        ZSTD_inBuffer in = {d->in, d->in_len, d->in_pos};
        ZSTD_outBuffer out = {buf, cap, 0};
        size_t rc = ZSTD_decompressStream(d->zs, &out, &in);
        if (ZSTD_isError(rc)) return corrupt(d, ZSTD_getErrorName(rc), err);
        d->in_pos = in.pos;
        d->boundary = rc == 0;
        if (out.pos) return (int64_t)out.pos;
        if (last && !d->boundary) return corrupt(d, "unexpected end of input (truncated file)", err);
    }
}

int64_t cn_decomp_read(cn_decomp *d, char *buf, size_t cap, cn_error *err)
{
    if (d->ended || cap == 0) return 0;
    switch (d->codec) {
    case CN_FILE_CODEC_GZIP:
    case CN_FILE_CODEC_DEFLATE: return read_zlib(d, buf, cap, err);
    case CN_FILE_CODEC_ZSTD: return read_zstd(d, buf, cap, err);
    default: break;
    }
    if (fill_input(d, err)) return -1;
    size_t n = CN_MIN(cap, d->in_len - d->in_pos);
    memcpy(buf, d->in + d->in_pos, n);
    d->in_pos += n;
    if (n == 0) d->ended = true;
    return (int64_t)n;
}
