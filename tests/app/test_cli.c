/* The `dermis` command line as users meet it: the built binary is run with real arguments
 * (app/cli.c, cmd_*.c). Checks exit statuses (0 ok, 2 usage/configuration), that an error is
 * exactly one "dermis: ..." line on stderr, and that a rejected run creates no output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/species.h"

#define CAPTURE_MAX 65536

typedef struct {
    int status;
    char out[CAPTURE_MAX];
    char err[CAPTURE_MAX];
} cli_result;

typedef struct {
    char dir[64]; /* scratch working directory of each test */
} fixture;

static void slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "rb");
    size_t n = f != NULL ? fread(buf, 1, len - 1, f) : 0;
    buf[n] = '\0';
    if (f != NULL)
        fclose(f);
}

/* Runs `dermis ARGS` inside the fixture directory; ARGS is shell text. */
static void run_cli(const fixture *fx, const char *args, cli_result *r)
{
    char command[4096], out_path[128], err_path[128];
    snprintf(out_path, sizeof out_path, "%s/.stdout", fx->dir);
    snprintf(err_path, sizeof err_path, "%s/.stderr", fx->dir);
    snprintf(command, sizeof command, "cd '%s' && '%s' %s >'%s' 2>'%s' </dev/null", fx->dir, DERMIS_BINARY, args,
             out_path, err_path);
    int raw = system(command);
    r->status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    slurp(out_path, r->out, sizeof r->out);
    slurp(err_path, r->err, sizeof r->err);
    remove(out_path);
    remove(err_path);
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p != '\0'; p++)
        n += *p == '\n';
    return n;
}

/* The status is 2 and stderr is one line starting "dermis: " that contains needle. */
static void assert_usage_error(const cli_result *r, const char *needle)
{
    if (r->status != 2 || count_lines(r->err) != 1 || strstr(r->err, needle) == NULL)
        print_error("status %d, stderr:\n%s(wanted: %s)\n", r->status, r->err, needle);
    assert_int_equal(r->status, 2);
    assert_int_equal(count_lines(r->err), 1);
    assert_true(strncmp(r->err, "dermis: ", 8) == 0);
    assert_non_null(strstr(r->err, needle));
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dermis_cli_XXXXXX");
    if (fx == NULL || mkdtemp(fx->dir) == NULL)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char command[256];
    snprintf(command, sizeof command, "rm -rf '%s'", fx->dir);
    int rc = system(command);
    free(fx);
    return rc == 0 ? 0 : -1;
}

static cli_result *result(void)
{
    cli_result *r = malloc(sizeof *r);
    assert_non_null(r);
    return r;
}

static void test_help_and_version(void **state)
{
    cli_result *r = result();
    run_cli(*state, "--help", r);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "Usage: dermis COMMAND"));
    assert_string_equal(r->err, "");
    run_cli(*state, "--version", r);
    assert_int_equal(r->status, 0);
    assert_true(strncmp(r->out, "dermis ", 7) == 0);
    assert_non_null(strstr(r->out, "(git "));
    run_cli(*state, "run --help", r);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "--threads N"));
    run_cli(*state, "check --help", r);
    assert_int_equal(r->status, 0);
    run_cli(*state, "params --help", r);
    assert_int_equal(r->status, 0);
    free(r);
}

