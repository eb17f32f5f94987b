/* Devices: channel density, effective depth and the cross-key checks (model/device.h,
 * model/protocol.h). Expected numbers: model reference d (192-needle roller x 15 passes
 * ~ 230-250 cm^-2; pen ~1200 cm^-2 per pass). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "model/device.h"
#include "needling_fixtures.h"

static void roller_gives_about_250_per_cm2_after_15_passes(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    const double per_pass = dermis_device_density_per_pass_cm2(&p.device, DERMIS_DEVICE_DERMAROLLER);
    /* 192 / (pi x 2 cm x 2 cm) = 15.28 cm^-2 (reference d, check D) */
    assert_true(fabs(per_pass - 192.0 / (3.14159265358979 * 4.0)) < 1e-9);
    const double session = dermis_device_density_cm2(&p.device, DERMIS_DEVICE_DERMAROLLER);
    assert_true(session >= 225.0 && session <= 255.0);
}

static void pen_gives_1200_per_cm2_per_pass(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    assert_true(fabs(dermis_device_density_per_pass_cm2(&p.device, DERMIS_DEVICE_DERMAPEN) - 1200.0) < 1e-9);
    p.device.pen_passes = 3;
    assert_true(fabs(dermis_device_density_cm2(&p.device, DERMIS_DEVICE_DERMAPEN) - 3600.0) < 1e-9);
    /* Gliding twice as fast halves the density. */
    p.device.pen_glide_speed_mm_per_s *= 2.0;
    assert_true(fabs(dermis_device_density_per_pass_cm2(&p.device, DERMIS_DEVICE_DERMAPEN) - 600.0) < 1e-9);
}

static void explicit_channels_and_lattice(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    p.device.channels_per_cm2 = 400.0;
    assert_true(dermis_device_density_cm2(&p.device, DERMIS_DEVICE_CHANNELS) == 400.0);
    double ax, ay;
    assert_int_equal(dermis_device_lattice_mm(&p.device, DERMIS_DEVICE_CHANNELS, &ax, &ay), 0);
    assert_true(fabs(ax - 0.5) < 1e-12 && fabs(ay - 0.5) < 1e-12); /* 4 per mm^2 */
    assert_int_equal(dermis_device_lattice_mm(&p.device, DERMIS_DEVICE_DERMAROLLER, &ax, &ay), 0);
    assert_true(fabs(ax - 20.0 / 24.0) < 1e-12);                   /* 24 needles per row on 2 cm */
    assert_true(fabs(ay - 3.14159265358979 * 20.0 / 8.0) < 1e-9);  /* 8 rows around the drum */
}

static void effective_depth_is_fraction_of_nominal(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    assert_true(fabs(dermis_device_effective_depth_mm(&p.device, 1.5) - 0.75) < 1e-12);
    p.device.penetration_fraction = 0.2; /* Kalluri 2011 rat roller */
    assert_true(fabs(dermis_device_effective_depth_mm(&p.device, 0.77) - 0.154) < 1e-12);
}

static void too_deep_is_rejected_naming_the_keys(void **state)
{
    (void)state;
    const double days[] = {0.0, 28.0};
    dermis_protocol_params p = fixture_protocol(days, 2);
    char msg[512];
    assert_int_equal(dermis_protocol_check(&p, 2.0, msg, sizeof msg), 0);
    p.device.depth_mm = 3.0;
    p.device.penetration_fraction = 0.8; /* 2.4 mm > 2 mm domain */
    assert_int_equal(dermis_protocol_check(&p, 2.0, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "device.depth_mm"));
    assert_non_null(strstr(msg, "device.penetration_fraction"));
    assert_non_null(strstr(msg, "run.depth_mm"));
    p.device.depth_mm = 1.0;
    p.session[1].depth_mm = 3.0;
    assert_int_equal(dermis_protocol_check(&p, 2.0, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "session.2.depth_mm"));
}

static void session_days_and_count_are_exclusive(void **state)
{
    (void)state;
    const double days[] = {0.0};
    dermis_protocol_params p = fixture_protocol(days, 1);
    p.treatment.session_count = 3;
    p.treatment.session_interval_days = 28.0;
    char msg[512];
    assert_int_equal(dermis_protocol_check(&p, 2.0, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "treatment.session_days"));
    assert_non_null(strstr(msg, "treatment.session_count"));
    p.treatment.n_session_days = 0;
    assert_int_equal(dermis_protocol_check(&p, 2.0, msg, sizeof msg), 0);
    p.treatment.session_interval_days = NAN;
    assert_int_equal(dermis_protocol_check(&p, 2.0, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "treatment.session_interval_days"));
}

static void unsorted_days_are_rejected(void **state)
{
    (void)state;
    const double days[] = {28.0, 0.0};
    dermis_protocol_params p = fixture_protocol(days, 2);
    char msg[512];
    assert_int_equal(dermis_protocol_check(&p, 2.0, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "treatment.session_days"));
}

/* Every configuration choice has a complete device row of the same name; nothing else does. */
static void every_device_choice_has_a_row(void **state)
{
    (void)state;
    int n = 0;
    for (; dermis_device_names[n]; ++n) {
        const dermis_device_kind *k = dermis_device_kind_of(n);
        assert_non_null(k);
        assert_string_equal(k->name, dermis_device_names[n]);
        assert_non_null(k->density_per_pass_cm2);
        assert_non_null(k->passes);
    }
    assert_int_equal(n, DERMIS_N_DEVICES);
    assert_null(dermis_device_kind_of(DERMIS_N_DEVICES));
    assert_null(dermis_device_kind_of(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roller_gives_about_250_per_cm2_after_15_passes),
        cmocka_unit_test(pen_gives_1200_per_cm2_per_pass),
        cmocka_unit_test(explicit_channels_and_lattice),
        cmocka_unit_test(effective_depth_is_fraction_of_nominal),
        cmocka_unit_test(too_deep_is_rejected_naming_the_keys),
        cmocka_unit_test(session_days_and_count_are_exclusive),
        cmocka_unit_test(unsorted_days_are_rejected),
        cmocka_unit_test(every_device_choice_has_a_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
