/* Lesions as tissue-map edits (shapes and sources in lesion.h). */
#include "model/lesion.h"

#include <math.h>

#define PI 3.14159265358979323846

/* Lateral distance of voxel column (ix, iy) from the lesion centre, mm (0 in 1-D). */
static double lateral_distance_mm(const dermis_grid *g, const dermis_lesion_params *l, size_t ix, size_t iy)
{
    if (g->dims == 1) return 0.0;
    const double cx = isnan(l->centre_x_mm) ? 0.5 * (double)g->nx * g->dx_mm : l->centre_x_mm;
    const double dxm = ((double)ix + 0.5) * g->dx_mm - cx;
    if (g->dims == 2) return fabs(dxm);
    const double cy = isnan(l->centre_y_mm) ? 0.5 * (double)g->ny * g->dx_mm : l->centre_y_mm;
    const double dym = ((double)iy + 0.5) * g->dx_mm - cy;
    return sqrt(dxm * dxm + dym * dym);
}

/* Local depth of a scar's deficit at lateral distance r, mm (< 0 outside the scar). */
static double scar_depth_mm(const dermis_lesion_params *l, double r)
{
    const double h = 0.5 * l->width_mm;
    if (r >= h) return -1.0;
    switch (l->type) {
    case DERMIS_LESION_ICE_PICK: return l->depth_mm * (1.0 - r / h);
    case DERMIS_LESION_ROLLING: return l->depth_mm * 0.5 * (1.0 + cos(PI * r / h));
    default: return l->depth_mm;
    }
}

static int is_dermis(unsigned char layer)
{
    return layer == DERMIS_LAYER_PAPILLARY_DERMIS || layer == DERMIS_LAYER_RETICULAR_DERMIS;
}

static void apply_scar(dermis_tissue *t, const dermis_lesion_params *l, const dermis_skin_profile *skin)
{
    const dermis_grid *g = &t->grid;
    const double dermal_top = dermis_skin_layer_top_mm(skin, DERMIS_LAYER_PAPILLARY_DERMIS);
    for (size_t iy = 0; iy < g->ny; ++iy)
        for (size_t ix = 0; ix < g->nx; ++ix) {
            const double deficit = scar_depth_mm(l, lateral_distance_mm(g, l, ix, iy));
            for (size_t iz = 0; iz < g->nz; ++iz) {
                const size_t v = dermis_grid_index(g, ix, iy, iz);
                if (is_dermis(t->layer[v]) && dermis_grid_z_mm(g, iz) - dermal_top < deficit)
                    t->matrix_factor[v] = 1.0 - l->severity;
            }
        }
}

static void apply_stretch_mark(dermis_tissue *t, const dermis_lesion_params *l, const dermis_skin_profile *skin)
{
    const dermis_grid *g = &t->grid;
    const double bottom = dermis_skin_layer_top_mm(skin, DERMIS_LAYER_HYPODERMIS);
    const double new_bottom = bottom - l->dermal_thinning_fraction * skin->reticular_dermis_mm;
    for (size_t iy = 0; iy < g->ny; ++iy)
        for (size_t ix = 0; ix < g->nx; ++ix) {
            if (g->dims > 1 && lateral_distance_mm(g, l, ix, g->dims == 3 ? iy : 0) >= 0.5 * l->width_mm) continue;
            for (size_t iz = 0; iz < g->nz; ++iz) {
                const size_t v = dermis_grid_index(g, ix, iy, iz);
                if (!is_dermis(t->layer[v])) continue;
                if (dermis_grid_z_mm(g, iz) >= new_bottom) t->layer[v] = DERMIS_LAYER_HYPODERMIS;
                else t->matrix_factor[v] = 1.0 - l->severity;
            }
        }
}

int dermis_lesion_apply(dermis_tissue *t, const dermis_lesion_params *l, const dermis_skin_profile *skin)
{
    switch (l->type) {
    case DERMIS_LESION_NONE: return 0;
    case DERMIS_LESION_ICE_PICK:
    case DERMIS_LESION_BOXCAR:
    case DERMIS_LESION_ROLLING: apply_scar(t, l, skin); return 0;
    case DERMIS_LESION_STRETCH_MARK: apply_stretch_mark(t, l, skin); return 0;
    default: return -1;
    }
}

int dermis_lesion_contains(const dermis_tissue *t, size_t v)
{
    return t->matrix_factor[v] < 1.0;
}
