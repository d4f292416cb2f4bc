/*
 * api_project_doc.c — a projection as a document (rt_tables.h): the notes
 * on its assumptions and conventions, the summary with each class's WAL,
 * dates, totals and prices, the class balances chart, a table per class
 * and per collateral group, and the parties, accounts, triggers and dates.
 * dealc_projection_render prints it as text, CSV, JSON or HTML; the deal
 * binary's project command is that call.
 */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "rt_tables.h"

static void date_or_dash(char *b, int32_t z)
{
    if (z)
        rt_date_format(b, z);
    else
        strcpy(b, "-");
}

void api_assumption_notes(rt_doc *doc, const rt_deal *d, const rt_sc_res *res, const char *pp, const char *df)
{
    const rt_assump *a = &res->a;
    char sev[32];
    snprintf(sev, sizeof sev, "%.6g", a->severity * 100);
    if (pp && df)
        rt_doc_note(doc, "Assumptions: %s, %s, severity %s%%, recovery lag %d months, advancing %s, %s", pp, df, sev,
                    (int)a->lag, a->advancing ? "on" : "off", a->to_call ? "to the clean-up call" : "to maturity");
    else
        rt_doc_note(doc, "Assumptions: severity %s%%, recovery lag %d months, advancing %s, %s", sev, (int)a->lag,
                    a->advancing ? "on" : "off", a->to_call ? "to the clean-up call" : "to maturity");
    for (int32_t i = 0; i < d->collateral.n; i++)
        if (d->collateral.v[i].field[RT_L_CREDIT_LIMIT] > 0) {
            rt_doc_note(doc, "Revolving lines: %s%s", res->draw_label,
                        a->draw.kind == RT_CURVE_VECTOR || a->draw.level > 0 ? "" : " (give --draw-rate)");
            break;
        }
    for (int32_t i = 0; i < d->inputs.n; i++) {
        char v[RT_NUMBUF];
        const rt_index_path *ix = &res->index[i];
        if (ix->n > 1)
            rt_doc_note(doc, "Index \"%s\": a vector of %d rates, from %s%%", d->inputs.v[i].name, (int)ix->n,
                        rt_fmt_percent_trim(v, ix->values[0]));
        else if (ix->n == 1)
            rt_doc_note(doc, "Index \"%s\": %s%%", d->inputs.v[i].name, rt_fmt_percent_trim(v, ix->values[0]));
    }
}

/* ---- the projection -------------------------------------------------------------------------------------- */

/* The parties, accounts and remembered conditions, period by period: what
 * each party (fee payees, the residual holder, insurers) was paid, each
 * insurer's draws and unreimbursed balance, each account's closing balance,
 * each trigger's state and each remembered date. */
