/* Benchmark B2: the per-voxel reaction kernel (kinetics + implicit per-voxel integration) on a
 * realistic saved state, without transport.
 *
 *   bench_b2 --config configs/default.ini --state STATE.nc [--threads N] [--repeat R]
 *
 * STATE.nc is a dermis output file; its last frame is the state (bench/run_b2.sh writes the
 * default scenario at day 3: fresh channels, healing tissue and intact skin side by side). One
 * "voxel-step" is the reaction work of one Strang step for one voxel: two reaction half steps
 * of dt/2, with dt the step the adaptive run had taken last (the file's solver_dt_last_day).
 * Each repetition restarts from the saved state. Prints one JSON line: the median rate over the
 * repetitions in voxel-steps per second (voxels at rest included, as in a run) and the rhs and
 * Jacobian evaluations per voxel-step. Units: mm, day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <omp.h>

#include "io/config.h"
#include "model/lesion.h"
#include "model/model.h"
#include "model/sites.h"
#include "model/topical.h"
#include "solver/solver.h"

#define B2_REPEAT_MAX 99

typedef struct {
    dermis_grid grid;
    dermis_skin_profile skin;
    dermis_tissue tissue;
    dermis_model *model;
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

static size_t voxels_along(double extent_mm, double dx_mm)
{
    const double n = extent_mm / dx_mm + 0.5;
    return n < 1.0 ? 1 : (size_t)n;
}

/* The grid, tissue and model of the configuration, as `dermis run` builds them (app/run.c). */
static int build_case(const char *config_path, b2_case *c)
{
    char err[DERMIS_CONFIG_ERROR_MAX];
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_config_origin *origin = dermis_config_origin_alloc();
    int rc = cfg && origin ? 0 : -1;
    if (rc == 0) {
        dermis_config_defaults(cfg);
        if (dermis_config_read_file(cfg, origin, config_path, err) != 0 || dermis_config_finish(cfg, origin, err) != 0) {
            fprintf(stderr, "bench_b2: %s\n", err);
            rc = -1;
        }
    }
    if (rc == 0) {
        const dermis_run_options_cfg *r = &cfg->run;
        c->grid = (dermis_grid){.dims = (int)r->dims, .dx_mm = r->dx_mm, .nz = voxels_along(r->depth_mm, r->dx_mm),
                                .nx = r->dims >= 2 ? voxels_along(r->width_mm, r->dx_mm) : 1,
                                .ny = r->dims == 3 ? voxels_along(r->length_mm, r->dx_mm) : 1,
                                .lateral = r->lateral_boundary == 0 ? DERMIS_LATERAL_PERIODIC : DERMIS_LATERAL_ZERO_FLUX};
        int status = 0;
        char msg[DERMIS_CONFIG_ERROR_MAX];
        if (dermis_skin_profile_from_params(&cfg->protocol.skin, &c->skin) != 0 ||
            dermis_tissue_alloc(&c->tissue, &c->grid, &c->skin) != 0 ||
            dermis_lesion_apply(&c->tissue, &cfg->protocol.lesion, &c->skin) != 0 ||
            !(c->model = dermis_model_alloc(&cfg->model, &c->tissue, &status, msg, sizeof msg)) ||
            dermis_model_set_atol_scale(c->model, cfg->solver.atol_scale) != DERMIS_MODEL_OK ||
            dermis_topical_configure_model(c->model, &cfg->protocol.topical) != DERMIS_MODEL_OK)
            rc = -1;
    }
    free(cfg);
    dermis_config_origin_free(origin);
    return rc;
}

typedef struct {
    double seconds;
    long rhs, jac;
} b2_result;

static int by_time(const void *a, const void *b)
{
    double x = ((const b2_result *)a)->seconds, y = ((const b2_result *)b)->seconds;
    return (x > y) - (x < y);
}

