/*
 * test_types.c — unit tests of the types layer: type names and parsing, Spark's
 * decimal result-type rules (worked examples of DecimalPrecision), wider types,
 * vectors and batches, value text forms, casts from string, decimal arithmetic
 * helpers, and date/time arithmetic with time zones.
 */
#include "types/types.h"
#include "types/vector.h"
#include "unit.h"

/* unit.h's TEST(name) expands its parameter inside `.name`; redefine it locally until fixed. */
#undef TEST
#define TEST(tn_)                                                               \
    static void test_##tn_(int *unit_failed_);                                  \
    __attribute__((constructor)) static void unit_reg_##tn_(void)               \
    {                                                                           \
        unit_tests[unit_ntests].name = #tn_;                                    \
        unit_tests[unit_ntests++].fn = test_##tn_;                              \
    }                                                                           \
    static void test_##tn_(int *unit_failed_)

static const char *tname(cn_type t)
{
    static char buf[8][64];
    static int k;
    k = (k + 1) & 7;
    return cn_type_name(t, buf[k], sizeof buf[k]);
}

static cn_type P(const char *s)
{
    cn_type t = cn_type_of(CN_NULL);
    if (cn_type_parse(s, &t) != 0) t.kind = CN_KIND_COUNT;
    return t;
}

TEST(type_names)
{
    char buf[64];
    CHECK_STR(tname(cn_type_of(CN_INT)), "int");
    CHECK_STR(tname(cn_type_of(CN_BIGINT)), "bigint");
    CHECK_STR(tname(cn_type_of(CN_NULL)), "void");
    CHECK_STR(tname(cn_type_decimal(10, 2)), "decimal(10,2)");
    CHECK_STR(cn_type_sql_name(cn_type_decimal(10, 2), buf, sizeof buf), "DECIMAL(10,2)");
    CHECK_STR(cn_type_sql_name(cn_type_of(CN_STRING), buf, sizeof buf), "STRING");
    CHECK_STR(tname(cn_type_of(CN_INTERVAL_DT)), "interval day");
    CHECK_STR(cn_type_sql_name(cn_type_of(CN_INTERVAL_DT), buf, sizeof buf), "INTERVAL DAY");
    CHECK_STR(tname(P("interval year to month")), "interval year to month");
    CHECK_STR(tname(P("INTERVAL DAY TO SECOND")), "interval day to second");
    CHECK_INT(cn_type_width(cn_type_decimal(18, 2)), 8);
    CHECK_INT(cn_type_width(cn_type_decimal(19, 2)), 16);
    CHECK_INT(cn_type_phys(cn_type_of(CN_DATE)), CN_PHYS_I32);
    CHECK_INT(cn_type_width(cn_type_of(CN_STRING)), 16);
}

TEST(type_parse)
{
    CHECK_STR(tname(P("integer")), "int");
    CHECK_STR(tname(P("LONG")), "bigint");
    CHECK_STR(tname(P("short")), "smallint");
    CHECK_STR(tname(P("byte")), "tinyint");
    CHECK_STR(tname(P("real")), "float");
    CHECK_STR(tname(P("decimal")), "decimal(10,0)");
    CHECK_STR(tname(P("dec(5)")), "decimal(5,0)");
    CHECK_STR(tname(P("numeric( 12 , 3 )")), "decimal(12,3)");
    CHECK_STR(tname(P("varchar(10)")), "string");
    CHECK_STR(tname(P("char(3)")), "string");
    CHECK_STR(tname(P("timestamp_ntz")), "timestamp");
    CHECK_STR(tname(P("Boolean")), "boolean");
    cn_type t;
    CHECK(cn_type_parse("decimal(39,0)", &t) != 0);
    CHECK(cn_type_parse("decimal(5,6)", &t) != 0);
    CHECK(cn_type_parse("intx", &t) != 0);
    CHECK(cn_type_parse("int int", &t) != 0);
    CHECK(cn_type_parse("varchar", &t) != 0);
    CHECK(cn_type_parse("", &t) != 0);
}

TEST(decimal_rules)
{
    cn_type d102 = cn_type_decimal(10, 2), d52 = cn_type_decimal(5, 2), d153 = cn_type_decimal(15, 3);
    /* add: scale max(2,3)=3, precision max(8,12)+3+1=16 */
    CHECK_STR(tname(cn_decimal_add_type(d102, d153)), "decimal(16,3)");
    /* mul: (10+5+1, 2+2) */
    CHECK_STR(tname(cn_decimal_mul_type(d102, d52)), "decimal(16,4)");
    /* div: scale max(6, 2+5+1)=8, precision 10-2+2+8=18 */
    CHECK_STR(tname(cn_decimal_div_type(d102, d52)), "decimal(18,8)");
    /* mod: precision min(8,3)+2=5, scale 2 */
    CHECK_STR(tname(cn_decimal_mod_type(d102, d52)), "decimal(5,2)");
    /* TPC-H: decimal(15,2)*decimal(15,2) -> (31,4); sum -> (38,4) ... */
    cn_type d152 = cn_type_decimal(15, 2);
    CHECK_STR(tname(cn_decimal_mul_type(d152, d152)), "decimal(31,4)");
    CHECK_STR(tname(cn_decimal_sum_type(d152)), "decimal(25,2)");
    CHECK_STR(tname(cn_decimal_avg_type(d152)), "decimal(19,6)");
    /* overflow: (38,18)*(38,18): p=77,s=36 -> intDigits 41 -> scale max(38-41, 6) = 6 */
    cn_type d3818 = cn_type_decimal(38, 18);
    CHECK_STR(tname(cn_decimal_mul_type(d3818, d3818)), "decimal(38,6)");
    /* (38,10)/(38,10): scale max(6, 10+38+1)=49, precision 38-10+10+49=87 -> intDigits 38 -> scale 6 */
    CHECK_STR(tname(cn_decimal_div_type(cn_type_decimal(38, 10), cn_type_decimal(38, 10))), "decimal(38,6)");
    /* int widened to decimal(10,0): int + decimal(5,2) -> scale 2, precision max(10,3)+2+1 = 13 */
    CHECK_STR(tname(cn_decimal_add_type(cn_type_of(CN_INT), d52)), "decimal(13,2)");
    CHECK_STR(tname(cn_decimal_add_type(cn_type_of(CN_BIGINT), cn_type_of(CN_BIGINT))), "decimal(21,0)");
    /* sum of decimal(35,2) bounded at 38 */
    CHECK_STR(tname(cn_decimal_sum_type(cn_type_decimal(35, 2))), "decimal(38,2)");
    CHECK_STR(tname(cn_decimal_avg_type(cn_type_decimal(36, 35))), "decimal(38,38)");
    CHECK_STR(tname(cn_decimal_adjust(40, 10)), "decimal(38,8)");
    CHECK_STR(tname(cn_decimal_adjust(40, 3)), "decimal(38,3)");
}

