/* CPU time of the teaching page's WebAssembly run in Node.js (the same V8 engine as Chromium),
 * stepped event by event exactly as web/worker.js does, without the page around it.
 * Usage: node web/bench_node.js SITE_DIR CONFIG.ini   (web/bench.sh runs it next to dermis run)
 * Prints the simulated days, CPU seconds, days per CPU-second and the load average. */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const [siteDir, configPath] = process.argv.slice(2);
if (!siteDir || !configPath) {
  console.error("usage: node web/bench_node.js SITE_DIR CONFIG.ini");
  process.exit(2);
}
const EV_END = 8;  /* web/dermis_web.c */

/* The module as built for the page fetches dermis.wasm; here it is handed the bytes. */
const wasmBinary = fs.readFileSync(path.resolve(siteDir, "dermis.wasm"));
require(path.resolve(siteDir, "dermis.js"))({wasmBinary}).then((M) => {
  const cpu0 = process.cpuUsage(), wall0 = process.hrtime.bigint();
  const run = M.ccall("dermis_web_create", "number", ["string"], [fs.readFileSync(configPath, "utf8")]);
  if (!run || M._dermis_web_status(run) !== 0) {
    console.error(`bench_node: ${run ? M.UTF8ToString(M._dermis_web_error(run)) : "out of memory"}`);
    process.exit(1);
  }
  const sim = M._dermis_web_sim(run);
  let ev;
  do {
    ev = M._dermis_web_next_event(run);
    if (ev < 0) {
      console.error(`bench_node: ${M.UTF8ToString(M._dermis_web_error(run))}`);
      process.exit(1);
    }
  } while (!(ev & EV_END));
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6, wallS = Number(process.hrtime.bigint() - wall0) / 1e9;
  const days = M._dermis_sim_time(sim);
  console.log(`wasm in node: ${days} days, ${cpuS.toFixed(2)} CPU s (${wallS.toFixed(2)} s wall): ` +
              `${(days / cpuS).toFixed(2)} days per CPU-second (load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")})`);
  M._dermis_web_free(run);
});
