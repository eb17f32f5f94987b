/* The sweep's summary: DIR/summary.nc (netCDF-4/HDF5, CF-1.8) and DIR/summary.csv, built from
 * the points' files only (so every driver writes the same summary), rewritten atomically
 * (temporary file + rename) so that readers always see a complete file.
 *
 * summary.nc, dimension `point`: the varied keys (coordinates), replicate, seed, design block
 * and step, status and error line, and for every observable X of the outputs X_final, X_peak
 * and X_peak_time; the main observables also as time series X(point, time_obs). Grid designs
 * add the group /grid with one dimension per varied key (its levels as coordinate) and
 * `replicate`: X_final(key1, ..., replicate) and its replicate mean and standard deviation
 * X_final_mean(key1, ...), X_final_std(key1, ...), likewise for _peak and _peak_time.
 *
 * The observables are read from each output by one function (read_observables): every
 * floating-point dataset on the observables' time axis is one, a (time, region) one gives a
 * series per region named <name>_<region> (e.g. collagen_change_pct_dermis), so new observables
 * need no change here. Both layouts are read: the group /observables (time, region) and the
 * older flat root datasets on time_obs. */
#include "app/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "app/sweep_h5.h"
#include "version.h"

#define NAME_MAX_LEN 128
#define ATTR_MAX_LEN 256
/* Observables stored as time series unless [sweep] series names others. */
static const char default_series[] = "collagen_change_pct_dermis, elastin_change_pct_dermis, inflammation_index, "
                                     "downtime_days, barrier_open_fraction";
/* The three statistics of every observable, as name suffixes. */
enum { STAT_FINAL, STAT_PEAK, STAT_PEAK_TIME, N_STATS };
static const char *const stat_suffix[N_STATS] = {"_final", "_peak", "_peak_time"};
static const char *const stat_words[N_STATS] = {"final value of", "peak value of", "time of the peak of"};

typedef struct {
    char name[NAME_MAX_LEN];
    char units[ATTR_MAX_LEN];
    char long_name[ATTR_MAX_LEN];
} observable_meta;

typedef struct {
    size_t n;                    /* observables read */
    observable_meta *meta;
    double *stats;               /* n x N_STATS */
    size_t n_time;
    double *time;                /* time_obs */
    double *series;              /* n_kept x n_time: the series observables only */
    long *row;                   /* n: row of observable k in series, or -1 */
} point_observables;

typedef struct {
    sweep_status status;
    char error[DERMIS_CONFIG_ERROR_MAX];
    long seed;                   /* -1: the point's configuration is invalid */
    point_observables obs;
} point_result;

struct sweep_collector {
    const sweep_plan *plan;
    char dir[2 * SWEEP_TEXT_MAX];
    point_result *points;
};

/* ------------------------------------------------------------------ reading one output */

static void free_observables(point_observables *o)
{
    free(o->meta);
    free(o->stats);
    free(o->time);
    free(o->series);
    free(o->row);
    memset(o, 0, sizeof *o);
}

static void string_attr(hid_t obj, const char *name, char *buf, size_t len)
{
    buf[0] = '\0';
    if (H5Aexists(obj, name) <= 0)
        return;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), ft = H5Aget_type(a), mt = H5Tcopy(H5T_C_S1);
    if (H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) > 0) {
        char *text = NULL; /* netCDF-4 NC_STRING, or what h5py writes */
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft)); /* HDF5 converts no character sets */
        if (H5Aread(a, mt, &text) >= 0 && text != NULL) {
            snprintf(buf, len, "%s", text);
            H5free_memory(text);
        }
    } else if (H5Tget_class(ft) == H5T_STRING && H5Tget_size(ft) + 1 < len) {
        H5Tset_size(mt, H5Tget_size(ft) + 1); /* room for a NUL the file may not store */
        H5Tset_cset(mt, H5Tget_cset(ft));
        memset(buf, 0, len);
        if (H5Aread(a, mt, buf) < 0)
            buf[0] = '\0';
    }
    H5Tclose(mt);
    H5Tclose(ft);
    H5Aclose(a);
}

/* Regions of a (time, region) observable: at most this many. */
#define REGIONS_MAX 16

typedef struct {
    hid_t time;                  /* the time axis of the observables */
    char time_path[NAME_MAX_LEN], region_path[NAME_MAX_LEN]; /* their paths in the file */
    hid_t region;                /* the region axis, or H5I_INVALID_HID */
    size_t n_regions;
    char regions[REGIONS_MAX][NAME_MAX_LEN];
    hsize_t n_time;
    point_observables *out;
    size_t cap;
} observable_scan;

/* Room for one more series; 0 or -1. */
static int grow(observable_scan *s)
{
    point_observables *o = s->out;
    if (o->n < s->cap)
        return 0;
    s->cap = s->cap > 0 ? 2 * s->cap : 64;
    observable_meta *meta = realloc(o->meta, s->cap * sizeof *meta);
    if (meta != NULL)
        o->meta = meta;
    double *series = meta != NULL ? realloc(o->series, s->cap * (s->n_time + 1) * sizeof *series) : NULL;
    if (series != NULL)
        o->series = series;
    return meta != NULL && series != NULL ? 0 : -1;
}

