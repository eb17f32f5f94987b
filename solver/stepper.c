/* Public solver API: allocation, adaptive time stepping, controller and statistics.
 *
 * One step of size dt (Strang splitting, second order in time):
 *     u <- R(dt/2) u                          local reactions (reaction.c, own substeps)
 *     T: c = LOD-IE(dt) u,  f = LOD-IE(dt/2)^2 u,  u <- 2f - c   (where 2f - c < 0: u <- f)
 *     u <- R(dt/2) u
 * LOD-IE is the first-order, unconditionally stable, positivity-preserving transport of
 * diffusion.c; its Richardson extrapolation T is second order (the splitting error between the
 * axes is part of what the extrapolation removes). The local error estimate is f - c, filtered
 * (dermis_transport_richardson) and measured in the weighted RMS norm (error_norm, summed in
 * fixed blocks so the step size is the same for any thread count). A PI controller
 * (Gustafsson) picks the next step; rejected steps restore the saved state. Steps that end on a
 * stop time land on it exactly.
 *
 * Threads: s->nthreads for the reactions (one parallel region per reaction integration, voxels
 * scheduled dynamically) and the transport (two regions per step on small grids, where whole
 * fields are dealt out; planes and slabs split on big ones: diffusion.c, "Threads"). On a shared
 * machine every barrier can wait for a descheduled thread (and libgomp spins while it waits), so
 * the automatic count gives small grids one thread; results are bitwise identical for any
 * count. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "solver/detmath.h"
#include "solver/solver_internal.h"

#define DERMIS_SOLVER_MSG_ITEM(name, msg) msg,
/* Voxels per block of the error norm's deterministic partial sums (see extrapolate). */
#define ERR_BLOCK 4096

static const char *const solver_messages[] = {DERMIS_SOLVER_ERRORS(DERMIS_SOLVER_MSG_ITEM)};
#undef DERMIS_SOLVER_MSG_ITEM

const char *dermis_solver_strerror(int status)
{
    if (status < 0 || status >= DERMIS_SOLVER_N_ERRORS) return "unknown solver status";
    return solver_messages[status];
}

/* Step controller constants: safety factor, growth/shrink limits, PI exponents for an error
 * estimate of order 2 in dt (Gustafsson 1991: k_I = 0.7/2, k_P = 0.4/2). */
#define CTL_SAFETY 0.9
#define CTL_GROW_MAX 5.0
#define CTL_SHRINK_MIN 0.2
#define CTL_KI 0.35
#define CTL_KP 0.2
#define CTL_ERR_FLOOR 1e-10
#define CTL_RECOVERABLE_SHRINK 0.25

/* ---- validation --------------------------------------------------------------------------- */

static int bc_valid(const dermis_bc *bc, int *needs_callback)
{
    if (bc->type == DERMIS_BC_ROBIN) *needs_callback = 1;
    if (bc->type == DERMIS_BC_DIRICHLET && !isfinite(bc->value)) return 0;
    return bc->type == DERMIS_BC_ZERO_FLUX || bc->type == DERMIS_BC_DIRICHLET ||
           bc->type == DERMIS_BC_ROBIN;
}

static int field_valid(const dermis_grid *g, const dermis_field_spec *f, int *needs_callback)
{
    if (!(f->D_uniform >= 0.0) || !isfinite(f->D_uniform)) return 0;
    if (!(f->atol > 0.0) || !isfinite(f->atol)) return 0;
    if (!bc_valid(&f->top, needs_callback) || !bc_valid(&f->bottom, needs_callback)) return 0;
    if (f->D_map)
        for (size_t p = 0; p < dermis_grid_voxels(g); p++)
            if (!(f->D_map[p] >= 0.0) || !isfinite(f->D_map[p])) return 0;
    return 1;
}

static int problem_valid(const dermis_grid *g, const dermis_problem *p)
{
    if (p->n_fields == 0 || !p->fields) return 0;
    if (p->n_chemotaxis > 0 && !p->chemotaxis) return 0;
    int needs_callback = 0;
    for (size_t f = 0; f < p->n_fields; f++)
        if (!field_valid(g, &p->fields[f], &needs_callback)) return 0;
    if (needs_callback && !p->boundary) return 0;
    for (size_t c = 0; c < p->n_chemotaxis; c++) {
        const dermis_chemotaxis_spec *ch = &p->chemotaxis[c];
        if (ch->cell >= p->n_fields || ch->signal >= p->n_fields || ch->cell == ch->signal) return 0;
        if (!isfinite(ch->chi0) || !(ch->c_sat > 0.0)) return 0;
    }
    return 1;
}

