// DuckDB side of bench/backup_bench.cpp: DuckDB's own backup and restore of
// its database (EXPORT DATABASE to zstd Parquet, IMPORT DATABASE), timed in
// one node process each, and the row counts to compare with tillpipe's.
//
//   node bench/duckdb_backup.mjs export SRC.duckdb DIR    (SRC opened read-only)
//   node bench/duckdb_backup.mjs import DIR DST.duckdb    (then CHECKPOINT)
//   node bench/duckdb_backup.mjs count DB.duckdb
//
// Prints one JSON line: {seconds (the statements alone), version, threads,
// memory_limit, counts (count mode: rows per table)}.
//
// @duckdb/node-api is the one tests/interop installs (packaging/install-deps.sh).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireInterop = createRequire(join(root, 'tests/interop/package.json'));
const { DuckDBInstance } = await import(pathToFileURL(requireInterop.resolve('@duckdb/node-api')).href);

const [mode, a, b] = process.argv.slice(2);
const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;
const readOnly = mode === 'export' || mode === 'count';
const instance = await DuckDBInstance.create(mode === 'import' ? b : a, readOnly ? { access_mode: 'READ_ONLY' } : {});
const conn = await instance.connect();
const out = {};
const t0 = performance.now();
if (mode === 'export') {
  await conn.run(`EXPORT DATABASE ${quote(b)} (FORMAT parquet, COMPRESSION zstd)`);
} else if (mode === 'import') {
  await conn.run(`IMPORT DATABASE ${quote(a)}`);
  await conn.run('CHECKPOINT');
} else if (mode === 'count') {
  out.counts = {};
  const tables = (await conn.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')).getRows();
  for (const [t] of tables) {
    out.counts[t] = Number((await conn.runAndReadAll(`SELECT count(*) FROM "${t}"`)).getRows()[0][0]);
  }
} else {
  console.error('usage: export SRC DIR | import DIR DST | count DB');
  process.exit(2);
}
out.seconds = (performance.now() - t0) / 1000;
const v = (await conn.runAndReadAll("SELECT version(), current_setting('threads'), current_setting('memory_limit')")).getRows()[0];
out.version = String(v[0]);
out.threads = Number(v[1]);
out.memory_limit = String(v[2]);
conn.closeSync?.();
instance.closeSync?.();
process.stdout.write(JSON.stringify(out) + '\n');
