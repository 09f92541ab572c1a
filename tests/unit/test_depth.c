/*
 * test_depth.c — deep statements through the whole engine (parser, analyzer,
 * optimizer, planner, EXPLAIN, plan and expression codecs, task execution).
 *
 * Statements are generated here. Big valid ones (600 AND-ed or OR-ed predicates,
 * 130-way joins, 120 nested subqueries of three kinds, 900-term chains) must answer
 * right; deeper ones (a 20,000-term `1+1+...`, 100,000 ANDs, 5,000 nested
 * parentheses, views that only together pass CN_MAX_TREE_DEPTH) must fail with
 * [FAILED_TO_PARSE_TOO_COMPLEX] — never overflow a stack. Expected answers follow
 * from the arithmetic of the generated query, not from Cinder's output.
 */
#include "unit.h"

#include "api/session.h"
#include "base/config.h"
#include "base/workdir.h"
#include "base/strbuf.h"
#include "types/vector.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

static char local_dir[256];

static cn_session *session(const char *broadcast)
{
    cn_error err;
    cn_error_init(&err);
    cn_conf *c = cn_conf_new();
    cn_conf_set(c, "spark.master", "local[2]", &err);
    cn_conf_set(c, "spark.sql.shuffle.partitions", "2", &err);
    if (!local_dir[0]) {
        snprintf(local_dir, sizeof local_dir, "/tmp/cinder-test-depth-%d", (int)getpid());
        mkdir(local_dir, 0700);
    }
    cn_conf_set(c, "spark.local.dir", local_dir, &err);
    if (broadcast) cn_conf_set(c, "spark.sql.autoBroadcastJoinThreshold", broadcast, &err);
    cn_session *s = cn_session_new(c, &err);
    cn_conf_free(c);
    cn_error_clear(&err);
    return s;
}

/* Run sql; on success *v is the BIGINT (or INT) in row 0, column 0. Returns 0, or -1 with
 * the error class copied into cls. */
static int run(cn_session *s, const char *sql, int64_t *v, char *cls, size_t ncls)
{
    cn_error err;
    cn_error_init(&err);
    cn_result *r = NULL;
    int rc = cn_session_sql(s, sql, &r, &err);
    if (cls && ncls) cls[0] = 0;
    if (rc != 0) {
        if (cls) snprintf(cls, ncls, "%s", err.cls);
        cn_error_clear(&err);
        return -1;
    }
    if (v && r && r->nbatches > 0 && r->batches[0]->count > 0) {
        const cn_vector *c = &r->batches[0]->cols[0];
        *v = c->type.kind == CN_INT ? ((const int32_t *)c->data)[0] : ((const int64_t *)c->data)[0];
    }
    cn_result_free(r);
    cn_error_clear(&err);
    return 0;
}

