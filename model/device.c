/* Device kinematics -> channel density and depth (see device.h for the formulas and sources).
 * Each device is one row of DERMIS_DEVICES (device.h), expanded into `devices` below. */
#include "model/device.h"

#include <math.h>

#define MM2_PER_CM2 100.0
#define PI 3.14159265358979323846

/* Dermaroller: the drum's needles over drum circumference x drum width per revolution. */
static double roller_density(const dermis_device_params *d)
{
    const double area_per_revolution_mm2 = PI * d->roller_drum_diameter_mm * d->roller_drum_width_mm;
    return (double)d->roller_needles / area_per_revolution_mm2 * MM2_PER_CM2;
}

static long roller_passes(const dermis_device_params *d) { return d->roller_passes; }

/* The drum's needles along its axis, its rows around the circumference. */
static int roller_lattice(const dermis_device_params *d, double *ax_mm, double *ay_mm)
{
    if (!(d->roller_rows > 0 && d->roller_needles >= d->roller_rows)) return -1;
    const double needles_per_row = (double)d->roller_needles / (double)d->roller_rows;
    *ax_mm = d->roller_drum_width_mm / needles_per_row;
    *ay_mm = PI * d->roller_drum_diameter_mm / (double)d->roller_rows;
    return 0;
}

/* Dermapen: n needles at f Hz glided at speed v over a path of width w. */
static double pen_density(const dermis_device_params *d)
{
    const double area_per_second_mm2 = d->pen_glide_speed_mm_per_s * d->pen_path_width_mm;
    return (double)d->pen_needles * d->pen_frequency_hz / area_per_second_mm2 * MM2_PER_CM2;
}

static long pen_passes(const dermis_device_params *d) { return d->pen_passes; }

/* Explicit channels: the whole session's density in one pass. */
static double channels_density(const dermis_device_params *d) { return d->channels_per_cm2; }

static long single_pass(const dermis_device_params *d)
{
    (void)d;
    return 1;
}

#define DEVICE_NAME(id, name, ...) name,
const char *const dermis_device_names[] = {DERMIS_DEVICES(DEVICE_NAME) NULL};

#define DEVICE_ROW(id, name, density, passes, lattice) [DERMIS_DEVICE_##id] = {name, density, passes, lattice},
static const dermis_device_kind devices[DERMIS_N_DEVICES] = {DERMIS_DEVICES(DEVICE_ROW)};

const dermis_device_kind *dermis_device_kind_of(int type)
{
    return type >= 0 && type < DERMIS_N_DEVICES ? &devices[type] : NULL;
}

const char *dermis_device_name(int type)
{
    const dermis_device_kind *k = dermis_device_kind_of(type);
    return k ? k->name : "unknown";
}

double dermis_device_density_per_pass_cm2(const dermis_device_params *d, int type)
{
    const dermis_device_kind *k = dermis_device_kind_of(type);
    return k ? k->density_per_pass_cm2(d) : 0.0;
}

long dermis_device_passes(const dermis_device_params *d, int type)
{
    const dermis_device_kind *k = dermis_device_kind_of(type);
    return k ? k->passes(d) : 0;
}

double dermis_device_density_cm2(const dermis_device_params *d, int type)
{
    return dermis_device_density_per_pass_cm2(d, type) * (double)dermis_device_passes(d, type);
}

int dermis_device_lattice_mm(const dermis_device_params *d, int type, double *ax_mm, double *ay_mm)
{
    const double per_mm2 = dermis_device_density_per_pass_cm2(d, type) / MM2_PER_CM2;
    if (!(per_mm2 > 0.0)) return -1;
    const dermis_device_kind *k = dermis_device_kind_of(type);
    if (k->lattice_mm && k->lattice_mm(d, ax_mm, ay_mm) == 0) return 0;
    *ax_mm = *ay_mm = 1.0 / sqrt(per_mm2);
    return 0;
}

double dermis_device_effective_depth_mm(const dermis_device_params *d, double nominal_depth_mm)
{
    return d->penetration_fraction * nominal_depth_mm;
}
