#!/usr/bin/env python3
"""fuzz.py — differential and metamorphic query fuzzer for Cinder (see README.md).

usage: fuzz.py --cinder PATH --queries N [--seed S] [--batch B] [--conf k=v]...
               [--no-duckdb] [--log FILE] [--max-seconds T]

Each round makes random tables (CSV files), a batch of random queries over them,
runs the batch in one `cinder sql --format golden -f` process with the base
settings and in one more with a variant (local[N], shuffle partitions, no
broadcasts, AQE off, CACHE TABLE, the input split into several files), and in
one DuckDB process (duck.mjs). It compares Cinder with DuckDB (the oracle) and
the base run with the variant run (metamorphic), and checks TLP and NoREC groups
(no oracle needed). Each difference is shrunk (query clauses, then data rows)
and printed as a reproducer: the settings, CREATE VIEW statements, tiny CSV
files, and the query. Ends with "diff: N passed, N failed" over its checks.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
from gen import Query, render, render_expr, conj  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

VARIANTS = [
    ('local[1]', {'master': 'local[1]'}),
    ('local[4],partitions=1', {'master': 'local[4]', 'spark.sql.shuffle.partitions': '1'}),
    ('partitions=13', {'spark.sql.shuffle.partitions': '13'}),
    ('broadcast=-1', {'spark.sql.autoBroadcastJoinThreshold': '-1'}),
    ('broadcast=-1,smj', {'spark.sql.autoBroadcastJoinThreshold': '-1',
                          'spark.sql.adaptive.maxShuffledHashJoinLocalMapThreshold': '0'}),
    ('adaptive=false', {'spark.sql.adaptive.enabled': 'false'}),
    ('cache', {'cache': True}),
    ('split-files', {'split': True}),
]

ERR_LINE = re.compile(r'^[a-z]+(\.[a-zA-Z0-9_$]+)+$')


# Cinder bugs found and not fixed yet (README.md, "Open bugs"): a difference on a query
# of such a shape is counted under the bug's name, not shrunk again; --skip-known does not
# generate the shapes at all (the bounded run of make test). None is open.
def known_bug(q):
    return None


# ---------------------------------------------------------------------------
# tables on disk

def write_tables(tables, d, seed):
    r = random.Random(seed)
    for t in tables:
        for sub, nparts in ((t.name, 1), (t.name + '_split', r.randint(2, 4))):
            p = os.path.join(d, sub)
            os.makedirs(p, exist_ok=True)
            for f in os.listdir(p):
                os.unlink(os.path.join(p, f))
            parts = [[] for _ in range(nparts)]
            for row in t.rows:
                parts[r.randrange(nparts)].append(row)
            for i, rows in enumerate(parts):
                with open(os.path.join(p, 'part-%d.csv' % i), 'w', encoding='utf-8') as f:
                    for row in rows:
                        f.write(','.join(gen.csv_text(c, v) for c, v in zip(t.cols, row)) + '\n')


def spark_views(tables, d, split=False):
    out = []
    for t in tables:
        cols = ', '.join('%s %s' % (c.name, gen.SPARK_TYPE[c.typ]) for c in t.cols)
        path = os.path.join(d, t.name + ('_split' if split else ''))
        out.append("CREATE OR REPLACE TEMPORARY VIEW %s (%s) USING csv OPTIONS (path '%s')" % (t.name, cols, path))
    return out


def duck_views(tables, d):
    out = []
    for t in tables:
        cols = ', '.join("'%s': '%s'" % (c.name, gen.DUCK_TYPE[c.typ]) for c in t.cols)
        path = os.path.join(d, t.name, '*.csv')
        out.append("CREATE OR REPLACE VIEW %s AS SELECT * FROM read_csv('%s', header = false, auto_detect = false, "
                   "delim = ',', quote = '\"', escape = '\"', columns = {%s})" % (t.name, path, cols))
    return out


# ---------------------------------------------------------------------------
# engines

class Cinder:
    def __init__(self, path, confs):
        self.path, self.confs = path, confs

    def run(self, setup, stmts, ansi, variant=None):
        """Run setup statements then stmts in one process; a list with one result per
        statement of stmts: ('ok', rows) | ('err', errorClass) | ('crash', stderr excerpt).
        After a crash the rest run in a new process, after the setup again."""
        variant = variant or {}
        conf = {'spark.sql.session.timeZone': 'UTC', 'spark.sql.shuffle.partitions': '4',
                'spark.sql.ansi.enabled': 'true' if ansi else 'false'}
        conf.update({k: v for k, v in variant.items() if '.' in k})
        results = []
        start = 0
        while start < len(stmts):
            with tempfile.NamedTemporaryFile('w', suffix='.sql', delete=False, encoding='utf-8') as f:
                f.write('\n;\n'.join(setup + stmts[start:]) + '\n;\n')
                script = f.name
            cmd = [self.path, 'sql', '--format', 'golden', '--master', variant.get('master', 'local[2]')]
            for k, v in list(conf.items()) + self.confs:
                cmd += ['--conf', '%s=%s' % (k, v)]
            cmd += ['-f', script]
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, errors='replace', timeout=300)
                out, err, rc = p.stdout, p.stderr, p.returncode
            except subprocess.TimeoutExpired as e:
                out, err, rc = (e.stdout or b'').decode('utf-8', 'replace') if isinstance(e.stdout, bytes) else (e.stdout or ''), 'timeout', -9
            finally:
                os.unlink(script)
            blocks = parse_golden(out)
            if len(blocks) < len(setup):
                results.extend([('crash', 'setup failed: ' + err.strip()[-300:])] * (len(stmts) - start))
                break
            blocks = blocks[len(setup):]
            san = sanitizer_report(err)
            if rc in (0, 1) and len(blocks) == len(stmts) - start and not san:
                results.extend(blocks)
                break
            # a crash, a timeout or a sanitizer report: the statement after the last
            # complete block is blamed, the rest run again in a new process
            done = max(0, len(blocks) - 1) if len(blocks) == len(stmts) - start else len(blocks)
            results.extend(blocks[:done])
            why = san or ('status %d: %s' % (rc, err.strip().splitlines()[-1] if err.strip() else ''))
            results.append(('crash', why[:500]))
            start += done + 1
        return results


def sanitizer_report(err):
    for line in err.splitlines():
        if 'runtime error:' in line or 'ERROR: AddressSanitizer' in line or 'ERROR: LeakSanitizer' in line:
            return line.strip()
    return None


def parse_golden(out):
    res = []
    for blk in out.split('-- !query\n')[1:]:
        m = re.match(r'(.*?)\n-- !query schema\n(.*?)\n-- !query output\n(.*)', blk, re.S)
        if not m:
            continue
        body = m.group(3)
        if body.endswith('\n\n\n'):
            body = body[:-3]
        elif body.endswith('\n\n'):
            body = body[:-2]
        lines = body.split('\n') if body else []
        if lines and ERR_LINE.match(lines[0]) and m.group(2) == 'struct<>':
            em = re.search(r'"errorClass" : "([^"]+)"', body)
            res.append(('err', em.group(1) if em else lines[0]))
        else:
            res.append(('ok', [l.split('\t') for l in lines]))
    return res


class Duck:
    def __init__(self):
        self.p = subprocess.Popen(['node', os.path.join(HERE, 'duck.mjs')], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, encoding='utf-8', bufsize=1)

    def q(self, sql):
        self.p.stdin.write(json.dumps({'sql': sql}) + '\n')
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError('duck.mjs exited')
        o = json.loads(line)
        if 'error' in o:
            return ('err', o['error'])
        return ('ok', [['NULL' if v is None else v for v in row] for row in o['rows']])

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()


def duck_available():
    return shutil.which('node') and os.path.exists(
        os.path.join(os.environ.get('DUCKDB_NODE_MODULES', os.path.join(ROOT, 'tests', '.duckdb', 'node_modules')),
                     '@duckdb', 'node-api', 'package.json'))


# ---------------------------------------------------------------------------
# comparing results

def num(s):
    if s in ('NULL', 'true', 'false'):
        return None
    try:
        return Decimal(s)
    except (InvalidOperation, ValueError):
        return None


def veq(a, b):
    """a from Cinder, b from the other side (DuckDB or a variant run)."""
    if a == b:
        return True
    na, nb = num(a), num(b)
    if na is None or nb is None or na.is_nan() or nb.is_nan():
        return False
    if na == nb or float(na) == float(nb):  # the same double ('4.9E-324' in Java, '5e-324' in JS)
        return True
    if na.is_infinite() or nb.is_infinite():
        return False
    tol = max(abs(na), abs(nb)) * Decimal('1e-9')
    for s in (a, b):  # a decimal result printed at a smaller scale: Spark's result scale (README)
        if 'E' not in s and '.' in s:
            tol = max(tol, Decimal(5) * Decimal(10) ** -(len(s) - s.index('.') - 1 + 1) * Decimal('1.000001'))
    return abs(na - nb) <= tol


def vkey(s):
    if s == 'NULL':
        return (0, 0, '')
    n = num(s)
    if n is not None and not n.is_nan():
        return (1, float(n), '')
    return (2, 0, s)


def rows_equal(a, b, ordered):
    if len(a) != len(b):
        return False
    if not ordered:
        a = sorted(a, key=lambda row: [vkey(v) for v in row])
        b = sorted(b, key=lambda row: [vkey(v) for v in row])
    for x, y in zip(a, b):
        if len(x) != len(y) or not all(veq(u, v) for u, v in zip(x, y)):
            return False
    return True


def compare_oracle(c, d, ordered, ansi):
    """None when Cinder's result c agrees with DuckDB's d, else ('accepted'|'diff', reason)."""
    if c[0] == 'crash':
        return ('diff', 'cinder crashed: ' + c[1])
    if c[0] == 'err' and d[0] == 'err':
        return None
    if c[0] == 'err':
        if c[1] in ('ARITHMETIC_OVERFLOW', 'NUMERIC_VALUE_OUT_OF_RANGE', 'CAST_OVERFLOW',
                    'DATETIME_OVERFLOW') and ansi:
            return ('accepted', 'ansi-overflow: Cinder %s where DuckDB computes in wider types' % c[1])
        if c[1] in ('CAST_INVALID_INPUT',) and ansi:
            return ('accepted', 'evaluation-order: Cinder %s on a row or branch DuckDB never evaluated' % c[1])
        return ('diff', 'Cinder error %s, DuckDB %d rows' % (c[1], len(d[1])))
    if d[0] == 'err':
        if re.search(r'overflow|out of range|Could not convert|Conversion Error', d[1], re.I) and not ansi:
            return ('accepted', 'non-ansi: DuckDB error "%s" where Spark with ANSI off wraps or gives NULL' % d[1][:80])
        if re.search(r'Could not convert string', d[1], re.I) and ansi:
            return ('accepted', 'evaluation-order: DuckDB error "%s" on a row Cinder never evaluated' % d[1][:80])
        if re.search(r'More than one row returned by a subquery', d[1], re.I):
            return None  # Cinder ran a multi-row scalar subquery that DuckDB refuses: cannot happen (aggregates)
        return ('diff', 'DuckDB error "%s", Cinder %d rows' % (d[1][:200], len(c[1])))
    if rows_equal(c[1], d[1], ordered):
        return None
    if ordered and rows_equal(c[1], d[1], False):
        return ('diff', 'same rows, different order')
    return ('diff', 'different rows (Cinder %d, DuckDB %d)' % (len(c[1]), len(d[1])))


def compare_variant(a, b, ordered):
    if a[0] == 'crash' or b[0] == 'crash':
        return ('diff', 'crash: ' + (a[1] if a[0] == 'crash' else b[1]))
    if a[0] == 'err' or b[0] == 'err':
        if a[0] == b[0] and a[1] == b[1]:
            return None
        return ('diff', 'base %s, variant %s' % (a[1] if a[0] == 'err' else '%d rows' % len(a[1]),
                                                 b[1] if b[0] == 'err' else '%d rows' % len(b[1])))
    if rows_equal(a[1], b[1], ordered):
        return None
    return ('diff', 'base %d rows, variant %d rows' % (len(a[1]), len(b[1])))


def scalar_int(res):
    if res[0] != 'ok' or len(res[1]) != 1 or len(res[1][0]) != 1:
        return None
    v = res[1][0][0]
    return 0 if v == 'NULL' else int(v)


# ---------------------------------------------------------------------------
# TLP / NoREC groups: queries whose results must agree among themselves

def tlp_group(g, skip_known=False):
    frm, sc = g.from_clause(1)
    p = g.pred(sc, 2)
    cnt = ('agg', 'count', None, False, 'bigint')
    qs = [Query(frm=frm, items=[(cnt, 'n')]),
          Query(frm=frm, items=[(cnt, 'n')], where=p),
          Query(frm=frm, items=[(cnt, 'n')], where=('not', p)),
          Query(frm=frm, items=[(cnt, 'n')], where=('isnull', p, False)),
          Query(frm=frm, items=[(('agg', 'sum', ('case', [(p, ('lit', '1', '1', 'int'))], ('lit', '0', '0', 'int'), 'int'),
                                  False, 'bigint'), 'n')])]
    cols = g.r.sample(sc.cols, min(len(sc.cols), 2))
    items = [(gen.col_expr(c), 'c%d' % i) for i, c in enumerate(cols)]
    whole = Query(frm=frm, items=items)
    parts = [Query(frm=frm, items=items, where=w) for w in (p, ('not', p), ('isnull', p, False))]
    parts[1].setop = ('UNION ALL', parts[2])
    parts[0].setop = ('UNION ALL', parts[1])
    qs += [whole, parts[0]]
    return qs


def check_tlp(res):
    """res: the results of tlp_group's 7 queries. None or a reason."""
    if any(x[0] != 'ok' for x in res):
        return None  # errors are the oracle's business
    n = [scalar_int(x) for x in res[:5]]
    if None in n:
        return 'TLP: a count did not return one row'
    if n[1] + n[2] + n[3] != n[0]:
        return 'TLP: count(p) %d + count(NOT p) %d + count(p IS NULL) %d != count(*) %d' % (n[1], n[2], n[3], n[0])
    if n[4] != n[1]:
        return 'NoREC: sum(CASE WHEN p THEN 1 ELSE 0 END) %d != count(*) WHERE p %d' % (n[4], n[1])
    if not rows_equal(res[5][1], res[6][1], False):
        return 'TLP: rows WHERE p UNION ALL WHERE NOT p UNION ALL WHERE p IS NULL (%d) != all rows (%d)' % (
            len(res[6][1]), len(res[5][1]))
    return None


