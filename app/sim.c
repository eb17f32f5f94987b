/* One simulation without output (see sim.h): set-up and stepping shared by `dermis run`
 * (app/run.c) and the teaching page (web/). */
#include "app/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/lesion.h"
#include "model/message.h"
#include "model/sites.h"
#include "model/species.h"
#include "model/topical.h"

/* The caller's error buffer (dermis_message writes the one line). */
typedef struct {
    char *err;
    size_t errlen;
} error_sink;

/* --- reaction and boundary callbacks: the model and the barrier share one user pointer --- */

static int rhs_callback(double t_day, size_t voxel, const double *u, double *dudt, void *user)
{
    const dermis_sim_callbacks *c = user;
    return dermis_model_rhs(t_day, voxel, u, dudt, (void *)c->model);
}

static int jacobian_callback(double t_day, size_t voxel, const double *u, double *J, void *user)
{
    const dermis_sim_callbacks *c = user;
    return dermis_model_jacobian(t_day, voxel, u, J, (void *)c->model);
}

static int boundary_callback(double t_day, size_t field, dermis_face face, double *k, double *u_outside,
                             void *user)
{
    const dermis_sim_callbacks *c = user;
    return dermis_barrier_boundary(t_day, field, face, k, u_outside, (void *)c->barrier);
}

/* --- set-up ---------------------------------------------------------------------------- */

static int build_grid(dermis_sim *s, const error_sink *e)
{
    dermis_config_grid(s->cfg, &s->grid);
    if (dermis_grid_validate(&s->grid) != 0)
        return dermis_message(e->err, e->errlen, 2, "run: the grid from run.dx_mm and the extents is invalid");
    return 0;
}

static int build_tissue(dermis_sim *s, const error_sink *e)
{
    const dermis_protocol_params *p = &s->cfg->protocol;
    if (dermis_skin_profile_from_params(&p->skin, &s->skin) != 0)
        return dermis_message(e->err, e->errlen, 2, "skin: the layer thicknesses are invalid");
    if (dermis_tissue_alloc(&s->tissue, &s->grid, &s->skin) != 0)
        return dermis_message(e->err, e->errlen, 1, "out of memory (tissue map)");
    if (dermis_lesion_apply(&s->tissue, &p->lesion, &s->skin) != 0)
        return dermis_message(e->err, e->errlen, 2, "lesion: the lesion does not fit the simulated domain");
    return 0;
}

static int build_model(dermis_sim *s, const error_sink *e)
{
    char msg[DERMIS_CONFIG_ERROR_MAX] = "";
    int status = 0;
    s->model = dermis_model_alloc(&s->cfg->model, &s->tissue, &status, msg, sizeof msg);
    if (!s->model)
        return dermis_message(e->err, e->errlen, status == DERMIS_MODEL_ENOMEM ? 1 : 2, "model: %s",
                              msg[0] ? msg : dermis_model_strerror(status));
    status = dermis_model_set_atol_scale(s->model, s->cfg->solver.atol_scale);
    if (status == DERMIS_MODEL_OK) status = dermis_topical_configure_model(s->model, &s->cfg->protocol.topical);
    if (status != DERMIS_MODEL_OK)
        return dermis_message(e->err, e->errlen, 2, "model: %s", dermis_model_strerror(status));
    return 0;
}

static int build_sessions(dermis_sim *s, const error_sink *e)
{
    char msg[DERMIS_CONFIG_ERROR_MAX] = "";
    /* dermis_config_finish built this table once already, so only memory can fail here. */
    if (dermis_session_table_build(&s->sessions, &s->cfg->protocol, &s->skin, &s->grid, s->cfg->run.seed, msg,
                                   sizeof msg) != 0)
        return dermis_message(e->err, e->errlen, 1, "%s", msg);
    if (dermis_injury_workspace_alloc(&s->injury, &s->grid) != 0)
        return dermis_message(e->err, e->errlen, 1, "out of memory (injury workspace)");
    s->barrier = dermis_barrier_alloc(&s->grid, &s->cfg->protocol, &s->skin);
    if (!s->barrier)
        return dermis_message(e->err, e->errlen, 1, "out of memory (barrier)");
    s->observables = dermis_observables_alloc(&s->tissue, &s->cfg->protocol, &s->sessions, s->barrier);
    if (!s->observables)
        return dermis_message(e->err, e->errlen, 1, "out of memory (observables)");
    return 0;
}

