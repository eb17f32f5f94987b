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

/* The devices, one row each (the GSL step-type pattern):
 *   X(ID, name, density_per_pass, passes, lattice)
 *   ID                enum suffix: DERMIS_DEVICE_<ID> of dermis_device_type
 *   name              the configuration choice (device.type, session.N.device)
 *   density_per_pass  function of device.c: channels per cm^2 laid by one pass
 *   passes            function of device.c: passes per session
 *   lattice           function of device.c: needle spacing of one pass along x and y, mm, for a
 *                     regular arrangement other than a square lattice; NULL: a square lattice
 *                     of the pass density
 * The rows expand into the enum below, the choice names (dermis_device_names) and the table of
 * device.c, so adding a device is one row here plus its functions in device.c. */
/* clang-format off */
#define DERMIS_DEVICES(X) \
    X(DERMAROLLER, "dermaroller", roller_density, roller_passes, roller_lattice) /* drum with rows of needles */ \
    X(DERMAPEN, "dermapen", pen_density, pen_passes, NULL) /* oscillating needle cartridge glided over the skin */ \
    X(CHANNELS, "channels", channels_density, single_pass, NULL) /* explicit density, no device kinematics */
/* clang-format on */

#define DERMIS_DEVICE_ENUM(id, ...) DERMIS_DEVICE_##id,
typedef enum { DERMIS_DEVICES(DERMIS_DEVICE_ENUM) DERMIS_N_DEVICES } dermis_device_type;

/* A device kind: one row of DERMIS_DEVICES. */
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

/* The configuration name of a dermis_device_type, or "unknown". */
const char *dermis_device_name(int type);

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
