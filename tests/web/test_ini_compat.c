/* The browser build's INI parser (web/compat/ini.c) against Debian's libinih, which the native
 * build links: on every shipped configuration, every configuration-error case of the test data
 * and a set of edge lines, both must report the same (section, name, value) calls and the same
 * return value. Then the page reads a configuration exactly as `dermis run` does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glob.h>

/* The compat header declares ini_parse_stream with libinih's signature: the real one comes from
 * libinih, the browser one is included below under another name. */
#include "web/compat/ini.h"
#define ini_parse_stream web_ini_parse_stream
#include "web/compat/ini.c"
#undef ini_parse_stream

typedef struct {
    char log[65536];
    size_t len;
} call_log;

static int record(void *user, const char *section, const char *name, const char *value)
{
    call_log *l = user;
    int n = snprintf(l->log + l->len, sizeof l->log - l->len, "[%s] %s = <%s>\n", section, name, value);
    if (n > 0 && (size_t)n < sizeof l->log - l->len) l->len += (size_t)n;
    /* A handler refusal must be reported the same way: refuse one name. */
    return strcmp(name, "refused") != 0;
}

typedef struct {
    const char *text;
    size_t pos;
} string_stream;

/* fgets on a string, as the reader callbacks of io/config.c behave. */
static char *read_line(char *str, int num, void *stream)
{
    string_stream *s = stream;
    if (s->text[s->pos] == '\0') return NULL;
    int n = 0;
    while (n < num - 1 && s->text[s->pos] != '\0') {
        const char c = s->text[s->pos++];
        str[n++] = c;
        if (c == '\n') break;
    }
    str[n] = '\0';
    return str;
}

static void assert_same_parse(const char *label, const char *text)
{
    call_log *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    string_stream sa = {text, 0}, sb = {text, 0};
    const int ra = ini_parse_stream(read_line, &sa, record, a);
    const int rb = web_ini_parse_stream(read_line, &sb, record, b);
    if (ra != rb || strcmp(a->log, b->log) != 0) {
        print_error("%s: libinih returned %d, web/compat %d\n--- libinih:\n%s--- web/compat:\n%s", label, ra, rb,
                    a->log, b->log);
        fail();
    }
    free(a);
    free(b);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *text = calloc(1, 1 << 20);
    assert_non_null(text);
    fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    return text;
}

static void test_files(const char *pattern)
{
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_true(g.gl_pathc > 0);
    for (size_t i = 0; i < g.gl_pathc; ++i) {
        char *text = read_file(g.gl_pathv[i]);
        assert_same_parse(g.gl_pathv[i], text);
        free(text);
    }
    globfree(&g);
}

static void shipped_configurations(void **state)
{
    (void)state;
    test_files(DERMIS_SOURCE_DIR "/configs/*.ini");
}

static void error_cases(void **state)
{
    (void)state;
    test_files(DERMIS_TEST_DATA "/config/*.ini");
}

static void edge_lines(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "\xEF\xBB\xBF[run]\ndims = 2\n",
        "[a]\nx=1\n  continued\ny : 2\n",
        "[a]\nx = 1 ; inline\ny = 2;not inline\n# c\n; c\n",
        "[a]\nrefused = 1\nok = 2\nrefused = 3\n",
        "[unclosed\nx = 1\nno separator\n",
        "[a-very-long-section-name-that-is-longer-than-fifty-characters-in-total]\nk = v\n",
        "[a]\n   \n\t\nk=\n=v\n",
        "[a]\r\nk = v\r\n",
        "k = outside\n[b]\nk = inside",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        char label[32];
        snprintf(label, sizeof label, "edge case %zu", i);
        assert_same_parse(label, cases[i]);
    }
    /* A line longer than the 200-byte buffer is split the same way by both. */
    char longline[600];
    memset(longline, 'x', sizeof longline);
    memcpy(longline, "[a]\nk = ", 8);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    assert_same_parse("long line", longline);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_configurations),
        cmocka_unit_test(error_cases),
        cmocka_unit_test(edge_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
