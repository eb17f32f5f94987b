/* The drivers of a sweep that need no MPI: the local driver (--jobs N child processes, resume,
 * progress, summary after every point), --point / --shard (job arrays), --slurm (an sbatch
 * script), --dry-run and --collect.
 *
 * Resume is the same rule everywhere: a point whose output says run_status = completed and whose
 * stored configuration equals the point's resolved configuration is done and is skipped; any
 * other point is cleaned and run again. */
/* realpath() is an X/Open interface. */
#define _XOPEN_SOURCE 700

#include "app/sweep_driver.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/progress.h"
#include "model/message.h"

/* The driver's only file-scope state: a signal handler can reach nothing else. Set by
 * SIGINT/SIGTERM; the driver then starts no new point, stops the running ones (they end as
 * "interrupted") and writes the summary. */
static volatile sig_atomic_t sweep_stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    sweep_stop_requested = 1;
}

int sweep_stop_requested_now(void)
{
    return sweep_stop_requested != 0;
}

void sweep_install_signals(struct sigaction *old_int, struct sigaction *old_term)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: waitpid returns EINTR so the driver reacts at once */
    sigaction(SIGINT, &sa, old_int);
    sigaction(SIGTERM, &sa, old_term);
}

void sweep_restore_signals(const struct sigaction *old_int, const struct sigaction *old_term)
{
    sigaction(SIGINT, old_int, NULL);
    sigaction(SIGTERM, old_term, NULL);
}

static int make_dir(const char *path)
{
    return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char copy[2 * SWEEP_TEXT_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *p = copy + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (make_dir(copy) != 0)
            return -1;
        *p = '/';
    }
    return make_dir(copy);
}

int sweep_lock_dir(const char *dir, int exclusive, char *err, size_t len)
{
    char path[2 * SWEEP_TEXT_MAX + 16];
    snprintf(path, sizeof path, "%s/sweep.lock", dir);
    int fd = make_dirs(dir) == 0 ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (fd < 0) {
        snprintf(err, len, "sweep: %s: cannot create the sweep's lock file: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
        return fd;
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK)
        snprintf(err, len, "sweep: %s is in use by another `dermis sweep` (%s); wait for it to end or stop it",
                 dir, exclusive ? "a sweep or job-array tasks" : "a whole sweep");
    else
        snprintf(err, len, "sweep: %s: cannot lock: %s", path, strerror(e));
    return -1;
}

/* The whole file as a malloc'ed string (NULL on error). */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t n = 0, cap = 0;
    int c;
    if (f == NULL)
        return NULL;
    while ((c = getc(f)) != EOF) {
        if (n + 2 > cap) {
            cap = cap > 0 ? 2 * cap : 4096;
            char *grown = realloc(text, cap);
            if (grown == NULL) {
                free(text);
                fclose(f);
                return NULL;
            }
            text = grown;
        }
        text[n++] = (char)c;
    }
    fclose(f);
    if (text == NULL)
        text = calloc(1, 1);
    else
        text[n] = '\0';
    return text;
}

/* DIR/sweep.ini (the sweep file with base = base.ini) and DIR/base.ini (a copy of the base), so
 * that `--collect DIR` rebuilds the same plan from DIR alone. */
static int copy_spec(const sweep_spec *s, const char *dir, char *err, size_t len)
{
    char path[2 * SWEEP_TEXT_MAX];
    char *spec = read_text(s->path), *base = read_text(s->base_path);
    int rc = -1;
    if (spec != NULL && base != NULL) {
        size_t n = strlen(spec);
        char *copy = malloc(n + 32), *out = copy;
        int line = 1;
        for (const char *p = spec; copy != NULL && *p != '\0'; line++) {
            const char *end = strchr(p, '\n');
            size_t length = end != NULL ? (size_t)(end - p + 1) : strlen(p);
            if (line == s->line_base)
                out += sprintf(out, "base = base.ini\n");
            else
                out = (char *)memcpy(out, p, length) + length;
            p += length;
        }
        if (copy != NULL) {
            *out = '\0';
            snprintf(path, sizeof path, "%s/sweep.ini", dir);
            rc = sweep_write_atomic(path, copy);
            snprintf(path, sizeof path, "%s/base.ini", dir);
            rc = rc == 0 ? sweep_write_atomic(path, base) : rc;
        }
        free(copy);
    }
    if (rc != 0)
        snprintf(err, len, "sweep: cannot write %s/sweep.ini and base.ini: %s", dir, strerror(errno));
    free(spec);
    free(base);
    return rc;
}

