/* Protocol parameters: choice names, defaults and cross-key checks (see protocol.h).
 * The defaults are the DERMIS_DEF_* values of protocol.h, which the schema shares. */
#include "model/protocol.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "model/device.h"

const char *const dermis_site_names[] = {"face_cheek", "forehead", "neck", "hand_dorsum", "abdomen", "back", NULL};
const char *const dermis_device_names[] = {"dermaroller", "dermapen", "channels", NULL};
const char *const dermis_tip_names[] = {"cone", "cylinder", NULL};
const char *const dermis_placement_names[] = {"random", "pattern", NULL};
const char *const dermis_molecule_names[] = {"small", "peptide", "protein", NULL};
const char *const dermis_lesion_names[] = {"none", "ice_pick", "boxcar", "rolling", "stretch_mark", NULL};

static void skin_defaults(dermis_skin_params *s)
{
    s->site = DERMIS_SITE_FACE_CHEEK;
    s->stratum_corneum_mm = NAN;
    s->epidermis_mm = NAN;
    s->papillary_dermis_mm = NAN;
    s->reticular_dermis_mm = NAN;
    s->capillary_depth_mm = NAN;
}

static void device_defaults(dermis_device_params *d)
{
    d->type = DERMIS_DEVICE_DERMAPEN;
    d->depth_mm = DERMIS_DEF_DEVICE_DEPTH_MM;
    d->needle_diameter_mm = DERMIS_DEF_NEEDLE_DIAMETER_MM;
    d->tip = DERMIS_TIP_CONE;
    d->penetration_fraction = DERMIS_DEF_PENETRATION_FRACTION;
    d->crush_width_mm = DERMIS_DEF_CRUSH_WIDTH_MM;
    d->crush_damage = DERMIS_DEF_CRUSH_DAMAGE;
    d->placement = DERMIS_PLACEMENT_RANDOM;
    d->roller_needles = DERMIS_DEF_ROLLER_NEEDLES;
    d->roller_rows = DERMIS_DEF_ROLLER_ROWS;
    d->roller_drum_diameter_mm = DERMIS_DEF_ROLLER_DRUM_DIAMETER_MM;
    d->roller_drum_width_mm = DERMIS_DEF_ROLLER_DRUM_WIDTH_MM;
    d->roller_passes = DERMIS_DEF_ROLLER_PASSES;
    d->pen_needles = DERMIS_DEF_PEN_NEEDLES;
    d->pen_frequency_hz = DERMIS_DEF_PEN_FREQUENCY_HZ;
    d->pen_glide_speed_mm_per_s = DERMIS_DEF_PEN_GLIDE_SPEED_MM_PER_S;
    d->pen_path_width_mm = DERMIS_DEF_PEN_PATH_WIDTH_MM;
    d->pen_passes = DERMIS_DEF_PEN_PASSES;
    d->channels_per_cm2 = DERMIS_DEF_CHANNELS_PER_CM2;
}

static void treatment_defaults(dermis_treatment_params *t)
{
    t->n_session_days = 0;
    for (size_t k = 0; k < DERMIS_MAX_SESSIONS; ++k)
        t->session_days[k] = 0.0;
    t->session_count = 0;
    t->session_interval_days = NAN;
    t->first_session_day = DERMIS_DEF_FIRST_SESSION_DAY;
    t->occlusion = 0;
    t->reseal_half_life_h = DERMIS_DEF_RESEAL_HALF_LIFE_H;
    t->reseal_half_life_occluded_h = DERMIS_DEF_RESEAL_HALF_LIFE_OCCLUDED_H;
}

static void topical_defaults(dermis_topical_params *t)
{
    t->applied = 0;
    t->concentration_ng_per_ml = DERMIS_DEF_TOPICAL_CONCENTRATION_NG_PER_ML;
    t->molecule = DERMIS_MOLECULE_PEPTIDE;
    t->diffusivity_mm2_per_day = NAN;
    t->start_h = DERMIS_DEF_TOPICAL_START_H;
    t->end_h = DERMIS_DEF_TOPICAL_END_H;
    t->permeability_intact_cm_per_h = DERMIS_DEF_TOPICAL_PERMEABILITY_CM_PER_H;
    t->clearance_per_day = DERMIS_DEF_TOPICAL_CLEARANCE_PER_DAY;
}

