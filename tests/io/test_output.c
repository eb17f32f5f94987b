/* Tests of io/output.c: the netCDF/CF layout of 1-D, 2-D and 3-D outputs read back with the
 * HDF5 API (dimensions, scales, attributes, exact values), float32 storage, the field subset,
 * the XDMF sidecar, error reporting on an unwritable path or a full disk, and restart reopening
 * (truncation, bitwise identity with an uninterrupted run, a file left by a killed writer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/output.h"

#define N_FIELDS 3
#define N_OBS 2
#define N_REGIONS 2
#define ROW (1 + N_REGIONS) /* inflammation_index, collagen_change_pct at each region */

typedef struct {
    dermis_grid grid;
    dermis_var_meta fields[N_FIELDS];
    int selected[N_FIELDS];
    dermis_var_meta observables[N_OBS];
    dermis_session_record sessions[2];
    const char *keys[2];
    const char *values[2];
    dermis_output_spec spec;
} fixture;

static const char *const region_names[N_REGIONS] = {"papillary_dermis", "dermis"};

/* Known values: field s, frame k, voxel v. Exactly representable in float32 too. */
static double value_at(size_t s, size_t k, size_t v)
{
    return (double)(s * 1000 + k * 100) + 0.25 * (double)v;
}

static void fixture_init(fixture *fx, int dims)
{
    memset(fx, 0, sizeof *fx);
    fx->grid = (dermis_grid){dims, dims >= 2 ? 5 : 1, dims == 3 ? 4 : 1, 6, 0.1, DERMIS_LATERAL_PERIODIC};
    fx->fields[0] = (dermis_var_meta){"damage", "1", "injured tissue fraction", 0};
    fx->fields[1] = (dermis_var_meta){"fibroblasts", "mm-3", "fibroblast density (cells per mm^3)", 0};
    fx->fields[2] = (dermis_var_meta){"collagen_I", "mg cm-3", "type I collagen density", 0};
    for (int s = 0; s < N_FIELDS; s++)
        fx->selected[s] = 1;
    fx->observables[0] = (dermis_var_meta){"inflammation_index", "1", "inflammation index", 0};
    fx->observables[1] = (dermis_var_meta){"collagen_change_pct", "percent", "collagen change", 1};
    fx->sessions[0] = (dermis_session_record){0.0, "dermapen", 1.5, 1.2, 100};
    fx->sessions[1] = (dermis_session_record){28.0, "dermaroller", 1.0, 0.8, 50};
    fx->keys[0] = "run.dims";
    fx->values[0] = "2";
    fx->keys[1] = "treatment.session_days";
    fx->values[1] = "0, 28";
    fx->spec = (dermis_output_spec){
        .grid = &fx->grid,
        .n_fields = N_FIELDS,
        .fields = fx->fields,
        .field_selected = fx->selected,
        .compression = 4,
        .n_observables = N_OBS,
        .observables = fx->observables,
        .n_regions = N_REGIONS,
        .region_names = region_names,
        .expected_frames = 4,
        .expected_observable_rows = 4,
        .n_sessions = 2,
        .sessions = fx->sessions,
        .config_ini = "[run]\ndims = 2\n",
        .n_config_keys = 2,
        .config_keys = fx->keys,
        .config_values = fx->values,
        .command_line = "dermis run test.ini",
        .seed = 7,
        .threads = 2,
    };
}

static void write_frames(dermis_output *o, const fixture *fx, size_t from, size_t to)
{
    size_t voxels = dermis_grid_voxels(&fx->grid);
    double *u = malloc(N_FIELDS * voxels * sizeof *u);
    char err[DERMIS_OUTPUT_ERROR_MAX];
    assert_non_null(u);
    for (size_t k = from; k < to; k++) {
        for (size_t s = 0; s < N_FIELDS; s++)
            for (size_t v = 0; v < voxels; v++)
                u[s * voxels + v] = value_at(s, k, v);
        double obs[ROW] = {(double)k, -(double)k, -(double)k - 0.5};
        assert_int_equal(dermis_output_write_observables(o, 0.5 * (double)k, obs, err), 0);
        assert_int_equal(dermis_output_write_frame(o, 7.0 * (double)k, u, err), 0);
    }
    free(u);
}

