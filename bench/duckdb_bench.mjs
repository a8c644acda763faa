// DuckDB side of bench/query_bench.cpp: loads the simulator's NDJSON into a
// native DuckDB database, and times the queries of bench/queries/ in one
// DuckDB process, either on that database or on tillpipe's Parquet files.
//
//   node bench/duckdb_bench.mjs load --db FILE --ndjson DIR [--threads 2]
//   node bench/duckdb_bench.mjs run (--db FILE | --parquet DATA_DIR/tables)
//        --queries DIR [--only 01,07] [--runs 5] [--threads 2] [--timezone UTC]
//        [--out FILE.json]
//
// `load` builds FILE from DIR/<table>.ndjson[.zst] (read_json with the
// column types of DESIGN.md: TIMESTAMPTZ, DECIMAL(12,2), INTEGER, VARCHAR),
// writing FILE.tmp and renaming it when complete, so a cached database is
// always whole. `run` runs each query once to warm up, then --runs times,
// timing each with performance.now() around runAndReadAll (execution plus
// DuckDB's materialized result, as tillpipe's Query returns its chunks), and
// writes JSON: per query the times, the median, the answer rendered to the
// canonical strings of tests/interop/duckdb_values.mjs (so it can be compared
// with tillpipe's), and the process's peak RSS during that query (VmHWM,
// reset through /proc/self/clear_refs before the warm-up run).
//
// @duckdb/node-api is the one tests/interop installs (packaging/install-deps.sh).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireInterop = createRequire(join(root, 'tests/interop/package.json'));
let duck, render;
try {
  duck = await import(pathToFileURL(requireInterop.resolve('@duckdb/node-api')).href);
  // The canonical value strings, shared with the SQL tests.
  ({ render } = await import(pathToFileURL(join(root, 'tests/interop/duckdb_values.mjs')).href));
} catch (e) {
  console.error(`duckdb_bench: cannot load @duckdb/node-api from tests/interop/node_modules ` +
                `(run packaging/install-deps.sh): ${e.message}`);
  process.exit(2);
}
const { DuckDBInstance } = duck;

// ---- the default retail tables (DESIGN.md) --------------------------------

const S = 'VARCHAR', T = 'TIMESTAMPTZ', I = 'INTEGER', D = 'DECIMAL(12,2)';
export const TABLES = {
  sellers: { seller_id: S, brand: S, city: S, state: S, onboarded_at: T },
  products: { product_id: S, seller_id: S, brand: S, category: S, name: S, price: D, created_at: T },
  customers: { customer_id: S, name: S, city: S, state: S, signup_at: T },
  orders: {
    order_id: S, customer_id: S, status: S, city: S, state: S, delivery: S, payment_type: S,
    items: I, total: D, purchased_at: T, delivered_at: T,
  },
  order_items: {
    order_id: S, item_seq: I, product_id: S, seller_id: S, brand: S, category: S, quantity: I,
    unit_price: D, amount: D, city: S, purchased_at: T,
  },
  payments: { order_id: S, payment_seq: I, payment_type: S, installments: I, value: D, paid_at: T },
  reviews: { review_id: S, order_id: S, score: I, comment: S, created_at: T },
  page_views: {
    session_id: S, customer_id: S, path: S, product_id: S, referrer: S, device: S, viewed_at: T,
  },
};

// ---- helpers ----------------------------------------------------------------

function statusBytes(key) {
  try {
    const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak then covers the whole process.
  }
}

function parseArgs(argv) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const v = argv[i + 1];
      if (v === undefined) throw new Error(`${a} needs a value`);
      opts[a.slice(2)] = v;
      i++;
    } else {
      opts._.push(a);
    }
  }
  return opts;
}

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

export function loadQueries(dir, only) {
  const want = only ? new Set(only.split(',').map((s) => s.trim()).filter(Boolean)) : null;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }))
    .filter((q) => !want || want.has(q.name) || want.has(q.name.split('_')[0]));
}

async function openDb(path, threads, extra = {}) {
  const options = { threads: String(threads), ...extra };
  return DuckDBInstance.create(path, options);
}

// ---- load -------------------------------------------------------------------

