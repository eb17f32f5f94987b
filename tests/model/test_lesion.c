/* Lesions as tissue-map edits (model/lesion.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "model/lesion.h"
#include "model/sites.h"
#include "needling_fixtures.h"

typedef struct {
    dermis_grid grid;
    dermis_skin_profile skin;
    dermis_tissue tissue;
    dermis_lesion_params lesion;
} lesion_case;

/* 2-D cheek section 4 mm wide, 2 mm deep, 20 um voxels, lesion of the given type. */
static void build(lesion_case *c, int type)
{
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    c->grid = fixture_grid(2, 4.0, 2.0, 0.02);
    dermis_skin_profile_from_params(&p.skin, &c->skin);
    assert_int_equal(dermis_tissue_alloc(&c->tissue, &c->grid, &c->skin), 0);
    c->lesion = p.lesion;
    c->lesion.type = type;
    c->lesion.width_mm = 2.0;
    c->lesion.depth_mm = 0.6;
    c->lesion.severity = 0.4;
    assert_int_equal(dermis_lesion_apply(&c->tissue, &c->lesion, &c->skin), 0);
}

static double factor_at(const lesion_case *c, double x_mm, double z_mm)
{
    const size_t ix = (size_t)(x_mm / c->grid.dx_mm), iz = (size_t)(z_mm / c->grid.dx_mm);
    return c->tissue.matrix_factor[dermis_grid_index(&c->grid, ix, 0, iz)];
}

static double dermal_top(const lesion_case *c)
{
    return dermis_skin_layer_top_mm(&c->skin, DERMIS_LAYER_PAPILLARY_DERMIS);
}

static void none_leaves_healthy_skin(void **state)
{
    (void)state;
    lesion_case c;
    build(&c, DERMIS_LESION_NONE);
    for (size_t v = 0; v < dermis_grid_voxels(&c.grid); ++v) assert_true(c.tissue.matrix_factor[v] == 1.0);
    dermis_tissue_free(&c.tissue);
}

static void boxcar_is_flat_and_steep(void **state)
{
    (void)state;
    lesion_case c;
    build(&c, DERMIS_LESION_BOXCAR);
    const double top = dermal_top(&c);
    assert_true(fabs(factor_at(&c, 2.0, top + 0.3) - 0.6) < 1e-12);
    assert_true(fabs(factor_at(&c, 1.1, top + 0.55) - 0.6) < 1e-12); /* near the wall, full depth */
    assert_true(factor_at(&c, 0.5, top + 0.3) == 1.0);                 /* outside the scar */
    assert_true(factor_at(&c, 2.0, top + 0.7) == 1.0);                 /* below the deficit */
    assert_true(factor_at(&c, 2.0, 0.03) == 1.0);                      /* epidermis untouched */
    dermis_tissue_free(&c.tissue);
}

static void ice_pick_narrows_with_depth(void **state)
{
    (void)state;
    lesion_case c;
    build(&c, DERMIS_LESION_ICE_PICK);
    const double top = dermal_top(&c);
    assert_true(factor_at(&c, 2.0, top + 0.5) < 1.0);  /* deep at the centre */
    assert_true(factor_at(&c, 2.5, top + 0.5) == 1.0); /* but not off-centre at depth */
    assert_true(factor_at(&c, 2.5, top + 0.1) < 1.0);  /* off-centre near the surface */
    dermis_tissue_free(&c.tissue);
}

static void rolling_is_shallow_at_its_edges(void **state)
{
    (void)state;
    lesion_case rolling, boxcar;
    build(&rolling, DERMIS_LESION_ROLLING);
    build(&boxcar, DERMIS_LESION_BOXCAR);
    const double top = dermal_top(&rolling);
    assert_true(factor_at(&rolling, 2.0, top + 0.5) < 1.0);
    assert_true(factor_at(&rolling, 1.2, top + 0.3) == 1.0); /* sloped edge: shallower */
    assert_true(factor_at(&boxcar, 1.2, top + 0.3) < 1.0);
    size_t n_rolling = 0, n_boxcar = 0;
    for (size_t v = 0; v < dermis_grid_voxels(&rolling.grid); ++v) {
        if (dermis_lesion_contains(&rolling.tissue, v))
            n_rolling++;
        if (dermis_lesion_contains(&boxcar.tissue, v))
            n_boxcar++;
    }
    assert_true(n_rolling > 0 && n_rolling < n_boxcar);
    dermis_tissue_free(&rolling.tissue);
    dermis_tissue_free(&boxcar.tissue);
}

static void stretch_mark_thins_the_dermis(void **state)
{
    (void)state;
    lesion_case c;
    build(&c, DERMIS_LESION_STRETCH_MARK);
    const double bottom = dermis_skin_dermis_bottom_mm(&c.skin);
    const size_t iz_low = (size_t)((bottom - 0.1) / c.grid.dx_mm);
    assert_int_equal(c.tissue.layer[dermis_grid_index(&c.grid, 100, 0, iz_low)], DERMIS_LAYER_HYPODERMIS);
    assert_int_equal(c.tissue.layer[dermis_grid_index(&c.grid, 10, 0, iz_low)], DERMIS_LAYER_RETICULAR_DERMIS);
    assert_true(fabs(factor_at(&c, 2.0, 0.5) - 0.6) < 1e-12);
    assert_true(factor_at(&c, 0.2, 0.5) == 1.0);
    dermis_tissue_free(&c.tissue);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(none_leaves_healthy_skin),
        cmocka_unit_test(boxcar_is_flat_and_steep),
        cmocka_unit_test(ice_pick_narrows_with_depth),
        cmocka_unit_test(rolling_is_shallow_at_its_edges),
        cmocka_unit_test(stretch_mark_thins_the_dermis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
