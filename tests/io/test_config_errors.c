/* Every class of configuration error, provoked by a real file in tests/data/config, gives
 * exactly one line "FILE:LINE: section.key: reason" and status 2 (io/config.c). The expected
 * messages are the contract users see; change them here when the wording changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/config.h"
#include "io/load_config.h"

typedef struct {
    const char *file;     /* in tests/data/config */
    const char *expected; /* message after "<path>" */
} error_case;

static const error_case cases[] = {
    {"unknown_key.ini", ":3: run.dxx_mm: unknown key (did you mean run.dx_mm?)"},
    {"duplicate_key.ini", ":6: run.t_end_days: duplicate key (first set on line 3)"},
    {"duplicate_section.ini", ":3: section [run] appears twice (first on line 1); merge them into one"},
    {"wrong_type.ini", ":3: run.dims: expected an integer (got 'two')"},
    {"bad_integer.ini", ":3: run.seed: expected an integer (got '2.5')"},
    {"bad_boolean.ini", ":4: output.float32: expected true, false, yes, no, on, off, 1 or 0 (got 'maybe')"},
    {"nan.ini", ":4: solver.rtol: NaN and infinity are not allowed (got nan)"},
    {"overflow.ini", ":3: run.t_end_days: number too large for a double (got 1e999)"},
    {"out_of_range.ini", ":3: run.dx_mm: must be > 0.001 and <= 0.5 (got 0.7)"},
    {"list_too_long.ini", ":4: treatment.session_days: list too long: at most 32 values (got 40)"},
    {"bad_enum.ini", ":3: run.lateral_boundary: unknown choice 'mirror' (choices: periodic, zero_flux)"},
    {"long_line.ini", ":4: output.fields: line too long (248 characters, at most 199)"},
    {"continuation.ini", ":5: output.fields: continuation lines are not allowed: write the whole value on one "
                         "line (this line is indented)"},
    {"inline_comment.ini", ":3: run.t_end_days: inline comments are not allowed: put comments on their own "
                           "line, starting with '#' or ';'"},
    {"missing_required.ini", ": run.depth_mm: required key is missing (add `depth_mm = ...` under [run])"},
    {"syntax_error.ini", ":3: expected `key = value`, a [section] header, or a comment on its own line"},
    {"unknown_section.ini", ":1: unknown section [rnu] (did you mean [run]?)"},
    {"outside_section.ini", ":1: key outside any section: put it under a [section] header"},
    {"not_whole_voxels.ini", ":2: run.depth_mm: 1 mm is not a whole number of voxels of run.dx_mm = 0.03 mm"},
    {"periodic_pair.ini", ":6: run.dx_mm: run.width_mm / run.dx_mm is 2 voxels, but a periodic section needs 1 or "
                          "at least 3 (change either, or set run.lateral_boundary = zero_flux)"},
    {"atol_subnormal.ini", ":4: solver.atol_scale: must be between 1e-15 and 1 (got 5e-324)"},
    {"interval_too_long.ini", ":4: output.interval_days: must not exceed run.t_end_days = 140 (got 200)"},
    {"bad_field.ini", ":4: output.fields: unknown field 'fibroblast' (did you mean fibroblasts?)"},
};

static void test_each_error_class_gives_one_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], expected[DERMIS_CONFIG_ERROR_MAX + 512], err[DERMIS_CONFIG_ERROR_MAX];
        snprintf(path, sizeof path, "%s/config/%s", DERMIS_TEST_DATA, cases[i].file);
        snprintf(expected, sizeof expected, "%s%s", path, cases[i].expected);
        int rc = load_config(path, NULL, err);
        if (rc != DERMIS_CONFIG_EINVAL || strcmp(err, expected) != 0)
            print_error("case %s:\n  expected rc -1: %s\n  got rc %d:      %s\n", cases[i].file, expected, rc, err);
        assert_int_equal(rc, DERMIS_CONFIG_EINVAL);
        assert_string_equal(err, expected);
        assert_null(strchr(err, '\n'));
    }
}

static void test_valid_file_passes(void **state)
{
    (void)state;
    char path[512], err[DERMIS_CONFIG_ERROR_MAX];
    snprintf(path, sizeof path, "%s/config/valid.ini", DERMIS_TEST_DATA);
    assert_int_equal(load_config(path, NULL, err), 0);
}

static void test_missing_file(void **state)
{
    (void)state;
    char err[DERMIS_CONFIG_ERROR_MAX];
    assert_int_equal(load_config("/nonexistent/dermis.ini", NULL, err), DERMIS_CONFIG_EINVAL);
    assert_string_equal(err, "/nonexistent/dermis.ini: cannot open: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_error_class_gives_one_line),
        cmocka_unit_test(test_valid_file_passes),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
