/* Heavy tier of the manufactured-solution checks (mms.h; the fast tier is test_mms.c).
 *
 * One manufactured solution goes through the whole solver -- diffusion with a variable D map,
 * chemotaxis with a nonlinear flux, a nonlinear reaction, Strang splitting with Richardson
 * transport -- in 1-D, 2-D and 3-D, with each face type (zero-flux, Dirichlet, Robin at top and
 * bottom) and each lateral type (periodic, zero-flux). Acceptance, per conventions.md:
 *   space: fitted log-log slope over the three finest grids within 5 % of 2 (MOOSE) and every
 *          pairwise order above 1.5 (SUNDIALS: design order - 0.5);
 *   time:  fitted order over the three finest steps within 0.1 of 2 on a problem without the
 *          boundary order reduction of splitting (see solver.h); the reduced order next to
 *          Dirichlet/Robin faces is measured too and only bounded below, as a documented limit.
 * Expected errors are printed so a regression shows up as a number, not only as a failure.
 * Measured (gcc 12, x86-64), fitted space orders zero-flux / Dirichlet / Robin faces:
 *   1-D 2.000 / 2.001 / 2.010;  2-D periodic 2.011 / 2.002 / 2.016, zero-flux sides 2.010 /
 *   2.002 / 2.015;  3-D periodic 2.029 / 2.013 / 2.022, zero-flux sides 2.025 / 2.011 / 2.019;
 *   lowest pairwise order 1.977 (3-D Robin, n 8 -> 12). Time: 1.947 (pairwise 1.68 1.79 1.87 1.93
 *   1.97); with Robin faces 1.63 (max norm) and 1.69 (RMS). About 35-50 s on one core. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "mms.h"

/* One OpenMP thread for every run. These grids (at most 24^3) are too small to share: two
 * threads spend most of a step in barriers, which a machine busy with other builds turns into
 * seconds per run (measured: 3-D n = 8 took 0.4 s on 2 threads under load against 0.01 s).
 * Results are bitwise identical for any thread count (test_solver.c, test_heavy_b1.c). */
static int heavy_threads(int dims)
{
    (void)dims;
    return 1;
}

static const char *bc_name(dermis_bc_type bc)
{
    return bc == DERMIS_BC_ZERO_FLUX ? "zero-flux" : bc == DERMIS_BC_DIRICHLET ? "Dirichlet" : "Robin";
}

/* Space ladder with dt = c h^2 (c = 2 in 1-D/2-D as in test_mms.c), so that the O(dt^2) time
 * error is O(h^4) and cannot mask the spatial order. Asserts the pairwise orders and returns
 * the fitted order over the three finest grids. */
