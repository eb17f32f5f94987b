/* Transport step: locally one-dimensional (LOD) implicit Euler, x then y then z, and the
 * stepper's Richardson pair of it (coarse step, two fine halves, extrapolation, filtered error).
 *
 * Cell-centred finite volumes: the flux through a face between voxels p and q of one field is
 *     F = a u_p - b u_q   (dermis_face_coefficients: diffusion with the harmonic-mean D, plus the
 *                          chemotactic drift, central where |w| <= 2g, upwind-blended beyond),
 * so each axis gives one tridiagonal M-matrix per line (column sums 1, off-diagonals <= 0):
 * every sweep conserves mass and keeps u >= 0 for any dt. Dirichlet and Robin faces (z only)
 * become an exchange rate with an outside value; a Dirichlet value sits half a voxel from the
 * centre (rate 2D/dx^2) and a Robin transfer k acts in series with that half voxel
 * (rate = 2 D k / (dx (2D + k dx))), which keeps the scheme second order in space.
 *
 * Memory traffic (performance-reference.md): pass A runs x and y on one z-plane while it is in
 * cache; pass B solves z on one y-slab (nz x nx), whose backward sweep then hits cache. Both
 * passes run field by field, so a field written by pass A is still in the last-level cache
 * when pass B reads it (16 MiB per field at 128^3; the machine has 32 MiB of L3).
 * Constant-coefficient axes reuse one factorisation (reciprocals precomputed per step length),
 * in the conservative flux form where the line has zero-flux ends; variable ones build their
 * rows from face coefficients computed once per drift computation (fa, fb; g without drift).
 *
 * Threads (one rule, transport_split): a grid with at least TRANSPORT_SPLIT_MIN_VOXELS voxels
 * per thread splits each field's planes and slabs statically between the threads (B1, 3-D grids
 * beyond 64^3 at 2 threads: one field at a time stays in the last-level cache). Smaller grids,
 * where one field's sweeps are too short to share, deal whole fields out instead (dynamic
 * schedule, so a thread that shares its core with another process does not hold the other
 * back): the Richardson step is then one parallel region with one barrier
 * (richardson_by_field), whatever the number of fields. In both cases every line's arithmetic
 * is independent of the thread that solves it, so results are bitwise identical for any thread
 * count.
 *
 * Reused factorisations: the filter solves the matrix of the second fine half (dt/2, its drift,
 * boundary data at t + dt), and a field without drift whose boundary rates do not depend on time
 * has that matrix in the first fine half too. Where the grid has at most TRANSPORT_STORE_MAX_VOXELS
 * voxels, variable axes keep the factorisation of every line (3 doubles per voxel and axis) and
 * solve those again without refactoring; the same matrix gives the same factorisation, so the
 * results are bitwise those of refactoring. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "solver/solver_internal.h"

static int field_is_chemotactic(const dermis_solver *s, size_t f)
{
    for (size_t c = 0; c < s->problem.n_chemotaxis; c++)
        if (s->chemotaxis[c].cell == f) return 1;
    return 0;
}

static double voxel_D(const dermis_field_transport *t, size_t p)
{
    return t->D_map ? t->D_map[p] : t->D_uniform;
}

static double harmonic_conductance(double Dp, double Dq, double dx)
{
    if (Dp <= 0.0 || Dq <= 0.0) return 0.0;
    return 2.0 * Dp * Dq / (Dp + Dq) / (dx * dx);
}

/* Face conductances at the + face of every voxel along axis a. */
static void fill_conductance(const dermis_solver *s, dermis_field_transport *t, int a)
{
    size_t n = s->len[a], st = s->stride[a];
    for (size_t p = 0; p < s->n_vox; p++) {
        size_t k = (p / st) % n;
        size_t q;
        if (k + 1 < n) q = p + st;
        else if (s->periodic[a]) q = p - (n - 1) * st;
        else {
            t->g[a][p] = 0.0;
            continue;
        }
        t->g[a][p] = harmonic_conductance(voxel_D(t, p), voxel_D(t, q), s->grid.dx_mm);
    }
}

static double *alloc_doubles(size_t n, int *fail)
{
    double *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) *fail = 1;
    return p;
}

/* Fewest voxels per thread for splitting one field's planes and slabs between threads. Below,
 * whole fields are dealt out: no barrier per field and solve, and each thread's field stays in
 * its own cache (measured on configs/patch3d.ini, 76800 voxels, 2 threads: transport 12 % faster
 * than split). Above (B1 at 128^3: 16 MiB per field), two fields at once would not fit the
 * shared last-level cache. */
#define TRANSPORT_SPLIT_MIN_VOXELS 131072
/* Largest grid whose variable axes keep their factorisations (72 bytes per voxel and field
 * in 3-D; at 2^17 voxels 9 MiB per field). */
#define TRANSPORT_STORE_MAX_VOXELS 131072

static int has_robin(const dermis_field_spec *spec)
{
    return spec->top.type == DERMIS_BC_ROBIN || spec->bottom.type == DERMIS_BC_ROBIN;
}

