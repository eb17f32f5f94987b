/* Channel placement and injury rasterization (geometry and choices in injury.h). */
#include "model/injury.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "model/protocol.h"
#include "solver/detmath.h"

#define PI 3.14159265358979323846
/* Sub-samples per voxel edge for partial volumes: 4^3 = 64 points keep the volume error of a
 * 70 um channel on 20 um voxels at a few per cent (checked against the 1-D formula in tests). */
#define SUBSAMPLES 4

unsigned long dermis_injury_session_seed(long run_seed, size_t session_index)
{
    /* splitmix64 finaliser of (seed, index): decorrelates neighbouring seeds and sessions. */
    uint64_t z = (uint64_t)run_seed * 0x9E3779B97F4A7C15ULL + (uint64_t)(session_index + 1) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (unsigned long)(z & 0xFFFFFFFFUL);
}

static double outer_radius_mm(const dermis_channel_shape *s)
{
    return s->radius_mm + s->crush_width_mm;
}

/* Region where centres are drawn: the patch (3-D) or the strip around the section (2-D). */
typedef struct {
    double x0, x1, y0, y1;
} centre_region;

static centre_region region_for(const dermis_grid *g, const dermis_channel_shape *shape)
{
    centre_region r = {0.0, (double)g->nx * g->dx_mm, 0.0, (double)g->ny * g->dx_mm};
    if (g->dims == 2) { /* the section is the plane y = 0: every channel that cuts it */
        r.y0 = -outer_radius_mm(shape);
        r.y1 = outer_radius_mm(shape);
    }
    return r;
}

/* Lateral y of sub-sample b of a cell with lower corner y0: spread over the cell in 3-D, the
 * section plane y = 0 in 2-D (so the cut through each channel does not depend on dx). */
static double sample_y(int plane, double y0, int b, double dx)
{
    return plane ? 0.0 : y0 + (b + 0.5) * dx / SUBSAMPLES;
}

static int reserve(dermis_channel_set *set, size_t n)
{
    if (n <= set->capacity) return 0;
    dermis_channel *grown = realloc(set->channels, n * sizeof *grown);
    if (!grown) return -1;
    set->channels = grown;
    set->capacity = n;
    return 0;
}

static int push(dermis_channel_set *set, double x, double y)
{
    if (set->n == set->capacity && reserve(set, set->capacity ? 2 * set->capacity : 64)) return -1;
    set->channels[set->n].x_mm = x;
    set->channels[set->n].y_mm = y;
    ++set->n;
    return 0;
}

static int place_random(dermis_channel_set *set, const centre_region *r, double density, gsl_rng *rng)
{
    const double mean = density * (r->x1 - r->x0) * (r->y1 - r->y0);
    const unsigned int count = gsl_ran_poisson(rng, mean);
    if (reserve(set, count)) return -1;
    for (unsigned int i = 0; i < count; ++i) {
        const double x = r->x0 + (r->x1 - r->x0) * gsl_rng_uniform(rng);
        const double y = r->y0 + (r->y1 - r->y0) * gsl_rng_uniform(rng);
        if (push(set, x, y)) return -1;
    }
    return 0;
}

/* Jittered Latin hypercube of the expected count (see injury.h). The y strata are shuffled in
 * place (Fisher-Yates) on the set's own storage, so nothing else is allocated. */
static int place_stratified(dermis_channel_set *set, const centre_region *r, double density, gsl_rng *rng)
{
    const double mean = density * (r->x1 - r->x0) * (r->y1 - r->y0);
    size_t count = (size_t)floor(mean);
    if (gsl_rng_uniform(rng) < mean - floor(mean)) ++count;
    if (count == 0) return 0;
    if (reserve(set, set->n + count)) return -1;
    const size_t first = set->n;
    const double wx = (r->x1 - r->x0) / (double)count, wy = (r->y1 - r->y0) / (double)count;
    const double uy = gsl_rng_uniform(rng); /* one offset for every y stratum: systematic sampling */
    for (size_t i = 0; i < count; ++i) {
        const double x = r->x0 + wx * ((double)i + gsl_rng_uniform(rng));
        const double y = r->y0 + wy * ((double)i + uy);
        if (push(set, x, y)) return -1;
    }
    for (size_t i = count; i > 1; --i) {
        const size_t j = (size_t)gsl_rng_uniform_int(rng, (unsigned long)i);
        const double y = set->channels[first + i - 1].y_mm;
        set->channels[first + i - 1].y_mm = set->channels[first + j].y_mm;
        set->channels[first + j].y_mm = y;
    }
    return 0;
}

