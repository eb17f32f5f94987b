/* Block-triangular LU of the reaction iteration matrices M = I - c J (reaction.c).
 *
 * A reaction network couples few species to each other: in the healing cascade every row of
 * the 20 x 20 Jacobian has at most 8 nonzeros, and its strongly connected components (species
 * that feed back on each other) have at most 4 members; the rest of the coupling runs one way
 * (cells -> growth factors -> matrix). Ordered by those components (Tarjan's algorithm, which
 * emits every component after the components it depends on), M is block lower triangular, so
 * M x = b is solved block by block: substitute the couplings to blocks already solved, then a
 * dense LU with partial pivoting of the small diagonal block. Cost: the nonzeros plus the
 * blocks' cubes, against n^3/3 for a dense LU (measured in bench/README.md).
 *
 * The pattern is the numerical one of J (exact zeros dropped), recomputed per Jacobian, so a
 * species at rest (zero rates, zero derivatives) becomes its own block: its correction is
 * exactly zero when its residual and dependencies are, with no rounding leaking in from other
 * fields through pivoting (tests/solver/test_reaction.c). The same pattern serves every
 * multiple c of one J (reaction.c factorises I - hJ and I - (h/2)J, in one pass, and solves
 * its first two systems in one pass). The factors keep the reciprocals of the pivots, so a
 * solve multiplies where it would divide: the substitution is one chain of dependent
 * operations, and a division's latency is several multiplications' (this changed the results
 * in the last bits, not the accuracy: see the commit that made it). Everything is allocated
 * once per thread; nothing allocates while stepping. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* An AVX2 version of the pattern scan, picked at run time (GCC and clang on x86-64; as for
 * DERMIS_CLONES, -DDERMIS_NO_CLONES builds the baseline alone). */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__) && !defined(DERMIS_NO_CLONES)
#define DERMIS_BLU_AVX2 1
#include <immintrin.h>
#else
#define DERMIS_BLU_AVX2 0
#endif

#include "solver/solver_internal.h"

#define UNVISITED ((size_t)-1)

int dermis_btf_alloc(dermis_btf *p, size_t n)
{
    p->n = n;
    p->nb = p->nnz = 0;
    size_t **arr[] = {&p->order, &p->bstart, &p->rstart, &p->col, &p->jidx, &p->bidx, &p->index,
                      &p->low,   &p->stack,  &p->block,  &p->adj_start, &p->adj};
    size_t len[] = {n, n + 1, n + 1, n * n, n * n, n * n, n, n, n, n, n + 1, n * n};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++)
        if (!(*arr[i] = malloc(len[i] * sizeof(size_t)))) return -1;
    p->valid = 0;
    p->mask = malloc(n * sizeof *p->mask);
    const size_t words = (n * n + 63) / 64;
    p->bits = calloc(words, sizeof *p->bits);
    p->offdiag = malloc(words * sizeof *p->offdiag);
    if (!p->mask || !p->bits || !p->offdiag) return -1;
    for (size_t w = 0; w < words; w++) p->offdiag[w] = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) p->offdiag[(i * n + i) >> 6] &= ~((uint64_t)1 << ((i * n + i) & 63));
    return 0;
}

void dermis_btf_free(dermis_btf *p)
{
    size_t *arr[] = {p->order, p->bstart, p->rstart, p->col,   p->jidx, p->bidx, p->index,
                     p->low,   p->stack,  p->block,  p->adj_start, p->adj};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) free(arr[i]);
    free(p->mask);
    free(p->bits);
    free(p->offdiag);
}

typedef struct {
    dermis_btf *p;
    size_t counter, sp, emitted;
} tarjan;

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Tarjan's strongly connected components; an edge v -> w means row v depends on w. Recursion
 * depth is at most n (the number of species). */
