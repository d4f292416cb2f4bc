/*
 * libFuzzer harness for the loan-tape reader (--tape): any bytes are read as
 * a tape for a deal shaped like GMACM 2003-HE2 (one group, two rate inputs
 * an adjustable loan may name as its index). Nothing may crash, hang, leak
 * or trip a sanitizer; a rejection carries a message; and an accepted tape
 * must be one the collateral engine starts from: a tape reader that lets
 * through what the engine then refuses gives an error with no file, line or
 * column ("collateral line 1: ..."), which is what this harness looks for.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_deal.h"
#include "rt_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    rt_deal *d = rt_deal_new();
    if (!d)
        return 0;
    describe_gmacm(d);
    rt_sc_err e;
    memset(&e, 0, sizeof e);
    if (rt_tape_parse(d, "fuzz.csv", (const char *)data, size, &e)) {
        if (!d->collateral_is_tape || d->collateral.n < 1)
            abort();
        /* every index the tape names gets a value, as --index would give */
        rt_dec five = 5 * RT_SCALE / 100;
        rt_index_path ix[2] = {{&five, 1}, {&five, 1}};
        rt_dec input[2] = {five, five};
        rt_assump a;
        memset(&a, 0, sizeof a);
        a.index = ix;
        a.input = input;
        a.advancing = 1;
        rt_pool *pool = rt_pool_new(d, 0, 2);
        char msg[RT_ERRMAX] = "";
        if (pool && !rt_pool_start(pool, &a, NULL, 0, msg, sizeof msg)) {
            fprintf(stderr, "fuzz_tape: the tape was accepted, but the engine says: %s\n", msg);
            abort();
        }
        rt_pool_free(pool);
    } else if (!e.msg[0] || !e.o.file) {
        abort(); /* a rejection says why, and in which file */
    }
    rt_deal_free(d);
    return 0;
}
