/* Deterministic exp, exp2, log and pow (why and error bounds: detmath.h).
 *
 * exp and log follow fdlibm 5.3 (e_exp.c, e_log.c; the constants are fdlibm's, written here as
 * exact hexadecimal literals), whose notice is:
 *
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunPro, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted,
 *   provided that this notice is preserved.
 *
 * exp: x = k ln2 + r with |r| <= ln2/2 (ln2 in two parts, so r = hi - lo is accurate), then
 * e^r = 1 + r + r c(r) / (2 - c(r)) with c(r) = r - r^2 P(r^2), a degree-5 Remez polynomial
 * whose error is below 2^-59, and e^x = 2^k e^r with 2^k applied to the exponent bits.
 * log: x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f), and
 * log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with a degree-7 Remez polynomial R, error
 * below 2^-58.45; log x = k ln2 + log(1 + f).
 *
 * Every expression below is evaluated in the order written: parentheses are deliberate. */
#include "solver/detmath.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "solver/detmath.c needs double arithmetic in double precision (FLT_EVAL_METHOD 0: SSE2, not x87)"
#endif

/* ln 2 = LN2_HI + LN2_LO; LN2_HI has 32 trailing zero bits, so k * LN2_HI is exact for
 * |k| < 2^20. */
#define LN2_HI 0x1.62e42fee00000p-1
#define LN2_LO 0x1.a39ef35793c76p-33
#define LN2 0x1.62e42fefa39efp-1
#define INV_LN2 0x1.71547652b82fep+0
/* Largest x with e^x finite; e^x below DBL_MIN for x below LOG_DBL_MIN. */
#define EXP_MAX 0x1.62e42fefa39efp+9
#define LOG_DBL_MIN -0x1.6232bdd7abcd2p+9
/* exp's polynomial (fdlibm P1..P5). */
#define P1 0x1.555555555553ep-3
#define P2 -0x1.6c16c16bebd93p-9
#define P3 0x1.1566aaf25de2cp-14
#define P4 -0x1.bbd41c5d26bf1p-20
#define P5 0x1.6376972bea4d0p-25
/* log's polynomial (fdlibm Lg1..Lg7). */
#define LG1 0x1.5555555555593p-1
#define LG2 0x1.999999997fa04p-2
#define LG3 0x1.2492494229359p-2
#define LG4 0x1.c71c51d8e78afp-3
#define LG5 0x1.7466496cb03dep-3
#define LG6 0x1.39a09d078c69fp-3
#define LG7 0x1.2f112df3e5244p-3
#define SQRT2 0x1.6a09e667f3bcdp+0

#define MANTISSA_BITS 52
#define MANTISSA_MASK ((UINT64_C(1) << MANTISSA_BITS) - 1)
#define EXPONENT_BIAS 1023

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double double_of(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* 2^k, exactly, for -1022 <= k <= 1023. */
static double power_of_two(int k)
{
    return double_of((uint64_t)(k + EXPONENT_BIAS) << MANTISSA_BITS);
}

/* y 2^k for y in [0.5, 2]: exact while the result is normal; 0 below DBL_MIN (detmath.h). */
static double scale(double y, int k)
{
    if (k > 1023) return (y * 2.0) * power_of_two(k - 1);
    if (k < -1022) return 0.0;
    const double r = y * power_of_two(k);
    return r < DBL_MIN ? 0.0 : r;
}

double dermis_det_exp(double x)
{
    if (isnan(x)) return x;
    if (x > EXP_MAX) return HUGE_VAL;
    if (x < LOG_DBL_MIN) return 0.0;
    const double ax = fabs(x);
    if (ax < 0x1p-28) return 1.0 + x; /* e^x = 1 + x + x^2/2 and x^2/2 is below half an ulp of 1 */
    int k = 0;
    double hi = x, lo = 0.0;
    if (ax > 0.5 * LN2) {
        if (ax < 1.5 * LN2) k = x < 0.0 ? -1 : 1;
        else k = (int)(INV_LN2 * x + (x < 0.0 ? -0.5 : 0.5)); /* nearest integer to x / ln2 */
        hi = x - (double)k * LN2_HI;
        lo = (double)k * LN2_LO;
    }
    const double r = hi - lo;
    const double rr = r * r;
    const double c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    const double y = 1.0 + ((((r * c) / (2.0 - c)) - lo) + hi);
    return k == 0 ? y : scale(y, k);
}

double dermis_det_exp2(double x)
{
    if (isnan(x)) return x;
    if (x >= 1024.0) return HUGE_VAL;
    if (x < -1022.0) return 0.0;
    /* x = k + r with k the nearest integer and |r| <= 1/2; both steps are exact for |x| < 2^11. */
    const double k = floor(x + 0.5);
    const double r = x - k;
    return scale(dermis_det_exp(r * LN2), (int)k);
}

double dermis_det_log(double x)
{
    const uint64_t u = bits_of(x);
    const int biased = (int)((u >> MANTISSA_BITS) & 0x7ff);
    uint64_t mantissa = u & MANTISSA_MASK;
    if (biased == 0x7ff) return (mantissa != 0 || !(u >> 63)) ? x : NAN; /* NaN, +inf; -inf */
    if (biased == 0 && mantissa == 0) return -HUGE_VAL;
    if (u >> 63) return NAN;
    int k = biased - EXPONENT_BIAS;
    if (biased == 0) { /* subnormal: x = mantissa 2^-1074; shift the leading 1 to bit 52 */
        k = 1 - EXPONENT_BIAS;
        while (!(mantissa & (UINT64_C(1) << MANTISSA_BITS))) {
            mantissa <<= 1;
            --k;
        }
        mantissa &= MANTISSA_MASK;
    }
    /* m in [1, 2) from the mantissa bits; halved (exactly, in the exponent) above sqrt(2). */
    double m = double_of(((uint64_t)EXPONENT_BIAS << MANTISSA_BITS) | mantissa);
    if (m >= SQRT2) {
        m = double_of(((uint64_t)(EXPONENT_BIAS - 1) << MANTISSA_BITS) | mantissa);
        ++k;
    }
    const double f = m - 1.0;
    const double hfsq = 0.5 * (f * f);
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double w = z * z;
    const double t1 = w * (LG2 + w * (LG4 + w * LG6));
    const double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    const double R = t2 + t1;
    const double dk = (double)k;
    return ((((s * (hfsq + R)) + dk * LN2_LO) - hfsq) + f) + dk * LN2_HI;
}

double dermis_det_pow(double x, double y)
{
    if (y == 0.0) return 1.0;
    if (!(x > 0.0) || isinf(x) || !isfinite(y)) return NAN;
    return dermis_det_exp(y * dermis_det_log(x));
}
