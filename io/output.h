/* The run's output file: one netCDF-4-compatible HDF5 file (CF-1.8), written in SWMR mode
 * with a flush after every frame so a reader can follow the run live and a killed run keeps
 * every flushed frame. Plus an XDMF 3 sidecar for ParaView.
 *
 * The writer is generic: it is told the grid, the names/units/long names of the fields and of
 * the scalar observables, and the provenance; it knows nothing of biology.
 * Every function returns 0 on success or -1 with one line in err (library code never prints).
 */
#ifndef DERMIS_IO_OUTPUT_H
#define DERMIS_IO_OUTPUT_H

#include <stddef.h>

#include "solver/grid.h"
#include "solver/solver.h"

#define DERMIS_OUTPUT_ERROR_MAX 512

typedef struct {
    const char *name;      /* variable name (part of the output contract) */
    const char *units;     /* UDUNITS string */
    const char *long_name;
} dermis_var_meta;

/* One row of the sessions table. */
typedef struct {
    double time_day;
    const char *device;   /* "dermaroller", "dermapen", "channels" */
    double depth_mm;      /* nominal depth setting */
    double effective_depth_mm;
    long channels_placed;
} dermis_session_record;

typedef struct {
    const dermis_grid *grid;
    size_t n_fields;                    /* fields in the state vector */
    const dermis_var_meta *fields;
    const int *field_selected;          /* n_fields flags: 1 = written; NULL = all */
    int float32;                        /* store fields as float32 */
    size_t n_observables;
    const dermis_var_meta *observables;
    size_t n_sessions;
    const dermis_session_record *sessions;
    /* Provenance */
    const char *config_ini;             /* resolved configuration text */
    size_t n_config_keys;               /* flat copies as attributes config.<key> */
    const char *const *config_keys;
    const char *const *config_values;
    const char *command_line;
    long seed;
    int threads;
    const char *run_id;                 /* identity of this output (UUID), root attribute run_id; may be NULL */
} dermis_output_spec;

typedef struct dermis_output dermis_output;

/* Path of the XDMF sidecar of output file path: OUT.nc -> OUT.xmf; any other name gets ".xmf"
 * appended. malloc'ed; NULL when out of memory. */
char *dermis_output_sidecar_path(const char *path);

/* Creates path (truncating) and its sidecar path.xmf replacement (OUT.nc -> OUT.xmf),
 * writes all metadata, then starts SWMR. */
dermis_output *dermis_output_create(const char *path, const dermis_output_spec *spec,
                                    char err[DERMIS_OUTPUT_ERROR_MAX]);

/* Reopens an existing output for a restart: keeps the first n_frames field frames and
 * n_obs_rows observable rows, drops anything after them, and continues appending. */
dermis_output *dermis_output_reopen(const char *path, const dermis_output_spec *spec, size_t n_frames,
                                    size_t n_obs_rows, char err[DERMIS_OUTPUT_ERROR_MAX]);

/* Moves the live file to path (same file system) and its sidecar to path's sidecar name; the
 * writer goes on under the new name. Used to write under a temporary name and publish the file
 * once it holds a first frame. */
int dermis_output_rename(dermis_output *o, const char *path, char err[DERMIS_OUTPUT_ERROR_MAX]);

/* Appends one field frame at t_day from the field-major state u, then flushes. */
int dermis_output_write_frame(dermis_output *o, double t_day, const double *u, char err[DERMIS_OUTPUT_ERROR_MAX]);
/* Appends one row of observables (n_observables values) at t_day, then flushes. */
int dermis_output_write_observables(dermis_output *o, double t_day, const double *values,
                                    char err[DERMIS_OUTPUT_ERROR_MAX]);
size_t dermis_output_frames(const dermis_output *o);
size_t dermis_output_observable_rows(const dermis_output *o);

/* Closes the file, then reopens it without SWMR to record run_status ("completed", "failed",
 * "interrupted"), wall times and solver statistics. Always frees o. */
int dermis_output_close(dermis_output *o, const char *run_status, const dermis_solver_stats *stats,
                        double wall_seconds, char err[DERMIS_OUTPUT_ERROR_MAX]);

#endif