# ---------------------------------------------------------------------------
# shrinking

def pred_children(e):
    if e is None:
        return []
    k = e[0]
    if k in ('and', 'or'):
        return [e[1], e[2]] + [(k, c, e[2]) for c in pred_children(e[1])] + [(k, e[1], c) for c in pred_children(e[2])]
    if k == 'not':
        return [e[1]] + [('not', c) for c in pred_children(e[1])]
    return []


def from_candidates(f):
    out = []
    if f[0] == 'join':
        kind, left, right, cond = f[1], f[2], f[3], f[4]
        out += [left, right]
        if kind not in ('INNER', 'CROSS'):
            out.append(('join', 'INNER', left, right, cond))
        for c in pred_children(cond):
            out.append(('join', kind, left, right, c))
        for l2 in from_candidates(left):
            out.append(('join', kind, l2, right, cond))
        for r2 in from_candidates(right):
            out.append(('join', kind, left, r2, cond))
    elif f[0] == 'sub':
        for q2 in query_candidates(f[1]):
            out.append(('sub', q2, f[2]))
    return out


def query_candidates(q):
    """Simpler variants of q, roughly most-simplifying first."""
    out = []

    def v(**kw):
        c = q.copy()
        for k, val in kw.items():
            setattr(c, k, val)
        out.append(c)
    if q.setop is not None:
        v(setop=None)
        for s2 in query_candidates(q.setop[1]):
            if len(s2.items) == len(q.items):
                v(setop=(q.setop[0], s2))
    if q.limit is not None or q.offset is not None:
        v(limit=None, offset=None)
        v(offset=None)
        v(limit=None)
    if q.order is not None and q.limit is None and q.offset is None:
        v(order=None)
    if q.where is not None:
        v(where=None)
        for c in pred_children(q.where):
            v(where=c)
    if q.having is not None:
        v(having=None)
    if q.distinct:
        v(distinct=False)
    if q.group is not None and q.group[0] != 'plain' and 'grouping' not in str(q.items):
        v(group=('plain', q.group[1], None))
    if len(q.items) > 1 and q.setop is None:
        for i in range(len(q.items)):
            items = q.items[:i] + q.items[i + 1:]
            order = None
            if q.order is not None:
                order = [(o - (o > i + 1), a, n) for o, a, n in q.order if o != i + 1]
            v(items=items, order=order)
    for f2 in from_candidates(q.frm):
        v(frm=f2)
    return out


