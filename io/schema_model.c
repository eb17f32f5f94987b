/* Configuration keys of the model group (see io/schema.h): one NUMBER entry per healing-cascade
 * parameter, expanded from DERMIS_MODEL_PARAMS (model/params.h), which holds each key, unit,
 * default, plausible range, meaning and source once for the struct, its defaults and this table. */
#include "io/schema.h"

#include <stddef.h>

#include "io/config.h"
#include "model/params.h"

#define DERMIS_MODEL_SCHEMA_ENTRY(field, key_, unit_, def, lo, hi, lo_excl, doc_, source_)                     \
    {.key = key_, .type = DERMIS_TYPE_NUMBER, .unit = unit_, .default_text = #def, .min = lo, .max = hi,        \
     .min_exclusive = lo_excl, .offset = offsetof(dermis_config, model.field), .doc = doc_, .source = source_},

const dermis_schema_entry dermis_schema_model[] = {DERMIS_MODEL_PARAMS(DERMIS_MODEL_SCHEMA_ENTRY)};
const size_t dermis_schema_model_count = sizeof dermis_schema_model / sizeof dermis_schema_model[0];
