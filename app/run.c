/* The run driver: one simulation as a pure function of its resolved configuration.
 *
 * The simulation itself (set-up, sessions, observables) is app/sim.h, shared with the teaching
 * page; this driver adds what a command-line run needs: the output file, checkpoints, signals
 * and progress. Each event of the schedule (app/schedule.h) is handled in this order: session
 * (injury) and observables by the sim, then field frame, observables row, checkpoint.
 * Every frame is flushed to disk as it is written (SWMR), so a crash or kill keeps the frames
 * already written; SIGINT and SIGTERM stop the run within one solver step with run_status
 * "interrupted". A restart from a checkpoint reproduces the uninterrupted run bit for bit.
 * The output path is guarded by app/output_files.h: locked for the whole run, a fresh run
 * writes OUT.partial and publishes it as OUT after the first frame, a restart appends only to
 * the output its checkpoint belongs to.
 */
#include "app/run.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "app/output_files.h"
#include "app/progress.h"
#include "app/run_request.h"
#include "app/schedule.h"
#include "app/sim.h"
#include "io/checkpoint.h"
#include "io/output.h"
#include "model/message.h"
#include "model/species.h"

/* The only file-scope state of dermis: a signal handler can reach nothing else. It is set by
 * SIGINT/SIGTERM during a run and read by the solver before every step (stop_callback). */
static volatile sig_atomic_t stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

static int stop_callback(void *user)
{
    (void)user;
    return stop_requested != 0;
}

/* The signals that stop a run, and their dispositions before it. */
static const int stop_signals[] = {SIGINT, SIGTERM};
#define N_STOP_SIGNALS (sizeof stop_signals / sizeof *stop_signals)

/* SA_RESETHAND: a second Ctrl-C while the run is closing its files kills it the usual way. */
static void catch_stop_signals(struct sigaction *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = request_stop;
    sa.sa_flags = (int)SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    stop_requested = 0;
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) sigaction(stop_signals[i], &sa, &saved[i]);
}

/* A point of `dermis sweep` stops as on SIGTERM when its driver dies, even by SIGKILL, so a
 * killed sweep leaves no orphan runs holding their points' locks. The driver names itself in
 * DERMIS_SWEEP_PID (app/sweep_cmd.c); that it is still our parent after prctl() closes the race
 * with a driver that died before it. Linux only (prctl); elsewhere orphans finish their point. */
static void follow_sweep_driver(void)
{
#ifdef __linux__
    const char *driver = getenv(DERMIS_SWEEP_PID_ENV);
    if (driver == NULL) return;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if ((long)getppid() != strtol(driver, NULL, 10)) stop_requested = 1;
#endif
}

static void restore_stop_signals(const struct sigaction *saved)
{
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) sigaction(stop_signals[i], &saved[i], NULL);
}

typedef struct {
    const dermis_run_request *req;
    const dermis_config *cfg;
    dermis_sim *sim;
    dermis_output *output;
    dermis_output_files files;
    char run_id[DERMIS_RUN_ID_SIZE];
    int published;              /* the output is at its final name (always, for a restart) */
    int interrupted;
    dermis_var_meta field_meta[DERMIS_N_FIELDS];
    int field_selected[DERMIS_N_FIELDS];
    dermis_var_meta *observable_meta;
    const char *layer_names[DERMIS_N_LAYERS];
    size_t n_observable_vars;
    dermis_session_record session_records[DERMIS_MAX_SESSIONS];
    dermis_config_pairs config_pairs;
    dermis_progress progress;
    unsigned long long config_hash;
    double wall_start_s;
    char *err;
    size_t errlen;
} run_context;

/* --- output metadata -------------------------------------------------------------------- */

/* output.fields (checked by dermis_config_finish): which fields the output holds. */
static int select_fields(run_context *rc)
{
    char reason[320];
    if (dermis_config_selected_fields(rc->cfg, rc->field_selected, reason) != 0)
        return dermis_message(rc->err, rc->errlen, 2, "output.fields: %s", reason);
    return 0;
}

