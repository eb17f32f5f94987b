/* The part of libinih's interface that io/config.c uses, for the WebAssembly build only.
 *
 * Debian's libinih source could not be fetched on the machines that build the page (its source
 * package is missing from the mirror they reach), so the browser build links ini.c beside this
 * header: our own implementation of ini_parse_stream with the behaviour of libinih r55 as
 * Debian builds it (documented in its ini.h): 200-byte lines, ';' and '#' start-of-line
 * comments, "name = value" or "name: value" with whitespace stripped, sections of at most 49
 * characters, a UTF-8 byte-order mark skipped, the line number of the first error returned.
 * io/config.c checks every line before the parser sees it (no inline comments, no indented
 * continuation lines), so only that simple core is reached. tests/web/test_ini_compat.c
 * checks that both parsers report the same keys, values and errors on every shipped
 * configuration and on the parser's error cases. */
#ifndef DERMIS_WEB_COMPAT_INI_H
#define DERMIS_WEB_COMPAT_INI_H

#define INI_HANDLER_LINENO 0
#define INI_MAX_LINE 200

typedef int (*ini_handler)(void *user, const char *section, const char *name, const char *value);
typedef char *(*ini_reader)(char *str, int num, void *stream);

/* Calls reader for each line (at most INI_MAX_LINE bytes with its end), handler for each
 * name/value pair. Returns 0, or the line number of the first line that did not parse or whose
 * handler returned 0 (parsing goes on after an error, as in libinih). */
int ini_parse_stream(ini_reader reader, void *stream, ini_handler handler, void *user);

#endif
