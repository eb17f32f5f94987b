/* Restart checkpoints: implements io/checkpoint.h.
 *
 * File layout (format 1):
 *   /           attributes: checkpoint_format, writer_version, config_hash, t_day,
 *               output_frames, observable_rows, session_cursor, next_*_day, rng_bytes,
 *               controller.* (dermis_solver_controller), stats.* (dermis_solver_stats),
 *               extra.<name> (caller's named model state)
 *   /state      (field, voxel) f64, chunked with Fletcher-32
 *   /rng_state  (byte) u8, chunked with Fletcher-32 (absent when rng_bytes == 0)
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
#include "version.h"

#define ERR_SIZE DERMIS_CHECKPOINT_ERROR_MAX
/* State chunk along voxels: 1 MiB of doubles. */
#define STATE_CHUNK_VOXELS ((size_t)1 << 17)
#define RNG_CHUNK_BYTES ((size_t)1 << 16)

/* ---- writing ---- */

static hid_t create_checked_dataset(hid_t file, const char *name, hid_t ftype, int rank, const hsize_t *dims,
                                    const hsize_t *chunk)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = H5I_INVALID_HID;
    /* Fletcher-32 so that a damaged chunk fails to read instead of restarting from garbage. */
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0 && H5Pset_fletcher32(dcpl) >= 0)
        d = H5Dcreate2(file, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return d;
}

static int write_state(hid_t file, const dermis_checkpoint *c)
{
    hsize_t dims[2] = {c->n_fields, c->n_voxels};
    hsize_t chunk[2] = {1, c->n_voxels < STATE_CHUNK_VOXELS ? c->n_voxels : STATE_CHUNK_VOXELS};
    hid_t d = create_checked_dataset(file, "state", H5T_IEEE_F64LE, 2, dims, chunk);
    if (d < 0)
        return -1;
    herr_t status = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, c->state);
    return H5Dclose(d) < 0 || status < 0 ? -1 : 0;
}

static int write_rng(hid_t file, const dermis_checkpoint *c)
{
    if (c->rng_bytes == 0)
        return 0;
    hsize_t dims = c->rng_bytes;
    hsize_t chunk = c->rng_bytes < RNG_CHUNK_BYTES ? c->rng_bytes : RNG_CHUNK_BYTES;
    hid_t d = create_checked_dataset(file, "rng_state", H5T_STD_U8LE, 1, &dims, &chunk);
    if (d < 0)
        return -1;
    herr_t status = H5Dwrite(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, c->rng_state);
    return H5Dclose(d) < 0 || status < 0 ? -1 : 0;
}

static int write_controller_and_stats(hid_t f, const dermis_checkpoint *c)
{
    const dermis_solver_controller *k = &c->controller;
    const dermis_solver_stats *s = &c->stats;
    return dermis_h5_set_double(f, "controller.dt_next_day", k->dt_next_day) |
           dermis_h5_set_double(f, "controller.err_prev", k->err_prev) |
           dermis_h5_set_int64(f, "controller.steps_accepted", k->steps_accepted) |
           dermis_h5_set_int64(f, "controller.steps_rejected", k->steps_rejected) |
           dermis_h5_set_int64(f, "stats.steps_accepted", s->steps_accepted) |
           dermis_h5_set_int64(f, "stats.steps_rejected", s->steps_rejected) |
           dermis_h5_set_int64(f, "stats.rhs_evaluations", s->rhs_evaluations) |
           dermis_h5_set_double(f, "stats.wall_diffusion_s", s->wall_diffusion_s) |
           dermis_h5_set_double(f, "stats.wall_chemotaxis_s", s->wall_chemotaxis_s) |
           dermis_h5_set_double(f, "stats.wall_reaction_s", s->wall_reaction_s) |
           dermis_h5_set_double(f, "stats.dt_last_day", s->dt_last_day) |
           dermis_h5_set_double(f, "stats.dt_min_used_day", s->dt_min_used_day) |
           dermis_h5_set_double(f, "stats.dt_max_used_day", s->dt_max_used_day);
}

