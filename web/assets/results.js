// Drawing a query's answer ({"columns":[{name,type}],"rows":[[..]],"stats":{..}},
// POST /api/v1/query) as a table with paging, a line or bar chart, or one
// number. Shared by the query console and the dashboards.
"use strict";

const Results = (() => {
  const charts = new WeakMap();  // canvas -> Chart, destroyed before redrawing
  const PALETTE = ["#2f6feb", "#12b76a", "#f79009", "#7a5af8", "#ee46bc", "#06aed4", "#667085"];

  function isNumeric(type) {
    return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL)/i.test(type);
  }
  function isTime(type) { return /^(DATE|TIMESTAMP|TIME)/i.test(type); }

  // A chart needs a first column to put on the x axis (time or category)
  // and at least one numeric column after it.
  function chartable(result) {
    if (!result || result.columns.length < 2 || result.rows.length === 0) return false;
    return result.columns.slice(1).some(c => isNumeric(c.type));
  }

  function cellText(v) {
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "number") return v.toLocaleString("en-US", { maximumFractionDigits: 6 });
    return String(v);
  }

  function clear(el) {
    for (const c of el.querySelectorAll("canvas")) {
      const chart = charts.get(c);
      if (chart) chart.destroy();
    }
    el.replaceChildren();
  }

  // A table of `result`, `pageSize` rows per page, with a pager when needed.
  function table(el, result, pageSize) {
    clear(el);
    let page = 0;
    const pages = Math.max(1, Math.ceil(result.rows.length / pageSize));
    const box = document.createElement("div");
    box.className = "scroll";
    const t = document.createElement("table");
    t.className = "result";
    const head = document.createElement("tr");
    result.columns.forEach(c => {
      const th = document.createElement("th");
      th.textContent = c.name;
      th.title = c.type;
      if (isNumeric(c.type)) th.className = "num";
      head.appendChild(th);
    });
    const thead = document.createElement("thead");
    thead.appendChild(head);
    const tbody = document.createElement("tbody");
    t.append(thead, tbody);
    box.appendChild(t);
    el.appendChild(box);
    const pager = document.createElement("div");
    pager.className = "pager";
    const prev = document.createElement("button");
    prev.type = "button"; prev.className = "secondary"; prev.textContent = "‹ Previous";
    const next = document.createElement("button");
    next.type = "button"; next.className = "secondary"; next.textContent = "Next ›";
    const info = document.createElement("span");
    info.className = "muted page-info";
    pager.append(prev, info, next);
    if (pages > 1) el.appendChild(pager);
    function show() {
      tbody.replaceChildren();
      for (const row of result.rows.slice(page * pageSize, (page + 1) * pageSize)) {
        const tr = document.createElement("tr");
        row.forEach((v, i) => {
          const td = document.createElement("td");
          td.textContent = cellText(v);
          if (isNumeric(result.columns[i].type)) td.className = "num";
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      }
      info.textContent = "page " + (page + 1) + " of " + pages + " (" + result.rows.length.toLocaleString("en-US") + " rows)";
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    prev.addEventListener("click", () => { if (page > 0) { --page; show(); } });
    next.addEventListener("click", () => { if (page < pages - 1) { ++page; show(); } });
    show();
  }

  // A line or bar chart: the first column on the x axis, each numeric
  // column after it a series (at most 500 points are drawn).
  function chart(el, result, kind) {
    clear(el);
    const box = document.createElement("div");
    box.className = "chart-box";
    const canvas = document.createElement("canvas");
    box.appendChild(canvas);
    el.appendChild(box);
    const rows = result.rows.slice(0, 500);
    const datasets = [];
    result.columns.forEach((c, i) => {
      if (i === 0 || !isNumeric(c.type)) return;
      const color = PALETTE[datasets.length % PALETTE.length];
      datasets.push({ label: c.name, data: rows.map(r => r[i] === null ? null : Number(r[i])),
                      borderColor: color, backgroundColor: color, pointRadius: rows.length > 60 ? 0 : 2,
                      yAxisID: datasets.length === 0 ? "y" : "y" + datasets.length });
    });
    const scales = { x: { ticks: { maxRotation: 0, autoSkip: true } } };
    datasets.forEach((d, i) => {
      scales[d.yAxisID] = { position: i % 2 === 0 ? "left" : "right", beginAtZero: kind === "bar",
                            grid: { drawOnChartArea: i === 0 } };
    });
    charts.set(canvas, new Chart(canvas, {
      type: kind,
      data: { labels: rows.map(r => cellText(r[0])), datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
                 interaction: { mode: "index", intersect: false }, scales,
                 plugins: { legend: { display: datasets.length > 1 } } },
    }));
  }

  function number(el, result) {
    clear(el);
    const v = result.rows.length && result.rows[0].length ? result.rows[0][0] : null;
    const span = document.createElement("span");
    span.className = "number";
    span.textContent = cellText(v);
    el.appendChild(span);
  }

  // Draws `result` as `kind` (table | line | bar | number); a chart kind
  // falls back to a table when the result has nothing to chart.
  function draw(el, result, kind, pageSize) {
    if (kind === "number") return number(el, result);
    if ((kind === "line" || kind === "bar") && chartable(result)) return chart(el, result, kind);
    return table(el, result, pageSize || 50);
  }

  function statsText(s, rows) {
    if (!s) return "";
    return rows.toLocaleString("en-US") + " rows in " + Number(s.elapsed_ms).toFixed(1) + " ms · scanned " +
      Number(s.rows_scanned).toLocaleString("en-US") + " rows in " + s.files_scanned + " files" +
      (s.files_skipped ? " (" + s.files_skipped + " skipped)" : "") +
      (s.spilled_bytes ? " · spilled " + s.spilled_bytes + " bytes" : "");
  }

  return { draw, chartable, clear, statsText, isNumeric, isTime };
})();