/* Adds one series: column `column` of the n_columns of values (n_rows x n_columns). */
static void add_series(observable_scan *s, hid_t d, const char *name, const char *region, const double *values,
                       hsize_t n_rows, size_t column, size_t n_columns)
{
    if (grow(s) != 0)
        return;
    point_observables *o = s->out;
    observable_meta *m = &o->meta[o->n];
    double *row = o->series + o->n * s->n_time;
    for (hsize_t k = 0; k < s->n_time; k++)
        row[k] = k < n_rows ? values[k * n_columns + column] : NAN;
    snprintf(m->name, sizeof m->name, "%s%s%s", name, region[0] != '\0' ? "_" : "", region);
    string_attr(d, "units", m->units, sizeof m->units);
    string_attr(d, "long_name", m->long_name, sizeof m->long_name);
    if (region[0] != '\0' && strlen(m->long_name) + strlen(region) + 4 < sizeof m->long_name)
        snprintf(m->long_name + strlen(m->long_name), sizeof m->long_name - strlen(m->long_name), " (%s)", region);
    o->n++;
}

/* H5DSiterate_scales visitor: 1 (stop) if the scale's path is the one wanted. */
static herr_t scale_has_path(hid_t d, unsigned dim, hid_t scale, void *path)
{
    char name[NAME_MAX_LEN];
    (void)d;
    (void)dim;
    return H5Iget_name(scale, name, sizeof name) > 0 && strcmp(name, path) == 0;
}

/* 1 if dimension dim of d has the scale at path attached. Reads only d's own DIMENSION_LIST
 * (H5DSis_attached also walks the scale's list of every variable: quadratic in their number). */
static int on_axis(hid_t d, unsigned dim, const char *path)
{
    return H5DSiterate_scales(d, dim, NULL, scale_has_path, (void *)path) > 0;
}

/* H5Literate callback: a floating-point dataset on the time axis, (time) or (time, region), is
 * an observable; a (time, region) one gives one series per region, named <name>_<region>. */
static herr_t scan_link(hid_t group, const char *name, const H5L_info_t *info, void *user)
{
    observable_scan *s = user;
    (void)info;
    if (strlen(name) >= NAME_MAX_LEN)
        return 0;
    hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
    int is_dataset = obj >= 0 && H5Iget_type(obj) == H5I_DATASET;
    if (obj >= 0)
        H5Oclose(obj);
    if (!is_dataset)
        return 0;
    hid_t d = H5Dopen2(group, name, H5P_DEFAULT), space = H5Dget_space(d), type = H5Dget_type(d);
    hsize_t dims[2] = {0, 1};
    int rank = H5Sget_simple_extent_ndims(space);
    int ok = H5Tget_class(type) == H5T_FLOAT && (rank == 1 || rank == 2) &&
             H5Sget_simple_extent_dims(space, dims, NULL) == rank && on_axis(d, 0, s->time_path) &&
             (rank == 1 || (s->region >= 0 && dims[1] == s->n_regions && on_axis(d, 1, s->region_path)));
    H5Tclose(type);
    H5Sclose(space);
    double *values = ok ? malloc((dims[0] * dims[1] + 1) * sizeof *values) : NULL;
    if (values != NULL && (dims[0] == 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0)) {
        hsize_t rows = dims[0] < s->n_time ? dims[0] : s->n_time;
        if (rank == 1)
            add_series(s, d, name, "", values, rows, 0, 1);
        for (size_t r = 0; rank == 2 && r < s->n_regions; r++)
            add_series(s, d, name, s->regions[r], values, rows, r, s->n_regions);
    }
    free(values);
    H5Dclose(d);
    return 0;
}

/* The region names of a (time, region) layout: variable-length or fixed-length strings. */
static void read_regions(observable_scan *s)
{
    hid_t space = H5Dget_space(s->region), file_type = H5Dget_type(s->region), type = H5Tcopy(H5T_C_S1);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space, &n, NULL);
    int is_vlen = H5Tis_variable_str(file_type) > 0;
    size_t width = is_vlen ? 0 : H5Tget_size(file_type);
    if (n <= REGIONS_MAX && is_vlen) {
        char *names[REGIONS_MAX];
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5Tget_cset(file_type)); /* HDF5 converts no character sets */
        if (H5Dread(s->region, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) >= 0) {
            s->n_regions = (size_t)n;
            for (size_t r = 0; r < n; r++)
                snprintf(s->regions[r], sizeof s->regions[r], "%s", names[r] != NULL ? names[r] : "");
            H5Dvlen_reclaim(type, space, H5P_DEFAULT, names);
        }
    } else if (n <= REGIONS_MAX && width > 0 && width < NAME_MAX_LEN) {
        char *text = calloc((size_t)n, width + 1);
        H5Tset_size(type, width + 1);
        H5Tset_cset(type, H5Tget_cset(file_type));
        if (text != NULL && H5Dread(s->region, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) >= 0) {
            s->n_regions = (size_t)n;
            for (size_t r = 0; r < n; r++)
                snprintf(s->regions[r], sizeof s->regions[r], "%s", text + r * (width + 1));
        }
        free(text);
    }
    H5Tclose(type);
    H5Tclose(file_type);
    H5Sclose(space);
}

