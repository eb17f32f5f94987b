/* The one internal unit system of dermis. Every quantity inside the model and solver is in
 * these units; conversions happen only at the edges (config keys carry their unit in their
 * name and schema entry, output variables carry a UDUNITS `units` attribute).
 *
 *   length          mm
 *   time            day
 *   cell density    cells per mm^3            (UDUNITS "mm-3")
 *   solutes         ng/mL = pg/mm^3           (UDUNITS "ng mL-1")
 *   matrix          mg/cm^3 = ug/mm^3         (UDUNITS "mg cm-3")
 *   diffusivity     mm^2/day
 *   rates           1/day
 */
#ifndef DERMIS_MODEL_UNITS_H
#define DERMIS_MODEL_UNITS_H

#define DERMIS_MINUTES_PER_DAY 1440.0
#define DERMIS_HOURS_PER_DAY 24.0
#define DERMIS_DAYS_PER_YEAR 365.25
#define DERMIS_UM_PER_MM 1000.0

/* 1 mm^2/h = 24 mm^2/day; 1 um^2/min = 1e-6 mm^2 * 1440 /day. */
static inline double dermis_mm2_per_h_to_per_day(double d) { return d * DERMIS_HOURS_PER_DAY; }
static inline double dermis_um2_per_min_to_mm2_per_day(double d) { return d * 1e-6 * DERMIS_MINUTES_PER_DAY; }
static inline double dermis_half_life_to_rate(double t_half) { return 0.6931471805599453 / t_half; }

#endif
