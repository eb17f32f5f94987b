/* Flush-to-zero (FTZ) and denormals-are-zero (DAZ) for the solver's threads.
 *
 * Decaying fields reach subnormal numbers after weeks of simulated time, and subnormal
 * arithmetic is many times slower on x86. Setting FTZ|DAZ in MXCSR makes such values exact
 * zeros. The mode is per thread, so it is set at the start of every parallel region and the
 * caller's previous mode is restored at its end (the library leaves no trace in the caller's
 * floating-point environment). Results stay bitwise identical across thread counts because
 * every thread runs in the same mode. Elsewhere this is a no-op. */
#include "solver/solver_internal.h"

#if defined(__SSE2__)
#include <pmmintrin.h>
#include <xmmintrin.h>

unsigned dermis_fpenv_flush_denormals(void)
{
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | _MM_FLUSH_ZERO_ON | _MM_DENORMALS_ZERO_ON);
    return saved;
}

void dermis_fpenv_restore(unsigned saved)
{
    _mm_setcsr(saved);
}
#else
unsigned dermis_fpenv_flush_denormals(void)
{
    return 0;
}

void dermis_fpenv_restore(unsigned saved)
{
    (void)saved;
}
#endif