static void alloc_stored_factorisation(dermis_solver *s, dermis_field_transport *t, int a, int *fail)
{
    t->flo[a] = alloc_doubles(s->n_vox, fail);
    t->finv[a] = alloc_doubles(s->n_vox, fail);
    t->fcp[a] = alloc_doubles(s->n_vox, fail);
    if (!s->periodic[a]) return;
    t->fsmz[a] = alloc_doubles(s->n_vox, fail);
    t->fbg[a] = alloc_doubles(s->n_vox / s->len[a], fail);
    t->fid[a] = alloc_doubles(s->n_vox / s->len[a], fail);
}

static void alloc_field(dermis_solver *s, size_t f, int *fail)
{
    const dermis_field_spec *spec = &s->fields[f];
    dermis_field_transport *t = &s->tr[f];
    size_t cols = s->grid.nx * s->grid.ny;
    t->D_uniform = spec->D_uniform;
    t->D_map = spec->D_map;
    t->mobile = spec->D_map != NULL || spec->D_uniform > 0.0;
    if (!t->mobile) return;
    int chemo = field_is_chemotactic(s, f);
    int variable = spec->D_map != NULL || chemo;
    t->chemotactic = chemo;
    for (int a = 0; a < 3; a++) {
        if (!s->axis_active[a]) continue;
        t->constant_axis[a] = !variable && !(a == 2 && has_robin(spec));
        if (variable) {
            t->g[a] = alloc_doubles(s->n_vox, fail);
            if (!*fail) fill_conductance(s, t, a);
        }
        if (chemo) {
            t->w[a] = alloc_doubles(s->n_vox, fail);
            t->fa[a] = alloc_doubles(s->n_vox, fail);
            t->fb[a] = alloc_doubles(s->n_vox, fail);
        }
        if (t->constant_axis[a]) {
            size_t n = s->len[a];
            for (int slot = 0; slot < DERMIS_N_SLOTS; slot++) {
                t->inv[slot][a] = alloc_doubles(n, fail);
                t->mlo[slot][a] = alloc_doubles(n, fail);
                t->mup[slot][a] = alloc_doubles(n, fail);
                if (s->periodic[a]) t->smz[slot][a] = alloc_doubles(n, fail);
            }
        } else if (s->n_vox <= TRANSPORT_STORE_MAX_VOXELS) {
            alloc_stored_factorisation(s, t, a, fail);
        }
    }
    const dermis_bc *bc[2] = {&spec->top, &spec->bottom};
    for (int face = 0; face < 2; face++) {
        if (bc[face]->type == DERMIS_BC_ZERO_FLUX) continue;
        for (int slot = 0; slot < DERMIS_N_SLOTS; slot++) {
            t->bc_rate[slot][face] = alloc_doubles(cols, fail);
            t->bc_out[slot][face] = alloc_doubles(cols, fail);
        }
    }
}

int dermis_transport_alloc(dermis_solver *s)
{
    int fail = 0;
    s->transport_split = s->nthreads > 1 && s->n_vox >= (size_t)s->nthreads * TRANSPORT_SPLIT_MIN_VOXELS;
    s->tr = calloc(s->problem.n_fields, sizeof *s->tr);
    if (!s->tr) return DERMIS_SOLVER_ENOMEM;
    for (size_t f = 0; f < s->problem.n_fields; f++) {
        alloc_field(s, f, &fail);
        if (s->tr[f].mobile) s->any_mobile = 1;
    }
    for (size_t c = 0; c < s->problem.n_chemotaxis; c++) s->tr[s->chemotaxis[c].signal].signal = 1;
    /* The first fine half's state (richardson_by_field); like the stepper's workspaces, its pages
     * become resident only when dermis_solver_advance runs. */
    if (!s->transport_split && s->any_mobile) s->u_fine = alloc_doubles(s->problem.n_fields * s->n_vox, &fail);
    return fail ? DERMIS_SOLVER_ENOMEM : DERMIS_SOLVER_OK;
}

void dermis_transport_free(dermis_solver *s)
{
    if (!s->tr) return;
    for (size_t f = 0; f < s->problem.n_fields; f++) {
        dermis_field_transport *t = &s->tr[f];
        for (int a = 0; a < 3; a++) {
            double *arrays[] = {t->g[a], t->w[a], t->fa[a], t->fb[a], t->flo[a], t->finv[a],
                                t->fcp[a], t->fsmz[a], t->fbg[a], t->fid[a]};
            for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) free(arrays[i]);
            for (int slot = 0; slot < DERMIS_N_SLOTS; slot++) {
                free(t->inv[slot][a]);
                free(t->mlo[slot][a]);
                free(t->mup[slot][a]);
                free(t->smz[slot][a]);
            }
        }
        for (int slot = 0; slot < DERMIS_N_SLOTS; slot++)
            for (int face = 0; face < 2; face++) {
                free(t->bc_rate[slot][face]);
                free(t->bc_out[slot][face]);
            }
    }
    free(s->tr);
    s->tr = NULL;
    free(s->u_fine);
    s->u_fine = NULL;
}

/* ---- boundary data ---------------------------------------------------------------------- */

/* Exchange rate (1/day) of a face with transfer coefficient k next to a voxel of diffusivity D. */
static double robin_rate(double k, double D, double dx)
{
    if (D <= 0.0 || k <= 0.0) return 0.0;
    if (isinf(k)) return 2.0 * D / (dx * dx);
    return 2.0 * D * k / (dx * (2.0 * D + k * dx));
}

