/* Stiff local reactions, voxel by voxel: du/dt = R(u, voxel, t).
 *
 * Scheme: backward Euler with modified Newton (Jacobian analytic, or forward differences when
 * the problem has none; dense LU with partial pivoting, n_fields ~ 20), Richardson-extrapolated
 * over each substep h:  v = 2 BE(h/2)^2 - BE(h)  (second order, the extrapolation of an
 * L-stable method), with the difference of the fine and coarse solutions as the local error
 * estimate. Positivity: a substep whose fine solution has a negative component is retried
 * smaller; where the extrapolation alone dips below zero the fine (backward Euler) value is kept.
 * Each voxel chooses its own substeps (rates range from minutes to decades), so a stiff voxel
 * does not shrink the global step; voxels where R(u) == 0 exactly at both stage times are left
 * untouched, which is what backward Euler would give bitwise (cost follows the perturbed region).
 * With options.fixed_step the interval is one substep and Newton is driven to round-off.
 * Work arrays are per thread and allocated once (dermis_reaction_ws_alloc). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "solver/solver_internal.h"

enum { SUBSTEP_OK = 0, SUBSTEP_RETRY = 1 };

int dermis_reaction_ws_alloc(dermis_solver *s, dermis_thread_ws *w)
{
    size_t n = s->problem.n_fields;
    double **vec[] = {&w->state, &w->ub, &w->v, &w->vc, &w->vf, &w->r, &w->g, &w->wt, &w->tmp};
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++)
        if (!(*vec[i] = malloc(n * sizeof(double)))) return DERMIS_SOLVER_ENOMEM;
    w->jac = malloc(n * n * sizeof(double));
    w->mc = malloc(n * n * sizeof(double));
    w->mf = malloc(n * n * sizeof(double));
    w->pc = malloc(n * sizeof(size_t));
    w->pf = malloc(n * sizeof(size_t));
    if (!w->jac || !w->mc || !w->mf || !w->pc || !w->pf) return DERMIS_SOLVER_ENOMEM;
    return DERMIS_SOLVER_OK;
}

void dermis_reaction_ws_free(dermis_thread_ws *w)
{
    double *vec[] = {w->state, w->ub, w->v, w->vc, w->vf, w->r, w->g, w->wt, w->tmp, w->jac, w->mc, w->mf};
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) free(vec[i]);
    free(w->pc);
    free(w->pf);
}

/* ---- dense LU ----------------------------------------------------------------------------- */

static int lu_factor(size_t n, double *a, size_t *piv)
{
    for (size_t k = 0; k < n; k++) {
        size_t p = k;
        for (size_t i = k + 1; i < n; i++)
            if (fabs(a[i * n + k]) > fabs(a[p * n + k])) p = i;
        piv[k] = p;
        if (a[p * n + k] == 0.0) return -1;
        if (p != k)
            for (size_t j = 0; j < n; j++) {
                double t = a[k * n + j];
                a[k * n + j] = a[p * n + j];
                a[p * n + j] = t;
            }
        double inv = 1.0 / a[k * n + k];
        for (size_t i = k + 1; i < n; i++) {
            double l = a[i * n + k] * inv;
            a[i * n + k] = l;
            for (size_t j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
        }
    }
    return 0;
}

static void lu_solve(size_t n, const double *a, const size_t *piv, double *b)
{
    for (size_t k = 0; k < n; k++) {
        double t = b[piv[k]];
        b[piv[k]] = b[k];
        b[k] = t;
        for (size_t i = k + 1; i < n; i++) b[i] -= a[i * n + k] * b[k];
    }
    for (size_t k = n; k-- > 0;) {
        for (size_t j = k + 1; j < n; j++) b[k] -= a[k * n + j] * b[j];
        b[k] /= a[k * n + k];
    }
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
    double *J = c->ws->jac, *r0 = c->ws->r, *r1 = c->ws->g, *up = c->ws->tmp;
    if (pb->jac) return pb->jac(t, c->voxel, u, J, pb->user);
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
    return 0;
}

static void iteration_matrix(size_t n, const double *J, double h, double *M)
{
    for (size_t i = 0; i < n * n; i++) M[i] = -h * J[i];
    for (size_t i = 0; i < n; i++) M[i * n + i] += 1.0;
}

/* Solves v - base - h R(v, t_end) = 0 by modified Newton from the guess in v. */
static int backward_euler(const voxel_ctx *c, double t_end, double h, const double *base, double *v,
                          const double *M, const size_t *piv)
{
    size_t n = c->n;
    double *r = c->ws->r, *wt = c->ws->wt;
    int fixed = c->s->opt.fixed_step;
    int max_iter = fixed ? 50 : 10;
    double prev = INFINITY;
    for (size_t i = 0; i < n; i++)
        wt[i] = fixed ? 1e-13 * fabs(base[i]) + 1e-8 * c->s->atol[i]
                      : 1e-3 * (c->s->atol[i] + c->s->opt.rtol * fabs(base[i]));
    for (int it = 0; it < max_iter; it++) {
        int rc = eval_rhs(c, t_end, v, r);
        if (rc != 0) return rc;
        for (size_t i = 0; i < n; i++) r[i] = -(v[i] - base[i] - h * r[i]);
        lu_solve(n, M, piv, r);
        double norm = 0.0;
        for (size_t i = 0; i < n; i++) {
            v[i] += r[i];
            norm = fmax(norm, fabs(r[i]) / wt[i]);
        }
        if (!(norm == norm)) return SUBSTEP_RETRY; /* NaN: diverged */
        if (norm <= 1.0) return SUBSTEP_OK;
        if (it >= 2 && norm > 2.0 * prev) return SUBSTEP_RETRY;
        prev = norm;
    }
    return SUBSTEP_RETRY;
}

/* One extrapolated substep from u over h; result in ws->v, error estimate in *err. */
static int substep(const voxel_ctx *c, double t, double h, const double *u, double *err)
{
    dermis_thread_ws *w = c->ws;
    size_t n = c->n;
    int rc = jacobian(c, t + h, u);
    if (rc != 0) return rc;
    iteration_matrix(n, w->jac, h, w->mc);
    iteration_matrix(n, w->jac, 0.5 * h, w->mf);
    if (lu_factor(n, w->mc, w->pc) != 0 || lu_factor(n, w->mf, w->pf) != 0) return SUBSTEP_RETRY;
    memcpy(w->vc, u, n * sizeof *u);
    rc = backward_euler(c, t + h, h, u, w->vc, w->mc, w->pc);
    if (rc != 0) return rc;
    memcpy(w->vf, u, n * sizeof *u);
    rc = backward_euler(c, t + 0.5 * h, 0.5 * h, u, w->vf, w->mf, w->pf);
    if (rc != 0) return rc;
    memcpy(w->ub, w->vf, n * sizeof *u);
    rc = backward_euler(c, t + h, 0.5 * h, w->ub, w->vf, w->mf, w->pf);
    if (rc != 0) return rc;
    double e = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (w->vf[i] < 0.0) return SUBSTEP_RETRY;
        double scale = c->s->atol[i] + c->s->opt.rtol * fmax(fabs(u[i]), fabs(w->vf[i]));
        e = fmax(e, fabs(w->vf[i] - w->vc[i]) / scale);
        double x = 2.0 * w->vf[i] - w->vc[i];
        w->v[i] = x < 0.0 ? w->vf[i] : x;
    }
    *err = e;
    return SUBSTEP_OK;
}

