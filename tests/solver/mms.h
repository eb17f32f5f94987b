/* Manufactured solution through the whole solver: diffusion with a variable D map, chemotaxis,
 * a nonlinear reaction and each boundary type, on [0,1]^dims (header-only test helper).
 *
 * Field 0 ("cells"): u0 = T0(t) X(x) Y(y) Z0(z), D0(x) = 0.05 (1+0.3 sin 2pi x)(1+0.3 sin 2pi y)(1+0.5 z)
 *   (a D map), chemotactic up the gradient of field 1 with chi0 = 0.05.
 * Field 1 ("signal"): u1 = T1(t) X1(x) Y1(y) (1 + 0.5 cos pi z), D1 = 0.1 uniform.
 * X = 1 + 0.3 cos 2pi x, X1 = 1 + 0.2 cos 2pi x (valid for periodic and zero-flux sides; the
 * signal has zero normal derivative on every face, so no chemotactic flux crosses the boundary).
 * Z0 by boundary type of field 0: zero-flux 1 + 0.5 cos pi z; Dirichlet sin pi z (value 0);
 * Robin 1 + 0.5 cos pi z + 0.3 z with k = 2 + 0.5 cos 2pi x + 0.5 sin t and u_out chosen so the
 * Robin condition holds. T0 = 1 + 0.5 sin 2t, T1 = exp(-t/2).
 * R0 = -0.5 u0 u1/(1+u1), R1 = -0.3 u1 + 0.2 u0^2/(1+u0), plus the source that makes u exact:
 *   f_s = T_s' P_s + T_s Q_s + [s=0] chi0 T0 T1 S - R_s(u_exact),
 *   Q_s = -div(D_s grad P_s), S = div(P0 grad P1), evaluated analytically at voxel centres. */
#ifndef DERMIS_TESTS_SOLVER_MMS_H
#define DERMIS_TESTS_SOLVER_MMS_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver.h"

#define MMS_PI 3.14159265358979323846
#define MMS_CHI0 0.05
#define MMS_D0 0.05
#define MMS_D1 0.1

typedef struct {
    double v, d, dd;
} mms_f1;

typedef struct {
    dermis_grid grid;
    dermis_bc_type bc;
    int flat_z; /* Z0 = Z1 = 1 and D0 independent of z: no top/bottom boundary effects */
    double *P0, *P1, *Q0, *Q1, *S, *Dmap;
    double *u;
} mms_case;

static inline mms_f1 mms_cos(double amp, double k, double x)
{
    mms_f1 f = {1.0 + amp * cos(k * x), -amp * k * sin(k * x), -amp * k * k * cos(k * x)};
    return f;
}

static inline mms_f1 mms_z0(dermis_bc_type bc, double z)
{
    if (bc == DERMIS_BC_DIRICHLET) {
        mms_f1 f = {sin(MMS_PI * z), MMS_PI * cos(MMS_PI * z), -MMS_PI * MMS_PI * sin(MMS_PI * z)};
        return f;
    }
    mms_f1 f = mms_cos(0.5, MMS_PI, z);
    if (bc == DERMIS_BC_ROBIN) {
        f.v += 0.3 * z;
        f.d += 0.3;
    }
    return f;
}

static inline mms_f1 mms_one(void)
{
    mms_f1 f = {1.0, 0.0, 0.0};
    return f;
}

/* Factors along x, y, z of P0, P1 and D0 at a point; inactive axes give 1. */
static inline void mms_factors(const mms_case *m, double x, double y, double z, mms_f1 p0[3], mms_f1 p1[3],
                        mms_f1 d0[3])
{
    int dims = m->grid.dims;
    p0[0] = dims >= 2 ? mms_cos(0.3, 2 * MMS_PI, x) : mms_one();
    p0[1] = dims == 3 ? mms_cos(0.3, 2 * MMS_PI, y) : mms_one();
    p0[2] = mms_z0(m->bc, z);
    p1[0] = dims >= 2 ? mms_cos(0.2, 2 * MMS_PI, x) : mms_one();
    p1[1] = dims == 3 ? mms_cos(0.2, 2 * MMS_PI, y) : mms_one();
    p1[2] = mms_cos(0.5, MMS_PI, z);
    if (m->flat_z) {
        p0[2] = mms_one();
        p1[2] = mms_one();
    }
    mms_f1 dx = {1.0 + 0.3 * sin(2 * MMS_PI * x), 0.6 * MMS_PI * cos(2 * MMS_PI * x), 0.0};
    mms_f1 dy = {1.0 + 0.3 * sin(2 * MMS_PI * y), 0.6 * MMS_PI * cos(2 * MMS_PI * y), 0.0};
    mms_f1 dz = {1.0 + 0.5 * z, 0.5, 0.0};
    d0[0] = dims >= 2 ? dx : mms_one();
    d0[1] = dims == 3 ? dy : mms_one();
    d0[2] = m->flat_z ? mms_one() : dz;
}