/* Boundary data of field f at t_end into boundary slot `slot`. */
static int update_boundary(dermis_solver *s, size_t f, double t_end, int slot)
{
    const dermis_field_spec *spec = &s->fields[f];
    dermis_field_transport *t = &s->tr[f];
    const dermis_bc *bc[2] = {&spec->top, &spec->bottom};
    size_t cols = s->grid.nx * s->grid.ny;
    double dx = s->grid.dx_mm;
    for (int face = 0; face < 2; face++) {
        size_t layer = face == 0 ? 0 : (s->grid.nz - 1) * cols;
        double *rate = t->bc_rate[slot][face], *out = t->bc_out[slot][face];
        if (bc[face]->type == DERMIS_BC_ZERO_FLUX) {
            t->bc_const_rate[face] = 0.0;
            continue;
        }
        if (bc[face]->type == DERMIS_BC_DIRICHLET) {
            t->bc_const_rate[face] = robin_rate(INFINITY, t->D_uniform, dx);
            for (size_t c = 0; c < cols; c++) {
                rate[c] = robin_rate(INFINITY, voxel_D(t, layer + c), dx);
                out[c] = bc[face]->value;
            }
            continue;
        }
        if (!s->problem.boundary) return DERMIS_SOLVER_EBOUNDARY;
        if (s->problem.boundary(t_end, f, face == 0 ? DERMIS_FACE_TOP : DERMIS_FACE_BOTTOM, rate, out,
                                s->problem.user) != 0)
            return DERMIS_SOLVER_EBOUNDARY;
        for (size_t c = 0; c < cols; c++) {
            double k = rate[c];
            if (!(k >= 0.0) || !isfinite(out[c])) return DERMIS_SOLVER_EBOUNDARY;
            rate[c] = robin_rate(k, voxel_D(t, layer + c), dx);
        }
    }
    return DERMIS_SOLVER_OK;
}

/* ---- constant-coefficient factorisations ------------------------------------------------ */

/* A constant axis whose lines have zero-flux ends is solved in the conservative flux form
 * (thomas.c): the total is then kept to round-off noise instead of drifting by a bias. Periodic
 * lines and Dirichlet z faces keep the classic form (they exchange mass anyway). */
static int flux_form_axis(const dermis_solver *s, const dermis_field_transport *t, int a)
{
    return t->constant_axis[a] && !s->periodic[a] && (a != 2 || (!t->bc_rate[0][0] && !t->bc_rate[0][1]));
}

/* Factorisation of constant axis a of field f for step dt into step-length slot `slot`. */
static int factor_constant_axis(dermis_solver *s, size_t f, int a, double dt, double decay_dt, int slot)
{
    dermis_field_transport *t = &s->tr[f];
    size_t n = s->len[a];
    double *lo = s->ws[0].lo, *di = s->ws[0].di, *up = s->ws[0].up;
    double *inv = t->inv[slot][a], *mlo = t->mlo[slot][a], *mup = t->mup[slot][a];
    double r = dt * t->D_uniform / (s->grid.dx_mm * s->grid.dx_mm);
    if (flux_form_axis(s, t, a)) return dermis_thomas_flux_factor(n, r, decay_dt, inv);
    int per = s->periodic[a];
    for (size_t k = 0; k < n; k++) {
        int left = k > 0 || per, right = k + 1 < n || per;
        lo[k] = left ? -r : 0.0;
        up[k] = right ? -r : 0.0;
        di[k] = 1.0 + decay_dt + r * (double)(left + right);
    }
    if (a == 2) {
        di[0] += dt * t->bc_const_rate[0];
        di[n - 1] += dt * t->bc_const_rate[1];
    }
    if (per) {
        /* Sherman-Morrison: A = A' + [gamma,0..,alpha]^T [1,0..,beta/gamma]. */
        double beta = lo[0], alpha = up[n - 1], gamma = -di[0];
        di[0] -= gamma;
        di[n - 1] -= alpha * beta / gamma;
        if (dermis_thomas_factor(n, lo, di, up, inv, mlo, mup) != 0) return -1;
        double *z = t->smz[slot][a];
        for (size_t k = 0; k < n; k++) z[k] = 0.0;
        z[0] = gamma;
        z[n - 1] = alpha;
        dermis_thomas_const_rows(z, 1, n, 1, inv, mlo, mup);
        t->sm_beta_over_gamma[slot][a] = beta / gamma;
        t->sm_inv_den[slot][a] = 1.0 / (1.0 + z[0] + beta / gamma * z[n - 1]);
        return 0;
    }
    return dermis_thomas_factor(n, lo, di, up, inv, mlo, mup);
}

/* ---- one LOD solve ------------------------------------------------------------------------ */

/* Which solve of a step: the roles decide which factorisations are stored and reused. */
typedef enum { ROLE_PLAIN, ROLE_COARSE, ROLE_FINE1, ROLE_FINE2, ROLE_FILTER } solve_role;