static int options_valid(const dermis_solver_options *o)
{
    if (!(o->rtol > 0.0) || !(o->dt_initial_day > 0.0) || !(o->dt_min_day >= 0.0)) return 0;
    if (!(o->dt_max_day >= o->dt_initial_day) || o->dt_min_day > o->dt_initial_day) return 0;
    return o->max_steps > 0 && o->threads >= 0;
}

/* Periodic lines of two voxels would couple one pair through two faces; not supported. */
static int grid_supported(const dermis_grid *g)
{
    if (dermis_grid_validate(g) != 0) return 0;
    if (g->lateral == DERMIS_LATERAL_PERIODIC && (g->nx == 2 || g->ny == 2)) return 0;
    return 1;
}

/* ---- allocation --------------------------------------------------------------------------- */

static void set_geometry(dermis_solver *s)
{
    const dermis_grid *g = &s->grid;
    s->n_vox = dermis_grid_voxels(g);
    s->len[0] = g->nx;
    s->len[1] = g->ny;
    s->len[2] = g->nz;
    s->stride[0] = 1;
    s->stride[1] = g->nx;
    s->stride[2] = g->nx * g->ny;
    s->axis_active[0] = g->dims >= 2;
    s->axis_active[1] = g->dims == 3;
    s->axis_active[2] = 1;
    for (int a = 0; a < 2; a++)
        s->periodic[a] = g->lateral == DERMIS_LATERAL_PERIODIC && s->len[a] > 2;
    s->periodic[2] = 0;
}

static int alloc_thread_ws(dermis_solver *s)
{
    const dermis_grid *g = &s->grid;
    size_t lines = g->nx * g->ny;
    if (g->nx * g->nz > lines) lines = g->nx * g->nz;
    if (DERMIS_X_BLOCK * g->nx > lines) lines = DERMIS_X_BLOCK * g->nx;
    size_t per_line = g->nx > DERMIS_X_BLOCK ? g->nx : DERMIS_X_BLOCK;
    s->ws = calloc((size_t)s->nthreads, sizeof *s->ws);
    if (!s->ws) return DERMIS_SOLVER_ENOMEM;
    for (int i = 0; i < s->nthreads; i++) {
        dermis_thread_ws *w = &s->ws[i];
        w->lo = malloc(lines * sizeof(double));
        w->di = malloc(lines * sizeof(double));
        w->up = malloc(lines * sizeof(double));
        w->smz = malloc(lines * sizeof(double));
        w->line_bg = malloc(per_line * sizeof(double));
        w->line_id = malloc(per_line * sizeof(double));
        if (!w->lo || !w->di || !w->up || !w->smz || !w->line_bg || !w->line_id)
            return DERMIS_SOLVER_ENOMEM;
        if (dermis_reaction_ws_alloc(s, w) != DERMIS_SOLVER_OK) return DERMIS_SOLVER_ENOMEM;
    }
    return DERMIS_SOLVER_OK;
}

static int copy_problem(dermis_solver *s, const dermis_problem *p)
{
    s->problem = *p;
    s->fields = malloc(p->n_fields * sizeof *s->fields);
    s->atol = malloc(p->n_fields * sizeof *s->atol);
    s->active = malloc(p->n_fields * sizeof *s->active);
    s->chemotaxis = malloc((p->n_chemotaxis ? p->n_chemotaxis : 1) * sizeof *s->chemotaxis);
    if (!s->fields || !s->atol || !s->active || !s->chemotaxis) return DERMIS_SOLVER_ENOMEM;
    memcpy(s->fields, p->fields, p->n_fields * sizeof *s->fields);
    if (p->n_chemotaxis) memcpy(s->chemotaxis, p->chemotaxis, p->n_chemotaxis * sizeof *s->chemotaxis);
    for (size_t f = 0; f < p->n_fields; f++) s->atol[f] = p->fields[f].atol;
    s->problem.fields = s->fields;
    s->problem.chemotaxis = s->chemotaxis;
    return DERMIS_SOLVER_OK;
}

