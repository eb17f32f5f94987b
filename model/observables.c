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

/* The checkpointed memory, one named member per DERMIS_OBSERVABLES_STATE entry. */
#define STATE_MEMBER(name, length, units, meaning) double name[length];
typedef struct {
    DERMIS_OBSERVABLES_STATE(STATE_MEMBER)
} observables_state;
#undef STATE_MEMBER
_Static_assert(sizeof(observables_state) == DERMIS_OBSERVABLES_STATE_SIZE * sizeof(double),
               "the observables state must be a flat array of doubles");
_Static_assert(DERMIS_OBSERVABLE_REGIONS == N_REGIONS, "region count of the state");

#define STATE_ENTRY(name, length, units, meaning) \
    {#name, offsetof(observables_state, name) / sizeof(double), length, units, meaning},
static const dermis_observables_state_entry state_entries[] = {DERMIS_OBSERVABLES_STATE(STATE_ENTRY)};
#undef STATE_ENTRY

typedef void (*observable_fn)(dermis_observables *o, double t_day, const double *u, double *out);

/* One observable: its name (per region: the stem of <stem>_<region>), units, long name, whether
 * it has one value per region or exists only with a lesion, and its function, which writes its
 * value(s) to out. Rows are computed in table order. */
typedef struct {
    const char *name, *units, *long_name;
    int per_region, lesion_only;
    observable_fn compute;
} observable_row;

#define N_ROWS_MAX 32

struct dermis_observables {
    const dermis_tissue *tissue;
    const dermis_session_table *sessions;
    const dermis_barrier *barrier;
    dermis_outcome_params outcome;
    size_t count;
    long slot[N_ROWS_MAX]; /* first value of each table row, -1 if absent */
    char (*name_text)[NAME_LEN];
    char (*unit_text)[NAME_LEN];
    char (*long_text)[LONG_NAME_LEN];
    char (*stem_text)[NAME_LEN];
    char (*stem_long_text)[LONG_NAME_LEN];
    const char **names, **units, **long_names, **stems, **stem_long_names;
    int *region;                                  /* region of each observable, -1 = none */
    observables_state st;
    double index;                                 /* inflammation index of this compute call */
    double erythema;                              /* erythema index of this compute call */
    double sum[DERMIS_N_FIELDS][N_LAYER_REGIONS]; /* scratch of compute */
    double mean[DERMIS_N_FIELDS][N_REGIONS];      /* scratch of compute */
    size_t voxels[N_LAYER_REGIONS];
    /* Per voxel, from the baseline and the configuration (rebuilt on restart, not checkpointed). */
    double *base_collagen, *base_fibroblasts; /* baseline C1 + C3 and F */
    double *latest_injury;                    /* injured fraction in the latest session */
    unsigned char *injured;                   /* 1: dermal voxel injured by some session so far */
    long injury_session;                      /* session the two maps above are for, -1 none */
    float *session_injury;                    /* injured fraction per session and voxel, made at alloc */
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

/* ---------------------------------------------------------------- shared quantities --------- */

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

static double change_pct(double now, double base)
{
    return base > 0.0 ? 100.0 * (now / base - 1.0) : 0.0;
}

static int is_dermal(const dermis_tissue *t, size_t v)
{
    const int r = region_of_layer(t->layer[v]);
    return r == R_PAPILLARY || r == R_RETICULAR;
}

/* Vessel-weighted dilation of the dermal vessels per skin area (mm), before the baseline is
 * subtracted: sum over dermal voxels of B A/(K_v + A) dx, divided by the number of columns. */
static double dilated_dermis_mm(const dermis_observables *o, const double *u)
{
    const dermis_tissue *t = o->tissue;
    const dermis_grid *g = &t->grid;
    const size_t n = dermis_grid_voxels(g);
    const double K = o->outcome.vasodilation_half_saturation_ng_per_ml;
    double sum = 0.0;
    for (size_t v = 0; v < n; ++v) {
        if (!is_dermal(t, v)) continue;
        const double a = fmax(u[DERMIS_F_ALARMINS * n + v], 0.0);
        sum += u[DERMIS_F_VESSELS * n + v] * a / (K + a);
    }
    return sum * g->dx_mm / (double)(g->nx * g->ny);
}

/* Brings the injury maps up to the latest session at t_day (pure functions of the configuration,
 * so a restart rebuilds them). Returns the latest session, or -1. */
static long update_injury_maps(dermis_observables *o, double t_day)
{
    const long k = o->sessions ? dermis_session_latest(o->sessions, t_day) : -1;
    if (k == o->injury_session || !o->session_injury) return k == o->injury_session ? k : -1;
    const dermis_tissue *t = o->tissue;
    const size_t n = dermis_grid_voxels(&t->grid);
    memset(o->injured, 0, n);
    memset(o->latest_injury, 0, n * sizeof *o->latest_injury);
    for (long j = 0; j <= k; ++j) {
        const float *d = o->session_injury + (size_t)j * n;
        for (size_t v = 0; v < n; ++v) {
            if (!(d[v] > 0.0f) || !is_dermal(t, v)) continue;
            o->injured[v] = 1;
            if (j == k) o->latest_injury[v] = d[v];
        }
    }
    o->injury_session = k;
    return k;
}

/* Collagen missing below the baseline, summed over the voxels of the latest session. */
static double latest_deficit(const dermis_observables *o, const double *u)
{
    const size_t n = dermis_grid_voxels(&o->tissue->grid);
    double deficit = 0.0;
    for (size_t v = 0; v < n; ++v) {
        if (!(o->latest_injury[v] > 0.0)) continue;
        const double c = u[DERMIS_F_COLLAGEN_I * n + v] + u[DERMIS_F_COLLAGEN_III * n + v];
        deficit += fmax(0.0, o->base_collagen[v] - c);
    }
    return deficit;
}

/* ---------------------------------------------------------------- observables --------------- */

static void collagen_change(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day, (void)u;
    for (int r = 0; r < N_REGIONS; ++r) out[r] = change_pct(collagen_mean(o, r), o->st.baseline_collagen[r]);
}

static void collagen_ratio(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day, (void)u;
    for (int r = 0; r < N_REGIONS; ++r) {
        const double c3 = o->mean[DERMIS_F_COLLAGEN_III][r];
        out[r] = c3 > 0.0 ? o->mean[DERMIS_F_COLLAGEN_I][r] / c3 : NAN; /* 0/0: undefined */
    }
}

static void elastin_change(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day, (void)u;
    for (int r = 0; r < N_REGIONS; ++r) out[r] = change_pct(o->mean[DERMIS_F_ELASTIN][r], o->st.baseline_elastin[r]);
}

static void lesion_fill(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day;
    double collagen, deficit;
    lesion_sums(o, u, &collagen, &deficit);
    const double deficit0 = o->st.lesion_deficit0[0];
    *out = deficit0 > 0.0 ? 100.0 * (collagen - o->st.lesion_collagen0[0]) / deficit0 : 0.0;
}

static void inflammation(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day, (void)u;
    const double excess = fmax(0.0, inflammatory_cells(o) - o->st.baseline_inflammation[0]);
    o->index = excess / o->outcome.inflammation_reference_per_mm3;
    *out = o->index;
}

/* Visible redness (observables.h, docs/model.md "Downtime and erythema"): the early danger
 * signals dilate the dermal vessels within minutes (Sjogren & Anderson 2009: IL-1b, IL-6, IL-8
 * peak 5-8 h after sterile needle trauma), so redness follows the alarmin field quasi-statically,
 * weighted by the vessels present (a destroyed channel core holds none). */
static void erythema(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day;
    o->erythema = fmax(0.0, dilated_dermis_mm(o, u) - o->st.baseline_erythema[0]);
    *out = o->erythema;
}

/* Downtime of the latest session (see observables.h); reads the index of the erythema row. */
static void downtime(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)u;
    observables_state *s = &o->st;
    const long k = o->sessions ? dermis_session_latest(o->sessions, t_day) : -1;
    const double threshold = o->outcome.erythema_threshold_mm, index = o->erythema;
    if (k < 0) {
        *out = 0.0;
        return;
    }
    const double t_k = o->sessions->session[k].t_day;
    if ((double)k != s->downtime_session[0]) {
        s->downtime_session[0] = (double)k;
        s->downtime_above[0] = s->downtime_done[0] = s->downtime_value[0] = 0.0;
    }
    if (s->downtime_done[0] == 0.0) {
        if (index >= threshold) {
            s->downtime_above[0] = 1.0;
            s->downtime_value[0] = t_day - t_k;
        } else if (s->downtime_above[0] != 0.0) {
            /* Crossing between the previous call and this one, linearly interpolated. */
            const double t0 = fmax(s->previous_day[0], t_k), i0 = s->previous_erythema[0];
            const double w = i0 > index ? (i0 - threshold) / (i0 - index) : 1.0;
            s->downtime_value[0] = t0 + w * (t_day - t0) - t_k;
            s->downtime_done[0] = 1.0;
        }
    }
    *out = s->downtime_value[0];
}

static void topical_dose(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day;
    const size_t n = dermis_grid_voxels(&o->tissue->grid);
    o->st.dose_peak[0] = fmax(o->st.dose_peak[0], dermis_topical_load_ng_per_cm2(o->tissue, u + DERMIS_F_TOPICAL * n));
    *out = o->st.dose_peak[0];
}

static void topical_dose_intact(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day;
    const size_t n = dermis_grid_voxels(&o->tissue->grid);
    o->st.dose_intact_peak[0] =
        fmax(o->st.dose_intact_peak[0], dermis_topical_load_ng_per_cm2(o->tissue, u + DERMIS_F_TOPICAL_INTACT * n));
    *out = o->st.dose_intact_peak[0];
}

/* Reads the peaks updated by the two dose rows above it. */
static void topical_enhancement(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day, (void)u;
    *out = o->st.dose_intact_peak[0] > 0.0 ? o->st.dose_peak[0] / o->st.dose_intact_peak[0] : NAN;
}

static void stiffness(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)t_day, (void)u;
    const double w = o->outcome.stiffness_collagen_weight;
    const double ci0 = o->st.baseline_collagen_I_dermis[0], e0 = o->st.baseline_elastin[R_DERMIS];
    const double rel_c = ci0 > 0.0 ? o->mean[DERMIS_F_COLLAGEN_I][R_DERMIS] / ci0 : 1.0;
    const double rel_e = e0 > 0.0 ? o->mean[DERMIS_F_ELASTIN][R_DERMIS] / e0 : 1.0;
    *out = 100.0 * (w * rel_c + (1.0 - w) * rel_e - 1.0);
}

