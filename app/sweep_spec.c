/* Reading SWEEP.ini: the strict INI reader of io/config.c (same line rules, same one-line
 * "FILE:LINE: section.key: reason" errors) with this file's sections:
 *
 *   [sweep]        base, design, samples, levels, replicates, seed, series
 *   [set]          fixed overrides: any configuration key = value
 *   [vary.KEY]     one varied configuration key: values = a, b, c, or min, max (+ count, scale)
 *
 * Every value given for a configuration key is checked against the schema as `--set` would
 * check it, so a sweep that starts has only valid single values; cross-key problems of one point
 * are that point's error (sweep_plan.c). */
#include "app/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/message.h"

/* Keys of [sweep] and of [vary.KEY], for "did you mean". */
static const char *const sweep_keys[] = {"base", "design", "samples", "levels", "replicates", "seed", "series", NULL};
static const char *const vary_keys[] = {"values", "min", "max", "count", "scale", NULL};
static const char *const scale_names[] = {"linear", "log", NULL};

/* Largest samples / replicates / count accepted: more is surely a typo. */
#define SWEEP_COUNT_MAX 10000000L

typedef struct {
    sweep_spec *spec;
    dermis_config *scratch; /* schema checks of single values */
    sweep_param *current;   /* the [vary.KEY] being read, or NULL */
} spec_reader;

/* Index of word in list (NULL-terminated), or -1. */
static int word_index(const char *word, const char *const *list)
{
    for (int i = 0; list[i] != NULL; i++)
        if (strcmp(word, list[i]) == 0)
            return i;
    return -1;
}

static void unknown_word(const char *what, const char *word, const char *const *list, char *reason, size_t len)
{
    char known[SWEEP_TEXT_MAX] = "", hint[SWEEP_TEXT_MAX];
    for (size_t i = 0; list[i] != NULL; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i > 0 ? ", " : "", list[i]);
    if (dermis_did_you_mean(word, list, hint, sizeof hint))
        dermis_message(reason, len, -1, "unknown %s%s", what, hint);
    else
        dermis_message(reason, len, -1, "unknown %s (known: %s)", what, known);
}

/* Why a configuration key is not usable: unknown (with a suggestion) or its index is out of range. */
static int check_config_key(const char *key, char *reason, size_t len)
{
    size_t index;
    char suggestion[SWEEP_TEXT_MAX];
    if (dermis_schema_find(key, &index) != NULL)
        return 0;
    const dermis_schema_entry *e = dermis_schema_find_unbounded(key, &index);
    if (e != NULL)
        return dermis_message(reason, len, -1, "%s: index %zu is out of range (1 to %zu)", key, index, e->index_max);
    if (dermis_is_near_miss(key, dermis_schema_suggest(key, suggestion, sizeof suggestion)))
        return dermis_message(reason, len, -1, "unknown configuration key %s (did you mean %s?)", key, suggestion);
    return dermis_message(reason, len, -1, "unknown configuration key %s (`dermis params` lists all keys)", key);
}

/* Checks value for key exactly as `--set key=value` would; the reason without the --set prefix. */
static int check_config_value(dermis_config *scratch, const char *key, const char *value, char *reason, size_t len)
{
    char assignment[2 * SWEEP_TEXT_MAX + 2], err[DERMIS_CONFIG_ERROR_MAX], prefix[2 * SWEEP_TEXT_MAX + 16];
    snprintf(assignment, sizeof assignment, "%s=%s", key, value);
    if (dermis_config_apply_override(scratch, NULL, assignment, err) == 0)
        return 0;
    snprintf(prefix, sizeof prefix, "--set %s: ", assignment);
    size_t n = strlen(prefix);
    return dermis_message(reason, len, -1, "%s", strncmp(err, prefix, n) == 0 ? err + n : err);
}

/* A plain decimal number (the configuration's rules: no NaN, infinity or hexadecimal). */
static int parse_number(const char *text, double *v, char *reason, size_t len)
{
    char *end = NULL;
    errno = 0;
    *v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || strpbrk(text, "xXnN") != NULL || errno == ERANGE || !isfinite(*v))
        return dermis_message(reason, len, -1, "expected a number (got '%s')", text);
    return 0;
}

static int parse_count(const char *text, long lo, long *v, char *reason, size_t len)
{
    char *end = NULL;
    errno = 0;
    *v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || *v < lo || *v > SWEEP_COUNT_MAX)
        return dermis_message(reason, len, -1, "expected an integer from %ld to %ld (got '%s')", lo, SWEEP_COUNT_MAX,
                              text);
    return 0;
}

