/* Loads a configuration the way `dermis check` does (defaults, the file, each --set, the final
 * checks), for the io tests (header-only test helper; include after cmocka.h). */
#ifndef DERMIS_TESTS_IO_LOAD_CONFIG_H
#define DERMIS_TESTS_IO_LOAD_CONFIG_H

#include <stdlib.h>

#include "io/config.h"

/* path, then the overrides (NULL-terminated, or NULL for none); returns the status and leaves
 * the message in err. */
static inline int load_config(const char *path, const char *const *sets, char err[DERMIS_CONFIG_ERROR_MAX])
{
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_config_origin *origin = dermis_config_origin_alloc();
    assert_non_null(cfg);
    assert_non_null(origin);
    dermis_config_defaults(cfg);
    err[0] = '\0';
    int rc = dermis_config_read_file(cfg, origin, path, err);
    for (size_t i = 0; rc == 0 && sets != NULL && sets[i] != NULL; i++)
        rc = dermis_config_apply_override(cfg, origin, sets[i], err);
    if (rc == 0)
        rc = dermis_config_finish(cfg, origin, err);
    dermis_config_origin_free(origin);
    free(cfg);
    return rc;
}

#endif
