/*
 * string_fns.c — string functions on UTF-8 (lengths and positions count
 * characters, as Spark's UTF8String does) and LIKE.
 *
 * Results that are a slice of an input (substring, trim) are views into the
 * input's bytes, which live as long as the batch; new strings are built in
 * the evaluation arena. LIKE patterns are compiled once into a small
 * matcher: exact / prefix / suffix / contains / ordered segments for
 * patterns of '%' and literals (memcmp / memmem), and a backtracking
 * wildcard matcher when '_' appears. A literal pattern is compiled when the
 * CN_EX_LIKE node is built (cached on the node) or once per batch.
 */
#define _GNU_SOURCE
#include "expr/expr_internal.h"

#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <wctype.h>

/* ---- UTF-8 helpers ------------------------------------------------------------ */

static inline bool cont_byte(unsigned char c) { return (c & 0xC0) == 0x80; }

static int utf8_chars(const char *s, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++) c += !cont_byte((unsigned char)s[i]);
    return c;
}

/* Byte offset of character k (clamped to n). */
static size_t utf8_offset(const char *s, size_t n, int64_t k)
{
    size_t i = 0;
    while (k > 0 && i < n) {
        i++;
        while (i < n && cont_byte((unsigned char)s[i])) i++;
        k--;
    }
    return i;
}

/* Decode one code point at s[*i] (invalid bytes pass through as themselves: -1 - byte). */
static int32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || *i + (size_t)len > n) { (*i)++; return -1 - c; }
    int32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; k++) {
        if (!cont_byte(s[*i + (size_t)k])) { (*i)++; return -1 - c; }
        cp = (cp << 6) | (s[*i + (size_t)k] & 0x3F);
    }
    *i += (size_t)len;
    return cp;
}

static size_t utf8_put(char *o, int32_t cp)
{
    if (cp < 0) { o[0] = (char)(-1 - cp); return 1; }
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Unicode simple case mapping from the C.UTF-8 locale's tables (a private locale object: the
 * process locale is untouched); ASCII only when the system has no such locale. */
static locale_t case_locale;
static pthread_once_t case_once = PTHREAD_ONCE_INIT;
static void case_init(void)
{
    case_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!case_locale) case_locale = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
}

/* upper/lower as Java's String.toUpperCase/toLowerCase (ASCII fast path; U+00DF -> "SS"). */
static size_t change_case(const char *p, size_t len, bool upper, char *buf)
{
    size_t o = 0, i = 0;
    bool ascii = true;
    for (size_t k = 0; k < len; k++)
        if ((unsigned char)p[k] >= 0x80) { ascii = false; break; }
    if (ascii) {
        for (size_t k = 0; k < len; k++) buf[k] = (char)(upper ? toupper((unsigned char)p[k]) : tolower((unsigned char)p[k]));
        return len;
    }
    pthread_once(&case_once, case_init);
    while (i < len) {
        int32_t cp = utf8_next((const unsigned char *)p, len, &i);
        if (cp >= 0x80 && upper && cp == 0xDF) { buf[o++] = 'S'; buf[o++] = 'S'; continue; }
        if (!upper && cp == 0x130) { buf[o++] = 'i'; o += utf8_put(buf + o, 0x307); continue; }
        if (cp >= 0 && cp < 0x80) cp = upper ? toupper(cp) : tolower(cp);
        else if (cp >= 0 && case_locale) cp = (int32_t)(upper ? towupper_l((wint_t)cp, case_locale) : towlower_l((wint_t)cp, case_locale));
        o += utf8_put(buf + o, cp);
    }
    return o;
}

static cn_str mkstr(cn_arena *a, const char *p, size_t len)
{
    if (len <= CN_STR_INLINE) return cn_str_view(p, (uint32_t)len);
    return cn_str_view(cn_arena_memdup(a, p, len), (uint32_t)len);
}

#define S_AT(x, i) (&((const cn_str *)(x)->v.data)[EVI(x, i)])
#define I_AT(x, i) (((const int32_t *)(x)->v.data)[EVI(x, i)])

/* ---- LIKE ------------------------------------------------------------------------ */

enum { LK_EXACT, LK_PREFIX, LK_SUFFIX, LK_CONTAINS, LK_SEGMENTS, LK_WILD };

