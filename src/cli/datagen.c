/*
 * datagen.c — `cinder datagen tpch --sf X --out DIR [--threads N]`.
 *
 * --sf is required: the scale factor is the size of the data (SF 1 is about 1 GB of CSV), and
 * a silent default would write a gigabyte nobody asked for. Numbers must parse whole.
 */
#include "cli/cli.h"
#include "datagen/tpch.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATAGEN_USAGE "usage: cinder datagen tpch --sf X --out DIR [--threads N]\n" \
                      "  --sf X       scale factor (required): 1 is about 1 GB of CSV, 0.01 about 10 MB\n"

int cli_datagen_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "tpch") != 0) {
        fprintf(stderr, DATAGEN_USAGE);
        return 2;
    }
    double sf = -1;
    const char *out = NULL;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cores > 0 ? (int)cores : 1;
    for (int i = 2; i < argc; i++) {
        char *end = NULL;
        errno = 0;
        if (strcmp(argv[i], "--sf") == 0 && i + 1 < argc) {
            sf = strtod(argv[++i], &end);
            if (end == argv[i] || *end || errno || !isfinite(sf) || sf <= 0) {
                fprintf(stderr, "cinder datagen: --sf expects a positive number, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            long t = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end || errno || t <= 0 || t > 4096) {
                fprintf(stderr, "cinder datagen: --threads expects a number from 1 to 4096, got '%s'\n", argv[i]);
                return 2;
            }
            threads = (int)t;
        } else {
            fprintf(stderr, "cinder datagen: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (sf < 0) {
        fprintf(stderr, "cinder datagen: --sf is required\n" DATAGEN_USAGE);
        return 2;
    }
    if (!out) {
        fprintf(stderr, "cinder datagen: --out is required\n" DATAGEN_USAGE);
        return 2;
    }
    cn_error err;
    cn_error_init(&err);
    if (cn_datagen_tpch(sf, out, threads, &err) != 0) {
        char buf[2048];
        fprintf(stderr, "%s\n", cn_error_message(&err, buf, sizeof buf));
        cn_error_clear(&err);
        return 1;
    }
    return 0;
}
