/* The strict INI reader: defaults from the schema, then an INI file (libinih), then --set
 * overrides, every value checked against its schema entry, then cross-key checks.
 *
 * libinih is lenient where configparser (the Python side that reads and writes the same files)
 * differs, so each physical line is checked before libinih sees it: a line longer than
 * libinih's buffer, an indented (continuation) line, an inline comment, a repeated or unknown
 * section and a stray character are refused with one "FILE:LINE: key: reason" message. The
 * lines are fed to libinih through ini_parse_stream, which also gives us the line number of
 * each key (the Debian build of libinih does not pass it to the handler). */
#include "io/config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "io/config_internal.h"
#include "model/protocol.h"
#include "model/species.h"

/* Sections one file may hold (each can appear once). */
#define SECTIONS_MAX 256
/* Characters of a section name: what configparser and the schema keys agree on. */
#define SECTION_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
/* Largest grid the checks let through: beyond this the state alone needs tens of GB. */
#define VOXELS_MAX 1e9
/* Relative tolerance for "a whole number of voxels": absorbs the rounding of extent / dx. */
#define VOXEL_ROUNDING 1e-9

/* Where one key's value came from: a source (file or --set text) and a line, or a default. */
typedef struct {
    int source;       /* index into origin->sources, -1 = schema default */
    int line;         /* line in the file, 0 for --set */
    unsigned read_id; /* which read call set it, to find a key given twice in one file */
} origin_slot;

typedef struct {
    char *text;      /* file name, or the --set assignment as typed */
    int is_override; /* 1 for --set */
} origin_source;

struct dermis_config_origin {
    size_t n_entries;
    size_t *slot_base; /* first slot of each schema entry (entries have index_max slots or 1) */
    origin_slot *slots;
    size_t n_slots;
    origin_source *sources;
    size_t n_sources;
    unsigned read_count;
    int last_file; /* source of the last file read, -1 if none */
};

/* Where the value being applied comes from, for origin records and error prefixes. */
typedef struct {
    const dermis_config_origin *origin;
    int source;
    int line;
    unsigned read_id;
} assignment_site;

/* State of one read (file or string), shared by the line reader and the libinih handler. */
typedef struct {
    FILE *file;       /* read from file, or ... */
    const char *text; /* ... from this text */
    size_t pos;
    const char *name; /* file name for messages */
    const dermis_ini_client *client; /* another file format (e.g. a sweep); NULL: the schema */
    dermis_config *cfg;
    dermis_config_origin *origin;
    assignment_site site;
    int line;
    int failed;
    char *err;
    char section[DERMIS_CONFIG_LINE_MAX + 1];
    char last_key[2 * DERMIS_CONFIG_LINE_MAX + 2];
    char sections[SECTIONS_MAX][DERMIS_CONFIG_LINE_MAX + 1];
    int section_lines[SECTIONS_MAX];
    size_t n_sections;
} reader_state;

/* ---------------------------------------------------------------- defaults */

void dermis_config_defaults(dermis_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    size_t n = dermis_schema_count();
    char reason[DERMIS_REASON_MAX];
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        size_t copies = dermis_entry_copies(e), first = strchr(e->key, '#') != NULL ? 1 : 0;
        for (size_t k = 0; k < copies; k++) {
            /* A default that fails to parse is reported by dermis_config_check_schema. */
            if (e->default_text == NULL || dermis_value_set(cfg, e, first + k, e->default_text, reason) != 0)
                dermis_value_unset(cfg, e, first + k);
        }
    }
}

/* ---------------------------------------------------------------- origin */

dermis_config_origin *dermis_config_origin_alloc(void)
{
    dermis_config_origin *o = calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->n_entries = dermis_schema_count();
    o->slot_base = calloc(o->n_entries + 1, sizeof *o->slot_base);
    for (size_t i = 0; o->slot_base != NULL && i < o->n_entries; i++)
        o->slot_base[i + 1] = o->slot_base[i] + dermis_entry_copies(dermis_schema_at(i));
    o->n_slots = o->slot_base != NULL ? o->slot_base[o->n_entries] : 0;
    o->slots = malloc((o->n_slots + 1) * sizeof *o->slots);
    if (o->slot_base == NULL || o->slots == NULL) {
        dermis_config_origin_free(o);
        return NULL;
    }
    for (size_t s = 0; s < o->n_slots; s++)
        o->slots[s] = (origin_slot){.source = -1};
    o->last_file = -1;
    return o;
}

void dermis_config_origin_free(dermis_config_origin *origin)
{
    if (origin == NULL)
        return;
    for (size_t i = 0; i < origin->n_sources; i++)
        free(origin->sources[i].text);
    free(origin->sources);
    free(origin->slots);
    free(origin->slot_base);
    free(origin);
}

