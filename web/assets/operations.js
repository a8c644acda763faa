// The operator's pages: rejected records (browse by table and reason, see
// the raw record, re-process), the stream (segments, consumers, retention)
// and API tokens (create, shown once; revoke). All through the JSON API.
"use strict";

const REASONS = {
  unknown_table: "table not in the config",
  not_json: "not a JSON object",
  bad_value: "value of the wrong type",
  missing_value: "missing required value",
  new_field: "field not declared",
  schema_change: "schema change refused",
  derived: "derived column failed",
  filtered: "filtered by where",
  unknown: "rejected before reason codes",
};

const RejectedPage = {
  rows: [],
  next: null,
  picked: new Set(),

  show() { RejectedPage.load(false); },

  query(more) {
    const p = new URLSearchParams();
    if ($("rejected-table").value) p.set("table", $("rejected-table").value);
    if ($("rejected-reason").value) p.set("reason", $("rejected-reason").value);
    if (more && RejectedPage.next != null) p.set("before", RejectedPage.next);
    return "/api/v1/rejected?" + p.toString();
  },

  async load(more) {
    $("rejected-error").hidden = true;
    try {
      const r = await App.api("GET", RejectedPage.query(more));
      if (!more) { RejectedPage.rows = []; RejectedPage.picked.clear(); }
      RejectedPage.rows = RejectedPage.rows.concat(r.rows);
      RejectedPage.next = r.next_before;
      RejectedPage.drawSummary(r);
      RejectedPage.drawRows();
    } catch (e) {
      if (e.status === 401) return;
      $("rejected-error").textContent = e.message;
      $("rejected-error").hidden = false;
    }
  },

  drawSummary(r) {
    const filter = (table, reason) => {
      const a = document.createElement("a");
      a.href = "#/rejected";
      a.textContent = table;
      a.addEventListener("click", ev => {
        ev.preventDefault();
        $("rejected-table").value = table;
        $("rejected-reason").value = reason;
        RejectedPage.load(false);
      });
      return a;
    };
    fillTable("rejected-summary", r.summary.map(s => [filter(s.table, s.reason_code),
      s.reason_code + " (" + (REASONS[s.reason_code] || s.reason_code) + ")", [count(s.records), "num"],
      [count(s.last_24h), "num"], [count(s.reprocessed), "num"], s.last_at || "–"]));
    const keep = (id, values, all) => {
      const pick = $(id), was = pick.value;
      pick.replaceChildren(new Option(all, ""), ...[...new Set(values)].sort().map(v => new Option(v, v)));
      pick.value = [...pick.options].some(o => o.value === was) ? was : "";
    };
    keep("rejected-table", r.summary.map(s => s.table), "all tables");
    keep("rejected-reason", r.summary.map(s => s.reason_code), "all reasons");
  },

  drawRows() {
    const rows = RejectedPage.rows;
    fillTable("rejected-rows", rows.map(row => {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.setAttribute("aria-label", "select record " + row.log_offset);
      box.disabled = row.reprocessed != null;
      box.checked = RejectedPage.picked.has(row.log_offset);
      box.addEventListener("change", () => {
        if (box.checked) RejectedPage.picked.add(row.log_offset); else RejectedPage.picked.delete(row.log_offset);
        RejectedPage.updateButton();
      });
      const offset = document.createElement("a");
      offset.href = "#/rejected";
      offset.textContent = row.log_offset;
      offset.addEventListener("click", ev => { ev.preventDefault(); RejectedPage.showRecord(row.log_offset); });
      const state = row.reprocessed ? "re-processed as offset " + row.reprocessed.new_offset : "open";
      return [box, offset, row.table, row.field, [row.reason, "wrap"], row.ingested_at, state];
    }), r => rows[r].reprocessed ? "done" : "");
    $("rejected-more").hidden = RejectedPage.next == null;
    $("rejected-all").checked = false;
    RejectedPage.updateButton();
  },

  updateButton() {
    const n = RejectedPage.picked.size;
    $("reprocess").disabled = n === 0;
    $("reprocess").textContent = n ? "Re-process " + n + " selected" : "Re-process selected";
  },

  // The whole raw record, as it was sent.
  async showRecord(offset) {
    try {
      const r = await App.api("GET", "/api/v1/rejected?offset=" + offset);
      const row = r.rows[0];
      if (!row) return;
      $("record-title").textContent = "Record at offset " + offset + " (" + row.table + ", " + bytes(row.record_bytes) + ")";
      let text = row.record;
      try { text = JSON.stringify(JSON.parse(row.record), null, 2); } catch (e) { /* shown as sent */ }
      $("record").textContent = text;
      $("record-title").hidden = $("record").hidden = false;
      $("record").scrollIntoView({ block: "nearest" });
    } catch (e) {
      $("rejected-error").textContent = e.message;
      $("rejected-error").hidden = false;
    }
  },

  async reprocess() {
    const offsets = [...RejectedPage.picked].sort((a, b) => a - b);
    $("reprocess").disabled = true;
    $("rejected-error").hidden = true;
    try {
      const r = await App.api("POST", "/api/v1/rejected/reprocess", { offsets });
      $("reprocess-result").textContent = r.reprocessed.length + " re-processed" +
        (r.skipped.length ? ", " + r.skipped.length + " had been re-processed before" : "") +
        ". They land in their tables, or here again if they still do not fit.";
    } catch (e) {
      $("rejected-error").textContent = e.message;
      $("rejected-error").hidden = false;
    }
    RejectedPage.load(false);
  },
};

