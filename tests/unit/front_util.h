/* front_util.h — run the front end over a string in tests. */
#ifndef DEALC_TEST_FRONT_UTIL_H
#define DEALC_TEST_FRONT_UTIL_H

#include <stdlib.h>
#include <string.h>
#include "lex.h"
#include "sema.h"

typedef struct front_result {
    arena a;
    src_file file;
    diag_ctx diag;
    ast_builder b;
    sema_deal sema;
    int parsed, checked;
} front_result;

/* parse (and check, when check is set) the text; caller frees with front_free */
static inline front_result *front_text(const char *text, int check)
{
    front_result *r = calloc(1, sizeof *r);
    arena_init(&r->a);
    r->file.name = "test.deal";
    r->file.len = (int)strlen(text);
    r->file.text = malloc((size_t)r->file.len + 1);
    memcpy(r->file.text, text, (size_t)r->file.len + 1);
    diag_init(&r->diag, &r->a, &r->file);
    r->b = (ast_builder){ .arena = &r->a, .diag = &r->diag, .file = &r->file };
    r->parsed = parse_file(&r->b);
    if (check && r->parsed && r->b.deal) r->checked = sema_check(r->b.deal, &r->diag, &r->a, &r->sema);
    return r;
}

static inline void front_free(front_result *r)
{
    src_free(&r->file);
    arena_free(&r->a);
    free(r);
}

/* the n-th diagnostic's message, or NULL */
static inline const char *front_msg(const front_result *r, int n)
{
    const diag *g = r->diag.first;
    while (g && n--) g = g->next;
    return g ? g->msg : NULL;
}

static inline const diag *front_diag(const front_result *r, int n)
{
    const diag *g = r->diag.first;
    while (g && n--) g = g->next;
    return g;
}

/* a minimal valid deal with room for more items */
#define FRONT_HEADER                                                   \
    "deal \"T\" {\n"                                                   \
    "  closing date 2003-03-26;\n"                                     \
    "  first payment date 2003-04-25;\n"                               \
    "  payment day 25, following business day;\n"                      \
    "  group \"G\";\n"                                                 \
    "  notes {\n"                                                      \
    "    class \"A\" original $100.00 coupon 1.00% accrual 30/360;\n"  \
    "    class \"B\" original $50.00 coupon 2.00% accrual 30/360;\n"   \
    "  }\n"                                                            \
    "  residual \"R\";\n"                                              \
    "  fund \"F\" = interest collections;\n"

#endif