/* Final value, peak value and time of the (first) peak of one series. */
static void series_stats(const double *t, const double *v, size_t n, double *stats)
{
    stats[STAT_FINAL] = n > 0 ? v[n - 1] : NAN;
    stats[STAT_PEAK] = NAN;
    stats[STAT_PEAK_TIME] = NAN;
    for (size_t k = 0; k < n; k++) {
        if (isfinite(v[k]) && !islessequal(v[k], stats[STAT_PEAK])) { /* quiet: the first peak is NaN */
            stats[STAT_PEAK] = v[k];
            stats[STAT_PEAK_TIME] = t[k];
        }
    }
}

/* 1 if name is in the comma-separated list. */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p != '\0';) {
        p += strspn(p, " ,");
        size_t m = strcspn(p, " ,");
        if (m == n && strncmp(p, name, n) == 0)
            return 1;
        p += m;
    }
    return 0;
}

/* Keeps the series of the observables in list only (the statistics are kept for all). */
static int keep_series(point_observables *o, const char *list)
{
    size_t kept = 0;
    o->row = malloc((o->n + 1) * sizeof *o->row);
    if (o->row == NULL)
        return -1;
    for (size_t k = 0; k < o->n; k++) {
        o->row[k] = in_list(list, o->meta[k].name) ? (long)kept : -1;
        if (o->row[k] >= 0) {
            memmove(o->series + kept * o->n_time, o->series + k * o->n_time, o->n_time * sizeof *o->series);
            kept++;
        }
    }
    double *shrunk = realloc(o->series, (kept * o->n_time + 1) * sizeof *shrunk);
    if (shrunk != NULL)
        o->series = shrunk;
    return 0;
}

/* THE reader of a point's observables (adapt here when the output layout changes): time_obs
 * and every dataset on it, with units and long_name, their statistics, and the series of the
 * observables in series_list. Returns 0 or -1. */
static int read_observables(const char *path, const char *series_list, point_observables *o)
{
    memset(o, 0, sizeof *o);
    hid_t f = sweep_open_output(path);
    if (f < 0)
        return -1;
    /* The group /observables with its own time (and region) axis; older files: root time_obs. */
    int grouped = H5Lexists(f, "observables", H5P_DEFAULT) > 0;
    hid_t g = grouped ? H5Gopen2(f, "observables", H5P_DEFAULT) : f;
    const char *time_name = grouped ? "time" : "time_obs";
    int rc = -1;
    if (g >= 0 && H5Lexists(g, time_name, H5P_DEFAULT) > 0) {
        observable_scan scan = {.time = H5Dopen2(g, time_name, H5P_DEFAULT), .region = H5I_INVALID_HID, .out = o};
        snprintf(scan.time_path, sizeof scan.time_path, "%s/%s", grouped ? "/observables" : "", time_name);
        snprintf(scan.region_path, sizeof scan.region_path, "/observables/region");
        hid_t space = H5Dget_space(scan.time);
        H5Sget_simple_extent_dims(space, &scan.n_time, NULL);
        H5Sclose(space);
        if (grouped && H5Lexists(g, "region", H5P_DEFAULT) > 0) {
            scan.region = H5Dopen2(g, "region", H5P_DEFAULT);
            read_regions(&scan);
        }
        o->time = malloc((scan.n_time + 1) * sizeof *o->time);
        if (o->time != NULL &&
            (scan.n_time == 0 || H5Dread(scan.time, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, o->time) >= 0)) {
            o->n_time = scan.n_time;
            /* Creation order is the writer's order; files without that index fall back to names. */
            hsize_t idx = 0;
            if (H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, scan_link, &scan) < 0) {
                idx = 0;
                o->n = 0;
                H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, scan_link, &scan);
            }
            rc = 0;
        }
        if (scan.region >= 0)
            H5Dclose(scan.region);
        H5Dclose(scan.time);
    }
    if (grouped && g >= 0)
        H5Gclose(g);
    H5Fclose(f);
    o->stats = malloc((o->n * N_STATS + 1) * sizeof *o->stats);
    if (rc != 0 || o->stats == NULL) {
        free_observables(o);
        return -1;
    }
    for (size_t k = 0; k < o->n; k++)
        series_stats(o->time, o->series + k * o->n_time, o->n_time, o->stats + k * N_STATS);
    if (keep_series(o, series_list) != 0) {
        free_observables(o);
        return -1;
    }
    return 0;
}

static const char *series_list(const sweep_spec *s)
{
    return s->series[0] != '\0' ? s->series : default_series;
}

