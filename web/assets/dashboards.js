// Dashboards: GET /api/v1/dashboards (the config's, and copies edited on
// this page), each panel's SQL run every `refresh_s` through
// POST /api/v1/query, and sooner (every CATCH_UP_MS) while the tables grow
// fast, as when a backlog arrives: a new shop sees its panels fill in
// within a minute, not after the slowest panel's interval. The editor saves
// with PUT /api/v1/dashboards/NAME.
"use strict";

const CATCH_UP_MS = 10000;
const CATCH_UP_GROWTH = 1.05;  // rows in the tables grew 5% since the panel ran

// Rows in all tables (files and the in-memory tail), from the status poll.
function rowsInTables() {
  if (!App.tables) return 0;
  return App.tables.tables.reduce((n, t) => n + (t.rows || 0) + (t.tail_rows || 0), 0);
}

const DashboardsPage = {
  list: [],
  current: null,
  timers: [],

  async show(name) {
    DashboardsPage.stop();
    $("panels").replaceChildren();  // no stale panels while the list loads
    try {
      DashboardsPage.list = (await App.api("GET", "/api/v1/dashboards")).dashboards;
    } catch (e) {
      App.error("Cannot load the dashboards: " + e.message);
      return;
    }
    const tabs = $("dashboard-tabs");
    tabs.replaceChildren(...DashboardsPage.list.map(d => {
      const a = document.createElement("a");
      a.href = "#/dashboards/" + encodeURIComponent(d.name);
      a.textContent = d.title;
      return a;
    }));
    const d = DashboardsPage.list.find(x => x.name === name) || DashboardsPage.list[0];
    DashboardsPage.current = d || null;
    $("dashboard-editor").hidden = true;
    $("panels").hidden = false;
    for (const a of tabs.children) a.classList.toggle("active", d && a.textContent === d.title);
    $("dashboard-title").textContent = d ? d.title : "No dashboards yet";
    $("dashboard-source").textContent = d ? "from " + d.source : "";
    $("dashboard-edit").hidden = !d;
    $("panels").replaceChildren();
    if (d) d.panels.forEach((p, i) => DashboardsPage.addPanel(p, i));
  },

  hide() { DashboardsPage.stop(); },

  stop() {
    for (const t of DashboardsPage.timers) clearInterval(t);
    DashboardsPage.timers = [];
  },

  addPanel(p, i) {
    const box = document.createElement("article");
    box.className = "panel " + p.chart;
    box.dataset.panel = String(i);
    box.dataset.state = "loading";
    const h = document.createElement("h3");
    h.textContent = p.title;
    const body = document.createElement("div");
    body.className = "body";
    const foot = document.createElement("div");
    foot.className = "foot";
    foot.textContent = "loading…";
    box.append(h, body, foot);
    $("panels").appendChild(box);
    const state = { lastRun: 0, rowsAtRun: 0, running: false };
    const run = async () => {
      state.running = true;
      state.lastRun = Date.now();
      state.rowsAtRun = rowsInTables();
      try {
        const r = await App.api("POST", "/api/v1/query", { sql: p.sql });
        Results.draw(body, r, p.chart, 10);
        box.dataset.state = "ok";
        foot.textContent = r.rows.length.toLocaleString("en-US") + " rows · " + Number(r.stats.elapsed_ms).toFixed(1) +
          " ms · updated " + new Date().toLocaleTimeString() + " · every " + p.refresh_s + " s";
      } catch (e) {
        if (e.status === 401) { DashboardsPage.stop(); return; }
        Results.clear(body);
        box.dataset.state = "error";
        const err = document.createElement("p");
        err.className = "error";
        err.textContent = e.message;
        body.appendChild(err);
        foot.textContent = "failed at " + new Date().toLocaleTimeString();
      } finally {
        state.running = false;
      }
    };
    const tick = () => {
      if (state.running) return;
      const since = Date.now() - state.lastRun;
      const growing = rowsInTables() > state.rowsAtRun * CATCH_UP_GROWTH;
      if (since >= Math.max(5, p.refresh_s) * 1000 || (since >= CATCH_UP_MS && growing)) run();
    };
    run();
    DashboardsPage.timers.push(setInterval(tick, 5000));
  },

  // --- the editor ---------------------------------------------------------

  edit(d, isNew) {
    DashboardsPage.stop();
    DashboardsPage.editing = { name: d.name, isNew };
    $("panels").hidden = true;
    $("dashboard-editor").hidden = false;
    $("edit-error").hidden = true;
    $("edit-title").value = d.title;
    $("edit-revert").hidden = !(d.source || "").includes("edited");
    $("edit-panels").replaceChildren();
    d.panels.forEach(p => DashboardsPage.editPanel(p));
  },

  editPanel(p) {
    const f = document.createElement("fieldset");
    f.className = "edit-panel";
    const field = (label, el) => { const l = document.createElement("label"); l.append(label + " ", el); f.appendChild(l); return el; };
    const title = field("Title", document.createElement("input"));
    title.className = "p-title";
    title.value = p.title;
    const chart = field("Chart", document.createElement("select"));
    chart.className = "p-chart";
    for (const c of ["line", "bar", "table", "number"]) chart.appendChild(new Option(c, c));
    chart.value = p.chart;
    const refresh = field("Refresh (seconds)", document.createElement("input"));
    refresh.className = "p-refresh";
    refresh.type = "number";
    refresh.min = "5";
    refresh.value = p.refresh_s;
    const sql = field("SQL", document.createElement("textarea"));
    sql.className = "p-sql";
    sql.rows = 5;
    sql.value = p.sql;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary";
    remove.textContent = "Remove panel";
    remove.addEventListener("click", () => f.remove());
    f.appendChild(remove);
    $("edit-panels").appendChild(f);
  },

  async save(e) {
    e.preventDefault();
    const panels = [...document.querySelectorAll("#edit-panels .edit-panel")].map(f => ({
      title: f.querySelector(".p-title").value,
      chart: f.querySelector(".p-chart").value,
      refresh_s: parseInt(f.querySelector(".p-refresh").value, 10) || 60,
      sql: f.querySelector(".p-sql").value,
    }));
    const name = DashboardsPage.editing.name;
    try {
      await App.api("PUT", "/api/v1/dashboards/" + encodeURIComponent(name), { title: $("edit-title").value, panels });
      location.hash = "#/dashboards/" + encodeURIComponent(name);
      DashboardsPage.show(name);
    } catch (err) {
      $("edit-error").textContent = err.message;
      $("edit-error").hidden = false;
    }
  },

  async revert() {
    const name = DashboardsPage.editing.name;
    try {
      await App.api("DELETE", "/api/v1/dashboards/" + encodeURIComponent(name));
      DashboardsPage.show(name);
    } catch (err) {
      $("edit-error").textContent = err.message;
      $("edit-error").hidden = false;
    }
  },
};

App.pages.dashboards = DashboardsPage;
$("dashboard-edit").addEventListener("click", () => { if (DashboardsPage.current) DashboardsPage.edit(DashboardsPage.current, false); });
$("dashboard-new").addEventListener("click", () => {
  const name = (prompt("Name of the new dashboard (a-z, 0-9, _ and -):") || "").trim();
  if (!name) return;
  DashboardsPage.edit({ name, title: name, source: "page",
                        panels: [{ title: "Orders per day", chart: "line", refresh_s: 60,
                                   sql: "SELECT purchased_at::DATE AS day, count(*) AS orders FROM orders GROUP BY purchased_at::DATE ORDER BY day" }] }, true);
});
$("edit-add").addEventListener("click", () => DashboardsPage.editPanel({ title: "", chart: "table", refresh_s: 60, sql: "" }));
$("dashboard-editor").addEventListener("submit", DashboardsPage.save);
$("edit-cancel").addEventListener("click", () => DashboardsPage.show(DashboardsPage.editing.name));
$("edit-revert").addEventListener("click", DashboardsPage.revert);
