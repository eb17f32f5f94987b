/* Benchmark B2: the per-voxel reaction kernel (kinetics + implicit per-voxel integration) on a
 * realistic saved state, without transport.
 *
 *   bench_b2 --config configs/default.ini --state STATE.nc [--threads N] [--repeat R] [--split 1]
 *
 * STATE.nc is a dermis output file; its last frame is the state (bench/run_b2.sh writes the
 * default scenario at day 3: fresh channels, healing tissue and intact skin side by side). One
 * "voxel-step" is the reaction work of one Strang step for one voxel, with dt the step the
 * adaptive run had taken last (the file's solver_dt_last_day): one reaction integration over dt,
 * as a run does between its stop times (the second half of each step merged with the first half
 * of the next, solver/stepper.c), or with --split 1 two separate half steps of dt/2 (the unmerged
 * form, what every step cost before the merge).
 * Each repetition restarts from the saved state. Prints one JSON line: the median rate over the
 * repetitions in voxel-steps per second (voxels at rest included, as in a run), the rhs and
 * Jacobian evaluations per voxel-step, and a checksum of the state after the step (equal
 * checksums: bitwise identical results, across builds, kernel versions and thread counts).
 * Units: mm, day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <omp.h>

#include "app/sim.h"

#define B2_REPEAT_MAX 99

typedef struct {
    dermis_grid grid;
    double *state;   /* the saved state, n_fields * n_vox */
    double dt_day;   /* the run's last step */
} b2_case;

/* Reads the last frame of every field and the last step size from a dermis output file. */
static int read_state(const char *path, b2_case *c)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return -1;
    size_t nv = dermis_grid_voxels(&c->grid);
    int rc = 0;
    hid_t a = H5Aopen(f, "solver_dt_last_day", H5P_DEFAULT);
    if (a < 0 || H5Aread(a, H5T_NATIVE_DOUBLE, &c->dt_day) < 0) rc = -1;
    if (a >= 0) H5Aclose(a);
    for (int fld = 0; fld < DERMIS_N_FIELDS && rc == 0; fld++) {
        hid_t d = H5Dopen2(f, dermis_species((dermis_field)fld)->name, H5P_DEFAULT);
        hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
        hsize_t dims[4] = {0}, start[4] = {0}, count[4] = {1, 1, 1, 1};
        int nd = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
        size_t n = 1;
        for (int k = 1; k < nd; k++) n *= dims[k];
        if (nd < 2 || dims[0] == 0 || n != nv) {
            rc = -1;
        } else {
            start[0] = dims[0] - 1;
            for (int k = 1; k < nd; k++) count[k] = dims[k];
            hid_t mem = H5Screate_simple(nd, count, NULL);
            H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL);
            if (H5Dread(d, H5T_NATIVE_DOUBLE, mem, sp, H5P_DEFAULT, c->state + (size_t)fld * nv) < 0) rc = -1;
            H5Sclose(mem);
        }
        if (sp >= 0) H5Sclose(sp);
        if (d >= 0) H5Dclose(d);
    }
    H5Fclose(f);
    return rc;
}

/* The run of the configuration as `dermis run` builds it (app/sim.h), at `threads` threads. */
static dermis_sim *build_sim(const char *config_path, int threads)
{
    FILE *f = fopen(config_path, "rb");
    char *text = NULL, err[512];
    long len = -1;
    if (f && fseek(f, 0, SEEK_END) == 0) len = ftell(f);
    if (f && len >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = calloc((size_t)len + 1, 1)) &&
        fread(text, 1, (size_t)len, f) != (size_t)len) {
        free(text);
        text = NULL;
    }
    if (f) fclose(f);
    if (!text) return NULL;
    int status = 0;
    dermis_sim *sim = dermis_sim_create_from_ini(config_path, text, threads, &status, err, sizeof err);
    if (!sim) fprintf(stderr, "bench_b2: %s\n", err);
    free(text);
    return sim;
}

typedef struct {
    double seconds;
    long rhs, jac;
    unsigned long long checksum;
} b2_result;

