/* The configuration reader's API (io/config.c, config_value.c, config_ini.c, schema.c):
 * defaults, a valid file, --set overrides and their errors, the exact round trip through
 * dermis_config_to_ini, origins, and the schema's own consistency. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/config.h"

typedef struct {
    dermis_config *cfg;
    dermis_config_origin *origin;
} loaded;

static loaded fresh(void)
{
    loaded l = {malloc(sizeof(dermis_config)), dermis_config_origin_alloc()};
    assert_non_null(l.cfg);
    assert_non_null(l.origin);
    dermis_config_defaults(l.cfg);
    return l;
}

static void release(loaded *l)
{
    free(l->cfg);
    dermis_config_origin_free(l->origin);
}

static void data_path(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/config/%s", DERMIS_TEST_DATA, name);
}

static loaded load_file(const char *name)
{
    char path[512], err[DERMIS_CONFIG_ERROR_MAX] = "";
    loaded l = fresh();
    data_path(name, path, sizeof path);
    int rc = dermis_config_read_file(l.cfg, l.origin, path, err);
    if (rc == 0)
        rc = dermis_config_finish(l.cfg, l.origin, err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    return l;
}

static void test_schema_is_consistent(void **state)
{
    (void)state;
    char err[DERMIS_CONFIG_ERROR_MAX] = "";
    int rc = dermis_config_check_schema(err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
}

static void test_defaults(void **state)
{
    (void)state;
    loaded l = fresh();
    assert_int_equal(l.cfg->run.dims, 2);
    assert_true(l.cfg->run.t_end_days == 140);
    assert_true(l.cfg->run.dx_mm == 0.01);
    assert_true(isnan(l.cfg->run.depth_mm)); /* required: unset until given */
    assert_int_equal(l.cfg->run.lateral_boundary, 0);
    assert_string_equal(l.cfg->output.fields, "");
    assert_int_equal(l.cfg->output.float32, 0);
    release(&l);
}

static void test_valid_file(void **state)
{
    (void)state;
    loaded l = load_file("valid.ini");
    assert_true(l.cfg->run.t_end_days == 28);
    assert_true(l.cfg->run.dx_mm == 0.02);
    assert_true(l.cfg->run.depth_mm == 1.2);
    assert_int_equal(l.cfg->run.lateral_boundary, 1);
    assert_string_equal(l.cfg->output.fields, "fibroblasts, collagen_I");
    assert_int_equal(l.cfg->output.float32, 1);
    assert_true(l.cfg->solver.rtol == 1e-5);
    assert_int_equal(dermis_config_origin_line(l.origin, "run.depth_mm"), 7);
    assert_int_equal(dermis_config_origin_line(l.origin, "run.seed"), 0);
    assert_int_equal(dermis_config_origin_line(l.origin, "run.nope"), -1);
    char where[512], path[512];
    data_path("valid.ini", path, sizeof path);
    dermis_config_origin_describe(l.origin, "run.seed", where, sizeof where);
    assert_string_equal(where, "default");
    dermis_config_origin_describe(l.origin, "solver.rtol", where, sizeof where);
    char expected[600];
    snprintf(expected, sizeof expected, "%s:17", path);
    assert_string_equal(where, expected);
    release(&l);
}

static void test_error_helper_names_the_line(void **state)
{
    (void)state;
    loaded l = load_file("valid.ini");
    char err[DERMIS_CONFIG_ERROR_MAX], path[512], expected[700];
    data_path("valid.ini", path, sizeof path);
    assert_int_equal(dermis_config_error(l.origin, "run.dx_mm", err, "too coarse for %d needles", 3), DERMIS_CONFIG_EINVAL);
    snprintf(expected, sizeof expected, "%s:5: run.dx_mm: too coarse for 3 needles", path);
    assert_string_equal(err, expected);
    dermis_config_error(l.origin, "run.seed", err, "odd");
    snprintf(expected, sizeof expected, "%s: run.seed: odd", path);
    assert_string_equal(err, expected);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "run.seed=7", err), 0);
    dermis_config_error(l.origin, "run.seed", err, "odd");
    assert_string_equal(err, "--set run.seed=7: odd");
    release(&l);
}

