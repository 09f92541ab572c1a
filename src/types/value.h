/*
 * value.h — scalar values, and converting values to and from text.
 *
 * A cn_value is one typed datum (a literal, a folded constant, a row of an
 * inline table). Strings point into an arena or static memory.
 *
 * Text forms follow Spark's CAST(x AS STRING): decimals with their full scale
 * ("1.50"), doubles as Java prints them ("1.0", "1.0E10", "NaN", "Infinity"),
 * dates "yyyy-MM-dd", timestamps "yyyy-MM-dd HH:mm:ss[.ffffff]" in the
 * session time zone, booleans "true"/"false", intervals
 * "INTERVAL '3' DAY" style.
 */
#ifndef CN_VALUE_H
#define CN_VALUE_H

#include "base/arena.h"
#include "base/error.h"
#include "types/types.h"
#include "types/vector.h"

typedef __int128 cn_i128;

typedef struct cn_value {
    cn_type type;
    bool is_null;
    union {
        bool b;
        int64_t i;   /* all integral kinds, DATE, TIMESTAMP, intervals, DECIMAL(p<=18) unscaled */
        cn_i128 d;   /* DECIMAL(p>18) unscaled */
        double f;    /* FLOAT, DOUBLE */
        cn_str s;    /* STRING */
    } v;
} cn_value;

static inline cn_value cn_value_null(cn_type t) { cn_value x; memset(&x, 0, sizeof x); x.type = t; x.is_null = true; return x; }

/* Read row i of vector v into a value (no string copy). */
cn_value cn_value_from_vector(const cn_vector *v, int i);
/* Write value into row i of vector v (types must have the same physical type). */
void cn_value_to_vector(const cn_value *x, cn_vector *v, int i, cn_arena *a);
/* Unscaled decimal as 128 bits, whatever the precision. */
cn_i128 cn_value_decimal(const cn_value *x);

/* Spark's CAST(x AS STRING) text, into arena a. NULL prints as "NULL". */
const char *cn_value_to_string(const cn_value *x, cn_arena *a);
/* Same, into a caller buffer; returns the full length of the text (as snprintf: when it is
 * >= cap the text was cut to fit and the caller may retry with a larger buffer). NUL-terminated
 * when the text fits with room for the NUL. */
int cn_format_value(const cn_vector *v, int row, char *buf, int cap);

/* Parse text as type t following Spark's cast-from-string rules (trims blanks).
 * Returns 0 on success, -1 if malformed (no error object: callers decide between
 * NULL and [CAST_INVALID_INPUT]). */
int cn_parse_as(const char *s, size_t len, cn_type t, cn_value *out, cn_arena *a);

/* Compare two non-null values of the same type (-1, 0, 1). */
int cn_value_cmp(const cn_value *a, const cn_value *b);

#endif
