/* Protocol parameters: choice names, defaults (from the rows of protocol.h) and cross-key checks
 * (see protocol.h). */
#include "model/protocol.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/device.h"

const char *const dermis_site_names[] = {"face_cheek", "forehead", "neck", "hand_dorsum", "abdomen", "back", NULL};
const char *const dermis_tip_names[] = {"cone", "cylinder", NULL};
const char *const dermis_placement_names[] = {"random", "pattern", "stratified", NULL};
const char *const dermis_molecule_names[] = {"small", "peptide", "protein", NULL};
const char *const dermis_lesion_names[] = {"none", "ice_pick", "boxcar", "rolling", "stretch_mark", NULL};

/* The default of one row from its INI text (NULL = unset), as the configuration reader reads it:
 * the rows hold each default once, as text, for this function and for the schema. */
static void default_NUMBER(double *x, const char *text, const char *const *choices)
{
    (void)choices;
    *x = text != NULL ? strtod(text, NULL) : NAN;
}

static void default_INTEGER(long *x, const char *text, const char *const *choices)
{
    (void)choices;
    *x = text != NULL ? strtol(text, NULL, 10) : 0;
}

static void default_BOOLEAN(int *x, const char *text, const char *const *choices)
{
    (void)choices;
    *x = text != NULL && strcmp(text, "true") == 0;
}

static void default_ENUM(int *x, const char *text, const char *const *choices)
{
    *x = -1;
    for (int i = 0; text != NULL && choices[i] != NULL; ++i)
        if (strcmp(text, choices[i]) == 0) *x = i;
}

#define DEFAULT_ROW(section, field, type, key, unit, def, lo, hi, lo_excl, choices, doc, source) \
    default_##type(&p->section.field, def, choices);
#define SKIN_DEFAULT(...) DEFAULT_ROW(skin, __VA_ARGS__)
#define DEVICE_DEFAULT(...) DEFAULT_ROW(device, __VA_ARGS__)
#define TREATMENT_DEFAULT(...) DEFAULT_ROW(treatment, __VA_ARGS__)
#define TOPICAL_DEFAULT(...) DEFAULT_ROW(topical, __VA_ARGS__)
#define LESION_DEFAULT(...) DEFAULT_ROW(lesion, __VA_ARGS__)
#define OUTCOME_DEFAULT(...) DEFAULT_ROW(outcome, __VA_ARGS__)

void dermis_protocol_defaults(dermis_protocol_params *p)
{
    DERMIS_PROTOCOL_SKIN(SKIN_DEFAULT)
    DERMIS_PROTOCOL_DEVICE(DEVICE_DEFAULT)
    DERMIS_PROTOCOL_TREATMENT(TREATMENT_DEFAULT)
    DERMIS_PROTOCOL_TOPICAL(TOPICAL_DEFAULT)
    DERMIS_PROTOCOL_LESION(LESION_DEFAULT)
    DERMIS_PROTOCOL_OUTCOME(OUTCOME_DEFAULT)
    p->treatment.n_session_days = 0;
    for (size_t k = 0; k < DERMIS_MAX_SESSIONS; ++k) {
        p->treatment.session_days[k] = 0.0;
        p->session[k].device = -1;
        p->session[k].depth_mm = NAN;
    }
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
    if (d->dims >= 2 && isgreater(l->centre_x_mm, d->width_mm)) /* quiet: NaN = centred */
        return problem(pr, "lesion.centre_x_mm",
                       "lesion.centre_x_mm = %g mm lies outside the domain (run.width_mm = %g mm)", l->centre_x_mm,
                       d->width_mm);
    if (d->dims >= 3 && isgreater(l->centre_y_mm, d->length_mm))
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
