/* The run driver: one simulation as a pure function of its resolved configuration.
 *
 * It wires the layers together and owns the time loop:
 *   config -> grid, skin profile, tissue map (+ lesion) -> model (homeostasis, transport,
 *   kinetics) -> session table and barrier -> solver -> output file, observables, checkpoints.
 * The loop advances the solver exactly to the next event of the schedule (app/schedule.h) and
 * handles what is due there, in this order: session (injury), field frame, observables,
 * checkpoint. Every frame is flushed to disk as it is written (SWMR), so a crash or kill keeps
 * the frames already written; SIGINT and SIGTERM stop the run cleanly with run_status
 * "interrupted". A restart from a checkpoint reproduces the uninterrupted run bit for bit.
 */
#include "app/run.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/progress.h"
#include "app/run_request.h"
#include "app/schedule.h"
#include "io/checkpoint.h"
#include "io/output.h"
#include "model/barrier.h"
#include "model/lesion.h"
#include "model/model.h"
#include "model/observables.h"
#include "model/sessions.h"
#include "model/sites.h"
#include "model/species.h"
#include "model/topical.h"
#include "solver/solver.h"

/* The only file-scope state of dermis: a signal handler can reach nothing else. It is set by
 * SIGINT/SIGTERM during a run and read by the time loop between steps. */
static volatile sig_atomic_t stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* Names of the schedule and observable state stored as checkpoint extras. */
enum { EXTRA_NEXT_SESSION, EXTRA_FRAME_K, EXTRA_OBS_K, EXTRA_CKPT_K, EXTRA_LAST_FRAME, N_SCHEDULE_EXTRAS };
#define N_EXTRAS (N_SCHEDULE_EXTRAS + DERMIS_OBSERVABLES_STATE_SIZE)

typedef struct {
    const dermis_model *model;
    const dermis_barrier *barrier;
} callback_context;

typedef struct {
    const dermis_run_request *req;
    const dermis_config *cfg;
    dermis_grid grid;
    dermis_skin_profile skin;
    dermis_tissue tissue;
    dermis_model *model;
    dermis_session_table sessions;
    dermis_injury_workspace injury;
    dermis_barrier *barrier;
    dermis_observables *observables;
    dermis_solver *solver;
    dermis_output *output;
    callback_context callbacks;
    double *state;
    double *observable_values;
    dermis_var_meta field_meta[DERMIS_N_FIELDS];
    int field_selected[DERMIS_N_FIELDS];
    dermis_var_meta *observable_meta;
    dermis_session_record session_records[DERMIS_MAX_SESSIONS];
    char session_device_names[DERMIS_MAX_SESSIONS][32];
    char **config_keys;
    char **config_values;
    size_t n_config_keys;
    dermis_schedule schedule;
    dermis_schedule_cursor cursor;
    dermis_progress progress;
    char checkpoint_path[DERMIS_CONFIG_STRING_MAX + 16];
    unsigned long long config_hash;
    double t_day;
    double wall_start_s;
    char *err;
    size_t errlen;
} run_context;

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Records one line in the caller's error buffer and returns the exit status to use. */
static int fail(run_context *rc, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rc->err, rc->errlen, fmt, ap);
    va_end(ap);
    return status;
}

/* --- reaction and boundary callbacks: the model and the barrier share one user pointer --- */

static int rhs_callback(double t_day, size_t voxel, const double *u, double *dudt, void *user)
{
    const callback_context *c = user;
    return dermis_model_rhs(t_day, voxel, u, dudt, (void *)c->model);
}

static int jacobian_callback(double t_day, size_t voxel, const double *u, double *J, void *user)
{
    const callback_context *c = user;
    return dermis_model_jacobian(t_day, voxel, u, J, (void *)c->model);
}

static int boundary_callback(double t_day, size_t field, dermis_face face, double *k, double *u_outside,
                             void *user)
{
    const callback_context *c = user;
    return dermis_barrier_boundary(t_day, field, face, k, u_outside, (void *)c->barrier);
}

/* --- set-up ---------------------------------------------------------------------------- */

static size_t voxels_along(double extent_mm, double dx_mm)
{
    const double n = floor(extent_mm / dx_mm + 0.5);
    return n < 1.0 ? 1 : (size_t)n;
}

