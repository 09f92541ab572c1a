/*
 * test_types.c — unit tests of the types layer: type names and parsing, Spark's
 * decimal result-type rules (worked examples of DecimalPrecision), wider types,
 * vectors and batches, value text forms, casts from string, decimal arithmetic
 * helpers, and date/time arithmetic with time zones.
 */
#include "types/datetime.h"
#include "types/decimal.h"
#include "types/dt_pattern.h"
#include "types/types.h"
#include "types/value.h"
#include "types/vector.h"
#include "unit.h"

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
    CHECK_STR(tname(P("timestamp_ntz")), "timestamp_ntz"); /* Spark: TimestampNTZType.simpleString */
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

static const char *vstr(cn_value x)
{
    static char buf[8][128];
    static int k;
    k = (k + 1) & 7;
    cn_vector v;
    cn_arena *a = cn_arena_new("v", NULL);
    cn_vector_init(&v, x.type, 1, a);
    cn_value_to_vector(&x, &v, 0, a);
    cn_format_value(&v, 0, buf[k], sizeof buf[k]);
    const char *s2 = cn_value_to_string(&x, a);
    if (strcmp(s2, buf[k]) != 0) snprintf(buf[k], sizeof buf[k], "MISMATCH %s", s2);
    cn_arena_free(a);
    return buf[k];
}

static cn_value dbl(double d) { cn_value x = cn_value_null(cn_type_of(CN_DOUBLE)); x.is_null = false; x.v.f = d; return x; }
static cn_value flt(float d) { cn_value x = cn_value_null(cn_type_of(CN_FLOAT)); x.is_null = false; x.v.f = d; return x; }
static cn_value ival(cn_kind k, int64_t i) { cn_value x = cn_value_null(cn_type_of(k)); x.is_null = false; x.v.i = i; return x; }
static cn_value decv(int p, int s, cn_i128 u)
{
    cn_value x = cn_value_null(cn_type_decimal(p, s));
    x.is_null = false;
    if (p > 18) x.v.d = u; else x.v.i = (int64_t)u;
    return x;
}

TEST(double_text)
{
    CHECK_STR(vstr(dbl(1.0)), "1.0");
    CHECK_STR(vstr(dbl(0.1)), "0.1");
    CHECK_STR(vstr(dbl(1e7)), "1.0E7");
    CHECK_STR(vstr(dbl(9999999.0)), "9999999.0");
    CHECK_STR(vstr(dbl(1e10)), "1.0E10");
    CHECK_STR(vstr(dbl(1e-4)), "1.0E-4");
    CHECK_STR(vstr(dbl(1e-5)), "1.0E-5");
    CHECK_STR(vstr(dbl(0.001)), "0.001");
    CHECK_STR(vstr(dbl(123.456)), "123.456");
    CHECK_STR(vstr(dbl(-2.5)), "-2.5");
    CHECK_STR(vstr(dbl(100.0)), "100.0");
    CHECK_STR(vstr(dbl(1.0 / 3)), "0.3333333333333333");
    CHECK_STR(vstr(dbl(1.2345678e8)), "1.2345678E8");
    CHECK_STR(vstr(dbl(-0.0)), "-0.0");
    CHECK_STR(vstr(dbl(NAN)), "NaN");
    CHECK_STR(vstr(dbl(INFINITY)), "Infinity");
    CHECK_STR(vstr(dbl(-INFINITY)), "-Infinity");
    CHECK_STR(vstr(dbl(1.7976931348623157e308)), "1.7976931348623157E308");
    CHECK_STR(vstr(dbl(4.9e-324)), "4.9E-324");
    CHECK_STR(vstr(flt(0.1f)), "0.1");
    CHECK_STR(vstr(flt(3.4028235e38f)), "3.4028235E38");
    CHECK_STR(vstr(flt(1.1f)), "1.1");
}