static int alloc_parts(dermis_solver *s, const dermis_problem *problem)
{
    int rc = copy_problem(s, problem);
    if (rc == DERMIS_SOLVER_OK) rc = alloc_thread_ws(s);
    if (rc == DERMIS_SOLVER_OK) rc = dermis_transport_alloc(s);
    if (rc != DERMIS_SOLVER_OK) return rc;
    for (size_t f = 0; f < problem->n_fields; f++) s->active[f] = s->tr[f].mobile;
    /* Step workspaces: large, and only touched by dermis_solver_advance, so a caller that only
     * uses dermis_solver_transport_step never makes their pages resident. */
    size_t n = problem->n_fields * s->n_vox;
    s->u_start = malloc(n * sizeof(double));
    s->u_coarse = malloc(n * sizeof(double));
    s->n_err_blocks = (s->n_vox + ERR_BLOCK - 1) / ERR_BLOCK;
    s->err_blocks = malloc(s->n_err_blocks * sizeof(double));
    return s->u_start && s->u_coarse && s->err_blocks ? DERMIS_SOLVER_OK : DERMIS_SOLVER_ENOMEM;
}

dermis_solver *dermis_solver_alloc(const dermis_grid *grid, const dermis_problem *problem,
                                   const dermis_solver_options *options, int *status)
{
    int dummy;
    if (!status) status = &dummy;
    if (!grid || !problem || !options || !grid_supported(grid) || !problem_valid(grid, problem) ||
        !options_valid(options)) {
        *status = DERMIS_SOLVER_EINVAL;
        return NULL;
    }
    dermis_solver *s = calloc(1, sizeof *s);
    if (!s) {
        *status = DERMIS_SOLVER_ENOMEM;
        return NULL;
    }
    s->grid = *grid;
    s->opt = *options;
    s->nthreads = options->threads > 0 ? options->threads : omp_get_max_threads();
    size_t per_thread = options->threads > 0 ? options->min_voxels_per_thread : DERMIS_SOLVER_AUTO_VOXELS_PER_THREAD;
    if (per_thread > 0) {
        const size_t useful = dermis_grid_voxels(grid) / per_thread;
        if ((size_t)s->nthreads > useful) s->nthreads = useful > 0 ? (int)useful : 1;
    }
    set_geometry(s);
    int rc = alloc_parts(s, problem);
    if (rc != DERMIS_SOLVER_OK) {
        dermis_solver_free(s);
        *status = rc;
        return NULL;
    }
    dermis_solver_reset_step(s);
    s->stats.dt_min_used_day = INFINITY;
    *status = DERMIS_SOLVER_OK;
    return s;
}

void dermis_solver_free(dermis_solver *s)
{
    if (!s) return;
    dermis_transport_free(s);
    if (s->ws)
        for (int i = 0; i < s->nthreads; i++) {
            dermis_thread_ws *w = &s->ws[i];
            free(w->lo);
            free(w->di);
            free(w->up);
            free(w->smz);
            free(w->line_bg);
            free(w->line_id);
            dermis_reaction_ws_free(w);
        }
    free(s->ws);
    free(s->u_start);
    free(s->u_coarse);
    free(s->err_blocks);
    free(s->fields);
    free(s->chemotaxis);
    free(s->atol);
    free(s->active);
    free(s);
}

/* ---- one step ----------------------------------------------------------------------------- */

static void copy_state(const dermis_solver *s, double *dst, const double *src)
{
    memcpy(dst, src, s->problem.n_fields * s->n_vox * sizeof *dst);
}

/* Weighted RMS norm of the error vector e over every active field and voxel, with weights
 * 1 / (atol + rtol |u|); sq holds the squared weighted errors (dermis_transport_richardson).
 *
 * Why RMS and not max: the split transport step meets the reactions' quasi-steady boundary
 * layers (e.g. neutrophils piling up by chemotaxis against the stratum corneum, one or two
 * voxels thick). In the max norm they pinned the step to ~1e-3 day for the whole domain. The
 * weighted RMS norm of CVODE/ARKODE measures the error of the solution as a whole.
 *
 * Determinism: squares are summed per fixed block of ERR_BLOCK voxels (in index order, all
 * fields), whichever thread owns the block, then the blocks are summed serially in order, so
 * the norm is bitwise the same for any thread count. */
