// The query console: POST /api/v1/query, the error shown at its position,
// the result as a paged table or a line/bar chart, its stats, and CSV.
"use strict";

const QueryPage = {
  result: null,
  show() { $("sql").focus(); },

  async run() {
    const sql = $("sql").value;
    $("query-error").hidden = true;
    $("query-stats").textContent = "running…";
    $("run").disabled = true;
    try {
      QueryPage.result = await App.api("POST", "/api/v1/query", { sql });
      $("query-stats").textContent = Results.statsText(QueryPage.result.stats, QueryPage.result.rows.length);
      const view = $("query-view");
      // A result with a time or category column and numbers is offered as a chart.
      if (view.value === "table" && Results.chartable(QueryPage.result) && Results.isTime(QueryPage.result.columns[0].type)) {
        view.value = "line";
      }
      QueryPage.draw();
    } catch (e) {
      QueryPage.result = null;
      Results.clear($("query-result"));
      $("query-stats").textContent = "";
      QueryPage.showError(sql, e);
    } finally {
      $("run").disabled = false;
    }
  },

  draw() {
    if (QueryPage.result) Results.draw($("query-result"), QueryPage.result, $("query-view").value, 50);
  },

  // The message, and with a position the SQL line with a caret under it;
  // the position is also selected in the editor.
  showError(sql, e) {
    let text = e.message;
    const pos = e.body && e.body.position;
    if (pos) {
      const before = sql.slice(0, pos - 1);
      const lineNo = before.split("\n").length;
      const lineStart = before.lastIndexOf("\n") + 1;
      const lineEnd = sql.indexOf("\n", lineStart);
      const line = sql.slice(lineStart, lineEnd < 0 ? sql.length : lineEnd);
      const prefix = "LINE " + lineNo + ": ";
      text += "\n" + prefix + line + "\n" + " ".repeat(prefix.length + (pos - 1 - lineStart)) + "^";
      $("sql").setSelectionRange(pos - 1, pos);
    }
    $("query-error").textContent = text;
    $("query-error").hidden = false;
  },

  async csv() {
    try {
      const text = await App.api("POST", "/api/v1/query", { sql: $("sql").value }, "text/csv");
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
      a.download = "query.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (e) {
      QueryPage.showError($("sql").value, e);
    }
  },
};

App.pages.query = QueryPage;
$("run").addEventListener("click", QueryPage.run);
$("csv").addEventListener("click", QueryPage.csv);
$("query-view").addEventListener("change", QueryPage.draw);
$("sql").addEventListener("keydown", e => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); QueryPage.run(); }
});