static double space_ladder(int dims, const size_t *n, int k, dermis_bc_type bc, dermis_lateral_bc lat,
                           double c, double t_end)
{
    double h[8], err[8];
    for (int i = 0; i < k; i++) {
        mms_case m;
        struct timespec t0, t1;
        timespec_get(&t0, TIME_UTC);
        assert_int_equal(mms_alloc(&m, dims, n[i], bc, lat), 0);
        h[i] = 1.0 / (double)n[i];
        err[i] = mms_run(&m, c * h[i] * h[i], t_end, heavy_threads(dims), NULL);
        mms_free(&m);
        timespec_get(&t1, TIME_UTC);
        assert_true(err[i] > 0.0);
        print_message("  %dD %-9s lateral %-9s n %3zu  RMS error %.4e  (%.2f s)", dims, bc_name(bc),
                      lat == DERMIS_LATERAL_PERIODIC ? "periodic" : "zero-flux", n[i], err[i],
                      (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        if (i > 0) print_message("  order %.3f", log(err[i - 1] / err[i]) / log(h[i - 1] / h[i]));
        print_message("\n");
    }
    for (int i = 1; i < k; i++)
        assert_true(log(err[i - 1] / err[i]) / log(h[i - 1] / h[i]) > 1.5);
    double p = mms_fitted_order(h + k - 3, err + k - 3, 3);
    print_message("  fitted order (three finest) %.3f\n", p);
    assert_true(fabs(p - 2.0) <= 0.1);
    return p;
}

static const dermis_bc_type all_bcs[3] = {DERMIS_BC_ZERO_FLUX, DERMIS_BC_DIRICHLET, DERMIS_BC_ROBIN};
static const dermis_lateral_bc all_lat[2] = {DERMIS_LATERAL_PERIODIC, DERMIS_LATERAL_ZERO_FLUX};

static void test_space_order_1d(void **state)
{
    (void)state;
    const size_t n[] = {32, 64, 128, 256};
    for (int b = 0; b < 3; b++) space_ladder(1, n, 4, all_bcs[b], DERMIS_LATERAL_ZERO_FLUX, 2.0, 0.1);
}

static void test_space_order_2d(void **state)
{
    (void)state;
    const size_t n[] = {8, 16, 32, 64};
    for (int l = 0; l < 2; l++)
        for (int b = 0; b < 3; b++) space_ladder(2, n, 4, all_bcs[b], all_lat[l], 2.0, 0.1);
}

static void test_space_order_3d(void **state)
{
    (void)state;
    const size_t n[] = {8, 12, 16, 24}; /* n = 32 adds ~40 s and changes the orders by < 0.01 */
    for (int l = 0; l < 2; l++)
        for (int b = 0; b < 3; b++) space_ladder(3, n, 4, all_bcs[b], all_lat[l], 2.0, 0.1);
}

/* Self-convergence in time on one grid: errors against a run with a 16x smaller step, in the
 * max norm and the RMS norm over both fields. Returns the fitted order over the three smallest
 * steps (of k) in the requested norm and stores the pairwise orders. */
static double time_ladder(mms_case *m, const double *dts, int k, double t_end, int use_max, double *pair)
{
    assert_true(k <= 8);
    size_t nv = dermis_grid_voxels(&m->grid);
    double *ref = malloc(2 * nv * sizeof *ref), *u = malloc(2 * nv * sizeof *u), err[8];
    assert_non_null(ref);
    assert_non_null(u);
    int th = heavy_threads(m->grid.dims);
    assert_true(mms_run(m, dts[k - 1] / 16.0, t_end, th, ref) > 0.0);
    for (int i = 0; i < k; i++) {
        assert_true(mms_run(m, dts[i], t_end, th, u) > 0.0);
        double emax = 0.0, e2 = 0.0;
        for (size_t p = 0; p < 2 * nv; p++) {
            double d = u[p] - ref[p];
            emax = fmax(emax, fabs(d));
            e2 += d * d;
        }
        e2 = sqrt(e2 / (double)(2 * nv));
        err[i] = use_max ? emax : e2;
        print_message("  dt %.5f  max error %.4e  RMS error %.4e", dts[i], emax, e2);
        if (i > 0) {
            pair[i - 1] = log(err[i - 1] / err[i]) / log(dts[i - 1] / dts[i]);
            print_message("  order %.3f", pair[i - 1]);
        }
        print_message("\n");
    }
    double p = mms_fitted_order(dts + k - 3, err + k - 3, 3);
    print_message("  fitted order in time (three smallest steps, %s norm) %.3f\n", use_max ? "max" : "RMS", p);
    free(ref);
    free(u);
    return p;
}

/* Design order 2 of Strang + Richardson transport, in 3-D: periodic laterally, flat in z with
 * zero-flux faces, so no face where the reaction source and the boundary condition disagree
 * (the order-reduction mechanism, Hundsdorfer & Verwer 2003, IV.3) exists in the problem. */
static void test_time_order_3d(void **state)
{
    (void)state;
    mms_case m;
    assert_int_equal(mms_alloc_flat(&m, 3, 24, DERMIS_BC_ZERO_FLUX, DERMIS_LATERAL_PERIODIC, 2), 0);
    /* The pairwise order approaches 2 from below (1.68, 1.79, 1.87, 1.93, ... measured), so the
     * ladder goes one step further than the fast test's to be clearly asymptotic. */
    const double dts[] = {0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125};
    double pair[5];
    double p = time_ladder(&m, dts, 6, 1.0, 1, pair);
    assert_true(fabs(p - 2.0) <= 0.1);
    for (int i = 0; i < 5; i++) assert_true(pair[i] > 1.5);
    mms_free(&m);
}

/* The documented limit: with Robin faces and a z-dependent solution whose reaction source does
 * not vanish at the faces, splitting loses order next to the boundary. Measured and bounded
 * below only (it is a property of the scheme, not a defect to hide): the order must not fall
 * to that of a first-order method. */
static void test_time_order_boundary_limit(void **state)
{
    (void)state;
    mms_case m;
    assert_int_equal(mms_alloc(&m, 2, 32, DERMIS_BC_ROBIN, DERMIS_LATERAL_PERIODIC), 0);
    const double dts[] = {0.1, 0.05, 0.025, 0.0125, 0.00625};
    double pair[4];
    double pmax = time_ladder(&m, dts, 5, 1.0, 1, pair);
    double prms = time_ladder(&m, dts, 5, 1.0, 0, pair);
    print_message("  boundary order reduction: max norm %.3f, RMS norm %.3f (design order 2)\n", pmax, prms);
    assert_true(pmax > 1.1);
    assert_true(prms > 1.1);
    mms_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_space_order_1d),
        cmocka_unit_test(test_space_order_2d),
        cmocka_unit_test(test_space_order_3d),
        cmocka_unit_test(test_time_order_3d),
        cmocka_unit_test(test_time_order_boundary_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