static void lesion_defaults(dermis_lesion_params *l)
{
    l->type = DERMIS_LESION_NONE;
    l->centre_x_mm = NAN;
    l->centre_y_mm = NAN;
    l->width_mm = DERMIS_DEF_LESION_WIDTH_MM;
    l->depth_mm = DERMIS_DEF_LESION_DEPTH_MM;
    l->severity = DERMIS_DEF_LESION_SEVERITY;
    l->dermal_thinning_fraction = DERMIS_DEF_LESION_THINNING;
}

void dermis_protocol_defaults(dermis_protocol_params *p)
{
    skin_defaults(&p->skin);
    device_defaults(&p->device);
    treatment_defaults(&p->treatment);
    for (size_t k = 0; k < DERMIS_MAX_SESSIONS; ++k) {
        p->session[k].device = -1;
        p->session[k].depth_mm = NAN;
    }
    topical_defaults(&p->topical);
    lesion_defaults(&p->lesion);
    p->outcome.inflammation_reference_per_mm3 = DERMIS_DEF_INFLAMMATION_REFERENCE_PER_MM3;
    p->outcome.downtime_threshold = DERMIS_DEF_DOWNTIME_THRESHOLD;
    p->outcome.stiffness_collagen_weight = DERMIS_DEF_STIFFNESS_COLLAGEN_WEIGHT;
}