TEST(value_text)
{
    CHECK_STR(vstr(decv(10, 2, 150)), "1.50");
    CHECK_STR(vstr(decv(10, 6, 100)), "0.000100");
    CHECK_STR(vstr(decv(10, 1, -5)), "-0.5");
    CHECK_STR(vstr(decv(10, 0, -5)), "-5");
    CHECK_STR(vstr(decv(38, 2, (cn_i128)12345678901234567LL * 1000000000000LL)), "123456789012345670000000000.00");
    CHECK_STR(vstr(ival(CN_INT, -42)), "-42");
    CHECK_STR(vstr(ival(CN_BIGINT, INT64_MIN)), "-9223372036854775808");
    cn_value b = cn_value_null(cn_type_of(CN_BOOLEAN));
    b.is_null = false;
    b.v.b = true;
    CHECK_STR(vstr(b), "true");
    CHECK_STR(vstr(cn_value_null(cn_type_of(CN_INT))), "NULL");
    CHECK_STR(vstr(ival(CN_DATE, 0)), "1970-01-01");
    CHECK_STR(vstr(ival(CN_DATE, cn_days_from_civil(2024, 2, 29))), "2024-02-29");
    cn_tz_set_default("UTC");
    CHECK_STR(vstr(ival(CN_TIMESTAMP, 86400LL * 1000000 + 1500000)), "1970-01-02 00:00:01.5");
    CHECK_STR(vstr(ival(CN_TIMESTAMP, -1)), "1969-12-31 23:59:59.999999");
    CHECK_STR(vstr(ival(CN_TIMESTAMP, 0)), "1970-01-01 00:00:00");
    cn_tz_set_default("America/Los_Angeles");
    CHECK_STR(vstr(ival(CN_TIMESTAMP, 0)), "1969-12-31 16:00:00");
    cn_tz_set_default("UTC");
    cn_value iv = ival(CN_INTERVAL_DT, 90 * CN_MICROS_PER_DAY);
    CHECK_STR(vstr(iv), "INTERVAL '90' DAY");
    iv.type.scale2 = CN_IV_SECOND;
    iv.v.i = CN_MICROS_PER_DAY + (2 * 3600 + 3 * 60 + 4) * CN_MICROS_PER_SECOND;
    CHECK_STR(vstr(iv), "INTERVAL '1 02:03:04' DAY TO SECOND");
    iv.v.i = -(CN_MICROS_PER_DAY + 4500000);
    CHECK_STR(vstr(iv), "INTERVAL '-1 00:00:04.5' DAY TO SECOND");
    iv.type.scale = CN_IV_HOUR;
    iv.type.scale2 = CN_IV_HOUR;
    iv.v.i = 5 * 3600 * CN_MICROS_PER_SECOND;
    CHECK_STR(vstr(iv), "INTERVAL '05' HOUR");
    cn_value ym = ival(CN_INTERVAL_YM, 14);
    ym.type.scale2 = CN_IV_MONTH;
    CHECK_STR(vstr(ym), "INTERVAL '1-2' YEAR TO MONTH");
    ym.v.i = -14;
    CHECK_STR(vstr(ym), "INTERVAL '-1-2' YEAR TO MONTH");
    ym.type.scale = CN_IV_MONTH;
    CHECK_STR(vstr(ym), "INTERVAL '-14' MONTH");
}

static int parse(const char *s, cn_type t, cn_value *v) { return cn_parse_as(s, strlen(s), t, v, NULL); }

TEST(format_value_lengths)
{
    cn_arena *a = cn_arena_new("f", NULL);
    cn_vector v;
    cn_vector_init(&v, cn_type_of(CN_STRING), 1, a);
    ((cn_str *)v.data)[0] = cn_str_view("a fairly long string", 20);
    char buf[8];
    CHECK_INT(cn_format_value(&v, 0, buf, sizeof buf), 20); /* snprintf-like: the full length */
    CHECK(memcmp(buf, "a fairl", 7) == 0);
    cn_vector d;
    cn_vector_init(&d, cn_type_of(CN_DOUBLE), 1, a);
    ((double *)d.data)[0] = 1e10;
    CHECK_INT(cn_format_value(&d, 0, buf, 4), 6);
    CHECK_STR(buf, "1.0");
    cn_arena_free(a);
}

