// The admin page: every number comes from the JSON API (GET /api/v1/status,
// GET /api/v1/tables), refreshed every few seconds.
"use strict";

const REFRESH_MS = 5000;

function $(id) { return document.getElementById(id); }

function count(n) { return n == null ? "–" : Number(n).toLocaleString("en-US"); }

function bytes(n) {
  if (n == null) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) { n /= 1024; ++u; }
  return (u === 0 ? n : n.toFixed(1)) + " " + units[u];
}

function duration(seconds) {
  if (seconds == null) return "–";
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600);
  const m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
  if (d > 0) return d + "d " + h + "h";
  if (h > 0) return h + "h " + m + "m";
  if (m > 0) return m + "m " + s + "s";
  return s + "s";
}

async function getJson(path) {
  const res = await fetch(path, { headers: { "Accept": "application/json" } });
  if (!res.ok) throw new Error(path + ": HTTP " + res.status);
  return res.json();
}

function showStatus(st) {
  $("version").textContent = "v" + st.version;
  const state = $("state");
  state.textContent = st.ready ? "ready" : "recovering";
  state.className = "badge " + (st.ready ? "ok" : "bad");
  $("records-total").textContent = count(st.ingest && st.ingest.records_total);
  $("records-per-s").textContent = st.ingest ? Number(st.ingest.records_per_s).toFixed(1) : "–";
  const m = st.materializer;
  $("lag-records").textContent = count(m && m.lag_records);
  $("freshness").textContent = !m ? "–" : m.freshness_ms == null ? "unknown"
      : m.freshness_ms === 0 ? "up to date" : duration(m.freshness_ms / 1000) + " behind";
  $("rows-rejected").textContent = count(m && m.rows_rejected);
  $("disk-free").textContent = bytes(st.stream && st.stream.free_bytes);
  $("uptime").textContent = duration(st.uptime_s);
}

function showTables(t) {
  const body = document.querySelector("#tables tbody");
  body.replaceChildren();
  for (const table of t.tables) {
    const row = document.createElement("tr");
    const cells = [table.name, count(table.rows), count(table.tail_rows), count(table.files),
                   bytes(table.bytes),
                   table.compression_ratio == null ? "–" : Number(table.compression_ratio).toFixed(1) + "x",
                   count(table.days.length)];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i > 0) td.className = "num";
      row.appendChild(td);
    });
    body.appendChild(row);
  }
}

async function refresh() {
  try {
    const [st, t] = await Promise.all([getJson("/api/v1/status"), getJson("/api/v1/tables")]);
    showStatus(st);
    showTables(t);
    $("error").hidden = true;
  } catch (e) {
    $("error").textContent = "Cannot reach the server: " + e.message;
    $("error").hidden = false;
    $("state").textContent = "unreachable";
    $("state").className = "badge bad";
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