static void test_overrides(void **state)
{
    (void)state;
    loaded l = load_file("valid.ini");
    char err[DERMIS_CONFIG_ERROR_MAX] = "";
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "run.dims=1", err), 0);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, " output.fields =  ", err), 0);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "treatment.session_days=0,14, 28", err), 0);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "treatment.session_days=", err), 0);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "treatment.session_count=3", err), 0);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "treatment.session_interval_days=7", err), 0);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "session.3.depth_mm=0.5", err), 0);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "run.dims=3", err), 0); /* last one wins */
    assert_int_equal(dermis_config_finish(l.cfg, l.origin, err), 0);
    assert_int_equal(l.cfg->run.dims, 3);
    assert_string_equal(l.cfg->output.fields, "");
    assert_int_equal(l.cfg->protocol.treatment.n_session_days, 0);
    assert_int_equal(l.cfg->protocol.treatment.session_count, 3);
    assert_true(dermis_config_index_is_set(l.cfg, "session", 3));
    assert_false(dermis_config_index_is_set(l.cfg, "session", 2));
    assert_int_equal(dermis_config_origin_line(l.origin, "session.3.depth_mm"), 0);
    release(&l);
}

static void test_override_errors(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"run.dxx_mm=0.1", "--set run.dxx_mm=0.1: unknown key (did you mean run.dx_mm?)"},
        {"run.dims=two", "--set run.dims=two: expected an integer (got 'two')"},
        {"solver.rtol=NaN", "--set solver.rtol=NaN: NaN and infinity are not allowed (got NaN)"},
        {"solver.rtol=-inf", "--set solver.rtol=-inf: NaN and infinity are not allowed (got -inf)"},
        {"run.dx_mm=0.7", "--set run.dx_mm=0.7: must be > 0.001 and <= 0.5 (got 0.7)"},
        {"run.lateral_boundary=mirror", "--set run.lateral_boundary=mirror: unknown choice 'mirror' (choices: "
                                        "periodic, zero_flux)"},
        {"output.float32=True", "--set output.float32=True: expected true, false, yes, no, on, off, 1 or 0 "
                                "(got 'True')"},
        {"run.dims", "--set run.dims: expected section.key=value"},
        {"=3", "--set =3: expected section.key=value"},
        {"run.t_end_days=28 ; weeks", "--set run.t_end_days=28 ; weeks: ';' and '#' are not allowed in values "
                                      "(INI files read them as comments)"},
        {"treatment.session_days=0,,28", "--set treatment.session_days=0,,28: value 2 of the list is empty "
                                         "(values are separated by single commas)"},
        {"treatment.session_days=0,-7", "--set treatment.session_days=0,-7: value 2 must be between 0 and 3650 "
                                        "(got -7)"},
        {"session.99.depth_mm=1", "--set session.99.depth_mm=1: index 99 is out of range (1 to 32)"},
        {"Run.dims=2", "--set Run.dims=2: unknown key (did you mean run.dims?)"},
        {"run.dims=", "--set run.dims=: no value given (expected an integer)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        loaded l = fresh();
        char err[DERMIS_CONFIG_ERROR_MAX] = "";
        int rc = dermis_config_apply_override(l.cfg, l.origin, cases[i][0], err);
        if (rc != DERMIS_CONFIG_EINVAL || strcmp(err, cases[i][1]) != 0)
            print_error("case %s: got %d '%s'\n", cases[i][0], rc, err);
        assert_int_equal(rc, DERMIS_CONFIG_EINVAL);
        assert_string_equal(err, cases[i][1]);
        release(&l);
    }
}

static void test_list_too_long_override(void **state)
{
    (void)state;
    char assignment[1024] = "treatment.session_days=0", err[DERMIS_CONFIG_ERROR_MAX];
    for (int i = 1; i <= DERMIS_MAX_SESSIONS; i++)
        snprintf(assignment + strlen(assignment), sizeof assignment - strlen(assignment), ",%d", i);
    loaded l = fresh();
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, assignment, err), DERMIS_CONFIG_EINVAL);
    char expected[1200];
    snprintf(expected, sizeof expected, "--set %s: list too long: at most %d values (got %d)", assignment,
             DERMIS_MAX_SESSIONS, DERMIS_MAX_SESSIONS + 1);
    assert_string_equal(err, expected);
    release(&l);
}

