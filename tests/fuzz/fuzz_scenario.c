/*
 * libFuzzer harness for the scenario-file reader (--scenario) and its
 * resolution against a deal shaped like GMACM 2003-HE2 (two rate inputs).
 * The bytes up to a line "---" are the scenario file, the rest a vector
 * file beside it named v.txt, which the scenario may name. Nothing may
 * crash, hang, leak or trip a sanitizer; a rejection carries a message; an
 * accepted scenario resolves to assumptions within the bounds the flags
 * are held to: speeds and severity from 0% to 100%, every index and rate
 * input from -100% to 1,000%, a lag and a number of periods in range.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_deal.h"
#include "fuzz_scratch.h"
#include "rt_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NEED(cond)                                                              \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz_scenario: accepted, but not: %s\n", #cond);   \
            abort();                                                            \
        }                                                                       \
    } while (0)

static void check_curve(const rt_curve *c)
{
    switch (c->kind) {
    case RT_CURVE_CPR:
    case RT_CURVE_SMM:
        NEED(c->level >= 0 && c->level <= 1);
        break;
    case RT_CURVE_PSA:
    case RT_CURVE_SDA:
        NEED(c->level >= 0 && c->level <= 100);
        break;
    case RT_CURVE_RAMP:
        NEED(c->start >= 0 && c->start <= 1 && c->level >= 0 && c->level <= 1 && c->months >= 1);
        break;
    case RT_CURVE_VECTOR:
        NEED(c->nvec >= 1);
        for (int32_t i = 0; i < c->nvec; i++)
            NEED(c->vec[i] >= 0 && c->vec[i] <= 1);
        break;
    default:
        NEED(0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 16))
        return 0;
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 5 <= size && !sep; i++)
        if (memcmp(data + i, "\n---\n", 5) == 0)
            sep = data + i;
    size_t n1 = sep ? (size_t)(sep - data) + 1 : size;
    fuzz_file("v.txt", sep ? sep + 5 : data, sep ? size - n1 - 4 : 0);
    const char *path = fuzz_file("scenario.txt", data, n1);

    rt_deal *d = rt_deal_new();
    if (!d)
        return 0;
    describe_gmacm(d);
    rt_sc s;
    rt_sc_res r;
    rt_sc_err e;
    rt_sc_init(&s);
    memset(&r, 0, sizeof r);
    memset(&e, 0, sizeof e);
    int lists = (int)(size & 1); /* as grid reads it, or as project does */
    if (rt_sc_read_file(&s, path, &e)) {
        if (rt_sc_resolve(d, &s, lists, &r, &e)) {
            NEED(r.npp >= 1 && r.ndf >= 1 && (lists || (r.npp == 1 && r.ndf == 1)));
            for (int i = 0; i < r.npp; i++)
                check_curve(&r.pp[i]);
            for (int i = 0; i < r.ndf; i++)
                check_curve(&r.df[i]);
            NEED(r.a.severity >= 0 && r.a.severity <= 1);
            NEED(r.a.lag >= 0 && r.a.lag <= RT_SC_MAXLAG);
            NEED(r.a.periods >= 0 && r.a.periods <= RT_SC_MAXPERIODS);
            for (int32_t k = 0; k < d->inputs.n; k++) {
                NEED(rt_rate_in_range(r.input[k]));
                for (int32_t j = 0; j < r.index[k].n; j++)
                    NEED(rt_rate_in_range(r.index[k].values[j]));
            }
        } else if (!e.msg[0]) {
            abort();
        }
        rt_sc_res_free(&r);
    } else if (!e.msg[0]) {
        abort();
    }
    rt_sc_free(&s);
    rt_deal_free(d);
    return 0;
}
