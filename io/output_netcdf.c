/* The netCDF-4-compatible HDF5 output (CF-1.8), an output writer (io/output_writer.h). The
 * layout is documented in docs/output.md:
 *   /              fields (time, z[, y][, x]), their coordinates, provenance attributes
 *   /observables   every observable along its own time axis, per-region ones along `region`
 *   /sessions      the sessions table
 *
 * Order of operations (why): SWMR forbids creating datasets or attributes once started, so
 * create writes every variable, coordinate, dimension scale and provenance attribute first, then
 * calls H5Fstart_swmr_write. Each frame is then H5Dset_extent + H5Dwrite on every variable and
 * one H5Fflush, after which the frame survives a kill -9. Final attributes (run_status, end
 * time, solver statistics) are written after closing, by reopening the file without SWMR.
 *
 * Size (why): the time series are appended one row at a time. They are stored uncompressed in
 * chunks sized for the expected number of rows, so every append rewrites its chunk in place; a
 * compressed chunk would be reallocated on every append and leave the old copy as dead space
 * (the cause of 68 MB files holding 1.7 MB of data). Fields are written one whole frame (chunk)
 * at a time, once, so they may be compressed.
 *
 * Full disk (why): an HDF5 flush or close that fails for lack of room leaves a broken file id
 * (and the library crashed on it at exit). So the writer never lets HDF5 meet a full disk:
 * before each append it reserves, beyond the end of the file, room for the append plus a margin
 * for closing (fallocate KEEP_SIZE: blocks allocated, size unchanged). If that reservation
 * fails, the append is refused before anything is written and the run ends cleanly with every
 * complete frame; the margin is released at close.
 */
#define _GNU_SOURCE /* fallocate */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/h5util.h"
#include "io/output_writer.h"
#include "model/message.h"
#include "version.h"

#define ERR_SIZE DERMIS_OUTPUT_ERROR_MAX
/* Largest field chunk: HDF5's default chunk cache is 1 MiB per dataset and larger chunks
 * bypass it. */
#define MAX_CHUNK_BYTES ((size_t)1 << 20)
/* Rows per time-series chunk when the expected count is unknown, and the most per chunk. */
#define SERIES_CHUNK_DEFAULT 512
#define SERIES_CHUNK_MAX 16384
#define OBS_GROUP "observables"
#define SESSIONS_GROUP "sessions"
/* Room kept free beyond the file for dropping a partial frame, closing and recording the
 * run status. */
#define CLOSE_MARGIN_BYTES ((off_t)1 << 17)
#define TIME_LONG_NAME "time since the start of the run (0 = the untreated baseline)"

typedef struct {
    hid_t file;
    hid_t obs_group;
    char *path;
    dermis_grid grid;
    int float32;
    size_t n_written;            /* fields written (the selected subset) */
    size_t *state_index;         /* n_written: index of each written field in the state vector */
    char **field_names;          /* n_written copies */
    hid_t *field_dsets;          /* n_written */
    size_t n_obs;
    hid_t *obs_dsets;            /* n_obs */
    size_t *obs_width;           /* n_obs: values per row (1 or n_regions) */
    hid_t time_dset;
    hid_t obs_time_dset;
    size_t frames;
    size_t rows;
    off_t frame_bytes;           /* upper bound of the file growth of one frame */
} nc_writer;

/* ---- allocation ---- */


static void close_id(hid_t *id, herr_t (*close)(hid_t))
{
    if (*id >= 0)
        close(*id);
    *id = H5I_INVALID_HID;
}

/* Closes every handle; returns -1 if the file itself could not be closed cleanly. */
static int close_handles(nc_writer *w)
{
    for (size_t k = 0; k < w->n_written; k++)
        close_id(&w->field_dsets[k], H5Dclose);
    for (size_t k = 0; k < w->n_obs; k++)
        close_id(&w->obs_dsets[k], H5Dclose);
    close_id(&w->time_dset, H5Dclose);
    close_id(&w->obs_time_dset, H5Dclose);
    close_id(&w->obs_group, H5Gclose);
    int status = 0;
    if (w->file >= 0 && H5Fclose(w->file) < 0)
        status = -1;
    w->file = H5I_INVALID_HID;
    return status;
}

static void writer_free(nc_writer *w)
{
    if (!w)
        return;
    close_handles(w);
    for (size_t k = 0; k < w->n_written; k++)
        free(w->field_names ? w->field_names[k] : NULL);
    free(w->field_names);
    free(w->state_index);
    free(w->field_dsets);
    free(w->obs_dsets);
    free(w->obs_width);
    free(w->path);
    free(w);
}

static int spec_valid(const dermis_output_spec *spec, char *err)
{
    const dermis_grid *g = spec->grid;
    if (!g || dermis_grid_validate(g) != 0)
        return dermis_message(err, ERR_SIZE, -1, "output: invalid grid");
    if ((g->dims == 1 && (g->nx != 1 || g->ny != 1)) || (g->dims == 2 && g->ny != 1) || g->dims < 1 ||
        g->dims > 3)
        return dermis_message(err, ERR_SIZE, -1, "output: grid sizes do not match a %d-D run", g->dims);
    if (spec->n_fields > 0 && !spec->fields)
        return dermis_message(err, ERR_SIZE, -1, "output: fields metadata missing");
    if (spec->n_observables > 0 && !spec->observables)
        return dermis_message(err, ERR_SIZE, -1, "output: observables metadata missing");
    for (size_t j = 0; j < spec->n_observables; j++)
        if (spec->observables[j].per_region && (spec->n_regions == 0 || !spec->region_names))
            return dermis_message(err, ERR_SIZE, -1, "output: observable '%s' is per region but no regions are given",
                                  spec->observables[j].name);
    if (spec->compression < 0 || spec->compression > 9)
        return dermis_message(err, ERR_SIZE, -1, "output: compression level %d is not in 0..9", spec->compression);
    return 0;
}

