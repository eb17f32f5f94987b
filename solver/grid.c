/* Grid validation; the index functions are inline in grid.h. */
#include "solver/grid.h"

#include <math.h>

int dermis_grid_validate(const dermis_grid *g)
{
    if (g->dims < 1 || g->dims > 3) return -1;
    if (g->nx < 1 || g->ny < 1 || g->nz < 1) return -1;
    if (g->dims == 1 && (g->nx != 1 || g->ny != 1)) return -1;
    if (g->dims == 2 && g->ny != 1) return -1;
    if (!(g->dx_mm > 0.0) || !isfinite(g->dx_mm)) return -1;
    if (g->lateral != DERMIS_LATERAL_PERIODIC && g->lateral != DERMIS_LATERAL_ZERO_FLUX) return -1;
    return 0;
}
