/* HDF5 helpers of the sweep (internal to app/sweep_*.c). */
#ifndef DERMIS_APP_SWEEP_H5_H
#define DERMIS_APP_SWEEP_H5_H

#include <hdf5.h>

/* Opens a point's output read-only, also while its writer runs or after it was killed (SWMR
 * read); H5I_INVALID_HID if it is missing or unreadable. */
hid_t sweep_open_output(const char *path);

#endif