static void describe_fields(run_context *rc)
{
    for (int f = 0; f < DERMIS_N_FIELDS; ++f) {
        const dermis_species_info *info = dermis_species((dermis_field)f);
        rc->field_meta[f] = (dermis_var_meta){info->name, info->units, info->long_name, 0};
    }
}

/* The observables as output variables: a per-region series (consecutive entries, one per
 * region) becomes one variable along the output's region dimension. */
static int describe_observables(run_context *rc)
{
    const size_t n = dermis_observables_count(rc->sim->observables);
    rc->observable_meta = calloc(n + 1, sizeof *rc->observable_meta);
    if (!rc->observable_meta)
        return dermis_message(rc->err, rc->errlen, 1, "out of memory (observable metadata)");
    const char *const *stems = dermis_observables_stems(rc->sim->observables);
    const char *const *units = dermis_observables_units(rc->sim->observables);
    const char *const *long_names = dermis_observables_stem_long_names(rc->sim->observables);
    const int *region = dermis_observables_regions(rc->sim->observables);
    rc->n_observable_vars = 0;
    for (size_t i = 0; i < n; ++i)
        if (region[i] <= 0)
            rc->observable_meta[rc->n_observable_vars++] = (dermis_var_meta){stems[i], units[i], long_names[i], region[i] == 0};
    return 0;
}

static void describe_sessions(run_context *rc)
{
    for (size_t k = 0; k < rc->sim->sessions.n; ++k) {
        const dermis_session_info *s = &rc->sim->sessions.session[k];
        rc->session_records[k] = (dermis_session_record){s->t_day, dermis_device_name(s->device), s->depth_mm,
                                                         s->effective_depth_mm, (long)s->channels_placed};
    }
}

/* The resolved key/value list for the output's config.<key> attributes. */
static int list_config(run_context *rc)
{
    if (dermis_config_pairs_build(rc->cfg, &rc->config_pairs) != 0)
        return dermis_message(rc->err, rc->errlen, 1, "out of memory (config attributes)");
    return 0;
}

/* Outputs at 0, interval, 2 interval, ... t_end (and at t_end itself). */
static size_t expected_count(double t_end_days, double interval_days)
{
    return (size_t)floor(t_end_days / interval_days) + 2;
}

static int output_spec(run_context *rc, dermis_output_spec *spec)
{
    int status = select_fields(rc);
    if (status == 0) status = describe_observables(rc);
    if (status == 0) status = list_config(rc);
    if (status != 0) return status;
    describe_fields(rc);
    describe_sessions(rc);
    for (int l = 0; l < DERMIS_N_LAYERS; ++l) rc->layer_names[l] = dermis_layer_name((dermis_layer)l);
    *spec = (dermis_output_spec){
        .grid = &rc->sim->grid,
        .n_fields = DERMIS_N_FIELDS,
        .fields = rc->field_meta,
        .field_selected = rc->field_selected,
        .float32 = rc->cfg->output.float32,
        .compression = (int)rc->cfg->output.compression,
        .n_observables = rc->n_observable_vars,
        .observables = rc->observable_meta,
        .n_regions = dermis_observables_region_count(),
        .region_names = dermis_observables_region_names(),
        /* the baseline, then one per interval (an upper bound: the chunks are sized for it) */
        .expected_frames = expected_count(rc->cfg->run.t_end_days, rc->cfg->output.interval_days) + 1,
        .expected_observable_rows =
            expected_count(rc->cfg->run.t_end_days, rc->cfg->output.observables_interval_days) + 1,
        .n_sessions = rc->sim->sessions.n,
        .sessions = rc->session_records,
        .layer = rc->sim->tissue.layer,
        .n_layers = DERMIS_N_LAYERS,
        .layer_names = rc->layer_names,
        .config_ini = rc->req->resolved_ini,
        .n_config_keys = rc->config_pairs.n,
        .config_keys = (const char *const *)rc->config_pairs.keys,
        .config_values = (const char *const *)rc->config_pairs.values,
        .command_line = rc->req->command_line,
        .run_id = rc->run_id,
        .seed = rc->cfg->run.seed,
        .threads = dermis_solver_threads(rc->sim->solver), /* the count used, not the request */
    };
    return 0;
}

/* --- checkpoints ------------------------------------------------------------------------ */