/* One repetition: both reaction halves of one step from the saved state. */
static int run_once(const b2_case *c, dermis_solver *s, double *u, b2_result *res)
{
    const size_t n = DERMIS_N_FIELDS * dermis_grid_voxels(&c->grid);
    memcpy(u, c->state, n * sizeof *u);
    const dermis_solver_stats *st = dermis_solver_get_stats(s);
    long rhs0 = st->rhs_evaluations, jac0 = st->jacobian_evaluations;
    double t0 = omp_get_wtime();
    int rc = dermis_solver_reaction_step(s, u, 0.0, 0.5 * c->dt_day);
    if (rc == DERMIS_SOLVER_OK) rc = dermis_solver_reaction_step(s, u, 0.5 * c->dt_day, 0.5 * c->dt_day);
    res->seconds = omp_get_wtime() - t0;
    res->rhs = st->rhs_evaluations - rhs0;
    res->jac = st->jacobian_evaluations - jac0;
    return rc;
}

int main(int argc, char **argv)
{
    const char *config = NULL, *state = NULL;
    int threads = 1, repeat = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--config") == 0) config = argv[i + 1];
        else if (strcmp(argv[i], "--state") == 0) state = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0) threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--repeat") == 0) repeat = atoi(argv[i + 1]);
        else break;
    }
    if (!config || !state || threads < 1 || repeat < 1 || repeat > B2_REPEAT_MAX) {
        fprintf(stderr, "usage: bench_b2 --config CONFIG --state STATE.nc [--threads N] [--repeat R<=99]\n");
        return 2;
    }
    b2_case c = {0};
    if (build_case(config, &c) != 0) {
        fprintf(stderr, "bench_b2: cannot build the model of %s\n", config);
        return 1;
    }
    const size_t nv = dermis_grid_voxels(&c.grid), n = DERMIS_N_FIELDS * nv;
    c.state = malloc(n * sizeof *c.state);
    double *u = malloc(n * sizeof *u);
    if (!c.state || !u || read_state(state, &c) != 0 || !(c.dt_day > 0.0)) {
        fprintf(stderr, "bench_b2: cannot read the state of this grid (%zu voxels) from %s\n", nv, state);
        return 1;
    }
    dermis_problem pb;
    dermis_model_problem(c.model, &pb);
    /* The reaction step never looks at boundaries: zero-flux faces spare a boundary callback. */
    dermis_field_spec fields[DERMIS_N_FIELDS];
    for (size_t f = 0; f < DERMIS_N_FIELDS; f++) {
        fields[f] = pb.fields[f];
        fields[f].top = fields[f].bottom = (dermis_bc){.type = DERMIS_BC_ZERO_FLUX};
    }
    pb.fields = fields;
    const dermis_solver_options opt = {.rtol = 1e-3, .dt_initial_day = c.dt_day, .dt_max_day = c.dt_day,
                                       .max_steps = 1, .threads = threads};
    int status = 0;
    dermis_solver *s = dermis_solver_alloc(&c.grid, &pb, &opt, &status);
    if (!s) {
        fprintf(stderr, "bench_b2: solver: %s\n", dermis_solver_strerror(status));
        return 1;
    }
    b2_result runs[B2_REPEAT_MAX];
    for (int r = 0; r < repeat; r++)
        if (run_once(&c, s, u, &runs[r]) != DERMIS_SOLVER_OK) {
            fprintf(stderr, "bench_b2: the reaction step failed\n");
            return 1;
        }
    qsort(runs, (size_t)repeat, sizeof runs[0], by_time);
    const b2_result *m = &runs[repeat / 2];
    printf("{\"problem\":\"B2\",\"config\":\"%s\",\"voxels\":%zu,\"threads\":%d,\"repeat\":%d,\"dt_day\":%.6g,"
           "\"voxel_steps_per_s\":%.4e,\"us_per_voxel_step\":%.4f,\"rhs_per_voxel_step\":%.3f,"
           "\"jacobians_per_voxel_step\":%.3f}\n",
           config, nv, dermis_solver_threads(s), repeat, c.dt_day, (double)nv / m->seconds,
           1e6 * m->seconds / (double)nv, (double)m->rhs / (double)nv, (double)m->jac / (double)nv);
    dermis_solver_free(s);
    dermis_model_free(c.model);
    dermis_tissue_free(&c.tissue);
    free(c.state);
    free(u);
    return 0;
}