static void write_file(const char *path, fixture *fx, size_t frames)
{
    char err[DERMIS_OUTPUT_ERROR_MAX];
    dermis_output *o = dermis_output_create(path, &fx->spec, err);
    if (!o)
        fail_msg("%s", err);
    write_frames(o, fx, 0, frames);
    assert_int_equal(dermis_output_frames(o), frames);
    assert_int_equal(dermis_output_observable_rows(o), frames);
    dermis_solver_stats stats = {10, 1, 200, 0.1, 0.2, 0.3, 0.01, 0.001, 0.5, 0, 0};
    assert_int_equal(dermis_output_close(o, "completed", &stats, 2.5, err), 0);
}

static hid_t open_ro(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

static void assert_string_attr(hid_t f, const char *obj, const char *name, const char *expected)
{
    char buf[4096];
    assert_true(H5LTget_attribute_string(f, obj, name, buf) >= 0);
    assert_string_equal(buf, expected);
}

/* Checks rank, dims, and that dimension scale names on each axis are as expected. */
static void assert_dims(hid_t f, const char *name, int rank, const hsize_t *dims, const char *const *axes)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t space = H5Dget_space(d);
    hsize_t got[4];
    assert_int_equal(H5Sget_simple_extent_ndims(space), rank);
    H5Sget_simple_extent_dims(space, got, NULL);
    H5Sclose(space);
    for (int a = 0; a < rank; a++) {
        assert_int_equal(got[a], dims[a]);
        hid_t scale = H5Dopen2(f, axes[a], H5P_DEFAULT);
        assert_true(scale >= 0);
        assert_int_equal(H5DSis_attached(d, scale, (unsigned)a), 1);
        H5Dclose(scale);
    }
    H5Dclose(d);
}

static void check_file(const char *path, const fixture *fx, size_t frames)
{
    hid_t f = open_ro(path);
    const dermis_grid *g = &fx->grid;
    hsize_t dims[4] = {frames, g->nz, 0, 0};
    const char *axes[4] = {"time", "z", NULL, NULL};
    int rank = 2;
    if (g->dims == 3) {
        dims[rank] = g->ny;
        axes[rank++] = "y";
    }
    if (g->dims >= 2) {
        dims[rank] = g->nx;
        axes[rank++] = "x";
    }
    assert_int_equal(H5Lexists(f, "y", H5P_DEFAULT) > 0, g->dims == 3);
    assert_int_equal(H5Lexists(f, "x", H5P_DEFAULT) > 0, g->dims >= 2);
    size_t voxels = dermis_grid_voxels(g);
    double *buf = malloc(frames * voxels * sizeof *buf);
    for (size_t s = 0; s < N_FIELDS; s++) {
        if (!fx->selected[s]) {
            assert_false(H5Lexists(f, fx->fields[s].name, H5P_DEFAULT) > 0);
            continue;
        }
        assert_dims(f, fx->fields[s].name, rank, dims, axes);
        assert_string_attr(f, fx->fields[s].name, "units", fx->fields[s].units);
        assert_string_attr(f, fx->fields[s].name, "long_name", fx->fields[s].long_name);
        assert_true(H5LTread_dataset_double(f, fx->fields[s].name, buf) >= 0);
        for (size_t k = 0; k < frames; k++)
            for (size_t v = 0; v < voxels; v++)
                assert_true(buf[k * voxels + v] == value_at(s, k, v));
    }
    free(buf);
    double t[64], obs[64 * N_REGIONS];
    hsize_t obs_dims[2] = {frames, N_REGIONS};
    const char *obs_axes[2] = {"/observables/time", "/observables/region"};
    assert_true(H5LTread_dataset_double(f, "time", t) >= 0);
    for (size_t k = 0; k < frames; k++)
        assert_true(t[k] == 7.0 * (double)k);
    assert_dims(f, "/observables/inflammation_index", 1, obs_dims, obs_axes);
    assert_dims(f, "/observables/collagen_change_pct", 2, obs_dims, obs_axes);
    assert_true(H5LTread_dataset_double(f, "/observables/collagen_change_pct", obs) >= 0);
    for (size_t k = 0; k < frames; k++) {
        assert_true(obs[k * N_REGIONS] == -(double)k);
        assert_true(obs[k * N_REGIONS + 1] == -(double)k - 0.5);
    }
    assert_true(H5LTread_dataset_double(f, "/observables/time", t) >= 0);
    for (size_t k = 0; k < frames; k++)
        assert_true(t[k] == 0.5 * (double)k);
    assert_string_attr(f, "time", "units", "day");
    assert_string_attr(f, "time", "axis", "T");
    assert_string_attr(f, "/observables/time", "units", "day");
    assert_false(H5Lexists(f, "time_obs", H5P_DEFAULT) > 0); /* one T axis per group */
    assert_string_attr(f, "z", "units", "mm");
    assert_string_attr(f, "z", "positive", "down");
    assert_string_attr(f, "/", "Conventions", "CF-1.8");
    assert_string_attr(f, "/", "run_status", "completed");
    assert_string_attr(f, "/", "config", "[run]\ndims = 2\n");
    double config_value[2] = {0, 0};
    assert_true(H5LTget_attribute_double(f, "/", "config.run.dims", config_value) >= 0);
    assert_true(config_value[0] == 2.0); /* numbers are numeric attributes */
    assert_true(H5LTget_attribute_double(f, "/", "config.treatment.session_days", config_value) >= 0);
    assert_true(config_value[0] == 0.0 && config_value[1] == 28.0);
    assert_string_attr(f, "/sessions/session_time", "units", "day");
    assert_false(H5Aexists_by_name(f, "/sessions/session_device", "units", H5P_DEFAULT) > 0);
    H5Fclose(f);
}

