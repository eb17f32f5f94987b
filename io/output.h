/* The run's output: one call site for every output format. A run writes through the writers
 * registered in io/output.c (the netCDF-4/CF file, io/output_netcdf.c, and its XDMF 3 sidecar
 * for ParaView, io/xdmf.c); each is an implementation of dermis_output_writer
 * (io/output_writer.h). Adding a format is one new file plus one line in that table.
 *
 * The writers are generic: they are told the grid, the names/units/long names of the fields and
 * of the observables, and the provenance; they know nothing of biology.
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
    int per_region;        /* observables only: 1 = one value per region (a `region` dimension) */
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
    int compression;                    /* deflate level 0..9 of the fields (0 = none) */
    /* Observables: n_observables variables; one row of values holds, in this order, one value
     * per scalar variable and n_regions consecutive values per per_region variable. */
    size_t n_observables;
    const dermis_var_meta *observables;
    size_t n_regions;
    const char *const *region_names;
    /* Expected sizes (0 = unknown): the time series are chunked to hold them, so appending
     * rewrites chunks in place instead of leaving dead space. */
    size_t expected_frames;
    size_t expected_observable_rows;
    size_t n_sessions;
    const dermis_session_record *sessions;
    /* Static map (NULL = none): the layer code of every voxel, written once as a CF flag
     * variable `layer` so readers can draw layer boundaries. */
    const unsigned char *layer;
    size_t n_layers;
    const char *const *layer_names;
    /* Provenance */
    const char *config_ini;             /* resolved configuration text */
    size_t n_config_keys;               /* flat copies as attributes config.<key> */
    const char *const *config_keys;
    const char *const *config_values;   /* numbers and number lists are stored as f64 */
    const char *command_line;
    const char *run_id;                 /* root attribute run_id (NULL or "" = none) */
    long seed;
    int threads;
} dermis_output_spec;

/* What close records. */
typedef struct {
    const char *run_status;             /* "completed", "failed" or "interrupted" */
    const dermis_solver_stats *stats;   /* NULL = none */
    double wall_seconds;
} dermis_output_summary;

typedef struct dermis_output dermis_output;

/* Values per observable row of spec. */
size_t dermis_output_row_length(const dermis_output_spec *spec);

/* Creates path (truncating) and every writer's companion file (OUT.nc -> OUT.xmf). */
dermis_output *dermis_output_create(const char *path, const dermis_output_spec *spec,
                                    char err[DERMIS_OUTPUT_ERROR_MAX]);

/* Reopens an existing output for a restart: keeps the first n_frames field frames and
 * n_obs_rows observable rows, drops anything after them, and continues appending. */
dermis_output *dermis_output_reopen(const char *path, const dermis_output_spec *spec, size_t n_frames,
                                    size_t n_obs_rows, char err[DERMIS_OUTPUT_ERROR_MAX]);

/* Appends one field frame at t_day from the field-major state u (n_fields x voxels), then
 * flushes. On failure (e.g. disk full) the partial frame is dropped, every complete frame is
 * kept, and every later write fails with the same message: close with "failed". */
int dermis_output_write_frame(dermis_output *o, double t_day, const double *u, char err[DERMIS_OUTPUT_ERROR_MAX]);
/* Appends one row of observables (dermis_output_row_length values) at t_day, then flushes. */
int dermis_output_write_observables(dermis_output *o, double t_day, const double *values,
                                    char err[DERMIS_OUTPUT_ERROR_MAX]);
/* Complete frames / observable rows on disk. */
size_t dermis_output_frames(const dermis_output *o);
size_t dermis_output_observable_rows(const dermis_output *o);

/* The XDMF sidecar's path for an output path: OUT.nc -> OUT.xmf, any other name + ".xmf".
 * malloc'ed (NULL if memory ran out). */
char *dermis_output_sidecar_path(const char *path);

/* path followed by suffix ("OUT.nc" + ".lock"), malloc'ed (NULL if memory ran out): the one
 * way the output, the checkpoints and the command name the files next to a path. */
char *dermis_path_with_suffix(const char *path, const char *suffix);

/* Moves the output (and its companion files) to new_path while it is being written. */
int dermis_output_rename(dermis_output *o, const char *new_path, char err[DERMIS_OUTPUT_ERROR_MAX]);

/* Records run_status ("completed", "failed", "interrupted"), wall time and solver statistics
 * and closes every file. Never crashes on a full disk. Always frees o. */
int dermis_output_close(dermis_output *o, const char *run_status, const dermis_solver_stats *stats,
                        double wall_seconds, char err[DERMIS_OUTPUT_ERROR_MAX]);

#endif
