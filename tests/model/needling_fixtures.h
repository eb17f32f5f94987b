/* Shared fixtures of the needling tests (devices, injuries, sessions, barrier, observables):
 * small grids and a default protocol, without the config parser. */
#ifndef DERMIS_TESTS_NEEDLING_FIXTURES_H
#define DERMIS_TESTS_NEEDLING_FIXTURES_H

#include <math.h>
#include <stddef.h>

#include "model/protocol.h"
#include "solver/grid.h"

static inline dermis_grid fixture_grid(int dims, double width_mm, double depth_mm, double dx_mm)
{
    const size_t n_lateral = (size_t)llround(width_mm / dx_mm);
    dermis_grid g = {dims, dims > 1 ? n_lateral : 1, dims > 2 ? n_lateral : 1, (size_t)llround(depth_mm / dx_mm),
                     dx_mm, DERMIS_LATERAL_PERIODIC};
    return g;
}

/* Default protocol with explicit session days. */
static inline dermis_protocol_params fixture_protocol(const double *days, size_t n_days)
{
    dermis_protocol_params p;
    dermis_protocol_defaults(&p);
    for (size_t k = 0; k < n_days; ++k) p.treatment.session_days[k] = days[k];
    p.treatment.n_session_days = n_days;
    return p;
}

/* Sum of a voxel map. */
static inline double fixture_sum(const double *a, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; ++i) s += a[i];
    return s;
}

#endif