TEST(parse_as)
{
    cn_value v;
    cn_type I = cn_type_of(CN_INT), L = cn_type_of(CN_BIGINT), TI = cn_type_of(CN_TINYINT);
    CHECK(parse(" 42 ", I, &v) == 0 && v.v.i == 42);
    CHECK(parse("-2147483648", I, &v) == 0 && v.v.i == INT32_MIN);
    CHECK(parse("2147483648", I, &v) != 0);
    CHECK(parse("1.5", I, &v) != 0);
    CHECK(parse("", I, &v) != 0);
    CHECK(parse("-", I, &v) != 0);
    CHECK(parse("12a", I, &v) != 0);
    CHECK(parse("127", TI, &v) == 0 && v.v.i == 127);
    CHECK(parse("128", TI, &v) != 0);
    CHECK(parse("-9223372036854775808", L, &v) == 0 && v.v.i == INT64_MIN);
    CHECK(parse("9223372036854775808", L, &v) != 0);
    cn_type D = cn_type_of(CN_DOUBLE);
    CHECK(parse("1e5", D, &v) == 0 && v.v.f == 1e5);
    CHECK(parse("1d", D, &v) == 0 && v.v.f == 1.0);
    CHECK(parse("-Infinity", D, &v) == 0 && isinf(v.v.f) && v.v.f < 0);
    CHECK(parse("inf", D, &v) == 0 && isinf(v.v.f));
    CHECK(parse("NaN", D, &v) == 0 && isnan(v.v.f));
    CHECK(parse(" .5 ", D, &v) == 0 && v.v.f == 0.5);
    CHECK(parse("abc", D, &v) != 0);
    CHECK(parse("1.5x", D, &v) != 0);
    cn_type B = cn_type_of(CN_BOOLEAN);
    CHECK(parse("YES", B, &v) == 0 && v.v.b);
    CHECK(parse("f", B, &v) == 0 && !v.v.b);
    CHECK(parse("0", B, &v) == 0 && !v.v.b);
    CHECK(parse("2", B, &v) != 0);
    cn_type d52 = cn_type_decimal(5, 2);
    CHECK(parse("1.005", d52, &v) == 0 && v.v.i == 101);
    CHECK(parse("-1.005", d52, &v) == 0 && v.v.i == -101);
    CHECK(parse("1.004", d52, &v) == 0 && v.v.i == 100);
    CHECK(parse("999.994", d52, &v) == 0 && v.v.i == 99999);
    CHECK(parse("999.995", d52, &v) != 0);
    CHECK(parse("1000", d52, &v) != 0);
    CHECK(parse("1e2", d52, &v) == 0 && v.v.i == 10000);
    CHECK(parse("1.5E-1", d52, &v) == 0 && v.v.i == 15);
    CHECK(parse(".5", d52, &v) == 0 && v.v.i == 50);
    CHECK(parse("0.000", d52, &v) == 0 && v.v.i == 0);
    CHECK(parse("0.001", d52, &v) == 0 && v.v.i == 0);
    CHECK(parse("0.005", d52, &v) == 0 && v.v.i == 1);
    CHECK(parse(".", d52, &v) != 0);
    CHECK(parse("1..2", d52, &v) != 0);
    CHECK(parse("1e", d52, &v) != 0);
    cn_type d380 = cn_type_decimal(38, 0);
    CHECK(parse("99999999999999999999999999999999999999", d380, &v) == 0);
    CHECK(parse("100000000000000000000000000000000000000", d380, &v) != 0);
    CHECK(parse("1000000000000000000000000000000000000000000000", d380, &v) != 0);
    cn_type DT = cn_type_of(CN_DATE);
    CHECK(parse("2024-02-29", DT, &v) == 0 && v.v.i == cn_days_from_civil(2024, 2, 29));
    CHECK(parse("2023-02-29", DT, &v) != 0);
    CHECK(parse("2024", DT, &v) == 0 && v.v.i == cn_days_from_civil(2024, 1, 1));
    CHECK(parse("2024-3", DT, &v) == 0 && v.v.i == cn_days_from_civil(2024, 3, 1));
    CHECK(parse("2024-3-5 garbage", DT, &v) == 0 && v.v.i == cn_days_from_civil(2024, 3, 5));
    CHECK(parse("2024-03-05T10:00", DT, &v) == 0 && v.v.i == cn_days_from_civil(2024, 3, 5));
    CHECK(parse("2024-03-05x", DT, &v) != 0);
    CHECK(parse("24-03-05", DT, &v) != 0);
    CHECK(parse("2024-13-01", DT, &v) != 0);
    cn_type TS = cn_type_of(CN_TIMESTAMP);
    cn_tz_set_default("UTC");
    int64_t day = cn_days_from_civil(2024, 3, 5) * CN_MICROS_PER_DAY;
    CHECK(parse("2024-03-05 10:20:30.123", TS, &v) == 0 && v.v.i == day + (10 * 3600 + 20 * 60 + 30) * CN_MICROS_PER_SECOND + 123000);
    CHECK(parse("2024-03-05T10:20", TS, &v) == 0 && v.v.i == day + (10 * 3600 + 20 * 60) * CN_MICROS_PER_SECOND);
    CHECK(parse("2024-03-05 10:20:30Z", TS, &v) == 0 && v.v.i == day + (10 * 3600 + 20 * 60 + 30) * CN_MICROS_PER_SECOND);
    CHECK(parse("2024-03-05 10:20:30+08:00", TS, &v) == 0 && v.v.i == day + (2 * 3600 + 20 * 60 + 30) * CN_MICROS_PER_SECOND);
    CHECK(parse("2024-03-05 10:20:30 America/Los_Angeles", TS, &v) == 0 && v.v.i == day + (18 * 3600 + 20 * 60 + 30) * CN_MICROS_PER_SECOND);
    CHECK(parse("2024-03-05", TS, &v) == 0 && v.v.i == day);
    CHECK(parse("2024-03-05 25:00", TS, &v) != 0);
    CHECK(parse("2024-03-05 10:20:30 Nowhere/City", TS, &v) != 0);
    cn_value s;
    CHECK(parse(" keep blanks ", cn_type_of(CN_STRING), &s) == 0 && s.v.s.len == 13);
}

