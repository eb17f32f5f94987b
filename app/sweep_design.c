/* The designs of a sweep, one registry row each (add a design by adding a row).
 *
 * A design fills the unit-cube coordinates u in [0, 1]^d of its points; sweep_plan.c maps them
 * to values (bounds: min + u (max - min), or its log-scale analogue; a list of values or grid
 * levels: the level floor(u n)). Every design is deterministic: quasi-random ones by
 * construction, random ones through a Mersenne Twister seeded with [sweep] seed. */
#include "app/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>

/* Levels of parameter j on a grid: its list of values or its count. */
static size_t grid_levels(const sweep_param *p)
{
    return p->n_values > 0 ? p->n_values : p->count;
}

static size_t grid_count(const sweep_spec *s)
{
    size_t n = 1;
    for (size_t j = 0; j < s->n_params; j++)
        n *= grid_levels(&s->params[j]);
    return n;
}

/* Full factorial; the last parameter varies fastest. u is the centre of the level's cell. */
static int grid_generate(const sweep_spec *s, double *u, long *block, long *step, char *reason, size_t len)
{
    (void)reason;
    (void)len;
    size_t n = grid_count(s), d = s->n_params;
    for (size_t i = 0; i < n; i++) {
        size_t rest = i;
        for (size_t jj = d; jj-- > 0;) {
            size_t levels = grid_levels(&s->params[jj]);
            u[i * d + jj] = ((double)(rest % levels) + 0.5) / (double)levels;
            rest /= levels;
        }
        block[i] = (long)i;
        step[i] = 0;
    }
    return 0;
}

static size_t samples_count(const sweep_spec *s)
{
    return s->samples;
}

static gsl_rng *seeded_rng(const sweep_spec *s, char *reason, size_t len)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL)
        snprintf(reason, len, "out of memory");
    else
        gsl_rng_set(rng, (unsigned long)s->seed);
    return rng;
}

/* Fisher-Yates shuffle of 0..n-1. */
static void permutation(gsl_rng *rng, size_t *perm, size_t n)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i-- > 1;) {
        size_t k = (size_t)gsl_rng_uniform_int(rng, (unsigned long)(i + 1)), t = perm[i];
        perm[i] = perm[k];
        perm[k] = t;
    }
}

/* Latin hypercube (McKay, Beckman & Conover 1979): every parameter's range cut into N equal
 * strata, one point per stratum, strata paired by independent random permutations. */
