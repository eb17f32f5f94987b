/* XDMF 3 sidecar for ParaView: an XML file that describes the voxel grid and points every
 * field of every frame at its hyperslab in the netCDF/HDF5 output, so ParaView's default
 * XDMF 3 reader (Xdmf3ReaderS) shows the run as a time series of cell data.
 *
 * Dialect (verified with ParaView 5.11, see docs/output.md): 3DCoRectMesh topology with
 * Dimensions "nz+1 ny+1 nx+1" (points), one voxel = one cell, ORIGIN_DXDYDZ geometry in
 * z y x order, and HDF data items "file:/var|start:stride:count:dims". Missing axes of 1-D and
 * 2-D runs are padded to one cell (2 points).
 */
#ifndef DERMIS_IO_XDMF_H
#define DERMIS_IO_XDMF_H

#include <stddef.h>

#include "solver/grid.h"

typedef struct {
    const char *data_file;          /* the .nc as written into the items: relative to the sidecar */
    const dermis_grid *grid;
    size_t n_vars;
    const char *const *var_names;   /* field datasets in the data file, shape (time, z[, y][, x]) */
    int float32;                    /* datasets are stored as float32 */
    size_t n_frames;                /* frames to list (those flushed to the data file) */
    const double *times_day;        /* n_frames frame times */
} dermis_xdmf_spec;

/* Writes the sidecar to xmf_path atomically (xmf_path.tmp, then rename), so a reader never
 * sees a half-written file. Returns 0, or -1 with one line in err. */
int dermis_xdmf_write(const char *xmf_path, const dermis_xdmf_spec *spec, char *err, size_t err_size);

#endif
