/* The OpenMP runtime calls of solver/ for the WebAssembly build, which runs on one thread
 * (the page's Web Worker): without -fopenmp the pragmas are ignored and these answer as the
 * OpenMP runtime does outside any parallel region. */
#ifndef DERMIS_WEB_COMPAT_OMP_H
#define DERMIS_WEB_COMPAT_OMP_H

#include <emscripten.h>

static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_get_max_threads(void) { return 1; }
static inline double omp_get_wtime(void) { return emscripten_get_now() / 1000.0; }

#endif
