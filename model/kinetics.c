/* Reaction terms of the healing cascade and their analytic Jacobian (see kinetics.h and
 * docs/model.md, "Healing cascade", equations (1)-(20)).
 *
 * Cells respond to the excess of a growth factor over its homeostatic level,
 * x = max(c - c0, 0), through saturating terms x/(K + x): at homeostasis every stimulated term is
 * exactly zero, so the basal constants can be derived in closed form (model.c) and the
 * stimulation parameters can be varied without moving the fixed point.
 *
 * Each equation has its own short function adding R_i and row i of J. */
#include "model/kinetics.h"

#include <stddef.h>
#include <string.h>

#include "model/units.h"

/* 1 pg mm^-3 = 1e-9 mg / 1e-3 cm^3 = 1e-6 mg cm^-3: per-cell matrix rates are in pg cell^-1 d^-1. */
#define PG_PER_MM3_IN_MG_PER_CM3 1e-6

enum { NF = DERMIS_N_FIELDS };

/* Saturating response to the excess of c over c0: value and derivative with respect to c. */
typedef struct {
    double value;
    double slope;
} response;

static response excess_response(double c, double c0, double half_saturation)
{
    const double x = c - c0;
    if (x <= 0.0) return (response){0.0, 0.0};
    const double denom = half_saturation + x;
    return (response){x / denom, half_saturation / (denom * denom)};
}

static response saturating(double c, double half_saturation)
{
    const double denom = half_saturation + c;
    return (response){c / denom, half_saturation / (denom * denom)};
}

/* Saturating response to the matrix deficit d = 1 - c/c0 of a voxel below its set point c0:
 * d/(K + d) for d > 0, else 0; slope with respect to c. */
static response deficit_response(double c, double c0, double half_saturation)
{
    if (!(c0 > 0.0) || c >= c0) return (response){0.0, 0.0};
    const double d = 1.0 - c / c0;
    const double denom = half_saturation + d;
    return (response){d / denom, -half_saturation / (denom * denom) / c0};
}

/* Effect of the provisional matrix, Pm/(K_Pm + Pm) (zero at homeostasis, where Pm = 0). */
static response provisional_response(const dermis_kinetics *k, const double *u)
{
    return saturating(u[DERMIS_F_PROVISIONAL_MATRIX], k->p.provisional_matrix_half_saturation_mg_per_cm3);
}

/* Wound context g in [0, 1]: the share of a voxel that is granulation tissue rather than intact
 * matrix, g = 1 - (1 - sPm)(1 - dd): provisional matrix present (sPm) or mature matrix missing
 * (dd = d/(K_d + d), d = (1 - (C1 + C3)/C0)_+). Zero in intact skin and in an untreated lesion at
 * its set point. Slopes with respect to Pm and to either collagen. */
typedef struct {
    double value, d_pm, d_collagen;
} context;

static context wound_context(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u)
{
    const response pm = provisional_response(k, u);
    const response dd = deficit_response(u[DERMIS_F_COLLAGEN_I] + u[DERMIS_F_COLLAGEN_III],
                                         s->baseline[DERMIS_F_COLLAGEN_I] + s->baseline[DERMIS_F_COLLAGEN_III],
                                         k->p.collagen_deficit_half_saturation);
    return (context){1.0 - (1.0 - pm.value) * (1.0 - dd.value), (1.0 - dd.value) * pm.slope, (1.0 - pm.value) * dd.slope};
}

static void jset(double *J, int i, int j, double v)
{
    if (J) J[i * NF + j] += v;
}

/* (1) Damage is cleared by phagocytosis and, slowly, by resident cells:
 *     dD/dt = -(k_N N + k_M M + k_r) D. */
static void damage_eq(const dermis_kinetics *k, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_DAMAGE;
    const double D = u[i], N = u[DERMIS_F_NEUTROPHILS], M = u[DERMIS_F_MACROPHAGES];
    const double rate = p->damage_clearance_neutrophil_mm3_per_day * N + p->damage_clearance_macrophage_mm3_per_day * M +
                        p->damage_resolution_per_day;
    R[i] = -rate * D;
    jset(J, i, i, -rate);
    jset(J, i, DERMIS_F_NEUTROPHILS, -p->damage_clearance_neutrophil_mm3_per_day * D);
    jset(J, i, DERMIS_F_MACROPHAGES, -p->damage_clearance_macrophage_mm3_per_day * D);
}