/* Fills the problem (key, then a printf-style reason) and returns -1. */
static int problem(dermis_protocol_problem *pr, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int problem(dermis_protocol_problem *pr, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    snprintf(pr->key, sizeof pr->key, "%s", key);
    vsnprintf(pr->reason, sizeof pr->reason, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_session_times(const dermis_treatment_params *t, double t_end_days, dermis_protocol_problem *pr)
{
    if (t->n_session_days > 0 && t->session_count > 0)
        return problem(pr, "treatment.session_count",
                       "treatment.session_days and treatment.session_count are alternatives: give only one");
    if (t->session_count > DERMIS_MAX_SESSIONS)
        return problem(pr, "treatment.session_count", "at most %d sessions (got %ld)", DERMIS_MAX_SESSIONS,
                       t->session_count);
    if (t->session_count > 1 && !(t->session_interval_days > 0.0))
        return problem(pr, "treatment.session_interval_days",
                       "treatment.session_count = %ld needs treatment.session_interval_days > 0", t->session_count);
    for (size_t k = 1; k < t->n_session_days; ++k)
        if (!(t->session_days[k] > t->session_days[k - 1]))
            return problem(pr, "treatment.session_days", "must be strictly increasing (value %zu is %g after %g)",
                           k + 1, t->session_days[k], t->session_days[k - 1]);
    const size_t n = dermis_protocol_session_count(t);
    if (n == 0 || !(dermis_protocol_session_day(t, n - 1) > t_end_days))
        return 0;
    const double last = dermis_protocol_session_day(t, n - 1);
    if (t->n_session_days > 0)
        return problem(pr, "treatment.session_days",
                       "session %zu on day %g is after the end of the run (run.t_end_days = %g) and would never "
                       "happen",
                       n, last, t_end_days);
    if (t->first_session_day > t_end_days)
        return problem(pr, "treatment.first_session_day",
                       "treatment.first_session_day = %g is after the end of the run (run.t_end_days = %g)",
                       t->first_session_day, t_end_days);
    return problem(pr, "treatment.session_count",
                   "session %zu of treatment.session_count = %ld falls on day %g (every "
                   "treatment.session_interval_days = %g from day %g), after run.t_end_days = %g",
                   n, t->session_count, last, t->session_interval_days, t->first_session_day, t_end_days);
}

/* Effective depth of session k (0-based) must stay inside the simulated domain. */
static int check_depths(const dermis_protocol_params *p, double domain_depth_mm, dermis_protocol_problem *pr)
{
    const size_t n = dermis_protocol_session_count(&p->treatment);
    for (size_t k = 0; k < n && k < DERMIS_MAX_SESSIONS; ++k) {
        const double nominal = dermis_protocol_session_depth_mm(p, k);
        const double effective = dermis_device_effective_depth_mm(&p->device, nominal);
        if (effective <= domain_depth_mm)
            continue;
        char key[32];
        if (isnan(p->session[k].depth_mm))
            snprintf(key, sizeof key, "device.depth_mm");
        else
            snprintf(key, sizeof key, "session.%zu.depth_mm", k + 1);
        return problem(pr, key,
                       "%s = %g mm x device.penetration_fraction %g = %g mm reaches below the simulated skin "
                       "(run.depth_mm = %g mm): deepen the domain or shorten the needles",
                       key, nominal, p->device.penetration_fraction, effective, domain_depth_mm);
    }
    return 0;
}

/* A lesion centre must lie inside the domain along an axis the run has. */
static int check_lesion(const dermis_lesion_params *l, const dermis_protocol_domain *d, dermis_protocol_problem *pr)
{
    if (l->type == DERMIS_LESION_NONE)
        return 0;
    if (d->dims >= 2 && l->centre_x_mm > d->width_mm)
        return problem(pr, "lesion.centre_x_mm",
                       "lesion.centre_x_mm = %g mm lies outside the domain (run.width_mm = %g mm)", l->centre_x_mm,
                       d->width_mm);
    if (d->dims >= 3 && l->centre_y_mm > d->length_mm)
        return problem(pr, "lesion.centre_y_mm",
                       "lesion.centre_y_mm = %g mm lies outside the domain (run.length_mm = %g mm)", l->centre_y_mm,
                       d->length_mm);
    return 0;
}

int dermis_protocol_validate(const dermis_protocol_params *p, const dermis_protocol_domain *domain,
                             dermis_protocol_problem *pr)
{
    if (check_session_times(&p->treatment, domain->t_end_days, pr))
        return -1;
    if (!(p->topical.end_h > p->topical.start_h))
        return problem(pr, "topical.end_h", "topical.end_h = %g must be later than topical.start_h = %g",
                       p->topical.end_h, p->topical.start_h);
    if (check_depths(p, domain->depth_mm, pr))
        return -1;
    return check_lesion(&p->lesion, domain, pr);
}

int dermis_protocol_check(const dermis_protocol_params *p, double domain_depth_mm, char *msg, size_t msg_len)
{
    const dermis_protocol_domain domain = {.dims = 1, .depth_mm = domain_depth_mm, .t_end_days = INFINITY};
    dermis_protocol_problem pr;
    if (dermis_protocol_validate(p, &domain, &pr) == 0)
        return 0;
    if (msg && msg_len)
        snprintf(msg, msg_len, "%s: %s", pr.key, pr.reason);
    return -1;
}

size_t dermis_protocol_session_count(const dermis_treatment_params *t)
{
    const size_t n = t->n_session_days > 0 ? t->n_session_days : (size_t)(t->session_count > 0 ? t->session_count : 0);
    return n < DERMIS_MAX_SESSIONS ? n : DERMIS_MAX_SESSIONS;
}

double dermis_protocol_session_day(const dermis_treatment_params *t, size_t k)
{
    if (t->n_session_days > 0)
        return t->session_days[k];
    return t->first_session_day + (double)k * (k > 0 ? t->session_interval_days : 0.0);
}

int dermis_protocol_session_device(const dermis_protocol_params *p, size_t k)
{
    const int d = p->session[k].device;
    return (d >= 0 && d < DERMIS_N_DEVICES) ? d : p->device.type;
}

double dermis_protocol_session_depth_mm(const dermis_protocol_params *p, size_t k)
{
    return isnan(p->session[k].depth_mm) ? p->device.depth_mm : p->session[k].depth_mm;
}