void api_reach_tables(rt_doc *doc, const rt_deal *d, const rt_proj_result *r)
{
    char a[RT_NUMBUF], ds[11];
    const int32_t np = d->parties.n, nf = d->funds.n, nm = d->memory.n;
    if (np > 0) {
        rt_tbl *t = rt_doc_table(doc, "Parties");
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        for (int32_t p = 0; p < np; p++) {
            rt_tbl_col(doc, t, d->parties.v[p].name, RT_COL_MONEY);
            if (d->parties.v[p].is_insurer) {
                char h[600];
                snprintf(h, sizeof h, "%s drawn", d->parties.v[p].name);
                rt_tbl_col(doc, t, h, RT_COL_MONEY);
                snprintf(h, sizeof h, "%s unreimbursed", d->parties.v[p].name);
                rt_tbl_col(doc, t, h, RT_COL_MONEY);
            }
        }
        int64_t *tot = calloc((size_t)np * 2 + 1, sizeof *tot);
        for (int32_t k = 0; k < r->nperiods; k++) {
            int row = rt_tbl_row(doc, t), col = 2;
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (int32_t p = 0; p < np; p++) {
                const int64_t *x = &r->party[((size_t)k * np + p) * RT_P_COUNT];
                rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_cents(a, x[RT_P_PAID]));
                if (tot) {
                    tot[2 * p] += x[RT_P_PAID];
                    tot[2 * p + 1] += x[RT_P_DRAWN];
                }
                if (d->parties.v[p].is_insurer) {
                    rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_cents(a, x[RT_P_DRAWN]));
                    rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_cents(a, x[RT_P_UNREIMB_END]));
                }
            }
        }
        if (tot) {
            int row = rt_tbl_row(doc, t), col = 2;
            rt_tbl_set(doc, t, row, 0, "Total");
            for (int32_t p = 0; p < np; p++) {
                rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_cents(a, tot[2 * p]));
                if (d->parties.v[p].is_insurer) {
                    rt_tbl_set(doc, t, row, col, "%s", rt_fmt_cents(a, tot[2 * p + 1]));
                    col += 2;
                }
            }
            free(tot);
        } else {
            doc->oom = 1;
        }
    }
    if (d->has_accounts) {
        rt_tbl *t = rt_doc_table(doc, "Accounts");
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        for (int32_t h = 0; h < nf; h++)
            if (d->funds.v[h].is_account)
                rt_tbl_col(doc, t, d->funds.v[h].name, RT_COL_MONEY);
        for (int32_t k = 0; k < r->nperiods; k++) {
            int row = rt_tbl_row(doc, t), col = 2;
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (int32_t h = 0; h < nf; h++)
                if (d->funds.v[h].is_account)
                    rt_tbl_set(doc, t, row, col++, "%s",
                               rt_fmt_cents(a, r->fund[((size_t)k * nf + h) * RT_F_COUNT + RT_F_REMAINING]));
        }
    }
    if (nm > 0) {
        rt_tbl *t = rt_doc_table(doc, "Triggers and dates");
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        for (int32_t m = 0; m < nm; m++)
            rt_tbl_col(doc, t, d->memory.v[m].name, RT_COL_TEXT);
        for (int32_t k = 0; k < r->nperiods; k++) {
            int row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (int32_t m = 0; m < nm; m++) {
                int32_t v = r->memory[(size_t)k * nm + m];
                if (d->memory.v[m].kind != RT_MEM_DATE)
                    rt_tbl_set(doc, t, row, 2 + m, "%s", v ? "in effect" : "not in effect");
                else if (v == RT_DATE_NEVER)
                    rt_tbl_set(doc, t, row, 2 + m, "not yet");
                else
                    rt_tbl_set(doc, t, row, 2 + m, "%s", rt_date_format(ds, v));
            }
        }
    }
}