static void strongconnect(tarjan *t, size_t v)
{
    dermis_btf *p = t->p;
    p->index[v] = p->low[v] = t->counter++;
    p->stack[t->sp++] = v;
    p->block[v] = UNVISITED; /* "on the stack" until its component is emitted */
    for (size_t e = p->adj_start[v]; e < p->adj_start[v + 1]; e++) {
        size_t w = p->adj[e];
        if (p->index[w] == UNVISITED) {
            strongconnect(t, w);
            p->low[v] = min_size(p->low[v], p->low[w]);
        } else if (p->block[w] == UNVISITED) {
            p->low[v] = min_size(p->low[v], p->index[w]);
        }
    }
    if (p->low[v] != p->index[v]) return;
    size_t w;
    do {
        w = p->stack[--t->sp];
        p->block[w] = p->nb;
        p->order[t->emitted++] = w;
    } while (w != v);
    p->bstart[++p->nb] = t->emitted;
}

/* Nonzeros of J as one bit string, entry e = i*n + j at bit e of bits[] (n*n <= 64*64): this
 * runs once per Jacobian over all n^2 entries, so it is one flat pass, a 64-bit word at a time,
 * several entries per vector compare. The versions give the same bits; the AVX2 one is chosen
 * at run time where the CPU has it. */
static void nonzero_bits_portable(const double *J, size_t nn, uint64_t *bits)
{
    size_t e = 0;
#if defined(__SSE2__)
    const __m128d zero = _mm_setzero_pd();
    for (; e + 64 <= nn; e += 64) {
        uint64_t m = 0;
        for (size_t k = 0; k < 64; k += 2)
            m |= (uint64_t)_mm_movemask_pd(_mm_cmpneq_pd(_mm_loadu_pd(J + e + k), zero)) << k;
        bits[e >> 6] = m;
    }
#endif
    for (; e < nn; e++) bits[e >> 6] |= (uint64_t)(J[e] != 0.0) << (e & 63);
}

#if DERMIS_BLU_AVX2
__attribute__((target("avx2"))) static void nonzero_bits_avx2(const double *J, size_t nn, uint64_t *bits)
{
    size_t e = 0;
    const __m256d zero = _mm256_setzero_pd();
    for (; e + 64 <= nn; e += 64) {
        uint64_t m = 0;
#pragma GCC unroll 16
        for (size_t k = 0; k < 64; k += 4)
            m |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(J + e + k), zero, _CMP_NEQ_UQ)) << k;
        bits[e >> 6] = m;
    }
    for (; e + 4 <= nn; e += 4)
        bits[e >> 6] |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(J + e), zero, _CMP_NEQ_UQ)) << (e & 63);
    for (; e < nn; e++) bits[e >> 6] |= (uint64_t)(J[e] != 0.0) << (e & 63);
}
#endif

static void nonzero_bits(const double *J, size_t nn, uint64_t *bits)
{
    for (size_t w = 0; w < (nn + 63) / 64; w++) bits[w] = 0;
#if DERMIS_BLU_AVX2
    if (__builtin_cpu_supports("avx2")) {
        nonzero_bits_avx2(J, nn, bits);
        return;
    }
#endif
    nonzero_bits_portable(J, nn, bits);
}

/* Off-diagonal nonzeros of row i (bits i*n .. i*n + n - 1 of the bit string), n <= 64. */
static uint64_t row_mask(const uint64_t *bits, size_t n, size_t i)
{
    const size_t pos = i * n, w = pos >> 6, off = pos & 63;
    uint64_t m = bits[w] >> off;
    if (off + n > 64) m |= bits[w + 1] << (64 - off);
    if (n < 64) m &= ((uint64_t)1 << n) - 1;
    return m & ~((uint64_t)1 << i);
}

/* Adjacency lists (row i depends on the components adj[adj_start[i] ..]) from the row masks
 * when they hold the pattern (n <= 64), else from J. */
static void build_adjacency(dermis_btf *p, const double *J)
{
    const size_t n = p->n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        p->adj_start[i] = k;
        if (n <= 64) {
            for (uint64_t m = p->mask[i]; m != 0; m &= m - 1) p->adj[k++] = (size_t)__builtin_ctzll(m);
        } else {
            for (size_t j = 0; j < n; j++)
                if (j != i && J[i * n + j] != 0.0) p->adj[k++] = j;
        }
    }
    p->adj_start[n] = k;
}

