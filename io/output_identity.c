/* Identity of output files: implements io/output_identity.h. */
#include "io/output_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "io/h5util.h"

/* The HDF5 superblock signature; dermis writes no user block, so it is at offset 0. */
static const unsigned char hdf5_signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
/* The sidecar's grid name (io/xdmf.c writes it): what marks an .xmf file as ours. */
static const char sidecar_marker[] = "<Grid Name=\"dermis\"";

int dermis_run_id_new(char id[DERMIS_RUN_ID_SIZE])
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, b, sizeof b) : -1;
    if (fd >= 0)
        close(fd);
    if (n != (ssize_t)sizeof b)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4: random */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(id, DERMIS_RUN_ID_SIZE,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
             b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

static void set_other(dermis_probe *p, const char *what)
{
    p->kind = DERMIS_PROBE_OTHER;
    snprintf(p->what, sizeof p->what, "%s", what);
}

/* Reads up to n bytes from the start of a regular file; returns the count, or -1. */
static ssize_t read_head(const char *path, void *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t got = read(fd, buf, n);
    close(fd);
    return got;
}

/* Stats path; 1 if it is a regular file, 0 if absent (p filled), -1 if something else (p filled). */
static int regular_file(const char *path, dermis_probe *p)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) {
            p->kind = DERMIS_PROBE_ABSENT;
            return 0;
        }
        char what[96];
        snprintf(what, sizeof what, "unreadable (%s)", strerror(errno));
        set_other(p, what);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        set_other(p, S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
        return -1;
    }
    return 1;
}

/* Opens an HDF5 file read-only: as a SWMR reader first (a file whose writer was killed while
 * writing in SWMR mode), then clearing the "open for writing" flags in memory only (a writer
 * killed outside SWMR mode); the file itself is not changed. */
static hid_t open_for_reading(const char *path)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        hid_t fapl = dermis_h5_fapl(attempt);
        if (fapl < 0)
            return H5I_INVALID_HID;
        unsigned flags = attempt == 0 ? H5F_ACC_RDONLY | H5F_ACC_SWMR_READ : H5F_ACC_RDONLY;
        hid_t f = H5Fopen(path, flags, fapl);
        H5Pclose(fapl);
        if (f >= 0)
            return f;
    }
    return H5I_INVALID_HID;
}

int dermis_probe_path(const char *path, dermis_probe *p)
{
    memset(p, 0, sizeof *p);
    if (regular_file(path, p) <= 0)
        return 0;
    unsigned char head[sizeof hdf5_signature];
    if (read_head(path, head, sizeof head) != (ssize_t)sizeof head || memcmp(head, hdf5_signature, sizeof head) != 0) {
        set_other(p, "not an HDF5 file");
        return 0;
    }
    dermis_h5_quiet();
    hid_t f = open_for_reading(path);
    if (f < 0) {
        set_other(p, "an HDF5 file that cannot be opened");
        return 0;
    }
    char version[64];
    if (dermis_h5_get_string(f, "dermis_version", version, sizeof version) != 0) {
        set_other(p, "an HDF5 file that is not a dermis output");
    } else {
        p->kind = DERMIS_PROBE_OUTPUT;
        if (dermis_h5_get_string(f, "run_id", p->run_id, sizeof p->run_id) != 0)
            p->run_id[0] = '\0';
        if (dermis_h5_get_string(f, "run_status", p->run_status, sizeof p->run_status) != 0)
            snprintf(p->run_status, sizeof p->run_status, "unknown");
    }
    H5Fclose(f);
    return 0;
}

int dermis_probe_sidecar(const char *path, dermis_probe *p)
{
    memset(p, 0, sizeof *p);
    if (regular_file(path, p) <= 0)
        return 0;
    char head[512];
    ssize_t n = read_head(path, head, sizeof head - 1);
    head[n > 0 ? n : 0] = '\0';
    if (strstr(head, "<Xdmf") != NULL && strstr(head, sidecar_marker) != NULL)
        p->kind = DERMIS_PROBE_SIDECAR;
    else
        set_other(p, "not an XDMF sidecar written by dermis");
    return 0;
}
