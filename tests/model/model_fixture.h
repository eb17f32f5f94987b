/* Shared fixture of the model tests: a 1-D skin column with every layer and its model. */
#ifndef DERMIS_TESTS_MODEL_FIXTURE_H
#define DERMIS_TESTS_MODEL_FIXTURE_H

#include <stdlib.h>

#include "model/model.h"

typedef struct {
    dermis_grid grid;
    dermis_tissue tissue;
    dermis_model_params params;
    dermis_model *model;
} model_fixture;

/* A 2 mm column of nz voxels: stratum corneum 0.02 mm, epidermis 0.08 mm, papillary dermis
 * 0.3 mm, reticular dermis 1.2 mm, hypodermis below. Returns 0 on success. */
static inline int model_fixture_init(model_fixture *fx, size_t nz, const dermis_model_params *params)
{
    fx->grid = (dermis_grid){1, 1, 1, nz, 2.0 / (double)nz, DERMIS_LATERAL_ZERO_FLUX};
    const dermis_skin_profile profile = {0.02, 0.08, 0.3, 1.2};
    if (dermis_tissue_alloc(&fx->tissue, &fx->grid, &profile) != 0) return -1;
    if (params) fx->params = *params;
    else dermis_model_params_defaults(&fx->params);
    int status = 0;
    fx->model = dermis_model_alloc(&fx->params, &fx->tissue, &status, NULL, 0);
    return fx->model ? 0 : -1;
}

static inline void model_fixture_free(model_fixture *fx)
{
    dermis_model_free(fx->model);
    dermis_tissue_free(&fx->tissue);
}

#endif