/* True if J has the nonzero pattern analysed last (then nothing needs recomputing); otherwise
 * remembers J's pattern. Only for n <= 64 (one bit per component); larger systems always
 * re-analyse. */
static int same_pattern(dermis_btf *p, const double *J)
{
    const size_t n = p->n, words = (n * n + 63) / 64;
    if (n > 64) return 0;
    uint64_t bits[64];
    nonzero_bits(J, n * n, bits);
    uint64_t changed = !p->valid;
    for (size_t w = 0; w < words; w++) { /* the diagonal does not shape the blocks */
        bits[w] &= p->offdiag[w];
        changed |= bits[w] ^ p->bits[w];
        p->bits[w] = bits[w];
    }
    if (!changed) return 1;
    for (size_t i = 0; i < n; i++) p->mask[i] = row_mask(bits, n, i);
    p->valid = 1;
    return 0;
}

/* Where each block's entries sit in J, block after block (one index for a single species, k x k
 * row by row for a block of k), so that the factorisations gather them without index
 * arithmetic. */
static void block_entries(dermis_btf *p)
{
    const size_t n = p->n;
    size_t *idx = p->bidx;
    for (size_t b = 0; b < p->nb; b++) {
        const size_t *comp = p->order + p->bstart[b], k = p->bstart[b + 1] - p->bstart[b];
        for (size_t r = 0; r < k; r++)
            for (size_t q = 0; q < k; q++) *idx++ = comp[r] * n + comp[q];
    }
}

void dermis_btf_analyse(dermis_btf *p, const double *J)
{
    const size_t n = p->n;
    if (!same_pattern(p, J)) {
        build_adjacency(p, J);
        for (size_t i = 0; i < n; i++) p->index[i] = UNVISITED;
        tarjan t = {p, 0, 0, 0};
        p->nb = 0;
        p->bstart[0] = 0;
        for (size_t v = 0; v < n; v++)
            if (p->index[v] == UNVISITED) strongconnect(&t, v);
        /* Couplings of each row (in solve order) to earlier blocks. */
        p->nnz = 0;
        for (size_t q = 0; q < n; q++) {
            const size_t i = p->order[q];
            p->rstart[q] = p->nnz;
            for (size_t e = p->adj_start[i]; e < p->adj_start[i + 1]; e++) {
                const size_t j = p->adj[e];
                if (p->block[j] == p->block[i]) continue;
                p->col[p->nnz] = j;
                p->jidx[p->nnz++] = i * n + j;
            }
        }
        p->rstart[n] = p->nnz;
        block_entries(p);
    }
}

int dermis_blu_alloc(dermis_blu *f, size_t n)
{
    f->m = malloc(n * n * sizeof *f->m);
    f->lu = malloc(n * n * sizeof *f->lu);
    f->piv = malloc(n * sizeof *f->piv);
    f->x = malloc(n * sizeof *f->x);
    return f->m && f->lu && f->piv && f->x ? 0 : -1;
}

void dermis_blu_free(dermis_blu *f)
{
    free(f->m);
    free(f->lu);
    free(f->piv);
    free(f->x);
}

/* The block kernels are written once for any order k and called with constant k = 2, 3, 4 (the
 * blocks of a reaction network are small), so those calls are unrolled; inlining must be forced
 * for that where the compiler would otherwise keep one generic copy. */
#if defined(__GNUC__)
#define BLU_INLINE static inline __attribute__((always_inline))
#else
#define BLU_INLINE static inline
#endif

/* Dense LU with partial pivoting of a k x k block, in place; -1 on a zero pivot. The diagonal
 * holds the reciprocals of U's pivots: the solves multiply instead of dividing (a division is
 * several times a multiplication's latency, and the substitution is one dependent chain). */
