"""gen.py — random tables and random valid Spark SQL for tests/diff/fuzz.py.

Queries are small trees (dicts and tuples) rendered twice: as Spark SQL for
Cinder and as DuckDB SQL for the oracle, so the differences Spark has by
design (README.md, "Accepted differences") are mapped at rendering time.
The same trees are shrunk by fuzz.py when a difference is found.
"""
import random

# ---------------------------------------------------------------------------
# types: 'bool', 'int', 'bigint', 'double', 'dec10_2', 'dec18_4', 'dec38_6',
# 'string', 'date', 'timestamp'
SPARK_TYPE = {'bool': 'BOOLEAN', 'int': 'INT', 'bigint': 'BIGINT', 'double': 'DOUBLE',
              'dec10_2': 'DECIMAL(10,2)', 'dec18_4': 'DECIMAL(18,4)', 'dec38_6': 'DECIMAL(38,6)',
              'string': 'STRING', 'date': 'DATE', 'timestamp': 'TIMESTAMP'}
DUCK_TYPE = {'bool': 'BOOLEAN', 'int': 'INTEGER', 'bigint': 'BIGINT', 'double': 'DOUBLE',
             'dec10_2': 'DECIMAL(10,2)', 'dec18_4': 'DECIMAL(18,4)', 'dec38_6': 'DECIMAL(38,6)',
             'string': 'VARCHAR', 'date': 'DATE', 'timestamp': 'TIMESTAMP'}
NUMERIC = ('int', 'bigint', 'double', 'dec10_2', 'dec18_4', 'dec38_6')
INTEGRAL = ('int', 'bigint')
DECIMALS = ('dec10_2', 'dec18_4', 'dec38_6')
SCALE = {'dec10_2': 2, 'dec18_4': 4, 'dec38_6': 6}
ALL_TYPES = ('bool', 'int', 'bigint', 'double', 'dec10_2', 'dec18_4', 'dec38_6', 'string', 'date', 'timestamp')

STRINGS = ['a', 'b', 'ab', 'abc', 'B', 'Abc', 'a b', ' a', 'b ', 'x,y', 'zz', 'é', 'éa', '日本', 'a%b', 'a_b',
           '12', '-3', '007', 'true', '2020-01-01', 'ABC', 'aaa', 'ba', 'Z']
INT_EXTREMES = [2147483647, -2147483648, 0, -1, 1]
BIGINT_EXTREMES = [9223372036854775807, -9223372036854775808, 0, -1, 2147483648]


class Column:
    def __init__(self, name, typ, extreme):
        self.name, self.typ, self.extreme = name, typ, extreme


class Table:
    def __init__(self, name, cols, rows):
        self.name, self.cols, self.rows = name, cols, rows