/* A checkpoint holds exactly what read_checkpoint restores, as named, typed values in groups:
 *   run          t_day, output_frames, observable_rows
 *   state        one array per field (model/species.h names and units)
 *   controller   the step controller (dermis_solver_controller)
 *   solver_stats the cumulative solver statistics, so a restarted file counts the whole run
 *   schedule     the schedule cursor (app/schedule.h)
 *   observables  the observables' memory, one array per entry (model/observables.h) */
#define COUNT_ENTRY(name, length, units, meaning) +1
enum { N_OBSERVABLE_ENTRIES = 0 DERMIS_OBSERVABLES_STATE(COUNT_ENTRY) };
#undef COUNT_ENTRY

/* One checkpoint scalar per row of the solver's statistics list (solver/solver.h). */
#define COUNT_STAT(type, name, units, doc) +1
enum { N_STATS = 0 DERMIS_SOLVER_STATS(COUNT_STAT) };
#undef COUNT_STAT

enum { GROUP_RUN, GROUP_STATE, GROUP_CONTROLLER, GROUP_STATS, GROUP_SCHEDULE, GROUP_OBSERVABLES, N_GROUPS };

/* The values of a checkpoint that do not live in the run as they are stored, and the
 * description of the file that binds every stored name to its value. */
typedef struct {
    double t_day;
    long output_frames, observable_rows, next_session;
    dermis_solver_controller controller;
    dermis_solver_stats stats;
    double observables[DERMIS_OBSERVABLES_STATE_SIZE];
    dermis_checkpoint_scalar run[3], control[4], stats_scalars[N_STATS], schedule[5];
    dermis_checkpoint_array fields[DERMIS_N_FIELDS], memory[N_OBSERVABLE_ENTRIES];
    dermis_checkpoint_group groups[N_GROUPS];
    dermis_checkpoint c;
} checkpoint_image;

static void describe_state(run_context *rc, checkpoint_image *x)
{
    const size_t voxels = dermis_grid_voxels(&rc->sim->grid);
    for (int f = 0; f < DERMIS_N_FIELDS; ++f) {
        const dermis_species_info *info = dermis_species((dermis_field)f);
        x->fields[f] = (dermis_checkpoint_array){info->name, info->units, voxels, rc->sim->state + (size_t)f * voxels};
    }
    const dermis_observables_state_entry *entries;
    const size_t n = dermis_observables_state_entries(&entries);
    for (size_t i = 0; i < n && i < N_OBSERVABLE_ENTRIES; ++i)
        x->memory[i] = (dermis_checkpoint_array){entries[i].name, entries[i].units, entries[i].length,
                                                 x->observables + entries[i].offset};
}

