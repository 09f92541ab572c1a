/*
 * shell.c — `cinder sql`, the spark-sql shell.
 *
 *   cinder sql [-e SQL | -f FILE] [--master local[N]] [--conf k=v]...
 *              [--format table|tsv|csv|json|golden]
 *
 * Statements come from -e, -f or standard input (an interactive REPL with
 * libedit line editing and history when stdin is a terminal). After each
 * statement "Time taken: X seconds, Fetched N row(s)" goes to stderr, as
 * spark-sql prints it. The first error stops -e/-f scripts (exit status 1)
 * except in golden format, which runs every statement and prints each
 * error as a golden block. Ctrl-C cancels the running job and the shell stays
 * usable; at the prompt, a second Ctrl-C exits.
 *
 * Defaults are read from conf/cinder-defaults.conf (next to the binary's
 * parent directory, or $CINDER_CONF_DIR), then --conf overrides them.
 */
#include "cli/cli.h"

#include "base/strbuf.h"
#include "sql/ast.h"

#include <editline/readline.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static cn_session *volatile g_session;
static volatile sig_atomic_t g_running;
static volatile sig_atomic_t g_interrupts;

static void on_sigint(int sig)
{
    CN_UNUSED(sig);
    if (g_running && g_session) {
        cn_session_cancel(g_session);
        return;
    }
    if (++g_interrupts >= 2) _exit(130);
    static const char msg[] = "\n(press Ctrl-C again to exit, or type quit;)\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    CN_UNUSED(w);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, len = 0;
    char *buf = cn_xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = cn_xrealloc(buf, cap);
        }
    }
    fclose(f);
    buf[len] = 0;
    return buf;
}

/* Read cinder-defaults.conf into conf; -1 (error printed) when it holds an invalid setting. */
static int load_defaults(cn_conf *conf)
{
    cn_error err;
    cn_error_init(&err);
    char path[8192];
    const char *dir = getenv("CINDER_CONF_DIR");
    if (dir) {
        snprintf(path, sizeof path, "%s/cinder-defaults.conf", dir);
    } else {
        char exe[4096];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) return 0;
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (!slash) return 0;
        *slash = 0;
        snprintf(path, sizeof path, "%s/../conf/cinder-defaults.conf", exe);
    }
    int rc = cn_conf_load_file(conf, path, &err);
    if (rc != 0) {
        char buf[1024];
        fprintf(stderr, "cinder: %s: %s\n", path, cn_error_message(&err, buf, sizeof buf));
    }
    cn_error_clear(&err);
    return rc;
}

typedef struct shell {
    cn_session *session;
    cli_format fmt;
    bool interactive;
    int errors;
} shell;

static void print_error(const cn_error *err)
{
    char buf[8192];
    fprintf(stderr, "%s\n", cn_error_message(err, buf, sizeof buf));
}

/* Run one statement; returns 0 or -1. line/col: where it starts in the input (1-based line,
 * 0-based column), so that an error's position counts lines of the whole input. */
static int run_statement(shell *sh, const char *sql, int line, int col)
{
    cn_error err;
    cn_error_init(&err);
    cn_result *r = NULL;
    uint64_t t0 = cn_now_ns();
    g_running = 1;
    int rc = cn_session_sql(sh->session, sql, &r, &err);
    g_running = 0;
    double secs = (double)(cn_now_ns() - t0) / 1e9;
    if (sh->fmt == FMT_GOLDEN) {
        cli_print_golden(stdout, sql, r, rc == 0 ? NULL : &err);
    } else if (rc == 0) {
        cli_print_result(stdout, r, sh->fmt);
    } else {
        cn_error_origin(&err, line, col);
        print_error(&err);
    }
    fflush(stdout);
    if (rc == 0) {
        if (r->is_query) fprintf(stderr, "Time taken: %.3f seconds, Fetched %lld row(s)\n", secs, (long long)r->nrows);
        else fprintf(stderr, "Time taken: %.3f seconds\n", secs);
    }
    cn_result_free(r);
    cn_error_clear(&err);
    if (rc != 0) sh->errors++;
    return rc;
}

/* Run every statement of a script; stop at the first error unless golden. */
static int run_script(shell *sh, const char *text)
{
    char **stmts;
    int *offs;
    int n = cn_sql_split_offsets(text, &stmts, &offs);
    int rc = 0, line = 1, col = 0, at = 0;
    for (int i = 0; i < n; i++) {
        for (; at < offs[i]; at++) { /* line and column (in characters) of the statement's start */
            if (text[at] == '\n') line++, col = 0;
            else if (((unsigned char)text[at] & 0xC0) != 0x80) col++;
        }
        if (rc == 0 || sh->fmt == FMT_GOLDEN) {
            if (run_statement(sh, stmts[i], line, col) != 0) rc = -1;
        }
        free(stmts[i]);
    }
    free(stmts);
    free(offs);
    return rc;
}

static bool is_quit(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n') s++;
    return strncasecmp(s, "quit", 4) == 0 || strncasecmp(s, "exit", 4) == 0;
}