/* ------------------------------------------------------------------ collector */

sweep_collector *sweep_collector_alloc(const sweep_plan *plan, const char *dir, int scan)
{
    sweep_collector *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->plan = plan;
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    c->points = calloc(plan->n_points, sizeof *c->points);
    if (c->points == NULL) {
        free(c);
        return NULL;
    }
    for (size_t i = 0; scan && i < plan->n_points; i++)
        sweep_collector_update(c, i);
    return c;
}

void sweep_collector_free(sweep_collector *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->plan->n_points; i++)
        free_observables(&c->points[i].obs);
    free(c->points);
    free(c);
}

void sweep_collector_update(sweep_collector *c, size_t i)
{
    point_result *r = &c->points[i];
    char *ini = NULL, err[DERMIS_CONFIG_ERROR_MAX];
    free_observables(&r->obs);
    r->seed = -1;
    if (sweep_plan_resolve(c->plan, i, &ini, &r->seed, err) != 0)
        r->seed = -1;
    r->status = sweep_point_status(c->dir, i, ini, r->error, sizeof r->error);
    if (ini == NULL && r->status == SWEEP_PENDING) {
        r->status = SWEEP_FAILED; /* never started: its configuration is invalid */
        snprintf(r->error, sizeof r->error, "%s", err);
    }
    free(ini);
    if (r->status == SWEEP_COMPLETED || r->status == SWEEP_FAILED || r->status == SWEEP_INTERRUPTED) {
        char path[2 * SWEEP_TEXT_MAX];
        sweep_point_path(c->dir, i, ".nc", path, sizeof path);
        read_observables(path, series_list(c->plan->spec), &r->obs);
    }
}

sweep_status sweep_collector_status(const sweep_collector *c, size_t i)
{
    return c->points[i].status;
}

void sweep_collector_counts(const sweep_collector *c, size_t counts[SWEEP_N_STATUS])
{
    memset(counts, 0, SWEEP_N_STATUS * sizeof counts[0]);
    for (size_t i = 0; i < c->plan->n_points; i++)
        counts[c->points[i].status]++;
}

/* ------------------------------------------------------------------ what the summary holds */

/* The observables over all points (in the order first met, points in index order), the time
 * axis and the series observables found. */
typedef struct {
    size_t n_obs;
    observable_meta *meta;
    size_t n_time;
    const double *time;          /* the longest time_obs of a completed point (lowest index wins) */
    size_t n_series;
    size_t series_obs[64];       /* indices into meta */
} summary_layout;

static long find_observable(const summary_layout *l, const char *name)
{
    for (size_t k = 0; k < l->n_obs; k++)
        if (strcmp(l->meta[k].name, name) == 0)
            return (long)k;
    return -1;
}

static long find_in_point(const point_observables *o, const char *name)
{
    for (size_t k = 0; k < o->n; k++)
        if (strcmp(o->meta[k].name, name) == 0)
            return (long)k;
    return -1;
}

static int build_layout(const sweep_collector *c, summary_layout *l)
{
    memset(l, 0, sizeof *l);
    size_t cap = 0;
    for (size_t i = 0; i < c->plan->n_points; i++) {
        const point_observables *o = &c->points[i].obs;
        for (size_t k = 0; k < o->n; k++) {
            if (find_observable(l, o->meta[k].name) >= 0)
                continue;
            if (l->n_obs == cap) {
                cap = cap > 0 ? 2 * cap : 64;
                observable_meta *grown = realloc(l->meta, cap * sizeof *grown);
                if (grown == NULL)
                    return -1;
                l->meta = grown;
            }
            l->meta[l->n_obs++] = o->meta[k];
        }
        if (c->points[i].status == SWEEP_COMPLETED && o->n_time > l->n_time) {
            l->n_time = o->n_time;
            l->time = o->time;
        }
    }
    const char *list = series_list(c->plan->spec);
    for (const char *p = list; *p != '\0' && l->n_series < sizeof l->series_obs / sizeof l->series_obs[0];) {
        char name[NAME_MAX_LEN];
        p += strspn(p, " ,");
        size_t n = strcspn(p, " ,");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        p += n;
        long k = name[0] != '\0' ? find_observable(l, name) : -1;
        if (k >= 0)
            l->series_obs[l->n_series++] = (size_t)k;
    }
    return 0;
}

/* Statistic s of observable name at point i (NaN if the point has none). */
static double point_stat(const sweep_collector *c, size_t i, const char *name, int s)
{
    const point_observables *o = &c->points[i].obs;
    long k = find_in_point(o, name);
    return k >= 0 ? o->stats[(size_t)k * N_STATS + (size_t)s] : NAN;
}

/* ------------------------------------------------------------------ HDF5 writing */

typedef struct {
    hid_t file;
    hid_t dcpl;     /* no object times: the same content gives the same bytes */
    int failed;
} h5_writer;

static void set_attr_string(h5_writer *w, hid_t obj, const char *name, const char *value)
{
    if (H5LTset_attribute_string(obj, ".", name, value) < 0)
        w->failed = 1;
}

