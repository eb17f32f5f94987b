/* Batched tridiagonal solvers for the implicit diffusion sweeps.
 *
 * Thomas algorithm (LU without pivoting; the diffusion/drift matrices are column-diagonally
 * dominant M-matrices, so no pivoting is needed and every pivot is >= 1). Many independent lines
 * are solved together with the line index innermost, so the compiler vectorises across lines
 * (y and z sweeps, lines contiguous) or at least overlaps their recurrences (x sweep).
 * Constant-coefficient lines use a factorisation computed once per dt with stored reciprocals:
 *   forward  d'_k = inv_k d_k + mlo_k d'_{k-1},   backward x_k = d'_k + mup_k x_{k+1}.
 * Periodic lines use the Sherman-Morrison form of Numerical Recipes' cyclic solver. */
#include "solver/solver_internal.h"

int dermis_thomas_factor(size_t n, const double *lo, const double *di, const double *up,
                         double *inv, double *mlo, double *mup)
{
    double cprev = 0.0; /* eliminated super-diagonal of the previous row */
    for (size_t k = 0; k < n; k++) {
        double l = k > 0 ? lo[k] : 0.0;
        double pivot = di[k] - l * cprev;
        if (pivot == 0.0) return -1;
        inv[k] = 1.0 / pivot;
        mlo[k] = -l * inv[k];
        cprev = k + 1 < n ? up[k] * inv[k] : 0.0;
        mup[k] = -cprev;
    }
    return 0;
}

/* The generic kernel; dk/dj are compile-time constants at each call so the inner loop is a
 * unit-stride vector loop for rows and an interleaved scalar loop for columns. */
static inline void solve_const(double *restrict d, size_t dk, size_t dj, size_t n, size_t m,
                               const double *restrict inv, const double *restrict mlo,
                               const double *restrict mup)
{
    for (size_t j = 0; j < m; j++) d[j * dj] *= inv[0];
    for (size_t k = 1; k < n; k++) {
        double a = inv[k], b = mlo[k];
        double *restrict cur = d + k * dk;
        const double *restrict prev = d + (k - 1) * dk;
        for (size_t j = 0; j < m; j++) cur[j * dj] = a * cur[j * dj] + b * prev[j * dj];
    }
    for (size_t k = n - 1; k-- > 0;) {
        double c = mup[k];
        double *restrict cur = d + k * dk;
        const double *restrict next = d + (k + 1) * dk;
        for (size_t j = 0; j < m; j++) cur[j * dj] = cur[j * dj] + c * next[j * dj];
    }
}

DERMIS_CLONES void dermis_thomas_const_rows(double *d, size_t ld, size_t n, size_t m, const double *inv,
                              const double *mlo, const double *mup)
{
    solve_const(d, ld, 1, n, m, inv, mlo, mup);
}

DERMIS_CLONES void dermis_thomas_const_cols(double *d, size_t ld, size_t n, size_t m, const double *inv,
                              const double *mlo, const double *mup)
{
    /* Blocks of lines so the recurrences of DERMIS_X_BLOCK lines run side by side. */
    for (size_t j0 = 0; j0 < m; j0 += DERMIS_X_BLOCK) {
        size_t mb = m - j0 < DERMIS_X_BLOCK ? m - j0 : DERMIS_X_BLOCK;
        if (mb == DERMIS_X_BLOCK)
            solve_const(d + j0 * ld, 1, ld, n, DERMIS_X_BLOCK, inv, mlo, mup);
        else
            solve_const(d + j0 * ld, 1, ld, n, mb, inv, mlo, mup);
    }
}

DERMIS_CLONES void dermis_thomas_factor_lines(size_t n, size_t m, const double *lo, double *di, double *up)
{
    for (size_t j = 0; j < m; j++) {
        di[j] = 1.0 / di[j];
        up[j] = n > 1 ? up[j] * di[j] : 0.0;
    }
    for (size_t k = 1; k < n; k++) {
        const double *restrict l = lo + k * m;
        double *restrict dd = di + k * m;
        double *restrict uu = up + k * m;
        const double *restrict cprev = up + (k - 1) * m;
        int last = k + 1 == n;
        for (size_t j = 0; j < m; j++) {
            double inv = 1.0 / (dd[j] - l[j] * cprev[j]);
            dd[j] = inv;
            uu[j] = last ? 0.0 : uu[j] * inv;
        }
    }
}

