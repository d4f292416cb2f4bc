/*
 * breakeven.c — `BIN breakeven --class NAME [ASSUMPTIONS]`: the lowest
 * constant CDR at which a class takes its first dollar of principal loss,
 * and the lowest at which it is written down in full, at the prepayment,
 * severity, lag and index assumptions given (docs/projection.md).
 *
 * A class has lost principal when, at the end of the projection, it still
 * has a balance (not repaid by the end) or an unpaid realized loss (written
 * down and not paid back). It is written down in full when a write-down
 * takes its balance to zero. Both searches bisect on whole hundredths of a
 * percent of CDR from 0% to 100%, so each answer is exact to 0.01% CDR with
 * at most 14 projections: the answer X is a CDR at which the class loses
 * and X - 0.01% one at which it does not. Bisection assumes more defaults
 * never help a class; the command projects both ends of each answer again
 * and says so if a deal breaks that (a trigger that pays the class sooner).
 *
 * One rt_proj is allocated and reused for every run; nothing is written
 * unless every projection succeeded.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "rt_cmd.h"

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

int rt_breakeven_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    /* the class first: without it nothing else is worth checking */
    int has_class = 0;
    for (int i = 1; i < argc; i++)
        has_class |= strcmp(argv[i], "--class") == 0 || strncmp(argv[i], "--class=", 8) == 0;
    if (!has_class)
        return rt_usage_error(prog, "%s", "breakeven needs --class NAME");
    setup s;
    int rc = rt_cmd_setup_load(&s, prog, argc, argv, 0, describe);
    if (rc >= 0) {
        rt_cmd_setup_free(&s);
        return rc;
    }
    rc = 2;
    if (s.klass < 0) {
        rc = rt_usage_error(prog, "%s", "breakeven needs --class NAME");
        goto out;
    }
    if (s.sc.dflt.key || s.file.dflt.key) {
        rc = rt_usage_error(prog, "breakeven searches the default rate: give no %s",
                            s.sc.dflt.key ? s.sc.dflt.key : s.file.dflt.key);
        goto out;
    }
    if (s.o.settle || s.o.report) {
        rc = rt_usage_error(prog, "%s", "breakeven prices nothing and writes no report (--settle, --report)");
        goto out;
    }
    const rt_deal *d = s.d;
    int32_t c = s.klass, nc = d->classes.n;
    if (d->classes.v[c].kind != RT_CLASS_PRINCIPAL) {
        rc = rt_usage_error(prog, "class \"%s\" is interest only: it has no principal to lose", d->classes.v[c].name);
        goto out;
    }
    rc = 1;
    /* the longest run: the terms plus the lag, at any CDR */
    int32_t maxp = rt_proj_horizon(d, &s.res.a);
    rt_proj *w = rt_proj_new(d, period, s.has_state ? &s.st : NULL, s.res.a.lag, maxp);
    if (!w) {
        fprintf(stderr, "error: out of memory\n");
        goto out;
    }
    char msg[RT_ERRMAX], m1[32], m2[32];
    int32_t runs = 0;
    int failed = 0;
    be_run first_r, full_r, below;
    memset(&first_r, 0, sizeof first_r);
    memset(&full_r, 0, sizeof full_r);
    int32_t first = search(w, &s.res.a, c, nc, 0, loses, &runs, &first_r, msg, sizeof msg, &failed);
    int32_t full = -1;
    if (!failed && first >= 0)
        full = search(w, &s.res.a, c, nc, first, wiped, &runs, &full_r, msg, sizeof msg, &failed);
    /* both sides of the first-loss answer, projected again: the class
     * loses nothing just below it (a deal where more defaults help a class
     * would break the bisection; say so rather than print a wrong answer) */
    int monotone = 1;
    if (!failed && first > 0) {
        runs++;
        if (!run_at(w, &s.res.a, c, nc, first - 1, &below, msg, sizeof msg))
            failed = 1;
        else if (loses(&below))
            monotone = 0;
    }
    if (failed) {
        fprintf(stderr, "error: %s\n", msg);
        rt_proj_free(w);
        goto out;
    }
    rt_doc doc;
    char title[512];
    snprintf(title, sizeof title, "Breakeven: %s, class %s", d->name, d->classes.v[c].name);
    rt_doc_init(&doc, title);
    api_assumption_notes(&doc, s.d, &s.res, s.res.pp_label[0], "CDR searched");
    rt_doc_note(&doc, "Constant CDR searched from 0%% to 100%% by bisection to 0.01%%; %d projections",
                (int)runs);
    rt_doc_note(&doc, "First loss: the lowest CDR at which the class ends with a balance or an unpaid "
                      "realized loss; full write-down: the lowest at which a write-down takes its balance to "
                      "zero");
    if (first < 0)
        rt_doc_note(&doc, "Class %s loses no principal even at 100%% CDR", d->classes.v[c].name);
    else if (first == 0)
        rt_doc_note(&doc, "Class %s loses principal even at 0%% CDR", d->classes.v[c].name);
    if (!monotone)
        rt_doc_note(&doc, "Warning: class %s also loses at %s%% CDR, below the answer: more defaults do not "
                          "always hurt it here, so the bisection's answer is one CDR at which the loss starts, not "
                          "necessarily the lowest",
                    d->classes.v[c].name, cdr_text(m1, first - 1));
    rt_tbl *t = rt_doc_table(&doc, "Breakeven");
    rt_tbl_col(&doc, t, "Class", RT_COL_TEXT);
    rt_tbl_col(&doc, t, "First loss CDR %", RT_COL_NUMBER);
    rt_tbl_col(&doc, t, "Loss at it", RT_COL_MONEY);
    rt_tbl_col(&doc, t, "Full write-down CDR %", RT_COL_NUMBER);
    rt_tbl_col(&doc, t, "Written down at it", RT_COL_MONEY);
    int row = rt_tbl_row(&doc, t);
    rt_tbl_set(&doc, t, row, 0, "%s", d->classes.v[c].name);
    rt_tbl_set(&doc, t, row, 1, "%s", first >= 0 ? cdr_text(m1, first) : "never");
    rt_tbl_set(&doc, t, row, 2, "%s", first >= 0 ? rt_cmd_money(m2, first_r.loss) : "-");
    rt_tbl_set(&doc, t, row, 3, "%s", full >= 0 ? cdr_text(m1, full) : "never");
    rt_tbl_set(&doc, t, row, 4, "%s", full >= 0 ? rt_cmd_money(m2, full_r.written) : "-");
    rc = rt_cmd_emit(&s, &doc);
    rt_doc_free(&doc);
    rt_proj_free(w);
out:
    rt_cmd_setup_free(&s);
    return rc;
}
