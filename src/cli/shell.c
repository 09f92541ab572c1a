/*
 * shell.c — `cinder sql`, the spark-sql shell.
 *
 *   cinder sql [-i FILE]... [-e SQL... | -f FILE...] [--database DB] [-S] [-v]
 *              [-d|--define|--hivevar k=v]... [--hiveconf k=v]... [--conf k=v]...
 *              [--master local[N]] [--name NAME] [--driver-memory MEM]
 *              [--format table|tsv|csv|json|golden]
 *
 * Statements come from -e, -f or standard input (an interactive REPL with
 * libedit line editing and history when stdin is a terminal); -i files run
 * first, silently. Several -e (or several -f) run in the order given; -e and
 * -f together are refused, as spark-sql refuses them. After each statement
 * "Time taken: X seconds, Fetched N row(s)" goes to stderr, as spark-sql
 * prints it (not with -S). The first error stops -e/-f scripts (exit status
 * 1) except in golden format, which runs every statement and prints each
 * error as a golden block. -d/--define/--hivevar k=v set k for ${k} and
 * ${hivevar:k} substitution; --hiveconf, --conf and -c set settings.
 *
 * A script (a -f or -i file, or standard input) is read whole, up to
 * CN_SQL_MAX_TEXT_BYTES (64 MiB); a larger one, a directory or one holding a
 * NUL byte is an [IO_ERROR] naming the file (and the byte offset).
 *
 * Signals: in the REPL, Ctrl-C cancels the running statement and the shell
 * stays usable; at the prompt, a second Ctrl-C exits. SIGTERM and SIGHUP (and
 * SIGINT outside the REPL) cancel the running statement, remove the process's
 * working directories under spark.local.dir (base/workdir.h) and end the
 * process by that signal. The handlers only post the signal to a watcher
 * thread (base/signals.h), which does the work.
 *
 * Defaults are read from conf/cinder-defaults.conf (next to the binary's
 * parent directory, or $CINDER_CONF_DIR), then the options override them.
 */
#include "cli/cli.h"

#include "base/signals.h"
#include "base/strbuf.h"
#include "base/workdir.h"
#include "sql/ast.h"

#include <editline/readline.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static cn_session *_Atomic g_session;
static pthread_mutex_t g_session_mu = PTHREAD_MUTEX_INITIALIZER; /* the watcher vs. freeing it */
static atomic_int g_running;     /* a statement is running */
static atomic_int g_terminating; /* a terminating signal came: run nothing more */
static volatile sig_atomic_t g_interrupts;
static struct termios g_tty;
static bool g_tty_saved;

/* REPL Ctrl-C: cancel the running statement; at the prompt, the second one exits (cleanly). */
static void on_sigint(int sig)
{
    CN_UNUSED(sig);
    cn_session *s = atomic_load(&g_session);
    if (atomic_load(&g_running) && s) {
        cn_session_cancel(s);
        return;
    }
    if (++g_interrupts >= 2) {
        cn_signal_post(SIGINT);
        return;
    }
    static const char msg[] = "\n(press Ctrl-C again to exit, or type quit;)\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    CN_UNUSED(w);
}

