/* The points of a sweep: unit coordinates from the design, mapped to values of the varied keys,
 * and each point's resolved configuration (base file, then [set], then the point's values and
 * seed, then the same final checks as `dermis run`). */
#include "app/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/message.h"

/* Largest number of points: more is surely a typo (and would fill the disk). */
#define SWEEP_POINTS_MAX 10000000UL

static void free_config(dermis_config *cfg, dermis_config_origin *origin)
{
    free(cfg);
    dermis_config_origin_free(origin);
}

/* Base file + [set] into cfg. Errors of [set] name their line in the sweep file. */
static int load_base(const sweep_spec *s, dermis_config *cfg, dermis_config_origin *origin, char *err)
{
    dermis_config_defaults(cfg);
    int rc = dermis_config_read_file(cfg, origin, s->base_path, err);
    if (rc != 0 && s->line_base > 0 && strstr(err, "cannot open") != NULL) {
        char reason[DERMIS_CONFIG_ERROR_MAX];
        snprintf(reason, sizeof reason, "%s", err);
        dermis_message(err, DERMIS_CONFIG_ERROR_MAX, -1, "%s:%d: sweep.base: %.400s", s->path, s->line_base, reason);
    }
    for (size_t i = 0; rc == 0 && i < s->n_sets; i++) {
        char one[DERMIS_CONFIG_ERROR_MAX];
        rc = dermis_config_apply_override(cfg, origin, s->sets[i], one);
        if (rc != 0)
            dermis_message(err, DERMIS_CONFIG_ERROR_MAX, -1, "%s:%d: set: %.400s", s->path, s->set_lines[i], one);
    }
    return rc;
}

int sweep_plan_build(const sweep_spec *spec, sweep_plan *plan, char err[DERMIS_CONFIG_ERROR_MAX])
{
    memset(plan, 0, sizeof *plan);
    plan->spec = spec;
    size_t d = spec->n_params;
    plan->n_design = spec->design->count(spec);
    if (plan->n_design == 0 || plan->n_design > SWEEP_POINTS_MAX / spec->replicates) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: sweep.design: %zu design points x %zu replicates: at most %lu "
                 "points", spec->path, plan->n_design, spec->replicates, SWEEP_POINTS_MAX);
        return 2;
    }
    plan->n_points = plan->n_design * spec->replicates;
    plan->u = malloc((plan->n_design * (d > 0 ? d : 1)) * sizeof *plan->u);
    plan->block = malloc(plan->n_design * sizeof *plan->block);
    plan->step = malloc(plan->n_design * sizeof *plan->step);
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_config_origin *origin = dermis_config_origin_alloc();
    if (plan->u == NULL || plan->block == NULL || plan->step == NULL || cfg == NULL || origin == NULL) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "%s: out of memory", spec->path);
        free_config(cfg, origin);
        return 2;
    }
    char reason[DERMIS_CONFIG_ERROR_MAX / 2];
    if (spec->design->generate(spec, plan->u, plan->block, plan->step, reason, sizeof reason) != 0) {
        dermis_message(err, DERMIS_CONFIG_ERROR_MAX, -1, "%s:%d: sweep.design: %s", spec->path, spec->line_design,
                       reason);
        free_config(cfg, origin);
        return 2;
    }
    int rc = load_base(spec, cfg, origin, err);
    plan->base_seed = cfg->run.seed;
    free_config(cfg, origin);
    return rc;
}

void sweep_plan_free(sweep_plan *plan)
{
    free(plan->u);
    free(plan->block);
    free(plan->step);
    memset(plan, 0, sizeof *plan);
}

size_t sweep_plan_replicate(const sweep_plan *plan, size_t i)
{
    return i % plan->spec->replicates;
}

long sweep_plan_block(const sweep_plan *plan, size_t i)
{
    return plan->block[i / plan->spec->replicates];
}

long sweep_plan_step(const sweep_plan *plan, size_t i)
{
    return plan->step[i / plan->spec->replicates];
}

int sweep_plan_is_grid(const sweep_plan *plan)
{
    return strcmp(plan->spec->design->name, "grid") == 0;
}

size_t sweep_plan_levels(const sweep_plan *plan, size_t j)
{
    const sweep_param *p = &plan->spec->params[j];
    return p->n_values > 0 ? p->n_values : p->count;
}

