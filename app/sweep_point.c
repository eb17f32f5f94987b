/* One point's files and process: DIR/points/pNNNNNN.ini (its resolved configuration),
 * .nc (the output of `dermis run`), .log (the child's stdout and stderr).
 *
 * Each point runs as a child process `dermis run POINT.ini -o POINT.nc --quiet`: a crash, an
 * abort or a kill of one point cannot take the sweep or the other points with it. The status of
 * a point is judged from its files alone, so every driver (and --collect) judges alike. */
#include "app/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/sweep_h5.h"

extern char **environ;

/* Extensions of the files `dermis run` may leave beside its output. */
static const char *const output_files[] = {".nc", ".nc.partial", ".xmf", ".nc.ckpt", ".nc.ckpt.prev", ".nc.ckpt.tmp", ".log", NULL};

/* Progress lines of `dermis run --quiet` start with this; every other "dermis: " line is an
 * error (app/progress.c). */
#define PROGRESS_PREFIX "dermis: day "

static const char *const status_names[SWEEP_N_STATUS] = {"pending", "running", "completed", "failed", "interrupted",
                                                         "outdated"};

const char *sweep_status_name(sweep_status s)
{
    return s < SWEEP_N_STATUS ? status_names[s] : "unknown";
}

void sweep_point_path(const char *dir, size_t index, const char *ext, char *buf, size_t len)
{
    snprintf(buf, len, "%s/points/p%06zu%s", dir, index, ext);
}

/* The last error line of the log ("" if none), without its "dermis: " prefix. */
static void last_error_line(const char *path, char *error, size_t len)
{
    char line[1024];
    FILE *f = fopen(path, "r");
    error[0] = '\0';
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "dermis: ", 8) == 0 && strncmp(line, PROGRESS_PREFIX, strlen(PROGRESS_PREFIX)) != 0)
            snprintf(error, len, "%s", line + 8);
    }
    fclose(f);
}

/* A string attribute of obj, malloc'ed (NULL if absent or unreadable). */
static char *string_attribute(hid_t obj, const char *name)
{
    char *text = NULL;
    if (H5Aexists(obj, name) <= 0)
        return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), ft = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && !H5Tis_variable_str(ft)) {
        size_t n = H5Tget_size(ft) + 1; /* room for a NUL the file may not store */
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, n);
        H5Tset_cset(mt, H5Tget_cset(ft));
        text = calloc(n, 1);
        if (text != NULL && H5Aread(a, mt, text) < 0) {
            free(text);
            text = NULL;
        }
        H5Tclose(mt);
    } else if (ft >= 0 && H5Tget_class(ft) == H5T_STRING) {
        char *vlen = NULL;
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        if (H5Aread(a, mt, &vlen) >= 0 && vlen != NULL) {
            text = malloc(strlen(vlen) + 1);
            if (text != NULL)
                strcpy(text, vlen);
            H5free_memory(vlen);
        }
        H5Tclose(mt);
    }
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    return text;
}

/* Opens an output for reading, also while its writer runs or after it was killed (SWMR). */
hid_t sweep_open_output(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return H5I_INVALID_HID;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    if (f < 0)
        f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    return f;
}

sweep_status sweep_point_status(const char *dir, size_t index, const char *expected_ini, char *error,
                                size_t error_len)
{
    char path[2 * SWEEP_TEXT_MAX];
    sweep_status status = SWEEP_PENDING;
    sweep_point_path(dir, index, ".log", path, sizeof path);
    last_error_line(path, error, error_len);
    sweep_point_path(dir, index, ".nc", path, sizeof path);
    hid_t f = sweep_open_output(path);
    if (f >= 0) {
        char *run_status = string_attribute(f, "run_status"), *config = string_attribute(f, "config");
        if (expected_ini == NULL || config == NULL || strcmp(config, expected_ini) != 0)
            status = SWEEP_OUTDATED;
        else if (run_status != NULL && strcmp(run_status, "completed") == 0)
            status = SWEEP_COMPLETED;
        else if (run_status != NULL && strcmp(run_status, "interrupted") == 0)
            status = SWEEP_INTERRUPTED;
        else if (run_status != NULL && strcmp(run_status, "failed") == 0)
            status = SWEEP_FAILED;
        else
            status = error[0] != '\0' ? SWEEP_FAILED : SWEEP_RUNNING;
        free(run_status);
        free(config);
        H5Fclose(f);
    } else if (error[0] != '\0') {
        status = SWEEP_FAILED;
    } else {
        char partial[2 * SWEEP_TEXT_MAX + 16];
        snprintf(partial, sizeof partial, "%s.partial", path);
        if (access(path, F_OK) == 0 || access(partial, F_OK) == 0)
            status = SWEEP_RUNNING; /* being created */
    }
    if (status == SWEEP_COMPLETED || status == SWEEP_OUTDATED)
        error[0] = '\0';
    return status;
}

