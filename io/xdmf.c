/* XDMF 3 sidecar writer: see xdmf.h for the dialect and why it was chosen. */
#include "io/xdmf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5util.h"

/* Sizes of the (z, y, x) axes as XDMF sees them, and the rank/sizes of the dataset's spatial part. */
typedef struct {
    size_t cells[3];       /* z y x, padded with 1 for missing axes */
    size_t rank;           /* spatial rank of the dataset */
    size_t data_dims[3];   /* spatial dims of the dataset, z first */
} xdmf_shape;

static xdmf_shape shape_of(const dermis_grid *g)
{
    xdmf_shape s = {{g->nz, g->ny, g->nx}, 0, {0, 0, 0}};
    s.data_dims[s.rank++] = g->nz;
    if (g->dims == 3)
        s.data_dims[s.rank++] = g->ny;
    if (g->dims >= 2)
        s.data_dims[s.rank++] = g->nx;
    return s;
}

static void write_header(FILE *f)
{
    fprintf(f, "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n <Domain>\n");
    fprintf(f, "  <Grid Name=\"dermis\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
}

/* Topology and geometry are repeated in every frame (plain, verified dialect; XPath references
 * would save bytes but were not checked with ParaView). Geometry is in z y x order to match the
 * topology; lengths in mm. */
static void write_mesh(FILE *f, const dermis_grid *g, const xdmf_shape *s)
{
    fprintf(f, "    <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%zu %zu %zu\"/>\n",
            s->cells[0] + 1, s->cells[1] + 1, s->cells[2] + 1);
    fprintf(f, "    <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
               "     <DataItem Format=\"XML\" Dimensions=\"3\">0 0 0</DataItem>\n"
               "     <DataItem Format=\"XML\" Dimensions=\"3\">%.17g %.17g %.17g</DataItem>\n"
               "    </Geometry>\n", g->dx_mm, g->dx_mm, g->dx_mm);
}

/* "i 0 0 0:1 1 1 1:1 nz ny nx:nt nz ny nx": start, stride, count and full dims of the dataset. */
static void write_hyperslab(FILE *f, const xdmf_shape *s, size_t frame, size_t n_frames)
{
    fprintf(f, "%zu", frame);
    for (size_t a = 0; a < s->rank; a++)
        fprintf(f, " 0");
    fprintf(f, ":1");
    for (size_t a = 0; a < s->rank; a++)
        fprintf(f, " 1");
    fprintf(f, ":1");
    for (size_t a = 0; a < s->rank; a++)
        fprintf(f, " %zu", s->data_dims[a]);
    fprintf(f, ":%zu", n_frames);
    for (size_t a = 0; a < s->rank; a++)
        fprintf(f, " %zu", s->data_dims[a]);
}

static void write_frame(FILE *f, const dermis_xdmf_spec *spec, const xdmf_shape *s, size_t frame)
{
    fprintf(f, "   <Grid Name=\"frame_%zu\" GridType=\"Uniform\">\n", frame);
    fprintf(f, "    <Time Value=\"%.17g\"/>\n", spec->times_day[frame]);
    write_mesh(f, spec->grid, s);
    for (size_t v = 0; v < spec->n_vars; v++) {
        fprintf(f, "    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", spec->var_names[v]);
        fprintf(f, "     <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"%d\" Dimensions=\"%zu %zu %zu\">",
                spec->float32 ? 4 : 8, s->cells[0], s->cells[1], s->cells[2]);
        fprintf(f, "%s:/%s|", spec->data_file, spec->var_names[v]);
        write_hyperslab(f, s, frame, spec->n_frames);
        fprintf(f, "</DataItem>\n    </Attribute>\n");
    }
    fprintf(f, "   </Grid>\n");
}

int dermis_xdmf_write(const char *xmf_path, const dermis_xdmf_spec *spec, char *err, size_t err_size)
{
    size_t n = strlen(xmf_path) + 5;
    char *tmp = malloc(n);
    if (!tmp)
        return dermis_h5_fail(err, err_size, "%s: out of memory", xmf_path);
    snprintf(tmp, n, "%s.tmp", xmf_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int e = errno;
        free(tmp);
        return dermis_h5_fail(err, err_size, "%s: cannot write XDMF sidecar: %s", xmf_path, strerror(e));
    }
    xdmf_shape s = shape_of(spec->grid);
    write_header(f);
    for (size_t k = 0; k < spec->n_frames; k++)
        write_frame(f, spec, &s, k);
    fprintf(f, "  </Grid>\n </Domain>\n</Xdmf>\n");
    int failed = ferror(f);
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, xmf_path) != 0) {
        int e = errno;
        remove(tmp);
        free(tmp);
        return dermis_h5_fail(err, err_size, "%s: cannot write XDMF sidecar: %s", xmf_path, strerror(e));
    }
    free(tmp);
    return 0;
}
