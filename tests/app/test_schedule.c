/* Tests of the run's event schedule (app/schedule.c): every event lands exactly on its time,
 * frames come at the interval, at each session and at the end, never twice at one time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "app/schedule.h"

typedef struct {
    double t;
    dermis_schedule_due due;
} event;

static size_t run_schedule(const dermis_schedule *s, event *events, size_t max)
{
    dermis_schedule_cursor c;
    dermis_schedule_cursor_init(&c);
    size_t n = 0;
    for (;;) {
        const double t = dermis_schedule_next_time(s, &c);
        assert_true(n < max);
        events[n].t = t;
        events[n].due = dermis_schedule_take(s, &c, t);
        if (events[n++].due.end) return n;
    }
}

static void test_sessions_frames_and_end(void **state)
{
    (void)state;
    const double sessions[] = {0.0, 28.0, 56.0};
    const dermis_schedule s = {sessions, 3, 7.0, 1.0, 0.0, 140.0};
    event ev[400];
    const size_t n = run_schedule(&s, ev, 400);
    size_t frames = 0, obs = 0, sess = 0;
    for (size_t i = 0; i < n; ++i) {
        frames += (size_t)ev[i].due.frame;
        obs += (size_t)ev[i].due.observables;
        sess += (size_t)ev[i].due.session;
        if (i > 0) assert_true(ev[i].t > ev[i - 1].t);
        assert_int_equal(ev[i].due.checkpoint, 0);
    }
    /* Frames every 7 days from 0 to 140 (21 of them); the sessions fall on frame times. */
    assert_int_equal(frames, 21);
    assert_int_equal(obs, 141);
    assert_int_equal(sess, 3);
    assert_true(ev[0].due.session && ev[0].due.frame && ev[0].t == 0.0);
    assert_true(ev[n - 1].t == 140.0);
}

static void test_off_grid_session_gets_a_frame(void **state)
{
    (void)state;
    const double sessions[] = {3.5};
    const dermis_schedule s = {sessions, 1, 10.0, 10.0, 4.0, 25.0};
    event ev[64];
    const size_t n = run_schedule(&s, ev, 64);
    const double want_t[] = {0.0, 3.5, 4.0, 8.0, 10.0, 12.0, 16.0, 20.0, 24.0, 25.0};
    assert_int_equal(n, sizeof want_t / sizeof want_t[0]);
    for (size_t i = 0; i < n; ++i) assert_true(ev[i].t == want_t[i]);
    assert_true(ev[1].due.session && ev[1].due.frame && !ev[1].due.observables);
    assert_true(ev[2].due.checkpoint && !ev[2].due.frame);
    /* The end gets a frame and observables but no checkpoint. */
    assert_true(ev[n - 1].due.end && ev[n - 1].due.frame && ev[n - 1].due.observables);
    assert_false(ev[n - 1].due.checkpoint);
}

static void test_counted_times_do_not_drift(void **state)
{
    (void)state;
    /* 0.1 is not exact in binary: accumulating it 1000 times drifts, counting does not. */
    const dermis_schedule s = {NULL, 0, 0.1, 0.1, 0.0, 100.0};
    dermis_schedule_cursor c;
    dermis_schedule_cursor_init(&c);
    double t = 0.0;
    for (long k = 0; k <= 1000; ++k) {
        t = dermis_schedule_next_time(&s, &c);
        assert_true(t == 0.1 * (double)k);
        dermis_schedule_take(&s, &c, t);
    }
    assert_true(t == 100.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sessions_frames_and_end),
        cmocka_unit_test(test_off_grid_session_gets_a_frame),
        cmocka_unit_test(test_counted_times_do_not_drift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
