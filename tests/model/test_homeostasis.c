/* Homeostasis of the healing-cascade model (docs/model.md, "Homeostasis"): uninjured skin is an
 * exact fixed point in every layer and for any lesion matrix factor, the closed-form derivation
 * is right (its rounding residual is tiny), basal sources are checked, and the fixed point is
 * linearly stable. The sites and residuals of lesion voxels that the model keeps from its set-up
 * give bitwise the rhs and Jacobian computed on the fly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "model_fixture.h"

enum { NF = DERMIS_N_FIELDS };

/* Every layer appears in the 100-voxel column. */
static void test_all_layers_present(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 100, NULL), 0);
    int seen[DERMIS_N_LAYERS] = {0};
    for (size_t v = 0; v < 100; ++v) seen[fx.tissue.layer[v]] = 1;
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) assert_true(seen[l]);
    model_fixture_free(&fx);
}

/* R(u0) == 0 exactly, voxel by voxel, with lesion factors in (0, 1]. */
static void test_exact_fixed_point_with_lesions(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 100, NULL), 0);
    const double factors[] = {1.0, 0.7, 0.33, 1e-3, 0.123456789};
    for (size_t k = 0; k < sizeof factors / sizeof factors[0]; ++k) {
        for (size_t v = 0; v < 100; ++v) fx.tissue.matrix_factor[v] = (v % 3 == 0) ? factors[k] : 1.0;
        for (size_t v = 0; v < 100; ++v) {
            double u0[NF], dudt[NF];
            dermis_model_voxel_baseline(fx.model, v, u0);
            assert_int_equal(dermis_model_rhs(0.0, v, u0, dudt, fx.model), 0);
            for (int f = 0; f < NF; ++f) assert_true(dudt[f] == 0.0);
        }
    }
    model_fixture_free(&fx);
}

/* The model keeps the site and residual of the first few lesion matrix factors in the tissue map
 * at set-up (model.c): a model set up with the lesion in place must give bitwise the rhs and
 * Jacobian of one whose map got the lesion afterwards (computed on the fly), at a perturbed
 * state, for more distinct factors than it keeps. */
static void test_kept_lesion_sites(void **state)
{
    (void)state;
    model_fixture now, later;
    assert_int_equal(model_fixture_init(&now, 100, NULL), 0);
    assert_int_equal(model_fixture_init(&later, 100, NULL), 0);
    const double factors[] = {0.7, 0.33, 1e-3, 0.123456789, 0.5, 0.9};
    for (size_t v = 0; v < 100; ++v) {
        const double f = v % 4 == 0 ? 1.0 : factors[v % (sizeof factors / sizeof factors[0])];
        now.tissue.matrix_factor[v] = f;
        later.tissue.matrix_factor[v] = f;
    }
    dermis_model_free(now.model);
    int status = 0;
    now.model = dermis_model_alloc(&now.params, &now.tissue, &status, NULL, 0);
    assert_non_null(now.model);
    for (size_t v = 0; v < 100; ++v) {
        double u[NF], ra[NF], rb[NF], ja[NF * NF], jb[NF * NF];
        dermis_model_voxel_baseline(now.model, v, u);
        for (int f = 0; f < NF; ++f) u[f] = u[f] * (1.0 + 0.05 * (double)((f + (int)v) % 7)) + 0.01 * (double)(f % 3);
        assert_int_equal(dermis_model_rhs(0.0, v, u, ra, now.model), 0);
        assert_int_equal(dermis_model_rhs(0.0, v, u, rb, later.model), 0);
        assert_int_equal(dermis_model_jacobian(0.0, v, u, ja, now.model), 0);
        assert_int_equal(dermis_model_jacobian(0.0, v, u, jb, later.model), 0);
        assert_memory_equal(ra, rb, sizeof ra);
        assert_memory_equal(ja, jb, sizeof ja);
    }
    model_fixture_free(&now);
    model_fixture_free(&later);
}

/* The correction only removes rounding: the analytic residual is < 1e-13 of each field's
 * turnover scale (a wrong derivation would leave O(1) residuals). */
static void test_closed_form_residual_is_rounding(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 100, NULL), 0);
    for (size_t v = 0; v < 100; ++v) fx.tissue.matrix_factor[v] = (v % 2) ? 0.4 : 1.0;
    for (size_t v = 0; v < 100; ++v) {
        double r[NF];
        dermis_model_homeostatic_residual(fx.model, v, r);
        for (int f = 0; f < NF; ++f) {
            /* A turnover rate of 1000/day bounds every rate constant of the model. */
            const double bound = 1e-13 * 1000.0 * dermis_model_field_scale(fx.model, (dermis_field)f);
            assert_true(fabs(r[f]) <= bound);
        }
    }
    model_fixture_free(&fx);
}

/* Baseline values: fibroblasts only in dermis and hypodermis, collagen 85/15 at 250 mg cm^-3,
 * inflammatory fields zero, solutes uniform below the stratum corneum. */