static int build_grid(run_context *rc)
{
    const dermis_run_options_cfg *r = &rc->cfg->run;
    dermis_grid *g = &rc->grid;
    g->dims = (int)r->dims;
    g->dx_mm = r->dx_mm;
    g->nz = voxels_along(r->depth_mm, r->dx_mm);
    g->nx = r->dims >= 2 ? voxels_along(r->width_mm, r->dx_mm) : 1;
    g->ny = r->dims == 3 ? voxels_along(r->length_mm, r->dx_mm) : 1;
    g->lateral = r->lateral_boundary == 0 ? DERMIS_LATERAL_PERIODIC : DERMIS_LATERAL_ZERO_FLUX;
    if (dermis_grid_validate(g) != 0) return fail(rc, 2, "run: the grid from run.dx_mm and the extents is invalid");
    return 0;
}

static int build_tissue(run_context *rc)
{
    const dermis_protocol_params *p = &rc->cfg->protocol;
    char msg[DERMIS_CONFIG_ERROR_MAX];
    if (dermis_protocol_check(p, rc->cfg->run.depth_mm, msg, sizeof msg) != 0) return fail(rc, 2, "%s", msg);
    if (dermis_skin_profile_from_params(&p->skin, &rc->skin) != 0)
        return fail(rc, 2, "skin: the layer thicknesses are invalid");
    if (dermis_tissue_alloc(&rc->tissue, &rc->grid, &rc->skin) != 0) return fail(rc, 1, "out of memory (tissue map)");
    if (dermis_lesion_apply(&rc->tissue, &p->lesion, &rc->skin) != 0)
        return fail(rc, 2, "lesion: the lesion does not fit the simulated domain");
    return 0;
}

static int build_model(run_context *rc)
{
    char msg[DERMIS_CONFIG_ERROR_MAX] = "";
    int status = 0;
    rc->model = dermis_model_alloc(&rc->cfg->model, &rc->tissue, &status, msg, sizeof msg);
    if (!rc->model)
        return fail(rc, status == DERMIS_MODEL_ENOMEM ? 1 : 2, "model: %s", msg[0] ? msg : dermis_model_strerror(status));
    status = dermis_model_set_atol_scale(rc->model, rc->cfg->solver.atol_scale);
    if (status == DERMIS_MODEL_OK) status = dermis_topical_configure_model(rc->model, &rc->cfg->protocol.topical);
    if (status != DERMIS_MODEL_OK) return fail(rc, 2, "model: %s", dermis_model_strerror(status));
    return 0;
}

static int build_sessions(run_context *rc)
{
    char msg[DERMIS_CONFIG_ERROR_MAX] = "";
    if (dermis_session_table_build(&rc->sessions, &rc->cfg->protocol, &rc->grid, rc->cfg->run.seed, msg, sizeof msg) != 0)
        return fail(rc, 2, "%s", msg[0] ? msg : "treatment: the session table could not be built");
    if (dermis_injury_workspace_alloc(&rc->injury, &rc->grid) != 0) return fail(rc, 1, "out of memory (injury workspace)");
    rc->barrier = dermis_barrier_alloc(&rc->grid, &rc->cfg->protocol, &rc->skin);
    if (!rc->barrier) return fail(rc, 1, "out of memory (barrier)");
    rc->observables = dermis_observables_alloc(&rc->tissue, &rc->cfg->protocol, &rc->sessions, rc->barrier);
    if (!rc->observables) return fail(rc, 1, "out of memory (observables)");
    return 0;
}

static int build_solver(run_context *rc)
{
    dermis_problem problem;
    dermis_model_problem(rc->model, &problem);
    rc->callbacks.model = rc->model;
    rc->callbacks.barrier = rc->barrier;
    problem.rhs = rhs_callback;
    problem.jac = jacobian_callback;
    problem.boundary = boundary_callback;
    problem.user = &rc->callbacks;
    const dermis_solver_options_cfg *s = &rc->cfg->solver;
    const dermis_solver_options options = {
        .rtol = s->rtol,
        .dt_initial_day = s->dt_initial_days,
        .dt_min_day = s->dt_min_days,
        .dt_max_day = s->dt_max_days,
        .max_steps = 10000000,
        .threads = rc->req->threads,
        /* Below a few hundred voxels per thread the OpenMP barriers cost more than the shared work
         * (measured on a busy machine: a 200-voxel 1-D run took 117 s on 2 threads, 14 s on 1). */
        .min_voxels_per_thread = 256,
        .fixed_step = 0,
    };
    int status = 0;
    rc->solver = dermis_solver_alloc(&rc->grid, &problem, &options, &status);
    if (!rc->solver) return fail(rc, 1, "solver: %s", dermis_solver_strerror(status));
    return 0;
}