static void set_var_attrs(h5_writer *w, hid_t d, const char *units, const char *long_name)
{
    if (units != NULL && units[0] != '\0')
        set_attr_string(w, d, "units", units);
    if (long_name != NULL && long_name[0] != '\0')
        set_attr_string(w, d, "long_name", long_name);
}

/* A dataset of doubles (NaN fill, _FillValue) on the given dimension scales. */
static hid_t write_doubles(h5_writer *w, hid_t loc, const char *name, int rank, const hsize_t *dims,
                           const hid_t *scales, const double *v)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcopy(w->dcpl);
    double fill = NAN;
    H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill);
    hid_t d = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        w->failed = 1;
        return d;
    }
    hid_t as = H5Screate(H5S_SCALAR), a = H5Acreate2(d, "_FillValue", H5T_IEEE_F64LE, as, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, H5T_NATIVE_DOUBLE, &fill) < 0)
        w->failed = 1;
    H5Aclose(a);
    H5Sclose(as);
    for (int k = 0; scales != NULL && k < rank; k++)
        if (H5DSattach_scale(d, scales[k], (unsigned)k) < 0)
            w->failed = 1;
    return d;
}

static hid_t write_longs(h5_writer *w, hid_t loc, const char *name, hsize_t n, hid_t scale, const long long *v)
{
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(loc, name, H5T_STD_I64LE, space, H5P_DEFAULT, w->dcpl, H5P_DEFAULT);
    H5Sclose(space);
    if (d < 0 || H5Dwrite(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        w->failed = 1;
    if (d >= 0 && scale >= 0 && H5DSattach_scale(d, scale, 0) < 0)
        w->failed = 1;
    return d;
}

/* Variable-length UTF-8 strings (netCDF-4 NC_STRING). */
static void write_strings(h5_writer *w, hid_t loc, const char *name, hsize_t n, hid_t scale, const char **v,
                          const char *long_name)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, w->dcpl, H5P_DEFAULT);
    if (d < 0 || H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0 || H5DSattach_scale(d, scale, 0) < 0)
        w->failed = 1;
    set_var_attrs(w, d, NULL, long_name);
    H5Dclose(d);
    H5Sclose(space);
    H5Tclose(type);
}

static void close_dataset(hid_t d)
{
    if (d >= 0)
        H5Dclose(d);
}

/* Coordinates of every point variable, for xarray's `coordinates` attribute. */
static void coordinates_text(const sweep_spec *s, char *buf, size_t len)
{
    snprintf(buf, len, "replicate");
    for (size_t j = 0; j < s->n_params; j++)
        snprintf(buf + strlen(buf), len - strlen(buf), " %s", s->params[j].name);
}

static void write_params(h5_writer *w, const sweep_collector *c, hid_t point, double *column)
{
    const sweep_plan *plan = c->plan;
    const sweep_spec *s = plan->spec;
    hsize_t n = plan->n_points;
    char value[SWEEP_TEXT_MAX], long_name[2 * SWEEP_TEXT_MAX];
    for (size_t j = 0; j < s->n_params; j++) {
        const sweep_param *p = &s->params[j];
        snprintf(long_name, sizeof long_name, "varied configuration key %s", p->key);
        if (p->entry->type == DERMIS_TYPE_NUMBER || p->entry->type == DERMIS_TYPE_INTEGER) {
            for (size_t i = 0; i < plan->n_points; i++)
                column[i] = sweep_plan_number(plan, i, j);
            hid_t d = write_doubles(w, w->file, p->name, 1, &n, &point, column);
            set_var_attrs(w, d, p->entry->unit[0] != '\0' ? p->entry->unit : "1", long_name);
            set_attr_string(w, d, "sweep_key", p->key);
            if (p->n_values == 0) {
                H5LTset_attribute_double(d, ".", "sweep_min", &p->min, 1);
                H5LTset_attribute_double(d, ".", "sweep_max", &p->max, 1);
                set_attr_string(w, d, "sweep_scale", p->scale == SWEEP_SCALE_LOG ? "log" : "linear");
            }
            close_dataset(d);
            continue;
        }
        const char **texts = calloc(plan->n_points + 1, sizeof *texts);
        char (*store)[SWEEP_TEXT_MAX] = calloc(plan->n_points + 1, sizeof *store);
        for (size_t i = 0; texts != NULL && store != NULL && i < plan->n_points; i++) {
            sweep_plan_value(plan, i, j, value, sizeof value);
            snprintf(store[i], sizeof store[i], "%s", value);
            texts[i] = store[i];
        }
        if (texts != NULL && store != NULL)
            write_strings(w, w->file, p->name, n, point, texts, long_name);
        else
            w->failed = 1;
        free(texts);
        free(store);
    }
}