static int build_solver(dermis_sim *s, int threads, const error_sink *e)
{
    dermis_problem problem;
    dermis_model_problem(s->model, &problem);
    s->callbacks.model = s->model;
    s->callbacks.barrier = s->barrier;
    problem.rhs = rhs_callback;
    problem.jac = jacobian_callback;
    problem.boundary = boundary_callback;
    problem.user = &s->callbacks;
    const dermis_solver_options_cfg *c = &s->cfg->solver;
    const dermis_solver_options options = {
        .rtol = c->rtol,
        .dt_initial_day = c->dt_initial_days,
        .dt_min_day = c->dt_min_days,
        .dt_max_day = c->dt_max_days,
        .max_steps = c->max_steps,
        .threads = threads,
        /* Below a few hundred voxels per thread the OpenMP barriers cost more than the shared work
         * (measured on a busy machine: a 200-voxel 1-D run took 117 s on 2 threads, 14 s on 1). */
        .min_voxels_per_thread = 256,
        .fixed_step = 0,
    };
    int status = 0;
    s->solver = dermis_solver_alloc(&s->grid, &problem, &options, &status);
    if (!s->solver)
        return dermis_message(e->err, e->errlen, 1, "solver: %s", dermis_solver_strerror(status));
    return 0;
}

static int build_state(dermis_sim *s, const error_sink *e)
{
    const size_t n = DERMIS_N_FIELDS * dermis_grid_voxels(&s->grid);
    s->state = malloc(n * sizeof *s->state);
    s->observable_values = malloc((dermis_observables_count(s->observables) + 1) * sizeof *s->observable_values);
    if (!s->state || !s->observable_values)
        return dermis_message(e->err, e->errlen, 1, "out of memory (state of %zu values)", n);
    dermis_model_homeostasis(s->model, s->state);
    dermis_observables_set_baseline(s->observables, s->state);
    return 0;
}

static void build_schedule(dermis_sim *s)
{
    const dermis_config *cfg = s->cfg;
    s->schedule = (dermis_schedule){
        .session_days = s->sessions.session_days,
        .n_sessions = s->sessions.n,
        .frame_interval_days = cfg->output.interval_days,
        .observables_interval_days = cfg->output.observables_interval_days,
        .checkpoint_interval_days = cfg->output.checkpoint_interval_days,
        .t_end_days = cfg->run.t_end_days,
    };
    dermis_schedule_cursor_init(&s->cursor);
}

dermis_sim *dermis_sim_create(const dermis_config *cfg, int threads, int *status, char *err, size_t errlen)
{
    const error_sink e = {err, errlen};
    dermis_sim *s = calloc(1, sizeof *s);
    if (!s) {
        *status = dermis_message(e.err, e.errlen, 1, "out of memory");
        return NULL;
    }
    s->cfg = cfg;
    s->observables_day = NAN;
    int st = build_grid(s, &e);
    if (st == 0) st = build_tissue(s, &e);
    if (st == 0) st = build_model(s, &e);
    if (st == 0) st = build_sessions(s, &e);
    if (st == 0) st = build_solver(s, threads, &e);
    if (st == 0) st = build_state(s, &e);
    if (st == 0) build_schedule(s);
    *status = st;
    if (st != 0) {
        dermis_sim_free(s);
        return NULL;
    }
    return s;
}

dermis_sim *dermis_sim_create_from_ini(const char *name, const char *ini_text, int threads, int *status, char *err,
                                       size_t errlen)
{
    const error_sink e = {err, errlen};
    char msg[DERMIS_CONFIG_ERROR_MAX];
    /* The config holds every table of the model and protocol: too big for the stack. */
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_config_origin *origin = dermis_config_origin_alloc();
    dermis_sim *s = NULL;
    if (!cfg || !origin) {
        *status = dermis_message(e.err, e.errlen, 1, "out of memory");
    } else {
        dermis_config_defaults(cfg);
        int st = dermis_config_read_string(cfg, origin, name, ini_text, msg);
        if (st == 0) st = dermis_config_finish(cfg, origin, msg);
        *status = st == 0 ? 0 : st == DERMIS_CONFIG_ENOMEM ? 1 : 2;
        if (st != 0)
            dermis_message(e.err, e.errlen, *status, "%s", msg);
        else s = dermis_sim_create(cfg, threads, status, err, errlen);
    }
    dermis_config_origin_free(origin);
    if (!s) {
        free(cfg);
        return NULL;
    }
    s->owned_cfg = cfg;
    return s;
}

void dermis_sim_free(dermis_sim *s)
{
    if (!s) return;
    dermis_solver_free(s->solver);
    dermis_observables_free(s->observables);
    dermis_barrier_free(s->barrier);
    dermis_injury_workspace_free(&s->injury);
    dermis_model_free(s->model);
    dermis_tissue_free(&s->tissue);
    free(s->observable_values);
    free(s->state);
    free(s->owned_cfg);
    free(s);
}

/* --- stepping --------------------------------------------------------------------------- */

static int apply_session(dermis_sim *s, const error_sink *e)
{
    const size_t k = s->cursor.next_session - 1;
    if (dermis_session_apply_to_model(&s->sessions, k, &s->injury, s->model, s->state, s->barrier) != 0)
        return dermis_message(e->err, e->errlen, 1, "session %zu: out of memory while placing its channels", k + 1);
    dermis_solver_reset_step(s->solver);
    return 0;
}

