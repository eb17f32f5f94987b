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

void dermis_thomas_const_rows(double *d, size_t ld, size_t n, size_t m, const double *inv,
                              const double *mlo, const double *mup)
{
    solve_const(d, ld, 1, n, m, inv, mlo, mup);
}

void dermis_thomas_const_cols(double *d, size_t ld, size_t n, size_t m, const double *inv,
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

void dermis_thomas_factor_lines(size_t n, size_t m, const double *lo, double *di, double *up)
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

void dermis_thomas_solve_lines(double *d, size_t dk, size_t dj, size_t n, size_t m,
                               const double *lo, const double *inv, const double *cp)
{
    if (dj == 1)
        solve_lines(d, dk, 1, n, m, lo, inv, cp);
    else if (dk == 1)
        solve_lines(d, 1, dj, n, m, lo, inv, cp);
    else
        solve_lines(d, dk, dj, n, m, lo, inv, cp);
}

void dermis_thomas_cyclic_correct(double *d, size_t dk, size_t dj, size_t n, size_t m,
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
