/* Device kinematics -> channel density and depth (see device.h for the formulas and sources). */
#include "model/device.h"

#include <math.h>

#define MM2_PER_CM2 100.0
#define PI 3.14159265358979323846

double dermis_device_density_per_pass_cm2(const dermis_device_params *d, int type)
{
    switch (type) {
    case DERMIS_DEVICE_DERMAROLLER: {
        const double area_per_revolution_mm2 = PI * d->roller_drum_diameter_mm * d->roller_drum_width_mm;
        return (double)d->roller_needles / area_per_revolution_mm2 * MM2_PER_CM2;
    }
    case DERMIS_DEVICE_DERMAPEN: {
        const double area_per_second_mm2 = d->pen_glide_speed_mm_per_s * d->pen_path_width_mm;
        return (double)d->pen_needles * d->pen_frequency_hz / area_per_second_mm2 * MM2_PER_CM2;
    }
    case DERMIS_DEVICE_CHANNELS:
        return d->channels_per_cm2;
    default:
        return 0.0;
    }
}

long dermis_device_passes(const dermis_device_params *d, int type)
{
    if (type == DERMIS_DEVICE_DERMAROLLER) return d->roller_passes;
    if (type == DERMIS_DEVICE_DERMAPEN) return d->pen_passes;
    return 1;
}

double dermis_device_density_cm2(const dermis_device_params *d, int type)
{
    return dermis_device_density_per_pass_cm2(d, type) * (double)dermis_device_passes(d, type);
}

int dermis_device_lattice_mm(const dermis_device_params *d, int type, double *ax_mm, double *ay_mm)
{
    const double per_mm2 = dermis_device_density_per_pass_cm2(d, type) / MM2_PER_CM2;
    if (!(per_mm2 > 0.0)) return -1;
    if (type == DERMIS_DEVICE_DERMAROLLER && d->roller_rows > 0 && d->roller_needles >= d->roller_rows) {
        const double needles_per_row = (double)d->roller_needles / (double)d->roller_rows;
        *ax_mm = d->roller_drum_width_mm / needles_per_row;
        *ay_mm = PI * d->roller_drum_diameter_mm / (double)d->roller_rows;
        return 0;
    }
    *ax_mm = *ay_mm = 1.0 / sqrt(per_mm2);
    return 0;
}

double dermis_device_effective_depth_mm(const dermis_device_params *d, double nominal_depth_mm)
{
    return d->penetration_fraction * nominal_depth_mm;
}