int sweep_prepare_dir(const sweep_plan *plan, const char *dir, char *err, size_t len)
{
    char points[2 * SWEEP_TEXT_MAX];
    snprintf(points, sizeof points, "%s/points", dir);
    if (make_dirs(points) != 0) {
        snprintf(err, len, "sweep: cannot create %s: %s", points, strerror(errno));
        return -1;
    }
    return copy_spec(plan->spec, dir, err, len);
}

/* Formats one line into err and returns -1. */
/* Writes point i's .ini (unless it already holds exactly that text) after cleaning its old
 * files; an invalid point gets its error recorded instead. Returns 1 if the point can run. */
int sweep_stage_point(const sweep_plan *plan, const char *dir, size_t i)
{
    char err[DERMIS_CONFIG_ERROR_MAX], path[2 * SWEEP_TEXT_MAX];
    char *ini = NULL;
    long seed;
    if (sweep_plan_resolve(plan, i, &ini, &seed, err) != 0) {
        sweep_point_record_error(dir, i, err);
        return 0;
    }
    sweep_point_clean(dir, i);
    sweep_point_path(dir, i, ".ini", path, sizeof path);
    int ok = sweep_file_equals(path, ini) || sweep_write_atomic(path, ini) == 0;
    if (!ok) {
        dermis_message(err, sizeof err, -1, "sweep: cannot write %s: %s", path, strerror(errno));
        sweep_point_record_error(dir, i, err);
    }
    free(ini);
    return ok;
}

/* --- progress ---------------------------------------------------------------------------- */

static void format_duration(double s, char *buf, size_t len)
{
    if (s < 120)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, len, "%.0f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
}

static void show_progress(const sweep_run_options *o, size_t done, size_t failed, size_t running, size_t total,
                          size_t finished_here, double started, int final)
{
    char left[32] = "?";
    double elapsed = dermis_monotonic_seconds() - started;
    size_t remaining = total - done - failed;
    if (o->quiet && !final)
        return;
    if (finished_here > 0)
        format_duration(elapsed / (double)finished_here * (double)remaining, left, sizeof left);
    else if (remaining == 0)
        snprintf(left, sizeof left, "0 s");
    int tty = isatty(STDERR_FILENO);
    fprintf(stderr, "%sdermis: sweep: %zu/%zu done, %zu failed, %zu running, about %s left%s", tty ? "\r" : "", done,
            total, failed, running, left, tty && !final ? "   " : "\n");
    fflush(stderr);
}

static double cpu_seconds(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) != 0)
        return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           1e-6 * ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec);
}

/* The driver's own CPU time against its points': its overhead, independent of the machine's load. */
static void report_cpu(const sweep_run_options *o)
{
    double self = cpu_seconds(RUSAGE_SELF), points = cpu_seconds(RUSAGE_CHILDREN);
    if (!o->quiet && points > 0)
        fprintf(stderr, "dermis: sweep: CPU time: driver %.2f s, points %.1f s (driver overhead %.2f %%)\n", self,
                points, 100 * self / points);
}

/* --- the local driver -------------------------------------------------------------------- */

/* 1 if point i belongs to this invocation's selection. */
static int selected(const sweep_run_options *o, size_t i)
{
    if (o->point >= 0)
        return i == (size_t)o->point;
    return o->shard_count == 0 || i % o->shard_count == o->shard_index;
}

typedef struct {
    long pid;
    size_t index;
} running_point;

/* The summary is rewritten after a point only if the time since the last rewrite is at least
 * this multiple of what that rewrite took: its cost stays below 1 % of the sweep however many
 * points and observables it holds. It is always written at the end. */
#define SUMMARY_COST_FACTOR 100.0

/* Sends SIGTERM to every running child (they stop and mark their output "interrupted"). */
static void stop_children(const running_point *run, size_t n_run)
{
    for (size_t k = 0; k < n_run; k++)
        kill((pid_t)run[k].pid, SIGTERM);
}

/* Waits for one child; returns its slot, or n_run if interrupted by a signal. */
static size_t wait_any(running_point *run, size_t n_run, int *wait_status)
{
    pid_t pid = waitpid(-1, wait_status, 0);
    for (size_t k = 0; pid > 0 && k < n_run; k++)
        if (run[k].pid == (long)pid)
            return k;
    return n_run;
}