static void check_layout_of_dims(int dims)
{
    fixture fx;
    fixture_init(&fx, dims);
    char path[64];
    snprintf(path, sizeof path, "test_output_%dd.nc", dims);
    write_file(path, &fx, 4);
    check_file(path, &fx, 4);
}

static void test_layout_1d(void **state)
{
    (void)state;
    check_layout_of_dims(1);
}

static void test_layout_2d(void **state)
{
    (void)state;
    check_layout_of_dims(2);
}

static void test_layout_3d(void **state)
{
    (void)state;
    check_layout_of_dims(3);
}

static void test_chunking_and_fill(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 3);
    write_file("test_output_props.nc", &fx, 1);
    hid_t f = open_ro("test_output_props.nc");
    hid_t d = H5Dopen2(f, "fibroblasts", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(d);
    hsize_t chunk[4];
    assert_int_equal(H5Pget_chunk(dcpl, 4, chunk), 4);
    assert_int_equal(chunk[0], 1);
    assert_int_equal(H5Pget_nfilters(dcpl), 2); /* shuffle + deflate */
    double fill = 0.0;
    assert_true(H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0);
    assert_true(isnan(fill));
    double attr_fill = 0.0;
    assert_true(H5LTget_attribute_double(f, "fibroblasts", "_FillValue", &attr_fill) >= 0);
    assert_true(isnan(attr_fill));
    hid_t fapl = H5Fget_access_plist(f);
    H5F_libver_t lo, hi;
    H5Pget_libver_bounds(fapl, &lo, &hi);
    H5Pclose(fapl);
    H5Pclose(dcpl);
    H5Dclose(d);
    H5Fclose(f);
}

static void test_float32_subset(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 2);
    fx.spec.float32 = 1;
    fx.selected[1] = 0;
    write_file("test_output_f32.nc", &fx, 3);
    check_file("test_output_f32.nc", &fx, 3);
    hid_t f = open_ro("test_output_f32.nc");
    hid_t d = H5Dopen2(f, "collagen_I", H5P_DEFAULT);
    hid_t t = H5Dget_type(d);
    assert_int_equal(H5Tget_size(t), 4);
    hid_t a = H5Aopen(d, "_FillValue", H5P_DEFAULT);
    hid_t at = H5Aget_type(a);
    assert_int_equal(H5Tget_size(at), 4); /* _FillValue has the variable's type */
    H5Tclose(at);
    H5Aclose(a);
    H5Tclose(t);
    H5Dclose(d);
    H5Fclose(f);
}

