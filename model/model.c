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

enum { NF = DERMIS_N_FIELDS };

/* A state value below -NEGATIVE_TOLERANCE * scale makes the rhs ask the solver for a retry. */
#define NEGATIVE_TOLERANCE 1e-6
#define DEFAULT_ATOL_SCALE 1e-6
#define DEFAULT_TOPICAL_D_MM2_PER_DAY 0.29
#define DEFAULT_TOPICAL_CLEARANCE_PER_DAY 2.0

enum { INJURY_NONE, INJURY_MARK, INJURY_DESTROY, INJURY_RELEASE, INJURY_PLATELET };

/* Matrix set-point factors (other than 1) whose sites and residuals are kept (model.c, struct
 * dermis_model); voxels with any further factor compute theirs per call. */
#define LESION_FACTORS 4

typedef struct {
    int attractant; /* field, or -1 */
    double sensitivity, saturation;
} chemotaxis_column;

typedef struct {
    int kind;
    double amount; /* release per unit injured fraction (RELEASE, PLATELET) */
} injury_column;

typedef struct {
    dermis_transport transport;
    double diffusivity; /* mm2 d-1; 0 for immobile and topical fields */
    chemotaxis_column chemotaxis;
    injury_column injury;
    double scale; /* 0: use the dermal baseline */
} field_facts;