/* Records a source; returns its number or -1 when out of memory. */
static int add_source(dermis_config_origin *o, const char *text, int is_override)
{
    origin_source *grown = realloc(o->sources, (o->n_sources + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    o->sources = grown;
    size_t n = strlen(text);
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, text, n + 1);
    o->sources[o->n_sources] = (origin_source){.text = copy, .is_override = is_override};
    return (int)o->n_sources++;
}

static origin_slot *slot_of(const dermis_config_origin *o, const dermis_schema_entry *e, size_t index)
{
    size_t pos = dermis_schema_position(e);
    if (o == NULL || pos >= o->n_entries)
        return NULL;
    return &o->slots[o->slot_base[pos] + (index > 0 ? index - 1 : 0)];
}

static const origin_slot *slot_of_key(const dermis_config_origin *o, const char *key)
{
    size_t index;
    const dermis_schema_entry *e = dermis_schema_find(key, &index);
    return e != NULL ? slot_of(o, e, index) : NULL;
}

int dermis_config_origin_line(const dermis_config_origin *origin, const char *key)
{
    const origin_slot *s = slot_of_key(origin, key);
    if (s == NULL)
        return -1;
    return s->source >= 0 && !origin->sources[s->source].is_override ? s->line : 0;
}

void dermis_config_origin_describe(const dermis_config_origin *origin, const char *key, char *buf, size_t len)
{
    const origin_slot *s = slot_of_key(origin, key);
    if (s == NULL || s->source < 0)
        snprintf(buf, len, "default");
    else if (origin->sources[s->source].is_override)
        snprintf(buf, len, "--set %s", origin->sources[s->source].text);
    else
        snprintf(buf, len, "%s:%d", origin->sources[s->source].text, s->line);
}

/* ---------------------------------------------------------------- messages */

/* "FILE:LINE: key: reason", "--set text: reason" or "FILE: key: reason" for a default. */
static void site_error(const dermis_config_origin *o, int source, int line, const char *key, const char *reason,
                       char *err)
{
    if (o != NULL && source >= 0 && o->sources[source].is_override)
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "--set %s: %s", o->sources[source].text, reason);
    else if (key[0] == '\0' && o != NULL && source >= 0)
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: %s", o->sources[source].text, reason);
    else if (o != NULL && source >= 0 && line > 0)
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s:%d: %s: %s", o->sources[source].text, line, key, reason);
    else if (o != NULL && source >= 0)
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: %s: %s", o->sources[source].text, key, reason);
    else
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: %s", key, reason);
}

