/* Outcome observables (definitions in observables.h and docs/model.md). */
#include "model/observables.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/lesion.h"
#include "model/species.h"
#include "model/topical.h"

#define NAME_LEN 64
#define LONG_NAME_LEN 192

/* Regions; the fourth (dermis) is the union of papillary and reticular dermis. */
enum { R_EPIDERMIS, R_PAPILLARY, R_RETICULAR, R_DERMIS, N_REGIONS, N_LAYER_REGIONS = R_DERMIS };
static const char *const region_names[N_REGIONS] = {"epidermis", "papillary_dermis", "reticular_dermis", "dermis"};
static const char *const region_words[N_REGIONS] = {"viable epidermis", "papillary dermis", "reticular dermis",
                                                    "dermis (papillary + reticular)"};

/* Layout of the internal state (checkpointed). */
enum {
    S_BASELINE_SET,
    S_BASE_COLLAGEN,                       /* N_REGIONS values */
    S_BASE_ELASTIN = S_BASE_COLLAGEN + N_REGIONS,
    S_BASE_COLLAGEN_I_DERMIS = S_BASE_ELASTIN + N_REGIONS,
    S_BASE_INFLAMMATION,
    S_LESION_SUM0,
    S_LESION_DEFICIT0,
    S_DOSE_PEAK,
    S_DOSE_INTACT_PEAK,
    S_DOWNTIME_SESSION,
    S_DOWNTIME_ABOVE,
    S_DOWNTIME_DONE,
    S_DOWNTIME_VALUE,
    S_T_PREV,
    S_INDEX_PREV,
    S_USED
};
_Static_assert(S_USED <= DERMIS_OBSERVABLES_STATE_SIZE, "observables state does not fit");

/* Indices of the derived observables after the field means. */
typedef struct {
    size_t collagen_change, collagen_ratio, elastin_change; /* first of N_REGIONS each */
    long lesion_fill;                                       /* -1 without a lesion */
    size_t inflammation, downtime, dose, dose_intact, enhancement, stiffness, barrier;
} observable_slots;

struct dermis_observables {
    const dermis_tissue *tissue;
    const dermis_session_table *sessions;
    const dermis_barrier *barrier;
    dermis_outcome_params outcome;
    size_t count;
    observable_slots slot;
    char (*name_text)[NAME_LEN];
    char (*unit_text)[NAME_LEN];
    char (*long_text)[LONG_NAME_LEN];
    const char **names, **units, **long_names;
    double state[DERMIS_OBSERVABLES_STATE_SIZE];
    double sum[DERMIS_N_FIELDS][N_LAYER_REGIONS]; /* scratch of compute */
    double mean[DERMIS_N_FIELDS][N_REGIONS];      /* scratch of compute */
    size_t voxels[N_LAYER_REGIONS];
};

static int region_of_layer(unsigned char layer)
{
    switch (layer) {
    case DERMIS_LAYER_EPIDERMIS: return R_EPIDERMIS;
    case DERMIS_LAYER_PAPILLARY_DERMIS: return R_PAPILLARY;
    case DERMIS_LAYER_RETICULAR_DERMIS: return R_RETICULAR;
    default: return -1;
    }
}

static int has_lesion(const dermis_tissue *t)
{
    const size_t n = dermis_grid_voxels(&t->grid);
    for (size_t v = 0; v < n; ++v)
        if (dermis_lesion_contains(t, v)) return 1;
    return 0;
}

static size_t add(dermis_observables *o, const char *name, const char *units, const char *long_name)
{
    const size_t i = o->count++;
    if (!o->names) return i; /* counting pass */
    snprintf(o->name_text[i], NAME_LEN, "%s", name);
    snprintf(o->unit_text[i], NAME_LEN, "%s", units);
    snprintf(o->long_text[i], LONG_NAME_LEN, "%s", long_name);
    o->names[i] = o->name_text[i];
    o->units[i] = o->unit_text[i];
    o->long_names[i] = o->long_text[i];
    return i;
}

static void add_per_region(dermis_observables *o, const char *stem, const char *units, const char *what, size_t *first)
{
    char name[NAME_LEN], long_name[LONG_NAME_LEN];
    for (int r = 0; r < N_REGIONS; ++r) {
        snprintf(name, sizeof name, "%s_%s", stem, region_names[r]);
        snprintf(long_name, sizeof long_name, "%s, %s", what, region_words[r]);
        const size_t i = add(o, name, units, long_name);
        if (r == 0) *first = i;
    }
}

