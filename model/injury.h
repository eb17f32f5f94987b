/* Needle channels: placement on the skin surface and the injury they leave in the voxel grid.
 *
 * Geometry. A channel is a cone (default: needle tips are conical; Kalluri 2011 measured a
 * 70.7 um wide, 152.5 um deep channel under a 770 um roller needle) or a cylinder of surface
 * radius R = needle diameter / 2 reaching the effective depth d. The core (r <= r_core(z),
 * r_core = R (1 - z/d) for a cone, R for a cylinder, z < d) is injured completely (damage 1);
 * a crushed rim of width w around the wall (r_core < r <= r_core + w, z < d) is injured at the
 * level `crush_damage`. Per voxel, the injured fraction of a channel is its partial volume found
 * by 4x4x4 sub-sampling (4x4 in x and z on the 2-D section plane); several channels combine as independent hits, 1 - prod(1 - d_i).
 *
 * Placement. 3-D: channel centres on the whole patch. 2-D: the x-z section is the plane y = 0
 * through a 3-D treated surface; centres are drawn in 3-D on the strip |y| <= R + w (every channel
 * that cuts the plane) with the device's density, and each is rasterized where it cuts the plane
 * (sub-samples in x and z, none in y). The section's lateral mean then equals the surface mean of
 * 3-D in expectation, and neither the channels nor their cuts depend on dx, so a finer grid
 * resolves the same channels. Random placement: a Poisson number of centres (mean = density x strip/patch area),
 * uniform positions. Pattern placement: each pass lays the device's lattice (device.h) with a
 * random offset. Stratified placement: the expected number of centres (rounded up or down at
 * random with the right odds), positions jittered in a Latin hypercube (x and y each cut into as
 * many strata as centres, one centre per stratum of each, y strata in random order): the same
 * mean as random placement without its count and clustering noise. The generator is gsl_rng_mt19937 seeded from (run.seed, session index), so a
 * session's channels are a pure function of the configuration (restart-safe) and every session
 * lands in new places. 1-D: no placement; the injury is the surface mean,
 *     d(z) = 1 - exp(-rho * (A_core(z) + crush_damage * A_rim(z))),
 * the expectation of the 2-D/3-D rule for Poisson-placed channels of density rho.
 */
#ifndef DERMIS_MODEL_INJURY_H
#define DERMIS_MODEL_INJURY_H

#include <stddef.h>

#include "solver/grid.h"

typedef struct {
    double radius_mm;       /* core radius at the surface */
    double depth_mm;        /* effective depth */
    double crush_width_mm;  /* rim width */
    double crush_damage;    /* rim damage level in [0, 1] */
    int tip;                /* dermis_tip_shape */
} dermis_channel_shape;

typedef struct {
    double x_mm; /* centre on the surface; in 2-D, y is across the section (the plane y = 0) */
    double y_mm;
} dermis_channel;

typedef struct {
    dermis_channel *channels; /* malloc'ed, capacity entries */
    size_t n;
    size_t capacity;
} dermis_channel_set;

/* What a placement needs to know: density and the per-pass lattice (pattern placement). */
typedef struct {
    double density_per_mm2;   /* channels per mm^2 over the session */
    int pattern;              /* 1: lattice per pass; 0: random */
    long passes;              /* lattice passes (pattern) */
    double lattice_ax_mm;     /* lattice spacing along x (pattern) */
    double lattice_ay_mm;     /* lattice spacing along y (pattern) */
    int stratified;           /* 1 (and not pattern): stratified instead of Poisson */
} dermis_placement_spec;

/* Seed of session k's generator from the run seed (a 64-bit mix, so nearby seeds and sessions
 * give unrelated streams). */
unsigned long dermis_injury_session_seed(long run_seed, size_t session_index);

/* Places session channels for grid g (2-D or 3-D; 1-D gives 0 channels). Reuses set's memory.
 * Returns 0, or -1 if memory ran out. */
int dermis_channels_place(dermis_channel_set *set, const dermis_grid *g, const dermis_placement_spec *spec,
                          const dermis_channel_shape *shape, unsigned long seed);
void dermis_channel_set_free(dermis_channel_set *set);

/* Injured fraction per voxel (nx*ny*nz values in [0, 1]) of one session's channels, written
 * into damage (overwritten). 2-D/3-D: rasterized channels; 1-D: the mean profile for density. */
void dermis_injury_map(const dermis_grid *g, const dermis_channel_set *set, double density_per_mm2,
                       const dermis_channel_shape *shape, double *damage);

/* Open (channel-core) fraction of each surface cell (nx*ny values) at z = 0. */
void dermis_injury_surface_open(const dermis_grid *g, const dermis_channel_set *set, double density_per_mm2,
                                const dermis_channel_shape *shape, double *open_fraction);

/* Injured area (core + crush_damage x rim) of one channel at depth z, mm^2. */
double dermis_channel_injured_area_mm2(const dermis_channel_shape *shape, double z_mm);

#endif
