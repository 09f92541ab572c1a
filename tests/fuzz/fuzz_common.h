/*
 * fuzz_common.h — helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * Each target feeds arbitrary bytes to one decoder and checks the project's
 * contract: the decoder either succeeds or returns -1 with a cn_error that
 * carries a Spark error class (and renders as a message); it never crashes,
 * aborts or leaks. A broken contract calls fuzz_fail(), which aborts so
 * libFuzzer records the input. ASan/UBSan catch the memory errors.
 */
#ifndef CN_FUZZ_COMMON_H
#define CN_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz contract broken: %s\n", what);
    abort();
}

/* rc is a decoder's status: 0 with err unset, or -1 with a classed error.
 * Renders the message (exercises the error templates) and clears err. */
static inline void fuzz_check_status(int rc, cn_error *err, const char *who)
{
    if (rc != 0 && rc != -1) fuzz_fail(who);
    if (rc == -1) {
        if (!err->set || !err->cls[0]) fuzz_fail("error without an error class");
        char buf[1024];
        const char *m = cn_error_message(err, buf, sizeof buf);
        if (!m || strncmp(m, "[", 1) != 0) fuzz_fail("error message without [CLASS]");
    }
    cn_error_clear(err);
}

/* A little reader over the fuzz input for choosing options. */
typedef struct fuzz_in {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline uint8_t fuzz_byte(fuzz_in *in)
{
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

#endif
