/* Private definition of the solver object and the interfaces between its algorithm files:
 *   thomas.c     batched tridiagonal (Thomas / Sherman-Morrison cyclic) kernels
 *   diffusion.c  one LOD implicit-Euler transport step (diffusion + chemotaxis drift)
 *   chemotaxis.c face drift rates of the chemotactic fields
 *   reaction.c   per-voxel stiff reaction integrator
 *   blocklu.c    block-triangular LU of its iteration matrices
 *   fpenv.c      flush-to-zero / denormals-are-zero inside parallel regions
 *   stepper.c    public API: allocation, adaptive Strang stepping, controller, statistics
 * Not installed for other layers: include solver/solver.h instead. */
#ifndef DERMIS_SOLVER_INTERNAL_H
#define DERMIS_SOLVER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "solver/solver.h"

/* Function multi-versioning of the hot vector kernels (thomas.c): the default build carries an
 * AVX-512F, an AVX2 and a baseline version of each and the loader picks the best for the CPU
 * (GCC's target_clones, glibc ifunc), so users need no -march=native to be fast. The versions
 * compute bitwise the same results: the kernels are element-wise across lines (no reductions)
 * and -ffp-contract=off forbids fused multiply-adds in every version. Empty where the compiler
 * targets AVX2 already (-DDERMIS_NATIVE=ON) or cannot do it; -DDERMIS_NO_CLONES builds the
 * baseline alone (to compare the versions). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(__AVX2__) && \
    !defined(DERMIS_NO_CLONES)
#define DERMIS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DERMIS_CLONES
#endif

/* Lines of the x sweep solved together: enough independent recurrences to hide the latency
 * of one multiply-add chain, small enough that the block stays in L1. */
#define DERMIS_X_BLOCK 8

/* Slots of the per-step transport data (diffusion.c): the Richardson step solves over dt/2
 * ending at t + dt/2 (first fine half) and at t + dt (second fine half, filter), and over dt
 * ending at t + dt (coarse step). Boundary data are kept per end time, constant-axis
 * factorisations per step length. */
enum { DERMIS_SLOT_HALF = 0, DERMIS_SLOT_FULL = 1, DERMIS_N_SLOTS = 2 };

/* Per-field transport description, fixed at allocation. Axes: 0 = x, 1 = y, 2 = z. */
typedef struct {
    int mobile;             /* takes part in the transport step at all */
    int chemotactic;        /* has drift rates w (a cell field of some chemotaxis pair) */
    int signal;             /* the signal of some chemotaxis pair */
    int constant_axis[3];   /* axis solved with one precomputed factorisation for all lines */
    double D_uniform;
    const double *D_map;    /* caller's map or NULL */
    /* Face conductance D_face/dx^2 (1/day) at the + face of every voxel along each axis, or NULL
     * for constant-coefficient fields. The + face of the last voxel of a non-periodic line holds 0. */
    double *g[3];
    /* Chemotactic drift rate v_face/dx (1/day) at the + face, or NULL if the field has no chemotaxis. */
    double *w[3];
    /* Flux coefficients (dermis_face_coefficients of g and w, 1/day) of the + face of every voxel,
     * set with w; NULL without chemotaxis, where both are g. */
    double *fa[3], *fb[3];
    /* Robin/Dirichlet exchange rate (1/day) and outside value per column at the top and bottom,
     * per boundary slot (end time t + dt/2 or t + dt). */
    double *bc_rate[DERMIS_N_SLOTS][2];
    double *bc_out[DERMIS_N_SLOTS][2];
    /* Precomputed factorisation of a constant axis per step-length slot: 1/pivot, the multiplier
     * of the previous element (forward) and of the next element (backward). */
    double *inv[DERMIS_N_SLOTS][3], *mlo[DERMIS_N_SLOTS][3], *mup[DERMIS_N_SLOTS][3];
    /* Sherman-Morrison data of a periodic constant axis. */
    double *smz[DERMIS_N_SLOTS][3];
    double sm_beta_over_gamma[DERMIS_N_SLOTS][3], sm_inv_den[DERMIS_N_SLOTS][3];
    double bc_const_rate[2]; /* constant boundary rate of a constant z axis */
    /* Stored factorisation of a variable axis (every line; NULL where not kept, see diffusion.c
     * "Reused factorisations"): sub-diagonal, 1/pivot, eliminated super-diagonal, and for
     * periodic lines the Sherman-Morrison vector and per-line scalars. */
    double *flo[3], *finv[3], *fcp[3], *fsmz[3], *fbg[3], *fid[3];
} dermis_field_transport;

/* Per-thread scratch, allocated once. */
typedef struct {
    double *lo, *di, *up, *smz; /* line coefficients / second right-hand side, plane or slab sized */
    double *line_bg, *line_id;  /* per-line Sherman-Morrison scalars */
    struct dermis_reaction_ws *rx; /* reaction.c's private scratch */
    long rhs_evals, jac_evals, voxel_steps;
    double drift_s;             /* time in chemotactic drift computations (diffusion.c) */
    int status;
    double err_max;
} dermis_thread_ws;

