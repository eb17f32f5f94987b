/* Drivers of `dermis sweep` (app/sweep_driver.c; the MPI farm in app/sweep_mpi.c). */
#ifndef DERMIS_APP_SWEEP_DRIVER_H
#define DERMIS_APP_SWEEP_DRIVER_H

#include <signal.h>
#include <stddef.h>

#include "app/sweep.h"

typedef struct {
    const char *exe;        /* the dermis binary the points run with */
    int jobs;               /* points run at once (local driver) */
    int threads;            /* --threads of each point */
    long point;             /* --point I, or -1 */
    size_t shard_index;     /* --shard k/n: points i with i % n == k (n = 0: no sharding) */
    size_t shard_count;
    int quiet;              /* no progress line */
} sweep_run_options;

/* Creates DIR/points and writes DIR/sweep.ini + DIR/base.ini (what --collect reads). */
/* Locks DIR (creating it) for the caller's lifetime: exclusive for a whole local sweep, which
 * runs every point and rewrites the summary; shared for --point, --shard, --collect, --slurm and
 * MPI ranks, so job-array tasks or ranks run side by side but never beside a whole local sweep
 * of the same DIR.
 * Returns the lock's descriptor (closed at exit), or -1 with the one-line reason in err. */
int sweep_lock_dir(const char *dir, int exclusive, char *err, size_t len);
int sweep_prepare_dir(const sweep_plan *plan, const char *dir, char *err, size_t len);
/* Cleans point i's old files and writes its .ini; an invalid point gets its configuration error
 * recorded in its log instead. Returns 1 if the point can run, 0 if not. */
int sweep_stage_point(const sweep_plan *plan, const char *dir, size_t i);
/* Runs the selected points that are not complete, o->jobs at a time; rewrites the summary after
 * finished points (rate-limited to ~1 % of the time) and at the end, unless only a part
 * (--point, --shard) runs. Returns 0 if every selected point
 * completed, else -1 with one line in err. */
int sweep_run_local(const sweep_plan *plan, const char *dir, const sweep_run_options *o, char *err, size_t len);
/* Prints the points as CSV (values, unit coordinates, status of their files). */
int sweep_dry_run(const sweep_plan *plan, const char *dir);
/* Builds DIR/summary.nc and DIR/summary.csv from the files in DIR. */
int sweep_collect(const sweep_plan *plan, const char *dir, char *err, size_t len);
/* Writes DIR/sweep.sbatch, a SLURM array job over the points. */
int sweep_write_slurm(const sweep_plan *plan, const char *dir, const sweep_run_options *o, char *err, size_t len);
/* The MPI task farm (only in builds with -DDERMIS_MPI=ON; sweep_mpi_available says which). */
int sweep_mpi_available(void);
int sweep_run_mpi(const sweep_plan *plan, const char *dir, const sweep_run_options *o, char *err, size_t len);

/* SIGINT/SIGTERM handling shared by the drivers. */
void sweep_install_signals(struct sigaction *old_int, struct sigaction *old_term);
void sweep_restore_signals(const struct sigaction *old_int, const struct sigaction *old_term);
int sweep_stop_requested_now(void);

#endif