static void barrier_open(dermis_observables *o, double t_day, const double *u, double *out)
{
    (void)u;
    *out = o->barrier ? dermis_barrier_open_fraction(o->barrier, t_day) : 0.0;
}

static void channel_fill(dermis_observables *o, double t_day, const double *u, double *out)
{
    const long k = update_injury_maps(o, t_day);
    *out = 0.0;
    if (k < 0) return;
    /* The reference deficit is latched at the first observation after session k that sees one:
     * an observation at the session's own time but before it was applied (the baseline frame
     * when a session falls on day 0) sees none and must not latch 0. */
    if ((double)k != o->st.fill_session[0] || !(o->st.fill_deficit0[0] > 0.0)) {
        o->st.fill_session[0] = (double)k;
        o->st.fill_deficit0[0] = latest_deficit(o, u);
    }
    const double deficit0 = o->st.fill_deficit0[0];
    *out = deficit0 > 0.0 ? 100.0 * (1.0 - latest_deficit(o, u) / deficit0) : 100.0;
}

static void granulation(dermis_observables *o, double t_day, const double *u, double *out)
{
    const size_t n = dermis_grid_voxels(&o->tissue->grid);
    *out = 0.0;
    if (update_injury_maps(o, t_day) < 0) return;
    double cells = 0.0, base = 0.0;
    for (size_t v = 0; v < n; ++v) {
        const double f = o->latest_injury[v];
        if (!(f > 0.0)) continue;
        cells += f * (u[DERMIS_F_FIBROBLASTS * n + v] + u[DERMIS_F_MYOFIBROBLASTS * n + v]);
        base += f * o->base_fibroblasts[v];
    }
    *out = base > 0.0 ? cells / base : 0.0;
}

