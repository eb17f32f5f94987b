/* Tests of the sweep designs (app/sweep_design.c) on their defining properties: the grid is the
 * full factorial in order, a Latin hypercube puts one point in every stratum of every key, the
 * Sobol design is GSL's sequence, a Saltelli block is A, B and A with one column from B, a Morris
 * trajectory moves each key once by +-delta, every design is deterministic, and more dimensions
 * than GSL's Sobol sequence has are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "app/sweep.h"

/* A spec with d keys given by bounds (or `levels` values each for a grid). */
static sweep_spec *make_spec(const char *design, size_t d, size_t samples, size_t levels)
{
    sweep_spec *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->design = sweep_design_find(design);
    assert_non_null(s->design);
    s->n_params = d;
    s->samples = samples;
    s->levels = levels;
    s->replicates = 1;
    s->seed = 7;
    for (size_t j = 0; j < d; j++) {
        s->params[j].min = 0;
        s->params[j].max = 1;
        s->params[j].has_min = s->params[j].has_max = 1;
        s->params[j].count = strcmp(design, "grid") == 0 ? levels : 0;
    }
    return s;
}

typedef struct {
    size_t n;
    double *u;
    long *block, *step;
} points;

static int generate(const sweep_spec *s, points *p)
{
    p->n = s->design->count(s);
    p->u = calloc(p->n * (s->n_params + 1), sizeof *p->u);
    p->block = calloc(p->n, sizeof *p->block);
    p->step = calloc(p->n, sizeof *p->step);
    char reason[256];
    return s->design->generate(s, p->u, p->block, p->step, reason, sizeof reason);
}

static void free_points(points *p)
{
    free(p->u);
    free(p->block);
    free(p->step);
}

static void test_grid_is_the_full_factorial_last_key_fastest(void **state)
{
    (void)state;
    sweep_spec *s = make_spec("grid", 2, 0, 3);
    s->params[1].count = 4;
    points p;
    assert_int_equal(generate(s, &p), 0);
    assert_int_equal(p.n, 12);
    for (size_t i = 0; i < p.n; i++) {
        assert_true(fabs(p.u[2 * i] - ((double)(i / 4) + 0.5) / 3) < 1e-15);
        assert_true(fabs(p.u[2 * i + 1] - ((double)(i % 4) + 0.5) / 4) < 1e-15);
    }
    free_points(&p);
    free(s);
}

static void test_latin_hypercube_has_one_point_per_stratum(void **state)
{
    (void)state;
    sweep_spec *s = make_spec("lhs", 3, 50, 0);
    points p, again;
    assert_int_equal(generate(s, &p), 0);
    assert_int_equal(generate(s, &again), 0);
    assert_memory_equal(p.u, again.u, p.n * 3 * sizeof *p.u); /* deterministic for one seed */
    for (size_t j = 0; j < 3; j++) {
        int seen[50] = {0};
        for (size_t i = 0; i < p.n; i++)
            seen[(int)floor(p.u[i * 3 + j] * 50)]++;
        for (size_t k = 0; k < 50; k++)
            assert_int_equal(seen[k], 1);
    }
    free_points(&p);
    free_points(&again);
    free(s);
}

static void test_sobol_design_is_gsl_sequence(void **state)
{
    (void)state;
    sweep_spec *s = make_spec("sobol", 5, 16, 0);
    points p;
    assert_int_equal(generate(s, &p), 0);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 5);
    double x[5];
    for (size_t i = 0; i < 16; i++) {
        gsl_qrng_get(q, x);
        assert_memory_equal(x, p.u + 5 * i, sizeof x);
    }
    gsl_qrng_free(q);
    free_points(&p);
    free(s);
}

static void test_saltelli_blocks_are_a_b_and_one_column_swapped(void **state)
{
    (void)state;
    const size_t d = 4;
    sweep_spec *s = make_spec("saltelli", d, 8, 0);
    points p;
    assert_int_equal(generate(s, &p), 0);
    assert_int_equal(p.n, 8 * (d + 2));
    for (size_t j = 0; j < 8; j++) {
        const double *a = p.u + (j * (d + 2)) * d, *b = a + d;
        assert_int_equal(p.block[j * (d + 2)], (long)j);
        for (size_t i = 0; i < d; i++) {
            const double *ab = a + (2 + i) * d;
            assert_int_equal(p.step[j * (d + 2) + 2 + i], (long)(2 + i));
            for (size_t k = 0; k < d; k++)
                assert_true(ab[k] == (k == i ? b[k] : a[k]));
        }
    }
    free_points(&p);
    free(s);
}

static void test_morris_moves_each_key_once_by_delta(void **state)
{
    (void)state;
    const size_t d = 5, r = 20, levels = 6;
    sweep_spec *s = make_spec("morris", d, r, levels);
    points p;
    assert_int_equal(generate(s, &p), 0);
    assert_int_equal(p.n, r * (d + 1));
    const double delta = (double)levels / (2.0 * (double)(levels - 1));
    for (size_t t = 0; t < r; t++) {
        int moved[5] = {0};
        for (size_t k = 1; k <= d; k++) {
            const double *prev = p.u + (t * (d + 1) + k - 1) * d, *cur = prev + d;
            size_t changes = 0;
            for (size_t j = 0; j < d; j++) {
                assert_true(cur[j] >= 0 && cur[j] <= 1);
                if (cur[j] != prev[j]) {
                    changes++;
                    moved[j]++;
                    assert_true(fabs(fabs(cur[j] - prev[j]) - delta) < 1e-12);
                }
            }
            assert_int_equal(changes, 1);
        }
        for (size_t j = 0; j < d; j++)
            assert_int_equal(moved[j], 1);
    }
    free_points(&p);
    free(s);
}

static void test_more_dimensions_than_sobol_has_are_refused(void **state)
{
    (void)state;
    /* Saltelli needs 2d dimensions: 21 keys would need 42 (GSL stops at 40). */
    assert_int_equal(sweep_design_find("saltelli")->max_params, gsl_qrng_sobol->max_dimension / 2);
    sweep_spec *s = make_spec("saltelli", 21, 4, 0);
    points p;
    assert_int_equal(generate(s, &p), -1);
    free_points(&p);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_is_the_full_factorial_last_key_fastest),
        cmocka_unit_test(test_latin_hypercube_has_one_point_per_stratum),
        cmocka_unit_test(test_sobol_design_is_gsl_sequence),
        cmocka_unit_test(test_saltelli_blocks_are_a_b_and_one_column_swapped),
        cmocka_unit_test(test_morris_moves_each_key_once_by_delta),
        cmocka_unit_test(test_more_dimensions_than_sobol_has_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
