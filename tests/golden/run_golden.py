#!/usr/bin/env python3
"""Run SQL golden files in Spark's SQLQueryTestSuite format through `cinder sql --format golden`.

Usage: run_golden.py CINDER INPUT_DIR RESULT_DIR [--strict] [--verbose] [--only NAME]

For each INPUT_DIR/**/*.sql it prepares the statements the way Spark's suite does
(SQLQueryTestHelper): `--` lines are comments except the directives `--SET k=v,...`
(session settings), `--IMPORT other.sql` (that file's statements first) and
`--CONFIG_DIMn k=v,...` (each line one alternative of dimension n: the file runs once per
combination of one alternative from every dimension, and every run must give the same
expected output, as in Spark's suite); the rest is split on ';' not preceded by a backslash. It runs them in one session
with the session time zone America/Los_Angeles, as Spark's suite does, then compares
each query's block with RESULT_DIR's .sql.out: the schema line and the rows (sorted
unless the query has a top-level ORDER BY); for an error, the exception class and
errorClass (with --strict, our own tests, also the sqlState, messageParameters and
queryContext the expected block states). It prints one line per file, "file: P/N passed", and finally
"N passed, N failed" over all queries. With --strict the exit status is 1 when any
query fails (our own golden tests); without it the run is a report (Spark's sample).
A sanitizer report (ASan, UBSan, LSan) from cinder fails the run in both modes: each
file's reports are printed under it, counted as one failed query each, copied to
$CINDER_SANITIZER_DIR when set (tests/run.sh counts those), and make the exit status 1.
"""
import glob
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def split_statements(code):
    out, cur, i = [], [], 0
    while i < len(code):
        c = code[i]
        if c == ';' and (i == 0 or code[i - 1] != '\\'):
            out.append(''.join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append(''.join(cur))
    return [s.strip() for s in out if s.strip()]


def read_input(path, seen=None, dims=None):
    seen = seen or set()
    seen.add(os.path.abspath(path))
    settings, code_lines, imported = [], [], []
    with open(path, encoding='utf-8') as f:
        for line in f:
            s = line.strip()
            if s.startswith('--'):
                m = re.match(r'--CONFIG_DIM(\w+)\s+(.*)$', s)
                if m and dims is not None:
                    dims.setdefault(m.group(1), []).append(
                        [kv.strip() for kv in m.group(2).split(',') if '=' in kv])
                elif s.startswith('--SET '):
                    for kv in s[6:].split(','):
                        if '=' in kv:
                            settings.append(kv.strip())
                elif s.startswith('--IMPORT '):
                    other = os.path.join(os.path.dirname(path), s[9:].strip())
                    if os.path.abspath(other) not in seen and os.path.exists(other):
                        _, q = read_input(other, seen)
                        imported.extend(q)
                continue
            code_lines.append(line.rstrip('\n'))
    return settings, imported + split_statements('\n'.join(code_lines))


BLOCK = re.compile(r'-- !query\n(.*?)\n-- !query schema\n(.*?)\n-- !query output\n(.*?)(?=\n-- !query\n|\Z)', re.S)


def parse_blocks(text):
    blocks = []
    for m in BLOCK.finditer(text):
        blocks.append((m.group(1), m.group(2), m.group(3).rstrip('\n')))
    return blocks


def top_level_order_by(q):
    depth, low, i = 0, q.lower(), 0
    last = -1
    while i < len(low):
        c = low[i]
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        elif c == "'" or c == '"':
            j = low.find(c, i + 1)
            i = j if j > 0 else len(low)
        elif depth == 0 and low.startswith('order by', i):
            last = i
        i += 1
    return last >= 0


def error_key(output):
    lines = output.split('\n')
    if not lines or not re.match(r'^[a-z]+(\.[a-zA-Z0-9_$]+)+$', lines[0]):
        return None
    m = re.search(r'"errorClass" : "([^"]+)"', output)
    return (lines[0], m.group(1) if m else None)


def error_fields(output):
    """The JSON of an error block as a dict (None when it does not parse)."""
    body = output.split('\n', 1)[1] if '\n' in output else ''
    try:
        return json.loads(body)
    except ValueError:
        return None


def same(query, exp, got, full_errors=False):
    _, eschema, eout = exp
    _, gschema, gout = got
    ek, gk = error_key(eout), error_key(gout)
    if ek or gk:
        # an error: the errorClass must match (the JVM exception class is informational)
        if not (ek is not None and gk is not None and ek[1] == gk[1]):
            return False
        if full_errors:
            # our own tests: whatever else the expected block states (sqlState,
            # messageParameters, queryContext with its positions) must match too
            ej, gj = error_fields(eout), error_fields(gout)
            if ej is None or gj is None:
                return False
            for field in ('sqlState', 'messageParameters', 'queryContext'):
                if field in ej and ej[field] != gj.get(field):
                    return False
        return True
    if eschema != gschema:
        return False
    el, gl = eout.split('\n') if eout else [], gout.split('\n') if gout else []
    if not top_level_order_by(query):
        el, gl = sorted(el), sorted(gl)
    return el == gl


def run_file(cinder, inp, res, verbose, full_errors=False):
    dims = {}
    settings, queries = read_input(inp, dims=dims)
    if not os.path.exists(res):
        return 0, 0, ['no results file'], 0
    with open(res, encoding='utf-8') as f:
        expected = parse_blocks(f.read())
    passed = total = nsan = 0
    notes = []
    for combo in itertools.product(*[dims[k] for k in sorted(dims)]):
        extra = [kv for alt in combo for kv in alt]
        p, n, more, ns = run_once(cinder, inp, settings + extra, queries, expected, verbose, full_errors)
        passed += p
        total += n
        nsan += ns
        notes += [('[%s] ' % ','.join(extra) if extra else '') + x for x in more]
    return passed, total, notes, nsan


def run_once(cinder, inp, settings, queries, expected, verbose, full_errors):
    with tempfile.NamedTemporaryFile('w', suffix='.sql', delete=False, encoding='utf-8') as t:
        # a statement may end in a -- comment: the separator goes on its own line
        t.write('\n;\n'.join(queries) + '\n;\n')
        script = t.name
    cmd = [cinder, 'sql', '--format', 'golden', '--master', 'local[2]',
           '--conf', 'spark.sql.session.timeZone=America/Los_Angeles',
           '--conf', 'spark.sql.shuffle.partitions=4']
    for kv in settings:
        cmd += ['--conf', kv]
    cmd += ['-f', script]
    env = dict(os.environ)
    # a sanitizer report must read as a crash, not as the shell's ordinary error status 1;
    # reports go to files of this run's own (the last log_path wins), read below
    sandir = tempfile.mkdtemp(prefix='cinder-san-')
    env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':exitcode=86:log_path=%s/asan' % sandir).lstrip(':')
    env['UBSAN_OPTIONS'] = (env.get('UBSAN_OPTIONS', '') +
                            ':halt_on_error=1:exitcode=86:log_path=%s/ubsan' % sandir).lstrip(':')
    env['LSAN_OPTIONS'] = (env.get('LSAN_OPTIONS', '') + ':log_path=%s/lsan' % sandir).lstrip(':')
    err = ''
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, errors='replace', env=env)
        out, err, crashed = p.stdout, p.stderr, p.returncode < 0 or p.returncode > 1
    except subprocess.TimeoutExpired:
        out, crashed = '', True
    finally:
        os.unlink(script)
    reports = sanitizer_reports(sandir, err, inp)
    shutil.rmtree(sandir, ignore_errors=True)
    got = parse_blocks(out)
    notes = ['SANITIZER REPORT: ' + r for r in reports]
    if crashed:
        notes.append('cinder crashed or timed out (status %s)' % (p.returncode if 'p' in dir() else 'timeout'))
    passed = 0
    for i, exp in enumerate(expected):
        g = got[i] if i < len(got) else None
        ok = g is not None and same(exp[0], exp, g, full_errors)
        passed += ok
        if not ok and verbose:
            notes.append('FAIL query %d: %s\n  expected: %s | %s\n  got:      %s' % (
                i + 1, exp[0][:200].replace('\n', ' '), exp[1], exp[2][:300].replace('\n', '\\n'),
                (g[1] + ' | ' + g[2][:300].replace('\n', '\\n')) if g else '(nothing)'))
    return passed, len(expected), notes, len(reports)


