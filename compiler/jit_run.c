/* jit_run.c — `dealc run`: the deal JIT-compiled (jit.c) and handed to
 * the same rt_main a built binary calls, so the output is the same byte
 * for byte. Apart from jit.c so that libdealc, which links jit.c but not
 * rt_main, takes no second copy of the runtime's command line. */
#include "codegen.h"

int jit_run(cg_module *m, int argc, char **argv, char **err)
{
    rt_describe_fn describe;
    rt_period_fn period;
    jit_handle *h;
    if (!jit_load(m, &describe, &period, &h, err)) return -1;
    int status = rt_main(argc, argv, describe, period);
    jit_release(h);
    return status;
}
