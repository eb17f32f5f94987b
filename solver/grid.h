/* Uniform cell-centred voxel grid in 1-D (depth z), 2-D (x-z) or 3-D (x-y-z).
 *
 * Memory layout (the one layout every module and the output use): a field is one flat
 * array of nx*ny*nz doubles, x fastest, z (depth, positive down from the skin surface)
 * slowest: index = (iz*ny + iy)*nx + ix. Axes a run does not have are of size 1, so a
 * 1-D run has nx = ny = 1 and a 2-D run has ny = 1. Voxels are cubes of edge dx_mm.
 * A state vector holds n_fields such arrays back to back (field-major). */
#ifndef DERMIS_SOLVER_GRID_H
#define DERMIS_SOLVER_GRID_H

#include <stddef.h>

typedef enum {
    DERMIS_LATERAL_PERIODIC = 0, /* x and y wrap around: a patch of a larger treated area */
    DERMIS_LATERAL_ZERO_FLUX = 1 /* x and y walls are impermeable */
} dermis_lateral_bc;

typedef struct {
    int dims;       /* 1, 2 or 3 */
    size_t nx;      /* voxels along x (1 in 1-D) */
    size_t ny;      /* voxels along y (1 in 1-D and 2-D) */
    size_t nz;      /* voxels along depth z */
    double dx_mm;   /* voxel edge length, mm, equal on every axis */
    dermis_lateral_bc lateral;
} dermis_grid;

static inline size_t dermis_grid_index(const dermis_grid *g, size_t ix, size_t iy, size_t iz)
{
    return (iz * g->ny + iy) * g->nx + ix;
}

static inline size_t dermis_grid_voxels(const dermis_grid *g)
{
    return g->nx * g->ny * g->nz;
}

/* Depth of the centre of layer iz below the skin surface, mm. */
static inline double dermis_grid_z_mm(const dermis_grid *g, size_t iz)
{
    return ((double)iz + 0.5) * g->dx_mm;
}

/* Checks sizes and spacing; returns 0 if the grid is usable, -1 otherwise. */
int dermis_grid_validate(const dermis_grid *g);

#endif
