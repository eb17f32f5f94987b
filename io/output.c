/* The run's output file: a netCDF-4-compatible HDF5 file (CF-1.8) written in SWMR mode, plus
 * its XDMF 3 sidecar. Implements io/output.h; the layout is documented in docs/output.md.
 *
 * Order of operations (why): SWMR forbids creating datasets or attributes once started, so
 * dermis_output_create writes every variable, coordinate, dimension scale and provenance
 * attribute first, then calls H5Fstart_swmr_write. Each frame is then H5Dset_extent + H5Dwrite
 * on every variable and one H5Fflush, after which the frame survives a kill -9. Final
 * attributes (run_status, end time, solver statistics) are written after closing, by reopening
 * the file read-write without SWMR.
 */
#include "io/output.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/h5util.h"
#include "io/xdmf.h"
#include "version.h"

#define ERR_SIZE DERMIS_OUTPUT_ERROR_MAX
/* Largest field chunk: HDF5's default chunk cache is 1 MiB per dataset and larger chunks
 * bypass it. */
#define MAX_CHUNK_BYTES ((size_t)1 << 20)
/* Chunk length of 1-D time series (time, time_obs, observables): 4 KiB of doubles. */
#define SERIES_CHUNK 512
/* gzip level 4: most of the gain of level 9 at a fraction of the time. */
#define DEFLATE_LEVEL 4

struct dermis_output {
    hid_t file;
    char *path;
    char *xmf_path;
    const char *data_file_name;  /* basename of path, as the sidecar refers to it */
    dermis_grid grid;
    int float32;
    size_t n_written;            /* fields written (the selected subset) */
    size_t *state_index;         /* n_written: index of each written field in the state vector */
    char **field_names;          /* n_written copies */
    hid_t *field_dsets;          /* n_written */
    size_t n_obs;
    hid_t *obs_dsets;            /* n_obs */
    hid_t time_dset;
    hid_t time_obs_dset;
    size_t frames;
    size_t obs_rows;
    double *frame_times;         /* frames times, for the sidecar */
    size_t frame_times_cap;
};

/* ---- allocation ---- */

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

char *dermis_output_sidecar_path(const char *path)
{
    size_t n = strlen(path);
    char *x = malloc(n + 5);
    if (!x)
        return NULL;
    memcpy(x, path, n + 1);
    if (n > 3 && strcmp(path + n - 3, ".nc") == 0)
        x[n - 3] = '\0';
    strcat(x, ".xmf");
    return x;
}

static void close_handles(dermis_output *o)
{
    for (size_t k = 0; k < o->n_written; k++)
        if (o->field_dsets[k] >= 0)
            H5Dclose(o->field_dsets[k]);
    for (size_t k = 0; k < o->n_obs; k++)
        if (o->obs_dsets[k] >= 0)
            H5Dclose(o->obs_dsets[k]);
    if (o->time_dset >= 0)
        H5Dclose(o->time_dset);
    if (o->time_obs_dset >= 0)
        H5Dclose(o->time_obs_dset);
    if (o->file >= 0)
        H5Fclose(o->file);
    o->time_dset = o->time_obs_dset = o->file = H5I_INVALID_HID;
    for (size_t k = 0; k < o->n_written; k++)
        o->field_dsets[k] = H5I_INVALID_HID;
    for (size_t k = 0; k < o->n_obs; k++)
        o->obs_dsets[k] = H5I_INVALID_HID;
}

static void output_free(dermis_output *o)
{
    if (!o)
        return;
    close_handles(o);
    for (size_t k = 0; k < o->n_written; k++)
        free(o->field_names ? o->field_names[k] : NULL);
    free(o->field_names);
    free(o->state_index);
    free(o->field_dsets);
    free(o->obs_dsets);
    free(o->frame_times);
    free(o->path);
    free(o->xmf_path);
    free(o);
}

static int spec_valid(const dermis_output_spec *spec, char *err)
{
    const dermis_grid *g = spec->grid;
    if (!g || dermis_grid_validate(g) != 0)
        return dermis_h5_fail(err, ERR_SIZE, "output: invalid grid");
    if ((g->dims == 1 && (g->nx != 1 || g->ny != 1)) || (g->dims == 2 && g->ny != 1) || g->dims < 1 ||
        g->dims > 3)
        return dermis_h5_fail(err, ERR_SIZE, "output: grid sizes do not match a %d-D run", g->dims);
    if (spec->n_fields > 0 && !spec->fields)
        return dermis_h5_fail(err, ERR_SIZE, "output: fields metadata missing");
    if (spec->n_observables > 0 && !spec->observables)
        return dermis_h5_fail(err, ERR_SIZE, "output: observables metadata missing");
    return 0;
}

