/* `dermis sweep`: the command line of parameter studies (docs/sweeps.md). */
#include "app/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/run_request.h"
#include "app/sweep_driver.h"

enum { OPT_OUTPUT, OPT_JOBS, OPT_THREADS, OPT_DRY_RUN, OPT_POINT, OPT_SHARD, OPT_SLURM, OPT_COLLECT, OPT_MPI,
       OPT_QUIET };

static const dermis_cli_option sweep_options[] = {
    [OPT_OUTPUT] = {"--output", 'o', "DIR", "directory of the sweep (default: out/<SWEEP name without .ini>)"},
    [OPT_JOBS] = {"--jobs", 0, "N", "points run at once as separate processes (default 1)"},
    [OPT_THREADS] = {"--threads", 0, "T", "OpenMP threads per point (default: cores / jobs, at least 1)"},
    [OPT_DRY_RUN] = {"--dry-run", 0, NULL, "list the points (CSV: values, unit coordinates, status) and stop"},
    [OPT_POINT] = {"--point", 0, "I", "run point I only (0-based; e.g. $SLURM_ARRAY_TASK_ID); no summary"},
    [OPT_SHARD] = {"--shard", 0, "K/N", "run the points i with i % N == K only; no summary"},
    [OPT_SLURM] = {"--slurm", 0, NULL, "write DIR/sweep.sbatch, a SLURM array job over the points, and stop"},
    [OPT_COLLECT] = {"--collect", 0, "DIR", "build DIR/summary.nc and summary.csv from the files in DIR"},
    [OPT_MPI] = {"--mpi", 0, NULL, "MPI task farm under mpirun/srun (build with -DDERMIS_MPI=ON); rank 0\n"
                                   "writes the summary"},
    [OPT_QUIET] = {"--quiet", 'q', NULL, "no progress line"},
    {NULL, 0, NULL, NULL},
};

static int sweep_main(int argc, char **argv);

const dermis_cli_command dermis_cmd_sweep_spec = {
    .name = "sweep",
    .synopsis = "SWEEP.ini [OPTION]...  |  --collect DIR",
    .operand = "SWEEP.ini",
    .summary = "run a parameter study (grid, Latin hypercube, Sobol, Saltelli, Morris, seeds)",
    .description = "Runs every point of the parameter study SWEEP.ini describes (a base configuration, the\n"
                   "keys to vary and a design: grid, lhs, sobol, saltelli, morris or replicates). Each point\n"
                   "gets its resolved configuration DIR/points/pNNNNNN.ini, its output .nc and its log;\n"
                   "DIR/summary.nc and summary.csv collect every point's final, peak and time-of-peak\n"
                   "observables, status and error line. A re-run skips completed points and re-runs failed\n"
                   "or interrupted ones. MPI: mpirun -n R dermis sweep SWEEP.ini --mpi. See docs/sweeps.md.",
    .options = sweep_options,
    .main = sweep_main,
};

/* Largest --jobs and --threads accepted: more is surely a typo. */
#define SWEEP_JOBS_MAX 4096

typedef struct {
    const char *spec_path;
    const char *dir;
    const char *collect_dir;
    int dry_run, slurm, mpi;
    sweep_run_options run;
} sweep_args;

static int parse_shard(const char *text, sweep_run_options *o)
{
    unsigned long k, n;
    char extra;
    if (sscanf(text, "%lu/%lu%c", &k, &n, &extra) != 2 || n == 0 || k >= n || text[0] == '-') {
        dermis_cli_error("sweep: --shard must be K/N with 0 <= K < N (got '%s')", text);
        return -1;
    }
    o->shard_index = k;
    o->shard_count = n;
    return 0;
}

static int on_sweep_option(void *user, const dermis_cli_option *option, const char *value)
{
    sweep_args *a = user;
    long n;
    switch ((int)(option - sweep_options)) {
    case OPT_OUTPUT: a->dir = value; return 0;
    case OPT_COLLECT: a->collect_dir = value; return 0;
    case OPT_SHARD: return parse_shard(value, &a->run) == 0 ? 0 : DERMIS_EXIT_USAGE;
    case OPT_JOBS:
        if (dermis_cli_parse_long(&dermis_cmd_sweep_spec, option, value, 1, SWEEP_JOBS_MAX, &n) != 0)
            return DERMIS_EXIT_USAGE;
        a->run.jobs = (int)n;
        return 0;
    case OPT_THREADS:
        if (dermis_cli_parse_long(&dermis_cmd_sweep_spec, option, value, 1, SWEEP_JOBS_MAX, &n) != 0)
            return DERMIS_EXIT_USAGE;
        a->run.threads = (int)n;
        return 0;
    case OPT_POINT: return dermis_cli_parse_long(&dermis_cmd_sweep_spec, option, value, 0, 1000000000L, &a->run.point);
    case OPT_DRY_RUN: a->dry_run = 1; return 0;
    case OPT_SLURM: a->slurm = 1; return 0;
    case OPT_MPI: a->mpi = 1; return 0;
    case OPT_QUIET: a->run.quiet = 1; return 0;
    }
    return DERMIS_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, sweep_args *a)
{
    int rc = dermis_cli_parse(&dermis_cmd_sweep_spec, argc, argv, a, on_sweep_option, &a->spec_path);
    if (rc != 0)
        return rc;
    if (a->collect_dir != NULL && (a->spec_path != NULL || a->dir != NULL)) {
        dermis_cli_error("sweep: --collect DIR takes no SWEEP.ini and no -o (it reads DIR/sweep.ini)");
        return DERMIS_EXIT_USAGE;
    }
    if (a->collect_dir == NULL && a->spec_path == NULL)
        return dermis_cli_missing_operand(&dermis_cmd_sweep_spec);
    if (a->run.point >= 0 && a->run.shard_count > 0) {
        dermis_cli_error("sweep: --point and --shard are alternatives: give one");
        return DERMIS_EXIT_USAGE;
    }
    if (a->dry_run + a->slurm + a->mpi + (a->collect_dir != NULL) > 1) {
        dermis_cli_error("sweep: --dry-run, --slurm, --mpi and --collect are alternatives: give one");
        return DERMIS_EXIT_USAGE;
    }
    return DERMIS_EXIT_OK;
}

