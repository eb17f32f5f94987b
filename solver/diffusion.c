/* Transport step: locally one-dimensional (LOD) implicit Euler, x then y then z.
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
 * when pass B reads it (16 MiB per field at 128^3; the machine has 32 MiB of L3). OpenMP
 * splits planes / slabs statically; every line's arithmetic is independent of the split, so
 * results are bitwise identical for any thread count. Constant-coefficient axes reuse one
 * factorisation (reciprocals precomputed per dt), in the conservative flux form where the line
 * has zero-flux ends; variable ones eliminate on the fly. */
#include <math.h>
#include <stdlib.h>

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
    int robin = spec->top.type == DERMIS_BC_ROBIN || spec->bottom.type == DERMIS_BC_ROBIN;
    for (int a = 0; a < 3; a++) {
        if (!s->axis_active[a]) continue;
        t->constant_axis[a] = !variable && !(a == 2 && robin);
        if (variable) {
            t->g[a] = alloc_doubles(s->n_vox, fail);
            if (!*fail) fill_conductance(s, t, a);
        }
        if (chemo) t->w[a] = alloc_doubles(s->n_vox, fail);
        if (t->constant_axis[a]) {
            size_t n = s->len[a];
            t->inv[a] = alloc_doubles(n, fail);
            t->mlo[a] = alloc_doubles(n, fail);
            t->mup[a] = alloc_doubles(n, fail);
            if (s->periodic[a]) t->smz[a] = alloc_doubles(n, fail);
        }
    }
    const dermis_bc *bc[2] = {&spec->top, &spec->bottom};
    for (int face = 0; face < 2; face++) {
        if (bc[face]->type == DERMIS_BC_ZERO_FLUX) continue;
        t->bc_rate[face] = alloc_doubles(cols, fail);
        t->bc_out[face] = alloc_doubles(cols, fail);
    }
}

int dermis_transport_alloc(dermis_solver *s)
{
    int fail = 0;
    s->tr = calloc(s->problem.n_fields, sizeof *s->tr);
    if (!s->tr) return DERMIS_SOLVER_ENOMEM;
    for (size_t f = 0; f < s->problem.n_fields; f++) {
        alloc_field(s, f, &fail);
        if (s->tr[f].mobile) s->any_mobile = 1;
    }
    return fail ? DERMIS_SOLVER_ENOMEM : DERMIS_SOLVER_OK;
}

void dermis_transport_free(dermis_solver *s)
{
    if (!s->tr) return;
    for (size_t f = 0; f < s->problem.n_fields; f++) {
        dermis_field_transport *t = &s->tr[f];
        for (int a = 0; a < 3; a++) {
            free(t->g[a]);
            free(t->w[a]);
            free(t->inv[a]);
            free(t->mlo[a]);
            free(t->mup[a]);
            free(t->smz[a]);
        }
        for (int face = 0; face < 2; face++) {
            free(t->bc_rate[face]);
            free(t->bc_out[face]);
        }
    }
    free(s->tr);
    s->tr = NULL;
}

/* ---- boundary data ---------------------------------------------------------------------- */

/* Exchange rate (1/day) of a face with transfer coefficient k next to a voxel of diffusivity D. */
static double robin_rate(double k, double D, double dx)
{
    if (D <= 0.0 || k <= 0.0) return 0.0;
    if (isinf(k)) return 2.0 * D / (dx * dx);
    return 2.0 * D * k / (dx * (2.0 * D + k * dx));
}

