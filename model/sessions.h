/* The treatment's sessions: when, with which device, how deep, how many channels, and the
 * application of one session's injury to the state.
 *
 * The table is computed up front from the configuration (the output's sessions table and the
 * driver's event schedule need it before the run). Applying session k places its channels
 * (injury.h; a pure function of run.seed and k), turns them into an injured fraction per voxel,
 * hands every injured voxel to a damage callback (the model's injury hook) and records the
 * barrier opening (barrier.h). Bleeding: a session whose channels reach the capillary loops of
 * the papillary dermis (Braverman & Yen 1977; pinpoint bleeding is the clinical endpoint that
 * marks it, model reference d) bleeds into every voxel it injures.
 */
#ifndef DERMIS_MODEL_SESSIONS_H
#define DERMIS_MODEL_SESSIONS_H

#include <stddef.h>

#include "model/device.h"
#include "model/injury.h"
#include "model/protocol.h"
#include "model/skin.h"
#include "solver/grid.h"

typedef struct dermis_barrier dermis_barrier;

typedef struct {
    double t_day;               /* session time, days from day 0 */
    int device;                 /* dermis_device_type */
    double depth_mm;            /* nominal needle length / pen setting */
    double effective_depth_mm;  /* penetration fraction x nominal */
    double channels_per_cm2;    /* density laid by the session */
    size_t channels_placed;     /* channel centres placed in this run's domain (0 in 1-D) */
    int bleeding;               /* 1: the channels reach the capillary depth */
    unsigned long rng_seed;     /* seed of the session's placement generator */
    dermis_channel_shape shape; /* channel geometry of the session */
    dermis_placement_spec placement;
} dermis_session_info;

typedef struct {
    size_t n;                                  /* number of sessions (0 = no treatment) */
    dermis_session_info session[DERMIS_MAX_SESSIONS];
    double session_days[DERMIS_MAX_SESSIONS];  /* t_day of each session, ascending */
    double capillary_depth_mm;
    dermis_grid grid;
} dermis_session_table;

/* Returns of dermis_session_table_build. */
#define DERMIS_SESSIONS_EINVAL (-1) /* a device lays no channels */
#define DERMIS_SESSIONS_ENOMEM (-2)

/* Builds the table of a protocol that passed dermis_protocol_validate (the table checks none of
 * its keys again) for grid g, the skin profile built from p->skin and the run seed. Places
 * every session's channels once to count them. Returns 0, DERMIS_SESSIONS_EINVAL with a message
 * naming the keys in msg, or DERMIS_SESSIONS_ENOMEM with "out of memory". */
int dermis_session_table_build(dermis_session_table *t, const dermis_protocol_params *p,
                               const dermis_skin_profile *skin, const dermis_grid *g, long run_seed, char *msg,
                               size_t msg_len);

/* Scratch memory for applying sessions: the per-voxel injury map and the channel list.
 * Allocated once per run. */
typedef struct {
    double *damage;            /* nx*ny*nz injured fractions of the last session computed */
    double *open_fraction;     /* nx*ny surface open fractions of the last session computed */
    dermis_channel_set channels;
} dermis_injury_workspace;

int dermis_injury_workspace_alloc(dermis_injury_workspace *ws, const dermis_grid *g);
void dermis_injury_workspace_free(dermis_injury_workspace *ws);

/* Fills ws->damage, ws->open_fraction and ws->channels for session k (0-based) without touching
 * any state; for tests, the driver's diagnostics and restarts. Returns 0 or -1 (out of memory). */
int dermis_session_injury(const dermis_session_table *t, size_t k, dermis_injury_workspace *ws);

/* The model's injury hook as seen from here: marks a fraction of voxel `voxel` as injured
 * (bleeding 1: blood and platelets enter). Returns 0, or non-zero to stop. */
typedef int (*dermis_damage_fn)(size_t voxel, double fraction, int bleeding, void *user);

/* Applies session k: computes its injury (as above), calls damage(voxel, fraction, bleeding,
 * user) for every voxel with fraction > 0 in index order, and records the surface opening in
 * barrier (may be NULL). Returns 0, -1 out of memory, or the first non-zero damage return. */
int dermis_session_apply(const dermis_session_table *t, size_t k, dermis_injury_workspace *ws,
                         dermis_damage_fn damage, void *user, dermis_barrier *barrier);

/* dermis_session_apply with the healing-cascade model's injury hook
 * (dermis_model_apply_damage on the full state vector `state`; bleeding sessions pass bleeding 1).
 * Call dermis_solver_reset_step() afterwards. Returns 0 or -1 (out of memory). */
struct dermis_model;
int dermis_session_apply_to_model(const dermis_session_table *t, size_t k, dermis_injury_workspace *ws,
                                  const struct dermis_model *model, double *state, dermis_barrier *barrier);

/* Restart helper: re-records the barrier openings of every session with t_day <= t_now_day
 * (the openings are a pure function of the configuration, so checkpoints need not hold them).
 * Returns 0 or -1 (out of memory). */
int dermis_session_replay_barrier(const dermis_session_table *t, double t_now_day, dermis_injury_workspace *ws,
                                  dermis_barrier *barrier);

/* Index of the latest session with t_day <= t_day_now, or -1 if none yet. */
long dermis_session_latest(const dermis_session_table *t, double t_day_now);

#endif
