/* Probe of the extension points (docs/architecture.md, "How to add ..."). Not built in the real
 * tree: tests/scripts/test_heavy_extension_points.py copies the source tree, adds a field
 * (probe_cells), a device (probe_stamp) and an observable (probe_time_days) by editing only the
 * files the doc lists, copies this file into the copy as tests/model/test_extension_probe.c and
 * runs it with the model's own tests. It checks that each addition reached every place the doc
 * promises it reaches without further edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "model/device.h"
#include "model/observables.h"
#include "model/sites.h"
#include "model_fixture.h"
#include "needling_fixtures.h"

enum { NF = DERMIS_N_FIELDS, NZ = 100 };

/* The voxel of the column in the middle of the reticular dermis and one in the epidermis. */
static size_t voxel_in_layer(const dermis_tissue *t, int layer)
{
    size_t first = NZ, last = 0;
    for (size_t v = 0; v < NZ; ++v)
        if (t->layer[v] == layer) {
            if (first == NZ) first = v;
            last = v;
        }
    assert_true(first < NZ);
    return (first + last) / 2;
}

/* The registry row alone gives the field its enum, name, units and transport class. */
static void field_is_in_the_registry(void **state)
{
    (void)state;
    assert_int_equal(dermis_species_find("probe_cells"), DERMIS_F_PROBE_CELLS);
    const dermis_species_info *s = dermis_species(DERMIS_F_PROBE_CELLS);
    assert_string_equal(s->units, "mm-3");
    assert_int_equal(s->transport, DERMIS_TRANSPORT_FIBROBLAST);
}

/* Transport: the diffusivity column reaches the solver's field spec in the dermis, the transport
 * class walls the field off in the epidermis, and the chemotaxis column becomes a solver pair. */
static void field_moves_as_its_row_says(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, NZ, NULL), 0);
    const dermis_field_spec *spec = &dermis_model_field_specs(fx.model)[DERMIS_F_PROBE_CELLS];
    const size_t dermis = voxel_in_layer(&fx.tissue, DERMIS_LAYER_RETICULAR_DERMIS);
    const size_t epidermis = voxel_in_layer(&fx.tissue, DERMIS_LAYER_EPIDERMIS);
    assert_non_null(spec->D_map); /* 0 outside the dermis, so not uniform */
    assert_true(spec->D_map[dermis] == fx.params.probe_cell_diffusivity_mm2_per_day);
    assert_true(spec->D_map[epidermis] == 0.0);
    const dermis_chemotaxis_spec *pairs;
    const size_t n = dermis_model_chemotaxis(fx.model, &pairs);
    int found = 0;
    for (size_t k = 0; k < n; ++k)
        if (pairs[k].cell == DERMIS_F_PROBE_CELLS) {
            assert_int_equal(pairs[k].signal, DERMIS_F_ALARMINS);
            assert_true(pairs[k].chi0 == fx.params.probe_cell_chemotaxis_mm2_per_day_per_ng_per_ml);
            assert_true(pairs[k].c_sat == fx.params.chemotaxis_saturation_ng_per_ml);
            ++found;
        }
    assert_int_equal(found, 1);
    assert_true(dermis_model_field_scale(fx.model, DERMIS_F_PROBE_CELLS) == fx.params.probe_cell_baseline_per_mm3);
    model_fixture_free(&fx);
}

/* Homeostasis: the baseline from kinetics.c, an exact fixed point; the injury column: an
 * injury with fraction 0.5 destroys half x matrix_loss_fraction of the cells. */
