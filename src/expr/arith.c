/*
 * arith.c — arithmetic kernels: + - * / % div pmod, unary minus/plus, abs,
 * round/floor/ceil, sqrt/power/ln/exp/log10/sign, isnan; integral, floating
 * point, decimal and interval operands.
 *
 * Integral + - * run a tight loop with the compiler's overflow builtins and
 * only re-scan rows when some overflow bit is set (so garbage under NULL
 * rows never raises). In ANSI mode overflow is [ARITHMETIC_OVERFLOW]
 * (int/bigint) or [BINARY_ARITHMETIC_OVERFLOW] (tinyint/smallint); try_*
 * variants give NULL; legacy mode wraps as Java does. Division by zero is
 * [DIVIDE_BY_ZERO] in ANSI mode, else NULL.
 *
 * Decimals are computed on 128-bit unscaled values: operands are loaded
 * into i128 arrays, combined, checked against the result precision and
 * stored back in the result's width. Products and quotients whose
 * intermediate exceeds 128 bits (38-digit operands, precision-loss scale
 * adjustment) use the 256-bit helpers below with HALF_UP rounding; results
 * that do not fit raise [NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] (ANSI)
 * or become NULL.
 */
#include "expr/expr_internal.h"

#include <math.h>
#include <stdio.h>

typedef unsigned __int128 u128;

/* ---- errors ------------------------------------------------------------------ */

int ex_err_overflow(cn_error *err, const char *what, const char *try_fn)
{
    char alt[96] = ""; /* no try_ function (abs, negation): Spark's hint is empty */
    if (try_fn) snprintf(alt, sizeof alt, " Use '%s' to tolerate overflow and return NULL instead.", try_fn);
    return cn_error_set(err, "ARITHMETIC_OVERFLOW", "alternative", alt, "config", "\"spark.sql.ansi.enabled\"",
                        "message", what, NULL);
}

int ex_err_div0(cn_error *err)
{
    return cn_error_set(err, "DIVIDE_BY_ZERO", "config", "\"spark.sql.ansi.enabled\"", NULL);
}

int ex_err_decimal_range(cn_error *err, cn_i128 v, int scale, int p, int s)
{
    char val[64], ps[8], ss[8];
    cn_decimal_format(v, scale, val, sizeof val);
    snprintf(ps, sizeof ps, "%d", p);
    snprintf(ss, sizeof ss, "%d", s);
    return cn_error_set(err, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION", "config", "\"spark.sql.ansi.enabled\"",
                        "precision", ps, "scale", ss, "value", val, NULL);
}

static const char *try_name(int f)
{
    switch (f) {
    case CN_FN_ADD: return "try_add";
    case CN_FN_SUB: return "try_subtract";
    case CN_FN_MUL: return "try_multiply";
    case CN_FN_DIV: case CN_FN_INTDIV: return "try_divide";
    case CN_FN_MOD: case CN_FN_PMOD: return "try_mod";
    default: return "try_add";
    }
}

static const char *symbol(int f)
{
    switch (f) {
    case CN_FN_ADD: return "+";
    case CN_FN_SUB: return "-";
    case CN_FN_MUL: return "*";
    default: return "/";
    }
}

/* ---- 256-bit helpers ---------------------------------------------------------- */

typedef struct { uint64_t w[4]; } u256; /* little-endian limbs */