/* Splits "a, b, c" into param->values, each checked against the schema. */
static int read_values(spec_reader *r, sweep_param *p, const char *text, char *reason, size_t len)
{
    char value[SWEEP_TEXT_MAX + 1]; /* one more: a value that fills it is too long */
    const char *s = text;
    p->n_values = 0;
    for (;;) {
        s = dermis_config_list_element(s, value, sizeof value);
        const size_t n = strlen(value);
        if (n == 0 || n >= SWEEP_TEXT_MAX)
            return dermis_message(reason, len, -1, n == 0 ? "empty value in the list" : "value too long");
        if (p->n_values == SWEEP_LEVELS_MAX)
            return dermis_message(reason, len, -1, "at most %d values", SWEEP_LEVELS_MAX);
        char *v = p->values[p->n_values++];
        memcpy(v, value, n + 1);
        if (check_config_value(r->scratch, p->key, v, reason, len) != 0)
            return -1;
        if (*s == '\0')
            return 0;
        s++; /* past the comma */
    }
}

static int read_bound(spec_reader *r, sweep_param *p, const char *value, double *bound, char *reason, size_t len)
{
    if (p->entry->type != DERMIS_TYPE_NUMBER && p->entry->type != DERMIS_TYPE_INTEGER)
        return dermis_message(reason, len, -1, "%s is not a number: list its choices with `values = ...`", p->key);
    if (parse_number(value, bound, reason, len) != 0)
        return -1;
    return check_config_value(r->scratch, p->key, value, reason, len);
}

static int vary_key(spec_reader *r, const char *name, const char *value, int line, char *reason, size_t len)
{
    sweep_param *p = r->current;
    long count;
    int k = word_index(name, vary_keys);
    switch (k) {
    case 0:
        p->line_values = line;
        return read_values(r, p, value, reason, len);
    case 1:
        p->line_min = line;
        p->has_min = 1;
        return read_bound(r, p, value, &p->min, reason, len);
    case 2:
        p->line_max = line;
        p->has_max = 1;
        return read_bound(r, p, value, &p->max, reason, len);
    case 3:
        p->line_count = line;
        if (parse_count(value, 2, &count, reason, len) != 0)
            return -1;
        if (count > SWEEP_LEVELS_MAX)
            return dermis_message(reason, len, -1, "at most %d grid levels (got %ld)", SWEEP_LEVELS_MAX, count);
        p->count = (size_t)count;
        return 0;
    case 4:
        p->line_scale = line;
        if (word_index(value, scale_names) < 0)
            return dermis_message(reason, len, -1, "unknown scale '%s' (choices: linear, log)", value);
        p->scale = (sweep_scale)word_index(value, scale_names);
        return 0;
    default:
        unknown_word("key", name, vary_keys, reason, len);
        return -1;
    }
}

static int sweep_key(spec_reader *r, const char *name, const char *value, int line, char *reason, size_t len)
{
    sweep_spec *s = r->spec;
    long n;
    int k = word_index(name, sweep_keys);
    int *lines[] = {&s->line_base, &s->line_design, &s->line_samples, &s->line_levels, &s->line_replicates,
                    &s->line_seed, NULL};
    if (k >= 0 && k < 6)
        *lines[k] = line;
    switch (k) {
    case 0:
        if (value[0] == '\0')
            return dermis_message(reason, len, -1, "empty path");
        snprintf(s->base_path, sizeof s->base_path, "%s", value);
        return 0;
    case 1:
        s->design = sweep_design_find(value);
        if (s->design == NULL) {
            char names[SWEEP_TEXT_MAX];
            sweep_design_names(names, sizeof names);
            return dermis_message(reason, len, -1, "unknown design '%s' (choices: %s)", value, names);
        }
        return 0;
    case 2:
        if (parse_count(value, 1, &n, reason, len) != 0)
            return -1;
        s->samples = (size_t)n;
        return 0;
    case 3:
        if (parse_count(value, 2, &n, reason, len) != 0)
            return -1;
        if (n % 2 != 0)
            return dermis_message(reason, len, -1, "Morris levels must be even (got %ld)", n);
        s->levels = (size_t)n;
        return 0;
    case 4:
        if (parse_count(value, 1, &n, reason, len) != 0)
            return -1;
        s->replicates = (size_t)n;
        return 0;
    case 5:
        if (parse_count(value, 0, &n, reason, len) != 0)
            return -1;
        s->seed = n;
        return 0;
    case 6:
        snprintf(s->series, sizeof s->series, "%s", value);
        return 0;
    default:
        unknown_word("key", name, sweep_keys, reason, len);
        return -1;
    }
}

