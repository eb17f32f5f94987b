/* Checks of a configuration that need what a run builds from it: the grid, its memory and time
 * cost, the skin profile, a tissue column, the model's homeostatic set-up and the session
 * table. They run inside dermis_config_finish, so `dermis check` refuses everything `dermis run`
 * would refuse, before anything is created, and names the key the user changed. */
#include "io/config_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "model/lesion.h"
#include "model/sessions.h"
#include "model/sites.h"
#include "model/topical.h"

/* Resident memory of a run, measured with `/usr/bin/time -f %M dermis run configs/demo.ini
 * --threads 1 --set run.t_end_days=1 --set run.dx_mm=D` for D = 0.04, 0.02, 0.01 (750, 3000 and
 * 12000 voxels: 20.4, 24.7 and 45.8 MB; 1928 and 2341 B per voxel between successive grids) and
 * `dermis run configs/patch3d.ini --threads 1 --set run.t_end_days=0.25 --set
 * output.interval_days=0.25` (76800 voxels in 3-D: 221.5 MB, 2623 B per voxel above the fixed
 * part): a fixed part and a part per voxel, the largest taken. Most of it is the transport's
 * stored factorisations and state copies (solver/diffusion.c). */
#define RUN_BASE_BYTES 20e6
#define RUN_BYTES_PER_VOXEL 2700.0
/* CPU time per voxel and solver step on one core, from the same runs and the full demo
 * (891 steps x 750 voxels in 5.1 s; 180 steps x 12000 voxels in 11.8 s): 5.5-7.6 us. */
#define RUN_SECONDS_PER_VOXEL_STEP 7e-6
/* Steps the controller takes besides those dt_max forces: about 25 per simulated day once the
 * wound has settled, and about 180 for the first day after each session (the demo's solver
 * statistics, attribute solver_steps_accepted). */
#define STEPS_PER_DAY 25.0
#define STEPS_PER_SESSION 180.0
/* A stuck solver may compute this long before solver.max_steps stops it, or this many times
 * the run's own estimate, whichever is longer. */
#define STUCK_SECONDS_MAX 86400.0
#define STUCK_RUN_FACTOR 10.0

size_t dermis_config_voxels(const dermis_config *cfg)
{
    double n = (double)dermis_config_axis_voxels(cfg->run.depth_mm, cfg->run.dx_mm);
    if (cfg->run.dims >= 2)
        n *= (double)dermis_config_axis_voxels(cfg->run.width_mm, cfg->run.dx_mm);
    if (cfg->run.dims >= 3)
        n *= (double)dermis_config_axis_voxels(cfg->run.length_mm, cfg->run.dx_mm);
    return n < (double)SIZE_MAX ? (size_t)n : SIZE_MAX;
}

void dermis_config_grid(const dermis_config *cfg, dermis_grid *g)
{
    const dermis_run_options_cfg *r = &cfg->run;
    *g = (dermis_grid){
        .dims = (int)r->dims,
        .nx = r->dims >= 2 ? dermis_config_axis_voxels(r->width_mm, r->dx_mm) : 1,
        .ny = r->dims >= 3 ? dermis_config_axis_voxels(r->length_mm, r->dx_mm) : 1,
        .nz = dermis_config_axis_voxels(r->depth_mm, r->dx_mm),
        .dx_mm = r->dx_mm,
        .lateral = r->lateral_boundary == 0 ? DERMIS_LATERAL_PERIODIC : DERMIS_LATERAL_ZERO_FLUX,
    };
}

/* The longest time between two stops of the solver (outputs and sessions end each advance). */
static double longest_advance_days(const dermis_config *cfg)
{
    double gap = fmin(cfg->output.interval_days, cfg->output.observables_interval_days);
    if (cfg->output.checkpoint_interval_days > 0)
        gap = fmin(gap, cfg->output.checkpoint_interval_days);
    return fmin(gap, cfg->run.t_end_days);
}

void dermis_config_estimate(const dermis_config *cfg, dermis_run_estimate *est)
{
    const double voxels = (double)dermis_config_voxels(cfg);
    const double t_end = cfg->run.t_end_days;
    const double sessions = (double)dermis_protocol_session_count(&cfg->protocol.treatment);
    est->voxels = voxels;
    est->bytes = RUN_BASE_BYTES + RUN_BYTES_PER_VOXEL * voxels;
    est->steps = fmax(t_end / cfg->solver.dt_max_days, STEPS_PER_DAY * t_end) + STEPS_PER_SESSION * sessions;
    est->seconds = RUN_SECONDS_PER_VOXEL_STEP * voxels * est->steps;
    est->stuck_seconds = RUN_SECONDS_PER_VOXEL_STEP * voxels * (double)cfg->solver.max_steps;
}

/* The solver must be able to reach each stop within solver.max_steps steps of at most
 * solver.dt_max_days, and a stuck solver must not compute for days before the limit stops it. */
