/*
 * breakeven.c — `BIN breakeven --class NAME [ASSUMPTIONS]`, a thin layer
 * over the API: the options become a dealc_scenario, the search is
 * dealc_breakeven_run (runtime/api/api_breakeven.c says how it bisects)
 * and the output dealc_breakeven_render, written all or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_cmd.h"

int rt_breakeven_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    /* the class first: without it nothing else is worth checking */
    int has_class = 0;
    for (int i = 1; i < argc; i++)
        has_class |= strcmp(argv[i], "--class") == 0 || strncmp(argv[i], "--class=", 8) == 0;
    if (!has_class)
        return rt_usage_error(prog, "%s", "breakeven needs --class NAME");
    setup s; /* its options and outputs only */
    memset(&s, 0, sizeof s);
    int rc = rt_cmd_parse_args(prog, argc, argv, 0, &s.o);
    if (rc)
        return rc;
    dealc_format fmt;
    if ((rc = rt_cmd_format(prog, s.o.format, &fmt)))
        return rc;
    const cmd_opts *o = &s.o;
    if (o->settle || o->price || o->yield || o->curve || o->benchmark || o->delay || o->accrual_start ||
        o->pricing_dates || o->shift || o->report)
        return rt_usage_error(prog, "%s", "breakeven prices nothing and writes no report (--settle, --report)");
    if (!rt_cmd_open_outputs(&s)) {
        rt_out_end(s.os);
        return 1;
    }
    dealc_deal *d = NULL;
    dealc_scenario *sc = NULL;
    dealc_state *st = NULL;
    dealc_breakeven *b = NULL;
    char *text = NULL;
    size_t len = 0;
    dealc_error e;
    int32_t klass = -1;
    rc = rt_cmd_inputs(prog, &s, describe, period, &d, &klass, &sc, &st);
    if (rc >= 0)
        goto done;
    rc = 1;
    if (dealc_breakeven_run(d, st, sc, klass, &b, &e) != DEALC_OK ||
        dealc_breakeven_render(b, fmt, &text, &len, &e) != DEALC_OK)
        rc = rt_cmd_api_error(prog, &e);
    else if (rt_out_write(s.os, s.out_i, text, len) && rt_out_commit(s.os))
        rc = 0;
done:
    dealc_free(text);
    dealc_breakeven_free(b);
    dealc_state_free(st);
    dealc_scenario_free(sc);
    dealc_deal_close(d);
    rt_out_end(s.os);
    return rc;
}