def sanitizer_reports(sandir, stderr, inp):
    """The sanitizer reports of one cinder run: from its log_path files (ASan, LSan; copied
    to $CINDER_SANITIZER_DIR, where tests/run.sh counts them) and from stderr (UBSan built
    with ASan ignores log_path; tests/run.sh's cinder wrapper keeps those); each as an
    excerpt of its first lines."""
    found = []
    dest = os.environ.get('CINDER_SANITIZER_DIR')
    for f in sorted(glob.glob(os.path.join(sandir, '*'))):
        with open(f, encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        if not text.strip():
            continue
        lines = [l for l in text.split('\n') if re.search(r'runtime error:|ERROR: (Address|Leak)Sanitizer|SUMMARY', l)]
        found.append(' | '.join(lines[:3]) or text.strip().split('\n')[0])
        if dest and os.path.isdir(dest):
            base = re.sub(r'[^A-Za-z0-9_.-]', '_', os.path.relpath(inp))
            shutil.copy(f, os.path.join(dest, 'golden-%s-%s' % (base, os.path.basename(f))))
    for l in stderr.split('\n'):
        if re.search(r'runtime error:|ERROR: (Address|Leak)Sanitizer', l):
            found.append(l.strip())
    return found


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    strict, verbose = '--strict' in sys.argv, '--verbose' in sys.argv
    only = None
    if '--only' in sys.argv:
        only = sys.argv[sys.argv.index('--only') + 1]
        args = [a for a in args if a != only]
    cinder, indir, resdir = args[0], args[1], args[2]
    tp = tf = ns = 0
    for root, _, files in sorted(os.walk(indir)):
        for name in sorted(files):
            if not name.endswith('.sql') or (only and only not in name):
                continue
            inp = os.path.join(root, name)
            rel = os.path.relpath(inp, indir)
            p, n, notes, nsan = run_file(cinder, inp, os.path.join(resdir, rel + '.out'), verbose, strict)
            print('%s: %d/%d passed%s' % (rel, p, n, ', %d sanitizer report(s)' % nsan if nsan else ''))
            ns += nsan
            for note in notes:
                print('  ' + note)
            tp += p
            tf += n - p
    if strict:
        # under tests/run.sh its sanitizer section counts the reports, once
        print('golden: %d passed, %d failed' % (tp, tf + (0 if os.environ.get('CINDER_SANITIZER_DIR') else ns)))
    else:  # a report: worded so CI does not read it as the suite's result line
        print('report: %d of %d queries pass' % (tp, tp + tf))
    if ns:
        print('sanitizer: %d report(s) from cinder: the run fails' % ns)
    sys.exit(1 if (strict and tf) or ns else 0)


if __name__ == '__main__':
    main()
