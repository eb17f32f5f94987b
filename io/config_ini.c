/* The resolved configuration as INI text (dermis_config_to_ini) and its hash.
 *
 * The text is what `dermis check --format ini` prints, what the output file stores as its
 * `config` attribute and what checkpoints are matched by. It is written so that both readers
 * take it identically: every key, one per line, sections in schema order, no inline comments,
 * numbers in their shortest exact form (reading the text back gives the same bits), lists as
 * "a, b, c", and each indexed section ([session.k]) only for the indices that were given. */
#include "io/config.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "io/config_internal.h"

/* A growing text buffer; on allocation failure it is freed and stays NULL. */
typedef struct {
    char *text;
    size_t length;
    size_t capacity;
} text_buffer;

static void append(text_buffer *b, const char *s)
{
    size_t n = strlen(s);
    if (b->text == NULL)
        return;
    if (b->length + n + 1 > b->capacity) {
        size_t capacity = 2 * (b->length + n + 1);
        char *grown = realloc(b->text, capacity);
        if (grown == NULL) {
            free(b->text);
            b->text = NULL;
            return;
        }
        b->text = grown;
        b->capacity = capacity;
    }
    memcpy(b->text + b->length, s, n + 1);
    b->length += n;
}

/* 1 if entry j's section pattern equals section (both as written in the schema, with '#'). */
static int in_section(const dermis_schema_entry *e, const char *section)
{
    char mine[DERMIS_CONFIG_LINE_MAX + 1];
    dermis_schema_section(e->key, mine, sizeof mine);
    return strcmp(mine, section) == 0;
}

/* 1 if an earlier entry already had this section pattern (so the section was written). */
static int section_written_before(size_t i, const char *section)
{
    for (size_t j = 0; j < i; j++)
        if (in_section(dermis_schema_at(j), section))
            return 1;
    return 0;
}

/* Writes "[section]" (index k substituted for '#') and every key of that section pattern. */
static void write_section(text_buffer *b, const dermis_config *cfg, size_t first, const char *pattern, size_t k)
{
    char value[8 * DERMIS_CONFIG_LINE_MAX], header[DERMIS_CONFIG_LINE_MAX + 4];
    const char *hash = strchr(pattern, '#');
    if (hash != NULL)
        snprintf(header, sizeof header, "\n[%.*s%zu%s]\n", (int)(hash - pattern), pattern, k, hash + 1);
    else
        snprintf(header, sizeof header, "\n[%s]\n", pattern);
    append(b, header);
    size_t n = dermis_schema_count();
    for (size_t i = first; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        if (!in_section(e, pattern))
            continue;
        dermis_config_format_value(cfg, e, k, value, sizeof value);
        /* An empty value is written as "name =" (configparser and libinih both read ""). */
        append(b, strrchr(e->key, '.') + 1);
        append(b, value[0] != '\0' ? " = " : " =");
        append(b, value);
        append(b, "\n");
    }
}

char *dermis_config_to_ini(const dermis_config *cfg)
{
    text_buffer b = {.text = malloc(4096), .capacity = 4096};
    char section[DERMIS_CONFIG_LINE_MAX + 1];
    if (b.text == NULL)
        return NULL;
    b.text[0] = '\0';
    append(&b, "# dermis resolved configuration: every key; `dermis params` documents them.\n");
    size_t n = dermis_schema_count();
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        dermis_schema_section(e->key, section, sizeof section);
        if (section_written_before(i, section))
            continue;
        int group = dermis_schema_index_group(e);
        if (strchr(section, '#') == NULL)
            write_section(&b, cfg, i, section, 0);
        for (size_t k = 1; group >= 0 && k <= e->index_max && k <= DERMIS_CONFIG_INDEX_MAX; k++)
            if (cfg->index_set[group][k - 1])
                write_section(&b, cfg, i, section, k);
    }
    return b.text;
}

unsigned long long dermis_config_hash(const dermis_config *cfg)
{
    /* FNV-1a, 64-bit: offset basis and prime from the reference definition. */
    unsigned long long hash = 0xcbf29ce484222325ULL;
    char *text = dermis_config_to_ini(cfg);
    if (text == NULL)
        return 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        hash ^= *p;
        hash *= 0x100000001b3ULL;
    }
    free(text);
    return hash;
}
