#!/usr/bin/env python3
"""Output formats of `cinder sql --format table|tsv|csv|json` over awkward text.

A CSV file (written here, multiLine) holds values with bytes that are not UTF-8, control
characters, tabs, newlines, quotes and backslashes. Expected values come from Python's own
decoder: bytes.decode('utf-8', 'replace') replaces each maximal ill-formed subsequence with
one U+FFFD, as Java's decoder does for Spark's strings. Checks: every output is valid UTF-8;
each json line parses (json.loads) to the expected values; csv parses (csv module) to them;
tsv is the values joined by tabs and newlines as they are (as spark-sql prints rows; EXPLAIN's
multi-line plan relies on it); the table has the rows.
Prints "N passed, N failed".

Usage: check_formats.py CINDER
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

ROWS = [
    (1, b'plain'),
    (2, b'bad \xff byte'),
    (3, b'cut \xe2\x82 euro \xe2\x82\xac'),
    (4, b'overlong \xc0\xaf surrogate \xed\xa0\x80 end'),
    (5, b'ctl \x01\x1b[31m bell\x07 bs\x08 ff\x0c'),
    (6, b'tab\there'),
    (7, b'line\nbreak\r\nand cr'),
    (8, b'quote " and \\ backslash \\t'),
    (9, b'\xf4\x90\x80\x80 beyond U+10FFFF, \xf0\x9f\x98\x80 emoji'),
]


def csv_bytes():
    out = [b'\xef\xbb\xbfid,s\n']
    for i, s in ROWS:
        out.append(str(i).encode() + b',"' + s.replace(b'"', b'""') + b'"\n')
    return b''.join(out)


def expected():
    return [[str(i), s.decode('utf-8', 'replace')] for i, s in ROWS]


def run(cinder, path, fmt):
    sql = ("CREATE TEMPORARY VIEW t USING csv OPTIONS (path '%s', header 'true', multiLine 'true', escape '\"');"
           "SELECT id, s FROM t ORDER BY CAST(id AS INT)" % path)
    p = subprocess.run([cinder, 'sql', '--master', 'local[1]', '--format', fmt, '-e', sql],
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout


def main():
    cinder = sys.argv[1]
    passed = failed = 0

    def check(name, cond, detail=''):
        nonlocal passed, failed
        if cond:
            passed += 1
            print('PASS', name)
        else:
            failed += 1
            print('FAIL', name, detail)

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'awkward.csv')
        with open(path, 'wb') as f:
            f.write(csv_bytes())
        want = expected()
        outs = {}
        for fmt in ('table', 'tsv', 'csv', 'json'):
            rc, out = run(cinder, path, fmt)
            check(fmt + ' exit status', rc == 0, 'status %d' % rc)
            try:
                outs[fmt] = out.decode('utf-8')
                check(fmt + ' is valid UTF-8', True)
            except UnicodeDecodeError as e:
                outs[fmt] = out.decode('utf-8', 'replace')
                check(fmt + ' is valid UTF-8', False, str(e))
        # the output cuts off "Time taken" lines (stderr); stdout has the rows only
        lines = [l for l in outs['json'].split('\n') if l]
        try:
            got = [[str(o['id']), o['s']] for o in map(json.loads, lines)]
        except ValueError as e:
            got = 'invalid JSON: %s' % e
        check('json rows', got == want, '\n  got  %r\n  want %r' % (got, want))
        check('json has no raw control characters', all(ord(c) >= 0x20 for l in lines for c in l))
        raw = ''.join('\t'.join(r) + '\n' for r in want)
        check('tsv rows (values as they are)', outs['tsv'] == raw, '\n  got  %r\n  want %r' % (outs['tsv'], raw))
        got = list(csv.reader(io.StringIO(outs['csv'], newline='')))
        check('csv rows', got[1:] == want and got[:1] == [['id', 's']], '\n  got  %r\n  want %r' % (got, want))
        # header name: the byte order mark is not part of it
        check('header without byte order mark', bool(got) and got[0][:1] == ['id'], repr(got[:1]))
        table = outs['table'].split('\n')
        check('table has the rows', sum(1 for l in table if l.startswith('|')) >= len(ROWS) + 1)
    print('%d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
