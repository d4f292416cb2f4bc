/*
 * libFuzzer harness for the vector-file reader (--prepay-vector,
 * --default-vector, --index-vector): any bytes are read as a CPR vector
 * (0% to 100%) and as an index vector (-100% to 1,000%). Nothing may crash,
 * hang, leak or trip a sanitizer; a rejection carries a message and the
 * file; an accepted vector holds 1 to 100,000 values, each within its
 * bounds (values outside were once clamped without a word).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_scratch.h"
#include "rt_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_as(const char *path, rt_dec lo, rt_dec hi, const char *range)
{
    rt_dec *v = NULL;
    int32_t n = 0;
    rt_sc_err e;
    memset(&e, 0, sizeof e);
    if (rt_sc_read_vector(path, lo, hi, range, "value", &v, &n, &e)) {
        if (n < 1 || n > 100000)
            abort();
        for (int32_t i = 0; i < n; i++)
            if (v[i] < lo || v[i] > hi) {
                fprintf(stderr, "fuzz_vector: value %d outside %s\n", (int)i + 1, range);
                abort();
            }
        free(v);
    } else if (!e.msg[0] || !e.o.file) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 16))
        return 0;
    const char *path = fuzz_file("vector.txt", data, size);
    read_as(path, 0, RT_SCALE, "0% to 100%");
    read_as(path, RT_RATE_MIN, RT_RATE_MAX, RT_RATE_RANGE);
    return 0;
}