static inline void solve_lines(double *restrict d, size_t dk, size_t dj, size_t n, size_t m,
                               const double *restrict lo, const double *restrict inv,
                               const double *restrict cp)
{
    for (size_t j = 0; j < m; j++) d[j * dj] *= inv[j];
    for (size_t k = 1; k < n; k++) {
        double *restrict cur = d + k * dk;
        const double *restrict prev = d + (k - 1) * dk;
        const double *restrict l = lo + k * m;
        const double *restrict iv = inv + k * m;
        for (size_t j = 0; j < m; j++) cur[j * dj] = (cur[j * dj] - l[j] * prev[j * dj]) * iv[j];
    }
    for (size_t k = n - 1; k-- > 0;) {
        double *restrict cur = d + k * dk;
        const double *restrict next = d + (k + 1) * dk;
        const double *restrict c = cp + k * m;
        for (size_t j = 0; j < m; j++) cur[j * dj] -= c[j] * next[j * dj];
    }
}

DERMIS_CLONES void dermis_thomas_solve_lines(double *d, size_t dk, size_t dj, size_t n, size_t m,
                               const double *lo, const double *inv, const double *cp)
{
    if (dj == 1)
        solve_lines(d, dk, 1, n, m, lo, inv, cp);
    else if (dk == 1)
        solve_lines(d, 1, dj, n, m, lo, inv, cp);
    else
        solve_lines(d, dk, dj, n, m, lo, inv, cp);
}

DERMIS_CLONES void dermis_thomas_cyclic_correct(double *d, size_t dk, size_t dj, size_t n, size_t m,
                                  const double *z, size_t zk, size_t zj,
                                  const double *bg, const double *id, int per_line)
{
    for (size_t j = 0; j < m; j++) {
        size_t jj = per_line ? j : 0;
        double *line = d + j * dj;
        const double *zl = z + j * zj;
        double f = (line[0] + bg[jj] * line[(n - 1) * dk]) * id[jj];
        for (size_t k = 0; k < n; k++) line[k * dk] -= f * zl[k * zk];
    }
}

/* ---- conservative flux form ---------------------------------------------------------------
 *
 * A constant-coefficient line with zero-flux ends, (1+delta) x_k - r (x_{k-1} - 2 x_k + x_{k+1})
 * = d_k, is solved for the n-1 face fluxes f_k = r (x_k - x_{k+1}) instead of for x:
 *     (1 + delta + 2r) f_k - r f_{k-1} - r f_{k+1} = r (d_k - d_{k+1}),   f_{-1} = f_{n-1} = 0,
 * and x is then recovered as x_k = (d_k - f_k + f_{k-1}) / (1 + delta). The sum of x telescopes
 * to sum(d) / (1 + delta) whatever the rounding of the factorisation, so the only mass error left
 * is the unbiased rounding of the last subtraction. Multiplying by stored reciprocals in the
 * classic form (above) instead biases every line and every sweep the same way (one rounded
 * 1/pivot shared by all lines, and the rounded diagonal 1 + 2r itself): 2.2e-12 relative after
 * 3000 sweeps in test_solver.c, against 0 (to the last bit of a compensated sum) with this form.
 * In this system the forward multiplier, the scaled reciprocal and the backward multiplier are all
 * a_k = r / p_k, so one array describes the factorisation. The price: 8 flops per element
 * against 5, and the backward pass reads d as well as the fluxes; on B1 this measured ~5 %
 * slower with -march=native and ~25 % slower in the SSE2 default build (bench/README.md). */

int dermis_thomas_flux_factor(size_t n, double r, double decay_dt, double *a)
{
    if (n == 0 || !(r >= 0.0) || !(decay_dt >= 0.0)) return -1;
    /* q_k = p_k - r = 1 + delta + a_{k-1} q_{k-1}: the pivots without the cancellation of
     * p_k = 1 + delta + 2r - r^2 / p_{k-1}, which would cost digits when r >> 1. */
    double q = 1.0 + decay_dt + r;
    for (size_t k = 0; k + 1 < n; k++) {
        double p = q + r;
        a[k] = r / p;
        q = 1.0 + decay_dt + a[k] * q;
    }
    a[n - 1] = 1.0 / (1.0 + decay_dt); /* exactly 1 without decay */
    return 0;
}

