/* The block-triangular LU of the reaction iteration matrices (solver/blocklu.c) against GSL's
 * dense LU with partial pivoting, on random sparse Jacobians whose coupling graph has cycles
 * (strongly connected blocks of several species), one-way couplings and isolated species:
 *   - M x = b with M = I - c J agrees with gsl_linalg_LU_solve to round-off for c = h and h/2
 *     on one analysed pattern, with the pattern reused (same zeros, new values) and re-analysed;
 *   - every block is a strongly connected component in dependency order: no row couples to a
 *     later block;
 *   - a component whose right-hand side and dependencies are exactly zero gets exactly 0;
 *   - the fast paths (blocks of 1 and 2 written out, two factorisations and two solves in one
 *     pass) give bitwise the results of the readable reference below: one dense LU with partial
 *     pivoting per block, of any size, and substitution of the couplings in the pattern's order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>

#include "solver/solver_internal.h"

#define N 21

/* Deterministic pseudo-random numbers in [0, 1) (64-bit LCG, Knuth's constants). */
static double uniform(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* A sparse Jacobian: decaying diagonal, ~8 % off-diagonal entries, magnitudes over 6 decades. */
static void random_jacobian(double *J, unsigned long long *seed, const int *pattern)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double mag = pow(10.0, 6.0 * uniform(seed) - 3.0);
            if (i == j) J[i * N + j] = -mag;
            else if (pattern) J[i * N + j] = pattern[i * N + j] ? (uniform(seed) - 0.5) * mag : 0.0;
            else J[i * N + j] = uniform(seed) < 0.08 ? (uniform(seed) - 0.5) * mag : 0.0;
        }
}

static void dense_solve(const double *J, double c, const double *b, double *x)
{
    gsl_matrix *m = gsl_matrix_alloc(N, N);
    gsl_permutation *p = gsl_permutation_alloc(N);
    int sign;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) gsl_matrix_set(m, i, j, (i == j ? 1.0 : 0.0) - c * J[i * N + j]);
    gsl_vector_const_view vb = gsl_vector_const_view_array(b, N);
    gsl_vector_view vx = gsl_vector_view_array(x, N);
    assert_int_equal(gsl_linalg_LU_decomp(m, p, &sign), 0);
    assert_int_equal(gsl_linalg_LU_solve(m, p, &vb.vector, &vx.vector), 0);
    gsl_matrix_free(m);
    gsl_permutation_free(p);
}

/* Normwise backward error of x: |M x - b| / (|M| |x| + |b|) in the max norm, M = I - c J. */
static double backward_error(const double *J, double c, const double *b, const double *x)
{
    double res = 0.0, norm_m = 0.0, norm_x = 0.0, norm_b = 0.0;
    for (size_t i = 0; i < N; i++) {
        double r = -b[i], row = 0.0;
        for (size_t j = 0; j < N; j++) {
            double m = (i == j ? 1.0 : 0.0) - c * J[i * N + j];
            r += m * x[j];
            row += fabs(m);
        }
        res = fmax(res, fabs(r));
        norm_m = fmax(norm_m, row);
        norm_x = fmax(norm_x, fabs(x[i]));
        norm_b = fmax(norm_b, fabs(b[i]));
    }
    return res / (norm_m * norm_x + norm_b);
}

/* The block solve is backward stable like the dense LU with partial pivoting: its backward
 * error is at round-off (measured: below 1e-16 here, GSL's alike). */
static void check_solution(const dermis_btf *p, dermis_blu *f, const double *J, double c, unsigned long long *seed)
{
    double b[N], x[N], ref[N];
    for (size_t i = 0; i < N; i++) b[i] = uniform(seed) - 0.5;
    assert_int_equal(dermis_blu_factor(f, p, J, c), 0);
    memcpy(x, b, sizeof b);
    dermis_blu_solve(f, p, x);
    dense_solve(J, c, b, ref);
    double eb = backward_error(J, c, b, x), er = backward_error(J, c, b, ref);
    if (!(eb <= 1e-14)) print_message("c %g backward error: block LU %.2e, GSL dense LU %.2e\n", c, eb, er);
    assert_true(eb <= 1e-14);
}