static inline double mms_prod(const mms_f1 f[3])
{
    return f[0].v * f[1].v * f[2].v;
}

static inline double mms_T(int s, double t)
{
    return s == 0 ? 1.0 + 0.5 * sin(2.0 * t) : exp(-0.5 * t);
}

static inline double mms_dT(int s, double t)
{
    return s == 0 ? cos(2.0 * t) : -0.5 * exp(-0.5 * t);
}

static inline void mms_reaction(const double *u, double *r)
{
    r[0] = -0.5 * u[0] * u[1] / (1.0 + u[1]);
    r[1] = -0.3 * u[1] + 0.2 * u[0] * u[0] / (1.0 + u[0]);
}

static inline void mms_centre(const mms_case *m, size_t p, double *x, double *y, double *z)
{
    const dermis_grid *g = &m->grid;
    size_t ix = p % g->nx, iy = (p / g->nx) % g->ny, iz = p / (g->nx * g->ny);
    *x = ((double)ix + 0.5) * g->dx_mm;
    *y = ((double)iy + 0.5) * g->dx_mm;
    *z = ((double)iz + 0.5) * g->dx_mm;
}

static inline void mms_precompute(mms_case *m)
{
    size_t nv = dermis_grid_voxels(&m->grid);
    for (size_t p = 0; p < nv; p++) {
        double x, y, z;
        mms_centre(m, p, &x, &y, &z);
        mms_f1 a[3], b[3], d[3];
        mms_factors(m, x, y, z, a, b, d);
        double P0 = mms_prod(a), P1 = mms_prod(b), D = MMS_D0 * mms_prod(d);
        double q0 = 0.0, lap1 = 0.0, grad = 0.0;
        for (int k = 0; k < 3; k++) {
            q0 += D / d[k].v * P0 / a[k].v * (d[k].d * a[k].d + d[k].v * a[k].dd);
            lap1 += P1 / b[k].v * b[k].dd;
            grad += P0 / a[k].v * a[k].d * P1 / b[k].v * b[k].d;
        }
        m->P0[p] = P0;
        m->P1[p] = P1;
        m->Dmap[p] = D;
        m->Q0[p] = -q0;
        m->Q1[p] = -MMS_D1 * lap1;
        m->S[p] = grad + P0 * lap1;
    }
}

static inline int mms_rhs(double t, size_t p, const double *u, double *dudt, void *user)
{
    const mms_case *m = user;
    double T0 = mms_T(0, t), T1 = mms_T(1, t);
    double ue[2] = {T0 * m->P0[p], T1 * m->P1[p]}, re[2];
    mms_reaction(ue, re);
    mms_reaction(u, dudt);
    dudt[0] += mms_dT(0, t) * m->P0[p] + T0 * m->Q0[p] + MMS_CHI0 * T0 * T1 * m->S[p] - re[0];
    dudt[1] += mms_dT(1, t) * m->P1[p] + T1 * m->Q1[p] - re[1];
    return 0;
}

static inline int mms_boundary(double t, size_t field, dermis_face face, double *k, double *u_out, void *user)
{
    const mms_case *m = user;
    const dermis_grid *g = &m->grid;
    double z = face == DERMIS_FACE_TOP ? 0.0 : 1.0, sign = face == DERMIS_FACE_TOP ? -1.0 : 1.0;
    for (size_t iy = 0; iy < g->ny; iy++)
        for (size_t ix = 0; ix < g->nx; ix++) {
            double x = ((double)ix + 0.5) * g->dx_mm, y = ((double)iy + 0.5) * g->dx_mm;
            mms_f1 a[3], b[3], d[3];
            mms_factors(m, x, y, z, a, b, d);
            const mms_f1 *p = field == 0 ? a : b;
            double T = mms_T((int)field, t);
            double D = field == 0 ? MMS_D0 * mms_prod(d) : MMS_D1;
            double u = T * mms_prod(p), uz = T * p[0].v * p[1].v * p[2].d;
            double kk = 2.0 + (g->dims >= 2 ? 0.5 * cos(2 * MMS_PI * x) : 0.0) + 0.5 * sin(t);
            k[iy * g->nx + ix] = kk;
            u_out[iy * g->nx + ix] = u + sign * D * uz / kk;
        }
    return 0;
}

