/* The WebAssembly entry points of the teaching page: a run created from INI text, keeping its
 * one-line error, stepped one event at a time. Everything else the page reads goes through
 * the dermis_sim_* functions of app/sim.h, exported as they are (web/build.sh). */
#include <stdlib.h>

#include "app/sim.h"
#include "io/schema.h"

/* What dermis_web_next_event reports, as bits: the events that fell at the new time. */
enum { WEB_SESSION = 1, WEB_FRAME = 2, WEB_OBSERVABLES = 4, WEB_END = 8 };

typedef struct {
    dermis_sim *sim;
    int status;                       /* 0, or 2 (configuration) / 1 (other) after a failure */
    char err[DERMIS_CONFIG_ERROR_MAX]; /* the CLI's one-line message, without "dermis: " */
} web_run;

/* Creates a run from INI text named "page.ini" in messages; NULL only if memory ran out.
 * Check dermis_web_status: 0 = ready at t = 0, else dermis_web_error says why. */
web_run *dermis_web_create(const char *ini_text)
{
    web_run *r = calloc(1, sizeof *r);
    if (r) r->sim = dermis_sim_create_from_ini("page.ini", ini_text, 1, &r->status, r->err, sizeof r->err);
    return r;
}

int dermis_web_status(const web_run *r) { return r->status; }
const char *dermis_web_error(const web_run *r) { return r->err; }
dermis_sim *dermis_web_sim(const web_run *r) { return r->sim; }

/* Handles the next event; returns its WEB_* bits, or -1 with the message in dermis_web_error. */
int dermis_web_next_event(web_run *r)
{
    dermis_schedule_due due;
    if (!r->sim || r->status != 0) return -1;
    r->status = dermis_sim_next_event(r->sim, &due, r->err, sizeof r->err);
    if (r->status != 0) return -1;
    return (due.session ? WEB_SESSION : 0) | (due.frame ? WEB_FRAME : 0) | (due.observables ? WEB_OBSERVABLES : 0) |
           (due.end ? WEB_END : 0);
}

void dermis_web_free(web_run *r)
{
    if (!r) return;
    dermis_sim_free(r->sim);
    free(r);
}

/* --- the configuration schema, so the page's controls show the keys' own units, ranges,
 * documentation and choices (io/schema.h) --- */

static const dermis_schema_entry *entry(const char *key)
{
    size_t index = 0;
    return dermis_schema_find(key, &index);
}

const char *dermis_web_key_unit(const char *key) { return entry(key) ? entry(key)->unit : NULL; }
const char *dermis_web_key_doc(const char *key) { return entry(key) ? entry(key)->doc : NULL; }
const char *dermis_web_key_default(const char *key) { return entry(key) ? entry(key)->default_text : NULL; }

/* Choice i of an enum key, NULL past the last or for other keys. */
const char *dermis_web_key_choice(const char *key, int i)
{
    const dermis_schema_entry *e = entry(key);
    if (!e || !e->choices || i < 0) return NULL;
    for (int k = 0; k < i; ++k)
        if (!e->choices[k]) return NULL;
    return e->choices[i];
}
