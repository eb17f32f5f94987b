/* `dermis check CONFIG [--set section.key=value]... [--format text|ini]`: validates a
 * configuration and prints it fully resolved: each key with its value, unit and origin (text),
 * or as the INI text a run records (ini). */
#include "app/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "Usage: dermis check CONFIG [--set section.key=value]... [--format text|ini]\n"
    "\n"
    "Validates CONFIG (and the overrides) exactly as `dermis run` would and prints the resolved\n"
    "configuration: every key with its value, unit and where the value came from (default,\n"
    "FILE:LINE or --set). --format ini prints it as INI text instead, as stored in the output.\n";

static const char *const check_options[] = {"--set", "--format", "--help", NULL};

/* Longest value shown in its own column; longer values (lists) just push the row wider. */
#define VALUE_COLUMN_MAX 24

typedef struct {
    const char *config_path;
    const char **sets;
    size_t n_sets;
    int as_ini;
} check_args;

static int parse_check_args(int argc, char **argv, check_args *a)
{
    for (int i = 2; i < argc; i++) {
        const char *value = NULL;
        int took = dermis_cli_take_value(argc, argv, &i, "check", "--set", NULL, &value);
        if (took == 1) {
            a->sets[a->n_sets++] = value;
            continue;
        }
        if (took == 0)
            took = dermis_cli_take_value(argc, argv, &i, "check", "--format", NULL, &value);
        if (took < 0)
            return DERMIS_EXIT_USAGE;
        if (took == 1 && strcmp(value, "text") != 0 && strcmp(value, "ini") != 0) {
            dermis_cli_error("check: --format must be text or ini (got '%s')", value);
            return DERMIS_EXIT_USAGE;
        }
        if (took == 1) {
            a->as_ini = strcmp(value, "ini") == 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return dermis_cli_unknown_option("check", argv[i], check_options);
        } else if (a->config_path != NULL) {
            dermis_cli_error("check: more than one CONFIG ('%s' and '%s'); see `dermis check --help`",
                             a->config_path, argv[i]);
            return DERMIS_EXIT_USAGE;
        } else {
            a->config_path = argv[i];
        }
    }
    if (a->config_path == NULL) {
        dermis_cli_error("check: missing CONFIG; usage: dermis check CONFIG [--set section.key=value]...");
        return DERMIS_EXIT_USAGE;
    }
    return DERMIS_EXIT_OK;
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

static void print_resolved(const dermis_cli_config *c, const char *path)
{
    int key_width = (int)max_key_width();
    printf("# %s: valid; config hash %016llx\n", path, dermis_config_hash(c->cfg));
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

int dermis_cmd_check(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(check_usage, stdout);
            return DERMIS_EXIT_OK;
        }
    }
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
    return rc;
}