/* One lattice pass with a random offset; lattice points inside the region. */
static int place_lattice_pass(dermis_channel_set *set, const centre_region *r, double ax, double ay, gsl_rng *rng)
{
    const double ox = ax * gsl_rng_uniform(rng);
    const double oy = ay * gsl_rng_uniform(rng);
    const double j0 = ceil((r->y0 - oy) / ay);
    const double i0 = ceil((r->x0 - ox) / ax);
    for (double j = j0; oy + j * ay < r->y1; j += 1.0)
        for (double i = i0; ox + i * ax < r->x1; i += 1.0)
            if (push(set, ox + i * ax, oy + j * ay)) return -1;
    return 0;
}

int dermis_channels_place(dermis_channel_set *set, const dermis_grid *g, const dermis_placement_spec *spec,
                          const dermis_channel_shape *shape, unsigned long seed)
{
    set->n = 0;
    if (g->dims < 2 || !(spec->density_per_mm2 > 0.0)) return 0;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) return -1;
    gsl_rng_set(rng, seed);
    const centre_region r = region_for(g, shape);
    int status = 0;
    if (spec->pattern && spec->lattice_ax_mm > 0.0 && spec->lattice_ay_mm > 0.0)
        for (long p = 0; p < spec->passes && status == 0; ++p)
            status = place_lattice_pass(set, &r, spec->lattice_ax_mm, spec->lattice_ay_mm, rng);
    else if (spec->stratified)
        status = place_stratified(set, &r, spec->density_per_mm2, rng);
    else
        status = place_random(set, &r, spec->density_per_mm2, rng);
    gsl_rng_free(rng);
    return status;
}

void dermis_channel_set_free(dermis_channel_set *set)
{
    free(set->channels);
    set->channels = NULL;
    set->n = set->capacity = 0;
}

static double core_radius_mm(const dermis_channel_shape *s, double z)
{
    if (z >= s->depth_mm) return -1.0;
    return s->tip == DERMIS_TIP_CYLINDER ? s->radius_mm : s->radius_mm * (1.0 - z / s->depth_mm);
}

double dermis_channel_injured_area_mm2(const dermis_channel_shape *s, double z_mm)
{
    const double rc = core_radius_mm(s, z_mm);
    if (rc < 0.0) return 0.0;
    const double ro = rc + s->crush_width_mm;
    return PI * rc * rc + s->crush_damage * PI * (ro * ro - rc * rc);
}

/* Damage level of a point at radial distance r and depth z from one channel. */
static double point_damage(const dermis_channel_shape *s, double r, double z)
{
    const double rc = core_radius_mm(s, z);
    if (rc < 0.0) return 0.0;
    if (r <= rc) return 1.0;
    return r <= rc + s->crush_width_mm ? s->crush_damage : 0.0;
}

/* Voxel index along a lateral axis for an unwrapped integer position, or -1 if outside. */
static long lateral_index(long i, size_t n, dermis_lateral_bc bc)
{
    if (bc == DERMIS_LATERAL_PERIODIC) {
        const long m = (long)n;
        return ((i % m) + m) % m;
    }
    return (i >= 0 && i < (long)n) ? i : -1;
}

/* Mean damage of the voxel with unwrapped lower corner (x0, y0, z0) from channel c. */
static double voxel_damage(const dermis_channel_shape *s, const dermis_channel *c, double x0, double y0, double z0,
                           double dx, int plane)
{
    double sum = 0.0;
    for (int a = 0; a < SUBSAMPLES; ++a) {
        const double z = z0 + (a + 0.5) * dx / SUBSAMPLES;
        for (int b = 0; b < SUBSAMPLES; ++b) {
            const double ry = sample_y(plane, y0, b, dx) - c->y_mm;
            for (int e = 0; e < SUBSAMPLES; ++e) {
                const double rx = x0 + (e + 0.5) * dx / SUBSAMPLES - c->x_mm;
                sum += point_damage(s, sqrt(rx * rx + ry * ry), z);
            }
        }
    }
    return sum / (SUBSAMPLES * SUBSAMPLES * SUBSAMPLES);
}