static int update_boundary(dermis_solver *s, size_t f, double t_end)
{
    const dermis_field_spec *spec = &s->fields[f];
    dermis_field_transport *t = &s->tr[f];
    const dermis_bc *bc[2] = {&spec->top, &spec->bottom};
    size_t cols = s->grid.nx * s->grid.ny;
    double dx = s->grid.dx_mm;
    for (int face = 0; face < 2; face++) {
        size_t layer = face == 0 ? 0 : (s->grid.nz - 1) * cols;
        if (bc[face]->type == DERMIS_BC_ZERO_FLUX) {
            t->bc_const_rate[face] = 0.0;
            continue;
        }
        if (bc[face]->type == DERMIS_BC_DIRICHLET) {
            t->bc_const_rate[face] = robin_rate(INFINITY, t->D_uniform, dx);
            for (size_t c = 0; c < cols; c++) {
                t->bc_rate[face][c] = robin_rate(INFINITY, voxel_D(t, layer + c), dx);
                t->bc_out[face][c] = bc[face]->value;
            }
            continue;
        }
        if (!s->problem.boundary) return DERMIS_SOLVER_EBOUNDARY;
        if (s->problem.boundary(t_end, f, face == 0 ? DERMIS_FACE_TOP : DERMIS_FACE_BOTTOM,
                                t->bc_rate[face], t->bc_out[face], s->problem.user) != 0)
            return DERMIS_SOLVER_EBOUNDARY;
        for (size_t c = 0; c < cols; c++) {
            double k = t->bc_rate[face][c];
            if (!(k >= 0.0) || !isfinite(t->bc_out[face][c])) return DERMIS_SOLVER_EBOUNDARY;
            t->bc_rate[face][c] = robin_rate(k, voxel_D(t, layer + c), dx);
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
    return t->constant_axis[a] && !s->periodic[a] && (a != 2 || (!t->bc_rate[0] && !t->bc_rate[1]));
}

static int factor_constant_axis(dermis_solver *s, size_t f, int a, double dt, double decay_dt)
{
    dermis_field_transport *t = &s->tr[f];
    size_t n = s->len[a];
    double *lo = s->ws[0].lo, *di = s->ws[0].di, *up = s->ws[0].up;
    double r = dt * t->D_uniform / (s->grid.dx_mm * s->grid.dx_mm);
    if (flux_form_axis(s, t, a)) return dermis_thomas_flux_factor(n, r, decay_dt, t->inv[a]);
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
        if (dermis_thomas_factor(n, lo, di, up, t->inv[a], t->mlo[a], t->mup[a]) != 0) return -1;
        double *z = t->smz[a];
        for (size_t k = 0; k < n; k++) z[k] = 0.0;
        z[0] = gamma;
        z[n - 1] = alpha;
        dermis_thomas_const_rows(z, 1, n, 1, t->inv[a], t->mlo[a], t->mup[a]);
        t->sm_beta_over_gamma[a] = beta / gamma;
        t->sm_inv_den[a] = 1.0 / (1.0 + z[0] + beta / gamma * z[n - 1]);
        return 0;
    }
    return dermis_thomas_factor(n, lo, di, up, t->inv[a], t->mlo[a], t->mup[a]);
}

/* ---- variable-coefficient lines ---------------------------------------------------------- */

typedef struct {
    double dt, decay_dt;
    size_t n, m;       /* line length, number of lines */
    int periodic;
} line_set;

/* Coefficients of line j, element k, voxel p of field t along axis a, into c[k*m + j]. */
static inline void row_coefficients(const dermis_solver *s, const dermis_field_transport *t, int a,
                                    const line_set *ls, size_t p, size_t k, size_t j,
                                    double *lo, double *di, double *up)
{
    size_t st = s->stride[a], n = ls->n, idx = k * ls->m + j;
    double ar = 0.0, br = 0.0, al = 0.0, bl = 0.0;
    size_t pl = k > 0 ? p - st : p + (n - 1) * st; /* voxel owning the left face */
    dermis_face_coefficients(t->g[a][p], t->w[a] ? t->w[a][p] : 0.0, &ar, &br);
    if (k > 0 || ls->periodic)
        dermis_face_coefficients(t->g[a][pl], t->w[a] ? t->w[a][pl] : 0.0, &al, &bl);
    lo[idx] = -ls->dt * al;
    up[idx] = -ls->dt * br;
    di[idx] = 1.0 + ls->decay_dt + ls->dt * (ar + bl);
}

/* Factorises (with Sherman-Morrison for periodic lines) and solves the lines whose data start
 * at d (element k of line j at d[k*dk + j*dj]) and whose coefficients are in ws. */
static void solve_variable_lines(dermis_thread_ws *ws, const line_set *ls, double *d, size_t dk,
                                 size_t dj)
{
    size_t n = ls->n, m = ls->m;
    if (ls->periodic) {
        for (size_t j = 0; j < m; j++) {
            double beta = ws->lo[j], alpha = ws->up[(n - 1) * m + j], gamma = -ws->di[j];
            ws->di[j] -= gamma;
            ws->di[(n - 1) * m + j] -= alpha * beta / gamma;
            for (size_t k = 0; k < n; k++) ws->smz[k * m + j] = 0.0;
            ws->smz[j] = gamma;
            ws->smz[(n - 1) * m + j] = alpha;
            ws->line_bg[j] = beta / gamma;
        }
    }
    dermis_thomas_factor_lines(n, m, ws->lo, ws->di, ws->up);
    dermis_thomas_solve_lines(d, dk, dj, n, m, ws->lo, ws->di, ws->up);
    if (!ls->periodic) return;
    dermis_thomas_solve_lines(ws->smz, m, 1, n, m, ws->lo, ws->di, ws->up);
    for (size_t j = 0; j < m; j++)
        ws->line_id[j] = 1.0 / (1.0 + ws->smz[j] + ws->line_bg[j] * ws->smz[(n - 1) * m + j]);
    dermis_thomas_cyclic_correct(d, dk, dj, n, m, ws->smz, m, 1, ws->line_bg, ws->line_id, 1);
}

/* ---- sweeps ------------------------------------------------------------------------------- */

static void sweep_x(const dermis_solver *s, const dermis_field_transport *t, dermis_thread_ws *ws,
                    double *plane, size_t plane_off, double dt, double decay_dt)
{
    size_t nx = s->grid.nx, ny = s->grid.ny;
    if (flux_form_axis(s, t, 0)) {
        dermis_thomas_flux_cols(plane, nx, nx, ny, ws->lo, t->inv[0]);
        return;
    }
    if (t->constant_axis[0]) {
        dermis_thomas_const_cols(plane, nx, nx, ny, t->inv[0], t->mlo[0], t->mup[0]);
        if (s->periodic[0])
            dermis_thomas_cyclic_correct(plane, 1, nx, nx, ny, t->smz[0], 1, 0,
                                         &t->sm_beta_over_gamma[0], &t->sm_inv_den[0], 0);
        return;
    }
    for (size_t j0 = 0; j0 < ny; j0 += DERMIS_X_BLOCK) {
        size_t mb = ny - j0 < DERMIS_X_BLOCK ? ny - j0 : DERMIS_X_BLOCK;
        line_set ls = {dt, decay_dt, nx, mb, s->periodic[0]};
        for (size_t j = 0; j < mb; j++)
            for (size_t k = 0; k < nx; k++)
                row_coefficients(s, t, 0, &ls, plane_off + (j0 + j) * nx + k, k, j, ws->lo, ws->di,
                                 ws->up);
        solve_variable_lines(ws, &ls, plane + j0 * nx, 1, nx);
    }
}

static void sweep_y(const dermis_solver *s, const dermis_field_transport *t, dermis_thread_ws *ws,
                    double *plane, size_t plane_off, double dt, double decay_dt)
{
    size_t nx = s->grid.nx, ny = s->grid.ny;
    if (flux_form_axis(s, t, 1)) {
        dermis_thomas_flux_rows(plane, nx, ny, nx, ws->lo, t->inv[1]);
        return;
    }
    if (t->constant_axis[1]) {
        dermis_thomas_const_rows(plane, nx, ny, nx, t->inv[1], t->mlo[1], t->mup[1]);
        if (s->periodic[1])
            dermis_thomas_cyclic_correct(plane, nx, 1, ny, nx, t->smz[1], 1, 0,
                                         &t->sm_beta_over_gamma[1], &t->sm_inv_den[1], 0);
        return;
    }
    line_set ls = {dt, decay_dt, ny, nx, s->periodic[1]};
    for (size_t k = 0; k < ny; k++)
        for (size_t j = 0; j < nx; j++)
            row_coefficients(s, t, 1, &ls, plane_off + k * nx + j, k, j, ws->lo, ws->di, ws->up);
    solve_variable_lines(ws, &ls, plane, nx, 1);
}

static void sweep_z(const dermis_solver *s, const dermis_field_transport *t, dermis_thread_ws *ws,
                    double *u, size_t iy, double dt, double decay_dt, int boundary_sources)
{
    size_t nx = s->grid.nx, nz = s->grid.nz, plane = nx * s->grid.ny;
    double *slab = u + iy * nx;
    for (int face = 0; face < 2 && boundary_sources; face++) {
        if (!t->bc_rate[face]) continue;
        double *row = slab + (face == 0 ? 0 : (nz - 1) * plane);
        const double *rate = t->bc_rate[face] + iy * nx, *out = t->bc_out[face] + iy * nx;
        for (size_t j = 0; j < nx; j++) row[j] += dt * rate[j] * out[j];
    }
    if (flux_form_axis(s, t, 2)) {
        dermis_thomas_flux_rows(slab, plane, nz, nx, ws->lo, t->inv[2]);
        return;
    }
    if (t->constant_axis[2]) {
        dermis_thomas_const_rows(slab, plane, nz, nx, t->inv[2], t->mlo[2], t->mup[2]);
        return;
    }
    line_set ls = {dt, decay_dt, nz, nx, 0};
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < nx; j++) {
            if (t->g[2])
                row_coefficients(s, t, 2, &ls, k * plane + iy * nx + j, k, j, ws->lo, ws->di, ws->up);
            else { /* uniform D with Robin faces */
                double r = dt * t->D_uniform / (s->grid.dx_mm * s->grid.dx_mm);
                ws->lo[k * nx + j] = k > 0 ? -r : 0.0;
                ws->up[k * nx + j] = k + 1 < nz ? -r : 0.0;
                ws->di[k * nx + j] = 1.0 + decay_dt + r * (double)((k > 0) + (k + 1 < nz));
            }
        }
    for (int face = 0; face < 2; face++) {
        if (!t->bc_rate[face]) continue;
        double *di = ws->di + (face == 0 ? 0 : (nz - 1) * nx);
        const double *rate = t->bc_rate[face] + iy * nx;
        for (size_t j = 0; j < nx; j++) di[j] += dt * rate[j];
    }
    solve_variable_lines(ws, &ls, slab, plane, 1);
}