/* True if R(u) vanishes exactly at both stage times: then every stage returns u unchanged. */
static int at_rest(const voxel_ctx *c, double t0, double h, const double *u, int *rc)
{
    double *r = c->ws->r;
    double times[2] = {t0 + 0.5 * h, t0 + h};
    for (int k = 0; k < 2; k++) {
        *rc = eval_rhs(c, times[k], u, r);
        if (*rc != 0) return 0;
        for (size_t i = 0; i < c->n; i++)
            if (r[i] != 0.0) return 0;
    }
    return 1;
}

/* Safety factors of the substep controller (second-order error estimate -> exponent 1/2). */
#define SUB_SAFETY 0.9
#define SUB_GROW_MAX 4.0
#define SUB_SHRINK_MIN 0.2
#define SUB_MAX_FAILURES 60

static int integrate_voxel(const voxel_ctx *c, double *u, double t0, double h)
{
    int rc = 0;
    if (at_rest(c, t0, h, u, &rc)) return 0;
    if (rc < 0) return rc;
    double t = t0, t_end = t0 + h, hs = h, err = 0.0;
    int failures = 0;
    while (t < t_end) {
        int last = t + hs >= t_end;
        if (last) hs = t_end - t;
        rc = substep(c, t, hs, u, &err);
        if (rc < 0) return rc;
        if (c->s->opt.fixed_step) {
            if (rc != 0) return SUBSTEP_RETRY;
            memcpy(u, c->ws->v, c->n * sizeof *u);
            return 0;
        }
        if (rc == 0 && err <= 1.0) {
            memcpy(u, c->ws->v, c->n * sizeof *u);
            t = last ? t_end : t + hs;
            hs *= err > 0.0 ? fmin(SUB_GROW_MAX, SUB_SAFETY / sqrt(err)) : SUB_GROW_MAX;
            continue;
        }
        if (++failures > SUB_MAX_FAILURES) return SUBSTEP_RETRY;
        hs *= rc != 0 ? 0.25 : fmax(SUB_SHRINK_MIN, SUB_SAFETY / sqrt(err));
    }
    return 0;
}

/* ---- all voxels --------------------------------------------------------------------------- */

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
#pragma omp for schedule(static)
        for (size_t p = 0; p < nv; p++) {
            if (ws->status < 0) continue; /* a fatal error: the step is lost anyway */
            c.voxel = p;
            for (size_t i = 0; i < n; i++) ws->state[i] = u[i * nv + p];
            int rc = integrate_voxel(&c, ws->state, t0, h);
            if (rc != 0) {
                ws->status = worse(ws->status, rc);
                continue;
            }
            for (size_t i = 0; i < n; i++) u[i * nv + p] = ws->state[i];
        }
        dermis_fpenv_restore(saved);
    }
    int status = 0;
    for (int i = 0; i < s->nthreads; i++) status = worse(status, s->ws[i].status);
    if (status < 0) return DERMIS_SOLVER_ERHS;
    return status > 0 ? DERMIS_SOLVER_RETRY : DERMIS_SOLVER_OK;
}
