/* Reaction-diffusion-chemotaxis integrator on a dermis_grid (see grid.h).
 *
 * Integrates, for fields s = 0..n_fields-1,
 *     du_s/dt = div(D_s(x) grad u_s) - div(chi_s(c) u_s grad c) + R_s(u, x, t)
 * The caller describes each field (diffusivity, boundary conditions, tolerance), the
 * chemotaxis pairs, and the local reaction term through callbacks in the style of SUNDIALS:
 * a callback returns 0 on success, > 0 for a recoverable failure (the step is retried with a
 * smaller step, e.g. a negative concentration was seen) and < 0 for a fatal one.
 *
 * The solver knows nothing of biology. It owns no state vector: the caller passes the flat
 * field-major state u (n_fields * nx*ny*nz doubles, layout of grid.h) to every call.
 * All workspaces are allocated in dermis_solver_alloc; nothing is allocated while stepping.
 * Results are bitwise identical for any OpenMP thread count.
 *
 * Units: the solver is unit-agnostic; dermis passes mm and days.
 *
 * Scheme (second order in space and time; verified in tests/solver/test_mms.c):
 *   Strang splitting  R(dt/2) T(dt) R(dt/2); between the steps of one advance call the two
 *      adjacent reaction halves are integrated as one, R((dt1 + dt2)/2) (same splitting, half
 *      the reaction integrations; the caller always gets the complete step).
 *   T: cell-centred finite volumes, harmonic-mean face diffusivities, chemotaxis flux central
 *      where the cell Peclet number allows and upwind-blended beyond (always an M-matrix);
 *      locally one-dimensional implicit Euler (x, y, z Thomas sweeps; Sherman-Morrison for
 *      periodic lines), Richardson-extrapolated 2 T_IE(dt/2)^2 - T_IE(dt) to second order, with
 *      the implicit-Euler value kept where the extrapolation would be negative.
 *   R: per voxel, Richardson-extrapolated linearly implicit Euler (one Jacobian per substep,
 *      analytic or finite differences; block-triangular LU) with its own error-controlled
 *      substeps, and a damped-Newton backward-Euler fallback for voxels where that fails.
 *   Step control: local error of the transport extrapolation, Shampine-filtered, in the
 *   weighted RMS norm sqrt(mean((e / (atol_s + rtol |u|))^2)) summed in fixed blocks (thread
 *   count independent); PI controller; exact landing on stop times.
 *   Known limit: like any splitting, the time order drops towards 1-1.5 next to boundaries where
 *   the reaction source is incompatible with the boundary condition (order reduction).
 * Callbacks are called from OpenMP threads (rhs/jac concurrently for different voxels) and
 * must be thread-safe; the boundary callback is called from one thread.
 */
#ifndef DERMIS_SOLVER_SOLVER_H
#define DERMIS_SOLVER_SOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "solver/grid.h"

/* Error codes, defined once: X(enum, message). */
#define DERMIS_SOLVER_ERRORS(X)                                                   \
    X(DERMIS_SOLVER_OK, "success")                                               \
    X(DERMIS_SOLVER_ENOMEM, "out of memory")                                     \
    X(DERMIS_SOLVER_EINVAL, "invalid argument")                                  \
    X(DERMIS_SOLVER_ERHS, "reaction callback failed (fatal)")                    \
    X(DERMIS_SOLVER_EBOUNDARY, "boundary callback failed")                       \
    X(DERMIS_SOLVER_ESTEP, "step size fell below the minimum step")              \
    X(DERMIS_SOLVER_ETOO_MANY_STEPS, "too many steps without reaching the stop time") \
    X(DERMIS_SOLVER_ESTOPPED, "stopped on request")

#define DERMIS_SOLVER_ENUM_ITEM(name, msg) name,
typedef enum { DERMIS_SOLVER_ERRORS(DERMIS_SOLVER_ENUM_ITEM) DERMIS_SOLVER_N_ERRORS } dermis_solver_status;
#undef DERMIS_SOLVER_ENUM_ITEM

const char *dermis_solver_strerror(int status);

typedef enum {
    DERMIS_BC_ZERO_FLUX = 0, /* no flux through the face */
    DERMIS_BC_DIRICHLET = 1, /* u = value on the face */
    DERMIS_BC_ROBIN = 2      /* outward flux = -k(x,t) (u_outside(x,t) - u), k from boundary callback */
} dermis_bc_type;

/* Which face of the domain a boundary callback is asked about. */
typedef enum { DERMIS_FACE_TOP = 0, DERMIS_FACE_BOTTOM = 1 } dermis_face;

/* Robin data for one field and one face at time t_day: fills k[nx*ny] (transfer coefficient,
 * length/time, >= 0) and u_outside[nx*ny] (the concentration outside the face), both indexed
 * iy*nx + ix. Called once per (sub)step that needs them; must be deterministic. */
typedef int (*dermis_boundary_fn)(double t_day, size_t field, dermis_face face,
                                  double *k, double *u_outside, void *user);

typedef struct {
    dermis_bc_type type;
    double value; /* Dirichlet value; ignored otherwise */
} dermis_bc;

