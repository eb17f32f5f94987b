/* libFuzzer target for the model set-up: arbitrary bytes as an INI file. Whenever the
 * configuration checks accept it (what `dermis check` calls valid), the set-up of a run
 * (app/sim.c: grid, skin, tissue, lesion, model, session table, barrier, observables, solver,
 * state) and its first solver step must succeed too. A set-up refusing a configuration the checks
 * accepted is a check/run disagreement (issue 12, item 9) and aborts with the message. Grids
 * above GRID_VOXELS_MAX are passed over so an input costs milliseconds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sim.h"
#include "io/config.h"

#define GRID_VOXELS_MAX 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if the checks accept text and its grid is small enough to set up here. */
static int accepted_and_small(const char *text)
{
    char err[DERMIS_CONFIG_ERROR_MAX];
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_config_origin *origin = dermis_config_origin_alloc();
    if (cfg == NULL || origin == NULL)
        abort();
    dermis_config_defaults(cfg);
    int ok = dermis_config_read_string(cfg, origin, "fuzz.ini", text, err) == 0 &&
             dermis_config_finish(cfg, origin, err) == 0 && dermis_config_voxels(cfg) <= GRID_VOXELS_MAX;
    dermis_config_origin_free(origin);
    free(cfg);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), err[1024];
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (accepted_and_small(text)) {
        int status = 0;
        dermis_sim *sim = dermis_sim_create_from_ini("fuzz.ini", text, 1, &status, err, sizeof err);
        if (sim == NULL) {
            fprintf(stderr, "check accepted the configuration but the set-up refused it: %s\n", err);
            abort();
        }
        /* The first step; a solver failure there is a runtime outcome (a stiff parameter set), not a
         * disagreement, so only a crash or a sanitizer report counts. */
        dermis_sim_advance_to(sim, sim->cfg->solver.dt_initial_days, err, sizeof err);
        dermis_sim_free(sim);
    }
    free(text);
    return 0;
}
