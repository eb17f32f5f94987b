/* The species table, expanded from the registry in species.h. */
#include "model/species.h"

#include <string.h>

#define DERMIS_SPECIES_ROW(id, name, units, long_name, transport, diffusivity, chemotaxis, injury, scale) \
    {#name, units, long_name, transport},
static const dermis_species_info species_table[DERMIS_N_FIELDS] = {DERMIS_SPECIES(DERMIS_SPECIES_ROW)};
#undef DERMIS_SPECIES_ROW

const dermis_species_info *dermis_species(dermis_field f)
{
    return (f >= 0 && f < DERMIS_N_FIELDS) ? &species_table[f] : NULL;
}

int dermis_species_find(const char *name)
{
    for (int f = 0; f < DERMIS_N_FIELDS; ++f)
        if (strcmp(species_table[f].name, name) == 0) return f;
    return -1;
}
