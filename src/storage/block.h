/*
 * block.h — columnar blocks: the serialized, compressed form of a batch.
 *
 * Shuffle files, broadcast relations and spill files hold batches as blocks.
 * A block is one frame:
 *
 *   header (CN_BLOCK_HEADER_SIZE = 16 bytes, little-endian):
 *     u8  magic 0xCB
 *     u8  codec (cn_codec_kind)
 *     u16 reserved (0)
 *     u32 uncompressed payload length
 *     u32 compressed payload length (= stored bytes after the header)
 *     u32 checksum (32-bit hash of the header's first 12 bytes and the stored bytes)
 *   stored bytes (the payload, compressed with the codec)
 *
 * The payload is: u8 version (1), u32 rows, u32 columns, then per column the
 * type (kind, precision, scale, scale2), a flags byte (bit 0: has NULLs), the
 * validity bitmap (64-bit words, only with NULLs) and the data: fixed-width
 * values raw little-endian; strings as u32 lengths then the concatenated bytes.
 * Sections are padded to 8 bytes so fixed-width columns decode without copies.
 * Only the live rows of a batch are written (its selection vector is applied).
 *
 * Every decoder checks bounds: a truncated, corrupt or hostile frame gives
 * [INTERNAL_ERROR] "corrupt block ..." and never a crash.
 */
#ifndef CN_BLOCK_H
#define CN_BLOCK_H

#include "base/codec.h"
#include "base/config.h"
#include "base/error.h"
#include "types/vector.h"

/* spark.io.compression.codec */
typedef enum cn_codec_kind { CN_CODEC_NONE = 0, CN_CODEC_LZ4 = 1, CN_CODEC_ZSTD = 2 } cn_codec_kind;

/* "lz4" / "zstd" / "none" (case-insensitive). Unknown -> [CODEC_NOT_AVAILABLE...]-style error. */
int cn_codec_parse(const char *name, cn_codec_kind *out, cn_error *err);
/* The codec configured in spark.io.compression.codec (lz4 if unset or unknown). */
cn_codec_kind cn_codec_from_conf(const cn_conf *c);
const char *cn_codec_name(cn_codec_kind k);

#define CN_BLOCK_HEADER_SIZE 16
#define CN_BLOCK_MAGIC 0xCB
/* Largest payload a decoder accepts (guards allocations driven by hostile headers). */
#define CN_BLOCK_MAX_PAYLOAD ((uint32_t)1 << 30)

typedef struct cn_block_header {
    cn_codec_kind codec;
    uint32_t raw_len;    /* payload bytes after decompression */
    uint32_t stored_len; /* bytes following the header */
    uint32_t checksum;
} cn_block_header;

/* Serialize the live rows of b (honouring b->sel) as one frame appended to w.
 * Returns 0, or -1 if the batch is too large for a block (> CN_BLOCK_MAX_PAYLOAD). */
int cn_block_encode(const cn_batch *b, cn_codec_kind codec, cn_writer *w, cn_error *err);
/* Same for rows sel[0..n) of b (physical row numbers; sel NULL = rows 0..n). */
int cn_block_encode_rows(const cn_batch *b, const uint16_t *rows, int n, cn_codec_kind codec, cn_writer *w,
                         cn_error *err);

/* Same for rows gathered from several batches with the same column types:
 * segment g contributes rows[0..n) of b (rows NULL = 0..n), in order. The shuffle
 * writer builds each block straight from its buffered batches this way. */
typedef struct cn_block_seg {
    const cn_batch *b;
    const uint16_t *rows;
    int n;
} cn_block_seg;
int cn_block_encode_segs(const cn_block_seg *segs, int nsegs, cn_codec_kind codec, cn_writer *w, cn_error *err);

/* Parse and validate a header (magic, codec, lengths). */
int cn_block_parse_header(const uint8_t hdr[CN_BLOCK_HEADER_SIZE], cn_block_header *h, cn_error *err);

/* Decode the frame at buf[0..len) (header + stored bytes) into a new batch in
 * arena a. Strings point into the decompressed payload, which is kept in a.
 * *consumed (may be NULL) receives the frame's size so callers can walk a
 * buffer of consecutive frames. */
int cn_block_decode(const void *buf, size_t len, cn_arena *a, cn_batch **out, size_t *consumed, cn_error *err);
/* Decode given a parsed header and the stored bytes (e.g. read from a file separately). */
int cn_block_decode_stored(const cn_block_header *h, const void *stored, cn_arena *a, cn_batch **out,
                           cn_error *err);

/* A source of batches: the same three fields, in the same order, as exec's
 * cn_batch_iter (exec/operator.h), which this layer may not include; the
 * scheduler copies the fields across. next() sets *out = NULL at the end. */
typedef struct cn_batch_source {
    int (*next)(void *state, cn_batch **out, cn_error *err);
    void (*close)(void *state);
    void *state;
} cn_batch_source;

/* Append rows[0..n) of src (physical row numbers; rows NULL = 0..n) to dst at
 * dst->count, advancing dst->count. dst must have the same physical column
 * types and capacity >= dst->count + n; long strings are copied into arena a,
 * a validity bitmap is allocated in a when the first NULL arrives. One type
 * switch per column, then a tight loop. */
void cn_batch_append_rows(cn_batch *dst, const cn_batch *src, const uint16_t *rows, int n, cn_arena *a);

/* Bytes the live rows of b occupy in memory as plain columns (for memory accounting and stats). */
int64_t cn_batch_mem_bytes(const cn_batch *b);

#endif
