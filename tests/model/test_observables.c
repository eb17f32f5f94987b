/* Observables on hand-made states (model/observables.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/lesion.h"
#include "model/model.h"
#include "model/observables.h"
#include "model/sites.h"
#include "model/species.h"
#include "needling_fixtures.h"

typedef struct {
    dermis_grid grid;
    dermis_skin_profile skin;
    dermis_tissue tissue;
    dermis_protocol_params p;
    double *u;
    double *values;
    dermis_observables *obs;
} obs_case;

/* 1-D cheek column, 2 mm at 20 um; every field 1 except collagen I 200 / III 40 / elastin 10
 * in the dermis. */
static void build(obs_case *c, int lesion, const dermis_session_table *sessions)
{
    c->p = fixture_protocol(NULL, 0);
    c->grid = fixture_grid(1, 1.0, 2.0, 0.02);
    dermis_skin_profile_from_params(&c->p.skin, &c->skin);
    assert_int_equal(dermis_tissue_alloc(&c->tissue, &c->grid, &c->skin), 0);
    if (lesion) {
        c->p.lesion.type = DERMIS_LESION_BOXCAR;
        c->p.lesion.severity = 0.5;
        dermis_lesion_apply(&c->tissue, &c->p.lesion, &c->skin);
    }
    const size_t n = c->grid.nz;
    c->u = malloc(DERMIS_N_FIELDS * n * sizeof *c->u);
    for (size_t i = 0; i < DERMIS_N_FIELDS * n; ++i) c->u[i] = 1.0;
    for (size_t v = 0; v < n; ++v) {
        const double f = c->tissue.matrix_factor[v];
        c->u[DERMIS_F_COLLAGEN_I * n + v] = 200.0 * f;
        c->u[DERMIS_F_COLLAGEN_III * n + v] = 40.0 * f;
        c->u[DERMIS_F_ELASTIN * n + v] = 10.0 * f;
        c->u[DERMIS_F_TOPICAL * n + v] = 0.0;
        c->u[DERMIS_F_TOPICAL_INTACT * n + v] = 0.0;
    }
    c->obs = dermis_observables_alloc(&c->tissue, &c->p, sessions, NULL);
    assert_non_null(c->obs);
    c->values = malloc(dermis_observables_count(c->obs) * sizeof *c->values);
    dermis_observables_set_baseline(c->obs, c->u);
}

static void destroy(obs_case *c)
{
    dermis_observables_free(c->obs);
    dermis_tissue_free(&c->tissue);
    free(c->u);
    free(c->values);
}

static double value(const obs_case *c, const char *name)
{
    const long i = dermis_observables_find(c->obs, name);
    assert_true(i >= 0);
    return c->values[i];
}

static void names_are_unique_and_complete(void **state)
{
    (void)state;
    obs_case c;
    build(&c, 0, NULL);
    const size_t n = dermis_observables_count(c.obs);
    const char *const *names = dermis_observables_names(c.obs);
    for (size_t i = 0; i < n; ++i) {
        assert_non_null(dermis_observables_units(c.obs)[i]);
        assert_true(strlen(dermis_observables_long_names(c.obs)[i]) > 0);
        for (size_t j = i + 1; j < n; ++j) assert_true(strcmp(names[i], names[j]) != 0);
    }
    /* Complete: the mean of every field of the registry over every region, and the documented
     * outcome measures (observables.h). Looked up by name, not counted, so a new field or a new
     * row needs no edit here. */
    static const char *const regions[] = {"epidermis", "papillary_dermis", "reticular_dermis", "dermis"};
    static const char *const per_region[] = {"collagen_change_pct", "collagen_ratio_I_III", "elastin_change_pct"};
    static const char *const scalars[] = {"inflammation_index", "erythema_index", "downtime_days", "topical_dose", "topical_dose_intact",
                                          "topical_enhancement", "stiffness_change_pct", "barrier_open_fraction"};
    char name[96];
    for (int f = 0; f < DERMIS_N_FIELDS; ++f)
        for (size_t r = 0; r < 4; ++r) {
            snprintf(name, sizeof name, "%s_mean_%s", dermis_species((dermis_field)f)->name, regions[r]);
            assert_true(dermis_observables_find(c.obs, name) >= 0);
        }
    for (size_t k = 0; k < sizeof per_region / sizeof per_region[0]; ++k)
        for (size_t r = 0; r < 4; ++r) {
            snprintf(name, sizeof name, "%s_%s", per_region[k], regions[r]);
            assert_true(dermis_observables_find(c.obs, name) >= 0);
        }
    for (size_t k = 0; k < sizeof scalars / sizeof scalars[0]; ++k)
        assert_true(dermis_observables_find(c.obs, scalars[k]) >= 0);
    assert_true(dermis_observables_find(c.obs, "collagen_I_mean_papillary_dermis") >= 0);
    assert_true(dermis_observables_find(c.obs, "lesion_fill_pct") < 0); /* no lesion */
    destroy(&c);
}

