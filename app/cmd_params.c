/* `dermis params [--format text|ini|markdown]`: every configuration key with its type, unit,
 * default, allowed values, meaning and source, straight from the schema. The markdown table is
 * the key reference of the docs; the ini form is a complete commented default configuration. */
#include "app/cli.h"

#include <stdio.h>
#include <string.h>

static const dermis_cli_option params_options[] = {
    {"--format", 0, "FORMAT",
     "text (default): for reading; markdown: the key table of the docs;\n"
     "ini: a runnable configuration like the shipped ones, every key\n"
     "documented in comments"},
    {NULL, 0, NULL, NULL},
};

static int params_main(int argc, char **argv);

const dermis_cli_command dermis_cmd_params_spec = {
    .name = "params",
    .synopsis = "[--format text|ini|markdown]",
    .summary = "list every configuration key: type, unit, default, range, meaning, source",
    .description = "Lists every configuration key with its type, unit, default, allowed values, meaning and\n"
                   "the source of its default.",
    .options = params_options,
    .main = params_main,
};

/* Comment lines of the ini form are wrapped to this width (INI lines must stay short). */
#define COMMENT_WIDTH 96

typedef enum { FORMAT_TEXT, FORMAT_INI, FORMAT_MARKDOWN } params_format;

/* The key as shown to people: "session.N.depth_mm" for "session.#.depth_mm". */
static void display_key(const char *key, char *buf, size_t len)
{
    const char *hash = strchr(key, '#');
    if (hash == NULL)
        snprintf(buf, len, "%s", key);
    else
        snprintf(buf, len, "%.*sN%s", (int)(hash - key), key, hash + 1);
}

static const char *default_words(const dermis_schema_entry *e)
{
    if (e->default_text != NULL)
        return e->default_text[0] != '\0' ? e->default_text : "(empty)";
    return e->required ? "(required)" : "(unset)";
}

static void print_text(void)
{
    char key[DERMIS_CONFIG_LINE_MAX + 1], range[256];
    size_t n = dermis_schema_count();
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        display_key(e->key, key, sizeof key);
        dermis_schema_describe_range(e, range, sizeof range);
        printf("%s (%s%s%s)\n", key, dermis_schema_type_name(e->type), e->unit[0] != '\0' ? ", unit " : "", e->unit);
        printf("    default: %s; allowed: %s\n", default_words(e), range);
        printf("    %s\n    source: %s\n\n", e->doc, e->source);
    }
}

/* Markdown table cell: '|' would end the cell, so it is escaped. */
static void print_cell(const char *text)
{
    fputs("| ", stdout);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '|')
            fputc('\\', stdout);
        fputc(*p, stdout);
    }
    fputc(' ', stdout);
}

static void print_markdown(void)
{
    char key[DERMIS_CONFIG_LINE_MAX + 3], range[256];
    size_t n = dermis_schema_count();
    puts("| key | type | unit | default | allowed | meaning | source |");
    puts("|---|---|---|---|---|---|---|");
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        char shown[DERMIS_CONFIG_LINE_MAX + 1];
        display_key(e->key, shown, sizeof shown);
        snprintf(key, sizeof key, "`%s`", shown);
        dermis_schema_describe_range(e, range, sizeof range);
        print_cell(key);
        print_cell(dermis_schema_type_name(e->type));
        print_cell(e->unit);
        print_cell(default_words(e));
        print_cell(range);
        print_cell(e->doc);
        print_cell(e->source);
        puts("|");
    }
}

/* Writes text as "# " comment lines of at most COMMENT_WIDTH characters, broken at spaces;
 * prefix starts each line after the "#" (e.g. "# " or "#   "). */
static void print_comment(const char *prefix, const char *text)
{
    const char *p = text;
    while (*p != '\0') {
        size_t room = COMMENT_WIDTH - strlen(prefix), take = strlen(p);
        if (take > room) {
            take = room;
            while (take > 0 && p[take] != ' ')
                take--;
            if (take == 0)
                take = room; /* one long word: cut it */
        }
        printf("%s%.*s\n", prefix, (int)take, p);
        p += take;
        while (*p == ' ')
            p++;
    }
}

