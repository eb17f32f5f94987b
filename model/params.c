/* Defaults of the healing-cascade parameters, expanded from DERMIS_MODEL_PARAMS (params.h), the
 * same list that gives the schema's default texts, so both always agree. */
#include "model/params.h"

void dermis_model_params_defaults(dermis_model_params *p)
{
#define DERMIS_MODEL_PARAM_DEFAULT(field, key, unit, def, lo, hi, lo_excl, doc, source) p->field = def;
    DERMIS_MODEL_PARAMS(DERMIS_MODEL_PARAM_DEFAULT)
#undef DERMIS_MODEL_PARAM_DEFAULT
}
