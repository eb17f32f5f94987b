/* Skin layers and the per-voxel tissue map.
 *
 * Skin is layered along depth z (positive down from the surface): stratum corneum, viable
 * epidermis, papillary dermis, reticular dermis, then hypodermis down to the bottom of the
 * simulated domain. The tissue map records, per voxel, its layer and its matrix set-point
 * factor (1 in healthy skin, < 1 where a lesion such as an atrophic scar or a stretch mark
 * lowers the local collagen/elastin content). The model derives its homeostatic state and its
 * per-layer coefficients from this map; lesions and site presets only edit the map.
 */
#ifndef DERMIS_MODEL_SKIN_H
#define DERMIS_MODEL_SKIN_H

#include <stddef.h>

#include "solver/grid.h"

#define DERMIS_LAYERS(X)                                                \
    X(STRATUM_CORNEUM, stratum_corneum, "stratum corneum")             \
    X(EPIDERMIS, epidermis, "viable epidermis")                        \
    X(PAPILLARY_DERMIS, papillary_dermis, "papillary dermis")          \
    X(RETICULAR_DERMIS, reticular_dermis, "reticular dermis")          \
    X(HYPODERMIS, hypodermis, "hypodermis (subcutis)")

#define DERMIS_LAYER_ENUM(id, name, desc) DERMIS_LAYER_##id,
typedef enum { DERMIS_LAYERS(DERMIS_LAYER_ENUM) DERMIS_N_LAYERS } dermis_layer;
#undef DERMIS_LAYER_ENUM

const char *dermis_layer_name(dermis_layer layer);

/* Thicknesses of the layers above the hypodermis, mm (the hypodermis fills the rest). */
typedef struct {
    double stratum_corneum_mm;
    double epidermis_mm;
    double papillary_dermis_mm;
    double reticular_dermis_mm;
} dermis_skin_profile;

/* Layer at depth z_mm below the surface for a horizontally uniform skin. */
dermis_layer dermis_skin_layer_at_depth(const dermis_skin_profile *p, double z_mm);
/* Depth of the top of a layer (0 for the stratum corneum), mm. */
double dermis_skin_layer_top_mm(const dermis_skin_profile *p, dermis_layer layer);

typedef struct {
    dermis_grid grid;          /* copy of the grid the map is for */
    unsigned char *layer;      /* per voxel: a dermis_layer */
    double *matrix_factor;     /* per voxel: matrix set-point factor, 1 = healthy */
} dermis_tissue;

/* Allocates the map for grid g and fills it from profile p (factor 1 everywhere).
 * Returns 0, or -1 if memory ran out (t is then left empty and safe to free). */
int dermis_tissue_alloc(dermis_tissue *t, const dermis_grid *g, const dermis_skin_profile *p);
void dermis_tissue_free(dermis_tissue *t);

#endif