int dermis_config_error(const dermis_config_origin *origin, const char *key, char err[DERMIS_CONFIG_ERROR_MAX],
                        const char *fmt, ...)
{
    char reason[DERMIS_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    const origin_slot *s = slot_of_key(origin, key);
    if (s != NULL && s->source >= 0)
        site_error(origin, s->source, s->line, key, reason, err);
    else
        site_error(origin, origin != NULL ? origin->last_file : -1, 0, key, reason, err);
    return DERMIS_CONFIG_EINVAL;
}

/* ---------------------------------------------------------------- applying one value */

static void mark_index_set(dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    int group = dermis_schema_index_group(e);
    if (group >= 0 && index >= 1 && index <= DERMIS_CONFIG_INDEX_MAX)
        cfg->index_set[group][index - 1] = 1;
}

int dermis_config_index_is_set(const dermis_config *cfg, const char *prefix, size_t index)
{
    char key[DERMIS_CONFIG_LINE_MAX + 1];
    size_t n = dermis_schema_count(), prefix_len = strlen(prefix);
    if (index < 1 || index > DERMIS_CONFIG_INDEX_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        dermis_schema_section(e->key, key, sizeof key);
        if (strncmp(key, prefix, prefix_len) == 0 && strcmp(key + prefix_len, ".#") == 0)
            return cfg->index_set[dermis_schema_index_group(e)][index - 1];
    }
    return 0;
}

/* Why key is not in the schema: an index out of range, a near miss, or nothing close. */
static void unknown_key_reason(const char *key, char *reason)
{
    size_t index;
    char suggestion[DERMIS_CONFIG_LINE_MAX + 1];
    const dermis_schema_entry *e = dermis_schema_find_unbounded(key, &index);
    if (e != NULL) {
        snprintf(reason, DERMIS_REASON_MAX, "index %zu is out of range (1 to %zu)", index, e->index_max);
        return;
    }
    size_t distance = dermis_schema_suggest(key, suggestion, sizeof suggestion);
    if (dermis_is_near_miss(key, distance))
        snprintf(reason, DERMIS_REASON_MAX, "unknown key (did you mean %s?)", suggestion);
    else
        snprintf(reason, DERMIS_REASON_MAX, "unknown key (`dermis params` lists all keys)");
}

/* The INI line `name = value` that dermis_config_to_ini will write must fit libinih's buffer. */
static int check_written_length(const dermis_config *cfg, const dermis_schema_entry *e, size_t index, char *reason)
{
    char value[8 * DERMIS_CONFIG_LINE_MAX];
    dermis_config_format_value(cfg, e, index, value, sizeof value);
    const char *dot = strrchr(e->key, '.');
    size_t length = strlen(dot + 1) + 3 + strlen(value);
    if (length <= DERMIS_CONFIG_LINE_MAX)
        return 0;
    snprintf(reason, DERMIS_REASON_MAX,
             "value too long: written back as `%s = ...` it takes %zu characters "
             "(at most %d per line)",
             dot + 1, length, DERMIS_CONFIG_LINE_MAX);
    return -1;
}

/* Looks key up, checks and stores value, and records where it came from. Returns 0 or DERMIS_CONFIG_EINVAL. */
static int apply_value(dermis_config *cfg, dermis_config_origin *o, const assignment_site *site, const char *key,
                       const char *value, char *err)
{
    char reason[DERMIS_REASON_MAX];
    size_t index;
    const dermis_schema_entry *e = dermis_schema_find(key, &index);
    origin_slot *slot = e != NULL ? slot_of(o, e, index) : NULL;
    int is_file = site->source >= 0 && !o->sources[site->source].is_override;
    if (e == NULL) {
        unknown_key_reason(key, reason);
    } else if (is_file && slot != NULL && slot->source == site->source && slot->read_id == site->read_id) {
        snprintf(reason, DERMIS_REASON_MAX, "duplicate key (first set on line %d)", slot->line);
    } else if (dermis_value_set(cfg, e, index, value, reason) == 0 &&
               check_written_length(cfg, e, index, reason) == 0) {
        if (slot != NULL)
            *slot = (origin_slot){.source = site->source, .line = site->line, .read_id = site->read_id};
        mark_index_set(cfg, e, index);
        return 0;
    }
    site_error(o, site->source, site->line, key, reason, err);
    return DERMIS_CONFIG_EINVAL;
}

/* ---------------------------------------------------------------- line checks */

static int next_char(reader_state *r)
{
    if (r->file != NULL)
        return getc(r->file);
    return r->text[r->pos] != '\0' ? (unsigned char)r->text[r->pos++] : EOF;
}

/* Error for the current line; key may be "" when the line names none. */
static int line_error(reader_state *r, const char *key, const char *fmt, ...)
{
    char reason[DERMIS_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (key[0] != '\0')
        snprintf(r->err, DERMIS_CONFIG_ERROR_MAX, "%s:%d: %s: %s", r->name, r->line, key, reason);
    else
        snprintf(r->err, DERMIS_CONFIG_ERROR_MAX, "%s:%d: %s", r->name, r->line, reason);
    r->failed = 1;
    return -1;
}

/* The "section.key" a key line names (best effort, for messages), into buf. */
static void key_of_line(const reader_state *r, const char *line, char *buf, size_t len)
{
    size_t name_len = strcspn(line, "=:");
    while (name_len > 0 && (line[name_len - 1] == ' ' || line[name_len - 1] == '\t'))
        name_len--;
    if (line[strcspn(line, "=:")] == '\0' || line[0] == '[' || r->section[0] == '\0')
        buf[0] = '\0';
    else
        snprintf(buf, len, "%s.%.*s", r->section, (int)name_len, line);
}

/* Reads one physical line (without its line end) into line; returns its full length, or -1 at
 * the end of input. *bad is set to the first control byte found (0 if none). */
static long read_physical_line(reader_state *r, char *line, size_t cap, int *bad)
{
    long length = 0;
    int c = next_char(r);
    *bad = 0;
    if (c == EOF)
        return -1;
    for (; c != EOF && c != '\n'; c = next_char(r)) {
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f || c == 0) {
            if (*bad == 0)
                *bad = c == 0 ? 0x100 : c; /* 0x100 stands for NUL, which would end the string */
        }
        if ((size_t)length < cap)
            line[length] = (char)c;
        length++;
    }
    size_t stored = (size_t)length < cap ? (size_t)length : cap;
    line[stored] = '\0';
    /* A CR before the LF is part of a Windows line end; anywhere else it is a stray byte. */
    if (stored > 0 && (size_t)length == stored && line[stored - 1] == '\r') {
        line[--stored] = '\0';
        length--;
    }
    if (*bad == 0 && strchr(line, '\r') != NULL)
        *bad = '\r';
    return length;
}

static int check_section_header(reader_state *r, const char *line)
{
    const char *close = strchr(line, ']');
    size_t name_len = close != NULL ? (size_t)(close - line - 1) : 0;
    if (close == NULL)
        return line_error(r, "", "section header without closing ']'");
    if (close[1 + strspn(close + 1, " \t")] != '\0')
        return line_error(r, "", "text after the section header (put comments on their own line)");
    char name[DERMIS_CONFIG_LINE_MAX + 1];
    snprintf(name, sizeof name, "%.*s", (int)name_len, line + 1);
    if (name[0] == '\0' || strspn(name, SECTION_CHARS) != name_len)
        return line_error(r, "", "invalid section name '[%s]' (letters, digits, '_', '.' and '-' only)", name);
    for (size_t i = 0; i < r->n_sections; i++)
        if (strcmp(r->sections[i], name) == 0)
            return line_error(r, "", "section [%s] appears twice (first on line %d); merge them into one", name,
                              r->section_lines[i]);
    char client_reason[DERMIS_REASON_MAX];
    if (r->client != NULL && r->client->section(r->client->user, name, client_reason, sizeof client_reason) != 0)
        return line_error(r, "", "%s", client_reason);
    if (r->client == NULL && !dermis_schema_section_exists(name)) {
        char key[DERMIS_CONFIG_LINE_MAX + 2], suggestion[DERMIS_CONFIG_LINE_MAX + 1];
        size_t index;
        snprintf(key, sizeof key, "%s.", name);
        dermis_schema_suggest(key, suggestion, sizeof suggestion);
        const dermis_schema_entry *e = dermis_schema_find_unbounded(suggestion, &index);
        dermis_schema_section(suggestion, key, sizeof key);
        size_t distance = dermis_edit_distance(name, key);
        if (e != NULL && index > e->index_max && strcmp(key, name) == 0)
            return line_error(r, "", "section [%s]: index %zu is out of range (1 to %zu)", name, index, e->index_max);
        if (dermis_is_near_miss(name, distance))
            return line_error(r, "", "unknown section [%s] (did you mean [%s]?)", name, key);
        return line_error(r, "", "unknown section [%s] (`dermis params` lists all sections)", name);
    }
    if (r->n_sections == SECTIONS_MAX)
        return line_error(r, "", "too many sections (at most %d)", SECTIONS_MAX);
    snprintf(r->sections[r->n_sections], sizeof r->sections[0], "%s", name);
    r->section_lines[r->n_sections++] = r->line;
    snprintf(r->section, sizeof r->section, "%s", name);
    r->last_key[0] = '\0';
    return 0;
}

/* An empty [session.3] still declares session 3: mark it before any key arrives. */
static void mark_section_set(reader_state *r)
{
    char probe[DERMIS_CONFIG_LINE_MAX + 2];
    size_t n = dermis_schema_count(), index;
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        const char *dot = strrchr(e->key, '.');
        if (strchr(e->key, '#') == NULL || dot == NULL)
            continue;
        snprintf(probe, sizeof probe, "%s%s", r->section, dot);
        if (dermis_schema_find(probe, &index) == e) {
            mark_index_set(r->cfg, e, index);
            return;
        }
    }
}

