/* The teaching page: controls -> INI text -> one Web Worker per protocol running the dermis model
 * (worker.js) -> a 2-D section, time series, the phase of repair, exports. */
"use strict";

/* The fields offered first, in this order (names from the model's registry; any field whose
 * name mentions a provisional matrix is added after them; the rest follow under "more"). */
const MAIN_FIELDS = ["collagen_I", "collagen_III", "fibroblasts", "neutrophils", "macrophages", "tgf_beta1",
                     "vessels", "elastin", "damage"];
/* Time series: observable name, label, colour (Okabe-Ito: distinguishable with colour-vision
 * deficiency). Protocol B is drawn dashed in the same colours. */
const CHARTS = [
  {title: "Immune cells in the dermis", series: [["neutrophils_mean_dermis", "Neutrophils", "#D55E00"],
    ["macrophages_mean_dermis", "Macrophages", "#0072B2"]]},
  {title: "Fibroblasts in the dermis", series: [["fibroblasts_mean_dermis", "Fibroblasts", "#009E73"],
    ["myofibroblasts_mean_dermis", "Myofibroblasts", "#CC79A7"]]},
  {title: "Collagen and elastin in the dermis, change since before treatment",
   series: [["collagen_change_pct_dermis", "Collagen (I + III)", "#E69F00"], ["elastin_change_pct_dermis", "Elastin", "#56B4E9"]]},
];
/* The controls, each bound to one configuration key; units, documentation and choices come from
 * the configuration schema (io/schema.h) through the worker. */
const CONTROLS = [
  {id: "device", key: "device.type", label: "Device", kind: "select", only: ["dermaroller", "dermapen"]},
  {id: "depth", key: "device.depth_mm", label: "Needle depth", kind: "text"},
  {id: "sessions", key: "treatment.session_count", label: "Number of sessions", kind: "text"},
  {id: "spacing", key: "treatment.session_interval_days", label: "Days between sessions", kind: "text"},
  {id: "site", key: "skin.site", label: "Skin site", kind: "select"},
  {id: "occlusion", key: "treatment.occlusion", label: "Occlusive dressing after each session", kind: "check"},
  {id: "topical", key: "topical.molecule", label: "Topical product after each session", kind: "select", none: "none"},
  {id: "days", key: "run.t_end_days", label: "Days to simulate", kind: "text"},
];
/* Protocol B starts as A with shallower needles: the classic first comparison. */
const B_CHANGES = {depth: "0.5"};

const $ = (sel) => document.querySelector(sel);
const SUPERSCRIPT = {"-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹"};
/* UDUNITS text as a class reads it: negative powers as a division ("ng mL-1" -> "ng/mL",
 * "mg cm-3" -> "mg/cm³"); "mm-3" is a cell density in this model (cells per mm³); "1" (a
 * ratio) -> "relative", or what the ratio means for the fields in DIMENSIONLESS. */
const DIMENSIONLESS = {damage: "injured fraction (0 to 1)", vessels: "× normal skin"};
function unitText(u, field) {
  if (u === "1") return DIMENSIONLESS[field] || "relative";
  if (u === "mm-3") return "cells/mm³";
  const power = (e) => (e === 1 ? "" : [...String(e)].map((c) => SUPERSCRIPT[c]).join(""));
  const num = [], den = [];
  for (const part of u.split(" ")) {
    const m = part.match(/^([^\d-]+)(-?\d+)?$/);
    if (!m) return u;
    const e = m[2] ? Number(m[2]) : 1;
    (e < 0 ? den : num).push(m[1] + power(Math.abs(e)));
  }
  return (num.join(" ") || "1") + (den.length ? "/" + den.join(" ") : "");
}
/* A field's description with "mm^3" written as "mm³". */
const describe = (text) => text.replace(/\^(\d)/g, (m, e) => SUPERSCRIPT[e]);
const pretty = (name) => name.replace(/_/g, " ").replace(/\btgf beta(\d)/, "TGF-β$1");

const page = {
  baseIni: null, schema: null, protocols: {}, field: "collagen_I", view: 0, playing: true,
  speed: 10, lastFrameMs: null, charts: [], firstFrameMs: null, sectionBoxes: [],
  /* What is on the screen: the view's key, the status line, the day, and when it was drawn. */
  drawnKey: null, drawnStatus: null, drawnDay: null, drawnMs: null,
  /* Milliseconds of the page's own work (web/bench.sh reports them): taking in the workers'
   * messages, and drawing (section, charts, phase line). */
  cost: {receiveMs: 0, drawMs: 0, draws: 0},
  viewWidth: 0,  /* the width of the view column (px), read at start and on resize */
};

/* ------------------------------------------------------------------ protocols and workers */

function makeProtocol(name) {
  const p = {name, worker: new Worker("worker.js"), meta: null, rows: [], frames: [], t: 0, done: false,
             rate: 0, ini: null, error: null, range: {}, startedMs: 0, inputs: {}};
  p.worker.onmessage = (e) => onWorker(p, e.data);
  return p;
}

