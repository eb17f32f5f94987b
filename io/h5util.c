/* Small HDF5 helpers shared by output.c and checkpoint.c: see h5util.h. */
#include "io/h5util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dermis_h5_quiet(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* HDF5 1.10 has no public call to clear the superblock status flags; h5clear sets this
 * private file-access property by name through the public H5Pset, and so do we. */
#define DERMIS_H5_CLEAR_STATUS_FLAGS "clear_status_flags"

hid_t dermis_h5_fapl(int clear_status_flags)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return H5I_INVALID_HID;
    if (H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110) < 0) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    if (clear_status_flags) {
        hbool_t clear = 1;
        if (H5Pset(fapl, DERMIS_H5_CLEAR_STATUS_FLAGS, &clear) < 0) {
            H5Pclose(fapl);
            return H5I_INVALID_HID;
        }
    }
    return fapl;
}

/* Creates (replacing) a scalar attribute of file type ftype and writes value of memory type mtype. */
static int set_scalar(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value)
{
    if (H5Aexists(obj, name) > 0 && H5Adelete(obj, name) < 0)
        return -1;
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return -1;
    hid_t attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    if (attr < 0)
        return -1;
    herr_t status = H5Awrite(attr, mtype, value);
    if (H5Aclose(attr) < 0 || status < 0)
        return -1;
    return 0;
}

int dermis_h5_set_string(hid_t obj, const char *name, const char *value)
{
    /* The terminating NUL is stored too (as H5LTset_attribute_string does): C readers such as
     * H5LTget_attribute_string then get a terminated string; netCDF and h5py drop the NUL. */
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return -1;
    int status = -1;
    if (H5Tset_size(type, strlen(value) + 1) >= 0 && H5Tset_strpad(type, H5T_STR_NULLTERM) >= 0 &&
        H5Tset_cset(type, H5T_CSET_ASCII) >= 0)
        status = set_scalar(obj, name, type, type, value);
    H5Tclose(type);
    return status;
}

int dermis_h5_set_double(hid_t obj, const char *name, double value)
{
    return set_scalar(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

int dermis_h5_set_float(hid_t obj, const char *name, float value)
{
    return set_scalar(obj, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, &value);
}

int dermis_h5_set_int64(hid_t obj, const char *name, long long value)
{
    return set_scalar(obj, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, &value);
}

int dermis_h5_set_uint64(hid_t obj, const char *name, unsigned long long value)
{
    return set_scalar(obj, name, H5T_STD_U64LE, H5T_NATIVE_ULLONG, &value);
}

static int get_scalar(hid_t obj, const char *name, hid_t mtype, void *value)
{
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    herr_t status = H5Aread(attr, mtype, value);
    if (H5Aclose(attr) < 0 || status < 0)
        return -1;
    return 0;
}

int dermis_h5_get_double(hid_t obj, const char *name, double *value)
{
    return get_scalar(obj, name, H5T_NATIVE_DOUBLE, value);
}

int dermis_h5_get_int64(hid_t obj, const char *name, long long *value)
{
    return get_scalar(obj, name, H5T_NATIVE_LLONG, value);
}

int dermis_h5_get_uint64(hid_t obj, const char *name, unsigned long long *value)
{
    return get_scalar(obj, name, H5T_NATIVE_ULLONG, value);
}

int dermis_h5_get_string(hid_t obj, const char *name, char *buf, size_t buf_size)
{
    if (buf_size == 0 || H5Aexists(obj, name) <= 0)
        return -1;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    hid_t ftype = H5Aget_type(attr);
    int status = -1;
    if (ftype >= 0 && H5Tget_class(ftype) == H5T_STRING && !H5Tis_variable_str(ftype)) {
        size_t size = H5Tget_size(ftype);
        char *tmp = calloc(size + 1, 1);
        hid_t mtype = H5Tcopy(ftype);
        if (tmp && mtype >= 0 && H5Aread(attr, mtype, tmp) >= 0) {
            snprintf(buf, buf_size, "%s", tmp);
            status = 0;
        }
        if (mtype >= 0)
            H5Tclose(mtype);
        free(tmp);
    }
    if (ftype >= 0)
        H5Tclose(ftype);
    H5Aclose(attr);
    return status;
}