static int check_key_line(reader_state *r, const char *line)
{
    char key[sizeof r->last_key];
    key_of_line(r, line, key, sizeof key);
    if (line[strcspn(line, "=:")] == '\0')
        return line_error(r, "", "expected `key = value`, a [section] header, or a comment on its own line");
    if (strcspn(line, "=:") == 0)
        return line_error(r, "", "missing key name before '%c'", line[0]);
    if (r->section[0] == '\0')
        return line_error(r, "", "key outside any section: put it under a [section] header");
    snprintf(r->last_key, sizeof r->last_key, "%s", key);
    return 0;
}

/* Checks one physical line; 0 if libinih may have it. */
static int check_line(reader_state *r, const char *line, long length, int bad, int capacity)
{
    char key[sizeof r->last_key];
    key_of_line(r, line, key, sizeof key);
    if (length > capacity)
        return line_error(r, key, "line too long (%ld characters, at most %d)", length, capacity);
    if (r->line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        return line_error(r, "", "file starts with a UTF-8 byte-order mark; save it without one");
    if (bad != 0)
        return line_error(r, key, "control character 0x%02x in the line", bad == 0x100 ? 0 : bad);
    const char *p = line + strspn(line, " \t");
    if (*p == '\0' || *p == ';' || *p == '#')
        return 0; /* blank line or comment line */
    if (p != line) {
        if (r->last_key[0] != '\0')
            return line_error(r, r->last_key,
                              "continuation lines are not allowed: write the whole value on "
                              "one line (this line is indented)");
        return line_error(r, "", "indented line: start keys and section headers in the first column");
    }
    if (strpbrk(line, ";#") != NULL)
        return line_error(r, key,
                          "inline comments are not allowed: put comments on their own line, "
                          "starting with '#' or ';'");
    if (*p == '[') {
        if (check_section_header(r, line) != 0)
            return -1;
        if (r->client == NULL)
            mark_section_set(r);
        return 0;
    }
    return check_key_line(r, line);
}

/* ini_reader: hands libinih one checked line at a time, or ends the input on an error. */
static char *feed_line(char *str, int num, void *stream)
{
    reader_state *r = stream;
    char line[DERMIS_CONFIG_LINE_MAX + 2];
    int bad;
    if (r->failed || num < 2)
        return NULL;
    long length = read_physical_line(r, line, sizeof line - 1, &bad);
    if (length < 0)
        return NULL;
    r->line++;
    int capacity = num - 1 < DERMIS_CONFIG_LINE_MAX ? num - 1 : DERMIS_CONFIG_LINE_MAX;
    if (check_line(r, line, length, bad, capacity) != 0)
        return NULL;
    snprintf(str, (size_t)num, "%s", line);
    return str;
}

#if INI_HANDLER_LINENO
static int on_key(void *user, const char *section, const char *name, const char *value, int lineno)
#else
static int on_key(void *user, const char *section, const char *name, const char *value)
#endif
{
    reader_state *r = user;
    char key[2 * DERMIS_CONFIG_LINE_MAX + 2];
#if INI_HANDLER_LINENO
    (void)lineno;
#endif
    if (r->failed)
        return 0;
    snprintf(key, sizeof key, "%s.%s", section, name);
    if (r->client != NULL) {
        char reason[DERMIS_REASON_MAX];
        if (r->client->key(r->client->user, section, name, value, r->line, reason, sizeof reason) == 0)
            return 1;
        line_error(r, key, "%s", reason);
        return 0;
    }
    r->site.line = r->line;
    if (apply_value(r->cfg, r->origin, &r->site, key, value, r->err) != 0) {
        r->failed = 1;
        return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- reading */

static int read_stream(reader_state *r, char *err)
{
    int source = add_source(r->origin, r->name, 0);
    if (source < 0) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: out of memory", r->name);
        return DERMIS_CONFIG_ENOMEM;
    }
    r->origin->last_file = source;
    r->site = (assignment_site){.origin = r->origin, .source = source, .read_id = ++r->origin->read_count};
    r->err = err;
    int rc = ini_parse_stream(feed_line, r, on_key, r);
    if (r->failed)
        return DERMIS_CONFIG_EINVAL;
    if (rc == -2) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: out of memory", r->name);
        return DERMIS_CONFIG_ENOMEM;
    }
    if (rc != 0) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s:%d: syntax error (libinih rejected the line)", r->name, rc);
        return DERMIS_CONFIG_EINVAL;
    }
    snprintf(r->cfg->source_file, sizeof r->cfg->source_file, "%s", r->name);
    return 0;
}

