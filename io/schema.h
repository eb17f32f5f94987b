/* The configuration schema: one entry per configuration key, the single source of truth for
 * parsing (`dermis run`, `--set`), validation, `dermis check`, `dermis params`, the output's
 * provenance attributes and the generated parameter docs.
 *
 * Keys are "section.name" exactly as in the INI file ([device] depth_mm = 1.5 is
 * device.depth_mm; [species.fibroblasts] proliferation_per_day is
 * species.fibroblasts.proliferation_per_day). An indexed section is written with '#' in the
 * schema key ("session.#.depth_mm") and matches [session.1], [session.2], ...; the value of
 * [session.k] is stored at offset + (k-1)*index_stride, for k = 1..index_max.
 *
 * Storage of a value inside dermis_config (io/config.h) by type:
 *   NUMBER   double           INTEGER  long          BOOLEAN  int (0/1)
 *   STRING   char[DERMIS_CONFIG_STRING_MAX]           ENUM     int (index into choices)
 *   LIST     double[max_count] at offset, size_t count at count_offset
 * A key that is neither required nor has a default is "unset" until given: NUMBER NaN,
 * ENUM -1, STRING "", LIST count 0.
 *
 * The schema tables are plain data. They are spread over a few files by section group
 * (schema_core.c: run/output/solver; schema_model.c: species and kinetics; schema_protocol.c:
 * skin, device, treatment, session, topical, lesion) and joined in schema.c.
 */
#ifndef DERMIS_IO_SCHEMA_H
#define DERMIS_IO_SCHEMA_H

#include <stddef.h>

typedef enum {
    DERMIS_TYPE_NUMBER = 0,
    DERMIS_TYPE_INTEGER,
    DERMIS_TYPE_BOOLEAN,
    DERMIS_TYPE_STRING,
    DERMIS_TYPE_ENUM,
    DERMIS_TYPE_LIST
} dermis_value_type;

typedef struct {
    const char *key; /* "section.name"; '#' stands for a session index */
    dermis_value_type type;
    const char *unit;           /* UDUNITS string, "1" for dimensionless, "" if not a quantity */
    const char *default_text;   /* as it would be written in the INI; NULL = none */
    int required;               /* 1: must be given (only sensible without a default) */
    double min, max;            /* inclusive bounds for NUMBER, INTEGER and LIST elements */
    int min_exclusive;          /* 1: value must be > min instead of >= min */
    const char *const *choices; /* ENUM names, NULL-terminated */
    size_t max_count;           /* LIST capacity; STRING max length (0 = DERMIS_CONFIG_STRING_MAX-1) */
    size_t offset;              /* offsetof(dermis_config, field) */
    size_t count_offset;        /* LIST: offsetof(dermis_config, count field) */
    size_t index_stride;        /* indexed sections: bytes between [session.k] and [session.k+1] */
    size_t index_max;           /* indexed sections: largest k */
    const char *doc;            /* one sentence: what it means */
    const char *source;         /* where the default comes from (paper, measurement, or "numerical choice") */
    const char *example;        /* value `dermis params --format ini` writes instead of the default, so
                                   that file runs like a shipped configuration; NULL = the default */
} dermis_schema_entry;

/* The joined schema, in a fixed order (core, model, protocol). */
size_t dermis_schema_count(void);
const dermis_schema_entry *dermis_schema_at(size_t i);
/* Exact lookup of a concrete key (an indexed key "session.2.depth_mm" matches "session.#.depth_mm"
 * and stores the index in *index, else *index = 0). NULL if unknown. */
const dermis_schema_entry *dermis_schema_find(const char *key, size_t *index);

/* Tables contributed by each group (defined in schema_core.c, schema_model.c, schema_protocol.c). */
extern const dermis_schema_entry dermis_schema_core[];
extern const size_t dermis_schema_core_count;
extern const dermis_schema_entry dermis_schema_model[];
extern const size_t dermis_schema_model_count;
extern const dermis_schema_entry dermis_schema_protocol[];
extern const size_t dermis_schema_protocol_count;

#endif
