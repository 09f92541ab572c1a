#!/usr/bin/env python3
"""`cinder sql` as a user runs it: error messages, their positions, and settings.

Usage: check_cli.py CINDER

Each case runs cinder sql (-e, -f, standard input, or the REPL on a pseudo-terminal) and
compares what it prints on stderr and its exit status with what Spark prints: the message of
Spark's template (error-conditions.json) with its parameters filled in, then Spark's
query-context block — "== SQL (line L, position P) ==", the statement's line and a line of '^'
under the fragment (SQLQueryContext.summary), or for a syntax error " (line L, pos P)" and the
"== SQL ==" block with a "---^^^" line (ParseException.getMessage). Lines count in the whole
input (a -f file of many statements), where Spark counts them in the statement. Settings go
through the one registry: a bad value fails with [INVALID_CONF_VALUE...] naming key and value,
from SET, --conf and cinder-defaults.conf alike.
The last section checks scripts (directories, NUL bytes, the 64 MiB bound) and spark-sql's
options (-e/-f/-i, --database, -d/--hivevar/--hiveconf, --name, --driver-memory, -S) as
docs/cli.md states them, and that `cinder datagen` requires --sf.
Ends with "N passed, N failed"; exit status 1 when any case failed.
"""
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

CINDER = sys.argv[1] if len(sys.argv) > 1 else 'build/cinder'
passed = failed = 0