struct dermis_model {
    dermis_kinetics kinetics;
    field_facts facts[NF];                              /* the registry's columns */
    const dermis_tissue *tissue;
    dermis_kinetics_site layer_site[DERMIS_N_LAYERS];   /* matrix factor 1 */
    double layer_residual[DERMIS_N_LAYERS][NF];         /* R(u0) at matrix factor 1 */
    /* The same at the first LESION_FACTORS matrix factors other than 1 in the tissue map (a
     * lesion has one), so a lesion voxel's rhs evaluates the kinetics once, not twice. */
    size_t n_lesion_factors;
    double lesion_factor[LESION_FACTORS];
    dermis_kinetics_site lesion_site[LESION_FACTORS][DERMIS_N_LAYERS];
    double lesion_residual[LESION_FACTORS][DERMIS_N_LAYERS][NF];
    double scale[NF];
    double atol_scale;
    double topical_D_viable, topical_D_stratum_corneum;
    dermis_field_spec specs[NF];
    double *maps[NF];                                   /* owned diffusivity maps, NULL if unused */
    dermis_chemotaxis_spec chemotaxis[NF];              /* at most one attractant per field */
    size_t n_chemotaxis;
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

/* ---------------------------------------------------------------- registry ------------------ */

/* The per-field columns of the species registry (species.h), expanded here. */
#define DERMIS_NO_PARAM 0.0
#define DERMIS_PARAM(field) p->field
#define DERMIS_NO_CHEMOTAXIS {-1, 0.0, 0.0}
#define DERMIS_CHEMOTAXIS(attractant, sensitivity, saturation) {DERMIS_F_##attractant, p->sensitivity, p->saturation}
#define DERMIS_INJURY_NONE {INJURY_NONE, 0.0}
#define DERMIS_INJURY_MARK {INJURY_MARK, 0.0}
#define DERMIS_INJURY_DESTROY {INJURY_DESTROY, 0.0}
#define DERMIS_INJURY_RELEASE(param) {INJURY_RELEASE, p->param}
#define DERMIS_INJURY_PLATELET(param) {INJURY_PLATELET, p->param}
#define DERMIS_SCALE_BASELINE 0.0
#define DERMIS_SCALE_PARAM(param) (p->param > 1.0 ? p->param : 1.0)

/* The registry's columns evaluated with the parameters p. */
static void registry_facts(const dermis_model_params *p, field_facts *facts)
{
#define DERMIS_FACTS_ROW(id, name, units, long_name, transport, diffusivity, chemotaxis, injury, scale) \
    {transport, diffusivity, chemotaxis, injury, scale},
    const field_facts table[NF] = {DERMIS_SPECIES(DERMIS_FACTS_ROW)};
#undef DERMIS_FACTS_ROW
    memcpy(facts, table, sizeof table);
}

/* Compile-time consistency of the registry: a mobile field (other than the topical product,
 * whose diffusivity the topical module sets) names a diffusivity, an immobile one does not, and
 * only mobile fields follow a chemoattractant. */
#undef DERMIS_NO_PARAM
#undef DERMIS_PARAM
#undef DERMIS_NO_CHEMOTAXIS
#undef DERMIS_CHEMOTAXIS
#define DERMIS_NO_PARAM 0
#define DERMIS_PARAM(field) 1
#define DERMIS_NO_CHEMOTAXIS 0
#define DERMIS_CHEMOTAXIS(attractant, sensitivity, saturation) 1
#define DERMIS_ASSERT_ROW(id, name, units, long_name, transport, diffusivity, chemotaxis, injury, scale)             \
    _Static_assert(((transport) == DERMIS_TRANSPORT_NONE || (transport) == DERMIS_TRANSPORT_TOPICAL) == !(diffusivity), \
                   "species " #name ": a mobile field needs DERMIS_PARAM(diffusivity), an immobile one DERMIS_NO_PARAM"); \
    _Static_assert(!(chemotaxis) || (transport) != DERMIS_TRANSPORT_NONE,                                              \
                   "species " #name ": an immobile field cannot follow a chemoattractant");
DERMIS_SPECIES(DERMIS_ASSERT_ROW)
#undef DERMIS_ASSERT_ROW
#undef DERMIS_NO_PARAM
#undef DERMIS_PARAM
#undef DERMIS_NO_CHEMOTAXIS
#undef DERMIS_CHEMOTAXIS
#undef DERMIS_INJURY_NONE
#undef DERMIS_INJURY_MARK
#undef DERMIS_INJURY_DESTROY
#undef DERMIS_INJURY_RELEASE
#undef DERMIS_INJURY_PLATELET
#undef DERMIS_SCALE_BASELINE
#undef DERMIS_SCALE_PARAM

/* ---------------------------------------------------------------- homeostasis --------------- */

static int layer_has_fibroblasts(int layer)
{
    return layer == DERMIS_LAYER_PAPILLARY_DERMIS || layer == DERMIS_LAYER_RETICULAR_DERMIS ||
           layer == DERMIS_LAYER_HYPODERMIS;
}

/* What the homeostasis needs to know of a skin layer. */
static dermis_layer_class layer_class(const dermis_model_params *p, int layer)
{
    dermis_layer_class c = {layer != DERMIS_LAYER_STRATUM_CORNEUM, layer_has_fibroblasts(layer), 0.0};
    if (layer == DERMIS_LAYER_PAPILLARY_DERMIS || layer == DERMIS_LAYER_RETICULAR_DERMIS) c.matrix_share = 1.0;
    else if (layer == DERMIS_LAYER_HYPODERMIS) c.matrix_share = p->hypodermis_matrix_fraction;
    return c;
}

/* The site of one voxel: its layer's site with matrix entries scaled by the matrix factor
 * (a lesion lowers the set point; the balance is linear in it, so it stays exact). */
static double voxel_site(const dermis_model *m, size_t voxel, dermis_kinetics_site *s)
{
    const int layer = m->tissue->layer[voxel];
    const double factor = m->tissue->matrix_factor[voxel];
    *s = m->layer_site[layer];
    if (factor != 1.0) dermis_kinetics_site_scale(s, factor);
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
    dermis_kinetics_rates(&m->kinetics, &s, s.baseline, r);
}

/* ---------------------------------------------------------------- transport ----------------- */

/* Diffusivity of field f in each layer (0 = wall), from its transport class. */
static void layer_diffusivities(const dermis_model *m, int f, double *d)
{
    const dermis_model_params *p = &m->kinetics.p;
    const double D = m->facts[f].diffusivity;
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) {
        const int dermal = layer_has_fibroblasts(l);
        const int epidermal = l == DERMIS_LAYER_EPIDERMIS;
        switch (m->facts[f].transport) {
        case DERMIS_TRANSPORT_LEUKOCYTE: d[l] = (dermal || epidermal) ? D : 0.0; break;
        case DERMIS_TRANSPORT_FIBROBLAST: d[l] = dermal ? D : 0.0; break;
        case DERMIS_TRANSPORT_SOLUTE: d[l] = dermal ? D : epidermal ? D * p->epidermis_diffusivity_factor : 0.0; break;
        case DERMIS_TRANSPORT_TOPICAL:
            d[l] = l == DERMIS_LAYER_STRATUM_CORNEUM ? m->topical_D_stratum_corneum : m->topical_D_viable;
            break;
        case DERMIS_TRANSPORT_NONE: d[l] = 0.0; break;
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
        if (m->facts[f].transport == DERMIS_TRANSPORT_NONE) {
            spec->D_map = NULL;
            spec->D_uniform = 0.0;
        } else if (build_diffusivity(m, f, present) != 0) {
            return DERMIS_MODEL_ENOMEM;
        }
    }
    return DERMIS_MODEL_OK;
}

/* One chemotaxis pair per registry field with a chemoattractant, in registry order. */
static void build_chemotaxis(dermis_model *m)
{
    m->n_chemotaxis = 0;
    for (int f = 0; f < NF; ++f) {
        const chemotaxis_column *c = &m->facts[f].chemotaxis;
        if (c->attractant < 0) continue;
        m->chemotaxis[m->n_chemotaxis++] = (dermis_chemotaxis_spec){(size_t)f, (size_t)c->attractant, c->sensitivity, c->saturation};
    }
}

/* Typical magnitudes: the dermal baseline (1 where it is 0), or the registry's wound level. */
static void build_scales(dermis_model *m)
{
    const double *u0 = m->layer_site[DERMIS_LAYER_RETICULAR_DERMIS].baseline;
    for (int f = 0; f < NF; ++f)
        m->scale[f] = m->facts[f].scale > 0.0 ? m->facts[f].scale : u0[f] > 0.0 ? u0[f] : 1.0;
}

/* ---------------------------------------------------------------- life cycle ---------------- */

/* The sites and residuals of the matrix factors other than 1 that the tissue map holds (the
 * first LESION_FACTORS of them), computed as voxel_site and dermis_model_rhs would. */
static void build_lesion_sites(dermis_model *m)
{
    const size_t n = dermis_grid_voxels(&m->tissue->grid);
    m->n_lesion_factors = 0;
    for (size_t v = 0; v < n && m->n_lesion_factors < LESION_FACTORS; ++v) {
        const double factor = m->tissue->matrix_factor[v];
        size_t c = 0;
        while (c < m->n_lesion_factors && m->lesion_factor[c] != factor) ++c;
        if (factor == 1.0 || c < m->n_lesion_factors) continue;
        m->lesion_factor[c] = factor;
        for (int l = 0; l < DERMIS_N_LAYERS; ++l) {
            dermis_kinetics_site *s = &m->lesion_site[c][l];
            *s = m->layer_site[l];
            dermis_kinetics_site_scale(s, factor);
            dermis_kinetics_rates(&m->kinetics, s, s->baseline, m->lesion_residual[c][l]);
        }
        m->n_lesion_factors++;
    }
}

static int build(dermis_model *m, char *msg, size_t len)
{
    const dermis_model_params *p = &m->kinetics.p;
    registry_facts(p, m->facts);
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) {
        const dermis_layer_class c = layer_class(p, l);
        const int bad = dermis_kinetics_site_init(&m->kinetics, &c, &m->layer_site[l]);
        if (bad >= 0) {
            char detail[160];
            snprintf(detail, sizeof detail, "%s in the %s", dermis_species((dermis_field)bad)->name,
                     dermis_layer_name((dermis_layer)l));
            set_message(msg, len, "negative constitutive source of ", detail);
            return DERMIS_MODEL_ENEGATIVE_SOURCE;
        }
        dermis_kinetics_rates(&m->kinetics, &m->layer_site[l], m->layer_site[l].baseline, m->layer_residual[l]);
    }
    build_lesion_sites(m);
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
    dermis_kinetics_init(&m->kinetics, params, DEFAULT_TOPICAL_CLEARANCE_PER_DAY);
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
    return m->n_chemotaxis;
}

void dermis_model_problem(const dermis_model *m, dermis_problem *problem)
{
    problem->n_fields = NF;
    problem->fields = m->specs;
    problem->n_chemotaxis = m->n_chemotaxis;
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

/* The site of a voxel and R(u0) there, from the layer's or a kept lesion site; NULL if the
 * voxel's matrix factor is none of those (the caller computes them). */
static const dermis_kinetics_site *kept_site(const dermis_model *m, size_t voxel, const double **residual)
{
    const int layer = m->tissue->layer[voxel];
    const double factor = m->tissue->matrix_factor[voxel];
    if (factor == 1.0) {
        *residual = m->layer_residual[layer];
        return &m->layer_site[layer];
    }
    for (size_t c = 0; c < m->n_lesion_factors; ++c)
        if (m->lesion_factor[c] == factor) {
            *residual = m->lesion_residual[c][layer];
            return &m->lesion_site[c][layer];
        }
    return NULL;
}

int dermis_model_rhs(double t_day, size_t voxel, const double *u, double *dudt, void *model)
{
    (void)t_day; /* the kinetics are autonomous */
    const dermis_model *m = model;
    double v[NF], own_residual[NF];
    if (clip_state(m, u, v)) return 1;
    const double *residual = NULL;
    const dermis_kinetics_site *site = kept_site(m, voxel, &residual);
    dermis_kinetics_site s;
    if (!site) {
        voxel_site(m, voxel, &s);
        dermis_kinetics_rates(&m->kinetics, &s, s.baseline, own_residual);
        site = &s;
        residual = own_residual;
    }
    dermis_kinetics_rates(&m->kinetics, site, v, dudt);
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
    const double *residual = NULL;
    const dermis_kinetics_site *site = kept_site(m, voxel, &residual);
    dermis_kinetics_site s;
    if (!site) {
        voxel_site(m, voxel, &s);
        site = &s;
    }
    dermis_kinetics_jacobian(&m->kinetics, site, v, R, J);
    return 0;
}

/* ---------------------------------------------------------------- injury -------------------- */

static double clip01(double x) { return x > 1.0 ? 1.0 : (x > 0.0 ? x : 0.0); }

void dermis_model_apply_damage(const dermis_model *m, size_t voxel, double fraction, double bleeding, double *state)
{
    const size_t n = dermis_grid_voxels(&m->tissue->grid);
    const double f = clip01(fraction), b = clip01(bleeding);
    const double kept = 1.0 - f * m->kinetics.p.injury_matrix_loss_fraction;
    /* No release where the layer has no cells or solutes (stratum corneum). */
    const int releases = m->tissue->layer[voxel] != DERMIS_LAYER_STRATUM_CORNEUM;
    for (int i = 0; i < NF; ++i) {
        double *value = &state[(size_t)i * n + voxel];
        const injury_column *c = &m->facts[i].injury;
        switch (c->kind) {
        case INJURY_MARK:
            if (*value < f) *value = f;
            break;
        case INJURY_DESTROY: *value *= kept; break;
        case INJURY_RELEASE:
            if (releases) *value += f * c->amount;
            break;
        case INJURY_PLATELET:
            if (releases) *value += f * b * c->amount;
            break;
        default: break;
        }
    }
}