static int build_state(run_context *rc)
{
    const size_t n = DERMIS_N_FIELDS * dermis_grid_voxels(&rc->grid);
    rc->state = malloc(n * sizeof *rc->state);
    rc->observable_values = malloc((dermis_observables_count(rc->observables) + 1) * sizeof *rc->observable_values);
    if (!rc->state || !rc->observable_values) return fail(rc, 1, "out of memory (state of %zu values)", n);
    dermis_model_homeostasis(rc->model, rc->state);
    dermis_observables_set_baseline(rc->observables, rc->state);
    return 0;
}

/* --- output metadata -------------------------------------------------------------------- */

/* output.fields: a comma-separated subset of field names, empty = every field. */
static int select_fields(run_context *rc)
{
    const char *list = rc->cfg->output.fields;
    const int all = list[0] == '\0';
    for (int f = 0; f < DERMIS_N_FIELDS; ++f) rc->field_selected[f] = all;
    if (all) return 0;
    char copy[DERMIS_CONFIG_STRING_MAX];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        const int f = dermis_species_find(tok);
        if (f < 0) return fail(rc, 2, "output.fields: unknown field '%s' (see the variable names in docs/model.md)", tok);
        rc->field_selected[f] = 1;
    }
    return 0;
}

static void describe_fields(run_context *rc)
{
    for (int f = 0; f < DERMIS_N_FIELDS; ++f) {
        const dermis_species_info *info = dermis_species((dermis_field)f);
        rc->field_meta[f] = (dermis_var_meta){info->name, info->units, info->long_name};
    }
}

static int describe_observables(run_context *rc)
{
    const size_t n = dermis_observables_count(rc->observables);
    rc->observable_meta = calloc(n + 1, sizeof *rc->observable_meta);
    if (!rc->observable_meta) return fail(rc, 1, "out of memory (observable metadata)");
    const char *const *names = dermis_observables_names(rc->observables);
    const char *const *units = dermis_observables_units(rc->observables);
    const char *const *long_names = dermis_observables_long_names(rc->observables);
    for (size_t i = 0; i < n; ++i) rc->observable_meta[i] = (dermis_var_meta){names[i], units[i], long_names[i]};
    return 0;
}

static const char *device_name(int device)
{
    return device >= 0 && device < DERMIS_N_DEVICES ? dermis_device_names[device] : "unknown";
}

static void describe_sessions(run_context *rc)
{
    for (size_t k = 0; k < rc->sessions.n; ++k) {
        const dermis_session_info *s = &rc->sessions.session[k];
        rc->session_records[k] = (dermis_session_record){
            s->t_day, device_name(s->device), s->depth_mm, s->effective_depth_mm, (long)s->channels_placed};
    }
}

/* Splits the resolved INI text into flat "section.key" = value pairs for the output's
 * config.<key> attributes. */
static int flatten_config(run_context *rc)
{
    const char *text = rc->req->resolved_ini;
    size_t lines = 1;
    for (const char *c = text; *c; ++c) lines += *c == '\n';
    rc->config_keys = calloc(lines, sizeof *rc->config_keys);
    rc->config_values = calloc(lines, sizeof *rc->config_values);
    if (!rc->config_keys || !rc->config_values) return fail(rc, 1, "out of memory (config attributes)");
    char section[DERMIS_CONFIG_STRING_MAX] = "";
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        const size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *eq = memchr(line, '=', len);
        if (len > 2 && line[0] == '[' && line[len - 1] == ']') {
            snprintf(section, sizeof section, "%.*s", (int)(len - 2), line + 1);
        } else if (eq && line[0] != '#' && line[0] != ';') {
            size_t key_len = (size_t)(eq - line);
            while (key_len > 0 && line[key_len - 1] == ' ') --key_len;
            const char *value = eq + 1;
            while (*value == ' ' && value < line + len) ++value;
            const size_t value_len = (size_t)(line + len - value);
            char *key = malloc(strlen(section) + key_len + 2);
            char *val = malloc(value_len + 1);
            if (!key || !val) {
                free(key);
                free(val);
                return fail(rc, 1, "out of memory (config attributes)");
            }
            sprintf(key, "%s.%.*s", section, (int)key_len, line);
            memcpy(val, value, value_len);
            val[value_len] = '\0';
            rc->config_keys[rc->n_config_keys] = key;
            rc->config_values[rc->n_config_keys++] = val;
        }
        line += len + (end ? 1 : 0);
    }
    return 0;
}

