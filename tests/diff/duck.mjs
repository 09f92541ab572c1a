// duck.mjs — DuckDB as the fuzzer's oracle: one process answers many queries.
// Reads JSON lines on stdin: {"sql": "..."}; writes one JSON line per request:
// {"rows": [[text, ...], ...]} or {"error": "message"}. Values are printed the
// way Spark's CAST(x AS STRING) prints them (NULL as null, booleans true/false,
// dates yyyy-mm-dd, timestamps yyyy-mm-dd hh:mm:ss[.ffffff without trailing
// zeros], doubles as Java's Double.toString, decimals at their own scale);
// tests/diff/fuzz.py compares numbers by value, so scales need not match.
// DuckDB (npm @duckdb/node-api) is loaded from tests/.duckdb/node_modules
// (scripts/duckdb/install.sh) or $DUCKDB_NODE_MODULES.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { javaDouble } from '../../scripts/duckdb/spark_text.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = process.env.DUCKDB_NODE_MODULES || join(root, 'tests', '.duckdb', 'node_modules');
const entry = join(dir, '@duckdb', 'node-api', 'lib', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write(`duck.mjs: DuckDB not installed at ${dir}\n`);
  process.exit(3);
}
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

function formatDecimal(value, scale) {
  const neg = value < 0n;
  let digits = (neg ? -value : value).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return (neg ? '-' : '') + digits;
}

function pad(n, w) { return String(n).padStart(w, '0'); }

function formatTimestamp(micros) {
  // micros: bigint since the epoch (UTC); proleptic Gregorian, years 1..9999
  const US = 1000000n, DAY = 86400n * US;
  let days = micros / DAY, rem = micros % DAY;
  if (rem < 0n) { rem += DAY; days -= 1n; }
  const d = new Date(Number(days) * 86400000);
  const y = d.getUTCFullYear();
  const date = `${pad(y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const secs = rem / US, frac = rem % US;
  const hh = secs / 3600n, mm = (secs / 60n) % 60n, ss = secs % 60n;
  let s = `${date} ${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`;
  if (frac > 0n) s += '.' + pad(frac, 6).replace(/0+$/, '');
  return s;
}

function formatDate(days) {
  const d = new Date(days * 86400000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

function fmt(v, type) {
  if (v === null || v === undefined) return null;
  const t = String(type);
  if (t.startsWith('DECIMAL')) return formatDecimal(v.value, v.scale);
  if (t === 'DOUBLE' || t === 'FLOAT') return javaDouble(v);
  if (t === 'BOOLEAN') return v ? 'true' : 'false';
  if (t === 'DATE') return formatDate(v.days);
  if (t.startsWith('TIMESTAMP')) return formatTimestamp(v.micros);
  return String(v);
}

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
await con.run(`SET threads = ${process.env.DUCK_THREADS || 1}`);
await con.run("SET TimeZone = 'UTC'");

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  let out;
  try {
    const reader = await con.runAndReadAll(req.sql);
    const types = reader.columnTypes();
    out = { rows: reader.getRows().map((row) => row.map((v, i) => fmt(v, types[i]))) };
  } catch (e) {
    out = { error: String(e.message).split('\n')[0] };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
