/*
 * datetime.h — dates, timestamps and intervals (proleptic Gregorian, as Spark 3+).
 */
#ifndef CN_DATETIME_H
#define CN_DATETIME_H

#include "base/base.h"

#define CN_MICROS_PER_SECOND 1000000LL
#define CN_MICROS_PER_DAY (86400LL * CN_MICROS_PER_SECOND)

/* Days since 1970-01-01 of a civil date, and back. */
int32_t cn_days_from_civil(int y, int m, int d);
/* The same for any year, without narrowing: callers check the result fits a DATE (int32). */
int64_t cn_days_from_civil64(int64_t y, int m, int d);
void cn_civil_from_days(int32_t days, int *y, int *m, int *d);
bool cn_date_valid(int y, int m, int d);

/* Parse "yyyy-MM-dd" (and Spark's accepted forms: "yyyy", "yyyy-MM", "yyyy-MM-dd ...", trailing 'T...').
 * 0 ok, -1 malformed. */
int cn_parse_date(const char *s, size_t len, int32_t *days);
/* Parse a timestamp "yyyy-MM-dd[ HH:mm:ss[.ffffff]][zone]" as local time in time zone tz. */
int cn_parse_timestamp(const char *s, size_t len, const char *tz, int64_t *micros);
/* "yyyy-MM-dd" (11 bytes with NUL). Returns length. */
int cn_format_date(int32_t days, char *buf, int cap);
/* "yyyy-MM-dd HH:mm:ss[.fraction without trailing zeros]" in time zone tz. */
int cn_format_timestamp(int64_t micros, const char *tz, char *buf, int cap);

/* Add months to a date, clamping the day to the month's end (Spark's add_months). */
int32_t cn_date_add_months(int32_t days, int months);
/* add_months with any count: 0 and *out, or -1 when the date leaves DATE's int32 days. */
int cn_date_add_months_checked(int32_t days, int64_t months, int32_t *out);
/* Extract fields. */
int cn_date_year(int32_t days);
int cn_date_month(int32_t days);
int cn_date_day(int32_t days);
int cn_date_quarter(int32_t days);
int cn_date_dayofweek(int32_t days); /* 1 = Sunday .. 7 = Saturday */
int cn_date_dayofyear(int32_t days);

/* Offset of time zone tz from UTC at a UTC instant, in microseconds ("UTC", "+08:00",
 * or an IANA name read from the system zoneinfo). */
int64_t cn_tz_offset_micros(const char *tz, int64_t utc_micros);

/* Resolved time zones (cached for the life of the process; thread-safe). Look a zone up once
 * per batch with cn_tz_get, then call cn_tz_offset per row. NULL or "" = the default zone;
 * returns NULL for an unknown name (the offset functions treat NULL as UTC). */
typedef struct cn_tz cn_tz;
const cn_tz *cn_tz_get(const char *name);
bool cn_tz_valid(const char *name);
int64_t cn_tz_offset(const cn_tz *z, int64_t utc_micros);
/* Local wall-clock micros to UTC (Java's rules: earlier offset in overlaps, shift forward in gaps). */
int64_t cn_tz_local_to_utc(const cn_tz *z, int64_t local_micros);
/* Session time zone used when none is given (spark.sql.session.timeZone). Default: $TZ, else
 * /etc/timezone, else "UTC". */
void cn_tz_set_default(const char *name);
const char *cn_tz_default(void);

#endif
