/* The species registry: every field of the model and every per-field fact, defined once.
 *
 * Adding a field is one row here, its parameters in params.h and its kinetics (and, if it has
 * a homeostatic level, its baseline) in kinetics.c; nothing else. The list yields the enum that
 * indexes the state vector, the output variable names (part of the output contract: scripts
 * and users read them), their UDUNITS units and long names, and how the field moves, what an
 * injury does to it and how its tolerance is scaled. model.c expands the columns; a row that
 * lacks one does not compile, and model.c asserts at compile time that the columns agree
 * (a mobile field has a diffusivity, only a mobile field has a chemoattractant).
 *
 * Columns: X(ENUM_SUFFIX, output_name, units, long_name, transport, diffusivity, chemotaxis,
 *            injury, scale)
 *   transport    how the field moves through the skin layers (dermis_transport below)
 *   diffusivity  DERMIS_PARAM(field of dermis_model_params, mm2 d-1) or DERMIS_NO_PARAM
 *                (immobile fields; the topical product's diffusivity is set by the topical module)
 *   chemotaxis   DERMIS_CHEMOTAXIS(ATTRACTANT, sensitivity param, saturation param): drift up the
 *                gradient of the attractant, chi0/(1 + c/c_sat)^2 (Olsen et al. 1995), or
 *                DERMIS_NO_CHEMOTAXIS
 *   injury       what dermis_model_apply_damage does to the field in an injured voxel with
 *                injured fraction f and bleeding share b:
 *                DERMIS_INJURY_NONE             unchanged
 *                DERMIS_INJURY_MARK             value = max(value, f)
 *                DERMIS_INJURY_DESTROY          value *= 1 - f * injury.matrix_loss_fraction
 *                DERMIS_INJURY_RELEASE(param)   value += f * param (released by lysed cells, or
 *                                               laid down in the injured volume)
 *                DERMIS_INJURY_PLATELET(param)  value += f * b * param (released where it bleeds)
 *                Releases do not happen in the stratum corneum (no cells, walled off).
 *   scale        typical magnitude for the absolute tolerance: DERMIS_SCALE_BASELINE (the
 *                dermal baseline, 1 where that is 0) or DERMIS_SCALE_PARAM(param) (a typical
 *                wound level, at least 1)
 * Units follow model/units.h; "cells" is not a UDUNITS unit, so cell densities are "mm-3"
 * with "cells per mm^3" in the long name.
 */
#ifndef DERMIS_MODEL_SPECIES_H
#define DERMIS_MODEL_SPECIES_H

#include <stddef.h>

/* How a field moves (model.c turns the class into per-layer diffusivities; 0 is a wall):
 *   NONE        immobile (matrix, tissue state): no transport, no cost in the diffusion step
 *   LEUKOCYTE   random motility in viable epidermis and below; walled by the stratum corneum
 *   FIBROBLAST  random motility in the dermis and hypodermis only
 *   SOLUTE      diffusion in the dermis and hypodermis, reduced in viable epidermis
 *               (kinetics.epidermis_diffusivity_factor), walled by the stratum corneum
 *   TOPICAL     a topical product: its own diffusivity in viable skin and in the stratum
 *               corneum (dermis_model_set_topical) */
typedef enum {
    DERMIS_TRANSPORT_NONE = 0,
    DERMIS_TRANSPORT_LEUKOCYTE,
    DERMIS_TRANSPORT_FIBROBLAST,
    DERMIS_TRANSPORT_SOLUTE,
    DERMIS_TRANSPORT_TOPICAL
} dermis_transport;

