/* The `dermis` command line: the table of subcommands, --help, --version, `dermis help CMD`, and
 * the option parser and usage printer every subcommand shares (see cli.h). */
#include "app/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

/* The subcommands, in the order `dermis --help` lists them. */
static const dermis_cli_command *const commands[] = {&dermis_cmd_run_spec, &dermis_cmd_check_spec,
                                                     &dermis_cmd_params_spec, &dermis_cmd_sweep_spec, NULL};

/* Width of the option column in a command's usage. */
#define OPTION_COLUMN 22
/* Most options of one command (for the "did you mean" list). */
#define OPTIONS_MAX 32

void dermis_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dermis: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void print_top_usage(FILE *stream)
{
    fputs("Usage: dermis COMMAND [ARGS...]\n"
          "       dermis help [COMMAND] | --help | --version\n"
          "\n"
          "Simulates skin repair after microneedling (reaction-diffusion-chemotaxis model).\n"
          "\n"
          "Commands:\n",
          stream);
    for (size_t i = 0; commands[i] != NULL; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", commands[i]->name,
                 strncmp(commands[i]->synopsis, "CONFIG", 6) == 0 ? "CONFIG" : "");
        fprintf(stream, "  %-14s  %s\n", head, commands[i]->summary);
    }
    fputs("\n`dermis help COMMAND` (or `dermis COMMAND --help`) shows the options of a command.\n"
          "docs/configuration.md describes the configuration format.\n"
          "\n"
          "Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n",
          stream);
}

void dermis_cli_print_usage(const dermis_cli_command *cmd, FILE *stream)
{
    fprintf(stream, "Usage: dermis %s %s\n\n%s\n\nOptions:\n", cmd->name, cmd->synopsis, cmd->description);
    for (const dermis_cli_option *o = cmd->options; o->long_name != NULL; o++) {
        char head[64];
        int n = o->short_name != 0 ? snprintf(head, sizeof head, "  -%c, %s", o->short_name, o->long_name)
                                   : snprintf(head, sizeof head, "  %s", o->long_name);
        if (o->value_name != NULL && n > 0 && (size_t)n < sizeof head)
            snprintf(head + n, sizeof head - (size_t)n, " %s", o->value_name);
        fprintf(stream, "%-*s", OPTION_COLUMN, head);
        if (strlen(head) >= OPTION_COLUMN)
            fprintf(stream, "\n%-*s", OPTION_COLUMN, "");
        for (const char *p = o->help; *p != '\0'; p++) {
            fputc(*p, stream);
            if (*p == '\n')
                fprintf(stream, "%-*s", OPTION_COLUMN, "");
        }
        fputc('\n', stream);
    }
    fprintf(stream, "%-*s%s\n", OPTION_COLUMN, "  -h, --help", "show this help and exit");
}

/* Usage error for an unknown option: names the nearest option of the table. */
static int unknown_option(const dermis_cli_command *cmd, const char *option)
{
    const char *names[OPTIONS_MAX + 2];
    size_t n = 0;
    for (const dermis_cli_option *o = cmd->options; o->long_name != NULL && n < OPTIONS_MAX; o++)
        names[n++] = o->long_name;
    names[n++] = "--help";
    names[n] = NULL;
    char hint[128];
    dermis_did_you_mean(option, names, hint, sizeof hint);
    dermis_cli_error("%s: unknown option '%s'%s; see `dermis %s --help`", cmd->name, option, hint, cmd->name);
    return DERMIS_EXIT_USAGE;
}

/* The option of the table that arg names ("--name", "--name=...", "-x", "-xVALUE"); sets
 * *inline_value to the text after '=' or after the short letter, or NULL. */