static dermis_output *output_alloc(const char *path, const dermis_output_spec *spec, char *err)
{
    if (spec_valid(spec, err) != 0)
        return NULL;
    dermis_output *o = calloc(1, sizeof *o);
    if (!o) {
        dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", path);
        return NULL;
    }
    o->file = o->time_dset = o->time_obs_dset = H5I_INVALID_HID;
    o->grid = *spec->grid;
    o->float32 = spec->float32 != 0;
    for (size_t s = 0; s < spec->n_fields; s++)
        o->n_written += !spec->field_selected || spec->field_selected[s];
    o->n_obs = spec->n_observables;
    o->path = copy_string(path);
    o->xmf_path = dermis_output_sidecar_path(path);
    o->state_index = calloc(o->n_written + 1, sizeof *o->state_index);
    o->field_names = calloc(o->n_written + 1, sizeof *o->field_names);
    o->field_dsets = calloc(o->n_written + 1, sizeof *o->field_dsets);
    o->obs_dsets = calloc(o->n_obs + 1, sizeof *o->obs_dsets);
    if (!o->path || !o->xmf_path || !o->state_index || !o->field_names || !o->field_dsets || !o->obs_dsets) {
        o->n_written = 0; /* arrays incomplete: nothing per-field to close or free */
        o->n_obs = 0;
        output_free(o);
        dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", path);
        return NULL;
    }
    for (size_t k = 0; k < o->n_written; k++)
        o->field_dsets[k] = H5I_INVALID_HID;
    for (size_t k = 0; k < o->n_obs; k++)
        o->obs_dsets[k] = H5I_INVALID_HID;
    size_t k = 0;
    for (size_t s = 0; s < spec->n_fields; s++) {
        if (spec->field_selected && !spec->field_selected[s])
            continue;
        o->state_index[k] = s;
        o->field_names[k] = copy_string(spec->fields[s].name);
        if (!o->field_names[k]) {
            output_free(o);
            dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", path);
            return NULL;
        }
        k++;
    }
    const char *slash = strrchr(o->path, '/');
    o->data_file_name = slash ? slash + 1 : o->path;
    return o;
}

/* ---- shapes ---- */

/* Spatial dims of a field dataset, z first: (z), (z, x) or (z, y, x). Returns the rank. */
static int spatial_dims(const dermis_grid *g, hsize_t dims[3])
{
    int r = 0;
    dims[r++] = g->nz;
    if (g->dims == 3)
        dims[r++] = g->ny;
    if (g->dims >= 2)
        dims[r++] = g->nx;
    return r;
}

/* Chunk of one frame, shrunk from the slowest axis on until it fits MAX_CHUNK_BYTES. */
static void field_chunk(const hsize_t *shape, int rank, size_t elem, hsize_t *chunk)
{
    for (int a = 0; a < rank; a++)
        chunk[a] = shape[a];
    for (int a = 0; a < rank; a++) {
        size_t rest = elem;
        for (int b = a + 1; b < rank; b++)
            rest *= (size_t)chunk[b];
        if (rest * (size_t)chunk[a] <= MAX_CHUNK_BYTES)
            return;
        size_t fit = MAX_CHUNK_BYTES / rest;
        chunk[a] = fit > 0 ? fit : 1;
    }
}

/* ---- dataset creation ---- */

/* Creation properties: chunked, shuffle before deflate (shuffle groups bytes of equal
 * significance, which deflate then compresses far better), per-dataset attribute order
 * tracked like netCDF-C does, and optionally a NaN fill value. */
static hid_t make_dcpl(int rank, const hsize_t *chunk, hid_t fill_type, const void *fill)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0)
        return H5I_INVALID_HID;
    if (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0 ||
        H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        (fill && H5Pset_fill_value(dcpl, fill_type, fill) < 0)) {
        H5Pclose(dcpl);
        return H5I_INVALID_HID;
    }
    return dcpl;
}