void api_project_doc(rt_doc *doc, const rt_deal *d, const rt_sc_res *res, int32_t klass, const rt_proj_result *r,
                     const rt_state *open, const rt_pricing *pr, const rt_price_stats *stats, double *w1, double *w2)
{
    int32_t nc = d->classes.n, ng = d->groups.n;
    char a[RT_NUMBUF], b[RT_NUMBUF], ds[11];
    int draws = res->a.draw.kind == RT_CURVE_VECTOR || res->a.draw.level > 0;
    api_assumption_notes(doc, d, res, res->pp_label[0], res->df_label[0]);
    rt_doc_note(doc, "Start: %s, distribution %d; %d periods%s", rt_date_format(ds, open->payment_date),
                (int)open->distribution_number, (int)r->nperiods, r->called ? ", ended by the clean-up call" : "");
    int32_t from = pr ? pr->settle : open->payment_date;
    rt_doc_note(doc, "Weighted average life in years (actual/365.25) from %s", rt_date_format(ds, from));
    if (pr) {
        char sh[RT_NUMBUF];
        rt_doc_note(doc,
                    "Pricing: settlement %s; flows discounted from their %s dates, 30/360 from settlement, yields "
                    "compounded semiannually; accrued interest from %s; effective duration and convexity with "
                    "every index rate and the yield moved %s bp up and down",
                    rt_date_format(ds, pr->settle), pr->rolled ? "business-day-rolled" : "unadjusted (nominal)",
                    pr->accrual == RT_ACCRUE_FIRST_OF_MONTH   ? "the first of the month"
                    : pr->accrual == RT_ACCRUE_PAYMENT_DATE ? "the last distribution"
                                                         : "the first of the month for a class with a payment delay, "
                                                           "else the last distribution",
                    rt_fmt_real_trim(sh, pr->shift * 10000, 4));
        if (pr->delay >= 0)
            rt_doc_note(doc, "Payment delay: %d days for every class", pr->delay);
        else
            for (int32_t c = 0; c < nc; c++)
                if (d->classes.v[c].delay > 0 && (klass < 0 || c == klass))
                    rt_doc_note(doc, "Payment delay: class %s, %d days", d->classes.v[c].name,
                                (int)d->classes.v[c].delay);
    }

    /* summary */
    rt_tbl *t = rt_doc_table(doc, "Summary");
    rt_tbl_col(doc, t, "Class", RT_COL_TEXT);
    rt_tbl_col(doc, t, "WAL", RT_COL_NUMBER);
    rt_tbl_col(doc, t, "First principal", RT_COL_TEXT);
    rt_tbl_col(doc, t, "Last principal", RT_COL_TEXT);
    rt_tbl_col(doc, t, "Principal", RT_COL_MONEY);
    rt_tbl_col(doc, t, "Interest", RT_COL_MONEY);
    rt_tbl_col(doc, t, "Final payment", RT_COL_TEXT);
    if (pr) {
        rt_tbl_col(doc, t, "Price", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Yield %", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Mod duration", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Convexity", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Eff duration", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Eff convexity", RT_COL_NUMBER);
        if (pr->ncurve)
            rt_tbl_col(doc, t, "Spread bp", RT_COL_NUMBER);
        if (pr->curve_file)
            rt_tbl_col(doc, t, "Z-spread bp", RT_COL_NUMBER);
    }
    for (int32_t c = 0; c < nc; c++) {
        if (klass >= 0 && c != klass)
            continue;
        const rt_price_stats st = stats[c];
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "%s", d->classes.v[c].name);
        rt_tbl_set(doc, t, row, 1, "%s", st.prin > 0 ? rt_fmt_real(a, st.wal, 2) : "-");
        date_or_dash(ds, st.first);
        rt_tbl_set(doc, t, row, 2, "%s", ds);
        date_or_dash(ds, st.last);
        rt_tbl_set(doc, t, row, 3, "%s", ds);
        rt_tbl_set(doc, t, row, 4, "%s", rt_fmt_cents(a, st.prin));
        rt_tbl_set(doc, t, row, 5, "%s", rt_fmt_cents(a, st.intr));
        date_or_dash(ds, st.final);
        rt_tbl_set(doc, t, row, 6, "%s", ds);
        if (pr && st.priced) {
            int col = 7;
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.price, 6));
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.yield * 100, 8));
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.dur, 4));
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.convexity, 4));
            rt_tbl_set(doc, t, row, col++, "%s", st.has_eff ? rt_fmt_real(a, st.eff_dur, 4) : "-");
            rt_tbl_set(doc, t, row, col++, "%s", st.has_eff ? rt_fmt_real(a, st.eff_conv, 4) : "-");
            if (pr->ncurve)
                rt_tbl_set(doc, t, row, col++, "%s", st.has_spread ? rt_fmt_real(a, st.spread, 1) : "-");
            if (pr->curve_file)
                rt_tbl_set(doc, t, row, col++, "%s", st.has_z ? rt_fmt_real(a, st.zspread, 1) : "-");
        } else if (pr) {
            for (int k = 7; k < t->ncols; k++)
                rt_tbl_set(doc, t, row, k, "-");
        }
    }

    /* The chart and each class's table end where there is nothing left to
     * show: the chart at the period the last principal class shown is
     * paid off, a class's table at the last period that paid it anything
     * or left it a balance (its Total still counts every period). */
    int32_t chart_end = 0;
    for (int32_t c = 0; c < nc; c++) {
        if ((klass >= 0 && c != klass) || d->classes.v[c].kind != RT_CLASS_PRINCIPAL)
            continue;
        for (int32_t k = 0; k < r->nperiods; k++)
            if (r->class_end[(size_t)k * nc + c] > 0 || r->class_prin[(size_t)k * nc + c] > 0)
                chart_end = k + 1 > chart_end ? k + 1 : chart_end;
    }
    if (chart_end < r->nperiods && chart_end > 0)
        rt_doc_note(doc, "The class balances chart ends at period %d, when the last class shown is paid off",
                    (int)(r->first_dist + chart_end - 1));
    rt_chart *ch = rt_doc_chart(doc, "Class balances", "period", "balance");
    for (int32_t c = 0; c < nc; c++) {
        if ((klass >= 0 && c != klass) || d->classes.v[c].kind != RT_CLASS_PRINCIPAL)
            continue;
        w1[0] = open->distribution_number;
        w2[0] = (double)(open->class_balance[c] / RT_CENT) / 100;
        for (int32_t k = 0; k < chart_end; k++) {
            w1[k + 1] = r->first_dist + k;
            w2[k + 1] = (double)r->class_end[(size_t)k * nc + c] / 100;
        }
        rt_chart_series(doc, ch, d->classes.v[c].name, chart_end + 1, w1, w2);
    }

    /* per class cash flows */
    for (int32_t c = 0; c < nc; c++) {
        if (klass >= 0 && c != klass)
            continue;
        int32_t last = 0; /* periods shown */
        for (int32_t k = 0; k < r->nperiods; k++) {
            size_t x = (size_t)k * nc + c;
            int64_t loss_before = k ? r->class_loss_end[x - nc] : 0, basis_before = k ? r->class_basis_end[x - nc] : 0;
            if (r->class_end[x] > 0 || r->class_int[x] > 0 || r->class_prin[x] > 0 || r->class_writedown[x] > 0 ||
                r->class_loss_paid[x] > 0 || r->class_basis_paid[x] > 0 ||
                r->class_drawn[x] > 0 || r->class_loss_end[x] != loss_before || r->class_basis_end[x] != basis_before)
                last = k + 1;
        }
        if (last < r->nperiods)
            last++; /* the period after, with its balance of 0 */
        t = rt_doc_table(doc, "Class %s", d->classes.v[c].name);
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Balance", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Interest", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Principal", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Coupon %", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Total cash", RT_COL_MONEY);
        /* what the deal can do to this class: grow it, write it down, cap
         * its coupon (columns only where the deal has them) */
        const rt_class_info *ci = &d->classes.v[c];
        int col_drawn = -1, col_wd = -1, col_loss = -1, col_lpaid = -1, col_basis = -1, col_bpaid = -1;
        if (ci->maximum_cents > 0) {
            col_drawn = t->ncols;
            rt_tbl_col(doc, t, "Drawn", RT_COL_MONEY);
        }
        if (ci->alloc >= 0) {
            col_wd = t->ncols;
            rt_tbl_col(doc, t, "Written down", RT_COL_MONEY);
            col_loss = t->ncols;
            rt_tbl_col(doc, t, "Unpaid loss", RT_COL_MONEY);
            col_lpaid = t->ncols;
            rt_tbl_col(doc, t, "Loss paid back", RT_COL_MONEY);
        }
        if (ci->capped) {
            col_basis = t->ncols;
            rt_tbl_col(doc, t, "Basis risk carry-forward", RT_COL_MONEY);
            col_bpaid = t->ncols;
            rt_tbl_col(doc, t, "Basis risk paid", RT_COL_MONEY);
        }
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "%d", (int)open->distribution_number);
        rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, open->payment_date));
        rt_tbl_set(doc, t, row, 2, "%s", rt_fmt_money(a, open->class_balance[c], 0, 0));
        int64_t ti = 0, tp = 0, tw = 0, tdr = 0, tlp = 0, tbp = 0;
        for (int32_t k = 0; k < r->nperiods; k++) {
            size_t x = (size_t)k * nc + c;
            ti += r->class_int[x];
            tp += r->class_prin[x];
            tw += r->class_writedown[x];
            tdr += r->class_drawn[x];
            tlp += r->class_loss_paid[x];
            tbp += r->class_basis_paid[x];
            if (k >= last)
                continue;
            row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            rt_tbl_set(doc, t, row, 2, "%s", rt_fmt_cents(a, r->class_end[x]));
            rt_tbl_set(doc, t, row, 3, "%s", rt_fmt_cents(a, r->class_int[x]));
            rt_tbl_set(doc, t, row, 4, "%s", rt_fmt_cents(a, r->class_prin[x]));
            rt_tbl_set(doc, t, row, 5, "%s", rt_fmt_percent(b, r->class_coupon[x], 5));
            /* Total cash: everything the holder receives this period */
            rt_tbl_set(doc, t, row, 6, "%s",
                       rt_fmt_cents(a, r->class_int[x] + r->class_prin[x] + r->class_loss_paid[x] +
                                           r->class_basis_paid[x]));
            if (col_drawn >= 0)
                rt_tbl_set(doc, t, row, col_drawn, "%s", rt_fmt_cents(a, r->class_drawn[x]));
            if (col_wd >= 0) {
                rt_tbl_set(doc, t, row, col_wd, "%s", rt_fmt_cents(a, r->class_writedown[x]));
                rt_tbl_set(doc, t, row, col_loss, "%s", rt_fmt_cents(a, r->class_loss_end[x]));
                rt_tbl_set(doc, t, row, col_lpaid, "%s", rt_fmt_cents(a, r->class_loss_paid[x]));
            }
            if (col_basis >= 0) {
                rt_tbl_set(doc, t, row, col_basis, "%s", rt_fmt_cents(a, r->class_basis_end[x]));
                rt_tbl_set(doc, t, row, col_bpaid, "%s", rt_fmt_cents(a, r->class_basis_paid[x]));
            }
        }
        row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "Total");
        rt_tbl_set(doc, t, row, 3, "%s", rt_fmt_cents(a, ti));
        rt_tbl_set(doc, t, row, 4, "%s", rt_fmt_cents(a, tp));
        rt_tbl_set(doc, t, row, 6, "%s", rt_fmt_cents(a, ti + tp + tlp + tbp));
        if (col_drawn >= 0)
            rt_tbl_set(doc, t, row, col_drawn, "%s", rt_fmt_cents(a, tdr));
        if (col_wd >= 0) {
            rt_tbl_set(doc, t, row, col_wd, "%s", rt_fmt_cents(a, tw));
            rt_tbl_set(doc, t, row, col_lpaid, "%s", rt_fmt_cents(a, tlp));
        }
        if (col_bpaid >= 0)
            rt_tbl_set(doc, t, row, col_bpaid, "%s", rt_fmt_cents(a, tbp));
    }

    /* collateral flows per group */
    static const char *const cols[] = {"Beginning", "Scheduled", "Prepaid", "Defaulted", "Liquidated",
                                       "Recoveries", "Loss", "Interest", "Advanced", "Sold", "Ending", "Loans"};
    for (int32_t g = 0; g < ng; g++) {
        t = rt_doc_table(doc, "Collateral %s", d->groups.v[g]);
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        size_t ncols = sizeof cols / sizeof cols[0] - (d->collateral_is_tape ? 0 : 1);
        for (size_t k = 0; k < ncols; k++)
            rt_tbl_col(doc, t, cols[k], k == 11 ? RT_COL_NUMBER : RT_COL_MONEY);
        int col_drawn = -1;
        if (draws) {
            col_drawn = t->ncols;
            rt_tbl_col(doc, t, "Drawn", RT_COL_MONEY);
        }
        rt_flows tot;
        memset(&tot, 0, sizeof tot);
        for (int32_t k = 0; k < r->nperiods; k++) {
            const rt_flows *f = &r->flows[(size_t)k * ng + g];
            int64_t v[] = {f->begin, f->scheduled, f->prepaid, f->defaulted, f->liquidated, f->recoveries,
                           f->loss, f->interest, f->advanced, f->sold, f->end};
            int row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
                rt_tbl_set(doc, t, row, 2 + (int)j, "%s", rt_fmt_cents(a, v[j]));
            if (d->collateral_is_tape)
                rt_tbl_set(doc, t, row, 13, "%lld", (long long)f->loans);
            if (col_drawn >= 0)
                rt_tbl_set(doc, t, row, col_drawn, "%s", rt_fmt_cents(a, f->drawn));
            tot.drawn += f->drawn;
            tot.scheduled += f->scheduled;
            tot.prepaid += f->prepaid;
            tot.defaulted += f->defaulted;
            tot.liquidated += f->liquidated;
            tot.recoveries += f->recoveries;
            tot.loss += f->loss;
            tot.interest += f->interest;
            tot.advanced += f->advanced;
            tot.sold += f->sold;
        }
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "Total");
        int64_t v[] = {tot.scheduled, tot.prepaid, tot.defaulted, tot.liquidated, tot.recoveries,
                       tot.loss,      tot.interest, tot.advanced, tot.sold};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            rt_tbl_set(doc, t, row, 3 + (int)j, "%s", rt_fmt_cents(a, v[j]));
        if (col_drawn >= 0)
            rt_tbl_set(doc, t, row, col_drawn, "%s", rt_fmt_cents(a, tot.drawn));
    }
    api_reach_tables(doc, d, r);
}

