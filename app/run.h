/* One simulation run: a pure function of its resolved configuration that writes only its own
 * output file (and its checkpoints OUT.ckpt). Used by `dermis run` and by sweep drivers.
 * The request type and dermis_run() are declared in app/run_request.h. */
#ifndef DERMIS_APP_RUN_H
#define DERMIS_APP_RUN_H

#include "app/run_request.h"

#endif
