/* Well-mixed time course of one reticular-dermis voxel after an injury of half its volume
 * (fraction 0.5, bleeding), integrated with GSL's msbdf and the model's analytic Jacobian.
 * Checks the generic cutaneous repair sequence (docs/model.md, "Calibration"):
 *   neutrophils peak near day 1 and are mostly gone by day 5 (Kim et al. 2008; Wilgus 2013);
 *   macrophages peak near day 3 (Lucas et al. 2010; Rodero & Khosrotehrani 2010);
 *   fibroblast lineage (F + Mf) and myofibroblasts peak in the second week and myofibroblasts fall
 *   by day 42 (Desmouliere et al. 1995);
 *   collagen III rises before collagen I (Gay et al. 1978); net collagen accumulation is fastest
 *   around day 5-7; remodelling (type III excess) continues for months; everything returns to
 *   homeostasis.
 * Tolerances are the spread of the source data: peak days are read from digitised curves with
 * sampling of ~1 day (neutrophils), 1-2 days (macrophages) and several days (myofibroblasts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "model_fixture.h"

enum { NF = DERMIS_N_FIELDS };

typedef struct {
    dermis_model *model;
    size_t voxel;
} voxel_system;

static int ode_rhs(double t, const double *y, double *dydt, void *params)
{
    const voxel_system *s = params;
    return dermis_model_rhs(t, s->voxel, y, dydt, s->model) ? GSL_EBADFUNC : GSL_SUCCESS;
}

static int ode_jac(double t, const double *y, double *J, double *dfdt, void *params)
{
    const voxel_system *s = params;
    for (int i = 0; i < NF; ++i) dfdt[i] = 0.0;
    return dermis_model_jacobian(t, s->voxel, y, J, s->model) ? GSL_EBADFUNC : GSL_SUCCESS;
}

typedef struct {
    double peak[NF], peak_day[NF];
    double lineage_peak, lineage_peak_day;
    double neutrophils_day5, myofibroblasts_day42;
    double collagen_I_plus10_day, collagen_III_plus10_day;
    double max_accumulation, max_accumulation_day;
    double collagen_III_share_day90, collagen_III_day90, collagen_III_day365;
    double end[NF];
} course;

static void record(course *c, double t, const double *y, const double *y_injured, double *prev_total, double *prev_t)
{
    for (int f = 0; f < NF; ++f)
        if (y[f] > c->peak[f]) c->peak[f] = y[f], c->peak_day[f] = t;
    const double lineage = y[DERMIS_F_FIBROBLASTS] + y[DERMIS_F_MYOFIBROBLASTS];
    if (lineage > c->lineage_peak) c->lineage_peak = lineage, c->lineage_peak_day = t;
    if (c->collagen_I_plus10_day < 0 && y[DERMIS_F_COLLAGEN_I] > 1.1 * y_injured[DERMIS_F_COLLAGEN_I]) c->collagen_I_plus10_day = t;
    if (c->collagen_III_plus10_day < 0 && y[DERMIS_F_COLLAGEN_III] > 1.1 * y_injured[DERMIS_F_COLLAGEN_III])
        c->collagen_III_plus10_day = t;
    const double total = y[DERMIS_F_COLLAGEN_I] + y[DERMIS_F_COLLAGEN_III];
    const double rate = (total - *prev_total) / (t - *prev_t);
    if (rate > c->max_accumulation) c->max_accumulation = rate, c->max_accumulation_day = t;
    *prev_total = total;
    *prev_t = t;
}

static void run_course(course *c)
{
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, 100, NULL), 0);
    const size_t voxel = 40; /* reticular dermis */
    const size_t n = 100;
    double *state = calloc(NF * n, sizeof *state), y[NF], y_injured[NF];
    assert_non_null(state);
    dermis_model_homeostasis(fx.model, state);
    dermis_model_apply_damage(fx.model, voxel, 0.5, 1.0, state);
    for (int f = 0; f < NF; ++f) y[f] = y_injured[f] = state[(size_t)f * n + voxel];
    free(state);

    voxel_system sys_data = {fx.model, voxel};
    gsl_odeiv2_system sys = {ode_rhs, ode_jac, NF, &sys_data};
    gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_msbdf, 1e-4, 1e-10, 1e-8);
    assert_non_null(d);
    *c = (course){.collagen_I_plus10_day = -1, .collagen_III_plus10_day = -1};
    double t = 0.0, prev_total = y[DERMIS_F_COLLAGEN_I] + y[DERMIS_F_COLLAGEN_III], prev_t = 0.0;
    for (int k = 1; k <= 365 * 20; ++k) { /* 0.05-day samples for a year */
        const double t_next = 0.05 * k;
        assert_int_equal(gsl_odeiv2_driver_apply(d, &t, t_next, y), GSL_SUCCESS);
        record(c, t, y, y_injured, &prev_total, &prev_t);
        if (k == 100) c->neutrophils_day5 = y[DERMIS_F_NEUTROPHILS];
        if (k == 840) c->myofibroblasts_day42 = y[DERMIS_F_MYOFIBROBLASTS];
        if (k == 1800) {
            c->collagen_III_day90 = y[DERMIS_F_COLLAGEN_III];
            c->collagen_III_share_day90 = y[DERMIS_F_COLLAGEN_III] / (y[DERMIS_F_COLLAGEN_I] + y[DERMIS_F_COLLAGEN_III]);
        }
    }
    c->collagen_III_day365 = y[DERMIS_F_COLLAGEN_III];
    for (int f = 0; f < NF; ++f) c->end[f] = y[f];
    gsl_odeiv2_driver_free(d);
    model_fixture_free(&fx);
}