function onWorker(p, msg) {
  if (msg.type === "schema") { page.schema = msg.keys; buildControls(); startAll(); return; }
  if (msg.type === "error") { showError(p, msg.message); return; }
  if (msg.type === "meta") {
    Object.assign(p, {meta: msg, rows: [], frames: [], t: 0, done: false, range: {}, present: null, error: null});
    page.view = 0;  /* a new run plays from its start; a refused one leaves the last run on view */
    if (p.name === "A" || !page.protocols.A.meta) fillFieldMenu(msg.fields);
    $("#time").max = Math.max(...active().map((q) => (q.meta ? q.meta.tEnd : 0)));
    rebuildCharts();
    return;
  }
  if (msg.type === "data") {
    const t0 = performance.now();
    /* The rows come as one array of numbers, row after row: a view of each row. */
    const width = p.meta.observables.length + 1;
    for (let i = 0; i < msg.rows.length; i += width) p.rows.push(msg.rows.subarray(i, i + width));
    for (const f of msg.frames) { p.frames.push(f); updateRange(p, f); }
    p.t = msg.t;
    p.done = msg.done;
    p.rate = msg.rate;
    p.busy = msg.busy;
    p.cost = msg.cost;
    requestDraw();
    page.cost.receiveMs += performance.now() - t0;
  }
}

function active() {
  return $("#compare").checked ? [page.protocols.A, page.protocols.B] : [page.protocols.A];
}

/* ------------------------------------------------------------------ controls */

function buildControls() {
  for (const name of ["A", "B"]) {
    const box = document.querySelector(`fieldset[data-protocol="${name}"]`);
    const p = page.protocols[name];
    for (const c of CONTROLS) {
      const info = page.schema[c.key];
      const row = document.createElement("div");
      row.className = "control";
      const unit = info.unit && info.unit !== "1" && c.kind === "text" ? ` (${info.unit})` : "";
      const id = `${c.id}-${name}`;
      let input;
      if (c.kind === "select") {
        input = document.createElement("select");
        const choices = (c.none ? [c.none] : []).concat(info.choices.filter((x) => !c.only || c.only.includes(x)));
        for (const ch of choices) input.add(new Option(pretty(ch), ch));
      } else if (c.kind === "check") {
        input = document.createElement("input");
        input.type = "checkbox";
      } else {
        input = document.createElement("input");
        input.type = "text";
        input.inputMode = "decimal";
        input.size = 6;
      }
      input.id = id;
      input.title = info.doc;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = c.label + unit;
      const err = document.createElement("div");
      err.className = "error";
      err.setAttribute("role", "alert");
      err.id = `${id}-error`;
      if (c.kind === "check") row.append(input, label, err);
      else row.append(label, input, err);
      box.append(row);
      p.inputs[c.id] = {control: c, input, err};
      input.addEventListener("change", () => clearErrors(p));
    }
    p.inputs.sessions.input.addEventListener("input", () => syncSpacing(p));
    loadControls(p, name === "B" ? B_CHANGES : {});
  }
}

/* Sets the controls from the base configuration (configs/demo.ini), then the given changes. */
function loadControls(p, changes) {
  const ini = new IniText(page.baseIni);
  for (const {control: c, input} of Object.values(p.inputs)) {
    const [section, key] = c.key.split(".");
    let value = ini.get(section, key);
    if (c.id === "sessions" && value === null) value = String(sessionList(ini).length || 1);
    if (c.id === "spacing" && value === null) value = "28";
    if (c.id === "topical" && ini.get("topical", "applied") !== "true") value = c.none;
    if (value === null) value = page.schema[c.key].default;
    if (changes[c.id] !== undefined) value = changes[c.id];
    if (c.kind === "check") input.checked = value === "true";
    else input.value = value;
  }
  syncSpacing(p);
}

/* The spacing of sessions means nothing for a single session: greyed out then (still saved). */
function syncSpacing(p) {
  p.inputs.spacing.input.disabled = p.inputs.sessions.input.value.trim() === "1";
}

function sessionList(ini) {
  const v = ini.get("treatment", "session_days");
  return v ? v.split(",").map(Number) : [];
}

