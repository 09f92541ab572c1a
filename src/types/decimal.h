/*
 * decimal.h — DECIMAL(p,s) helpers on 128-bit unscaled integers.
 */
#ifndef CN_DECIMAL_H
#define CN_DECIMAL_H

#include "types/value.h"

/* 10^n for n in 0..38. */
cn_i128 cn_pow10_i128(int n);
/* True when |v| fits in `precision` digits. */
bool cn_decimal_fits(cn_i128 v, int precision);
/* Rescale v from scale `from` to scale `to`, rounding HALF_UP when shrinking.
 * Returns false on overflow of 128 bits. */
bool cn_decimal_rescale(cn_i128 v, int from, int to, cn_i128 *out);
/* Text of an unscaled value with scale s ("-12.50"). Returns length. */
int cn_decimal_format(cn_i128 v, int scale, char *buf, int cap);
/* Parse decimal text ("12.5", "-1e3") into unscaled at scale s, HALF_UP. -1 on error or overflow of precision p. */
int cn_decimal_parse(const char *s, size_t len, int p, int sc, cn_i128 *out);
/* Unscaled decimal to double. */
double cn_decimal_to_double(cn_i128 v, int scale);
/* Double to unscaled decimal at scale s, HALF_UP; false if it does not fit precision p. */
bool cn_decimal_from_double(double d, int p, int s, cn_i128 *out);

#endif
