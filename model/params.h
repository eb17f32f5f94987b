/* Parameters of the healing-cascade kinetics (model/kinetics.c), in the units of model/units.h.
 * Every field is a configuration key (io/schema_model.c gives key, unit, default, range and
 * source) and is documented in docs/model.md. */
#ifndef DERMIS_MODEL_PARAMS_H
#define DERMIS_MODEL_PARAMS_H

typedef struct {
    /* Filled in by the healing-cascade work (issue 4). */
    double fibroblast_baseline_per_mm3;
} dermis_model_params;

#endif
