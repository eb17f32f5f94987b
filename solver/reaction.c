/* Stiff local reactions, voxel by voxel: du/dt = R(u, voxel, t).
 *
 * Each voxel chooses its own substeps inside the reaction half-step (rates range from minutes
 * to decades), so a stiff voxel does not shrink the global step; the global step is rejected
 * only when a voxel cannot be integrated at all (SUB_MAX_FAILURES, a substep below 1e-12 of the
 * interval, or a fatal rhs error).
 *
 * Substep (richardson_step): linearly implicit Euler LI (one Jacobian at the start of the
 * substep, the basic step of LIMEX), Richardson-extrapolated v = 2 LI(h/2)^2 - LI(h) to second
 * order, with |fine - coarse| weighted by atol_s + rtol |u| as the local error estimate; where
 * the extrapolation alone dips below zero the fine value is kept. Positivity: a fine solution
 * below zero by more than the field's atol rejects the substep; smaller dips are projected to
 * zero. After SUB_FALLBACK_AFTER consecutive failed substeps at one time the voxel takes
 * backward-Euler substeps solved by damped Newton (a fresh Jacobian per iteration, backtracking
 * line search on the residual, projection onto u >= 0; first order, L-stable, error
 * |v - u - h R(t, u)| / 2) until one is accepted, then returns to the extrapolated scheme. This
 * integrates a fully destroyed voxel (damage 1, alarmin burst, neutrophil influx ~6000 per day).
 * With options.fixed_step the interval is one substep, and there is no fallback (convergence
 * studies see the scheme itself).
 *
 * Reuse: a rejected substep is retried from the same (t, u), so R(t, u), the Jacobian and its
 * block structure are kept and only the two factorisations are redone; R(t0, u) of the rest
 * test is the first substep's R(t, u). After an accepted substep the voxel's next substep keeps
 * the Jacobian (and its factorisations if the substep length is the same): linearly implicit
 * Euler with any fixed matrix A in place of J still has an error expansion in powers of h
 * (it is a W-method), so the extrapolation stays second order and the error estimate still
 * measures the step actually taken; only stability relies on A being close to J. A substep that
 * fails with such an older Jacobian is retried at the same length with a fresh one (not counted
 * as a failure), so reuse never makes a voxel take smaller substeps than before.
 *
 * Linear algebra: I - cJ is solved block-triangularly (blocklu.c): one pattern per Jacobian,
 * shared by the factorisations of I - hJ and I - (h/2)J, which are made in one pass, as are
 * the solves of the coarse step and the first fine half (same right-hand side R(t, u)); a
 * component whose residual and dependencies are exactly zero gets an exactly zero correction
 * (tests/solver/test_reaction.c).
 *
 * One voxel at a time, not voxels in SIMD lanes: measured on B2 (bench/bench_b2.c, the default
 * scenario at day 3), the kinetics (rates and Jacobian) are about a fifth of the reaction's time
 * and the block LU with its pattern scan about half. Lanes of voxels would need the same block
 * pattern (most neighbouring voxels do share it) and, in the LU of every block of two or
 * more species, the same pivots, which depend on the values; and the same substeps, error
 * control and fallback, which differ from voxel to voxel (a fresh channel takes tens of
 * substeps, intact tissue one). The per-voxel kernel was made faster instead (callgrind: 19.8 k
 * instructions per B2 voxel-step before, 13.8 k after).
 *
 * Voxels where R(u) == 0 exactly at both stage times of the first substep (t0 and t0 + h/2)
 * are left untouched, which is what every stage gives bitwise there (cost follows the perturbed
 * region). Work arrays are per thread and allocated once (dermis_reaction_ws_alloc). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "solver/solver_internal.h"

enum { SUBSTEP_OK = 0, SUBSTEP_RETRY = 1 };

struct dermis_reaction_ws {
    double *state;             /* the voxel being integrated */
    double *v, *vf, *ub, *vc;  /* substep result (coarse, then extrapolated), fine, half, R(half) */
    double *r, *g, *tmp;       /* rhs values; linear-solve and finite-difference scratch */
    double *jac;               /* dR/du, n*n */
    dermis_btf pattern;        /* block structure of jac */
    dermis_blu a, b;           /* Richardson: I - hJ and I - (h/2)J */
    dermis_blu d;              /* damped Newton: I - hJ(v) of the current iterate */
    double *k1, *k2, *y1, *f0; /* damped Newton scratch; R(t, u) of the substep */
    int have_f0;               /* f0 holds R at the current (t, u) */
    int have_jac;              /* jac (and pattern) hold a Jacobian of this voxel's integration */
    int jac_old;               /* ... taken at an earlier substep, not at the current (t, u) */
    double lu_h;               /* a and b factorise I - lu_h J and I - (lu_h/2) J; 0 = neither */
};