static int set_key(spec_reader *r, const char *name, const char *value, int line, char *reason, size_t len)
{
    sweep_spec *s = r->spec;
    if (check_config_key(name, reason, len) != 0 || check_config_value(r->scratch, name, value, reason, len) != 0)
        return -1;
    if (s->n_sets == SWEEP_SETS_MAX)
        return dermis_message(reason, len, -1, "at most %d keys in [set]", SWEEP_SETS_MAX);
    snprintf(s->sets[s->n_sets], sizeof s->sets[0], "%s=%s", name, value);
    s->set_lines[s->n_sets++] = line;
    return 0;
}

static int on_section(void *user, const char *section, char *reason, size_t len)
{
    spec_reader *r = user;
    r->current = NULL;
    if (strcmp(section, "sweep") == 0 || strcmp(section, "set") == 0)
        return 0;
    if (strncmp(section, "vary.", 5) != 0)
        return dermis_message(reason, len, -1, "unknown section [%s] (sections: [sweep], [set], [vary.KEY])", section);
    const char *key = section + 5;
    if (check_config_key(key, reason, len) != 0)
        return -1;
    sweep_spec *s = r->spec;
    if (s->n_params == SWEEP_PARAMS_MAX)
        return dermis_message(reason, len, -1,
                              "too many [vary.KEY] sections (at most %d: GSL's Sobol sequence stops there)",
                              SWEEP_PARAMS_MAX);
    size_t index;
    sweep_param *p = &s->params[s->n_params++];
    memset(p, 0, sizeof *p);
    snprintf(p->key, sizeof p->key, "%s", key);
    snprintf(p->name, sizeof p->name, "%s", key);
    for (char *c = p->name; *c != '\0'; c++)
        if (*c == '.')
            *c = '_';
    p->entry = dermis_schema_find(key, &index);
    if (p->entry->type == DERMIS_TYPE_LIST || p->entry->type == DERMIS_TYPE_STRING)
        return dermis_message(reason, len, -1,
                              "%s is a %s: vary scalar keys only (e.g. treatment.session_interval_days)", key,
                              dermis_schema_type_name(p->entry->type));
    r->current = p;
    return 0;
}

static int on_key(void *user, const char *section, const char *name, const char *value, int line, char *reason,
                  size_t len)
{
    spec_reader *r = user;
    if (strcmp(section, "sweep") == 0)
        return sweep_key(r, name, value, line, reason, len);
    if (strcmp(section, "set") == 0)
        return set_key(r, name, value, line, reason, len);
    return vary_key(r, name, value, line, reason, len);
}

/* ------------------------------------------------------------------ checks after reading */