static void test_usage_errors(void **state)
{
    cli_result *r = result();
    char args[1024];
    run_cli(*state, "", r);
    assert_usage_error(r, "missing command");
    run_cli(*state, "chek x.ini", r);
    assert_usage_error(r, "unknown command 'chek' (did you mean check?)");
    run_cli(*state, "--verison", r);
    assert_usage_error(r, "unknown option '--verison' (did you mean --version?)");
    snprintf(args, sizeof args, "run %s/config/valid.ini --thread 2", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_usage_error(r, "run: unknown option '--thread' (did you mean --threads?)");
    snprintf(args, sizeof args, "run %s/config/valid.ini --threads 0", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_usage_error(r, "run: --threads must be an integer from 1 to 4096 (got '0')");
    run_cli(*state, "run", r);
    assert_usage_error(r, "run: missing CONFIG");
    run_cli(*state, "run a.ini b.ini", r);
    assert_usage_error(r, "run: more than one CONFIG");
    run_cli(*state, "run a.ini --set", r);
    assert_usage_error(r, "run: option --set needs a value");
    run_cli(*state, "params --format html", r);
    assert_usage_error(r, "params: --format must be text, ini or markdown (got 'html')");
    run_cli(*state, "check", r);
    assert_usage_error(r, "check: missing CONFIG; usage: dermis check CONFIG [OPTION]...");
    /* The operand and integer-option errors of every command come from one table and parser. */
    run_cli(*state, "check a.ini b.ini", r);
    assert_usage_error(r, "check: more than one CONFIG ('a.ini' and 'b.ini'); see `dermis check --help`");
    run_cli(*state, "sweep a.ini b.ini", r);
    assert_usage_error(r, "sweep: more than one SWEEP.ini ('a.ini' and 'b.ini')");
    run_cli(*state, "sweep", r);
    assert_usage_error(r, "sweep: missing SWEEP.ini; usage: dermis sweep SWEEP.ini");
    run_cli(*state, "params extra", r);
    assert_usage_error(r, "params: unexpected argument 'extra'; see `dermis params --help`");
    run_cli(*state, "sweep a.ini --jobs 2x", r);
    assert_usage_error(r, "sweep: --jobs must be an integer from 1 to 4096 (got '2x')");
    run_cli(*state, "sweep a.ini --point -1", r);
    assert_usage_error(r, "sweep: --point must be an integer from 0 to 1000000000 (got '-1')");
    free(r);
}

/* Nothing but the scratch files may appear in the working directory after a rejected run. */
static void assert_no_output_created(const fixture *fx)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/out", fx->dir);
    assert_int_not_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/o.nc", fx->dir);
    assert_int_not_equal(stat(path, &st), 0);
}

static void test_bad_config_is_one_line_and_creates_nothing(void **state)
{
    cli_result *r = result();
    char args[1024], expected[1024];
    snprintf(args, sizeof args, "check %s/config/unknown_key.ini", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    snprintf(expected, sizeof expected,
             "dermis: %s/config/unknown_key.ini:3: run.dxx_mm: unknown key (did you mean "
             "run.dx_mm?)\n",
             DERMIS_TEST_DATA);
    assert_usage_error(r, "unknown key");
    assert_string_equal(r->err, expected);
    assert_string_equal(r->out, "");
    snprintf(args, sizeof args, "run %s/config/duplicate_key.ini", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_usage_error(r, "duplicate key (first set on line 3)");
    assert_no_output_created(*state);
    snprintf(args, sizeof args, "run %s/config/valid.ini -o o.nc --set run.dx_mm=0", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_usage_error(r, "--set run.dx_mm=0: must be > 0.001 and <= 0.5 (got 0)");
    assert_no_output_created(*state);
    snprintf(args, sizeof args, "run %s/config/valid.ini --restart missing.h5", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_usage_error(r, "run: --restart missing.h5: cannot open");
    assert_no_output_created(*state);
    run_cli(*state, "check no_such.ini", r);
    assert_usage_error(r, "no_such.ini: cannot open: No such file or directory");
    free(r);
}

static void test_check_prints_resolved_config(void **state)
{
    cli_result *r = result();
    char args[1024];
    snprintf(args, sizeof args, "check %s/config/valid.ini --set run.seed=5", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_int_equal(r->status, 0);
    assert_string_equal(r->err, "");
    assert_non_null(strstr(r->out, ": valid; config hash "));
    assert_non_null(strstr(r->out, "--set run.seed=5"));
    assert_non_null(strstr(r->out, "valid.ini:7\n"));
    assert_non_null(strstr(r->out, "run.dx_mm"));
    snprintf(args, sizeof args, "check %s/config/valid.ini --format ini", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "[run]\ndims = 2\nt_end_days = 28\n"));
    free(r);
}

static void test_params_formats(void **state)
{
    cli_result *r = result();
    run_cli(*state, "params", r);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "run.dx_mm (number, unit mm)"));
    run_cli(*state, "params --format markdown", r);
    assert_int_equal(r->status, 0);
    assert_true(strncmp(r->out, "| key | type | unit | default | allowed | meaning | source |\n", 60) == 0);
    run_cli(*state, "params --format=ini", r);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "\n[run]\n"));
    assert_non_null(strstr(r->out, "\ndx_mm = 0.04\n"));
    free(r);
}

/* GNU conventions (issue 13): `--` ends the options, -oFILE, `dermis help CMD`, an empty -o. */
static void test_gnu_command_line_conventions(void **state)
{
    cli_result *r = result(), *again = result();
    char args[1024];
    snprintf(args, sizeof args, "check -- %s/config/valid.ini", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "valid.ini: valid;"));
    run_cli(*state, "help run", r);
    run_cli(*state, "run --help", again);
    assert_int_equal(r->status, 0);
    assert_string_equal(r->out, again->out);
    run_cli(*state, "help chek", r);
    assert_usage_error(r, "unknown command 'chek' (did you mean check?)");
    snprintf(args, sizeof args, "run %s/config/valid.ini -o ''", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_usage_error(r, "run: --output needs a file name");
    assert_no_output_created(*state);
    /* -oFILE and --quiet: only the paths written, on stdout. */
    snprintf(args, sizeof args,
             "run %s/config/valid.ini -oo.nc -q --set run.t_end_days=0.5 "
             "--set output.interval_days=0.25",
             DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    if (r->status != 0)
        print_error("%s", r->err);
    assert_int_equal(r->status, 0);
    assert_string_equal(r->out, "o.nc\no.xmf\n");
    assert_string_equal(r->err, "");
    free(r);
    free(again);
}

/* `check` runs every validation `run` does (issue 12, item 9), before anything is created. */
static void test_run_and_check_refuse_the_same_model_error_before_creating_anything(void **state)
{
    cli_result *r = result(), *from_check = result();
    char args[1024];
    snprintf(args, sizeof args, "check %s/config/valid.ini --set species.tgf_beta1.decay_per_day=0.1000001",
             DERMIS_TEST_DATA);
    run_cli(*state, args, from_check);
    assert_usage_error(from_check, "--set species.tgf_beta1.decay_per_day=0.1000001: model: negative constitutive");
    snprintf(args, sizeof args, "run %s/config/valid.ini -o out/x/o.nc --set species.tgf_beta1.decay_per_day=0.1000001",
             DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_string_equal(r->err, from_check->err);
    assert_no_output_created(*state);
    free(r);
    free(from_check);
}

/* `check` prints the estimated memory and run time; `run` refuses a grid bigger than the
 * machine's memory with the figure (issue 12, item 8). */
static void test_resources_are_estimated_and_a_grid_too_big_is_refused(void **state)
{
    cli_result *r = result();
    char args[1024];
    snprintf(args, sizeof args, "check %s/config/valid.ini", DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "# 1200 voxels; memory ~"));
    assert_non_null(strstr(r->out, "run time ~"));
    /* 1e9 voxels (about 2.7 TB); a low step limit keeps the stuck-solver rule out of the way. */
    snprintf(args, sizeof args,
             "run %s/config/valid.ini --set run.dims=3 --set run.dx_mm=0.002 "
             "--set run.width_mm=2 --set run.length_mm=2 --set run.depth_mm=2 --set solver.max_steps=10",
             DERMIS_TEST_DATA);
    run_cli(*state, args, r);
    assert_usage_error(r, "the grid of 1e+09 voxels needs about 2.7e+03 GB of memory but this machine has");
    assert_non_null(strstr(r->err, "--force"));
    assert_no_output_created(*state);
    free(r);
}

/* `params --format ini` writes a configuration that runs as it is (issue 13). */
static void test_params_ini_is_a_runnable_shipped_like_configuration(void **state)
{
    cli_result *r = result();
    run_cli(*state, "params --format ini > p.ini && sed -n 1p p.ini", r);
    assert_int_equal(r->status, 0);
    run_cli(*state, "check p.ini", r);
    if (r->status != 0)
        print_error("%s", r->err);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "run.dx_mm"));
    assert_non_null(strstr(r->out, "0, 28, 56"));
    free(r);
}

/* The README's field count is the registry's (it said 21 when there were 20). */
static void test_readme_field_count_matches_the_registry(void **state)
{
    (void)state;
    char text[CAPTURE_MAX], expected[32];
    slurp(DERMIS_SOURCE_DIR "/README.md", text, sizeof text);
    snprintf(expected, sizeof expected, " %d fields (", DERMIS_N_FIELDS);
    if (strstr(text, expected) == NULL)
        print_error("README.md does not say \"%s\"\n", expected);
    assert_non_null(strstr(text, expected));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_help_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_config_is_one_line_and_creates_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_prints_resolved_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gnu_command_line_conventions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_and_check_refuse_the_same_model_error_before_creating_anything, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resources_are_estimated_and_a_grid_too_big_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_ini_is_a_runnable_shipped_like_configuration, setup, teardown),
        cmocka_unit_test(test_readme_field_count_matches_the_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