struct dermis_solver {
    dermis_grid grid;
    dermis_problem problem;
    dermis_solver_options opt;
    dermis_stop_fn stop;                   /* dermis_solver_set_stop; NULL = never */
    void *stop_user;
    dermis_field_spec *fields;             /* copy of the specs */
    dermis_chemotaxis_spec *chemotaxis;    /* copy of the pairs */
    dermis_field_transport *tr;
    size_t n_vox;
    size_t len[3], stride[3];
    int periodic[3];
    int axis_active[3];                    /* the axis exists in this run (by dims) */
    int any_mobile;
    int nthreads;                          /* reaction threads (stepper.c: "Threads") */
    int transport_split;                   /* the transport splits each field's planes / slabs
                                            * between the threads (big grids); 0 = whole fields
                                            * are dealt out (diffusion.c, "Threads") */
    dermis_thread_ws *ws;
    double *u_start, *u_coarse;            /* step workspaces, n_fields * n_vox */
    double *u_fine;                        /* first fine half of the transport (diffusion.c), or NULL */
    double *err_blocks;                    /* per-block sums of squared weighted errors (see stepper.c) */
    size_t n_err_blocks;
    double *atol;                          /* per field */
    int *active;                           /* per field: mobile and taking part in this transport step */
    dermis_solver_stats stats;
    dermis_solver_controller ctl;
};

/* thomas.c -------------------------------------------------------------------------------- */
/* Factorises one tridiagonal matrix of order n (row k: lo[k] x[k-1] + di[k] x[k] + up[k] x[k+1];
 * lo[0] and up[n-1] unused) into inv/mlo/mup for dermis_thomas_const_*. Returns -1 on a zero pivot. */
int dermis_thomas_factor(size_t n, const double *lo, const double *di, const double *up,
                         double *inv, double *mlo, double *mup);
/* m lines with one shared factorisation; element k of line j at d[k*ld + j] (lines contiguous). */
void dermis_thomas_const_rows(double *d, size_t ld, size_t n, size_t m, const double *inv,
                              const double *mlo, const double *mup);
/* Same, element k of line j at d[j*ld + k] (x lines of a plane). */
void dermis_thomas_const_cols(double *d, size_t ld, size_t n, size_t m, const double *inv,
                              const double *mlo, const double *mup);
/* m lines with their own coefficients lo/di/up at c[k*m + j]; on return di holds 1/pivot and
 * up the eliminated super-diagonal. */
void dermis_thomas_factor_lines(size_t n, size_t m, const double *lo, double *di, double *up);
/* Solves with a dermis_thomas_factor_lines factorisation; data element k of line j at
 * d[k*dk + j*dj]. */
void dermis_thomas_solve_lines(double *d, size_t dk, size_t dj, size_t n, size_t m,
                               const double *lo, const double *inv, const double *cp);
/* Sherman-Morrison correction x = y - f_j z for cyclic systems: f_j = (y0 + bg*y_{n-1}) * id. */
void dermis_thomas_cyclic_correct(double *d, size_t dk, size_t dj, size_t n, size_t m,
                                  const double *z, size_t zk, size_t zj,
                                  const double *bg, const double *id, int per_line);
/* Conservative flux form of a constant line with zero-flux ends (see thomas.c): factorises for
 * order n, D dt/dx^2 = r and decay_dt into a[n] (a[k] = r/p_k for k < n-1, a[n-1] = 1/(1+decay_dt));
 * returns -1 on bad input. Rows: m lines contiguous, element k at d[k*ld + j], scratch g[n*m].
 * Cols: element k of line j at d[j*ld + k], scratch g of DERMIS_X_BLOCK*n doubles. */
int dermis_thomas_flux_factor(size_t n, double r, double decay_dt, double *a);
void dermis_thomas_flux_rows(double *d, size_t ld, size_t n, size_t m, double *g, const double *a);
void dermis_thomas_flux_cols(double *d, size_t ld, size_t n, size_t m, double *g, const double *a);

/* chemotaxis.c ---------------------------------------------------------------------------- */
/* Fills the drift rates w and face coefficients fa, fb of every active chemotactic field from the
 * signal fields of u, planes split between s->nthreads threads (one parallel region). */
void dermis_chemotaxis_drift(dermis_solver *s, const double *u);
/* The same for chemotactic field f alone, by the calling thread (inside a parallel region). */
void dermis_chemotaxis_field_drift(const dermis_solver *s, const double *u, size_t f);
/* Flux coefficients of one face: flux = a*u_minus - b*u_plus (1/day, times the face area over
 * the volume). Central where the cell Peclet number allows, upwind blend otherwise, so both
 * coefficients are >= 0 (M-matrix, positivity) and the scheme is second order where |w| <= 2g. */
