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

/* the canonical text of a file that parses; NULL when it does not */
static char *format(const char *text, size_t size, size_t *len)
{
    arena a;
    arena_init(&a);
    src_file f = { .name = "fmt.deal", .len = (int)size };
    f.text = malloc(size + 1);
    memcpy(f.text, text, size);
    f.text[size] = 0;
    diag_ctx d;
    diag_init(&d, &a, &f);
    ast_builder b = { .arena = &a, .diag = &d, .file = &f };
    char *buf = NULL;
    *len = 0;
    if (parse_file(&b) && d.nerrors == 0 && (b.deal || b.amendment)) {
        FILE *out = open_memstream(&buf, len);
        if (b.deal) fmt_deal(out, b.deal, &f, &b.comments);
        else fmt_amendment(out, b.amendment, &f, &b.comments);
        fclose(out);
    }
    free(f.text);
    arena_free(&a);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    arena a;
    arena_init(&a);
    src_file f = { .name = "fuzz.deal", .len = (int)size };
    f.text = malloc(size + 1);
    memcpy(f.text, data, size);
    f.text[size] = 0;
    diag_ctx d;
    diag_init(&d, &a, &f);
    ast_builder b = { .arena = &a, .diag = &d, .file = &f };
    sema_deal s;
    int ok = parse_file(&b);
    if (ok && b.deal) ok = sema_check(b.deal, &d, &a, &s);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out) {
        diag_print_all(&d, out);
        fclose(out);
    }
    free(buf);
    size_t n1 = 0, n2 = 0;
    char *once = format((const char *)data, size, &n1);
    if (once) {
        char *twice = format(once, n1, &n2);
        if (!twice || n1 != n2 || memcmp(once, twice, n1) != 0) {
            fprintf(stderr, "fmt is not idempotent on this input:\n%.*s\n----\n%.*s\n", (int)n1, once,
                    (int)(twice ? n2 : 0), twice ? twice : "");
            abort();
        }
        free(twice);
    }
    free(once);
    if (ok && b.deal && d.nerrors == 0 && getenv("DEALC_FUZZ_CODEGEN")) {
        char *err = NULL;
        cg_options o = { .emit_main = 1, .optimize = 0 };
        cg_module *m = cg_compile(&s, &f, &o, &err);
        if (!m) {
            /* a deal that passes the checks must always lower */
            fprintf(stderr, "codegen failed on a checked deal: %s\n", err ? err : "");
            abort();
        }
        cg_free(m);
        free(err);
    }
    free(f.text);
    arena_free(&a);
    return 0;
}
