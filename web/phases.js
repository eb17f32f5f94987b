/* The phases of repair the page names as a run goes on: one row per phase, with the one-line
 * explanation in the words of docs/model.md, and the rule that tells the phase from the run's
 * own observables (docs/teaching.md, "Phases of repair", gives the reasons and the sources). */
"use strict";

/* Hours after a session counted as haemostasis: the clot and platelet release of the first
 * hours (clot + neutrophil influx in the first 12-24 h, Barati et al. 2013). */
const HAEMOSTASIS_DAYS = 0.25;
/* Fibroblast lineage (fibroblasts + myofibroblasts, dermis mean) above this multiple of its
 * value before treatment: granulation tissue still forming, the proliferation phase. */
const PROLIFERATION_FACTOR = 1.1;
/* Inflammation index (excess neutrophils + inflammatory macrophages over the reference density)
 * above this: leukocytes are still clearing the wound. Visible redness (downtime_days) ends
 * sooner, in 1-2 days, so it does not mark the end of this phase. */
const INFLAMMATION_THRESHOLD = 0.02;

const PHASES = [
  {id: "homeostasis", name: "Healthy skin",
   text: "Before treatment every cell, signal and fibre is at its steady level: uninjured skin stays exactly as it is."},
  {id: "haemostasis", name: "Haemostasis",
   text: "The needles open channels that fill with clot; where they reach the capillaries, platelets release TGF-β1 and PDGF."},
  {id: "inflammation", name: "Inflammation",
   text: "Damaged tissue releases alarm signals; neutrophils arrive first, then macrophages, and they clear the debris."},
  {id: "proliferation", name: "Proliferation",
   text: "Repair macrophages make PDGF; fibroblasts multiply and lay down new collagen, type III first, and new capillaries grow."},
  {id: "remodelling", name: "Remodelling",
   text: "Myofibroblasts die as TGF-β falls; over months the quick type III collagen is remodelled while type I persists for years."},
];

/* The phase at row `row` of a run's observables table (rows[i] = [t, values...] in the order of
 * `names`), with `sessions` the run's session days. */
function phaseAt(rows, names, sessionDays, row) {
  const col = (name) => names.indexOf(name) + 1;
  const r = rows[row], t = r[0];
  const latest = sessionDays.filter((d) => d <= t + 1e-12);
  if (latest.length === 0) return PHASES[0];
  const since = t - latest[latest.length - 1];
  if (since < HAEMOSTASIS_DAYS) return PHASES[1];
  /* The first day counts as inflammation even before the index has risen above the threshold. */
  if (r[col("inflammation_index")] > INFLAMMATION_THRESHOLD || since < 1) return PHASES[2];
  const lineage = (x) => x[col("fibroblasts_mean_dermis")] + x[col("myofibroblasts_mean_dermis")];
  if (lineage(r) > PROLIFERATION_FACTOR * lineage(rows[0])) return PHASES[3];
  return PHASES[4];
}
