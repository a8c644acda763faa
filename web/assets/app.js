// The admin page: every number comes from the JSON API. This file holds the
// session (login, CSRF token), the page switcher, the overview and tables
// pages; query.js and dashboards.js add their pages through App.pages.
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

function ratio(r) { return r == null ? "–" : Number(r).toFixed(1) + "x"; }

// Micros since the epoch as local date and time.
function when(us) {
  if (!us) return "–";
  return new Date(us / 1000).toLocaleString("sv-SE").slice(0, 19);
}

// Fills the body of table `id`: one array of cells per row; a cell is a
// string, [text, class] or a DOM node.
function fillTable(id, rows, rowClass) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren();
  rows.forEach((cells, r) => {
    const tr = document.createElement("tr");
    if (rowClass) tr.className = rowClass(r) || "";
    for (const c of cells) {
      const td = document.createElement("td");
      if (c instanceof Node) td.appendChild(c);
      else if (Array.isArray(c)) { td.textContent = c[0]; if (c[1]) td.className = c[1]; }
      else td.textContent = c;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  });
  return body;
}

// A small line of `values` (oldest first) on a canvas, scaled to its maximum.
function sparkline(values, title) {
  const canvas = document.createElement("canvas");
  canvas.className = "spark";
  canvas.title = title;
  const dpr = window.devicePixelRatio || 1, w = 180, h = 28;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const g = canvas.getContext("2d");
  g.scale(dpr, dpr);
  const max = Math.max(1, ...values);
  g.strokeStyle = "#2f6feb";
  g.lineWidth = 1.5;
  g.beginPath();
  values.forEach((v, i) => {
    const x = values.length > 1 ? i * (w - 2) / (values.length - 1) + 1 : w / 2;
    const y = h - 2 - v / max * (h - 4);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
  return canvas;
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || ("HTTP " + status));
    this.status = status;
    this.body = body || {};
  }
}

const App = {
  csrf: null,
  pages: {},      // name -> {show(arg), hide()}
  current: null,

  // One API call: JSON in and out, the CSRF token on writes; a 401 shows
  // the login form.
  async api(method, path, body, accept) {
    const headers = { "Accept": accept || "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && App.csrf) headers["X-CSRF-Token"] = App.csrf;
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                    credentials: "same-origin" });
    if (accept === "text/csv" && res.ok) return res.text();
    let json = null;
    try { json = await res.json(); } catch (e) { json = null; }
    if (res.status === 401 && path !== "/api/v1/login") App.showLogin();
    if (!res.ok) throw new ApiError(res.status, json);
    return json;
  },

  error(message) {
    $("error").textContent = message || "";
    $("error").hidden = !message;
  },

  showLogin() {
    App.csrf = null;
    for (const p of document.querySelectorAll(".page")) p.hidden = true;
    $("nav").hidden = true;
    $("logout").hidden = true;
    $("login").hidden = false;
    $("password").focus();
  },

  async start() {
    let session;
    try {
      session = await App.api("GET", "/api/v1/session");
    } catch (e) {
      App.error("Cannot reach the server: " + e.message);
      return;
    }
    if (session.banner) { $("banner").textContent = session.banner; $("banner").hidden = false; }
    if (!session.authenticated) {
      if (session.mode === "refused") { App.error(session.message); return; }
      App.showLogin();
      return;
    }
    App.csrf = session.csrf;
    $("login").hidden = true;
    $("nav").hidden = false;
    $("logout").hidden = session.mode !== "login";
    App.route();
    App.refreshStatus();
  },

  route() {
    if (App.csrf === null) return;
    const hash = location.hash.replace(/^#\/?/, "") || "dashboards";
    const [name, ...rest] = hash.split("/");
    const page = App.pages[name] ? name : "overview";
    if (App.current && App.current !== page && App.pages[App.current].hide) App.pages[App.current].hide();
    for (const p of document.querySelectorAll(".page")) p.hidden = p.id !== "page-" + page;
    for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.page === page);
    App.current = page;
    App.pages[page].show(decodeURIComponent(rest.join("/")));
  },

  status: null,
  tables: null,
  rejected: null,  // GET /api/v1/rejected?limit=0, for the overview
  rejectedAt: 0,
  async refreshStatus() {
    clearTimeout(App.statusTimer);
    try {
      const [st, t] = await Promise.all([App.api("GET", "/api/v1/status"), App.api("GET", "/api/v1/tables")]);
      App.status = st;
      App.tables = t;
      // The 24-hour count scans _rejected: once a minute is plenty.
      if (App.current === "overview" && Date.now() - App.rejectedAt > 60000) {
        App.rejected = await App.api("GET", "/api/v1/rejected?limit=0");
        App.rejectedAt = Date.now();
      }
      $("version").textContent = "v" + st.version;
      $("state").textContent = st.ready ? "ready" : "recovering";
      $("state").className = "badge " + (st.ready ? "ok" : "bad");
      App.error("");
      if (App.current === "overview") Overview.draw();
      if (App.current === "tables") TablesPage.draw();
    } catch (e) {
      if (e.status === 401) return;
      App.error("Cannot reach the server: " + e.message);
      $("state").textContent = "unreachable";
      $("state").className = "badge bad";
    }
    App.statusTimer = setTimeout(App.refreshStatus, REFRESH_MS);
  },
};

