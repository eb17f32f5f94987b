/* The simulation thread of the teaching page: one dermis run (the WebAssembly build of app/sim.c)
 * per worker, stepped event by event in short slices so that pause and new runs answer at once.
 *
 * In:  {type: "start", ini}   build a run from INI text (same schema and messages as dermis run)
 *      {type: "pause"} / {type: "resume"}
 * Out: {type: "error", message}                       the CLI's one-line message
 *      {type: "meta", ...}                            grid, fields, layers, sessions, observables
 *      {type: "data", rows, frames, t, done, rate, busy, cost}  new observables rows (one
 *                                                     Float64Array, row after row: time and the
 *                                                     observables) and field frames; rate: simulated days per second since
 *                                                     the start; busy: the share of that time spent
 *                                                     inside the slices (the rest: waiting); cost:
 *                                                     milliseconds since the start spent stepping
 *                                                     the model, reading rows and sections, and
 *                                                     posting messages (web/bench.sh reports them)
 */
importScripts("dermis.js");

const SLICE_MS = 40;  /* longest computation between two looks at the message queue */
/* The next slice is queued through a MessageChannel, not setTimeout(0): browsers clamp nested
 * timeouts to 4 ms, which cost a tenth of the computing time at 40 ms slices. */
const next = new MessageChannel();
next.port1.onmessage = (e) => step(e.data);
const later = (gen) => next.port2.postMessage(gen);
const EV_SESSION = 1, EV_FRAME = 2, EV_OBSERVABLES = 4, EV_END = 8;  /* web/dermis_web.c */

let M = null;
let run = 0, sim = 0, running = false, generation = 0;
let meta = null, sectionPtr = 0, startMs = 0, busyMs = 0;
let cost = {stepMs: 0, readMs: 0, postMs: 0};
const ready = createDermis().then((m) => { M = m; });

function str(ptr) { return ptr ? M.UTF8ToString(ptr) : null; }

function schemaInfo() {
  const keyInfo = (key) => {
    const k = M.cwrap("dermis_web_key_unit", "number", ["string"]);
    const choices = [];
    const choice = M.cwrap("dermis_web_key_choice", "number", ["string", "number"]);
    for (let i = 0; choice(key, i); i++) choices.push(str(choice(key, i)));
    return {
      unit: str(k(key)),
      doc: str(M.cwrap("dermis_web_key_doc", "number", ["string"])(key)),
      default: str(M.cwrap("dermis_web_key_default", "number", ["string"])(key)),
      choices,
    };
  };
  return keyInfo;
}

function describe() {
  const nx = M._dermis_sim_nx(sim), nz = M._dermis_sim_nz(sim);
  const fields = [];
  for (let f = 0; f < M._dermis_sim_fields_count(); f++)
    fields.push({name: str(M._dermis_sim_field_name(f)), units: str(M._dermis_sim_field_units(f)),
                 longName: str(M._dermis_sim_field_long_name(f))});
  const layers = [];
  for (let l = 0; l < M._dermis_sim_layers_count(); l++)
    layers.push({name: str(M._dermis_sim_layer_name(l)), top: M._dermis_sim_layer_top_mm(sim, l)});
  const sessions = [];
  for (let k = 0; k < M._dermis_sim_sessions_count(sim); k++)
    sessions.push({day: M._dermis_sim_session_day(sim, k), depth: M._dermis_sim_session_depth_mm(sim, k),
                   device: str(M._dermis_sim_session_device(sim, k)), channels: M._dermis_sim_session_channels(sim, k)});
  const observables = [];
  for (let i = 0; i < M._dermis_sim_observables_count(sim); i++)
    observables.push({name: str(M._dermis_sim_observable_name(sim, i)), units: str(M._dermis_sim_observable_units(sim, i))});
  return {nx, nz, ny: M._dermis_sim_ny(sim), dx: M._dermis_sim_dx_mm(sim), tEnd: M._dermis_sim_end_time(sim),
          fields, layers, sessions, observables};
}