static nc_writer *writer_alloc(const char *path, const dermis_output_spec *spec, char *err)
{
    if (spec_valid(spec, err) != 0)
        return NULL;
    nc_writer *w = calloc(1, sizeof *w);
    if (!w) {
        dermis_message(err, ERR_SIZE, -1, "%s: out of memory", path);
        return NULL;
    }
    w->file = w->obs_group = w->time_dset = w->obs_time_dset = H5I_INVALID_HID;
    w->grid = *spec->grid;
    w->float32 = spec->float32 != 0;
    for (size_t s = 0; s < spec->n_fields; s++)
        w->n_written += !spec->field_selected || spec->field_selected[s];
    w->n_obs = spec->n_observables;
    /* A frame's raw data (compression only shrinks it) and 1/8 for its chunk index and headers. */
    w->frame_bytes = (off_t)(w->n_written * dermis_grid_voxels(spec->grid) * (w->float32 ? 4 : 8));
    w->frame_bytes += w->frame_bytes / 8;
    w->path = dermis_output_copy_string(path);
    w->state_index = calloc(w->n_written + 1, sizeof *w->state_index);
    w->field_names = calloc(w->n_written + 1, sizeof *w->field_names);
    w->field_dsets = calloc(w->n_written + 1, sizeof *w->field_dsets);
    w->obs_dsets = calloc(w->n_obs + 1, sizeof *w->obs_dsets);
    w->obs_width = calloc(w->n_obs + 1, sizeof *w->obs_width);
    if (!w->path || !w->state_index || !w->field_names || !w->field_dsets || !w->obs_dsets || !w->obs_width) {
        w->n_written = 0; /* arrays incomplete: nothing per-field to close or free */
        w->n_obs = 0;
        writer_free(w);
        dermis_message(err, ERR_SIZE, -1, "%s: out of memory", path);
        return NULL;
    }
    for (size_t k = 0; k < w->n_written; k++)
        w->field_dsets[k] = H5I_INVALID_HID;
    for (size_t j = 0; j < w->n_obs; j++) {
        w->obs_dsets[j] = H5I_INVALID_HID;
        w->obs_width[j] = spec->observables[j].per_region ? spec->n_regions : 1;
    }
    size_t k = 0;
    for (size_t s = 0; s < spec->n_fields; s++) {
        if (spec->field_selected && !spec->field_selected[s])
            continue;
        w->state_index[k] = s;
        w->field_names[k] = dermis_output_copy_string(spec->fields[s].name);
        if (!w->field_names[k]) {
            writer_free(w);
            dermis_message(err, ERR_SIZE, -1, "%s: out of memory", path);
            return NULL;
        }
        k++;
    }
    return w;
}

/* ---- shapes ---- */

/* Spatial dims of a field dataset (dermis_output_field_dims) as HDF5 sizes. Returns the rank. */
static int spatial_dims(const dermis_grid *g, hsize_t dims[3])
{
    size_t d[3], r = dermis_output_field_dims(g, d);
    for (size_t a = 0; a < r; a++)
        dims[a] = d[a];
    return (int)r;
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

/* Rows per chunk of a time series: the expected count, so a run fills its chunks exactly. */
static hsize_t series_chunk(size_t expected)
{
    if (expected == 0)
        return SERIES_CHUNK_DEFAULT;
    return expected < SERIES_CHUNK_MAX ? (hsize_t)expected : SERIES_CHUNK_MAX;
}

/* ---- dataset creation ---- */

/* Creation properties: chunked; shuffle + deflate at level `deflate` (0 = none; shuffle groups
 * bytes of equal significance, which deflate then compresses far better); per-dataset
 * attribute order tracked like netCDF-C does; optionally a NaN fill value. */
static hid_t make_dcpl(int rank, const hsize_t *chunk, int deflate, hid_t fill_type, const void *fill)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0)
        return H5I_INVALID_HID;
    if (H5Pset_chunk(dcpl, rank, chunk) < 0 || (deflate > 0 && H5Pset_shuffle(dcpl) < 0) ||
        (deflate > 0 && H5Pset_deflate(dcpl, (unsigned)deflate) < 0) ||
        H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        (fill && H5Pset_fill_value(dcpl, fill_type, fill) < 0)) {
        H5Pclose(dcpl);
        return H5I_INVALID_HID;
    }
    return dcpl;
}

