/*
 * api_pricing.c — the pricing conventions through the public API, as
 * key/value text with the deal binary's flag names, checked together and
 * parsed by the engine's one parser (rt_pricing_parse) when a projection
 * or a grid uses them.
 */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

static const char *const keys[] = {"settle",        "price",         "yield", "curve", "benchmark", "delay",
                                   "accrual-start", "pricing-dates", "shift", "oas"};
enum { NKEYS = sizeof keys / sizeof keys[0] };

struct dealc_pricing {
    char *v[NKEYS];
};

dealc_status dealc_pricing_new(dealc_pricing **out, dealc_error *err)
{
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_pricing_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    api_ok(err);
    return DEALC_OK;
}

void dealc_pricing_free(dealc_pricing *p)
{
    if (!p)
        return;
    for (int i = 0; i < NKEYS; i++)
        free(p->v[i]);
    free(p);
}

dealc_status dealc_pricing_set(dealc_pricing *p, const char *key, const char *value, dealc_error *err)
{
    if (!p || !key)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_pricing_set: needs a pricing and a key");
    int i = 0;
    while (i < NKEYS && strcmp(keys[i], key) != 0)
        i++;
    if (i == NKEYS)
        return api_fail(err, DEALC_ERR_USAGE, "unknown pricing convention \"%s\" (docs/projection.md lists them)",
                        key);
    if (!value || !*value)
        return api_fail(err, DEALC_ERR_USAGE, "option --%s needs a non-empty argument", key);
    if (p->v[i])
        return api_fail(err, DEALC_ERR_USAGE, "option --%s given twice", key);
    if (!(p->v[i] = strdup(value)))
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    api_ok(err);
    return DEALC_OK;
}

int api_pricing_resolve(const dealc_pricing *p, int oas_ok, rt_pricing *out, dealc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!p)
        return 0;
    rt_pricing_text tx = {p->v[0], p->v[1], p->v[2], p->v[3], p->v[4], p->v[5], p->v[6], p->v[7], p->v[8], p->v[9]};
    rt_sc_err e;
    int got = rt_pricing_parse(&tx, oas_ok, out, &e);
    if (got < 0)
        api_sc_error(err, &e);
    return got;
}

const char *api_pricing_value(const dealc_pricing *p, const char *key)
{
    for (int i = 0; p && i < NKEYS; i++)
        if (strcmp(keys[i], key) == 0)
            return p->v[i];
    return NULL;
}