typedef struct {
    double dt;
    const double *decay; /* per field, or NULL */
    int bslot, cslot;    /* boundary data slot, constant factorisation slot */
    int sources;         /* 0: homogeneous boundary data (no inflow), as the error filter needs */
    solve_role role;
} lod_solve;

/* Where a variable axis's lines get their factorisation: built in the thread's scratch, built
 * into the field's store, or taken from the store as the previous solve left it. */
typedef enum { FAC_SCRATCH, FAC_STORE, FAC_USE } fac_mode;

static fac_mode factor_mode(const dermis_solver *s, size_t f, int a, solve_role role)
{
    const dermis_field_transport *t = &s->tr[f];
    if (!t->flo[a]) return FAC_SCRATCH;
    /* The filter solves the second fine half's matrix; without drift, and with boundary rates
     * that do not change in time (Robin data may), the first fine half has it too. */
    const int halves_equal = !t->chemotactic && !(a == 2 && has_robin(&s->fields[f]));
    switch (role) {
    case ROLE_FINE1: return halves_equal ? FAC_STORE : FAC_SCRATCH;
    case ROLE_FINE2: return halves_equal ? FAC_USE : FAC_STORE;
    case ROLE_FILTER: return FAC_USE;
    default: return FAC_SCRATCH;
    }
}

/* Coefficients / factorisation of a set of m lines of length n: element k of line j at [k*m + j]. */
typedef struct {
    double *lo, *di, *up;   /* after factoring: sub-diagonal, 1/pivot, eliminated super-diagonal */
    double *smz, *bg, *id;  /* periodic lines: Sherman-Morrison vector and per-line scalars */
} line_coefs;

/* The storage of the lines first_line .. of axis a (each of length n) for the given mode. */
static line_coefs coef_target(const dermis_field_transport *t, dermis_thread_ws *ws, int a, fac_mode mode,
                              size_t first_line, size_t n)
{
    if (mode == FAC_SCRATCH) return (line_coefs){ws->lo, ws->di, ws->up, ws->smz, ws->line_bg, ws->line_id};
    size_t off = first_line * n;
    line_coefs c = {t->flo[a] + off, t->finv[a] + off, t->fcp[a] + off, NULL, NULL, NULL};
    if (t->fsmz[a]) {
        c.smz = t->fsmz[a] + off;
        c.bg = t->fbg[a] + first_line;
        c.id = t->fid[a] + first_line;
    }
    return c;
}

typedef struct {
    double dt, decay_dt;
    size_t n, m;       /* line length, number of lines */
    int periodic;
} line_set;

/* Row k of line j (voxel p of field t along axis a, stride st) into c: the face coefficients of
 * the voxel's + face and of its - face (owned by the voxel before it). */
static inline void row_coefficients(const dermis_field_transport *t, int a, size_t st, const line_set *ls,
                                    size_t p, size_t k, size_t j, const line_coefs *c)
{
    const double *fa = t->fa[a] ? t->fa[a] : t->g[a], *fb = t->fb[a] ? t->fb[a] : t->g[a];
    size_t n = ls->n, idx = k * ls->m + j;
    double ar = fa[p], br = fb[p], al = 0.0, bl = 0.0;
    if (k > 0 || ls->periodic) {
        size_t pl = k > 0 ? p - st : p + (n - 1) * st; /* voxel owning the left face */
        al = fa[pl];
        bl = fb[pl];
    }
    c->lo[idx] = -ls->dt * al;
    c->up[idx] = -ls->dt * br;
    c->di[idx] = 1.0 + ls->decay_dt + ls->dt * (ar + bl);
}

/* Factorises lines whose coefficients are in c (with Sherman-Morrison for periodic lines). */
static void factor_variable_lines(const line_coefs *c, const line_set *ls)
{
    size_t n = ls->n, m = ls->m;
    if (ls->periodic) {
        for (size_t j = 0; j < m; j++) {
            double beta = c->lo[j], alpha = c->up[(n - 1) * m + j], gamma = -c->di[j];
            c->di[j] -= gamma;
            c->di[(n - 1) * m + j] -= alpha * beta / gamma;
            for (size_t k = 0; k < n; k++) c->smz[k * m + j] = 0.0;
            c->smz[j] = gamma;
            c->smz[(n - 1) * m + j] = alpha;
            c->bg[j] = beta / gamma;
        }
    }
    dermis_thomas_factor_lines(n, m, c->lo, c->di, c->up);
    if (!ls->periodic) return;
    dermis_thomas_solve_lines(c->smz, m, 1, n, m, c->lo, c->di, c->up);
    for (size_t j = 0; j < m; j++) c->id[j] = 1.0 / (1.0 + c->smz[j] + c->bg[j] * c->smz[(n - 1) * m + j]);
}

/* Solves the lines whose data start at d (element k of line j at d[k*dk + j*dj]). */
static void solve_factored_lines(const line_coefs *c, const line_set *ls, double *d, size_t dk, size_t dj)
{
    size_t n = ls->n, m = ls->m;
    dermis_thomas_solve_lines(d, dk, dj, n, m, c->lo, c->di, c->up);
    if (ls->periodic) dermis_thomas_cyclic_correct(d, dk, dj, n, m, c->smz, m, 1, c->bg, c->id, 1);
}

