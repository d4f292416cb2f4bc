/*
 * run.c — the run (rt_run): what one execution of a deal's period function
 * reports into. The arithmetic helpers (dec.c) record their failures here
 * with the source site the generated code passes, so the record sits below
 * both the arithmetic and the deal description: dec.c and deal.c call it,
 * it calls neither.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

rt_run *rt_run_new(rt_deal *d)
{
    rt_run *r = calloc(1, sizeof *r);
    if (r)
        r->deal = d;
    return r;
}

void rt_run_free(rt_run *run)
{
    free(run);
}

int rt_run_failed(const rt_run *run)
{
    return run && run->failed;
}

const char *rt_run_error(const rt_run *run)
{
    return run ? run->error : "";
}

void rt_run_reset(rt_run *run)
{
    run->failed = 0;
    run->error[0] = '\0';
}

void rt_run_fail(rt_run *run, int32_t site, const char *fmt, ...)
{
    if (!run || run->failed)
        return;
    run->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->error, sizeof run->error, fmt, ap);
    va_end(ap);
    const rt_deal *d = run->deal;
    if (site < 0 || !d || site >= d->sites.n)
        return;
    const rt_site *s = &d->sites.v[site];
    size_t used = strlen(run->error);
    snprintf(run->error + used, sizeof run->error - used, " in %s (%s:%d:%d)", s->what,
             d->source ? d->source : "deal", (int)s->line, (int)s->col);
}
