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

/* Called for every resolved key in output order: section is the concrete section ("session.2"),
 * name the key within it, value its INI text. */
typedef void (*resolved_visitor)(void *user, const char *section, const char *name, const char *value);

/* Visits every key of one section pattern (index k substituted for '#'). */
static void visit_section(const dermis_config *cfg, size_t first, const char *pattern, size_t k, resolved_visitor visit,
                          void *user)
{
    char value[8 * DERMIS_CONFIG_LINE_MAX], section[DERMIS_CONFIG_LINE_MAX + 4];
    const char *hash = strchr(pattern, '#');
    if (hash != NULL)
        snprintf(section, sizeof section, "%.*s%zu%s", (int)(hash - pattern), pattern, k, hash + 1);
    else
        snprintf(section, sizeof section, "%s", pattern);
    size_t n = dermis_schema_count();
    for (size_t i = first; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        if (!in_section(e, pattern))
            continue;
        dermis_config_format_value(cfg, e, k, value, sizeof value);
        visit(user, section, strrchr(e->key, '.') + 1, value);
    }
}

/* Visits every resolved key: sections in schema order, indexed sections only for the indices
 * that were given. */
static void visit_resolved(const dermis_config *cfg, resolved_visitor visit, void *user)
{
    char section[DERMIS_CONFIG_LINE_MAX + 1];
    size_t n = dermis_schema_count();
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        dermis_schema_section(e->key, section, sizeof section);
        if (section_written_before(i, section))
            continue;
        int group = dermis_schema_index_group(e);
        if (strchr(section, '#') == NULL)
            visit_section(cfg, i, section, 0, visit, user);
        for (size_t k = 1; group >= 0 && k <= e->index_max && k <= DERMIS_CONFIG_INDEX_MAX; k++)
            if (cfg->index_set[group][k - 1])
                visit_section(cfg, i, section, k, visit, user);
    }
}

/* The INI text: a "[section]" line before the first key of each section. */
typedef struct {
    text_buffer text;
    char section[DERMIS_CONFIG_LINE_MAX + 4];
} ini_writer;

static void write_ini_line(void *user, const char *section, const char *name, const char *value)
{
    ini_writer *w = user;
    if (strcmp(section, w->section) != 0) {
        snprintf(w->section, sizeof w->section, "%s", section);
        append(&w->text, "\n[");
        append(&w->text, section);
        append(&w->text, "]\n");
    }
    /* An empty value is written as "name =" (configparser and libinih both read ""). */
    append(&w->text, name);
    append(&w->text, value[0] != '\0' ? " = " : " =");
    append(&w->text, value);
    append(&w->text, "\n");
}

char *dermis_config_to_ini(const dermis_config *cfg)
{
    ini_writer w = {.text = {.text = malloc(4096), .capacity = 4096}, .section = ""};
    if (w.text.text == NULL)
        return NULL;
    w.text.text[0] = '\0';
    append(&w.text, "# dermis resolved configuration: every key; `dermis params` documents them.\n");
    visit_resolved(cfg, write_ini_line, &w);
    return w.text.text;
}

/* The key/value list: grows by doubling; on allocation failure `failed` is set. */
static void add_pair(void *user, const char *section, const char *name, const char *value)
{
    dermis_config_pairs *p = user;
    if (p->failed)
        return;
    if (p->n == p->capacity) {
        size_t capacity = p->capacity > 0 ? 2 * p->capacity : 256;
        char **keys = realloc(p->keys, capacity * sizeof *keys);
        if (keys != NULL)
            p->keys = keys;
        char **values = keys != NULL ? realloc(p->values, capacity * sizeof *values) : NULL;
        if (values != NULL)
            p->values = values;
        if (keys == NULL || values == NULL) {
            p->failed = 1;
            return;
        }
        p->capacity = capacity;
    }
    size_t key_len = strlen(section) + strlen(name) + 2, value_len = strlen(value) + 1;
    char *key = malloc(key_len), *copy = malloc(value_len);
    if (key == NULL || copy == NULL) {
        free(key);
        free(copy);
        p->failed = 1;
        return;
    }
    snprintf(key, key_len, "%s.%s", section, name);
    memcpy(copy, value, value_len);
    p->keys[p->n] = key;
    p->values[p->n++] = copy;
}

int dermis_config_pairs_build(const dermis_config *cfg, dermis_config_pairs *pairs)
{
    *pairs = (dermis_config_pairs){0};
    visit_resolved(cfg, add_pair, pairs);
    if (!pairs->failed)
        return 0;
    dermis_config_pairs_free(pairs);
    return -1;
}

void dermis_config_pairs_free(dermis_config_pairs *pairs)
{
    for (size_t i = 0; i < pairs->n; i++) {
        free(pairs->keys[i]);
        free(pairs->values[i]);
    }
    free(pairs->keys);
    free(pairs->values);
    *pairs = (dermis_config_pairs){0};
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
