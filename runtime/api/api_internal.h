/*
 * api_internal.h — what the public API's units (runtime/api/) share: the
 * handles' insides, the error helpers and the per-call C locale. The API
 * is a layer above the runtime: it calls the readers, the period engine
 * and the projection runner, and nothing below calls it.
 */
#ifndef DEALC_API_INTERNAL_H
#define DEALC_API_INTERNAL_H

#include <locale.h>

#include "dealc/dealc.h"
#include "rt_pricing.h"
#include "rt_project.h"
#include "rt_scenario.h"
#include "rt_tables.h"

struct dealc_deal {
    rt_deal *rt;
    rt_describe_fn describe;
    rt_period_fn period;
    void *dl;                 /* dlopen handle, or NULL */
    void (*release)(void *);  /* the caller's, for deals from functions */
    void *ctx;
    dealc_description desc;
    /* the description's arrays */
    const char **groups;
    dealc_class_info *classes;
    dealc_party_info *parties;
    dealc_named_info *inputs, *defs, *lines;
    dealc_fund_info *funds;
    dealc_clause_info *clauses;
    dealc_memory_info *memory;
};

struct dealc_state {
    const dealc_deal *d;
    rt_state st;
};

struct dealc_remittance {
    const dealc_deal *d;
    rt_remit rm;
    int32_t cap; /* periods allocated (in-memory remittances) */
};

/* a scenario: its flags, and the scenario file they are merged over */
struct dealc_scenario {
    rt_sc flags; /* what dealc_scenario_set gave (its strings are ours: strs) */
    rt_sc file;  /* a scenario file, read by dealc_scenario_read */
    int has_file;
    char **strs;
    int nstrs;
};

/* Each call runs in the C locale on its own thread, and puts the thread's
 * locale back before it returns. */
typedef struct api_locale {
    locale_t c, old;
} api_locale;
void api_locale_enter(api_locale *l);
void api_locale_leave(api_locale *l);

/* error helpers: all return the status they set */
dealc_status api_fail(dealc_error *err, dealc_status s, const char *fmt, ...) RT_FMT(3, 4);
dealc_status api_fail_file(dealc_error *err, dealc_status s, const char *file, const rt_err *e);
dealc_status api_fail_date(dealc_error *err, int32_t date, const char *fmt, ...) RT_FMT(3, 4);
void api_ok(dealc_error *err);

/* rt_dec -> int64 in the unit's public scale; 0 when it does not fit */
int api_figure(rt_dec v, int32_t unit, int64_t *out);
/* the public scale -> rt_dec; 0 when it does not fit the runtime's range */
int api_from_figure(int64_t v, int32_t unit, rt_dec *out);

/* a scenario reader's error as the API's: located (INPUT) or USAGE */
dealc_status api_sc_error(dealc_error *err, const rt_sc_err *e);
/* the flags over the file, resolved for the deal (lists: a grid's lists allowed) */
dealc_status api_resolve(const dealc_deal *d, const dealc_scenario *s, int lists, rt_sc_res *res,
                         dealc_error *err);
/* d and s given, and the opening (NULL or) of the deal; 0 after *err */
int api_check_opening(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s, dealc_error *err,
                      const char *fn);
/* the conventions checked and parsed (NULL: none): 0 none, 1 *out, -1 *err */
int api_pricing_resolve(const dealc_pricing *p, int oas_ok, rt_pricing *out, dealc_error *err);
/* the projection runner's failure as DEALC_ERR_RUN, its payment date in err->date */
dealc_status api_run_error(dealc_error *err, const char *msg);
/* a document in a format, handed out for dealc_free */
dealc_status api_doc_text(const rt_doc *doc, dealc_format f, char **text, size_t *len, dealc_error *err);
/* the default assumption's key of a scenario, NULL when none */
const char *api_scenario_default_key(const dealc_scenario *s);
/* a convention's text as set (key as dealc_pricing_set's), NULL when not */
const char *api_pricing_value(const dealc_pricing *p, const char *key);
/* a scenario set's assumptions notes for the grid tables (api_grid.c) */
void api_scenarios_notes(rt_doc *doc, const dealc_scenarios *ss);
/* a whole number from lo to hi in plain digits (no sign, no blanks):
 * 1 and *out, else 0 (the scenario sets' counts, the grid's --shard) */
int api_whole64(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* A class's Monte Carlo OAS sums as they are added up, over a run's paths
 * (api_grid.c) and over shards by the grid command's merge: each bought
 * flow j discounted at its path's rates (micro-dollars), the balances
 * bought (cents) and the interest accrued (micro-dollars); exact integers,
 * so shards add up to what one machine adds. In public form,
 * dealc_oas_sums. */
typedef struct api_agg {
    __int128 *flow;  /* maxp + 1 */
    int32_t *days;   /* maxp + 1: 30/360 days from settlement of flow j (-1: none yet) */
    int32_t nflows;
    __int128 balance, accrued;
    int conflict;
} api_agg;
int api_agg_init(api_agg *a, int32_t maxp);
void api_agg_free(api_agg *a);
void api_agg_add(api_agg *to, const api_agg *from);
/* the projection document (api_project_doc.c): the assumptions' notes
 * (pp, df: the curves' labels, NULL for a grid's), the parties, accounts,
 * triggers and dates tables, and the whole document of one projection
 * (klass -1: every class; pr NULL without pricing; stats: each class's
 * figures, rt_class_stats's; w1, w2: nperiods + 2 doubles of scratch) */
void api_assumption_notes(rt_doc *doc, const rt_deal *d, const rt_sc_res *res, const char *pp, const char *df);
void api_reach_tables(rt_doc *doc, const rt_deal *d, const rt_proj_result *r);
void api_project_doc(rt_doc *doc, const rt_deal *d, const rt_sc_res *res, int32_t klass, const rt_proj_result *r,
                     const rt_state *open, const rt_pricing *pr, const rt_price_stats *stats, double *w1, double *w2);
/* a class's summary in the API's form (rt_class_summary, rt_pricing.h) */
void api_class_summary(const rt_deal *d, const rt_proj_result *r, int32_t c, int32_t from, dealc_class_summary *s,
                       double *t, double *pp);

#endif
