/* Deterministic exp, exp2, log and pow: the same bits on every IEEE-754 machine.
 *
 * Why: the C library's exp and pow are accurate to about half an ulp, but their last bit depends
 * on the library and the CPU (glibc picks FMA variants on CPUs with FMA; the WebAssembly build's
 * musl has no FMA). One last-bit difference in the step-size controller changes every later step,
 * so `dermis run` and the teaching page (web/) differed by up to 4.5e-9 relative, and so did
 * `dermis run` on two CPUs. These functions use only +, -, *, / on doubles (correctly rounded by
 * IEEE 754) and integer operations on the bits, in a fixed order, so they give the same result
 * wherever double arithmetic is IEEE binary64 without extended precision (FLT_EVAL_METHOD 0;
 * checked when compiling) and without fused multiply-add (-ffp-contract=off, as both builds use).
 *
 * Accuracy (tests/solver/test_detmath.c measures it against long double references):
 *   dermis_det_exp    error < 1 ulp            (fdlibm's algorithm and bound)
 *   dermis_det_log    error < 1 ulp            (fdlibm's algorithm and bound)
 *   dermis_det_exp2   error < 1.5 ulp          (exp of the fraction times ln 2, scaled exactly)
 *   dermis_det_pow    relative error < (1 + 2 |y ln x|) * 2^-52   (exp(y log x); for the
 *                     step-size controller's |y ln x| <= 8 that is below 4e-15)
 * Results smaller than DBL_MIN (subnormal) are returned as 0: the value the native solver's
 * flush-to-zero mode (solver/fpenv.c) would give, so builds with and without that mode agree.
 * Subnormal arguments are decoded from their bits, never by arithmetic (which denormals-are-zero
 * would change). Library code: no errno, no floating-point exceptions relied on. */
#ifndef DERMIS_SOLVER_DETMATH_H
#define DERMIS_SOLVER_DETMATH_H

/* e^x. NaN for NaN, +inf above 709.78, 0 below -708.40 (where e^x < DBL_MIN). */
double dermis_det_exp(double x);

/* 2^x. NaN for NaN, +inf for x >= 1024, 0 for x < -1022 (exact powers of two for integer x). */
double dermis_det_exp2(double x);

/* Natural logarithm. NaN for NaN and x < 0, -inf for +-0, +inf for +inf. */
double dermis_det_log(double x);

/* x^y for x > 0 and finite y (the domain the solver needs); 1 for y = 0; NaN otherwise. */
double dermis_det_pow(double x, double y);

#endif