class Shrinker:
    def __init__(self, fz, tables, ansi, kind, variant):
        self.fz, self.ansi, self.kind, self.variant = fz, ansi, kind, variant
        self.tables = [gen.Table(t.name, t.cols, list(t.rows)) for t in tables]
        self.dir = tempfile.mkdtemp(prefix='cinder-diff-shrink-')
        self.tries = 0

    def differs(self, q, tables):
        self.tries += 1
        write_tables(tables, self.dir, 0)
        ordered = q.ordered()
        stmts = spark_views(tables, self.dir) + [render(q, 'spark', self.ansi)]
        if self.kind == 'oracle':
            c = self.fz.cinder.run(stmts[:-1], stmts[-1:], self.ansi)[-1]
            for s in duck_views(tables, self.dir):
                self.fz.duck.q(s)
            d = self.fz.duck.q(render(q, 'duck', self.ansi))
            r = compare_oracle(c, d, ordered, self.ansi)
            return r is not None and r[0] == 'diff'
        base = self.fz.cinder.run(stmts[:-1], stmts[-1:], self.ansi)[-1]
        other = self.fz.cinder.run(self.fz.variant_stmts(tables, self.dir, self.variant), stmts[-1:],
                                   self.ansi, self.variant)[-1]
        return compare_variant(base, other, ordered) is not None

    def shrink(self, q, budget_s=60):
        t0 = time.time()
        if not self.differs(q, self.tables):
            return q, self.tables, False
        progress = True
        while progress and time.time() - t0 < budget_s:
            progress = False
            for c in query_candidates(q):
                if time.time() - t0 > budget_s:
                    break
                if self.differs(c, self.tables):
                    q, progress = c, True
                    break
            # rows: drop chunks, halving the chunk size
            for ti, t in enumerate(self.tables):
                n = max(1, len(t.rows) // 2)
                while n >= 1 and time.time() - t0 < budget_s:
                    i = 0
                    while i < len(self.tables[ti].rows):
                        rows = self.tables[ti].rows
                        cand = [gen.Table(x.name, x.cols, list(x.rows)) for x in self.tables]
                        cand[ti].rows = rows[:i] + rows[i + n:]
                        if self.differs(q, cand):
                            self.tables, progress = cand, True
                        else:
                            i += n
                    n //= 2
        return q, self.tables, True

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def reproducer(fz, q, tables, ansi, kind, variant_name, variant, reason):
    used = set(re.findall(r'\bt\d+\b', render(q, 'spark', ansi)))
    lines = ['-- %s: %s' % (kind if kind == 'oracle' else 'metamorphic ' + variant_name, reason),
             '-- cinder sql --conf spark.sql.session.timeZone=UTC --conf spark.sql.ansi.enabled=%s%s%s' % (
                 'true' if ansi else 'false',
                 ''.join(' --conf %s=%s' % kv for kv in fz.cinder.confs),
                 '' if kind == 'oracle' else '  (variant: %s)' % variant_name)]
    for t in tables:
        if t.name not in used:
            continue
        lines.append('-- %s.csv (%d rows):' % (t.name, len(t.rows)))
        for row in t.rows:
            lines.append('--   ' + ','.join(gen.csv_text(c, v) for c, v in zip(t.cols, row)))
        cols = ', '.join('%s %s' % (c.name, gen.SPARK_TYPE[c.typ]) for c in t.cols)
        lines.append("CREATE OR REPLACE TEMPORARY VIEW %s (%s) USING csv OPTIONS (path '%s.csv');" % (t.name, cols, t.name))
    lines.append(render(q, 'spark', ansi) + ';')
    if kind == 'oracle':
        lines.append('-- DuckDB: ' + render(q, 'duck', ansi))
        c = fz.cinder_last
        d = fz.duck_last
        if c is not None:
            lines.append('-- Cinder: %s' % (repr(c) if c[0] != 'ok' else c[1][:10]))
            lines.append('-- DuckDB: %s' % (repr(d) if d[0] != 'ok' else d[1][:10]))
    return '\n'.join(lines)


# ---------------------------------------------------------------------------

class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.cinder = Cinder(args.cinder, args.conf)
        self.duck = Duck() if args.duckdb else None
        self.stats = {'queries': 0, 'oracle_ok': 0, 'oracle_accepted': 0, 'metamorphic': 0, 'tlp_groups': 0,
                      'both_error': 0, 'cinder_error': 0}
        self.accepted = {}
        self.diffs = []  # (check, reason, reproducer)
        self.checks = {}  # check name -> [passed, failed]
        self.cinder_last = self.duck_last = None

    def note(self, check, ok):
        c = self.checks.setdefault(check, [0, 0])
        c[0 if ok else 1] += 1

    def variant_stmts(self, tables, d, variant):
        stmts = spark_views(tables, d, split=variant.get('split', False))
        if variant.get('cache'):
            stmts += ['CACHE TABLE %s' % t.name for t in tables]
        return stmts

    def report(self, check, reason, q, tables, ansi, kind, vname=None, variant=None):
        key = (check, reason.split(':')[0][:40], render(q, 'spark', ansi)[:60])
        sh = Shrinker(self, tables, ansi, kind, variant)
        try:
            q2, t2, still = sh.shrink(q, self.args.shrink_seconds)
            if still and kind == 'oracle':
                # the final results, for the reproducer
                sh.differs(q2, t2)
                stmts = spark_views(t2, sh.dir) + [render(q2, 'spark', ansi)]
                self.cinder_last = self.cinder.run(stmts[:-1], stmts[-1:], ansi)[-1]
                self.duck_last = self.duck.q(render(q2, 'duck', ansi))
            elif not still:
                q2, t2 = q, tables
                reason += ' (did not reproduce alone)'
            rep = reproducer(self, q2, t2, ansi, kind, vname, variant, reason)
        finally:
            sh.close()
            self.cinder_last = self.duck_last = None
            if self.duck is not None:
                for s in duck_views(tables, self.round_dir):
                    self.duck.q(s)
        self.diffs.append((check, reason, rep))
        print('DIFFERENCE [%s] %s\n%s\n' % (check, reason, rep), flush=True)
        del key

    def round(self, rnd, seed):
        r = random.Random(seed)
        ansi = r.random() < 0.7
        tables = gen.gen_tables(r, r.randint(2, 4))
        g = gen.Gen(r, tables, ansi)
        d = tempfile.mkdtemp(prefix='cinder-diff-')
        self.round_dir = d
        try:
            write_tables(tables, d, seed)
            entries = []  # (query, group id)
            groups = []
            n = self.args.batch
            while len(entries) < n:
                if r.random() < 0.06:
                    qs = tlp_group(g, self.args.skip_known)
                    groups.append(list(range(len(entries), len(entries) + len(qs))))
                    entries += qs
                else:
                    q = {'rollup': g.rollup_query, 'limit': g.limit_query}.get(self.args.shape, g.query)()
                    if self.args.skip_known and known_bug(q):
                        continue
                    entries.append(q)
            spark_sql = [render(q, 'spark', ansi) for q in entries]
            base = self.cinder.run(spark_views(tables, d), spark_sql, ansi)
            vname, variant = VARIANTS[rnd % len(VARIANTS)]
            vstmts = self.variant_stmts(tables, d, variant)
            other = self.cinder.run(vstmts, spark_sql, ansi, variant)
            self.stats['queries'] += len(entries)
            if self.duck is not None:
                for s in duck_views(tables, d):
                    self.duck.q(s)
            reported = 0
            for i, q in enumerate(entries):
                c = base[i]
                if self.duck is not None:
                    dres = self.duck.q(render(q, 'duck', ansi))
                    res = compare_oracle(c, dres, q.ordered(), ansi)
                    if c[0] == 'err':
                        self.stats['both_error' if dres[0] == 'err' else 'cinder_error'] += 1
                    if res is None:
                        self.stats['oracle_ok'] += 1
                        self.note('oracle', True)
                    elif res[0] == 'accepted':
                        self.stats['oracle_accepted'] += 1
                        key = res[1].split(':')[0]
                        self.accepted[key] = self.accepted.get(key, 0) + 1
                        self.note('oracle', True)
                    elif known_bug(q):
                        self.note('known bug ' + known_bug(q), False)
                    else:
                        self.note('oracle', False)
                        if reported < 3 and len(self.diffs) < self.args.max_reports:
                            reported += 1
                            self.report('oracle', res[1], q, tables, ansi, 'oracle')
                res = compare_variant(c, other[i], q.ordered())
                self.stats['metamorphic'] += 1
                if res is not None and known_bug(q):
                    self.note('known bug ' + known_bug(q), False)
                    continue
                self.note('metamorphic ' + vname, res is None)
                if res is not None and reported < 3 and len(self.diffs) < self.args.max_reports:
                    reported += 1
                    self.report('metamorphic ' + vname, res[1], q, tables, ansi, 'variant', vname, variant)
            for grp in groups:
                self.stats['tlp_groups'] += 1
                why = check_tlp([base[i] for i in grp])
                self.note('TLP/NoREC', why is None)
                if why is not None and len(self.diffs) < self.args.max_reports:
                    print('DIFFERENCE [TLP/NoREC] %s\n%s\n' % (why, '\n'.join(
                        '-- ' + spark_sql[i] for i in grp)), flush=True)
                    tl = []
                    for t in tables:
                        tl.append('-- %s (%s): %s' % (t.name, ', '.join('%s %s' % (c.name, gen.SPARK_TYPE[c.typ]) for c in t.cols),
                                                      ' | '.join(','.join(gen.csv_text(c, v) for c, v in zip(t.cols, row)) for row in t.rows)))
                    self.diffs.append(('TLP/NoREC', why, '\n'.join(tl + [spark_sql[i] + ';' for i in grp])))
        finally:
            shutil.rmtree(d, ignore_errors=True)


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('--cinder', default=os.path.join(ROOT, 'build', 'cinder'))
    ap.add_argument('--queries', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--batch', type=int, default=150)
    ap.add_argument('--conf', action='append', default=[])
    ap.add_argument('--no-duckdb', dest='duckdb', action='store_false')
    ap.add_argument('--max-seconds', type=float, default=0)
    ap.add_argument('--max-reports', type=int, default=20)
    ap.add_argument('--shrink-seconds', type=float, default=60)
    ap.add_argument('--log', default=None)
    ap.add_argument('--skip-known', action='store_true', help='do not generate the shapes of open bugs')
    ap.add_argument('--shape', choices=['rollup', 'limit'], default=None,
                    help='only ROLLUP/CUBE over nullable keys, or only ORDER BY .. LIMIT <huge> OFFSET n')
    args = ap.parse_args()
    args.conf = [tuple(kv.split('=', 1)) for kv in args.conf]
    if args.seed is None:
        args.seed = random.randrange(1 << 30)
    if args.duckdb and not duck_available():
        print('DuckDB skipped: tests/.duckdb is not installed (scripts/duckdb/install.sh); metamorphic checks only')
        args.duckdb = False
    commit = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True,
                            text=True).stdout.strip()
    fz = Fuzzer(args)
    t0 = time.time()
    rnd = 0
    aborted = None
    try:
        while fz.stats['queries'] < args.queries:
            if args.max_seconds and time.time() - t0 > args.max_seconds:
                break
            fz.round(rnd, args.seed * 100003 + rnd)
            rnd += 1
    except Exception as e:  # the run's log line is still written, with the failure
        aborted = '%s: %s' % (type(e).__name__, e)
        print('fuzz.py aborted: ' + aborted)
        fz.note('fuzzer itself', False)
    finally:
        if fz.duck is not None:
            fz.duck.close()
    secs = time.time() - t0
    st = fz.stats
    print('seed %d: %d queries in %.1f s (%.1f/s), %d rounds; oracle: %d agree, %d accepted differences %s, '
          '%d errors in both, %d errors only in Cinder; %d metamorphic comparisons, %d TLP/NoREC groups%s' % (
              args.seed, st['queries'], secs, st['queries'] / max(secs, 1e-9), rnd, st['oracle_ok'], st['oracle_accepted'],
              json.dumps(fz.accepted, sort_keys=True), st['both_error'], st['cinder_error'], st['metamorphic'],
              st['tlp_groups'], '' if args.duckdb else ' (DuckDB skipped)'))
    for name, (p, f) in sorted(fz.checks.items()):
        print('  %s: %d agree, %d differ' % (name, p, f))
    if args.log:
        os.makedirs(os.path.dirname(args.log), exist_ok=True)
        with open(args.log, 'a', encoding='utf-8') as f:
            f.write('## %s seed=%d commit=%s conf=%s queries=%d seconds=%.0f differing=%s reported=%d%s%s\n' % (
                time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), args.seed, commit,
                ','.join('%s=%s' % kv for kv in args.conf) or '-', st['queries'], secs,
                ','.join('%s:%d' % (k.replace(' ', '_'), v[1]) for k, v in sorted(fz.checks.items()) if v[1]) or '0',
                len(fz.diffs), '' if args.duckdb else ' duckdb=skipped', ' aborted=' + aborted if aborted else ''))
            for check, reason, rep in fz.diffs:
                f.write('### [%s] %s\n```sql\n%s\n```\n' % (check, reason, rep))
    npass = sum(1 for p, f in fz.checks.values() if f == 0)
    nfail = sum(1 for p, f in fz.checks.values() if f > 0)
    print('diff: %d passed, %d failed' % (npass, nfail))
    sys.exit(1 if nfail else 0)


if __name__ == '__main__':
    main()
