/* A topical product applied after needling: its diffusivity, the permeability of intact
 * stratum corneum, the transfer through open channels, and the dose that reached viable skin.
 *
 * Diffusivity by molecular size class, anchored at a protein: TGF-beta (25 kDa) in dermis,
 * 0.012 mm^2/h = 0.29 mm^2/day (Murphy 2012 via woundFenics, model reference b6), scaled by
 * Stokes-Einstein D ~ M^(-1/3): peptide (3 kDa) 0.59, small molecule (0.4 kDa) 1.15 mm^2/day.
 * Intact skin: permeability coefficient kp (cm/h) of the stratum corneum; the default 1e-6 cm/h
 * is the Potts & Guy (1992) estimate for a hydrophilic (log Kow ~ 0) 500 Da molecule.
 * An open channel is a water-filled pore through the stratum corneum: its transfer coefficient
 * per open area is D / h_SC (diffusion across the pore's length; no partitioning).
 * Dose: the product's mass per skin area in viable skin (every layer below the stratum
 * corneum), sum of u * dx over depth, averaged over the surface. u in ng/mL = pg/mm^3, so
 * u * dx is pg/mm^2, and 1 pg/mm^2 = 1e-3 ng / 1e-2 cm^2 = 0.1 ng/cm^2.
 */
#ifndef DERMIS_MODEL_TOPICAL_H
#define DERMIS_MODEL_TOPICAL_H

#include "model/protocol.h"
#include "model/skin.h"

#define DERMIS_TOPICAL_D_PROTEIN_MM2_PER_DAY 0.29
#define DERMIS_TOPICAL_D_PEPTIDE_MM2_PER_DAY 0.59
#define DERMIS_TOPICAL_D_SMALL_MM2_PER_DAY 1.15
/* pg/mm^2 -> ng/cm^2 */
#define DERMIS_PG_PER_MM2_TO_NG_PER_CM2 0.1

/* topical.diffusivity_mm2_per_day if given, else the molecule class value, mm^2/day. */
double dermis_topical_diffusivity_mm2_per_day(const dermis_topical_params *t);

/* Intact stratum corneum transfer coefficient, mm/day (cm/h x 10 mm/cm x 24 h/day). */
double dermis_topical_intact_mm_per_day(const dermis_topical_params *t);

/* Transfer coefficient of fully open skin (openness 1), mm/day: D / stratum corneum thickness. */
double dermis_topical_channel_mm_per_day(const dermis_topical_params *t, const dermis_skin_profile *skin);

/* Product mass in viable skin per skin area, ng/cm^2, for one field (nx*ny*nz values). */
double dermis_topical_load_ng_per_cm2(const dermis_tissue *tissue, const double *field);

/* Configures the model's topical transport: diffusivity (topical.h) in viable skin and, so the
 * barrier lives only in the Robin coefficient of barrier.h, the same in the stratum corneum
 * voxels; clearance topical.clearance_per_day; Robin top faces for topical and topical_intact
 * (the caller must give the solver dermis_barrier_boundary). Returns a dermis_model_status. */
struct dermis_model;
int dermis_topical_configure_model(struct dermis_model *m, const dermis_topical_params *t);

#endif
