/* Scalar outcome measures of a run (the names are the output contract; formulas in
 * docs/model.md, "Observables"):
 *
 *   <field>_mean_<region>        volume mean of every field over each region: epidermis,
 *                                papillary_dermis, reticular_dermis, dermis (= papillary +
 *                                reticular), in the field's units
 *   collagen_change_pct_<region> 100 (C(t) / C_0 - 1), C = mean(collagen_I + collagen_III),
 *                                C_0 its pre-treatment baseline value
 *   collagen_ratio_I_III_<region> mean collagen_I / mean collagen_III (NaN where collagen III is 0)
 *   elastin_change_pct_<region>  100 (E(t) / E_0 - 1), E = mean elastin
 *   lesion_fill_pct              (only with a lesion) 100 sum_L (C - C_0) / sum_L C_0 (1/f - 1)
 *                                over lesion voxels L with matrix factor f < 1: the share of the
 *                                initial collagen deficit refilled (healthy collagen = C_0 / f)
 *   inflammation_index           max(0, I(t) - I_0) / outcome.inflammation_reference_per_mm3,
 *                                I = dermis mean of neutrophils + (macrophages - repair_macrophages)
 *   erythema_index               visible redness: vessel-weighted dilation of the dermal vessels
 *                                by the early danger signals, per skin area (mm),
 *                                sum_dermis B A/(K_v + A) dx / columns, minus its baseline value;
 *                                K_v = outcome.vasodilation_half_saturation_ng_per_ml
 *   downtime_days                time from the latest session until erythema_index, having
 *                                exceeded outcome.erythema_threshold_mm, falls back below it
 *                                (linear interpolation between calls); while still above it, the
 *                                time since the session; 0 if the index never exceeds the threshold
 *   topical_dose                 largest product mass per skin area seen in viable skin, ng cm-2
 *   topical_dose_intact          the same for the untreated control (field topical_intact)
 *   topical_enhancement          topical_dose / topical_dose_intact (NaN while the control is 0)
 *   stiffness_change_pct         100 (w C_I/C_I,0 + (1-w) E/E_0 - 1) over the dermis,
 *                                w = outcome.stiffness_collagen_weight (a linear proxy)
 *   barrier_open_fraction        surface mean openness of the stratum corneum (barrier.h)
 *   channel_fill_pct             share of the collagen deficit of the voxels injured by the latest
 *                                session (dermis only), as first observed after that session, that
 *                                has been refilled: 100 (1 - sum_K (C0_v - C_v)_+ / deficit at the
 *                                session), C0_v the voxel's baseline collagen
 *   granulation_index            sum_K f_v (F + Mf)_v / sum_K f_v F0_v over the same voxels,
 *                                f_v their injured fraction in that session (F0: baseline)
 *   collagen_change_pct_injured  100 (sum_U C / sum_U C0 - 1) over dermal voxels injured by any
 *                                session so far (U), and ..._uninjured over the rest of the dermis
 *
 * The baseline is the state passed to dermis_observables_set_baseline (the driver passes the
 * homeostatic state before any session); if it was never set, the first compute call takes it.
 * compute() allocates nothing: alloc() makes the sessions' injury maps (a pure function of the
 * configuration, sessions.h) once.
 *
 * Each observable is one row of the table in observables.c plus its function; the field means
 * are generated from the species registry. The observables' memory (baseline values, running
 * maxima, downtime tracking) is a list of named entries, DERMIS_OBSERVABLES_STATE below, so a
 * checkpoint can store each one as a named dataset.
 */
#ifndef DERMIS_MODEL_OBSERVABLES_H
#define DERMIS_MODEL_OBSERVABLES_H

#include <stddef.h>

#include "model/barrier.h"
#include "model/protocol.h"
#include "model/sessions.h"
#include "model/skin.h"

typedef struct dermis_observables dermis_observables;

/* Builds the observable list. tissue must outlive the object; sessions and barrier may be NULL
 * (no sessions: downtime 0; no barrier: barrier_open_fraction 0) and must outlive it otherwise.
 * Returns NULL if memory ran out. */
dermis_observables *dermis_observables_alloc(const dermis_tissue *tissue, const dermis_protocol_params *p,
                                             const dermis_session_table *sessions, const dermis_barrier *barrier);
void dermis_observables_free(dermis_observables *obs);