/* The configuration of protocol p: configs/demo.ini with the controls' values as typed. */
function iniOf(p) {
  const ini = new IniText(page.baseIni);
  /* The demo's opening comment describes the demo, not this protocol: replace it, so the text
   * the page runs is exactly the file it saves (the line numbers of messages then agree too). */
  while (ini.lines.length && /^[#;]/.test(ini.lines[0])) ini.lines.shift();
  ini.lines.unshift(`# Protocol ${p.name}, saved from the dermis teaching page (web/), starting from configs/demo.ini.`,
                    "# Run it with: dermis run FILE.ini");
  for (const {control: c, input} of Object.values(p.inputs)) {
    const [section, key] = c.key.split(".");
    const value = c.kind === "check" ? (input.checked ? "true" : "false") : input.value.trim();
    if (c.id === "topical") {
      ini.set("topical", "applied", value === c.none ? "false" : "true");
      if (value !== c.none) ini.set(section, key, value);
      continue;
    }
    ini.set(section, key, value);
  }
  /* The controls give sessions as a count and a spacing from day 0. */
  ini.remove("treatment", "session_days");
  ini.set("treatment", "first_session_day", "0");
  return ini;
}

function clearErrors(p) {
  for (const {input, err} of Object.values(p.inputs)) { err.textContent = ""; input.classList.remove("bad"); }
  $("#run-error").textContent = "";
}

/* Shows the CLI's message next to the control whose key it names, else under Run. */
function showError(p, message) {
  const line = `dermis: ${message}`;
  p.error = line;
  const named = Object.values(p.inputs).find(({control: c}) =>
    message.includes(` ${c.key}:`) || message.includes(` ${c.key} `) ||
    (c.id === "topical" && message.includes(" topical.")) || (c.id === "sessions" && message.includes(" treatment.session_")));
  if (named) {
    named.err.textContent = line;
    named.input.classList.add("bad");
  } else {
    $("#run-error").textContent = `Protocol ${p.name}: ${line}`;
  }
  requestDraw();
}

function startProtocol(p) {
  clearErrors(p);
  p.done = false;
  p.error = null;
  p.ini = iniOf(p);
  p.startedMs = performance.now();
  p.worker.postMessage({type: "start", ini: p.ini.toString()});
}

function startAll() {
  if (!page.schema) return;  /* the controls are not built yet; the schema's arrival starts A */
  document.querySelector('fieldset[data-protocol="B"]').hidden = !$("#compare").checked;
  page.playing = true;
  $("#play").textContent = "Pause";
  for (const p of active()) startProtocol(p);
}

/* ------------------------------------------------------------------ field section */

function fillFieldMenu(fields) {
  const menu = $("#field");
  const previous = menu.value || page.field;
  menu.textContent = "";
  const names = fields.map((f) => f.name);
  const main = MAIN_FIELDS.filter((n) => names.includes(n)).concat(names.filter((n) => /provisional|fibrin/.test(n)));
  const groups = [["Main", main], ["More", names.filter((n) => !main.includes(n))]];
  for (const [label, list] of groups) {
    const g = document.createElement("optgroup");
    g.label = label;
    for (const n of list) g.append(new Option(pretty(n), n));
    menu.append(g);
  }
  menu.value = names.includes(previous) ? previous : main[0];
  page.field = menu.value;
  describeField();
}

function fieldInfo(p) {
  const i = p.meta.fields.findIndex((f) => f.name === page.field);
  return {index: i, ...p.meta.fields[i]};
}

function describeField() {
  const p = page.protocols.A;
  if (!p.meta) return;
  const f = fieldInfo(p);
  /* The long name, with the unit unless the name gives it already ("cells per mm³"). */
  const unit = f.units === "1" || /\bper\b/.test(f.longName) ? "" : `, in ${unitText(f.units, f.name)}`;
  $("#field-desc").textContent = describe(f.longName) + unit;
  $("#section-caption").textContent = `A cut through the skin, ${(p.meta.nx * p.meta.dx).toFixed(1)} mm wide: ` +
    `each square is ${Math.round(p.meta.dx * 1000)} µm. Dashed lines separate the skin layers; grey marks ` +
    "layers where this field is absent. Needle channels are the narrow vertical marks.";
}

/* Where a field lives: voxels where it is positive before treatment (collagen is not in the
 * epidermis, for example). The colour scale spans those voxels only, and the others are drawn grey,
 * so the changes inside the dermis are not flattened by the zeros around it. A field that is zero
 * everywhere before treatment (damage, neutrophils) lives everywhere. */
function livesAt(p, k, i) {
  const n = p.meta.nx * p.meta.nz, base = p.frames[0].data;
  return !p.present[k] || base[k * n + i] > 0;
}

function updateRange(p, frame) {
  const n = p.meta.nx * p.meta.nz;
  if (!p.present) {
    p.present = p.meta.fields.map((f, k) => frame.data.subarray(k * n, (k + 1) * n).some((v) => v > 0));
  }
  p.meta.fields.forEach((f, k) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (!livesAt(p, k, i)) continue;
      const v = frame.data[k * n + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const r = p.range[f.name] || [Infinity, -Infinity];
    p.range[f.name] = [Math.min(r[0], lo), Math.max(r[1], hi)];
  });
}

/* viridis (matplotlib), 17 stops, interpolated linearly. */
const VIRIDIS = [[68, 1, 84], [72, 21, 104], [72, 38, 119], [69, 55, 129], [63, 71, 136], [57, 85, 140],
  [50, 100, 142], [45, 113, 142], [39, 127, 142], [33, 140, 141], [31, 154, 138], [34, 167, 133],
  [53, 183, 121], [84, 197, 104], [122, 209, 81], [165, 219, 54], [253, 231, 37]];

function viridis(x) {
  const s = Math.min(Math.max(x, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(s), VIRIDIS.length - 2), w = s - i;
  return VIRIDIS[i].map((c, k) => Math.round(c + w * (VIRIDIS[i + 1][k] - c)));
}

/* viridis at 1024 levels as RGBA bytes, so a section is coloured without allocating per pixel
 * (the steps are far below what the eye or the 8-bit colours resolve). */
const VIRIDIS_LUT = (() => {
  const lut = new Uint8ClampedArray(4 * 1024);
  for (let i = 0; i < 1024; i++) lut.set([...viridis(i / 1023), 255], 4 * i);
  return lut;
})();

function frameAt(p, t) {
  let best = null;
  for (const f of p.frames) if (f.t <= t + 1e-9) best = f;
  return best;
}

/* The colour range shared by the sections shown: over the whole run so far, or over the frames
 * shown now (shows the structure of each day; the colour bar gives the numbers). */
function sharedRange() {
  let lo = Infinity, hi = -Infinity;
  for (const p of active().filter((q) => q.meta && q.frames.length)) {
    let r = p.range[page.field];
    if ($("#scale").value === "day") {
      const frame = frameAt(p, page.view), k = fieldInfo(p).index, n = p.meta.nx * p.meta.nz;
      r = [Infinity, -Infinity];
      for (let i = 0; frame && i < n; i++) {
        if (!livesAt(p, k, i)) continue;
        r = [Math.min(r[0], frame.data[k * n + i]), Math.max(r[1], frame.data[k * n + i])];
      }
    }
    if (r) { lo = Math.min(lo, r[0]); hi = Math.max(hi, r[1]); }
  }
  if (!(hi > lo)) hi = lo + (Math.abs(lo) > 0 ? Math.abs(lo) * 1e-6 : 1);
  return [lo, hi];
}

/* A day as the slider shows it: 1.25 -> "1.25", 7 -> "7.0". */
const fmtDay = (t) => (Number.isInteger(t * 10) ? t.toFixed(1) : t.toFixed(2));
/* The day on view: on a quarter day (slider, keys) exactly, else (playing) to 0.1 day. */
const fmtView = (t) => (Number.isInteger(t * 4) ? fmtDay(t) : t.toFixed(1));
/* The day the labels show while playing: the page's frames and rows are a quarter day apart
 * (configs/demo.ini, observables_interval_days), so the labels move on with the picture. */
const shownDay = () => Math.floor(page.view * 4 + 1e-9) / 4;

function fmt(v) {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e5 || a < 1e-2) return v.toExponential(1);
  if (a >= 100) return v.toFixed(0);
  return v.toPrecision(3).replace(/\.?0+$/, "");
}

/* Margins of a section canvas in CSS pixels: the depth axis on the left (axis) or a narrow
 * margin, the colour bar with its unit on the right (bar) or a narrow margin, two title lines
 * and the names of the thin top layers above, the width in mm below. Two sections share one depth axis (left) and one colour bar
 * (right), as they share the colour range, so their images stay wide. Text is never smaller than
 * 15 px, so the labels stay readable on a projector. */
const SECTION = {axis: 84, bar: 124, narrow: 14, top: 86, bottom: 34, minWidth: 150};
const FONT = "system-ui, sans-serif";

/* Draws protocol p's section into canvas with an image w CSS pixels wide (sharp on high-DPI
 * screens), with the depth axis and/or the colour bar; returns the image area {x, y, w, h} in
 * CSS pixels of the canvas. */
function drawSection(p, canvas, w, {axis, bar}) {
  const m = p.meta;
  const left = axis ? SECTION.axis : SECTION.narrow, right = bar ? SECTION.bar : SECTION.narrow;
  const scale = w / m.nx;
  const h = Math.round(scale * m.nz);
  const dpr = window.devicePixelRatio || 1;
  const cssW = left + w + right, cssH = SECTION.top + h + SECTION.bottom;
  /* A canvas is re-allocated (and the page laid out again) only when its size changes. */
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, cssW, cssH);
  const f = fieldInfo(p);
  /* Two title lines: what is shown and when, then the protocol. */
  ctx.fillStyle = "#111";
  ctx.font = `bold 19px ${FONT}`;
  const frame = frameAt(p, page.view);
  ctx.fillText(`${p.name}: ${pretty(f.name)}, day ${frame ? fmtDay(frame.t) : "-"}`, left, 22);
  const s = m.sessions[0];
  const days = m.sessions.map((x) => x.day);
  const spacing = days.length > 1 ? `, every ${days[1] - days[0]} days` : "";
  ctx.font = `16px ${FONT}`;
  ctx.fillText(s ? `${s.device}, ${s.depth} mm needles, ${days.length} session${days.length > 1 ? "s" : ""}${spacing}`
    : "no treatment", left, 44);
  const [lo, hi] = sharedRange();
  if (frame) {
    /* The field's voxels, one pixel each, in a small canvas kept with the protocol, scaled up. */
    if (!p.image || p.image.canvas.width !== m.nx || p.image.canvas.height !== m.nz) {
      const c = document.createElement("canvas");
      c.width = m.nx;
      c.height = m.nz;
      p.image = {canvas: c, ctx: c.getContext("2d"), data: new ImageData(m.nx, m.nz)};
    }
    const px = p.image.data.data, off = f.index * m.nx * m.nz;
    for (let i = 0; i < m.nx * m.nz; i++) {
      if (livesAt(p, f.index, i)) {
        const x = (frame.data[off + i] - lo) / (hi - lo);
        const k = 4 * Math.round(1023 * Math.min(Math.max(x, 0), 1));
        px[4 * i] = VIRIDIS_LUT[k]; px[4 * i + 1] = VIRIDIS_LUT[k + 1]; px[4 * i + 2] = VIRIDIS_LUT[k + 2];
      } else {
        px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = 200;
      }
      px[4 * i + 3] = 255;
    }
    p.image.ctx.putImageData(p.image.data, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(p.image.canvas, left, SECTION.top, w, h);
    if (page.firstFrameMs === null) page.firstFrameMs = performance.now();
  }
  drawLayers(ctx, m, left, scale, w, h);
  if (axis) drawDepthAxis(ctx, m, left, scale, h);
  drawWidth(ctx, m, left, w, h);
  if (bar) drawColourBar(ctx, lo, hi, unitText(f.units, f.name), left, w, h);
  return {x: left, y: SECTION.top, w, h};
}

function drawLayers(ctx, m, left, scale, w, h) {
  const depth = m.nz * m.dx;
  ctx.font = `bold 15px ${FONT}`;
  const label = (text, x, y) => {
    ctx.fillStyle = "#fff";
    ctx.strokeStyle = "rgba(0,0,0,0.8)";
    ctx.lineWidth = 3.5;
    ctx.lineJoin = "round";
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
  };
  const thin = [];
  m.layers.forEach((layer, i) => {
    const next = m.layers[i + 1];
    const bottom = next ? next.top : depth;
    if (layer.top >= depth) return;
    const y = SECTION.top + (layer.top / m.dx) * scale;
    if (layer.top > 0) {
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + w, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    /* Name the layer inside its band if the band is tall enough for the text; the thin ones
     * (stratum corneum, epidermis) together above the image, pointing down at them. */
    const yb = SECTION.top + (Math.min(bottom, depth) / m.dx) * scale;
    if (yb - y >= 17) label(pretty(layer.name), left + 6, y + 16);
    else thin.push({name: pretty(layer.name), yb});
    ctx.lineWidth = 1;
  });
  if (thin.length) {
    ctx.fillStyle = "#111";
    ctx.textAlign = "right";
    ctx.fillText(`${thin.map((l) => l.name).join(" + ")} ↓`, left + w, SECTION.top - 7);
    ctx.textAlign = "left";
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = "#111";
  ctx.strokeRect(left, SECTION.top, w, h);
}

function drawDepthAxis(ctx, m, left, scale, h) {
  const depth = m.nz * m.dx;
  const step = depth > 2 ? 0.5 : depth > 0.8 ? 0.2 : 0.1;
  ctx.fillStyle = "#111";
  ctx.font = `15px ${FONT}`;
  ctx.textAlign = "right";
  for (let d = 0; d <= depth + 1e-9; d += step) {
    const y = SECTION.top + (d / m.dx) * scale;
    ctx.fillRect(left - 6, y, 6, 1);
    ctx.fillText(d.toFixed(1), left - 9, y + 5);
  }
  ctx.save();
  ctx.translate(20, SECTION.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText("depth below the skin surface (mm)", 0, 0);
  ctx.restore();
  ctx.textAlign = "left";
}

/* The section's width as a bar under it: both directions are in mm. */
function drawWidth(ctx, m, left, w, h) {
  const y = SECTION.top + h + 12;
  ctx.fillStyle = "#111";
  ctx.fillRect(left, y, w, 2);
  ctx.fillRect(left, y - 4, 2, 10);
  ctx.fillRect(left + w - 2, y - 4, 2, 10);
  ctx.font = `15px ${FONT}`;
  ctx.textAlign = "center";
  ctx.fillText(`${(m.nx * m.dx).toFixed(1)} mm`, left + w / 2, y + 18);
  ctx.textAlign = "left";
}

/* The colour bar's colours: one pixel per level, top = high, drawn stretched to the bar. */
const COLOUR_BAR = (() => {
  const c = document.createElement("canvas");
  c.width = 1;
  c.height = 1024;
  const img = new ImageData(1, 1024);
  for (let i = 0; i < 1024; i++) img.data.set(VIRIDIS_LUT.subarray(4 * (1023 - i), 4 * (1024 - i)), 4 * i);
  c.getContext("2d").putImageData(img, 0, 0);
  return c;
})();

function drawColourBar(ctx, lo, hi, units, left, w, h) {
  const x = left + w + 20, bw = 20;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(COLOUR_BAR, x, SECTION.top, bw, h);
  ctx.strokeStyle = "#111";
  ctx.strokeRect(x, SECTION.top, bw, h);
  ctx.fillStyle = "#111";
  ctx.font = `15px ${FONT}`;
  for (let k = 0; k <= 4; k++) {
    const v = hi - (k / 4) * (hi - lo), y = SECTION.top + (k / 4) * h;
    ctx.fillRect(x + bw, y, 5, 1);
    ctx.fillText(fmt(v), x + bw + 8, y + 5);
  }
  /* The unit along the bar, right of its numbers (room for long units such as "injured fraction"). */
  ctx.save();
  ctx.translate(left + w + SECTION.bar - 8, SECTION.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.font = `bold 15px ${FONT}`;
  ctx.textAlign = "center";
  ctx.fillText(units, 0, 0);
  ctx.restore();
}

function drawSections() {
  const box = $("#sections");
  const list = active().filter((p) => p.meta);
  while (box.children.length > list.length) box.lastChild.remove();
  while (box.children.length < list.length) {
    const c = document.createElement("canvas");
    c.setAttribute("role", "img");
    box.append(c);
  }
  /* One section: up to 640 px wide; two: side by side in the space there is, the first with the
   * depth axis, the last with the colour bar, images of equal width. */
  const gap = 12, room = box.clientWidth || 640, n = list.length;
  /* (+ 2 px of border per canvas) */
  const margins = (n > 1 ? SECTION.axis + SECTION.bar + 2 * SECTION.narrow + gap : SECTION.axis + SECTION.bar) + 2 * n;
  const w = Math.max(SECTION.minWidth, Math.floor((Math.min(room, n > 1 ? room : 640) - margins) / n));
  page.sectionBoxes = list.map((p, i) => {
    const c = box.children[i];
    c.setAttribute("aria-label", `${pretty(page.field)} in protocol ${p.name} at day ${fmtView(shownDay())}`);
    return drawSection(p, c, w, {axis: i === 0, bar: i === n - 1});
  });
}

/* ------------------------------------------------------------------ time series */

function rebuildCharts() {
  for (const c of page.charts) c.destroy();
  page.charts = [];
  $("#charts").textContent = "";
  const list = active().filter((p) => p.meta);
  if (list.length === 0) return;
  const obs = list[0].meta.observables;
  for (const spec of CHARTS) {
    const series = [{label: "day"}];
    const units = obs.find((o) => o.name === spec.series[0][0]).units;
    for (const p of list) {
      spec.series.forEach(([, label, colour]) => series.push({
        label: `${label}${list.length > 1 ? " " + p.name : ""}`, stroke: colour, width: 3,
        dash: p.name === "B" ? [8, 6] : undefined, points: {show: false}}));
    }
    const holder = document.createElement("div");
    holder.className = "chart";
    $("#charts").append(holder);
    const tEnd = Math.max(...list.map((p) => p.meta.tEnd));
    const opts = {
      title: `${spec.title} (${unitText(units)})`, width: chartWidth(), height: 210, series,
      scales: {x: {time: false, range: [0, tEnd]}},
      axes: [{label: "day", font: "14px system-ui", labelFont: "bold 14px system-ui", stroke: "#111"},
             {font: "14px system-ui", stroke: "#111", size: 70}],
      legend: {live: false},
      hooks: {draw: [(u) => markSessions(u, list)]},
    };
    page.charts.push({spec, plot: new uPlot(opts, [[]].concat(series.slice(1).map(() => [])), holder), list,
                      destroy() { this.plot.destroy(); }});
  }
  updateCharts();
}

function chartWidth() {
  return Math.max(420, Math.min(900, $("#view").clientWidth - 20));
}

/* Session days as vertical lines (A solid, B dashed) and the current day as a grey line. */
function markSessions(u, list) {
  const ctx = u.ctx;
  ctx.save();
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  const y0 = u.bbox.top, y1 = u.bbox.top + u.bbox.height;
  for (const p of list) {
    ctx.strokeStyle = "#444";
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash(p.name === "B" ? [6, 6] : []);
    p.meta.sessions.forEach((s, k) => {
      const x = u.valToPos(s.day, "x", true);
      ctx.beginPath(); ctx.moveTo(x, y0); ctx.lineTo(x, y1); ctx.stroke();
      /* A session both protocols have on the same day is labelled once. */
      const shared = list.every((q) => q.meta.sessions[k] && q.meta.sessions[k].day === s.day);
      if (shared && p !== list[0]) return;
      const label = `session ${k + 1}${list.length > 1 && !shared ? " " + p.name : ""}`;
      const ly = y0 + 16 * devicePixelRatio * (p.name === "B" && !shared ? 2 : 1);
      ctx.font = `${14 * devicePixelRatio}px system-ui`;
      ctx.fillStyle = "#222";
      ctx.fillText(label, x + 5, ly);
    });
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = "rgba(0,0,0,0.35)";
  const xv = u.valToPos(shownDay(), "x", true);
  ctx.beginPath(); ctx.moveTo(xv, y0); ctx.lineTo(xv, y1); ctx.stroke();
  ctx.restore();
}

function updateCharts() {
  for (const chart of page.charts) {
    const times = new Map();
    for (const p of chart.list) for (const r of p.rows) if (r[0] <= page.view + 1e-9) times.set(r[0], true);
    const xs = [...times.keys()].sort((a, b) => a - b);
    const data = [xs];
    for (const p of chart.list) {
      const names = p.meta.observables.map((o) => o.name);
      const byT = new Map(p.rows.map((r) => [r[0], r]));
      for (const [name] of chart.spec.series) {
        const col = names.indexOf(name) + 1;
        data.push(xs.map((t) => (byT.has(t) ? byT.get(t)[col] : null)));
      }
    }
    chart.plot.setData(data);
  }
}

/* ------------------------------------------------------------------ phase and playback */

function rowAt(p, t) {
  let i = -1;
  for (let k = 0; k < p.rows.length && p.rows[k][0] <= t + 1e-9; k++) i = k;
  return i;
}

function drawPhase() {
  const lines = [];
  for (const p of active()) {
    if (!p.meta) continue;
    const i = rowAt(p, page.view);
    if (i < 0) continue;
    const names = p.meta.observables.map((o) => o.name);
    const phase = phaseAt(p.rows, names, p.meta.sessions.map((s) => s.day), i);
    lines.push({p, phase});
  }
  if (lines.length === 0) return;
  const multi = lines.length > 1;
  $("#phase .phase-name").textContent = lines.map(({p, phase}) => (multi ? `${p.name}: ` : "") + phase.name).join("   ·   ") +
    `  —  day ${fmtView(shownDay())}`;
  const texts = [...new Set(lines.map((l) => l.phase.text))];
  $("#phase .phase-text").textContent = texts.join(" ");
  $("#phase").dataset.phase = lines[0].phase.id;
}

/* How far every protocol on view has computed (a refused new run keeps the last run's days). */
function computedUntil() {
  const list = active().filter((p) => p.meta);
  return list.length ? Math.min(...list.map((p) => (p.done ? p.meta.tEnd : p.t))) : 0;
}

/* What the section, charts and phase line show: they are redrawn when this changes. */
function viewKey(list) {
  const parts = [page.field, $("#scale").value, page.charts.length, page.viewWidth];
  for (const p of list) {
    const frame = frameAt(p, page.view);
    parts.push(p.name, p.frames.indexOf(frame), rowAt(p, page.view), p.error || "",
               $("#scale").value === "run" ? p.frames.length : 0);
  }
  return parts.join("|");
}

let drawPending = false;
function requestDraw() {
  if (!drawPending) { drawPending = true; requestAnimationFrame(tick); }
}

/* Sets an element's text or a slider's value only if it changes: every change makes the browser
 * lay out, paint and composite a new frame (with every canvas of the page), which costs more
 * than the drawing itself and takes CPU from the simulation on a machine with few cores. */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
function setSlider(el, value) {
  if (Math.abs(el.valueAsNumber - value) > 1e-9) el.value = value;
}

/* While a protocol is computing and the page plays, at most one new picture every PLAY_FRAME_MS
 * (30 per second, smooth to the eye): at 10 days/s the quarter-day frames come 40 per second,
 * and each picture costs the page's main thread and the compositor more than the drawing itself
 * (laying out, painting and handing every canvas to the compositor), CPU a 2-core machine needs
 * for the simulation. Otherwise (paused, scrubbing, keys, all computed) it draws at once. */
const PLAY_FRAME_MS = 1000 / 30;

function tick(now) {
  const t0 = performance.now();
  drawPending = false;
  const until = computedUntil();
  if (page.playing) {
    const dt = page.lastFrameMs === null ? 0 : (now - page.lastFrameMs) / 1000;
    page.view = Math.min(until, page.speed === Infinity ? until : page.view + page.speed * dt);
  }
  page.lastFrameMs = now;
  /* The section changes once per frame of the run (a quarter day) and the charts once per
   * observables row: redraw only then, so the page's own drawing leaves the cores to the
   * simulation. (The key is read before anything is written: reading a size after a write
   * would force a layout.) */
  const list = active().filter((p) => p.meta);
  const key = viewKey(list);
  const status = list.map((p) => p.error ? `${p.name}: error` :
    p.done ? `${p.name}: computed ${p.meta.tEnd} days (${p.rate.toFixed(1)} days/s)` :
    `${p.name}: computing day ${Math.floor(p.t)}…`).join("  ");
  const changed = key !== page.drawnKey || status !== page.drawnStatus || shownDay() !== page.drawnDay;
  /* (1 ms early: animation frames come at multiples of the display's period) */
  const computing = list.some((p) => !p.done && !p.error);
  const due = !page.playing || !computing || page.drawnMs === null || now - page.drawnMs >= PLAY_FRAME_MS - 1;
  if (changed && due) {
    setSlider($("#time"), shownDay());
    setText($("#time-label"), fmtView(shownDay()));
    setText($("#compute-label"), status);
    if (key !== page.drawnKey) {
      drawSections();
      updateCharts();
      drawPhase();
      page.cost.draws++;
    }
    Object.assign(page, {drawnKey: key, drawnStatus: status, drawnDay: shownDay(), drawnMs: now});
  }
  page.cost.drawMs += performance.now() - t0;
  /* Animate while the day on view is behind what is computed or a change waits to be shown;
   * otherwise the worker's next message (or a control) asks for the next frame. */
  if ((page.playing && page.view < until) || (changed && !due)) requestDraw();
  else page.lastFrameMs = null;  /* so the view does not jump by the time spent waiting */
}

/* ------------------------------------------------------------------ exports */

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function exportIni() {
  for (const p of active()) {
    download(`dermis-protocol-${p.name}.ini`, new Blob([iniOf(p).toString()], {type: "text/plain"}));
  }
}

/* The figure as one PNG: phase line, sections, charts. */
function figureCanvas() {
  const parts = [...$("#sections").children, ...page.charts.map((c) => c.plot.ctx.canvas)];
  const gap = 12;
  const secW = parts.filter((c) => c.parentNode === $("#sections")).reduce((s, c) => s + c.width + gap, 0);
  const width = Math.max(secW, ...page.charts.map((c) => c.plot.ctx.canvas.width + 230)) + 2 * gap;
  /* The phase's explanation, wrapped to the figure's width. */
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = "16px system-ui, sans-serif";
  const lines = [""];
  for (const word of $("#phase .phase-text").textContent.split(" ")) {
    const line = lines[lines.length - 1] ? `${lines[lines.length - 1]} ${word}` : word;
    if (measure.measureText(line).width > width - 2 * gap && lines[lines.length - 1]) lines.push(word);
    else lines[lines.length - 1] = line;
  }
  const head = 48 + 22 * lines.length;
  const secH = Math.max(0, ...[...$("#sections").children].map((c) => c.height));
  const height = head + secH + page.charts.reduce((s, c) => s + c.plot.ctx.canvas.height + gap, 0) + 2 * gap;
  const out = document.createElement("canvas");
  out.width = width;
  out.height = height;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#111";
  ctx.font = "bold 22px system-ui, sans-serif";
  ctx.fillText($("#phase .phase-name").textContent, gap, 30);
  ctx.font = "16px system-ui, sans-serif";
  lines.forEach((line, i) => ctx.fillText(line, gap, 56 + 22 * i));
  let x = gap;
  for (const c of $("#sections").children) { ctx.drawImage(c, x, head); x += c.width + gap; }
  let y = head + secH + gap;
  for (const chart of page.charts) {
    const c = chart.plot.ctx.canvas;
    ctx.drawImage(c, gap, y);
    /* uPlot draws its title and legend in HTML: repeat both on the image. */
    ctx.font = "bold 15px system-ui";
    ctx.fillText(chart.plot.root.querySelector(".u-title").textContent, gap + 80, y + 16);
    ctx.font = "14px system-ui";
    let lx = c.width + 2 * gap, ly = y + 40;
    for (const sr of chart.plot.series.slice(1)) {
      ctx.strokeStyle = sr.stroke();
      ctx.lineWidth = 3;
      ctx.setLineDash(sr.dash || []);
      ctx.beginPath(); ctx.moveTo(lx, ly - 5); ctx.lineTo(lx + 36, ly - 5); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillText(sr.label, lx + 44, ly);
      ly += 22;
    }
    y += c.height + gap;
  }
  return out;
}

function exportPng() {
  figureCanvas().toBlob((blob) => download(`dermis-day-${page.view.toFixed(1)}.png`, blob), "image/png");
}

/* ------------------------------------------------------------------ wiring */

/* Hooks for the headless-browser test (tests/web/page_test.js). */
window.dermisPage = {
  done: (name) => page.protocols[name].done,
  error: (name) => page.protocols[name].error,
  rows: (name) => page.protocols[name].rows.map((r) => Array.from(r)),
  names: (name) => page.protocols[name].meta.observables.map((o) => o.name),
  ini: (name) => iniOf(page.protocols[name]).toString(),
  rate: (name) => page.protocols[name].rate,
  busy: (name) => page.protocols[name].busy,
  /* Where the time went: the worker's (stepping, reading, posting) and the page's own. */
  cost: (name) => ({...page.protocols[name].cost, ...page.cost}),
  firstFrameMs: () => page.firstFrameMs,
  /* The image area of section i in viewport CSS pixels: [x, y, width, height]. */
  sectionBox: (i) => {
    const r = $("#sections").children[i].getBoundingClientRect(), b = page.sectionBoxes[i];
    return [r.x + b.x, r.y + b.y, b.w, b.h];
  },
  figure: () => figureCanvas().toDataURL("image/png"),
};

async function main() {
  page.baseIni = await (await fetch("configs/demo.ini")).text();
  page.viewWidth = $("#view").clientWidth;
  page.protocols.A = makeProtocol("A");
  page.protocols.B = makeProtocol("B");
  $("#run").addEventListener("click", startAll);
  $("#reset").addEventListener("click", () => {
    loadControls(page.protocols.A, {});
    loadControls(page.protocols.B, B_CHANGES);
    for (const p of [page.protocols.A, page.protocols.B]) clearErrors(p);
    startAll();
  });
  $("#play").addEventListener("click", () => {
    page.playing = !page.playing;
    if (page.playing && page.view >= computedUntil() && active().every((p) => p.done)) page.view = 0;
    $("#play").textContent = page.playing ? "Pause" : "Play";
    $("#play").setAttribute("aria-pressed", String(!page.playing));
    page.lastFrameMs = null;
    requestDraw();
  });
  $("#speed").addEventListener("change", (e) => { page.speed = Number(e.target.value); });
  $("#time").addEventListener("input", (e) => {
    page.playing = false;
    $("#play").textContent = "Play";
    page.view = Math.min(Number(e.target.value), computedUntil());
    requestDraw();
  });
  $("#field").addEventListener("change", (e) => { page.field = e.target.value; describeField(); requestDraw(); });
  $("#scale").addEventListener("change", requestDraw);
  $("#compare").addEventListener("change", startAll);
  /* Keys for a presenter: space plays or pauses, the arrows step one day back or forward. */
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, button")) return;
    if (e.key === " ") { e.preventDefault(); $("#play").click(); }
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      page.playing = false;
      $("#play").textContent = "Play";
      page.view = Math.max(0, Math.min(computedUntil(), Math.round(page.view) + (e.key === "ArrowRight" ? 1 : -1)));
      requestDraw();
    }
  });
  $("#export-ini").addEventListener("click", exportIni);
  $("#export-png").addEventListener("click", exportPng);
  window.addEventListener("resize", () => { page.viewWidth = $("#view").clientWidth; rebuildCharts(); });
  page.protocols.A.worker.postMessage({type: "schema", keys: CONTROLS.map((c) => c.key).concat(["topical.applied"])});
}

main();
