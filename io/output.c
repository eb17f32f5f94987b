/* The output multiplexer: implements io/output.h by calling every registered writer
 * (io/output_writer.h) in table order. It owns what all writers share: the frame count and
 * times, the observable row count, and the failed state after a write error. */
#include "io/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/output_writer.h"
#include "model/message.h"

#define ERR_SIZE DERMIS_OUTPUT_ERROR_MAX

/* The registered output formats (DERMIS_OUTPUT_WRITERS), in call order. */
#define WRITER_ENTRY(name) &dermis_##name##_writer,
static const dermis_output_writer *const writers[] = {DERMIS_OUTPUT_WRITERS(WRITER_ENTRY)};
#define N_WRITERS (sizeof writers / sizeof writers[0])

struct dermis_output {
    void *w[N_WRITERS];
    char *path;
    size_t frames;
    size_t rows;
    double *frame_times;
    size_t frame_times_cap;
    int failed;                 /* a write failed: every later write fails with this message */
    char failure[ERR_SIZE];
};

char *dermis_path_with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    char *s = malloc(n + k + 1);
    if (s) {
        memcpy(s, path, n);
        memcpy(s + n, suffix, k + 1);
    }
    return s;
}

char *dermis_output_copy_string(const char *s)
{
    return dermis_path_with_suffix(s, "");
}

size_t dermis_output_field_dims(const dermis_grid *g, size_t dims[3])
{
    size_t r = 0;
    dims[r++] = g->nz;
    if (g->dims == 3)
        dims[r++] = g->ny;
    if (g->dims >= 2)
        dims[r++] = g->nx;
    return r;
}

size_t dermis_output_row_length(const dermis_output_spec *spec)
{
    size_t n = 0;
    for (size_t j = 0; j < spec->n_observables; j++)
        n += spec->observables[j].per_region ? spec->n_regions : 1;
    return n;
}

static int reserve_times(dermis_output *o, size_t n)
{
    if (n <= o->frame_times_cap)
        return 0;
    size_t cap = o->frame_times_cap ? 2 * o->frame_times_cap : 64;
    while (cap < n)
        cap *= 2;
    double *t = realloc(o->frame_times, cap * sizeof *t);
    if (!t)
        return -1;
    o->frame_times = t;
    o->frame_times_cap = cap;
    return 0;
}

static void output_free(dermis_output *o)
{
    free(o->frame_times);
    free(o->path);
    free(o);
}

/* Closes the writers opened so far (after a failed create/reopen). */
static void abandon(dermis_output *o, size_t opened)
{
    char ignored[ERR_SIZE];
    dermis_output_summary s = {"failed", NULL, 0.0};
    for (size_t k = opened; k-- > 0;)
        writers[k]->close(o->w[k], &s, ignored);
    output_free(o);
}

static dermis_output *output_alloc(const char *path, size_t n_frames, char *err)
{
    dermis_output *o = calloc(1, sizeof *o);
    if (o)
        o->path = dermis_output_copy_string(path);
    if (!o || !o->path || reserve_times(o, n_frames + 1) != 0) {
        if (o)
            output_free(o);
        dermis_message(err, ERR_SIZE, -1, "%s: out of memory", path);
        return NULL;
    }
    return o;
}

dermis_output *dermis_output_create(const char *path, const dermis_output_spec *spec, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    dermis_output *o = output_alloc(path, 0, err);
    if (!o)
        return NULL;
    for (size_t k = 0; k < N_WRITERS; k++) {
        o->w[k] = writers[k]->create(path, spec, err);
        if (!o->w[k]) {
            abandon(o, k);
            return NULL;
        }
    }
    return o;
}

dermis_output *dermis_output_reopen(const char *path, const dermis_output_spec *spec, size_t n_frames,
                                    size_t n_obs_rows, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    dermis_output *o = output_alloc(path, n_frames, err);
    if (!o)
        return NULL;
    for (size_t k = 0; k < N_WRITERS; k++) {
        o->w[k] = writers[k]->reopen(path, spec, n_frames, n_obs_rows, o->frame_times, err);
        if (!o->w[k]) {
            abandon(o, k);
            return NULL;
        }
    }
    o->frames = n_frames;
    o->rows = n_obs_rows;
    return o;
}

static int refuse_if_failed(const dermis_output *o, char *err)
{
    if (!o)
        return dermis_message(err, ERR_SIZE, -1, "output: file is not open");
    if (o->failed)
        return dermis_message(err, ERR_SIZE, -1, "%s", o->failure);
    return 0;
}

static int record_failure(dermis_output *o, char *err)
{
    o->failed = 1;
    snprintf(o->failure, sizeof o->failure, "%s", err);
    return -1;
}

int dermis_output_write_frame(dermis_output *o, double t_day, const double *u, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    if (refuse_if_failed(o, err) != 0)
        return -1;
    if (reserve_times(o, o->frames + 1) != 0) {
        dermis_message(err, ERR_SIZE, -1, "%s: out of memory", o->path);
        return record_failure(o, err);
    }
    o->frame_times[o->frames] = t_day;
    const dermis_output_history h = {o->path, o->frames + 1, o->frame_times};
    for (size_t k = 0; k < N_WRITERS; k++)
        if (writers[k]->frame(o->w[k], &h, u, err) != 0) {
            /* The data file dropped the partial frame itself; a later writer (the sidecar) only
             * lags behind. Either way the run cannot go on. */
            if (k > 0)
                o->frames++;
            return record_failure(o, err);
        }
    o->frames++;
    return 0;
}

int dermis_output_write_observables(dermis_output *o, double t_day, const double *values,
                                    char err[DERMIS_OUTPUT_ERROR_MAX])
{
    if (refuse_if_failed(o, err) != 0)
        return -1;
    for (size_t k = 0; k < N_WRITERS; k++)
        if (writers[k]->observables(o->w[k], t_day, values, err) != 0)
            return record_failure(o, err);
    o->rows++;
    return 0;
}

size_t dermis_output_frames(const dermis_output *o)
{
    return o ? o->frames : 0;
}

size_t dermis_output_observable_rows(const dermis_output *o)
{
    return o ? o->rows : 0;
}

int dermis_output_rename(dermis_output *o, const char *new_path, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    if (refuse_if_failed(o, err) != 0)
        return -1;
    char *p = dermis_output_copy_string(new_path);
    if (!p)
        return dermis_message(err, ERR_SIZE, -1, "%s: out of memory", new_path);
    const dermis_output_history h = {o->path, o->frames, o->frame_times};
    for (size_t k = 0; k < N_WRITERS; k++)
        if (writers[k]->rename && writers[k]->rename(o->w[k], &h, new_path, err) != 0) {
            free(p);
            return record_failure(o, err);
        }
    free(o->path);
    o->path = p;
    return 0;
}

int dermis_output_close(dermis_output *o, const char *run_status, const dermis_solver_stats *stats,
                        double wall_seconds, char err[DERMIS_OUTPUT_ERROR_MAX])
{
    if (!o)
        return 0;
    const dermis_output_summary s = {run_status ? run_status : "completed", stats, wall_seconds};
    int status = 0;
    char msg[ERR_SIZE];
    for (size_t k = 0; k < N_WRITERS; k++)
        if (writers[k]->close(o->w[k], &s, msg) != 0 && status == 0)
            status = dermis_message(err, ERR_SIZE, -1, "%s", msg);
    output_free(o);
    return status;
}
