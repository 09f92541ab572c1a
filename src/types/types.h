/*
 * types.h — Spark SQL data types.
 *
 * A cn_type is a small value (kind + precision/scale for DECIMAL). Each kind
 * has one physical representation in vectors (cn_phys):
 *
 *   BOOLEAN      uint8_t (0/1)          DATE         int32_t days since 1970-01-01
 *   TINYINT      int8_t                 TIMESTAMP    int64_t microseconds since epoch, UTC
 *   SMALLINT     int16_t                INTERVAL_YM  int32_t months
 *   INT          int32_t                INTERVAL_DT  int64_t microseconds
 *   BIGINT       int64_t                STRING       cn_str (16-byte view, see vector.h)
 *   FLOAT        float                  NULL         uint8_t (always invalid)
 *   DOUBLE       double
 *   DECIMAL(p,s) int64_t unscaled when p <= 18, __int128 unscaled when p > 18
 *   TIMESTAMP_NTZ int64_t microseconds of the local date-time read as UTC (no zone)
 *
 * Type names print as Spark prints them in schemas: "int", "bigint",
 * "decimal(12,2)", "string", "date", "timestamp", "interval day", ...
 */
#ifndef CN_TYPES_H
#define CN_TYPES_H

#include "base/base.h"

typedef enum cn_kind {
    CN_NULL = 0,
    CN_BOOLEAN,
    CN_TINYINT,
    CN_SMALLINT,
    CN_INT,
    CN_BIGINT,
    CN_FLOAT,
    CN_DOUBLE,
    CN_DECIMAL,
    CN_STRING,
    CN_DATE,
    CN_TIMESTAMP,
    CN_INTERVAL_YM,
    CN_INTERVAL_DT,
    CN_TIMESTAMP_NTZ, /* int64_t microseconds of a local date-time (no time zone), as in UTC */
    CN_KIND_COUNT
} cn_kind;

typedef enum cn_phys {
    CN_PHYS_U8,   /* BOOLEAN, NULL */
    CN_PHYS_I8,
    CN_PHYS_I16,
    CN_PHYS_I32,  /* INT, DATE, INTERVAL_YM */
    CN_PHYS_I64,  /* BIGINT, TIMESTAMP, INTERVAL_DT, DECIMAL(p<=18) */
    CN_PHYS_I128, /* DECIMAL(p>18) */
    CN_PHYS_F32,
    CN_PHYS_F64,
    CN_PHYS_STR
} cn_phys;

typedef struct cn_type {
    uint8_t kind;      /* cn_kind */
    uint8_t precision; /* DECIMAL only */
    uint8_t scale;     /* DECIMAL only; for INTERVAL_DT/YM: start/end field (see datetime.h) */
    uint8_t scale2;    /* INTERVAL: end field */
} cn_type;

/* Interval fields (Spark's YearMonthIntervalType / DayTimeIntervalType field ids), kept in
 * cn_type.scale (start) and cn_type.scale2 (end; end <= start means a single field). */
enum { CN_IV_YEAR = 0, CN_IV_MONTH = 1 };
enum { CN_IV_DAY = 0, CN_IV_HOUR = 1, CN_IV_MINUTE = 2, CN_IV_SECOND = 3 };

#define CN_MAX_PRECISION 38
#define CN_DECIMAL64_MAX_PRECISION 18

static inline cn_type cn_type_of(cn_kind k) { cn_type t = {(uint8_t)k, 0, 0, 0}; return t; }
static inline cn_type cn_type_decimal(int p, int s) { cn_type t = {CN_DECIMAL, (uint8_t)p, (uint8_t)s, 0}; return t; }
static inline bool cn_type_eq(cn_type a, cn_type b)
{
    return a.kind == b.kind && a.precision == b.precision && a.scale == b.scale && a.scale2 == b.scale2;
}

cn_phys cn_type_phys(cn_type t);
/* Bytes per element of the physical representation (16 for strings). */
int cn_type_width(cn_type t);
bool cn_type_is_numeric(cn_type t);   /* tinyint..decimal */
bool cn_type_is_integral(cn_type t);  /* tinyint..bigint */
/* Spark's catalog string: "int", "decimal(10,2)", "string", "interval day to second". */
const char *cn_type_name(cn_type t, char *buf, size_t cap);
/* Spark's upper-case SQL name used in error messages: "INT", "DECIMAL(10,2)", "STRING". */
const char *cn_type_sql_name(cn_type t, char *buf, size_t cap);
/* Parse a SQL type name ("int", "integer", "decimal(10, 2)", "varchar(10)", "long", ...). */
int cn_type_parse(const char *s, cn_type *out);

/* Decimal type of an integral type for arithmetic widening: INT -> DECIMAL(10,0), BIGINT -> (20,0). */
cn_type cn_type_decimal_for(cn_type t);
/* Spark's DecimalType.bounded / adjustPrecisionScale (allowPrecisionLoss = true). */
cn_type cn_decimal_adjust(int precision, int scale);
/* Result types of Spark's decimal arithmetic (DecimalPrecision rule). */
cn_type cn_decimal_add_type(cn_type a, cn_type b);
cn_type cn_decimal_mul_type(cn_type a, cn_type b);
cn_type cn_decimal_div_type(cn_type a, cn_type b);
cn_type cn_decimal_mod_type(cn_type a, cn_type b);
cn_type cn_decimal_sum_type(cn_type a); /* SUM: DECIMAL(min(38, p+10), s) */
cn_type cn_decimal_avg_type(cn_type a); /* AVG: DECIMAL(min(38, p+4), min(38, s+4)) bounded */

/* Widest common type for comparisons / UNION / CASE / IN (Spark's findWiderTypeForTwo). ok=false if none. */
cn_type cn_type_wider(cn_type a, cn_type b, bool *ok);

#endif