/* ---- sweeps ------------------------------------------------------------------------------- */

/* x lines l0 .. l1-1 of field uf (line l = iz*ny + iy starts at voxel l*nx, so the x lines of
 * consecutive planes follow each other): blocks of DERMIS_X_BLOCK lines solved side by side.
 * In 2-D a plane holds one x line, so the plane pass gives this several planes at once. */
static void sweep_x(const dermis_solver *s, size_t f, dermis_thread_ws *ws, double *uf, size_t l0, size_t l1,
                    const lod_solve *sv, double decay_dt)
{
    const dermis_field_transport *t = &s->tr[f];
    size_t nx = s->grid.nx, m = l1 - l0;
    double *d = uf + l0 * nx;
    if (flux_form_axis(s, t, 0)) {
        dermis_thomas_flux_cols(d, nx, nx, m, ws->lo, t->inv[sv->cslot][0]);
        return;
    }
    if (t->constant_axis[0]) {
        dermis_thomas_const_cols(d, nx, nx, m, t->inv[sv->cslot][0], t->mlo[sv->cslot][0], t->mup[sv->cslot][0]);
        if (s->periodic[0])
            dermis_thomas_cyclic_correct(d, 1, nx, nx, m, t->smz[sv->cslot][0], 1, 0,
                                         &t->sm_beta_over_gamma[sv->cslot][0], &t->sm_inv_den[sv->cslot][0], 0);
        return;
    }
    fac_mode mode = factor_mode(s, f, 0, sv->role);
    for (size_t j0 = 0; j0 < m; j0 += DERMIS_X_BLOCK) {
        size_t mb = m - j0 < DERMIS_X_BLOCK ? m - j0 : DERMIS_X_BLOCK;
        line_set ls = {sv->dt, decay_dt, nx, mb, s->periodic[0]};
        line_coefs c = coef_target(t, ws, 0, mode, l0 + j0, nx);
        if (mode != FAC_USE) {
            size_t p0 = (l0 + j0) * nx;
            for (size_t j = 0; j < mb; j++)
                for (size_t k = 0; k < nx; k++) row_coefficients(t, 0, 1, &ls, p0 + j * nx + k, k, j, &c);
            factor_variable_lines(&c, &ls);
        }
        solve_factored_lines(&c, &ls, d + j0 * nx, 1, nx);
    }
}

static void sweep_y(const dermis_solver *s, size_t f, dermis_thread_ws *ws, double *plane, size_t iz,
                    const lod_solve *sv, double decay_dt)
{
    const dermis_field_transport *t = &s->tr[f];
    size_t nx = s->grid.nx, ny = s->grid.ny;
    if (flux_form_axis(s, t, 1)) {
        dermis_thomas_flux_rows(plane, nx, ny, nx, ws->lo, t->inv[sv->cslot][1]);
        return;
    }
    if (t->constant_axis[1]) {
        dermis_thomas_const_rows(plane, nx, ny, nx, t->inv[sv->cslot][1], t->mlo[sv->cslot][1], t->mup[sv->cslot][1]);
        if (s->periodic[1])
            dermis_thomas_cyclic_correct(plane, nx, 1, ny, nx, t->smz[sv->cslot][1], 1, 0,
                                         &t->sm_beta_over_gamma[sv->cslot][1], &t->sm_inv_den[sv->cslot][1], 0);
        return;
    }
    fac_mode mode = factor_mode(s, f, 1, sv->role);
    line_set ls = {sv->dt, decay_dt, ny, nx, s->periodic[1]};
    line_coefs c = coef_target(t, ws, 1, mode, iz * nx, ny);
    if (mode != FAC_USE) {
        size_t p0 = iz * nx * ny;
        for (size_t k = 0; k < ny; k++)
            for (size_t j = 0; j < nx; j++) row_coefficients(t, 1, nx, &ls, p0 + k * nx + j, k, j, &c);
        factor_variable_lines(&c, &ls);
    }
    solve_factored_lines(&c, &ls, plane, nx, 1);
}

/* z rows of slab iy for a field without a conductance map (uniform D with Robin faces). */
static void uniform_z_rows(const dermis_solver *s, const dermis_field_transport *t, const line_set *ls,
                           const line_coefs *c)
{
    size_t nx = s->grid.nx, nz = s->grid.nz;
    double r = ls->dt * t->D_uniform / (s->grid.dx_mm * s->grid.dx_mm);
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < nx; j++) {
            c->lo[k * nx + j] = k > 0 ? -r : 0.0;
            c->up[k * nx + j] = k + 1 < nz ? -r : 0.0;
            c->di[k * nx + j] = 1.0 + ls->decay_dt + r * (double)((k > 0) + (k + 1 < nz));
        }
}