/* Declares every observable; with names == NULL it only counts them. */
static void declare(dermis_observables *o, int lesion)
{
    char name[NAME_LEN], long_name[LONG_NAME_LEN];
    o->count = 0;
    for (int f = 0; f < DERMIS_N_FIELDS; ++f)
        for (int r = 0; r < N_REGIONS; ++r) {
            const dermis_species_info *s = dermis_species((dermis_field)f);
            snprintf(name, sizeof name, "%s_mean_%s", s->name, region_names[r]);
            snprintf(long_name, sizeof long_name, "mean %s over the %s", s->long_name, region_words[r]);
            add(o, name, s->units, long_name);
        }
    add_per_region(o, "collagen_change_pct", "percent", "collagen I + III change from the pre-treatment baseline",
                   &o->slot.collagen_change);
    add_per_region(o, "collagen_ratio_I_III", "1", "ratio of type I to type III collagen", &o->slot.collagen_ratio);
    add_per_region(o, "elastin_change_pct", "percent", "elastin change from the pre-treatment baseline",
                   &o->slot.elastin_change);
    o->slot.lesion_fill = lesion ? (long)add(o, "lesion_fill_pct", "percent",
                                             "share of the lesion's initial collagen deficit refilled")
                                 : -1;
    o->slot.inflammation = add(o, "inflammation_index", "1",
                               "excess neutrophils + inflammatory macrophages in the dermis over the reference density");
    o->slot.downtime = add(o, "downtime_days", "day", "time after the latest session until inflammation subsides");
    o->slot.dose = add(o, "topical_dose", "ng cm-2", "peak topical product mass per skin area in viable skin");
    o->slot.dose_intact = add(o, "topical_dose_intact", "ng cm-2",
                              "peak topical product mass per skin area in viable skin of untreated skin");
    o->slot.enhancement = add(o, "topical_enhancement", "1", "topical dose relative to untreated skin");
    o->slot.stiffness = add(o, "stiffness_change_pct", "percent",
                            "dermal stiffness proxy (collagen I and elastin) change from baseline");
    o->slot.barrier = add(o, "barrier_open_fraction", "1", "surface mean openness of the stratum corneum");
}

static void *alloc_array(size_t n, size_t size, int *failed)
{
    void *p = malloc(n * size);
    if (!p) *failed = 1;
    return p;
}

dermis_observables *dermis_observables_alloc(const dermis_tissue *tissue, const dermis_protocol_params *p,
                                             const dermis_session_table *sessions, const dermis_barrier *barrier)
{
    dermis_observables *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->tissue = tissue;
    o->sessions = sessions;
    o->barrier = barrier;
    o->outcome = p->outcome;
    const int lesion = has_lesion(tissue);
    declare(o, lesion);
    int failed = 0;
    o->name_text = alloc_array(o->count, sizeof *o->name_text, &failed);
    o->unit_text = alloc_array(o->count, sizeof *o->unit_text, &failed);
    o->long_text = alloc_array(o->count, sizeof *o->long_text, &failed);
    o->names = alloc_array(o->count, sizeof *o->names, &failed);
    o->units = alloc_array(o->count, sizeof *o->units, &failed);
    o->long_names = alloc_array(o->count, sizeof *o->long_names, &failed);
    if (failed) {
        dermis_observables_free(o);
        return NULL;
    }
    declare(o, lesion);
    o->state[S_DOWNTIME_SESSION] = -1.0;
    return o;
}

void dermis_observables_free(dermis_observables *o)
{
    if (!o) return;
    free(o->name_text);
    free(o->unit_text);
    free(o->long_text);
    free(o->names);
    free(o->units);
    free(o->long_names);
    free(o);
}

size_t dermis_observables_count(const dermis_observables *o) { return o->count; }
const char *const *dermis_observables_names(const dermis_observables *o) { return o->names; }
const char *const *dermis_observables_units(const dermis_observables *o) { return o->units; }
const char *const *dermis_observables_long_names(const dermis_observables *o) { return o->long_names; }

long dermis_observables_find(const dermis_observables *o, const char *name)
{
    for (size_t i = 0; i < o->count; ++i)
        if (strcmp(o->names[i], name) == 0) return (long)i;
    return -1;
}