/* Does the buffer end with a ';' that terminates a statement (outside quotes and comments)? */
static bool statement_complete(const char *buf)
{
    char **stmts;
    int n = cn_sql_split(buf, &stmts);
    for (int i = 0; i < n; i++) free(stmts[i]);
    free(stmts);
    if (n == 0) return false;
    /* complete when the text after the last split point is empty: re-split with a sentinel */
    size_t len = strlen(buf);
    while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\n' || buf[len - 1] == '\t')) len--;
    if (!len || buf[len - 1] != ';') return false;
    char *probe = cn_xmalloc(len + 16);
    memcpy(probe, buf, len);
    memcpy(probe + len, " SELECT 1", 10);
    int m = cn_sql_split(probe, &stmts);
    for (int i = 0; i < m; i++) free(stmts[i]);
    free(stmts);
    free(probe);
    return m == n + 1;
}

static void repl(shell *sh)
{
    char hist[4096];
    const char *home = getenv("HOME");
    snprintf(hist, sizeof hist, "%s/.cinder_history", home ? home : ".");
    using_history();
    read_history(hist);
    rl_catch_signals = 0;
    cn_strbuf buf;
    cn_sb_init(&buf);
    for (;;) {
        char *line = readline(buf.len ? "         > " : "spark-sql> ");
        if (!line) break;
        g_interrupts = 0;
        if (buf.len == 0 && is_quit(line)) {
            free(line);
            break;
        }
        if (buf.len) cn_sb_putc(&buf, '\n');
        cn_sb_puts(&buf, line);
        free(line);
        if (statement_complete(buf.s)) {
            add_history(buf.s);
            write_history(hist);
            run_script(sh, buf.s);
            cn_sb_reset(&buf);
        }
    }
    cn_sb_free(&buf);
    fputc('\n', stdout);
}

static void usage(void)
{
    fputs("usage: cinder sql [-e SQL | -f FILE] [--master local[N]] [--conf k=v]...\n"
          "                  [--format table|tsv|csv|json|golden]\n",
          stderr);
}

int cli_sql_main(int argc, char **argv)
{
    const char *sql = NULL, *file = NULL, *format = NULL;
    cn_conf *conf = cn_conf_new();
    if (load_defaults(conf) != 0) {
        cn_conf_free(conf);
        return 2;
    }
    cn_error err;
    cn_error_init(&err);
    int status = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-e") == 0 && i + 1 < argc) sql = argv[++i];
        else if (strcmp(a, "-f") == 0 && i + 1 < argc) file = argv[++i];
        else if (strcmp(a, "--master") == 0 && i + 1 < argc) cn_conf_set(conf, "spark.master", argv[++i], &err);
        else if (strcmp(a, "--format") == 0 && i + 1 < argc) format = argv[++i];
        else if ((strcmp(a, "--conf") == 0 || strcmp(a, "-c") == 0) && i + 1 < argc) {
            /* key=value; without '=' the whole argument is a key with no value */
            const char *kv = argv[++i];
            const char *eq = strchr(kv, '=');
            char *key = cn_xstrndup(kv, eq ? (size_t)(eq - kv) : strlen(kv));
            if (!eq) {
                cn_error_set(&err, "INVALID_CONF_VALUE", "confValue", "", "confName", key, NULL);
                cn_error_detail(&err, "--conf expects key=value.");
            } else {
                cn_conf_set(conf, key, eq + 1, &err);
            }
            free(key);
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            cn_conf_free(conf);
            return 0;
        } else {
            fprintf(stderr, "cinder sql: unknown option '%s'\n", a);
            usage();
            cn_conf_free(conf);
            return 2;
        }
        if (err.set) {
            print_error(&err);
            cn_error_clear(&err);
            cn_conf_free(conf);
            return 2;
        }
    }
    shell sh;
    memset(&sh, 0, sizeof sh);
    sh.interactive = !sql && !file && isatty(STDIN_FILENO);
    sh.fmt = sh.interactive ? FMT_TABLE : FMT_TSV;
    if (format) {
        if (strcmp(format, "table") == 0) sh.fmt = FMT_TABLE;
        else if (strcmp(format, "tsv") == 0) sh.fmt = FMT_TSV;
        else if (strcmp(format, "csv") == 0) sh.fmt = FMT_CSV;
        else if (strcmp(format, "json") == 0) sh.fmt = FMT_JSON;
        else if (strcmp(format, "golden") == 0) sh.fmt = FMT_GOLDEN;
        else {
            fprintf(stderr, "cinder sql: unknown format '%s'\n", format);
            cn_conf_free(conf);
            return 2;
        }
    }
    sh.session = cn_session_new(conf, &err);
    cn_conf_free(conf);
    if (!sh.session) {
        print_error(&err);
        cn_error_clear(&err);
        return 1;
    }
    if (sh.interactive && isatty(STDERR_FILENO)) cn_session_enable_progress(sh.session);
    g_session = sh.session;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);

    if (sql) {
        status = run_script(&sh, sql) == 0 ? 0 : 1;
    } else if (file) {
        char *text = read_file(file);
        if (!text) {
            fprintf(stderr, "cinder sql: cannot read %s: %s\n", file, strerror(errno));
            status = 1;
        } else {
            status = run_script(&sh, text) == 0 ? 0 : 1;
            free(text);
        }
    } else if (sh.interactive) {
        repl(&sh);
    } else {
        cn_strbuf in;
        cn_sb_init(&in);
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) cn_sb_putn(&in, chunk, n);
        status = run_script(&sh, in.s ? in.s : "") == 0 ? 0 : 1;
        cn_sb_free(&in);
    }
    if (sh.fmt == FMT_GOLDEN && sh.errors) status = 1;
    g_session = NULL;
    cn_session_free(sh.session);
    return status;
}