struct ex_like_pat {
    int kind;
    char *lit;      /* unescaped literal for EXACT/PREFIX/SUFFIX/CONTAINS */
    size_t litlen;
    /* SEGMENTS: nseg literals; anchored_start/end */
    int nseg;
    char **seg;
    size_t *seglen;
    bool anch_start, anch_end;
    /* WILD: tokens: byte >= 0 literal, -1 '_', -2 '%' */
    int *tok;
    int ntok;
};

ex_like_pat *ex_like_compile(cn_arena *a, const char *pat, size_t len, char escape, cn_error *err)
{
    ex_like_pat *p = cn_arena_calloc(a, sizeof *p);
    p->tok = cn_arena_alloc(a, sizeof(int) * (len + 1));
    bool has_one = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pat[i];
        if (c == (unsigned char)escape) {
            if (i + 1 >= len) {
                return cn_error_set(err, "INVALID_FORMAT.ESC_AT_THE_END", "format", cn_arena_strndup(a, pat, len), NULL),
                       (ex_like_pat *)NULL;
            }
            unsigned char nx = (unsigned char)pat[i + 1];
            if (nx != '_' && nx != '%' && nx != (unsigned char)escape) {
                char ch[2] = {(char)nx, 0};
                return cn_error_set(err, "INVALID_FORMAT.ESC_IN_THE_MIDDLE", "char", ch, "format",
                                    cn_arena_strndup(a, pat, len), NULL),
                       (ex_like_pat *)NULL;
            }
            p->tok[p->ntok++] = nx;
            i++;
        } else if (c == '%') {
            if (p->ntok == 0 || p->tok[p->ntok - 1] != -2) p->tok[p->ntok++] = -2;
        } else if (c == '_') {
            p->tok[p->ntok++] = -1;
            has_one = true;
        } else {
            p->tok[p->ntok++] = c;
        }
    }
    if (has_one) {
        p->kind = LK_WILD;
        return p;
    }
    /* split into literal segments at '%' */
    p->seg = cn_arena_alloc(a, sizeof(char *) * (size_t)(p->ntok + 1));
    p->seglen = cn_arena_alloc(a, sizeof(size_t) * (size_t)(p->ntok + 1));
    p->anch_start = p->ntok == 0 || p->tok[0] != -2;
    p->anch_end = p->ntok == 0 || p->tok[p->ntok - 1] != -2;
    int i = 0;
    while (i < p->ntok) {
        if (p->tok[i] == -2) { i++; continue; }
        int j = i;
        while (j < p->ntok && p->tok[j] != -2) j++;
        char *s = cn_arena_alloc(a, (size_t)(j - i + 1));
        for (int k = i; k < j; k++) s[k - i] = (char)p->tok[k];
        p->seg[p->nseg] = s;
        p->seglen[p->nseg++] = (size_t)(j - i);
        i = j;
    }
    bool any_pct = false;
    for (int k = 0; k < p->ntok; k++)
        if (p->tok[k] == -2) any_pct = true;
    if (!any_pct) {
        p->kind = LK_EXACT;
    } else if (p->nseg == 0) {
        p->kind = LK_CONTAINS; /* "%": matches everything */
    } else if (p->nseg == 1 && p->anch_start) {
        p->kind = LK_PREFIX;
    } else if (p->nseg == 1 && p->anch_end) {
        p->kind = LK_SUFFIX;
    } else if (p->nseg == 1) {
        p->kind = LK_CONTAINS;
    } else {
        p->kind = LK_SEGMENTS;
    }
    if (p->nseg > 0) {
        p->lit = p->seg[0];
        p->litlen = p->seglen[0];
    } else {
        p->lit = "";
        p->litlen = 0;
    }
    return p;
}

static bool wild_match(const int *tok, int ntok, const unsigned char *s, size_t n)
{
    int ti = 0, star_t = -1;
    size_t si = 0, star_s = 0;
    while (si < n) {
        if (ti < ntok && tok[ti] == -1) {
            si++;
            while (si < n && cont_byte(s[si])) si++;
            ti++;
        } else if (ti < ntok && tok[ti] >= 0 && tok[ti] == s[si]) {
            si++;
            ti++;
        } else if (ti < ntok && tok[ti] == -2) {
            star_t = ti++;
            star_s = si;
        } else if (star_t >= 0) {
            ti = star_t + 1;
            star_s++;
            while (star_s < n && cont_byte(s[star_s])) star_s++;
            si = star_s;
        } else {
            return false;
        }
    }
    while (ti < ntok && tok[ti] == -2) ti++;
    return ti == ntok;
}

