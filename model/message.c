/* One-line messages into a caller's buffer (see message.h). */
#include "model/message.h"

#include <stdarg.h>
#include <stdio.h>

int dermis_message(char *buf, size_t len, int status, const char *fmt, ...)
{
    if (buf != NULL && len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, len, fmt, ap);
        va_end(ap);
    }
    return status;
}