int dermis_reaction_ws_alloc(dermis_solver *s, dermis_thread_ws *w)
{
    size_t n = s->problem.n_fields;
    struct dermis_reaction_ws *x = w->rx = calloc(1, sizeof *w->rx);
    if (!x) return DERMIS_SOLVER_ENOMEM;
    double **vec[] = {&x->state, &x->v, &x->vf, &x->ub, &x->vc, &x->r, &x->g, &x->tmp, &x->k1, &x->k2, &x->y1, &x->f0};
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++)
        if (!(*vec[i] = malloc(n * sizeof(double)))) return DERMIS_SOLVER_ENOMEM;
    x->jac = malloc(n * n * sizeof(double));
    if (!x->jac || dermis_btf_alloc(&x->pattern, n) != 0 || dermis_blu_alloc(&x->a, n) != 0 ||
        dermis_blu_alloc(&x->b, n) != 0 || dermis_blu_alloc(&x->d, n) != 0)
        return DERMIS_SOLVER_ENOMEM;
    return DERMIS_SOLVER_OK;
}

void dermis_reaction_ws_free(dermis_thread_ws *w)
{
    struct dermis_reaction_ws *x = w->rx;
    if (!x) return;
    double *vec[] = {x->state, x->v, x->vf, x->ub, x->vc, x->r, x->g, x->tmp, x->k1, x->k2, x->y1, x->f0, x->jac};
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) free(vec[i]);
    dermis_btf_free(&x->pattern);
    dermis_blu_free(&x->a);
    dermis_blu_free(&x->b);
    dermis_blu_free(&x->d);
    free(x);
    w->rx = NULL;
}

/* ---- one voxel ---------------------------------------------------------------------------- */

typedef struct {
    const dermis_solver *s;
    dermis_thread_ws *ws;
    size_t voxel;
    size_t n;
} voxel_ctx;

static int eval_rhs(const voxel_ctx *c, double t, const double *u, double *dudt)
{
    c->ws->rhs_evals++;
    return c->s->problem.rhs(t, c->voxel, u, dudt, c->s->problem.user);
}

/* J = dR/du at (t, u); forward differences when no Jacobian callback was given. */
static int jacobian(const voxel_ctx *c, double t, const double *u)
{
    const dermis_problem *pb = &c->s->problem;
    size_t n = c->n;
    double *J = c->ws->rx->jac, *r0 = c->ws->rx->r, *r1 = c->ws->rx->g, *up = c->ws->rx->tmp;
    c->ws->jac_evals++;
    c->ws->rx->lu_h = 0.0; /* the factorisations belong to the previous J and pattern */
    c->ws->rx->jac_old = 0;
    if (pb->jac) {
        int rc = pb->jac(t, c->voxel, u, J, pb->user);
        if (rc == 0) dermis_btf_analyse(&c->ws->rx->pattern, J);
        return rc;
    }
    int rc = eval_rhs(c, t, u, r0);
    if (rc != 0) return rc;
    memcpy(up, u, n * sizeof *up);
    for (size_t j = 0; j < n; j++) {
        /* sqrt(eps) times the field's scale; the field's atol sets the scale of a zero value */
        double scale = fmax(fabs(u[j]), 100.0 * c->s->atol[j]);
        double h = 1.4901161193847656e-08 * scale;
        up[j] = u[j] + h;
        h = up[j] - u[j]; /* the increment actually represented */
        rc = eval_rhs(c, t, up, r1);
        if (rc != 0) return rc;
        for (size_t i = 0; i < n; i++) J[i * n + j] = (r1[i] - r0[i]) / h;
        up[j] = u[j];
    }
    dermis_btf_analyse(&c->ws->rx->pattern, J);
    return 0;
}