static void check_block_order(const dermis_btf *p, const double *J)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            if (J[i * N + j] != 0.0) assert_true(p->block[j] <= p->block[i]);
}

static void test_against_dense_lu(void **state)
{
    (void)state;
    unsigned long long seed = 20261201ULL;
    double J[N * N];
    int pattern[N * N];
    dermis_btf p;
    dermis_blu f;
    assert_int_equal(dermis_btf_alloc(&p, N), 0);
    assert_int_equal(dermis_blu_alloc(&f, N), 0);
    int mixed = 0; /* trials with both a multi-species block and a one-way part */
    for (int trial = 0; trial < 200; trial++) {
        random_jacobian(J, &seed, NULL);
        dermis_btf_analyse(&p, J);
        check_block_order(&p, J);
        size_t max_block = 0;
        for (size_t b = 0; b < p.nb; b++)
            if (p.bstart[b + 1] - p.bstart[b] > max_block) max_block = p.bstart[b + 1] - p.bstart[b];
        mixed += max_block > 1 && p.nb > 1;
        double h = pow(10.0, 4.0 * uniform(&seed) - 3.0);
        check_solution(&p, &f, J, h, &seed);
        check_solution(&p, &f, J, 0.5 * h, &seed);
        /* Same zeros, new values: the cached pattern must still be right. */
        for (size_t k = 0; k < N * N; k++) pattern[k] = J[k] != 0.0;
        random_jacobian(J, &seed, pattern);
        dermis_btf_analyse(&p, J);
        check_solution(&p, &f, J, h, &seed);
    }
    print_message("  %d of 200 patterns mix a multi-species block with one-way couplings\n", mixed);
    assert_true(mixed >= 50);
    dermis_btf_free(&p);
    dermis_blu_free(&f);
}

/* The reference: M x = b block by block in p's order, every block (one species included) by the
 * textbook dense LU with partial pivoting (reciprocal pivots kept, as blocklu.c documents), the
 * couplings to earlier blocks substituted in the pattern's order. */
static void reference_solve(const dermis_btf *p, const double *J, double c, double *b)
{
    for (size_t blk = 0; blk < p->nb; blk++) {
        const size_t s = p->bstart[blk], k = p->bstart[blk + 1] - s;
        double a[N * N], x[N];
        size_t piv[N];
        for (size_t r = 0; r < k; r++) {
            const size_t i = p->order[s + r];
            double v = b[i];
            for (size_t e = p->rstart[s + r]; e < p->rstart[s + r + 1]; e++) v -= (-c * J[i * N + p->col[e]]) * b[p->col[e]];
            x[r] = v;
            for (size_t q = 0; q < k; q++) {
                const double m = -c * J[i * N + p->order[s + q]];
                a[r * k + q] = r == q ? m + 1.0 : m;
            }
        }
        for (size_t col = 0; col < k; col++) {
            size_t pv = col;
            for (size_t i = col + 1; i < k; i++)
                if (fabs(a[i * k + col]) > fabs(a[pv * k + col])) pv = i;
            piv[col] = pv;
            assert_true(a[pv * k + col] != 0.0);
            for (size_t j = 0; j < k && pv != col; j++) {
                const double t = a[col * k + j];
                a[col * k + j] = a[pv * k + j];
                a[pv * k + j] = t;
            }
            a[col * k + col] = 1.0 / a[col * k + col];
            for (size_t i = col + 1; i < k; i++) {
                const double l = a[i * k + col] * a[col * k + col];
                a[i * k + col] = l;
                if (l != 0.0)
                    for (size_t j = col + 1; j < k; j++) a[i * k + j] -= l * a[col * k + j];
            }
        }
        for (size_t col = 0; col < k; col++) {
            const double t = x[piv[col]];
            x[piv[col]] = x[col];
            x[col] = t;
        }
        for (size_t col = 0; col < k; col++)
            if (x[col] != 0.0)
                for (size_t i = col + 1; i < k; i++) x[i] -= a[i * k + col] * x[col];
        for (size_t col = k; col-- > 0;) {
            for (size_t j = col + 1; j < k; j++) x[col] -= a[col * k + j] * x[j];
            x[col] *= a[col * k + col];
        }
        for (size_t r = 0; r < k; r++) b[p->order[s + r]] = x[r];
    }
}