static void sweep_z(const dermis_solver *s, size_t f, dermis_thread_ws *ws, double *u, size_t iy,
                    const lod_solve *sv, double decay_dt)
{
    const dermis_field_transport *t = &s->tr[f];
    size_t nx = s->grid.nx, nz = s->grid.nz, plane = nx * s->grid.ny;
    double dt = sv->dt, *slab = u + iy * nx;
    for (int face = 0; face < 2 && sv->sources; face++) {
        if (!t->bc_rate[sv->bslot][face]) continue;
        double *row = slab + (face == 0 ? 0 : (nz - 1) * plane);
        const double *rate = t->bc_rate[sv->bslot][face] + iy * nx, *out = t->bc_out[sv->bslot][face] + iy * nx;
        for (size_t j = 0; j < nx; j++) row[j] += dt * rate[j] * out[j];
    }
    if (flux_form_axis(s, t, 2)) {
        dermis_thomas_flux_rows(slab, plane, nz, nx, ws->lo, t->inv[sv->cslot][2]);
        return;
    }
    if (t->constant_axis[2]) {
        dermis_thomas_const_rows(slab, plane, nz, nx, t->inv[sv->cslot][2], t->mlo[sv->cslot][2], t->mup[sv->cslot][2]);
        return;
    }
    fac_mode mode = factor_mode(s, f, 2, sv->role);
    line_set ls = {dt, decay_dt, nz, nx, 0};
    line_coefs c = coef_target(t, ws, 2, mode, iy * nx, nz);
    if (mode != FAC_USE) {
        if (t->g[2]) {
            for (size_t k = 0; k < nz; k++)
                for (size_t j = 0; j < nx; j++) row_coefficients(t, 2, plane, &ls, k * plane + iy * nx + j, k, j, &c);
        } else {
            uniform_z_rows(s, t, &ls, &c);
        }
        for (int face = 0; face < 2; face++) {
            if (!t->bc_rate[sv->bslot][face]) continue;
            double *di = c.di + (face == 0 ? 0 : (nz - 1) * nx);
            const double *rate = t->bc_rate[sv->bslot][face] + iy * nx;
            for (size_t j = 0; j < nx; j++) di[j] += dt * rate[j];
        }
        factor_variable_lines(&c, &ls);
    }
    solve_factored_lines(&c, &ls, slab, plane, 1);
}

static double field_decay_dt(const dermis_solver *s, const lod_solve *sv, size_t f)
{
    return sv->decay ? sv->dt * sv->decay[f] / (double)s->grid.dims : 0.0;
}

/* Plane pass (x and y) of field f over planes iz0 .. iz1-1; uf is the field's array. Without a
 * y axis the x lines of all these planes are solved together (sweep_x). */
static void field_planes(const dermis_solver *s, size_t f, dermis_thread_ws *ws, double *uf, const lod_solve *sv,
                         size_t iz0, size_t iz1)
{
    size_t ny = s->grid.ny, plane = s->grid.nx * ny;
    double dd = field_decay_dt(s, sv, f);
    if (!s->axis_active[1]) {
        if (s->axis_active[0]) sweep_x(s, f, ws, uf, iz0 * ny, iz1 * ny, sv, dd);
        return;
    }
    for (size_t iz = iz0; iz < iz1; iz++) {
        if (s->axis_active[0]) sweep_x(s, f, ws, uf, iz * ny, (iz + 1) * ny, sv, dd);
        sweep_y(s, f, ws, uf + iz * plane, iz, sv, dd);
    }
}

/* Slab pass (z) of field f over slabs iy0 .. iy1-1. */
static void field_slabs(const dermis_solver *s, size_t f, dermis_thread_ws *ws, double *uf, const lod_solve *sv,
                        size_t iy0, size_t iy1)
{
    double dd = field_decay_dt(s, sv, f);
    for (size_t iy = iy0; iy < iy1; iy++) sweep_z(s, f, ws, uf, iy, sv, dd);
}

/* The whole LOD solve of field f by the calling thread. */
static void field_solve(const dermis_solver *s, size_t f, dermis_thread_ws *ws, double *uf, const lod_solve *sv)
{
    field_planes(s, f, ws, uf, sv, 0, s->grid.nz);
    field_slabs(s, f, ws, uf, sv, 0, s->grid.ny);
}

/* One LOD solve of every active field of u with each field's planes / slabs split between the
 * threads (transport_split). */
static void split_solve(dermis_solver *s, double *u, const lod_solve *sv)
{
    size_t ny = s->grid.ny, nz = s->grid.nz, nf = s->problem.n_fields, nv = s->n_vox;
    int lateral = s->axis_active[0] || s->axis_active[1];
    /* Planes per work item: in 2-D (one x line per plane) a block of x lines. */
    const size_t group = s->axis_active[1] ? 1 : DERMIS_X_BLOCK;
#pragma omp parallel num_threads(s->nthreads)
    {
        unsigned saved = dermis_fpenv_flush_denormals();
        dermis_thread_ws *ws = &s->ws[omp_get_thread_num()];
        /* Field by field, so that one field (16 MiB at 128^3) is still in the last-level cache
         * when the z pass reads what the plane pass wrote. */
        for (size_t f = 0; f < nf; f++) {
            if (!s->active[f]) continue;
            if (lateral) {
#pragma omp for schedule(static)
                for (size_t iz = 0; iz < nz; iz += group)
                    field_planes(s, f, ws, u + f * nv, sv, iz, iz + group < nz ? iz + group : nz);
            }
            /* No barrier needed after z: the next field's plane pass touches other data. */
#pragma omp for schedule(static) nowait
            for (size_t iy = 0; iy < ny; iy++) field_slabs(s, f, ws, u + f * nv, sv, iy, iy + 1);
        }
        dermis_fpenv_restore(saved);
    }
}

