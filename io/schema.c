/* The joined configuration schema: lookup of concrete keys (with session indices), "did you
 * mean" suggestions and the words `dermis params` uses for types and ranges. The tables are
 * plain data in schema_core.c, schema_model.c and schema_protocol.c; this file only reads them. */
#include "io/schema.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/config.h"

/* Longest key compared by the edit distance; longer keys are compared on this prefix only. */
#define SUGGEST_KEY_MAX 128
/* Largest index accepted in a key: keeps the parse free of overflow. */
#define INDEX_DIGITS_MAX 6

size_t dermis_schema_count(void)
{
    return dermis_schema_core_count + dermis_schema_model_count + dermis_schema_protocol_count;
}

const dermis_schema_entry *dermis_schema_at(size_t i)
{
    if (i < dermis_schema_core_count)
        return &dermis_schema_core[i];
    i -= dermis_schema_core_count;
    if (i < dermis_schema_model_count)
        return &dermis_schema_model[i];
    i -= dermis_schema_model_count;
    if (i < dermis_schema_protocol_count)
        return &dermis_schema_protocol[i];
    return NULL;
}

size_t dermis_schema_position(const dermis_schema_entry *e)
{
    size_t n = dermis_schema_count();
    for (size_t i = 0; i < n; i++)
        if (dermis_schema_at(i) == e)
            return i;
    return n;
}

/* Reads a canonical index (digits, no leading zero) at *text; advances *text past it. */
static int read_index(const char **text, size_t *index)
{
    const char *p = *text;
    if (*p < '1' || *p > '9')
        return 0;
    size_t value = 0, digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (++digits > INDEX_DIGITS_MAX)
            return 0;
        value = value * 10 + (size_t)(*p - '0');
        p++;
    }
    *text = p;
    *index = value;
    return 1;
}

/* Matches a concrete key against a pattern in which '#' stands for an index >= 1. */
static int match_pattern(const char *pattern, const char *key, size_t *index)
{
    *index = 0;
    while (*pattern != '\0' && *key != '\0') {
        if (*pattern == '#') {
            if (!read_index(&key, index))
                return 0;
            pattern++;
            continue;
        }
        if (*pattern != *key)
            return 0;
        pattern++;
        key++;
    }
    return *pattern == '\0' && *key == '\0';
}

const dermis_schema_entry *dermis_schema_find_unbounded(const char *key, size_t *index)
{
    size_t n = dermis_schema_count();
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        if (e->key != NULL && match_pattern(e->key, key, index))
            return e;
    }
    *index = 0;
    return NULL;
}

const dermis_schema_entry *dermis_schema_find(const char *key, size_t *index)
{
    const dermis_schema_entry *e = dermis_schema_find_unbounded(key, index);
    if (e != NULL && *index > 0 && *index > e->index_max) {
        *index = 0;
        return NULL;
    }
    return e;
}

void dermis_schema_section(const char *key, char *buf, size_t len)
{
    const char *dot = strrchr(key, '.');
    size_t n = dot != NULL ? (size_t)(dot - key) : 0;
    snprintf(buf, len, "%.*s", (int)n, key);
}

int dermis_schema_section_exists(const char *section)
{
    char pattern_section[SUGGEST_KEY_MAX];
    size_t n = dermis_schema_count(), index;
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        if (e->key == NULL)
            continue;
        dermis_schema_section(e->key, pattern_section, sizeof pattern_section);
        if (match_pattern(pattern_section, section, &index) && (index == 0 || index <= e->index_max))
            return 1;
    }
    return 0;
}

int dermis_schema_index_group(const dermis_schema_entry *e)
{
    if (e->key == NULL || strchr(e->key, '#') == NULL)
        return -1;
    char mine[SUGGEST_KEY_MAX], other[SUGGEST_KEY_MAX];
    char seen[DERMIS_CONFIG_INDEX_GROUPS_MAX][SUGGEST_KEY_MAX];
    size_t n_seen = 0, n = dermis_schema_count();
    dermis_schema_section(e->key, mine, sizeof mine);
    /* Groups are numbered by the first appearance of each distinct indexed section pattern. */
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *f = dermis_schema_at(i);
        if (f->key == NULL || strchr(f->key, '#') == NULL)
            continue;
        dermis_schema_section(f->key, other, sizeof other);
        size_t g = 0;
        while (g < n_seen && strcmp(seen[g], other) != 0)
            g++;
        if (g == n_seen) {
            if (n_seen == DERMIS_CONFIG_INDEX_GROUPS_MAX)
                return -1;
            snprintf(seen[n_seen++], SUGGEST_KEY_MAX, "%s", other);
        }
        if (strcmp(mine, other) == 0)
            return (int)g;
    }
    return -1;
}

/* Levenshtein distance of two short strings (prefixes of SUGGEST_KEY_MAX-1 characters). */
size_t dermis_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= SUGGEST_KEY_MAX)
        la = SUGGEST_KEY_MAX - 1;
    if (lb >= SUGGEST_KEY_MAX)
        lb = SUGGEST_KEY_MAX - 1;
    size_t prev[SUGGEST_KEY_MAX], cur[SUGGEST_KEY_MAX];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t substitute = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t remove = prev[j] + 1, insert = cur[j - 1] + 1;
            size_t best = substitute < remove ? substitute : remove;
            cur[j] = best < insert ? best : insert;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

