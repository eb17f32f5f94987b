/* The healing-cascade model on a tissue map (see model.h): closed-form homeostasis, per-layer
 * transport, solver callbacks and injuries. The derivation of every basal constant is in
 * docs/model.md, "Homeostasis"; the local equations are in kinetics.c. */
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kinetics.h"
#include "model/units.h"

enum { NF = DERMIS_N_FIELDS, N_CHEMOTAXIS = 5 };

/* A state value below -NEGATIVE_TOLERANCE * scale makes the rhs ask the solver for a retry. */
#define NEGATIVE_TOLERANCE 1e-6
#define DEFAULT_ATOL_SCALE 1e-6
#define DEFAULT_TOPICAL_D_MM2_PER_DAY 0.29
#define DEFAULT_TOPICAL_CLEARANCE_PER_DAY 2.0

struct dermis_model {
    dermis_kinetics kinetics;
    const dermis_tissue *tissue;
    dermis_kinetics_site layer_site[DERMIS_N_LAYERS];   /* matrix factor 1 */
    double layer_residual[DERMIS_N_LAYERS][NF];         /* R(u0) at matrix factor 1 */
    double scale[NF];
    double atol_scale;
    double topical_D_viable, topical_D_stratum_corneum;
    dermis_field_spec specs[NF];
    double *maps[NF];                                   /* owned diffusivity maps, NULL if unused */
    dermis_chemotaxis_spec chemotaxis[N_CHEMOTAXIS];
};

#define DERMIS_MODEL_MESSAGE(name, msg) msg,
static const char *const model_messages[DERMIS_MODEL_N_ERRORS] = {DERMIS_MODEL_ERRORS(DERMIS_MODEL_MESSAGE)};
#undef DERMIS_MODEL_MESSAGE

const char *dermis_model_strerror(int status)
{
    return (status >= 0 && status < DERMIS_MODEL_N_ERRORS) ? model_messages[status] : "unknown model error";
}

/* ---------------------------------------------------------------- parameters ---------------- */

static void set_message(char *msg, size_t len, const char *text, const char *detail)
{
    if (msg && len > 0) snprintf(msg, len, "%s%s", text, detail);
}

/* Checks every parameter against its plausible range (the same bounds as the schema), so a
 * library user without the config reader gets the same protection. */
static int check_ranges(const dermis_model_params *p, char *msg, size_t len)
{
#define DERMIS_MODEL_PARAM_CHECK(field, key, unit, def, lo, hi, lo_excl, doc, source)           \
    if (!(p->field >= (lo) && p->field <= (hi)) || ((lo_excl) && p->field == (lo))) {            \
        set_message(msg, len, "parameter out of range: ", key);                                  \
        return DERMIS_MODEL_EINVAL;                                                              \
    }
    DERMIS_MODEL_PARAMS(DERMIS_MODEL_PARAM_CHECK)
#undef DERMIS_MODEL_PARAM_CHECK
    return DERMIS_MODEL_OK;
}

/* ---------------------------------------------------------------- homeostasis --------------- */

static int layer_has_fibroblasts(int layer)
{
    return layer == DERMIS_LAYER_PAPILLARY_DERMIS || layer == DERMIS_LAYER_RETICULAR_DERMIS ||
           layer == DERMIS_LAYER_HYPODERMIS;
}

/* Matrix content of a layer relative to healthy dermis. */
static double layer_matrix_share(const dermis_model_params *p, int layer)
{
    if (layer == DERMIS_LAYER_PAPILLARY_DERMIS || layer == DERMIS_LAYER_RETICULAR_DERMIS) return 1.0;
    return layer == DERMIS_LAYER_HYPODERMIS ? p->hypodermis_matrix_fraction : 0.0;
}

