/* Tests of io/checkpoint.c: a bitwise round trip of named, typed values, the .prev copy, and
 * refusal (one line, no crash, no leak under ASan) of a checkpoint whose config hash differs,
 * that is missing, truncated, damaged at any single byte, that lacks a described value or holds
 * it with another type or length; a full disk keeps the previous checkpoint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/checkpoint.h"

#define VOXELS 1000
#define HASH 0x0123456789abcdefULL
#define RUN_ID "0f0e0d0c-0b0a-4908-8706-050403020100"

/* What a run would checkpoint: two fields, a scalar group with both types, a short array. */
typedef struct {
    double field_a[VOXELS], field_b[VOXELS];
    double t_day, dt;
    long steps, frames;
    double memory[4];
    dermis_checkpoint_scalar scalars[4];
    dermis_checkpoint_array fields[2], arrays[1];
    dermis_checkpoint_group groups[3];
    dermis_checkpoint c;
} ckpt_fixture;

static void describe(ckpt_fixture *fx)
{
    fx->scalars[0] = (dermis_checkpoint_scalar){"t_day", DERMIS_CHECKPOINT_DOUBLE, &fx->t_day};
    fx->scalars[1] = (dermis_checkpoint_scalar){"dt_next_day", DERMIS_CHECKPOINT_DOUBLE, &fx->dt};
    fx->scalars[2] = (dermis_checkpoint_scalar){"steps_accepted", DERMIS_CHECKPOINT_LONG, &fx->steps};
    fx->scalars[3] = (dermis_checkpoint_scalar){"output_frames", DERMIS_CHECKPOINT_LONG, &fx->frames};
    fx->fields[0] = (dermis_checkpoint_array){"fibroblasts", "mm-3", VOXELS, fx->field_a};
    fx->fields[1] = (dermis_checkpoint_array){"collagen_I", "mg cm-3", VOXELS, fx->field_b};
    fx->arrays[0] = (dermis_checkpoint_array){"baseline_collagen", "mg cm-3", 4, fx->memory};
    fx->groups[0] = (dermis_checkpoint_group){"run", 4, fx->scalars, 0, NULL};
    fx->groups[1] = (dermis_checkpoint_group){"state", 0, NULL, 2, fx->fields};
    fx->groups[2] = (dermis_checkpoint_group){"observables", 0, NULL, 1, fx->arrays};
    fx->c = (dermis_checkpoint){.config_hash = HASH, .n_groups = 3, .groups = fx->groups};
}

/* Values chosen to exercise every bit pattern class: subnormal, negative zero, infinities. */
static ckpt_fixture *fixture_new(double seed)
{
    ckpt_fixture *fx = calloc(1, sizeof *fx);
    for (size_t i = 0; i < VOXELS; i++) {
        fx->field_a[i] = sin(seed + (double)i) / 3.0;
        fx->field_b[i] = cos(seed * (double)i);
    }
    fx->field_a[0] = -0.0;
    fx->field_a[1] = 4.9e-324;
    fx->field_b[2] = INFINITY;
    fx->t_day = 12.345678901234567;
    fx->dt = 1.0 / 7.0;
    fx->steps = 1234567890123L;
    fx->frames = 13;
    fx->memory[0] = -1.0;
    fx->memory[3] = seed;
    describe(fx);
    snprintf(fx->c.run_id, sizeof fx->c.run_id, "%s", RUN_ID);
    return fx;
}

/* A reader with every value set to something else, so anything not read would show. */
static ckpt_fixture *reader_new(void)
{
    ckpt_fixture *r = fixture_new(99.0);
    r->t_day = r->dt = -1.0;
    r->steps = r->frames = -1;
    memset(r->c.run_id, 'x', sizeof r->c.run_id - 1);
    return r;
}

static void write_ok(const char *path, ckpt_fixture *fx)
{
    char err[DERMIS_CHECKPOINT_ERROR_MAX];
    if (dermis_checkpoint_write(path, &fx->c, err) != 0)
        fail_msg("%s", err);
}

