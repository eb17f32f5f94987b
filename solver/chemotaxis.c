/* Chemotactic drift rates at voxel faces.
 *
 * For each pair (cell, signal) the drift velocity through a face is
 *     v = chi(c_face) (c_q - c_p) / dx,   chi(c) = chi0 / (1 + c/c_sat)^2   (Olsen et al. 1995),
 * with c_face the mean of the two voxels (second order). The stored rate is w = v/dx (1/day);
 * several pairs acting on one cell field add up. The signal is frozen at the start of each
 * implicit substep (linearly implicit Euler), which keeps the cell equation linear, so the
 * transport matrix stays an M-matrix (see dermis_face_coefficients) and Richardson
 * extrapolation of the substeps still applies. Walls (D_face = 0) are masked where the
 * coefficients are formed. */
#include <omp.h>

#include "solver/solver_internal.h"

static double sensitivity(const dermis_chemotaxis_spec *c, double conc)
{
    double sat = 1.0 + conc / c->c_sat; /* c_sat = INFINITY gives exactly 1 */
    return c->chi0 / (sat * sat);
}

/* Drift of pair c through the + faces of `count` voxels from p, whose + neighbours start at q
 * (both contiguous): a plain loop the compiler vectorises. */
static void add_faces(const dermis_chemotaxis_spec *c, const double *sig, double *w, size_t p, size_t q,
                      size_t count, double inv_dx2)
{
    const double *restrict sp = sig + p, *restrict sq = sig + q;
    double *restrict wp = w + p;
    for (size_t i = 0; i < count; i++) wp[i] += sensitivity(c, 0.5 * (sp[i] + sq[i])) * (sq[i] - sp[i]) * inv_dx2;
}

/* Adds the drift of pair c along axis a to w over planes iz0 .. iz1-1. No drift through the
 * domain boundary; periodic lines wrap. */
static void add_pair_axis(const dermis_solver *s, const dermis_chemotaxis_spec *c, const double *sig,
                          double *w, int a, size_t iz0, size_t iz1)
{
    const size_t nx = s->grid.nx, ny = s->grid.ny, nz = s->grid.nz, plane = nx * ny;
    const double inv_dx2 = 1.0 / (s->grid.dx_mm * s->grid.dx_mm);
    for (size_t iz = iz0; iz < iz1; iz++) {
        const size_t p0 = iz * plane;
        if (a == 2) {
            if (iz + 1 < nz) add_faces(c, sig, w, p0, p0 + plane, plane, inv_dx2);
            continue;
        }
        if (a == 1) {
            if (ny > 1) add_faces(c, sig, w, p0, p0 + nx, (ny - 1) * nx, inv_dx2);
            if (s->periodic[1]) add_faces(c, sig, w, p0 + (ny - 1) * nx, p0, nx, inv_dx2);
            continue;
        }
        for (size_t row = p0; row < p0 + plane; row += nx) {
            if (nx > 1) add_faces(c, sig, w, row, row + 1, nx - 1, inv_dx2);
            if (s->periodic[0]) add_faces(c, sig, w, row + nx - 1, row, 1, inv_dx2);
        }
    }
}

/* Drift rates of cell field f over planes iz0 .. iz1-1 (the sum over its pairs, in pair order),
 * then the face coefficients the sweeps build their rows from. */
static void field_drift_planes(const dermis_solver *s, const double *u, size_t f, size_t iz0, size_t iz1)
{
    const dermis_field_transport *t = &s->tr[f];
    const size_t plane = s->grid.nx * s->grid.ny, p0 = iz0 * plane, p1 = iz1 * plane;
    for (int a = 0; a < 3; a++)
        if (t->w[a])
            for (size_t p = p0; p < p1; p++) t->w[a][p] = 0.0;
    for (size_t i = 0; i < s->problem.n_chemotaxis; i++) {
        const dermis_chemotaxis_spec *c = &s->chemotaxis[i];
        if (c->cell != f) continue;
        for (int a = 0; a < 3; a++)
            if (t->w[a]) add_pair_axis(s, c, u + c->signal * s->n_vox, t->w[a], a, iz0, iz1);
    }
    for (int a = 0; a < 3; a++) {
        if (!t->w[a]) continue;
        const double *restrict g = t->g[a], *restrict w = t->w[a];
        double *restrict fa = t->fa[a], *restrict fb = t->fb[a];
        for (size_t p = p0; p < p1; p++) dermis_face_coefficients(g[p], w[p], &fa[p], &fb[p]);
    }
}

void dermis_chemotaxis_field_drift(const dermis_solver *s, const double *u, size_t f)
{
    field_drift_planes(s, u, f, 0, s->grid.nz);
}

void dermis_chemotaxis_drift(dermis_solver *s, const double *u)
{
    const size_t nz = s->grid.nz, nf = s->problem.n_fields;
#pragma omp parallel for schedule(static) num_threads(s->nthreads)
    for (size_t iz = 0; iz < nz; iz++)
        for (size_t f = 0; f < nf; f++)
            if (s->active[f] && s->tr[f].chemotactic) field_drift_planes(s, u, f, iz, iz + 1);
}