/* Multiplies survive[v] by (1 - damage) over the voxels channel c touches. */
static void rasterize_channel(const dermis_grid *g, const dermis_channel_shape *s, const dermis_channel *c,
                              double *survive)
{
    const double dx = g->dx_mm, reach = outer_radius_mm(s);
    const long ix0 = (long)floor((c->x_mm - reach) / dx), ix1 = (long)floor((c->x_mm + reach) / dx);
    const long iy0 = g->dims == 3 ? (long)floor((c->y_mm - reach) / dx) : 0;
    const long iy1 = g->dims == 3 ? (long)floor((c->y_mm + reach) / dx) : 0;
    size_t nz = (size_t)ceil(s->depth_mm / dx);
    if (nz > g->nz) nz = g->nz;
    for (long iy = iy0; iy <= iy1; ++iy) {
        const long jy = lateral_index(iy, g->ny, g->dims == 3 ? g->lateral : DERMIS_LATERAL_ZERO_FLUX);
        if (jy < 0) continue;
        for (long ix = ix0; ix <= ix1; ++ix) {
            const long jx = lateral_index(ix, g->nx, g->lateral);
            if (jx < 0) continue;
            for (size_t iz = 0; iz < nz; ++iz) {
                const double d = voxel_damage(s, c, (double)ix * dx, (double)iy * dx, (double)iz * dx, dx, g->dims == 2);
                if (d > 0.0) survive[dermis_grid_index(g, (size_t)jx, (size_t)jy, iz)] *= 1.0 - d;
            }
        }
    }
}

static void profile_1d(const dermis_grid *g, double density, const dermis_channel_shape *s, double *damage)
{
    for (size_t iz = 0; iz < g->nz; ++iz) {
        double area = 0.0;
        for (int a = 0; a < SUBSAMPLES; ++a)
            area += dermis_channel_injured_area_mm2(s, ((double)iz + (a + 0.5) / SUBSAMPLES) * g->dx_mm);
        damage[iz] = 1.0 - dermis_det_exp(-density * area / SUBSAMPLES);
    }
}

void dermis_injury_map(const dermis_grid *g, const dermis_channel_set *set, double density_per_mm2,
                       const dermis_channel_shape *shape, double *damage)
{
    const size_t n = dermis_grid_voxels(g);
    if (g->dims == 1) {
        profile_1d(g, density_per_mm2, shape, damage);
        return;
    }
    for (size_t v = 0; v < n; ++v) damage[v] = 1.0;
    for (size_t c = 0; c < set->n; ++c) rasterize_channel(g, shape, &set->channels[c], damage);
    for (size_t v = 0; v < n; ++v) damage[v] = 1.0 - damage[v];
}

/* Open fraction of surface cell (ix, iy) (unwrapped lower corner x0, y0) from channel c. */
static double cell_open(const dermis_channel_shape *s, const dermis_channel *c, double x0, double y0, double dx, int plane)
{
    int inside = 0;
    for (int b = 0; b < SUBSAMPLES; ++b) {
        const double ry = sample_y(plane, y0, b, dx) - c->y_mm;
        for (int e = 0; e < SUBSAMPLES; ++e) {
            const double rx = x0 + (e + 0.5) * dx / SUBSAMPLES - c->x_mm;
            inside += rx * rx + ry * ry <= s->radius_mm * s->radius_mm;
        }
    }
    return (double)inside / (SUBSAMPLES * SUBSAMPLES);
}

static void surface_channel(const dermis_grid *g, const dermis_channel_shape *s, const dermis_channel *c, double *closed)
{
    const double dx = g->dx_mm, reach = s->radius_mm;
    const long ix0 = (long)floor((c->x_mm - reach) / dx), ix1 = (long)floor((c->x_mm + reach) / dx);
    const long iy0 = g->dims == 3 ? (long)floor((c->y_mm - reach) / dx) : 0;
    const long iy1 = g->dims == 3 ? (long)floor((c->y_mm + reach) / dx) : 0;
    for (long iy = iy0; iy <= iy1; ++iy) {
        const long jy = lateral_index(iy, g->ny, g->dims == 3 ? g->lateral : DERMIS_LATERAL_ZERO_FLUX);
        if (jy < 0) continue;
        for (long ix = ix0; ix <= ix1; ++ix) {
            const long jx = lateral_index(ix, g->nx, g->lateral);
            if (jx >= 0) closed[(size_t)jy * g->nx + (size_t)jx] *= 1.0 - cell_open(s, c, (double)ix * dx, (double)iy * dx, dx, g->dims == 2);
        }
    }
}

void dermis_injury_surface_open(const dermis_grid *g, const dermis_channel_set *set, double density_per_mm2,
                                const dermis_channel_shape *shape, double *open_fraction)
{
    const size_t cells = g->nx * g->ny;
    if (g->dims == 1) {
        open_fraction[0] = 1.0 - dermis_det_exp(-density_per_mm2 * PI * shape->radius_mm * shape->radius_mm);
        return;
    }
    for (size_t i = 0; i < cells; ++i) open_fraction[i] = 1.0;
    for (size_t c = 0; c < set->n; ++c) surface_channel(g, shape, &set->channels[c], open_fraction);
    for (size_t i = 0; i < cells; ++i) open_fraction[i] = 1.0 - open_fraction[i];
}