static double error_norm(dermis_solver *s, const double *sq)
{
    const size_t nv = s->n_vox, nf = s->problem.n_fields, nb = s->n_err_blocks;
    size_t n_active = 0;
    for (size_t f = 0; f < nf; f++) n_active += s->active[f] ? 1 : 0;
#pragma omp parallel for schedule(static) num_threads(s->transport_split ? s->nthreads : 1)
    for (size_t b = 0; b < nb; b++) {
        const size_t lo = b * ERR_BLOCK, hi = lo + ERR_BLOCK < nv ? lo + ERR_BLOCK : nv;
        double sum = 0.0;
        for (size_t f = 0; f < nf; f++) {
            if (!s->active[f]) continue;
            const double *sf = sq + f * nv;
            for (size_t p = lo; p < hi; p++) sum += sf[p];
        }
        s->err_blocks[b] = sum;
    }
    double total = 0.0;
    for (size_t b = 0; b < nb; b++) total += s->err_blocks[b];
    return n_active > 0 ? sqrt(total / (double)(n_active * nv)) : 0.0;
}

/* Diffusivity of field f at voxel p (0 = wall). */
static double voxel_D(const dermis_solver *s, size_t f, size_t p)
{
    const dermis_field_spec *sp = &s->fields[f];
    return sp->D_map ? sp->D_map[p] : sp->D_uniform;
}

/* True if v is bitwise equal across every face that field f's diffusivity does not wall off
 * (both sides D > 0), periodic wrap faces included. Exact comparisons, serial: the answer does
 * not depend on the thread count. */
static int uniform_across_open_faces(const dermis_solver *s, size_t f, const double *v)
{
    for (int a = 0; a < 3; a++) {
        if (!s->axis_active[a] || s->len[a] < 2) continue;
        size_t len = s->len[a], st = s->stride[a];
        for (size_t p = 0; p < s->n_vox; p++) {
            size_t i = (p / st) % len, q;
            if (i + 1 < len) q = p + st;
            else if (s->periodic[a]) q = p - (len - 1) * st;
            else continue;
            if (v[p] != v[q] && voxel_D(s, f, p) > 0.0 && voxel_D(s, f, q) > 0.0) return 0;
        }
    }
    return 1;
}

/* True if one transport step leaves field f exactly unchanged: no open face carries a difference
 * (so diffusive fluxes vanish), no chemotactic drift can act on it (its signals are uniform across
 * the same faces), and its boundaries exchange nothing (zero flux, or Dirichlet already at the
 * boundary value; Robin data can change in time and is never assumed inert). Skipping such a field
 * is exact where the linear solves would return it up to rounding: this keeps a resting state
 * bitwise at rest (so its reactions stay skipped too) and removes the cost of fields that are idle
 * everywhere (e.g. a topical product that was never applied). */
static int transport_inert(const dermis_solver *s, size_t f, const double *u)
{
    size_t nv = s->n_vox, plane = s->grid.nx * s->grid.ny;
    const dermis_field_spec *sp = &s->fields[f];
    const dermis_bc *bcs[2] = {&sp->top, &sp->bottom};
    for (int face = 0; face < 2; face++) {
        const dermis_bc *bc = bcs[face];
        if (bc->type == DERMIS_BC_ROBIN) return 0;
        if (bc->type != DERMIS_BC_DIRICHLET) continue;
        size_t first = face == 0 ? 0 : nv - plane;
        for (size_t p = first; p < first + plane; p++)
            if (u[f * nv + p] != bc->value && voxel_D(s, f, p) > 0.0) return 0;
    }
    for (size_t c = 0; c < s->problem.n_chemotaxis; c++)
        if (s->chemotaxis[c].cell == f && !uniform_across_open_faces(s, f, u + s->chemotaxis[c].signal * nv))
            return 0;
    return uniform_across_open_faces(s, f, u + f * nv);
}