/* Binds every stored name to its value in x or in the run (the schedule cursor's counters). */
static void checkpoint_describe(run_context *rc, checkpoint_image *x)
{
    dermis_schedule_cursor *k = &rc->sim->cursor;
    const dermis_checkpoint_scalar run[] = {{"t_day", DERMIS_CHECKPOINT_DOUBLE, &x->t_day},
                                            {"output_frames", DERMIS_CHECKPOINT_LONG, &x->output_frames},
                                            {"observable_rows", DERMIS_CHECKPOINT_LONG, &x->observable_rows}};
    const dermis_checkpoint_scalar control[] = {
        {"dt_next_day", DERMIS_CHECKPOINT_DOUBLE, &x->controller.dt_next_day},
        {"err_prev", DERMIS_CHECKPOINT_DOUBLE, &x->controller.err_prev},
        {"steps_accepted", DERMIS_CHECKPOINT_LONG, &x->controller.steps_accepted},
        {"steps_rejected", DERMIS_CHECKPOINT_LONG, &x->controller.steps_rejected}};
    const dermis_checkpoint_scalar schedule[] = {
        {"next_session", DERMIS_CHECKPOINT_LONG, &x->next_session},
        {"next_frame_k", DERMIS_CHECKPOINT_LONG, &k->next_frame_k},
        {"next_observables_k", DERMIS_CHECKPOINT_LONG, &k->next_observables_k},
        {"next_checkpoint_k", DERMIS_CHECKPOINT_LONG, &k->next_checkpoint_k},
        {"last_frame_day", DERMIS_CHECKPOINT_DOUBLE, &k->last_frame_day}};
    _Static_assert(sizeof run == sizeof x->run && sizeof control == sizeof x->control &&
                       sizeof schedule == sizeof x->schedule,
                   "checkpoint scalar tables");
    memcpy(x->run, run, sizeof run);
    memcpy(x->control, control, sizeof control);
    for (size_t i = 0; i < N_STATS; ++i) {
        const dermis_solver_stat_info *info = dermis_solver_stats_info(i);
        x->stats_scalars[i] = (dermis_checkpoint_scalar){
            info->name, info->type == DERMIS_STAT_LONG ? DERMIS_CHECKPOINT_LONG : DERMIS_CHECKPOINT_DOUBLE,
            (char *)&x->stats + info->offset};
    }
    memcpy(x->schedule, schedule, sizeof schedule);
    describe_state(rc, x);
    x->groups[GROUP_RUN] = (dermis_checkpoint_group){"run", 3, x->run, 0, NULL};
    x->groups[GROUP_STATE] = (dermis_checkpoint_group){"state", 0, NULL, DERMIS_N_FIELDS, x->fields};
    x->groups[GROUP_CONTROLLER] = (dermis_checkpoint_group){"controller", 4, x->control, 0, NULL};
    x->groups[GROUP_STATS] = (dermis_checkpoint_group){"solver_stats", N_STATS, x->stats_scalars, 0, NULL};
    x->groups[GROUP_SCHEDULE] = (dermis_checkpoint_group){"schedule", 5, x->schedule, 0, NULL};
    x->groups[GROUP_OBSERVABLES] = (dermis_checkpoint_group){"observables", 0, NULL, N_OBSERVABLE_ENTRIES, x->memory};
    memset(&x->c, 0, sizeof x->c);
    x->c.config_hash = rc->config_hash;
    snprintf(x->c.run_id, sizeof x->c.run_id, "%s", rc->run_id);
    x->c.n_groups = N_GROUPS;
    x->c.groups = x->groups;
}

static int write_checkpoint(run_context *rc)
{
    checkpoint_image *x = malloc(sizeof *x);
    if (!x)
        return dermis_message(rc->err, rc->errlen, 1, "out of memory (checkpoint)");
    checkpoint_describe(rc, x);
    x->t_day = rc->sim->t_day;
    x->output_frames = (long)dermis_output_frames(rc->output);
    x->observable_rows = (long)dermis_output_observable_rows(rc->output);
    x->next_session = (long)rc->sim->cursor.next_session;
    dermis_solver_get_controller(rc->sim->solver, &x->controller);
    x->stats = *dermis_solver_get_stats(rc->sim->solver);
    dermis_observables_get_state(rc->sim->observables, x->observables);
    char msg[DERMIS_CHECKPOINT_ERROR_MAX];
    const int status = dermis_checkpoint_write(rc->files.ckpt, &x->c, msg) != 0
                           ? dermis_message(rc->err, rc->errlen, 1, "%s", msg)
                           : 0;
    free(x);
    return status;
}

/* Loads the checkpoint into the freshly built run: state, time, controller, statistics,
 * schedule cursor, observables memory; the barrier is replayed from the session table. The
 * output it continues must be the one the checkpoint belongs to. Returns the output frame and
 * row counts to keep through out_frames/out_rows. */
