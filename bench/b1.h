/* Reference problem B1 of /work/shared/performance-reference.md, defined once for the benchmark
 * (bench/bench_b1.c, full size) and its correctness test (tests/solver/test_heavy_b1.c, 32^3):
 *   n^3 voxels, dx = 10 um, zero-flux faces, 4 substrates with D = 1000, 100, 10, 1 um^2/min and
 *   decay 0.1, 0.01, 0.001, 0 /min, a Gaussian bump (sigma0 = 50 um, peak 1) at the centre,
 *   dt = 0.01 min, 100 LOD implicit-Euler steps with the decay folded in as lambda/3 per axis.
 * Units inside: um and min (the solver is unit-agnostic). Header-only: it links nothing. */
#ifndef DERMIS_BENCH_B1_H
#define DERMIS_BENCH_B1_H

#include <math.h>
#include <stddef.h>

#include "solver/solver.h"

#define B1_FIELDS 4
#define B1_STEPS 100
#define B1_DT_MIN 0.01
#define B1_DX_UM 10.0
#define B1_SIGMA0_UM 50.0

static const double b1_D[B1_FIELDS] = {1000.0, 100.0, 10.0, 1.0};
static const double b1_lambda[B1_FIELDS] = {0.1, 0.01, 0.001, 0.0};

/* Centre of voxel i on an axis of n voxels, the origin at the centre of the box. */
static inline double b1_coord(size_t i, size_t n)
{
    return ((double)i + 0.5) * B1_DX_UM - 0.5 * (double)n * B1_DX_UM;
}

/* Free-space solution at squared distance r2 and time t. */
static inline double b1_exact(double r2, double D, double lambda, double t)
{
    double s2 = B1_SIGMA0_UM * B1_SIGMA0_UM, w = s2 + 2.0 * D * t;
    return pow(s2 / w, 1.5) * exp(-r2 / (2.0 * w)) * exp(-lambda * t);
}

static inline double b1_r2(size_t p, size_t n)
{
    double x = b1_coord(p % n, n), y = b1_coord((p / n) % n, n), z = b1_coord(p / (n * n), n);
    return x * x + y * y + z * z;
}

static inline void b1_initial_state(double *u, size_t n)
{
    size_t nv = n * n * n;
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < nv; p++) {
        double c = b1_exact(b1_r2(p, n), 0.0, 0.0, 0.0);
        for (size_t f = 0; f < B1_FIELDS; f++) u[f * nv + p] = c;
    }
}

/* Relative L2 error of every substrate against the free-space solution at time t. */
static inline void b1_rel_l2(const double *u, size_t n, double t, double rel[B1_FIELDS])
{
    size_t nv = n * n * n;
    for (size_t f = 0; f < B1_FIELDS; f++) {
        double num = 0.0, den = 0.0;
        for (size_t p = 0; p < nv; p++) {
            double e = b1_exact(b1_r2(p, n), b1_D[f], b1_lambda[f], t), d = u[f * nv + p] - e;
            num += d * d;
            den += e * e;
        }
        rel[f] = sqrt(num / den);
    }
}

/* The solver of B1 on `threads` threads (all of them, whatever the grid size); fields[] must
 * outlive it. Advance it with dermis_solver_transport_step(s, u, k * B1_DT_MIN, B1_DT_MIN, b1_lambda). */
static inline dermis_solver *b1_solver_alloc(size_t n, int threads, dermis_field_spec fields[B1_FIELDS])
{
    const dermis_grid grid = {.dims = 3, .nx = n, .ny = n, .nz = n, .dx_mm = B1_DX_UM,
                              .lateral = DERMIS_LATERAL_ZERO_FLUX};
    for (size_t f = 0; f < B1_FIELDS; f++)
        fields[f] = (dermis_field_spec){.name = "substrate", .D_uniform = b1_D[f], .atol = 1e-9};
    const dermis_problem pb = {.n_fields = B1_FIELDS, .fields = fields};
    const dermis_solver_options opt = {.rtol = 1e-3, .dt_initial_day = B1_DT_MIN, .dt_min_day = B1_DT_MIN,
                                       .dt_max_day = B1_DT_MIN, .max_steps = 1000, .threads = threads,
                                       .fixed_step = 1, .min_voxels_per_thread = 0};
    int status;
    return dermis_solver_alloc(&grid, &pb, &opt, &status);
}

#endif
