/* libFuzzer target for the configuration reader (io/config.c): arbitrary bytes as an INI file
 * and, line by line, as --set assignments. Besides crashes and sanitizer reports it checks one
 * property: a file that passes every check round-trips exactly through dermis_config_to_ini. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads text into a fresh config; returns the status of read + finish. */
static int read_config(dermis_config *cfg, const char *name, const char *text)
{
    char err[DERMIS_CONFIG_ERROR_MAX];
    dermis_config_origin *origin = dermis_config_origin_alloc();
    if (origin == NULL)
        abort();
    dermis_config_defaults(cfg);
    int rc = dermis_config_read_string(cfg, origin, name, text, err);
    if (rc == 0)
        rc = dermis_config_finish(cfg, origin, err);
    if (rc != 0 && (strlen(err) == 0 || strchr(err, '\n') != NULL))
        abort(); /* every failure must explain itself in exactly one line */
    dermis_config_origin_free(origin);
    return rc;
}

static void check_round_trip(const dermis_config *cfg)
{
    char *text = dermis_config_to_ini(cfg);
    dermis_config *again = malloc(sizeof *again);
    if (text == NULL || again == NULL)
        abort();
    if (read_config(again, "resolved.ini", text) != 0)
        abort();
    memcpy(again->source_file, cfg->source_file, sizeof again->source_file);
    if (memcmp(again, cfg, sizeof *cfg) != 0)
        abort();
    free(again);
    free(text);
}

static void apply_lines_as_overrides(const char *text)
{
    char err[DERMIS_CONFIG_ERROR_MAX];
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_config_origin *origin = dermis_config_origin_alloc();
    char *copy = strdup(text);
    if (cfg == NULL || origin == NULL || copy == NULL)
        abort();
    dermis_config_defaults(cfg);
    for (char *line = copy, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        dermis_config_apply_override(cfg, origin, line, err);
    }
    dermis_config_finish(cfg, origin, err);
    free(copy);
    dermis_config_origin_free(origin);
    free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    dermis_config *cfg = malloc(sizeof *cfg);
    if (text == NULL || cfg == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (read_config(cfg, "fuzz.ini", text) == 0)
        check_round_trip(cfg);
    apply_lines_as_overrides(text);
    free(cfg);
    free(text);
    return 0;
}