/* Runs one read with a reader state on the heap (it holds the section list), and a temporary
 * origin if the caller passed none (duplicate keys are found through the origin). */
static int read_with(dermis_config *cfg, dermis_config_origin *origin, const char *name, FILE *file, const char *text,
                     char *err)
{
    reader_state *r = calloc(1, sizeof *r);
    dermis_config_origin *own = origin == NULL ? dermis_config_origin_alloc() : NULL;
    int rc = DERMIS_CONFIG_EINVAL;
    if (r == NULL || (origin == NULL && own == NULL)) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: out of memory", name);
        rc = DERMIS_CONFIG_ENOMEM;
    } else {
        *r = (reader_state){
            .file = file, .text = text, .name = name, .cfg = cfg, .origin = origin != NULL ? origin : own};
        rc = read_stream(r, err);
    }
    free(r);
    dermis_config_origin_free(own);
    return rc;
}

int dermis_config_read_file(dermis_config *cfg, dermis_config_origin *origin, const char *path,
                            char err[DERMIS_CONFIG_ERROR_MAX])
{
    /* Only a regular file: /dev/zero would feed NUL bytes forever and a FIFO would block until a
     * writer comes. The type is checked on the opened descriptor (O_NONBLOCK so that opening a
     * FIFO does not wait), so the file checked is the file read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: cannot open: %s", path, strerror(errno));
        return DERMIS_CONFIG_EINVAL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: not a regular file (a configuration is an INI file)", path);
        close(fd);
        return DERMIS_CONFIG_EINVAL;
    }
    FILE *file = fdopen(fd, "rb");
    if (file == NULL) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return DERMIS_CONFIG_EINVAL;
    }
    int rc = read_with(cfg, origin, path, file, NULL, err);
    if (rc == 0 && ferror(file)) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: read error", path);
        rc = DERMIS_CONFIG_EINVAL;
    }
    fclose(file);
    return rc;
}

int dermis_config_read_string(dermis_config *cfg, dermis_config_origin *origin, const char *name, const char *text,
                              char err[DERMIS_CONFIG_ERROR_MAX])
{
    return read_with(cfg, origin, name, NULL, text, err);
}

int dermis_ini_read_file(const char *path, const dermis_ini_client *client, char err[DERMIS_CONFIG_ERROR_MAX])
{
    FILE *file = fopen(path, "rb");
    reader_state *r = calloc(1, sizeof *r);
    int rc = DERMIS_CONFIG_EINVAL;
    if (file == NULL) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: cannot open: %s", path, strerror(errno));
    } else if (r == NULL) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: out of memory", path);
    } else {
        *r = (reader_state){.file = file, .name = path, .client = client, .err = err};
        int parsed = ini_parse_stream(feed_line, r, on_key, r);
        if (!r->failed && parsed != 0)
            snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s:%d: syntax error (libinih rejected the line)", path, parsed);
        if (!r->failed && parsed == 0 && ferror(file))
            snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: read error", path);
        else if (!r->failed && parsed == 0)
            rc = 0;
    }
    free(r);
    if (file != NULL)
        fclose(file);
    return rc;
}

/* ---------------------------------------------------------------- --set */

void dermis_config_trim(const char *begin, const char *end, char *buf, size_t len)
{
    while (begin < end && (*begin == ' ' || *begin == '\t'))
        begin++;
    while (end > begin && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t n = (size_t)(end - begin) < len - 1 ? (size_t)(end - begin) : len - 1;
    memcpy(buf, begin, n);
    buf[n] = '\0';
}

/* Copies text into buf with control characters written as \n, \t, \r or \xHH, so that a message
 * quoting it stays on one line. */
static void escape_controls(const char *text, char *buf, size_t len)
{
    size_t used = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0' && used + 5 < len; p++) {
        if (*p >= 0x20 && *p != 0x7f)
            buf[used++] = (char)*p;
        else if (*p == '\n' || *p == '\t' || *p == '\r')
            used += (size_t)snprintf(buf + used, len - used, "\\%c", *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r');
        else
            used += (size_t)snprintf(buf + used, len - used, "\\x%02x", *p);
    }
    buf[used] = '\0';
}

/* Problems of the assignment text itself, before the key is looked up; NULL if none. */
static const char *override_text_problem(const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment)
        return "expected section.key=value";
    for (const unsigned char *p = (const unsigned char *)assignment; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "control characters are not allowed";
    if (strpbrk(eq, ";#") != NULL)
        return "';' and '#' are not allowed in values (INI files read them as comments)";
    if (strlen(assignment) > 4 * DERMIS_CONFIG_LINE_MAX)
        return "assignment too long";
    return NULL;
}

static int apply_override(dermis_config *cfg, dermis_config_origin *o, const char *assignment, char *err)
{
    char key[4 * DERMIS_CONFIG_LINE_MAX + 1], value[4 * DERMIS_CONFIG_LINE_MAX + 1];
    const char *problem = override_text_problem(assignment);
    if (problem != NULL) {
        char shown[DERMIS_CONFIG_LINE_MAX + 1];
        escape_controls(assignment, shown, sizeof shown);
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "--set %s: %s", shown, problem);
        return DERMIS_CONFIG_EINVAL;
    }
    const char *eq = strchr(assignment, '=');
    dermis_config_trim(assignment, eq, key, sizeof key);
    dermis_config_trim(eq + 1, eq + strlen(eq), value, sizeof value);
    int source = add_source(o, assignment, 1);
    if (source < 0) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "--set %s: out of memory", assignment);
        return DERMIS_CONFIG_ENOMEM;
    }
    assignment_site site = {.origin = o, .source = source, .read_id = ++o->read_count};
    return apply_value(cfg, o, &site, key, value, err);
}