/* fmax(a, b) without the library call (C's fmax is not inlined without -ffinite-math-only):
 * the same value for every pair, a NaN argument losing to a number. */
static inline double max_num(double a, double b)
{
    return a >= b || b != b ? a : b;
}

/* Error weight of component i: atol_i + rtol * max(|a|, |b|). */
static double weight(const voxel_ctx *c, size_t i, double a, double b)
{
    return c->s->atol[i] + c->s->opt.rtol * max_num(fabs(a), fabs(b));
}

/* -- backward-Euler fallback: damped Newton ------------------------------------------------- */

/* Weighted max norm of v - base - h R(v) with R(v) in r. */
static double be_residual(const voxel_ctx *c, double h, const double *base, const double *v, const double *r)
{
    double g = 0.0;
    for (size_t i = 0; i < c->n; i++) g = fmax(g, fabs(v[i] - base[i] - h * r[i]) / weight(c, i, base[i], v[i]));
    return g;
}

#define DAMPED_MAX_ITER 30
#define DAMPED_MAX_BACKTRACK 12
/* Newton converged when the last correction and the residual are this far below the error
 * tolerance (weighted max norm, as be_residual). */
#define NEWTON_TOL 1e-3

/* Solves v - base - h R(t_end, v) = 0 from v = base by Newton with a fresh Jacobian per
 * iteration, a backtracking line search on the residual and projection onto v >= 0: the robust
 * path for strongly nonlinear, stiff voxels (e.g. a destroyed voxel flooded with neutrophils),
 * where a linearly implicit step overshoots into negative values. Uses rx->d, k1, k2, y1, vc and
 * overwrites rx->jac and its pattern. */
static int damped_newton(const voxel_ctx *c, double t_end, double h, const double *base, double *v)
{
    dermis_thread_ws *w = c->ws;
    struct dermis_reaction_ws *x = w->rx;
    size_t n = c->n;
    /* R(v) lives in vc: finite-difference Jacobians overwrite rx->r. */
    double *r = w->rx->vc, *d = x->k1, *trial = x->y1, *rt = x->k2;
    memcpy(v, base, n * sizeof *v);
    int rc = eval_rhs(c, t_end, v, r);
    if (rc != 0) return rc;
    double g = be_residual(c, h, base, v, r);
    for (int it = 0; it < DAMPED_MAX_ITER; it++) {
        x->have_jac = 0; /* jac and pattern now belong to the iterate */
        rc = jacobian(c, t_end, v);
        if (rc != 0) return rc;
        if (dermis_blu_factor(&x->d, &x->pattern, x->jac, h) != 0) return SUBSTEP_RETRY;
        for (size_t i = 0; i < n; i++) d[i] = -(v[i] - base[i] - h * r[i]);
        dermis_blu_solve(&x->d, &x->pattern, d);
        /* Backtrack until the projected iterate is admissible and reduces the residual. */
        double lambda = 1.0, gt = INFINITY;
        int k = 0;
        for (; k < DAMPED_MAX_BACKTRACK; k++, lambda *= 0.5) {
            for (size_t i = 0; i < n; i++) trial[i] = fmax(v[i] + lambda * d[i], 0.0);
            rc = eval_rhs(c, t_end, trial, rt);
            if (rc < 0) return rc;
            if (rc > 0) continue;
            gt = be_residual(c, h, base, trial, rt);
            if (gt < g || gt <= NEWTON_TOL) break;
        }
        if (k == DAMPED_MAX_BACKTRACK || !(gt == gt)) return SUBSTEP_RETRY;
        double step = 0.0;
        for (size_t i = 0; i < n; i++) step = fmax(step, fabs(trial[i] - v[i]) / weight(c, i, base[i], trial[i]));
        memcpy(v, trial, n * sizeof *v);
        memcpy(r, rt, n * sizeof *r);
        g = gt;
        if (step <= NEWTON_TOL && g <= NEWTON_TOL) return SUBSTEP_OK;
    }
    return SUBSTEP_RETRY;
}