const StreamPage = {
  timer: null,
  show() { StreamPage.load(); },
  hide() { clearTimeout(StreamPage.timer); },

  async load() {
    clearTimeout(StreamPage.timer);
    try {
      const s = await App.api("GET", "/api/v1/stream");
      $("stream-offsets").textContent = count(s.start_offset) + " – " + count(s.end_offset);
      $("stream-segments").textContent = count(s.segments.length);
      $("stream-bytes").textContent = bytes(s.bytes);
      $("stream-retention").textContent = s.retention_s ? duration(s.retention_s) : "forever";
      $("stream-fsync").textContent = s.fsync;
      $("stream-keys").textContent = count(s.idempotency_keys);
      fillTable("stream-consumers", s.consumers.map(c => [c.name, [count(c.offset), "num"], [count(c.lag), "num"]]));
      const now = Date.now() * 1000;
      fillTable("stream-segment-list", s.segments.slice().reverse().map(seg => {
        let fate = "active: appends go here";
        if (!seg.active) {
          fate = seg.expires_us == null ? "kept (no retention)"
               : seg.expires_us > now ? "kept until " + when(seg.expires_us) : "due for deletion";
          if (seg.held_by.length) fate += "; held by " + seg.held_by.join(", ") + " (not read yet)";
        }
        return [[count(seg.base_offset), "num"], [count(seg.records), "num"], [bytes(seg.bytes), "num"],
                when(seg.last_append_us), fate];
      }));
    } catch (e) {
      if (e.status === 401) return;
      App.error(e.message);
    }
    StreamPage.timer = setTimeout(StreamPage.load, REFRESH_MS);
  },
};

const TokensPage = {
  show() {
    $("token-secret").hidden = true;
    TokensPage.load();
  },

  async load() {
    try {
      const r = await App.api("GET", "/api/v1/tokens");
      fillTable("token-list", r.tokens.map(t => {
        let action = document.createTextNode("");
        if (t.revoked_us == null) {
          action = document.createElement("button");
          action.type = "button";
          action.className = "secondary";
          action.textContent = "Revoke";
          action.addEventListener("click", () => TokensPage.revoke(t));
        }
        return [t.name, t.scope, when(t.created_us), t.revoked_us ? "revoked " + when(t.revoked_us) : "live", action];
      }), r => r.revoked_us ? "done" : "");
    } catch (e) {
      TokensPage.fail(e);
    }
  },

  fail(e) {
    if (e.status === 401) return;
    $("token-error").textContent = e.message;
    $("token-error").hidden = false;
  },

  async create(ev) {
    ev.preventDefault();
    $("token-error").hidden = true;
    try {
      const t = await App.api("POST", "/api/v1/tokens", { name: $("token-name").value, scope: $("token-scope").value });
      const p = $("token-secret");
      p.replaceChildren(document.createTextNode("Token \"" + t.name + "\" (" + t.scope +
        "). Copy it now, it is not shown again: "), Object.assign(document.createElement("code"), { textContent: t.token }));
      p.hidden = false;
      $("token-name").value = "";
      TokensPage.load();
    } catch (e) {
      TokensPage.fail(e);
    }
  },

  async revoke(t) {
    if (!confirm("Revoke token \"" + t.name + "\"? Senders using it are refused from now on.")) return;
    try {
      await App.api("DELETE", "/api/v1/tokens/" + t.id);
      TokensPage.load();
    } catch (e) {
      TokensPage.fail(e);
    }
  },
};

App.pages.rejected = RejectedPage;
App.pages.stream = StreamPage;
App.pages.tokens = TokensPage;

$("rejected-table").addEventListener("change", () => RejectedPage.load(false));
$("rejected-reason").addEventListener("change", () => RejectedPage.load(false));
$("rejected-more").addEventListener("click", () => RejectedPage.load(true));
$("reprocess").addEventListener("click", RejectedPage.reprocess);
$("rejected-all").addEventListener("change", e => {
  for (const row of RejectedPage.rows) {
    if (row.reprocessed == null && e.target.checked) RejectedPage.picked.add(row.log_offset);
  }
  if (!e.target.checked) RejectedPage.picked.clear();
  const all = e.target.checked;
  RejectedPage.drawRows();
  $("rejected-all").checked = all;
});
$("token-form").addEventListener("submit", TokensPage.create);
