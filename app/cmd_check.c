/* `dermis check CONFIG [--set section.key=value]... [--format text|ini]`: validates a
 * configuration and prints it fully resolved: each key with its value, unit and origin (text),
 * or as the INI text a run records (ini). */
#include "app/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const dermis_cli_option check_options[] = {
    {"--set", 0, "KEY=VALUE",
     "override one configuration key, e.g. --set run.t_end_days=28;\n"
     "repeatable; checked like a line of CONFIG"},
    {"--format", 0, "FORMAT",
     "text (default): every key with value, unit and origin;\n"
     "ini: the resolved configuration as stored in the output"},
    {NULL, 0, NULL, NULL},
};

static int check_main(int argc, char **argv);

const dermis_cli_command dermis_cmd_check_spec = {
    .name = "check",
    .synopsis = "CONFIG [OPTION]...",
    .operand = "CONFIG",
    .summary = "validate a configuration and print it fully resolved, with units",
    .description = "Validates CONFIG (and the overrides) exactly as `dermis run` would, the model's set-up\n"
                   "included, and prints the resolved configuration: every key with its value, unit and\n"
                   "where the value came from (default, FILE:LINE or --set), after a header with the\n"
                   "estimated memory and run time. Nothing is written.",
    .options = check_options,
    .main = check_main,
};

/* Longest value shown in its own column; longer values (lists) just push the row wider. */
#define VALUE_COLUMN_MAX 24

typedef struct {
    const char *config_path;
    const char **sets;
    size_t n_sets;
    int as_ini;
} check_args;

static int on_check_option(void *user, const dermis_cli_option *option, const char *value)
{
    check_args *a = user;
    if (option == &check_options[0]) {
        a->sets[a->n_sets++] = value;
        return 0;
    }
    if (strcmp(value, "text") != 0 && strcmp(value, "ini") != 0) {
        dermis_cli_error("check: --format must be text or ini (got '%s')", value);
        return DERMIS_EXIT_USAGE;
    }
    a->as_ini = strcmp(value, "ini") == 0;
    return 0;
}

static int parse_check_args(int argc, char **argv, check_args *a)
{
    int rc = dermis_cli_parse(&dermis_cmd_check_spec, argc, argv, a, on_check_option, &a->config_path);
    if (rc != 0)
        return rc;
    return a->config_path == NULL ? dermis_cli_missing_operand(&dermis_cmd_check_spec) : DERMIS_EXIT_OK;
}

static size_t max_key_width(void)
{
    size_t width = 0, n = dermis_schema_count();
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(dermis_schema_at(i)->key);
        /* An index can be longer than the '#' it replaces. */
        w += strchr(dermis_schema_at(i)->key, '#') != NULL ? 2 : 0;
        width = w > width ? w : width;
    }
    return width;
}

static void print_row(const dermis_cli_config *c, const dermis_schema_entry *e, size_t index, int key_width)
{
    char key[DERMIS_CONFIG_LINE_MAX + 1], value[8 * DERMIS_CONFIG_LINE_MAX], from[2 * DERMIS_CONFIG_LINE_MAX];
    const char *hash = strchr(e->key, '#');
    if (hash != NULL)
        snprintf(key, sizeof key, "%.*s%zu%s", (int)(hash - e->key), e->key, index, hash + 1);
    else
        snprintf(key, sizeof key, "%s", e->key);
    dermis_config_format_value(c->cfg, e, index, value, sizeof value);
    dermis_config_origin_describe(c->origin, key, from, sizeof from);
    printf("%-*s  %-*s  %-8s  %s\n", key_width, key, VALUE_COLUMN_MAX, value[0] != '\0' ? value : "(unset)",
           e->unit[0] != '\0' ? e->unit : "-", from);
}

/* "1.2 GB", "35 MB", "950 kB". */
static void format_bytes(double bytes, char *buf, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    size_t u = 0;
    while (bytes >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1000;
        u++;
    }
    snprintf(buf, len, "%.3g %s", bytes, units[u]);
}

/* An order of magnitude of a duration: "~10 s", "~3 min", "~2 h", "~5 days". */
static void format_duration(double seconds, char *buf, size_t len)
{
    if (seconds < 60)
        snprintf(buf, len, "~%.1g s", seconds < 0.1 ? 0.1 : seconds);
    else if (seconds < 3600)
        snprintf(buf, len, "~%.1g min", seconds / 60);
    else if (seconds < 86400)
        snprintf(buf, len, "~%.1g h", seconds / 3600);
    else
        snprintf(buf, len, "~%.2g days", seconds / 86400);
}

static void print_resolved(const dermis_cli_config *c, const char *path)
{
    int key_width = (int)max_key_width();
    dermis_run_estimate est;
    char memory[32], time[32];
    dermis_config_estimate(c->cfg, &est);
    format_bytes(est.bytes, memory, sizeof memory);
    format_duration(est.seconds, time, sizeof time);
    printf("# %s: valid; config hash %016llx\n", path, dermis_config_hash(c->cfg));
    printf("# %.0f voxels; memory ~%s; run time %s on one core (order of magnitude, %.2g solver steps)\n", est.voxels,
           memory, time, est.steps);
    printf("%-*s  %-*s  %-8s  %s\n", key_width, "# key", VALUE_COLUMN_MAX, "value", "unit", "from");
    size_t n = dermis_schema_count();
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        int group = dermis_schema_index_group(e);
        if (group < 0) {
            print_row(c, e, 0, key_width);
            continue;
        }
        for (size_t k = 1; k <= e->index_max && k <= DERMIS_CONFIG_INDEX_MAX; k++)
            if (c->cfg->index_set[group][k - 1])
                print_row(c, e, k, key_width);
    }
}

static int print_ini(const dermis_cli_config *c)
{
    char *text = dermis_config_to_ini(c->cfg);
    if (text == NULL) {
        dermis_cli_error("out of memory");
        return DERMIS_EXIT_FAILURE;
    }
    fputs(text, stdout);
    free(text);
    return DERMIS_EXIT_OK;
}

static int check_main(int argc, char **argv)
{
    check_args a = {.sets = calloc((size_t)argc, sizeof(char *))};
    if (a.sets == NULL) {
        dermis_cli_error("out of memory");
        return DERMIS_EXIT_FAILURE;
    }
    dermis_cli_config c = {0};
    int rc = parse_check_args(argc, argv, &a);
    if (rc == 0)
        rc = dermis_cli_load_config(a.config_path, a.sets, a.n_sets, &c);
    if (rc == 0 && a.as_ini)
        rc = print_ini(&c);
    else if (rc == 0)
        print_resolved(&c, a.config_path);
    dermis_cli_config_free(&c);
    free(a.sets);
    return rc == DERMIS_CLI_HELP_SHOWN ? DERMIS_EXIT_OK : rc;
}
