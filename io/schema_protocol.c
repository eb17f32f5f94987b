/* Configuration keys of the protocol group: skin site ([skin]), needling device ([device]),
 * session plan ([treatment], [session.N]), topical product ([topical]), lesion ([lesion]) and
 * the reference levels of the outcome observables ([outcome]). See io/schema.h for the columns.
 * Every key but the session list and the per-session sections is a row of the lists in
 * model/protocol.h (key, unit, default, range, meaning and source written once), expanded here
 * as io/schema_model.c expands model/params.h. */
#include "io/schema.h"

#include <math.h>
#include <stddef.h>

#include "io/config.h"
#include "model/protocol.h"

#define P(f) offsetof(dermis_config, protocol.f)
#define SESSION_STRIDE sizeof(dermis_session_override)

#define ROW(section, field_, type_, key_, unit_, def, lo, hi, lo_excl, choices_, doc_, source_)                    \
    {.key = key_, .type = DERMIS_TYPE_##type_, .unit = unit_, .default_text = def, .min = lo, .max = hi,           \
     .min_exclusive = lo_excl, .choices = choices_, .offset = P(section.field_), .doc = doc_, .source = source_},
#define SKIN_ROW(...) ROW(skin, __VA_ARGS__)
#define DEVICE_ROW(...) ROW(device, __VA_ARGS__)
#define TREATMENT_ROW(...) ROW(treatment, __VA_ARGS__)
#define TOPICAL_ROW(...) ROW(topical, __VA_ARGS__)
#define LESION_ROW(...) ROW(lesion, __VA_ARGS__)
#define OUTCOME_ROW(...) ROW(outcome, __VA_ARGS__)

/* clang-format off */
const dermis_schema_entry dermis_schema_protocol[] = {
    DERMIS_PROTOCOL_SKIN(SKIN_ROW)
    DERMIS_PROTOCOL_DEVICE(DEVICE_ROW)
    /* [treatment]: the session list, then the rows */
    {.key = "treatment.session_days", .type = DERMIS_TYPE_LIST, .unit = "day", .default_text = "",
     .min = 0, .max = 3650, .max_count = DERMIS_MAX_SESSIONS, .offset = P(treatment.session_days),
     .count_offset = P(treatment.n_session_days),
     .doc = "Days of the needling sessions, strictly increasing; empty (and no session_count) means no treatment.",
     .source = "clinical series (Harris 2015): e.g. 0, 28, 56", .example = "0, 28, 56"},
    DERMIS_PROTOCOL_TREATMENT(TREATMENT_ROW)
    /* [session.N] */
    {.key = "session.#.device", .type = DERMIS_TYPE_ENUM, .unit = "", .choices = dermis_device_names,
     .offset = P(session[0].device), .index_stride = SESSION_STRIDE, .index_max = DERMIS_MAX_SESSIONS,
     .doc = "Device of session N (1-based); unset uses device.type.", .source = "protocol choice"},
    {.key = "session.#.depth_mm", .type = DERMIS_TYPE_NUMBER, .unit = "mm", .min = 0, .max = 3.5,
     .min_exclusive = 1, .offset = P(session[0].depth_mm), .index_stride = SESSION_STRIDE,
     .index_max = DERMIS_MAX_SESSIONS,
     .doc = "Nominal needle depth of session N (1-based); unset uses device.depth_mm.", .source = "protocol choice"},
    DERMIS_PROTOCOL_TOPICAL(TOPICAL_ROW)
    DERMIS_PROTOCOL_LESION(LESION_ROW)
    DERMIS_PROTOCOL_OUTCOME(OUTCOME_ROW)
};
/* clang-format on */
const size_t dermis_schema_protocol_count = sizeof dermis_schema_protocol / sizeof dermis_schema_protocol[0];
