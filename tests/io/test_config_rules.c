/* What dermis_config_finish refuses beyond single values, each case named after what it protects
 * (issue 12): special files, settings that can never take effect, the model's own set-up, the
 * step limit, and messages that stay one line and name the key the user changed. Every case
 * starts from the shipped configs/demo.ini plus --set overrides, as a user would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/config.h"
#include "io/load_config.h"

#define DEMO DERMIS_SOURCE_DIR "/configs/demo.ini"

/* The demo with the overrides is refused with exactly the message expected. */
static void assert_refused(const char *const *sets, const char *expected)
{
    char err[DERMIS_CONFIG_ERROR_MAX];
    int rc = load_config(DEMO, sets, err);
    if (rc == 0 || strcmp(err, expected) != 0)
        print_error("rc %d\n  got:      %s\n  expected: %s\n", rc, err, expected);
    assert_int_not_equal(rc, 0);
    assert_string_equal(err, expected);
    assert_null(strchr(err, '\n'));
}

static void test_special_files_are_refused_not_read(void **state)
{
    (void)state;
    char err[DERMIS_CONFIG_ERROR_MAX], fifo[64] = "/tmp/dermis_fifo_XXXXXX";
    /* /dev/zero used to spin forever, a FIFO to block forever. */
    assert_int_not_equal(load_config("/dev/zero", NULL, err), 0);
    assert_string_equal(err, "/dev/zero: not a regular file (a configuration is an INI file)");
    int fd = mkstemp(fifo);
    assert_true(fd >= 0);
    close(fd);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_not_equal(load_config(fifo, NULL, err), 0);
    assert_non_null(strstr(err, ": not a regular file"));
    unlink(fifo);
    assert_int_not_equal(load_config(DERMIS_SOURCE_DIR "/configs", NULL, err), 0);
    assert_non_null(strstr(err, "configs: not a regular file"));
}

static void test_model_setup_is_checked_and_blames_the_override(void **state)
{
    (void)state;
    /* `check` said valid and `run` failed with a message naming no key. */
    assert_refused((const char *const[]){"species.tgf_beta1.decay_per_day=0.1000001", NULL},
                   "--set species.tgf_beta1.decay_per_day=0.1000001: model: negative constitutive source of "
                   "tgf_beta1 in the papillary_dermis");
}

static void test_settings_that_never_take_effect_are_refused(void **state)
{
    (void)state;
    assert_refused((const char *const[]){"treatment.session_days=0,100", NULL},
                   "--set treatment.session_days=0,100: session 2 on day 100 is after the end of the run "
                   "(run.t_end_days = 28) and would never happen");
    assert_refused((const char *const[]){"treatment.session_days=", "treatment.session_count=2",
                                         "treatment.session_interval_days=30", NULL},
                   "--set treatment.session_count=2: session 2 of treatment.session_count = 2 falls on "
                   "day 30 (every treatment.session_interval_days = 30 from day 0), after run.t_end_days = 28");
    assert_refused((const char *const[]){"treatment.session_days=", "treatment.session_count=1",
                                         "treatment.first_session_day=40", NULL},
                   "--set treatment.first_session_day=40: treatment.first_session_day = 40 is after the end of "
                   "the run (run.t_end_days = 28)");
    assert_refused((const char *const[]){"session.5.depth_mm=0.5", NULL},
                   "--set session.5.depth_mm=0.5: section [session.5] is given but the treatment has 1 session, "
                   "so it would never take effect");
    assert_refused((const char *const[]){"lesion.type=boxcar", "lesion.centre_x_mm=90", NULL},
                   "--set lesion.centre_x_mm=90: lesion.centre_x_mm = 90 mm lies outside the domain "
                   "(run.width_mm = 1 mm)");
    /* Shortening the run below the sessions is blamed on the shortening. */
    assert_refused(
        (const char *const[]){"treatment.session_days=0,20", "run.t_end_days=10", "output.interval_days=1", NULL},
        "--set run.t_end_days=10: session 2 on day 20 is after the end of the run (run.t_end_days = "
        "10) and would never happen");
}

