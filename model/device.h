/* Needling devices: channel density per session and effective channel depth.
 *
 * Dermaroller (Schwarz & Laaff 2011; Fernandes): one pass rolls the drum's needles over an area
 * of drum circumference x drum width per revolution, so
 *     holes per cm^2 per pass = needles / (pi * drum diameter * drum width),
 * 192 needles on a 2 cm x 2 cm drum give 15.3 cm^-2 per pass, 229 cm^-2 after 15 passes
 * (the often-quoted ~250 cm^-2).
 * Dermapen: a cartridge of n needles oscillating at f Hz glided at speed v over a path of width w
 * punctures n f / (v w) per unit area per pass: 12 x 100 Hz / (20 mm/s x 5 mm) = 1200 cm^-2.
 * Channels: the density is given explicitly.
 * Effective depth = penetration fraction x nominal needle length (Kalluri 2011: ~20 % rat
 * roller; Donnelly 2011: ~77 % human microneedle; default 0.5, reference section e.3).
 */
#ifndef DERMIS_MODEL_DEVICE_H
#define DERMIS_MODEL_DEVICE_H

#include "model/protocol.h"

/* A device kind (the GSL step-type pattern): one const row per dermis_device_type in device.c.
 * Adding a device is one row there plus its density function (and, for a regular needle
 * arrangement other than a square lattice, its lattice function). */
typedef struct {
    const char *name;                                              /* the configuration choice */
    double (*density_per_pass_cm2)(const dermis_device_params *d); /* channels per cm^2 per pass */
    long (*passes)(const dermis_device_params *d);                 /* passes per session */
    /* Needle spacing of one pass along x and y, mm; NULL (or a return of -1) means a square
     * lattice of the pass density. */
    int (*lattice_mm)(const dermis_device_params *d, double *ax_mm, double *ay_mm);
} dermis_device_kind;

/* The row of a dermis_device_type, or NULL for an unknown type. */
const dermis_device_kind *dermis_device_kind_of(int type);

/* Channels per cm^2 laid by one pass of device `type` (a dermis_device_type; for "channels"
 * the whole session's density). Returns 0 for an unknown type. */
double dermis_device_density_per_pass_cm2(const dermis_device_params *d, int type);

/* Number of passes of one session (1 for explicit channels, 0 for an unknown type). */
long dermis_device_passes(const dermis_device_params *d, int type);

/* Channels per cm^2 laid by one session: density per pass x passes. */
double dermis_device_density_cm2(const dermis_device_params *d, int type);

/* Regular pattern of one pass: needle spacing along x (ax) and y (ay), mm. Roller: the drum's
 * needles along its axis and its rows around the circumference; pen and channels: a square
 * lattice of the same density. Returns 0, or -1 if the density is not positive. */
int dermis_device_lattice_mm(const dermis_device_params *d, int type, double *ax_mm, double *ay_mm);

/* Effective channel depth, mm, for a nominal needle length (or pen depth setting) in mm. */
double dermis_device_effective_depth_mm(const dermis_device_params *d, double nominal_depth_mm);

#endif
