/* Skin-site presets and overrides (model/sites.h). Expected values: model reference c3
 * (Egawa 2007 SC; 50 MHz US whole facial skin 1.90 mm cheek, 1.86 mm forehead). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "model/sites.h"
#include "needling_fixtures.h"

static double total_mm(const dermis_skin_profile *p)
{
    return dermis_skin_dermis_bottom_mm(p);
}

static void cheek_follows_its_sources(void **state)
{
    (void)state;
    dermis_skin_profile p;
    assert_int_equal(dermis_site_preset(DERMIS_SITE_FACE_CHEEK, &p), 0);
    assert_true(fabs(p.stratum_corneum_mm - 0.0168) < 1e-12);
    assert_true(fabs(total_mm(&p) - 1.90) < 0.01);
    assert_true(p.epidermis_mm >= 0.0296 && p.epidermis_mm <= 0.0626); /* Chopra 2015 facial range */
    const double dermis = p.papillary_dermis_mm + p.reticular_dermis_mm;
    assert_true(p.papillary_dermis_mm >= 0.1 * dermis && p.papillary_dermis_mm <= 0.2 * dermis);
    assert_int_equal(dermis_site_preset(DERMIS_SITE_FOREHEAD, &p), 0);
    assert_true(fabs(total_mm(&p) - 1.86) < 0.01);
}

static void every_site_is_plausible(void **state)
{
    (void)state;
    dermis_skin_profile p, cheek, back, hand;
    for (int s = 0; s < DERMIS_N_SITES; ++s) {
        assert_int_equal(dermis_site_preset(s, &p), 0);
        assert_true(p.stratum_corneum_mm > 0.0 && p.epidermis_mm > p.stratum_corneum_mm);
        assert_true(p.papillary_dermis_mm > 0.0 && p.papillary_dermis_mm <= 0.3);
        assert_true(p.reticular_dermis_mm > p.papillary_dermis_mm);
    }
    assert_int_equal(dermis_site_preset(DERMIS_N_SITES, &p), -1);
    dermis_site_preset(DERMIS_SITE_FACE_CHEEK, &cheek);
    dermis_site_preset(DERMIS_SITE_BACK, &back);
    dermis_site_preset(DERMIS_SITE_HAND_DORSUM, &hand);
    assert_true(total_mm(&back) > total_mm(&cheek));                  /* back dermis 3-4 mm */
    assert_true(hand.stratum_corneum_mm > cheek.stratum_corneum_mm);  /* Egawa: 29.3 vs 16.8 um */
}

static void overrides_replace_single_layers(void **state)
{
    (void)state;
    dermis_protocol_params prm = fixture_protocol(NULL, 0);
    dermis_skin_profile preset, p;
    dermis_site_preset(DERMIS_SITE_FACE_CHEEK, &preset);
    prm.skin.epidermis_mm = 0.08;
    assert_int_equal(dermis_skin_profile_from_params(&prm.skin, &p), 0);
    assert_true(p.epidermis_mm == 0.08);
    assert_true(p.stratum_corneum_mm == preset.stratum_corneum_mm);
    assert_true(p.reticular_dermis_mm == preset.reticular_dermis_mm);
    prm.skin.reticular_dermis_mm = -1.0;
    assert_int_equal(dermis_skin_profile_from_params(&prm.skin, &p), -1);
}

static void capillaries_lie_in_the_papillary_dermis(void **state)
{
    (void)state;
    dermis_protocol_params prm = fixture_protocol(NULL, 0);
    dermis_skin_profile p;
    dermis_skin_profile_from_params(&prm.skin, &p);
    const double cap = dermis_skin_capillary_depth_mm(&prm.skin, &p);
    assert_true(fabs(cap - (p.stratum_corneum_mm + p.epidermis_mm + 0.075)) < 1e-12);
    assert_int_equal(dermis_skin_layer_at_depth(&p, cap), DERMIS_LAYER_PAPILLARY_DERMIS);
    prm.skin.capillary_depth_mm = 0.2;
    assert_true(dermis_skin_capillary_depth_mm(&prm.skin, &p) == 0.2);
}

static void tissue_map_follows_the_profile(void **state)
{
    (void)state;
    dermis_protocol_params prm = fixture_protocol(NULL, 0);
    dermis_skin_profile p;
    dermis_skin_profile_from_params(&prm.skin, &p);
    const dermis_grid g = fixture_grid(1, 1.0, 2.0, 0.01);
    dermis_tissue t;
    assert_int_equal(dermis_tissue_alloc(&t, &g, &p), 0);
    assert_int_equal(t.layer[0], DERMIS_LAYER_STRATUM_CORNEUM);
    assert_int_equal(t.layer[3], DERMIS_LAYER_EPIDERMIS);     /* 35 um */
    assert_int_equal(t.layer[10], DERMIS_LAYER_PAPILLARY_DERMIS); /* 105 um */
    assert_int_equal(t.layer[100], DERMIS_LAYER_RETICULAR_DERMIS); /* 1.005 mm */
    assert_int_equal(t.layer[195], DERMIS_LAYER_HYPODERMIS);  /* 1.955 mm > 1.90 */
    dermis_tissue_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cheek_follows_its_sources),
        cmocka_unit_test(every_site_is_plausible),
        cmocka_unit_test(overrides_replace_single_layers),
        cmocka_unit_test(capillaries_lie_in_the_papillary_dermis),
        cmocka_unit_test(tissue_map_follows_the_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