static int prepare_step(dermis_solver *s, double t_end, double dt, const double *decay)
{
    for (size_t f = 0; f < s->problem.n_fields; f++) {
        if (!s->active[f]) continue;
        int rc = update_boundary(s, f, t_end);
        if (rc != DERMIS_SOLVER_OK) return rc;
        double decay_dt = decay ? dt * decay[f] / (double)s->grid.dims : 0.0;
        for (int a = 0; a < 3; a++)
            if (s->axis_active[a] && s->tr[f].constant_axis[a] &&
                factor_constant_axis(s, f, a, dt, decay_dt) != 0)
                return DERMIS_SOLVER_EINVAL;
    }
    return DERMIS_SOLVER_OK;
}

/* The LOD implicit-Euler sweeps of every active field with the drift rates and boundary data
 * already prepared. boundary_sources = 0 solves the homogeneous problem (no inflow from Dirichlet
 * or Robin data), as the error filter needs. */
static void transport_sweeps(dermis_solver *s, double *u, double dt, const double *decay, int boundary_sources)
{
    size_t nx = s->grid.nx, ny = s->grid.ny, nz = s->grid.nz, plane = nx * ny;
    size_t nf = s->problem.n_fields, nv = s->n_vox;
    int lateral = s->axis_active[0] || s->axis_active[1];
#pragma omp parallel num_threads(s->nthreads_transport)
    {
        unsigned saved = dermis_fpenv_flush_denormals();
        dermis_thread_ws *ws = &s->ws[omp_get_thread_num()];
        /* Field by field, so that one field (16 MiB at 128^3) is still in the last-level cache
         * when the z pass reads what the plane pass wrote. */
        for (size_t f = 0; f < nf; f++) {
            const dermis_field_transport *t = &s->tr[f];
            if (!s->active[f]) continue;
            double dd = decay ? dt * decay[f] / (double)s->grid.dims : 0.0;
            if (lateral) {
#pragma omp for schedule(static)
                for (size_t iz = 0; iz < nz; iz++) {
                    double *pl = u + f * nv + iz * plane;
                    if (s->axis_active[0]) sweep_x(s, t, ws, pl, iz * plane, dt, dd);
                    if (s->axis_active[1]) sweep_y(s, t, ws, pl, iz * plane, dt, dd);
                }
            }
            /* No barrier needed after z: the next field's plane pass touches other data. */
#pragma omp for schedule(static) nowait
            for (size_t iy = 0; iy < ny; iy++) sweep_z(s, t, ws, u + f * nv, iy, dt, dd, boundary_sources);
        }
        dermis_fpenv_restore(saved);
    }
}

int dermis_transport_lod_ie(dermis_solver *s, double *u, double t_end, double dt, const double *decay, int drift)
{
    if (!s->any_mobile) return DERMIS_SOLVER_OK;
    int rc = prepare_step(s, t_end, dt, decay);
    if (rc != DERMIS_SOLVER_OK) return rc;
    if (drift && s->problem.n_chemotaxis > 0) {
        double t0 = omp_get_wtime();
        dermis_chemotaxis_drift(s, u);
        s->stats.wall_chemotaxis_s += omp_get_wtime() - t0;
    }
    transport_sweeps(s, u, dt, decay, 1);
    return DERMIS_SOLVER_OK;
}

int dermis_transport_filter(dermis_solver *s, double *v, double t_end, double dt)
{
    if (!s->any_mobile) return DERMIS_SOLVER_OK;
    int rc = prepare_step(s, t_end, dt, NULL);
    if (rc != DERMIS_SOLVER_OK) return rc;
    transport_sweeps(s, v, dt, NULL, 0);
    return DERMIS_SOLVER_OK;
}
