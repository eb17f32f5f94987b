/* What `dermis run` hands the run driver: the validated configuration and the choices made on
 * the command line. The driver (app/run.c) defines dermis_run. */
#ifndef DERMIS_APP_RUN_REQUEST_H
#define DERMIS_APP_RUN_REQUEST_H

#include <stddef.h>

#include "io/config.h"

typedef struct {
    const dermis_config *cfg;  /* validated (dermis_config_finish passed) */
    const char *config_path;   /* the CONFIG argument as given */
    const char *output_path;   /* -o OUT, else out/<config basename without .ini>.nc; its directory exists */
    const char *restart_path;  /* --restart CKPT (readable), or NULL */
    int overwrite;             /* --overwrite: a fresh run may replace an earlier result at output_path */
    int threads;               /* --threads N (>= 1), or 0 for the OpenMP default */
    int quiet;                 /* --quiet: no progress bar, only sparse log lines and errors */
    int show_progress;         /* 1: redraw a progress bar (stderr is a terminal and not --quiet) */
    const char *command_line;  /* the full argv joined with spaces (shell-quoted where needed) */
    const char *resolved_ini;  /* dermis_config_to_ini(cfg), for the output's provenance */
} dermis_run_request;

/* The environment variable through which `dermis sweep` gives its points its pid: a point whose
 * driver dies stops as on SIGTERM (app/run.c). It changes no result, only the run's lifetime. */
#define DERMIS_SWEEP_PID_ENV "DERMIS_SWEEP_PID"

/* Runs one simulation. Returns 0 on success; otherwise writes one line (without the "dermis: "
 * prefix) into err and returns 2 for a configuration problem found late, 1 for any other failure. */
int dermis_run(const dermis_run_request *req, char *err, size_t errlen);

#endif
