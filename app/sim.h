/* One simulation without any output: the run set-up and the stepping that `dermis run` and the
 * teaching page (web/, compiled to WebAssembly) share, so both compute the same numbers.
 *
 *   config -> grid, skin profile, tissue map (+ lesion) -> model (homeostasis, transport,
 *   kinetics) -> session table, barrier, observables -> solver -> homeostatic state
 *
 * dermis_sim_next_event() advances the solver exactly to the next event of the schedule
 * (app/schedule.h), applies a session due there and computes the observables if they are due;
 * the caller handles the rest of what is due (frames, checkpoints) and stops at due.end.
 *
 * A binding needs only the functions below; the members of dermis_sim are read by the CLI
 * driver (app/run.c) for its output and checkpoints and by tests. Nothing here prints, exits,
 * touches files or signals: errors are one line (without the "dermis: " prefix) in the
 * caller's buffer, with 2 for a configuration problem and 1 for any other failure.
 */
#ifndef DERMIS_APP_SIM_H
#define DERMIS_APP_SIM_H

#include <stddef.h>

#include "app/schedule.h"
#include "io/config.h"
#include "model/barrier.h"
#include "model/model.h"
#include "model/observables.h"
#include "model/sessions.h"
#include "model/skin.h"
#include "solver/solver.h"

/* The reaction and boundary callbacks of the solver: the model and the barrier share one user
 * pointer. */
typedef struct {
    const dermis_model *model;
    const dermis_barrier *barrier;
} dermis_sim_callbacks;

typedef struct {
    const dermis_config *cfg;   /* borrowed, or owned_cfg */
    dermis_config *owned_cfg;   /* set by dermis_sim_create_from_ini */
    dermis_grid grid;
    dermis_skin_profile skin;
    dermis_tissue tissue;
    dermis_model *model;
    dermis_session_table sessions;
    dermis_injury_workspace injury;
    dermis_barrier *barrier;
    dermis_observables *observables;
    dermis_solver *solver;
    dermis_sim_callbacks callbacks;
    double *state;              /* DERMIS_N_FIELDS * voxels, layout of solver/grid.h */
    double *observable_values;  /* dermis_observables_count values at observables_day */
    double observables_day;     /* time of the last observables computed (NaN before) */
    dermis_schedule schedule;
    dermis_schedule_cursor cursor;
    double t_day;
    int ended;                  /* the event at run.t_end_days was handled */
} dermis_sim;

/* Builds a run of the validated configuration cfg (dermis_config_finish passed), which must
 * outlive it, with `threads` OpenMP threads (0 = the OpenMP default), at its homeostatic state
 * at t = 0 before any event. Returns NULL with *status (1 or 2) and one line in err. */
dermis_sim *dermis_sim_create(const dermis_config *cfg, int threads, int *status, char *err, size_t errlen);

/* The same from configuration text in the INI schema of `dermis run`: defaults, then the text
 * (named `name` in messages, e.g. "page.ini"), then the final checks, with the CLI's one-line
 * errors "NAME:LINE: section.key: reason". */
dermis_sim *dermis_sim_create_from_ini(const char *name, const char *ini_text, int threads, int *status, char *err,
                                       size_t errlen);

void dermis_sim_free(dermis_sim *sim);

/* Advances to the next event and handles its session and observables; *due says what fell
 * there (due->end: the run reached run.t_end_days; further calls do nothing). Returns 0, or 1
 * with one line in err (solver failure, out of memory). */
int dermis_sim_next_event(dermis_sim *sim, dermis_schedule_due *due, char *err, size_t errlen);

/* Handles events until the run's time reaches t_day or its end. Returns 0 or 1 as above. */
int dermis_sim_advance_to(dermis_sim *sim, double t_day, char *err, size_t errlen);

/* --- read-outs for bindings --- */
double dermis_sim_time(const dermis_sim *sim);
double dermis_sim_end_time(const dermis_sim *sim);
/* Grid sizes (1 for axes the run lacks) and voxel edge. */
size_t dermis_sim_nx(const dermis_sim *sim);
size_t dermis_sim_ny(const dermis_sim *sim);
size_t dermis_sim_nz(const dermis_sim *sim);
double dermis_sim_dx_mm(const dermis_sim *sim);
/* Copies the x-z section at y index iy of field f into out[nz*nx] (x fastest, depth slowest).
 * Returns 0, or -1 for an unknown field or iy. */
int dermis_sim_section(const dermis_sim *sim, int field, size_t iy, double *out);
/* The skin layers of the run (dermis_layer order): count, name, depth of the top in mm. */
int dermis_sim_layers_count(void);
const char *dermis_sim_layer_name(int layer);
double dermis_sim_layer_top_mm(const dermis_sim *sim, int layer);
/* The field registry (model/species.h): count, name, units, long name; NULL if unknown. */
int dermis_sim_fields_count(void);
const char *dermis_sim_field_name(int field);
const char *dermis_sim_field_units(int field);
const char *dermis_sim_field_long_name(int field);
/* The observables of the last observables event (dermis_sim_observables_time()). */
size_t dermis_sim_observables_count(const dermis_sim *sim);
const char *dermis_sim_observable_name(const dermis_sim *sim, size_t i);
const char *dermis_sim_observable_units(const dermis_sim *sim, size_t i);
const double *dermis_sim_observables(const dermis_sim *sim);
double dermis_sim_observables_time(const dermis_sim *sim);
/* The session table. */
size_t dermis_sim_sessions_count(const dermis_sim *sim);
double dermis_sim_session_day(const dermis_sim *sim, size_t k);
double dermis_sim_session_depth_mm(const dermis_sim *sim, size_t k);
const char *dermis_sim_session_device(const dermis_sim *sim, size_t k);
long dermis_sim_session_channels(const dermis_sim *sim, size_t k);

#endif
