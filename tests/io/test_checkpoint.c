/* Tests of io/checkpoint.c: a bitwise round trip of every member, the .prev copy, and refusal
 * of a checkpoint whose config hash differs, that is missing, truncated or damaged, or whose
 * sizes do not match the run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/checkpoint.h"

#define FIELDS 3
#define VOXELS 1000
#define RNG_BYTES 40
#define HASH 0x0123456789abcdefULL

typedef struct {
    double state[FIELDS * VOXELS];
    unsigned char rng[RNG_BYTES];
    double extra[2];
    const char *extra_names[2];
    dermis_checkpoint c;
} ckpt_fixture;

/* Values chosen to exercise every bit pattern class: subnormal, negative zero, irrationals. */
static void fixture_fill(ckpt_fixture *fx, double seed)
{
    memset(fx, 0, sizeof *fx);
    for (size_t i = 0; i < FIELDS * VOXELS; i++)
        fx->state[i] = sin(seed + (double)i) / 3.0;
    fx->state[0] = -0.0;
    fx->state[1] = 4.9e-324;
    for (size_t i = 0; i < RNG_BYTES; i++)
        fx->rng[i] = (unsigned char)(i * 37 + (size_t)seed);
    fx->extra_names[0] = "barrier_openness";
    fx->extra_names[1] = "channels_open_fraction";
    fx->extra[0] = 1.0 / 3.0;
    fx->extra[1] = seed;
    fx->c = (dermis_checkpoint){.t_day = 12.345678901234567,
                                .n_fields = FIELDS,
                                .n_voxels = VOXELS,
                                .state = fx->state,
                                .controller = {1.0 / 7.0, 0.8123, 1234, 56},
                                .stats = {1234, 56, 99999, 1.5, 2.5, 3.5, 0.01, 1e-7, 0.25},
                                .rng_state = fx->rng,
                                .rng_bytes = RNG_BYTES,
                                .output_frames = 13,
                                .observable_rows = 130,
                                .session_cursor = 2,
                                .next_output_day = 14.0,
                                .next_observable_day = 12.5,
                                .next_checkpoint_day = 20.0,
                                .config_hash = HASH,
                                .n_extra = 2,
                                .extra_names = fx->extra_names,
                                .extra_values = fx->extra};
}

/* A reader buffer set to garbage so that anything not read would show. */
static void reader_init(ckpt_fixture *rd)
{
    ckpt_fixture tmp;
    fixture_fill(&tmp, 99.0);
    *rd = tmp;
    rd->c.state = rd->state;
    rd->c.rng_state = rd->rng;
    rd->c.extra_names = rd->extra_names;
    rd->c.extra_values = rd->extra;
    rd->c.t_day = -1.0;
    rd->c.output_frames = 0;
}

static void write_ok(const char *path, ckpt_fixture *fx)
{
    char err[DERMIS_CHECKPOINT_ERROR_MAX];
    if (dermis_checkpoint_write(path, &fx->c, err) != 0)
        fail_msg("%s", err);
}

static void test_round_trip_bitwise(void **state)
{
    (void)state;
    ckpt_fixture *w = malloc(sizeof *w), *r = malloc(sizeof *r);
    fixture_fill(w, 1.0);
    write_ok("test_ckpt.h5", w);
    reader_init(r);
    char err[DERMIS_CHECKPOINT_ERROR_MAX];
    if (dermis_checkpoint_read("test_ckpt.h5", HASH, &r->c, err) != 0)
        fail_msg("%s", err);
    assert_memory_equal(r->state, w->state, sizeof w->state);
    assert_memory_equal(r->rng, w->rng, sizeof w->rng);
    assert_memory_equal(r->extra, w->extra, sizeof w->extra);
    assert_memory_equal(&r->c.t_day, &w->c.t_day, sizeof(double));
    assert_memory_equal(&r->c.controller, &w->c.controller, sizeof w->c.controller);
    assert_memory_equal(&r->c.stats, &w->c.stats, sizeof w->c.stats);
    assert_int_equal(r->c.output_frames, 13);
    assert_int_equal(r->c.observable_rows, 130);
    assert_int_equal(r->c.session_cursor, 2);
    assert_true(r->c.next_output_day == 14.0 && r->c.next_observable_day == 12.5 && r->c.next_checkpoint_day == 20.0);
    assert_true(r->c.config_hash == HASH);
    assert_non_null(strstr(r->c.writer_version, "dermis "));
    free(w);
    free(r);
}