/* ---- per-step preparation ------------------------------------------------------------------ */

static int update_boundaries(dermis_solver *s, double t_end, int slot)
{
    for (size_t f = 0; f < s->problem.n_fields; f++) {
        if (!s->active[f]) continue;
        int rc = update_boundary(s, f, t_end, slot);
        if (rc != DERMIS_SOLVER_OK) return rc;
    }
    return DERMIS_SOLVER_OK;
}

static int factor_constant_axes(dermis_solver *s, double dt, const double *decay, int slot)
{
    for (size_t f = 0; f < s->problem.n_fields; f++) {
        if (!s->active[f]) continue;
        double decay_dt = decay ? dt * decay[f] / (double)s->grid.dims : 0.0;
        for (int a = 0; a < 3; a++)
            if (s->axis_active[a] && s->tr[f].constant_axis[a] &&
                factor_constant_axis(s, f, a, dt, decay_dt, slot) != 0)
                return DERMIS_SOLVER_EINVAL;
    }
    return DERMIS_SOLVER_OK;
}

/* Drift rates (and face coefficients) of every active chemotactic field from u. */
static void drift_all(dermis_solver *s, const double *u)
{
    if (s->problem.n_chemotaxis == 0) return;
    double t0 = omp_get_wtime();
    dermis_chemotaxis_drift(s, u);
    s->stats.wall_chemotaxis_s += omp_get_wtime() - t0;
}

int dermis_transport_lod_ie(dermis_solver *s, double *u, double t_end, double dt, const double *decay)
{
    if (!s->any_mobile) return DERMIS_SOLVER_OK;
    int rc = update_boundaries(s, t_end, DERMIS_SLOT_HALF);
    if (rc == DERMIS_SOLVER_OK) rc = factor_constant_axes(s, dt, decay, DERMIS_SLOT_HALF);
    if (rc != DERMIS_SOLVER_OK) return rc;
    const lod_solve sv = {dt, decay, DERMIS_SLOT_HALF, DERMIS_SLOT_HALF, 1, ROLE_PLAIN};
    drift_all(s, u);
    if (s->transport_split) {
        split_solve(s, u, &sv);
        return DERMIS_SOLVER_OK;
    }
    const size_t nf = s->problem.n_fields;
#pragma omp parallel num_threads(s->nthreads)
    {
        unsigned saved = dermis_fpenv_flush_denormals();
        dermis_thread_ws *ws = &s->ws[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1) nowait
        for (size_t f = 0; f < nf; f++)
            if (s->active[f]) field_solve(s, f, ws, u + f * s->n_vox, &sv);
        dermis_fpenv_restore(saved);
    }
    return DERMIS_SOLVER_OK;
}

/* ---- the Richardson step ------------------------------------------------------------------- */

/* u <- 2u - coarse (fine value where that is negative); coarse <- fine - coarse, the raw
 * Richardson estimate of the local error of the fine solution; voxels lo .. hi-1 of one field. */
static void extrapolate_range(double *uf, double *cf, size_t lo, size_t hi)
{
    for (size_t p = lo; p < hi; p++) {
        const double fine = uf[p], x = 2.0 * fine - cf[p];
        cf[p] = fine - cf[p];
        uf[p] = x < 0.0 ? fine : x;
    }
}

/* e <- (e / (atol + rtol |u|))^2, the squared weighted error of voxels lo .. hi-1 of field f. */
static void weigh_range(const dermis_solver *s, size_t f, const double *uf, double *ef, size_t lo, size_t hi)
{
    const double atol = s->atol[f], rtol = s->opt.rtol;
    for (size_t p = lo; p < hi; p++) {
        const double w = ef[p] / (atol + rtol * fabs(uf[p]));
        ef[p] = w * w;
    }
}

/* Voxels per work item of the element-wise passes on the split path (each voxel's result is the
 * same whatever the chunk). */
enum { RANGE_CHUNK = 4096 };

static size_t chunk_end(size_t b, size_t nv)
{
    return b + RANGE_CHUNK < nv ? b + RANGE_CHUNK : nv;
}

static void richardson_solves(double dt, lod_solve out[4])
{
    out[0] = (lod_solve){0.5 * dt, NULL, DERMIS_SLOT_HALF, DERMIS_SLOT_HALF, 1, ROLE_FINE1};
    out[1] = (lod_solve){dt, NULL, DERMIS_SLOT_FULL, DERMIS_SLOT_FULL, 1, ROLE_COARSE};
    out[2] = (lod_solve){0.5 * dt, NULL, DERMIS_SLOT_FULL, DERMIS_SLOT_HALF, 1, ROLE_FINE2};
    /* Shampine's filter: the second fine half's matrix with homogeneous boundary data. */
    out[3] = (lod_solve){0.5 * dt, NULL, DERMIS_SLOT_FULL, DERMIS_SLOT_HALF, 0, ROLE_FILTER};
}

