/*
 * libFuzzer harness for the front end: any bytes go through lex, parse and
 * check, and diagnostics are printed (to a memory stream), exactly as
 * `dealc check` would. A deal that checks clean is also lowered to LLVM IR
 * and verified. Nothing may crash, hang, leak or trip a sanitizer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "lex.h"
#include "sema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    if (ok && d.nerrors == 0 && getenv("DEALC_FUZZ_CODEGEN")) {
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