TEST(wider_types)
{
    bool ok;
    CHECK_STR(tname(cn_type_wider(cn_type_of(CN_INT), cn_type_of(CN_BIGINT), &ok)), "bigint");
    CHECK(ok);
    CHECK_STR(tname(cn_type_wider(cn_type_of(CN_TINYINT), cn_type_of(CN_SMALLINT), &ok)), "smallint");
    CHECK_STR(tname(cn_type_wider(cn_type_of(CN_BIGINT), cn_type_of(CN_FLOAT), &ok)), "float");
    CHECK_STR(tname(cn_type_wider(cn_type_of(CN_FLOAT), cn_type_of(CN_DOUBLE), &ok)), "double");
    CHECK_STR(tname(cn_type_wider(cn_type_of(CN_NULL), cn_type_of(CN_DATE), &ok)), "date");
    CHECK_STR(tname(cn_type_wider(cn_type_of(CN_INT), cn_type_decimal(5, 2), &ok)), "decimal(12,2)");
    CHECK_STR(tname(cn_type_wider(cn_type_decimal(10, 2), cn_type_decimal(5, 4), &ok)), "decimal(12,4)");
    CHECK_STR(tname(cn_type_wider(cn_type_decimal(38, 2), cn_type_decimal(5, 4), &ok)), "decimal(38,4)");
    CHECK_STR(tname(cn_type_wider(cn_type_decimal(10, 2), cn_type_of(CN_DOUBLE), &ok)), "double");
    CHECK_STR(tname(cn_type_wider(cn_type_of(CN_DATE), cn_type_of(CN_TIMESTAMP), &ok)), "timestamp");
    cn_type_wider(cn_type_of(CN_STRING), cn_type_of(CN_INT), &ok);
    CHECK(!ok);
    cn_type_wider(cn_type_of(CN_BOOLEAN), cn_type_of(CN_INT), &ok);
    CHECK(!ok);
}

TEST(vectors_batches)
{
    cn_arena *a = cn_arena_new("t", NULL);
    cn_type ty[2] = {cn_type_of(CN_INT), cn_type_of(CN_STRING)};
    cn_batch *b = cn_batch_new(a, 2, ty, CN_BATCH_SIZE);
    int32_t *iv = b->cols[0].data;
    cn_str *sv = b->cols[1].data;
    for (int i = 0; i < 100; i++) {
        iv[i] = i;
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "string number %d", i);
        sv[i] = cn_str_copy(a, cn_str_view(tmp, (uint32_t)n));
        if (i % 7 == 0) cn_vec_set_null(&b->cols[1], i, a);
    }
    b->count = 100;
    uint16_t sel[3] = {3, 7, 50};
    b->sel = sel;
    b->nsel = 3;
    cn_batch *c = cn_batch_compact(a, b);
    CHECK_INT(c->count, 3);
    CHECK(c->sel == NULL);
    CHECK_INT(((int32_t *)c->cols[0].data)[2], 50);
    CHECK(cn_vec_valid(&c->cols[1], 0));
    CHECK(!cn_vec_valid(&c->cols[1], 1));
    cn_str s = ((cn_str *)c->cols[1].data)[2];
    CHECK_INT(s.len, 16);
    CHECK(memcmp(cn_str_data(&s), "string number 50", 16) == 0);
    /* gather without an arena still carries NULLs */
    cn_vector g;
    cn_vector_init(&g, ty[1], 4, a);
    uint16_t rows[2] = {14, 15};
    cn_vector_gather(&g, &b->cols[1], rows, 2, NULL);
    CHECK(!cn_vec_valid(&g, 0));
    CHECK(cn_vec_valid(&g, 1));
    cn_vector d;
    cn_vector_init(&d, ty[0], 4, a);
    cn_vector_copy_row(&d, 1, &b->cols[0], 9, a);
    CHECK_INT(((int32_t *)d.data)[1], 9);
    cn_schema *sc = cn_schema_new(a, 2);
    sc->fields[0].name = "a";
    sc->fields[0].type = ty[0];
    sc->fields[1].name = "b";
    sc->fields[1].type = cn_type_decimal(10, 2);
    CHECK_STR(cn_schema_struct_string(a, sc), "struct<a:int,b:decimal(10,2)>");
    cn_str x = cn_str_view("hello world, long", 17), y = cn_str_view("hello world, lonG", 17);
    CHECK(!cn_str_eq(&x, &y));
    CHECK(cn_str_cmp(&x, &y) > 0);
    cn_arena_free(a);
}