/* (2) Damaged tissue releases alarmins, which decay: dA/dt = s_A D - delta_A A. */
static void alarmin_eq(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_ALARMINS;
    R[i] = p->alarmin_release_ng_per_ml_per_day * u[DERMIS_F_DAMAGE] + s->source[i] - p->alarmin_decay_per_day * u[i];
    jset(J, i, DERMIS_F_DAMAGE, p->alarmin_release_ng_per_ml_per_day);
    jset(J, i, i, -p->alarmin_decay_per_day);
}

/* (3) Neutrophils extravasate where vessels are, driven by alarmins, and die:
 *     dN/dt = v r_N A/(K_A + A) - delta_N N. */
static void neutrophil_eq(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_NEUTROPHILS;
    const response a = saturating(u[DERMIS_F_ALARMINS], p->alarmin_half_saturation_ng_per_ml);
    const double influx = s->vascular * p->neutrophil_influx_per_mm3_per_day;
    R[i] = influx * a.value - p->neutrophil_death_per_day * u[i];
    jset(J, i, DERMIS_F_ALARMINS, influx * a.slope);
    jset(J, i, i, -p->neutrophil_death_per_day);
}

/* (4) Monocytes are recruited by alarmins and by neutrophil-derived chemokines and leave/die:
 *     dM/dt = v [r_MA A/(K_A + A) + r_MN N] - delta_M M. */
static void macrophage_eq(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_MACROPHAGES;
    const response a = saturating(u[DERMIS_F_ALARMINS], p->alarmin_half_saturation_ng_per_ml);
    const double alarm_influx = s->vascular * p->macrophage_influx_per_mm3_per_day;
    const double per_neutrophil = s->vascular * p->macrophage_influx_per_neutrophil_per_day;
    R[i] = alarm_influx * a.value + per_neutrophil * u[DERMIS_F_NEUTROPHILS] - p->macrophage_removal_per_day * u[i];
    jset(J, i, DERMIS_F_ALARMINS, alarm_influx * a.slope);
    jset(J, i, DERMIS_F_NEUTROPHILS, per_neutrophil);
    jset(J, i, i, -p->macrophage_removal_per_day);
}

/* (5) Recruited macrophages are inflammatory; they switch to the repair phenotype at k_sw. Both
 *     phenotypes are removed alike: dR/dt = k_sw (M - R) - delta_M R. */
static void repair_macrophage_eq(const dermis_kinetics *k, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_REPAIR_MACROPHAGES;
    R[i] = p->macrophage_switch_per_day * (u[DERMIS_F_MACROPHAGES] - u[i]) - p->macrophage_removal_per_day * u[i];
    jset(J, i, DERMIS_F_MACROPHAGES, p->macrophage_switch_per_day);
    jset(J, i, i, -p->macrophage_switch_per_day - p->macrophage_removal_per_day);
}

/* (6) Fibroblasts: contact-inhibited basal proliferation (capacity K_b near F0; above K_b contact
 *     inhibition arrests proliferation but does not kill, so the term is clipped at 0), proliferation
 *     stimulated by PDGF and TGF-beta1 excess up to a capacity K_g that is the granulation
 *     capacity F_max in wound tissue and K_b in intact matrix, apoptosis, and TGF-beta1-driven
 *     differentiation into myofibroblasts where there is wound tissue:
 *     dF/dt = r_F q F (1 - (F+Mf)/K_b)_+ + r_F [a_P sP + a_T s1 + a_Pm sPm] F (1 - (F+Mf)/K_g)_+
 *             - delta_F F - k_m sm g F,     K_g = K_b + (F_max - K_b) g,
 *     sPm = Pm/(K_Pm + Pm): the provisional matrix is a substrate for proliferation (granulation);
 *     g: wound context (wound_context). Fibroblasts embedded in intact, mature matrix stay
 *     quiescent (Grinnell 2003), and myofibroblasts need the wound's fibronectin and tension
 *     besides TGF-beta1 (Serini et al. 1998; Tomasek et al. 2002; Hinz 2007). */