BLU_INLINE int lu_factor(size_t k, double *a, size_t *piv)
{
    for (size_t c = 0; c < k; c++) {
        size_t p = c;
        for (size_t i = c + 1; i < k; i++)
            if (fabs(a[i * k + c]) > fabs(a[p * k + c])) p = i;
        piv[c] = p;
        if (a[p * k + c] == 0.0) return -1;
        if (p != c)
            for (size_t j = 0; j < k; j++) {
                double t = a[c * k + j];
                a[c * k + j] = a[p * k + j];
                a[p * k + j] = t;
            }
        double inv = 1.0 / a[c * k + c];
        a[c * k + c] = inv;
        for (size_t i = c + 1; i < k; i++) {
            double l = a[i * k + c] * inv;
            a[i * k + c] = l;
            if (l != 0.0)
                for (size_t j = c + 1; j < k; j++) a[i * k + j] -= l * a[c * k + j];
        }
    }
    return 0;
}

/* lu_factor swaps whole rows (multipliers included, as LAPACK does), so all interchanges are
 * applied to b before the forward substitution, not one per column. The zero tests keep a zero
 * right-hand side exactly zero (and its sign), whatever the factors hold. */
BLU_INLINE void lu_solve(size_t k, const double *a, const size_t *piv, double *b)
{
    for (size_t c = 0; c < k; c++) {
        double t = b[piv[c]];
        b[piv[c]] = b[c];
        b[c] = t;
    }
    for (size_t c = 0; c < k; c++)
        if (b[c] != 0.0)
            for (size_t i = c + 1; i < k; i++) b[i] -= a[i * k + c] * b[c];
    for (size_t c = k; c-- > 0;) {
        for (size_t j = c + 1; j < k; j++) b[c] -= a[c * k + j] * b[j];
        b[c] *= a[c * k + c];
    }
}

/* lu_factor and lu_solve for k = 2 written out: the most frequent block (two species that feed
 * back on each other), with exactly their operations, so the results are the same bits. */
BLU_INLINE int lu2_factor(double *a, size_t *piv)
{
    const size_t p = fabs(a[2]) > fabs(a[0]);
    piv[0] = p;
    piv[1] = 1;
    if (a[2 * p] == 0.0) return -1;
    if (p) {
        const double t0 = a[0], t1 = a[1];
        a[0] = a[2];
        a[1] = a[3];
        a[2] = t0;
        a[3] = t1;
    }
    a[0] = 1.0 / a[0];
    const double l = a[2] * a[0];
    a[2] = l;
    if (l != 0.0) a[3] -= l * a[1];
    if (a[3] == 0.0) return -1;
    a[3] = 1.0 / a[3];
    return 0;
}

BLU_INLINE void lu2_solve(const double *a, const size_t *piv, double *b)
{
    if (piv[0]) {
        const double t = b[1];
        b[1] = b[0];
        b[0] = t;
    }
    if (b[0] != 0.0) b[1] -= a[2] * b[0];
    b[1] *= a[3];
    b[0] -= a[1] * b[1];
    b[0] *= a[0];
}

BLU_INLINE int block_factor(size_t k, double *a, size_t *piv)
{
    switch (k) {
    case 2: return lu2_factor(a, piv);
    case 3: return lu_factor(3, a, piv);
    case 4: return lu_factor(4, a, piv);
    default: return lu_factor(k, a, piv);
    }
}

BLU_INLINE void block_solve(size_t k, const double *a, const size_t *piv, double *b)
{
    switch (k) {
    case 2: lu2_solve(a, piv, b); break;
    case 3: lu_solve(3, a, piv, b); break;
    case 4: lu_solve(4, a, piv, b); break;
    default: lu_solve(k, a, piv, b); break;
    }
}

/* Factorises I - c[t] J into f[t] for t < ns (ns = 1 or 2, a constant where inlined): one pass
 * over the pattern, every entry of J read once for all the multiples. */
