/* `dermis sweep`: the command line of parameter studies (docs/sweeps.md). */
#include "app/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/sweep_driver.h"

static const char sweep_usage[] =
    "Usage: dermis sweep SWEEP.ini [-o DIR] [--jobs N] [--threads T] [--dry-run]\n"
    "       dermis sweep SWEEP.ini [-o DIR] --point I | --shard K/N     (job arrays, GNU parallel)\n"
    "       dermis sweep SWEEP.ini [-o DIR] --slurm                      (writes DIR/sweep.sbatch)\n"
    "       dermis sweep --collect DIR                                   (builds DIR/summary.nc)\n"
    "       mpirun -n R dermis sweep SWEEP.ini [-o DIR] --mpi            (builds with -DDERMIS_MPI=ON)\n"
    "\n"
    "Runs every point of the parameter study SWEEP.ini describes (a base configuration, the keys to\n"
    "vary and a design: grid, lhs, sobol, saltelli, morris or replicates). Each point gets its\n"
    "resolved configuration DIR/points/pNNNNNN.ini, its output .nc and its log; DIR/summary.nc and\n"
    "DIR/summary.csv collect every point's final, peak and time-of-peak observables, status and\n"
    "error line, and are rewritten after every point. A re-run skips completed points and re-runs\n"
    "failed or interrupted ones.\n"
    "\n"
    "  -o, --output DIR    directory of the sweep (default: out/<SWEEP name without .ini>)\n"
    "  --jobs N            points run at once as separate processes (default 1)\n"
    "  --threads T         OpenMP threads per point (default: cores / jobs, at least 1)\n"
    "  --dry-run           list the points (CSV: values, unit coordinates, status) and stop\n"
    "  --point I           run point I only (0-based; e.g. $SLURM_ARRAY_TASK_ID); no summary\n"
    "  --shard K/N         run the points i with i % N == K only; no summary\n"
    "  --slurm             write DIR/sweep.sbatch, a SLURM array job over the points, and stop\n"
    "  --collect DIR       build DIR/summary.nc and summary.csv from the files in DIR\n"
    "  --mpi               MPI task farm under mpirun/srun (each rank runs points; rank 0 writes\n"
    "                      the summary)\n"
    "  -q, --quiet         no progress line\n";

static const char *const sweep_options[] = {"--output", "--jobs", "--threads", "--dry-run", "--point", "--shard",
                                            "--slurm", "--collect", "--mpi", "--quiet", "--help", NULL};

/* Largest --jobs and --threads accepted: more is surely a typo. */
#define SWEEP_JOBS_MAX 4096

typedef struct {
    const char *spec_path;
    const char *dir;
    const char *collect_dir;
    int dry_run, slurm, mpi;
    sweep_run_options run;
} sweep_args;

static int parse_long(const char *option, const char *text, long lo, long hi, long *v)
{
    char *end = NULL;
    errno = 0;
    *v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || *v < lo || *v > hi) {
        dermis_cli_error("sweep: %s must be an integer from %ld to %ld (got '%s')", option, lo, hi, text);
        return -1;
    }
    return 0;
}

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

/* One option with a value: 1 taken, 0 not this kind, -1 error. */
static int take_option(int argc, char **argv, int *i, sweep_args *a)
{
    const char *v = NULL;
    long n;
    int took;
    if ((took = dermis_cli_take_value(argc, argv, i, "sweep", "--output", "-o", &v)) == 1)
        a->dir = v;
    else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "sweep", "--collect", NULL, &v)) == 1)
        a->collect_dir = v;
    else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "sweep", "--shard", NULL, &v)) == 1)
        return parse_shard(v, &a->run) == 0 ? 1 : -1;
    else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "sweep", "--jobs", NULL, &v)) == 1) {
        if (parse_long("--jobs", v, 1, SWEEP_JOBS_MAX, &n) != 0)
            return -1;
        a->run.jobs = (int)n;
    } else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "sweep", "--threads", NULL, &v)) == 1) {
        if (parse_long("--threads", v, 1, SWEEP_JOBS_MAX, &n) != 0)
            return -1;
        a->run.threads = (int)n;
    } else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "sweep", "--point", NULL, &v)) == 1) {
        if (parse_long("--point", v, 0, 1000000000L, &a->run.point) != 0)
            return -1;
    }
    return took;
}

static int parse_args(int argc, char **argv, sweep_args *a)
{
    for (int i = 2; i < argc; i++) {
        int took = take_option(argc, argv, &i, a);
        if (took < 0)
            return DERMIS_EXIT_USAGE;
        if (took == 1)
            continue;
        const char *arg = argv[i];
        if (strcmp(arg, "--dry-run") == 0)
            a->dry_run = 1;
        else if (strcmp(arg, "--slurm") == 0)
            a->slurm = 1;
        else if (strcmp(arg, "--mpi") == 0)
            a->mpi = 1;
        else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)
            a->run.quiet = 1;
        else if (arg[0] == '-' && arg[1] != '\0')
            return dermis_cli_unknown_option("sweep", arg, sweep_options);
        else if (a->spec_path != NULL) {
            dermis_cli_error("sweep: more than one SWEEP.ini ('%s' and '%s'); see `dermis sweep --help`",
                             a->spec_path, arg);
            return DERMIS_EXIT_USAGE;
        } else
            a->spec_path = arg;
    }
    if (a->collect_dir != NULL && (a->spec_path != NULL || a->dir != NULL)) {
        dermis_cli_error("sweep: --collect DIR takes no SWEEP.ini and no -o (it reads DIR/sweep.ini)");
        return DERMIS_EXIT_USAGE;
    }
    if (a->collect_dir == NULL && a->spec_path == NULL) {
        dermis_cli_error("sweep: missing SWEEP.ini; usage: dermis sweep SWEEP.ini [-o DIR] [--jobs N]");
        return DERMIS_EXIT_USAGE;
    }
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
    if (a->collect_dir != NULL)
        rc = sweep_collect(plan, dir, err, sizeof err);
    else if (sweep_prepare_dir(plan, dir, err, sizeof err) != 0)
        rc = -1;
    else if (a->slurm)
        rc = sweep_write_slurm(plan, dir, &a->run, err, sizeof err);
    else if (a->mpi)
        rc = sweep_run_mpi(plan, dir, &a->run, err, sizeof err);
    else
        rc = sweep_run_local(plan, dir, &a->run, err, sizeof err);
    if (rc != 0 && err[0] != '\0')
        dermis_cli_error("%s", err);
    return rc == 0 ? DERMIS_EXIT_OK : DERMIS_EXIT_FAILURE;
}

int dermis_cmd_sweep(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(sweep_usage, stdout);
            return DERMIS_EXIT_OK;
        }
    }
    char exe[4096], spec_path[2 * SWEEP_TEXT_MAX], dir[2 * SWEEP_TEXT_MAX], err[DERMIS_CONFIG_ERROR_MAX];
    sweep_args a = {.run = {.jobs = 1, .point = -1}};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc;
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
        a.run.exe = exe;
        rc = dispatch(&a, &plan, dir);
    }
    sweep_plan_free(&plan);
    free(spec);
    return rc;
}
