/* Benchmark B1 of /work/shared/performance-reference.md (set-up in bench/b1.h), on the
 * solver's own transport kernel (dermis_solver_transport_step: LOD implicit Euler, Thomas
 * sweeps), n^3 voxels (n = 128, or 256 out of cache). The first step is timed apart (set-up); per-step time is the mean of steps 2..100;
 * VSU/s = voxels * substrates / per-step time. rel_l2 compares with the free-space solution.
 * Prints one JSON line per run (median of --repeat runs by VSU/s). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "bench/b1.h"

typedef struct {
    double vsu_per_s, setup_s, step_s, rel_l2[B1_FIELDS];
    unsigned long long checksum;
} b1_result;

/* FNV-1a hash of the final fields' bytes: equal checksums mean bitwise identical results (across
 * builds, dispatched kernel versions and thread counts). */
static unsigned long long fnv1a(const double *u, size_t n)
{
    const unsigned char *b = (const unsigned char *)u;
    unsigned long long h = 14695981039346656037ULL;
    for (size_t i = 0; i < n * sizeof *u; i++) h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

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

static int run_once(size_t n, int threads, b1_result *res)
{
    dermis_field_spec fields[B1_FIELDS];
    size_t nv = n * n * n;
    double *u = malloc(B1_FIELDS * nv * sizeof *u);
    if (!u) return -1;
    b1_initial_state(u, n);
    double t0 = omp_get_wtime();
    dermis_solver *s = b1_solver_alloc(n, threads, fields);
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
    b1_rel_l2(u, n, B1_STEPS * B1_DT_MIN, res->rel_l2);
    res->checksum = fnv1a(u, B1_FIELDS * nv);
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
           "\"peak_rss_mib\":%.1f,\"setup_s\":%.4f,\"checksum\":\"%016llx\"}\n",
           n, threads, repeat, m->vsu_per_s, m->step_s, m->rel_l2[0], m->rel_l2[1], m->rel_l2[2],
           m->rel_l2[3], (double)kib * 1024.0 / (double)(n * n * n), (double)kib / 1024.0, m->setup_s, m->checksum);
    return 0;
}
