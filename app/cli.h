/* The `dermis` command line: subcommand dispatch and the helpers the subcommands share.
 * Only app/ prints. Every error is one line "dermis: ..." on stderr; exit status 0 on success,
 * 1 for a runtime failure, 2 for a usage or configuration error. */
#ifndef DERMIS_APP_CLI_H
#define DERMIS_APP_CLI_H

#include <stddef.h>

#include "io/config.h"

#define DERMIS_EXIT_OK 0
#define DERMIS_EXIT_FAILURE 1
#define DERMIS_EXIT_USAGE 2

/* Runs the command line; returns the exit status. */
int dermis_cli_main(int argc, char **argv);

/* Subcommands get main's argc and argv: argv[1] is the subcommand, its arguments follow. */
int dermis_cmd_run(int argc, char **argv);
int dermis_cmd_check(int argc, char **argv);
int dermis_cmd_params(int argc, char **argv);

/* Prints "dermis: <message>" and a newline on stderr. */
void dermis_cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Usage error for an unknown option of a command: names the nearest known option. Returns 2. */
int dermis_cli_unknown_option(const char *command, const char *option, const char *const *known);

/* Matches argv[*i] against an option that takes a value, written "--name VALUE", "--name=VALUE"
 * or (if short_name is not NULL) "-x VALUE". Returns 1 and sets *value (advancing *i past a
 * separate value), 0 if argv[*i] is another option, or -1 after printing a usage error when
 * the value is missing. */
int dermis_cli_take_value(int argc, char **argv, int *i, const char *command, const char *long_name,
                          const char *short_name, const char **value);

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