static void test_sidecar(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 3);
    write_file("test_output_xmf.nc", &fx, 3);
    FILE *x = fopen("test_output_xmf.xmf", "r");
    assert_non_null(x);
    char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, x);
    text[n] = '\0';
    fclose(x);
    assert_non_null(strstr(text, "<Xdmf Version=\"3.0\">"));
    assert_non_null(strstr(text, "Dimensions=\"7 5 6\""));
    assert_non_null(strstr(text, "test_output_xmf.nc:/fibroblasts|2 0 0 0:1 1 1 1:1 6 4 5:3 6 4 5"));
    assert_null(strstr(text, "frame_3"));
}

/* Writing under a temporary name and moving the live output into place keeps every frame, and
 * the sidecar follows: written under the new name, pointing at the new data file. */
static void test_rename_while_writing(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 2);
    char err[DERMIS_OUTPUT_ERROR_MAX];
    remove("test_output_moved.nc");
    dermis_output *o = dermis_output_create("test_output_tmpname.nc", &fx.spec, err);
    assert_non_null(o);
    write_frames(o, &fx, 0, 1);
    if (dermis_output_rename(o, "test_output_moved.nc", err) != 0)
        fail_msg("%s", err);
    write_frames(o, &fx, 1, 3);
    assert_int_equal(dermis_output_close(o, "completed", NULL, 1.0, err), 0);
    check_file("test_output_moved.nc", &fx, 3);
    assert_int_equal(access("test_output_tmpname.nc", F_OK), -1);
    assert_int_equal(access("test_output_tmpname.xmf", F_OK), -1);
    FILE *x = fopen("test_output_moved.xmf", "r");
    assert_non_null(x);
    char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, x);
    text[n] = '\0';
    fclose(x);
    assert_non_null(strstr(text, "/test_output_moved.nc:/fibroblasts|2 0 0:1 1 1:1 6 5:3 6 5"));
    assert_null(strstr(text, "tmpname"));
}

static void test_unwritable_path(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 1);
    char err[DERMIS_OUTPUT_ERROR_MAX] = "";
    dermis_output *o = dermis_output_create("/nonexistent-dir/out.nc", &fx.spec, err);
    assert_null(o);
    assert_true(strlen(err) > 0);
    assert_null(strchr(err, '\n'));
    assert_non_null(strstr(err, "/nonexistent-dir/out.nc"));
}

static void test_invalid_grid(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 1);
    fx.grid.nx = 3; /* a 1-D run must have nx == 1 */
    char err[DERMIS_OUTPUT_ERROR_MAX] = "";
    assert_null(dermis_output_create("test_output_bad.nc", &fx.spec, err));
    assert_true(strlen(err) > 0);
}

/* Restart: write 5 frames, reopen keeping 3, write frames 3..5 again: identical to a straight run. */
static void test_reopen_truncates(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 2);
    char err[DERMIS_OUTPUT_ERROR_MAX];
    write_file("test_output_straight.nc", &fx, 6);
    dermis_output *o = dermis_output_create("test_output_restart.nc", &fx.spec, err);
    assert_non_null(o);
    write_frames(o, &fx, 0, 5);
    assert_int_equal(dermis_output_close(o, "interrupted", NULL, 1.0, err), 0);
    o = dermis_output_reopen("test_output_restart.nc", &fx.spec, 3, 3, err);
    if (!o)
        fail_msg("%s", err);
    assert_int_equal(dermis_output_frames(o), 3);
    write_frames(o, &fx, 3, 6);
    assert_int_equal(dermis_output_close(o, "completed", NULL, 1.0, err), 0);
    check_file("test_output_restart.nc", &fx, 6);
}