static int transport_second_order_active(dermis_solver *s, double *u, double t, double dt, double *err)
{
    /* Shampine's filter (as in RADAU5 and Rosenbrock codes) inside dermis_transport_richardson:
     * the raw difference f - c is dominated by stiff, voxel-scale transport modes that the
     * reactions re-inject every step and the implicit solve damps again; they do not
     * accumulate. (I - dt/2 A)^-1 damps them by 1/(1 + lambda dt/2) and leaves the smooth modes,
     * whose error does accumulate, unchanged. */
    int rc = dermis_transport_richardson(s, u, s->u_coarse, t, dt);
    if (rc == DERMIS_SOLVER_OK) *err = error_norm(s, s->u_coarse);
    return rc;
}

static int transport_second_order(dermis_solver *s, double *u, double t, double dt, double *err)
{
    double t0 = omp_get_wtime(), chemotaxis0 = s->stats.wall_chemotaxis_s;
    /* Fields already at a transport equilibrium are taken out of this step (see transport_inert). */
    for (size_t f = 0; f < s->problem.n_fields; f++) s->active[f] = s->tr[f].mobile && !transport_inert(s, f, u);
    int rc = transport_second_order_active(s, u, t, dt, err);
    s->stats.wall_diffusion_s += omp_get_wtime() - t0 - (s->stats.wall_chemotaxis_s - chemotaxis0);
    return rc;
}

static int reaction_half(dermis_solver *s, double *u, double t, double h)
{
    double t0 = omp_get_wtime();
    int rc = dermis_reaction_advance(s, u, t, h);
    for (int i = 0; i < s->nthreads; i++) {
        dermis_thread_ws *w = &s->ws[i];
        s->stats.rhs_evaluations += w->rhs_evals;
        s->stats.jacobian_evaluations += w->jac_evals;
        s->stats.reaction_voxel_steps += w->voxel_steps;
        w->rhs_evals = w->jac_evals = w->voxel_steps = 0;
    }
    s->stats.wall_reaction_s += omp_get_wtime() - t0;
    return rc;
}

/* Reaction owed to the state: the second reaction half of the last accepted step, held back so
 * that it is integrated together with the next step's first half (see dermis_solver_advance). */
typedef struct {
    double t_day; /* where the owed reaction starts */
    double h_day; /* its length; 0 = nothing owed, u is the Strang solution at the current time */
} owed_reaction;

/* Attempts one Strang step from t with the reaction `owed` merged into its first half; with
 * `finish` the step integrates its own second half, otherwise it leaves it owed (*owed_next).
 * Returns a status or DERMIS_SOLVER_RETRY, and the error estimate. */
static int attempt_step(dermis_solver *s, double *u, double t, double dt, const owed_reaction *owed, int finish,
                        owed_reaction *owed_next, double *err)
{
    *err = 0.0;
    copy_state(s, s->u_start, u);
    const double r0 = owed->h_day > 0.0 ? owed->t_day : t;
    int rc = reaction_half(s, u, r0, owed->h_day + 0.5 * dt);
    if (rc == DERMIS_SOLVER_OK && s->any_mobile) rc = transport_second_order(s, u, t, dt, err);
    *owed_next = (owed_reaction){t + 0.5 * dt, finish ? 0.0 : 0.5 * dt};
    if (rc == DERMIS_SOLVER_OK && finish) rc = reaction_half(s, u, t + 0.5 * dt, 0.5 * dt);
    return rc;
}

/* Pieces the owed reaction may be cut into when a voxel cannot integrate it in one (a shorter
 * interval starts with shorter substeps and a fresh failure budget): 1, 4, ..., SETTLE_PIECES_MAX. */
#define SETTLE_PIECES_MAX 256

/* Integrates the owed reaction into u, so u is the Strang solution at the last accepted time.
 * The owed half belongs to a step already accepted, which cannot be retried smaller, so where
 * the integration fails it is repeated from the same state in more, shorter pieces (the shrink
 * the unmerged scheme would have made). Uses s->u_start. */
static int settle(dermis_solver *s, double *u, owed_reaction *owed)
{
    if (!(owed->h_day > 0.0)) return DERMIS_SOLVER_OK;
    const double t0 = owed->t_day, h = owed->h_day;
    owed->h_day = 0.0;
    copy_state(s, s->u_start, u);
    int rc = DERMIS_SOLVER_RETRY;
    for (int pieces = 1; rc == DERMIS_SOLVER_RETRY && pieces <= SETTLE_PIECES_MAX; pieces *= 4) {
        if (pieces > 1) copy_state(s, u, s->u_start);
        rc = DERMIS_SOLVER_OK;
        for (int k = 0; k < pieces && rc == DERMIS_SOLVER_OK; k++)
            rc = reaction_half(s, u, t0 + h * k / pieces, h / pieces);
    }
    if (rc != DERMIS_SOLVER_OK) copy_state(s, u, s->u_start);
    return rc == DERMIS_SOLVER_RETRY ? DERMIS_SOLVER_ESTEP : rc;
}

