/* The `dermis` command line: --help, --version and subcommand dispatch (see cli.h). */
#include "app/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

static const char usage_text[] =
    "Usage: dermis COMMAND [ARGS...]\n"
    "       dermis --help | --version\n"
    "\n"
    "Simulates skin repair after microneedling (reaction-diffusion-chemotaxis model).\n"
    "\n"
    "Commands:\n"
    "  run CONFIG      run a simulation and write its output file (netCDF-4/HDF5)\n"
    "  check CONFIG    validate a configuration and print it fully resolved, with units\n"
    "  params          list every configuration key: type, unit, default, range, meaning, source\n"
    "\n"
    "`dermis COMMAND --help` shows the options of a command. docs/configuration.md describes the\n"
    "configuration format.\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n";

/* What may follow `dermis`, for "did you mean" hints. */
static const char *const top_level_words[] = {"run", "check", "params", "--help", "--version", NULL};

void dermis_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dermis: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The word of known (NULL-terminated) nearest to word, if at most 3 edits away; else NULL. */
static const char *nearest_word(const char *word, const char *const *known)
{
    const char *best = NULL;
    size_t best_distance = 4;
    for (size_t i = 0; known[i] != NULL; i++) {
        size_t d = dermis_edit_distance(word, known[i]);
        if (d < best_distance) {
            best_distance = d;
            best = known[i];
        }
    }
    return best;
}

int dermis_cli_unknown_option(const char *command, const char *option, const char *const *known)
{
    const char *best = nearest_word(option, known);
    if (best != NULL)
        dermis_cli_error("%s: unknown option '%s' (did you mean %s?); see `dermis %s --help`", command, option, best,
                         command);
    else
        dermis_cli_error("%s: unknown option '%s'; see `dermis %s --help`", command, option, command);
    return DERMIS_EXIT_USAGE;
}

int dermis_cli_take_value(int argc, char **argv, int *i, const char *command, const char *long_name,
                          const char *short_name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(long_name);
    if (strncmp(arg, long_name, n) == 0 && arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (strcmp(arg, long_name) != 0 && (short_name == NULL || strcmp(arg, short_name) != 0))
        return 0;
    if (*i + 1 >= argc) {
        dermis_cli_error("%s: option %s needs a value; see `dermis %s --help`", command, arg, command);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int dermis_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        dermis_cli_error("missing command (run, check or params); see `dermis --help`");
        return DERMIS_EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 || strcmp(command, "help") == 0) {
        fputs(usage_text, stdout);
        return DERMIS_EXIT_OK;
    }
    if (strcmp(command, "--version") == 0 || strcmp(command, "version") == 0) {
        printf("dermis %s (git %s)\n", DERMIS_VERSION, DERMIS_GIT_COMMIT);
        return DERMIS_EXIT_OK;
    }
    if (strcmp(command, "run") == 0)
        return dermis_cmd_run(argc, argv);
    if (strcmp(command, "check") == 0)
        return dermis_cmd_check(argc, argv);
    if (strcmp(command, "params") == 0)
        return dermis_cmd_params(argc, argv);
    const char *best = nearest_word(command, top_level_words);
    if (best != NULL) {
        dermis_cli_error("unknown %s '%s' (did you mean %s?); see `dermis --help`",
                         command[0] == '-' ? "option" : "command", command, best);
        return DERMIS_EXIT_USAGE;
    }
    dermis_cli_error("unknown %s '%s'; see `dermis --help`", command[0] == '-' ? "option" : "command", command);
    return DERMIS_EXIT_USAGE;
}
