/* Restart checkpoints: implements io/checkpoint.h.
 *
 * File layout (format 2):
 *   bytes 0-511   user block: "dermis checkpoint 2\nsize N\nfnv1a64 H\n", NUL-padded; N is the
 *                 file size, H the FNV-1a 64-bit hash of bytes 512..N-1. HDF5 finds the
 *                 superblock behind it (it looks at offsets 0, 512, 1024...).
 *   /             attributes config_hash (u64), run_id (string)
 *   /<group>      one attribute per scalar (int64 or f64), one f64 dataset per array (with
 *                 a units attribute)
 * Doubles are stored as IEEE binary64, so values come back bit for bit.
 */
#include "io/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "io/h5util.h"
#include "io/output.h"
#include "model/message.h"

#define ERR_SIZE DERMIS_CHECKPOINT_ERROR_MAX
/* The user block in front of the HDF5 image: 512 bytes, the smallest HDF5 accepts. */
#define HEADER_BYTES 512
/* Growth step of the in-memory file while it is built. */
#define CORE_INCREMENT ((size_t)1 << 20)
/* Read size while hashing a checkpoint. */
#define HASH_BLOCK ((size_t)1 << 20)

/* ---- the integrity header ---- */

/* FNV-1a, 64-bit: offset basis and prime from the reference definition. */
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static unsigned long long fnv1a(unsigned long long hash, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hash ^= p[i];
        hash *= FNV_PRIME;
    }
    return hash;
}

static void format_header(unsigned char *block, unsigned long long size, unsigned long long hash)
{
    memset(block, 0, HEADER_BYTES);
    snprintf((char *)block, HEADER_BYTES, "dermis checkpoint %d\nsize %llu\nfnv1a64 %016llx\n",
             DERMIS_CHECKPOINT_FORMAT, size, hash);
}

/* ---- writing ---- */

static int write_scalar(hid_t g, const dermis_checkpoint_scalar *s)
{
    if (s->type == DERMIS_CHECKPOINT_LONG)
        return dermis_h5_set_int64(g, s->name, *(const long *)s->value);
    return dermis_h5_set_double(g, s->name, *(const double *)s->value);
}

static int write_array(hid_t g, const dermis_checkpoint_array *a)
{
    hsize_t n = a->length;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t d = space >= 0 ? H5Dcreate2(g, a->name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                         : H5I_INVALID_HID;
    int status = d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->values) >= 0 ? 0 : -1;
    if (status == 0 && a->units)
        status = dermis_h5_set_string(d, "units", a->units);
    if (d >= 0 && H5Dclose(d) < 0)
        status = -1;
    if (space >= 0)
        H5Sclose(space);
    return status;
}

static int write_group(hid_t file, const dermis_checkpoint_group *grp)
{
    hid_t g = H5Gcreate2(file, grp->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < grp->n_scalars && status == 0; i++)
        status = write_scalar(g, &grp->scalars[i]);
    for (size_t i = 0; i < grp->n_arrays && status == 0; i++)
        status = write_array(g, &grp->arrays[i]);
    return H5Gclose(g) < 0 ? -1 : status;
}

/* Builds the checkpoint as an HDF5 file in memory (core driver, no backing store, so a full
 * disk is never HDF5's problem) and returns the file: a blank user block followed by the
 * HDF5 image (malloc'ed, *size bytes). The image is taken while the file is open, so the
 * format is the library's earliest, whose superblock has no "open for writing" flags. */
static unsigned char *build_image(const char *name, const dermis_checkpoint *c, size_t *size)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_fapl_core(fapl, CORE_INCREMENT, 0) >= 0)
        f = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (f < 0)
        return NULL;
    int status = dermis_h5_set_uint64(f, "config_hash", c->config_hash) | dermis_h5_set_string(f, "run_id", c->run_id);
    for (size_t i = 0; i < c->n_groups && status == 0; i++)
        status = write_group(f, &c->groups[i]);
    unsigned char *file = NULL;
    ssize_t n = status == 0 && H5Fflush(f, H5F_SCOPE_GLOBAL) >= 0 ? H5Fget_file_image(f, NULL, 0) : -1;
    if (n > 0 && (file = malloc(HEADER_BYTES + (size_t)n)) != NULL &&
        H5Fget_file_image(f, file + HEADER_BYTES, (size_t)n) != n) {
        free(file);
        file = NULL;
    }
    H5Fclose(f);
    *size = n > 0 ? HEADER_BYTES + (size_t)n : 0;
    return file;
}

/* Writes all of buf to a new file at path and fsyncs it; errno tells why on failure. */
static int write_file(const char *path, const unsigned char *buf, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int e = done == n ? 0 : errno ? errno : ENOSPC;
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    errno = e;
    return e == 0 ? 0 : -1;
}

/* fsync a directory by path: rename() is atomic, but only durable after this. */
static int fsync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    char *dir = malloc(n + 2);
    if (!dir)
        return -1;
    if (!slash)
        strcpy(dir, ".");
    else if (n == 0)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int status = fsync(fd);
    close(fd);
    return status;
}

