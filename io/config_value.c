/* Typed values of configuration keys: parsing INI text into the fields of dermis_config with
 * the schema's type and range checks, formatting them back (shortest text that reads back
 * bit for bit), and the self-check of the schema tables. */
#include "io/config_internal.h"

#include <errno.h>
#include <fenv.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest quoted value in a message. */
#define QUOTE_MAX 48

/* A parsed value before it is stored, so a failed parse leaves the config untouched. */
typedef struct {
    double number;
    long integer;
    int flag;
    int choice;
    char text[DERMIS_CONFIG_STRING_MAX];
    double list[DERMIS_CONFIG_LIST_MAX];
    size_t count;
    int unset;
} parsed_value;

size_t dermis_entry_copies(const dermis_schema_entry *e)
{
    return strchr(e->key, '#') != NULL && e->index_max > 0 ? e->index_max : 1;
}

/* Byte offset in the config of the member at `offset` of e's copy `index` (0 or 1-based). */
static size_t slot_offset(const dermis_schema_entry *e, size_t offset, size_t index)
{
    return offset + (index > 0 ? index - 1 : 0) * e->index_stride;
}

static char *value_slot(dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    return (char *)cfg + slot_offset(e, e->offset, index);
}

static const char *value_slot_const(const dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    return (const char *)cfg + slot_offset(e, e->offset, index);
}

static char *count_slot(dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    return (char *)cfg + slot_offset(e, e->count_offset, index);
}

static const char *count_slot_const(const dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    return (const char *)cfg + slot_offset(e, e->count_offset, index);
}

void dermis_entry_key(const dermis_schema_entry *e, size_t index, char *buf, size_t len)
{
    const char *hash = strchr(e->key, '#');
    if (hash == NULL || index == 0)
        snprintf(buf, len, "%s", e->key);
    else
        snprintf(buf, len, "%.*s%zu%s", (int)(hash - e->key), e->key, index, hash + 1);
}

void dermis_quote_value(const char *text, char *buf, size_t len)
{
    if (strlen(text) <= QUOTE_MAX)
        snprintf(buf, len, "%s", text);
    else
        snprintf(buf, len, "%.*s...", QUOTE_MAX - 3, text);
}

static size_t string_capacity(const dermis_schema_entry *e)
{
    size_t cap = DERMIS_CONFIG_STRING_MAX - 1;
    return e->max_count > 0 && e->max_count < cap ? e->max_count : cap;
}

/* --- parsing --- */

static int is_nonfinite_word(const char *text)
{
    if (*text == '+' || *text == '-')
        text++;
    char lower[4] = {0};
    for (size_t i = 0; i < 3 && text[i] != '\0'; i++)
        lower[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] - 'A' + 'a' : text[i]);
    return strcmp(lower, "nan") == 0 || strcmp(lower, "inf") == 0;
}

/* strtod may raise the overflow flag on purpose ("1e999"); with trapping enabled (DERMIS_FPE_TRAPS)
 * that would kill the process, so the conversion runs with exceptions held. */
static double strtod_quietly(const char *text, char **end)
{
    fenv_t env;
    feholdexcept(&env);
    double v = strtod(text, end);
    feclearexcept(FE_ALL_EXCEPT);
    fesetenv(&env);
    return v;
}

