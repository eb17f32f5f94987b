/* Configuration keys of the core group: the run's domain and duration ([run]), what is written
 * and how often ([output]), and the time-integration tolerances ([solver]). See io/schema.h
 * for the meaning of each column; io/config.h for the fields they fill. */
#include "io/schema.h"

#include <math.h>
#include <stddef.h>

#include "io/config.h"

#define CORE_FIELD(f) offsetof(dermis_config, f)

static const char *const lateral_boundary_choices[] = {"periodic", "zero_flux", NULL};

/* The table is laid out by hand, one entry per key, columns in the order of io/schema.h. */
/* clang-format off */
const dermis_schema_entry dermis_schema_core[] = {
    /* [run] */
    {.key = "run.dims", .type = DERMIS_TYPE_INTEGER, .unit = "1", .default_text = "2",
     .min = 1, .max = 3, .offset = CORE_FIELD(run.dims),
     .doc = "Number of space dimensions: 1 = depth only, 2 = x-z section, 3 = x-y-z block.",
     .source = "numerical choice: 2-D resolves one needle row at a fraction of the 3-D cost"},
    {.key = "run.t_end_days", .type = DERMIS_TYPE_NUMBER, .unit = "day", .default_text = "140",
     .min = 0, .max = 3650, .min_exclusive = 1, .offset = CORE_FIELD(run.t_end_days),
     .doc = "Simulated time from the first treatment day (day 0) to the end of the run.",
     .source = "numerical choice: 20 weeks covers a 3-session course plus 12 weeks of remodelling"},
    {.key = "run.seed", .type = DERMIS_TYPE_INTEGER, .unit = "1", .default_text = "1",
     .min = 0, .max = 2147483647, .offset = CORE_FIELD(run.seed),
     .doc = "Seed of the random generator that places needle channels; equal seeds give equal runs.",
     .source = "numerical choice: any fixed value makes runs reproducible"},
    {.key = "run.dx_mm", .type = DERMIS_TYPE_NUMBER, .unit = "mm", .default_text = "0.01",
     .min = 0.001, .max = 0.5, .min_exclusive = 1, .offset = CORE_FIELD(run.dx_mm),
     .doc = "Edge length of the cubic voxels on every axis.",
     .source = "numerical choice: 10 um resolves a needle channel (about 0.1 mm wide) with ~10 voxels",
     .example = "0.04"},
    {.key = "run.width_mm", .type = DERMIS_TYPE_NUMBER, .unit = "mm", .default_text = "1",
     .min = 0, .max = 100, .min_exclusive = 1, .offset = CORE_FIELD(run.width_mm),
     .doc = "Extent of the domain along x (used in 2-D and 3-D); a whole number of voxels.",
     .source = "numerical choice: 1 mm spans several channels at typical 0.2-0.5 mm needle spacing",
     .example = "1.2"},
    {.key = "run.length_mm", .type = DERMIS_TYPE_NUMBER, .unit = "mm", .default_text = "1",
     .min = 0, .max = 100, .min_exclusive = 1, .offset = CORE_FIELD(run.length_mm),
     .doc = "Extent of the domain along y (used in 3-D only); a whole number of voxels.",
     .source = "numerical choice: same as run.width_mm so the 3-D patch is square"},
    {.key = "run.depth_mm", .type = DERMIS_TYPE_NUMBER, .unit = "mm", .required = 1,
     .min = 0, .max = 20, .min_exclusive = 1, .offset = CORE_FIELD(run.depth_mm),
     .doc = "Extent of the domain from the skin surface down (z); a whole number of voxels.",
     .source = "required: must match the skin site's layer thicknesses, so there is no default",
     .example = "1.2"},
    {.key = "run.lateral_boundary", .type = DERMIS_TYPE_ENUM, .unit = "", .default_text = "periodic",
     .choices = lateral_boundary_choices, .offset = CORE_FIELD(run.lateral_boundary),
     .doc = "Side walls: periodic (a patch of a larger treated area) or zero_flux (impermeable).",
     .source = "numerical choice: a needle array treats a large area, which a periodic patch represents"},
    /* [output] */
    {.key = "output.interval_days", .type = DERMIS_TYPE_NUMBER, .unit = "day", .default_text = "1",
     .min = 0, .max = 3650, .min_exclusive = 1, .offset = CORE_FIELD(output.interval_days),
     .doc = "Simulated time between two field frames in the output file.",
     .source = "numerical choice: daily frames resolve inflammation (days) and remodelling (weeks)"},
    {.key = "output.observables_interval_days", .type = DERMIS_TYPE_NUMBER, .unit = "day",
     .default_text = "0.25", .min = 0, .max = 3650, .min_exclusive = 1,
     .offset = CORE_FIELD(output.observables_interval_days),
     .doc = "Simulated time between two rows of the scalar observables (totals, averages).",
     .source = "numerical choice: 6 h rows resolve the neutrophil peak at a negligible file cost"},
    {.key = "output.checkpoint_interval_days", .type = DERMIS_TYPE_NUMBER, .unit = "day",
     .default_text = "0", .min = 0, .max = 3650, .offset = CORE_FIELD(output.checkpoint_interval_days),
     .doc = "Simulated time between two restart checkpoints; 0 writes none.",
     .source = "numerical choice: off by default because short runs do not need restarts"},
    {.key = "output.fields", .type = DERMIS_TYPE_STRING, .unit = "", .default_text = "",
     .offset = CORE_FIELD(output.fields),
     .doc = "Comma-separated names of the fields to write (see the species registry); empty writes all.",
     .source = "numerical choice: all fields by default so nothing is lost"},
    {.key = "output.float32", .type = DERMIS_TYPE_BOOLEAN, .unit = "", .default_text = "false",
     .offset = CORE_FIELD(output.float32),
     .doc = "Store field frames as 32-bit floats (half the size, about 7 significant digits).",
     .source = "numerical choice: 64-bit by default so output equals the state bit for bit"},
    {.key = "output.compression", .type = DERMIS_TYPE_INTEGER, .unit = "1", .default_text = "4",
     .min = 0, .max = 9, .offset = CORE_FIELD(output.compression),
     .doc = "Lossless deflate level (with shuffle) of the field frames; 0 stores them uncompressed.",
     .source = "numerical choice: level 4 gives most of level 9's reduction at a fraction of the time"},
    /* [solver] */
    {.key = "solver.rtol", .type = DERMIS_TYPE_NUMBER, .unit = "1", .default_text = "1e-3",
     .min = 0, .max = 0.1, .min_exclusive = 1, .offset = CORE_FIELD(solver.rtol),
     .doc = "Relative tolerance of the adaptive time step's local error estimate.",
     .source = "numerical choice: 1e-3 keeps time error far below the model's parameter uncertainty (~10 %)"},
    {.key = "solver.atol_scale", .type = DERMIS_TYPE_NUMBER, .unit = "1", .default_text = "1e-5",
     .min = 1e-15, .max = 1, .offset = CORE_FIELD(solver.atol_scale),
     .doc = "Absolute tolerance of each field as a fraction of that field's typical scale.",
     .source = "numerical choice: 1e-5 of the scale (1e-2 of rtol) ignores noise in fields that are near zero; "
               "below 1e-15 it is under the round-off of the field's own values (and a subnormal fraction "
               "of a scale below 1 rounds to an absolute tolerance of 0, which the solver refuses)"},
    {.key = "solver.dt_initial_days", .type = DERMIS_TYPE_NUMBER, .unit = "day", .default_text = "1e-4",
     .min = 0, .max = 10, .min_exclusive = 1, .offset = CORE_FIELD(solver.dt_initial_days),
     .doc = "First time step, and the step after each treatment session.",
     .source = "numerical choice: about 9 s, short against the minutes-scale alarmin burst after injury"},
    {.key = "solver.dt_min_days", .type = DERMIS_TYPE_NUMBER, .unit = "day", .default_text = "1e-9",
     .min = 0, .max = 10, .min_exclusive = 1, .offset = CORE_FIELD(solver.dt_min_days),
     .doc = "Smallest time step before the run stops with an error instead of stalling.",
     .source = "numerical choice: about 0.1 ms, far below any biological time scale"},
    {.key = "solver.dt_max_days", .type = DERMIS_TYPE_NUMBER, .unit = "day", .default_text = "0.25",
     .min = 0, .max = 10, .min_exclusive = 1, .offset = CORE_FIELD(solver.dt_max_days),
     .doc = "Largest time step, so slow phases still sample the operator splitting often enough.",
     .source = "numerical choice: 6 h bounds the splitting error during the weeks of remodelling"},
    {.key = "solver.max_steps", .type = DERMIS_TYPE_INTEGER, .unit = "1", .default_text = "100000",
     .min = 1, .max = 1e9, .offset = CORE_FIELD(solver.max_steps),
     .doc = "Most time steps between two outputs before the run stops with an error; `dermis check` refuses "
            "a value that would let a stuck solver compute for days.",
     .source = "numerical choice: the demo takes about 180 steps in the 0.25 days after a session (solver_steps_accepted)"},
};
/* clang-format on */

const size_t dermis_schema_core_count = sizeof dermis_schema_core / sizeof dermis_schema_core[0];