/* Constants derived from the homeostatic state alone (docs/model.md, "Homeostasis"). */
static void derive_rate_constants(dermis_kinetics *k)
{
    const dermis_model_params *p = &k->p;
    const double ln2 = 0.6931471805599453;
    const double q0 = p->mmp_baseline_ng_per_ml;
    k->fibroblast_max_per_mm3 = p->fibroblast_capacity_factor * p->fibroblast_baseline_per_mm3;
    k->fibroblast_basal_max_per_mm3 = p->fibroblast_basal_capacity_factor * p->fibroblast_baseline_per_mm3;
    /* r_F q (1 - F0/K_b) = delta_F: contact-inhibited basal proliferation balances apoptosis. */
    k->fibroblast_quiescent_factor =
        p->fibroblast_death_per_day / (p->fibroblast_proliferation_per_day * (1.0 - 1.0 / p->fibroblast_basal_capacity_factor));
    /* k_d Q0 = ln 2 / t_half: MMP susceptibility from the homeostatic half-life. */
    k->collagen_I_degradation_ml_per_ng_per_day = ln2 / (p->collagen_I_half_life_years * DERMIS_DAYS_PER_YEAR * q0);
    k->collagen_III_degradation_ml_per_ng_per_day = ln2 / (p->collagen_III_half_life_years * DERMIS_DAYS_PER_YEAR * q0);
    /* k_dE Q0 = 1 / mean residence time. */
    k->elastin_degradation_ml_per_ng_per_day = 1.0 / (p->elastin_residence_years * DERMIS_DAYS_PER_YEAR * q0);
}

/* Homeostatic state of a layer at matrix factor 1. */
static void layer_baseline(const dermis_kinetics *k, int layer, double *u0)
{
    const dermis_model_params *p = &k->p;
    for (int f = 0; f < NF; ++f) u0[f] = 0.0;
    if (layer == DERMIS_LAYER_STRATUM_CORNEUM) return; /* dead, walled off: everything zero */
    u0[DERMIS_F_TGF_BETA1] = p->tgf_beta1_baseline_ng_per_ml;
    u0[DERMIS_F_TGF_BETA3] = p->tgf_beta3_baseline_ng_per_ml;
    u0[DERMIS_F_PDGF] = p->pdgf_baseline_ng_per_ml;
    u0[DERMIS_F_VEGF] = p->vegf_baseline_ng_per_ml;
    u0[DERMIS_F_MMP] = p->mmp_baseline_ng_per_ml;
    u0[DERMIS_F_TIMP] = p->timp_baseline_ng_per_ml;
    if (!layer_has_fibroblasts(layer)) return; /* viable epidermis: solutes only */
    const double share = layer_matrix_share(p, layer);
    u0[DERMIS_F_FIBROBLASTS] = p->fibroblast_baseline_per_mm3;
    u0[DERMIS_F_COLLAGEN_I] = p->collagen_dermis_mg_per_cm3 * (1.0 - p->collagen_III_fraction) * share;
    u0[DERMIS_F_COLLAGEN_III] = p->collagen_dermis_mg_per_cm3 * p->collagen_III_fraction * share;
    u0[DERMIS_F_ELASTIN] = p->elastin_dermis_mg_per_cm3 * share;
    /* k_a Tr0 = k_dE Q0 E0: assembly replaces the elastin lost. */
    u0[DERMIS_F_TROPOELASTIN] =
        k->elastin_degradation_ml_per_ng_per_day * p->mmp_baseline_ng_per_ml * u0[DERMIS_F_ELASTIN] / p->elastin_assembly_per_day;
    u0[DERMIS_F_VESSELS] = 1.0;
}

/* Per-layer constitutive sources b = (loss at baseline) - (cell secretion at baseline) and basal
 * matrix synthesis per fibroblast. Returns a status; names the field in msg if b < 0. */