/* Region means of every field into o->mean (no allocation). */
static void region_means(dermis_observables *o, const double *u)
{
    const dermis_tissue *t = o->tissue;
    const size_t n = dermis_grid_voxels(&t->grid);
    memset(o->sum, 0, sizeof o->sum);
    memset(o->voxels, 0, sizeof o->voxels);
    for (size_t v = 0; v < n; ++v) {
        const int r = region_of_layer(t->layer[v]);
        if (r < 0) continue;
        ++o->voxels[r];
        for (int f = 0; f < DERMIS_N_FIELDS; ++f) o->sum[f][r] += u[(size_t)f * n + v];
    }
    for (int f = 0; f < DERMIS_N_FIELDS; ++f) {
        for (int r = 0; r < N_LAYER_REGIONS; ++r)
            o->mean[f][r] = o->voxels[r] ? o->sum[f][r] / (double)o->voxels[r] : 0.0;
        const size_t dermal = o->voxels[R_PAPILLARY] + o->voxels[R_RETICULAR];
        o->mean[f][R_DERMIS] = dermal ? (o->sum[f][R_PAPILLARY] + o->sum[f][R_RETICULAR]) / (double)dermal : 0.0;
    }
}

static double collagen_mean(const dermis_observables *o, int r)
{
    return o->mean[DERMIS_F_COLLAGEN_I][r] + o->mean[DERMIS_F_COLLAGEN_III][r];
}

static double inflammatory_cells(const dermis_observables *o)
{
    return o->mean[DERMIS_F_NEUTROPHILS][R_DERMIS] + o->mean[DERMIS_F_MACROPHAGES][R_DERMIS] -
           o->mean[DERMIS_F_REPAIR_MACROPHAGES][R_DERMIS];
}

/* Lesion sums: sum of collagen and of the deficit C (1/f - 1) over lesion voxels. */
static void lesion_sums(const dermis_observables *o, const double *u, double *collagen, double *deficit)
{
    const dermis_tissue *t = o->tissue;
    const size_t n = dermis_grid_voxels(&t->grid);
    *collagen = *deficit = 0.0;
    for (size_t v = 0; v < n; ++v) {
        if (!dermis_lesion_contains(t, v) || !(t->matrix_factor[v] > 0.0)) continue;
        const double c = u[DERMIS_F_COLLAGEN_I * n + v] + u[DERMIS_F_COLLAGEN_III * n + v];
        *collagen += c;
        *deficit += c * (1.0 / t->matrix_factor[v] - 1.0);
    }
}

void dermis_observables_set_baseline(dermis_observables *o, const double *u)
{
    region_means(o, u);
    for (int r = 0; r < N_REGIONS; ++r) {
        o->state[S_BASE_COLLAGEN + r] = collagen_mean(o, r);
        o->state[S_BASE_ELASTIN + r] = o->mean[DERMIS_F_ELASTIN][r];
    }
    o->state[S_BASE_COLLAGEN_I_DERMIS] = o->mean[DERMIS_F_COLLAGEN_I][R_DERMIS];
    o->state[S_BASE_INFLAMMATION] = inflammatory_cells(o);
    lesion_sums(o, u, &o->state[S_LESION_SUM0], &o->state[S_LESION_DEFICIT0]);
    o->state[S_BASELINE_SET] = 1.0;
}

static double change_pct(double now, double base)
{
    return base > 0.0 ? 100.0 * (now / base - 1.0) : 0.0;
}

/* Downtime tracking for the latest session (see observables.h). */
static double downtime(dermis_observables *o, double t_day, double index)
{
    double *s = o->state;
    const long k = o->sessions ? dermis_session_latest(o->sessions, t_day) : -1;
    const double threshold = o->outcome.downtime_threshold;
    if (k < 0) return 0.0;
    const double t_k = o->sessions->session[k].t_day;
    if ((double)k != s[S_DOWNTIME_SESSION]) {
        s[S_DOWNTIME_SESSION] = (double)k;
        s[S_DOWNTIME_ABOVE] = s[S_DOWNTIME_DONE] = s[S_DOWNTIME_VALUE] = 0.0;
    }
    if (s[S_DOWNTIME_DONE] == 0.0) {
        if (index >= threshold) {
            s[S_DOWNTIME_ABOVE] = 1.0;
            s[S_DOWNTIME_VALUE] = t_day - t_k;
        } else if (s[S_DOWNTIME_ABOVE] != 0.0) {
            /* Crossing between the previous call and this one, linearly interpolated. */
            const double t0 = fmax(s[S_T_PREV], t_k), i0 = s[S_INDEX_PREV];
            const double w = i0 > index ? (i0 - threshold) / (i0 - index) : 1.0;
            s[S_DOWNTIME_VALUE] = t0 + w * (t_day - t0) - t_k;
            s[S_DOWNTIME_DONE] = 1.0;
        }
    }
    return s[S_DOWNTIME_VALUE];
}

