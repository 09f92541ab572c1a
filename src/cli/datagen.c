/*
 * datagen.c — `cinder datagen tpch --sf X --out DIR [--threads N]`.
 */
#include "cli/cli.h"
#include "datagen/tpch.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_datagen_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "tpch") != 0) {
        fprintf(stderr, "usage: cinder datagen tpch --sf X --out DIR [--threads N]\n");
        return 2;
    }
    double sf = 1;
    const char *out = NULL;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cores > 0 ? (int)cores : 1;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--sf") == 0 && i + 1 < argc) sf = atof(argv[++i]);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = atoi(argv[++i]);
        else {
            fprintf(stderr, "cinder datagen: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!out || sf <= 0 || threads <= 0) {
        fprintf(stderr, "usage: cinder datagen tpch --sf X --out DIR [--threads N]\n");
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
