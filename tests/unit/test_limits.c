/*
 * Limits: inputs far past anything an agreement needs either work or fail
 * with a message about the limit — never a crash or a stack overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "front_util.h"

/* a growable text buffer for building large deals */
typedef struct text { char *p; size_t n, cap; } text;

static void put(text *t, const char *s)
{
    size_t k = strlen(s);
    if (t->n + k + 1 > t->cap) {
        t->cap = (t->n + k + 1) * 2;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, k + 1);
    t->n += k;
}

static int has_msg(const front_result *r, const char *part)
{
    for (const diag *g = r->diag.first; g; g = g->next)
        if (strstr(g->msg, part)) return 1;
    return 0;
}

static void long_chain_of_operators(void **state)
{
    (void)state;
    text t = { 0 };
    put(&t, FRONT_HEADER "  define \"X\" = $1.00");
    for (int i = 0; i < 100000; i++) put(&t, " + $1.00");
    put(&t, ";\n}\n");
    front_result *r = front_text(t.p, 1);
    assert_int_equal(r->diag.nerrors, 1);
    assert_true(has_msg(r, "nested more than 1000 levels deep"));
    front_free(r);
    free(t.p);
}

static void a_chain_within_the_limit_works(void **state)
{
    (void)state;
    text t = { 0 };
    put(&t, FRONT_HEADER "  define \"X\" = $1.00");
    for (int i = 0; i < 900; i++) put(&t, " + $1.00");
    put(&t, ";\n}\n");
    front_result *r = front_text(t.p, 1);
    assert_int_equal(r->diag.nerrors, 0);
    front_free(r);
    free(t.p);
}

static void deeply_nested_parentheses(void **state)
{
    (void)state;
    text t = { 0 };
    put(&t, FRONT_HEADER "  define \"X\" = ");
    for (int i = 0; i < 50000; i++) put(&t, "(");
    put(&t, "1");
    for (int i = 0; i < 50000; i++) put(&t, ")");
    put(&t, ";\n}\n");
    front_result *r = front_text(t.p, 1);
    assert_true(r->diag.nerrors >= 1);
    assert_true(has_msg(r, "nested too deeply") || has_msg(r, "nested more than"));
    front_free(r);
    free(t.p);
}

static void long_chains_of_definitions(void **state)
{
    (void)state;
    char line[128];
    /* declared last-first, so checking walks the whole chain at once */
    text t = { 0 };
    put(&t, FRONT_HEADER);
    for (int i = 3000; i > 0; i--) {
        snprintf(line, sizeof line, "  define \"D%d\" = \"D%d\" + $1.00;\n", i, i - 1);
        put(&t, line);
    }
    put(&t, "  define \"D0\" = $0.00;\n}\n");
    front_result *r = front_text(t.p, 1);
    assert_true(r->diag.nerrors >= 1);
    assert_true(has_msg(r, "more than 1000 deep"));
    front_free(r);
    free(t.p);
    /* in source order the same chain is checked one step at a time */
    t = (text){ 0 };
    put(&t, FRONT_HEADER "  define \"D0\" = $0.00;\n");
    for (int i = 1; i <= 3000; i++) {
        snprintf(line, sizeof line, "  define \"D%d\" = \"D%d\" + $1.00;\n", i, i - 1);
        put(&t, line);
    }
    put(&t, "}\n");
    r = front_text(t.p, 1);
    assert_int_equal(r->diag.nerrors, 0);
    front_free(r);
    free(t.p);
}

static void very_long_names(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *name = malloc(n + 1);
    memset(name, 'x', n);
    name[n] = 0;
    text t = { 0 };
    put(&t, FRONT_HEADER "  define \"");
    put(&t, name);
    put(&t, "\" = $1.00;\n  define \"Y\" = \"");
    name[n - 1] = 'y'; /* a different megabyte name: unknown */
    put(&t, name);
    put(&t, "\";\n}\n");
    front_result *r = front_text(t.p, 1);
    assert_int_equal(r->diag.nerrors, 1);
    assert_true(has_msg(r, "unknown name"));
    front_free(r);
    free(t.p);
    free(name);
}

static void many_items(void **state)
{
    (void)state;
    /* 50,000 definitions and as many statement lines: linear checks */
    char line[160];
    text t = { 0 };
    put(&t, FRONT_HEADER "  statement {\n");
    for (int i = 0; i < 50000; i++) {
        snprintf(line, sizeof line, "    \"L%d\" = \"D%d\";\n", i, i);
        put(&t, line);
    }
    put(&t, "  }\n");
    for (int i = 0; i < 50000; i++) {
        snprintf(line, sizeof line, "  define \"D%d\" = %d%% of pool balance;\n", i, i % 100);
        put(&t, line);
    }
    put(&t, "}\n");
    front_result *r = front_text(t.p, 1);
    assert_int_equal(r->diag.nerrors, 0);
    assert_int_equal(r->sema.defines.n, 50000);
    front_free(r);
    free(t.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_chain_of_operators),
        cmocka_unit_test(a_chain_within_the_limit_works),
        cmocka_unit_test(deeply_nested_parentheses),
        cmocka_unit_test(long_chains_of_definitions),
        cmocka_unit_test(very_long_names),
        cmocka_unit_test(many_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
