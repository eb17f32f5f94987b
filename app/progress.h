/* Progress of a run on stderr: on a terminal one line redrawn in place (simulated day, wall
 * time, estimated time left); otherwise a plain log line each time another 10 % of the
 * simulated time is done, so logs of batch jobs stay short. The driver calls
 * dermis_progress_update as often as it likes; drawing is rate-limited here. */
#ifndef DERMIS_APP_PROGRESS_H
#define DERMIS_APP_PROGRESS_H

#include <stdio.h>

typedef struct {
    FILE *stream;
    int as_bar;            /* 1: redrawn bar; 0: log lines */
    double wall_start_s;   /* monotonic clock at init */
    double last_draw_s;    /* monotonic clock of the last bar drawn */
    int last_tenth;        /* log mode: tenths of the run already reported */
    int bar_drawn;         /* a bar line is on screen and needs a newline before other output */
} dermis_progress;

/* as_bar: 1 to redraw a bar (use when stream is a terminal and the run is not --quiet). */
void dermis_progress_init(dermis_progress *p, FILE *stream, int as_bar);

/* Reports that the simulation reached t_day of t_end_day (days). */
void dermis_progress_update(dermis_progress *p, double t_day, double t_end_day);

/* Draws the final state and ends the bar's line; call once after the last update. */
void dermis_progress_finish(dermis_progress *p, double t_day, double t_end_day);

/* The command's one wall clock: seconds of CLOCK_MONOTONIC (for durations only). */
double dermis_monotonic_seconds(void);

#endif
