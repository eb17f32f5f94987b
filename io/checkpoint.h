/* Restart checkpoints: one small HDF5 file holding exactly what a run reads to continue bitwise
 * identically to an uninterrupted run (conventions.md, "Checkpoint/restart").
 *
 * The checkpoint knows nothing of the run: the caller describes its state as named groups of
 * named, typed values, and the same description is used to write and to read. A group holds
 * scalars (each one attribute, int64 or f64) and arrays (each one dataset of f64 with its
 * units), e.g. "state" with one array per field, "controller" and "solver_stats" with scalars.
 * Reading refuses, with one line, anything the description names that is missing, of another
 * type or of another length, so nothing is ever restored from a guess.
 *
 * Identity: every checkpoint records the configuration hash of its run and the run identity of
 * the output it belongs to (io/output_identity.h); the caller compares the latter with the
 * output it is about to append to.
 *
 * Integrity: the file starts with a 512-byte HDF5 user block holding the format, the file size
 * and an FNV-1a 64-bit hash of everything after the user block. Reading verifies them before
 * HDF5 parses a single byte, so a damaged or truncated file is refused cleanly (HDF5 itself
 * may leak or misbehave on damaged metadata). The file remains an ordinary HDF5 file for h5dump.
 *
 * Crash safety: dermis_checkpoint_write builds the file in memory, writes it to PATH.tmp with
 * write(2) and fsyncs it, keeps the current PATH as PATH.prev (a hard link, so PATH never
 * disappears), then rename()s PATH.tmp over PATH and fsyncs the directory. A kill at any moment
 * leaves PATH either the old or the new checkpoint; a full disk is a plain error.
 * Every function returns 0 on success or -1 with one line in err (library code never prints).
 */
#ifndef DERMIS_IO_CHECKPOINT_H
#define DERMIS_IO_CHECKPOINT_H

#include <stddef.h>

#include "io/output_identity.h"

#define DERMIS_CHECKPOINT_ERROR_MAX 512
/* On-disk layout version of the checkpoint file; a reader refuses any other. */
#define DERMIS_CHECKPOINT_FORMAT 2

typedef enum { DERMIS_CHECKPOINT_LONG, DERMIS_CHECKPOINT_DOUBLE } dermis_checkpoint_type;

/* One named scalar: value points to a long (stored int64) or a double (stored f64). */
typedef struct {
    const char *name;
    dermis_checkpoint_type type;
    void *value;             /* write: read from; read: filled */
} dermis_checkpoint_scalar;

/* One named array of doubles, stored as a dataset with a units attribute. */
typedef struct {
    const char *name;
    const char *units;       /* UDUNITS string; NULL = none */
    size_t length;           /* read: must equal the stored length */
    double *values;          /* write: read from; read: filled */
} dermis_checkpoint_array;

typedef struct {
    const char *name;        /* the HDF5 group */
    size_t n_scalars;
    const dermis_checkpoint_scalar *scalars;
    size_t n_arrays;
    const dermis_checkpoint_array *arrays;
} dermis_checkpoint_group;

typedef struct {
    unsigned long long config_hash;  /* write: stored; read: must equal the expected hash */
    char run_id[DERMIS_RUN_ID_SIZE]; /* run identity of the output; write: stored; read: filled */
    size_t n_groups;
    const dermis_checkpoint_group *groups;
} dermis_checkpoint;

/* The files dermis_checkpoint_write keeps next to PATH (see above). */
#define DERMIS_CHECKPOINT_PREV_SUFFIX ".prev"
#define DERMIS_CHECKPOINT_TMP_SUFFIX ".tmp"

/* Writes c atomically to path (see above). The previous checkpoint survives as path.prev. */
int dermis_checkpoint_write(const char *path, const dermis_checkpoint *c, char err[DERMIS_CHECKPOINT_ERROR_MAX]);

/* Reads path into the values c describes and fills c->run_id. Refuses, with a one-line
 * message, a file that is missing, truncated or damaged, of another format, whose config hash
 * differs from expected_config_hash, or that lacks a described value or holds it with another
 * type or length. */
int dermis_checkpoint_read(const char *path, unsigned long long expected_config_hash, dermis_checkpoint *c,
                           char err[DERMIS_CHECKPOINT_ERROR_MAX]);

#endif