bool ex_like_match(const ex_like_pat *p, const char *s, size_t n)
{
    switch (p->kind) {
    case LK_EXACT: return n == p->litlen && memcmp(s, p->lit, n) == 0;
    case LK_PREFIX: return n >= p->litlen && memcmp(s, p->lit, p->litlen) == 0;
    case LK_SUFFIX: return n >= p->litlen && memcmp(s + n - p->litlen, p->lit, p->litlen) == 0;
    case LK_CONTAINS: return p->litlen == 0 || memmem(s, n, p->lit, p->litlen) != NULL;
    case LK_SEGMENTS: {
        size_t pos = 0, end = n;
        int first = 0, last = p->nseg - 1;
        if (p->anch_start) {
            if (n < p->seglen[0] || memcmp(s, p->seg[0], p->seglen[0]) != 0) return false;
            pos = p->seglen[0];
            first = 1;
        }
        if (p->anch_end) {
            size_t l = p->seglen[last];
            if (end < pos + l || memcmp(s + end - l, p->seg[last], l) != 0) return false;
            end -= l;
            last--;
        }
        for (int k = first; k <= last; k++) {
            if (end < pos) return false;
            const char *f = memmem(s + pos, end - pos, p->seg[k], p->seglen[k]);
            if (!f) return false;
            pos = (size_t)(f - s) + p->seglen[k];
        }
        return pos <= end;
    }
    default: return wild_match(p->tok, p->ntok, (const unsigned char *)s, n);
    }
}

int ex_like(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    const ev *S = args[0], *P = args[1];
    ev_alloc(out, cn_type_of(CN_BOOLEAN), n, ctx->arena);
    ev_merge_validity(&out->v, n, args, 2, ctx->arena);
    uint8_t *o = out->v.data;
    if (P->cst) {
        if (!cn_vec_valid(&P->v, 0)) return 0;
        const ex_like_pat *pat = e->subq;
        if (!pat) {
            const cn_str *ps = S_AT(P, 0);
            pat = ex_like_compile(ctx->arena, cn_str_data(ps), ps->len, e->escape, err);
            if (!pat) return -1;
        }
        const cn_str *d = S->v.data;
        if (S->cst) {
            o[0] = ex_like_match(pat, cn_str_data(&d[0]), d[0].len);
            return 0;
        }
        /* a NULL row's view may be garbage: never read it */
        for (int i = 0; i < n; i++)
            if (cn_vec_valid(&out->v, i)) o[i] = ex_like_match(pat, cn_str_data(&d[i]), d[i].len);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (!cn_vec_valid(&out->v, i)) continue;
        const cn_str *ps = S_AT(P, i), *ss = S_AT(S, i);
        ex_like_pat *pat = ex_like_compile(ctx->arena, cn_str_data(ps), ps->len, e->escape, err);
        if (!pat) return -1;
        o[i] = ex_like_match(pat, cn_str_data(ss), ss->len);
    }
    return 0;
}

/* ---- functions -------------------------------------------------------------------- */

static bool is_ws(char c) { return c == ' '; }

static cn_str trim_str(const cn_str *x, const cn_str *chars, bool left, bool right)
{
    const char *p = cn_str_data(x);
    size_t b = 0, e = x->len;
    if (!chars) {
        if (left) while (b < e && is_ws(p[b])) b++;
        if (right) while (e > b && is_ws(p[e - 1])) e--;
    } else {
        const char *c = cn_str_data(chars);
        size_t cl = chars->len;
        if (left) while (b < e && memchr(c, p[b], cl)) b++;
        if (right) while (e > b && memchr(c, p[e - 1], cl)) e--;
    }
    return cn_str_view(p + b, (uint32_t)(e - b));
}

static int64_t find_char_pos(const char *s, size_t n, const char *sub, size_t m)
{
    if (m == 0) return 1;
    const char *f = memmem(s, n, sub, m);
    if (!f) return 0;
    return utf8_chars(s, (size_t)(f - s)) + 1;
}

/* The largest string a function builds: a user controls lpad's length or repeat's count, so
 * the size is checked before allocating. Spark keeps a string in one byte array and fails
 * beyond the JVM's array limit; Cinder's bound per value is 1 GiB. */
#define STRING_MAX_BYTES ((int64_t)1 << 30)