async function load(opts) {
  const db = opts.db, dir = opts.ndjson;
  if (!db || !dir) throw new Error('load needs --db FILE --ndjson DIR');
  const tmp = db + '.tmp';
  rmSync(tmp, { force: true });
  rmSync(tmp + '.wal', { force: true });
  const inst = await openDb(tmp, opts.threads || 2);
  const conn = await inst.connect();
  await conn.run(`SET TimeZone = ${sqlString(opts.timezone || 'UTC')}`);
  const report = { tables: {} };
  const t0 = performance.now();
  for (const [table, cols] of Object.entries(TABLES)) {
    let file = join(dir, `${table}.ndjson.zst`);
    if (!existsSync(file)) file = join(dir, `${table}.ndjson`);
    if (!existsSync(file)) throw new Error(`no ${table}.ndjson[.zst] in ${dir}`);
    const columns = '{' + Object.entries(cols).map(([c, t]) => `${c}: ${sqlString(t)}`).join(', ') + '}';
    const t1 = performance.now();
    await conn.run(`CREATE TABLE ${table} AS SELECT * FROM read_json(${sqlString(file)}, ` +
                   `format = 'newline_delimited', columns = ${columns})`);
    const n = (await conn.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0][0];
    report.tables[table] = { rows: Number(n), seconds: (performance.now() - t1) / 1000 };
    process.stderr.write(`duckdb_bench: loaded ${table}: ${n} rows in ${report.tables[table].seconds.toFixed(1)} s\n`);
  }
  await conn.run('CHECKPOINT');
  conn.closeSync?.();
  inst.closeSync?.();
  report.seconds = (performance.now() - t0) / 1000;
  report.peak_rss_bytes = statusBytes('VmHWM');
  renameSync(tmp, db);
  rmSync(tmp + '.wal', { force: true });
  process.stdout.write(JSON.stringify(report) + '\n');
}

// ---- run --------------------------------------------------------------------

async function run(opts) {
  const queries = loadQueries(opts.queries || join(root, 'bench/queries'), opts.only);
  const runs = Number(opts.runs || 5);
  const threads = Number(opts.threads || 2);
  let inst;
  let engine;
  if (opts.db) {
    engine = 'duckdb-native';
    inst = await openDb(opts.db, threads, { access_mode: 'READ_ONLY' });
  } else if (opts.parquet) {
    engine = 'duckdb-parquet';
    inst = await openDb(':memory:', threads);
  } else {
    throw new Error('run needs --db FILE or --parquet DATA_DIR/tables');
  }
  const conn = await inst.connect();
  await conn.run(`SET TimeZone = ${sqlString(opts.timezone || 'UTC')}`);
  if (opts.parquet) {
    for (const table of Object.keys(TABLES)) {
      const glob = join(opts.parquet, table, '*', '*.parquet');
      await conn.run(`CREATE VIEW ${table} AS SELECT * FROM read_parquet(${sqlString(glob)}, ` +
                     `union_by_name = true, hive_partitioning = false)`);
    }
  }
  const version = (await conn.runAndReadAll('SELECT version()')).getRows()[0][0];
  const out = {
    engine, duckdb_version: String(version), threads, runs,
    baseline_rss_bytes: statusBytes('VmRSS'), queries: [],
  };
  for (const q of queries) {
    const entry = { name: q.name, ms: [] };
    resetPeakRss();
    try {
      let reader = await conn.runAndReadAll(q.sql);  // warm-up
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        reader = await conn.runAndReadAll(q.sql);
        entry.ms.push(performance.now() - t0);
      }
      const types = reader.columnTypes().map((t) => t.toString());
      entry.columns = reader.columnNames();
      entry.types = types;
      entry.rows = reader.getRows().map((row) => row.map((v, i) => render(v, types[i])));
      const sorted = [...entry.ms].sort((a, b) => a - b);
      entry.median_ms = sorted[Math.floor(sorted.length / 2)];
      entry.min_ms = sorted[0];
    } catch (e) {
      entry.error = String(e && e.message ? e.message : e);
    }
    entry.peak_rss_bytes = statusBytes('VmHWM');
    process.stderr.write(`duckdb_bench: ${engine} ${q.name}: ` +
                         (entry.error ? `ERROR ${entry.error}` : `${entry.median_ms.toFixed(1)} ms`) + '\n');
    out.queries.push(entry);
  }
  out.peak_rss_bytes = Math.max(...out.queries.map((q) => q.peak_rss_bytes), statusBytes('VmHWM'));
  const text = JSON.stringify(out);
  if (opts.out) writeFileSync(opts.out, text + '\n');
  else process.stdout.write(text + '\n');
}

const opts = parseArgs(process.argv.slice(2));
const cmd = opts._[0];
try {
  if (cmd === 'load') await load(opts);
  else if (cmd === 'run') await run(opts);
  else {
    console.error('usage: node bench/duckdb_bench.mjs load --db FILE --ndjson DIR\n' +
                  '       node bench/duckdb_bench.mjs run (--db FILE | --parquet DIR) [--queries DIR] ' +
                  '[--only 01,02] [--runs 5] [--threads 2] [--timezone UTC] [--out FILE]');
    process.exit(2);
  }
} catch (e) {
  console.error(`duckdb_bench: ${e && e.message ? e.message : e}`);
  process.exit(1);
}