/* FNV-1a hash of the state's bytes (as bench_b1). */
static unsigned long long fnv1a(const double *u, size_t n)
{
    const unsigned char *b = (const unsigned char *)u;
    unsigned long long h = 14695981039346656037ULL;
    for (size_t i = 0; i < n * sizeof *u; i++) h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static int by_time(const void *a, const void *b)
{
    double x = ((const b2_result *)a)->seconds, y = ((const b2_result *)b)->seconds;
    return (x > y) - (x < y);
}

/* One repetition: the reaction work of one step from the saved state. */
static int run_once(const b2_case *c, dermis_solver *s, double *u, int split, b2_result *res)
{
    const size_t n = DERMIS_N_FIELDS * dermis_grid_voxels(&c->grid);
    memcpy(u, c->state, n * sizeof *u);
    const dermis_solver_stats *st = dermis_solver_get_stats(s);
    long rhs0 = st->rhs_evaluations, jac0 = st->jacobian_evaluations;
    double t0 = omp_get_wtime();
    int rc = split ? dermis_solver_reaction_step(s, u, 0.0, 0.5 * c->dt_day)
                   : dermis_solver_reaction_step(s, u, 0.0, c->dt_day);
    if (rc == DERMIS_SOLVER_OK && split) rc = dermis_solver_reaction_step(s, u, 0.5 * c->dt_day, 0.5 * c->dt_day);
    res->seconds = omp_get_wtime() - t0;
    res->rhs = st->rhs_evaluations - rhs0;
    res->jac = st->jacobian_evaluations - jac0;
    res->checksum = fnv1a(u, n);
    return rc;
}

int main(int argc, char **argv)
{
    const char *config = NULL, *state = NULL;
    int threads = 1, repeat = 5, split = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--config") == 0) config = argv[i + 1];
        else if (strcmp(argv[i], "--state") == 0) state = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0) threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--repeat") == 0) repeat = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--split") == 0) split = atoi(argv[i + 1]);
        else break;
    }
    if (!config || !state || threads < 1 || repeat < 1 || repeat > B2_REPEAT_MAX) {
        fprintf(stderr, "usage: bench_b2 --config CONFIG --state STATE.nc [--threads N] [--repeat R<=99] [--split 0|1]\n");
        return 2;
    }
    dermis_sim *sim = build_sim(config, threads);
    if (!sim) return 1;
    b2_case c = {.grid = sim->grid};
    const size_t nv = dermis_grid_voxels(&c.grid), n = DERMIS_N_FIELDS * nv;
    c.state = malloc(n * sizeof *c.state);
    if (!c.state || read_state(state, &c) != 0 || !(c.dt_day > 0.0)) {
        fprintf(stderr, "bench_b2: cannot read the state of this grid (%zu voxels) from %s\n", nv, state);
        return 1;
    }
    dermis_solver *s = sim->solver;
    double *u = sim->state;
    b2_result runs[B2_REPEAT_MAX];
    for (int r = 0; r < repeat; r++)
        if (run_once(&c, s, u, split, &runs[r]) != DERMIS_SOLVER_OK) {
            fprintf(stderr, "bench_b2: the reaction step failed\n");
            return 1;
        }
    qsort(runs, (size_t)repeat, sizeof runs[0], by_time);
    const b2_result *m = &runs[repeat / 2];
    printf("{\"problem\":\"B2\",\"config\":\"%s\",\"voxels\":%zu,\"threads\":%d,\"repeat\":%d,\"split\":%d,\"dt_day\":%.6g,"
           "\"voxel_steps_per_s\":%.4e,\"us_per_voxel_step\":%.4f,\"rhs_per_voxel_step\":%.3f,"
           "\"jacobians_per_voxel_step\":%.3f,\"checksum\":\"%016llx\"}\n",
           config, nv, dermis_solver_threads(s), repeat, split, c.dt_day, (double)nv / m->seconds,
           1e6 * m->seconds / (double)nv, (double)m->rhs / (double)nv, (double)m->jac / (double)nv, m->checksum);
    dermis_sim_free(sim);
    free(c.state);
    return 0;
}
