/* `dermis run CONFIG [-o OUT] [--set section.key=value]... [--threads N] [--quiet]
 * [--restart CKPT]`: validates everything the command line and the configuration say before
 * anything is created, then hands the run to the driver (app/run.c, dermis_run). */
#include "app/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/run_request.h"

static const char run_usage[] =
    "Usage: dermis run CONFIG [-o OUT] [--set section.key=value]... [--threads N] [--quiet]\n"
    "                         [--restart CKPT]\n"
    "\n"
    "Runs the simulation CONFIG describes and writes one output file (netCDF-4/HDF5).\n"
    "\n"
    "  -o, --output OUT    output file (default: out/<CONFIG name without .ini>.nc)\n"
    "  --set KEY=VALUE     override one configuration key, e.g. --set run.t_end_days=28;\n"
    "                      repeatable; checked like a line of CONFIG\n"
    "  --threads N         OpenMP threads (N >= 1; default: one per 4096 voxels, at most\n"
    "                      OMP_NUM_THREADS or all cores)\n"
    "  -q, --quiet         no progress bar: only a log line per 10 % of simulated time, and errors\n"
    "  --restart CKPT      continue from a checkpoint written by an earlier run of CONFIG\n"
    "\n"
    "Every configuration error is reported before any file is created.\n";

static const char *const run_options[] = {"--output", "--set", "--threads", "--quiet", "--restart", "--help", NULL};

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
} run_args;

static int parse_threads(const char *text, int *threads)
{
    char *end = NULL;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || n < 1 || n > THREADS_MAX) {
        dermis_cli_error("run: --threads must be an integer from 1 to %d (got '%s')", THREADS_MAX, text);
        return DERMIS_EXIT_USAGE;
    }
    *threads = (int)n;
    return DERMIS_EXIT_OK;
}

/* Handles one option that takes a value; returns 1 if argv[*i] was one, 0 if not, -1 on error. */
static int take_run_option(int argc, char **argv, int *i, run_args *a)
{
    const char *value = NULL;
    int took;
    if ((took = dermis_cli_take_value(argc, argv, i, "run", "--set", NULL, &value)) == 1)
        a->sets[a->n_sets++] = value;
    else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "run", "--output", "-o", &value)) == 1)
        a->output_path = value;
    else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "run", "--restart", NULL, &value)) == 1)
        a->restart_path = value;
    else if (took == 0 && (took = dermis_cli_take_value(argc, argv, i, "run", "--threads", NULL, &value)) == 1)
        return parse_threads(value, &a->threads) == 0 ? 1 : -1;
    return took;
}

static int parse_run_args(int argc, char **argv, run_args *a)
{
    for (int i = 2; i < argc; i++) {
        int took = take_run_option(argc, argv, &i, a);
        if (took < 0)
            return DERMIS_EXIT_USAGE;
        if (took == 1)
            continue;
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            a->quiet = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return dermis_cli_unknown_option("run", argv[i], run_options);
        } else if (a->config_path != NULL) {
            dermis_cli_error("run: more than one CONFIG ('%s' and '%s'); see `dermis run --help`", a->config_path,
                             argv[i]);
            return DERMIS_EXIT_USAGE;
        } else {
            a->config_path = argv[i];
        }
    }
    if (a->config_path == NULL) {
        dermis_cli_error("run: missing CONFIG; usage: dermis run CONFIG [-o OUT] [--set section.key=value]...");
        return DERMIS_EXIT_USAGE;
    }
    return DERMIS_EXIT_OK;
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
            .restart_path = a->restart_path, .threads = a->threads, .quiet = a->quiet,
            .show_progress = !a->quiet && isatty(STDERR_FILENO), .command_line = command_line,
            .resolved_ini = resolved};
        rc = dermis_run(&req, err, sizeof err);
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

int dermis_cmd_run(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(run_usage, stdout);
            return DERMIS_EXIT_OK;
        }
    }
    run_args a = {.sets = calloc((size_t)argc, sizeof(char *))};
    dermis_cli_config c = {0};
    if (a.sets == NULL) {
        dermis_cli_error("out of memory");
        return DERMIS_EXIT_FAILURE;
    }
    int rc = parse_run_args(argc, argv, &a);
    if (rc == 0)
        rc = dermis_cli_load_config(a.config_path, a.sets, a.n_sets, &c);
    if (rc == 0 && a.restart_path != NULL)
        rc = check_restart_readable(a.restart_path);
    if (rc == 0)
        rc = start_run(&a, &c, argc, argv);
    dermis_cli_config_free(&c);
    free(a.sets);
    return rc;
}