/* ---- controller --------------------------------------------------------------------------- */

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static void on_accept(dermis_solver *s, double dt, double err, int landed)
{
    dermis_solver_controller *c = &s->ctl;
    c->steps_accepted++;
    s->stats.steps_accepted = c->steps_accepted;
    s->stats.dt_last_day = dt;
    s->stats.dt_min_used_day = fmin(s->stats.dt_min_used_day, dt);
    s->stats.dt_max_used_day = fmax(s->stats.dt_max_used_day, dt);
    if (s->opt.fixed_step) return;
    double e = fmax(err, CTL_ERR_FLOOR);
    double fac = CTL_SAFETY * dermis_det_pow(e, -CTL_KI) * dermis_det_pow(c->err_prev, CTL_KP);
    fac = clamp(fac, CTL_SHRINK_MIN, CTL_GROW_MAX);
    double proposal = fmin(dt * fac, s->opt.dt_max_day);
    /* A step shortened to land on a stop time says nothing against the longer step planned. */
    if (landed && proposal >= dt) proposal = fmax(proposal, c->dt_next_day);
    if (landed && proposal < dt) proposal = fmin(proposal, c->dt_next_day);
    c->dt_next_day = fmax(proposal, s->opt.dt_min_day);
    c->err_prev = e;
}

static int on_reject(dermis_solver *s, double dt, double err, int recoverable)
{
    dermis_solver_controller *c = &s->ctl;
    c->steps_rejected++;
    s->stats.steps_rejected = c->steps_rejected;
    if (s->opt.fixed_step || dt <= s->opt.dt_min_day) return DERMIS_SOLVER_ESTEP;
    double fac = recoverable ? CTL_RECOVERABLE_SHRINK
                             : clamp(CTL_SAFETY / sqrt(err), CTL_SHRINK_MIN, CTL_SAFETY);
    c->dt_next_day = fmax(dt * fac, s->opt.dt_min_day);
    return DERMIS_SOLVER_OK;
}

/* Consecutive reaction halves are merged: the second half of an accepted step is left owed
 * and integrated with the first half of the next step, R(dt1/2) R(dt2/2) = R((dt1 + dt2)/2)
 * for the exact reaction flow, so the answer changes only within the reactions' own error
 * control while the reactions are integrated once per step instead of twice (each integration
 * costs an rhs evaluation, a Jacobian and two factorisations per voxel however short it is).
 * The owed half is settled (integrated on its own) before a rejected step is retried, before
 * any return, and the last step of a call finishes its own half, so the caller always gets the
 * Strang solution at *t_day, and a restart from it continues bitwise identically. */
int dermis_solver_advance(dermis_solver *s, double *u, double *t_day, double t_stop_day)
{
    if (!s || !u || !t_day || !(t_stop_day >= *t_day) || !isfinite(t_stop_day))
        return DERMIS_SOLVER_EINVAL;
    long steps = 0;
    owed_reaction owed = {*t_day, 0.0};
    int rc = DERMIS_SOLVER_OK;
    while (*t_day < t_stop_day) {
        if (steps >= s->opt.max_steps) {
            rc = DERMIS_SOLVER_ETOO_MANY_STEPS;
            break;
        }
        if (s->stop && s->stop(s->stop_user)) {
            rc = DERMIS_SOLVER_ESTOPPED;
            break;
        }
        double planned = s->opt.fixed_step ? s->opt.dt_initial_day : s->ctl.dt_next_day;
        double dt = planned, err = 0.0;
        int landed = dt >= t_stop_day - *t_day;
        if (landed) dt = t_stop_day - *t_day;
        owed_reaction owed_next;
        rc = attempt_step(s, u, *t_day, dt, &owed, landed, &owed_next, &err);
        steps++;
        if (rc != DERMIS_SOLVER_OK && rc != DERMIS_SOLVER_RETRY) {
            copy_state(s, u, s->u_start);
            break;
        }
        if (rc == DERMIS_SOLVER_RETRY || (err > 1.0 && !s->opt.fixed_step)) {
            const int recoverable = rc == DERMIS_SOLVER_RETRY;
            copy_state(s, u, s->u_start);
            rc = settle(s, u, &owed); /* the retry starts from the Strang solution, as unmerged */
            if (rc == DERMIS_SOLVER_OK) rc = on_reject(s, dt, err, recoverable);
            if (rc != DERMIS_SOLVER_OK) break;
            continue;
        }
        owed = owed_next;
        *t_day = landed ? t_stop_day : *t_day + dt;
        on_accept(s, dt, err, landed);
    }
    const int settled = settle(s, u, &owed);
    return rc != DERMIS_SOLVER_OK ? rc : settled;
}