static void matrix_observables(dermis_observables *o, const double *u, double *values)
{
    const double *s = o->state;
    for (int r = 0; r < N_REGIONS; ++r) {
        const double c3 = o->mean[DERMIS_F_COLLAGEN_III][r];
        values[o->slot.collagen_change + r] = change_pct(collagen_mean(o, r), s[S_BASE_COLLAGEN + r]);
        values[o->slot.collagen_ratio + r] = c3 > 0.0 ? o->mean[DERMIS_F_COLLAGEN_I][r] / c3 : 0.0;
        values[o->slot.elastin_change + r] = change_pct(o->mean[DERMIS_F_ELASTIN][r], s[S_BASE_ELASTIN + r]);
    }
    if (o->slot.lesion_fill >= 0) {
        double collagen, deficit;
        lesion_sums(o, u, &collagen, &deficit);
        values[o->slot.lesion_fill] =
            s[S_LESION_DEFICIT0] > 0.0 ? 100.0 * (collagen - s[S_LESION_SUM0]) / s[S_LESION_DEFICIT0] : 0.0;
    }
    const double w = o->outcome.stiffness_collagen_weight;
    const double ci0 = s[S_BASE_COLLAGEN_I_DERMIS], e0 = s[S_BASE_ELASTIN + R_DERMIS];
    const double rel_c = ci0 > 0.0 ? o->mean[DERMIS_F_COLLAGEN_I][R_DERMIS] / ci0 : 1.0;
    const double rel_e = e0 > 0.0 ? o->mean[DERMIS_F_ELASTIN][R_DERMIS] / e0 : 1.0;
    values[o->slot.stiffness] = 100.0 * (w * rel_c + (1.0 - w) * rel_e - 1.0);
}

static void topical_observables(dermis_observables *o, const double *u, double *values)
{
    const size_t n = dermis_grid_voxels(&o->tissue->grid);
    double *s = o->state;
    s[S_DOSE_PEAK] = fmax(s[S_DOSE_PEAK], dermis_topical_load_ng_per_cm2(o->tissue, u + DERMIS_F_TOPICAL * n));
    s[S_DOSE_INTACT_PEAK] =
        fmax(s[S_DOSE_INTACT_PEAK], dermis_topical_load_ng_per_cm2(o->tissue, u + DERMIS_F_TOPICAL_INTACT * n));
    values[o->slot.dose] = s[S_DOSE_PEAK];
    values[o->slot.dose_intact] = s[S_DOSE_INTACT_PEAK];
    values[o->slot.enhancement] = s[S_DOSE_INTACT_PEAK] > 0.0 ? s[S_DOSE_PEAK] / s[S_DOSE_INTACT_PEAK] : NAN;
}

void dermis_observables_compute(dermis_observables *o, double t_day, const double *u, double *values)
{
    if (o->state[S_BASELINE_SET] == 0.0) dermis_observables_set_baseline(o, u);
    region_means(o, u);
    size_t i = 0;
    for (int f = 0; f < DERMIS_N_FIELDS; ++f)
        for (int r = 0; r < N_REGIONS; ++r) values[i++] = o->mean[f][r];
    matrix_observables(o, u, values);
    const double excess = fmax(0.0, inflammatory_cells(o) - o->state[S_BASE_INFLAMMATION]);
    const double index = excess / o->outcome.inflammation_reference_per_mm3;
    values[o->slot.inflammation] = index;
    values[o->slot.downtime] = downtime(o, t_day, index);
    o->state[S_T_PREV] = t_day;
    o->state[S_INDEX_PREV] = index;
    topical_observables(o, u, values);
    values[o->slot.barrier] = o->barrier ? dermis_barrier_open_fraction(o->barrier, t_day) : 0.0;
}

void dermis_observables_get_state(const dermis_observables *o, double *state)
{
    memcpy(state, o->state, sizeof o->state);
}

void dermis_observables_set_state(dermis_observables *o, const double *state)
{
    memcpy(o->state, state, sizeof o->state);
}