static char *printf_sb(cn_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *printf_sb(cn_strbuf *sb, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cn_sb_puts(sb, buf);
    return sb->s;
}

#define EXPECT_VALUE(s, sql, want)                                                          \
    do {                                                                                    \
        int64_t got_ = -12345;                                                              \
        char cls_[128];                                                                     \
        int rc_ = run(s, sql, &got_, cls_, sizeof cls_);                                    \
        if (rc_ != 0) fprintf(stderr, "  error %s\n", cls_);                                \
        CHECK_INT(rc_, 0);                                                                  \
        CHECK_INT(got_, want);                                                              \
    } while (0)

#define EXPECT_TOO_COMPLEX(s, sql)                                                          \
    do {                                                                                    \
        char cls_[128];                                                                     \
        CHECK_INT(run(s, sql, NULL, cls_, sizeof cls_), -1);                                \
        CHECK_STR(cls_, "FAILED_TO_PARSE_TOO_COMPLEX");                                     \
    } while (0)

TEST(six_hundred_predicates)
{
    cn_session *s = session(NULL);
    cn_strbuf sb;
    /* AND: id < 500 and 600 predicates that hold for every id of range(0, 1000) */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT count(*) FROM range(0, 1000) WHERE id < 500");
    for (int k = 1; k <= 600; k++) printf_sb(&sb, " AND id <> %d", 1000 + k);
    EXPECT_VALUE(s, sb.s, 500);
    cn_sb_free(&sb);
    /* OR: id = 1 OR ... OR id = 600 over range(0, 1000) */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT count(*) FROM range(0, 1000) WHERE id = 1");
    for (int k = 2; k <= 600; k++) printf_sb(&sb, " OR id = %d", k);
    EXPECT_VALUE(s, sb.s, 600);
    cn_sb_free(&sb);
    /* and the same predicates in a join condition, EXPLAINed too */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT count(*) FROM range(0, 100) a JOIN range(0, 100) b ON a.id = b.id");
    for (int k = 1; k <= 600; k++) printf_sb(&sb, " AND a.id + b.id <> %d", 1000 + k);
    EXPECT_VALUE(s, sb.s, 100);
    char *explain = cn_xstrdup(sb.s);
    cn_sb_free(&sb);
    cn_sb_init(&sb);
    printf_sb(&sb, "EXPLAIN EXTENDED ");
    cn_sb_puts(&sb, explain);
    CHECK_INT(run(s, sb.s, NULL, NULL, 0), 0);
    free(explain);
    cn_sb_free(&sb);
    cn_session_free(s);
}

static void join_chain(int *unit_failed_, cn_session *s, int n)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT count(*) FROM range(0, 10) t0");
    for (int k = 1; k < n; k++) printf_sb(&sb, " JOIN range(0, 10) t%d ON t%d.id = t%d.id", k, k - 1, k);
    EXPECT_VALUE(s, sb.s, 10);
    cn_sb_free(&sb);
}

TEST(join_130_ways)
{
    cn_session *s = session(NULL); /* broadcast joins: one deep fragment */
    join_chain(unit_failed_, s, 130);
    cn_session_free(s);
}

TEST(join_130_ways_shuffled)
{
    cn_session *s = session("-1"); /* sort-merge joins: 130 shuffles */
    join_chain(unit_failed_, s, 130);
    cn_session_free(s);
}

