/* Identity of output files, so a run never mixes, appends to or replaces what it should not.
 *
 * Every output carries a random run identity (root attribute run_id, a UUID written by
 * dermis_output_create from dermis_output_spec.run_id), and every checkpoint records the run
 * identity of the output it belongs to. Before a run writes to a path it probes what is there:
 * nothing, a dermis output (with its run_id and run_status), a dermis XDMF sidecar, or anything
 * else (a configuration file, a checkpoint, a directory, a FIFO...), which a run must never
 * replace. Library code: returns codes and one-line reasons, never prints.
 */
#ifndef DERMIS_IO_OUTPUT_IDENTITY_H
#define DERMIS_IO_OUTPUT_IDENTITY_H

/* A UUID in its 36-character text form plus the terminating NUL. */
#define DERMIS_RUN_ID_SIZE 37

typedef enum {
    DERMIS_PROBE_ABSENT,   /* nothing at the path */
    DERMIS_PROBE_OUTPUT,   /* a dermis output file (HDF5 with dermis provenance) */
    DERMIS_PROBE_SIDECAR,  /* an XDMF sidecar written by dermis */
    DERMIS_PROBE_OTHER     /* anything else: never to be replaced */
} dermis_probe_kind;

typedef struct {
    dermis_probe_kind kind;
    char run_id[DERMIS_RUN_ID_SIZE]; /* OUTPUT: its run_id ("" for files written before run ids) */
    char run_status[32];             /* OUTPUT: its run_status ("running", "completed", ...) */
    char what[96];                   /* OTHER: what it is ("a directory", "not an HDF5 file", ...) */
} dermis_probe;

/* Fills id with a new random (version 4) UUID. Returns 0, or -1 if no randomness was available. */
int dermis_run_id_new(char id[DERMIS_RUN_ID_SIZE]);

/* Examines path without blocking (a FIFO or device is never opened) and fills p. Also reads a
 * file left by a killed writer. Returns 0; p->kind tells the result. */
int dermis_probe_path(const char *path, dermis_probe *p);

/* Examines path as an XDMF sidecar: DERMIS_PROBE_ABSENT, _SIDECAR or _OTHER. */
int dermis_probe_sidecar(const char *path, dermis_probe *p);

#endif