size_t dermis_observables_count(const dermis_observables *obs);
/* count entries each; owned by obs. Units are UDUNITS strings. */
const char *const *dermis_observables_names(const dermis_observables *obs);
const char *const *dermis_observables_units(const dermis_observables *obs);
const char *const *dermis_observables_long_names(const dermis_observables *obs);
/* Region structure, for writers that store per-region observables along a dimension: the list
 * is a sequence of series, each either one scalar (region -1) or one entry per region in
 * consecutive order 0..region_count-1, named <stem>_<region name>. Stems and stem long names
 * omit the region. */
const char *const *dermis_observables_stems(const dermis_observables *obs);
const char *const *dermis_observables_stem_long_names(const dermis_observables *obs);
const int *dermis_observables_regions(const dermis_observables *obs);
size_t dermis_observables_region_count(void);
const char *const *dermis_observables_region_names(void);
/* Index of an observable by name, or -1. */
long dermis_observables_find(const dermis_observables *obs, const char *name);

/* Records the pre-treatment reference state u (full state vector). */
void dermis_observables_set_baseline(dermis_observables *obs, const double *u);

/* Computes every observable at t_day from the full state vector u into values[count].
 * Stateful (running maxima, downtime): call at non-decreasing times. */
void dermis_observables_compute(dermis_observables *obs, double t_day, const double *u, double *values);

/* The observables' memory, checkpointed: X(name, length, units, meaning). A checkpoint writes
 * each entry as a dataset of `length` doubles; dermis_observables_state_entries() lists them with
 * their offsets in the flat array of get_state / set_state. */
#define DERMIS_OBSERVABLE_REGIONS 4 /* epidermis, papillary, reticular dermis, dermis */
#define DERMIS_OBSERVABLES_STATE(X) \
    X(baseline_set, 1, "1", "1 once the pre-treatment baseline is recorded") \
    X(baseline_collagen, DERMIS_OBSERVABLE_REGIONS, "mg cm-3", "baseline mean collagen I + III per region") \
    X(baseline_elastin, DERMIS_OBSERVABLE_REGIONS, "mg cm-3", "baseline mean elastin per region") \
    X(baseline_collagen_I_dermis, 1, "mg cm-3", "baseline mean collagen I of the dermis") \
    X(baseline_inflammation, 1, "mm-3", "baseline neutrophils + inflammatory macrophages of the dermis") \
    X(baseline_erythema, 1, "mm", "baseline erythema index (vessel-weighted dilation per skin area)") \
    X(lesion_collagen0, 1, "mg cm-3", "baseline collagen summed over lesion voxels") \
    X(lesion_deficit0, 1, "mg cm-3", "baseline collagen deficit summed over lesion voxels") \
    X(dose_peak, 1, "ng cm-2", "running maximum of the topical dose") \
    X(dose_intact_peak, 1, "ng cm-2", "running maximum of the untreated control's dose") \
    X(downtime_session, 1, "1", "index of the session the downtime refers to, -1 before any") \
    X(downtime_above, 1, "1", "1 once the erythema index exceeded the threshold after it") \
    X(downtime_done, 1, "1", "1 once the index fell back below the threshold") \
    X(downtime_value, 1, "day", "the downtime so far") \
    X(previous_day, 1, "day", "time of the previous compute call") \
    X(previous_erythema, 1, "mm", "erythema index at the previous compute call") \
    X(fill_session, 1, "1", "session whose channel fill is measured, -1 before any") \
    X(fill_deficit0, 1, "mg cm-3", "collagen deficit summed over its injured voxels when first observed")

#define DERMIS_OBSERVABLES_STATE_LENGTH(name, length, units, meaning) +(length)
enum { DERMIS_OBSERVABLES_STATE_SIZE = 0 DERMIS_OBSERVABLES_STATE(DERMIS_OBSERVABLES_STATE_LENGTH) };
#undef DERMIS_OBSERVABLES_STATE_LENGTH

typedef struct {
    const char *name;    /* dataset name, e.g. "baseline_collagen" */
    size_t offset;       /* first value in the flat state array */
    size_t length;       /* number of doubles */
    const char *units;   /* UDUNITS string */
    const char *meaning;
} dermis_observables_state_entry;

/* The named entries of the state, in order; returns their count. Static data. */
size_t dermis_observables_state_entries(const dermis_observables_state_entry **entries);

/* The state as a flat array of DERMIS_OBSERVABLES_STATE_SIZE doubles (entries back to back). */
void dermis_observables_get_state(const dermis_observables *obs, double *state);
void dermis_observables_set_state(dermis_observables *obs, const double *state);

#endif