static void test_previous_kept(void **state)
{
    (void)state;
    ckpt_fixture *w = malloc(sizeof *w), *r = malloc(sizeof *r);
    unlink("test_ckpt_prev.h5.prev");
    fixture_fill(w, 1.0);
    write_ok("test_ckpt_prev.h5", w);
    w->c.t_day = 20.0;
    write_ok("test_ckpt_prev.h5", w);
    reader_init(r);
    char err[DERMIS_CHECKPOINT_ERROR_MAX];
    assert_int_equal(dermis_checkpoint_read("test_ckpt_prev.h5.prev", HASH, &r->c, err), 0);
    assert_true(r->c.t_day == 12.345678901234567);
    assert_int_equal(dermis_checkpoint_read("test_ckpt_prev.h5", HASH, &r->c, err), 0);
    assert_true(r->c.t_day == 20.0);
    assert_int_equal(access("test_ckpt_prev.h5.tmp", F_OK), -1);
    free(w);
    free(r);
}

static void assert_refused(const char *path, unsigned long long hash, ckpt_fixture *r, const char *needle)
{
    char err[DERMIS_CHECKPOINT_ERROR_MAX] = "";
    assert_int_equal(dermis_checkpoint_read(path, hash, &r->c, err), -1);
    assert_null(strchr(err, '\n'));
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
}

static void test_hash_mismatch_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = malloc(sizeof *w), *r = malloc(sizeof *r);
    fixture_fill(w, 1.0);
    write_ok("test_ckpt_hash.h5", w);
    reader_init(r);
    assert_refused("test_ckpt_hash.h5", HASH + 1, r, "another configuration");
    free(w);
    free(r);
}

static void test_missing_refused(void **state)
{
    (void)state;
    ckpt_fixture *r = malloc(sizeof *r);
    reader_init(r);
    assert_refused("test_ckpt_does_not_exist.h5", HASH, r, "cannot read checkpoint");
    free(r);
}

static void test_size_mismatch_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = malloc(sizeof *w), *r = malloc(sizeof *r);
    fixture_fill(w, 1.0);
    write_ok("test_ckpt_size.h5", w);
    reader_init(r);
    r->c.n_voxels = VOXELS - 1;
    assert_refused("test_ckpt_size.h5", HASH, r, "voxels");
    reader_init(r);
    r->c.rng_bytes = RNG_BYTES - 1;
    assert_refused("test_ckpt_size.h5", HASH, r, "RNG");
    free(w);
    free(r);
}

static long file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long)st.st_size;
}

static void test_truncated_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = malloc(sizeof *w), *r = malloc(sizeof *r);
    fixture_fill(w, 1.0);
    write_ok("test_ckpt_trunc.h5", w);
    assert_int_equal(truncate("test_ckpt_trunc.h5", file_size("test_ckpt_trunc.h5") / 2), 0);
    reader_init(r);
    assert_refused("test_ckpt_trunc.h5", HASH, r, "checkpoint");
    free(w);
    free(r);
}

/* Flips bytes at several offsets (metadata and data): every damaged copy is refused. */
static void test_damaged_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = malloc(sizeof *w), *r = malloc(sizeof *r);
    fixture_fill(w, 1.0);
    write_ok("test_ckpt_ok.h5", w);
    long size = file_size("test_ckpt_ok.h5");
    FILE *in = fopen("test_ckpt_ok.h5", "rb");
    unsigned char *bytes = malloc((size_t)size);
    assert_int_equal(fread(bytes, 1, (size_t)size, in), (size_t)size);
    fclose(in);
    /* Offsets: superblock, root object header region, the middle of the state data, the end. */
    const long offsets[] = {0, 20, 200, size / 2, size - 100};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        FILE *out = fopen("test_ckpt_bad.h5", "wb");
        bytes[offsets[i]] ^= 0x5a;
        fwrite(bytes, 1, (size_t)size, out);
        fclose(out);
        bytes[offsets[i]] ^= 0x5a;
        reader_init(r);
        char err[DERMIS_CHECKPOINT_ERROR_MAX] = "";
        int status = dermis_checkpoint_read("test_ckpt_bad.h5", HASH, &r->c, err);
        /* A flip in unused padding may be harmless; then the content must be the original. */
        if (status == 0)
            assert_memory_equal(r->state, w->state, sizeof w->state);
        else
            assert_true(strlen(err) > 0 && !strchr(err, '\n'));
    }
    free(bytes);
    free(w);
    free(r);
}

static void test_unwritable_refused(void **state)
{
    (void)state;
    ckpt_fixture *w = malloc(sizeof *w);
    fixture_fill(w, 1.0);
    char err[DERMIS_CHECKPOINT_ERROR_MAX] = "";
    assert_int_equal(dermis_checkpoint_write("/nonexistent-dir/ckpt.h5", &w->c, err), -1);
    assert_true(strlen(err) > 0 && !strchr(err, '\n'));
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_bitwise),    cmocka_unit_test(test_previous_kept),
        cmocka_unit_test(test_hash_mismatch_refused), cmocka_unit_test(test_missing_refused),
        cmocka_unit_test(test_size_mismatch_refused), cmocka_unit_test(test_truncated_refused),
        cmocka_unit_test(test_damaged_refused),       cmocka_unit_test(test_unwritable_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