static int write_scalars(hid_t f, const dermis_checkpoint *c)
{
    int status = dermis_h5_set_int64(f, "checkpoint_format", DERMIS_CHECKPOINT_FORMAT) |
                 dermis_h5_set_string(f, "writer_version", "dermis " DERMIS_VERSION " " DERMIS_GIT_COMMIT) |
                 dermis_h5_set_uint64(f, "config_hash", c->config_hash) |
                 dermis_h5_set_string(f, "output_run_id", c->run_id) | dermis_h5_set_double(f, "t_day", c->t_day) |
                 dermis_h5_set_uint64(f, "output_frames", c->output_frames) |
                 dermis_h5_set_uint64(f, "observable_rows", c->observable_rows) |
                 dermis_h5_set_uint64(f, "session_cursor", c->session_cursor) |
                 dermis_h5_set_double(f, "next_output_day", c->next_output_day) |
                 dermis_h5_set_double(f, "next_observable_day", c->next_observable_day) |
                 dermis_h5_set_double(f, "next_checkpoint_day", c->next_checkpoint_day) |
                 dermis_h5_set_uint64(f, "rng_bytes", c->rng_bytes) | write_controller_and_stats(f, c);
    for (size_t i = 0; i < c->n_extra && status == 0; i++) {
        char name[256];
        snprintf(name, sizeof name, "extra.%s", c->extra_names[i]);
        status = dermis_h5_set_double(f, name, c->extra_values[i]);
    }
    return status;
}

static int write_hdf5(const char *tmp, const dermis_checkpoint *c, char *err)
{
    hid_t fapl = dermis_h5_fapl(0);
    errno = 0;
    hid_t f = fapl >= 0 ? H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl) : H5I_INVALID_HID;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (f < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot create checkpoint%s%s", tmp, errno ? ": " : "",
                              errno ? strerror(errno) : "");
    int status = write_scalars(f, c) | write_state(f, c) | write_rng(f, c);
    if (H5Fclose(f) < 0 || status != 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot write checkpoint (disk full?)", tmp);
    return 0;
}

/* fsync a file or directory by path: rename() is atomic, but only durable after this. */
static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int status = fsync(fd);
    close(fd);
    return status;
}

static int fsync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return fsync_path(".");
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 2);
    if (!dir)
        return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (n == 0)
        strcpy(dir, "/");
    int status = fsync_path(dir);
    free(dir);
    return status;
}

static char *with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", path, suffix);
    return s;
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

static int checkpoint_valid(const dermis_checkpoint *c, char *err)
{
    if (!c || c->n_fields == 0 || c->n_voxels == 0 || !c->state)
        return dermis_h5_fail(err, ERR_SIZE, "checkpoint: empty state");
    if (c->rng_bytes > 0 && !c->rng_state)
        return dermis_h5_fail(err, ERR_SIZE, "checkpoint: RNG state missing");
    if (c->n_extra > 0 && (!c->extra_names || !c->extra_values))
        return dermis_h5_fail(err, ERR_SIZE, "checkpoint: extra values missing");
    return 0;
}

int dermis_checkpoint_write(const char *path, const dermis_checkpoint *c, char err[DERMIS_CHECKPOINT_ERROR_MAX])
{
    dermis_h5_quiet();
    if (checkpoint_valid(c, err) != 0)
        return -1;
    char *tmp = with_suffix(path, ".tmp");
    char *prev = with_suffix(path, ".prev");
    int status = tmp && prev ? 0 : dermis_h5_fail(err, ERR_SIZE, "%s: out of memory", path);
    if (status == 0)
        status = write_hdf5(tmp, c, err);
    if (status == 0 && fsync_path(tmp) != 0)
        status = dermis_h5_fail(err, ERR_SIZE, "%s: fsync failed: %s", tmp, strerror(errno));
    if (status == 0 && keep_previous(path, prev) != 0)
        status = dermis_h5_fail(err, ERR_SIZE, "%s: cannot keep the previous checkpoint: %s", prev, strerror(errno));
    if (status == 0 && rename(tmp, path) != 0)
        status = dermis_h5_fail(err, ERR_SIZE, "%s: cannot rename checkpoint into place: %s", path, strerror(errno));
    if (status == 0 && fsync_parent_dir(path) != 0)
        status = dermis_h5_fail(err, ERR_SIZE, "%s: fsync of the directory failed: %s", path, strerror(errno));
    if (status != 0 && tmp)
        unlink(tmp);
    free(tmp);
    free(prev);
    return status;
}