/* m lines contiguous (element k of line j at d[k*ld + j]); g is scratch of n*m doubles. */
static inline void flux_solve(double *restrict d, size_t ld, size_t n, size_t m,
                              double *restrict g, const double *restrict a)
{
    double s = a[n - 1];
    if (n == 1) {
        for (size_t j = 0; j < m; j++) d[j] *= s;
        return;
    }
    for (size_t j = 0; j < m; j++) g[j] = a[0] * (d[j] - d[ld + j]);
    for (size_t k = 1; k + 1 < n; k++) {
        double ak = a[k];
        const double *restrict d0 = d + k * ld, *restrict d1 = d0 + ld;
        const double *restrict gp = g + (k - 1) * m;
        double *restrict gk = g + k * m;
        for (size_t j = 0; j < m; j++) gk[j] = ak * ((d0[j] - d1[j]) + gp[j]);
    }
    /* Backward: the running flux lives in the free last row of g (fluxes use rows 0..n-2), so
     * each element costs one read of g and a read and write of d in L2, the rest in L1. */
    double *restrict fb = g + (n - 1) * m;
    {
        double *restrict dl = d + (n - 1) * ld;
        const double *restrict gl = g + (n - 2) * m;
        for (size_t j = 0; j < m; j++) {
            fb[j] = gl[j];
            dl[j] = (dl[j] + gl[j]) * s; /* last cell: no flux on its + face */
        }
    }
    for (size_t k = n - 2; k-- > 0;) {
        double ak = a[k];
        const double *restrict gk = g + k * m;
        double *restrict dn = d + (k + 1) * ld;
        for (size_t j = 0; j < m; j++) {
            double fn = fb[j], f = gk[j] + ak * fn;
            dn[j] = ((dn[j] - fn) + f) * s;
            fb[j] = f;
        }
    }
    for (size_t j = 0; j < m; j++) d[j] = (d[j] - fb[j]) * s;
}

/* One block of XB lines in the flux form, element k of line j at d[k*dk + j*dj], with the
 * block's running flux and current element held in XB-wide local arrays: the j loops have a
 * compile-time trip count, so these live in vector registers (x lines: filled by strided loads,
 * one lane per line; y/z lines: one contiguous vector). Per element this costs three loads and
 * two stores instead of the six and three of flux_solve, and the forward fluxes in g (n*XB
 * doubles) stay in L1. The arithmetic of each line is exactly that of flux_solve, so results do
 * not depend on the blocking. */
/* Lines per block: as many as the vector registers hold with the block's three running arrays.
 * With SSE2 only (16 registers of 2 doubles) 8 lanes spill to the stack and measured 14 % slower
 * on B1 than 4; with AVX 8 lanes fit. The result does not depend on the choice. */
#if defined(__AVX__)
enum { XB = DERMIS_X_BLOCK };
#else
enum { XB = 4 };
#endif

static inline void flux_block(double *restrict d, size_t dk, size_t dj, size_t n,
                              double *restrict g, const double *restrict a)
{
    double s = a[n - 1], cur[XB], nxt[XB], f[XB];
    if (n == 1) {
        for (size_t j = 0; j < XB; j++) d[j * dj] *= s;
        return;
    }
    for (size_t j = 0; j < XB; j++) cur[j] = d[j * dj];
    for (size_t j = 0; j < XB; j++) f[j] = 0.0;
    for (size_t k = 0; k + 1 < n; k++) {
        double ak = a[k];
        for (size_t j = 0; j < XB; j++) nxt[j] = d[(k + 1) * dk + j * dj];
        for (size_t j = 0; j < XB; j++) {
            f[j] = ak * ((cur[j] - nxt[j]) + f[j]);
            g[k * XB + j] = f[j];
            cur[j] = nxt[j];
        }
    }
    /* cur holds d_{n-1} and f the flux f_{n-2}; the last cell has no flux on its + face */
    for (size_t j = 0; j < XB; j++) d[(n - 1) * dk + j * dj] = (cur[j] + f[j]) * s;
    for (size_t k = n - 2; k-- > 0;) {
        double ak = a[k];
        for (size_t j = 0; j < XB; j++) {
            double fn = f[j];
            f[j] = g[k * XB + j] + ak * fn;
            cur[j] = ((d[(k + 1) * dk + j * dj] - fn) + f[j]) * s;
        }
        for (size_t j = 0; j < XB; j++) d[(k + 1) * dk + j * dj] = cur[j];
    }
    for (size_t j = 0; j < XB; j++) d[j * dj] = (d[j * dj] - f[j]) * s;
}

DERMIS_CLONES void dermis_thomas_flux_rows(double *d, size_t ld, size_t n, size_t m, double *g, const double *a)
{
    /* Unblocked: whole rows stream through the hardware prefetcher. Register-blocking y/z lines
     * like x lines (flux_block with dk = ld) measured 40 % slower on the z slab, whose rows come
     * from memory: 8-lane strips touch one cache line per row, which defeats the prefetcher. */
    flux_solve(d, ld, n, m, g, a);
}

DERMIS_CLONES void dermis_thomas_flux_cols(double *d, size_t ld, size_t n, size_t m, double *g, const double *a)
{
    /* x lines are contiguous in memory, so one line's recurrence cannot be vectorised; blocks of
     * XB lines run side by side instead, one vector lane per line. */
    size_t j0 = 0;
    for (; j0 + XB <= m; j0 += XB) flux_block(d + j0 * ld, 1, ld, n, g, a);
    for (; j0 < m; j0++) flux_solve(d + j0 * ld, 1, n, 1, g, a);
}
