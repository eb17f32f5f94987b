/* Barrier resealing and the topical boundary (model/barrier.h, model/topical.h). Half-lives:
 * model reference c2 (Gupta 2011; PMC8259462). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "model/barrier.h"
#include "model/sites.h"
#include "model/species.h"
#include "model/topical.h"
#include "needling_fixtures.h"

static dermis_barrier *make_barrier(dermis_protocol_params *p, const dermis_grid *g)
{
    dermis_skin_profile skin;
    dermis_skin_profile_from_params(&p->skin, &skin);
    return dermis_barrier_alloc(g, p, &skin);
}

static void openness_halves_every_half_life(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    const dermis_grid g = fixture_grid(1, 1.0, 1.0, 0.02);
    dermis_barrier *b = make_barrier(&p, &g);
    const double open = 0.08, t0 = 3.0, half_day = 1.0 / 24.0;
    dermis_barrier_record(b, 0, t0, &open);
    assert_true(dermis_barrier_openness(b, 0, t0 - 0.01) == 0.0);
    assert_true(fabs(dermis_barrier_openness(b, 0, t0) - open) < 1e-15);
    assert_true(fabs(dermis_barrier_openness(b, 0, t0 + half_day) - 0.5 * open) < 1e-12);
    assert_true(fabs(dermis_barrier_openness(b, 0, t0 + 3.0 * half_day) - 0.125 * open) < 1e-12);
    dermis_barrier_free(b);
}

static void occlusion_slows_resealing(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    const dermis_grid g = fixture_grid(1, 1.0, 1.0, 0.02);
    dermis_barrier *open_air = make_barrier(&p, &g);
    p.treatment.occlusion = 1;
    dermis_barrier *occluded = make_barrier(&p, &g);
    const double open = 0.05;
    dermis_barrier_record(open_air, 0, 0.0, &open);
    dermis_barrier_record(occluded, 0, 0.0, &open);
    const double six_hours = 0.25;
    assert_true(dermis_barrier_openness(occluded, 0, six_hours) > 10.0 * dermis_barrier_openness(open_air, 0, six_hours));
    /* 23 h occluded half-life (PMC8259462: 20-26 h) */
    assert_true(fabs(dermis_barrier_openness(occluded, 0, 23.0 / 24.0) - 0.5 * open) < 1e-12);
    dermis_barrier_free(open_air);
    dermis_barrier_free(occluded);
}

static void openness_is_the_max_over_sessions(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    const dermis_grid g = fixture_grid(2, 0.04, 1.0, 0.02); /* two surface cells */
    dermis_barrier *b = make_barrier(&p, &g);
    const double first[2] = {0.4, 0.0}, second[2] = {0.1, 0.2};
    dermis_barrier_record(b, 0, 0.0, first);
    dermis_barrier_record(b, 1, 1.0 / 24.0, second);
    const double t = 1.0 / 24.0;
    assert_true(fabs(dermis_barrier_openness(b, 0, t) - 0.2) < 1e-12); /* 0.4 halved beats 0.1 */
    assert_true(fabs(dermis_barrier_openness(b, 1, t) - 0.2) < 1e-12);
    assert_true(fabs(dermis_barrier_open_fraction(b, t) - 0.2) < 1e-12);
    dermis_barrier_free(b);
}

static void robin_data_of_the_topical_fields(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    p.topical.applied = 1;
    const dermis_grid g = fixture_grid(1, 1.0, 1.0, 0.02);
    dermis_barrier *b = make_barrier(&p, &g);
    const double open = 0.1;
    dermis_barrier_record(b, 0, 10.0, &open);
    double k, u;
    const double k_intact = 1e-6 * 10.0 * 24.0;                      /* cm/h -> mm/day */
    const double k_channel = DERMIS_TOPICAL_D_PEPTIDE_MM2_PER_DAY / 0.0168; /* D / h_SC */
    dermis_barrier_boundary(10.0, DERMIS_F_TOPICAL, DERMIS_FACE_TOP, &k, &u, b);
    assert_true(fabs(k - (k_intact + open * k_channel)) < 1e-12 * k);
    assert_true(u == p.topical.concentration_ng_per_ml);
    dermis_barrier_boundary(10.0, DERMIS_F_TOPICAL_INTACT, DERMIS_FACE_TOP, &k, &u, b);
    assert_true(fabs(k - k_intact) < 1e-18 && u == p.topical.concentration_ng_per_ml);
    dermis_barrier_boundary(10.0 + 13.0 / 24.0, DERMIS_F_TOPICAL, DERMIS_FACE_TOP, &k, &u, b); /* after 12 h */
    assert_true(u == 0.0 && k > 0.0);
    dermis_barrier_boundary(10.0, DERMIS_F_TOPICAL, DERMIS_FACE_BOTTOM, &k, &u, b);
    assert_true(k == 0.0 && u == 0.0);
    dermis_barrier_boundary(10.0, DERMIS_F_PDGF, DERMIS_FACE_TOP, &k, &u, b);
    assert_true(k == 0.0 && u == 0.0);
    dermis_barrier_free(b);
}

static void no_product_no_outside_concentration(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    const dermis_grid g = fixture_grid(1, 1.0, 1.0, 0.02);
    dermis_barrier *b = make_barrier(&p, &g);
    const double open = 0.1;
    dermis_barrier_record(b, 0, 0.0, &open);
    double k, u;
    dermis_barrier_boundary(0.1, DERMIS_F_TOPICAL, DERMIS_FACE_TOP, &k, &u, b);
    assert_true(u == 0.0);
    dermis_barrier_free(b);
}

static void diffusivity_by_molecule_class(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    p.topical.molecule = DERMIS_MOLECULE_SMALL;
    const double small = dermis_topical_diffusivity_mm2_per_day(&p.topical);
    p.topical.molecule = DERMIS_MOLECULE_PROTEIN;
    const double protein = dermis_topical_diffusivity_mm2_per_day(&p.topical);
    assert_true(small > protein);
    assert_true(fabs(protein - 0.012 * 24.0) < 0.01); /* Murphy TGF-beta 0.012 mm^2/h */
    p.topical.diffusivity_mm2_per_day = 3.0;
    assert_true(dermis_topical_diffusivity_mm2_per_day(&p.topical) == 3.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openness_halves_every_half_life),
        cmocka_unit_test(occlusion_slows_resealing),
        cmocka_unit_test(openness_is_the_max_over_sessions),
        cmocka_unit_test(robin_data_of_the_topical_fields),
        cmocka_unit_test(no_product_no_outside_concentration),
        cmocka_unit_test(diffusivity_by_molecule_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
