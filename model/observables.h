/* Scalar outcome measures of a run (the names are the output contract; formulas in
 * docs/model.md, "Observables"):
 *
 *   <field>_mean_<region>        volume mean of every field over each region: epidermis,
 *                                papillary_dermis, reticular_dermis, dermis (= papillary +
 *                                reticular), in the field's units
 *   collagen_change_pct_<region> 100 (C(t) / C_0 - 1), C = mean(collagen_I + collagen_III),
 *                                C_0 its pre-treatment baseline value
 *   collagen_ratio_I_III_<region> mean collagen_I / mean collagen_III
 *   elastin_change_pct_<region>  100 (E(t) / E_0 - 1), E = mean elastin
 *   lesion_fill_pct              (only with a lesion) 100 sum_L (C - C_0) / sum_L C_0 (1/f - 1)
 *                                over lesion voxels L with matrix factor f < 1: the share of the
 *                                initial collagen deficit refilled (healthy collagen = C_0 / f)
 *   inflammation_index           max(0, I(t) - I_0) / outcome.inflammation_reference_per_mm3,
 *                                I = dermis mean of neutrophils + (macrophages - repair_macrophages)
 *   downtime_days                time from the latest session until inflammation_index, having
 *                                exceeded outcome.downtime_threshold, falls back below it (linear
 *                                interpolation between calls); while still above it, the time
 *                                since the session; 0 if the index never exceeds the threshold
 *   topical_dose                 largest product mass per skin area seen in viable skin, ng cm-2
 *   topical_dose_intact          the same for the untreated control (field topical_intact)
 *   topical_enhancement          topical_dose / topical_dose_intact (NaN while the control is 0)
 *   stiffness_change_pct         100 (w C_I/C_I,0 + (1-w) E/E_0 - 1) over the dermis,
 *                                w = outcome.stiffness_collagen_weight (a linear proxy)
 *   barrier_open_fraction        surface mean openness of the stratum corneum (barrier.h)
 *
 * The baseline is the state passed to dermis_observables_set_baseline (the driver passes the
 * homeostatic state before any session); if it was never set, the first compute call takes it.
 * compute() allocates nothing. The internal state (baseline, running maxima, downtime tracking)
 * is a fixed-size double array for checkpoints.
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
/* Index of an observable by name, or -1. */
long dermis_observables_find(const dermis_observables *obs, const char *name);

/* Records the pre-treatment reference state u (full state vector). */
void dermis_observables_set_baseline(dermis_observables *obs, const double *u);

/* Computes every observable at t_day from the full state vector u into values[count].
 * Stateful (running maxima, downtime): call at non-decreasing times. */
void dermis_observables_compute(dermis_observables *obs, double t_day, const double *u, double *values);

/* Internal state for checkpoints: DERMIS_OBSERVABLES_STATE_SIZE doubles. */
#define DERMIS_OBSERVABLES_STATE_SIZE 24
void dermis_observables_get_state(const dermis_observables *obs, double *state);
void dermis_observables_set_state(dermis_observables *obs, const double *state);

#endif
