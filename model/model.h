/* The healing-cascade model on a tissue map: homeostatic state, transport description and the
 * reaction callbacks for the solver (solver/solver.h), plus what an injury does to a voxel.
 *
 * Built from dermis_model_params (params.h) and a dermis_tissue (skin.h). At build time the
 * model derives, in closed form, every constant that makes uninjured skin a fixed point
 * (docs/model.md, "Homeostasis"): basal fibroblast proliferation, collagen/elastin degradation
 * constants from their half-lives, basal matrix synthesis per fibroblast, and per-layer
 * constitutive solute sources b = delta c0 - (cell secretion at baseline), which must be >= 0.
 *
 * The reaction callback returns R(u) - R(u0) where u0 is the voxel's homeostatic state and R(u0)
 * is analytically zero (it is a floating-point residual of order 1e-16 relative, tested), so the
 * baseline is a fixed point to the last bit for every layer and every matrix set-point factor.
 *
 * Ownership: the tissue map must outlive the model (it is read, not copied). The model owns the
 * diffusivity maps referenced by its field specs, so the model must outlive any solver built
 * from dermis_model_problem().
 */
#ifndef DERMIS_MODEL_MODEL_H
#define DERMIS_MODEL_MODEL_H

#include <stddef.h>

#include "model/params.h"
#include "model/skin.h"
#include "model/species.h"
#include "solver/solver.h"

#define DERMIS_MODEL_ERRORS(X)                                                                     \
    X(DERMIS_MODEL_OK, "success")                                                                 \
    X(DERMIS_MODEL_ENOMEM, "out of memory")                                                       \
    X(DERMIS_MODEL_EINVAL, "invalid argument or parameter")                                       \
    X(DERMIS_MODEL_ENEGATIVE_SOURCE, "the baseline implies a negative constitutive source (raise the baseline level or lower cell secretion)")

#define DERMIS_MODEL_ENUM_ITEM(name, msg) name,
typedef enum { DERMIS_MODEL_ERRORS(DERMIS_MODEL_ENUM_ITEM) DERMIS_MODEL_N_ERRORS } dermis_model_status;
#undef DERMIS_MODEL_ENUM_ITEM

const char *dermis_model_strerror(int status);

typedef struct dermis_model dermis_model;

/* Builds the model. Returns NULL on failure with *status set; if msg is non-NULL it receives one
 * sentence naming the offending field and layer (msg_len bytes at most). */
dermis_model *dermis_model_alloc(const dermis_model_params *params, const dermis_tissue *tissue, int *status, char *msg,
                                 size_t msg_len);
void dermis_model_free(dermis_model *m);

const dermis_model_params *dermis_model_params_of(const dermis_model *m);
const dermis_tissue *dermis_model_tissue(const dermis_model *m);

/* Fills the full state vector (DERMIS_N_FIELDS * voxels, layout of solver/grid.h) with the
 * homeostatic state of uninjured skin. */
void dermis_model_homeostasis(const dermis_model *m, double *state);
/* The homeostatic state of one voxel (DERMIS_N_FIELDS values). */
void dermis_model_voxel_baseline(const dermis_model *m, size_t voxel, double *u0);

/* Fills a solver problem: field specs, chemotaxis pairs, rhs, Jacobian, user = m. The boundary
 * callback is left NULL: whoever sets a Robin face (dermis_model_set_boundary) must set it. */
void dermis_model_problem(const dermis_model *m, dermis_problem *problem);
/* The DERMIS_N_FIELDS field specs (per-layer diffusivity maps, boundaries, atol). */
const dermis_field_spec *dermis_model_field_specs(const dermis_model *m);
/* The chemotaxis pairs; returns their count. */
size_t dermis_model_chemotaxis(const dermis_model *m, const dermis_chemotaxis_spec **pairs);

/* Sets the boundary condition of one field on one face (e.g. Robin on the top of `topical`).
 * Returns DERMIS_MODEL_OK or DERMIS_MODEL_EINVAL. */
int dermis_model_set_boundary(dermis_model *m, dermis_field field, dermis_face face, dermis_bc bc);
/* Absolute tolerance of every field = atol_scale * dermis_model_field_scale(). Default 1e-6. */
int dermis_model_set_atol_scale(dermis_model *m, double atol_scale);
/* Typical magnitude of a field in its units (baseline or typical wound peak), for tolerances. */
double dermis_model_field_scale(const dermis_model *m, dermis_field field);
/* Transport and clearance of the topical product (owned by the topical module's parameters):
 * diffusivity in viable tissue and in the stratum corneum (mm^2/day, >= 0) and first-order
 * clearance (1/day, >= 0). Defaults: 0.29, 0 and 2. Returns DERMIS_MODEL_OK or EINVAL. */
int dermis_model_set_topical(dermis_model *m, double D_viable_mm2_per_day, double D_stratum_corneum_mm2_per_day,
                             double clearance_per_day);

/* Solver callbacks (solver/solver.h); user must be the dermis_model. u and dudt hold the
 * DERMIS_N_FIELDS values of voxel `voxel`. Return 0, or 1 if some u_s < -1e-6 * scale_s (the
 * solver retries with a smaller step); values in (-tolerance, 0) are treated as 0. */
int dermis_model_rhs(double t_day, size_t voxel, const double *u, double *dudt, void *model);
int dermis_model_jacobian(double t_day, size_t voxel, const double *u, double *J, void *model);

/* What one injury does to one voxel of the full state vector `state`:
 *   damage = max(damage, fraction);
 *   fibroblasts, myofibroblasts, collagen I/III, tropoelastin, elastin and vessels lose the
 *   fraction fraction * injury.matrix_loss_fraction (the channel volume is disrupted);
 *   alarmins += fraction * burst (lysed cells);
 *   where bleeding (0..1, the share of the voxel's injured volume that bled): TGF-beta1 and PDGF
 *   += fraction * bleeding * platelet release.
 * fraction and bleeding are clipped to [0, 1]. Call dermis_solver_reset_step() afterwards. */
void dermis_model_apply_damage(const dermis_model *m, size_t voxel, double fraction, double bleeding, double *state);

/* For tests and diagnostics: the analytic residual R(u0) of the closed-form homeostasis at this
 * voxel (before the exact-zero correction). Every entry is zero up to rounding. */
void dermis_model_homeostatic_residual(const dermis_model *m, size_t voxel, double *r);

#endif