static void fibroblast_eq(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_FIBROBLASTS;
    const double F = u[i], Mf = u[DERMIS_F_MYOFIBROBLASTS];
    const response sP = excess_response(u[DERMIS_F_PDGF], p->pdgf_baseline_ng_per_ml, p->pdgf_half_saturation_ng_per_ml);
    const response s1 = excess_response(u[DERMIS_F_TGF_BETA1], p->tgf_beta1_baseline_ng_per_ml,
                                        p->tgf_beta1_half_saturation_ng_per_ml);
    const response sm = excess_response(u[DERMIS_F_TGF_BETA1], p->tgf_beta1_baseline_ng_per_ml,
                                        p->myofibroblast_tgf_half_saturation_ng_per_ml);
    const response sPm = provisional_response(k, u);
    const context g = wound_context(k, s, u);
    const double r = p->fibroblast_proliferation_per_day;
    const double basal = r * k->fibroblast_quiescent_factor;
    const double stimulated = r * (p->fibroblast_pdgf_mitogenic_gain * sP.value + p->fibroblast_tgf_mitogenic_gain * s1.value +
                                   p->fibroblast_provisional_matrix_mitogenic_gain * sPm.value);
    const double Kb = k->fibroblast_basal_max_per_mm3, Kspan = k->fibroblast_max_per_mm3 - Kb;
    const double Kg = Kb + Kspan * g.value;
    const double crowd_basal_raw = 1.0 - (F + Mf) / Kb;
    const double crowd_basal = crowd_basal_raw > 0.0 ? crowd_basal_raw : 0.0; /* contact inhibition arrests, never kills */
    const double crowd_raw = 1.0 - (F + Mf) / Kg;
    const double crowd = crowd_raw > 0.0 ? crowd_raw : 0.0; /* growth factors never add death */
    const double differentiation = p->myofibroblast_differentiation_per_day * sm.value * g.value;
    R[i] = basal * F * crowd_basal + stimulated * F * crowd - p->fibroblast_death_per_day * F - differentiation * F;
    if (!J) return;
    const double dcrowd_dcells = crowd_raw > 0.0 ? -1.0 / Kg : 0.0;
    const double dcrowd_dg = crowd_raw > 0.0 ? (F + Mf) / (Kg * Kg) * Kspan : 0.0;
    const double dR_dg = stimulated * F * dcrowd_dg - p->myofibroblast_differentiation_per_day * sm.value * F;
    const double dbasal_dcells = crowd_basal_raw > 0.0 ? -1.0 / Kb : 0.0;
    const double d_crowd = basal * F * dbasal_dcells + stimulated * F * dcrowd_dcells;
    jset(J, i, i, basal * crowd_basal + stimulated * crowd + d_crowd - p->fibroblast_death_per_day - differentiation);
    jset(J, i, DERMIS_F_MYOFIBROBLASTS, d_crowd);
    jset(J, i, DERMIS_F_PDGF, r * p->fibroblast_pdgf_mitogenic_gain * sP.slope * F * crowd);
    jset(J, i, DERMIS_F_PROVISIONAL_MATRIX,
         r * p->fibroblast_provisional_matrix_mitogenic_gain * sPm.slope * F * crowd + dR_dg * g.d_pm);
    jset(J, i, DERMIS_F_TGF_BETA1,
         r * p->fibroblast_tgf_mitogenic_gain * s1.slope * F * crowd -
             p->myofibroblast_differentiation_per_day * sm.slope * g.value * F);
    jset(J, i, DERMIS_F_COLLAGEN_I, dR_dg * g.d_collagen);
    jset(J, i, DERMIS_F_COLLAGEN_III, dR_dg * g.d_collagen);
}

/* (7) Myofibroblasts arise from fibroblasts in wound tissue and undergo apoptosis, suppressed by
 *     TGF-beta1:  dMf/dt = k_m sm g F - delta_m K_s/(K_s + x1) Mf. */
static void myofibroblast_eq(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_MYOFIBROBLASTS;
    const double F = u[DERMIS_F_FIBROBLASTS], Mf = u[i];
    const response sm = excess_response(u[DERMIS_F_TGF_BETA1], p->tgf_beta1_baseline_ng_per_ml,
                                        p->myofibroblast_tgf_half_saturation_ng_per_ml);
    /* K_s/(K_s + x) = 1 - x/(K_s + x): reuse the excess response. */
    const response survival = excess_response(u[DERMIS_F_TGF_BETA1], p->tgf_beta1_baseline_ng_per_ml,
                                              p->myofibroblast_survival_half_saturation_ng_per_ml);
    const context g = wound_context(k, s, u);
    const double km = p->myofibroblast_differentiation_per_day;
    const double apoptosis = p->myofibroblast_apoptosis_per_day * (1.0 - survival.value);
    R[i] = km * sm.value * g.value * F - apoptosis * Mf;
    jset(J, i, DERMIS_F_FIBROBLASTS, km * sm.value * g.value);
    jset(J, i, i, -apoptosis);
    jset(J, i, DERMIS_F_TGF_BETA1, km * sm.slope * g.value * F + p->myofibroblast_apoptosis_per_day * survival.slope * Mf);
    jset(J, i, DERMIS_F_PROVISIONAL_MATRIX, km * sm.value * F * g.d_pm);
    jset(J, i, DERMIS_F_COLLAGEN_I, km * sm.value * F * g.d_collagen);
    jset(J, i, DERMIS_F_COLLAGEN_III, km * sm.value * F * g.d_collagen);
}

