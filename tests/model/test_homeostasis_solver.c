/* Through the real solver: a year of uninjured 1-D skin (every layer, one lesion voxel) drifts by
 * less than 1e-9 relative in every field, because the model's homeostasis is an exact fixed point
 * of the reactions and uniform (or walled) where a field moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <cmocka.h>

#include "model_fixture.h"

enum { NF = DERMIS_N_FIELDS };

static void test_year_without_injury(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 50, NULL), 0);
    fx.tissue.matrix_factor[20] = 0.5; /* a lesion voxel: immobile matrix may vary per voxel */
    const size_t n = 50;
    double *u = calloc(NF * n, sizeof *u), *u0 = calloc(NF * n, sizeof *u0);
    assert_non_null(u);
    assert_non_null(u0);
    dermis_model_homeostasis(fx.model, u0);
    for (size_t i = 0; i < NF * n; ++i) u[i] = u0[i];
    dermis_problem problem;
    dermis_model_problem(fx.model, &problem);
    const dermis_solver_options options = {.rtol = 1e-4, .dt_initial_day = 1e-3, .dt_min_day = 1e-10, .dt_max_day = 30.0, .max_steps = 1000000, .threads = 1};
    int status = 0;
    dermis_solver *s = dermis_solver_alloc(&fx.grid, &problem, &options, &status);
    assert_non_null(s);
    double t = 0.0;
    const int advanced = dermis_solver_advance(s, u, &t, 365.25);
    if (advanced != DERMIS_SOLVER_OK) fail_msg("solver: %s at t = %g", dermis_solver_strerror(advanced), t);
    for (int f = 0; f < NF; ++f)
        for (size_t v = 0; v < n; ++v) {
            const double ref = u0[(size_t)f * n + v];
            const double scale = fabs(ref) > 0.0 ? fabs(ref) : dermis_model_field_scale(fx.model, (dermis_field)f);
            if (fabs(u[(size_t)f * n + v] - ref) > 1e-9 * scale)
                fail_msg("%s drifted at voxel %zu: %.17g vs %.17g", dermis_species((dermis_field)f)->name, v,
                         u[(size_t)f * n + v], ref);
        }
    dermis_solver_free(s);
    free(u);
    free(u0);
    model_fixture_free(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_year_without_injury)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
