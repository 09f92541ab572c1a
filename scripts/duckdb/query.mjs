// query.mjs — run SQL files on DuckDB over TPC-H .tbl files; print results
// the way Spark's CAST(x AS STRING) would, so they compare as text with
// Cinder's output.
//
// usage: node scripts/duckdb/query.mjs --data DIR [--threads N] [--cache]
//            [--repeat N] [--out OUTDIR] [--name NAME] FILE.sql...
//   --data DIR   folder with region.tbl ... lineitem.tbl (dbgen format)
//   --cache      load the tables into DuckDB tables first (CREATE TABLE AS);
//                default: views over read_csv, so each query scans the files
//   --repeat N   run each query N times; print "TIME name median t1,t2,.." to stderr
//                (the timed runs include fetching the result into JS)
//   --out DIR    write DIR/<name>.tsv per query (name = file basename without
//                .sql); default: print rows to stdout
// DuckDB (npm @duckdb/node-api) is loaded from tests/.duckdb/node_modules
// (scripts/duckdb/install.sh puts it there) or from $DUCKDB_NODE_MODULES.
//
// Output format: one row per line, columns separated by tabs, no header.
// NULL prints as NULL, dates as yyyy-mm-dd, integers in decimal, strings
// as they are, decimals with exactly the scale of the Spark result type
// (plain notation), doubles as Java's Double.toString.
//
// Column scales. DuckDB and Spark type decimal arithmetic differently, so
// for each query the Spark result type of every decimal column is listed in
// SPARK_DECIMAL_SCALES and DuckDB's value is printed at that scale (rounded
// HALF_UP, as Spark rounds, when DuckDB carries more digits; DuckDB's
// DOUBLE results for decimal divisions are rounded the same way). The
// scales follow Spark's DecimalPrecision rules (allowPrecisionLoss = true):
//   e1 * e2: (p1+p2+1, s1+s2);  e1 +/- e2: (max(s1,s2)+max(p1-s1,p2-s2)+1, max(s1,s2))
//   e1 / e2: scale max(6, s1+p2+1), precision p1-s1+s2+scale
//   sum(d(p,s)): (min(38,p+10), s);  avg(d(p,s)): (p+4, s+4)
//   results above precision 38 keep scale max(38-intDigits, min(s,6)).
//   Integer literals are DECIMAL(digits,0), 0.06 is DECIMAL(2,2), 100.00 is
//   DECIMAL(5,2). With the DDL types (money and quantities DECIMAL(12,2)):
//   l_extendedprice*(1-l_discount)  -> (26,4); sum -> (36,4)          scale 4
//   ... * (1+l_tax)                 -> (40,6) -> (38,6); sum -> (38,6) scale 6
//   avg(DECIMAL(12,2))              -> (16,6)                           scale 6
//   Q8  sum(case .. else 0)/sum(volume): (36,4)/(36,4) -> (38,6)        scale 6
//   Q9  volume - ps_supplycost*l_quantity: (26,4)-(25,4) -> (27,4)      scale 4
//   Q11 ps_supplycost*ps_availqty (INT -> (10,0)): (23,2); sum (33,2)   scale 2
//   Q14 100.00*sum(..)/sum(..): (38,6)/(36,4) -> (38,6)                 scale 6
//   Q17 sum(l_extendedprice)/7.0: (22,2)/(2,1) -> (27,6)                scale 6
//   Q18 sum(l_quantity) (22,2), Q22 sum(c_acctbal) (22,2)               scale 2
// Q1's averages are computed exactly in tests/tpch/duckdb/q1.sql (DuckDB's
// avg of a decimal is a DOUBLE), with the macro spark_avg_dec2 defined below.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { javaDouble } from './spark_text.mjs';

const SPARK_DECIMAL_SCALES = {
  q1: [null, null, 2, 2, 4, 6, 6, 6, 6, null],
  q2: [2, null, null, null, null, null, null, null],
  q3: [null, 4, null, null],
  q5: [null, 4],
  q6: [4],
  q7: [null, null, null, 4],
  q8: [null, 6],
  q9: [null, null, 4],
  q10: [null, null, 4, 2, null, null, null, null],
  q11: [null, 2],
  q14: [6],
  q15: [null, null, null, null, 4],
  q17: [6],
  q18: [null, null, null, null, 2, 2],
  q19: [4],
  q22: [null, null, 2],
};

const SCHEMA = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'schema.json'), 'utf8'));

