/* Parameters of the healing-cascade kinetics (model/kinetics.c, model/model.c), in the units of
 * model/units.h (mm, day, cells mm^-3, ng mL^-1, mg cm^-3).
 *
 * Every parameter is defined once, in DERMIS_MODEL_PARAMS below: the struct field (unit in the
 * name), its configuration key, UDUNITS unit, default, plausible range, a one-sentence meaning
 * and its source. The list expands into the struct, into dermis_model_params_defaults() and
 * into the schema entries of io/schema_model.c, so the three can never disagree. The equations
 * in which each parameter appears are in docs/model.md, "Healing cascade".
 *
 * Columns: X(field, key, unit, default, min, max, min_exclusive, doc, source)
 * Field names are part of the API used by other modules: keep them stable.
 */
#ifndef DERMIS_MODEL_PARAMS_H
#define DERMIS_MODEL_PARAMS_H

/* clang-format off */
#define DERMIS_MODEL_PARAMS(X) \
    /* ---- homeostatic set points (the baseline state is derived from these) ---- */ \
    X(fibroblast_baseline_per_mm3, "species.fibroblasts.baseline_per_mm3", "mm-3", 3000, 500, 10000, 1, \
      "Fibroblast density of uninjured dermis and hypodermis.", \
      "Histomorphometry of normal human dermis, 2100-4100 mm-3 (Exp Dermatol 12:403, 2003)") \
    X(collagen_dermis_mg_per_cm3, "species.collagen.dermis_total_mg_per_cm3", "mg cm-3", 250, 50, 400, 1, \
      "Total fibrillar collagen (types I + III) of healthy dermis.", \
      "Estimate from dry mass x collagen share of skin (Oikarinen 1994), range 100-350 mg cm-3") \
    X(collagen_III_fraction, "species.collagen.type_III_fraction", "1", 0.15, 0.05, 0.5, 0, \
      "Share of type III in healthy dermal collagen (the rest is type I).", \
      "Adult dermis ~80-90 % type I, 10-15 % type III (review data)") \
    X(elastin_dermis_mg_per_cm3, "species.elastin.dermis_mg_per_cm3", "mg cm-3", 10, 1, 30, 1, \
      "Cross-linked elastin of healthy dermis.", \
      "Elastic fibres ~3 % of dermal dry weight (2-4 %), derived density") \
    X(hypodermis_matrix_fraction, "species.collagen.hypodermis_fraction", "1", 0.2, 0.01, 1, 1, \
      "Collagen and elastin of the hypodermis (fibrous septa) relative to dermis.", \
      "Assumption: subcutis is mostly adipose with collagenous septa") \
    X(tgf_beta1_baseline_ng_per_ml, "species.tgf_beta1.baseline_ng_per_ml", "ng mL-1", 2, 0.01, 20, 1, \
      "Homeostatic bioavailable TGF-beta1 (must exceed fibroblast secretion / decay).", \
      "Lumped pool of Waugh & Sherratt 2006 (wound values ~6 ng mL-1); chosen so basal sources are >= 0") \
    X(tgf_beta3_baseline_ng_per_ml, "species.tgf_beta3.baseline_ng_per_ml", "ng mL-1", 1, 0.01, 20, 1, \
      "Homeostatic bioavailable TGF-beta3.", \
      "Assumption (keratinocyte and fibroblast expression in adult skin); order of TGF-beta1") \
    X(pdgf_baseline_ng_per_ml, "species.pdgf.baseline_ng_per_ml", "ng mL-1", 1.5, 0.01, 20, 1, \
      "Homeostatic PDGF (must exceed fibroblast secretion / decay).", \
      "Waugh & Sherratt 2007 wound PDGF 2 pg mm-3; chosen so basal sources are >= 0") \
    X(vegf_baseline_ng_per_ml, "species.vegf.baseline_ng_per_ml", "ng mL-1", 0.17, 0.01, 5, 1, \
      "Homeostatic VEGF.", \
      "Bianchi et al. 2015 background source 1.9 pg mm-3 d-1 / decay 11 d-1") \
    X(mmp_baseline_ng_per_ml, "species.mmp.baseline_ng_per_ml", "ng mL-1", 0.5, 0.01, 20, 1, \
      "Homeostatic active collagenase.", \
      "Assumption: low constitutive MMP activity of intact dermis") \
    X(timp_baseline_ng_per_ml, "species.timp.baseline_ng_per_ml", "ng mL-1", 2, 0.01, 50, 1, \
      "Homeostatic TIMP (TIMP exceeds active MMP in intact tissue).", \
      "Assumption") \
    /* ---- damage and alarmins ---- */ \
    X(alarmin_release_ng_per_ml_per_day, "species.alarmins.release_ng_per_ml_per_day", "ng mL-1 d-1", 40, 0, 1000, 0, \
      "Alarmin (DAMP) release per unit damage fraction.", \
      "Calibrated to a neutrophil peak at ~day 1 (Kim et al. 2008)") \
    X(alarmin_burst_ng_per_ml, "species.alarmins.burst_ng_per_ml", "ng mL-1", 20, 0, 1000, 0, \
      "Alarmins released at once by cells lysed in a fully injured voxel.", \
      "Calibrated (necrotic release of HMGB1/ATP/IL-1a at injury)") \
    X(alarmin_decay_per_day, "species.alarmins.decay_per_day", "d-1", 6, 0.1, 100, 1, \
      "First-order loss of alarmins (degradation, oxidation, drainage).", \
      "Assumption: HMGB1/IL-1a half-lives of hours; calibrated") \
    X(alarmin_half_saturation_ng_per_ml, "species.alarmins.half_saturation_ng_per_ml", "ng mL-1", 2, 0.01, 100, 1, \
      "Alarmin level giving half-maximal leukocyte recruitment.", \
      "Calibrated") \
    X(damage_clearance_neutrophil_mm3_per_day, "species.damage.clearance_by_neutrophil_mm3_per_day", "mm3 d-1", 5e-4, 0, 1e-2, 0, \
      "Rate constant of debris clearance per neutrophil.", \
      "Calibrated; phagocytic debris removal as in Cooper et al. 2015") \
    X(damage_clearance_macrophage_mm3_per_day, "species.damage.clearance_by_macrophage_mm3_per_day", "mm3 d-1", 5e-4, 0, 1e-2, 0, \
      "Rate constant of debris clearance per macrophage.", \
      "Calibrated; phagocytic debris removal as in Cooper et al. 2015") \
    X(damage_resolution_per_day, "species.damage.resolution_per_day", "d-1", 0.5, 0, 10, 0, \
      "Phagocyte-independent clearance of damage (resident cells, autolysis).", \
      "Calibrated (t1/2 1.4 d) so resolved micro-channels give neutrophils mostly gone by day 3-5 (Kim 2008, Wilgus 2013)") \
    /* ---- neutrophils and macrophages ---- */ \
    X(neutrophil_influx_per_mm3_per_day, "species.neutrophils.influx_max_per_mm3_per_day", "mm-3 d-1", 6000, 0, 1e6, 0, \
      "Maximal neutrophil extravasation rate in vascularised tissue.", \
      "Calibrated to a neutrophil peak of a few thousand mm-3 at ~day 1 (absolute human counts unknown)") \
    X(neutrophil_death_per_day, "species.neutrophils.death_per_day", "d-1", 1.0, 0.1, 5, 1, \
      "Neutrophil apoptosis and removal in the wound.", \
      "Cooper et al. 2015 (1.02 d-1); range 0.5-1.5") \
    X(neutrophil_diffusivity_mm2_per_day, "species.neutrophils.diffusivity_mm2_per_day", "mm2 d-1", 0.1, 0, 10, 0, \
      "Random motility of neutrophils.", \
      "Persistent random walk, speed ~10 um/min, persistence ~minutes") \
    X(neutrophil_chemotaxis_mm2_per_day_per_ng_per_ml, "species.neutrophils.chemotaxis_mm2_per_day_per_ng_per_ml", "mm2 d-1 mL ng-1", 0.01, 0, 1, 0, \
      "Chemotactic sensitivity of neutrophils to alarmins (Olsen 1995 receptor form).", \
      "Chosen so drift stays below crawling speed at channel-scale gradients") \
    X(macrophage_influx_per_mm3_per_day, "species.macrophages.influx_max_per_mm3_per_day", "mm-3 d-1", 300, 0, 1e6, 0, \
      "Maximal alarmin-driven monocyte/macrophage recruitment.", \
      "Calibrated (Bianchi et al. 2015 macrophage source 542 mm-3 d-1)") \
    X(macrophage_influx_per_neutrophil_per_day, "species.macrophages.influx_per_neutrophil_per_day", "d-1", 0.35, 0, 10, 0, \
      "Monocytes recruited per neutrophil per day (neutrophil-derived chemokines).", \
      "Calibrated to a macrophage peak at ~day 3 (Soehnlein & Lindbom 2010 mechanism)") \
    X(macrophage_removal_per_day, "species.macrophages.removal_per_day", "d-1", 0.25, 0.05, 2, 1, \
      "Macrophage death and emigration (both phenotypes).", \
      "Waugh & Sherratt 2006 0.2 d-1; range 0.12-0.6") \
    X(macrophage_switch_per_day, "species.repair_macrophages.switch_per_day", "d-1", 0.3, 0, 5, 0, \
      "Switching of inflammatory to repair phenotype.", \
      "~48 h inflammatory residence (skin ABM, Lucas et al. 2010); range 0.075-1") \
    X(macrophage_diffusivity_mm2_per_day, "species.macrophages.diffusivity_mm2_per_day", "mm2 d-1", 0.05, 0, 10, 0, \
      "Random motility of macrophages (both phenotypes).", \
      "Persistent random walk estimate") \
    X(macrophage_chemotaxis_mm2_per_day_per_ng_per_ml, "species.macrophages.chemotaxis_mm2_per_day_per_ng_per_ml", "mm2 d-1 mL ng-1", 0.005, 0, 1, 0, \
      "Chemotactic sensitivity of macrophages to alarmins.", \
      "Chosen so drift stays below crawling speed") \
    X(chemotaxis_saturation_ng_per_ml, "species.alarmins.chemotaxis_saturation_ng_per_ml", "ng mL-1", 10, 0.01, 1e6, 1, \
      "Receptor-saturation constant of leukocyte chemotaxis to alarmins.", \
      "Olsen et al. 1995 form chi0/(1+c/c_sat)^2; value assumed") \
    /* ---- fibroblasts and myofibroblasts ---- */ \
    X(fibroblast_proliferation_per_day, "species.fibroblasts.proliferation_per_day", "d-1", 0.8, 0.1, 2, 1, \
      "Fibroblast proliferation rate constant.", \
      "Olsen et al. 1995 (0.832 d-1); Waugh & Sherratt 2007 (0.924 d-1)") \
    X(fibroblast_death_per_day, "species.fibroblasts.death_per_day", "d-1", 0.12, 0.01, 1, 1, \
      "Fibroblast apoptosis.", \
      "Olsen et al. 1995 / Jin et al. 2011 (0.12 d-1)") \
    X(fibroblast_capacity_factor, "species.fibroblasts.capacity_factor", "1", 5, 1.2, 10, 1, \
      "Carrying capacity of growth-factor-stimulated (myo)fibroblast proliferation in wound tissue, multiple of baseline (intact matrix: the basal capacity).", \
      "Granulation-tissue hypercellularity 2-5 x baseline (assumption); upper end, calibrated to granulation_index 1.5-3 in resolved micro-channels") \
    X(fibroblast_basal_capacity_factor, "species.fibroblasts.basal_capacity_factor", "1", 1.2, 1.05, 3, 1, \
      "Density (multiple of baseline) at which contact inhibition stops unstimulated proliferation.", \
      "Assumption: contact inhibition holds resident density; must be >= 1 / (1 - death/proliferation)") \
    X(fibroblast_pdgf_mitogenic_gain, "species.fibroblasts.pdgf_mitogenic_gain", "1", 5, 0, 20, 0, \
      "Maximal PDGF-driven increase of the proliferation factor.", \
      "Calibrated (granulation_index 1.5-3 at days 4-14 in resolved micro-channels, random and stratified placement; well-mixed lineage peak >= day 4); PDGF is the main fibroblast mitogen (Olsen 1995 enhancement form)") \
    X(fibroblast_tgf_mitogenic_gain, "species.fibroblasts.tgf_mitogenic_gain", "1", 0.5, 0, 20, 0, \
      "Maximal TGF-beta1-driven increase of the proliferation factor.", \
      "Olsen et al. 1995 enhancement r_max; calibrated") \
    X(fibroblast_provisional_matrix_mitogenic_gain, "species.fibroblasts.provisional_matrix_mitogenic_gain", "1", 0, 0, 20, 0, \
      "Maximal increase of the proliferation factor by the provisional matrix (fibronectin/fibrin substrate).", \
      "Fibronectin-rich provisional matrix supports fibroblast migration and proliferation into the clot (Clark 1996; Greiling & Clark 1997); calibrated default 0: with the wound-context capacity a positive gain moves the well-mixed lineage peak before day 4 (docs/model.md, Calibration)") \
    X(pdgf_half_saturation_ng_per_ml, "species.pdgf.half_saturation_ng_per_ml", "ng mL-1", 4, 0.01, 100, 1, \
      "PDGF excess over baseline giving half-maximal fibroblast response.", \
      "Calibrated") \
    X(tgf_beta1_half_saturation_ng_per_ml, "species.tgf_beta1.half_saturation_ng_per_ml", "ng mL-1", 3, 0.01, 100, 1, \
      "TGF-beta1 excess over baseline giving half-maximal fibroblast activation (proliferation, matrix synthesis).", \
      "Calibrated (Olsen et al. 1995 C_1/2 form)") \
    X(fibroblast_diffusivity_mm2_per_day, "species.fibroblasts.diffusivity_mm2_per_day", "mm2 d-1", 0.005, 0, 2, 0, \
      "Random motility of fibroblasts (2e-4 mm2 h-1).", \
      "Speed 20-40 um/h, persistence 1-2 h (D = v^2 P / 2 = 0.005-0.038 mm2 d-1); lower end (20 um/h, 1 h), calibrated: faster motility spreads a narrow channel's granulation tissue into intact dermis") \
    X(fibroblast_chemotaxis_mm2_per_day_per_ng_per_ml, "species.fibroblasts.chemotaxis_to_pdgf_mm2_per_day_per_ng_per_ml", "mm2 d-1 mL ng-1", 0.005, 0, 1, 0, \
      "Chemotactic sensitivity of (myo)fibroblasts to PDGF.", \
      "PDGF, not TGF-beta, attracts dermal fibroblasts (Perez-Rodriguez et al. 2018); drift kept below 20 um/h") \
    X(pdgf_chemotaxis_saturation_ng_per_ml, "species.pdgf.chemotaxis_saturation_ng_per_ml", "ng mL-1", 10, 0.01, 1e6, 1, \
      "Receptor-saturation constant of fibroblast chemotaxis to PDGF.", \
      "Olsen et al. 1995 form; value assumed") \
    X(myofibroblast_differentiation_per_day, "species.myofibroblasts.differentiation_per_day", "d-1", 0.25, 0, 5, 0, \
      "Maximal TGF-beta1-driven fibroblast to myofibroblast differentiation.", \
      "Calibrated to myofibroblasts appearing ~day 6 and peaking ~day 12-15 (Desmouliere et al. 1995)") \
    X(myofibroblast_tgf_half_saturation_ng_per_ml, "species.myofibroblasts.tgf_half_saturation_ng_per_ml", "ng mL-1", 6, 0.01, 100, 1, \
      "TGF-beta1 excess giving half-maximal differentiation.", \
      "Calibrated") \
    X(myofibroblast_apoptosis_per_day, "species.myofibroblasts.apoptosis_per_day", "d-1", 0.14, 0.01, 2, 1, \
      "Myofibroblast apoptosis once TGF-beta1 has fallen to baseline.", \
      "Skin ABM 0.14 d-1 (Desmouliere 1995); Adler et al. 2020 0.3 d-1") \
    X(myofibroblast_survival_half_saturation_ng_per_ml, "species.myofibroblasts.survival_half_saturation_ng_per_ml", "ng mL-1", 1, 0.001, 100, 1, \
      "TGF-beta1 excess that halves myofibroblast apoptosis (TGF-beta as survival factor).", \
      "Calibrated (Zhang & Phan 1999 mechanism)") \
    X(myofibroblast_diffusivity_mm2_per_day, "species.myofibroblasts.diffusivity_mm2_per_day", "mm2 d-1", 0.0025, 0, 2, 0, \
      "Random motility of myofibroblasts (half that of fibroblasts).", \
      "Assumption: contractile cells migrate less") \
    /* ---- growth factors ---- */ \
    X(tgf_beta1_macrophage_secretion_pg_per_cell_per_day, "species.tgf_beta1.macrophage_secretion_pg_per_cell_per_day", "pg d-1", 0.07, 0, 10, 0, \
      "TGF-beta1 secretion per inflammatory macrophage.", \
      "Waugh & Sherratt 2006/2007 (0.07 pg cell-1 d-1)") \
    X(tgf_beta1_fibroblast_secretion_pg_per_cell_per_day, "species.tgf_beta1.fibroblast_secretion_pg_per_cell_per_day", "pg d-1", 0.004, 0, 1, 0, \
      "TGF-beta1 secretion per fibroblast.", \
      "Waugh & Sherratt 2007 (0.004 pg cell-1 d-1)") \
    X(tgf_beta1_myofibroblast_factor, "species.tgf_beta1.myofibroblast_factor", "1", 2, 0, 100, 0, \
      "TGF-beta1 secretion per myofibroblast relative to a fibroblast.", \
      "Olsen et al. 1995 (xi > 1, autocrine myofibroblast loop); calibrated") \
    X(tgf_beta1_decay_per_day, "species.tgf_beta1.decay_per_day", "d-1", 9.1, 0.1, 1000, 1, \
      "Loss of the lumped bioavailable TGF-beta1 pool.", \
      "Waugh & Sherratt 2006 (9.1 d-1); literature spans 0.24 (lumped) to 500 d-1 (active, Wakefield 1990)") \
    X(tgf_beta1_diffusivity_mm2_per_day, "species.tgf_beta1.diffusivity_mm2_per_day", "mm2 d-1", 0.29, 1e-4, 20, 0, \
      "Effective tissue diffusivity of TGF-beta (both isoforms).", \
      "Murphy et al. 2012 via woundFenics (0.01208 mm2 h-1); range 0.002-12 mm2 d-1") \
    X(tgf_beta3_repair_macrophage_secretion_pg_per_cell_per_day, "species.tgf_beta3.repair_macrophage_secretion_pg_per_cell_per_day", "pg d-1", 0.02, 0, 10, 0, \
      "TGF-beta3 secretion per repair-phenotype macrophage.", \
      "Assumption (order of W07 fibroblast TGF-beta rates); late TGF-beta3 rise in adult wounds") \
    X(tgf_beta3_fibroblast_secretion_pg_per_cell_per_day, "species.tgf_beta3.fibroblast_secretion_pg_per_cell_per_day", "pg d-1", 0.002, 0, 1, 0, \
      "TGF-beta3 secretion per (myo)fibroblast.", \
      "Assumption (half of W07 fibroblast TGF-beta)") \
    X(tgf_beta3_decay_per_day, "species.tgf_beta3.decay_per_day", "d-1", 9.1, 0.1, 1000, 1, \
      "Loss of the lumped bioavailable TGF-beta3 pool.", \
      "As TGF-beta1 (Waugh & Sherratt 2006)") \
    X(pdgf_macrophage_secretion_pg_per_cell_per_day, "species.pdgf.macrophage_secretion_pg_per_cell_per_day", "pg d-1", 0.03, 0, 10, 0, \
      "PDGF secretion per repair-phenotype macrophage.", \
      "Calibrated: 2 x Waugh & Sherratt 2007 (0.015 pg cell-1 d-1), all PDGF of repair macrophages") \
    X(pdgf_fibroblast_secretion_pg_per_cell_per_day, "species.pdgf.fibroblast_secretion_pg_per_cell_per_day", "pg d-1", 0.0015, 0, 1, 0, \
      "PDGF secretion per (myo)fibroblast.", \
      "Waugh & Sherratt 2007 (0.0015 pg cell-1 d-1)") \
    X(pdgf_decay_per_day, "species.pdgf.decay_per_day", "d-1", 4, 0.1, 1000, 1, \
      "PDGF loss.", \
      "Waugh & Sherratt 2007 (4 d-1)") \
    X(pdgf_diffusivity_mm2_per_day, "species.pdgf.diffusivity_mm2_per_day", "mm2 d-1", 0.05, 1e-4, 20, 0, \
      "Effective tissue diffusivity of PDGF (matrix-retained).", \
      "PDGF-B binds heparan sulfate through its C-terminal retention motif (Ostman et al. 1991; Abramsson et al. 2007), so it spreads less than TGF-beta (0.29, Murphy et al. 2012); value assumed within the TGF-beta range 0.002-12 mm2 d-1, calibrated (reach sqrt(D/delta) 0.11 mm)") \
    X(vegf_macrophage_secretion_pg_per_cell_per_day, "species.vegf.macrophage_secretion_pg_per_cell_per_day", "pg d-1", 0.0019, 0, 1, 0, \
      "VEGF secretion per inflammatory macrophage.", \
      "Bianchi et al. 2015 (0.0019 pg cell-1 d-1)") \
    X(vegf_decay_per_day, "species.vegf.decay_per_day", "d-1", 11, 0.1, 1000, 1, \
      "VEGF loss.", \
      "Bianchi et al. 2015 (11 d-1)") \
    X(vegf_diffusivity_mm2_per_day, "species.vegf.diffusivity_mm2_per_day", "mm2 d-1", 0.29, 1e-4, 20, 0, \
      "Effective tissue diffusivity of VEGF.", \
      "Taken equal to TGF-beta; Kihara et al. 2013 give up to 3.6 mm2 d-1") \
    X(vegf_half_saturation_ng_per_ml, "species.vegf.half_saturation_ng_per_ml", "ng mL-1", 0.1, 0.001, 10, 1, \
      "VEGF excess giving half-maximal angiogenic drive.", \
      "Calibrated") \
    X(alarmin_diffusivity_mm2_per_day, "species.alarmins.diffusivity_mm2_per_day", "mm2 d-1", 0.29, 1e-4, 20, 0, \
      "Effective tissue diffusivity of alarmins (HMGB1-sized).", \
      "Taken equal to TGF-beta") \
    X(epidermis_diffusivity_factor, "kinetics.epidermis_diffusivity_factor", "1", 0.2, 0, 1, 0, \
      "Solute diffusivity in viable epidermis relative to dermis (tight junctions).", \
      "Assumption; the stratum corneum is a wall for solutes") \
    /* ---- proteases ---- */ \
    X(mmp_macrophage_secretion_pg_per_cell_per_day, "species.mmp.macrophage_secretion_pg_per_cell_per_day", "pg d-1", 0.01, 0, 10, 0, \
      "Active collagenase secretion per macrophage (both phenotypes).", \
      "Calibrated; Jin et al. 2011 give 3 pg cell-1 d-1 for total MMP-9, mostly latent") \
    X(mmp_fibroblast_secretion_pg_per_cell_per_day, "species.mmp.fibroblast_secretion_pg_per_cell_per_day", "pg d-1", 5e-4, 0, 1, 0, \
      "Active collagenase secretion per (myo)fibroblast.", \
      "Assumption; must not exceed the homeostatic loss (see docs)") \
    X(mmp_decay_per_day, "species.mmp.decay_per_day", "d-1", 4.32, 0.1, 100, 1, \
      "Lumped MMP clearance.", \
      "Thomas & Ford Versypt (glomerular model) 4.32 d-1; Jin et al. 2011 0.875 d-1") \
    X(mmp_diffusivity_mm2_per_day, "species.mmp.diffusivity_mm2_per_day", "mm2 d-1", 0.2, 1e-4, 20, 0, \
      "Effective tissue diffusivity of MMPs (~50 kDa).", \
      "Assumption, slightly below TGF-beta") \
    X(timp_fibroblast_secretion_pg_per_cell_per_day, "species.timp.fibroblast_secretion_pg_per_cell_per_day", "pg d-1", 0.01, 0, 1, 0, \
      "TIMP secretion per (myo)fibroblast.", \
      "Assumption; must not exceed the homeostatic loss (see docs)") \
    X(timp_decay_per_day, "species.timp.decay_per_day", "d-1", 21.6, 0.1, 100, 1, \
      "Lumped TIMP clearance.", \
      "Thomas & Ford Versypt 21.6 d-1") \
    X(timp_diffusivity_mm2_per_day, "species.timp.diffusivity_mm2_per_day", "mm2 d-1", 0.3, 1e-4, 20, 0, \
      "Effective tissue diffusivity of TIMPs (~28 kDa).", \
      "Assumption") \
    X(mmp_timp_binding_ml_per_ng_per_day, "kinetics.mmp_timp_binding_ml_per_ng_per_day", "mL ng-1 d-1", 1, 0, 100, 0, \
      "Mutual inactivation of MMP and TIMP (per MMP mass).", \
      "Lumped 0.15-0.7 (Thomas & Ford Versypt) to 17 mL ng-1 d-1 (Vempati et al. 2007 kon)") \
    X(timp_to_mmp_mass_ratio, "kinetics.timp_to_mmp_mass_ratio", "1", 0.54, 0.1, 2, 1, \
      "TIMP mass removed per MMP mass in the 1:1 complex.", \
      "Molar masses TIMP-1 28 kDa / MMP-1 52 kDa") \
    /* ---- collagen ---- */ \
    X(collagen_synthesis_pg_per_cell_per_day, "species.collagen.synthesis_max_pg_per_cell_per_day", "pg d-1", 1500, 0, 5000, 0, \
      "Maximal TGF-beta1-stimulated net collagen deposition per fibroblast.", \
      "Calibrated; estimate 100-1000 pg cell-1 d-1 to fill granulation tissue in ~2-3 weeks") \
    X(collagen_III_pdgf_synthesis_pg_per_cell_per_day, "species.collagen_III.pdgf_synthesis_max_pg_per_cell_per_day", "pg d-1", 600, 0, 5000, 0, \
      "Maximal PDGF-stimulated type III collagen deposition per activated fibroblast (granulation).", \
      "Calibrated to type III preceding type I (Gay et al. 1978)") \
    X(collagen_myofibroblast_factor, "species.collagen.myofibroblast_factor", "1", 3, 0, 10, 0, \
      "Collagen deposition of a myofibroblast relative to a fibroblast.", \
      "Olsen et al. 1995 (eta > 1); assumption") \
    X(collagen_tgf_beta3_potency, "species.collagen.tgf_beta3_potency", "1", 1, 0, 100, 0, \
      "Weight of TGF-beta3 against TGF-beta1 in the type I share of new collagen.", \
      "Dale, Sherratt & Maini 1996 isoform ratio mechanism; value assumed") \
    X(collagen_capacity_mg_per_cm3, "species.collagen.capacity_mg_per_cm3", "mg cm-3", 400, 100, 1000, 1, \
      "Total collagen at which stimulated deposition stops (product inhibition).", \
      "Upper end of dermal collagen density; Olsen et al. 1995 product inhibition") \
    X(collagen_I_half_life_years, "species.collagen_I.half_life_years", "year", 15, 1, 100, 1, \
      "Homeostatic half-life of type I collagen (sets its MMP susceptibility).", \
      "Verzijl et al. 2000 (~15 yr, human skin)") \
    X(collagen_III_half_life_years, "species.collagen_III.half_life_years", "year", 2, 0.1, 100, 1, \
      "Homeostatic half-life of type III collagen (less cross-linked, more MMP-susceptible).", \
      "Assumption: labile pool of Laurent 1987; calibrated to months of remodelling") \
    X(collagen_III_maturation_per_day, "species.collagen_III.maturation_per_day", "d-1", 0.02, 0, 1, 0, \
      "Replacement of type III collagen in excess of the tissue's homeostatic share by type I (remodelling of wound collagen).", \
      "Calibrated: wound collagen III-rich early, type I principal again within weeks, remodelling over months (Gay et al. 1978; reference c1); Dale et al. 1996 maturation flux") \
    X(collagen_deficit_synthesis_pg_per_cell_per_day, "species.collagen.deficit_synthesis_max_pg_per_cell_per_day", "pg d-1", 1500, 0, 5000, 0, \
      "Maximal net collagen deposition per fibroblast where the voxel's matrix is below its set point (refilling a defect).", \
      "Gross synthesis 220-1500 pg cell-1 d-1 (Babraj et al. 2005 0.89 %/d x 0.25 g cm-3 / 2100-4100 cells mm-3); calibrated to channel fill >= 50 % by day 14") \
    X(collagen_deficit_half_saturation, "species.collagen.deficit_half_saturation", "1", 0.05, 0.001, 1, 1, \
      "Collagen deficit (fraction of the set point) giving half-maximal deficit-driven deposition.", \
      "Assumption: product inhibition near the local set point (Olsen et al. 1995 form); deposition slows only as the defect closes") \
    /* ---- elastin ---- */ \
    X(tropoelastin_synthesis_pg_per_cell_per_day, "species.tropoelastin.synthesis_max_pg_per_cell_per_day", "pg d-1", 20, 0, 1000, 0, \
      "Maximal TGF-beta1-stimulated tropoelastin synthesis per (myo)fibroblast.", \
      "Assumption (no per-cell rate found); scars are elastin-poor") \
    X(elastin_assembly_per_day, "species.tropoelastin.assembly_per_day", "d-1", 0.05, 1e-4, 10, 1, \
      "Cross-linking of tropoelastin into elastic fibres.", \
      "Assumption: slow fibre assembly (days-weeks)") \
    X(tropoelastin_proteolysis_ml_per_ng_per_day, "species.tropoelastin.proteolysis_ml_per_ng_per_day", "mL ng-1 d-1", 0.4, 0, 100, 0, \
      "Proteolysis of soluble tropoelastin per unit active protease.", \
      "Assumption (tropoelastin is highly protease-sensitive)") \
    X(tropoelastin_deficit_synthesis_pg_per_cell_per_day, "species.tropoelastin.deficit_synthesis_max_pg_per_cell_per_day", "pg d-1", 10, 0, 1000, 0, \
      "Maximal tropoelastin synthesis per (myo)fibroblast where elastin is below its set point.", \
      "Assumption: adult elastogenesis is poor and declines with age (Sephel & Davidson 1986); rebuilds a minority of lost elastin in months") \
    X(elastin_residence_years, "species.elastin.residence_years", "year", 74, 10, 200, 1, \
      "Mean residence time of cross-linked elastin at homeostasis.", \
      "Shapiro et al. 1991 (74 yr, 95 % CI 40-174, human lung)") \
    X(elastin_capacity_mg_per_cm3, "species.elastin.capacity_mg_per_cm3", "mg cm-3", 15, 1, 100, 1, \
      "Elastin at which stimulated tropoelastin synthesis stops.", \
      "Assumption (1.5 x healthy dermis)") \
    /* ---- vessels ---- */ \
    X(angiogenesis_per_day, "species.vessels.angiogenesis_per_day", "d-1", 0.3, 0, 10, 0, \
      "Maximal VEGF-driven approach of capillary density to its maximum.", \
      "Calibrated to vessels peaking at 7-14 d (Integra mouse data); Pettet et al. 1996 form") \
    X(vessels_max_relative, "species.vessels.max_relative", "1", 2, 1, 10, 1, \
      "Maximal capillary density of granulation tissue relative to normal.", \
      "Transiently elevated vessel density in new scar (Pettet et al. 1996); assumption") \
    X(vessel_regression_per_day, "species.vessels.regression_per_day", "d-1", 0.15, 0.01, 5, 1, \
      "Return of capillary density to normal (regression or regrowth).", \
      "0.1-0.2 d-1 from baseline by 28 d (Integra mouse data)") \
    /* ---- provisional matrix ---- */ \
    X(provisional_matrix_fibrinolysis_per_day, "species.provisional_matrix.fibrinolysis_per_day", "d-1", 0.05, 0, 10, 0, \
      "Cell-independent loss of the provisional matrix (plasmin fibrinolysis).", \
      "Assumption: fibrin clot persists days to weeks unless cells invade it (Clark 1996)") \
    X(provisional_matrix_cell_degradation_per_day, "species.provisional_matrix.cell_degradation_per_day", "d-1", 0.15, 0, 10, 0, \
      "Degradation of the provisional matrix per baseline density of invading cells (fibroblasts, myofibroblasts, macrophages; plasmin/MMP).", \
      "Calibrated: clot replaced by granulation tissue within 1-2 weeks (Barati et al. 2013; Clark 1996)") \
    X(provisional_matrix_half_saturation_mg_per_cm3, "species.provisional_matrix.half_saturation_mg_per_cm3", "mg cm-3", 0.1, 0.001, 10, 1, \
      "Provisional matrix giving half-maximal effect (fibroblast proliferation, type III share of new collagen).", \
      "Calibrated; new collagen on a fibronectin template is type III first (Gay et al. 1978; Clark 1996)") \
    /* ---- injury ---- */ \
    X(injury_matrix_loss_fraction, "injury.matrix_loss_fraction", "1", 1, 0, 1, 0, \
      "Fraction of matrix, cells and vessels destroyed in the injured volume.", \
      "Assumption: the channel volume is disrupted and filled by clot") \
    X(injury_provisional_matrix_mg_per_cm3, "injury.provisional_matrix_mg_per_cm3", "mg cm-3", 3, 0, 20, 0, \
      "Provisional matrix (fibrin + fibronectin) laid down in a fully injured voxel.", \
      "Plasma fibrinogen 2-4 mg mL-1 (clinical reference range) + plasma fibronectin ~0.3 mg mL-1 (Mosher 1984)") \
    X(platelet_tgf_beta1_ng_per_ml, "injury.platelet_tgf_beta1_ng_per_ml", "ng mL-1", 30, 0, 1000, 0, \
      "TGF-beta1 released by platelets in a fully bleeding voxel.", \
      "Bianchi et al. 2015 initial active TGF-beta 30 pg mm-3") \
    X(platelet_pdgf_ng_per_ml, "injury.platelet_pdgf_ng_per_ml", "ng mL-1", 10, 0, 1000, 0, \
      "PDGF released by platelets in a fully bleeding voxel.", \
      "Waugh & Sherratt 2007 initial wound PDGF 2 pg mm-3 (after dilution); assumption")
/* clang-format on */

#define DERMIS_MODEL_PARAM_FIELD(field, key, unit, def, lo, hi, lo_excl, doc, source) double field;
typedef struct {
    DERMIS_MODEL_PARAMS(DERMIS_MODEL_PARAM_FIELD)
} dermis_model_params;
#undef DERMIS_MODEL_PARAM_FIELD

/* Fills p with the defaults of DERMIS_MODEL_PARAMS (the same values as the schema's defaults). */
void dermis_model_params_defaults(dermis_model_params *p);

#endif