TEST(decimal_helpers)
{
    char buf[64];
    cn_i128 r;
    CHECK(cn_decimal_rescale(12345, 2, 0, &r) && r == 123);
    CHECK(cn_decimal_rescale(12350, 2, 0, &r) && r == 124);
    CHECK(cn_decimal_rescale(-12350, 2, 0, &r) && r == -124);
    CHECK(cn_decimal_rescale(5, 0, 3, &r) && r == 5000);
    CHECK(!cn_decimal_rescale(cn_pow10_i128(30), 0, 20, &r));
    CHECK(cn_decimal_fits(99999, 5) && !cn_decimal_fits(100000, 5) && cn_decimal_fits(-99999, 5));
    cn_decimal_format(-(cn_i128)5, 3, buf, sizeof buf);
    CHECK_STR(buf, "-0.005");
    cn_decimal_format(cn_pow10_i128(38) - 1, 0, buf, sizeof buf);
    CHECK_STR(buf, "99999999999999999999999999999999999999");
    CHECK_DBL(cn_decimal_to_double(12345, 2), 123.45, 0);
    CHECK(cn_decimal_from_double(0.1, 38, 30, &r) && r == cn_pow10_i128(29));
    CHECK(cn_decimal_from_double(2.675, 10, 2, &r) && r == 268); /* "2.675" rounds HALF_UP */
    CHECK(!cn_decimal_from_double(1e10, 5, 0, &r));
    CHECK(!cn_decimal_from_double(NAN, 10, 0, &r));
}

