/* `dermis run CONFIG [OPTION]...` (options in run_options below):
 * validates everything the command line and the configuration say before
 * anything is created, then hands the run to the driver (app/run.c, dermis_run). */
#include "app/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/run_request.h"
#include "io/output.h"

enum { OPT_OUTPUT, OPT_SET, OPT_THREADS, OPT_QUIET, OPT_OVERWRITE, OPT_RESTART, OPT_FORCE };

static const dermis_cli_option run_options[] = {
    [OPT_OUTPUT] = {"--output", 'o', "OUT", "output file (default: out/<CONFIG name without .ini>.nc)"},
    [OPT_SET] = {"--set", 0, "KEY=VALUE", "override one configuration key, e.g. --set run.t_end_days=28;\n"
                                          "repeatable; checked like a line of CONFIG"},
    [OPT_THREADS] = {"--threads", 0, "N", "OpenMP threads (N >= 1; default: one per 4096 voxels, at most\n"
                                          "OMP_NUM_THREADS or all cores)"},
    [OPT_QUIET] = {"--quiet", 'q', NULL, "print nothing but errors and the paths written (no progress\n"
                                         "bar, no log lines)"},
    [OPT_OVERWRITE] = {"--overwrite", 0, NULL, "replace an earlier result at OUT (and its sidecar and checkpoints);\n"
                                               "without it, an existing result is never replaced"},
    [OPT_RESTART] = {"--restart", 0, "CKPT", "continue OUT from a checkpoint written by the earlier run of CONFIG\n"
                                             "that wrote OUT"},
    [OPT_FORCE] = {"--force", 0, NULL, "run even if the estimated memory exceeds the machine's memory"},
    {NULL, 0, NULL, NULL},
};

static int run_main(int argc, char **argv);

const dermis_cli_command dermis_cmd_run_spec = {
    .name = "run",
    .synopsis = "CONFIG [OPTION]...",
    .operand = "CONFIG",
    .summary = "run a simulation and write its output file (netCDF-4/HDF5)",
    .description = "Runs the simulation CONFIG describes and writes one output file (netCDF-4/HDF5) and its\n"
                   "XDMF sidecar, then prints the paths written. Every configuration error is reported\n"
                   "before any file is created, and so is a grid whose estimated memory exceeds the\n"
                   "machine's (unless --force). Progress goes to stderr: a bar on a terminal, otherwise\n"
                   "a log line per 10 % of the simulated time. An earlier result at OUT is never replaced\n"
                   "without --overwrite, and a second run writing the same OUT is refused.",
    .options = run_options,
    .main = run_main,
};

/* Largest --threads accepted: more is surely a typo. */
#define THREADS_MAX 4096

typedef struct {
    const char *config_path;
    const char *output_path;
    const char *restart_path;
    const char **sets;
    size_t n_sets;
    int threads;
    int quiet;
    int force;
    int overwrite;
} run_args;

static int on_run_option(void *user, const dermis_cli_option *option, const char *value)
{
    run_args *a = user;
    long n;
    switch ((int)(option - run_options)) {
    case OPT_OUTPUT:
        if (value[0] == '\0') {
            dermis_cli_error("run: --output needs a file name (got an empty one)");
            return DERMIS_EXIT_USAGE;
        }
        a->output_path = value;
        return 0;
    case OPT_SET: a->sets[a->n_sets++] = value; return 0;
    case OPT_THREADS:
        if (dermis_cli_parse_long(&dermis_cmd_run_spec, option, value, 1, THREADS_MAX, &n) != 0)
            return DERMIS_EXIT_USAGE;
        a->threads = (int)n;
        return 0;
    case OPT_QUIET: a->quiet = 1; return 0;
    case OPT_OVERWRITE: a->overwrite = 1; return 0;
    case OPT_RESTART: a->restart_path = value; return 0;
    case OPT_FORCE: a->force = 1; return 0;
    }
    return DERMIS_EXIT_USAGE;
}

static int parse_run_args(int argc, char **argv, run_args *a)
{
    int rc = dermis_cli_parse(&dermis_cmd_run_spec, argc, argv, a, on_run_option, &a->config_path);
    if (rc != 0)
        return rc;
    if (a->config_path == NULL)
        return dermis_cli_missing_operand(&dermis_cmd_run_spec);
    if (a->overwrite && a->restart_path != NULL) {
        dermis_cli_error("run: --overwrite starts afresh and --restart continues; give one of them");
        return DERMIS_EXIT_USAGE;
    }
    return DERMIS_EXIT_OK;
}

/* Refuses a run whose estimated memory exceeds the machine's physical memory (unless --force). */
static int check_memory(const run_args *a, const dermis_cli_config *c)
{
    dermis_run_estimate est;
    dermis_config_estimate(c->cfg, &est);
    const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    const double machine = pages > 0 && page_size > 0 ? (double)pages * (double)page_size : INFINITY;
    if (a->force || est.bytes <= machine)
        return DERMIS_EXIT_OK;
    dermis_cli_error("run: %s: the grid of %.3g voxels needs about %.3g GB of memory but this machine has %.3g GB; "
                     "use a coarser run.dx_mm or a smaller domain, or --force", a->config_path, est.voxels,
                     est.bytes / 1e9, machine / 1e9);
    return DERMIS_EXIT_USAGE;
}