/* Collagen change over injured (which = 1) or never-injured (0) dermal voxels. */
static double collagen_change_where(dermis_observables *o, double t_day, const double *u, int which)
{
    const size_t n = dermis_grid_voxels(&o->tissue->grid);
    update_injury_maps(o, t_day);
    double now = 0.0, base = 0.0;
    for (size_t v = 0; v < n; ++v) {
        if (!is_dermal(o->tissue, v) || o->injured[v] != which) continue;
        now += u[DERMIS_F_COLLAGEN_I * n + v] + u[DERMIS_F_COLLAGEN_III * n + v];
        base += o->base_collagen[v];
    }
    return change_pct(now, base);
}

static void collagen_change_injured(dermis_observables *o, double t_day, const double *u, double *out)
{
    *out = collagen_change_where(o, t_day, u, 1);
}

static void collagen_change_uninjured(dermis_observables *o, double t_day, const double *u, double *out)
{
    *out = collagen_change_where(o, t_day, u, 0);
}

/* The observables after the field means, in output order. */
static const observable_row rows[] = {
    {"collagen_change_pct", "percent", "collagen I + III change from the pre-treatment baseline", 1, 0, collagen_change},
    {"collagen_ratio_I_III", "1", "ratio of type I to type III collagen", 1, 0, collagen_ratio},
    {"elastin_change_pct", "percent", "elastin change from the pre-treatment baseline", 1, 0, elastin_change},
    {"lesion_fill_pct", "percent", "share of the lesion's initial collagen deficit refilled", 0, 1, lesion_fill},
    {"inflammation_index", "1", "excess neutrophils + inflammatory macrophages in the dermis over the reference density", 0,
     0, inflammation},
    {"erythema_index", "mm", "visible redness: vessel-weighted dilation of the dermal vessels per skin area", 0, 0,
     erythema},
    {"downtime_days", "day", "time after the latest session until the redness (erythema_index) fades", 0, 0, downtime},
    {"topical_dose", "ng cm-2", "peak topical product mass per skin area in viable skin", 0, 0, topical_dose},
    {"topical_dose_intact", "ng cm-2", "peak topical product mass per skin area in viable skin of untreated skin", 0, 0,
     topical_dose_intact},
    {"topical_enhancement", "1", "topical dose relative to untreated skin", 0, 0, topical_enhancement},
    {"stiffness_change_pct", "percent", "dermal stiffness proxy (collagen I and elastin) change from baseline", 0, 0,
     stiffness},
    {"barrier_open_fraction", "1", "surface mean openness of the stratum corneum", 0, 0, barrier_open},
    {"channel_fill_pct", "percent", "share of the collagen deficit left by the latest session that has been refilled", 0, 0,
     channel_fill},
    {"granulation_index", "1", "fibroblasts + myofibroblasts over baseline in the voxels injured by the latest session", 0,
     0, granulation},
    {"collagen_change_pct_injured", "percent", "collagen I + III change over dermal voxels injured by any session", 0, 0,
     collagen_change_injured},
    {"collagen_change_pct_uninjured", "percent", "collagen I + III change over dermal voxels never injured", 0, 0,
     collagen_change_uninjured},
};
#define N_ROWS (sizeof rows / sizeof rows[0])
_Static_assert(N_ROWS <= N_ROWS_MAX, "observable table larger than N_ROWS_MAX");