/* Path of this executable, which the points run with. */
static void own_executable(char *buf, size_t len, const char *argv0)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n > 0)
        buf[n] = '\0';
    else
        snprintf(buf, len, "%s", argv0);
}

static int dispatch(sweep_args *a, const sweep_plan *plan, const char *dir)
{
    char err[DERMIS_CONFIG_ERROR_MAX] = "";
    int rc;
    if (a->run.point >= (long)plan->n_points) {
        dermis_cli_error("sweep: --point %ld is out of range (the sweep has points 0 to %zu)", a->run.point,
                         plan->n_points - 1);
        return DERMIS_EXIT_USAGE;
    }
    if (a->mpi && !sweep_mpi_available()) {
        dermis_cli_error("sweep: --mpi: this dermis was built without MPI (configure with -DDERMIS_MPI=ON; "
                         "`bash scripts/bootstrap.sh mpi` installs Open MPI)");
        return DERMIS_EXIT_USAGE;
    }
    if (a->dry_run)
        return sweep_dry_run(plan, dir) == 0 ? DERMIS_EXIT_OK : DERMIS_EXIT_FAILURE;
    /* MPI ranks each run this, so they share the lock like job-array tasks do. */
    int whole_sweep = !a->mpi && a->collect_dir == NULL && !a->slurm && a->run.point < 0 && a->run.shard_count == 0;
    int lock = sweep_lock_dir(dir, whole_sweep, err, sizeof err);
    if (lock < 0)
        rc = -1;
    else if (a->collect_dir != NULL)
        rc = sweep_collect(plan, dir, err, sizeof err);
    else if (sweep_prepare_dir(plan, dir, err, sizeof err) != 0)
        rc = -1;
    else if (a->slurm)
        rc = sweep_write_slurm(plan, dir, &a->run, err, sizeof err);
    else if (a->mpi)
        rc = sweep_run_mpi(plan, dir, &a->run, err, sizeof err);
    else
        rc = sweep_run_local(plan, dir, &a->run, err, sizeof err);
    if (lock >= 0)
        close(lock);
    if (rc != 0 && err[0] != '\0')
        dermis_cli_error("%s", err);
    return rc == 0 ? DERMIS_EXIT_OK : DERMIS_EXIT_FAILURE;
}

static int sweep_main(int argc, char **argv)
{
    char exe[4096], spec_path[2 * SWEEP_TEXT_MAX], dir[2 * SWEEP_TEXT_MAX], err[DERMIS_CONFIG_ERROR_MAX];
    sweep_args a = {.run = {.jobs = 1, .point = -1}};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc == DERMIS_CLI_HELP_SHOWN ? DERMIS_EXIT_OK : rc;
    sweep_spec *spec = malloc(sizeof *spec);
    sweep_plan plan = {0};
    if (spec == NULL) {
        dermis_cli_error("out of memory");
        return DERMIS_EXIT_FAILURE;
    }
    if (a.collect_dir != NULL)
        snprintf(spec_path, sizeof spec_path, "%s/sweep.ini", a.collect_dir);
    else
        snprintf(spec_path, sizeof spec_path, "%s", a.spec_path);
    if (sweep_spec_read(spec_path, spec, err) != 0 || sweep_plan_build(spec, &plan, err) != 0) {
        dermis_cli_error("%s", err);
        rc = DERMIS_EXIT_USAGE;
    } else {
        if (a.collect_dir != NULL)
            snprintf(dir, sizeof dir, "%s", a.collect_dir);
        else if (a.dir != NULL)
            snprintf(dir, sizeof dir, "%s", a.dir);
        else
            snprintf(dir, sizeof dir, "out/%s", spec->name);
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (a.run.threads == 0)
            a.run.threads = cores > a.run.jobs ? (int)(cores / a.run.jobs) : 1;
        own_executable(exe, sizeof exe, argv[0]);
        char pid[32];
        snprintf(pid, sizeof pid, "%ld", (long)getpid());
        setenv(DERMIS_SWEEP_PID_ENV, pid, 1);
        a.run.exe = exe;
        rc = dispatch(&a, &plan, dir);
    }
    sweep_plan_free(&plan);
    free(spec);
    return rc;
}
