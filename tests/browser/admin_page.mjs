// Browser test of the admin page: Debian's chromium, headless, driven by
// playwright-core (no browser download). Runs the real `tillpipe serve` on a
// free loopback port with the embedded default config, fills it with the
// simulator's retail backlog, and checks, at 1280 px and 390 px wide:
//   - open mode (loopback, no password): the banner, the starter dashboard's
//     every panel rendered (charts have drawn pixels) without console errors;
//   - login (after `tillpipe passwd`): the login form, a wrong password
//     refused, the right one accepted;
//   - the overview's numbers equal GET /api/v1/status and /api/v1/tables;
//   - the query console: rows, a drawn line chart, the error at its position,
//     the CSV download;
//   - a dashboard edited on the page is saved and drawn;
//   - rejected records: counts by reason, the raw record, re-processing;
//   - the stream page's consumers and segments, and "Backup now" (the download
//     verifies with `tillpipe restore --verify-only`); API tokens created (the
//     secret shown once) and revoked.
// Screenshots go to $ARTIFACTS (default: ./browser-artifacts).
//
// Usage: TILLPIPE_BINARY=build/release/tillpipe node tests/browser/admin_page.mjs
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const BIN = process.env.TILLPIPE_BINARY;
const ARTIFACTS = path.resolve(process.env.ARTIFACTS || "browser-artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const PASSWORD = "a long enough password";

let failures = 0;
function check(ok, what) {
  console.log((ok ? "ok   " : "FAIL ") + what);
  if (!ok) failures++;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitReady(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url + "/ready")).ok) return; } catch (e) { /* not yet */ }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error("the server did not become ready at " + url);
}

// Counts the canvas's drawn (non-transparent) pixels.
async function drawnPixels(canvas) {
  return canvas.evaluate(c => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
  });
}

// Opens the starter dashboard and checks every panel rendered.
async function checkDashboard(page, width, errors) {
  await page.goto(base + "/#/dashboards/retail");
  await page.waitForFunction(() => {
    const panels = [...document.querySelectorAll("#panels .panel")];
    return panels.length > 0 && panels.every(p => p.dataset.state !== "loading");
  }, null, { timeout: 60000 });
  const panels = await page.$$eval("#panels .panel", ps => ps.map(p => ({
    title: p.querySelector("h3").textContent, state: p.dataset.state, kind: p.className,
    text: p.querySelector(".body").textContent.slice(0, 200) })));
  check(panels.length === 9, `${width}px: the starter dashboard has 9 panels (${panels.length})`);
  for (const p of panels) check(p.state === "ok", `${width}px: panel "${p.title}" rendered (${p.state}: ${p.state === "ok" ? "" : p.text})`);
  const canvases = await page.$$("#panels .panel canvas");
  check(canvases.length >= 5, `${width}px: line and bar panels drew charts (${canvases.length} canvases)`);
  for (const c of canvases) {
    const n = await drawnPixels(c);
    check(n > 500, `${width}px: a chart canvas has drawn pixels (${n})`);
  }
  const number = await page.$eval("#panels .panel.number .body", el => el.textContent);
  check(/^[0-9][0-9,.]*$/.test(number.trim()), `${width}px: a number panel shows a number ("${number}")`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${width}px: the page is no wider than the window (overflow ${overflow} px)`);
  check(errors.length === 0, `${width}px: no console errors on the dashboard (${errors.join(" | ")})`);
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${width}.png`), fullPage: true });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tillpipe-browser-"));
const port = await freePort();
const base = "http://127.0.0.1:" + port;
fs.mkdirSync(ARTIFACTS, { recursive: true });
const server = spawn(BIN, ["serve", "--data-dir", path.join(tmp, "data"), "--listen", "127.0.0.1:" + port],
                     { stdio: ["ignore", "ignore", fs.openSync(path.join(ARTIFACTS, "server.log"), "w")] });
