/* Session table and session application (model/sessions.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/barrier.h"
#include "model/sessions.h"
#include "model/sites.h"
#include "needling_fixtures.h"

/* The session table of p on g, with the skin profile of p (as a run builds it once). */
static int build_table(dermis_session_table *t, const dermis_protocol_params *p, const dermis_grid *g, long seed,
                       char *msg, size_t len)
{
    dermis_skin_profile skin;
    assert_int_equal(dermis_skin_profile_from_params(&p->skin, &skin), 0);
    return dermis_session_table_build(t, p, &skin, g, seed, msg, len);
}

static void count_and_interval_give_the_days(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    p.treatment.session_count = 3;
    p.treatment.session_interval_days = 28.0;
    p.treatment.first_session_day = 7.0;
    const dermis_grid g = fixture_grid(2, 1.0, 2.0, 0.02);
    dermis_session_table t;
    char msg[256];
    assert_int_equal(build_table(&t, &p, &g, 1, msg, sizeof msg), 0);
    assert_int_equal(t.n, 3);
    assert_true(t.session_days[0] == 7.0 && t.session_days[1] == 35.0 && t.session_days[2] == 63.0);
}

static void no_sessions_means_an_empty_table(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    const dermis_grid g = fixture_grid(2, 1.0, 2.0, 0.02);
    dermis_session_table t;
    assert_int_equal(build_table(&t, &p, &g, 1, NULL, 0), 0);
    assert_int_equal(t.n, 0);
    assert_int_equal(dermis_session_latest(&t, 100.0), -1);
}

static void overrides_change_device_and_depth(void **state)
{
    (void)state;
    const double days[] = {0.0, 14.0, 28.0};
    dermis_protocol_params p = fixture_protocol(days, 3);
    p.session[1].device = DERMIS_DEVICE_DERMAROLLER;
    p.session[2].depth_mm = 0.25;
    const dermis_grid g = fixture_grid(2, 2.0, 2.0, 0.02);
    dermis_session_table t;
    assert_int_equal(build_table(&t, &p, &g, 1, NULL, 0), 0);
    assert_int_equal(t.session[0].device, DERMIS_DEVICE_DERMAPEN);
    assert_int_equal(t.session[1].device, DERMIS_DEVICE_DERMAROLLER);
    assert_true(fabs(t.session[0].channels_per_cm2 - 2400.0) < 1e-9);
    assert_true(t.session[1].channels_per_cm2 < 250.0);
    assert_true(t.session[2].depth_mm == 0.25 && fabs(t.session[2].effective_depth_mm - 0.125) < 1e-12);
    assert_true(t.session[0].channels_placed > 0);
    assert_true(t.session[0].channels_placed > t.session[1].channels_placed);
    assert_int_equal(dermis_session_latest(&t, 20.0), 1);
}

static void one_d_places_no_channels(void **state)
{
    (void)state;
    const double days[] = {0.0};
    dermis_protocol_params p = fixture_protocol(days, 1);
    const dermis_grid g = fixture_grid(1, 1.0, 2.0, 0.02);
    dermis_session_table t;
    assert_int_equal(build_table(&t, &p, &g, 1, NULL, 0), 0);
    assert_int_equal(t.session[0].channels_placed, 0);
}

static void too_deep_is_refused_before_the_build(void **state)
{
    (void)state;
    const double days[] = {0.0};
    dermis_protocol_params p = fixture_protocol(days, 1);
    p.device.depth_mm = 2.5;
    char msg[256];
    /* 1.25 mm effective > 1 mm: the protocol check (which the configuration runs once, before
     * any table is built) refuses it. */
    assert_int_equal(dermis_protocol_check(&p, 1.0, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "device.depth_mm"));
}

static void a_device_laying_no_channels_fails_the_build(void **state)
{
    (void)state;
    const double days[] = {0.0};
    dermis_protocol_params p = fixture_protocol(days, 1);
    p.device.type = DERMIS_DEVICE_CHANNELS;
    p.device.channels_per_cm2 = 0.0;
    const dermis_grid g = fixture_grid(2, 1.0, 2.0, 0.02);
    dermis_session_table t;
    char msg[256];
    assert_int_equal(build_table(&t, &p, &g, 1, msg, sizeof msg), DERMIS_SESSIONS_EINVAL);
    assert_non_null(strstr(msg, "lay no channels"));
}

typedef struct {
    size_t calls;
    int bleeding_seen;
    double total;
} recorder;

static int record(size_t voxel, double fraction, int bleeding, void *user)
{
    recorder *r = user;
    (void)voxel;
    ++r->calls;
    r->bleeding_seen |= bleeding;
    r->total += fraction;
    return 0;
}

static recorder apply_one(double nominal_depth_mm, dermis_barrier **barrier_out)
{
    const double days[] = {0.0};
    dermis_protocol_params p = fixture_protocol(days, 1);
    p.device.depth_mm = nominal_depth_mm;
    const dermis_grid g = fixture_grid(2, 2.0, 2.0, 0.02);
    dermis_session_table t;
    assert_int_equal(build_table(&t, &p, &g, 3, NULL, 0), 0);
    dermis_injury_workspace ws;
    assert_int_equal(dermis_injury_workspace_alloc(&ws, &g), 0);
    dermis_skin_profile skin;
    dermis_skin_profile_from_params(&p.skin, &skin);
    dermis_barrier *b = dermis_barrier_alloc(&g, &p, &skin);
    recorder r = {0, 0, 0.0};
    assert_int_equal(dermis_session_apply(&t, 0, &ws, record, &r, b), 0);
    dermis_injury_workspace_free(&ws);
    if (barrier_out) *barrier_out = b;
    else dermis_barrier_free(b);
    return r;
}

static void bleeding_only_when_reaching_capillaries(void **state)
{
    (void)state;
    /* Cheek capillaries at 0.0168 + 0.05 + 0.075 = 0.142 mm; penetration 0.5. */
    const recorder shallow = apply_one(0.25, NULL); /* 0.125 mm: pinkness, no bleeding */
    const recorder deep = apply_one(1.5, NULL);     /* 0.75 mm: pinpoint bleeding */
    assert_true(shallow.calls > 0 && deep.calls > shallow.calls);
    assert_int_equal(shallow.bleeding_seen, 0);
    assert_int_equal(deep.bleeding_seen, 1);
    assert_true(deep.total > shallow.total);
}

static void apply_records_the_barrier_opening(void **state)
{
    (void)state;
    dermis_barrier *b = NULL;
    apply_one(1.5, &b);
    const double open = dermis_barrier_open_fraction(b, 0.0);
    /* 2400 cm^-2 x pi (35 um)^2 ~ 9 %; a 2 mm section samples few channels, so a wide band. */
    assert_true(open > 0.0 && open < 0.3);
    assert_true(dermis_barrier_open_fraction(b, 1.0) < 1e-6 * open + 1e-12); /* 1 h half-life: 2^-24 */
    dermis_barrier_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_and_interval_give_the_days),
        cmocka_unit_test(no_sessions_means_an_empty_table),
        cmocka_unit_test(overrides_change_device_and_depth),
        cmocka_unit_test(one_d_places_no_channels),
        cmocka_unit_test(too_deep_is_refused_before_the_build),
        cmocka_unit_test(a_device_laying_no_channels_fails_the_build),
        cmocka_unit_test(bleeding_only_when_reaching_capillaries),
        cmocka_unit_test(apply_records_the_barrier_opening),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