/* ---------------------------------------------------------------- declaration --------------- */

/* Declares one observable of a region (region >= 0: named <stem>_<region>) or a scalar one
 * (region -1: named <stem>); `what` is its long name without the region. */
static size_t add(dermis_observables *o, const char *stem, int region, const char *units, const char *what)
{
    const size_t i = o->count++;
    if (!o->names) return i; /* counting pass */
    if (region >= 0) {
        /* Names are short registry words; a truncated name would fail the name tests. */
        const int n1 = snprintf(o->name_text[i], NAME_LEN, "%s_%s", stem, region_names[region]);
        const int n2 = snprintf(o->long_text[i], LONG_NAME_LEN, "%s, %s", what, region_words[region]);
        if (n1 < 0 || n2 < 0) o->name_text[i][0] = o->long_text[i][0] = '\0';
    } else {
        snprintf(o->name_text[i], NAME_LEN, "%s", stem);
        snprintf(o->long_text[i], LONG_NAME_LEN, "%s", what);
    }
    snprintf(o->unit_text[i], NAME_LEN, "%s", units);
    snprintf(o->stem_text[i], NAME_LEN, "%s", stem);
    snprintf(o->stem_long_text[i], LONG_NAME_LEN, "%s", what);
    o->names[i] = o->name_text[i];
    o->units[i] = o->unit_text[i];
    o->long_names[i] = o->long_text[i];
    o->stems[i] = o->stem_text[i];
    o->stem_long_names[i] = o->stem_long_text[i];
    o->region[i] = region;
    return i;
}