static int parse_number(const char *text, double *out, char *reason)
{
    char quoted[QUOTE_MAX + 8];
    dermis_quote_value(text, quoted, sizeof quoted);
    if (is_nonfinite_word(text)) {
        snprintf(reason, DERMIS_REASON_MAX, "NaN and infinity are not allowed (got %s)", quoted);
        return -1;
    }
    /* Only plain decimal notation: no hex floats, no spaces, no digit separators. */
    int ok = text[0] != '\0' && strspn(text, "0123456789+-.eE") == strlen(text);
    char *end = NULL;
    double v = ok ? strtod_quietly(text, &end) : 0.0;
    if (!ok || end == text || *end != '\0') {
        snprintf(reason, DERMIS_REASON_MAX, "expected a number (got '%s')", quoted);
        return -1;
    }
    if (!isfinite(v)) {
        snprintf(reason, DERMIS_REASON_MAX, "number too large for a double (got %s)", quoted);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_integer(const char *text, long *out, char *reason)
{
    char quoted[QUOTE_MAX + 8];
    dermis_quote_value(text, quoted, sizeof quoted);
    const char *digits = (text[0] == '+' || text[0] == '-') ? text + 1 : text;
    int ok = digits[0] != '\0' && strspn(digits, "0123456789") == strlen(digits);
    errno = 0;
    long v = ok ? strtol(text, NULL, 10) : 0;
    if (!ok || errno == ERANGE) {
        snprintf(reason, DERMIS_REASON_MAX, "expected an integer (got '%s')", quoted);
        return -1;
    }
    *out = v;
    return 0;
}

/* The words configparser's getboolean accepts, in lower case only (keys and values are
 * case-sensitive). Pairs: true_words[i] and false_words[i]. */
static const char *const true_words[] = {"true", "yes", "on", "1"};
static const char *const false_words[] = {"false", "no", "off", "0"};

static int parse_boolean(const char *text, int *out, char *reason)
{
    for (size_t i = 0; i < sizeof true_words / sizeof true_words[0]; i++) {
        if (strcmp(text, true_words[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(text, false_words[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    char quoted[QUOTE_MAX + 8];
    dermis_quote_value(text, quoted, sizeof quoted);
    snprintf(reason, DERMIS_REASON_MAX, "expected true, false, yes, no, on, off, 1 or 0 (got '%s')", quoted);
    return -1;
}

static int parse_choice(const dermis_schema_entry *e, const char *text, int *out, char *reason)
{
    for (int i = 0; e->choices != NULL && e->choices[i] != NULL; i++) {
        if (strcmp(text, e->choices[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    char quoted[QUOTE_MAX + 8], choices[200];
    dermis_quote_value(text, quoted, sizeof quoted);
    size_t used = 0;
    choices[0] = '\0';
    for (size_t i = 0; e->choices != NULL && e->choices[i] != NULL && used < sizeof choices; i++) {
        int n = snprintf(choices + used, sizeof choices - used, "%s%s", i > 0 ? ", " : "", e->choices[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    snprintf(reason, DERMIS_REASON_MAX, "unknown choice '%s' (choices: %s)", quoted, choices);
    return -1;
}

/* 1 if the schema gives no bounds (both left out of the table, i.e. 0 and 0). */
static int is_unbounded(const dermis_schema_entry *e)
{
    return e->min == 0 && e->max == 0 && !e->min_exclusive;
}

static int within_bounds(const dermis_schema_entry *e, double v)
{
    if (is_unbounded(e))
        return 1;
    int above_min = e->min_exclusive ? v > e->min : v >= e->min;
    return above_min && v <= e->max;
}

/* "must be ... (got TEXT)" for a value outside the entry's bounds; what names a list element
 * ("value 3 ") and is "" for a single value. */
static void bounds_reason(const dermis_schema_entry *e, const char *what, const char *text, char *reason)
{
    char lo[40], hi[40], quoted[QUOTE_MAX + 8];
    dermis_config_format_number(e->min, lo, sizeof lo);
    dermis_config_format_number(e->max, hi, sizeof hi);
    dermis_quote_value(text, quoted, sizeof quoted);
    int has_min = isfinite(e->min), has_max = isfinite(e->max);
    if (has_min && has_max && !e->min_exclusive)
        snprintf(reason, DERMIS_REASON_MAX, "%smust be between %s and %s (got %s)", what, lo, hi, quoted);
    else if (has_min && has_max)
        snprintf(reason, DERMIS_REASON_MAX, "%smust be > %s and <= %s (got %s)", what, lo, hi, quoted);
    else if (has_min)
        snprintf(reason, DERMIS_REASON_MAX, "%smust be %s %s (got %s)", what, e->min_exclusive ? ">" : ">=", lo,
                 quoted);
    else
        snprintf(reason, DERMIS_REASON_MAX, "%smust be <= %s (got %s)", what, hi, quoted);
}

const char *dermis_config_list_element(const char *text, char *buf, size_t len)
{
    const char *comma = strchr(text, ',');
    const char *end = comma != NULL ? comma : text + strlen(text);
    dermis_config_trim(text, end, buf, len);
    return end;
}

static int parse_list(const dermis_schema_entry *e, const char *text, parsed_value *v, char *reason)
{
    char element[DERMIS_CONFIG_LINE_MAX + 1], what[48];
    v->count = 0;
    if (text[0] == '\0')
        return 0; /* an empty value is the empty list */
    size_t capacity = e->max_count < DERMIS_CONFIG_LIST_MAX ? e->max_count : DERMIS_CONFIG_LIST_MAX;
    const char *p = text;
    for (;;) {
        p = dermis_config_list_element(p, element, sizeof element);
        if (v->count == capacity) {
            size_t total = 1;
            for (const char *c = text; *c != '\0'; c++)
                total += *c == ',';
            snprintf(reason, DERMIS_REASON_MAX, "list too long: at most %zu values (got %zu)", capacity, total);
            return -1;
        }
        snprintf(what, sizeof what, "value %zu ", v->count + 1);
        if (element[0] == '\0') {
            snprintf(reason, DERMIS_REASON_MAX, "%sof the list is empty (values are separated by single commas)", what);
            return -1;
        }
        char element_reason[DERMIS_REASON_MAX];
        if (parse_number(element, &v->list[v->count], element_reason) != 0) {
            snprintf(reason, DERMIS_REASON_MAX, "value %zu: %.200s", v->count + 1, element_reason);
            return -1;
        }
        if (!within_bounds(e, v->list[v->count])) {
            bounds_reason(e, what, element, reason);
            return -1;
        }
        v->count++;
        if (*p == '\0')
            return 0;
        p++; /* past the comma */
    }
}

static int parse_string(const dermis_schema_entry *e, const char *text, parsed_value *v, char *reason)
{
    size_t n = strlen(text), cap = string_capacity(e);
    if (n > cap) {
        snprintf(reason, DERMIS_REASON_MAX, "text too long (%zu characters, at most %zu)", n, cap);
        return -1;
    }
    memcpy(v->text, text, n + 1);
    return 0;
}

/* An empty value is allowed for lists and strings, and means "unset" for keys that have
 * neither a default nor the required flag. */
static int parse_empty(const dermis_schema_entry *e, parsed_value *v, char *reason)
{
    if (e->type == DERMIS_TYPE_LIST || e->type == DERMIS_TYPE_STRING)
        return 0;
    if (e->default_text == NULL && !e->required) {
        v->unset = 1;
        return 0;
    }
    snprintf(reason, DERMIS_REASON_MAX, "no value given (expected %s %s)",
             e->type == DERMIS_TYPE_INTEGER || e->type == DERMIS_TYPE_ENUM ? "an" : "a",
             dermis_schema_type_name(e->type));
    return -1;
}

static int parse_value(const dermis_schema_entry *e, const char *text, parsed_value *v, char *reason)
{
    if (text[0] == '\0' && e->type != DERMIS_TYPE_STRING && e->type != DERMIS_TYPE_LIST)
        return parse_empty(e, v, reason);
    switch (e->type) {
    case DERMIS_TYPE_NUMBER:
        if (parse_number(text, &v->number, reason) != 0)
            return -1;
        if (!within_bounds(e, v->number)) {
            bounds_reason(e, "", text, reason);
            return -1;
        }
        return 0;
    case DERMIS_TYPE_INTEGER:
        if (parse_integer(text, &v->integer, reason) != 0)
            return -1;
        if (!within_bounds(e, (double)v->integer)) {
            bounds_reason(e, "", text, reason);
            return -1;
        }
        return 0;
    case DERMIS_TYPE_BOOLEAN: return parse_boolean(text, &v->flag, reason);
    case DERMIS_TYPE_STRING: return parse_string(e, text, v, reason);
    case DERMIS_TYPE_ENUM: return parse_choice(e, text, &v->choice, reason);
    case DERMIS_TYPE_LIST: return parse_list(e, text, v, reason);
    }
    snprintf(reason, DERMIS_REASON_MAX, "schema entry has an unknown type");
    return -1;
}

static void store_value(dermis_config *cfg, const dermis_schema_entry *e, size_t index, const parsed_value *v)
{
    char *slot = value_slot(cfg, e, index);
    switch (e->type) {
    case DERMIS_TYPE_NUMBER: memcpy(slot, &v->number, sizeof v->number); return;
    case DERMIS_TYPE_INTEGER: memcpy(slot, &v->integer, sizeof v->integer); return;
    case DERMIS_TYPE_BOOLEAN: memcpy(slot, &v->flag, sizeof v->flag); return;
    case DERMIS_TYPE_ENUM: memcpy(slot, &v->choice, sizeof v->choice); return;
    case DERMIS_TYPE_STRING:
        /* The whole buffer is written so equal configs are equal byte for byte. */
        memset(slot, 0, string_capacity(e) + 1);
        memcpy(slot, v->text, strlen(v->text));
        return;
    case DERMIS_TYPE_LIST:
        memset(slot, 0, e->max_count * sizeof(double));
        memcpy(slot, v->list, v->count * sizeof(double));
        memcpy(count_slot(cfg, e, index), &v->count, sizeof v->count);
        return;
    }
}

int dermis_value_set(dermis_config *cfg, const dermis_schema_entry *e, size_t index, const char *text,
                     char reason[DERMIS_REASON_MAX])
{
    parsed_value v;
    memset(&v, 0, sizeof v);
    if (parse_value(e, text, &v, reason) != 0)
        return -1;
    if (v.unset)
        dermis_value_unset(cfg, e, index);
    else
        store_value(cfg, e, index, &v);
    return 0;
}

void dermis_value_unset(dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    parsed_value v;
    memset(&v, 0, sizeof v);
    v.number = NAN;
    v.choice = -1;
    store_value(cfg, e, index, &v);
}

int dermis_value_is_unset(const dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    const char *slot = value_slot_const(cfg, e, index);
    if (e->type == DERMIS_TYPE_NUMBER) {
        double v;
        memcpy(&v, slot, sizeof v);
        return isnan(v);
    }
    if (e->type == DERMIS_TYPE_ENUM) {
        int choice;
        memcpy(&choice, slot, sizeof choice);
        return choice < 0;
    }
    return 0;
}

/* --- formatting --- */

void dermis_config_format_number(double v, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    /* The shortest text, over all precisions, that reads back as exactly v (17 significant
     * digits always do). Trying every precision matters: 3650 is "3.65e+03" at precision 3 but
     * "3650" at precision 4. */
    char candidate[40];
    size_t best = (size_t)-1;
    int first_exact = 18;
    /* Past the first exact precision only %g's switch from exponent to fixed notation can
     * shorten the text, which happens within 3 more digits ("1.23e+05" -> "123000"). */
    for (int precision = 1; precision <= 17 && precision <= first_exact + 3; precision++) {
        snprintf(candidate, sizeof candidate, "%.*g", precision, v);
        int exact = strtod_quietly(candidate, NULL) == v;
        if (exact && first_exact == 18)
            first_exact = precision;
        if (exact && strlen(candidate) < best) {
            best = strlen(candidate);
            snprintf(buf, len, "%s", candidate);
        }
    }
}

static void format_list(const dermis_config *cfg, const dermis_schema_entry *e, size_t index, char *buf, size_t len)
{
    const char *slot = value_slot_const(cfg, e, index);
    size_t count, used = 0;
    memcpy(&count, count_slot_const(cfg, e, index), sizeof count);
    buf[0] = '\0';
    for (size_t i = 0; i < count && i < e->max_count && used < len; i++) {
        double v;
        char number[40];
        memcpy(&v, slot + i * sizeof(double), sizeof v);
        dermis_config_format_number(v, number, sizeof number);
        int n = snprintf(buf + used, len - used, "%s%s", i > 0 ? ", " : "", number);
        used += n > 0 ? (size_t)n : 0;
    }
}

void dermis_config_format_value(const dermis_config *cfg, const dermis_schema_entry *e, size_t index, char *buf,
                                size_t len)
{
    const char *slot = value_slot_const(cfg, e, index);
    double number;
    long integer;
    int flag;
    if (len == 0)
        return;
    if (dermis_value_is_unset(cfg, e, index)) {
        buf[0] = '\0';
        return;
    }
    switch (e->type) {
    case DERMIS_TYPE_NUMBER:
        memcpy(&number, slot, sizeof number);
        dermis_config_format_number(number, buf, len);
        return;
    case DERMIS_TYPE_INTEGER:
        memcpy(&integer, slot, sizeof integer);
        snprintf(buf, len, "%ld", integer);
        return;
    case DERMIS_TYPE_BOOLEAN:
        memcpy(&flag, slot, sizeof flag);
        snprintf(buf, len, "%s", flag ? "true" : "false");
        return;
    case DERMIS_TYPE_STRING: snprintf(buf, len, "%s", slot); return;
    case DERMIS_TYPE_ENUM:
        memcpy(&flag, slot, sizeof flag);
        snprintf(buf, len, "%s", e->choices != NULL ? e->choices[flag] : "");
        return;
    case DERMIS_TYPE_LIST: format_list(cfg, e, index, buf, len); return;
    }
    buf[0] = '\0';
}

/* --- self-check of the schema tables --- */

static int check_entry_shape(const dermis_schema_entry *e, char *reason)
{
    if (e->key == NULL || strchr(e->key, '.') == NULL) {
        snprintf(reason, DERMIS_REASON_MAX, "key must be \"section.name\"");
        return -1;
    }
    if (e->doc == NULL || e->source == NULL || e->unit == NULL) {
        snprintf(reason, DERMIS_REASON_MAX, "unit, doc and source are required");
        return -1;
    }
    if (e->type == DERMIS_TYPE_LIST && (e->max_count == 0 || e->max_count > DERMIS_CONFIG_LIST_MAX)) {
        snprintf(reason, DERMIS_REASON_MAX, "list max_count must be 1..%d", DERMIS_CONFIG_LIST_MAX);
        return -1;
    }
    if (e->type == DERMIS_TYPE_ENUM && (e->choices == NULL || e->choices[0] == NULL)) {
        snprintf(reason, DERMIS_REASON_MAX, "enum without choices");
        return -1;
    }
    int indexed = strchr(e->key, '#') != NULL;
    if (indexed && (e->index_max == 0 || e->index_max > DERMIS_CONFIG_INDEX_MAX || e->index_stride == 0 ||
                    dermis_schema_index_group(e) < 0)) {
        snprintf(reason, DERMIS_REASON_MAX,
                 "indexed key needs index_max 1..%d, an index_stride and at most %d "
                 "indexed section patterns",
                 DERMIS_CONFIG_INDEX_MAX, DERMIS_CONFIG_INDEX_GROUPS_MAX);
        return -1;
    }
    if (e->required && e->default_text != NULL) {
        snprintf(reason, DERMIS_REASON_MAX, "a required key must not have a default");
        return -1;
    }
    if (e->offset >= sizeof(dermis_config)) {
        snprintf(reason, DERMIS_REASON_MAX, "offset outside dermis_config");
        return -1;
    }
    return 0;
}

/* The default and the example value (either may be NULL) must parse and lie within range. */
static int check_entry_default(const dermis_schema_entry *e, char *reason)
{
    const char *const texts[] = {e->default_text, e->example};
    const char *const names[] = {"default", "example"};
    /* Parse into a scratch config so the check has no effect on anything. */
    dermis_config *scratch = calloc(1, sizeof *scratch);
    if (scratch == NULL) {
        snprintf(reason, DERMIS_REASON_MAX, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        char why[DERMIS_REASON_MAX];
        if (texts[i] == NULL)
            continue;
        rc = dermis_value_set(scratch, e, strchr(e->key, '#') != NULL ? 1 : 0, texts[i], why);
        if (rc != 0)
            snprintf(reason, DERMIS_REASON_MAX, "%s '%.60s' is invalid: %.200s", names[i], texts[i], why);
    }
    free(scratch);
    return rc;
}

int dermis_config_check_schema(char err[DERMIS_CONFIG_ERROR_MAX])
{
    size_t n = dermis_schema_count();
    char reason[DERMIS_REASON_MAX];
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        int rc = check_entry_shape(e, reason);
        if (rc == 0)
            rc = check_entry_default(e, reason);
        for (size_t j = 0; rc == 0 && j < i; j++) {
            if (strcmp(dermis_schema_at(j)->key, e->key) == 0) {
                snprintf(reason, DERMIS_REASON_MAX, "key appears twice in the schema");
                rc = -1;
            }
        }
        if (rc != 0) {
            snprintf(err, DERMIS_CONFIG_ERROR_MAX, "schema entry %zu (%s): %s", i, e->key != NULL ? e->key : "(null)",
                     reason);
            return DERMIS_CONFIG_EINVAL;
        }
    }
    return 0;
}