typedef struct {
    const char *name;        /* for error messages and statistics only */
    /* Diffusivity: if D_map is non-NULL it holds one value per voxel (>= 0); otherwise
     * D_uniform applies everywhere. A field with D_map == NULL and D_uniform == 0 is
     * immobile and costs nothing in the transport step. Face coefficients use the harmonic
     * mean of the two voxels, so a voxel with D = 0 is a wall. */
    const double *D_map;
    double D_uniform;
    dermis_bc top;           /* z = 0 face (the skin surface) */
    dermis_bc bottom;        /* z = nz*dx face */
    double atol;             /* absolute error tolerance in the field's units */
} dermis_field_spec;

/* Chemotaxis of field `cell` up the gradient of field `signal`:
 * flux = chi(c) * u_cell * grad c, with the receptor-saturating sensitivity
 * chi(c) = chi0 / (1 + c/c_sat)^2 (Olsen et al. 1995); c_sat = INFINITY gives chi = chi0.
 * chi0 in mm^2 / (day * signal unit). The flux is upwinded so u_cell stays >= 0, and it is
 * masked where D of the cell field is 0 (cells do not cross walls). */
typedef struct {
    size_t cell;
    size_t signal;
    double chi0;
    double c_sat;
} dermis_chemotaxis_spec;

/* Local reactions of one voxel: dudt[s] = R_s(u, voxel, t) for s = 0..n_fields-1. */
typedef int (*dermis_rhs_fn)(double t_day, size_t voxel, const double *u, double *dudt, void *user);
/* Optional Jacobian of the reactions: J[i*n_fields + j] = dR_i/du_j. NULL = finite differences. */
typedef int (*dermis_jac_fn)(double t_day, size_t voxel, const double *u, double *J, void *user);

typedef struct {
    size_t n_fields;
    const dermis_field_spec *fields;       /* n_fields entries, copied at alloc */
    size_t n_chemotaxis;
    const dermis_chemotaxis_spec *chemotaxis;
    dermis_rhs_fn rhs;                     /* may be NULL: pure transport */
    dermis_jac_fn jac;                     /* may be NULL */
    dermis_boundary_fn boundary;           /* required if any face is Robin */
    void *user;                            /* passed to every callback */
} dermis_problem;

/* Voxels per thread of the automatic thread count. Every reaction half step is one parallel
 * region, and on a shared machine each region waits until every thread has been scheduled once
 * (measured: 16 ms per region with load 5 on 2 cores, against 2 ms of work for 750 voxels), so
 * a thread must have more work per region than that: a few ms, i.e. thousands of voxels. */
#define DERMIS_SOLVER_AUTO_VOXELS_PER_THREAD 4096

typedef struct {
    double rtol;            /* relative tolerance of the local error estimate */
    double dt_initial_day;  /* first step */
    double dt_min_day;      /* below this the step fails with DERMIS_SOLVER_ESTEP */
    double dt_max_day;      /* upper bound on any step */
    long max_steps;         /* per dermis_solver_advance call */
    /* OpenMP threads. 0 = automatic: the OpenMP default (OMP_NUM_THREADS or all cores), but
     * at most one thread per DERMIS_SOLVER_AUTO_VOXELS_PER_THREAD voxels. */
    int threads;
    /* Nonzero: every step is dt_initial_day (the last one shortened to land on the stop time),
     * with no error control and Newton driven to round-off; for convergence studies and
     * benchmarks. 0 (the default of a zero-initialised struct) = adaptive. */
    int fixed_step;
    /* With threads > 0: fewer threads than requested when the grid is small, at most
     * n_voxels / this many (at least 1). Each parallel region costs a few barriers, which on a
     * small grid (or a busy machine) cost more than the work they share. 0 = always use
     * `threads`. Results do not depend on it: they are bitwise identical for any thread count. */
    size_t min_voxels_per_thread;
} dermis_solver_options;

/* Solver statistics, defined once: X(type, name, units, description). Counters and wall times
 * are monotone over the solver's life. Writers iterate the list (dermis_solver_stats_foreach)
 * instead of naming the members. */
#define DERMIS_SOLVER_STATS(X)                                                                      \
    X(long, steps_accepted, "1", "accepted time steps")                                            \
    X(long, steps_rejected, "1", "rejected time steps (error above tolerance or a failed voxel)")  \
    X(long, rhs_evaluations, "1", "reaction right-hand-side evaluations, one voxel each")         \
    X(double, wall_diffusion_s, "s", "wall time of the transport step, chemotactic drift rates excluded") \
    X(double, wall_chemotaxis_s, "s", "wall time spent computing chemotactic drift rates")        \
    X(double, wall_reaction_s, "s", "wall time of the per-voxel reaction integration")           \
    X(double, dt_last_day, "day", "last accepted step")                                           \
    X(double, dt_min_used_day, "day", "smallest accepted step")                                   \
    X(double, dt_max_used_day, "day", "largest accepted step")                                    \
    X(long, jacobian_evaluations, "1", "reaction Jacobian evaluations, one voxel each")           \
    X(long, reaction_voxel_steps, "1", "voxel reaction integrations (half steps, two adjacent halves merged count once), voxels at rest included")