int sweep_run_local(const sweep_plan *plan, const char *dir, const sweep_run_options *o, char *err, size_t len)
{
    int write_summary = o->point < 0 && o->shard_count == 0;
    sweep_collector *c = sweep_collector_alloc(plan, dir, write_summary);
    running_point *run = calloc((size_t)o->jobs, sizeof *run);
    if (c == NULL || run == NULL) {
        snprintf(err, len, "out of memory");
        sweep_collector_free(c);
        free(run);
        return -1;
    }
    size_t total = 0, done = 0, failed = 0, n_run = 0, finished_here = 0, next = 0;
    for (size_t i = 0; i < plan->n_points; i++) {
        if (!selected(o, i))
            continue;
        if (!write_summary)
            sweep_collector_update(c, i);
        total++;
        done += sweep_collector_status(c, i) == SWEEP_COMPLETED;
    }
    double started = dermis_monotonic_seconds(), last_write = 0, write_cost = 0;
    struct sigaction old_int, old_term;
    sweep_install_signals(&old_int, &old_term);
    int rc = 0;
    show_progress(o, done, failed, n_run, total, finished_here, started, 0);
    while (1) {
        /* Start points while slots are free. */
        while (!sweep_stop_requested_now() && n_run < (size_t)o->jobs && next < plan->n_points) {
            size_t i = next++;
            if (!selected(o, i) || sweep_collector_status(c, i) == SWEEP_COMPLETED)
                continue;
            char reason[DERMIS_CONFIG_ERROR_MAX];
            long pid = sweep_stage_point(plan, dir, i) ? sweep_point_spawn(o->exe, dir, i, o->threads, reason, sizeof reason)
                                                 : -1;
            if (pid > 0) {
                run[n_run++] = (running_point){.pid = pid, .index = i};
                continue;
            }
            sweep_collector_update(c, i);
            failed++;
        }
        if (n_run == 0)
            break;
        int st = 0;
        size_t k = wait_any(run, n_run, &st);
        if (k == n_run) {
            if (sweep_stop_requested_now())
                stop_children(run, n_run);
            continue;
        }
        size_t i = run[k].index;
        run[k] = run[--n_run];
        sweep_point_finish(dir, i, st);
        sweep_collector_update(c, i);
        finished_here++;
        if (sweep_collector_status(c, i) == SWEEP_COMPLETED)
            done++;
        else
            failed++;
        if (write_summary && dermis_monotonic_seconds() - last_write >= SUMMARY_COST_FACTOR * write_cost) {
            double t0 = dermis_monotonic_seconds();
            if (sweep_collector_write(c, err, len) != 0)
                fprintf(stderr, "dermis: %s\n", err);
            last_write = dermis_monotonic_seconds();
            write_cost = last_write - t0;
        }
        show_progress(o, done, failed, n_run, total, finished_here, started, 0);
    }
    if (isatty(STDERR_FILENO))
        show_progress(o, done, failed, n_run, total, finished_here, started, 1);
    report_cpu(o);
    sweep_restore_signals(&old_int, &old_term);
    if (write_summary && sweep_collector_write(c, err, len) != 0)
        rc = -1;
    else if (sweep_stop_requested_now())
        rc = dermis_message(err, len, -1,
                            "sweep: stopped by a signal; %zu of %zu points done (run the sweep again to resume)", done,
                            total);
    else if (done < total && write_summary)
        rc = dermis_message(err, len, -1,
                            "sweep: %zu of %zu points did not complete; their error lines are in the summary "
                            "(%s/summary.csv)",
                            total - done, total, dir);
    else if (done < total)
        rc = dermis_message(err, len, -1,
                            "sweep: %zu of %zu points of this part did not complete; `dermis sweep --collect %s` "
                            "builds the summary with their error lines",
                            total - done, total, dir);
    sweep_collector_free(c);
    free(run);
    return rc;
}

/* --- dry run, collect, slurm -------------------------------------------------------------- */