/* Every field's x-z section (middle row of a 3-D block) as float32 for display. */
function frame() {
  const n = meta.nx * meta.nz;
  const out = new Float32Array(n * meta.fields.length);
  const iy = Math.floor(meta.ny / 2);
  for (let f = 0; f < meta.fields.length; f++) {
    M._dermis_sim_section(sim, f, iy, sectionPtr);
    out.set(M.HEAPF64.subarray(sectionPtr / 8, sectionPtr / 8 + n), f * n);
  }
  return {t: M._dermis_sim_time(sim), data: out};
}

function free() {
  if (run) M._dermis_web_free(run);
  if (sectionPtr) M._free(sectionPtr);
  run = sim = sectionPtr = 0;
}

function start(ini) {
  free();
  generation++;
  running = false;
  const create = M.cwrap("dermis_web_create", "number", ["string"]);
  run = create(ini);
  if (!run || M._dermis_web_status(run) !== 0) {
    postMessage({type: "error", message: run ? str(M._dermis_web_error(run)) : "out of memory"});
    free();
    return;
  }
  sim = M._dermis_web_sim(run);
  meta = describe();
  sectionPtr = M._malloc(8 * meta.nx * meta.nz);
  postMessage({type: "meta", ...meta});
  /* The homeostatic state at t = 0 as the first frame, before any event. */
  busyMs = 0;
  cost = {stepMs: 0, readMs: 0, postMs: 0};
  postMessage({type: "data", rows: new Float64Array(0), frames: [frame()], t: 0, done: false, rate: 0, busy: 0,
               cost});
  running = true;
  startMs = performance.now();
  later(generation);
}

function step(gen) {
  if (gen !== generation || !running) return;
  const rows = [], frames = [], nobs = meta.observables.length;
  const t0 = performance.now();
  let done = false, t1 = t0;
  while (t1 - t0 < SLICE_MS) {
    const ev = M._dermis_web_next_event(run);
    const t2 = performance.now();
    cost.stepMs += t2 - t1;
    if (ev < 0) {
      postMessage({type: "error", message: str(M._dermis_web_error(run))});
      running = false;
      return;
    }
    if (ev & EV_OBSERVABLES) {
      const p = M._dermis_sim_observables(sim) / 8;
      rows.push(M._dermis_sim_observables_time(sim), ...M.HEAPF64.subarray(p, p + nobs));
    }
    /* A section at every output time, and at every observables time too (0.25 day in the demo):
     * the first days after a session change fast, and the class should see them. */
    if (ev & (EV_FRAME | EV_OBSERVABLES)) frames.push(frame());
    t1 = performance.now();
    cost.readMs += t1 - t2;
    if (ev & EV_END) { done = true; break; }
  }
  const t = M._dermis_sim_time(sim);
  busyMs += t1 - t0;
  /* Rows and sections are handed over (transferred), not copied. */
  const rowData = Float64Array.from(rows);
  postMessage({type: "data", rows: rowData, frames, t, done, rate: t / ((t1 - startMs) / 1000),
               busy: busyMs / (t1 - startMs), cost}, [rowData.buffer, ...frames.map((f) => f.data.buffer)]);
  const t3 = performance.now();
  cost.postMs += t3 - t1;
  busyMs += t3 - t1;
  if (done) running = false;
  else later(gen);
}

onmessage = (e) => {
  ready.then(() => {
    const msg = e.data;
    if (msg.type === "start") start(msg.ini);
    else if (msg.type === "schema") {
      const info = schemaInfo();
      const out = {};
      for (const key of msg.keys) out[key] = info(key);
      postMessage({type: "schema", keys: out});
    } else if (msg.type === "pause") running = false;
    else if (msg.type === "resume" && run && !running) {
      running = true;
      later(generation);
    }
  });
};