static void assert_refused(const char *path, dermis_checkpoint *c, unsigned long long hash, const char *words)
{
    char err[DERMIS_CHECKPOINT_ERROR_MAX] = "";
    assert_int_equal(dermis_checkpoint_read(path, hash, c, err), -1);
    assert_true(strlen(err) > 0 && !strchr(err, '\n'));
    if (words && !strstr(err, words))
        fail_msg("'%s' lacks '%s'", err, words);
}

static void test_round_trip_bitwise(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    write_ok("test_ckpt.h5", w);
    char err[DERMIS_CHECKPOINT_ERROR_MAX];
    if (dermis_checkpoint_read("test_ckpt.h5", HASH, &r->c, err) != 0)
        fail_msg("%s", err);
    assert_memory_equal(r->field_a, w->field_a, sizeof w->field_a);
    assert_memory_equal(r->field_b, w->field_b, sizeof w->field_b);
    assert_memory_equal(r->memory, w->memory, sizeof w->memory);
    assert_memory_equal(&r->t_day, &w->t_day, sizeof(double));
    assert_memory_equal(&r->dt, &w->dt, sizeof(double));
    assert_true(r->steps == w->steps && r->frames == 13);
    assert_string_equal(r->c.run_id, RUN_ID);
    free(w);
    free(r);
}

static void test_previous_kept(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    unlink("test_ckpt_prev.h5.prev");
    write_ok("test_ckpt_prev.h5", w);
    w->t_day = 20.0;
    write_ok("test_ckpt_prev.h5", w);
    char err[DERMIS_CHECKPOINT_ERROR_MAX];
    assert_int_equal(dermis_checkpoint_read("test_ckpt_prev.h5.prev", HASH, &r->c, err), 0);
    assert_true(r->t_day == 12.345678901234567);
    assert_int_equal(dermis_checkpoint_read("test_ckpt_prev.h5", HASH, &r->c, err), 0);
    assert_true(r->t_day == 20.0);
    free(w);
    free(r);
}

static void test_hash_mismatch_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    write_ok("test_ckpt_hash.h5", w);
    assert_refused("test_ckpt_hash.h5", &r->c, HASH + 1, "another configuration");
    free(w);
    free(r);
}

static void test_missing_refused(void **state)
{
    (void)state;
    ckpt_fixture *r = reader_new();
    unlink("test_ckpt_missing.h5");
    assert_refused("test_ckpt_missing.h5", &r->c, HASH, "cannot read");
    free(r);
}

static void test_size_mismatch_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    write_ok("test_ckpt_size.h5", w);
    r->fields[1].length = VOXELS - 1;
    assert_refused("test_ckpt_size.h5", &r->c, HASH, "state/collagen_I");
    free(w);
    free(r);
}

static void test_missing_value_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    w->groups[0].n_scalars = 3; /* written without output_frames */
    write_ok("test_ckpt_lacks.h5", w);
    assert_refused("test_ckpt_lacks.h5", &r->c, HASH, "run.output_frames");
    w->groups[0].n_scalars = 4;
    w->groups[1].n_arrays = 1; /* without collagen_I */
    write_ok("test_ckpt_lacks.h5", w);
    assert_refused("test_ckpt_lacks.h5", &r->c, HASH, "state/collagen_I");
    free(w);
    free(r);
}

static void test_wrong_type_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    write_ok("test_ckpt_type.h5", w);
    double steps_as_double = 0.0;
    r->scalars[2] = (dermis_checkpoint_scalar){"steps_accepted", DERMIS_CHECKPOINT_DOUBLE, &steps_as_double};
    assert_refused("test_ckpt_type.h5", &r->c, HASH, "run.steps_accepted");
    free(w);
    free(r);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static unsigned char *slurp(const char *path, long *size)
{
    *size = file_size(path);
    assert_true(*size > 0);
    FILE *in = fopen(path, "rb");
    unsigned char *bytes = malloc((size_t)*size);
    assert_int_equal(fread(bytes, 1, (size_t)*size, in), (size_t)*size);
    fclose(in);
    return bytes;
}