static int derive_layer_site(const dermis_kinetics *k, int layer, dermis_kinetics_site *s, char *msg, size_t len)
{
    const dermis_model_params *p = &k->p;
    memset(s, 0, sizeof *s);
    layer_baseline(k, layer, s->baseline);
    const double *u0 = s->baseline;
    const double F0 = u0[DERMIS_F_FIBROBLASTS];
    const double Q0 = u0[DERMIS_F_MMP], I0 = u0[DERMIS_F_TIMP];
    const double binding = p->mmp_timp_binding_ml_per_ng_per_day * Q0 * I0;
    s->vascular = u0[DERMIS_F_VESSELS] > 0.0 ? 1.0 : 0.0;
    s->source[DERMIS_F_TGF_BETA1] =
        p->tgf_beta1_decay_per_day * u0[DERMIS_F_TGF_BETA1] - p->tgf_beta1_fibroblast_secretion_pg_per_cell_per_day * F0;
    s->source[DERMIS_F_TGF_BETA3] =
        p->tgf_beta3_decay_per_day * u0[DERMIS_F_TGF_BETA3] - p->tgf_beta3_fibroblast_secretion_pg_per_cell_per_day * F0;
    s->source[DERMIS_F_PDGF] = p->pdgf_decay_per_day * u0[DERMIS_F_PDGF] - p->pdgf_fibroblast_secretion_pg_per_cell_per_day * F0;
    s->source[DERMIS_F_VEGF] = p->vegf_decay_per_day * u0[DERMIS_F_VEGF];
    s->source[DERMIS_F_MMP] = p->mmp_decay_per_day * Q0 + binding - p->mmp_fibroblast_secretion_pg_per_cell_per_day * F0;
    s->source[DERMIS_F_TIMP] =
        p->timp_decay_per_day * I0 + p->timp_to_mmp_mass_ratio * binding - p->timp_fibroblast_secretion_pg_per_cell_per_day * F0;
    s->source[DERMIS_F_VESSELS] = p->vessel_regression_per_day * u0[DERMIS_F_VESSELS];
    for (int f = 0; f < NF; ++f) {
        if (s->source[f] < 0.0) {
            char detail[160];
            snprintf(detail, sizeof detail, "%s in the %s", dermis_species((dermis_field)f)->name,
                     dermis_layer_name((dermis_layer)layer));
            set_message(msg, len, "negative constitutive source of ", detail);
            return DERMIS_MODEL_ENEGATIVE_SOURCE;
        }
    }
    if (F0 > 0.0) {
        s->collagen_I_basal_per_cell = k->collagen_I_degradation_ml_per_ng_per_day * Q0 * u0[DERMIS_F_COLLAGEN_I] / F0;
        s->collagen_III_basal_per_cell = k->collagen_III_degradation_ml_per_ng_per_day * Q0 * u0[DERMIS_F_COLLAGEN_III] / F0;
        s->tropoelastin_basal_per_cell =
            (p->elastin_assembly_per_day + p->tropoelastin_proteolysis_ml_per_ng_per_day * Q0) * u0[DERMIS_F_TROPOELASTIN] / F0;
    }
    return DERMIS_MODEL_OK;
}

/* The site of one voxel: its layer's site with matrix entries scaled by the matrix factor
 * (a lesion lowers the set point; the balance is linear in it, so it stays exact). */
static double voxel_site(const dermis_model *m, size_t voxel, dermis_kinetics_site *s)
{
    const int layer = m->tissue->layer[voxel];
    const double factor = m->tissue->matrix_factor[voxel];
    *s = m->layer_site[layer];
    if (factor == 1.0) return factor;
    s->baseline[DERMIS_F_COLLAGEN_I] *= factor;
    s->baseline[DERMIS_F_COLLAGEN_III] *= factor;
    s->baseline[DERMIS_F_TROPOELASTIN] *= factor;
    s->baseline[DERMIS_F_ELASTIN] *= factor;
    s->collagen_I_basal_per_cell *= factor;
    s->collagen_III_basal_per_cell *= factor;
    s->tropoelastin_basal_per_cell *= factor;
    return factor;
}

void dermis_model_voxel_baseline(const dermis_model *m, size_t voxel, double *u0)
{
    dermis_kinetics_site s;
    voxel_site(m, voxel, &s);
    memcpy(u0, s.baseline, sizeof s.baseline);
}

void dermis_model_homeostasis(const dermis_model *m, double *state)
{
    const size_t n = dermis_grid_voxels(&m->tissue->grid);
    double u0[NF];
    for (size_t v = 0; v < n; ++v) {
        dermis_model_voxel_baseline(m, v, u0);
        for (int f = 0; f < NF; ++f) state[(size_t)f * n + v] = u0[f];
    }
}

void dermis_model_homeostatic_residual(const dermis_model *m, size_t voxel, double *r)
{
    dermis_kinetics_site s;
    voxel_site(m, voxel, &s);
    dermis_kinetics_eval(&m->kinetics, &s, s.baseline, r, NULL);
}

