/* Entry point of the `dermis` command (filled in by the foundation work). */
#include <stdio.h>

#include "version.h"

int main(void)
{
    printf("dermis %s (%s)\n", DERMIS_VERSION, DERMIS_GIT_COMMIT);
    return 0;
}