TEST(dates)
{
    int y, m, d;
    CHECK_INT(cn_days_from_civil(1970, 1, 1), 0);
    CHECK_INT(cn_days_from_civil(2000, 3, 1), 11017);
    CHECK_INT(cn_days_from_civil(1969, 12, 31), -1);
    CHECK_INT(cn_days_from_civil(1, 1, 1), -719162);
    for (int32_t x = -800000; x < 800000; x += 37) {
        cn_civil_from_days(x, &y, &m, &d);
        if (cn_days_from_civil(y, m, d) != x) { CHECK(0); break; }
    }
    CHECK(cn_date_valid(2000, 2, 29) && !cn_date_valid(1900, 2, 29) && cn_date_valid(2024, 2, 29));
    int32_t jan31 = cn_days_from_civil(2024, 1, 31);
    CHECK_INT(cn_date_add_months(jan31, 1), cn_days_from_civil(2024, 2, 29));
    CHECK_INT(cn_date_add_months(cn_days_from_civil(2023, 1, 31), 1), cn_days_from_civil(2023, 2, 28));
    CHECK_INT(cn_date_add_months(jan31, -2), cn_days_from_civil(2023, 11, 30));
    CHECK_INT(cn_date_add_months(jan31, 12), cn_days_from_civil(2025, 1, 31));
    CHECK_INT(cn_date_add_months(cn_days_from_civil(1, 1, 15), -1), cn_days_from_civil(0, 12, 15));
    int32_t x = cn_days_from_civil(2024, 3, 5); /* a Tuesday */
    CHECK_INT(cn_date_dayofweek(x), 3);
    CHECK_INT(cn_date_dayofweek(0), 5); /* Thursday */
    CHECK_INT(cn_date_dayofyear(x), 31 + 29 + 5);
    CHECK_INT(cn_date_quarter(x), 1);
    CHECK_INT(cn_date_year(x), 2024);
    CHECK_INT(cn_date_month(x), 3);
    CHECK_INT(cn_date_day(x), 5);
    char buf[32];
    cn_format_date(cn_days_from_civil(10000, 1, 1), buf, sizeof buf);
    CHECK_STR(buf, "+10000-01-01");
}

TEST(time_zones)
{
    const int64_t H = 3600 * CN_MICROS_PER_SECOND;
    int64_t jan = cn_days_from_civil(2024, 1, 15) * CN_MICROS_PER_DAY;
    int64_t jul = cn_days_from_civil(2024, 7, 15) * CN_MICROS_PER_DAY;
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", jan), -8 * H);
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", jul), -7 * H);
    /* DST 2024 starts 2024-03-10 10:00 UTC (2:00 PST), ends 2024-11-03 09:00 UTC (2:00 PDT) */
    int64_t mar10 = cn_days_from_civil(2024, 3, 10) * CN_MICROS_PER_DAY;
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", mar10 + 10 * H - 1), -8 * H);
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", mar10 + 10 * H), -7 * H);
    int64_t nov3 = cn_days_from_civil(2024, 11, 3) * CN_MICROS_PER_DAY;
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", nov3 + 9 * H - 1), -7 * H);
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", nov3 + 9 * H), -8 * H);
    /* far future follows the POSIX rule / fat-file transitions */
    int64_t jul2100 = (int64_t)cn_days_from_civil(2100, 7, 1) * CN_MICROS_PER_DAY;
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", jul2100), -7 * H);
    int64_t jan2100 = (int64_t)cn_days_from_civil(2100, 1, 1) * CN_MICROS_PER_DAY;
    CHECK_INT(cn_tz_offset_micros("America/Los_Angeles", jan2100), -8 * H);
    CHECK_INT(cn_tz_offset_micros("Australia/Sydney", jan2100), 11 * H);
    CHECK_INT(cn_tz_offset_micros("Australia/Sydney", jul2100), 10 * H);
    CHECK_INT(cn_tz_offset_micros("Asia/Kolkata", jan), 5 * H + 30 * 60 * CN_MICROS_PER_SECOND);
    CHECK_INT(cn_tz_offset_micros("UTC", jan), 0);
    CHECK_INT(cn_tz_offset_micros("+08:00", jan), 8 * H);
    CHECK_INT(cn_tz_offset_micros("-07:00", jan), -7 * H);
    CHECK_INT(cn_tz_offset_micros("GMT+8", jan), 8 * H);
    CHECK_INT(cn_tz_offset_micros("UTC-0530", jan), -(5 * H + 30 * 60 * CN_MICROS_PER_SECOND));
    CHECK(!cn_tz_valid("Nowhere/City"));
    CHECK(!cn_tz_valid("../../etc/passwd"));
    CHECK_INT(cn_tz_offset_micros("Nowhere/City", jan), 0);
    /* local -> UTC: gap shifts forward, overlap takes the earlier offset */
    const cn_tz *la = cn_tz_get("America/Los_Angeles");
    CHECK_INT(cn_tz_local_to_utc(la, mar10 + 2 * H + H / 2), mar10 + 10 * H + H / 2);
    CHECK_INT(cn_tz_local_to_utc(la, nov3 + 1 * H + H / 2), nov3 + 8 * H + H / 2);
    CHECK_INT(cn_tz_local_to_utc(la, jan + 12 * H), jan + 20 * H);
    char buf[64];
    cn_format_timestamp(nov3 + 9 * H, "America/Los_Angeles", buf, sizeof buf);
    CHECK_STR(buf, "2024-11-03 01:00:00");
    cn_format_timestamp(jul + 123456, "Asia/Tokyo", buf, sizeof buf);
    CHECK_STR(buf, "2024-07-15 09:00:00.123456");
}