static double unit_coordinate(const sweep_plan *plan, size_t i, size_t j)
{
    return plan->u[(i / plan->spec->replicates) * plan->spec->n_params + j];
}

size_t sweep_plan_level_of(const sweep_plan *plan, size_t i, size_t j)
{
    size_t n = sweep_plan_levels(plan, j);
    double k = floor(unit_coordinate(plan, i, j) * (double)n);
    return k < 0 ? 0 : k >= (double)n ? n - 1 : (size_t)k;
}

/* min + u (max - min) on the parameter's scale, kept inside [min, max] against rounding. */
static double map_bounds(const sweep_param *p, double u)
{
    double x;
    if (u >= 1)
        return p->max;
    if (u <= 0)
        return p->min;
    if (p->scale == SWEEP_SCALE_LOG)
        x = exp(log(p->min) + u * (log(p->max) - log(p->min)));
    else
        x = p->min + u * (p->max - p->min);
    return x < p->min ? p->min : x > p->max ? p->max : x;
}

static void format_value(const sweep_param *p, double x, char *buf, size_t len)
{
    if (p->entry->type == DERMIS_TYPE_INTEGER)
        snprintf(buf, len, "%.0f", nearbyint(x));
    else
        dermis_config_format_number(x, buf, len);
}

void sweep_plan_level_value(const sweep_plan *plan, size_t j, size_t k, char *buf, size_t len)
{
    const sweep_param *p = &plan->spec->params[j];
    if (p->n_values > 0) {
        snprintf(buf, len, "%s", p->values[k]);
        return;
    }
    double u = p->count > 1 ? (double)k / (double)(p->count - 1) : 0;
    format_value(p, map_bounds(p, u), buf, len);
}

void sweep_plan_value(const sweep_plan *plan, size_t i, size_t j, char *buf, size_t len)
{
    const sweep_param *p = &plan->spec->params[j];
    if (p->n_values > 0 || p->count > 0)
        sweep_plan_level_value(plan, j, sweep_plan_level_of(plan, i, j), buf, len);
    else
        format_value(p, map_bounds(p, unit_coordinate(plan, i, j)), buf, len);
}

double sweep_plan_number(const sweep_plan *plan, size_t i, size_t j)
{
    const sweep_param *p = &plan->spec->params[j];
    char text[SWEEP_TEXT_MAX];
    if (p->entry->type != DERMIS_TYPE_NUMBER && p->entry->type != DERMIS_TYPE_INTEGER)
        return NAN;
    sweep_plan_value(plan, i, j, text, sizeof text);
    return strtod(text, NULL);
}

int sweep_plan_resolve(const sweep_plan *plan, size_t i, char **ini, long *seed, char err[DERMIS_CONFIG_ERROR_MAX])
{
    const sweep_spec *s = plan->spec;
    dermis_config *cfg = malloc(sizeof *cfg);
    dermis_config_origin *origin = dermis_config_origin_alloc();
    char assignment[2 * SWEEP_TEXT_MAX + 2], value[SWEEP_TEXT_MAX];
    *ini = NULL;
    if (cfg == NULL || origin == NULL) {
        snprintf(err, DERMIS_CONFIG_ERROR_MAX, "out of memory");
        free_config(cfg, origin);
        return 2;
    }
    int rc = load_base(s, cfg, origin, err);
    for (size_t j = 0; rc == 0 && j < s->n_params; j++) {
        sweep_plan_value(plan, i, j, value, sizeof value);
        snprintf(assignment, sizeof assignment, "%s=%s", s->params[j].key, value);
        rc = dermis_config_apply_override(cfg, origin, assignment, err);
    }
    if (rc == 0 && s->replicates > 1) {
        snprintf(assignment, sizeof assignment, "run.seed=%ld", plan->base_seed + (long)sweep_plan_replicate(plan, i));
        rc = dermis_config_apply_override(cfg, origin, assignment, err);
    }
    if (rc == 0)
        rc = dermis_config_finish(cfg, origin, err);
    if (rc == 0) {
        *ini = dermis_config_to_ini(cfg);
        *seed = cfg->run.seed;
        if (*ini == NULL) {
            snprintf(err, DERMIS_CONFIG_ERROR_MAX, "out of memory");
            rc = 2;
        }
    }
    free_config(cfg, origin);
    return rc;
}