static const dermis_cli_option *match_option(const dermis_cli_command *cmd, const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (const dermis_cli_option *o = cmd->options; o->long_name != NULL; o++) {
        size_t n = strlen(o->long_name);
        if (strncmp(arg, o->long_name, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
            *inline_value = arg[n] == '=' ? arg + n + 1 : NULL;
            return o;
        }
        if (o->short_name != 0 && arg[0] == '-' && arg[1] == o->short_name) {
            *inline_value = arg[2] != '\0' ? arg + 2 : NULL;
            return o;
        }
    }
    return NULL;
}

/* Handles the option at argv[*i]; advances *i past a separate value. */
static int take_option(const dermis_cli_command *cmd, int argc, char **argv, int *i, void *args,
                       dermis_cli_on_option on_option)
{
    const char *arg = argv[*i], *value = NULL;
    const dermis_cli_option *o = match_option(cmd, arg, &value);
    if (o == NULL)
        return unknown_option(cmd, arg);
    if (o->value_name == NULL && value != NULL) {
        dermis_cli_error("%s: option %s takes no value; see `dermis %s --help`", cmd->name, o->long_name, cmd->name);
        return DERMIS_EXIT_USAGE;
    }
    if (o->value_name != NULL && value == NULL) {
        if (*i + 1 >= argc) {
            dermis_cli_error("%s: option %s needs a value; see `dermis %s --help`", cmd->name, arg, cmd->name);
            return DERMIS_EXIT_USAGE;
        }
        value = argv[++*i];
    }
    return on_option(args, o, value);
}

/* Takes an operand of cmd into *operand. */
static int take_operand(const dermis_cli_command *cmd, const char *arg, const char **operand)
{
    if (cmd->operand == NULL) {
        dermis_cli_error("%s: unexpected argument '%s'; see `dermis %s --help`", cmd->name, arg, cmd->name);
        return DERMIS_EXIT_USAGE;
    }
    if (*operand != NULL) {
        dermis_cli_error("%s: more than one %s ('%s' and '%s'); see `dermis %s --help`", cmd->name, cmd->operand,
                         *operand, arg, cmd->name);
        return DERMIS_EXIT_USAGE;
    }
    *operand = arg;
    return 0;
}

int dermis_cli_parse(const dermis_cli_command *cmd, int argc, char **argv, void *args, dermis_cli_on_option on_option,
                     const char **operand)
{
    int options_done = 0;
    /* --help wins over any error in the other arguments. */
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            dermis_cli_print_usage(cmd, stdout);
            return DERMIS_CLI_HELP_SHOWN;
        }
    }
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        int rc;
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && arg[0] == '-' && arg[1] != '\0')
            rc = take_option(cmd, argc, argv, &i, args, on_option);
        else
            rc = take_operand(cmd, arg, operand);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int dermis_cli_missing_operand(const dermis_cli_command *cmd)
{
    dermis_cli_error("%s: missing %s; usage: dermis %s %s", cmd->name, cmd->operand, cmd->name, cmd->synopsis);
    return DERMIS_EXIT_USAGE;
}

int dermis_cli_parse_long(const dermis_cli_command *cmd, const dermis_cli_option *o, const char *text, long lo, long hi,
                          long *value)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
        dermis_cli_error("%s: %s must be an integer from %ld to %ld (got '%s')", cmd->name, o->long_name, lo, hi, text);
        return DERMIS_EXIT_USAGE;
    }
    *value = v;
    return 0;
}

static const dermis_cli_command *find_command(const char *name)
{
    for (size_t i = 0; commands[i] != NULL; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* Usage error for an unknown command or top-level option, with the nearest known word. */
static int unknown_word(const char *word)
{
    const char *known[8] = {"help", "--help", "--version"};
    size_t n = 3;
    for (size_t i = 0; commands[i] != NULL && n + 1 < sizeof known / sizeof known[0]; i++)
        known[n++] = commands[i]->name;
    known[n] = NULL;
    char hint[128];
    dermis_did_you_mean(word, known, hint, sizeof hint);
    dermis_cli_error("unknown %s '%s'%s; see `dermis --help`", word[0] == '-' ? "option" : "command", word, hint);
    return DERMIS_EXIT_USAGE;
}

/* `dermis help [COMMAND]`. */
static int help_command(int argc, char **argv)
{
    if (argc < 3) {
        print_top_usage(stdout);
        return DERMIS_EXIT_OK;
    }
    if (argc > 3) {
        dermis_cli_error("help: give one command; see `dermis --help`");
        return DERMIS_EXIT_USAGE;
    }
    const dermis_cli_command *cmd = find_command(argv[2]);
    if (cmd == NULL)
        return unknown_word(argv[2]);
    dermis_cli_print_usage(cmd, stdout);
    return DERMIS_EXIT_OK;
}

int dermis_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        dermis_cli_error("missing command (run, check or params); see `dermis --help`");
        return DERMIS_EXIT_USAGE;
    }
    const char *word = argv[1];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
        print_top_usage(stdout);
        return DERMIS_EXIT_OK;
    }
    if (strcmp(word, "help") == 0)
        return help_command(argc, argv);
    if (strcmp(word, "--version") == 0 || strcmp(word, "version") == 0) {
        printf("dermis %s (git %s)\n", DERMIS_VERSION, DERMIS_GIT_COMMIT);
        return DERMIS_EXIT_OK;
    }
    const dermis_cli_command *cmd = find_command(word);
    return cmd != NULL ? cmd->main(argc, argv) : unknown_word(word);
}