/* Declares every observable; with names == NULL it only counts them. */
static void declare(dermis_observables *o, int lesion)
{
    char stem[NAME_LEN], what[LONG_NAME_LEN];
    o->count = 0;
    for (int f = 0; f < DERMIS_N_FIELDS; ++f) {
        const dermis_species_info *s = dermis_species((dermis_field)f);
        snprintf(stem, sizeof stem, "%s_mean", s->name);
        snprintf(what, sizeof what, "region mean of %s", s->long_name);
        for (int r = 0; r < N_REGIONS; ++r) add(o, stem, r, s->units, what);
    }
    for (size_t k = 0; k < N_ROWS; ++k) {
        const observable_row *row = &rows[k];
        o->slot[k] = -1;
        if (row->lesion_only && !lesion) continue;
        if (!row->per_region) {
            o->slot[k] = (long)add(o, row->name, -1, row->units, row->long_name);
            continue;
        }
        for (int r = 0; r < N_REGIONS; ++r) {
            const size_t i = add(o, row->name, r, row->units, row->long_name);
            if (r == 0) o->slot[k] = (long)i;
        }
    }
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
    o->stem_text = alloc_array(o->count, sizeof *o->stem_text, &failed);
    o->stem_long_text = alloc_array(o->count, sizeof *o->stem_long_text, &failed);
    o->stems = alloc_array(o->count, sizeof *o->stems, &failed);
    o->stem_long_names = alloc_array(o->count, sizeof *o->stem_long_names, &failed);
    o->region = alloc_array(o->count, sizeof *o->region, &failed);
    const size_t n = dermis_grid_voxels(&tissue->grid);
    o->base_collagen = alloc_array(n, sizeof *o->base_collagen, &failed);
    o->base_fibroblasts = alloc_array(n, sizeof *o->base_fibroblasts, &failed);
    o->latest_injury = alloc_array(n, sizeof *o->latest_injury, &failed);
    o->injured = alloc_array(n, sizeof *o->injured, &failed);
    if (sessions && sessions->n > 0 && !failed) {
        /* The sessions' injury maps, a pure function of the configuration, made once here so that
         * compute() never allocates (placing channels does). */
        o->session_injury = alloc_array(n * sessions->n, sizeof *o->session_injury, &failed);
        dermis_injury_workspace ws = {0};
        if (!failed && dermis_injury_workspace_alloc(&ws, &tissue->grid) != 0) failed = 1;
        for (size_t k = 0; k < sessions->n && !failed; ++k) {
            if (dermis_session_injury(sessions, k, &ws) != 0) failed = 1;
            for (size_t v = 0; v < n && !failed; ++v) o->session_injury[k * n + v] = (float)ws.damage[v];
        }
        if (ws.damage) dermis_injury_workspace_free(&ws);
    }
    if (failed) {
        dermis_observables_free(o);
        return NULL;
    }
    declare(o, lesion);
    o->st.downtime_session[0] = -1.0;
    o->st.fill_session[0] = -1.0;
    o->injury_session = -1;
    memset(o->injured, 0, n);
    memset(o->latest_injury, 0, n * sizeof *o->latest_injury);
    memset(o->base_collagen, 0, n * sizeof *o->base_collagen);
    memset(o->base_fibroblasts, 0, n * sizeof *o->base_fibroblasts);
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
    free(o->stem_text);
    free(o->stem_long_text);
    free(o->stems);
    free(o->stem_long_names);
    free(o->region);
    free(o->base_collagen);
    free(o->base_fibroblasts);
    free(o->latest_injury);
    free(o->injured);
    free(o->session_injury);
    free(o);
}