static void field_has_a_baseline_and_an_injury_rule(void **state)
{
    (void)state;
    model_fixture fx;
    assert_int_equal(model_fixture_init(&fx, NZ, NULL), 0);
    const size_t v = voxel_in_layer(&fx.tissue, DERMIS_LAYER_RETICULAR_DERMIS);
    double u[NF * NZ], dudt[NF], u0[NF];
    dermis_model_homeostasis(fx.model, u);
    dermis_model_voxel_baseline(fx.model, v, u0);
    const double base = fx.params.probe_cell_baseline_per_mm3;
    assert_true(u0[DERMIS_F_PROBE_CELLS] == base);
    assert_int_equal(dermis_model_rhs(0.0, v, u0, dudt, fx.model), 0);
    for (int f = 0; f < NF; ++f) assert_true(dudt[f] == 0.0);
    dermis_model_apply_damage(fx.model, v, 0.5, 0.0, u);
    const double kept = 1.0 - 0.5 * fx.params.injury_matrix_loss_fraction;
    assert_true(u[(size_t)DERMIS_F_PROBE_CELLS * NZ + v] == base * kept);
    /* The kinetics row pulls it back: dR/du < 0 below the baseline. */
    double w[NF];
    memcpy(w, u0, sizeof w);
    w[DERMIS_F_PROBE_CELLS] = base * kept;
    assert_int_equal(dermis_model_rhs(0.0, v, w, dudt, fx.model), 0);
    assert_true(dudt[DERMIS_F_PROBE_CELLS] > 0.0);
    model_fixture_free(&fx);
}

/* A device: its row in device.c is reached through the type, and its name is a choice. */
static void device_row_is_used(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    const dermis_device_kind *k = dermis_device_kind_of(DERMIS_DEVICE_PROBE_STAMP);
    assert_non_null(k);
    assert_string_equal(k->name, "probe_stamp");
    assert_string_equal(dermis_device_names[DERMIS_DEVICE_PROBE_STAMP], "probe_stamp");
    assert_true(dermis_device_density_cm2(&p.device, DERMIS_DEVICE_PROBE_STAMP) == 2.0 * p.device.channels_per_cm2);
    double ax, ay; /* no lattice function: a square lattice of the pass density */
    assert_int_equal(dermis_device_lattice_mm(&p.device, DERMIS_DEVICE_PROBE_STAMP, &ax, &ay), 0);
    assert_true(fabs(ax - 1.0 / sqrt(2.0 * p.device.channels_per_cm2 / 100.0)) < 1e-12 && ax == ay);
}

/* An observable: its row is declared with its units and computed by its function; the field's
 * region means come from the registry without any observable row. */
static void observable_row_is_computed(void **state)
{
    (void)state;
    dermis_protocol_params p = fixture_protocol(NULL, 0);
    dermis_grid g = fixture_grid(1, 1.0, 2.0, 0.02);
    dermis_skin_profile skin;
    dermis_tissue tissue;
    dermis_skin_profile_from_params(&p.skin, &skin);
    assert_int_equal(dermis_tissue_alloc(&tissue, &g, &skin), 0);
    dermis_observables *obs = dermis_observables_alloc(&tissue, &p, NULL, NULL);
    assert_non_null(obs);
    const long i = dermis_observables_find(obs, "probe_time_days");
    assert_true(i >= 0);
    assert_string_equal(dermis_observables_units(obs)[i], "day");
    assert_true(dermis_observables_find(obs, "probe_cells_mean_dermis") >= 0);
    const size_t n = dermis_observables_count(obs);
    double *u = calloc(NF * g.nz, sizeof *u), *values = calloc(n, sizeof *values);
    assert_non_null(u);
    assert_non_null(values);
    dermis_observables_set_baseline(obs, u);
    dermis_observables_compute(obs, 3.25, u, values);
    assert_true(values[i] == 3.25);
    free(u);
    free(values);
    dermis_observables_free(obs);
    dermis_tissue_free(&tissue);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(field_is_in_the_registry),
        cmocka_unit_test(field_moves_as_its_row_says),
        cmocka_unit_test(field_has_a_baseline_and_an_injury_rule),
        cmocka_unit_test(device_row_is_used),
        cmocka_unit_test(observable_row_is_computed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
