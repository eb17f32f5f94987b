/* The output writer interface (internal to io/): one implementation per output format,
 * registered by one row of DERMIS_OUTPUT_WRITERS below. io/output.c calls every writer in row
 * order and stops at the first failure, so a writer only sees frames that the writers before it
 * have stored (the XDMF sidecar lists only frames the netCDF file holds).
 *
 * Every function returns 0 (or a non-NULL handle) on success and -1 (NULL) with one line in err.
 */
#ifndef DERMIS_IO_OUTPUT_WRITER_H
#define DERMIS_IO_OUTPUT_WRITER_H

#include <stddef.h>

#include "io/output.h"

/* What every writer may look at: the frames written so far (times of frames 0..n_frames-1). */
typedef struct {
    const char *path;          /* the run's output path (the netCDF file) */
    size_t n_frames;
    const double *frame_times; /* n_frames values */
} dermis_output_history;

typedef struct {
    const char *name;
    void *(*create)(const char *path, const dermis_output_spec *spec, char *err);
    /* Restart: keep n_frames frames and n_rows observable rows. The first writer (the data
     * file) fills frame_times[0..n_frames-1] with the kept frame times; later ones read them. */
    void *(*reopen)(const char *path, const dermis_output_spec *spec, size_t n_frames, size_t n_rows,
                    double *frame_times, char *err);
    /* Appends frame h->n_frames - 1 (time h->frame_times[h->n_frames - 1]). */
    int (*frame)(void *w, const dermis_output_history *h, const double *u, char *err);
    int (*observables)(void *w, double t_day, const double *values, char *err);
    /* Optional (NULL = nothing to do): follow the output to new_path. */
    int (*rename)(void *w, const dermis_output_history *h, const char *new_path, char *err);
    /* Records the summary and frees w (also after a failure). */
    int (*close)(void *w, const dermis_output_summary *s, char *err);
} dermis_output_writer;

/* The registered output formats, in call order: X(name) registers the writer
 * `const dermis_output_writer dermis_<name>_writer` defined in its own file. The data file
 * comes first: later writers refer to it. */
/* clang-format off */
#define DERMIS_OUTPUT_WRITERS(X) \
    X(netcdf) /* io/output_netcdf.c */ \
    X(xdmf)   /* io/xdmf.c */
/* clang-format on */

#define DERMIS_OUTPUT_WRITER_DECLARE(name) extern const dermis_output_writer dermis_##name##_writer;
DERMIS_OUTPUT_WRITERS(DERMIS_OUTPUT_WRITER_DECLARE)

/* The spatial dims of a field as every writer stores it, z first: (z), (z, x) or (z, y, x).
 * Returns the rank. */
size_t dermis_output_field_dims(const dermis_grid *g, size_t dims[3]);

/* A malloc'ed copy of s (NULL when out of memory); shared by the writers. */
char *dermis_output_copy_string(const char *s);

#endif
