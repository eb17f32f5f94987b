/* The deterministic exp, exp2, log and pow of solver/detmath.c against long double references
 * (x86-64's 64-bit-mantissa expl/exp2l/logl/powl: 11 bits more than double, so their own error
 * is below 1/1000 ulp of a double) and against the C library's double functions, over the
 * ranges the model and the solver use and over the whole finite range:
 *   - error below the bounds documented in solver/detmath.h (1 ulp for exp and log, 1.5 ulp for
 *     exp2, (1 + 2 |y ln x|) 2^-52 relative for pow);
 *   - at most 1 ulp from libm's result (both are faithfully rounded);
 *   - special values: exact results (exp(0), log(1), powers of two), infinities, NaN, and the
 *     flush of results below DBL_MIN to 0.
 * Where long double is no wider than double, the accuracy checks are skipped with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <float.h>
#include <math.h>

#include <cmocka.h>

#include "solver/detmath.h"

#define SAMPLES 200000

/* Deterministic pseudo-random numbers in [0, 1) (64-bit LCG, Knuth's constants). */
static double uniform(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Units in the last place of the double nearest to the reference value. */
static long double ulp_of(long double ref)
{
    int e;
    (void)frexpl(ref, &e);
    if (e - 53 < -1074) e = -1074 + 53;
    return ldexpl(1.0L, e - 53);
}

static double error_ulp(double got, long double ref)
{
    return (double)(fabsl((long double)got - ref) / ulp_of(ref));
}

/* How many doubles lie strictly between a and b, plus one (0 if equal). */
static long long ulps_apart(double a, double b)
{
    long long n = 0;
    double lo = fmin(a, b), hi = fmax(a, b);
    while (lo < hi && n < 1000) {
        lo = nextafter(lo, hi);
        n++;
    }
    return n;
}

typedef double (*unary)(double);
typedef long double (*unary_ref)(long double);

/* Samples f uniformly in [lo, hi) (or log-uniformly for log_scale) and returns the largest
 * error against ref; also checks that every sample is within max_apart ulp of libm's double
 * function. */
static double worst_error(unary f, unary_ref ref, unary libm, double lo, double hi, int log_scale, long long max_apart,
                          const char *what)
{
    unsigned long long seed = 12345;
    double worst = 0.0, worst_at = lo;
    long long libm_apart = 0, bitwise = 0;
    for (int i = 0; i < SAMPLES; i++) {
        const double u = uniform(&seed);
        const double x = log_scale ? exp(log(lo) + u * (log(hi) - log(lo))) : lo + u * (hi - lo);
        const double got = f(x);
        const long double want = ref((long double)x);
        if (fabsl(want) < (long double)DBL_MIN) continue; /* exp below DBL_MIN: 0 on purpose (detmath.h) */
        const double e = error_ulp(got, want);
        if (e > worst) { worst = e; worst_at = x; }
        const long long apart = ulps_apart(got, libm(x));
        if (apart > libm_apart) libm_apart = apart;
        bitwise += apart == 0;
    }
    print_message("%-28s [%g, %g): max error %.3f ulp (at %.17g); libm: %lld of %d bitwise equal, at most %lld ulp apart\n",
                  what, lo, hi, worst, worst_at, bitwise, SAMPLES, libm_apart);
    assert_true(libm_apart <= max_apart);
    return worst;
}

static double pow_det(double x) { return dermis_det_pow(x, -0.35); }
static double pow_libm(double x) { return pow(x, -0.35); }
static long double pow_ref(long double x) { return powl(x, -0.35L); }

static int wide_long_double(void)
{
    if (LDBL_MANT_DIG >= 64) return 1;
    print_message("long double has %d mantissa bits: accuracy checks skipped\n", LDBL_MANT_DIG);
    return 0;
}

static void test_exp_accuracy(void **state)
{
    (void)state;
    if (!wide_long_double()) return;
    /* model/injury.c: 1 - e^(-channel density x area), arguments in [-50, 0]. */
    assert_true(worst_error(dermis_det_exp, expl, exp, -50.0, 0.0, 0, 1, "exp (injury range)") < 1.0);
    assert_true(worst_error(dermis_det_exp, expl, exp, -0.5, 0.5, 0, 1, "exp (small)") < 1.0);
    assert_true(worst_error(dermis_det_exp, expl, exp, -708.39, 709.78, 0, 1, "exp (finite range)") < 1.0);
}

static void test_exp2_accuracy(void **state)
{
    (void)state;
    if (!wide_long_double()) return;
    /* model/barrier.c: 2^(-days since the session / half-life), arguments in [-200, 0]. */
    assert_true(worst_error(dermis_det_exp2, exp2l, exp2, -200.0, 0.0, 0, 1, "exp2 (barrier range)") < 1.5);
    assert_true(worst_error(dermis_det_exp2, exp2l, exp2, -1021.9, 1023.9, 0, 1, "exp2 (finite range)") < 1.5);
}

static void test_log_accuracy(void **state)
{
    (void)state;
    if (!wide_long_double()) return;
    /* The step-size controller: error norms from its floor 1e-10 up to large rejections. */
    assert_true(worst_error(dermis_det_log, logl, log, 1e-10, 1e6, 1, 1, "log (controller range)") < 1.0);
    assert_true(worst_error(dermis_det_log, logl, log, 0.5, 2.0, 0, 1, "log (near 1)") < 1.0);
    assert_true(worst_error(dermis_det_log, logl, log, 1e-307, 1e307, 1, 1, "log (normal range)") < 1.0);
    assert_true(worst_error(dermis_det_log, logl, log, 4.9e-324, 2.2e-308, 1, 1, "log (subnormal x)") < 1.0);
}

/* pow over the controller's range: relative error below (1 + 2 |y ln x|) 2^-52. */
static void test_pow_accuracy(void **state)
{
    (void)state;
    if (!wide_long_double()) return;
    const double ys[] = {-0.35, 0.2, 0.5, -1.0, 2.5};
    unsigned long long seed = 777;
    for (size_t j = 0; j < sizeof ys / sizeof ys[0]; j++) {
        double worst_ratio = 0.0;
        for (int i = 0; i < SAMPLES; i++) {
            const double x = exp(log(1e-10) + uniform(&seed) * (log(1e6) - log(1e-10)));
            const long double want = powl((long double)x, (long double)ys[j]);
            const double rel = (double)(fabsl((long double)dermis_det_pow(x, ys[j]) - want) / want);
            const double bound = (1.0 + 2.0 * fabs(ys[j] * log(x))) * 0x1p-52;
            if (rel / bound > worst_ratio) worst_ratio = rel / bound;
        }
        print_message("pow(x, %g), x in [1e-10, 1e6): largest error / bound = %.3f\n", ys[j], worst_ratio);
        assert_true(worst_ratio < 1.0);
    }
    /* and within 1 ulp of the exact value near the controller's usual error norms (x ~ 1). */
    (void)worst_error(pow_det, pow_ref, pow_libm, 0.1, 10.0, 1, 3, "pow(x, -0.35) near 1");
}

static void test_special_values(void **state)
{
    (void)state;
    assert_true(dermis_det_exp(0.0) == 1.0);
    assert_true(dermis_det_exp(-0.0) == 1.0);
    assert_true(dermis_det_exp(1e-300) == 1.0);
    assert_true(isinf(dermis_det_exp(710.0)) && dermis_det_exp(710.0) > 0.0);
    assert_true(isinf(dermis_det_exp(HUGE_VAL)));
    assert_true(dermis_det_exp(-HUGE_VAL) == 0.0);
    assert_true(isnan(dermis_det_exp(NAN)));
    assert_true(dermis_det_exp(709.78) < HUGE_VAL);
    /* Results below DBL_MIN are 0, as flush-to-zero gives; DBL_MIN itself is reached. */
    assert_true(dermis_det_exp(-708.5) == 0.0 && exp(-708.5) > 0.0);
    assert_true(dermis_det_exp(-708.39) >= DBL_MIN);

    assert_true(dermis_det_log(1.0) == 0.0);
    assert_true(dermis_det_log(0.0) == -HUGE_VAL && dermis_det_log(-0.0) == -HUGE_VAL);
    assert_true(isnan(dermis_det_log(-1.0)) && isnan(dermis_det_log(-HUGE_VAL)) && isnan(dermis_det_log(NAN)));
    assert_true(dermis_det_log(HUGE_VAL) == HUGE_VAL);
    assert_true(dermis_det_log(2.0) == 0x1.62e42fefa39efp-1); /* ln 2 correctly rounded */
    assert_true(fabs(dermis_det_log(4.9406564584124654e-324) - (-744.44007192138122)) < 1e-12);

    for (int k = -1022; k <= 1023; k++) assert_true(dermis_det_exp2((double)k) == ldexp(1.0, k));
    assert_true(dermis_det_exp2(-1022.5) == 0.0);
    assert_true(isinf(dermis_det_exp2(1024.0)));
    assert_true(isnan(dermis_det_exp2(NAN)));

    assert_true(dermis_det_pow(0.3, 0.0) == 1.0);
    assert_true(dermis_det_pow(1.0, -0.35) == 1.0);
    assert_true(fabs(dermis_det_pow(4.0, 0.5) - 2.0) <= 2.0 * DBL_EPSILON);
    assert_true(isnan(dermis_det_pow(-1.0, 0.5)) && isnan(dermis_det_pow(0.0, 0.5)));
    assert_true(isnan(dermis_det_pow(2.0, HUGE_VAL)) && isnan(dermis_det_pow(HUGE_VAL, 0.5)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_accuracy),
        cmocka_unit_test(test_exp2_accuracy),
        cmocka_unit_test(test_log_accuracy),
        cmocka_unit_test(test_pow_accuracy),
        cmocka_unit_test(test_special_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
