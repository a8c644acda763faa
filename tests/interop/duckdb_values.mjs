// Renders DuckDB values (npm @duckdb/node-api) to the canonical strings the
// tests and the query benchmark compare with tillpipe's answers
// (tests/common/sql_canonical.h renders tillpipe's values the same way).
// Used by tests/interop/duckdb_batch.mjs and bench/duckdb_bench.mjs.
//
// Canonical values (null stays JSON null):
//   BOOLEAN                  true | false
//   integers (any width)     decimal digits: -42
//   DECIMAL(p,s)             exact digits with s decimals: -0.50
//   FLOAT, DOUBLE            shortest round-trip digits; nan, inf, -inf
//   VARCHAR                  the text
//   DATE                     2026-10-25
//   TIMESTAMP WITH TIME ZONE the instant in UTC: 2026-10-25 00:59:59.123456Z
//                            (fraction only when not zero)
//   TIMESTAMP (naive)        the same without the Z
//   INTERVAL                 <months>mo <days>d <micros>us
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api';

const pad = (n, w) => String(n).padStart(w, '0');

// Days since 1970-01-01 to YYYY-MM-DD (proleptic Gregorian, any sign).
export function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  let y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y += 1;
  const ys = y < 0 ? '-' + pad(-y, 4) : pad(y, 4);
  return `${ys}-${pad(m, 2)}-${pad(d, 2)}`;
}

function formatMicros(micros, suffix) {
  const day = 86400000000n;
  let days = micros / day;
  let rem = micros % day;
  if (rem < 0n) {
    rem += day;
    days -= 1n;
  }
  const secs = rem / 1000000n;
  const frac = rem % 1000000n;
  const h = secs / 3600n, mi = (secs / 60n) % 60n, s = secs % 60n;
  let out = `${civilFromDays(Number(days))} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  if (frac !== 0n) out += '.' + pad(frac, 6);
  return out + suffix;
}

function formatDouble(d) {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Object.is(d, -0)) return '-0';
  return String(d);
}

export function render(v, typeName) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (typeName === 'DOUBLE' || typeName === 'FLOAT') return formatDouble(v);
    return String(v);
  }
  if (typeof v === 'string') return v;
  if (v instanceof DuckDBDecimalValue) {
    // Exact digits: unscaled value with `scale` decimals.
    const neg = v.value < 0n;
    let digits = (neg ? -v.value : v.value).toString();
    if (v.scale > 0) {
      digits = digits.padStart(v.scale + 1, '0');
      digits = digits.slice(0, digits.length - v.scale) + '.' + digits.slice(digits.length - v.scale);
    }
    return (neg ? '-' : '') + digits;
  }
  if (v instanceof DuckDBDateValue) {
    if (!v.isFinite) return v.toString();
    return civilFromDays(v.days);
  }
  if (v instanceof DuckDBTimestampTZValue) {
    if (!v.isFinite) return v.toString();
    return formatMicros(v.micros, 'Z');
  }
  if (v instanceof DuckDBTimestampValue) {
    if (!v.isFinite) return v.toString();
    return formatMicros(v.micros, '');
  }
  if (v instanceof DuckDBIntervalValue) return `${v.months}mo ${v.days}d ${v.micros}us`;
  return String(v);
}