static int read_checkpoint(run_context *rc, size_t *out_frames, size_t *out_rows)
{
    checkpoint_image *x = malloc(sizeof *x);
    if (!x)
        return dermis_message(rc->err, rc->errlen, 1, "out of memory (checkpoint)");
    checkpoint_describe(rc, x);
    char msg[DERMIS_CHECKPOINT_ERROR_MAX];
    int status = 0;
    if (dermis_checkpoint_read(rc->req->restart_path, rc->config_hash, &x->c, msg) != 0)
        status = dermis_message(rc->err, rc->errlen, 2, "%s", msg);
    else if (x->output_frames < 0 || x->observable_rows < 0 || x->next_session < 0 ||
             (size_t)x->next_session > rc->sim->sessions.n)
        status =
            dermis_message(rc->err, rc->errlen, 2, "%s: checkpoint holds impossible counters", rc->req->restart_path);
    if (status == 0)
        status = dermis_output_files_check_restart(&rc->files, x->c.run_id, rc->req->restart_path, rc->err, rc->errlen);
    if (status == 0) {
        snprintf(rc->run_id, sizeof rc->run_id, "%s", x->c.run_id);
        rc->sim->t_day = x->t_day;
        rc->sim->cursor.next_session = (size_t)x->next_session;
        dermis_solver_set_controller(rc->sim->solver, &x->controller);
        dermis_solver_set_stats(rc->sim->solver, &x->stats);
        dermis_observables_set_state(rc->sim->observables, x->observables);
        *out_frames = (size_t)x->output_frames;
        *out_rows = (size_t)x->observable_rows;
    }
    free(x);
    if (status == 0 &&
        dermis_session_replay_barrier(&rc->sim->sessions, rc->sim->t_day, &rc->sim->injury, rc->sim->barrier) != 0)
        return dermis_message(rc->err, rc->errlen, 1,
                              "restart: could not replay the barrier state of earlier sessions");
    return status;
}

/* --- the time loop ---------------------------------------------------------------------- */

/* A fresh run's file becomes OUT once it holds its first frame: from then on it is a useful
 * result (and what a live reader or a killed run leaves under the expected name); before, a
 * failure leaves an earlier OUT untouched. The checkpoints of the run it replaces go with it. */
static int publish(run_context *rc)
{
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    if (dermis_output_rename(rc->output, rc->files.out, msg) != 0)
        return dermis_message(rc->err, rc->errlen, 1, "%s", msg);
    rc->published = 1;
    dermis_output_files_remove_old_checkpoints(&rc->files);
    return 0;
}

static int write_frame(run_context *rc)
{
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    if (dermis_output_write_frame(rc->output, rc->sim->t_day, rc->sim->state, msg) != 0)
        return dermis_message(rc->err, rc->errlen, 1, "%s", msg);
    return rc->published ? 0 : publish(rc);
}

static int write_observables(run_context *rc)
{
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    if (dermis_output_write_observables(rc->output, rc->sim->t_day, rc->sim->observable_values, msg) != 0)
        return dermis_message(rc->err, rc->errlen, 1, "%s", msg);
    return 0;
}

/* The untreated baseline: frame 0 and observable row 0 of every fresh run, at t = 0 before
 * any session, so every change from baseline starts at 0. */
static int write_baseline(run_context *rc)
{
    dermis_sim *sim = rc->sim;
    dermis_observables_compute(sim->observables, sim->t_day, sim->state, sim->observable_values);
    int status = write_frame(rc);
    if (status == 0) status = write_observables(rc);
    return status;
}

/* The output's part of an event; the session and the observables were handled by the sim. */
static int handle_events(run_context *rc, const dermis_schedule_due *due)
{
    /* Before the first session at t = 0 the state is the baseline, already written. */
    const int at_baseline = rc->sim->t_day == 0.0 && rc->sim->cursor.next_session == 0;
    int status = 0;
    if (due->frame && !at_baseline) status = write_frame(rc);
    if (status == 0 && due->observables && !at_baseline) status = write_observables(rc);
    if (status == 0 && due->checkpoint) status = write_checkpoint(rc);
    return status;
}

static int interrupted(run_context *rc)
{
    rc->interrupted = 1;
    const double t_day = rc->sim ? rc->sim->t_day : 0.0;
    if (!rc->published)
        return dermis_message(rc->err, rc->errlen, 1,
                              "interrupted at day %.6g, before the first frame; %s was not changed", t_day,
                              rc->files.out);
    return dermis_message(rc->err, rc->errlen, 1,
                          "interrupted at day %.6g; the frames written so far are in %s (run_status \"interrupted\")",
                          t_day, rc->files.out);
}

