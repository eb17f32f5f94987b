/* The set-up path of a run, for tests: configuration text -> validated config -> grid, skin,
 * tissue (+ lesion) -> model -> session table, barrier -> solver -> homeostatic state -> one
 * solver step, the same library calls in the same order as the run driver (app/run.c, build()).
 * Used by the set-up fuzz target (tests/fuzz/fuzz_setup.c: whatever `check` accepts must set up)
 * and the allocation-failure test (tests/io/test_config_alloc.c). */
#ifndef DERMIS_TESTS_SETUP_PATH_H
#define DERMIS_TESTS_SETUP_PATH_H

#include <stdlib.h>
#include <string.h>

#include "io/config.h"
#include "model/barrier.h"
#include "model/lesion.h"
#include "model/model.h"
#include "model/sessions.h"
#include "model/sites.h"
#include "model/topical.h"
#include "solver/solver.h"

typedef enum {
    SETUP_OK = 0,
    SETUP_CONFIG_REFUSED, /* dermis_config_finish refused the text (err holds the line) */
    SETUP_NO_MEMORY,      /* an allocation failed: a clean, reported failure */
    SETUP_BROKEN,         /* a step failed that the configuration checks should have refused */
} setup_status;

typedef struct {
    dermis_config *cfg;
    dermis_config_origin *origin;
    dermis_grid grid;
    dermis_skin_profile skin;
    dermis_tissue tissue;
    dermis_model *model;
    dermis_session_table sessions;
    dermis_injury_workspace injury;
    dermis_barrier *barrier;
    dermis_solver *solver;
    double *state;
    char err[DERMIS_CONFIG_ERROR_MAX];
    const char *failed_step; /* which step failed, for SETUP_BROKEN */
} setup_path;

typedef struct {
    const dermis_model *model;
    const dermis_barrier *barrier;
} setup_callbacks;

static int setup_rhs(double t, size_t v, const double *u, double *dudt, void *user)
{
    return dermis_model_rhs(t, v, u, dudt, (void *)((const setup_callbacks *)user)->model);
}

static int setup_jacobian(double t, size_t v, const double *u, double *J, void *user)
{
    return dermis_model_jacobian(t, v, u, J, (void *)((const setup_callbacks *)user)->model);
}

static int setup_boundary(double t, size_t field, dermis_face face, double *k, double *u_out, void *user)
{
    return dermis_barrier_boundary(t, field, face, k, u_out, (void *)((const setup_callbacks *)user)->barrier);
}

static setup_status setup_fail(setup_path *s, setup_status status, const char *step)
{
    s->failed_step = step;
    return status;
}

/* Reads text and validates it; 0 or SETUP_CONFIG_REFUSED / SETUP_NO_MEMORY. */
static setup_status setup_config(setup_path *s, const char *text)
{
    s->cfg = malloc(sizeof *s->cfg);
    s->origin = dermis_config_origin_alloc();
    if (s->cfg == NULL || s->origin == NULL)
        return setup_fail(s, SETUP_NO_MEMORY, "config");
    dermis_config_defaults(s->cfg);
    if (dermis_config_read_string(s->cfg, s->origin, "fuzz.ini", text, s->err) != 0 ||
        dermis_config_finish(s->cfg, s->origin, s->err) != 0)
        return strstr(s->err, "out of memory") != NULL ? setup_fail(s, SETUP_NO_MEMORY, "config")
                                                       : SETUP_CONFIG_REFUSED;
    return SETUP_OK;
}

