/* XDMF 3 sidecar for ParaView, an output writer (io/output_writer.h): an XML file OUT.xmf that
 * describes the voxel grid and points every field of every frame at its hyperslab in the
 * netCDF/HDF5 output, so ParaView's default XDMF 3 reader (Xdmf3ReaderS) shows the run as a time
 * series of cell data, the right way up, in mm. It is rewritten (temporary file + rename) after
 * every frame, so it lists exactly the frames the data file holds.
 *
 * Dialect (verified with ParaView 5.11): 3DCoRectMesh topology (one voxel = one cell),
 * ORIGIN_DXDYDZ geometry (slowest axis first), HDF data items "file:/var|start:stride:count:dims".
 * Orientation (the data are stored depth-first, so depth is the slowest XDMF axis):
 *   2-D runs (z, x): Dimensions "1 nz+1 nx+1", spacing (dx, -dx, dx): a plane in ParaView's X-Y
 *                    with x along X, the skin surface at Y = 0 and the tissue below (Y < 0), so
 *                    the default camera shows the section face-on with the surface at the top.
 *   1-D runs (z):    the same with one cell along X (a column).
 *   3-D runs (z, y, x): Dimensions "nz+1 ny+1 nx+1", spacing (-dx, dx, dx): the surface at
 *                    Z = 0 and the tissue below (elevation along +Z, as in terrain data); view it
 *                    with +Z up (scripts/paraview_state.py sets that camera).
 * The data file is referred to by its absolute path: ParaView's XDMF 3 reader mis-resolves a
 * relative data path when the sidecar is opened by a bare file name (it looked for
 * "OUT.xmfOUT.nc").
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5util.h"
#include "io/output_writer.h"
#include "model/message.h"

#define ERR_SIZE DERMIS_OUTPUT_ERROR_MAX

typedef struct {
    char *xmf_path;
    char *data_path;         /* absolute path of the data file */
    dermis_grid grid;
    int float32;
    size_t n_vars;
    char **var_names;        /* written fields */
    int has_layer;           /* the data file has the static layer map */
} xdmf_writer;


char *dermis_output_sidecar_path(const char *path)
{
    size_t n = strlen(path);
    char *x = malloc(n + 5);
    if (!x)
        return NULL;
    memcpy(x, path, n + 1);
    if (n > 3 && strcmp(path + n - 3, ".nc") == 0)
        x[n - 3] = '\0';
    strcat(x, ".xmf");
    return x;
}

/* The absolute path of an existing file (the data file has been created before the sidecar). */
static char *absolute_path(const char *path)
{
    char buf[PATH_MAX];
    return realpath(path, buf) ? dermis_output_copy_string(buf) : NULL;
}

static void xdmf_free(xdmf_writer *x)
{
    if (!x)
        return;
    for (size_t k = 0; k < x->n_vars; k++)
        free(x->var_names ? x->var_names[k] : NULL);
    free(x->var_names);
    free(x->xmf_path);
    free(x->data_path);
    free(x);
}

static int set_paths(xdmf_writer *x, const char *path)
{
    char *xmf = dermis_output_sidecar_path(path);
    char *data = absolute_path(path);
    if (!xmf || !data) {
        free(xmf);
        free(data);
        return -1;
    }
    free(x->xmf_path);
    free(x->data_path);
    x->xmf_path = xmf;
    x->data_path = data;
    return 0;
}

static xdmf_writer *xdmf_alloc(const char *path, const dermis_output_spec *spec, char *err)
{
    xdmf_writer *x = calloc(1, sizeof *x);
    if (!x) {
        dermis_message(err, ERR_SIZE, -1, "%s: out of memory", path);
        return NULL;
    }
    x->grid = *spec->grid;
    x->float32 = spec->float32 != 0;
    x->has_layer = spec->layer != NULL;
    for (size_t s = 0; s < spec->n_fields; s++)
        x->n_vars += !spec->field_selected || spec->field_selected[s];
    x->var_names = calloc(x->n_vars + 1, sizeof *x->var_names);
    int ok = x->var_names != NULL && set_paths(x, path) == 0;
    for (size_t s = 0, k = 0; ok && s < spec->n_fields; s++)
        if (!spec->field_selected || spec->field_selected[s])
            ok = (x->var_names[k++] = dermis_output_copy_string(spec->fields[s].name)) != NULL;
    if (!ok) {
        if (!x->var_names)
            x->n_vars = 0;
        xdmf_free(x);
        dermis_message(err, ERR_SIZE, -1, "%s: cannot set up the XDMF sidecar (out of memory?)", path);
        return NULL;
    }
    return x;
}

/* ---- the XML ---- */

/* Points per XDMF axis (slowest first) and spacing, following the orientation above. */
static void mesh_of(const dermis_grid *g, size_t points[3], double spacing[3])
{
    if (g->dims == 3) {
        points[0] = g->nz + 1, points[1] = g->ny + 1, points[2] = g->nx + 1;
        spacing[0] = -g->dx_mm, spacing[1] = g->dx_mm, spacing[2] = g->dx_mm;
    } else {
        points[0] = 1, points[1] = g->nz + 1, points[2] = g->nx + 1;
        spacing[0] = g->dx_mm, spacing[1] = -g->dx_mm, spacing[2] = g->dx_mm;
    }
}