static void write_design(h5_writer *w, const sweep_collector *c, hid_t point)
{
    const sweep_plan *plan = c->plan;
    hsize_t n = plan->n_points;
    long long *v = malloc((plan->n_points + 1) * sizeof *v);
    const char **status = calloc(plan->n_points + 1, sizeof *status), **error = calloc(plan->n_points + 1, sizeof *error);
    if (v == NULL || status == NULL || error == NULL) {
        w->failed = 1;
    } else {
        struct { const char *name, *long_name; } cols[] = {
            {"replicate", "replicate of the design point (run.seed = base seed + replicate)"},
            {"seed", "run.seed of the point (-1: invalid configuration)"},
            {"design_block", "design block: Saltelli base sample, Morris trajectory, else the design point"},
            {"design_step", "step in the block: Saltelli 0 = A, 1 = B, 2 + j = A with key j from B; Morris step"},
        };
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            for (size_t i = 0; i < plan->n_points; i++)
                v[i] = k == 0 ? (long long)sweep_plan_replicate(plan, i) : k == 1 ? c->points[i].seed
                     : k == 2 ? sweep_plan_block(plan, i) : sweep_plan_step(plan, i);
            hid_t d = write_longs(w, w->file, cols[k].name, n, point, v);
            set_var_attrs(w, d, "1", cols[k].long_name);
            close_dataset(d);
        }
        for (size_t i = 0; i < plan->n_points; i++) {
            status[i] = sweep_status_name(c->points[i].status);
            error[i] = c->points[i].error;
        }
        write_strings(w, w->file, "status", n, point, status,
                      "point status: pending, running, completed, failed, interrupted or outdated");
        write_strings(w, w->file, "error", n, point, error, "error line of a point that did not complete");
    }
    free(v);
    free(status);
    free(error);
}

static void write_observable_stats(h5_writer *w, const sweep_collector *c, const summary_layout *l, hid_t point,
                                   double *column)
{
    char name[NAME_MAX_LEN + 16], long_name[ATTR_MAX_LEN + 32], coords[4096];
    hsize_t n = c->plan->n_points;
    coordinates_text(c->plan->spec, coords, sizeof coords);
    for (size_t k = 0; k < l->n_obs; k++) {
        for (int s = 0; s < N_STATS; s++) {
            for (size_t i = 0; i < c->plan->n_points; i++)
                column[i] = point_stat(c, i, l->meta[k].name, s);
            snprintf(name, sizeof name, "%s%s", l->meta[k].name, stat_suffix[s]);
            snprintf(long_name, sizeof long_name, "%s %s", stat_words[s],
                     l->meta[k].long_name[0] != '\0' ? l->meta[k].long_name : l->meta[k].name);
            hid_t d = write_doubles(w, w->file, name, 1, &n, &point, column);
            set_var_attrs(w, d, s == STAT_PEAK_TIME ? "day" : l->meta[k].units, long_name);
            set_attr_string(w, d, "coordinates", coords);
            close_dataset(d);
        }
    }
}

static void write_series(h5_writer *w, const sweep_collector *c, const summary_layout *l, hid_t point)
{
    if (l->n_series == 0 || l->n_time == 0)
        return;
    hsize_t nt = l->n_time, dims[2] = {c->plan->n_points, l->n_time};
    hid_t t = write_doubles(w, w->file, "time_obs", 1, &nt, NULL, l->time);
    H5DSset_scale(t, "time_obs");
    set_var_attrs(w, t, "day", "time of the observable rows");
    set_attr_string(w, t, "axis", "T");
    double *v = malloc(c->plan->n_points * l->n_time * sizeof *v);
    char coords[4096];
    coordinates_text(c->plan->spec, coords, sizeof coords);
    for (size_t q = 0; v != NULL && q < l->n_series; q++) {
        const observable_meta *m = &l->meta[l->series_obs[q]];
        for (size_t i = 0; i < c->plan->n_points; i++) {
            const point_observables *o = &c->points[i].obs;
            long k = find_in_point(o, m->name);
            /* A point's series is stored where its times are the axis's (a prefix of it). */
            long row = k >= 0 ? o->row[k] : -1;
            int same = row >= 0 && o->n_time <= l->n_time && memcmp(o->time, l->time, o->n_time * sizeof *o->time) == 0;
            for (size_t r = 0; r < l->n_time; r++)
                v[i * l->n_time + r] = same && r < o->n_time ? o->series[(size_t)row * o->n_time + r] : NAN;
        }
        hid_t scales[2] = {point, t};
        hid_t d = write_doubles(w, w->file, m->name, 2, dims, scales, v);
        set_var_attrs(w, d, m->units, m->long_name);
        set_attr_string(w, d, "coordinates", coords);
        close_dataset(d);
    }
    if (v == NULL)
        w->failed = 1;
    free(v);
    close_dataset(t);
}