static int output_spec(run_context *rc, dermis_output_spec *spec)
{
    int status = select_fields(rc);
    if (status == 0) status = describe_observables(rc);
    if (status == 0) status = flatten_config(rc);
    if (status != 0) return status;
    describe_fields(rc);
    describe_sessions(rc);
    *spec = (dermis_output_spec){
        .grid = &rc->grid,
        .n_fields = DERMIS_N_FIELDS,
        .fields = rc->field_meta,
        .field_selected = rc->field_selected,
        .float32 = rc->cfg->output.float32,
        .n_observables = dermis_observables_count(rc->observables),
        .observables = rc->observable_meta,
        .n_sessions = rc->sessions.n,
        .sessions = rc->session_records,
        .config_ini = rc->req->resolved_ini,
        .n_config_keys = rc->n_config_keys,
        .config_keys = (const char *const *)rc->config_keys,
        .config_values = (const char *const *)rc->config_values,
        .command_line = rc->req->command_line,
        .seed = rc->cfg->run.seed,
        .threads = rc->req->threads,
    };
    return 0;
}

static void build_schedule(run_context *rc)
{
    const dermis_config *cfg = rc->cfg;
    rc->schedule = (dermis_schedule){
        .session_days = rc->sessions.session_days,
        .n_sessions = rc->sessions.n,
        .frame_interval_days = cfg->output.interval_days,
        .observables_interval_days = cfg->output.observables_interval_days,
        .checkpoint_interval_days = cfg->output.checkpoint_interval_days,
        .t_end_days = cfg->run.t_end_days,
    };
    dermis_schedule_cursor_init(&rc->cursor);
    snprintf(rc->checkpoint_path, sizeof rc->checkpoint_path, "%s.ckpt", rc->req->output_path);
}

/* --- checkpoints ------------------------------------------------------------------------ */

static const char *const extra_schedule_names[N_SCHEDULE_EXTRAS] = {
    "schedule.next_session", "schedule.next_frame_k", "schedule.next_observables_k", "schedule.next_checkpoint_k",
    "schedule.last_frame_day"};

/* The named extras of a checkpoint: the schedule cursor, then the observables' memory. */
typedef struct {
    const char *names[N_EXTRAS];
    char observable_names[DERMIS_OBSERVABLES_STATE_SIZE][32];
    double values[N_EXTRAS];
} checkpoint_extras;

/* Describes the run's checkpoint in c (state, sizes, hash, extras); the caller fills the rest. */
static void checkpoint_describe(run_context *rc, dermis_checkpoint *c, checkpoint_extras *x)
{
    for (int i = 0; i < N_SCHEDULE_EXTRAS; ++i) x->names[i] = extra_schedule_names[i];
    for (int i = 0; i < DERMIS_OBSERVABLES_STATE_SIZE; ++i) {
        snprintf(x->observable_names[i], sizeof x->observable_names[i], "observables.state_%02d", i);
        x->names[N_SCHEDULE_EXTRAS + i] = x->observable_names[i];
    }
    memset(c, 0, sizeof *c);
    c->t_day = rc->t_day;
    c->n_fields = DERMIS_N_FIELDS;
    c->n_voxels = dermis_grid_voxels(&rc->grid);
    c->state = rc->state;
    c->config_hash = rc->config_hash;
    c->n_extra = N_EXTRAS;
    c->extra_names = x->names;
    c->extra_values = x->values;
}

