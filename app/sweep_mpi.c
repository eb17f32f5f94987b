/* The MPI driver of `dermis sweep --mpi`: a dynamic task farm (built with -DDERMIS_MPI=ON).
 *
 * Rank 0 hands out point indices on request; every rank, rank 0 included, runs its points as
 * child processes (`dermis run`, as the local driver does) and writes only that point's files.
 * When every point is done, rank 0 alone builds the summary from the files with serial HDF5, so
 * the summary equals the local driver's bit for bit. No parallel HDF5 is needed. */
#include "app/sweep_driver.h"

#include <stdio.h>
#include <string.h>

#if defined(DERMIS_MPI)

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include <mpi.h>

enum { TAG_REQUEST = 1, TAG_POINT = 2 };
/* The message "no more points". */
#define NO_MORE_POINTS (-1L)

/* Rank 0's next point to hand out: skips complete points (resume). */
static long next_point(const sweep_collector *c, size_t n_points, size_t *next)
{
    while (*next < n_points) {
        size_t i = (*next)++;
        if (sweep_collector_status(c, i) != SWEEP_COMPLETED)
            return (long)i;
    }
    return NO_MORE_POINTS;
}

/* Runs point i (stages its configuration first); 0 if it completed. */
static int run_one(const sweep_plan *plan, const char *dir, const sweep_run_options *o, size_t i)
{
    char reason[DERMIS_CONFIG_ERROR_MAX];
    if (!sweep_stage_point(plan, dir, i))
        return -1;
    return sweep_point_run(o->exe, dir, i, o->threads, reason, sizeof reason);
}

/* Rank 0: serves requests while running its own points one at a time. */
static int serve(const sweep_plan *plan, const char *dir, const sweep_run_options *o, sweep_collector *c, int size)
{
    size_t next = 0, finished = 0;
    int workers_left = size - 1;
    long own = -1, own_pid = -1;
    char reason[DERMIS_CONFIG_ERROR_MAX];
    while (workers_left > 0 || own_pid > 0 || (next < plan->n_points && !sweep_stop_requested_now())) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            long done;
            MPI_Recv(&done, 1, MPI_LONG, st.MPI_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (done >= 0) {
                sweep_collector_update(c, (size_t)done);
                finished++;
            }
            long give = sweep_stop_requested_now() ? NO_MORE_POINTS : next_point(c, plan->n_points, &next);
            MPI_Send(&give, 1, MPI_LONG, st.MPI_SOURCE, TAG_POINT, MPI_COMM_WORLD);
            if (give == NO_MORE_POINTS)
                workers_left--;
            continue;
        }
        if (own_pid < 0 && !sweep_stop_requested_now()) {
            own = next_point(c, plan->n_points, &next);
            if (own >= 0 && sweep_stage_point(plan, dir, (size_t)own))
                own_pid = sweep_point_spawn(o->exe, dir, (size_t)own, o->threads, reason, sizeof reason);
            if (own >= 0 && own_pid < 0) {
                sweep_collector_update(c, (size_t)own);
                finished++;
            }
            continue;
        }
        int status = 0;
        if (own_pid > 0 && waitpid((pid_t)own_pid, &status, WNOHANG) == (pid_t)own_pid) {
            sweep_point_finish(dir, (size_t)own, status);
            sweep_collector_update(c, (size_t)own);
            finished++;
            own_pid = -1;
            continue;
        }
        struct timespec pause = {0, 5000000}; /* 5 ms: requests are rare, points take seconds */
        nanosleep(&pause, NULL);
    }
    (void)finished;
    return 0;
}

/* Ranks > 0: ask for a point (reporting the last one), run it, repeat until told to stop. */
static void work(const sweep_plan *plan, const char *dir, const sweep_run_options *o)
{
    long done = -1, point;
    while (1) {
        MPI_Send(&done, 1, MPI_LONG, 0, TAG_REQUEST, MPI_COMM_WORLD);
        MPI_Recv(&point, 1, MPI_LONG, 0, TAG_POINT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (point == NO_MORE_POINTS)
            return;
        run_one(plan, dir, o, (size_t)point);
        done = point;
    }
}

int sweep_mpi_available(void)
{
    return 1;
}

int sweep_run_mpi(const sweep_plan *plan, const char *dir, const sweep_run_options *o, char *err, size_t len)
{
    int rank = 0, size = 1, rc = 0;
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    struct sigaction old_int, old_term;
    sweep_install_signals(&old_int, &old_term);
    if (rank == 0) {
        sweep_collector *c = sweep_collector_alloc(plan, dir, 1);
        if (c == NULL) {
            snprintf(err, len, "out of memory");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        serve(plan, dir, o, c, size);
        size_t counts[SWEEP_N_STATUS];
        rc = sweep_collector_write(c, err, len);
        sweep_collector_counts(c, counts);
        if (rc == 0 && counts[SWEEP_COMPLETED] < plan->n_points) {
            snprintf(err, len, "sweep: %zu of %zu points did not complete; their error lines are in the summary "
                     "(%s/summary.csv)", plan->n_points - counts[SWEEP_COMPLETED], plan->n_points, dir);
            rc = -1;
        }
        if (!o->quiet)
            fprintf(stderr, "dermis: sweep (MPI, %d ranks): %zu/%zu done\n", size, counts[SWEEP_COMPLETED],
                    plan->n_points);
        sweep_collector_free(c);
    } else {
        work(plan, dir, o);
    }
    sweep_restore_signals(&old_int, &old_term);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return rank == 0 ? rc : (rc != 0 ? -1 : 0);
}

#else

int sweep_mpi_available(void)
{
    return 0;
}

int sweep_run_mpi(const sweep_plan *plan, const char *dir, const sweep_run_options *o, char *err, size_t len)
{
    (void)plan;
    (void)dir;
    (void)o;
    snprintf(err, len, "sweep: --mpi: this dermis was built without MPI (configure with -DDERMIS_MPI=ON; "
             "`bash scripts/bootstrap.sh mpi` installs Open MPI)");
    return -1;
}

#endif