int dermis_config_apply_override(dermis_config *cfg, dermis_config_origin *origin, const char *assignment,
                                 char err[DERMIS_CONFIG_ERROR_MAX])
{
    dermis_config_origin *own = origin == NULL ? dermis_config_origin_alloc() : NULL;
    if (origin == NULL && own == NULL) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "--set %s: out of memory", assignment);
        return DERMIS_CONFIG_ENOMEM;
    }
    int rc = apply_override(cfg, origin != NULL ? origin : own, assignment, err);
    dermis_config_origin_free(own);
    return rc;
}

/* ---------------------------------------------------------------- finishing checks */

size_t dermis_config_axis_voxels(double extent_mm, double dx_mm)
{
    if (!(extent_mm > 0) || !(dx_mm > 0) || !isfinite(extent_mm / dx_mm))
        return 0;
    double ratio = extent_mm / dx_mm, whole = nearbyint(ratio);
    if (whole < 1 || whole > VOXELS_MAX || fabs(ratio - whole) > VOXEL_ROUNDING * whole)
        return 0;
    return (size_t)whole;
}

/* 1 if the key's value came from the file or --set rather than the schema default. */
static int was_given(const dermis_config_origin *origin, const char *key)
{
    const origin_slot *s = slot_of_key(origin, key);
    return s != NULL && s->source >= 0;
}

static int check_required(const dermis_config *cfg, const dermis_config_origin *origin, char *err)
{
    size_t n = dermis_schema_count();
    char key[DERMIS_CONFIG_LINE_MAX + 1], section[DERMIS_CONFIG_LINE_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        const dermis_schema_entry *e = dermis_schema_at(i);
        int indexed = strchr(e->key, '#') != NULL;
        int group = dermis_schema_index_group(e);
        for (size_t k = indexed ? 1 : 0; e->required && k <= (indexed ? e->index_max : 0); k++) {
            if (indexed && (group < 0 || !cfg->index_set[group][k - 1]))
                continue;
            dermis_entry_key(e, k, key, sizeof key);
            int present = origin != NULL ? was_given(origin, key) : !dermis_value_is_unset(cfg, e, k);
            if (present)
                continue;
            dermis_schema_section(key, section, sizeof section);
            return dermis_config_error(origin, key, err, "required key is missing (add `%s = ...` under [%s])",
                                       strrchr(key, '.') + 1, section);
        }
    }
    return 0;
}

int dermis_config_problem_set(dermis_config_problem *pr, const char *key, const char *sentence, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    snprintf(pr->key, sizeof pr->key, "%s", key);
    vsnprintf(pr->reason, sizeof pr->reason, fmt, ap);
    snprintf(pr->sentence, sizeof pr->sentence, "%s", sentence != NULL ? sentence : "");
    va_end(ap);
    return -1;
}

