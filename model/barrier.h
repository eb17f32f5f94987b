/* The epidermal barrier after needling and the topical product's boundary condition.
 *
 * Each session k opens a fraction a_k(x) of each surface cell (its channel openings, injury.h).
 * Openings reseal with a half-life t_half (hours: Gupta 2011 found every unoccluded human site
 * recovered within 2 h, so t_half <= 1 h; Kalluri 2011 saw TEWL recover in 4-5 h in rat);
 * occlusion slows resealing (Gupta 2011: 3-40 h; PMC8259462: micropore closure half-life
 * 20-26 h). The openness of a cell is kept analytically, with no state to integrate:
 *     openness(x, t) = max over sessions k with t_k <= t of a_k(x) * 2^(-(t - t_k) / t_half).
 * Topical boundary (Robin, outward flux = -k (u_outside - u)) on the top face:
 *     field topical:        k = k_intact + openness(x, t) * k_channel
 *     field topical_intact: k = k_intact            (the same product on untreated skin)
 *     u_outside = applied concentration while t - t_k is inside [start, end) of some session
 *     k's application window, else 0 (the product is wiped off; k stays).
 * k_intact and k_channel: topical.h. The openings are a pure function of the configuration;
 * after a restart, replay them with dermis_session_replay_barrier (sessions.h).
 */
#ifndef DERMIS_MODEL_BARRIER_H
#define DERMIS_MODEL_BARRIER_H

#include <stddef.h>

#include "model/protocol.h"
#include "model/skin.h"
#include "solver/grid.h"
#include "solver/solver.h"

typedef struct dermis_barrier {
    size_t cells;                          /* nx*ny surface cells */
    size_t n_sessions;                     /* sessions scheduled */
    int recorded[DERMIS_MAX_SESSIONS];     /* 1 once session k's opening is recorded */
    double t_session_day[DERMIS_MAX_SESSIONS];
    double *open_fraction;                 /* DERMIS_MAX_SESSIONS x cells, session-major */
    double half_life_day;                  /* resealing half-life (occlusion chosen) */
    int applied;                           /* topical.applied */
    double u_applied;                      /* ng/mL */
    double window_start_day, window_end_day; /* relative to each session */
    double k_intact;                       /* mm/day */
    double k_channel;                      /* mm/day at openness 1 */
} dermis_barrier;

/* Allocates the barrier of grid g for protocol p and skin profile `skin`. NULL if out of memory. */
dermis_barrier *dermis_barrier_alloc(const dermis_grid *g, const dermis_protocol_params *p,
                                     const dermis_skin_profile *skin);
void dermis_barrier_free(dermis_barrier *b);

/* Records session k's (0-based) opening at t_day; open_fraction holds `cells` values in [0, 1]. */
void dermis_barrier_record(dermis_barrier *b, size_t k, double t_day, const double *open_fraction);

/* Openness of surface cell `cell` at t_day, in [0, 1]. */
double dermis_barrier_openness(const dermis_barrier *b, size_t cell, double t_day);

/* Surface mean openness at t_day (the observable barrier_open_fraction). */
double dermis_barrier_open_fraction(const dermis_barrier *b, double t_day);

/* 1 while the product is on the skin at t_day (inside some recorded session's window). */
int dermis_barrier_product_on_skin(const dermis_barrier *b, double t_day);

/* The solver's boundary callback (solver.h) with user = the dermis_barrier. Robin data for the
 * top face of DERMIS_F_TOPICAL and DERMIS_F_TOPICAL_INTACT as above; any other field or face
 * gets k = 0, u_outside = 0 (zero flux). Always returns 0. */
int dermis_barrier_boundary(double t_day, size_t field, dermis_face face, double *k, double *u_outside, void *user);

#endif