static int spec_error(const sweep_spec *s, int line, const char *key, char *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int spec_error(const sweep_spec *s, int line, const char *key, char *err, const char *fmt, ...)
{
    char reason[DERMIS_CONFIG_ERROR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (line > 0)
        dermis_message(err, DERMIS_CONFIG_ERROR_MAX, -1, "%s:%d: %s: %s", s->path, line, key, reason);
    else
        dermis_message(err, DERMIS_CONFIG_ERROR_MAX, -1, "%s: %s: %s", s->path, key, reason);
    return 2;
}

static int check_param(const sweep_spec *s, const sweep_param *p, char *err)
{
    char key[SWEEP_TEXT_MAX + 16];
    int is_grid = strcmp(s->design->name, "grid") == 0;
    snprintf(key, sizeof key, "vary.%s", p->key);
    if (p->n_values > 0 && (p->has_min || p->has_max))
        return spec_error(s, p->line_values, key, err, "give either values or min and max, not both");
    if (p->n_values == 0 && !(p->has_min && p->has_max))
        return spec_error(s, p->has_min || p->has_max ? (p->has_min ? p->line_min : p->line_max) : p->line, key, err,
                          "needs values = a, b, ... or both min and max");
    if (p->n_values > 0 && (p->count > 0 || p->line_scale > 0))
        return spec_error(s, p->count > 0 ? p->line_count : p->line_scale, key, err,
                          "count and scale belong to min and max, not to values");
    if (p->n_values > 0)
        return 0;
    if (!(p->min < p->max))
        return spec_error(s, p->line_max, key, err, "max must be greater than min (%g and %g)", p->min, p->max);
    if (p->scale == SWEEP_SCALE_LOG && !(p->min > 0))
        return spec_error(s, p->line_min, key, err, "scale = log needs min > 0 (got %g)", p->min);
    if (is_grid && p->count == 0)
        return spec_error(s, p->line_max, key, err, "design = grid needs count = N levels between min and max "
                          "(or values = a, b, ...)");
    if (!is_grid && p->count > 0)
        return spec_error(s, p->line_count, key, err, "count is for design = grid; design = %s samples between "
                          "min and max", s->design->name);
    return 0;
}

static int check_spec(sweep_spec *s, char *err)
{
    if (s->design == NULL)
        return spec_error(s, 0, "sweep.design", err, "required key is missing (add `design = grid` under [sweep])");
    if (s->base_path[0] == '\0')
        return spec_error(s, 0, "sweep.base", err, "required key is missing (add `base = CONFIG.ini` under [sweep])");
    const sweep_design *d = s->design;
    if (d->uses_samples && s->samples == 0)
        return spec_error(s, s->line_design, "sweep.samples", err, "design = %s needs samples = N under [sweep]",
                          d->name);
    if (!d->uses_samples && s->samples > 0)
        return spec_error(s, s->line_samples, "sweep.samples", err, "design = %s takes no samples", d->name);
    if (strcmp(d->name, "morris") != 0 && s->levels > 0)
        return spec_error(s, s->line_levels, "sweep.levels", err, "levels is for design = morris");
    if (s->levels == 0)
        s->levels = 4;
    if (s->replicates == 0)
        s->replicates = 1;
    if (strcmp(d->name, "replicates") == 0 && s->n_params > 0)
        return spec_error(s, s->params[0].line, "vary", err, "design = replicates varies only run.seed: remove "
                          "the [vary.KEY] sections or choose another design");
    if (strcmp(d->name, "replicates") != 0 && s->n_params == 0)
        return spec_error(s, s->line_design, "sweep.design", err, "design = %s needs at least one [vary.KEY] "
                          "section", d->name);
    if (s->n_params > d->max_params)
        return spec_error(s, s->params[d->max_params].line, "vary", err, "design = %s takes at most %zu "
                          "parameters (got %zu)", d->name, d->max_params, s->n_params);
    for (size_t j = 0; j < s->n_params; j++) {
        int rc = check_param(s, &s->params[j], err);
        if (rc != 0)
            return rc;
        if (strcmp(s->params[j].key, "run.seed") == 0 && s->replicates > 1)
            return spec_error(s, s->params[j].line, "vary.run.seed", err, "replicates set run.seed already: "
                              "vary run.seed or use replicates, not both");
        for (size_t i = 0; i < s->n_sets; i++) {
            size_t n = strlen(s->params[j].key);
            if (strncmp(s->sets[i], s->params[j].key, n) == 0 && s->sets[i][n] == '=')
                return spec_error(s, s->set_lines[i], "set", err, "%s is also varied in [vary.%s]",
                                  s->params[j].key, s->params[j].key);
        }
    }
    return 0;
}

/* base relative to the directory of the sweep file. */
static void resolve_base(sweep_spec *s)
{
    const char *slash = strrchr(s->path, '/');
    if (s->base_path[0] == '/' || slash == NULL)
        return;
    char resolved[SWEEP_TEXT_MAX];
    int n = snprintf(resolved, sizeof resolved, "%.*s/%s", (int)(slash - s->path), s->path, s->base_path);
    if (n > 0 && (size_t)n < sizeof resolved)
        memcpy(s->base_path, resolved, (size_t)n + 1);
}

int sweep_spec_read(const char *path, sweep_spec *spec, char err[DERMIS_CONFIG_ERROR_MAX])
{
    memset(spec, 0, sizeof *spec);
    if (strlen(path) >= sizeof spec->path) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%.60s...: path too long", path);
        return 2;
    }
    snprintf(spec->path, sizeof spec->path, "%s", path);
    const char *slash = strrchr(path, '/');
    snprintf(spec->name, sizeof spec->name, "%s", slash != NULL ? slash + 1 : path);
    size_t n = strlen(spec->name);
    if (n > 4 && strcmp(spec->name + n - 4, ".ini") == 0)
        spec->name[n - 4] = '\0';
    spec_reader r = {.spec = spec, .scratch = malloc(sizeof(dermis_config))};
    if (r.scratch == NULL) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: out of memory", path);
        return 2;
    }
    dermis_config_defaults(r.scratch);
    dermis_ini_client client = {.section = on_section, .key = on_key, .user = &r};
    int rc = dermis_ini_read_file(path, &client, err);
    free(r.scratch);
    if (rc != 0)
        return rc;
    rc = check_spec(spec, err);
    if (rc == 0)
        resolve_base(spec);
    return rc;
}