static void test_baseline_values(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 100, NULL), 0);
    for (size_t v = 0; v < 100; ++v) {
        double u0[NF];
        dermis_model_voxel_baseline(fx.model, v, u0);
        const int layer = fx.tissue.layer[v];
        assert_true(u0[DERMIS_F_DAMAGE] == 0.0 && u0[DERMIS_F_NEUTROPHILS] == 0.0 && u0[DERMIS_F_MACROPHAGES] == 0.0);
        assert_true(u0[DERMIS_F_MYOFIBROBLASTS] == 0.0 && u0[DERMIS_F_ALARMINS] == 0.0);
        if (layer == DERMIS_LAYER_RETICULAR_DERMIS || layer == DERMIS_LAYER_PAPILLARY_DERMIS) {
            assert_true(u0[DERMIS_F_FIBROBLASTS] == 3000.0);
            assert_true(fabs(u0[DERMIS_F_COLLAGEN_I] - 212.5) <= 1e-12);
            assert_true(fabs(u0[DERMIS_F_COLLAGEN_III] - 37.5) <= 1e-12);
            assert_true(u0[DERMIS_F_ELASTIN] == 10.0 && u0[DERMIS_F_VESSELS] == 1.0);
        }
        if (layer == DERMIS_LAYER_EPIDERMIS || layer == DERMIS_LAYER_STRATUM_CORNEUM)
            assert_true(u0[DERMIS_F_FIBROBLASTS] == 0.0 && u0[DERMIS_F_COLLAGEN_I] == 0.0);
        if (layer != DERMIS_LAYER_STRATUM_CORNEUM) assert_true(u0[DERMIS_F_TGF_BETA1] == 2.0);
    }
    model_fixture_free(&fx);
}

/* A baseline below what resident fibroblasts alone secrete would need a negative source. */
static void test_negative_source_is_refused(void **state)
{
    (void)state;
    dermis_model_params p;
    dermis_model_params_defaults(&p);
    p.tgf_beta1_baseline_ng_per_ml = 0.5; /* 9.1 * 0.5 < 0.004 * 3000 */
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 50, &p), -1);
    int status = 0;
    char msg[200];
    assert_null(dermis_model_alloc(&p, &fx.tissue, &status, msg, sizeof msg));
    assert_int_equal(status, DERMIS_MODEL_ENEGATIVE_SOURCE);
    assert_non_null(strstr(msg, "tgf_beta1"));
    dermis_tissue_free(&fx.tissue);
}

static void test_out_of_range_parameter_is_refused(void **state)
{
    (void)state;
    dermis_model_params p;
    dermis_model_params_defaults(&p);
    p.fibroblast_death_per_day = -1.0;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 50, &p), -1);
    int status = 0;
    char msg[200];
    assert_null(dermis_model_alloc(&p, &fx.tissue, &status, msg, sizeof msg));
    assert_int_equal(status, DERMIS_MODEL_EINVAL);
    assert_non_null(strstr(msg, "species.fibroblasts.death_per_day"));
    dermis_tissue_free(&fx.tissue);
}

/* Linear stability of the dermal fixed point: every eigenvalue of the (upper-branch) Jacobian
 * has a negative real part, except the topical-free neutral directions, which do not exist
 * here (every field has a loss). Small upward perturbations of all fields select the branch of
 * the excess responses that is active after an injury. */
static void test_baseline_is_linearly_stable(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 100, NULL), 0);
    const size_t voxels[] = {10, 40, 95}; /* papillary, reticular, hypodermis */
    for (size_t k = 0; k < 3; ++k) {
        double u[NF], J[NF * NF];
        dermis_model_voxel_baseline(fx.model, voxels[k], u);
        for (int f = 0; f < NF; ++f) u[f] += 1e-9 * dermis_model_field_scale(fx.model, (dermis_field)f);
        assert_int_equal(dermis_model_jacobian(0.0, voxels[k], u, J, fx.model), 0);
        gsl_matrix_view A = gsl_matrix_view_array(J, NF, NF);
        gsl_vector_complex *eval = gsl_vector_complex_alloc(NF);
        gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(NF);
        assert_int_equal(gsl_eigen_nonsymm(&A.matrix, eval, w), 0);
        for (size_t i = 0; i < NF; ++i) assert_true(GSL_REAL(gsl_vector_complex_get(eval, i)) < 0.0);
        gsl_eigen_nonsymm_free(w);
        gsl_vector_complex_free(eval);
    }
    model_fixture_free(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_layers_present),
        cmocka_unit_test(test_exact_fixed_point_with_lesions),
        cmocka_unit_test(test_kept_lesion_sites),
        cmocka_unit_test(test_closed_form_residual_is_rounding),
        cmocka_unit_test(test_baseline_values),
        cmocka_unit_test(test_negative_source_is_refused),
        cmocka_unit_test(test_out_of_range_parameter_is_refused),
        cmocka_unit_test(test_baseline_is_linearly_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
