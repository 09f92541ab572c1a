#!/usr/bin/env python3
"""Every error class the engine can raise has a row in the error table.

Usage: check_error_classes.py [REPO_ROOT]

Reads the table of src/base/error.c (CN_ERROR_CLASSES: class, SQLSTATE, exception, template)
and scans every .c/.h file under src/ for the calls that raise an error class:
cn_error_set and cn_error_setf_detail, and every function that passes one of its own
parameters on as the class of such a call (found by a fixpoint over the sources, so a new
wrapper such as the parser's psr_error_ctx or the analyzer's az_error_at is followed without
being listed here). For each call it takes the class argument: string literals (also both arms
of a `cond ? "A" : "B"`) are classes; anything else is a computed class, which must be one of
the COMPUTED sites below, each saying where its classes come from.

It fails (exit status 1, "N passed, N failed" like the other suites) when
  - a raised class has no row, or its row has an empty template, or a SQLSTATE that is not
    five characters of 0-9A-Z (_LEGACY_ERROR_TEMP_* rows must have none, as in Spark);
  - a call gives literal parameter keys that leave a <placeholder> of the template unfilled
    (<docroot> is filled by the renderer; cn_error_setf_detail fills <message>);
  - a call computes its class at a site not listed in COMPUTED;
  - the table has a class twice.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
SRC = os.path.join(ROOT, 'src')

# (file relative to src/, the class expression): where its classes come from
COMPUTED = {
    ('scheduler/task.c', 'r->cls'): 'cinder.test.faults class:NAME, checked against the table by cn_faults_parse',
}

RAISERS = {'cn_error_set': 1, 'cn_error_setf_detail': 1}
FILLS_MESSAGE = {'cn_error_setf_detail'}


def strip_comments(t):
    out, i, n = [], 0, len(t)
    while i < n:
        if t.startswith('/*', i):
            j = t.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append('\n' * t.count('\n', i, j))
            i = j
        elif t.startswith('//', i):
            j = t.find('\n', i)
            i = n if j < 0 else j
        elif t[i] in '"\'':
            q, j = t[i], i + 1
            while j < n and t[j] != q:
                j += 2 if t[j] == '\\' else 1
            out.append(t[i:j + 1])
            i = j + 1
        else:
            out.append(t[i])
            i += 1
    return ''.join(out)


def split_args(t, i):
    """t[i] == '(': the top-level arguments of the call and the index of its ')'."""
    depth, args, cur, j, n = 0, [], [], i, len(t)
    while j < n:
        c = t[j]
        if c in '"\'':
            k = j + 1
            while k < n and t[k] != c:
                k += 2 if t[k] == '\\' else 1
            cur.append(t[j:k + 1])
            j = k + 1
            continue
        if c in '([{':
            depth += 1
            if depth == 1:
                j += 1
                continue
        elif c in ')]}':
            depth -= 1
            if depth == 0:
                args.append(''.join(cur).strip())
                return args, j
        elif c == ',' and depth == 1:
            args.append(''.join(cur).strip())
            cur = []
            j += 1
            continue
        cur.append(c)
        j += 1
    return args, j


LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')


def c_string(expr):
    """The value of adjacent C string literals, or None when expr is something else."""
    if not re.fullmatch(r'\s*("(?:[^"\\]|\\.)*"\s*)+', expr, re.S):
        return None
    return bytes(''.join(LIT.findall(expr)), 'utf-8').decode('unicode_escape')


def read_table():
    text = strip_comments(open(os.path.join(SRC, 'base', 'error.c'), encoding='utf-8').read())
    m = re.search(r'#define CN_ERROR_CLASSES\(X\)(.*?)\n\n', text, re.S)
    body = m.group(1).replace('\\\n', '\n')
    rows, dups = {}, []
    for x in re.finditer(r'\bX\(', body):
        args, _ = split_args(body, x.end() - 1)
        cls, state, tmpl = c_string(args[0]), c_string(args[1]), c_string(args[3])
        if cls in rows:
            dups.append(cls)
        rows[cls] = (state, tmpl)
    return rows, dups


def sources():
    files = {}
    for root, _, names in os.walk(SRC):
        for name in names:
            if name.endswith(('.c', '.h')):
                path = os.path.join(root, name)
                files[os.path.relpath(path, SRC)] = strip_comments(open(path, encoding='utf-8').read())
    return files


FUNC = re.compile(r'\b([a-z_][a-z0-9_]*)\s*\(([^;{}()]*)\)\s*\{', re.S)


def body_of(t, brace):
    depth, k = 0, brace
    while k < len(t):
        if t[k] == '{':
            depth += 1
        elif t[k] == '}':
            depth -= 1
            if depth == 0:
                break
        k += 1
    return t[brace:k]


def find_raisers(files):
    """Functions passing a parameter of theirs on as the class of a raising call."""
    raisers = dict(RAISERS)
    changed = True
    while changed:
        changed = False
        for path, t in files.items():
            if path == os.path.join('base', 'error.c'):
                continue
            for m in FUNC.finditer(t):
                name = m.group(1)
                if name in raisers:
                    continue
                params = [re.findall(r'[A-Za-z_][A-Za-z0-9_]*', p) for p in m.group(2).split(',')]
                pnames = [p[-1] if p else '' for p in params]
                body = body_of(t, m.end() - 1)
                for r, idx in list(raisers.items()):
                    for cm in re.finditer(r'(?<![A-Za-z0-9_])' + r + r'\s*\(', body):
                        args, _ = split_args(body, cm.end() - 1)
                        if idx < len(args) and args[idx] in pnames:
                            raisers[name] = pnames.index(args[idx])
                            changed = True
    return raisers


def main():
    table, dups = read_table()
    files = sources()
    raisers = find_raisers(files)
    failures, checked = [], 0
    for d in dups:
        failures.append('class %s is in the table twice' % d)
    for cls, (state, tmpl) in table.items():
        legacy = cls.startswith('_LEGACY_ERROR_')
        if not tmpl:
            failures.append('%s: empty template' % cls)
        if legacy and state:
            failures.append('%s: Spark gives _LEGACY_ERROR_TEMP classes no SQLSTATE, the table has %s' % (cls, state))
        if not legacy and not re.fullmatch(r'[0-9A-Z]{5}', state or ''):
            failures.append('%s: SQLSTATE %r is not five characters of 0-9A-Z' % (cls, state))
    raised = set()
    for path, t in sorted(files.items()):
        for r, idx in raisers.items():
            for cm in re.finditer(r'(?<![A-Za-z0-9_.>])' + r + r'\s*\(', t):
                # skip the definition and prototypes of the raiser itself
                before = t[max(0, cm.start() - 40):cm.start()]
                if re.search(r'\b(int|void|static|char|bool)\s*\**\s*$', before):
                    continue
                args, _ = split_args(t, cm.end() - 1)
                if idx >= len(args):
                    continue
                line = t.count('\n', 0, cm.start()) + 1
                where = 'src/%s:%d' % (path, line)
                expr = args[idx]
                classes = LIT.findall(expr)
                if not classes:
                    # a wrapper passing its own parameter on is followed at its callers
                    enclosing = [m for m in FUNC.finditer(t) if m.end() <= cm.start()]
                    if enclosing and enclosing[-1].group(1) in raisers and \
                            re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', expr):
                        continue
                    if path == os.path.join('base', 'error.c'):
                        continue
                    if (path, expr) in COMPUTED:
                        continue
                    failures.append('%s: %s computes its class (%s); list the site in COMPUTED with where '
                                    'its classes come from' % (where, r, expr))
                    continue
                rest = args[idx + 1:]
                keys = None
                if all(c_string(a) is not None or a == 'NULL' for a in rest[0::2]) and (r not in FILLS_MESSAGE):
                    keys = set()
                    for a in rest[0::2]:
                        if a == 'NULL':
                            break
                        keys.add(c_string(a))
                for cls in classes:
                    checked += 1
                    raised.add(cls)
                    if cls not in table:
                        failures.append('%s: class %s is raised but has no row in the table of '
                                        'src/base/error.c' % (where, cls))
                        continue
                    tmpl = table[cls][1] or ''
                    need = set(re.findall(r'<([A-Za-z0-9_]+)>', tmpl)) - {'docroot'}
                    if r in FILLS_MESSAGE:
                        need -= {'message'}
                        if need:
                            failures.append('%s: %s fills only <message>, %s needs %s' % (
                                where, r, cls, ', '.join('<%s>' % k for k in sorted(need))))
                    elif keys is not None and need - keys:
                        failures.append('%s: %s is raised without %s' % (
                            where, cls, ', '.join('<%s>' % k for k in sorted(need - keys))))
    for f in failures:
        print('FAIL ' + f)
    print('error classes: %d raising calls over %d classes (%d in the table), raisers: %s' % (
        checked, len(raised), len(table), ', '.join(sorted(raisers))))
    print('%d passed, %d failed' % (checked + len(table) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