static void test_cross_key_errors_blame_the_key_the_user_changed(void **state)
{
    (void)state;
    /* Was blamed on demo.ini:13 output.interval_days and on demo.ini topical.end_h. */
    assert_refused((const char *const[]){"run.t_end_days=0.5", NULL},
                   "--set run.t_end_days=0.5: output.interval_days = 1 must not exceed run.t_end_days = 0.5");
    assert_refused((const char *const[]){"topical.start_h=2000", NULL},
                   "--set topical.start_h=2000: topical.end_h = 12 must be later than topical.start_h = 2000");
    /* The message keeps its key (was "treatment.session_days: and treatment.session_count are ..."). */
    assert_refused((const char *const[]){"treatment.session_count=2", NULL},
                   "--set treatment.session_count=2: treatment.session_days and treatment.session_count are "
                   "alternatives: give only one");
}

static void test_step_limit_that_cannot_be_met_is_refused(void **state)
{
    (void)state;
    /* The audit's run was still going 9 minutes after SIGTERM. */
    assert_refused((const char *const[]){"solver.dt_max_days=1e-6", NULL},
                   "--set solver.dt_max_days=1e-6: 2.5e+05 steps of at most 1e-06 days are needed between two "
                   "outputs 0.25 days apart, more than solver.max_steps = 100000: the run would fail");
    char err[DERMIS_CONFIG_ERROR_MAX];
    /* A fine 2-D grid: a stuck solver would grind for days before the default limit stops it. */
    assert_int_not_equal(load_config(DEMO, (const char *const[]){"run.dx_mm=0.002", NULL}, err), 0);
    assert_non_null(strstr(err, "--set run.dx_mm=0.002: with 3e+05 voxels"));
    assert_non_null(strstr(err, "lower solver.max_steps"));
    assert_int_equal(load_config(DEMO, (const char *const[]){"run.dx_mm=0.002", "solver.max_steps=1000", NULL}, err),
                     0);
}

static void test_messages_stay_on_one_line(void **state)
{
    (void)state;
    assert_refused((const char *const[]){"run.dims=2\nrun.seed=3", NULL},
                   "--set run.dims=2\\nrun.seed=3: control characters are not allowed");
    char err[DERMIS_CONFIG_ERROR_MAX], path[] = "/tmp/dermis_s99_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "[run]\ndepth_mm = 1\n[session.99]\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    assert_int_not_equal(load_config(path, NULL, err), 0);
    unlink(path);
    /* Was "unknown section [session.99] (did you mean [session.99]?)". */
    assert_non_null(strstr(err, ":3: section [session.99]: index 99 is out of range (1 to 32)"));
}

static void test_estimate_grows_with_the_grid(void **state)
{
    (void)state;
    dermis_config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    char err[DERMIS_CONFIG_ERROR_MAX];
    dermis_config_defaults(cfg);
    assert_int_equal(dermis_config_read_file(cfg, NULL, DEMO, err), 0);
    dermis_run_estimate coarse, fine;
    dermis_config_estimate(cfg, &coarse);
    assert_true(coarse.voxels == 25 * 30);
    /* The measured figures the constants come from: ~20 MB and a few seconds for the demo. */
    assert_true(coarse.bytes > 15e6 && coarse.bytes < 30e6);
    assert_true(coarse.seconds > 1 && coarse.seconds < 30);
    cfg->run.dx_mm = 0.01;
    dermis_config_estimate(cfg, &fine);
    assert_true(fine.voxels == 100 * 120);
    assert_true(fine.bytes > coarse.bytes && fine.seconds > 10 * coarse.seconds);
    free(cfg);
}

/* The protocol rows (model/protocol.h) give the schema and dermis_protocol_defaults one source:
 * the defaults the model fills in are bit for bit those the configuration reader reads. */
static void test_protocol_defaults_are_the_schema_defaults(void **state)
{
    (void)state;
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_protocol_params *p = malloc(sizeof *p);
    assert_non_null(cfg);
    assert_non_null(p);
    dermis_config_defaults(cfg);
    memset(p, 0, sizeof *p);
    dermis_protocol_defaults(p);
    assert_memory_equal(p, &cfg->protocol, sizeof *p);
    free(p);
    free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_special_files_are_refused_not_read),
        cmocka_unit_test(test_model_setup_is_checked_and_blames_the_override),
        cmocka_unit_test(test_settings_that_never_take_effect_are_refused),
        cmocka_unit_test(test_cross_key_errors_blame_the_key_the_user_changed),
        cmocka_unit_test(test_step_limit_that_cannot_be_met_is_refused),
        cmocka_unit_test(test_messages_stay_on_one_line),
        cmocka_unit_test(test_estimate_grows_with_the_grid),
        cmocka_unit_test(test_protocol_defaults_are_the_schema_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
