/* Event schedule of a run (see schedule.h). */
#include "app/schedule.h"

#include <math.h>

void dermis_schedule_cursor_init(dermis_schedule_cursor *c)
{
    c->next_session = 0;
    c->next_frame_k = 0;
    c->next_observables_k = 0;
    c->next_checkpoint_k = 1;
    c->last_frame_day = NAN;
}

static double periodic_time(double interval, long k)
{
    return interval > 0.0 ? interval * (double)k : INFINITY;
}

double dermis_schedule_next_time(const dermis_schedule *s, const dermis_schedule_cursor *c)
{
    double t = s->t_end_days;
    if (c->next_session < s->n_sessions) t = fmin(t, s->session_days[c->next_session]);
    t = fmin(t, periodic_time(s->frame_interval_days, c->next_frame_k));
    t = fmin(t, periodic_time(s->observables_interval_days, c->next_observables_k));
    t = fmin(t, periodic_time(s->checkpoint_interval_days, c->next_checkpoint_k));
    return t;
}

/* Advances a periodic counter past t and reports whether an event fell at t. */
static int take_periodic(double interval, long *k, double t)
{
    int due = 0;
    while (interval > 0.0 && periodic_time(interval, *k) <= t) {
        due = 1;
        ++*k;
    }
    return due;
}

dermis_schedule_due dermis_schedule_take(const dermis_schedule *s, dermis_schedule_cursor *c, double t_day)
{
    dermis_schedule_due due = {0, 0, 0, 0, 0};
    if (c->next_session < s->n_sessions && s->session_days[c->next_session] <= t_day) {
        due.session = 1;
        ++c->next_session;
    }
    due.frame = take_periodic(s->frame_interval_days, &c->next_frame_k, t_day);
    due.observables = take_periodic(s->observables_interval_days, &c->next_observables_k, t_day);
    due.checkpoint = take_periodic(s->checkpoint_interval_days, &c->next_checkpoint_k, t_day);
    due.end = t_day >= s->t_end_days;
    /* Frames also at every session and at the end, but never twice at one time. */
    if (due.session || due.end) due.frame = 1;
    if (due.end) due.observables = 1;
    if (due.frame && c->last_frame_day == t_day) due.frame = 0;
    if (due.frame) c->last_frame_day = t_day;
    /* A checkpoint at the very end is useless: the run is complete. */
    if (due.end) due.checkpoint = 0;
    return due;
}
