/* Configuration keys of the model group (see io/schema.h). */
#include "io/schema.h"

#include <stddef.h>

#include "io/config.h"

const dermis_schema_entry dermis_schema_model[] = {
    {0},
};
const size_t dermis_schema_model_count = 0;