static void spill(const char *path, const unsigned char *bytes, long size)
{
    FILE *out = fopen(path, "wb");
    assert_int_equal(fwrite(bytes, 1, (size_t)size, out), (size_t)size);
    fclose(out);
}

static void test_truncated_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    write_ok("test_ckpt_ok.h5", w);
    long size;
    unsigned char *bytes = slurp("test_ckpt_ok.h5", &size);
    const long lengths[] = {0, 100, 511, 512, 600, size / 2, size - 1};
    for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
        spill("test_ckpt_short.h5", bytes, lengths[i]);
        assert_refused("test_ckpt_short.h5", &r->c, HASH, NULL);
    }
    free(bytes);
    free(w);
    free(r);
}

/* Every single-byte flip of the file is either refused with one line or (a flip in the unused
 * padding of the header) harmless: the values read are the original ones. */
static void test_any_damaged_byte_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    write_ok("test_ckpt_ok.h5", w);
    long size;
    unsigned char *bytes = slurp("test_ckpt_ok.h5", &size);
    long refused = 0;
    for (long at = 0; at < size; at++) {
        bytes[at] ^= 0x5a;
        spill("test_ckpt_bad.h5", bytes, size);
        bytes[at] ^= 0x5a;
        char err[DERMIS_CHECKPOINT_ERROR_MAX] = "";
        if (dermis_checkpoint_read("test_ckpt_bad.h5", HASH, &r->c, err) == 0) {
            assert_true(at < 512); /* only the header's padding may be damaged harmlessly */
            assert_memory_equal(r->field_a, w->field_a, sizeof w->field_a);
        } else {
            assert_true(strlen(err) > 0 && !strchr(err, '\n'));
            refused++;
        }
    }
    assert_true(refused >= size - 512);
    free(bytes);
    free(w);
    free(r);
}

static void test_unwritable_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0);
    char err[DERMIS_CHECKPOINT_ERROR_MAX] = "";
    assert_int_equal(dermis_checkpoint_write("/nonexistent-dir/ckpt.h5", &w->c, err), -1);
    assert_true(strlen(err) > 0 && !strchr(err, '\n'));
    free(w);
}

/* A full disk (here: a file size limit) fails the write with one line and keeps the previous
 * checkpoint readable; no temporary file is left. */
static void test_full_disk_keeps_previous(void **state)
{
    (void)state;
    ckpt_fixture *w = fixture_new(1.0), *r = reader_new();
    write_ok("test_ckpt_full.h5", w);
    struct rlimit old, small = {4096, 4096};
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    w->t_day = 99.0;
    char err[DERMIS_CHECKPOINT_ERROR_MAX] = "";
    int status = dermis_checkpoint_write("test_ckpt_full.h5", &w->c, err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(status, -1);
    assert_true(strlen(err) > 0 && !strchr(err, '\n'));
    assert_int_equal(file_size("test_ckpt_full.h5.tmp"), -1);
    assert_int_equal(dermis_checkpoint_read("test_ckpt_full.h5", HASH, &r->c, err), 0);
    assert_true(r->t_day == 12.345678901234567);
    free(w);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_bitwise),    cmocka_unit_test(test_previous_kept),
        cmocka_unit_test(test_hash_mismatch_refused), cmocka_unit_test(test_missing_refused),
        cmocka_unit_test(test_size_mismatch_refused), cmocka_unit_test(test_missing_value_refused),
        cmocka_unit_test(test_wrong_type_refused),    cmocka_unit_test(test_truncated_refused),
        cmocka_unit_test(test_any_damaged_byte_refused), cmocka_unit_test(test_unwritable_refused),
        cmocka_unit_test(test_full_disk_keeps_previous),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
