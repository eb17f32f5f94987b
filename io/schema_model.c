/* Configuration keys of the model group (see io/schema.h): one NUMBER entry per healing-cascade
 * parameter, expanded from DERMIS_MODEL_PARAMS (model/params.h), which holds each key, unit,
 * default, plausible range, meaning and source once for the struct, its defaults and this table. */
#include "io/schema.h"

#include <stddef.h>

#include "io/config.h"
#include "model/params.h"

#define DERMIS_MODEL_SCHEMA_ENTRY(field, key, unit, def, lo, hi, lo_excl, doc, source)                         \
    {key, DERMIS_TYPE_NUMBER, unit, #def, 0, lo, hi, lo_excl, NULL, 0, offsetof(dermis_config, model.field), 0, 0, 0, \
     doc, source},

const dermis_schema_entry dermis_schema_model[] = {DERMIS_MODEL_PARAMS(DERMIS_MODEL_SCHEMA_ENTRY)};
const size_t dermis_schema_model_count = sizeof dermis_schema_model / sizeof dermis_schema_model[0];
