/* libFuzzer target for the model set-up: arbitrary bytes as an INI file; whenever the
 * configuration checks accept it (what `dermis check` says is valid), every step a run takes
 * next -- grid, skin, tissue, lesion, model, session table, barrier, solver, one solver step --
 * must succeed too (tests/io/setup_path.h). A set-up step failing after the checks passed is a
 * check/run disagreement (issue 12, item 9) and aborts with the step's name. Grids above
 * GRID_VOXELS_MAX are passed over so an input costs milliseconds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/setup_path.h"

#define GRID_VOXELS_MAX 4000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    setup_path s = {0};
    setup_callbacks cb;
    setup_status status = setup_config(&s, text);
    if (status == SETUP_OK && dermis_config_voxels(s.cfg) <= GRID_VOXELS_MAX)
        status = setup_build(&s, &cb);
    if (status == SETUP_BROKEN || status == SETUP_NO_MEMORY) {
        fprintf(stderr, "check accepted the configuration but the set-up failed at: %s\n", s.failed_step);
        abort();
    }
    setup_free(&s);
    free(text);
    return 0;
}
