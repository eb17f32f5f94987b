/* Layer geometry of the skin and the per-voxel tissue map (see skin.h). */
#include "model/skin.h"

#include <stdlib.h>

#define DERMIS_LAYER_NAME(id, name, desc) #name,
static const char *const layer_names[DERMIS_N_LAYERS] = {DERMIS_LAYERS(DERMIS_LAYER_NAME)};
#undef DERMIS_LAYER_NAME

const char *dermis_layer_name(dermis_layer layer)
{
    return (layer >= 0 && layer < DERMIS_N_LAYERS) ? layer_names[layer] : "unknown";
}

double dermis_skin_layer_top_mm(const dermis_skin_profile *p, dermis_layer layer)
{
    const double thickness[] = {p->stratum_corneum_mm, p->epidermis_mm, p->papillary_dermis_mm,
                                p->reticular_dermis_mm};
    double top = 0.0;
    for (int l = 0; l < (int)layer && l < DERMIS_LAYER_HYPODERMIS; ++l) top += thickness[l];
    return top;
}

dermis_layer dermis_skin_layer_at_depth(const dermis_skin_profile *p, double z_mm)
{
    for (int l = DERMIS_LAYER_HYPODERMIS; l > 0; --l)
        if (z_mm >= dermis_skin_layer_top_mm(p, (dermis_layer)l)) return (dermis_layer)l;
    return DERMIS_LAYER_STRATUM_CORNEUM;
}

int dermis_tissue_alloc(dermis_tissue *t, const dermis_grid *g, const dermis_skin_profile *p)
{
    const size_t n = dermis_grid_voxels(g);
    t->grid = *g;
    t->layer = malloc(n);
    t->matrix_factor = malloc(n * sizeof *t->matrix_factor);
    if (!t->layer || !t->matrix_factor) {
        dermis_tissue_free(t);
        return -1;
    }
    const size_t plane = g->nx * g->ny;
    for (size_t iz = 0; iz < g->nz; ++iz) {
        const unsigned char l = (unsigned char)dermis_skin_layer_at_depth(p, dermis_grid_z_mm(g, iz));
        for (size_t i = 0; i < plane; ++i) {
            t->layer[iz * plane + i] = l;
            t->matrix_factor[iz * plane + i] = 1.0;
        }
    }
    return 0;
}

void dermis_tissue_free(dermis_tissue *t)
{
    free(t->layer);
    free(t->matrix_factor);
    t->layer = NULL;
    t->matrix_factor = NULL;
}