static void print_ini_key(const dermis_schema_entry *e, int template_only)
{
    char range[256], details[512];
    const char *name = strrchr(e->key, '.') + 1;
    dermis_schema_describe_range(e, range, sizeof range);
    snprintf(details, sizeof details, "%s%s%s; allowed: %s; source: %s", dermis_schema_type_name(e->type),
             e->unit[0] != '\0' ? ", unit " : "", e->unit, range, e->source);
    print_comment("# ", e->doc);
    print_comment("#   ", details);
    const char *value = e->example != NULL ? e->example : e->default_text != NULL ? e->default_text : "";
    if (e->example != NULL && e->required)
        printf("# REQUIRED, no default; this file uses a shipped value:\n");
    else if (e->example != NULL)
        printf("# default %s; this file uses a shipped value:\n", default_words(e));
    if (template_only)
        printf("# %s = %s\n", name, value);
    else
        printf("%s =%s%s\n", name, value[0] != '\0' ? " " : "", value);
}

/* 1 if an entry before position i has the same section (so the section was printed). */
static int section_printed_before(size_t i, const char *section)
{
    char other[DERMIS_CONFIG_LINE_MAX + 1];
    for (size_t j = 0; j < i; j++) {
        dermis_schema_section(dermis_schema_at(j)->key, other, sizeof other);
        if (strcmp(other, section) == 0)
            return 1;
    }
    return 0;
}

static void print_ini_section(size_t first, const char *section)
{
    char shown[DERMIS_CONFIG_LINE_MAX + 1], other[DERMIS_CONFIG_LINE_MAX + 1];
    const dermis_schema_entry *head = dermis_schema_at(first);
    int indexed = strchr(section, '#') != NULL;
    display_key(section, shown, sizeof shown);
    if (indexed)
        printf("\n# [%s]   (N = 1 to %zu; a section given declares entry N)\n", shown, head->index_max);
    else
        printf("\n[%s]\n", shown);
    size_t n = dermis_schema_count();
    for (size_t i = first; i < n; i++) {
        dermis_schema_section(dermis_schema_at(i)->key, other, sizeof other);
        if (strcmp(other, section) == 0)
            print_ini_key(dermis_schema_at(i), indexed);
    }
}

static void print_ini(void)
{
    char section[DERMIS_CONFIG_LINE_MAX + 1];
    puts("# dermis configuration written by `dermis params --format ini`. It runs as it is, like");
    puts("# configs/default.ini: three sessions four weeks apart on a 2-D section at 40 um voxels.");
    puts("# Every key has its default unless a comment says otherwise. Comments must be on their own");
    puts("# lines: no comment after a value.");
    puts("# Indexed sections ([session.1], [session.2], ...) are shown as commented templates.");
    size_t n = dermis_schema_count();
    for (size_t i = 0; i < n; i++) {
        dermis_schema_section(dermis_schema_at(i)->key, section, sizeof section);
        if (!section_printed_before(i, section))
            print_ini_section(i, section);
    }
}

static int on_params_option(void *user, const dermis_cli_option *option, const char *value)
{
    params_format *format = user;
    (void)option;
    if (strcmp(value, "text") == 0)
        *format = FORMAT_TEXT;
    else if (strcmp(value, "ini") == 0)
        *format = FORMAT_INI;
    else if (strcmp(value, "markdown") == 0)
        *format = FORMAT_MARKDOWN;
    else {
        dermis_cli_error("params: --format must be text, ini or markdown (got '%s')", value);
        return DERMIS_EXIT_USAGE;
    }
    return 0;
}

static int params_main(int argc, char **argv)
{
    params_format format = FORMAT_TEXT;
    int rc = dermis_cli_parse(&dermis_cmd_params_spec, argc, argv, &format, on_params_option, NULL);
    if (rc != 0)
        return rc == DERMIS_CLI_HELP_SHOWN ? DERMIS_EXIT_OK : rc;
    if (format == FORMAT_MARKDOWN)
        print_markdown();
    else if (format == FORMAT_INI)
        print_ini();
    else
        print_text();
    return DERMIS_EXIT_OK;
}