const Overview = {
  async show() {
    Overview.draw();
    try {
      App.rejected = await App.api("GET", "/api/v1/rejected?limit=0");
      App.rejectedAt = Date.now();
      Overview.draw();
    } catch (e) { /* shown by the next status refresh */ }
  },
  draw() {
    const st = App.status, t = App.tables;
    if (!st || !t) return;
    $("records-total").textContent = count(st.ingest && st.ingest.records_total);
    $("records-per-s").textContent = st.ingest ? Number(st.ingest.records_per_s).toFixed(1) : "–";
    const m = st.materializer;
    $("lag-records").textContent = count(m && m.lag_records);
    $("freshness").textContent = !m ? "–" : m.freshness_ms == null ? "unknown"
        : m.freshness_ms === 0 ? "up to date" : duration(m.freshness_ms / 1000) + " behind";
    $("rejected-24h").textContent = App.rejected ? count(App.rejected.last_24h) : "–";
    $("disk-free").textContent = bytes(st.stream && st.stream.free_bytes);
    // The stream's segments plus the tables' Parquet files.
    $("disk-used").textContent = st.stream ? bytes(st.stream.bytes + t.tables.reduce((n, x) => n + (x.bytes || 0), 0)) : "–";
    $("uptime").textContent = duration(st.uptime_s);
    const ingest = (st.ingest && st.ingest.tables) || {};
    fillTable("tables", t.tables.map(table => {
      const link = document.createElement("a");
      link.href = "#/tables/" + encodeURIComponent(table.name);
      link.textContent = table.name;
      const series = ingest[table.name] && ingest[table.name].per_minute;
      const spark = series ? sparkline(series, count(series.reduce((a, b) => a + b, 0)) + " records in the last hour")
                           : document.createTextNode("");
      return [link, spark, [count(table.rows), "num"], [count(table.tail_rows), "num"], [count(table.files), "num"],
              [bytes(table.bytes), "num"], [ratio(table.compression_ratio), "num"], [count(table.days.length), "num"]];
    }));
  },
};

const TablesPage = {
  selected: null,
  show(name) {
    if (name) TablesPage.selected = name;
    TablesPage.draw();
  },
  draw() {
    const t = App.tables;
    if (!t) return;
    const pick = $("table-pick");
    const names = t.tables.map(x => x.name);
    if (pick.options.length !== names.length) {
      pick.replaceChildren(...names.map(n => new Option(n, n)));
    }
    if (!TablesPage.selected || !names.includes(TablesPage.selected)) TablesPage.selected = names[0];
    pick.value = TablesPage.selected;
    const table = t.tables.find(x => x.name === TablesPage.selected);
    if (!table) return;
    $("table-summary").textContent = count(table.rows) + " rows in " + count(table.files) + " files, " +
      bytes(table.bytes) + " on disk, compression " + ratio(table.compression_ratio) + "; time column " +
      table.time_column + ", schema version " + table.schema_version;
    fillTable("table-columns", (table.columns || []).map(c => [c.name, c.type, c.nullable ? "yes" : "no",
      (c.declared ? "config" : "added from the data") + (c.since_version ? ", since " + when(c.since_us) + " (schema version " + c.since_version + ")" : "")]));
    fillTable("table-days", (table.days || []).slice().reverse().map(d => [[d.day], [count(d.rows), "num"],
      [count(d.files), "num"], [bytes(d.bytes), "num"], [ratio(d.compression_ratio), "num"]]));
  },
};

App.pages.overview = Overview;
App.pages.tables = TablesPage;

$("table-pick").addEventListener("change", e => { location.hash = "#/tables/" + encodeURIComponent(e.target.value); });

$("login-form").addEventListener("submit", async e => {
  e.preventDefault();
  $("login-error").hidden = true;
  try {
    const r = await App.api("POST", "/api/v1/login", { password: $("password").value });
    $("password").value = "";
    App.csrf = r.csrf;
    App.start();
  } catch (err) {
    $("login-error").textContent = err.message;
    $("login-error").hidden = false;
  }
});

$("logout").addEventListener("click", async () => {
  try { await App.api("POST", "/api/v1/logout"); } catch (e) { /* the session is gone either way */ }
  App.showLogin();
});

window.addEventListener("hashchange", App.route);
document.addEventListener("DOMContentLoaded", App.start);