/* Projects the candidate in y onto y >= 0 where the dip is within the field's absolute
 * tolerance; returns SUBSTEP_RETRY if a component is further below zero (or NaN). */
static int project_nonnegative(const voxel_ctx *c, double *y)
{
    for (size_t i = 0; i < c->n; i++) {
        if (y[i] >= 0.0) continue;
        if (!(y[i] >= -c->s->atol[i])) return SUBSTEP_RETRY;
        y[i] = 0.0;
    }
    return SUBSTEP_OK;
}

/* One linearly implicit Euler step v = base + (I - hJ)^-1 h R(t, base), with M = I - hJ and
 * R(t, base) given in r0 (not modified). Returns 0 or the rhs status of nothing (no rhs here). */
static void linear_euler(const voxel_ctx *c, double h, const double *base, const double *r0, double *v,
                         const dermis_blu *M)
{
    double *d = c->ws->rx->g;
    for (size_t i = 0; i < c->n; i++) d[i] = h * r0[i];
    dermis_blu_solve(M, &c->ws->rx->pattern, d);
    for (size_t i = 0; i < c->n; i++) v[i] = base[i] + d[i];
}

/* One Richardson-extrapolated substep 2 LI(h/2)^2 - LI(h) from (t, u), where LI is linearly
 * implicit Euler with the Jacobian J at (t, u) (the basic step of LIMEX; its error has an
 * asymptotic expansion in h, so the extrapolation is second order, and it is L-stable for the
 * linearised problem). Cost: one Jacobian, two factorisations, two rhs and three solves, about a
 * third of Newton-converged backward Euler. Result in rx->v, weighted |fine - coarse| in *err.
 * A dip below zero beyond the field's atol rejects the substep; after repeated failures the
 * voxel falls back to damped-Newton backward Euler (integrate_voxel). */
static int richardson_step(const voxel_ctx *c, double t, double h, const double *u, double *err)
{
    struct dermis_reaction_ws *x = c->ws->rx;
    dermis_blu *mc = &x->a, *mf = &x->b;
    size_t n = c->n;
    double *coarse = x->v, *fine = x->vf, *r0 = x->f0, *half = x->ub;
    int rc = 0;
    if (!x->have_jac) {
        rc = jacobian(c, t, u);
        if (rc != 0) return rc;
        x->have_jac = 1;
    }
    if (x->lu_h != h) {
        x->lu_h = 0.0;
        if (dermis_blu_factor_pair(mc, mf, &x->pattern, x->jac, h, 0.5 * h) != 0) return SUBSTEP_RETRY;
        x->lu_h = h;
    }
    if (!x->have_f0) {
        rc = eval_rhs(c, t, u, r0);
        if (rc != 0) return rc;
        x->have_f0 = 1;
    }
    /* The coarse step and the first fine half start from (t, u) with R(t, u): one pass. */
    for (size_t i = 0; i < n; i++) {
        coarse[i] = h * r0[i];
        half[i] = (0.5 * h) * r0[i];
    }
    dermis_blu_solve_pair(mc, mf, &x->pattern, coarse, half);
    for (size_t i = 0; i < n; i++) {
        coarse[i] = u[i] + coarse[i];
        half[i] = u[i] + half[i];
    }
    if (project_nonnegative(c, half) != 0) return SUBSTEP_RETRY;
    rc = eval_rhs(c, t + 0.5 * h, half, x->vc);
    if (rc != 0) return rc;
    linear_euler(c, 0.5 * h, half, x->vc, fine, mf);
    if (c->s->opt.fixed_step) {
        for (size_t i = 0; i < n; i++)
            if (fine[i] < 0.0) return SUBSTEP_RETRY;
    } else if (project_nonnegative(c, fine) != 0) {
        return SUBSTEP_RETRY;
    }
    double e = 0.0;
    for (size_t i = 0; i < n; i++) {
        e = max_num(e, fabs(fine[i] - coarse[i]) / weight(c, i, u[i], fine[i]));
        double xv = 2.0 * fine[i] - coarse[i];
        coarse[i] = xv < 0.0 ? fine[i] : xv;
    }
    if (!(e == e)) return SUBSTEP_RETRY;
    *err = e;
    return SUBSTEP_OK;
}

