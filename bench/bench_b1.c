/* Benchmark B1 of /work/shared/performance-reference.md, on the solver's own transport kernel
 * (dermis_solver_transport_step: LOD implicit Euler, Thomas sweeps):
 *   n^3 voxels (n = 128, or 256 out of cache), dx = 10 um, zero-flux faces, 4 substrates with
 *   D = 1000, 100, 10, 1 um^2/min and decay 0.1, 0.01, 0.001, 0 /min, a Gaussian bump
 *   (sigma0 = 50 um, peak 1) at the centre, dt = 0.01 min, 100 steps.
 * The first step is timed apart (set-up); per-step time is the mean of steps 2..100;
 * VSU/s = voxels * substrates / per-step time. rel_l2 compares with the free-space solution.
 * Prints one JSON line per run (median of --repeat runs by VSU/s). Units inside: um and min. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "solver/solver.h"

#define B1_FIELDS 4
#define B1_STEPS 100
#define B1_DT_MIN 0.01
#define B1_DX_UM 10.0
#define B1_SIGMA0_UM 50.0

static const double b1_D[B1_FIELDS] = {1000.0, 100.0, 10.0, 1.0};
static const double b1_lambda[B1_FIELDS] = {0.1, 0.01, 0.001, 0.0};

typedef struct {
    double vsu_per_s, setup_s, step_s, rel_l2[B1_FIELDS];
} b1_result;

static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

static double coord(size_t i, size_t n)
{
    return ((double)i + 0.5) * B1_DX_UM - 0.5 * (double)n * B1_DX_UM;
}

static double exact(double r2, double D, double lambda, double t)
{
    double s2 = B1_SIGMA0_UM * B1_SIGMA0_UM, w = s2 + 2.0 * D * t;
    return pow(s2 / w, 1.5) * exp(-r2 / (2.0 * w)) * exp(-lambda * t);
}

static void initial_state(double *u, size_t n)
{
    size_t nv = n * n * n;
#pragma omp parallel for schedule(static)
    for (size_t iz = 0; iz < n; iz++)
        for (size_t iy = 0; iy < n; iy++)
            for (size_t ix = 0; ix < n; ix++) {
                double x = coord(ix, n), y = coord(iy, n), z = coord(iz, n);
                double c = exact(x * x + y * y + z * z, 0.0, 0.0, 0.0);
                for (size_t f = 0; f < B1_FIELDS; f++) u[f * nv + (iz * n + iy) * n + ix] = c;
            }
}

static void errors(const double *u, size_t n, double t, double *rel)
{
    size_t nv = n * n * n;
    for (size_t f = 0; f < B1_FIELDS; f++) {
        double num = 0.0, den = 0.0;
        for (size_t iz = 0; iz < n; iz++)
            for (size_t iy = 0; iy < n; iy++)
                for (size_t ix = 0; ix < n; ix++) {
                    double x = coord(ix, n), y = coord(iy, n), z = coord(iz, n);
                    double e = exact(x * x + y * y + z * z, b1_D[f], b1_lambda[f], t);
                    double d = u[f * nv + (iz * n + iy) * n + ix] - e;
                    num += d * d;
                    den += e * e;
                }
        rel[f] = sqrt(num / den);
    }
}

static int run_once(size_t n, int threads, b1_result *res)
{
    dermis_grid grid = {3, n, n, n, B1_DX_UM, DERMIS_LATERAL_ZERO_FLUX};
    dermis_field_spec fields[B1_FIELDS];
    memset(fields, 0, sizeof fields);
    for (size_t f = 0; f < B1_FIELDS; f++) {
        fields[f].name = "substrate";
        fields[f].D_uniform = b1_D[f];
        fields[f].atol = 1e-9;
    }
    dermis_problem pb = {.n_fields = B1_FIELDS, .fields = fields};
    dermis_solver_options opt = {1e-3, B1_DT_MIN, B1_DT_MIN, B1_DT_MIN, 1000, threads, 1, 0};
    size_t nv = n * n * n;
    double *u = malloc(B1_FIELDS * nv * sizeof *u);
    if (!u) return -1;
    initial_state(u, n);
    double t0 = omp_get_wtime();
    int status;
    dermis_solver *s = dermis_solver_alloc(&grid, &pb, &opt, &status);
    if (!s) {
        free(u);
        return -1;
    }
    int rc = dermis_solver_transport_step(s, u, 0.0, B1_DT_MIN, b1_lambda);
    double t1 = omp_get_wtime();
    for (int k = 1; k < B1_STEPS && rc == 0; k++)
        rc = dermis_solver_transport_step(s, u, k * B1_DT_MIN, B1_DT_MIN, b1_lambda);
    double t2 = omp_get_wtime();
    res->setup_s = t1 - t0;
    res->step_s = (t2 - t1) / (B1_STEPS - 1);
    res->vsu_per_s = (double)nv * B1_FIELDS / res->step_s;
    errors(u, n, B1_STEPS * B1_DT_MIN, res->rel_l2);
    dermis_solver_free(s);
    free(u);
    return rc;
}

static int by_rate(const void *a, const void *b)
{
    double x = ((const b1_result *)a)->vsu_per_s, y = ((const b1_result *)b)->vsu_per_s;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t n = 128;
    int threads = 1, repeat = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--threads") == 0) threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--n") == 0) n = (size_t)atol(argv[i + 1]);
        else if (strcmp(argv[i], "--repeat") == 0) repeat = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: bench_b1 [--threads N] [--n 128|256] [--repeat R]\n");
            return 2;
        }
    }
    if (threads < 1 || repeat < 1 || repeat > 99 || n < 8) {
        fprintf(stderr, "bench_b1: bad arguments\n");
        return 2;
    }
    omp_set_num_threads(threads);
    b1_result runs[99];
    for (int r = 0; r < repeat; r++)
        if (run_once(n, threads, &runs[r]) != 0) {
            fprintf(stderr, "bench_b1: solver failed\n");
            return 1;
        }
    qsort(runs, (size_t)repeat, sizeof runs[0], by_rate);
    const b1_result *m = &runs[repeat / 2];
    long kib = peak_rss_kib();
    printf("{\"problem\":\"B1\",\"n\":%zu,\"threads\":%d,\"repeat\":%d,\"vsu_per_s\":%.4e,"
           "\"step_s\":%.4e,\"rel_l2\":[%.4e,%.4e,%.4e,%.4e],\"bytes_per_voxel\":%.1f,"
           "\"peak_rss_mib\":%.1f,\"setup_s\":%.4f}\n",
           n, threads, repeat, m->vsu_per_s, m->step_s, m->rel_l2[0], m->rel_l2[1], m->rel_l2[2],
           m->rel_l2[3], (double)kib * 1024.0 / (double)(n * n * n), (double)kib / 1024.0, m->setup_s);
    return 0;
}
