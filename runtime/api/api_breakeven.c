/*
 * api_breakeven.c — dealc_breakeven_run: the lowest constant CDR at which
 * a class takes its first dollar of principal loss, and the lowest at
 * which it is written down in full, at the prepayment, severity, lag and
 * index assumptions of a scenario (docs/projection.md).
 *
 * A class has lost principal when, at the end of the projection, it still
 * has a balance (not repaid by the end) or an unpaid realized loss (written
 * down and not paid back). It is written down in full when a write-down
 * takes its balance to zero. Both searches bisect on whole hundredths of a
 * percent of CDR from 0% to 100%, so each answer is exact to 0.01% CDR with
 * at most 14 projections: the answer X is a CDR at which the class loses
 * and X - 0.01% one at which it does not. Bisection assumes more defaults
 * never help a class; the class is projected again just below the
 * first-loss answer, and the result says so if a deal breaks that (a
 * trigger that pays the class sooner).
 *
 * One rt_proj is allocated and reused for every run.
 */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

#define BE_STEPS 10000 /* hundredths of a percent: 100% CDR */

typedef struct be_run {
    int64_t loss;    /* principal lost: balance left + unpaid realized loss, cents */
    int64_t written; /* realized losses allocated over the run, cents */
    int full;        /* a write-down took the balance to zero */
} be_run;

/* One projection at cdr hundredths of a percent; 0 + msg when it fails. */
static int run_at(rt_proj *w, const rt_assump *base, int32_t c, int32_t nc, int32_t cdr, be_run *out, char *msg,
                  size_t msgsize)
{
    rt_assump a = *base;
    memset(&a.dflt, 0, sizeof a.dflt);
    a.dflt.kind = RT_CURVE_CPR;
    a.dflt.level = (double)cdr / BE_STEPS;
    if (!rt_proj_run(w, &a, msg, msgsize))
        return 0;
    const rt_proj_result *r = rt_proj_result_get(w);
    memset(out, 0, sizeof *out);
    for (int32_t k = 0; k < r->nperiods; k++) {
        size_t x = (size_t)k * (size_t)nc + (size_t)c;
        out->written += r->class_writedown[x];
        if (r->class_writedown[x] > 0 && r->class_end[x] == 0)
            out->full = 1;
    }
    if (r->nperiods > 0) {
        size_t x = (size_t)(r->nperiods - 1) * (size_t)nc + (size_t)c;
        out->loss = r->class_end[x] + r->class_loss_end[x];
    } else {
        out->loss = (int64_t)(rt_proj_opening(w)->class_balance[c] / RT_CENT);
    }
    return 1;
}

typedef int (*be_pred)(const be_run *);
static int loses(const be_run *r)
{
    return r->loss > 0;
}
static int wiped(const be_run *r)
{
    return r->full;
}

/* The lowest CDR in [lo, BE_STEPS] (hundredths) where pred holds, given it
 * does not at lo - 1 (or lo is 0); -1 when it does not hold even at 100%. */
static int search(rt_proj *w, const rt_assump *a, int32_t c, int32_t nc, int32_t lo, be_pred pred, int32_t *runs,
                  be_run *at, char *msg, size_t msgsize, int *failed)
{
    be_run r;
    *failed = 0;
    (*runs)++;
    if (!run_at(w, a, c, nc, lo, &r, msg, msgsize))
        return *failed = 1, -1;
    if (pred(&r)) {
        *at = r;
        return lo;
    }
    (*runs)++;
    if (!run_at(w, a, c, nc, BE_STEPS, &r, msg, msgsize))
        return *failed = 1, -1;
    if (!pred(&r))
        return -1;
    *at = r;
    int32_t no = lo, yes = BE_STEPS;
    while (yes - no > 1) {
        int32_t mid = no + (yes - no) / 2;
        (*runs)++;
        if (!run_at(w, a, c, nc, mid, &r, msg, msgsize))
            return *failed = 1, -1;
        if (pred(&r)) {
            yes = mid;
            *at = r;
        } else {
            no = mid;
        }
    }
    return yes;
}

static const char *cdr_text(char *buf, int32_t h)
{
    snprintf(buf, 32, "%d.%02d", (int)(h / 100), (int)(h % 100));
    return buf;
}

typedef struct breakeven_impl {
    dealc_breakeven pub;
    const dealc_deal *d;
    rt_sc_res res;
} breakeven_impl;

void dealc_breakeven_free(dealc_breakeven *b)
{
    if (!b)
        return;
    breakeven_impl *x = (breakeven_impl *)b;
    rt_sc_res_free(&x->res);
    free(x);
}

