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

static void add_pair_axis(const dermis_solver *s, const dermis_chemotaxis_spec *c, const double *sig,
                          double *w, int a, size_t iz)
{
    size_t n = s->len[a], st = s->stride[a], plane = s->grid.nx * s->grid.ny;
    double inv_dx2 = 1.0 / (s->grid.dx_mm * s->grid.dx_mm);
    for (size_t p = iz * plane; p < (iz + 1) * plane; p++) {
        size_t k = (p / st) % n, q;
        if (k + 1 < n) q = p + st;
        else if (s->periodic[a]) q = p - (n - 1) * st;
        else continue; /* no drift through the domain boundary */
        w[p] += sensitivity(c, 0.5 * (sig[p] + sig[q])) * (sig[q] - sig[p]) * inv_dx2;
    }
}

static void drift_plane(const dermis_solver *s, const double *u, size_t iz)
{
    size_t plane = s->grid.nx * s->grid.ny;
    for (size_t f = 0; f < s->problem.n_fields; f++)
        for (int a = 0; a < 3; a++)
            if (s->tr[f].w[a])
                for (size_t p = iz * plane; p < (iz + 1) * plane; p++) s->tr[f].w[a][p] = 0.0;
    for (size_t i = 0; i < s->problem.n_chemotaxis; i++) {
        const dermis_chemotaxis_spec *c = &s->chemotaxis[i];
        const dermis_field_transport *t = &s->tr[c->cell];
        for (int a = 0; a < 3; a++)
            if (t->w[a]) add_pair_axis(s, c, u + c->signal * s->n_vox, t->w[a], a, iz);
    }
}

void dermis_chemotaxis_drift(dermis_solver *s, const double *u)
{
    size_t nz = s->grid.nz;
#pragma omp parallel for schedule(static) num_threads(s->nthreads_transport)
    for (size_t iz = 0; iz < nz; iz++) drift_plane(s, u, iz);
}