/* A solute made by cells and a constitutive source, lost first-order:
 *     dc/dt = sI (M - R) + sR R + sF (F + xi Mf) + b - delta c
 * (M - R is the inflammatory subset of all macrophages M). */
typedef struct {
    int field;
    double per_inflammatory, per_repair, per_fibroblast, myofibroblast_factor, decay;
} solute_rates;

static void solute_eq(const solute_rates *r, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const int i = r->field;
    const double M = u[DERMIS_F_MACROPHAGES], Mr = u[DERMIS_F_REPAIR_MACROPHAGES];
    R[i] = r->per_inflammatory * (M - Mr) + r->per_repair * Mr +
           r->per_fibroblast * (u[DERMIS_F_FIBROBLASTS] + r->myofibroblast_factor * u[DERMIS_F_MYOFIBROBLASTS]) +
           s->source[i] - r->decay * u[i];
    jset(J, i, DERMIS_F_MACROPHAGES, r->per_inflammatory);
    jset(J, i, DERMIS_F_REPAIR_MACROPHAGES, r->per_repair - r->per_inflammatory);
    jset(J, i, DERMIS_F_FIBROBLASTS, r->per_fibroblast);
    jset(J, i, DERMIS_F_MYOFIBROBLASTS, r->per_fibroblast * r->myofibroblast_factor);
    jset(J, i, i, -r->decay);
}

/* (8)-(11) TGF-beta1, TGF-beta3, PDGF, VEGF. Inflammatory macrophages make TGF-beta1 and VEGF,
 * repair macrophages make PDGF (the fibroblast growth factor of Waugh & Sherratt 2006) and
 * TGF-beta3; (myo)fibroblasts make TGF-beta1, TGF-beta3 and PDGF. */
static void growth_factor_eqs(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const solute_rates rates[] = {
        {DERMIS_F_TGF_BETA1, p->tgf_beta1_macrophage_secretion_pg_per_cell_per_day, 0.0,
         p->tgf_beta1_fibroblast_secretion_pg_per_cell_per_day, p->tgf_beta1_myofibroblast_factor, p->tgf_beta1_decay_per_day},
        {DERMIS_F_TGF_BETA3, 0.0, p->tgf_beta3_repair_macrophage_secretion_pg_per_cell_per_day,
         p->tgf_beta3_fibroblast_secretion_pg_per_cell_per_day, 1.0, p->tgf_beta3_decay_per_day},
        {DERMIS_F_PDGF, 0.0, p->pdgf_macrophage_secretion_pg_per_cell_per_day, p->pdgf_fibroblast_secretion_pg_per_cell_per_day,
         1.0, p->pdgf_decay_per_day},
        {DERMIS_F_VEGF, p->vegf_macrophage_secretion_pg_per_cell_per_day, 0.0, 0.0, 0.0, p->vegf_decay_per_day},
    };
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; ++r) solute_eq(&rates[r], s, u, R, J);
}

/* (12)-(13) Active MMP and TIMP, secreted by cells, cleared, and mutually inactivated in a 1:1
 *     complex: dQ/dt = ... - k_QI Q I;  dI/dt = ... - mu k_QI Q I. */
static void protease_eqs(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const solute_rates mmp = {DERMIS_F_MMP, p->mmp_macrophage_secretion_pg_per_cell_per_day,
                              p->mmp_macrophage_secretion_pg_per_cell_per_day,
                              p->mmp_fibroblast_secretion_pg_per_cell_per_day, 1.0, p->mmp_decay_per_day};
    const solute_rates timp = {DERMIS_F_TIMP, 0.0, 0.0, p->timp_fibroblast_secretion_pg_per_cell_per_day, 1.0,
                               p->timp_decay_per_day};
    solute_eq(&mmp, s, u, R, J);
    solute_eq(&timp, s, u, R, J);
    const double Q = u[DERMIS_F_MMP], I = u[DERMIS_F_TIMP];
    const double kb = p->mmp_timp_binding_ml_per_ng_per_day, mu = p->timp_to_mmp_mass_ratio;
    R[DERMIS_F_MMP] -= kb * Q * I;
    R[DERMIS_F_TIMP] -= mu * kb * Q * I;
    jset(J, DERMIS_F_MMP, DERMIS_F_MMP, -kb * I);
    jset(J, DERMIS_F_MMP, DERMIS_F_TIMP, -kb * Q);
    jset(J, DERMIS_F_TIMP, DERMIS_F_MMP, -mu * kb * I);
    jset(J, DERMIS_F_TIMP, DERMIS_F_TIMP, -mu * kb * Q);
}