/* Keeps the current checkpoint as path.prev through a hard link, so path itself is never
 * missing: if the run dies before the rename below, path is still the previous checkpoint. */
static int keep_previous(const char *path, const char *prev)
{
    if (unlink(prev) != 0 && errno != ENOENT)
        return -1;
    if (link(path, prev) != 0 && errno != ENOENT)
        return -1;
    return 0;
}

static int description_valid(const dermis_checkpoint *c, char *err)
{
    if (!c || (c->n_groups > 0 && !c->groups))
        return dermis_message(err, ERR_SIZE, -1, "checkpoint: no description");
    for (size_t i = 0; i < c->n_groups; i++) {
        const dermis_checkpoint_group *g = &c->groups[i];
        if (!g->name || (g->n_scalars > 0 && !g->scalars) || (g->n_arrays > 0 && !g->arrays))
            return dermis_message(err, ERR_SIZE, -1, "checkpoint: group %zu is incomplete", i);
        for (size_t k = 0; k < g->n_scalars; k++)
            if (!g->scalars[k].name || !g->scalars[k].value)
                return dermis_message(err, ERR_SIZE, -1, "checkpoint: %s: scalar %zu is incomplete", g->name, k);
        for (size_t k = 0; k < g->n_arrays; k++)
            if (!g->arrays[k].name || !g->arrays[k].values || g->arrays[k].length == 0)
                return dermis_message(err, ERR_SIZE, -1, "checkpoint: %s: array %zu is incomplete", g->name, k);
    }
    return 0;
}

