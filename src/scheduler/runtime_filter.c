/*
 * runtime_filter.c — runtime semi-join filters (Cinder's take on Spark's
 * InjectRuntimeFilter, with the broadcast itself as the filter).
 *
 * A broadcast side that turned out small also filters the streamed side at its scans: every
 * scan that a streamed key column comes from (through projections, filters, sorts,
 * exchanges, grouping keys of aggregates, either side of joins — and across an inner join's
 * key equality to the other side) gets a LEFT SEMI broadcast join against the same broadcast
 * (the shared hash table is built once, on the same keys). Rows whose key is not in the
 * broadcast would be dropped by the join above anyway — it is an inner or left semi join
 * streaming that side — and all rows of one key are kept or dropped together, so
 * aggregates over the key are unchanged; no Limit or TopN is crossed. This is Spark's
 * runtime filter (InjectRuntimeFilter) with the broadcast itself as the filter; it saves
 * the rows' shuffles and joins below.
 */
#include "scheduler/dag_internal.h"

#define RF_MAX_KEYS 8

typedef struct rf_ctx {
    query *q;
    const cn_pplan *bleaf;  /* the broadcast leaf */
    int nkeys;
    cn_expr **bkeys;        /* its keys, bound over the broadcast's columns (the join's build keys) */
    int64_t brows;          /* rows in the broadcast */
} rf_ctx;

static bool col_index(const cn_expr *e, int *out)
{
    if (!e || e->kind != CN_EX_COL) return false;
    *out = e->index;
    return true;
}

/* cols[0..nkeys): the output columns of a node holding the streamed keys, in key order */
static cn_pplan *rf_inject(rf_ctx *r, const cn_pplan *p, const int *cols, int depth);

/* p with children[i] replaced by c (a copy when it changes). */
static cn_pplan *with_child(rf_ctx *r, const cn_pplan *p, int i, cn_pplan *c)
{
    if (c == p->children[i]) return (cn_pplan *)p;
    cn_pplan *n = cn_dag_copy_node(r->q, p);
    n->children[i] = c;
    return n;
}

static cn_pplan *rf_leaf(rf_ctx *r, const cn_pplan *p, const int *cols)
{
    for (int k = 0; k < r->nkeys; k++)
        if (cols[k] < 0 || cols[k] >= p->nout || !cn_type_eq(p->out[cols[k]].type, r->bkeys[k]->type))
            return (cn_pplan *)p;
    /* worth a probe per scanned row only when the broadcast is a small part of the scan */
    if (p->est_rows >= 0 && (double)r->brows * 8 > p->est_rows) return (cn_pplan *)p;
    cn_arena *a = r->q->arena;
    cn_pplan *j = cn_pplan_new(a, PP_HASH_JOIN);
    j->nchildren = 2;
    j->children[0] = (cn_pplan *)p;
    j->children[1] = (cn_pplan *)r->bleaf;
    j->join_type = JOIN_LEFT_SEMI;
    j->broadcast = true;
    j->build_right = 1;
    j->njoin_keys = r->nkeys;
    j->left_keys = cn_arena_calloc(a, sizeof(cn_expr *) * (size_t)(r->nkeys + 1));
    j->right_keys = r->bkeys; /* the same keys: the broadcast's hash table is shared */
    for (int k = 0; k < r->nkeys; k++) {
        const cn_attr *at = &p->out[cols[k]];
        j->left_keys[k] = cn_expr_col(a, at->id, at->name, at->type, true);
        j->left_keys[k]->index = cols[k];
    }
    j->nout = p->nout;
    j->out = p->out;
    j->nparts = p->nparts;
    j->part = p->part;
    j->est_rows = p->est_rows;
    j->est_bytes = p->est_bytes;
    j->plan_id = -1;
    j->runtime_filter = true;
    return j;
}

static cn_pplan *rf_join(rf_ctx *r, const cn_pplan *p, const int *cols, int depth)
{
    int nleft = p->children[0]->nout;
    /* output columns past the left's are the right's — or an existence join's flag, which
     * no scan holds */
    bool left_only = p->join_type == JOIN_LEFT_SEMI || p->join_type == JOIN_LEFT_ANTI ||
                     p->join_type == JOIN_EXISTENCE;
    int side = cols[0] < nleft ? 0 : 1;
    int c[RF_MAX_KEYS];
    for (int k = 0; k < r->nkeys; k++) {
        if ((cols[k] < nleft ? 0 : 1) != side) return (cn_pplan *)p; /* keys from both sides */
        c[k] = side ? cols[k] - nleft : cols[k];
    }
    if (side == 1 && left_only) return (cn_pplan *)p;
    cn_pplan *n = with_child(r, p, side, rf_inject(r, p->children[side], c, depth + 1));
    /* an inner (or left semi) equi-join on these very columns: its other side's keys equal them */
    if ((p->join_type == JOIN_INNER || p->join_type == JOIN_LEFT_SEMI) && p->kind != PP_NL_JOIN) {
        cn_expr **mine = side ? p->right_keys : p->left_keys, **theirs = side ? p->left_keys : p->right_keys;
        int t[RF_MAX_KEYS];
        bool all = true;
        for (int k = 0; k < r->nkeys && all; k++) {
            bool found = false;
            for (int q = 0; q < p->njoin_keys && !found; q++) {
                int mi, ti;
                if (col_index(mine[q], &mi) && mi == c[k] && col_index(theirs[q], &ti) &&
                    cn_type_eq(theirs[q]->type, mine[q]->type)) {
                    t[k] = ti;
                    found = true;
                }
            }
            all = found;
        }
        if (all) n = with_child(r, n, 1 - side, rf_inject(r, n->children[1 - side], t, depth + 1));
    }
    return n;
}

