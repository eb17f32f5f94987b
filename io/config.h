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

#include "io/schema.h"
#include "model/params.h"
#include "model/protocol.h"
#include "model/species.h"
#include "solver/grid.h"

/* What the reader's functions return when they refuse the input (with one line in err; the
 * command line's exit status 2) ... */
#define DERMIS_CONFIG_EINVAL (-1)
/* ... and when memory ran out (the command line's exit status 1). */
#define DERMIS_CONFIG_ENOMEM (-2)

#define DERMIS_CONFIG_STRING_MAX 256
#define DERMIS_CONFIG_ERROR_MAX 512
#define DERMIS_CONFIG_LIST_MAX 64
/* Longest INI line, without its line end: libinih (r55, as built by Debian) reads lines into a
 * 200-byte buffer, and the reader refuses longer lines instead of letting libinih split them. */
#define DERMIS_CONFIG_LINE_MAX 199
/* Indexed sections ([session.1], [session.2], ...): at most this many distinct patterns, each
 * with indices 1..DERMIS_CONFIG_INDEX_MAX (schema entries must have index_max <= this). */
#define DERMIS_CONFIG_INDEX_GROUPS_MAX 8
#define DERMIS_CONFIG_INDEX_MAX 64

typedef struct {
    long dims;            /* run.dims: 1, 2 or 3 */
    double t_end_days;    /* run.t_end_days */
    long seed;            /* run.seed */
    double dx_mm;         /* run.dx_mm: voxel edge */
    double width_mm;      /* run.width_mm: x extent (2-D, 3-D) */
    double length_mm;     /* run.length_mm: y extent (3-D) */
    double depth_mm;      /* run.depth_mm: z extent from the surface down */
    int lateral_boundary; /* run.lateral_boundary: index into {"periodic", "zero_flux"} */
} dermis_run_options_cfg;

typedef struct {
    double interval_days;                  /* output.interval_days: field frames */
    double observables_interval_days;      /* output.observables_interval_days */
    double checkpoint_interval_days;       /* output.checkpoint_interval_days (0 = none) */
    char fields[DERMIS_CONFIG_STRING_MAX]; /* output.fields: comma-separated subset, "" = all */
    int float32;                           /* output.float32 */
    long compression;                      /* output.compression: deflate level of the fields */
} dermis_output_options_cfg;

typedef struct {
    double rtol;            /* solver.rtol */
    double atol_scale;      /* solver.atol_scale: absolute tolerance as a fraction of each field's scale */
    double dt_initial_days; /* solver.dt_initial_days */
    double dt_min_days;     /* solver.dt_min_days */
    double dt_max_days;     /* solver.dt_max_days */
    long max_steps;         /* solver.max_steps: between two outputs */
} dermis_solver_options_cfg;

typedef struct {
    dermis_run_options_cfg run;
    dermis_output_options_cfg output;
    dermis_solver_options_cfg solver;
    dermis_model_params model;
    dermis_protocol_params protocol;
    /* Path of the last INI file read (for provenance; "" if none). Not part of to_ini, so a
     * configuration read back from its INI text differs from the original only here. */
    char source_file[DERMIS_CONFIG_STRING_MAX];
    /* index_set[g][k-1] = 1 if section k of the g-th indexed pattern (in schema order, e.g.
     * [session.k]) was given; use dermis_config_index_is_set(). Only given sections are written
     * by dermis_config_to_ini. */
    unsigned char index_set[DERMIS_CONFIG_INDEX_GROUPS_MAX][DERMIS_CONFIG_INDEX_MAX];
} dermis_config;

/* Opaque record of where each key was set (file and line, or --set), kept beside the config
 * for error messages of cross-key checks and for `dermis check`. */
typedef struct dermis_config_origin dermis_config_origin;

/* Fills every key with its schema default (the whole struct is zeroed first, so two configs
 * with the same values compare equal with memcmp) (unset keys as described in io/schema.h). */
void dermis_config_defaults(dermis_config *cfg);

/* Reads an INI file into cfg (on top of what is there). Returns 0, or DERMIS_CONFIG_EINVAL with one line in err. */
int dermis_config_read_file(dermis_config *cfg, dermis_config_origin *origin, const char *path,
                            char err[DERMIS_CONFIG_ERROR_MAX]);