static int err_string_size(cn_error *err, const char *fn, int64_t bytes)
{
    char n[32], lim[32], f[48];
    snprintf(n, sizeof n, "%lld", (long long)bytes);
    snprintf(lim, sizeof lim, "%lld", (long long)STRING_MAX_BYTES);
    snprintf(f, sizeof f, "`%s`", fn);
    return cn_error_set(err, "COLLECTION_SIZE_LIMIT_EXCEEDED.FUNCTION", "numberOfElements", n,
                        "maxRoundedArrayLength", lim, "functionName", f, NULL);
}

/* lpad/rpad: 0 with *out set, or -1 when the result would pass STRING_MAX_BYTES */
static int pad(cn_arena *a, const cn_str *x, int64_t len, const cn_str *padding, bool left, cn_str *out,
               cn_error *err)
{
    const char *p = cn_str_data(x);
    int chars = utf8_chars(p, x->len);
    if (len <= 0) {
        *out = cn_str_view("", 0);
        return 0;
    }
    if (len <= chars) {
        size_t off = utf8_offset(p, x->len, len);
        *out = mkstr(a, p, off);
        return 0;
    }
    const char *pp = padding ? cn_str_data(padding) : " ";
    size_t pl = padding ? padding->len : 1;
    if (pl == 0) {
        *out = mkstr(a, p, x->len);
        return 0;
    }
    int64_t need = len - chars;
    int pchars = utf8_chars(pp, pl);
    /* `need` characters taken cyclically from padding: whole paddings, then a prefix */
    int64_t full = need / pchars, rem = need % pchars;
    size_t ro = utf8_offset(pp, pl, rem);
    int64_t bytes = full * (int64_t)pl + (int64_t)ro + (int64_t)x->len; /* need < 2^31, pl < 2^32 */
    if (bytes > STRING_MAX_BYTES) return err_string_size(err, left ? "lpad" : "rpad", bytes);
    char *buf = cn_arena_alloc(a, (size_t)bytes + 1);
    size_t k = 0;
    if (!left) { memcpy(buf, p, x->len); k = x->len; }
    for (int64_t i = 0; i < full; i++) { memcpy(buf + k, pp, pl); k += pl; }
    memcpy(buf + k, pp, ro);
    k += ro;
    if (left) { memcpy(buf + k, p, x->len); k += x->len; }
    *out = cn_str_view(buf, (uint32_t)k);
    return 0;
}