/* ---------------------------------------------------------------- transport ----------------- */

/* Diffusivity of a mobile field in each layer (0 = wall). */
static void layer_diffusivities(const dermis_model *m, int f, double *d)
{
    const dermis_model_params *p = &m->kinetics.p;
    double D = 0.0;
    int kind = 0; /* 0 immobile, 1 leukocyte, 2 fibroblast lineage, 3 solute, 4 topical */
    switch (f) {
    case DERMIS_F_NEUTROPHILS: D = p->neutrophil_diffusivity_mm2_per_day; kind = 1; break;
    case DERMIS_F_MACROPHAGES:
    case DERMIS_F_REPAIR_MACROPHAGES: D = p->macrophage_diffusivity_mm2_per_day; kind = 1; break;
    case DERMIS_F_FIBROBLASTS: D = p->fibroblast_diffusivity_mm2_per_day; kind = 2; break;
    case DERMIS_F_MYOFIBROBLASTS: D = p->myofibroblast_diffusivity_mm2_per_day; kind = 2; break;
    case DERMIS_F_ALARMINS: D = p->alarmin_diffusivity_mm2_per_day; kind = 3; break;
    case DERMIS_F_TGF_BETA1:
    case DERMIS_F_TGF_BETA3: D = p->tgf_beta1_diffusivity_mm2_per_day; kind = 3; break;
    case DERMIS_F_PDGF: D = p->pdgf_diffusivity_mm2_per_day; kind = 3; break;
    case DERMIS_F_VEGF: D = p->vegf_diffusivity_mm2_per_day; kind = 3; break;
    case DERMIS_F_MMP: D = p->mmp_diffusivity_mm2_per_day; kind = 3; break;
    case DERMIS_F_TIMP: D = p->timp_diffusivity_mm2_per_day; kind = 3; break;
    case DERMIS_F_TOPICAL:
    case DERMIS_F_TOPICAL_INTACT: D = m->topical_D_viable; kind = 4; break;
    default: break;
    }
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) {
        const int dermal = layer_has_fibroblasts(l);
        const int epidermal = l == DERMIS_LAYER_EPIDERMIS;
        switch (kind) {
        case 1: d[l] = (dermal || epidermal) ? D : 0.0; break;
        case 2: d[l] = dermal ? D : 0.0; break;
        case 3: d[l] = dermal ? D : epidermal ? D * p->epidermis_diffusivity_factor : 0.0; break;
        case 4: d[l] = l == DERMIS_LAYER_STRATUM_CORNEUM ? m->topical_D_stratum_corneum : D; break;
        default: d[l] = 0.0; break;
        }
    }
}

static void free_maps(dermis_model *m)
{
    for (int f = 0; f < NF; ++f) {
        free(m->maps[f]);
        m->maps[f] = NULL;
    }
}

/* Which layers occur in the tissue map (a layer absent from the grid does not make D non-uniform). */
static void layers_present(const dermis_tissue *t, int *present)
{
    const size_t n = dermis_grid_voxels(&t->grid);
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) present[l] = 0;
    for (size_t v = 0; v < n; ++v) present[t->layer[v]] = 1;
}

/* Sets D_uniform when the field's diffusivity is the same in every layer present, else builds a
 * per-voxel map. Returns 0 or -1 if memory ran out. */
static int build_diffusivity(dermis_model *m, int f, const int *present)
{
    double d[DERMIS_N_LAYERS];
    layer_diffusivities(m, f, d);
    double first = -1.0;
    int uniform = 1;
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) {
        if (!present[l]) continue;
        if (first < 0.0) first = d[l];
        else if (d[l] != first) uniform = 0;
    }
    dermis_field_spec *spec = &m->specs[f];
    spec->D_map = NULL;
    spec->D_uniform = uniform && first > 0.0 ? first : 0.0;
    if (uniform) return 0;
    const size_t n = dermis_grid_voxels(&m->tissue->grid);
    m->maps[f] = malloc(n * sizeof *m->maps[f]);
    if (!m->maps[f]) return -1;
    for (size_t v = 0; v < n; ++v) m->maps[f][v] = d[m->tissue->layer[v]];
    spec->D_map = m->maps[f];
    return 0;
}