static int write_checked(const char *path, const char *tmp, const char *prev, const dermis_checkpoint *c, char *err)
{
    size_t size = 0;
    unsigned char *image = build_image(tmp, c, &size);
    if (!image)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot build the checkpoint (out of memory?)", path);
    format_header(image, size, fnv1a(FNV_OFFSET, image + HEADER_BYTES, size - HEADER_BYTES));
    int status = write_file(tmp, image, size);
    free(image);
    if (status != 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot write checkpoint: %s", tmp, strerror(errno));
    if (keep_previous(path, prev) != 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot keep the previous checkpoint: %s", prev, strerror(errno));
    if (rename(tmp, path) != 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot rename checkpoint into place: %s", path, strerror(errno));
    if (fsync_parent_dir(path) != 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: fsync of the directory failed: %s", path, strerror(errno));
    return 0;
}

int dermis_checkpoint_write(const char *path, const dermis_checkpoint *c, char err[DERMIS_CHECKPOINT_ERROR_MAX])
{
    dermis_h5_quiet();
    if (description_valid(c, err) != 0)
        return -1;
    char *tmp = dermis_path_with_suffix(path, DERMIS_CHECKPOINT_TMP_SUFFIX);
    char *prev = dermis_path_with_suffix(path, DERMIS_CHECKPOINT_PREV_SUFFIX);
    int status = tmp && prev ? write_checked(path, tmp, prev, c, err)
                             : dermis_message(err, ERR_SIZE, -1, "%s: out of memory", path);
    if (status != 0 && tmp)
        unlink(tmp);
    free(tmp);
    free(prev);
    return status;
}

/* ---- reading ---- */

/* Parses the user block of the open file; returns 0 and the recorded format, size and hash. */
static int read_header(int fd, int *format, unsigned long long *size, unsigned long long *hash)
{
    char header[HEADER_BYTES + 1];
    if (pread(fd, header, HEADER_BYTES, 0) != HEADER_BYTES)
        return -1;
    header[HEADER_BYTES] = '\0';
    return sscanf(header, "dermis checkpoint %d\nsize %llu\nfnv1a64 %llx\n", format, size, hash) == 3 ? 0 : -1;
}

/* Hashes bytes HEADER_BYTES.. of the open file; returns the count hashed, or -1. */
static long long hash_body(int fd, unsigned long long *hash)
{
    unsigned char *buf = malloc(HASH_BLOCK);
    if (!buf)
        return -1;
    unsigned long long h = FNV_OFFSET;
    off_t at = HEADER_BYTES;
    ssize_t n;
    while ((n = pread(fd, buf, HASH_BLOCK, at)) > 0) {
        h = fnv1a(h, buf, (size_t)n);
        at += n;
    }
    free(buf);
    *hash = h;
    return n < 0 ? -1 : (long long)at;
}

/* Checks the user block against the file: format, size and hash. */
static int verify_file(const char *path, char *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot read checkpoint: %s", path, strerror(errno));
    struct stat st;
    int format = 0;
    unsigned long long size = 0, recorded = 0, actual = 0;
    int status = -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        dermis_message(err, ERR_SIZE, -1, "%s: not a regular file", path);
    else if (read_header(fd, &format, &size, &recorded) != 0)
        dermis_message(err, ERR_SIZE, -1, "%s: not a dermis checkpoint (or its header is damaged)", path);
    else if (format != DERMIS_CHECKPOINT_FORMAT)
        dermis_message(err, ERR_SIZE, -1, "%s: checkpoint format %d; this dermis reads format %d only", path, format,
                       DERMIS_CHECKPOINT_FORMAT);
    else if (size != (unsigned long long)st.st_size)
        dermis_message(err, ERR_SIZE, -1, "%s: checkpoint is truncated or extended (%lld bytes, written with %llu)",
                       path, (long long)st.st_size, size);
    else if (hash_body(fd, &actual) != (long long)size || actual != recorded)
        dermis_message(err, ERR_SIZE, -1, "%s: checkpoint is damaged (its checksum does not match)", path);
    else
        status = 0;
    close(fd);
    return status;
}

/* The class of a scalar attribute (H5T_INTEGER, H5T_FLOAT...), or H5T_NO_CLASS if absent or
 * not a scalar. */
static H5T_class_t scalar_class(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0)
        return H5T_NO_CLASS;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return H5T_NO_CLASS;
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    H5T_class_t cls = t >= 0 && s >= 0 && H5Sget_simple_extent_type(s) == H5S_SCALAR ? H5Tget_class(t) : H5T_NO_CLASS;
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    H5Aclose(a);
    return cls;
}

static int read_scalar(hid_t g, const char *group, const dermis_checkpoint_scalar *s, const char *path, char *err)
{
    const int is_long = s->type == DERMIS_CHECKPOINT_LONG;
    if (scalar_class(g, s->name) != (is_long ? H5T_INTEGER : H5T_FLOAT))
        return dermis_message(err, ERR_SIZE, -1, "%s: checkpoint lacks %s.%s (%s)", path, group, s->name,
                              is_long ? "integer" : "f64");
    long long v = 0;
    if (is_long ? dermis_h5_get_int64(g, s->name, &v) : dermis_h5_get_double(g, s->name, (double *)s->value))
        return dermis_message(err, ERR_SIZE, -1, "%s: cannot read %s.%s", path, group, s->name);
    if (is_long)
        *(long *)s->value = (long)v;
    return 0;
}

static int read_array(hid_t g, const char *group, const dermis_checkpoint_array *a, const char *path, char *err)
{
    hid_t d = H5Lexists(g, a->name, H5P_DEFAULT) > 0 ? H5Dopen2(g, a->name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (d < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: checkpoint lacks %s/%s", path, group, a->name);
    hid_t space = H5Dget_space(d), type = H5Dget_type(d);
    hsize_t n = 0;
    int ok = space >= 0 && type >= 0 && H5Tget_class(type) == H5T_FLOAT &&
             H5Sget_simple_extent_ndims(space) == 1 && H5Sget_simple_extent_dims(space, &n, NULL) >= 0 &&
             n == a->length;
    if (ok)
        ok = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->values) >= 0;
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(d);
    if (!ok)
        return dermis_message(err, ERR_SIZE, -1, "%s: checkpoint %s/%s has %llu values, this run %zu", path, group,
                              a->name, (unsigned long long)n, a->length);
    return 0;
}

static int read_group(hid_t file, const dermis_checkpoint_group *grp, const char *path, char *err)
{
    hid_t g = H5Lexists(file, grp->name, H5P_DEFAULT) > 0 ? H5Gopen2(file, grp->name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (g < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: checkpoint lacks the group %s", path, grp->name);
    int status = 0;
    for (size_t i = 0; i < grp->n_scalars && status == 0; i++)
        status = read_scalar(g, grp->name, &grp->scalars[i], path, err);
    for (size_t i = 0; i < grp->n_arrays && status == 0; i++)
        status = read_array(g, grp->name, &grp->arrays[i], path, err);
    H5Gclose(g);
    return status;
}

static int check_identity(hid_t f, unsigned long long expected_hash, dermis_checkpoint *c, const char *path,
                          char *err)
{
    unsigned long long hash = 0;
    if (dermis_h5_get_uint64(f, "config_hash", &hash) != 0 ||
        dermis_h5_get_string(f, "run_id", c->run_id, sizeof c->run_id) != 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: checkpoint lacks its identity (config_hash, run_id)", path);
    if (hash != expected_hash)
        return dermis_message(err, ERR_SIZE, -1,
                              "%s: checkpoint was written for another configuration (hash %016llx, this run %016llx)",
                              path, hash, expected_hash);
    return 0;
}

int dermis_checkpoint_read(const char *path, unsigned long long expected_config_hash, dermis_checkpoint *c,
                           char err[DERMIS_CHECKPOINT_ERROR_MAX])
{
    dermis_h5_quiet();
    if (description_valid(c, err) != 0 || verify_file(path, err) != 0)
        return -1;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return dermis_message(err, ERR_SIZE, -1, "%s: checkpoint cannot be opened as HDF5", path);
    int status = check_identity(f, expected_config_hash, c, path, err);
    for (size_t i = 0; i < c->n_groups && status == 0; i++)
        status = read_group(f, &c->groups[i], path, err);
    if (H5Fclose(f) < 0 && status == 0)
        status = dermis_message(err, ERR_SIZE, -1, "%s: checkpoint is damaged", path);
    return status;
}