/* The watcher thread, on SIGTERM / SIGHUP / SIGINT (not in the REPL): stop, clean up, die. */
static void on_terminate(int signo, void *ud)
{
    CN_UNUSED(ud);
    atomic_store(&g_terminating, 1);
    /* cancel until the statement has ended (a cancel before its job starts would be lost);
     * its query directory goes with it. A statement that does not stop in 10 s is left. */
    uint64_t deadline = cn_now_ns() + 10ull * 1000000000ull;
    while (atomic_load(&g_running) && cn_now_ns() < deadline) {
        pthread_mutex_lock(&g_session_mu);
        cn_session *s = atomic_load(&g_session);
        if (s) cn_session_cancel(s);
        pthread_mutex_unlock(&g_session_mu);
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    if (g_tty_saved) tcsetattr(STDIN_FILENO, TCSANOW, &g_tty);
    cn_workdir_remove_owned();
    cn_signal_die(signo);
}

/* After a terminating signal the watcher ends the process; the main thread must not exit
 * (with status 1, racing the cleanup) first. */
static void await_termination(void)
{
    if (!atomic_load(&g_terminating)) return;
    for (;;) pause();
}

static int script_error(cn_error *err, const char *name, const char *what)
{
    char msg[4600];
    snprintf(msg, sizeof msg, "%s: %s", name, what);
    return cn_error_set(err, "IO_ERROR", "message", msg, NULL);
}

/* Read a whole script from fd: bounded, text only. *out malloc'd (NUL-terminated). */
static int read_script_fd(int fd, const char *name, char **out, cn_error *err)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) return script_error(err, name, "is a directory, not a SQL script");
    cn_strbuf sb;
    cn_sb_init(&sb);
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            cn_sb_free(&sb);
            return script_error(err, name, strerror(errno));
        }
        if (n == 0) break;
        const char *nul = memchr(chunk, 0, (size_t)n);
        if (nul) {
            char what[128];
            snprintf(what, sizeof what, "a NUL byte at offset %zu (a SQL script is text)", sb.len + (size_t)(nul - chunk));
            cn_sb_free(&sb);
            return script_error(err, name, what);
        }
        if (sb.len + (size_t)n > CN_SQL_MAX_TEXT_BYTES) {
            char what[128];
            snprintf(what, sizeof what, "larger than %zu MiB, the limit of a SQL script",
                     CN_SQL_MAX_TEXT_BYTES >> 20);
            cn_sb_free(&sb);
            return script_error(err, name, what);
        }
        cn_sb_putn(&sb, chunk, (size_t)n);
    }
    *out = cn_sb_take(&sb);
    return 0;
}

static int read_script(const char *path, char **out, cn_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return script_error(err, path, strerror(errno));
    int rc = read_script_fd(fd, path, out, err);
    close(fd);
    return rc;
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
    bool silent;  /* -S: no "Time taken" lines, no progress bar */
    bool verbose; /* -v: echo each statement to stderr before running it */
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
    atomic_store(&g_running, 1);
    if (atomic_load(&g_terminating)) { /* the watcher is cleaning up: start nothing */
        atomic_store(&g_running, 0);
        return -1;
    }
    if (sh->verbose) fprintf(stderr, "%s\n", sql);
    int rc = cn_session_sql(sh->session, sql, &r, &err);
    atomic_store(&g_running, 0);
    await_termination();
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
    if (rc == 0 && !sh->silent) {
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
        if ((rc == 0 || sh->fmt == FMT_GOLDEN) && !atomic_load(&g_terminating)) {
            if (run_statement(sh, stmts[i], line, col) != 0) rc = -1;
        }
        free(stmts[i]);
    }
    free(stmts);
    free(offs);
    return rc;
}

