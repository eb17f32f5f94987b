/* Topical product transport coefficients and dose (formulas and sources in topical.h). */
#include "model/topical.h"

#include <math.h>

#include "model/model.h"
#include "model/units.h"

#define MM_PER_CM 10.0

double dermis_topical_diffusivity_mm2_per_day(const dermis_topical_params *t)
{
    if (!isnan(t->diffusivity_mm2_per_day)) return t->diffusivity_mm2_per_day;
    switch (t->molecule) {
    case DERMIS_MOLECULE_SMALL: return DERMIS_TOPICAL_D_SMALL_MM2_PER_DAY;
    case DERMIS_MOLECULE_PROTEIN: return DERMIS_TOPICAL_D_PROTEIN_MM2_PER_DAY;
    default: return DERMIS_TOPICAL_D_PEPTIDE_MM2_PER_DAY;
    }
}

double dermis_topical_intact_mm_per_day(const dermis_topical_params *t)
{
    return t->permeability_intact_cm_per_h * MM_PER_CM * DERMIS_HOURS_PER_DAY;
}

double dermis_topical_channel_mm_per_day(const dermis_topical_params *t, const dermis_skin_profile *skin)
{
    return dermis_topical_diffusivity_mm2_per_day(t) / skin->stratum_corneum_mm;
}

double dermis_topical_load_ng_per_cm2(const dermis_tissue *tissue, const double *field)
{
    const dermis_grid *g = &tissue->grid;
    const size_t n = dermis_grid_voxels(g);
    double sum = 0.0;
    for (size_t v = 0; v < n; ++v)
        if (tissue->layer[v] != DERMIS_LAYER_STRATUM_CORNEUM) sum += field[v];
    const double per_column_pg_per_mm3 = sum / (double)(g->nx * g->ny);
    return per_column_pg_per_mm3 * g->dx_mm * DERMIS_PG_PER_MM2_TO_NG_PER_CM2;
}

int dermis_topical_configure_model(dermis_model *m, const dermis_topical_params *t)
{
    const double D = dermis_topical_diffusivity_mm2_per_day(t);
    int status = dermis_model_set_topical(m, D, D, t->clearance_per_day);
    const dermis_bc robin = {DERMIS_BC_ROBIN, 0.0};
    if (status == DERMIS_MODEL_OK) status = dermis_model_set_boundary(m, DERMIS_F_TOPICAL, DERMIS_FACE_TOP, robin);
    if (status == DERMIS_MODEL_OK)
        status = dermis_model_set_boundary(m, DERMIS_F_TOPICAL_INTACT, DERMIS_FACE_TOP, robin);
    return status;
}
