/*
 * libFuzzer harness for the front end: any bytes go through lex, parse and
 * check, and diagnostics are printed (to a memory stream), exactly as
 * `dealc check` would. What parses is formatted, and the formatted text must
 * parse and format to itself (fmt is idempotent and never breaks a file).
 * A deal that checks clean is also lowered to LLVM IR and verified.
 * Nothing may crash, hang, leak or trip a sanitizer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "fmt.h"
#include "lex.h"
#include "sema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* one text parsed, as the driver parses a file (the struct must stay put:
 * the builder and diagnostics point into it) */
typedef struct parsed {
    arena a;
    src_file f;
    diag_ctx d;
    ast_builder b;
    int ok;
} parsed;

static void parse_text(parsed *p, const char *name, const char *text, size_t size)
{
    arena_init(&p->a);
    p->f = (src_file){ .name = name, .len = (int)size };
    p->f.text = malloc(size + 1);
    memcpy(p->f.text, text, size);
    p->f.text[size] = 0;
    diag_init(&p->d, &p->a, &p->f);
    p->b = (ast_builder){ .arena = &p->a, .diag = &p->d, .file = &p->f };
    p->ok = parse_file(&p->b);
}

static void parsed_free(parsed *p)
{
    free(p->f.text);
    arena_free(&p->a);
}

/* the canonical text of what parsed without errors, as `dealc fmt` prints
 * it (before any checking); NULL otherwise */
static char *canonical(parsed *p, size_t *len)
{
    char *buf = NULL;
    *len = 0;
    if (!p->ok || p->d.nerrors || (!p->b.deal && !p->b.amendment)) return NULL;
    FILE *out = open_memstream(&buf, len);
    if (p->b.deal) fmt_deal(out, p->b.deal, &p->f, &p->b.comments);
    else fmt_amendment(out, p->b.amendment, &p->f, &p->b.comments);
    fclose(out);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    parsed p;
    parse_text(&p, "fuzz.deal", (const char *)data, size);
    size_t n1 = 0, n2 = 0;
    char *once = canonical(&p, &n1);
    if (once) {
        parsed q;
        parse_text(&q, "fmt.deal", once, n1);
        char *twice = canonical(&q, &n2);
        if (!twice || n1 != n2 || memcmp(once, twice, n1) != 0) {
            fprintf(stderr, "fmt is not idempotent on this input:\n%.*s\n----\n%.*s\n", (int)n1, once,
                    (int)(twice ? n2 : 0), twice ? twice : "");
            abort();
        }
        free(twice);
        parsed_free(&q);
    }
    free(once);
    sema_deal s;
    int ok = p.ok;
    if (ok && p.b.deal) ok = sema_check(p.b.deal, &p.d, &p.a, &s);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out) {
        diag_print_all(&p.d, out);
        fclose(out);
    }
    free(buf);
    if (ok && p.b.deal && p.d.nerrors == 0 && getenv("DEALC_FUZZ_CODEGEN")) {
        char *err = NULL;
        cg_options o = { .emit_main = 1, .optimize = 0 };
        cg_module *m = cg_compile(&s, &p.f, &o, &err);
        if (!m) {
            /* a deal that passes the checks must always lower */
            fprintf(stderr, "codegen failed on a checked deal: %s\n", err ? err : "");
            abort();
        }
        cg_free(m);
        free(err);
    }
    parsed_free(&p);
    return 0;
}
