/* Channel placement and injury geometry (model/injury.h, model/sessions.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/injury.h"
#include "model/sessions.h"
#include "needling_fixtures.h"

static dermis_channel_shape shape_of(double depth_mm)
{
    dermis_channel_shape s = {0.035, depth_mm, 0.015, 0.3, DERMIS_TIP_CONE};
    return s;
}

static dermis_placement_spec random_spec(double per_cm2)
{
    dermis_placement_spec p = {.density_per_mm2 = per_cm2 / 100.0, .passes = 1};
    return p;
}

/* Injury map of one placement; caller frees. */
static double *injury(const dermis_grid *g, const dermis_placement_spec *spec, const dermis_channel_shape *s,
                      unsigned long seed)
{
    dermis_channel_set set = {NULL, 0, 0};
    double *d = malloc(dermis_grid_voxels(g) * sizeof *d);
    assert_int_equal(dermis_channels_place(&set, g, spec, s, seed), 0);
    dermis_injury_map(g, &set, spec->density_per_mm2, s, d);
    dermis_channel_set_free(&set);
    return d;
}

/* Deepest layer index with any damage. */
static size_t deepest_injured(const dermis_grid *g, const double *d)
{
    size_t deepest = 0;
    const size_t plane = g->nx * g->ny;
    for (size_t v = 0; v < dermis_grid_voxels(g); ++v)
        if (d[v] > 0.0 && v / plane > deepest) deepest = v / plane;
    return deepest;
}

static void same_seed_same_channels_new_session_new_channels(void **state)
{
    (void)state;
    const dermis_grid g = fixture_grid(3, 1.0, 1.0, 0.02);
    const dermis_channel_shape s = shape_of(0.5);
    const dermis_placement_spec spec = random_spec(1200.0);
    dermis_channel_set a = {NULL, 0, 0}, b = {NULL, 0, 0};
    dermis_channels_place(&a, &g, &spec, &s, dermis_injury_session_seed(7, 0));
    dermis_channels_place(&b, &g, &spec, &s, dermis_injury_session_seed(7, 0));
    assert_true(a.n > 0 && a.n == b.n);
    assert_memory_equal(a.channels, b.channels, a.n * sizeof *a.channels);
    dermis_channels_place(&b, &g, &spec, &s, dermis_injury_session_seed(7, 1));
    assert_true(b.n > 0);
    assert_true(a.channels[0].x_mm != b.channels[0].x_mm);
    assert_true(dermis_injury_session_seed(7, 0) != dermis_injury_session_seed(8, 0));
    dermis_channel_set_free(&a);
    dermis_channel_set_free(&b);
}

static void deeper_needles_injure_deeper(void **state)
{
    (void)state;
    const dermis_grid g = fixture_grid(2, 2.0, 2.0, 0.02);
    const dermis_placement_spec spec = random_spec(2400.0);
    const dermis_channel_shape shallow = shape_of(0.125), deep = shape_of(0.75);
    double *a = injury(&g, &spec, &shallow, 11), *b = injury(&g, &spec, &deep, 11);
    assert_true(deepest_injured(&g, b) > deepest_injured(&g, a));
    assert_true((double)deepest_injured(&g, a) * g.dx_mm < 0.125 + 1e-9);
    assert_true((double)deepest_injured(&g, b) * g.dx_mm > 0.5);
    free(a);
    free(b);
}

static void more_channels_more_damage(void **state)
{
    (void)state;
    const dermis_grid g = fixture_grid(3, 1.0, 1.0, 0.02);
    const dermis_channel_shape s = shape_of(0.5);
    const dermis_placement_spec few = random_spec(250.0), many = random_spec(2500.0);
    double *a = injury(&g, &few, &s, 3), *b = injury(&g, &many, &s, 3);
    const size_t n = dermis_grid_voxels(&g);
    assert_true(fixture_sum(b, n) > 3.0 * fixture_sum(a, n));
    for (size_t v = 0; v < n; ++v) assert_true(b[v] >= 0.0 && b[v] <= 1.0);
    free(a);
    free(b);
}

static void cylinder_injures_more_than_cone(void **state)
{
    (void)state;
    const dermis_grid g = fixture_grid(1, 1.0, 1.0, 0.02);
    dermis_channel_shape cone = shape_of(0.5), cylinder = shape_of(0.5);
    cylinder.tip = DERMIS_TIP_CYLINDER;
    double dc[50], dy[50];
    dermis_injury_map(&g, NULL, 10.0, &cone, dc);
    dermis_injury_map(&g, NULL, 10.0, &cylinder, dy);
    assert_true(fixture_sum(dy, 50) > fixture_sum(dc, 50));
    assert_true(dc[30] == 0.0 && dy[30] == 0.0); /* below 0.5 mm */
}