static int rule_extent(const dermis_config *cfg, const char *key, double extent_mm, dermis_config_problem *pr)
{
    if (dermis_config_axis_voxels(extent_mm, cfg->run.dx_mm) != 0)
        return 0;
    char extent[40], dx[40], sentence[DERMIS_REASON_MAX];
    dermis_config_format_number(extent_mm, extent, sizeof extent);
    dermis_config_format_number(cfg->run.dx_mm, dx, sizeof dx);
    snprintf(sentence, sizeof sentence, "%s = %s mm is not a whole number of voxels of run.dx_mm = %s mm", key, extent,
             dx);
    return dermis_config_problem_set(pr, key, sentence, "%s mm is not a whole number of voxels of run.dx_mm = %s mm",
                                     extent, dx);
}

/* A periodic line of two voxels would couple the pair through both faces (the solver refuses it). */
static int rule_periodic_pair(const dermis_config *cfg, const char *key, double extent_mm, int used,
                              dermis_config_problem *pr)
{
    if (!used || cfg->run.lateral_boundary != 0 || dermis_config_axis_voxels(extent_mm, cfg->run.dx_mm) != 2)
        return 0;
    return dermis_config_problem_set(pr, key, NULL,
                                     "%s / run.dx_mm is 2 voxels, but a periodic section needs 1 or at least 3 "
                                     "(change either, or set run.lateral_boundary = zero_flux)",
                                     key);
}

static int rule_grid(const dermis_config *cfg, dermis_config_problem *pr)
{
    if (isnan(cfg->run.depth_mm))
        return 0; /* reported as a missing required key */
    if (rule_extent(cfg, "run.depth_mm", cfg->run.depth_mm, pr) != 0)
        return -1;
    if (cfg->run.dims >= 2 && rule_extent(cfg, "run.width_mm", cfg->run.width_mm, pr) != 0)
        return -1;
    if (cfg->run.dims >= 3 && rule_extent(cfg, "run.length_mm", cfg->run.length_mm, pr) != 0)
        return -1;
    if (rule_periodic_pair(cfg, "run.width_mm", cfg->run.width_mm, cfg->run.dims >= 2, pr) != 0 ||
        rule_periodic_pair(cfg, "run.length_mm", cfg->run.length_mm, cfg->run.dims >= 3, pr) != 0)
        return -1;
    double voxels = (double)dermis_config_voxels(cfg);
    if (voxels > VOXELS_MAX)
        return dermis_config_problem_set(pr, "run.dx_mm", NULL, "the grid would have %.3g voxels (at most %.0e)",
                                         voxels, VOXELS_MAX);
    return 0;
}

/* value of key `later` must not exceed that of key `bound`. */
static int rule_not_above(const char *later, double value, const char *bound, double limit, dermis_config_problem *pr)
{
    if (!(value > limit))
        return 0;
    char a[40], b[40], sentence[DERMIS_REASON_MAX];
    dermis_config_format_number(value, a, sizeof a);
    dermis_config_format_number(limit, b, sizeof b);
    snprintf(sentence, sizeof sentence, "%s = %s must not exceed %s = %s", later, a, bound, b);
    return dermis_config_problem_set(pr, later, sentence, "must not exceed %s = %s (got %s)", bound, b, a);
}

static int rule_times(const dermis_config *cfg, dermis_config_problem *pr)
{
    const dermis_solver_options_cfg *s = &cfg->solver;
    const dermis_output_options_cfg *o = &cfg->output;
    double t_end = cfg->run.t_end_days;
    if (rule_not_above("solver.dt_min_days", s->dt_min_days, "solver.dt_initial_days", s->dt_initial_days, pr) ||
        rule_not_above("solver.dt_initial_days", s->dt_initial_days, "solver.dt_max_days", s->dt_max_days, pr) ||
        rule_not_above("output.interval_days", o->interval_days, "run.t_end_days", t_end, pr) ||
        rule_not_above("output.observables_interval_days", o->observables_interval_days, "run.t_end_days", t_end, pr) ||
        rule_not_above("output.checkpoint_interval_days", o->checkpoint_interval_days, "run.t_end_days", t_end, pr))
        return -1;
    return 0;
}

static int rule_output_fields(const dermis_config *cfg, dermis_config_problem *pr)
{
    int selected[DERMIS_N_FIELDS];
    char reason[DERMIS_REASON_MAX];
    if (dermis_config_selected_fields(cfg, selected, reason) != 0)
        return dermis_config_problem_set(pr, "output.fields", NULL, "%s", reason);
    return 0;
}

static int rule_protocol(const dermis_config *cfg, dermis_config_problem *pr)
{
    const dermis_run_options_cfg *r = &cfg->run;
    const dermis_protocol_domain domain = {.dims = (int)r->dims,
                                           .depth_mm = r->depth_mm,
                                           .width_mm = r->width_mm,
                                           .length_mm = r->length_mm,
                                           .t_end_days = r->t_end_days};
    dermis_protocol_problem p;
    if (dermis_protocol_validate(&cfg->protocol, &domain, &p) == 0)
        return 0;
    return dermis_config_problem_set(pr, p.key, NULL, "%s", p.reason);
}

