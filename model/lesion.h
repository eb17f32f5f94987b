/* Pre-existing lesions as edits of the tissue map (skin.h): the model's homeostasis makes any
 * matrix set-point factor in (0, 1] a fixed point, so an untreated lesion persists and a
 * treatment can only refill it through the repair it triggers.
 *
 * Atrophic acne scars (Jacob et al. 2001 classification) are a local dermal collagen deficit:
 * within the scar's footprint (a disc of diameter lesion.width_mm in 3-D, a band across the
 * section in 2-D, the column through the scar's centre in 1-D) every dermal voxel whose depth
 * below the top of the papillary dermis is less than the local deficit depth D(r) gets
 * matrix_factor = 1 - severity. With h = width/2 and r the lateral distance from the centre:
 *     ice_pick  D(r) = depth (1 - r/h)                  narrow V, deepest at the centre
 *     boxcar    D(r) = depth                            flat floor, vertical walls
 *     rolling   D(r) = depth (1 + cos(pi r/h)) / 2      shallow, smoothly sloped
 * Stretch marks (striae distensae) are a band of thinned dermis: the bottom
 * lesion.dermal_thinning_fraction of the reticular dermis becomes hypodermis and the remaining
 * dermis gets matrix_factor = 1 - severity (collagen and elastin both follow the factor).
 */
#ifndef DERMIS_MODEL_LESION_H
#define DERMIS_MODEL_LESION_H

#include "model/protocol.h"
#include "model/skin.h"

/* Edits tissue t (built from profile `skin`) for lesion l. Returns 0 (also for type none), or -1
 * for an unknown type. */
int dermis_lesion_apply(dermis_tissue *t, const dermis_lesion_params *l, const dermis_skin_profile *skin);

/* 1 if voxel v belongs to the lesion (matrix factor below 1). */
int dermis_lesion_contains(const dermis_tissue *t, size_t v);

#endif