/* One backward-Euler substep by damped Newton (the first-order, L-stable fallback where the
 * extrapolated substeps keep failing): result in rx->v, error estimate |v - u - h R(t, u)| / 2
 * (the local error of backward Euler to leading order) in *err. */
static int be_fallback_step(const voxel_ctx *c, double t, double h, const double *u, double *err)
{
    dermis_thread_ws *w = c->ws;
    size_t n = c->n;
    double *f0 = w->rx->f0;
    int rc = 0;
    if (!w->rx->have_f0) {
        rc = eval_rhs(c, t, u, f0);
        if (rc != 0) return rc;
        w->rx->have_f0 = 1;
    }
    rc = damped_newton(c, t + h, h, u, w->rx->v);
    if (rc != 0) return rc;
    double e = 0.0;
    for (size_t i = 0; i < n; i++) e = fmax(e, 0.5 * fabs(w->rx->v[i] - u[i] - h * f0[i]) / weight(c, i, u[i], w->rx->v[i]));
    if (!(e == e)) return SUBSTEP_RETRY;
    *err = e;
    return SUBSTEP_OK;
}

/* True if R(u) vanishes exactly at t0 and t0 + h/2, the stage times of a first substep of
 * length h: then every stage returns u unchanged. Leaves R(t0, u) in f0 for that substep. */
static int at_rest(const voxel_ctx *c, double t0, double h, const double *u, int *rc)
{
    struct dermis_reaction_ws *x = c->ws->rx;
    x->have_jac = x->jac_old = 0;
    x->have_f0 = 0;
    *rc = eval_rhs(c, t0, u, x->f0);
    if (*rc != 0) return 0;
    x->have_f0 = 1;
    for (size_t i = 0; i < c->n; i++)
        if (x->f0[i] != 0.0) return 0;
    *rc = eval_rhs(c, t0 + 0.5 * h, u, x->r);
    if (*rc != 0) return 0;
    for (size_t i = 0; i < c->n; i++)
        if (x->r[i] != 0.0) return 0;
    return 1;
}

/* Substep controller (second-order error estimate -> exponent 1/2). */
#define SUB_SAFETY 0.9
#define SUB_GROW_MAX 4.0
#define SUB_SHRINK_MIN 0.2
/* Consecutive failed solves (rhs refused, Newton failed, too negative) at one time before the
 * voxel switches to backward-Euler substeps. */
#define SUB_FALLBACK_AFTER 3
/* Rejected substeps per voxel and half step before the global step is rejected instead. */
#define SUB_MAX_FAILURES 200