static int lhs_generate(const sweep_spec *s, double *u, long *block, long *step, char *reason, size_t len)
{
    size_t n = s->samples, d = s->n_params;
    gsl_rng *rng = seeded_rng(s, reason, len);
    size_t *perm = malloc(n * sizeof *perm);
    if (rng == NULL || perm == NULL) {
        gsl_rng_free(rng);
        free(perm);
        snprintf(reason, len, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < d; j++) {
        permutation(rng, perm, n);
        for (size_t i = 0; i < n; i++)
            u[i * d + j] = ((double)perm[i] + gsl_rng_uniform(rng)) / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        block[i] = (long)i;
        step[i] = 0;
    }
    free(perm);
    gsl_rng_free(rng);
    return 0;
}

/* The first n points of GSL's Sobol sequence in dim dimensions into x (n x dim). */
static int sobol_points(size_t dim, size_t n, double *x, char *reason, size_t len)
{
    /* gsl_qrng_alloc accepts dim > 40 but leaves the state uninitialised: check first. */
    if (dim > gsl_qrng_sobol->max_dimension) {
        snprintf(reason, len, "the Sobol sequence has at most %u dimensions (needs %zu)",
                 gsl_qrng_sobol->max_dimension, dim);
        return -1;
    }
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    if (q == NULL) {
        snprintf(reason, len, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        gsl_qrng_get(q, x + i * dim);
    gsl_qrng_free(q);
    return 0;
}

static int sobol_generate(const sweep_spec *s, double *u, long *block, long *step, char *reason, size_t len)
{
    if (sobol_points(s->n_params, s->samples, u, reason, len) != 0)
        return -1;
    for (size_t i = 0; i < s->samples; i++) {
        block[i] = (long)i;
        step[i] = 0;
    }
    return 0;
}

static size_t saltelli_count(const sweep_spec *s)
{
    return s->samples * (s->n_params + 2);
}

/* Saltelli (2002) / Saltelli et al. (2010) design for Sobol indices: base sample j is a point of
 * the 2d-dimensional Sobol sequence split into A_j (first d) and B_j (last d); its rows are A_j,
 * B_j and AB_j^(i) = A_j with coordinate i taken from B_j (block = j, step = 0, 1, 2 + i). */
static int saltelli_generate(const sweep_spec *s, double *u, long *block, long *step, char *reason, size_t len)
{
    size_t d = s->n_params, n = s->samples, rows = d + 2;
    double *x = malloc(n * 2 * d * sizeof *x);
    if (x == NULL) {
        snprintf(reason, len, "out of memory");
        return -1;
    }
    if (sobol_points(2 * d, n, x, reason, len) != 0) {
        free(x);
        return -1;
    }
    for (size_t j = 0; j < n; j++) {
        const double *a = x + j * 2 * d, *b = a + d;
        for (size_t r = 0; r < rows; r++) {
            double *row = u + (j * rows + r) * d;
            memcpy(row, r == 1 ? b : a, d * sizeof *row);
            if (r >= 2)
                row[r - 2] = b[r - 2];
            block[j * rows + r] = (long)j;
            step[j * rows + r] = (long)r;
        }
    }
    free(x);
    return 0;
}

static size_t morris_count(const sweep_spec *s)
{
    return s->samples * (s->n_params + 1);
}

/* Morris (1991) trajectories on a p-level grid with step delta = p / (2 (p - 1)): a random base
 * point x* on the levels 0 .. p/2 - 1, then each parameter in random order moves once by
 * +delta or -delta (random direction; a - move starts at x* + delta). block = trajectory,
 * step = 0 .. d. */
static int morris_generate(const sweep_spec *s, double *u, long *block, long *step, char *reason, size_t len)
{
    size_t d = s->n_params, p = s->levels, half = p / 2;
    double top = (double)(p - 1);
    gsl_rng *rng = seeded_rng(s, reason, len);
    size_t *order = malloc(d * sizeof *order), *level = malloc(d * sizeof *level);
    int *up = malloc(d * sizeof *up);
    if (rng == NULL || order == NULL || level == NULL || up == NULL) {
        snprintf(reason, len, "out of memory");
        gsl_rng_free(rng);
        free(order);
        free(level);
        free(up);
        return -1;
    }
    for (size_t t = 0; t < s->samples; t++) {
        for (size_t j = 0; j < d; j++) {
            size_t base = (size_t)gsl_rng_uniform_int(rng, (unsigned long)half);
            up[j] = gsl_rng_uniform(rng) < 0.5;
            level[j] = up[j] ? base : base + half; /* a level index 0 .. p-1 */
        }
        permutation(rng, order, d);
        for (size_t k = 0; k <= d; k++) {
            size_t row = t * (d + 1) + k;
            if (k > 0) {
                size_t j = order[k - 1];
                level[j] = up[j] ? level[j] + half : level[j] - half;
            }
            for (size_t j = 0; j < d; j++)
                u[row * d + j] = (double)level[j] / top;
            block[row] = (long)t;
            step[row] = (long)k;
        }
    }
    gsl_rng_free(rng);
    free(order);
    free(level);
    free(up);
    return 0;
}

static size_t one_count(const sweep_spec *s)
{
    (void)s;
    return 1;
}

/* The base configuration alone (each replicate with its own seed). */
static int one_generate(const sweep_spec *s, double *u, long *block, long *step, char *reason, size_t len)
{
    (void)s;
    (void)u;
    (void)reason;
    (void)len;
    block[0] = 0;
    step[0] = 0;
    return 0;
}

static const sweep_design designs[] = {
    {"grid", "full factorial over every parameter's values or count levels", 0, grid_count, grid_generate,
     SWEEP_PARAMS_MAX},
    {"lhs", "Latin hypercube of `samples` points between min and max", 1, samples_count, lhs_generate,
     SWEEP_PARAMS_MAX},
    {"sobol", "the first `samples` points of the Sobol sequence (GSL)", 1, samples_count, sobol_generate,
     SWEEP_PARAMS_MAX},
    {"saltelli", "Saltelli design for Sobol indices: samples x (d + 2) points", 1, saltelli_count,
     saltelli_generate, SWEEP_PARAMS_MAX / 2},
    {"morris", "`samples` Morris trajectories of d + 1 points on `levels` levels", 1, morris_count,
     morris_generate, SWEEP_PARAMS_MAX},
    {"replicates", "the base configuration only, `replicates` seeds", 0, one_count, one_generate, 0},
};

size_t sweep_design_count_rows(void)
{
    return sizeof designs / sizeof designs[0];
}

const sweep_design *sweep_design_at(size_t i)
{
    return i < sweep_design_count_rows() ? &designs[i] : NULL;
}

const sweep_design *sweep_design_find(const char *name)
{
    for (size_t i = 0; i < sweep_design_count_rows(); i++)
        if (strcmp(designs[i].name, name) == 0)
            return &designs[i];
    return NULL;
}

void sweep_design_names(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < sweep_design_count_rows(); i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i > 0 ? ", " : "", designs[i].name);
    }
}
