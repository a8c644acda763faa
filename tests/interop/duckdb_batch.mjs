// Runs many SQL queries in one DuckDB process (node startup is slow) and
// prints one JSON line per query, in order, with every value rendered to a
// canonical string that tests/integration/sql_logic_test.cpp renders our
// engine's values to as well:
//
//   {"columns":[..],"types":[..],"rows":[[..],..]}   or   {"error":".."}
//
// Input: a JSON file {"setup":["SQL",..],"queries":["SQL",..]}; the setup
// statements run first (a failing one prints {"setup_error":..} and exits 1).
// Usage: node duckdb_batch.mjs BATCH.json
//
// Canonical values: see duckdb_values.mjs.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

import { render } from './duckdb_values.mjs';

function message(e) {
  return String(e && e.message ? e.message : e);
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node duckdb_batch.mjs BATCH.json');
  process.exit(2);
}
const batch = JSON.parse(readFileSync(file, 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
for (const sql of batch.setup || []) {
  try {
    await conn.run(sql);
  } catch (e) {
    process.stdout.write(JSON.stringify({ setup_error: message(e), sql }) + '\n');
    process.exit(1);
  }
}
const out = [];
for (const sql of batch.queries || []) {
  try {
    const reader = await conn.runAndReadAll(sql);
    const types = reader.columnTypes().map((t) => t.toString());
    const rows = reader.getRows().map((row) => row.map((v, i) => render(v, types[i])));
    out.push(JSON.stringify({ columns: reader.columnNames(), types, rows }));
  } catch (e) {
    out.push(JSON.stringify({ error: message(e) }));
  }
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