static hid_t create_dataset(hid_t file, const char *name, hid_t ftype, int rank, const hsize_t *dims,
                            const hsize_t *maxdims, const hsize_t *chunk, hid_t fill_type, const void *fill)
{
    hid_t space = H5Screate_simple(rank, dims, maxdims);
    if (space < 0)
        return H5I_INVALID_HID;
    hid_t dcpl = make_dcpl(rank, chunk, fill_type, fill);
    hid_t d = H5I_INVALID_HID;
    if (dcpl >= 0)
        d = H5Dcreate2(file, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

static int set_var_attrs(hid_t d, const char *units, const char *long_name)
{
    return dermis_h5_set_string(d, "units", units) | dermis_h5_set_string(d, "long_name", long_name);
}

/* A 1-D time axis (time or time_obs): unlimited, chunked, a dimension scale named after itself. */
static hid_t create_time_axis(hid_t file, const char *name, const char *long_name)
{
    hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = SERIES_CHUNK;
    hid_t d = create_dataset(file, name, H5T_IEEE_F64LE, 1, &dims, &maxdims, &chunk, H5T_NATIVE_DOUBLE, NULL);
    if (d < 0)
        return H5I_INVALID_HID;
    /* units "day" (not "days"): xarray keeps the axis float instead of decoding timedelta64. */
    if (H5DSset_scale(d, name) < 0 || set_var_attrs(d, "day", long_name) != 0 ||
        dermis_h5_set_string(d, "axis", "T") != 0 || dermis_h5_set_string(d, "standard_name", "time") != 0) {
        H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

/* A spatial coordinate: voxel centres in mm along one axis. */
static int create_space_axis(hid_t file, const char *name, const char *axis, const char *long_name, size_t n,
                             double dx_mm)
{
    hsize_t dims = n;
    hsize_t chunk = n;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] = ((double)i + 0.5) * dx_mm;
    hid_t d = create_dataset(file, name, H5T_IEEE_F64LE, 1, &dims, NULL, &chunk, H5T_NATIVE_DOUBLE, NULL);
    int status = -1;
    if (d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
        H5DSset_scale(d, name) >= 0 && set_var_attrs(d, "mm", long_name) == 0 &&
        dermis_h5_set_string(d, "axis", axis) == 0) {
        status = 0;
        /* CF: depth grows downward from the skin surface. */
        if (strcmp(name, "z") == 0 && dermis_h5_set_string(d, "positive", "down") != 0)
            status = -1;
    }
    if (d >= 0 && H5Dclose(d) < 0)
        status = -1;
    free(v);
    return status;
}

static int create_coordinates(dermis_output *o)
{
    const dermis_grid *g = &o->grid;
    if (create_space_axis(o->file, "z", "Z", "depth below the skin surface (voxel centre)", g->nz, g->dx_mm) != 0)
        return -1;
    if (g->dims == 3 &&
        create_space_axis(o->file, "y", "Y", "lateral position y (voxel centre)", g->ny, g->dx_mm) != 0)
        return -1;
    if (g->dims >= 2 &&
        create_space_axis(o->file, "x", "X", "lateral position x (voxel centre)", g->nx, g->dx_mm) != 0)
        return -1;
    o->time_dset = create_time_axis(o->file, "time", "simulated time of field frames");
    o->time_obs_dset = create_time_axis(o->file, "time_obs", "simulated time of observable rows");
    return o->time_dset >= 0 && o->time_obs_dset >= 0 ? 0 : -1;
}

/* Attaches the time scale to axis 0 and the spatial scales (by name) to the next axes. */
static int attach_scales(hid_t file, hid_t d, hid_t time_scale, const dermis_grid *g)
{
    if (H5DSattach_scale(d, time_scale, 0) < 0)
        return -1;
    const char *names[3];
    int r = 0;
    names[r++] = "z";
    if (g->dims == 3)
        names[r++] = "y";
    if (g->dims >= 2)
        names[r++] = "x";
    for (int a = 0; a < r; a++) {
        hid_t s = H5Dopen2(file, names[a], H5P_DEFAULT);
        if (s < 0)
            return -1;
        herr_t status = H5DSattach_scale(d, s, (unsigned)(a + 1));
        if (H5Dclose(s) < 0 || status < 0)
            return -1;
    }
    return 0;
}

/* _FillValue must have the variable's own type (netCDF rule) and equal the HDF5 fill value. */
static int set_fill_attr(hid_t d, int float32)
{
    return float32 ? dermis_h5_set_float(d, "_FillValue", (float)NAN) : dermis_h5_set_double(d, "_FillValue", NAN);
}

static int create_field(dermis_output *o, size_t k, const dermis_var_meta *meta)
{
    hsize_t space[3], dims[4], maxdims[4], chunk[4];
    int r = spatial_dims(&o->grid, space);
    size_t elem = o->float32 ? sizeof(float) : sizeof(double);
    dims[0] = 0;
    maxdims[0] = H5S_UNLIMITED;
    chunk[0] = 1;
    for (int a = 0; a < r; a++)
        dims[a + 1] = maxdims[a + 1] = space[a];
    field_chunk(space, r, elem, chunk + 1);
    /* The fill value is given in the file's own type: HDF5's double-to-float conversion of a NaN
     * raises FE_INVALID, which the debug and sanitizer builds trap. */
    double fill = NAN;
    float fill32 = NAN;
    hid_t ftype = o->float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
    hid_t d = create_dataset(o->file, meta->name, ftype, r + 1, dims, maxdims, chunk,
                             o->float32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE,
                             o->float32 ? (const void *)&fill32 : (const void *)&fill);
    o->field_dsets[k] = d;
    if (d < 0)
        return -1;
    if (set_var_attrs(d, meta->units, meta->long_name) != 0 || set_fill_attr(d, o->float32) != 0)
        return -1;
    return attach_scales(o->file, d, o->time_dset, &o->grid);
}

static int create_observable(dermis_output *o, size_t k, const dermis_var_meta *meta)
{
    hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = SERIES_CHUNK;
    double fill = NAN;
    hid_t d = create_dataset(o->file, meta->name, H5T_IEEE_F64LE, 1, &dims, &maxdims, &chunk, H5T_NATIVE_DOUBLE,
                             &fill);
    o->obs_dsets[k] = d;
    if (d < 0)
        return -1;
    if (set_var_attrs(d, meta->units, meta->long_name) != 0 || set_fill_attr(d, 0) != 0)
        return -1;
    return H5DSattach_scale(d, o->time_obs_dset, 0) < 0 ? -1 : 0;
}

static int create_variables(dermis_output *o, const dermis_output_spec *spec, char *err)
{
    size_t k = 0;
    for (size_t s = 0; s < spec->n_fields; s++) {
        if (spec->field_selected && !spec->field_selected[s])
            continue;
        if (create_field(o, k++, &spec->fields[s]) != 0)
            return dermis_h5_fail(err, ERR_SIZE, "%s: cannot create field variable '%s'", o->path,
                                  spec->fields[s].name);
    }
    for (size_t j = 0; j < o->n_obs; j++)
        if (create_observable(o, j, &spec->observables[j]) != 0)
            return dermis_h5_fail(err, ERR_SIZE, "%s: cannot create observable variable '%s'", o->path,
                                  spec->observables[j].name);
    return 0;
}

/* ---- sessions table ---- */

/* The `session` dimension has no coordinate values of its own (session_time is a variable
 * along it): netCDF-4 spells that as a dimension scale with this special NAME. */
#define NETCDF_DIM_ONLY_NAME "This is a netCDF dimension but not a netCDF variable."

static hid_t create_session_dimension(hid_t file, size_t n)
{
    /* An empty table gets an unlimited (size 0) dimension: a fixed dimension of size 0 is not
     * portable across netCDF readers. */
    hsize_t dims = n, maxdims = n > 0 ? n : H5S_UNLIMITED, chunk = n > 0 ? n : 1;
    hid_t d = create_dataset(file, "session", H5T_IEEE_F32LE, 1, &dims, &maxdims, &chunk, 0, NULL);
    if (d >= 0 && H5DSset_scale(d, NETCDF_DIM_ONLY_NAME) < 0) {
        H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

static int write_session_doubles(hid_t file, hid_t scale, const char *name, const char *units, const char *long_name,
                                 size_t n, const double *v)
{
    hsize_t dims = n, maxdims = n > 0 ? n : H5S_UNLIMITED, chunk = n > 0 ? n : 1;
    hid_t d = create_dataset(file, name, H5T_IEEE_F64LE, 1, &dims, &maxdims, &chunk, 0, NULL);
    if (d < 0)
        return -1;
    int status = 0;
    if (n > 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        status = -1;
    if (status == 0 && (set_var_attrs(d, units, long_name) != 0 || H5DSattach_scale(d, scale, 0) < 0))
        status = -1;
    if (H5Dclose(d) < 0)
        status = -1;
    return status;
}

/* The device names: variable-length UTF-8 strings (netCDF-4 NC_STRING). */
static int write_session_devices(hid_t file, hid_t scale, size_t n, const dermis_session_record *rec)
{
    hsize_t dims = n, maxdims = n > 0 ? n : H5S_UNLIMITED, chunk = n > 0 ? n : 1;
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return -1;
    const char **names = calloc(n + 1, sizeof *names);
    int status = -1;
    if (names && H5Tset_size(type, H5T_VARIABLE) >= 0 && H5Tset_cset(type, H5T_CSET_UTF8) >= 0) {
        for (size_t i = 0; i < n; i++)
            names[i] = rec[i].device ? rec[i].device : "";
        hid_t d = create_dataset(file, "session_device", type, 1, &dims, &maxdims, &chunk, 0, NULL);
        if (d >= 0) {
            status = 0;
            if (n > 0 && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0)
                status = -1;
            if (status == 0 && (set_var_attrs(d, "1", "microneedling device of the session") != 0 ||
                                H5DSattach_scale(d, scale, 0) < 0))
                status = -1;
            if (H5Dclose(d) < 0)
                status = -1;
        }
    }
    free(names);
    H5Tclose(type);
    return status;
}

static int write_sessions(dermis_output *o, const dermis_output_spec *spec, char *err)
{
    size_t n = spec->n_sessions;
    double *col = calloc(3 * n + 1, sizeof *col);
    if (!col)
        return dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", o->path);
    double *t = col, *depth = col + n, *eff = col + 2 * n;
    double *channels = malloc((n + 1) * sizeof *channels);
    for (size_t i = 0; i < n; i++) {
        t[i] = spec->sessions[i].time_day;
        depth[i] = spec->sessions[i].depth_mm;
        eff[i] = spec->sessions[i].effective_depth_mm;
        if (channels)
            channels[i] = (double)spec->sessions[i].channels_placed;
    }
    int status = channels ? 0 : -1;
    hid_t scale = status == 0 ? create_session_dimension(o->file, n) : H5I_INVALID_HID;
    if (scale < 0)
        status = -1;
    if (status == 0)
        status = write_session_doubles(o->file, scale, "session_time", "day", "time of the microneedling session", n, t);
    if (status == 0)
        status = write_session_doubles(o->file, scale, "session_depth_mm", "mm", "nominal needle depth setting", n,
                                       depth);
    if (status == 0)
        status = write_session_doubles(o->file, scale, "session_effective_depth_mm", "mm",
                                       "effective penetration depth in tissue", n, eff);
    if (status == 0)
        status = write_session_doubles(o->file, scale, "session_channels", "1", "number of channels placed", n,
                                       channels);
    if (status == 0)
        status = write_session_devices(o->file, scale, n, spec->sessions);
    if (scale >= 0)
        H5Dclose(scale);
    free(channels);
    free(col);
    return status == 0 ? 0 : dermis_h5_fail(err, ERR_SIZE, "%s: cannot write the sessions table", o->path);
}

/* ---- provenance ---- */

static void utc_now(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, n, "unknown");
}

static int write_config_attrs(hid_t root, const dermis_output_spec *spec)
{
    int status = dermis_h5_set_string(root, "config", spec->config_ini ? spec->config_ini : "");
    for (size_t i = 0; i < spec->n_config_keys && status == 0; i++) {
        char name[512];
        snprintf(name, sizeof name, "config.%s", spec->config_keys[i]);
        status = dermis_h5_set_string(root, name, spec->config_values[i] ? spec->config_values[i] : "");
    }
    return status;
}

static int write_provenance(dermis_output *o, const dermis_output_spec *spec, char *err)
{
    char now[64], host[256] = "unknown", history[4096];
    utc_now(now, sizeof now);
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    snprintf(history, sizeof history, "%s: %s", now, spec->command_line ? spec->command_line : "dermis");
    hid_t root = o->file;
    int status = dermis_h5_set_string(root, "Conventions", "CF-1.8") |
                 dermis_h5_set_string(root, "title", "dermis: skin repair after microneedling") |
                 dermis_h5_set_string(root, "source", "dermis " DERMIS_VERSION " " DERMIS_GIT_COMMIT) |
                 dermis_h5_set_string(root, "dermis_version", DERMIS_VERSION) |
                 dermis_h5_set_string(root, "dermis_git_commit", DERMIS_GIT_COMMIT) |
                 dermis_h5_set_string(root, "history", history) |
                 dermis_h5_set_string(root, "command_line", spec->command_line ? spec->command_line : "") |
                 (spec->run_id ? dermis_h5_set_string(root, "run_id", spec->run_id) : 0) |
                 dermis_h5_set_int64(root, "seed", spec->seed) |
                 dermis_h5_set_int64(root, "threads", spec->threads) | dermis_h5_set_string(root, "host", host) |
                 dermis_h5_set_string(root, "start_time", now) | dermis_h5_set_string(root, "end_time", "") |
                 dermis_h5_set_string(root, "run_status", "running") |
                 dermis_h5_set_int64(root, "grid_dims", o->grid.dims) |
                 dermis_h5_set_double(root, "grid_dx_mm", o->grid.dx_mm) |
                 dermis_h5_set_string(root, "grid_lateral_boundary",
                                      o->grid.lateral == DERMIS_LATERAL_PERIODIC ? "periodic" : "zero_flux") |
                 write_config_attrs(root, spec);
    return status == 0 ? 0 : dermis_h5_fail(err, ERR_SIZE, "%s: cannot write provenance attributes", o->path);
}

/* ---- file open/create ---- */

static hid_t create_file(const char *path, char *err)
{
    hid_t fapl = dermis_h5_fapl(0);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t f = H5I_INVALID_HID;
    /* Creation order tracked+indexed: netCDF-C needs it to append to the file. */
    if (fapl >= 0 && fcpl >= 0 &&
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0 &&
        H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0) {
        errno = 0;
        f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
        if (f < 0)
            dermis_h5_fail(err, ERR_SIZE, "%s: cannot create output file%s%s", path, errno ? ": " : "",
                           errno ? strerror(errno) : "");
    } else {
        dermis_h5_fail(err, ERR_SIZE, "%s: cannot set up HDF5 file properties", path);
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    return f;
}

static int start_swmr(dermis_output *o, char *err)
{
    if (H5Fstart_swmr_write(o->file) < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot start SWMR writing", o->path);
    return 0;
}

static int write_sidecar(dermis_output *o, char *err)
{
    dermis_xdmf_spec x = {o->data_file_name, &o->grid, o->n_written, (const char *const *)o->field_names,
                          o->float32, o->frames, o->frame_times};
    return dermis_xdmf_write(o->xmf_path, &x, err, ERR_SIZE);
}

dermis_output *dermis_output_create(const char *path, const dermis_output_spec *spec, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    dermis_h5_quiet();
    dermis_output *o = output_alloc(path, spec, err);
    if (!o)
        return NULL;
    o->file = create_file(path, err);
    if (o->file < 0 || write_provenance(o, spec, err) != 0 ||
        (create_coordinates(o) != 0 && dermis_h5_fail(err, ERR_SIZE, "%s: cannot create coordinates", path)) ||
        create_variables(o, spec, err) != 0 || write_sessions(o, spec, err) != 0 || start_swmr(o, err) != 0 ||
        H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0 || write_sidecar(o, err) != 0) {
        output_free(o);
        return NULL;
    }
    return o;
}

int dermis_output_rename(dermis_output *o, const char *path, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    char *new_path = copy_string(path), *new_xmf = dermis_output_sidecar_path(path);
    if (!new_path || !new_xmf) {
        free(new_path);
        free(new_xmf);
        return dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", path);
    }
    if (rename(o->path, new_path) != 0) {
        int e = errno;
        free(new_path);
        free(new_xmf);
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot move the output into place: %s", path, strerror(e));
    }
    char *old_xmf = o->xmf_path;
    free(o->path);
    o->path = new_path;
    o->xmf_path = new_xmf;
    const char *slash = strrchr(o->path, '/');
    o->data_file_name = slash ? slash + 1 : o->path;
    int status = write_sidecar(o, err);
    unlink(old_xmf);
    free(old_xmf);
    return status;
}

/* ---- appending ---- */

/* Grows dataset d to n_rows along axis 0 and writes one row (row index n_rows - 1) from buf. */
static int append_row(hid_t d, size_t n_rows, const double *buf)
{
    hid_t space = H5Dget_space(d);
    if (space < 0)
        return -1;
    int rank = H5Sget_simple_extent_ndims(space);
    hsize_t dims[4], start[4] = {0, 0, 0, 0}, count[4];
    if (rank < 1 || rank > 4 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        H5Sclose(space);
        return -1;
    }
    H5Sclose(space);
    dims[0] = n_rows;
    if (H5Dset_extent(d, dims) < 0)
        return -1;
    start[0] = n_rows - 1;
    count[0] = 1;
    for (int a = 1; a < rank; a++)
        count[a] = dims[a];
    hid_t fspace = H5Dget_space(d);
    hid_t mspace = H5Screate_simple(rank, count, NULL);
    int status = -1;
    if (fspace >= 0 && mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
        H5Dwrite(d, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf) >= 0)
        status = 0;
    if (fspace >= 0)
        H5Sclose(fspace);
    if (mspace >= 0)
        H5Sclose(mspace);
    return status;
}

static int remember_frame_time(dermis_output *o, double t_day)
{
    if (o->frames >= o->frame_times_cap) {
        size_t cap = o->frame_times_cap ? 2 * o->frame_times_cap : 64;
        double *t = realloc(o->frame_times, cap * sizeof *t);
        if (!t)
            return -1;
        o->frame_times = t;
        o->frame_times_cap = cap;
    }
    o->frame_times[o->frames] = t_day;
    return 0;
}

int dermis_output_write_frame(dermis_output *o, double t_day, const double *u, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    dermis_h5_quiet();
    if (!o || o->file < 0)
        return dermis_h5_fail(err, ERR_SIZE, "output: file is not open");
    if (remember_frame_time(o, t_day) != 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", o->path);
    size_t voxels = dermis_grid_voxels(&o->grid), n = o->frames + 1;
    /* Fields first and the time coordinate last, so a reader that trusts len(time) never sees
     * a frame whose fields are incomplete. HDF5 converts double to float32 when asked. */
    for (size_t k = 0; k < o->n_written; k++)
        if (append_row(o->field_dsets[k], n, u + o->state_index[k] * voxels) != 0)
            return dermis_h5_fail(err, ERR_SIZE, "%s: cannot write frame %zu of '%s' (disk full?)", o->path,
                                  o->frames, o->field_names[k]);
    if (append_row(o->time_dset, n, &t_day) != 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot write frame %zu (disk full?)", o->path, o->frames);
    o->frames = n;
    return write_sidecar(o, err);
}

int dermis_output_write_observables(dermis_output *o, double t_day, const double *values,
                                    char err[DERMIS_OUTPUT_ERROR_MAX])
{
    dermis_h5_quiet();
    if (!o || o->file < 0)
        return dermis_h5_fail(err, ERR_SIZE, "output: file is not open");
    size_t n = o->obs_rows + 1;
    for (size_t j = 0; j < o->n_obs; j++)
        if (append_row(o->obs_dsets[j], n, values + j) != 0)
            return dermis_h5_fail(err, ERR_SIZE, "%s: cannot write observable row %zu (disk full?)", o->path,
                                  o->obs_rows);
    if (append_row(o->time_obs_dset, n, &t_day) != 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot write observable row %zu (disk full?)", o->path,
                              o->obs_rows);
    o->obs_rows = n;
    return 0;
}

size_t dermis_output_frames(const dermis_output *o)
{
    return o ? o->frames : 0;
}

size_t dermis_output_observable_rows(const dermis_output *o)
{
    return o ? o->obs_rows : 0;
}

/* ---- reopen for restart ---- */

/* Opens an existing output read-write; a file left by a killed SWMR writer still carries its
 * "open for writing" flags, so the second attempt clears them like `h5clear -s`. */
static hid_t open_rdwr(const char *path, char *err)
{
    for (int clear = 0; clear <= 1; clear++) {
        hid_t fapl = dermis_h5_fapl(clear);
        if (fapl < 0)
            break;
        hid_t f = H5Fopen(path, H5F_ACC_RDWR, fapl);
        H5Pclose(fapl);
        if (f >= 0)
            return f;
    }
    dermis_h5_fail(err, ERR_SIZE, "%s: cannot reopen output for writing", path);
    return H5I_INVALID_HID;
}

/* Opens a dataset and truncates it to n rows; fails if it holds fewer. */
static hid_t open_truncated(hid_t file, const char *name, size_t n)
{
    hid_t d = H5Lexists(file, name, H5P_DEFAULT) > 0 ? H5Dopen2(file, name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (d < 0)
        return H5I_INVALID_HID;
    hid_t space = H5Dget_space(d);
    hsize_t dims[4];
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    int ok = rank >= 1 && rank <= 4 && H5Sget_simple_extent_dims(space, dims, NULL) >= 0 && dims[0] >= n;
    if (space >= 0)
        H5Sclose(space);
    if (ok) {
        dims[0] = n;
        ok = H5Dset_extent(d, dims) >= 0;
    }
    if (!ok) {
        H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

static int reopen_datasets(dermis_output *o, size_t n_frames, size_t n_obs_rows, const dermis_output_spec *spec,
                           char *err)
{
    o->time_dset = open_truncated(o->file, "time", n_frames);
    o->time_obs_dset = open_truncated(o->file, "time_obs", n_obs_rows);
    if (o->time_dset < 0 || o->time_obs_dset < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: has fewer frames or observable rows than the checkpoint", o->path);
    for (size_t k = 0; k < o->n_written; k++) {
        o->field_dsets[k] = open_truncated(o->file, o->field_names[k], n_frames);
        if (o->field_dsets[k] < 0)
            return dermis_h5_fail(err, ERR_SIZE, "%s: field '%s' missing or shorter than the checkpoint", o->path,
                                  o->field_names[k]);
    }
    for (size_t j = 0; j < o->n_obs; j++) {
        o->obs_dsets[j] = open_truncated(o->file, spec->observables[j].name, n_obs_rows);
        if (o->obs_dsets[j] < 0)
            return dermis_h5_fail(err, ERR_SIZE, "%s: observable '%s' missing or shorter than the checkpoint",
                                  o->path, spec->observables[j].name);
    }
    o->frames = n_frames;
    o->obs_rows = n_obs_rows;
    return 0;
}

/* Reloads the kept frame times so the sidecar lists them again. */
static int reload_frame_times(dermis_output *o, char *err)
{
    o->frame_times_cap = o->frames + 64;
    o->frame_times = malloc(o->frame_times_cap * sizeof *o->frame_times);
    if (!o->frame_times)
        return dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", o->path);
    if (o->frames > 0 && H5Dread(o->time_dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, o->frame_times) < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot read the time coordinate", o->path);
    return 0;
}

dermis_output *dermis_output_reopen(const char *path, const dermis_output_spec *spec, size_t n_frames,
                                    size_t n_obs_rows, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    dermis_h5_quiet();
    dermis_output *o = output_alloc(path, spec, err);
    if (!o)
        return NULL;
    o->file = open_rdwr(path, err);
    if (o->file < 0 || reopen_datasets(o, n_frames, n_obs_rows, spec, err) != 0 || reload_frame_times(o, err) != 0 ||
        (dermis_h5_set_string(o->file, "run_status", "running") != 0 &&
         dermis_h5_fail(err, ERR_SIZE, "%s: cannot update run_status", path)) ||
        start_swmr(o, err) != 0 || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0 || write_sidecar(o, err) != 0) {
        output_free(o);
        return NULL;
    }
    return o;
}

/* ---- close ---- */

static int write_stats(hid_t root, const dermis_solver_stats *st)
{
    if (!st)
        return 0;
    return dermis_h5_set_int64(root, "solver_steps_accepted", st->steps_accepted) |
           dermis_h5_set_int64(root, "solver_steps_rejected", st->steps_rejected) |
           dermis_h5_set_int64(root, "solver_rhs_evaluations", st->rhs_evaluations) |
           dermis_h5_set_double(root, "solver_wall_diffusion_s", st->wall_diffusion_s) |
           dermis_h5_set_double(root, "solver_wall_chemotaxis_s", st->wall_chemotaxis_s) |
           dermis_h5_set_double(root, "solver_wall_reaction_s", st->wall_reaction_s) |
           dermis_h5_set_double(root, "solver_dt_last_day", st->dt_last_day) |
           dermis_h5_set_double(root, "solver_dt_min_used_day", st->dt_min_used_day) |
           dermis_h5_set_double(root, "solver_dt_max_used_day", st->dt_max_used_day);
}

static int write_final_attrs(const char *path, const char *run_status, const dermis_solver_stats *stats,
                             double wall_seconds, size_t frames, size_t obs_rows, char *err)
{
    hid_t fapl = dermis_h5_fapl(0);
    hid_t f = fapl >= 0 ? H5Fopen(path, H5F_ACC_RDWR, fapl) : H5I_INVALID_HID;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (f < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot reopen to record the run status", path);
    char now[64];
    utc_now(now, sizeof now);
    int status = dermis_h5_set_string(f, "run_status", run_status) | dermis_h5_set_string(f, "end_time", now) |
                 dermis_h5_set_double(f, "wall_time_s", wall_seconds) |
                 dermis_h5_set_int64(f, "frames", (long long)frames) |
                 dermis_h5_set_int64(f, "observable_rows", (long long)obs_rows) | write_stats(f, stats);
    if (H5Fclose(f) < 0 || status != 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot record the run status (disk full?)", path);
    return 0;
}

int dermis_output_close(dermis_output *o, const char *run_status, const dermis_solver_stats *stats,
                        double wall_seconds, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    dermis_h5_quiet();
    if (!o)
        return 0;
    int status = 0;
    if (o->file >= 0 && H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        status = dermis_h5_fail(err, ERR_SIZE, "%s: cannot flush the output (disk full?)", o->path);
    close_handles(o);
    if (status == 0)
        status = write_final_attrs(o->path, run_status ? run_status : "completed", stats, wall_seconds, o->frames,
                                   o->obs_rows, err);
    output_free(o);
    return status;
}