static void test_reopen_refuses_short_file(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 1);
    char err[DERMIS_OUTPUT_ERROR_MAX] = "";
    write_file("test_output_short.nc", &fx, 2);
    assert_null(dermis_output_reopen("test_output_short.nc", &fx.spec, 5, 2, err));
    assert_true(strlen(err) > 0);
}

/* A writer that dies without closing leaves the SWMR "open for write" flags set; reopening for
 * a restart must still work and keep every flushed frame. */
static void test_reopen_after_kill(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 3);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[DERMIS_OUTPUT_ERROR_MAX];
        dermis_output *o = dermis_output_create("test_output_killed.nc", &fx.spec, err);
        if (!o)
            _exit(1);
        write_frames(o, &fx, 0, 3);
        raise(SIGKILL);
        _exit(2);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    char err[DERMIS_OUTPUT_ERROR_MAX];
    dermis_output *o = dermis_output_reopen("test_output_killed.nc", &fx.spec, 2, 2, err);
    if (!o)
        fail_msg("%s", err);
    write_frames(o, &fx, 2, 4);
    assert_int_equal(dermis_output_close(o, "completed", NULL, 1.0, err), 0);
    check_file("test_output_killed.nc", &fx, 4);
}

/* A full disk (simulated with RLIMIT_FSIZE) gives an error, and the frames before stay intact. */
static void test_disk_full(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 3);
    fx.grid.nx = 40;
    fx.grid.ny = 40;
    fx.grid.nz = 20;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[DERMIS_OUTPUT_ERROR_MAX];
        signal(SIGXFSZ, SIG_IGN);
        dermis_output *o = dermis_output_create("test_output_full.nc", &fx.spec, err);
        if (!o)
            _exit(1);
        write_frames(o, &fx, 0, 2);
        /* Room for a little more than what is written; random data does not compress. */
        struct stat st;
        stat("test_output_full.nc", &st);
        rlim_t room = (rlim_t)st.st_size + (1 << 18);
        struct rlimit lim = {room, room};
        setrlimit(RLIMIT_FSIZE, &lim);
        size_t voxels = dermis_grid_voxels(&fx.grid);
        double *u = malloc(N_FIELDS * voxels * sizeof *u);
        unsigned long long lcg = 12345;
        for (size_t i = 0; i < N_FIELDS * voxels; i++) {
            lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
            u[i] = (double)(lcg >> 11);
        }
        int failed = 0;
        for (int k = 0; k < 50 && !failed; k++)
            failed = dermis_output_write_frame(o, 100.0 + k, u, err) != 0;
        free(u);
        _exit(failed && strlen(err) > 0 && !strchr(err, '\n') ? 0 : 3);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    hid_t f = H5Fopen("test_output_full.nc", H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    assert_true(f >= 0);
    size_t voxels = dermis_grid_voxels(&fx.grid);
    double *frame = malloc(voxels * sizeof *frame);
    hid_t d = H5Dopen2(f, "collagen_I", H5P_DEFAULT);
    hid_t space = H5Dget_space(d);
    hsize_t start[4] = {1, 0, 0, 0}, count[4] = {1, fx.grid.nz, fx.grid.ny, fx.grid.nx};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t mem = H5Screate_simple(4, count, NULL);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, frame) >= 0);
    for (size_t v = 0; v < voxels; v++)
        assert_true(frame[v] == value_at(2, 1, v));
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    free(frame);
}

int main(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_1d),
        cmocka_unit_test(test_layout_2d),
        cmocka_unit_test(test_layout_3d),
        cmocka_unit_test(test_chunking_and_fill),
        cmocka_unit_test(test_float32_subset),
        cmocka_unit_test(test_sidecar),
        cmocka_unit_test(test_rename_while_writing),
        cmocka_unit_test(test_unwritable_path),
        cmocka_unit_test(test_invalid_grid),
        cmocka_unit_test(test_reopen_truncates),
        cmocka_unit_test(test_reopen_refuses_short_file),
        cmocka_unit_test(test_reopen_after_kill),
        cmocka_unit_test(test_disk_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
