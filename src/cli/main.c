/*
 * main.c — `cinder` and its subcommands.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: cinder <command> [options]\n"
          "\n"
          "commands:\n"
          "  sql       the spark-sql shell: cinder sql [-e SQL | -f FILE] [--master local[N]]\n"
          "            [--conf k=v]... [--format table|tsv|csv|json|golden]\n"
          "  datagen   benchmark data: cinder datagen tpch --sf X --out DIR [--threads N]\n"
          "  version   print the version\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "sql") == 0) return cli_sql_main(argc - 1, argv + 1);
    if (strcmp(cmd, "datagen") == 0) return cli_datagen_main(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        puts("cinder 0.1.0 (Spark SQL 4.0 dialect)");
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "cinder: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