let browser;
try {
  await waitReady(base, 30000);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  // A page open before any data arrives: its panels must fill in as the
  // backlog lands, also those that refresh only every 10 minutes.
  const early = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await early.goto(base + "/#/dashboards/retail");
  await early.waitForSelector("#panels .panel[data-state=ok]");
  // A fixed backlog (no live phase), so every number holds still while checked.
  const sim = spawnSync(BIN, ["simulate", "--seed", "5", "--backlog", "40d", "--rate", "10/min",
                              "--duration", "1s", "--url", base, "--quiet"], { encoding: "utf8" });
  check(sim.status === 0, "the simulator filled the server" + (sim.status === 0 ? "" : ": " + sim.stderr));
  // Two records the orders table cannot take, for the rejected page.
  const bad = await fetch(base + "/api/v1/ingest/orders", { method: "POST",
    body: '{"order_id":"bad-1","purchased_at":"yesterday"}\n{"order_id":"bad-2"}\n' });
  check(bad.status === 200, "two bad records were accepted into the stream (" + bad.status + ")");
  // Every record decoded (queryable) before the page looks.
  for (let i = 0; i < 300; i++) {
    const st = await (await fetch(base + "/api/v1/status")).json();
    if (st.materializer && st.materializer.queryable_lag_records === 0) break;
    await new Promise(r => setTimeout(r, 100));
  }

  const filled = await early.waitForFunction(() => {
    const panel = [...document.querySelectorAll("#panels .panel")].find(p => p.textContent.includes("every 600 s"));
    return panel && panel.dataset.state === "ok" && !panel.querySelector(".foot").textContent.startsWith("0 rows");
  }, null, { timeout: 40000 }).then(() => true, () => false);
  check(filled, "a dashboard open before the data came fills in as it arrives (a 10-minute panel within 40 s)");
  await early.close();

  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: width === 390 ? 844 : 900 } });
    const errors = [];
    page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", e => errors.push(e.message));

    // --- open mode: banner and the starter dashboard -----------------------
    await page.goto(base + "/");
    await page.waitForSelector("#banner:not([hidden])");
    check((await page.textContent("#banner")).includes("tillpipe passwd"), `${width}px: the no-password banner shows`);
    await checkDashboard(page, width, errors);

    // --- overview numbers equal the API's ----------------------------------
    await page.goto(base + "/#/overview");
    await page.waitForFunction(() => document.querySelectorAll("#tables tbody tr").length > 0);
    const st = await (await fetch(base + "/api/v1/status")).json();
    const shown = await page.textContent("#records-total");
    check(shown === Number(st.ingest.records_total).toLocaleString("en-US"),
          `${width}px: records ingested ${shown} = API ${st.ingest.records_total}`);
    check((await page.textContent("#freshness")) === "up to date", `${width}px: freshness is "up to date"`);
    // The materializer and compaction go on meanwhile: compare the page with
    // a fresh answer, a few times, until one poll of the page matches it.
    let shownUsed, apiUsed, rows, apiTables;
    const rowsMatch = () => apiTables.tables.every(t => {
      const row = rows.find(r => r[0] === t.name);
      return row && row[2] === Number(t.rows).toLocaleString("en-US");
    });
    for (let i = 0; i < 6; i++) {
      const [s2, t2] = await Promise.all([fetch(base + "/api/v1/status").then(r => r.json()),
                                          fetch(base + "/api/v1/tables").then(r => r.json())]);
      apiTables = t2;
      apiUsed = await page.evaluate(n => bytes(n), s2.stream.bytes + t2.tables.reduce((n, x) => n + x.bytes, 0));
      shownUsed = await page.textContent("#disk-used");
      rows = await page.$$eval("#tables tbody tr", trs => trs.map(tr => [...tr.children].map(td => td.textContent)));
      if (shownUsed === apiUsed && rowsMatch()) break;
      await new Promise(r => setTimeout(r, 5500));  // the page polls every 5 s
    }
    check(shownUsed === apiUsed, `${width}px: data on disk ${shownUsed} = API's stream + table bytes ${apiUsed}`);
    for (const t of apiTables.tables) {
      const row = rows.find(r => r[0] === t.name);
      check(row && row[2] === Number(t.rows).toLocaleString("en-US"),
            `${width}px: table ${t.name} shows ${row && row[2]} rows = API ${t.rows}`);
    }
    const sparks = await page.$$("#tables canvas.spark");
    check(sparks.length === Object.keys(st.ingest.tables).length, `${width}px: a sparkline per ingested table (${sparks.length})`);
    check(sparks.length > 0 && await drawnPixels(sparks[0]) > 50, `${width}px: the sparkline is drawn`);
    const rejectedApi = await (await fetch(base + "/api/v1/rejected?limit=0")).json();
    await page.waitForFunction(n => document.querySelector("#rejected-24h").textContent === n,
                               Number(rejectedApi.last_24h).toLocaleString("en-US"), { timeout: 10000 })
      .catch(() => {});
    check(await page.textContent("#rejected-24h") === Number(rejectedApi.last_24h).toLocaleString("en-US") &&
          rejectedApi.last_24h >= 2, `${width}px: rejected in the last 24 h = API ${rejectedApi.last_24h}`);
    await page.screenshot({ path: path.join(ARTIFACTS, `overview-${width}.png`), fullPage: true });

    // --- the query console --------------------------------------------------
    await page.goto(base + "/#/query");
    await page.fill("#sql", "SELECT purchased_at::DATE AS day, count(*) AS orders FROM orders GROUP BY purchased_at::DATE ORDER BY day");
    await page.selectOption("#query-view", "table");
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#query-stats").textContent.includes("rows in"));
    const qrows = await page.$$eval("#query-result canvas", cs => cs.length);
    check(qrows === 1, `${width}px: a result with a date column is drawn as a line chart`);
    check(await drawnPixels(await page.$("#query-result canvas")) > 500, `${width}px: the query's chart has drawn pixels`);
    await page.selectOption("#query-view", "table");
    const trs = await page.$$eval("#query-result tbody tr", r => r.length);
    check(trs >= 40, `${width}px: the result table shows a page of rows (${trs})`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
    const csv = fs.readFileSync(await download.path(), "utf8");
    check(csv.startsWith("day,orders\n") && csv.split("\n").length > 40, `${width}px: CSV download has the header and rows`);
    await page.fill("#sql", "SELECT order_id,\n       totl\nFROM orders");
    await page.click("#run");
    await page.waitForSelector("#query-error:not([hidden])");
    const err = await page.textContent("#query-error");
    check(err.includes("totl") && err.includes("LINE 2:") && /\n\s+\^$/.test(err), `${width}px: the error points at its position: ${JSON.stringify(err)}`);
    await page.screenshot({ path: path.join(ARTIFACTS, `query-error-${width}.png`), fullPage: true });

    // --- the stream page ------------------------------------------------------
    errors.length = 0;  // the query error above was a 400 on purpose
    await page.goto(base + "/#/stream");
    await page.waitForFunction(() => document.querySelectorAll("#stream-segment-list tbody tr").length > 0);
    const consumers = await page.$$eval("#stream-consumers tbody tr", trs => trs.map(tr => tr.children[0].textContent));
    check(consumers.includes("materializer"), `${width}px: the stream page lists the materializer (${consumers})`);
    const segment = await page.textContent("#stream-segment-list tbody tr:first-child");
    check(segment.includes("active"), `${width}px: the newest segment is the active one (${segment})`);
    const overflowStream = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflowStream <= 0, `${width}px: the stream page is no wider than the window (${overflowStream} px)`);
    if (width === 1280) {
      // "Backup now": the browser saves the archive the server makes as it sends it.
      const [backup] = await Promise.all([page.waitForEvent("download"), page.click("#backup-now")]);
      check(/^tillpipe-backup-\d{8}T\d{6}Z\.tar\.zst$/.test(backup.suggestedFilename()),
            `the backup download is named ${backup.suggestedFilename()}`);
      const saved = await backup.path();
      const verify = spawnSync(BIN, ["restore", "--verify-only", "--from", saved], { encoding: "utf8" });
      check(verify.status === 0 && verify.stdout.includes("every checksum matches"),
            `the downloaded backup verifies: ${verify.stdout}${verify.stderr}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, `stream-${width}.png`), fullPage: true });
    check(errors.length === 0, `${width}px: no console errors on the stream page (${errors.join(" | ")})`);
    await page.close();
  }

  // --- rejected records: browse, the raw record, re-process ---------------------
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on("pageerror", e => errors.push(e.message));
    await page.goto(base + "/#/rejected");
    await page.waitForFunction(() => document.querySelectorAll("#rejected-rows tbody tr").length >= 2);
    const summary = await page.$$eval("#rejected-summary tbody tr", trs => trs.map(tr => tr.textContent));
    check(summary.some(t => t.includes("orders") && t.includes("missing_value")) &&
          summary.some(t => t.includes("orders") && t.includes("bad_value")),
          `the rejected summary counts orders by reason (${summary.join(" | ")})`);
    await page.selectOption("#rejected-reason", "missing_value");
    await page.waitForFunction(() => document.querySelectorAll("#rejected-rows tbody tr").length === 1);
    await page.click("#rejected-rows tbody tr:first-child a");
    await page.waitForSelector("#record:not([hidden])");
    check((await page.textContent("#record")).includes('"bad-2"'), "the raw record is shown as it was sent");
    await page.check("#rejected-rows tbody tr:first-child input[type=checkbox]");
    await page.click("#reprocess");
    await page.waitForFunction(() => document.querySelector("#reprocess-result").textContent.includes("1 re-processed"))
      .catch(async e => { throw new Error(`${e.message}; the page's error: ${await page.textContent("#rejected-error")}`); });
    // Not necessarily the first row: the record still misses its value, so
    // it may already be back in _rejected under its new offset, newest first.
    await page.waitForFunction(() => [...document.querySelectorAll("#rejected-rows tbody tr")]
      .some(tr => tr.textContent.includes("re-processed as offset")));
    check(true, "a selected record was re-processed and is marked with its new offset");
    await page.screenshot({ path: path.join(ARTIFACTS, "rejected-1280.png"), fullPage: true });

    // --- API tokens -------------------------------------------------------------
    page.on("dialog", d => d.accept());
    await page.goto(base + "/#/tokens");
    await page.fill("#token-name", "reporting script");
    await page.selectOption("#token-scope", "read");
    await page.click("#token-form button[type=submit]");
    await page.waitForSelector("#token-secret:not([hidden])");
    const secret = await page.textContent("#token-secret code");
    check(/^tp_[0-9a-f]{64}$/.test(secret), "a new token's secret is shown once");
    await page.waitForFunction(() => document.querySelector("#token-list tbody").textContent.includes("reporting script"));
    await page.click("#token-list tbody tr:first-child button");
    await page.waitForFunction(() => document.querySelector("#token-list tbody tr:first-child").textContent.includes("revoked"));
    const tokens = await (await fetch(base + "/api/v1/tokens")).json();
    check(tokens.tokens[0].name === "reporting script" && tokens.tokens[0].revoked_us != null,
          "revoking on the page revokes the token in the API");
    await page.screenshot({ path: path.join(ARTIFACTS, "tokens-1280.png"), fullPage: true });
    check(errors.length === 0, `no page errors on rejected and tokens (${errors.join(" | ")})`);
    await page.close();
  }

  // --- editing a dashboard on the page ----------------------------------------
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(base + "/#/dashboards/retail");
    await page.waitForSelector("#panels .panel");
    await page.click("#dashboard-edit");
    await page.fill("#edit-title", "Retail (edited)");
    const first = page.locator("#edit-panels .edit-panel").first();
    await first.locator(".p-chart").selectOption("pie").catch(() => {});  // no such option: stays valid
    await page.click("#edit-add");
    const added = page.locator("#edit-panels .edit-panel").last();
    await added.locator(".p-title").fill("Reviews per score");
    await added.locator(".p-chart").selectOption("bar");
    await added.locator(".p-sql").fill("SELECT score::VARCHAR AS score, count(*) AS reviews FROM reviews GROUP BY score ORDER BY score");
    await page.click("#dashboard-editor button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#dashboard-title").textContent === "Retail (edited)");
    await page.waitForFunction(() => [...document.querySelectorAll("#panels .panel")].every(p => p.dataset.state !== "loading"));
    const last = await page.$eval("#panels .panel:last-child", p => [p.querySelector("h3").textContent, p.dataset.state]);
    check(last[0] === "Reviews per score" && last[1] === "ok", `the added panel is drawn (${last})`);
    const saved = await (await fetch(base + "/api/v1/dashboards")).json();
    check(saved.dashboards[0].title === "Retail (edited)" && saved.dashboards[0].source.includes("edited"),
          "the edit is saved: GET /api/v1/dashboards has it");
    await page.close();
  }

  // --- login, once a password is set ------------------------------------------
  {
    const set = spawnSync(BIN, ["passwd", "--data-dir", path.join(tmp, "data")], { input: PASSWORD + "\n", encoding: "utf8" });
    check(set.status === 0, "tillpipe passwd set the password");
    await new Promise(r => setTimeout(r, 1500));  // the server re-reads the file within a second
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(base + "/");
    await page.waitForSelector("#login:not([hidden])");
    check(await page.isHidden("#banner"), "with a password there is no banner");
    await page.fill("#password", "wrong password");
    await page.click("#login-form button");
    await page.waitForSelector("#login-error:not([hidden])");
    check((await page.textContent("#login-error")).includes("wrong password"), "a wrong password is refused");
    await page.fill("#password", PASSWORD);
    await page.click("#login-form button");
    await page.waitForSelector("#nav:not([hidden])");
    await page.waitForSelector("#panels .panel[data-state=ok]");
    check(await page.isVisible("#logout"), "logged in: the dashboard shows and Log out is offered");
    const cookies = await page.context().cookies();
    const c = cookies.find(x => x.name === "tillpipe_session");
    check(c && c.httpOnly && c.sameSite === "Strict", "the session cookie is HttpOnly and SameSite=Strict");
    await page.screenshot({ path: path.join(ARTIFACTS, "logged-in-390.png"), fullPage: true });
    await page.click("#logout");
    await page.waitForSelector("#login:not([hidden])");
    const after = await fetch(base + "/api/v1/status");
    check(after.status === 401, "after logging out, the API asks for a login again (no cookie: 401)");
    await page.close();
  }
} catch (e) {
  console.log("FAIL " + (e.stack || e));
  failures++;
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
  await new Promise(r => server.once("exit", r));
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(failures === 0 ? "browser tests: all passed; screenshots in " + ARTIFACTS
                           : "browser tests: " + failures + " failed; screenshots and server.log in " + ARTIFACTS);
process.exit(failures === 0 ? 0 : 1);
