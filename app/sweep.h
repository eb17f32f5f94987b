/* `dermis sweep`: parameter studies over many runs (see docs/sweeps.md).
 *
 *   sweep_spec.c     reads SWEEP.ini (the strict INI reader of io/config.c) into a sweep_spec
 *   sweep_design.c   the designs, one registry row each: grid, lhs, sobol, saltelli, morris,
 *                    replicates; each fills the unit-cube coordinates of its points
 *   sweep_plan.c     points -> resolved configurations, file names, the --dry-run listing
 *   sweep_point.c    running one point as a child `dermis run` and judging a point's files
 *   sweep_summary.c  DIR/summary.nc and DIR/summary.csv from the points' files
 *   sweep_driver.c   local driver (--jobs), --point/--shard, --slurm, --collect
 *   sweep_mpi.c      MPI task farm (built with -DDERMIS_MPI=ON)
 *   sweep_cmd.c      the command line
 *
 * A point is a pure function of (spec, index): every driver and every re-run sees the same
 * points, and the summary is built from the files in DIR only, so every driver writes the same
 * summary. */
#ifndef DERMIS_APP_SWEEP_H
#define DERMIS_APP_SWEEP_H

#include <stddef.h>

#include "io/config.h"

/* Varied parameters of one sweep. The Sobol sequence of GSL stops at 40 dimensions. */
#define SWEEP_PARAMS_MAX 40
/* Values of one parameter's list (or grid levels). */
#define SWEEP_LEVELS_MAX 64
/* Text of one value, a key, a path. */
#define SWEEP_TEXT_MAX 256
/* Fixed overrides in [set]. */
#define SWEEP_SETS_MAX 64

typedef enum { SWEEP_SCALE_LINEAR = 0, SWEEP_SCALE_LOG } sweep_scale;

/* One varied key: either explicit levels (values = ...), or bounds min/max (with count: a grid
 * of count levels spaced by scale). */
typedef struct {
    char key[SWEEP_TEXT_MAX];      /* schema key, e.g. device.depth_mm */
    char name[SWEEP_TEXT_MAX];     /* netCDF/CSV name: the key with '.' -> '_' (device_depth_mm) */
    const dermis_schema_entry *entry;
    int line;                      /* line of its [vary.KEY] header */
    size_t n_values;               /* values = a, b, c (0 if not given) */
    char values[SWEEP_LEVELS_MAX][SWEEP_TEXT_MAX];
    int has_min, has_max;
    double min, max;
    size_t count;                  /* grid levels between min and max (0 if not given) */
    sweep_scale scale;
    int line_values, line_min, line_max, line_count, line_scale;
} sweep_param;

typedef struct sweep_design sweep_design;

typedef struct {
    char path[SWEEP_TEXT_MAX];      /* SWEEP.ini as given */
    char name[SWEEP_TEXT_MAX];      /* its base name without .ini: the default DIR is out/<name> */
    char base_path[SWEEP_TEXT_MAX]; /* [sweep] base, resolved against the sweep file's directory */
    const sweep_design *design;
    size_t samples;                 /* lhs, sobol: points; saltelli: base samples; morris: trajectories */
    size_t levels;                  /* morris: grid levels p (even) */
    size_t replicates;              /* seeds per design point: run.seed = base seed + r */
    long seed;                      /* random choices of lhs and morris */
    char series[SWEEP_TEXT_MAX];    /* observables stored as time series ("" = the default list) */
    size_t n_params;
    sweep_param params[SWEEP_PARAMS_MAX];
    size_t n_sets;
    char sets[SWEEP_SETS_MAX][2 * SWEEP_TEXT_MAX]; /* [set] key = value, as "key=value" */
    int set_lines[SWEEP_SETS_MAX];
    int line_design, line_samples, line_levels, line_replicates, line_seed, line_base;
} sweep_spec;

/* A design: a registry row (sweep_design.c). count is the number of design points (before
 * replicates); generate fills u[point * n_params + j] in [0, 1] and the point's block and step
 * (saltelli: base sample and role 0 = A, 1 = B, 2 + j = A with column j from B; morris:
 * trajectory and step; else the point and 0). Returns 0, or -1 with a reason. */
struct sweep_design {
    const char *name;
    const char *summary;
    int uses_samples;               /* 1 if [sweep] samples is required */
    size_t (*count)(const sweep_spec *s);
    int (*generate)(const sweep_spec *s, double *u, long *block, long *step, char *reason, size_t len);
    size_t max_params;              /* beyond this the design cannot work (GSL's Sobol limit) */
};

const sweep_design *sweep_design_find(const char *name);
/* "grid, lhs, ..." for messages. */
void sweep_design_names(char *buf, size_t len);
size_t sweep_design_count_rows(void);
const sweep_design *sweep_design_at(size_t i);

/* Reads SWEEP.ini. Returns 0, or 2 with one line "FILE:LINE: section.key: reason" in err. */
int sweep_spec_read(const char *path, sweep_spec *spec, char err[DERMIS_CONFIG_ERROR_MAX]);

/* The points of a sweep: point i is design point i / replicates, replicate i % replicates.
 * Values and configurations are derived on demand from the unit coordinates, so a plan of a
 * million points stays small. */