/* "i 0 0 0:1 1 1 1:1 nz ny nx:nt nz ny nx": start, stride, count and full dims of the dataset. */
static void write_hyperslab(FILE *f, const dermis_grid *g, size_t frame, size_t n_frames)
{
    size_t dims[3];
    size_t rank = dermis_output_field_dims(g, dims);
    fprintf(f, "%zu", frame);
    for (size_t a = 0; a < rank; a++)
        fprintf(f, " 0");
    fprintf(f, ":1");
    for (size_t a = 0; a < rank; a++)
        fprintf(f, " 1");
    fprintf(f, ":1");
    for (size_t a = 0; a < rank; a++)
        fprintf(f, " %zu", dims[a]);
    fprintf(f, ":%zu", n_frames);
    for (size_t a = 0; a < rank; a++)
        fprintf(f, " %zu", dims[a]);
}

/* Topology and geometry are repeated in every frame (plain, verified dialect). */
static void write_frame(FILE *f, const xdmf_writer *x, const dermis_output_history *h, size_t frame)
{
    size_t points[3], dims[3];
    double spacing[3];
    mesh_of(&x->grid, points, spacing);
    size_t rank = dermis_output_field_dims(&x->grid, dims);
    fprintf(f, "   <Grid Name=\"frame_%zu\" GridType=\"Uniform\">\n", frame);
    fprintf(f, "    <Time Value=\"%.17g\"/>\n", h->frame_times[frame]);
    fprintf(f, "    <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%zu %zu %zu\"/>\n", points[0], points[1],
            points[2]);
    fprintf(f, "    <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
               "     <DataItem Format=\"XML\" Dimensions=\"3\">0 0 0</DataItem>\n"
               "     <DataItem Format=\"XML\" Dimensions=\"3\">%.17g %.17g %.17g</DataItem>\n"
               "    </Geometry>\n", spacing[0], spacing[1], spacing[2]);
    for (size_t v = 0; v < x->n_vars; v++) {
        fprintf(f, "    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", x->var_names[v]);
        fprintf(f, "     <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"%d\" Dimensions=\"",
                x->float32 ? 4 : 8);
        for (size_t a = 0; a < rank; a++)
            fprintf(f, a ? " %zu" : "%zu", dims[a]);
        fprintf(f, "\">%s:/%s|", x->data_path, x->var_names[v]);
        write_hyperslab(f, &x->grid, frame, h->n_frames);
        fprintf(f, "</DataItem>\n    </Attribute>\n");
    }
    if (x->has_layer) { /* the same static map in every frame: colour by it to see the layers */
        fprintf(f, "    <Attribute Name=\"layer\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
                   "     <DataItem Format=\"HDF\" NumberType=\"Char\" Precision=\"1\" Dimensions=\"");
        for (size_t a = 0; a < rank; a++)
            fprintf(f, a ? " %zu" : "%zu", dims[a]);
        fprintf(f, "\">%s:/layer</DataItem>\n    </Attribute>\n", x->data_path);
    }
    fprintf(f, "   </Grid>\n");
}

/* Writes the sidecar atomically (xmf.tmp, then rename), so a reader never sees half a file. */
static int write_sidecar(const xdmf_writer *x, const dermis_output_history *h, char *err)
{
    char *tmp = dermis_path_with_suffix(x->xmf_path, ".tmp");
    if (!tmp)
        return dermis_message(err, ERR_SIZE, -1, "%s: out of memory", x->xmf_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int e = errno;
        free(tmp);
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot write XDMF sidecar: %s", x->xmf_path, strerror(e));
    }
    fprintf(f, "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n <Domain>\n");
    fprintf(f, "  <Grid Name=\"dermis\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
    for (size_t k = 0; k < h->n_frames; k++)
        write_frame(f, x, h, k);
    fprintf(f, "  </Grid>\n </Domain>\n</Xdmf>\n");
    int failed = ferror(f);
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, x->xmf_path) != 0) {
        int e = errno ? errno : EIO;
        remove(tmp);
        free(tmp);
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot write XDMF sidecar: %s", x->xmf_path, strerror(e));
    }
    free(tmp);
    return 0;
}

/* ---- the writer interface ---- */

static void *xdmf_create(const char *path, const dermis_output_spec *spec, char *err)
{
    xdmf_writer *x = xdmf_alloc(path, spec, err);
    const dermis_output_history none = {path, 0, NULL};
    if (x && write_sidecar(x, &none, err) != 0) {
        xdmf_free(x);
        return NULL;
    }
    return x;
}

static void *xdmf_reopen(const char *path, const dermis_output_spec *spec, size_t n_frames, size_t n_rows,
                         double *frame_times, char *err)
{
    (void)n_rows;
    xdmf_writer *x = xdmf_alloc(path, spec, err);
    const dermis_output_history kept = {path, n_frames, frame_times};
    if (x && write_sidecar(x, &kept, err) != 0) {
        xdmf_free(x);
        return NULL;
    }
    return x;
}

static int xdmf_frame(void *w, const dermis_output_history *h, const double *u, char *err)
{
    (void)u;
    return write_sidecar(w, h, err);
}

static int xdmf_observables(void *w, double t_day, const double *values, char *err)
{
    (void)w, (void)t_day, (void)values, (void)err;
    return 0;
}

static int xdmf_rename(void *w, const dermis_output_history *h, const char *new_path, char *err)
{
    xdmf_writer *x = w;
    char *old = dermis_output_copy_string(x->xmf_path);
    if (!old || set_paths(x, new_path) != 0) {
        free(old);
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot follow the output to its new name", new_path);
    }
    int status = write_sidecar(x, h, err);
    if (status == 0 && strcmp(old, x->xmf_path) != 0)
        remove(old);
    free(old);
    return status;
}

static int xdmf_close(void *w, const dermis_output_summary *s, char *err)
{
    (void)s, (void)err;
    xdmf_free(w);
    return 0;
}

const dermis_output_writer dermis_xdmf_writer = {
    "xdmf", xdmf_create, xdmf_reopen, xdmf_frame, xdmf_observables, xdmf_rename, xdmf_close,
};