/* Reads INI text held in memory; name is used in messages as the file name. Returns 0 or DERMIS_CONFIG_EINVAL. */
int dermis_config_read_string(dermis_config *cfg, dermis_config_origin *origin, const char *name, const char *text,
                              char err[DERMIS_CONFIG_ERROR_MAX]);

/* Another INI format read by the same strict line reader (same rules, same one-line
 * "FILE:LINE: section.key: reason" errors): the client decides which sections exist and takes
 * each key. Each callback returns 0, or -1 with a short reason in reason (reason_len bytes). */
typedef struct {
    int (*section)(void *user, const char *section, char *reason, size_t reason_len);
    int (*key)(void *user, const char *section, const char *name, const char *value, int line, char *reason,
               size_t reason_len);
    void *user;
} dermis_ini_client;

/* Reads the INI file at path through client. Returns 0, or DERMIS_CONFIG_EINVAL with one line in err. */
int dermis_ini_read_file(const char *path, const dermis_ini_client *client, char err[DERMIS_CONFIG_ERROR_MAX]);

/* Applies one "section.key=value" override with the same validation. Returns 0 or DERMIS_CONFIG_EINVAL. */
int dermis_config_apply_override(dermis_config *cfg, dermis_config_origin *origin, const char *assignment,
                                 char err[DERMIS_CONFIG_ERROR_MAX]);

/* Final checks after all input: required keys present, cross-key constraints. Returns 0 or DERMIS_CONFIG_EINVAL. */
int dermis_config_finish(dermis_config *cfg, const dermis_config_origin *origin, char err[DERMIS_CONFIG_ERROR_MAX]);

dermis_config_origin *dermis_config_origin_alloc(void);
void dermis_config_origin_free(dermis_config_origin *origin);

/* The fully resolved configuration as INI text (every key, configparser-compatible, no inline
 * comments), malloc'ed; NULL on allocation failure. Reading it back gives the same config. */
char *dermis_config_to_ini(const dermis_config *cfg);

/* The resolved configuration as "section.key" = value text pairs, in the order and with the
 * values of dermis_config_to_ini (the output's config.<key> attributes). */
typedef struct {
    size_t n;
    char **keys;
    char **values;
    size_t capacity;
    int failed;
} dermis_config_pairs;

/* Fills pairs (free with dermis_config_pairs_free). Returns 0, or -1 when out of memory. */
int dermis_config_pairs_build(const dermis_config *cfg, dermis_config_pairs *pairs);
void dermis_config_pairs_free(dermis_config_pairs *pairs);

/* Shortest decimal text that reads back (strtod) as exactly v, e.g. "0.1", "1e-06", "-0". */
void dermis_config_format_number(double v, char *buf, size_t len);

/* Formats the value of one entry (index for indexed sections, else 0) as INI text into buf. */
void dermis_config_format_value(const dermis_config *cfg, const dermis_schema_entry *e, size_t index, char *buf,
                                size_t len);

/* 64-bit FNV-1a hash of dermis_config_to_ini(): identifies a configuration in checkpoints. */
unsigned long long dermis_config_hash(const dermis_config *cfg);

/* --- Where keys came from, for cross-key checks (model, protocol) and `dermis check` --- */

/* Line of the INI file that set key (a concrete key such as "session.2.depth_mm"); 0 if the
 * key holds its default or came from --set; -1 if the key is unknown. */
int dermis_config_origin_line(const dermis_config_origin *origin, const char *key);

/* Writes where key's value came from: "FILE:LINE", "--set key=value" or "default". */
void dermis_config_origin_describe(const dermis_config_origin *origin, const char *key, char *buf, size_t len);

/* Formats the one-line error of a check on key, prefixed by where the key was set
 * ("FILE:LINE: key: reason", "--set key=value: reason", or "FILE: key: reason" when the key
 * holds its default and FILE is the configuration file read last). Returns DERMIS_CONFIG_EINVAL, so
 * a check can end with `return dermis_config_error(...)`. */