static int build_transport(dermis_model *m)
{
    int present[DERMIS_N_LAYERS];
    layers_present(m->tissue, present);
    free_maps(m);
    for (int f = 0; f < NF; ++f) {
        dermis_field_spec *spec = &m->specs[f];
        spec->name = dermis_species((dermis_field)f)->name;
        spec->atol = m->atol_scale * m->scale[f];
        if (dermis_species((dermis_field)f)->mobility == DERMIS_IMMOBILE) {
            spec->D_map = NULL;
            spec->D_uniform = 0.0;
        } else if (build_diffusivity(m, f, present) != 0) {
            return DERMIS_MODEL_ENOMEM;
        }
    }
    return DERMIS_MODEL_OK;
}

static void build_chemotaxis(dermis_model *m)
{
    const dermis_model_params *p = &m->kinetics.p;
    const dermis_chemotaxis_spec pairs[N_CHEMOTAXIS] = {
        {DERMIS_F_NEUTROPHILS, DERMIS_F_ALARMINS, p->neutrophil_chemotaxis_mm2_per_day_per_ng_per_ml,
         p->chemotaxis_saturation_ng_per_ml},
        {DERMIS_F_MACROPHAGES, DERMIS_F_ALARMINS, p->macrophage_chemotaxis_mm2_per_day_per_ng_per_ml,
         p->chemotaxis_saturation_ng_per_ml},
        /* Same motility as all macrophages, so transport keeps the repair share. */
        {DERMIS_F_REPAIR_MACROPHAGES, DERMIS_F_ALARMINS, p->macrophage_chemotaxis_mm2_per_day_per_ng_per_ml,
         p->chemotaxis_saturation_ng_per_ml},
        {DERMIS_F_FIBROBLASTS, DERMIS_F_PDGF, p->fibroblast_chemotaxis_mm2_per_day_per_ng_per_ml,
         p->pdgf_chemotaxis_saturation_ng_per_ml},
        {DERMIS_F_MYOFIBROBLASTS, DERMIS_F_PDGF, p->fibroblast_chemotaxis_mm2_per_day_per_ng_per_ml,
         p->pdgf_chemotaxis_saturation_ng_per_ml},
    };
    memcpy(m->chemotaxis, pairs, sizeof pairs);
}

/* Typical magnitudes: the dermal baseline, or a typical wound level for fields that are zero at
 * homeostasis. */
static void build_scales(dermis_model *m)
{
    const dermis_model_params *p = &m->kinetics.p;
    double u0[NF];
    layer_baseline(&m->kinetics, DERMIS_LAYER_RETICULAR_DERMIS, u0);
    for (int f = 0; f < NF; ++f) m->scale[f] = u0[f] > 0.0 ? u0[f] : 1.0;
    m->scale[DERMIS_F_ALARMINS] = p->alarmin_burst_ng_per_ml > 1.0 ? p->alarmin_burst_ng_per_ml : 1.0;
    m->scale[DERMIS_F_NEUTROPHILS] = p->fibroblast_baseline_per_mm3;
    m->scale[DERMIS_F_MACROPHAGES] = p->fibroblast_baseline_per_mm3;
    m->scale[DERMIS_F_REPAIR_MACROPHAGES] = p->fibroblast_baseline_per_mm3;
    m->scale[DERMIS_F_MYOFIBROBLASTS] = p->fibroblast_baseline_per_mm3;
}

/* ---------------------------------------------------------------- life cycle ---------------- */

static int build(dermis_model *m, char *msg, size_t len)
{
    derive_rate_constants(&m->kinetics);
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) {
        const int status = derive_layer_site(&m->kinetics, l, &m->layer_site[l], msg, len);
        if (status != DERMIS_MODEL_OK) return status;
        dermis_kinetics_eval(&m->kinetics, &m->layer_site[l], m->layer_site[l].baseline, m->layer_residual[l], NULL);
    }
    build_scales(m);
    build_chemotaxis(m);
    for (int f = 0; f < NF; ++f) {
        m->specs[f].top = (dermis_bc){DERMIS_BC_ZERO_FLUX, 0.0};
        m->specs[f].bottom = (dermis_bc){DERMIS_BC_ZERO_FLUX, 0.0};
    }
    return build_transport(m);
}