dealc_status dealc_breakeven_run(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                 int32_t klass, dealc_breakeven **out, dealc_error *err)
{
    dealc_error local;
    if (!err)
        err = &local;
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_breakeven_run: out is NULL");
    *out = NULL;
    if (!api_check_opening(d, opening, s, err, "dealc_breakeven_run"))
        return err->status;
    const rt_deal *r = d->rt;
    if (klass < 0 || klass >= r->classes.n)
        return api_fail(err, DEALC_ERR_USAGE, "breakeven needs --class NAME");
    const char *dk = api_scenario_default_key(s);
    if (dk)
        return api_fail(err, DEALC_ERR_USAGE, "breakeven searches the default rate: give no %s", dk);
    if (r->classes.v[klass].kind != RT_CLASS_PRINCIPAL)
        return api_fail(err, DEALC_ERR_USAGE, "class \"%s\" is interest only: it has no principal to lose",
                        r->classes.v[klass].name);
    breakeven_impl *x = calloc(1, sizeof *x);
    if (!x)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    api_locale loc;
    api_locale_enter(&loc);
    rt_proj *w = NULL;
    dealc_status st = api_resolve(d, s, 0, &x->res, err);
    if (st != DEALC_OK)
        goto done; /* a resolution that fails has allocated too: freed with x */
    x->d = d;
    /* the longest run: the terms plus the lag, at any CDR */
    int32_t maxp = rt_proj_horizon(r, &x->res.a);
    w = rt_proj_new(r, d->period, opening ? &opening->st : NULL, x->res.a.lag, maxp);
    if (!w) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    char msg[RT_ERRMAX];
    int32_t c = klass, nc = r->classes.n, runs = 0;
    int failed = 0;
    be_run first_r, full_r, below;
    memset(&first_r, 0, sizeof first_r);
    memset(&full_r, 0, sizeof full_r);
    int32_t first = search(w, &x->res.a, c, nc, 0, loses, &runs, &first_r, msg, sizeof msg, &failed);
    int32_t full = -1;
    if (!failed && first >= 0)
        full = search(w, &x->res.a, c, nc, first, wiped, &runs, &full_r, msg, sizeof msg, &failed);
    /* both sides of the first-loss answer: the class loses nothing just
     * below it (a deal where more defaults help a class would break the
     * bisection; the result says so rather than give a wrong answer) */
    int monotone = 1;
    if (!failed && first > 0) {
        runs++;
        if (!run_at(w, &x->res.a, c, nc, first - 1, &below, msg, sizeof msg))
            failed = 1;
        else if (loses(&below))
            monotone = 0;
    }
    if (failed) {
        st = api_run_error(err, msg);
        goto done;
    }
    x->pub.klass = klass;
    x->pub.first_loss = first;
    x->pub.full_writedown = full;
    x->pub.loss_at_first = first >= 0 ? first_r.loss : 0;
    x->pub.written_at_full = full >= 0 ? full_r.written : 0;
    x->pub.runs = runs;
    x->pub.monotone = monotone;
    *out = &x->pub;
    x = NULL;
    api_ok(err);
done:
    dealc_breakeven_free(x ? &x->pub : NULL);
    rt_proj_free(w);
    api_locale_leave(&loc);
    return st;
}

dealc_status dealc_breakeven_render(const dealc_breakeven *b, dealc_format f, char **text, size_t *len,
                                    dealc_error *err)
{
    if (!b || !text)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_breakeven_render: needs a result and text");
    if (f < DEALC_FORMAT_TABLE || f > DEALC_FORMAT_HTML)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_breakeven_render: unknown format %d", (int)f);
    const breakeven_impl *x = (const breakeven_impl *)b;
    const rt_deal *d = x->d->rt;
    const char *cn = d->classes.v[b->klass].name;
    api_locale loc;
    api_locale_enter(&loc);
    char m1[32], m2[RT_NUMBUF];
    rt_doc doc;
    char title[512];
    snprintf(title, sizeof title, "Breakeven: %s, class %s", d->name, cn);
    rt_doc_init(&doc, title);
    api_assumption_notes(&doc, d, &x->res, x->res.pp_label[0], "CDR searched");
    rt_doc_note(&doc, "Constant CDR searched from 0%% to 100%% by bisection to 0.01%%; %d projections", (int)b->runs);
    rt_doc_note(&doc, "First loss: the lowest CDR at which the class ends with a balance or an unpaid "
                      "realized loss; full write-down: the lowest at which a write-down takes its balance to "
                      "zero");
    if (b->first_loss < 0)
        rt_doc_note(&doc, "Class %s loses no principal even at 100%% CDR", cn);
    else if (b->first_loss == 0)
        rt_doc_note(&doc, "Class %s loses principal even at 0%% CDR", cn);
    if (!b->monotone)
        rt_doc_note(&doc, "Warning: class %s also loses at %s%% CDR, below the answer: more defaults do not "
                          "always hurt it here, so the bisection's answer is one CDR at which the loss starts, not "
                          "necessarily the lowest",
                    cn, cdr_text(m1, b->first_loss - 1));
    rt_tbl *t = rt_doc_table(&doc, "Breakeven");
    rt_tbl_col(&doc, t, "Class", RT_COL_TEXT);
    rt_tbl_col(&doc, t, "First loss CDR %", RT_COL_NUMBER);
    rt_tbl_col(&doc, t, "Loss at it", RT_COL_MONEY);
    rt_tbl_col(&doc, t, "Full write-down CDR %", RT_COL_NUMBER);
    rt_tbl_col(&doc, t, "Written down at it", RT_COL_MONEY);
    int row = rt_tbl_row(&doc, t);
    rt_tbl_set(&doc, t, row, 0, "%s", cn);
    rt_tbl_set(&doc, t, row, 1, "%s", b->first_loss >= 0 ? cdr_text(m1, b->first_loss) : "never");
    rt_tbl_set(&doc, t, row, 2, "%s", b->first_loss >= 0 ? rt_fmt_cents(m2, b->loss_at_first) : "-");
    rt_tbl_set(&doc, t, row, 3, "%s", b->full_writedown >= 0 ? cdr_text(m1, b->full_writedown) : "never");
    rt_tbl_set(&doc, t, row, 4, "%s", b->full_writedown >= 0 ? rt_fmt_cents(m2, b->written_at_full) : "-");
    dealc_status st = api_doc_text(&doc, f, text, len, err);
    rt_doc_free(&doc);
    api_locale_leave(&loc);
    return st;
}