/* Lateral mean of each depth layer. */
static void lateral_mean(const dermis_grid *g, const double *d, double *mean)
{
    const size_t plane = g->nx * g->ny;
    for (size_t iz = 0; iz < g->nz; ++iz) mean[iz] = fixture_sum(d + iz * plane, plane) / (double)plane;
}

static void one_d_profile_is_the_lateral_mean(void **state)
{
    (void)state;
    /* 3-D: a 3 mm x 3 mm periodic patch at 1200 cm^-2 holds ~108 channels; 2-D: the mean over
     * 40 seeds of a 4 mm section. Tolerance: Poisson scatter of the channel count (~10 %) and
     * sub-sampling error (a few %). */
    const dermis_channel_shape s = shape_of(0.4);
    const dermis_placement_spec spec = random_spec(1200.0);
    const dermis_grid g1 = fixture_grid(1, 1.0, 0.5, 0.02), g3 = fixture_grid(3, 3.0, 0.5, 0.02);
    const dermis_grid g2 = fixture_grid(2, 4.0, 0.5, 0.02);
    double p1[25], m3[25], m2[25] = {0}, tmp[25];
    dermis_injury_map(&g1, NULL, spec.density_per_mm2, &s, p1);
    double *d3 = injury(&g3, &spec, &s, 5);
    lateral_mean(&g3, d3, m3);
    free(d3);
    const int seeds = 40;
    for (int k = 0; k < seeds; ++k) {
        double *d2 = injury(&g2, &spec, &s, (unsigned long)(100 + k));
        lateral_mean(&g2, d2, tmp);
        for (size_t iz = 0; iz < 25; ++iz) m2[iz] += tmp[iz] / seeds;
        free(d2);
    }
    const double total1 = fixture_sum(p1, 25), total3 = fixture_sum(m3, 25), total2 = fixture_sum(m2, 25);
    assert_true(total1 > 0.0);
    assert_true(fabs(total3 / total1 - 1.0) < 0.2);
    assert_true(fabs(total2 / total1 - 1.0) < 0.15);
    for (size_t iz = 0; iz < 15; ++iz) assert_true(fabs(m3[iz] - p1[iz]) < 0.25 * p1[0]);
}

static void surface_opening_matches_the_core_area(void **state)
{
    (void)state;
    const dermis_grid g1 = fixture_grid(1, 1.0, 0.5, 0.02);
    const dermis_channel_shape s = shape_of(0.4);
    double open1;
    dermis_injury_surface_open(&g1, NULL, 12.0, &s, &open1);
    /* 1200 cm^-2 x pi x (35 um)^2 = 4.6 % open (reference d: ~5 % at 1200 cm^-2) */
    assert_true(fabs(open1 - (1.0 - exp(-12.0 * 3.14159265358979 * 0.035 * 0.035))) < 1e-12);
    assert_true(open1 > 0.04 && open1 < 0.05);
}

/* Stratified placement: the same mean injured volume as Poisson placement on a 2-D section,
 * with far less scatter from seed to seed (issue 10: outcomes that do not depend on luck). */
static void stratified_placement_keeps_the_mean_and_cuts_the_scatter(void **state)
{
    (void)state;
    const dermis_grid g = fixture_grid(2, 1.2, 1.0, 0.04);
    const dermis_channel_shape s = shape_of(0.75);
    const dermis_placement_spec poisson = random_spec(2400.0);
    dermis_placement_spec stratified = poisson;
    stratified.stratified = 1;
    const size_t n = dermis_grid_voxels(&g);
    const int seeds = 40;
    double sum[2] = {0}, sum2[2] = {0};
    for (int k = 0; k < seeds; ++k)
        for (int m = 0; m < 2; ++m) {
            double *d = injury(&g, m ? &stratified : &poisson, &s, dermis_injury_session_seed(k, 0));
            const double v = fixture_sum(d, n);
            sum[m] += v;
            sum2[m] += v * v;
            free(d);
        }
    double mean[2], sd[2];
    for (int m = 0; m < 2; ++m) {
        mean[m] = sum[m] / seeds;
        sd[m] = sqrt(fmax(0.0, sum2[m] / seeds - mean[m] * mean[m]));
    }
    /* Means agree within the Poisson arm's standard error (x3); the spread at least halves. */
    assert_true(fabs(mean[1] - mean[0]) < 3.0 * sd[0] / sqrt((double)seeds));
    assert_true(sd[1] < 0.5 * sd[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_channels_new_session_new_channels),
        cmocka_unit_test(deeper_needles_injure_deeper),
        cmocka_unit_test(more_channels_more_damage),
        cmocka_unit_test(cylinder_injures_more_than_cone),
        cmocka_unit_test(one_d_profile_is_the_lateral_mean),
        cmocka_unit_test(surface_opening_matches_the_core_area),
        cmocka_unit_test(stratified_placement_keeps_the_mean_and_cuts_the_scatter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