/* Product inhibition 1 - c/c_max, clipped at 0 (no negative synthesis), and its slope. */
static response room_left(double c, double c_max)
{
    const double room = 1.0 - c / c_max;
    return room > 0.0 ? (response){room, -1.0 / c_max} : (response){0.0, 0.0};
}

/* (14)-(15) Collagen I and III. New collagen: TGF-beta1-stimulated deposition S_T and
 * deficit-driven deposition S_D (refilling the voxel towards its set point C0), split into type I
 * with share phi = phi1 (1 - sPm), phi1 = T1/(T1 + theta T3) (Dale et al. 1996), type III while
 * the provisional matrix is present; PDGF-stimulated granulation type III S_P; basal synthesis
 * sigma F; degradation by active MMP, faster for type III:
 *     dC1/dt = sigma1 F + phi (S_T + S_D) - k_d1 Q C1
 *     dC3/dt = sigma3 F + (1 - phi)(S_T + S_D) + S_P - k_d3 Q C3
 *     S_D = k_D (F + eta Mf) d/(K_d + d),  d = (1 - (C1 + C3)/C0)_+
 * Type III in excess of the tissue's homeostatic share f3 = C3_0/C0 is replaced by type I at
 * k_mat (remodelling; zero at the set point): + k_mat X in dC1/dt, - k_mat X in dC3/dt,
 *     X = (C3 - f3 (C1 + C3))_+ */
