/* One simulation run: a pure function of its resolved configuration that writes only its own
 * output file (and checkpoints). Used by `dermis run` and, later, by sweep drivers. */
#ifndef DERMIS_APP_RUN_H
#define DERMIS_APP_RUN_H

#include "io/config.h"

#endif