/* An indexed section ([session.5]) given beyond the number of sessions would never take effect. */
static int rule_session_sections(const dermis_config *cfg, dermis_config_problem *pr)
{
    const size_t n = dermis_protocol_session_count(&cfg->protocol.treatment);
    for (size_t k = n + 1; k <= DERMIS_MAX_SESSIONS; k++) {
        if (!dermis_config_index_is_set(cfg, "session", k))
            continue;
        char key[48];
        snprintf(key, sizeof key, "session.%zu.depth_mm", k);
        return dermis_config_problem_set(pr, key, NULL,
                                         "section [session.%zu] is given but the treatment has %zu session%s, so it "
                                         "would never take effect",
                                         k, n, n == 1 ? "" : "s");
    }
    return 0;
}

/* Order in which the keys given are tried as the culprit: later reads first (an --set after the
 * file); within one read the rule's own key, then later lines; 0 for a default. */
static unsigned long long given_rank(const origin_slot *s, int is_rule_key)
{
    if (s->source < 0)
        return 0;
    return ((unsigned long long)s->read_id << 32) + ((unsigned long long)is_rule_key << 31) + (unsigned)s->line + 1;
}

/* Resets key e[index] of cfg to its schema default. */
static void revert_to_default(dermis_config *cfg, const dermis_schema_entry *e, size_t index)
{
    char reason[DERMIS_REASON_MAX];
    if (e->default_text == NULL || dermis_value_set(cfg, e, index, e->default_text, reason) != 0)
        dermis_value_unset(cfg, e, index);
}

/* The key the user changed that makes a rule fail: of the keys given in the file or by --set,
 * latest first, the first whose return to its default makes the rule pass. Writes it into key;
 * returns 0 if none does (then the rule's own key is named). */
static int blame_changed_key(const dermis_config *cfg, const dermis_config_origin *o, dermis_config_rule rule,
                             const char *rule_key, char *key, size_t len)
{
    size_t rule_index = 0;
    const dermis_schema_entry *rule_entry = dermis_schema_find(rule_key, &rule_index);
    dermis_config *trial = malloc(sizeof *trial);
    dermis_config_problem scratch;
    unsigned long long below = ~0ULL;
    int found = 0;
    while (trial != NULL && !found) {
        /* The next candidate: the highest rank below the last one tried. */
        size_t best_entry = 0, best_index = 0;
        unsigned long long best = 0;
        for (size_t i = 0; i < o->n_entries; i++) {
            const dermis_schema_entry *e = dermis_schema_at(i);
            size_t copies = dermis_entry_copies(e), first = strchr(e->key, '#') != NULL ? 1 : 0;
            for (size_t k = 0; k < copies; k++) {
                int is_rule_key = e == rule_entry && first + k == (rule_index > 0 ? rule_index : first);
                unsigned long long r = given_rank(&o->slots[o->slot_base[i] + k], is_rule_key);
                if (r > best && r < below) {
                    best = r;
                    best_entry = i;
                    best_index = first + k;
                }
            }
        }
        const dermis_schema_entry *e = dermis_schema_at(best_entry);
        /* A key without a default (run.depth_mm) has nothing to return to: the rule's own key
         * is named; another such key is passed over. */
        if (best == 0 || (e == rule_entry && e->default_text == NULL))
            break;
        below = best;
        if (e->default_text == NULL)
            continue;
        memcpy(trial, cfg, sizeof *trial);
        revert_to_default(trial, e, best_index);
        if (rule(trial, &scratch) == 0) {
            dermis_entry_key(e, best_index, key, len);
            found = 1;
        }
    }
    free(trial);
    return found;
}

/* Runs one rule; on failure writes the one-line error, naming the key the user changed. */
static int apply_rule(const dermis_config *cfg, const dermis_config_origin *origin, dermis_config_rule rule, char *err)
{
    dermis_config_problem pr = {.out_of_memory = 0};
    if (rule(cfg, &pr) == 0)
        return 0;
    if (pr.out_of_memory) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "out of memory while checking the configuration (%s)", pr.reason);
        return DERMIS_CONFIG_ENOMEM;
    }
    char blamed[DERMIS_CONFIG_LINE_MAX + 1];
    if (origin == NULL || !blame_changed_key(cfg, origin, rule, pr.key, blamed, sizeof blamed) ||
        strcmp(blamed, pr.key) == 0)
        return dermis_config_error(origin, pr.key, err, "%s", pr.reason);
    return dermis_config_error(origin, blamed, err, "%s", pr.sentence[0] != '\0' ? pr.sentence : pr.reason);
}

/* Cross-key rules run by dermis_config_finish, in order; the first failure is reported. A rule
 * is added here as one line (see config_internal.h for the signature). */
static const dermis_config_rule finish_rules[] = {
    rule_grid,
    dermis_config_rule_resources,
    rule_times,
    rule_output_fields,
    rule_protocol,
    rule_session_sections,
    dermis_config_rule_setup,
};

int dermis_config_finish(dermis_config *cfg, const dermis_config_origin *origin, char err[DERMIS_CONFIG_ERROR_MAX])
{
    if (check_required(cfg, origin, err) != 0)
        return DERMIS_CONFIG_EINVAL;
    for (size_t i = 0; i < sizeof finish_rules / sizeof finish_rules[0]; i++) {
        int rc = apply_rule(cfg, origin, finish_rules[i], err);
        if (rc != 0)
            return rc;
    }
    return 0;
}
