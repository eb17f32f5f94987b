/* make_sample_output: writes a synthetic dermis output file with the real writer (io/output.c),
 * for the script tests (tests/scripts) and the kill test. Every value follows sample_value()
 * below, so a reader can check each frame exactly; tests/scripts/sample_values.py mirrors it.
 *
 * Usage: make_sample_output OUT.nc [--dims 1|2|3] [--frames N] [--float32] [--subset]
 *                                 [--sleep-ms MS] [--fail-status STATUS]
 * Prints "committed <frames>" on stdout (flushed) after each frame is on disk, which is what
 * the kill test compares against. Exit status 0 on success, 1 on any error (message on stderr).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/output.h"
#include "model/species.h"

/* Frames every 7 days; four observable rows per frame interval. */
#define SAMPLE_FRAME_DAYS 7.0
#define SAMPLE_OBS_PER_FRAME 4
/* Values per observable row (see main). */
#define SAMPLE_ROW 9

typedef struct {
    const char *path;
    int dims;
    size_t frames;
    int float32;
    int subset;
    long sleep_ms;
} sample_options;

/* Field s at frame k, voxel (iz, iy, ix): smooth in space (so plots show structure) and
 * distinct per field and frame. Mirrored in tests/scripts/sample_values.py. */
static double sample_value(size_t s, size_t k, size_t iz, size_t iy, size_t ix)
{
    double depth_decay = exp(-0.05 * (double)iz);
    double lateral = 1.0 + 0.25 * cos(0.3 * (double)ix) * cos(0.2 * (double)iy);
    return (double)(s + 1) * (1.0 + (double)k) * depth_decay * lateral;
}

/* Value j of observable row r (j counts the flat row: 4 + 4 + 1 values). Mirrored in tests/scripts/sample_values.py. */
static double sample_observable(size_t j, size_t r)
{
    return (double)(j + 1) * sin(0.1 * (double)r) + (double)j;
}

static int parse_options(int argc, char **argv, sample_options *opt)
{
    *opt = (sample_options){NULL, 2, 13, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dims") == 0 && i + 1 < argc)
            opt->dims = atoi(argv[++i]);
        else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc)
            opt->frames = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--sleep-ms") == 0 && i + 1 < argc)
            opt->sleep_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--float32") == 0)
            opt->float32 = 1;
        else if (strcmp(argv[i], "--subset") == 0)
            opt->subset = 1;
        else if (argv[i][0] != '-' && !opt->path)
            opt->path = argv[i];
        else
            return -1;
    }
    return opt->path && opt->dims >= 1 && opt->dims <= 3 ? 0 : -1;
}

static dermis_grid sample_grid(int dims)
{
    dermis_grid g = {dims, 1, 1, 40, 0.05, DERMIS_LATERAL_PERIODIC};
    if (dims == 2) {
        g.nz = 30;
        g.nx = 24;
    } else if (dims == 3) {
        g.nz = 16;
        g.ny = 10;
        g.nx = 12;
    }
    return g;
}