static hid_t create_dataset(hid_t loc, const char *name, hid_t ftype, int rank, const hsize_t *dims,
                            const hsize_t *maxdims, const hsize_t *chunk, int deflate, const void *fill)
{
    hid_t space = H5Screate_simple(rank, dims, maxdims);
    if (space < 0)
        return H5I_INVALID_HID;
    /* The fill value is given in the file's own type (fill points at a float for an f32
     * dataset): HDF5's double-to-float conversion of a NaN raises FE_INVALID, which the debug
     * and sanitizer builds trap. */
    hid_t dcpl = make_dcpl(rank, chunk, deflate, H5Tequal(ftype, H5T_IEEE_F32LE) > 0 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE,
                           fill);
    hid_t d = H5I_INVALID_HID;
    if (dcpl >= 0)
        d = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

static int set_var_attrs(hid_t d, const char *units, const char *long_name)
{
    return (units ? dermis_h5_set_string(d, "units", units) : 0) | dermis_h5_set_string(d, "long_name", long_name);
}

/* A group that netCDF can append to (creation order tracked and indexed, as for the root). */
static hid_t create_group(hid_t file, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t g = H5I_INVALID_HID;
    if (gcpl >= 0 && H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0 &&
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0)
        g = H5Gcreate2(file, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return g;
}

/* The time axis of a group: unlimited, chunked for the expected rows, a dimension scale.
 * Units "day" without a reference date (a documented CF deviation, docs/output.md): the
 * simulation has no calendar, and xarray keeps the axis as float days. */
static hid_t create_time_axis(hid_t loc, size_t expected)
{
    hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = series_chunk(expected);
    hid_t d = create_dataset(loc, "time", H5T_IEEE_F64LE, 1, &dims, &maxdims, &chunk, 0, NULL);
    if (d < 0)
        return H5I_INVALID_HID;
    if (H5DSset_scale(d, "time") < 0 || set_var_attrs(d, "day", TIME_LONG_NAME) != 0 ||
        dermis_h5_set_string(d, "axis", "T") != 0) {
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
    hid_t d = create_dataset(file, name, H5T_IEEE_F64LE, 1, &dims, NULL, &chunk, 0, NULL);
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

static int create_coordinates(nc_writer *w, const dermis_output_spec *spec)
{
    const dermis_grid *g = &w->grid;
    if (create_space_axis(w->file, "z", "Z", "depth below the skin surface (voxel centre)", g->nz, g->dx_mm) != 0)
        return -1;
    if (g->dims == 3 &&
        create_space_axis(w->file, "y", "Y", "lateral position y (voxel centre)", g->ny, g->dx_mm) != 0)
        return -1;
    if (g->dims >= 2 &&
        create_space_axis(w->file, "x", "X", "lateral position x (voxel centre)", g->nx, g->dx_mm) != 0)
        return -1;
    w->time_dset = create_time_axis(w->file, spec->expected_frames);
    return w->time_dset >= 0 ? 0 : -1;
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

static int create_field(nc_writer *w, size_t k, const dermis_var_meta *meta, int deflate)
{
    hsize_t space[3], dims[4], maxdims[4], chunk[4];
    int r = spatial_dims(&w->grid, space);
    size_t elem = w->float32 ? sizeof(float) : sizeof(double);
    dims[0] = 0;
    maxdims[0] = H5S_UNLIMITED;
    chunk[0] = 1;
    for (int a = 0; a < r; a++)
        dims[a + 1] = maxdims[a + 1] = space[a];
    field_chunk(space, r, elem, chunk + 1);
    double fill = NAN;
    float fill32 = NAN;
    hid_t ftype = w->float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
    hid_t d = create_dataset(w->file, meta->name, ftype, r + 1, dims, maxdims, chunk, deflate,
                             w->float32 ? (const void *)&fill32 : (const void *)&fill);
    w->field_dsets[k] = d;
    if (d < 0)
        return -1;
    if (set_var_attrs(d, meta->units, meta->long_name) != 0 || set_fill_attr(d, w->float32) != 0)
        return -1;
    return attach_scales(w->file, d, w->time_dset, &w->grid);
}

/* Variable-length UTF-8 strings (netCDF-4 NC_STRING) along one dimension. */
static hid_t create_strings(hid_t loc, const char *name, size_t n, const char *const *values)
{
    hsize_t dims = n, maxdims = n > 0 ? n : H5S_UNLIMITED, chunk = n > 0 ? n : 1;
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return H5I_INVALID_HID;
    hid_t d = H5I_INVALID_HID;
    if (H5Tset_size(type, H5T_VARIABLE) >= 0 && H5Tset_cset(type, H5T_CSET_UTF8) >= 0) {
        hid_t space = H5Screate_simple(1, &dims, &maxdims);
        hid_t dcpl = make_dcpl(1, &chunk, 0, 0, NULL);
        if (space >= 0 && dcpl >= 0)
            d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d >= 0 && n > 0 && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0) {
            H5Dclose(d);
            d = H5I_INVALID_HID;
        }
        if (dcpl >= 0)
            H5Pclose(dcpl);
        if (space >= 0)
            H5Sclose(space);
    }
    H5Tclose(type);
    return d;
}

/* The region coordinate of the observables group: region names as strings. */
static hid_t create_region_axis(hid_t group, const dermis_output_spec *spec)
{
    hid_t d = create_strings(group, "region", spec->n_regions, spec->region_names);
    if (d >= 0 && (H5DSset_scale(d, "region") < 0 || set_var_attrs(d, NULL, "skin region of the observable") != 0)) {
        H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

static int create_observable(nc_writer *w, size_t j, const dermis_var_meta *meta, hid_t region, size_t n_regions,
                             size_t expected_rows)
{
    const int rank = meta->per_region ? 2 : 1;
    hsize_t dims[2] = {0, n_regions}, maxdims[2] = {H5S_UNLIMITED, n_regions};
    hsize_t chunk[2] = {series_chunk(expected_rows), n_regions};
    double fill = NAN;
    hid_t d = create_dataset(w->obs_group, meta->name, H5T_IEEE_F64LE, rank, dims, maxdims, chunk, 0, &fill);
    w->obs_dsets[j] = d;
    if (d < 0 || set_var_attrs(d, meta->units, meta->long_name) != 0 || set_fill_attr(d, 0) != 0 ||
        H5DSattach_scale(d, w->obs_time_dset, 0) < 0)
        return -1;
    return meta->per_region && H5DSattach_scale(d, region, 1) < 0 ? -1 : 0;
}

static int create_observables(nc_writer *w, const dermis_output_spec *spec, char *err)
{
    w->obs_group = create_group(w->file, OBS_GROUP);
    if (w->obs_group >= 0)
        w->obs_time_dset = create_time_axis(w->obs_group, spec->expected_observable_rows);
    hid_t region = w->obs_time_dset >= 0 ? create_region_axis(w->obs_group, spec) : H5I_INVALID_HID;
    if (region < 0 || dermis_h5_set_string(w->obs_group, "description",
                                           "scalar outcome measures of the run, per skin region where they "
                                           "have a region; docs/model.md defines each") != 0) {
        if (region >= 0)
            H5Dclose(region);
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot create the observables group", w->path);
    }
    int status = 0;
    for (size_t j = 0; j < w->n_obs && status == 0; j++)
        if (create_observable(w, j, &spec->observables[j], region, spec->n_regions, spec->expected_observable_rows) != 0)
            status = dermis_message(err, ERR_SIZE, -1, "%s: cannot create observable variable '%s'", w->path,
                                    spec->observables[j].name);
    H5Dclose(region);
    return status;
}

static int create_fields(nc_writer *w, const dermis_output_spec *spec, char *err)
{
    size_t k = 0;
    for (size_t s = 0; s < spec->n_fields; s++) {
        if (spec->field_selected && !spec->field_selected[s])
            continue;
        if (create_field(w, k++, &spec->fields[s], spec->compression) != 0)
            return dermis_message(err, ERR_SIZE, -1, "%s: cannot create field variable '%s'", w->path,
                                  spec->fields[s].name);
    }
    return 0;
}

/* The layer map: CF flag variable (flag_values 0..n-1, flag_meanings the layer names). */
static int write_layer_map(nc_writer *w, const dermis_output_spec *spec, char *err)
{
    if (!spec->layer)
        return 0;
    hsize_t dims[3], chunk[3];
    int r = spatial_dims(&w->grid, dims);
    for (int a = 0; a < r; a++)
        chunk[a] = dims[a];
    size_t meanings_len = 1;
    for (size_t i = 0; i < spec->n_layers; i++)
        meanings_len += strlen(spec->layer_names[i]) + 1;
    char *meanings = calloc(meanings_len, 1);
    char *codes = calloc(spec->n_layers + 1, 1);
    hid_t space = H5Screate_simple(r, dims, NULL);
    hid_t dcpl = make_dcpl(r, chunk, 0, 0, NULL);
    hid_t d = H5I_INVALID_HID;
    if (meanings && codes && space >= 0 && dcpl >= 0)
        d = H5Dcreate2(w->file, "layer", H5T_STD_I8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int status = d >= 0 && H5Dwrite(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, spec->layer) >= 0 ? 0 : -1;
    for (size_t i = 0; status == 0 && i < spec->n_layers; i++) {
        codes[i] = (char)i;
        strcat(meanings, i ? " " : "");
        strcat(meanings, spec->layer_names[i]);
    }
    if (status == 0)
        status = set_var_attrs(d, NULL, "skin layer of the voxel") |
                 (H5LTset_attribute_char(w->file, "layer", "flag_values", codes, spec->n_layers) < 0 ? -1 : 0) |
                 dermis_h5_set_string(d, "flag_meanings", meanings);
    for (int a = 0; status == 0 && a < r; a++) {
        const char *names[3] = {"z", w->grid.dims == 3 ? "y" : "x", "x"};
        hid_t scale = H5Dopen2(w->file, names[a], H5P_DEFAULT);
        status = scale >= 0 && H5DSattach_scale(d, scale, (unsigned)a) >= 0 ? 0 : -1;
        if (scale >= 0)
            H5Dclose(scale);
    }
    if (d >= 0 && H5Dclose(d) < 0)
        status = -1;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    free(meanings);
    free(codes);
    return status == 0 ? 0 : dermis_message(err, ERR_SIZE, -1, "%s: cannot write the layer map", w->path);
}

/* ---- sessions table ---- */

/* The `session` dimension has no coordinate values of its own (session_time is a variable
 * along it): netCDF-4 spells that as a dimension scale with this special NAME. */
#define NETCDF_DIM_ONLY_NAME "This is a netCDF dimension but not a netCDF variable."

static hid_t create_session_dimension(hid_t loc, size_t n)
{
    /* An empty table gets an unlimited (size 0) dimension: a fixed dimension of size 0 is not
     * portable across netCDF readers. */
    hsize_t dims = n, maxdims = n > 0 ? n : H5S_UNLIMITED, chunk = n > 0 ? n : 1;
    hid_t d = create_dataset(loc, "session", H5T_IEEE_F32LE, 1, &dims, &maxdims, &chunk, 0, NULL);
    if (d >= 0 && H5DSset_scale(d, NETCDF_DIM_ONLY_NAME) < 0) {
        H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

static int write_session_doubles(hid_t loc, hid_t scale, const char *name, const char *units, const char *long_name,
                                 size_t n, const double *v)
{
    hsize_t dims = n, maxdims = n > 0 ? n : H5S_UNLIMITED, chunk = n > 0 ? n : 1;
    hid_t d = create_dataset(loc, name, H5T_IEEE_F64LE, 1, &dims, &maxdims, &chunk, 0, NULL);
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

/* The device names: strings, so no units attribute (CF: units are for numbers). */
static int write_session_devices(hid_t loc, hid_t scale, size_t n, const dermis_session_record *rec)
{
    const char **names = calloc(n + 1, sizeof *names);
    if (!names)
        return -1;
    for (size_t i = 0; i < n; i++)
        names[i] = rec[i].device ? rec[i].device : "";
    hid_t d = create_strings(loc, "session_device", n, names);
    free(names);
    if (d < 0)
        return -1;
    int status = set_var_attrs(d, NULL, "microneedling device of the session") != 0 ||
                         H5DSattach_scale(d, scale, 0) < 0
                     ? -1
                     : 0;
    return H5Dclose(d) < 0 ? -1 : status;
}

static int write_session_tables(hid_t g, const dermis_output_spec *spec, double *col)
{
    size_t n = spec->n_sessions;
    hid_t scale = create_session_dimension(g, n);
    if (scale < 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < n; i++)
        col[i] = spec->sessions[i].time_day;
    status |= write_session_doubles(g, scale, "session_time", "day", "time of the microneedling session", n, col);
    for (size_t i = 0; i < n; i++)
        col[i] = spec->sessions[i].depth_mm;
    status |= write_session_doubles(g, scale, "session_depth_mm", "mm", "nominal needle depth setting", n, col);
    for (size_t i = 0; i < n; i++)
        col[i] = spec->sessions[i].effective_depth_mm;
    status |= write_session_doubles(g, scale, "session_effective_depth_mm", "mm",
                                    "effective penetration depth in tissue", n, col);
    for (size_t i = 0; i < n; i++)
        col[i] = (double)spec->sessions[i].channels_placed;
    status |= write_session_doubles(g, scale, "session_channels", "1", "number of channels placed", n, col);
    status |= write_session_devices(g, scale, n, spec->sessions);
    return H5Dclose(scale) < 0 ? -1 : status;
}

static int write_sessions(nc_writer *w, const dermis_output_spec *spec, char *err)
{
    double *col = calloc(spec->n_sessions + 1, sizeof *col);
    hid_t g = col ? create_group(w->file, SESSIONS_GROUP) : H5I_INVALID_HID;
    int status = g >= 0 ? write_session_tables(g, spec, col) : -1;
    if (g >= 0 && H5Gclose(g) < 0)
        status = -1;
    free(col);
    return status == 0 ? 0 : dermis_message(err, ERR_SIZE, -1, "%s: cannot write the sessions table", w->path);
}

/* ---- provenance ---- */

static void utc_now(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, n, "unknown");
}

/* Parses "1.5" or "0, 28, 56" into values (at most max); returns the count, 0 if not numbers. */
static size_t parse_numbers(const char *text, double *values, size_t max)
{
    size_t n = 0;
    const char *p = text;
    for (;;) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno != 0 || n == max)
            return 0;
        values[n++] = v;
        while (*end == ' ')
            end++;
        if (*end == '\0')
            return n;
        if (*end != ',')
            return 0;
        p = end + 1;
    }
}

/* config.<key>: a number (or a list of numbers) as f64 (an array for a list), else a string. */
static int set_config_attr(hid_t root, const char *name, const char *value)
{
    double v[64];
    size_t n = parse_numbers(value, v, sizeof v / sizeof v[0]);
    if (n == 1)
        return dermis_h5_set_double(root, name, v[0]);
    if (n > 1) {
        if (H5Aexists(root, name) > 0 && H5Adelete(root, name) < 0)
            return -1;
        return H5LTset_attribute_double(root, ".", name, v, n) < 0 ? -1 : 0;
    }
    return dermis_h5_set_string(root, name, value);
}

static int write_config_attrs(hid_t root, const dermis_output_spec *spec)
{
    int status = dermis_h5_set_string(root, "config", spec->config_ini ? spec->config_ini : "");
    for (size_t i = 0; i < spec->n_config_keys && status == 0; i++) {
        char name[512];
        snprintf(name, sizeof name, "config.%s", spec->config_keys[i]);
        status = set_config_attr(root, name, spec->config_values[i] ? spec->config_values[i] : "");
    }
    return status;
}

static int write_provenance(nc_writer *w, const dermis_output_spec *spec, char *err)
{
    char now[64], host[256] = "unknown", history[4096];
    utc_now(now, sizeof now);
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    snprintf(history, sizeof history, "%s: %s", now, spec->command_line ? spec->command_line : "dermis");
    hid_t root = w->file;
    int status = dermis_h5_set_string(root, "Conventions", "CF-1.8") |
                 dermis_h5_set_string(root, "title", "dermis: skin repair after microneedling") |
                 dermis_h5_set_string(root, "source", "dermis " DERMIS_VERSION " " DERMIS_GIT_COMMIT) |
                 dermis_h5_set_string(root, "dermis_version", DERMIS_VERSION) |
                 dermis_h5_set_string(root, "dermis_git_commit", DERMIS_GIT_COMMIT) |
                 dermis_h5_set_string(root, "history", history) |
                 dermis_h5_set_string(root, "command_line", spec->command_line ? spec->command_line : "") |
                 (spec->run_id && spec->run_id[0] ? dermis_h5_set_string(root, "run_id", spec->run_id) : 0) |
                 dermis_h5_set_int64(root, "seed", spec->seed) |
                 dermis_h5_set_int64(root, "threads", spec->threads) | dermis_h5_set_string(root, "host", host) |
                 dermis_h5_set_string(root, "start_time", now) | dermis_h5_set_string(root, "end_time", "") |
                 dermis_h5_set_string(root, "run_status", "running") |
                 dermis_h5_set_int64(root, "grid_dims", w->grid.dims) |
                 dermis_h5_set_double(root, "grid_dx_mm", w->grid.dx_mm) |
                 dermis_h5_set_string(root, "grid_lateral_boundary",
                                      w->grid.lateral == DERMIS_LATERAL_PERIODIC ? "periodic" : "zero_flux") |
                 dermis_h5_set_int64(root, "output_compression", spec->compression) |
                 write_config_attrs(root, spec);
    return status == 0 ? 0 : dermis_message(err, ERR_SIZE, -1, "%s: cannot write provenance attributes", w->path);
}

/* ---- room on the disk ---- */

/* Reserves `bytes` beyond the current end of the file at path (see the top of the file).
 * Returns 0, or -1 with errno ENOSPC/EDQUOT when the disk has no room; a file system without
 * fallocate is not checked. */
static int reserve_room(const char *path, off_t bytes)
{
#ifdef FALLOC_FL_KEEP_SIZE
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    int status = 0;
    /* A file-size limit (RLIMIT_FSIZE, a quota on one file) is a full disk for this file too,
     * but fallocate with KEEP_SIZE does not check it: compare by hand. */
    struct rlimit rl;
    if (fstat(fd, &st) == 0 && getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (rlim_t)st.st_size + (rlim_t)bytes > rl.rlim_cur) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    if (fstat(fd, &st) == 0 && fallocate(fd, FALLOC_FL_KEEP_SIZE, st.st_size, bytes) != 0 &&
        (errno == ENOSPC || errno == EDQUOT))
        status = -1;
    int e = errno;
    close(fd);
    errno = e;
    return status;
#else
    (void)path, (void)bytes;
    return 0;
#endif
}

/* Gives the reserved blocks beyond the end of the file back to the disk. */
static void release_room(const char *path)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && ftruncate(fd, st.st_size) != 0)
        errno = 0; /* nothing was reserved, or the file system keeps no reservations */
    close(fd);
}

/* Before an append: room for `bytes` more plus the closing margin, or a clean refusal. */
static int ensure_room(const nc_writer *w, off_t bytes, const char *what, char *err)
{
    if (reserve_room(w->path, bytes + CLOSE_MARGIN_BYTES) == 0)
        return 0;
    return dermis_message(err, ERR_SIZE, -1, "%s: disk full: no room for %s (%s)", w->path, what, strerror(errno));
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
            dermis_message(err, ERR_SIZE, -1, "%s: cannot create output file%s%s", path, errno ? ": " : "",
                           errno ? strerror(errno) : "");
    } else {
        dermis_message(err, ERR_SIZE, -1, "%s: cannot set up HDF5 file properties", path);
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    return f;
}

static int start_swmr(nc_writer *w, char *err)
{
    if (H5Fstart_swmr_write(w->file) < 0 || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot start SWMR writing", w->path);
    return 0;
}

static void *nc_create(const char *path, const dermis_output_spec *spec, char *err)
{
    dermis_h5_quiet();
    nc_writer *w = writer_alloc(path, spec, err);
    if (!w)
        return NULL;
    w->file = create_file(path, err);
    if (w->file >= 0 && ensure_room(w, CLOSE_MARGIN_BYTES, "the file's metadata", err) != 0) {
        writer_free(w);
        remove(path); /* holds nothing but an HDF5 superblock */
        return NULL;
    }
    if (w->file < 0 || write_provenance(w, spec, err) != 0 ||
        (create_coordinates(w, spec) != 0 &&
         dermis_message(err, ERR_SIZE, -1, "%s: cannot create coordinates", path)) ||
        create_fields(w, spec, err) != 0 || write_layer_map(w, spec, err) != 0 ||
        create_observables(w, spec, err) != 0 || write_sessions(w, spec, err) != 0 || start_swmr(w, err) != 0) {
        writer_free(w);
        return NULL;
    }
    return w;
}

/* ---- appending ---- */

/* Sets the extent of d along axis 0 to n rows. */
static int set_rows(hid_t d, size_t n)
{
    hid_t space = H5Dget_space(d);
    hsize_t dims[4];
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    int ok = rank >= 1 && rank <= 4 && H5Sget_simple_extent_dims(space, dims, NULL) >= 0;
    if (space >= 0)
        H5Sclose(space);
    if (!ok)
        return -1;
    dims[0] = n;
    return H5Dset_extent(d, dims) < 0 ? -1 : 0;
}

/* Grows dataset d to n_rows along axis 0 and writes one row (row index n_rows - 1) from buf. */
static int append_row(hid_t d, size_t n_rows, const double *buf)
{
    if (set_rows(d, n_rows) != 0)
        return -1;
    hid_t fspace = H5Dget_space(d);
    int rank = fspace >= 0 ? H5Sget_simple_extent_ndims(fspace) : -1;
    hsize_t start[4] = {n_rows - 1, 0, 0, 0}, count[4];
    int status = -1;
    if (rank >= 1 && rank <= 4 && H5Sget_simple_extent_dims(fspace, count, NULL) >= 0) {
        count[0] = 1;
        hid_t mspace = H5Screate_simple(rank, count, NULL);
        if (mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
            H5Dwrite(d, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf) >= 0)
            status = 0;
        if (mspace >= 0)
            H5Sclose(mspace);
    }
    if (fspace >= 0)
        H5Sclose(fspace);
    return status;
}

/* After a failed append: every dataset back to n complete rows (best effort: the disk may be
 * full), so `time` never lists a partial frame. */
static void roll_back(hid_t *dsets, size_t n_dsets, hid_t time_dset, size_t n)
{
    set_rows(time_dset, n);
    for (size_t k = 0; k < n_dsets; k++)
        set_rows(dsets[k], n);
}

static int nc_frame(void *wp, const dermis_output_history *h, const double *u, char *err)
{
    nc_writer *w = wp;
    double t_day = h->frame_times[h->n_frames - 1];
    size_t voxels = dermis_grid_voxels(&w->grid), n = w->frames + 1;
    if (ensure_room(w, w->frame_bytes, "the next frame", err) != 0)
        return -1;
    /* Fields first and the time coordinate last, so a reader that trusts len(time) never sees
     * a frame whose fields are incomplete. HDF5 converts double to float32 when asked. */
    for (size_t k = 0; k < w->n_written; k++)
        if (append_row(w->field_dsets[k], n, u + w->state_index[k] * voxels) != 0) {
            roll_back(w->field_dsets, w->n_written, w->time_dset, w->frames);
            return dermis_message(err, ERR_SIZE, -1, "%s: cannot write frame %zu of '%s' (disk full?)", w->path,
                                  w->frames, w->field_names[k]);
        }
    if (append_row(w->time_dset, n, &t_day) != 0 || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
        roll_back(w->field_dsets, w->n_written, w->time_dset, w->frames);
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot write frame %zu (disk full?)", w->path, w->frames);
    }
    w->frames = n;
    return 0;
}

static int nc_observables(void *wp, double t_day, const double *values, char *err)
{
    nc_writer *w = wp;
    size_t n = w->rows + 1, offset = 0;
    if (ensure_room(w, 0, "the next observable row", err) != 0)
        return -1;
    for (size_t j = 0; j < w->n_obs; j++) {
        if (append_row(w->obs_dsets[j], n, values + offset) != 0) {
            roll_back(w->obs_dsets, w->n_obs, w->obs_time_dset, w->rows);
            return dermis_message(err, ERR_SIZE, -1, "%s: cannot write observable row %zu (disk full?)", w->path,
                                  w->rows);
        }
        offset += w->obs_width[j];
    }
    if (append_row(w->obs_time_dset, n, &t_day) != 0 || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
        roll_back(w->obs_dsets, w->n_obs, w->obs_time_dset, w->rows);
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot write observable row %zu (disk full?)", w->path, w->rows);
    }
    w->rows = n;
    return 0;
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
    dermis_message(err, ERR_SIZE, -1, "%s: cannot reopen output for writing", path);
    return H5I_INVALID_HID;
}

/* Opens a dataset and truncates it to n rows; fails if it holds fewer. */
static hid_t open_truncated(hid_t loc, const char *name, size_t n)
{
    hid_t d = H5Lexists(loc, name, H5P_DEFAULT) > 0 ? H5Dopen2(loc, name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (d < 0)
        return H5I_INVALID_HID;
    hid_t space = H5Dget_space(d);
    hsize_t dims[4];
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    int ok = rank >= 1 && rank <= 4 && H5Sget_simple_extent_dims(space, dims, NULL) >= 0 && dims[0] >= n;
    if (space >= 0)
        H5Sclose(space);
    if (!ok || set_rows(d, n) != 0) {
        H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

static int reopen_datasets(nc_writer *w, size_t n_frames, size_t n_rows, const dermis_output_spec *spec, char *err)
{
    w->obs_group = H5Lexists(w->file, OBS_GROUP, H5P_DEFAULT) > 0 ? H5Gopen2(w->file, OBS_GROUP, H5P_DEFAULT)
                                                                   : H5I_INVALID_HID;
    if (w->obs_group < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: has no '%s' group (not a dermis output?)", w->path, OBS_GROUP);
    w->time_dset = open_truncated(w->file, "time", n_frames);
    w->obs_time_dset = open_truncated(w->obs_group, "time", n_rows);
    if (w->time_dset < 0 || w->obs_time_dset < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: has fewer frames or observable rows than the checkpoint",
                              w->path);
    for (size_t k = 0; k < w->n_written; k++) {
        w->field_dsets[k] = open_truncated(w->file, w->field_names[k], n_frames);
        if (w->field_dsets[k] < 0)
            return dermis_message(err, ERR_SIZE, -1, "%s: field '%s' missing or shorter than the checkpoint", w->path,
                                  w->field_names[k]);
    }
    for (size_t j = 0; j < w->n_obs; j++) {
        w->obs_dsets[j] = open_truncated(w->obs_group, spec->observables[j].name, n_rows);
        if (w->obs_dsets[j] < 0)
            return dermis_message(err, ERR_SIZE, -1, "%s: observable '%s' missing or shorter than the checkpoint",
                                  w->path, spec->observables[j].name);
    }
    w->frames = n_frames;
    w->rows = n_rows;
    return 0;
}

static void *nc_reopen(const char *path, const dermis_output_spec *spec, size_t n_frames, size_t n_rows,
                       double *frame_times, char *err)
{
    dermis_h5_quiet();
    nc_writer *w = writer_alloc(path, spec, err);
    if (!w)
        return NULL;
    w->file = open_rdwr(path, err);
    if (w->file < 0 || reopen_datasets(w, n_frames, n_rows, spec, err) != 0 ||
        (n_frames > 0 && H5Dread(w->time_dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, frame_times) < 0 &&
         dermis_message(err, ERR_SIZE, -1, "%s: cannot read the time coordinate", path)) ||
        (dermis_h5_set_string(w->file, "run_status", "running") != 0 &&
         dermis_message(err, ERR_SIZE, -1, "%s: cannot update run_status", path)) ||
        start_swmr(w, err) != 0) {
        writer_free(w);
        return NULL;
    }
    return w;
}

/* ---- rename and close ---- */

static int nc_rename(void *wp, const dermis_output_history *h, const char *new_path, char *err)
{
    (void)h;
    nc_writer *w = wp;
    char *p = dermis_output_copy_string(new_path);
    if (!p || rename(w->path, new_path) != 0) {
        int e = errno;
        free(p);
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot rename to %s: %s", w->path, new_path, strerror(e));
    }
    free(w->path);
    w->path = p;
    return 0;
}

/* One solver statistic as the root attribute solver_<name> (int64 or f64). */
static int write_stat(const dermis_solver_stat_info *info, const void *value, void *user)
{
    char name[128];
    snprintf(name, sizeof name, "solver_%s", info->name);
    hid_t root = *(const hid_t *)user;
    return info->type == DERMIS_STAT_LONG ? dermis_h5_set_int64(root, name, *(const long *)value)
                                          : dermis_h5_set_double(root, name, *(const double *)value);
}

static int write_stats(hid_t root, const dermis_solver_stats *st)
{
    return st ? dermis_solver_stats_foreach(st, write_stat, &root) : 0;
}

/* run_status first and on its own, so that it is recorded even if the disk has no room for
 * the rest. */
static int write_final_attrs(const nc_writer *w, const dermis_output_summary *s, char *err)
{
    hid_t fapl = dermis_h5_fapl(0);
    hid_t f = fapl >= 0 ? H5Fopen(w->path, H5F_ACC_RDWR, fapl) : H5I_INVALID_HID;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (f < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot reopen to record the run status", w->path);
    char now[64];
    utc_now(now, sizeof now);
    int status = dermis_h5_set_string(f, "run_status", s->run_status);
    if (status == 0 && H5Fflush(f, H5F_SCOPE_GLOBAL) < 0)
        status = -1;
    if (status == 0)
        status = dermis_h5_set_string(f, "end_time", now) | dermis_h5_set_double(f, "wall_time_s", s->wall_seconds) |
                 dermis_h5_set_int64(f, "frames", (long long)w->frames) |
                 dermis_h5_set_int64(f, "observable_rows", (long long)w->rows) | write_stats(f, s->stats);
    if (H5Fclose(f) < 0 || status != 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot record the run status (disk full?)", w->path);
    return 0;
}

static int nc_close(void *wp, const dermis_output_summary *s, char *err)
{
    dermis_h5_quiet();
    nc_writer *w = wp;
    int status = 0;
    if (w->file >= 0 && H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        status = dermis_message(err, ERR_SIZE, -1, "%s: cannot flush the output (disk full?)", w->path);
    if (close_handles(w) != 0 && status == 0)
        status = dermis_message(err, ERR_SIZE, -1, "%s: cannot close the output (disk full?)", w->path);
    if (write_final_attrs(w, s, status == 0 ? err : (char[ERR_SIZE]){0}) != 0 && status == 0)
        status = -1;
    release_room(w->path);
    writer_free(w);
    return status;
}

const dermis_output_writer dermis_netcdf_writer = {
    "netcdf", nc_create, nc_reopen, nc_frame, nc_observables, nc_rename, nc_close,
};