/* out/<basename of config without .ini>.nc, malloc'ed. */
static char *default_output_path(const char *config_path)
{
    const char *slash = strrchr(config_path, '/');
    const char *base = slash != NULL ? slash + 1 : config_path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
        n -= 4;
    char *path = malloc(n + 8);
    if (path != NULL)
        snprintf(path, n + 8, "out/%.*s.nc", (int)n, base);
    return path;
}

/* Creates every missing directory above path (like mkdir -p of its dirname). */
static int make_parent_directories(const char *path)
{
    char *copy = malloc(strlen(path) + 1);
    int rc = 0;
    if (copy == NULL)
        return -1;
    strcpy(copy, path);
    for (char *p = copy + 1; *p != '\0' && rc == 0; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *p = '/';
    }
    free(copy);
    return rc;
}

/* argv joined by spaces; arguments with characters a shell would interpret are single-quoted. */
static char *join_command_line(int argc, char **argv)
{
    size_t size = 1;
    for (int i = 0; i < argc; i++)
        size += 4 * strlen(argv[i]) + 3;
    char *line = malloc(size), *end = line;
    if (line == NULL)
        return NULL;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        int plain = arg[0] != '\0' && strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                  "0123456789_-.,/=:+@%") == strlen(arg);
        if (i > 0)
            *end++ = ' ';
        if (!plain)
            *end++ = '\'';
        for (const char *p = arg; *p != '\0'; p++) {
            if (!plain && *p == '\'') {
                memcpy(end, "'\\''", 4); /* close, escaped quote, reopen */
                end += 4;
            } else {
                *end++ = *p;
            }
        }
        if (!plain)
            *end++ = '\'';
    }
    *end = '\0';
    return line;
}

static int check_restart_readable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        dermis_cli_error("run: --restart %s: cannot open: %s", path, strerror(errno));
        return DERMIS_EXIT_USAGE;
    }
    fclose(f);
    return DERMIS_EXIT_OK;
}

/* The files a completed run wrote, one per line on stdout, so scripts can pick them up. */
static void print_written(const char *output_path, const dermis_config *cfg)
{
    char *sidecar = dermis_output_sidecar_path(output_path);
    printf("%s\n", output_path);
    if (sidecar != NULL)
        printf("%s\n", sidecar);
    if (cfg->output.checkpoint_interval_days > 0)
        printf("%s.ckpt\n", output_path);
    free(sidecar);
}

/* Everything is valid: prepare the output directory and call the driver. */
static int start_run(const run_args *a, const dermis_cli_config *c, int argc, char **argv)
{
    char err[DERMIS_CONFIG_ERROR_MAX] = "";
    char *output = a->output_path != NULL ? NULL : default_output_path(a->config_path);
    char *resolved = dermis_config_to_ini(c->cfg);
    char *command_line = join_command_line(argc, argv);
    int rc = DERMIS_EXIT_FAILURE;
    const char *output_path = a->output_path != NULL ? a->output_path : output;
    if (output_path == NULL || resolved == NULL || command_line == NULL) {
        dermis_cli_error("out of memory");
    } else if (make_parent_directories(output_path) != 0) {
        dermis_cli_error("run: cannot create the directory of %s: %s", output_path, strerror(errno));
    } else {
        dermis_run_request req = {
            .cfg = c->cfg, .config_path = a->config_path, .output_path = output_path,
            .restart_path = a->restart_path, .overwrite = a->overwrite, .threads = a->threads, .quiet = a->quiet,
            .show_progress = !a->quiet && isatty(STDERR_FILENO), .command_line = command_line,
            .resolved_ini = resolved};
        rc = dermis_run(&req, err, sizeof err);
        if (rc == 0)
            print_written(output_path, c->cfg);
        if (rc != 0) {
            dermis_cli_error("%s", err[0] != '\0' ? err : "run failed");
            rc = rc == DERMIS_EXIT_USAGE ? DERMIS_EXIT_USAGE : DERMIS_EXIT_FAILURE;
        }
    }
    free(output);
    free(resolved);
    free(command_line);
    return rc;
}

static int run_main(int argc, char **argv)
{
    run_args a = {.sets = calloc((size_t)argc, sizeof(char *))};
    dermis_cli_config c = {0};
    if (a.sets == NULL) {
        dermis_cli_error("out of memory");
        return DERMIS_EXIT_FAILURE;
    }
    int rc = parse_run_args(argc, argv, &a);
    if (rc == 0)
        rc = dermis_cli_load_config(a.config_path, a.sets, a.n_sets, &c);
    if (rc == 0)
        rc = check_memory(&a, &c);
    if (rc == 0 && a.restart_path != NULL)
        rc = check_restart_readable(a.restart_path);
    if (rc == 0)
        rc = start_run(&a, &c, argc, argv);
    dermis_cli_config_free(&c);
    free(a.sets);
    return rc == DERMIS_CLI_HELP_SHOWN ? DERMIS_EXIT_OK : rc;
}