TEST(nested_subqueries_120)
{
    cn_session *s = session(NULL);
    cn_strbuf sb;
    /* FROM subqueries, each adding 1 */
    cn_sb_init(&sb);
    for (int k = 0; k < 120; k++) cn_sb_puts(&sb, "SELECT x + 1 AS x FROM (");
    cn_sb_puts(&sb, "SELECT 0 AS x");
    for (int k = 0; k < 120; k++) printf_sb(&sb, ") s%d", k);
    EXPECT_VALUE(s, sb.s, 120);
    cn_sb_free(&sb);
    /* scalar subqueries in the select list */
    cn_sb_init(&sb);
    for (int k = 0; k < 120; k++) cn_sb_puts(&sb, "SELECT 1 + (");
    cn_sb_puts(&sb, "SELECT 0");
    for (int k = 0; k < 120; k++) cn_sb_puts(&sb, ")");
    EXPECT_VALUE(s, sb.s, 120);
    cn_sb_free(&sb);
    /* IN subqueries in WHERE, each level keeping ids below its bound */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT count(*) FROM range(0, 200) WHERE id IN (");
    for (int k = 0; k < 119; k++) printf_sb(&sb, "SELECT id FROM range(0, 200) WHERE id < %d AND id IN (", 200 - k);
    cn_sb_puts(&sb, "SELECT id FROM range(0, 50)");
    for (int k = 0; k < 120; k++) cn_sb_puts(&sb, ")");
    EXPECT_VALUE(s, sb.s, 50);
    cn_sb_free(&sb);
    cn_session_free(s);
}

TEST(chains_below_the_limit_answer)
{
    cn_session *s = session(NULL);
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT 1");
    for (int k = 1; k < 900; k++) cn_sb_puts(&sb, "+1");
    EXPECT_VALUE(s, sb.s, 900);
    cn_sb_free(&sb);
    /* count of many columns: its rewrite must not build an AND chain as long as the list */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT count(id");
    for (int k = 1; k < 3000; k++) cn_sb_puts(&sb, ", id");
    cn_sb_puts(&sb, ") FROM range(0, 7)");
    EXPECT_VALUE(s, sb.s, 7);
    cn_sb_free(&sb);
    cn_session_free(s);
}

TEST(too_deep_is_a_classed_error)
{
    cn_session *s = session(NULL);
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT 1");
    for (int k = 1; k < 20000; k++) cn_sb_puts(&sb, "+1");
    EXPECT_TOO_COMPLEX(s, sb.s);
    cn_sb_free(&sb);
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT count(*) FROM range(0, 3) WHERE true");
    for (int k = 1; k < 100000; k++) cn_sb_puts(&sb, " AND true");
    EXPECT_TOO_COMPLEX(s, sb.s);
    cn_sb_free(&sb);
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT ");
    for (int k = 0; k < 5000; k++) cn_sb_puts(&sb, "(");
    cn_sb_puts(&sb, "1");
    for (int k = 0; k < 5000; k++) cn_sb_puts(&sb, ")");
    EXPECT_TOO_COMPLEX(s, sb.s);
    cn_sb_free(&sb);
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT 1 AS x");
    for (int k = 1; k < 3000; k++) cn_sb_puts(&sb, " UNION ALL SELECT 1 AS x");
    EXPECT_TOO_COMPLEX(s, sb.s);
    cn_sb_free(&sb);
    /* the shell keeps working after them */
    EXPECT_VALUE(s, "SELECT 41 + 1", 42);
    cn_session_free(s);
}

TEST(views_deeper_together_than_alone)
{
    /* each view's text is within the limit; reading one through the other is not */
    cn_session *s = session(NULL);
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "CREATE TEMPORARY VIEW deep1 AS SELECT 0");
    for (int k = 0; k < 600; k++) cn_sb_puts(&sb, "+1");
    cn_sb_puts(&sb, " AS x");
    CHECK_INT(run(s, sb.s, NULL, NULL, 0), 0);
    cn_sb_free(&sb);
    EXPECT_VALUE(s, "SELECT x FROM deep1", 600);
    /* deep1's chain sits at the bottom of deep2's own chain: 1,200 levels together */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "CREATE TEMPORARY VIEW deep2 AS SELECT (SELECT x FROM deep1)");
    for (int k = 0; k < 600; k++) cn_sb_puts(&sb, "+1");
    cn_sb_puts(&sb, " AS y");
    EXPECT_TOO_COMPLEX(s, sb.s);
    cn_sb_free(&sb);
    /* 300 + 600 fits */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "CREATE TEMPORARY VIEW deep3 AS SELECT (SELECT x FROM deep1)");
    for (int k = 0; k < 300; k++) cn_sb_puts(&sb, "+1");
    cn_sb_puts(&sb, " AS y");
    CHECK_INT(run(s, sb.s, NULL, NULL, 0), 0);
    cn_sb_free(&sb);
    EXPECT_VALUE(s, "SELECT y FROM deep3", 900);
    /* stacked projections of long expressions: each fits, merged they would not */
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "SELECT z FROM (SELECT y");
    for (int k = 0; k < 300; k++) cn_sb_puts(&sb, "+1");
    cn_sb_puts(&sb, " AS z FROM (SELECT x");
    for (int k = 0; k < 300; k++) cn_sb_puts(&sb, "+1");
    cn_sb_puts(&sb, " AS y FROM deep1) t WHERE y");
    for (int k = 0; k < 300; k++) cn_sb_puts(&sb, "+1");
    cn_sb_puts(&sb, " > 0) u");
    EXPECT_VALUE(s, sb.s, 1200);
    cn_sb_free(&sb);
    EXPECT_VALUE(s, "SELECT x + 1 FROM deep1", 601);
    cn_session_free(s);
}

TEST(zz_cleanup)
{
    /* the sessions removed their query directories; what exit does removes the process's
     * working directory, and then the local dir must be empty */
    cn_workdir_remove_owned();
    CHECK_INT(rmdir(local_dir), 0);
}