BLU_INLINE int factor_systems(const dermis_btf *p, const double *J, dermis_blu *const *f, const double *c, int ns)
{
    const size_t nb = p->nb, nnz = p->nnz;
    const size_t *restrict bstart = p->bstart, *restrict jidx = p->jidx, *restrict idx = p->bidx;
    double *m[2], *a[2];
    for (int t = 0; t < ns; t++) {
        m[t] = f[t]->m;
        a[t] = f[t]->lu;
    }
    for (size_t e = 0; e < nnz; e++) {
        const double j = J[jidx[e]];
        for (int t = 0; t < ns; t++) m[t][e] = -c[t] * j;
    }
    for (size_t b = 0; b < nb; b++) {
        const size_t s = bstart[b], k = bstart[b + 1] - s;
        if (k == 1) {
            const double j = J[*idx++];
            for (int t = 0; t < ns; t++) {
                const double d = -c[t] * j + 1.0;
                if (d == 0.0) return -1;
                a[t][0] = 1.0 / d; /* the solves multiply by it */
                a[t] += 1;
            }
            continue;
        }
        for (size_t r = 0; r < k; r++)
            for (size_t q = 0; q < k; q++) {
                const double j = J[idx[r * k + q]];
                for (int t = 0; t < ns; t++) {
                    const double v = -c[t] * j;
                    a[t][r * k + q] = r == q ? v + 1.0 : v;
                }
            }
        idx += k * k;
        for (int t = 0; t < ns; t++) {
            if (block_factor(k, a[t], f[t]->piv + s) != 0) return -1;
            a[t] += k * k;
        }
    }
    return 0;
}

/* Solves f[t] x[t] = b[t] in place for t < ns: one pass over the pattern, each coupling's
 * column index read once for all the systems. */
BLU_INLINE void solve_systems(const dermis_btf *p, const dermis_blu *const *f, double *const *x, int ns)
{
    const size_t nb = p->nb;
    const size_t *restrict order = p->order, *restrict bstart = p->bstart, *restrict rstart = p->rstart,
                           *restrict col = p->col;
    const double *m[2], *a[2];
    double v[2];
    for (int t = 0; t < ns; t++) {
        m[t] = f[t]->m;
        a[t] = f[t]->lu;
    }
    for (size_t blk = 0; blk < nb; blk++) {
        const size_t s = bstart[blk], k = bstart[blk + 1] - s;
        if (k == 1) { /* a species on its own: substitute, divide */
            const size_t i = order[s];
            for (int t = 0; t < ns; t++) v[t] = x[t][i];
            for (size_t e = rstart[s]; e < rstart[s + 1]; e++) {
                const size_t j = col[e];
                for (int t = 0; t < ns; t++) v[t] -= m[t][e] * x[t][j];
            }
            for (int t = 0; t < ns; t++) x[t][i] = v[t] * *a[t]++;
            continue;
        }
        for (size_t r = 0; r < k; r++) {
            const size_t q = s + r, i = order[q];
            for (int t = 0; t < ns; t++) v[t] = x[t][i];
            for (size_t e = rstart[q]; e < rstart[q + 1]; e++) {
                const size_t j = col[e];
                for (int t = 0; t < ns; t++) v[t] -= m[t][e] * x[t][j];
            }
            for (int t = 0; t < ns; t++) f[t]->x[r] = v[t];
        }
        for (int t = 0; t < ns; t++) {
            block_solve(k, a[t], f[t]->piv + s, f[t]->x);
            for (size_t r = 0; r < k; r++) x[t][order[s + r]] = f[t]->x[r];
            a[t] += k * k;
        }
    }
}

int dermis_blu_factor(dermis_blu *f, const dermis_btf *p, const double *J, double c)
{
    dermis_blu *const fs[1] = {f};
    return factor_systems(p, J, fs, &c, 1);
}

int dermis_blu_factor_pair(dermis_blu *fa, dermis_blu *fb, const dermis_btf *p, const double *J, double ca, double cb)
{
    dermis_blu *const fs[2] = {fa, fb};
    const double c[2] = {ca, cb};
    return factor_systems(p, J, fs, c, 2);
}

void dermis_blu_solve(const dermis_blu *f, const dermis_btf *p, double *b)
{
    const dermis_blu *const fs[1] = {f};
    double *const x[1] = {b};
    solve_systems(p, fs, x, 1);
}

void dermis_blu_solve_pair(const dermis_blu *fa, const dermis_blu *fb, const dermis_btf *p, double *ba, double *bb)
{
    const dermis_blu *const fs[2] = {fa, fb};
    double *const x[2] = {ba, bb};
    solve_systems(p, fs, x, 2);
}