#define DERMIS_SOLVER_STATS_MEMBER(type, name, units, doc) type name;
typedef struct { DERMIS_SOLVER_STATS(DERMIS_SOLVER_STATS_MEMBER) } dermis_solver_stats;
#undef DERMIS_SOLVER_STATS_MEMBER

typedef enum { DERMIS_STAT_LONG = 0, DERMIS_STAT_DOUBLE = 1 } dermis_stat_type;

/* One row of DERMIS_SOLVER_STATS: value at (const char *)stats + offset, a long or a double. */
typedef struct {
    const char *name;
    const char *units;
    const char *description;
    dermis_stat_type type;
    size_t offset;
} dermis_solver_stat_info;

/* Calls fn for every statistic in list order with a pointer to its value (const long * or
 * const double *, as info->type says); stops at and returns the first non-zero return of fn. */
typedef int (*dermis_stat_visit_fn)(const dermis_solver_stat_info *info, const void *value, void *user);
int dermis_solver_stats_foreach(const dermis_solver_stats *stats, dermis_stat_visit_fn fn, void *user);
/* The rows themselves (for readers that fill a struct by name): count and row i. */
size_t dermis_solver_stats_count(void);
const dermis_solver_stat_info *dermis_solver_stats_info(size_t i);

/* Everything the controller carries from one step to the next: with this, a restarted run
 * continues bitwise identically (store it in checkpoints). */
typedef struct {
    double dt_next_day;
    double err_prev;
    long steps_accepted;
    long steps_rejected;
} dermis_solver_controller;

typedef struct dermis_solver dermis_solver;

/* Allocates every workspace for the grid and problem. On failure returns NULL and sets
 * *status. The grid, problem arrays and maps must outlive the solver (maps are read, not copied). */
dermis_solver *dermis_solver_alloc(const dermis_grid *grid, const dermis_problem *problem,
                                   const dermis_solver_options *options, int *status);
void dermis_solver_free(dermis_solver *s);

/* Advances u from *t_day to exactly t_stop_day with adaptive, error-controlled steps,
 * landing exactly on t_stop_day. On success *t_day == t_stop_day. The step size proposed at
 * the end is kept for the next call (a short last step to land on an event does not shrink
 * the following steps). On any other return u is the solution at *t_day, the last accepted
 * step, with one exception: DERMIS_SOLVER_ESTEP because the reaction half that the last step
 * had left owed (to merge it with the next step's) could not be integrated, even in pieces;
 * then u lacks that half. Returns a dermis_solver_status. */
int dermis_solver_advance(dermis_solver *s, double *u, double *t_day, double t_stop_day);

/* Optional stop request: stop(user) is asked before every step attempt; nonzero makes
 * dermis_solver_advance return DERMIS_SOLVER_ESTOPPED with u and *t_day at the last accepted
 * step and the controller unchanged, so a caller honours a signal within one step and a later
 * advance continues exactly as if nothing had happened. stop = NULL (the default): never. */
typedef int (*dermis_stop_fn)(void *user);
void dermis_solver_set_stop(dermis_solver *s, dermis_stop_fn stop, void *user);

/* Call after the caller changed u discontinuously (an injury, a topical application): the next
 * step restarts from options->dt_initial_day and the controller forgets its error history. */
void dermis_solver_reset_step(dermis_solver *s);

/* One locally one-dimensional implicit-Euler transport step (x, y, z sweeps of diffusion and
 * chemotaxis, boundary data at t_day + dt_day) of every mobile field, with an optional linear
 * decay decay_per_day[n_fields] (NULL = none) folded into the implicit solves as lambda/dims per
 * axis, as BioFVM does. No reactions, no error control: this is the kernel that
 * dermis_solver_advance builds its second-order transport from, exposed for benchmark B1 and
 * for tests. Returns a dermis_solver_status. */
int dermis_solver_transport_step(dermis_solver *s, double *u, double t_day, double dt_day,
                                 const double *decay_per_day);

/* The reaction half of a step alone: integrates du/dt = R(u) in every voxel from t_day over
 * h_day with the per-voxel error-controlled substeps of dermis_solver_advance (statistics
 * updated, no transport, no global error control). DERMIS_SOLVER_ESTEP if a voxel could not be
 * integrated over h_day (dermis_solver_advance would retry a smaller step). Exposed for
 * benchmark B2 and for tests. */
int dermis_solver_reaction_step(dermis_solver *s, double *u, double t_day, double h_day);

const dermis_solver_stats *dermis_solver_get_stats(const dermis_solver *s);
/* OpenMP threads the solver actually uses (after options.threads = 0 was resolved and
 * min_voxels_per_thread applied), for its reactions and its transport. */
int dermis_solver_threads(const dermis_solver *s);
void dermis_solver_get_controller(const dermis_solver *s, dermis_solver_controller *c);
void dermis_solver_set_controller(dermis_solver *s, const dermis_solver_controller *c);
/* Restores statistics saved from an earlier run of the same problem (a restart), so they keep
 * counting the whole run. */
void dermis_solver_set_stats(dermis_solver *s, const dermis_solver_stats *stats);

#endif
