/*
 * dt_pattern.h — Spark's datetime patterns ("Datetime Patterns for Formatting
 * and Parsing"): formatting and parsing of dates and timestamps with a
 * pattern such as "dd/MM/yyyy HH:mm[:ss][.SSS][XXX]". Shared by the SQL
 * functions (date_format, to_date, to_timestamp) and the CSV reader.
 */
#ifndef CN_DT_PATTERN_H
#define CN_DT_PATTERN_H

#include "types/datetime.h"

/* Format local wall-clock micros with a pattern; returns the length written (NUL-terminated). */
int cn_dt_format(int64_t local_micros, const char *pat, size_t pn, char *buf, int cap);

/* What a pattern read from a text: the local date-time, and the zone if the text named one
 * (an offset X/x/Z, or a zone id VV). */
typedef struct cn_dt_parsed {
    int64_t local;     /* wall-clock micros since 1970-01-01 00:00 */
    bool has_offset;   /* an offset was read: offset holds it */
    int64_t offset;    /* micros east of UTC */
    const cn_tz *zone; /* a zone id was read (VV), else NULL */
} cn_dt_parsed;

/* Parse the whole text with a pattern: 0 ok, 1 no match or an invalid value (java.time's
 * message in msg), 2 a pattern letter or shape that is not supported. */
int cn_dt_parse(const char *s, size_t n, const char *pat, size_t pn, cn_dt_parsed *out, char *msg, int cap);
/* The UTC instant of a parsed text: its own offset or zone, else session_zone (NULL = UTC). */
int64_t cn_dt_parsed_to_utc(const cn_dt_parsed *p, const cn_tz *session_zone);
/* True when the text named a zone or offset. */
static inline bool cn_dt_parsed_has_zone(const cn_dt_parsed *p) { return p->has_offset || p->zone; }

/* Can cn_dt_parse read with this pattern (known letters, balanced sections and quotes)? */
bool cn_dt_pattern_parsable(const char *pat, size_t pn);
/* Patterns only the legacy parser knew (5 x G/M/L/E/Q/q): Spark's DATETIME_PATTERN_RECOGNITION. */
bool cn_dt_pattern_legacy_only(const char *pat, size_t pn);

#endif