int dermis_is_near_miss(const char *word, size_t distance)
{
    size_t close_enough = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;
    return distance > 0 && distance <= close_enough;
}

int dermis_nearest_offer(dermis_nearest *n, const char *candidate)
{
    size_t d = dermis_edit_distance(n->word, candidate);
    if (d >= n->distance)
        return 0;
    n->distance = d;
    return 1;
}

int dermis_did_you_mean(const char *word, const char *const *candidates, char *hint, size_t len)
{
    dermis_nearest nearest = {word, SIZE_MAX};
    const char *best = NULL;
    for (size_t i = 0; candidates[i] != NULL; i++)
        if (dermis_nearest_offer(&nearest, candidates[i]))
            best = candidates[i];
    if (best == NULL || !dermis_is_near_miss(word, nearest.distance)) {
        snprintf(hint, len, "%s", "");
        return 0;
    }
    snprintf(hint, len, " (did you mean %s?)", best);
    return 1;
}

/* The pattern with '#' replaced by the first index-like number in key (else 1), so that
 * "session.2.dpeth_mm" is compared with "session.2.depth_mm". */
static void concrete_candidate(const char *pattern, const char *key, char *buf, size_t len)
{
    const char *hash = strchr(pattern, '#');
    if (hash == NULL) {
        snprintf(buf, len, "%s", pattern);
        return;
    }
    char digits[INDEX_DIGITS_MAX + 1] = "1";
    for (const char *p = key; *p != '\0'; p++) {
        const char *q = p;
        size_t index;
        if ((p == key || p[-1] == '.') && read_index(&q, &index) && (*q == '.' || *q == '\0')) {
            snprintf(digits, sizeof digits, "%zu", index);
            break;
        }
    }
    snprintf(buf, len, "%.*s%s%s", (int)(hash - pattern), pattern, digits, hash + 1);
}

size_t dermis_schema_suggest(const char *key, char *buf, size_t len)
{
    dermis_nearest nearest = {key, SIZE_MAX};
    size_t n = dermis_schema_count();
    char candidate[SUGGEST_KEY_MAX];
    if (len > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        if (e->key == NULL)
            continue;
        concrete_candidate(e->key, key, candidate, sizeof candidate);
        if (dermis_nearest_offer(&nearest, candidate))
            snprintf(buf, len, "%s", candidate);
    }
    return nearest.distance;
}

const char *dermis_schema_type_name(dermis_value_type type)
{
    switch (type) {
    case DERMIS_TYPE_NUMBER: return "number";
    case DERMIS_TYPE_INTEGER: return "integer";
    case DERMIS_TYPE_BOOLEAN: return "boolean";
    case DERMIS_TYPE_STRING: return "string";
    case DERMIS_TYPE_ENUM: return "enum";
    case DERMIS_TYPE_LIST: return "list";
    }
    return "unknown";
}

/* Bounds of a NUMBER, INTEGER or LIST element in words; "any" if unbounded. */
static void describe_bounds(const dermis_schema_entry *e, char *buf, size_t len)
{
    char lo[40], hi[40];
    /* A table entry that leaves both bounds out (0, 0) means "no bounds". */
    int unbounded = e->min == 0 && e->max == 0 && !e->min_exclusive;
    int has_min = !unbounded && isfinite(e->min), has_max = !unbounded && isfinite(e->max);
    dermis_config_format_number(e->min, lo, sizeof lo);
    dermis_config_format_number(e->max, hi, sizeof hi);
    if (has_min && has_max && !e->min_exclusive)
        snprintf(buf, len, "%s to %s", lo, hi);
    else if (has_min && has_max)
        snprintf(buf, len, "> %s and <= %s", lo, hi);
    else if (has_min)
        snprintf(buf, len, "%s %s", e->min_exclusive ? ">" : ">=", lo);
    else if (has_max)
        snprintf(buf, len, "<= %s", hi);
    else
        snprintf(buf, len, "any");
}

static void describe_choices(const char *const *choices, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; choices != NULL && choices[i] != NULL && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", i > 0 ? " | " : "", choices[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void dermis_schema_describe_range(const dermis_schema_entry *e, char *buf, size_t len)
{
    char bounds[100];
    size_t string_max = e->max_count > 0 ? e->max_count : DERMIS_CONFIG_STRING_MAX - 1;
    switch (e->type) {
    case DERMIS_TYPE_NUMBER:
    case DERMIS_TYPE_INTEGER: describe_bounds(e, buf, len); return;
    case DERMIS_TYPE_BOOLEAN: snprintf(buf, len, "true | false"); return;
    case DERMIS_TYPE_STRING: snprintf(buf, len, "text of up to %zu characters", string_max); return;
    case DERMIS_TYPE_ENUM: describe_choices(e->choices, buf, len); return;
    case DERMIS_TYPE_LIST:
        describe_bounds(e, bounds, sizeof bounds);
        snprintf(buf, len, "up to %zu values, each %s", e->max_count, bounds);
        return;
    }
    snprintf(buf, len, "?");
}