int dermis_sim_next_event(dermis_sim *s, dermis_schedule_due *due, char *err, size_t errlen)
{
    const error_sink e = {err, errlen};
    if (s->ended) {
        *due = (dermis_schedule_due){.end = 1};
        return 0;
    }
    const double t_next = dermis_schedule_next_time(&s->schedule, &s->cursor);
    if (t_next > s->t_day) {
        const int st = dermis_solver_advance(s->solver, s->state, &s->t_day, t_next);
        if (st != DERMIS_SOLVER_OK)
            return dermis_message(e.err, e.errlen, 1, "solver failed at day %.6g: %s", s->t_day,
                                  dermis_solver_strerror(st));
    }
    *due = dermis_schedule_take(&s->schedule, &s->cursor, s->t_day);
    s->ended = due->end;
    if (due->session) {
        const int st = apply_session(s, &e);
        if (st != 0) return st;
    }
    if (due->observables) {
        dermis_observables_compute(s->observables, s->t_day, s->state, s->observable_values);
        s->observables_day = s->t_day;
    }
    return 0;
}

int dermis_sim_advance_to(dermis_sim *s, double t_day, char *err, size_t errlen)
{
    dermis_schedule_due due = {0, 0, 0, 0, 0};
    while (s->t_day < t_day && !due.end) {
        const int st = dermis_sim_next_event(s, &due, err, errlen);
        if (st != 0) return st;
    }
    return 0;
}

/* --- read-outs --------------------------------------------------------------------------- */

double dermis_sim_time(const dermis_sim *s) { return s->t_day; }
double dermis_sim_end_time(const dermis_sim *s) { return s->schedule.t_end_days; }
size_t dermis_sim_nx(const dermis_sim *s) { return s->grid.nx; }
size_t dermis_sim_ny(const dermis_sim *s) { return s->grid.ny; }
size_t dermis_sim_nz(const dermis_sim *s) { return s->grid.nz; }
double dermis_sim_dx_mm(const dermis_sim *s) { return s->grid.dx_mm; }

int dermis_sim_section(const dermis_sim *s, int field, size_t iy, double *out)
{
    if (field < 0 || field >= DERMIS_N_FIELDS || iy >= s->grid.ny) return -1;
    const size_t nx = s->grid.nx, ny = s->grid.ny, nz = s->grid.nz;
    const double *u = s->state + (size_t)field * dermis_grid_voxels(&s->grid);
    for (size_t iz = 0; iz < nz; ++iz) memcpy(out + iz * nx, u + (iz * ny + iy) * nx, nx * sizeof *out);
    return 0;
}

int dermis_sim_layers_count(void) { return DERMIS_N_LAYERS; }

const char *dermis_sim_layer_name(int layer)
{
    return layer >= 0 && layer < DERMIS_N_LAYERS ? dermis_layer_name((dermis_layer)layer) : NULL;
}

double dermis_sim_layer_top_mm(const dermis_sim *s, int layer)
{
    return layer >= 0 && layer < DERMIS_N_LAYERS ? dermis_skin_layer_top_mm(&s->skin, (dermis_layer)layer) : NAN;
}

int dermis_sim_fields_count(void) { return DERMIS_N_FIELDS; }

const char *dermis_sim_field_name(int f)
{
    return f >= 0 && f < DERMIS_N_FIELDS ? dermis_species((dermis_field)f)->name : NULL;
}

const char *dermis_sim_field_units(int f)
{
    return f >= 0 && f < DERMIS_N_FIELDS ? dermis_species((dermis_field)f)->units : NULL;
}

const char *dermis_sim_field_long_name(int f)
{
    return f >= 0 && f < DERMIS_N_FIELDS ? dermis_species((dermis_field)f)->long_name : NULL;
}

size_t dermis_sim_observables_count(const dermis_sim *s) { return dermis_observables_count(s->observables); }

const char *dermis_sim_observable_name(const dermis_sim *s, size_t i)
{
    return i < dermis_observables_count(s->observables) ? dermis_observables_names(s->observables)[i] : NULL;
}

const char *dermis_sim_observable_units(const dermis_sim *s, size_t i)
{
    return i < dermis_observables_count(s->observables) ? dermis_observables_units(s->observables)[i] : NULL;
}

const double *dermis_sim_observables(const dermis_sim *s) { return s->observable_values; }
double dermis_sim_observables_time(const dermis_sim *s) { return s->observables_day; }
size_t dermis_sim_sessions_count(const dermis_sim *s) { return s->sessions.n; }
double dermis_sim_session_day(const dermis_sim *s, size_t k) { return k < s->sessions.n ? s->sessions.session[k].t_day : NAN; }

double dermis_sim_session_depth_mm(const dermis_sim *s, size_t k)
{
    return k < s->sessions.n ? s->sessions.session[k].depth_mm : NAN;
}

const char *dermis_sim_session_device(const dermis_sim *s, size_t k)
{
    return k < s->sessions.n ? dermis_device_name(s->sessions.session[k].device) : NULL;
}

long dermis_sim_session_channels(const dermis_sim *s, size_t k)
{
    return k < s->sessions.n ? (long)s->sessions.session[k].channels_placed : -1;
}
