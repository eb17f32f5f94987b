/* Progress display (see progress.h). */
#include "app/progress.h"

#include <time.h>

/* Least wall time between two redraws of the bar: fast enough to look live, slow enough not to
 * cost anything or flood a slow terminal. */
#define BAR_REDRAW_S 0.2
#define BAR_WIDTH 30

double dermis_monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wall time as "1h02m", "3m05s" or "12.3s". */
static void format_duration(double seconds, char *buf, size_t len)
{
    if (!(seconds >= 0) || seconds > 1e8)
        snprintf(buf, len, "?");
    else if (seconds >= 3600)
        snprintf(buf, len, "%dh%02dm", (int)(seconds / 3600), (int)(seconds / 60) % 60);
    else if (seconds >= 60)
        snprintf(buf, len, "%dm%02ds", (int)(seconds / 60), (int)seconds % 60);
    else
        snprintf(buf, len, "%.1fs", seconds);
}

void dermis_progress_init(dermis_progress *p, FILE *stream, int as_bar)
{
    *p = (dermis_progress){.stream = stream, .as_bar = as_bar, .wall_start_s = dermis_monotonic_seconds()};
}

static double fraction_done(double t_day, double t_end_day)
{
    if (!(t_end_day > 0))
        return 1.0;
    double f = t_day / t_end_day;
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

static void draw(dermis_progress *p, double t_day, double t_end_day, double now)
{
    double f = fraction_done(t_day, t_end_day), elapsed = now - p->wall_start_s;
    char spent[16], left[16], bar[BAR_WIDTH + 1];
    format_duration(elapsed, spent, sizeof spent);
    format_duration(f > 0 ? elapsed * (1 - f) / f : -1, left, sizeof left);
    if (p->as_bar) {
        int filled = (int)(f * BAR_WIDTH);
        for (int i = 0; i < BAR_WIDTH; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[BAR_WIDTH] = '\0';
        fprintf(p->stream, "\r[%s] %5.1f%%  day %.2f/%g  wall %s  left ~%s   ", bar, 100 * f, t_day, t_end_day,
                spent, left);
        p->bar_drawn = 1;
    } else {
        fprintf(p->stream, "dermis: day %.2f of %g (%.0f%%), wall %s, about %s left\n", t_day, t_end_day, 100 * f,
                spent, left);
    }
    fflush(p->stream);
    p->last_draw_s = now;
}

void dermis_progress_update(dermis_progress *p, double t_day, double t_end_day)
{
    double now = dermis_monotonic_seconds();
    if (p->as_bar) {
        if (now - p->last_draw_s >= BAR_REDRAW_S)
            draw(p, t_day, t_end_day, now);
        return;
    }
    int tenth = (int)(10 * fraction_done(t_day, t_end_day));
    if (tenth > p->last_tenth && tenth < 10) {
        p->last_tenth = tenth;
        draw(p, t_day, t_end_day, now);
    }
}

void dermis_progress_finish(dermis_progress *p, double t_day, double t_end_day)
{
    draw(p, t_day, t_end_day, dermis_monotonic_seconds());
    if (p->bar_drawn) {
        fputc('\n', p->stream);
        p->bar_drawn = 0;
    }
}
