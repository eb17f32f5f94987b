/* Allocation failures on the set-up path (issue 12), SQLite-style: for N = 1, 2, ... the N-th
 * allocation fails (malloc, calloc and realloc of the code under test are wrapped with GNU ld's
 * --wrap, see tests/CMakeLists.txt), and the whole set-up of a run (app/sim.c, what `dermis run`
 * does) -- reading and checking the configuration, tissue, model, session table, barrier,
 * observables, solver, state, the first session and the first solver steps -- must end in a clean
 * "out of memory" with exit status 1, never crash, and free every block it allocated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/sim.h"

/* The wrapper's counters: the only way to see every allocation of the code under test. */
static long fail_at = -1; /* 1-based number of the allocation to fail; -1 = none */
static long calls;        /* allocations attempted since the counter was reset */
static long live;         /* blocks allocated and not yet freed */

void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static int should_fail(void)
{
    return ++calls == fail_at;
}

void *__wrap_malloc(size_t n)
{
    void *p = should_fail() ? NULL : __real_malloc(n);
    live += p != NULL;
    return p;
}

void *__wrap_calloc(size_t count, size_t n)
{
    void *p = should_fail() ? NULL : __real_calloc(count, n);
    live += p != NULL;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    void *q = should_fail() ? NULL : __real_realloc(p, n);
    live += p == NULL && q != NULL;
    return q;
}

void __wrap_free(void *p)
{
    live -= p != NULL;
    __real_free(p);
}

/* configs/demo.ini at 0.1 mm voxels (10 x 12), so each of the many set-ups takes milliseconds. */
static char *demo_text(void)
{
    FILE *f = fopen(DERMIS_SOURCE_DIR "/configs/demo.ini", "rb");
    assert_non_null(f);
    static const char coarse[] = "dx_mm = 0.1";
    char *text = calloc(1, 8192);
    assert_non_null(text);
    size_t n = fread(text, 1, 8191, f);
    fclose(f);
    text[n] = '\0';
    char *dx = strstr(text, "dx_mm = 0.04");
    assert_non_null(dx);
    memcpy(dx, coarse, sizeof coarse - 1);
    memmove(dx + sizeof coarse - 1, dx + strlen("dx_mm = 0.04"), strlen(dx + strlen("dx_mm = 0.04")) + 1);
    return text;
}

/* Sets up the demo and advances it by its first time step, with allocation `fail` failing
 * (-1: none). Returns 0, or the status of the failure with its message in err. */
static int set_up_once(const char *text, long fail, char *err, size_t len)
{
    int status = 0;
    calls = 0;
    fail_at = fail;
    dermis_sim *sim = dermis_sim_create_from_ini("demo.ini", text, 1, &status, err, len);
    if (sim != NULL && dermis_sim_advance_to(sim, sim->cfg->solver.dt_initial_days, err, len) != 0)
        status = 1;
    fail_at = -1;
    dermis_sim_free(sim);
    return status;
}

static void test_every_failed_allocation_ends_cleanly_without_leaks(void **state)
{
    (void)state;
    char *text = demo_text(), err[1024] = "";
    long base = live;
    assert_int_equal(set_up_once(text, -1, err, sizeof err), 0);
    const long total = calls;
    assert_int_equal(live, base);
    assert_true(total > 20);
    for (long n = 1; n <= total; n++) {
        int status = set_up_once(text, n, err, sizeof err);
        if (status != 1 || strstr(err, "out of memory") == NULL)
            print_error("allocation %ld of %ld failed: status %d, message '%s'\n", n, total, status, err);
        assert_int_equal(status, 1);
        assert_non_null(strstr(err, "out of memory"));
        if (live != base)
            print_error("allocation %ld of %ld failed: %ld blocks leaked\n", n, total, live - base);
        assert_int_equal(live, base);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_failed_allocation_ends_cleanly_without_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
