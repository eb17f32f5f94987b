/* The species registry: every field of the model, defined once.
 *
 * Adding a field is one line here (plus its kinetics in kinetics.c and its parameters).
 * The list yields the enum used to index the state vector, the output variable names (part
 * of the output contract: scripts and users read them), their UDUNITS units and long names.
 *
 * Columns: X(ENUM_SUFFIX, output_name, units, long_name, mobility)
 *   mobility: DERMIS_MOBILE (diffuses: cells by random motility, solutes by diffusion) or
 *             DERMIS_IMMOBILE (extracellular matrix and tissue state: no transport, no cost
 *             in the diffusion step).
 * Units follow model/units.h; "cells" is not a UDUNITS unit, so cell densities are "mm-3"
 * with "cells per mm^3" in the long name.
 */
#ifndef DERMIS_MODEL_SPECIES_H
#define DERMIS_MODEL_SPECIES_H

#include <stddef.h>

typedef enum { DERMIS_IMMOBILE = 0, DERMIS_MOBILE = 1 } dermis_mobility;

#define DERMIS_SPECIES(X)                                                                                   \
    X(DAMAGE, damage, "1", "injured tissue fraction", DERMIS_IMMOBILE)                                     \
    X(ALARMINS, alarmins, "ng mL-1", "damage-associated alarm signals (DAMPs)", DERMIS_MOBILE)             \
    X(NEUTROPHILS, neutrophils, "mm-3", "neutrophil density (cells per mm^3)", DERMIS_MOBILE)             \
    X(MACROPHAGES, macrophages, "mm-3", "macrophage density, all phenotypes (cells per mm^3)", DERMIS_MOBILE) \
    X(REPAIR_MACROPHAGES, repair_macrophages, "mm-3", "repair-phenotype (M2-like) macrophage density (cells per mm^3)", DERMIS_MOBILE) \
    X(FIBROBLASTS, fibroblasts, "mm-3", "fibroblast density (cells per mm^3)", DERMIS_MOBILE)             \
    X(MYOFIBROBLASTS, myofibroblasts, "mm-3", "myofibroblast density (cells per mm^3)", DERMIS_MOBILE)    \
    X(TGF_BETA1, tgf_beta1, "ng mL-1", "TGF-beta1 concentration", DERMIS_MOBILE)                          \
    X(TGF_BETA3, tgf_beta3, "ng mL-1", "TGF-beta3 concentration", DERMIS_MOBILE)                          \
    X(PDGF, pdgf, "ng mL-1", "PDGF concentration", DERMIS_MOBILE)                                         \
    X(VEGF, vegf, "ng mL-1", "VEGF concentration", DERMIS_MOBILE)                                         \
    X(MMP, mmp, "ng mL-1", "active matrix metalloproteinase (collagenase) concentration", DERMIS_MOBILE)  \
    X(TIMP, timp, "ng mL-1", "tissue inhibitor of metalloproteinases concentration", DERMIS_MOBILE)       \
    X(COLLAGEN_I, collagen_I, "mg cm-3", "type I collagen density", DERMIS_IMMOBILE)                       \
    X(COLLAGEN_III, collagen_III, "mg cm-3", "type III collagen density", DERMIS_IMMOBILE)                 \
    X(TROPOELASTIN, tropoelastin, "mg cm-3", "soluble tropoelastin density", DERMIS_IMMOBILE)              \
    X(ELASTIN, elastin, "mg cm-3", "cross-linked elastin density", DERMIS_IMMOBILE)                        \
    X(VESSELS, vessels, "1", "capillary density relative to normal skin", DERMIS_IMMOBILE)                 \
    X(TOPICAL, topical, "ng mL-1", "topically applied product concentration", DERMIS_MOBILE)             \
    X(TOPICAL_INTACT, topical_intact, "ng mL-1", "topical product concentration in an untreated control (closed channels)", DERMIS_MOBILE)

#define DERMIS_SPECIES_ENUM(id, name, units, long_name, mobility) DERMIS_F_##id,
typedef enum { DERMIS_SPECIES(DERMIS_SPECIES_ENUM) DERMIS_N_FIELDS } dermis_field;
#undef DERMIS_SPECIES_ENUM

typedef struct {
    const char *name;      /* output variable name */
    const char *units;     /* UDUNITS string */
    const char *long_name; /* human description */
    dermis_mobility mobility;
} dermis_species_info;

/* Registry lookups; the table is static const data (species.c). */
const dermis_species_info *dermis_species(dermis_field f);
/* Returns the field with this output name, or -1 if there is none. */
int dermis_species_find(const char *name);

#endif
