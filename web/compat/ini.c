/* ini_parse_stream for the WebAssembly build (see ini.h for why and what it matches). */
#include "ini.h"

#include <ctype.h>
#include <string.h>

/* Longest section and key name kept, with the terminating NUL (libinih's defaults). */
#define MAX_SECTION 50
#define MAX_NAME 50

static char *rstrip(char *s)
{
    char *p = s + strlen(s);
    while (p > s && isspace((unsigned char)p[-1])) *--p = '\0';
    return s;
}

static char *lskip(char *s)
{
    while (*s && isspace((unsigned char)*s)) ++s;
    return s;
}

/* First of chars in s; a ';' preceded by whitespace starts an inline comment and ends the search. */
static char *find_chars_or_comment(char *s, const char *chars)
{
    int was_space = 0;
    while (*s && (!chars || !strchr(chars, *s)) && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        ++s;
    }
    return s;
}

static void copy_truncated(char *dest, const char *src, size_t size)
{
    const size_t n = strlen(src) < size - 1 ? strlen(src) : size - 1;
    memcpy(dest, src, n);
    dest[n] = '\0';
}

int ini_parse_stream(ini_reader reader, void *stream, ini_handler handler, void *user)
{
    char line[INI_MAX_LINE];
    char section[MAX_SECTION] = "";
    char prev_name[MAX_NAME] = "";
    int lineno = 0, error = 0;
    while (reader(line, INI_MAX_LINE, stream) != NULL) {
        ++lineno;
        char *start = line;
        if (lineno == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0) start += 3;
        start = lskip(rstrip(start));
        if (*start == ';' || *start == '#') continue;
        if (*prev_name && *start && start > line) {
            /* an indented line continues the previous value (configparser's multi-line values) */
            char *end = find_chars_or_comment(start, NULL);
            *end = '\0';
            rstrip(start);
            if (!handler(user, section, prev_name, start) && !error) error = lineno;
        } else if (*start == '[') {
            char *end = find_chars_or_comment(start + 1, "]");
            if (*end == ']') {
                *end = '\0';
                copy_truncated(section, start + 1, sizeof section);
                prev_name[0] = '\0';
            } else if (!error) {
                error = lineno;
            }
        } else if (*start) {
            char *end = find_chars_or_comment(start, "=:");
            if (*end == '=' || *end == ':') {
                *end = '\0';
                char *name = rstrip(start);
                char *value = end + 1;
                end = find_chars_or_comment(value, NULL);
                *end = '\0';
                value = lskip(value);
                rstrip(value);
                copy_truncated(prev_name, name, sizeof prev_name);
                if (!handler(user, section, name, value) && !error) error = lineno;
            } else if (!error) {
                error = lineno;
            }
        }
    }
    return error;
}