static void collagen_eqs(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i1 = DERMIS_F_COLLAGEN_I, i3 = DERMIS_F_COLLAGEN_III, ip = DERMIS_F_PROVISIONAL_MATRIX;
    const double F = u[DERMIS_F_FIBROBLASTS], Mf = u[DERMIS_F_MYOFIBROBLASTS];
    const double T1 = u[DERMIS_F_TGF_BETA1], T3 = u[DERMIS_F_TGF_BETA3], Q = u[DERMIS_F_MMP];
    const response s1 = excess_response(T1, p->tgf_beta1_baseline_ng_per_ml, p->tgf_beta1_half_saturation_ng_per_ml);
    const response sP = excess_response(u[DERMIS_F_PDGF], p->pdgf_baseline_ng_per_ml, p->pdgf_half_saturation_ng_per_ml);
    const response sPm = provisional_response(k, u);
    const response room = room_left(u[i1] + u[i3], p->collagen_capacity_mg_per_cm3);
    const response gap = deficit_response(u[i1] + u[i3], s->baseline[i1] + s->baseline[i3], p->collagen_deficit_half_saturation);
    const double eta = p->collagen_myofibroblast_factor;
    const double kT = p->collagen_synthesis_pg_per_cell_per_day * PG_PER_MM3_IN_MG_PER_CM3;
    const double kP = p->collagen_III_pdgf_synthesis_pg_per_cell_per_day * PG_PER_MM3_IN_MG_PER_CM3;
    const double kD = p->collagen_deficit_synthesis_pg_per_cell_per_day * PG_PER_MM3_IN_MG_PER_CM3;
    const double producers_T = F + eta * Mf, producers_P = F + Mf;
    const double ST = kT * s1.value * producers_T * room.value;
    const double SD = kD * gap.value * producers_T;
    const double SP = kP * sP.value * producers_P * room.value;
    const double S = ST + SD;
    const double theta_T3 = p->collagen_tgf_beta3_potency * T3;
    const double total = T1 + theta_T3;
    const double phi1 = total > 0.0 ? T1 / total : 1.0;
    const double mature = 1.0 - sPm.value; /* share of new collagen not templated by the provisional matrix */
    const double phi = phi1 * mature;
    const double dphi_dT1 = total > 0.0 ? theta_T3 / (total * total) * mature : 0.0;
    const double dphi_dT3 = total > 0.0 ? -p->collagen_tgf_beta3_potency * T1 / (total * total) * mature : 0.0;
    const double dphi_dPm = -phi1 * sPm.slope;

    const double C0 = s->baseline[i1] + s->baseline[i3];
    const double f3 = C0 > 0.0 ? s->baseline[i3] / C0 : 0.0;
    const double excess_III = u[i3] - f3 * (u[i1] + u[i3]);
    const double kmat = excess_III > 0.0 ? p->collagen_III_maturation_per_day : 0.0;
    R[i1] = s->collagen_I_basal_per_cell * F + phi * S - k->collagen_I_degradation_ml_per_ng_per_day * Q * u[i1] +
            kmat * excess_III;
    R[i3] = s->collagen_III_basal_per_cell * F + (1.0 - phi) * S + SP - k->collagen_III_degradation_ml_per_ng_per_day * Q * u[i3] -
            kmat * excess_III;
    if (!J) return;
    jset(J, i1, i1, -kmat * f3);
    jset(J, i1, i3, kmat * (1.0 - f3));
    jset(J, i3, i1, kmat * f3);
    jset(J, i3, i3, -kmat * (1.0 - f3));
    /* Partial derivatives of S = S_T + S_D and of S_P. */
    const double dS_dT1 = kT * s1.slope * producers_T * room.value;
    const double dS_dF = kT * s1.value * room.value + kD * gap.value, dS_dMf = dS_dF * eta;
    const double dS_dC = kT * s1.value * producers_T * room.slope + kD * gap.slope * producers_T;
    const double dSP_dP = kP * sP.slope * producers_P * room.value;
    const double dSP_dF = kP * sP.value * room.value;
    const double dSP_dC = kP * sP.value * producers_P * room.slope;
    jset(J, i1, DERMIS_F_FIBROBLASTS, s->collagen_I_basal_per_cell + phi * dS_dF);
    jset(J, i1, DERMIS_F_MYOFIBROBLASTS, phi * dS_dMf);
    jset(J, i1, DERMIS_F_TGF_BETA1, dphi_dT1 * S + phi * dS_dT1);
    jset(J, i1, DERMIS_F_TGF_BETA3, dphi_dT3 * S);
    jset(J, i1, ip, dphi_dPm * S);
    jset(J, i1, DERMIS_F_MMP, -k->collagen_I_degradation_ml_per_ng_per_day * u[i1]);
    jset(J, i1, i1, phi * dS_dC - k->collagen_I_degradation_ml_per_ng_per_day * Q);
    jset(J, i1, i3, phi * dS_dC);
    jset(J, i3, DERMIS_F_FIBROBLASTS, s->collagen_III_basal_per_cell + (1.0 - phi) * dS_dF + dSP_dF);
    jset(J, i3, DERMIS_F_MYOFIBROBLASTS, (1.0 - phi) * dS_dMf + dSP_dF);
    jset(J, i3, DERMIS_F_TGF_BETA1, -dphi_dT1 * S + (1.0 - phi) * dS_dT1);
    jset(J, i3, DERMIS_F_TGF_BETA3, -dphi_dT3 * S);
    jset(J, i3, ip, -dphi_dPm * S);
    jset(J, i3, DERMIS_F_PDGF, dSP_dP);
    jset(J, i3, DERMIS_F_MMP, -k->collagen_III_degradation_ml_per_ng_per_day * u[i3]);
    jset(J, i3, i1, (1.0 - phi) * dS_dC + dSP_dC);
    jset(J, i3, i3, (1.0 - phi) * dS_dC + dSP_dC - k->collagen_III_degradation_ml_per_ng_per_day * Q);
}

/* (16)-(17) Tropoelastin is made by (myo)fibroblasts (basal + TGF-beta1-stimulated, inhibited as
 * elastin approaches its capacity), cross-linked into elastin at k_a, and proteolysed; elastin
 * is degraded by active protease:
 * Where elastin is below its set point E0, (myo)fibroblasts also make tropoelastin towards it
 * (slowly: adult elastogenesis is poor):
 *     dTr/dt = sigmaE F + [k_E s1 (1 - E/E_max) + k_ED e/(K_d + e)] (F + Mf) - k_a Tr - k_dTr Q Tr,
 *     e = (1 - E/E0)_+
 *     dE/dt  = k_a Tr - k_dE Q E */
