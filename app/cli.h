/* The `dermis` command line: subcommand dispatch and the helpers the subcommands share.
 * Only app/ prints. Every error is one line "dermis: ..." on stderr; exit status 0 on success,
 * 1 for a runtime failure, 2 for a usage or configuration error. */
#ifndef DERMIS_APP_CLI_H
#define DERMIS_APP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "io/config.h"

#define DERMIS_EXIT_OK 0
#define DERMIS_EXIT_FAILURE 1
#define DERMIS_EXIT_USAGE 2

/* Runs the command line; returns the exit status. */
int dermis_cli_main(int argc, char **argv);

/* One option of a subcommand. The table of a command drives its parser, its usage text and
 * the "did you mean" of unknown options, so the three cannot disagree. */
typedef struct {
    const char *long_name;  /* "--output" */
    char short_name;        /* 'o', or 0 for none */
    const char *value_name; /* "OUT" for an option that takes a value, NULL for a flag */
    const char *help;       /* what it does; '\n' breaks the line in the usage */
} dermis_cli_option;

/* A subcommand: `dermis NAME SYNOPSIS`. options ends with an entry whose long_name is NULL. */
typedef struct {
    const char *name;
    const char *synopsis;    /* operands and options, e.g. "CONFIG [OPTION]..." */
    const char *operand;     /* its one operand, e.g. "CONFIG", or NULL if it takes none */
    const char *summary;     /* one line for `dermis --help` */
    const char *description; /* paragraph(s) for `dermis NAME --help` */
    const dermis_cli_option *options;
    int (*main)(int argc, char **argv);
} dermis_cli_command;

extern const dermis_cli_command dermis_cmd_run_spec;
extern const dermis_cli_command dermis_cmd_check_spec;
extern const dermis_cli_command dermis_cmd_params_spec;
extern const dermis_cli_command dermis_cmd_sweep_spec;

/* Prints "dermis: <message>" and a newline on stderr. */
void dermis_cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Writes the usage of a command (synopsis, description, options from its table) to stream. */
void dermis_cli_print_usage(const dermis_cli_command *cmd, FILE *stream);

/* Called by dermis_cli_parse for each option given (value NULL for a flag); returns 0, or an
 * exit status after printing the error. */
typedef int (*dermis_cli_on_option)(void *args, const dermis_cli_option *option, const char *value);

/* Status of dermis_cli_parse when --help was given and the usage printed. */
#define DERMIS_CLI_HELP_SHOWN (-1)

/* Parses argv[2..] of cmd as GNU tools do: "--name VALUE", "--name=VALUE", "-x VALUE", "-xVALUE",
 * flags, "--help"/"-h", and "--" ending the options (everything after it is an operand). The
 * one operand (cmd->operand) goes to *operand (left unchanged if none is given); a second one,
 * or any for a command without operand, is a usage error. Returns 0, DERMIS_CLI_HELP_SHOWN, or
 * an exit status after printing one error line. */
int dermis_cli_parse(const dermis_cli_command *cmd, int argc, char **argv, void *args, dermis_cli_on_option on_option,
                     const char **operand);

/* Usage error for a missing operand: prints "NAME: missing OPERAND; usage: ..." and returns
 * DERMIS_EXIT_USAGE. */
int dermis_cli_missing_operand(const dermis_cli_command *cmd);

/* The integer value of option o, from lo to hi: 0, or DERMIS_EXIT_USAGE after printing
 * "NAME: --option must be an integer from LO to HI (got 'TEXT')". */
int dermis_cli_parse_long(const dermis_cli_command *cmd, const dermis_cli_option *o, const char *text, long lo, long hi,
                          long *value);

/* A loaded configuration with its origin record. */
typedef struct {
    dermis_config *cfg;
    dermis_config_origin *origin;
} dermis_cli_config;

/* Defaults, then the file, then each "--set" assignment, then the finishing checks. Prints the
 * one-line error and returns 2 on failure; on success returns 0 and fills loaded (free it with
 * dermis_cli_config_free, also after a failure). */
int dermis_cli_load_config(const char *path, const char *const *sets, size_t n_sets, dermis_cli_config *loaded);
void dermis_cli_config_free(dermis_cli_config *loaded);

#endif