/* ---- reading ---- */

static int read_controller_and_stats(hid_t f, dermis_checkpoint *c)
{
    long long acc, rej, s_acc, s_rej, rhs;
    int status = dermis_h5_get_double(f, "controller.dt_next_day", &c->controller.dt_next_day) |
                 dermis_h5_get_double(f, "controller.err_prev", &c->controller.err_prev) |
                 dermis_h5_get_int64(f, "controller.steps_accepted", &acc) |
                 dermis_h5_get_int64(f, "controller.steps_rejected", &rej) |
                 dermis_h5_get_int64(f, "stats.steps_accepted", &s_acc) |
                 dermis_h5_get_int64(f, "stats.steps_rejected", &s_rej) |
                 dermis_h5_get_int64(f, "stats.rhs_evaluations", &rhs) |
                 dermis_h5_get_double(f, "stats.wall_diffusion_s", &c->stats.wall_diffusion_s) |
                 dermis_h5_get_double(f, "stats.wall_chemotaxis_s", &c->stats.wall_chemotaxis_s) |
                 dermis_h5_get_double(f, "stats.wall_reaction_s", &c->stats.wall_reaction_s) |
                 dermis_h5_get_double(f, "stats.dt_last_day", &c->stats.dt_last_day) |
                 dermis_h5_get_double(f, "stats.dt_min_used_day", &c->stats.dt_min_used_day) |
                 dermis_h5_get_double(f, "stats.dt_max_used_day", &c->stats.dt_max_used_day);
    if (status != 0)
        return -1;
    c->controller.steps_accepted = (long)acc;
    c->controller.steps_rejected = (long)rej;
    c->stats.steps_accepted = (long)s_acc;
    c->stats.steps_rejected = (long)s_rej;
    c->stats.rhs_evaluations = (long)rhs;
    return 0;
}

static int read_scalars(hid_t f, dermis_checkpoint *c)
{
    unsigned long long frames, rows, cursor;
    int status = dermis_h5_get_double(f, "t_day", &c->t_day) | dermis_h5_get_uint64(f, "output_frames", &frames) |
                 dermis_h5_get_uint64(f, "observable_rows", &rows) |
                 dermis_h5_get_uint64(f, "session_cursor", &cursor) |
                 dermis_h5_get_double(f, "next_output_day", &c->next_output_day) |
                 dermis_h5_get_double(f, "next_observable_day", &c->next_observable_day) |
                 dermis_h5_get_double(f, "next_checkpoint_day", &c->next_checkpoint_day) |
                 dermis_h5_get_string(f, "writer_version", c->writer_version, sizeof c->writer_version) |
                 dermis_h5_get_string(f, "output_run_id", c->run_id, sizeof c->run_id) |
                 read_controller_and_stats(f, c);
    c->output_frames = (size_t)frames;
    c->observable_rows = (size_t)rows;
    c->session_cursor = (size_t)cursor;
    return status;
}

static int read_extra(hid_t f, dermis_checkpoint *c, const char *path, char *err)
{
    for (size_t i = 0; i < c->n_extra; i++) {
        char name[256];
        snprintf(name, sizeof name, "extra.%s", c->extra_names[i]);
        if (dermis_h5_get_double(f, name, &c->extra_values[i]) != 0)
            return dermis_h5_fail(err, ERR_SIZE, "%s: checkpoint lacks model state '%s'", path, c->extra_names[i]);
    }
    return 0;
}