static void elastin_eqs(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int it = DERMIS_F_TROPOELASTIN, ie = DERMIS_F_ELASTIN;
    const double F = u[DERMIS_F_FIBROBLASTS], Mf = u[DERMIS_F_MYOFIBROBLASTS], Q = u[DERMIS_F_MMP];
    const response s1 = excess_response(u[DERMIS_F_TGF_BETA1], p->tgf_beta1_baseline_ng_per_ml,
                                        p->tgf_beta1_half_saturation_ng_per_ml);
    const response room = room_left(u[ie], p->elastin_capacity_mg_per_cm3);
    const double kE = p->tropoelastin_synthesis_pg_per_cell_per_day * PG_PER_MM3_IN_MG_PER_CM3;
    const response gap = deficit_response(u[ie], s->baseline[ie], p->collagen_deficit_half_saturation);
    const double kED = p->tropoelastin_deficit_synthesis_pg_per_cell_per_day * PG_PER_MM3_IN_MG_PER_CM3;
    const double per_cell = kE * s1.value * room.value + kED * gap.value;
    const double SE = per_cell * (F + Mf);
    const double ka = p->elastin_assembly_per_day, kTr = p->tropoelastin_proteolysis_ml_per_ng_per_day;
    const double kdE = k->elastin_degradation_ml_per_ng_per_day;
    R[it] = s->tropoelastin_basal_per_cell * F + SE - ka * u[it] - kTr * Q * u[it];
    R[ie] = ka * u[it] - kdE * Q * u[ie];
    jset(J, it, DERMIS_F_FIBROBLASTS, s->tropoelastin_basal_per_cell + per_cell);
    jset(J, it, DERMIS_F_MYOFIBROBLASTS, per_cell);
    jset(J, it, DERMIS_F_TGF_BETA1, kE * s1.slope * (F + Mf) * room.value);
    jset(J, it, ie, (kE * s1.value * room.slope + kED * gap.slope) * (F + Mf));
    jset(J, it, DERMIS_F_MMP, -kTr * u[it]);
    jset(J, it, it, -ka - kTr * Q);
    jset(J, ie, it, ka);
    jset(J, ie, DERMIS_F_MMP, -kdE * u[ie]);
    jset(J, ie, ie, -kdE * Q);
}

/* (18) Capillary density relative to normal: VEGF excess drives it towards B_max in vascularised
 * layers; it relaxes to its layer's normal value B0 (regression above, regrowth below):
 *     dB/dt = v g_B sV (B_max - B) + k_r B0 - k_r B */
static void vessel_eq(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_VESSELS;
    const response sV = excess_response(u[DERMIS_F_VEGF], p->vegf_baseline_ng_per_ml, p->vegf_half_saturation_ng_per_ml);
    const double g = s->vascular * p->angiogenesis_per_day;
    const double gap = p->vessels_max_relative - u[i];
    R[i] = g * sV.value * gap + s->source[i] - p->vessel_regression_per_day * u[i];
    jset(J, i, DERMIS_F_VEGF, g * sV.slope * gap);
    jset(J, i, i, -g * sV.value - p->vessel_regression_per_day);
}

/* (19) Provisional matrix (fibrin/fibronectin clot laid down at injury): lysed by plasmin and
 * degraded by the cells that invade it (fibroblasts, myofibroblasts, macrophages; uPA/plasmin,
 * MMPs) as granulation tissue replaces it:
 *     dPm/dt = -(k_l + k_c (F + Mf + M)/F0) Pm */
static void provisional_matrix_eq(const dermis_kinetics *k, const double *u, double *R, double *J)
{
    const dermis_model_params *p = &k->p;
    const int i = DERMIS_F_PROVISIONAL_MATRIX;
    const double per_cell = p->provisional_matrix_cell_degradation_per_day / p->fibroblast_baseline_per_mm3;
    const double cells = u[DERMIS_F_FIBROBLASTS] + u[DERMIS_F_MYOFIBROBLASTS] + u[DERMIS_F_MACROPHAGES];
    const double rate = p->provisional_matrix_fibrinolysis_per_day + per_cell * cells;
    R[i] = -rate * u[i];
    jset(J, i, i, -rate);
    jset(J, i, DERMIS_F_FIBROBLASTS, -per_cell * u[i]);
    jset(J, i, DERMIS_F_MYOFIBROBLASTS, -per_cell * u[i]);
    jset(J, i, DERMIS_F_MACROPHAGES, -per_cell * u[i]);
}

/* (20) The topical product, and its copy in the untreated control (topical_intact), are only
 * cleared here (delivery is the topical module's job). */
static void topical_eq(const dermis_kinetics *k, const double *u, double *R, double *J)
{
    const int fields[] = {DERMIS_F_TOPICAL, DERMIS_F_TOPICAL_INTACT};
    for (size_t n = 0; n < sizeof fields / sizeof fields[0]; ++n) {
        const int i = fields[n];
        R[i] = -k->topical_clearance_per_day * u[i];
        jset(J, i, i, -k->topical_clearance_per_day);
    }
}

/* ---------------------------------------------------------------- homeostasis --------------- */