static inline void dermis_face_coefficients(double g, double w, double *a, double *b)
{
    if (g == 0.0) { /* a wall: neither diffusion nor chemotaxis crosses it */
        *a = 0.0;
        *b = 0.0;
        return;
    }
    double half = 0.5 * (w < 0.0 ? -w : w);
    double geff = g > half ? g : half;
    *a = geff + 0.5 * w;
    *b = geff - 0.5 * w;
}

/* diffusion.c ----------------------------------------------------------------------------- */
int dermis_transport_alloc(dermis_solver *s);
void dermis_transport_free(dermis_solver *s);
/* One LOD implicit-Euler step x, y, z of every active field (s->active) over dt, boundary data at
 * t_end, chemotactic drift from u; decay (per field, may be NULL) is a linear loss folded into the
 * implicit solves. */
int dermis_transport_lod_ie(dermis_solver *s, double *u, double t_end, double dt, const double *decay);
/* The stepper's second-order transport from t over dt, active fields only: c = LOD-IE(dt) u,
 * f = LOD-IE(dt/2)^2 u, u <- 2f - c (f where that is negative); the error estimate f - c is
 * filtered, e <- (I - dt/2 A)^-1 (f - c) with A the transport operator of the second half
 * (its drift, homogeneous boundary data), and v <- (e / (atol + rtol |u|))^2 per voxel: the
 * squares the stepper's error norm sums. v is n_fields * n_vox, its inactive fields untouched. */
int dermis_transport_richardson(dermis_solver *s, double *u, double *v, double t, double dt);

/* Internal status, never returned to the caller: the step should be retried smaller. */
#define DERMIS_SOLVER_RETRY (-1)

/* reaction.c ------------------------------------------------------------------------------ */
/* Integrates du/dt = R(u, x, t) in every voxel from t0 over h. Returns a dermis_solver_status,
 * or DERMIS_SOLVER_RETRY when the step should be retried smaller. */
int dermis_reaction_advance(dermis_solver *s, double *u, double t0, double h);
int dermis_reaction_ws_alloc(dermis_solver *s, dermis_thread_ws *w);
void dermis_reaction_ws_free(dermis_thread_ws *w);

/* blocklu.c ------------------------------------------------------------------------------- */
/* Block-triangular structure of one n x n Jacobian J (strongly connected components of its
 * nonzero pattern, in dependency order) and the couplings between the blocks. */
typedef struct {
    size_t n, nb, nnz;
    size_t *order;            /* components in solve order, block after block */
    size_t *bstart;           /* block b is order[bstart[b] .. bstart[b+1]) */
    size_t *rstart, *col;     /* row at solve position q couples to col[rstart[q] .. rstart[q+1]) */
    size_t *jidx;             /* index i*n + j in J of each coupling */
    size_t *bidx;             /* the diagonal blocks' entries in J, block after block, row by row */
    uint64_t *mask;           /* nonzero pattern last analysed, one bit set per row (n <= 64) */
    uint64_t *bits, *offdiag; /* the same as one bit string (entry i*n + j at bit i*n + j); its off-diagonal bits */
    int valid;                /* mask holds a pattern */
    size_t *index, *low, *stack, *block, *adj_start, *adj; /* Tarjan scratch; block of each component */
} dermis_btf;

/* LU of M = I - c J on a dermis_btf pattern. */
typedef struct {
    double *m;   /* -c J of every coupling */
    double *lu;  /* the diagonal blocks' LU factors, block after block */
    size_t *piv; /* their pivots, at the block's solve positions */
    double *x;   /* one block's right-hand side (scratch) */
} dermis_blu;

int dermis_btf_alloc(dermis_btf *p, size_t n);
void dermis_btf_free(dermis_btf *p);
void dermis_btf_analyse(dermis_btf *p, const double *J);
int dermis_blu_alloc(dermis_blu *f, size_t n);
void dermis_blu_free(dermis_blu *f);
/* Factorises I - c J on pattern p (p analysed from this J); -1 if a diagonal block is singular. */
int dermis_blu_factor(dermis_blu *f, const dermis_btf *p, const double *J, double c);
/* Solves M x = b in place (b indexed by component). */
void dermis_blu_solve(const dermis_blu *f, const dermis_btf *p, double *b);
/* The same for two multiples of one J in one pass (I - ca J into fa, I - cb J into fb; -1 if
 * either is singular) and two systems at once (fa xa = ba, fb xb = bb; ba and bb distinct):
 * bitwise the results of the single calls, for less index work. */
int dermis_blu_factor_pair(dermis_blu *fa, dermis_blu *fb, const dermis_btf *p, const double *J, double ca, double cb);
void dermis_blu_solve_pair(const dermis_blu *fa, const dermis_blu *fb, const dermis_btf *p, double *ba, double *bb);

/* fpenv.c --------------------------------------------------------------------------------- */
/* Sets flush-to-zero and denormals-are-zero for the calling thread; returns the previous state
 * for dermis_fpenv_restore. A no-op returning 0 where the CPU has no such mode. */
unsigned dermis_fpenv_flush_denormals(void);
void dermis_fpenv_restore(unsigned saved);

#endif