/* /grid: the statistics on the grid's own dimensions, with replicate mean and std. */
static void write_grid(h5_writer *w, const sweep_collector *c, const summary_layout *l)
{
    const sweep_plan *plan = c->plan;
    const sweep_spec *s = plan->spec;
    size_t d = s->n_params, R = s->replicates, cells = plan->n_design;
    for (size_t j = 0; j < d; j++)
        if (s->params[j].entry->type != DERMIS_TYPE_NUMBER && s->params[j].entry->type != DERMIS_TYPE_INTEGER)
            return; /* a grid over choices has no numeric axis: the point variables serve */
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gcpl, 0);
    H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t g = H5Gcreate2(w->file, "grid", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    hid_t scales[SWEEP_PARAMS_MAX + 1];
    hsize_t dims[SWEEP_PARAMS_MAX + 1];
    char value[SWEEP_TEXT_MAX], name[NAME_MAX_LEN + 16], long_name[ATTR_MAX_LEN + 64];
    double levels[SWEEP_LEVELS_MAX];
    for (size_t j = 0; j < d; j++) {
        dims[j] = sweep_plan_levels(plan, j);
        for (size_t k = 0; k < dims[j]; k++) {
            sweep_plan_level_value(plan, j, k, value, sizeof value);
            levels[k] = strtod(value, NULL);
        }
        scales[j] = write_doubles(w, g, s->params[j].name, 1, &dims[j], NULL, levels);
        H5DSset_scale(scales[j], s->params[j].name);
        snprintf(long_name, sizeof long_name, "varied configuration key %s", s->params[j].key);
        set_var_attrs(w, scales[j], s->params[j].entry->unit[0] != '\0' ? s->params[j].entry->unit : "1", long_name);
        set_attr_string(w, scales[j], "sweep_key", s->params[j].key);
    }
    dims[d] = R;
    long long *reps = malloc(R * sizeof *reps);
    for (size_t r = 0; reps != NULL && r < R; r++)
        reps[r] = (long long)r;
    scales[d] = write_longs(w, g, "replicate", R, H5I_INVALID_HID, reps);
    H5DSset_scale(scales[d], "replicate");
    free(reps);
    /* Points are ordered as the grid: design point (last key fastest), then replicate. */
    double *all = malloc(plan->n_points * sizeof *all), *mean = malloc(cells * sizeof *mean),
           *sd = malloc(cells * sizeof *sd);
    for (size_t k = 0; all != NULL && mean != NULL && sd != NULL && k < l->n_obs; k++) {
        for (int st = 0; st < N_STATS; st++) {
            for (size_t i = 0; i < plan->n_points; i++)
                all[i] = point_stat(c, i, l->meta[k].name, st);
            for (size_t cell = 0; cell < cells; cell++) {
                double sum = 0, sum2 = 0;
                size_t m = 0;
                for (size_t r = 0; r < R; r++) {
                    double x = all[cell * R + r];
                    if (isfinite(x)) {
                        sum += x;
                        m++;
                    }
                }
                mean[cell] = m > 0 ? sum / (double)m : NAN;
                for (size_t r = 0; r < R; r++) {
                    double x = all[cell * R + r];
                    if (isfinite(x))
                        sum2 += (x - mean[cell]) * (x - mean[cell]);
                }
                sd[cell] = m > 1 ? sqrt(sum2 / (double)(m - 1)) : NAN;
            }
            const char *units = st == STAT_PEAK_TIME ? "day" : l->meta[k].units;
            const char *what = l->meta[k].long_name[0] != '\0' ? l->meta[k].long_name : l->meta[k].name;
            snprintf(name, sizeof name, "%s%s", l->meta[k].name, stat_suffix[st]);
            snprintf(long_name, sizeof long_name, "%s %s", stat_words[st], what);
            hid_t v = write_doubles(w, g, name, (int)d + 1, dims, scales, all);
            set_var_attrs(w, v, units, long_name);
            close_dataset(v);
            snprintf(name, sizeof name, "%s%s_mean", l->meta[k].name, stat_suffix[st]);
            snprintf(long_name, sizeof long_name, "replicate mean of the %s %s", stat_words[st], what);
            v = write_doubles(w, g, name, (int)d, dims, scales, mean);
            set_var_attrs(w, v, units, long_name);
            close_dataset(v);
            snprintf(name, sizeof name, "%s%s_std", l->meta[k].name, stat_suffix[st]);
            snprintf(long_name, sizeof long_name, "replicate standard deviation (n - 1) of the %s %s", stat_words[st],
                     what);
            v = write_doubles(w, g, name, (int)d, dims, scales, sd);
            set_var_attrs(w, v, units, long_name);
            close_dataset(v);
        }
    }
    if (all == NULL || mean == NULL || sd == NULL)
        w->failed = 1;
    free(all);
    free(mean);
    free(sd);
    for (size_t j = 0; j <= d; j++)
        close_dataset(scales[j]);
    H5Gclose(g);
}