/* Reads a whole dataset whose extent must be exactly dims (rank 1 or 2). */
static int read_exact(hid_t f, const char *name, hid_t mtype, int rank, const hsize_t *dims, void *buf)
{
    hid_t d = H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (d < 0)
        return -1;
    hid_t space = H5Dget_space(d);
    hsize_t stored[2] = {0, 0};
    int ok = space >= 0 && H5Sget_simple_extent_ndims(space) == rank &&
             H5Sget_simple_extent_dims(space, stored, NULL) >= 0 && stored[0] == dims[0] &&
             (rank == 1 || stored[1] == dims[1]);
    if (space >= 0)
        H5Sclose(space);
    /* Fletcher-32 is verified here: a damaged chunk makes H5Dread fail. */
    if (ok)
        ok = H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    H5Dclose(d);
    return ok ? 0 : -1;
}

static int read_arrays(hid_t f, dermis_checkpoint *c, const char *path, char *err)
{
    unsigned long long rng_bytes = 0;
    if (dermis_h5_get_uint64(f, "rng_bytes", &rng_bytes) != 0 || rng_bytes != c->rng_bytes)
        return dermis_h5_fail(err, ERR_SIZE, "%s: checkpoint RNG state has %llu bytes, expected %zu", path, rng_bytes,
                              c->rng_bytes);
    hsize_t dims[2] = {c->n_fields, c->n_voxels};
    if (read_exact(f, "state", H5T_NATIVE_DOUBLE, 2, dims, c->state) != 0)
        return dermis_h5_fail(err, ERR_SIZE,
                              "%s: checkpoint state is damaged or not %zu fields x %zu voxels", path, c->n_fields,
                              c->n_voxels);
    hsize_t rng_dims = c->rng_bytes;
    if (c->rng_bytes > 0 && read_exact(f, "rng_state", H5T_NATIVE_UCHAR, 1, &rng_dims, c->rng_state) != 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: checkpoint RNG state is damaged", path);
    return 0;
}

static int check_identity(hid_t f, unsigned long long expected_hash, const char *path, char *err)
{
    long long format = 0;
    unsigned long long hash = 0;
    if (dermis_h5_get_int64(f, "checkpoint_format", &format) != 0 || format != DERMIS_CHECKPOINT_FORMAT)
        return dermis_h5_fail(err, ERR_SIZE, "%s: not a dermis checkpoint of format %d", path,
                              DERMIS_CHECKPOINT_FORMAT);
    if (dermis_h5_get_uint64(f, "config_hash", &hash) != 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: checkpoint is damaged (no config hash)", path);
    if (hash != expected_hash)
        return dermis_h5_fail(err, ERR_SIZE,
                              "%s: checkpoint was written for another configuration (hash %016llx, this run %016llx)",
                              path, hash, expected_hash);
    return 0;
}

int dermis_checkpoint_read(const char *path, unsigned long long expected_config_hash, dermis_checkpoint *c,
                           char err[DERMIS_CHECKPOINT_ERROR_MAX])
{
    dermis_h5_quiet();
    if (checkpoint_valid(c, err) != 0)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: cannot read checkpoint: %s", path, strerror(errno));
    hid_t fapl = dermis_h5_fapl(0);
    hid_t f = fapl >= 0 ? H5Fopen(path, H5F_ACC_RDONLY, fapl) : H5I_INVALID_HID;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (f < 0)
        return dermis_h5_fail(err, ERR_SIZE, "%s: checkpoint is truncated, damaged or not HDF5", path);
    int status = check_identity(f, expected_config_hash, path, err);
    if (status == 0 && read_scalars(f, c) != 0)
        status = dermis_h5_fail(err, ERR_SIZE, "%s: checkpoint is damaged (missing attributes)", path);
    if (status == 0)
        status = read_arrays(f, c, path, err);
    if (status == 0)
        status = read_extra(f, c, path, err);
    if (H5Fclose(f) < 0 && status == 0)
        status = dermis_h5_fail(err, ERR_SIZE, "%s: checkpoint is damaged", path);
    return status;
}