int ex_string(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int f = e->func;
    ev_alloc(out, e->type, n, ctx->arena);
    ev_merge_validity(&out->v, n, args, e->nargs, ctx->arena);
    cn_arena *a = ctx->arena;
    for (int i = 0; i < n; i++) {
        if (!cn_vec_valid(&out->v, i)) continue;
        const cn_str *x = e->nargs > 0 && args[0]->v.type.kind == CN_STRING ? S_AT(args[0], i) : NULL;
        const char *p = x ? cn_str_data(x) : NULL;
        size_t len = x ? x->len : 0;
        cn_str *so = (cn_str *)out->v.data;
        switch (f) {
        case CN_FN_CONCAT: {
            size_t tot = 0;
            for (int k = 0; k < e->nargs; k++) tot += S_AT(args[k], i)->len;
            if ((int64_t)tot > STRING_MAX_BYTES) return err_string_size(err, "concat", (int64_t)tot);
            char *buf = cn_arena_alloc(a, tot + 1);
            size_t o = 0;
            for (int k = 0; k < e->nargs; k++) {
                const cn_str *y = S_AT(args[k], i);
                memcpy(buf + o, cn_str_data(y), y->len);
                o += y->len;
            }
            so[i] = mkstr(a, buf, tot);
            break;
        }
        case CN_FN_SUBSTRING: {
            int64_t pos = I_AT(args[1], i);
            int64_t l = e->nargs > 2 ? I_AT(args[2], i) : INT32_MAX;
            int64_t nch = utf8_chars(p, len);
            int64_t start = pos > 0 ? pos - 1 : pos < 0 ? nch + pos : 0;
            int64_t end = start + l;
            if (start < 0) start = 0;
            if (end > nch) end = nch;
            if (start >= end) {
                so[i] = cn_str_view("", 0);
                break;
            }
            size_t bs = utf8_offset(p, len, start);
            size_t be = bs + utf8_offset(p + bs, len - bs, end - start);
            so[i] = cn_str_view(p + bs, (uint32_t)(be - bs));
            break;
        }
        case CN_FN_UPPER:
        case CN_FN_LOWER: {
            char *buf = cn_arena_alloc(a, len * 2 + 4);
            so[i] = mkstr(a, buf, change_case(p, len, f == CN_FN_UPPER, buf));
            break;
        }
        case CN_FN_REVERSE: {
            char *buf = cn_arena_alloc(a, len + 1);
            size_t k = 0;
            while (k < len) {
                size_t st = k++;
                while (k < len && cont_byte((unsigned char)p[k])) k++;
                memcpy(buf + len - k, p + st, k - st);
            }
            so[i] = mkstr(a, buf, len);
            break;
        }
        case CN_FN_LENGTH: ((int32_t *)out->v.data)[i] = utf8_chars(p, len); break;
        case CN_FN_ASCII: ((int32_t *)out->v.data)[i] = len ? (unsigned char)p[0] : 0; break;
        case CN_FN_TRIM:
        case CN_FN_LTRIM:
        case CN_FN_RTRIM: {
            /* one argument: trim(str); two: trim(trimStr, str) as Spark's SQL function */
            const cn_str *src = e->nargs > 1 ? S_AT(args[1], i) : x;
            const cn_str *chars = e->nargs > 1 ? x : NULL;
            so[i] = trim_str(src, chars, f != CN_FN_RTRIM, f != CN_FN_LTRIM);
            break;
        }
        case CN_FN_STARTSWITH:
        case CN_FN_ENDSWITH:
        case CN_FN_CONTAINS: {
            const cn_str *y = S_AT(args[1], i);
            const char *q = cn_str_data(y);
            bool r;
            if (f == CN_FN_STARTSWITH) r = len >= y->len && memcmp(p, q, y->len) == 0;
            else if (f == CN_FN_ENDSWITH) r = len >= y->len && memcmp(p + len - y->len, q, y->len) == 0;
            else r = y->len == 0 || memmem(p, len, q, y->len) != NULL;
            ((uint8_t *)out->v.data)[i] = r;
            break;
        }
        case CN_FN_INSTR: {
            const cn_str *y = S_AT(args[1], i);
            ((int32_t *)out->v.data)[i] = (int32_t)find_char_pos(p, len, cn_str_data(y), y->len);
            break;
        }
        case CN_FN_REPLACE: {
            const cn_str *y = S_AT(args[1], i);
            const cn_str *z = e->nargs > 2 ? S_AT(args[2], i) : NULL;
            const char *q = cn_str_data(y), *rp = z ? cn_str_data(z) : "";
            size_t ql = y->len, rl = z ? z->len : 0;
            if (ql == 0) {
                so[i] = *x;
                break;
            }
            cn_strbuf sb;
            cn_sb_init(&sb);
            size_t k = 0;
            while (k < len) {
                const char *hit = memmem(p + k, len - k, q, ql);
                if (!hit) break;
                cn_sb_putn(&sb, p + k, (size_t)(hit - (p + k)));
                cn_sb_putn(&sb, rp, rl);
                k = (size_t)(hit - p) + ql;
                if ((int64_t)(sb.len + (len - k)) > STRING_MAX_BYTES) {
                    int64_t at_least = (int64_t)(sb.len + (len - k));
                    cn_sb_free(&sb);
                    return err_string_size(err, "replace", at_least);
                }
            }
            cn_sb_putn(&sb, p + k, len - k);
            so[i] = mkstr(a, sb.s ? sb.s : "", sb.len);
            cn_sb_free(&sb);
            break;
        }
        case CN_FN_LPAD:
        case CN_FN_RPAD:
            if (pad(a, x, I_AT(args[1], i), e->nargs > 2 ? S_AT(args[2], i) : NULL, f == CN_FN_LPAD, &so[i], err))
                return -1;
            break;
        case CN_FN_REPEAT: {
            int64_t k = I_AT(args[1], i);
            if (k <= 0 || len == 0) {
                so[i] = cn_str_view("", 0);
                break;
            }
            /* len < 2^32 and k < 2^63: the product is checked, not computed blindly */
            int64_t bytes;
            if (__builtin_mul_overflow((int64_t)len, k, &bytes) || bytes > STRING_MAX_BYTES)
                return err_string_size(err, "repeat", bytes > 0 ? bytes : INT64_MAX);
            char *buf = cn_arena_alloc(a, len * (size_t)k + 1);
            for (int64_t j = 0; j < k; j++) memcpy(buf + (size_t)j * len, p, len);
            so[i] = mkstr(a, buf, len * (size_t)k);
            break;
        }
        default:
            return cn_error_set(err, "INTERNAL_ERROR", "message", "unknown string function", NULL);
        }
    }
    return 0;
}
