/* Shared by the configuration reader's files (config.c, config_value.c, config_ini.c); not a
 * public interface. */
#ifndef DERMIS_IO_CONFIG_INTERNAL_H
#define DERMIS_IO_CONFIG_INTERNAL_H

#include <stddef.h>

#include "io/config.h"

/* Reasons are short phrases that end up after "FILE:LINE: key: ". */
#define DERMIS_REASON_MAX 320

/* Number of stored copies of an entry: index_max for indexed sections, else 1. */
size_t dermis_entry_copies(const dermis_schema_entry *e);

/* Parses text as the value of entry e (index k for [section.k], else 0) and stores it in cfg.
 * Nothing is stored on error. Returns 0, or -1 with a reason. */
int dermis_value_set(dermis_config *cfg, const dermis_schema_entry *e, size_t index, const char *text,
                     char reason[DERMIS_REASON_MAX]);

/* Stores the "unset" value of e (NaN, -1, "", empty list, or 0 for integers and booleans). */
void dermis_value_unset(dermis_config *cfg, const dermis_schema_entry *e, size_t index);

/* 1 if e at index holds its unset value (a NUMBER that is NaN, an ENUM that is -1). */
int dermis_value_is_unset(const dermis_config *cfg, const dermis_schema_entry *e, size_t index);

/* The concrete key of e at index ("session.2.depth_mm"), into buf. */
void dermis_entry_key(const dermis_schema_entry *e, size_t index, char *buf, size_t len);

/* Copies [begin, end) into buf without leading and trailing blanks (cut to len - 1 bytes). */
void dermis_config_trim(const char *begin, const char *end, char *buf, size_t len);

/* Copies text into buf for quoting in a message, shortened with "..." past a few dozen
 * characters so that the message stays one readable line. */
void dermis_quote_value(const char *text, char *buf, size_t len);

/* A failed cross-key rule: the key it is about, the reason as it reads after that key, and
 * (optional, "" if the reason already names every key) a sentence that reads right after any
 * other key the user changed to cause the failure. */
typedef struct {
    char key[DERMIS_CONFIG_LINE_MAX + 1];
    char reason[DERMIS_REASON_MAX];
    char sentence[DERMIS_REASON_MAX];
    int out_of_memory; /* 1: the rule could not be checked for lack of memory */
} dermis_config_problem;

/* A cross-key rule over the whole configuration: 0, or -1 with the problem filled in. It must be
 * a pure function of cfg: dermis_config_finish re-runs it with keys reset to find the one to blame. */
typedef int (*dermis_config_rule)(const dermis_config *cfg, dermis_config_problem *problem);

/* Fills problem (key, sentence or NULL, printf-style reason) and returns -1. */
int dermis_config_problem_set(dermis_config_problem *problem, const char *key, const char *sentence, const char *fmt,
                              ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Rules of config_setup.c: the step limit and run time, and the model set-up (skin profile,
 * homeostatic balance of every layer, session table). */
int dermis_config_rule_resources(const dermis_config *cfg, dermis_config_problem *problem);
int dermis_config_rule_setup(const dermis_config *cfg, dermis_config_problem *problem);

#endif