static int write_checkpoint(run_context *rc)
{
    dermis_checkpoint c;
    checkpoint_extras x;
    checkpoint_describe(rc, &c, &x);
    dermis_solver_get_controller(rc->solver, &c.controller);
    c.stats = *dermis_solver_get_stats(rc->solver);
    c.output_frames = dermis_output_frames(rc->output);
    c.observable_rows = dermis_output_observable_rows(rc->output);
    c.session_cursor = rc->cursor.next_session;
    x.values[EXTRA_NEXT_SESSION] = (double)rc->cursor.next_session;
    x.values[EXTRA_FRAME_K] = (double)rc->cursor.next_frame_k;
    x.values[EXTRA_OBS_K] = (double)rc->cursor.next_observables_k;
    x.values[EXTRA_CKPT_K] = (double)rc->cursor.next_checkpoint_k;
    x.values[EXTRA_LAST_FRAME] = rc->cursor.last_frame_day;
    dermis_observables_get_state(rc->observables, x.values + N_SCHEDULE_EXTRAS);
    c.next_output_day = dermis_schedule_next_time(&rc->schedule, &rc->cursor);
    c.next_observable_day = c.next_output_day;
    c.next_checkpoint_day = rc->schedule.checkpoint_interval_days * (double)rc->cursor.next_checkpoint_k;
    char msg[DERMIS_CHECKPOINT_ERROR_MAX];
    if (dermis_checkpoint_write(rc->checkpoint_path, &c, msg) != 0) return fail(rc, 1, "%s", msg);
    return 0;
}

/* Loads the checkpoint into the freshly built run: state, time, controller, schedule cursor,
 * observables memory; the barrier is replayed from the session table. Returns the output frame
 * and row counts to keep through out_frames/out_rows. */
static int read_checkpoint(run_context *rc, size_t *out_frames, size_t *out_rows)
{
    dermis_checkpoint c;
    checkpoint_extras x;
    checkpoint_describe(rc, &c, &x);
    char msg[DERMIS_CHECKPOINT_ERROR_MAX];
    if (dermis_checkpoint_read(rc->req->restart_path, rc->config_hash, &c, msg) != 0) return fail(rc, 2, "%s", msg);
    rc->t_day = c.t_day;
    dermis_solver_set_controller(rc->solver, &c.controller);
    rc->cursor.next_session = (size_t)x.values[EXTRA_NEXT_SESSION];
    rc->cursor.next_frame_k = (long)x.values[EXTRA_FRAME_K];
    rc->cursor.next_observables_k = (long)x.values[EXTRA_OBS_K];
    rc->cursor.next_checkpoint_k = (long)x.values[EXTRA_CKPT_K];
    rc->cursor.last_frame_day = x.values[EXTRA_LAST_FRAME];
    dermis_observables_set_state(rc->observables, x.values + N_SCHEDULE_EXTRAS);
    if (dermis_session_replay_barrier(&rc->sessions, rc->t_day, &rc->injury, rc->barrier) != 0)
        return fail(rc, 1, "restart: could not replay the barrier state of earlier sessions");
    *out_frames = c.output_frames;
    *out_rows = c.observable_rows;
    return 0;
}

/* --- the time loop ---------------------------------------------------------------------- */

static int apply_session(run_context *rc)
{
    const size_t k = rc->cursor.next_session - 1;
    if (dermis_session_apply_to_model(&rc->sessions, k, &rc->injury, rc->model, rc->state, rc->barrier) != 0)
        return fail(rc, 1, "session %zu: could not apply the injury", k + 1);
    dermis_solver_reset_step(rc->solver);
    return 0;
}

static int write_frame(run_context *rc)
{
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    if (dermis_output_write_frame(rc->output, rc->t_day, rc->state, msg) != 0) return fail(rc, 1, "%s", msg);
    return 0;
}

static int write_observables(run_context *rc)
{
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    dermis_observables_compute(rc->observables, rc->t_day, rc->state, rc->observable_values);
    if (dermis_output_write_observables(rc->output, rc->t_day, rc->observable_values, msg) != 0)
        return fail(rc, 1, "%s", msg);
    return 0;
}

static int handle_events(run_context *rc, const dermis_schedule_due *due)
{
    int status = 0;
    if (due->session) status = apply_session(rc);
    if (status == 0 && due->frame) status = write_frame(rc);
    if (status == 0 && due->observables) status = write_observables(rc);
    if (status == 0 && due->checkpoint) status = write_checkpoint(rc);
    return status;
}

