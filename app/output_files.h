/* The files a run owns around its output path OUT, and the rules that keep results safe
 * (docs/output.md, "Results are never lost or mixed"):
 *
 *   OUT.lock      exclusive lock (flock) held for the whole run: a second run writing OUT, or
 *                 its checkpoints, is refused. Removed at the end.
 *   OUT.partial   a fresh run writes here first and renames the file to OUT once it holds its
 *                 first frame (sidecar OUT.partial.xmf likewise), so a run that fails to start
 *                 never touches an existing OUT.
 *   OUT, OUT.xmf  the result and its ParaView sidecar.
 *   OUT.ckpt      checkpoints (.prev, .tmp) of the run that wrote OUT.
 *
 * A fresh run refuses an OUT that holds a result (or its sidecar or checkpoints) unless
 * overwrite is set, and refuses anything that is not a dermis output in any case (the
 * configuration file, a checkpoint, a directory...). A restart appends only to the output whose
 * run identity its checkpoint records.
 */
#ifndef DERMIS_APP_OUTPUT_FILES_H
#define DERMIS_APP_OUTPUT_FILES_H

#include <stddef.h>

#include "io/output_identity.h"

typedef struct {
    char *out;       /* OUT */
    char *partial;   /* OUT.partial */
    char *xmf;       /* OUT's sidecar */
    char *ckpt;      /* OUT.ckpt */
    char *lock;      /* OUT.lock */
    int lock_fd;     /* -1 when not held */
} dermis_output_files;

/* Names the files around out and takes the lock. Returns 0, or 1 with one line in err. */
int dermis_output_files_lock(dermis_output_files *f, const char *out, char *err, size_t errlen);

/* Releases the lock (removing OUT.lock) and frees the names. Safe on a zeroed struct. */
void dermis_output_files_release(dermis_output_files *f);

/* A fresh run may write OUT: nothing there, or (with overwrite) an earlier dermis result.
 * config_path is the configuration file, never to be replaced. Returns 0, or 2 with one line. */
int dermis_output_files_check_fresh(const dermis_output_files *f, int overwrite, const char *config_path, char *err,
                                    size_t errlen);

/* A restart may append to OUT: it is the dermis output whose run identity is run_id (from the
 * checkpoint at ckpt_path). Returns 0, or 2 with one line in err. */
int dermis_output_files_check_restart(const dermis_output_files *f, const char *run_id, const char *ckpt_path,
                                      char *err, size_t errlen);

/* After a fresh run published OUT: removes the checkpoints of the run it replaced. */
void dermis_output_files_remove_old_checkpoints(const dermis_output_files *f);

/* A fresh run that ends before publishing: removes OUT.partial and its sidecar (only while
 * holding the lock). */
void dermis_output_files_remove_partial(const dermis_output_files *f);

#endif