int sweep_dry_run(const sweep_plan *plan, const char *dir)
{
    const sweep_spec *s = plan->spec;
    char value[SWEEP_TEXT_MAX], err[DERMIS_CONFIG_ERROR_MAX], path[2 * SWEEP_TEXT_MAX];
    printf("# dermis sweep %s: design %s, %zu points (%zu design points x %zu replicates) in %s\n", s->path,
           s->design->name, plan->n_points, plan->n_design, s->replicates, dir);
    printf("point,replicate,seed,block,step");
    for (size_t j = 0; j < s->n_params; j++)
        printf(",%s", s->params[j].key);
    for (size_t j = 0; j < s->n_params; j++)
        printf(",u:%s", s->params[j].key);
    printf(",status,output\n");
    for (size_t i = 0; i < plan->n_points; i++) {
        char *ini = NULL;
        long seed = 0;
        int valid = sweep_plan_resolve(plan, i, &ini, &seed, err) == 0;
        printf("%zu,%zu,", i, sweep_plan_replicate(plan, i));
        if (valid)
            printf("%ld", seed);
        printf(",%ld,%ld", sweep_plan_block(plan, i), sweep_plan_step(plan, i));
        for (size_t j = 0; j < s->n_params; j++) {
            sweep_plan_value(plan, i, j, value, sizeof value);
            printf(",%s", value);
        }
        for (size_t j = 0; j < s->n_params; j++)
            printf(",%.17g", plan->u[(i / s->replicates) * s->n_params + j]);
        sweep_status status = valid ? sweep_point_status(dir, i, ini, value, sizeof value) : SWEEP_FAILED;
        sweep_point_path(dir, i, ".nc", path, sizeof path);
        printf(",%s,%s\n", valid ? sweep_status_name(status) : "invalid", path);
        if (!valid)
            printf("#   point %zu: %s\n", i, err);
        free(ini);
    }
    return 0;
}

int sweep_collect(const sweep_plan *plan, const char *dir, char *err, size_t len)
{
    size_t counts[SWEEP_N_STATUS];
    sweep_collector *c = sweep_collector_alloc(plan, dir, 1);
    if (c == NULL) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    int rc = sweep_collector_write(c, err, len);
    sweep_collector_counts(c, counts);
    sweep_collector_free(c);
    if (rc == 0) {
        fprintf(stderr, "dermis: sweep: %s/summary.nc and summary.csv:", dir);
        for (int s = 0; s < SWEEP_N_STATUS; s++)
            if (counts[s] > 0)
                fprintf(stderr, " %zu %s", counts[s], sweep_status_name((sweep_status)s));
        fputc('\n', stderr);
    }
    return rc;
}

/* SLURM refuses arrays beyond MaxArraySize (1001 by default): larger sweeps use shards. */
#define SLURM_ARRAY_MAX 1000

int sweep_write_slurm(const sweep_plan *plan, const char *dir, const sweep_run_options *o, char *err, size_t len)
{
    char path[2 * SWEEP_TEXT_MAX], spec[PATH_MAX], out[PATH_MAX], script[8192];
    if (realpath(plan->spec->path, spec) == NULL || realpath(dir, out) == NULL) {
        snprintf(err, len, "sweep: cannot resolve the path of %s or %s: %s", plan->spec->path, dir, strerror(errno));
        return -1;
    }
    size_t tasks = plan->n_points <= SLURM_ARRAY_MAX ? plan->n_points : SLURM_ARRAY_MAX;
    const char *select = plan->n_points <= SLURM_ARRAY_MAX ? "--point \"$SLURM_ARRAY_TASK_ID\""
                                                           : "--shard \"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\"";
    dermis_message(script, sizeof script, -1,
                   "#!/bin/bash\n"
                   "# SLURM job array for the dermis sweep %s (%zu points), written by `dermis sweep --slurm`.\n"
                   "# Submit:   sbatch %s/sweep.sbatch\n"
                   "# Then:     %s sweep --collect %s     (or submit it with --dependency=afterany:JOBID)\n"
                   "# Re-submitting skips completed points and re-runs failed or interrupted ones.\n"
                   "#SBATCH --job-name=dermis-%s\n"
                   "#SBATCH --array=0-%zu\n"
                   "#SBATCH --ntasks=1\n"
                   "#SBATCH --cpus-per-task=%d\n"
                   "#SBATCH --output=%s/points/slurm-%%A_%%a.out\n"
                   "set -euo pipefail\n"
                   "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-%d}\"\n"
                   "exec %s sweep %s -o %s %s --threads \"$OMP_NUM_THREADS\"\n",
                   plan->spec->name, plan->n_points, out, o->exe, out, plan->spec->name, tasks - 1, o->threads, out,
                   o->threads, o->exe, spec, out, select);
    snprintf(path, sizeof path, "%s/sweep.sbatch", dir);
    if (sweep_write_atomic(path, script) != 0 || chmod(path, 0755) != 0) {
        snprintf(err, len, "sweep: cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    printf("%s\n", path);
    return 0;
}
