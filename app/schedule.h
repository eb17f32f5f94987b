/* The event schedule of a run: session times, field-frame times, observable times, checkpoint
 * times and the end. The driver advances the solver exactly to the next event, then handles
 * every event due at that time in a fixed order: session (injury), field frame, observables,
 * checkpoint.
 *
 * Periodic events are counted, not accumulated: the k-th frame is at k * interval exactly, so
 * a long run has no drift and a restarted run computes the same times from the same counters.
 * Field frames are also written at every session time (just after the injury) and at the end.
 */
#ifndef DERMIS_APP_SCHEDULE_H
#define DERMIS_APP_SCHEDULE_H

#include <stddef.h>

typedef struct {
    const double *session_days;  /* ascending session times */
    size_t n_sessions;
    double frame_interval_days;
    double observables_interval_days;
    double checkpoint_interval_days;  /* 0 = no checkpoints */
    double t_end_days;
} dermis_schedule;

/* Where a run stands in its schedule; saved in checkpoints. */
typedef struct {
    size_t next_session;        /* index of the next session not yet applied */
    long next_frame_k;          /* next periodic frame is at next_frame_k * frame interval */
    long next_observables_k;
    long next_checkpoint_k;     /* starts at 1: no checkpoint at t = 0 */
    double last_frame_day;      /* time of the last frame written (NAN before the first) */
} dermis_schedule_cursor;

/* What is due at one event time. */
typedef struct {
    int session;      /* 1: apply session cursor.next_session */
    int frame;
    int observables;
    int checkpoint;
    int end;
} dermis_schedule_due;

void dermis_schedule_cursor_init(dermis_schedule_cursor *c);

/* The next event time strictly after... or at t_day (events at t_day not yet handled count). */
double dermis_schedule_next_time(const dermis_schedule *s, const dermis_schedule_cursor *c);

/* What is due at time t_day (which must equal dermis_schedule_next_time), and advances the
 * cursor past it. */
dermis_schedule_due dermis_schedule_take(const dermis_schedule *s, dermis_schedule_cursor *c, double t_day);

#endif