static void region_means_changes_and_ratio(void **state)
{
    (void)state;
    obs_case c;
    build(&c, 0, NULL);
    dermis_observables_compute(c.obs, 0.0, c.u, c.values);
    assert_true(value(&c, "collagen_I_mean_dermis") == 200.0);
    assert_true(value(&c, "collagen_change_pct_dermis") == 0.0);
    assert_true(fabs(value(&c, "collagen_ratio_I_III_reticular_dermis") - 5.0) < 1e-12);
    assert_true(value(&c, "stiffness_change_pct") == 0.0);
    /* +10 % collagen III in the papillary dermis only. */
    const size_t n = c.grid.nz;
    for (size_t v = 0; v < n; ++v)
        if (c.tissue.layer[v] == DERMIS_LAYER_PAPILLARY_DERMIS) c.u[DERMIS_F_COLLAGEN_III * n + v] = 64.0;
    dermis_observables_compute(c.obs, 10.0, c.u, c.values);
    assert_true(fabs(value(&c, "collagen_change_pct_papillary_dermis") - 10.0) < 1e-9);
    assert_true(value(&c, "collagen_change_pct_reticular_dermis") == 0.0);
    const double dermis_pct = value(&c, "collagen_change_pct_dermis");
    assert_true(dermis_pct > 0.0 && dermis_pct < 10.0);
    assert_true(fabs(value(&c, "collagen_ratio_I_III_papillary_dermis") - 200.0 / 64.0) < 1e-12);
    assert_true(value(&c, "elastin_change_pct_dermis") == 0.0);
    destroy(&c);
}

static void lesion_fill_counts_the_refilled_deficit(void **state)
{
    (void)state;
    obs_case c;
    build(&c, 1, NULL);
    dermis_observables_compute(c.obs, 0.0, c.u, c.values);
    assert_true(value(&c, "lesion_fill_pct") == 0.0);
    /* Refill half of the deficit: factor 0.5 -> 0.75 of healthy. */
    const size_t n = c.grid.nz;
    for (size_t v = 0; v < n; ++v)
        if (dermis_lesion_contains(&c.tissue, v)) {
            c.u[DERMIS_F_COLLAGEN_I * n + v] = 150.0;
            c.u[DERMIS_F_COLLAGEN_III * n + v] = 30.0;
        }
    dermis_observables_compute(c.obs, 30.0, c.u, c.values);
    assert_true(fabs(value(&c, "lesion_fill_pct") - 50.0) < 1e-9);
    destroy(&c);
}

/* Sets the alarmins of every dermal voxel so that erythema_index = excess_mm: the fixture has
 * vessels 1 and alarmins 1 everywhere at baseline, so the index is L (s(a) - s(1)), with L the
 * dermal thickness and s(a) = a/(K + a). */
static void set_erythema(obs_case *c, double excess_mm)
{
    const size_t n = c->grid.nz;
    const double K = c->p.outcome.vasodilation_half_saturation_ng_per_ml;
    size_t dermal = 0;
    for (size_t v = 0; v < n; ++v)
        dermal += c->tissue.layer[v] == DERMIS_LAYER_PAPILLARY_DERMIS || c->tissue.layer[v] == DERMIS_LAYER_RETICULAR_DERMIS;
    const double s = excess_mm / ((double)dermal * c->grid.dx_mm) + 1.0 / (K + 1.0);
    for (size_t v = 0; v < n; ++v) c->u[DERMIS_F_ALARMINS * n + v] = K * s / (1.0 - s);
}

static void downtime_ends_when_the_redness_fades(void **state)
{
    (void)state;
    dermis_session_table t;
    memset(&t, 0, sizeof t);
    t.n = 2;
    t.session[0].t_day = t.session_days[0] = 0.0;
    t.session[1].t_day = t.session_days[1] = 28.0;
    obs_case c;
    build(&c, 0, &t);
    const double thr = c.p.outcome.erythema_threshold_mm;
    dermis_observables_compute(c.obs, 0.0, c.u, c.values);
    assert_true(value(&c, "downtime_days") == 0.0 && value(&c, "erythema_index") == 0.0);
    set_erythema(&c, 4.0 * thr);
    dermis_observables_compute(c.obs, 1.0, c.u, c.values);
    assert_true(fabs(value(&c, "erythema_index") - 4.0 * thr) < 1e-9 * thr);
    assert_true(value(&c, "inflammation_index") == 0.0); /* redness is not the leukocyte infiltrate */
    assert_true(value(&c, "downtime_days") == 1.0);
    set_erythema(&c, 2.0 * thr);
    dermis_observables_compute(c.obs, 2.0, c.u, c.values);
    assert_true(value(&c, "downtime_days") == 2.0);
    set_erythema(&c, 0.0);
    dermis_observables_compute(c.obs, 3.0, c.u, c.values);
    assert_true(fabs(value(&c, "downtime_days") - 2.5) < 1e-9); /* crossing interpolated at 2.5 */
    set_erythema(&c, 2.0 * thr);                                  /* a late flare does not reopen it */
    dermis_observables_compute(c.obs, 4.0, c.u, c.values);
    assert_true(fabs(value(&c, "downtime_days") - 2.5) < 1e-9);
    /* Checkpoint round trip, then the next session restarts the count. */
    double saved[DERMIS_OBSERVABLES_STATE_SIZE];
    dermis_observables_get_state(c.obs, saved);
    dermis_observables *copy = dermis_observables_alloc(&c.tissue, &c.p, &t, NULL);
    dermis_observables_set_state(copy, saved);
    dermis_observables_compute(copy, 29.0, c.u, c.values);
    assert_true(value(&c, "downtime_days") == 1.0);
    dermis_observables_free(copy);
    destroy(&c);
}