/* clang-format off */
#define DERMIS_SPECIES(X) \
    X(DAMAGE, damage, "1", "injured tissue fraction", DERMIS_TRANSPORT_NONE, DERMIS_NO_PARAM, DERMIS_NO_CHEMOTAXIS, \
      DERMIS_INJURY_MARK, DERMIS_SCALE_BASELINE) \
    X(ALARMINS, alarmins, "ng mL-1", "damage-associated alarm signals (DAMPs)", DERMIS_TRANSPORT_SOLUTE, \
      DERMIS_PARAM(alarmin_diffusivity_mm2_per_day), DERMIS_NO_CHEMOTAXIS, \
      DERMIS_INJURY_RELEASE(alarmin_burst_ng_per_ml), DERMIS_SCALE_PARAM(alarmin_burst_ng_per_ml)) \
    X(NEUTROPHILS, neutrophils, "mm-3", "neutrophil density (cells per mm^3)", DERMIS_TRANSPORT_LEUKOCYTE, \
      DERMIS_PARAM(neutrophil_diffusivity_mm2_per_day), \
      DERMIS_CHEMOTAXIS(ALARMINS, neutrophil_chemotaxis_mm2_per_day_per_ng_per_ml, chemotaxis_saturation_ng_per_ml), \
      DERMIS_INJURY_NONE, DERMIS_SCALE_PARAM(fibroblast_baseline_per_mm3)) \
    X(MACROPHAGES, macrophages, "mm-3", "macrophage density, all phenotypes (cells per mm^3)", DERMIS_TRANSPORT_LEUKOCYTE, \
      DERMIS_PARAM(macrophage_diffusivity_mm2_per_day), \
      DERMIS_CHEMOTAXIS(ALARMINS, macrophage_chemotaxis_mm2_per_day_per_ng_per_ml, chemotaxis_saturation_ng_per_ml), \
      DERMIS_INJURY_NONE, DERMIS_SCALE_PARAM(fibroblast_baseline_per_mm3)) \
    /* Same motility as all macrophages, so transport keeps the repair share. */ \
    X(REPAIR_MACROPHAGES, repair_macrophages, "mm-3", "repair-phenotype (M2-like) macrophage density (cells per mm^3)", \
      DERMIS_TRANSPORT_LEUKOCYTE, DERMIS_PARAM(macrophage_diffusivity_mm2_per_day), \
      DERMIS_CHEMOTAXIS(ALARMINS, macrophage_chemotaxis_mm2_per_day_per_ng_per_ml, chemotaxis_saturation_ng_per_ml), \
      DERMIS_INJURY_NONE, DERMIS_SCALE_PARAM(fibroblast_baseline_per_mm3)) \
    /* Dermal fibroblasts follow PDGF, not TGF-beta (Perez-Rodriguez et al. 2018). */ \
    X(FIBROBLASTS, fibroblasts, "mm-3", "fibroblast density (cells per mm^3)", DERMIS_TRANSPORT_FIBROBLAST, \
      DERMIS_PARAM(fibroblast_diffusivity_mm2_per_day), \
      DERMIS_CHEMOTAXIS(PDGF, fibroblast_chemotaxis_mm2_per_day_per_ng_per_ml, pdgf_chemotaxis_saturation_ng_per_ml), \
      DERMIS_INJURY_DESTROY, DERMIS_SCALE_BASELINE) \
    X(MYOFIBROBLASTS, myofibroblasts, "mm-3", "myofibroblast density (cells per mm^3)", DERMIS_TRANSPORT_FIBROBLAST, \
      DERMIS_PARAM(myofibroblast_diffusivity_mm2_per_day), \
      DERMIS_CHEMOTAXIS(PDGF, fibroblast_chemotaxis_mm2_per_day_per_ng_per_ml, pdgf_chemotaxis_saturation_ng_per_ml), \
      DERMIS_INJURY_DESTROY, DERMIS_SCALE_PARAM(fibroblast_baseline_per_mm3)) \
    X(TGF_BETA1, tgf_beta1, "ng mL-1", "TGF-beta1 concentration", DERMIS_TRANSPORT_SOLUTE, \
      DERMIS_PARAM(tgf_beta1_diffusivity_mm2_per_day), DERMIS_NO_CHEMOTAXIS, \
      DERMIS_INJURY_PLATELET(platelet_tgf_beta1_ng_per_ml), DERMIS_SCALE_BASELINE) \
    X(TGF_BETA3, tgf_beta3, "ng mL-1", "TGF-beta3 concentration", DERMIS_TRANSPORT_SOLUTE, \
      DERMIS_PARAM(tgf_beta1_diffusivity_mm2_per_day), DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_NONE, DERMIS_SCALE_BASELINE) \
    X(PDGF, pdgf, "ng mL-1", "PDGF concentration", DERMIS_TRANSPORT_SOLUTE, DERMIS_PARAM(pdgf_diffusivity_mm2_per_day), \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_PLATELET(platelet_pdgf_ng_per_ml), DERMIS_SCALE_BASELINE) \
    X(VEGF, vegf, "ng mL-1", "VEGF concentration", DERMIS_TRANSPORT_SOLUTE, DERMIS_PARAM(vegf_diffusivity_mm2_per_day), \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_NONE, DERMIS_SCALE_BASELINE) \
    X(MMP, mmp, "ng mL-1", "active matrix metalloproteinase (collagenase) concentration", DERMIS_TRANSPORT_SOLUTE, \
      DERMIS_PARAM(mmp_diffusivity_mm2_per_day), DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_NONE, DERMIS_SCALE_BASELINE) \
    X(TIMP, timp, "ng mL-1", "tissue inhibitor of metalloproteinases concentration", DERMIS_TRANSPORT_SOLUTE, \
      DERMIS_PARAM(timp_diffusivity_mm2_per_day), DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_NONE, DERMIS_SCALE_BASELINE) \
    X(COLLAGEN_I, collagen_I, "mg cm-3", "type I collagen density", DERMIS_TRANSPORT_NONE, DERMIS_NO_PARAM, \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_DESTROY, DERMIS_SCALE_BASELINE) \
    X(COLLAGEN_III, collagen_III, "mg cm-3", "type III collagen density", DERMIS_TRANSPORT_NONE, DERMIS_NO_PARAM, \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_DESTROY, DERMIS_SCALE_BASELINE) \
    X(TROPOELASTIN, tropoelastin, "mg cm-3", "soluble tropoelastin density", DERMIS_TRANSPORT_NONE, DERMIS_NO_PARAM, \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_DESTROY, DERMIS_SCALE_BASELINE) \
    X(ELASTIN, elastin, "mg cm-3", "cross-linked elastin density", DERMIS_TRANSPORT_NONE, DERMIS_NO_PARAM, \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_DESTROY, DERMIS_SCALE_BASELINE) \
    X(VESSELS, vessels, "1", "capillary density relative to normal skin", DERMIS_TRANSPORT_NONE, DERMIS_NO_PARAM, \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_DESTROY, DERMIS_SCALE_BASELINE) \
    /* Fibrin/fibronectin clot filling the injured volume; cells invade and replace it. */ \
    X(PROVISIONAL_MATRIX, provisional_matrix, "mg cm-3", "provisional matrix (fibrin and fibronectin clot) density", \
      DERMIS_TRANSPORT_NONE, DERMIS_NO_PARAM, DERMIS_NO_CHEMOTAXIS, \
      DERMIS_INJURY_RELEASE(injury_provisional_matrix_mg_per_cm3), DERMIS_SCALE_PARAM(injury_provisional_matrix_mg_per_cm3)) \
    X(TOPICAL, topical, "ng mL-1", "topically applied product concentration", DERMIS_TRANSPORT_TOPICAL, DERMIS_NO_PARAM, \
      DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_NONE, DERMIS_SCALE_BASELINE) \
    X(TOPICAL_INTACT, topical_intact, "ng mL-1", "topical product concentration in an untreated control (closed channels)", \
      DERMIS_TRANSPORT_TOPICAL, DERMIS_NO_PARAM, DERMIS_NO_CHEMOTAXIS, DERMIS_INJURY_NONE, DERMIS_SCALE_BASELINE)
/* clang-format on */

#define DERMIS_SPECIES_ENUM(id, name, units, long_name, transport, diffusivity, chemotaxis, injury, scale) DERMIS_F_##id,
typedef enum { DERMIS_SPECIES(DERMIS_SPECIES_ENUM) DERMIS_N_FIELDS } dermis_field;
#undef DERMIS_SPECIES_ENUM

typedef struct {
    const char *name;      /* output variable name */
    const char *units;     /* UDUNITS string */
    const char *long_name; /* human description */
    dermis_transport transport;
} dermis_species_info;

/* Registry lookups; the table is static const data (species.c). */
const dermis_species_info *dermis_species(dermis_field f);
/* Returns the field with this output name, or -1 if there is none. */
int dermis_species_find(const char *name);

#endif