int dermis_config_error(const dermis_config_origin *origin, const char *key, char err[DERMIS_CONFIG_ERROR_MAX],
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* 1 if indexed section "<prefix>.<index>" (e.g. prefix "session", index 2) was given. */
int dermis_config_index_is_set(const dermis_config *cfg, const char *prefix, size_t index);

/* Voxels along an axis of extent_mm: the whole number extent_mm / dx_mm (within 1e-9 relative),
 * or 0 if the extent is not a whole number of voxels. */
size_t dermis_config_axis_voxels(double extent_mm, double dx_mm);

/* Voxels of the run's grid (product over the axes the run has; 0 if an extent is not a whole
 * number of voxels). */
size_t dermis_config_voxels(const dermis_config *cfg);

/* The run's grid (valid once dermis_config_finish passed). */
void dermis_config_grid(const dermis_config *cfg, dermis_grid *grid);

/* What a run will cost, estimated from measured constants (io/config_setup.c): memory and
 * order-of-magnitude CPU time on one core. */
typedef struct {
    double voxels;
    double bytes;         /* resident memory */
    double steps;         /* solver steps: those dt_max forces plus the controller's typical ones */
    double seconds;       /* CPU time, one core, order of magnitude */
    double stuck_seconds; /* time a stuck solver computes before solver.max_steps stops it */
} dermis_run_estimate;

void dermis_config_estimate(const dermis_config *cfg, dermis_run_estimate *estimate);

/* output.fields as one flag per field (all 1 for an empty list). Returns 0, or -1 with a reason
 * ("unknown field 'x' (did you mean y?)"); dermis_config_finish has checked it. */
int dermis_config_selected_fields(const dermis_config *cfg, int selected[DERMIS_N_FIELDS], char reason[320]);

/* Checks the joined schema tables themselves (unique keys, parsable in-range defaults, list and
 * index capacities). Returns 0, or DERMIS_CONFIG_EINVAL with one line naming the faulty entry. */
int dermis_config_check_schema(char err[DERMIS_CONFIG_ERROR_MAX]);

/* --- Schema helpers (implemented in io/schema.c) --- */

/* "number", "integer", "boolean", "string", "enum" or "list". */
const char *dermis_schema_type_name(dermis_value_type type);
/* Allowed values in words, e.g. "> 0 and <= 0.5", "periodic | zero_flux", "up to 32 values >= 0". */
void dermis_schema_describe_range(const dermis_schema_entry *e, char *buf, size_t len);
/* Position of e in the joined schema (0 .. count-1), or count if e is not in it. */
size_t dermis_schema_position(const dermis_schema_entry *e);
/* Writes into buf the schema key (with a concrete index) nearest to key by edit distance and
 * returns that distance (buf is "" and the return large if the schema is empty). */
size_t dermis_schema_suggest(const char *key, char *buf, size_t len);
/* Like dermis_schema_find, but accepts any index >= 1 (for "index out of range" messages). */
const dermis_schema_entry *dermis_schema_find_unbounded(const char *key, size_t *index);
/* The candidate nearest to word by edit distance, found by offering every candidate in turn:
 * dermis_nearest_offer returns 1 when the candidate is nearer than all offered before (the first
 * of equals wins) and keeps its distance. Start from {word, SIZE_MAX}. The one nearest-match
 * loop behind every "did you mean". */
typedef struct {
    const char *word;
    size_t distance;
} dermis_nearest;
int dermis_nearest_offer(dermis_nearest *n, const char *candidate);
/* " (did you mean X?)" for the candidate (NULL-terminated list) nearest to word, if it is close
 * (at most max(2, length/3) edits) and differs from word; else "". Returns 1 if X was found. */
int dermis_did_you_mean(const char *word, const char *const *candidates, char *hint, size_t len);
/* 1 if an edit distance counts as a near miss of word. */
int dermis_is_near_miss(const char *word, size_t distance);
/* Levenshtein distance of two strings (compared on their first 127 characters). */
size_t dermis_edit_distance(const char *a, const char *b);
/* The comma-separated list element starting at text, without the blanks around it, into buf
 * (cut to len - 1 bytes); returns its end (the comma or the terminating NUL). The list syntax
 * of every configuration value, shared by the sweep file's `values = a, b, c`. */
const char *dermis_config_list_element(const char *text, char *buf, size_t len);
/* Section part of a key (everything before the last dot) into buf. */
void dermis_schema_section(const char *key, char *buf, size_t len);
/* Indexed-pattern group of e (0 .. DERMIS_CONFIG_INDEX_GROUPS_MAX-1 in schema order of first
 * appearance), or -1 if e's section is not indexed. */
int dermis_schema_index_group(const dermis_schema_entry *e);
/* 1 if section (e.g. "run", "session.3") has at least one key in the schema. */
int dermis_schema_section_exists(const char *section);

#endif
