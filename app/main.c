/* Entry point of the `dermis` command: process-wide settings, then the command line (cli.c). */
#if defined(DERMIS_FPE_TRAPS)
/* feenableexcept is a GNU extension; only this file needs it, so the feature macro stays here. */
#define _GNU_SOURCE
#include <fenv.h>
#endif

#include <gsl/gsl_errno.h>

#include "app/cli.h"

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; dermis checks every GSL return code instead. */
    gsl_set_error_handler_off();
#if defined(DERMIS_FPE_TRAPS)
    /* Debug and test builds stop at the first invalid operation, division by zero or overflow. */
    feenableexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW);
#endif
    return dermis_cli_main(argc, argv);
}