/* The fast kernels against the reference, bitwise: single factorisation and solve, and the pair
 * (I - hJ, I - (h/2)J; two right-hand sides) that reaction.c uses, on patterns with blocks of
 * 1, 2 and more species. */
static void test_fast_paths_match_reference(void **state)
{
    (void)state;
    unsigned long long seed = 424242ULL;
    double J[N * N];
    dermis_btf p;
    dermis_blu fa, fb, f1;
    assert_int_equal(dermis_btf_alloc(&p, N), 0);
    assert_int_equal(dermis_blu_alloc(&fa, N), 0);
    assert_int_equal(dermis_blu_alloc(&fb, N), 0);
    assert_int_equal(dermis_blu_alloc(&f1, N), 0);
    int seen[N + 1] = {0};
    for (int trial = 0; trial < 300; trial++) {
        random_jacobian(J, &seed, NULL);
        dermis_btf_analyse(&p, J);
        for (size_t b = 0; b < p.nb; b++) seen[p.bstart[b + 1] - p.bstart[b]]++;
        const double h = pow(10.0, 4.0 * uniform(&seed) - 3.0);
        double b1[N], b2[N], r1[N], r2[N], s1[N];
        for (size_t i = 0; i < N; i++) {
            b1[i] = uniform(&seed) - 0.5;
            b2[i] = i % 5 == 0 ? 0.0 : uniform(&seed) - 0.5; /* zeros take the skipping branches */
        }
        memcpy(r1, b1, sizeof b1);
        memcpy(r2, b2, sizeof b2);
        memcpy(s1, b2, sizeof b2);
        reference_solve(&p, J, h, r1);
        reference_solve(&p, J, 0.5 * h, r2);
        assert_int_equal(dermis_blu_factor_pair(&fa, &fb, &p, J, h, 0.5 * h), 0);
        dermis_blu_solve_pair(&fa, &fb, &p, b1, b2);
        assert_int_equal(dermis_blu_factor(&f1, &p, J, 0.5 * h), 0);
        dermis_blu_solve(&f1, &p, s1);
        assert_memory_equal(b1, r1, sizeof b1);
        assert_memory_equal(b2, r2, sizeof b2);
        assert_memory_equal(s1, r2, sizeof s1);
    }
    int more = 0;
    for (size_t k = 5; k <= N; k++) more += seen[k];
    print_message("  blocks of 1 / 2 / 3 / 4 / more species: %d / %d / %d / %d / %d\n", seen[1], seen[2], seen[3],
                  seen[4], more);
    assert_true(seen[1] > 0 && seen[2] > 0 && seen[3] + seen[4] > 0 && more > 0); /* every path taken */
    dermis_btf_free(&p);
    dermis_blu_free(&fa);
    dermis_blu_free(&fb);
    dermis_blu_free(&f1);
}

/* Component 0 is at rest (zero rhs, all its dependencies zero) but feeds a large block through
 * big coefficients: its correction must be exactly zero. */
static void test_exact_zero(void **state)
{
    (void)state;
    unsigned long long seed = 7ULL;
    double J[N * N], b[N];
    dermis_btf p;
    dermis_blu f;
    assert_int_equal(dermis_btf_alloc(&p, N), 0);
    assert_int_equal(dermis_blu_alloc(&f, N), 0);
    random_jacobian(J, &seed, NULL);
    for (size_t j = 1; j < N; j++) {
        J[0 * N + j] = 0.0;     /* row 0 depends on nothing else */
        J[j * N + 0] = 1e6;     /* everything depends strongly on 0 */
    }
    for (size_t i = 0; i < N; i++) b[i] = i == 0 ? 0.0 : uniform(&seed) - 0.5;
    dermis_btf_analyse(&p, J);
    assert_int_equal(dermis_blu_factor(&f, &p, J, 10.0), 0);
    dermis_blu_solve(&f, &p, b);
    assert_true(b[0] == 0.0);
    dermis_btf_free(&p);
    dermis_blu_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_dense_lu),
        cmocka_unit_test(test_exact_zero),
        cmocka_unit_test(test_fast_paths_match_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