/* Is p a scan under nothing but filters and projections? */
static bool scan_chain(const cn_pplan *p)
{
    while ((p->kind == PP_FILTER || p->kind == PP_PROJECT) && p->nchildren == 1) p = p->children[0];
    return p->kind == PP_CSV_SCAN || p->kind == PP_CACHE_SCAN || p->kind == PP_LOCAL_SCAN;
}

static cn_pplan *rf_inject(rf_ctx *r, const cn_pplan *p, const int *cols, int depth)
{
    int c[RF_MAX_KEYS];
    if (depth > 64) return (cn_pplan *)p;
    /* above a scan's own filters, so only the rows they keep are probed */
    if ((p->kind == PP_FILTER || p->kind == PP_PROJECT) && scan_chain(p)) return rf_leaf(r, p, cols);
    switch (p->kind) {
    case PP_CSV_SCAN:
    case PP_CACHE_SCAN:
    case PP_LOCAL_SCAN: return rf_leaf(r, p, cols);
    case PP_FILTER:
    case PP_SORT:
    case PP_EXCHANGE:
    case PP_BROADCAST_EXCHANGE: return with_child(r, p, 0, rf_inject(r, p->children[0], cols, depth + 1));
    case PP_PROJECT:
        for (int k = 0; k < r->nkeys; k++)
            if (cols[k] >= p->nexprs || !col_index(p->exprs[cols[k]], &c[k])) return (cn_pplan *)p;
        return with_child(r, p, 0, rf_inject(r, p->children[0], c, depth + 1));
    case PP_HASH_AGG:
        /* every key column must be a grouping key, itself a column of the input */
        for (int k = 0; k < r->nkeys; k++) {
            int g;
            if (p->agg_mode == AGG_PARTIAL) {
                if (cols[k] >= p->nkeys) return (cn_pplan *)p;
                g = cols[k];
            } else if (cols[k] >= p->nexprs || !col_index(p->exprs[cols[k]], &g) || g >= p->nkeys) {
                return (cn_pplan *)p;
            }
            if (!col_index(p->keys[g], &c[k])) return (cn_pplan *)p;
        }
        return with_child(r, p, 0, rf_inject(r, p->children[0], c, depth + 1));
    case PP_HASH_JOIN:
    case PP_SMJ:
    case PP_NL_JOIN: return rf_join(r, p, cols, depth);
    case PP_UNION: {
        cn_pplan *n = NULL;
        for (int i = 0; i < p->ninputs; i++) {
            cn_pplan *in = rf_inject(r, p->inputs[i], cols, depth + 1);
            if (in == p->inputs[i]) continue;
            if (!n) {
                n = cn_dag_copy_node(r->q, p);
                n->inputs = cn_arena_memdup(r->q->arena, p->inputs, sizeof(cn_pplan *) * (size_t)(p->ninputs + 1));
            }
            n->inputs[i] = in;
        }
        return n ? n : (cn_pplan *)p;
    }
    default: return (cn_pplan *)p; /* Limit, TopN: which rows pass depends on all rows */
    }
}

/* Estimated rows of the scans under p; -1 when one is unknown. */
static double scan_rows(const cn_pplan *p)
{
    if (p->kind == PP_CSV_SCAN || p->kind == PP_CACHE_SCAN || p->kind == PP_LOCAL_SCAN) return p->est_rows;
    double s = 0;
    for (int i = 0; i < p->nchildren; i++) {
        double c = scan_rows(p->children[i]);
        if (c < 0) return -1;
        s += c;
    }
    for (int i = 0; i < p->ninputs; i++) {
        double c = scan_rows(p->inputs[i]);
        if (c < 0) return -1;
        s += c;
    }
    return s;
}

/* bsrc: the plan the broadcast came from. A broadcast holding most of what it scanned (a
 * whole dimension table) would keep nearly every row: no filter then. */
const cn_pplan *cn_rf_filter(query *q, const cn_pplan *smj, int build, const cn_pplan *stream,
                             const cn_pplan *bleaf, const cn_pplan *bsrc)
{
    int nk = smj->njoin_keys;
    /* only a side the join does not preserve may lose its rows that match nothing */
    if (!cn_join_drops_unmatched(smj->join_type, 1 - build) || !q->runtime_filter || nk < 1 || nk > RF_MAX_KEYS)
        return stream;
    cn_broadcast *bc = cn_broadcast_store_get(q->bstore, bleaf->broadcast_id);
    int64_t brows = bc ? cn_broadcast_rows(bc) : 0;
    double src_rows = bsrc ? scan_rows(bsrc) : -1;
    if (src_rows >= 0 && (double)brows * 2 > src_rows) return stream;
    cn_expr **bkeys = build == 1 ? smj->right_keys : smj->left_keys, **skeys = build == 1 ? smj->left_keys : smj->right_keys;
    int cols[RF_MAX_KEYS];
    for (int k = 0; k < nk; k++)
        if (!col_index(skeys[k], &cols[k]) || !cn_type_eq(skeys[k]->type, bkeys[k]->type)) return stream;
    rf_ctx r = {q, bleaf, nk, bkeys, brows};
    return rf_inject(&r, stream, cols, 0);
}

const cn_pplan *cn_aqe_filter_stream(query *q, const cn_pplan *bhj, const cn_pplan *bleaf, const cn_pplan *bsrc,
                                     const cn_pplan *stream)
{
    if (bleaf->kind != PP_BROADCAST_READ || bhj->null_aware || bhj->runtime_filter) return stream;
    int build = bhj->build_right ? 1 : 0;
    return cn_rf_filter(q, bhj, build, stream, bleaf, bsrc);
}
