/* Fast numerical-trust checks of the solver (stepper.c, diffusion.c, reaction.c, fpenv.c):
 * exactness, conservation, positivity, periodic lines, analytic Gaussian, adaptive tolerance,
 * thread determinism, subnormals, recoverable retries, landing, restart, error returns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "mms.h"

static dermis_field_spec field(double D, double atol)
{
    dermis_field_spec f;
    memset(&f, 0, sizeof f);
    f.name = "u";
    f.D_uniform = D;
    f.atol = atol;
    return f;
}

/* ---- linear decay u' = -k u ---- */
typedef struct {
    double k;
    long calls, fail_first; /* fail_first: this many first calls return "recoverable" */
} decay_user;

static int decay_rhs(double t, size_t p, const double *u, double *dudt, void *user)
{
    decay_user *d = user;
    (void)t;
    (void)p;
    if (d->calls++ < d->fail_first) return 1;
    dudt[0] = -d->k * u[0];
    return 0;
}

static int decay_jac(double t, size_t p, const double *u, double *J, void *user)
{
    (void)t, (void)p, (void)u;
    J[0] = -((decay_user *)user)->k;
    return 0;
}

static void test_uniform_decay_exact(void **state)
{
    (void)state;
    dermis_grid g = {3, 6, 5, 4, 0.1, DERMIS_LATERAL_PERIODIC};
    dermis_field_spec f = field(0.01, 1e-9);
    f.top.type = DERMIS_BC_ZERO_FLUX;
    decay_user d = {3.0, 0, 0};
    dermis_problem pb = {1, &f, 0, NULL, decay_rhs, decay_jac, NULL, &d};
    double dt = 0.05;
    dermis_solver_options opt = {1e-3, dt, dt, dt, 100000, 1, 1, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_non_null(s);
    double u[120], t = 0.0;
    for (int i = 0; i < 120; i++) u[i] = 2.0;
    assert_int_equal(dermis_solver_advance(s, u, &t, 1.0), DERMIS_SOLVER_OK);
    /* 20 steps: a reaction half of dt/2 first and last, and the 19 halves in between merged in
     * pairs into one reaction integration over dt; each one Richardson-extrapolated
     * linearly implicit Euler step, amplification 2/(1 + z/2)^2 - 1/(1 + z) for z = k h. */
    const double zh = d.k * dt / 2.0, zf = d.k * dt;
    double ah = 2.0 / ((1.0 + zh / 2.0) * (1.0 + zh / 2.0)) - 1.0 / (1.0 + zh);
    double af = 2.0 / ((1.0 + zf / 2.0) * (1.0 + zf / 2.0)) - 1.0 / (1.0 + zf);
    double expect = 2.0 * ah * ah * pow(af, 19.0);
    for (int i = 0; i < 120; i++) assert_true(fabs(u[i] - expect) <= 1e-12 * expect);
    dermis_solver_free(s);
}

static int stop_after(void *user)
{
    long *calls = user;
    return ++*calls > 5;
}

/* A run stopped between steps returns the complete Strang solution at its time: the reaction
 * half held back for merging into the next step is integrated before the return. Missing it
 * would leave u a factor exp(-k dt/2) ~ 0.86 off. */
static void test_stop_settles_merged_half(void **state)
{
    (void)state;
    dermis_grid g = {1, 1, 1, 4, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    dermis_field_spec f = field(0.0, 1e-12);
    decay_user d = {3.0, 0, 0};
    dermis_problem pb = {1, &f, 0, NULL, decay_rhs, decay_jac, NULL, &d};
    dermis_solver_options opt = {1e-8, 0.1, 1e-9, 0.1, 100000, 1, 0, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_non_null(s);
    long calls = 0;
    dermis_solver_set_stop(s, stop_after, &calls);
    double u[4] = {2, 2, 2, 2}, t = 0.0;
    assert_int_equal(dermis_solver_advance(s, u, &t, 10.0), DERMIS_SOLVER_ESTOPPED);
    assert_true(t > 0.0 && t < 10.0);
    for (int i = 0; i < 4; i++) assert_true(fabs(u[i] - 2.0 * exp(-d.k * t)) <= 1e-6 * 2.0 * exp(-d.k * t));
    dermis_solver_free(s);
}

static void test_mass_conservation_and_positivity(void **state)
{
    (void)state;
    dermis_grid g = {3, 12, 10, 8, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    size_t nv = 960;
    double Dmap[960], u[1920];
    for (size_t p = 0; p < nv; p++) {
        Dmap[p] = p % 17 == 0 ? 0.0 : 0.05 + 0.04 * sin((double)p); /* walls included */
        u[p] = p == 500 ? 1000.0 : 0.0;                              /* a spike */
        u[nv + p] = 1.0 + 0.5 * cos(0.3 * (double)p);                /* a rough signal */
    }
    dermis_field_spec f[2] = {field(0.0, 1e-9), field(0.1, 1e-9)};
    f[0].D_map = Dmap;
    dermis_chemotaxis_spec ch = {0, 1, 5.0, 2.0};
    dermis_problem pb = {2, f, 1, &ch, NULL, NULL, NULL, NULL};
    /* 100x the explicit limit dx^2 / (2 dims D_max) */
    double dt = 100.0 * 0.01 / (6.0 * 0.1);
    dermis_solver_options opt = {1e-3, dt, dt, dt, 100000, 1, 1, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_non_null(s);
    double m0 = kahan_total(u, nv), s0 = kahan_total(u + nv, nv);
    for (int k = 0; k < 1000; k++) {
        assert_int_equal(dermis_solver_transport_step(s, u, k * dt, dt, NULL), DERMIS_SOLVER_OK);
        if (k < 5)
            for (size_t p = 0; p < 2 * nv; p++) assert_true(u[p] >= 0.0);
    }
    assert_true(fabs(kahan_total(u, nv) - m0) <= 1e-12 * m0);
    print_message("  relative mass drift %.2e (cells) %.2e (signal)\n", fabs(kahan_total(u, nv) - m0) / m0,
                  fabs(kahan_total(u + nv, nv) - s0) / s0);
    /* Both paths to 1e-12: the per-voxel path (D map, chemotaxis; measured 4.6e-14) and the
     * uniform-D path, which solves zero-flux lines in the conservative flux form (thomas.c;
     * measured 0 to ~1e-14). Its earlier reciprocal form drifted 2.2e-12 here. */
    assert_true(fabs(kahan_total(u + nv, nv) - s0) <= 1e-12 * s0);
    for (size_t p = 0; p < 2 * nv; p++) assert_true(u[p] >= 0.0);
    /* The second-order step (extrapolation with its positivity safeguard) stays >= 0 too. */
    for (size_t p = 0; p < nv; p++) u[p] = p == 300 ? 1000.0 : 0.0;
    double t = 0.0;
    assert_int_equal(dermis_solver_advance(s, u, &t, 5 * dt), DERMIS_SOLVER_OK);
    for (size_t p = 0; p < 2 * nv; p++) assert_true(u[p] >= 0.0);
    dermis_solver_free(s);
}

/* A Fourier mode along a periodic x decays by the discrete eigenvalue of the cyclic matrix. */
static void test_periodic_mode(void **state)
{
    (void)state;
    dermis_grid g = {2, 16, 1, 3, 0.1, DERMIS_LATERAL_PERIODIC};
    double Dmap[48], u[48], v[48];
    for (int i = 0; i < 48; i++) Dmap[i] = 0.2;
    for (int variable = 0; variable < 2; variable++) {
        dermis_field_spec f = field(0.2, 1e-9);
        if (variable) f.D_map = Dmap;
        dermis_problem pb = {1, &f, 0, NULL, NULL, NULL, NULL, NULL};
        dermis_solver_options opt = {1e-3, 0.1, 0.1, 0.1, 100, 1, 1, 0};
        int st;
        dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
        assert_non_null(s);
        double kx = 2.0 * MMS_PI * 3.0 / 16.0;
        for (int i = 0; i < 48; i++) u[i] = v[i] = 1.0 + cos(kx * (double)(i % 16) + 0.4);
        double r = 0.1 * 0.2 / 0.01, amp = 1.0 / (1.0 + r * (2.0 - 2.0 * cos(kx)));
        assert_int_equal(dermis_solver_transport_step(s, u, 0.0, 0.1, NULL), DERMIS_SOLVER_OK);
        for (int i = 0; i < 48; i++) assert_true(fabs(u[i] - (1.0 + amp * (v[i] - 1.0))) <= 1e-12);
        dermis_solver_free(s);
    }
}

/* 1-D Gaussian far from the walls, adaptive steps, decay reaction: compare with the analytic
 * solution. The tolerance check: the global error stays within a small multiple of rtol. */
static void test_gaussian_adaptive(void **state)
{
    (void)state;
    size_t n = 800;
    dermis_grid g = {1, 1, 1, n, 0.005, DERMIS_LATERAL_ZERO_FLUX};
    double *u = malloc(n * sizeof *u), D = 0.01, k = 0.5, s0 = 0.1, z0 = 2.0, t_end = 0.5;
    assert_non_null(u);
    for (size_t i = 0; i < n; i++) {
        double z = dermis_grid_z_mm(&g, i) - z0;
        u[i] = exp(-z * z / (2 * s0 * s0));
    }
    for (int level = 0; level < 2; level++) {
        double rtol = level == 0 ? 1e-3 : 1e-4;
        double *w = malloc(n * sizeof *w);
        assert_non_null(w);
        memcpy(w, u, n * sizeof *w);
        dermis_field_spec f = field(D, 1e-8);
        decay_user d = {k, 0, 0};
        dermis_problem pb = {1, &f, 0, NULL, decay_rhs, NULL, NULL, &d};
        dermis_solver_options opt = {rtol, 1e-4, 1e-9, 1.0, 100000, 1, 0, 0};
        int st;
        dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
        assert_non_null(s);
        double t = 0.0, err = 0.0, var = s0 * s0 + 2 * D * t_end;
        assert_int_equal(dermis_solver_advance(s, w, &t, t_end), DERMIS_SOLVER_OK);
        assert_true(t == t_end);
        for (size_t i = 0; i < n; i++) {
            double z = dermis_grid_z_mm(&g, i) - z0;
            double ex = sqrt(s0 * s0 / var) * exp(-z * z / (2 * var)) * exp(-k * t_end);
            err = fmax(err, fabs(w[i] - ex));
        }
        print_message("  rtol %.0e: %ld steps, max error %.3e\n", rtol,
                      dermis_solver_get_stats(s)->steps_accepted, err);
        assert_true(err <= 3.0 * rtol); /* peak is ~0.8; spatial error ~2e-5 */
        dermis_solver_free(s);
        free(w);
    }
    free(u);
}

static void run_mms_threads(int threads, double *out)
{
    mms_case m;
    assert_int_equal(mms_alloc(&m, 3, 10, DERMIS_BC_ROBIN, DERMIS_LATERAL_PERIODIC), 0);
    dermis_field_spec f[2] = {field(0.0, 1e-6), field(MMS_D1, 1e-6)};
    f[0].D_map = m.Dmap;
    f[0].top.type = f[0].bottom.type = f[1].top.type = f[1].bottom.type = DERMIS_BC_ROBIN;
    dermis_chemotaxis_spec ch = {0, 1, MMS_CHI0, 3.0};
    dermis_problem pb = {2, f, 1, &ch, mms_rhs, NULL, mms_boundary, &m};
    dermis_solver_options opt = {1e-4, 1e-3, 1e-8, 0.1, 100000, threads, 0, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&m.grid, &pb, &opt, &st);
    assert_non_null(s);
    double t = 0.0;
    assert_int_equal(dermis_solver_advance(s, m.u, &t, 0.3), DERMIS_SOLVER_OK);
    memcpy(out, m.u, 2000 * sizeof *out);
    dermis_solver_free(s);
    mms_free(&m);
}

static void test_bitwise_threads(void **state)
{
    (void)state;
    double a[2000], b[2000], c[2000];
    run_mms_threads(1, a);
    run_mms_threads(2, b);
    run_mms_threads(3, c);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_equal(a, c, sizeof a);
}

/* The manufactured problem for the thread tests: field 0 chemotactic with a D map; field 1 with
 * uniform D and Robin faces (robin = 1: its fine halves differ in z), or with a D map and
 * Dirichlet faces (robin = 0: no drift, constant boundary rates, so its two fine halves and the
 * filter share one stored factorisation). Returns the state after an adaptive advance of at
 * least `steps` steps, with the reactions or (transport_only) without. */
static double *run_threads_case(int dims, size_t n, int robin, int threads, double t_end, long steps, int transport_only)
{
    mms_case m;
    const dermis_bc_type bc = robin ? DERMIS_BC_ROBIN : DERMIS_BC_DIRICHLET;
    assert_int_equal(mms_alloc(&m, dims, n, bc, DERMIS_LATERAL_PERIODIC), 0);
    dermis_field_spec f[2] = {field(0.0, 1e-6), field(MMS_D1, 1e-6)};
    f[0].D_map = m.Dmap;
    if (!robin) f[1].D_map = m.Dmap;
    f[0].top.type = f[0].bottom.type = f[1].top.type = f[1].bottom.type = bc;
    dermis_chemotaxis_spec ch = {0, 1, MMS_CHI0, 3.0};
    dermis_problem pb = {2, f, 1, &ch, transport_only ? NULL : mms_rhs, NULL, mms_boundary, &m};
    dermis_solver_options opt = {1e-4, t_end / (double)(2 * steps), 1e-8, t_end / (double)steps, 100000, threads, 0, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&m.grid, &pb, &opt, &st);
    assert_non_null(s);
    assert_int_equal(dermis_solver_threads(s), threads);
    double t = 0.0;
    assert_int_equal(dermis_solver_advance(s, m.u, &t, t_end), DERMIS_SOLVER_OK);
    assert_true(dermis_solver_get_stats(s)->steps_accepted >= steps);
    dermis_solver_free(s);
    double *u = m.u;
    m.u = NULL;
    mms_free(&m);
    return u;
}

/* The transport deals whole fields out to the threads on small grids and splits each field's
 * planes and slabs between them on big ones (solver/diffusion.c, "Threads"), reusing stored
 * factorisations on both. Either way the state is bitwise that of one thread: 24 x 24 in 2-D
 * (whole fields at 2 and 3 threads) and 64^3 in 3-D (split at 2 threads; transport only and
 * few steps, it is big). */
static void test_bitwise_threads_paths(void **state)
{
    (void)state;
    const struct {
        int dims;
        size_t n;
        double t_end;
        long steps;
        int max_threads, transport_only;
    } cases[] = {{2, 24, 0.05, 4, 3, 0}, {3, 64, 0.002, 2, 2, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int robin = 0; robin < 2; robin++) {
            const size_t n = cases[i].n, bytes = 2 * n * n * (cases[i].dims == 3 ? n : 1) * sizeof(double);
            double *one = run_threads_case(cases[i].dims, n, robin, 1, cases[i].t_end, cases[i].steps,
                                           cases[i].transport_only);
            for (int threads = 2; threads <= cases[i].max_threads; threads++) {
                double *many = run_threads_case(cases[i].dims, n, robin, threads, cases[i].t_end, cases[i].steps,
                                                cases[i].transport_only);
                assert_memory_equal(one, many, bytes);
                free(many);
            }
            free(one);
        }
}

/* The thread count the solver reports is the one it uses: automatic counts follow the grid
 * size (a small grid gets one thread), explicit counts are capped by min_voxels_per_thread. */
static void test_thread_count(void **state)
{
    (void)state;
    dermis_grid g = {3, 10, 10, 10, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    dermis_field_spec f = field(0.01, 1e-6);
    dermis_problem pb = {.n_fields = 1, .fields = &f};
    const struct {
        int threads;
        size_t min_voxels;
        int used;
    } rows[] = {{0, 0, 1}, {0, 256, 1}, {3, 0, 3}, {3, 400, 2}, {2, 5000, 1}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        dermis_solver_options opt = {.rtol = 1e-3, .dt_initial_day = 0.1, .dt_max_day = 0.1, .max_steps = 10,
                                     .threads = rows[i].threads, .min_voxels_per_thread = rows[i].min_voxels};
        int st;
        dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
        assert_non_null(s);
        assert_int_equal(dermis_solver_threads(s), rows[i].used);
        dermis_solver_free(s);
    }
}

static int visit_stat(const dermis_solver_stat_info *info, const void *value, void *user)
{
    const dermis_solver_stats *st = user;
    /* the row's offset points at the member of that name */
    if (strcmp(info->name, "rhs_evaluations") == 0) assert_ptr_equal(value, &st->rhs_evaluations);
    if (strcmp(info->name, "dt_last_day") == 0) assert_ptr_equal(value, &st->dt_last_day);
    assert_true(info->units[0] != '\0' && info->description[0] != '\0');
    return 0;
}

/* The statistics list is the struct: every row maps onto its member. */
static void test_stats_list(void **state)
{
    (void)state;
    dermis_solver_stats st = {0};
    size_t n = dermis_solver_stats_count(), bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += dermis_solver_stats_info(i)->type == DERMIS_STAT_LONG ? sizeof(long) : sizeof(double);
    assert_int_equal(bytes, sizeof st);
    assert_null(dermis_solver_stats_info(n));
    assert_int_equal(dermis_solver_stats_foreach(&st, visit_stat, &st), 0);
}

static void test_subnormals_flushed(void **state)
{
    (void)state;
    dermis_grid g = {2, 8, 1, 8, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    dermis_field_spec f = field(0.01, 1e-300);
    decay_user d = {50.0, 0, 0};
    dermis_problem pb = {1, &f, 0, NULL, decay_rhs, decay_jac, NULL, &d};
    dermis_solver_options opt = {1e-3, 0.1, 0.1, 0.1, 100000, 2, 1, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_non_null(s);
    double u[64], lambda = 200.0, t = 0.0;
    for (int i = 0; i < 64; i++) u[i] = 1e-300 * (1.0 + i);
    for (int k = 0; k < 20; k++) /* transport with decay: x0.2 per step into the subnormal range */
        assert_int_equal(dermis_solver_transport_step(s, u, 0.0, 0.1, &lambda), DERMIS_SOLVER_OK);
    for (int i = 0; i < 64; i++) assert_int_not_equal(fpclassify(u[i]), FP_SUBNORMAL);
    for (int i = 0; i < 64; i++) u[i] = 1e-300 * (1.0 + i);
    assert_int_equal(dermis_solver_advance(s, u, &t, 2.0), DERMIS_SOLVER_OK); /* reactions */
    for (int i = 0; i < 64; i++) assert_int_not_equal(fpclassify(u[i]), FP_SUBNORMAL);
    dermis_solver_free(s);
}

static void test_recoverable_retry(void **state)
{
    (void)state;
    dermis_grid g = {1, 1, 1, 4, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    dermis_field_spec f = field(0.0, 1e-9);
    decay_user d = {1.0, 0, 500};
    dermis_problem pb = {1, &f, 0, NULL, decay_rhs, NULL, NULL, &d};
    dermis_solver_options opt = {1e-6, 0.1, 1e-12, 0.5, 100000, 1, 0, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_non_null(s);
    double u[4] = {1, 1, 1, 1}, t = 0.0;
    assert_int_equal(dermis_solver_advance(s, u, &t, 1.0), DERMIS_SOLVER_OK);
    assert_true(dermis_solver_get_stats(s)->steps_rejected >= 1);
    assert_true(fabs(u[0] - exp(-1.0)) < 1e-4);
    dermis_solver_free(s);
}

/* u' = -k u whose rhs refuses (recoverable) a window of 300 calls in mid-run: a step is
 * rejected while a merged reaction half is owed; the retry must neither lose nor repeat it, and
 * the owed half itself (of a step already accepted) must get through the window by being
 * integrated in shorter pieces (with one piece only the run stops with ESTEP). */
static int window_rhs(double t, size_t p, const double *u, double *dudt, void *user)
{
    decay_user *d = user;
    (void)t, (void)p;
    long call = d->calls++;
    if (call >= d->fail_first && call < d->fail_first + 300) return 1;
    dudt[0] = -d->k * u[0];
    return 0;
}

static void test_rejection_with_owed_half(void **state)
{
    (void)state;
    dermis_grid g = {1, 1, 1, 4, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    dermis_field_spec f = field(0.0, 1e-12);
    decay_user d = {3.0, 0, 60000};
    dermis_problem pb = {1, &f, 0, NULL, window_rhs, decay_jac, NULL, &d};
    dermis_solver_options opt = {1e-8, 0.02, 1e-9, 0.05, 100000, 1, 0, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_non_null(s);
    double u[4] = {2, 2, 2, 2}, t = 0.0;
    assert_int_equal(dermis_solver_advance(s, u, &t, 1.0), DERMIS_SOLVER_OK);
    assert_true(dermis_solver_get_stats(s)->steps_rejected >= 1);
    assert_true(d.calls > 100); /* the window was passed in mid-run */
    for (int i = 0; i < 4; i++) assert_true(fabs(u[i] - 2.0 * exp(-3.0)) <= 1e-6 * 2.0 * exp(-3.0));
    dermis_solver_free(s);
}

static void test_landing_and_restart(void **state)
{
    (void)state;
    const double stops[] = {0.013, 0.1, 0.37, 0.5};
    double a[2000], b[2000];
    mms_case m;
    assert_int_equal(mms_alloc(&m, 3, 10, DERMIS_BC_ZERO_FLUX, DERMIS_LATERAL_ZERO_FLUX), 0);
    dermis_field_spec f[2] = {field(0.0, 1e-6), field(MMS_D1, 1e-6)};
    f[0].D_map = m.Dmap;
    dermis_chemotaxis_spec ch = {0, 1, MMS_CHI0, INFINITY};
    dermis_problem pb = {2, f, 1, &ch, mms_rhs, NULL, NULL, &m};
    dermis_solver_options opt = {1e-4, 1e-3, 1e-8, 0.1, 100000, 1, 0, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&m.grid, &pb, &opt, &st);
    assert_non_null(s);
    memcpy(a, m.u, sizeof a);
    double t = 0.0;
    dermis_solver_controller ctl;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(dermis_solver_advance(s, a, &t, stops[i]), DERMIS_SOLVER_OK);
        assert_true(t == stops[i]); /* exact landing */
        if (i == 1) {
            dermis_solver_get_controller(s, &ctl);
            memcpy(b, a, sizeof b);
        }
    }
    dermis_solver_free(s);
    /* A fresh solver restored at t = 0.1 continues bitwise identically. */
    s = dermis_solver_alloc(&m.grid, &pb, &opt, &st);
    assert_non_null(s);
    dermis_solver_set_controller(s, &ctl);
    t = 0.1;
    for (int i = 2; i < 4; i++) assert_int_equal(dermis_solver_advance(s, b, &t, stops[i]), 0);
    assert_memory_equal(a, b, sizeof a);
    dermis_solver_free(s);
    mms_free(&m);
}

/* Cells (field 0) drifting up a signal (field 1) that the caller has just made uniform: the
 * drift must vanish, so the cells move exactly as with chi0 = 0. The signal is then inert (out
 * of the step), so the coarse transport step's copy of the state does not hold it; the drift
 * must come from the state itself, not from that copy's values of an earlier step. */
static void run_uniform_signal(double chi0, int earlier_gradient, double *out)
{
    dermis_grid g = {2, 12, 1, 6, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    size_t nv = 72;
    dermis_field_spec f[2] = {field(0.02, 1e-9), field(0.05, 1e-9)};
    dermis_chemotaxis_spec ch = {0, 1, chi0, INFINITY};
    dermis_problem pb = {2, f, 1, &ch, NULL, NULL, NULL, NULL};
    dermis_solver_options opt = {1e-3, 0.05, 0.05, 0.05, 100000, 1, 1, 0};
    int st;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_non_null(s);
    double u[144], t = 0.0;
    for (size_t p = 0; p < nv; p++) {
        u[p] = 1.0 + 0.5 * sin(0.7 * (double)p);
        u[nv + p] = 2.0 + (double)(p % 12); /* a gradient along x */
    }
    if (earlier_gradient) assert_int_equal(dermis_solver_advance(s, u, &t, 0.2), DERMIS_SOLVER_OK);
    t = 0.2; /* both runs then take the same steps */
    for (size_t p = 0; p < nv; p++) {
        u[p] = 1.0 + 0.5 * sin(0.7 * (double)p);
        u[nv + p] = 3.0; /* now uniform */
    }
    dermis_solver_reset_step(s);
    assert_int_equal(dermis_solver_advance(s, u, &t, 0.4), DERMIS_SOLVER_OK);
    memcpy(out, u, sizeof u);
    dermis_solver_free(s);
}

static void test_uniform_signal_no_drift(void **state)
{
    (void)state;
    double with[144], without[144];
    run_uniform_signal(5.0, 1, with);
    run_uniform_signal(0.0, 0, without);
    assert_memory_equal(with, without, sizeof with);
}

static int failing_rhs(double t, size_t p, const double *u, double *dudt, void *user)
{
    (void)t, (void)p, (void)u, (void)user;
    dudt[0] = 0.0;
    return -1;
}

static int failing_boundary(double t, size_t f, dermis_face face, double *k, double *o, void *user)
{
    (void)t, (void)f, (void)face, (void)k, (void)o, (void)user;
    return -1;
}

static void test_error_returns(void **state)
{
    (void)state;
    dermis_grid g = {1, 1, 1, 4, 0.1, DERMIS_LATERAL_ZERO_FLUX};
    dermis_field_spec f = field(0.1, 1e-9);
    dermis_problem pb = {1, &f, 0, NULL, failing_rhs, NULL, NULL, NULL};
    dermis_solver_options opt = {1e-3, 0.1, 0.01, 1.0, 100, 1, 0, 0};
    int st;
    double u[4] = {1, 1, 1, 1}, t = 0.0;
    dermis_solver_options bad = opt;
    bad.rtol = 0.0;
    assert_null(dermis_solver_alloc(&g, &pb, &bad, &st));
    assert_int_equal(st, DERMIS_SOLVER_EINVAL);
    f.top.type = DERMIS_BC_ROBIN; /* Robin without a boundary callback */
    assert_null(dermis_solver_alloc(&g, &pb, &opt, &st));
    assert_int_equal(st, DERMIS_SOLVER_EINVAL);
    f.top.type = DERMIS_BC_ZERO_FLUX;
    dermis_solver *s = dermis_solver_alloc(&g, &pb, &opt, &st);
    assert_int_equal(dermis_solver_advance(s, u, &t, 1.0), DERMIS_SOLVER_ERHS);
    assert_true(t == 0.0 && u[0] == 1.0); /* state restored */
    dermis_solver_free(s);
    f.top.type = DERMIS_BC_ROBIN;
    dermis_problem pb2 = {1, &f, 0, NULL, NULL, NULL, failing_boundary, NULL};
    s = dermis_solver_alloc(&g, &pb2, &opt, &st);
    assert_int_equal(dermis_solver_advance(s, u, &t, 1.0), DERMIS_SOLVER_EBOUNDARY);
    dermis_solver_free(s);
    f.top.type = DERMIS_BC_DIRICHLET;
    f.top.value = 1.0;
    opt.max_steps = 2;
    s = dermis_solver_alloc(&g, &pb2, &opt, &st);
    assert_int_equal(dermis_solver_advance(s, u, &t, 10.0), DERMIS_SOLVER_ETOO_MANY_STEPS);
    dermis_solver_free(s);
    opt.max_steps = 100;
    opt.dt_min_day = opt.dt_initial_day;
    opt.rtol = 1e-14;
    f.top.value = 100.0;
    s = dermis_solver_alloc(&g, &pb2, &opt, &st);
    t = 0.0;
    assert_int_equal(dermis_solver_advance(s, u, &t, 1.0), DERMIS_SOLVER_ESTEP);
    dermis_solver_free(s);
    assert_string_equal(dermis_solver_strerror(DERMIS_SOLVER_ESTEP), "step size fell below the minimum step");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_decay_exact),
        cmocka_unit_test(test_stop_settles_merged_half),
        cmocka_unit_test(test_mass_conservation_and_positivity),
        cmocka_unit_test(test_periodic_mode),
        cmocka_unit_test(test_gaussian_adaptive),
        cmocka_unit_test(test_bitwise_threads),
        cmocka_unit_test(test_bitwise_threads_paths),
        cmocka_unit_test(test_thread_count),
        cmocka_unit_test(test_stats_list),
        cmocka_unit_test(test_subnormals_flushed),
        cmocka_unit_test(test_recoverable_retry),
        cmocka_unit_test(test_rejection_with_owed_half),
        cmocka_unit_test(test_landing_and_restart),
        cmocka_unit_test(test_uniform_signal_no_drift),
        cmocka_unit_test(test_error_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