static int time_loop(run_context *rc)
{
    for (;;) {
        dermis_schedule_due due;
        int status = dermis_sim_next_event(rc->sim, &due, rc->err, rc->errlen);
        /* The solver stops within one step of a signal (stop_callback); the sim reports that as
         * a failure of the step, which here is an interruption. */
        if (stop_requested) return interrupted(rc);
        if (status == 0) status = handle_events(rc, &due);
        if (status != 0) return status;
        if (rc->req->show_progress || !rc->req->quiet) dermis_progress_update(&rc->progress, rc->sim->t_day, rc->sim->schedule.t_end_days);
        if (due.end) return 0;
    }
}

/* --- assembly and clean-up -------------------------------------------------------------- */

static int build(run_context *rc)
{
    int status = 0;
    rc->sim = dermis_sim_create(rc->cfg, rc->req->threads, &status, rc->err, rc->errlen);
    if (rc->sim) dermis_solver_set_stop(rc->sim->solver, stop_callback, NULL);
    return status;
}

static int open_output(run_context *rc, size_t keep_frames, size_t keep_rows)
{
    dermis_output_spec spec;
    int status = output_spec(rc, &spec);
    if (status != 0) return status;
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    rc->published = rc->req->restart_path != NULL;
    rc->output = rc->published ? dermis_output_reopen(rc->files.out, &spec, keep_frames, keep_rows, msg)
                               : dermis_output_create(rc->files.partial, &spec, msg);
    if (!rc->output)
        return dermis_message(rc->err, rc->errlen, 1, "%s", msg);
    return 0;
}

static void release(run_context *rc)
{
    dermis_sim_free(rc->sim);
    dermis_config_pairs_free(&rc->config_pairs);
    free(rc->observable_meta);
}

/* Closes the output with the run's status; a close failure of a successful run fails it. A
 * fresh run that ends before its first frame removes its unpublished file. */
static int close_output(run_context *rc, int status)
{
    if (!rc->output) {
        if (!rc->published) dermis_output_files_remove_partial(&rc->files);
        return status;
    }
    const char *run_status = status == 0 ? "completed" : rc->interrupted ? "interrupted" : "failed";
    char msg[DERMIS_OUTPUT_ERROR_MAX];
    const int closed = dermis_output_close(rc->output, run_status, dermis_solver_get_stats(rc->sim->solver),
                                           dermis_monotonic_seconds() - rc->wall_start_s, msg);
    rc->output = NULL;
    if (!rc->published) dermis_output_files_remove_partial(&rc->files);
    if (closed != 0 && status == 0)
        return dermis_message(rc->err, rc->errlen, 1, "%s", msg);
    return status;
}

/* Locks the output path and checks what is there; a fresh run gets its new run identity. */
static int claim_output(run_context *rc)
{
    int status = dermis_output_files_lock(&rc->files, rc->req->output_path, rc->err, rc->errlen);
    if (status != 0 || rc->req->restart_path) return status;
    status = dermis_output_files_check_fresh(&rc->files, rc->req->overwrite, rc->req->config_path, rc->err, rc->errlen);
    if (status == 0 && dermis_run_id_new(rc->run_id) != 0)
        status = dermis_message(rc->err, rc->errlen, 1, "cannot read /dev/urandom for the run identity");
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
    rc.wall_start_s = dermis_monotonic_seconds();
    rc.config_hash = dermis_config_hash(req->cfg);
    dermis_progress_init(&rc.progress, stderr, req->show_progress);

    struct sigaction saved[N_STOP_SIGNALS];
    catch_stop_signals(saved);
    follow_sweep_driver();
    int status = claim_output(&rc);
    if (status == 0) status = build(&rc);
    size_t keep_frames = 0, keep_rows = 0;
    if (status == 0 && req->restart_path) status = read_checkpoint(&rc, &keep_frames, &keep_rows);
    if (status == 0 && stop_requested) status = interrupted(&rc);
    if (status == 0) status = open_output(&rc, keep_frames, keep_rows);
    if (status == 0 && !req->restart_path) status = write_baseline(&rc);
    if (status == 0) {
        status = time_loop(&rc);
        if (req->show_progress || !req->quiet) dermis_progress_finish(&rc.progress, rc.sim->t_day, rc.sim->schedule.t_end_days);
    }
    status = close_output(&rc, status);
    release(&rc);
    dermis_output_files_release(&rc.files);
    restore_stop_signals(saved);
    return status;
}
