// duckdb.mjs — bench/existjoin's DuckDB side: make the tables of tables.sql, then run the
// query RUNS times; print "TIME <median> <t1,t2,..>" to stderr and the first run's rows
// (tab-separated, NULL as NULL) to stdout.
//   node bench/existjoin/duckdb.mjs --mode cached|csv|write --data DIR --runs N --threads N
// cached: CREATE TABLE AS from tables.sql (untimed); csv: views over read_csv of DIR/*.csv;
// write: write DIR/<table>.csv from tables.sql and stop.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const o = { mode: 'cached', data: null, runs: 3, threads: 2 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, '');
  o[k] = k === 'runs' || k === 'threads' ? parseInt(argv[++i], 10) : argv[++i];
}
const TABLES = {
  item: 'i_item_sk BIGINT, i_item_id VARCHAR',
  customer_address: 'ca_address_sk BIGINT, ca_zip VARCHAR, ca_city VARCHAR',
  customer: 'c_customer_sk BIGINT, c_current_addr_sk BIGINT',
  date_dim: 'd_date_sk BIGINT, d_year INTEGER, d_qoy INTEGER',
  web_sales: 'ws_order_number BIGINT, ws_bill_customer_sk BIGINT, ws_item_sk BIGINT, ws_sold_date_sk BIGINT, ' +
    'ws_sales_price DECIMAL(7,2)',
};
const statements = (f) => readFileSync(join(here, f), 'utf8').split('\n').filter((l) => !l.trim().startsWith('--'))
  .join('\n').split(';').map((s) => s.trim()).filter((s) => s);

const dir = process.env.DUCKDB_NODE_MODULES || join(root, 'tests', '.duckdb', 'node_modules');
const { DuckDBInstance } = await import(pathToFileURL(join(dir, '@duckdb', 'node-api', 'lib', 'index.js')).href);
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(`SET threads = ${o.threads}`);
const q = (p) => p.replaceAll("'", "''");
if (o.mode === 'csv') {
  for (const [t, cols] of Object.entries(TABLES)) {
    const spec = cols.split(', ').map((c) => c.split(' ')).map(([n, ...ty]) => `'${n}': '${ty.join(' ')}'`).join(', ');
    await con.run(`CREATE VIEW ${t} AS SELECT * FROM read_csv('${q(join(o.data, t + '.csv'))}', header = false, ` +
      `auto_detect = false, columns = {${spec}})`);
  }
} else {
  for (const s of statements('tables.sql')) await con.run(s);
  if (o.mode === 'write') {
    for (const t of Object.keys(TABLES))
      await con.run(`COPY (SELECT * FROM ${t}) TO '${q(join(o.data, t + '.csv'))}' (HEADER false)`);
    process.exit(0);
  }
  for (const t of Object.keys(TABLES)) {
    await con.run(`CREATE TABLE ${t}_t AS SELECT * FROM ${t}`);
    await con.run(`DROP VIEW ${t}`);
    await con.run(`ALTER TABLE ${t}_t RENAME TO ${t}`);
  }
}
const sql = statements('q45.sql')[0];
const times = [];
let rows = null;
for (let r = 0; r < o.runs; r++) {
  const t = performance.now();
  const res = await con.runAndReadAll(sql);
  times.push((performance.now() - t) / 1000);
  if (!rows) rows = res.getRows();
}
const sorted = [...times].sort((a, b) => a - b);
process.stderr.write(`TIME ${sorted[Math.floor(sorted.length / 2)].toFixed(4)} ${times.map((x) => x.toFixed(4)).join(',')}\n`);
process.stdout.write(rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('\t') + '\n').join(''));