/* Read and run a script file; an unreadable one is an error like a failed statement. */
static int run_file(shell *sh, const char *path)
{
    cn_error err;
    cn_error_init(&err);
    char *text;
    if (read_script(path, &text, &err) != 0) {
        print_error(&err);
        cn_error_clear(&err);
        sh->errors++;
        return -1;
    }
    int rc = run_script(sh, text);
    free(text);
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
        if (buf.len + strlen(line) + 1 > CN_SQL_MAX_TEXT_BYTES) {
            fprintf(stderr, "[IO_ERROR] the statement is longer than %zu MiB, the limit of a statement; discarded\n",
                    CN_SQL_MAX_TEXT_BYTES >> 20);
            free(line);
            cn_sb_reset(&buf);
            continue;
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

static void usage(FILE *out)
{
    fputs("usage: cinder sql [options]\n"
          "  -e SQL                      SQL from the command line (several run in order)\n"
          "  -f FILE                     SQL from a file (several run in order; not with -e)\n"
          "  -i FILE                     initialization SQL file, run first (several in order)\n"
          "  -S, --silent                no \"Time taken\" lines or progress bar\n"
          "  -v, --verbose               echo each statement to stderr before running it\n"
          "  --database DB               the database to use (only `default` exists)\n"
          "  -d, --define k=v            variable for ${k} and ${hivevar:k} substitution\n"
          "  --hivevar k=v               the same\n"
          "  --hiveconf k=v              a setting (as --conf)\n"
          "  --conf k=v, -c k=v          a setting, e.g. spark.sql.shuffle.partitions=8\n"
          "  --master local[N]           where to run (spark.master)\n"
          "  --name NAME                 the application's name (spark.app.name)\n"
          "  --driver-memory MEM         memory of the driver, e.g. 2g (spark.driver.memory)\n"
          "  --format FMT                table, tsv, csv, json or golden\n"
          "  -H, -h, --help              this help\n",
          out);
}

/* "k=v" into the settings; `what` names the option for the message. */
static int set_kv(cn_conf *conf, const char *what, const char *kv, cn_error *err)
{
    /* key=value; without '=' the whole argument is a key with no value */
    const char *eq = strchr(kv, '=');
    char *key = cn_xstrndup(kv, eq ? (size_t)(eq - kv) : strlen(kv));
    int rc;
    if (!eq) {
        rc = cn_error_set(err, "INVALID_CONF_VALUE", "confValue", "", "confName", key, NULL);
        cn_error_detail(err, "%s expects key=value.", what);
    } else {
        rc = cn_conf_set(conf, key, eq + 1, err);
    }
    free(key);
    return rc;
}

static bool opt_is(const char *a, const char *s1, const char *s2)
{
    return strcmp(a, s1) == 0 || (s2 && strcmp(a, s2) == 0);
}

int cli_sql_main(int argc, char **argv)
{
    const char *format = NULL, *database = NULL;
    const char **evals = cn_xcalloc((size_t)argc, sizeof *evals);
    const char **files = cn_xcalloc((size_t)argc, sizeof *files);
    const char **inits = cn_xcalloc((size_t)argc, sizeof *inits);
    int nevals = 0, nfiles = 0, ninits = 0;
    shell sh;
    memset(&sh, 0, sizeof sh);
    cn_conf *conf = cn_conf_new();
    cn_error err;
    cn_error_init(&err);
    int status = 2;
    if (load_defaults(conf) != 0) goto done;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opt_is(a, "-h", "--help") || strcmp(a, "-H") == 0) {
            usage(stdout);
            status = 0;
            goto done;
        }
        if (opt_is(a, "-S", "--silent")) {
            sh.silent = true;
            continue;
        }
        if (opt_is(a, "-v", "--verbose")) {
            sh.verbose = true;
            continue;
        }
        static const char *const with_value[] = {"-e", "-f", "-i", "--database", "-d", "--define", "--hivevar",
                                                 "--hiveconf", "--conf", "-c", "--master", "--name",
                                                 "--driver-memory", "--format"};
        bool known = false;
        for (int k = 0; k < CN_ARRAY_LEN(with_value); k++) known = known || strcmp(a, with_value[k]) == 0;
        if (!known) {
            fprintf(stderr, "cinder sql: unknown option '%s'\n", a);
            usage(stderr);
            goto done;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "cinder sql: option %s needs a value\n", a);
            usage(stderr);
            goto done;
        }
        const char *v = argv[++i];
        int rc = 0;
        if (strcmp(a, "-e") == 0) evals[nevals++] = v;
        else if (strcmp(a, "-f") == 0) files[nfiles++] = v;
        else if (strcmp(a, "-i") == 0) inits[ninits++] = v;
        else if (strcmp(a, "--database") == 0) database = v;
        else if (strcmp(a, "--format") == 0) format = v;
        /* spark-sql keeps --hivevar / --define values as session settings, which ${k} reads */
        else if (opt_is(a, "-d", "--define") || strcmp(a, "--hivevar") == 0) rc = set_kv(conf, a, v, &err);
        else if (opt_is(a, "--conf", "-c") || strcmp(a, "--hiveconf") == 0) rc = set_kv(conf, a, v, &err);
        else if (strcmp(a, "--master") == 0) rc = cn_conf_set(conf, "spark.master", v, &err);
        else if (strcmp(a, "--name") == 0) rc = cn_conf_set(conf, "spark.app.name", v, &err);
        else if (strcmp(a, "--driver-memory") == 0) rc = cn_conf_set(conf, "spark.driver.memory", v, &err);
        if (rc != 0) {
            if (err.set) print_error(&err);
            goto done;
        }
    }
    if (nevals && nfiles) { /* as spark-sql (Hive's CLI) refuses them */
        fprintf(stderr, "cinder sql: the '-e' and '-f' options cannot be specified together\n");
        usage(stderr);
        goto done;
    }
    sh.interactive = !nevals && !nfiles && isatty(STDIN_FILENO);
    sh.fmt = sh.interactive ? FMT_TABLE : FMT_TSV;
    if (format) {
        if (strcmp(format, "table") == 0) sh.fmt = FMT_TABLE;
        else if (strcmp(format, "tsv") == 0) sh.fmt = FMT_TSV;
        else if (strcmp(format, "csv") == 0) sh.fmt = FMT_CSV;
        else if (strcmp(format, "json") == 0) sh.fmt = FMT_JSON;
        else if (strcmp(format, "golden") == 0) sh.fmt = FMT_GOLDEN;
        else {
            fprintf(stderr, "cinder sql: unknown format '%s'\n", format);
            goto done;
        }
    }
    status = 1;
    sh.session = cn_session_new(conf, &err);
    if (!sh.session) {
        print_error(&err);
        goto done;
    }
    if (sh.interactive && !sh.silent && isatty(STDERR_FILENO)) cn_session_enable_progress(sh.session);
    atomic_store(&g_session, sh.session);

    /* terminating signals: cleaned up by the watcher thread; Ctrl-C in the REPL cancels */
    int sigs[3] = {SIGTERM, SIGHUP, SIGINT};
    cn_signal_watch(sigs, sh.interactive ? 2 : 3, on_terminate, NULL);
    if (sh.interactive) {
        g_tty_saved = tcgetattr(STDIN_FILENO, &g_tty) == 0;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
    }

    bool ok = true;
    for (int i = 0; i < ninits && ok; i++) { /* init files run silently; a failure stops */
        bool silent = sh.silent;
        sh.silent = true;
        ok = run_file(&sh, inits[i]) == 0;
        sh.silent = silent;
    }
    if (ok && database && strcasecmp(database, "default") != 0) {
        /* one database until the catalog has more */
        char quoted[1024];
        snprintf(quoted, sizeof quoted, "`%s`", database);
        cn_error_set(&err, "SCHEMA_NOT_FOUND", "schemaName", quoted, NULL);
        print_error(&err);
        cn_error_clear(&err);
        sh.errors++;
        ok = false;
    }
    if (ok) {
        if (nevals) {
            for (int i = 0; i < nevals && ok; i++) ok = run_script(&sh, evals[i]) == 0 || sh.fmt == FMT_GOLDEN;
        } else if (nfiles) {
            for (int i = 0; i < nfiles && ok; i++) ok = run_file(&sh, files[i]) == 0 || sh.fmt == FMT_GOLDEN;
        } else if (sh.interactive) {
            repl(&sh);
        } else {
            char *text;
            if (read_script_fd(STDIN_FILENO, "standard input", &text, &err) != 0) {
                print_error(&err);
                sh.errors++;
                ok = false;
            } else {
                ok = run_script(&sh, text) == 0;
                free(text);
            }
        }
    }
    await_termination();
    status = ok && !sh.errors ? 0 : 1;
    if (sh.interactive && ok) status = 0; /* errors in the REPL were shown; the session ended normally */
    pthread_mutex_lock(&g_session_mu);
    atomic_store(&g_session, NULL);
    pthread_mutex_unlock(&g_session_mu);
    cn_session_free(sh.session);
done:
    cn_error_clear(&err);
    cn_conf_free(conf);
    free(evals);
    free(files);
    free(inits);
    return status;
}