function parseArgs(argv) {
  const o = { threads: 2, cache: false, repeat: 1, timing: false, out: null, data: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data') o.data = argv[++i];
    else if (a === '--threads') o.threads = parseInt(argv[++i], 10);
    else if (a === '--cache') o.cache = true;
    else if (a === '--repeat') { o.repeat = parseInt(argv[++i], 10); o.timing = true; }
    else if (a === '--out') o.out = argv[++i];
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (!o.data) throw new Error('--data DIR is required');
  return o;
}

async function loadDuckDB() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = process.env.DUCKDB_NODE_MODULES || join(root, 'tests', '.duckdb', 'node_modules');
  const entry = join(dir, '@duckdb', 'node-api', 'lib', 'index.js');
  if (!existsSync(entry)) throw new Error(`DuckDB not installed at ${dir}: run scripts/duckdb/install.sh`);
  return import(pathToFileURL(entry).href);
}

// Decimal (bigint unscaled value, scale) printed at target scale, HALF_UP.
function formatDecimal(value, scale, target) {
  let v = value;
  if (target > scale) v *= 10n ** BigInt(target - scale);
  else if (target < scale) {
    const div = 10n ** BigInt(scale - target);
    const neg = v < 0n;
    let a = neg ? -v : v;
    a = (a + div / 2n) / div;
    v = neg ? -a : a;
  }
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (target > 0) {
    digits = digits.padStart(target + 1, '0');
    digits = digits.slice(0, digits.length - target) + '.' + digits.slice(digits.length - target);
  }
  return (neg && /[1-9]/.test(digits) ? '-' : '') + digits;
}

// A double rounded HALF_UP at `target` digits, exactly: via its shortest decimal form.
function formatDoubleAsDecimal(x, target) {
  const s = x.toExponential(20); // d.ddddde±n, enough digits to round correctly
  const m = /^(-?)(\d)\.(\d+)e([+-]\d+)$/.exec(s);
  const neg = m[1] === '-';
  const mant = BigInt(m[2] + m[3]);
  const exp = parseInt(m[4], 10) - m[3].length; // x = mant * 10^exp
  let value, scale;
  if (exp >= 0) { value = mant * 10n ** BigInt(exp); scale = 0; } else { value = mant; scale = -exp; }
  return formatDecimal(neg ? -value : value, scale, target);
}

function formatValue(v, type, target) {
  if (v === null || v === undefined) return 'NULL';
  const t = String(type);
  if (t.startsWith('DECIMAL')) return formatDecimal(v.value, v.scale, target ?? v.scale);
  if (t === 'DOUBLE' || t === 'FLOAT') return target != null ? formatDoubleAsDecimal(v, target) : javaDouble(v);
  if (t === 'BOOLEAN') return v ? 'true' : 'false';
  return String(v);
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  const { DuckDBInstance } = await loadDuckDB();
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  await con.run(`SET threads = ${opt.threads}`);
  await con.run(
    'CREATE MACRO spark_avg_dec2(x) AS ' +
      '(((sum(x) * 100)::HUGEINT * 20000 + count(x)) // (2 * count(x)))::DECIMAL(38,0) * 0.000001');
  const t0 = performance.now();
  for (const [table, cols] of Object.entries(SCHEMA)) {
    const colspec = cols.map(([n, ty]) => `'${n}': '${ty}'`).join(', ');
    const path = join(opt.data, `${table}.tbl`).replaceAll("'", "''");
    const src = `SELECT * FROM read_csv('${path}', delim = '|', header = false, quote = '', escape = '', ` +
      `auto_detect = false, columns = {${colspec}})`;
    await con.run(opt.cache ? `CREATE TABLE ${table} AS ${src}` : `CREATE VIEW ${table} AS ${src}`);
  }
  if (opt.cache) process.stderr.write(`LOAD ${((performance.now() - t0) / 1000).toFixed(3)}\n`);
  if (opt.out) mkdirSync(opt.out, { recursive: true });

  let failed = 0;
  for (const file of opt.files) {
    const name = basename(file).replace(/\.sql$/, '');
    const sql = readFileSync(file, 'utf8');
    const times = [];
    let reader = null;
    try {
      for (let r = 0; r < opt.repeat; r++) {
        const t = performance.now();
        reader = await con.runAndReadAll(sql);
        times.push((performance.now() - t) / 1000);
      }
    } catch (e) {
      process.stderr.write(`ERROR ${name}: ${e.message}\n`);
      failed++;
      continue;
    }
    const types = reader.columnTypes();
    const scales = SPARK_DECIMAL_SCALES[name] || [];
    const lines = reader.getRows().map((row) =>
      row.map((v, i) => formatValue(v, types[i], scales[i] ?? null)).join('\t'));
    const text = lines.map((l) => l + '\n').join('');
    if (opt.out) writeFileSync(join(opt.out, `${name}.tsv`), text);
    else process.stdout.write(text);
    if (opt.timing) {
      const sorted = [...times].sort((a, b) => a - b);
      const med = sorted[Math.floor(sorted.length / 2)];
      process.stderr.write(`TIME ${name} ${med.toFixed(4)} ${times.map((x) => x.toFixed(4)).join(',')}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`query.mjs: ${e.message}\n`);
  process.exitCode = 2;
});