dermis_model *dermis_model_alloc(const dermis_model_params *params, const dermis_tissue *tissue, int *status, char *msg,
                                 size_t msg_len)
{
    int st = DERMIS_MODEL_EINVAL;
    dermis_model *m = NULL;
    set_message(msg, msg_len, "", "");
    if (!params || !tissue || !tissue->layer || !tissue->matrix_factor || dermis_grid_validate(&tissue->grid) != 0) {
        set_message(msg, msg_len, "missing parameters or tissue map", "");
        goto done;
    }
    st = check_ranges(params, msg, msg_len);
    if (st != DERMIS_MODEL_OK) goto done;
    m = calloc(1, sizeof *m);
    if (!m) {
        st = DERMIS_MODEL_ENOMEM;
        goto done;
    }
    m->kinetics.p = *params;
    m->kinetics.topical_clearance_per_day = DEFAULT_TOPICAL_CLEARANCE_PER_DAY;
    m->tissue = tissue;
    m->atol_scale = DEFAULT_ATOL_SCALE;
    m->topical_D_viable = DEFAULT_TOPICAL_D_MM2_PER_DAY;
    m->topical_D_stratum_corneum = 0.0;
    st = build(m, msg, msg_len);
    if (st != DERMIS_MODEL_OK) {
        dermis_model_free(m);
        m = NULL;
    }
done:
    if (status) *status = st;
    return m;
}

void dermis_model_free(dermis_model *m)
{
    if (!m) return;
    free_maps(m);
    free(m);
}

const dermis_model_params *dermis_model_params_of(const dermis_model *m) { return &m->kinetics.p; }
const dermis_tissue *dermis_model_tissue(const dermis_model *m) { return m->tissue; }
const dermis_field_spec *dermis_model_field_specs(const dermis_model *m) { return m->specs; }

size_t dermis_model_chemotaxis(const dermis_model *m, const dermis_chemotaxis_spec **pairs)
{
    *pairs = m->chemotaxis;
    return N_CHEMOTAXIS;
}

void dermis_model_problem(const dermis_model *m, dermis_problem *problem)
{
    problem->n_fields = NF;
    problem->fields = m->specs;
    problem->n_chemotaxis = N_CHEMOTAXIS;
    problem->chemotaxis = m->chemotaxis;
    problem->rhs = dermis_model_rhs;
    problem->jac = dermis_model_jacobian;
    problem->boundary = NULL;
    problem->user = (void *)m; /* the callbacks only read the model */
}

int dermis_model_set_boundary(dermis_model *m, dermis_field field, dermis_face face, dermis_bc bc)
{
    if (!m || (int)field < 0 || (int)field >= NF) return DERMIS_MODEL_EINVAL;
    if (face == DERMIS_FACE_TOP) m->specs[field].top = bc;
    else if (face == DERMIS_FACE_BOTTOM) m->specs[field].bottom = bc;
    else return DERMIS_MODEL_EINVAL;
    return DERMIS_MODEL_OK;
}

int dermis_model_set_atol_scale(dermis_model *m, double atol_scale)
{
    if (!m || !(atol_scale > 0.0)) return DERMIS_MODEL_EINVAL;
    m->atol_scale = atol_scale;
    for (int f = 0; f < NF; ++f) m->specs[f].atol = atol_scale * m->scale[f];
    return DERMIS_MODEL_OK;
}

double dermis_model_field_scale(const dermis_model *m, dermis_field field)
{
    return ((int)field >= 0 && (int)field < NF) ? m->scale[field] : 1.0;
}

