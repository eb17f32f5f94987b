/* Restart checkpoints: one small HDF5 file holding everything a run needs to continue bitwise
 * identically to an uninterrupted run (conventions.md, "Checkpoint/restart").
 *
 * Crash safety: dermis_checkpoint_write writes PATH.tmp, fsyncs it, keeps the current PATH as
 * PATH.prev (a hard link, so PATH never disappears), then rename()s PATH.tmp over PATH and
 * fsyncs the directory. A kill at any moment leaves PATH either the old or the new checkpoint.
 *
 * Integrity: HDF5 metadata (superblock v3, v2 object headers) is checksummed by the library;
 * the state and RNG datasets carry the Fletcher-32 filter, so damaged data fails to read.
 * Every function returns 0 on success or -1 with one line in err (library code never prints).
 */
#ifndef DERMIS_IO_CHECKPOINT_H
#define DERMIS_IO_CHECKPOINT_H

#include <stddef.h>

#include "io/output_identity.h"
#include "solver/solver.h"

#define DERMIS_CHECKPOINT_ERROR_MAX 512
#define DERMIS_CHECKPOINT_VERSION_MAX 128
/* On-disk layout version of the checkpoint file; a reader refuses any other. */
#define DERMIS_CHECKPOINT_FORMAT 2

typedef struct {
    double t_day;                        /* simulated time of the state */
    size_t n_fields;                     /* state = n_fields * n_voxels doubles, field-major */
    size_t n_voxels;
    double *state;                       /* write: read from; read: filled (caller allocates) */
    dermis_solver_controller controller; /* the step controller's memory */
    dermis_solver_stats stats;           /* cumulative solver statistics so far */
    unsigned char *rng_state;            /* opaque RNG state; may be NULL with rng_bytes == 0 */
    size_t rng_bytes;                    /* read: must equal the stored size */
    size_t output_frames;                /* field frames written to the output */
    size_t observable_rows;              /* observable rows written to the output */
    size_t session_cursor;               /* index of the next session to apply */
    double next_output_day;
    double next_observable_day;
    double next_checkpoint_day;
    unsigned long long config_hash;      /* hash of the resolved configuration */
    char run_id[DERMIS_RUN_ID_SIZE];     /* run identity of the output this checkpoint belongs to */
    /* Named model state (e.g. barrier openness): write stores all; read fills extra_values[i]
     * for each extra_names[i] and fails if a name is missing. */
    size_t n_extra;
    const char *const *extra_names;
    double *extra_values;
    /* read: the dermis version that wrote the checkpoint ("dermis 0.1.0 <commit>"). */
    char writer_version[DERMIS_CHECKPOINT_VERSION_MAX];
} dermis_checkpoint;

/* Writes c atomically to path (see above). The previous checkpoint survives as path.prev. */
int dermis_checkpoint_write(const char *path, const dermis_checkpoint *c, char err[DERMIS_CHECKPOINT_ERROR_MAX]);

/* Reads path into c. The caller sets c->n_fields, c->n_voxels, c->state (n_fields*n_voxels
 * doubles), c->rng_state/c->rng_bytes and the extra names/values buffers; every other member is
 * filled. Refuses, with a one-line message, a file that is missing, truncated or damaged, of
 * another format, whose config hash differs from expected_config_hash, or whose sizes differ. */
int dermis_checkpoint_read(const char *path, unsigned long long expected_config_hash, dermis_checkpoint *c,
                           char err[DERMIS_CHECKPOINT_ERROR_MAX]);

#endif
