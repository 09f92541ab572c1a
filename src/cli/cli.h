/*
 * cli.h — the `cinder` command: subcommands and shared output helpers.
 */
#ifndef CN_CLI_H
#define CN_CLI_H

#include "api/session.h"

#include <stdio.h>

typedef enum { FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON, FMT_GOLDEN } cli_format;

/* `cinder sql ...` — the spark-sql shell. */
int cli_sql_main(int argc, char **argv);
/* `cinder datagen tpch --sf X --out DIR` */
int cli_datagen_main(int argc, char **argv);

void cli_print_result(FILE *out, const cn_result *r, cli_format fmt);
/* One golden block: query, schema, rows or error. */
void cli_print_golden(FILE *out, const char *sql, const cn_result *r, const cn_error *err);

#endif