static void test_repair_sequence(void **state)
{
    (void)state;
    course c;
    run_course(&c);
    /* Inflammation. */
    assert_true(c.peak_day[DERMIS_F_NEUTROPHILS] >= 0.5 && c.peak_day[DERMIS_F_NEUTROPHILS] <= 1.75);
    assert_true(c.neutrophils_day5 < 0.15 * c.peak[DERMIS_F_NEUTROPHILS]);
    assert_true(c.peak_day[DERMIS_F_MACROPHAGES] >= 2.0 && c.peak_day[DERMIS_F_MACROPHAGES] <= 4.5);
    assert_true(c.peak_day[DERMIS_F_MACROPHAGES] > c.peak_day[DERMIS_F_NEUTROPHILS]);
    assert_true(c.peak_day[DERMIS_F_REPAIR_MACROPHAGES] > c.peak_day[DERMIS_F_MACROPHAGES]);
    /* Proliferation. */
    assert_true(c.lineage_peak_day >= 4.0 && c.lineage_peak_day <= 14.0);
    assert_true(c.lineage_peak > 1.5 * 3000.0);
    assert_true(c.peak_day[DERMIS_F_MYOFIBROBLASTS] >= 7.0 && c.peak_day[DERMIS_F_MYOFIBROBLASTS] <= 16.0);
    assert_true(c.myofibroblasts_day42 < 0.15 * c.peak[DERMIS_F_MYOFIBROBLASTS]);
    assert_true(c.peak_day[DERMIS_F_VESSELS] >= 5.0 && c.peak_day[DERMIS_F_VESSELS] <= 14.0);
    /* Matrix. */
    assert_true(c.collagen_III_plus10_day > 0 && c.collagen_I_plus10_day > c.collagen_III_plus10_day);
    assert_true(c.max_accumulation_day >= 3.0 && c.max_accumulation_day <= 10.0);
    assert_true(c.collagen_III_share_day90 > 0.2);                 /* still III-rich at 3 months */
    assert_true(c.collagen_III_day365 < c.collagen_III_day90);      /* ... and being remodelled */
    /* Resolution: cells and signals back to homeostasis within a year. */
    assert_true(fabs(c.end[DERMIS_F_FIBROBLASTS] - 3000.0) < 30.0);
    assert_true(c.end[DERMIS_F_NEUTROPHILS] < 1e-3 && c.end[DERMIS_F_MYOFIBROBLASTS] < 1.0);
    assert_true(fabs(c.end[DERMIS_F_TGF_BETA1] - 2.0) < 0.01 && fabs(c.end[DERMIS_F_VESSELS] - 1.0) < 0.01);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_repair_sequence)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
