/* Session table and session application (see sessions.h). */
#include "model/sessions.h"

#include <math.h>
#include <stdlib.h>

#include "model/barrier.h"
#include "model/device.h"
#include "model/message.h"
#include "model/model.h"
#include "model/sites.h"

#define MM2_PER_CM2 100.0

static void describe_session(dermis_session_info *s, const dermis_protocol_params *p, size_t k,
                             double capillary_depth_mm, long run_seed)
{
    const dermis_device_params *d = &p->device;
    s->t_day = dermis_protocol_session_day(&p->treatment, k);
    s->device = dermis_protocol_session_device(p, k);
    s->depth_mm = dermis_protocol_session_depth_mm(p, k);
    s->effective_depth_mm = dermis_device_effective_depth_mm(d, s->depth_mm);
    s->channels_per_cm2 = dermis_device_density_cm2(d, s->device);
    s->bleeding = s->effective_depth_mm >= capillary_depth_mm;
    s->rng_seed = dermis_injury_session_seed(run_seed, k);
    s->shape.radius_mm = 0.5 * d->needle_diameter_mm;
    s->shape.depth_mm = s->effective_depth_mm;
    s->shape.crush_width_mm = d->crush_width_mm;
    s->shape.crush_damage = d->crush_damage;
    s->shape.tip = d->tip;
    s->placement.density_per_mm2 = s->channels_per_cm2 / MM2_PER_CM2;
    s->placement.pattern = d->placement == DERMIS_PLACEMENT_PATTERN;
    s->placement.stratified = d->placement == DERMIS_PLACEMENT_STRATIFIED;
    s->placement.passes = dermis_device_passes(d, s->device);
    if (dermis_device_lattice_mm(d, s->device, &s->placement.lattice_ax_mm, &s->placement.lattice_ay_mm))
        s->placement.lattice_ax_mm = s->placement.lattice_ay_mm = 0.0;
}

static int count_channels(dermis_session_table *t, const dermis_grid *g)
{
    dermis_channel_set set = {NULL, 0, 0};
    for (size_t k = 0; k < t->n; ++k) {
        dermis_session_info *s = &t->session[k];
        if (dermis_channels_place(&set, g, &s->placement, &s->shape, s->rng_seed)) {
            dermis_channel_set_free(&set);
            return -1;
        }
        s->channels_placed = set.n;
    }
    dermis_channel_set_free(&set);
    return 0;
}

int dermis_session_table_build(dermis_session_table *t, const dermis_protocol_params *p,
                               const dermis_skin_profile *skin, const dermis_grid *g, long run_seed, char *msg,
                               size_t msg_len)
{
    t->grid = *g;
    t->capillary_depth_mm = dermis_skin_capillary_depth_mm(&p->skin, skin);
    t->n = dermis_protocol_session_count(&p->treatment);
    for (size_t k = 0; k < t->n; ++k) {
        describe_session(&t->session[k], p, k, t->capillary_depth_mm, run_seed);
        t->session_days[k] = t->session[k].t_day;
        if (!(t->session[k].channels_per_cm2 > 0.0))
            return dermis_message(msg, msg_len, DERMIS_SESSIONS_EINVAL,
                                  "device.*: the device settings lay no channels (check needles, passes, speed "
                                  "and density)");
    }
    if (count_channels(t, g))
        return dermis_message(msg, msg_len, DERMIS_SESSIONS_ENOMEM, "out of memory");
    return 0;
}

int dermis_injury_workspace_alloc(dermis_injury_workspace *ws, const dermis_grid *g)
{
    ws->damage = malloc(dermis_grid_voxels(g) * sizeof *ws->damage);
    ws->open_fraction = malloc(g->nx * g->ny * sizeof *ws->open_fraction);
    ws->channels.channels = NULL;
    ws->channels.n = ws->channels.capacity = 0;
    if (ws->damage && ws->open_fraction) return 0;
    dermis_injury_workspace_free(ws);
    return -1;
}

void dermis_injury_workspace_free(dermis_injury_workspace *ws)
{
    free(ws->damage);
    free(ws->open_fraction);
    ws->damage = ws->open_fraction = NULL;
    dermis_channel_set_free(&ws->channels);
}

int dermis_session_injury(const dermis_session_table *t, size_t k, dermis_injury_workspace *ws)
{
    const dermis_session_info *s = &t->session[k];
    if (dermis_channels_place(&ws->channels, &t->grid, &s->placement, &s->shape, s->rng_seed)) return -1;
    dermis_injury_map(&t->grid, &ws->channels, s->placement.density_per_mm2, &s->shape, ws->damage);
    dermis_injury_surface_open(&t->grid, &ws->channels, s->placement.density_per_mm2, &s->shape, ws->open_fraction);
    return 0;
}

int dermis_session_apply(const dermis_session_table *t, size_t k, dermis_injury_workspace *ws,
                         dermis_damage_fn damage, void *user, dermis_barrier *barrier)
{
    if (dermis_session_injury(t, k, ws)) return -1;
    const size_t n = dermis_grid_voxels(&t->grid);
    for (size_t v = 0; v < n; ++v) {
        if (!(ws->damage[v] > 0.0)) continue;
        const int status = damage(v, ws->damage[v], t->session[k].bleeding, user);
        if (status) return status;
    }
    if (barrier) dermis_barrier_record(barrier, k, t->session[k].t_day, ws->open_fraction);
    return 0;
}

int dermis_session_replay_barrier(const dermis_session_table *t, double t_now_day, dermis_injury_workspace *ws,
                                  dermis_barrier *barrier)
{
    for (size_t k = 0; k < t->n && t->session[k].t_day <= t_now_day; ++k) {
        if (dermis_session_injury(t, k, ws)) return -1;
        dermis_barrier_record(barrier, k, t->session[k].t_day, ws->open_fraction);
    }
    return 0;
}

long dermis_session_latest(const dermis_session_table *t, double t_day_now)
{
    long latest = -1;
    for (size_t k = 0; k < t->n; ++k)
        if (t->session[k].t_day <= t_day_now) latest = (long)k;
    return latest;
}

typedef struct {
    const dermis_model *model;
    double *state;
} model_hook;

static int damage_into_model(size_t voxel, double fraction, int bleeding, void *user)
{
    const model_hook *h = user;
    dermis_model_apply_damage(h->model, voxel, fraction, bleeding ? 1.0 : 0.0, h->state);
    return 0;
}

int dermis_session_apply_to_model(const dermis_session_table *t, size_t k, dermis_injury_workspace *ws,
                                  const dermis_model *model, double *state, dermis_barrier *barrier)
{
    model_hook hook = {model, state};
    return dermis_session_apply(t, k, ws, damage_into_model, &hook, barrier);
}
