/*
 * bench/parse_scaling — the front end's time against the size of the deal.
 *
 * Builds deals of 1x, 2x, 4x ... 64x a base number of definitions and
 * statement lines (each a realistic line: a percentage of a figure, a term
 * built on the previous one), times lex + parse + check over several runs,
 * and prints the time per megabyte. Linear growth shows as a flat column.
 * A program, not a test: `build/bin/parse_scaling [BASE]`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lex.h"
#include "sema.h"

static char *make_deal(int n, size_t *len)
{
    size_t cap = (size_t)n * 160 + 4096;
    char *p = malloc(cap);
    size_t o = (size_t)snprintf(p, cap,
        "deal \"Bench\" {\n  closing date 2003-03-26;\n  first payment date 2003-04-25;\n"
        "  payment day 25, following business day;\n  group \"G\";\n"
        "  notes { class \"A\" original $100,000,000.00 coupon 4.00%% accrual 30/360; }\n"
        "  residual \"R\";\n  fund \"F\" = interest collections + principal collections;\n"
        "  define \"D0\" = 1.25%% of pool balance;\n");
    for (int i = 1; i < n; i++)
        o += (size_t)snprintf(p + o, cap - o, "  define \"D%d\" = min(\"D%d\" + %d.%02d%% of balance of \"A\", pool balance);\n",
                              i, i - 1, i % 7, i % 100);
    o += (size_t)snprintf(p + o, cap - o, "  statement {\n");
    for (int i = 0; i < n; i++) o += (size_t)snprintf(p + o, cap - o, "    \"Line %d\" = \"D%d\";\n", i, i);
    o += (size_t)snprintf(p + o, cap - o, "  }\n}\n");
    *len = o;
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int base = argc > 1 ? atoi(argv[1]) : 2000;
    if (base < 10) base = 10;
    printf("%10s %12s %12s %12s\n", "defs", "bytes", "ms (best of 5)", "ms per MB");
    for (int mult = 1; mult <= 64; mult *= 2) {
        int n = base * mult;
        size_t len;
        char *text = make_deal(n, &len);
        double best = 1e9;
        for (int rep = 0; rep < 5; rep++) {
            arena a;
            arena_init(&a);
            src_file f = { .name = "bench.deal", .text = text, .len = (int)len };
            diag_ctx d;
            diag_init(&d, &a, &f);
            ast_builder b = { .arena = &a, .diag = &d, .file = &f };
            sema_deal s;
            double t0 = now();
            int ok = parse_file(&b) && sema_check(b.deal, &d, &a, &s);
            double t = now() - t0;
            if (!ok || d.nerrors) {
                fprintf(stderr, "parse_scaling: the generated deal has errors\n");
                diag_print_all(&d, stderr);
                return 1;
            }
            if (t < best) best = t;
            arena_free(&a);
        }
        printf("%10d %12zu %12.2f %12.2f\n", n, len, best * 1e3, best * 1e3 / ((double)len / 1048576.0));
        free(text);
    }
    return 0;
}