/* n voxels per unit length on every axis; nz_override > 0 sets nz (with flat_z). */
static inline int mms_alloc_flat(mms_case *m, int dims, size_t n, dermis_bc_type bc, dermis_lateral_bc lateral,
                          size_t nz_override)
{
    memset(m, 0, sizeof *m);
    m->flat_z = nz_override > 0;
    m->grid.dims = dims;
    m->grid.nx = dims >= 2 ? n : 1;
    m->grid.ny = dims == 3 ? n : 1;
    m->grid.nz = nz_override > 0 ? nz_override : n;
    m->grid.dx_mm = 1.0 / (double)n;
    m->grid.lateral = lateral;
    m->bc = bc;
    size_t nv = dermis_grid_voxels(&m->grid);
    double **arr[] = {&m->P0, &m->P1, &m->Q0, &m->Q1, &m->S, &m->Dmap};
    for (size_t i = 0; i < 6; i++)
        if (!(*arr[i] = malloc(nv * sizeof(double)))) return -1;
    if (!(m->u = malloc(2 * nv * sizeof(double)))) return -1;
    mms_precompute(m);
    for (size_t p = 0; p < nv; p++) {
        m->u[p] = mms_T(0, 0.0) * m->P0[p];
        m->u[nv + p] = mms_T(1, 0.0) * m->P1[p];
    }
    return 0;
}

static inline int mms_alloc(mms_case *m, int dims, size_t n, dermis_bc_type bc, dermis_lateral_bc lateral)
{
    return mms_alloc_flat(m, dims, n, bc, lateral, 0);
}

static inline void mms_free(mms_case *m)
{
    free(m->P0);
    free(m->P1);
    free(m->Q0);
    free(m->Q1);
    free(m->S);
    free(m->Dmap);
    free(m->u);
}

/* Runs to t_end with fixed steps dt; returns the RMS error over both fields (or -1 on failure).
 * If `out` is non-NULL the final state is copied there. */
static inline double mms_run(mms_case *m, double dt, double t_end, int threads, double *out)
{
    dermis_field_spec fields[2];
    memset(fields, 0, sizeof fields);
    fields[0].name = "cells";
    fields[0].D_map = m->Dmap;
    fields[0].top.type = m->bc;
    fields[0].bottom.type = m->bc;
    fields[0].atol = 1e-6;
    fields[1].name = "signal";
    fields[1].D_uniform = MMS_D1;
    fields[1].top.type = m->bc == DERMIS_BC_ROBIN ? DERMIS_BC_ROBIN : DERMIS_BC_ZERO_FLUX;
    fields[1].bottom.type = fields[1].top.type;
    fields[1].atol = 1e-6;
    dermis_chemotaxis_spec chemo = {0, 1, MMS_CHI0, INFINITY};
    dermis_problem pb = {.n_fields = 2, .fields = fields, .n_chemotaxis = 1, .chemotaxis = &chemo,
                       .rhs = mms_rhs, .boundary = mms_boundary, .user = m};
    dermis_solver_options opt = {1e-3, dt, dt, dt, 1000000, threads, 1, 0};
    int status;
    dermis_solver *s = dermis_solver_alloc(&m->grid, &pb, &opt, &status);
    if (!s) return -1.0;
    size_t nv = dermis_grid_voxels(&m->grid);
    double *u = malloc(2 * nv * sizeof *u), t = 0.0;
    if (!u) {
        dermis_solver_free(s);
        return -1.0;
    }
    memcpy(u, m->u, 2 * nv * sizeof *u);
    int rc = dermis_solver_advance(s, u, &t, t_end);
    dermis_solver_free(s);
    double sum = 0.0;
    for (size_t p = 0; p < nv; p++) {
        double e0 = u[p] - mms_T(0, t_end) * m->P0[p], e1 = u[nv + p] - mms_T(1, t_end) * m->P1[p];
        sum += e0 * e0 + e1 * e1;
    }
    if (out) memcpy(out, u, 2 * nv * sizeof *u);
    free(u);
    return rc == DERMIS_SOLVER_OK ? sqrt(sum / (double)(2 * nv)) : -1.0;
}

/* Least-squares slope of log(err) against log(h) over k points. */
static inline double mms_fitted_order(const double *h, const double *err, int k)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < k; i++) {
        double x = log(h[i]), y = log(err[i]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

/* Compensated (Kahan) sum of u[0..n-1], for mass-conservation checks: shared by the solver tests. */
static inline double kahan_total(const double *u, size_t n)
{
    double sum = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double y = u[i] - c, t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    return sum;
}

#endif