/* Spark's datetime patterns ("Datetime Patterns for Formatting and Parsing"): optional sections,
 * offsets and zone ids, and the 1..n fraction digits n 'S' accept when parsing. */
static int dtp(const char *s, const char *pat, cn_dt_parsed *p)
{
    char msg[256];
    return cn_dt_parse(s, strlen(s), pat, strlen(pat), p, msg, sizeof msg);
}

TEST(datetime_patterns)
{
    const int64_t S = CN_MICROS_PER_SECOND, T0 = 1577934245LL * S; /* 2020-01-02 03:04:05 */
    cn_dt_parsed p;
    CHECK_INT(dtp("31/12/2019", "dd/MM/yyyy", &p), 0);
    CHECK_INT(p.local, 18261LL * CN_MICROS_PER_DAY);
    CHECK(!cn_dt_parsed_has_zone(&p));
    CHECK_INT(dtp("2019-12-31", "dd/MM/yyyy", &p), 1);
    CHECK_INT(dtp("29/02/2019", "dd/MM/yyyy", &p), 1);
    CHECK_INT(dtp("29/02/2020", "dd/MM/yyyy", &p), 0);
    CHECK_INT(p.local, 18321LL * CN_MICROS_PER_DAY);
    /* Spark's default CSV timestampFormat */
    const char *iso = "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]";
    CHECK_INT(dtp("2020-01-02T03:04:05", iso, &p), 0);
    CHECK_INT(p.local, T0);
    CHECK(!p.has_offset);
    CHECK_INT(dtp("2020-01-02T03:04:05.1", iso, &p), 0);
    CHECK_INT(p.local, T0 + 100000);
    CHECK_INT(dtp("2020-01-02T03:04:05.123+01:30", iso, &p), 0);
    CHECK_INT(p.local, T0 + 123000);
    CHECK(p.has_offset);
    CHECK_INT(p.offset, 5400 * S);
    CHECK_INT(cn_dt_parsed_to_utc(&p, NULL), T0 + 123000 - 5400 * S);
    CHECK_INT(dtp("2020-01-02T03:04:05Z", iso, &p), 0);
    CHECK(p.has_offset && p.offset == 0);
    CHECK_INT(dtp("2020-01-02T03:04:05.1234", iso, &p), 1); /* at most 3 fraction digits */
    CHECK_INT(dtp("2020-01-02T03:04:05+0100", iso, &p), 1); /* XXX wants the colon */
    /* Z: +HHMM; x: no 'Z'; ZZZZ: localized GMT */
    CHECK_INT(dtp("2020-01-02 03:04:05 -0800", "yyyy-MM-dd HH:mm:ss Z", &p), 0);
    CHECK_INT(p.offset, -8 * 3600 * S);
    CHECK_INT(dtp("2020-01-02 03:04:05 Z", "yyyy-MM-dd HH:mm:ss x", &p), 1);
    CHECK_INT(dtp("2020-01-02 03:04:05 GMT+08:00", "yyyy-MM-dd HH:mm:ss ZZZZ", &p), 0);
    CHECK_INT(p.offset, 8 * 3600 * S);
    CHECK_INT(dtp("2020-01-02 03:04:05 +05", "yyyy-MM-dd HH:mm:ss X", &p), 0);
    CHECK_INT(p.offset, 5 * 3600 * S);
    /* a zone id */
    CHECK_INT(dtp("2020-01-02 03:04:05 UTC", "yyyy-MM-dd HH:mm:ss VV", &p), 0);
    CHECK(p.zone != NULL);
    CHECK_INT(cn_dt_parsed_to_utc(&p, NULL), T0);
    CHECK_INT(dtp("2020-01-02 03:04:05 GMT-7", "yyyy-MM-dd HH:mm:ss O", &p), 0);
    CHECK_INT(p.offset, -7 * 3600 * S);
    CHECK_INT(dtp("2020-01-02 03:04:05 Europe/Paris", "yyyy-MM-dd HH:mm:ss z", &p), 0);
    CHECK_INT(cn_dt_parsed_to_utc(&p, NULL), T0 - 3600 * S); /* CET in January */
    CHECK_INT(dtp("2020-01-02 03:04:05 Nowhere/Atlantis", "yyyy-MM-dd HH:mm:ss VV", &p), 1);
    CHECK(cn_dt_pattern_parsable("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]", 32));
    CHECK(!cn_dt_pattern_parsable("yyyy-MM-dd fo", 13)); /* unknown letters */
    CHECK(!cn_dt_pattern_parsable("yyyy-ww", 7));        /* week-based: not in Spark 3+ */
    /* years beyond what micros since 1970 hold (found by the csv fuzz target: signed overflow) */
    CHECK_INT(dtp("31/12/1209220", "dd/MM/yyyy", &p), 1);
    CHECK_INT(dtp("294247-01-10", "yyyy-MM-dd", &p), 0);
    CHECK_INT(dtp("294247-01-11", "yyyy-MM-dd", &p), 1);
    CHECK_INT(dtp("-290308-12-21", "yyyyyyy-MM-dd", &p), 1);
    /* nested optional sections */
    CHECK_INT(dtp("2020-01-02", "yyyy-MM-dd[ HH:mm[:ss]]", &p), 0);
    CHECK_INT(dtp("2020-01-02 03:04", "yyyy-MM-dd[ HH:mm[:ss]]", &p), 0);
    CHECK_INT(p.local, T0 - 5 * S);
    CHECK_INT(dtp("2020-01-02 03:04:05", "yyyy-MM-dd[ HH:mm[:ss]]", &p), 0);
    CHECK_INT(p.local, T0);
    CHECK_INT(dtp("2020-01-02 03", "yyyy-MM-dd[ HH:mm[:ss]]", &p), 1); /* the section reads nothing */
    CHECK_INT(dtp("2020-01-02", "yyyy-MM-dd[ HH", &p), 2);             /* an unclosed section */
    CHECK_INT(dtp("2020-01-02", "yyyy-MM-dd]", &p), 2);
    /* formatting prints an optional section's fields */
    char buf[64];
    cn_dt_format(T0, "yyyy-MM-dd[ HH:mm]", 18, buf, sizeof buf);
    CHECK_STR(buf, "2020-01-02 03:04");
}