typedef struct {
    const sweep_spec *spec;
    size_t n_design;                /* design points */
    size_t n_points;                /* n_design x replicates */
    double *u;                      /* n_design x n_params unit coordinates */
    long *block, *step;             /* n_design: see sweep_design */
    char *base_ini;                 /* base file + [set], as INI text */
    long base_seed;                 /* run.seed of the base (replicate r runs base_seed + r) */
} sweep_plan;

/* Builds the plan. Returns 0, or 2 with one line in err (the sweep file or its base is wrong). */
int sweep_plan_build(const sweep_spec *spec, sweep_plan *plan, char err[DERMIS_CONFIG_ERROR_MAX]);
void sweep_plan_free(sweep_plan *plan);

/* Value of parameter j at point i, as given to --set (e.g. "1.5", "dermaroller"). */
void sweep_plan_value(const sweep_plan *plan, size_t i, size_t j, char *buf, size_t len);
/* The same as a number (NaN for choices and booleans). */
double sweep_plan_number(const sweep_plan *plan, size_t i, size_t j);
/* Grid designs: number of levels of parameter j, and the value text of level k. */
size_t sweep_plan_levels(const sweep_plan *plan, size_t j);
void sweep_plan_level_value(const sweep_plan *plan, size_t j, size_t k, char *buf, size_t len);
/* Level index of parameter j at point i on a grid. */
size_t sweep_plan_level_of(const sweep_plan *plan, size_t i, size_t j);
size_t sweep_plan_replicate(const sweep_plan *plan, size_t i);
long sweep_plan_block(const sweep_plan *plan, size_t i);
long sweep_plan_step(const sweep_plan *plan, size_t i);
int sweep_plan_is_grid(const sweep_plan *plan);

/* The resolved configuration of point i as INI text (malloc'ed) and its run.seed. Returns 0, or
 * 2 with the point's one-line configuration error in err (*ini is then NULL). */
int sweep_plan_resolve(const sweep_plan *plan, size_t i, char **ini, long *seed, char err[DERMIS_CONFIG_ERROR_MAX]);

/* Paths of a point's files: DIR/points/p000012.{ini,nc,log}. */
void sweep_point_path(const char *dir, size_t index, const char *ext, char *buf, size_t len);

/* What the files of a point say. */
typedef enum {
    SWEEP_PENDING = 0,   /* nothing written yet */
    SWEEP_RUNNING,       /* output marked running, no error recorded (running now, or killed) */
    SWEEP_COMPLETED,
    SWEEP_FAILED,
    SWEEP_INTERRUPTED,
    SWEEP_OUTDATED,      /* an output of another configuration */
    SWEEP_N_STATUS
} sweep_status;

const char *sweep_status_name(sweep_status s);

/* Judges point index from its files: the output's run_status and config attribute (against
 * expected_ini, the point's resolved configuration, or NULL if it has none), and the log's last
 * "dermis: " line, copied into error (error_len bytes; "" when there is none). */
sweep_status sweep_point_status(const char *dir, size_t index, const char *expected_ini, char *error,
                                size_t error_len);

/* Removes a point's old output (.nc, .xmf, checkpoints) and log before a (re-)run. */
void sweep_point_clean(const char *dir, size_t index);

/* Starts `dermis run` on point index as a child process (stdout and stderr to its log);
 * returns its pid, or -1 with a reason (also recorded as the point's error line). */
long sweep_point_spawn(const char *exe, const char *dir, size_t index, int threads, char *reason, size_t len);
/* After the child of point index ended with wait_status (from waitpid): 0 if `dermis run`
 * succeeded. A death the child could not report (a signal, an exit without a message) is
 * appended to its log as its error line, e.g. "sweep: point killed by signal 9 (Killed)". */
int sweep_point_finish(const char *dir, size_t index, int wait_status);
/* Spawns and waits: 0 on success, -1 if the point failed (reason set only if it never started). */
int sweep_point_run(const char *exe, const char *dir, size_t index, int threads, char *reason, size_t len);
/* Records a point that cannot start (invalid configuration): its log holds just that line. */
void sweep_point_record_error(const char *dir, size_t index, const char *error);

/* Writes text to path atomically (temporary file + rename). Returns 0 or -1. */
int sweep_write_atomic(const char *path, const char *text);
/* 1 if the file at path holds exactly text. */
int sweep_file_equals(const char *path, const char *text);

/* Summary: reads every point's files and (re)writes DIR/summary.nc and DIR/summary.csv
 * atomically (temporary files + rename). Returns 0, or -1 with one line in err. */
typedef struct sweep_collector sweep_collector;
/* scan = 1 reads every point's files now; 0 leaves all points pending until updated (a job-array
 * task that runs one point need not judge a million). */
sweep_collector *sweep_collector_alloc(const sweep_plan *plan, const char *dir, int scan);
void sweep_collector_free(sweep_collector *c);
/* Re-reads point index's files (after it finished). */
void sweep_collector_update(sweep_collector *c, size_t index);
int sweep_collector_write(sweep_collector *c, char *err, size_t len);
sweep_status sweep_collector_status(const sweep_collector *c, size_t index);
/* Counts of points by status, as last read. */
void sweep_collector_counts(const sweep_collector *c, size_t counts[SWEEP_N_STATUS]);

#endif