static u256 mul128(u128 a, u128 b)
{
    uint64_t x[2] = {(uint64_t)a, (uint64_t)(a >> 64)}, y[2] = {(uint64_t)b, (uint64_t)(b >> 64)};
    u256 r = {{0, 0, 0, 0}};
    for (int i = 0; i < 2; i++) {
        u128 carry = 0;
        for (int j = 0; j < 2; j++) {
            u128 t = (u128)x[i] * y[j] + r.w[i + j] + carry;
            r.w[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        int k = i + 2;
        while (carry && k < 4) {
            u128 t = (u128)r.w[k] + carry;
            r.w[k++] = (uint64_t)t;
            carry = t >> 64;
        }
    }
    return r;
}

/* q = x / d, returns remainder (d fits 64 bits). */
static uint64_t div64(u256 *x, uint64_t d)
{
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
        u128 cur = (rem << 64) | x->w[i];
        x->w[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    return (uint64_t)rem;
}

static bool fits127(const u256 *x) { return x->w[3] == 0 && x->w[2] == 0 && !(x->w[1] >> 63); }
static u128 low128(const u256 *x) { return ((u128)x->w[1] << 64) | x->w[0]; }

/* Divide x by 10^k with HALF_UP (only the first discarded digit matters). */
static void div_pow10_half_up(u256 *x, int k)
{
    if (k <= 0) return;
    int rest = k - 1;
    while (rest > 0) {
        int step = rest > 19 ? 19 : rest;
        uint64_t p = 1;
        for (int i = 0; i < step; i++) p *= 10;
        div64(x, p);
        rest -= step;
    }
    uint64_t digit = div64(x, 10);
    if (digit >= 5) {
        for (int i = 0; i < 4; i++)
            if (++x->w[i] != 0) break;
    }
}

bool ex_mul_div_pow10(cn_i128 a, cn_i128 b, int k, cn_i128 *out)
{
    bool neg = (a < 0) != (b < 0);
    u128 ua = a < 0 ? (u128)0 - (u128)a : (u128)a, ub = b < 0 ? (u128)0 - (u128)b : (u128)b;
    u256 p = mul128(ua, ub);
    div_pow10_half_up(&p, k);
    if (!fits127(&p)) return false;
    cn_i128 r = (cn_i128)low128(&p);
    *out = neg ? -r : r;
    return true;
}

static int cmp256(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static void shl1(u256 *a)
{
    for (int i = 3; i > 0; i--) a->w[i] = (a->w[i] << 1) | (a->w[i - 1] >> 63);
    a->w[0] <<= 1;
}

static void sub256(u256 *a, const u256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t x = a->w[i], y = b->w[i];
        uint64_t r = x - y - borrow;
        borrow = (x < y) || (x == y && borrow) || (x - y < borrow);
        a->w[i] = r;
    }
}

bool ex_scale_div(cn_i128 a, int k, cn_i128 b, cn_i128 *out)
{
    bool neg = (a < 0) != (b < 0);
    u128 ua = a < 0 ? (u128)0 - (u128)a : (u128)a, ub = b < 0 ? (u128)0 - (u128)b : (u128)b;
    if (k < 0) {
        /* divide the numerator instead: round(a / (b * 10^-k)) */
        u256 den = mul128(ub, (u128)cn_pow10_i128(CN_MIN(-k, 38)));
        if (!fits127(&den)) { *out = 0; return true; }
        ub = low128(&den);
        k = 0;
    }
    u256 num;
    if (k <= 38) {
        num = mul128(ua, (u128)cn_pow10_i128(k));
    } else {
        num = mul128(ua, (u128)cn_pow10_i128(38));
        u256 t = num;
        for (int i = 38; i < k; i++) {
            /* multiply by 10 */
            u128 carry = 0;
            for (int j = 0; j < 4; j++) {
                u128 x = (u128)t.w[j] * 10 + carry;
                t.w[j] = (uint64_t)x;
                carry = x >> 64;
            }
            if (carry) return false;
        }
        num = t;
    }
    if (num.w[2] == 0 && num.w[3] == 0 && ub != 0) {
        /* the common case: a 128-bit numerator, one hardware-assisted division */
        u128 n = low128(&num);
        u128 qq = n / ub, rr = n % ub;
        if (rr >= ub - rr) qq++; /* HALF_UP: 2r >= d, without overflowing 2r */
        if (qq >> 127) return false;
        *out = neg ? -(cn_i128)qq : (cn_i128)qq;
        return true;
    }
    /* long division num / ub */
    u256 q = {{0, 0, 0, 0}}, r = {{0, 0, 0, 0}}, d = {{(uint64_t)ub, (uint64_t)(ub >> 64), 0, 0}};
    for (int bit = 255; bit >= 0; bit--) {
        shl1(&r);
        r.w[0] |= (num.w[bit / 64] >> (bit % 64)) & 1;
        if (cmp256(&r, &d) >= 0) {
            sub256(&r, &d);
            q.w[bit / 64] |= 1ull << (bit % 64);
        }
    }
    /* HALF_UP: 2r >= d */
    shl1(&r);
    if (cmp256(&r, &d) >= 0)
        for (int i = 0; i < 4; i++)
            if (++q.w[i] != 0) break;
    if (!fits127(&q)) return false;
    cn_i128 res = (cn_i128)low128(&q);
    *out = neg ? -res : res;
    return true;
}

/* ---- integral ------------------------------------------------------------------ */

static int int_overflow_row(const cn_expr *e, const ev *A, const ev *B, int i, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    if (e->try_ || !ctx->ansi) {
        if (e->try_) cn_vec_set_null(&out->v, i, ctx->arena);
        return 0;
    }
    cn_kind k = (cn_kind)out->v.type.kind;
    if (k == CN_TINYINT || k == CN_SMALLINT) {
        char v1[32], v2[32], fn[32];
        const char *suf = k == CN_TINYINT ? "Y" : "S";
        snprintf(v1, sizeof v1, "%lld%s", (long long)ev_get_i64(&A->v, EVI(A, i)), suf);
        snprintf(v2, sizeof v2, "%lld%s", (long long)ev_get_i64(&B->v, EVI(B, i)), suf);
        snprintf(fn, sizeof fn, "`%s`", try_name(e->func));
        return cn_error_set(err, "BINARY_ARITHMETIC_OVERFLOW", "functionName", fn, "symbol", symbol(e->func),
                            "value1", v1, "value2", v2, NULL);
    }
    return ex_err_overflow(err, k == CN_INT ? "integer overflow" : "long overflow", try_name(e->func));
}

#define IOP_LOOP(T, BUILTIN)                                                               \
    do {                                                                                   \
        const T *pa = (const T *)A->v.data, *pb = (const T *)B->v.data;                    \
        T *po = (T *)out->v.data;                                                          \
        const int sa = !A->cst, sb = !B->cst;                                              \
        bool ovf = false;                                                                  \
        for (int i = 0; i < n; i++) ovf |= BUILTIN(pa[i * sa], pb[i * sb], &po[i]);        \
        if (ovf) {                                                                         \
            for (int i = 0; i < n; i++) {                                                  \
                T r;                                                                       \
                if (cn_vec_valid(&out->v, i) && BUILTIN(pa[i * sa], pb[i * sb], &r))       \
                    if (int_overflow_row(e, A, B, i, out, ctx, err)) return -1;            \
            }                                                                              \
        }                                                                                  \
    } while (0)

#define IOPS(T)                                                                            \
    switch (f) {                                                                           \
    case CN_FN_ADD: IOP_LOOP(T, __builtin_add_overflow); break;                            \
    case CN_FN_SUB: IOP_LOOP(T, __builtin_sub_overflow); break;                            \
    default: IOP_LOOP(T, __builtin_mul_overflow); break;                                   \
    }

/* Division-like integral ops (%, div, pmod): per row with zero checks. */
#define IDIV_LOOP(T, MINV)                                                                 \
    do {                                                                                   \
        const T *pa = (const T *)A->v.data, *pb = (const T *)B->v.data;                    \
        const int sa = !A->cst, sb = !B->cst;                                              \
        for (int i = 0; i < n; i++) {                                                      \
            if (!cn_vec_valid(&out->v, i)) continue;                                       \
            T x = pa[i * sa], y = pb[i * sb];                                              \
            if (y == 0) {                                                                  \
                if (ctx->ansi && !e->try_) return ex_err_div0(err);                        \
                cn_vec_set_null(&out->v, i, ctx->arena);                                   \
                continue;                                                                  \
            }                                                                              \
            int64_t r;                                                                     \
            if (y == -1) {                                                                 \
                if (f == CN_FN_INTDIV && x == MINV) {                                      \
                    if (ctx->ansi && !e->try_) return ex_err_overflow(err, "long overflow", "try_divide"); \
                    r = x;                                                                 \
                } else {                                                                   \
                    r = f == CN_FN_INTDIV ? -(int64_t)x : 0;                               \
                }                                                                          \
            } else if (f == CN_FN_INTDIV) {                                                \
                r = x / y;                                                                 \
            } else {                                                                       \
                r = x % y;                                                                 \
                if (f == CN_FN_PMOD && r < 0) r = (r + y) % y;                             \
            }                                                                              \
            if (f == CN_FN_INTDIV) ((int64_t *)out->v.data)[i] = r;                        \
            else ((T *)out->v.data)[i] = (T)r;                                             \
        }                                                                                  \
    } while (0)

static int arith_integral(const cn_expr *e, const ev *A, const ev *B, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int f = e->func;
    if (f == CN_FN_ADD || f == CN_FN_SUB || f == CN_FN_MUL) {
        switch (cn_type_phys(A->v.type)) {
        case CN_PHYS_I8: IOPS(int8_t); break;
        case CN_PHYS_I16: IOPS(int16_t); break;
        case CN_PHYS_I32: IOPS(int32_t); break;
        default: IOPS(int64_t); break;
        }
        return 0;
    }
    switch (cn_type_phys(A->v.type)) {
    case CN_PHYS_I8: IDIV_LOOP(int8_t, INT8_MIN); break;
    case CN_PHYS_I16: IDIV_LOOP(int16_t, INT16_MIN); break;
    case CN_PHYS_I32: IDIV_LOOP(int32_t, INT32_MIN); break;
    default: IDIV_LOOP(int64_t, INT64_MIN); break;
    }
    return 0;
}

/* ---- floating point ---------------------------------------------------------------- */

#define FOP_LOOP(T, EXPR)                                                                  \
    do {                                                                                   \
        const T *pa = (const T *)A->v.data, *pb = (const T *)B->v.data;                    \
        T *po = (T *)out->v.data;                                                          \
        const int sa = !A->cst, sb = !B->cst;                                              \
        for (int i = 0; i < n; i++) {                                                      \
            T x = pa[i * sa], y = pb[i * sb];                                              \
            po[i] = (EXPR);                                                                \
        }                                                                                  \
    } while (0)

#define FOPS(T, FMOD)                                                                      \
    switch (f) {                                                                           \
    case CN_FN_ADD: FOP_LOOP(T, x + y); break;                                             \
    case CN_FN_SUB: FOP_LOOP(T, x - y); break;                                             \
    case CN_FN_MUL: FOP_LOOP(T, x * y); break;                                             \
    case CN_FN_DIV: FOP_LOOP(T, y == 0 ? 0 : x / y); break;                                \
    case CN_FN_MOD: FOP_LOOP(T, y == 0 ? 0 : FMOD(x, y)); break;                           \
    default: FOP_LOOP(T, y == 0 ? 0 : (FMOD(x, y) < 0 ? FMOD(FMOD(x, y) + y, y) : FMOD(x, y))); break; \
    }

static int arith_float(const cn_expr *e, const ev *A, const ev *B, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int f = e->func;
    if (A->v.type.kind == CN_FLOAT) {
        FOPS(float, fmodf);
    } else {
        FOPS(double, fmod);
    }
    if (f == CN_FN_DIV || f == CN_FN_MOD || f == CN_FN_PMOD) {
        for (int i = 0; i < n; i++) {
            if (!cn_vec_valid(&out->v, i)) continue;
            double y = ev_get_f64(&B->v, EVI(B, i));
            if (y == 0) {
                if (ctx->ansi && !e->try_) return ex_err_div0(err);
                cn_vec_set_null(&out->v, i, ctx->arena);
            }
        }
    }
    return 0;
}

/* ---- decimal ------------------------------------------------------------------------- */

static cn_i128 *load_i128(const ev *x, int n, cn_arena *a)
{
    int m = x->cst ? 1 : n;
    cn_i128 *d = cn_arena_alloc(a, sizeof(cn_i128) * (size_t)(m > 0 ? m : 1));
    switch (cn_type_phys(x->v.type)) {
    case CN_PHYS_I64: {
        const int64_t *s = x->v.data;
        for (int i = 0; i < m; i++) d[i] = s[i];
        break;
    }
    case CN_PHYS_I128: memcpy(d, x->v.data, sizeof(cn_i128) * (size_t)m); break;
    default:
        for (int i = 0; i < m; i++) d[i] = ev_get_i128(&x->v, i);
        break;
    }
    return d;
}

static void store_i128(cn_vector *v, const cn_i128 *r, int n)
{
    if (cn_type_phys(v->type) == CN_PHYS_I64) {
        int64_t *o = v->data;
        for (int i = 0; i < n; i++) o[i] = (int64_t)r[i];
    } else if (cn_type_phys(v->type) == CN_PHYS_I128) {
        memcpy(v->data, r, sizeof(cn_i128) * (size_t)n);
    } else {
        for (int i = 0; i < n; i++) ev_put_i128(v, i, r[i]);
    }
}

/* Row i failed (bad = 1 overflow, 2 division by zero): error or NULL. */
static int dec_fail(const cn_expr *e, int bad, cn_i128 v, int vscale, ev *out, int i, cn_eval_ctx *ctx, cn_error *err)
{
    if (ctx->ansi && !e->try_) {
        if (bad == 2) return ex_err_div0(err);
        if (e->func == CN_FN_INTDIV) return ex_err_overflow(err, "long overflow", "try_divide");
        return ex_err_decimal_range(err, v, vscale, out->v.type.precision, out->v.type.scale);
    }
    cn_vec_set_null(&out->v, i, ctx->arena);
    return 0;
}

/* Decimal +, - and * (without rescaling) whose operands fit in 64 bits — always for 64-bit
 * decimals, per value for 128-bit ones (checked as they are read): every intermediate then
 * fits in 128 bits (|x| < 2^63, multipliers <= 10^18), so one widening multiply or add per
 * row and a range check, no overflow builtins. Sets *flagged when a row has an operand past
 * 64 bits or a result out of range (the caller then takes the checked path). Returns false
 * when the shape does not apply. */
static bool arith_decimal64(int f, const ev *A, const ev *B, int n, ev *out, cn_i128 lim, bool *flagged)
{
    int s1 = A->v.type.scale, s2 = B->v.type.scale, s = out->v.type.scale;
    int sm = CN_MAX(s1, s2);
    cn_phys pa = cn_type_phys(A->v.type), pb = cn_type_phys(B->v.type);
    if ((pa != CN_PHYS_I64 && pa != CN_PHYS_I128) || (pb != CN_PHYS_I64 && pb != CN_PHYS_I128)) return false;
    if (f == CN_FN_MUL ? s1 + s2 != s : (f != CN_FN_ADD && f != CN_FN_SUB) || sm != s || sm - s1 > 18 || sm - s2 > 18)
        return false;
    const int sa = !A->cst, sb = !B->cst;
    const cn_i128 ma = f == CN_FN_MUL ? 1 : cn_pow10_i128(sm - s1), mb = f == CN_FN_MUL ? 1 : cn_pow10_i128(sm - s2);
    bool i64out = cn_type_phys(out->v.type) == CN_PHYS_I64;
    int64_t *o64 = out->v.data;
    cn_i128 *o128 = out->v.data;
    bool any = false;
    for (int i = 0; i < n; i++) {
        cn_i128 x = pa == CN_PHYS_I64 ? ((const int64_t *)A->v.data)[i * sa] : ((const cn_i128 *)A->v.data)[i * sa];
        cn_i128 y = pb == CN_PHYS_I64 ? ((const int64_t *)B->v.data)[i * sb] : ((const cn_i128 *)B->v.data)[i * sb];
        cn_i128 z = 0;
        if ((int64_t)x != x || (int64_t)y != y) any = true;
        else if (f == CN_FN_MUL) z = (cn_i128)(int64_t)x * (int64_t)y;
        else z = f == CN_FN_ADD ? x * ma + y * mb : x * ma - y * mb;
        any |= z >= lim || z <= -lim;
        if (i64out) o64[i] = (int64_t)z;
        else o128[i] = z;
    }
    *flagged = any;
    return true;
}

static int arith_decimal(const cn_expr *e, const ev *A, const ev *B, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int f = e->func;
    int s1 = A->v.type.scale, s2 = B->v.type.scale;
    int p = out->v.type.precision, s = out->v.type.scale;
    if (f == CN_FN_ADD || f == CN_FN_SUB || f == CN_FN_MUL) {
        /* the fast path; a batch with a flagged row (past 64 bits, or out of range) is done
         * again below, checked, which also raises the error or sets the NULL */
        bool flagged = false;
        if (arith_decimal64(f, A, B, n, out, cn_pow10_i128(p), &flagged) && !flagged) return 0;
    }
    cn_i128 *a = load_i128(A, n, ctx->arena), *b = load_i128(B, n, ctx->arena);
    cn_i128 *r = cn_arena_alloc(ctx->arena, sizeof(cn_i128) * (size_t)(n > 0 ? n : 1));
    const int sa = !A->cst, sb = !B->cst;
    cn_i128 lim = cn_pow10_i128(f == CN_FN_INTDIV ? 38 : p);
    bool any_bad = false;
    uint8_t *bad = cn_arena_calloc(ctx->arena, (size_t)(n > 0 ? n : 1));
    switch (f) {
    case CN_FN_ADD:
    case CN_FN_SUB: {
        int sm = CN_MAX(s1, s2);
        cn_i128 ma = cn_pow10_i128(sm - s1), mb = cn_pow10_i128(sm - s2);
        for (int i = 0; i < n; i++) {
            cn_i128 x, y, z;
            bool o = __builtin_mul_overflow(a[i * sa], ma, &x) | __builtin_mul_overflow(b[i * sb], mb, &y);
            o |= f == CN_FN_ADD ? __builtin_add_overflow(x, y, &z) : __builtin_sub_overflow(x, y, &z);
            if (!o && sm != s) o = !cn_decimal_rescale(z, sm, s, &z);
            r[i] = z;
            bad[i] = o || z >= lim || z <= -lim;
            any_bad |= bad[i];
        }
        break;
    }
    case CN_FN_MUL: {
        int k = s1 + s2 - s;
        for (int i = 0; i < n; i++) {
            cn_i128 z;
            bool o;
            if (k == 0) o = __builtin_mul_overflow(a[i * sa], b[i * sb], &z);
            else o = !ex_mul_div_pow10(a[i * sa], b[i * sb], k, &z);
            r[i] = z;
            bad[i] = o || z >= lim || z <= -lim;
            any_bad |= bad[i];
        }
        break;
    }
    case CN_FN_DIV: {
        int k = s + s2 - s1;
        for (int i = 0; i < n; i++) {
            cn_i128 y = b[i * sb], z = 0;
            if (y == 0) {
                bad[i] = 2;
                any_bad = true;
                r[i] = 0;
                continue;
            }
            bool o = !ex_scale_div(a[i * sa], k, y, &z);
            r[i] = z;
            bad[i] = o || z >= lim || z <= -lim;
            any_bad |= bad[i];
        }
        break;
    }
    default: { /* %, pmod, div */
        int sm = CN_MAX(s1, s2);
        cn_i128 ma = cn_pow10_i128(sm - s1), mb = cn_pow10_i128(sm - s2);
        for (int i = 0; i < n; i++) {
            cn_i128 x, y, z = 0;
            bool o = __builtin_mul_overflow(a[i * sa], ma, &x) | __builtin_mul_overflow(b[i * sb], mb, &y);
            if (!o && y == 0) {
                bad[i] = 2;
                any_bad = true;
                r[i] = 0;
                continue;
            }
            if (!o) {
                if (f == CN_FN_INTDIV) {
                    z = x / y;
                    o = z > INT64_MAX || z < INT64_MIN;
                } else {
                    z = x % y;
                    if (f == CN_FN_PMOD && z < 0) z = (z + y) % y;
                    if (sm != s) o = !cn_decimal_rescale(z, sm, s, &z);
                }
            }
            r[i] = z;
            bad[i] = o || (f != CN_FN_INTDIV && (z >= lim || z <= -lim));
            any_bad |= bad[i];
        }
        break;
    }
    }
    if (f == CN_FN_INTDIV) {
        int64_t *o = out->v.data;
        for (int i = 0; i < n; i++) o[i] = (int64_t)r[i];
    } else {
        store_i128(&out->v, r, n);
    }
    if (any_bad)
        for (int i = 0; i < n; i++)
            if (bad[i] && cn_vec_valid(&out->v, i))
                if (dec_fail(e, bad[i], r[i], s, out, i, ctx, err)) return -1;
    return 0;
}

/* ---- intervals -------------------------------------------------------------------------- */

static int arith_interval(const cn_expr *e, const ev *A, const ev *B, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int f = e->func;
    for (int i = 0; i < n; i++) {
        if (!cn_vec_valid(&out->v, i)) continue;
        int64_t x = ev_get_i64(&A->v, EVI(A, i)), y = ev_get_i64(&B->v, EVI(B, i)), z;
        bool o = f == CN_FN_ADD ? __builtin_add_overflow(x, y, &z) : __builtin_sub_overflow(x, y, &z);
        if (out->v.type.kind == CN_INTERVAL_YM && (z > INT32_MAX || z < INT32_MIN)) o = true;
        if (o) {
            if (e->try_) { cn_vec_set_null(&out->v, i, ctx->arena); continue; }
            return ex_err_overflow(err, out->v.type.kind == CN_INTERVAL_YM ? "integer overflow" : "long overflow",
                                   try_name(f));
        }
        ev_put_i128(&out->v, i, z);
    }
    return 0;
}

/* ---- unary ---------------------------------------------------------------------------- */

/* Spark rounds a double as BigDecimal(java.lang.Double.toString(x)).setScale(s, HALF_UP):
 * on the shortest decimal digits that read back as x (floats: Float.toString), not on the
 * binary value, so round(2.675, 2) = 2.68. */
static double round_half_up(double x, int s, bool is_float)
{
    if (isnan(x) || isinf(x)) return x;
    if (x == 0) return 0.0;
    char e[48];
    int maxp = is_float ? 9 : 17;
    for (int prec = 1; prec <= maxp; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, x);
        if (is_float ? strtof(e, NULL) == (float)x : strtod(e, NULL) == x) break;
    }
    /* e = [-]d[.ddd]e[+-]XX : value = 0.d1d2... x 10^(ex + 1) */
    const char *p = e;
    bool neg = *p == '-';
    if (neg) p++;
    char dig[24];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') dig[nd++] = *p;
    int ex = atoi(p + 1);
    int keep = ex + 1 + s; /* digits left of the rounding position */
    if (keep >= nd) return x;
    if (keep < 0) return 0.0; /* BigDecimal has no negative zero */
    bool up = dig[keep] >= '5';
    /* the kept digits as an integer, times 10^-s */
    char out[64];
    int o = 0;
    if (neg) out[o++] = '-';
    if (keep == 0) out[o++] = '0';
    for (int i = 0; i < keep; i++) out[o++] = dig[i];
    out[o] = 0;
    if (up) {
        int i = o - 1;
        while (i >= (neg ? 1 : 0) && out[i] == '9') out[i--] = '0';
        if (i >= (neg ? 1 : 0)) out[i]++;
        else {
            memmove(out + (neg ? 2 : 1), out + (neg ? 1 : 0), (size_t)(o - (neg ? 1 : 0)) + 1);
            out[neg ? 1 : 0] = '1';
            o++;
        }
    }
    snprintf(out + o, sizeof out - (size_t)o, "e%d", -s);
    double r = is_float ? (double)strtof(out, NULL) : strtod(out, NULL);
    return r == 0 ? 0.0 : r;
}

static int unary(const cn_expr *e, const ev *A, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    int f = e->func;
    cn_type it = A->v.type, ot = out->v.type;
    int scale_arg = 0;
    for (int i = 0; i < n; i++) {
        if (!cn_vec_valid(&out->v, i) && f != CN_FN_ISNAN) continue;
        int r = EVI(A, i);
        switch (f) {
        case CN_FN_POS:
            ev_put_i128(&out->v, i, 0);
            memcpy((char *)out->v.data + (size_t)i * (size_t)cn_type_width(ot),
                   (const char *)A->v.data + (size_t)r * (size_t)cn_type_width(it), (size_t)cn_type_width(it));
            break;
        case CN_FN_NEG:
        case CN_FN_ABS:
            if (it.kind == CN_FLOAT || it.kind == CN_DOUBLE) {
                double x = ev_get_f64(&A->v, r);
                double y = f == CN_FN_NEG ? -x : fabs(x);
                if (it.kind == CN_FLOAT) ((float *)out->v.data)[i] = (float)y;
                else ((double *)out->v.data)[i] = y;
            } else {
                cn_i128 x = ev_get_i128(&A->v, r);
                cn_i128 y = (f == CN_FN_NEG || x < 0) ? -x : x;
                bool o = false;
                switch (cn_type_phys(it)) {
                case CN_PHYS_I8: o = y > INT8_MAX; break;
                case CN_PHYS_I16: o = y > INT16_MAX; break;
                case CN_PHYS_I32: o = y > INT32_MAX; break;
                case CN_PHYS_I64: o = y > INT64_MAX; break;
                default: break;
                }
                if (o) {
                    if (ctx->ansi && !e->try_)
                        return ex_err_overflow(err, cn_type_phys(it) == CN_PHYS_I64 ? "long overflow" : "integer overflow",
                                               NULL);
                    y = x; /* Java wraps MIN_VALUE to itself */
                }
                ev_put_i128(&out->v, i, y);
            }
            break;
        case CN_FN_ROUND:
        case CN_FN_FLOOR:
        case CN_FN_CEIL: {
            if (f == CN_FN_ROUND && e->nargs > 1) scale_arg = (int)e->args[1]->lit.v.i;
            if (it.kind == CN_DECIMAL) {
                cn_i128 x = ev_get_i128(&A->v, r), y;
                int from = it.scale, to = ot.scale;
                if (f == CN_FN_ROUND) {
                    if (scale_arg < 0) {
                        cn_i128 q;
                        if (!cn_decimal_rescale(x, from, 0, &q)) q = 0;
                        int k = -scale_arg;
                        cn_i128 pk = cn_pow10_i128(CN_MIN(k, 38));
                        cn_i128 h = q / pk, rem = q % pk;
                        if (rem * 2 >= pk) h++;
                        else if (rem * 2 <= -pk) h--;
                        y = h * pk;
                    } else {
                        cn_decimal_rescale(x, from, to, &y);
                    }
                } else {
                    cn_i128 pk = cn_pow10_i128(from);
                    cn_i128 q = x / pk, rem = x % pk;
                    if (f == CN_FN_FLOOR && rem < 0) q--;
                    if (f == CN_FN_CEIL && rem > 0) q++;
                    y = q;
                }
                ev_put_i128(&out->v, i, y);
            } else if (it.kind == CN_FLOAT || it.kind == CN_DOUBLE) {
                double x = ev_get_f64(&A->v, r);
                if (f == CN_FN_ROUND) {
                    double y = round_half_up(x, scale_arg, it.kind == CN_FLOAT);
                    if (ot.kind == CN_FLOAT) ((float *)out->v.data)[i] = (float)y;
                    else ((double *)out->v.data)[i] = y;
                } else {
                    double y = f == CN_FN_FLOOR ? floor(x) : ceil(x);
                    int64_t v = isnan(y) ? 0 : y >= 9.2233720368547758e18 ? INT64_MAX : y <= -9.2233720368547758e18 ? INT64_MIN : (int64_t)y;
                    ((int64_t *)out->v.data)[i] = v;
                }
            } else {
                cn_i128 x = ev_get_i128(&A->v, r);
                if (f == CN_FN_ROUND && scale_arg < 0) {
                    int k = -scale_arg;
                    cn_i128 pk = cn_pow10_i128(CN_MIN(k, 38));
                    cn_i128 h = x / pk, rem = x % pk;
                    if (rem * 2 >= pk) h++;
                    else if (rem * 2 <= -pk) h--;
                    x = h * pk;
                }
                ev_put_i128(&out->v, i, x);
            }
            break;
        }
        case CN_FN_ISNAN:
            ((uint8_t *)out->v.data)[i] = cn_vec_valid(&A->v, r) && isnan(ev_get_f64(&A->v, r));
            break;
        default: {
            double x = ev_get_f64(&A->v, r), y = 0;
            switch (f) {
            case CN_FN_SQRT: y = sqrt(x); break;
            case CN_FN_EXP: y = exp(x); break;
            case CN_FN_SIGN: y = isnan(x) ? x : (x > 0) - (x < 0); break;
            case CN_FN_LN:
            case CN_FN_LOG10:
                if (x <= 0) {
                    cn_vec_set_null(&out->v, i, ctx->arena);
                    continue;
                }
                y = f == CN_FN_LN ? log(x) : log10(x);
                break;
            default: break;
            }
            ((double *)out->v.data)[i] = y;
            break;
        }
        }
    }
    return 0;
}

static int power(const ev *A, const ev *B, int n, ev *out)
{
    for (int i = 0; i < n; i++) {
        double x = ev_get_f64(&A->v, EVI(A, i)), y = ev_get_f64(&B->v, EVI(B, i));
        ((double *)out->v.data)[i] = pow(x, y);
    }
    return 0;
}

int ex_arith(const cn_expr *e, ev *const *args, int n, ev *out, cn_eval_ctx *ctx, cn_error *err)
{
    ev_alloc(out, e->type, n, ctx->arena);
    int f = e->func;
    if (f == CN_FN_ISNAN) return unary(e, args[0], n, out, ctx, err);
    int nin = (f == CN_FN_ROUND) ? 1 : e->nargs;
    ev_merge_validity(&out->v, n, args, nin, ctx->arena);
    switch (f) {
    case CN_FN_NEG: case CN_FN_POS: case CN_FN_ABS: case CN_FN_ROUND: case CN_FN_FLOOR: case CN_FN_CEIL:
    case CN_FN_SQRT: case CN_FN_LN: case CN_FN_EXP: case CN_FN_LOG10: case CN_FN_SIGN:
        return unary(e, args[0], n, out, ctx, err);
    case CN_FN_POWER:
        return power(args[0], args[1], n, out);
    default: break;
    }
    const ev *A = args[0], *B = args[1];
    cn_type t = A->v.type;
    if (t.kind == CN_DECIMAL || B->v.type.kind == CN_DECIMAL) return arith_decimal(e, A, B, n, out, ctx, err);
    if (t.kind == CN_FLOAT || t.kind == CN_DOUBLE) return arith_float(e, A, B, n, out, ctx, err);
    if (t.kind == CN_INTERVAL_DT || t.kind == CN_INTERVAL_YM) return arith_interval(e, A, B, n, out, ctx, err);
    if (t.kind == CN_NULL) return 0;
    return arith_integral(e, A, B, n, out, ctx, err);
}
