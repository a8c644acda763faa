// Runs SQL statements in an in-memory DuckDB and prints the last statement's
// rows as JSON: {"columns":[...],"rows":[[...],...]}. Values are DuckDB's JSON
// renderings (big integers and decimals as strings, so nothing is rounded).
// Usage: node duckdb_query.mjs "SQL" ["SQL" ...]   (exit 1 with the error on stderr)
// DUCKDB_DATABASE=FILE uses that database file instead of memory.
import { DuckDBInstance } from '@duckdb/node-api';

const statements = process.argv.slice(2);
if (statements.length === 0) {
  console.error('usage: node duckdb_query.mjs "SQL" ...');
  process.exit(2);
}
try {
  const db = await DuckDBInstance.create(process.env.DUCKDB_DATABASE || ':memory:');
  const conn = await db.connect();
  let reader = null;
  for (const sql of statements) reader = await conn.runAndReadAll(sql);
  process.stdout.write(JSON.stringify({
    columns: reader.columnNames(),
    rows: reader.getRowsJson(),
  }) + '\n');
} catch (e) {
  console.error(String(e && e.message ? e.message : e));
  process.exit(1);
}
