/* Small HDF5 helpers shared by the output writer (output.c) and checkpoints (checkpoint.c):
 * attribute set/get with netCDF-compatible types, one-line error formatting, and the
 * file-access property list that pins the on-disk format.
 *
 * Internal to the io layer. Every function returns 0 on success and -1 on failure (after
 * which the caller formats its own message); none prints.
 */
#ifndef DERMIS_IO_H5UTIL_H
#define DERMIS_IO_H5UTIL_H

#include <stddef.h>

#include <hdf5.h>

/* Turns off HDF5's automatic printing of its error stack: the io layer reports errors itself.
 * Called at every public entry point (HDF5 keeps this setting per thread). */
void dermis_h5_quiet(void);

/* File access list with libver bounds pinned to (V110, V110): SWMR needs superblock v3, and
 * "latest" would mean a newer format under HDF5 1.12+ that 1.10 readers cannot open.
 * If clear_status_flags, the open also clears a killed SWMR writer's "file is open" flags
 * (what `h5clear -s` does). Returns a property list to H5Pclose, or H5I_INVALID_HID. */
hid_t dermis_h5_fapl(int clear_status_flags);

/* Attributes. A string is stored fixed-length ASCII with its NUL (netCDF reads it as NC_CHAR).
 * Setting an existing attribute replaces it. */
int dermis_h5_set_string(hid_t obj, const char *name, const char *value);
int dermis_h5_set_double(hid_t obj, const char *name, double value);
int dermis_h5_set_float(hid_t obj, const char *name, float value);
int dermis_h5_set_int64(hid_t obj, const char *name, long long value);
int dermis_h5_set_uint64(hid_t obj, const char *name, unsigned long long value);

int dermis_h5_get_double(hid_t obj, const char *name, double *value);
int dermis_h5_get_int64(hid_t obj, const char *name, long long *value);
int dermis_h5_get_uint64(hid_t obj, const char *name, unsigned long long *value);
/* Reads a string attribute into buf (truncated to buf_size - 1 characters, always terminated). */
int dermis_h5_get_string(hid_t obj, const char *name, char *buf, size_t buf_size);

#endif
