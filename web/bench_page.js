/* Speed of the teaching page in headless Chromium (Debian's, driven by puppeteer-core), and
 * where its time goes: opens the page RUNS times in a fresh browser, lets protocol A (the
 * demo scenario, configs/demo.ini as the page opens) run to its end, and prints per run
 *   - simulated days per second of wall clock inside the worker (what the target means),
 *   - the worker's time split: stepping the model / reading rows and sections / posting messages
 *     / not computing (waiting for its next slice),
 *   - the page's main thread: taking in the messages and drawing (milliseconds, number of redraws),
 *   - CPU seconds of the worker threads and of the page's main thread (Linux /proc),
 *   - the time to the first frame, and the load average;
 * then the median of each figure over the runs.
 * Usage: node web/bench_page.js SITE_DIR [RUNS]   (env DERMIS_CHROMIUM, default /usr/bin/chromium;
 * NODE_PATH must reach puppeteer-core: web/bench.sh sets it to build/web/node_modules) */
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const puppeteer = require("puppeteer-core");

const [siteDir, runsArg] = process.argv.slice(2);
if (!siteDir) {
  console.error("usage: node web/bench_page.js SITE_DIR [RUNS]");
  process.exit(2);
}
const runs = Number(runsArg || 5);
const chromium = process.env.DERMIS_CHROMIUM || "/usr/bin/chromium";
const TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm",
               ".ini": "text/plain"};
const load = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

function serve() {
  const root = path.resolve(siteDir);
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(req.url.split("?")[0]).replace(/^\/$/, "/index.html"));
    if (!file.startsWith(root) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, {"Content-Type": TYPES[path.extname(file)] || "application/octet-stream"});
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/* CPU seconds of the browser's threads (it and its descendants): the Web Workers (threads named
 * "DedicatedWorker": the simulation), the renderer's main thread (the page: JavaScript, style,
 * layout, painting), and all the others (compositing, rasterising, the browser process). */
function threadCpu(browserPid) {
  const parent = new Map();
  for (const d of fs.readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch (e) { /* gone meanwhile */ }
  }
  const ours = (pid) => { for (let p = pid; p > 1; p = parent.get(p)) if (p === browserPid) return true; return false; };
  const out = {worker: 0, main: 0, other: 0};
  for (const pid of [...parent.keys()].filter(ours)) {
    let tids = [], renderer = false;
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
      renderer = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer");
    } catch (e) { continue; }
    for (const tid of tids) {
      let stat;
      try { stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"); } catch (e) { continue; }
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const s = (Number(f[11]) + Number(f[12])) / 100;  /* utime + stime, USER_HZ */
      out[/^DedicatedWorker/.test(name) ? "worker" : renderer && Number(tid) === pid ? "main" : "other"] += s;
    }
  }
  return out;
}

async function once(url) {
  const browser = await puppeteer.launch({executablePath: chromium, headless: true, protocolTimeout: 60000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]});
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1500, height: 1250});
    await page.goto(url);
    /* Polled from here, twice a second: light on the page it measures. (The page's hooks exist
     * before its protocols do: the first frame says they are there.) */
    for (let i = 0; !(await page.evaluate(() => window.dermisPage && window.dermisPage.firstFrameMs() !== null &&
                                              window.dermisPage.done("A"))); i++) {
      if (i > 1200) throw new Error("the demo did not finish within 10 minutes");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const r = await page.evaluate(() => ({rate: window.dermisPage.rate("A"), busy: window.dermisPage.busy("A"),
      cost: window.dermisPage.cost ? window.dermisPage.cost("A") : null, firstMs: window.dermisPage.firstFrameMs(),
      days: window.dermisPage.rows("A").slice(-1)[0][0]}));
    /* The renderer's main thread as Chromium accounts it (seconds): all its tasks, of which
     * JavaScript, style and layout (the rest is mostly painting). */
    const m = await page.metrics();
    r.blink = {task: m.TaskDuration, script: m.ScriptDuration, layout: m.LayoutDuration, style: m.RecalcStyleDuration};
    r.cpu = threadCpu(browser.process().pid);
    r.load = load();
    return r;
  } finally {
    await browser.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

function describe(r) {
  const c = r.cost, wall = 1000 * r.days / r.rate;  /* the run's wall time in the worker, ms */
  const pct = (ms) => `${(100 * ms / wall).toFixed(1)} %`;
  /* (a page without the cost counters, such as an older version, reports the rest) */
  const worker = !c ? "" : `worker: stepping ${pct(c.stepMs)}, reading rows+sections ${pct(c.readMs)}, posting ` +
    `${pct(c.postMs)}, not computing ${pct(c.idleMs)}; `;
  const js = !c ? "" : `messages ${c.receiveMs.toFixed(0)} ms, drawing ${c.drawMs.toFixed(0)} ms (${c.draws} redraws), `;
  return `${r.rate.toFixed(2)} simulated days/s (${r.days} days in ${(wall / 1000).toFixed(2)} s); ${worker}` +
    `page main thread: ${js}all its tasks ${r.blink.task.toFixed(2)} s (JavaScript ` +
    `${r.blink.script.toFixed(2)}, style ${r.blink.style.toFixed(2)}, layout ${r.blink.layout.toFixed(2)}); CPU s: worker ${r.cpu.worker.toFixed(2)}, main ` +
    `${r.cpu.main.toFixed(2)}, other ${r.cpu.other.toFixed(2)}; first frame ${(r.firstMs / 1000).toFixed(2)} s; load ${r.load}`;
}

async function main() {
  const server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  const all = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = await once(url);
      /* per run, so that the median line reports the median idle time, not the difference of
       * medians taken from different runs (which can come out negative) */
      if (r.cost) r.cost.idleMs = 1000 * r.days / r.rate - r.cost.stepMs - r.cost.readMs - r.cost.postMs;
      all.push(r);
      console.log(`page run ${i + 1}: ${describe(r)}`);
    }
  } finally {
    server.close();
  }
  const med = (f) => median(all.map(f));
  const m = {rate: med((r) => r.rate), busy: med((r) => r.busy), firstMs: med((r) => r.firstMs), days: all[0].days,
    cost: all[0].cost && Object.fromEntries(Object.keys(all[0].cost).map((k) => [k, med((r) => r.cost[k])])),
    cpu: Object.fromEntries(Object.keys(all[0].cpu).map((k) => [k, med((r) => r.cpu[k])])),
    blink: Object.fromEntries(Object.keys(all[0].blink).map((k) => [k, med((r) => r.blink[k])])), load: load()};
  console.log(`page median of ${runs}: ${describe(m)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