static void fill_state(const dermis_grid *g, size_t k, double *u)
{
    size_t voxels = dermis_grid_voxels(g);
    for (size_t s = 0; s < DERMIS_N_FIELDS; s++)
        for (size_t iz = 0; iz < g->nz; iz++)
            for (size_t iy = 0; iy < g->ny; iy++)
                for (size_t ix = 0; ix < g->nx; ix++)
                    u[s * voxels + dermis_grid_index(g, ix, iy, iz)] = sample_value(s, k, iz, iy, ix);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int write_run(dermis_output *out, const dermis_grid *g, const sample_options *opt, size_t n_obs,
                     char *err)
{
    double *u = malloc(DERMIS_N_FIELDS * dermis_grid_voxels(g) * sizeof *u);
    double values[SAMPLE_ROW];
    if (!u)
        return -1;
    for (size_t k = 0; k < opt->frames; k++) {
        for (size_t r = k * SAMPLE_OBS_PER_FRAME; r < (k + 1) * SAMPLE_OBS_PER_FRAME; r++) {
            for (size_t j = 0; j < n_obs; j++)
                values[j] = sample_observable(j, r);
            double t_obs = SAMPLE_FRAME_DAYS * (double)r / SAMPLE_OBS_PER_FRAME;
            if (dermis_output_write_observables(out, t_obs, values, err) != 0) {
                free(u);
                return -1;
            }
        }
        fill_state(g, k, u);
        if (dermis_output_write_frame(out, SAMPLE_FRAME_DAYS * (double)k, u, err) != 0) {
            free(u);
            return -1;
        }
        printf("committed %zu\n", k + 1);
        fflush(stdout);
        if (opt->sleep_ms > 0)
            sleep_ms(opt->sleep_ms);
    }
    free(u);
    return 0;
}

int main(int argc, char **argv)
{
    sample_options opt;
    if (parse_options(argc, argv, &opt) != 0) {
        fprintf(stderr, "usage: make_sample_output OUT.nc [--dims 1|2|3] [--frames N] [--float32] [--subset] "
                        "[--sleep-ms MS]\n");
        return 1;
    }
    dermis_grid g = sample_grid(opt.dims);
    dermis_var_meta fields[DERMIS_N_FIELDS];
    int selected[DERMIS_N_FIELDS];
    for (size_t s = 0; s < DERMIS_N_FIELDS; s++) {
        const dermis_species_info *info = dermis_species((dermis_field)s);
        fields[s] = (dermis_var_meta){info->name, info->units, info->long_name, 0};
        /* The subset keeps every other field. */
        selected[s] = !opt.subset || s % 2 == 0;
    }
    /* Row: collagen_change_pct at 4 regions, fibroblasts_mean at 4 regions, inflammation_index. */
    const dermis_var_meta observables[] = {
        {"collagen_change_pct", "percent", "collagen I + III change from the pre-treatment baseline", 1},
        {"fibroblasts_mean", "mm-3", "region mean of fibroblast density (cells per mm^3)", 1},
        {"inflammation_index", "1", "inflammation index", 0},
    };
    const char *const regions[] = {"epidermis", "papillary_dermis", "reticular_dermis", "dermis"};
    const dermis_session_record sessions[] = {
        {0.0, "dermapen", 1.5, 1.2, 3000}, {28.0, "dermapen", 1.5, 1.25, 3100}, {56.0, "dermaroller", 1.0, 0.8, 2500}};
    /* Layers by depth (stratum corneum, epidermis, papillary, reticular dermis, hypodermis). */
    const char *const layer_names[] = {"stratum_corneum", "epidermis", "papillary_dermis", "reticular_dermis",
                                       "hypodermis"};
    unsigned char *layer = malloc(dermis_grid_voxels(&g));
    if (!layer)
        return 1;
    for (size_t iz = 0; iz < g.nz; iz++)
        for (size_t iy = 0; iy < g.ny; iy++)
            for (size_t ix = 0; ix < g.nx; ix++)
                layer[dermis_grid_index(&g, ix, iy, iz)] =
                    (unsigned char)(iz < 1 ? 0 : iz < 3 ? 1 : iz < 6 ? 2 : iz + 3 < g.nz ? 3 : 4);
    const char *keys[] = {"run.dims", "device.depth_mm"};
    const char *values[] = {opt.dims == 1 ? "1" : opt.dims == 2 ? "2" : "3", "1.5"};
    dermis_output_spec spec = {
        .grid = &g,
        .n_fields = DERMIS_N_FIELDS,
        .fields = fields,
        .field_selected = selected,
        .float32 = opt.float32,
        .compression = 4,
        .n_observables = 3,
        .observables = observables,
        .n_regions = 4,
        .region_names = regions,
        .expected_frames = opt.frames,
        .expected_observable_rows = opt.frames * SAMPLE_OBS_PER_FRAME,
        .n_sessions = 3,
        .sessions = sessions,
        .layer = layer,
        .n_layers = 5,
        .layer_names = layer_names,
        .config_ini = "[run]\ndims = 2\n[device]\ndepth_mm = 1.5\n",
        .n_config_keys = 2,
        .config_keys = keys,
        .config_values = values,
        .command_line = "make_sample_output",
        .seed = 42,
        .threads = 1,
    };
    char err[DERMIS_OUTPUT_ERROR_MAX];
    dermis_output *out = dermis_output_create(opt.path, &spec, err);
    free(layer); /* written at create */
    if (!out || write_run(out, &g, &opt, SAMPLE_ROW, err) != 0) {
        fprintf(stderr, "make_sample_output: %s\n", err);
        if (out)
            dermis_output_close(out, "failed", NULL, 0.0, err);
        return 1;
    }
    dermis_solver_stats stats = {100, 3, 5000, 1.0, 0.5, 2.0, 0.01, 1e-4, 0.5, 0, 0};
    if (dermis_output_close(out, "completed", &stats, 1.25, err) != 0) {
        fprintf(stderr, "make_sample_output: %s\n", err);
        return 1;
    }
    return 0;
}
