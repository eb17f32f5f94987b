/* Barrier openness and the topical Robin boundary (model and sources in barrier.h). */
#include "model/barrier.h"

#include <math.h>
#include <stdlib.h>

#include "model/species.h"
#include "model/topical.h"
#include "model/units.h"
#include "solver/detmath.h"

dermis_barrier *dermis_barrier_alloc(const dermis_grid *g, const dermis_protocol_params *p,
                                     const dermis_skin_profile *skin)
{
    dermis_barrier *b = malloc(sizeof *b);
    if (!b) return NULL;
    b->cells = g->nx * g->ny;
    b->open_fraction = calloc(DERMIS_MAX_SESSIONS * b->cells, sizeof *b->open_fraction);
    if (!b->open_fraction) {
        free(b);
        return NULL;
    }
    b->n_sessions = dermis_protocol_session_count(&p->treatment);
    for (size_t k = 0; k < DERMIS_MAX_SESSIONS; ++k) {
        b->recorded[k] = 0;
        b->t_session_day[k] = 0.0;
    }
    const double half_life_h = p->treatment.occlusion ? p->treatment.reseal_half_life_occluded_h
                                                      : p->treatment.reseal_half_life_h;
    b->half_life_day = half_life_h / DERMIS_HOURS_PER_DAY;
    b->applied = p->topical.applied;
    b->u_applied = p->topical.concentration_ng_per_ml;
    b->window_start_day = p->topical.start_h / DERMIS_HOURS_PER_DAY;
    b->window_end_day = p->topical.end_h / DERMIS_HOURS_PER_DAY;
    b->k_intact = dermis_topical_intact_mm_per_day(&p->topical);
    b->k_channel = dermis_topical_channel_mm_per_day(&p->topical, skin);
    return b;
}

void dermis_barrier_free(dermis_barrier *b)
{
    if (!b) return;
    free(b->open_fraction);
    free(b);
}

void dermis_barrier_record(dermis_barrier *b, size_t k, double t_day, const double *open_fraction)
{
    if (k >= DERMIS_MAX_SESSIONS) return;
    b->recorded[k] = 1;
    b->t_session_day[k] = t_day;
    for (size_t i = 0; i < b->cells; ++i) b->open_fraction[k * b->cells + i] = open_fraction[i];
}

double dermis_barrier_openness(const dermis_barrier *b, size_t cell, double t_day)
{
    double openness = 0.0;
    for (size_t k = 0; k < DERMIS_MAX_SESSIONS; ++k) {
        if (!b->recorded[k] || t_day < b->t_session_day[k]) continue;
        const double decay = dermis_det_exp2(-(t_day - b->t_session_day[k]) / b->half_life_day);
        openness = fmax(openness, b->open_fraction[k * b->cells + cell] * decay);
    }
    return openness;
}

double dermis_barrier_open_fraction(const dermis_barrier *b, double t_day)
{
    double sum = 0.0;
    for (size_t i = 0; i < b->cells; ++i) sum += dermis_barrier_openness(b, i, t_day);
    return sum / (double)b->cells;
}

int dermis_barrier_product_on_skin(const dermis_barrier *b, double t_day)
{
    if (!b->applied) return 0;
    for (size_t k = 0; k < DERMIS_MAX_SESSIONS; ++k) {
        if (!b->recorded[k]) continue;
        const double since = t_day - b->t_session_day[k];
        if (since >= b->window_start_day && since < b->window_end_day) return 1;
    }
    return 0;
}

int dermis_barrier_boundary(double t_day, size_t field, dermis_face face, double *k, double *u_outside, void *user)
{
    const dermis_barrier *b = user;
    const int topical = field == DERMIS_F_TOPICAL, control = field == DERMIS_F_TOPICAL_INTACT;
    const int active = face == DERMIS_FACE_TOP && (topical || control);
    const double outside = active && dermis_barrier_product_on_skin(b, t_day) ? b->u_applied : 0.0;
    for (size_t i = 0; i < b->cells; ++i) {
        u_outside[i] = outside;
        if (!active) k[i] = 0.0;
        else if (control) k[i] = b->k_intact;
        else k[i] = b->k_intact + dermis_barrier_openness(b, i, t_day) * b->k_channel;
    }
    return 0;
}