static void topical_dose_in_ng_per_cm2(void **state)
{
    (void)state;
    obs_case c;
    build(&c, 0, NULL);
    const size_t n = c.grid.nz;
    /* 100 ng/mL over 0.5 mm of viable skin = 50 pg/mm^2 = 5 ng/cm^2; the control gets 1/10. */
    for (size_t v = 5; v < 30; ++v) {
        c.u[DERMIS_F_TOPICAL * n + v] = 100.0;
        c.u[DERMIS_F_TOPICAL_INTACT * n + v] = 10.0;
    }
    c.u[DERMIS_F_TOPICAL * n + 0] = 1e6; /* stratum corneum: not delivered */
    dermis_observables_compute(c.obs, 0.5, c.u, c.values);
    assert_true(fabs(value(&c, "topical_dose") - 5.0) < 1e-9);
    assert_true(fabs(value(&c, "topical_enhancement") - 10.0) < 1e-9);
    for (size_t v = 0; v < n; ++v) c.u[DERMIS_F_TOPICAL * n + v] = 0.0;
    dermis_observables_compute(c.obs, 1.0, c.u, c.values);
    assert_true(fabs(value(&c, "topical_dose") - 5.0) < 1e-9); /* the peak is kept */
    destroy(&c);
}

static void no_product_gives_nan_enhancement(void **state)
{
    (void)state;
    obs_case c;
    build(&c, 0, NULL);
    dermis_observables_compute(c.obs, 0.0, c.u, c.values);
    assert_true(value(&c, "topical_dose") == 0.0);
    assert_true(isnan(value(&c, "topical_enhancement")));
    assert_true(value(&c, "barrier_open_fraction") == 0.0);
    destroy(&c);
}


/* With the real model: homeostasis reads as "no change"; one session through the model's injury
 * hook shows damage and lost collagen at once. */
static void a_session_through_the_model_hook(void **state)
{
    (void)state;
    const double days[] = {0.0};
    dermis_protocol_params p = fixture_protocol(days, 1);
    const dermis_grid g = fixture_grid(2, 1.0, 2.0, 0.02);
    dermis_skin_profile skin;
    dermis_skin_profile_from_params(&p.skin, &skin);
    dermis_tissue tissue;
    assert_int_equal(dermis_tissue_alloc(&tissue, &g, &skin), 0);
    dermis_model_params mp;
    dermis_model_params_defaults(&mp);
    int status;
    dermis_model *m = dermis_model_alloc(&mp, &tissue, &status, NULL, 0);
    assert_non_null(m);
    dermis_session_table t;
    assert_int_equal(dermis_session_table_build(&t, &p, &skin, &g, 1, NULL, 0), 0);
    const size_t n = dermis_grid_voxels(&g);
    double *u = malloc(DERMIS_N_FIELDS * n * sizeof *u);
    dermis_model_homeostasis(m, u);
    dermis_observables *obs = dermis_observables_alloc(&tissue, &p, &t, NULL);
    double *values = malloc(dermis_observables_count(obs) * sizeof *values);
    dermis_observables_set_baseline(obs, u);
    dermis_observables_compute(obs, 0.0, u, values);
    assert_true(values[dermis_observables_find(obs, "collagen_change_pct_dermis")] == 0.0);
    assert_true(values[dermis_observables_find(obs, "stiffness_change_pct")] == 0.0);
    assert_true(values[dermis_observables_find(obs, "inflammation_index")] == 0.0);
    dermis_injury_workspace ws;
    assert_int_equal(dermis_injury_workspace_alloc(&ws, &g), 0);
    assert_int_equal(dermis_session_apply_to_model(&t, 0, &ws, m, u, NULL), 0);
    dermis_observables_compute(obs, 0.0, u, values);
    assert_true(values[dermis_observables_find(obs, "damage_mean_papillary_dermis")] > 0.0);
    assert_true(values[dermis_observables_find(obs, "collagen_change_pct_papillary_dermis")] < 0.0);
    dermis_injury_workspace_free(&ws);
    free(values);
    free(u);
    dermis_observables_free(obs);
    dermis_model_free(m);
    dermis_tissue_free(&tissue);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_unique_and_complete),
        cmocka_unit_test(region_means_changes_and_ratio),
        cmocka_unit_test(lesion_fill_counts_the_refilled_deficit),
        cmocka_unit_test(downtime_ends_when_the_redness_fades),
        cmocka_unit_test(topical_dose_in_ng_per_cm2),
        cmocka_unit_test(no_product_gives_nan_enhancement),
        cmocka_unit_test(a_session_through_the_model_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
