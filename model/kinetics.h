/* Local kinetics of the healing cascade: the reaction terms R(u) of one voxel and their analytic
 * Jacobian. The equations, their mechanisms and sources are in docs/model.md ("Healing
 * cascade"); they combine Olsen, Sherratt & Maini 1995 (fibroblasts, myofibroblasts, growth
 * factor, collagen), Dale, Sherratt & Maini 1996 (collagen I/III from the TGF-beta isoforms),
 * Waugh & Sherratt 2006/2007 (macrophage phenotypes, per-cell secretion), Bianchi, Painter &
 * Sherratt 2015 (VEGF), Pettet et al. 1996 (capillary density) and lumped MMP/TIMP kinetics.
 *
 * This file knows nothing of grids or tissue maps. It also holds every per-field fact of the
 * homeostatic state (docs/model.md, "Homeostasis"): the baseline of each field in a class of
 * layer, and the closed-form constants (constitutive sources, basal synthesis, degradation
 * constants) that make it a fixed point. model.c builds one dermis_kinetics and one
 * dermis_kinetics_site per skin layer, and evaluates R for a voxel with the site of its layer
 * (matrix entries scaled by the voxel's matrix set-point factor).
 */
#ifndef DERMIS_MODEL_KINETICS_H
#define DERMIS_MODEL_KINETICS_H

#include "model/params.h"
#include "model/species.h"

/* Rate constants in internal units, including the ones derived from the homeostatic state. */
typedef struct {
    dermis_model_params p;            /* the configuration values, unchanged */
    double fibroblast_max_per_mm3;    /* F_max = capacity_factor * F0 */
    double fibroblast_basal_max_per_mm3; /* K_b = basal_capacity_factor * F0 (contact inhibition) */
    double fibroblast_quiescent_factor; /* q: basal proliferation factor, derived (F0 balances) */
    double collagen_I_degradation_ml_per_ng_per_day;   /* k_d1, derived from the half-life at MMP0 */
    double collagen_III_degradation_ml_per_ng_per_day; /* k_d3, derived likewise */
    double elastin_degradation_ml_per_ng_per_day;      /* k_dE, derived from the residence time */
    double topical_clearance_per_day; /* first-order clearance of the topical product */
} dermis_kinetics;

/* What the kinetics need to know about a voxel: its homeostatic state, the constitutive
 * (cell-independent) sources of its layer, the basal matrix synthesis per fibroblast and
 * whether leukocytes can extravasate there. */
typedef struct {
    double baseline[DERMIS_N_FIELDS];
    double source[DERMIS_N_FIELDS];        /* constant source b_s, field units per day */
    double collagen_I_basal_per_cell;      /* mg cm^-3 d^-1 per (cell mm^-3) */
    double collagen_III_basal_per_cell;
    double tropoelastin_basal_per_cell;
    double vascular;                       /* 1 in vascularised layers, 0 otherwise */
} dermis_kinetics_site;

/* What the homeostasis needs to know about a skin layer. */
typedef struct {
    int viable;          /* 0 in the stratum corneum: dead, walled off, everything zero */
    int cellular;        /* resident fibroblasts, matrix and capillaries (dermis, hypodermis) */
    double matrix_share; /* matrix content relative to healthy dermis */
} dermis_layer_class;

/* Fills k: copies the parameters and derives the rate constants that follow from the
 * homeostatic state alone (degradation constants from half-lives, basal proliferation). */
void dermis_kinetics_init(dermis_kinetics *k, const dermis_model_params *p, double topical_clearance_per_day);

/* Fills the site of a layer of class c at matrix factor 1: its baseline, constitutive sources
 * and basal synthesis. Returns -1, or the first field whose source would be negative (the
 * baseline is below what resident cells alone sustain). */
int dermis_kinetics_site_init(const dermis_kinetics *k, const dermis_layer_class *c, dermis_kinetics_site *s);

/* Scales the matrix entries of a site by a lesion's matrix set-point factor (the balance is
 * linear in it, so the scaled baseline stays an exact fixed point). */
void dermis_kinetics_site_scale(dermis_kinetics_site *s, double factor);

/* Evaluates R(u) for one voxel (u has DERMIS_N_FIELDS entries, assumed >= 0) into R and, if
 * J is non-NULL, the Jacobian J[i*DERMIS_N_FIELDS + j] = dR_i/du_j. No residual correction. */
void dermis_kinetics_eval(const dermis_kinetics *k, const dermis_kinetics_site *site, const double *u, double *R,
                          double *J);
/* dermis_kinetics_eval compiled for each case (bitwise the same values): R alone, without the
 * Jacobian's terms; and R with J, which must not be NULL (nothing is written then). */
void dermis_kinetics_rates(const dermis_kinetics *k, const dermis_kinetics_site *site, const double *u, double *R);
void dermis_kinetics_jacobian(const dermis_kinetics *k, const dermis_kinetics_site *site, const double *u, double *R,
                              double *J);

#endif
