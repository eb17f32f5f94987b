/* Treatment protocol parameters: skin site, device, sessions, topical product, lesions. */
#ifndef DERMIS_MODEL_PROTOCOL_H
#define DERMIS_MODEL_PROTOCOL_H

#include <stddef.h>

#define DERMIS_MAX_SESSIONS 32

typedef struct {
    /* Filled in by the needles/sessions work (issue 5). */
    double session_days[DERMIS_MAX_SESSIONS];
    size_t n_session_days;
} dermis_protocol_params;

#endif
