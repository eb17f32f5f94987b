/* One-line messages into a caller's buffer: how library code (model/, io/) and the command's
 * set-up (app/) say why something failed, since library code never prints. One helper for
 * every layer above the solver, so each failing path reads
 *     return dermis_message(err, err_len, status, "what: why %g", value);
 */
#ifndef DERMIS_MODEL_MESSAGE_H
#define DERMIS_MODEL_MESSAGE_H

#include <stddef.h>

/* Writes the printf-style line into buf (cut to len bytes; nothing if buf is NULL or len is 0)
 * and returns status. */
int dermis_message(char *buf, size_t len, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
