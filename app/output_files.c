/* The files a run owns around its output path: implements app/output_files.h. */
#include "app/output_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/checkpoint.h"
#include "io/output.h"
#include "model/message.h"

/* Attempts to take a lock whose file another run removed between our open and our flock. */
#define LOCK_ATTEMPTS 5

/* OUT.ckpt and the files dermis_checkpoint_write keeps next to it. */
static const char *const checkpoint_suffixes[] = {"", DERMIS_CHECKPOINT_PREV_SUFFIX, DERMIS_CHECKPOINT_TMP_SUFFIX};
#define N_CHECKPOINT_SUFFIXES (sizeof checkpoint_suffixes / sizeof *checkpoint_suffixes)

/* The pid the lock holder wrote into the lock file, or 0. */
static long lock_holder(int fd)
{
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    return strtol(buf, NULL, 10);
}

/* 1 if fd is still the file at path (a lock on a file another run already removed protects
 * nothing), 0 if not. */
static int still_linked(int fd, const char *path)
{
    struct stat held, named;
    return fstat(fd, &held) == 0 && stat(path, &named) == 0 && held.st_dev == named.st_dev &&
           held.st_ino == named.st_ino;
}

static int take_lock(dermis_output_files *f, char *err, size_t errlen)
{
    for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
        int fd = open(f->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return dermis_message(err, errlen, 1, "%s: cannot create the lock file: %s", f->lock, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            long pid = lock_holder(fd);
            close(fd);
            if (e != EWOULDBLOCK)
                return dermis_message(err, errlen, 1, "%s: cannot lock: %s", f->lock, strerror(e));
            return dermis_message(
                err, errlen, 1,
                "%s: another dermis run (pid %ld) is writing this output; wait for it or choose another -o", f->out,
                pid);
        }
        if (still_linked(fd, f->lock)) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
                /* The pid is only for the message of a refused second run; the lock holds anyway. */
            }
            f->lock_fd = fd;
            return 0;
        }
        close(fd);
    }
    return dermis_message(err, errlen, 1, "%s: cannot take the lock (it keeps being replaced)", f->lock);
}

int dermis_output_files_lock(dermis_output_files *f, const char *out, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->lock_fd = -1;
    f->out = dermis_path_with_suffix(out, "");
    f->partial = dermis_path_with_suffix(out, ".partial");
    f->xmf = dermis_output_sidecar_path(out);
    f->ckpt = dermis_path_with_suffix(out, ".ckpt");
    f->lock = dermis_path_with_suffix(out, ".lock");
    if (!f->out || !f->partial || !f->xmf || !f->ckpt || !f->lock)
        return dermis_message(err, errlen, 1, "out of memory");
    return take_lock(f, err, errlen);
}

void dermis_output_files_release(dermis_output_files *f)
{
    if (f->lock_fd >= 0) {
        /* Unlink while holding the lock: a run waiting on this file sees it is gone and retries. */
        unlink(f->lock);
        close(f->lock_fd);
    }
    free(f->out);
    free(f->partial);
    free(f->xmf);
    free(f->ckpt);
    free(f->lock);
    memset(f, 0, sizeof *f);
    f->lock_fd = -1;
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Is there any checkpoint of an earlier run to OUT? */
static const char *existing_checkpoint(const dermis_output_files *f, char *buf, size_t n)
{
    for (size_t i = 0; i < N_CHECKPOINT_SUFFIXES; i++) {
        snprintf(buf, n, "%s%s", f->ckpt, checkpoint_suffixes[i]);
        if (access(buf, F_OK) == 0)
            return buf;
    }
    return NULL;
}

int dermis_output_files_check_fresh(const dermis_output_files *f, int overwrite, const char *config_path, char *err,
                                    size_t errlen)
{
    if (ends_with(f->out, ".xmf"))
        return dermis_message(err, errlen, 2,
                              "-o %s: the output is the .nc file; the .xmf sidecar is written next to it", f->out);
    if (same_file(f->out, config_path))
        return dermis_message(err, errlen, 2, "-o %s: is the configuration file; refusing to replace it", f->out);
    dermis_probe p;
    dermis_probe_path(f->out, &p);
    if (p.kind == DERMIS_PROBE_OTHER)
        return dermis_message(err, errlen, 2, "-o %s: exists and is %s, not a dermis output; refusing to replace it",
                              f->out, p.what);
    if (p.kind == DERMIS_PROBE_OUTPUT && !overwrite)
        return dermis_message(
            err, errlen, 2,
            "-o %s: holds an earlier result (run_status %s); use --overwrite to replace it, or another -o", f->out,
            p.run_status);
    dermis_probe x;
    dermis_probe_sidecar(f->xmf, &x);
    if (x.kind == DERMIS_PROBE_OTHER || same_file(f->xmf, config_path))
        return dermis_message(err, errlen, 2, "%s: exists and is %s; refusing to replace it with the output's sidecar",
                              f->xmf, x.kind == DERMIS_PROBE_OTHER ? x.what : "the configuration file");
    if (x.kind == DERMIS_PROBE_SIDECAR && !overwrite)
        return dermis_message(err, errlen, 2,
                              "%s: holds the sidecar of an earlier result; use --overwrite to replace it", f->xmf);
    char ckpt[4096];
    const char *old = existing_checkpoint(f, ckpt, sizeof ckpt);
    if (old && !overwrite)
        return dermis_message(err, errlen, 2,
                              "%s: a checkpoint of an earlier run to %s exists; continue it with --restart %s, or use "
                              "--overwrite to start afresh",
                              old, f->out, f->ckpt);
    return 0;
}

int dermis_output_files_check_restart(const dermis_output_files *f, const char *run_id, const char *ckpt_path,
                                      char *err, size_t errlen)
{
    dermis_probe p;
    dermis_probe_path(f->out, &p);
    if (p.kind == DERMIS_PROBE_ABSENT)
        return dermis_message(err, errlen, 2, "--restart %s: the output %s it continues does not exist", ckpt_path,
                              f->out);
    if (p.kind != DERMIS_PROBE_OUTPUT)
        return dermis_message(err, errlen, 2, "-o %s: is %s, not a dermis output to continue", f->out, p.what);
    if (strcmp(p.run_id, run_id) != 0)
        return dermis_message(
            err, errlen, 2,
            "--restart %s: the checkpoint belongs to run %s, but %s holds run %s; refusing to mix two runs", ckpt_path,
            run_id, f->out, p.run_id[0] ? p.run_id : "(none)");
    return 0;
}

void dermis_output_files_remove_old_checkpoints(const dermis_output_files *f)
{
    char path[4096];
    for (size_t i = 0; i < N_CHECKPOINT_SUFFIXES; i++) {
        snprintf(path, sizeof path, "%s%s", f->ckpt, checkpoint_suffixes[i]);
        unlink(path);
    }
}

void dermis_output_files_remove_partial(const dermis_output_files *f)
{
    if (f->lock_fd < 0)
        return; /* not ours: only the lock holder may touch OUT.partial */
    unlink(f->partial);
    char *xmf = dermis_output_sidecar_path(f->partial);
    if (xmf)
        unlink(xmf);
    free(xmf);
}