void dermis_kinetics_init(dermis_kinetics *k, const dermis_model_params *params, double topical_clearance_per_day)
{
    k->p = *params;
    k->topical_clearance_per_day = topical_clearance_per_day;
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
static void layer_baseline(const dermis_kinetics *k, const dermis_layer_class *c, double *u0)
{
    const dermis_model_params *p = &k->p;
    for (int f = 0; f < NF; ++f) u0[f] = 0.0;
    if (!c->viable) return; /* dead, walled off: everything zero */
    u0[DERMIS_F_TGF_BETA1] = p->tgf_beta1_baseline_ng_per_ml;
    u0[DERMIS_F_TGF_BETA3] = p->tgf_beta3_baseline_ng_per_ml;
    u0[DERMIS_F_PDGF] = p->pdgf_baseline_ng_per_ml;
    u0[DERMIS_F_VEGF] = p->vegf_baseline_ng_per_ml;
    u0[DERMIS_F_MMP] = p->mmp_baseline_ng_per_ml;
    u0[DERMIS_F_TIMP] = p->timp_baseline_ng_per_ml;
    if (!c->cellular) return; /* viable epidermis: solutes only */
    const double share = c->matrix_share;
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
 * matrix synthesis per fibroblast. */
int dermis_kinetics_site_init(const dermis_kinetics *k, const dermis_layer_class *c, dermis_kinetics_site *s)
{
    const dermis_model_params *p = &k->p;
    memset(s, 0, sizeof *s);
    layer_baseline(k, c, s->baseline);
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
    for (int f = 0; f < NF; ++f)
        if (s->source[f] < 0.0) return f;
    if (F0 > 0.0) {
        s->collagen_I_basal_per_cell = k->collagen_I_degradation_ml_per_ng_per_day * Q0 * u0[DERMIS_F_COLLAGEN_I] / F0;
        s->collagen_III_basal_per_cell = k->collagen_III_degradation_ml_per_ng_per_day * Q0 * u0[DERMIS_F_COLLAGEN_III] / F0;
        s->tropoelastin_basal_per_cell =
            (p->elastin_assembly_per_day + p->tropoelastin_proteolysis_ml_per_ng_per_day * Q0) * u0[DERMIS_F_TROPOELASTIN] / F0;
    }
    return -1;
}

void dermis_kinetics_site_scale(dermis_kinetics_site *s, double factor)
{
    s->baseline[DERMIS_F_COLLAGEN_I] *= factor;
    s->baseline[DERMIS_F_COLLAGEN_III] *= factor;
    s->baseline[DERMIS_F_TROPOELASTIN] *= factor;
    s->baseline[DERMIS_F_ELASTIN] *= factor;
    s->collagen_I_basal_per_cell *= factor;
    s->collagen_III_basal_per_cell *= factor;
    s->tropoelastin_basal_per_cell *= factor;
}

/* ---------------------------------------------------------------- evaluation ---------------- */

void dermis_kinetics_eval(const dermis_kinetics *k, const dermis_kinetics_site *site, const double *u, double *R,
                          double *J)
{
    for (int i = 0; i < NF; ++i) R[i] = 0.0; /* a field without kinetics has none */
    if (J)
        for (int i = 0; i < NF * NF; ++i) J[i] = 0.0;
    damage_eq(k, u, R, J);
    alarmin_eq(k, site, u, R, J);
    neutrophil_eq(k, site, u, R, J);
    macrophage_eq(k, site, u, R, J);
    repair_macrophage_eq(k, u, R, J);
    fibroblast_eq(k, site, u, R, J);
    myofibroblast_eq(k, site, u, R, J);
    growth_factor_eqs(k, site, u, R, J);
    protease_eqs(k, site, u, R, J);
    collagen_eqs(k, site, u, R, J);
    elastin_eqs(k, site, u, R, J);
    vessel_eq(k, site, u, R, J);
    provisional_matrix_eq(k, u, R, J);
    topical_eq(k, u, R, J);
}

/* dermis_kinetics_eval inlined with J = NULL (flatten): the compiler drops the Jacobian's terms,
 * the slopes of the responses included, from the rates alone (2 of 3 evaluations in a reaction
 * step), with the same arithmetic for R. Likewise with J known to be there. */
#if defined(__GNUC__)
#define KINETICS_FLATTEN __attribute__((flatten))
#else
#define KINETICS_FLATTEN
#endif
KINETICS_FLATTEN void dermis_kinetics_rates(const dermis_kinetics *k, const dermis_kinetics_site *site, const double *u,
                                            double *R)
{
    dermis_kinetics_eval(k, site, u, R, NULL);
}

KINETICS_FLATTEN void dermis_kinetics_jacobian(const dermis_kinetics *k, const dermis_kinetics_site *site,
                                               const double *u, double *R, double *J)
{
    if (J) dermis_kinetics_eval(k, site, u, R, J);
}