/* Builds everything a run builds from a validated configuration and takes one solver step. */
static setup_status setup_build(setup_path *s, setup_callbacks *cb)
{
    const dermis_config *cfg = s->cfg;
    char msg[DERMIS_CONFIG_ERROR_MAX];
    int status = 0;
    dermis_config_grid(cfg, &s->grid);
    if (dermis_grid_validate(&s->grid) != 0)
        return setup_fail(s, SETUP_BROKEN, "grid");
    if (dermis_skin_profile_from_params(&cfg->protocol.skin, &s->skin) != 0)
        return setup_fail(s, SETUP_BROKEN, "skin profile");
    if (dermis_tissue_alloc(&s->tissue, &s->grid, &s->skin) != 0)
        return setup_fail(s, SETUP_NO_MEMORY, "tissue");
    if (dermis_lesion_apply(&s->tissue, &cfg->protocol.lesion, &s->skin) != 0)
        return setup_fail(s, SETUP_BROKEN, "lesion");
    s->model = dermis_model_alloc(&cfg->model, &s->tissue, &status, msg, sizeof msg);
    if (s->model == NULL)
        return setup_fail(s, status == DERMIS_MODEL_ENOMEM ? SETUP_NO_MEMORY : SETUP_BROKEN, "model");
    if (dermis_model_set_atol_scale(s->model, cfg->solver.atol_scale) != DERMIS_MODEL_OK ||
        dermis_topical_configure_model(s->model, &cfg->protocol.topical) != DERMIS_MODEL_OK)
        return setup_fail(s, SETUP_BROKEN, "model options");
    if (dermis_session_table_build(&s->sessions, &cfg->protocol, &s->grid, cfg->run.seed, msg, sizeof msg) != 0)
        return setup_fail(s, strstr(msg, "out of memory") != NULL ? SETUP_NO_MEMORY : SETUP_BROKEN, "sessions");
    if (dermis_injury_workspace_alloc(&s->injury, &s->grid) != 0)
        return setup_fail(s, SETUP_NO_MEMORY, "injury workspace");
    s->barrier = dermis_barrier_alloc(&s->grid, &cfg->protocol, &s->skin);
    if (s->barrier == NULL)
        return setup_fail(s, SETUP_NO_MEMORY, "barrier");
    dermis_problem problem;
    dermis_model_problem(s->model, &problem);
    *cb = (setup_callbacks){s->model, s->barrier};
    problem.rhs = setup_rhs;
    problem.jac = setup_jacobian;
    problem.boundary = setup_boundary;
    problem.user = cb;
    const dermis_solver_options options = {.rtol = cfg->solver.rtol,
                                           .dt_initial_day = cfg->solver.dt_initial_days,
                                           .dt_min_day = cfg->solver.dt_min_days,
                                           .dt_max_day = cfg->solver.dt_max_days,
                                           .max_steps = cfg->solver.max_steps,
                                           .threads = 1};
    s->solver = dermis_solver_alloc(&s->grid, &problem, &options, &status);
    if (s->solver == NULL)
        return setup_fail(s, status == DERMIS_SOLVER_ENOMEM ? SETUP_NO_MEMORY : SETUP_BROKEN, "solver");
    s->state = malloc(DERMIS_N_FIELDS * dermis_grid_voxels(&s->grid) * sizeof *s->state);
    if (s->state == NULL)
        return setup_fail(s, SETUP_NO_MEMORY, "state");
    dermis_model_homeostasis(s->model, s->state);
    if (s->sessions.n > 0 && s->sessions.session_days[0] == 0.0 &&
        dermis_session_apply_to_model(&s->sessions, 0, &s->injury, s->model, s->state, s->barrier) != 0)
        return setup_fail(s, SETUP_NO_MEMORY, "first session");
    double t = 0.0;
    /* One step (the first stop is dt_initial away); a step the controller rejects is a runtime
     * outcome, not a set-up failure, so its status is not judged here. */
    dermis_solver_advance(s->solver, s->state, &t, cfg->solver.dt_initial_days);
    return SETUP_OK;
}

static void setup_free(setup_path *s)
{
    dermis_solver_free(s->solver);
    dermis_barrier_free(s->barrier);
    dermis_injury_workspace_free(&s->injury);
    dermis_model_free(s->model);
    dermis_tissue_free(&s->tissue);
    free(s->state);
    free(s->cfg);
    dermis_config_origin_free(s->origin);
    memset(s, 0, sizeof *s);
}

#endif