/* Big grids: each solve split between the threads, in the order of the scheme. */
static void richardson_split(dermis_solver *s, double *u, double *v, const lod_solve sv[4])
{
    const size_t nv = s->n_vox, nf = s->problem.n_fields;
    drift_all(s, u);
    split_solve(s, u, &sv[0]);
    split_solve(s, v, &sv[1]);
    drift_all(s, u);
    split_solve(s, u, &sv[2]);
#pragma omp parallel num_threads(s->nthreads)
    for (size_t f = 0; f < nf; f++) {
        if (!s->active[f]) continue;
#pragma omp for schedule(static) nowait
        for (size_t b = 0; b < nv; b += RANGE_CHUNK) extrapolate_range(u + f * nv, v + f * nv, b, chunk_end(b, nv));
    }
    split_solve(s, v, &sv[3]);
#pragma omp parallel num_threads(s->nthreads)
    for (size_t f = 0; f < nf; f++) {
        if (!s->active[f]) continue;
#pragma omp for schedule(static) nowait
        for (size_t b = 0; b < nv; b += RANGE_CHUNK) weigh_range(s, f, u + f * nv, v + f * nv, b, chunk_end(b, nv));
    }
}

/* Drift of field f inside a work item; its time adds to the thread's drift_s. */
static void timed_field_drift(const dermis_solver *s, dermis_thread_ws *ws, const double *u, size_t f)
{
    double t0 = omp_get_wtime();
    dermis_chemotaxis_field_drift(s, u, f);
    ws->drift_s += omp_get_wtime() - t0;
}

/* Small grids: whole fields dealt out, one parallel region with one barrier. The first fine half
 * runs on a copy x of the state, so u keeps the start values while other fields are being
 * solved, and the second half writes u from x, so x keeps the first half's values: each field's
 * drift rates are computed from those inside the field's own work item. Loop 1, per field: drift
 * from u, coarse step on v, first half on x. Loop 2 (after the barrier: x complete), per field:
 * drift from x, second half into u, extrapolation, filter, weights. Inert fields are not solved;
 * those that are signals are copied into x, so the second drift reads their (unchanged) values. */
static void richardson_by_field(dermis_solver *s, double *u, double *v, const lod_solve sv[4])
{
    const size_t nv = s->n_vox, nf = s->problem.n_fields;
    double *x = s->u_fine;
#pragma omp parallel num_threads(s->nthreads)
    {
        unsigned saved = dermis_fpenv_flush_denormals();
        dermis_thread_ws *ws = &s->ws[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (size_t f = 0; f < nf; f++) {
            const dermis_field_transport *t = &s->tr[f];
            if (s->active[f] || t->signal) memcpy(x + f * nv, u + f * nv, nv * sizeof *x);
            if (!s->active[f]) continue;
            if (t->chemotactic) timed_field_drift(s, ws, u, f);
            memcpy(v + f * nv, u + f * nv, nv * sizeof *v);
            field_solve(s, f, ws, v + f * nv, &sv[1]);
            field_solve(s, f, ws, x + f * nv, &sv[0]);
        }
#pragma omp for schedule(dynamic, 1) nowait
        for (size_t f = 0; f < nf; f++) {
            if (!s->active[f]) continue;
            double *uf = u + f * nv, *vf = v + f * nv;
            if (s->tr[f].chemotactic) timed_field_drift(s, ws, x, f);
            memcpy(uf, x + f * nv, nv * sizeof *uf);
            field_solve(s, f, ws, uf, &sv[2]);
            extrapolate_range(uf, vf, 0, nv);
            field_solve(s, f, ws, vf, &sv[3]);
            weigh_range(s, f, uf, vf, 0, nv);
        }
        dermis_fpenv_restore(saved);
    }
}

int dermis_transport_richardson(dermis_solver *s, double *u, double *v, double t, double dt)
{
    if (!s->any_mobile) return DERMIS_SOLVER_OK;
    lod_solve sv[4];
    richardson_solves(dt, sv);
    int rc = update_boundaries(s, t + 0.5 * dt, DERMIS_SLOT_HALF);
    if (rc == DERMIS_SOLVER_OK) rc = update_boundaries(s, t + dt, DERMIS_SLOT_FULL);
    if (rc == DERMIS_SOLVER_OK) rc = factor_constant_axes(s, 0.5 * dt, NULL, DERMIS_SLOT_HALF);
    if (rc == DERMIS_SOLVER_OK) rc = factor_constant_axes(s, dt, NULL, DERMIS_SLOT_FULL);
    if (rc != DERMIS_SOLVER_OK) return rc;
    if (s->transport_split) {
        const size_t nv = s->n_vox;
        for (size_t f = 0; f < s->problem.n_fields; f++)
            if (s->active[f]) memcpy(v + f * nv, u + f * nv, nv * sizeof *v);
        richardson_split(s, u, v, sv);
    } else {
        /* Chemotaxis time: the drift's time summed over the threads, per thread. */
        double drift_s = 0.0;
        richardson_by_field(s, u, v, sv);
        for (int i = 0; i < s->nthreads; i++) {
            drift_s += s->ws[i].drift_s;
            s->ws[i].drift_s = 0.0;
        }
        s->stats.wall_chemotaxis_s += drift_s / s->nthreads;
    }
    return DERMIS_SOLVER_OK;
}