def rand_value(r, col, domain):
    t = col.typ
    if t == 'bool':
        return r.choice([True, False])
    if t in ('int', 'bigint'):
        if col.extreme and r.random() < 0.3:
            return r.choice(INT_EXTREMES if t == 'int' else BIGINT_EXTREMES)
        if r.random() < 0.7:
            return r.randint(-2, domain)
        return r.randint(-30000, 30000) if t == 'int' else r.randint(-10**12, 10**12)
    if t == 'double':
        if col.extreme and r.random() < 0.3:
            return r.choice([1.5e300, -1.5e300, 4.9e-324, -0.0, 0.0, 1e-5, 123456789.0])
        return r.randint(-4 * domain, 4 * domain) / 4.0 if r.random() < 0.7 else r.randint(-4000000, 4000000) / 4.0
    if t in DECIMALS:
        s = SCALE[t]
        if col.extreme and r.random() < 0.3:
            mx = {'dec10_2': 10**10 - 1, 'dec18_4': 10**18 - 1, 'dec38_6': 10**20 - 1}[t]
            return (r.choice([mx, -mx, 1, -1, 0]), s)
        if r.random() < 0.7:
            return (r.randint(-domain, domain) * 10**s // r.choice([1, 2, 4]), s)
        return (r.randint(-10**(6 + s), 10**(6 + s)), s)
    if t == 'string':
        return r.choice(STRINGS[:max(3, domain + 2)] if r.random() < 0.7 else STRINGS)
    if t == 'date':
        if col.extreme and r.random() < 0.2:
            return r.choice([(1, 1, 1), (9999, 12, 31), (1970, 1, 1), (2000, 2, 29)])
        return (2020 + r.randint(-1, 1), r.randint(1, 12), r.randint(1, 28 if domain < 5 else 31 if False else 28))
    if t == 'timestamp':
        if col.extreme and r.random() < 0.2:
            return r.choice([(1, 1, 1, 0, 0, 0, 0), (9999, 12, 31, 23, 59, 59, 999999), (1970, 1, 1, 0, 0, 0, 0)])
        return (2020, r.randint(1, 3), r.randint(1, 28), r.choice([0, 12, 23]), r.randint(0, 59),
                r.choice([0, 30, 59]), r.choice([0, 0, 123000, 500, 999999]))
    raise ValueError(t)


def csv_text(col, v):
    if v is None:
        return ''
    t = col.typ
    if t == 'bool':
        return 'true' if v else 'false'
    if t in ('int', 'bigint'):
        return str(v)
    if t == 'double':
        return repr(v)
    if t in DECIMALS:
        return dec_text(*v)
    if t == 'string':
        return '"%s"' % v if ',' in v else v
    if t == 'date':
        return '%04d-%02d-%02d' % v
    if t == 'timestamp':
        y, mo, d, h, mi, s, us = v
        txt = '%04d-%02d-%02d %02d:%02d:%02d' % (y, mo, d, h, mi, s)
        return txt + ('.%06d' % us if us else '')
    raise ValueError(t)


def dec_text(unscaled, s):
    neg = unscaled < 0
    digits = str(abs(unscaled)).rjust(s + 1, '0')
    return ('-' if neg else '') + digits[:-s] + '.' + digits[-s:]


def gen_tables(r, n):
    tables = []
    for ti in range(n):
        ncols = r.randint(2, 6)
        cols = [Column('k', r.choice(['int', 'int', 'bigint', 'string']), False)]
        used = {}
        for _ in range(ncols):
            t = r.choice(ALL_TYPES)
            i = used.get(t, 0)
            used[t] = i + 1
            prefix = {'bool': 'bo', 'int': 'i', 'bigint': 'l', 'double': 'x', 'dec10_2': 'm', 'dec18_4': 'n',
                      'dec38_6': 'w', 'string': 's', 'date': 'd', 'timestamp': 'ts'}[t]
            ex = r.random() < 0.35
            cols.append(Column('%s%d%s' % (prefix, i, 'x' if ex else ''), t, ex))
        shape = r.random()
        nrows = 0 if shape < 0.08 else 1 if shape < 0.14 else r.randint(2, 12) if shape < 0.6 else r.randint(13, 60)
        domain = r.choice([1, 2, 3, 5, 10])
        nullp = r.choice([0.0, 0.1, 0.25, 0.5])
        rows = []
        for _ in range(nrows):
            if rows and r.random() < 0.1:
                rows.append(list(r.choice(rows)))  # duplicates
                continue
            rows.append([None if r.random() < nullp else rand_value(r, c, domain) for c in cols])
        tables.append(Table('t%d' % ti, cols, rows))
    return tables


# ---------------------------------------------------------------------------
# expressions: tuples (kind, ...) with a result type attached by the generator
# ('col', qual, name, typ) ('lit', text_spark, text_duck, typ) ('bin', op, a, b, typ)
# ('fn', name, [args], typ) ('case', [(c, v)], else, typ) ('cast', e, typ) ('not', e)
# ('isnull', e, neg) ('inlist', e, [lits], neg) ('between', e, lo, hi, neg)
# ('insub', e, query, neg) ('exists', query, neg) ('scalar', query, typ)
# ('agg', name, arg|None, distinct, typ) ('and', a, b) ('or', a, b) ('cmp', op, a, b)

def etype(e):
    k = e[0]
    if k in ('col', 'lit'):
        return e[3]
    if k in ('bin', 'fn'):
        return e[4] if k == 'bin' else e[3]
    if k in ('case', 'cast'):
        return e[-1]
    if k in ('scalar',):
        return e[2]
    if k == 'agg':
        return e[4]
    return 'bool'


def lit(r, t):
    if t == 'bool':
        v = r.choice(['true', 'false'])
        return ('lit', v, v, t)
    if t == 'int':
        v = str(r.choice([0, 1, 2, 3, -1, 5, 10]))
        return ('lit', v, v, t)
    if t == 'bigint':
        v = r.choice([0, 1, 3, -2, 100])
        return ('lit', '%dL' % v, 'CAST(%d AS BIGINT)' % v, t)
    if t == 'double':
        v = r.choice(['0.5', '1.25', '-2.0', '0.0', '100.0'])
        return ('lit', 'CAST(%s AS DOUBLE)' % v, 'CAST(%s AS DOUBLE)' % v, t)
    if t in DECIMALS:
        v = r.choice(['1.50', '0.25', '-3.00', '10.00'])
        return ('lit', 'CAST(%s AS %s)' % (v, SPARK_TYPE[t]), 'CAST(%s AS %s)' % (v, DUCK_TYPE[t]), t)
    if t == 'string':
        v = r.choice(STRINGS[:8])
        return ('lit', "'%s'" % v, "'%s'" % v, t)
    if t == 'date':
        v = "DATE '%s'" % r.choice(['2020-01-01', '2020-06-15', '2019-12-31', '2021-03-01'])
        return ('lit', v, v, t)
    if t == 'timestamp':
        v = "TIMESTAMP '%s'" % r.choice(['2020-01-01 00:00:00', '2020-02-15 12:30:00', '2020-03-01 23:59:59'])
        return ('lit', v, v, t)
    raise ValueError(t)


def null_lit(t):
    return ('lit', 'CAST(NULL AS %s)' % SPARK_TYPE[t], 'CAST(NULL AS %s)' % DUCK_TYPE[t], t)


class Scope:
    """Columns visible to expressions: (qualifier, name, type, extreme)."""

    def __init__(self, cols):
        self.cols = cols

    def of(self, pred):
        return [c for c in self.cols if pred(c)]


def col_expr(c):
    return ('col', c[0], c[1], c[2])


def comparable(t1, t2):
    if t1 == t2:
        return True
    return t1 in NUMERIC and t2 in NUMERIC


class Gen:
    def __init__(self, r, tables, ansi):
        self.r, self.tables, self.ansi = r, tables, ansi
        self.aliasn = 0

    def alias(self, base):
        self.aliasn += 1
        return '%s_%d' % (base, self.aliasn)

    # -- scalar expressions of a wanted type --------------------------------
    def expr(self, sc, t, depth, arith_ok=True):
        r = self.r
        cols = sc.of(lambda c: c[2] == t and (arith_ok or True))
        if depth <= 0 or r.random() < 0.45:
            if cols and r.random() < 0.85:
                return col_expr(r.choice(cols))
            if r.random() < 0.1:
                return null_lit(t)
            return lit(r, t)
        d = depth - 1
        safe = sc.of(lambda c: c[2] == t and not c[3])  # columns without extreme values
        x = r.random()
        if x < 0.15:
            p = self.pred(sc, d)
            return ('case', [(p, self.expr(sc, t, d))], self.expr(sc, t, d) if r.random() < 0.8 else None, t)
        if x < 0.25:
            return ('fn', 'coalesce', [self.expr(sc, t, d), self.expr(sc, t, d)], t)
        if t in ('int', 'bigint', 'double', 'dec10_2', 'dec18_4') and safe and x < 0.6:
            a = col_expr(r.choice(safe))
            op = r.choice(['+', '-', '*', 'neg', 'abs', 'div', '%', 'greatest'])
            if op in ('+', '-'):
                return ('bin', op, a, lit(r, t) if r.random() < 0.5 else col_expr(r.choice(safe)), t)
            if op == '*':
                return ('bin', '*', a, lit(r, 'int' if t in INTEGRAL else t) if t not in DECIMALS else lit(r, 'int'), t if t != 'dec10_2' else 'dec10_2')
            if op == 'neg':
                return ('fn', 'neg', [a], t)
            if op == 'abs':
                return ('fn', 'abs', [a], t)
            if op == 'div' and t in INTEGRAL:
                return ('bin', 'div', a, col_expr(r.choice(safe)) if r.random() < 0.5 else lit(r, t), 'bigint')
            if op == '%' and t in INTEGRAL:
                return ('bin', '%', a, col_expr(r.choice(safe)) if r.random() < 0.5 else lit(r, t), t)
            return ('fn', 'greatest' if r.random() < 0.5 else 'least', [a, self.expr(sc, t, d)], t)
        if t == 'double' and x < 0.75:
            src = sc.of(lambda c: c[2] in ('int', 'bigint') and not c[3])
            if src:
                return ('bin', '/', col_expr(r.choice(src)), col_expr(r.choice(src)) if r.random() < 0.5 else lit(r, 'int'), 'double')
            src = sc.of(lambda c: c[2] in NUMERIC and not c[3])
            if src:
                return ('cast', col_expr(r.choice(src)), 'double')
        if t == 'int' and x < 0.8:
            strs = sc.of(lambda c: c[2] == 'string')
            dates = sc.of(lambda c: c[2] == 'date' and not c[3])
            tss = sc.of(lambda c: c[2] == 'timestamp')
            ch = r.random()
            if strs and ch < 0.35:
                s = col_expr(r.choice(strs))
                return r.choice([('fn', 'length', [s], 'int'), ('fn', 'instr', [s, lit(r, 'string')], 'int'),
                                 ('cast', s, 'int')])
            if dates and ch < 0.7:
                dd = col_expr(r.choice(dates))
                f = r.choice(['year', 'month', 'day', 'dayofweek', 'quarter', 'dayofyear', 'datediff'])
                if f == 'datediff':
                    return ('fn', 'datediff', [dd, self.expr(sc, 'date', 0)], 'int')
                return ('fn', f, [dd], 'int')
            if tss:
                return ('fn', r.choice(['hour', 'minute', 'year', 'month']), [col_expr(r.choice(tss))], 'int')
        if t == 'string' and x < 0.8:
            a = self.expr(sc, 'string', d)
            f = r.choice(['upper', 'lower', 'concat', 'substring', 'trim', 'replace', 'reverse', 'lpad', 'rpad', 'caststr'])
            if f == 'concat':
                return ('fn', 'concat', [a, self.expr(sc, 'string', d)], t)
            if f == 'substring':
                p, n = str(r.randint(1, 3)), str(r.randint(0, 3))
                return ('fn', 'substring', [a, ('lit', p, p, 'int'), ('lit', n, n, 'int')], t)
            if f == 'replace':
                return ('fn', 'replace', [a, ('lit', "'a'", "'a'", 'string'), ('lit', "'xy'", "'xy'", 'string')], t)
            if f in ('lpad', 'rpad'):
                n = str(r.randint(0, 5))
                return ('fn', f, [a, ('lit', n, n, 'int'), ('lit', "'*'", "'*'", 'string')], t)
            if f == 'caststr':
                src = sc.of(lambda c: c[2] in ('int', 'bigint', 'date', 'bool'))
                if src:
                    return ('cast', col_expr(r.choice(src)), 'string')
                return a
            return ('fn', f, [a], t)
        if t == 'date' and x < 0.8:
            src = sc.of(lambda c: c[2] == 'timestamp' and not c[3])
            dates = sc.of(lambda c: c[2] == 'date' and not c[3])
            if src and r.random() < 0.4:
                return ('cast', col_expr(r.choice(src)), 'date')
            if dates:
                dd = col_expr(r.choice(dates))
                f = r.choice(['date_add', 'date_sub', 'add_months', 'last_day'])
                if f == 'last_day':
                    return ('fn', f, [dd], t)
                n = str(r.randint(-40, 40))
                return ('fn', f, [dd, ('lit', n, n, 'int')], t)
        if t == 'bigint' and x < 0.8:
            src = sc.of(lambda c: c[2] == 'int')
            if src:
                return ('cast', col_expr(r.choice(src)), 'bigint')
        if cols:
            return col_expr(r.choice(cols))
        return lit(r, t)

    def any_type(self, sc):
        ts = sorted(set(c[2] for c in sc.cols))
        return self.r.choice(ts) if ts and self.r.random() < 0.8 else self.r.choice(ALL_TYPES)

    # -- predicates ---------------------------------------------------------
    def pred(self, sc, depth, sub_ok=True):
        r = self.r
        x = r.random()
        if depth > 0 and x < 0.2:
            op = r.choice(['and', 'or'])
            return (op, self.pred(sc, depth - 1, sub_ok), self.pred(sc, depth - 1, sub_ok))
        if depth > 0 and x < 0.27:
            return ('not', self.pred(sc, depth - 1, sub_ok))
        if sub_ok and depth > 0 and x < 0.37 and self.tables:
            return self.subquery_pred(sc)
        t = self.any_type(sc)
        a = self.expr(sc, t, min(depth, 1))
        y = r.random()
        if t == 'bool' and y < 0.3:
            return ('cmp', '=', a, lit(r, 'bool')) if r.random() < 0.5 else ('boolcol', a)
        if y < 0.12:
            return ('isnull', a, r.random() < 0.5)
        if y < 0.22:
            return ('inlist', a, [lit(r, t) for _ in range(r.randint(1, 3))] + ([null_lit(t)] if r.random() < 0.2 else []),
                    r.random() < 0.3)
        if y < 0.3 and t not in ('bool',):
            lo, hi = self.expr(sc, t, 0), self.expr(sc, t, 0)
            return ('between', a, lo, hi, r.random() < 0.2)
        if y < 0.36 and t == 'string':
            pat = r.choice(['a%', '%b', '%a%', '_b', 'a_c', '%', 'é%', '%,%'])
            return ('like', a, pat, r.random() < 0.2)
        if y < 0.42 and t == 'double':
            return ('fn', 'isnan', [a], 'bool')
        op = r.choice(['=', '<>', '<', '<=', '>', '>=', '<=>'])
        t2 = t
        if t in NUMERIC and r.random() < 0.3:
            t2 = r.choice(NUMERIC)
        return ('cmp', op, a, self.expr(sc, t2, 0))

    def subquery_pred(self, sc):
        r = self.r
        tb = r.choice(self.tables)
        al = self.alias('q')
        inner = Scope([(al, c.name, c.typ, c.extreme) for c in tb.cols])
        outer_keys = sc.cols
        corr = []
        if outer_keys and r.random() < 0.6:
            o = r.choice(outer_keys)
            ic = [c for c in inner.cols if comparable(c[2], o[2]) and c[2] != 'bool']
            if ic:
                corr.append(('cmp', r.choice(['=', '=', '<', '<>']), col_expr(r.choice(ic)), col_expr(o)))
        where = corr + ([self.pred(inner, 0, sub_ok=False)] if r.random() < 0.5 else [])
        kind = r.choice(['exists', 'in', 'in', 'scalar'])
        if kind == 'exists':
            q = Query(items=[(('lit', '1', '1', 'int'), 'one')], frm=('table', tb.name, al), where=conj(where))
            return ('exists', q, r.random() < 0.4)
        if kind == 'in':
            c = r.choice(inner.cols)
            cands = [o for o in sc.cols if comparable(o[2], c[2]) and o[2] == c[2]]
            if not cands:
                return ('exists', Query(items=[(('lit', '1', '1', 'int'), 'one')], frm=('table', tb.name, al),
                                        where=conj(where)), False)
            q = Query(items=[(col_expr(c), 'v')], frm=('table', tb.name, al), where=conj(where))
            return ('insub', col_expr(r.choice(cands)), q, r.random() < 0.4)
        # scalar: an aggregate (correlated scalar subqueries must aggregate)
        numc = [c for c in inner.cols if c[2] in ('int', 'bigint', 'dec10_2', 'string', 'date') and not c[3]]
        if numc and r.random() < 0.6:
            c = r.choice(numc)
            agg = ('agg', r.choice(['max', 'min']), col_expr(c), False, c[2])
            cmp_t = c[2]
        else:
            agg = ('agg', 'count', None, False, 'bigint')
            cmp_t = 'bigint'
        q = Query(items=[(agg, 'v')], frm=('table', tb.name, al), where=conj(where))
        sub = ('scalar', q, cmp_t)
        return ('cmp', r.choice(['=', '<', '>=', '<>']), self.expr(sc, cmp_t if cmp_t != 'bigint' else 'int', 0), sub)

    # -- aggregates ---------------------------------------------------------
    def agg(self, sc):
        r = self.r
        x = r.random()
        if x < 0.15:
            return ('agg', 'count', None, False, 'bigint')
        c = r.choice(sc.cols)
        t = c[2]
        if x < 0.3:
            return ('agg', 'count', col_expr(c), r.random() < 0.3, 'bigint')
        if x < 0.55 and t != 'bool':
            return ('agg', r.choice(['min', 'max']), self.expr(sc, t, 1), False, t)
        safe = sc.of(lambda cc: cc[2] in ('int', 'bigint', 'double', 'dec10_2', 'dec18_4', 'dec38_6') and not cc[3])
        if safe and x < 0.9:
            c = r.choice(safe)
            t = c[2]
            f = r.choice(['sum', 'sum', 'avg', 'stddev_samp', 'var_samp'] if t == 'double' else ['sum', 'sum', 'avg'])
            rt = {'sum': 'bigint' if t in INTEGRAL else t, 'avg': 'double' if t in INTEGRAL or t == 'double' else t}.get(f, 'double')
            return ('agg', f, col_expr(c), r.random() < 0.15, rt)
        bools = sc.of(lambda cc: cc[2] == 'bool')
        if bools:
            return ('agg', r.choice(['bool_and', 'bool_or']), col_expr(r.choice(bools)), False, 'bool')
        return ('agg', 'count', None, False, 'bigint')

    # -- FROM ---------------------------------------------------------------
    def table_ref(self, depth):
        r = self.r
        tb = r.choice(self.tables)
        if depth > 0 and r.random() < 0.12:
            sub = self.select(depth - 1, allow_order=False)
            al = self.alias('s')
            return ('sub', sub, al), Scope([(al, name, typ, True) for name, typ in sub.out_types()])
        al = self.alias(tb.name)
        return ('table', tb.name, al), Scope([(al, c.name, c.typ, c.extreme) for c in tb.cols])

    def from_clause(self, depth):
        r = self.r
        frm, sc = self.table_ref(depth)
        njoins = r.choice([0, 0, 1, 1, 1, 2])
        for _ in range(njoins):
            rf, rsc = self.table_ref(depth)
            kind = r.choice(['INNER', 'LEFT', 'RIGHT', 'FULL', 'SEMI', 'ANTI', 'CROSS', 'INNER', 'LEFT', 'FULL'])
            both = Scope(sc.cols + rsc.cols)
            cond = None
            if kind != 'CROSS':
                parts = []
                pairs = [(a, b) for a in sc.cols for b in rsc.cols if comparable(a[2], b[2]) and a[2] != 'bool']
                if pairs and r.random() < 0.9:
                    a, b = r.choice(pairs)
                    op = r.choice(['=', '=', '=', '<=>', '<', '<>'])
                    parts.append(('cmp', op, col_expr(a), col_expr(b)))
                    if r.random() < 0.25 and len(pairs) > 1:
                        a, b = r.choice(pairs)
                        parts.append(('cmp', r.choice(['=', '<=>']), col_expr(a), col_expr(b)))
                if r.random() < 0.3 or not parts:
                    parts.append(self.pred(both, 1, sub_ok=False))
                cond = conj(parts)
            frm = ('join', kind, frm, rf, cond)
            sc = Scope(sc.cols) if kind in ('SEMI', 'ANTI') else both
        return frm, sc

    # -- SELECT ---------------------------------------------------------------
    def select(self, depth, allow_order=True, want_types=None):
        r = self.r
        frm, sc = self.from_clause(depth)
        q = Query(frm=frm)
        if r.random() < 0.55:
            q.where = self.pred(sc, 2, sub_ok=depth > 0)
        grouped = want_types is None and r.random() < 0.4
        if grouped:
            keys = [col_expr(c) for c in r.sample(sc.cols, min(len(sc.cols), r.randint(0, 3)))]
            if keys and r.random() < 0.3:
                t = etype(keys[0])
                keys[0] = self.expr(sc, t, 1)
            kind = 'plain'
            if keys and r.random() < 0.45:
                kind = r.choice(['rollup', 'cube', 'sets'])
            q.group = (kind, keys, self.grouping_sets(keys) if kind == 'sets' else None)
            items = [(k, None) for k in keys if r.random() < 0.85]
            for _ in range(r.randint(1, 3)):
                items.append((self.agg(sc), None))
            # grouping(col) is not generated: Cinder lacks it (README, "Not generated")
            r.shuffle(items)
            q.items = [(e, 'c%d' % i) for i, (e, _) in enumerate(items)]
            if r.random() < 0.3:
                q.having = ('cmp', r.choice(['>', '>=', '<']), ('agg', 'count', None, False, 'bigint'), lit(r, 'bigint'))
        else:
            n = len(want_types) if want_types else r.randint(1, 4)
            items = []
            for i in range(n):
                t = want_types[i] if want_types else self.any_type(sc)
                if r.random() < 0.1 and not want_types:
                    e = self.pred(sc, 1, sub_ok=False)
                else:
                    e = self.expr(sc, t, 2)
                items.append((e, 'c%d' % i))
            q.items = items
            q.distinct = r.random() < 0.2
        if want_types is None and not grouped and r.random() < 0.12:
            q.setop = (r.choice(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT']), self.select(max(depth - 1, 0), False, q.out_types_raw()))
        if allow_order and r.random() < 0.45:
            q.order = [(i + 1, r.random() < 0.6, r.random() < 0.5) for i in range(len(q.items))]
            r.shuffle(q.order)
            if r.random() < 0.6:
                q.limit = r.choice([0, 1, 2, 3, 5, 10, 100, 9223372036854775807, 2147483647])
            if r.random() < 0.35:
                q.offset = r.choice([0, 1, 2, 5, 9223372036854775806 if q.limit is None else 1])
        return q

    def grouping_sets(self, keys):
        r = self.r
        idx = list(range(len(keys)))
        sets = []
        for _ in range(r.randint(1, 3)):
            sets.append(sorted(r.sample(idx, r.randint(0, len(idx)))))
        return sets

    def query(self):
        r = self.r
        x = r.random()
        if x < 0.07:
            return self.rollup_query()
        if x < 0.12:
            return self.limit_query()
        return self.select(2)

    def rollup_query(self):
        """GROUP BY ROLLUP over nullable keys: where NULL groups must stay apart from the total."""
        r = self.r
        tb = r.choice(self.tables)
        al = self.alias(tb.name)
        sc = Scope([(al, c.name, c.typ, c.extreme) for c in tb.cols])
        keys = [col_expr(c) for c in r.sample(sc.cols, min(len(sc.cols), r.randint(1, 2)))]
        q = Query(frm=('table', tb.name, al))
        q.group = (r.choice(['rollup', 'rollup', 'cube']), keys, None)
        q.items = [(k, 'c%d' % i) for i, k in enumerate(keys)] + [(('agg', 'count', None, False, 'bigint'), 'n')]
        return q

    def limit_query(self):
        r = self.r
        tb = r.choice(self.tables)
        al = self.alias(tb.name)
        cols = [(al, c.name, c.typ, c.extreme) for c in tb.cols]
        cs = r.sample(cols, min(len(cols), r.randint(1, 3)))
        q = Query(frm=('table', tb.name, al), items=[(col_expr(c), 'c%d' % i) for i, c in enumerate(cs)])
        q.order = [(i + 1, r.random() < 0.7, r.random() < 0.5) for i in range(len(cs))]
        q.limit = r.choice([9223372036854775807, 9223372036854775806, 2147483647, 4294967296])
        q.offset = r.choice([1, 2, 3])
        return q


def conj(parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    e = parts[0]
    for p in parts[1:]:
        e = ('and', e, p)
    return e


class Query:
    def __init__(self, frm=None, items=None, where=None):
        self.frm, self.items, self.where = frm, items or [], where
        self.group = None  # (kind, keys, sets)
        self.having = None
        self.distinct = False
        self.order = None  # [(ordinal, asc, nulls_first)]
        self.limit = None
        self.offset = None
        self.setop = None  # (op, Query)

    def copy(self):
        q = Query(self.frm, list(self.items), self.where)
        q.group, q.having, q.distinct = self.group, self.having, self.distinct
        q.order, q.limit, q.offset, q.setop = self.order, self.limit, self.offset, self.setop
        return q

    def out_types_raw(self):
        return [etype(e) for e, _ in self.items]

    def out_types(self):
        return [(a, etype(e)) for e, a in self.items]

    def ordered(self):
        return self.order is not None


# ---------------------------------------------------------------------------
# rendering

def render_expr(e, d, ansi):
    k = e[0]
    R = lambda x: render_expr(x, d, ansi)  # noqa: E731
    if k == 'col':
        return '%s.%s' % (e[1], e[2])
    if k == 'lit':
        return e[1] if d == 'spark' else e[2]
    if k == 'bin':
        op, a, b = e[1], R(e[2]), R(e[3])
        if op in ('div', '%', '/'):
            # a zero divisor is an error under ANSI in Spark and NULL in DuckDB: never divide by zero
            b = 'nullif(%s, 0)' % b
            if op == 'div' and d == 'duck':
                return '(%s // %s)' % (a, b)
            return '(%s %s %s)' % (a, op, b)
        return '(%s %s %s)' % (a, op, b)
    if k == 'fn':
        name, args = e[1], [R(a) for a in e[2]]
        if name == 'neg':
            return '(- %s)' % args[0]
        if d == 'duck':
            if name == 'concat':
                return '(%s || %s)' % (args[0], args[1])
            if name == 'dayofweek':
                return '(dayofweek(%s) + 1)' % args[0]
            if name == 'datediff':
                return "date_diff('day', %s, %s)" % (args[1], args[0])
            if name == 'date_add':
                return 'CAST(%s + %s AS DATE)' % (args[0], args[1])
            if name == 'date_sub':
                return 'CAST(%s - %s AS DATE)' % (args[0], args[1])
            if name == 'add_months':
                return 'CAST(%s + to_months(%s) AS DATE)' % (args[0], args[1])
            if name == 'isnan':
                return 'coalesce(isnan(%s), false)' % args[0]
            if name == 'greatest' or name == 'least':
                return '%s(%s)' % (name, ', '.join(args))
            if name == 'substring':
                return 'substring(%s, %s, %s)' % tuple(args)
            if name == 'lpad' or name == 'rpad':
                return '%s(%s, %s, %s)' % (name, args[0], args[1], args[2])
            if name == 'trim':
                return "trim(%s, ' ')" % args[0]
        return '%s(%s)' % (name, ', '.join(args))
    if k == 'case':
        s = 'CASE' + ''.join(' WHEN %s THEN %s' % (R(c), R(v)) for c, v in e[1])
        if e[2] is not None:
            s += ' ELSE %s' % R(e[2])
        return s + ' END'
    if k == 'cast':
        t = e[2]
        tn = SPARK_TYPE[t] if d == 'spark' else DUCK_TYPE[t]
        if d == 'duck' and not ansi and etype(e[1]) == 'string':
            return 'TRY_CAST(%s AS %s)' % (R(e[1]), tn)
        return 'CAST(%s AS %s)' % (R(e[1]), tn)
    if k == 'not':
        return '(NOT %s)' % R(e[1])
    if k == 'boolcol':
        return R(e[1])
    if k in ('and', 'or'):
        return '(%s %s %s)' % (R(e[1]), k.upper(), R(e[2]))
    if k == 'cmp':
        op = e[1]
        if op == '<=>' and d == 'duck':
            return '(%s IS NOT DISTINCT FROM %s)' % (R(e[2]), R(e[3]))
        return '(%s %s %s)' % (R(e[2]), op, R(e[3]))
    if k == 'isnull':
        return '(%s IS %sNULL)' % (R(e[1]), 'NOT ' if e[2] else '')
    if k == 'inlist':
        return '(%s %sIN (%s))' % (R(e[1]), 'NOT ' if e[3] else '', ', '.join(R(x) for x in e[2]))
    if k == 'between':
        return '(%s %sBETWEEN %s AND %s)' % (R(e[1]), 'NOT ' if e[4] else '', R(e[2]), R(e[3]))
    if k == 'like':
        return "(%s %sLIKE '%s')" % (R(e[1]), 'NOT ' if e[3] else '', e[2])
    if k == 'insub':
        return '(%s %sIN (%s))' % (R(e[1]), 'NOT ' if e[3] else '', render(e[2], d, ansi))
    if k == 'exists':
        return '(%sEXISTS (%s))' % ('NOT ' if e[2] else '', render(e[1], d, ansi))
    if k == 'scalar':
        return '(%s)' % render(e[1], d, ansi)
    if k == 'agg':
        name, arg, distinct = e[1], e[2], e[3]
        if arg is None:
            return 'count(*)'
        a = R(arg)
        return '%s(%s%s)' % (name, 'DISTINCT ' if distinct else '', a)
    raise ValueError(k)


def render_from(f, d, ansi):
    k = f[0]
    if k == 'table':
        return '%s %s' % (f[1], f[2])
    if k == 'sub':
        return '(%s) %s' % (render(f[1], d, ansi), f[2])
    kind, left, right, cond = f[1], f[2], f[3], f[4]
    L, Rr = render_from(left, d, ansi), render_from(right, d, ansi)
    if right[0] == 'join':
        Rr = '(%s)' % Rr
    if kind == 'CROSS':
        return '%s CROSS JOIN %s' % (L, Rr)
    jk = {'INNER': 'JOIN', 'LEFT': 'LEFT OUTER JOIN', 'RIGHT': 'RIGHT OUTER JOIN', 'FULL': 'FULL OUTER JOIN',
          'SEMI': 'LEFT SEMI JOIN' if d == 'spark' else 'SEMI JOIN',
          'ANTI': 'LEFT ANTI JOIN' if d == 'spark' else 'ANTI JOIN'}[kind]
    return '%s %s %s ON %s' % (L, jk, Rr, render_expr(cond, d, ansi) if cond is not None else 'true')


def render(q, d, ansi):
    s = 'SELECT %s%s FROM %s' % ('DISTINCT ' if q.distinct else '',
                                 ', '.join('%s AS %s' % (render_expr(e, d, ansi), a) for e, a in q.items),
                                 render_from(q.frm, d, ansi))
    if q.where is not None:
        s += ' WHERE ' + render_expr(q.where, d, ansi)
    if q.group is not None:
        kind, keys, sets = q.group
        ks = [render_expr(k, d, ansi) for k in keys]
        if kind == 'plain':
            if ks:
                s += ' GROUP BY ' + ', '.join(ks)
        elif kind in ('rollup', 'cube'):
            s += ' GROUP BY %s(%s)' % (kind.upper(), ', '.join(ks))
        else:
            s += ' GROUP BY GROUPING SETS (%s)' % ', '.join('(%s)' % ', '.join(ks[i] for i in st) for st in sets)
    having = q.having
    if d == 'duck' and q.group is not None and q.group[0] != 'plain':
        # Spark: an aggregate with grouping sets has no rows over empty input (README)
        having = ('cmp', '>', ('agg', 'count', None, False, 'bigint'), ('lit', '0', '0', 'int')) if having is None \
            else ('and', having, ('cmp', '>', ('agg', 'count', None, False, 'bigint'), ('lit', '0', '0', 'int')))
    if having is not None:
        s += ' HAVING ' + render_expr(having, d, ansi)
    if q.setop is not None:
        op, other = q.setop
        s = '(%s) %s (%s)' % (s, op, render(other, d, ansi))
        if q.order is not None or q.limit is not None or q.offset is not None:
            s = 'SELECT * FROM (%s) u' % s
    if q.order is not None:
        s += ' ORDER BY ' + ', '.join('%d %s NULLS %s' % (i, 'ASC' if asc else 'DESC', 'FIRST' if nf else 'LAST')
                                      for i, asc, nf in q.order)
    if q.limit is not None:
        s += ' LIMIT %d' % q.limit
    if q.offset is not None:
        s += ' OFFSET %d' % q.offset
    return s
