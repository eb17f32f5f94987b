/* Loading a configuration for a subcommand: defaults, file, --set overrides, final checks. */
#include "app/cli.h"

#include <stdlib.h>

int dermis_cli_load_config(const char *path, const char *const *sets, size_t n_sets, dermis_cli_config *loaded)
{
    char err[DERMIS_CONFIG_ERROR_MAX];
    /* The config holds every table of the model and protocol: too big for the stack. */
    loaded->cfg = malloc(sizeof *loaded->cfg);
    loaded->origin = dermis_config_origin_alloc();
    if (loaded->cfg == NULL || loaded->origin == NULL) {
        dermis_cli_error("out of memory");
        return DERMIS_EXIT_FAILURE;
    }
    dermis_config_defaults(loaded->cfg);
    int rc = dermis_config_read_file(loaded->cfg, loaded->origin, path, err);
    for (size_t i = 0; rc == 0 && i < n_sets; i++)
        rc = dermis_config_apply_override(loaded->cfg, loaded->origin, sets[i], err);
    if (rc == 0)
        rc = dermis_config_finish(loaded->cfg, loaded->origin, err);
    if (rc != 0) {
        dermis_cli_error("%s", err);
        return rc == DERMIS_CONFIG_ENOMEM ? DERMIS_EXIT_FAILURE : DERMIS_EXIT_USAGE;
    }
    return DERMIS_EXIT_OK;
}

void dermis_cli_config_free(dermis_cli_config *loaded)
{
    free(loaded->cfg);
    dermis_config_origin_free(loaded->origin);
    loaded->cfg = NULL;
    loaded->origin = NULL;
}
