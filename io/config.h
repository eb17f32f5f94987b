/* The resolved configuration of one run and the strict INI reader that fills it.
 *
 * A run is a pure function of its dermis_config. The reader fills it from the schema's
 * defaults, then from an INI file (libinih), then from --set overrides, validating each
 * value against its schema entry; any problem is reported as exactly one line
 * "FILE:LINE: section.key: reason" (or "--set section.key=value: reason") in the error
 * buffer and a non-zero return, before anything else happens.
 */
#ifndef DERMIS_IO_CONFIG_H
#define DERMIS_IO_CONFIG_H

#include <stddef.h>

#include "model/params.h"
#include "model/protocol.h"
#include "io/schema.h"

#define DERMIS_CONFIG_STRING_MAX 256
#define DERMIS_CONFIG_ERROR_MAX 512
#define DERMIS_CONFIG_LIST_MAX 64

typedef struct {
    long dims;               /* run.dims: 1, 2 or 3 */
    double t_end_days;       /* run.t_end_days */
    long seed;               /* run.seed */
    double dx_mm;            /* run.dx_mm: voxel edge */
    double width_mm;         /* run.width_mm: x extent (2-D, 3-D) */
    double length_mm;        /* run.length_mm: y extent (3-D) */
    double depth_mm;         /* run.depth_mm: z extent from the surface down */
    int lateral_boundary;    /* run.lateral_boundary: index into {"periodic", "zero_flux"} */
} dermis_run_options_cfg;

typedef struct {
    double interval_days;              /* output.interval_days: field frames */
    double observables_interval_days;  /* output.observables_interval_days */
    double checkpoint_interval_days;   /* output.checkpoint_interval_days (0 = none) */
    char fields[DERMIS_CONFIG_STRING_MAX]; /* output.fields: comma-separated subset, "" = all */
    int float32;                       /* output.float32 */
} dermis_output_options_cfg;

typedef struct {
    double rtol;             /* solver.rtol */
    double atol_scale;       /* solver.atol_scale: absolute tolerance as a fraction of each field's scale */
    double dt_initial_days;  /* solver.dt_initial_days */
    double dt_min_days;      /* solver.dt_min_days */
    double dt_max_days;      /* solver.dt_max_days */
} dermis_solver_options_cfg;

typedef struct {
    dermis_run_options_cfg run;
    dermis_output_options_cfg output;
    dermis_solver_options_cfg solver;
    dermis_model_params model;
    dermis_protocol_params protocol;
    /* Where each key was last set, for messages and `dermis check`: filled by the reader. */
    char source_file[DERMIS_CONFIG_STRING_MAX];
} dermis_config;

/* Opaque record of where each key was set (file and line, or --set), kept beside the config
 * for error messages of cross-key checks and for `dermis check`. */
typedef struct dermis_config_origin dermis_config_origin;

/* Fills every key with its schema default (unset keys as described in io/schema.h). */
void dermis_config_defaults(dermis_config *cfg);

/* Reads an INI file into cfg (on top of what is there). Returns 0, or 2 with one line in err. */
int dermis_config_read_file(dermis_config *cfg, dermis_config_origin *origin, const char *path,
                            char err[DERMIS_CONFIG_ERROR_MAX]);

/* Applies one "section.key=value" override with the same validation. Returns 0 or 2. */
int dermis_config_apply_override(dermis_config *cfg, dermis_config_origin *origin,
                                 const char *assignment, char err[DERMIS_CONFIG_ERROR_MAX]);

/* Final checks after all input: required keys present, cross-key constraints. Returns 0 or 2. */
int dermis_config_finish(dermis_config *cfg, const dermis_config_origin *origin,
                         char err[DERMIS_CONFIG_ERROR_MAX]);

dermis_config_origin *dermis_config_origin_alloc(void);
void dermis_config_origin_free(dermis_config_origin *origin);

/* The fully resolved configuration as INI text (every key, configparser-compatible, no inline
 * comments), malloc'ed; NULL on allocation failure. Reading it back gives the same config. */
char *dermis_config_to_ini(const dermis_config *cfg);

/* Formats the value of one entry (index for indexed sections, else 0) as INI text into buf. */
void dermis_config_format_value(const dermis_config *cfg, const dermis_schema_entry *e, size_t index,
                                char *buf, size_t len);

/* 64-bit FNV-1a hash of dermis_config_to_ini(): identifies a configuration in checkpoints. */
unsigned long long dermis_config_hash(const dermis_config *cfg);

#endif