size_t dermis_observables_count(const dermis_observables *o) { return o->count; }
const char *const *dermis_observables_names(const dermis_observables *o) { return o->names; }
const char *const *dermis_observables_units(const dermis_observables *o) { return o->units; }
const char *const *dermis_observables_long_names(const dermis_observables *o) { return o->long_names; }
const char *const *dermis_observables_stems(const dermis_observables *o) { return o->stems; }
const char *const *dermis_observables_stem_long_names(const dermis_observables *o) { return o->stem_long_names; }
const int *dermis_observables_regions(const dermis_observables *o) { return o->region; }
size_t dermis_observables_region_count(void) { return N_REGIONS; }
const char *const *dermis_observables_region_names(void) { return region_names; }

long dermis_observables_find(const dermis_observables *o, const char *name)
{
    for (size_t i = 0; i < o->count; ++i)
        if (strcmp(o->names[i], name) == 0) return (long)i;
    return -1;
}

/* ---------------------------------------------------------------- evaluation ---------------- */

void dermis_observables_set_baseline(dermis_observables *o, const double *u)
{
    region_means(o, u);
    for (int r = 0; r < N_REGIONS; ++r) {
        o->st.baseline_collagen[r] = collagen_mean(o, r);
        o->st.baseline_elastin[r] = o->mean[DERMIS_F_ELASTIN][r];
    }
    o->st.baseline_collagen_I_dermis[0] = o->mean[DERMIS_F_COLLAGEN_I][R_DERMIS];
    o->st.baseline_inflammation[0] = inflammatory_cells(o);
    o->st.baseline_erythema[0] = dilated_dermis_mm(o, u);
    lesion_sums(o, u, &o->st.lesion_collagen0[0], &o->st.lesion_deficit0[0]);
    const size_t n = dermis_grid_voxels(&o->tissue->grid);
    for (size_t v = 0; v < n; ++v) {
        o->base_collagen[v] = u[DERMIS_F_COLLAGEN_I * n + v] + u[DERMIS_F_COLLAGEN_III * n + v];
        o->base_fibroblasts[v] = u[DERMIS_F_FIBROBLASTS * n + v];
    }
    o->st.baseline_set[0] = 1.0;
}

void dermis_observables_compute(dermis_observables *o, double t_day, const double *u, double *values)
{
    if (o->st.baseline_set[0] == 0.0) dermis_observables_set_baseline(o, u);
    region_means(o, u);
    size_t i = 0;
    for (int f = 0; f < DERMIS_N_FIELDS; ++f)
        for (int r = 0; r < N_REGIONS; ++r) values[i++] = o->mean[f][r];
    for (size_t k = 0; k < N_ROWS; ++k)
        if (o->slot[k] >= 0) rows[k].compute(o, t_day, u, values + o->slot[k]);
    o->st.previous_day[0] = t_day;
    o->st.previous_erythema[0] = o->erythema;
}

size_t dermis_observables_state_entries(const dermis_observables_state_entry **entries)
{
    *entries = state_entries;
    return sizeof state_entries / sizeof state_entries[0];
}

void dermis_observables_get_state(const dermis_observables *o, double *state)
{
    memcpy(state, &o->st, sizeof o->st);
}

void dermis_observables_set_state(dermis_observables *o, const double *state)
{
    memcpy(&o->st, state, sizeof o->st);
}