/* ---- the rest of the API ------------------------------------------------------------------ */

int dermis_solver_transport_step(dermis_solver *s, double *u, double t_day, double dt_day,
                                 const double *decay_per_day)
{
    if (!s || !u || !(dt_day > 0.0)) return DERMIS_SOLVER_EINVAL;
    double t0 = omp_get_wtime(), chemotaxis0 = s->stats.wall_chemotaxis_s;
    for (size_t f = 0; f < s->problem.n_fields; f++) s->active[f] = s->tr[f].mobile;
    int rc = dermis_transport_lod_ie(s, u, t_day + dt_day, dt_day, decay_per_day);
    s->stats.wall_diffusion_s += omp_get_wtime() - t0 - (s->stats.wall_chemotaxis_s - chemotaxis0);
    return rc;
}

int dermis_solver_reaction_step(dermis_solver *s, double *u, double t_day, double h_day)
{
    if (!s || !u || !(h_day > 0.0)) return DERMIS_SOLVER_EINVAL;
    int rc = reaction_half(s, u, t_day, h_day);
    return rc == DERMIS_SOLVER_RETRY ? DERMIS_SOLVER_ESTEP : rc;
}

void dermis_solver_set_stop(dermis_solver *s, dermis_stop_fn stop, void *user)
{
    s->stop = stop;
    s->stop_user = user;
}

void dermis_solver_reset_step(dermis_solver *s)
{
    s->ctl.dt_next_day = s->opt.dt_initial_day;
    s->ctl.err_prev = 1.0;
}

const dermis_solver_stats *dermis_solver_get_stats(const dermis_solver *s)
{
    return &s->stats;
}

int dermis_solver_threads(const dermis_solver *s)
{
    return s->nthreads;
}

#define DERMIS_STAT_TYPE_long DERMIS_STAT_LONG
#define DERMIS_STAT_TYPE_double DERMIS_STAT_DOUBLE
#define DERMIS_STAT_ROW(type, name, units, doc) \
    {#name, units, doc, DERMIS_STAT_TYPE_##type, offsetof(dermis_solver_stats, name)},
static const dermis_solver_stat_info stat_rows[] = {DERMIS_SOLVER_STATS(DERMIS_STAT_ROW)};
#undef DERMIS_STAT_ROW

size_t dermis_solver_stats_count(void)
{
    return sizeof stat_rows / sizeof stat_rows[0];
}

const dermis_solver_stat_info *dermis_solver_stats_info(size_t i)
{
    return i < dermis_solver_stats_count() ? &stat_rows[i] : NULL;
}

int dermis_solver_stats_foreach(const dermis_solver_stats *stats, dermis_stat_visit_fn fn, void *user)
{
    for (size_t i = 0; i < dermis_solver_stats_count(); i++) {
        int rc = fn(&stat_rows[i], (const char *)stats + stat_rows[i].offset, user);
        if (rc != 0) return rc;
    }
    return 0;
}

void dermis_solver_get_controller(const dermis_solver *s, dermis_solver_controller *c)
{
    *c = s->ctl;
}

void dermis_solver_set_controller(dermis_solver *s, const dermis_solver_controller *c)
{
    s->ctl = *c;
    s->stats.steps_accepted = c->steps_accepted;
    s->stats.steps_rejected = c->steps_rejected;
}

void dermis_solver_set_stats(dermis_solver *s, const dermis_solver_stats *stats)
{
    s->stats = *stats;
}