static int integrate_voxel(const voxel_ctx *c, double *u, double t0, double h)
{
    struct dermis_reaction_ws *x = c->ws->rx;
    int rc = 0;
    if (at_rest(c, t0, h, u, &rc)) return 0;
    if (rc < 0) return rc;
    double err = 0.0;
    if (c->s->opt.fixed_step) {
        rc = richardson_step(c, t0, h, u, &err);
        if (rc < 0) return rc;
        if (rc != 0) return SUBSTEP_RETRY;
        memcpy(u, x->v, c->n * sizeof *u);
        return 0;
    }
    double t = t0, t_end = t0 + h, hs = h;
    double hs_min = 1e-12 * h; /* below this a substep cannot move t meaningfully */
    int failures = 0, streak = 0, fallback = 0;
    while (t < t_end) {
        int last = t + hs >= t_end;
        if (last) hs = t_end - t;
        rc = fallback ? be_fallback_step(c, t, hs, u, &err) : richardson_step(c, t, hs, u, &err);
        if (rc < 0) return rc;
        if (rc == 0 && err <= 1.0) {
            memcpy(u, x->v, c->n * sizeof *u);
            x->have_f0 = 0;              /* a new (t, u) */
            x->jac_old = x->have_jac;    /* the next substep reuses this Jacobian */
            t = last ? t_end : t + hs;
            hs *= err > 0.0 ? fmin(SUB_GROW_MAX, SUB_SAFETY / sqrt(err)) : SUB_GROW_MAX;
            streak = 0;
            fallback = 0; /* back to the second-order scheme */
            continue;
        }
        if (x->jac_old && !fallback) { /* retry at the same length with a fresh Jacobian */
            x->have_jac = 0;
            continue;
        }
        if (++failures > SUB_MAX_FAILURES || hs < hs_min) return SUBSTEP_RETRY;
        if (rc != 0) {
            if (++streak >= SUB_FALLBACK_AFTER) fallback = 1;
            hs *= 0.25;
        } else {
            hs *= fmax(SUB_SHRINK_MIN, SUB_SAFETY / sqrt(err));
        }
    }
    return 0;
}

/* ---- all voxels --------------------------------------------------------------------------- */

/* Voxels per work item of the reaction loop: large enough that taking an item (one atomic) is
 * negligible, small enough to balance the wound against intact tissue. */
#define REACTION_CHUNK 16

static int worse(int a, int b)
{
    if (a < 0 || b < 0) return a < b ? a : b;
    return a > b ? a : b;
}

int dermis_reaction_advance(dermis_solver *s, double *u, double t0, double h)
{
    if (!s->problem.rhs) return DERMIS_SOLVER_OK;
    size_t n = s->problem.n_fields, nv = s->n_vox;
    for (int i = 0; i < s->nthreads; i++) s->ws[i].status = 0;
#pragma omp parallel num_threads(s->nthreads)
    {
        unsigned saved = dermis_fpenv_flush_denormals();
        dermis_thread_ws *ws = &s->ws[omp_get_thread_num()];
        voxel_ctx c = {s, ws, 0, n};
        /* Dynamic: the cost per voxel ranges from two rhs calls (at rest) to hundreds (a fresh
         * wound), and a thread that shares its core with another job must not hold the other
         * back. Each voxel's result is independent of the thread that computes it. */
#pragma omp for schedule(dynamic, REACTION_CHUNK)
        for (size_t p = 0; p < nv; p++) {
            if (ws->status < 0) continue; /* a fatal error: the step is lost anyway */
            ws->voxel_steps++;
            c.voxel = p;
            for (size_t i = 0; i < n; i++) ws->rx->state[i] = u[i * nv + p];
            int rc = integrate_voxel(&c, ws->rx->state, t0, h);
            if (rc != 0) {
                ws->status = worse(ws->status, rc);
                continue;
            }
            for (size_t i = 0; i < n; i++) u[i * nv + p] = ws->rx->state[i];
        }
        dermis_fpenv_restore(saved);
    }
    int status = 0;
    for (int i = 0; i < s->nthreads; i++) status = worse(status, s->ws[i].status);
    if (status < 0) return DERMIS_SOLVER_ERHS;
    return status > 0 ? DERMIS_SOLVER_RETRY : DERMIS_SOLVER_OK;
}