void sweep_point_clean(const char *dir, size_t index)
{
    char path[2 * SWEEP_TEXT_MAX];
    for (size_t k = 0; output_files[k] != NULL; k++) {
        sweep_point_path(dir, index, output_files[k], path, sizeof path);
        unlink(path);
    }
}

/* Appends one error line to the point's log (for deaths the child could not report). */
static void append_log(const char *dir, size_t index, const char *line)
{
    char path[2 * SWEEP_TEXT_MAX];
    sweep_point_path(dir, index, ".log", path, sizeof path);
    FILE *f = fopen(path, "a");
    if (f != NULL) {
        fprintf(f, "dermis: %s\n", line);
        fclose(f);
    }
}

long sweep_point_spawn(const char *exe, const char *dir, size_t index, int threads, char *reason, size_t len)
{
    char ini[2 * SWEEP_TEXT_MAX], nc[2 * SWEEP_TEXT_MAX], log[2 * SWEEP_TEXT_MAX], nthreads[32];
    sweep_point_path(dir, index, ".ini", ini, sizeof ini);
    sweep_point_path(dir, index, ".nc", nc, sizeof nc);
    sweep_point_path(dir, index, ".log", log, sizeof log);
    snprintf(nthreads, sizeof nthreads, "%d", threads);
    char *argv[] = {"dermis", "run", ini, "-o", nc, "--quiet", "--threads", nthreads, NULL};
    posix_spawn_file_actions_t actions;
    pid_t pid = -1;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc == 0) {
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        rc = posix_spawn(&pid, exe, &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
    }
    if (rc != 0) {
        snprintf(reason, len, "sweep: cannot start %s: %s", exe, strerror(rc));
        append_log(dir, index, reason);
        return -1;
    }
    return (long)pid;
}

int sweep_point_finish(const char *dir, size_t index, int wait_status)
{
    char line[128], error[8], path[2 * SWEEP_TEXT_MAX];
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0)
        return 0;
    sweep_point_path(dir, index, ".log", path, sizeof path);
    last_error_line(path, error, sizeof error);
    if (WIFSIGNALED(wait_status)) {
        snprintf(line, sizeof line, "sweep: point killed by signal %d (%s)", WTERMSIG(wait_status),
                 strsignal(WTERMSIG(wait_status)));
        append_log(dir, index, line);
    } else if (error[0] == '\0') {
        snprintf(line, sizeof line, "sweep: point exited with status %d", WEXITSTATUS(wait_status));
        append_log(dir, index, line);
    }
    return -1;
}

int sweep_point_run(const char *exe, const char *dir, size_t index, int threads, char *reason, size_t len)
{
    int st = 0;
    long pid = sweep_point_spawn(exe, dir, index, threads, reason, len);
    if (pid < 0)
        return -1;
    while (waitpid((pid_t)pid, &st, 0) < 0) {
        if (errno != EINTR) {
            snprintf(reason, len, "lost track of the point's process: %s", strerror(errno));
            return -1;
        }
    }
    return sweep_point_finish(dir, index, st);
}

/* Records a point that cannot start (its configuration is invalid) as its log's error line. */
void sweep_point_record_error(const char *dir, size_t index, const char *error)
{
    sweep_point_clean(dir, index);
    append_log(dir, index, error);
}

/* Writes text to path atomically: path.tmp.PID, then rename. Returns 0 or -1. */
int sweep_write_atomic(const char *path, const char *text)
{
    char tmp[2 * SWEEP_TEXT_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    int ok = fputs(text, f) >= 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* 1 if the file at path holds exactly text. */
int sweep_file_equals(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = strlen(text), i = 0;
    int c, same = 1;
    while (same && (c = getc(f)) != EOF)
        same = i < n && (char)c == text[i++];
    fclose(f);
    return same && i == n;
}