static void test_round_trip_is_exact(void **state)
{
    (void)state;
    loaded a = load_file("roundtrip.ini");
    char err[DERMIS_CONFIG_ERROR_MAX] = "";
    assert_int_equal(dermis_config_apply_override(a.cfg, a.origin, "run.seed=0", err), 0);
    char *text = dermis_config_to_ini(a.cfg);
    assert_non_null(text);
    loaded b = fresh();
    int rc = dermis_config_read_string(b.cfg, b.origin, "resolved.ini", text, err);
    if (rc == 0)
        rc = dermis_config_finish(b.cfg, b.origin, err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    /* source_file names where each was read from; everything else must be equal bit for bit. */
    memcpy(b.cfg->source_file, a.cfg->source_file, sizeof a.cfg->source_file);
    assert_memory_equal(a.cfg, b.cfg, sizeof *a.cfg);
    assert_true(dermis_config_hash(a.cfg) == dermis_config_hash(b.cfg));
    char *again = dermis_config_to_ini(b.cfg);
    assert_string_equal(text, again);
    assert_true(a.cfg->solver.atol_scale == 1.0000000000000002e-15);
    assert_true(dermis_config_index_is_set(b.cfg, "session", 2));
    free(again);
    free(text);
    release(&a);
    release(&b);
}

static void test_hash_changes_with_value(void **state)
{
    (void)state;
    loaded l = load_file("valid.ini");
    char err[DERMIS_CONFIG_ERROR_MAX];
    unsigned long long before = dermis_config_hash(l.cfg);
    assert_int_equal(dermis_config_apply_override(l.cfg, l.origin, "run.seed=2", err), 0);
    assert_true(dermis_config_hash(l.cfg) != before);
    release(&l);
}

static void test_schema_lookup(void **state)
{
    (void)state;
    size_t index = 99;
    const dermis_schema_entry *e = dermis_schema_find("session.2.depth_mm", &index);
    assert_non_null(e);
    assert_string_equal(e->key, "session.#.depth_mm");
    assert_int_equal(index, 2);
    assert_non_null(dermis_schema_find("run.dx_mm", &index));
    assert_int_equal(index, 0);
    assert_null(dermis_schema_find("session.0.depth_mm", &index));
    assert_null(dermis_schema_find("session.02.depth_mm", &index));
    assert_null(dermis_schema_find("session.#.depth_mm", &index));
    assert_null(dermis_schema_find("run.DX_MM", &index));
    char suggestion[128];
    dermis_schema_suggest("session.4.dpeth_mm", suggestion, sizeof suggestion);
    assert_string_equal(suggestion, "session.4.depth_mm");
    assert_true(dermis_schema_section_exists("session.32"));
    assert_false(dermis_schema_section_exists("session.33"));
    assert_false(dermis_schema_section_exists("rnu"));
}

static void test_format_number_is_shortest_exact(void **state)
{
    (void)state;
    static const double values[] = {0.1, 1e-5, 3650, 140, -0.0, 5e-324, 1.7976931348623157e308, 1.0 / 3.0, 2e-9};
    static const char *const texts[] = {
        "0.1", "1e-05", "3650", "140", "-0", "5e-324", "1.7976931348623157e+308", "0.3333333333333333", "2e-09"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[40];
        dermis_config_format_number(values[i], buf, sizeof buf);
        assert_string_equal(buf, texts[i]);
        double back = strtod(buf, NULL);
        assert_memory_equal(&back, &values[i], sizeof back);
    }
}

static void test_axis_voxels(void **state)
{
    (void)state;
    assert_int_equal(dermis_config_axis_voxels(1.2, 0.01), 120);
    assert_int_equal(dermis_config_axis_voxels(1.0, 0.03), 0);
    assert_int_equal(dermis_config_axis_voxels(0.005, 0.01), 0);
    assert_int_equal(dermis_config_axis_voxels(NAN, 0.01), 0);
}

static void test_check_rejects_strings_as_comments_would(void **state)
{
    (void)state;
    loaded l = fresh();
    char err[DERMIS_CONFIG_ERROR_MAX];
    const char *text = "[run]\ndepth_mm = 1\n[output]\nfields = fibroblasts # all\n";
    assert_int_equal(dermis_config_read_string(l.cfg, l.origin, "mem.ini", text, err), DERMIS_CONFIG_EINVAL);
    assert_string_equal(err, "mem.ini:4: output.fields: inline comments are not allowed: put comments on their "
                             "own line, starting with '#' or ';'");
    release(&l);
}

static void test_crlf_and_empty_indexed_section(void **state)
{
    (void)state;
    loaded l = fresh();
    char err[DERMIS_CONFIG_ERROR_MAX] = "";
    const char *text = "[run]\r\ndepth_mm = 1\r\n\r\n[session.4]\r\n";
    int rc = dermis_config_read_string(l.cfg, l.origin, "crlf.ini", text, err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_true(l.cfg->run.depth_mm == 1);
    assert_true(dermis_config_index_is_set(l.cfg, "session", 4));
    release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_is_consistent),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_valid_file),
        cmocka_unit_test(test_error_helper_names_the_line),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_override_errors),
        cmocka_unit_test(test_list_too_long_override),
        cmocka_unit_test(test_round_trip_is_exact),
        cmocka_unit_test(test_hash_changes_with_value),
        cmocka_unit_test(test_schema_lookup),
        cmocka_unit_test(test_format_number_is_shortest_exact),
        cmocka_unit_test(test_axis_voxels),
        cmocka_unit_test(test_check_rejects_strings_as_comments_would),
        cmocka_unit_test(test_crlf_and_empty_indexed_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
