/* Probe of the output-format extension point (docs/architecture.md, "An output format"):
 * tests/scripts/test_heavy_extension_points.py copies this file into a scratch tree as
 * io/output_probe.c and registers it. It writes the observable rows as CSV next to the output
 * (OUT.nc -> OUT.nc.csv): a header line, then one line per row, the time first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/output_writer.h"

typedef struct {
    FILE *file;
    char *path;
    size_t row_length;
} probe_csv;

static char *csv_path(const char *path)
{
    char *p = malloc(strlen(path) + 5);
    if (p) sprintf(p, "%s.csv", path);
    return p;
}

static void *csv_open(const char *path, const dermis_output_spec *spec, const char *mode, char *err)
{
    probe_csv *w = calloc(1, sizeof *w);
    if (w && (w->path = csv_path(path)) && (w->file = fopen(w->path, mode))) {
        w->row_length = dermis_output_row_length(spec);
        return w;
    }
    snprintf(err, DERMIS_OUTPUT_ERROR_MAX, "%s.csv: cannot open", path);
    if (w) free(w->path);
    free(w);
    return NULL;
}

static void *csv_create(const char *path, const dermis_output_spec *spec, char *err)
{
    probe_csv *w = csv_open(path, spec, "w", err);
    if (w) fprintf(w->file, "time_day,%zu values\n", w->row_length);
    return w;
}

static void *csv_reopen(const char *path, const dermis_output_spec *spec, size_t n_frames, size_t n_rows,
                        double *frame_times, char *err)
{
    (void)n_frames, (void)n_rows, (void)frame_times;
    return csv_open(path, spec, "a", err);
}

static int csv_frame(void *w, const dermis_output_history *h, const double *u, char *err)
{
    (void)w, (void)h, (void)u, (void)err;
    return 0;
}

static int csv_observables(void *w, double t_day, const double *values, char *err)
{
    probe_csv *c = w;
    fprintf(c->file, "%.17g", t_day);
    for (size_t i = 0; i < c->row_length; ++i) fprintf(c->file, ",%.17g", values[i]);
    if (fputc('\n', c->file) == EOF || fflush(c->file) != 0) {
        snprintf(err, DERMIS_OUTPUT_ERROR_MAX, "%s: write failed", c->path);
        return -1;
    }
    return 0;
}

static int csv_rename(void *w, const dermis_output_history *h, const char *new_path, char *err)
{
    (void)h;
    probe_csv *c = w;
    char *p = csv_path(new_path);
    if (!p || rename(c->path, p) != 0) {
        free(p);
        snprintf(err, DERMIS_OUTPUT_ERROR_MAX, "%s.csv: cannot follow the output", new_path);
        return -1;
    }
    free(c->path);
    c->path = p;
    return 0;
}

static int csv_close(void *w, const dermis_output_summary *s, char *err)
{
    (void)s, (void)err;
    probe_csv *c = w;
    fclose(c->file);
    free(c->path);
    free(c);
    return 0;
}

const dermis_output_writer dermis_probe_csv_writer = {
    "probe_csv", csv_create, csv_reopen, csv_frame, csv_observables, csv_rename, csv_close,
};