int dermis_config_rule_resources(const dermis_config *cfg, dermis_config_problem *pr)
{
    const double gap = longest_advance_days(cfg);
    const double needed = ceil(gap / cfg->solver.dt_max_days);
    if (needed > (double)cfg->solver.max_steps)
        return dermis_config_problem_set(
            pr, "solver.dt_max_days", NULL,
            "%.3g steps of at most %g days are needed between two outputs %g days apart, more than "
            "solver.max_steps = %ld: the run would fail",
            needed, cfg->solver.dt_max_days, gap, cfg->solver.max_steps);
    dermis_run_estimate est;
    dermis_config_estimate(cfg, &est);
    if (est.stuck_seconds > STUCK_SECONDS_MAX && est.stuck_seconds > STUCK_RUN_FACTOR * est.seconds)
        return dermis_config_problem_set(
            pr, "solver.max_steps", NULL,
            "with %.3g voxels (~%.3g GB of memory) a solver stuck between two outputs would compute about %.2g "
            "days before solver.max_steps = %ld stops it (the run itself needs about %.2g days): lower "
            "solver.max_steps or coarsen the grid",
            est.voxels, est.bytes / 1e9, est.stuck_seconds / 86400.0, cfg->solver.max_steps, est.seconds / 86400.0);
    return 0;
}

int dermis_config_selected_fields(const dermis_config *cfg, int selected[DERMIS_N_FIELDS],
                                  char reason[DERMIS_REASON_MAX])
{
    char name[DERMIS_CONFIG_STRING_MAX];
    const char *p = cfg->output.fields;
    const int all = p[strspn(p, " \t")] == '\0';
    for (int f = 0; f < DERMIS_N_FIELDS; f++)
        selected[f] = all;
    while (!all && *p != '\0') {
        const char *end = dermis_config_list_element(p, name, sizeof name);
        const int f = dermis_species_find(name);
        if (f < 0) {
            const char *names[DERMIS_N_FIELDS + 1];
            for (int g = 0; g < DERMIS_N_FIELDS; g++)
                names[g] = dermis_species((dermis_field)g)->name;
            names[DERMIS_N_FIELDS] = NULL;
            char hint[DERMIS_REASON_MAX / 2];
            dermis_did_you_mean(name, names, hint, sizeof hint);
            snprintf(reason, DERMIS_REASON_MAX, "unknown field '%.60s'%s", name, hint);
            return -1;
        }
        selected[f] = 1;
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

/* The model's set-up on one column of the grid: the homeostatic balance it checks is per layer,
 * so a column with every layer (a lesion applied over its whole width) finds what the full grid
 * would. Returns 0, or -1 with the model's sentence in reason. */
static int model_column(const dermis_config *cfg, const dermis_skin_profile *skin, char *reason, size_t len,
                        int *no_memory)
{
    dermis_grid column;
    dermis_config_grid(cfg, &column);
    column.dims = 1;
    column.nx = column.ny = 1;
    dermis_tissue tissue = {0};
    if (dermis_tissue_alloc(&tissue, &column, skin) != 0) {
        snprintf(reason, len, "tissue column");
        *no_memory = 1;
        return -1;
    }
    int rc = -1, status = DERMIS_MODEL_OK;
    char msg[DERMIS_REASON_MAX] = "";
    dermis_model *m = NULL;
    if (dermis_lesion_apply(&tissue, &cfg->protocol.lesion, skin) != 0)
        snprintf(reason, len, "the lesion type is unknown");
    else if ((m = dermis_model_alloc(&cfg->model, &tissue, &status, msg, sizeof msg)) == NULL) {
        snprintf(reason, len, "model: %s", msg[0] != '\0' ? msg : dermis_model_strerror(status));
        *no_memory = status == DERMIS_MODEL_ENOMEM;
    }
    else if ((status = dermis_model_set_atol_scale(m, cfg->solver.atol_scale)) != DERMIS_MODEL_OK ||
             (status = dermis_topical_configure_model(m, &cfg->protocol.topical)) != DERMIS_MODEL_OK)
        snprintf(reason, len, "model: %s", dermis_model_strerror(status));
    else
        rc = 0;
    dermis_model_free(m);
    dermis_tissue_free(&tissue);
    return rc;
}

int dermis_config_rule_setup(const dermis_config *cfg, dermis_config_problem *pr)
{
    char reason[DERMIS_REASON_MAX];
    dermis_skin_profile skin;
    if (dermis_skin_profile_from_params(&cfg->protocol.skin, &skin) != 0)
        return dermis_config_problem_set(pr, "skin.site", NULL,
                                         "the skin layers of skin.site and the skin.*_mm thicknesses are invalid");
    int no_memory = 0;
    if (model_column(cfg, &skin, reason, sizeof reason, &no_memory) != 0) {
        dermis_config_problem_set(pr, "", NULL, "%s", reason);
        pr->out_of_memory = no_memory;
        return -1;
    }
    dermis_grid grid;
    dermis_config_grid(cfg, &grid);
    dermis_session_table table;
    const int status =
        dermis_session_table_build(&table, &cfg->protocol, &skin, &grid, cfg->run.seed, reason, sizeof reason);
    if (status != 0) {
        dermis_config_problem_set(pr, "device.type", NULL, "%s", reason);
        pr->out_of_memory = status == DERMIS_SESSIONS_ENOMEM;
        return -1;
    }
    return 0;
}