def run(args, stdin=None, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([CINDER, 'sql'] + args, input=stdin, capture_output=True, text=True, timeout=60, env=e)
    return p.returncode, p.stdout, '\n'.join(l for l in p.stderr.split('\n') if not l.startswith('Time taken'))


def check(name, got, want):
    global passed, failed
    if got == want:
        passed += 1
        print('PASS ' + name)
    else:
        failed += 1
        print('FAIL %s\n  expected: %r\n  got:      %r' % (name, want, got))


def case(name, args, want_status, want_stderr, stdin=None, env=None, want_stdout=None):
    status, out, err = run(args, stdin, env)
    check(name + ' (exit status)', status, want_status)
    check(name + ' (stderr)', err.strip('\n'), want_stderr)
    if want_stdout is not None:
        check(name + ' (stdout)', out.strip('\n'), want_stdout)


def script(text):
    f = tempfile.NamedTemporaryFile('w', suffix='.sql', delete=False)
    f.write(text)
    f.close()
    return f.name


UNRESOLVED = ("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nope` "
              "cannot be resolved. Did you mean one of the following? [`a`]. SQLSTATE: 42703\n")

# ---- messages and positions
case('syntax error, -e', ['-e', 'SELEC 1'], 1,
     "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n"
     "\n== SQL ==\nSELEC 1\n^^^")
case('analysis error, -e', ['-e', 'SELECT nope FROM VALUES (1) t(a)'], 1,
     UNRESOLVED + "== SQL (line 1, position 8) ==\nSELECT nope FROM VALUES (1) t(a)\n       ^^^^")
path = script("SELECT 1;\n-- a comment\nSELECT a,\n  nope FROM VALUES (1) t(a);\nSELECT 2;\n")
case('analysis error on line 4 of a -f file', ['-f', path], 1,
     UNRESOLVED + "== SQL (line 4, position 3) ==\n  nope FROM VALUES (1) t(a)\n  ^^^^", want_stdout='1')
os.unlink(path)
path = script("SELECT 1;\n\nSELECT 1 +\n  ) FROM t;\n")
case('syntax error on line 4 of a -f file', ['-f', path], 1,
     "[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. SQLSTATE: 42601 (line 4, pos 2)\n"
     "\n== SQL ==\nSELECT 1 +\n  ) FROM t\n--^^^")
os.unlink(path)
case('second statement of a line: the position counts the whole line',
     ['-e', 'SELECT 1; SELECT nope FROM VALUES (1) t(a)'], 1,
     UNRESOLVED + "== SQL (line 1, position 18) ==\nSELECT nope FROM VALUES (1) t(a)\n       ^^^^")
case('statements on standard input', [], 1,
     "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate function in the argument of another "
     "aggregate function. Please use the inner aggregate function in a sub-query. SQLSTATE: 42607\n"
     "== SQL (line 2, position 12) ==\nSELECT sum(avg(a)) FROM VALUES (1) t(a)\n           ^^^^^^",
     stdin="SELECT 1;\nSELECT sum(avg(a)) FROM VALUES (1) t(a);\n")
case('legacy class: no prefix, no SQLSTATE', ['-e', 'SELECT interval 3 month 1 hour'], 1,
     "Cannot mix year-month and day-time fields: interval 3 month 1 hour.\n"
     "== SQL (line 1, position 8) ==\nSELECT interval 3 month 1 hour\n       ^^^^^^^^^^^^^^^^^^^^^^^")
case('sub-class message', ['-e', 'SELECT * FROM VALUES (1) t(a) LIMIT -1'], 1,
     "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like expression \"-1\" is invalid. The limit "
     "expression must be equal to or greater than 0, but got -1. SQLSTATE: 42K0E\n"
     # more than 32 characters before the fragment: Spark cuts them to "..."
     "== SQL (line 1, position 37) ==\n...CT * FROM VALUES (1) t(a) LIMIT -1\n" + " " * 35 + "^^")
case('EXPLAIN EXPLAIN', ['-e', 'EXPLAIN EXPLAIN SELECT 1'], 1,
     "[UNSUPPORTED_FEATURE] The feature is not supported: EXPLAIN of an EXPLAIN statement. SQLSTATE: 0A000\n"
     "== SQL (line 1, position 9) ==\nEXPLAIN EXPLAIN SELECT 1\n        ^^^^^^^^^^^^^^^^")


def repl(lines):
    """Type lines into the REPL on a pseudo-terminal; everything it wrote."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ['HOME'] = tempfile.mkdtemp()
        os.execv(CINDER, [CINDER, 'sql'])
    out = b''

    def drain(t):
        nonlocal out
        end = time.time() + t
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                out += chunk
    drain(1.0)
    for line in lines:
        os.write(fd, (line + '\n').encode())
        drain(1.5)
    # the shell ends at "quit;"; one that does not is killed, so no process outlives the test
    for _ in range(50):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
    return out.decode('utf-8', 'replace').replace('\r\n', '\n')


out = repl(['SELECT 1 +', '  ) FROM t;', 'quit;'])
check('REPL: a statement over two lines, syntax error on its second line',
      "[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. SQLSTATE: 42601 (line 2, pos 2)\n\n== SQL ==\n"
      "SELECT 1 +\n  ) FROM t\n--^^^\n" in out, True)

# ---- settings: one registry for SET, --conf and cinder-defaults.conf
def conf_error(value, key, why=''):
    return ("[INVALID_CONF_VALUE] The value '%s' in the config \"%s\" is invalid.%s SQLSTATE: 22022"
            % (value, key, (' ' + why) if why else ''))


TZ = ("[INVALID_CONF_VALUE.TIME_ZONE] The value 'Mars/Base' in the config \"spark.sql.session.timeZone\" is "
      "invalid. Cannot resolve the given timezone. SQLSTATE: 22022")
POS = 'The value of spark.sql.shuffle.partitions must be positive'
case('SET time zone', ['-e', 'SET spark.sql.session.timeZone=Mars/Base'], 1, TZ)
case('SET TIME ZONE', ['-e', "SET TIME ZONE 'Mars/Base'"], 1, TZ)
case('--conf time zone', ['--conf', 'spark.sql.session.timeZone=Mars/Base', '-e', 'SELECT 1'], 1, TZ)
case('SET codec', ['-e', 'SET spark.io.compression.codec=bogus'], 1,
     conf_error('bogus', 'spark.io.compression.codec', 'Available codecs are lz4, zstd, none.'))
case('--conf codec', ['--conf', 'spark.io.compression.codec=bogus', '-e', 'SELECT 1'], 2,
     conf_error('bogus', 'spark.io.compression.codec', 'Available codecs are lz4, zstd, none.'))
case('SET partitions 0', ['-e', 'SET spark.sql.shuffle.partitions=0'], 1,
     conf_error('0', 'spark.sql.shuffle.partitions', POS))
case('--conf partitions negative', ['--conf', 'spark.sql.shuffle.partitions=-4', '-e', 'SELECT 1'], 2,
     conf_error('-4', 'spark.sql.shuffle.partitions', POS))
case('--conf partitions not a number', ['--conf', 'spark.sql.shuffle.partitions=many', '-e', 'SELECT 1'], 2,
     conf_error('many', 'spark.sql.shuffle.partitions',
                'spark.sql.shuffle.partitions should be int, but was many'))
case('--conf without a key', ['--conf', '=x', '-e', 'SELECT 1'], 2,
     conf_error('x', '', 'A setting needs a key: key=value.'))
case('--conf without =', ['--conf', 'novalue', '-e', 'SELECT 1'], 2,
     conf_error('', 'novalue', '--conf expects key=value.'))
case('good settings pass', ['--conf', 'spark.sql.shuffle.partitions=3', '--conf',
                            'spark.sql.session.timeZone=America/New_York', '-e',
                            'SET spark.sql.shuffle.partitions; SET spark.sql.session.timeZone'], 0, '',
     want_stdout='spark.sql.shuffle.partitions\t3\nspark.sql.session.timeZone\tAmerica/New_York')
d = tempfile.mkdtemp()
with open(os.path.join(d, 'cinder-defaults.conf'), 'w') as f:
    f.write('spark.sql.shuffle.partitions 0\n')
case('cinder-defaults.conf partitions', ['-e', 'SELECT 1'], 2,
     'cinder: %s/cinder-defaults.conf: ' % d + conf_error('0', 'spark.sql.shuffle.partitions', POS),
     env={'CINDER_CONF_DIR': d})
with open(os.path.join(d, 'cinder-defaults.conf'), 'w') as f:
    f.write('spark.sql.session.timeZone Mars/Base\n')
case('cinder-defaults.conf time zone', ['-e', 'SELECT 1'], 1, TZ, env={'CINDER_CONF_DIR': d})
os.unlink(os.path.join(d, 'cinder-defaults.conf'))
os.rmdir(d)

# ---- scripts and spark-sql's options (docs/cli.md)
d = tempfile.mkdtemp()
case('-f a directory', ['-f', d], 1, '[IO_ERROR] %s: is a directory, not a SQL script SQLSTATE: 58030' % d)
case('-f /dev/zero: no endless read', ['-f', '/dev/zero'], 1,
     '[IO_ERROR] /dev/zero: a NUL byte at offset 0 (a SQL script is text) SQLSTATE: 58030')
nul = os.path.join(d, 'nul.sql')
with open(nul, 'wb') as f:
    f.write(b'SELECT 1;\nSELECT\x002;\n')
case('a NUL byte in a -f file: nothing runs', ['-f', nul], 1,
     '[IO_ERROR] %s: a NUL byte at offset 16 (a SQL script is text) SQLSTATE: 58030' % nul, want_stdout='')
case('a script over 64 MiB on standard input', [], 1,
     '[IO_ERROR] standard input: larger than 64 MiB, the limit of a SQL script SQLSTATE: 58030',
     stdin='SELECT 1;\n' * (7 << 20), want_stdout='')
case('several -e run in order', ['-e', 'SELECT 1', '-e', 'SELECT 2; SELECT 3'], 0, '', want_stdout='1\n2\n3')
ok = os.path.join(d, 'ok.sql')
with open(ok, 'w') as f:
    f.write('SELECT 4;\n')
status, out, err = run(['-e', 'SELECT 1', '-f', ok])
check('-e with -f is refused (exit status)', status, 2)
check('-e with -f is refused (stderr)', err.split('\n')[0],
      "cinder sql: the '-e' and '-f' options cannot be specified together")
check('-e with -f is refused (nothing runs)', out, '')
case('--database default', ['--database', 'default', '-e', 'SELECT 1'], 0, '', want_stdout='1')
case('--database of another name', ['--database', 'sales', '-e', 'SELECT 1'], 1,
     '[SCHEMA_NOT_FOUND] The schema `sales` cannot be found. Verify the spelling and correctness of the '
     'schema and catalog.\nIf you did not qualify the name with a catalog, verify the current_schema() '
     'output, or qualify the name with the correct catalog.\nTo tolerate the error on drop use DROP '
     'SCHEMA IF EXISTS. SQLSTATE: 42704', want_stdout='')
init = os.path.join(d, 'init.sql')
with open(init, 'w') as f:
    f.write('SET y=7;\n')
case('-i runs first', ['-i', init, '-e', 'SELECT ${y} * 2'], 0, '', want_stdout='y\t7\n14')
with open(init, 'w') as f:
    f.write('SELECT nope;\n')
status, out, err = run(['-i', init, '-e', 'SELECT 1'])
check('a failing -i stops the shell', (status, out), (1, ''))
case('-d, --define, --hivevar, --hiveconf',
     ['-d', 'a=1', '--define', 'b=2', '--hivevar', 'c=3', '--hiveconf', 'spark.sql.shuffle.partitions=5',
      '-e', "SELECT ${a} + ${hivevar:b} + ${c}, '${hiveconf:spark.sql.shuffle.partitions}'"], 0, '',
     want_stdout='6\t5')
case('--name and --driver-memory are settings',
     ['--name', 'nightly', '--driver-memory', '2g', '-e', 'SET spark.app.name; SET spark.driver.memory'], 0, '',
     want_stdout='spark.app.name\tnightly\nspark.driver.memory\t2g')
case('--driver-memory is checked', ['--driver-memory', 'lots', '-e', 'SELECT 1'], 2,
     conf_error('lots', 'spark.driver.memory', 'Size must be specified as bytes (b), kibibytes (k), mebibytes '
                '(m), gibibytes (g), tebibytes (t), or pebibytes(p). E.g. 50b, 100k, or 250m.'))
p = subprocess.run([CINDER, 'sql', '-S', '-e', 'SELECT 1'], capture_output=True, text=True, timeout=60)
check('-S: no "Time taken"', (p.returncode, p.stdout, p.stderr), (0, '1\n', ''))
p = subprocess.run([CINDER, 'datagen', 'tpch', '--out', os.path.join(d, 'tpch')], capture_output=True, text=True,
                   timeout=60)
check('datagen without --sf writes nothing', (p.returncode, p.stderr.split('\n')[0], os.path.exists(os.path.join(d, 'tpch'))),
      (2, 'cinder datagen: --sf is required', False))
for f in (nul, ok, init):
    os.unlink(f)
os.rmdir(d)

print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