static int time_loop(run_context *rc, int *interrupted)
{
    for (;;) {
        const double t_next = dermis_schedule_next_time(&rc->schedule, &rc->cursor);
        if (t_next > rc->t_day) {
            const int s = dermis_solver_advance(rc->solver, rc->state, &rc->t_day, t_next);
            if (s != DERMIS_SOLVER_OK)
                return fail(rc, 1, "solver failed at day %.6g: %s", rc->t_day, dermis_solver_strerror(s));
        }
        const dermis_schedule_due due = dermis_schedule_take(&rc->schedule, &rc->cursor, rc->t_day);
        const int status = handle_events(rc, &due);
        if (status != 0) return status;
        if (rc->req->show_progress || !rc->req->quiet) dermis_progress_update(&rc->progress, rc->t_day, rc->schedule.t_end_days);
        if (due.end) return 0;
        if (stop_requested) {
            *interrupted = 1;
            return fail(rc, 1, "interrupted at day %.6g; the frames written so far are in %s (run_status "
                        "\"interrupted\")", rc->t_day, rc->req->output_path);
        }
    }
}

/* --- assembly and clean-up -------------------------------------------------------------- */

static int build(run_context *rc)
{
    int status = build_grid(rc);
    if (status == 0) status = build_tissue(rc);
    if (status == 0) status = build_model(rc);
    if (status == 0) status = build_sessions(rc);
    if (status == 0) status = build_solver(rc);
    if (status == 0) status = build_state(rc);
    if (status == 0) build_schedule(rc);
    return status;
}

static int open_output(run_context *rc, size_t keep_frames, size_t keep_rows)
{
    dermis_output_spec spec;
    int status = output_spec(rc, &spec);
    if (status != 0) return status;
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    rc->output = rc->req->restart_path
                     ? dermis_output_reopen(rc->req->output_path, &spec, keep_frames, keep_rows, msg)
                     : dermis_output_create(rc->req->output_path, &spec, msg);
    if (!rc->output) return fail(rc, 1, "%s", msg);
    return 0;
}

static void release(run_context *rc)
{
    dermis_solver_free(rc->solver);
    dermis_observables_free(rc->observables);
    dermis_barrier_free(rc->barrier);
    dermis_injury_workspace_free(&rc->injury);
    dermis_model_free(rc->model);
    dermis_tissue_free(&rc->tissue);
    for (size_t i = 0; i < rc->n_config_keys; ++i) {
        free(rc->config_keys[i]);
        free(rc->config_values[i]);
    }
    free(rc->config_keys);
    free(rc->config_values);
    free(rc->observable_meta);
    free(rc->observable_values);
    free(rc->state);
}

/* Closes the output with the run's status; a close failure of a successful run fails it. */
static int close_output(run_context *rc, int status, int interrupted)
{
    if (!rc->output) return status;
    const char *run_status = status == 0 ? "completed" : interrupted ? "interrupted" : "failed";
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    const int closed = dermis_output_close(rc->output, run_status, dermis_solver_get_stats(rc->solver),
                                           wall_seconds() - rc->wall_start_s, msg);
    rc->output = NULL;
    if (closed != 0 && status == 0) return fail(rc, 1, "%s", msg);
    return status;
}

int dermis_run(const dermis_run_request *req, char *err, size_t errlen)
{
    run_context rc;
    memset(&rc, 0, sizeof rc);
    rc.req = req;
    rc.cfg = req->cfg;
    rc.err = err;
    rc.errlen = errlen;
    rc.wall_start_s = wall_seconds();
    rc.config_hash = dermis_config_hash(req->cfg);
    dermis_progress_init(&rc.progress, stderr, req->show_progress);

    int status = build(&rc);
    size_t keep_frames = 0, keep_rows = 0;
    if (status == 0 && req->restart_path) status = read_checkpoint(&rc, &keep_frames, &keep_rows);
    if (status == 0) status = open_output(&rc, keep_frames, keep_rows);

    int interrupted = 0;
    if (status == 0) {
        stop_requested = 0;
        void (*old_int)(int) = signal(SIGINT, request_stop);
        void (*old_term)(int) = signal(SIGTERM, request_stop);
        status = time_loop(&rc, &interrupted);
        signal(SIGINT, old_int);
        signal(SIGTERM, old_term);
        if (req->show_progress || !req->quiet) dermis_progress_finish(&rc.progress, rc.t_day, rc.schedule.t_end_days);
    }
    status = close_output(&rc, status, interrupted);
    release(&rc);
    return status;
}