int dermis_model_set_topical(dermis_model *m, double D_viable_mm2_per_day, double D_stratum_corneum_mm2_per_day,
                             double clearance_per_day)
{
    if (!m || !(D_viable_mm2_per_day >= 0.0) || !(D_stratum_corneum_mm2_per_day >= 0.0) || !(clearance_per_day >= 0.0))
        return DERMIS_MODEL_EINVAL;
    m->topical_D_viable = D_viable_mm2_per_day;
    m->topical_D_stratum_corneum = D_stratum_corneum_mm2_per_day;
    m->kinetics.topical_clearance_per_day = clearance_per_day;
    int present[DERMIS_N_LAYERS];
    layers_present(m->tissue, present);
    const dermis_field topical[] = {DERMIS_F_TOPICAL, DERMIS_F_TOPICAL_INTACT};
    for (size_t n = 0; n < sizeof topical / sizeof topical[0]; ++n) {
        free(m->maps[topical[n]]);
        m->maps[topical[n]] = NULL;
        if (build_diffusivity(m, topical[n], present) != 0) return DERMIS_MODEL_ENOMEM;
    }
    return DERMIS_MODEL_OK;
}

/* ---------------------------------------------------------------- callbacks ----------------- */

/* Copies u into v with tiny negative values set to 0; returns 1 if any value is too negative. */
static int clip_state(const dermis_model *m, const double *u, double *v)
{
    for (int f = 0; f < NF; ++f) {
        if (!(u[f] >= -NEGATIVE_TOLERANCE * m->scale[f])) return 1; /* also catches NaN */
        v[f] = u[f] > 0.0 ? u[f] : 0.0;
    }
    return 0;
}

int dermis_model_rhs(double t_day, size_t voxel, const double *u, double *dudt, void *model)
{
    (void)t_day; /* the kinetics are autonomous */
    const dermis_model *m = model;
    double v[NF], residual[NF];
    if (clip_state(m, u, v)) return 1;
    dermis_kinetics_site s;
    if (voxel_site(m, voxel, &s) == 1.0) memcpy(residual, m->layer_residual[m->tissue->layer[voxel]], sizeof residual);
    else dermis_kinetics_eval(&m->kinetics, &s, s.baseline, residual, NULL);
    dermis_kinetics_eval(&m->kinetics, &s, v, dudt, NULL);
    /* Subtracting the rounding residual of the closed-form balance makes u0 an exact fixed point. */
    for (int f = 0; f < NF; ++f) dudt[f] -= residual[f];
    return 0;
}

int dermis_model_jacobian(double t_day, size_t voxel, const double *u, double *J, void *model)
{
    (void)t_day;
    const dermis_model *m = model;
    double v[NF], R[NF];
    if (clip_state(m, u, v)) return 1;
    dermis_kinetics_site s;
    voxel_site(m, voxel, &s);
    dermis_kinetics_eval(&m->kinetics, &s, v, R, J);
    return 0;
}

/* ---------------------------------------------------------------- injury -------------------- */

static double clip01(double x) { return x > 1.0 ? 1.0 : (x > 0.0 ? x : 0.0); }

void dermis_model_apply_damage(const dermis_model *m, size_t voxel, double fraction, double bleeding, double *state)
{
    const dermis_model_params *p = &m->kinetics.p;
    const size_t n = dermis_grid_voxels(&m->tissue->grid);
    const double f = clip01(fraction), b = clip01(bleeding);
    const double kept = 1.0 - f * p->injury_matrix_loss_fraction;
    const dermis_field destroyed[] = {DERMIS_F_FIBROBLASTS, DERMIS_F_MYOFIBROBLASTS, DERMIS_F_COLLAGEN_I,
                                      DERMIS_F_COLLAGEN_III, DERMIS_F_TROPOELASTIN,   DERMIS_F_ELASTIN,
                                      DERMIS_F_VESSELS};
    double *damage = &state[(size_t)DERMIS_F_DAMAGE * n + voxel];
    if (*damage < f) *damage = f;
    for (size_t i = 0; i < sizeof destroyed / sizeof destroyed[0]; ++i) state[(size_t)destroyed[i] * n + voxel] *= kept;
    /* No release where the layer has no cells or solutes (stratum corneum). */
    if (m->tissue->layer[voxel] == DERMIS_LAYER_STRATUM_CORNEUM) return;
    state[(size_t)DERMIS_F_ALARMINS * n + voxel] += f * p->alarmin_burst_ng_per_ml;
    state[(size_t)DERMIS_F_TGF_BETA1 * n + voxel] += f * b * p->platelet_tgf_beta1_ng_per_ml;
    state[(size_t)DERMIS_F_PDGF * n + voxel] += f * b * p->platelet_pdgf_ng_per_ml;
}
