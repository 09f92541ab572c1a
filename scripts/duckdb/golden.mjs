// golden.mjs — expected results of a SQL golden file (tests/sql/inputs/<feature>/<name>.sql),
// computed by DuckDB, written in Spark's golden-file format to tests/sql/results/.../<name>.sql.out.
//
// usage: node scripts/duckdb/golden.mjs INPUT.sql RESULT.sql.out
//
// The input is Spark SQL as tests/golden/run_golden.py runs it. Statements end with ';' at the
// end of a line. Comment lines that start with these words speak to this script only (the
// runner skips every '--' line):
//   -- duckdb: SQL          the DuckDB form of the next statement (several lines are joined);
//                           needed where the dialects differ (CREATE TEMPORARY VIEW ... USING
//                           csv, DISTRIBUTE BY, hints)
//   -- duckdb-setup: SQL    run in DuckDB only, with no block in the results (helper views)
//   -- duckdb-schema: S     the Spark schema line of the next statement, where DuckDB's types do
//                           not name Spark's (e.g. sum of INT: DuckDB HUGEINT, Spark bigint)
//   -- duckdb-error: EXCEPTION CLASS   the next statement fails in Spark with this exception and
//                           error class (Spark's documented behaviour; DuckDB is not asked)
//   --IMPORT other.sql      that file's statements first (as the runner and Spark's runner do;
//                           a path relative to the importing file)
// SET k=v prints Spark's key/value row without asking DuckDB; a CREATE statement prints the
// empty schema struct<> and no rows. Values print as Spark's CAST(x AS STRING) would: NULL,
// integers, strings as they are, doubles as Java's Double.toString, booleans as true/false.
// Rows print in DuckDB's order: the runner sorts both sides unless the query has a top-level
// ORDER BY, so write NULLS FIRST / NULLS LAST explicitly in ordered queries (the dialects'
// defaults differ).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function loadDuckDB() {
  const dir = process.env.DUCKDB_NODE_MODULES || join(ROOT, 'tests', '.duckdb', 'node_modules');
  const entry = join(dir, '@duckdb', 'node-api', 'lib', 'index.js');
  if (!existsSync(entry)) throw new Error(`DuckDB not installed at ${dir}: run scripts/duckdb/install.sh`);
  return import(pathToFileURL(entry).href);
}

// [{spark, duck, schema, setup}] in file order; setup entries carry only `setup`.
function parse(text, path, seen = new Set()) {
  const out = [];
  seen.add(resolve(path));
  let cur = [], duck = [], schema = null, error = null;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const t = line.trim();
    if (t.startsWith('--')) {
      let m;
      if (t.startsWith('--IMPORT ')) {
        const other = join(dirname(path), t.slice(9).trim());
        if (!seen.has(resolve(other))) out.push(...parse(readFileSync(other, 'utf8'), other, seen));
      } else if ((m = /^--\s*duckdb-setup:\s?(.*)$/.exec(t))) out.push({ setup: m[1] });
      else if ((m = /^--\s*duckdb-schema:\s?(.*)$/.exec(t))) schema = m[1].trim();
      else if ((m = /^--\s*duckdb-error:\s*(\S+)\s+(\S+)\s*$/.exec(t))) error = { exc: m[1], cls: m[2] };
      else if ((m = /^--\s*duckdb:\s?(.*)$/.exec(t))) duck.push(m[1]);
      continue;
    }
    if (!t && !cur.length) continue;
    cur.push(line);
    if (t.endsWith(';')) {
      const spark = cur.join('\n').trim().replace(/;$/, '').trim();
      out.push({ spark, duck: duck.length ? duck.join('\n') : null, schema, error });
      cur = []; duck = []; schema = null; error = null;
    }
  }
  if (cur.join('').trim()) throw new Error('the last statement does not end with ;');
  return out;
}

function sparkType(t) {
  const s = String(t);
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(s);
  if (m) return `decimal(${m[1]},${m[2]})`;
  const map = { BIGINT: 'bigint', INTEGER: 'int', SMALLINT: 'smallint', TINYINT: 'tinyint', VARCHAR: 'string',
    DOUBLE: 'double', FLOAT: 'float', BOOLEAN: 'boolean', DATE: 'date' };
  if (!(s in map)) throw new Error(`no Spark name for DuckDB type ${s}: give a -- duckdb-schema: line`);
  return map[s];
}

function javaDouble(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mant, e] = x.toExponential().split('e');
  return (mant.includes('.') ? mant : mant + '.0') + 'E' + parseInt(e, 10);
}

function formatValue(v, type) {
  if (v === null || v === undefined) return 'NULL';
  const t = String(type);
  if (t === 'DOUBLE' || t === 'FLOAT') return javaDouble(v);
  if (t === 'BOOLEAN') return v ? 'true' : 'false';
  return String(v);
}

async function main() {
  const [input, result] = process.argv.slice(2);
  if (!input || !result) throw new Error('usage: golden.mjs INPUT.sql RESULT.sql.out');
  const { DuckDBInstance } = await loadDuckDB();
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  process.chdir(ROOT); // paths in the files are relative to the repository, as the runner's
  let text = `-- Automatically generated by scripts/duckdb/golden.mjs from ${input.replace(ROOT + '/', '')}\n`;
  for (const st of parse(readFileSync(input, 'utf8'), input)) {
    if (st.setup !== undefined) {
      await con.run(st.setup);
      continue;
    }
    let schema, rows = [];
    const set = /^SET\s+([^=\s]+)\s*=\s*(.*)$/is.exec(st.spark);
    if (st.error) {
      schema = 'struct<>';
      rows = [st.error.exc, '{', `  "errorClass" : "${st.error.cls}"`, '}'];
    } else if (set && !st.duck) {
      schema = 'struct<key:string,value:string>';
      rows = [`${set[1]}\t${set[2].trim()}`];
    } else if (/^CREATE\s/i.test(st.spark)) {
      if (st.duck) await con.run(st.duck);
      else await con.run(st.spark);
      schema = 'struct<>';
    } else {
      const reader = await con.runAndReadAll(st.duck || st.spark);
      const names = reader.columnNames(), types = reader.columnTypes();
      schema = st.schema || `struct<${names.map((n, i) => `${n}:${sparkType(types[i])}`).join(',')}>`;
      rows = reader.getRows().map((r) => r.map((v, i) => formatValue(v, types[i])).join('\t'));
    }
    text += `-- !query\n${st.spark}\n-- !query schema\n${schema}\n-- !query output\n${rows.join('\n')}\n\n\n`;
  }
  writeFileSync(result, text);
}

main().catch((e) => {
  process.stderr.write(`golden.mjs: ${e.message}\n`);
  process.exitCode = 2;
});