static void write_global_attrs(h5_writer *w, const sweep_collector *c)
{
    const sweep_spec *s = c->plan->spec;
    char text[2 * SWEEP_TEXT_MAX];
    long long counts[] = {(long long)c->plan->n_points, (long long)s->replicates, (long long)s->samples,
                          (long long)s->seed};
    const char *names[] = {"sweep_points", "sweep_replicates", "sweep_samples", "sweep_seed"};
    set_attr_string(w, w->file, "Conventions", "CF-1.8");
    set_attr_string(w, w->file, "title", "dermis sweep summary");
    snprintf(text, sizeof text, "dermis %s %s", DERMIS_VERSION, DERMIS_GIT_COMMIT);
    set_attr_string(w, w->file, "source", text);
    set_attr_string(w, w->file, "sweep_design", s->design->name);
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        if (H5LTset_attribute_long_long(w->file, ".", names[k], &counts[k], 1) < 0)
            w->failed = 1;
    text[0] = '\0';
    for (size_t j = 0; j < s->n_params; j++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", j > 0 ? " " : "", s->params[j].key);
    set_attr_string(w, w->file, "sweep_keys", text);
}

static int write_netcdf(const sweep_collector *c, const summary_layout *l, const char *path)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_obj_track_times(fcpl, 0);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110);
    h5_writer w = {.file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl), .dcpl = H5Pcreate(H5P_DATASET_CREATE)};
    H5Pclose(fcpl);
    H5Pclose(fapl);
    if (w.file < 0) {
        H5Pclose(w.dcpl);
        return -1;
    }
    H5Pset_obj_track_times(w.dcpl, 0);
    hsize_t n = c->plan->n_points;
    long long *index = malloc((c->plan->n_points + 1) * sizeof *index);
    double *column = malloc((c->plan->n_points + 1) * sizeof *column);
    if (index != NULL && column != NULL) {
        for (size_t i = 0; i < c->plan->n_points; i++)
            index[i] = (long long)i;
        write_global_attrs(&w, c);
        hid_t point = write_longs(&w, w.file, "point", n, H5I_INVALID_HID, index);
        H5DSset_scale(point, "point");
        set_var_attrs(&w, point, "1", "sweep point");
        write_params(&w, c, point, column);
        write_design(&w, c, point);
        write_observable_stats(&w, c, l, point, column);
        write_series(&w, c, l, point);
        if (sweep_plan_is_grid(c->plan))
            write_grid(&w, c, l);
        close_dataset(point);
    } else {
        w.failed = 1;
    }
    free(index);
    free(column);
    H5Pclose(w.dcpl);
    if (H5Fclose(w.file) < 0)
        w.failed = 1;
    return w.failed ? -1 : 0;
}

/* ------------------------------------------------------------------ CSV */

static void csv_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.10g", v);
    else
        fputs(",", f);
}

static int write_csv(const sweep_collector *c, const summary_layout *l, const char *path)
{
    const sweep_plan *plan = c->plan;
    const sweep_spec *s = plan->spec;
    char value[SWEEP_TEXT_MAX];
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("point,replicate,seed,design_block,design_step", f);
    for (size_t j = 0; j < s->n_params; j++)
        fprintf(f, ",%s", s->params[j].name);
    fputs(",status", f);
    for (size_t k = 0; k < l->n_obs; k++)
        for (int st = 0; st < N_STATS; st++)
            fprintf(f, ",%s%s", l->meta[k].name, stat_suffix[st]);
    fputs(",error\n", f);
    for (size_t i = 0; i < plan->n_points; i++) {
        fprintf(f, "%zu,%zu,%ld,%ld,%ld", i, sweep_plan_replicate(plan, i), c->points[i].seed,
                sweep_plan_block(plan, i), sweep_plan_step(plan, i));
        for (size_t j = 0; j < s->n_params; j++) {
            sweep_plan_value(plan, i, j, value, sizeof value);
            fprintf(f, ",%s", value);
        }
        fprintf(f, ",%s", sweep_status_name(c->points[i].status));
        for (size_t k = 0; k < l->n_obs; k++)
            for (int st = 0; st < N_STATS; st++)
                csv_number(f, point_stat(c, i, l->meta[k].name, st));
        fputs(",\"", f);
        for (const char *p = c->points[i].error; *p != '\0'; p++)
            fputs(*p == '"' ? "\"\"" : (char[2]){*p, '\0'}, f);
        fputs("\"\n", f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

int sweep_collector_write(sweep_collector *c, char *err, size_t len)
{
    summary_layout l;
    char path[2 * SWEEP_TEXT_MAX + 16], tmp[2 * SWEEP_TEXT_MAX + 48];
    if (build_layout(c, &l) != 0) {
        free(l.meta);
        snprintf(err, len, "sweep: out of memory");
        return -1;
    }
    const char *names[] = {"summary.nc", "summary.csv"};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        snprintf(path, sizeof path, "%s/%s", c->dir, names[k]);
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
        rc = k == 0 ? write_netcdf(c, &l, tmp) : write_csv(c, &l, tmp);
        if (rc == 0 && rename(tmp, path) != 0)
            rc = -1;
        if (rc != 0) {
            unlink(tmp);
            snprintf(err, len, "sweep: cannot write %s", path);
        }
    }
    free(l.meta);
    return rc;
}
